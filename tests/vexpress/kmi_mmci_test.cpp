// The PL050 keyboard/mouse interfaces with their PS/2 devices, and the PL180 with its empty slot.
#include "vexpress_bench.h"

namespace {

using emu_test::IrqRecorder;

constexpr emu::Addr kKmi = 0x1c060000, kMmci = 0x1c050000;
constexpr emu::Addr KMICR = 0x00, KMISTAT = 0x04, KMIDATA = 0x08, KMIIR = 0x10;
constexpr std::uint32_t KMIEN = 1u << 2, RXINTREN = 1u << 4, RXFULL = 1u << 4, TXEMPTY = 1u << 6;

class KmiTest : public vexpress_test::VexpressBench {
protected:
    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kKmi + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kKmi + off, value); }
    std::vector<std::uint32_t> drain() {
        std::vector<std::uint32_t> bytes;
        while (reg(KMISTAT) & RXFULL) bytes.push_back(reg(KMIDATA));
        return bytes;
    }
};

TEST_F(KmiTest, KeyboardAnswersResetAndIdentify) {
    emu::Device& kmi = place("pl050", "kmi0", kKmi);
    IrqRecorder irq;
    kmi.connect_gpio_out("", 0, irq.line());
    EXPECT_EQ(reg(0xfe0), 0x50u);
    EXPECT_TRUE(reg(KMISTAT) & TXEMPTY);
    reg(KMIDATA, 0xff);  // not enabled: ignored
    EXPECT_FALSE(reg(KMISTAT) & RXFULL);
    reg(KMICR, KMIEN | RXINTREN);
    reg(KMIDATA, 0xff);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(KMIIR) & 1, 1u);
    EXPECT_EQ(drain(), (std::vector<std::uint32_t>{0xfa, 0xaa}));
    EXPECT_FALSE(irq.level());
    reg(KMIDATA, 0xf2);
    EXPECT_EQ(drain(), (std::vector<std::uint32_t>{0xfa, 0xab, 0x83}));
    reg(KMIDATA, 0xed);  // set LEDs takes an argument
    reg(KMIDATA, 0x07);
    EXPECT_EQ(drain(), (std::vector<std::uint32_t>{0xfa, 0xfa}));
}

TEST_F(KmiTest, MouseAnswersResetAndStatus) {
    emu::Device& kmi = create("pl050", "kmi1");
    kmi.set_property("device", "mouse");
    kmi.realize();
    map(kKmi, kmi.mmio(0));
    reg(KMICR, KMIEN);
    reg(KMIDATA, 0xff);
    EXPECT_EQ(drain(), (std::vector<std::uint32_t>{0xfa, 0xaa, 0x00}));
    reg(KMIDATA, 0xf3);
    reg(KMIDATA, 40);
    reg(KMIDATA, 0xe9);
    EXPECT_EQ(drain(), (std::vector<std::uint32_t>{0xfa, 0xfa, 0xfa, 0x00, 0x02, 40}));
}

TEST_F(KmiTest, AHostThatNeverReadsCannotGrowTheQueue) {
    place("pl050", "kmi0", kKmi);
    reg(KMICR, KMIEN);
    for (int i = 0; i < 10000; ++i) reg(KMIDATA, 0xf2);
    EXPECT_LE(drain().size(), 16u);
}

constexpr emu::Addr MCIPOWER = 0x00, MCICOMMAND = 0x0c, MCISTATUS = 0x34, MCICLEAR = 0x38, MCIMASK0 = 0x3c;

TEST_F(KmiTest, EmptyMmcSlotTimesOutCommands) {
    emu::Device& mmci = place("pl180", "mmci", kMmci);
    IrqRecorder irq0, card;
    mmci.connect_gpio_out("", 0, irq0.line());
    mmci.connect_gpio_out("card-detect", 0, card.line());
    EXPECT_EQ(read(kMmci + 0xfe0), 0x80u);
    EXPECT_FALSE(card.level());
    write(kMmci + MCIPOWER, 0x3);
    write(kMmci + MCIMASK0, 0x7ff);
    write(kMmci + MCICOMMAND, 0x400);  // CMD0, no response
    EXPECT_EQ(read(kMmci + MCISTATUS) & 0x80, 0x80u);  // CmdSent
    EXPECT_TRUE(irq0.level());
    write(kMmci + MCICLEAR, 0x7ff);
    EXPECT_FALSE(irq0.level());
    write(kMmci + MCICOMMAND, 0x400 | 0x40 | 8);  // CMD8 with a response: nobody answers
    EXPECT_EQ(read(kMmci + MCISTATUS) & 0x4, 0x4u);  // CmdTimeOut
}

}  // namespace
