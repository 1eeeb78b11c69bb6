// ARM VFP arithmetic (see vfp_fp.h). The software paths transcribe the ARMv7 ARM pseudocode with
// exact integer arithmetic; the host-FPU fast paths are restricted to cases where the host's
// IEEE 754 round-to-nearest result is provably the ARM result.
#include "vfp_fp.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <limits>
#include <utility>

namespace emu::arm::vfp {
namespace {

__extension__ typedef unsigned __int128 u128;

// The fast paths need IEEE binary32/binary64 host arithmetic evaluated in its own precision.
#if defined(__FLT_EVAL_METHOD__) && (__FLT_EVAL_METHOD__ == 0)
constexpr bool kHostFast = std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559;
#else
constexpr bool kHostFast = false;
#endif

template <typename T> struct Fmt;
template <> struct Fmt<std::uint16_t> {
    static constexpr int N = 16, E = 5, F = 10, min_exp = -14, bias = 15;
};
template <> struct Fmt<std::uint32_t> {
    static constexpr int N = 32, E = 8, F = 23, min_exp = -126, bias = 127;
};
template <> struct Fmt<std::uint64_t> {
    static constexpr int N = 64, E = 11, F = 52, min_exp = -1022, bias = 1023;
};

template <typename T> constexpr T sign_bit() { return static_cast<T>(T{1} << (Fmt<T>::N - 1)); }
template <typename T> constexpr T exp_mask() {
    return static_cast<T>(((T{1} << Fmt<T>::E) - 1) << Fmt<T>::F);
}
template <typename T> constexpr T frac_mask() { return static_cast<T>((T{1} << Fmt<T>::F) - 1); }
template <typename T> constexpr T quiet_bit() { return static_cast<T>(T{1} << (Fmt<T>::F - 1)); }
template <typename T> constexpr T fp_zero(bool s) { return s ? sign_bit<T>() : T{0}; }
template <typename T> constexpr T fp_inf(bool s) { return static_cast<T>(fp_zero<T>(s) | exp_mask<T>()); }
template <typename T> constexpr T fp_max_normal(bool s) {
    return static_cast<T>(fp_zero<T>(s) | (exp_mask<T>() - (T{1} << Fmt<T>::F)) | frac_mask<T>());
}
template <typename T> constexpr T default_nan() { return static_cast<T>(exp_mask<T>() | quiet_bit<T>()); }
template <typename T> constexpr unsigned bexp(T v) {
    return static_cast<unsigned>(v >> Fmt<T>::F) & ((1u << Fmt<T>::E) - 1);
}
template <typename T> constexpr bool is_zero_bits(T v) { return static_cast<T>(v << 1) == 0; }

enum class Type { Zero, Nonzero, Inf, QNaN, SNaN };

struct Unpacked {
    Type type;
    bool sign;
    int exp;             // Nonzero: value = mant * 2^exp
    std::uint64_t mant;  // Nonzero: normalized (bit 63 set)
    bool zero() const { return type == Type::Zero; }
    bool inf() const { return type == Type::Inf; }
    bool nan() const { return type == Type::QNaN || type == Type::SNaN; }
};

// FPUnpack. Half precision inputs are never flushed; FPSCR.AHP makes exponent 31 ordinary.
template <typename T>
Unpacked unpack(T v, std::uint32_t& fpscr)
{
    using F = Fmt<T>;
    Unpacked u{};
    u.sign = ((v >> (F::N - 1)) & 1u) != 0;
    const unsigned e = bexp(v);
    const std::uint64_t frac = v & frac_mask<T>();
    if (e == 0) {
        if (frac == 0 || (F::N != 16 && (fpscr & kFZ))) {
            u.type = Type::Zero;
            if (frac != 0) fpscr |= kIDC;
            return u;
        }
        u.type = Type::Nonzero;
        u.mant = frac;
        u.exp = F::min_exp - F::F;
    } else if (e == (1u << F::E) - 1 && !(F::N == 16 && (fpscr & kAHP))) {
        if (frac == 0)
            u.type = Type::Inf;
        else
            u.type = ((frac >> (F::F - 1)) & 1u) ? Type::QNaN : Type::SNaN;
        return u;
    } else {
        u.type = Type::Nonzero;
        u.mant = frac | (std::uint64_t{1} << F::F);
        u.exp = static_cast<int>(e) - F::bias - F::F;
    }
    const int sh = std::countl_zero(u.mant);
    u.mant <<= sh;
    u.exp -= sh;
    return u;
}

int msb128(u128 x)
{
    const auto hi = static_cast<std::uint64_t>(x >> 64);
    if (hi != 0) return 127 - std::countl_zero(hi);
    return 63 - std::countl_zero(static_cast<std::uint64_t>(x));
}

u128 shr_jam(u128 x, int n)
{
    if (n <= 0) return x;
    if (n >= 128) return x != 0 ? 1 : 0;
    const u128 lost = x & ((u128{1} << n) - 1);
    return (x >> n) | (lost != 0 ? 1 : 0);
}

// FPRound: 'mant' * 2^'exp' (mant != 0; bit 0 may be a sticky "jam" bit as long as it lies at least
// two bits below the rounding position, which all callers guarantee).
template <typename T>
T fp_round(bool sign, int exp, u128 mant, std::uint32_t& fpscr, Rounding rm)
{
    using F = Fmt<T>;
    const int exponent = exp + msb128(mant);
    if (F::N != 16 && (fpscr & kFZ) && exponent < F::min_exp) {
        fpscr |= kUFC;
        return fp_zero<T>(sign);
    }
    int biased = std::max(exponent - F::min_exp + 1, 0);
    const int ulp_exp = (biased == 0 ? F::min_exp : exponent) - F::F;
    const int shift = ulp_exp - exp;
    std::uint64_t int_mant = 0;
    int err = 0;  // 0: exact, 1: below half an ulp, 2: exactly half, 3: above half
    if (shift <= 0) {
        int_mant = static_cast<std::uint64_t>(mant << -shift);
    } else if (shift > 128) {
        err = 1;
    } else {
        const u128 half = u128{1} << (shift - 1);
        const u128 rem = shift == 128 ? mant : (mant & ((u128{1} << shift) - 1));
        if (shift < 128) int_mant = static_cast<std::uint64_t>(mant >> shift);
        err = rem == 0 ? 0 : rem < half ? 1 : rem == half ? 2 : 3;
    }
    if (biased == 0 && err != 0) fpscr |= kUFC;
    bool round_up = false, overflow_to_inf = false;
    switch (rm) {
    case Rounding::TieEven:
        round_up = err == 3 || (err == 2 && (int_mant & 1u));
        overflow_to_inf = true;
        break;
    case Rounding::PosInf:
        round_up = err != 0 && !sign;
        overflow_to_inf = !sign;
        break;
    case Rounding::NegInf:
        round_up = err != 0 && sign;
        overflow_to_inf = sign;
        break;
    case Rounding::Zero:
        break;
    }
    if (round_up) {
        ++int_mant;
        if (int_mant == (std::uint64_t{1} << F::F)) biased = 1;
        if (int_mant == (std::uint64_t{1} << (F::F + 1))) {
            ++biased;
            int_mant >>= 1;
        }
    }
    bool inexact = err != 0;
    T result;
    const auto pack = [&] {
        return static_cast<T>(fp_zero<T>(sign) | (static_cast<T>(biased) << F::F) | (int_mant & frac_mask<T>()));
    };
    if (F::N != 16 || !(fpscr & kAHP)) {
        if (biased >= (1 << F::E) - 1) {
            result = overflow_to_inf ? fp_inf<T>(sign) : fp_max_normal<T>(sign);
            fpscr |= kOFC;
            inexact = true;
        } else {
            result = pack();
        }
    } else {  // alternative half precision: no infinities, exponent 31 is an ordinary exponent
        if (biased >= (1 << F::E)) {
            result = static_cast<T>(fp_zero<T>(sign) | 0x7FFFu);
            fpscr |= kIOC;
            inexact = false;
        } else {
            result = pack();
        }
    }
    if (inexact) fpscr |= kIXC;
    return result;
}

template <typename T>
T process_nan(Type type, T op, std::uint32_t& fpscr)
{
    T result = op;
    if (type == Type::SNaN) {
        result = static_cast<T>(result | quiet_bit<T>());
        fpscr |= kIOC;
    }
    if (fpscr & kDN) result = default_nan<T>();
    return result;
}

template <typename T>
bool process_nans(const Unpacked& a, const Unpacked& b, T op1, T op2, std::uint32_t& fpscr, T& out)
{
    if (a.type == Type::SNaN)
        out = process_nan(a.type, op1, fpscr);
    else if (b.type == Type::SNaN)
        out = process_nan(b.type, op2, fpscr);
    else if (a.type == Type::QNaN)
        out = process_nan(a.type, op1, fpscr);
    else if (b.type == Type::QNaN)
        out = process_nan(b.type, op2, fpscr);
    else
        return false;
    return true;
}

template <typename T>
bool process_nans3(const Unpacked& a, const Unpacked& b, const Unpacked& c, T op1, T op2, T op3,
                   std::uint32_t& fpscr, T& out)
{
    if (a.type == Type::SNaN)
        out = process_nan(a.type, op1, fpscr);
    else if (b.type == Type::SNaN)
        out = process_nan(b.type, op2, fpscr);
    else if (c.type == Type::SNaN)
        out = process_nan(c.type, op3, fpscr);
    else if (a.type == Type::QNaN)
        out = process_nan(a.type, op1, fpscr);
    else if (b.type == Type::QNaN)
        out = process_nan(b.type, op2, fpscr);
    else if (c.type == Type::QNaN)
        out = process_nan(c.type, op3, fpscr);
    else
        return false;
    return true;
}

struct Exact {
    bool sign;
    int exp;
    u128 mant;  // 0: exact zero
};

void norm125(int& exp, u128& m)
{
    const int msb = msb128(m);
    if (msb > 125) {
        m = shr_jam(m, msb - 125);
        exp += msb - 125;
    } else {
        m <<= (125 - msb);
        exp -= 125 - msb;
    }
}

// Exact (up to a sticky bit far below any rounding position) signed sum of two values.
Exact add_exact(bool sa, int ea, u128 ma, bool sb, int eb, u128 mb)
{
    if (ma == 0) return {sb, eb, mb};
    if (mb == 0) return {sa, ea, ma};
    norm125(ea, ma);
    norm125(eb, mb);
    if (ea < eb || (ea == eb && ma < mb)) {
        std::swap(sa, sb);
        std::swap(ea, eb);
        std::swap(ma, mb);
    }
    const int d = ea - eb;
    mb = shr_jam(mb, d);
    if (sa == sb) return {sa, ea, ma + mb};
    return {sa, ea, ma - mb};
}

template <typename T>
T round_exact(const Exact& r, std::uint32_t& fpscr)
{
    const Rounding rm = rounding_of(fpscr);
    if (r.mant == 0) return fp_zero<T>(rm == Rounding::NegInf);  // exact zero: sign from rounding mode
    return fp_round<T>(r.sign, r.exp, r.mant, fpscr, rm);
}

// ---- software implementations -------------------------------------------------------------

template <typename T>
T soft_add(T op1, T op2, bool subtract, std::uint32_t& fpscr)
{
    const Unpacked a = unpack(op1, fpscr);
    const Unpacked b = unpack(op2, fpscr);
    T result;
    if (process_nans(a, b, op1, op2, fpscr, result)) return result;
    const bool sb = b.sign != subtract;
    if (a.inf() && b.inf() && a.sign != sb) {
        fpscr |= kIOC;
        return default_nan<T>();
    }
    if (a.inf()) return fp_inf<T>(a.sign);
    if (b.inf()) return fp_inf<T>(sb);
    if (a.zero() && b.zero() && a.sign == sb) return fp_zero<T>(a.sign);
    return round_exact<T>(add_exact(a.sign, a.exp, a.zero() ? 0 : a.mant, sb, b.exp, b.zero() ? 0 : b.mant),
                          fpscr);
}

template <typename T>
T soft_mul(T op1, T op2, std::uint32_t& fpscr)
{
    const Unpacked a = unpack(op1, fpscr);
    const Unpacked b = unpack(op2, fpscr);
    T result;
    if (process_nans(a, b, op1, op2, fpscr, result)) return result;
    const bool sign = a.sign != b.sign;
    if ((a.inf() && b.zero()) || (a.zero() && b.inf())) {
        fpscr |= kIOC;
        return default_nan<T>();
    }
    if (a.inf() || b.inf()) return fp_inf<T>(sign);
    if (a.zero() || b.zero()) return fp_zero<T>(sign);
    return fp_round<T>(sign, a.exp + b.exp, static_cast<u128>(a.mant) * b.mant, fpscr, rounding_of(fpscr));
}

template <typename T>
T soft_div(T op1, T op2, std::uint32_t& fpscr)
{
    const Unpacked a = unpack(op1, fpscr);
    const Unpacked b = unpack(op2, fpscr);
    T result;
    if (process_nans(a, b, op1, op2, fpscr, result)) return result;
    const bool sign = a.sign != b.sign;
    if ((a.inf() && b.inf()) || (a.zero() && b.zero())) {
        fpscr |= kIOC;
        return default_nan<T>();
    }
    if (a.inf() || b.zero()) {
        if (!a.inf()) fpscr |= kDZC;
        return fp_inf<T>(sign);
    }
    if (a.zero() || b.inf()) return fp_zero<T>(sign);
    const u128 num = static_cast<u128>(a.mant) << 64;
    const u128 q = num / b.mant;
    const u128 rem = num - q * b.mant;
    return fp_round<T>(sign, a.exp - 64 - b.exp, q | (rem != 0 ? 1 : 0), fpscr, rounding_of(fpscr));
}

// floor(sqrt(r)) for r in [2^126, 2^128): a host estimate refined by one integer Newton step and
// corrected exactly, so the result does not depend on the host's rounding.
u128 isqrt128(u128 r)
{
    constexpr u128 kMax = ~std::uint64_t{0};  // isqrt(r) < 2^64
    u128 s = static_cast<u128>(std::sqrt(static_cast<double>(r)));
    s = std::min(std::max(s, u128{1} << 62), kMax);
    s = std::min((s + r / s) >> 1, kMax);
    while (s * s > r) --s;
    while (s < kMax && (s + 1) * (s + 1) <= r) ++s;
    return s;
}

template <typename T>
T soft_sqrt(T op, std::uint32_t& fpscr)
{
    const Unpacked a = unpack(op, fpscr);
    if (a.nan()) return process_nan(a.type, op, fpscr);
    if (a.zero()) return fp_zero<T>(a.sign);
    if (a.inf() && !a.sign) return fp_inf<T>(false);
    if (a.sign) {
        fpscr |= kIOC;
        return default_nan<T>();
    }
    u128 rad = static_cast<u128>(a.mant) << 64;
    int e = a.exp - 64;
    if (e & 1) {
        rad >>= 1;  // the low 64 bits are zero: exact
        ++e;
    }
    const u128 root = isqrt128(rad);
    const u128 rem = rad - root * root;
    return fp_round<T>(false, e / 2, root | (rem != 0 ? 1 : 0), fpscr, rounding_of(fpscr));
}

// ---- host fast paths (round-to-nearest only) ----------------------------------------------

template <typename T> struct Host;
template <> struct Host<std::uint32_t> {
    using type = float;
    // Biased-exponent windows. add: inputs/results for add/sub; mul: mul/div/sqrt.
    static constexpr unsigned add_in_lo = 1, add_in_hi = 252, add_res_lo = 2, add_res_hi = 252;
    static constexpr unsigned mul_in_lo = 1, mul_in_hi = 254, mul_res_lo = 2, mul_res_hi = 254;
};
template <> struct Host<std::uint64_t> {
    using type = double;
    // mul/div/sqrt: unbiased exponents within +-480 keep Dekker's product exact (no under/overflow).
    static constexpr unsigned add_in_lo = 1, add_in_hi = 2040, add_res_lo = 2, add_res_hi = 2040;
    static constexpr unsigned mul_in_lo = 1023 - 480, mul_in_hi = 1023 + 480, mul_res_lo = 1023 - 480,
                              mul_res_hi = 1023 + 480;
};

// Exact product: a * b == p + e (no overflow/underflow within the windows above).
inline void two_prod(double a, double b, double& p, double& e)
{
    p = a * b;
#ifdef __FP_FAST_FMA
    e = std::fma(a, b, -p);
#else
    constexpr double split = 134217729.0;  // 2^27 + 1
    double t = split * a;
    const double ah = t - (t - a);
    const double al = a - ah;
    t = split * b;
    const double bh = t - (t - b);
    const double bl = b - bh;
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
#endif
}

template <typename T> bool in_window(T v, unsigned lo, unsigned hi)
{
    const unsigned e = bexp(v);
    return e >= lo && e <= hi;
}

template <typename T>
bool fast_add(T op1, T op2, std::uint32_t& fpscr, T& out)
{
    using H = typename Host<T>::type;
    using W = Host<T>;
    if (!((is_zero_bits(op1) || in_window(op1, W::add_in_lo, W::add_in_hi)) &&
          (is_zero_bits(op2) || in_window(op2, W::add_in_lo, W::add_in_hi))))
        return false;
    const H x = std::bit_cast<H>(op1), y = std::bit_cast<H>(op2);
    const H s = x + y;
    const T r = std::bit_cast<T>(s);
    if (is_zero_bits(r)) {  // exact cancellation or a sum of zeros: RN signs match IEEE
        out = r;
        return true;
    }
    if (!in_window(r, W::add_res_lo, W::add_res_hi)) return false;
    const H bb = s - x;  // TwoSum: x + y == s + err exactly
    const H err = (x - (s - bb)) + (y - bb);
    if (err != H(0)) fpscr |= kIXC;
    out = r;
    return true;
}

template <typename T>
bool fast_mul(T op1, T op2, std::uint32_t& fpscr, T& out)
{
    using H = typename Host<T>::type;
    using W = Host<T>;
    const bool z1 = is_zero_bits(op1), z2 = is_zero_bits(op2);
    if (!((z1 || in_window(op1, W::mul_in_lo, W::mul_in_hi)) && (z2 || in_window(op2, W::mul_in_lo, W::mul_in_hi))))
        return false;
    const H x = std::bit_cast<H>(op1), y = std::bit_cast<H>(op2);
    const H p = x * y;
    const T r = std::bit_cast<T>(p);
    if (z1 || z2) {
        out = r;
        return true;
    }
    if (!in_window(r, W::mul_res_lo, W::mul_res_hi)) return false;
    bool exact;
    if constexpr (sizeof(T) == 4) {
        exact = static_cast<double>(x) * static_cast<double>(y) == static_cast<double>(p);
    } else {
        double pp, e;
        two_prod(x, y, pp, e);
        exact = e == 0.0;
    }
    if (!exact) fpscr |= kIXC;
    out = r;
    return true;
}

template <typename T>
bool fast_div(T op1, T op2, std::uint32_t& fpscr, T& out)
{
    using H = typename Host<T>::type;
    using W = Host<T>;
    const bool z1 = is_zero_bits(op1);
    if (!((z1 || in_window(op1, W::mul_in_lo, W::mul_in_hi)) && in_window(op2, W::mul_in_lo, W::mul_in_hi)))
        return false;
    const H x = std::bit_cast<H>(op1), y = std::bit_cast<H>(op2);
    const H q = x / y;
    const T r = std::bit_cast<T>(q);
    if (z1) {
        out = r;
        return true;
    }
    if (!in_window(r, W::mul_res_lo, W::mul_res_hi)) return false;
    bool exact;
    if constexpr (sizeof(T) == 4) {
        exact = static_cast<double>(q) * static_cast<double>(y) == static_cast<double>(x);
    } else {
        double p, e;
        two_prod(q, y, p, e);
        exact = p == x && e == 0.0;
    }
    if (!exact) fpscr |= kIXC;
    out = r;
    return true;
}

template <typename T>
bool fast_sqrt(T op, std::uint32_t& fpscr, T& out)
{
    using H = typename Host<T>::type;
    using W = Host<T>;
    if ((op & sign_bit<T>()) || !in_window(op, W::mul_in_lo, W::mul_in_hi)) return false;
    const H x = std::bit_cast<H>(op);
    const H s = std::sqrt(x);
    bool exact;
    if constexpr (sizeof(T) == 4) {
        exact = static_cast<double>(s) * static_cast<double>(s) == static_cast<double>(x);
    } else {
        double p, e;
        two_prod(s, s, p, e);
        exact = p == x && e == 0.0;
    }
    if (!exact) fpscr |= kIXC;
    out = std::bit_cast<T>(s);
    return true;
}

bool use_fast(bool allow_fast, std::uint32_t fpscr)
{
    return kHostFast && allow_fast && rounding_of(fpscr) == Rounding::TieEven;
}

// Magnitude order of two non-NaN unpacked values: -1, 0, 1.
int compare_magnitude(const Unpacked& a, const Unpacked& b)
{
    const auto rank = [](const Unpacked& u) { return u.zero() ? 0 : u.inf() ? 2 : 1; };
    const int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra != 1) return 0;
    if (a.exp != b.exp) return a.exp < b.exp ? -1 : 1;
    if (a.mant != b.mant) return a.mant < b.mant ? -1 : 1;
    return 0;
}

}  // namespace

