// MMX (SDM vol. 1 chapter 9) and the SSE/SSE2 instructions on MMX registers: the no-prefix
// forms of the packed integer opcodes, MOVD/MOVQ, EMMS, PSHUFW, PINSRW/PEXTRW, PMOVMSKB,
// MOVNTQ, MASKMOVQ, MOVQ2DQ/MOVDQ2Q and CVTPI2PS/PD, CVT(T)PS2PI, CVT(T)PD2PI.
//
// MM0-7 alias the mantissas of the x87 physical registers R0-R7. Every MMX instruction but EMMS
// sets TOP to 0 and tags all registers valid; a write also sets the register's sign and
// exponent to all ones. The integer operations reuse the SSE2 ones on 128-bit vectors holding
// the 64-bit operands in their low halves: lane-wise operations then give the right low
// quadword, and the packs and high unpacks rearrange their inputs first.
#include "fpu_internal.h"
#include "sse_host.h"

namespace emu::x86 {

using namespace sse;

namespace {

// #UD with CR0.EM, #NM with CR0.TS, #MF for a pending unmasked x87 exception (SDM vol. 3
// 12.5); then the MMX state transition (TOP = 0, all tags valid).
void enter_mmx(Cpu& c) {
    if (c.cr0 & kCr0EM) c.raise(vec::UD);
    if (c.cr0 & kCr0TS) c.raise(vec::NM);
    x87::check_pending(c);
}
void mmx_transition(Cpu& c) {
    c.fpu.status &= static_cast<std::uint16_t>(~x87::kTopMask);
    x87::retag(c.fpu, 0xFF);  // non-empty; the tags then follow the contents, as FSTENV shows
}

std::uint64_t mm(const Cpu& c, unsigned n) { return x87::fields(c.fpu.st[n & 7]).mantissa; }
void set_mm(Cpu& c, unsigned n, std::uint64_t v) {
    c.fpu.st[n & 7] = x87::make_extended(v, 0xFFFF);
}

// The 64-bit source: MM rm or memory (no alignment requirement).
std::uint64_t mm_source(Cpu& c, const Insn& d) { return d.memory() ? read_m64(c, d) : mm(c, d.rm); }

__m128i v128(std::uint64_t v) { return _mm_cvtsi64_si128(static_cast<long long>(v)); }
std::uint64_t low(__m128i v) { return static_cast<std::uint64_t>(_mm_cvtsi128_si64(v)); }

// dst = op(dst, src) on 64-bit operands, by opcode; null: no MMX form.
std::uint64_t binary(unsigned op, std::uint64_t a, std::uint64_t b, bool& ok) {
    const __m128i x = v128(a), y = v128(b);
    ok = true;
    switch (op) {
    // Unpacks of the high halves: the upper doublewords moved down first.
    case 0x68: return low(_mm_unpacklo_epi8(_mm_srli_epi64(x, 32), _mm_srli_epi64(y, 32)));
    case 0x69: return low(_mm_unpacklo_epi16(_mm_srli_epi64(x, 32), _mm_srli_epi64(y, 32)));
    case 0x6A: return low(_mm_unpacklo_epi32(_mm_srli_epi64(x, 32), _mm_srli_epi64(y, 32)));
    // Packs: the destination's elements then the source's, saturated into one quadword.
    case 0x63: { const __m128i v = _mm_unpacklo_epi64(x, y); return low(_mm_packs_epi16(v, v)); }
    case 0x67: { const __m128i v = _mm_unpacklo_epi64(x, y); return low(_mm_packus_epi16(v, v)); }
    case 0x6B: { const __m128i v = _mm_unpacklo_epi64(x, y); return low(_mm_packs_epi32(v, v)); }
    default: break;
    }
    __m128i r;
    switch (op) {
    case 0x60: r = _mm_unpacklo_epi8(x, y); break;
    case 0x61: r = _mm_unpacklo_epi16(x, y); break;
    case 0x62: r = _mm_unpacklo_epi32(x, y); break;
    case 0x64: r = _mm_cmpgt_epi8(x, y); break;
    case 0x65: r = _mm_cmpgt_epi16(x, y); break;
    case 0x66: r = _mm_cmpgt_epi32(x, y); break;
    case 0x74: r = _mm_cmpeq_epi8(x, y); break;
    case 0x75: r = _mm_cmpeq_epi16(x, y); break;
    case 0x76: r = _mm_cmpeq_epi32(x, y); break;
    case 0xD1: r = _mm_srl_epi16(x, y); break;
    case 0xD2: r = _mm_srl_epi32(x, y); break;
    case 0xD3: r = _mm_srl_epi64(x, y); break;
    case 0xD4: r = _mm_add_epi64(x, y); break;
    case 0xD5: r = _mm_mullo_epi16(x, y); break;
    case 0xD8: r = _mm_subs_epu8(x, y); break;
    case 0xD9: r = _mm_subs_epu16(x, y); break;
    case 0xDA: r = _mm_min_epu8(x, y); break;
    case 0xDB: r = _mm_and_si128(x, y); break;
    case 0xDC: r = _mm_adds_epu8(x, y); break;
    case 0xDD: r = _mm_adds_epu16(x, y); break;
    case 0xDE: r = _mm_max_epu8(x, y); break;
    case 0xDF: r = _mm_andnot_si128(x, y); break;
    case 0xE0: r = _mm_avg_epu8(x, y); break;
    case 0xE1: r = _mm_sra_epi16(x, y); break;
    case 0xE2: r = _mm_sra_epi32(x, y); break;
    case 0xE3: r = _mm_avg_epu16(x, y); break;
    case 0xE4: r = _mm_mulhi_epu16(x, y); break;
    case 0xE5: r = _mm_mulhi_epi16(x, y); break;
    case 0xE8: r = _mm_subs_epi8(x, y); break;
    case 0xE9: r = _mm_subs_epi16(x, y); break;
    case 0xEA: r = _mm_min_epi16(x, y); break;
    case 0xEB: r = _mm_or_si128(x, y); break;
    case 0xEC: r = _mm_adds_epi8(x, y); break;
    case 0xED: r = _mm_adds_epi16(x, y); break;
    case 0xEE: r = _mm_max_epi16(x, y); break;
    case 0xEF: r = _mm_xor_si128(x, y); break;
    case 0xF1: r = _mm_sll_epi16(x, y); break;
    case 0xF2: r = _mm_sll_epi32(x, y); break;
    case 0xF3: r = _mm_sll_epi64(x, y); break;
    case 0xF4: r = _mm_mul_epu32(x, y); break;
    case 0xF5: r = _mm_madd_epi16(x, y); break;
    case 0xF6: r = _mm_sad_epu8(x, y); break;
    case 0xF8: r = _mm_sub_epi8(x, y); break;
    case 0xF9: r = _mm_sub_epi16(x, y); break;
    case 0xFA: r = _mm_sub_epi32(x, y); break;
    case 0xFB: r = _mm_sub_epi64(x, y); break;
    case 0xFC: r = _mm_add_epi8(x, y); break;
    case 0xFD: r = _mm_add_epi16(x, y); break;
    case 0xFE: r = _mm_add_epi32(x, y); break;
    default: ok = false; return 0;
    }
    return low(r);
}

// 0F 71-73 /reg ib on an MM register (no byte shifts).
std::uint64_t shift_imm(Cpu& c, const Insn& d, std::uint64_t v) {
    const __m128i x = v128(v), n = _mm_cvtsi32_si128(static_cast<int>(d.imm & 0xFF));
    switch ((d.opcode & 0xFF) * 8 + d.reg) {
    case 0x71 * 8 + 2: return low(_mm_srl_epi16(x, n));
    case 0x71 * 8 + 4: return low(_mm_sra_epi16(x, n));
    case 0x71 * 8 + 6: return low(_mm_sll_epi16(x, n));
    case 0x72 * 8 + 2: return low(_mm_srl_epi32(x, n));
    case 0x72 * 8 + 4: return low(_mm_sra_epi32(x, n));
    case 0x72 * 8 + 6: return low(_mm_sll_epi32(x, n));
    case 0x73 * 8 + 2: return low(_mm_srl_epi64(x, n));
    case 0x73 * 8 + 6: return low(_mm_sll_epi64(x, n));
    default: c.raise(vec::UD);
    }
}

// PSHUFW mm, mm/m64, imm8.
std::uint64_t shuffle_words(std::uint64_t v, unsigned imm) {
    std::uint64_t r = 0;
    for (unsigned i = 0; i < 4; ++i) r |= ((v >> (16 * ((imm >> (2 * i)) & 3))) & 0xFFFF) << (16 * i);
    return r;
}

}  // namespace

void mmx_execute(Cpu& c, const Insn& d) {
    const unsigned op = d.opcode & 0xFF;
    if (op == 0x77) {  // EMMS: every register empty
        enter_mmx(c);
        c.fpu.tag = 0xFFFF;
        return;
    }
    const bool memory = d.memory();
    switch (op) {
    case 0x6E: {  // MOVD/MOVQ mm, r/m32 (r/m64)
        enter_mmx(c);
        const unsigned size = gpr_size(d);
        std::uint64_t v;
        if (memory)
            v = size == 8 ? read_m64(c, d) : read_m32(c, d);
        else
            v = size == 8 ? c.gpr[d.rm] : static_cast<std::uint32_t>(c.gpr[d.rm]);
        mmx_transition(c);
        set_mm(c, d.reg, v);
        return;
    }
    case 0x7E: {  // MOVD/MOVQ r/m32 (r/m64), mm
        enter_mmx(c);
        const unsigned size = gpr_size(d);
        const std::uint64_t v = size == 8 ? mm(c, d.reg) : static_cast<std::uint32_t>(mm(c, d.reg));
        if (memory) {
            if (size == 8)
                write_m64(c, d, v);
            else
                write_m32(c, d, static_cast<std::uint32_t>(v));
        } else {
            c.gpr[d.rm] = v;
        }
        mmx_transition(c);
        return;
    }
    case 0x6F: {  // MOVQ mm, mm/m64
        enter_mmx(c);
        const std::uint64_t v = mm_source(c, d);
        mmx_transition(c);
        set_mm(c, d.reg, v);
        return;
    }
    case 0x7F:  // MOVQ mm/m64, mm
    case 0xE7:  // MOVNTQ m64, mm
        if (op == 0xE7 && !memory) c.raise(vec::UD);
        enter_mmx(c);
        if (memory) write_m64(c, d, mm(c, d.reg));
        mmx_transition(c);
        if (!memory) set_mm(c, d.rm, mm(c, d.reg));
        return;
    case 0x70: {  // PSHUFW
        enter_mmx(c);
        const std::uint64_t v = mm_source(c, d);
        mmx_transition(c);
        set_mm(c, d.reg, shuffle_words(v, d.imm & 0xFF));
        return;
    }
    case 0x71: case 0x72: case 0x73:
        if (memory) c.raise(vec::UD);
        enter_mmx(c);
        {
            const std::uint64_t r = shift_imm(c, d, mm(c, d.rm));
            mmx_transition(c);
            set_mm(c, d.rm, r);
        }
        return;
    case 0xC4: {  // PINSRW mm, r32/m16, imm8
        enter_mmx(c);
        const std::uint64_t w = (memory ? mem_read(c, mseg(d), ea(c, d), 2) : c.gpr[d.rm]) & 0xFFFF;
        const unsigned shift = 16 * (d.imm & 3);
        const std::uint64_t r = (mm(c, d.reg) & ~(0xFFFFull << shift)) | (w << shift);
        mmx_transition(c);
        set_mm(c, d.reg, r);
        return;
    }
    case 0xC5:  // PEXTRW r32, mm, imm8
        if (memory) c.raise(vec::UD);
        enter_mmx(c);
        c.gpr[d.reg] = (mm(c, d.rm) >> (16 * (d.imm & 3))) & 0xFFFF;
        mmx_transition(c);
        return;
    case 0xD7:  // PMOVMSKB r32, mm
        if (memory) c.raise(vec::UD);
        enter_mmx(c);
        c.gpr[d.reg] = static_cast<std::uint32_t>(_mm_movemask_epi8(v128(mm(c, d.rm))) & 0xFF);
        mmx_transition(c);
        return;
    case 0xF7: {  // MASKMOVQ mm1, mm2: bytes of mm1 selected by mm2's sign bits to DS:[E/RDI]
        if (memory) c.raise(vec::UD);
        enter_mmx(c);
        const std::uint64_t data = mm(c, d.reg), mask = mm(c, d.rm);
        const std::uint64_t base = add_offset(d, c.gpr[kEdi], 0);
        for (unsigned i = 0; i < 8; ++i)
            if ((mask >> (8 * i + 7)) & 1) c.write(mseg(d), add_offset(d, base, i), 1, (data >> (8 * i)) & 0xFF);
        mmx_transition(c);
        return;
    }
    default: break;
    }
    enter_mmx(c);
    bool ok;
    // PUNPCKLBW/WD/DQ mm, m32 read only the doubleword they use.
    const std::uint64_t b = (op >= 0x60 && op <= 0x62 && d.memory()) ? read_m32(c, d) : mm_source(c, d);
    const std::uint64_t r = binary(op, mm(c, d.reg), b, ok);
    if (!ok) c.raise(vec::UD);
    mmx_transition(c);
    set_mm(c, d.reg, r);
}

// The SSE/SSE2 instructions that move between MMX and XMM registers (they need SSE enabled and
// make the MMX transition): MOVQ2DQ (F3 0F D6), MOVDQ2Q (F2 0F D6), CVTPI2PS (0F 2A),
// CVTPI2PD (66 0F 2A), CVTTPS2PI/CVTPS2PI (0F 2C/2D), CVTTPD2PI/CVTPD2PI (66 0F 2C/2D).
void mmx_sse_execute(Cpu& c, const Insn& d) {
    check_enabled(c);
    enter_mmx(c);
    const unsigned op = d.opcode & 0xFF;
    const Pfx p = prefix(d);
    if (op == 0xD6) {
        if (d.memory()) c.raise(vec::UD);
        mmx_transition(c);
        if (p == Pfx::F3)
            set_xmm(c, d.reg, v128(mm(c, d.rm)));
        else
            set_mm(c, d.reg, xmm_q(c, d.rm, 0));
        return;
    }
    if (op == 0x2A) {  // source mm/m64: two doublewords
        const std::uint64_t v = mm_source(c, d);
        __m128i r;
        if (p == Pfx::P66) {
            r = host_op(c, [](__m128i, __m128i b) { return vi(_mm_cvtepi32_pd(b)); }, v128(v), v128(v));
        } else {
            // The upper elements of the source vector are 0 (exact): only the low two convert.
            const __m128i f = host_op(c, [](__m128i, __m128i b) { return vi(_mm_cvtepi32_ps(b)); }, v128(v), v128(v));
            r = _mm_unpacklo_epi64(f, _mm_unpackhi_epi64(xmm(c, d.reg), xmm(c, d.reg)));
        }
        mmx_transition(c);
        set_xmm(c, d.reg, r);
        return;
    }
    // CVT(T)PS2PI mm, xmm/m64; CVT(T)PD2PI mm, xmm/m128 (aligned).
    const bool truncate = op == 0x2C;
    __m128i r;
    if (p == Pfx::P66) {
        const __m128i s = source(c, d);
        r = truncate ? host_op(c, [](__m128i, __m128i b) { return _mm_cvttpd_epi32(pd(b)); }, s, s)
                     : host_op(c, [](__m128i, __m128i b) { return _mm_cvtpd_epi32(pd(b)); }, s, s);
    } else {
        const __m128i s = d.memory() ? v128(read_m64(c, d)) : _mm_move_epi64(xmm(c, d.rm));  // upper elements 0
        r = truncate ? host_op(c, [](__m128i, __m128i b) { return _mm_cvttps_epi32(ps(b)); }, s, s)
                     : host_op(c, [](__m128i, __m128i b) { return _mm_cvtps_epi32(ps(b)); }, s, s);
    }
    mmx_transition(c);
    set_mm(c, d.reg, low(r));
}

}  // namespace emu::x86
