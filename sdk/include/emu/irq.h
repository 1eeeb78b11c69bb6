// Interrupt (and other single-wire) lines. A device's output is an IrqLine it raises and
// lowers; a board connects it to an input of an interrupt controller, which is a handler.
// Lines carry levels; set() may be called from any thread, and the handler is responsible for
// its own locking (interrupt controllers take the device lock or use atomics).
#pragma once

#include <functional>
#include <memory>

namespace emu {

class IrqLine {
public:
    using Handler = std::function<void(bool level)>;

    IrqLine() = default;
    explicit IrqLine(Handler handler) : handler_(std::make_shared<Handler>(std::move(handler))) {}

    // An unconnected line ignores set(), so a device need not check.
    void set(bool level) const {
        if (handler_) (*handler_)(level);
    }
    void raise() const { set(true); }
    void lower() const { set(false); }
    void pulse() const {
        set(true);
        set(false);
    }
    bool connected() const { return handler_ != nullptr; }

private:
    std::shared_ptr<Handler> handler_;
};

}  // namespace emu
