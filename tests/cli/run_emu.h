// Running a program (usually the real emu binary) the way a user would, for the CLI tests:
// given arguments and extra environment, capture stdout and stderr separately, optionally
// send it a signal at the right moment, and kill it if it runs for too long.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::test {

using Millis = std::chrono::milliseconds;

struct RunOptions {
    // Environment changes on top of the inherited environment: NAME=value, or remove NAME when
    // the value is nullopt. Applied in order.
    std::vector<std::pair<std::string, std::optional<std::string>>> env;

    // Kill the process (SIGKILL) when it is still running after this long; timed_out is then set.
    Millis timeout{15'000};

    // A signal to send (0: none). It is sent once any of the triggers below fires, plus
    // signal_delay; with no trigger at all it is sent right after the start (plus the delay).
    int signal = 0;
    std::optional<std::string> signal_after_stderr;  // once stderr contains this text
    std::optional<Millis> signal_after;              // this long after the start
    // Once the process has installed a handler for `signal` (SigCgt in /proc/PID/status). The
    // robust way to signal a program that catches it, however loaded the machine is.
    bool signal_when_caught = false;
    Millis signal_delay{0};
};

struct RunResult {
    bool exited = false;       // ended with exit(): exit_status is valid
    int exit_status = -1;
    int term_signal = 0;       // killed by this signal (0 if it exited)
    bool timed_out = false;    // we killed it after RunOptions::timeout
    bool signal_sent = false;  // RunOptions::signal was delivered while it ran
    Millis elapsed{0};         // from the start to the end
    Millis after_signal{0};    // from sending the signal to the end (when signal_sent)
    std::string out, err;

    // exited with status 1, nothing on stdout: the shape of every command-line error
    bool failed() const { return exited && exit_status == 1; }
    // Everything about the run, for assertion messages.
    std::string describe() const;
};

// Run `program` (a path, or a name looked up in PATH) with `args` (argv[1...]). Never throws
// for the child's failures; throws std::runtime_error when it cannot be started at all.
RunResult run_process(const std::string& program, const std::vector<std::string>& args,
                      const RunOptions& options = {});

// Run the emu binary under test in a hermetic environment: EMU_PLUGIN_PATH removed,
// XDG_DATA_HOME pointing at a directory that does not exist, LC_ALL=C. options.env is applied
// after that, so a test may set any of them itself.
RunResult run_emu(const std::vector<std::string>& args, RunOptions options = {});

// Paths of the build under test.
std::string emu_binary();
std::string good_plugins();    // the directory holding testkit.so
std::string broken_plugins();  // one plugin for each way of failing to load
std::string isolated_xdg_data_home();  // what run_emu sets XDG_DATA_HOME to
// What emu prints for a directory of its search path (it canonicalises them).
std::string canonical(const std::string& path);

// The lines of a text, without their '\n' (a final unterminated line is kept).
std::vector<std::string> lines(std::string_view text);
bool contains(std::string_view text, std::string_view part);
bool starts_with(std::string_view text, std::string_view prefix);
// Index of the first line equal to `line` (or starting with it, when prefix is set); -1 if none.
int find_line(const std::vector<std::string>& all, std::string_view line, bool prefix = false);

// A fresh directory under the system temporary directory, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string str() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

}  // namespace emu::test
