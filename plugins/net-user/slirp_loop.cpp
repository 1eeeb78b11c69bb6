#include "slirp_loop.h"

#include <algorithm>
#include <limits>

namespace emu_net_user {

struct SlirpLoop::Source {
    GSource base;
    SlirpLoop* owner;
};

struct SlirpLoop::SlirpTimer {
    SlirpTimer(emu::EventLoop& loop, Slirp*& slirp, SlirpTimerId id, void* cb_opaque)
        : timer(loop, emu::ClockType::Host, [&slirp, id, cb_opaque] {
              if (slirp) slirp_handle_timer(slirp, id, cb_opaque);
          }) {}
    emu::Timer timer;
};

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

GSourceFuncs source_funcs_for(gboolean (*prepare)(GSource*, gint*), gboolean (*check)(GSource*),
                              gboolean (*dispatch)(GSource*, GSourceFunc, gpointer)) {
    GSourceFuncs funcs{};
    funcs.prepare = prepare;
    funcs.check = check;
    funcs.dispatch = dispatch;
    return funcs;
}

gushort to_gio(int slirp_events) {
    gushort events = 0;
    if (slirp_events & SLIRP_POLL_IN) events |= G_IO_IN;
    if (slirp_events & SLIRP_POLL_OUT) events |= G_IO_OUT;
    if (slirp_events & SLIRP_POLL_PRI) events |= G_IO_PRI;
    if (slirp_events & SLIRP_POLL_ERR) events |= G_IO_ERR;
    if (slirp_events & SLIRP_POLL_HUP) events |= G_IO_HUP;
    return events;
}

int to_slirp(gushort revents) {
    int events = 0;
    if (revents & G_IO_IN) events |= SLIRP_POLL_IN;
    if (revents & G_IO_OUT) events |= SLIRP_POLL_OUT;
    if (revents & G_IO_PRI) events |= SLIRP_POLL_PRI;
    if (revents & (G_IO_ERR | G_IO_NVAL)) events |= SLIRP_POLL_ERR;
    if (revents & G_IO_HUP) events |= SLIRP_POLL_HUP;
    return events;
}

}  // namespace

SlirpLoop::SlirpLoop(emu::EventLoop& loop) : loop_(loop) {}

SlirpLoop::~SlirpLoop() { detach(); }

void SlirpLoop::attach(Slirp* slirp) {
    detach();
    slirp_ = slirp;
    static GSourceFuncs funcs = source_funcs_for(&prepare, &check, &dispatch);
    source_ = g_source_new(&funcs, sizeof(Source));
    reinterpret_cast<Source*>(source_)->owner = this;
    g_source_set_name(source_, "emu-slirp");
    g_source_attach(source_, loop_.context());
}

void SlirpLoop::detach() {
    if (source_) {
        g_source_destroy(source_);
        g_source_unref(source_);
        source_ = nullptr;
    }
    polls_.clear();
    slirp_ = nullptr;
}

void SlirpLoop::wakeup() {
    if (source_) g_main_context_wakeup(loop_.context());
}

std::int64_t SlirpLoop::now_ns() const { return loop_.now(emu::ClockType::Host); }

void* SlirpLoop::new_timer(SlirpTimerId id, void* cb_opaque) {
    return new SlirpTimer(loop_, slirp_, id, cb_opaque);
}

void SlirpLoop::free_timer(void* timer) { delete static_cast<SlirpTimer*>(timer); }

void SlirpLoop::mod_timer(void* timer, std::int64_t expire_ms) {
    static_cast<SlirpTimer*>(timer)->timer.arm(expire_ms * kNsPerMs);
}

int SlirpLoop::add_poll(int fd, int events, void* opaque) {
    auto& filling = static_cast<SlirpLoop*>(opaque)->filling_;
    filling.push_back(GPollFD{fd, to_gio(events), 0});
    return static_cast<int>(filling.size() - 1);
}

int SlirpLoop::get_revents(int index, void* opaque) {
    const auto& polls = static_cast<SlirpLoop*>(opaque)->polls_;
    if (index < 0 || static_cast<std::size_t>(index) >= polls.size()) return 0;
    return to_slirp(polls[static_cast<std::size_t>(index)].revents);
}

void SlirpLoop::refill(GSource* source, gint* timeout) {
    // The source keeps pointers into polls_: take them out before it changes.
    for (GPollFD& poll : polls_) g_source_remove_poll(source, &poll);
    filling_.clear();
    std::uint32_t timeout_ms = std::numeric_limits<std::uint32_t>::max();
    slirp_pollfds_fill(slirp_, &timeout_ms, &add_poll, this);
    polls_.swap(filling_);
    for (GPollFD& poll : polls_) g_source_add_poll(source, &poll);
    // The deadline only ever moves earlier until dispatch() lets slirp run its timers. Taking
    // slirp's timeout afresh in every prepare() would push it later on each loop iteration: a
    // loop woken more often than the timeout (a tcg vCPU's timers and kicks wake it every
    // millisecond) would then never run slirp's TCP timers, and a lost segment would never be
    // retransmitted.
    const std::int64_t now = now_ns();
    if (timeout_ms != std::numeric_limits<std::uint32_t>::max()) {
        const std::int64_t wanted = now + static_cast<std::int64_t>(timeout_ms) * kNsPerMs;
        if (deadline_ns_ < 0 || wanted < deadline_ns_) deadline_ns_ = wanted;
    }
    if (deadline_ns_ < 0) {
        *timeout = -1;
    } else {
        const std::int64_t left_ns = std::max<std::int64_t>(0, deadline_ns_ - now);
        const std::int64_t left_ms = (left_ns + kNsPerMs - 1) / kNsPerMs;
        *timeout = static_cast<gint>(std::min<std::int64_t>(left_ms, G_MAXINT));
    }
}

bool SlirpLoop::ready() const {
    if (deadline_ns_ >= 0 && now_ns() >= deadline_ns_) return true;
    return std::any_of(polls_.begin(), polls_.end(), [](const GPollFD& p) { return p.revents != 0; });
}

gboolean SlirpLoop::prepare(GSource* source, gint* timeout) {
    SlirpLoop& self = *reinterpret_cast<Source*>(source)->owner;
    self.refill(source, timeout);
    return *timeout == 0;
}

gboolean SlirpLoop::check(GSource* source) { return reinterpret_cast<Source*>(source)->owner->ready(); }

gboolean SlirpLoop::dispatch(GSource* source, GSourceFunc, gpointer) {
    SlirpLoop& self = *reinterpret_cast<Source*>(source)->owner;
    if (self.slirp_) slirp_pollfds_poll(self.slirp_, 0, &get_revents, &self);
    self.deadline_ns_ = -1;
    return G_SOURCE_CONTINUE;
}

}  // namespace emu_net_user
