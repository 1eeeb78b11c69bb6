// The C+ mode's frame offloads, as pure functions on Ethernet frames (no FCS): VLAN tag
// insertion and stripping, IPv4/TCP/UDP checksums on transmit, checksum status on receive and
// TCP segmentation for large send. Every length comes from the frame and is checked against
// its size; a frame these functions do not understand is left alone.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace rtl8139 {

inline constexpr std::size_t kEthernetHeader = 14;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;
inline constexpr std::uint8_t kProtocolTcp = 6;
inline constexpr std::uint8_t kProtocolUdp = 17;

// One's-complement sum of data (big-endian 16-bit words) added to sum, not folded.
std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum = 0);
// Fold and complement: the checksum field's value.
std::uint16_t checksum_finish(std::uint32_t sum);

// Insert an 802.1Q tag (TCI in host order) after the MAC addresses.
void insert_vlan_tag(std::vector<std::uint8_t>& frame, std::uint16_t tci);
// If the frame carries an 802.1Q tag, remove it and return true with its TCI.
bool strip_vlan_tag(std::vector<std::uint8_t>& frame, std::uint16_t& tci);

// Where a frame's IPv4 packet is, if it has one with a sane header.
struct Ipv4Layout {
    std::size_t l3 = 0;          // offset of the IP header
    std::size_t header = 0;      // IP header length
    std::size_t end = 0;         // end of the IP packet (total length, clamped to the frame)
    std::uint8_t protocol = 0;
    bool fragment = false;       // MF set or a non-zero fragment offset
};
bool find_ipv4(std::span<const std::uint8_t> frame, Ipv4Layout& layout);

// Transmit checksum offload: fill the IPv4 header checksum and/or the TCP or UDP checksum.
void fill_checksums(std::vector<std::uint8_t>& frame, bool ip, bool tcp, bool udp);

// Receive checksum status: the protocol id (0 none, kRxProtocol* of rtl8139_regs.h) and which
// checks failed, as C+ receive descriptor bits.
std::uint32_t receive_checksum_status(std::span<const std::uint8_t> frame);

// Large send: cut an IPv4/TCP frame into segments of at most mss payload bytes, each with its
// own IP length, id and checksum and TCP sequence number, flags and checksum, and hand each to
// emit. Returns false (and emits nothing) if the frame is not IPv4/TCP or mss is 0.
bool segment_tcp(const std::vector<std::uint8_t>& frame, unsigned mss,
                 const std::function<void(std::vector<std::uint8_t>&)>& emit);

}  // namespace rtl8139
