// The virtual clock under qtest drives device timers, and nothing else does: vexpress-a15's
// SP804 (1 MHz TIMCLK) counts down only when the test steps the clock.
#include <gtest/gtest.h>

#include <thread>

#include "qtest_client.h"

namespace emu::test {
namespace {

constexpr std::uint64_t kTimer01 = 0x1c110000;  // SP804: timer 1 at +0x00, timer 2 at +0x20
enum : unsigned { kLoad = 0x00, kValue = 0x04, kControl = 0x08, kIntClr = 0x0c, kRis = 0x10, kMis = 0x14 };
// Control: enable, periodic, interrupt enable, 32-bit counter; prescale 1.
constexpr std::uint32_t kPeriodic32 = 0x80 | 0x40 | 0x20 | 0x02;

class VexpressClock : public ::testing::Test {
protected:
    QtestClient qt{{"-M", "vexpress-a15"}};
};

TEST_F(VexpressClock, Sp804CountsOnlyWhenTheClockIsStepped) {
    qt.writel(kTimer01 + kLoad, 1000);
    qt.writel(kTimer01 + kControl, kPeriodic32);
    EXPECT_EQ(qt.readl(kTimer01 + kValue), 1000u);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // host time passes...
    EXPECT_EQ(qt.readl(kTimer01 + kValue), 1000u);               // ...guest time does not
    qt.clock_step(250'000);  // 250 ticks of 1 us
    EXPECT_EQ(qt.readl(kTimer01 + kValue), 750u);
    qt.clock_step(500'000);
    EXPECT_EQ(qt.readl(kTimer01 + kValue), 250u);
    EXPECT_EQ(qt.readl(kTimer01 + kRis), 0u);
}

TEST_F(VexpressClock, Sp804InterruptEveryPeriod) {
    qt.irq_intercept_out("timer0");
    qt.writel(kTimer01 + kLoad, 1000);
    const std::int64_t start = qt.clock_step(0);
    qt.writel(kTimer01 + kControl, kPeriodic32);
    // The counter reaches zero after 1000 ticks: the next deadline is exactly there.
    EXPECT_EQ(qt.clock_step_next(), start + 1'000'000);
    EXPECT_TRUE(qt.wait_irq(0, true));
    EXPECT_EQ(qt.readl(kTimer01 + kRis), 1u);
    EXPECT_EQ(qt.readl(kTimer01 + kMis), 1u);
    qt.writel(kTimer01 + kIntClr, 1);
    EXPECT_TRUE(qt.wait_irq(0, false));
    // Periodic: loaded with N it interrupts every N+1 ticks.
    EXPECT_EQ(qt.clock_step_next(), start + 2'001'000);
    EXPECT_TRUE(qt.wait_irq(0, true));
    EXPECT_EQ(qt.irq_raises(0), 2u);
    // Masked: the raw status still sets, the line stays low.
    qt.writel(kTimer01 + kIntClr, 1);
    EXPECT_TRUE(qt.wait_irq(0, false));
    qt.writel(kTimer01 + kControl, kPeriodic32 & ~0x20u);
    qt.clock_step(1'001'000);
    EXPECT_EQ(qt.readl(kTimer01 + kRis), 1u);
    EXPECT_EQ(qt.readl(kTimer01 + kMis), 0u);
    EXPECT_FALSE(qt.irq_level(0));
}

TEST_F(VexpressClock, StepWithoutTimersStaysPut) {
    const std::int64_t now = qt.clock_step(0);
    // The boards arm no virtual timer of their own while no device is started.
    EXPECT_EQ(qt.clock_step_next(), now);
}

TEST_F(VexpressClock, FastTimerAndALongStepStayResponsive) {
    // The shortest period the SP804 allows, stepped by the largest step: bounded work.
    qt.writel(kTimer01 + kLoad, 0);
    qt.writel(kTimer01 + kControl, kPeriodic32);
    const auto begin = std::chrono::steady_clock::now();
    qt.clock_step(10'000'000'000);  // 10 s of guest time
    EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(20));
    EXPECT_EQ(qt.command("endianness"), "OK little");
}

}  // namespace
}  // namespace emu::test
