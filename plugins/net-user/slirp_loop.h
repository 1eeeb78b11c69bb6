// libslirp on emu's GLib main loop.
//
// slirp wants to be asked, before every sleep, which sockets it needs watched
// (slirp_pollfds_fill) and told, after it, what happened to them (slirp_pollfds_poll); its
// TCP timers ride on the poll timeout it returns. SlirpLoop is a custom GSource on the
// EventLoop's GMainContext doing exactly that: prepare() refills the poll set and the timeout,
// check() sees whether a socket is ready or the timeout ran out, dispatch() lets slirp work.
// Everything runs on the loop thread under the big lock, as the loop's other callbacks do.
// slirp's own timers (IPv6 router advertisements) are emu::Timers on the host clock.
#pragma once

#include <glib.h>
#include <slirp/libslirp.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <emu/event_loop.h>

namespace emu_net_user {

class SlirpLoop {
public:
    explicit SlirpLoop(emu::EventLoop& loop);
    ~SlirpLoop();
    SlirpLoop(const SlirpLoop&) = delete;
    SlirpLoop& operator=(const SlirpLoop&) = delete;

    // Start polling for this instance (once it exists). detach() before slirp_cleanup().
    void attach(Slirp* slirp);
    void detach();

    // Make a sleeping loop look at slirp's sockets again (after slirp_input on a vCPU thread
    // opened a connection, or slirp's notify()).
    void wakeup();

    // For slirp's callbacks: its clock (host, ns) and timers (deadline in ms of that clock).
    std::int64_t now_ns() const;
    void* new_timer(SlirpTimerId id, void* cb_opaque);
    static void free_timer(void* timer);
    static void mod_timer(void* timer, std::int64_t expire_ms);

private:
    struct Source;
    struct SlirpTimer;
    static gboolean prepare(GSource* source, gint* timeout);
    static gboolean check(GSource* source);
    static gboolean dispatch(GSource* source, GSourceFunc, gpointer);
    static int add_poll(int fd, int events, void* opaque);
    static int get_revents(int index, void* opaque);
    void refill(GSource* source, gint* timeout);
    bool ready() const;

    emu::EventLoop& loop_;
    Slirp* slirp_ = nullptr;
    GSource* source_ = nullptr;
    std::vector<GPollFD> polls_;       // what the source polls; rebuilt in every prepare()
    std::vector<GPollFD> filling_;     // built by slirp_pollfds_fill before polls_ takes it
    std::int64_t deadline_ns_ = -1;    // when slirp's timeout runs out (-1: none); only moves
                                       // earlier until dispatch() (see refill())
};

}  // namespace emu_net_user
