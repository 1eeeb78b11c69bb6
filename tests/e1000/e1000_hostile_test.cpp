// A hostile guest: rings and buffers outside RAM (or on a device), RDLEN 0 or absurd, RDH/RDT
// and TDH/TDT out of range, zero-length descriptors, TSO contexts with absurd header lengths and
// MSS, oversized packets, DMA with bus mastering off, resets in the middle of a transfer, and
// random rings and registers. The device must never crash, hang, or touch anything but guest RAM
// (the trap page counts accesses), and must work again after a reset.
#include <random>

#include "e1000_bench.h"

namespace {

using namespace e1000_test;
using Status = emu::NetClient::SendStatus;

constexpr Addr kNowhere = 0x30000000;  // unassigned

class HostileTest : public E1000Bench {
protected:
    void SetUp() override { add_nic(); }
    void TearDown() override { EXPECT_EQ(machine->trap_accesses, 0); }

    // After CTRL.RST and a fresh set-up, a frame goes each way.
    void expect_recovers() {
        wr(reg::kCtrl, bits::kCtrlRst);
        cfg_wr(pci::kCommand, pci::kCommandMemory | pci::kCommandIo | pci::kCommandMaster, 2);
        setup_rx(8, bits::kRctlBam | bits::kRctlSecrc);
        // Frames held while the ring was unusable were dropped by the reset (receiver off).
        const Frame in = ethernet(kNicMac, 100);
        to_nic(in);
        bool found = false;
        for (unsigned i = 0; i < 7 && !found; ++i)
            found = (rx_desc(i).status & bits::kRxDd) && rx_data(i, in.size()) == in;
        EXPECT_TRUE(found);
        setup_tx(8);
        wire->frames.clear();
        const Frame out = ethernet(kPeerMac, 80);
        put(kTxBuffers, out);
        tx_legacy(0, kTxBuffers, static_cast<std::uint16_t>(out.size()), bits::kTxEop | bits::kTxRs);
        wr(reg::kTdt, 1);
        ASSERT_EQ(wire->frames.size(), 1u);
        EXPECT_EQ(wire->frames[0], out);
    }
};

TEST_F(HostileTest, ReceiveRingOutsideRam) {
    for (Addr ring : {kNowhere, kTrapBase, kBar0, kRamBase + kRamSize - 64}) {
        wr(reg::kRdbal, static_cast<std::uint32_t>(ring));
        wr(reg::kRdbah, static_cast<std::uint32_t>(ring >> 32));
        wr(reg::kRdlen, 128);
        wr(reg::kRdh, 0);
        wr(reg::kRdt, 7);
        wr(reg::kRctl, bits::kRctlEn | bits::kRctlBam);
        to_nic(ethernet(kNicMac, 100));
    }
    expect_recovers();
}

TEST_F(HostileTest, ReceiveBuffersOutsideRam) {
    setup_rx(8, bits::kRctlBam);
    const Addr bad[] = {kNowhere, kTrapBase, kBar0, kRamBase + kRamSize - 10, ~Addr(0) - 5, 0x8000000000000000ull};
    for (unsigned i = 0; i < std::size(bad); ++i)
        for (int b = 0; b < 8; ++b) ram(kRxRing + 16 * i)[b] = static_cast<std::uint8_t>(bad[i] >> (8 * b));
    for (unsigned i = 0; i < std::size(bad); ++i) EXPECT_EQ(to_nic(ethernet(kNicMac, 100)), Status::Delivered);
    // The descriptors were consumed and written back, the data went nowhere.
    EXPECT_EQ(rd(reg::kRdh), std::size(bad));
    expect_recovers();
}

TEST_F(HostileTest, ReceiveRingLengthZeroOrAbsurd) {
    setup_rx(8);
    wr(reg::kRdlen, 0);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 100)), Status::Queued);  // nowhere to put it: held
    wr(reg::kRdlen, 0xffffffff);  // 65528 descriptors, mostly past RAM
    wr(reg::kRdh, 0xfff0);
    wr(reg::kRdt, 0xfff7);
    for (int i = 0; i < 4; ++i) to_nic(ethernet(kNicMac, 100));
    expect_recovers();
}

