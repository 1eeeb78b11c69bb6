// SSE state: XMM memory operands, SIMD floating-point exception delivery, and the 0F AE group's
// MXCSR, fence and cache-line instructions.
#include "sse.h"

namespace emu::x86 {
namespace sse {

namespace {

// The low bits of the operand's linear address (64-bit mode ignores the ES/CS/SS/DS bases).
unsigned misalignment(const Cpu& c, Seg s, std::uint64_t offset) {
    const std::uint64_t base = (c.code64() && s < FS) ? 0 : c.seg[s].base;
    return static_cast<unsigned>((base + offset) & 15);
}

// #GP(0) for a 16-byte aligned form whose linear address is not a multiple of 16.
void check_aligned(Cpu& c, Seg s, std::uint64_t offset) {
    if (misalignment(c, s, offset)) c.raise(vec::GP, 0);
}

// The host bytes of a 16-byte operand inside one page (the fast path of the common case), or
// null. An unaligned operand (MOVUPS/MOVDQU: glibc's string functions) is checked as the two
// aligned 16-byte blocks it touches, which must be contiguous host memory.
std::uint8_t* host16(Cpu& c, Seg s, std::uint64_t offset, bool write) {
    const unsigned mis = misalignment(c, s, offset);
    if (mis == 0) return const_cast<std::uint8_t*>(fast_host(c, s, offset, 16, write));
    if (offset < mis) return nullptr;
    const std::uint8_t* lo = fast_host(c, s, offset - mis, 16, write);
    if (!lo) return nullptr;
    const std::uint8_t* hi = fast_host(c, s, offset - mis + 16, 16, write);
    if (hi != lo + 16) return nullptr;
    return const_cast<std::uint8_t*>(lo) + mis;
}

}  // namespace

__m128i read_m128(Cpu& c, const Insn& d, bool aligned) {
    const Seg s = mseg(d);
    const auto off = ea(c, d);
    if (aligned) check_aligned(c, s, off);
    // A 16-byte aligned access lies in one page: one TLB lookup for the whole operand.
    if (const std::uint8_t* p = host16(c, s, off, false)) [[likely]]
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    alignas(16) std::uint8_t buf[16];
    c.read_bytes(s, off, buf, 16);
    return _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
}

void write_m128(Cpu& c, const Insn& d, __m128i v, bool aligned) {
    const Seg s = mseg(d);
    const auto off = ea(c, d);
    if (aligned) check_aligned(c, s, off);
    if (std::uint8_t* p = host16(c, s, off, true)) [[likely]] {
        c.note_store(p);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
        return;
    }
    alignas(16) std::uint8_t buf[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(buf), v);
    c.write_bytes(s, off, buf, 16);
}

std::uint64_t read_m64(Cpu& c, const Insn& d) {
    const Seg s = mseg(d);
    const auto off = ea(c, d);
    if (const std::uint8_t* p = fast_host(c, s, off, 8, false)) [[likely]] {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
    }
    return c.read(s, off, 8);
}

void write_m64(Cpu& c, const Insn& d, std::uint64_t v) {
    const Seg s = mseg(d);
    const auto off = ea(c, d);
    if (std::uint8_t* p = const_cast<std::uint8_t*>(fast_host(c, s, off, 8, true))) [[likely]] {
        c.note_store(p);
        std::memcpy(p, &v, 8);
        return;
    }
    c.write(s, off, 8, v);
}

std::uint32_t read_m32(Cpu& c, const Insn& d) { return static_cast<std::uint32_t>(mem_read(c, mseg(d), ea(c, d), 4)); }
void write_m32(Cpu& c, const Insn& d, std::uint32_t v) { mem_write(c, mseg(d), ea(c, d), 4, v); }

void raise_flags(Cpu& c, std::uint32_t host_flags) {
    const std::uint32_t unmasked = host_flags & ~(c.fpu.mxcsr >> kMaskShift);
    if (unmasked & (kIE | kDE | kZE)) host_flags &= kIE | kDE | kZE;
    c.fpu.mxcsr |= host_flags;
    c.raise((c.cr4 & kCr4OSXMMEXCPT) ? vec::XM : vec::UD);
}

}  // namespace sse

using namespace sse;

void sse_grp15(Cpu& c, const Insn& d) {
    if (d.mod == 3) {
        // LFENCE, MFENCE, SFENCE (0F AE E8/F0/F8 and the other rm values): one CPU executes in
        // order and its stores reach memory at once, so a fence has nothing to wait for.
        if (d.reg < 5 || prefix(d) != Pfx::None) c.raise(vec::UD);
        return;
    }
    switch (d.reg) {
    case 2: {  // LDMXCSR m32
        check_enabled(c);
        const std::uint32_t v = read_m32(c, d);
        if (v & ~kMxcsrValid) c.raise(vec::GP, 0);
        c.fpu.mxcsr = v;
        return;
    }
    case 3:  // STMXCSR m32
        check_enabled(c);
        write_m32(c, d, c.fpu.mxcsr);
        return;
    case 7:  // CLFLUSH m8: no caches are modelled, but the access is checked like a read
        if (prefix(d) != Pfx::None) c.raise(vec::UD);
        c.translate(c.check_segment(mseg(d), ea(c, d), 1, Access::Read), Access::Read, c.cpl == 3);
        return;
    default:  // XSAVE, XRSTOR, XSAVEOPT: no XSAVE
        c.raise(vec::UD);
    }
}

}  // namespace emu::x86