// ---- public entry points ------------------------------------------------------------------

template <typename T> T fp_add(T op1, T op2, std::uint32_t& fpscr, bool allow_fast)
{
    T r;
    if (use_fast(allow_fast, fpscr) && fast_add(op1, op2, fpscr, r)) return r;
    return soft_add(op1, op2, false, fpscr);
}

template <typename T> T fp_sub(T op1, T op2, std::uint32_t& fpscr, bool allow_fast)
{
    T r;
    if (use_fast(allow_fast, fpscr) && fast_add(op1, static_cast<T>(op2 ^ sign_bit<T>()), fpscr, r)) return r;
    return soft_add(op1, op2, true, fpscr);
}

template <typename T> T fp_mul(T op1, T op2, std::uint32_t& fpscr, bool allow_fast)
{
    T r;
    if (use_fast(allow_fast, fpscr) && fast_mul(op1, op2, fpscr, r)) return r;
    return soft_mul(op1, op2, fpscr);
}

template <typename T> T fp_div(T op1, T op2, std::uint32_t& fpscr, bool allow_fast)
{
    T r;
    if (use_fast(allow_fast, fpscr) && fast_div(op1, op2, fpscr, r)) return r;
    return soft_div(op1, op2, fpscr);
}

template <typename T> T fp_sqrt(T op, std::uint32_t& fpscr, bool allow_fast)
{
    T r;
    if (use_fast(allow_fast, fpscr) && fast_sqrt(op, fpscr, r)) return r;
    return soft_sqrt(op, fpscr);
}

