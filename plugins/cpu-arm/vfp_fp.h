// Private to the VFP unit: ARM floating-point arithmetic on raw bit patterns, following the
// ARMv7-A/R ARM pseudocode (FPUnpack, FPRound, FPProcessNaNs, FPAdd, FPMulAdd, FPToFixed, ...)
// bit for bit: tininess detected before rounding, FZ flushing of inputs (IDC) and of unrounded
// tiny results (UFC, no IXC), DN, ARM NaN operand selection and quietening.
//
// T = std::uint32_t selects single precision, T = std::uint64_t double precision.
// 'fpscr' supplies FZ, DN, RMode (and AHP for half-precision conversions); cumulative exception
// flags are ORed into it. Trapped exceptions are not supported (the enable bits are ignored).
//
// Operations that take 'allow_fast' use the host FPU for the common case (round-to-nearest,
// operands and result safely inside the normal range, no NaN/infinity); the host is only used
// where its result is provably identical, and exactness (IXC) is established with error-free
// transformations, so the host's rounding mode and exception flags are never read or changed.
// allow_fast = false forces the pure software path (tests compare the two).
#pragma once

#include <cstdint>

namespace emu::arm::vfp {

enum class Rounding : unsigned { TieEven = 0, PosInf = 1, NegInf = 2, Zero = 3 };
inline Rounding rounding_of(std::uint32_t fpscr) { return static_cast<Rounding>((fpscr >> 22) & 3u); }

// FPSCR bits.
inline constexpr std::uint32_t kIOC = 1u << 0;
inline constexpr std::uint32_t kDZC = 1u << 1;
inline constexpr std::uint32_t kOFC = 1u << 2;
inline constexpr std::uint32_t kUFC = 1u << 3;
inline constexpr std::uint32_t kIXC = 1u << 4;
inline constexpr std::uint32_t kIDC = 1u << 7;
inline constexpr std::uint32_t kFZ = 1u << 24;
inline constexpr std::uint32_t kDN = 1u << 25;
inline constexpr std::uint32_t kAHP = 1u << 26;

template <typename T> T fp_add(T op1, T op2, std::uint32_t& fpscr, bool allow_fast = true);
template <typename T> T fp_sub(T op1, T op2, std::uint32_t& fpscr, bool allow_fast = true);
template <typename T> T fp_mul(T op1, T op2, std::uint32_t& fpscr, bool allow_fast = true);
template <typename T> T fp_div(T op1, T op2, std::uint32_t& fpscr, bool allow_fast = true);
template <typename T> T fp_sqrt(T op, std::uint32_t& fpscr, bool allow_fast = true);
// Fused: addend + op1 * op2 with a single rounding (FPMulAdd).
template <typename T> T fp_muladd(T addend, T op1, T op2, std::uint32_t& fpscr);
template <typename T> T fp_neg(T op);
template <typename T> T fp_abs(T op);
// FPCompare: returns NZCV in bits 31-28. quiet_nan_exc: VCMPE (Invalid also for quiet NaNs).
template <typename T>
std::uint32_t fp_compare(T op1, T op2, bool quiet_nan_exc, std::uint32_t& fpscr, bool allow_fast = true);

std::uint64_t f32_to_f64(std::uint32_t op, std::uint32_t& fpscr);
std::uint32_t f64_to_f32(std::uint64_t op, std::uint32_t& fpscr, bool allow_fast = true);
std::uint32_t f16_to_f32(std::uint16_t op, std::uint32_t& fpscr);
std::uint16_t f32_to_f16(std::uint32_t op, std::uint32_t& fpscr);

// FPToFixed: float -> 'bits'-bit (16 or 32) signed/unsigned fixed point with 'fbits' fraction bits,
// saturating (Invalid on saturation or NaN, Inexact otherwise when not exact). Result in the low
// 'bits' bits, upper bits zero.
template <typename T>
std::uint32_t fp_to_fixed(T op, unsigned bits, unsigned fbits, bool is_unsigned, Rounding rm,
                          std::uint32_t& fpscr, bool allow_fast = true);
// FixedToFP: the low 'bits' bits of 'value' as a signed/unsigned fixed-point number.
template <typename T>
T fixed_to_fp(std::uint32_t value, unsigned bits, unsigned fbits, bool is_unsigned, Rounding rm,
              std::uint32_t& fpscr);

}  // namespace emu::arm::vfp
