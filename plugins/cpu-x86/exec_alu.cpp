// Integer arithmetic and logic: the ALU forms, INC/DEC, NEG/NOT, TEST, MUL/IMUL/DIV/IDIV and
// CBW/CWD. Flags follow the P6 and QEMU where the SDM leaves them undefined (MUL: SF/ZF/PF of
// the low half, AF = 0; DIV leaves them unchanged).
#include "decode.h"

namespace emu::x86 {

namespace {

// dst = dst op src for a ModRM destination; CMP (op 7) only sets flags.
inline void alu_rm(Cpu& c, const Insn& d, unsigned op, unsigned size, std::uint64_t src) {
    if (d.mod == 3) {
        const FlagResult r = alu_op(op, get_reg(c, d.rm, size, d.rex), src, c.eflags_, size);
        if (op != 7) put_reg(c, d.rm, size, r.value, d.rex);
        set_arith(c, r.flags);
        return;
    }
    const std::uint64_t off = ea(c, d);
    const std::uint64_t a = mem_read(c, mseg(d), off, size);
    const FlagResult r = alu_op(op, a, src, c.eflags_, size);
    if (op != 7) mem_write(c, mseg(d), off, size, r.value);
    set_arith(c, r.flags);
}

}  // namespace

void h_alu(Cpu& c, const Insn& d) {
    const unsigned op = (d.opcode >> 3) & 7, form = d.opcode & 7;
    const unsigned size = (form & 1) ? d.osize() : 1;
    switch (form) {
    case 0:
    case 1: alu_rm(c, d, op, size, get_regop(c, d, size)); break;
    case 2:
    case 3: {
        const FlagResult r = alu_op(op, get_regop(c, d, size), read_rm(c, d, size), c.eflags_, size);
        if (op != 7) put_regop(c, d, size, r.value);
        set_arith(c, r.flags);
        break;
    }
    default: {
        const FlagResult r = alu_op(op, get_reg(c, kEax, size), imm_s(d), c.eflags_, size);
        if (op != 7) put_reg(c, kEax, size, r.value);
        set_arith(c, r.flags);
        break;
    }
    }
}

void h_grp1(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode == 0x81 || d.opcode == 0x83) ? d.osize() : 1;
    alu_rm(c, d, d.reg, size, imm_s(d));
}

void h_incdec_reg(Cpu& c, const Insn& d) {
    const unsigned r = d.rm, size = d.osize();
    const FlagResult res = flags_incdec(get_reg(c, r, size), d.opcode & 8, c.eflags_, size);
    put_reg(c, r, size, res.value);
    set_arith(c, res.flags);
}

void h_test(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const std::uint64_t v = d.opcode >= 0xA8 ? get_reg(c, kEax, size) & imm_s(d)
                                             : read_rm(c, d, size) & get_regop(c, d, size);
    set_arith(c, flags_logic(v, size));
}

// INC/DEC r/m (FE/FF /0 /1).
void incdec_rm(Cpu& c, const Insn& d, unsigned size, bool dec) {
    if (d.mod == 3) {
        const FlagResult r = flags_incdec(get_reg(c, d.rm, size, d.rex), dec, c.eflags_, size);
        put_reg(c, d.rm, size, r.value, d.rex);
        set_arith(c, r.flags);
        return;
    }
    const std::uint64_t off = ea(c, d);
    const FlagResult r = flags_incdec(mem_read(c, mseg(d), off, size), dec, c.eflags_, size);
    mem_write(c, mseg(d), off, size, r.value);
    set_arith(c, r.flags);
}

void h_grp4(Cpu& c, const Insn& d) {
    if (d.reg > 1) c.raise(vec::UD);
    incdec_rm(c, d, 1, d.reg == 1);
}

