// Control registers, MSRs, CPUID, RDTSC and the RESET/INIT state (SDM vol. 3 chapters 2, 9, 11
// and vol. 4; vol. 2 CPUID).
#include <cstring>

#include "cpu.h"
#include "system_internal.h"

namespace emu::x86 {

namespace {

// CPUID.1:EDX of the model: only what the core implements (P6 integer unit, x87 with
// FXSAVE/FXRSTOR, paging extensions, local APIC, SYSENTER, MTRR/PAT registers, machine-check
// registers without banks). No VME, MMX, SSE or CLFLUSH yet.
constexpr std::uint32_t kFeatFpu = 1u << 0, kFeatDe = 1u << 2, kFeatPse = 1u << 3, kFeatTsc = 1u << 4,
                        kFeatMsr = 1u << 5, kFeatPae = 1u << 6, kFeatMce = 1u << 7, kFeatCx8 = 1u << 8,
                        kFeatApic = 1u << 9, kFeatSep = 1u << 11, kFeatMtrr = 1u << 12, kFeatPge = 1u << 13,
                        kFeatMca = 1u << 14, kFeatCmov = 1u << 15, kFeatPat = 1u << 16, kFeatPse36 = 1u << 17,
                        kFeatFxsr = 1u << 24;
constexpr std::uint32_t kFeatCx16 = 1u << 13;  // leaf 1 ECX
constexpr std::uint32_t kFeatClfsh = 1u << 19, kFeatMmx = 1u << 23, kFeatSse = 1u << 25, kFeatSse2 = 1u << 26;
constexpr std::uint32_t kFeatures = kFeatFpu | kFeatDe | kFeatPse | kFeatTsc | kFeatMsr | kFeatPae | kFeatMce |
                                    kFeatCx8 | kFeatApic | kFeatSep | kFeatMtrr | kFeatPge | kFeatMca | kFeatCmov |
                                    kFeatPat | kFeatPse36 | kFeatFxsr;
constexpr std::uint32_t kExtFeatNx = 1u << 20;  // CPUID.80000001:EDX
// x86-64 model: CPUID.80000001:EDX SYSCALL and LM, ECX LAHF/SAHF in 64-bit mode.
constexpr std::uint32_t kExtFeatSyscall = 1u << 11, kExtFeatLm = 1u << 29, kExtFeatLahfLm = 1u << 0;
constexpr std::uint32_t kSignature = 0x663;     // family 6, model 6, stepping 3 (QEMU's qemu32)
// Family 15, model 107 (extended model 6), stepping 1: QEMU's qemu64.
constexpr std::uint32_t kSignature64 = 0x00060FB1;
constexpr std::uint32_t kMaxLeaf = 2, kMaxExtLeaf = 0x80000008;
constexpr char kBrand[48] = "emu Virtual CPU (qemu32)";
constexpr char kBrand64[48] = "emu Virtual CPU (qemu64)";

// CR0 bits a MOV may set (the others read as written-ignored on P6: SDM 2.5).
constexpr std::uint64_t kCr0Writable = kCr0PE | kCr0MP | kCr0EM | kCr0TS | kCr0NE | kCr0WP | kCr0AM |
                                       kCr0NW | kCr0CD | kCr0PG;
constexpr std::uint64_t kCr4Writable = kCr4TSD | kCr4DE | kCr4PSE | kCr4PAE | kCr4MCE | kCr4PGE | kCr4PCE |
                                       kCr4OSFXSR | kCr4OSXMMEXCPT;

// MSR numbers.
enum : std::uint32_t {
    kMsrTsc = 0x10, kMsrPlatformId = 0x17, kMsrApicBase = 0x1B, kMsrFeatureControl = 0x3A,
    kMsrBiosSignId = 0x8B, kMsrMtrrCap = 0xFE, kMsrSysenterCs = 0x174, kMsrSysenterEsp = 0x175,
    kMsrSysenterEip = 0x176, kMsrMcgCap = 0x179, kMsrMcgStatus = 0x17A, kMsrMiscEnable = 0x1A0,
    kMsrMtrrPhysBase0 = 0x200, kMsrMtrrFix64k = 0x250, kMsrMtrrFix16k80 = 0x258, kMsrMtrrFix16kA0 = 0x259,
    kMsrMtrrFix4kC0 = 0x268, kMsrMtrrFix4kF8 = 0x26F, kMsrPat = 0x277, kMsrMtrrDefType = 0x2FF,
    kMsrEfer = 0xC0000080, kMsrStar = 0xC0000081, kMsrLstar = 0xC0000082, kMsrCstar = 0xC0000083,
    kMsrSfmask = 0xC0000084, kMsrFsBase = 0xC0000100, kMsrGsBase = 0xC0000101, kMsrKernelGsBase = 0xC0000102,
};
constexpr std::uint64_t kMtrrCap = 0x508;  // 8 variable ranges, fixed ranges, write-combining

// Index into mtrr_fixed[] of a fixed-range MTRR, or -1.
int fixed_mtrr(std::uint32_t index) {
    if (index == kMsrMtrrFix64k) return 0;
    if (index == kMsrMtrrFix16k80) return 1;
    if (index == kMsrMtrrFix16kA0) return 2;
    if (index >= kMsrMtrrFix4kC0 && index <= kMsrMtrrFix4kF8) return 3 + static_cast<int>(index - kMsrMtrrFix4kC0);
    return -1;
}

// Memory types valid in PAT entries and MTRRs: UC 0, WC 1, WT 4, WP 5, WB 6 (PAT also UC- 7).
bool valid_type(unsigned t, bool pat) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || (pat && t == 7); }
bool valid_types(std::uint64_t v, bool pat) {
    for (unsigned i = 0; i < 8; ++i)
        if (!valid_type((v >> (8 * i)) & 0xFF, pat)) return false;
    return true;
}

std::uint64_t tsc_ticks(const Cpu& c) {
    if (!c.config.clock_ns) return c.instructions;
    // ns * hz / 1e9 without overflowing 64 bits: whole seconds and the remainder separately.
    const std::uint64_t ns = c.config.clock_ns();
    return ns / 1000000000u * c.config.tsc_hz + ns % 1000000000u * c.config.tsc_hz / 1000000000u;
}

void set_regs(Cpu& c, std::uint32_t a, std::uint32_t b, std::uint32_t cc, std::uint32_t d) {
    c.gpr[kEax] = a;
    c.gpr[kEbx] = b;
    c.gpr[kEcx] = cc;
    c.gpr[kEdx] = d;
}

std::uint32_t signature(const Cpu& c) { return c.config.x86_64 ? kSignature64 : kSignature; }

// A 64-bit address an MSR or SYSRET loads into RIP or a segment base: canonical or #GP(0).
std::uint64_t canonical_or_gp(Cpu& c, std::uint64_t value) {
    if (!Cpu::canonical(value)) c.raise(vec::GP, 0);
    return value;
}

std::uint32_t chars4(const char* s) {
    std::uint32_t v;
    std::memcpy(&v, s, 4);
    return v;
}

}  // namespace

