// SSE/SSE2 conversions (SDM vol. 2, CVT*): integer <-> single/double (scalar from/to general
// registers, packed doublewords), single <-> double, with and without truncation. The host
// converts under the guest's MXCSR (sse_host.h); out-of-range results are the integer
// indefinite (0x80000000 / 0x8000000000000000) with IE, as the host produces them. The MMX
// forms (CVTPI2PS, CVTPS2PI, CVTTPS2PI, CVTPI2PD, CVTPD2PI, CVTTPD2PI) are in sse_mmx.cpp.
#include "sse_host.h"

namespace emu::x86 {

using namespace sse;

namespace {

// The integer source of CVTSI2SS/SD travels in b's low quadword.
constexpr VecOp kSi2ss32 = [](__m128i a, __m128i b) { return vi(_mm_cvtsi32_ss(ps(a), _mm_cvtsi128_si32(b))); };
constexpr VecOp kSi2ss64 = [](__m128i a, __m128i b) { return vi(_mm_cvtsi64_ss(ps(a), _mm_cvtsi128_si64(b))); };
constexpr VecOp kSi2sd32 = [](__m128i a, __m128i b) { return vi(_mm_cvtsi32_sd(pd(a), _mm_cvtsi128_si32(b))); };
constexpr VecOp kSi2sd64 = [](__m128i a, __m128i b) { return vi(_mm_cvtsi64_sd(pd(a), _mm_cvtsi128_si64(b))); };

// CVT(T)SS2SI / CVT(T)SD2SI: the integer result in the low quadword. Index: truncate * 4 +
// double * 2 + 64-bit.
constexpr VecOp kToInt[8] = {
    [](__m128i, __m128i b) { return _mm_cvtsi32_si128(_mm_cvtss_si32(ps(b))); },
    [](__m128i, __m128i b) { return _mm_cvtsi64_si128(_mm_cvtss_si64(ps(b))); },
    [](__m128i, __m128i b) { return _mm_cvtsi32_si128(_mm_cvtsd_si32(pd(b))); },
    [](__m128i, __m128i b) { return _mm_cvtsi64_si128(_mm_cvtsd_si64(pd(b))); },
    [](__m128i, __m128i b) { return _mm_cvtsi32_si128(_mm_cvttss_si32(ps(b))); },
    [](__m128i, __m128i b) { return _mm_cvtsi64_si128(_mm_cvttss_si64(ps(b))); },
    [](__m128i, __m128i b) { return _mm_cvtsi32_si128(_mm_cvttsd_si32(pd(b))); },
    [](__m128i, __m128i b) { return _mm_cvtsi64_si128(_mm_cvttsd_si64(pd(b))); },
};

// 0F 5A: CVTPS2PD (xmm/m64), CVTPD2PS, CVTSS2SD (m32), CVTSD2SS (m64), by prefix.
constexpr VecOp k5A[4] = {
    [](__m128i, __m128i b) { return vi(_mm_cvtps_pd(ps(b))); },
    [](__m128i, __m128i b) { return vi(_mm_cvtpd_ps(pd(b))); },
    [](__m128i a, __m128i b) { return vi(_mm_cvtss_sd(pd(a), ps(b))); },
    [](__m128i a, __m128i b) { return vi(_mm_cvtsd_ss(ps(a), pd(b))); },
};

// 0F 5B: CVTDQ2PS, CVTPS2DQ (66), CVTTPS2DQ (F3).
constexpr VecOp k5B[3] = {
    [](__m128i, __m128i b) { return vi(_mm_cvtepi32_ps(b)); },
    [](__m128i, __m128i b) { return _mm_cvtps_epi32(ps(b)); },
    [](__m128i, __m128i b) { return _mm_cvttps_epi32(ps(b)); },
};

// 0F E6: CVTTPD2DQ (66), CVTDQ2PD (F3, xmm/m64), CVTPD2DQ (F2).
constexpr VecOp kE6[3] = {
    [](__m128i, __m128i b) { return _mm_cvttpd_epi32(pd(b)); },
    [](__m128i, __m128i b) { return vi(_mm_cvtepi32_pd(b)); },
    [](__m128i, __m128i b) { return _mm_cvtpd_epi32(pd(b)); },
};

__m128i low32(Cpu& c, const Insn& d) {
    return d.memory() ? _mm_cvtsi32_si128(static_cast<int>(read_m32(c, d))) : xmm(c, d.rm);
}
__m128i low64(Cpu& c, const Insn& d) {
    return d.memory() ? _mm_cvtsi64_si128(static_cast<long long>(read_m64(c, d))) : xmm(c, d.rm);
}

}  // namespace

void h_sse_convert(Cpu& c, const Insn& d) {
    const unsigned op = d.opcode & 0xFF;
    const Pfx p = prefix(d);
    const bool scalar = p == Pfx::F3 || p == Pfx::F2;
    if ((op == 0x2A || op == 0x2C || op == 0x2D) && !scalar) {
        mmx_sse_execute(c, d);  // CVTPI2PS/PD, CVT(T)PS2PI, CVT(T)PD2PI (sse_mmx.cpp)
        return;
    }
    if ((op == 0x5B && p == Pfx::F2) || (op == 0xE6 && p == Pfx::None)) c.raise(vec::UD);
    check_enabled(c);
    const bool doubles = p == Pfx::F2;
    switch (op) {
    case 0x2A: {  // CVTSI2SS / CVTSI2SD xmm, r/m32 (r/m64 with REX.W)
        const bool wide = gpr_size(d) == 8;
        std::uint64_t v;
        if (d.memory())
            v = wide ? read_m64(c, d) : read_m32(c, d);
        else
            v = c.gpr[d.rm];
        const VecOp f = doubles ? (wide ? kSi2sd64 : kSi2sd32) : (wide ? kSi2ss64 : kSi2ss32);
        const __m128i r = host_op(c, f, xmm(c, d.reg), _mm_cvtsi64_si128(static_cast<long long>(v)));
        set_xmm(c, d.reg, r);
        return;
    }
    case 0x2C:  // CVTTSS2SI / CVTTSD2SI r32/r64, xmm/m32/m64
    case 0x2D: {  // CVTSS2SI / CVTSD2SI
        const bool wide = gpr_size(d) == 8;
        const __m128i b = doubles ? low64(c, d) : low32(c, d);
        const unsigned form = (op == 0x2C ? 4 : 0) | (doubles ? 2 : 0) | (wide ? 1 : 0);
        const __m128i r = host_op(c, kToInt[form], b, b);
        const auto v = static_cast<std::uint64_t>(_mm_cvtsi128_si64(r));
        c.gpr[d.reg] = wide ? v : static_cast<std::uint32_t>(v);
        return;
    }
    case 0x5A: {
        // Sources: CVTPS2PD reads 64 bits, CVTSS2SD 32, CVTSD2SS 64, CVTPD2PS 128 (aligned).
        __m128i b;
        if (p == Pfx::None || p == Pfx::F2)
            b = low64(c, d);
        else if (p == Pfx::F3)
            b = low32(c, d);
        else
            b = source(c, d);
        set_xmm(c, d.reg, host_op(c, k5A[static_cast<unsigned>(p)], xmm(c, d.reg), b));
        return;
    }
    case 0x5B: {
        const __m128i b = source(c, d);
        set_xmm(c, d.reg, host_op(c, k5B[static_cast<unsigned>(p)], xmm(c, d.reg), b));
        return;
    }
    case 0xE6: {
        const __m128i b = p == Pfx::F3 ? low64(c, d) : source(c, d);
        set_xmm(c, d.reg, host_op(c, kE6[static_cast<unsigned>(p) - 1], xmm(c, d.reg), b));
        return;
    }
    default:
        c.raise(vec::UD);
    }
}

}  // namespace emu::x86
