// Devices: objects with a realize step.
//
// Construction only allocates; properties are set next; then setting "realized" to true (or
// calling realize()) runs do_realize(), which may throw Error with a message shown verbatim to
// the user. After realize, only properties marked runtime_settable may change.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emu/irq.h"
#include "emu/object.h"

namespace emu {

class MemoryRegion;

class Device : public Object {
public:
    bool realized() const override { return realized_; }
    // Run do_realize(); on failure the device stays unrealized and the Error propagates.
    void realize();
    // Run do_unrealize() if realized. Errors are not expected here and are not thrown.
    void unrealize();
    // Return to the power-on state (a board reset). Realized devices only.
    virtual void reset() {}

    // ---- Wiring, for boards that create devices by type name ----
    // Named GPIO/IRQ inputs and outputs (QEMU's qdev GPIOs). "" is the default name.
    // Throws Error naming the device when the line does not exist.
    IrqLine gpio_in(std::string_view name, unsigned n) const;
    void connect_gpio_out(std::string_view name, unsigned n, IrqLine target);
    // Memory-mapped regions the device exposes, in the order it declared them (sysbus style).
    MemoryRegion& mmio(unsigned n) const;
    unsigned mmio_count() const { return static_cast<unsigned>(mmio_.size()); }

protected:
    virtual void do_realize() {}
    virtual void do_unrealize() {}

    // Declare count inputs called name; handler(n, level) runs when input n changes.
    void init_gpio_in(std::string name, unsigned count, std::function<void(unsigned n, bool level)> handler);
    // Declare count outputs called name; lines[i] is what connect_gpio_out(name, i) sets.
    void init_gpio_out(std::string name, std::vector<IrqLine>* lines);
    void init_mmio(MemoryRegion& region) { mmio_.push_back(&region); }

private:
    struct GpioIn {
        std::string name;
        std::vector<IrqLine> lines;
    };
    struct GpioOut {
        std::string name;
        std::vector<IrqLine>* lines;
    };
    bool realized_ = false;
    std::vector<GpioIn> gpio_in_;
    std::vector<GpioOut> gpio_out_;
    std::vector<MemoryRegion*> mmio_;
};

// Reset every realized device under root, parents before children, in insertion order.
void reset_tree(Object& root);

}  // namespace emu
