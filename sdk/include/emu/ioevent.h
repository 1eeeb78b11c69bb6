// Accelerator shortcuts for device notifications and interrupts: KVM's ioeventfd and irqfd.
//
// Normally every guest access to a device register leaves the accelerator (a userspace exit on
// KVM), runs the device's callback on the vCPU thread and resumes the guest. For a "doorbell"
// register whose write only says "look at your queue" (a virtio queue notification) that round
// trip is pure overhead: an accelerator that implements IoEventAccelerator can instead signal
// an eventfd and let the guest go on at once; the main loop later reads the eventfd and runs the
// device's handler under the big lock. Likewise an irqfd lets any thread raise an interrupt by
// writing to an eventfd, which the accelerator turns into a GSI edge without a system call of
// the device's own.
//
// The capability is optional: find it with dynamic_cast<IoEventAccelerator*>(accelerator()).
// Every method may decline (false); the device then keeps its ordinary register callback and
// behaves exactly as without the capability. So a device registers a shortcut *in addition*
// to its MMIO/port callback, which must stay able to do the same work.
//
// IoEventHandler packages the usual use: an eventfd, its registration and its watch in the
// device's event loop.
//
//     auto handler = emu::IoEventHandler::create(machine()->loop(), *accel,
//         {.space = emu::IoEventSpace::Memory, .address = notify_address, .size = 2},
//         [this] { kick(0); });       // null: declined, the MMIO callback still does it
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "emu/event_loop.h"
#include "emu/memory.h"

namespace emu {

enum class IoEventSpace {
    Memory,  // a guest physical address in the CPUs' system memory
    Io,      // an x86 port number (X86Machine::io_space())
};

// Which guest writes an ioeventfd catches. Only a write of exactly size bytes at exactly
// address matches (an access of another size or offset still exits as usual). Reads always
// exit.
struct IoEventMatch {
    IoEventSpace space = IoEventSpace::Memory;
    Addr address = 0;
    unsigned size = 2;                   // 1, 2, 4 or 8
    std::optional<std::uint64_t> data;   // only writes of this value; none: any value

    bool operator==(const IoEventMatch&) const = default;
};

// Implemented by accelerators that can signal an eventfd in place of an exit (kvm).
class IoEventAccelerator {
public:
    virtual ~IoEventAccelerator() = default;

    // Add 1 to eventfd fd, instead of exiting to the device, for each guest write that matches.
    // The registration does not depend on the memory map: it stays until removed, whatever is
    // mapped at the address (the device removes it when its register moves or goes away).
    // False: not possible here (no kernel support, a conflicting registration...).
    virtual bool add_ioeventfd(int fd, const IoEventMatch& match) = 0;
    virtual void remove_ioeventfd(int fd, const IoEventMatch& match) = 0;

    // Each write to eventfd fd pulses GSI gsi (X86InterruptController numbering) up and down:
    // an edge, for edge-triggered interrupts. False: not possible (no in-kernel interrupt
    // controller, no kernel support, no such GSI).
    virtual bool add_irqfd(int fd, unsigned gsi) = 0;
    virtual void remove_irqfd(int fd, unsigned gsi) = 0;

    // Each write to eventfd fd sends the message-signalled interrupt (address, data), as a
    // device's 32-bit DMA write of data at address would (x86: a message to the local APICs at
    // 0xfeexxxxx). For MSI-X vectors the guest has set up and unmasked: the caller removes or
    // updates the registration when the guest masks or rewrites the vector. False: not possible
    // (no in-kernel interrupt controller or kernel support, an address that is no interrupt
    // message, no free route); the caller sends the message itself as before. Optional: these
    // defaults decline, so an accelerator without the capability need not know about them.
    virtual bool add_msi_irqfd(int /*fd*/, std::uint64_t /*address*/, std::uint32_t /*data*/) { return false; }
    // Point a registered fd at another message. False: not possible, and fd is unregistered.
    virtual bool update_msi_irqfd(int /*fd*/, std::uint64_t /*address*/, std::uint32_t /*data*/) { return false; }
    virtual void remove_msi_irqfd(int /*fd*/) {}
};

// A registered ioeventfd whose handler runs on the event loop's thread, with the big lock
// held, after one or more matching writes (writes that arrive before the loop looks are
// coalesced into one call, as a doorbell needs). Create and destroy with the big lock held.
class IoEventHandler {
public:
    // Null when the accelerator declines (or eventfd() fails): keep the register's callback.
    static std::unique_ptr<IoEventHandler> create(EventLoop& loop, IoEventAccelerator& accel,
                                                  const IoEventMatch& match, std::function<void()> handler);
    // Unregisters. A write the loop has not handled yet runs the handler now, so none is lost
    // when a register moves.
    ~IoEventHandler();
    IoEventHandler(const IoEventHandler&) = delete;
    IoEventHandler& operator=(const IoEventHandler&) = delete;

    const IoEventMatch& match() const { return match_; }
    int fd() const { return fd_; }

private:
    IoEventHandler(EventLoop& loop, IoEventAccelerator& accel, IoEventMatch match, int fd,
                   std::function<void()> handler);
    bool drain();  // read the counter; true if it was signalled

    EventLoop& loop_;
    IoEventAccelerator& accel_;
    IoEventMatch match_;
    int fd_;
    std::function<void()> handler_;
    EventLoop::WatchId watch_ = 0;
};

}  // namespace emu
