// The run loop: pending NMI/INIT/SIPI, maskable interrupts, HLT, faults, budget.
// (Initial version; owner: the system part.)
#include "cpu.h"

namespace emu::x86 {

StopReason run_cpu(Cpu& cpu, std::uint64_t max_instructions) {
    std::uint64_t done = 0;
    while (done < max_instructions) {
        if (cpu.stop_requested.exchange(false, std::memory_order_acq_rel)) return StopReason::Stopped;
        if (cpu.shutdown) return StopReason::Shutdown;
        if (!cpu.interrupt_shadow && (cpu.flags() & kIF) && cpu.interrupt_source &&
            cpu.interrupt_source->interrupt_pending()) {
            cpu.halted = false;
            cpu.deliver(cpu.interrupt_source->acknowledge(), IntKind::External, false, 0, cpu.rip);
        }
        if (cpu.halted) return StopReason::Halted;
        cpu.interrupt_shadow = false;
        const std::uint64_t start_rip = cpu.rip, start_rsp = cpu.gpr[kEsp];
        try {
            cpu.step();
        } catch (const Fault& f) {
            cpu.rip = start_rip;
            cpu.gpr[kEsp] = start_rsp;
            cpu.deliver(f.vector, IntKind::Exception, f.has_error, f.error, start_rip);
        }
        ++cpu.instructions;
        ++done;
    }
    return StopReason::Budget;
}

}  // namespace emu::x86
