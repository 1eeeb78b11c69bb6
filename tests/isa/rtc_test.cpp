// mc146818rtc: the CMOS clock's time registers (BCD and binary, 24 and 12-hour), setting the
// time, UIP, periodic, alarm and update-ended interrupts on the virtual clock, register C,
// register D and the CMOS RAM.
#include <cstdlib>
#include <ctime>

#include "isa_harness.h"

#include "emu/error.h"

namespace {

using isa_test::IrqRecorder;
using isa_test::kMicrosecond;
using isa_test::kMillisecond;
using isa_test::kSecond;

constexpr emu::Addr kIndex = 0x70, kData = 0x71;
constexpr std::uint8_t SEC = 0x00, SEC_ALARM = 0x01, MIN = 0x02, MIN_ALARM = 0x03, HOUR = 0x04, HOUR_ALARM = 0x05,
                       DOW = 0x06, DAY = 0x07, MONTH = 0x08, YEAR = 0x09, REG_A = 0x0a, REG_B = 0x0b, REG_C = 0x0c,
                       REG_D = 0x0d, CENTURY = 0x32;
constexpr std::uint8_t B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_BINARY = 0x04, B_24H = 0x02;
constexpr std::uint8_t C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;

int from_bcd(std::uint8_t v) { return (v >> 4) * 10 + (v & 0x0f); }

class RtcTest : public isa_test::IsaBench {
protected:
    void SetUp() override {
        rtc = &create("mc146818rtc", "rtc");
        rtc->realize();
        map(0x70, rtc->mmio(0));
        rtc->connect_gpio_out("", 0, irq.line());
    }
    std::uint8_t cmos(std::uint8_t index) {
        outb(kIndex, index);
        return inb(kData);
    }
    void cmos(std::uint8_t index, std::uint8_t value) {
        outb(kIndex, index);
        outb(kData, value);
    }
    // Stop the clock, load a BCD 24-hour time, and start the divider so that the first update
    // comes exactly half a second later.
    void set_time(int year, int month, int day, int hour, int minute, int second, std::uint8_t mode = B_24H) {
        cmos(REG_A, 0x70);  // divider reset
        cmos(REG_B, B_SET | mode);
        const bool binary = mode & B_BINARY;
        auto enc = [binary](int v) { return static_cast<std::uint8_t>(binary ? v : (v / 10) << 4 | v % 10); };
        cmos(SEC, enc(second));
        cmos(MIN, enc(minute));
        if (mode & B_24H) {
            cmos(HOUR, enc(hour));
        } else {
            const int h12 = hour % 12 == 0 ? 12 : hour % 12;
            cmos(HOUR, static_cast<std::uint8_t>(enc(h12) | (hour >= 12 ? 0x80 : 0)));
        }
        cmos(DAY, enc(day));
        cmos(MONTH, enc(month));
        cmos(YEAR, enc(year % 100));
        cmos(CENTURY, enc(year / 100));
        cmos(REG_B, mode);
        cmos(REG_A, 0x26);  // 32.768 kHz, 1024 Hz periodic: the first update in 500 ms
    }
    // Read register C whenever the line is up, over `total` in steps of `step_ns`; count IRQs.
    int count_interrupts(emu::ClockNs total, emu::ClockNs step_ns, std::uint8_t flag) {
        int count = 0;
        for (emu::ClockNs t = 0; t < total; t += step_ns) {
            step(step_ns);
            if (irq.level()) {
                const std::uint8_t c = cmos(REG_C);
                EXPECT_EQ(c & (C_IRQF | flag), C_IRQF | flag);
                EXPECT_FALSE(irq.level());
                ++count;
            }
        }
        return count;
    }

