#include "program.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "arm_core.h"
#include "host_tools.h"
#include "emu/loader.h"
#include "emu/memory.h"

namespace armdiff {
namespace {

using emu::test::find_on_path;
using emu::test::quote;
using emu::test::read_bytes;
using emu::test::read_text;
using emu::test::shell;

constexpr std::uint32_t kCrashMagic = 0xdeadc0deu;
constexpr std::uint32_t kVectorSvc = 0xe00000u;  // SVC immediates of the exception vector stubs (emu)


void put32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) { std::memcpy(&v[at], &x, 4); }

std::string case_label(std::size_t i) { return "c" + std::to_string(i); }

}  // namespace

std::uint32_t record_addr(std::size_t i) { return kRecordsBase + static_cast<std::uint32_t>(i) * kRecSize; }

bool find_tools(Tools& t, std::string& missing) {
    const char* pfx_env = std::getenv("ARMDIFF_TOOLPREFIX");
    const std::string pfx = pfx_env ? pfx_env : "arm-none-eabi-";
    const char* q = std::getenv("ARMDIFF_QEMU");
    t.as = find_on_path(pfx + "as");
    t.ld = find_on_path(pfx + "ld");
    t.objdump = find_on_path(pfx + "objdump");
    t.nm = find_on_path(pfx + "nm");
    t.qemu = find_on_path(q ? q : "qemu-arm");
    if (t.qemu.empty() && !q) t.qemu = find_on_path("qemu-arm-static");
    missing.clear();
    if (t.as.empty()) missing += " " + pfx + "as";
    if (t.ld.empty()) missing += " " + pfx + "ld";
    if (t.objdump.empty()) missing += " " + pfx + "objdump";
    if (t.nm.empty()) missing += " " + pfx + "nm";
    if (t.qemu.empty()) missing += std::string(" ") + (q ? q : "qemu-arm");
    return missing.empty();
}