namespace {

// MUL/IMUL flags: CF = OF = "the high half is significant"; SF/ZF/PF of the low half; AF = 0.
inline std::uint32_t mul_flags(std::uint64_t low, bool overflow, unsigned size) {
    return szp_flags(low, size) | flag_if(overflow, kCF | kOF);
}

__extension__ using Int128 = __int128;
__extension__ using Uint128 = unsigned __int128;

void mul(Cpu& c, std::uint64_t v, unsigned size, bool is_signed) {
    switch (size) {
    case 1: {
        const auto al = static_cast<std::uint32_t>(get_reg(c, kEax, 1));
        std::uint32_t r;
        bool of;
        if (is_signed) {
            const auto p = static_cast<std::int16_t>(static_cast<std::int8_t>(al) * static_cast<std::int8_t>(v));
            r = static_cast<std::uint16_t>(p);
            of = p != static_cast<std::int8_t>(p);
        } else {
            r = al * static_cast<std::uint32_t>(v & 0xFF);
            of = r > 0xFF;
        }
        put_reg(c, kEax, 2, r);
        set_arith(c, mul_flags(r, of, 1));
        break;
    }
    case 2: {
        const auto ax = static_cast<std::uint32_t>(get_reg(c, kEax, 2));
        std::uint32_t r;
        bool of;
        if (is_signed) {
            const std::int32_t p = static_cast<std::int16_t>(ax) * static_cast<std::int16_t>(v);
            r = static_cast<std::uint32_t>(p);
            of = p != static_cast<std::int16_t>(p);
        } else {
            r = ax * static_cast<std::uint32_t>(v & 0xFFFF);
            of = r > 0xFFFF;
        }
        put_reg(c, kEax, 2, r);
        put_reg(c, kEdx, 2, r >> 16);
        set_arith(c, mul_flags(r, of, 2));
        break;
    }
    case 8: {
        Uint128 r;
        bool of;
        if (is_signed) {
            const Int128 p = static_cast<Int128>(static_cast<std::int64_t>(c.gpr[kEax])) * static_cast<std::int64_t>(v);
            r = static_cast<Uint128>(p);
            of = p != static_cast<std::int64_t>(static_cast<std::uint64_t>(p));
        } else {
            r = static_cast<Uint128>(c.gpr[kEax]) * v;
            of = (r >> 64) != 0;
        }
        c.gpr[kEax] = static_cast<std::uint64_t>(r);
        c.gpr[kEdx] = static_cast<std::uint64_t>(r >> 64);
        set_arith(c, mul_flags(static_cast<std::uint64_t>(r), of, 8));
        break;
    }
    default: {
        const auto eax = static_cast<std::uint32_t>(get_reg(c, kEax, 4));
        std::uint64_t r;
        bool of;
        if (is_signed) {
            const std::int64_t p = static_cast<std::int64_t>(static_cast<std::int32_t>(eax)) * static_cast<std::int32_t>(v);
            r = static_cast<std::uint64_t>(p);
            of = p != static_cast<std::int32_t>(p);
        } else {
            r = static_cast<std::uint64_t>(eax) * static_cast<std::uint32_t>(v);
            of = (r >> 32) != 0;
        }
        put_reg(c, kEax, 4, static_cast<std::uint32_t>(r));
        put_reg(c, kEdx, 4, static_cast<std::uint32_t>(r >> 32));
        set_arith(c, mul_flags(static_cast<std::uint32_t>(r), of, 4));
        break;
    }
    }
}

// DIV/IDIV: #DE for a zero divisor or a quotient that does not fit; flags unchanged (QEMU).
// 128/64: the quotient must fit in 64 bits.
void divide64(Cpu& c, std::uint64_t v, bool is_signed) {
    if (v == 0) c.raise(vec::DE);
    const Uint128 dividend = (static_cast<Uint128>(c.gpr[kEdx]) << 64) | c.gpr[kEax];
    std::uint64_t q, r;
    if (is_signed) {
        const auto n = static_cast<Int128>(dividend);
        const auto dv = static_cast<std::int64_t>(v);
        const Int128 lim = static_cast<Int128>(1) << 63;
        // Dividing by -1 negates (and the most negative 128-bit dividend would overflow the
        // host division); other divisors are checked after the 128-bit division.
        Int128 sq, sr;
        if (dv == -1) {
            if (n < 1 - lim || n > lim) c.raise(vec::DE);
            sq = -n;
            sr = 0;
        } else {
            sq = n / dv;
            sr = n % dv;
        }
        if (sq >= lim || sq < -lim) c.raise(vec::DE);
        q = static_cast<std::uint64_t>(sq);
        r = static_cast<std::uint64_t>(sr);
    } else {
        const Uint128 uq = dividend / v;
        if (uq >> 64) c.raise(vec::DE);
        q = static_cast<std::uint64_t>(uq);
        r = static_cast<std::uint64_t>(dividend % v);
    }
    c.gpr[kEax] = q;
    c.gpr[kEdx] = r;
}

void divide(Cpu& c, std::uint64_t v, unsigned size, bool is_signed) {
    if (size == 8) {
        divide64(c, v, is_signed);
        return;
    }
    const unsigned bits = size * 8;
    const std::uint64_t m = size_mask(size);
    std::uint64_t dividend;
    if (size == 1)
        dividend = get_reg(c, kEax, 2);
    else
        dividend = (static_cast<std::uint64_t>(get_reg(c, kEdx, size)) << bits) | get_reg(c, kEax, size);
    v &= m;
    if (v == 0) c.raise(vec::DE);
    std::uint64_t q, r;
    if (is_signed) {
        const unsigned shift = 64 - 2 * bits;
        const std::int64_t n = static_cast<std::int64_t>(dividend << shift) >> shift;
        const std::int64_t dv = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << (64 - bits)) >> (64 - bits);
        if (dv == -1 && n == INT64_MIN) c.raise(vec::DE);
        const std::int64_t sq = n / dv, sr = n % dv;
        const std::int64_t lim = std::int64_t{1} << (bits - 1);
        if (sq >= lim || sq < -lim) c.raise(vec::DE);
        q = static_cast<std::uint64_t>(sq);
        r = static_cast<std::uint64_t>(sr);
    } else {
        q = dividend / v;
        r = dividend % v;
        if (q > m) c.raise(vec::DE);
    }
    if (size == 1) {
        put_reg(c, kEax, 2, static_cast<std::uint32_t>((q & 0xFF) | ((r & 0xFF) << 8)));
    } else {
        put_reg(c, kEax, size, q);
        put_reg(c, kEdx, size, r);
    }
}

}  // namespace

