// One libFuzzer target: the card EMU_LF_CARD names, on its board, built once; every input
// resets the board and runs as a sequence of operations (lf_ops.h) through the same
// AddressSpace calls the qtest protocol makes. A hostile input must not crash, hang (libFuzzer's
// -timeout) or make the card touch memory outside guest RAM (ASan).
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <span>
#include <vector>

#include "emu/lock.h"
#include "emu/net.h"
#include "lf_cards.h"
#include "lf_ops.h"

namespace emu::lf {

namespace {

LfMachine* machine = nullptr;
bool tracing = false;  // EMU_LF_TRACE: print every operation (replaying a crash)

__attribute__((format(printf, 1, 2))) void trace(const char* format, ...) {
    if (!tracing) return;
    std::fputs("fuzz-lf: ", stderr);
    va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
}

// Addresses a guest points DMA at to hurt: the end of RAM, the card's registers, holes, the MSI
// window, beyond 4 GiB and near 2^64.
std::uint64_t wild_address(std::uint32_t pick) {
    const std::uint64_t ram_end = machine->ram_base() + kRamSize;
    switch (pick % 12) {
    case 0: return 0;
    case 1: return ram_end - 1;
    case 2: return ram_end - 8;
    case 3: return ram_end - 0x100;
    case 4: return machine->register_window();
    case 5: return 0xfee00000;
    case 6: return 0xa0000;
    case 7: return 1ull << 32;
    case 8: return (1ull << 48) - 2;
    case 9: return ~0ull - 7;
    case 10: return machine->ram_base() - 16;
    default: return 0xfffffff0;
    }
}

unsigned width(std::uint64_t code) {
    static constexpr unsigned widths[] = {1, 2, 4};
    return widths[code % 3];
}

void frame(Reader& in) {
    const auto length = static_cast<std::uint32_t>(in.take(2));
    const auto kind = static_cast<unsigned>(in.take(1) % 6);
    const std::span<const std::uint8_t> head = in.bytes(kFrameHead);
    const std::size_t size = kind == 4 ? 9018 : kind == 5 ? net::kMaxFrameSize : length % kMaxFrame;
    std::vector<std::uint8_t> f(size);
    for (std::size_t i = 0; i < size; ++i) f[i] = static_cast<std::uint8_t>(i);
    static constexpr std::uint8_t kDestinations[3][6] = {
        {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}};
    const std::uint8_t* destination = kDestinations[kind == 1 ? 1 : kind == 2 ? 2 : 0];
    const std::size_t at = kind == 3 ? 0 : std::min<std::size_t>(6, size);
    if (kind != 3) std::copy(destination, destination + at, f.begin());
    for (std::size_t i = 0; i < head.size() && at + i < size; ++i) f[at + i] = head[i];
    trace("frame kind %u, %zu bytes\n", kind, size);
    machine->inject(f);
}

void run(Reader& in) {
    while (!in.done()) {
        const auto op = static_cast<Op>(in.take(1) % kOpCount);
        switch (op) {
        case kWrite:
        case kRead: {
            const std::vector<Region>& regions = machine->regions();
            const Region& region = regions[in.take(1) % regions.size()];
            const std::uint64_t offset = in.take(4);
            const unsigned size = width(in.take(1));
            // The access stays inside the region (offsets are taken modulo what fits).
            const std::uint64_t at = region.size > size ? offset % (region.size - size + 1) : 0;
            const auto index = static_cast<unsigned>(&region - regions.data());
            if (op == kWrite) {
                const std::uint64_t value = in.take(4) & ((1ull << (8 * size)) - 1);
                trace("write region %u +0x%llx = 0x%llx (%u)\n", index, static_cast<unsigned long long>(at),
                      static_cast<unsigned long long>(value), size);
                machine->region_write(region, at, value, size);
            } else {
                const std::uint64_t value = machine->region_read(region, at, size);
                trace("read region %u +0x%llx -> 0x%llx (%u)\n", index, static_cast<unsigned long long>(at),
                      static_cast<unsigned long long>(value), size);
            }
            break;
        }
        case kRam: {
            const std::uint64_t where = in.take(2) * kWhereUnit % kWindowSize;
            const auto length = static_cast<std::size_t>(in.take(1));
            std::span<const std::uint8_t> bytes = in.bytes(length);
            if (where + bytes.size() > kWindowSize) bytes = bytes.first(kWindowSize - where);
            trace("ram window+0x%llx %zu bytes\n", static_cast<unsigned long long>(where), bytes.size());
            machine->memory_write(machine->window() + where, bytes);
            break;
        }
        case kPointer: {
            const std::uint64_t where = in.take(2) * kWhereUnit % (kWindowSize - 8);
            const auto target = static_cast<std::uint32_t>(in.take(4));
            const std::uint64_t address =
                target >= kWildTargets ? wild_address(target) : machine->window() + target % kWindowSize;
            trace("pointer window+0x%llx = 0x%llx\n", static_cast<unsigned long long>(where),
                  static_cast<unsigned long long>(address));
            std::uint8_t bytes[8];
            for (unsigned i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(address >> (8 * i));
            machine->memory_write(machine->window() + where, bytes);
            break;
        }
        case kClock: {
            // 0: to the next timer; else 2^(shift % 31) ns (up to about a second: a device timer
            // of a microsecond then fires a million times, which is still quick).
            const auto shift = static_cast<unsigned>(in.take(1));
            trace("clock %u\n", shift);
            machine->clock_step(shift == 0 ? 0 : 1ull << (shift % 31));
            break;
        }
        case kFrame: frame(in); break;
        case kOpCount: break;
        }
        machine->run_pending();
    }
}

}  // namespace

}  // namespace emu::lf

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    using namespace emu::lf;
    const Card* card = find_card(EMU_LF_CARD);
    if (!card) {
        std::fprintf(stderr, "fuzz-lf: no card '%s'\n", EMU_LF_CARD);
        std::exit(1);
    }
    try {
        machine = new LfMachine(*card);  // kept until exit: the plugins' code outlives no object
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz-lf: cannot build the %s machine: %s\n", EMU_LF_CARD, e.what());
        std::exit(1);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace emu::lf;
    emu::BigLockGuard locked;
    machine->reset();
    Reader in({data, size});
    static const bool verbose = std::getenv("EMU_LF_VERBOSE") || std::getenv("EMU_LF_TRACE");
    tracing = std::getenv("EMU_LF_TRACE");
    const std::uint64_t sent = machine->frames_sent(), taken = machine->frames_taken();
    try {
        run(in);
        if (verbose)
            std::fprintf(stderr, "fuzz-lf: %zu bytes: the card sent %llu frames and took %llu\n", size,
                         static_cast<unsigned long long>(machine->frames_sent() - sent),
                         static_cast<unsigned long long>(machine->frames_taken() - taken));
    } catch (const std::exception& e) {
        // Devices answer a guest with register values and interrupts, never with exceptions
        // through the bus: one escaping here is a bug in the card.
        std::fprintf(stderr, "fuzz-lf: %s threw: %s\n", EMU_LF_CARD, e.what());
        std::abort();
    }
    return 0;
}
