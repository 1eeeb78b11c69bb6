// -netdev user (plugin net_user, libslirp), with the test playing the guest's NIC: DHCP offers
// the first lease, ARP for the router and DNS is answered, a guest TCP connection to 10.0.2.2
// reaches the host's loopback, hostfwd= listens on the host and leads to the guest, restrict=on
// keeps the guest in, and every mistake in the address plan or a hostfwd rule is one error.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frames.h"
#include "support.h"

namespace net_test {
namespace {

constexpr Ip kGuest = ip(10, 0, 2, 15);
constexpr Ip kRouter = ip(10, 0, 2, 2);
constexpr Ip kDns = ip(10, 0, 2, 3);
constexpr Mac kSlirpMac{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};  // slirp's router MAC

struct Fd {
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int fd;
};

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sa;
}

// A listening TCP socket on 127.0.0.1:port, non-blocking.
int listen_on(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const sockaddr_in sa = loopback(port);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 4) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Start a non-blocking connection to 127.0.0.1:port.
int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const sockaddr_in sa = loopback(port);
    ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
    return fd;
}

class UserNetdevTest : public NetTest {
protected:
    emu::NetBackend& start(const Props& props = {}) {
        emu::NetBackend& user = create("user", "n0", props);
        plug(nic, user);
        return user;
    }
    // slirp learns the guest's MAC from its ARP request (as from a real guest's first frame).
    void announce_guest() {
        nic.send(arp_request(kGuestMac, kGuest, kRouter));
        ASSERT_TRUE(run_until([&] { return find_arp_reply(kRouter).has_value(); }));
    }
    std::optional<ArpView> find_arp_reply(Ip from) const {
        for (const Frame& f : nic.frames)
            if (auto a = arp(f); a && a->op == 2 && a->sender_ip == from) return a;
        return std::nullopt;
    }
    std::optional<DhcpView> find_dhcp(std::uint8_t type) const {
        for (const Frame& f : nic.frames)
            if (auto d = dhcp_of(f); d && d->message_type == type) return d;
        return std::nullopt;
    }
    bool saw_tcp(std::uint16_t dport, std::uint8_t flags) const {
        for (const Frame& f : nic.frames)
            if (auto t = tcp_of(f); t && t->dport == dport && t->flags == flags) return true;
        return false;
    }

    TestNic nic;
};

TEST_F(UserNetdevTest, DhcpDiscoverGetsAnOfferOfTheFirstLease) {
    start();
    nic.send(dhcp_discover(kGuestMac, 0xc0ffee));
    ASSERT_TRUE(run_until([&] { return find_dhcp(2).has_value(); })) << nic.frames.size() << " frames";
    const DhcpView offer = *find_dhcp(2);
    EXPECT_EQ(offer.xid, 0xc0ffeeu);
    EXPECT_EQ(offer.yiaddr, kGuest);
    auto ip4 = ipv4_of(nic.frames.back());
    ASSERT_TRUE(ip4);
    EXPECT_EQ(ip4->src, kRouter);
}

TEST_F(UserNetdevTest, ArpForTheRouterAndTheDnsServerIsAnswered) {
    start();
    announce_guest();
    EXPECT_EQ(find_arp_reply(kRouter)->sender_mac, kSlirpMac);
    nic.send(arp_request(kGuestMac, kGuest, kDns));
    EXPECT_TRUE(run_until([&] { return find_arp_reply(kDns).has_value(); }));
}

TEST_F(UserNetdevTest, AnotherNetworkPlanMovesEveryAddress) {
    start({{"net", "192.168.76.0/24"}, {"dhcpstart", "192.168.76.100"}});
    nic.send(dhcp_discover(kGuestMac, 7));
    ASSERT_TRUE(run_until([&] { return find_dhcp(2).has_value(); }));
    EXPECT_EQ(find_dhcp(2)->yiaddr, ip(192, 168, 76, 100));
    nic.send(arp_request(kGuestMac, ip(192, 168, 76, 100), ip(192, 168, 76, 2)));
    EXPECT_TRUE(run_until([&] { return find_arp_reply(ip(192, 168, 76, 2)).has_value(); }));
}

TEST_F(UserNetdevTest, GuestReachesTheHostLoopbackThroughTheRouterAddress) {
    const std::uint16_t port = free_port();
    Fd listener(listen_on(port));
    ASSERT_GE(listener.fd, 0);
    start();
    announce_guest();
    nic.send(ethernet(kSlirpMac, kGuestMac, 0x0800, tcp_syn(kGuest, kRouter, 40000, port, 1000)));
    int accepted = -1;
    ASSERT_TRUE(run_until([&] {
        accepted = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
        return accepted >= 0;
    })) << "no connection from slirp on 127.0.0.1:" << port << "; frames: " << [&] {
        std::string all;
        for (const Frame& f : nic.frames) all += hex(f) + "\n";
        return all;
    }();
    Fd connection(accepted);
    EXPECT_TRUE(run_until([&] { return saw_tcp(40000, 0x12); })) << "no SYN-ACK to the guest";
}

TEST_F(UserNetdevTest, RestrictKeepsTheGuestFromTheHost) {
    const std::uint16_t port = free_port();
    Fd listener(listen_on(port));
    start({{"restrict", "on"}});
    announce_guest();
    nic.send(ethernet(kSlirpMac, kGuestMac, 0x0800, tcp_syn(kGuest, kRouter, 40001, port, 1000)));
    run_for(std::chrono::milliseconds(300));
    EXPECT_LT(::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC), 0) << "restrict=on let the guest out";
    EXPECT_FALSE(saw_tcp(40001, 0x12));
}

