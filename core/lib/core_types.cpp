#include "core_types.h"

#include "monitor.h"

#include "emu/device.h"
#include "emu/machine.h"
#include "emu/net.h"
#include "emu/pci.h"
#include "emu/property.h"
#include "emu/virtio.h"

namespace emu {
namespace {

class Container final : public Object {};

class NoneMachine final : public Machine {
public:
    unsigned max_cpus() const override { return 1; }
    std::uint64_t default_ram_size() const override { return 0; }
};

void device_class_init(ClassBuilder<Device>& c) {
    Property p;
    p.name = "realized";
    p.kind = PropertyKind::Bool;
    p.type_name = "bool";
    p.description = "whether the device is realized (set by the core)";
    p.runtime_settable = true;
    p.hidden = true;
    p.parse = [](Object& o, std::string_view s) {
        auto& device = dynamic_cast<Device&>(o);
        if (parse_bool(s))
            device.realize();
        else
            device.unrealize();
    };
    p.print = [](const Object& o) { return std::string(o.realized() ? "on" : "off"); };
    c.object_class().add_property(std::move(p));
}

}  // namespace

void register_core_types(TypeRegistry& registry) {
    TypeBatch core;
    core.add({.name = "object", .parent = "", .abstract = true, .description = "base of all types"});
    core.add({.name = "interface", .abstract = true, .description = "base of all interfaces"});
    core.add({.name = "user-creatable",
              .parent = "interface",
              .abstract = true,
              .description = "types -object can create (filters, secrets, ...)"});
    core.add({.name = "isa-bus",
              .parent = "interface",
              .abstract = true,
              .description = "an ISA bus (sdk isa.h): mmio(0) is the I/O-port space, gpio_in(\"\", n) ISA IRQ n"});
    core.add({.name = "container",
              .user_creatable = false,
              .description = "a folder in the object tree",
              .factory = factory_of<Container>()});
    core.add({.name = "device",
              .abstract = true,
              .description = "base of all devices",
              .class_init = class_init_of<Device>(device_class_init)});
    core.add({.name = "backend",
              .parent = "device",
              .abstract = true,
              .category = Category::Backend,
              .description = "base of back ends (-netdev, -chardev): not created with -device"});
    core.add({.name = "chardev",
              .parent = "backend",
              .abstract = true,
              .description = "base of character back ends (-chardev, -serial)"});
    core.add({.name = "cpu",
              .parent = "device",
              .abstract = true,
              .category = Category::Cpu,
              .description = "base of CPU models (-cpu)"});
    // x86 CPU models come from two plugins (kvm's vCPUs, the software CPU's models), so their
    // common base, which the PC boards look for, is the core's.
    core.add({.name = "x86-cpu",
              .parent = "cpu",
              .abstract = true,
              .description = "base of the x86 CPU models"});
    core.add({.name = "accel",
              .abstract = true,
              .category = Category::Accelerator,
              .description = "base of accelerators (-accel)"});
    core.add({.name = "machine",
              .abstract = true,
              .category = Category::Machine,
              .description = "base of all machines"});
    core.add({.name = "none",
              .parent = "machine",
              .description = "empty machine (no CPU, no devices)",
              .factory = factory_of<NoneMachine>()});
    registry.register_batch(core, "core");
    register_net_types(registry);
    register_monitor_type(registry);
    register_pci_types(registry);  // the PCI and virtio cores are part of the SDK's device kit
    register_virtio_types(registry);
}

}  // namespace emu
