// Transmit: legacy descriptors (gather, RS/DD, IC checksum, VLAN insertion, padding), context and
// data descriptors with IP/TCP/UDP checksum offload, TCP segmentation (lengths, IDs, sequence
// numbers, flags, checksums of every segment), statistics, back-pressure.
#include "e1000_bench.h"

namespace {

using namespace e1000_test;

class TransmitTest : public E1000Bench {
protected:
    void SetUp() override {
        add_nic();
        setup_tx(64);
    }
    unsigned tail = 0;
    void kick() { wr(reg::kTdt, tail); }
};

TEST_F(TransmitTest, LegacyGatherAndWriteBack) {
    const Frame frame = ethernet(kPeerMac, 300);
    put(kTxBuffers, std::span(frame).first(100));
    put(kTxBuffers + 0x1000, std::span(frame).subspan(100));
    tx_legacy(0, kTxBuffers, 100, 0);
    tx_legacy(1, kTxBuffers + 0x1000, static_cast<std::uint16_t>(frame.size() - 100), bits::kTxEop | bits::kTxRs);
    tail = 2;
    kick();
    ASSERT_EQ(wire->frames.size(), 1u);
    EXPECT_EQ(wire->frames[0], frame);
    EXPECT_EQ(rd(reg::kTdh), 2u);
    EXPECT_EQ(tx_status(0) & 1, 0u);  // no RS: no write-back
    EXPECT_EQ(tx_status(1) & 1, 1u);
    EXPECT_EQ(rd(reg::kGptc), 1u);
    EXPECT_EQ(rd(reg::kTpt), 1u);
    EXPECT_EQ(rd(reg::kGotcl), frame.size() + 4);
}

TEST_F(TransmitTest, PacketSpanningTwoKicks) {
    const Frame frame = ethernet(kPeerMac, 200);
    put(kTxBuffers, frame);
    tx_legacy(0, kTxBuffers, 50, 0);
    tail = 1;
    kick();
    EXPECT_TRUE(wire->frames.empty());
    tx_legacy(1, kTxBuffers + 50, static_cast<std::uint16_t>(frame.size() - 50), bits::kTxEop);
    tail = 2;
    kick();
    ASSERT_EQ(wire->frames.size(), 1u);
    EXPECT_EQ(wire->frames[0], frame);
}

TEST_F(TransmitTest, ShortFramesPaddedWithPsp) {
    const Frame frame = ethernet(kPeerMac, 10);
    put(kTxBuffers, frame);
    tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop);
    tail = 1;
    kick();
    ASSERT_EQ(wire->frames.size(), 1u);
    Frame padded = frame;
    padded.resize(60, 0);
    EXPECT_EQ(wire->frames[0], padded);
    wr(reg::kTctl, bits::kTctlEn);  // PSP off
    tx_legacy(1, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop);
    tail = 2;
    kick();
    ASSERT_EQ(wire->frames.size(), 2u);
    EXPECT_EQ(wire->frames[1], frame);
}

TEST_F(TransmitTest, LegacyInsertChecksum) {
    // Legacy IC: the sum from CSS to the end of the packet, stored at CSO. An Ethernet + IPv4
    // header with a zeroed checksum (CSS 14, CSO 24) gets the header checksum.
    const Frame good = udp_frame(50);
    Frame header(good.begin(), good.begin() + 34);
    set_be16(header, 24, 0);
    put(kTxBuffers, header);
    tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(header.size()), bits::kTxEop | bits::kTxIc, 24, 14);
    tail = 1;
    kick();
    ASSERT_EQ(wire->frames.size(), 1u);
    Frame sent = wire->frames[0];
    sent.resize(34);  // drop the PSP padding
    EXPECT_TRUE(ip_checksum_ok(sent));
    EXPECT_EQ(be16(sent, 24), be16(good, 24));
}

TEST_F(TransmitTest, VlanInsertion) {
    const Frame frame = ethernet(kPeerMac, 100);
    put(kTxBuffers, frame);
    wr(reg::kCtrl, rd(reg::kCtrl) | bits::kCtrlVme);
    tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop | bits::kTxVle, 0, 0, 0x6007);
    tail = 1;
    kick();
    ASSERT_EQ(wire->frames.size(), 1u);
    Frame tagged = frame;
    const std::uint8_t tag[4] = {0x81, 0x00, 0x60, 0x07};
    tagged.insert(tagged.begin() + 12, tag, tag + 4);
    EXPECT_EQ(wire->frames[0], tagged);
}

