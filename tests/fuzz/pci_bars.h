// Shared by both NIC fuzzers (nic_fuzzer.cpp over qtest, libfuzzer/lf_machine.cpp in process):
// size a PCI function's BARs and place them one after another, as firmware would, through the
// caller's config-space accessors.
#pragma once

#include <cstdint>
#include <vector>

namespace emu::fuzz {

struct PlacedBar {
    unsigned index = 0;  // BAR number (a 64-bit BAR also uses index + 1)
    bool io = false;
    std::uint64_t base = 0, size = 0;
};

// read(offset, size) -> value, write(offset, value, size): config space of the function.
// Memory BARs are placed from memory_base, I/O BARs from io_base, each aligned to its size.
template <class Read, class Write>
std::vector<PlacedBar> place_bars(Read read, Write write, std::uint64_t memory_base, std::uint64_t io_base) {
    std::vector<PlacedBar> bars;
    for (unsigned n = 0; n < 6; ++n) {
        const unsigned offset = 0x10 + 4 * n;
        const std::uint32_t original = read(offset, 4);
        write(offset, 0xffffffff, 4);
        const std::uint32_t mask = read(offset, 4);
        if (mask == 0 || mask == 0xffffffff) continue;
        PlacedBar b{.index = n, .io = (original & 1) != 0};
        const bool is64 = !b.io && (original & 6) == 4;
        std::uint64_t size_mask = b.io ? (mask & ~3u) | 0xffff0000u : mask & ~15u;
        if (is64) {
            write(offset + 4, 0xffffffff, 4);
            size_mask |= static_cast<std::uint64_t>(read(offset + 4, 4)) << 32;
        } else {
            size_mask |= 0xffffffff00000000ull;
        }
        b.size = ~size_mask + 1;
        std::uint64_t& cursor = b.io ? io_base : memory_base;
        cursor = (cursor + b.size - 1) & ~(b.size - 1);
        b.base = cursor;
        cursor += b.size;
        write(offset, static_cast<std::uint32_t>(b.base), 4);
        if (is64) {
            write(offset + 4, static_cast<std::uint32_t>(b.base >> 32), 4);
            ++n;
        }
        bars.push_back(b);
    }
    return bars;
}

}  // namespace emu::fuzz