template <typename T> T fp_muladd(T addend, T op1, T op2, std::uint32_t& fpscr)
{
    const Unpacked a = unpack(addend, fpscr);
    const Unpacked b = unpack(op1, fpscr);
    const Unpacked c = unpack(op2, fpscr);
    T result;
    const bool done = process_nans3(a, b, c, addend, op1, op2, fpscr, result);
    const bool inf_times_zero = (b.inf() && c.zero()) || (b.zero() && c.inf());
    if (a.type == Type::QNaN && inf_times_zero) {
        fpscr |= kIOC;
        return default_nan<T>();
    }
    if (done) return result;
    const bool sign_p = b.sign != c.sign;
    const bool inf_p = b.inf() || c.inf();
    const bool zero_p = b.zero() || c.zero();
    if (inf_times_zero || (a.inf() && inf_p && a.sign != sign_p)) {
        fpscr |= kIOC;
        return default_nan<T>();
    }
    if (a.inf()) return fp_inf<T>(a.sign);
    if (inf_p) return fp_inf<T>(sign_p);
    if (a.zero() && zero_p && a.sign == sign_p) return fp_zero<T>(a.sign);
    const u128 prod = zero_p ? 0 : static_cast<u128>(b.mant) * c.mant;
    return round_exact<T>(add_exact(a.sign, a.exp, a.zero() ? 0 : a.mant, sign_p, b.exp + c.exp, prod), fpscr);
}

