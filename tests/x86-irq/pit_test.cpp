// isa-pit: counter 0 as the periodic timer interrupt (modes 2 and 3) on the virtual clock,
// counter 2 with its gate and OUT at port 0x61 (how firmware and Linux calibrate the TSC), the
// latch and read-back commands, BCD, the refresh toggle.
#include "irq_bench.h"

namespace emu_test {
namespace {

// Ticks of the 1.193182 MHz input, in ns (rounded up, as the PIT sees a tick once it passed).
emu::ClockNs ticks_ns(std::uint64_t ticks) { return static_cast<emu::ClockNs>((ticks * 1000000000ull + 1193181) / 1193182); }

class PitTest : public IrqBench {
protected:
    PitTest() {
        pit = &create("isa-pit", "pit");
        io_root->add_subregion(0x40, pit->mmio(0));
        io_root->add_subregion(0x61, pit->mmio(1));
        pit->connect_gpio_out("", 0, irq.line());
    }
    void program(unsigned counter, std::uint8_t mode_bits, std::uint16_t count) {
        out(0x43, static_cast<std::uint8_t>(counter << 6 | 0x30 | mode_bits));
        out(static_cast<std::uint16_t>(0x40 + counter), count & 0xFF);
        out(static_cast<std::uint16_t>(0x40 + counter), count >> 8);
    }
    std::uint16_t read_counter(unsigned counter) {
        const std::uint32_t lo = in(static_cast<std::uint16_t>(0x40 + counter));
        const std::uint32_t hi = in(static_cast<std::uint16_t>(0x40 + counter));
        return static_cast<std::uint16_t>(lo | hi << 8);
    }

    emu::Device* pit = nullptr;
    IrqRecorder irq;
};

TEST_F(PitTest, Mode2RateGenerator) {
    program(0, 0x04, 1193);  // mode 2: ~1 kHz, Linux's HZ=1000 tick
    const emu::ClockNs t0 = now();
    step(10'000'000);
    EXPECT_EQ(irq.rises(), 10);
    EXPECT_TRUE(irq.level());  // high between the one-tick low pulses
    // The exact instants: the 11th rise is at 11 * 1193 ticks.
    step(t0 + ticks_ns(11 * 1193) - now() - 1);
    EXPECT_EQ(irq.rises(), 10);
    EXPECT_FALSE(irq.level());  // in the low tick
    step(1);
    EXPECT_EQ(irq.rises(), 11);
}

TEST_F(PitTest, Mode3SquareWave) {
    program(0, 0x06, 11932);  // ~100 Hz
    const emu::ClockNs t0 = now();
    step(101'000'000);
    EXPECT_EQ(irq.rises(), 10);
    // Half a period high, half low.
    step(t0 + ticks_ns(11 * 11932) - now());
    EXPECT_TRUE(irq.level());
    step(t0 + ticks_ns(11 * 11932 + 5965) - now());
    EXPECT_TRUE(irq.level());
    step(t0 + ticks_ns(11 * 11932 + 5966) - now());
    EXPECT_FALSE(irq.level());
}

TEST_F(PitTest, Mode0InterruptOnTerminalCountFiresOnce) {
    program(0, 0x00, 1000);
    EXPECT_FALSE(irq.level());
    step(ticks_ns(1000) - 1);  // (relative to the load: the clock stands still in between)
    EXPECT_FALSE(irq.level());
    step(1);
    EXPECT_TRUE(irq.level());
    step(100'000'000);
    EXPECT_EQ(irq.rises(), 1);
}

TEST_F(PitTest, Counter2OutAtPort61) {
    out(0x61, 0x01);         // gate 2 on, speaker off
    program(2, 0x00, 1193);  // mode 0
    EXPECT_EQ(in(0x61) & 0x20, 0u);
    const emu::ClockNs done = now() + ticks_ns(1193);
    step(done - now() - 1);
    EXPECT_EQ(in(0x61) & 0x20, 0u);
    step(1);
    EXPECT_EQ(in(0x61) & 0x20, 0x20u);
    EXPECT_EQ(in(0x61) & 0x0F, 0x01u);
    // With the gate low, mode 0 does not count.
    out(0x61, 0x00);
    program(2, 0x00, 100);
    step(1'000'000);
    EXPECT_EQ(in(0x61) & 0x20, 0u);
    EXPECT_EQ(read_counter(2), 100u);
    out(0x61, 0x01);
    step(ticks_ns(100));
    EXPECT_EQ(in(0x61) & 0x20, 0x20u);
}

TEST_F(PitTest, RefreshBitToggles) {
    const std::uint32_t a = in(0x61) & 0x10;
    step(15085);
    const std::uint32_t b = in(0x61) & 0x10;
    EXPECT_NE(a, b);
}

TEST_F(PitTest, CounterLatchHoldsTheCount) {
    program(0, 0x04, 1000);
    step(100'000);                           // 119 ticks
    out(0x43, 0x00);                         // latch counter 0
    step(300'000);
    EXPECT_EQ(read_counter(0), 1000u - 119);
    EXPECT_NE(read_counter(0), 1000u - 119);  // released: live again
}

TEST_F(PitTest, ReadBackStatus) {
    program(0, 0x04, 1000);
    out(0x43, 0xE2);  // read-back: status only, counter 0
    EXPECT_EQ(in(0x40), 0xB4u);  // OUT high, lobyte/hibyte, mode 2, binary
    out(0x43, 0x34);  // control word only: null count
    out(0x43, 0xE2);
    EXPECT_EQ(in(0x40) & 0x40, 0x40u);
    // Read-back of count and status: status first, then the count.
    program(2, 0x00, 500);
    out(0x43, 0xC8);
    EXPECT_EQ(in(0x42), 0x30u);  // OUT low, mode 0
    EXPECT_EQ(read_counter(2), 500u);
}

TEST_F(PitTest, BcdCounting) {
    out(0x43, 0x31);  // counter 0, lobyte/hibyte, mode 0, BCD
    out(0x40, 0x00);
    out(0x40, 0x01);  // 100
    step(ticks_ns(10));
    EXPECT_EQ(read_counter(0), 0x0090u);
}

TEST_F(PitTest, LowByteOnlyAccess) {
    out(0x43, 0x14);  // counter 0, low byte only, mode 2
    out(0x40, 200);
    step(ticks_ns(50));
    EXPECT_EQ(in(0x40), 150u);
    EXPECT_EQ(in(0x40), 150u);
}

}  // namespace
}  // namespace emu_test
