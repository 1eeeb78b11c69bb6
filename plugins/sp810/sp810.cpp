// ARM PrimeCell system controller (SP810), as on the Versatile Express motherboard.
//
// Type "sp810"; no properties.
//
// Wiring, for boards:
//   mmio(0)                  4 KiB of registers
//   gpio_out("timer-clock", n)  n = 0..3: TimerEnSel n (SCCTRL bit 15 + 2n): high when timer
//                            n's enable is TIMCLK (1 MHz on vexpress) rather than REFCLK (32 kHz)
//
// Model (SP810 TRM, 3.3): the registers Linux's clk-sp810 driver and firmware use. SCCTRL holds
// the mode request (ModeCtrl) and the timer clock selections; its ModeStatus field reads back
// NORMAL (the mode changes at once) and its reset value has every timer on REFCLK, as the TRM
// says. The PLL, crystal and peripheral clock-enable registers are plain storage (SCPEREN and
// SCPERDIS set and clear SCPERCLKEN). SCSYSID0..3 read the board's system ID (0). Nothing here
// changes how fast the board's SP804s count: emu's vexpress timers run on TIMCLK, which is what
// Linux selects through this device at boot.
#include <emu/device.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

enum : unsigned {
    kScCtrl = 0x000, kScSysStat = 0x004, kScIntMaskCtrl = 0x008, kScIntMaskStat = 0x00c,
    kScXtalCtrl = 0x010, kScPllCtrl = 0x014, kScPllFCtrl = 0x018, kScPerCtrl0 = 0x01c,
    kScPerCtrl1 = 0x020, kScPerEn = 0x024, kScPerDis = 0x028, kScPerClkEn = 0x02c,
    kScPerStat = 0x030,
};
constexpr u32 kModeCtrlMask = 0x7;
constexpr u32 kModeStatusShift = 3, kModeNormal = 0x4;
constexpr u32 kTimerEnSelMask = (1u << 15) | (1u << 17) | (1u << 19) | (1u << 21);
// Writable SCCTRL bits: ModeCtrl, remap/watchdog/HCLKDIV controls (8..14) and the timer selects.
constexpr u32 kScCtrlWritable = kModeCtrlMask | 0x7f00 | kTimerEnSelMask | (1u << 23);
// PeriphID0..3 and PCellID0..3 at 0xfe0..0xffc: 0x00041810 and 0xb105f00d.
constexpr std::array<u32, 8> kId = {0x10, 0x18, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

class Sp810 final : public emu::Device {
public:
    Sp810() {
        regs_ = emu::MemoryRegion::mmio(
            "sp810", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 4, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_out("timer-clock", &timer_clock_);
    }

    void reset() override {
        ctrl_ = kModeNormal;  // NORMAL requested, every timer on REFCLK
        sys_stat_ = int_mask_ctrl_ = xtal_ctrl_ = pll_ctrl_ = pll_fctrl_ = per_ctrl0_ = per_ctrl1_ = 0;
        per_clk_en_ = 0xffffffff;
        update_timer_clocks();
    }

protected:
    void do_realize() override { reset(); }

private:
    u64 read(unsigned offset) const {
        switch (offset) {
        case kScCtrl: return (ctrl_ & ~(0xfu << kModeStatusShift)) | (kModeNormal << kModeStatusShift);
        case kScSysStat: return sys_stat_;
        case kScIntMaskCtrl: return int_mask_ctrl_;
        case kScIntMaskStat: return 0;
        case kScXtalCtrl: return xtal_ctrl_;
        case kScPllCtrl: return pll_ctrl_;
        case kScPllFCtrl: return pll_fctrl_;
        case kScPerCtrl0: return per_ctrl0_;
        case kScPerCtrl1: return per_ctrl1_;
        case kScPerClkEn: return per_clk_en_;
        case kScPerStat: return per_clk_en_;
        default: break;
        }
        if (offset >= 0xfe0 && offset < 0x1000) return kId[(offset - 0xfe0) / 4];
        return 0;  // SCSYSID0..3, SCPERIPHID, integration test registers
    }

    void write(unsigned offset, u32 value) {
        switch (offset) {
        case kScCtrl:
            ctrl_ = value & kScCtrlWritable;
            update_timer_clocks();
            break;
        case kScSysStat: sys_stat_ = value; break;
        case kScIntMaskCtrl: int_mask_ctrl_ = value & 1; break;
        case kScXtalCtrl: xtal_ctrl_ = value; break;
        case kScPllCtrl: pll_ctrl_ = value; break;
        case kScPllFCtrl: pll_fctrl_ = value; break;
        case kScPerCtrl0: per_ctrl0_ = value; break;
        case kScPerCtrl1: per_ctrl1_ = value; break;
        case kScPerEn: per_clk_en_ |= value; break;
        case kScPerDis: per_clk_en_ &= ~value; break;
        default: break;  // read-only or reserved
        }
    }

    void update_timer_clocks() {
        for (unsigned n = 0; n < timer_clock_.size(); ++n) {
            const bool timclk = ctrl_ & (1u << (15 + 2 * n));
            if (timclk != timer_clock_level_[n]) {
                timer_clock_level_[n] = timclk;
                timer_clock_[n].set(timclk);
            }
        }
    }

    u32 ctrl_ = kModeNormal, sys_stat_ = 0, int_mask_ctrl_ = 0, xtal_ctrl_ = 0, pll_ctrl_ = 0,
        pll_fctrl_ = 0, per_ctrl0_ = 0, per_ctrl1_ = 0, per_clk_en_ = 0xffffffff;
    std::vector<emu::IrqLine> timer_clock_ = std::vector<emu::IrqLine>(4);
    std::array<bool, 4> timer_clock_level_{};
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "sp810",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "ARM PrimeCell system controller (SP810)",
               .factory = emu::factory_of<Sp810>(),
               .class_init = {}});
}

}  // namespace

EMU_PLUGIN(sp810, "1.0.0", "ARM SP810 system controller", "MIT", register_types);
