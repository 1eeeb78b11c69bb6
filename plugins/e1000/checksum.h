// Internet checksums (RFC 1071) and big-endian field access on frames, bounds-checked: an
// offset a guest supplies that falls outside the frame reads 0 and writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace e1000 {

// Sum of the 16-bit big-endian words of bytes (a trailing odd byte is padded with zero), added
// to sum without folding.
std::uint32_t ones_sum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0);
// Fold carries into 16 bits.
std::uint16_t fold(std::uint32_t sum);

inline bool fits(std::span<const std::uint8_t> frame, std::size_t offset, std::size_t size) {
    return offset <= frame.size() && size <= frame.size() - offset;
}
inline std::uint16_t get16(std::span<const std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, 2)) return 0;
    return static_cast<std::uint16_t>(frame[offset] << 8 | frame[offset + 1]);
}
inline std::uint32_t get32(std::span<const std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, 4)) return 0;
    return std::uint32_t{frame[offset]} << 24 | std::uint32_t{frame[offset + 1]} << 16 |
           std::uint32_t{frame[offset + 2]} << 8 | frame[offset + 3];
}
inline void put16(std::span<std::uint8_t> frame, std::size_t offset, std::uint16_t value) {
    if (!fits(frame, offset, 2)) return;
    frame[offset] = static_cast<std::uint8_t>(value >> 8);
    frame[offset + 1] = static_cast<std::uint8_t>(value);
}
inline void put32(std::span<std::uint8_t> frame, std::size_t offset, std::uint32_t value) {
    if (!fits(frame, offset, 4)) return;
    for (unsigned i = 0; i < 4; ++i) frame[offset + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
}

// The checksum hardware inserts (SDM 3.3.3, 3.3.6): the ones' complement of the sum of
// frame[start, end] (end inclusive; 0 or past the frame: to its last byte), stored big-endian
// at `location`. Nothing happens unless start and location lie inside the frame. A zero result
// is sent as 0xffff (the same value in ones' complement, and required for UDP).
void insert_checksum(std::span<std::uint8_t> frame, std::size_t start, std::size_t end, std::size_t location);

}  // namespace e1000
