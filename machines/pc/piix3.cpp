#include "piix3.h"

#include <emu/memory.h>

namespace emu::pc {

PciIds Piix3::ids() const {
    return {.vendor_id = 0x8086, .device_id = 0x7000, .class_code = 0x060100, .interrupt_pin = 0};
}

void Piix3::realize_pci() {
    for (unsigned i = 0; i < kPirqs; ++i) {
        set_write_mask(kPirqRoute + i, 0x8f, 1);
        set_config(kPirqRoute + i, 0x80, 1);
    }
    if (io_space) init_mmio(*io_space);
    init_gpio_in("", 16, [this](unsigned n, bool level) {
        if (isa_irq) isa_irq(n).set(level);
    });
}

void Piix3::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    PciDevice::config_write(offset, value, size);
    if (offset < kPirqRoute + kPirqs && offset + size > kPirqRoute) route();
}

void Piix3::reset() {
    PciDevice::reset();
    for (unsigned i = 0; i < kPirqs; ++i) set_config(kPirqRoute + i, 0x80, 1);
    route();
}

void Piix3::set_pirq(unsigned pirq, bool level) {
    if (pirq >= kPirqs || pirq_level_[pirq] == level) return;
    pirq_level_[pirq] = level;
    route();
}

void Piix3::route() {
    std::array<bool, 16> level{};
    for (unsigned i = 0; i < kPirqs; ++i) {
        const auto reg = static_cast<std::uint8_t>(get_config(kPirqRoute + i, 1));
        if (!(reg & 0x80) && pirq_level_[i]) level[reg & 0x0f] = true;
    }
    for (unsigned irq = 0; irq < 16; ++irq) {
        if (level[irq] == driven_[irq]) continue;
        driven_[irq] = level[irq];
        if (isa_irq) isa_irq(irq).set(level[irq]);
    }
}

}  // namespace emu::pc
