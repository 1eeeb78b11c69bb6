// The checksum helpers behind virtio-net's offloads (plugins/virtio-net/net_checksum.h), on
// frames whose checksums were worked out by hand or by the RFC 1071 example.
#include <gtest/gtest.h>

#include <vector>

#include "net_checksum.h"

namespace {

using Frame = std::vector<std::uint8_t>;

TEST(NetChecksum, Rfc1071Example) {
    // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to ddf2.
    const Frame data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(virtio_net::checksum_fold(virtio_net::checksum_add(data)), 0xddf2);
    // An odd length pads with a zero byte.
    EXPECT_EQ(virtio_net::checksum_fold(virtio_net::checksum_add(Frame{0x12, 0x34, 0x56})), 0x6834);
}

// Ethernet + IPv4 (10.0.0.1 -> 10.0.0.2) + UDP 1 -> 2 carrying "hi".
Frame udp_frame() {
    return Frame{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0x45, 0, 0, 30, 0, 0, 0, 0, 64, 17, 0, 0,
                 10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2, 0, 10, 0, 0, 'h', 'i'};
}

TEST(NetChecksum, CompletesAPartialChecksum) {
    Frame f = udp_frame();
    // Pseudo-header: 0a00 0001 0a00 0002 0011 000a = 0x141e, left in the field by the driver.
    f[40] = 0x14;
    f[41] = 0x1e;
    ASSERT_TRUE(virtio_net::complete_checksum(f, 34, 6));
    // UDP: 0001 0002 000a 141e 6869 -> sum 0x7c94, checksum 0x836b.
    EXPECT_EQ(f[40], 0x83);
    EXPECT_EQ(f[41], 0x6b);
    EXPECT_TRUE(virtio_net::l4_checksum_valid(f));
    f[43] ^= 1;
    EXPECT_FALSE(virtio_net::l4_checksum_valid(f));
}

TEST(NetChecksum, FieldOutsideTheFrame) {
    Frame f = udp_frame();
    const Frame before = f;
    EXPECT_FALSE(virtio_net::complete_checksum(f, f.size() - 1, 0));
    EXPECT_FALSE(virtio_net::complete_checksum(f, 34, 100));
    EXPECT_FALSE(virtio_net::complete_checksum(f, 1000, 0));
    EXPECT_FALSE(virtio_net::complete_checksum(f, 34, ~std::size_t{0}));
    EXPECT_EQ(f, before);
}

TEST(NetChecksum, UdpWithoutChecksumOverIpv4IsValid) {
    EXPECT_TRUE(virtio_net::l4_checksum_valid(udp_frame()));
}

TEST(NetChecksum, NotTcpOrUdp) {
    Frame f = udp_frame();
    f[23] = 1;  // ICMP
    EXPECT_FALSE(virtio_net::l4_checksum_valid(f));
    EXPECT_FALSE(virtio_net::l4_checksum_valid(Frame(10, 0)));
    Frame truncated = udp_frame();
    truncated.resize(36);  // IP total length says 30, only 22 bytes there
    EXPECT_FALSE(virtio_net::l4_checksum_valid(truncated));
    Frame fragment = udp_frame();
    fragment[20] = 0x20;  // more fragments
    EXPECT_FALSE(virtio_net::l4_checksum_valid(fragment));
}

}  // namespace
