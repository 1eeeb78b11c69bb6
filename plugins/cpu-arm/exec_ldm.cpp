// Block transfers: LDM/STM (all addressing modes, user-bank and exception-return forms,
// PUSH/POP), SRS and RFE.
// Fields: imm = register list, rn = base; flags = kLsU (increment), kLsP (before), kLsW
// (writeback), kLdmUser (^). SRS: imm = target mode.
#include <cstdint>

#include "cpu.h"

namespace emu::arm {
namespace {

using u32 = std::uint32_t;

inline unsigned count16(u32 v) {  // popcount of a 16-bit register list, without a libcall
    v = v - ((v >> 1) & 0x5555u);
    v = (v & 0x3333u) + ((v >> 2) & 0x3333u);
    v = (v + (v >> 4)) & 0x0f0fu;
    return (v + (v >> 8)) & 0x1fu;
}

inline u32 start_address(u32 base, std::uint8_t flags, unsigned count) {
    const bool inc = flags & kLsU, before = flags & kLsP;
    if (inc) return before ? base + 4 : base;
    return before ? base - 4 * count : base - 4 * count + 4;
}
inline u32 wb_value(u32 base, std::uint8_t flags, unsigned count) {
    return (flags & kLsU) ? base + 4 * count : base - 4 * count;
}

int ldm(Cpu& c, const Insn& in) {
    const u32 list = in.imm;
    const unsigned count = count16(list);
    const u32 base = c.r[in.rn];
    u32 addr = start_address(base, in.flags, count);
    u32 vals[16];
    for (u32 l = list; l; l &= l - 1) {  // the listed registers, lowest first
        const unsigned i = static_cast<unsigned>(__builtin_ctz(l));
        if (ARM_UNLIKELY(c.read_aligned32(addr, vals[i], c.priv))) return c.raise_data_abort(in);
        addr += 4;
    }
    const bool user = in.flags & kLdmUser;
    const bool pc = list & 0x8000;
    if (user && !pc) {
        // Load user-mode registers (no writeback allowed).
        for (unsigned i = 0; i < 15; ++i)
            if (list & (1u << i)) c.set_user_reg(i, vals[i]);
        return kCont;
    }
    if (in.flags & kLsW) c.r[in.rn] = wb_value(base, in.flags, count);
    for (u32 l = list & 0x7fffu; l; l &= l - 1) {
        const unsigned i = static_cast<unsigned>(__builtin_ctz(l));
        c.r[i] = vals[i];
    }
    if (pc) {
        if (user) {
            if (!c.has_spsr()) return c.raise_undef(in);
            return c.exception_return(vals[15], c.spsr());
        }
        return c.bx_write_pc(vals[15]);
    }
    return kCont;
}

int stm(Cpu& c, const Insn& in) {
    const u32 list = in.imm;
    const unsigned count = count16(list);
    const u32 base = c.r[in.rn];
    u32 addr = start_address(base, in.flags, count);
    const bool user = in.flags & kLdmUser;
    int code = 0;
    for (u32 l = list; l; l &= l - 1) {
        const unsigned i = static_cast<unsigned>(__builtin_ctz(l));
        u32 v = user ? c.user_reg(i) : c.r[i];
        int r = c.write_aligned32(addr, v, c.priv);
        if (ARM_UNLIKELY(r == kMemFault)) return c.raise_data_abort(in);
        code |= r;
        addr += 4;
    }
    if ((in.flags & kLsW) && !user) c.r[in.rn] = wb_value(base, in.flags, count);
    return (code & kMemCodeHit) ? kExitNext : kCont;
}

u32* banked_sp(Cpu& c, u32 mode) {
    int b = mode_bank(mode);
    if (b < 0) return nullptr;
    if (b == mode_bank(c.mode)) return &c.r[13];
    return &c.bank_r13[b];
}

int srs(Cpu& c, const Insn& in) {
    if (!c.has_spsr()) return c.raise_undef(in);
    u32* sp = banked_sp(c, in.imm);
    if (!sp) return c.raise_undef(in);
    const u32 base = *sp;
    const u32 addr = start_address(base, in.flags, 2);
    int r1 = c.write_aligned32(addr, c.r[14], c.priv);
    if (r1 == kMemFault) return c.raise_data_abort(in);
    int r2 = c.write_aligned32(addr + 4, c.spsr(), c.priv);
    if (r2 == kMemFault) return c.raise_data_abort(in);
    if (in.flags & kLsW) *sp = wb_value(base, in.flags, 2);
    return ((r1 | r2) & kMemCodeHit) ? kExitNext : kCont;
}

int rfe(Cpu& c, const Insn& in) {
    if (c.priv == 0) return c.raise_undef(in);
    const u32 base = c.r[in.rn];
    const u32 addr = start_address(base, in.flags, 2);
    u32 pc = 0, psr = 0;
    if (c.read_aligned32(addr, pc, c.priv) || c.read_aligned32(addr + 4, psr, c.priv))
        return c.raise_data_abort(in);
    if (in.flags & kLsW) c.r[in.rn] = wb_value(base, in.flags, 2);
    return c.exception_return(pc, psr);
}

}  // namespace

Handler sel_ldm(bool load) { return load ? &ldm : &stm; }
Handler sel_srs() { return &srs; }
Handler sel_rfe() { return &rfe; }

}  // namespace emu::arm
