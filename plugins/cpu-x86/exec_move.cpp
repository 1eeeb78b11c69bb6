// Data movement: MOV (all forms), MOVZX/MOVSX, XCHG, LEA, the stack (PUSH/POP, PUSHA/POPA,
// PUSHF/POPF, ENTER/LEAVE), far pointer loads, flag-register instructions, XLAT, BOUND, ARPL.
#include "decode.h"

namespace emu::x86 {

namespace {

// The stack pointer's width: all of RSP in 64-bit mode, else SS.B picks ESP or SP.
inline std::uint64_t stack_mask(const Cpu& c) {
    return c.code64() ? ~0ull : c.stack32() ? 0xFFFFFFFFull : 0xFFFFull;
}

}  // namespace

void h_mov(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    if (d.opcode & 2)
        put_regop(c, d, size, read_rm(c, d, size));
    else
        write_rm(c, d, size, get_regop(c, d, size));
}

void h_mov_imm(Cpu& c, const Insn& d) {
    if (d.opcode >= 0xC6) {  // C6/C7 /0 (a 64-bit operand takes imm32 sign-extended)
        if (d.reg != 0) c.raise(vec::UD);
        write_rm(c, d, (d.opcode & 1) ? d.osize() : 1, imm_s(d));
    } else if (d.opcode >= 0xB8) {  // B8+r: MOV r64, imm64 has the high half in disp
        put_reg(c, d.rm, d.osize(), d.imm | (d.op64 ? static_cast<std::uint64_t>(d.disp) << 32 : 0));
    } else {
        put_reg(c, d.rm, 1, d.imm, d.rex);
    }
}

// A0-A3: the offset is disp (and imm for the high half of a 64-bit address).
void h_mov_moffs(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const std::uint64_t off = d.asize == 8 ? d.disp | (static_cast<std::uint64_t>(d.imm) << 32) : d.disp;
    if (d.opcode & 2)
        mem_write(c, mseg(d), off, size, get_reg(c, kEax, size));
    else
        put_reg(c, kEax, size, mem_read(c, mseg(d), off, size));
}

// 8C MOV r/m, Sreg and 8E MOV Sreg, r/m.
void h_mov_sreg(Cpu& c, const Insn& d) {
    if (d.reg > GS) c.raise(vec::UD);
    if (d.opcode == 0x8C) {
        const std::uint16_t sel = c.seg[d.reg].selector;
        if (d.mod == 3)
            put_reg(c, d.rm, d.osize(), sel);  // register: zero-extended with 32/64-bit operands
        else
            c.write(mseg(d), ea(c, d), 2, sel);
        return;
    }
    if (d.reg == CS) c.raise(vec::UD);
    c.load_segment(static_cast<Seg>(d.reg), static_cast<std::uint16_t>(read_rm(c, d, 2)));
    if (d.reg == SS) c.interrupt_shadow = true;
}

void h_movzx_movsx(Cpu& c, const Insn& d) {
    const unsigned src_size = (d.opcode & 1) ? 2 : 1;
    std::uint64_t v = read_rm(c, d, src_size);
    if (d.opcode >= 0x1BE)
        v = src_size == 1 ? static_cast<std::uint64_t>(static_cast<std::int8_t>(v))
                          : static_cast<std::uint64_t>(static_cast<std::int16_t>(v));
    put_regop(c, d, d.osize(), v);
}

// 63 in 64-bit mode: MOVSXD r64, r/m32 (without REX.W a plain 32-bit move).
void h_movsxd(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint64_t v = read_rm(c, d, size == 8 ? 4 : size);
    put_regop(c, d, size, size == 8 ? static_cast<std::uint64_t>(static_cast<std::int32_t>(v)) : v);
}

void h_xchg(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const std::uint64_t r = get_regop(c, d, size);
    if (d.mod == 3) {
        put_regop(c, d, size, get_reg(c, d.rm, size, d.rex));
        put_reg(c, d.rm, size, r, d.rex);
        return;
    }
    const std::uint64_t off = ea(c, d);
    const std::uint64_t m = c.read(mseg(d), off, size);
    c.write(mseg(d), off, size, r);
    put_regop(c, d, size, m);
}

// 91-97 (and 90 with REX.B): XCHG eAX, r.
void h_xchg_eax(Cpu& c, const Insn& d) {
    const unsigned size = d.osize(), r = d.rm;
    const std::uint64_t a = get_reg(c, kEax, size);
    put_reg(c, kEax, size, get_reg(c, r, size));
    put_reg(c, r, size, a);
}

void h_lea(Cpu& c, const Insn& d) {
    if (d.mod == 3) c.raise(vec::UD);
    put_regop(c, d, d.osize(), ea(c, d));
}

void h_nop(Cpu&, const Insn&) {}

void h_push_reg(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    fast_push(c, get_reg(c, d.rm, size), size);  // PUSH ESP pushes the old value
}

void h_pop_reg(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint64_t v = fast_pop(c, size);
    put_reg(c, d.rm, size, v);
}

void h_push_imm(Cpu& c, const Insn& d) { fast_push(c, imm_s(d) & size_mask(d.osize()), d.osize()); }

// 8F /0: the address is computed after ESP has been incremented.
void h_pop_rm(Cpu& c, const Insn& d) {
    if (d.reg != 0) c.raise(vec::UD);
    const unsigned size = d.osize();
    const std::uint64_t v = fast_pop(c, size);
    write_rm(c, d, size, v);
}

void h_push_sreg(Cpu& c, const Insn& d) {
    fast_push(c, c.seg[(d.opcode >> 3) & 7].selector, d.osize());
}

void h_pop_sreg(Cpu& c, const Insn& d) {
    const Seg s = static_cast<Seg>((d.opcode >> 3) & 7);
    const auto sel = static_cast<std::uint16_t>(fast_pop(c, d.osize()));
    c.load_segment(s, sel);
    if (s == SS) c.interrupt_shadow = true;
}

void h_pusha(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint64_t sp = get_reg(c, kEsp, size);
    for (unsigned r = 0; r < 8; ++r) c.push(r == kEsp ? sp : get_reg(c, r, size), size);
}

void h_popa(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    std::uint64_t v[8];
    for (int r = 7; r >= 0; --r) v[r] = c.pop(size);
    for (unsigned r = 0; r < 8; ++r)
        if (r != kEsp) put_reg(c, r, size, v[r]);
}

namespace {
// v8086 without VME: the IOPL-sensitive instructions fault below IOPL 3.
inline void check_v86_iopl(Cpu& c) {
    if ((c.eflags_ & kVM) && (c.eflags_ & kIOPL) != kIOPL) c.raise(vec::GP, 0);
}
}  // namespace

void h_pushf(Cpu& c, const Insn& d) {
    check_v86_iopl(c);
    fast_push(c, c.flags() & ~(kVM | kRF) & size_mask(d.osize()), d.osize());
}

// POPF: IF only if CPL <= IOPL, IOPL only at CPL 0 (never in v8086); VM, RF, VIF, VIP are
// never changed by POPF.
void h_popf(Cpu& c, const Insn& d) {
    check_v86_iopl(c);
    const unsigned size = d.osize();
    const auto v = static_cast<std::uint32_t>(fast_pop(c, size));
    std::uint32_t mask = kArithFlags | kTF | kDF | kNT | kAC | kID;
    const unsigned iopl = (c.eflags_ >> 12) & 3;
    if (c.cpl <= iopl) mask |= kIF;
    if (c.cpl == 0 && !(c.eflags_ & kVM)) mask |= kIOPL;
    mask &= static_cast<std::uint32_t>(size_mask(size));
    c.set_flags((c.eflags_ & ~mask) | (v & mask));
}

void h_enter(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint64_t alloc = d.imm & 0xFFFF, level = d.disp & 31;  // the second immediate (decode.h)
    const std::uint64_t sm = stack_mask(c);
    std::uint64_t bp = c.gpr[kEbp];
    fast_push(c, get_reg(c, kEbp, size), size);
    const std::uint64_t frame = c.gpr[kEsp] & sm;
    if (level > 0) {
        for (std::uint64_t i = 1; i < level; ++i) {
            bp = (bp & ~sm) | ((bp - size) & sm);
            fast_push(c, c.read(SS, bp & sm, size), size);
        }
        fast_push(c, frame, size);
    }
    c.gpr[kEsp] = (c.gpr[kEsp] & ~sm) | ((c.gpr[kEsp] - alloc) & sm);
    put_reg(c, kEbp, size, frame);
}

void h_leave(Cpu& c, const Insn& d) {
    const std::uint64_t sm = stack_mask(c);
    c.gpr[kEsp] = (c.gpr[kEsp] & ~sm) | (c.gpr[kEbp] & sm);
    const std::uint64_t v = fast_pop(c, d.osize());
    put_reg(c, kEbp, d.osize(), v);
}

// LAHF: AH = SF ZF 0 AF 0 PF 1 CF (register 4 of the byte registers is AH).
void h_lahf(Cpu& c, const Insn&) { put_reg(c, 4, 1, (c.flags() & 0xD5) | 2); }

void h_sahf(Cpu& c, const Insn&) {
    const std::uint32_t ah = (c.reg32(kEax) >> 8) & (kSF | kZF | kAF | kPF | kCF);
    c.eflags_ = (c.eflags_ & ~(kSF | kZF | kAF | kPF | kCF)) | ah;
}

// CMC CLC STC CLI STI CLD STD (F5, F8-FD).
void h_flagop(Cpu& c, const Insn& d) {
    switch (d.opcode) {
    case 0xF5: c.eflags_ ^= kCF; break;
    case 0xF8: c.eflags_ &= ~kCF; break;
    case 0xF9: c.eflags_ |= kCF; break;
    case 0xFC: c.eflags_ &= ~kDF; break;
    case 0xFD: c.eflags_ |= kDF; break;
    default:  // CLI, STI
        if (c.protected_mode()) {
            if (c.eflags_ & kVM)
                check_v86_iopl(c);
            else if (c.cpl > ((c.eflags_ >> 12) & 3))
                c.raise(vec::GP, 0);
        }
        if (d.opcode == 0xFA) {
            c.eflags_ &= ~kIF;
        } else {
            if (!(c.eflags_ & kIF)) c.interrupt_shadow = true;
            c.eflags_ |= kIF;
        }
        break;
    }
}

void h_xlat(Cpu& c, const Insn& d) {
    const std::uint64_t off = add_offset(d, c.gpr[kEbx], get_reg(c, kEax, 1));
    put_reg(c, kEax, 1, c.read(mseg(d), off, 1));
}

// LES LDS (C4 C5), LSS LFS LGS (0F B2 B4 B5): offset then selector.
void h_load_far(Cpu& c, const Insn& d) {
    if (d.mod == 3) c.raise(vec::UD);
    Seg s;
    switch (d.opcode) {
    case 0xC4: s = ES; break;
    case 0xC5: s = DS; break;
    case 0x1B2: s = SS; break;
    case 0x1B4: s = FS; break;
    default: s = GS; break;
    }
    const unsigned size = d.osize();
    const std::uint64_t off = ea(c, d);
    const std::uint64_t offset = c.read(mseg(d), off, size);
    const auto sel = static_cast<std::uint16_t>(c.read(mseg(d), add_offset(d, off, size), 2));
    c.load_segment(s, sel);
    put_regop(c, d, size, offset);
}

void h_bound(Cpu& c, const Insn& d) {
    if (d.mod == 3) c.raise(vec::UD);
    const unsigned size = d.osize();
    const std::uint64_t off = ea(c, d);
    const auto lo = static_cast<std::uint32_t>(c.read(mseg(d), off, size));
    const auto hi = static_cast<std::uint32_t>(c.read(mseg(d), add_offset(d, off, size), size));
    const auto idx = static_cast<std::uint32_t>(get_reg(c, d.reg, size));
    auto sx = [size](std::uint32_t v) {
        return size == 2 ? static_cast<std::int32_t>(static_cast<std::int16_t>(v)) : static_cast<std::int32_t>(v);
    };
    if (sx(idx) < sx(lo) || sx(idx) > sx(hi)) c.raise(vec::BR);
}

void h_arpl(Cpu& c, const Insn& d) {
    if (!c.protected_mode() || (c.eflags_ & kVM)) c.raise(vec::UD);
    const std::uint64_t off = d.mod == 3 ? 0 : ea(c, d);
    const auto dst = static_cast<std::uint32_t>(d.mod == 3 ? get_reg(c, d.rm, 2) : c.read(mseg(d), off, 2));
    const auto src = static_cast<std::uint32_t>(get_reg(c, d.reg, 2));
    if ((dst & 3) < (src & 3)) {
        const std::uint32_t v = (dst & ~3u) | (src & 3);
        if (d.mod == 3)
            put_reg(c, d.rm, 2, v);
        else
            c.write(mseg(d), off, 2, v);
        c.eflags_ |= kZF;
    } else {
        c.eflags_ &= ~kZF;
    }
}

}  // namespace emu::x86
