// Control flow: Jcc, JMP/CALL/RET near and far, LOOP/JCXZ, INT n/INT3/INTO/INT1, IRET, HLT and
// group 5 (INC/DEC/CALL/JMP/PUSH r/m).
#include "decode.h"

namespace emu::x86 {

void h_jcc(Cpu& c, const Insn& d) {
    if (condition(c.eflags_, d.opcode & 0xF)) near_jump(c, d, c.rip + imm_s(d));
}

void h_jmp_rel(Cpu& c, const Insn& d) { near_jump(c, d, c.rip + imm_s(d)); }

void h_call_rel(Cpu& c, const Insn& d) {
    const std::uint64_t next = c.rip;
    fast_push(c, next, d.osize());
    near_jump(c, d, next + imm_s(d));
}

void h_ret_near(Cpu& c, const Insn& d) {
    const std::uint64_t target = fast_pop(c, d.osize());
    near_jump(c, d, target);
    if (d.opcode == 0xC2) {
        const std::uint64_t sm = c.code64() ? ~0ull : c.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
        c.gpr[kEsp] = (c.gpr[kEsp] & ~sm) | ((c.gpr[kEsp] + d.imm) & sm);
    }
}

// 9A CALL ptr16:16/32, EA JMP ptr16:16/32.
void h_far_ptr(Cpu& c, const Insn& d) {
    const auto sel = static_cast<std::uint16_t>(d.disp);  // the selector (decode.h)
    if (d.opcode == 0x9A)
        c.far_call(sel, d.imm, d.osize(), c.rip);
    else
        c.far_jump(sel, d.imm, d.osize(), c.rip);
}

void h_retf(Cpu& c, const Insn& d) {
    c.far_return(d.osize(), d.opcode == 0xCA ? static_cast<std::uint16_t>(d.imm) : 0);
}

void h_iret(Cpu& c, const Insn& d) {
    if ((c.eflags_ & kVM) && (c.eflags_ & kIOPL) != kIOPL) c.raise(vec::GP, 0);
    c.iret(d.osize());
}

// CC INT3, CD INT n, CE INTO, F1 INT1 (ICEBP).
void h_int_n(Cpu& c, const Insn& d) {
    std::uint8_t vector;
    IntKind kind = IntKind::Software;
    switch (d.opcode) {
    case 0xCC: vector = vec::BP; break;
    case 0xCD: vector = static_cast<std::uint8_t>(d.imm); break;
    case 0xCE:
        if (!(c.eflags_ & kOF)) return;
        vector = vec::OF;
        break;
    default:
        vector = vec::DB;
        kind = IntKind::SoftwareIcebp;
        break;
    }
    // v8086 without VME: INT n/INT3/INTO are IOPL-sensitive.
    if (kind == IntKind::Software && (c.eflags_ & kVM) && (c.eflags_ & kIOPL) != kIOPL) c.raise(vec::GP, 0);
    if (d.opcode == 0xCD && c.config.on_software_interrupt && c.config.on_software_interrupt(c.owner, vector)) return;
    c.deliver(vector, kind, false, 0, c.rip);
}

// E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JCXZ/JECXZ (count register by address size).
void h_loop(Cpu& c, const Insn& d) {
    const std::uint64_t amask = d.asize == 8 ? ~0ull : d.addr32 ? 0xFFFFFFFFu : 0xFFFFu;
    std::uint64_t count = c.gpr[kEcx] & amask;
    bool taken;
    if (d.opcode == 0xE3) {
        taken = count == 0;
    } else {
        count = (count - 1) & amask;
        taken = count != 0;
        if (d.opcode == 0xE1) taken = taken && (c.eflags_ & kZF);
        if (d.opcode == 0xE0) taken = taken && !(c.eflags_ & kZF);
    }
    if (taken) near_jump(c, d, c.rip + imm_s(d));
    // ECX with a 32-bit address size is written as a 32-bit register (zero-extended).
    if (d.opcode != 0xE3) {
        if (d.asize == 4)
            c.gpr[kEcx] = count;
        else
            c.gpr[kEcx] = (c.gpr[kEcx] & ~amask) | count;
    }
}

void h_hlt(Cpu& c, const Insn&) {
    require_cpl0(c);
    c.halted = true;
}

// FF: INC, DEC, CALL near, CALL far, JMP near, JMP far, PUSH.
void h_grp5(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    switch (d.reg) {
    case 0:
    case 1: incdec_rm(c, d, size, d.reg == 1); break;
    case 2: {
        const std::uint64_t target = read_rm(c, d, size);
        fast_push(c, c.rip, size);
        near_jump(c, d, target);
        break;
    }
    case 4: near_jump(c, d, read_rm(c, d, size)); break;
    case 3:
    case 5: {
        if (d.mod == 3) c.raise(vec::UD);
        // m16:16, m16:32, or with REX.W m16:64.
        const std::uint64_t off = ea(c, d);
        const std::uint64_t offset = c.read(mseg(d), off, size);
        const auto sel = static_cast<std::uint16_t>(c.read(mseg(d), add_offset(d, off, size), 2));
        if (d.reg == 3)
            c.far_call(sel, offset, d.osize(), c.rip);
        else
            c.far_jump(sel, offset, d.osize(), c.rip);
        break;
    }
    case 6: fast_push(c, read_rm(c, d, size), size); break;
    default: c.raise(vec::UD);
    }
}

}  // namespace emu::x86
