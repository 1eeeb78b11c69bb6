// NE2000 on PCI, type "ne2k_pci": a RealTek RTL8029 (10ec:8029, class Ethernet), as QEMU's.
//
// Properties (besides addr and multifunction of every PCI device):
//   mac      station address, in the PROM (default: 52:54:00:12:34:56, then :57 and so on)
//   netdev   network back end (unset: no cable, transmitted frames are dropped)
//   romfile  expansion ROM; defaults to Debian's iPXE ROM for this NIC
//            (/usr/lib/ipxe/qemu/efi-ne2k_pci.rom, package ipxe-qemu) when it is installed, as
//            QEMU defaults to its efi-ne2k_pci.rom; empty: no ROM
//
// BAR0: 256 bytes of I/O ports, the NE2000 window (emu/ne2000.h) at their start. INTA.
// The chip's page 0 ID registers read 'P' 'C' and page 3 has the RTL8029's configuration
// registers (read-only here), which is what Linux's ne2k-pci expects of this vendor/device pair.
#include <emu/error.h>
#include <emu/memory.h>
#include <emu/ne2000.h>
#include <emu/net.h>
#include <emu/pci.h>
#include <emu/property.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "ne2k_types.h"

namespace ne2k {

namespace {

constexpr const char* kDefaultRom = "/usr/lib/ipxe/qemu/efi-ne2k_pci.rom";
constexpr emu::Addr kBarSize = 256;

class Ne2kPci final : public emu::PciDevice {
public:
    Ne2kPci() { ports_ = emu::MemoryRegion::mmio("ne2k_pci", kBarSize, nic_.io_ops()); }

    static void class_init(emu::ClassBuilder<Ne2kPci>& c) {
        c.mac("mac", &Ne2kPci::mac_, "MAC address (default: 52:54:00:12:34:56, then :57 and so on)");
        c.backend("netdev", &Ne2kPci::netdev_, "netdev", "network back end (unset: no cable)");
        std::error_code error;
        if (std::filesystem::is_regular_file(kDefaultRom, error)) c.set_default("romfile", kDefaultRom);
    }

    emu::PciIds ids() const override {
        return {.vendor_id = 0x10ec, .device_id = 0x8029, .class_code = 0x020000, .interrupt_pin = 1};
    }

    void reset() override {
        emu::PciDevice::reset();
        nic_.reset();
    }

protected:
    void realize_pci() override {
        register_bar(0, *ports_, emu::PciBarType::Io);
        mac_ = nic_.realize(mac_, netdev_);
    }

    void unrealize_pci() override { nic_.unrealize(); }

private:
    emu::MacAddress mac_;
    emu::NetBackend* netdev_ = nullptr;
    emu::Ne2000 nic_{*this, [this](bool level) { set_irq_level(level); }, {.realtek = true}};
    std::unique_ptr<emu::MemoryRegion> ports_;
};

}  // namespace

void register_pci(emu::TypeBatch& types) {
    types.add({.name = "ne2k_pci",
               .parent = "pci-device",
               .user_creatable = true,
               .category = emu::Category::Network,
               .description = "NE2000 PCI Ethernet card (RealTek RTL8029)",
               .factory = emu::factory_of<Ne2kPci>(),
               .class_init = emu::class_init_of<Ne2kPci>(&Ne2kPci::class_init)});
}

}  // namespace ne2k
