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

void unrealize_tree(Object& root) {
    auto& children = root.children();
    for (auto it = children.rbegin(); it != children.rend(); ++it) unrealize_tree(**it);
    if (auto* device = root.as<Device>()) device->unrealize();
}

}  // namespace emu
