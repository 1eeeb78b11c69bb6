// A hostile guest: buffers and rings outside RAM or on MMIO (the NIC's own registers), absurd
// sizes, rings without an end, a reset in the middle of a transfer, and random register
// traffic. Nothing may crash, hang, or touch anything but guest RAM.
#include <random>

#include "rtl8139_bench.h"

namespace {

using namespace rtl_test;

constexpr Addr kRamEnd = kRamBase + pci_test::kRamSize;

class HostileTest : public RtlBench {
protected:
    void cplus() {
        w8(reg::CR, bit::CrReset);
        w16(reg::CPCR, bit::CpTx | bit::CpRx | bit::CpRxChecksum | bit::CpRxVlan);
        w8(reg::CR, bit::CrRxEnable | bit::CrTxEnable);
        w32(reg::RCR, bit::RcrAap | bit::RcrAb | bit::RcrAm);
        w16(reg::IMR, 0xffff);
    }
    void descriptor(Addr d, std::uint32_t opts1, Addr buffer) {
        set_ram32(d + 4, 0);
        set_ram32(d + 8, static_cast<std::uint32_t>(buffer));
        set_ram32(d + 12, static_cast<std::uint32_t>(buffer >> 32));
        set_ram32(d, opts1);
    }
};

TEST_F(HostileTest, CModeTransmitFromOutsideRam) {
    add_nic({{"revision", "c"}});
    w8(reg::CR, bit::CrTxEnable);
    w16(reg::IMR, 0xffff);
    w32(reg::TSAD0, static_cast<std::uint32_t>(kRamEnd - 10));   // runs off the end of RAM
    w32(reg::TSD0, 0x1fff);                                      // the largest size
    w32(reg::TSAD0 + 4, static_cast<std::uint32_t>(kNicMmio));   // our own registers
    w32(reg::TSD0 + 4, 256);
    EXPECT_TRUE(net->sent.empty());
    EXPECT_EQ(r32(reg::TSD0) & (bit::TsdOwn | bit::TsdTabt), bit::TsdOwn | bit::TsdTabt);
    EXPECT_EQ(r32(reg::TSD0 + 4) & (bit::TsdOwn | bit::TsdTabt), bit::TsdOwn | bit::TsdTabt);
    EXPECT_TRUE(r16(reg::ISR) & bit::IntTxErr);
    EXPECT_EQ(r8(reg::CR) & bit::CrTxEnable, bit::CrTxEnable);   // our registers were not read as DMA
}

TEST_F(HostileTest, CModeRingOutsideRamOrOnMmio) {
    add_nic({{"revision", "c"}});
    for (Addr ring : {kRamEnd - 100, Addr{kNicMmio}, Addr{0xfffffff0}}) {
        w8(reg::CR, bit::CrReset);
        w32(reg::RBSTART, static_cast<std::uint32_t>(ring));
        w32(reg::RCR, bit::RcrAap | 3u << 11 | bit::RcrWrap);
        w8(reg::CR, bit::CrRxEnable);
        for (int i = 0; i < 100; ++i) inject(make_frame(kNicMac, 1500));
        EXPECT_EQ(r16(reg::CBR), 0u);
        EXPECT_GT(r32(reg::MPC), 0u);
    }
}

TEST_F(HostileTest, CapRAnywhere) {
    add_nic({{"revision", "c"}});
    w32(reg::RBSTART, static_cast<std::uint32_t>(kRamBase + 0x10000));
    w32(reg::RCR, bit::RcrAap);
    w8(reg::CR, bit::CrRxEnable);
    std::mt19937 random(7);
    for (int i = 0; i < 2000; ++i) {
        w16(reg::CAPR, random() & 0xffff);
        if (i % 7 == 0) w32(reg::RCR, bit::RcrAap | (random() & 0x1880));
        inject(make_frame(kNicMac, 60 + random() % 1460));
    }
    SUCCEED();
}

TEST_F(HostileTest, OversizedFramesAreDropped) {
    add_nic({{"revision", "c"}});
    w32(reg::RBSTART, static_cast<std::uint32_t>(kRamBase + 0x10000));
    w32(reg::RCR, bit::RcrAap);
    w8(reg::CR, bit::CrRxEnable);
    EXPECT_EQ(inject(make_frame(kNicMac, 9000)), emu::NetClient::SendStatus::Delivered);
    EXPECT_EQ(r16(reg::CBR), 0u);
    EXPECT_EQ(r32(reg::MPC), 1u);
}

TEST_F(HostileTest, CPlusRingsOnMmioAndOutsideRam) {
    add_nic();
    cplus();
    set_ram32(kRamEnd - 8, bit::Own);   // a descriptor whose last 8 bytes are past the end of RAM
    for (Addr ring : {Addr{kNicMmio}, kRamEnd - 8, Addr{0xfffffffffffff000ull}}) {
        w32(reg::TNPDS, static_cast<std::uint32_t>(ring));
        w32(reg::TNPDS + 4, static_cast<std::uint32_t>(ring >> 32));
        w32(reg::RDSAR, static_cast<std::uint32_t>(ring));
        w32(reg::RDSAR + 4, static_cast<std::uint32_t>(ring >> 32));
        w16(reg::ISR, 0xffff);
        w8(reg::TPPOLL, 0xc0);
        EXPECT_TRUE(r16(reg::ISR) & bit::IntSystemError);
        EXPECT_EQ(inject(make_frame(kNicMac, 64)), emu::NetClient::SendStatus::Delivered);   // dropped
        EXPECT_TRUE(net->sent.empty());
    }
    EXPECT_EQ(r16(reg::CPCR) & 3, 3u);   // the registers were not written by "DMA"
}

TEST_F(HostileTest, CPlusBuffersOutsideRam) {
    add_nic();
    cplus();
    const Addr ring = kRamBase + 0x1000;
    w32(reg::TNPDS, static_cast<std::uint32_t>(ring));
    w32(reg::RDSAR, static_cast<std::uint32_t>(ring + 0x1000));
    descriptor(ring, bit::Own | bit::Fs | bit::Ls | 0xffff, kRamEnd - 16);
    descriptor(ring + 16, bit::Own | bit::Fs | bit::Ls | bit::Eor | 64, kNicMmio);
    w8(reg::TPPOLL, 0x40);
    EXPECT_TRUE(net->sent.empty());
    EXPECT_FALSE(ram32(ring) & bit::Own);          // handed back, with an error
    EXPECT_FALSE(ram32(ring + 16) & bit::Own);
    descriptor(ring + 0x1000, bit::Own | bit::Eor | 0x1fff, kRamEnd - 100);
    inject(make_frame(kNicMac, 1000));
    EXPECT_TRUE(ram32(ring + 0x1000) & bit::Own);  // not completed
    EXPECT_TRUE(r16(reg::ISR) & bit::IntSystemError);
}

TEST_F(HostileTest, EndlessRingsAndHugeGathers) {
    add_nic();
    cplus();
    // 4096 descriptors, none with EOR or LS, each 0xffff bytes: the chip walks at most its
    // ring limit per poll, never gathers more than a frame can hold, and sends nothing.
    const Addr ring = kRamBase + 0x10000;
    for (unsigned i = 0; i < 4096; ++i)
        descriptor(ring + 16 * i, bit::Own | (i == 0 ? bit::Fs : 0) | 0xffff, kRamBase + 0x200000);
    w32(reg::TNPDS, static_cast<std::uint32_t>(ring));
    for (int i = 0; i < 8; ++i) w8(reg::TPPOLL, 0x40);
    EXPECT_TRUE(net->sent.empty());
    // Large send with MSS 0 or of a non-TCP frame: sent as it is, once.
    descriptor(ring, bit::Own | bit::Fs | bit::Ls | bit::Eor | 1u << 27 | 100, kRamBase + 0x200000);
    w8(reg::CR, bit::CrReset);
    cplus();
    w32(reg::TNPDS, static_cast<std::uint32_t>(ring));
    w8(reg::TPPOLL, 0x40);
    EXPECT_EQ(net->sent.size(), 1u);
}

TEST_F(HostileTest, ResetMidTransfer) {
    add_nic();
    cplus();
    const Addr ring = kRamBase + 0x1000;
    w32(reg::TNPDS, static_cast<std::uint32_t>(ring));
    // A frame half gathered (FS without LS), then a reset: the next frame is whole.
    descriptor(ring, bit::Own | bit::Fs | 40, kRamBase + 0x100000);
    w8(reg::TPPOLL, 0x40);
    w8(reg::CR, bit::CrReset);
    cplus();
    w32(reg::TNPDS, static_cast<std::uint32_t>(ring));
    descriptor(ring, bit::Own | bit::Ls | 40, kRamBase + 0x100000);   // no FS: not a frame
    descriptor(ring + 16, bit::Own | bit::Fs | bit::Ls | bit::Eor | 70, kRamBase + 0x100000);
    w8(reg::TPPOLL, 0x40);
    ASSERT_EQ(net->sent.size(), 1u);
    EXPECT_EQ(net->sent[0].size(), 70u);

    // The back end pushes back, the driver resets, and the back end drains later.
    net->accepting = false;
    descriptor(ring, bit::Own | bit::Fs | bit::Ls | 60, kRamBase + 0x100000);
    descriptor(ring + 16, bit::Own | bit::Fs | bit::Ls | bit::Eor | 61, kRamBase + 0x100000);
    w8(reg::TPPOLL, 0x40);
    w8(reg::CR, bit::CrReset);
    net->open();
    // Frames waiting for the NIC while it resets: dropped by the stopped receiver.
    inject(make_frame(kNicMac, 64));
    w8(reg::CR, bit::CrReset);
    nic->reset();
    map_bars();
    SUCCEED();
}

TEST_F(HostileTest, RandomRegisterTraffic) {
    add_nic();
    std::mt19937 random(1);
    for (int i = 0; i < 200000; ++i) {
        const unsigned offset = random() % 256;
        const unsigned size = 1u << (random() % 3);
        std::uint32_t value = static_cast<std::uint32_t>(random());
        // Keep rings and buffers mostly in RAM, sometimes not.
        if ((offset & ~3u) == reg::TNPDS || (offset & ~3u) == reg::RDSAR || (offset & ~3u) == reg::RBSTART ||
            (offset >= reg::TSAD0 && offset < reg::TSAD0 + 16))
            value = random() % 4 ? static_cast<std::uint32_t>(kRamBase + (value % pci_test::kRamSize)) : value;
        if (offset == reg::CR9346) value &= 0x8f;   // mostly stay out of the config-write mode
        if (random() % 2)
            w32(offset & ~3u, value);
        else
            mem_write(kNicMmio + offset, value, size);
        if (i % 64 == 0) inject(make_frame(random() % 2 ? kNicMac : kBroadcast, 60 + random() % 1500));
        if (i % 1000 == 0) loop.virtual_clock().step(random() % 10'000'000);
        if (i % 50000 == 0) net->accepting = !net->accepting;
        (void)mem_read(kNicMmio + (random() % 256), size);
    }
    net->open();
    SUCCEED();
}

}  // namespace