TEST_F(HostileTest, ReceiveIndicesOutOfRange) {
    setup_rx(8);
    wr(reg::kRdh, 100);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 100)), Status::Queued);
    wr(reg::kRdh, 0);
    wr(reg::kRdt, 0xffff);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 100)), Status::Queued);
    wr(reg::kRdt, 8);  // == ring size
    to_nic(ethernet(kNicMac, 100));
    expect_recovers();
}

TEST_F(HostileTest, FrameLargerThanTheWholeRing) {
    setup_rx(8, bits::kRctlBam | bits::kRctlLpe | 3u << bits::kRctlBsizeShift, 256);
    // 9000 bytes need 36 descriptors of 256: more than the ring has. Dropped (missed), not held.
    EXPECT_EQ(to_nic(ethernet(kNicMac, 9000)), Status::Delivered);
    EXPECT_EQ(rd(reg::kMpc), 1u);
    EXPECT_EQ(rd(reg::kRdh), 0u);
    EXPECT_EQ(to_nic(ethernet(kNicMac, 100)), Status::Delivered);
}

TEST_F(HostileTest, ReceiveWithBusMasteringOff) {
    setup_rx(8);
    std::memset(ram(kRxBuffers), 0xee, 256);
    cfg_wr(pci::kCommand, pci::kCommandMemory | pci::kCommandIo, 2);
    to_nic(ethernet(kNicMac, 100));
    EXPECT_EQ(ram(kRxBuffers)[0], 0xee);  // no DMA
    expect_recovers();
}

TEST_F(HostileTest, TransmitRingOutsideRam) {
    for (Addr ring : {kNowhere, kTrapBase, kBar0, kRamBase + kRamSize - 8}) {
        wr(reg::kTdbal, static_cast<std::uint32_t>(ring));
        wr(reg::kTdbah, static_cast<std::uint32_t>(ring >> 32));
        wr(reg::kTdlen, 128);
        wr(reg::kTdh, 0);
        wr(reg::kTctl, bits::kTctlEn);
        wr(reg::kTdt, 5);
    }
    EXPECT_TRUE(wire->frames.empty());
    expect_recovers();
}

TEST_F(HostileTest, TransmitBuffersOutsideRam) {
    setup_tx(16);
    unsigned i = 0;
    for (Addr buffer : {kNowhere, kTrapBase, kBar0, kRamBase + kRamSize - 10, ~Addr(0) - 5})
        tx_legacy(i++, buffer, 100, bits::kTxEop | bits::kTxRs);
    // A packet whose second half is unreadable is dropped as a whole.
    tx_legacy(i++, kTxBuffers, 50, 0);
    tx_legacy(i++, kNowhere, 50, bits::kTxEop);
    wr(reg::kTdt, i);
    EXPECT_EQ(rd(reg::kTdh), i);
    EXPECT_TRUE(wire->frames.empty());
    expect_recovers();
}

TEST_F(HostileTest, TransmitIndicesOutOfRange) {
    setup_tx(8);
    wr(reg::kTdt, 0xffff);
    wr(reg::kTdh, 9);
    wr(reg::kTdt, 3);
    wr(reg::kTdlen, 0);
    wr(reg::kTdt, 4);
    EXPECT_TRUE(wire->frames.empty());
    expect_recovers();
}

TEST_F(HostileTest, ZeroLengthDescriptors) {
    setup_tx(64);
    for (unsigned i = 0; i < 63; ++i) tx_legacy(i, kTxBuffers, 0, i % 3 == 2 ? bits::kTxEop | bits::kTxRs : 0);
    wr(reg::kTdt, 63);
    EXPECT_EQ(rd(reg::kTdh), 63u);
    // Empty packets go out as padded minimum frames (PSP), like the hardware's.
    for (const Frame& f : wire->frames) EXPECT_EQ(f.size(), 60u);
    // Extended data descriptors of length 0, and reserved descriptor types.
    setup_tx(8);
    tx_data(0, kTxBuffers, 0, bits::kTxEop, bits::kPoptsTxsm | bits::kPoptsIxsm);
    std::uint8_t* reserved = ram(kTxRing + 16);
    std::memset(reserved, 0, 16);
    reserved[10] = 0xf0;  // DTYP 15
    reserved[11] = bits::kTxDext | bits::kTxEop;
    wr(reg::kTdt, 2);
    EXPECT_EQ(rd(reg::kTdh), 2u);
    expect_recovers();
}

