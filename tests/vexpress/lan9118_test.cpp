// The LAN9118 as Linux's smsc911x drives it: identification, the MAC CSRs and the PHY behind
// them, transmit and receive through the FIFOs, loopback, filtering, interrupts and their pin
// polarity, back-pressure from both sides, and hostile command sequences.
#include <algorithm>
#include <deque>
#include <vector>

#include "emu/net.h"
#include "vexpress_bench.h"

namespace {

using emu_test::IrqRecorder;
using Frame = std::vector<std::uint8_t>;

constexpr emu::Addr kBase = 0x1a000000;
constexpr emu::Addr RX_DATA = 0x00, TX_DATA = 0x20, RX_STATUS = 0x40, TX_STATUS = 0x48, ID_REV = 0x50,
                    INT_CFG = 0x54, INT_STS = 0x58, INT_EN = 0x5c, BYTE_TEST = 0x64, FIFO_INT = 0x68,
                    RX_CFG = 0x6c, TX_CFG = 0x70, HW_CFG = 0x74, RX_DP_CTRL = 0x78, RX_FIFO_INF = 0x7c,
                    TX_FIFO_INF = 0x80, PMT_CTRL = 0x84, MAC_CSR_CMD = 0xa4, MAC_CSR_DATA = 0xa8, E2P_CMD = 0xb0;
constexpr unsigned MAC_CR = 1, ADDRH = 2, ADDRL = 3, HASHL = 5, MII_ACC = 6, MII_DATA = 7;
constexpr std::uint32_t TXEN = 1u << 3, RXEN = 1u << 2, PRMS = 1u << 18, HPFILT = 1u << 13, LOOPBK = 1u << 21;
constexpr std::uint32_t FIRST = 1u << 13, LAST = 1u << 12, TX_ON = 1u << 1;
constexpr std::uint32_t SW_INT = 1u << 31, RSFL = 1u << 3, TDFO = 1u << 10, TXE = 1u << 13, TDFA = 1u << 9;
constexpr std::uint32_t IRQ_EN = 1u << 8, IRQ_POL = 1u << 4, IRQ_TYPE = 1u << 0;

// A back end that records what the NIC sends and can refuse frames (to test back-pressure).
class FakeNetdev final : public emu::NetBackend {
public:
    bool can_receive() const override { return accepting; }
    bool receive(std::span<const std::uint8_t> frame) override {
        if (!accepting) return false;
        frames.emplace_back(frame.begin(), frame.end());
        return true;
    }
    void open() {
        accepting = true;
        receive_ready();
    }
    bool accepting = true;
    std::vector<Frame> frames;
};

Frame make_frame(std::size_t length, std::uint8_t seed, std::array<std::uint8_t, 6> destination) {
    Frame frame(length);
    std::copy(destination.begin(), destination.end(), frame.begin());
    for (std::size_t i = 6; i < length; ++i) frame[i] = static_cast<std::uint8_t>(seed + i);
    frame[12] = 0x08;
    frame[13] = 0x00;
    return frame;
}

constexpr std::array<std::uint8_t, 6> kOwnMac = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
constexpr std::array<std::uint8_t, 6> kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

class Lan9118Test : public vexpress_test::VexpressBench {
protected:
    void SetUp() override {
        registry.register_type({.name = "netdev-fake",
                                .parent = "netdev",
                                .description = "test back end",
                                .factory = emu::factory_of<FakeNetdev>()},
                               "vexpress-tests");
        netdev = &root->container("netdev").add_child("n0", as<FakeNetdev>(registry.create("netdev-fake")));
        netdev->realize();
        nic = &create("lan9118", "eth");
        nic->set_property("mac", "52:54:00:ab:cd:ef");
        nic->set_property("netdev", "n0");
        nic->connect_gpio_out("", 0, irq.line());
        nic->realize();
        map(kBase, nic->mmio(0));
    }

    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }
    std::uint32_t mac_read(unsigned index) {
        reg(MAC_CSR_CMD, 0xc0000000u | index);
        EXPECT_EQ(reg(MAC_CSR_CMD) & 0x80000000u, 0u);
        return reg(MAC_CSR_DATA);
    }
    void mac_write(unsigned index, std::uint32_t value) {
        reg(MAC_CSR_DATA, value);
        reg(MAC_CSR_CMD, 0x80000000u | index);
    }
    std::uint16_t phy_read(unsigned phy, unsigned index) {
        mac_write(MII_ACC, (phy << 11) | (index << 6) | 1);
        EXPECT_EQ(mac_read(MII_ACC) & 1, 0u);
        return static_cast<std::uint16_t>(mac_read(MII_DATA));
    }
    void phy_write(unsigned index, std::uint16_t value) {
        mac_write(MII_DATA, value);
        mac_write(MII_ACC, (1u << 11) | (index << 6) | 3);
    }