TEST_F(UserNetdevTest, HostfwdListensOnTheHostAndLeadsToTheGuest) {
    const std::uint16_t tcp_port = free_port();
    const std::uint16_t second = free_port();
    emu::NetBackend& user = start({{"hostfwd", "tcp:127.0.0.1:" + std::to_string(tcp_port) + "-:22"},
                                   {"hostfwd", "tcp::" + std::to_string(second) + "-10.0.2.15:2222"},
                                   {"hostfwd", "udp:127.0.0.1:" + std::to_string(free_port(true)) + "-:53"}});
    EXPECT_EQ(user.get_property("hostfwd").substr(0, 4), "tcp:");
    announce_guest();
    Fd client(connect_to(tcp_port));
    ASSERT_TRUE(run_until([&] { return saw_tcp(22, 0x02); })) << "no SYN to the guest's port 22";
    Fd client2(connect_to(second));
    EXPECT_TRUE(run_until([&] { return saw_tcp(2222, 0x02); })) << "the second hostfwd= is not there";
}

TEST_F(UserNetdevTest, HostfwdOnAPortInUseIsAnError) {
    const std::uint16_t port = free_port();
    Fd taken(listen_on(port));
    const std::string error = create_error("user", "n0", {{"hostfwd", "tcp:127.0.0.1:" + std::to_string(port) + "-:22"}});
    EXPECT_NE(error.find("netdev-user 'n0': hostfwd 'tcp:127.0.0.1:" + std::to_string(port) + "-:22': cannot listen on tcp:127.0.0.1:" + std::to_string(port)), std::string::npos) << error;
}

struct BadConfig {
    const char* name;
    Props props;
    const char* expect;
};

class UserNetdevErrors : public NetTest, public ::testing::WithParamInterface<BadConfig> {};

TEST_P(UserNetdevErrors, AreOneLineNamingTheProblem) {
    const std::string error = create_error("user", "n0", GetParam().props);
    EXPECT_NE(error.find(GetParam().expect), std::string::npos) << error;
    EXPECT_EQ(error.rfind("netdev-user 'n0': ", 0), 0u) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, UserNetdevErrors,
    ::testing::Values(
        BadConfig{"NoFields", {{"hostfwd", "5555"}}, "hostfwd '5555': no ':' after the protocol"},
        BadConfig{"NoProtocolField", {{"hostfwd", "5555-:22"}}, "hostfwd '5555-:22': unknown protocol '5555-'"},
        BadConfig{"UnknownProtocol", {{"hostfwd", "sctp::5555-:22"}}, "unknown protocol 'sctp'"},
        BadConfig{"NoDash", {{"hostfwd", "tcp::5555:22"}}, "no '-' between the host and guest sides"},
        BadConfig{"BadHostPort", {{"hostfwd", "tcp::55x55-:22"}}, "host port '55x55' is not a port number"},
        BadConfig{"HostPortTooBig", {{"hostfwd", "tcp::65536-:22"}}, "host port '65536'"},
        BadConfig{"NoGuestPort", {{"hostfwd", "tcp::5555-:"}}, "guest port '' is not a port number"},
        BadConfig{"GuestPortZero", {{"hostfwd", "tcp::5555-:0"}}, "guest port '0'"},
        BadConfig{"BadHostAddress", {{"hostfwd", "tcp:localhost:5555-:22"}}, "host address 'localhost' is not an IPv4"},
        BadConfig{"GuestOutsideNet", {{"hostfwd", "tcp::5555-192.168.1.5:22"}}, "guest address 192.168.1.5 is not in the network"},
        BadConfig{"NetNotAnAddress", {{"net", "ten.0.2.0/24"}}, "property 'net': 'ten.0.2.0/24' is not an IPv4 network"},
        BadConfig{"NetHostBits", {{"net", "10.0.2.1/24"}}, "has host bits set"},
        BadConfig{"NetPrefixTooLong", {{"net", "10.0.2.0/31"}}, "prefix length from 1 to 30"},
        BadConfig{"NetBadMask", {{"net", "10.0.2.0/255.0.255.0"}}, "invalid netmask"},
        BadConfig{"HostOutsideNet", {{"host", "10.0.3.2"}}, "property 'host': '10.0.3.2' is not in the network 10.0.2.0/255.255.255.0"},
        BadConfig{"DnsIsBroadcast", {{"dns", "10.0.2.255"}}, "property 'dns': '10.0.2.255' is the network's own or broadcast"},
        BadConfig{"DhcpStartNotAnAddress", {{"dhcpstart", "x"}}, "property 'dhcpstart': 'x' is not an IPv4 address"},
        BadConfig{"DefaultOutsideSmallNet", {{"net", "10.0.2.0/29"}}, "property 'dhcpstart': '10.0.2.15 (the default)' is not in the network"},
        BadConfig{"NoIpAtAll", {{"ipv4", "off"}, {"ipv6", "off"}}, "leave the guest no network"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(NetTest, UserHostfwdIsAListThatAnEmptyValueClears) {
    emu::Object& object = root->container("netdev").add_child("n0", registry().create("netdev-user"));
    object.set_property("hostfwd", "tcp::1-:22");
    object.set_property("hostfwd", "udp::2-:53");
    EXPECT_EQ(object.get_property("hostfwd"), "tcp::1-:22, udp::2-:53");
    object.set_property("hostfwd", "");
    EXPECT_EQ(object.get_property("hostfwd"), "");
}

}  // namespace
}  // namespace net_test
