// The PL031 RTC: wall-clock seconds advanced by the virtual clock, loads and alarms.
#include <cstdlib>
#include <ctime>

#include "device_harness.h"
#include "emu/error.h"

namespace {

using emu_test::IrqRecorder;

constexpr emu::Addr kBase = 0x09010000;
constexpr emu::Addr DR = 0x00, MR = 0x04, LR = 0x08, CR = 0x0c, IMSC = 0x10, RIS = 0x14, MIS = 0x18, ICR = 0x1c;
constexpr emu::ClockNs kSecond = 1'000'000'000;

class Pl031Test : public emu_test::DeviceBench {
protected:
    void SetUp() override {
        loop.virtual_clock().set_manual(true);
        rtc = &create("pl031", "rtc");
        rtc->realize();
        map(kBase, rtc->mmio(0));
        rtc->connect_gpio_out("", 0, irq.line());
    }
    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }
    void step(emu::ClockNs ns) { loop.virtual_clock().step(ns); }

    emu::Device* rtc = nullptr;
    IrqRecorder irq;
};

TEST_F(Pl031Test, IdentificationRegisters) {
    std::uint32_t periph = 0, cell = 0;
    for (unsigned i = 0; i < 4; ++i) {
        periph |= reg(0xfe0 + 4 * i) << (8 * i);
        cell |= reg(0xff0 + 4 * i) << (8 * i);
    }
    EXPECT_EQ(periph, 0x00041031u);
    EXPECT_EQ(cell, 0xb105f00du);
}

TEST_F(Pl031Test, CounterStartsAtWallClockAndFollowsVirtualTime) {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    const std::uint32_t start = reg(DR);
    EXPECT_LE(std::llabs(static_cast<std::int64_t>(start) - now), 2);
    step(10 * kSecond);  // the host clock does not matter: only virtual time moves it
    EXPECT_EQ(reg(DR), start + 10);
    step(kSecond / 2);
    const std::uint32_t later = reg(DR);
    EXPECT_TRUE(later == start + 10 || later == start + 11);
}

TEST_F(Pl031Test, LoadSetsTheCounter) {
    reg(LR, 1000);
    EXPECT_EQ(reg(DR), 1000u);
    EXPECT_EQ(reg(LR), 1000u);
    step(3 * kSecond);
    EXPECT_EQ(reg(DR), 1003u);
    reg(DR, 5);  // read-only
    EXPECT_EQ(reg(DR), 1003u);
    reg(LR, 0xffffffff);  // the counter wraps
    step(2 * kSecond);
    EXPECT_EQ(reg(DR), 1u);
}

TEST_F(Pl031Test, AlarmFiresOnTheVirtualClock) {
    reg(CR, 1);
    EXPECT_EQ(reg(CR), 1u);
    reg(CR, 0);  // cannot be stopped
    EXPECT_EQ(reg(CR), 1u);
    reg(LR, 1000);
    reg(MR, 1005);
    reg(IMSC, 1);
    EXPECT_EQ(reg(MR), 1005u);
    step(4 * kSecond + kSecond / 2);
    EXPECT_EQ(reg(RIS), 0u);
    EXPECT_FALSE(irq.level());
    step(kSecond);
    EXPECT_EQ(reg(DR), 1005u);
    EXPECT_EQ(reg(RIS), 1u);
    EXPECT_EQ(reg(MIS), 1u);
    EXPECT_TRUE(irq.level());
    reg(ICR, 1);
    EXPECT_EQ(reg(RIS), 0u);
    EXPECT_FALSE(irq.level());
    // Masked: RIS is set, the line stays low.
    reg(IMSC, 0);
    reg(MR, 1007);
    step(2 * kSecond);
    EXPECT_EQ(reg(RIS), 1u);
    EXPECT_EQ(reg(MIS), 0u);
    EXPECT_FALSE(irq.level());
    reg(IMSC, 1);
    EXPECT_TRUE(irq.level());
    reg(ICR, 1);
}

TEST_F(Pl031Test, LoadMovesThePendingAlarm) {
    reg(IMSC, 1);
    reg(LR, 100);
    reg(MR, 200);
    reg(LR, 195);  // now 5 seconds away
    step(5 * kSecond);
    EXPECT_TRUE(irq.level());
    reg(ICR, 1);
    reg(MR, reg(DR));  // a match register equal to the counter matches at once
    EXPECT_TRUE(irq.level());
    reg(ICR, 1);
    reg(MR, 500);
    reg(LR, 600);  // past the match: the next match is after the counter wraps
    step(100 * kSecond);
    EXPECT_FALSE(irq.level());
}

TEST_F(Pl031Test, ResetKeepsTheTime) {
    reg(LR, 5000);
    reg(IMSC, 1);
    reg(MR, 5001);
    rtc->reset();
    EXPECT_EQ(reg(DR), 5000u);
    EXPECT_EQ(reg(IMSC), 0u);
    step(2 * kSecond);
    EXPECT_EQ(reg(RIS), 0u);  // the alarm was cancelled
}

class Pl031NoMachineTest : public emu_test::DeviceBench {};

TEST_F(Pl031NoMachineTest, NeedsAMachine) {
    auto rtc = as<emu::Device>(registry.create("pl031"));
    EXPECT_THROW(rtc->realize(), emu::Error);
}

}  // namespace