    // What smsc911x_open does, minus the interrupt test.
    void open() {
        reg(HW_CFG, 0x00050000 | (1u << 20));
        reg(RX_CFG, 2u << 8);  // NET_IP_ALIGN
        mac_write(MAC_CR, (mac_read(MAC_CR) & ~PRMS) | TXEN | RXEN);
        reg(TX_CFG, TX_ON);
    }

    // One packet as smsc911x_hard_start_xmit writes it (data at an offset within its first word).
    void transmit(const Frame& frame, unsigned offset = 0, std::uint32_t tag = 0x1234) {
        reg(TX_DATA, (offset << 16) | FIRST | LAST | static_cast<std::uint32_t>(frame.size()));
        reg(TX_DATA, (tag << 16) | static_cast<std::uint32_t>(frame.size()));
        write_words(frame, offset);
    }
    void write_words(const Frame& data, unsigned offset) {
        std::vector<std::uint8_t> bytes(offset, 0xee);
        bytes.insert(bytes.end(), data.begin(), data.end());
        while (bytes.size() % 4) bytes.push_back(0xee);
        for (std::size_t i = 0; i < bytes.size(); i += 4)
            reg(TX_DATA, std::uint32_t{bytes[i]} | std::uint32_t{bytes[i + 1]} << 8 |
                             std::uint32_t{bytes[i + 2]} << 16 | std::uint32_t{bytes[i + 3]} << 24);
    }

    // One received packet as smsc911x_poll reads it: status, then the words, minus the 2-byte
    // offset and the FCS.
    bool receive(Frame& frame, std::uint32_t& status) {
        if (((reg(RX_FIFO_INF) >> 16) & 0xff) == 0) return false;
        status = reg(RX_STATUS);
        const std::uint32_t length = (status >> 16) & 0x3fff;
        const std::uint32_t words = (length + 2 + 3) / 4;
        std::vector<std::uint8_t> bytes;
        for (std::uint32_t i = 0; i < words; ++i) {
            const std::uint32_t w = reg(RX_DATA);
            for (unsigned b = 0; b < 4; ++b) bytes.push_back(static_cast<std::uint8_t>(w >> (8 * b)));
        }
        frame.assign(bytes.begin() + 2, bytes.begin() + 2 + length - 4);
        return true;
    }

    FakeNetdev* netdev = nullptr;
    emu::Device* nic = nullptr;
    IrqRecorder irq;
};

TEST_F(Lan9118Test, IdentifiesAsALan9118) {
    EXPECT_EQ(reg(BYTE_TEST), 0x87654321u);
    EXPECT_EQ(reg(ID_REV), 0x01180001u);
    EXPECT_EQ(reg(PMT_CTRL) & 1, 1u);  // READY
    EXPECT_EQ(reg(E2P_CMD) & 0x80000100u, 0x100u);  // not busy, MAC address loaded
    std::uint64_t value = 0;
    EXPECT_EQ(space->read_value(kBase + BYTE_TEST, 2, value), emu::MemResult::DeviceError);
}

TEST_F(Lan9118Test, MacAddressComesFromTheProperty) {
    EXPECT_EQ(mac_read(ADDRL), 0xab005452u);
    EXPECT_EQ(mac_read(ADDRH), 0xefcdu);
    mac_write(ADDRL, 0x11111111);
    reg(HW_CFG, 1);  // soft reset reloads it
    EXPECT_EQ(reg(HW_CFG) & 1, 0u);
    EXPECT_EQ(mac_read(ADDRL), 0xab005452u);
    EXPECT_EQ(mac_read(MAC_CR), PRMS);
}

TEST_F(Lan9118Test, PhyAtAddressOne) {
    EXPECT_EQ(phy_read(1, 2), 0x0007);
    EXPECT_EQ(phy_read(1, 3), 0xc0d1);
    EXPECT_EQ(phy_read(0, 2), 0xffff);  // nothing at address 0
    EXPECT_TRUE(phy_read(1, 1) & 0x0004);  // link up
    netdev->set_link_up(false);
    EXPECT_FALSE(phy_read(1, 1) & 0x0004);
    netdev->set_link_up(true);
    phy_read(1, 1);  // the latched-low link bit clears on read
    EXPECT_TRUE(phy_read(1, 1) & 0x0004);
    phy_write(0, 0x8000);  // reset self-clears
    EXPECT_EQ(phy_read(1, 0) & 0x8000, 0);
}

