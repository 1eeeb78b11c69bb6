// Debian's gdb-multiarch, in batch mode, against emu: attach to a paused guest, read registers,
// step, break, continue, inspect memory and variables, switch threads, let the guest finish.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <regex>

#include "emu_process.h"

namespace emu::gdbtest {
namespace {

using namespace std::chrono_literals;

struct GdbRun {
    int status = -1;
    std::string output;
};

// gdb-multiarch -batch with these -ex commands (stdout and stderr together), limited to 60 s.
GdbRun run_gdb(const std::vector<std::string>& commands) {
    std::string line = "timeout 60 '" + std::string(GDB_MULTIARCH) + "' -nx -batch";
    for (const std::string& command : commands) line += " -ex '" + command + "'";
    line += " 2>&1";
    GdbRun run;
    FILE* pipe = ::popen(line.c_str(), "r");
    if (!pipe) return run;
    std::array<char, 4096> buffer;
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) run.output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

bool has(const std::string& text, const std::string& pattern) {
    return std::regex_search(text, std::regex(pattern));
}

class GdbMultiarch : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::string(GDB_MULTIARCH).empty())
            GTEST_SKIP() << "gdb-multiarch is not installed (Debian: apt-get install gdb-multiarch)";
        if (target_elf().empty()) GTEST_SKIP() << "no guest: arm-none-eabi-gcc was not found at configure time";
    }
};

TEST_F(GdbMultiarch, AttachStepBreakContinueToTheEnd) {
    int port = 0;
    auto emu = start_emu_with_gdb({"-M", "virt", "-smp", "2", "-kernel", target_elf(), "-nographic", "-S"}, &port);
    const GdbRun gdb = run_gdb({
        "set confirm off",
        "file " + target_elf(),
        "target remote 127.0.0.1:" + std::to_string(port),
        "info registers",
        "stepi",
        "info registers pc",
        "break gdb_tick",
        "continue",
        "print $r0",
        "continue",
        "print n",
        "info threads",
        "x/2xw &counter",
        "delete",
        "break *gdb_spin",
        "continue",
        "set var release = 1",
        "set var poked = 0x1234",
        "print/x poked",
        "delete",
        "continue",
    });
    const std::string& out = gdb.output;
    // Attached at the reset state: the entry point, SVC mode with interrupts masked.
    EXPECT_TRUE(has(out, "pc +0x40000000 +0x40000000 <_start>")) << out;
    EXPECT_TRUE(has(out, "cpsr +0x1d3 ")) << out;
    EXPECT_TRUE(has(out, "fpscr +0x0 ")) << out;
    // One instruction further.
    EXPECT_TRUE(has(out, "pc +0x40000004 +0x40000004 <_start\\+4>")) << out;
    // The breakpoint, twice, with the argument in r0 and as n.
    EXPECT_TRUE(has(out, "Breakpoint 1 at 0x[0-9a-f]+: file .*gdb_target.c")) << out;
    EXPECT_TRUE(has(out, "hit Breakpoint 1, gdb_tick \\(n=(n@entry=)?1\\)")) << out;
    EXPECT_TRUE(has(out, "\\$1 = 1\n")) << out;
    EXPECT_TRUE(has(out, "\\$2 = 2\n")) << out;
    // Two vCPUs as two threads, the second still powered off.
    EXPECT_TRUE(has(out, "\\* 1 +Thread 1 \\(CPU 0 \\(cortex-a15\\)\\) +gdb_tick")) << out;
    EXPECT_TRUE(has(out, "2 +Thread 2 \\(CPU 1 \\(cortex-a15\\) \\[powered off\\]\\)")) << out;
    // Memory by virtual address: counter was 0 + 1 after the first tick returned.
    EXPECT_TRUE(has(out, "<counter>:\t0x00000001")) << out;
    EXPECT_TRUE(has(out, "Breakpoint 2, 0x[0-9a-f]+ in gdb_spin|Breakpoint 2, gdb_spin")) << out;
    EXPECT_TRUE(has(out, "\\$3 = 0x1234")) << out;
    EXPECT_TRUE(has(out, "\\[Inferior 1 \\(Remote target\\) exited normally\\]")) << out;
    EXPECT_EQ(gdb.status, 0) << out;
    ASSERT_TRUE(emu->wait_exit(10s)) << emu->output();
    EXPECT_EQ(emu->exit_status(), 0);
    EXPECT_TRUE(has(emu->output(), "# poked = 0x1234")) << emu->output();
}

