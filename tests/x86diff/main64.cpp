// emu_x86diff64: the differential test of emu's x86 CPU core in 64-bit mode against
// qemu-x86_64 (user mode). Random 64-bit sequences (gen64.cpp) are built into one static x86-64
// Linux program per batch (program64.cpp), run on qemu-x86_64 and on emu's X86Core in long mode,
// and the final RAX..R15, RFLAGS, XMM0-15/MXCSR and scratch memory of every case are compared.
//
//   emu_x86diff64 [--seed N] [--cases N] [--insns N] [--batches int64,sse64] [--case I]
//                 [--minimize] [--max-report N] [--exclude p1,p2] [--only p1,p2] [--all]
//                 [--keep DIR] [--no-faults] [--no-flag-masks] [--ring0] [--qemu-only] [--quiet]
//
// Exit status: 0 all agree, 1 disagreement or error, 77 tools missing (skipped).
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "driver.h"
#include "gen64.h"
#include "harness.h"
#include "program64.h"

using namespace x86diff;

namespace {

// Generator-name prefixes left out of the default (CI) run: emu bugs found by this test (each
// with its reduced reproducer in README.md) and deliberate differences. --all ignores it.
const std::vector<std::string> kKnownFailures = {};

struct BatchSpec {
    const char* name;
    Kind64 kind;
    int default_cases;
};
const BatchSpec kBatches[] = {{"int64", Kind64::Int, 2000}, {"sse64", Kind64::Sse, 1000}};

std::uint64_t get64(const std::vector<std::uint8_t>& v, std::size_t at) {
    std::uint64_t x;
    std::memcpy(&x, &v[at], 8);
    return x;
}

// Only the compared bits survive: RFLAGS' arithmetic flags, DF, and at CPL 3 IF and IOPL (with
// --ring0 they differ by design), MXCSR without DE (qemu never sets it).
void normalise(std::vector<std::uint8_t>& rec, std::size_t base, Kind64 kind, bool ring3) {
    const std::uint64_t f = get64(rec, base + rec64::kOutFlags) & (kFlagsMask | (ring3 ? kUserFlags : 0u));
    std::memcpy(&rec[base + rec64::kOutFlags], &f, 8);
    std::uint64_t m = kind == Kind64::Sse ? get64(rec, base + rec64::kOutMxcsr) & kMxcsrMask : 0;
    std::memcpy(&rec[base + rec64::kOutMxcsr], &m, 8);
    if (kind != Kind64::Sse) std::memset(&rec[base + rec64::kOutXmm], 0, 256);
}

const char* const kRegNames[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                   "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

void print_case(const Tools& tools, const Program& prog, const std::vector<Case64>& cases, std::size_t i,
                const std::vector<std::uint8_t>* q, const std::vector<std::uint8_t>* e, const char* batch) {
    const Case64& c = cases[i];
    std::printf("---- case %zu of batch %s (case seed 0x%016" PRIx64 ", %zu instructions)\n", i, batch, c.seed, count_insns(c));
    std::printf("sequence:\n%s", disassemble(tools, prog, i).c_str());
    std::printf("generator names:");
    for (const auto& g : c.groups)
        for (const auto& it : g.items)
            if (it.what != "setup") std::printf(" %s", it.what.c_str());
    std::printf("\ninitial state (record at 0x%08x, rsp = record + 0x%x):\n", record_addr64(i), kMid);
    for (unsigned r = 0; r < 16; ++r) {
        const std::uint64_t v = r == 4 ? record_addr64(i) + kMid : c.r[r];
        std::printf("  %-3s 0x%016" PRIx64 "%s", kRegNames[r], v, r % 4 == 3 ? "\n" : "");
    }
    std::printf("  rflags 0x%08" PRIx64 "\n", c.rflags);
    if (c.kind == Kind64::Sse) {
        std::printf("  mxcsr 0x%08x\n", c.mxcsr);
        for (unsigned x = 0; x < 16; ++x) std::printf("  xmm%-2u %s\n", x, fmt_xmm(&c.xmm[16 * x]).c_str());
    }
    if (!q || !e) return;
    const std::size_t base = i * rec64::kSize;
    std::printf("final state:        qemu                emu\n");
    auto row = [&](const char* name, std::size_t off) {
        const std::uint64_t a = get64(*q, base + off), b = get64(*e, base + off);
        std::printf("  %-7s 0x%016" PRIx64 "  0x%016" PRIx64 "%s\n", name, a, b, a != b ? "   <-- differs" : "");
    };
    for (unsigned r = 0; r < 16; ++r) row(kRegNames[r], rec64::kOutR + 8 * r);
    row("rflags", rec64::kOutFlags);
    if (c.kind == Kind64::Sse) {
        row("mxcsr", rec64::kOutMxcsr);
        for (unsigned x = 0; x < 16; ++x) {
            const std::uint8_t* a = &(*q)[base + rec64::kOutXmm + 16 * x];
            const std::uint8_t* b = &(*e)[base + rec64::kOutXmm + 16 * x];
            const bool d = std::memcmp(a, b, 16) != 0;
            std::printf("  xmm%-2u  qemu %s\n         emu  %s%s\n", x, fmt_xmm(a).c_str(), fmt_xmm(b).c_str(), d ? "   <-- differs" : "");
        }
    }
    int shown = 0;
    for (std::size_t off = 0; off < kScratch; off += 8) {
        const std::uint64_t a = get64(*q, base + off), b = get64(*e, base + off);
        if (a != b && shown++ < 16)
            std::printf("  mem[record+0x%03zx]  qemu 0x%016" PRIx64 "  emu 0x%016" PRIx64 "   <-- differs\n", off, a, b);
    }
    for (std::size_t off = rec64::kInR; off < rec64::kSize; off += 8)
        if (get64(*q, base + off) != get64(*e, base + off)) std::printf("  (initial-state area of the record differs at +%zu)\n", off);
}

// Fault equivalence in 64-bit mode: both sides must fault the same way at the same instruction
// (qemu: the signal and the sigcontext's RIP; emu: the vector and the RIP it pushed).
const FaultSpec kFaultSpecs[] = {
    {"div.zero.64", "xor ecx, ecx", "div rcx", 8, 0},
    {"div.zero.32.r9d", "xor r9d, r9d", "div r9d", 8, 0},
    {"div.overflow.64", "mov edx, 5\n\tmov r8, 5", "div r8", 8, 0},
    {"idiv.overflow.64", "movabs rax, 0x8000000000000000\n\tcqo\n\tmov rcx, -1", "idiv rcx", 8, 0},
    {"idiv.overflow.64.m", "movabs rax, 0x8000000000000000\n\tcqo\n\tmov qword ptr [rsp-8], -1", "idiv qword ptr [rsp-8]", 8, 0},
    {"div.zero.8.sil", "xor esi, esi", "div sil", 8, 0},
    {"ud2", nullptr, "ud2", 4, 6},
    {"lock.add.reg", nullptr, ".byte 0xf0, 0x48, 0x01, 0xc0", 4, 6},
    {"cmpxchg16b.reg", nullptr, ".byte 0x48, 0x0f, 0xc7, 0xc8", 4, 6},
    {"aam.invalid64", nullptr, ".byte 0xd4, 0x0a", 4, 6},  // AAM (and the other BCD ops) are #UD in 64-bit mode
    {"push.cs.invalid64", nullptr, ".byte 0x0e", 4, 6},
    {"int3", nullptr, "int3", 5, 3},
    // HLT at CPL 3: #GP(0) (SIGSEGV). Also shows that emu really runs the program at CPL 3.
    {"hlt.user", nullptr, "hlt", 11, 13},
    // A non-canonical address: #GP(0) (SIGSEGV).
    {"noncanonical.load", "movabs rax, 0x8000000000001000", "mov rcx, [rax]", 11, 13},
    {"noncanonical.gs", "movabs rcx, 0x0000800000000000 - 0x00007f5a00000000", "mov rax, gs:[rcx]", 11, 13},
    {"noncanonical.store", "movabs rdi, 0xffff7fffffffff00", "mov qword ptr [rdi], rax", 11, 13},
    // SS-based (RBP base): #SS(0) on emu (the SDM; Linux sends SIGBUS); qemu-x86_64 does not
    // check canonicality and reports the unmapped page (SIGSEGV), so only the place is compared.
    {"noncanonical.stack", "movabs rbp, 0x8000000000000000", "mov rax, [rbp+8]", 11, 12},
    // Not checked: JMP to a non-canonical target. emu raises #GP(0) at the JMP (Intel); qemu
    // 7.2 jumps and faults at the target (SIGSEGV with RIP = the target).
    {"cmpxchg16b.misaligned", "lea rdi, [rsp-64]\n\tand rdi, -16\n\tadd rdi, 8", "cmpxchg16b [rdi]", 11, 13},
    {"sse.movaps.misaligned", "lea rax, [rsp-40]\n\tand rax, -16\n\tinc rax", "movaps xmm9, [rax]", 11, 13},
};

const UsageText kUsage = {
    .tool = "emu_x86diff64",
    .cases = "int64 2000, sse64 1000",
    .batches = "int64,sse64 (default both)",
    .exclude = "",
    .all = "",
    .qemu = "qemu-x86_64",
    .qemu_only = "qemu-x86_64 only, twice",
};

// What the driver (driver.h) needs of 64-bit mode.
struct X64 {
    using Case = Case64;
    static constexpr Kind64 kIntKind = Kind64::Int;
    static constexpr std::size_t kRecordSize = rec64::kSize;
    static constexpr std::size_t kChunk = 3000;
    static constexpr const char* kTempName = "emu_x86diff64";
    static constexpr const char* kSummaryName = "x86diff64";
    static constexpr const char* kFaultTag = "faults64";
    static constexpr const char* kFaultLabel = "fault64";
    static constexpr const char* kPcName = "RIP";
    static constexpr const char* kPrefixWhat = "minimize";
    static constexpr const char* kMinimisedAgrees = "(the minimised case agrees)";
    static constexpr bool kSayOnlySkipped = false;
    // A faulting case is shrunk like a disagreeing one (prefix search, then removal).
    static constexpr bool kShrinkFaultsByRemoval = false;
    static inline const std::vector<std::string>& kKnownFailures = ::kKnownFailures;
    static constexpr const BatchSpec (&kBatches)[2] = ::kBatches;
    static constexpr const FaultSpec (&kFaultSpecs)[std::size(::kFaultSpecs)] = ::kFaultSpecs;

    static Case generate(Kind64 kind, std::uint64_t seed, const GenOptions& gen) { return generate_case64(kind, seed, gen); }
    // Batch numbers from 16 on, so the 64-bit cases differ from the i386 ones of the same seed.
    static std::uint64_t case_seed(std::uint64_t seed, std::size_t batch, std::size_t i) {
        return mix(mix(seed) ^ (static_cast<std::uint64_t>(batch + 16) << 40) ^ static_cast<std::uint64_t>(i));
    }
    static Program build(const Tools& tools, const std::vector<Case>& cases, const std::string& dir) { return build_program64(tools, cases, dir); }
    static RunResult run_qemu(const Tools& tools, const Program& prog) { return run_qemu64(tools, prog); }
    static RunResult run_emu(const Program& prog, bool ring3) { return run_emu64(prog, ring3); }
    static void normalise(std::vector<std::uint8_t>& rec, std::size_t base, Kind64 kind, bool ring3) { ::normalise(rec, base, kind, ring3); }
    static void print_case(const Tools& tools, const Program& prog, const std::vector<Case>& cases, std::size_t i,
                           const std::vector<std::uint8_t>* q, const std::vector<std::uint8_t>* e, const char* batch) {
        ::print_case(tools, prog, cases, i, q, e, batch);
    }
    static std::string prefix_dir(const std::string& dir, std::size_t k) { return dir + "/min" + std::to_string(k) + "/prefix"; }
    static bool may_remove_groups(const Case&) { return true; }
    // INT3 reports the instruction after it.
    static bool is_trap(int vector) { return vector == 3; }
    // HLT only faults at CPL 3.
    static bool fault_check_applies(const FaultSpec& f, bool ring3) { return ring3 || std::strcmp(f.name, "hlt.user") != 0; }
};

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    opt.batches = {"int64", "sse64"};
    if (const int status = parse_options(argc, argv, opt, kUsage); status >= 0) return status;

    Tools tools;
    std::string missing, missing64;
    find_tools(tools, missing);  // as, ld, objdump, nm (its qemu-i386 is not needed here)
    if (const auto pos = missing.find(" qemu"); pos != std::string::npos) missing.erase(pos);
    if (!find_qemu64(tools, missing64) || !missing.empty()) {
        std::printf("SKIP: emu_x86diff64 needs%s%s on PATH\n", missing.c_str(), missing64.c_str());
        return 77;
    }
    return run_all<X64>(tools, opt);
}
