// chardev-stdio: guest output to stdout, input from stdin.
//
// When stdin is a terminal it is put in raw mode once a front end attaches (QEMU's flags: no
// echo, no line editing, output post-processing kept so "\n" still starts a new line; with
// signal=on, the default, ISIG stays on so Ctrl-C reaches emu as SIGINT). The original settings
// come back on unrealize, at exit and on fatal signals.
//
// Input goes through QEMU's mux escapes (escapes=on, the default): C-a h help, C-a x quit,
// C-a a or C-a C-a a literal C-a, C-a c the monitor. Without a terminal
// (a pipe, /dev/null, or no stdin at all) bytes are read as they come; end of file ends input.
//
// The hidden properties fd-in and fd-out (default 0 and 1; -1 = none) let tests use pipes or a
// pty instead of the process's own stdio. The back end never closes them.
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <iostream>
#include <iterator>

#include <emu/event_loop.h>
#include <emu/machine.h>

#include "chardev_common.h"

namespace emu_chardev {
namespace {

// ---- The terminal ---------------------------------------------------------------------------
// One terminal at most is in raw mode; its original settings live in static storage so that an
// exit handler or a signal handler can put them back.

struct SavedTerminal {
    std::atomic<bool> raw{false};
    int fd = -1;
    termios original{};
};
SavedTerminal g_terminal;

// Signals that end the process: restore the terminal first. SIGINT, SIGTERM and SIGHUP only
// when nobody handles them (the event loop takes SIGINT and SIGTERM and exits cleanly).
constexpr int kFatalSignals[] = {SIGHUP, SIGINT,  SIGQUIT, SIGILL,  SIGABRT, SIGBUS,
                                 SIGFPE, SIGSEGV, SIGPIPE, SIGTERM, SIGXCPU, SIGXFSZ};
constexpr std::size_t kSignalCount = std::size(kFatalSignals);
struct sigaction g_previous[kSignalCount];
bool g_installed[kSignalCount];

static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");

void restore_terminal() noexcept {
    // Async-signal-safe: an atomic flag and tcsetattr().
    if (g_terminal.raw.exchange(false)) ::tcsetattr(g_terminal.fd, TCSANOW, &g_terminal.original);
}

bool only_if_unhandled(int sig) { return sig == SIGINT || sig == SIGTERM || sig == SIGHUP; }

bool is_fault(int sig) { return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE; }

void on_fatal_signal(int sig, siginfo_t* info, void*) {
    const int saved_errno = errno;
    restore_terminal();
    for (std::size_t i = 0; i < kSignalCount; ++i)
        if (kFatalSignals[i] == sig && g_installed[i]) {
            ::sigaction(sig, &g_previous[i], nullptr);
            g_installed[i] = false;
        }
    // A fault re-executes the faulting instruction on return and meets the previous action;
    // a sent signal must be sent again (it is blocked until this handler returns).
    if (!(is_fault(sig) && info && info->si_code > 0)) ::raise(sig);
    errno = saved_errno;
}

bool is_ours(const struct sigaction& action) {
    return (action.sa_flags & SA_SIGINFO) && action.sa_sigaction == &on_fatal_signal;
}

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_sigaction = &on_fatal_signal;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignalCount; ++i) {
        const int sig = kFatalSignals[i];
        struct sigaction current {};
        if (::sigaction(sig, nullptr, &current) != 0 || is_ours(current)) continue;
        const bool plain = !(current.sa_flags & SA_SIGINFO);
        if (plain && current.sa_handler == SIG_IGN) continue;
        if (only_if_unhandled(sig) && !(plain && current.sa_handler == SIG_DFL)) continue;
        g_previous[i] = current;
        g_installed[i] = true;
        ::sigaction(sig, &action, nullptr);
    }
}

void uninstall_signal_handlers() {
    for (std::size_t i = 0; i < kSignalCount; ++i) {
        if (!g_installed[i]) continue;
        struct sigaction current {};
        // Someone (the event loop) may have replaced ours since: then theirs stays.
        if (::sigaction(kFatalSignals[i], nullptr, &current) == 0 && is_ours(current))
            ::sigaction(kFatalSignals[i], &g_previous[i], nullptr);
        g_installed[i] = false;
    }
}

// Put fd (a terminal) in raw mode. False if it is not a terminal or another back end already
// has one in raw mode.
bool enter_raw_mode(int fd, bool allow_signals) {
    if (g_terminal.raw.load()) return false;
    termios tty{};
    if (::tcgetattr(fd, &tty) != 0) return false;
    g_terminal.fd = fd;
    g_terminal.original = tty;
    static const bool exit_hook = [] { return std::atexit(&restore_terminal) == 0; }();
    (void)exit_hook;
    install_signal_handlers();
    // QEMU's qemu_chr_set_echo_stdio(false).
    tty.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | IEXTEN);
    tty.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    if (!allow_signals) tty.c_lflag &= ~static_cast<tcflag_t>(ISIG);
    g_terminal.raw.store(true);
    if (::tcsetattr(fd, TCSANOW, &tty) != 0) {
        g_terminal.raw.store(false);
        uninstall_signal_handlers();
        return false;
    }
    return true;
}

