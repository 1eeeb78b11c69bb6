// Running a machine: emu builds it, enters the main loop and stays there until SIGINT or
// SIGTERM, which make it exit 0 promptly, saying which signal ended it.
#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <ostream>

#include "run_emu.h"

namespace emu::test {
namespace {

// Generous for a loaded 2-core machine; emu itself takes milliseconds.
constexpr Millis kPrompt{2000};

std::vector<std::string> with_testkit(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin-dir", good_plugins()});
    return args;
}

// Start emu, wait until it has its signal handlers in place and a little longer (it must still
// be running then: the main loop does not return by itself), then send `sig`.
RunResult run_until_signal(const std::vector<std::string>& args, int sig, RunOptions options = {}) {
    options.signal = sig;
    options.signal_when_caught = true;
    options.signal_delay = Millis{150};
    options.timeout = Millis{10'000};
    return run_emu(args, std::move(options));
}

std::string terminating_line(int sig) {
    return "emu: terminating on signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
}

void expect_clean_signal_exit(const RunResult& r, int sig) {
    ASSERT_TRUE(r.signal_sent) << "emu ended before it was signalled:\n" << r.describe();
    ASSERT_FALSE(r.timed_out) << r.describe();
    ASSERT_TRUE(r.exited) << r.describe();
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_LT(r.after_signal, kPrompt) << r.describe();
    EXPECT_EQ(r.out, "") << r.describe();
    const auto err = lines(r.err);
    ASSERT_FALSE(err.empty()) << r.describe();
    EXPECT_EQ(err.back(), terminating_line(sig)) << r.describe();
}

struct RunCase {
    const char* name;
    std::vector<std::string> args;
};

std::vector<RunCase> run_cases() {
    return {
        {"NoneMachine", {"-M", "none"}},
        {"NoneMachineWithOptions", {"-M", "none", "-nographic", "-display", "none", "-m", "128M", "-no-reboot"}},
        {"StartPaused", {"-M", "none", "-S"}},
        {"TestMachineWithDevicesAndNetdev",
         with_testkit({"-M", "test-machine", "-device", "test-device,id=d0", "-netdev", "testnet,id=n0", "-device",
                       "test-device,netdev=n0"})},
        {"MachineAlias", with_testkit({"-M", "test-machine-alias", "-smp", "4", "-m", "1G"})},
        {"EveryPropertyKind",
         with_testkit({"-M", "test-machine", "-netdev", "testnet,id=n0", "-device", "test-device,id=first",
                       "-device",
                       "test-device,flag=on,port=0x3ff,offset=-8,size=2M,label=a,,b,mode=off,"
                       "mac=52:54:00:12:34:56,netdev=n0,peer=/machine/peripheral/first,note=x"})},
        {"SeveralNetdevs",
         with_testkit({"-M", "test-machine", "-netdev", "testnet,id=a", "-netdev", "testnet,id=b", "-device",
                       "test-device,netdev=a", "-device", "test-device,netdev=b"})},
    };
}

struct SignalCase {
    RunCase run;
    int sig;
};

std::ostream& operator<<(std::ostream& os, const SignalCase& c) {
    return os << c.run.name << " + signal " << c.sig;
}

class RunsUntilSignalled : public testing::TestWithParam<SignalCase> {};

TEST_P(RunsUntilSignalled, ExitsZeroPromptly) {
    const RunResult r = run_until_signal(GetParam().run.args, GetParam().sig);
    expect_clean_signal_exit(r, GetParam().sig);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.describe();
}

std::vector<SignalCase> signal_cases() {
    std::vector<SignalCase> cases;
    for (const RunCase& c : run_cases())
        for (int sig : {SIGINT, SIGTERM}) cases.push_back({c, sig});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Cli, RunsUntilSignalled, testing::ValuesIn(signal_cases()),
                         [](const testing::TestParamInfo<SignalCase>& param) {
                             return std::string(param.param.run.name) +
                                    (param.param.sig == SIGINT ? "_SIGINT" : "_SIGTERM");
                         });

TEST(Run, BrokenPluginsWarnOnceEachAndTheMachineStillRuns) {
    const RunResult r = run_until_signal({"--plugin-dir", good_plugins(), "--plugin-dir", broken_plugins(), "-M",
                                          "test-machine", "-device", "test-device"},
                                         SIGTERM);
    expect_clean_signal_exit(r, SIGTERM);
    const auto err = lines(r.err);
    const std::vector<std::string> files = {"duplicate_type.so",     "no_descriptor.so",     "no_name.so",
                                            "not_elf.so",            "throws_on_register.so", "unresolved_symbol.so",
                                            "wrong_abi.so"};
    ASSERT_EQ(err.size(), files.size() + 1) << r.describe();
    for (const std::string& file : files) {
        SCOPED_TRACE(file);
        const std::string prefix = "emu: warning: plugin " + canonical(broken_plugins()) + "/" + file + " skipped: ";
        int count = 0;
        for (const std::string& line : err)
            if (starts_with(line, prefix)) {
                ++count;
                EXPECT_GT(line.size(), prefix.size()) << "no reason given";
            }
        EXPECT_EQ(count, 1) << r.describe();
    }
}

TEST(Run, NetdevIdReusedIsAnError) {
    const RunResult r = run_emu(with_testkit({"-M", "test-machine", "-netdev", "testnet,id=n0", "-netdev",
                                              "testnet,id=n0", "-device", "test-device,netdev=n0"}));
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "emu: -netdev testnet,id=n0: duplicate netdev id 'n0'\n");
}

TEST(Run, ErrorsComeBeforeTheMainLoop) {
    // A bad last device: emu must fail at once, not start and wait for a signal.
    RunOptions options;
    options.timeout = Millis{5000};
    const RunResult r =
        run_emu(with_testkit({"-M", "test-machine", "-device", "test-device,id=a", "-device", "test-device,id=a"}),
                options);
    EXPECT_FALSE(r.timed_out) << r.describe();
    EXPECT_TRUE(r.failed()) << r.describe();
}

}  // namespace
}  // namespace emu::test
