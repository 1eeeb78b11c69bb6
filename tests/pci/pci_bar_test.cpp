// BARs: sizing of every kind, mapping into the host bridge's windows when decoding is enabled,
// moving, unmapping, and the expansion ROM BAR with its enable bit.
#include "pci_bench.h"

#include "emu/error.h"

namespace {

using namespace pci_test;
namespace pci = emu::pci;

class PciBarTest : public PciBench {
protected:
    void SetUp() override { add_host(); }

    // What the guest reads back after writing all-ones (the BAR is restored afterwards).
    std::uint32_t size_probe(unsigned slot, unsigned offset, std::uint32_t ones = 0xffffffffu) {
        const std::uint32_t saved = cfg_read(slot, offset);
        cfg_write(slot, offset, ones);
        const std::uint32_t probe = cfg_read(slot, offset);
        cfg_write(slot, offset, saved);
        return probe;
    }
};

TEST_F(PciBarTest, SizingOfEachKind) {
    add("d0");
    EXPECT_EQ(cfg_read(1, pci::bar_offset(0)), 0u);                  // 32-bit memory
    EXPECT_EQ(cfg_read(1, pci::bar_offset(1)), 0x1u);                // I/O
    EXPECT_EQ(cfg_read(1, pci::bar_offset(2)), 0xcu);                // 64-bit prefetchable
    EXPECT_EQ(size_probe(1, pci::bar_offset(0)), 0xfffff000u);      // 4 KiB
    EXPECT_EQ(size_probe(1, pci::bar_offset(1)), 0xffffffe1u);      // 32 ports
    EXPECT_EQ(size_probe(1, pci::bar_offset(2)), 0xffff000cu);      // 64 KiB, low half
    EXPECT_EQ(size_probe(1, pci::bar_offset(3)), 0xffffffffu);      // high half
    EXPECT_EQ(size_probe(1, pci::bar_offset(4)), 0xfffff000u);      // MSI-X, 4 KiB
    EXPECT_EQ(size_probe(1, pci::bar_offset(5)), 0u);               // not implemented
    EXPECT_EQ(size_probe(1, pci::kRomAddress, 0xfffffffeu), 0u);    // no ROM
    EXPECT_EQ(cfg_read(1, pci::bar_offset(0)), 0u);                  // restored
}

TEST_F(PciBarTest, MemoryBarMapsWhenMemoryDecodingIsOn) {
    TestPciDevice& dev = add("d0");
    cfg_write(1, pci::bar_offset(0), 0x10100000);
    EXPECT_EQ(cfg_read(1, pci::bar_offset(0)), 0x10100000u);
    EXPECT_EQ(dev.bar_address(0), emu::PciDevice::kUnmapped);
    mem_read(0x10100010);
    EXPECT_EQ(last, emu::MemResult::Unassigned);

    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    EXPECT_EQ(dev.bar_address(0), 0x10100000u);
    mem_write(0x10100010, 0x55aa);
    EXPECT_EQ(last, emu::MemResult::Ok);
    EXPECT_EQ(dev.regs[4], 0x55aau);
    dev.regs[5] = 0x1234;
    EXPECT_EQ(mem_read(0x10100014), 0x1234u);

    cfg_write(1, pci::kCommand, 0, 2);  // decoding off: unmapped
    EXPECT_EQ(dev.bar_address(0), emu::PciDevice::kUnmapped);
    mem_read(0x10100014);
    EXPECT_EQ(last, emu::MemResult::Unassigned);
}

TEST_F(PciBarTest, MovingAndClearingABar) {
    TestPciDevice& dev = add("d0");
    cfg_write(1, pci::bar_offset(0), 0x10100000);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    dev.regs[0] = 0xcafe;
    EXPECT_EQ(mem_read(0x10100000), 0xcafeu);

    cfg_write(1, pci::bar_offset(0), 0x20000000);
    EXPECT_EQ(dev.bar_address(0), 0x20000000u);
    EXPECT_EQ(mem_read(0x20000000), 0xcafeu);
    mem_read(0x10100000);
    EXPECT_EQ(last, emu::MemResult::Unassigned);

    // Sizing with decoding on: the all-ones value is not an address, so the BAR is off meanwhile.
    cfg_write(1, pci::bar_offset(0), 0xffffffff);
    EXPECT_EQ(dev.bar_address(0), emu::PciDevice::kUnmapped);
    cfg_write(1, pci::bar_offset(0), 0x20000000);
    EXPECT_EQ(mem_read(0x20000000), 0xcafeu);

    cfg_write(1, pci::bar_offset(0), 0);  // address 0: unmapped
    EXPECT_EQ(dev.bar_address(0), emu::PciDevice::kUnmapped);
    mem_read(0x20000000);
    EXPECT_EQ(last, emu::MemResult::Unassigned);
}

TEST_F(PciBarTest, UnalignedAddressBitsAreIgnored) {
    TestPciDevice& dev = add("d0");
    cfg_write(1, pci::bar_offset(0), 0x10100abc);  // below the BAR's size: read-only zeros
    EXPECT_EQ(cfg_read(1, pci::bar_offset(0)), 0x10100000u);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    EXPECT_EQ(dev.bar_address(0), 0x10100000u);
}

TEST_F(PciBarTest, IoBarMapsInTheIoWindow) {
    TestPciDevice& dev = add("d0");
    cfg_write(1, pci::bar_offset(1), 0x1000);
    EXPECT_EQ(cfg_read(1, pci::bar_offset(1)), 0x1001u);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);  // memory decoding is not I/O decoding
    EXPECT_EQ(dev.bar_address(1), emu::PciDevice::kUnmapped);
    cfg_write(1, pci::kCommand, pci::kCommandIo, 2);
    EXPECT_EQ(dev.bar_address(1), 0x1000u);
    mem_write(kPioBase + 0x1004, 0x77);  // port 0x1004 through the board's PIO window
    EXPECT_EQ(dev.ports[1], 0x77u);
    dev.ports[2] = 0x99;
    EXPECT_EQ(mem_read(kPioBase + 0x1008), 0x99u);
    cfg_write(1, pci::kCommand, 0, 2);
    mem_read(kPioBase + 0x1008);
    EXPECT_EQ(last, emu::MemResult::Unassigned);
}

