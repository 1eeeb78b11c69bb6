#include "program64.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cpu.h"
#include "emu/loader.h"
#include "emu/memory.h"
#include "harness.h"
#include "x86_core.h"

namespace x86diff {
namespace {

// emu only, below the program (text at 4 MiB): GDT, IDT (16-byte gates), exception stubs (one
// HLT each, 16 bytes apart), the TSS and the 4-level page tables identity-mapping kRam.
constexpr std::uint32_t kGdt = 0x1000, kIdt = 0x2000, kStubs = 0x3000, kSysStub = 0x3800, kTss = 0x4000, kRsp0 = 0x9000;
constexpr std::uint32_t kPml4 = 0x100000, kPdpt = 0x101000, kPd = 0x102000, kPt = 0x103000;
constexpr std::uint64_t kRam = 64u << 20;
// Linux's GDT layout, so STAR = 0x0023001000000000 fits SYSCALL (CS 0x10, SS 0x18) and
// SYSRET (CS 0x33, SS 0x2B).
constexpr std::uint16_t kCode64 = 0x10, kData = 0x18, kUserData = 0x28 | 3, kUserCode64 = 0x30 | 3, kTssSel = 0x40;

void put64(std::vector<std::uint8_t>& v, std::size_t at, std::uint64_t x) { std::memcpy(&v[at], &x, 8); }
const char* const kR64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                              "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

}  // namespace

std::uint32_t record_addr64(std::size_t i) { return kRecordsBase + static_cast<std::uint32_t>(i) * rec64::kSize; }

bool find_qemu64(Tools& t, std::string& missing) {
    const char* q = std::getenv("X86DIFF_QEMU64");
    t.qemu = find_on_path(q ? q : "qemu-x86_64");
    if (t.qemu.empty() && !q) t.qemu = find_on_path("qemu-x86_64-static");
    missing = t.qemu.empty() ? std::string(" ") + (q ? q : "qemu-x86_64") : "";
    return !t.qemu.empty();
}

Program build_program64(const Tools& tools, const std::vector<Case64>& cases, const std::string& dir) {
    Program p;
    p.dir = dir;
    p.elf = dir + "/prog.elf";
    p.ncases = cases.size();

    std::vector<std::uint8_t> data(cases.size() * rec64::kSize, 0);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case64& c = cases[i];
        const std::size_t base = i * rec64::kSize;
        std::memcpy(&data[base], c.scratch.data(), kScratch);
        std::memset(&data[base + rec64::kOutR], 0x5a, rec64::kInR - rec64::kOutR);
        for (unsigned r = 0; r < 16; ++r) put64(data, base + rec64::kInR + 8 * r, c.r[r]);
        put64(data, base + rec64::kInR + 32, record_addr64(i) + kMid);
        put64(data, base + rec64::kInFlags, c.rflags);
        put64(data, base + rec64::kInMxcsr, c.mxcsr);
        std::memcpy(&data[base + rec64::kInXmm], c.xmm.data(), c.xmm.size());
    }
    write_data_and_link_script(dir, data);

