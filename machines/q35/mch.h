// The Q35 Memory Controller Hub (Intel 3 Series / 82Q35 "MCH"), function 00.0 of the `q35`
// board (type "mch"; board-created only). What firmware uses of it: the identity (8086:29c0
// with QEMU's subsystem 1af4:1100, by which SeaBIOS knows it runs on QEMU's q35), PCIEXBAR
// (0x60, 64-bit: where the PCI Express enhanced configuration window, ECAM, appears in memory),
// the PAM registers 0x90-0x96 (shadow RAM: the board's Pam applies them), and SMRAM (0x9d) /
// ESMRAMC (0x9e), stored only: emu has no SMM.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include <emu/memory.h>
#include <emu/pci.h>

#include "pam.h"

namespace emu::q35 {

class Mch final : public PciDevice {
public:
    static constexpr unsigned kPciexbar = 0x60;  // 8 bytes
    static constexpr unsigned kPam0 = 0x90;
    static constexpr unsigned kSmram = 0x9d;
    static constexpr unsigned kEsmramc = 0x9e;
    // QEMU's power-on PCIEXBAR: base 0xB0000000 (where SeaBIOS puts it), 256 MiB, disabled.
    static constexpr Addr kDefaultEcamBase = 0xB0000000;
    static constexpr Addr kDefaultEcamSize = 256ull << 20;

    // Set by the board before realize: the CPU's memory view, where the ECAM window is mapped.
    MemoryRegion* system_memory = nullptr;
    // Called after a guest write to the PAM registers and at reset, with their values.
    std::function<void(const std::array<std::uint8_t, pc::Pam::kRegisters>&)> on_pam_change;

    PciIds ids() const override;
    void config_write(unsigned offset, std::uint32_t value, unsigned size) override;
    void reset() override;

    // The ECAM window as mapped now (size 0: disabled).
    Addr ecam_base() const { return ecam_base_; }
    Addr ecam_size() const { return ecam_ ? ecam_->size() : 0; }

protected:
    void realize_pci() override;
    void unrealize_pci() override;

private:
    void update_ecam();
    void pam_changed();

    std::unique_ptr<MemoryRegion> ecam_;
    Addr ecam_base_ = 0;
};

}  // namespace emu::q35
