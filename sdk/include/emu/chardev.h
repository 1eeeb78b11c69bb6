// Character back ends (-chardev, -serial): stdio, file, pty, sockets, null.
//
// A back end is an object of type "chardev-<kind>" (abstract base "chardev") living at
// /chardev/<id>. A front end (a UART) attaches once and then:
//   - writes guest output with write(), from any thread holding the big lock;
//   - receives input through its Receiver, called on the loop thread (under the big lock)
//     only as many bytes as its can_receive() said it has room for. The back end holds the
//     rest and offers it again after the front end calls accept_input() (its FIFO drained).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "emu/device.h"

namespace emu {

class CharBackend : public Device {
public:
    struct Receiver {
        std::function<std::size_t()> can_receive;
        std::function<void(const std::uint8_t* data, std::size_t length)> receive;
        // Optional: a peer connected (a socket's client); a monitor greets it.
        std::function<void()> opened;
        // Optional: the input ended (end of file, the peer closed the connection).
        std::function<void()> closed;
    };

    // Whether output reaches someone now (a server socket with no client: false).
    virtual bool is_open() const { return true; }

    // Guest output. Never blocks the guest for long: a back end that cannot keep up drops
    // output (a UART's line has no flow control here) and says so once on stderr.
    virtual void write(const std::uint8_t* data, std::size_t length) = 0;

    // Attach the front end; a second front end is an error naming both. The back end starts
    // its I/O (e.g. puts the terminal in raw mode) only now, in on_attach().
    void attach(Device& frontend, Receiver receiver);
    bool attached() const { return !frontends_.empty(); }
    // Multiplexing (QEMU's mux, used for the monitor on -nographic's console): a second front
    // end shares the output; input goes to one front end at a time. switch_focus() moves it to
    // the next (stdio's C-a c) and calls that front end's on_focus (a monitor alone on the
    // console greets again); false when there is nothing to switch to.
    void attach_mux(Device& frontend, Receiver receiver, std::function<void()> on_focus);
    bool switch_focus();
    // The front end has room again: the back end resumes delivering input.
    virtual void accept_input() {}

protected:
    virtual void on_attach() {}
    // For back ends: how much the focused front end takes now, and deliver it.
    std::size_t frontend_room() const;
    void deliver(const std::uint8_t* data, std::size_t length);
    // For back ends whose peer comes and goes: tell the front ends one arrived, or left.
    void notify_opened();
    void notify_closed();

private:
    struct Frontend {
        Device* device;
        Receiver receiver;
        std::function<void()> on_focus;
    };
    std::vector<Frontend> frontends_;
    std::size_t focus_ = 0;
};

}  // namespace emu
