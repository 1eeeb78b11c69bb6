// ne2k_isa on the pc board, driven through qtest as Linux's `ne` driver drives it (probe,
// reset, PROM, remote DMA, transmit, the receive ring and IRQ 5 on the interrupt controller),
// with the card's wire on a UDP socket this test owns (-netdev socket,udp=). Then a hostile
// driver: remote DMA and ring pointers outside the card's memory must change nothing but the
// card's own state, and emu must keep answering.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "qtest_client.h"

namespace emu::test {
namespace {

constexpr std::uint16_t kBase = 0x300;
constexpr unsigned kIrq = 5;
const std::vector<std::uint8_t> kMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

// DP8390 registers, page 0 unless noted (National DP8390D datasheet; Linux's 8390.h names).
enum : std::uint16_t {
    kCr = 0x00, kPstart = 0x01, kPstop = 0x02, kBnry = 0x03, kTpsr = 0x04, kTsr = 0x04, kTbcr0 = 0x05,
    kTbcr1 = 0x06, kIsr = 0x07, kRsar0 = 0x08, kRsar1 = 0x09, kRbcr0 = 0x0a, kRbcr1 = 0x0b, kRcr = 0x0c,
    kTcr = 0x0d, kDcr = 0x0e, kImr = 0x0f, kCntr0 = 0x0d,
    kPar0 = 0x01, kCurr = 0x07,  // page 1
    kDataPort = 0x10, kResetPort = 0x1f,
};
enum : std::uint8_t {
    kCrStop = 0x01, kCrStart = 0x02, kCrTransmit = 0x04, kCrRemoteRead = 0x08, kCrRemoteWrite = 0x10,
    kCrNoDma = 0x20, kCrPage1 = 0x40,
    kIsrPrx = 0x01, kIsrPtx = 0x02, kIsrRdc = 0x40, kIsrRst = 0x80,
    kDcrByte = 0x48, kDcrWord = 0x49,  // FIFO threshold 8 bytes, loopback off, byte/word transfers
};
// Linux's ne.c layout: 12 transmit pages from 0x40, the receive ring 0x4c-0x80.
constexpr std::uint8_t kTxPage = 0x40, kRxStart = 0x4c, kRxStop = 0x80;

// The other end of the card's cable: a UDP socket on loopback.
class Wire {
public:
    Wire() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("cannot bind a UDP socket on loopback");
        port_ = ntohs(address.sin_port);
    }
    ~Wire() { ::close(fd_); }
    Wire(const Wire&) = delete;
    Wire& operator=(const Wire&) = delete;

    int port() const { return port_; }

    // The next frame emu sent, within timeout; its sender becomes where send() goes.
    std::optional<std::vector<std::uint8_t>> receive(int timeout_ms = 5000) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
        std::vector<std::uint8_t> frame(65536);
        socklen_t length = sizeof peer_;
        const ssize_t n = ::recvfrom(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&peer_), &length);
        if (n < 0) return std::nullopt;
        frame.resize(static_cast<std::size_t>(n));
        have_peer_ = true;
        return frame;
    }

    void send(const std::vector<std::uint8_t>& frame) {
        ASSERT_TRUE(have_peer_) << "emu's address is learned from a frame it sent";
        ASSERT_EQ(::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<const sockaddr*>(&peer_), sizeof peer_),
                  static_cast<ssize_t>(frame.size()));
    }

private:
    int fd_ = -1;
    int port_ = 0;
    sockaddr_in peer_{};
    bool have_peer_ = false;
};

