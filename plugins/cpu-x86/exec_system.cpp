// System instructions: groups 6 and 7 (descriptor-table registers, LDTR/TR, VERR/VERW, SMSW/
// LMSW, INVLPG), LAR/LSL, control and debug registers, MSRs, TSC, CPUID, SYSENTER/SYSEXIT,
// and the hand-off of x87/FXSAVE instructions to the FPU.
#include "decode.h"
#include "sse.h"

namespace emu::x86 {

namespace {

inline bool pmode_not_v86(const Cpu& c) { return c.protected_mode() && !(c.eflags_ & kVM); }

inline void set_zf(Cpu& c, bool z) { c.eflags_ = z ? (c.eflags_ | kZF) : (c.eflags_ & ~kZF); }


// Whether a code/data segment descriptor may be accessed by VERR/VERW/LAR/LSL at the current
// CPL with the selector's RPL (conforming code is exempt).
bool visible(const Cpu& c, const Segment& s, std::uint16_t sel) {
    if (s.conforming()) return true;
    return s.dpl() >= c.cpl && s.dpl() >= (sel & 3u);
}

void load_ldtr(Cpu& c, std::uint16_t sel) {
    if ((sel & 0xFFFC) == 0) {
        c.ldtr = Segment{sel, 0, 0, 0};
        return;
    }
    if (sel & 4) c.raise(vec::GP, sel & 0xFFFC);
    std::uint64_t desc;
    if (!c.read_descriptor(sel, desc)) c.raise(vec::GP, sel & 0xFFFC);
    const Segment s = Cpu::segment_from_descriptor(sel, desc);
    if (!s.system() || s.type() != 2) c.raise(vec::GP, sel & 0xFFFC);
    if (!s.present()) c.raise(vec::NP, sel & 0xFFFC);
    const std::uint64_t high = c.system_descriptor_high(sel);  // long mode: 16-byte descriptor
    c.ldtr = s;
    c.ldtr.base |= high;
}

void load_tr(Cpu& c, std::uint16_t sel) {
    if ((sel & 0xFFFC) == 0 || (sel & 4)) c.raise(vec::GP, sel & 0xFFFC);
    std::uint64_t desc;
    if (!c.read_descriptor(sel, desc)) c.raise(vec::GP, sel & 0xFFFC);
    const Segment s = Cpu::segment_from_descriptor(sel, desc);
    // Long mode has only the 64-bit TSS (type 9); outside it a 16-bit one (type 1) too.
    if (!s.system() || (s.type() != 9 && (s.type() != 1 || c.long_mode()))) c.raise(vec::GP, sel & 0xFFFC);
    if (!s.present()) c.raise(vec::NP, sel & 0xFFFC);
    const std::uint64_t high = c.system_descriptor_high(sel);  // long mode: 16-byte descriptor
    // Mark the TSS busy in the GDT (type bit 1 of descriptor byte 5).
    desc |= 1ull << 41;
    c.write_linear(c.gdtr.base + (sel & 0xFFF8) + 5, (desc >> 40) & 0xFF, 1, true);
    c.tr = Cpu::segment_from_descriptor(sel, desc);
    c.tr.base |= high;
}

}  // namespace

// 0F 00: SLDT STR LLDT LTR VERR VERW.
void h_grp6(Cpu& c, const Insn& d) {
    if (!pmode_not_v86(c)) c.raise(vec::UD);
    switch (d.reg) {
    case 0:
    case 1: {
        const std::uint16_t sel = d.reg == 0 ? c.ldtr.selector : c.tr.selector;
        if (d.mod == 3)
            put_reg(c, d.rm, d.osize(), sel);
        else
            c.write(mseg(d), ea(c, d), 2, sel);
        break;
    }
    case 2:
    case 3: {
        require_cpl0(c);
        const auto sel = static_cast<std::uint16_t>(read_rm(c, d, 2));
        if (d.reg == 2)
            load_ldtr(c, sel);
        else
            load_tr(c, sel);
        break;
    }
    case 4:
    case 5: {
        const auto sel = static_cast<std::uint16_t>(read_rm(c, d, 2));
        std::uint64_t desc;
        bool ok = (sel & 0xFFFC) != 0 && c.read_descriptor(sel, desc);
        if (ok) {
            const Segment s = Cpu::segment_from_descriptor(sel, desc);
            ok = !s.system() && visible(c, s, sel) && (d.reg == 4 ? s.readable() : s.writable());
            if (d.reg == 5 && s.code()) ok = false;
        }
        set_zf(c, ok);
        break;
    }
    default: c.raise(vec::UD);
    }
}

// 0F 01: SGDT SIDT LGDT LIDT SMSW LMSW INVLPG, and (mod 3) SWAPGS. In 64-bit mode the
// descriptor-table images have 8-byte bases whatever the operand size.
void h_grp7(Cpu& c, const Insn& d) {
    const bool mode64 = c.code64();
    switch (d.reg) {
    case 0:
    case 1: {
        if (d.mod == 3) c.raise(vec::UD);
        const DescriptorTable& t = d.reg == 0 ? c.gdtr : c.idtr;
        const std::uint64_t off = ea(c, d);
        std::uint64_t base = t.base;
        if (!mode64) base &= d.op32 ? 0xFFFFFFFFu : 0xFFFFFFu;
        c.write(mseg(d), off, 2, t.limit);
        c.write(mseg(d), add_offset(d, off, 2), mode64 ? 8 : 4, base);
        break;
    }
    case 2:
    case 3: {
        if (d.mod == 3) c.raise(vec::UD);
        require_cpl0(c);
        const std::uint64_t off = ea(c, d);
        const auto limit = static_cast<std::uint16_t>(c.read(mseg(d), off, 2));
        std::uint64_t base = c.read(mseg(d), add_offset(d, off, 2), mode64 ? 8 : 4);
        if (mode64 && !Cpu::canonical(base)) c.raise(vec::GP, 0);
        if (!mode64 && !d.op32) base &= 0xFFFFFF;
        DescriptorTable& t = d.reg == 2 ? c.gdtr : c.idtr;
        t.base = base;
        t.limit = limit;
        break;
    }
    case 4:
        if (d.mod == 3)
            put_reg(c, d.rm, d.osize(), static_cast<std::uint32_t>(c.cr0));
        else
            c.write(mseg(d), ea(c, d), 2, c.cr0 & 0xFFFF);
        break;
    case 6: {  // LMSW: PE, MP, EM, TS; PE cannot be cleared
        require_cpl0(c);
        const std::uint32_t v = read_rm(c, d, 2);
        c.write_cr(0, (c.cr0 & ~0xEull) | (v & 0xF) | (c.cr0 & kCr0PE));
        break;
    }
    case 7:
        if (d.mod == 3) {
            if (d.rm == 0 && mode64) {  // 0F 01 F8 SWAPGS (RDTSCP, F9, is not advertised: #UD)
                c.swapgs();
                break;
            }
            c.raise(vec::UD);
        }
        require_cpl0(c);
        if (mode64)
            c.tlb_flush_page((d.seg >= FS ? c.seg[d.seg].base : 0) + ea(c, d));
        else
            c.tlb_flush_page((c.seg[d.seg].base + ea(c, d)) & 0xFFFFFFFFu);
        break;
    default: c.raise(vec::UD);
    }
}

// 0F 02 LAR, 0F 03 LSL: ZF = 1 and the access rights / limit when the descriptor is visible.
void h_lar_lsl(Cpu& c, const Insn& d) {
    if (!pmode_not_v86(c)) c.raise(vec::UD);
    const auto sel = static_cast<std::uint16_t>(read_rm(c, d, 2));
    std::uint64_t desc;
    if ((sel & 0xFFFC) == 0 || !c.read_descriptor(sel, desc)) {
        set_zf(c, false);
        return;
    }
    const Segment s = Cpu::segment_from_descriptor(sel, desc);
    bool ok;
    if (s.system()) {
        const unsigned t = s.type();
        // LAR: TSSs, LDT, call gates, task gate; LSL: TSSs and LDT only.
        ok = d.opcode == 0x102 ? (t == 1 || t == 2 || t == 3 || t == 4 || t == 5 || t == 9 || t == 11 || t == 12)
                               : (t == 1 || t == 2 || t == 3 || t == 9 || t == 11);
        ok = ok && s.dpl() >= c.cpl && s.dpl() >= (sel & 3u);
    } else {
        ok = visible(c, s, sel);
    }
    if (ok) {
        const std::uint32_t v = d.opcode == 0x102
                                    ? static_cast<std::uint32_t>(desc >> 32) & (d.op32 ? 0x00FFFF00u : 0xFF00u)
                                    : s.limit;
        put_reg(c, d.reg, d.osize(), v);
    }
    set_zf(c, ok);
}

void h_clts(Cpu& c, const Insn&) {
    require_cpl0(c);
    c.cr0 &= ~kCr0TS;
}

// 0F 20 MOV r32, CRn; 0F 22 MOV CRn, r32 (the ModRM mod field is ignored). 64-bit mode: the
// operands are 64-bit whatever the operand size, and REX.R reaches CR8.
void h_mov_cr(Cpu& c, const Insn& d) {
    require_cpl0(c);
    if (d.reg == 1 || (d.reg > 4 && d.reg != 8)) c.raise(vec::UD);
    const unsigned size = c.code64() ? 8 : 4;
    if (d.opcode == 0x120)
        put_reg(c, d.rm, size, c.read_cr(d.reg));
    else
        c.write_cr(d.reg, get_reg(c, d.rm, size));
}

// 0F 21 MOV r32, DRn; 0F 23 MOV DRn, r32. DR4/DR5 alias DR6/DR7 unless CR4.DE.
void h_mov_dr(Cpu& c, const Insn& d) {
    require_cpl0(c);
    unsigned n = d.reg;
    if (n > 7) c.raise(vec::UD);
    const unsigned size = c.code64() ? 8 : 4;
    if (n == 4 || n == 5) {
        if (c.cr4 & kCr4DE) c.raise(vec::UD);
        n += 2;
    }
    if (d.opcode == 0x121) {
        put_reg(c, d.rm, size, c.dr[n]);
        return;
    }
    std::uint64_t v = get_reg(c, d.rm, size);
    if (n >= 6 && (v >> 32)) c.raise(vec::GP, 0);  // DR6/DR7 bits 63:32 are reserved
    if (n == 6) v = (v & 0x0000F00Fu) | 0xFFFF0FF0u;
    if (n == 7) v = (v | 0x400u) & ~0x0000D800u;
    c.dr[n] = v;
}

void h_invd(Cpu& c, const Insn&) { require_cpl0(c); }

void h_wrmsr(Cpu& c, const Insn&) {
    require_cpl0(c);
    c.write_msr(c.reg32(kEcx), (static_cast<std::uint64_t>(c.reg32(kEdx)) << 32) | c.reg32(kEax));
}

void h_rdmsr(Cpu& c, const Insn&) {
    require_cpl0(c);
    const std::uint64_t v = c.read_msr(c.reg32(kEcx));
    c.gpr[kEax] = static_cast<std::uint32_t>(v);
    c.gpr[kEdx] = static_cast<std::uint32_t>(v >> 32);
}

void h_rdtsc(Cpu& c, const Insn&) {
    if ((c.cr4 & kCr4TSD) && c.cpl != 0) c.raise(vec::GP, 0);
    const std::uint64_t v = c.rdtsc();
    c.gpr[kEax] = static_cast<std::uint32_t>(v);
    c.gpr[kEdx] = static_cast<std::uint32_t>(v >> 32);
}

// RDPMC: the P6's two performance counters, which count nothing here (read as zero).
void h_rdpmc(Cpu& c, const Insn&) {
    if (!(c.cr4 & kCr4PCE) && c.cpl != 0) c.raise(vec::GP, 0);
    if (c.reg32(kEcx) > 1) c.raise(vec::GP, 0);
    c.gpr[kEax] = 0;
    c.gpr[kEdx] = 0;
}

void h_cpuid(Cpu& c, const Insn&) { c.cpuid(); }

// 0F 05 SYSCALL, 0F 07 SYSRET (REX.W: back to 64-bit mode); system.cpp has the checks.
void h_syscall(Cpu& c, const Insn&) { c.syscall(c.rip); }
void h_sysret(Cpu& c, const Insn& d) { c.sysret(d.op64 ? 8 : 4); }

// SYSENTER/SYSEXIT load flat segments derived from IA32_SYSENTER_CS, as the SDM describes.
void h_sysenter(Cpu& c, const Insn&) {
    if (!c.protected_mode() || (c.sysenter_cs & 0xFFFC) == 0) c.raise(vec::GP, 0);
    const auto cs = static_cast<std::uint16_t>(c.sysenter_cs & 0xFFFC);
    c.eflags_ &= ~(kVM | kIF | kRF);
    const bool lm = c.long_mode();  // long mode enters 64-bit code with the full RSP/RIP
    c.seg[CS] = Segment{cs, 0, 0xFFFFFFFF, static_cast<std::uint16_t>(lm ? 0xA9B : 0xC9B)};
    c.seg[SS] = Segment{static_cast<std::uint16_t>(cs + 8), 0, 0xFFFFFFFF, 0xC93};
    c.cpl = 0;
    c.gpr[kEsp] = lm ? c.sysenter_esp : static_cast<std::uint32_t>(c.sysenter_esp);
    c.rip = lm ? c.sysenter_eip : static_cast<std::uint32_t>(c.sysenter_eip);
}

void h_sysexit(Cpu& c, const Insn& d) {
    if (!c.protected_mode() || (c.eflags_ & kVM) || c.cpl != 0 || (c.sysenter_cs & 0xFFFC) == 0)
        c.raise(vec::GP, 0);
    const auto cs = static_cast<std::uint16_t>(c.sysenter_cs & 0xFFFC);
    if (d.op64) {  // REX.W SYSEXIT: back to 64-bit code (CS + 32, SS + 40)
        if (!Cpu::canonical(c.gpr[kEdx]) || !Cpu::canonical(c.gpr[kEcx])) c.raise(vec::GP, 0);
        c.seg[CS] = Segment{static_cast<std::uint16_t>((cs + 32) | 3), 0, 0xFFFFFFFF, 0xAFB};
        c.seg[SS] = Segment{static_cast<std::uint16_t>((cs + 40) | 3), 0, 0xFFFFFFFF, 0xCF3};
        c.cpl = 3;
        c.gpr[kEsp] = c.gpr[kEcx];
        c.rip = c.gpr[kEdx];
        return;
    }
    c.seg[CS] = Segment{static_cast<std::uint16_t>((cs + 16) | 3), 0, 0xFFFFFFFF, 0xCFB};
    c.seg[SS] = Segment{static_cast<std::uint16_t>((cs + 24) | 3), 0, 0xFFFFFFFF, 0xCF3};
    c.cpl = 3;
    c.gpr[kEsp] = c.reg32(kEcx);
    c.rip = c.reg32(kEdx);
}

// The FPU records cpu.rip as FIP (the x87 instruction's own address), so rip is put back to
// the instruction while it executes.
void h_fpu(Cpu& c, const Insn& d) {
    const std::uint64_t next = c.rip;
    c.rip = insn_start(c, d);
    if (d.mod == 3) {
        fpu_execute(c, static_cast<std::uint8_t>(d.opcode), d.modrm, nullptr, d.op32);
    } else {
        const FpuMemory mem{mseg(d), ea(c, d)};
        fpu_execute(c, static_cast<std::uint8_t>(d.opcode), d.modrm, &mem, d.op32);
    }
    c.rip = next;
}

void h_fwait(Cpu& c, const Insn&) { fpu_wait(c); }

// 0F AE: /0 FXSAVE, /1 FXRSTOR; the SSE forms in sse_grp15().
void h_grp15(Cpu& c, const Insn& d) {
    if (d.mod == 3 || d.reg > 1) {
        sse_grp15(c, d);  // LDMXCSR, STMXCSR, the fences, CLFLUSH (sse_state.cpp)
        return;
    }
    const FpuMemory mem{mseg(d), ea(c, d)};
    if (d.reg == 0)
        fpu_fxsave(c, mem);
    else
        fpu_fxrstor(c, mem);
}

}  // namespace emu::x86
