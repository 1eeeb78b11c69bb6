// A hostile driver: remote DMA past the buffer RAM and around the 64 KiB address space, an
// inverted or empty ring, BNRY and CURR outside the ring, a ring reaching past the RAM, a 64 KiB
// TBCR, a reset in the middle of a transfer, and a random register storm with traffic. Nothing
// may crash, hang or touch memory outside the card's PROM and buffer RAM (run under
// AddressSanitizer in CI).
#include "ne2k_bench.h"

#include <random>

namespace {

using namespace ne2k_test;
using Status = emu::NetClient::SendStatus;

class HostileTest : public Ne2kBench {
protected:
    void SetUp() override { add_test_nic(); }
};

TEST_F(HostileTest, RemoteDmaPastTheBufferRam) {
    init_chip();
    reg(DCR, DCR_BYTE);
    // Write 0x100 bytes from 0xbff0: 16 land in RAM, the rest nowhere.
    dma_write(0xbff0, Bytes(0x100, 0xaa), 1);
    const Bytes back = dma_read(0xbff0, 0x20, 1);
    EXPECT_EQ(Bytes(back.begin(), back.begin() + 16), Bytes(16, 0xaa));
    EXPECT_EQ(Bytes(back.begin() + 16, back.end()), Bytes(16, 0xff));
    // The PROM is read-only, the gap between it and the RAM reads 0xff.
    dma_write(0x0000, Bytes(32, 0), 1);
    EXPECT_EQ(dma_read(0x0000, 2, 1), (Bytes{kMac[0], kMac[0]}));
    EXPECT_EQ(dma_read(0x0020, 4, 1), Bytes(4, 0xff));
}

TEST_F(HostileTest, RemoteDmaAroundTheWholeAddressSpace) {
    init_chip();
    reg(DCR, DCR_WORD);
    remote_setup(0xfff0, 0xffff, CR_RWRITE);
    for (int i = 0; i < 0x4000; ++i) out(base + DATA, 0x5a5a5a5a, 4);
    remote_setup(0xfffe, 0xffff, CR_RREAD);
    for (int i = 0; i < 0x4000; ++i) in(base + DATA, 4);
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
    // Reads past the count keep going without harm.
    for (int i = 0; i < 100; ++i) in(base + DATA, 2);
    // From 0xfff0 the address wrapped to 0x0000 and, at PSTOP, to PSTART: the ring was written.
    EXPECT_EQ(dma_read(kRxStart << 8, 2, 2), (Bytes{0x5a, 0x5a}));
}

TEST_F(HostileTest, InvertedOrEmptyRingDropsFrames) {
    init_chip(RCR_AB, 0x60, 0x50);
    EXPECT_EQ(netdev->send(make_frame(kMac, 100)), Status::Delivered);
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 0u);
    EXPECT_EQ(reg(ISR) & (ISR_PRX | ISR_OVW), 0);
    reg(PSTOP, 0x60);  // empty ring
    EXPECT_EQ(netdev->send(make_frame(kMac, 100)), Status::Delivered);
    EXPECT_EQ(reg(ISR) & (ISR_PRX | ISR_OVW), 0);
    reg(PSTART, 0xff);
    reg(PSTOP, 0x00);
    EXPECT_EQ(netdev->send(make_frame(kMac, 1514)), Status::Delivered);
    // A one-page ring can hold nothing: every frame overflows.
    reg(PSTART, 0x50);
    reg(PSTOP, 0x51);
    EXPECT_EQ(netdev->send(make_frame(kMac, 60)), Status::Delivered);
    EXPECT_TRUE(reg(ISR) & ISR_OVW);
}

TEST_F(HostileTest, CurrOutsideTheRingStartsAtPstart) {
    init_chip();
    reg_page(1, CURR, 0x10);
    const Bytes frame = make_frame(kMac, 300);
    EXPECT_EQ(netdev->send(frame), Status::Delivered);
    EXPECT_EQ(reg_page(1, CURR), kRxStart + 2);
    reg(DCR, DCR_WORD);
    EXPECT_EQ(dma_read(static_cast<std::uint16_t>((kRxStart << 8) + 4), 300, 2), frame);
    reg_page(1, CURR, 0xf0);
    EXPECT_EQ(netdev->send(frame), Status::Delivered);
}