template <typename T> T fp_neg(T op) { return static_cast<T>(op ^ sign_bit<T>()); }
template <typename T> T fp_abs(T op) { return static_cast<T>(op & ~sign_bit<T>()); }

template <typename T>
std::uint32_t fp_compare(T op1, T op2, bool quiet_nan_exc, std::uint32_t& fpscr, bool allow_fast)
{
    constexpr std::uint32_t kLess = 0x8u << 28, kEqual = 0x6u << 28, kGreater = 0x2u << 28, kUnordered = 0x3u << 28;
    constexpr unsigned emax = (1u << Fmt<T>::E) - 1;
    if (kHostFast && allow_fast) {
        const unsigned e1 = bexp(op1), e2 = bexp(op2);
        if (e1 != 0 && e2 != 0 && e1 != emax && e2 != emax) {
            using H = typename Host<T>::type;
            const H x = std::bit_cast<H>(op1), y = std::bit_cast<H>(op2);
            return x == y ? kEqual : x < y ? kLess : kGreater;
        }
    }
    const Unpacked a = unpack(op1, fpscr);
    const Unpacked b = unpack(op2, fpscr);
    if (a.nan() || b.nan()) {
        if (a.type == Type::SNaN || b.type == Type::SNaN || quiet_nan_exc) fpscr |= kIOC;
        return kUnordered;
    }
    if (a.zero() && b.zero()) return kEqual;
    if (a.zero()) return b.sign ? kGreater : kLess;
    if (b.zero()) return a.sign ? kLess : kGreater;
    if (a.sign != b.sign) return a.sign ? kLess : kGreater;
    const int mag = compare_magnitude(a, b);
    if (mag == 0) return kEqual;
    return (mag < 0) != a.sign ? kLess : kGreater;
}

