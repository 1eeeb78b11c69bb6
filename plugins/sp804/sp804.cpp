// ARM dual-input timer module (SP804), as on the Versatile Express motherboard.
//
// Type "sp804". Properties: freq0, freq1 (Hz of each timer's TIMCLK; default 1 MHz, the
// vexpress reference clock the SP810 selects).
//
// Wiring, for boards:
//   mmio(0)            4 KiB of registers: timer 1 at 0x00, timer 2 at 0x20, IDs at 0xfe0
//   gpio_out("", 0)    TIMINTC, the combined interrupt (either timer's MIS)
//
// Model (SP804 TRM, 3.2): each timer is a 32- or 16-bit down-counter on the virtual clock
// (emu::ClockType::Virtual), divided by 1, 16 or 256. When it reaches zero it raises its
// interrupt; the next tick reloads it from Load (periodic), from the maximum (free-running) or
// it stays at zero (one-shot). So a periodic timer loaded with N interrupts every N+1 ticks.
// The counter is not stepped: its value is computed from the time it was last (re)started, and
// one emu::Timer per counter is armed for its next zero. Writing Load restarts the count from
// the new value; BGLoad only changes the reload value.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <algorithm>
#include <array>
#include <functional>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr u64 kNsPerSecond = 1'000'000'000;
// A counter reloaded with a tiny value fires at most this often (a guest cannot flood the loop).
constexpr emu::ClockNs kMinIntervalNs = 10'000;

// Per-timer registers (offset within the timer's 0x20 bytes).
enum : unsigned { kLoad = 0x00, kValue = 0x04, kControl = 0x08, kIntClr = 0x0c, kRis = 0x10, kMis = 0x14, kBgLoad = 0x18 };
// Control bits.
constexpr u32 kOneShot = 1u << 0, kSize32 = 1u << 1, kPrescaleShift = 2, kIntEnable = 1u << 5,
              kPeriodic = 1u << 6, kEnable = 1u << 7;
