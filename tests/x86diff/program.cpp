#include "program.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "emu/loader.h"
#include "cpu.h"
#include "emu/memory.h"
#include "harness.h"
#include "x86_core.h"

namespace x86diff {
namespace {

// emu only: descriptor tables and exception stubs below the program (the ELF starts at 4 MiB).
constexpr std::uint32_t kGdt = 0x1000, kIdt = 0x2000, kStubs = 0x3000, kTss = 0x4000, kRing0Stack = 0x8000;
// Selectors: ring-0 code and data as X86Core::enter_flat32 caches them, the TSS, ring-3 code
// and data (what the program runs with, like qemu-i386's user mode).
constexpr std::uint16_t kCode0 = 0x10, kData0 = 0x18, kTssSel = 0x20, kCode3 = 0x28 | 3, kData3 = 0x30 | 3;
constexpr std::uint8_t kStubVector = 0x40;  // exception v's stub executes INT 0x40+v

void put32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) { std::memcpy(&v[at], &x, 4); }

}  // namespace

std::uint32_t record_addr(std::size_t i) { return kRecordsBase + static_cast<std::uint32_t>(i) * kRecSize; }

bool find_tools(Tools& t, std::string& missing) {
    const char* q = std::getenv("X86DIFF_QEMU");
    t.as = find_on_path("as");
    t.ld = find_on_path("ld");
    t.objdump = find_on_path("objdump");
    t.nm = find_on_path("nm");
    t.qemu = find_on_path(q ? q : "qemu-i386");
    if (t.qemu.empty() && !q) t.qemu = find_on_path("qemu-i386-static");
    missing.clear();
    if (t.as.empty()) missing += " as";
    if (t.ld.empty()) missing += " ld";
    if (t.objdump.empty()) missing += " objdump";
    if (t.nm.empty()) missing += " nm";
    if (t.qemu.empty()) missing += std::string(" ") + (q ? q : "qemu-i386");
    return missing.empty();
}

