// The ICH9 LPC interface bridge, function 1f.0 of the `q35` board (type "ICH9-LPC"; board-created
// only), with what of the ICH9 south bridge firmware and an OS use through it:
//   - the board's ISA bus: it implements "isa-bus" (sdk isa.h: mmio(0) is the I/O-port space,
//     gpio_in("", n) ISA IRQ n), so -device ISA cards plug into it;
//   - PCI interrupt routing: PIRQ A-D (0x60-0x63) and E-H (0x68-0x6b), bit 7 set = disabled,
//     bits 3-0 the ISA IRQ; every PIRQ also drives IOAPIC pin 16 + n (QEMU's q35 wiring, which
//     the DSDT's GSIA-H links describe in APIC mode);
//   - the ACPI power-management block (sdk acpi_pm.h, ICH9 layout: PM1, PM timer, GPE0,
//     SMI_EN) at PMBASE (0x40, 128 bytes) while ACPI_CNTL (0x44) bit 7 enables its decode; the
//     SCI on the IRQ ACPI_CNTL bits 2-0 select (9, 10, 11, -, 20, 21, 22, 23); the APM ports
//     0xb2/0xb3 (ACPI_ENABLE/ACPI_DISABLE);
//   - RCBA (0xf0): the 16 KiB chipset configuration window, a store-only register file in memory
//     where the guest puts it (bit 0 enables it); the D<N>IR interrupt-route registers read
//     their defaults but writing them does not change the routing (pirq_of is fixed);
//   - GEN_PMCON_1-3 (0xa0, 0xa2, 0xa4), stored only.
// Every ISA IRQ (and IOAPIC pin) is the wired OR of what drives it: ISA devices, PIRQs routed
// there and the SCI (level-triggered for PCI; firmware marks them so in the ELCR).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <emu/acpi_pm.h>
#include <emu/irq.h>
#include <emu/memory.h>
#include <emu/pci.h>

namespace emu::q35 {

class Ich9Lpc final : public PciDevice {
public:
    static constexpr unsigned kPmbase = 0x40;      // 32-bit; bit 0 reads 1 (I/O), bits 15:7
    static constexpr unsigned kAcpiCntl = 0x44;    // bit 7 ACPI_EN, bits 2:0 SCI_IRQ_SEL
    static constexpr unsigned kPirqA = 0x60;       // PIRQA-D route
    static constexpr unsigned kPirqE = 0x68;       // PIRQE-H route
    static constexpr unsigned kGenPmcon1 = 0xa0;   // 16-bit
    static constexpr unsigned kGenPmcon2 = 0xa2;
    static constexpr unsigned kGenPmcon3 = 0xa4;
    static constexpr unsigned kRcba = 0xf0;        // 32-bit; bit 0 enable, bits 31:14 base
    static constexpr unsigned kPirqs = 8;
    static constexpr unsigned kIsaIrqs = 16;
    static constexpr unsigned kGsis = 24;
    static constexpr Addr kRcbaSize = 0x4000;
    static constexpr std::uint16_t kApmBase = 0xb2;

    // Set by the board before realize: the I/O-port space, system memory (for RCBA), the
    // interrupt controller's input n (GSI: 0-15 the ISA IRQs, 16-23 IOAPIC only), and what an
    // OS's S5 (soft off) does.
    MemoryRegion* io_space = nullptr;
    MemoryRegion* system_memory = nullptr;
    std::function<IrqLine(unsigned gsi)> gsi;
    std::function<void()> power_off;

    PciIds ids() const override;
    void config_write(unsigned offset, std::uint32_t value, unsigned size) override;
    void reset() override;

    // PCI INTx: PIRQ line (0..7 = A..H) changed level (the bus's wired OR of the pins on it).
    void set_pirq(unsigned pirq, bool level);
    // The board's INTx routing, QEMU's q35 defaults (ich9_lpc_map_irq): device slot's pin
    // (0 = INTA) -> PIRQ (0 = A). Slots 0-24 use E-H rotated by slot, so neighbours spread over
    // four lines; slot 30 (a DMI-to-PCI bridge's place) E-H by pin; the chipset's own slots
    // 25-29 and 31 A-D by pin, the D<N>IR registers' power-on values.
    static unsigned pirq_of(std::uint8_t devfn, unsigned pin);

    // The power-management block, for the board (power button) and tests.
    AcpiPm* pm() const { return pm_.get(); }
    // The SCI's interrupt (GSI) as ACPI_CNTL selects it, or -1 for the reserved value.
    int sci_gsi() const;
    // PMBASE's decoded I/O address, or 0 while ACPI_CNTL disables it.
    std::uint16_t pm_io_base() const;

protected:
    void realize_pci() override;
    void unrealize_pci() override;

private:
    void set_power_on_values();
    void set_rcba_power_on_values();
    void update_pm_mapping();
    void update_rcba();
    void update_irqs();                 // drive every GSI whose wired OR changed
    std::uint8_t pirq_route(unsigned pirq) const;

    std::unique_ptr<AcpiPm> pm_;
    bool pm_mapped_ = false;
    std::unique_ptr<MemoryRegion> rcba_;
    std::vector<std::uint8_t> rcba_regs_;
    std::array<bool, kPirqs> pirq_level_{};
    std::array<bool, kIsaIrqs> isa_level_{};  // what ISA devices drive (gpio_in)
    bool sci_level_ = false;
    std::array<bool, kGsis> driven_{};        // what this bridge drives on each GSI
};

}  // namespace emu::q35
