// chardev-socket over unix sockets and TCP on 127.0.0.1: server (wait=off and wait=on) and
// client, one client at a time, disconnect and reconnect, back-pressure, errors.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "support.h"

namespace chardev_test {
namespace {

int connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sa;
}

int connect_tcp(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in sa = loopback(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// A listening socket on 127.0.0.1 (port 0: any free one).
int listen_tcp(std::uint16_t& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa = loopback(0);
    ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(fd, 4);
    socklen_t length = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &length);
    port = ntohs(sa.sin_port);
    return fd;
}

int listen_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(fd, 4);
    return fd;
}

// Closes the fd at scope exit.
struct Fd {
    explicit Fd(int f) : fd(f) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    int fd;
};

class SocketTest : public ChardevTest {
protected:
    // One message each way between the back end and a peer socket.
    void exchange(emu::CharBackend& backend, Sink& sink, int peer, const std::string& tag) {
        const std::size_t before = sink.data.size();
        const std::string in = "to guest " + tag;
        ASSERT_TRUE(write_fd(peer, in));
        ASSERT_TRUE(run_until([&] { return sink.data.size() >= before + in.size(); })) << sink.data;
        EXPECT_EQ(sink.data.substr(before), in);
        const std::string out = "from guest " + tag;
        write(backend, out);
        EXPECT_EQ(read_fd(peer, out.size()), out);
    }
};

TEST_F(SocketTest, UnixServerWithoutWait) {
    TempDir dir;
    const std::string path = dir.path("serial.sock");
    emu::CharBackend& s = create("socket", "s0", {{"path", path}, {"server", "on"}, {"wait", "off"}});
    Sink& sink = attach(s);
    Fd client(connect_unix(path));
    ASSERT_GE(client.fd, 0);
    exchange(s, sink, client.fd, "1");
    EXPECT_EQ(s.get_property("bound-port"), "");
    s.unrealize();
    EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the socket file is removed";
}

TEST_F(SocketTest, TcpServerOnAFreePort) {
    emu::CharBackend& s = create("socket", "s0",
                                 {{"host", "127.0.0.1"}, {"port", "0"}, {"server", "on"}, {"wait", "off"},
                                  {"nodelay", "on"}});
    const std::string port = s.get_property("bound-port");
    ASSERT_FALSE(port.empty());
    ASSERT_NE(port, "0");
    Sink& sink = attach(s);
    Fd client(connect_tcp(static_cast<std::uint16_t>(std::stoi(port))));
    ASSERT_GE(client.fd, 0);
    exchange(s, sink, client.fd, "tcp");
}

TEST_F(SocketTest, DisconnectDropsOutputThenTheNextClientIsServed) {
    TempDir dir;
    const std::string path = dir.path("s.sock");
    emu::CharBackend& s = create("socket", "s0", {{"path", path}, {"server", "on"}, {"wait", "off"}});
    Sink& sink = attach(s);
    Fd first(connect_unix(path));
    exchange(s, sink, first.fd, "A");

    // One client at a time: a second one waits in the backlog, unserved.
    Fd second(connect_unix(path));
    ASSERT_GE(second.fd, 0);
    ASSERT_TRUE(write_fd(second.fd, "queued"));
    run_for(std::chrono::milliseconds(50));
    EXPECT_EQ(sink.data.find("queued"), std::string::npos);

    first.reset();
    ASSERT_TRUE(run_until([&] { return sink.data.find("queued") != std::string::npos; })) << sink.data;
    exchange(s, sink, second.fd, "B");

    second.reset();
    run_for(std::chrono::milliseconds(30));
    write(s, "nobody listens");  // dropped, quietly
    EXPECT_EQ(run_for(std::chrono::milliseconds(30)), 0) << "the closed connection is not watched";

    Fd third(connect_unix(path));
    exchange(s, sink, third.fd, "C");
    EXPECT_EQ(drain_fd(third.fd), "") << "output from while no one was connected was dropped";
}

TEST_F(SocketTest, ServerWaitsForTheFirstClientDuringRealize) {
    TempDir dir;
    const std::string path = dir.path("wait.sock");
    int client_fd = -1;
    std::thread client([&] {
        for (int i = 0; i < 500 && client_fd < 0; ++i) {
            client_fd = connect_unix(path);
            if (client_fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (client_fd >= 0) write_fd(client_fd, "hello early");
    });
    CaptureStderr err;
    emu::CharBackend& s = create("socket", "s0", {{"path", path}, {"server", "on"}});
    client.join();
    Fd peer(client_fd);
    ASSERT_GE(peer.fd, 0);
    EXPECT_EQ(err.text(), "emu: waiting for connection on unix:" + path + ",server=on\n");
    Sink& sink = attach(s);
    ASSERT_TRUE(run_until([&] { return sink.data == "hello early"; })) << sink.data;
    exchange(s, sink, peer.fd, "W");
}

TEST_F(SocketTest, TcpServerWaitsToo) {
    // Find a free port first, then let the back end listen on it.
    std::uint16_t port = 0;
    ::close(listen_tcp(port));
    int client_fd = -1;
    std::thread client([&] {
        for (int i = 0; i < 500 && client_fd < 0; ++i) {
            client_fd = connect_tcp(port);
            if (client_fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    CaptureStderr err;
    emu::CharBackend& s =
        create("socket", "s0", {{"host", "127.0.0.1"}, {"port", std::to_string(port)}, {"server", "on"}});
    client.join();
    Fd peer(client_fd);
    ASSERT_GE(peer.fd, 0);
    EXPECT_EQ(err.text(), "emu: waiting for connection on tcp:127.0.0.1:" + std::to_string(port) +
                              ",server=on\n");
    Sink& sink = attach(s);
    exchange(s, sink, peer.fd, "T");
}

TEST_F(SocketTest, UnixClient) {
    TempDir dir;
    const std::string path = dir.path("peer.sock");
    Fd listener(listen_unix(path));
    emu::CharBackend& s = create("socket", "s0", {{"path", path}});
    Fd peer(::accept(listener.fd, nullptr, nullptr));
    ASSERT_GE(peer.fd, 0);
    Sink& sink = attach(s);
    exchange(s, sink, peer.fd, "U");
    // The server going away leaves the client disconnected; output is dropped.
    peer.reset();
    run_for(std::chrono::milliseconds(30));
    write(s, "into the void");
    EXPECT_EQ(run_for(std::chrono::milliseconds(20)), 0);
}

TEST_F(SocketTest, TcpClient) {
    std::uint16_t port = 0;
    Fd listener(listen_tcp(port));
    emu::CharBackend& s = create("socket", "s0", {{"host", "127.0.0.1"}, {"port", std::to_string(port)}});
    Fd peer(::accept(listener.fd, nullptr, nullptr));
    ASSERT_GE(peer.fd, 0);
    Sink& sink = attach(s);
    exchange(s, sink, peer.fd, "client");
}

TEST_F(SocketTest, BackPressureOneByteAtATime) {
    TempDir dir;
    const std::string path = dir.path("bp.sock");
    emu::CharBackend& s = create("socket", "s0", {{"path", path}, {"server", "on"}, {"wait", "off"}});
    Sink& sink = attach(s);
    sink.room = 1;
    Fd client(connect_unix(path));
    const std::string text = "0123456789abcdefghij";
    ASSERT_TRUE(write_fd(client.fd, text));
    while (sink.data.size() < text.size()) {
        const std::size_t before = sink.data.size();
        ASSERT_TRUE(run_until([&] { return sink.data.size() > before; })) << sink.data;
        EXPECT_EQ(sink.data.size(), before + 1);
        sink.room = 1;
        s.accept_input();
    }
    EXPECT_EQ(sink.data, text);
    EXPECT_FALSE(sink.overrun);
}

TEST_F(SocketTest, ConnectFailuresAreRealizeErrors) {
    TempDir dir;
    EXPECT_EQ(create_error("socket", "s0", {{"path", dir.path("nobody.sock")}}),
              "chardev-socket 's0': cannot connect to unix:" + dir.path("nobody.sock") +
                  ": No such file or directory");
    std::uint16_t port = 0;
    ::close(listen_tcp(port));  // a port nobody listens on
    EXPECT_EQ(create_error("socket", "s1", {{"host", "127.0.0.1"}, {"port", std::to_string(port)}}),
              "chardev-socket 's1': cannot connect to tcp:127.0.0.1:" + std::to_string(port) +
                  ": Connection refused");
}

TEST_F(SocketTest, BadPropertiesAreRealizeErrors) {
    EXPECT_EQ(create_error("socket", "s0", {}),
              "chardev-socket 's0': needs path= (a unix socket) or port= (TCP)");
    EXPECT_EQ(create_error("socket", "s1", {{"path", "/tmp/x.sock"}, {"port", "4444"}}),
              "chardev-socket 's1': give either path= (a unix socket) or host= and port= (TCP), not both");
    EXPECT_EQ(create_error("socket", "s2", {{"path", "/tmp/" + std::string(200, 'x')}, {"server", "on"}}),
              "chardev-socket 's2': unix socket path is too long (at most 107 bytes): /tmp/" +
                  std::string(200, 'x'));
    EXPECT_EQ(create_error("socket", "s3", {{"host", "127.0.0.1"}, {"port", "no-such-service"}}).rfind(
                  "chardev-socket 's3': cannot resolve '127.0.0.1:no-such-service': ", 0),
              0u);
}

TEST_F(SocketTest, ListeningOnABusyPortIsAnError) {
    std::uint16_t port = 0;
    Fd busy(listen_tcp(port));
    EXPECT_EQ(create_error("socket", "s0", {{"host", "127.0.0.1"}, {"port", std::to_string(port)},
                                             {"server", "on"}, {"wait", "off"}}),
              "chardev-socket 's0': cannot listen on tcp:127.0.0.1:" + std::to_string(port) +
                  ": Address already in use");
}

TEST_F(SocketTest, StaleUnixSocketFileIsReplaced) {
    TempDir dir;
    const std::string path = dir.path("stale.sock");
    ::close(listen_unix(path));  // leaves the file behind
    emu::CharBackend& s = create("socket", "s0", {{"path", path}, {"server", "on"}, {"wait", "off"}});
    Sink& sink = attach(s);
    Fd client(connect_unix(path));
    ASSERT_GE(client.fd, 0);
    exchange(s, sink, client.fd, "S");
}

}  // namespace
}  // namespace chardev_test
