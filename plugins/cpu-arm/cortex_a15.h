// The cortex-a15 CPU device: ArmCore behind the SDK's SoftwareCpu interface.
#pragma once

#include <memory>
#include <optional>

#include <emu/cpu.h>
#include <emu/event_loop.h>
#include <emu/gdb.h>
#include <emu/machine.h>
#include <emu/property.h>

#include "arm_core.h"

namespace emu::arm {

enum class PsciConduit { None, Hvc, Smc };

class CortexA15 final : public SoftwareCpu, public GdbTarget {
public:
    static void class_init(ClassBuilder<CortexA15>& c);

    // SoftwareCpu
    void reset() override;
    ExecResult execute(std::uint64_t budget) override;
    bool has_work() const override;
    void stop_execution() override;
    std::uint64_t instructions_executed() const override;

    // GdbTarget (gdb.cpp)
    std::optional<std::string> gdb_target_xml(std::string_view annex) const override;
    unsigned gdb_register_count() const override;
    unsigned gdb_register_size(unsigned regnum) const override;
    bool gdb_read_register(unsigned regnum, std::span<std::uint8_t> value) override;
    bool gdb_write_register(unsigned regnum, std::span<const std::uint8_t> value) override;
    bool gdb_read_memory(std::uint64_t address, std::span<std::uint8_t> out) override;
    bool gdb_write_memory(std::uint64_t address, std::span<const std::uint8_t> data) override;
    bool gdb_insert_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t length) override;
    bool gdb_remove_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t length) override;
    void gdb_remove_all_breakpoints() override;
    void gdb_set_single_step(bool on) override;

    ArmCore& core() { return *core_; }
    std::uint32_t mpidr() const { return 0x80000000u | affinity_; }
    // Every realized cortex-a15 of the same machine (PSCI CPU_ON looks targets up here).
    std::vector<CortexA15*> siblings() const;

protected:
    void do_realize() override;
    void do_unrealize() override;

private:
    std::uint64_t counter_now() const;
    void setup_trace(const MachineConfig& config);
    void update_timer_outputs();  // under the big lock
    ExecResult execute_for_debugger(std::uint64_t budget);  // gdb.cpp: breakpoints set or stepping

    std::uint32_t affinity_ = 0;
    std::uint32_t reset_address_ = 0;
    std::uint64_t cntfrq_ = 62500000;
    bool start_powered_off_ = false;
    PsciConduit psci_ = PsciConduit::None;

    std::unique_ptr<ArmCore> core_;
    std::vector<IrqLine> timer_lines_ = std::vector<IrqLine>(2);  // 0: CNTP (non-secure), 1: CNTV
    bool timer_levels_[2] = {false, false};
    std::unique_ptr<Timer> timer_wakeup_;
    EventLoop* loop_ = nullptr;

    // Debugger state (gdb.cpp); changed only while the vCPU is paused.
    std::vector<std::uint32_t> gdb_breakpoints_;  // Z0/Z1 addresses, also given to the core
    bool gdb_single_step_ = false;
    std::optional<std::uint32_t> gdb_stopped_at_;  // PC of the last breakpoint stop
};

}  // namespace emu::arm