Program build_program(const Tools& tools, const std::vector<Case>& cases, const std::string& dir) {
    Program p;
    p.dir = dir;
    p.elf = dir + "/prog.elf";
    p.ncases = cases.size();

    // Records: scratch, out area (a marker), in state.
    std::vector<std::uint8_t> data(cases.size() * kRecSize, 0);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        const std::size_t base = i * kRecSize;
        std::memcpy(&data[base], c.scratch.data(), kScratch);
        std::memset(&data[base + kOutR], 0x5a, kInR - kOutR);
        for (unsigned r = 0; r < 8; ++r) put32(data, base + kInR + 4 * r, c.r[r]);
        put32(data, base + kInR + 16, record_addr(i) + kMid);
        put32(data, base + kInFlags, c.eflags);
        std::memcpy(&data[base + kInFpu], c.fpu.data(), kFpuImage);
        std::memset(&data[base + kOutXmm], 0x5a, kInXmm - kOutXmm);
        std::memcpy(&data[base + kInXmm], c.xmm.data(), c.xmm.size());
        std::memcpy(&data[base + kInMm], c.mm.data(), c.mm.size());
        put32(data, base + kInMxcsr, c.mxcsr);
    }
    write_data_and_link_script(dir, data);

    std::ostringstream s;
    std::uint64_t harness = 0;
    auto ins = [&](const std::string& line) {
        s << "\t" << line << "\n";
        ++harness;
    };
    s << "\t.intel_syntax noprefix\n\t.text\n\t.global _start\n_start:\n";
    // Fatal signals run `handler` on an alternate stack (the case's ESP points into a record).
    ins("mov eax, 186");  // sigaltstack
    ins("mov ebx, offset altstack_desc");
    ins("xor ecx, ecx");
    ins("int 0x80");
    for (int sig : {4, 5, 7, 8, 11}) {  // SIGILL SIGTRAP SIGBUS SIGFPE SIGSEGV
        ins("mov eax, 174");             // rt_sigaction
        ins("mov ebx, " + std::to_string(sig));
        ins("mov ecx, offset sigact");
        ins("xor edx, edx");
        ins("mov esi, 8");
        ins("int 0x80");
    }
    const std::uint64_t startup = harness;
    harness = 0;
    static const char* const regs[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        const std::string N = std::to_string(i);
        const std::uint32_t rec = record_addr(i);
        s << "\t.set R, " << hex(rec) << "\n";  // the generator's addresses are relative to R
        s << "c" << N << ":\n";
        ins("mov dword ptr [cur_case], " + N);
        ins("mov esp, offset hstack_top");
        if (c.kind == Kind::X87) ins("frstor [" + hex(rec + kInFpu) + "]");
        if (c.kind == Kind::Sse) {
            ins("ldmxcsr [" + hex(rec + kInMxcsr) + "]");
            for (unsigned x = 0; x < 8; ++x) ins("movdqa xmm" + std::to_string(x) + ", [" + hex(rec + kInXmm + 16 * x) + "]");
            for (unsigned x = 0; x < 8; ++x) ins("movq mm" + std::to_string(x) + ", [" + hex(rec + kInMm + 8 * x) + "]");
        }
        ins("push dword ptr [" + hex(rec + kInFlags) + "]");
        ins("popfd");
        for (unsigned r = 0; r < 8; ++r)
            if (r != 4) ins(std::string("mov ") + regs[r] + ", dword ptr [" + hex(rec + kInR + 4 * r) + "]");
        ins("mov esp, " + hex(rec + kMid));
        s << "s" << N << ":\n";
        emit_groups(s, c.groups, N);
        s << "e" << N << ":\n";
        for (unsigned r = 0; r < 8; ++r) ins(std::string("mov dword ptr [") + hex(rec + kOutR + 4 * r) + "], " + regs[r]);
        ins("mov esp, offset hstack_top");
        ins("pushfd");
        ins("pop dword ptr [" + hex(rec + kOutFlags) + "]");
        if (c.kind == Kind::X87) ins("fnsave [" + hex(rec + kOutFpu) + "]");
        if (c.kind == Kind::Sse) {
            ins("stmxcsr [" + hex(rec + kOutMxcsr) + "]");
            for (unsigned x = 0; x < 8; ++x) ins("movdqa [" + hex(rec + kOutXmm + 16 * x) + "], xmm" + std::to_string(x));
            for (unsigned x = 0; x < 8; ++x) ins("movq [" + hex(rec + kOutMm + 8 * x) + "], mm" + std::to_string(x));
            ins("emms");
        }
    }
    p.harness_insns = harness;
    harness = 0;
    s << "finish:\n";
    ins("mov ecx, offset records");
    ins("mov edx, " + std::to_string(cases.size() * kRecSize));
    s << "1:\n";
    ins("test edx, edx");
    ins("jz 2f");
    ins("mov eax, 4");  // write
    ins("mov ebx, 1");
    ins("int 0x80");
    ins("test eax, eax");
    ins("jle 3f");
    ins("add ecx, eax");
    ins("sub edx, eax");
    ins("jmp 1b");
    s << "2:\n";
    ins("mov eax, 1");  // exit(0)
    ins("xor ebx, ebx");
    ins("int 0x80");
    s << "3:\n\tmov eax, 1\n\tmov ebx, 2\n\tint 0x80\n";
    p.harness_insns += startup + 5;  // start-up and (roughly) the exit path
    // Fatal signal handler (qemu): [esp+4] = signal, the sigcontext's EIP at [esp+64]; writes
    // {magic, signal, eip, case} and exits with status 3.
    s << "handler:\n"
         "\tmov eax, [esp+4]\n\tmov [crash+4], eax\n\tmov eax, [esp+64]\n\tmov [crash+8], eax\n"
         "\tmov eax, [cur_case]\n\tmov [crash+12], eax\n\tmov dword ptr [crash], "
      << kCrashMagic
      << "\n\tmov eax, 4\n\tmov ebx, 1\n\tmov ecx, offset crash\n\tmov edx, 16\n\tint 0x80\n"
         "\tmov eax, 1\n\tmov ebx, 3\n\tint 0x80\n\thlt\n";
    s << "\t.data\ncur_case:\t.long 0, 0, 0, 0\ncrash:\t.long 0, 0, 0, 0\n"
         "sigact:\t.long handler, 0x08000000, 0, 0, 0\n"  // SA_ONSTACK
         "altstack_desc:\t.long altstack, 0, 12288\n"
         "\t.balign 1024\n\t.space 1024\nhstack_top:\naltstack:\t.space 12288\n"
         "\t.balign 16384\nrecords:\n\t.incbin \"data.bin\"\n";
    build_elf(tools, p, s.str(), "--32", "elf_i386", "building the guest program");
    return p;
}

RunResult run_qemu(const Tools& tools, const Program& p) { return run_qemu_program(tools, p, kRecSize, "qemu-i386", "eip"); }

