// System Control Port A (port 0x92, the PS/2 "fast A20 and reset" port of PC chipsets).
//
// Type "port92"; no properties; created by boards only. A machine is needed for the reset.
//
// Wiring, for boards:
//   mmio(0)            1 I/O port, mapped at 0x92
//   gpio_out("a20", 0) bit 1, the alternate A20 gate: high = A20 enabled. Chipsets OR it with
//                      the keyboard controller's A20 output (see the i8042 plugin); the board
//                      does the same. Low after power-on.
//
// Model (as QEMU's): a write stores the byte and drives the A20 line from bit 1; bit 0 going
// from 0 to 1 requests a machine reset (Machine::request_reset, which honours -no-reboot).
// Reads return the last byte written. A board reset clears bit 0 only (the fast reset is an
// INIT of the CPU that leaves the chipset, and so the A20 bit, alone) and drives the A20 line
// again from bit 1.
#include <emu/device.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace {

using u8 = std::uint8_t;
using u64 = std::uint64_t;

constexpr u8 kReset = 0x01, kA20 = 0x02;

class Port92 final : public emu::Device {
public:
    Port92() {
        port_ = emu::MemoryRegion::mmio(
            "port92", 1,
            {.read = [this](emu::Addr, unsigned) -> u64 { return value_; },
             .write = [this](emu::Addr, u64 value, unsigned) { write(static_cast<u8>(value)); },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        init_mmio(*port_);
        init_gpio_out("a20", &a20_);
    }

    void reset() override {
        value_ &= static_cast<u8>(~kReset);
        a20_[0].set(value_ & kA20);
    }

protected:
    void do_realize() override { value_ = 0; }

private:
    void write(u8 value) {
        const u8 old = value_;
        value_ = value;
        a20_[0].set(value & kA20);
        if ((value & kReset) && !(old & kReset))
            if (emu::Machine* m = machine()) m->request_reset();
    }

    u8 value_ = 0;
    std::vector<emu::IrqLine> a20_ = std::vector<emu::IrqLine>(1);
    std::unique_ptr<emu::MemoryRegion> port_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "port92",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "System Control Port A (fast A20 gate and reset, port 0x92)",
               .factory = emu::factory_of<Port92>(),
               .class_init = {}});
}

}  // namespace

EMU_PLUGIN(port92, "1.0.0", "System Control Port A (port 0x92)", "MIT", register_types);