TEST_F(Lan9118Test, TransmitsAFrameWithItsStatus) {
    open();
    const Frame frame = make_frame(98, 1, kBroadcast);
    const std::uint32_t free_before = reg(TX_FIFO_INF) & 0xffff;
    EXPECT_EQ(free_before, 4608u);
    transmit(frame, 2, 0xbeef);
    ASSERT_EQ(netdev->frames.size(), 1u);
    EXPECT_EQ(netdev->frames[0], frame);
    EXPECT_EQ((reg(TX_FIFO_INF) >> 16) & 0xff, 1u);
    EXPECT_EQ(reg(TX_STATUS), 0xbeef0000u);
    EXPECT_EQ(reg(TX_FIFO_INF), free_before);
}

TEST_F(Lan9118Test, TransmitPadsShortFramesAndGathersSegments) {
    open();
    const Frame tiny = make_frame(20, 3, kBroadcast);
    transmit(tiny);
    ASSERT_EQ(netdev->frames.size(), 1u);
    EXPECT_EQ(netdev->frames[0].size(), 60u);
    // Two buffers of one 100-byte packet, the second at a 3-byte offset.
    const Frame frame = make_frame(100, 9, kBroadcast);
    const Frame first(frame.begin(), frame.begin() + 30), second(frame.begin() + 30, frame.end());
    reg(TX_DATA, FIRST | 30);
    reg(TX_DATA, (7u << 16) | 100);
    write_words(first, 0);
    reg(TX_DATA, (3u << 16) | LAST | 70);
    reg(TX_DATA, (7u << 16) | 100);
    write_words(second, 3);
    ASSERT_EQ(netdev->frames.size(), 2u);
    EXPECT_EQ(netdev->frames[1], frame);
}

TEST_F(Lan9118Test, ReceivesFramesWithOffsetAndFcs) {
    open();
    const Frame frame = make_frame(200, 5, kOwnMac);
    netdev->send(frame);
    EXPECT_EQ((reg(RX_FIFO_INF) >> 16) & 0xff, 1u);
    EXPECT_EQ(reg(RX_FIFO_INF) & 0xffff, (2u + 204 + 3) / 4 * 4);
    Frame got;
    std::uint32_t status = 0;
    ASSERT_TRUE(receive(got, status));
    EXPECT_EQ((status >> 16) & 0x3fff, 204u);
    EXPECT_EQ(status & (1u << 15), 0u);  // no error
    EXPECT_EQ(got, frame);
    EXPECT_EQ(reg(RX_FIFO_INF), 0u);
}

TEST_F(Lan9118Test, FiltersByAddress) {
    open();
    netdev->send(make_frame(64, 1, {0x52, 0x54, 0x00, 0x00, 0x00, 0x01}));  // someone else
    netdev->send(make_frame(64, 1, {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}));  // multicast, no hash
    EXPECT_EQ(reg(RX_FIFO_INF), 0u);
    netdev->send(make_frame(64, 1, kBroadcast));
    Frame got;
    std::uint32_t status = 0;
    ASSERT_TRUE(receive(got, status));
    EXPECT_TRUE(status & (1u << 13));  // broadcast
    // Hash filter: 01:00:5e:00:00:01 hashes to bit 0x1f of the table (HASHL bit 31).
    mac_write(HASHL, 1u << 31);
    mac_write(MAC_CR, mac_read(MAC_CR) | HPFILT);
    netdev->send(make_frame(64, 1, {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}));
    ASSERT_TRUE(receive(got, status));
    EXPECT_TRUE(status & (1u << 10));  // multicast
    mac_write(MAC_CR, mac_read(MAC_CR) | PRMS);
    netdev->send(make_frame(64, 1, {0x52, 0x54, 0x00, 0x00, 0x00, 0x01}));
    EXPECT_TRUE(receive(got, status));
}

