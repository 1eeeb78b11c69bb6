// Frames the net tests build and take apart: Ethernet, ARP, IPv4, UDP, TCP and DHCP, just
// enough to play a guest in front of slirp and to recognise its answers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace net_test {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;
using Ip = std::uint32_t;  // host byte order

inline constexpr Mac kGuestMac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
inline constexpr Mac kBroadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr Ip ip(unsigned a, unsigned b, unsigned c, unsigned d) { return a << 24 | b << 16 | c << 8 | d; }

Bytes ethernet(const Mac& dst, const Mac& src, std::uint16_t type, const Bytes& payload);
Bytes arp_request(const Mac& sender, Ip sender_ip, Ip target_ip);
Bytes ipv4(Ip src, Ip dst, std::uint8_t protocol, const Bytes& payload);
// IPv4 packets (wrap them with ethernet() to send):
Bytes udp(Ip src, Ip dst, std::uint16_t sport, std::uint16_t dport, const Bytes& payload);
Bytes tcp_syn(Ip src, Ip dst, std::uint16_t sport, std::uint16_t dport, std::uint32_t seq);
Bytes dhcp_discover(const Mac& client, std::uint32_t xid);  // a whole Ethernet frame

// Views of a received frame; nullopt when the frame is not of that kind.
std::uint16_t ethertype(const Bytes& frame);
struct ArpView {
    std::uint16_t op;
    Mac sender_mac;
    Ip sender_ip, target_ip;
};
std::optional<ArpView> arp(const Bytes& frame);
struct Ipv4View {
    std::uint8_t protocol;
    Ip src, dst;
    Bytes payload;
};
std::optional<Ipv4View> ipv4_of(const Bytes& frame);
struct TcpView {
    std::uint16_t sport, dport;
    std::uint8_t flags;  // 0x02 SYN, 0x10 ACK, 0x04 RST
};
std::optional<TcpView> tcp_of(const Bytes& frame);
struct DhcpView {
    std::uint8_t message_type;  // option 53: 2 OFFER, 5 ACK
    std::uint32_t xid;
    Ip yiaddr;
};
std::optional<DhcpView> dhcp_of(const Bytes& frame);

}  // namespace net_test
