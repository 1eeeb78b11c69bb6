// Specialised handlers for the hottest instruction forms. decode() picks one when the decoded
// instruction matches (32-bit operands, or 32/64-bit ones in 64-bit mode; the register or
// memory form), so the operation, the operand size, the condition and the mode are
// compile-time constants and the flag computation of flags.h collapses to a few host
// instructions. Each behaves exactly like the generic handler it replaces (same faults, same
// flags, same order of accesses). The memory forms are made per mode (L) so that the i386
// guests pay nothing for 64-bit addressing, and the stack/branch forms differ per mode.
#include <utility>

#include "decode.h"

namespace emu::x86 {

namespace {

// A register's value at operand size S (4: the low half, 8: all of it).
template <unsigned S>
inline std::uint64_t gr(const Cpu& c, unsigned r) {
    return S == 8 ? c.gpr[r] : static_cast<std::uint32_t>(c.gpr[r]);
}

// ALU op (ADD OR ADC SBB AND SUB XOR CMP) on 32/64-bit registers: 01/09/../39 (r/m <- reg) and
// 03/0B/../3B (reg <- r/m) with mod = 3; dst/src are ModRM.rm/reg or reg/rm. Results of size 4
// are zero-extended into the 64-bit register (FlagResult values are masked to the size).
template <unsigned Op, bool ToReg, unsigned S>
void alu_rr(Cpu& c, const Insn& d) {
    const unsigned dst = ToReg ? d.reg : d.rm, src = ToReg ? d.rm : d.reg;
    const FlagResult r = alu_op(Op, gr<S>(c, dst), gr<S>(c, src), c.eflags_, S);
    if (Op != 7) c.gpr[dst] = r.value;
    set_arith(c, r.flags);
}

// The same with a memory operand.
// L: decoded in 64-bit mode (the memory forms are made per mode: see ea_m).
template <unsigned Op, bool ToReg, unsigned S, bool L>
void alu_rm(Cpu& c, const Insn& d) {
    const std::uint64_t off = ea_m<L>(c, d);
    const std::uint64_t m = mem_read_m<L>(c, mseg(d), off, S);
    if (ToReg) {
        const FlagResult r = alu_op(Op, gr<S>(c, d.reg), m, c.eflags_, S);
        if (Op != 7) c.gpr[d.reg] = r.value;
        set_arith(c, r.flags);
    } else {
        const FlagResult r = alu_op(Op, m, gr<S>(c, d.reg), c.eflags_, S);
        if (Op != 7) mem_write_m<L>(c, mseg(d), off, S, r.value);
        set_arith(c, r.flags);
    }
}

// 81/83 /op with a register (and 05/0D/../3D on eAX: rm = 0); the immediate is sign-extended
// for 64-bit operands.
template <unsigned Op, unsigned S>
void alu_ri(Cpu& c, const Insn& d) {
    const FlagResult r = alu_op(Op, gr<S>(c, d.rm), S == 8 ? imm_s(d) : d.imm, c.eflags_, S);
    if (Op != 7) c.gpr[d.rm] = r.value;
    set_arith(c, r.flags);
}

template <unsigned Op, unsigned S, bool L>
void alu_mi(Cpu& c, const Insn& d) {
    const std::uint64_t off = ea_m<L>(c, d);
    const std::uint64_t m = mem_read_m<L>(c, mseg(d), off, S);
    const FlagResult r = alu_op(Op, m, S == 8 ? imm_s(d) : d.imm, c.eflags_, S);
    if (Op != 7) mem_write_m<L>(c, mseg(d), off, S, r.value);
    set_arith(c, r.flags);
}

// 40-4F INC/DEC r32 (rm = the register; not in 64-bit mode, where they are REX).
template <bool Dec>
void incdec32(Cpu& c, const Insn& d) {
    const FlagResult r = flags_incdec(static_cast<std::uint32_t>(c.gpr[d.rm]), Dec, c.eflags_, 4);
    c.gpr[d.rm] = r.value;
    set_arith(c, r.flags);
}

template <unsigned S>
void mov_rr(Cpu& c, const Insn& d) { c.gpr[d.reg] = gr<S>(c, d.rm); }  // 8B, mod 3
template <unsigned S, bool L>
void mov_load(Cpu& c, const Insn& d) { c.gpr[d.reg] = mem_read_m<L>(c, mseg(d), ea_m<L>(c, d), S); }
template <unsigned S, bool L>
void mov_store(Cpu& c, const Insn& d) { mem_write_m<L>(c, mseg(d), ea_m<L>(c, d), S, gr<S>(c, d.reg)); }
void mov_ri32(Cpu& c, const Insn& d) { c.gpr[d.rm] = d.imm; }  // B8-BF (rm = the register)
void mov_ri64(Cpu& c, const Insn& d) { c.gpr[d.rm] = d.imm | (static_cast<std::uint64_t>(d.disp) << 32); }

template <unsigned S>
void test_rr(Cpu& c, const Insn& d) { set_arith(c, flags_logic(gr<S>(c, d.rm) & gr<S>(c, d.reg), S)); }

// Jcc with a 32-bit operand size (the target is not masked to 16 bits).
template <unsigned Cc>
void jcc32(Cpu& c, const Insn& d) {
    if (condition(c.eflags_, Cc)) {
        const std::uint32_t target = static_cast<std::uint32_t>(c.rip) + d.imm;
        if (target > c.seg[CS].limit) c.raise(vec::GP, 0);
        c.rip = target;
    }
}

// Jcc in 64-bit mode (64-bit operand size): no limit, the target must be canonical.
template <unsigned Cc>
void jcc64(Cpu& c, const Insn& d) {
    if (condition(c.eflags_, Cc)) {
        const std::uint64_t target = c.rip + imm_s(d);
        if (!Cpu::canonical(target)) c.raise(vec::GP, 0);
        c.rip = target;
    }
}

// 8D with mod != 3: the address (of the instruction's address size) truncated to the operand size.
template <unsigned S, bool L>
void lea(Cpu& c, const Insn& d) { c.gpr[d.reg] = S == 8 ? ea_m<L>(c, d) : static_cast<std::uint32_t>(ea_m<L>(c, d)); }

// C1 / D1 (ROL ROR SHL SHR SAR; not RCL/RCR, which read CF) on a register with the count
// fixed by the instruction (imm = count, non-zero).
template <unsigned Op, unsigned S>
void shift_ri(Cpu& c, const Insn& d) {
    const FlagResult r = shift_op(Op, gr<S>(c, d.rm), d.imm, c.eflags_, S);
    c.gpr[d.rm] = r.value;
    set_arith(c, r.flags);
}

// 0F B6/B7/BE/BF MOVZX/MOVSX r32/r64, r/m8 or r/m16.
template <unsigned SrcSize, bool Signed, unsigned S, bool L>
void movx(Cpu& c, const Insn& d) {
    std::uint64_t v = d.mod == 3 ? get_reg(c, d.rm, SrcSize, d.rex) : mem_read_m<L>(c, mseg(d), ea_m<L>(c, d), SrcSize);
    if (Signed)
        v = SrcSize == 1 ? static_cast<std::uint64_t>(static_cast<std::int8_t>(v))
                         : static_cast<std::uint64_t>(static_cast<std::int16_t>(v));
    c.gpr[d.reg] = S == 8 ? v : static_cast<std::uint32_t>(v);
}

// 0F 40-4F CMOVcc (the source is read, and may fault, either way; a 32-bit destination is
// zero-extended even when the condition is false).
template <unsigned Cc, unsigned S, bool L>
void cmov(Cpu& c, const Insn& d) {
    const std::uint64_t v = d.mod == 3 ? gr<S>(c, d.rm) : mem_read_m<L>(c, mseg(d), ea_m<L>(c, d), S);
    c.gpr[d.reg] = condition(c.eflags_, Cc) ? v : gr<S>(c, d.reg);
}

// 0F AF IMUL r32, r/m32 and r64, r/m64.
template <unsigned S, bool L>
void imul(Cpu& c, const Insn& d) {
    const std::uint64_t b = d.mod == 3 ? gr<S>(c, d.rm) : mem_read_m<L>(c, mseg(d), ea_m<L>(c, d), S);
    if (S == 4) {
        const std::int64_t p = static_cast<std::int64_t>(static_cast<std::int32_t>(c.gpr[d.reg])) * static_cast<std::int32_t>(b);
        const auto low = static_cast<std::uint32_t>(p);
        c.gpr[d.reg] = low;
        set_arith(c, szp_flags(low, 4) | flag_if(p != static_cast<std::int32_t>(p), kCF | kOF));
    } else {
        __extension__ using Wide = __int128;
        const Wide p = static_cast<Wide>(static_cast<std::int64_t>(c.gpr[d.reg])) * static_cast<std::int64_t>(b);
        const auto low = static_cast<std::uint64_t>(p);
        c.gpr[d.reg] = low;
        set_arith(c, szp_flags(low, 8) | flag_if(p != static_cast<std::int64_t>(low), kCF | kOF));
    }
}

// 32-bit pushes and pops outside 64-bit mode (fast_push/fast_pop without their 64-bit test).
inline void push32_legacy(Cpu& c, std::uint32_t v) {
    if (c.stack32()) [[likely]] {
        const std::uint32_t sp = static_cast<std::uint32_t>(c.gpr[kEsp]) - 4;
        mem_write_m<false>(c, SS, sp, 4, v);
        c.gpr[kEsp] = sp;
        return;
    }
    c.push(v, 4);
}

inline std::uint32_t pop32_legacy(Cpu& c) {
    if (c.stack32()) [[likely]] {
        const auto sp = static_cast<std::uint32_t>(c.gpr[kEsp]);
        const auto v = static_cast<std::uint32_t>(mem_read_m<false>(c, SS, sp, 4));
        c.gpr[kEsp] = static_cast<std::uint32_t>(sp + 4);
        return v;
    }
    return static_cast<std::uint32_t>(c.pop(4));
}

// A near jump outside 64-bit mode with a 32-bit operand size.
inline void jump32(Cpu& c, std::uint32_t target) {
    if (target > c.seg[CS].limit) c.raise(vec::GP, 0);
    c.rip = target;
}

// 50-57 PUSH r32, 58-5F POP r32 (rm = the register); 64-bit mode: r64.
void push32(Cpu& c, const Insn& d) { push32_legacy(c, static_cast<std::uint32_t>(c.gpr[d.rm])); }
void pop32(Cpu& c, const Insn& d) {
    const std::uint32_t v = pop32_legacy(c);
    c.gpr[d.rm] = v;
}

// E8 CALL rel32, C3 RET, E9/EB JMP with 32-bit operands outside 64-bit mode.
void call32(Cpu& c, const Insn& d) {
    const auto next = static_cast<std::uint32_t>(c.rip);
    push32_legacy(c, next);
    jump32(c, next + d.imm);
}
void ret32(Cpu& c, const Insn&) { jump32(c, pop32_legacy(c)); }
void jmp32(Cpu& c, const Insn& d) { jump32(c, static_cast<std::uint32_t>(c.rip) + d.imm); }

// The same in 64-bit mode (64-bit operands).
inline void jump64(Cpu& c, std::uint64_t target) {
    if (!Cpu::canonical(target)) c.raise(vec::GP, 0);
    c.rip = target;
}
void call64(Cpu& c, const Insn& d) {
    const std::uint64_t next = c.rip, sp = c.gpr[kEsp] - 8;
    mem_write_m<true>(c, SS, sp, 8, next);
    c.gpr[kEsp] = sp;
    jump64(c, next + imm_s(d));
}
void ret64(Cpu& c, const Insn&) {
    const std::uint64_t sp = c.gpr[kEsp];
    const std::uint64_t target = mem_read_m<true>(c, SS, sp, 8);
    c.gpr[kEsp] = sp + 8;
    jump64(c, target);
}
void jmp64(Cpu& c, const Insn& d) { jump64(c, c.rip + imm_s(d)); }
void push64(Cpu& c, const Insn& d) {
    const std::uint64_t sp = c.gpr[kEsp] - 8;
    mem_write_m<true>(c, SS, sp, 8, c.gpr[d.rm]);
    c.gpr[kEsp] = sp;
}
void pop64(Cpu& c, const Insn& d) {
    const std::uint64_t sp = c.gpr[kEsp];
    const std::uint64_t v = mem_read_m<true>(c, SS, sp, 8);
    c.gpr[kEsp] = sp + 8;
    c.gpr[d.rm] = v;  // POP RSP: the popped value wins
}

template <unsigned S, bool L, unsigned... Cc>
Handler pick_cmov(unsigned cc, std::integer_sequence<unsigned, Cc...>) {
    Handler h = nullptr;
    ((cc == Cc ? (h = cmov<Cc, S, L>, 0) : 0), ...);
    return h;
}

template <unsigned Op, unsigned S, bool L>
Handler alu_handler(bool memory, bool to_reg) {
    if (memory) return to_reg ? alu_rm<Op, true, S, L> : alu_rm<Op, false, S, L>;
    return to_reg ? alu_rr<Op, true, S> : alu_rr<Op, false, S>;
}

template <unsigned S, bool L, unsigned... Op>
Handler pick_alu(unsigned op, bool memory, bool to_reg, std::integer_sequence<unsigned, Op...>) {
    Handler h = nullptr;
    ((op == Op ? (h = alu_handler<Op, S, L>(memory, to_reg), 0) : 0), ...);
    return h;
}

template <unsigned S, bool L, unsigned... Op>
Handler pick_alu_imm(unsigned op, bool memory, std::integer_sequence<unsigned, Op...>) {
    Handler h = nullptr;
    ((op == Op ? (h = memory ? alu_mi<Op, S, L> : alu_ri<Op, S>, 0) : 0), ...);
    return h;
}

template <bool Long, unsigned... Cc>
Handler pick_jcc(unsigned cc, std::integer_sequence<unsigned, Cc...>) {
    Handler h = nullptr;
    ((cc == Cc ? (h = Long ? jcc64<Cc> : jcc32<Cc>, 0) : 0), ...);
    return h;
}

// The forms shared by 32-bit (legacy and 64-bit mode) and 64-bit operand sizes.
template <unsigned S, bool L>
Handler specialize_sized(Insn& d) {
    const unsigned op = d.opcode;
    const bool memory = d.mod != 3;
    if (op < 0x40 && (op & 7) <= 5 && (op & 7) != 4 && (op & 7) != 0 && (op & 7) != 2) {
        const unsigned alu = (op >> 3) & 7;
        if ((op & 7) == 5) {  // eAX, imm32
            d.rm = kEax;
            d.mod = 3;
            return pick_alu_imm<S, L>(alu, false, std::make_integer_sequence<unsigned, 8>{});
        }
        if (memory && !d.addr32) return nullptr;
        return pick_alu<S, L>(alu, memory, (op & 7) == 3, std::make_integer_sequence<unsigned, 8>{});
    }
    if (op == 0x81 || op == 0x83) {
        if (memory && !d.addr32) return nullptr;
        return pick_alu_imm<S, L>(d.reg, memory, std::make_integer_sequence<unsigned, 8>{});
    }
    if (op == 0x8B) return memory ? (d.addr32 ? mov_load<S, L> : nullptr) : mov_rr<S>;
    if (op == 0x89) {
        if (!memory) {  // 89 mod 3: rm <- reg, as 8B with the fields swapped
            std::swap(d.reg, d.rm);
            return mov_rr<S>;
        }
        return d.addr32 ? mov_store<S, L> : nullptr;
    }
    if (op == 0x85 && !memory) return test_rr<S>;
    if (op == 0x8D && memory && d.addr32) return lea<S, L>;
    if ((op == 0xC1 || op == 0xD1) && !memory) {
        const unsigned count = op == 0xD1 ? 1 : (d.imm & (S == 8 ? 0x3F : 0x1F));
        if (count == 0) return nullptr;
        d.imm = count;
        switch (d.reg) {
        case 0: return shift_ri<0, S>;
        case 1: return shift_ri<1, S>;
        case 4: case 6: return shift_ri<4, S>;
        case 5: return shift_ri<5, S>;
        case 7: return shift_ri<7, S>;
        default: return nullptr;
        }
    }
    if (op == 0x1B6) return movx<1, false, S, L>;
    if (op == 0x1B7) return movx<2, false, S, L>;
    if (op == 0x1BE) return movx<1, true, S, L>;
    if (op == 0x1BF) return movx<2, true, S, L>;
    if (op >= 0x140 && op <= 0x14F) return pick_cmov<S, L>(op & 0xF, std::make_integer_sequence<unsigned, 16>{});
    if (op == 0x1AF) return imul<S, L>;
    return nullptr;
}

}  // namespace

// Called by decode() once the instruction is complete; may adjust d and returns the
// specialised handler, or null.
Handler specialize(Insn& d, bool mode64) {
    if (!d.op32 || d.lock) return nullptr;
    const unsigned op = d.opcode;
    if (mode64) {
        // Stack operations and near branches have 64-bit operands here (op64 from decode()).
        if (op >= 0x50 && op <= 0x57 && d.op64) return push64;
        if (op >= 0x58 && op <= 0x5F && d.op64) return pop64;
        if (((op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F)) && d.op64)
            return pick_jcc<true>(op & 0xF, std::make_integer_sequence<unsigned, 16>{});
        if (op >= 0xB8 && op <= 0xBF) return d.op64 ? mov_ri64 : mov_ri32;
        if (d.op64 && op == 0xE8) return call64;
        if (d.op64 && op == 0xC3) return ret64;
        if (d.op64 && (op == 0xE9 || op == 0xEB)) return jmp64;
        return d.op64 ? specialize_sized<8, true>(d) : specialize_sized<4, true>(d);
    }
    if (op >= 0x40 && op <= 0x4F) return (op & 8) ? incdec32<true> : incdec32<false>;
    if (op >= 0xB8 && op <= 0xBF) return mov_ri32;
    if (op >= 0x50 && op <= 0x57) return push32;
    if (op >= 0x58 && op <= 0x5F) return pop32;
    if (op == 0xE8) return call32;
    if (op == 0xC3) return ret32;
    if (op == 0xE9 || op == 0xEB) return jmp32;
    if ((op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F))
        return pick_jcc<false>(op & 0xF, std::make_integer_sequence<unsigned, 16>{});
    return specialize_sized<4, false>(d);
}

}  // namespace emu::x86
