// The software x86 CPU devices (qemu32, and qemu64 registered as "qemu64-tcg"): X86Core behind
// the SDK's SoftwareCpu, run by tcg.
//
// Each CPU sees memory through its own address space: system memory, with the CPU's local
// APIC page in front of it at IA32_APIC_BASE (a CPU's accesses there reach its own APIC; a
// device's DMA to the same address is an MSI, which the board's system memory routes to the
// interrupt controller). Port I/O goes to the board's I/O space (X86Machine::io_space()).
// The device is the APIC bus's view of its local APIC (X86LocalApic, forwarded), and the gdb
// stub's target (gdb.cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <emu/cpu.h>
#include <emu/event_loop.h>
#include <emu/gdb.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/property.h>
#include <emu/x86.h>

#include "apic.h"
#include "x86_core.h"

namespace emu::x86 {

enum class BootMode { Flat32, Real };

class X86SoftCpu final : public SoftwareCpu, public X86LocalApic, public GdbTarget {
public:
    static void class_init(ClassBuilder<X86SoftCpu>& c);

    // x86_64: the qemu64 model (long mode, SYSCALL, NX; X86Config::x86_64), else qemu32.
    explicit X86SoftCpu(bool x86_64 = false) : x86_64_(x86_64) {}
    ~X86SoftCpu() override;

    // SoftwareCpu
    void reset() override;

    ExecResult execute(std::uint64_t budget) override;

    bool has_work() const override { return core_ && core_->has_work(); }
    void stop_execution() override {
        if (core_) core_->request_stop();
    }
    std::uint64_t instructions_executed() const override { return core_ ? core_->instructions_executed() : 0; }

    // X86LocalApic: the bus talks to the APIC through its CPU device.
    std::uint32_t apic_id() const override { return apic_->apic_id(); }
    void deliver(const X86ApicMessage& message) override { apic_->deliver(message); }
    bool matches(bool logical, std::uint32_t destination) const override {
        return apic_->matches(logical, destination);
    }
    unsigned arbitration_priority() const override { return apic_->arbitration_priority(); }
    void set_lint(unsigned pin, bool level) override { apic_->set_lint(pin, level); }
    void connect_bus(X86ApicBus& bus) override { apic_->set_bus(&bus); }

    // GdbTarget (gdb.cpp): gdb's i386 numbering (qemu32) or i386:x86-64 with SSE (qemu64).
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

protected:
    void do_realize() override;

    void do_unrealize() override;

private:
    ExecResult execute_for_debugger(std::uint64_t budget);  // gdb.cpp

    // Map the APIC page where IA32_APIC_BASE says, or not at all while it is disabled.
    void place_apic(std::uint64_t base);

    // -d in_asm,int,exec [-D file]
    void setup_trace(const MachineConfig& config);

    bool x86_64_ = false;
    BootMode boot_mode_ = BootMode::Flat32;
    EventLoop* loop_ = nullptr;
    std::unique_ptr<MemoryRegion> view_, system_alias_;
    std::unique_ptr<AddressSpace> space_;
    std::unique_ptr<X86Core> core_;
    std::unique_ptr<LocalApic> apic_;
    bool apic_mapped_ = false;

    // Debugger state (gdb.cpp); changed only while the vCPU is paused.
    std::vector<std::uint64_t> gdb_breakpoints_;  // linear addresses, also given to the core
    bool gdb_single_step_ = false;
    std::optional<std::uint64_t> gdb_stopped_at_;  // linear address of the last breakpoint stop
};

}  // namespace emu::x86