TEST_F(Lan9118Test, PhyLoopbackAsSmsc911xTestsIt) {
    phy_write(0, 0x4000 | 0x0100);  // BMCR: loopback, full duplex
    mac_write(MAC_CR, (1u << 20) | TXEN | RXEN);
    reg(TX_CFG, TX_ON);
    reg(RX_CFG, 0);
    const Frame frame = make_frame(64, 6, kBroadcast);
    transmit(frame);
    EXPECT_TRUE(netdev->frames.empty());  // nothing on the wire
    EXPECT_NE(reg(TX_STATUS) & 0xffff0000u, 0u);
    const std::uint32_t status = reg(RX_STATUS);
    EXPECT_EQ((status >> 16) & 0x3fff, 68u);
    for (unsigned i = 0; i < 64; i += 4) {
        const std::uint32_t w = reg(RX_DATA);
        for (unsigned b = 0; b < 4; ++b) EXPECT_EQ(static_cast<std::uint8_t>(w >> (8 * b)), frame[i + b]);
    }
    mac_write(MAC_CR, mac_read(MAC_CR) | LOOPBK);  // MAC loopback does the same
    phy_write(0, 0);
    transmit(frame);
    EXPECT_TRUE(netdev->frames.empty());
}

TEST_F(Lan9118Test, SoftwareInterruptAndPinPolarity) {
    // Reset: INT_CFG 0 is open-drain active-low, deasserted: the pin is high.
    EXPECT_TRUE(irq.level());
    reg(INT_CFG, (10u << 24) | IRQ_EN | IRQ_POL | IRQ_TYPE);  // as the vexpress tree asks
    EXPECT_FALSE(irq.level());
    reg(INT_EN, SW_INT);
    EXPECT_TRUE(reg(INT_STS) & SW_INT);
    EXPECT_TRUE(irq.level());
    EXPECT_TRUE(reg(INT_CFG) & (1u << 12));  // IRQ_INT
    reg(INT_EN, 0);
    reg(INT_STS, SW_INT);
    EXPECT_FALSE(irq.level());
    reg(INT_CFG, IRQ_EN);  // active low
    EXPECT_TRUE(irq.level());
    reg(INT_EN, SW_INT);
    EXPECT_FALSE(irq.level());
}

TEST_F(Lan9118Test, RxStatusLevelInterruptCannotBeLost) {
    open();
    reg(INT_CFG, IRQ_EN | IRQ_POL | IRQ_TYPE);
    reg(FIFO_INT, reg(FIFO_INT) & ~0xffu);
    reg(INT_EN, RSFL);
    netdev->send(make_frame(64, 1, kOwnMac));
    EXPECT_TRUE(irq.level());
    reg(INT_STS, RSFL);  // cleared while a status waits: set again
    EXPECT_TRUE(irq.level());
    Frame got;
    std::uint32_t status = 0;
    ASSERT_TRUE(receive(got, status));
    reg(INT_STS, RSFL);
    EXPECT_FALSE(irq.level());
}

TEST_F(Lan9118Test, FullRxFifoPushesBackAndDrains) {
    open();
    const Frame frame = make_frame(1514, 2, kOwnMac);
    unsigned sent = 0;
    for (; sent < 20; ++sent) netdev->send(frame);
    const unsigned held = (reg(RX_FIFO_INF) >> 16) & 0xff;
    EXPECT_GT(held, 0u);
    EXPECT_LT(held, 20u);  // the rest wait in the net layer
    EXPECT_EQ(held + netdev->peer()->queued_frames(), 20u);
    unsigned received = 0;
    Frame got;
    std::uint32_t status = 0;
    while (receive(got, status)) {
        EXPECT_EQ(got, frame);
        ++received;
    }
    EXPECT_EQ(received, 20u);
    EXPECT_EQ(netdev->peer()->queued_frames(), 0u);
}

TEST_F(Lan9118Test, FastForwardSkipsAPacket) {
    open();
    netdev->send(make_frame(300, 1, kOwnMac));
    const Frame second = make_frame(80, 7, kOwnMac);
    netdev->send(second);
    reg(RX_STATUS);
    reg(RX_DP_CTRL, 0x80000000u);
    EXPECT_EQ(reg(RX_DP_CTRL), 0u);
    Frame got;
    std::uint32_t status = 0;
    ASSERT_TRUE(receive(got, status));
    EXPECT_EQ(got, second);
}