// ---- Control registers ---------------------------------------------------------------------

void Cpu::write_cr(unsigned n, std::uint64_t value) {
    switch (n) {
    case 0: {
        if (value >> 32) raise(vec::GP, 0);
        const std::uint64_t next = (value & kCr0Writable) | kCr0ET;
        if ((next & kCr0PG) && !(next & kCr0PE)) raise(vec::GP, 0);
        if ((next & kCr0NW) && !(next & kCr0CD)) raise(vec::GP, 0);
        const bool paging_on = (next & kCr0PG) && !(cr0 & kCr0PG);
        const bool paging_off = !(next & kCr0PG) && (cr0 & kCr0PG);
        if (paging_on && (efer & kEferLME)) {
            // Long mode activation (SDM 9.8.5): PAE first, and not from a 64-bit code segment.
            if (!(cr4 & kCr4PAE) || (seg[CS].attr & 0x200)) raise(vec::GP, 0);
        } else if (paging_on && (cr4 & kCr4PAE)) {
            load_pdptes(*this, cr3);
        }
        if (paging_off && code64()) raise(vec::GP, 0);  // leave long mode from compatibility mode only
        if (long_mode() && !(next & kCr0PE)) raise(vec::GP, 0);
        const std::uint64_t changed = cr0 ^ next;
        cr0 = next;
        if (paging_on && (efer & kEferLME)) efer |= kEferLMA;
        if (paging_off) efer &= ~static_cast<std::uint64_t>(kEferLMA);
        if (changed & (kCr0PG | kCr0PE | kCr0WP)) tlb_flush(true);
        if (!(cr0 & kCr0PE)) cpl = 0;
        return;
    }
    case 2: cr2 = long_mode() ? value : value & 0xFFFFFFFFu; return;
    case 3:
        if (long_mode()) {
            // No PCIDs: bits above MAXPHYADDR (and bit 63) are reserved.
            if (value & ~phys_mask) raise(vec::GP, 0);
            cr3 = value;
        } else {
            if (paging() && (cr4 & kCr4PAE)) load_pdptes(*this, value);
            cr3 = value & 0xFFFFFFFFu;
        }
        tlb_flush(false);
        return;
    case 4: {
        if (value & ~kCr4Writable) raise(vec::GP, 0);
        if (long_mode() && !(value & kCr4PAE)) raise(vec::GP, 0);
        if (paging() && !long_mode() && (value & kCr4PAE) && !(cr4 & kCr4PAE)) load_pdptes(*this, cr3);
        const std::uint64_t changed = cr4 ^ value;
        cr4 = value;
        if (changed & (kCr4PGE | kCr4PAE | kCr4PSE)) tlb_flush(true);
        return;
    }
    case 8:  // the task priority (only encodable with REX.R, so only in 64-bit mode)
        if (!code64()) raise(vec::UD);
        if (value & ~0xFull) raise(vec::GP, 0);
        cr8 = value;
        return;
    default: raise(vec::UD);
    }
}

