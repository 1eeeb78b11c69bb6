// Identity and registers, as Linux's and U-Boot's e1000 drivers probe them: PCI IDs and BARs,
// the EEPROM (Microwire bit-bang and EERD: MAC, IDs, checksum 0xBABA), the PHY through MDIC,
// STATUS, the I/O window, CTRL.RST, statistics, properties and the option ROM.
#include <filesystem>

#include "e1000_bench.h"

namespace {

using namespace e1000_test;

class RegistersTest : public E1000Bench {};

TEST_F(RegistersTest, PciIdentityAndBars) {
    add_nic();
    EXPECT_EQ(cfg(pci::kVendorId, 2), 0x8086u);
    EXPECT_EQ(cfg(pci::kDeviceId, 2), 0x100eu);
    EXPECT_EQ(cfg(pci::kRevisionId, 1), 3u);
    EXPECT_EQ(cfg(pci::kRevisionId, 4) >> 8, 0x020000u);  // Ethernet controller
    EXPECT_EQ(cfg(pci::kInterruptPin, 1), 1u);
    EXPECT_EQ(cfg(pci::kSubsystemVendorId, 2), 0x1af4u);
    EXPECT_EQ(cfg(pci::kSubsystemId, 2), 0x1100u);
    // BAR sizing: 128 KiB memory, 64 bytes of I/O.
    cfg_wr(pci::kCommand, 0, 2);
    cfg_wr(pci::kBar0, 0xffffffff);
    EXPECT_EQ(cfg(pci::kBar0), 0xfffe0000u);
    cfg_wr(pci::kBar0 + 4, 0xffffffff);
    EXPECT_EQ(cfg(pci::kBar0 + 4) & 0xffff, 0xffc1u);
    EXPECT_EQ(cfg(pci::kBar0 + 8), 0u);  // no further BARs
}

TEST_F(RegistersTest, EepromChecksumAndContentsByBitBang) {
    add_nic({{"mac", "52:54:00:ab:cd:ef"}});
    std::uint16_t words[64];
    std::uint16_t sum = 0;
    for (unsigned i = 0; i < 64; ++i) {
        words[i] = eeprom_bitbang(i);
        sum = static_cast<std::uint16_t>(sum + words[i]);
    }
    EXPECT_EQ(sum, 0xbabau);
    EXPECT_EQ(words[0], 0x5452u);
    EXPECT_EQ(words[1], 0xab00u);
    EXPECT_EQ(words[2], 0xefcdu);
    EXPECT_EQ(words[0x0d], 0x100eu);  // device ID
    EXPECT_EQ(words[0x0e], 0x8086u);  // vendor ID
    EXPECT_EQ(words[0x0b], 0x1100u);  // subsystem, as the config space says
    EXPECT_EQ(words[0x0c], 0x1af4u);
    EXPECT_EQ(words[0x0a] >> 14, 1u);  // init control 1 signature
    EXPECT_EQ(words[0x04], 0xffffu);   // ID LED: driver defaults
}

TEST_F(RegistersTest, EepromSizeBitSaysSixtyFourWords) {
    add_nic();
    const std::uint32_t eecd = rd(reg::kEecd);
    EXPECT_TRUE(eecd & (1u << 8));      // PRES
    EXPECT_FALSE(eecd & (1u << 9));     // SIZE 0: 93C46, 6 address bits
    EXPECT_FALSE(eecd & (1u << 7));     // no grant without a request
}

TEST_F(RegistersTest, EepromByEerd) {
    add_nic();
    for (unsigned word : {0u, 1u, 2u, 0x0du, 0x3fu}) {
        wr(reg::kEerd, word << 8 | 1);
        const std::uint32_t eerd = rd(reg::kEerd);
        EXPECT_TRUE(eerd & 0x10) << word;  // DONE
        EXPECT_EQ(eerd >> 16, eeprom_bitbang(word)) << word;
    }
}

TEST_F(RegistersTest, MacAddressInReceiveAddressZero) {
    add_nic({{"mac", "52:54:00:ab:cd:ef"}});
    EXPECT_EQ(rd(reg::kRal0), 0xab005452u);
    EXPECT_EQ(rd(reg::kRah0), 0x8000efcdu);
}

TEST_F(RegistersTest, DefaultMacFollowsQemusScheme) {
    emu::PciDevice& dev = create_nic({{"romfile", ""}});
    dev.realize();
    // No mac=: 52:54:00:12:34:56, counting up per NIC in the process.
    EXPECT_EQ(dev.get_property("mac").rfind("52:54:00:12:34:", 0), 0u) << dev.get_property("mac");
}

TEST_F(RegistersTest, PhyIdentityAndLinkThroughMdic) {
    add_nic();
    EXPECT_EQ(phy_read(2), 0x0141u);                   // M88E1011_I_PHY_ID >> 16
    EXPECT_EQ(phy_read(3) & 0xfff0, 0x0c20u);
    const std::uint16_t bmsr = phy_read(1);
    EXPECT_TRUE(bmsr & 0x0004) << std::hex << bmsr;    // link
    EXPECT_TRUE(bmsr & 0x0020) << std::hex << bmsr;    // auto-negotiation complete
    EXPECT_TRUE(bmsr & 0x0008);                        // can auto-negotiate
    EXPECT_EQ(phy_read(0), 0x1140u);
    EXPECT_TRUE(phy_read(17) & 0x0400);                // M88 specific status: link
    EXPECT_EQ(phy_read(17) >> 14, 2u);                 // 1000 Mb/s
    EXPECT_TRUE(rd(reg::kStatus) & bits::kStatusLu);
    EXPECT_EQ((rd(reg::kStatus) >> 6) & 3, 2u);        // STATUS speed 1000
}

TEST_F(RegistersTest, PhyWritesAndSelfClearingBits) {
    add_nic();
    wr(reg::kMdic, bits::kMdicWrite | 1u << 21 | 4u << 16 | 0x0de1);
    EXPECT_TRUE(rd(reg::kMdic) & bits::kMdicReady);
    EXPECT_EQ(phy_read(4), 0x0de1u);
    // Read-only registers ignore writes.
    mdic(bits::kMdicWrite | 1u << 21 | 2u << 16 | 0x1234);
    EXPECT_EQ(phy_read(2), 0x0141u);
    // Restart auto-negotiation completes at once; reset restores defaults and self-clears.
    mdic(bits::kMdicWrite | 1u << 21 | 0u << 16 | 0x1340);
    EXPECT_EQ(phy_read(0), 0x1140u);
    mdic(bits::kMdicWrite | 1u << 21 | 0u << 16 | 0x9140);
    EXPECT_EQ(phy_read(0), 0x1140u);
    EXPECT_EQ(phy_read(4), 0x01e1u);
}

TEST_F(RegistersTest, MdicOtherPhyAddressIsAnError) {
    add_nic();
    const std::uint32_t result = mdic(bits::kMdicRead | 2u << 21 | 2u << 16);
    EXPECT_TRUE(result & bits::kMdicReady);
    EXPECT_TRUE(result & bits::kMdicError);
    EXPECT_FALSE(mdic(bits::kMdicRead | 1u << 21 | 2u << 16) & bits::kMdicError);
}

TEST_F(RegistersTest, MdicInterrupt) {
    add_nic();
    wr(reg::kIms, bits::kIcrMdac);
    mdic(bits::kMdicRead | bits::kMdicInterrupt | 1u << 21 | 1u << 16);
    EXPECT_TRUE(irq());
    EXPECT_EQ(rd(reg::kIcr), bits::kIcrMdac);
    EXPECT_FALSE(irq());
}

TEST_F(RegistersTest, IoWindowReachesTheRegisters) {
    add_nic();
    io_wr(0, static_cast<std::uint32_t>(reg::kRdtr));
    EXPECT_EQ(io_rd(0), reg::kRdtr);
    io_wr(4, 0x1234);
    EXPECT_EQ(rd(reg::kRdtr), 0x1234u);
    wr(reg::kRdtr, 0x55);
    EXPECT_EQ(io_rd(4), 0x55u);
    // Linux resets this MAC through the I/O window.
    wr(reg::kRdlen, 0x1000);
    io_wr(0, static_cast<std::uint32_t>(reg::kCtrl));
    io_wr(4, rd(reg::kCtrl) | bits::kCtrlRst);
    EXPECT_EQ(rd(reg::kRdlen), 0u);
    EXPECT_FALSE(rd(reg::kCtrl) & bits::kCtrlRst);  // self-clearing
}

TEST_F(RegistersTest, ResetRestoresPowerOnValues) {
    add_nic();
    wr(reg::kIms, 0xffff);
    wr(reg::kRctl, bits::kRctlEn | bits::kRctlUpe);
    wr(reg::kTctl, bits::kTctlEn);
    wr(reg::kRal0, 0);
    wr(reg::kMta + 8, 0xffffffff);
    wr(reg::kVet, 0x1234);
    wr(reg::kCtrl, bits::kCtrlRst);
    EXPECT_EQ(rd(reg::kIms), 0u);
    EXPECT_EQ(rd(reg::kRctl), 0u);
    EXPECT_EQ(rd(reg::kTctl), 0u);
    EXPECT_EQ(rd(reg::kMta + 8), 0u);
    EXPECT_EQ(rd(reg::kVet), 0x8100u);
    EXPECT_EQ(rd(reg::kRal0), 0x12005452u);  // reloaded from the EEPROM
    EXPECT_EQ(rd(reg::kRah0), 0x80005634u);
    EXPECT_EQ(eeprom_bitbang(0), 0x5452u);
}

TEST_F(RegistersTest, RegisterMasksAndUnknownOffsets) {
    add_nic();
    wr(reg::kRdbal, 0xffffffff);
    EXPECT_EQ(rd(reg::kRdbal), 0xfffffff0u);  // 16-byte aligned
    wr(reg::kRdlen, 0xffffffff);
    EXPECT_EQ(rd(reg::kRdlen), 0x000fff80u);  // multiples of 128 bytes
    wr(reg::kTdlen, 0x12345);
    EXPECT_EQ(rd(reg::kTdlen), 0x12300u);
    wr(reg::kRdt, 0x12345678);
    EXPECT_EQ(rd(reg::kRdt), 0x5678u);
    wr(reg::kRah0 + 8, 0xffffffff);
    EXPECT_EQ(rd(reg::kRah0 + 8), 0x8003ffffu);
    wr(0x1f000, 0x1234);  // nothing there
    EXPECT_EQ(rd(0x1f000), 0u);
    EXPECT_EQ(last, emu::MemResult::Ok);
    wr(reg::kStatus, 0);  // read-only
    EXPECT_TRUE(rd(reg::kStatus) & bits::kStatusLu);
}

TEST_F(RegistersTest, SoftwareSemaphoresAsUBootTakesThem) {
    // U-Boot's driver sets SWSM.SWESMBI and reads it back before every EEPROM access, then
    // marks SW_FW_SYNC; both keep what it writes (as on QEMU), so it gets its grant.
    add_nic();
    wr(0x5b50, 0x2);
    EXPECT_EQ(rd(0x5b50), 0x2u);
    wr(0x5b5c, 0x1);
    EXPECT_EQ(rd(0x5b5c), 0x1u);
    wr(0x5b50, 0);
    EXPECT_EQ(rd(0x5b50), 0u);
}

TEST_F(RegistersTest, StatisticsClearOnRead) {
    add_nic();
    setup_rx(8);
    ASSERT_EQ(to_nic(ethernet(kNicMac, 100)), emu::NetClient::SendStatus::Delivered);
    ASSERT_EQ(to_nic(ethernet(kNicMac, 200)), emu::NetClient::SendStatus::Delivered);
    EXPECT_EQ(rd(reg::kGprc), 2u);
    EXPECT_EQ(rd(reg::kGprc), 0u);
    EXPECT_EQ(rd(reg::kTpr), 2u);
    // Octets with the FCS: (114 + 4) + (214 + 4). The low half reads without clearing; reading
    // the high half clears both.
    EXPECT_EQ(rd(reg::kGorcl), 336u);
    EXPECT_EQ(rd(reg::kGorcl), 336u);
    EXPECT_EQ(rd(reg::kGorch), 0u);
    EXPECT_EQ(rd(reg::kGorcl), 0u);
    EXPECT_EQ(rd(reg::kTorl), 336u);
    EXPECT_EQ(rd(reg::kTorh), 0u);
    EXPECT_EQ(rd(reg::kTorl), 0u);
    EXPECT_EQ(rd(reg::kPrc64 + 4), 1u);  // 65..127
    EXPECT_EQ(rd(reg::kPrc64 + 8), 1u);  // 128..255
    wr(reg::kGprc, 55);                   // statistics are read-only
    EXPECT_EQ(rd(reg::kGprc), 0u);
}

TEST_F(RegistersTest, LinkDownAndUp) {
    add_nic();
    wr(reg::kIms, bits::kIcrLsc);
    wire->set_link_up(false);
    EXPECT_FALSE(rd(reg::kStatus) & bits::kStatusLu);
    EXPECT_FALSE(phy_read(1) & 0x0004);
    EXPECT_TRUE(irq());
    EXPECT_EQ(rd(reg::kIcr), bits::kIcrLsc);
    EXPECT_FALSE(irq());
    wire->set_link_up(true);
    EXPECT_TRUE(rd(reg::kStatus) & bits::kStatusLu);
    EXPECT_TRUE(phy_read(1) & 0x0024);
    EXPECT_EQ(rd(reg::kIcr), bits::kIcrLsc);
}

TEST_F(RegistersTest, MulticastMacIsRefused) {
    emu::PciDevice& dev = create_nic({{"mac", "53:54:00:12:34:56"}, {"romfile", ""}});
    try {
        dev.realize();
        FAIL() << "realized with a multicast MAC";
    } catch (const emu::Error& e) {
        EXPECT_NE(std::string(e.what()).find("multicast"), std::string::npos) << e.what();
    }
}

TEST_F(RegistersTest, PropertiesAreDocumented) {
    emu::PciDevice& dev = create_nic({});
    for (const char* name : {"mac", "netdev", "romfile", "addr"}) {
        const emu::Property* p = dev.find_property(name);
        ASSERT_NE(p, nullptr) << name;
        EXPECT_FALSE(p->description.empty()) << name;
    }
    EXPECT_EQ(dev.get_property("romfile"), "/usr/lib/ipxe/qemu/efi-e1000.rom");
}

TEST_F(RegistersTest, NoNetdevLeavesTheNicUnplugged) {
    add_nic({}, false);
    setup_tx(8);
    const Frame frame = ethernet(kPeerMac, 60);
    put(kTxBuffers, frame);
    tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop | bits::kTxRs);
    wr(reg::kTdt, 1);
    EXPECT_EQ(rd(reg::kTdh), 1u);
    EXPECT_TRUE(tx_status(0) & 1);
}

TEST_F(RegistersTest, DefaultOptionRomIsMappedWhenInstalled) {
    const std::string rom = "/usr/lib/ipxe/qemu/efi-e1000.rom";
    if (!std::filesystem::exists(rom)) GTEST_SKIP() << rom << " is not installed (package ipxe-qemu)";
    add_nic({{"romfile", rom}});
    cfg_wr(pci::kRomAddress, static_cast<std::uint32_t>(kRomAddress) | 1);
    std::uint64_t signature = 0;
    machine->system_memory()->read_value(kRomAddress, 2, signature);
    EXPECT_EQ(signature, 0xaa55u);
    // The PCI data structure names this NIC.
    std::uint64_t pcir = 0, ids = 0;
    machine->system_memory()->read_value(kRomAddress + 0x18, 2, pcir);
    machine->system_memory()->read_value(kRomAddress + pcir + 4, 4, ids);
    EXPECT_EQ(ids, 0x100e8086u);
}

TEST_F(RegistersTest, MissingRomFileIsAnError) {
    emu::PciDevice& dev = create_nic({{"romfile", "/nonexistent/efi-e1000.rom"}});
    EXPECT_THROW(dev.realize(), emu::Error);
}

}  // namespace
