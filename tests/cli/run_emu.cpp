#include "run_emu.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace emu::test {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

std::runtime_error system_error(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

// The program's path: as given when it has a '/', otherwise the first match in PATH. Done
// before fork(), where only async-signal-safe calls are allowed.
std::string resolve_program(const std::string& program) {
    if (program.find('/') != std::string::npos) return program;
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return program;  // execve() will report ENOENT
}

std::vector<std::string> make_environment(const RunOptions& options) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (const auto& [key, value] : options.env) {
        const std::string& name = key;  // clang 14 cannot capture a structured binding
        std::erase_if(env, [&](const std::string& entry) {
            return entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
                   entry[name.size()] == '=';
        });
        if (value) env.push_back(name + "=" + *value);
    }
    return env;
}

std::vector<char*> make_argv(std::vector<std::string>& strings) {
    std::vector<char*> argv;
    for (std::string& s : strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    return argv;
}

// Whether the process has a handler installed for `sig` (Linux: SigCgt in /proc/PID/status).
bool catches_signal(pid_t pid, int sig) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("SigCgt:", 0) != 0) continue;
        const unsigned long long mask = std::strtoull(line.c_str() + 7, nullptr, 16);
        return sig >= 1 && sig <= 64 && ((mask >> (sig - 1)) & 1u) != 0;
    }
    return false;
}

// Read what is available. Returns false at end of file.
bool drain(int fd, std::string& into) {
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            into.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0) {
            return false;
        } else if (errno == EINTR) {
            continue;
        } else {
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
    }
}

int ms_until(Clock::time_point now, Clock::time_point when) {
    if (when <= now) return 0;
    return static_cast<int>(std::chrono::ceil<Millis>(when - now).count());
}

// The child's side of fork(): async-signal-safe calls only.
[[noreturn]] void exec_child(const char* path, char* const* argv, char* const* envp, int out_fd,
                             int err_fd, int report_fd, pid_t parent) {
    ::setpgid(0, 0);                        // so a timeout can kill anything it started
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);     // never outlive a test binary that dies
    if (::getppid() != parent) ::_exit(127);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    // Start like a program run from a shell: no blocked and no ignored signals.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
    ::execve(path, argv, envp);
    const int error = errno;
    [[maybe_unused]] ssize_t ignored = ::write(report_fd, &error, sizeof error);
    ::_exit(127);
}

}  // namespace

std::string RunResult::describe() const {
    std::ostringstream s;
    if (timed_out) s << "TIMED OUT and killed; ";
    if (exited)
        s << "exit status " << exit_status;
    else if (term_signal)
        s << "killed by signal " << term_signal << " (" << strsignal(term_signal) << ")";
    else
        s << "did not end";
    s << ", after " << elapsed.count() << " ms";
    if (signal_sent) s << " (" << after_signal.count() << " ms after our signal)";
    s << "\n--- stdout (" << out.size() << " bytes) ---\n" << out;
    if (!out.empty() && out.back() != '\n') s << "\n";
    s << "--- stderr (" << err.size() << " bytes) ---\n" << err;
    if (!err.empty() && err.back() != '\n') s << "\n";
    s << "---";
    return s.str();
}

