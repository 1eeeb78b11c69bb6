// The Versatile Express motherboard's system registers (V2M-P1 TRM 4.3, "System registers").
//
// Type "vexpress-sysregs". Properties:
//   sys-id      SYS_ID (default 0x1190f500: rev 1, HBI 0x190, build f, AXI bus, as QEMU)
//   proc-id0    SYS_PROCID0, the tile in site 1 (default 0x14000237: CoreTile A15x2, HBI 0x237)
//   proc-id1    SYS_PROCID1, the tile in site 2 (default 0xff000000: none)
//   mb-osc      motherboard oscillators OSC0..5 in Hz, comma-separated
//   db-osc      daughterboard oscillators OSCCLK0..n in Hz (default: the A15 tile's)
//   db-voltage  daughterboard voltage rails in µV (default: the A15 tile's Vcore, 0.9 V)
//
// Wiring, for boards:
//   mmio(0)            4 KiB of registers
//   gpio_in("mci", 0)  the MMC slot's card-detect switch (SYS_MCI bit 0, MCI_CARDIN)
//   gpio_in("mci", 1)  its write-protect switch (SYS_MCI bit 1, MCI_WPROT)
//
// Model: SYS_24MHZ and SYS_100HZ count on the virtual clock from the last reset. SYS_FLAGS is
// the boot monitor's mailbox (SYS_FLAGSSET ORs, SYS_FLAGSCLR clears; Linux writes the secondary
// CPUs' entry point there) and is cleared by a reset; SYS_NVFLAGS survives it. SYS_LOCK guards
// nothing but reads back locked unless 0xa05f was written. SYS_CFGCTRL runs a configuration
// bus transfer (config_bus.h) as soon as it is written with START: SYS_CFGSTAT then reads
// COMPLETE (and ERROR if nothing answered), START reads back clear, and a read's result is in
// SYS_CFGDATA. The bus's SHUTDOWN ends emu with status 0 and REBOOT/RESET reset the board (or end
// it, with -no-reboot), through the machine. Other registers are storage.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config_bus.h"

namespace vexpress {
namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

enum : unsigned {
    kSysId = 0x00, kSysSw = 0x04, kSysLed = 0x08, kSysLock = 0x20, kSys100Hz = 0x24,
    kSysFlags = 0x30, kSysFlagsClr = 0x34, kSysNvFlags = 0x38, kSysNvFlagsClr = 0x3c,
    kSysResetCtl = 0x40, kSysPciCtl = 0x44, kSysMci = 0x48, kSysFlash = 0x4c, kSysBootCs = 0x58,
    kSys24MHz = 0x5c, kSysMisc = 0x60, kSysBusId = 0x80, kSysProcId0 = 0x84, kSysProcId1 = 0x88,
    kSysCfgData = 0xa0, kSysCfgCtrl = 0xa4, kSysCfgStat = 0xa8,
};
constexpr u32 kLockKey = 0xa05f, kLocked = 1u << 16;
// SYS_CFGCTRL fields.
constexpr u32 kCfgStart = 1u << 31, kCfgWrite = 1u << 30;
constexpr unsigned kCfgFunctionShift = 20, kCfgSiteShift = 16;
constexpr u32 kCfgFunctionMask = 0x3f, kCfgSiteMask = 0x3, kCfgDeviceMask = 0xfff;
// SYS_CFGSTAT bits.
constexpr u32 kCfgComplete = 1u << 0, kCfgError = 1u << 1;
constexpr unsigned kRegisterWords = 0x100 / 4;

std::vector<u32> parse_list(const std::string& name, const std::string& text) {
    std::vector<u32> values;
    std::size_t at = 0;
    while (at <= text.size() && !text.empty()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, comma - at);
        u32 value = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size())
            throw emu::Error("property '" + name + "': '" + text + "' is not a comma-separated list of numbers");
        values.push_back(value);
        at = comma + 1;
    }
    return values;
}