TEST_F(HostileTest, BnryOutsideTheRingIsNeverReached) {
    init_chip();
    reg(BNRY, 0x20);
    for (int i = 0; i < 40; ++i) EXPECT_EQ(netdev->send(make_frame(kMac, 1514)), Status::Delivered) << i;
    reg(BNRY, 0xff);
    for (int i = 0; i < 40; ++i) EXPECT_EQ(netdev->send(make_frame(kMac, 1514)), Status::Delivered) << i;
    const std::uint8_t curr = reg_page(1, CURR);
    EXPECT_GE(curr, kRxStart);
    EXPECT_LT(curr, kRxStop);
}

TEST_F(HostileTest, RingReachingPastTheRam) {
    init_chip(RCR_AB, 0xb0, 0xff);  // pages 0xc0-0xfe are not RAM: writes there go nowhere
    for (int i = 0; i < 100; ++i) {
        netdev->send(make_frame(kMac, 1514, static_cast<std::uint8_t>(i)));
        const std::uint8_t curr = reg_page(1, CURR);  // everything read: BNRY a page behind CURR
        reg(BNRY, static_cast<std::uint8_t>(curr == 0xb0 ? 0xfe : curr - 1));
    }
    EXPECT_EQ(nic->nic.net_client().queued_frames(), 0u);
    init_chip(RCR_AB, 0x00, 0x40);  // a ring over the PROM and the gap: nothing is stored
    netdev->send(make_frame(kMac, 1514));
    EXPECT_EQ(dma_read(0, 2, 2), (Bytes{kMac[0], kMac[0]}));
}

TEST_F(HostileTest, HugeTransmitByteCount) {
    init_chip();
    reg(TPSR, 0xc0);
    reg(TBCR0, 0xff);
    reg(TBCR1, 0xff);
    reg(CR, CR_NODMA | CR_TXP | CR_STA);
    ASSERT_EQ(netdev->frames.size(), 1u);
    const Bytes& frame = netdev->frames[0];
    ASSERT_EQ(frame.size(), 0xffffu);  // read through the card's 16-bit address space, wrapping
    EXPECT_EQ(frame[0], 0xff);                 // 0xc000: not RAM
    EXPECT_EQ(frame[0x4000], kMac[0]);         // 0x0000: the PROM
    EXPECT_EQ(frame[0x8000], 0);               // 0x4000: RAM
    EXPECT_TRUE(reg(ISR) & ISR_PTX);
}

TEST_F(HostileTest, ResetInTheMiddleOfARemoteTransfer) {
    init_chip();
    reg(DCR, DCR_WORD);
    remote_setup(0x4000, 1000, CR_RWRITE);
    for (int i = 0; i < 100; ++i) out(base + DATA, 0x1234, 2);
    in(base + RESET, 1);
    for (int i = 0; i < 1000; ++i) out(base + DATA, 0x1234, 2);  // the port still behaves
    EXPECT_TRUE(reg(ISR) & ISR_RST);
    init_chip();
    const Bytes frame = make_frame(kMac, 500);
    netdev->send(frame);
    EXPECT_EQ(take_frame(), frame);
}

TEST_F(HostileTest, RandomRegisterStormWithTraffic) {
    std::mt19937 random(20240611);
    auto pick = [&](unsigned n) { return static_cast<unsigned>(random() % n); };
    for (int round = 0; round < 100'000; ++round) {
        if (netdev->frames.size() > 16) netdev->frames.clear();
        switch (pick(10)) {
        case 0:
        case 1:
        case 2: reg(pick(16), static_cast<std::uint8_t>(random())); break;
        case 3: reg(pick(16)); break;
        case 4: {
            const unsigned width = 1u << pick(3);
            if (pick(2)) in(base + DATA, width);
            else out(base + DATA, random(), width);
            break;
        }
        case 5: netdev->send(make_frame(pick(2) ? kMac : kBroadcast, 1 + pick(2000), static_cast<std::uint8_t>(round))); break;
        case 6: netdev->accepting = pick(4) != 0; if (netdev->accepting) netdev->open(); break;
        case 7: if (pick(100) == 0) in(base + RESET, 1); break;
        case 8: reg(CR, static_cast<std::uint8_t>((random() & 0xfe) | (pick(8) ? 0 : 1))); break;
        default: in(base + pick(0x1c), 1u << pick(3)); break;
        }
    }
    // Still a working NIC afterwards.
    netdev->open();
    nic->reset();
    init_chip();
    const Bytes frame = make_frame(kMac, 1000);
    netdev->send(frame);
    EXPECT_EQ(take_frame(), frame);
}

}  // namespace
