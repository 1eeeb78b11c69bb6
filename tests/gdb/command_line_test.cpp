// -gdb, -s and -S on the command line: errors are one line and exit status 1; -S without a
// debugger keeps the guest paused, as QEMU does.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <thread>

#include "emu_process.h"

namespace emu::gdbtest {
namespace {

using namespace std::chrono_literals;

// A firmware image that just loops ("b ."), so the machine can be built without the guest.
class LoopFirmware {
public:
    LoopFirmware() {
        char name[] = "/tmp/emu-gdb-bios-XXXXXX";
        const int fd = ::mkstemp(name);
        const unsigned char branch_to_self[] = {0xfe, 0xff, 0xff, 0xea};
        EXPECT_EQ(::write(fd, branch_to_self, sizeof branch_to_self), 4);
        ::close(fd);
        path_ = name;
    }
    ~LoopFirmware() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Runs emu to its end (at most 10 s) and returns its output.
std::string run_to_end(const std::vector<std::string>& args, int* status) {
    EmuProcess emu(args);
    EXPECT_TRUE(emu.wait_exit(10s)) << emu.output();
    *status = emu.exit_status();
    return emu.output();
}

std::size_t line_count(const std::string& text) {
    std::size_t lines = 0;
    for (char c : text) lines += c == '\n';
    return lines;
}

TEST(GdbCommandLine, MalformedSpecIsOneLineAndStatus1) {
    LoopFirmware bios;
    for (const char* spec : {"foo", "tcp:1234", "udp::1234", "tcp::", "tcp::0", "tcp::65536", "tcp::12ab"}) {
        int status = 0;
        const std::string out = run_to_end({"-M", "virt", "-bios", bios.path(), "-gdb", spec}, &status);
        EXPECT_EQ(status, 1) << spec;
        EXPECT_EQ(line_count(out), 1u) << out;
        EXPECT_EQ(out.rfind(std::string("emu: -gdb ") + spec + ": ", 0), 0u) << out;
    }
}

TEST(GdbCommandLine, PortInUseIsOneLineAndStatus1) {
    LoopFirmware bios;
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    const int off = 0;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_any;
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    const std::string port = std::to_string(ntohs(address.sin6_port));
    int status = 0;
    const std::string out = run_to_end({"-M", "virt", "-bios", bios.path(), "-gdb", "tcp::" + port}, &status);
    ::close(fd);
    EXPECT_EQ(status, 1);
    EXPECT_EQ(out, "emu: -gdb tcp::" + port + ": cannot listen on port " + port + ": Address already in use\n");
}

TEST(GdbCommandLine, DashSIsTcpPort1234) {
    LoopFirmware bios;
    // Hold port 1234 (or find it held already): either way emu must fail naming tcp::1234.
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    const int off = 0;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_any;
    address.sin6_port = htons(1234);
    const bool held = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && ::listen(fd, 1) == 0;
    int status = 0;
    const std::string out = run_to_end({"-M", "virt", "-bios", bios.path(), "-s"}, &status);
    ::close(fd);
    if (!held && status != 1) GTEST_SKIP() << "port 1234 could not be held for the test";
    EXPECT_EQ(status, 1);
    EXPECT_EQ(out.rfind("emu: -gdb tcp::1234: cannot listen on port 1234: ", 0), 0u) << out;
}

TEST(GdbCommandLine, MachineWithoutCpusCannotBeDebugged) {
    int status = 0;
    const std::string out = run_to_end({"-M", "none", "-gdb", "tcp::" + std::to_string(free_tcp_port())}, &status);
    EXPECT_EQ(status, 1);
    EXPECT_NE(out.find("emu: -gdb tcp::"), std::string::npos) << out;
    EXPECT_NE(out.find(": the machine has no CPU to debug\n"), std::string::npos) << out;
}

TEST(GdbCommandLine, DashCapitalSWithoutGdbKeepsTheGuestPaused) {
    if (target_elf().empty()) GTEST_SKIP() << "no guest: arm-none-eabi-gcc was not found at configure time";
    {
        EmuProcess paused({"-M", "virt", "-kernel", target_elf(), "-nographic", "-S"});
        std::this_thread::sleep_for(1s);
        ASSERT_TRUE(paused.running()) << paused.output();
        paused.signal(SIGTERM);
        ASSERT_TRUE(paused.wait_exit(10s));
        EXPECT_EQ(paused.output().find("ok counter"), std::string::npos) << paused.output();
    }
    // Without -S the same guest runs (and then spins, waiting for a debugger).
    EmuProcess running({"-M", "virt", "-kernel", target_elf(), "-nographic"});
    for (int i = 0; i < 100 && running.output().find("ok counter") == std::string::npos; ++i)
        std::this_thread::sleep_for(100ms);
    EXPECT_NE(running.output().find("ok counter after ten ticks"), std::string::npos) << running.output();
}

}  // namespace
}  // namespace emu::gdbtest
