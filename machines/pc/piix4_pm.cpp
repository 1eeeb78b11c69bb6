#include "piix4_pm.h"

#include <emu/machine.h>

namespace emu::pc {

PciIds Piix4Pm::ids() const {
    return {.vendor_id = 0x8086, .device_id = 0x7113, .class_code = 0x068000, .revision = 0x03, .interrupt_pin = 1};
}

void Piix4Pm::realize_pci() {
    set_write_mask(kPmBase, 0xffc0, 4);   // a 64-byte block anywhere in the I/O space
    set_write_mask(kPmRegMisc, 0x01, 1);
    set_write_mask(kSmbBase, 0xfff0, 4);
    set_write_mask(kSmbHostConfig, 0x0f, 1);
    set_power_on_values();
    Machine* board = machine();
    pm_ = std::make_unique<AcpiPm>(
        board->loop(), AcpiPmConfig{.layout = AcpiPmLayout::piix4()}, [this](bool level) { sci.set(level); },
        [board](unsigned slp_typ) {
            if (slp_typ == 0) board->request_shutdown(0);  // \_S5 (the DSDT says 0)
        });
    if (io_space) {
        io_space->add_subregion(kGpe0Port, *pm_->gpe0_region());
        io_space->add_subregion(kApmPort, pm_->apm_region());
    }
}

void Piix4Pm::unrealize_pci() {
    if (!io_space || !pm_) return;
    if (mapped_) io_space->remove_subregion(pm_->region());
    io_space->remove_subregion(*pm_->gpe0_region());
    io_space->remove_subregion(pm_->apm_region());
    mapped_ = false;
}

void Piix4Pm::set_power_on_values() {
    set_config(kPmBase, 0x1, 4);          // bit 0: an I/O base (read-only)
    set_config(kPmRegMisc, 0, 1);
    set_config(kDevActB, 0x02000000, 4);  // APMC_EN: SMM "already initialised"
    set_config(kSmbBase, 0x1, 4);
    set_config(kSmbHostConfig, 0, 1);
}

void Piix4Pm::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    PciDevice::config_write(offset, value, size);
    const auto touches = [&](unsigned reg, unsigned len) { return offset < reg + len && offset + size > reg; };
    if (touches(kPmBase, 4) || touches(kPmRegMisc, 1)) map_block();
}

void Piix4Pm::reset() {
    PciDevice::reset();
    set_power_on_values();
    if (pm_) pm_->reset();
    map_block();
}

// The block appears at PMBASE while PMREGMISC.PMIOSE is set, and moves when PMBASE changes.
void Piix4Pm::map_block() {
    if (!io_space || !pm_) return;
    const bool enabled = get_config(kPmRegMisc, 1) & 1;
    const Addr base = get_config(kPmBase, 4) & 0xffc0;
    MemoryRegion& block = pm_->region();
    if (mapped_ && (!enabled || block.offset() != base)) {
        io_space->remove_subregion(block);
        mapped_ = false;
    }
    if (enabled && !mapped_) {
        io_space->add_subregion(base, block);
        mapped_ = true;
    }
}

}  // namespace emu::pc
