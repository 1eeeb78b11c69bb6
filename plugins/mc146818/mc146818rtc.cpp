// The MC146818 real-time clock and its CMOS RAM, as in every PC (ports 0x70/0x71, IRQ 8).
//
// Type "mc146818rtc"; created by boards only. It must be realized under a machine (it runs on
// the machine's event loop). Properties:
//   iobase   the index port; the data port follows it (default 0x70)
//   irq      the ISA IRQ the board connects the interrupt to (default 8), for boards to read
//   base     "utc" (default) or "localtime": what the clock is set to at realize
//
// Wiring, for boards:
//   mmio(0)                 2 I/O ports at iobase: index (write; bit 7 = NMI disable; reads
//                           0xff) and data (the CMOS byte the index selects)
//   gpio_out("", 0)         IRQ, a level: high while register C's IRQF is set (connect it to ISA
//                           IRQ `irq`, 8 on the PC)
//   gpio_out("nmi-mask", 0) bit 7 of the last index write: high = NMIs disabled. Optional.
// Filling the CMOS: there is no board API beyond the ports. After realize, the board writes
// the bytes firmware expects through the device's own index/data ports, e.g. through the ops of
// mmio(0) (ops().write(0, index, 1) then ops().write(1, value, 1)) or through the I/O address
// space once mapped (write_value(0x70, 1, index), write_value(0x71, 1, value)). Bytes 0x0e-0x7f
// are plain battery-backed RAM kept across board resets (0x14 equipment, 0x15/0x16 base memory,
// 0x17/0x18 and 0x30/0x31 extended memory, 0x34/0x35 memory above 16 MiB, 0x5b-0x5d memory
// above 4 GiB, 0x38/0x3d boot order, ...), except 0x32, the century, which this model keeps as
// part of the time (as QEMU does): the board need not write it.
//
// Model:
// - Time: the host's wall clock at realize (with its sub-second phase), then advancing with the
//   virtual clock (emu::ClockType::Virtual: it stands still while the machine is paused). The
//   time registers (0x00 seconds, 0x02 minutes, 0x04 hours, 0x06 day of week 1-7 with Sunday = 1,
//   0x07 date, 0x08 month, 0x09 year, 0x32 century) read in BCD or binary (register B DM) and in
//   24 or 12-hour form (register B 24/12; bit 7 of the hours = PM). A write while the clock runs
//   sets that field at once; with register B SET (or the divider held in reset, register A
//   DV = 11x) the clock stops and the registers hold what is written; clearing SET starts it
//   from them in the same divider phase, releasing the divider starts it with the first update
//   half a second later. The day of week follows the date.
// - Register A: UIP reads 1 during the last 244 us before each update (once a second), only
//   while the clock runs; RS selects the periodic rate (3..15: 32768 >> (RS - 1) Hz; 1, 2: 256,
//   128 Hz; 0: none). Register C (read-only; a read returns and clears it and lowers the IRQ):
//   PF at every periodic tick (while the divider runs), UF at every update, AF at updates where
//   seconds, minutes and hours match the alarm registers 0x01/0x03/0x05 (a value 0xc0-0xff
//   matches anything; the comparison is in the current data format), IRQF when a flag is set
//   whose enable (register B PIE/AIE/UIE) is set. Flags are set whether or not enabled; an
//   emu::Timer on the virtual clock fires only for enabled, not yet pending ones. Setting SET
//   clears UIE. Register D reads 0x80 (VRT: the battery is good).
// - Board reset: PIE, AIE, UIE and SQWE and every flag of register C clear; the time, the
//   rest of the registers and the RAM stay. No square-wave output, no daylight-saving (DSE is
//   only stored), no lost-tick compensation.
#include <emu/device.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i64 = std::int64_t;

constexpr i64 kNsPerSecond = 1'000'000'000;
constexpr i64 kTicksPerSecond = 32768;      // the time base after the divider
constexpr i64 kUipNs = 8 * kNsPerSecond / kTicksPerSecond;  // 244 us
constexpr i64 kNever = std::numeric_limits<i64>::max();

