#include "checksum.h"

namespace e1000 {

std::uint32_t ones_sum(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
    std::uint64_t total = sum;
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) total += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
    if (i < bytes.size()) total += static_cast<std::uint32_t>(bytes[i] << 8);
    while (total >> 32) total = (total & 0xffffffffu) + (total >> 32);
    return static_cast<std::uint32_t>(total);
}

std::uint16_t fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

void insert_checksum(std::span<std::uint8_t> frame, std::size_t start, std::size_t end, std::size_t location) {
    if (start >= frame.size() || !fits(frame, location, 2)) return;
    std::size_t stop = frame.size();  // one past the last byte summed
    if (end != 0 && end + 1 < stop) stop = end + 1;
    if (stop <= start) return;
    std::uint16_t result = static_cast<std::uint16_t>(~fold(ones_sum(frame.subspan(start, stop - start))));
    if (result == 0) result = 0xffff;
    put16(frame, location, result);
}

}  // namespace e1000
