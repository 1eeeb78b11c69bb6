// EventLoop on a private GMainContext. Besides the fd watches and signal sources, it attaches two
// custom GSources of its own:
//   - the timer source, whose prepare() makes the loop sleep until the earliest host timer or
//     (while the virtual clock runs) the earliest virtual timer;
//   - the queue source, which runs deferred calls, posted calls and quit requests.
#include "emu/event_loop.h"
#include "emu/lock.h"

// GLib's headers use C casts in inline functions; keep -Wold-style-cast for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <glib-unix.h>
#include <glib.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <ctime>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace emu {
namespace {

constexpr ClockNs kNsPerSecond = 1'000'000'000;
constexpr ClockNs kNsPerMs = 1'000'000;

ClockNs host_now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<ClockNs>(ts.tv_sec) * kNsPerSecond + ts.tv_nsec;
}

ClockNs saturating_add(ClockNs a, ClockNs b) {
    ClockNs sum = 0;
    if (!__builtin_add_overflow(a, b, &sum)) return sum;
    return b > 0 ? std::numeric_limits<ClockNs>::max() : std::numeric_limits<ClockNs>::min();
}

// Poll timeout for a delay, rounded up so that the loop never wakes before the deadline.
gint timeout_ms(ClockNs delay) {
    if (delay <= 0) return 0;
    const ClockNs ms = delay / kNsPerMs + (delay % kNsPerMs != 0 ? 1 : 0);
    return static_cast<gint>(std::min<ClockNs>(ms, G_MAXINT));
}

GIOCondition to_gio(unsigned conditions) {
    unsigned gio = 0;
    if (conditions & IoIn) gio |= G_IO_IN;
    if (conditions & IoOut) gio |= G_IO_OUT;
    if (conditions & IoErr) gio |= G_IO_ERR;
    if (conditions & IoHup) gio |= G_IO_HUP;
    return static_cast<GIOCondition>(gio);
}

unsigned from_gio(unsigned gio) {
    unsigned conditions = 0;
    if (gio & G_IO_IN) conditions |= IoIn;
    if (gio & G_IO_OUT) conditions |= IoOut;
    if (gio & (G_IO_ERR | G_IO_NVAL)) conditions |= IoErr;
    if (gio & G_IO_HUP) conditions |= IoHup;
    return conditions;
}

// g_source_set_callback() takes a GSourceFunc; the fd source calls it back with its own
// signature. Going through void(*)() is the sanctioned way to silence -Wcast-function-type.
GSourceFunc as_source_func(GUnixFDSourceFunc fn) {
    return reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(fn));
}

void drop_source(GSource* source) {
    g_source_destroy(source);
    g_source_unref(source);
}

std::size_t clock_index(ClockType clock) { return clock == ClockType::Host ? 0 : 1; }

}  // namespace

struct EventLoop::Impl {
    // Normal mode: follows the host clock while running, frozen while stopped. Manual mode is
    // a stopped clock that only step() moves; leaving manual mode keeps it stopped until start().
    class Clock final : public VirtualClock {
    public:
        explicit Clock(Impl& impl) : impl_(impl) {}

        // now() is read by vCPU threads (the ARM generic timer) without any lock, so the state
        // lives in one atomic word: (value << 1) | running, where value is the host-clock
        // offset while running and the frozen time while stopped.
        ClockNs now() const override {
            const std::int64_t state = state_.load(std::memory_order_acquire);
            return (state & 1) ? host_now() - (state >> 1) : (state >> 1);
        }
        bool running() const override { return state_.load(std::memory_order_acquire) & 1; }
        bool manual() const override { return manual_; }

        void stop() override {
            if (!running()) return;
            store(now(), false);
        }

        void start() override {
            if (running() || manual_) return;
            store(host_now() - frozen(), true);
        }

        void set_manual(bool manual) override {
            stop();
            manual_ = manual;
        }

