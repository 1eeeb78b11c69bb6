// The SP810 system controller: mode status, the timer clock selections Linux's clk-sp810 makes,
// peripheral clock enables.
#include "vexpress_bench.h"

namespace {

using emu_test::IrqRecorder;

constexpr emu::Addr kBase = 0x1c020000;
constexpr emu::Addr SCCTRL = 0x000, SCPEREN = 0x024, SCPERDIS = 0x028, SCPERCLKEN = 0x02c;

class Sp810Test : public vexpress_test::VexpressBench {
protected:
    void SetUp() override {
        sysctl = &place("sp810", "sysctl", kBase);
        for (unsigned i = 0; i < 4; ++i) sysctl->connect_gpio_out("timer-clock", i, timer_clock[i].line());
    }
    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }

    emu::Device* sysctl = nullptr;
    IrqRecorder timer_clock[4];
};

TEST_F(Sp810Test, Identification) {
    std::uint32_t periph = 0, cell = 0;
    for (unsigned i = 0; i < 4; ++i) {
        periph |= reg(0xfe0 + 4 * i) << (8 * i);
        cell |= reg(0xff0 + 4 * i) << (8 * i);
    }
    EXPECT_EQ(periph, 0x00041810u);
    EXPECT_EQ(cell, 0xb105f00du);
}

TEST_F(Sp810Test, ModeStatusReadsNormal) {
    EXPECT_EQ((reg(SCCTRL) >> 3) & 0xf, 4u);
    reg(SCCTRL, 0x1);  // request DOZE: the model stays NORMAL
    EXPECT_EQ(reg(SCCTRL) & 0x7, 1u);
    EXPECT_EQ((reg(SCCTRL) >> 3) & 0xf, 4u);
}

TEST_F(Sp810Test, TimerClockSelectsAreOutputs) {
    EXPECT_EQ(reg(SCCTRL) & 0x2a8000u, 0u);  // every timer on REFCLK after reset
    // What Linux's clk-sp810 does for assigned-clock-parents = timclk: set TimerEnSel0..3.
    reg(SCCTRL, reg(SCCTRL) | (1u << 15) | (1u << 17) | (1u << 21));
    EXPECT_TRUE(timer_clock[0].level());
    EXPECT_TRUE(timer_clock[1].level());
    EXPECT_FALSE(timer_clock[2].level());
    EXPECT_TRUE(timer_clock[3].level());
    reg(SCCTRL, reg(SCCTRL) & ~(1u << 17));
    EXPECT_FALSE(timer_clock[1].level());
    sysctl->reset();
    EXPECT_FALSE(timer_clock[0].level());
}

TEST_F(Sp810Test, PeripheralClockEnables) {
    reg(SCPERDIS, 0xf0);
    EXPECT_EQ(reg(SCPERCLKEN), 0xffffff0fu);
    reg(SCPEREN, 0x30);
    EXPECT_EQ(reg(SCPERCLKEN), 0xffffff3fu);
}

TEST_F(Sp810Test, OnlyWordAccesses) {
    std::uint64_t value = 0;
    EXPECT_EQ(space->read_value(kBase + SCCTRL, 1, value), emu::MemResult::DeviceError);
}

}  // namespace