TEST_F(Lan9118Test, BusyPeerHoldsPacketsInTheTxFifo) {
    open();
    netdev->accepting = false;
    const Frame frame = make_frame(1000, 4, kBroadcast);
    transmit(frame);  // taken by the net layer's queue: the NIC now waits
    transmit(frame);
    transmit(frame);
    EXPECT_LT(reg(TX_FIFO_INF) & 0xffff, 4608u - 2000u);  // two packets held
    netdev->open();
    EXPECT_EQ(netdev->frames.size(), 3u);
    EXPECT_EQ(reg(TX_FIFO_INF) & 0xffff, 4608u);
    EXPECT_EQ((reg(TX_FIFO_INF) >> 16) & 0xff, 3u);
}

TEST_F(Lan9118Test, HostileTransmitSequences) {
    open();
    reg(INT_EN, 0);
    // Length in CMD_B disagrees with the data: an error status, nothing sent.
    reg(TX_DATA, FIRST | LAST | 8);
    reg(TX_DATA, (1u << 16) | 100);
    reg(TX_DATA, 0);
    reg(TX_DATA, 0);
    EXPECT_TRUE(netdev->frames.empty());
    EXPECT_EQ(reg(TX_STATUS), 0x00018000u);
    EXPECT_TRUE(reg(INT_STS) & TXE);
    // A middle segment with no first one.
    reg(TX_DATA, LAST | 4);
    reg(TX_DATA, 4);
    reg(TX_DATA, 0);
    EXPECT_TRUE(netdev->frames.empty());
    EXPECT_EQ(reg(TX_STATUS) & 0x8000u, 0x8000u);
    // A packet that never ends (empty middle buffers after the first): the FIFO overruns and
    // later words are dropped.
    reg(TX_DATA, FIRST | 2047);
    reg(TX_DATA, 2047);
    for (int i = 0; i < 10000; ++i) reg(TX_DATA, 0);
    EXPECT_TRUE(reg(INT_STS) & TDFO);
    EXPECT_EQ(reg(TX_FIFO_INF) & 0xffff, 0u);
    // A new first segment starts over; the FIFO is usable again after a data dump.
    reg(TX_CFG, TX_ON | (1u << 14));
    EXPECT_EQ(reg(TX_FIFO_INF) & 0xffff, 4608u);
    transmit(make_frame(60, 1, kBroadcast));
    EXPECT_EQ(netdev->frames.size(), 1u);
    // All-ones and odd commands (the reserved alignment, the largest offset and size) with
    // arbitrary data: whatever they make, nothing breaks and the NIC still works afterwards.
    for (std::uint32_t cmd : {0xffffffffu, 0x03ff37ffu, 0x0000ffffu, 0x831f3001u}) {
        reg(TX_DATA, cmd);
        reg(TX_DATA, cmd);
        for (int i = 0; i < 600; ++i) reg(TX_DATA, static_cast<std::uint32_t>(i * 0x9e3779b9u));
    }
    for (int i = 0; i < 200; ++i) reg(TX_STATUS);
    reg(TX_CFG, TX_ON | (1u << 14) | (1u << 15));
    const std::size_t before = netdev->frames.size();
    const Frame last = make_frame(70, 2, kBroadcast);
    transmit(last);
    ASSERT_EQ(netdev->frames.size(), before + 1);
    EXPECT_EQ(netdev->frames.back(), last);
}

TEST_F(Lan9118Test, TxFifoSizeFollowsHwCfgAndTdfaSignalsRoom) {
    reg(HW_CFG, 0x00020000);  // the smallest split: 1.5 KiB of TX data
    EXPECT_EQ(reg(TX_FIFO_INF) & 0xffff, 1536u);
    reg(HW_CFG, 0x000f0000);  // out of range: 14 KiB
    EXPECT_EQ(reg(TX_FIFO_INF) & 0xffff, 14 * 1024u - 512);
    reg(HW_CFG, 0x00050000);
    reg(FIFO_INT, 0x10000000);  // TX available level 16 * 64 bytes
    EXPECT_TRUE(reg(INT_STS) & TDFA);
}

TEST_F(Lan9118Test, ReceiverOffDropsFrames) {
    netdev->send(make_frame(64, 1, kOwnMac));  // RXEN clear after reset
    EXPECT_EQ(reg(RX_FIFO_INF), 0u);
    EXPECT_EQ(netdev->peer()->queued_frames(), 0u);
}

TEST_F(Lan9118Test, MulticastMacIsRefused) {
    emu::Device& other = create("lan9118", "eth1");
    other.set_property("mac", "01:00:5e:00:00:01");
    EXPECT_THROW(other.realize(), emu::Error);
}

}  // namespace