std::uint64_t Cpu::read_cr(unsigned n) {
    switch (n) {
    case 0: return cr0;
    case 2: return cr2;
    case 3: return cr3;
    case 4: return cr4;
    case 8:
        if (!code64()) raise(vec::UD);
        return cr8;
    default: raise(vec::UD);
    }
}

// ---- MSRs ----------------------------------------------------------------------------------

void Cpu::write_msr(std::uint32_t index, std::uint64_t value) {
    if (const int f = fixed_mtrr(index); f >= 0) {
        if (!valid_types(value, false)) raise(vec::GP, 0);
        mtrr_fixed[f] = value;
        return;
    }
    if (index >= kMsrMtrrPhysBase0 && index < kMsrMtrrPhysBase0 + 16) {
        // PHYSBASEn: type in 7:0, base in 35:12; PHYSMASKn: valid bit 11, mask in 35:12.
        const bool mask = index & 1;
        const std::uint64_t allowed = (phys_mask & ~0xFFFull) | (mask ? 0x800 : 0xFF);
        if ((value & ~allowed) || (!mask && !valid_type(value & 0xFF, false))) raise(vec::GP, 0);
        mtrr_var[index - kMsrMtrrPhysBase0] = value;
        return;
    }
    switch (index) {
    case kMsrTsc: tsc_offset = value - tsc_ticks(*this); return;
    case kMsrApicBase: {
        // BSP (bit 8, read-only), enable (bit 11), base (35:12).
        if (value & ~((phys_mask & ~0xFFFull) | 0x900)) raise(vec::GP, 0);
        apic_base = (value & ~0x100ull) | (apic_base & 0x100);
        if (config.on_apic_base) config.on_apic_base(apic_base);
        sync_memory_generation();  // the APIC page may have moved over RAM the TLB maps
        return;
    }
    case kMsrFeatureControl:  // Linux locks it at boot; only the lock bit means anything here
        if ((feature_control & 1) || (value & ~1ull)) raise(vec::GP, 0);
        feature_control = value;
        return;
    case kMsrBiosSignId: return;  // microcode revision: writes ignored
    case kMsrSysenterCs: sysenter_cs = static_cast<std::uint32_t>(value & 0xFFFF); return;
    case kMsrSysenterEsp: sysenter_esp = config.x86_64 ? canonical_or_gp(*this, value) : value & 0xFFFFFFFFu; return;
    case kMsrSysenterEip: sysenter_eip = config.x86_64 ? canonical_or_gp(*this, value) : value & 0xFFFFFFFFu; return;
    case kMsrMcgStatus:
        if (value) raise(vec::GP, 0);
        return;
    case kMsrMiscEnable: misc_enable = value; return;
    case kMsrPat:
        if (!valid_types(value, true)) raise(vec::GP, 0);
        pat = value;
        return;
    case kMsrMtrrDefType:
        if ((value & ~0xCFFull) || !valid_type(value & 0xFF, false)) raise(vec::GP, 0);
        mtrr_def_type = value;
        return;
    case kMsrEfer: {
        // LMA is read-only (writes of it are ignored, as a read-modify-write keeps it); LME
        // cannot change while paging is on (SDM 9.8.5).
        const std::uint64_t long_bits = kEferSCE | kEferLME;
        const std::uint64_t writable = kEferNXE | (config.x86_64 ? long_bits : 0);
        const std::uint64_t v = config.x86_64 ? value & ~static_cast<std::uint64_t>(kEferLMA) : value;
        if (v & ~writable) raise(vec::GP, 0);
        if (paging() && ((efer ^ v) & kEferLME)) raise(vec::GP, 0);
        const bool changed = (efer ^ v) & kEferNXE;
        efer = v | (efer & kEferLMA);
        if (changed) tlb_flush(true);
        return;
    }
    default: break;
    }
    if (!config.x86_64) raise(vec::GP, 0);
    switch (index) {
    case kMsrStar: star = value; return;
    case kMsrLstar: lstar = canonical_or_gp(*this, value); return;
    case kMsrCstar: cstar = canonical_or_gp(*this, value); return;
    case kMsrSfmask: sfmask = value & 0xFFFFFFFFu; return;  // bits 63:32 read as zero
    case kMsrFsBase: seg[FS].base = canonical_or_gp(*this, value); return;
    case kMsrGsBase: seg[GS].base = canonical_or_gp(*this, value); return;
    case kMsrKernelGsBase: kernel_gs_base = canonical_or_gp(*this, value); return;
    default: raise(vec::GP, 0);
    }
}

