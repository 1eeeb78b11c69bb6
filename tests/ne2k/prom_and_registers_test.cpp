// The NE2000 core's registers: power-on and reset-port state, the station-address PROM read the
// ways Linux's ne and ne2k-pci probes read it, the MAC property, the register pages, ISR/IMR and
// the interrupt line, the tally counters.
#include "ne2k_bench.h"

#include "emu/error.h"

namespace {

using namespace ne2k_test;

class RegistersTest : public Ne2kBench {
protected:
    void SetUp() override { add_test_nic(); }
};

TEST_F(RegistersTest, PowerOnState) {
    EXPECT_EQ(reg(CR), CR_NODMA | CR_STP);  // stopped, remote DMA aborted, page 0
    EXPECT_EQ(reg(ISR), ISR_RST);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg_page(2, 0x0f), 0);  // IMR
    EXPECT_EQ(reg(0x0a), 0);          // no RealTek ID on a plain DP8390
    EXPECT_EQ(reg(0x0b), 0);
    EXPECT_EQ(nic->mmio(0).size(), 0x20u);
}

TEST_F(RegistersTest, PromInByteModeIsTheMacDoubledWithTheSignature) {
    reg(DCR, DCR_BYTE);
    const Bytes prom = dma_read(0, 32, 1);
    for (unsigned i = 0; i < 6; ++i) {
        EXPECT_EQ(prom[2 * i], kMac[i]) << i;
        EXPECT_EQ(prom[2 * i + 1], kMac[i]) << i;
    }
    for (unsigned i = 12; i < 28; ++i) EXPECT_EQ(prom[i], 0) << i;
    for (unsigned i = 28; i < 32; ++i) EXPECT_EQ(prom[i], 0x57) << i;  // 'WW' at PROM words 14, 15
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
}

TEST_F(RegistersTest, PromAsNe2kPciReadsIt) {
    // ne2k-pci sets word mode, asks for 32 bytes and reads them with 32 byte accesses: each moves
    // a word, so every second PROM byte, which is the MAC.
    reg(CR, CR_NODMA | CR_STP);
    reg(DCR, DCR_WORD);
    reg(RBCR0, 32);
    reg(RBCR1, 0);
    reg(RSAR0, 0);
    reg(RSAR1, 0);
    reg(CR, CR_RREAD | CR_STA);
    Bytes prom;
    for (int i = 0; i < 32; ++i) prom.push_back(static_cast<std::uint8_t>(in(base + DATA, 1)));
    EXPECT_EQ(Bytes(prom.begin(), prom.begin() + 6), Bytes(kMac.begin(), kMac.end()));
    EXPECT_EQ(prom[14], 0x57);
    EXPECT_EQ(prom[15], 0x57);
    // 32-bit accesses (ne2k-pci's insl) move four bytes each.
    const Bytes words = dma_read(0, 8, 4);
    EXPECT_EQ(words, (Bytes{kMac[0], kMac[0], kMac[1], kMac[1], kMac[2], kMac[2], kMac[3], kMac[3]}));
}

TEST_F(RegistersTest, ResetPortStopsTheChipAndSetsRst) {
    init_chip();
    EXPECT_EQ(reg(CR) & (CR_STA | CR_STP), CR_STA);
    EXPECT_EQ(reg(ISR) & ISR_RST, 0);
    // ne2k-pci: outb(inb(NE_RESET), NE_RESET), then wait for ISR.RST.
    out(base + RESET, in(base + RESET, 1), 1);
    EXPECT_TRUE(reg(ISR) & ISR_RST);
    EXPECT_EQ(reg(CR) & (CR_STA | CR_STP), CR_STP);
    EXPECT_EQ(reg_page(2, 0x0f), 0);  // interrupts masked
    reg(ISR, 0xff);
    EXPECT_TRUE(reg(ISR) & ISR_RST);  // RST is not cleared by writing it...
    reg(CR, CR_NODMA | CR_STA);
    EXPECT_EQ(reg(ISR) & ISR_RST, 0);  // ...but by starting the chip
    // The ring and addresses survive a reset pulse.
    EXPECT_EQ(reg_page(2, PSTART), kRxStart);
    EXPECT_EQ(reg_page(1, PAR0), kMac[0]);
}

TEST_F(RegistersTest, CountersClearWhenRead) {
    // Linux's ne probe: write MAR5 on page 1, then CNTR0 (the same offset on page 0) must read 0
    // once read.
    page(1);
    reg(0x0d, 0xff);
    page(0);
    reg(CNTR0);
    EXPECT_EQ(reg(CNTR0), 0);
    EXPECT_EQ(reg_page(1, 0x0d), 0xff);  // MAR5 kept its value
}

