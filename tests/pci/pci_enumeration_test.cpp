// Finding functions the way a guest does: ECAM (and 0xcf8/0xcfc) reads of vendor/device ids,
// all-ones for empty slots, the host bridge at 00.0, read-only and write-1-to-clear fields.
#include "pci_bench.h"

namespace {

using namespace pci_test;
namespace pci = emu::pci;

using PciEnumerationTest = PciBench;

TEST_F(PciEnumerationTest, HostBridgeFunctionIsAtZero) {
    add_host();
    EXPECT_EQ(cfg_read(0, pci::kVendorId, 2), 0x1b36u);
    EXPECT_EQ(cfg_read(0, pci::kDeviceId, 2), 0x0008u);
    EXPECT_EQ(cfg_read(0, pci::kRevisionId) >> 8, 0x060000u);  // class: host bridge
    EXPECT_EQ(cfg_read(0, pci::kHeaderType, 1), 0x00u);
    EXPECT_EQ(cfg_read(0, pci::kInterruptPin, 1), 0u);
    EXPECT_EQ(cfg_read(0, pci::kSubsystemVendorId), 0x11001af4u);  // QEMU's default subsystem
}

TEST_F(PciEnumerationTest, DeviceIdsAndHeader) {
    add_host();
    TestPciDevice& dev = add("d0");
    EXPECT_EQ(dev.devfn(), pci::devfn(1, 0));  // first free slot: 00 is the host bridge
    EXPECT_EQ(dev.get_property("addr"), "01.0");
    EXPECT_EQ(cfg_read(1, pci::kVendorId), 0x11e81234u);
    EXPECT_EQ(cfg_read(1, pci::kVendorId, 2), 0x1234u);
    EXPECT_EQ(cfg_read(1, pci::kDeviceId, 2), 0x11e8u);
    EXPECT_EQ(cfg_read(1, pci::kDeviceId + 1, 1), 0x11u);
    EXPECT_EQ(cfg_read(1, pci::kRevisionId), 0xff000102u);
    EXPECT_EQ(cfg_read(1, pci::kHeaderType, 1), 0x00u);
    EXPECT_EQ(cfg_read(1, pci::kInterruptPin, 1), 1u);
    EXPECT_EQ(cfg_read(1, pci::kCommand, 2), 0u);
}

TEST_F(PciEnumerationTest, EmptySlotsAndOtherBusesReadAllOnes) {
    add_host();
    add("d0");
    EXPECT_EQ(cfg_read(5, pci::kVendorId, 2), 0xffffu);
    EXPECT_EQ(cfg_read(5, pci::kVendorId), 0xffffffffu);
    EXPECT_EQ(cfg_read(5, pci::kHeaderType, 1), 0xffu);
    EXPECT_EQ(cfg_read(1, pci::kVendorId, 4, /*fn=*/3), 0xffffffffu);
    EXPECT_EQ(cfg_read(0, pci::kVendorId, 4, 0, /*bus=*/1), 0xffffffffu);  // no bridges: bus 0 only
    EXPECT_EQ(cfg_read(0, pci::kVendorId, 4, 0, /*bus=*/15), 0xffffffffu);
    cfg_write(5, pci::kCommand, 0x7, 2);  // nobody there: ignored
    EXPECT_EQ(last, emu::MemResult::Ok);
}

TEST_F(PciEnumerationTest, ScanFindsEveryFunction) {
    add_host();
    add("a");
    add("b", {{"addr", "04.0"}});
    add("c", {{"addr", "1f"}});
    std::vector<unsigned> found;
    for (unsigned slot = 0; slot < 32; ++slot)
        if (cfg_read(slot, pci::kVendorId, 2) != 0xffff) found.push_back(slot);
    EXPECT_EQ(found, (std::vector<unsigned>{0, 1, 4, 0x1f}));
}

TEST_F(PciEnumerationTest, ConfigSpaceSize) {
    add_host();
    add("conventional");
    TestPciDevice& express = create("express");
    express.express = true;
    express.realize();
    EXPECT_EQ(express.config_size(), 4096u);
    EXPECT_EQ(cfg_read(1, 0x100), 0xffffffffu);  // past a conventional function's 256 bytes
    EXPECT_EQ(cfg_read(1, 0xffc), 0xffffffffu);
    EXPECT_EQ(cfg_read(2, 0x100), 0u);           // extended config exists, no capability there
    EXPECT_EQ(cfg_read(2, 0xffc), 0u);
}

TEST_F(PciEnumerationTest, MultiFunctionSlot) {
    add_host();
    add("f0", {{"addr", "03.0"}, {"multifunction", "on"}});
    add("f2", {{"addr", "03.2"}});
    EXPECT_EQ(cfg_read(3, pci::kHeaderType, 1), pci::kHeaderTypeMultiFunction);
    EXPECT_EQ(cfg_read(3, pci::kVendorId, 2, 2), 0x1234u);
    EXPECT_EQ(cfg_read(3, pci::kVendorId, 2, 1), 0xffffu);
}

TEST_F(PciEnumerationTest, ConfigMechanismOne) {
    add_host();
    add("d0", {{"addr", "02.0"}});
    emu::PciBus* bus = emu::find_pci_bus(*machine);
    ASSERT_NE(bus, nullptr);
    emu::PciConfigPorts ports = emu::make_config_ports(*bus);
    auto io = emu::MemoryRegion::container("io", 0x10000);
    emu::AddressSpace ioports("io", *io);
    io->add_subregion(0xcf8, *ports.address);
    io->add_subregion(0xcfc, *ports.data);
    auto in = [&](Addr port, unsigned size) {
        std::uint64_t v = 0;
        EXPECT_EQ(ioports.read_value(port, size, v), emu::MemResult::Ok);
        return v;
    };
    auto out = [&](Addr port, std::uint64_t v, unsigned size) {
        EXPECT_EQ(ioports.write_value(port, size, v), emu::MemResult::Ok);
    };
    out(0xcf8, 0x80000000u | 2u << 11, 4);  // bus 0, slot 2, function 0, register 0
    EXPECT_EQ(in(0xcf8, 4), 0x80001000u);
    EXPECT_EQ(in(0xcfc, 4), 0x11e81234u);
    EXPECT_EQ(in(0xcfe, 2), 0x11e8u);
    EXPECT_EQ(in(0xcff, 1), 0x11u);
    out(0xcf8, 0x80000000u | 2u << 11 | pci::kCommand, 4);
    out(0xcfc, pci::kCommandMemory, 2);
    EXPECT_EQ(cfg_read(2, pci::kCommand, 2), pci::kCommandMemory);
    out(0xcf8, 0x80000000u | 5u << 11, 4);  // empty slot
    EXPECT_EQ(in(0xcfc, 4), 0xffffffffu);
    out(0xcf8, 2u << 11, 4);  // enable bit clear: no config cycle
    EXPECT_EQ(in(0xcfc, 4), 0xffffffffu);
    out(0xcf9, 0x06, 1);  // a byte write is not CONFIG_ADDRESS (it is PIIX's reset register)
    EXPECT_EQ(in(0xcf8, 4), 2u << 11);
}

TEST_F(PciEnumerationTest, ReadOnlyFieldsAreNotWritable) {
    add_host();
    TestPciDevice& dev = add("d0");
    const std::uint32_t ids = cfg_read(1, pci::kVendorId);
    const std::uint32_t class_rev = cfg_read(1, pci::kRevisionId);
    const std::uint32_t subsystem = cfg_read(1, pci::kSubsystemVendorId);
    const std::uint32_t cap_pointer = cfg_read(1, pci::kCapabilityList, 1);
    cfg_write(1, pci::kVendorId, 0xdeadbeef);
    cfg_write(1, pci::kRevisionId, 0xdeadbeef);
    cfg_write(1, pci::kHeaderType, 0xff, 1);
    cfg_write(1, pci::kSubsystemVendorId, 0xdeadbeef);
    cfg_write(1, pci::kCapabilityList, 0xff, 1);
    cfg_write(1, pci::kInterruptPin, 4, 1);
    EXPECT_EQ(cfg_read(1, pci::kVendorId), ids);
    EXPECT_EQ(cfg_read(1, pci::kRevisionId), class_rev);
    EXPECT_EQ(cfg_read(1, pci::kHeaderType, 1), 0u);
    EXPECT_EQ(cfg_read(1, pci::kSubsystemVendorId), subsystem);
    EXPECT_EQ(cfg_read(1, pci::kCapabilityList, 1), cap_pointer);
    EXPECT_EQ(cfg_read(1, pci::kInterruptPin, 1), 1u);
    // Interrupt line and cache line size are the OS's scratch registers.
    cfg_write(1, pci::kInterruptLine, 0x2a, 1);
    cfg_write(1, pci::kCacheLineSize, 0x10, 1);
    EXPECT_EQ(cfg_read(1, pci::kInterruptLine, 1), 0x2au);
    EXPECT_EQ(cfg_read(1, pci::kCacheLineSize, 1), 0x10u);
    // Command: only the implemented bits stick.
    cfg_write(1, pci::kCommand, 0xffff, 2);
    EXPECT_EQ(cfg_read(1, pci::kCommand, 2), 0x0547u);
    cfg_write(1, pci::kCommand, 0, 2);
    // Status: read-only but for the error bits, which writing 1 clears.
    const std::uint32_t status = cfg_read(1, pci::kStatus, 2);
    EXPECT_EQ(status, pci::kStatusCapList);
    dev.set_config(pci::kStatus, status | pci::kStatusRecMasterAbort | pci::kStatusDetectedParity, 2);
    cfg_write(1, pci::kStatus, 0, 2);  // writing 0 changes nothing
    EXPECT_EQ(cfg_read(1, pci::kStatus, 2), status | pci::kStatusRecMasterAbort | pci::kStatusDetectedParity);
    cfg_write(1, pci::kStatus, pci::kStatusRecMasterAbort | pci::kStatusCapList | pci::kStatusInterrupt, 2);
    EXPECT_EQ(cfg_read(1, pci::kStatus, 2), status | pci::kStatusDetectedParity);
    cfg_write(1, pci::kCommand, 0xffffffffu);  // a dword write reaches status too: clears all errors
    EXPECT_EQ(cfg_read(1, pci::kStatus, 2), status);
}

}  // namespace