std::uint64_t f32_to_f64(std::uint32_t op, std::uint32_t& fpscr)
{
    const unsigned e = bexp(op);
    if (e != 0 && e != 0xFF) {  // normal: exact
        return (std::uint64_t{op >> 31} << 63) | (std::uint64_t{e - 127 + 1023} << 52) |
               (std::uint64_t{op & 0x7FFFFFu} << 29);
    }
    const Unpacked u = unpack(op, fpscr);
    switch (u.type) {
    case Type::QNaN:
    case Type::SNaN: {
        if (u.type == Type::SNaN) fpscr |= kIOC;
        if (fpscr & kDN) return default_nan<std::uint64_t>();
        return (std::uint64_t{op >> 31} << 63) | 0x7FF8000000000000ull | (std::uint64_t{op & 0x3FFFFFu} << 29);
    }
    case Type::Inf: return fp_inf<std::uint64_t>(u.sign);
    case Type::Zero: return fp_zero<std::uint64_t>(u.sign);
    case Type::Nonzero: break;
    }
    return fp_round<std::uint64_t>(u.sign, u.exp, u.mant, fpscr, rounding_of(fpscr));
}

std::uint32_t f64_to_f32(std::uint64_t op, std::uint32_t& fpscr, bool allow_fast)
{
    if (use_fast(allow_fast, fpscr)) {
        const unsigned e = bexp(op);
        if (e >= 1023 - 125 && e <= 1023 + 126) {  // result normal (> min normal) and finite
            const double x = std::bit_cast<double>(op);
            const float r = static_cast<float>(x);
            if (static_cast<double>(r) != x) fpscr |= kIXC;
            return std::bit_cast<std::uint32_t>(r);
        }
    }
    const Unpacked u = unpack(op, fpscr);
    switch (u.type) {
    case Type::QNaN:
    case Type::SNaN: {
        if (u.type == Type::SNaN) fpscr |= kIOC;
        if (fpscr & kDN) return default_nan<std::uint32_t>();
        return (static_cast<std::uint32_t>(op >> 63) << 31) | 0x7FC00000u |
               static_cast<std::uint32_t>((op >> 29) & 0x3FFFFFu);
    }
    case Type::Inf: return fp_inf<std::uint32_t>(u.sign);
    case Type::Zero: return fp_zero<std::uint32_t>(u.sign);
    case Type::Nonzero: break;
    }
    return fp_round<std::uint32_t>(u.sign, u.exp, u.mant, fpscr, rounding_of(fpscr));
}

