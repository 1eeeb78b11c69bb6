// The C+ mode that Linux's 8139cp drives: transmit and receive descriptor rings (OWN, EOR, FS,
// LS), transmit checksum offload, large send, VLAN insertion and stripping, receive checksum
// status, back-pressure when the driver has not returned descriptors, the tally dump.
#include "rtl8139_bench.h"

namespace {

using namespace rtl_test;

constexpr Addr kTxRing = kRamBase + 0x1000;
constexpr Addr kRxRing = kRamBase + 0x2000;
constexpr Addr kBuffers = kRamBase + 0x100000;
constexpr std::uint32_t kLargeSend = 1u << 27, kIpcs = 1u << 18, kUdpcs = 1u << 17, kTcpcs = 1u << 16;

std::uint16_t be16(const Frame& f, std::size_t at) { return static_cast<std::uint16_t>(f[at] << 8 | f[at + 1]); }
std::uint32_t be32(const Frame& f, std::size_t at) { return std::uint32_t{be16(f, at)} << 16 | be16(f, at + 2); }

std::uint32_t sum16(const Frame& f, std::size_t from, std::size_t to, std::uint32_t sum = 0) {
    for (std::size_t i = from; i < to; i += 2) sum += i + 1 < to ? be16(f, i) : std::uint32_t{f[i]} << 8;
    return sum;
}
std::uint16_t fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}
// True when the IPv4 header and the TCP/UDP checksum of an untagged frame verify.
bool checksums_valid(const Frame& f) {
    const std::size_t ihl = (f[14] & 0xf) * 4u;
    if (fold(sum16(f, 14, 14 + ihl)) != 0xffff) return false;
    const std::size_t total = be16(f, 16);
    const std::size_t l4 = 14 + ihl, length = total - ihl;
    std::uint32_t pseudo = sum16(f, 26, 34) + f[23] + static_cast<std::uint32_t>(length);
    return fold(sum16(f, l4, l4 + length, pseudo)) == 0xffff;
}

