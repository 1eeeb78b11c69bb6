// ARM PrimeCell PS/2 keyboard/mouse interface (PL050 KMI) with its PS/2 device.
//
// Type "pl050". Property device: keyboard (default) or mouse, the PS/2 device plugged into it
// (QEMU's pl050_keyboard and pl050_mouse).
//
// Wiring, for boards:
//   mmio(0)            4 KiB of registers
//   gpio_out("", 0)    KMIINTR ((KMIIR.RXINTR and CR.RXINTREn) or (TXINTR and CR.TXINTREn))
//
// Model (PL050 TRM, 3.3): transmission is instantaneous, so the transmit register is always
// empty (STAT.TXEMPTY, IR.TXINTR). A byte written to DATA goes to the PS/2 device (ps2_device.h),
// whose answers are read back one at a time from DATA; STAT.RXFULL and IR.RXINTR are set while
// an answer waits. CR.KmiEn must be set for bytes to go out.
#include <emu/device.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "ps2_device.h"

namespace pl050 {
namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

enum : unsigned { kCr = 0x00, kStat = 0x04, kData = 0x08, kClkDiv = 0x0c, kIr = 0x10 };
// CR bits.
constexpr u32 kCrEnable = 1u << 2, kCrTxIntEnable = 1u << 3, kCrRxIntEnable = 1u << 4;
// STAT bits: data and clock lines idle high, receive full, transmit empty.
constexpr u32 kStatDataIn = 1u << 0, kStatClkIn = 1u << 1, kStatRxFull = 1u << 4, kStatTxEmpty = 1u << 6;
// IR bits.
constexpr u32 kIrRx = 1u << 0, kIrTx = 1u << 1;
// PeriphID0..3 and PCellID0..3 at 0xfe0..0xffc: 0x00041050 and 0xb105f00d.
constexpr std::array<u32, 8> kId = {0x50, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

class Pl050 final : public emu::Device {
public:
    Pl050() {
        regs_ = emu::MemoryRegion::mmio(
            "pl050", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_out("", &irq_);
    }

    static void class_init(emu::ClassBuilder<Pl050>& c) {
        c.enumeration("device", &Pl050::kind_,
                      {{"keyboard", Ps2Device::Kind::Keyboard}, {"mouse", Ps2Device::Kind::Mouse}},
                      Ps2Device::Kind::Keyboard, "the PS/2 device behind the interface");
    }

    void reset() override {
        cr_ = 0;
        clkdiv_ = 0;
        if (device_) device_->reset();
        update();
    }

protected:
    void do_realize() override {
        device_ = std::make_unique<Ps2Device>(kind_);
        reset();
    }

private:
    u64 read(unsigned offset) {
        switch (offset) {
        case kCr: return cr_;
        case kStat: return kStatDataIn | kStatClkIn | kStatTxEmpty | (device_->has_data() ? kStatRxFull : 0);
        case kData: {
            const u32 byte = device_->read();
            update();
            return byte;
        }
        case kClkDiv: return clkdiv_;
        case kIr: return interrupts();
        default: break;
        }
        if (offset >= 0xfe0 && offset < 0x1000) return kId[(offset - 0xfe0) / 4];
        return 0;
    }

    void write(unsigned offset, u32 value) {
        switch (offset) {
        case kCr: cr_ = value & 0x3f; break;
        case kData:
            if (cr_ & kCrEnable) device_->write(static_cast<std::uint8_t>(value));
            break;
        case kClkDiv: clkdiv_ = value & 0xf; break;
        default: return;
        }
        update();
    }

    u32 interrupts() const { return kIrTx | (device_->has_data() ? kIrRx : 0); }

    void update() {
        const u32 ir = interrupts();
        const bool level = ((ir & kIrRx) && (cr_ & kCrRxIntEnable)) || ((ir & kIrTx) && (cr_ & kCrTxIntEnable));
        if (level == level_) return;
        level_ = level;
        irq_[0].set(level);
    }

    Ps2Device::Kind kind_ = Ps2Device::Kind::Keyboard;
    std::unique_ptr<Ps2Device> device_;
    u32 cr_ = 0, clkdiv_ = 0;
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    bool level_ = false;
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "pl050",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Input,
               .description = "ARM PrimeCell PS/2 keyboard/mouse interface (PL050 KMI)",
               .factory = emu::factory_of<Pl050>(),
               .class_init = emu::class_init_of<Pl050>(&Pl050::class_init)});
}

}  // namespace
}  // namespace pl050

EMU_PLUGIN(pl050, "1.0.0", "ARM PL050 keyboard/mouse interface", "MIT", pl050::register_types);
