// Random 64-bit user-mode instruction sequences for the x86 differential test (emu vs
// qemu-x86_64). The model is gen.h's (groups that leave RSP where they found it, memory operands
// in the case's 512-byte scratch block), with 16 64-bit registers and XMM0-15.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "gen.h"

namespace x86diff {

// One 64-bit case record in guest memory (16-byte aligned; the records start at kRecordsBase).
namespace rec64 {
constexpr std::uint32_t kOutR = 512;              // RAX..R15 after the sequence (encoding order)
constexpr std::uint32_t kOutFlags = kOutR + 128;  // 640: RFLAGS (PUSHFQ)
constexpr std::uint32_t kOutMxcsr = kOutFlags + 8;  // 648
constexpr std::uint32_t kOutXmm = kOutFlags + 16;   // 656: XMM0-15
constexpr std::uint32_t kInR = kOutXmm + 256;       // 912: initial RAX..R15 (RSP slot: record + kMid)
constexpr std::uint32_t kInFlags = kInR + 128;      // 1040
constexpr std::uint32_t kInMxcsr = kInFlags + 8;    // 1048
constexpr std::uint32_t kInXmm = kInFlags + 16;     // 1056
constexpr std::uint32_t kSize = kInXmm + 256;       // 1312
}  // namespace rec64

// FS and GS bases the program sets (arch_prctl; emu's harness does the same) for segment-
// override operands: FS below the records, GS above 4 GiB (addresses wrap around 2^64).
constexpr std::uint32_t kFsBase = kRecordsBase - 0x100000u;
constexpr std::uint64_t kGsBase = 0x00007f5a00000000ull;

enum class Kind64 { Int, Sse };

struct Case64 {
    Kind64 kind = Kind64::Int;
    std::uint64_t seed = 0;
    std::uint64_t r[16]{};  // RAX..R15 (r[4] ignored: RSP = record + kMid)
    std::uint64_t rflags = 2;
    std::array<std::uint8_t, kScratch> scratch{};
    std::array<std::uint8_t, 256> xmm{};  // XMM0-15 (SSE cases)
    std::uint32_t mxcsr = 0x1f80;
    std::vector<Group> groups;
};

Case64 generate_case64(Kind64 kind, std::uint64_t seed, const GenOptions& options);
std::size_t count_insns(const Case64& c);

}  // namespace x86diff
