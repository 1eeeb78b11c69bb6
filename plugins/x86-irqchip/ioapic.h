// The I/O APIC (Intel 82093AA datasheet; version 0x20 as QEMU's, which adds the EOI register
// at offset 0x40): 24 pins, each with a redirection entry that turns the pin into an APIC bus
// message. Plain state: the owner serializes (x86-irqchip keeps it under the big lock) and
// sends the messages.
//
// Edge pins deliver on a rising edge (one that arrives while masked waits for the unmask, as
// in QEMU); level pins deliver while asserted and Remote IRR is clear, and set Remote IRR until
// the local APIC's EOI of that vector (end_of_interrupt). The polarity bit is stored only:
// emu's devices drive an asserted line high.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include <emu/x86.h>

namespace emu::x86irq {

class IoApic {
public:
    static constexpr unsigned kPins = 24;
    using Send = std::function<void(const X86ApicMessage&)>;

    explicit IoApic(Send send) : send_(std::move(send)) { reset(); }

    void reset();
    void set_pin(unsigned pin, bool level);
    void end_of_interrupt(std::uint8_t vector);

    // The register window: IOREGSEL (0x00), IOWIN (0x10), EOI (0x40); 32-bit registers.
    std::uint32_t read(std::uint64_t offset);
    void write(std::uint64_t offset, std::uint32_t value);

    std::uint64_t entry(unsigned pin) const { return redirection_[pin]; }

private:
    void service(unsigned pin);

    Send send_;
    std::uint32_t id_ = 0;
    std::uint8_t select_ = 0;
    std::array<std::uint64_t, kPins> redirection_{};
    std::uint32_t lines_ = 0;    // input levels
    std::uint32_t pending_ = 0;  // edges not delivered yet (masked when they came)
};

}  // namespace emu::x86irq
