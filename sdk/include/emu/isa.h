// The ISA bus as devices created with -device see it. A board with ISA registers one object
// that is (or implements) type "isa-bus": a Device whose mmio(0) is the I/O-port container and
// whose gpio_in("", n) is ISA IRQ n. A user-created ISA device finds it, maps its ports at its
// iobase and connects its interrupt. Devices the board creates itself are wired by the board.
#pragma once

#include "emu/device.h"
#include "emu/machine.h"
#include "emu/memory.h"

namespace emu {

// Whether the object was created by -device (it lives in /machine/peripheral[-anon]).
inline bool created_with_device_option(const Object& object) {
    const Object* parent = object.parent();
    if (!parent || (parent->id() != "peripheral" && parent->id() != "peripheral-anon")) return false;
    const Machine* board = object.machine();
    return board && parent->parent() == board;
}

// The first "isa-bus" under node (depth first), or nullptr.
inline Device* find_isa_bus(const Object& node) {
    for (const auto& child : node.children()) {
        if (child->is_a("isa-bus"))
            if (auto* device = child->as<Device>(); device && device->mmio_count() > 0) return device;
        if (Device* found = find_isa_bus(*child)) return found;
    }
    return nullptr;
}

// The device region already mapped over [base, base + size) in an I/O space, if any.
inline const MemoryRegion* isa_port_user(const MemoryRegion& space, Addr base, Addr size) {
    for (const MemoryRegion* r : space.subregions())
        if (r->kind() == MemoryRegion::Kind::Mmio && r->enabled() && r->offset() < base + size &&
            base < r->offset() + r->size())
            return r;
    return nullptr;
}

}  // namespace emu
