// CPUs and accelerators.
//
// A CPU model (cortex-a15, ...) is a Device of abstract type "cpu". The board creates its CPUs
// by type name, sets their properties, realizes them and hands them to the accelerator, which
// runs each on its own host thread named after the CPU ("CPU 0/cortex-a15").
//
// An accelerator is an object of abstract type "accel" (kvm, tcg). Software CPUs implement
// SoftwareCpu::execute(); the "tcg" accelerator runs them. Hardware accelerators (kvm)
// drive their own CPU objects. Optional capabilities are further interfaces an accelerator
// may implement, found with dynamic_cast: X86InterruptController (x86.h), IoEventAccelerator
// (ioevent.h: ioeventfd/irqfd).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "emu/device.h"

namespace emu {

class Machine;

class Cpu : public Device {
public:
    // Position of this CPU in the machine (0..smp-1), set by the board before realize.
    unsigned index() const { return index_; }
    void set_index(unsigned index) { index_ = index; }

    // Architectural reset (the board's reset, or a PSCI CPU_ON). Then, if the board set a
    // boot state, the CPU starts there instead of at its reset vector.
    virtual void reset() = 0;

    // Where a boot loader leaves this CPU: the entry point and the first argument registers
    // (ARM: r0, r1, r2...; Thumb entry when entry has bit 0 set). Applied by every reset().
    struct BootState {
        std::uint64_t entry = 0;
        std::vector<std::uint64_t> args;
    };
    void set_boot_state(BootState state) { boot_state_ = std::move(state); }
    const std::optional<BootState>& boot_state() const { return boot_state_; }

    // Called by interrupt sources (from any thread): wake the CPU's thread so it notices.
    // The accelerator installs the mechanism.
    void kick() const {
        if (kick_) kick_();
    }
    void set_kick(std::function<void()> kick) { kick_ = std::move(kick); }

    // Powered off CPUs (secondaries before PSCI CPU_ON) are not run.
    bool powered() const { return powered_.load(std::memory_order_acquire); }
    void set_powered(bool on) {
        powered_.store(on, std::memory_order_release);
        kick();
    }

private:
    std::optional<BootState> boot_state_;
    unsigned index_ = 0;
    std::function<void()> kick_;
    std::atomic<bool> powered_{true};
};

// A CPU emulated in software, run by the "tcg" accelerator.
class SoftwareCpu : public Cpu {
public:
    enum class ExecResult {
        Budget,   // ran its budget; call again
        Halted,   // WFI/HLT: sleep until has_work()
        Stopped,  // stop_execution() was called
        Debug,    // stopped for the debugger (gdb.h): stay paused until the accelerator's next start()
    };
    // Run up to budget instructions on the calling (vCPU) thread.
    virtual ExecResult execute(std::uint64_t budget) = 0;
    // An interrupt is pending that ends a halt.
    virtual bool has_work() const = 0;
    // Thread-safe: make a running execute() return soon.
    virtual void stop_execution() = 0;
    virtual std::uint64_t instructions_executed() const = 0;
};

// Index of the CPU running on this thread, or -1 on other threads (devices with banked
// per-CPU registers, like the GIC's CPU interface, use it).
int current_cpu_index();
void set_current_cpu_index(int index);

class Accelerator : public Object {
public:
    // Prepare for this machine (open /dev/kvm, create the VM...). Throws Error if unusable.
    virtual void init(Machine& machine) = 0;
    virtual void add_cpu(Cpu& cpu) = 0;
    // Start or resume every CPU's thread; pause them all (returns when all are paused).
    virtual void start() = 0;
    virtual void pause() = 0;
    // Stop and join the threads (emu is exiting).
    virtual void shutdown() = 0;
};

}  // namespace emu
