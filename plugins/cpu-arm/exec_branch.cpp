// Branches: B, BL, BLX (immediate and register), BX (and BXJ), CBZ/CBNZ, TBB/TBH.
// imm = signed offset from the PC read value (instruction + 8 in A32, + 4 in T32).
#include <cstdint>

#include "cpu.h"

namespace emu::arm {
namespace {

using u32 = std::uint32_t;

// Address of the next instruction (with bit 0 set in Thumb, as BL/BLX write it to LR).
inline u32 link_value(const Cpu& c, const Insn& in) {
    return c.thumb ? ((c.r[15] - 4 + in.size) | 1u) : c.r[15] - 4;
}

int h_b(Cpu& c, const Insn& in) { return c.branch(c.r[15] + in.imm); }

int h_bl(Cpu& c, const Insn& in) {
    c.r[14] = link_value(c, in);
    return c.branch(c.r[15] + in.imm);
}

int h_blx_imm(Cpu& c, const Insn& in) {
    c.r[14] = link_value(c, in);
    if (c.thumb) {
        c.thumb = false;
        return c.branch((c.r[15] & ~3u) + in.imm);
    }
    c.thumb = true;
    return c.branch(c.r[15] + in.imm);
}

int h_bx(Cpu& c, const Insn& in) { return c.bx_write_pc(c.r[in.rm]); }

int h_blx_reg(Cpu& c, const Insn& in) {
    u32 target = c.r[in.rm];
    c.r[14] = link_value(c, in);
    return c.bx_write_pc(target);
}

int h_cbz(Cpu& c, const Insn& in) {
    if (c.r[in.rn] == 0) return c.branch(c.r[15] + in.imm);
    return kCont;
}
int h_cbnz(Cpu& c, const Insn& in) {
    if (c.r[in.rn] != 0) return c.branch(c.r[15] + in.imm);
    return kCont;
}

int h_tbb(Cpu& c, const Insn& in) {
    u32 off;
    if (in.flags & 1) {
        std::uint16_t h;
        if (c.read(c.r[in.rn] + (c.r[in.rm] << 1), h, c.priv)) return c.raise_data_abort(in);
        off = h;
    } else {
        std::uint8_t b;
        if (c.read(c.r[in.rn] + c.r[in.rm], b, c.priv)) return c.raise_data_abort(in);
        off = b;
    }
    return c.branch(c.r[15] + 2 * off);
}

}  // namespace

Handler sel_b() { return &h_b; }
Handler sel_bl(bool toggle) { return toggle ? &h_blx_imm : &h_bl; }
Handler sel_bx(bool link) { return link ? &h_blx_reg : &h_bx; }
Handler sel_cbz(bool nonzero) { return nonzero ? &h_cbnz : &h_cbz; }
Handler sel_tbb() { return &h_tbb; }

}  // namespace emu::arm
