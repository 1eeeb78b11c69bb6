// Data movement: MOV (all forms), MOVZX/MOVSX, XCHG, LEA, the stack (PUSH/POP, PUSHA/POPA,
// PUSHF/POPF, ENTER/LEAVE), far pointer loads, flag-register instructions, XLAT, BOUND, ARPL.
#include "decode.h"

namespace emu::x86 {

namespace {

// offset + n within the address size (the second half of a far pointer or a table).
inline std::uint32_t next_offset(const Insn& d, std::uint32_t off, std::uint32_t n) {
    return d.addr32 ? off + n : ((off + n) & 0xFFFF);
}

inline std::uint32_t stack_mask(const Cpu& c) { return c.stack32() ? 0xFFFFFFFFu : 0xFFFFu; }

}  // namespace

void h_mov(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    if (d.opcode & 2)
        put_reg(c, d.reg, size, read_rm(c, d, size));
    else
        write_rm(c, d, size, get_reg(c, d.reg, size));
}

void h_mov_imm(Cpu& c, const Insn& d) {
    if (d.opcode >= 0xC6) {  // C6/C7 /0
        if (d.reg != 0) c.raise(vec::UD);
        write_rm(c, d, (d.opcode & 1) ? d.osize() : 1, d.imm);
    } else if (d.opcode >= 0xB8) {
        put_reg(c, d.opcode & 7, d.osize(), d.imm);
    } else {
        put_reg(c, d.opcode & 7, 1, d.imm);
    }
}

void h_mov_moffs(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    if (d.opcode & 2)
        c.write(mseg(d), d.disp, size, get_reg(c, kEax, size));
    else
        put_reg(c, kEax, size, static_cast<std::uint32_t>(c.read(mseg(d), d.disp, size)));
}

// 8C MOV r/m, Sreg and 8E MOV Sreg, r/m.
void h_mov_sreg(Cpu& c, const Insn& d) {
    if (d.reg > GS) c.raise(vec::UD);
    if (d.opcode == 0x8C) {
        const std::uint16_t sel = c.seg[d.reg].selector;
        if (d.mod == 3)
            put_reg(c, d.rm, d.osize(), sel);  // register: zero-extended with 32-bit operands
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
    std::uint32_t v = read_rm(c, d, src_size);
    if (d.opcode >= 0x1BE)
        v = src_size == 1 ? static_cast<std::uint32_t>(static_cast<std::int8_t>(v))
                          : static_cast<std::uint32_t>(static_cast<std::int16_t>(v));
    put_reg(c, d.reg, d.osize(), v);
}

void h_xchg(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const std::uint32_t r = get_reg(c, d.reg, size);
    if (d.mod == 3) {
        put_reg(c, d.reg, size, get_reg(c, d.rm, size));
        put_reg(c, d.rm, size, r);
        return;
    }
    const std::uint32_t off = ea(c, d);
    const auto m = static_cast<std::uint32_t>(c.read(mseg(d), off, size));
    c.write(mseg(d), off, size, r);
    put_reg(c, d.reg, size, m);
}

void h_xchg_eax(Cpu& c, const Insn& d) {
    const unsigned size = d.osize(), r = d.opcode & 7;
    const std::uint32_t a = get_reg(c, kEax, size);
    put_reg(c, kEax, size, get_reg(c, r, size));
    put_reg(c, r, size, a);
}

void h_lea(Cpu& c, const Insn& d) {
    if (d.mod == 3) c.raise(vec::UD);
    put_reg(c, d.reg, d.osize(), ea(c, d));
}

void h_nop(Cpu&, const Insn&) {}

void h_push_reg(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    fast_push(c, get_reg(c, d.opcode & 7, size), size);  // PUSH ESP pushes the old value
}

void h_pop_reg(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint32_t v = fast_pop(c, size);
    put_reg(c, d.opcode & 7, size, v);
}

void h_push_imm(Cpu& c, const Insn& d) { fast_push(c, d.imm & size_mask(d.osize()), d.osize()); }

// 8F /0: the address is computed after ESP has been incremented.
void h_pop_rm(Cpu& c, const Insn& d) {
    if (d.reg != 0) c.raise(vec::UD);
    const unsigned size = d.osize();
    const auto v = static_cast<std::uint32_t>(c.pop(size));
    write_rm(c, d, size, v);
}

void h_push_sreg(Cpu& c, const Insn& d) {
    c.push(c.seg[(d.opcode >> 3) & 7].selector, d.osize());
}

void h_pop_sreg(Cpu& c, const Insn& d) {
    const Seg s = static_cast<Seg>((d.opcode >> 3) & 7);
    const auto sel = static_cast<std::uint16_t>(c.pop(d.osize()));
    c.load_segment(s, sel);
    if (s == SS) c.interrupt_shadow = true;
}

void h_pusha(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint32_t sp = get_reg(c, kEsp, size);
    for (unsigned r = 0; r < 8; ++r) c.push(r == kEsp ? sp : get_reg(c, r, size), size);
}

void h_popa(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    std::uint32_t v[8];
    for (int r = 7; r >= 0; --r) v[r] = static_cast<std::uint32_t>(c.pop(size));
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
    c.push(c.flags() & ~(kVM | kRF) & size_mask(d.osize()), d.osize());
}

// POPF: IF only if CPL <= IOPL, IOPL only at CPL 0 (never in v8086); VM, RF, VIF, VIP are
// never changed by POPF.
void h_popf(Cpu& c, const Insn& d) {
    check_v86_iopl(c);
    const unsigned size = d.osize();
    const auto v = static_cast<std::uint32_t>(c.pop(size));
    std::uint32_t mask = kArithFlags | kTF | kDF | kNT | kAC | kID;
    const unsigned iopl = (c.eflags_ >> 12) & 3;
    if (c.cpl <= iopl) mask |= kIF;
    if (c.cpl == 0 && !(c.eflags_ & kVM)) mask |= kIOPL;
    mask &= size_mask(size);
    c.set_flags((c.eflags_ & ~mask) | (v & mask));
}

void h_enter(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint32_t alloc = d.imm & 0xFFFF, level = d.disp & 31;  // the second immediate (decode.h)
    const std::uint32_t sm = stack_mask(c);
    std::uint32_t bp = c.reg32(kEbp);
    c.push(get_reg(c, kEbp, size), size);
    const std::uint32_t frame = c.reg32(kEsp) & sm;
    if (level > 0) {
        for (std::uint32_t i = 1; i < level; ++i) {
            bp = (bp & ~sm) | ((bp - size) & sm);
            c.push(c.read(SS, bp & sm, size), size);
        }
        c.push(frame, size);
    }
    c.gpr[kEsp] = (c.gpr[kEsp] & ~static_cast<std::uint64_t>(sm)) | ((c.reg32(kEsp) - alloc) & sm);
    put_reg(c, kEbp, size, frame);
}

void h_leave(Cpu& c, const Insn& d) {
    const std::uint32_t sm = stack_mask(c);
    c.gpr[kEsp] = (c.gpr[kEsp] & ~static_cast<std::uint64_t>(sm)) | (c.reg32(kEbp) & sm);
    const auto v = static_cast<std::uint32_t>(c.pop(d.osize()));
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
    std::uint32_t off = c.reg32(kEbx) + get_reg(c, kEax, 1);
    if (!d.addr32) off &= 0xFFFF;
    put_reg(c, kEax, 1, static_cast<std::uint32_t>(c.read(mseg(d), off, 1)));
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
    const std::uint32_t off = ea(c, d);
    const auto offset = static_cast<std::uint32_t>(c.read(mseg(d), off, size));
    const auto sel = static_cast<std::uint16_t>(c.read(mseg(d), next_offset(d, off, size), 2));
    c.load_segment(s, sel);
    put_reg(c, d.reg, size, offset);
}

void h_bound(Cpu& c, const Insn& d) {
    if (d.mod == 3) c.raise(vec::UD);
    const unsigned size = d.osize();
    const std::uint32_t off = ea(c, d);
    const auto lo = static_cast<std::uint32_t>(c.read(mseg(d), off, size));
    const auto hi = static_cast<std::uint32_t>(c.read(mseg(d), next_offset(d, off, size), size));
    const std::uint32_t idx = get_reg(c, d.reg, size);
    auto sx = [size](std::uint32_t v) {
        return size == 2 ? static_cast<std::int32_t>(static_cast<std::int16_t>(v)) : static_cast<std::int32_t>(v);
    };
    if (sx(idx) < sx(lo) || sx(idx) > sx(hi)) c.raise(vec::BR);
}

void h_arpl(Cpu& c, const Insn& d) {
    if (!c.protected_mode() || (c.eflags_ & kVM)) c.raise(vec::UD);
    const std::uint32_t off = d.mod == 3 ? 0 : ea(c, d);
    const std::uint32_t dst = d.mod == 3 ? get_reg(c, d.rm, 2) : static_cast<std::uint32_t>(c.read(mseg(d), off, 2));
    const std::uint32_t src = get_reg(c, d.reg, 2);
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
