// -netdev socket (plugin net_socket): two back ends in one process sharing a TCP or UDP wire,
// QEMU's stream framing (pieces, absurd lengths), back-pressure end to end without loss, and
// the configuration errors.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support.h"

namespace net_test {
namespace {

Frame numbered(std::uint32_t n, std::size_t size) {
    Frame f(size, static_cast<std::uint8_t>(n * 7));
    for (int i = 0; i < 4; ++i) f[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
    return f;
}
std::uint32_t number_of(const Frame& f) {
    return std::uint32_t{f[0]} | std::uint32_t{f[1]} << 8 | std::uint32_t{f[2]} << 16 | std::uint32_t{f[3]} << 24;
}

int raw_connect(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

class SocketNetdevTest : public NetTest {
protected:
    // A listening and a connecting back end on 127.0.0.1, each with its TestNic.
    void make_tcp_pair() {
        emu::NetBackend& server = create("socket", "server", {{"listen", "127.0.0.1:0"}});
        port = static_cast<std::uint16_t>(std::stoi(server.get_property("bound-port")));
        emu::NetBackend& client = create("socket", "client", {{"connect", "127.0.0.1:" + std::to_string(port)}});
        plug(nic1, server);
        plug(nic2, client);
        a = &server;
        b = &client;
    }
    void make_udp_pair() {
        const std::uint16_t p1 = free_port(true), p2 = free_port(true);
        a = &create("socket", "one", {{"udp", "127.0.0.1:" + std::to_string(p2)}, {"localaddr", "127.0.0.1:" + std::to_string(p1)}});
        b = &create("socket", "two", {{"udp", "127.0.0.1:" + std::to_string(p1)}, {"localaddr", "127.0.0.1:" + std::to_string(p2)}});
        plug(nic1, *a);
        plug(nic2, *b);
    }
    // Send frames [first, last) from `from`, obeying back-pressure: after Queued, wait for
    // send_ready(). Returns the next frame to send: `last`, or earlier if send_ready() did not
    // come within `patience` (the wire is blocked end to end).
    std::uint32_t send_frames(TestNic& from, std::uint32_t first, std::uint32_t last, std::size_t size,
                              std::chrono::milliseconds patience = std::chrono::seconds(10)) {
        for (std::uint32_t n = first; n < last; ++n) {
            const int ready_before = from.send_ready_calls;
            if (from.send(numbered(n, size)) == emu::NetClient::SendStatus::Queued &&
                !run_until([&] { return from.send_ready_calls > ready_before; }, patience))
                return n + 1;  // frame n is queued and will go
        }
        return last;
    }

    TestNic nic1{"nic1"}, nic2{"nic2"};
    emu::NetBackend* a = nullptr;
    emu::NetBackend* b = nullptr;
    std::uint16_t port = 0;
};

TEST_F(SocketNetdevTest, TcpCarriesFramesBothWaysWhole) {
    make_tcp_pair();
    const std::vector<std::size_t> sizes = {60, 1514, 9018, 65536};
    for (std::uint32_t i = 0; i < sizes.size(); ++i) nic2.send(numbered(i, sizes[i]));
    ASSERT_TRUE(run_until([&] { return nic1.frames.size() == sizes.size(); })) << nic1.frames.size();
    for (std::uint32_t i = 0; i < sizes.size(); ++i) EXPECT_EQ(nic1.frames[i], numbered(i, sizes[i]));
    nic1.send(numbered(99, 1514));
    ASSERT_TRUE(run_until([&] { return nic2.frames.size() == 1; }));
    EXPECT_EQ(nic2.frames[0], numbered(99, 1514));
}

TEST_F(SocketNetdevTest, AFullNicStopsTheReadingAndNothingIsLost) {
    make_tcp_pair();
    nic1.room = 0;
    const std::uint32_t count = 6000;  // 9 MB: far more than the sockets buffer
    const std::uint32_t sent = send_frames(nic2, 0, count, 1514, std::chrono::milliseconds(300));
    ASSERT_LT(sent, count) << "the sender never felt the back-pressure";
    EXPECT_LE(nic1.queued_frames(), 1u) << "the back end kept reading into a full NIC";
    const int ready_before = nic2.send_ready_calls;
    nic1.make_room();
    ASSERT_TRUE(run_until([&] { return nic2.send_ready_calls > ready_before; })) << "the sender was not woken";
    EXPECT_EQ(send_frames(nic2, sent, count, 1514), count);
    ASSERT_TRUE(run_until([&] { return nic1.frames.size() == count; }, std::chrono::seconds(20)))
        << nic1.frames.size();
    for (std::uint32_t n = 0; n < count; ++n) ASSERT_EQ(number_of(nic1.frames[n]), n);
    EXPECT_EQ(a->stats().dropped + b->stats().dropped + nic2.stats().dropped, 0u);
}

TEST_F(SocketNetdevTest, FramesArriveWholeFromAStreamInPieces) {
    emu::NetBackend& server = create("socket", "server", {{"listen", "127.0.0.1:0"}});
    plug(nic1, server);
    const int fd = raw_connect(static_cast<std::uint16_t>(std::stoi(server.get_property("bound-port"))));
    ASSERT_GE(fd, 0);
    Frame wire = {0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0, 2, 9, 8};
    for (std::uint8_t byte : wire) {
        ASSERT_EQ(::write(fd, &byte, 1), 1);
        run_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(run_until([&] { return nic1.frames.size() == 2; }));
    EXPECT_EQ(nic1.frames[0], (Frame{1, 2, 3, 4, 5}));
    EXPECT_EQ(nic1.frames[1], (Frame{9, 8}));
    ::close(fd);
}

TEST_F(SocketNetdevTest, AnAbsurdLengthClosesTheConnectionAndTheNextPeerIsServed) {
    emu::NetBackend& server = create("socket", "server", {{"listen", "127.0.0.1:0"}});
    plug(nic1, server);
    const auto bound = static_cast<std::uint16_t>(std::stoi(server.get_property("bound-port")));
    const int bad = raw_connect(bound);
    const std::uint8_t huge[4] = {0x7f, 0xff, 0xff, 0xff};
    ASSERT_EQ(::write(bad, huge, 4), 4);
    char byte;
    ASSERT_TRUE(run_until([&] {
        pollfd p{bad, POLLIN, 0};
        return ::poll(&p, 1, 0) == 1 && ::read(bad, &byte, 1) == 0;
    })) << "the connection stayed open";
    ::close(bad);
    const int good = raw_connect(bound);
    const std::uint8_t frame[6] = {0, 0, 0, 2, 0xab, 0xcd};
    ASSERT_EQ(::write(good, frame, 6), 6);
    ASSERT_TRUE(run_until([&] { return nic1.frames.size() == 1; }));
    EXPECT_EQ(nic1.frames[0], (Frame{0xab, 0xcd}));
    ::close(good);
}

TEST_F(SocketNetdevTest, UdpCarriesOneFramePerDatagramBothWays) {
    make_udp_pair();
    nic1.send(numbered(1, 60));
    nic1.send(numbered(2, 1514));
    ASSERT_TRUE(run_until([&] { return nic2.frames.size() == 2; }));
    EXPECT_EQ(nic2.frames[0], numbered(1, 60));
    EXPECT_EQ(nic2.frames[1], numbered(2, 1514));
    nic2.send(numbered(3, 200));
    ASSERT_TRUE(run_until([&] { return nic1.frames.size() == 1; }));
    EXPECT_EQ(nic1.frames[0], numbered(3, 200));
}

TEST_F(SocketNetdevTest, UdpStopsReadingWhileTheNicIsFull) {
    make_udp_pair();
    nic2.room = 0;
    for (std::uint32_t n = 0; n < 20; ++n) nic1.send(numbered(n, 100));
    run_for(std::chrono::milliseconds(100));
    EXPECT_EQ(nic2.queued_frames(), 1u);
    nic2.make_room();
    ASSERT_TRUE(run_until([&] { return nic2.frames.size() == 20; }));
    for (std::uint32_t n = 0; n < 20; ++n) EXPECT_EQ(number_of(nic2.frames[n]), n);
}

struct BadSocket {
    const char* name;
    Props props;
    const char* expect;
};

class SocketNetdevErrors : public NetTest, public ::testing::WithParamInterface<BadSocket> {};

TEST_P(SocketNetdevErrors, AreOneLine) {
    const std::string error = create_error("socket", "s0", GetParam().props);
    EXPECT_EQ(error.rfind("netdev-socket 's0': ", 0), 0u) << error;
    EXPECT_NE(error.find(GetParam().expect), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SocketNetdevErrors,
    ::testing::Values(
        BadSocket{"NoMode", {}, "give exactly one of listen=, connect= and udp="},
        BadSocket{"TwoModes", {{"listen", ":1"}, {"connect", "localhost:2"}}, "exactly one"},
        BadSocket{"UdpWithoutLocal", {{"udp", "127.0.0.1:5000"}}, "udp= needs localaddr="},
        BadSocket{"LocalWithoutUdp", {{"listen", ":0"}, {"localaddr", ":5000"}}, "localaddr= goes with udp="},
        BadSocket{"NoPort", {{"connect", "127.0.0.1"}}, "'127.0.0.1' is not host:port"},
        BadSocket{"EmptyPort", {{"listen", "127.0.0.1:"}}, "has no port"},
        BadSocket{"UnresolvableHost", {{"connect", "no-such-host.invalid:1"}}, "cannot resolve 'no-such-host.invalid:1'"},
        BadSocket{"Refused", {{"connect", "127.0.0.1:1"}}, "cannot connect to 127.0.0.1:1: Connection refused"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace net_test
