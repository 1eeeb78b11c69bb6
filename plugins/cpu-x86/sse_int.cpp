// SSE2 packed integer instructions (66 0F 60-7F, D1-FE) and the bitwise ANDPS/ANDNPS/ORPS/XORPS
// (+PD) (0F 54-57): arithmetic, saturation, compares, min/max, averages, multiplies, sum of
// absolute differences, shifts, byte shifts, shuffles, packs and unpacks. Each maps onto the
// host's SSE2 operation of the same definition. The no-prefix forms are MMX (sse_mmx.cpp).
#include "sse.h"

namespace emu::x86 {

using namespace sse;

namespace {

using BinOp = __m128i (*)(__m128i, __m128i);

// dst = op(dst, src) for the 66 0F xx forms with an xmm/m128 source. (A plain array: the
// vector type's attributes do not survive as a template argument.)
struct OpTable {
    BinOp op[256];
};

constexpr OpTable build_ops() {
    OpTable table{};
    BinOp* t = table.op;
    t[0x60] = [](__m128i a, __m128i b) { return _mm_unpacklo_epi8(a, b); };
    t[0x61] = [](__m128i a, __m128i b) { return _mm_unpacklo_epi16(a, b); };
    t[0x62] = [](__m128i a, __m128i b) { return _mm_unpacklo_epi32(a, b); };
    t[0x63] = [](__m128i a, __m128i b) { return _mm_packs_epi16(a, b); };
    t[0x64] = [](__m128i a, __m128i b) { return _mm_cmpgt_epi8(a, b); };
    t[0x65] = [](__m128i a, __m128i b) { return _mm_cmpgt_epi16(a, b); };
    t[0x66] = [](__m128i a, __m128i b) { return _mm_cmpgt_epi32(a, b); };
    t[0x67] = [](__m128i a, __m128i b) { return _mm_packus_epi16(a, b); };
    t[0x68] = [](__m128i a, __m128i b) { return _mm_unpackhi_epi8(a, b); };
    t[0x69] = [](__m128i a, __m128i b) { return _mm_unpackhi_epi16(a, b); };
    t[0x6A] = [](__m128i a, __m128i b) { return _mm_unpackhi_epi32(a, b); };
    t[0x6B] = [](__m128i a, __m128i b) { return _mm_packs_epi32(a, b); };
    t[0x6C] = [](__m128i a, __m128i b) { return _mm_unpacklo_epi64(a, b); };
    t[0x6D] = [](__m128i a, __m128i b) { return _mm_unpackhi_epi64(a, b); };
    t[0x74] = [](__m128i a, __m128i b) { return _mm_cmpeq_epi8(a, b); };
    t[0x75] = [](__m128i a, __m128i b) { return _mm_cmpeq_epi16(a, b); };
    t[0x76] = [](__m128i a, __m128i b) { return _mm_cmpeq_epi32(a, b); };
    // Shifts by the count in the source's low quadword (counts past the width give 0, or the
    // sign for arithmetic shifts: the host instruction's own rule).
    t[0xD1] = [](__m128i a, __m128i b) { return _mm_srl_epi16(a, b); };
    t[0xD2] = [](__m128i a, __m128i b) { return _mm_srl_epi32(a, b); };
    t[0xD3] = [](__m128i a, __m128i b) { return _mm_srl_epi64(a, b); };
    t[0xD4] = [](__m128i a, __m128i b) { return _mm_add_epi64(a, b); };
    t[0xD5] = [](__m128i a, __m128i b) { return _mm_mullo_epi16(a, b); };
    t[0xD8] = [](__m128i a, __m128i b) { return _mm_subs_epu8(a, b); };
    t[0xD9] = [](__m128i a, __m128i b) { return _mm_subs_epu16(a, b); };
    t[0xDA] = [](__m128i a, __m128i b) { return _mm_min_epu8(a, b); };
    t[0xDB] = [](__m128i a, __m128i b) { return _mm_and_si128(a, b); };
    t[0xDC] = [](__m128i a, __m128i b) { return _mm_adds_epu8(a, b); };
    t[0xDD] = [](__m128i a, __m128i b) { return _mm_adds_epu16(a, b); };
    t[0xDE] = [](__m128i a, __m128i b) { return _mm_max_epu8(a, b); };
    t[0xDF] = [](__m128i a, __m128i b) { return _mm_andnot_si128(a, b); };
    t[0xE0] = [](__m128i a, __m128i b) { return _mm_avg_epu8(a, b); };
    t[0xE1] = [](__m128i a, __m128i b) { return _mm_sra_epi16(a, b); };
    t[0xE2] = [](__m128i a, __m128i b) { return _mm_sra_epi32(a, b); };
    t[0xE3] = [](__m128i a, __m128i b) { return _mm_avg_epu16(a, b); };
    t[0xE4] = [](__m128i a, __m128i b) { return _mm_mulhi_epu16(a, b); };
    t[0xE5] = [](__m128i a, __m128i b) { return _mm_mulhi_epi16(a, b); };
    t[0xE8] = [](__m128i a, __m128i b) { return _mm_subs_epi8(a, b); };
    t[0xE9] = [](__m128i a, __m128i b) { return _mm_subs_epi16(a, b); };
    t[0xEA] = [](__m128i a, __m128i b) { return _mm_min_epi16(a, b); };
    t[0xEB] = [](__m128i a, __m128i b) { return _mm_or_si128(a, b); };
    t[0xEC] = [](__m128i a, __m128i b) { return _mm_adds_epi8(a, b); };
    t[0xED] = [](__m128i a, __m128i b) { return _mm_adds_epi16(a, b); };
    t[0xEE] = [](__m128i a, __m128i b) { return _mm_max_epi16(a, b); };
    t[0xEF] = [](__m128i a, __m128i b) { return _mm_xor_si128(a, b); };
    t[0xF1] = [](__m128i a, __m128i b) { return _mm_sll_epi16(a, b); };
    t[0xF2] = [](__m128i a, __m128i b) { return _mm_sll_epi32(a, b); };
    t[0xF3] = [](__m128i a, __m128i b) { return _mm_sll_epi64(a, b); };
    t[0xF4] = [](__m128i a, __m128i b) { return _mm_mul_epu32(a, b); };
    t[0xF5] = [](__m128i a, __m128i b) { return _mm_madd_epi16(a, b); };
    t[0xF6] = [](__m128i a, __m128i b) { return _mm_sad_epu8(a, b); };
    t[0xF8] = [](__m128i a, __m128i b) { return _mm_sub_epi8(a, b); };
    t[0xF9] = [](__m128i a, __m128i b) { return _mm_sub_epi16(a, b); };
    t[0xFA] = [](__m128i a, __m128i b) { return _mm_sub_epi32(a, b); };
    t[0xFB] = [](__m128i a, __m128i b) { return _mm_sub_epi64(a, b); };
    t[0xFC] = [](__m128i a, __m128i b) { return _mm_add_epi8(a, b); };
    t[0xFD] = [](__m128i a, __m128i b) { return _mm_add_epi16(a, b); };
    t[0xFE] = [](__m128i a, __m128i b) { return _mm_add_epi32(a, b); };
    // ANDPS/ANDPD, ANDNPS/ANDNPD, ORPS/ORPD, XORPS/XORPD: bitwise, no floating-point exceptions.
    t[0x54] = t[0xDB];
    t[0x55] = t[0xDF];
    t[0x56] = t[0xEB];
    t[0x57] = t[0xEF];
    return table;
}

constexpr OpTable kOps = build_ops();

// PSHUFD (66), PSHUFHW (F3), PSHUFLW (F2) xmm, xmm/m128, imm8.
__m128i shuffle(__m128i src, Pfx p, unsigned imm) {
    alignas(16) std::uint32_t s32[4], r32[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(s32), src);
    if (p == Pfx::P66) {
        for (unsigned i = 0; i < 4; ++i) r32[i] = s32[(imm >> (2 * i)) & 3];
        return _mm_load_si128(reinterpret_cast<const __m128i*>(r32));
    }
    alignas(16) std::uint16_t w[8], r[8];
    _mm_store_si128(reinterpret_cast<__m128i*>(w), src);
    const unsigned base = p == Pfx::F3 ? 4 : 0;  // the half that is shuffled; the other is copied
    for (unsigned i = 0; i < 8; ++i) r[i] = w[i];
    for (unsigned i = 0; i < 4; ++i) r[base + i] = w[base + ((imm >> (2 * i)) & 3)];
    return _mm_load_si128(reinterpret_cast<const __m128i*>(r));
}

// PSRLDQ / PSLLDQ xmm, imm8: byte shifts (counts above 15 clear the register).
__m128i byte_shift(__m128i v, unsigned count, bool left) {
    alignas(16) std::uint8_t b[16], r[16] = {};
    _mm_store_si128(reinterpret_cast<__m128i*>(b), v);
    if (count < 16) {
        for (unsigned i = 0; i < 16 - count; ++i) {
            if (left)
                r[i + count] = b[i];
            else
                r[i] = b[i + count];
        }
    }
    return _mm_load_si128(reinterpret_cast<const __m128i*>(r));
}

// 66 0F 71/72/73 /reg ib: shifts of the XMM register rm by an immediate count.
void shift_imm(Cpu& c, const Insn& d) {
    if (d.memory()) c.raise(vec::UD);
    const __m128i v = xmm(c, d.rm);
    const __m128i n = _mm_cvtsi32_si128(static_cast<int>(d.imm & 0xFF));
    const unsigned group = d.opcode & 0xFF;
    __m128i r;
    switch (group * 8 + d.reg) {
    case 0x71 * 8 + 2: r = _mm_srl_epi16(v, n); break;
    case 0x71 * 8 + 4: r = _mm_sra_epi16(v, n); break;
    case 0x71 * 8 + 6: r = _mm_sll_epi16(v, n); break;
    case 0x72 * 8 + 2: r = _mm_srl_epi32(v, n); break;
    case 0x72 * 8 + 4: r = _mm_sra_epi32(v, n); break;
    case 0x72 * 8 + 6: r = _mm_sll_epi32(v, n); break;
    case 0x73 * 8 + 2: r = _mm_srl_epi64(v, n); break;
    case 0x73 * 8 + 3: r = byte_shift(v, d.imm & 0xFF, false); break;
    case 0x73 * 8 + 6: r = _mm_sll_epi64(v, n); break;
    case 0x73 * 8 + 7: r = byte_shift(v, d.imm & 0xFF, true); break;
    default: c.raise(vec::UD);
    }
    set_xmm(c, d.rm, r);
}

}  // namespace

void h_sse_int(Cpu& c, const Insn& d) {
    const unsigned op = d.opcode & 0xFF;
    const Pfx p = prefix(d);
    const bool logic = op >= 0x54 && op <= 0x57;  // ANDPS..XORPD: no prefix or 66
    if (!logic && p == Pfx::None) {
        mmx_execute(c, d);  // the MMX forms, EMMS, PSHUFW
        return;
    }
    if (logic ? (p != Pfx::None && p != Pfx::P66) : (p != Pfx::P66 && op != 0x70)) c.raise(vec::UD);
    check_enabled(c);
    if (op == 0x70) {
        const __m128i s = source(c, d);
        set_xmm(c, d.reg, shuffle(s, p, d.imm & 0xFF));
        return;
    }
    if (op >= 0x71 && op <= 0x73) {
        shift_imm(c, d);
        return;
    }
    const BinOp f = kOps.op[op];
    if (!f) c.raise(vec::UD);
    const __m128i s = source(c, d);
    set_xmm(c, d.reg, f(xmm(c, d.reg), s));
}

}  // namespace emu::x86