TEST_F(PciBarTest, SixtyFourBitBar) {
    TestPciDevice& dev = add("d0");
    dev.bar2_ram()[0x10] = 0x42;
    cfg_write(1, pci::bar_offset(2), 0x10200000);
    cfg_write(1, pci::bar_offset(3), 0);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    EXPECT_EQ(dev.bar_address(2), 0x10200000u);
    EXPECT_EQ(mem_read(0x10200010, 1), 0x42u);
    mem_write(0x10200020, 0xabcdef01);
    EXPECT_EQ(dev.bar2_ram()[0x20], 0x01);

    // Above 4 GiB: a bus address the board's 32-bit window does not show.
    cfg_write(1, pci::bar_offset(3), 0x1);
    EXPECT_EQ(dev.bar_address(2), 0x110200000u);
    mem_read(0x10200010, 1);
    EXPECT_EQ(last, emu::MemResult::Unassigned);
    cfg_write(1, pci::bar_offset(3), 0);
    EXPECT_EQ(mem_read(0x10200010, 1), 0x42u);
}

TEST_F(PciBarTest, ExpansionRomFromRomfile) {
    std::vector<std::uint8_t> image(3000);
    for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<std::uint8_t>(i * 7);
    image[0] = 0x55;
    image[1] = 0xaa;
    TempFile rom(image);
    TestPciDevice& dev = add("d0", {{"romfile", rom.path()}});
    EXPECT_EQ(size_probe(1, pci::kRomAddress, 0xfffffffeu), 0xfffff000u);  // 3000 bytes -> 4 KiB

    cfg_write(1, pci::kRomAddress, 0x10300000);  // address, not enabled
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    EXPECT_EQ(dev.bar_address(pci::kRomBar), emu::PciDevice::kUnmapped);
    mem_read(0x10300000, 2);
    EXPECT_EQ(last, emu::MemResult::Unassigned);

    cfg_write(1, pci::kRomAddress, 0x10300000 | pci::kRomEnable);
    EXPECT_EQ(cfg_read(1, pci::kRomAddress), 0x10300001u);
    EXPECT_EQ(dev.bar_address(pci::kRomBar), 0x10300000u);
    EXPECT_EQ(mem_read(0x10300000, 2), 0xaa55u);
    EXPECT_EQ(mem_read(0x10300000 + 100, 1), image[100]);
    EXPECT_EQ(mem_read(0x10300000 + 3500, 1), 0u);  // padding
    mem_write(0x10300000, 0);                        // it is a ROM
    EXPECT_EQ(last, emu::MemResult::ReadOnly);
    EXPECT_EQ(mem_read(0x10300000, 2), 0xaa55u);

    cfg_write(1, pci::kCommand, 0, 2);  // the enable bit alone is not enough
    EXPECT_EQ(dev.bar_address(pci::kRomBar), emu::PciDevice::kUnmapped);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    cfg_write(1, pci::kRomAddress, 0x10300000);  // enable bit cleared
    EXPECT_EQ(dev.bar_address(pci::kRomBar), emu::PciDevice::kUnmapped);
}

TEST_F(PciBarTest, MissingRomfileIsARealizeErrorNamingIt) {
    TestPciDevice& dev = create("d0", {{"romfile", "/nonexistent/efi-test.rom"}});
    try {
        dev.realize();
        FAIL() << "realize succeeded";
    } catch (const emu::Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/efi-test.rom"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(dev.realized());
    EXPECT_EQ(cfg_read(1, pci::kVendorId), 0xffffffffu);  // not on the bus
    add("d1");                                              // and the slot is still free
    EXPECT_EQ(cfg_read(1, pci::kVendorId), 0x11e81234u);
}

TEST_F(PciBarTest, TwoDevicesDecodeIndependently) {
    TestPciDevice& a = add("a");
    TestPciDevice& b = add("b");
    cfg_write(1, pci::bar_offset(0), 0x10100000);
    cfg_write(2, pci::bar_offset(0), 0x10101000);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    cfg_write(2, pci::kCommand, pci::kCommandMemory, 2);
    mem_write(0x10100000, 1);
    mem_write(0x10101000, 2);
    EXPECT_EQ(a.regs[0], 1u);
    EXPECT_EQ(b.regs[0], 2u);
}

}  // namespace
