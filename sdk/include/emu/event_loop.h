// The main (I/O) loop: GLib underneath, C++ on top.
//
// One EventLoop runs on the main thread. It offers what back ends and devices need:
//   - fd watches (tap, sockets, stdio),
//   - timers on two clocks: the host clock (always runs) and the virtual clock, which stops while
//     the machine is paused and can be driven by hand (the device-test accelerator steps it),
//   - deferred calls ("bottom halves") that run on the next loop iteration,
//   - post(): the one thread-safe entry point, which lets a vCPU thread hand work to the loop.
// Everything except post() must be called on the loop's thread, or on another thread that
// holds the big device lock (lock.h; the loop holds it whenever it is not sleeping in poll).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

// GLib's GMainContext, declared at global scope so that context() returns the real type.
struct _GMainContext;

namespace emu {

enum class ClockType {
    Host,     // CLOCK_MONOTONIC; always runs
    Virtual,  // guest time: stops while paused; manual mode advances only by step()
};

// Nanosecond time as seen by one clock.
using ClockNs = std::int64_t;

// The virtual clock. In the normal mode it follows the host clock while running and stands
// still while stopped. In manual mode (device tests) it moves only when step() is called.
class VirtualClock {
public:
    virtual ~VirtualClock() = default;
    virtual ClockNs now() const = 0;
    virtual bool running() const = 0;
    virtual void stop() = 0;    // pause guest time (no-op if already stopped)
    virtual void start() = 0;   // resume guest time (no-op if running or manual)
    virtual bool manual() const = 0;
    virtual void set_manual(bool manual) = 0;
    // Manual mode only: advance by ns, firing due virtual timers in deadline order.
    virtual void step(ClockNs ns) = 0;
    // The deadline of the earliest armed virtual timer, if any (the device-test accelerator
    // steps to it when asked to advance "to the next event").
    virtual std::optional<ClockNs> next_deadline() const = 0;
};

enum IoCondition : unsigned {
    IoIn = 1u << 0,
    IoOut = 1u << 1,
    IoErr = 1u << 2,
    IoHup = 1u << 3,
};

class EventLoop;

// A one-shot timer on one clock, QEMU-style: arm it for an absolute deadline, re-arm from the
// callback for periodic behaviour. Destroying an armed timer cancels it. Loop thread only.
class Timer {
public:
    Timer(EventLoop& loop, ClockType clock, std::function<void()> callback);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    void arm(ClockNs deadline);          // absolute time on this timer's clock
    void arm_in(ClockNs delay);          // relative to the clock's now()
    void cancel();
    bool armed() const;
    ClockNs deadline() const;            // meaningful only while armed
    ClockType clock() const { return clock_; }

private:
    friend class EventLoop;
    EventLoop& loop_;
    ClockType clock_;
    std::function<void()> callback_;
    ClockNs deadline_ = 0;
    bool armed_ = false;
    std::uint64_t sequence_ = 0;         // keeps timers with equal deadlines in arm order
};

class EventLoop {
public:
    using WatchId = unsigned;
    // Return false from a watch callback to remove the watch.
    using FdCallback = std::function<bool(int fd, unsigned conditions)>;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Watch fd for any of conditions (IoIn | IoOut ...). Returns an id for remove_watch.
    WatchId watch_fd(int fd, unsigned conditions, FdCallback callback);
    void remove_watch(WatchId id);

    // Run fn on the next iteration of the loop (loop thread only).
    void defer(std::function<void()> fn);
    // Thread-safe: queue fn to run on the loop thread and wake the loop.
    void post(std::function<void()> fn);

    // Quit run() when SIGINT or SIGTERM arrives (the loop records which).
    void quit_on_signals();
    int quit_signal() const;             // 0 if the loop did not stop on a signal

    void run();                          // until quit()
    void quit();                         // thread-safe
    bool iterate(bool may_block);        // one iteration; true if something was dispatched

    ClockNs now(ClockType clock) const;
    VirtualClock& virtual_clock();

    // For code that must integrate with GLib directly (e.g. libslirp's timers).
    struct _GMainContext* context() const;

private:
    friend class Timer;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace emu
