// The 82540EM's MAC register file: 32-bit words by byte offset in BAR0, plus the statistics
// counters' arithmetic (they saturate rather than wrap, SDM 13.7).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace e1000 {

class RegisterFile {
public:
    static constexpr std::uint32_t kSize = 0x20000;  // BAR0: 128 KiB

    RegisterFile() : words_(kSize / 4, 0) {}
    std::uint32_t get(std::uint32_t offset) const { return words_[(offset % kSize) / 4]; }
    void set(std::uint32_t offset, std::uint32_t value) { words_[(offset % kSize) / 4] = value; }
    void clear() { std::fill(words_.begin(), words_.end(), 0); }

    // Statistics: add, stopping at the top.
    void count(std::uint32_t offset, std::uint32_t amount = 1) {
        const std::uint32_t value = get(offset);
        set(offset, value > 0xffffffffu - amount ? 0xffffffffu : value + amount);
    }
    // A 64-bit counter in a low/high pair.
    void count64(std::uint32_t low, std::uint64_t amount) {
        const std::uint64_t value = std::uint64_t{get(low + 4)} << 32 | get(low);
        const std::uint64_t sum = value > ~std::uint64_t{0} - amount ? ~std::uint64_t{0} : value + amount;
        set(low, static_cast<std::uint32_t>(sum));
        set(low + 4, static_cast<std::uint32_t>(sum >> 32));
    }

    // Frame-size counters (PRC64.. or PTC64..: 64, 65-127, 128-255, 256-511, 512-1023, larger).
    void count_size(std::uint32_t first, std::size_t wire_length) {
        static constexpr std::size_t kLimits[] = {64, 127, 255, 511, 1023};
        unsigned bucket = 0;
        while (bucket < std::size(kLimits) && wire_length > kLimits[bucket]) ++bucket;
        count(first + 4 * bucket);
    }

private:
    std::vector<std::uint32_t> words_;
};

}  // namespace e1000
