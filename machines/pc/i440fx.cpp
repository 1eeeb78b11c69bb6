#include "i440fx.h"

#include <emu/pci_regs.h>

namespace emu::pc {

PciIds I440fx::ids() const {
    return {.vendor_id = 0x8086, .device_id = 0x1237, .class_code = 0x060000, .revision = 0x02, .interrupt_pin = 0};
}

void I440fx::realize_pci() {
    // PAM0's low field is reserved; the others hold RE (bit 0) and WE (bit 1) per segment.
    set_write_mask(kPam0, 0x30, 1);
    for (unsigned i = 1; i < Pam::kRegisters; ++i) set_write_mask(kPam0 + i, 0x33, 1);
    set_write_mask(kSmram, 0x78, 1);
    set_power_on_values();
}

void I440fx::set_power_on_values() {
    for (unsigned i = 0; i < Pam::kRegisters; ++i) set_config(kPam0 + i, 0, 1);
    set_config(kSmram, 0x02, 1);  // C_BASE_SEG: SMRAM at 0xA0000, closed
}

void I440fx::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    PciDevice::config_write(offset, value, size);
    if (offset < kPam0 + Pam::kRegisters && offset + size > kPam0) pam_changed();
}

void I440fx::reset() {
    PciDevice::reset();
    set_power_on_values();
    pam_changed();
}

void I440fx::pam_changed() {
    std::array<std::uint8_t, Pam::kRegisters> regs{};
    for (unsigned i = 0; i < Pam::kRegisters; ++i) regs[i] = static_cast<std::uint8_t>(get_config(kPam0 + i, 1));
    if (on_pam_change) on_pam_change(regs);
}

}  // namespace emu::pc