class SysRegs final : public emu::Device {
public:
    SysRegs() {
        regs_ = emu::MemoryRegion::mmio(
            "vexpress-sysregs", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 4, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_in("mci", 2, [this](unsigned n, bool level) {
            const u32 bit = 1u << n;
            mci_ = level ? (mci_ | bit) : (mci_ & ~bit);
        });
    }

    static void class_init(emu::ClassBuilder<SysRegs>& c) {
        c.integer("sys-id", &SysRegs::sys_id_, u32{0x1190f500}, "SYS_ID: board revision, HBI, build and bus");
        c.integer("proc-id0", &SysRegs::proc_id0_, u32{0x14000237}, "SYS_PROCID0: the tile in site 1 (A15x2)");
        c.integer("proc-id1", &SysRegs::proc_id1_, u32{0xff000000}, "SYS_PROCID1: the tile in site 2 (none)");
        c.string("mb-osc", &SysRegs::mb_osc_, "50000000,23750000,24000000,24000000,24000000,24000000",
                 "motherboard oscillators OSC0..5 in Hz, comma-separated");
        c.string("db-osc", &SysRegs::db_osc_, "60000000,0,0,0,40000000,23750000,50000000,60000000,40000000",
                 "daughterboard oscillators OSCCLK0..n in Hz, comma-separated");
        c.string("db-voltage", &SysRegs::db_voltage_, "900000", "daughterboard voltage rails in microvolts, comma-separated");
    }

    void reset() override {
        for (unsigned i = 0; i < kRegisterWords; ++i)
            if (i * 4 != kSysNvFlags) regs_words_[i] = 0;
        lock_ = 0;
        cfgstat_ = 0;
        epoch_ = now();
        if (bus_) bus_->reset();
    }

protected:
    void do_realize() override {
        emu::Machine* m = machine();
        if (!m) throw emu::Error(display_name() + ": needs a machine (it powers it off and resets it)");
        loop_ = &m->loop();
        ConfigBusSetup setup{.mb_osc = parse_list("mb-osc", mb_osc_),
                             .db_osc = parse_list("db-osc", db_osc_),
                             .db_voltage = parse_list("db-voltage", db_voltage_),
                             .shutdown = [m] { m->request_shutdown(0); },
                             .reboot = [m] { m->request_reset(); }};
        bus_ = std::make_unique<ConfigBus>(std::move(setup));
        regs_words_.fill(0);
        reset();
    }

    void do_unrealize() override { bus_.reset(); }

private:
    emu::ClockNs now() const { return loop_->now(emu::ClockType::Virtual); }
    u32 ticks(u64 hz) const {
        const u64 ns = static_cast<u64>(now() - epoch_);
        return static_cast<u32>((ns / 1'000'000'000) * hz + (ns % 1'000'000'000) * hz / 1'000'000'000);
    }

    u64 read(unsigned offset) const {
        switch (offset) {
        case kSysId: return sys_id_;
        case kSysLock: return lock_ | (lock_ == kLockKey ? 0 : kLocked);
        case kSys100Hz: return ticks(100);
        case kSys24MHz: return ticks(24'000'000);
        case kSysFlagsClr: case kSysNvFlagsClr: return 0;
        case kSysResetCtl: case kSysPciCtl: case kSysBootCs: case kSysMisc: case kSysBusId: return 0;
        case kSysMci: return mci_;
        case kSysProcId0: return proc_id0_;
        case kSysProcId1: return proc_id1_;
        case kSysCfgStat: return cfgstat_;
        default: break;
        }
        return offset < 0x100 ? regs_words_[offset / 4] : 0;
    }

    void write(unsigned offset, u32 value) {
        u32& reg = regs_words_[offset < 0x100 ? offset / 4 : 0];
        switch (offset) {
        case kSysId: case kSys100Hz: case kSys24MHz: case kSysMci: case kSysBootCs: case kSysMisc:
        case kSysBusId: case kSysProcId0: case kSysProcId1: case kSysResetCtl: case kSysPciCtl:
            return;  // read-only (or reserved on this board)
        case kSysLed: reg = value & 0xff; return;
        case kSysLock: lock_ = value & 0xffff; return;
        case kSysFlags: regs_words_[kSysFlags / 4] |= value; return;
        case kSysFlagsClr: regs_words_[kSysFlags / 4] &= ~value; return;
        case kSysNvFlags: regs_words_[kSysNvFlags / 4] |= value; return;
        case kSysNvFlagsClr: regs_words_[kSysNvFlags / 4] &= ~value; return;
        case kSysFlash: reg = value & 1; return;
        case kSysCfgStat: cfgstat_ = value & (kCfgComplete | kCfgError); return;
        case kSysCfgCtrl: config_transfer(value); return;
        default: break;
        }
        if (offset < 0x100) reg = value;
    }

    void config_transfer(u32 ctrl) {
        regs_words_[kSysCfgCtrl / 4] = ctrl & ~kCfgStart;  // the transfer is over at once
        if (!(ctrl & kCfgStart)) return;
        u32& data = regs_words_[kSysCfgData / 4];
        const bool ok = bus_->execute((ctrl >> kCfgFunctionShift) & kCfgFunctionMask, (ctrl >> kCfgSiteShift) & kCfgSiteMask,
                                      ctrl & kCfgDeviceMask, (ctrl & kCfgWrite) != 0, data);
        cfgstat_ = kCfgComplete | (ok ? 0 : kCfgError);
    }

    u32 sys_id_ = 0x1190f500, proc_id0_ = 0x14000237, proc_id1_ = 0xff000000;
    std::string mb_osc_, db_osc_, db_voltage_;

    emu::EventLoop* loop_ = nullptr;
    std::unique_ptr<ConfigBus> bus_;
    std::array<u32, kRegisterWords> regs_words_{};
    u32 lock_ = 0, cfgstat_ = 0, mci_ = 0;
    emu::ClockNs epoch_ = 0;
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "vexpress-sysregs",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "Versatile Express motherboard system registers and configuration bus",
               .factory = emu::factory_of<SysRegs>(),
               .class_init = emu::class_init_of<SysRegs>(&SysRegs::class_init)});
}

}  // namespace
}  // namespace vexpress

EMU_PLUGIN(vexpress_sysregs, "1.0.0", "Versatile Express system registers", "MIT", vexpress::register_types);