        void step(ClockNs ns) override {
            if (!manual_ || ns < 0) return;
            impl_.run_virtual_until(saturating_add(frozen(), ns));
        }

        std::optional<ClockNs> next_deadline() const override { return impl_.next_virtual_deadline(); }

        // Used by step(): time never goes backwards, and only moves in manual mode.
        void advance_to(ClockNs time) {
            if (manual_) store(std::max(frozen(), time), false);
        }

    private:
        ClockNs frozen() const { return state_.load(std::memory_order_acquire) >> 1; }
        void store(ClockNs value, bool running) {
            state_.store(static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << 1) | (running ? 1 : 0),
                         std::memory_order_release);
        }

        Impl& impl_;
        bool manual_ = false;
        std::atomic<std::int64_t> state_{static_cast<std::int64_t>(static_cast<std::uint64_t>(host_now()) << 1) | 1};
    };

    // A timer callback being run. The function is moved out of the Timer for the duration,
    // so the callback may destroy its own Timer.
    class Firing {
    public:
        Firing(Impl& impl, Timer& timer)
            : impl_(impl), timer_(&timer), callback_(std::move(timer.callback_)) {
            impl_.firing.push_back(this);
        }
        ~Firing() {
            impl_.firing.pop_back();
            if (timer_) timer_->callback_ = std::move(callback_);
        }
        Firing(const Firing&) = delete;
        Firing& operator=(const Firing&) = delete;

        void run() {
            if (callback_) callback_();
        }
        Timer* timer() const { return timer_; }
        void forget_timer() { timer_ = nullptr; }

    private:
        Impl& impl_;
        Timer* timer_;
        std::function<void()> callback_;
    };

    struct TimerOrder {
        bool operator()(const Timer* a, const Timer* b) const {
            return a->deadline_ != b->deadline_ ? a->deadline_ < b->deadline_
                                                : a->sequence_ < b->sequence_;
        }
    };
    using TimerQueue = std::set<Timer*, TimerOrder>;

    struct Watch {
        Impl* impl;
        WatchId id;
        FdCallback callback;
    };

    struct SignalWatch {
        Impl* impl;
        int signum;
    };

    // Layout of the custom sources: a GSource followed by a pointer back to us.
    struct LoopSource {
        GSource base;
        Impl* impl;
    };

    Impl();
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    GSource* attach_loop_source(GSourceFuncs* funcs, const char* name);
    static Impl& of(GSource* source) { return *reinterpret_cast<LoopSource*>(source)->impl; }

    // Timers.
    TimerQueue& queue(ClockType type) { return timers[clock_index(type)]; }
    void arm(Timer& timer, ClockNs deadline);
    void unqueue(Timer& timer);
    void forget(Timer& timer);
    void fire(Timer& timer);
    std::optional<ClockNs> next_timer_delay();
    void run_due_timers();
    void run_due(ClockType clock, ClockNs now, std::uint64_t newest);
    void run_virtual_until(ClockNs target);
    std::optional<ClockNs> next_virtual_deadline();

    static gboolean timer_prepare(GSource* source, gint* timeout);
    static gboolean timer_check(GSource* source);
    static gboolean timer_dispatch(GSource* source, GSourceFunc, gpointer);

    // Deferred and posted calls, quit requests.
    bool has_queued_work();
    void run_queued();
    void request_quit();

    static gboolean queue_prepare(GSource* source, gint* timeout);
    static gboolean queue_check(GSource* source);
    static gboolean queue_dispatch(GSource* source, GSourceFunc, gpointer);

    // Fd watches and signals.
    void remove_watch(WatchId id);
    static gboolean watch_dispatch(gint fd, GIOCondition conditions, gpointer data);
    static void watch_free(gpointer data) { delete static_cast<Watch*>(data); }
    static gboolean signal_dispatch(gpointer data);

    GMainContext* context;
    GMainLoop* loop;
    Clock clock{*this};

    std::array<TimerQueue, 2> timers;
    std::uint64_t next_sequence = 0;
    std::vector<Firing*> firing;  // innermost last

    std::unordered_map<WatchId, GSource*> watches;
    WatchId next_watch_id = 1;

    std::deque<std::function<void()>> deferred;
    std::mutex posted_mutex;
    std::deque<std::function<void()>> posted;
    std::atomic<bool> quit_requested{false};

    std::array<SignalWatch, 2> signal_watches{{{this, SIGINT}, {this, SIGTERM}}};
    std::vector<GSource*> signal_sources;
    int quit_signal = 0;

    GSourceFuncs timer_funcs{&timer_prepare, &timer_check, &timer_dispatch, nullptr, nullptr, nullptr};
    GSourceFuncs queue_funcs{&queue_prepare, &queue_check, &queue_dispatch, nullptr, nullptr, nullptr};
    GSource* timer_source = nullptr;
    GSource* queue_source = nullptr;
};

