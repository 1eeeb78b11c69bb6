// NE2000 on the ISA bus, type "ne2k_isa" (-device ne2k_isa,netdev=n0[,iobase=0x300,irq=9]).
//
// Properties:
//   iobase   first of its 32 I/O ports (default 0x300)
//   irq      ISA IRQ of its interrupt line (default 9)
//   mac      station address, in the PROM (default: 52:54:00:12:34:56, then :57 and so on)
//   netdev   network back end (unset: no cable, transmitted frames are dropped)
//
// Wiring, for boards (which create it by type name, then read iobase and irq back):
//   mmio(0)          the 32 ports (emu/ne2000.h has the map); 1-, 2- and 4-byte accesses
//   gpio_out("", 0)  the interrupt, a level
// A device created with -device (under /machine/peripheral*) plugs itself in: it maps mmio(0) at
// iobase in the I/O space of the machine's ISA bus (emu/isa.h) and connects its interrupt to
// ISA IRQ irq. Realize fails when the machine has no ISA bus or the ports are taken.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/isa.h>
#include <emu/memory.h>
#include <emu/ne2000.h>
#include <emu/net.h>
#include <emu/property.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ne2k_types.h"

namespace ne2k {

namespace {

constexpr std::uint32_t kDefaultIobase = 0x300;
constexpr std::uint32_t kDefaultIrq = 9;

std::string hex(std::uint64_t value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
    return buffer;
}

class Ne2kIsa final : public emu::Device {
public:
    Ne2kIsa() {
        ports_ = emu::MemoryRegion::mmio("ne2k_isa", emu::Ne2000::kIoSize, nic_.io_ops());
        init_mmio(*ports_);
        init_gpio_out("", &irq_);
    }

    static void class_init(emu::ClassBuilder<Ne2kIsa>& c) {
        c.set_bus("isa");
        auto& iobase = c.integer("iobase", &Ne2kIsa::iobase_, kDefaultIobase, "first of the 32 I/O ports")
                           .range(0, 0x10000 - emu::Ne2000::kIoSize)
                           .property();
        iobase.default_value = hex(kDefaultIobase);
        iobase.print = [](const emu::Object& o) { return hex(dynamic_cast<const Ne2kIsa&>(o).iobase_); };
        c.integer("irq", &Ne2kIsa::irq_number_, kDefaultIrq, "ISA IRQ of the interrupt line").range(0, 15);
        c.mac("mac", &Ne2kIsa::mac_, "MAC address (default: 52:54:00:12:34:56, then :57 and so on)");
        c.backend("netdev", &Ne2kIsa::netdev_, "netdev", "network back end (unset: no cable)");
    }

    void reset() override { nic_.reset(); }

protected:
    void do_realize() override {
        emu::Device* bus = nullptr;
        if (emu::created_with_device_option(*this)) {
            bus = emu::find_isa_bus(*machine());
            if (!bus) throw emu::Error("this machine has no ISA bus");
            if (const emu::MemoryRegion* user = emu::isa_port_user(bus->mmio(0), iobase_, emu::Ne2000::kIoSize))
                throw emu::Error("I/O ports " + hex(iobase_) + "-" + hex(iobase_ + emu::Ne2000::kIoSize - 1) +
                                 " are already in use by '" + user->name() + "'");
        }
        mac_ = nic_.realize(mac_, netdev_);
        if (bus) {
            bus->mmio(0).add_subregion(iobase_, *ports_);
            connect_gpio_out("", 0, bus->gpio_in("", irq_number_));
            plugged_ = bus;
        }
    }

    void do_unrealize() override {
        if (plugged_) {
            plugged_->mmio(0).remove_subregion(*ports_);
            connect_gpio_out("", 0, emu::IrqLine());
            plugged_ = nullptr;
        }
        nic_.unrealize();
    }

private:
    std::uint32_t iobase_ = kDefaultIobase, irq_number_ = kDefaultIrq;
    emu::MacAddress mac_;
    emu::NetBackend* netdev_ = nullptr;
    emu::Device* plugged_ = nullptr;  // the ISA bus it mapped itself on (-device), if any

    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    emu::Ne2000 nic_{*this, [this](bool level) { irq_[0].set(level); }};
    std::unique_ptr<emu::MemoryRegion> ports_;
};

}  // namespace

void register_isa(emu::TypeBatch& types) {
    types.add({.name = "ne2k_isa",
               .parent = "device",
               .user_creatable = true,
               .category = emu::Category::Network,
               .description = "NE2000 ISA Ethernet card (DP8390)",
               .factory = emu::factory_of<Ne2kIsa>(),
               .class_init = emu::class_init_of<Ne2kIsa>(&Ne2kIsa::class_init)});
}

}  // namespace ne2k