void leave_raw_mode() {
    restore_terminal();
    uninstall_signal_handlers();
}

// ---- The back end ---------------------------------------------------------------------------

constexpr std::uint8_t kEscape = 0x01;  // C-a

const char kEscapeHelp[] =
    "\n"
    "C-a h    print this help\n"
    "C-a x    exit emu\n"
    "C-a c    switch between console and monitor\n"
    "C-a a    send C-a to the guest (C-a C-a does too)\n";

class StdioChardev;
StdioChardev* g_stdio_user = nullptr;  // the back end using the process's stdin (fd 0)

class StdioChardev final : public CharIo {
public:
    ~StdioChardev() override { release(); }

    void write(const std::uint8_t* data, std::size_t length) override { output(data, length); }

    static void class_init(emu::ClassBuilder<StdioChardev>& c) {
        c.boolean("signal", &StdioChardev::signal_, true,
                  "let Ctrl-C and friends signal emu (off: they go to the guest)");
        c.boolean("escapes", &StdioChardev::escapes_, true,
                  "handle C-a escapes in the input (C-a h lists them, C-a x quits)");
        c.integer("fd-in", &StdioChardev::fd_in_, std::int32_t{STDIN_FILENO}, "input fd (tests; -1: none)")
            .range(-1, INT_MAX)
            .property()
            .hidden = true;
        c.integer("fd-out", &StdioChardev::fd_out_, std::int32_t{STDOUT_FILENO}, "output fd (tests; -1: none)")
            .range(-1, INT_MAX)
            .property()
            .hidden = true;
    }

protected:
    void do_realize() override {
        if (fd_in_ == STDIN_FILENO) {
            if (g_stdio_user && g_stdio_user != this)
                throw emu::Error(display_name() + ": stdio is already used by " +
                                 g_stdio_user->display_name());
            g_stdio_user = this;
        }
        set_output(fd_out_, false);
    }

    void do_unrealize() override {
        drain_output();
        release();
    }

    void start_io() override {
        // No stdin at all (closed): output only.
        if (fd_in_ < 0 || ::fcntl(fd_in_, F_GETFD) == -1) return;
        if (::isatty(fd_in_)) raw_ = enter_raw_mode(fd_in_, signal_);
        start_input(fd_in_, false);
    }

    void on_input(const std::uint8_t* data, std::size_t length) override {
        if (!escapes_) {
            deliver(data, length);
            return;
        }
        std::uint8_t out[4096];
        std::size_t count = 0;
        for (std::size_t i = 0; i < length; ++i) {
            const std::uint8_t byte = data[i];
            if (escape_pending_) {
                escape_pending_ = false;
                if (escape(byte)) out[count++] = kEscape;
            } else if (byte == kEscape) {
                escape_pending_ = true;
            } else {
                out[count++] = byte;
                if (count == sizeof out) {
                    deliver(out, count);
                    count = 0;
                }
            }
        }
        deliver(out, count);
    }

private:
    // Handle C-a <byte>; true if a literal C-a goes to the guest.
    bool escape(std::uint8_t byte) {
        switch (byte) {
        case 'x':
            std::cerr << "emu: terminated (C-a x)\n";
            quit();
            return false;
        case 'h':
        case '?':
            std::cerr << kEscapeHelp;
            return false;
        case 'c':
            if (!switch_focus()) std::cerr << "emu: C-a c: there is no monitor on this console\n";
            return false;
        case 'a':
        case kEscape:
            return true;
        default:
            return false;  // unknown escapes are ignored, as QEMU's mux does
        }
    }

    void quit() {
        if (emu::Machine* machine = this->machine())
            machine->request_shutdown(0);
        else if (loop())
            loop()->quit();
    }

    void release() {
        stop_loop_io();
        if (raw_) leave_raw_mode();
        raw_ = false;
        escape_pending_ = false;
        stop_output();
        if (g_stdio_user == this) g_stdio_user = nullptr;
    }

    bool signal_ = true;
    bool escapes_ = true;
    std::int32_t fd_in_ = STDIN_FILENO;
    std::int32_t fd_out_ = STDOUT_FILENO;
    bool raw_ = false;
    bool escape_pending_ = false;
};

}  // namespace

void register_stdio(emu::TypeBatch& types) {
    types.add({.name = "chardev-stdio",
               .parent = "chardev",
               .description = "the terminal: output to stdout, input from stdin (C-a h: escapes)",
               .factory = emu::factory_of<StdioChardev>(),
               .class_init = emu::class_init_of<StdioChardev>(&StdioChardev::class_init)});
}

}  // namespace emu_chardev