TEST_F(HostileTest, TsoWithAbsurdHeaderAndMss) {
    setup_tx(64);
    std::memset(ram(kTxBuffers), 0x45, 0x20000);
    struct Case {
        std::uint8_t hdr_len;
        std::uint16_t mss;
        std::uint8_t ipcss, ipcso, tucss, tucso;
        std::uint32_t length;
    };
    const Case cases[] = {
        {0, 0, 14, 24, 34, 50, 3000},          // no MSS: not sent
        {255, 1, 250, 255, 255, 255, 2000},    // offsets at the end of the header, 1-byte segments
        {255, 0xffff, 0, 0, 0, 0, 0x20000},    // segments larger than any frame
        {54, 1000, 200, 201, 220, 230, 40},    // the packet ends inside its header
        {0, 64, 255, 255, 255, 255, 1000},     // no header at all
        {54, 8, 14, 24, 34, 50, 0},            // no data
    };
    unsigned index = 0;
    for (const Case& c : cases) {
        tx_context(index++, c.ipcss, c.ipcso, 0xffff, c.tucss, c.tucso, 0xffff, 0xfffff,
                   bits::kTucmdTcp | bits::kTucmdIp | bits::kTxTse, c.hdr_len, c.mss);
        tx_data(index++, kTxBuffers, c.length, bits::kTxTse | bits::kTxEop | bits::kTxRs,
                bits::kPoptsIxsm | bits::kPoptsTxsm);
    }
    wr(reg::kTdt, index);
    EXPECT_EQ(rd(reg::kTdh), index);
    for (const Frame& f : wire->frames) EXPECT_LE(f.size(), emu::net::kMaxFrameSize);
    EXPECT_GE(rd(reg::kTsctfc), 3u);
    expect_recovers();
}

TEST_F(HostileTest, HugeTsoPayloadIsCut) {
    setup_tx(64);
    // 40 descriptors of 64 KiB, one packet: 2.5 MiB of payload with 1 KiB segments. The device
    // stops at its TSO limit, and processes the ring in slices from the loop.
    for (unsigned i = 0; i < 40; ++i)
        tx_data(i, kTxBuffers, 0x10000, bits::kTxTse | (i == 39 ? bits::kTxEop : 0), 0);
    tx_context(40, 14, 24, 33, 34, 50, 0, 0xfffff, bits::kTucmdTcp | bits::kTucmdIp | bits::kTxTse, 54, 1024);
    // The context comes after the data here: the data used the (empty) earlier one.
    wr(reg::kTdt, 41);
    for (int i = 0; i < 100 && rd(reg::kTdh) != 41; ++i) step(0);
    EXPECT_EQ(rd(reg::kTdh), 41u);
    expect_recovers();
}

TEST_F(HostileTest, OversizedPacketIsDropped) {
    setup_tx(64);
    for (unsigned i = 0; i < 20; ++i) tx_legacy(i, kTxBuffers, 0xffff, i == 19 ? bits::kTxEop : 0);
    wr(reg::kTdt, 20);
    for (int i = 0; i < 100 && rd(reg::kTdh) != 20; ++i) step(0);
    EXPECT_EQ(rd(reg::kTdh), 20u);
    EXPECT_TRUE(wire->frames.empty());
    expect_recovers();
}