// CMOS indices.
enum : unsigned {
    kSeconds = 0x00, kSecondsAlarm = 0x01, kMinutes = 0x02, kMinutesAlarm = 0x03, kHours = 0x04,
    kHoursAlarm = 0x05, kDayOfWeek = 0x06, kDate = 0x07, kMonth = 0x08, kYear = 0x09, kRegA = 0x0a,
    kRegB = 0x0b, kRegC = 0x0c, kRegD = 0x0d, kCentury = 0x32,
};
// Register A.
constexpr u8 kAUip = 0x80, kADivider = 0x70, kARate = 0x0f;
// Register B.
constexpr u8 kBSet = 0x80, kBPie = 0x40, kBAie = 0x20, kBUie = 0x10, kBSqwe = 0x08, kBBinary = 0x04,
             kB24h = 0x02;
// Register C.
constexpr u8 kCIrqf = 0x80, kCPf = 0x40, kCAf = 0x20, kCUf = 0x10, kCFlags = kCPf | kCAf | kCUf;
// Register D.
constexpr u8 kDVrt = 0x80;

std::string hex(u64 value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
    return buffer;
}

i64 floor_div(i64 a, i64 b) {
    i64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}
i64 floor_mod(i64 a, i64 b) { return a - floor_div(a, b) * b; }

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
i64 days_from_civil(i64 y, unsigned m, unsigned d) {
    y -= m <= 2;
    const i64 era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<i64>(doe) - 719468;
}

struct Civil {
    i64 year;
    unsigned month, day, hour, minute, second, weekday;  // weekday 0 = Sunday
};

Civil civil_from_seconds(i64 seconds) {
    const i64 days = floor_div(seconds, 86400);
    const auto tod = static_cast<unsigned>(floor_mod(seconds, 86400));
    const i64 z = days + 719468;
    const i64 era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    Civil c{};
    c.day = doy - (153 * mp + 2) / 5 + 1;
    c.month = mp < 10 ? mp + 3 : mp - 9;
    c.year = static_cast<i64>(yoe) + era * 400 + (c.month <= 2);
    c.hour = tod / 3600;
    c.minute = tod / 60 % 60;
    c.second = tod % 60;
    c.weekday = static_cast<unsigned>(floor_mod(days + 4, 7));  // 1970-01-01 was a Thursday
    return c;
}

class Mc146818Rtc final : public emu::Device {
public:
    enum class Base { Utc, Localtime };