// An IPv4 frame (to the NIC's MAC) carrying TCP or UDP with zeroed checksums.
Frame ip_frame(std::uint8_t protocol, std::size_t payload, std::uint8_t tcp_flags = 0x18) {
    const std::size_t l4_header = protocol == 6 ? 20 : 8;
    Frame f(14 + 20 + l4_header + payload, 0);
    std::copy(kNicMac.begin(), kNicMac.end(), f.begin());
    const std::uint8_t source[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    std::copy(std::begin(source), std::end(source), f.begin() + 6);
    f[12] = 0x08;
    f[14] = 0x45;
    const std::size_t total = 20 + l4_header + payload;
    f[16] = static_cast<std::uint8_t>(total >> 8);
    f[17] = static_cast<std::uint8_t>(total);
    f[18] = 0x12; f[19] = 0x34;   // id
    f[22] = 64;
    f[23] = protocol;
    const std::uint8_t addresses[8] = {10, 0, 2, 2, 10, 0, 2, 15};
    std::copy(std::begin(addresses), std::end(addresses), f.begin() + 26);
    f[34] = 0x1f; f[35] = 0x90; f[36] = 0xc0; f[37] = 0x01;   // ports
    if (protocol == 6) {
        f[38] = 0x10; f[39] = 0x20; f[40] = 0x30; f[41] = 0x40;   // sequence
        f[46] = 0x50;                                             // data offset 5
        f[47] = tcp_flags;
        f[48] = 0xff; f[49] = 0xff;
    } else {
        f[38] = static_cast<std::uint8_t>((8 + payload) >> 8);
        f[39] = static_cast<std::uint8_t>(8 + payload);
    }
    for (std::size_t i = 14 + 20 + l4_header; i < f.size(); ++i) f[i] = static_cast<std::uint8_t>(i * 7);
    return f;
}

void fill_checksums(Frame& f) {
    f[24] = f[25] = 0;
    const std::uint16_t ip = static_cast<std::uint16_t>(~fold(sum16(f, 14, 34)));
    f[24] = static_cast<std::uint8_t>(ip >> 8);
    f[25] = static_cast<std::uint8_t>(ip);
    const std::size_t field = f[23] == 6 ? 34 + 16 : 34 + 6;
    f[field] = f[field + 1] = 0;
    const std::size_t length = be16(f, 16) - 20u;
    const std::uint16_t l4 = static_cast<std::uint16_t>(~fold(sum16(f, 34, 34 + length, sum16(f, 26, 34) + f[23] + static_cast<std::uint32_t>(length))));
    f[field] = static_cast<std::uint8_t>(l4 >> 8);
    f[field + 1] = static_cast<std::uint8_t>(l4);
}

class CPlusTest : public RtlBench {
protected:
    void SetUp() override {
        add_nic();
        w8(reg::CR, bit::CrReset);
        w16(reg::CPCR, bit::CpTx | bit::CpRx | bit::CpRxChecksum | bit::CpRxVlan);
        w32(reg::RDSAR, static_cast<std::uint32_t>(kRxRing));
        w32(reg::RDSAR + 4, 0);
        w32(reg::TNPDS, static_cast<std::uint32_t>(kTxRing));
        w32(reg::TNPDS + 4, 0);
        w8(reg::CR, bit::CrRxEnable | bit::CrTxEnable);
        w32(reg::RCR, bit::RcrApm | bit::RcrAb);
        w16(reg::IMR, 0xffff);
    }
    void descriptor(Addr ring, unsigned index, std::uint32_t opts1, std::uint32_t opts2, Addr buffer) {
        const Addr d = ring + 16 * index;
        set_ram32(d + 4, opts2);
        set_ram32(d + 8, static_cast<std::uint32_t>(buffer));
        set_ram32(d + 12, static_cast<std::uint32_t>(buffer >> 32));
        set_ram32(d, opts1);
    }
    // One frame in one descriptor, then TxPoll.
    void transmit(unsigned index, const Frame& frame, std::uint32_t flags = 0, std::uint32_t opts2 = 0, bool eor = false) {
        const Addr buffer = kBuffers + index * 0x10000;
        put(buffer, frame);
        descriptor(kTxRing, index, bit::Own | bit::Fs | bit::Ls | (eor ? bit::Eor : 0) | flags |
                                       static_cast<std::uint32_t>(frame.size()), opts2, buffer);
    }
    void poll() { w8(reg::TPPOLL, 0x40); }
    void give_rx(unsigned index, bool eor = false, std::uint32_t size = 2048) {
        descriptor(kRxRing, index, bit::Own | (eor ? bit::Eor : 0) | size, 0, kBuffers + 0x800000 + index * 0x1000);
    }
    Frame rx_data(unsigned index) {
        const std::uint32_t opts1 = ram32(kRxRing + 16 * index);
        return get(kBuffers + 0x800000 + index * 0x1000, (opts1 & 0x1fff) - 4);
    }
};

TEST_F(CPlusTest, TransmitRingWrapsAtEndOfRing) {
    for (unsigned round = 0; round < 3; ++round) {
        for (unsigned i = 0; i < 4; ++i) transmit(i, make_frame(kBroadcast, 64 + round * 4 + i), 0, 0, i == 3);
        poll();
        ASSERT_EQ(net->sent.size(), 4u * (round + 1));
        for (unsigned i = 0; i < 4; ++i) {
            EXPECT_FALSE(ram32(kTxRing + 16 * i) & bit::Own);
            EXPECT_EQ(net->sent[round * 4 + i].size(), 64u + round * 4 + i);
        }
    }
    EXPECT_TRUE(r16(reg::ISR) & bit::IntTxOk);
    EXPECT_TRUE(irq());
}

TEST_F(CPlusTest, TransmitStopsAtADescriptorItDoesNotOwn) {
    transmit(0, make_frame(kBroadcast, 100));
    descriptor(kTxRing, 1, 100, 0, kBuffers);   // not OWN
    transmit(2, make_frame(kBroadcast, 102));
    poll();
    EXPECT_EQ(net->sent.size(), 1u);
    transmit(1, make_frame(kBroadcast, 101));
    poll();
    ASSERT_EQ(net->sent.size(), 3u);
    EXPECT_EQ(net->sent[2].size(), 102u);
}

TEST_F(CPlusTest, TransmitGathersFragments) {
    const Frame frame = make_frame(kBroadcast, 300);
    put(kBuffers, Frame(frame.begin(), frame.begin() + 14));
    put(kBuffers + 0x1000, Frame(frame.begin() + 14, frame.begin() + 200));
    put(kBuffers + 0x2000, Frame(frame.begin() + 200, frame.end()));
    descriptor(kTxRing, 0, bit::Own | bit::Fs | 14, 0, kBuffers);
    descriptor(kTxRing, 1, bit::Own | 186, 0, kBuffers + 0x1000);
    descriptor(kTxRing, 2, bit::Own | bit::Ls | 100, 0, kBuffers + 0x2000);
    poll();
    ASSERT_EQ(net->sent.size(), 1u);
    EXPECT_EQ(net->sent[0], frame);
}

TEST_F(CPlusTest, TransmitChecksumOffload) {
    transmit(0, ip_frame(6, 333), kIpcs | kTcpcs);
    transmit(1, ip_frame(17, 77), kIpcs | kUdpcs);
    poll();
    ASSERT_EQ(net->sent.size(), 2u);
    EXPECT_TRUE(checksums_valid(net->sent[0]));
    EXPECT_TRUE(checksums_valid(net->sent[1]));
    EXPECT_NE(be16(net->sent[1], 40), 0u);
}

TEST_F(CPlusTest, LargeSendCutsTcpSegments) {
    const Frame big = ip_frame(6, 4000, 0x19);   // FIN|PSH|ACK
    transmit(0, big, kLargeSend | 1000u << 16);
    poll();
    ASSERT_EQ(net->sent.size(), 4u);
    for (unsigned i = 0; i < 4; ++i) {
        const Frame& s = net->sent[i];
        EXPECT_EQ(s.size(), 14u + 40 + 1000) << i;
        EXPECT_EQ(be16(s, 16), 1040u) << i;                  // IP total length
        EXPECT_EQ(be16(s, 18), 0x1234u + i) << i;            // IP id
        EXPECT_EQ(be32(s, 38), 0x10203040u + 1000 * i) << i; // sequence
        EXPECT_EQ(s[47], i == 3 ? 0x19 : 0x10) << i;         // FIN and PSH on the last only
        EXPECT_TRUE(checksums_valid(s)) << i;
        EXPECT_TRUE(std::equal(s.begin() + 54, s.end(), big.begin() + 54 + 1000 * i)) << i;
    }
}

TEST_F(CPlusTest, VlanTagInserted) {
    const Frame frame = make_frame(kBroadcast, 80);
    transmit(0, frame, 0, (1u << 17) | 0x2301);   // 8139cp stores the tag byte-swapped: TCI 0x0123
    poll();
    ASSERT_EQ(net->sent.size(), 1u);
    const Frame& s = net->sent[0];
    ASSERT_EQ(s.size(), 84u);
    EXPECT_EQ(be16(s, 12), 0x8100u);
    EXPECT_EQ(be16(s, 14), 0x0123u);
    EXPECT_TRUE(std::equal(s.begin() + 16, s.end(), frame.begin() + 12));
}

TEST_F(CPlusTest, ReceiveRingWithEndOfRing) {
    for (unsigned i = 0; i < 3; ++i) give_rx(i, i == 2);
    for (unsigned n = 0; n < 7; ++n) {
        const unsigned index = n % 3;
        const Frame frame = make_frame(kNicMac, 100 + n);
        ASSERT_EQ(inject(frame), emu::NetClient::SendStatus::Delivered) << n;
        const std::uint32_t opts1 = ram32(kRxRing + 16 * index);
        EXPECT_FALSE(opts1 & bit::Own) << n;
        EXPECT_EQ(opts1 & (bit::Fs | bit::Ls), bit::Fs | bit::Ls) << n;
        EXPECT_EQ(opts1 & bit::Eor, index == 2 ? bit::Eor : 0u) << n;
        EXPECT_EQ(opts1 & 0x1fff, 100u + n + 4) << n;
        EXPECT_EQ(rx_data(index), frame) << n;
        give_rx(index, index == 2);
    }
    EXPECT_TRUE(r16(reg::ISR) & bit::IntRxOk);
}

TEST_F(CPlusTest, ReceiveChecksumStatus) {
    Frame tcp = ip_frame(6, 100);
    fill_checksums(tcp);
    Frame bad_tcp = tcp;
    bad_tcp[60] ^= 0xff;
    Frame udp = ip_frame(17, 50);
    fill_checksums(udp);
    Frame bad_ip = udp;
    bad_ip[24] ^= 1;
    struct Case {
        const Frame* frame;
        std::uint32_t protocol;       // PID1:PID0
        std::uint32_t failures;       // IPFail 15, UDPFail 14, TCPFail 13
    };
    const Frame other = make_frame(kNicMac, 64);
    const Case cases[] = {{&tcp, 1, 0}, {&bad_tcp, 1, 1u << 13}, {&udp, 2, 0}, {&bad_ip, 2, 1u << 15}, {&other, 0, 0}};
    for (unsigned i = 0; i < 5; ++i) {
        give_rx(0, true);
        inject(*cases[i].frame);
        const std::uint32_t opts1 = ram32(kRxRing);
        EXPECT_EQ((opts1 >> 16) & 3, cases[i].protocol) << i;
        EXPECT_EQ(opts1 & 0xe000, cases[i].failures) << i;
    }
}

TEST_F(CPlusTest, ReceiveVlanTagStripped) {
    Frame frame = make_frame(kNicMac, 100);
    const Frame untagged = frame;
    const std::uint8_t tag[4] = {0x81, 0x00, 0x01, 0x23};
    frame.insert(frame.begin() + 12, std::begin(tag), std::end(tag));
    give_rx(0, true);
    inject(frame);
    EXPECT_EQ(ram32(kRxRing + 4), (1u << 16) | 0x2301);   // tagged, TCI as on the wire
    EXPECT_EQ(rx_data(0), untagged);
}

TEST_F(CPlusTest, NoDescriptorMeansBackPressure) {
    EXPECT_EQ(inject(make_frame(kNicMac, 64, 1)), emu::NetClient::SendStatus::Queued);
    EXPECT_EQ(inject(make_frame(kNicMac, 64, 2)), emu::NetClient::SendStatus::Queued);
    EXPECT_TRUE(r16(reg::ISR) & bit::IntRxOverflow);   // Rx descriptor unavailable
    EXPECT_EQ(net->stats().dropped, 0u);
    give_rx(0);
    give_rx(1, true);
    w16(reg::ISR, 0xffff);   // as 8139cp acks in its poll: the chip looks again
    EXPECT_EQ(rx_data(0), make_frame(kNicMac, 64, 1));
    EXPECT_EQ(rx_data(1), make_frame(kNicMac, 64, 2));
    EXPECT_GE(net->ready_calls, 1u);
}

TEST_F(CPlusTest, BlockedReceiveRetriesOnItsOwn) {
    EXPECT_EQ(inject(make_frame(kNicMac, 64, 1)), emu::NetClient::SendStatus::Queued);
    give_rx(0, true);                     // returned in RAM, no register write
    loop.virtual_clock().step(2'000'000);
    EXPECT_FALSE(ram32(kRxRing) & bit::Own);
}

TEST_F(CPlusTest, TallyDump) {
    transmit(0, make_frame(kBroadcast, 64));
    poll();
    give_rx(0, true);
    inject(make_frame(kNicMac, 64));
    const Addr tally = kRamBase + 0x40000;
    w32(reg::DTCCR + 4, 0);
    w32(reg::DTCCR, static_cast<std::uint32_t>(tally) | 0x8);
    EXPECT_EQ(r32(reg::DTCCR) & 0x8, 0u);   // done
    EXPECT_EQ(ram32(tally), 1u);            // TxOk
    EXPECT_EQ(ram32(tally + 8), 1u);        // RxOk
    EXPECT_EQ(ram32(tally + 40), 1u);       // RxOkPhy
}

}  // namespace
