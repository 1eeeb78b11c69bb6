// Plugging: finding the machine's bus, addr= (parsing, first free slot, conflicts naming both
// devices, multi-function rules), "no PCI bus", unplug and reset; the types and the gpex host.
#include "pci_bench.h"

#include "emu/error.h"

namespace {

using namespace pci_test;
namespace pci = emu::pci;

using PciPlugTest = PciBench;

std::string realize_error(emu::Device& device) {
    try {
        device.realize();
    } catch (const emu::Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST_F(PciPlugTest, NoPciBus) {
    TestPciDevice& dev = create("d0");  // a machine without a host bridge
    EXPECT_EQ(realize_error(dev), "this machine has no PCI bus");
    EXPECT_FALSE(dev.realized());

    auto orphan = as<TestPciDevice>(registry.create("pci-testdev"));  // no machine at all
    EXPECT_EQ(realize_error(*orphan), "this machine has no PCI bus");
}

TEST_F(PciPlugTest, FindsTheMachinesBus) {
    emu::Device& gpex = add_host();
    emu::PciBus* bus = emu::find_pci_bus(*machine);
    ASSERT_NE(bus, nullptr);
    EXPECT_EQ(bus->path(), "/machine/pcie/pcie.0");
    EXPECT_EQ(bus->parent(), &gpex);
    TestPciDevice& dev = add("d0");
    EXPECT_EQ(dev.bus(), bus);
    EXPECT_EQ(bus->device(dev.devfn()), &dev);
    EXPECT_EQ(bus->devices().size(), 2u);  // the host bridge function and d0
    EXPECT_EQ(bus->devices()[0]->type().name(), "gpex-root");
}

TEST_F(PciPlugTest, SlotConflictNamesBothDevices) {
    add_host();
    add("first", {{"addr", "02.0"}});
    TestPciDevice& second = create("second", {{"addr", "02.0"}});
    // The command line prefixes realize errors with the device: "pci-testdev 'second': ...".
    EXPECT_EQ(realize_error(second), "PCI address 02.0 on bus pcie.0 is already taken by pci-testdev 'first'");
    EXPECT_FALSE(second.realized());
    TestPciDevice& third = create("third", {{"addr", "00.0"}});
    EXPECT_EQ(realize_error(third), "PCI address 00.0 on bus pcie.0 is already taken by gpex-root 'gpex-root'");
}

TEST_F(PciPlugTest, AutomaticAddressesSkipTakenSlots) {
    add_host();
    add("a", {{"addr", "01.0"}});
    add("b", {{"addr", "02.3"}, {"multifunction", "off"}});  // a lone function 3 keeps slot 2 busy
    TestPciDevice& c = add("c");
    EXPECT_EQ(c.get_property("addr"), "03.0");
}

TEST_F(PciPlugTest, MultiFunctionRules) {
    add_host();
    add("single", {{"addr", "03.0"}});
    TestPciDevice& fn1 = create("fn1", {{"addr", "03.1"}});
    EXPECT_EQ(realize_error(fn1),
              "PCI address 03.1: function 0 of the slot is pci-testdev 'single', a single-function device "
              "(give it multifunction=on)");

    add("late", {{"addr", "04.2"}});
    TestPciDevice& fn0 = create("fn0", {{"addr", "04.0"}});
    EXPECT_EQ(realize_error(fn0),
              "PCI address 04.0: 04.2 is already taken by pci-testdev 'late', so function 0 needs multifunction=on");
    fn0.set_property("multifunction", "on");
    fn0.realize();
    EXPECT_EQ(cfg_read(4, pci::kHeaderType, 1), pci::kHeaderTypeMultiFunction);
}

TEST_F(PciPlugTest, AddrProperty) {
    TestPciDevice& dev = create("d0");
    EXPECT_EQ(dev.get_property("addr"), "auto");
    dev.set_property("addr", "2");
    EXPECT_EQ(dev.get_property("addr"), "02.0");
    dev.set_property("addr", "0x1f.7");
    EXPECT_EQ(dev.get_property("addr"), "1f.7");
    dev.set_property("addr", "0A.1");
    EXPECT_EQ(dev.get_property("addr"), "0a.1");
    auto error = [&](const std::string& value) {
        try {
            dev.set_property("addr", value);
        } catch (const emu::Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    EXPECT_EQ(error("20"), "pci-testdev 'd0': property 'addr': '20' is not a PCI address: the slot is at most 1f");
    EXPECT_EQ(error("02.8"), "pci-testdev 'd0': property 'addr': '02.8' is not a PCI address: the function is at most 7");
    EXPECT_EQ(error("slot2"),
              "pci-testdev 'd0': property 'addr': 'slot2' is not a PCI address (slot[.function] in hex, e.g. 02.0)");
    EXPECT_EQ(error("02."), "pci-testdev 'd0': property 'addr': '02.' is not a PCI address (slot[.function] in hex, e.g. 02.0)");
    EXPECT_EQ(error(""), "pci-testdev 'd0': property 'addr': '' is not a PCI address (slot[.function] in hex, e.g. 02.0)");
    dev.set_property("addr", "auto");
    EXPECT_EQ(dev.get_property("addr"), "auto");
}

TEST_F(PciPlugTest, UnrealizeFreesTheSlotAndTheWindows) {
    add_host();
    TestPciDevice& dev = add("d0", {{"addr", "06.0"}});
    cfg_write(6, pci::bar_offset(0), 0x10100000);
    cfg_write(6, pci::kCommand, pci::kCommandMemory, 2);
    EXPECT_EQ(mem_read(0x10100000), 0u);
    EXPECT_EQ(last, emu::MemResult::Ok);
    dev.unrealize();
    EXPECT_EQ(cfg_read(6, pci::kVendorId), 0xffffffffu);
    mem_read(0x10100000);
    EXPECT_EQ(last, emu::MemResult::Unassigned);
    add("again", {{"addr", "06.0"}});
    EXPECT_EQ(cfg_read(6, pci::kVendorId), 0x11e81234u);
}

TEST_F(PciPlugTest, ResetRestoresPowerOnConfig) {
    add_host();
    TestPciDevice& dev = add("d0");
    const std::uint32_t vendor = cfg_read(1, pci::kVendorId);
    cfg_write(1, pci::bar_offset(0), 0x10100000);
    cfg_write(1, pci::kInterruptLine, 33, 1);
    cfg_write(1, pci::kCommand, pci::kCommandMemory | pci::kCommandMaster, 2);
    EXPECT_NE(dev.bar_address(0), emu::PciDevice::kUnmapped);
    emu::reset_tree(*machine);
    EXPECT_EQ(cfg_read(1, pci::kCommand, 2), 0u);
    EXPECT_EQ(cfg_read(1, pci::bar_offset(0)), 0u);
    EXPECT_EQ(cfg_read(1, pci::bar_offset(1)), 1u);  // the type bits stay
    EXPECT_EQ(cfg_read(1, pci::kInterruptLine, 1), 0u);
    EXPECT_EQ(cfg_read(1, pci::kVendorId), vendor);
    EXPECT_EQ(dev.bar_address(0), emu::PciDevice::kUnmapped);
    mem_read(0x10100000);
    EXPECT_EQ(last, emu::MemResult::Unassigned);
}

// Teardown without unrealize, in both orders (devices first; the bridge and its bus first):
// nothing dangles (the sanitizer build checks).
TEST_F(PciPlugTest, TreeTornDownWithoutUnrealize) {
    for (bool bridge_first : {false, true}) {
        if (bridge_first) machine->container("peripheral");  // older than the bridge: destroyed last
        add_host();
        TestPciDevice& dev = add("d0");
        cfg_write(1, pci::bar_offset(0), 0x10100000);
        cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
        dev.set_irq_level(true);
        EXPECT_TRUE(*intx[1].level);
        mmio_alias.reset();
        root.reset();
        root = registry.create("container");
        machine = &root->add_child("machine", as<PciMachine>(registry.create("pci-test-machine")));
        machine->attach(loop, {});
    }
}

TEST_F(PciPlugTest, ExplicitBus) {
    add_host();
    // A second bus nobody routes config cycles to, given to a device directly.
    auto& other = machine->add_child("other-bus", as<emu::PciBus>(registry.create("pci-bus")));
    other.set_bus_number(0);
    TestPciDevice& dev = create("d0");
    dev.set_bus(other);
    dev.realize();
    EXPECT_EQ(dev.bus(), &other);
    EXPECT_EQ(dev.devfn(), 0u);
    EXPECT_EQ(other.config_read(0, 0, pci::kVendorId, 4), 0x11e81234u);
    EXPECT_EQ(other.config_read(1, 0, pci::kVendorId, 4), 0xffffffffu);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    EXPECT_EQ(dev.command(), 0u);  // not on the gpex bus
    dev.unrealize();
}

TEST_F(PciPlugTest, Types) {
    const emu::Type& base = registry.get("pci-device");
    EXPECT_TRUE(base.abstract());
    EXPECT_EQ(base.object_class().bus(), "pci");
    for (const char* name : {"addr", "romfile", "multifunction"})
        EXPECT_NE(base.object_class().find_property(name), nullptr) << name;
    EXPECT_EQ(*base.object_class().find_property("addr")->default_value, "auto");
    const emu::Type& dev = registry.get("pci-testdev");
    EXPECT_EQ(dev.object_class().bus(), "pci");
    EXPECT_NE(dev.object_class().find_property("romfile"), nullptr);
    EXPECT_FALSE(registry.get("pci-bus").user_creatable());
    EXPECT_FALSE(registry.get("gpex-pcihost").user_creatable());
    EXPECT_EQ(registry.get("gpex-pcihost").category(), emu::Category::Bridge);
    emu::register_pci_types(registry);  // idempotent
    // The process registry has them from the start, so device plugins can load.
    EXPECT_NE(emu::TypeRegistry::global().find("pci-device"), nullptr);
    EXPECT_NE(emu::TypeRegistry::global().find("pci-bus"), nullptr);
}

TEST_F(PciPlugTest, GpexEcamSize) {
    emu::Device& bad = machine->add_child("bad", as<emu::Device>(registry.create("gpex-pcihost")));
    bad.set_property("ecam-size", "3584K");
    EXPECT_EQ(realize_error(bad), "gpex-pcihost 'bad': ecam-size 3584K is not a multiple of 1M between 1M and 256M");
    bad.set_property("ecam-size", "512M");
    EXPECT_NE(realize_error(bad).find("is not a multiple of 1M"), std::string::npos);

    emu::Device& small = machine->add_child("small", as<emu::Device>(registry.create("gpex-pcihost")));
    small.set_property("ecam-size", "2M");
    small.realize();
    EXPECT_EQ(small.mmio_count(), 3u);
    EXPECT_EQ(small.mmio(0).size(), 2u << 20);
    EXPECT_EQ(small.mmio(2).size(), 0x10000u);
    machine->system().add_subregion(kEcamBase, small.mmio(0));
    EXPECT_EQ(cfg_read(0, pci::kVendorId), 0x00081b36u);
    EXPECT_EQ(cfg_read(0, pci::kVendorId, 4, 0, 1), 0xffffffffu);  // bus 1: nothing
    mem_read(ecam(2, 0, 0, 0));
    EXPECT_EQ(last, emu::MemResult::Unassigned);  // past the window
}

}  // namespace
