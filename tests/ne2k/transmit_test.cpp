// Transmission from TPSR/TBCR: the frame reaches the back end, TSR/ISR.PTX; a back end that
// queues the frame holds PTX back until it has taken it; loopback; no cable.
#include "ne2k_bench.h"

namespace {

using namespace ne2k_test;

class TransmitTest : public Ne2kBench {
protected:
    void SetUp() override {
        add_test_nic();
        init_chip();
    }
};

TEST_F(TransmitTest, FrameGoesToTheBackEnd) {
    const Bytes frame = make_frame(kOther, 342, 5);
    transmit(frame);
    ASSERT_EQ(netdev->frames.size(), 1u);
    EXPECT_EQ(netdev->frames[0], frame);
    EXPECT_EQ(reg(CR) & CR_TXP, 0);
    EXPECT_EQ(reg(TSR), TSR_PTX);
    EXPECT_TRUE(reg(ISR) & ISR_PTX);
    EXPECT_TRUE(irq.level());
    reg(ISR, ISR_PTX);
    EXPECT_FALSE(irq.level());
    // Short frames go out as the driver made them (Linux pads to 60 itself).
    transmit(make_frame(kOther, 42));
    ASSERT_EQ(netdev->frames.size(), 2u);
    EXPECT_EQ(netdev->frames[1].size(), 42u);
}

TEST_F(TransmitTest, BusyBackEndHoldsPtxBack) {
    netdev->accepting = false;
    const Bytes frame = make_frame(kOther, 1514, 9);
    transmit(frame);
    EXPECT_TRUE(netdev->frames.empty());
    EXPECT_TRUE(reg(CR) & CR_TXP);  // still transmitting
    EXPECT_EQ(reg(ISR) & ISR_PTX, 0);
    // A second TXP while busy is ignored (Linux checks CR.TXP first).
    reg(CR, CR_NODMA | CR_TXP | CR_STA);
    netdev->open();
    ASSERT_EQ(netdev->frames.size(), 1u);
    EXPECT_EQ(netdev->frames[0], frame);
    EXPECT_EQ(reg(CR) & CR_TXP, 0);
    EXPECT_TRUE(reg(ISR) & ISR_PTX);
    EXPECT_EQ(reg(TSR), TSR_PTX);
}

TEST_F(TransmitTest, StoppedChipDoesNotTransmit) {
    dma_write(kTxPage << 8, make_frame(kOther, 60), 2);
    reg(TBCR0, 60);
    reg(TBCR1, 0);
    reg(CR, CR_NODMA | CR_TXP | CR_STP);
    EXPECT_TRUE(netdev->frames.empty());
    EXPECT_EQ(reg(ISR) & ISR_PTX, 0);
}

TEST_F(TransmitTest, LoopbackFeedsTheReceiver) {
    reg(TCR, TCR_LOOPBACK);
    const Bytes to_us = make_frame(kMac, 200, 3);
    transmit(to_us);
    EXPECT_TRUE(netdev->frames.empty());
    EXPECT_TRUE(reg(ISR) & ISR_PTX);
    EXPECT_EQ(take_frame(), to_us);
    transmit(make_frame(kOther, 200));  // filtered like any received frame
    EXPECT_EQ(take_frame(), std::nullopt);
}

TEST_F(TransmitTest, WithoutACableFramesAreDroppedButSent) {
    netdev->disconnect();
    transmit(make_frame(kOther, 100));
    EXPECT_TRUE(reg(ISR) & ISR_PTX);
    EXPECT_EQ(reg(CR) & CR_TXP, 0);
}

TEST_F(TransmitTest, ResetWhileTheBackEndHoldsTheFrame) {
    netdev->accepting = false;
    transmit(make_frame(kOther, 100));
    EXPECT_TRUE(reg(CR) & CR_TXP);
    in(base + RESET, 1);
    EXPECT_EQ(reg(CR) & CR_TXP, 0);
    reg(ISR, 0x7f);
    netdev->open();  // the frame went out; the reset chip reports nothing
    EXPECT_EQ(netdev->frames.size(), 1u);
    EXPECT_EQ(reg(ISR) & ISR_PTX, 0);
}

}  // namespace