Program build_program(const Tools& tools, const std::vector<Case>& cases, const std::string& dir) {
    Program p;
    p.dir = dir;
    p.elf = dir + "/prog.elf";
    p.ncases = cases.size();

    // Records: scratch, out (filled with a marker), in state.
    std::vector<std::uint8_t> data(cases.size() * kRecSize, 0);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        const std::size_t base = i * kRecSize;
        std::memcpy(&data[base], c.scratch.data(), kScratch);
        std::memset(&data[base + kOutR], 0x5a, kInR - kOutR);
        for (unsigned r = 0; r < 15; ++r) put32(data, base + kInR + 4 * r, c.r[r]);
        put32(data, base + kInR + 4 * 11, record_addr(i) + kMid);
        put32(data, base + kInR + 4 * 13, record_addr(i) + kMid);
        put32(data, base + kInApsr, c.apsr);
        put32(data, base + kInFpscr, c.fpscr);
        std::memcpy(&data[base + kInD], c.d, sizeof c.d);
    }
    {
        std::ofstream f(dir + "/data.bin", std::ios::binary);
        f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        if (!f) throw std::runtime_error("cannot write " + dir + "/data.bin");
    }
    {
        std::ofstream f(dir + "/link.ld");
        f << "ENTRY(_start)\nSECTIONS {\n  . = " << kTextBase << ";\n  .text : { *(.text) }\n  . = " << kDataBase
          << ";\n  .data : { *(.data) }\n}\n";
    }

    std::ostringstream s;
    std::uint64_t harness = 0;
    auto ins = [&](const std::string& line) {
        s << "\t" << line << "\n";
        ++harness;
    };
    s << "\t.syntax unified\n\t.arch armv7ve\n\t.fpu neon-vfpv4\n\t.text\n\t.arm\n";
    s << "\t.space 1024\n";  // PC-relative loads of the first case stay inside .text
    s << "\t.global _start\n_start:\n";
    for (int sig : {4, 5, 7, 8, 11}) {  // SIGILL SIGTRAP SIGBUS SIGFPE SIGSEGV
        ins("mov r0, #" + std::to_string(sig));
        ins("ldr r1, =sigact");
        ins("mov r2, #0");
        ins("mov r3, #8");
        ins("mov r7, #174");  // rt_sigaction
        ins("svc #0");
    }
    auto entry_of = [&](std::size_t i) {
        if (i >= cases.size()) return std::string("finish");
        return case_label(i) + (cases[i].isa == Isa::T32 ? "+1" : "");
    };
    ins("ldr r0, =" + entry_of(0));
    ins("bx r0");
    s << "\t.ltorg\n";

    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        const bool t = c.isa == Isa::T32;
        const std::string N = std::to_string(i);
        s << (t ? "\t.thumb\n" : "\t.arm\n") << "\t.align 2\n" << case_label(i) << ":\n";
        ins("ldr r0, =" + N);
        ins("ldr r1, =cur_case");
        ins("str r0, [r1]");
        ins("ldr r0, =records+" + std::to_string(i * kRecSize + kInR));
        ins("add r1, r0, #72");
        ins("vldmia r1, {d0-d15}");
        ins("ldr r1, [r0, #64]");
        ins("vmsr fpscr, r1");
        ins("ldr r1, [r0, #60]");
        ins("msr APSR_nzcvqg, r1");
        ins("ldr sp, [r0, #52]");
        ins("ldr lr, [r0, #56]");
        ins(t ? "ldm.w r0, {r0-r12}" : "ldm r0, {r0-r12}");
        s << "s" << N << ":\n";
        for (std::size_t gi = 0; gi < c.groups.size(); ++gi) {
            const Group& g = c.groups[gi];
            s << ".L" << N << "_" << g.id << ":\n";
            for (const Item& it : g.items) {
                std::string text = it.text;
                const auto pos = text.find("@T");
                if (pos != std::string::npos) {
                    std::string label = "e" + N;
                    for (std::size_t gj = gi + 1; gj < c.groups.size(); ++gj)
                        if (c.groups[gj].id >= g.target) {
                            label = ".L" + N + "_" + std::to_string(c.groups[gj].id);
                            break;
                        }
                    text.replace(pos, 2, label);
                }
                s << "\t" << text << "\t@ " << it.what << "\n";
            }
        }
        s << "e" << N << ":\n";
        for (unsigned r = 0; r < 15; ++r) ins("str r" + std::to_string(r) + ", [r11, #" + std::to_string(kOutR - kMid + 4 * r) + "]");
        ins("mrs r0, apsr");
        ins("str r0, [r11, #" + std::to_string(kOutApsr - kMid) + "]");
        ins("vmrs r0, fpscr");
        ins("str r0, [r11, #" + std::to_string(kOutFpscr - kMid) + "]");
        ins("add r0, r11, #" + std::to_string(kOutD - kMid));
        ins("vstmia r0, {d0-d15}");
        ins("ldr r0, =" + entry_of(i + 1));
        ins("bx r0");
        s << "\t.ltorg\n";
    }
    s << "\t.arm\n\t.align 2\nfinish:\n";
    ins("ldr r1, =records");
    ins("ldr r2, =" + std::to_string(cases.size() * kRecSize));
    s << "1:\n";
    ins("cmp r2, #0");
    ins("beq 2f");
    ins("mov r0, #1");
    ins("mov r7, #4");
    ins("svc #0");
    ins("cmp r0, #0");
    ins("ble 3f");
    ins("add r1, r1, r0");
    ins("sub r2, r2, r0");
    ins("b 1b");
    s << "2:\n";
    ins("mov r0, #0");
    ins("mov r7, #1");
    ins("svc #0");
    s << "\tb .\n3:\n\tmov r0, #2\n\tmov r7, #1\n\tsvc #0\n\tb .\n";
    // Fatal signal handler (qemu): write {magic, signo, pc, case} and exit(3).
    s << "handler:\n"
         "\tldr r3, =crash\n\tstr r0, [r3, #4]\n\tldr r4, [r2, #92]\n\tstr r4, [r3, #8]\n"
         "\tldr r4, =cur_case\n\tldr r4, [r4]\n\tstr r4, [r3, #12]\n\tldr r4, =" << kCrashMagic << "\n\tstr r4, [r3]\n"
         "\tmov r0, #1\n\tmov r1, r3\n\tmov r2, #16\n\tmov r7, #4\n\tsvc #0\n\tmov r0, #3\n\tmov r7, #1\n\tsvc #0\n\tb .\n"
         "\t.ltorg\n\t.space 1024\n";
    s << "\t.data\ncur_case:\t.word 0, 0, 0, 0\ncrash:\t.word 0, 0, 0, 0\nsigact:\t.word handler, 4, 0, 0, 0\n"
         "\t.space " << (kHeaderSize - 52) << "\nrecords:\n\t.incbin \"data.bin\"\n";
    {
        std::ofstream f(dir + "/prog.s");
        f << s.str();
        if (!f) throw std::runtime_error("cannot write " + dir + "/prog.s");
    }
    // Per-case harness count is what ins() counted; the whole-run count adds the exit path,
    // which emu executes once (write loop: 10 per iteration, counted approximately).
    p.harness_insns = harness;

    const std::string log = dir + "/build.log";
    std::string cmd = "cd " + quote(dir) + " && " + quote(tools.as) + " -o prog.o prog.s > " + quote(log) + " 2>&1 && " +
                      quote(tools.ld) + " -T link.ld -o prog.elf prog.o >> " + quote(log) + " 2>&1 && " + quote(tools.nm) +
                      " prog.elf > prog.sym 2>> " + quote(log);
    if (shell(cmd) != 0) throw std::runtime_error("building the guest program failed:\n" + read_text(log));
    std::istringstream sym(read_text(dir + "/prog.sym"));
    std::string line;
    while (std::getline(sym, line)) {
        std::istringstream ls(line);
        std::string addr, type, name;
        if (ls >> addr >> type >> name) p.symbols[name] = static_cast<std::uint32_t>(std::stoul(addr, nullptr, 16));
    }
    if (p.symbols["records"] != kRecordsBase)
        throw std::runtime_error("guest program layout: records at " + std::to_string(p.symbols["records"]));
    return p;
}