std::vector<std::uint8_t> frame_to(const std::vector<std::uint8_t>& destination, std::size_t length, std::uint8_t seed) {
    std::vector<std::uint8_t> frame(length);
    std::copy(destination.begin(), destination.end(), frame.begin());
    const std::uint8_t source[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    std::copy(std::begin(source), std::end(source), frame.begin() + 6);
    frame[12] = 0x08;  // IPv4, as far as the card cares
    frame[13] = 0x00;
    for (std::size_t i = 14; i < length; ++i) frame[i] = static_cast<std::uint8_t>(seed + i * 3);
    return frame;
}

class PcNe2k : public ::testing::Test {
protected:
    Wire wire;
    QtestClient qt{{"-M", "pc", "-device", "ne2k_isa,iobase=0x300,irq=5,netdev=n,mac=52:54:00:12:34:56", "-netdev",
                    "socket,id=n,udp=127.0.0.1:" + std::to_string(wire.port()) + ",localaddr=127.0.0.1:0"}};

    void out(std::uint16_t reg, std::uint8_t value) { qt.outb(kBase + reg, value); }
    std::uint8_t in(std::uint16_t reg) { return qt.inb(kBase + reg); }

    // ne.c: reading the reset port and writing the value back resets the card.
    void reset_card() {
        out(kResetPort, in(kResetPort));
        ASSERT_TRUE(in(kIsr) & kIsrRst);
        out(kIsr, 0xff);
    }

    void start_remote_dma(std::uint16_t address, std::uint16_t count, std::uint8_t command) {
        out(kCr, kCrNoDma | kCrStart);
        out(kRbcr0, count & 0xff);
        out(kRbcr1, count >> 8);
        out(kRsar0, address & 0xff);
        out(kRsar1, address >> 8);
        out(kCr, command | kCrStart);
    }

    // ne_block_input/ne_block_output in word mode.
    std::vector<std::uint8_t> dma_read(std::uint16_t address, std::uint16_t count) {
        start_remote_dma(address, count, kCrRemoteRead);
        std::vector<std::uint8_t> data;
        for (unsigned i = 0; i < count; i += 2) {
            const std::uint16_t word = qt.inw(kBase + kDataPort);
            data.push_back(word & 0xff);
            data.push_back(word >> 8);
        }
        out(kIsr, kIsrRdc);
        data.resize(count);
        return data;
    }

    void dma_write(std::uint16_t address, const std::vector<std::uint8_t>& data) {
        out(kIsr, kIsrRdc);
        start_remote_dma(address, static_cast<std::uint16_t>((data.size() + 1) & ~1u), kCrRemoteWrite);
        for (std::size_t i = 0; i < data.size(); i += 2)
            qt.outw(kBase + kDataPort, static_cast<std::uint16_t>(data[i] | (i + 1 < data.size() ? data[i + 1] << 8 : 0)));
        EXPECT_TRUE(in(kIsr) & kIsrRdc) << "remote DMA did not complete";
        out(kIsr, kIsrRdc);
    }

    // NS8390_init(dev, startp=1) with ne.c's pages, interrupts on.
    void init_nic(std::uint8_t rcr = 0x04) {
        out(kCr, kCrNoDma | kCrStop);
        out(kDcr, kDcrWord);
        out(kRbcr0, 0);
        out(kRbcr1, 0);
        out(kRcr, 0x20);  // monitor while setting up
        out(kTcr, 0x02);  // internal loopback while setting up
        out(kTpsr, kTxPage);
        out(kPstart, kRxStart);
        out(kBnry, kRxStop - 1);
        out(kPstop, kRxStop);
        out(kIsr, 0xff);
        out(kImr, 0);
        out(kCr, kCrNoDma | kCrPage1 | kCrStop);
        for (unsigned i = 0; i < 6; ++i) out(kPar0 + i, kMac[i]);
        out(kCurr, kRxStart);
        out(kCr, kCrNoDma | kCrStop);
        out(kIsr, 0xff);
        out(kImr, 0x3f);
        out(kCr, kCrNoDma | kCrStart);
        out(kTcr, 0x00);
        out(kRcr, rcr);
    }

    void transmit(const std::vector<std::uint8_t>& frame) {
        dma_write(static_cast<std::uint16_t>(kTxPage << 8), frame);
        out(kCr, kCrNoDma);
        out(kTbcr0, frame.size() & 0xff);
        out(kTbcr1, static_cast<std::uint8_t>(frame.size() >> 8));
        out(kTpsr, kTxPage);
        out(kCr, kCrNoDma | kCrTransmit | kCrStart);
    }

    std::uint8_t current_page() {
        out(kCr, kCrNoDma | kCrPage1 | kCrStart);
        const std::uint8_t curr = in(kCurr);
        out(kCr, kCrNoDma | kCrStart);
        return curr;
    }

    // Have the card send a frame so that the wire learns emu's port.
    void connect_wire() {
        transmit(frame_to({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 60, 0));
        ASSERT_TRUE(wire.receive().has_value()) << "the card's first frame never reached the wire";
        out(kIsr, 0xff);
    }
};

TEST_F(PcNe2k, ProbesAsLinuxNeDoes) {
    // ne_probe1: something answers at the base; it is an 8390 (CNTR0 clears when read).
    EXPECT_NE(in(kCr), 0xff);
    out(kCr, kCrNoDma | kCrPage1 | kCrStop);
    const std::uint8_t saved = in(0x0d);
    out(0x0d, 0xff);
    out(kCr, kCrNoDma | kCrStop);
    in(kCntr0);
    EXPECT_EQ(in(kCntr0), 0);
    out(0x0d, saved);
    reset_card();

    // The station address PROM, 32 bytes through remote DMA in byte mode (ne.c's program_seq):
    // every byte comes twice, which is how ne.c tells a 16-bit card.
    out(kCr, kCrNoDma | kCrStop);
    out(kDcr, kDcrByte);
    out(kRbcr0, 0);
    out(kRbcr1, 0);
    out(kImr, 0);
    out(kIsr, 0xff);
    out(kRcr, 0x20);
    out(kTcr, 0x02);
    out(kRbcr0, 32);
    out(kRbcr1, 0);
    out(kRsar0, 0);
    out(kRsar1, 0);
    out(kCr, kCrRemoteRead | kCrStart);
    std::vector<std::uint8_t> prom;
    for (int i = 0; i < 32; ++i) prom.push_back(qt.inb(kBase + kDataPort));
    for (unsigned i = 0; i < 6; ++i) {
        EXPECT_EQ(prom[2 * i], kMac[i]) << i;
        EXPECT_EQ(prom[2 * i + 1], kMac[i]) << i;
    }
    for (unsigned i = 28; i < 32; ++i) EXPECT_EQ(prom[i], 0x57) << "the NE2000 signature 'WW'";
    EXPECT_TRUE(in(kIsr) & kIsrRdc);

    // The same in word mode: each word is the MAC byte doubled.
    out(kDcr, kDcrWord);
    const std::vector<std::uint8_t> words = dma_read(0, 32);
    for (unsigned i = 0; i < 6; ++i) {
        EXPECT_EQ(words[2 * i], kMac[i]);
        EXPECT_EQ(words[2 * i + 1], kMac[i]);
    }
    EXPECT_EQ(words[28], 0x57);
    EXPECT_EQ(words[31], 0x57);
}

TEST_F(PcNe2k, RemoteDmaRoundTrip) {
    reset_card();
    out(kDcr, kDcrWord);
    std::vector<std::uint8_t> data(1536);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 13 + 7);
    dma_write(0x4000, data);
    EXPECT_EQ(dma_read(0x4000, static_cast<std::uint16_t>(data.size())), data);
    // Elsewhere in the 16 KiB Linux uses, and at its last word.
    dma_write(0x7ffe, {0xaa, 0x55});
    EXPECT_EQ(dma_read(0x7ffe, 2), (std::vector<std::uint8_t>{0xaa, 0x55}));
    // The PROM is read-only.
    dma_write(0x0000, {0, 0, 0, 0});
    EXPECT_EQ(dma_read(0, 2), (std::vector<std::uint8_t>{kMac[0], kMac[0]}));
}

TEST_F(PcNe2k, TransmitReachesTheNetdevAndInterrupts) {
    qt.irq_intercept_in("ioapic");
    reset_card();
    init_nic();
    const std::vector<std::uint8_t> frame = frame_to({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 342, 0x42);
    transmit(frame);
    const auto sent = wire.receive();
    ASSERT_TRUE(sent.has_value()) << "no frame on the wire";
    EXPECT_EQ(*sent, frame);
    EXPECT_TRUE(qt.wait_irq(kIrq, true)) << "no IRQ 5 for the transmit";
    EXPECT_TRUE(in(kIsr) & kIsrPtx);
    EXPECT_TRUE(in(kTsr) & 0x01);  // TSR.PTX: sent without error
    out(kIsr, 0xff);
    EXPECT_TRUE(qt.wait_irq(kIrq, false));
}

TEST_F(PcNe2k, ReceiveIntoTheRingRaisesIrq5) {
    qt.irq_intercept_in("ioapic");
    reset_card();
    init_nic();
    connect_wire();
    ASSERT_TRUE(qt.wait_irq(kIrq, false));

    const std::vector<std::uint8_t> frame = frame_to(kMac, 300, 0x10);
    wire.send(frame);
    ASSERT_TRUE(qt.wait_irq(kIrq, true)) << "no IRQ 5 for the received frame";
    EXPECT_TRUE(in(kIsr) & kIsrPrx);

    // ei_receive: the frame is at BNRY + 1 (wrapped), behind its 4-byte header.
    const std::uint8_t curr = current_page();
    const unsigned pages = (static_cast<unsigned>(frame.size()) + 4 + 255) / 256;
    EXPECT_EQ(curr, kRxStart + pages);
    const std::vector<std::uint8_t> header = dma_read(static_cast<std::uint16_t>(kRxStart << 8), 4);
    EXPECT_EQ(header[0] & 0x01, 0x01);       // RSR.PRX: received intact
    EXPECT_EQ(header[1], curr);               // next packet page
    EXPECT_EQ(header[2] | header[3] << 8, static_cast<int>(frame.size() + 4));
    EXPECT_EQ(dma_read(static_cast<std::uint16_t>((kRxStart << 8) + 4), static_cast<std::uint16_t>(frame.size())), frame);

    // The driver frees the ring and acknowledges: the line goes low.
    out(kBnry, curr - 1);
    out(kIsr, kIsrPrx | kIsrRdc);
    EXPECT_TRUE(qt.wait_irq(kIrq, false));

    // A frame for another station is filtered out (no promiscuous mode): no interrupt.
    wire.send(frame_to({0x02, 0, 0, 0, 0, 0x99}, 100, 0));
    wire.send(frame_to(kMac, 64, 0x77));
    ASSERT_TRUE(qt.wait_irq(kIrq, true));
    EXPECT_EQ(current_page(), curr + 1);
    EXPECT_EQ(dma_read(static_cast<std::uint16_t>((curr << 8) + 4), 64), frame_to(kMac, 64, 0x77));
}

// ---- A hostile driver ------------------------------------------------------------------------

TEST_F(PcNe2k, RemoteDmaOutsideTheBufferIsContained) {
    reset_card();
    out(kDcr, kDcrWord);
    dma_write(0x7ff0, std::vector<std::uint8_t>(16, 0x11));
    // Counts and addresses anywhere in the 64 KiB the registers can name, across every edge.
    for (std::uint16_t address : {0x0000, 0x001e, 0x3ffe, 0x7ffe, 0xbffe, 0xc000, 0xfffe, 0xffff}) {
        start_remote_dma(address, 0xffff, kCrRemoteWrite);
        for (int i = 0; i < 16; ++i) qt.outw(kBase + kDataPort, 0xdead);
        start_remote_dma(address, 0xffff, kCrRemoteRead);
        for (int i = 0; i < 16; ++i) qt.inw(kBase + kDataPort);
        qt.inl(kBase + kDataPort);
        qt.outl(kBase + kDataPort, 0xffffffff);
    }
    // Byte mode with an odd address and count, then the count running out mid-word.
    out(kDcr, kDcrByte);
    start_remote_dma(0xbfff, 3, kCrRemoteWrite);
    for (int i = 0; i < 8; ++i) qt.outb(kBase + kDataPort, 0x22);
    EXPECT_TRUE(in(kIsr) & kIsrRdc);
    // The PROM is intact and the buffer below 0x8000 holds only what was written in range.
    out(kDcr, kDcrWord);
    EXPECT_EQ(dma_read(0, 2), (std::vector<std::uint8_t>{kMac[0], kMac[0]}));
    EXPECT_EQ(dma_read(0x7ff0, 14), std::vector<std::uint8_t>(14, 0x11));
    EXPECT_EQ(qt.command("endianness"), "OK little");
    EXPECT_TRUE(qt.running());
}

TEST_F(PcNe2k, RingPointersOutOfRangeAreContained) {
    qt.irq_intercept_in("ioapic");
    reset_card();
    init_nic(0x14);  // promiscuous, broadcast
    connect_wire();
    struct Ring {
        std::uint8_t pstart, pstop, bnry, curr;
    };
    const Ring rings[] = {
        {0xff, 0x00, 0x00, 0x00},  // inverted
        {0x50, 0x50, 0x50, 0x50},  // empty
        {0x80, 0xff, 0x80, 0xfe},  // beyond the buffer RAM
        {0x4c, 0x80, 0x10, 0xf0},  // BNRY and CURR outside the ring
        {0x00, 0x02, 0x01, 0x00},  // over the PROM
        {0xbf, 0xc1, 0xbf, 0xc0},  // straddling the end of the RAM
        {0x4c, 0x4d, 0x4c, 0x4c},  // one page: never room for a frame
    };
    for (const Ring& ring : rings) {
        SCOPED_TRACE(::testing::Message() << "PSTART " << int(ring.pstart) << " PSTOP " << int(ring.pstop));
        out(kCr, kCrNoDma | kCrStop);
        out(kPstart, ring.pstart);
        out(kPstop, ring.pstop);
        out(kBnry, ring.bnry);
        out(kCr, kCrNoDma | kCrPage1 | kCrStop);
        out(kCurr, ring.curr);
        out(kCr, kCrNoDma | kCrStart);
        for (std::size_t length : {60, 1514, 600}) wire.send(frame_to(kMac, length, static_cast<std::uint8_t>(length)));
        // Let the frames arrive (some wait for room that never comes), then read everything back.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (std::uint16_t reg = 0; reg < 0x10; ++reg) in(reg);
        current_page();
        dma_read(static_cast<std::uint16_t>(ring.curr << 8), 64);
        out(kIsr, 0xff);
        EXPECT_EQ(qt.command("endianness"), "OK little");
    }
    // The PROM was never overwritten, and a sane ring works again.
    EXPECT_EQ(dma_read(0, 2), (std::vector<std::uint8_t>{kMac[0], kMac[0]}));
    reset_card();
    init_nic();
    transmit(frame_to({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 60, 1));
    EXPECT_TRUE(wire.receive().has_value());
    EXPECT_TRUE(qt.running());
}

TEST_F(PcNe2k, TransmitOfAnyPageAndLengthIsContained) {
    reset_card();
    init_nic();
    const std::pair<unsigned, unsigned> transmits[] = {{0xff, 0xffff}, {0x00, 0x0001}, {0xbf, 0x0200}, {0x7f, 0x0000}};
    for (auto [page, count] : transmits) {
        out(kTpsr, static_cast<std::uint8_t>(page));
        out(kTbcr0, count & 0xff);
        out(kTbcr1, static_cast<std::uint8_t>(count >> 8));
        out(kCr, kCrNoDma | kCrTransmit | kCrStart);
        while (wire.receive(200)) {}  // whatever went out
        out(kIsr, 0xff);
    }
    EXPECT_EQ(qt.command("endianness"), "OK little");
    EXPECT_TRUE(qt.running());
}

TEST_F(PcNe2k, RandomPortTrafficIsContained) {
    qt.irq_intercept_in("ioapic");
    std::mt19937 random(8390);
    for (int i = 0; i < 3000; ++i) {
        const std::uint16_t port = static_cast<std::uint16_t>(kBase + random() % 0x20);
        switch (random() % 6) {
        case 0: qt.outb(port, static_cast<std::uint8_t>(random())); break;
        case 1: qt.outw(port & ~1, static_cast<std::uint16_t>(random())); break;
        case 2: qt.outl(port & ~3, static_cast<std::uint32_t>(random())); break;
        case 3: qt.inb(port); break;
        case 4: qt.inw(port & ~1); break;
        default: qt.inl(port & ~3); break;
        }
    }
    EXPECT_EQ(qt.command("endianness"), "OK little");
    EXPECT_TRUE(qt.running());
}

}  // namespace
}  // namespace emu::test
