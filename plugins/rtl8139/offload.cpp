// Checksums, VLAN tags and TCP segmentation for the C+ mode (see offload.h).
#include "offload.h"

#include <algorithm>

#include "rtl8139_regs.h"

namespace rtl8139 {

namespace {

std::uint16_t get16(std::span<const std::uint8_t> data, std::size_t at) {
    return static_cast<std::uint16_t>(data[at] << 8 | data[at + 1]);
}
std::uint32_t get32(std::span<const std::uint8_t> data, std::size_t at) {
    return std::uint32_t{get16(data, at)} << 16 | get16(data, at + 2);
}
void put16(std::vector<std::uint8_t>& data, std::size_t at, std::uint16_t value) {
    data[at] = static_cast<std::uint8_t>(value >> 8);
    data[at + 1] = static_cast<std::uint8_t>(value);
}
void put32(std::vector<std::uint8_t>& data, std::size_t at, std::uint32_t value) {
    put16(data, at, static_cast<std::uint16_t>(value >> 16));
    put16(data, at + 2, static_cast<std::uint16_t>(value));
}

// Sum of the IPv4 pseudo header for an L4 segment of length bytes.
std::uint32_t pseudo_header_sum(std::span<const std::uint8_t> frame, const Ipv4Layout& ip, std::size_t length) {
    std::uint32_t sum = checksum_add(frame.subspan(ip.l3 + 12, 8));  // source and destination
    sum += ip.protocol;
    sum += static_cast<std::uint32_t>(length);
    return sum;
}

std::size_t checksum_offset(std::uint8_t protocol) { return protocol == kProtocolTcp ? 16 : 6; }

void fill_ip_checksum(std::vector<std::uint8_t>& frame, const Ipv4Layout& ip) {
    put16(frame, ip.l3 + 10, 0);
    put16(frame, ip.l3 + 10, checksum_finish(checksum_add(std::span(frame).subspan(ip.l3, ip.header))));
}

// Fill the TCP or UDP checksum of the segment [l4, ip.end); false if it is too short.
bool fill_l4_checksum(std::vector<std::uint8_t>& frame, const Ipv4Layout& ip) {
    const std::size_t l4 = ip.l3 + ip.header;
    const std::size_t length = ip.end - l4;
    const std::size_t field = checksum_offset(ip.protocol);
    if (length < field + 2) return false;
    put16(frame, l4 + field, 0);
    std::uint32_t sum = pseudo_header_sum(frame, ip, length);
    sum = checksum_add(std::span(frame).subspan(l4, length), sum);
    std::uint16_t value = checksum_finish(sum);
    if (ip.protocol == kProtocolUdp && value == 0) value = 0xffff;  // 0 means "no checksum"
    put16(frame, l4 + field, value);
    return true;
}

}  // namespace

std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum) {
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
        if (sum & 0x80000000u) sum = (sum & 0xffff) + (sum >> 16);
    }
    if (i < data.size()) sum += static_cast<std::uint32_t>(data[i] << 8);
    return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void insert_vlan_tag(std::vector<std::uint8_t>& frame, std::uint16_t tci) {
    if (frame.size() < 12) return;
    const std::uint8_t tag[4] = {0x81, 0x00, static_cast<std::uint8_t>(tci >> 8), static_cast<std::uint8_t>(tci)};
    frame.insert(frame.begin() + 12, std::begin(tag), std::end(tag));
}

bool strip_vlan_tag(std::vector<std::uint8_t>& frame, std::uint16_t& tci) {
    if (frame.size() < kEthernetHeader + 4 || get16(frame, 12) != kEtherTypeVlan) return false;
    tci = get16(frame, 14);
    frame.erase(frame.begin() + 12, frame.begin() + 16);
    return true;
}

bool find_ipv4(std::span<const std::uint8_t> frame, Ipv4Layout& layout) {
    if (frame.size() < kEthernetHeader) return false;
    std::size_t l3 = kEthernetHeader;
    std::uint16_t type = get16(frame, 12);
    if (type == kEtherTypeVlan) {
        if (frame.size() < kEthernetHeader + 4) return false;
        type = get16(frame, 16);
        l3 += 4;
    }
    if (type != kEtherTypeIpv4 || frame.size() < l3 + 20) return false;
    if (frame[l3] >> 4 != 4) return false;
    const std::size_t header = std::size_t{frame[l3] & 0xfu} * 4;
    const std::size_t total = get16(frame, l3 + 2);
    if (header < 20 || total < header || frame.size() < l3 + header) return false;
    layout.l3 = l3;
    layout.header = header;
    layout.end = std::min(frame.size(), l3 + total);
    layout.protocol = frame[l3 + 9];
    layout.fragment = (get16(frame, l3 + 6) & 0x3fff) != 0;
    return true;
}

