#include "frames.h"

namespace net_test {
namespace {

void put16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v >> 16));
    put16(out, static_cast<std::uint16_t>(v));
}
std::uint16_t get16(const Bytes& b, std::size_t at) { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }
std::uint32_t get32(const Bytes& b, std::size_t at) {
    return static_cast<std::uint32_t>(get16(b, at)) << 16 | get16(b, at + 2);
}

// The Internet checksum (RFC 1071) of data, starting from a partial sum.
std::uint16_t checksum(const Bytes& data, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) sum += get16(data, i);
    if (data.size() & 1) sum += static_cast<std::uint32_t>(data.back()) << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

std::uint32_t pseudo_header_sum(Ip src, Ip dst, std::uint8_t protocol, std::size_t length) {
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol + static_cast<std::uint32_t>(length);
}

}  // namespace

Bytes ethernet(const Mac& dst, const Mac& src, std::uint16_t type, const Bytes& payload) {
    Bytes out(dst.begin(), dst.end());
    out.insert(out.end(), src.begin(), src.end());
    put16(out, type);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Bytes arp_request(const Mac& sender, Ip sender_ip, Ip target_ip) {
    Bytes arp;
    put16(arp, 1);       // Ethernet
    put16(arp, 0x0800);  // IPv4
    arp.push_back(6);
    arp.push_back(4);
    put16(arp, 1);  // request
    arp.insert(arp.end(), sender.begin(), sender.end());
    put32(arp, sender_ip);
    arp.insert(arp.end(), 6, 0);
    put32(arp, target_ip);
    return ethernet(kBroadcast, sender, 0x0806, arp);
}

Bytes ipv4(Ip src, Ip dst, std::uint8_t protocol, const Bytes& payload) {
    Bytes header;
    header.push_back(0x45);
    header.push_back(0);
    put16(header, static_cast<std::uint16_t>(20 + payload.size()));
    put16(header, 0x1234);  // identification
    put16(header, 0x4000);  // don't fragment
    header.push_back(64);
    header.push_back(protocol);
    put16(header, 0);
    put32(header, src);
    put32(header, dst);
    const std::uint16_t sum = checksum(header);
    header[10] = static_cast<std::uint8_t>(sum >> 8);
    header[11] = static_cast<std::uint8_t>(sum);
    header.insert(header.end(), payload.begin(), payload.end());
    return header;
}

Bytes udp(Ip src, Ip dst, std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
    Bytes segment;
    put16(segment, sport);
    put16(segment, dport);
    put16(segment, static_cast<std::uint16_t>(8 + payload.size()));
    put16(segment, 0);  // no checksum (allowed over IPv4)
    segment.insert(segment.end(), payload.begin(), payload.end());
    return ipv4(src, dst, 17, segment);
}

Bytes tcp_syn(Ip src, Ip dst, std::uint16_t sport, std::uint16_t dport, std::uint32_t seq) {
    Bytes segment;
    put16(segment, sport);
    put16(segment, dport);
    put32(segment, seq);
    put32(segment, 0);
    segment.push_back(0x60);  // 24-byte header: one option
    segment.push_back(0x02);  // SYN
    put16(segment, 64240);    // window
    put16(segment, 0);        // checksum, below
    put16(segment, 0);
    segment.insert(segment.end(), {0x02, 0x04, 0x05, 0xb4});  // MSS 1460
    const std::uint16_t sum = checksum(segment, pseudo_header_sum(src, dst, 6, segment.size()));
    segment[16] = static_cast<std::uint8_t>(sum >> 8);
    segment[17] = static_cast<std::uint8_t>(sum);
    return ipv4(src, dst, 6, segment);
}

Bytes dhcp_discover(const Mac& client, std::uint32_t xid) {
    Bytes bootp;
    bootp.push_back(1);  // BOOTREQUEST
    bootp.push_back(1);  // Ethernet
    bootp.push_back(6);
    bootp.push_back(0);
    put32(bootp, xid);
    put16(bootp, 0);
    put16(bootp, 0x8000);          // broadcast flag
    bootp.insert(bootp.end(), 16, 0);  // ciaddr, yiaddr, siaddr, giaddr
    bootp.insert(bootp.end(), client.begin(), client.end());
    bootp.insert(bootp.end(), 10 + 64 + 128, 0);  // chaddr padding, sname, file
    put32(bootp, 0x63825363);                     // magic cookie
    bootp.insert(bootp.end(), {53, 1, 1});         // DHCPDISCOVER
    bootp.insert(bootp.end(), {55, 3, 1, 3, 6});   // ask for mask, router, DNS
    bootp.push_back(255);
    bootp.resize(std::max<std::size_t>(bootp.size(), 300), 0);
    return ethernet(kBroadcast, client, 0x0800, udp(0, 0xffffffff, 68, 67, bootp));
}

std::uint16_t ethertype(const Bytes& frame) { return frame.size() >= 14 ? get16(frame, 12) : 0; }

std::optional<ArpView> arp(const Bytes& frame) {
    if (ethertype(frame) != 0x0806 || frame.size() < 14 + 28) return std::nullopt;
    ArpView view{};
    view.op = get16(frame, 14 + 6);
    std::copy(frame.begin() + 14 + 8, frame.begin() + 14 + 14, view.sender_mac.begin());
    view.sender_ip = get32(frame, 14 + 14);
    view.target_ip = get32(frame, 14 + 24);
    return view;
}

std::optional<Ipv4View> ipv4_of(const Bytes& frame) {
    if (ethertype(frame) != 0x0800 || frame.size() < 34) return std::nullopt;
    const std::size_t header = (frame[14] & 0x0f) * 4u;
    const std::size_t total = get16(frame, 16);
    if (total < header || 14 + total > frame.size()) return std::nullopt;
    return Ipv4View{frame[23], get32(frame, 26), get32(frame, 30),
                    Bytes(frame.begin() + 14 + static_cast<std::ptrdiff_t>(header),
                          frame.begin() + 14 + static_cast<std::ptrdiff_t>(total))};
}

std::optional<TcpView> tcp_of(const Bytes& frame) {
    auto ip4 = ipv4_of(frame);
    if (!ip4 || ip4->protocol != 6 || ip4->payload.size() < 20) return std::nullopt;
    return TcpView{get16(ip4->payload, 0), get16(ip4->payload, 2), ip4->payload[13]};
}

std::optional<DhcpView> dhcp_of(const Bytes& frame) {
    auto ip4 = ipv4_of(frame);
    if (!ip4 || ip4->protocol != 17 || ip4->payload.size() < 8 + 240) return std::nullopt;
    const Bytes& u = ip4->payload;
    if (get16(u, 0) != 67 || get16(u, 2) != 68) return std::nullopt;
    const std::size_t bootp = 8;
    DhcpView view{};
    view.xid = get32(u, bootp + 4);
    view.yiaddr = get32(u, bootp + 16);
    for (std::size_t at = bootp + 240; at + 1 < u.size() && u[at] != 255;) {
        if (u[at] == 0) {
            ++at;
            continue;
        }
        if (u[at] == 53 && at + 2 < u.size()) view.message_type = u[at + 2];
        at += 2u + u[at + 1];
    }
    return view;
}

}  // namespace net_test
