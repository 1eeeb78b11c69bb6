// Helpers shared by the A32 and T32 decoders.
#pragma once

#include <cstdint>

#include "insn.h"

namespace emu::arm {

inline std::uint32_t bits(std::uint32_t v, int hi, int lo) {
    return (v >> lo) & ((hi - lo == 31) ? 0xffffffffu : ((1u << (hi - lo + 1)) - 1));
}
inline std::uint32_t bit(std::uint32_t v, int b) { return (v >> b) & 1; }
inline std::int32_t sext(std::uint32_t v, int width) {
    return static_cast<std::int32_t>(v << (32 - width)) >> (32 - width);
}
inline std::uint32_t ror(std::uint32_t v, unsigned n) {
    n &= 31;
    return n ? (v >> n) | (v << (32 - n)) : v;
}

inline void set_undef(Insn& o) {
    o.fn = sel_undef();
    o.ends = 1;
}

// DecodeImmShift into o.shift/o.shamt. Returns false for LSL #0 (plain register).
inline bool decode_imm_shift(std::uint32_t type, std::uint32_t imm5, Insn& o) {
    switch (type) {
    case 0:
        o.shift = kShLsl;
        o.shamt = static_cast<std::uint8_t>(imm5);
        return imm5 != 0;
    case 1: o.shift = kShLsr; o.shamt = static_cast<std::uint8_t>(imm5 ? imm5 : 32); return true;
    case 2: o.shift = kShAsr; o.shamt = static_cast<std::uint8_t>(imm5 ? imm5 : 32); return true;
    default:
        if (imm5 == 0) { o.shift = kShRrx; o.shamt = 1; }
        else { o.shift = kShRor; o.shamt = static_cast<std::uint8_t>(imm5); }
        return true;
    }
}

inline void set_dp(Insn& o, int op, int kind, bool s, bool imm_carry) {
    o.flags = static_cast<std::uint8_t>((s ? kDpS : 0) | (imm_carry ? kDpImmCarry : 0) | (op << 3));
    const bool writes = op < kTst || op > kCmn;
    o.fn = sel_dp(op, kind, s, writes && o.rd == 15);
    if (writes && o.rd == 15) o.ends = 1;
}

inline void set_media(Insn& o, int op, std::uint32_t rd, std::uint32_t rn, std::uint32_t rm) {
    o.rd = static_cast<std::uint8_t>(rd);
    o.rn = static_cast<std::uint8_t>(rn);
    o.rm = static_cast<std::uint8_t>(rm);
    o.fn = sel_media(op);
}

// Single load/store: o.rd/rn/rm/imm/shift/flags already set.
inline void set_ldst(Insn& o, unsigned size, bool sign, bool load) {
    o.ra = static_cast<std::uint8_t>(size | (sign ? 16 : 0) | (load ? 32 : 0));
    o.fn = sel_ldst(size, sign, load, o.flags, o.rd);
    if (load && o.rd == 15) o.ends = 1;
}

inline void set_hint(Insn& o, std::uint32_t op) {
    switch (op) {
    case 2: o.fn = sel_hint(2); o.ends = 1; break;  // WFE
    case 3: o.fn = sel_hint(3); o.ends = 1; break;  // WFI
    case 4: o.fn = sel_hint(4); break;              // SEV
    default: o.fn = sel_nop(); break;               // NOP, YIELD, DBG, unallocated hints
    }
}

// MCR/MRC/MCRR/MRRC (A32 layout, also used by T32 which shares it) for coprocessor cp.
inline void set_coproc(std::uint32_t x, Insn& o, std::uint32_t cp) {
    o.ra = static_cast<std::uint8_t>(cp);
    o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
    const std::uint32_t op1 = bits(x, 25, 20);
    if (op1 == 0x04 || op1 == 0x05) {  // MCRR / MRRC
        o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
        o.imm = (bits(x, 7, 4) << 8) | (bits(x, 3, 0) << 4);
        o.fn = sel_coproc(op1 == 0x04 ? 2 : 3);
        if (op1 == 0x04) o.ends = 0;
        return;
    }
    if ((op1 & 0x30) == 0x20 && bit(x, 4)) {  // MCR / MRC
        o.imm = (bits(x, 19, 16) << 12) | (bits(x, 23, 21) << 8) | (bits(x, 3, 0) << 4) | bits(x, 7, 5);
        o.fn = sel_coproc(bit(x, 20) ? 1 : 0);
        return;
    }
    set_undef(o);  // CDP, LDC, STC to CP14/CP15/others
}

}  // namespace emu::arm
