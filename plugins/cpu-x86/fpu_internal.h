// Shared helpers of the x87 files (fpu.cpp, fpu_env.cpp): status word bits, register
// classification and the tag word.
#pragma once

#include <cstdint>
#include <cstring>

#include "fpu.h"

namespace emu::x86::x87 {

// Status word bits (SDM vol. 1, 8.1.3).
enum : std::uint16_t {
    kIE = 1 << 0, kDE = 1 << 1, kZE = 1 << 2, kOE = 1 << 3, kUE = 1 << 4, kPE = 1 << 5,
    kStackFault = 1 << 6, kES = 1 << 7, kC0 = 1 << 8, kC1 = 1 << 9, kC2 = 1 << 10, kC3 = 1 << 14,
    kB = 1 << 15, kTopMask = 7 << 11,
    kExceptionFlags = 0x3F,
    kConditionCodes = kC0 | kC1 | kC2 | kC3,
    kStackUnderflow = kIE | kStackFault,        // C1 = 0
    kStackOverflow = kIE | kStackFault | kC1,
};

// Tag values (2 bits per physical register).
enum : unsigned { kTagValid = 0, kTagZero = 1, kTagSpecial = 2, kTagEmpty = 3 };

// The 80-bit extended format's fields.
struct Extended {
    std::uint64_t mantissa;  // with the explicit integer bit (63)
    std::uint16_t sign_exponent;
};

inline Extended fields(long double v) {
    Extended e{};
    std::memcpy(&e.mantissa, &v, 8);
    std::memcpy(&e.sign_exponent, reinterpret_cast<const std::uint8_t*>(&v) + 8, 2);
    return e;
}

inline long double make_extended(std::uint64_t mantissa, std::uint16_t sign_exponent) {
    long double v = 0;
    std::memcpy(&v, &mantissa, 8);
    std::memcpy(reinterpret_cast<std::uint8_t*>(&v) + 8, &sign_exponent, 2);
    return v;
}

// The QNaN "real indefinite", the masked response to invalid operations.
inline long double indefinite() { return make_extended(0xC000000000000000ull, 0xFFFF); }

// FXAM's classes; Unsupported covers the encodings the 387 and later reject (pseudo-NaN,
// pseudo-infinity, unnormal).
enum class Class : std::uint8_t { Unsupported, NaN, Normal, Infinity, Zero, Denormal };

inline Class classify(long double v) {
    const Extended e = fields(v);
    const unsigned exponent = e.sign_exponent & 0x7FFF;
    const bool integer_bit = e.mantissa >> 63;
    if (exponent == 0) return e.mantissa == 0 ? Class::Zero : Class::Denormal;  // incl. pseudo-denormal
    if (!integer_bit) return Class::Unsupported;
    if (exponent == 0x7FFF) return (e.mantissa << 1) == 0 ? Class::Infinity : Class::NaN;
    return Class::Normal;
}

inline bool is_signaling(long double v) {
    return classify(v) == Class::NaN && !((fields(v).mantissa >> 62) & 1);
}

inline bool sign_of(long double v) { return fields(v).sign_exponent >> 15; }

inline unsigned tag_for(long double v) {
    switch (classify(v)) {
    case Class::Normal: return kTagValid;
    case Class::Zero: return kTagZero;
    default: return kTagSpecial;
    }
}

inline unsigned top_of(const FpuState& s) { return (s.status >> 11) & 7; }

// ES and B summarize the unmasked exception flags.
inline void update_summary(FpuState& s) {
    if (s.status & ~s.control & kExceptionFlags)
        s.status |= kES | kB;
    else
        s.status &= static_cast<std::uint16_t>(~(kES | kB));
}

// After a load of the tag word (FLDENV, FRSTOR, FXRSTOR): only "empty" is taken from memory,
// the other tags follow the registers' contents.
inline void retag(FpuState& s, std::uint8_t nonempty_mask) {
    s.tag = 0;
    for (unsigned p = 0; p < 8; ++p) {
        const unsigned tag = (nonempty_mask >> p) & 1 ? tag_for(s.st[p]) : kTagEmpty;
        s.tag = static_cast<std::uint16_t>(s.tag | (tag << (2 * p)));
    }
}

}  // namespace emu::x86::x87

namespace emu::x86 {
class Cpu;
}

namespace emu::x86::x87 {

// #MF before a waiting instruction when an unmasked exception is pending and CR0.NE is set.
// With CR0.NE clear a PC would assert FERR# (IRQ 13 through the 8259) and carry on; that path
// is not modelled: the instruction simply executes.
void check_pending(Cpu& cpu);

// The environment and state images (fpu_env.cpp): 14/28-byte environment, 94/108-byte state,
// each in its real-mode (real mode, v8086) or protected-mode layout.
void store_environment(Cpu& cpu, const FpuMemory& mem, bool op32);  // FNSTENV
void load_environment(Cpu& cpu, const FpuMemory& mem, bool op32);   // FLDENV
void save_state(Cpu& cpu, const FpuMemory& mem, bool op32);         // FNSAVE
void restore_state(Cpu& cpu, const FpuMemory& mem, bool op32);      // FRSTOR

}  // namespace emu::x86::x87