TEST_F(HostileTest, ResetInTheMiddleOfAPacket) {
    setup_tx(16);
    const Frame frame = tcp_frame(2000);
    put(kTxBuffers, frame);
    tx_context(0, 14, 24, 33, 34, 50, 0, 2000, bits::kTucmdTcp | bits::kTucmdIp | bits::kTxTse, 54, 500);
    tx_data(1, kTxBuffers, 54 + 1200, bits::kTxTse, bits::kPoptsIxsm | bits::kPoptsTxsm);
    wr(reg::kTdt, 2);  // two segments out, the third waits for more data
    EXPECT_EQ(wire->frames.size(), 2u);
    wr(reg::kCtrl, bits::kCtrlRst);
    // The rest of the old packet is never sent; a new ring starts clean.
    setup_tx(16);
    const Frame out = ethernet(kPeerMac, 80);
    put(kTxBuffers + 0x8000, out);
    tx_legacy(0, kTxBuffers + 0x8000, static_cast<std::uint16_t>(out.size()), bits::kTxEop);
    wr(reg::kTdt, 1);
    ASSERT_EQ(wire->frames.size(), 3u);
    EXPECT_EQ(wire->frames[2], out);
    expect_recovers();
}

TEST_F(HostileTest, ResetWhileBackPressured) {
    setup_tx(16);
    setup_rx(8);
    const Frame frame = ethernet(kPeerMac, 100);
    put(kTxBuffers, frame);
    wire->busy = true;
    for (unsigned i = 0; i < 8; ++i) tx_legacy(i, kTxBuffers, static_cast<std::uint16_t>(frame.size()), bits::kTxEop);
    wr(reg::kTdt, 8);
    for (int i = 0; i < 9; ++i) to_nic(ethernet(kNicMac, 100));  // ring full, two held
    wr(reg::kCtrl, bits::kCtrlRst);
    wire->busy = false;
    wire->receive_ready();
    expect_recovers();
}

TEST_F(HostileTest, BoardResetMidTransfer) {
    setup_tx(16);
    setup_rx(8);
    wr(reg::kIms, 0xffff);
    wr(reg::kItr, 1000);
    wr(reg::kRdtr, 100);
    to_nic(ethernet(kNicMac, 100));
    nic->reset();
    EXPECT_FALSE(irq());
    step(1'000'000);  // no timer of the old life fires
    EXPECT_FALSE(irq());
    cfg_wr(pci::kBar0, static_cast<std::uint32_t>(kBar0));
    cfg_wr(pci::kBar0 + 4, static_cast<std::uint32_t>(kBar1));
    expect_recovers();
}

TEST_F(HostileTest, RandomRingsAndRegisters) {
    std::mt19937 random(20240607);
    setup_rx(16);
    setup_tx(16);
    static const Addr kRegisters[] = {reg::kCtrl, reg::kRctl, reg::kTctl, reg::kRdbal, reg::kRdlen, reg::kRdh,
                                      reg::kRdt, reg::kTdbal, reg::kTdlen, reg::kTdh, reg::kTdt, reg::kIms,
                                      reg::kIcs, reg::kItr, reg::kRdtr, reg::kRadv, reg::kTidv, reg::kTadv,
                                      reg::kRxcsum, reg::kMdic, reg::kEecd, reg::kEerd, reg::kVet};
    for (int round = 0; round < 3000; ++round) {
        switch (random() % 5) {
        case 0: {  // scribble over both rings
            for (int i = 0; i < 8; ++i) ram(kRxRing + random() % 256)[0] = static_cast<std::uint8_t>(random());
            for (int i = 0; i < 8; ++i) ram(kTxRing + random() % 256)[0] = static_cast<std::uint8_t>(random());
            break;
        }
        case 1: {
            Addr r = kRegisters[random() % std::size(kRegisters)];
            std::uint32_t v = static_cast<std::uint32_t>(random());
            if (r == reg::kCtrl) v &= ~(bits::kCtrlRst | bits::kCtrlPhyRst);
            if (r == reg::kRdbal || r == reg::kTdbal) v = static_cast<std::uint32_t>(kRamBase + (v % (kRamSize / 2)));
            if (r == reg::kRdlen || r == reg::kTdlen) v %= 0x1000;
            wr(r, v);
            break;
        }
        case 2:
            to_nic(ethernet(kNicMac, random() % 2000));
            break;
        case 3:
            rd(kRegisters[random() % std::size(kRegisters)]);
            rd(reg::kIcr);
            break;
        default:
            step(random() % 100'000);
            break;
        }
    }
    expect_recovers();
}

}  // namespace
