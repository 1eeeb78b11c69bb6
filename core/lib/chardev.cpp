#include "emu/chardev.h"

#include "emu/error.h"

namespace emu {

void CharBackend::attach(Device& frontend, Receiver receiver) {
    if (frontend_)
        throw Error(display_name() + " is already used by " + frontend_->display_name() +
                    "; it cannot also serve " + frontend.display_name());
    frontend_ = &frontend;
    receiver_ = std::move(receiver);
    on_attach();
}

std::size_t CharBackend::frontend_room() const {
    return frontend_ && receiver_.can_receive ? receiver_.can_receive() : 0;
}

void CharBackend::deliver(const std::uint8_t* data, std::size_t length) {
    if (frontend_ && receiver_.receive && length) receiver_.receive(data, length);
}

}  // namespace emu
