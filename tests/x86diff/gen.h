// Random user-mode i386 instruction sequences for the x86 differential test (emu vs qemu-i386).
//
// A case is an initial state (EAX..EDI, the arithmetic flags and DF, for x87 cases an FPU image
// loaded with FRSTOR, a 512-byte scratch block) plus a sequence of instruction groups. A group
// is the unit a forward branch may skip: one instruction, or set-up instructions and the
// instruction that uses them. Every group leaves ESP where it found it (stack instructions come
// in balanced groups), so ESP is known exactly at every group boundary and the stack always
// lies inside the scratch block. Memory operands address the scratch block through absolute
// displacements or "fresh" base/index registers loaded just before the access.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace x86diff {

// Guest layout (fixed by the linker script, see program.cpp).
constexpr std::uint32_t kTextBase = 0x00400000u;
constexpr std::uint32_t kDataBase = 0x01000000u;
// cur_case, crash info, sigaction, the harness stack and the signal stack come first.
constexpr std::uint32_t kHeaderSize = 16384;
constexpr std::uint32_t kRecordsBase = kDataBase + kHeaderSize;

// One case record in guest memory: the guest writes the out fields; the host compares them
// (and the scratch block).
constexpr std::uint32_t kScratch = 512;           // scratch block [0, 512)
constexpr std::uint32_t kMid = 256;               // the initial ESP points here
constexpr std::uint32_t kOutR = 512;              // EAX..EDI after the sequence (encoding order)
constexpr std::uint32_t kOutFlags = kOutR + 32;   // 544: EFLAGS (PUSHFD)
constexpr std::uint32_t kOutFpu = kOutR + 40;     // 552: FNSAVE image (108 bytes), x87 cases
constexpr std::uint32_t kFpuImage = 108;
constexpr std::uint32_t kInR = kOutFpu + 112;     // 664: initial EAX..EDI (ESP slot unused)
constexpr std::uint32_t kInFlags = kInR + 32;     // 696
constexpr std::uint32_t kInFpu = kInR + 40;       // 704: FRSTOR image
// SSE cases: XMM0-7, MXCSR and MM0-7 after the sequence, and their initial values (16-byte aligned:
// records are 16-byte aligned and kRecSize is a multiple of 16).
constexpr std::uint32_t kOutXmm = kInFpu + 112;   // 816
constexpr std::uint32_t kOutMxcsr = kOutXmm + 128;  // 944
constexpr std::uint32_t kOutMm = kOutMxcsr + 16;  // 960: MM0-7
constexpr std::uint32_t kInXmm = kOutMm + 64;     // 1024
constexpr std::uint32_t kInMxcsr = kInXmm + 128;  // 1152
constexpr std::uint32_t kInMm = kInMxcsr + 16;    // 1168
constexpr std::uint32_t kRecSize = kInMm + 64;    // 1232

// EFLAGS bits the generator sets and compares: CF PF AF ZF SF OF and DF; with user_flags also
// IF and IOPL (both run the program at CPL 3 with IOPL 0, where POPF must leave them alone;
// with emu at CPL 0, --ring0, they would differ).
constexpr std::uint32_t kFlagsMask = 0x0cd5u;
constexpr std::uint32_t kUserFlags = 0x3200u;
// FNSAVE status word bits compared: C0, C2, C3, TOP and the exception/stack-fault flags but
// not B (bit 15), C1 (qemu-i386 leaves it unchanged where the SDM defines it: 0, or the
// round-up indicator, after loads, stores, arithmetic and comparisons) and DE (qemu never sets
// it for denormal operands).
constexpr std::uint16_t kFpuStatusMask = 0x7dfdu;

enum class Kind { Int, X87, Sse };

// MXCSR bits compared: everything but DE (bit 1): qemu 7.2 does not raise it for denormal
// operands (as it does not for the x87's).
constexpr std::uint32_t kMxcsrMask = 0xfffdu;

struct Item {
    std::string text;  // one line of Intel-syntax assembly (GNU as, noprefix)
    std::string what;  // generator name, e.g. "alu.adc.r32.rm"; "setup" for set-up lines
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
    Kind kind = Kind::Int;
    std::uint64_t seed = 0;
    std::uint32_t r[8]{};     // EAX..EDI (r[4] ignored: ESP = record + kMid)
    std::uint32_t eflags = 2;
    std::array<std::uint8_t, kFpuImage> fpu{};  // FRSTOR image (x87 cases)
    std::array<std::uint8_t, kScratch> scratch{};
    std::array<std::uint8_t, 128> xmm{};  // XMM0-7 (SSE cases)
    std::array<std::uint8_t, 64> mm{};    // MM0-7 (SSE cases)
    std::uint32_t mxcsr = 0x1f80;
    std::vector<Group> groups;
};

struct GenOptions {
    int insns = 80;                     // instructions per case (approximate, at least)
    std::vector<std::string> exclude;   // prefixes of Item::what never generated
    std::vector<std::string> only;      // if not empty: only instructions matching these prefixes
    bool mask_undefined_flags = true;   // clear the uncompared undefined flags (gen.cpp's list)
    bool user_flags = true;             // POPF values and PUSHF results include IF and IOPL
};

// Addresses in the scratch block are written relative to the assembler symbol R, which the
// program sets to the case's record address before its code (so a case runs in any slot).
Case generate_case(Kind kind, std::uint64_t seed, const GenOptions& options);

std::size_t count_insns(const Case& c);

}  // namespace x86diff