std::uint32_t f16_to_f32(std::uint16_t op, std::uint32_t& fpscr)
{
    const Unpacked u = unpack(op, fpscr);
    const std::uint32_t sign = static_cast<std::uint32_t>(op >> 15) << 31;
    switch (u.type) {
    case Type::QNaN:
    case Type::SNaN:
        if (u.type == Type::SNaN) fpscr |= kIOC;
        if (fpscr & kDN) return default_nan<std::uint32_t>();
        return sign | 0x7FC00000u | (static_cast<std::uint32_t>(op & 0x1FFu) << 13);
    case Type::Inf: return fp_inf<std::uint32_t>(u.sign);
    case Type::Zero: return fp_zero<std::uint32_t>(u.sign);
    case Type::Nonzero: break;
    }
    return fp_round<std::uint32_t>(u.sign, u.exp, u.mant, fpscr, rounding_of(fpscr));  // exact
}

std::uint16_t f32_to_f16(std::uint32_t op, std::uint32_t& fpscr)
{
    const bool alt_hp = (fpscr & kAHP) != 0;
    const Unpacked u = unpack(op, fpscr);
    const auto sign = static_cast<std::uint16_t>((op >> 31) << 15);
    switch (u.type) {
    case Type::QNaN:
    case Type::SNaN: {
        std::uint16_t r;
        if (alt_hp)
            r = sign;  // FPZero(sign)
        else if (fpscr & kDN)
            r = 0x7E00;
        else
            r = static_cast<std::uint16_t>(sign | 0x7E00u | ((op >> 13) & 0x1FFu));
        if (u.type == Type::SNaN || alt_hp) fpscr |= kIOC;
        return r;
    }
    case Type::Inf:
        if (alt_hp) {
            fpscr |= kIOC;
            return static_cast<std::uint16_t>(sign | 0x7FFFu);
        }
        return static_cast<std::uint16_t>(sign | 0x7C00u);
    case Type::Zero: return sign;
    case Type::Nonzero: break;
    }
    return fp_round<std::uint16_t>(u.sign, u.exp, u.mant, fpscr, rounding_of(fpscr));
}