std::uint64_t Cpu::read_msr(std::uint32_t index) {
    if (const int f = fixed_mtrr(index); f >= 0) return mtrr_fixed[f];
    if (index >= kMsrMtrrPhysBase0 && index < kMsrMtrrPhysBase0 + 16) return mtrr_var[index - kMsrMtrrPhysBase0];
    switch (index) {
    case kMsrTsc: return tsc_ticks(*this) + tsc_offset;
    case kMsrPlatformId: return 0;
    case kMsrApicBase: return apic_base;
    case kMsrFeatureControl: return feature_control;
    case kMsrBiosSignId: return 0;
    case kMsrMtrrCap: return kMtrrCap;
    case kMsrSysenterCs: return sysenter_cs;
    case kMsrSysenterEsp: return sysenter_esp;
    case kMsrSysenterEip: return sysenter_eip;
    case kMsrMcgCap: return 0;
    case kMsrMcgStatus: return 0;
    case kMsrMiscEnable: return misc_enable;
    case kMsrPat: return pat;
    case kMsrMtrrDefType: return mtrr_def_type;
    case kMsrEfer: return efer;
    default: break;
    }
    if (!config.x86_64) raise(vec::GP, 0);
    switch (index) {
    case kMsrStar: return star;
    case kMsrLstar: return lstar;
    case kMsrCstar: return cstar;
    case kMsrSfmask: return sfmask;
    case kMsrFsBase: return seg[FS].base;
    case kMsrGsBase: return seg[GS].base;
    case kMsrKernelGsBase: return kernel_gs_base;
    default: raise(vec::GP, 0);
    }
}

// ---- CPUID, RDTSC --------------------------------------------------------------------------

