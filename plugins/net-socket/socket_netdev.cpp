// -netdev socket (type "netdev-socket"), QEMU's three ways of carrying frames between emu
// processes:
//   listen=[host]:port   a TCP server; one peer at a time, accepted whenever none is connected
//   connect=host:port    a TCP client, connected during realize (the server must be up)
//   udp=host:port,localaddr=host:port   one UDP datagram per frame, sent to udp=, received on
//                        localaddr= from anyone
// Over TCP each frame is a 4-byte big-endian length and the frame, as QEMU's stream format, so
// emu and QEMU can share a wire.
//
// Back-pressure: when the NIC's queue is full (send() answers Queued) the fd is no longer read
// until send_ready(), so the sender's TCP window closes (UDP: the kernel drops, as a wire
// would). When the fd cannot take a frame the back end refuses further ones (can_receive()
// false), which queues them for the NIC until the fd is writable again.
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <emu/error.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/net.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include "socket_address.h"
#include "stream_framing.h"

namespace emu_net_socket {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

class SocketNetdev final : public emu::NetBackend {
public:
    ~SocketNetdev() override { close_all(); }

    bool can_receive() const override { return !write_blocked_; }

    bool receive(std::span<const std::uint8_t> frame) override {
        if (udp_fd_ >= 0) return send_datagram(frame);
        if (conn_fd_ < 0) return true;  // no peer on the wire: the frame is lost, as on a cable
        if (write_blocked_) return false;
        const auto header = frame_header(frame.size());
        pending_.assign(header.begin(), header.end());
        pending_.insert(pending_.end(), frame.begin(), frame.end());
        pending_sent_ = 0;
        flush_pending();
        return true;
    }

    void send_ready() override {
        paused_ = false;
        if (conn_fd_ >= 0) {
            deliver_stream_frames();
            if (!paused_ && conn_fd_ >= 0) watch_input();
        } else if (udp_fd_ >= 0) {
            watch_input();
        }
    }

    static void class_init(emu::ClassBuilder<SocketNetdev>& c) {
        c.string("listen", &SocketNetdev::listen_, std::nullopt,
                 "TCP: accept a peer on [host]:port (port 0: any free one, see bound-port)");
        c.string("connect", &SocketNetdev::connect_, std::nullopt, "TCP: connect to a listening peer at host:port");
        c.string("udp", &SocketNetdev::udp_, std::nullopt, "UDP: send frames to host:port (needs localaddr=)");
        c.string("localaddr", &SocketNetdev::localaddr_, std::nullopt,
                 "UDP: receive frames on host:port (port 0: any free one, see bound-port)");
        emu::Property p;
        p.name = "bound-port";
        p.kind = emu::PropertyKind::String;
        p.type_name = "uint16";
        p.description = "(read-only) the local port of listen= or localaddr=, once realized";
        p.parse = [](emu::Object&, std::string_view) { throw emu::Error("cannot be set: the property is read-only"); };
        p.print = [](const emu::Object& o) {
            const auto& self = dynamic_cast<const SocketNetdev&>(o);
            const std::uint16_t port = bound_port(self.listen_fd_ >= 0 ? self.listen_fd_ : self.udp_fd_);
            return port ? std::to_string(port) : std::string();
        };
        c.object_class().add_property(std::move(p));
    }

protected:
    void do_realize() override {
        const int modes = !listen_.empty() + !connect_.empty() + !udp_.empty();
        if (modes != 1) fail("give exactly one of listen=, connect= and udp=");
        if (udp_.empty() != localaddr_.empty())
            fail(udp_.empty() ? "localaddr= goes with udp=" : "udp= needs localaddr= (where to receive)");
        emu::Machine* machine = this->machine();
        if (!machine) fail("needs a machine (its event loop) to run in");
        loop_ = &machine->loop();
        try {
            if (!listen_.empty()) {
                listen_fd_ = listen_stream(split_host_port(listen_));
                watch_accept();
            } else if (!connect_.empty()) {
                use_connection(connect_stream(split_host_port(connect_)));
            } else {
                udp_peer_ = resolve_datagram(split_host_port(udp_));
                udp_fd_ = bind_datagram(split_host_port(localaddr_), udp_peer_.family());
                watch_input();
            }
        } catch (const emu::Error& e) {
            close_all();
            fail(e.what());
        }
    }