RunResult run_qemu(const Tools& tools, const Program& p) {
    RunResult r;
    const std::string out = p.dir + "/qemu.out", err = p.dir + "/qemu.err";
    const int st = shell(quote(tools.qemu) + " -cpu cortex-a15 " + quote(p.elf) + " > " + quote(out) + " 2> " + quote(err));
    auto bytes = read_bytes(out);
    if (bytes.size() == 16) {
        std::uint32_t w[4];
        std::memcpy(w, bytes.data(), 16);
        if (w[0] == kCrashMagic) {
            r.fault_case = static_cast<int>(w[3]);
            r.fault_pc = w[2];
            r.fault_kind = static_cast<int>(w[1]);
            r.error = "qemu-arm: fatal signal " + std::to_string(w[1]) + " at pc 0x" + [](std::uint32_t v) {
                char b[16];
                std::snprintf(b, sizeof b, "%08x", v);
                return std::string(b);
            }(w[2]) + " in case " + std::to_string(w[3]);
            return r;
        }
    }
    if (st != 0 || bytes.size() != p.ncases * kRecSize) {
        r.error = "qemu-arm exited with status " + std::to_string(st) + " after writing " + std::to_string(bytes.size()) +
                  " bytes (expected " + std::to_string(p.ncases * kRecSize) + "): " + read_text(err);
        return r;
    }
    r.ok = true;
    r.records = std::move(bytes);
    return r;
}