    std::ostringstream s;
    std::uint64_t harness = 0;
    auto ins = [&](const std::string& line) {
        s << "\t" << line << "\n";
        ++harness;
    };
    s << "\t.intel_syntax noprefix\n\t.text\n\t.global _start\n_start:\n";
    // Fatal signals run `handler` on an alternate stack (RSP points into a record).
    ins("mov eax, 131");  // sigaltstack
    ins("lea rdi, [altstack_desc]");
    ins("xor esi, esi");
    ins("call sys");
    for (int sig : {4, 5, 7, 8, 11}) {  // SIGILL SIGTRAP SIGBUS SIGFPE SIGSEGV
        ins("mov eax, 13");             // rt_sigaction
        ins("mov edi, " + std::to_string(sig));
        ins("lea rsi, [sigact]");
        ins("xor edx, edx");
        ins("mov r10d, 8");
        ins("call sys");
    }
    // FS and GS bases for the generator's segment-override operands (arch_prctl).
    for (const auto& [code, base] : {std::pair<int, std::uint64_t>{0x1002, kFsBase}, {0x1001, kGsBase}}) {
        ins("mov eax, 158");
        ins("mov edi, " + std::to_string(code));
        ins("movabs rsi, " + hex(base));
        ins("call sys");
    }
    const std::uint64_t startup = harness;
    harness = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case64& c = cases[i];
        const std::string N = std::to_string(i);
        const std::uint32_t rec = record_addr64(i);
        // R: the record as a number; RR: the same address as a symbol, for RIP-relative operands.
        s << "\t.set R, " << hex(rec) << "\n\t.set RR, records+" << hex(rec - kRecordsBase) << "\n";
        s << "c" << N << ":\n";
        ins("mov dword ptr [cur_case], " + N);
        ins("lea rsp, [hstack_top]");
        if (c.kind == Kind64::Sse) {
            ins("ldmxcsr [" + hex(rec + rec64::kInMxcsr) + "]");
            for (unsigned x = 0; x < 16; ++x) ins("movdqa xmm" + std::to_string(x) + ", [" + hex(rec + rec64::kInXmm + 16 * x) + "]");
        }
        ins("push qword ptr [" + hex(rec + rec64::kInFlags) + "]");
        ins("popfq");
        for (unsigned r = 0; r < 16; ++r)
            if (r != 4) ins(std::string("mov ") + kR64[r] + ", qword ptr [" + hex(rec + rec64::kInR + 8 * r) + "]");
        ins("mov esp, " + hex(rec + kMid));
        s << "s" << N << ":\n";
        emit_groups(s, c.groups, N);
        s << "e" << N << ":\n";
        for (unsigned r = 0; r < 16; ++r) ins("mov qword ptr [" + hex(rec + rec64::kOutR + 8 * r) + "], " + kR64[r]);
        ins("lea rsp, [hstack_top]");
        ins("pushfq");
        ins("pop qword ptr [" + hex(rec + rec64::kOutFlags) + "]");
        if (c.kind == Kind64::Sse) {
            ins("stmxcsr [" + hex(rec + rec64::kOutMxcsr) + "]");
            for (unsigned x = 0; x < 16; ++x) ins("movdqa [" + hex(rec + rec64::kOutXmm + 16 * x) + "], xmm" + std::to_string(x));
        }
    }
    p.harness_insns = harness;
    harness = 0;
    s << "finish:\n";
    ins("lea rsi, [records]");
    ins("mov rdx, " + std::to_string(cases.size() * rec64::kSize));
    s << "1:\n";
    ins("test rdx, rdx");
    ins("jz 2f");
    ins("mov eax, 1");  // write(1, rsi, rdx)
    ins("mov edi, 1");
    ins("push rsi");
    ins("push rdx");
    ins("call sys");
    ins("pop rdx");
    ins("pop rsi");
    ins("test rax, rax");
    ins("jle 3f");
    ins("add rsi, rax");
    ins("sub rdx, rax");
    ins("jmp 1b");
    s << "2:\n";
    ins("mov eax, 60");  // exit(0)
    ins("xor edi, edi");
    ins("call sys");
    s << "3:\n\tmov eax, 60\n\tmov edi, 2\n\tcall sys\n";
    p.harness_insns += startup + 5;
    // The one system call site: emu patches the SYSCALL to HLT (see run_emu64).
    s << "sys:\n\tsyscall\n\tret\n";
    // Fatal signal handler (qemu): RDI = signal, RDX = ucontext (uc_mcontext at +40, RIP is
    // greg 16: +168); writes {magic, signal, rip, case} and exits with status 3.
    s << "handler:\n"
         "\tmov [crash+4], edi\n\tmov rax, [rdx+168]\n\tmov [crash+8], eax\n"
         "\tmov eax, [cur_case]\n\tmov [crash+12], eax\n\tmov dword ptr [crash], "
      << kCrashMagic
      << "\n\tmov eax, 1\n\tmov edi, 1\n\tlea rsi, [crash]\n\tmov edx, 16\n\tsyscall\n"
         "\tmov eax, 60\n\tmov edi, 3\n\tsyscall\n\thlt\n";
    s << "\t.data\ncur_case:\t.long 0, 0, 0, 0\ncrash:\t.long 0, 0, 0, 0\n"
         "sigact:\t.quad handler, 0x0c000000, handler, 0\n"  // SA_ONSTACK | SA_RESTORER
         "altstack_desc:\t.quad altstack, 0, 12288\n"
         "\t.balign 1024\n\t.space 1024\nhstack_top:\naltstack:\t.space 12288\n"
         "\t.balign 16384\nrecords:\n\t.incbin \"data.bin\"\n";
    build_elf(tools, p, s.str(), "--64", "elf_x86_64", "building the 64-bit guest program");
    return p;
}

RunResult run_qemu64(const Tools& tools, const Program& p) { return run_qemu_program(tools, p, rec64::kSize, "qemu-x86_64", "rip"); }

