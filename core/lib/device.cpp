#include "emu/device.h"

namespace emu {

void Device::realize() {
    if (realized_) return;
    do_realize();
    realized_ = true;
}

void Device::unrealize() {
    if (!realized_) return;
    realized_ = false;
    do_unrealize();
}

void reset_tree(Object& root) {
    if (auto* device = root.as<Device>(); device && device->realized()) device->reset();
    for (auto& child : root.children()) reset_tree(*child);
}

void unrealize_tree(Object& root) {
    auto& children = root.children();
    for (auto it = children.rbegin(); it != children.rend(); ++it) unrealize_tree(**it);
    if (auto* device = root.as<Device>()) device->unrealize();
}

}  // namespace emu

namespace emu {

namespace {
std::string line_name(std::string_view name, unsigned n) {
    return (name.empty() ? std::string("irq") : std::string(name)) + "[" + std::to_string(n) + "]";
}
}  // namespace

void Device::init_gpio_in(std::string name, unsigned count,
                          std::function<void(unsigned n, bool level)> handler) {
    GpioIn in{std::move(name), {}};
    auto shared = std::make_shared<std::function<void(unsigned, bool)>>(std::move(handler));
    for (unsigned i = 0; i < count; ++i)
        in.lines.emplace_back([shared, i](bool level) { (*shared)(i, level); });
    gpio_in_.push_back(std::move(in));
}

void Device::init_gpio_out(std::string name, std::vector<IrqLine>* lines) {
    gpio_out_.push_back({std::move(name), lines});
}

IrqLine Device::gpio_in(std::string_view name, unsigned n) const {
    for (const GpioIn& in : gpio_in_)
        if (in.name == name && n < in.lines.size()) return in.lines[n];
    throw Error(display_name() + ": no input line " + line_name(name, n));
}

void Device::connect_gpio_out(std::string_view name, unsigned n, IrqLine target) {
    for (GpioOut& out : gpio_out_)
        if (out.name == name && n < out.lines->size()) {
            (*out.lines)[n] = std::move(target);
            return;
        }
    throw Error(display_name() + ": no output line " + line_name(name, n));
}

MemoryRegion& Device::mmio(unsigned n) const {
    if (n >= mmio_.size())
        throw Error(display_name() + ": no memory region " + std::to_string(n));
    return *mmio_[n];
}

}  // namespace emu