namespace {
// The loop runs its callbacks under the big device lock and drops it only while it sleeps.
gint poll_without_big_lock(GPollFD* fds, guint count, gint timeout) {
    BigLockRelease unlocked;
    return g_poll(fds, count, timeout);
}
}  // namespace

EventLoop::Impl::Impl() : context(g_main_context_new()), loop(g_main_loop_new(context, FALSE)) {
    g_main_context_set_poll_func(context, &poll_without_big_lock);
    timer_source = attach_loop_source(&timer_funcs, "emu timers");
    queue_source = attach_loop_source(&queue_funcs, "emu queue");
}

EventLoop::Impl::~Impl() {
    for (GSource* source : signal_sources) drop_source(source);
    for (auto& entry : std::exchange(watches, {})) drop_source(entry.second);
    drop_source(timer_source);
    drop_source(queue_source);
    g_main_loop_unref(loop);
    g_main_context_unref(context);
}

GSource* EventLoop::Impl::attach_loop_source(GSourceFuncs* funcs, const char* name) {
    GSource* source = g_source_new(funcs, sizeof(LoopSource));
    reinterpret_cast<LoopSource*>(source)->impl = this;
    g_source_set_name(source, name);
    g_source_attach(source, context);
    return source;
}

// --- Timers ---------------------------------------------------------------------------------

void EventLoop::Impl::arm(Timer& timer, ClockNs deadline) {
    unqueue(timer);
    timer.deadline_ = deadline;
    timer.sequence_ = ++next_sequence;
    timer.armed_ = true;
    queue(timer.clock_).insert(&timer);
}

void EventLoop::Impl::unqueue(Timer& timer) {
    if (!timer.armed_) return;
    queue(timer.clock_).erase(&timer);
    timer.armed_ = false;
}

void EventLoop::Impl::forget(Timer& timer) {
    unqueue(timer);
    for (Firing* f : firing) {
        if (f->timer() == &timer) f->forget_timer();
    }
}

void EventLoop::Impl::fire(Timer& timer) {
    unqueue(timer);
    // A nested step() may fire a timer whose callback is already running further up the stack;
    // its function then lives in that Firing.
    for (Firing* f : firing) {
        if (f->timer() == &timer) {
            f->run();
            return;
        }
    }
    Firing current(*this, timer);
    current.run();
}

// Time until the earliest timer that can fire by itself (host, or virtual while running).
std::optional<ClockNs> EventLoop::Impl::next_timer_delay() {
    std::optional<ClockNs> delay;
    auto consider = [&](ClockType type, ClockNs now) {
        const TimerQueue& q = queue(type);
        if (q.empty()) return;
        const ClockNs d = (*q.begin())->deadline_ - now;
        if (!delay || d < *delay) delay = d;
    };
    consider(ClockType::Host, host_now());
    if (clock.running()) consider(ClockType::Virtual, clock.now());
    return delay;
}

