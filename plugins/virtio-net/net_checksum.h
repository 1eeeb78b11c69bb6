// Internet checksums (RFC 1071) for checksum offload: completing the partial checksum a driver
// left in a transmitted frame, and checking the TCP/UDP checksum of a received one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace virtio_net {

// The 16-bit one's-complement sum of data, added to sum (not folded, not inverted).
std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum = 0);
std::uint16_t checksum_fold(std::uint32_t sum);

// VIRTIO_NET_HDR_F_NEEDS_CSUM: checksum frame[start..] (whose field at start + offset holds the
// pseudo-header sum the driver put there) and store the result in that field. False, and the
// frame unchanged, when the field does not lie inside the frame.
bool complete_checksum(std::span<std::uint8_t> frame, std::size_t start, std::size_t offset);

// Whether frame is an Ethernet frame (optionally 802.1Q-tagged) carrying an unfragmented IPv4
// or IPv6 TCP or UDP packet whose checksum is correct (UDP over IPv4 without a checksum counts).
bool l4_checksum_valid(std::span<const std::uint8_t> frame);

}  // namespace virtio_net
