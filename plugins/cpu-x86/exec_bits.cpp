// Bit operations (BT/BTS/BTR/BTC, BSF/BSR, BSWAP), conditional moves and sets, the atomic
// read-modify-write instructions (XADD, CMPXCHG, CMPXCHG8B) and BCD adjustment.
#include "decode.h"

namespace emu::x86 {

// BT/BTS/BTR/BTC: 0F A3/AB/B3/BB (bit offset in a register) and 0F BA /4-7 (imm8). A register
// offset with a memory operand is signed and may address memory beyond the operand.
void h_bt(Cpu& c, const Insn& d) {
    const unsigned size = d.osize(), bits = size * 8;
    unsigned op;  // 0 BT, 1 BTS, 2 BTR, 3 BTC
    std::uint64_t offset;
    bool imm = d.opcode == 0x1BA;
    if (imm) {
        if (d.reg < 4) c.raise(vec::UD);
        op = d.reg - 4;
        offset = d.imm;
    } else {
        op = (d.opcode >> 3) & 3;  // A3 -> 0, AB -> 1, B3 -> 2, BB -> 3
        offset = get_regop(c, d, size);
    }
    std::uint64_t value, off = 0;
    unsigned bit;
    if (d.mod == 3) {
        bit = offset & (bits - 1);
        value = get_reg(c, d.rm, size, d.rex);
    } else {
        off = ea(c, d);
        if (imm) {
            bit = offset & (bits - 1);
        } else {
            // The signed bit offset selects the operand-sized unit at off + (offset >> log2 bits).
            const std::int64_t sbit = size == 2   ? static_cast<std::int16_t>(offset)
                                      : size == 4 ? static_cast<std::int32_t>(offset)
                                                  : static_cast<std::int64_t>(offset);
            const unsigned shift = size == 2 ? 4 : size == 4 ? 5 : 6;
            off = add_offset(d, off, static_cast<std::uint64_t>((sbit >> shift) * static_cast<std::int64_t>(size)));
            bit = static_cast<unsigned>(sbit) & (bits - 1);
        }
        value = c.read(mseg(d), off, size);
    }
    const bool cf = (value >> bit) & 1;
    if (op != 0) {
        const std::uint64_t mask = 1ull << bit;
        const std::uint64_t r = op == 1 ? value | mask : op == 2 ? value & ~mask : value ^ mask;
        if (d.mod == 3)
            put_reg(c, d.rm, size, r, d.rex);
        else
            c.write(mseg(d), off, size, r);
    }
    c.eflags_ = (c.eflags_ & ~kCF) | flag_if(cf, kCF);
}

// BSF/BSR: ZF from the source; the destination keeps its value for a zero source (a 32-bit
// one is still zero-extended, as QEMU does). The other flags are those of a logic operation
// on the source (QEMU).
void h_bsf_bsr(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint64_t v = read_rm(c, d, size);
    if (v != 0) {
        const unsigned idx = d.opcode == 0x1BC ? static_cast<unsigned>(__builtin_ctzll(v)) : 63u - static_cast<unsigned>(__builtin_clzll(v));
        put_regop(c, d, size, idx);
    } else {
        put_regop(c, d, size, get_regop(c, d, size));
    }
    set_arith(c, flags_logic(v, size));
}

void h_bswap(Cpu& c, const Insn& d) {
    // BSWAP r16 is undefined; QEMU swaps the whole 32-bit register, and so do we.
    const unsigned r = d.rm;
    if (d.op64)
        c.gpr[r] = __builtin_bswap64(c.gpr[r]);
    else
        put_reg(c, r, 4, __builtin_bswap32(c.reg32(r)));
}

void h_setcc(Cpu& c, const Insn& d) { write_rm(c, d, 1, condition(c.eflags_, d.opcode & 0xF) ? 1 : 0); }

// A 32-bit CMOV zero-extends the destination even when the condition is false.
void h_cmov(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint64_t v = read_rm(c, d, size);  // the source is read (and may fault) either way
    put_regop(c, d, size, condition(c.eflags_, d.opcode & 0xF) ? v : get_regop(c, d, size));
}

void h_xadd(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const std::uint64_t src = get_regop(c, d, size);
    if (d.mod == 3) {
        const std::uint64_t dst = get_reg(c, d.rm, size, d.rex);
        const FlagResult r = flags_add(dst, src, 0, size);
        put_regop(c, d, size, dst);
        put_reg(c, d.rm, size, r.value, d.rex);
        set_arith(c, r.flags);
        return;
    }
    const std::uint64_t off = ea(c, d);
    const std::uint64_t dst = c.read(mseg(d), off, size);
    const FlagResult r = flags_add(dst, src, 0, size);
    c.write(mseg(d), off, size, r.value);
    put_regop(c, d, size, dst);
    set_arith(c, r.flags);
}

// CMPXCHG: a memory destination is always written (with its old value on a mismatch).
void h_cmpxchg(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const std::uint64_t acc = get_reg(c, kEax, size);
    const std::uint64_t off = d.mod == 3 ? 0 : ea(c, d);
    const std::uint64_t dst = d.mod == 3 ? get_reg(c, d.rm, size, d.rex) : c.read(mseg(d), off, size);
    const FlagResult f = flags_sub(acc, dst, 0, size);
    const bool equal = acc == dst;
    const std::uint64_t store = equal ? get_regop(c, d, size) : dst;
    if (d.mod == 3) {
        if (equal) put_reg(c, d.rm, size, store, d.rex);
    } else {
        c.write(mseg(d), off, size, store);
    }
    if (!equal) put_reg(c, kEax, size, dst);
    set_arith(c, f.flags);
}

// 0F C7: /1 CMPXCHG8B m64, with REX.W CMPXCHG16B m128 (16-byte aligned, else #GP(0)).
void h_grp9(Cpu& c, const Insn& d) {
    if (d.reg != 1 || d.mod == 3) c.raise(vec::UD);
    const std::uint64_t off = ea(c, d);
    if (d.op64) {
        const std::uint64_t base = d.seg >= FS ? c.seg[d.seg].base : 0;  // 64-bit mode only (REX.W)
        if ((base + off) & 15) c.raise(vec::GP, 0);
        const std::uint64_t lo = c.read(mseg(d), off, 8), hi = c.read(mseg(d), add_offset(d, off, 8), 8);
        if (lo == c.gpr[kEax] && hi == c.gpr[kEdx]) {
            c.write(mseg(d), off, 8, c.gpr[kEbx]);
            c.write(mseg(d), add_offset(d, off, 8), 8, c.gpr[kEcx]);
            c.eflags_ |= kZF;
        } else {
            c.write(mseg(d), off, 8, lo);
            c.write(mseg(d), add_offset(d, off, 8), 8, hi);
            c.gpr[kEax] = lo;
            c.gpr[kEdx] = hi;
            c.eflags_ &= ~kZF;
        }
        return;
    }
    const std::uint64_t old = c.read(mseg(d), off, 8);
    const std::uint64_t cmp = (static_cast<std::uint64_t>(c.reg32(kEdx)) << 32) | c.reg32(kEax);
    if (old == cmp) {
        c.write(mseg(d), off, 8, (static_cast<std::uint64_t>(c.reg32(kEcx)) << 32) | c.reg32(kEbx));
        c.eflags_ |= kZF;
    } else {
        c.write(mseg(d), off, 8, old);
        c.gpr[kEax] = static_cast<std::uint32_t>(old);
        c.gpr[kEdx] = static_cast<std::uint32_t>(old >> 32);
        c.eflags_ &= ~kZF;
    }
}

// DAA DAS AAA AAS AAM AAD (27 2F 37 3F D4 D5).
void h_bcd(Cpu& c, const Insn& d) {
    auto al = static_cast<std::uint32_t>(get_reg(c, kEax, 1));
    std::uint32_t ah = (c.reg32(kEax) >> 8) & 0xFF;
    const std::uint32_t f = c.eflags_;
    const bool cf = f & kCF, af = f & kAF;
    switch (d.opcode) {
    case 0x27:
    case 0x2F: {  // DAA, DAS: OF = 0 (QEMU), SZP of the result
        const std::uint32_t old = al;
        std::uint32_t nf = 0;
        const bool sub = d.opcode == 0x2F;
        if ((al & 0xF) > 9 || af) {
            if (sub && (al < 6 || cf)) nf |= kCF;
            al = (sub ? al - 6 : al + 6) & 0xFF;
            nf |= kAF;
        }
        if (old > 0x99 || cf) {
            al = (sub ? al - 0x60 : al + 0x60) & 0xFF;
            nf |= kCF;
        }
        put_reg(c, kEax, 1, al);
        set_arith(c, nf | szp_flags(al, 1));
        break;
    }
    case 0x37:
    case 0x3F: {  // AAA, AAS: only AF/CF change (QEMU keeps the others)
        std::uint32_t nf = f & kArithFlags & ~(kAF | kCF);
        if ((al & 0xF) > 9 || af) {
            if (d.opcode == 0x37) {
                ah = (ah + 1 + (al > 0xF9 ? 1 : 0)) & 0xFF;
                al = (al + 6) & 0xF;
            } else {
                ah = (ah - 1 - (al < 6 ? 1 : 0)) & 0xFF;
                al = (al - 6) & 0xF;
            }
            nf |= kAF | kCF;
        } else {
            al &= 0xF;
        }
        put_reg(c, kEax, 2, al | (ah << 8));
        set_arith(c, nf);
        break;
    }
    case 0xD4: {  // AAM
        const std::uint32_t base = d.imm & 0xFF;
        if (base == 0) c.raise(vec::DE);
        ah = al / base;
        al %= base;
        put_reg(c, kEax, 2, al | (ah << 8));
        set_arith(c, flags_logic(al, 1));
        break;
    }
    default: {  // AAD
        al = (ah * (d.imm & 0xFF) + al) & 0xFF;
        put_reg(c, kEax, 2, al);
        set_arith(c, flags_logic(al, 1));
        break;
    }
    }
}

void h_salc(Cpu& c, const Insn&) { put_reg(c, kEax, 1, (c.eflags_ & kCF) ? 0xFF : 0); }

}  // namespace emu::x86
