// Shifts and rotates (ROL ROR RCL RCR SHL SHR SAR, SHLD/SHRD). Counts are masked to 5 bits; a
// zero count changes nothing. Flags for counts other than 1 (OF, and CF for counts beyond the
// operand size) follow what QEMU and the P6 produce: SHL/SHR/SAR compute CF/OF from the value
// shifted by count-1, AF = 0; ROL/ROR change only CF and OF; RCL/RCR rotate through CF modulo
// size+1.
#include "decode.h"

namespace emu::x86 {

void h_shift(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? d.osize() : 1;
    const unsigned mask = size == 8 ? 0x3F : 0x1F;
    unsigned count;
    if (d.opcode <= 0xC1)
        count = d.imm & mask;
    else if (d.opcode <= 0xD1)
        count = 1;
    else
        count = c.gpr[kEcx] & mask;
    if (d.mod == 3) {
        const FlagResult r = shift_op(d.reg, get_reg(c, d.rm, size, d.rex), count, c.eflags_, size);
        // A zero count still writes the register (a 32-bit one is zero-extended, as QEMU does).
        put_reg(c, d.rm, size, r.value, d.rex);
        set_arith(c, r.flags);
        return;
    }
    const std::uint64_t off = ea(c, d);
    const std::uint64_t v = c.read(mseg(d), off, size);
    if (count == 0) return;
    const FlagResult r = shift_op(d.reg, v, count, c.eflags_, size);
    c.write(mseg(d), off, size, r.value);
    set_arith(c, r.flags);
}

// SHLD/SHRD (0F A4/A5/AC/AD). 16-bit counts above 16 shift in the destination again, as the
// P6 (and QEMU) do: the 32-bit source:destination pair is shifted as a whole.
void h_shiftd(Cpu& c, const Insn& d) {
    const unsigned size = d.osize();
    const unsigned count = ((d.opcode & 1) ? static_cast<unsigned>(c.gpr[kEcx]) : d.imm) & (size == 8 ? 0x3F : 0x1F);
    const bool right = d.opcode >= 0x1AC;
    const std::uint64_t off = d.mod == 3 ? 0 : ea(c, d);
    const std::uint64_t dst = d.mod == 3 ? get_reg(c, d.rm, size, d.rex) : c.read(mseg(d), off, size);
    if (count == 0) {
        if (d.mod == 3) put_reg(c, d.rm, size, dst, d.rex);  // zero-extends a 32-bit register (QEMU)
        return;
    }
    const std::uint64_t src = get_regop(c, d, size);
    std::uint64_t r, tmp;  // tmp: the value shifted by count-1 (CF and OF come from it)
    if (size == 8) {
        if (right) {
            tmp = dst >> (count - 1);
            r = (dst >> count) | (src << (64 - count));
        } else {
            tmp = dst << (count - 1);
            r = (dst << count) | (src >> (64 - count));
        }
    } else if (size == 4) {
        if (right) {
            tmp = dst >> (count - 1);
            r = (dst >> count) | (src << (32 - count));
        } else {
            tmp = dst << (count - 1);
            r = (dst << count) | (src >> (32 - count));
        }
    } else if (right) {
        const std::uint64_t pair = (src << 16) | dst;
        tmp = pair >> (count - 1);
        r = (pair >> count) | (dst << (32 - count));
    } else {
        const std::uint64_t pair = (src << 16) | dst;
        tmp = dst << (count - 1);
        if (count > 1) tmp |= pair >> (33 - count);
        r = (dst << count) | (pair >> (32 - count));
    }
    const std::uint64_t sb = sign_bit(size);
    const std::uint64_t res = r & size_mask(size);
    std::uint32_t f = szp_flags(res, size);
    if (right ? (tmp & 1) : (tmp & sb)) f |= kCF;
    if ((tmp ^ res) & sb) f |= kOF;
    if (d.mod == 3)
        put_reg(c, d.rm, size, res, d.rex);
    else
        c.write(mseg(d), off, size, res);
    set_arith(c, f);
}

}  // namespace emu::x86