RunResult run_emu(const Program& p) {
    using namespace emu;
    RunResult r;
    try {
        const auto bytes = read_file(p.elf, "armdiff program");
        auto root = MemoryRegion::container("system", 0x100000000ull);
        auto ram = MemoryRegion::ram("ram", 64u << 20);
        root->add_subregion(0, *ram);
        AddressSpace as("cpu", *root);
        const ElfImage img = load_elf(as, bytes, "armdiff program");
        for (std::uint32_t v = 0; v < 8; ++v) as.write_value(4 * v, 4, 0xef000000u | (kVectorSvc + v));  // svc #0xe0000v

        bool done = false;
        int exit_code = -1;
        std::string fault;
        arm::ArmConfig cfg;
        cfg.on_svc = [&](arm::ArmCore& c, std::uint32_t imm) -> bool {
            if ((imm & ~7u) == kVectorSvc) {
                static const char* const names[] = {"reset", "undefined instruction", "svc", "prefetch abort",
                                                    "data abort", "(unused)", "irq", "fiq"};
                if (!done) {
                    std::uint64_t cur = 0;
                    as.read_value(kDataBase, 4, cur);
                    char b[160];
                    std::snprintf(b, sizeof b, "emu: %s exception (cpsr 0x%08x, lr 0x%08x) in case %u", names[imm & 7], c.cpsr(),
                                  c.reg(14), static_cast<unsigned>(cur));
                    fault = b;
                    r.fault_case = static_cast<int>(cur);
                    r.fault_pc = c.reg(14);
                    r.fault_kind = static_cast<int>(imm & 7);
                }
                done = true;
                c.request_stop();
                return true;
            }
            const std::uint32_t nr = c.reg(7);
            if (nr == 4) {  // write(fd, buf, len)
                const std::uint32_t buf = c.reg(1), len = c.reg(2);
                const std::size_t at = r.records.size();
                r.records.resize(at + len);
                if (as.read(buf, r.records.data() + at, len) != MemResult::Ok) {
                    c.set_reg(0, static_cast<std::uint32_t>(-14));
                    r.records.resize(at);
                } else {
                    c.set_reg(0, len);
                }
            } else if (nr == 1) {  // exit
                exit_code = static_cast<int>(c.reg(0));
                done = true;
                c.request_stop();
            } else if (nr == 174) {  // rt_sigaction: nothing to do
                c.set_reg(0, 0);
            } else {
                c.set_reg(0, static_cast<std::uint32_t>(-38));  // ENOSYS
            }
            return true;
        };
        arm::ArmCore core(as, cfg);
        core.reset();
        core.cp15_write(1, 0, 0, 2, 0x00f00000u);  // CPACR: cp10/cp11 full access
        core.vfp().fpexc = 1u << 30;               // FPEXC.EN
        core.set_cpsr(0x10u);                       // USR, ARM state, A/I/F clear (as qemu-arm's user mode)
        core.set_reg(13, kDataBase);
        core.set_reg(15, static_cast<std::uint32_t>(img.entry));
        const std::uint64_t cap = 50'000'000ull + 2000ull * p.ncases;
        while (!done && core.instructions_executed() < cap) {
            const auto why = core.run(1u << 22);
            if (why == arm::StopReason::Wfi) {
                fault = "emu: the CPU stopped (WFI) at pc " + std::to_string(core.reg(15));
                break;
            }
        }
        r.insns = core.instructions_executed();
        if (!fault.empty()) {
            r.error = fault;
            return r;
        }
        if (!done) {
            r.error = "emu: instruction budget exhausted (runaway guest)";
            return r;
        }
        if (exit_code != 0 || r.records.size() != p.ncases * kRecSize) {
            r.error = "emu: guest exited with " + std::to_string(exit_code) + " after writing " + std::to_string(r.records.size()) + " bytes";
            return r;
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = std::string("emu: ") + e.what();
    }
    return r;
}

std::string disassemble(const Tools& tools, const Program& p, std::size_t i) {
    const auto s = p.symbols.find("s" + std::to_string(i)), e = p.symbols.find("e" + std::to_string(i));
    if (s == p.symbols.end() || e == p.symbols.end()) return "";
    char range[96];
    std::snprintf(range, sizeof range, " --start-address=0x%x --stop-address=0x%x ", s->second, e->second);
    const std::string out = p.dir + "/disasm.txt";
    if (shell(quote(tools.objdump) + " -d" + range + quote(p.elf) + " > " + quote(out) + " 2>&1") != 0) return "";
    // Keep only the instruction lines (they start with spaces and an address).
    std::istringstream in(read_text(out));
    std::string line, result;
    while (std::getline(in, line))
        if (line.size() > 2 && line[0] == ' ' && line.find(':') != std::string::npos) result += line + "\n";
    return result;
}

}  // namespace armdiff