TEST_F(TransmitTest, ChecksumOffloadWithContext) {
    // As Linux's e1000_tx_csum: a context for TCP (TUCSS 34, TUCSO 50), the stack's
    // pseudo-header sum in the checksum field, data descriptors with POPTS.TXSM.
    Frame frame = tcp_frame(500);
    const Frame good = frame;
    // Replace the checksum with the folded pseudo-header sum (what CHECKSUM_PARTIAL leaves).
    std::uint32_t sum = 0;
    for (int i = 26; i < 34; i += 2) sum += be16(frame, static_cast<std::size_t>(i));
    sum += 6 + 520;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    set_be16(frame, 50, static_cast<std::uint16_t>(sum));
    put(kTxBuffers, frame);
    tx_context(0, 14, 24, 33, 34, 50, 0, 0, bits::kTucmdTcp | bits::kTucmdIp, 0, 0);
    tx_data(1, kTxBuffers, static_cast<std::uint32_t>(frame.size()), bits::kTxEop | bits::kTxRs, bits::kPoptsTxsm);
    tail = 2;
    kick();
    ASSERT_EQ(wire->frames.size(), 1u);
    EXPECT_TRUE(l4_checksum_ok(wire->frames[0]));
    EXPECT_EQ(wire->frames[0], good);
    EXPECT_TRUE(tx_status(1) & 1);
    EXPECT_TRUE(tx_status(0) == 0);  // the context had no RS
}

TEST_F(TransmitTest, IpChecksumOffload) {
    Frame frame = udp_frame(40);
    const Frame good = frame;
    set_be16(frame, 24, 0);
    put(kTxBuffers, frame);
    tx_context(0, 14, 24, 33, 34, 40, 0, 0, bits::kTucmdIp, 0, 0);
    tx_data(1, kTxBuffers, static_cast<std::uint32_t>(frame.size()), bits::kTxEop, bits::kPoptsIxsm);
    tail = 2;
    kick();
    ASSERT_EQ(wire->frames.size(), 1u);
    EXPECT_EQ(wire->frames[0], good);
}

// Linux's e1000_tso: IP checksum 0, TCP checksum = pseudo-header sum without the length.
Frame tso_template(std::size_t payload, std::uint8_t flags) {
    Frame frame = tcp_frame(payload, 5000, flags);
    set_be16(frame, 24, 0);
    std::uint32_t sum = 0;
    for (int i = 26; i < 34; i += 2) sum += be16(frame, static_cast<std::size_t>(i));
    sum += 6;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    set_be16(frame, 50, static_cast<std::uint16_t>(sum));
    return frame;
}

TEST_F(TransmitTest, TcpSegmentation) {
    const std::size_t payload = 3000, mss = 1000;
    const Frame frame = tso_template(payload, 0x19);  // FIN|PSH|ACK
    put(kTxBuffers, frame);
    tx_context(0, 14, 24, 33, 34, 50, 0, payload, bits::kTucmdTcp | bits::kTucmdIp | bits::kTxTse, 54,
               static_cast<std::uint16_t>(mss));
    // Header in one descriptor, payload split unevenly across two more.
    tx_data(1, kTxBuffers, 54, bits::kTxTse, bits::kPoptsIxsm | bits::kPoptsTxsm);
    tx_data(2, kTxBuffers + 54, 1234, bits::kTxTse, 0);
    tx_data(3, kTxBuffers + 54 + 1234, static_cast<std::uint32_t>(payload - 1234), bits::kTxTse | bits::kTxEop | bits::kTxRs, 0);
    tail = 4;
    kick();
    ASSERT_EQ(wire->frames.size(), 3u);
    const Frame reference = tcp_frame(payload, 5000, 0x19);
    for (unsigned i = 0; i < 3; ++i) {
        const Frame& seg = wire->frames[i];
        ASSERT_EQ(seg.size(), 54 + mss) << i;
        EXPECT_EQ(be16(seg, 16), 40 + mss) << i;               // IP total length
        EXPECT_EQ(be16(seg, 18), 0x1234 + i) << i;             // IP identification
        EXPECT_EQ(be32(seg, 38), 5000 + i * mss) << i;         // TCP sequence
        EXPECT_EQ(seg[47], i < 2 ? 0x10 : 0x19) << i;          // FIN/PSH only on the last
        EXPECT_TRUE(ip_checksum_ok(seg)) << i;
        EXPECT_TRUE(l4_checksum_ok(seg)) << i;
        EXPECT_TRUE(std::equal(seg.begin() + 54, seg.end(), reference.begin() + 54 + static_cast<std::ptrdiff_t>(i * mss))) << i;
    }
    EXPECT_EQ(rd(reg::kTsctc), 1u);
    EXPECT_TRUE(tx_status(3) & 1);
}