    void do_unrealize() override { close_all(); }

private:
    [[noreturn]] void fail(const std::string& what) const { throw emu::Error(display_name() + ": " + what); }
    void warn(const std::string& what) const { std::cerr << "emu: " << display_name() << ": " << what << "\n"; }

    // ---- watches ----
    void watch_accept() {
        accept_watch_ = loop_->watch_fd(listen_fd_, emu::IoIn, [this](int, unsigned) { return accept_peer(); });
    }

    void watch_input() {
        if (input_watch_) return;
        const int fd = udp_fd_ >= 0 ? udp_fd_ : conn_fd_;
        input_watch_ = loop_->watch_fd(fd, emu::IoIn | emu::IoHup | emu::IoErr, [this](int, unsigned) {
            const bool keep = udp_fd_ >= 0 ? read_datagrams() : read_stream();
            if (!keep) input_watch_.reset();
            return keep;
        });
    }

    void unwatch(std::optional<emu::EventLoop::WatchId>& watch) {
        if (watch && loop_) loop_->remove_watch(*watch);
        watch.reset();
    }

    void watch_output() {
        if (output_watch_) return;
        const int fd = udp_fd_ >= 0 ? udp_fd_ : conn_fd_;
        output_watch_ = loop_->watch_fd(fd, emu::IoOut, [this](int, unsigned) {
            if (udp_fd_ >= 0) {
                write_blocked_ = false;
            } else {
                flush_pending();
                if (write_blocked_) return true;
            }
            output_watch_.reset();
            receive_ready();  // frames the NIC queued meanwhile
            return false;
        });
    }

    // ---- TCP ----
    bool accept_peer() {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return true;
            warn(std::string("cannot accept a peer: ") + std::strerror(errno) + "; no longer listening");
            accept_watch_.reset();
            return false;
        }
        accept_watch_.reset();  // one peer at a time
        use_connection(fd);
        return false;
    }

    void use_connection(int fd) {
        conn_fd_ = fd;
        decoder_.clear();
        paused_ = false;
        write_blocked_ = false;
        watch_input();
    }

    void drop_connection() {
        unwatch(input_watch_);
        unwatch(output_watch_);
        if (conn_fd_ >= 0) ::close(conn_fd_);
        conn_fd_ = -1;
        decoder_.clear();
        pending_.clear();
        const bool was_blocked = write_blocked_;
        write_blocked_ = false;
        if (listen_fd_ >= 0 && !accept_watch_) watch_accept();
        if (was_blocked) receive_ready();  // what the NIC queued is dropped now (no peer)
    }