void Cpu::cpuid() {
    std::uint32_t leaf = reg32(kEax);
    if (leaf >= 0x80000000u ? leaf > kMaxExtLeaf : leaf > kMaxLeaf) leaf = kMaxLeaf;  // Intel: the top basic leaf
    switch (leaf) {
    case 0: set_regs(*this, kMaxLeaf, chars4("Genu"), chars4("ntel"), chars4("ineI")); return;
    case 1: {
        // EBX: APIC ID, 1 logical processor, CLFLUSH line size (8 x 8 bytes).
        const std::uint32_t ebx = (apic_id << 24) | (1u << 16) | (8u << 8);
        std::uint32_t edx = kFeatures;
        if (!(apic_base & 0x800)) edx &= ~kFeatApic;  // a disabled APIC hides its bit
        // MMX, SSE, SSE2 and CLFLUSH (sse*.cpp) on the x86-64 model, whose baseline they are;
        // the i686 model keeps the CPUID its guests were verified with (they would switch to
        // MMX/SSE2 code paths).
        if (config.x86_64) edx |= kFeatMmx | kFeatSse | kFeatSse2 | kFeatClfsh;
        // CMPXCHG16B (exec_bits.cpp) exists in 64-bit mode only.
        set_regs(*this, signature(*this), ebx, config.x86_64 ? kFeatCx16 : 0, edx);
        return;
    }
    case 2:  // one round of cache descriptors: 32K L1D, 32K L1I, 2M L2 (as QEMU reports)
        set_regs(*this, 1, 0, 0, 0x002C307D);
        return;
    case 0x80000000: set_regs(*this, kMaxExtLeaf, 0, 0, 0); return;
    case 0x80000001:
        if (config.x86_64) set_regs(*this, kSignature64, 0, kExtFeatLahfLm, kExtFeatNx | kExtFeatSyscall | kExtFeatLm);
        else set_regs(*this, kSignature, 0, 0, kExtFeatNx);
        return;
    case 0x80000002: case 0x80000003: case 0x80000004: {
        const char* p = (config.x86_64 ? kBrand64 : kBrand) + (leaf - 0x80000002) * 16;
        set_regs(*this, chars4(p), chars4(p + 4), chars4(p + 8), chars4(p + 12));
        return;
    }
    case 0x80000008:  // physical and linear address bits: 36/32 (i686), 40/48 (x86-64)
        set_regs(*this, config.x86_64 ? 40 | (48u << 8) : 36 | (32u << 8), 0, 0, 0);
        return;
    default: set_regs(*this, 0, 0, 0, 0); return;
    }
}

std::uint64_t Cpu::rdtsc() {
    if ((cr4 & kCr4TSD) && cpl != 0 && protected_mode()) raise(vec::GP, 0);
    return tsc_ticks(*this) + tsc_offset;
}

// ---- SYSCALL, SYSRET, SWAPGS (SDM vol. 2; Intel's rules: only in 64-bit mode) ---------------

namespace {
// The flat segments SYSCALL and SYSRET load (their descriptors are not read): 64-bit code,
// 32-bit code and data, each present, accessed, 4 GiB, at the given DPL.
constexpr std::uint16_t kAttrCode64 = 0xA9B, kAttrCode32 = 0xC9B, kAttrData = 0xC93, kAttrDpl3 = 0x60;
}  // namespace

void Cpu::syscall(std::uint64_t next_rip) {
    if (!(efer & kEferSCE) || !code64()) raise(vec::UD);
    const auto cs = static_cast<std::uint16_t>((star >> 32) & 0xFFFC);
    const std::uint32_t old = flags();
    gpr[1] = next_rip;   // RCX
    gpr[11] = old & ~kRF;  // R11
    set_flags(old & ~static_cast<std::uint32_t>(sfmask) & ~kRF);
    seg[CS] = Segment{cs, 0, 0xFFFFFFFF, kAttrCode64};
    seg[SS] = Segment{static_cast<std::uint16_t>(cs + 8), 0, 0xFFFFFFFF, kAttrData};
    cpl = 0;
    rip = lstar;
    tlb.fetch_tag = TlbEntry::kInvalid;
}

