#include "mch.h"

namespace emu::q35 {

namespace {

// PCIEXBAR fields (Intel 3 Series datasheet 5.1.13): bit 0 enable, bits 2:1 the window's
// length (0: 256 MiB, 1: 128 MiB, 2: 64 MiB, 3: reserved), the base in bits 35:26 aligned to
// the length (bit 26 and 27 are only address bits for the smaller windows).
constexpr std::uint64_t kPciexbarEnable = 0x1;
constexpr std::uint64_t kPciexbarLengthMask = 0x6;
constexpr std::uint64_t kPciexbarBaseMask = 0xFull << 32 | 0xFC000000;

}  // namespace

PciIds Mch::ids() const {
    return {.vendor_id = 0x8086, .device_id = 0x29c0, .class_code = 0x060000, .interrupt_pin = 0, .express = true};
}

void Mch::realize_pci() {
    const std::uint64_t pciexbar_mask = kPciexbarBaseMask | kPciexbarLengthMask | kPciexbarEnable;
    set_write_mask(kPciexbar, static_cast<std::uint32_t>(pciexbar_mask), 4);
    set_write_mask(kPciexbar + 4, static_cast<std::uint32_t>(pciexbar_mask >> 32), 4);
    set_config(kPciexbar, static_cast<std::uint32_t>(kDefaultEcamBase), 4);
    // PAM0's low field is reserved; the others hold RE (bit 0) and WE (bit 1) per segment.
    set_write_mask(kPam0, 0x30, 1);
    for (unsigned i = 1; i < pc::Pam::kRegisters; ++i) set_write_mask(kPam0 + i, 0x33, 1);
    // SMRAM: D_OPEN, D_CLS, D_LCK, G_SMRAME writable; C_BASE_SEG reads 010 (0xA0000).
    set_write_mask(kSmram, 0x78, 1);
    set_config(kSmram, 0x02, 1);
    // ESMRAMC: H_SMRAME, TSEG_SZ, T_EN writable; E_SMERR write-1-to-clear; the cache bits read 1.
    set_write_mask(kEsmramc, 0x87, 1);
    set_w1c_mask(kEsmramc, 0x40, 1);
    set_config(kEsmramc, 0x38, 1);
}

void Mch::unrealize_pci() {
    ecam_.reset();
    ecam_base_ = 0;
}

void Mch::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    PciDevice::config_write(offset, value, size);
    auto touches = [&](unsigned start, unsigned length) { return offset < start + length && offset + size > start; };
    if (touches(kPciexbar, 8)) update_ecam();
    if (touches(kPam0, pc::Pam::kRegisters)) pam_changed();
}

void Mch::reset() {
    PciDevice::reset();  // back to the values realize_pci set
    update_ecam();
    pam_changed();
}

// Map, move or unmap the ECAM window as PCIEXBAR now says. Firmware writes the register a
// dword at a time (0 first, then the high half, then base | enable), so every step is applied.
void Mch::update_ecam() {
    const std::uint64_t reg = std::uint64_t{get_config(kPciexbar + 4, 4)} << 32 | get_config(kPciexbar, 4);
    Addr size = 0;
    switch ((reg & kPciexbarLengthMask) >> 1) {
    case 0: size = 256ull << 20; break;
    case 1: size = 128ull << 20; break;
    case 2: size = 64ull << 20; break;
    default: break;  // reserved: decode nothing
    }
    const Addr base = reg & kPciexbarBaseMask & ~(size - 1);
    const bool enabled = (reg & kPciexbarEnable) && size && system_memory;
    if (enabled && ecam_ && ecam_base_ == base && ecam_->size() == size) return;
    ecam_.reset();  // unmaps it
    ecam_base_ = 0;
    if (!enabled || !bus()) return;
    ecam_ = make_ecam_region(*bus(), size, "pcie-mmcfg");
    ecam_base_ = base;
    system_memory->add_subregion(base, *ecam_);
}

void Mch::pam_changed() {
    std::array<std::uint8_t, pc::Pam::kRegisters> regs{};
    for (unsigned i = 0; i < pc::Pam::kRegisters; ++i) regs[i] = static_cast<std::uint8_t>(get_config(kPam0 + i, 1));
    if (on_pam_change) on_pam_change(regs);
}

}  // namespace emu::q35