    Mc146818Rtc() {
        ports_ = emu::MemoryRegion::mmio(
            "rtc", 2,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return offset == 0 ? 0xff : read_data(); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 if (offset == 0) write_index(static_cast<u8>(value));
                 else write_data(static_cast<u8>(value));
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        init_mmio(*ports_);
        init_gpio_out("", &irq_);
        init_gpio_out("nmi-mask", &nmi_mask_);
    }

    static void class_init(emu::ClassBuilder<Mc146818Rtc>& c) {
        c.set_bus("isa");
        auto& iobase = c.integer("iobase", &Mc146818Rtc::iobase_, u32{0x70}, "index port (the data port follows)")
                           .range(0, 0xfffe)
                           .property();
        iobase.default_value = "0x70";
        iobase.print = [](const emu::Object& o) { return hex(dynamic_cast<const Mc146818Rtc&>(o).iobase_); };
        c.integer("irq", &Mc146818Rtc::irq_number_, u32{8}, "ISA IRQ of the interrupt line").range(0, 15);
        c.enumeration("base", &Mc146818Rtc::base_, {{"utc", Base::Utc}, {"localtime", Base::Localtime}},
                      Base::Utc, "what the clock is set to at start-up");
    }

    void reset() override {
        const emu::ClockNs now = vnow();
        cmos_[kRegB] &= static_cast<u8>(~(kBPie | kBAie | kBUie | kBSqwe));
        cmos_[kRegC] = 0;
        last_sync_ = now;
        update_irq();
        rearm(now);
    }

protected:
    void do_realize() override {
        emu::Machine* m = machine();
        if (!m) throw emu::Error(display_name() + ": needs a machine (it runs on the machine's event loop)");
        loop_ = &m->loop();
        timer_ = std::make_unique<emu::Timer>(*loop_, emu::ClockType::Virtual, [this] { timer_fired(); });

        cmos_.fill(0);
        cmos_[kRegA] = 0x26;  // 32.768 kHz time base, 1024 Hz periodic rate
        cmos_[kRegB] = kB24h;
        cmos_[kRegC] = 0;
        cmos_[kRegD] = kDVrt;

        const auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        i64 seconds = floor_div(wall, kNsPerSecond);
        if (base_ == Base::Localtime) {
            const auto t = static_cast<std::time_t>(seconds);
            std::tm local{};
            if (localtime_r(&t, &local)) seconds += local.tm_gmtoff;
        }
        const emu::ClockNs now = vnow();
        origin_ns_ = now - floor_mod(wall, kNsPerSecond);  // tick in step with the host's seconds
        base_seconds_ = seconds;
        last_sync_ = now;
        alarm_valid_ = false;
        sync_time_regs(now);
        update_irq();
    }

    void do_unrealize() override { timer_.reset(); }

private:
    emu::ClockNs vnow() const { return loop_->now(emu::ClockType::Virtual); }

    bool binary() const { return cmos_[kRegB] & kBBinary; }
    bool divider_running() const { return (cmos_[kRegA] & kADivider) <= 0x20; }
    bool running() const { return divider_running() && !(cmos_[kRegB] & kBSet); }
    // Periodic interval in 32.768 kHz ticks, 0 = none.
    i64 period_ticks() const {
        unsigned rate = cmos_[kRegA] & kARate;
        if (rate == 0 || !divider_running()) return 0;
        if (rate <= 2) rate += 7;
        return i64{1} << (rate - 1);
    }

    u8 encode(unsigned value) const {
        return static_cast<u8>(binary() ? value : ((value / 10) << 4 | value % 10));
    }
    unsigned decode(u8 value) const { return binary() ? value : (value >> 4) * 10u + (value & 0x0fu); }
    u8 encode_hours(unsigned hour) const {
        if (cmos_[kRegB] & kB24h) return encode(hour);
        const unsigned h12 = hour % 12 == 0 ? 12 : hour % 12;
        return static_cast<u8>(encode(h12) | (hour >= 12 ? 0x80 : 0));
    }
    unsigned decode_hours(u8 value) const {
        if (cmos_[kRegB] & kB24h) return decode(value);
        return decode(value & 0x7f) % 12 + ((value & 0x80) ? 12 : 0);
    }

    // The clock's seconds at virtual time t (while running).
    i64 seconds_at(emu::ClockNs t) const { return base_seconds_ + floor_div(t - origin_ns_, kNsPerSecond); }
    // 32.768 kHz ticks of the divider since origin at virtual time t.
    i64 ticks_at(emu::ClockNs t) const {
        const i64 d = t - origin_ns_;
        return floor_div(d, kNsPerSecond) * kTicksPerSecond +
               floor_mod(d, kNsPerSecond) * kTicksPerSecond / kNsPerSecond;
    }
    // The first virtual time at which ticks_at() reaches tick.
    emu::ClockNs tick_time(i64 tick) const {
        const i64 whole = floor_div(tick, kTicksPerSecond), part = floor_mod(tick, kTicksPerSecond);
        return origin_ns_ + whole * kNsPerSecond + (part * kNsPerSecond + kTicksPerSecond - 1) / kTicksPerSecond;
    }
    emu::ClockNs second_time(i64 seconds) const { return origin_ns_ + (seconds - base_seconds_) * kNsPerSecond; }

    // Write the running clock's time into the time registers.
    void sync_time_regs(emu::ClockNs now) {
        const Civil c = civil_from_seconds(seconds_at(now));
        cmos_[kSeconds] = encode(c.second);
        cmos_[kMinutes] = encode(c.minute);
        cmos_[kHours] = encode_hours(c.hour);
        cmos_[kDayOfWeek] = encode(c.weekday + 1);
        cmos_[kDate] = encode(c.day);
        cmos_[kMonth] = encode(c.month);
        cmos_[kYear] = encode(static_cast<unsigned>(floor_mod(c.year, 100)));
        cmos_[kCentury] = encode(static_cast<unsigned>(floor_mod(floor_div(c.year, 100), 100)));
    }

    // Start the clock from the time registers, keeping the divider's phase.
    void set_time_from_regs(emu::ClockNs now) {
        unsigned month = decode(cmos_[kMonth]);
        if (month < 1 || month > 12) month = 1;
        const i64 year = i64{decode(cmos_[kCentury])} * 100 + decode(cmos_[kYear]);
        const i64 days = days_from_civil(year, month, 1) + decode(cmos_[kDate]) - 1;
        const i64 seconds = days * 86400 + i64{decode_hours(cmos_[kHours])} * 3600 +
                            i64{decode(cmos_[kMinutes])} * 60 + decode(cmos_[kSeconds]);
        base_seconds_ = seconds - floor_div(now - origin_ns_, kNsPerSecond);
        alarm_valid_ = false;
    }

    bool alarm_matches(i64 seconds) const {
        const Civil c = civil_from_seconds(seconds);
        auto match = [](u8 alarm, u8 value) { return (alarm & 0xc0) == 0xc0 || alarm == value; };
        return match(cmos_[kSecondsAlarm], encode(c.second)) && match(cmos_[kMinutesAlarm], encode(c.minute)) &&
               match(cmos_[kHoursAlarm], encode_hours(c.hour));
    }

    // The first second after `from` at which the alarm matches, or kNever.
    i64 next_alarm(i64 from) const {
        const i64 minute_start = floor_div(from, 60) * 60;
        for (i64 k = 0; k <= 24 * 60; ++k) {
            const i64 start = minute_start + 60 * k;
            const u8 alarm_s = cmos_[kSecondsAlarm];
            if ((alarm_s & 0xc0) == 0xc0) {
                const i64 candidate = k == 0 ? from + 1 : start;
                if (candidate < start + 60 && alarm_matches(candidate)) return candidate;
            } else {
                const unsigned s = decode(alarm_s);
                if (s > 59 || encode(s) != alarm_s) return kNever;  // no second ever shows this value
                const i64 candidate = start + s;
                if (candidate > from && alarm_matches(candidate)) return candidate;
            }
        }
        return kNever;
    }

    // Set the register C flags for everything that happened in (last_sync_, now].
    void sync_flags(emu::ClockNs now) {
        if (now <= last_sync_) return;
        if (const i64 period = period_ticks())
            if (floor_div(ticks_at(now), period) > floor_div(ticks_at(last_sync_), period)) cmos_[kRegC] |= kCPf;
        if (running()) {
            const i64 before = seconds_at(last_sync_), after = seconds_at(now);
            if (after > before) {
                cmos_[kRegC] |= kCUf;
                if (!alarm_valid_ || alarm_from_ > before || alarm_next_ <= before) {
                    alarm_next_ = next_alarm(before);
                    alarm_from_ = before;
                    alarm_valid_ = true;
                }
                if (alarm_next_ <= after) {
                    cmos_[kRegC] |= kCAf;
                    alarm_next_ = next_alarm(after);
                    alarm_from_ = after;
                }
            }
        }
        last_sync_ = now;
    }

    u8 irqf() const { return (cmos_[kRegC] & cmos_[kRegB] & kCFlags) ? kCIrqf : 0; }

    void update_irq() {
        const bool level = irqf() != 0;
        if (level == irq_level_) return;
        irq_level_ = level;
        irq_[0].set(level);
    }

    // Arm the timer for the next event whose interrupt is enabled and not already pending.
    void rearm(emu::ClockNs now) {
        emu::ClockNs next = kNever;
        const u8 waiting = cmos_[kRegB] & static_cast<u8>(~cmos_[kRegC]) & kCFlags;
        if (waiting & kCPf)
            if (const i64 period = period_ticks())
                next = std::min(next, tick_time((floor_div(ticks_at(now), period) + 1) * period));
        if (running() && (waiting & (kCUf | kCAf))) {
            const i64 current = seconds_at(now);
            if (waiting & kCUf) next = std::min(next, second_time(current + 1));
            if (waiting & kCAf) {
                if (!alarm_valid_ || alarm_from_ > current || alarm_next_ <= current) {
                    alarm_next_ = next_alarm(current);
                    alarm_from_ = current;
                    alarm_valid_ = true;
                }
                if (alarm_next_ != kNever) next = std::min(next, second_time(alarm_next_));
            }
        }
        if (next == kNever) timer_->cancel();
        else timer_->arm(next);
    }

    void timer_fired() {
        const emu::ClockNs now = vnow();
        sync_flags(now);
        update_irq();
        rearm(now);
    }

    // ---- Ports ----

    void write_index(u8 value) {
        index_ = value & 0x7f;
        const bool masked = value & 0x80;
        if (masked != nmi_masked_) {
            nmi_masked_ = masked;
            nmi_mask_[0].set(masked);
        }
    }

    static bool is_time_register(unsigned index) {
        switch (index) {
        case kSeconds: case kMinutes: case kHours: case kDayOfWeek: case kDate: case kMonth: case kYear:
        case kCentury: return true;
        default: return false;
        }
    }

    u8 read_data() {
        const emu::ClockNs now = vnow();
        if (is_time_register(index_)) {
            if (running()) sync_time_regs(now);
            return cmos_[index_];
        }
        switch (index_) {
        case kRegA: {
            const bool uip = running() && floor_mod(now - origin_ns_, kNsPerSecond) >= kNsPerSecond - kUipNs;
            return static_cast<u8>((cmos_[kRegA] & ~kAUip) | (uip ? kAUip : 0));
        }
        case kRegC: {
            sync_flags(now);
            const u8 value = static_cast<u8>(cmos_[kRegC] | irqf());
            cmos_[kRegC] = 0;
            update_irq();
            rearm(now);
            return value;
        }
        case kRegD: return kDVrt;
        default: return cmos_[index_];
        }
    }

    void write_data(u8 value) {
        const unsigned index = index_;
        const bool time = is_time_register(index);
        const bool clock = time || index == kSecondsAlarm || index == kMinutesAlarm || index == kHoursAlarm ||
                           index == kRegA || index == kRegB;
        if (index == kRegC || index == kRegD) return;  // read-only
        if (!clock) {
            cmos_[index] = value;  // RAM
            return;
        }
        // Everything up to now happened with the old settings.
        const emu::ClockNs now = vnow();
        sync_flags(now);
        const bool was_running = running(), divider_was_running = divider_running();
        if (was_running) sync_time_regs(now);
        if (index == kRegA) {
            cmos_[kRegA] = value & static_cast<u8>(~kAUip);
        } else if (index == kRegB) {
            if (value & kBSet) value &= static_cast<u8>(~kBUie);  // SET clears UIE
            cmos_[kRegB] = value;
        } else {
            cmos_[index] = value;
        }
        if (!divider_was_running && divider_running()) {
            origin_ns_ = now - kNsPerSecond / 2;  // the first update comes half a second later
            last_sync_ = now;
        }
        if (running() && (!was_running || time)) set_time_from_regs(now);
        alarm_valid_ = false;
        update_irq();
        rearm(now);
    }

    u32 iobase_ = 0x70, irq_number_ = 8;
    Base base_ = Base::Utc;

    emu::EventLoop* loop_ = nullptr;
    std::unique_ptr<emu::Timer> timer_;

    std::array<u8, 128> cmos_{};
    unsigned index_ = 0;
    bool nmi_masked_ = false;

    emu::ClockNs origin_ns_ = 0;  // a virtual time at which the divider starts a second
    i64 base_seconds_ = 0;        // the clock's seconds (since 1970, of the registers' calendar) then
    emu::ClockNs last_sync_ = 0;  // register C's flags account for events up to here
    bool alarm_valid_ = false;    // alarm_next_ is the first match after alarm_from_
    i64 alarm_from_ = 0, alarm_next_ = kNever;

    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    std::vector<emu::IrqLine> nmi_mask_ = std::vector<emu::IrqLine>(1);
    bool irq_level_ = false;
    std::unique_ptr<emu::MemoryRegion> ports_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "mc146818rtc",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "MC146818 real-time clock and CMOS RAM (PC RTC)",
               .factory = emu::factory_of<Mc146818Rtc>(),
               .class_init = emu::class_init_of<Mc146818Rtc>(&Mc146818Rtc::class_init)});
}

}  // namespace

EMU_PLUGIN(mc146818, "1.0.0", "MC146818 real-time clock and CMOS RAM (mc146818rtc)", "MIT", register_types);