TEST_F(GdbMultiarch, WithoutSymbolsDisassemblesAndKills) {
    int port = 0;
    auto emu = start_emu_with_gdb({"-M", "virt", "-kernel", target_elf(), "-nographic", "-S"}, &port);
    char tick[16];
    std::snprintf(tick, sizeof tick, "0x%x", symbol("gdb_tick"));
    const GdbRun gdb = run_gdb({
        "set architecture arm",
        "target remote :" + std::to_string(port),
        "x/2i $pc",
        "break *" + std::string(tick),
        "continue",
        "print/x $pc",
        "print $r0",
        "stepi",
        "print/x $pc",
        "kill",
    });
    const std::string& out = gdb.output;
    EXPECT_TRUE(has(out, "=> 0x40000000:\tcpsid\taif")) << out;
    EXPECT_TRUE(has(out, std::string("Breakpoint 1, ") + tick + " in \\?\\? \\(\\)")) << out;
    EXPECT_TRUE(has(out, std::string("\\$1 = ") + tick + "\n")) << out;
    EXPECT_TRUE(has(out, "\\$2 = 1\n")) << out;
    EXPECT_TRUE(has(out, "\\$3 = 0x[0-9a-f]+\n")) << out;
    EXPECT_FALSE(has(out, std::string("\\$3 = ") + tick + "\n")) << out;
    EXPECT_TRUE(has(out, "\\[Inferior 1 \\(Remote target\\) killed\\]")) << out;
    ASSERT_TRUE(emu->wait_exit(10s)) << emu->output();
    EXPECT_EQ(emu->exit_status(), 0);
}

// emu's own x86-64 CPU (-M pc -accel tcg, qemu64) describes itself as i386:x86-64 with the
// SSE registers, as qemu-system-x86_64 does: gdb takes the 64-bit register set from it, reads
// SeaBIOS's reset state, writes a 64-bit register and steps the reset vector's far jump.
TEST_F(GdbMultiarch, X86_64TargetOnPcWithTcg) {
    if (::access("/usr/share/seabios/bios-256k.bin", R_OK) != 0)
        GTEST_SKIP() << "SeaBIOS is not installed (Debian: apt-get install seabios)";
    int port = 0;
    auto emu = start_emu_with_gdb({"-M", "pc", "-accel", "tcg", "-m", "64", "-nographic", "-S"}, &port);
    const GdbRun gdb = run_gdb({
        "target remote :" + std::to_string(port),
        "show architecture",
        "print/x $rip",
        "print/x $cs",
        "set $r15 = 0x123456789abcdef0",
        "print/x $r15",
        "print $xmm15.uint128",
        "print $mxcsr",
        "stepi",
        "print/x $rip",
        "print/x $cs",
        "kill",
    });
    const std::string& out = gdb.output;
    EXPECT_TRUE(has(out, "i386:x86-64")) << out;
    EXPECT_TRUE(has(out, "\\$1 = 0xfff0\n")) << out;
    EXPECT_TRUE(has(out, "\\$2 = 0xf000\n")) << out;
    EXPECT_TRUE(has(out, "\\$3 = 0x123456789abcdef0\n")) << out;
    EXPECT_TRUE(has(out, "\\$4 = 0\n")) << out;
    EXPECT_TRUE(has(out, "\\$5 = \\[ IM DM ZM OM UM PM \\]")) << out;
    EXPECT_TRUE(has(out, "\\$6 = 0xe05b\n")) << out;  // SeaBIOS: ljmp $0xf000, $0xe05b
    EXPECT_TRUE(has(out, "\\$7 = 0xf000\n")) << out;
    EXPECT_TRUE(has(out, "\\[Inferior 1 \\(Remote target\\) killed\\]")) << out;
    ASSERT_TRUE(emu->wait_exit(10s)) << emu->output();
}

}  // namespace
}  // namespace emu::gdbtest