    bool read_stream() {
        std::array<std::uint8_t, kReadChunk> buffer;
        const ssize_t n = ::recv(conn_fd_, buffer.data(), buffer.size(), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
        if (n <= 0) {
            if (n < 0) warn(std::string("connection lost: ") + std::strerror(errno));
            input_watch_.reset();
            drop_connection();
            return false;
        }
        decoder_.append(buffer.data(), static_cast<std::size_t>(n));
        deliver_stream_frames();
        if (conn_fd_ < 0) return false;  // dropped: drop_connection removed the watch
        if (paused_) {
            input_watch_.reset();
            return false;
        }
        return true;
    }

    // Hand the NIC every whole frame received, until it is full.
    void deliver_stream_frames() {
        std::span<const std::uint8_t> frame;
        while (!paused_) {
            const auto status = decoder_.next(frame);
            if (status == StreamDecoder::Status::NeedMore) return;
            if (status == StreamDecoder::Status::TooLong) {
                warn("the peer sent a frame longer than " + std::to_string(emu::net::kMaxFrameSize) +
                     " bytes; closing the connection");
                drop_connection();
                return;
            }
            if (send(frame) == SendStatus::Queued) paused_ = true;
        }
    }

    void flush_pending() {
        while (pending_sent_ < pending_.size()) {
            const ssize_t n = ::send(conn_fd_, pending_.data() + pending_sent_, pending_.size() - pending_sent_,
                                     MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) {
                write_blocked_ = true;
                watch_output();
                return;
            }
            if (n < 0) {
                pending_.clear();
                pending_sent_ = 0;
                write_blocked_ = false;
                return;  // the read side sees the error and drops the connection
            }
            pending_sent_ += static_cast<std::size_t>(n);
        }
        pending_.clear();
        pending_sent_ = 0;
        write_blocked_ = false;
    }

    // ---- UDP ----
    bool read_datagrams() {
        std::array<std::uint8_t, emu::net::kMaxFrameSize> buffer;
        for (int i = 0; i < 64; ++i) {  // bounded: let the rest of the loop run
            const ssize_t n = ::recv(udp_fd_, buffer.data(), buffer.size(), MSG_TRUNC);
            if (n < 0) return true;  // EAGAIN, or an ICMP error from an earlier send
            if (static_cast<std::size_t>(n) > buffer.size()) continue;  // too long for any NIC
            if (send(std::span(buffer.data(), static_cast<std::size_t>(n))) == SendStatus::Queued) {
                paused_ = true;
                input_watch_.reset();
                return false;
            }
        }
        return true;
    }

    bool send_datagram(std::span<const std::uint8_t> frame) {
        const ssize_t n = ::sendto(udp_fd_, frame.data(), frame.size(), MSG_NOSIGNAL, udp_peer_.get(), udp_peer_.length);
        if (n < 0 && errno == EAGAIN) {
            write_blocked_ = true;
            watch_output();
            return false;  // the layer keeps it queued until receive_ready()
        }
        return true;  // sent, or lost (no route, peer not there yet) as on a wire
    }

    void close_all() {
        unwatch(input_watch_);
        unwatch(output_watch_);
        unwatch(accept_watch_);
        for (int* fd : {&conn_fd_, &listen_fd_, &udp_fd_}) {
            if (*fd >= 0) ::close(*fd);
            *fd = -1;
        }
        pending_.clear();
        decoder_.clear();
    }

    std::string listen_, connect_, udp_, localaddr_;

    emu::EventLoop* loop_ = nullptr;
    int listen_fd_ = -1;
    int conn_fd_ = -1;
    int udp_fd_ = -1;
    SocketAddress udp_peer_;
    std::optional<emu::EventLoop::WatchId> accept_watch_, input_watch_, output_watch_;
    StreamDecoder decoder_{emu::net::kMaxFrameSize};
    std::vector<std::uint8_t> pending_;  // one framed frame the TCP socket has not taken yet
    std::size_t pending_sent_ = 0;
    bool paused_ = false;         // the NIC's queue is full: not reading until send_ready()
    bool write_blocked_ = false;  // the fd is full: refusing frames until it drains
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "netdev-socket",
               .parent = "netdev",
               .category = emu::Category::Network,
               .description = "frames over TCP (listen=/connect=) or UDP (udp=, localaddr=) to another emu or QEMU",
               .factory = emu::factory_of<SocketNetdev>(),
               .class_init = emu::class_init_of<SocketNetdev>(&SocketNetdev::class_init)});
}

}  // namespace
}  // namespace emu_net_socket

EMU_PLUGIN(net_socket, "0.1.0", "Socket networking (-netdev socket): TCP and UDP wires between emu processes",
           "MIT", emu_net_socket::register_types);
