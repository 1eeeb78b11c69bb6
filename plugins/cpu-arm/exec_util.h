// Small helpers shared by the execution handlers (shifter, flag setting).
#pragma once

#include <cstdint>

#include "cpu.h"

namespace emu::arm {

// Immediate shift (amount already decoded: LSR/ASR 1..32, RRX as its own type).
inline std::uint32_t shift_imm_c(std::uint32_t v, unsigned type, unsigned amt, std::uint32_t& carry) {
    switch (type) {
    case kShLsl:
        if (amt == 0) return v;
        carry = (v >> (32 - amt)) & 1;
        return v << amt;
    case kShLsr:
        if (amt >= 32) {
            carry = amt == 32 ? v >> 31 : 0;
            return 0;
        }
        carry = (v >> (amt - 1)) & 1;
        return v >> amt;
    case kShAsr:
        if (amt >= 32) {
            carry = v >> 31;
            return static_cast<std::uint32_t>(static_cast<std::int32_t>(v) >> 31);
        }
        carry = (v >> (amt - 1)) & 1;
        return static_cast<std::uint32_t>(static_cast<std::int32_t>(v) >> amt);
    case kShRor: {
        amt &= 31;
        if (amt == 0) {
            carry = v >> 31;
            return v;
        }
        std::uint32_t r = (v >> amt) | (v << (32 - amt));
        carry = r >> 31;
        return r;
    }
    default: {  // RRX
        std::uint32_t r = (carry << 31) | (v >> 1);
        carry = v & 1;
        return r;
    }
    }
}

inline std::uint32_t shift_imm(std::uint32_t v, unsigned type, unsigned amt, std::uint32_t carry_in) {
    std::uint32_t c = carry_in;
    return shift_imm_c(v, type, amt, c);
}

// Register-specified shift: amount = Rs[7:0].
inline std::uint32_t shift_reg_c(std::uint32_t v, unsigned type, unsigned amt, std::uint32_t& carry) {
    if (amt == 0) return v;
    switch (type) {
    case kShLsl:
        if (amt >= 32) {
            carry = amt == 32 ? v & 1 : 0;
            return 0;
        }
        carry = (v >> (32 - amt)) & 1;
        return v << amt;
    case kShLsr:
        if (amt >= 32) {
            carry = amt == 32 ? v >> 31 : 0;
            return 0;
        }
        carry = (v >> (amt - 1)) & 1;
        return v >> amt;
    case kShAsr:
        if (amt >= 32) {
            carry = v >> 31;
            return static_cast<std::uint32_t>(static_cast<std::int32_t>(v) >> 31);
        }
        carry = (v >> (amt - 1)) & 1;
        return static_cast<std::uint32_t>(static_cast<std::int32_t>(v) >> amt);
    default: {
        amt &= 31;
        if (amt == 0) {
            carry = v >> 31;
            return v;
        }
        std::uint32_t r = (v >> amt) | (v << (32 - amt));
        carry = r >> 31;
        return r;
    }
    }
}

inline void set_nz(Cpu& c, std::uint32_t res) { c.NF = c.ZF = res; }

inline std::uint32_t add_flags(Cpu& c, std::uint32_t a, std::uint32_t b, std::uint32_t cin) {
    std::uint64_t wide = static_cast<std::uint64_t>(a) + b + cin;
    std::uint32_t res = static_cast<std::uint32_t>(wide);
    c.NF = c.ZF = res;
    c.CF = static_cast<std::uint32_t>(wide >> 32);
    c.VF = (a ^ res) & (b ^ res);
    return res;
}

inline std::uint32_t ror32(std::uint32_t v, unsigned n) {
    n &= 31;
    return n ? (v >> n) | (v << (32 - n)) : v;
}

}  // namespace emu::arm
