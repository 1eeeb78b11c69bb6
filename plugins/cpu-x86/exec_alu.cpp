// Integer arithmetic and logic: the ALU forms, INC/DEC, NEG/NOT, TEST, MUL/IMUL/DIV/IDIV and
// CBW/CWD. Flags follow the P6 and QEMU where the SDM leaves them undefined (MUL: SF/ZF/PF of
// the low half, AF = 0; DIV leaves them unchanged).
#include "decode.h"

namespace emu::x86 {

namespace {

// dst = dst op src for a ModRM destination; CMP (op 7) only sets flags.
inline void alu_rm(Cpu& c, const Insn& d, unsigned op, unsigned size, std::uint32_t src) {
    if (d.mod == 3) {
        const FlagResult r = alu_op(op, get_reg(c, d.rm, size), src, c.eflags_, size);
        if (op != 7) put_reg(c, d.rm, size, r.value);
        set_arith(c, r.flags);
        return;
    }
    const std::uint32_t off = ea(c, d);
    const std::uint32_t a = mem_read(c, mseg(d), off, size);
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
    case 1: alu_rm(c, d, op, size, get_reg(c, d.reg, size)); break;
    case 2:
    case 3: {
        const FlagResult r = alu_op(op, get_reg(c, d.reg, size), read_rm(c, d, size), c.eflags_, size);
        if (op != 7) put_reg(c, d.reg, size, r.value);
        set_arith(c, r.flags);
        break;
    }
    default: {
        const FlagResult r = alu_op(op, get_reg(c, kEax, size), d.imm, c.eflags_, size);
        if (op != 7) put_reg(c, kEax, size, r.value);
        set_arith(c, r.flags);
        break;
    }
    }
}

void h_grp1(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode == 0x81 || d.opcode == 0x83) ? d.osize() : 1;
    alu_rm(c, d, d.reg, size, d.imm);
}

void h_incdec_reg(Cpu& c, const Insn& d) {
    const unsigned r = d.opcode & 7, size = d.osize();
    const FlagResult res = flags_incdec(get_reg(c, r, size), d.opcode & 8, c.eflags_, size);
    put_reg(c, r, size, res.value);
    set_arith(c, res.flags);
}

void h_test(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const std::uint32_t v = d.opcode >= 0xA8 ? get_reg(c, kEax, size) & d.imm
                                             : read_rm(c, d, size) & get_reg(c, d.reg, size);
    set_arith(c, flags_logic(v, size));
}