void EventLoop::Impl::run_due_timers() {
    // Timers armed by the callbacks below wait for the next iteration, so a timer re-armed
    // for "now" cannot starve the rest of the loop.
    const std::uint64_t newest = next_sequence;
    run_due(ClockType::Host, host_now(), newest);
    if (clock.running()) run_due(ClockType::Virtual, clock.now(), newest);
}

void EventLoop::Impl::run_due(ClockType type, ClockNs now, std::uint64_t newest) {
    TimerQueue& q = queue(type);
    // A callback may stop the virtual clock: the remaining virtual timers then hold.
    while (!q.empty() && (type == ClockType::Host || clock.running())) {
        Timer& timer = **q.begin();
        if (timer.deadline_ > now || timer.sequence_ > newest) break;
        fire(timer);
    }
}

void EventLoop::Impl::run_virtual_until(ClockNs target) {
    TimerQueue& q = queue(ClockType::Virtual);
    while (clock.manual() && !q.empty()) {
        Timer& timer = **q.begin();
        if (timer.deadline_ > target) break;
        clock.advance_to(timer.deadline_);  // the callback sees now() == its deadline
        fire(timer);
    }
    clock.advance_to(target);
}

std::optional<ClockNs> EventLoop::Impl::next_virtual_deadline() {
    const TimerQueue& q = queue(ClockType::Virtual);
    if (q.empty()) return std::nullopt;
    return (*q.begin())->deadline_;
}

gboolean EventLoop::Impl::timer_prepare(GSource* source, gint* timeout) {
    const std::optional<ClockNs> delay = of(source).next_timer_delay();
    *timeout = delay ? timeout_ms(*delay) : -1;
    return delay && *delay <= 0;
}

gboolean EventLoop::Impl::timer_check(GSource* source) {
    const std::optional<ClockNs> delay = of(source).next_timer_delay();
    return delay && *delay <= 0;
}

gboolean EventLoop::Impl::timer_dispatch(GSource* source, GSourceFunc, gpointer) {
    of(source).run_due_timers();
    return G_SOURCE_CONTINUE;
}

// --- Deferred and posted calls --------------------------------------------------------------

bool EventLoop::Impl::has_queued_work() {
    if (!deferred.empty()) return true;
    // A quit() outside run() stays pending until run() picks it up.
    if (quit_requested.load() && g_main_loop_is_running(loop)) return true;
    std::lock_guard lock(posted_mutex);
    return !posted.empty();
}

void EventLoop::Impl::run_queued() {
    // Calls queued while these run wait for the next iteration.
    for (auto& fn : std::exchange(deferred, {})) fn();
    std::deque<std::function<void()>> batch;
    {
        std::lock_guard lock(posted_mutex);
        batch.swap(posted);
    }
    for (auto& fn : batch) fn();
    if (g_main_loop_is_running(loop) && quit_requested.exchange(false)) g_main_loop_quit(loop);
}

void EventLoop::Impl::request_quit() {
    quit_requested.store(true);
    g_main_context_wakeup(context);
}

gboolean EventLoop::Impl::queue_prepare(GSource* source, gint* timeout) {
    *timeout = -1;
    return of(source).has_queued_work();
}

gboolean EventLoop::Impl::queue_check(GSource* source) { return of(source).has_queued_work(); }

gboolean EventLoop::Impl::queue_dispatch(GSource* source, GSourceFunc, gpointer) {
    of(source).run_queued();
    return G_SOURCE_CONTINUE;
}

// --- Fd watches and signals -----------------------------------------------------------------

void EventLoop::Impl::remove_watch(WatchId id) {
    const auto it = watches.find(id);
    if (it == watches.end()) return;
    GSource* source = it->second;
    watches.erase(it);
    // Safe inside the watch's own callback: GLib keeps the Watch alive until dispatch ends.
    drop_source(source);
}

