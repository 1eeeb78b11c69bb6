// Remote DMA through the data port: byte and word mode (DCR.WTS), 8/16/32-bit accesses, the byte
// count and ISR.RDC, the current remote DMA address, the wrap from PSTOP to PSTART, and the send
// packet command.
#include "ne2k_bench.h"

namespace {

using namespace ne2k_test;

class RemoteDmaTest : public Ne2kBench {
protected:
    void SetUp() override {
        add_test_nic();
        init_chip();
    }
    static Bytes pattern(std::size_t length, std::uint8_t seed = 1) {
        Bytes bytes(length);
        for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::uint8_t>(seed + 7 * i);
        return bytes;
    }
    std::uint16_t crda() { return static_cast<std::uint16_t>(reg(CRDA0) | reg(CRDA1) << 8); }
};

TEST_F(RemoteDmaTest, ByteModeRoundTrip) {
    reg(DCR, DCR_BYTE);
    const Bytes data = pattern(37);
    reg(ISR, 0xff);
    dma_write(0x4100, data, 1);
    EXPECT_TRUE(reg(ISR) & ISR_RDC);  // the count reached zero
    EXPECT_EQ(crda(), 0x4100 + 37);
    reg(ISR, ISR_RDC);
    EXPECT_EQ(dma_read(0x4100, 37, 1), data);
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
}

TEST_F(RemoteDmaTest, WordModeMovesWords) {
    reg(DCR, DCR_WORD);
    const Bytes data = pattern(64, 9);
    dma_write(0x5000, data, 2);
    EXPECT_EQ(dma_read(0x5000, 64, 2), data);
    EXPECT_EQ(dma_read(0x5000, 64, 4), data);  // 32-bit accesses, as ne2k-pci's insl
    reg(DCR, DCR_BYTE);
    EXPECT_EQ(dma_read(0x5000, 64, 1), data);  // the same bytes, whatever the width
}

TEST_F(RemoteDmaTest, ByteAccessInWordModeMovesAWord) {
    reg(DCR, DCR_WORD);
    dma_write(0x4200, {0xa1, 0xa2, 0xa3, 0xa4}, 2);
    remote_setup(0x4200, 4, CR_RREAD);
    EXPECT_EQ(in(base + DATA, 1), 0xa1u);
    EXPECT_EQ(crda(), 0x4202);
    EXPECT_EQ(in(base + DATA, 1), 0xa3u);
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
}

TEST_F(RemoteDmaTest, DwordAccessesWithAnOddTail) {
    // ne2k-pci's block output: outsl for count & ~3, then outw for the rest.
    reg(DCR, DCR_WORD);
    const Bytes data = pattern(22, 3);
    remote_setup(0x6000, 22, CR_RWRITE);
    for (unsigned at = 0; at < 20; at += 4)
        out(base + DATA, data[at] | data[at + 1] << 8 | data[at + 2] << 16 | std::uint32_t{data[at + 3]} << 24, 4);
    EXPECT_EQ(reg(ISR) & ISR_RDC, 0);
    out(base + DATA, data[20] | data[21] << 8, 2);
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
    EXPECT_EQ(dma_read(0x6000, 22, 2), data);
}

TEST_F(RemoteDmaTest, ZeroLengthTransferCompletesAtOnce) {
    reg(ISR, 0xff);
    remote_setup(0x4000, 0, CR_RWRITE);
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
    reg(ISR, 0xff);
    reg(CR, CR_NODMA | CR_STA);  // "no DMA" completes nothing
    EXPECT_EQ(reg(ISR) & ISR_RDC, 0);
}

TEST_F(RemoteDmaTest, ReadWrapsFromPstopToPstart) {
    reg(DCR, DCR_BYTE);
    dma_write(static_cast<std::uint16_t>((kRxStop << 8) - 2), {0x11, 0x22}, 1);
    dma_write(static_cast<std::uint16_t>(kRxStart << 8), {0x33, 0x44}, 1);
    EXPECT_EQ(dma_read(static_cast<std::uint16_t>((kRxStop << 8) - 2), 4, 1), (Bytes{0x11, 0x22, 0x33, 0x44}));
    EXPECT_EQ(crda(), (kRxStart << 8) + 2);
    reg(DCR, DCR_WORD);
    EXPECT_EQ(dma_read(static_cast<std::uint16_t>((kRxStop << 8) - 2), 4, 4), (Bytes{0x11, 0x22, 0x33, 0x44}));
}

TEST_F(RemoteDmaTest, SendPacketCommandSetsUpTheFrameAtBnry) {
    // A frame header at page 0x50: status, next page, count 0x123.
    reg(DCR, DCR_BYTE);
    dma_write(0x5000, {0x01, 0x52, 0x23, 0x01}, 1);
    reg(BNRY, 0x50);
    reg(CR, CR_SEND | CR_STA);
    EXPECT_EQ(crda(), 0x5000);
    EXPECT_EQ(reg_page(2, 0x03), 0x52);  // RNPP
    // The byte count is the header's.
    Bytes bytes;
    for (int i = 0; i < 0x123; ++i) bytes.push_back(static_cast<std::uint8_t>(in(base + DATA, 1)));
    EXPECT_TRUE(reg(ISR) & ISR_RDC);
    EXPECT_EQ(bytes[0], 0x01);
}

}  // namespace
