// The receive ring: frames stored behind their 4-byte header from CURR on, wrapping at PSTOP;
// padding; back-pressure when the ring is full (frames wait, unread frames are never
// overwritten, BNRY moving delivers them); ISR.OVW for a frame the ring can never hold; a stopped
// receiver; and a bulk stream taken the way Linux's interrupt handler takes it.
#include "ne2k_bench.h"

namespace {

using namespace ne2k_test;
using Status = emu::NetClient::SendStatus;

class ReceiveRingTest : public Ne2kBench {
protected:
    void SetUp() override { add_test_nic(); }

    // Linux's ei_interrupt: rounds of reading ISR; on PRX, ei_receive takes at most nine frames
    // and then acknowledges PRX; too many rounds end with everything acknowledged.
    std::vector<Bytes> linux_interrupt() {
        std::vector<Bytes> taken;
        int serviced = 0;
        std::uint8_t isr = 0;
        while ((isr = reg(ISR)) != 0 && ++serviced < 12) {
            if (isr & ISR_OVW) ADD_FAILURE() << "overflow";
            if (isr & (ISR_PRX | 0x04)) {
                for (int n = 0; ++n < 10;) {
                    std::optional<Bytes> frame = take_frame();
                    if (!frame) break;
                    taken.push_back(std::move(*frame));
                }
                reg(ISR, ISR_PRX | 0x04);
            }
            if (isr & ISR_PTX) reg(ISR, ISR_PTX);
            if (isr & ISR_RDC) reg(ISR, ISR_RDC);
            if (isr & ISR_CNT) reg(ISR, ISR_CNT);
        }
        if (isr) reg(ISR, 0x7f);
        return taken;
    }
};

TEST_F(ReceiveRingTest, FrameLandsBehindItsHeader) {
    init_chip();
    const Bytes frame = make_frame(kMac, 100);
    EXPECT_EQ(netdev->send(frame), Status::Delivered);
    EXPECT_TRUE(reg(ISR) & ISR_PRX);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(RSR), RSR_PRX);
    EXPECT_EQ(reg_page(1, CURR), kRxStart + 1);
    const Bytes header = dma_read(kRxStart << 8, 4, 2);
    EXPECT_EQ(header, (Bytes{RSR_PRX, kRxStart + 1, 104, 0}));
    EXPECT_EQ(take_frame(), frame);
    EXPECT_EQ(reg(BNRY), kRxStart);
    EXPECT_EQ(take_frame(), std::nullopt);
    reg(ISR, ISR_PRX);
    EXPECT_FALSE(irq.level());
}

TEST_F(ReceiveRingTest, ShortFramesArePaddedTo60Bytes) {
    init_chip();
    const Bytes arp = make_frame(kBroadcast, 42);
    netdev->send(arp);
    const std::optional<Bytes> frame = take_frame();
    ASSERT_TRUE(frame);
    ASSERT_EQ(frame->size(), 60u);
    EXPECT_EQ(Bytes(frame->begin(), frame->begin() + 42), arp);
    EXPECT_EQ(Bytes(frame->begin() + 42, frame->end()), Bytes(18, 0));
    EXPECT_EQ(last_header[2], 64);
}

TEST_F(ReceiveRingTest, FramesOfEverySizeWrapAroundTheRing) {
    init_chip();
    bool straddled = false;
    for (unsigned i = 0; i < 120; ++i) {
        const std::size_t length = 60 + (i * 379) % 1455;  // 60..1514
        const Bytes frame = make_frame(kMac, length, static_cast<std::uint8_t>(i));
        const std::uint8_t curr = reg_page(1, CURR);
        ASSERT_EQ(netdev->send(frame), Status::Delivered) << i;
        const unsigned pages = static_cast<unsigned>((length + 4 + 255) / 256);
        if (curr + pages > kRxStop) straddled = true;
        const std::optional<Bytes> got = take_frame(i % 2 ? 2 : 4);
        ASSERT_TRUE(got) << i;
        EXPECT_EQ(*got, frame) << i;
    }
    EXPECT_TRUE(straddled);
}

TEST_F(ReceiveRingTest, FullRingMakesFramesWaitAndNeverOverwritesUnreadOnes) {
    init_chip();
    // 52 pages, BNRY one behind CURR: 1514-byte frames take 6 pages, so 8 fit (48 pages) and
    // the 9th would leave no free page before BNRY.
    std::vector<Bytes> sent;
    for (unsigned i = 0; i < 12; ++i) {
        sent.push_back(make_frame(kMac, 1514, static_cast<std::uint8_t>(i)));
        EXPECT_EQ(netdev->send(sent.back()), i < 8 ? Status::Delivered : Status::Queued) << i;
    }
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 4u);
    EXPECT_EQ(reg(ISR) & ISR_OVW, 0);
    // Unread frames are intact, and each one taken lets a waiting one in.
    for (unsigned i = 0; i < 12; ++i) {
        const std::optional<Bytes> got = take_frame();
        ASSERT_TRUE(got) << i;
        EXPECT_EQ(*got, sent[i]) << i;
    }
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 0u);
    EXPECT_EQ(take_frame(), std::nullopt);
    EXPECT_EQ(reg(ISR) & ISR_OVW, 0);
}

