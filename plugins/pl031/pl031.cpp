// ARM PrimeCell real-time clock (PL031), as on the virt board.
//
// Type "pl031"; no properties. It must be realized under a machine: it runs on the machine's
// event loop (Object::machine()->loop()).
//
// Wiring, for boards:
//   mmio(0)            4 KiB of registers
//   gpio_out("", 0)    RTCINTR ((RIS & IMSC) != 0)
//
// Model: the counter (DR) is the host's wall-clock time in seconds since the epoch when the
// device is realized, plus the time elapsed since on the virtual clock (emu::ClockType::Virtual:
// it stands still while the machine is paused). A write to LR loads the counter; LR reads back
// the last value loaded. When the counter reaches MR, RIS is set: an emu::Timer on the virtual
// clock is armed for that second (a match register equal to the counter when written matches at
// once, as on QEMU). The counter always runs; CR.RTCStart reads back 1 once written with 1 and
// cannot be cleared but by reset. The counter survives a board reset (it is the battery-backed
// clock); the other registers return to their reset values.
#include <emu/device.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

enum : unsigned { kDr = 0x00, kMr = 0x04, kLr = 0x08, kCr = 0x0c, kImsc = 0x10, kRis = 0x14, kMis = 0x18, kIcr = 0x1c };
// PeriphID0..3 and PCellID0..3 at 0xfe0..0xffc: 0x00041031 and 0xb105f00d.
constexpr std::array<u32, 8> kId = {0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

class Pl031 final : public emu::Device {
public:
    Pl031() {
        regs_ = emu::MemoryRegion::mmio(
            "pl031", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_out("", &irq_);
    }

    void reset() override {
        mr_ = lr_ = cr_ = imsc_ = ris_ = 0;
        if (timer_) timer_->cancel();
        update();
    }

protected:
    void do_realize() override {
        emu::Machine* m = machine();
        if (!m) throw emu::Error(display_name() + ": needs a machine (it runs on the machine's event loop)");
        loop_ = &m->loop();
        timer_ = std::make_unique<emu::Timer>(*loop_, emu::ClockType::Virtual, [this] {
            ris_ |= 1;
            update();
        });
        const auto wall = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        tick_offset_ = static_cast<std::int64_t>(wall) - now_seconds();
        reset();
    }

    void do_unrealize() override { timer_.reset(); }

private:
    std::int64_t now_seconds() const { return loop_->now(emu::ClockType::Virtual) / kNsPerSecond; }
    u32 count() const { return static_cast<u32>(tick_offset_ + now_seconds()); }

    // Arm the timer for the second at which the counter becomes MR.
    void schedule_alarm() {
        const u32 ticks = mr_ - count();  // wraps like the counter does
        if (ticks == 0) {
            timer_->cancel();
            ris_ |= 1;
            return;
        }
        timer_->arm((now_seconds() + static_cast<std::int64_t>(ticks)) * kNsPerSecond);
    }

    u64 read(unsigned offset) {
        switch (offset) {
        case kDr: return count();
        case kMr: return mr_;
        case kLr: return lr_;
        case kCr: return cr_;
        case kImsc: return imsc_;
        case kRis: return ris_;
        case kMis: return ris_ & imsc_;
        default: break;
        }
        if (offset >= 0xfe0 && offset < 0x1000) return kId[(offset - 0xfe0) / 4];
        return 0;  // ICR is write-only; the rest is reserved
    }

    void write(unsigned offset, u32 value) {
        switch (offset) {
        case kMr: mr_ = value; schedule_alarm(); break;
        case kLr:
            lr_ = value;
            tick_offset_ = static_cast<std::int64_t>(value) - now_seconds();
            schedule_alarm();
            break;
        case kCr: cr_ |= value & 1; break;
        case kImsc: imsc_ = value & 1; break;
        case kIcr: ris_ &= ~(value & 1); break;
        default: return;  // DR, RIS and MIS are read-only
        }
        update();
    }

    void update() {
        const bool level = (ris_ & imsc_) != 0;
        if (level == irq_level_) return;
        irq_level_ = level;
        irq_[0].set(level);
    }

    emu::EventLoop* loop_ = nullptr;
    std::unique_ptr<emu::Timer> timer_;
    std::int64_t tick_offset_ = 0;  // counter = tick_offset_ + virtual seconds
    u32 mr_ = 0, lr_ = 0, cr_ = 0, imsc_ = 0, ris_ = 0;

    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    bool irq_level_ = false;
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "pl031",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "ARM PrimeCell real-time clock (PL031)",
               .factory = emu::factory_of<Pl031>(),
               .class_init = {}});
}

}  // namespace

EMU_PLUGIN(pl031, "1.0.0", "ARM PrimeCell PL031 real-time clock", "MIT", register_types);
