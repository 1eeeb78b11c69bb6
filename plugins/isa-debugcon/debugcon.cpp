// The Bochs/QEMU debug console: one I/O port whose writes go straight to a character back end.
//
// Type "isa-debugcon" (user-creatable: SeaBIOS logs to port 0x402 with
// -chardev file,id=d,path=bios.log -device isa-debugcon,iobase=0x402,chardev=d). Properties:
//   iobase     the port (default 0xe9)
//   chardev    character back end (unset: output discarded)
//   readback   what reads of the port return (default 0xe9, as Bochs and QEMU: guests probe for
//              the console by reading it); only the low byte is seen
//
// Wiring, for boards (-debugcon): create it by type name, set chardev (and iobase), realize,
// map mmio(0) at iobase in the I/O space. No interrupt.
//   mmio(0)    1 I/O port; a wider access is split into bytes, of which only the first is the port
// A device created with -device (under /machine/peripheral*) maps itself at iobase in the I/O
// space of the machine's ISA bus (the first object of the tree that is or implements "isa-bus":
// a Device whose mmio(0) is the I/O-port container). Realize fails when the machine has no
// ISA bus or the port is taken.
#include <emu/chardev.h>
#include <emu/device.h>
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

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

std::string hex(u64 value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
    return buffer;
}

class IsaDebugcon final : public emu::Device {
public:
    IsaDebugcon() {
        port_ = emu::MemoryRegion::mmio(
            "debugcon", 1,
            {.read = [this](emu::Addr, unsigned) -> u64 { return readback_ & 0xff; },
             .write = [this](emu::Addr, u64 value, unsigned) {
                 const auto byte = static_cast<u8>(value);
                 if (chardev_) chardev_->write(&byte, 1);
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        init_mmio(*port_);
    }

    static void class_init(emu::ClassBuilder<IsaDebugcon>& c) {
        c.set_bus("isa");
        auto& iobase = c.integer("iobase", &IsaDebugcon::iobase_, u32{0xe9}, "I/O port").range(0, 0xffff).property();
        iobase.default_value = "0xe9";
        iobase.print = [](const emu::Object& o) { return hex(dynamic_cast<const IsaDebugcon&>(o).iobase_); };
        c.backend("chardev", &IsaDebugcon::chardev_, "chardev", "character back end (unset: output discarded)");
        auto& readback = c.integer("readback", &IsaDebugcon::readback_, u32{0xe9}, "value reads of the port return")
                             .property();
        readback.default_value = "0xe9";
        readback.print = [](const emu::Object& o) { return hex(dynamic_cast<const IsaDebugcon&>(o).readback_); };
    }

protected:
    void do_realize() override {
        emu::Device* bus = nullptr;
        if (emu::created_with_device_option(*this)) {
            if (emu::Machine* m = machine()) bus = emu::find_isa_bus(*m);
            if (!bus) throw emu::Error("this machine has no ISA bus");
            if (const emu::MemoryRegion* user = emu::isa_port_user(bus->mmio(0), iobase_, 1))
                throw emu::Error("I/O port " + hex(iobase_) + " is already in use by '" + user->name() + "'");
        }
        if (chardev_ && !attached_) {
            // Output only: the console takes no input.
            chardev_->attach(*this, {.can_receive = [] { return std::size_t{0}; }, .receive = {}});
            attached_ = true;
        }
        if (bus) {
            bus->mmio(0).add_subregion(iobase_, *port_);
            plugged_ = bus;
        }
    }

    void do_unrealize() override {
        if (plugged_) plugged_->mmio(0).remove_subregion(*port_);
        plugged_ = nullptr;
    }

private:
    u32 iobase_ = 0xe9, readback_ = 0xe9;
    emu::CharBackend* chardev_ = nullptr;
    bool attached_ = false;
    emu::Device* plugged_ = nullptr;
    std::unique_ptr<emu::MemoryRegion> port_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "isa-debugcon",
               .parent = "device",
               .user_creatable = true,
               .category = emu::Category::Char,
               .description = "ISA debug console port (Bochs port 0xe9)",
               .factory = emu::factory_of<IsaDebugcon>(),
               .class_init = emu::class_init_of<IsaDebugcon>(&IsaDebugcon::class_init)});
}

}  // namespace

EMU_PLUGIN(isa_debugcon, "1.0.0", "ISA debug console port (isa-debugcon)", "MIT", register_types);
