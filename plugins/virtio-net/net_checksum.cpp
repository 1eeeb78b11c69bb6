// Internet checksums for virtio-net's checksum offload; see net_checksum.h.
#include "net_checksum.h"

namespace virtio_net {

namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800, kEtherTypeIpv6 = 0x86dd, kEtherTypeVlan = 0x8100;
constexpr std::uint8_t kProtoTcp = 6, kProtoUdp = 17;

std::uint16_t be16(std::span<const std::uint8_t> p, std::size_t at) {
    return static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
}

// The L4 segment of an IP packet and the sum of its pseudo-header.
bool l4_segment(std::span<const std::uint8_t> frame, std::span<const std::uint8_t>& segment, std::uint8_t& protocol,
                std::uint32_t& pseudo, bool& ipv4) {
    if (frame.size() < 14) return false;
    std::size_t l3 = 14;
    std::uint16_t type = be16(frame, 12);
    if (type == kEtherTypeVlan) {
        if (frame.size() < 18) return false;
        type = be16(frame, 16);
        l3 = 18;
    }
    const std::span<const std::uint8_t> ip = frame.subspan(l3);
    ipv4 = type == kEtherTypeIpv4;
    if (type == kEtherTypeIpv4) {
        if (ip.size() < 20 || (ip[0] >> 4) != 4) return false;
        const std::size_t header = std::size_t{ip[0] & 0xfu} * 4;
        const std::size_t total = be16(ip, 2);
        if (header < 20 || total < header || total > ip.size()) return false;
        if (be16(ip, 6) & 0x3fff) return false;  // a fragment: the checksum covers the whole datagram
        protocol = ip[9];
        segment = ip.subspan(header, total - header);
        pseudo = checksum_add(ip.subspan(12, 8));
    } else if (type == kEtherTypeIpv6) {
        if (ip.size() < 40 || (ip[0] >> 4) != 6) return false;
        const std::size_t payload = be16(ip, 4);
        if (payload > ip.size() - 40) return false;
        protocol = ip[6];  // extension headers are not followed
        segment = ip.subspan(40, payload);
        pseudo = checksum_add(ip.subspan(8, 32));
    } else {
        return false;
    }
    pseudo += protocol;
    pseudo += static_cast<std::uint32_t>(segment.size() >> 16) + static_cast<std::uint32_t>(segment.size() & 0xffff);
    return true;
}

}  // namespace

std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum) {
    std::uint64_t total = sum;
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) total += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    if (i < data.size()) total += static_cast<std::uint32_t>(data[i] << 8);
    while (total >> 32) total = (total & 0xffffffffu) + (total >> 32);
    return static_cast<std::uint32_t>(total);
}

std::uint16_t checksum_fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

bool complete_checksum(std::span<std::uint8_t> frame, std::size_t start, std::size_t offset) {
    if (start >= frame.size() || offset > frame.size() - start || frame.size() - start - offset < 2) return false;
    const std::uint16_t sum = static_cast<std::uint16_t>(~checksum_fold(checksum_add(frame.subspan(start))));
    frame[start + offset] = static_cast<std::uint8_t>(sum >> 8);
    frame[start + offset + 1] = static_cast<std::uint8_t>(sum);
    return true;
}

bool l4_checksum_valid(std::span<const std::uint8_t> frame) {
    std::span<const std::uint8_t> segment;
    std::uint8_t protocol = 0;
    std::uint32_t pseudo = 0;
    bool ipv4 = false;
    if (!l4_segment(frame, segment, protocol, pseudo, ipv4)) return false;
    if (protocol == kProtoTcp) {
        if (segment.size() < 20) return false;
    } else if (protocol == kProtoUdp) {
        if (segment.size() < 8) return false;
        if (ipv4 && be16(segment, 6) == 0) return true;  // no checksum
    } else {
        return false;
    }
    return checksum_fold(checksum_add(segment, pseudo)) == 0xffff;
}

}  // namespace virtio_net
