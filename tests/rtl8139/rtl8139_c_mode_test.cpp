// The C mode that Linux's 8139too drives: four transmit descriptors (TSAD/TSD, OWN/TOK, TSAD
// summary) and the receive ring (RBSTART, RBLEN, header, CAPR/CBR, wrap, RxBufEmpty), the
// receive filter, loopback and back-pressure in both directions.
#include "rtl8139_bench.h"

namespace {

using namespace rtl_test;

constexpr Addr kTxBuffers = kRamBase + 0x10000;
constexpr Addr kRing = kRamBase + 0x100000;

std::uint32_t fcs(const Frame& data) {
    std::uint32_t crc = 0xffffffffu;
    for (std::uint8_t b : data) {
        crc ^= b;
        for (int k = 0; k < 8; ++k) crc = (crc & 1) ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}

class CModeTest : public RtlBench {
protected:
    void SetUp() override {
        add_nic({{"revision", "c"}});
        w8(reg::CR, bit::CrReset);
        w32(reg::RBSTART, static_cast<std::uint32_t>(kRing));
        w16(reg::IMR, 0xffff);
    }
    void start_rx(std::uint32_t rcr) {
        w32(reg::RCR, rcr);
        w8(reg::CR, bit::CrRxEnable | bit::CrTxEnable);
    }
    void transmit(unsigned n, const Frame& frame) {
        put(kTxBuffers + n * 0x800, frame);
        w32(reg::TSAD0 + 4 * n, static_cast<std::uint32_t>(kTxBuffers + n * 0x800));
        w32(reg::TSD0 + 4 * n, static_cast<std::uint32_t>(frame.size()));
    }
    // What 8139too does for one packet: read the header at cur_rx, then CAPR = next - 16.
    struct Packet {
        std::uint16_t status, length;
        Frame data;
    };
    Packet read_packet(std::uint32_t& cur, std::uint32_t ring_size) {
        Packet p;
        const std::uint32_t offset = cur % ring_size;
        p.status = ram16(kRing + offset);
        p.length = ram16(kRing + offset + 2);
        p.data.resize(p.length);
        for (std::size_t i = 0; i < p.length; ++i) p.data[i] = *ram(kRing + (offset + 4 + i) % ring_size);
        cur = (cur + p.length + 4 + 3) & ~3u;
        w16(reg::CAPR, (cur - 16) & 0xffff);
        return p;
    }
};

TEST_F(CModeTest, TransmitFourDescriptorsRoundRobin) {
    start_rx(0);
    for (unsigned n = 0; n < 4; ++n) {
        const Frame frame = make_frame(kBroadcast, 100 + n);
        transmit(n, frame);
        ASSERT_EQ(net->sent.size(), n + 1);
        EXPECT_EQ(net->sent.back(), frame);
        const std::uint32_t tsd = r32(reg::TSD0 + 4 * n);
        EXPECT_TRUE(tsd & bit::TsdOwn) << n;
        EXPECT_TRUE(tsd & bit::TsdTok) << n;
        EXPECT_EQ(tsd & 0x1fff, 100 + n);
    }
    EXPECT_EQ(r16(reg::TSAD), 0xf00fu);   // TOK3..0 and OWN3..0
    EXPECT_TRUE(r16(reg::ISR) & bit::IntTxOk);
    EXPECT_TRUE(irq());
    w16(reg::ISR, bit::IntTxOk);
    EXPECT_FALSE(r16(reg::ISR) & bit::IntTxOk);
    EXPECT_FALSE(irq());
}

TEST_F(CModeTest, ShortFramesArePaddedAndTransmitNeedsTxEnable) {
    w8(reg::CR, 0);
    transmit(0, make_frame(kBroadcast, 20));
    EXPECT_TRUE(net->sent.empty());
    EXPECT_FALSE(r32(reg::TSD0) & bit::TsdOwn);   // still the chip's, waiting
    w8(reg::CR, bit::CrTxEnable);
    ASSERT_EQ(net->sent.size(), 1u);
    EXPECT_EQ(net->sent[0].size(), 60u);
}

TEST_F(CModeTest, ReceiveHeaderLengthAndCrc) {
    start_rx(bit::RcrApm | bit::RcrAb);   // 8 KiB ring
    EXPECT_TRUE(r8(reg::CR) & bit::CrBufferEmpty);
    const Frame frame = make_frame(kNicMac, 98);
    EXPECT_EQ(inject(frame), emu::NetClient::SendStatus::Delivered);
    EXPECT_FALSE(r8(reg::CR) & bit::CrBufferEmpty);
    EXPECT_TRUE(r16(reg::ISR) & bit::IntRxOk);
    EXPECT_EQ(ram16(kRing) & 0x1, 1u);          // ROK
    EXPECT_TRUE(ram16(kRing) & 0x4000);         // PAM
    EXPECT_EQ(ram16(kRing + 2), 98u + 4);       // length includes the CRC
    EXPECT_EQ(get(kRing + 4, 98), frame);
    EXPECT_EQ(ram32(kRing + 4 + 98), fcs(frame));
    EXPECT_EQ(r16(reg::CBR), (4u + 102 + 3) & ~3u);
    std::uint32_t cur = 0;
    read_packet(cur, 8192);
    EXPECT_TRUE(r8(reg::CR) & bit::CrBufferEmpty);

    inject(make_frame(kBroadcast, 30));          // short: padded to 60
    EXPECT_EQ(ram16(kRing + cur + 2), 64u);
    EXPECT_TRUE(ram16(kRing + cur) & 0x2000);   // BAR
}

TEST_F(CModeTest, RingWrapsToItsStart) {
    start_rx(bit::RcrApm);   // 8 KiB, WRAP clear: a packet crossing the end continues at the start
    std::uint32_t cur = 0;
    unsigned received = 0;
    for (unsigned i = 0; i < 40; ++i) {
        const Frame frame = make_frame(kNicMac, 500 + i, static_cast<std::uint8_t>(i));
        ASSERT_EQ(inject(frame), emu::NetClient::SendStatus::Delivered) << i;
        const Packet p = read_packet(cur, 8192);
        ASSERT_EQ(p.length, frame.size() + 4) << i;
        EXPECT_EQ(Frame(p.data.begin(), p.data.end() - 4), frame) << i;
        ++received;
    }
    EXPECT_GT(cur, 8192u * 2);   // went round more than twice
    EXPECT_EQ(received, 40u);
}

TEST_F(CModeTest, NoWrapWritesPastTheEnd) {
    start_rx(bit::RcrApm | bit::RcrWrap);   // 8 KiB + 16 + room for one frame, as 8139too allocates
    std::uint32_t cur = 0;
    bool crossed = false;
    for (unsigned i = 0; i < 20; ++i) {
        const Frame frame = make_frame(kNicMac, 700, static_cast<std::uint8_t>(i));
        const std::uint32_t offset = cur % 8192;
        inject(frame);
        EXPECT_EQ(get(kRing + offset + 4, frame.size()), frame) << i;   // contiguous
        crossed |= offset + 4 + 704 > 8192;
        read_packet(cur, 8192);
    }
    EXPECT_TRUE(crossed);
}

TEST_F(CModeTest, RingSizes8To64KiB) {
    for (unsigned rblen : {0u, 1u, 2u, 3u}) {
        w8(reg::CR, bit::CrReset);
        w32(reg::RBSTART, static_cast<std::uint32_t>(kRing));
        start_rx(bit::RcrApm | rblen << 11);
        unsigned delivered = 0;
        for (unsigned i = 0; i < 100 && inject(make_frame(kNicMac, 1000)) == emu::NetClient::SendStatus::Delivered; ++i)
            ++delivered;
        const unsigned size = 8192u << rblen;
        EXPECT_GE(delivered, size / 1008 - 2) << rblen;
        EXPECT_LE(delivered, size / 1008) << rblen;
        // The next reset turns the receiver off, which drops what still waits for it.
    }
}

TEST_F(CModeTest, FullRingAppliesBackPressureUntilCaprMoves) {
    start_rx(bit::RcrApm);
    std::vector<Frame> frames;
    for (unsigned i = 0; i < 12; ++i) frames.push_back(make_frame(kNicMac, 1000, static_cast<std::uint8_t>(i)));
    unsigned delivered = 0;
    for (const Frame& f : frames)
        if (inject(f) == emu::NetClient::SendStatus::Delivered) ++delivered;
    ASSERT_LT(delivered, 12u);
    EXPECT_EQ(net->stats().dropped, 0u);
    EXPECT_GT(net->stats().queued, 0u);
    // The driver reads everything: the queue drains into the ring, in order.
    std::uint32_t cur = 0;
    for (unsigned i = 0; i < 12; ++i) {
        ASSERT_FALSE(r8(reg::CR) & bit::CrBufferEmpty) << i;
        const Packet p = read_packet(cur, 8192);
        EXPECT_EQ(Frame(p.data.begin(), p.data.end() - 4), frames[i]) << i;
    }
    EXPECT_TRUE(r8(reg::CR) & bit::CrBufferEmpty);
    EXPECT_GE(net->ready_calls, 1u);   // the back end may send again
}

// 8139too acks RxOK after each packet and its NAPI poll reads RxOK before the ring: packets
// left in the ring when its budget runs out must keep RxOK (and the interrupt) up.
TEST_F(CModeTest, RxOkStaysWhileUnreadPacketsRemain) {
    start_rx(bit::RcrApm);
    for (unsigned i = 0; i < 12; ++i) inject(make_frame(kNicMac, 1000, static_cast<std::uint8_t>(i)));
    std::uint32_t cur = 0;
    for (unsigned i = 0; i < 3; ++i) {     // a budget of three packets
        read_packet(cur, 8192);
        w16(reg::ISR, bit::IntRxOk);
    }
    EXPECT_TRUE(r16(reg::ISR) & bit::IntRxOk);
    EXPECT_TRUE(irq());
    while (!(r8(reg::CR) & bit::CrBufferEmpty)) {
        read_packet(cur, 8192);
        w16(reg::ISR, bit::IntRxOk);
    }
    EXPECT_FALSE(r16(reg::ISR) & bit::IntRxOk);
    EXPECT_FALSE(irq());
}

TEST_F(CModeTest, ReceiverRestartsAtTheRingStart) {
    start_rx(bit::RcrApm);
    inject(make_frame(kNicMac, 100));
    EXPECT_NE(r16(reg::CBR), 0u);
    w8(reg::CR, bit::CrTxEnable);          // 8139too's receive-error recovery: off, then on
    w8(reg::CR, bit::CrRxEnable | bit::CrTxEnable);
    EXPECT_EQ(r16(reg::CBR), 0u);
    EXPECT_TRUE(r8(reg::CR) & bit::CrBufferEmpty);
    inject(make_frame(kNicMac, 100));
    EXPECT_EQ(ram16(kRing + 2), 104u);
}

TEST_F(CModeTest, Filter) {
    const std::array<std::uint8_t, 6> other = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    const std::array<std::uint8_t, 6> multicast = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    struct Case {
        std::uint32_t rcr;
        std::array<std::uint8_t, 6> destination;
        bool hash_all;
        bool accepted;
    };
    const Case cases[] = {
        {bit::RcrApm, kNicMac, false, true},     {0, kNicMac, false, false},
        {bit::RcrApm, other, false, false},      {bit::RcrAap, other, false, true},
        {bit::RcrApm, kBroadcast, false, false}, {bit::RcrAb, kBroadcast, false, true},
        {bit::RcrAm, multicast, false, false},   {bit::RcrAm, multicast, true, true},
        {bit::RcrApm, multicast, true, false},
    };
    unsigned n = 0;
    for (const Case& c : cases) {
        w8(reg::CR, bit::CrReset);
        for (unsigned i = 0; i < 8; ++i) w8(reg::MAR0 + i, c.hash_all ? 0xff : 0);
        start_rx(c.rcr);
        inject(make_frame(c.destination, 64));
        EXPECT_EQ(r16(reg::CBR) != 0, c.accepted) << "case " << n;
        ++n;
    }
}

TEST_F(CModeTest, MulticastHashSelectsOneBit) {
    // 01:00:5e:00:00:01 hashes (top 6 bits of the big-endian CRC-32) to bit 0x0e... compute it
    // by trying each bit alone: exactly one accepts the address.
    const std::array<std::uint8_t, 6> multicast = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    unsigned accepting = 0;
    for (unsigned b = 0; b < 64; ++b) {
        w8(reg::CR, bit::CrReset);
        for (unsigned i = 0; i < 8; ++i) w8(reg::MAR0 + i, i == b / 8 ? 1u << (b % 8) : 0);
        start_rx(bit::RcrAm);
        inject(make_frame(multicast, 64));
        if (r16(reg::CBR) != 0) ++accepting;
    }
    EXPECT_EQ(accepting, 1u);
}

TEST_F(CModeTest, LoopbackReturnsFramesToOurReceiver) {
    start_rx(bit::RcrApm);
    w32(reg::TCR, 3u << 17);
    const Frame frame = make_frame(kNicMac, 80);
    transmit(0, frame);
    EXPECT_TRUE(net->sent.empty());
    EXPECT_EQ(get(kRing + 4, 80), frame);
}

TEST_F(CModeTest, TransmitWaitsForTheBackEnd) {
    start_rx(0);
    net->accepting = false;
    transmit(0, make_frame(kBroadcast, 60));   // queued at the peer: the chip stops
    EXPECT_TRUE(r32(reg::TSD0) & bit::TsdOwn);
    transmit(1, make_frame(kBroadcast, 61));
    EXPECT_FALSE(r32(reg::TSD0 + 4) & bit::TsdOwn);  // waiting
    net->open();
    EXPECT_TRUE(r32(reg::TSD0 + 4) & bit::TsdOwn);
    ASSERT_EQ(net->sent.size(), 2u);
    EXPECT_EQ(net->sent[1].size(), 61u);
}

TEST_F(CModeTest, ReceiverOffDropsFrames) {
    w32(reg::RCR, bit::RcrApm);
    EXPECT_EQ(inject(make_frame(kNicMac, 64)), emu::NetClient::SendStatus::Delivered);
    EXPECT_EQ(r16(reg::CBR), 0u);
}

TEST_F(CModeTest, IoBarReachesTheSameRegisters) {
    io_w(reg::IDR0, 0x04030201, 4);
    EXPECT_EQ(r32(reg::IDR0), 0x04030201u);
    EXPECT_EQ(io_r(reg::TCR, 4), r32(reg::TCR));
}

}  // namespace