template <typename T>
std::uint32_t fp_to_fixed(T op, unsigned bits, unsigned fbits, bool is_unsigned, Rounding rm, std::uint32_t& fpscr,
                          bool allow_fast)
{
    using F = Fmt<T>;
    const std::uint64_t field_mask = bits >= 32 ? 0xFFFFFFFFull : ((std::uint64_t{1} << bits) - 1);
    // Fast path: plain VCVT (truncation) of a normal value that fits.
    if (kHostFast && allow_fast && rm == Rounding::Zero && fbits == 0 && bits == 32) {
        const unsigned e = bexp(op);
        const bool neg = (op & sign_bit<T>()) != 0;
        if (e != 0 && static_cast<int>(e) - F::bias < (is_unsigned ? 32 : 31) && !(is_unsigned && neg)) {
            using H = typename Host<T>::type;
            const H x = std::bit_cast<H>(op);
            const auto t = static_cast<std::int64_t>(x);  // truncates; |x| < 2^32
            if (static_cast<H>(t) != x) fpscr |= kIXC;
            return static_cast<std::uint32_t>(t);
        }
    }
    const Unpacked u = unpack(op, fpscr);
    if (u.nan()) {
        fpscr |= kIOC;
        return 0;
    }
    if (u.zero()) return 0;
    const std::uint64_t max_pos = is_unsigned ? field_mask : (field_mask >> 1);
    const std::uint64_t max_neg = is_unsigned ? 0 : (field_mask >> 1) + 1;  // magnitude
    bool overflow = false;
    std::uint64_t q = 0;
    int err = 0;
    if (u.inf()) {
        overflow = true;
    } else {
        const int e = u.exp + static_cast<int>(fbits);  // value = mant * 2^e
        if (e > 0) {
            overflow = true;  // >= 2^64
        } else if (e == 0) {
            q = u.mant;
        } else if (e < -64) {
            err = 1;
        } else {
            const int s = -e;
            const u128 m = u.mant;
            const u128 rem = m & ((u128{1} << s) - 1);
            const u128 half = u128{1} << (s - 1);
            q = static_cast<std::uint64_t>(m >> s);
            err = rem == 0 ? 0 : rem < half ? 1 : rem == half ? 2 : 3;
        }
        if (!overflow) {
            bool up = false;
            switch (rm) {
            case Rounding::TieEven: up = err == 3 || (err == 2 && (q & 1u)); break;
            case Rounding::PosInf: up = err != 0 && !u.sign; break;
            case Rounding::NegInf: up = err != 0 && u.sign; break;
            case Rounding::Zero: break;
            }
            if (up) {
                if (q == std::numeric_limits<std::uint64_t>::max())
                    overflow = true;
                else
                    ++q;
            }
            if (!overflow) overflow = q > (u.sign ? max_neg : max_pos);
        }
    }
    if (overflow) {
        fpscr |= kIOC;
        if (u.sign) return static_cast<std::uint32_t>((0 - max_neg) & field_mask);
        return static_cast<std::uint32_t>(max_pos);
    }
    if (err != 0) fpscr |= kIXC;
    const std::uint64_t v = u.sign ? (0 - q) : q;
    return static_cast<std::uint32_t>(v & field_mask);
}

