// SSE/SSE2 floating-point arithmetic (SDM vol. 2): ADD/SUB/MUL/DIV/MIN/MAX/SQRT in their
// PS/PD/SS/SD forms, CMPccPS/PD/SS/SD, COMISS/UCOMISS/COMISD/UCOMISD, RCPPS/RCPSS and
// RSQRTPS/RSQRTSS, and the shuffles SHUFPS/SHUFPD and UNPCKLPS/UNPCKHPS/UNPCKLPD/UNPCKHPD.
#include <cmath>

#include "sse_host.h"

namespace emu::x86 {

using namespace sse;

namespace {

// Host operations by opcode (58-5F, 51) and prefix (None, 66, F3, F2). The scalar forms keep
// the destination's upper elements (a); b is the source.
#define EMU_SSE_OPS(name)                                                                      \
    {[](__m128i a, __m128i b) { return vi(_mm_##name##_ps(ps(a), ps(b))); },                   \
     [](__m128i a, __m128i b) { return vi(_mm_##name##_pd(pd(a), pd(b))); },                   \
     [](__m128i a, __m128i b) { return vi(_mm_##name##_ss(ps(a), ps(b))); },                   \
     [](__m128i a, __m128i b) { return vi(_mm_##name##_sd(pd(a), pd(b))); }}

struct Forms {
    VecOp by_prefix[4];
};

const Forms kAdd = EMU_SSE_OPS(add), kSub = EMU_SSE_OPS(sub), kMul = EMU_SSE_OPS(mul),
            kDiv = EMU_SSE_OPS(div), kMin = EMU_SSE_OPS(min), kMax = EMU_SSE_OPS(max);

const Forms kCmp[8] = {EMU_SSE_OPS(cmpeq),  EMU_SSE_OPS(cmplt),  EMU_SSE_OPS(cmple),  EMU_SSE_OPS(cmpunord),
                       EMU_SSE_OPS(cmpneq), EMU_SSE_OPS(cmpnlt), EMU_SSE_OPS(cmpnle), EMU_SSE_OPS(cmpord)};
#undef EMU_SSE_OPS

const Forms kSqrt = {{
    [](__m128i, __m128i b) { return vi(_mm_sqrt_ps(ps(b))); },
    [](__m128i, __m128i b) { return vi(_mm_sqrt_pd(pd(b))); },
    [](__m128i a, __m128i b) { return vi(_mm_move_ss(ps(a), _mm_sqrt_ss(ps(b)))); },
    [](__m128i a, __m128i b) { return vi(_mm_sqrt_sd(pd(a), pd(b))); },
}};

// RCP and RSQRT: the SDM allows a relative error up to 1.5 * 2^-12, and Intel's and AMD's
// tables differ, so a fixed choice is made: the exactly rounded value (as QEMU computes it),
// which keeps emu deterministic on every host. Like hardware: no flags, a denormal operand
// counts as zero (result infinity), and results below the normal range are flushed to zero.
float approx(float x, bool rsqrt) {
    if (std::isnan(x)) {
        std::uint32_t bits;
        std::memcpy(&bits, &x, 4);
        bits |= 0x00400000;  // quieted
        std::memcpy(&x, &bits, 4);
        return x;
    }
    if (x == 0 || std::fpclassify(x) == FP_SUBNORMAL) return std::copysign(INFINITY, x);
    if (rsqrt && x < 0) {
        const std::uint32_t indefinite = 0xFFC00000;
        std::memcpy(&x, &indefinite, 4);
        return x;
    }
    const double r = rsqrt ? 1.0 / std::sqrt(static_cast<double>(x)) : 1.0 / static_cast<double>(x);
    const float f = static_cast<float>(r);
    return std::fpclassify(f) == FP_SUBNORMAL ? std::copysign(0.0f, f) : f;
}

__m128i approx_op(__m128i dst, __m128i src, bool scalar, bool rsqrt) {
    alignas(16) float d[4], s[4];
    _mm_store_ps(d, ps(dst));
    _mm_store_ps(s, ps(src));
    for (unsigned i = 0; i < (scalar ? 1u : 4u); ++i) d[i] = approx(s[i], rsqrt);
    return vi(_mm_load_ps(d));
}

// The source of the arithmetic forms: xmm/m128 (aligned) for packed, m32/m64 for scalar.
__m128i arith_source(Cpu& c, const Insn& d, Pfx p) {
    if (!d.memory()) return xmm(c, d.rm);
    if (p == Pfx::F3) return _mm_cvtsi32_si128(static_cast<int>(read_m32(c, d)));
    if (p == Pfx::F2) return _mm_cvtsi64_si128(static_cast<long long>(read_m64(c, d)));
    return read_m128(c, d, true);
}

// COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF from the comparison (unordered: all three set), OF
// SF AF cleared. The host's comparison decides which operands signal (COMIS: any NaN; UCOMIS:
// SNaN) and how DAZ treats denormals.
void compare_flags(Cpu& c, const Insn& d, bool doubles, bool ordered) {
    const __m128i b = d.memory() ? (doubles ? _mm_cvtsi64_si128(static_cast<long long>(read_m64(c, d)))
                                            : _mm_cvtsi32_si128(static_cast<int>(read_m32(c, d))))
                                 : xmm(c, d.rm);
    const __m128i a = xmm(c, d.reg);
    std::uint32_t saved, after;
    const std::uint32_t control = host_control(c);
    bool zf, pf, cf;
    const unsigned form = (doubles ? 2 : 0) | (ordered ? 1 : 0);
    switch (form) {
#define EMU_SSE_COMPARE(insn)                                                                     \
    asm volatile("stmxcsr %[saved]\n\tldmxcsr %[control]\n\t" insn " %[b], %[a]\n\t"             \
                 "stmxcsr %[after]\n\tldmxcsr %[saved]"                                          \
                 : [saved] "=&m"(saved), [after] "=m"(after), "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf) \
                 : [control] "m"(control), [a] "x"(a), [b] "x"(b));                               \
    break;
    case 0: EMU_SSE_COMPARE("ucomiss")
    case 1: EMU_SSE_COMPARE("comiss")
    case 2: EMU_SSE_COMPARE("ucomisd")
    default: EMU_SSE_COMPARE("comisd")
#undef EMU_SSE_COMPARE
    }
    merge_flags(c, after);
    std::uint32_t f = 0;
    if (zf) f |= kZF;
    if (pf) f |= kPF;
    if (cf) f |= kCF;
    set_arith(c, f);
}

// SHUFPS / SHUFPD xmm, xmm/m128, imm8: low results from the destination, high from the source.
__m128i shuffle(__m128i a, __m128i b, bool doubles, unsigned imm) {
    alignas(16) std::uint32_t x[4], y[4], r[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(x), a);
    _mm_store_si128(reinterpret_cast<__m128i*>(y), b);
    if (doubles) {
        const unsigned lo = (imm & 1) * 2, hi = ((imm >> 1) & 1) * 2;
        r[0] = x[lo]; r[1] = x[lo + 1]; r[2] = y[hi]; r[3] = y[hi + 1];
    } else {
        r[0] = x[imm & 3]; r[1] = x[(imm >> 2) & 3]; r[2] = y[(imm >> 4) & 3]; r[3] = y[(imm >> 6) & 3];
    }
    return _mm_load_si128(reinterpret_cast<const __m128i*>(r));
}

}  // namespace

void h_sse_float(Cpu& c, const Insn& d) {
    const unsigned op = d.opcode & 0xFF;
    const Pfx p = prefix(d);
    const bool packed_only = op == 0x14 || op == 0x15 || op == 0xC6 || op == 0x2E || op == 0x2F;
    if (packed_only && p != Pfx::None && p != Pfx::P66) c.raise(vec::UD);
    if ((op == 0x52 || op == 0x53) && p != Pfx::None && p != Pfx::F3) c.raise(vec::UD);
    check_enabled(c);
    const bool doubles = p == Pfx::P66 || p == Pfx::F2;
    switch (op) {
    case 0x14:  // UNPCKLPS / UNPCKLPD
    case 0x15: {  // UNPCKHPS / UNPCKHPD
        const __m128i b = source(c, d), a = xmm(c, d.reg);
        __m128i r;
        if (doubles)
            r = op == 0x14 ? _mm_unpacklo_epi64(a, b) : _mm_unpackhi_epi64(a, b);
        else
            r = op == 0x14 ? _mm_unpacklo_epi32(a, b) : _mm_unpackhi_epi32(a, b);
        set_xmm(c, d.reg, r);
        return;
    }
    case 0xC6: {  // SHUFPS / SHUFPD
        const __m128i b = source(c, d);
        set_xmm(c, d.reg, shuffle(xmm(c, d.reg), b, doubles, d.imm & 0xFF));
        return;
    }
    case 0x2E: compare_flags(c, d, doubles, false); return;
    case 0x2F: compare_flags(c, d, doubles, true); return;
    case 0x52:
    case 0x53: {
        const __m128i b = arith_source(c, d, p);
        set_xmm(c, d.reg, approx_op(xmm(c, d.reg), b, p == Pfx::F3, op == 0x52));
        return;
    }
    default: break;
    }
    const Forms* forms;
    switch (op) {
    case 0x51: forms = &kSqrt; break;
    case 0x58: forms = &kAdd; break;
    case 0x59: forms = &kMul; break;
    case 0x5C: forms = &kSub; break;
    case 0x5D: forms = &kMin; break;
    case 0x5E: forms = &kDiv; break;
    case 0x5F: forms = &kMax; break;
    case 0xC2: forms = &kCmp[d.imm & 7]; break;
    default: c.raise(vec::UD);
    }
    const __m128i b = arith_source(c, d, p);
    const __m128i r = host_op(c, forms->by_prefix[static_cast<unsigned>(p)], xmm(c, d.reg), b);
    set_xmm(c, d.reg, r);
}

}  // namespace emu::x86