RunResult run_emu64(const Program& p, bool ring3) {
    using namespace emu;
    RunResult r;
    auto root = MemoryRegion::container("system", 0x100000000ull);
    auto ram = MemoryRegion::ram("ram", kRam);
    root->add_subregion(0, *ram);
    AddressSpace as("cpu", *root);
    auto current_case = [&]() {
        std::uint64_t cur = 0;
        as.read_value(kDataBase, 4, cur);
        return static_cast<int>(cur);
    };
    try {
        const auto bytes = read_file(p.elf, "x86diff program");
        const ElfImage img = load_elf(as, bytes, "x86diff program");
        const auto sys = p.symbols.find("sys");
        if (sys == p.symbols.end()) throw std::runtime_error("no sys symbol");
        // CPL 3: SYSCALL enters a kernel stub (HLT; SYSRETQ) where the harness does the call.
        // CPL 0: the program's SYSCALL becomes HLT; NOP.
        if (ring3) {
            as.write_value(kSysStub, 4, 0x070f48f4u);
        } else {
            as.write_value(sys->second, 2, 0x90f4);
        }
        // GDT: 64-bit code and data at DPL 0 and 3, a 64-bit TSS (RSP0 for exceptions from CPL 3).
        as.write_value(kGdt + kCode64, 8, 0x00af9b000000ffffull);
        as.write_value(kGdt + kData, 8, 0x00cf93000000ffffull);
        as.write_value(kGdt + (kUserData & ~3u), 8, 0x00cff3000000ffffull);
        as.write_value(kGdt + (kUserCode64 & ~3u), 8, 0x00affb000000ffffull);
        as.write_value(kTss + 4, 8, kRsp0);
        as.write_value(kGdt + kTssSel, 8, 0x00008b0000000067ull | (std::uint64_t{kTss} << 16));
        as.write_value(kGdt + kTssSel + 8, 8, 0);
        // IDT: interrupt gates for the exceptions, each to a stub that is one HLT.
        for (std::uint32_t v = 0; v < 32; ++v) {
            const std::uint32_t stub = kStubs + 16 * v;
            // DPL 3 for #BP and #OF, as Linux has them: INT3 works from CPL 3.
            const std::uint64_t type = v == 3 || v == 4 ? 0xee00 : 0x8e00;
            as.write_value(kIdt + 16 * v, 8, (stub & 0xffffu) | (std::uint64_t{kCode64} << 16) | (type << 32) |
                                                 (std::uint64_t{stub >> 16} << 48));
            as.write_value(kIdt + 16 * v + 8, 8, 0);
            as.write_value(stub, 1, 0xf4);
        }
        // Identity map of the RAM with 4 KiB pages (writable, user).
        as.write_value(kPml4, 8, kPdpt | 7);
        as.write_value(kPdpt, 8, kPd | 7);
        for (std::uint64_t i = 0; i < kRam / 0x200000; ++i) as.write_value(kPd + 8 * i, 8, (kPt + 0x1000 * i) | 7);
        for (std::uint64_t i = 0; i < kRam / 0x1000; ++i) as.write_value(kPt + 8 * i, 8, (i << 12) | 7);

        x86::X86Config cfg;
        cfg.x86_64 = true;
        x86::X86Core core(as, nullptr, cfg);
        core.enter_flat32(static_cast<std::uint32_t>(img.entry), nullptr);
        x86::Cpu& c = core.internal();
        c.config.x86_64 = true;
        c.phys_mask = (1ull << 40) - 1;
        c.cr0 = x86::kCr0PE | x86::kCr0ET | x86::kCr0PG;
        c.cr3 = kPml4;
        c.cr4 = x86::kCr4PAE | x86::kCr4OSFXSR | x86::kCr4OSXMMEXCPT;
        c.efer = x86::kEferLME | x86::kEferLMA | x86::kEferNXE;
        for (auto& sg : c.seg) sg = x86::Segment{kData, 0, 0xffffffff, 0xc93};
        c.seg[x86::CS] = x86::Segment{kCode64, 0, 0xffffffff, 0xa9b};
        c.tr = x86::Segment{kTssSel, kTss, 0x67, 0x8b};
        c.gdtr = x86::DescriptorTable{kGdt, 0x4f};
        c.idtr = x86::DescriptorTable{kIdt, 32 * 16 - 1};
        c.ldtr = x86::Segment{0, 0, 0, 0};
        c.rip = img.entry;
        c.gpr[4] = 0x80000;
        c.set_flags(0x2);
        if (ring3) {
            // User mode as under qemu-x86_64: CPL 3, IF set, IOPL 0.
            c.efer |= x86::kEferSCE;
            c.star = 0x0023001000000000ull;
            c.lstar = kSysStub;
            c.sfmask = 0x47700;
            for (auto& sg : c.seg) sg = x86::Segment{kUserData, 0, 0xffffffff, 0xcf3};
            c.seg[x86::CS] = x86::Segment{kUserCode64, 0, 0xffffffff, 0xafb};
            c.cpl = 3;
            c.set_flags(0x202);
        }
        c.tlb.flush_all();

        bool done = false;
        int exit_code = -1;
        std::string fault;
        const std::uint64_t cap = 50'000'000ull + 2000ull * p.ncases;
        while (!done && core.instructions_executed() < cap) {
            const auto why = core.run(1u << 22);
            if (why == x86::StopReason::Shutdown) {
                fault = "emu: the CPU shut down (triple fault) at rip " + hex(c.rip) + " in case " + std::to_string(current_case());
                r.fault_case = current_case();
                r.fault_pc = static_cast<std::uint32_t>(c.rip);
                break;
            }
            if (why != x86::StopReason::Halted) continue;
            const std::uint64_t at = c.rip - 1;  // the HLT
            c.halted = false;
            if (at == (ring3 ? kSysStub : sys->second)) {
                const std::uint64_t nr = c.gpr[0];
                if (nr == 1) {  // write(fd, buf, len)
                    const std::uint64_t buf = c.gpr[6], len = c.gpr[2];
                    const std::size_t at_rec = r.records.size();
                    r.records.resize(at_rec + len);
                    if (as.read(buf, r.records.data() + at_rec, len) != MemResult::Ok) {
                        r.records.resize(at_rec);
                        c.gpr[0] = static_cast<std::uint64_t>(-14);
                    } else {
                        c.gpr[0] = len;
                    }
                } else if (nr == 158 && (c.gpr[7] == 0x1001 || c.gpr[7] == 0x1002)) {  // arch_prctl(SET_GS/FS)
                    c.seg[c.gpr[7] == 0x1002 ? x86::FS : x86::GS].base = c.gpr[6];
                    c.gpr[0] = 0;
                } else if (nr == 60) {
                    exit_code = static_cast<int>(c.gpr[7]);
                    done = true;
                } else {
                    c.gpr[0] = 0;  // rt_sigaction, sigaltstack
                }
                if (!ring3) {
                    c.gpr[1] = c.rip + 1;  // SYSCALL's RCX and R11
                    c.gpr[11] = c.flags();
                }
                continue;  // ring3: on to the stub's SYSRETQ
            }
            if (at >= kStubs && at < kStubs + 16 * 32 && (at - kStubs) % 16 == 0) {
                const unsigned v = static_cast<unsigned>((at - kStubs) / 16);
                const bool has_error = v == 8 || (v >= 10 && v <= 14) || v == 17;
                std::uint64_t rip = 0;
                as.read_value(c.gpr[4] + (has_error ? 8 : 0), 8, rip);
                char b[160];
                std::snprintf(b, sizeof b, "emu: exception %u at rip 0x%llx in case %d", v, static_cast<unsigned long long>(rip), current_case());
                fault = b;
                r.fault_case = current_case();
                r.fault_pc = static_cast<std::uint32_t>(rip);
                r.fault_kind = static_cast<int>(v);
                break;
            }
            fault = "emu: the CPU halted at rip " + hex(c.rip) + " in case " + std::to_string(current_case());
            r.fault_case = current_case();
            r.fault_pc = static_cast<std::uint32_t>(c.rip);
            break;
        }
        r.insns = core.instructions_executed();
        if (!fault.empty()) {
            r.error = fault;
            return r;
        }
        if (!done) {
            r.error = "emu: instruction budget exhausted (runaway guest) in case " + std::to_string(current_case());
            r.fault_case = current_case();
            return r;
        }
        if (exit_code != 0 || r.records.size() != p.ncases * rec64::kSize) {
            r.error = "emu: guest exited with " + std::to_string(exit_code) + " after writing " + std::to_string(r.records.size()) + " bytes";
            return r;
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = std::string("emu: ") + e.what() + " (in case " + std::to_string(current_case()) + ")";
        r.fault_case = current_case();
    }
    return r;
}

}  // namespace x86diff
