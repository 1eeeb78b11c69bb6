// Fakes shared by the device test benches (tests/devices, tests/isa): an IRQ line recorder, a
// character back end that records output and feeds input with back-pressure, and a checked
// downcast for objects the registry creates.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "emu/chardev.h"
#include "emu/irq.h"
#include "emu/object.h"

namespace emu_test_support {

// Records the level of one line and how often it rose.
class IrqRecorder {
public:
    IrqRecorder() : state_(std::make_shared<State>()) {}
    emu::IrqLine line() const {
        auto s = state_;
        return emu::IrqLine([s](bool level) {
            if (level && !s->level) ++s->rises;
            s->level = level;
        });
    }
    bool level() const { return state_->level; }
    int rises() const { return state_->rises; }

private:
    struct State {
        bool level = false;
        int rises = 0;
    };
    std::shared_ptr<State> state_;
};

// A character back end that records output and feeds queued input as the front end has room.
// Register it as type "chardev-fake" (parent "chardev") in the bench's registry.
class FakeChardev final : public emu::CharBackend {
public:
    void write(const std::uint8_t* data, std::size_t length) override { output.append(data, data + length); }
    void accept_input() override {
        ++accepts;
        pump();
    }
    // Queue input and deliver as much as the front end takes now.
    void send(const std::string& text) {
        pending.insert(pending.end(), text.begin(), text.end());
        pump();
    }
    void pump() {
        std::size_t room = frontend_room();
        std::vector<std::uint8_t> chunk;
        while (room-- > 0 && !pending.empty()) {
            chunk.push_back(pending.front());
            pending.pop_front();
        }
        if (!chunk.empty()) deliver(chunk.data(), chunk.size());
    }

    std::string output;
    std::deque<std::uint8_t> pending;
    int accepts = 0;
};

// Take ownership of an object as its concrete class; throws if it is not one.
template <class T>
std::unique_ptr<T> take_as(std::unique_ptr<emu::Object> object) {
    auto* p = dynamic_cast<T*>(object.get());
    if (!p) throw std::runtime_error("unexpected object type");
    object.release();
    return std::unique_ptr<T>(p);
}

}  // namespace emu_test_support
