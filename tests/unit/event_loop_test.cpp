// Unit tests of emu::EventLoop: fd watches, deferred and posted calls, timers on both clocks,
// and quitting on signals. Timing checks assert ordering and lower bounds only, with generous
// upper bounds, so that they hold on a loaded machine.
#include "emu/event_loop.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <glib.h>
#pragma GCC diagnostic pop

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace emu {
namespace {

using namespace std::chrono_literals;

constexpr ClockNs ms(ClockNs n) { return n * 1'000'000; }

// Stops run() with a failure instead of letting a broken test hang.
class Watchdog {
public:
    explicit Watchdog(EventLoop& loop)
        : timer_(loop, ClockType::Host, [&loop] {
              ADD_FAILURE() << "watchdog expired";
              loop.quit();
          }) {
        timer_.arm_in(ms(2000));
    }

private:
    Timer timer_;
};

// Iterates until done() holds or the timeout passes; a host timer bounds every blocking wait.
bool iterate_until(EventLoop& loop, const std::function<bool()>& done) {
    bool timed_out = false;
    Timer limit(loop, ClockType::Host, [&timed_out] { timed_out = true; });
    limit.arm_in(ms(1000));
    while (!done() && !timed_out) loop.iterate(true);
    return done();
}

// Runs the iterations that are ready now, without blocking.
void iterate_ready(EventLoop& loop) {
    for (int i = 0; i < 5; ++i) loop.iterate(false);
}

class Pipe {
public:
    Pipe() { EXPECT_EQ(pipe2(fds_, O_NONBLOCK | O_CLOEXEC), 0); }
    ~Pipe() {
        close_reader();
        close_writer();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;

    int reader() const { return fds_[0]; }
    void write_byte() { EXPECT_EQ(write(fds_[1], "x", 1), 1); }
    void close_reader() { close_fd(fds_[0]); }
    void close_writer() { close_fd(fds_[1]); }

    static void drain(int fd) {
        char buf[64];
        while (read(fd, buf, sizeof buf) > 0) {
        }
    }

private:
    static void close_fd(int& fd) {
        if (fd >= 0) close(fd);
        fd = -1;
    }
    int fds_[2] = {-1, -1};
};

TEST(EventLoop, UsesPrivateContext) {
    EventLoop loop;
    ASSERT_NE(loop.context(), nullptr);
    EXPECT_NE(loop.context(), g_main_context_default());
    EXPECT_FALSE(loop.iterate(false));
}

TEST(EventLoop, QuitBeforeRunMakesRunReturn) {
    EventLoop loop;
    Watchdog watchdog(loop);
    loop.quit();
    loop.run();
}

// --- fd watches -----------------------------------------------------------------------------

TEST(EventLoopFd, WatchFiresAndRemoveWatchStopsIt) {
    EventLoop loop;
    Pipe pipe;
    int calls = 0;
    unsigned seen = 0;
    const auto id = loop.watch_fd(pipe.reader(), IoIn, [&](int fd, unsigned conditions) {
        ++calls;
        seen = conditions;
        Pipe::drain(fd);
        return true;
    });

    iterate_ready(loop);
    EXPECT_EQ(calls, 0);

    pipe.write_byte();
    ASSERT_TRUE(iterate_until(loop, [&] { return calls == 1; }));
    EXPECT_TRUE(seen & IoIn);

    loop.remove_watch(id);
    loop.remove_watch(id);  // removing twice is harmless
    pipe.write_byte();
    iterate_ready(loop);
    EXPECT_EQ(calls, 1);
}

TEST(EventLoopFd, ReturningFalseRemovesWatch) {
    EventLoop loop;
    Pipe pipe;
    int calls = 0;
    unsigned seen = 0;
    loop.watch_fd(pipe.reader(), IoIn | IoHup, [&](int, unsigned conditions) {
        ++calls;
        seen = conditions;
        return false;
    });

    pipe.close_writer();  // hang-up is level-triggered: only removal stops the callbacks
    ASSERT_TRUE(iterate_until(loop, [&] { return calls == 1; }));
    EXPECT_TRUE(seen & IoHup);
    iterate_ready(loop);
    EXPECT_EQ(calls, 1);
}

TEST(EventLoopFd, RemoveWatchInsideItsOwnCallback) {
    EventLoop loop;
    Pipe pipe;
    EventLoop::WatchId id = 0;
    int calls = 0;
    std::string after_removal;
    id = loop.watch_fd(pipe.reader(), IoIn, [&, tag = std::string(64, 'w')](int, unsigned) {
        ++calls;
        loop.remove_watch(id);
        after_removal = tag;  // the callback's captures must outlive the removal
        return true;
    });

    pipe.write_byte();
    ASSERT_TRUE(iterate_until(loop, [&] { return calls == 1; }));
    EXPECT_EQ(after_removal, std::string(64, 'w'));
    iterate_ready(loop);  // the byte is still unread
    EXPECT_EQ(calls, 1);
}

// --- defer and post -------------------------------------------------------------------------

TEST(EventLoopDefer, RunsOnNextIterationInFifoOrder) {
    EventLoop loop;
    std::vector<int> order;
    loop.defer([&] {
        order.push_back(1);
        loop.defer([&] { order.push_back(4); });
    });
    loop.defer([&] { order.push_back(2); });
    loop.defer([&] { order.push_back(3); });
    EXPECT_TRUE(order.empty());

    EXPECT_TRUE(loop.iterate(false));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    EXPECT_TRUE(loop.iterate(false));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
    EXPECT_FALSE(loop.iterate(false));
}

TEST(EventLoopPost, FromAnotherThreadWakesBlockingRun) {
    EventLoop loop;
    Watchdog watchdog(loop);
    const auto loop_thread = std::this_thread::get_id();
    constexpr int kCount = 100;
    std::vector<int> order;
    int on_other_thread = 0;
    std::atomic<bool> running{false};
    loop.defer([&] { running = true; });

    std::thread poster([&] {
        while (!running) std::this_thread::sleep_for(1ms);
        std::this_thread::sleep_for(10ms);  // let run() block in poll
        for (int i = 0; i < kCount; ++i) {
            loop.post([&, i] {
                order.push_back(i);
                if (std::this_thread::get_id() != loop_thread) ++on_other_thread;
            });
        }
        loop.post([&] { loop.quit(); });
    });
    loop.run();
    poster.join();

    ASSERT_EQ(order.size(), static_cast<std::size_t>(kCount));
    for (int i = 0; i < kCount; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
    EXPECT_EQ(on_other_thread, 0);
}

TEST(EventLoopPost, QuitFromAnotherThread) {
    EventLoop loop;
    Watchdog watchdog(loop);
    std::thread quitter([&] {
        std::this_thread::sleep_for(10ms);
        loop.quit();
    });
    loop.run();
    quitter.join();
}

// --- host timers ----------------------------------------------------------------------------

TEST(EventLoopTimer, HostTimersFireInDeadlineOrder) {
    EventLoop loop;
    Watchdog watchdog(loop);
    std::string order;
    int early = 0;
    auto make = [&](char name, ClockNs& deadline) {
        return std::make_unique<Timer>(loop, ClockType::Host, [&, name] {
            order += name;
            if (loop.now(ClockType::Host) < deadline) ++early;
            if (order.size() == 4) loop.quit();
        });
    };
    ClockNs da = 0, db = 0, dc = 0, dd = 0;
    auto a = make('a', da), b = make('b', db), c = make('c', dc), d = make('d', dd);

    const ClockNs start = loop.now(ClockType::Host);
    da = start + ms(30);
    db = start + ms(10);
    dc = dd = start + ms(20);
    a->arm(da);
    b->arm(db);
    d->arm(dd);  // equal deadlines fire in arm order: d before c
    c->arm(dc);
    EXPECT_TRUE(c->armed());
    EXPECT_EQ(c->deadline(), dc);

    loop.run();
    EXPECT_EQ(order, "bdca");
    EXPECT_EQ(early, 0);
    EXPECT_FALSE(a->armed());
}

TEST(EventLoopTimer, RearmFromCallbackIsPeriodic) {
    EventLoop loop;
    Watchdog watchdog(loop);
    int ticks = 0;
    std::unique_ptr<Timer> timer;
    timer = std::make_unique<Timer>(loop, ClockType::Host, [&] {
        if (++ticks < 5) {
            timer->arm_in(ms(2));
        } else {
            loop.quit();
        }
    });

    const ClockNs start = loop.now(ClockType::Host);
    timer->arm_in(ms(2));
    loop.run();
    EXPECT_EQ(ticks, 5);
    EXPECT_GE(loop.now(ClockType::Host) - start, ms(10));
    EXPECT_FALSE(timer->armed());
}

TEST(EventLoopTimer, CancelAndDestroy) {
    EventLoop loop;
    Watchdog watchdog(loop);
    std::string fired;
    Timer cancelled(loop, ClockType::Host, [&] { fired += "cancelled "; });
    auto destroyed = std::make_unique<Timer>(loop, ClockType::Host, [&] { fired += "destroyed "; });
    Timer self_cancel(loop, ClockType::Host, [&] { fired += "self-cancel "; });
    Timer killer(loop, ClockType::Host, [&] {
        fired += "killer ";
        cancelled.cancel();
        destroyed.reset();
        self_cancel.arm_in(ms(1));
        self_cancel.cancel();
    });
    Timer done(loop, ClockType::Host, [&] { loop.quit(); });

    Timer never(loop, ClockType::Host, [&] { fired += "never "; });
    never.arm_in(ms(1));
    never.cancel();
    EXPECT_FALSE(never.armed());
    {
        Timer scoped(loop, ClockType::Host, [&] { fired += "scoped "; });
        scoped.arm_in(ms(1));
    }

    // Equal deadlines: killer, armed first, runs first and removes the others.
    const ClockNs at = loop.now(ClockType::Host) + ms(5);
    killer.arm(at);
    cancelled.arm(at);
    destroyed->arm(at);
    done.arm(at + ms(10));
    loop.run();

    EXPECT_EQ(fired, "killer ");
    EXPECT_EQ(destroyed, nullptr);
    EXPECT_FALSE(cancelled.armed());
    EXPECT_FALSE(self_cancel.armed());
}

TEST(EventLoopTimer, OverdueRearmWaitsForNextIteration) {
    EventLoop loop;
    int ticks = 0;
    std::unique_ptr<Timer> timer;
    timer = std::make_unique<Timer>(loop, ClockType::Host, [&] {
        ++ticks;
        timer->arm(0);  // always overdue: must not starve the rest of the loop
    });
    bool deferred_ran = false;
    loop.defer([&] { deferred_ran = true; });
    timer->arm(0);

    for (int i = 0; i < 3; ++i) loop.iterate(false);
    EXPECT_EQ(ticks, 3);
    EXPECT_TRUE(deferred_ran);
}

TEST(EventLoopTimer, CallbackMayDestroyItsOwnTimer) {
    EventLoop loop;
    Watchdog watchdog(loop);
    std::string seen;
    std::unique_ptr<Timer> timer;
    timer = std::make_unique<Timer>(loop, ClockType::Host, [&, tag = std::string(64, 't')] {
        timer.reset();
        seen = tag;  // still valid: the callback outlives its Timer
        loop.quit();
    });
    timer->arm_in(ms(1));
    loop.run();
    EXPECT_EQ(timer, nullptr);
    EXPECT_EQ(seen, std::string(64, 't'));
}

// --- virtual clock --------------------------------------------------------------------------

TEST(EventLoopVirtualClock, RunningClockFollowsHost) {
    EventLoop loop;
    VirtualClock& clock = loop.virtual_clock();
    EXPECT_TRUE(clock.running());
    EXPECT_FALSE(clock.manual());

    const ClockNs v0 = clock.now();
    const ClockNs h0 = loop.now(ClockType::Host);
    std::this_thread::sleep_for(5ms);
    const ClockNs v1 = loop.now(ClockType::Virtual);
    const ClockNs h1 = loop.now(ClockType::Host);
    EXPECT_GE(v1 - v0, ms(5));
    EXPECT_LT((v1 - v0) - (h1 - h0), ms(20));
    EXPECT_GT((v1 - v0) - (h1 - h0), -ms(20));
}

TEST(EventLoopVirtualClock, StopFreezesTimeAndHoldsTimers) {
    EventLoop loop;
    Watchdog watchdog(loop);
    VirtualClock& clock = loop.virtual_clock();

    clock.stop();
    clock.stop();  // no-op
    EXPECT_FALSE(clock.running());
    const ClockNs frozen = clock.now();
    std::this_thread::sleep_for(2ms);
    EXPECT_EQ(clock.now(), frozen);

    bool fired = false;
    Timer virtual_timer(loop, ClockType::Virtual, [&] {
        fired = true;
        loop.quit();
    });
    virtual_timer.arm_in(ms(1));
    EXPECT_EQ(virtual_timer.deadline(), frozen + ms(1));

    const ClockNs host_start = loop.now(ClockType::Host);
    Timer resume(loop, ClockType::Host, [&] {
        EXPECT_FALSE(fired);
        EXPECT_EQ(clock.now(), frozen);
        clock.start();
    });
    resume.arm_in(ms(20));
    loop.run();

    ASSERT_TRUE(fired);
    EXPECT_TRUE(clock.running());
    // Virtual time resumed from where it stopped: it lags the host by the whole pause.
    const ClockNs virtual_elapsed = clock.now() - frozen;
    const ClockNs host_elapsed = loop.now(ClockType::Host) - host_start;
    EXPECT_GE(virtual_elapsed, ms(1));
    EXPECT_LE(virtual_elapsed, host_elapsed - ms(20));

    const ClockNs before = clock.now();
    clock.start();  // no-op: no jump
    EXPECT_GE(clock.now(), before);
    EXPECT_LT(clock.now() - before, ms(50));
}

TEST(EventLoopVirtualClock, ManualStepFiresTimersInOrder) {
    EventLoop loop;
    VirtualClock& clock = loop.virtual_clock();
    clock.set_manual(true);
    EXPECT_TRUE(clock.manual());
    EXPECT_FALSE(clock.running());
    clock.start();  // no-op in manual mode
    EXPECT_FALSE(clock.running());

    const ClockNs base = clock.now();
    std::vector<std::pair<char, ClockNs>> log;  // timer, now() - base when it fired
    auto record = [&](char name) { log.emplace_back(name, clock.now() - base); };
    std::unique_ptr<Timer> victim;
    Timer a(loop, ClockType::Virtual, [&] { record('a'); });
    Timer b(loop, ClockType::Virtual, [&] {
        record('b');
        victim.reset();
    });
    Timer late(loop, ClockType::Virtual, [&] { record('l'); });
    Timer periodic(loop, ClockType::Virtual, [&] {
        record('p');
        periodic.arm_in(40);
    });
    victim = std::make_unique<Timer>(loop, ClockType::Virtual, [&] { record('v'); });

    a.arm(base + 100);
    b.arm(base + 80);
    late.arm(base + 1000);
    periodic.arm(base + 40);
    victim->arm(base + 90);

    // Manual time stands still, and the loop itself never fires virtual timers.
    std::this_thread::sleep_for(2ms);
    EXPECT_EQ(clock.now(), base);
    iterate_ready(loop);
    EXPECT_TRUE(log.empty());

    clock.step(120);
    // b and the re-armed periodic tie at 80: b was armed first. The periodic timer re-armed to
    // 120 during the step still fires in it (the range is inclusive).
    const std::vector<std::pair<char, ClockNs>> expected{
        {'p', 40}, {'b', 80}, {'p', 80}, {'a', 100}, {'p', 120}};
    EXPECT_EQ(log, expected);
    EXPECT_EQ(clock.now(), base + 120);
    EXPECT_TRUE(periodic.armed());
    EXPECT_EQ(periodic.deadline(), base + 160);

    log.clear();
    periodic.cancel();
    clock.step(879);
    EXPECT_TRUE(log.empty());
    clock.step(1);
    EXPECT_EQ(log, (std::vector<std::pair<char, ClockNs>>{{'l', 1000}}));

    clock.set_manual(false);  // back to normal mode, still stopped until start()
    EXPECT_FALSE(clock.running());
    clock.step(10);  // ignored outside manual mode
    EXPECT_EQ(clock.now(), base + 1000);
    clock.start();
    EXPECT_TRUE(clock.running());
    EXPECT_GE(clock.now(), base + 1000);
}

TEST(EventLoopVirtualClock, NextDeadlineIsTheEarliestVirtualTimer) {
    EventLoop loop;
    VirtualClock& clock = loop.virtual_clock();
    clock.set_manual(true);
    EXPECT_FALSE(clock.next_deadline().has_value());
    const ClockNs base = clock.now();
    Timer host(loop, ClockType::Host, [] {});
    Timer late(loop, ClockType::Virtual, [] {});
    Timer early(loop, ClockType::Virtual, [] {});
    host.arm_in(1);  // host timers do not count
    late.arm(base + 500);
    early.arm(base + 200);
    EXPECT_EQ(clock.next_deadline(), base + 200);
    clock.step(200);  // fires early
    EXPECT_EQ(clock.next_deadline(), base + 500);
    late.cancel();
    EXPECT_FALSE(clock.next_deadline().has_value());
}

// --- signals --------------------------------------------------------------------------------

TEST(EventLoopSignals, SigtermQuitsRun) {
    EventLoop loop;
    Watchdog watchdog(loop);
    loop.quit_on_signals();
    EXPECT_EQ(loop.quit_signal(), 0);
    loop.defer([] { raise(SIGTERM); });
    loop.run();
    EXPECT_EQ(loop.quit_signal(), SIGTERM);
}

TEST(EventLoopSignals, SigintQuitsRun) {
    EventLoop loop;
    Watchdog watchdog(loop);
    loop.quit_on_signals();
    loop.defer([] { kill(getpid(), SIGINT); });
    loop.run();
    EXPECT_EQ(loop.quit_signal(), SIGINT);
}

}  // namespace
}  // namespace emu
