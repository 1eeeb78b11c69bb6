// Interrupt semantics: ICR collects causes and clears on read (dropping the line), ICS sets,
// IMS/IMC mask, writing ICR clears bits; ITR throttling; RDTR/RADV and TIDV/TADV delays on the
// virtual clock; INTx follows the command register's INTX_DISABLE.
#include "e1000_bench.h"

namespace {

using namespace e1000_test;

class InterruptsTest : public E1000Bench {
protected:
    void SetUp() override { add_nic(); }
};

TEST_F(InterruptsTest, CausesMaskAndClearOnRead) {
    wr(reg::kIcs, bits::kIcrRxt0 | bits::kIcrTxdw);
    EXPECT_FALSE(irq());  // masked
    wr(reg::kIms, bits::kIcrRxt0);
    EXPECT_TRUE(irq());
    EXPECT_EQ(rd(reg::kIms), bits::kIcrRxt0);
    EXPECT_EQ(rd(reg::kIcr), bits::kIcrRxt0 | bits::kIcrTxdw);  // all causes, masked or not
    EXPECT_FALSE(irq());
    EXPECT_EQ(rd(reg::kIcr), 0u);
}

TEST_F(InterruptsTest, ImcAndWriteToClear) {
    wr(reg::kIms, 0xffff);
    wr(reg::kIcs, bits::kIcrLsc | bits::kIcrRxt0);
    EXPECT_TRUE(irq());
    wr(reg::kImc, bits::kIcrLsc | bits::kIcrRxt0);
    EXPECT_FALSE(irq());
    EXPECT_EQ(rd(reg::kIms), 0xffffu & ~(bits::kIcrLsc | bits::kIcrRxt0));
    wr(reg::kIms, bits::kIcrLsc);
    EXPECT_TRUE(irq());
    wr(reg::kIcr, bits::kIcrLsc);  // writing 1 clears that cause only
    EXPECT_FALSE(irq());
    EXPECT_EQ(rd(reg::kIcr), bits::kIcrRxt0);
    EXPECT_EQ(rd(reg::kIcs), 0u);  // write-only
}

TEST_F(InterruptsTest, IntxDisableHoldsTheLine) {
    wr(reg::kIms, bits::kIcrTxdw);
    cfg_wr(pci::kCommand, pci::kCommandMemory | pci::kCommandIo | pci::kCommandMaster | pci::kCommandIntxDisable, 2);
    wr(reg::kIcs, bits::kIcrTxdw);
    EXPECT_FALSE(irq());
    EXPECT_TRUE(cfg(pci::kStatus, 2) & pci::kStatusInterrupt);
    cfg_wr(pci::kCommand, pci::kCommandMemory | pci::kCommandIo | pci::kCommandMaster, 2);
    EXPECT_TRUE(irq());
}

TEST_F(InterruptsTest, ThrottlingSpacesAssertions) {
    wr(reg::kItr, 1000);  // 256 us
    wr(reg::kIms, bits::kIcrRxt0);
    wr(reg::kIcs, bits::kIcrRxt0);
    EXPECT_TRUE(irq());  // the first goes out at once
    rd(reg::kIcr);
    EXPECT_FALSE(irq());
    wr(reg::kIcs, bits::kIcrRxt0);
    EXPECT_FALSE(irq());  // held: the interval has not passed
    step(255'000);
    EXPECT_FALSE(irq());
    step(1'000);
    EXPECT_TRUE(irq());
    rd(reg::kIcr);
    step(256'000);  // a full interval with nothing pending
    wr(reg::kIcs, bits::kIcrRxt0);
    EXPECT_TRUE(irq());
}

TEST_F(InterruptsTest, ThrottledCauseReadAwayIsNotRaised) {
    wr(reg::kItr, 100);
    wr(reg::kIms, bits::kIcrRxt0);
    wr(reg::kIcs, bits::kIcrRxt0);
    rd(reg::kIcr);
    wr(reg::kIcs, bits::kIcrRxt0);
    rd(reg::kIcr);  // the driver polled it away while held
    step(100 * 256);
    EXPECT_FALSE(irq());
}

TEST_F(InterruptsTest, ReceiveDelayAndAbsoluteTimer) {
    setup_rx(16);
    wr(reg::kIms, bits::kIcrRxt0);
    wr(reg::kRdtr, 10);   // 10.24 us after the last frame
    wr(reg::kRadv, 25);   // 25.6 us after the first
    to_nic(ethernet(kNicMac, 64));
    EXPECT_FALSE(irq());
    step(8'000);
    to_nic(ethernet(kNicMac, 64));  // restarts the packet timer
    step(8'000);
    EXPECT_FALSE(irq());
    to_nic(ethernet(kNicMac, 64));
    step(8'000);
    EXPECT_FALSE(irq());
    step(2'000);  // 26 us since the first frame: RADV fires
    EXPECT_TRUE(irq());
    EXPECT_EQ(rd(reg::kIcr) & bits::kIcrRxt0, bits::kIcrRxt0);
    // A lone frame: RDTR alone.
    to_nic(ethernet(kNicMac, 64));
    step(10'000);
    EXPECT_FALSE(irq());
    step(300);
    EXPECT_TRUE(irq());
}

TEST_F(InterruptsTest, FlushPartialDescriptorBlock) {
    setup_rx(16);
    wr(reg::kIms, bits::kIcrRxt0);
    wr(reg::kRdtr, 1000);
    to_nic(ethernet(kNicMac, 64));
    EXPECT_FALSE(irq());
    wr(reg::kRdtr, 1000u | 1u << 31);  // FPD
    EXPECT_TRUE(irq());
}

TEST_F(InterruptsTest, ReceiveWithoutDelayIsImmediate) {
    setup_rx(16);
    wr(reg::kIms, bits::kIcrRxt0);
    to_nic(ethernet(kNicMac, 64));
    EXPECT_TRUE(irq());
    EXPECT_EQ(rd(reg::kIcr), bits::kIcrRxt0);
}

TEST_F(InterruptsTest, DescriptorMinimumThreshold) {
    setup_rx(16);  // 15 free
    wr(reg::kIms, bits::kIcrRxdmt0);
    for (int i = 0; i < 6; ++i) to_nic(ethernet(kNicMac, 64));
    EXPECT_FALSE(irq());  // 9 free > 8
    to_nic(ethernet(kNicMac, 64));
    EXPECT_TRUE(irq());   // 8 free: half the ring (RDMTS 00)
}

TEST_F(InterruptsTest, TransmitDelayForIdeDescriptors) {
    setup_tx(8);
    wr(reg::kIms, bits::kIcrTxdw);
    wr(reg::kTidv, 8);
    wr(reg::kTadv, 32);
    const Frame frame = ethernet(kPeerMac, 100);
    put(kTxBuffers, frame);
    tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop | bits::kTxRs | bits::kTxIde);
    wr(reg::kTdt, 1);
    EXPECT_EQ(wire->frames.size(), 1u);
    EXPECT_FALSE(irq());
    step(8 * 1024);
    EXPECT_TRUE(irq());
    EXPECT_EQ(rd(reg::kIcr), bits::kIcrTxdw | bits::kIcrTxqe);
    // Without IDE: at once.
    tx_legacy(1, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop | bits::kTxRs);
    wr(reg::kTdt, 2);
    EXPECT_TRUE(irq());
}

}  // namespace