RunResult run_emu(const Program& p, bool ring3) {
    using namespace emu;
    RunResult r;
    auto root = MemoryRegion::container("system", 0x100000000ull);
    auto ram = MemoryRegion::ram("ram", 64u << 20);
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
        // Flat segments for rings 0 and 3, a TSS for the ring-0 stack of exceptions, and
        // interrupt gates for the exceptions that lead to stubs reporting them (INT 0x40+v).
        as.write_value(kGdt + kCode0, 8, 0x00cf9b000000ffffull);
        as.write_value(kGdt + kData0, 8, 0x00cf93000000ffffull);
        as.write_value(kGdt + kTssSel, 8, 0x00008b0000000067ull | (std::uint64_t{kTss & 0xffffff} << 16));
        as.write_value(kGdt + (kCode3 & ~3u), 8, 0x00cffb000000ffffull);
        as.write_value(kGdt + (kData3 & ~3u), 8, 0x00cff3000000ffffull);
        as.write_value(kTss + 4, 4, kRing0Stack);  // ESP0
        as.write_value(kTss + 8, 4, kData0);       // SS0
        for (std::uint32_t v = 0; v < 32; ++v) {
            const std::uint32_t stub = kStubs + 4 * v;
            as.write_value(kIdt + 8 * v, 4, (0x10u << 16) | (stub & 0xffff));
            // DPL 3 for #BP and #OF, as Linux has them: INT3 and INTO work from ring 3.
            as.write_value(kIdt + 8 * v + 4, 4, (stub & 0xffff0000u) | (v == 3 || v == 4 ? 0xee00u : 0x8e00u));
            as.write_value(stub, 2, 0xcdu | ((kStubVector + v) << 8));
        }

        bool done = false;
        int exit_code = -1;
        std::string fault;
        x86::X86Config cfg;
        cfg.on_software_interrupt = [&](x86::X86Core& c, std::uint8_t vector) -> bool {
            if (vector >= kStubVector && vector < kStubVector + 32) {
                const unsigned v = vector - kStubVector;
                const bool has_error = v == 8 || (v >= 10 && v <= 14) || v == 17;
                std::uint64_t eip = 0;
                as.read_value(c.reg(x86::kEsp) + (has_error ? 4 : 0), 4, eip);
                if (!done) {
                    char b[160];
                    std::snprintf(b, sizeof b, "emu: exception %u at eip 0x%08x in case %d", v, static_cast<unsigned>(eip), current_case());
                    fault = b;
                    r.fault_case = current_case();
                    r.fault_pc = static_cast<std::uint32_t>(eip);
                    r.fault_kind = static_cast<int>(v);
                }
                done = true;
                c.request_stop();
                return true;
            }
            if (vector != 0x80) return false;
            const std::uint32_t nr = c.reg(x86::kEax);
            if (nr == 4) {  // write(fd, buf, len)
                const std::uint32_t buf = c.reg(x86::kEcx), len = c.reg(x86::kEdx);
                const std::size_t at = r.records.size();
                r.records.resize(at + len);
                if (as.read(buf, r.records.data() + at, len) != MemResult::Ok) {
                    c.set_reg(x86::kEax, static_cast<std::uint32_t>(-14));
                    r.records.resize(at);
                } else {
                    c.set_reg(x86::kEax, len);
                }
            } else if (nr == 1) {  // exit
                exit_code = static_cast<int>(c.reg(x86::kEbx));
                done = true;
                c.request_stop();
            } else if (nr == 174 || nr == 186) {  // rt_sigaction, sigaltstack: nothing to do
                c.set_reg(x86::kEax, 0);
            } else {
                c.set_reg(x86::kEax, static_cast<std::uint32_t>(-38));  // ENOSYS
            }
            return true;
        };
        x86::X86Core core(as, nullptr, cfg);
        core.enter_flat32(static_cast<std::uint32_t>(img.entry), nullptr);
        x86::Cpu& cpu = core.internal();
        cpu.gdtr = {kGdt, 0x37};
        cpu.idtr = {kIdt, 32 * 8 - 1};
        cpu.tr = x86::Segment{kTssSel, kTss, 0x67, 0x8b};
        cpu.cr4 |= x86::kCr4OSFXSR | x86::kCr4OSXMMEXCPT;  // SSE enabled, as Linux runs programs
        if (ring3) {
            // User mode as under qemu-i386: CPL 3, IF set, IOPL 0 (so POPF cannot change IF).
            cpu.seg[x86::CS] = x86::Segment{kCode3, 0, 0xffffffff, 0xcfb};
            for (x86::Seg sr : {x86::ES, x86::SS, x86::DS, x86::FS, x86::GS}) cpu.seg[sr] = x86::Segment{kData3, 0, 0xffffffff, 0xcf3};
            cpu.cpl = 3;
            cpu.set_flags(0x202);
        }
        const std::uint64_t cap = 50'000'000ull + 2000ull * p.ncases;
        while (!done && core.instructions_executed() < cap) {
            const auto why = core.run(1u << 22);
            if (why == x86::StopReason::Halted || why == x86::StopReason::Shutdown) {
                fault = std::string("emu: the CPU ") + (why == x86::StopReason::Halted ? "halted" : "shut down (triple fault)") +
                        " at eip " + hex(core.eip()) + " in case " + std::to_string(current_case());
                r.fault_case = current_case();
                r.fault_pc = core.eip();
                break;
            }
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
        if (exit_code != 0 || r.records.size() != p.ncases * kRecSize) {
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

std::string disassemble(const Tools& tools, const Program& p, std::size_t i) {
    const auto s = p.symbols.find("s" + std::to_string(i)), e = p.symbols.find("e" + std::to_string(i));
    if (s == p.symbols.end() || e == p.symbols.end()) return "";
    char range[96];
    std::snprintf(range, sizeof range, " --start-address=0x%x --stop-address=0x%x ", s->second, e->second);
    const std::string out = p.dir + "/disasm.txt";
    if (shell(quote(tools.objdump) + " -d -M intel" + range + quote(p.elf) + " > " + quote(out) + " 2>&1") != 0) return "";
    std::istringstream in(read_text(out));
    std::string line, result;
    while (std::getline(in, line))
        if (line.size() > 2 && line[0] == ' ' && line.find(':') != std::string::npos) result += line + "\n";
    return result;
}

}  // namespace x86diff
