// The SP804 dual timer: counting on the virtual clock, periodic/one-shot/free-running modes,
// prescale, background load and the combined interrupt.
#include "vexpress_bench.h"

namespace {

using emu_test::IrqRecorder;

constexpr emu::Addr kBase = 0x1c110000;
constexpr emu::Addr LOAD = 0x00, VALUE = 0x04, CONTROL = 0x08, INTCLR = 0x0c, RIS = 0x10, MIS = 0x14, BGLOAD = 0x18;
constexpr emu::Addr kTimer2 = 0x20;
constexpr std::uint32_t ONESHOT = 1, SIZE32 = 2, DIV16 = 1u << 2, INTEN = 1u << 5, PERIODIC = 1u << 6, ENABLE = 1u << 7;
constexpr emu::ClockNs kTick = 1000;  // 1 MHz

class Sp804Test : public vexpress_test::VexpressBench {
protected:
    void SetUp() override {
        timer = &place("sp804", "timer", kBase);
        timer->connect_gpio_out("", 0, irq.line());
    }
    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }

    emu::Device* timer = nullptr;
    IrqRecorder irq;
};

TEST_F(Sp804Test, IdentificationAndResetValues) {
    std::uint32_t periph = 0, cell = 0;
    for (unsigned i = 0; i < 4; ++i) {
        periph |= reg(0xfe0 + 4 * i) << (8 * i);
        cell |= reg(0xff0 + 4 * i) << (8 * i);
    }
    EXPECT_EQ(periph, 0x00141804u);
    EXPECT_EQ(cell, 0xb105f00du);
    EXPECT_EQ(reg(CONTROL), INTEN);
    EXPECT_EQ(reg(VALUE), 0xffffffffu);
    EXPECT_EQ(reg(kTimer2 + CONTROL), INTEN);
}

TEST_F(Sp804Test, PeriodicInterruptsEveryLoadPlusOneTicks) {
    reg(LOAD, 999);
    reg(CONTROL, ENABLE | PERIODIC | SIZE32 | INTEN);
    step(500 * kTick);
    EXPECT_EQ(reg(VALUE), 499u);
    EXPECT_FALSE(irq.level());
    step(500 * kTick);  // reaches zero at tick 999
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(RIS), 1u);
    EXPECT_EQ(reg(MIS), 1u);
    reg(INTCLR, 0);
    EXPECT_FALSE(irq.level());
    step(1000 * kTick);  // the next period
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(irq.rises(), 2);
    reg(INTCLR, 0);
    step(10 * 1000 * kTick);  // ten more periods: one latched interrupt
    EXPECT_TRUE(irq.level());
}

TEST_F(Sp804Test, OneShotStopsAtZero) {
    reg(LOAD, 100);
    reg(CONTROL, ENABLE | ONESHOT | SIZE32 | INTEN);
    step(150 * kTick);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(VALUE), 0u);
    reg(INTCLR, 1);
    step(1000 * kTick);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(VALUE), 0u);
}

TEST_F(Sp804Test, FreeRunning16BitWrapsToMaximum) {
    reg(LOAD, 10);
    reg(CONTROL, ENABLE | INTEN);  // 16-bit, free-running
    step(11 * kTick);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(VALUE), 0xffffu);
    reg(INTCLR, 1);
    step(0x10000 * kTick);  // a whole 16-bit period
    EXPECT_TRUE(irq.level());
}

TEST_F(Sp804Test, MaskedInterruptStillSetsRis) {
    reg(LOAD, 20);
    reg(CONTROL, ENABLE | PERIODIC | SIZE32);
    step(30 * kTick);
    EXPECT_EQ(reg(RIS), 1u);
    EXPECT_EQ(reg(MIS), 0u);
    EXPECT_FALSE(irq.level());
    reg(CONTROL, ENABLE | PERIODIC | SIZE32 | INTEN);
    EXPECT_TRUE(irq.level());
}

TEST_F(Sp804Test, PrescaleDividesTheClock) {
    reg(LOAD, 100);
    reg(CONTROL, ENABLE | PERIODIC | SIZE32 | INTEN | DIV16);
    step(16 * 50 * kTick);
    EXPECT_EQ(reg(VALUE), 50u);
    step(16 * 51 * kTick);
    EXPECT_TRUE(irq.level());
}

TEST_F(Sp804Test, DisabledCounterHoldsAndBackgroundLoadWaitsForTheReload) {
    reg(LOAD, 1000);
    reg(CONTROL, ENABLE | PERIODIC | SIZE32);
    step(100 * kTick);
    reg(CONTROL, PERIODIC | SIZE32);  // stop
    const std::uint32_t held = reg(VALUE);
    EXPECT_EQ(held, 900u);
    step(1000 * kTick);
    EXPECT_EQ(reg(VALUE), held);
    reg(BGLOAD, 10);
    EXPECT_EQ(reg(VALUE), held);  // only the reload value changed
    EXPECT_EQ(reg(LOAD), 10u);
    reg(CONTROL, ENABLE | PERIODIC | SIZE32 | INTEN);
    step(901 * kTick);
    EXPECT_TRUE(irq.level());
    reg(INTCLR, 1);
    step(11 * kTick);  // now every 11 ticks
    EXPECT_TRUE(irq.level());
}

TEST_F(Sp804Test, BothTimersShareTheLine) {
    reg(kTimer2 + LOAD, 50);
    reg(kTimer2 + CONTROL, ENABLE | ONESHOT | SIZE32 | INTEN);
    step(60 * kTick);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(RIS), 0u);
    EXPECT_EQ(reg(kTimer2 + RIS), 1u);
    reg(kTimer2 + INTCLR, 1);
    EXPECT_FALSE(irq.level());
}

TEST_F(Sp804Test, ZeroLoadCannotFloodTheLoop) {
    reg(LOAD, 0);
    reg(CONTROL, ENABLE | PERIODIC | SIZE32 | INTEN);
    step(1'000'000);  // 1 ms of ticks at 1 MHz: fires, but at a bounded rate
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(RIS), 1u);
}

TEST_F(Sp804Test, ResetStopsTheTimers) {
    reg(LOAD, 10);
    reg(CONTROL, ENABLE | PERIODIC | SIZE32 | INTEN);
    timer->reset();
    step(100 * kTick);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(CONTROL), INTEN);
}

}  // namespace