    emu::Device* rtc = nullptr;
    IrqRecorder irq;
};

TEST_F(RtcTest, StartsAtTheHostsWallClockInBcd) {
    EXPECT_EQ(cmos(REG_A) & 0x7f, 0x26);
    EXPECT_EQ(cmos(REG_B), B_24H);
    EXPECT_EQ(cmos(REG_C), 0x00);
    EXPECT_EQ(cmos(REG_D), 0x80);  // valid RAM and time
    std::tm tm{};
    tm.tm_sec = from_bcd(cmos(SEC));
    tm.tm_min = from_bcd(cmos(MIN));
    tm.tm_hour = from_bcd(cmos(HOUR));
    tm.tm_mday = from_bcd(cmos(DAY));
    tm.tm_mon = from_bcd(cmos(MONTH)) - 1;
    tm.tm_year = from_bcd(cmos(CENTURY)) * 100 + from_bcd(cmos(YEAR)) - 1900;
    const std::time_t rtc_time = timegm(&tm);
    EXPECT_LE(std::llabs(static_cast<long long>(rtc_time - std::time(nullptr))), 2);
    EXPECT_EQ(from_bcd(cmos(DOW)), tm.tm_wday + 1);  // Sunday = 1
    EXPECT_EQ(inb(kIndex), 0xff);
    EXPECT_EQ(rtc->get_property("iobase"), "0x70");
    EXPECT_EQ(rtc->get_property("irq"), "8");
    EXPECT_EQ(rtc->get_property("base"), "utc");
}

TEST_F(RtcTest, SettingTheTimeInBcd) {
    set_time(2024, 2, 29, 23, 59, 58);
    EXPECT_EQ(cmos(SEC), 0x58);
    EXPECT_EQ(cmos(MIN), 0x59);
    EXPECT_EQ(cmos(HOUR), 0x23);
    EXPECT_EQ(cmos(DOW), 5);  // a Thursday
    EXPECT_EQ(cmos(DAY), 0x29);
    EXPECT_EQ(cmos(MONTH), 0x02);
    EXPECT_EQ(cmos(YEAR), 0x24);
    EXPECT_EQ(cmos(CENTURY), 0x20);
    step(1500 * kMillisecond);  // two updates
    EXPECT_EQ(cmos(SEC), 0x00);
    EXPECT_EQ(cmos(MIN), 0x00);
    EXPECT_EQ(cmos(HOUR), 0x00);
    EXPECT_EQ(cmos(DAY), 0x01);
    EXPECT_EQ(cmos(MONTH), 0x03);
    EXPECT_EQ(cmos(DOW), 6);
    // New Year's Eve of a century.
    set_time(2099, 12, 31, 23, 59, 59);
    step(500 * kMillisecond);
    EXPECT_EQ(cmos(YEAR), 0x00);
    EXPECT_EQ(cmos(CENTURY), 0x21);
    EXPECT_EQ(cmos(MONTH), 0x01);
    EXPECT_EQ(cmos(DAY), 0x01);
}

TEST_F(RtcTest, BinaryAnd12HourModes) {
    set_time(1999, 12, 31, 23, 59, 59, B_BINARY);  // binary, 12-hour
    EXPECT_EQ(cmos(HOUR), 0x80 | 11);  // 11 PM
    EXPECT_EQ(cmos(MIN), 59);
    EXPECT_EQ(cmos(YEAR), 99);
    EXPECT_EQ(cmos(CENTURY), 19);
    step(500 * kMillisecond);
    EXPECT_EQ(cmos(HOUR), 12);  // 12 AM
    EXPECT_EQ(cmos(SEC), 0);
    EXPECT_EQ(cmos(YEAR), 0);
    EXPECT_EQ(cmos(CENTURY), 20);
    EXPECT_EQ(cmos(DOW), 7);  // a Saturday
    step(13 * 3600 * kSecond);
    EXPECT_EQ(cmos(HOUR), 0x80 | 1);  // 1 PM
    cmos(REG_B, B_24H);  // the format changes with the next read: BCD, 24-hour
    EXPECT_EQ(cmos(HOUR), 0x13);
    EXPECT_EQ(cmos(CENTURY), 0x20);
    cmos(REG_B, 0);  // BCD, 12-hour
    EXPECT_EQ(cmos(HOUR), 0x81);
    cmos(REG_B, B_24H | B_BINARY);
    EXPECT_EQ(cmos(HOUR), 13);
}

TEST_F(RtcTest, TimeFollowsTheVirtualClockOnly) {
    set_time(2023, 6, 15, 10, 0, 0);
    EXPECT_EQ(cmos(SEC), 0x00);
    EXPECT_EQ(cmos(SEC), 0x00);  // no virtual time passed
    step(10 * kSecond);
    EXPECT_EQ(cmos(SEC), 0x10);
    step(3600 * kSecond);
    EXPECT_EQ(cmos(HOUR), 0x11);
    EXPECT_EQ(cmos(MIN), 0x00);
}

TEST_F(RtcTest, WritingATimeRegisterWhileRunning) {
    set_time(2023, 6, 15, 10, 20, 30);
    step(200 * kMillisecond);
    cmos(MIN, 0x45);  // takes effect at once; the phase of the seconds is kept
    EXPECT_EQ(cmos(MIN), 0x45);
    EXPECT_EQ(cmos(SEC), 0x30);
    EXPECT_EQ(cmos(HOUR), 0x10);
    step(300 * kMillisecond);
    EXPECT_EQ(cmos(SEC), 0x31);
}

TEST_F(RtcTest, SetStopsTheClockAndHoldsTheRegisters) {
    set_time(2023, 6, 15, 10, 20, 30);
    cmos(REG_B, B_SET | B_24H | B_UIE);
    EXPECT_EQ(cmos(REG_B), B_SET | B_24H);  // SET clears UIE
    step(5 * kSecond);
    EXPECT_EQ(cmos(SEC), 0x30);  // stopped
    EXPECT_EQ(cmos(REG_A) & 0x80, 0);  // no update in progress while stopped
    cmos(SEC, 0x99);  // anything may be written and read back
    EXPECT_EQ(cmos(SEC), 0x99);
    cmos(SEC, 0x00);
    cmos(REG_B, B_24H);
    EXPECT_EQ(cmos(SEC), 0x00);
    EXPECT_EQ(cmos(MIN), 0x20);
    step(kSecond);
    EXPECT_EQ(cmos(SEC), 0x01);
}

TEST_F(RtcTest, UpdateInProgress) {
    set_time(2023, 6, 15, 10, 20, 30);  // the update comes at +500 ms
    EXPECT_EQ(cmos(REG_A), 0x26);
    step(500 * kMillisecond - 300 * kMicrosecond);
    EXPECT_EQ(cmos(REG_A), 0x26);
    step(100 * kMicrosecond);  // within the last 244 us
    EXPECT_EQ(cmos(REG_A), 0x80 | 0x26);
    EXPECT_EQ(cmos(SEC), 0x30);
    step(250 * kMicrosecond);
    EXPECT_EQ(cmos(REG_A), 0x26);
    EXPECT_EQ(cmos(SEC), 0x31);
    cmos(REG_A, 0xa6);  // UIP is read-only
    EXPECT_EQ(cmos(REG_A) & 0x7f, 0x26);
}

TEST_F(RtcTest, PeriodicInterruptRate) {
    cmos(REG_B, B_24H | B_PIE);  // rate 6: 1024 Hz
    EXPECT_NEAR(count_interrupts(kSecond, kSecond / 8192, C_PF), 1024, 1);
    cmos(REG_A, 0x2f);  // rate 15: 2 Hz
    EXPECT_NEAR(count_interrupts(10 * kSecond, 10 * kMillisecond, C_PF), 20, 1);
    cmos(REG_A, 0x23);  // rate 3: 8192 Hz
    EXPECT_NEAR(count_interrupts(kSecond / 10, kSecond / 32768, C_PF), 819, 1);
    cmos(REG_A, 0x21);  // rate 1: 256 Hz (as rate 8)
    EXPECT_NEAR(count_interrupts(kSecond, kSecond / 1024, C_PF), 256, 1);
    cmos(REG_A, 0x20);  // rate 0: none
    step(kSecond);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(cmos(REG_C) & C_PF, 0);
}

TEST_F(RtcTest, PeriodicFlagWithoutInterrupt) {
    step(10 * kMillisecond);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(cmos(REG_C) & (C_IRQF | C_PF), C_PF);  // the flag is set, not IRQF
    EXPECT_EQ(cmos(REG_C) & C_PF, 0);  // read-to-clear
    step(10 * kMillisecond);
    cmos(REG_B, B_24H | B_PIE);  // enabling it with the flag pending interrupts at once
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(cmos(REG_C) & (C_IRQF | C_PF), C_IRQF | C_PF);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(cmos(REG_C), 0);
}

TEST_F(RtcTest, UpdateEndedInterrupt) {
    set_time(2023, 6, 15, 10, 20, 30);
    cmos(REG_B, B_24H | B_UIE);
    step(400 * kMillisecond);
    EXPECT_FALSE(irq.level());
    step(200 * kMillisecond);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(cmos(SEC), 0x31);
    EXPECT_EQ(cmos(REG_C) & (C_IRQF | C_UF), C_IRQF | C_UF);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(count_interrupts(5 * kSecond, 100 * kMillisecond, C_UF), 5);
}

TEST_F(RtcTest, AlarmInterrupt) {
    set_time(2023, 6, 15, 12, 0, 0);
    cmos(SEC_ALARM, 0x05);
    cmos(MIN_ALARM, 0x00);
    cmos(HOUR_ALARM, 0x12);
    cmos(REG_B, B_24H | B_AIE);
    step(4400 * kMillisecond);  // 12:00:04
    EXPECT_FALSE(irq.level());
    step(200 * kMillisecond);  // 12:00:05
    EXPECT_TRUE(irq.level());
    const std::uint8_t c = cmos(REG_C);
    EXPECT_EQ(c & (C_IRQF | C_AF | C_UF), C_IRQF | C_AF | C_UF);  // UF is set too, just not enabled
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(cmos(REG_C), 0);  // read-to-clear
    step(10 * kSecond);
    EXPECT_FALSE(irq.level());  // next time tomorrow

    // Don't-care values (0xc0-0xff): every minute at 30 seconds.
    cmos(HOUR_ALARM, 0xff);
    cmos(MIN_ALARM, 0xc0);
    cmos(SEC_ALARM, 0x30);
    cmos(REG_C);
    step(14 * kSecond);  // 12:00:29.5
    EXPECT_FALSE(irq.level());
    step(kSecond);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(cmos(SEC), 0x30);
    cmos(REG_C);
    EXPECT_EQ(count_interrupts(120 * kSecond, 250 * kMillisecond, C_AF), 2);

    // The alarm flag is set even when its interrupt is not enabled.
    cmos(REG_B, B_24H);
    step(60 * kSecond);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(cmos(REG_C) & (C_IRQF | C_AF), C_AF);
}

TEST_F(RtcTest, AlarmIn12HourBinaryMode) {
    set_time(2023, 6, 15, 13, 59, 58, B_BINARY);  // 1:59:58 PM
    cmos(HOUR_ALARM, 0x80 | 2);  // 2 PM
    cmos(MIN_ALARM, 0);
    cmos(SEC_ALARM, 0);
    cmos(REG_B, B_BINARY | B_AIE);
    step(1400 * kMillisecond);
    EXPECT_FALSE(irq.level());
    step(200 * kMillisecond);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(cmos(HOUR), 0x80 | 2);
}

TEST_F(RtcTest, CmosRamAndNmiMask) {
    IrqRecorder nmi;
    rtc->connect_gpio_out("nmi-mask", 0, nmi.line());
    for (unsigned i = 0x0e; i < 0x80; ++i)
        if (i != CENTURY) cmos(static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i ^ 0x5a));
    for (unsigned i = 0x0e; i < 0x80; ++i)
        if (i != CENTURY) {
            EXPECT_EQ(cmos(static_cast<std::uint8_t>(i)), i ^ 0x5a) << std::hex << i;
        }
    // Bit 7 of the index disables NMIs; the index is the low 7 bits.
    outb(kIndex, 0x80 | 0x10);
    EXPECT_TRUE(nmi.level());
    EXPECT_EQ(inb(kData), 0x10 ^ 0x5a);
    outb(kIndex, 0x10);
    EXPECT_FALSE(nmi.level());
    // The RAM is battery-backed: a board reset keeps it.
    rtc->reset();
    EXPECT_EQ(cmos(0x0f), 0x0f ^ 0x5a);
    EXPECT_EQ(cmos(0x5d), 0x5d ^ 0x5a);
    // Registers C and D are read-only.
    cmos(REG_D, 0x00);
    EXPECT_EQ(cmos(REG_D), 0x80);
}

