// -netdev tap (plugin net_tap): the refusals (scripts, bad fd=, long names) and, where this
// process may create TAP interfaces (CAP_NET_ADMIN), frames both ways between the NIC and a
// packet socket on the host side of a fresh interface.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "support.h"

namespace net_test {
namespace {

class TapTest : public NetTest {};

TEST_F(TapTest, ScriptsAreRefused) {
    EXPECT_EQ(create_error("tap", "t0", {{"script", "/etc/qemu-ifup"}}),
              "netdev-tap 't0': script='/etc/qemu-ifup': emu does not run interface scripts; give script=no and "
              "configure the interface yourself (ip link set ... up)");
    EXPECT_NE(create_error("tap", "t1", {{"downscript", "/etc/qemu-ifdown"}}).find("downscript='/etc/qemu-ifdown'"),
              std::string::npos);
}

TEST_F(TapTest, BadFdsAndNamesAreRefused) {
    EXPECT_EQ(create_error("tap", "t0", {{"fd", "1000000"}}), "netdev-tap 't0': fd=1000000 is not an open file descriptor");
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const std::string error = create_error("tap", "t1", {{"fd", std::to_string(fds[0])}});
    EXPECT_NE(error.find("fd=" + std::to_string(fds[0]) + " is not a TAP device"), std::string::npos) << error;
    ::close(fds[0]);
    ::close(fds[1]);
    EXPECT_EQ(create_error("tap", "t2", {{"fd", "0"}, {"ifname", "x"}}), "netdev-tap 't2': give either fd= or ifname=, not both");
    const std::string long_name = create_error("tap", "t3", {{"ifname", "a-very-long-interface-name"}});
    EXPECT_TRUE(long_name.find("is longer than 15 characters") != std::string::npos ||
                long_name.find("cannot open /dev/net/tun") != std::string::npos)
        << long_name;
}

// Bring an interface up; false without the privilege.
bool bring_up(const std::string& name) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq request{};
    std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
    bool ok = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    ::close(fd);
    return ok;
}

TEST_F(TapTest, FramesCrossBetweenTheNicAndTheHostInterface) {
    const std::string name = "emutap" + std::to_string(::getpid() % 100000);
    const std::string error = create_error("tap", "t0", {{"ifname", name}});
    if (!error.empty()) GTEST_SKIP() << "cannot create a TAP interface here: " << error;
    emu::NetBackend& tap = *root->resolve("/netdev/t0")->as<emu::NetBackend>();
    EXPECT_EQ(tap.get_property("attached-ifname"), name);
    if (!bring_up(name)) GTEST_SKIP() << "cannot bring " << name << " up";
    TestNic nic;
    plug(nic, tap);

    const int packet = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    ASSERT_GE(packet, 0) << std::strerror(errno);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = static_cast<int>(::if_nametoindex(name.c_str()));
    ASSERT_EQ(::bind(packet, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << std::strerror(errno);

    // NIC -> host: the interface's packet socket sees the frame (among whatever the kernel sends).
    Frame out(60, 0x11);
    std::memcpy(out.data(), "\xff\xff\xff\xff\xff\xff\x52\x54\x00\x00\x00\x01\x88\xb5", 14);
    EXPECT_EQ(nic.send(out), emu::NetClient::SendStatus::Delivered);
    bool seen = false;
    for (int i = 0; i < 50 && !seen; ++i) {
        pollfd p{packet, POLLIN, 0};
        if (::poll(&p, 1, 100) != 1) continue;
        std::uint8_t buffer[2048];
        const ssize_t n = ::recv(packet, buffer, sizeof buffer, 0);
        seen = n == 60 && Frame(buffer, buffer + n) == out;
    }
    EXPECT_TRUE(seen) << "the NIC's frame did not reach " << name;

    // host -> NIC.
    Frame in(60, 0x22);
    std::memcpy(in.data(), "\xff\xff\xff\xff\xff\xff\x52\x54\x00\x00\x00\x02\x88\xb5", 14);
    ASSERT_EQ(::send(packet, in.data(), in.size(), 0), 60);
    EXPECT_TRUE(run_until([&] {
        for (const Frame& f : nic.frames)
            if (f == in) return true;
        return false;
    })) << "the host's frame did not reach the NIC";
    ::close(packet);
}

}  // namespace
}  // namespace net_test