void Cpu::sysret(unsigned osize) {
    if (!(efer & kEferSCE) || !code64()) raise(vec::UD);
    if (cpl != 0) raise(vec::GP, 0);
    const auto base = static_cast<std::uint16_t>(star >> 48);
    if (osize == 8) {
        // Intel faults at CPL 0 on a non-canonical RCX (before anything changes).
        const std::uint64_t target = canonical_or_gp(*this, gpr[1]);
        seg[CS] = Segment{static_cast<std::uint16_t>((base + 16) | 3), 0, 0xFFFFFFFF, kAttrCode64 | kAttrDpl3};
        rip = target;
    } else {
        seg[CS] = Segment{static_cast<std::uint16_t>(base | 3), 0, 0xFFFFFFFF, kAttrCode32 | kAttrDpl3};
        rip = static_cast<std::uint32_t>(gpr[1]);
    }
    seg[SS] = Segment{static_cast<std::uint16_t>((base + 8) | 3), 0, 0xFFFFFFFF, kAttrData | kAttrDpl3};
    set_flags((static_cast<std::uint32_t>(gpr[11]) & ~(kRF | kVM)) | 2);
    cpl = 3;
    tlb.fetch_tag = TlbEntry::kInvalid;
}

void Cpu::swapgs() {
    if (!code64()) raise(vec::UD);
    if (cpl != 0) raise(vec::GP, 0);
    const std::uint64_t gs = seg[GS].base;
    seg[GS].base = kernel_gs_base;
    kernel_gs_base = gs;
}

// ---- RESET and INIT (SDM table 9-1) ----------------------------------------------------------

namespace {
// The register state RESET and INIT share.
void power_on_registers(Cpu& c) {
    for (auto& r : c.gpr) r = 0;
    c.gpr[kEdx] = signature(c);
    c.set_flags(2);
    for (auto& s : c.seg) s = Segment{0, 0, 0xFFFF, 0x93};
    c.seg[CS] = Segment{0xF000, 0xFFFF0000, 0xFFFF, 0x9B};
    c.rip = 0xFFF0;
    c.gdtr = c.idtr = DescriptorTable{0, 0xFFFF};
    c.ldtr = Segment{0, 0, 0xFFFF, 0x82};
    c.tr = Segment{0, 0, 0xFFFF, 0x8B};
    c.cr2 = c.cr3 = c.cr4 = c.efer = c.cr8 = 0;
    for (auto& p : c.pdpte) p = 0;
    for (auto& d : c.dr) d = 0;
    c.dr[6] = 0xFFFF0FF0;
    c.dr[7] = 0x400;
    c.cpl = 0;
    c.halted = c.interrupt_shadow = c.shutdown = c.nmi_blocked = false;
    c.tlb.flush_all();
}
}  // namespace

void Cpu::reset_state() {
    power_on_registers(*this);
    cr0 = 0x60000010;
    wait_for_sipi = false;
    apic_base = 0xFEE00800 | (config.apic_id == 0 ? 0x100 : 0);
    sysenter_cs = 0;
    sysenter_esp = sysenter_eip = 0;
    pat = 0x0007040600070406ull;
    mtrr_def_type = 0;
    for (auto& m : mtrr_fixed) m = 0;
    for (auto& m : mtrr_var) m = 0;
    misc_enable = 1;
    star = lstar = cstar = sfmask = kernel_gs_base = 0;
    feature_control = 0;
    tsc_offset = 0 - tsc_ticks(*this);
    pending_nmi = pending_init = false;
    pending_sipi = -1;
    fpu_reset(fpu);
}

// INIT keeps the x87/SSE state, the MSRs (MTRRs, PAT, APIC base, SYSENTER) and CR0.CD/NW;
// an application processor then waits for a start-up IPI.
void Cpu::init_state() {
    const std::uint64_t cache_bits = cr0 & (kCr0CD | kCr0NW);
    power_on_registers(*this);
    cr0 = 0x00000010 | cache_bits;
    wait_for_sipi = !(apic_base & 0x100);
}

}  // namespace emu::x86
