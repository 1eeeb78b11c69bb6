// Receive: the ring, padding, FCS length (SECRC), buffer sizes (BSEX) and frames spanning
// descriptors, filtering (exact, promiscuous, multicast hash by MO, broadcast, VLAN), VLAN
// stripping, checksum status, back-pressure.
#include "e1000_bench.h"

namespace {

using namespace e1000_test;
using Status = emu::NetClient::SendStatus;

class ReceiveTest : public E1000Bench {
protected:
    void SetUp() override { add_nic(); }
    // Whether a frame to this destination is taken (lands in the ring).
    bool taken(std::span<const std::uint8_t> destination) {
        const std::uint32_t before = rd(reg::kRdh);
        to_nic(ethernet(destination, 64));
        return rd(reg::kRdh) != before;
    }
};

TEST_F(ReceiveTest, FrameLandsInTheRing) {
    setup_rx(8, bits::kRctlBam | bits::kRctlSecrc);
    const Frame frame = ethernet(kNicMac, 200);
    EXPECT_EQ(to_nic(frame), Status::Delivered);
    EXPECT_EQ(rd(reg::kRdh), 1u);
    const RxDescriptor d = rx_desc(0);
    EXPECT_EQ(d.length, frame.size());
    EXPECT_EQ(d.status & (bits::kRxDd | bits::kRxEop), bits::kRxDd | bits::kRxEop);
    EXPECT_EQ(d.errors, 0u);
    EXPECT_EQ(rx_data(0, frame.size()), frame);
}

TEST_F(ReceiveTest, LengthIncludesTheFcsUnlessStripped) {
    setup_rx(8);
    const Frame frame = ethernet(kNicMac, 200);
    to_nic(frame);
    EXPECT_EQ(rx_desc(0).length, frame.size() + 4);  // Linux subtracts the 4 bytes
    EXPECT_EQ(rx_data(0, frame.size()), frame);
}

TEST_F(ReceiveTest, ShortFramesArePadded) {
    setup_rx(8, bits::kRctlBam | bits::kRctlSecrc);
    std::uint8_t* buffer = ram(kRxBuffers);
    std::memset(buffer, 0xee, 64);
    const Frame frame = ethernet(kNicMac, 10);  // 24 bytes
    to_nic(frame);
    EXPECT_EQ(rx_desc(0).length, 60u);
    Frame expected = frame;
    expected.resize(60, 0);
    EXPECT_EQ(rx_data(0, 60), expected);
}

TEST_F(ReceiveTest, BufferSizesAndSpanningDescriptors) {
    // BSIZE 11 without BSEX: 256-byte buffers; a 1000-byte frame takes four descriptors.
    setup_rx(8, bits::kRctlBam | bits::kRctlSecrc | 3u << bits::kRctlBsizeShift, 256);
    const Frame frame = ethernet(kNicMac, 986);
    ASSERT_EQ(frame.size(), 1000u);
    to_nic(frame);
    EXPECT_EQ(rd(reg::kRdh), 4u);
    Frame gathered;
    for (unsigned i = 0; i < 4; ++i) {
        const RxDescriptor d = rx_desc(i);
        EXPECT_TRUE(d.status & bits::kRxDd);
        EXPECT_EQ((d.status & bits::kRxEop) != 0, i == 3) << i;
        EXPECT_EQ(d.length, i < 3 ? 256u : 232u) << i;
        const Frame part = rx_data(i, d.length);
        gathered.insert(gathered.end(), part.begin(), part.end());
    }
    EXPECT_EQ(gathered, frame);
}

TEST_F(ReceiveTest, ExtendedBufferSizes) {
    // BSEX with BSIZE 11: 4096-byte buffers, with LPE a 4000-byte frame fits one.
    setup_rx(8, bits::kRctlBam | bits::kRctlSecrc | bits::kRctlLpe | bits::kRctlBsex | 3u << bits::kRctlBsizeShift, 4096);
    const Frame frame = ethernet(kNicMac, 3986);
    to_nic(frame);
    EXPECT_EQ(rd(reg::kRdh), 1u);
    EXPECT_EQ(rx_desc(0).length, 4000u);
    EXPECT_EQ(rx_data(0, 4000), frame);
}

TEST_F(ReceiveTest, LongFramesNeedLpe) {
    setup_rx(8, bits::kRctlBam);
    to_nic(ethernet(kNicMac, 1600));
    EXPECT_EQ(rd(reg::kRdh), 0u);
    EXPECT_EQ(rd(reg::kRoc), 1u);
    to_nic(ethernet(kNicMac, 1500));
    EXPECT_EQ(rd(reg::kRdh), 1u);
}

TEST_F(ReceiveTest, ExactAddressFiltering) {
    setup_rx(32, 0);
    EXPECT_TRUE(taken(kNicMac));
    const std::uint8_t other[6] = {0x52, 0x54, 0x00, 0x99, 0x99, 0x99};
    EXPECT_FALSE(taken(other));
    // A second receive address (RAL1/RAH1).
    wr(reg::kRal0 + 8, 0x99005452);
    wr(reg::kRah0 + 8, 0x9999);  // not valid yet
    EXPECT_FALSE(taken(other));
    wr(reg::kRah0 + 8, 0x9999 | bits::kRahAv);
    EXPECT_TRUE(taken(other));
    // AS != 00 (source address match) is not a destination filter.
    wr(reg::kRah0 + 8, 0x9999 | bits::kRahAv | 1u << 16);
    EXPECT_FALSE(taken(other));
}

TEST_F(ReceiveTest, UnicastPromiscuous) {
    setup_rx(32, bits::kRctlUpe);
    const std::uint8_t other[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    EXPECT_TRUE(taken(other));
    const std::uint8_t multicast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    EXPECT_FALSE(taken(multicast));  // UPE is unicast only
}

TEST_F(ReceiveTest, BroadcastNeedsBam) {
    const std::uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    setup_rx(32, 0);
    EXPECT_FALSE(taken(broadcast));
    wr(reg::kRctl, bits::kRctlEn | bits::kRctlBam);
    EXPECT_TRUE(taken(broadcast));
    EXPECT_EQ(rd(reg::kBprc), 1u);
}

TEST_F(ReceiveTest, MulticastHashForEachMo) {
    // 01:00:5e:00:00:fb (mDNS); hash per Linux's e1000_hash_mc_addr.
    const std::uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    for (unsigned mo = 0; mo < 4; ++mo) {
        static constexpr unsigned kShift[4] = {4, 3, 2, 0};
        const unsigned hash = ((group[4] | unsigned{group[5]} << 8) >> kShift[mo]) & 0xfff;
        setup_rx(32, mo << bits::kRctlMoShift);
        for (unsigned i = 0; i < 128; ++i) wr(reg::kMta + 4 * i, 0);
        EXPECT_FALSE(taken(group)) << "MO " << mo;
        wr(reg::kMta + 4 * (hash >> 5), 1u << (hash & 31));
        EXPECT_TRUE(taken(group)) << "MO " << mo;
        wr(reg::kMta + 4 * (hash >> 5), ~(1u << (hash & 31)));
        EXPECT_FALSE(taken(group)) << "MO " << mo;
    }
    wr(reg::kRctl, bits::kRctlEn | bits::kRctlMpe);
    rd(reg::kMprc);
    EXPECT_TRUE(taken(group));
    EXPECT_EQ(rd(reg::kMprc), 1u);
}

TEST_F(ReceiveTest, VlanFilterAndStripping) {
    setup_rx(32, bits::kRctlSecrc | bits::kRctlVfe);
    const std::uint8_t tag[4] = {0x81, 0x00, 0x20, 0x05};  // priority 1, VID 5
    Frame tagged = ethernet(kNicMac, 100);
    tagged.insert(tagged.begin() + 12, tag, tag + 4);
    const std::uint32_t before = rd(reg::kRdh);
    to_nic(tagged);
    EXPECT_EQ(rd(reg::kRdh), before);  // VID 5 not in the filter table
    wr(reg::kVfta, 1u << 5);
    to_nic(tagged);
    EXPECT_EQ(rd(reg::kRdh), before + 1);
    EXPECT_EQ(rx_desc(before).length, tagged.size());  // kept (CTRL.VME off)
    EXPECT_FALSE(rx_desc(before).status & bits::kRxVp);
    // With CTRL.VME the tag moves to the descriptor.
    wr(reg::kCtrl, rd(reg::kCtrl) | bits::kCtrlVme);
    to_nic(tagged);
    const RxDescriptor d = rx_desc(before + 1);
    EXPECT_TRUE(d.status & bits::kRxVp);
    EXPECT_EQ(d.special, 0x2005u);
    EXPECT_EQ(d.length, tagged.size() - 4);
    EXPECT_EQ(rx_data(before + 1, d.length), ethernet(kNicMac, 100));
    // Untagged frames pass the VLAN filter.
    to_nic(ethernet(kNicMac, 100));
    EXPECT_EQ(rd(reg::kRdh), before + 3);
}

TEST_F(ReceiveTest, ChecksumStatus) {
    setup_rx(32, bits::kRctlSecrc);
    to_nic(tcp_frame(100));
    EXPECT_EQ(rx_desc(0).status & (bits::kRxIxsm | bits::kRxTcpcs), bits::kRxIxsm);  // offload off
    wr(reg::kRxcsum, 3u << 8);  // IPOFL, TUOFL
    to_nic(tcp_frame(100));
    EXPECT_EQ(rx_desc(1).status & (bits::kRxIxsm | bits::kRxTcpcs | bits::kRxIpcs), bits::kRxTcpcs | bits::kRxIpcs);
    EXPECT_EQ(rx_desc(1).errors, 0u);
    to_nic(udp_frame(33));
    EXPECT_TRUE(rx_desc(2).status & bits::kRxTcpcs);
    EXPECT_EQ(rx_desc(2).errors, 0u);
    Frame bad = tcp_frame(100);
    bad[60] ^= 0xff;  // payload byte
    to_nic(bad);
    EXPECT_EQ(rx_desc(3).errors, bits::kRxErrTcpe);
    Frame bad_ip = udp_frame(10);
    bad_ip[22] ^= 1;  // TTL
    to_nic(bad_ip);
    EXPECT_TRUE(rx_desc(4).errors & bits::kRxErrIpe);
    // Not IP: neither bit.
    to_nic(ethernet(kNicMac, 64));
    EXPECT_EQ(rx_desc(5).status & (bits::kRxIxsm | bits::kRxTcpcs | bits::kRxIpcs), 0u);
}

TEST_F(ReceiveTest, FullRingHoldsFramesUntilRdtMoves) {
    setup_rx(8);  // 7 descriptors for the NIC
    for (int i = 0; i < 7; ++i) EXPECT_EQ(to_nic(ethernet(kNicMac, 100 + i)), Status::Delivered);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 107)), Status::Queued);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 108)), Status::Queued);
    EXPECT_EQ(rd(reg::kRdh), 7u);
    // The driver hands two descriptors back.
    wr(reg::kRdt, 1);
    EXPECT_EQ(rd(reg::kRdh), 1u);
    EXPECT_EQ(rx_desc(7).length, ethernet(kNicMac, 107).size() + 4);
    EXPECT_EQ(rx_desc(0).length, ethernet(kNicMac, 108).size() + 4);
    EXPECT_GE(wire->send_ready_calls, 1);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 109)), Status::Queued);
}

TEST_F(ReceiveTest, RingLengthIsAMultipleOfEightDescriptors) {
    setup_rx(4);  // RDLEN 64 reads as 0: no ring
    EXPECT_EQ(rd(reg::kRdlen), 0u);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 100)), Status::Queued);
}

TEST_F(ReceiveTest, FrameNeedingMoreThanTheFreeDescriptorsWaits) {
    setup_rx(8, bits::kRctlBam | bits::kRctlSecrc | 3u << bits::kRctlBsizeShift, 256);
    wr(reg::kRdt, 2);  // two free
    EXPECT_EQ(to_nic(ethernet(kNicMac, 986)), Status::Queued);  // needs four
    EXPECT_EQ(rd(reg::kRdh), 0u);
    wr(reg::kRdt, 5);
    EXPECT_EQ(rd(reg::kRdh), 4u);
}

TEST_F(ReceiveTest, DisabledReceiverDropsFrames) {
    setup_rx(8);
    wr(reg::kRctl, 0);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 100)), Status::Delivered);  // taken and dropped
    EXPECT_EQ(rd(reg::kRdh), 0u);
    EXPECT_EQ(rd(reg::kGprc), 0u);
}

}  // namespace
