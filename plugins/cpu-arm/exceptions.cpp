// Exception entry and return, CPSR writes, interrupt sampling and cold reset.
// ARMv7-A without Security/Virtualization Extensions: entry modes und/svc/abt/irq/fiq, LR
// offsets per ARM ARM B1.8, vectors at VBAR or 0xffff0000 (SCTLR.V).
#include <cstdio>

#include "cpu.h"

namespace emu::arm {

namespace {
const char* exc_name(Cpu::Exc e) {
    switch (e) {
    case Cpu::Exc::Reset: return "reset";
    case Cpu::Exc::Undef: return "undef";
    case Cpu::Exc::Svc: return "svc";
    case Cpu::Exc::PrefetchAbort: return "prefetch abort";
    case Cpu::Exc::DataAbort: return "data abort";
    case Cpu::Exc::Irq: return "irq";
    default: return "fiq";
    }
}
}  // namespace

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

// preferred_return is the value written to LR (already including the mode's offset).
void Cpu::take_exception(Exc e, std::uint32_t lr_value, std::uint32_t spsr_value) {
    std::uint32_t new_mode, offset, extra_mask;
    switch (e) {
    case Exc::Reset: new_mode = kModeSvc; offset = 0x00; extra_mask = kPsrA | kPsrF; break;
    case Exc::Undef: new_mode = kModeUnd; offset = 0x04; extra_mask = 0; break;
    case Exc::Svc: new_mode = kModeSvc; offset = 0x08; extra_mask = 0; break;
    case Exc::PrefetchAbort: new_mode = kModeAbt; offset = 0x0c; extra_mask = kPsrA; break;
    case Exc::DataAbort: new_mode = kModeAbt; offset = 0x10; extra_mask = kPsrA; break;
    case Exc::Irq: new_mode = kModeIrq; offset = 0x18; extra_mask = kPsrA; break;
    default: new_mode = kModeFiq; offset = 0x1c; extra_mask = kPsrA | kPsrF; break;
    }
    if (trace_int && trace_sink)
        trace("Taking exception " + std::string(exc_name(e)) + " [lr=" + hex32(lr_value) +
              " spsr=" + hex32(spsr_value) + "]");
    switch_mode(new_mode);
    r[14] = lr_value;
    spsr() = spsr_value;
    aif |= kPsrI | extra_mask;
    thumb = (cp15.sctlr & kSctlrTE) != 0;
    itstate = 0;
    const std::uint32_t base = (cp15.sctlr & kSctlrV) ? 0xffff0000u : (cp15.vbar & ~0x1fu);
    r[15] = base + offset;
}

int Cpu::raise_undef(const Insn& in) {
    restore_pc(in);
    const std::uint32_t addr = insn_addr();
    take_exception(Exc::Undef, addr + (thumb ? 2 : 4), cpsr_with_it(in.it));
    return kExit;
}

int Cpu::raise_svc(const Insn& in) {
    restore_pc(in);
    const std::uint32_t addr = insn_addr();
    take_exception(Exc::Svc, addr + in.size, cpsr_with_it(in.it_next));
    return kExit;
}

int Cpu::raise_data_abort(const Insn& in) {
    restore_pc(in);
    const std::uint32_t addr = insn_addr();
    std::uint32_t fsr = fsr_for_current_format(fault_fsr);
    if (fault_write) fsr |= 1u << 11;  // WnR
    cp15.dfsr = fsr;
    cp15.dfar = fault_far;
    if (trace_int && trace_sink) trace("Data abort: dfsr=" + hex32(fsr) + " dfar=" + hex32(fault_far));
    take_exception(Exc::DataAbort, addr + 8, cpsr_with_it(in.it));
    return kExit;
}

// Called at a block boundary (itstate exact) or by BKPT (itstate set by the caller).
void Cpu::raise_prefetch_abort(std::uint32_t insn_address, std::uint32_t fsr, std::uint32_t far) {
    fsr = fsr_for_current_format(fsr);
    cp15.ifsr = (fsr & (1u << 9)) ? fsr : (fsr & ~0xf0u);  // no domain field in the IFSR
    cp15.ifar = far;
    if (trace_int && trace_sink) trace("Prefetch abort: ifsr=" + hex32(cp15.ifsr) + " ifar=" + hex32(far));
    take_exception(Exc::PrefetchAbort, insn_address + 4, cpsr());
}

bool Cpu::check_interrupts() {
    const std::uint32_t p = pending.load(std::memory_order_acquire);
    // r[15] is the next instruction; LR = next + 4 for both.
    if ((p & kPendFiq) && !(aif & kPsrF)) {
        take_exception(Exc::Fiq, r[15] + 4, cpsr());
        return true;
    }
    if ((p & kPendIrq) && !(aif & kPsrI)) {
        take_exception(Exc::Irq, r[15] + 4, cpsr());
        return true;
    }
    return false;
}

// CPSR <- value as an exception return does (all fields; mode change if the new mode is valid).
void Cpu::write_cpsr_full(std::uint32_t value) {
    ArmState::set_nzcv(value);
    QF = (value >> 27) & 1;
    GE = (value >> 16) & 15;
    std::uint32_t m = value & kPsrM;
    if (mode_valid(m)) switch_mode(m);
    aif = value & (kPsrA | kPsrI | kPsrF);
    thumb = (value & kPsrT) != 0;
    itstate = it_from_cpsr(value);
}

// MSR CPSR: byte_mask selects the bytes written. At PL0 only the APSR (flags, GE) changes.
void Cpu::write_cpsr_msr(std::uint32_t value, std::uint32_t mask) {
    if (mask & 0xff000000u) {
        ArmState::set_nzcv(value);
        QF = (value >> 27) & 1;
    }
    if (mask & 0x00ff0000u) GE = (value >> 16) & 15;
    if (priv == 0) return;
    if (mask & 0x0000ff00u) aif = (aif & ~kPsrA) | (value & kPsrA);  // E is not writable (LE only)
    if (mask & 0x000000ffu) {
        aif = (aif & kPsrA) | (value & (kPsrI | kPsrF));
        std::uint32_t m = value & kPsrM;
        if (mode_valid(m)) switch_mode(m);
    }
}

int Cpu::exception_return(std::uint32_t new_pc, std::uint32_t new_cpsr) {
    write_cpsr_full(new_cpsr);
    r[15] = new_pc & (thumb ? ~1u : ~3u);
    if (trace_int && trace_sink) trace("Exception return to " + hex32(r[15]) + " cpsr=" + hex32(cpsr()));
    return kExit;
}

void Cpu::reset() {
    for (auto& v : r) v = 0;
    for (auto& v : usr_r8_12) v = 0;
    for (auto& v : fiq_r8_12) v = 0;
    for (int i = 0; i < 6; ++i) bank_r13[i] = bank_r14[i] = bank_spsr[i] = 0;
    mode = kModeSvc;
    priv = 1;
    NF = VF = CF = QF = GE = 0;
    ZF = 1;
    itstate = 0;
    aif = kPsrA | kPsrI | kPsrF;
    cp15 = Cp15State{};
    cp15_reset(*this);
    thumb = false;
    vfp_state = VfpState{};
    excl_valid = false;
    event_register = false;
    r[15] = config.reset_pc & ~1u;
    thumb = config.reset_pc & 1;
    tlb_flush_all();
    if (running) flush_pending = true;
    else flush_code_cache();
}

}  // namespace emu::arm
