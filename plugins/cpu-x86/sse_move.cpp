// SSE/SSE2 data movement (SDM vol. 2): full-register moves (MOVAPS/MOVUPS/MOVAPD/MOVUPD,
// MOVDQA/MOVDQU, the non-temporal stores), the 32/64-bit moves (MOVD/MOVQ, MOVSS/MOVSD), the
// half-register moves (MOVLPS/MOVHPS/MOVLPD/MOVHPD/MOVLHPS/MOVHLPS), MASKMOVDQU, the sign-mask
// extractions (MOVMSKPS/PD, PMOVMSKB), PINSRW/PEXTRW and MOVNTI.
#include "sse.h"

namespace emu::x86 {

using namespace sse;

namespace {

// Full 128-bit load into XMM reg / store from XMM reg to rm.
void load128(Cpu& c, const Insn& d, bool aligned) { set_xmm(c, d.reg, source(c, d, aligned)); }
void store128(Cpu& c, const Insn& d, bool aligned) {
    if (d.memory())
        write_m128(c, d, xmm(c, d.reg), aligned);
    else
        set_xmm(c, d.rm, xmm(c, d.reg));
}

// A general register or memory operand of 4 or 8 bytes (MOVD/MOVQ, PINSRW).
std::uint64_t read_gpr_rm(Cpu& c, const Insn& d, unsigned size) {
    if (d.memory()) return size == 8 ? read_m64(c, d) : read_m32(c, d);
    return size == 8 ? c.gpr[d.rm] : static_cast<std::uint32_t>(c.gpr[d.rm]);
}
void write_gpr_rm(Cpu& c, const Insn& d, unsigned size, std::uint64_t v) {
    if (d.memory()) {
        if (size == 8)
            write_m64(c, d, v);
        else
            write_m32(c, d, static_cast<std::uint32_t>(v));
    } else {
        c.gpr[d.rm] = size == 8 ? v : static_cast<std::uint32_t>(v);  // 32-bit writes zero-extend
    }
}

void require_memory(Cpu& c, const Insn& d) {
    if (!d.memory()) c.raise(vec::UD);
}
void require_register(Cpu& c, const Insn& d) {
    if (d.memory()) c.raise(vec::UD);
}

// MASKMOVDQU xmm1, xmm2: the bytes of xmm1 whose mask byte in xmm2 has bit 7 set go to
// DS:[E/RDI] (segment override allowed). Byte by byte: the selected bytes are stored in order
// (a fault part-way leaves the earlier ones written, as memory may change before a fault).
void maskmovdqu(Cpu& c, const Insn& d) {
    require_register(c, d);
    alignas(16) std::uint8_t data[16], mask[16];
    std::memcpy(data, c.fpu.xmm[d.reg & 15], 16);
    std::memcpy(mask, c.fpu.xmm[d.rm & 15], 16);
    const std::uint64_t base = add_offset(d, c.gpr[kEdi], 0);  // DI, EDI or RDI
    for (unsigned i = 0; i < 16; ++i)
        if (mask[i] & 0x80) c.write(mseg(d), add_offset(d, base, i), 1, data[i]);
}

}  // namespace

void h_sse_move(Cpu& c, const Insn& d) {
    const unsigned op = d.opcode & 0xFF;
    const Pfx p = prefix(d);
    if (op == 0xC3) {  // MOVNTI m32/m64, r32/r64 (an integer store: no SSE enable checks)
        if (p != Pfx::None) c.raise(vec::UD);
        require_memory(c, d);
        const unsigned size = gpr_size(d);
        write_gpr_rm(c, d, size, size == 8 ? c.gpr[d.reg] : static_cast<std::uint32_t>(c.gpr[d.reg]));
        return;
    }
    if (p == Pfx::None && (op == 0x6E || op == 0x6F || op == 0x7E || op == 0x7F || op == 0xC4 || op == 0xC5 ||
                           op == 0xD7 || op == 0xE7 || op == 0xF7)) {
        mmx_execute(c, d);  // MOVD/MOVQ mm, PINSRW/PEXTRW/PMOVMSKB mm, MOVNTQ, MASKMOVQ
        return;
    }
    if (op == 0xD6 && (p == Pfx::F3 || p == Pfx::F2)) {
        mmx_sse_execute(c, d);  // MOVQ2DQ, MOVDQ2Q
        return;
    }
    check_enabled(c);
    switch (op) {
    case 0x10:  // MOVUPS, MOVUPD, MOVSS, MOVSD xmm, xmm/m
        if (p == Pfx::F3) {
            if (d.memory()) {
                set_xmm(c, d.reg, _mm_cvtsi32_si128(static_cast<int>(read_m32(c, d))));
            } else {
                set_xmm_d(c, d.reg, 0, xmm_d(c, d.rm, 0));
            }
        } else if (p == Pfx::F2) {
            if (d.memory()) {
                set_xmm(c, d.reg, _mm_cvtsi64_si128(static_cast<long long>(read_m64(c, d))));
            } else {
                set_xmm_q(c, d.reg, 0, xmm_q(c, d.rm, 0));
            }
        } else {
            load128(c, d, false);
        }
        return;
    case 0x11:  // the store forms
        if (p == Pfx::F3) {
            if (d.memory())
                write_m32(c, d, xmm_d(c, d.reg, 0));
            else
                set_xmm_d(c, d.rm, 0, xmm_d(c, d.reg, 0));
        } else if (p == Pfx::F2) {
            if (d.memory())
                write_m64(c, d, xmm_q(c, d.reg, 0));
            else
                set_xmm_q(c, d.rm, 0, xmm_q(c, d.reg, 0));
        } else {
            store128(c, d, false);
        }
        return;
    case 0x12:  // MOVLPS xmm, m64 / MOVHLPS xmm, xmm / MOVLPD xmm, m64
    case 0x16:  // MOVHPS xmm, m64 / MOVLHPS xmm, xmm / MOVHPD xmm, m64
    {
        if (p == Pfx::F3 || p == Pfx::F2) c.raise(vec::UD);  // SSE3 MOVSLDUP/MOVSHDUP/MOVDDUP
        if (p == Pfx::P66) require_memory(c, d);
        const unsigned half = op == 0x12 ? 0 : 1;
        const std::uint64_t v = d.memory() ? read_m64(c, d) : xmm_q(c, d.rm, half ^ 1);
        set_xmm_q(c, d.reg, half, v);
        return;
    }
    case 0x13:  // MOVLPS/MOVLPD m64, xmm
    case 0x17:  // MOVHPS/MOVHPD m64, xmm
        if (p == Pfx::F3 || p == Pfx::F2) c.raise(vec::UD);
        require_memory(c, d);
        write_m64(c, d, xmm_q(c, d.reg, op == 0x13 ? 0 : 1));
        return;
    case 0x28:  // MOVAPS/MOVAPD xmm, xmm/m128
        if (p == Pfx::F3 || p == Pfx::F2) c.raise(vec::UD);
        load128(c, d, true);
        return;
    case 0x29:  // MOVAPS/MOVAPD xmm/m128, xmm
        if (p == Pfx::F3 || p == Pfx::F2) c.raise(vec::UD);
        store128(c, d, true);
        return;
    case 0x2B:  // MOVNTPS/MOVNTPD m128, xmm
        if (p == Pfx::F3 || p == Pfx::F2) c.raise(vec::UD);
        require_memory(c, d);
        store128(c, d, true);
        return;
    case 0x50: {  // MOVMSKPS/MOVMSKPD r32, xmm
        if (p == Pfx::F3 || p == Pfx::F2) c.raise(vec::UD);
        require_register(c, d);
        const __m128i v = xmm(c, d.rm);
        const int mask = p == Pfx::P66 ? _mm_movemask_pd(_mm_castsi128_pd(v)) : _mm_movemask_ps(_mm_castsi128_ps(v));
        c.gpr[d.reg] = static_cast<std::uint32_t>(mask);
        return;
    }
    case 0x6E: {  // MOVD/MOVQ xmm, r/m32 (r/m64 with REX.W)
        if (p != Pfx::P66) c.raise(vec::UD);
        const std::uint64_t v = read_gpr_rm(c, d, gpr_size(d));
        set_xmm(c, d.reg, _mm_cvtsi64_si128(static_cast<long long>(v)));
        return;
    }
    case 0x6F:  // MOVDQA (66) / MOVDQU (F3) xmm, xmm/m128
        if (p != Pfx::P66 && p != Pfx::F3) c.raise(vec::UD);
        load128(c, d, p == Pfx::P66);
        return;
    case 0x7E:
        if (p == Pfx::P66) {  // MOVD/MOVQ r/m32 (r/m64), xmm
            const unsigned size = gpr_size(d);
            write_gpr_rm(c, d, size, size == 8 ? xmm_q(c, d.reg, 0) : xmm_d(c, d.reg, 0));
        } else if (p == Pfx::F3) {  // MOVQ xmm, xmm/m64 (zeroes the high half)
            const std::uint64_t v = d.memory() ? read_m64(c, d) : xmm_q(c, d.rm, 0);
            set_xmm(c, d.reg, _mm_cvtsi64_si128(static_cast<long long>(v)));
        } else {
            c.raise(vec::UD);
        }
        return;
    case 0x7F:  // MOVDQA (66) / MOVDQU (F3) xmm/m128, xmm
        if (p != Pfx::P66 && p != Pfx::F3) c.raise(vec::UD);
        store128(c, d, p == Pfx::P66);
        return;
    case 0xC4: {  // PINSRW xmm, r32/m16, imm8
        if (p != Pfx::P66) c.raise(vec::UD);
        const std::uint64_t v = d.memory() ? mem_read(c, mseg(d), ea(c, d), 2) : c.gpr[d.rm];
        const unsigned i = d.imm & 7;
        c.fpu.xmm[d.reg & 15][2 * i] = static_cast<std::uint8_t>(v);
        c.fpu.xmm[d.reg & 15][2 * i + 1] = static_cast<std::uint8_t>(v >> 8);
        return;
    }
    case 0xC5: {  // PEXTRW r32, xmm, imm8
        if (p != Pfx::P66) c.raise(vec::UD);
        require_register(c, d);
        const unsigned i = d.imm & 7;
        c.gpr[d.reg] = c.fpu.xmm[d.rm & 15][2 * i] | (c.fpu.xmm[d.rm & 15][2 * i + 1] << 8);
        return;
    }
    case 0xD6:  // MOVQ xmm/m64, xmm (a register destination's high half is zeroed)
        if (p != Pfx::P66) c.raise(vec::UD);  // F3/F2: MOVQ2DQ/MOVDQ2Q (MMX)
        if (d.memory())
            write_m64(c, d, xmm_q(c, d.reg, 0));
        else
            set_xmm(c, d.rm, _mm_cvtsi64_si128(static_cast<long long>(xmm_q(c, d.reg, 0))));
        return;
    case 0xD7:  // PMOVMSKB r32, xmm
        if (p != Pfx::P66) c.raise(vec::UD);
        require_register(c, d);
        c.gpr[d.reg] = static_cast<std::uint32_t>(_mm_movemask_epi8(xmm(c, d.rm)));
        return;
    case 0xE7:  // MOVNTDQ m128, xmm
        if (p != Pfx::P66) c.raise(vec::UD);
        require_memory(c, d);
        store128(c, d, true);
        return;
    case 0xF7:  // MASKMOVDQU xmm, xmm
        if (p != Pfx::P66) c.raise(vec::UD);
        maskmovdqu(c, d);
        return;
    default:
        c.raise(vec::UD);
    }
}

}  // namespace emu::x86