TEST_F(RtcTest, BoardFillsCmosThroughThePortOps) {
    // What a board does at machine init, before or without mapping the ports.
    const emu::MmioOps& ops = rtc->mmio(0).ops();
    ops.write(0, 0x34, 1);
    ops.write(1, 0xab, 1);
    EXPECT_EQ(cmos(0x34), 0xab);
}

TEST_F(RtcTest, ResetClearsInterruptEnablesAndFlags) {
    cmos(REG_B, B_24H | B_PIE | B_AIE | B_UIE | 0x08);
    step(10 * kMillisecond);
    EXPECT_TRUE(irq.level());
    rtc->reset();
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(cmos(REG_B), B_24H);
    EXPECT_EQ(cmos(REG_C), 0);
    step(2 * kSecond);
    EXPECT_FALSE(irq.level());
}

class RtcPropertiesTest : public isa_test::IsaBench {};

TEST_F(RtcPropertiesTest, LocaltimeBase) {
    auto& rtc = create("mc146818rtc", "rtc");
    rtc.set_property("base", "localtime");
    rtc.realize();
    map(0x70, rtc.mmio(0));
    outb(0x70, HOUR);
    const int hour = from_bcd(inb(0x71));
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    EXPECT_TRUE(hour == local.tm_hour || hour == (local.tm_hour + 1) % 24);
    EXPECT_THROW(create("mc146818rtc", "rtc2").set_property("base", "gmt"), emu::Error);
}

TEST_F(RtcPropertiesTest, NeedsAMachine) {
    auto rtc = as<emu::Device>(registry.create("mc146818rtc"));
    EXPECT_THROW(rtc->realize(), emu::Error);
    EXPECT_FALSE(registry.get("mc146818rtc").user_creatable());
}

}  // namespace
