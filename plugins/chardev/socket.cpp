// chardev-socket: a stream socket, TCP (host=, port=) or unix (path=), client or server.
//
// Client (server=off): connects during realize; a failure is a realize error. When the peer
// goes away the back end stays disconnected and drops output (QEMU without reconnect=).
// Server (server=on): listens during realize. With wait=on (the default) realize blocks until
// the first client connects, printing "emu: waiting for connection on ..." as QEMU does; with
// wait=off clients are accepted by the event loop once a front end is attached (until then they
// wait in the listen backlog). One client at a time: while one is connected no other is
// accepted; when it leaves, output is dropped until the next one connects. port=0 listens on a
// free port, readable as the property bound-port. A unix server removes a stale socket file
// before binding and removes its own on unrealize.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <memory>

#include <emu/event_loop.h>

#include "chardev_common.h"

namespace emu_chardev {
namespace {

struct AddrInfoDeleter {
    void operator()(addrinfo* ai) const { ::freeaddrinfo(ai); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// "127.0.0.1:4444", "[::1]:4444"
std::string numeric_address(const sockaddr* sa, socklen_t length) {
    char host[NI_MAXHOST];
    char service[NI_MAXSERV];
    if (::getnameinfo(sa, length, host, sizeof host, service, sizeof service,
                      NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return "?";
    const std::string h = sa->sa_family == AF_INET6 ? "[" + std::string(host) + "]" : host;
    return h + ":" + service;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

class SocketChardev final : public CharIo {
public:
    ~SocketChardev() override { close_all(); }

    void write(const std::uint8_t* data, std::size_t length) override {
        if (conn_ < 0) return;  // no client: output is dropped
        output(data, length);
    }

    static void class_init(emu::ClassBuilder<SocketChardev>& c) {
        c.string("path", &SocketChardev::path_, std::nullopt,
                 "unix socket path (instead of host= and port=)");
        c.string("host", &SocketChardev::host_, std::nullopt,
                 "TCP host (server: address to listen on, default all; client: default localhost)");
        c.string("port", &SocketChardev::port_, std::nullopt,
                 "TCP port (server: 0 picks a free one, see bound-port)");
        c.boolean("server", &SocketChardev::server_, false,
                  "listen for a client instead of connecting to a server");
        c.boolean("wait", &SocketChardev::wait_, true,
                  "server: wait at start until the first client connects");
        c.boolean("nodelay", &SocketChardev::nodelay_, false,
                  "TCP: send small writes at once (TCP_NODELAY)");
        readonly_property<SocketChardev>(
            c, "bound-port", "uint16",
            [](const SocketChardev& s) {
                return s.bound_port_ ? std::to_string(s.bound_port_) : std::string();
            },
            "(read-only) TCP server: the port it listens on, once realized");
    }

protected:
    void do_realize() override {
        const bool tcp = path_.empty();
        if (!tcp && (!host_.empty() || !port_.empty()))
            fail("give either path= (a unix socket) or host= and port= (TCP), not both");
        if (tcp && port_.empty()) fail("needs path= (a unix socket) or port= (TCP)");
        tcp_ = tcp;
        try {
            if (server_) {
                listen_fd_ = tcp ? listen_tcp() : listen_unix();
                if (wait_) {
                    std::cerr << "emu: waiting for connection on " << address_ << ",server=on\n";
                    use_connection(wait_for_client());
                }
            } else {
                use_connection(tcp ? connect_tcp() : connect_unix());
            }
        } catch (...) {
            close_all();
            throw;
        }
    }

    bool is_open() const override { return conn_ >= 0; }

    void do_unrealize() override {
        if (conn_ >= 0) drain_output();
        close_all();
    }

    void start_io() override {
        if (conn_ >= 0)
            start_input(conn_, true);
        else if (listen_fd_ >= 0)
            start_accepting();
    }

    void on_input_closed(int) override {
        // The peer closed (or reset) the connection: what it did not read is dropped.
        stop_output();
        ::close(conn_);
        conn_ = -1;
        if (listen_fd_ >= 0) start_accepting();
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw emu::Error(display_name() + ": " + what);
    }
    [[noreturn]] void fail(const std::string& what, int error) const {
        fail(what + ": " + error_text(error));
    }

    AddrInfoList resolve(const char* host, bool passive) const {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = passive ? AI_PASSIVE : 0;
        addrinfo* result = nullptr;
        const int rc = ::getaddrinfo(host, port_.c_str(), &hints, &result);
        if (rc != 0)
            fail("cannot resolve '" + std::string(host ? host : "") + ":" + port_ + "': " +
                 (rc == EAI_SYSTEM ? error_text(errno) : std::string(::gai_strerror(rc))));
        return AddrInfoList(result);
    }

    int listen_tcp() {
        AddrInfoList list = resolve(host_.empty() ? nullptr : host_.c_str(), true);
        int error = 0;
        for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
            const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                                    ai->ai_protocol);
            if (fd < 0) {
                error = errno;
                continue;
            }
            const int one = 1;
            ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (ai->ai_family == AF_INET6 && host_.empty()) {
                const int zero = 0;  // [::] takes IPv4 clients too
                ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
            }
            if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 4) != 0) {
                error = errno;
                ::close(fd);
                continue;
            }
            sockaddr_storage bound{};
            socklen_t length = sizeof bound;
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
            address_ = "tcp:" + numeric_address(reinterpret_cast<sockaddr*>(&bound), length);
            bound_port_ = bound.ss_family == AF_INET6
                              ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                              : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
            return fd;
        }
        fail("cannot listen on tcp:" + host_ + ":" + port_, error);
    }

    sockaddr_un unix_address() const {
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        if (path_.size() >= sizeof sa.sun_path)
            fail("unix socket path is too long (at most " + std::to_string(sizeof sa.sun_path - 1) +
                 " bytes): " + path_);
        path_.copy(sa.sun_path, path_.size());
        return sa;
    }

    int listen_unix() {
        const sockaddr_un sa = unix_address();
        address_ = "unix:" + path_;
        // A socket file left by an earlier run would make bind() fail; other files stay.
        struct stat st {};
        if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path_.c_str());
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) fail("cannot create a unix socket", errno);
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
            const int error = errno;
            ::close(fd);
            fail("cannot listen on " + address_, error);
        }
        unlink_on_close_ = true;
        if (::listen(fd, 4) != 0) {
            const int error = errno;
            ::close(fd);
            fail("cannot listen on " + address_, error);
        }
        return fd;
    }

