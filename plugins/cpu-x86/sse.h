// SSE and SSE2 (the x86-64 baseline vector unit): XMM0-15 and MXCSR live in FpuState (FXSAVE
// carries them with the x87 state). The 0F-map opcodes are split by family, one handler and
// one file each:
//
//   sse_state.cpp     enable checks, XMM/memory operand access, MXCSR (LDMXCSR/STMXCSR),
//                     SIMD floating-point exception delivery, fences and CLFLUSH
//   sse_move.cpp      moves: MOVAPS..MOVDQU, MOVD/MOVQ, MOVLPS..MOVHLPS, MOVSS/MOVSD,
//                     non-temporal stores, MASKMOVDQU, MOVMSKPS/PD, PMOVMSKB, PINSRW/PEXTRW
//   sse_int.cpp       packed integer arithmetic, compares, logic, shifts, shuffles, packs and
//                     unpacks, and the bitwise ANDPS..XORPD
//   sse_float.cpp     packed/scalar single and double arithmetic, MIN/MAX, SQRT, RCP/RSQRT,
//                     CMPcc, (U)COMIS, SHUFPS/PD, UNPCKL/HPS/PD
//   sse_convert.cpp   CVT*
//   sse_mmx.cpp       MMX (MM0-7 on the x87 registers) and the SSE/SSE2 forms that use them
//
// The host is x86-64, so its own SSE gives the exact results and exception flags of the
// hardware being emulated: floating-point operations run on the host under the guest's MXCSR
// rounding, FTZ and DAZ with every exception masked (sse_host.h), and the flags they raise are
// then merged into the guest's MXCSR (an unmasked one raises #XM, or #UD without
// CR4.OSXMMEXCPT, and leaves the destination unchanged). Integer operations use the host's
// SSE2 through its intrinsics.
//
// Prefixes: the mandatory prefix selects the instruction (none = PS, 66 = PD and the integer
// forms, F3 = SS, F2 = SD); F2/F3 win over 66. The no-prefix integer forms are MMX.
#pragma once

#include <cstdint>
#include <cstring>

#include <emmintrin.h>

#include "decode.h"

namespace emu::x86 {

// Handlers (installed by decode.cpp's map).
void h_sse_move(Cpu& c, const Insn& d);
void h_sse_int(Cpu& c, const Insn& d);
void h_sse_float(Cpu& c, const Insn& d);
void h_sse_convert(Cpu& c, const Insn& d);
// 0F AE /2../7 (h_grp15 calls this for everything but FXSAVE/FXRSTOR): LDMXCSR, STMXCSR,
// LFENCE, MFENCE, SFENCE, CLFLUSH; the rest (XSAVE family) #UD.
void sse_grp15(Cpu& c, const Insn& d);
// sse_mmx.cpp: the MMX forms (no mandatory prefix) of the integer opcodes, MOVD/MOVQ, EMMS and
// the SSE extensions on MMX registers; and the moves/conversions between MMX and XMM.
void mmx_execute(Cpu& c, const Insn& d);
void mmx_sse_execute(Cpu& c, const Insn& d);

namespace sse {

enum class Pfx : std::uint8_t { None, P66, F3, F2 };

inline Pfx prefix(const Insn& d) {
    if (d.rep == 0xF3) return Pfx::F3;
    if (d.rep == 0xF2) return Pfx::F2;
    return d.opsize_prefix ? Pfx::P66 : Pfx::None;
}

// MXCSR bits.
enum : std::uint32_t {
    kIE = 1u << 0, kDE = 1u << 1, kZE = 1u << 2, kOE = 1u << 3, kUE = 1u << 4, kPE = 1u << 5,
    kFlags = 0x3F, kDAZ = 1u << 6, kMaskShift = 7, kMasks = 0x3Fu << 7, kRC = 3u << 13,
    kFZ = 1u << 15, kMxcsrValid = 0xFFFF,
};

// #UD when CR0.EM is set or CR4.OSFXSR clear, #NM when CR0.TS is set (SDM vol. 3 13.1).
inline void check_enabled(Cpu& c) {
    if ((c.cr0 & (kCr0EM | kCr0TS)) || !(c.cr4 & kCr4OSFXSR)) [[unlikely]] {
        if ((c.cr0 & kCr0EM) || !(c.cr4 & kCr4OSFXSR)) c.raise(vec::UD);
        c.raise(vec::NM);
    }
}

// XMM registers as host vectors.
inline __m128i xmm(const Cpu& c, unsigned n) {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(c.fpu.xmm[n & 15]));
}
inline void set_xmm(Cpu& c, unsigned n, __m128i v) {
    _mm_store_si128(reinterpret_cast<__m128i*>(c.fpu.xmm[n & 15]), v);
}
inline std::uint64_t xmm_q(const Cpu& c, unsigned n, unsigned i) {
    std::uint64_t v;
    std::memcpy(&v, c.fpu.xmm[n & 15] + 8 * i, 8);
    return v;
}
inline void set_xmm_q(Cpu& c, unsigned n, unsigned i, std::uint64_t v) {
    std::memcpy(c.fpu.xmm[n & 15] + 8 * i, &v, 8);
}
inline std::uint32_t xmm_d(const Cpu& c, unsigned n, unsigned i) {
    std::uint32_t v;
    std::memcpy(&v, c.fpu.xmm[n & 15] + 4 * i, 4);
    return v;
}
inline void set_xmm_d(Cpu& c, unsigned n, unsigned i, std::uint32_t v) {
    std::memcpy(c.fpu.xmm[n & 15] + 4 * i, &v, 4);
}

// Memory operands (the instruction's ModRM memory operand). aligned: the 16-byte aligned
// forms raise #GP(0) for a misaligned linear address.
__m128i read_m128(Cpu& c, const Insn& d, bool aligned);
void write_m128(Cpu& c, const Insn& d, __m128i v, bool aligned);
std::uint64_t read_m64(Cpu& c, const Insn& d);
void write_m64(Cpu& c, const Insn& d, std::uint64_t v);
std::uint32_t read_m32(Cpu& c, const Insn& d);
void write_m32(Cpu& c, const Insn& d, std::uint32_t v);

// The 128-bit source operand: XMM rm or memory.
inline __m128i source(Cpu& c, const Insn& d, bool aligned = true) {
    return d.memory() ? read_m128(c, d, aligned) : xmm(c, d.rm);
}

// Merge the exception flags a host operation raised (host MXCSR bits 0-5) into the guest's
// MXCSR. If one of them is unmasked, raise #XM (#UD without CR4.OSXMMEXCPT): the caller has
// not written its destination yet. Pre-computation exceptions (IE, DE, ZE) that are unmasked
// suppress the post-computation ones (OE, UE, PE), as on hardware (SDM vol. 1 11.5.2).
void raise_flags(Cpu& c, std::uint32_t host_flags);
inline void merge_flags(Cpu& c, std::uint32_t host_flags) {
    host_flags &= kFlags;
    if (host_flags & ~(c.fpu.mxcsr >> kMaskShift)) [[unlikely]]
        raise_flags(c, host_flags);
    c.fpu.mxcsr |= host_flags;
}

// Operand size of the general-register forms (MOVD/MOVQ, CVTSI2SS, CVTSS2SI, ...): 8 with
// REX.W in 64-bit mode, else 4 (a 66 prefix is mandatory there and does not make it 16).
inline unsigned gpr_size(const Insn& d) { return d.osize() == 8 ? 8u : 4u; }

}  // namespace sse
}  // namespace emu::x86
