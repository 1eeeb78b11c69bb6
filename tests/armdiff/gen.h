// Random user-mode instruction sequences for the ARM differential test (emu vs qemu-arm).
//
// A case is an initial state (r0-r14, APSR, FPSCR, d0-d15, a 512-byte scratch block) plus a
// sequence of instruction groups. A group is the unit a forward branch may skip: one
// instruction, an IT block, or a few set-up instructions and the access that uses them. Memory
// accesses stay inside the case's scratch block: r11 is reserved as a pointer to its middle and
// never written; SP also points into it and only moves by push/pop-like instructions whose
// possible range the generator tracks; other bases are "fresh" pointers computed from r11 just
// before the access.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace armdiff {

// Guest layout (fixed by the linker script, see program.cpp).
constexpr std::uint32_t kTextBase = 0x00010000u;
constexpr std::uint32_t kDataBase = 0x01000000u;
// cur_case, crash info, sigaction, then room below the first record for qemu's signal frame
// (the fatal-signal handler runs on the case's SP, which points into a record).
constexpr std::uint32_t kHeaderSize = 8192;
constexpr std::uint32_t kRecordsBase = kDataBase + kHeaderSize;

// One case record in guest memory (.data): the guest writes the out fields; the host compares
// the whole record.
constexpr std::uint32_t kScratch = 512;                 // scratch block [0, 512)
constexpr std::uint32_t kMid = 256;                     // r11 and the initial SP point here
constexpr std::uint32_t kOutR = 512;                    // r0..r14 after the sequence
constexpr std::uint32_t kOutApsr = kOutR + 60;          // 572
constexpr std::uint32_t kOutFpscr = kOutR + 64;         // 576
constexpr std::uint32_t kOutD = kOutR + 72;             // 584: d0..d15
constexpr std::uint32_t kInR = kOutD + 128;             // 712: initial r0..r14
constexpr std::uint32_t kInApsr = kInR + 60;            // 772
constexpr std::uint32_t kInFpscr = kInR + 64;           // 776
constexpr std::uint32_t kInD = kInR + 72;               // 784
constexpr std::uint32_t kRecSize = kInD + 128;          // 912

constexpr std::uint32_t kApsrMask = 0xf80f0000u;        // NZCVQ + GE: what APSR comparisons use

enum class Isa { A32, T32 };

struct Item {
    std::string text;  // one line of assembly: ".inst ...", or a mnemonic (set-up, branches)
    std::string what;  // generator name, e.g. "a32.dp_imm.adc"; exclusions match its prefix
};

struct Group {
    int id = 0;
    std::vector<Item> items;
    // Forward branch in the last item: its text holds "@T", replaced by the label of the first
    // emitted group whose id >= target (kEnd: the end of the sequence).
    int target = -1;
    static constexpr int kEnd = 1 << 30;
};

struct Case {
    Isa isa = Isa::A32;
    bool vfp = false;
    std::uint64_t seed = 0;
    std::uint32_t r[15]{};
    std::uint32_t apsr = 0, fpscr = 0;
    std::uint64_t d[16]{};
    std::array<std::uint8_t, kScratch> scratch{};
    std::vector<Group> groups;
};

struct GenOptions {
    int insns = 60;                     // instructions per case (approximate, at least)
    std::vector<std::string> exclude;   // prefixes of Item::what never generated
    std::vector<std::string> only;      // if not empty: only instructions matching these prefixes
};

// rec_addr: guest address of the case's record (r11 = SP = rec_addr + kMid initially).
Case generate_case(Isa isa, bool vfp, std::uint64_t seed, const GenOptions& options, std::uint32_t rec_addr);

std::size_t count_insns(const Case& c);

}  // namespace armdiff