    int wait_for_client() {
        for (;;) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, -1) < 0) {
                if (errno == EINTR) continue;
                fail("cannot wait for a connection on " + address_, errno);
            }
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd >= 0) return fd;
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                fail("cannot accept a connection on " + address_, errno);
        }
    }

    int connect_tcp() {
        const std::string host = host_.empty() ? "localhost" : host_;
        AddrInfoList list = resolve(host.c_str(), false);
        int error = 0;
        for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
            const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                error = errno;
                continue;
            }
            int rc;
            do rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
            while (rc != 0 && errno == EINTR);
            if (rc == 0) return fd;
            error = errno;
            ::close(fd);
        }
        fail("cannot connect to tcp:" + host + ":" + port_, error);
    }

    int connect_unix() {
        const sockaddr_un sa = unix_address();
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) fail("cannot create a unix socket", errno);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
            const int error = errno;
            ::close(fd);
            fail("cannot connect to unix:" + path_, error);
        }
        return fd;
    }

    void use_connection(int fd) {
        set_nonblocking(fd);
        if (tcp_ && nodelay_) {
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        conn_ = fd;
        set_output(fd, true);
    }

    void start_accepting() {
        if (listen_watch_ || !loop()) return;
        listen_watch_ = loop()->watch_fd(listen_fd_, emu::IoIn,
                                         [this](int, unsigned) { return accept_client(); });
    }

    void stop_accepting() {
        if (listen_watch_ && loop()) loop()->remove_watch(*listen_watch_);
        listen_watch_.reset();
    }

    bool accept_client() {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            const int error = errno;
            if (error == EAGAIN || error == EWOULDBLOCK || error == EINTR || error == ECONNABORTED)
                return true;
            // Out of fds or memory: the listening socket would stay readable and spin the loop.
            std::cerr << "emu: " << display_name() << ": cannot accept a connection on "
                      << address_ << ": " << error_text(error) << "; no longer listening\n";
            stop_accepting();
            return false;
        }
        stop_accepting();  // one client at a time
        use_connection(fd);
        start_input(conn_, true);
        notify_opened();
        return false;
    }

    void close_all() {
        stop_loop_io();
        stop_accepting();
        stop_output();
        if (conn_ >= 0) ::close(conn_);
        conn_ = -1;
        if (listen_fd_ >= 0) ::close(listen_fd_);
        listen_fd_ = -1;
        if (unlink_on_close_) ::unlink(path_.c_str());
        unlink_on_close_ = false;
        bound_port_ = 0;
    }

    std::string path_;
    std::string host_;
    std::string port_;
    bool server_ = false;
    bool wait_ = true;
    bool nodelay_ = false;

    bool tcp_ = true;
    std::string address_;  // "tcp:127.0.0.1:4444", "unix:/run/x.sock": for messages
    std::uint16_t bound_port_ = 0;
    int listen_fd_ = -1;
    int conn_ = -1;
    bool unlink_on_close_ = false;
    std::optional<emu::EventLoop::WatchId> listen_watch_;
};

}  // namespace

void register_socket(emu::TypeBatch& types) {
    types.add({.name = "chardev-socket",
               .parent = "chardev",
               .description = "a TCP or unix stream socket, as client or server",
               .factory = emu::factory_of<SocketChardev>(),
               .class_init = emu::class_init_of<SocketChardev>(&SocketChardev::class_init)});
}

}  // namespace emu_chardev