TEST_F(TransmitTest, TcpSegmentationShortLastSegment) {
    const Frame frame = tso_template(2500, 0x18);
    put(kTxBuffers, frame);
    tx_context(0, 14, 24, 33, 34, 50, 0, 2500, bits::kTucmdTcp | bits::kTucmdIp | bits::kTxTse, 54, 1448);
    tx_data(1, kTxBuffers, static_cast<std::uint32_t>(frame.size()), bits::kTxTse | bits::kTxEop,
            bits::kPoptsIxsm | bits::kPoptsTxsm);
    tail = 2;
    kick();
    ASSERT_EQ(wire->frames.size(), 2u);
    EXPECT_EQ(wire->frames[0].size(), 54u + 1448);
    EXPECT_EQ(wire->frames[1].size(), 54u + 1052);
    for (const Frame& seg : wire->frames) {
        EXPECT_TRUE(ip_checksum_ok(seg));
        EXPECT_TRUE(l4_checksum_ok(seg));
    }
    EXPECT_EQ(wire->frames[0][47], 0x10);
    EXPECT_EQ(wire->frames[1][47], 0x18);
}

TEST_F(TransmitTest, NonTsoDataUsesTheChecksumContext) {
    // A TSO context followed by a checksum context: each data descriptor picks its own.
    const Frame tso = tso_template(2000, 0x10);
    Frame plain = udp_frame(64);
    const Frame plain_good = plain;
    set_be16(plain, 24, 0);
    put(kTxBuffers, tso);
    put(kTxBuffers + 0x10000, plain);
    tx_context(0, 14, 24, 33, 34, 50, 0, 2000, bits::kTucmdTcp | bits::kTucmdIp | bits::kTxTse, 54, 1000);
    tx_context(1, 14, 24, 33, 34, 40, 0, 0, bits::kTucmdIp, 0, 0);
    tx_data(2, kTxBuffers + 0x10000, static_cast<std::uint32_t>(plain.size()), bits::kTxEop, bits::kPoptsIxsm);
    tx_data(3, kTxBuffers, static_cast<std::uint32_t>(tso.size()), bits::kTxTse | bits::kTxEop,
            bits::kPoptsIxsm | bits::kPoptsTxsm);
    tail = 4;
    kick();
    ASSERT_EQ(wire->frames.size(), 3u);
    EXPECT_EQ(wire->frames[0], plain_good);
    EXPECT_TRUE(l4_checksum_ok(wire->frames[1]));
    EXPECT_TRUE(l4_checksum_ok(wire->frames[2]));
}

TEST_F(TransmitTest, BackPressureStopsAtPacketBoundary) {
    const Frame frame = ethernet(kPeerMac, 100);
    put(kTxBuffers, frame);
    wire->busy = true;
    for (unsigned i = 0; i < 4; ++i)
        tx_legacy(i, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop | bits::kTxRs);
    tail = 4;
    kick();
    // The first frame was queued by the net layer; the NIC stops there.
    EXPECT_EQ(rd(reg::kTdh), 1u);
    EXPECT_TRUE(wire->frames.empty());
    wire->busy = false;
    wire->receive_ready();  // the back end has room: the queue drains, then send_ready()
    EXPECT_EQ(rd(reg::kTdh), 4u);
    EXPECT_EQ(wire->frames.size(), 4u);
}

TEST_F(TransmitTest, DisabledTransmitterWaits) {
    const Frame frame = ethernet(kPeerMac, 100);
    put(kTxBuffers, frame);
    wr(reg::kTctl, 0);
    tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop);
    tail = 1;
    kick();
    EXPECT_EQ(rd(reg::kTdh), 0u);
    wr(reg::kTctl, bits::kTctlEn);
    EXPECT_EQ(rd(reg::kTdh), 1u);
    EXPECT_EQ(wire->frames.size(), 1u);
}

TEST_F(TransmitTest, BroadcastStatistics) {
    const std::uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const Frame frame = ethernet(broadcast, 100);
    put(kTxBuffers, frame);
    tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop);
    tail = 1;
    kick();
    EXPECT_EQ(rd(reg::kBptc), 1u);
}

}  // namespace
