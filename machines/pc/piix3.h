// The PIIX3 PCI-to-ISA bridge, function 01.0 of the `pc` board (type "PIIX3"; board-created
// only). It is the board's ISA bus (it implements "isa-bus", sdk isa.h: mmio(0) is the I/O-port
// space, gpio_in("", n) ISA IRQ n), so -device ISA cards plug into it, and it routes the PCI
// interrupt lines PIRQA-D to ISA IRQs through its registers 0x60-0x63 (bit 7 set: disabled;
// bits 3-0 the IRQ), as firmware programs them and the ACPI link devices rewrite them. Each ISA
// IRQ a PIRQ reaches is the wired OR of the PIRQs routed there (level-triggered; firmware marks
// them so in the ELCR, which the interrupt controller models).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include <emu/irq.h>
#include <emu/pci.h>

namespace emu::pc {

class Piix3 final : public PciDevice {
public:
    static constexpr unsigned kPirqRoute = 0x60;
    static constexpr unsigned kPirqs = 4;

    // Set by the board before realize: the I/O-port space, and ISA IRQ n's line.
    MemoryRegion* io_space = nullptr;
    std::function<IrqLine(unsigned irq)> isa_irq;

    PciIds ids() const override;
    void config_write(unsigned offset, std::uint32_t value, unsigned size) override;
    void reset() override;
    // PCI INTx: PIRQ line (0..3) changed level (the bus's wired OR of the devices on it).
    void set_pirq(unsigned pirq, bool level);
    // The board's PCI INTx swizzle: device slot's pin (0 = INTA) -> PIRQ (QEMU's and SeaBIOS's).
    static unsigned pirq_of(std::uint8_t devfn, unsigned pin) { return (pin + (devfn >> 3) - 1) & 3; }

protected:
    void realize_pci() override;

private:
    void route();

    std::array<bool, kPirqs> pirq_level_{};
    std::array<bool, 16> driven_{};     // what this bridge drives on each ISA IRQ
};

}  // namespace emu::pc
