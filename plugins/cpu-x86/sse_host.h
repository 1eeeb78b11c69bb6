// SIMD floating-point operations on the host's SSE under the guest's MXCSR: rounding control,
// FTZ and DAZ from the guest, every exception masked (so the host produces the masked
// response), then the flags the operation raised are merged into the guest's MXCSR (which may
// raise #XM/#UD before the caller writes its destination). The host's MXCSR is restored.
#pragma once

#include "sse.h"

namespace emu::x86::sse {

using VecOp = __m128i (*)(__m128i, __m128i);

// The host MXCSR for the guest's: its RC, FZ and DAZ, all exceptions masked, no flags.
inline std::uint32_t host_control(const Cpu& c) { return (c.fpu.mxcsr & (kRC | kFZ | kDAZ)) | kMasks; }

// r = op(a, b) on the host. The asm statements take a and b as modified and r as used, so the
// compiler cannot move the operation outside the window where the guest's MXCSR is loaded.
inline __m128i host_op(Cpu& c, VecOp op, __m128i a, __m128i b) {
    std::uint32_t saved, after;
    const std::uint32_t control = host_control(c);
    asm volatile("stmxcsr %[saved]\n\tldmxcsr %[control]"
                 : [saved] "=m"(saved), "+x"(a), "+x"(b)
                 : [control] "m"(control));
    __m128i r = op(a, b);
    asm volatile("stmxcsr %[after]\n\tldmxcsr %[saved]" : [after] "=m"(after), "+x"(r) : [saved] "m"(saved));
    merge_flags(c, after);
    return r;
}

// Casts between the integer view the state uses and the float views of the intrinsics.
inline __m128 ps(__m128i v) { return _mm_castsi128_ps(v); }
inline __m128d pd(__m128i v) { return _mm_castsi128_pd(v); }
inline __m128i vi(__m128 v) { return _mm_castps_si128(v); }
inline __m128i vi(__m128d v) { return _mm_castpd_si128(v); }

}  // namespace emu::x86::sse