void h_grp3(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    switch (d.reg) {
    case 0:
    case 1: set_arith(c, flags_logic(read_rm(c, d, size) & imm_s(d), size)); break;
    case 2:
    case 3: {
        const std::uint64_t off = d.mod == 3 ? 0 : ea(c, d);
        const std::uint64_t v = d.mod == 3 ? get_reg(c, d.rm, size, d.rex) : c.read(mseg(d), off, size);
        FlagResult r = d.reg == 2 ? FlagResult{~v & size_mask(size), 0} : flags_sub(0, v & size_mask(size), 0, size);
        if (d.mod == 3)
            put_reg(c, d.rm, size, r.value, d.rex);
        else
            c.write(mseg(d), off, size, r.value);
        if (d.reg == 3) set_arith(c, r.flags);
        break;
    }
    case 4:
    case 5: mul(c, read_rm(c, d, size), size, d.reg == 5); break;
    default: divide(c, read_rm(c, d, size), size, d.reg == 7); break;
    }
}

namespace {

// Two- and three-operand IMUL: dst = a * b truncated to size.
void imul_to(Cpu& c, const Insn& d, std::uint64_t a, std::uint64_t b, unsigned size) {
    std::uint64_t low;
    bool of;
    if (size == 8) {
        const Int128 p = static_cast<Int128>(static_cast<std::int64_t>(a)) * static_cast<std::int64_t>(b);
        low = static_cast<std::uint64_t>(p);
        of = p != static_cast<std::int64_t>(low);
    } else if (size == 2) {
        const std::int32_t p = static_cast<std::int16_t>(a) * static_cast<std::int16_t>(b);
        low = static_cast<std::uint32_t>(p) & 0xFFFF;
        of = p != static_cast<std::int16_t>(p);
    } else {
        const std::int64_t p = static_cast<std::int64_t>(static_cast<std::int32_t>(a)) * static_cast<std::int32_t>(b);
        low = static_cast<std::uint32_t>(p);
        of = p != static_cast<std::int32_t>(p);
    }
    put_regop(c, d, size, low);
    set_arith(c, mul_flags(low, of, size));
}

}  // namespace

void h_imul_rm(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    imul_to(c, d, get_regop(c, d, size), read_rm(c, d, size), size);
}

void h_imul_imm(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    imul_to(c, d, read_rm(c, d, size), imm_s(d), size);
}

// CBW/CWDE/CDQE (98) and CWD/CDQ/CQO (99).
void h_cbw_cwd(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const std::uint64_t rax = c.gpr[kEax];
    if (d.opcode == 0x98) {
        const std::uint64_t v = size == 8   ? static_cast<std::uint64_t>(static_cast<std::int32_t>(rax))
                                : size == 4 ? static_cast<std::uint64_t>(static_cast<std::int16_t>(rax))
                                            : static_cast<std::uint64_t>(static_cast<std::int8_t>(rax));
        put_reg(c, kEax, size, v);
    } else {
        put_reg(c, kEdx, size, (rax & sign_bit(size)) ? ~0ull : 0);
    }
}

}  // namespace emu::x86
