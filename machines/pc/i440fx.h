// The Intel 82441FX PCI and Memory Controller (PMC) of the 440FX chipset, function 00.0 of the
// `pc` board (type "i440FX"; board-created only). What firmware uses of it: the identity (with
// QEMU's subsystem 1af4:1100, by which SeaBIOS knows it runs on a QEMU-compatible board), the
// PAM registers 0x59-0x5F (shadow RAM for the BIOS area: the board's Pam applies them) and
// SMRAM (0x72, stored only: emu has no SMM).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include <emu/pci.h>

#include "pam.h"

namespace emu::pc {

class I440fx final : public PciDevice {
public:
    static constexpr unsigned kPam0 = 0x59;
    static constexpr unsigned kSmram = 0x72;

    // Called after a guest write to the PAM registers and at reset, with their values.
    std::function<void(const std::array<std::uint8_t, Pam::kRegisters>&)> on_pam_change;

    PciIds ids() const override;
    void config_write(unsigned offset, std::uint32_t value, unsigned size) override;
    void reset() override;

protected:
    void realize_pci() override;

private:
    void set_power_on_values();
    void pam_changed();
};

}  // namespace emu::pc