TEST_F(ReceiveRingTest, BnryJustBelowPstartIsThePageBehindPstart) {
    init_chip();
    // Linux's 8390 core writes BNRY = next frame - 1 without wrapping: with the next frame at
    // PSTART that is PSTART - 1, outside the ring, meaning the ring's last page. The ring is
    // then as full as with BNRY = PSTOP - 1: 8 frames of 6 pages fit, the rest wait (a chip that
    // took the whole ring as free accepted all 12 and overwrote unread ones).
    reg(BNRY, kRxStart - 1);
    std::vector<Bytes> sent;
    for (unsigned i = 0; i < 12; ++i) {
        sent.push_back(make_frame(kMac, 1514, static_cast<std::uint8_t>(i)));
        EXPECT_EQ(netdev->send(sent.back()), i < 8 ? Status::Delivered : Status::Queued) << i;
    }
    for (unsigned i = 0; i < 12; ++i) {
        const std::optional<Bytes> got = take_frame();
        ASSERT_TRUE(got) << i;
        EXPECT_EQ(*got, sent[i]) << i;
    }
    EXPECT_EQ(reg(ISR) & ISR_OVW, 0);
}

TEST_F(ReceiveRingTest, FrameTheRingCanNeverHoldOverflows) {
    init_chip(RCR_AB, 0x4c, 0x50);  // four pages, one of which stays free
    EXPECT_EQ(netdev->send(make_frame(kMac, 600)), Status::Delivered);  // three pages: dropped
    EXPECT_TRUE(reg(ISR) & ISR_OVW);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(RSR) & RSR_MPA, RSR_MPA);
    EXPECT_EQ(reg(CNTR2), 1);
    EXPECT_EQ(take_frame(), std::nullopt);
    reg(ISR, ISR_OVW);
    const Bytes small = make_frame(kMac, 400);  // two pages fit
    EXPECT_EQ(netdev->send(small), Status::Delivered);
    EXPECT_EQ(take_frame(), small);
    EXPECT_EQ(reg(ISR) & ISR_OVW, 0);
}

TEST_F(ReceiveRingTest, StoppedReceiverDropsFrames) {
    EXPECT_EQ(netdev->send(make_frame(kMac, 100)), Status::Delivered);  // taken and lost, not queued
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 0u);
    init_chip();
    EXPECT_EQ(take_frame(), std::nullopt);
    reg(CR, CR_NODMA | CR_STP);
    EXPECT_EQ(netdev->send(make_frame(kMac, 100)), Status::Delivered);
    reg(CR, CR_NODMA | CR_STA);
    EXPECT_EQ(take_frame(), std::nullopt);
}

TEST_F(ReceiveRingTest, StartingTheChipDeliversWaitingFrames) {
    init_chip(RCR_AB, 0x4c, 0x56);  // 10 pages: one 1514-byte frame
    const Bytes a = make_frame(kMac, 1514, 1), b = make_frame(kMac, 1514, 2);
    netdev->send(a);
    EXPECT_EQ(netdev->send(b), Status::Queued);
    // Linux's overflow recovery: stop, take what is there, start again.
    reg(CR, CR_NODMA | CR_STP);
    EXPECT_EQ(take_frame(), a);  // BNRY moves while stopped: nothing is delivered yet
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 1u);
    reg(CR, CR_NODMA | CR_STA);
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 0u);
    EXPECT_EQ(take_frame(), b);
}

TEST_F(ReceiveRingTest, PrxStaysUntilTheDriverHasReadCurr) {
    init_chip();
    netdev->send(make_frame(kMac, 100, 1));
    reg(ISR, ISR_PRX);  // acknowledged before looking at CURR: the frame is still news
    EXPECT_TRUE(reg(ISR) & ISR_PRX);
    EXPECT_TRUE(take_frame());  // reads CURR
    reg(ISR, ISR_PRX);
    EXPECT_EQ(reg(ISR) & ISR_PRX, 0);
    EXPECT_FALSE(irq.level());
    // A frame stored after the driver's last CURR read keeps PRX through the acknowledgement.
    EXPECT_EQ(reg_page(1, CURR), kRxStart + 1);
    netdev->send(make_frame(kMac, 100, 2));
    reg(ISR, ISR_PRX);
    EXPECT_TRUE(irq.level());
}

TEST_F(ReceiveRingTest, PrxStaysWhileTheRingHoldsFrames) {
    init_chip();
    for (unsigned i = 0; i < 20; ++i) netdev->send(make_frame(kMac, 60, static_cast<std::uint8_t>(i)));
    // Linux's ei_receive takes nine, then acknowledges PRX: eleven are left, so PRX stays.
    for (unsigned i = 0; i < 9; ++i) ASSERT_TRUE(take_frame()) << i;
    reg(ISR, ISR_PRX);
    EXPECT_TRUE(reg(ISR) & ISR_PRX);
    EXPECT_TRUE(irq.level());
    for (unsigned i = 9; i < 20; ++i) ASSERT_TRUE(take_frame()) << i;
    reg(ISR, ISR_PRX);
    EXPECT_EQ(reg(ISR) & ISR_PRX, 0);
    // An acknowledgement never raises PRX.
    reg(BNRY, kRxStart + 10);
    reg(ISR, ISR_PRX);
    EXPECT_EQ(reg(ISR) & ISR_PRX, 0);
}

TEST_F(ReceiveRingTest, BulkStreamThroughLinuxsInterruptHandler) {
    init_chip();
    std::vector<Bytes> sent;
    for (unsigned i = 0; i < 400; ++i) {
        sent.push_back(make_frame(kMac, i % 7 ? 1514 : 60 + i % 300, static_cast<std::uint8_t>(i)));
        netdev->send(sent.back());
    }
    std::vector<Bytes> taken;
    for (int rounds = 0; irq.level() && rounds < 1000; ++rounds)
        for (Bytes& frame : linux_interrupt()) taken.push_back(std::move(frame));
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 0u);
    ASSERT_EQ(taken.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(taken[i], sent[i]) << i;
}

}  // namespace
