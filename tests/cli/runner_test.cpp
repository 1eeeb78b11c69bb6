// The process runner the CLI tests rely on, checked with /bin/sh so that a failure here points at
// the runner and not at emu.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

#include "run_emu.h"

namespace emu::test {
namespace {

RunResult sh(const std::string& script, RunOptions options = {}) {
    return run_process("/bin/sh", {"-c", script}, options);
}

TEST(Runner, CapturesStdoutStderrAndExitStatusSeparately) {
    const RunResult r = sh("echo out; echo err >&2; printf 'no newline'; exit 3");
    ASSERT_TRUE(r.exited) << r.describe();
    EXPECT_EQ(r.exit_status, 3);
    EXPECT_EQ(r.out, "out\nno newline");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_FALSE(r.timed_out);
    EXPECT_FALSE(r.signal_sent);
}

TEST(Runner, CapturesLargeOutputOnBothStreams) {
    // More than a pipe buffer on each stream at once: no deadlock, nothing lost.
    const RunResult r = sh("i=0; while [ $i -lt 2000 ]; do echo 0123456789012345678901234567890123456789; "
                           "echo abcdefghijabcdefghijabcdefghijabcdefghij >&2; i=$((i+1)); done");
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_EQ(r.out.size(), 2000u * 41);
    EXPECT_EQ(r.err.size(), 2000u * 41);
}

TEST(Runner, PassesArgumentsUnchanged) {
    const RunResult r = run_process("/bin/sh", {"-c", "printf '[%s]' \"$@\"", "sh", "a b", "", "c,,d"});
    EXPECT_EQ(r.out, "[a b][][c,,d]") << r.describe();
}

TEST(Runner, SetsAndRemovesEnvironmentVariables) {
    RunOptions options;
    options.env = {{"EMU_RUNNER_TEST", "first"}, {"EMU_RUNNER_TEST", "second"}, {"HOME", std::nullopt}};
    const RunResult r = sh("echo \"$EMU_RUNNER_TEST ${HOME-unset}\"", options);
    EXPECT_EQ(r.out, "second unset\n") << r.describe();
}

TEST(Runner, StdinIsEmpty) {
    const RunResult r = sh("cat; echo done");
    EXPECT_EQ(r.out, "done\n") << r.describe();
}

TEST(Runner, ReportsDeathBySignal) {
    const RunResult r = sh("kill -KILL $$");
    EXPECT_FALSE(r.exited) << r.describe();
    EXPECT_EQ(r.term_signal, SIGKILL);
}

TEST(Runner, TimeoutKillsTheProcess) {
    RunOptions options;
    options.timeout = Millis{200};
    const RunResult r = sh("echo started; exec sleep 30", options);
    EXPECT_TRUE(r.timed_out) << r.describe();
    EXPECT_FALSE(r.exited);
    EXPECT_EQ(r.term_signal, SIGKILL);
    EXPECT_EQ(r.out, "started\n");
    EXPECT_LT(r.elapsed, Millis{5000}) << r.describe();
}

TEST(Runner, TimeoutDoesNotWaitForGrandchildrenHoldingThePipes) {
    RunOptions options;
    options.timeout = Millis{200};
    const RunResult r = sh("sleep 30; echo never", options);
    EXPECT_TRUE(r.timed_out) << r.describe();
    EXPECT_LT(r.elapsed, Millis{5000}) << r.describe();
}

TEST(Runner, SignalAfterADelay) {
    RunOptions options;
    options.signal = SIGTERM;
    options.signal_after = Millis{100};
    const RunResult r = sh("exec sleep 30", options);
    EXPECT_TRUE(r.signal_sent);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.term_signal, SIGTERM) << r.describe();
    EXPECT_GE(r.elapsed, Millis{100});
    EXPECT_LT(r.elapsed, Millis{5000});
}

TEST(Runner, SignalOnceStderrContainsText) {
    RunOptions options;
    options.signal = SIGTERM;
    options.signal_after_stderr = "ready";
    // The trap is set before "ready" is printed, so the signal is always caught.
    const RunResult r = sh("trap 'echo caught >&2; exit 7' TERM; echo ready >&2; "
                           "while :; do sleep 0.02; done",
                           options);
    ASSERT_TRUE(r.signal_sent) << r.describe();
    ASSERT_TRUE(r.exited) << r.describe();
    EXPECT_EQ(r.exit_status, 7);
    EXPECT_EQ(r.err, "ready\ncaught\n");
}

TEST(Runner, SignalOnceTheProcessCatchesIt) {
    RunOptions options;
    // Not SIGINT: "sh -c" (dash) catches that one from the start.
    options.signal = SIGUSR1;
    options.signal_when_caught = true;
    // A slow start: a signal sent before the trap would kill the shell instead.
    const RunResult r = sh("sleep 0.2; trap 'exit 5' USR1; while :; do sleep 0.02; done", options);
    ASSERT_TRUE(r.signal_sent) << r.describe();
    ASSERT_TRUE(r.exited) << r.describe();
    EXPECT_EQ(r.exit_status, 5);
    EXPECT_GE(r.elapsed, Millis{200});
}

TEST(Runner, NoSignalWhenTheProcessEndsFirst) {
    RunOptions options;
    options.signal = SIGTERM;
    options.signal_after_stderr = "never printed";
    const RunResult r = sh("exit 0", options);
    EXPECT_FALSE(r.signal_sent);
    EXPECT_TRUE(r.exited && r.exit_status == 0) << r.describe();
}

TEST(Runner, ProgramThatCannotBeRunThrows) {
    EXPECT_THROW(run_process("/nonexistent/program", {}), std::runtime_error);
    EXPECT_THROW(run_process("emu-no-such-program-in-path", {}), std::runtime_error);
}

TEST(Runner, FindsProgramsInPath) {
    const RunResult r = run_process("sh", {"-c", "echo hi"});
    EXPECT_EQ(r.out, "hi\n") << r.describe();
}

TEST(Runner, EmuIgnoresTheCallersPluginEnvironment) {
    // Plugins named by whoever runs the tests do not leak into run_emu()...
    ::setenv("EMU_PLUGIN_PATH", good_plugins().c_str(), 1);
    const RunResult r = run_emu({"-M", "help"});
    // ...unless a test asks for them.
    RunOptions options;
    options.env = {{"EMU_PLUGIN_PATH", good_plugins()}};
    const RunResult asked = run_emu({"-M", "help"}, options);
    ::unsetenv("EMU_PLUGIN_PATH");
    EXPECT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_FALSE(contains(r.out, "test-machine")) << r.describe();
    EXPECT_TRUE(contains(asked.out, "test-machine")) << asked.describe();
}

}  // namespace
}  // namespace emu::test