template <typename T>
T fixed_to_fp(std::uint32_t value, unsigned bits, unsigned fbits, bool is_unsigned, Rounding rm, std::uint32_t& fpscr)
{
    const std::uint64_t field_mask = bits >= 32 ? 0xFFFFFFFFull : ((std::uint64_t{1} << bits) - 1);
    const std::uint64_t raw = value & field_mask;
    bool sign = false;
    std::uint64_t mag = raw;
    if (!is_unsigned && ((raw >> (bits - 1)) & 1u)) {
        sign = true;
        mag = (0 - raw) & field_mask;
    }
    if (mag == 0) return T{0};  // FPZero('0')
    return fp_round<T>(sign, -static_cast<int>(fbits), mag, fpscr, rm);
}

#define EMU_VFP_INSTANTIATE(T)                                                                           \
    template T fp_add<T>(T, T, std::uint32_t&, bool);                                                    \
    template T fp_sub<T>(T, T, std::uint32_t&, bool);                                                    \
    template T fp_mul<T>(T, T, std::uint32_t&, bool);                                                    \
    template T fp_div<T>(T, T, std::uint32_t&, bool);                                                    \
    template T fp_sqrt<T>(T, std::uint32_t&, bool);                                                      \
    template T fp_muladd<T>(T, T, T, std::uint32_t&);                                                    \
    template T fp_neg<T>(T);                                                                             \
    template T fp_abs<T>(T);                                                                             \
    template std::uint32_t fp_compare<T>(T, T, bool, std::uint32_t&, bool);                              \
    template std::uint32_t fp_to_fixed<T>(T, unsigned, unsigned, bool, Rounding, std::uint32_t&, bool); \
    template T fixed_to_fp<T>(std::uint32_t, unsigned, unsigned, bool, Rounding, std::uint32_t&);

EMU_VFP_INSTANTIATE(std::uint32_t)
EMU_VFP_INSTANTIATE(std::uint64_t)
#undef EMU_VFP_INSTANTIATE

}  // namespace emu::arm::vfp
