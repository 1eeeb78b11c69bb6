// EFLAGS helpers for the integer unit: operand-size masks, the arithmetic flag computations
// (ADD/SUB families, logic, SZP) and condition codes. The integer unit keeps EFLAGS eagerly in
// Cpu::eflags_, so flags()/set_flags() are plain accessors; the helpers below return the new
// arithmetic flag bits so a handler can commit them after its last access that can fault.
#pragma once

#include <cstdint>

#include "cpu.h"

namespace emu::x86 {

constexpr std::uint64_t size_mask(unsigned size) { return size == 8 ? ~0ull : (1ull << (size * 8)) - 1; }
constexpr std::uint64_t sign_bit(unsigned size) { return 1ull << (size * 8 - 1); }

// f when b, else 0 (keeps the enum-typed flag constants out of conditional expressions).
constexpr std::uint32_t flag_if(bool b, std::uint32_t f) { return b ? f : 0u; }

// PF reflects the low byte only (even number of set bits).
// __builtin_parity of a byte compiles to the host's own PF (test; setnp) where popcount
// without -mpopcnt would be a library call.
inline std::uint32_t parity_flag(std::uint64_t v) { return flag_if(!__builtin_parity(static_cast<unsigned>(v & 0xFF)), kPF); }

// SF, ZF and PF of a result of the given size.
inline std::uint32_t szp_flags(std::uint64_t r, unsigned size) {
    r &= size_mask(size);
    return flag_if(r == 0, kZF) | flag_if(r & sign_bit(size), kSF) | parity_flag(r);
}

struct FlagResult {
    std::uint64_t value;
    std::uint32_t flags;  // arithmetic flags (kArithFlags bits)
};

// a + b + carry (operands already masked to size). The carry out is "the sum wrapped": below
// a, or equal to it with a carry in (b = all ones).
inline FlagResult flags_add(std::uint64_t a, std::uint64_t b, std::uint64_t carry, unsigned size) {
    const std::uint64_t r = (a + b + carry) & size_mask(size);
    std::uint32_t f = szp_flags(r, size) | (static_cast<std::uint32_t>(a ^ b ^ r) & kAF);
    if (carry ? r <= a : r < a) f |= kCF;
    if ((a ^ r) & (b ^ r) & sign_bit(size)) f |= kOF;
    return {r, f};
}

// a - b - borrow.
inline FlagResult flags_sub(std::uint64_t a, std::uint64_t b, std::uint64_t borrow, unsigned size) {
    const std::uint64_t r = (a - b - borrow) & size_mask(size);
    std::uint32_t f = szp_flags(r, size) | (static_cast<std::uint32_t>(a ^ b ^ r) & kAF);
    if (borrow ? a <= b : a < b) f |= kCF;
    if ((a ^ b) & (a ^ r) & sign_bit(size)) f |= kOF;
    return {r, f};
}

// AND/OR/XOR/TEST: CF = OF = 0, AF = 0 (undefined; QEMU and P6 give 0).
inline std::uint32_t flags_logic(std::uint64_t r, unsigned size) { return szp_flags(r, size); }

// The eight ALU operations of opcodes 00-3F and group 1 (ADD OR ADC SBB AND SUB XOR CMP).
inline FlagResult alu_op(unsigned op, std::uint64_t a, std::uint64_t b, std::uint32_t eflags, unsigned size) {
    const std::uint64_t m = size_mask(size);
    a &= m;
    b &= m;
    switch (op & 7) {
    case 0: return flags_add(a, b, 0, size);
    case 1: return {a | b, flags_logic(a | b, size)};
    case 2: return flags_add(a, b, eflags & kCF, size);
    case 3: return flags_sub(a, b, eflags & kCF, size);
    case 4: return {a & b, flags_logic(a & b, size)};
    case 6: return {a ^ b, flags_logic(a ^ b, size)};
    default: return flags_sub(a, b, 0, size);  // SUB, CMP
    }
}

// INC/DEC: like ADD/SUB 1 but CF is kept.
inline FlagResult flags_incdec(std::uint64_t v, bool dec, std::uint32_t eflags, unsigned size) {
    FlagResult r = dec ? flags_sub(v & size_mask(size), 1, 0, size) : flags_add(v & size_mask(size), 1, 0, size);
    r.flags = (r.flags & ~kCF) | (eflags & kCF);
    return r;
}

// Condition code cc (the low nibble of Jcc/SETcc/CMOVcc).
inline bool condition(std::uint32_t f, unsigned cc) {
    bool r;
    switch ((cc >> 1) & 7) {
    case 0: r = f & kOF; break;
    case 1: r = f & kCF; break;
    case 2: r = f & kZF; break;
    case 3: r = f & (kCF | kZF); break;
    case 4: r = f & kSF; break;
    case 5: r = f & kPF; break;
    case 6: r = !(f & kSF) != !(f & kOF); break;
    default: r = (f & kZF) || (!(f & kSF) != !(f & kOF)); break;
    }
    return r != (cc & 1);
}

// Shifts and rotates (exec_shift.cpp has the flag rules; exec_fast.cpp specialises them).
// ROL ROR RCL RCR SHL SHR SAL SAR (ModRM.reg) of v by count (already masked to 5 bits, 6 for
// 64-bit operands). Returns the result and the new arithmetic flags (unchanged ones copied
// from eflags).
inline FlagResult shift_op(unsigned op, std::uint64_t v, unsigned count, std::uint32_t eflags, unsigned size) {
    const unsigned bits = size * 8;
    const std::uint64_t m = size_mask(size), sb = sign_bit(size);
    const std::uint32_t keep = eflags & kArithFlags;
    v &= m;
    if (count == 0) return {v, keep};
    switch (op) {
    case 0: {  // ROL
        const unsigned n = count & (bits - 1);
        const std::uint64_t r = n ? ((v << n) | (v >> (bits - n))) & m : v;
        const std::uint64_t cf = r & 1;
        const std::uint64_t of = ((r & sb) ? 1u : 0u) ^ cf;
        return {r, (keep & ~(kCF | kOF)) | flag_if(cf, kCF) | flag_if(of, kOF)};
    }
    case 1: {  // ROR
        const unsigned n = count & (bits - 1);
        const std::uint64_t r = n ? ((v >> n) | (v << (bits - n))) & m : v;
        const bool cf = r & sb;
        const bool of = cf != static_cast<bool>(r & (sb >> 1));
        return {r, (keep & ~(kCF | kOF)) | flag_if(cf, kCF) | flag_if(of, kOF)};
    }
    case 2:
    case 3: {  // RCL, RCR: a (bits + 1)-bit rotate of CF:v
        const unsigned n = size >= 4 ? count : count % (bits + 1);
        if (n == 0) return {v, keep};
        __extension__ using Wide = unsigned __int128;
        const Wide cf = eflags & kCF;
        const Wide w = v;
        Wide r;
        bool new_cf;
        if (op == 2) {
            r = (w << n) | (cf << (n - 1));
            if (n > 1) r |= w >> (bits + 1 - n);
            new_cf = static_cast<bool>((w >> (bits - n)) & 1);
        } else {
            r = (w >> n) | (cf << (bits - n));
            if (n > 1) r |= w << (bits + 1 - n);
            new_cf = static_cast<bool>((w >> (n - 1)) & 1);
        }
        const bool of = static_cast<bool>((w ^ r) & sb);
        return {static_cast<std::uint64_t>(r) & m, (keep & ~(kCF | kOF)) | flag_if(new_cf, kCF) | flag_if(of, kOF)};
    }
    case 4:
    case 6: {  // SHL/SAL
        const std::uint64_t src = v << (count - 1);
        const std::uint64_t r = (src << 1) & m;
        std::uint32_t f = szp_flags(r, size);
        if (src & sb) f |= kCF;
        if ((src ^ r) & sb) f |= kOF;
        return {r, f};
    }
    default: {  // SHR, SAR
        std::uint64_t src;
        if (op == 5) {
            src = v >> (count - 1);
        } else {
            const std::int64_t sv = static_cast<std::int64_t>(v << (64 - bits)) >> (64 - bits);
            src = static_cast<std::uint64_t>(sv >> (count - 1));
        }
        const std::uint64_t r = (op == 5 ? src >> 1 : static_cast<std::uint64_t>(static_cast<std::int64_t>(src) >> 1)) & m;
        std::uint32_t f = szp_flags(r, size);
        if (src & 1) f |= kCF;
        if ((src ^ r) & sb) f |= kOF;
        return {r, f};
    }
    }
}

}  // namespace emu::x86
