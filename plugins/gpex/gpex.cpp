// Generic PCI Express host bridge, as QEMU's gpex (hw/pci-host/gpex.c): configuration by ECAM,
// one root bus, an MMIO and an I/O window, four INTx lines. Device tree: compatible
// "pci-host-ecam-generic", device_type "pci".
//
// Type "gpex-pcihost" (created by boards). Property: ecam-size (default 16 MiB: buses 0..15).
//
// Wiring, for boards (after realize):
//   mmio(0)            the ECAM window, ecam-size bytes (1 MiB per bus)
//   mmio(1)            the MMIO window: a container of the whole 64-bit *bus* address space, into
//                      which memory BARs are mapped at the addresses the guest programs. The board
//                      maps the part it decodes with an alias at the same CPU address, so bus
//                      address == CPU physical address (DT ranges: 0x02000000 0 B  B  0 S):
//                        alias = MemoryRegion::alias("pcie-mmio", gpex.mmio(1), B, S);
//                        system.add_subregion(B, *alias);
//   mmio(2)            the I/O window, 64 KiB: I/O BARs are mapped at their (bus) port numbers;
//                      the board maps it whole at its PIO base (DT ranges: 0x01000000 0 0  PIO
//                      0 0x10000), so port p is at CPU address PIO + p.
//   gpio_out("", 0..3) INTA..INTD to the interrupt controller (level). A device in slot s with
//                      pin p (0 = INTA) drives line (s + p) % 4, the standard swizzle the DT
//                      interrupt-map describes.
//
// Children: the root bus "pcie.0" (type "pci-bus", bus number 0) and the host-bridge function
// "gpex-root" at 00.0 (Red Hat 1b36:0008, class 0600 host bridge). Buses behind PCI-PCI
// bridges are not modelled, so ECAM reads of buses 1..N return all-ones.
// MSI: the bridge forwards message writes to the machine's system memory; a board without an
// MSI frame (virt without GICv2m) simply does not describe one, and guests use INTx.
#include <emu/device.h>
#include <emu/memory.h>
#include <emu/pci.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <memory>
#include <vector>

namespace {

using emu::Addr;

constexpr unsigned kIntxLines = 4;
constexpr Addr kIoWindowSize = 0x10000;

class GpexRoot final : public emu::PciDevice {
public:
    emu::PciIds ids() const override {
        return {.vendor_id = emu::pci::kVendorRedHat,
                .device_id = 0x0008,  // PCI_DEVICE_ID_REDHAT_PCIE_HOST
                .class_code = emu::pci::kClassBridgeHost,
                .interrupt_pin = 0};
    }
};

class GpexHost final : public emu::Device {
public:
    GpexHost() {
        mmio_window_ = emu::MemoryRegion::container("gpex.mmio", ~Addr(0));
        io_window_ = emu::MemoryRegion::container("gpex.ioport", kIoWindowSize);
        init_gpio_out("", &irq_);
    }

    static void class_init(emu::ClassBuilder<GpexHost>& c) {
        c.size("ecam-size", &GpexHost::ecam_size_, 16 << 20,
               "size of the ECAM window: 1 MiB per bus, 1M..256M");
    }

protected:
    void do_realize() override {
        if (ecam_size_ == 0 || ecam_size_ % (1 << 20) != 0 || ecam_size_ > (Addr{256} << 20))
            throw emu::Error(display_name() + ": ecam-size " + emu::format_size(ecam_size_) +
                             " is not a multiple of 1M between 1M and 256M");
        if (ecam_ && ecam_->size() != ecam_size_)
            throw emu::Error(display_name() + ": ecam-size cannot change once it has been realized");

        emu::Object* existing = child("pcie.0");
        auto& bus = existing ? dynamic_cast<emu::PciBus&>(*existing)
                             : add_child("pcie.0", as<emu::PciBus>(registry().create("pci-bus")));
        bus.set_bus_number(0);
        bus.set_windows(*mmio_window_, *io_window_);
        bus.set_irq_routing(
            kIntxLines,
            [](std::uint8_t devfn, unsigned pin) { return (emu::pci::slot_of(devfn) + pin) % kIntxLines; },
            [this](unsigned line, bool level) { irq_[line].set(level); });

        if (!ecam_) {
            ecam_ = emu::make_ecam_region(bus, ecam_size_, "pcie-ecam");
            init_mmio(*ecam_);
            init_mmio(*mmio_window_);
            init_mmio(*io_window_);
        }

        emu::Object* root = child("gpex-root");
        auto& function = root ? dynamic_cast<GpexRoot&>(*root)
                              : add_child("gpex-root", as<GpexRoot>(registry().create("gpex-root")));
        function.set_bus(bus);
        function.set_property("addr", "00.0");
        function.realize();
    }

    void do_unrealize() override {
        if (auto* function = dynamic_cast<emu::Device*>(child("gpex-root"))) function->unrealize();
    }

private:
    template <class T>
    static std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
        auto* typed = dynamic_cast<T*>(object.get());
        if (!typed) throw emu::Error("gpex: unexpected object type");
        object.release();
        return std::unique_ptr<T>(typed);
    }

    std::uint64_t ecam_size_ = 16 << 20;
    std::unique_ptr<emu::MemoryRegion> mmio_window_, io_window_, ecam_;
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(kIntxLines);
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "gpex-pcihost",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Bridge,
               .description = "generic PCI Express host bridge (ECAM, pci-host-ecam-generic)",
               .factory = emu::factory_of<GpexHost>(),
               .class_init = emu::class_init_of<GpexHost>(&GpexHost::class_init)});
    types.add({.name = "gpex-root",
               .parent = "pci-device",
               .user_creatable = false,
               .category = emu::Category::Bridge,
               .description = "host bridge function of gpex-pcihost (1b36:0008)",
               .factory = emu::factory_of<GpexRoot>()});
}

}  // namespace

EMU_PLUGIN(gpex, "0.1.0", "Generic PCI Express host bridge (QEMU's gpex)", "MIT", register_types);
