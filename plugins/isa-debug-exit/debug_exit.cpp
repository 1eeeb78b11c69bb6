// QEMU's "isa-debug-exit": a port that ends the emulator, for test guests.
//
// Type "isa-debug-exit" (user-creatable: -device isa-debug-exit,iobase=0xf4,iosize=0x04).
// Properties:
//   iobase   the first port (default 0x501, as QEMU)
//   iosize   how many ports (default 0x02, as QEMU; 1, 2 or 4)
// A write of value v to any of its ports asks the machine to shut down with exit status
// (v << 1) | 1, exactly as QEMU (so a guest cannot exit 0 by this path); reads return 0.
// The whole access is the value: a 16-bit write of 0x1234 exits with 0x2469 & 0xff as the
// process status, as QEMU.
//
// Wiring: a device created with -device (under /machine/peripheral*) maps itself at iobase in
// the I/O space of the machine's ISA bus (sdk isa.h); realize fails when the machine has none or
// the ports are taken. A board creating it maps mmio(0) at iobase itself. No interrupt.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/isa.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

std::string hex(u64 value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
    return buffer;
}

class IsaDebugExit final : public emu::Device {
public:
    static void class_init(emu::ClassBuilder<IsaDebugExit>& c) {
        c.set_bus("isa");
        auto& iobase = c.integer("iobase", &IsaDebugExit::iobase_, u32{0x501}, "first I/O port").range(0, 0xffff).property();
        iobase.default_value = "0x501";
        iobase.print = [](const emu::Object& o) { return hex(dynamic_cast<const IsaDebugExit&>(o).iobase_); };
        auto& iosize = c.integer("iosize", &IsaDebugExit::iosize_, u32{2}, "number of I/O ports (1, 2 or 4)")
                           .range(1, 4)
                           .property();
        iosize.default_value = "0x2";
        iosize.print = [](const emu::Object& o) { return hex(dynamic_cast<const IsaDebugExit&>(o).iosize_); };
    }

protected:
    void do_realize() override {
        if (iosize_ != 1 && iosize_ != 2 && iosize_ != 4) throw emu::Error("iosize must be 1, 2 or 4");
        if (iobase_ + iosize_ > 0x10000) throw emu::Error("the ports end beyond 0xffff");
        if (!ports_) {
            ports_ = emu::MemoryRegion::mmio(
                "isa-debug-exit", iosize_,
                {.read = [](emu::Addr, unsigned) -> u64 { return 0; },
                 .write = [this](emu::Addr, u64 value, unsigned) {
                     if (emu::Machine* m = machine()) m->request_shutdown(static_cast<int>((value << 1) | 1));
                 },
                 .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 4, .unaligned = true});
            init_mmio(*ports_);
        }
        emu::Device* bus = nullptr;
        if (emu::created_with_device_option(*this)) {
            if (emu::Machine* m = machine()) bus = emu::find_isa_bus(*m);
            if (!bus) throw emu::Error("this machine has no ISA bus");
            if (const emu::MemoryRegion* user = emu::isa_port_user(bus->mmio(0), iobase_, iosize_))
                throw emu::Error("I/O port " + hex(iobase_) + " is already in use by '" + user->name() + "'");
        }
        if (bus) {
            bus->mmio(0).add_subregion(iobase_, *ports_);
            plugged_ = bus;
        }
    }

    void do_unrealize() override {
        if (plugged_) plugged_->mmio(0).remove_subregion(*ports_);
        plugged_ = nullptr;
    }

private:
    u32 iobase_ = 0x501, iosize_ = 2;
    emu::Device* plugged_ = nullptr;
    std::unique_ptr<emu::MemoryRegion> ports_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "isa-debug-exit",
               .parent = "device",
               .user_creatable = true,
               .category = emu::Category::Misc,
               .description = "ISA port that exits emu with status (value << 1) | 1",
               .factory = emu::factory_of<IsaDebugExit>(),
               .class_init = emu::class_init_of<IsaDebugExit>(&IsaDebugExit::class_init)});
}

}  // namespace

EMU_PLUGIN(isa_debug_exit, "1.0.0", "QEMU's debug exit port (isa-debug-exit)", "MIT", register_types);
