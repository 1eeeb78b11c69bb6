#include "emu/chardev.h"

#include "emu/error.h"

namespace emu {

void CharBackend::attach(Device& frontend, Receiver receiver) {
    if (!frontends_.empty())
        throw Error(display_name() + " is already used by " + frontends_.front().device->display_name() +
                    "; it cannot also serve " + frontend.display_name());
    frontends_.push_back({&frontend, std::move(receiver), {}});
    focus_ = 0;
    on_attach();
}

void CharBackend::attach_mux(Device& frontend, Receiver receiver, std::function<void()> on_focus) {
    const bool first = frontends_.empty();
    frontends_.push_back({&frontend, std::move(receiver), std::move(on_focus)});
    if (first) on_attach();
}

bool CharBackend::switch_focus() {
    if (frontends_.empty()) return false;
    if (frontends_.size() == 1 && !frontends_.front().on_focus) return false;
    focus_ = (focus_ + 1) % frontends_.size();
    if (frontends_[focus_].on_focus) frontends_[focus_].on_focus();
    accept_input();
    return true;
}

std::size_t CharBackend::frontend_room() const {
    if (frontends_.empty()) return 0;
    const Receiver& r = frontends_[focus_].receiver;
    return r.can_receive ? r.can_receive() : 0;
}

void CharBackend::deliver(const std::uint8_t* data, std::size_t length) {
    if (frontends_.empty() || !length) return;
    const Receiver& r = frontends_[focus_].receiver;
    if (r.receive) r.receive(data, length);
}

void CharBackend::notify_opened() {
    for (const Frontend& f : frontends_)
        if (f.receiver.opened) f.receiver.opened();
}

void CharBackend::notify_closed() {
    for (const Frontend& f : frontends_)
        if (f.receiver.closed) f.receiver.closed();
}

}  // namespace emu