// INC/DEC r/m (FE/FF /0 /1).
void incdec_rm(Cpu& c, const Insn& d, unsigned size, bool dec) {
    if (d.mod == 3) {
        const FlagResult r = flags_incdec(get_reg(c, d.rm, size), dec, c.eflags_, size);
        put_reg(c, d.rm, size, r.value);
        set_arith(c, r.flags);
        return;
    }
    const std::uint32_t off = ea(c, d);
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
inline std::uint32_t mul_flags(std::uint32_t low, bool overflow, unsigned size) {
    return szp_flags(low, size) | flag_if(overflow, kCF | kOF);
}

void mul(Cpu& c, std::uint32_t v, unsigned size, bool is_signed) {
    switch (size) {
    case 1: {
        const std::uint32_t al = get_reg(c, kEax, 1);
        std::uint32_t r;
        bool of;
        if (is_signed) {
            const auto p = static_cast<std::int16_t>(static_cast<std::int8_t>(al) * static_cast<std::int8_t>(v));
            r = static_cast<std::uint16_t>(p);
            of = p != static_cast<std::int8_t>(p);
        } else {
            r = al * (v & 0xFF);
            of = r > 0xFF;
        }
        put_reg(c, kEax, 2, r);
        set_arith(c, mul_flags(r, of, 1));
        break;
    }
    case 2: {
        const std::uint32_t ax = get_reg(c, kEax, 2);
        std::uint32_t r;
        bool of;
        if (is_signed) {
            const std::int32_t p = static_cast<std::int16_t>(ax) * static_cast<std::int16_t>(v);
            r = static_cast<std::uint32_t>(p);
            of = p != static_cast<std::int16_t>(p);
        } else {
            r = ax * (v & 0xFFFF);
            of = r > 0xFFFF;
        }
        put_reg(c, kEax, 2, r);
        put_reg(c, kEdx, 2, r >> 16);
        set_arith(c, mul_flags(r, of, 2));
        break;
    }
    default: {
        const std::uint32_t eax = get_reg(c, kEax, 4);
        std::uint64_t r;
        bool of;
        if (is_signed) {
            const std::int64_t p = static_cast<std::int64_t>(static_cast<std::int32_t>(eax)) * static_cast<std::int32_t>(v);
            r = static_cast<std::uint64_t>(p);
            of = p != static_cast<std::int32_t>(p);
        } else {
            r = static_cast<std::uint64_t>(eax) * v;
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
void divide(Cpu& c, std::uint32_t v, unsigned size, bool is_signed) {
    const unsigned bits = size * 8;
    const std::uint64_t m = size_mask(size);
    std::uint64_t dividend;
    if (size == 1)
        dividend = get_reg(c, kEax, 2);
    else
        dividend = (static_cast<std::uint64_t>(get_reg(c, kEdx, size)) << bits) | get_reg(c, kEax, size);
    v &= static_cast<std::uint32_t>(m);
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
        put_reg(c, kEax, size, static_cast<std::uint32_t>(q));
        put_reg(c, kEdx, size, static_cast<std::uint32_t>(r));
    }
}

}  // namespace

void h_grp3(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    switch (d.reg) {
    case 0:
    case 1: set_arith(c, flags_logic(read_rm(c, d, size) & d.imm, size)); break;
    case 2:
    case 3: {
        const std::uint32_t off = d.mod == 3 ? 0 : ea(c, d);
        const std::uint32_t v = d.mod == 3 ? get_reg(c, d.rm, size)
                                           : static_cast<std::uint32_t>(c.read(mseg(d), off, size));
        FlagResult r = d.reg == 2 ? FlagResult{~v & size_mask(size), 0} : flags_sub(0, v & size_mask(size), 0, size);
        if (d.mod == 3)
            put_reg(c, d.rm, size, r.value);
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
void imul_to(Cpu& c, unsigned reg, std::uint32_t a, std::uint32_t b, unsigned size) {
    std::uint32_t low;
    bool of;
    if (size == 2) {
        const std::int32_t p = static_cast<std::int16_t>(a) * static_cast<std::int16_t>(b);
        low = static_cast<std::uint32_t>(p) & 0xFFFF;
        of = p != static_cast<std::int16_t>(p);
    } else {
        const std::int64_t p = static_cast<std::int64_t>(static_cast<std::int32_t>(a)) * static_cast<std::int32_t>(b);
        low = static_cast<std::uint32_t>(p);
        of = p != static_cast<std::int32_t>(p);
    }
    put_reg(c, reg, size, low);
    set_arith(c, mul_flags(low, of, size));
}

}  // namespace

void h_imul_rm(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    imul_to(c, d.reg, get_reg(c, d.reg, size), read_rm(c, d, size), size);
}

void h_imul_imm(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    imul_to(c, d.reg, read_rm(c, d, size), d.imm, size);
}

void h_cbw_cwd(Cpu& c, const Insn& d) {
    const std::uint32_t eax = c.reg32(kEax);
    if (d.opcode == 0x98) {
        if (d.op32)
            put_reg(c, kEax, 4, static_cast<std::uint32_t>(static_cast<std::int16_t>(eax)));
        else
            put_reg(c, kEax, 2, static_cast<std::uint32_t>(static_cast<std::int8_t>(eax)));
    } else {
        const unsigned size = d.osize();
        put_reg(c, kEdx, size, (eax & sign_bit(size)) ? 0xFFFFFFFFu : 0);
    }
}

}  // namespace emu::x86
