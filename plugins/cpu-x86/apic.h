// The local APIC of emu's software x86 CPUs (Intel SDM vol. 3, chapter 10; xAPIC mode): the
// 4 KiB register page the CPU reaches at IA32_APIC_BASE, IRR/ISR/TMR and priority, the LVT
// (timer on the virtual clock, LINT0/LINT1, error), the ICR sending IPIs over the APIC bus, and
// the InterruptSource the core takes maskable interrupts from (ExtINT through LINT0 asks the
// 8259 for its vector).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <emu/x86.h>

#include "x86_core.h"

namespace emu {
class EventLoop;
class MemoryRegion;
}  // namespace emu

namespace emu::x86 {

class LocalApic final : public X86LocalApic, public InterruptSource {
public:
    // kick wakes the owning CPU's thread (it may be halted); core is that CPU.
    LocalApic(EventLoop& loop, std::uint32_t id, X86Core& core, std::function<void()> kick);
    ~LocalApic() override;

    // The register page, for the CPU's own address space at apic_base & ~0xFFF.
    MemoryRegion& mmio();
    void set_bus(X86ApicBus* bus);
    // RESET/INIT state (SDM 10.4.7.1): LVT masked, SVR 0xFF (software disabled), IRR/ISR clear.
    void reset();
    // IA32_APIC_BASE as the core holds it (call from config.on_apic_base and after a reset):
    // bit 11 (global enable: clear, the APIC accepts no messages and LINT0 is the CPU's INTR
    // pin) and bit 8 (BSP: a software-disabled BSP APIC passes the 8259 through, as a PC's
    // firmware expects). Before the first call: enabled, BSP when the id is 0.
    void set_apic_base(std::uint64_t value);

    // X86LocalApic
    std::uint32_t apic_id() const override;
    void deliver(const X86ApicMessage& message) override;
    bool matches(bool logical, std::uint32_t destination) const override;
    unsigned arbitration_priority() const override;
    void set_lint(unsigned pin, bool level) override;

    // InterruptSource
    bool interrupt_pending() override;
    std::uint8_t acknowledge() override;

private:
    void timer_fired();
    std::uint64_t read(std::uint64_t offset);
    void write(std::uint64_t offset, std::uint32_t value);

    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace emu::x86
