// The network options as a user types them, run through the emu binary with the test NIC
// plugin (net-test-nic): errors are one line (unknown kind, missing id, bad hostfwd, unused
// back end, scripts), -nic user with hostfwd= listens on the host, two emu processes share a
// -netdev socket wire, and -object filter-dump writes a pcap file.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <cstdio>
#include <ostream>
#include <thread>

#include "run_emu.h"
#include "support.h"

namespace net_test {
namespace {

using emu::test::contains;
using emu::test::Millis;
using emu::test::run_emu;
using emu::test::RunOptions;
using emu::test::RunResult;

std::vector<std::string> with_nic_plugin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin-dir", EMU_TEST_NET_NIC_DIR, "-M", "none"});
    return args;
}

// Run emu until it has run for `time`, then SIGTERM it.
RunResult run_for_a_while(const std::vector<std::string>& args, Millis time) {
    RunOptions options;
    options.signal = SIGTERM;
    options.signal_after = time;
    return run_emu(with_nic_plugin(args), options);
}

struct CliError {
    std::string name;
    std::vector<std::string> args;
    std::string expect;
};
std::ostream& operator<<(std::ostream& os, const CliError& c) { return os << c.name; }

class NetCliErrors : public ::testing::TestWithParam<CliError> {};

TEST_P(NetCliErrors, AreOneLineAndStatusOne) {
    const RunResult r = run_emu(with_nic_plugin(GetParam().args));
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(emu::test::lines(r.err).size(), 1u) << r.describe();
    EXPECT_TRUE(contains(r.err, GetParam().expect)) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NetCliErrors,
    ::testing::Values(
        CliError{"UnknownKind", {"-netdev", "bogus,id=n0"}, "emu: -netdev bogus,id=n0: no netdev back end 'bogus'"},
        CliError{"MissingId", {"-netdev", "user"}, "emu: -netdev user: an id= is required"},
        CliError{"BadHostfwd", {"-netdev", "user,id=n0,hostfwd=tcp::x-:22", "-device", "net-test-nic,netdev=n0"},
                 "hostfwd 'tcp::x-:22': host port 'x' is not a port number"},
        CliError{"NicBadHostfwd", {"-nic", "user,model=net-test-nic,hostfwd=tcp::5555-:0"}, "guest port '0'"},
        CliError{"UnusedNetdev", {"-netdev", "user,id=n0"}, "-netdev n0: no NIC uses this back end"},
        CliError{"MissingNetdev", {"-device", "net-test-nic,netdev=nope"}, "nope"},
        CliError{"NicUnknownModel", {"-nic", "user,model=nope"}, "no device type 'nope'"},
        CliError{"TapScript", {"-netdev", "tap,id=t0,script=/etc/qemu-ifup", "-device", "net-test-nic,netdev=t0"},
                 "does not run interface scripts"},
        CliError{"SocketNoMode", {"-netdev", "socket,id=s0", "-device", "net-test-nic,netdev=s0"},
                 "give exactly one of listen=, connect= and udp="},
        CliError{"DumpOfMissingNetdev", {"-object", "filter-dump,id=f0,netdev=nope,file=/tmp/x.pcap"}, "nope"},
        CliError{"TwoNicsOneNetdev",
                 {"-netdev", "hubport,id=h0", "-device", "net-test-nic,netdev=h0", "-device", "net-test-nic,netdev=h0"},
                 "netdev 'h0' is already used by"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(NetCli, HelpListsTheBackEnds) {
    const RunResult r = run_emu({"-netdev", "help"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    for (const char* kind : {"user ", "socket ", "tap ", "hubport "}) EXPECT_TRUE(contains(r.out, kind)) << r.out;
}

TEST(NetCli, NicUserWithRepeatedHostfwdListensOnEveryHostPort) {
    const std::uint16_t first = free_port(), second = free_port();
    RunResult result;
    std::thread emu_thread([&] {
        result = run_for_a_while({"-nic", "user,model=net-test-nic,hostfwd=tcp:127.0.0.1:" + std::to_string(first) +
                                              "-:22,hostfwd=tcp:127.0.0.1:" + std::to_string(second) + "-:80"},
                                 Millis(3000));
    });
    auto listening = [](std::uint16_t port) {
        for (int attempt = 0; attempt < 50; ++attempt) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in sa{};
            sa.sin_family = AF_INET;
            sa.sin_port = htons(port);
            sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
            ::close(fd);
            if (ok) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    };
    EXPECT_TRUE(listening(first));
    EXPECT_TRUE(listening(second));
    emu_thread.join();
    EXPECT_TRUE(result.signal_sent && result.exited && result.exit_status == 0) << result.describe();
}

std::string slurp(const std::filesystem::path& file) {
    std::string out;
    if (std::FILE* f = std::fopen(file.c_str(), "rb")) {
        char buffer[4096];
        std::size_t n;
        while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, n);
        std::fclose(f);
    }
    return out;
}

TEST(NetCli, TwoEmuProcessesShareASocketWire) {
    emu::test::TempDir dir;
    const std::string port = std::to_string(free_port());
    const auto log_a = dir.path() / "a.log", log_b = dir.path() / "b.log";
    RunResult a, b;
    std::thread server([&] {
        a = run_for_a_while({"-netdev", "socket,id=s0,listen=127.0.0.1:" + port, "-device",
                             "net-test-nic,netdev=s0,mac=52:54:00:00:00:0a,beacon=on,log=" + log_a.string()},
                            Millis(6000));
    });
    for (int attempt = 0; attempt < 20; ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        b = run_for_a_while({"-netdev", "socket,id=s0,connect=127.0.0.1:" + port, "-device",
                             "net-test-nic,netdev=s0,mac=52:54:00:00:00:0b,beacon=on,log=" + log_b.string()},
                            Millis(1500));
        if (!contains(b.err, "Connection refused")) break;
    }
    server.join();
    EXPECT_TRUE(b.signal_sent && b.exit_status == 0) << b.describe();
    EXPECT_TRUE(a.signal_sent && a.exit_status == 0) << a.describe();
    EXPECT_TRUE(contains(slurp(log_a), "52:54:00:00:00:0b ff:ff:ff:ff:ff:ff 88b5 60")) << slurp(log_a);
    EXPECT_TRUE(contains(slurp(log_b), "52:54:00:00:00:0a ff:ff:ff:ff:ff:ff 88b5 60")) << slurp(log_b);
}

TEST(NetCli, FilterDumpWritesThePcapFile) {
    emu::test::TempDir dir;
    const auto dump = dir.path() / "n0.pcap";
    const RunResult r = run_for_a_while({"-netdev", "user,id=n0", "-device", "net-test-nic,netdev=n0,beacon=on",
                                         "-object", "filter-dump,id=f0,netdev=n0,file=" + dump.string()},
                                        Millis(500));
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    const std::string bytes = slurp(dump);
    ASSERT_GE(bytes.size(), 24u + 16u + 60u);
    EXPECT_EQ(bytes.substr(0, 4), std::string("\x4d\x3c\xb2\xa1", 4));
    EXPECT_EQ(bytes.substr(24 + 16 + 12, 2), std::string("\x88\xb5", 2)) << "the first record is not a beacon";
}

}  // namespace
}  // namespace net_test
