// The run loop: asynchronous events (stop, NMI, INIT, SIPI: one flag on the hot path), maskable
// interrupts, HLT, faults (EIP/ESP put back, then delivered), the single-step trap, breakpoints
// and the instruction budget.
#include <cstdio>

#include "cpu.h"

namespace emu::x86 {

namespace {

enum class Event { None, Stop, Halt };

// Consume the events other threads posted (X86Core::nmi() and friends set async_events after
// their own flag). Returns what run() must do next.
[[gnu::noinline]] Event service_events(Cpu& cpu) {
    cpu.async_events.store(0, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    cpu.sync_memory_generation();  // another CPU's device write may have moved memory
    if (cpu.stop_requested.exchange(false, std::memory_order_acq_rel)) return Event::Stop;
    if (cpu.pending_init.exchange(false, std::memory_order_acq_rel)) cpu.init_state();
    const int sipi = cpu.pending_sipi.exchange(-1, std::memory_order_acq_rel);
    if (sipi >= 0 && cpu.wait_for_sipi) {  // SIPI outside wait-for-SIPI is ignored
        cpu.wait_for_sipi = false;
        cpu.halted = false;
        cpu.seg[CS] = Segment{static_cast<std::uint16_t>(sipi << 8), static_cast<std::uint64_t>(sipi) << 12, 0xFFFF, 0x9B};
        cpu.rip = 0;
        cpu.tlb.fetch_tag = TlbEntry::kInvalid;
    }
    if (cpu.wait_for_sipi) {
        cpu.pending_nmi.store(false, std::memory_order_relaxed);  // NMIs are dropped while waiting
        return Event::Halt;
    }
    if (cpu.pending_nmi.load(std::memory_order_acquire)) {
        if (cpu.interrupt_shadow) {
            cpu.async_events.store(1, std::memory_order_relaxed);  // look again after one instruction
        } else if (!cpu.nmi_blocked) {  // else IRET re-arms async_events (run loop)
            cpu.pending_nmi.store(false, std::memory_order_relaxed);
            cpu.halted = false;
            cpu.nmi_blocked = true;
            cpu.deliver(vec::NMI, IntKind::External, false, 0, cpu.rip);
        }
    }
    return Event::None;
}

void trace_instruction(Cpu& cpu) {
    char line[64];
    if (cpu.code64())
        std::snprintf(line, sizeof line, "exec: %04x:%016llx", cpu.seg[CS].selector,
                      static_cast<unsigned long long>(cpu.rip));
    else
        std::snprintf(line, sizeof line, "exec: %04x:%08x", cpu.seg[CS].selector, static_cast<unsigned>(cpu.rip));
    cpu.trace(line);
}

std::uint64_t pc(const Cpu& cpu) {
    const std::uint64_t linear = cpu.seg[CS].base + cpu.rip;
    return cpu.code64() ? linear : linear & 0xFFFFFFFFu;
}

bool at_breakpoint(const Cpu& cpu) {
    const std::uint64_t linear = pc(cpu);
    for (std::uint64_t b : cpu.breakpoints)
        if (b == linear) return true;
    return false;
}

}  // namespace

StopReason run_cpu(Cpu& cpu, std::uint64_t max_instructions) {
    cpu.sync_memory_generation();
    if (cpu.shutdown) return StopReason::Shutdown;
    // Breakpoints and per-instruction tracing are set while the CPU is stopped.
    const bool hooks = !cpu.breakpoints.empty() || cpu.trace_instructions;
    if (cpu.wait_for_sipi && !cpu.async_events.load(std::memory_order_acquire)) return StopReason::Halted;
    // The instruction run() resumes at does not stop at its own breakpoint (an interrupt taken
    // first moves on, so its handler's first instruction still can).
    bool first = true;
    const std::uint64_t resume_pc = pc(cpu);
    for (std::uint64_t done = 0; done < max_instructions;) {
        if (cpu.async_events.load(std::memory_order_acquire)) [[unlikely]] {
            const Event e = service_events(cpu);
            if (e == Event::Stop) return StopReason::Stopped;
            if (e == Event::Halt) return StopReason::Halted;
            if (cpu.shutdown) return StopReason::Shutdown;
        }
        // IF and TF straight from eflags_: only arithmetic flags may be kept lazily (cpu.h).
        const std::uint32_t fl = cpu.eflags_;
        if ((fl & kIF) && !cpu.interrupt_shadow && cpu.interrupt_source &&
            cpu.interrupt_source->interrupt_pending()) {
            cpu.halted = false;
            cpu.deliver(cpu.interrupt_source->acknowledge(), IntKind::External, false, 0, cpu.rip);
            if (cpu.shutdown) return StopReason::Shutdown;
            ++done;
            continue;  // the handler's first instruction goes through the checks again
        }
        if (cpu.halted) return StopReason::Halted;
        if (hooks) [[unlikely]] {
            if (at_breakpoint(cpu) && !(first && pc(cpu) == resume_pc)) return StopReason::Breakpoint;
            if (cpu.trace_instructions) trace_instruction(cpu);
        }
        first = false;
        // One instruction at a time under the single-step trap, breakpoints/tracing, and right
        // after STI/MOV SS (an interrupt is due after exactly that one); otherwise a decoded
        // block, with the checks above between blocks. Blocks end at every jump, mode change,
        // MMIO access and store into their own page, so interrupts raised by the guest's own
        // accesses are still taken at the next instruction boundary; other threads' events
        // wait at most one block.
        const bool single = hooks || (fl & kTF) || cpu.interrupt_shadow;
        cpu.interrupt_shadow = false;
        const bool nmi_was_blocked = cpu.nmi_blocked;
        std::uint64_t start_rip = cpu.rip, start_rsp = cpu.gpr[kEsp];
        const std::uint64_t before = cpu.instructions;
        try {
            std::uint64_t n = 0;
            if (!single) n = cpu.run_block(max_instructions - done, start_rip, start_rsp);
            if (n) {
                done += n;
            } else {
                cpu.step();
                ++cpu.instructions;
                ++done;
                if (fl & kTF) [[unlikely]] {  // single-step trap after the instruction (SDM 17.3.1.4)
                    cpu.dr[6] |= 0x4000;       // DR6.BS
                    cpu.deliver(vec::DB, IntKind::Exception, false, 0, cpu.rip);
                }
            }
        } catch (const Fault& f) {
            done += cpu.instructions - before + 1;  // the completed ones and the faulting one
            cpu.exec_page = nullptr;
            cpu.rip = start_rip;
            cpu.gpr[kEsp] = start_rsp;
            cpu.deliver(f.vector, IntKind::Exception, f.has_error, f.error, start_rip);
        }
        if (cpu.shutdown) [[unlikely]] return StopReason::Shutdown;
        // IRET unblocked NMIs: take one that waited.
        if (nmi_was_blocked && !cpu.nmi_blocked && cpu.pending_nmi.load(std::memory_order_relaxed))
            cpu.async_events.store(1, std::memory_order_relaxed);
    }
    return StopReason::Budget;
}

}  // namespace emu::x86
