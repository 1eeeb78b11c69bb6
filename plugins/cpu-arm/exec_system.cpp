// System instructions: MRS/MSR (incl. banked), CPS, SVC, BKPT, HVC/SMC hooks, hints and
// barriers, SETEND, coprocessor transfers (CP15, CP14 RAZ/WI), the VFP glue (CPACR check and
// the VfpHost implementation), UNDEFINED, and the T32 exception return SUBS PC, LR.
#include <cstdint>

#include "cpu.h"

namespace emu::arm {
namespace {

using u32 = std::uint32_t;

int h_undef(Cpu& c, const Insn& in) { return c.raise_undef(in); }
int h_nop(Cpu&, const Insn&) { return kCont; }
int h_exit_next(Cpu&, const Insn&) { return kExitNext; }
int h_wfi(Cpu&, const Insn&) { return kExitWfi; }
int h_wfe(Cpu& c, const Insn&) {
    if (c.pending.load(std::memory_order_relaxed) & Cpu::kPendEvent) {
        c.pending.fetch_and(~Cpu::kPendEvent, std::memory_order_acq_rel);
        c.event_register = true;
    }
    if (c.event_register) {
        c.event_register = false;
        return kCont;
    }
    return kExitWfe;
}
int h_sev(Cpu& c, const Insn&) {
    c.event_register = true;
    cluster_broadcast(c, Cpu::kPendEvent);
    return kCont;
}

constexpr u32 kMrsMask = 0xf8ff03dfu;  // execution state bits other than E read as zero

int h_mrs(Cpu& c, const Insn& in) {
    c.r[in.rd] = c.cpsr_with_it(0) & kMrsMask;
    return kCont;
}
int h_mrs_spsr(Cpu& c, const Insn& in) {
    if (!c.has_spsr()) return c.raise_undef(in);
    c.r[in.rd] = c.spsr();
    return kCont;
}

inline u32 byte_mask(unsigned fields) {
    u32 m = 0;
    if (fields & 1) m |= 0x000000ffu;
    if (fields & 2) m |= 0x0000ff00u;
    if (fields & 4) m |= 0x00ff0000u;
    if (fields & 8) m |= 0xff000000u;
    return m;
}

template <bool SPSR, bool IMM>
int h_msr(Cpu& c, const Insn& in) {
    const u32 value = IMM ? in.imm : c.r[in.rn];
    const u32 mask = byte_mask(in.flags & 15);
    if constexpr (SPSR) {
        if (!c.has_spsr()) return c.raise_undef(in);
        u32& s = c.spsr();
        s = (s & ~mask) | (value & mask);
        return kCont;
    } else {
        c.write_cpsr_msr(value, mask);
        return (mask & 0xffffu) ? kExitNext : kCont;
    }
}

// Banked registers (SYSm): returns the storage, or null if UNDEFINED/unsupported.
u32* banked_reg(Cpu& c, u32 sysm, bool spsr) {
    if (c.priv == 0) return nullptr;
    if (spsr) {
        int b;
        switch (sysm) {
        case 0x0e: b = 1; break;
        case 0x10: b = 2; break;
        case 0x12: b = 3; break;
        case 0x14: b = 4; break;
        case 0x16: b = 5; break;
        default: return nullptr;
        }
        return &c.bank_spsr[b];
    }
    if (sysm <= 6) {  // r8_usr..r14_usr
        unsigned n = 8 + sysm;
        if (n <= 12) return c.mode == kModeFiq ? &c.usr_r8_12[n - 8] : &c.r[n];
        if (mode_bank(c.mode) == 0) return &c.r[n];
        return n == 13 ? &c.bank_r13[0] : &c.bank_r14[0];
    }
    if (sysm >= 8 && sysm <= 14) {  // r8_fiq..r14_fiq
        unsigned n = sysm;
        if (c.mode == kModeFiq) return &c.r[n];
        if (n <= 12) return &c.fiq_r8_12[n - 8];
        return n == 13 ? &c.bank_r13[1] : &c.bank_r14[1];
    }
    int b;
    switch (sysm & ~1u) {
    case 0x10: b = 2; break;
    case 0x12: b = 3; break;
    case 0x14: b = 4; break;
    case 0x16: b = 5; break;
    default: return nullptr;
    }
    bool sp = sysm & 1;
    if (b == mode_bank(c.mode)) return &c.r[sp ? 13 : 14];
    return sp ? &c.bank_r13[b] : &c.bank_r14[b];
}

int h_mrs_banked(Cpu& c, const Insn& in) {
    u32* p = banked_reg(c, in.imm & 31, in.imm & 32);
    if (!p) return c.raise_undef(in);
    c.r[in.rd] = *p;
    return kCont;
}
int h_msr_banked(Cpu& c, const Insn& in) {
    u32* p = banked_reg(c, in.imm & 31, in.imm & 32);
    if (!p) return c.raise_undef(in);
    *p = c.r[in.rn];
    return kCont;
}

int h_cps(Cpu& c, const Insn& in) {
    if (c.priv == 0) return kCont;
    u32 affected = ((in.flags & 4) ? kPsrA : 0u) | ((in.flags & 8) ? kPsrI : 0u) | ((in.flags & 16) ? kPsrF : 0u);
    if (in.flags & 1) c.aif &= ~affected;
    if (in.flags & 2) c.aif |= affected;
    if ((in.flags & 32) && mode_valid(in.imm)) c.switch_mode(in.imm);
    return kExitNext;
}

// Runs an embedder hook for SVC/HVC/SMC with the architectural state visible: r15 = next
// instruction. Returns true if the hook handled it (then r15 is whatever the hook left).
template <class F>
bool run_hook(Cpu& c, const Insn& in, F&& hook) {
    const u32 saved_pc = c.r[15];
    c.r[15] = c.insn_addr() + in.size;
    c.itstate = in.it_next;
    if (hook()) return true;
    c.r[15] = saved_pc;
    return false;
}

int h_svc(Cpu& c, const Insn& in) {
    if (c.config.on_svc) {
        if (run_hook(c, in, [&] { return c.config.on_svc(c.owner, in.imm); })) return kExit;
    }
    return c.raise_svc(in);
}

int h_bkpt(Cpu& c, const Insn& in) {
    c.itstate = in.it;
    c.raise_prefetch_abort(c.insn_addr(), kFsDebug, c.cp15.ifar);
    return kExit;
}

template <bool SMC>
int h_hvc_smc(Cpu& c, const Insn& in) {
    if (c.priv == 0) return c.raise_undef(in);
    if (c.config.on_hvc_smc) {
        if (run_hook(c, in, [&] { return c.config.on_hvc_smc(c.owner, in.imm, SMC); })) return kExit;
    }
    return c.raise_undef(in);
}

int h_setend(Cpu& c, const Insn& in) {
    if (in.flags & 1) return c.raise_undef(in);  // big-endian data is not supported
    return kCont;
}

// Coprocessor register transfers. ra = coprocessor, rd = Rt, rn = Rt2, imm = crn<<12 |
// opc1<<8 | crm<<4 | opc2.
int h_mcr(Cpu& c, const Insn& in) {
    if (in.ra == 14) return kCont;  // CP14 debug: write-ignored
    if (in.ra != 15) return c.raise_undef(in);
    u32 v = c.r[in.rd];
    bool ends = false;
    if (!c.cp15_access(false, (in.imm >> 12) & 15, (in.imm >> 8) & 7, (in.imm >> 4) & 15, in.imm & 7, v, ends))
        return c.raise_undef(in);
    return ends ? kExitNext : kCont;
}
int h_mrc(Cpu& c, const Insn& in) {
    u32 v = 0;
    if (in.ra == 15) {
        bool ends = false;
        if (!c.cp15_access(true, (in.imm >> 12) & 15, (in.imm >> 8) & 7, (in.imm >> 4) & 15, in.imm & 7, v, ends))
            return c.raise_undef(in);
    } else if (in.ra != 14) {
        return c.raise_undef(in);
    }
    if (in.rd == 15) c.set_nzcv(v & kPsrNZCV);
    else c.r[in.rd] = v;
    return kCont;
}
int h_mcrr(Cpu& c, const Insn& in) {
    if (in.ra == 14) return kCont;
    if (in.ra != 15) return c.raise_undef(in);
    std::uint64_t v = (static_cast<std::uint64_t>(c.r[in.rn]) << 32) | c.r[in.rd];
    bool ends = false;
    if (!c.cp15_access64(false, (in.imm >> 8) & 15, (in.imm >> 4) & 15, v, ends)) return c.raise_undef(in);
    return ends ? kExitNext : kCont;
}
int h_mrrc(Cpu& c, const Insn& in) {
    std::uint64_t v = 0;
    if (in.ra == 15) {
        bool ends = false;
        if (!c.cp15_access64(true, (in.imm >> 8) & 15, (in.imm >> 4) & 15, v, ends)) return c.raise_undef(in);
    } else if (in.ra != 14) {
        return c.raise_undef(in);
    }
    c.r[in.rd] = static_cast<u32>(v);
    c.r[in.rn] = static_cast<u32>(v >> 32);
    return kCont;
}

int h_vfp(Cpu& c, const Insn& in) {
    const unsigned cp = (in.raw >> 8) & 1 ? 11 : 10;
    const u32 access = (c.cp15.cpacr >> (cp == 10 ? 20 : 22)) & 3;
    if (access == 0 || access == 2 || (access == 1 && c.priv == 0)) return c.raise_undef(in);
    c.vfp_fault_pending = 0;
    switch (vfp_execute(c.vfp_state, (in.raw & 0x0fffffffu) | 0xe0000000u, c)) {
    case VfpResult::Done: return kCont;
    case VfpResult::Aborted: return c.raise_data_abort(in);
    default: return c.raise_undef(in);
    }
}

int h_exception_return(Cpu& c, const Insn& in) {
    if (!c.has_spsr()) return c.raise_undef(in);
    return c.exception_return(c.r[in.rn] - in.imm, c.spsr());
}

}  // namespace

// VfpHost
u32 Cpu::core_reg(unsigned n) { return r[n & 15]; }
void Cpu::set_core_reg(unsigned n, u32 v) {
    if (n < 15) r[n] = v;
}
bool Cpu::load32(u32 va, u32& value) {
    std::uint64_t v = 0;
    if (read_slow(va, 4, v, priv, 3)) {
        vfp_fault_pending = 1;
        return false;
    }
    value = static_cast<u32>(v);
    return true;
}
bool Cpu::store32(u32 va, u32 value) {
    if (write_slow(va, 4, value, priv, 3) == kMemFault) {
        vfp_fault_pending = 1;
        return false;
    }
    return true;
}

Handler sel_undef() { return &h_undef; }
Handler sel_nop() { return &h_nop; }
Handler sel_mrs(bool spsr) { return spsr ? &h_mrs_spsr : &h_mrs; }
Handler sel_mrs_banked() { return &h_mrs_banked; }
Handler sel_msr(bool spsr, bool imm) {
    if (spsr) return imm ? &h_msr<true, true> : &h_msr<true, false>;
    return imm ? &h_msr<false, true> : &h_msr<false, false>;
}
Handler sel_msr_banked() { return &h_msr_banked; }
Handler sel_cps() { return &h_cps; }
Handler sel_svc() { return &h_svc; }
Handler sel_bkpt() { return &h_bkpt; }
Handler sel_hvc_smc(bool smc) { return smc ? &h_hvc_smc<true> : &h_hvc_smc<false>; }
Handler sel_hint(int which) {
    switch (which) {
    case 2: return &h_wfe;
    case 3: return &h_wfi;
    case 4: return &h_sev;
    case 5: return &h_exit_next;
    default: return &h_nop;
    }
}
Handler sel_setend() { return &h_setend; }
Handler sel_coproc(int kind) {
    switch (kind) {
    case 0: return &h_mcr;
    case 1: return &h_mrc;
    case 2: return &h_mcrr;
    case 3: return &h_mrrc;
    default: return &h_undef;
    }
}
Handler sel_vfp() { return &h_vfp; }
Handler sel_exception_return() { return &h_exception_return; }
Handler sel_it() { return &h_nop; }

}  // namespace emu::arm
