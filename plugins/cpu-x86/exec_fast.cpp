// Specialised handlers for the hottest instruction forms. decode() picks one when the decoded
// instruction matches (32-bit operands, the register or memory form), so the operation, the
// operand size and the condition are compile-time constants and the flag computation of
// flags.h collapses to a few host instructions. Each behaves exactly like the generic handler
// it replaces (same faults, same flags, same order of accesses).
#include <utility>

#include "decode.h"

namespace emu::x86 {

namespace {

// ALU op (ADD OR ADC SBB AND SUB XOR CMP) on 32-bit registers: 01/09/../39 (r/m <- reg) and
// 03/0B/../3B (reg <- r/m) with mod = 3; dst/src are ModRM.rm/reg or reg/rm.
template <unsigned Op, bool ToReg>
void alu_rr32(Cpu& c, const Insn& d) {
    const unsigned dst = ToReg ? d.reg : d.rm, src = ToReg ? d.rm : d.reg;
    const FlagResult r = alu_op(Op, static_cast<std::uint32_t>(c.gpr[dst]), static_cast<std::uint32_t>(c.gpr[src]), c.eflags_, 4);
    if (Op != 7) c.gpr[dst] = r.value;
    set_arith(c, r.flags);
}

// The same with a memory operand.
template <unsigned Op, bool ToReg>
void alu_rm32(Cpu& c, const Insn& d) {
    const std::uint32_t off = ea(c, d);
    const auto m = mem_read(c, mseg(d), off, 4);
    if (ToReg) {
        const FlagResult r = alu_op(Op, static_cast<std::uint32_t>(c.gpr[d.reg]), m, c.eflags_, 4);
        if (Op != 7) c.gpr[d.reg] = r.value;
        set_arith(c, r.flags);
    } else {
        const FlagResult r = alu_op(Op, m, static_cast<std::uint32_t>(c.gpr[d.reg]), c.eflags_, 4);
        if (Op != 7) mem_write(c, mseg(d), off, 4, r.value);
        set_arith(c, r.flags);
    }
}

// 81/83 /op with a register (and 05/0D/../3D on EAX: rm = 0).
template <unsigned Op>
void alu_ri32(Cpu& c, const Insn& d) {
    const FlagResult r = alu_op(Op, static_cast<std::uint32_t>(c.gpr[d.rm]), d.imm, c.eflags_, 4);
    if (Op != 7) c.gpr[d.rm] = r.value;
    set_arith(c, r.flags);
}

template <unsigned Op>
void alu_mi32(Cpu& c, const Insn& d) {
    const std::uint32_t off = ea(c, d);
    const auto m = mem_read(c, mseg(d), off, 4);
    const FlagResult r = alu_op(Op, m, d.imm, c.eflags_, 4);
    if (Op != 7) mem_write(c, mseg(d), off, 4, r.value);
    set_arith(c, r.flags);
}

// 40-4F INC/DEC r32 (rm = the register).
template <bool Dec>
void incdec32(Cpu& c, const Insn& d) {
    const FlagResult r = flags_incdec(static_cast<std::uint32_t>(c.gpr[d.rm]), Dec, c.eflags_, 4);
    c.gpr[d.rm] = r.value;
    set_arith(c, r.flags);
}

void mov_rr32(Cpu& c, const Insn& d) { c.gpr[d.reg] = static_cast<std::uint32_t>(c.gpr[d.rm]); }  // 8B, mod 3
void mov_load32(Cpu& c, const Insn& d) { c.gpr[d.reg] = mem_read(c, mseg(d), ea(c, d), 4); }
void mov_store32(Cpu& c, const Insn& d) { mem_write(c, mseg(d), ea(c, d), 4, static_cast<std::uint32_t>(c.gpr[d.reg])); }
void mov_ri32(Cpu& c, const Insn& d) { c.gpr[d.rm] = d.imm; }  // B8-BF (rm = the register)

void test_rr32(Cpu& c, const Insn& d) {
    set_arith(c, flags_logic(static_cast<std::uint32_t>(c.gpr[d.rm]) & static_cast<std::uint32_t>(c.gpr[d.reg]), 4));
}

// Jcc with a 32-bit operand size (the target is not masked to 16 bits).
template <unsigned Cc>
void jcc32(Cpu& c, const Insn& d) {
    if (condition(c.eflags_, Cc)) {
        const std::uint32_t target = static_cast<std::uint32_t>(c.rip) + d.imm;
        if (target > c.seg[CS].limit) c.raise(vec::GP, 0);
        c.rip = target;
    }
}

void lea32(Cpu& c, const Insn& d) { c.gpr[d.reg] = ea(c, d); }  // 8D with mod != 3, 32-bit

// C1 / D1 (ROL ROR SHL SHR SAR; not RCL/RCR, which read CF) on a 32-bit register with the
// count fixed by the instruction (imm = count, non-zero).
template <unsigned Op>
void shift_ri32(Cpu& c, const Insn& d) {
    const FlagResult r = shift_op(Op, static_cast<std::uint32_t>(c.gpr[d.rm]), d.imm, c.eflags_, 4);
    c.gpr[d.rm] = r.value;
    set_arith(c, r.flags);
}

// 0F B6/B7/BE/BF MOVZX/MOVSX r32, r/m8 or r/m16.
template <unsigned SrcSize, bool Signed>
void movx32(Cpu& c, const Insn& d) {
    std::uint32_t v = d.mod == 3 ? get_reg(c, d.rm, SrcSize) : mem_read(c, mseg(d), ea(c, d), SrcSize);
    if (Signed)
        v = SrcSize == 1 ? static_cast<std::uint32_t>(static_cast<std::int8_t>(v))
                         : static_cast<std::uint32_t>(static_cast<std::int16_t>(v));
    c.gpr[d.reg] = v;
}

// 0F 40-4F CMOVcc r32, r/m32 (the source is read, and may fault, either way).
template <unsigned Cc>
void cmov32(Cpu& c, const Insn& d) {
    const std::uint32_t v = d.mod == 3 ? static_cast<std::uint32_t>(c.gpr[d.rm]) : mem_read(c, mseg(d), ea(c, d), 4);
    if (condition(c.eflags_, Cc)) c.gpr[d.reg] = v;
}

// 0F AF IMUL r32, r/m32.
void imul32(Cpu& c, const Insn& d) {
    const std::uint32_t b = d.mod == 3 ? static_cast<std::uint32_t>(c.gpr[d.rm]) : mem_read(c, mseg(d), ea(c, d), 4);
    const std::int64_t p = static_cast<std::int64_t>(static_cast<std::int32_t>(c.gpr[d.reg])) * static_cast<std::int32_t>(b);
    const auto low = static_cast<std::uint32_t>(p);
    c.gpr[d.reg] = low;
    set_arith(c, szp_flags(low, 4) | flag_if(p != static_cast<std::int32_t>(p), kCF | kOF));
}

// 50-57 PUSH r32, 58-5F POP r32 (rm = the register).
void push32(Cpu& c, const Insn& d) { fast_push(c, static_cast<std::uint32_t>(c.gpr[d.rm]), 4); }
void pop32(Cpu& c, const Insn& d) {
    const std::uint32_t v = fast_pop(c, 4);
    c.gpr[d.rm] = v;
}

template <unsigned... Cc>
Handler pick_cmov(unsigned cc, std::integer_sequence<unsigned, Cc...>) {
    Handler h = nullptr;
    ((cc == Cc ? (h = cmov32<Cc>, 0) : 0), ...);
    return h;
}

template <unsigned Op>
Handler alu_handler(bool memory, bool to_reg) {
    if (memory) return to_reg ? alu_rm32<Op, true> : alu_rm32<Op, false>;
    return to_reg ? alu_rr32<Op, true> : alu_rr32<Op, false>;
}

template <unsigned... Op>
Handler pick_alu(unsigned op, bool memory, bool to_reg, std::integer_sequence<unsigned, Op...>) {
    Handler h = nullptr;
    ((op == Op ? (h = alu_handler<Op>(memory, to_reg), 0) : 0), ...);
    return h;
}

template <unsigned... Op>
Handler pick_alu_imm(unsigned op, bool memory, std::integer_sequence<unsigned, Op...>) {
    Handler h = nullptr;
    ((op == Op ? (h = memory ? alu_mi32<Op> : alu_ri32<Op>, 0) : 0), ...);
    return h;
}

template <unsigned... Cc>
Handler pick_jcc(unsigned cc, std::integer_sequence<unsigned, Cc...>) {
    Handler h = nullptr;
    ((cc == Cc ? (h = jcc32<Cc>, 0) : 0), ...);
    return h;
}

}  // namespace

// Called by decode() once the instruction is complete; may adjust d (rm for opcodes that name
// their register in the low bits) and returns the specialised handler, or null.
Handler specialize(Insn& d) {
    if (!d.op32 || d.lock) return nullptr;
    const unsigned op = d.opcode;
    const bool memory = d.mod != 3;
    if (op < 0x40 && (op & 7) <= 5 && (op & 7) != 4 && (op & 7) != 0 && (op & 7) != 2) {
        const unsigned alu = (op >> 3) & 7;
        if ((op & 7) == 5) {  // eAX, imm32
            d.rm = kEax;
            d.mod = 3;
            return pick_alu_imm(alu, false, std::make_integer_sequence<unsigned, 8>{});
        }
        if (memory && !d.addr32) return nullptr;
        return pick_alu(alu, memory, (op & 7) == 3, std::make_integer_sequence<unsigned, 8>{});
    }
    if (op == 0x81 || op == 0x83) {
        if (memory && !d.addr32) return nullptr;
        return pick_alu_imm(d.reg, memory, std::make_integer_sequence<unsigned, 8>{});
    }
    if (op >= 0x40 && op <= 0x4F) {
        d.rm = op & 7;
        return (op & 8) ? incdec32<true> : incdec32<false>;
    }
    if (op >= 0xB8 && op <= 0xBF) {
        d.rm = op & 7;
        return mov_ri32;
    }
    if (op == 0x8B) return memory ? (d.addr32 ? mov_load32 : nullptr) : mov_rr32;
    if (op == 0x89) {
        if (!memory) {  // 89 mod 3: rm <- reg, as 8B with the fields swapped
            std::swap(d.reg, d.rm);
            return mov_rr32;
        }
        return d.addr32 ? mov_store32 : nullptr;
    }
    if (op == 0x85 && !memory) return test_rr32;
    if (op == 0x8D && memory && d.addr32) return lea32;
    if ((op == 0xC1 || op == 0xD1) && !memory) {
        const unsigned count = op == 0xD1 ? 1 : (d.imm & 0x1F);
        if (count == 0) return nullptr;
        d.imm = count;
        switch (d.reg) {
        case 0: return shift_ri32<0>;
        case 1: return shift_ri32<1>;
        case 4: case 6: return shift_ri32<4>;
        case 5: return shift_ri32<5>;
        case 7: return shift_ri32<7>;
        default: return nullptr;
        }
    }
    if (op == 0x1B6) return movx32<1, false>;
    if (op == 0x1B7) return movx32<2, false>;
    if (op == 0x1BE) return movx32<1, true>;
    if (op == 0x1BF) return movx32<2, true>;
    if (op >= 0x140 && op <= 0x14F) return pick_cmov(op & 0xF, std::make_integer_sequence<unsigned, 16>{});
    if (op == 0x1AF) return imul32;
    if (op >= 0x50 && op <= 0x57) {
        d.rm = op & 7;
        return push32;
    }
    if (op >= 0x58 && op <= 0x5F) {
        d.rm = op & 7;
        return pop32;
    }
    if ((op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F))
        return pick_jcc(op & 0xF, std::make_integer_sequence<unsigned, 16>{});
    return nullptr;
}

}  // namespace emu::x86