gboolean EventLoop::Impl::watch_dispatch(gint fd, GIOCondition conditions, gpointer data) {
    auto* watch = static_cast<Watch*>(data);
    if (watch->callback(fd, from_gio(conditions))) return G_SOURCE_CONTINUE;
    watch->impl->remove_watch(watch->id);
    return G_SOURCE_REMOVE;
}

gboolean EventLoop::Impl::signal_dispatch(gpointer data) {
    auto* watch = static_cast<SignalWatch*>(data);
    watch->impl->quit_signal = watch->signum;
    watch->impl->request_quit();
    return G_SOURCE_CONTINUE;
}

// --- Timer ----------------------------------------------------------------------------------

Timer::Timer(EventLoop& loop, ClockType clock, std::function<void()> callback)
    : loop_(loop), clock_(clock), callback_(std::move(callback)) {}

Timer::~Timer() { loop_.impl_->forget(*this); }

void Timer::arm(ClockNs deadline) {
    loop_.impl_->arm(*this, deadline);
    // A vCPU thread (holding the big lock) may arm a timer while the loop sleeps in poll with
    // a longer timeout: wake it so it recomputes the timeout.
    if (!g_main_context_is_owner(loop_.impl_->context)) g_main_context_wakeup(loop_.impl_->context);
}

void Timer::arm_in(ClockNs delay) { arm(saturating_add(loop_.now(clock_), delay)); }

void Timer::cancel() { loop_.impl_->unqueue(*this); }

bool Timer::armed() const { return armed_; }

ClockNs Timer::deadline() const { return deadline_; }

// --- EventLoop ------------------------------------------------------------------------------

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}

EventLoop::~EventLoop() = default;

EventLoop::WatchId EventLoop::watch_fd(int fd, unsigned conditions, FdCallback callback) {
    const WatchId id = impl_->next_watch_id++;
    GSource* source = g_unix_fd_source_new(fd, to_gio(conditions));
    g_source_set_name(source, "emu fd watch");
    g_source_set_callback(source, as_source_func(&Impl::watch_dispatch),
                          new Impl::Watch{impl_.get(), id, std::move(callback)},
                          &Impl::watch_free);
    g_source_attach(source, impl_->context);
    impl_->watches.emplace(id, source);
    return id;
}

void EventLoop::remove_watch(WatchId id) { impl_->remove_watch(id); }

void EventLoop::defer(std::function<void()> fn) { impl_->deferred.push_back(std::move(fn)); }

void EventLoop::post(std::function<void()> fn) {
    {
        std::lock_guard lock(impl_->posted_mutex);
        impl_->posted.push_back(std::move(fn));
    }
    g_main_context_wakeup(impl_->context);
}

void EventLoop::quit_on_signals() {
    if (!impl_->signal_sources.empty()) return;
    for (Impl::SignalWatch& watch : impl_->signal_watches) {
        GSource* source = g_unix_signal_source_new(watch.signum);
        g_source_set_name(source, "emu quit signal");
        g_source_set_callback(source, &Impl::signal_dispatch, &watch, nullptr);
        g_source_attach(source, impl_->context);
        impl_->signal_sources.push_back(source);
    }
}

int EventLoop::quit_signal() const { return impl_->quit_signal; }

void EventLoop::run() {
    BigLockGuard locked;
    g_main_loop_run(impl_->loop);
}

void EventLoop::quit() { impl_->request_quit(); }

bool EventLoop::iterate(bool may_block) {
    BigLockGuard locked;
    return g_main_context_iteration(impl_->context, may_block ? TRUE : FALSE) != FALSE;
}

ClockNs EventLoop::now(ClockType clock) const {
    return clock == ClockType::Host ? host_now() : impl_->clock.now();
}

VirtualClock& EventLoop::virtual_clock() { return impl_->clock; }

GMainContext* EventLoop::context() const { return impl_->context; }

}  // namespace emu
