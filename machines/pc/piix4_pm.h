// The power-management function of the PIIX4, 00.3 of the `pc` board (type "PIIX4_PM";
// board-created only), as QEMU's pc has it beside the PIIX3: the ACPI register block (sdk
// acpi_pm.h) at the I/O base the firmware programs in PMBASE (0x40, 64 bytes) once PMREGMISC
// (0x80) bit 0 enables it, GPE0 at 0xafe0, the APM ports 0xb2/0xb3 (ACPI_ENABLE), the SCI on
// ISA IRQ 9. Sleep type 0 with SLP_EN (S5, soft-off) ends emu with status 0.
//
// DEVACTB (0x58) has APMC_EN preset, read-only: SeaBIOS takes it as "SMM already set up" and
// skips SMM initialisation, which would wait forever for an SMI (emu has no SMM; QEMU does the
// same with smm=off). The SMBus registers (0x90, 0xd2) are stored; there is no SMBus behind them.
#pragma once

#include <cstdint>
#include <memory>

#include <emu/acpi_pm.h>
#include <emu/irq.h>
#include <emu/pci.h>

namespace emu::pc {

class Piix4Pm final : public PciDevice {
public:
    static constexpr unsigned kPmBase = 0x40, kDevActB = 0x58, kPmRegMisc = 0x80, kSmbBase = 0x90,
                              kSmbHostConfig = 0xd2;
    static constexpr Addr kGpe0Port = 0xafe0, kApmPort = 0xb2;

    // Set by the board before realize.
    MemoryRegion* io_space = nullptr;
    IrqLine sci;

    PciIds ids() const override;
    void config_write(unsigned offset, std::uint32_t value, unsigned size) override;
    void reset() override;
    // The monitor's system_powerdown: whether the OS listens for the power button.
    bool press_power_button() { return pm_ && pm_->press_power_button(); }

protected:
    void realize_pci() override;
    void unrealize_pci() override;

private:
    void set_power_on_values();
    void map_block();

    std::unique_ptr<AcpiPm> pm_;
    bool mapped_ = false;
};

}  // namespace emu::pc