RunResult run_process(const std::string& program, const std::vector<std::string>& args,
                      const RunOptions& options) {
    const std::string path = resolve_program(program);
    std::vector<std::string> arg_strings{program};
    arg_strings.insert(arg_strings.end(), args.begin(), args.end());
    std::vector<std::string> env_strings = make_environment(options);
    const std::vector<char*> argv = make_argv(arg_strings);
    const std::vector<char*> envp = make_argv(env_strings);

    int out_pipe[2], err_pipe[2], report_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw system_error("pipe");
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw system_error("pipe");
    if (::pipe2(report_pipe, O_CLOEXEC) != 0) throw system_error("pipe");

    const pid_t parent = ::getpid();
    const Clock::time_point start = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) throw system_error("fork");
    if (pid == 0)
        exec_child(path.c_str(), argv.data(), envp.data(), out_pipe[1], err_pipe[1], report_pipe[1],
                   parent);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::close(report_pipe[1]);

    // The report pipe closes on a successful exec, or carries execve()'s errno.
    int exec_errno = 0;
    ssize_t n;
    do {
        n = ::read(report_pipe[0], &exec_errno, sizeof exec_errno);
    } while (n < 0 && errno == EINTR);
    ::close(report_pipe[0]);
    if (n == sizeof exec_errno) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        ::waitpid(pid, nullptr, 0);
        errno = exec_errno;
        throw system_error("cannot run " + path);
    }

    RunResult result;
    int fds[2] = {out_pipe[0], err_pipe[0]};
    std::string* sinks[2] = {&result.out, &result.err};
    bool open[2] = {true, true};
    for (int fd : fds) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);

    const Clock::time_point deadline = start + options.timeout;
    const bool has_trigger = options.signal_after_stderr || options.signal_after || options.signal_when_caught;
    bool triggered = false;
    std::optional<Clock::time_point> send_at, sent_at;
    int status = 0;
    for (;;) {
        const Clock::time_point now = Clock::now();
        if (options.signal != 0 && !triggered) {
            triggered = !has_trigger ||
                        (options.signal_after && now >= start + *options.signal_after) ||
                        (options.signal_after_stderr && contains(result.err, *options.signal_after_stderr)) ||
                        (options.signal_when_caught && catches_signal(pid, options.signal));
            if (triggered) send_at = now + options.signal_delay;
        }
        if (send_at && !result.signal_sent && now >= *send_at) {
            ::kill(pid, options.signal);  // not reaped yet, so the pid is still ours
            result.signal_sent = true;
            sent_at = now;
        }
        if (!result.timed_out && now >= deadline) {
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            result.timed_out = true;
        }

        pid_t waited;
        do {
            waited = ::waitpid(pid, &status, WNOHANG);
        } while (waited < 0 && errno == EINTR);
        if (waited == pid) {
            const Clock::time_point end = Clock::now();
            result.elapsed = std::chrono::duration_cast<Millis>(end - start);
            if (sent_at) result.after_signal = std::chrono::duration_cast<Millis>(end - *sent_at);
            break;
        }

        // Sleep until there is output or something is due. While the pipes are open, wake up
        // now and then anyway: a grandchild may hold them after the child itself has ended.
        int wait_ms = (open[0] || open[1]) ? 50 : 1;
        if (options.signal != 0 && !triggered) {
            if (options.signal_when_caught) wait_ms = std::min(wait_ms, 2);
            if (options.signal_after) wait_ms = std::min(wait_ms, ms_until(now, start + *options.signal_after));
        }
        if (send_at && !result.signal_sent) wait_ms = std::min(wait_ms, ms_until(now, *send_at));
        if (!result.timed_out) wait_ms = std::min(wait_ms, ms_until(now, deadline));
        pollfd pfds[2];
        nfds_t count = 0;
        int which[2];
        for (int i = 0; i < 2; ++i)
            if (open[i]) {
                pfds[count] = {fds[i], POLLIN, 0};
                which[count++] = i;
            }
        if (::poll(pfds, count, wait_ms) > 0)
            for (nfds_t k = 0; k < count; ++k)
                if (pfds[k].revents != 0 && !drain(pfds[k].fd, *sinks[which[k]])) open[which[k]] = false;
    }
    for (int i = 0; i < 2; ++i) {
        if (open[i]) drain(fds[i], *sinks[i]);
        ::close(fds[i]);
    }
    if (WIFEXITED(status)) {
        result.exited = true;
        result.exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.term_signal = WTERMSIG(status);
    }
    return result;
}

RunResult run_emu(const std::vector<std::string>& args, RunOptions options) {
    std::vector<std::pair<std::string, std::optional<std::string>>> env = {
        {"EMU_PLUGIN_PATH", std::nullopt},
        {"XDG_DATA_HOME", isolated_xdg_data_home()},
        {"LC_ALL", "C"},
    };
    env.insert(env.end(), options.env.begin(), options.env.end());
    options.env = std::move(env);
    return run_process(emu_binary(), args, options);
}

std::string emu_binary() { return EMU_BINARY; }
std::string good_plugins() { return EMU_TEST_GOOD_PLUGINS; }
std::string broken_plugins() { return EMU_TEST_BROKEN_PLUGINS; }
std::string isolated_xdg_data_home() { return EMU_TEST_NO_XDG_DATA_HOME; }

std::string canonical(const std::string& path) {
    std::error_code ec;
    fs::path result = fs::weakly_canonical(path, ec);
    return ec ? path : result.string();
}

std::vector<std::string> lines(std::string_view text) {
    std::vector<std::string> result;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        result.emplace_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return result;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.starts_with(prefix); }

int find_line(const std::vector<std::string>& all, std::string_view line, bool prefix) {
    for (std::size_t i = 0; i < all.size(); ++i)
        if (prefix ? all[i].starts_with(line) : all[i] == line) return static_cast<int>(i);
    return -1;
}

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "emu-cli-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw system_error("mkdtemp");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

}  // namespace emu::test
