// Identity and the small register blocks: PCI ids and the revision property, the 93C46 EEPROM
// read the way 8139too and 8139cp bit-bang it, MII registers and link state, interrupt status
// and mask, the TCTR/TimerInt timer on the virtual clock, Config registers, reset.
#include "rtl8139_bench.h"

namespace {

using namespace rtl_test;
namespace pci = emu::pci;

class RegistersTest : public RtlBench {
protected:
    // Linux's read_eeprom(): program mode, CS, the read command (start bit, 10, address) shifted
    // out on DI with SK pulses, then 16 bits read on DO after each rising SK.
    std::uint16_t eeprom_read(unsigned address, unsigned address_bits) {
        constexpr std::uint32_t kEnable = 0x80 | 0x08, kClock = 0x04, kDataIn = 0x02, kDataOut = 0x01;
        w8(reg::CR9346, 0x80);
        w8(reg::CR9346, kEnable);
        const unsigned command = address | 6u << address_bits;
        for (int i = 2 + static_cast<int>(address_bits); i >= 0; --i) {
            const std::uint32_t data = (command >> i) & 1 ? kDataIn : 0;
            w8(reg::CR9346, kEnable | data);
            w8(reg::CR9346, kEnable | data | kClock);
        }
        w8(reg::CR9346, kEnable);
        std::uint16_t value = 0;
        for (int i = 0; i < 16; ++i) {
            w8(reg::CR9346, kEnable | kClock);
            value = static_cast<std::uint16_t>(value << 1 | ((r8(reg::CR9346) & kDataOut) ? 1 : 0));
            w8(reg::CR9346, kEnable);
        }
        w8(reg::CR9346, 0);
        return value;
    }
};

TEST_F(RegistersTest, PciIdentityAndBars) {
    add_nic();
    EXPECT_EQ(cfg_read(kSlot, pci::kVendorId, 2), 0x10ecu);
    EXPECT_EQ(cfg_read(kSlot, pci::kDeviceId, 2), 0x8139u);
    EXPECT_EQ(cfg_read(kSlot, pci::kRevisionId, 1), 0x20u);   // C+ by default, as QEMU
    EXPECT_EQ(cfg_read(kSlot, pci::kClassDevice, 2), 0x0200u);
    EXPECT_EQ(cfg_read(kSlot, pci::kInterruptPin, 1), 1u);
    EXPECT_EQ(nic->bar_size(0), 256u);
    EXPECT_EQ(nic->bar_size(1), 256u);
    EXPECT_EQ(cfg_read(kSlot, pci::kBar0, 4) & 1, 1u);           // I/O
    EXPECT_EQ(cfg_read(kSlot, pci::kBar0 + 4, 4) & 1, 0u);       // memory
    EXPECT_EQ(r8(reg::RERID), 0x20u);
    EXPECT_EQ(r32(reg::TCR) & 0x7cc00000u, 0x74800000u);         // RTL8139C+ (8139too's table)
}

TEST_F(RegistersTest, RevisionCIsThePlainRtl8139C) {
    add_nic({{"revision", "c"}});
    EXPECT_EQ(cfg_read(kSlot, pci::kRevisionId, 1), 0x10u);   // < 0x20: 8139too takes it
    EXPECT_EQ(r32(reg::TCR) & 0x7cc00000u, 0x74000000u);      // RTL-8139C
    w16(reg::CPCR, 0x3);                                       // no C+ mode on this chip
    EXPECT_EQ(r16(reg::CPCR), 0u);
}

TEST_F(RegistersTest, PropertiesAreDocumented) {
    add_nic();
    for (const emu::Property& p : nic->type().object_class().properties())
        EXPECT_FALSE(p.description.empty()) << p.name;
    EXPECT_THROW(nic->set_property("revision", "d"), emu::Error);
}

TEST_F(RegistersTest, EepromHoldsSignatureIdsAndMac) {
    add_nic({{"mac", "52:54:00:ab:cd:ef"}});
    // 8139too's probe: word 0 read with 8 address bits is not 0x8129 on a 93C46, so it uses 6.
    EXPECT_NE(eeprom_read(0, 8), 0x8129);
    EXPECT_EQ(eeprom_read(0, 6), 0x8129);
    EXPECT_EQ(eeprom_read(1, 6), 0x10ec);
    EXPECT_EQ(eeprom_read(2, 6), 0x8139);
    EXPECT_EQ(eeprom_read(7, 6), 0x5452);
    EXPECT_EQ(eeprom_read(8, 6), 0xab00);
    EXPECT_EQ(eeprom_read(9, 6), 0xefcd);
    EXPECT_EQ(r32(reg::IDR0), 0xab005452u);
    EXPECT_EQ(r16(reg::IDR0 + 4), 0xefcdu);
}

TEST_F(RegistersTest, MacWritableAndAutoloadRestoresIt) {
    add_nic();
    w32(reg::IDR0, 0x44332211);
    w32(reg::IDR0 + 4, 0x6655);
    EXPECT_EQ(r32(reg::IDR0), 0x44332211u);
    EXPECT_EQ(r16(reg::IDR0 + 4), 0x6655u);
    w8(reg::CR9346, 0x40);   // auto-load from the EEPROM
    EXPECT_EQ(r32(reg::IDR0), 0x12005452u);
    EXPECT_EQ(r8(reg::CR9346) & 0xc0, 0u);
}

TEST_F(RegistersTest, ConfigRegistersNeedTheUnlock) {
    add_nic();
    const std::uint32_t before = r8(reg::CONFIG1);
    w8(reg::CONFIG1, before | 0x01);
    EXPECT_EQ(r8(reg::CONFIG1), before);
    w8(reg::CR9346, 0xc0);
    w8(reg::CONFIG1, before | 0x01);
    w8(reg::CR9346, 0x00);
    EXPECT_EQ(r8(reg::CONFIG1), before | 0x01);
}

TEST_F(RegistersTest, MiiAndLink) {
    add_nic();
    EXPECT_EQ(r16(reg::BMCR) & 0x3100, 0x3100u);   // 100 Mb/s, auto-negotiation, full duplex
    EXPECT_EQ(r16(reg::BMSR), 0x782du);            // capabilities, AN complete, link up
    EXPECT_EQ(r16(reg::ANAR), 0x01e1u);
    EXPECT_EQ(r16(reg::ANLPAR), 0x05e1u);
    EXPECT_EQ(r8(reg::MSR) & 0x04, 0u);            // LINKB clear: link is up
    w16(reg::BMCR, 0x8000);                        // PHY reset self-clears
    EXPECT_EQ(r16(reg::BMCR) & 0x8000, 0u);
    w16(reg::BMCR, 0x1200);                        // restart negotiation
    EXPECT_EQ(r16(reg::BMCR) & 0x0200, 0u);

    w16(reg::IMR, 0x20);
    net->set_link_up(false);
    EXPECT_EQ(r16(reg::BMSR) & 0x0004, 0u);
    EXPECT_TRUE(r8(reg::MSR) & 0x04);
    EXPECT_TRUE(r16(reg::ISR) & bit::IntLinkChange);
    EXPECT_TRUE(irq());
    w16(reg::ISR, bit::IntLinkChange);
    EXPECT_FALSE(irq());
    net->set_link_up(true);
    EXPECT_TRUE(r16(reg::BMSR) & 0x0004);
}

TEST_F(RegistersTest, InterruptStatusIsWriteOneToClear) {
    add_nic();
    w8(reg::CR, bit::CrTxEnable);
    w32(reg::TCR, 3u << 17);                       // loopback: a transmit raises TxOK only
    w32(reg::TSAD0, static_cast<std::uint32_t>(kRamBase));
    w32(reg::TSD0, 60);
    EXPECT_EQ(r16(reg::ISR), bit::IntTxOk);
    EXPECT_FALSE(irq());                           // masked
    w16(reg::IMR, bit::IntTxOk);
    EXPECT_TRUE(irq());
    w16(reg::ISR, 0);                              // writing 0 clears nothing
    EXPECT_EQ(r16(reg::ISR), bit::IntTxOk);
    w8(reg::ISR + 1, 0xff);                        // the other byte: nothing
    EXPECT_EQ(r16(reg::ISR), bit::IntTxOk);
    w16(reg::ISR, bit::IntTxOk);
    EXPECT_EQ(r16(reg::ISR), 0u);
    EXPECT_FALSE(irq());
}

TEST_F(RegistersTest, TimerCountsAtThePciClockAndInterrupts) {
    add_nic();
    w32(reg::TCTR, 0);                             // any write clears the count
    loop.virtual_clock().step(1'000'000);          // 1 ms = 33,000 PCI clocks
    EXPECT_NEAR(r32(reg::TCTR), 33000.0, 1.0);
    w16(reg::IMR, bit::IntTimeout);
    w32(reg::TCTR, 0);
    w32(reg::TIMERINT, 33000 * 5);                 // 5 ms
    loop.virtual_clock().step(4'900'000);
    EXPECT_FALSE(r16(reg::ISR) & bit::IntTimeout);
    loop.virtual_clock().step(200'000);
    EXPECT_TRUE(r16(reg::ISR) & bit::IntTimeout);
    EXPECT_TRUE(irq());
    w16(reg::ISR, bit::IntTimeout);
    w32(reg::TIMERINT, 0);                         // off
    loop.virtual_clock().step(200'000'000'000);
    EXPECT_FALSE(r16(reg::ISR) & bit::IntTimeout);
}

TEST_F(RegistersTest, ResetClearsTheChipButKeepsTheMac) {
    add_nic();
    w16(reg::IMR, 0xffff);
    w32(reg::RCR, 0xf);
    w8(reg::CR, bit::CrRxEnable | bit::CrTxEnable);
    w32(reg::IDR0, 0x04030201);
    w8(reg::CR, bit::CrReset);
    EXPECT_EQ(r8(reg::CR) & (bit::CrReset | bit::CrRxEnable | bit::CrTxEnable), 0u);   // RST self-clears
    EXPECT_EQ(r16(reg::IMR), 0u);
    EXPECT_EQ(r16(reg::ISR), 0u);
    EXPECT_EQ(r16(reg::CAPR), 0xfff0u);
    EXPECT_EQ(r16(reg::CBR), 0u);
    EXPECT_EQ(r16(reg::TSAD) & 0xf, 0xfu);         // every descriptor is the driver's
    EXPECT_EQ(r32(reg::IDR0), 0x04030201u);
    // A board reset reloads the MAC from the EEPROM.
    nic->reset();
    map_bars();
    EXPECT_EQ(r32(reg::IDR0), 0x12005452u);
}

TEST_F(RegistersTest, MissedPacketCounterClearsOnWrite) {
    add_nic({{"revision", "c"}});
    w32(reg::RBSTART, 0xf0000000);                 // nowhere: the frame is lost
    w32(reg::RCR, bit::RcrApm);
    w8(reg::CR, bit::CrRxEnable);
    inject(make_frame(kNicMac, 64));
    EXPECT_EQ(r32(reg::MPC), 1u);
    w32(reg::MPC, 0x1234);
    EXPECT_EQ(r32(reg::MPC), 0u);
}

}  // namespace