void fill_checksums(std::vector<std::uint8_t>& frame, bool ip, bool tcp, bool udp) {
    Ipv4Layout layout;
    if (!find_ipv4(frame, layout)) return;
    if (ip) fill_ip_checksum(frame, layout);
    if (layout.fragment) return;
    if ((tcp && layout.protocol == kProtocolTcp) || (udp && layout.protocol == kProtocolUdp))
        fill_l4_checksum(frame, layout);
}

std::uint32_t receive_checksum_status(std::span<const std::uint8_t> frame) {
    Ipv4Layout ip;
    if (!find_ipv4(frame, ip)) return 0;
    std::uint32_t status = 0;
    if (checksum_finish(checksum_add(frame.subspan(ip.l3, ip.header))) != 0) status |= kRxIpFail;
    const std::size_t l4 = ip.l3 + ip.header;
    const std::size_t length = ip.end - l4;
    if (ip.fragment || (ip.protocol != kProtocolTcp && ip.protocol != kProtocolUdp))
        return status | kRxProtocolIp << kRxProtocolShift;
    if (ip.protocol == kProtocolTcp) {
        status |= kRxProtocolTcp << kRxProtocolShift;
        if (length < 20 ||
            checksum_finish(checksum_add(frame.subspan(l4, length), pseudo_header_sum(frame, ip, length))) != 0)
            status |= kRxTcpFail;
        return status;
    }
    status |= kRxProtocolUdp << kRxProtocolShift;
    if (length < 8) return status | kRxUdpFail;
    if (get16(frame, l4 + 6) == 0) return status;  // sent without a checksum
    if (checksum_finish(checksum_add(frame.subspan(l4, length), pseudo_header_sum(frame, ip, length))) != 0)
        status |= kRxUdpFail;
    return status;
}

bool segment_tcp(const std::vector<std::uint8_t>& frame, unsigned mss,
                 const std::function<void(std::vector<std::uint8_t>&)>& emit) {
    Ipv4Layout ip;
    if (mss == 0 || !find_ipv4(frame, ip) || ip.protocol != kProtocolTcp) return false;
    const std::size_t l4 = ip.l3 + ip.header;
    if (frame.size() < l4 + 20) return false;
    const std::size_t tcp_header = std::size_t{frame[l4 + 12]} / 16 * 4;
    if (tcp_header < 20 || frame.size() < l4 + tcp_header) return false;
    const std::size_t headers = l4 + tcp_header;
    // The super-frame's own IP length may be anything (Linux leaves it for the hardware): the
    // payload is whatever follows the headers.
    const std::size_t payload = frame.size() - headers;
    const std::uint16_t id = get16(frame, ip.l3 + 4);
    const std::uint32_t sequence = get32(frame, l4 + 4);
    const std::uint8_t flags = frame[l4 + 13];
    constexpr std::uint8_t kFin = 0x01, kPsh = 0x08, kCwr = 0x80;

    std::size_t offset = 0;
    unsigned index = 0;
    do {
        const std::size_t length = std::min<std::size_t>(mss, payload - offset);
        const bool last = offset + length >= payload;
        std::vector<std::uint8_t> segment(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(headers));
        segment.insert(segment.end(), frame.begin() + static_cast<std::ptrdiff_t>(headers + offset),
                       frame.begin() + static_cast<std::ptrdiff_t>(headers + offset + length));
        put16(segment, ip.l3 + 2, static_cast<std::uint16_t>(ip.header + tcp_header + length));
        put16(segment, ip.l3 + 4, static_cast<std::uint16_t>(id + index));
        put32(segment, l4 + 4, sequence + static_cast<std::uint32_t>(offset));
        std::uint8_t segment_flags = flags;
        if (!last) segment_flags &= static_cast<std::uint8_t>(~(kFin | kPsh));
        if (index > 0) segment_flags &= static_cast<std::uint8_t>(~kCwr);
        segment[l4 + 13] = segment_flags;
        Ipv4Layout layout = ip;
        layout.end = segment.size();
        fill_ip_checksum(segment, layout);
        fill_l4_checksum(segment, layout);
        emit(segment);
        offset += length;
        ++index;
    } while (offset < payload);
    return true;
}

}  // namespace rtl8139
