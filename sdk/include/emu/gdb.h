// The CPU side of the gdb remote stub (-s, -gdb tcp::PORT).
//
// The stub lives in the core and speaks gdb's remote serial protocol; a CPU model that wants to
// be debugged implements GdbTarget next to its Cpu base. Threading: the stub calls every
// gdb_* function on the loop thread while the accelerator has paused all vCPUs, so a CPU needs
// no locking for them. The one call the other way, report_debug_stop(), happens on the vCPU's
// own thread; its execute() then returns SoftwareCpu::ExecResult::Debug, which keeps that vCPU
// paused until the accelerator's next start().
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace emu {

// Z0..Z4 of the protocol.
enum class GdbBreakpointType { Software, Hardware, WriteWatchpoint, ReadWatchpoint, AccessWatchpoint };

enum class DebugStopReason {
    Breakpoint,  // about to execute an instruction at a breakpoint address
    Step,        // one instruction executed under gdb_set_single_step(true)
};

class GdbTarget {
public:
    virtual ~GdbTarget();

    // The target description document named annex ("target.xml" and anything it includes),
    // or nothing for an unknown annex. It defines the register numbers used below.
    virtual std::optional<std::string> gdb_target_xml(std::string_view annex) const = 0;

    // Registers, in the target description's numbering. Numbers without a register (gaps in
    // the numbering) have size 0. Values are in the target's byte order, size bytes each.
    virtual unsigned gdb_register_count() const = 0;
    virtual unsigned gdb_register_size(unsigned regnum) const = 0;
    virtual bool gdb_read_register(unsigned regnum, std::span<std::uint8_t> value) = 0;
    virtual bool gdb_write_register(unsigned regnum, std::span<const std::uint8_t> value) = 0;

    // Memory at a virtual address as this CPU sees it now: translated through its MMU without
    // faults or TLB side effects, RAM and ROM only (never a device register, whose read could
    // change the device). False when any byte cannot be reached. A write makes the CPUs drop
    // decoded code it overlaps.
    virtual bool gdb_read_memory(std::uint64_t address, std::span<std::uint8_t> out) = 0;
    virtual bool gdb_write_memory(std::uint64_t address, std::span<const std::uint8_t> data) = 0;

    // False from insert: the type is not supported (the stub answers "unsupported"). length is
    // gdb's "kind" for breakpoints and the watched length for watchpoints.
    virtual bool gdb_insert_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t length) = 0;
    virtual bool gdb_remove_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t length) = 0;
    virtual void gdb_remove_all_breakpoints() = 0;

    // While on, each execute() runs one instruction and then reports DebugStopReason::Step.
    virtual void gdb_set_single_step(bool on) = 0;

    // Installed by the stub (an empty function removes it).
    void set_debug_stop_handler(std::function<void(DebugStopReason)> handler) { stop_handler_ = std::move(handler); }

protected:
    // For the CPU model, on its vCPU thread, right before execute() returns ExecResult::Debug.
    void report_debug_stop(DebugStopReason reason) const {
        if (stop_handler_) stop_handler_(reason);
    }

private:
    std::function<void(DebugStopReason)> stop_handler_;
};

}  // namespace emu
