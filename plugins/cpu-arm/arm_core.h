// The embedder-facing API of the ARMv7-A (Cortex-A15) CPU core: what an accelerator and the
// tests use. Everything else in plugins/cpu-arm is internal.
//
// Threading: one thread runs a core (run(), register access, reset(), timer queries, tracing);
// set_irq(), set_fiq(), request_stop(), interrupt_pending() and interrupt_deliverable() may be
// called from any thread. Several cores may share one AddressSpace (SMP): inner-shareable TLB
// maintenance and SEV are broadcast between them, exclusives are host compare-and-swaps.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "emu/memory.h"
#include "vfp.h"

namespace emu::arm {

class ArmCore;
class Cpu;

struct ArmConfig {
    std::uint32_t mpidr_affinity = 0;        // Aff0..Aff2 of this CPU
    std::uint32_t reset_pc = 0;              // where the CPU starts after reset()
    std::function<std::uint64_t()> counter;  // generic timer counter (CNTFRQ ticks); may be empty
                                             // (then the count of executed instructions is used)
    std::uint32_t cntfrq = 62500000;
    // Called for HVC (the virt board's PSCI conduit) and SMC: return true if handled (the core
    // then continues after the instruction; the handler may change registers), false to take
    // the architectural exception (both are UNDEFINED here: no Hyp mode, no Security Extensions).
    std::function<bool(ArmCore&, std::uint32_t imm, bool is_smc)> on_hvc_smc;
    // Test harness hook: when set, SVC calls this instead of taking the exception (true = handled).
    std::function<bool(ArmCore&, std::uint32_t imm)> on_svc;
    // Optional: called (on the CPU thread) when the guest reprograms a generic timer, so the
    // embedder can re-read timer_irq_asserted()/next_timer_deadline().
    std::function<void(ArmCore&)> on_timer_change;
    // Compile hot blocks to host code (x86-64 hosts; elsewhere ignored). The environment
    // variable EMU_ARM_JIT=0 turns it off too.
    bool jit = true;
};

enum class StopReason {
    Budget,      // max_instructions executed
    Wfi,         // WFI with no interrupt line asserted: sleep until set_irq/set_fiq
    Halted,      // request_stop() (a hook or another thread asked to stop)
    Breakpoint,  // reached an address given to add_breakpoint() (PC = that address)
    Yield,       // WFE with no event pending: a hint to run another CPU (SMP spin-wait)
};

class ArmCore {
public:
    ArmCore(emu::AddressSpace& memory, ArmConfig config);
    ~ArmCore();
    ArmCore(const ArmCore&) = delete;
    ArmCore& operator=(const ArmCore&) = delete;

    // Cold reset: SVC mode, IRQ/FIQ/async aborts masked, MMU and caches off, PC = reset_pc.
    void reset();
    // Executes until the budget is used, WFI (no interrupt line asserted), WFE without event
    // (Yield) or request_stop().
    StopReason run(std::uint64_t max_instructions);
    std::uint64_t instructions_executed() const;
    void request_stop();  // thread-safe: run() returns at the next block boundary
    void set_irq(bool level);  // thread-safe level inputs, sampled between blocks
    void set_fiq(bool level);
    // An IRQ/FIQ line is asserted. Note: this ignores CPSR.I/F, because WFI wakes on an asserted
    // interrupt even when it is masked (Linux idles with interrupts masked); use
    // interrupt_deliverable() for "would be taken now".
    bool interrupt_pending() const;
    bool interrupt_deliverable() const;

    // Registers of the current mode; 15 = PC (the address of the next instruction to execute).
    std::uint32_t reg(unsigned n) const;
    void set_reg(unsigned n, std::uint32_t value);
    std::uint32_t cpsr() const;
    void set_cpsr(std::uint32_t value);  // switches mode/banks like an exception return would
    std::uint32_t spsr() const;
    VfpState& vfp();
    std::uint32_t cp15_read(unsigned crn, unsigned opc1, unsigned crm, unsigned opc2);
    void cp15_write(unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, std::uint32_t value);

    // Generic timer outputs: 0 = physical (CNTP), 1 = virtual (CNTV). The deadline is in counter
    // ticks (UINT64_MAX if no unmasked enabled timer); it may be in the past when asserted.
    // Call on the CPU thread (between run() calls or from on_timer_change).
    bool timer_irq_asserted(int which) const;
    std::uint64_t next_timer_deadline() const;

    // Tracing (-d in_asm,int,exec): disabled by default and free when disabled.
    void set_trace(std::function<void(const std::string&)> sink, bool in_asm, bool interrupts,
                   bool exec);

    // Decoded-code maintenance for the embedder: call after writing guest code behind the CPU's
    // back (loader, DMA without a following guest icache invalidate).
    void invalidate_code(std::uint64_t physical_address, std::uint64_t length);
    void flush_code_cache();

    // Debugger support: run() stops before executing an instruction at a breakpoint address
    // (except the one it resumes at); translate_debug() walks the current translation regime
    // without permission checks or TLB side effects (false: no translation).
    void add_breakpoint(std::uint32_t va);
    void remove_breakpoint(std::uint32_t va);
    bool translate_debug(std::uint32_t va, std::uint64_t& physical_address);

    AddressSpace& memory();
    Cpu& internal() { return *cpu_; }

private:
    std::unique_ptr<Cpu> cpu_;
};

}  // namespace emu::arm