TEST_F(RegistersTest, PagesOneAndTwo) {
    init_chip(RCR_AB | RCR_AM);
    page(1);
    for (unsigned i = 0; i < 6; ++i) EXPECT_EQ(reg(PAR0 + i), kMac[i]);
    for (unsigned i = 0; i < 8; ++i) reg(MAR0 + i, static_cast<std::uint8_t>(0x11 * (i + 1)));
    for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(reg(MAR0 + i), 0x11 * (i + 1));
    EXPECT_EQ(reg(CURR), kRxStart);
    page(2);
    EXPECT_EQ(reg(0x01), kRxStart);  // PSTART
    EXPECT_EQ(reg(0x02), kRxStop);   // PSTOP
    EXPECT_EQ(reg(0x04), kTxPage);   // TPSR
    EXPECT_EQ(reg(0x0c), RCR_AB | RCR_AM);
    EXPECT_EQ(reg(0x0d), 0);         // TCR
    EXPECT_EQ(reg(0x0e), DCR_WORD);
    EXPECT_EQ(reg(0x0f), 0x7f);      // IMR
    EXPECT_EQ(reg(CR) >> 6, 2);
    page(0);
    EXPECT_EQ(reg(CR) >> 6, 0);
}

TEST_F(RegistersTest, InterruptLineFollowsIsrAndImr) {
    init_chip();
    reg(IMR, 0);
    remote_setup(0x4000, 0, CR_RREAD);  // a zero-length transfer completes at once
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
    EXPECT_FALSE(irq.level());
    reg(IMR, ISR_RDC);
    EXPECT_TRUE(irq.level());
    reg(ISR, ISR_PRX);  // clearing another bit changes nothing
    EXPECT_TRUE(irq.level());
    reg(ISR, ISR_RDC);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(ISR) & ISR_RDC, 0);
    reg(CR, CR_NODMA | CR_STP);  // RST never interrupts
    EXPECT_TRUE(reg(ISR) & ISR_RST);
    reg(IMR, 0xff);
    EXPECT_FALSE(irq.level());
}

TEST_F(RegistersTest, WideRegisterAccessesAreSplit) {
    init_chip();
    page(1);
    EXPECT_EQ(in(base + PAR0, 2), std::uint64_t{kMac[0]} | std::uint64_t{kMac[1]} << 8);
    out(base + MAR0, 0x44332211, 4);
    EXPECT_EQ(reg(MAR0 + 3), 0x44);
    page(0);
}

TEST_F(RegistersTest, BoardResetRestoresPowerOnState) {
    init_chip();
    dma_write(0x4000, {1, 2, 3, 4});
    reg(IMR, ISR_RDC);
    remote_setup(0x4000, 0, CR_RREAD);
    EXPECT_TRUE(irq.level());
    nic->reset();
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(CR), CR_NODMA | CR_STP);
    EXPECT_EQ(reg(ISR), ISR_RST);
    reg(DCR, DCR_BYTE);
    EXPECT_EQ(dma_read(0x4000, 4), (Bytes{0, 0, 0, 0}));  // buffer RAM cleared
    EXPECT_EQ(dma_read(0, 2), (Bytes{kMac[0], kMac[0]}));
}

class MacTest : public Ne2kBench {};

TEST_F(MacTest, DefaultMacIsQemusScheme) {
    add_test_nic("");
    const std::string mac = nic->get_property("mac");
    EXPECT_EQ(mac.substr(0, 15), "52:54:00:12:34:") << mac;
    reg(DCR, DCR_BYTE);
    const Bytes prom = dma_read(0, 12);
    const emu::MacAddress parsed = emu::MacAddress::parse(mac);
    for (unsigned i = 0; i < 6; ++i) EXPECT_EQ(prom[2 * i], parsed.bytes[i]);
}

TEST_F(MacTest, MulticastMacIsRefused) {
    auto& n = machine->add_child("nic", as<TestNic>(registry.create("ne2000-testnic")));
    n.set_property("mac", "01:00:5e:00:00:01");
    try {
        n.realize();
        FAIL() << "realized with a multicast MAC";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "mac 01:00:5e:00:00:01 is a multicast address");
    }
}

TEST_F(MacTest, ABackEndServesOneNic) {
    add_test_nic();
    auto& second = machine->add_child("nic2", as<TestNic>(registry.create("ne2000-testnic")));
    second.set_property("netdev", "n0");
    EXPECT_THROW(second.realize(), emu::Error);
}

}  // namespace