constexpr u32 kControlReset = kIntEnable;
// PeriphID0..3 and PCellID0..3 at 0xfe0..0xffc: 0x00141804 and 0xb105f00d.
constexpr std::array<u32, 8> kId = {0x04, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

class Counter {
public:
    Counter(emu::EventLoop& loop, std::function<void()> expired)
        : loop_(loop), timer_(loop, emu::ClockType::Virtual, [this, expired] {
              ris_ = true;
              arm();
              expired();
          }) {}

    void set_frequency(u32 hz) { hz_ = hz; }

    void reset() {
        timer_.cancel();
        control_ = kControlReset;
        load_ = 0;
        value_ = 0xffffffff;
        ris_ = false;
        start_ = now();
    }

    u32 read(unsigned reg) const {
        switch (reg) {
        case kLoad: case kBgLoad: return load_;
        case kValue: return current();
        case kControl: return control_;
        case kRis: return ris_ ? 1 : 0;
        case kMis: return interrupt() ? 1 : 0;
        default: return 0;
        }
    }

    void write(unsigned reg, u32 value) {
        switch (reg) {
        case kLoad:
            load_ = value;
            value_ = value & mask();
            start_ = now();
            break;
        case kBgLoad: load_ = value; rebase(); break;
        case kControl: {
            rebase();  // the count so far runs at the old settings
            control_ = value & 0xef;
            value_ &= mask();
            break;
        }
        case kIntClr: ris_ = false; break;
        default: return;
        }
        arm();
    }

    bool interrupt() const { return ris_ && (control_ & kIntEnable); }

private:
    bool enabled() const { return control_ & kEnable; }
    u32 mask() const { return (control_ & kSize32) ? 0xffffffffu : 0xffffu; }
    u64 rate() const {
        static constexpr unsigned kShift[4] = {0, 4, 8, 8};  // 0b11 is undefined: /256 as QEMU
        return hz_ >> kShift[(control_ >> kPrescaleShift) & 3];
    }
    u32 reload() const { return (control_ & kPeriodic) ? (load_ & mask()) : mask(); }
    emu::ClockNs now() const { return loop_.now(emu::ClockType::Virtual); }

    // Whole ticks in an interval, and the interval that `ticks` ticks take (rounded up).
    u64 ticks_in(emu::ClockNs ns) const {
        const u64 t = ns > 0 ? static_cast<u64>(ns) : 0;
        return (t / kNsPerSecond) * rate() + (t % kNsPerSecond) * rate() / kNsPerSecond;
    }
    emu::ClockNs ns_for(u64 ticks) const {
        const u64 r = rate();
        return static_cast<emu::ClockNs>((ticks / r) * kNsPerSecond + ((ticks % r) * kNsPerSecond + r - 1) / r);
    }

    // Counter value now: value_ at start_, counting down; past zero it reloads (period
    // reload()+1 ticks) or, one-shot, stays at zero.
    u32 current() const {
        if (!enabled() || rate() == 0) return value_;
        const u64 elapsed = ticks_in(now() - start_);
        if (elapsed <= value_) return static_cast<u32>(value_ - elapsed);
        if (control_ & kOneShot) return 0;
        const u64 period = u64{reload()} + 1;
        return static_cast<u32>(reload() - (elapsed - value_ - 1) % period);
    }

    void rebase() {
        value_ = current();
        start_ = now();
    }

    // Arm the timer for the next time the counter reaches zero.
    void arm() {
        timer_.cancel();
        if (!enabled() || rate() == 0) return;
        u64 elapsed = ticks_in(now() - start_);
        if (elapsed > (u64{1} << 32)) {  // keep the arithmetic small on long runs
            rebase();
            elapsed = 0;
        }
        u64 zero_at;
        if (elapsed < value_) {
            zero_at = value_;
        } else {
            if (control_ & kOneShot) return;  // halted at zero
            const u64 period = u64{reload()} + 1;
            zero_at = value_ + ((elapsed - value_) / period + 1) * period;
        }
        timer_.arm(std::max(start_ + ns_for(zero_at), now() + kMinIntervalNs));
    }

    emu::EventLoop& loop_;
    emu::Timer timer_;
    u64 hz_ = 1'000'000;
    u32 control_ = kControlReset, load_ = 0, value_ = 0xffffffff;
    emu::ClockNs start_ = 0;  // when the counter held value_
    bool ris_ = false;
};

class Sp804 final : public emu::Device {
public:
    Sp804() {
        regs_ = emu::MemoryRegion::mmio(
            "sp804", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_out("", &irq_);
    }

    static void class_init(emu::ClassBuilder<Sp804>& c) {
        c.integer("freq0", &Sp804::freq0_, u32{1'000'000}, "timer 1 clock (TIMCLK) in Hz").range(1, 1'000'000'000);
        c.integer("freq1", &Sp804::freq1_, u32{1'000'000}, "timer 2 clock (TIMCLK) in Hz").range(1, 1'000'000'000);
    }

    void reset() override {
        for (auto& counter : counters_) counter->reset();
        update();
    }

protected:
    void do_realize() override {
        emu::Machine* m = machine();
        if (!m) throw emu::Error(display_name() + ": needs a machine (it runs on the machine's event loop)");
        for (unsigned i = 0; i < 2; ++i) {
            counters_[i] = std::make_unique<Counter>(m->loop(), [this] { update(); });
            counters_[i]->set_frequency(i == 0 ? freq0_ : freq1_);
        }
        reset();
    }

    void do_unrealize() override {
        for (auto& counter : counters_) counter.reset();
    }

private:
    u64 read(unsigned offset) const {
        if (offset < 0x40) return counters_[offset / 0x20]->read(offset % 0x20);
        if (offset >= 0xfe0) return kId[(offset - 0xfe0) / 4];
        return 0;  // integration test registers read as zero
    }

    void write(unsigned offset, u32 value) {
        if (offset >= 0x40) return;
        counters_[offset / 0x20]->write(offset % 0x20, value);
        update();
    }

    void update() {
        const bool level = counters_[0]->interrupt() || counters_[1]->interrupt();
        if (level == level_) return;
        level_ = level;
        irq_[0].set(level);
    }

    u32 freq0_ = 1'000'000, freq1_ = 1'000'000;
    std::array<std::unique_ptr<Counter>, 2> counters_;
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    bool level_ = false;
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "sp804",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "ARM dual-input timer module (SP804)",
               .factory = emu::factory_of<Sp804>(),
               .class_init = emu::class_init_of<Sp804>(&Sp804::class_init)});
}

}  // namespace

EMU_PLUGIN(sp804, "1.0.0", "ARM SP804 dual timer", "MIT", register_types);
