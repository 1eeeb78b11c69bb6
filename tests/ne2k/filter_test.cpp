// The receive filter (RCR): the physical address in PAR0-5, promiscuous, broadcast, multicast
// through the MAR0-7 hash, runts, monitor mode.
#include "ne2k_bench.h"

namespace {

using namespace ne2k_test;

class FilterTest : public Ne2kBench {
protected:
    void SetUp() override { add_test_nic(); }

    // Whether a frame to this address is stored.
    bool accepted(const Mac& destination) {
        netdev->send(make_frame(destination, 80));
        const std::optional<Bytes> frame = take_frame();
        return frame && std::equal(destination.begin(), destination.end(), frame->begin());
    }
    void set_mar_bit(unsigned index) {
        page(1);
        reg(MAR0 + index / 8, static_cast<std::uint8_t>(reg(MAR0 + index / 8) | 1u << (index % 8)));
        page(0);
    }
};

TEST_F(FilterTest, PhysicalAddressFromPar) {
    init_chip(RCR_AB);
    EXPECT_TRUE(accepted(kMac));
    EXPECT_FALSE(accepted(kOther));
    // The filter uses PAR, which the driver may change, not the PROM's address.
    page(1);
    for (unsigned i = 0; i < 6; ++i) reg(PAR0 + i, kOther[i]);
    page(0);
    EXPECT_TRUE(accepted(kOther));
    EXPECT_FALSE(accepted(kMac));
}

TEST_F(FilterTest, PromiscuousTakesEveryPhysicalAddress) {
    init_chip(RCR_PRO);
    EXPECT_TRUE(accepted(kOther));
    EXPECT_TRUE(accepted(kMac));
    EXPECT_FALSE(accepted(kBroadcast));  // broadcast still needs AB
    const Mac group = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    EXPECT_FALSE(accepted(group));  // and multicast AM and its hash bit
}

TEST_F(FilterTest, BroadcastNeedsAb) {
    init_chip(0);
    EXPECT_FALSE(accepted(kBroadcast));
    EXPECT_TRUE(accepted(kMac));
    reg(RCR, RCR_AB);
    EXPECT_TRUE(accepted(kBroadcast));
    EXPECT_EQ(last_header[0], RSR_PRX | RSR_PHY);  // a group address
}

TEST_F(FilterTest, MulticastThroughTheHash) {
    const Mac mdns = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    const Mac all_hosts = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    const Mac ipv6_all_nodes = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
    ASSERT_NE(multicast_index(mdns), multicast_index(all_hosts));
    init_chip(RCR_AB | RCR_AM);
    EXPECT_FALSE(accepted(mdns));  // MAR all clear
    set_mar_bit(multicast_index(mdns));
    EXPECT_TRUE(accepted(mdns));
    EXPECT_EQ(last_header[0], RSR_PRX | RSR_PHY);
    EXPECT_FALSE(accepted(all_hosts));
    set_mar_bit(multicast_index(ipv6_all_nodes));
    EXPECT_TRUE(accepted(ipv6_all_nodes));
    reg(RCR, RCR_AB);  // AM off: no multicast at all
    EXPECT_FALSE(accepted(mdns));
    // Linux's IFF_ALLMULTI: every MAR bit set.
    reg(RCR, RCR_AB | RCR_AM);
    page(1);
    for (unsigned i = 0; i < 8; ++i) reg(MAR0 + i, 0xff);
    page(0);
    EXPECT_TRUE(accepted(all_hosts));
}

TEST_F(FilterTest, RuntsAreStoredAsTheyAreWithAr) {
    init_chip(RCR_AB | RCR_AR);
    netdev->send(make_frame(kMac, 20));
    std::optional<Bytes> frame = take_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->size(), 20u);
    EXPECT_EQ(last_header[2], 24);
    netdev->send(make_frame(kMac, 5));  // no whole destination address: dropped
    EXPECT_EQ(take_frame(), std::nullopt);
    reg(RCR, RCR_AB);
    netdev->send(make_frame(kMac, 20));
    frame = take_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->size(), 60u);
}

TEST_F(FilterTest, MonitorModeCountsWithoutStoring) {
    init_chip(RCR_AB | RCR_MON);
    netdev->send(make_frame(kMac, 100));
    netdev->send(make_frame(kOther, 100));  // not for us: not even counted
    EXPECT_EQ(take_frame(), std::nullopt);
    EXPECT_EQ(reg(RSR) & RSR_MPA, RSR_MPA);
    EXPECT_EQ(reg(CNTR2), 1);
    EXPECT_EQ(reg(CNTR2), 0);
}

TEST_F(FilterTest, MissedPacketCounterRaisesCnt) {
    init_chip(RCR_AB | RCR_MON);
    reg(IMR, ISR_CNT);
    for (int i = 0; i < 127; ++i) netdev->send(make_frame(kMac, 60));
    EXPECT_FALSE(irq.level());
    netdev->send(make_frame(kMac, 60));  // the counter's top bit
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(CNTR2), 128);
    reg(ISR, ISR_CNT);
    EXPECT_FALSE(irq.level());
}

}  // namespace
