// chardev-stdio with pipes (and a pty as the terminal) in place of the process's own stdio,
// through the hidden fd-in / fd-out properties: output, input, end of input, C-a escapes,
// back-pressure, raw mode and its restoration (unrealize, exit, fatal signals).
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <thread>

#include "emu/lock.h"
#include "support.h"

namespace chardev_test {
namespace {

class StdioTest : public ChardevTest {
protected:
    emu::CharBackend& stdio(const std::vector<std::pair<std::string, std::string>>& extra = {}) {
        std::vector<std::pair<std::string, std::string>> props{
            {"fd-in", std::to_string(in.read)}, {"fd-out", std::to_string(out.write)}};
        props.insert(props.end(), extra.begin(), extra.end());
        return create("stdio", "s0", props);
    }
    Pipe in;
    Pipe out;
};

TEST_F(StdioTest, OutputGoesToStdout) {
    emu::CharBackend& s = stdio();
    attach(s);
    write(s, "hello\n");
    EXPECT_EQ(read_fd(out.read, 6), "hello\n");
}

TEST_F(StdioTest, InputComesFromStdin) {
    emu::CharBackend& s = stdio();
    Sink& sink = attach(s);
    ASSERT_TRUE(write_fd(in.write, "typed text"));
    ASSERT_TRUE(run_until([&] { return sink.data == "typed text"; })) << sink.data;
}

TEST_F(StdioTest, NothingIsReadBeforeAFrontEndAttaches) {
    emu::CharBackend& s = stdio();
    ASSERT_TRUE(write_fd(in.write, "early"));
    EXPECT_EQ(run_for(std::chrono::milliseconds(20)), 0);
    Sink& sink = attach(s);
    ASSERT_TRUE(run_until([&] { return sink.data == "early"; })) << sink.data;
}

TEST_F(StdioTest, EndOfInputDoesNotSpin) {
    emu::CharBackend& s = stdio();
    Sink& sink = attach(s);
    ASSERT_TRUE(write_fd(in.write, "last words"));
    in.close_write();
    ASSERT_TRUE(run_until([&] { return sink.data == "last words"; }));
    run_for(std::chrono::milliseconds(10));  // reads the end of file
    EXPECT_EQ(run_for(std::chrono::milliseconds(30)), 0);
    write(s, "still talking");
    EXPECT_EQ(read_fd(out.read, 13), "still talking");
}

TEST_F(StdioTest, DevNullStdin) {
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(null, 0);
    emu::CharBackend& s = create("stdio", "s0", {{"fd-in", std::to_string(null)}, {"fd-out", std::to_string(out.write)}});
    Sink& sink = attach(s);
    run_for(std::chrono::milliseconds(10));
    EXPECT_EQ(run_for(std::chrono::milliseconds(30)), 0);
    EXPECT_EQ(sink.data, "");
    s.unrealize();
    ::close(null);
}

TEST_F(StdioTest, ClosedStdinMeansOutputOnly) {
    int unused = 900;
    while (::fcntl(unused, F_GETFD) != -1) ++unused;
    emu::CharBackend& s = create("stdio", "s0", {{"fd-in", std::to_string(unused)}, {"fd-out", std::to_string(out.write)}});
    attach(s);
    EXPECT_EQ(run_for(std::chrono::milliseconds(30)), 0);
    write(s, "out");
    EXPECT_EQ(read_fd(out.read, 3), "out");
}

TEST_F(StdioTest, NoInputAtAll) {
    emu::CharBackend& s = create("stdio", "s0", {{"fd-in", "-1"}, {"fd-out", std::to_string(out.write)}});
    attach(s);
    EXPECT_EQ(run_for(std::chrono::milliseconds(20)), 0);
}

TEST_F(StdioTest, CtrlAXShutsTheMachineDownWithStatus0) {
    emu::CharBackend& s = stdio();
    attach(s);
    CaptureStderr err;
    ASSERT_TRUE(write_fd(in.write, "\x01x"));
    ASSERT_TRUE(run_until([&] { return machine->shutdown_status().has_value(); }));
    EXPECT_EQ(*machine->shutdown_status(), 0);
    EXPECT_NE(err.text().find("emu: terminated"), std::string::npos) << err.text();
}

TEST_F(StdioTest, EscapeSplitAcrossReads) {
    emu::CharBackend& s = stdio();
    Sink& sink = attach(s);
    CaptureStderr err;
    ASSERT_TRUE(write_fd(in.write, "a\x01"));
    ASSERT_TRUE(run_until([&] { return sink.data == "a"; }));
    run_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(machine->shutdown_status());
    ASSERT_TRUE(write_fd(in.write, "x"));
    ASSERT_TRUE(run_until([&] { return machine->shutdown_status().has_value(); }));
    EXPECT_EQ(sink.data, "a");
}

TEST_F(StdioTest, LiteralCtrlAAndUnknownEscapes) {
    emu::CharBackend& s = stdio();
    Sink& sink = attach(s);
    // C-a a and C-a C-a send C-a; C-a z is not an escape and vanishes, as in QEMU's mux.
    ASSERT_TRUE(write_fd(in.write, "ab\x01" "ac\x01\x01" "d\x01zef"));
    ASSERT_TRUE(run_until([&] { return sink.data.size() >= 7; })) << sink.data;
    run_for(std::chrono::milliseconds(10));
    EXPECT_EQ(sink.data, "ab\x01" "c\x01" "def");
    EXPECT_FALSE(machine->shutdown_status());
}

TEST_F(StdioTest, CtrlAHPrintsHelpAndCtrlACExplains) {
    emu::CharBackend& s = stdio();
    Sink& sink = attach(s);
    CaptureStderr err;
    ASSERT_TRUE(write_fd(in.write, "\x01h\x01" "c."));
    ASSERT_TRUE(run_until([&] { return sink.data == "."; }));
    const std::string text = err.text();
    EXPECT_NE(text.find("C-a h    print this help"), std::string::npos) << text;
    EXPECT_NE(text.find("C-a x    exit emu"), std::string::npos) << text;
    EXPECT_NE(text.find("C-a a    send C-a"), std::string::npos) << text;
    EXPECT_NE(text.find("C-a c: there is no monitor"), std::string::npos) << text;
    EXPECT_FALSE(machine->shutdown_status());
}

TEST_F(StdioTest, EscapesOffPassesEveryByte) {
    emu::CharBackend& s = stdio({{"escapes", "off"}});
    Sink& sink = attach(s);
    ASSERT_TRUE(write_fd(in.write, "\x01x\x01h"));
    ASSERT_TRUE(run_until([&] { return sink.data == "\x01x\x01h"; })) << sink.data;
    run_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(machine->shutdown_status());
}

TEST_F(StdioTest, BackPressureOneByteAtATime) {
    emu::CharBackend& s = stdio();
    Sink& sink = attach(s);
    sink.room = 1;
    const std::string text = "the quick brown fox jumps over the lazy dog";
    ASSERT_TRUE(write_fd(in.write, text));
    while (sink.data.size() < text.size()) {
        const std::size_t before = sink.data.size();
        ASSERT_TRUE(run_until([&] { return sink.data.size() > before; })) << sink.data;
        EXPECT_EQ(sink.data.size(), before + 1);
        // With no room the back end stops watching stdin rather than spinning.
        EXPECT_EQ(run_for(std::chrono::milliseconds(2)), 0);
        sink.room = 1;
        s.accept_input();
    }
    EXPECT_EQ(sink.data, text);
    EXPECT_EQ(sink.max_offer, 1u);
    EXPECT_FALSE(sink.overrun);
}

TEST_F(StdioTest, AcceptInputFromAVcpuThread) {
    emu::CharBackend& s = stdio();
    Sink& sink = attach(s);
    sink.room = 0;
    ASSERT_TRUE(write_fd(in.write, "0123456789"));
    run_for(std::chrono::milliseconds(20));
    EXPECT_EQ(sink.data, "");
    std::thread vcpu([&] {
        emu::BigLockGuard locked;
        sink.room = 4;
        s.accept_input();
        s.accept_input();  // a second call before the loop ran is harmless
    });
    vcpu.join();
    ASSERT_TRUE(run_until([&] { return sink.data == "0123"; })) << sink.data;
    std::thread vcpu2([&] {
        emu::BigLockGuard locked;
        sink.room = Sink::kUnlimited;
        s.accept_input();
    });
    vcpu2.join();
    ASSERT_TRUE(run_until([&] { return sink.data == "0123456789"; })) << sink.data;
}

// Fill a pipe that nobody reads; returns how many bytes it took.
std::size_t fill(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    std::size_t total = 0;
    ssize_t n;
    while ((n = ::write(fd, std::string(4096, 'x').data(), 4096)) > 0) total += static_cast<std::size_t>(n);
    ::fcntl(fd, F_SETFL, flags);
    return total;
}

TEST_F(StdioTest, AFullStdoutIsBufferedNotWaitedFor) {
    emu::CharBackend& s = stdio();
    attach(s);
    const std::size_t filled = fill(out.write);
    CaptureStderr err;
    std::string expected;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) {
        const std::string line = "line " + std::to_string(i) + "\n";
        write(s, line);
        expected += line;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
    // The reader catches up; the loop flushes the rest, in order.
    std::string got;
    ASSERT_TRUE(run_until([&] {
        got += drain_fd(out.read, std::chrono::milliseconds(0));
        return got.size() >= filled + expected.size();
    })) << got.size();
    EXPECT_EQ(got.substr(filled), expected);
    EXPECT_EQ(err.text(), "");
}

TEST_F(StdioTest, NonBlockingStdoutToo) {
    ::fcntl(out.write, F_SETFL, O_NONBLOCK);
    emu::CharBackend& s = stdio();
    attach(s);
    const std::size_t filled = fill(out.write);
    write(s, "after the wall");
    std::string got;
    ASSERT_TRUE(run_until([&] {
        got += drain_fd(out.read, std::chrono::milliseconds(0));
        return got.size() >= filled + 14;
    }));
    EXPECT_EQ(got.substr(filled), "after the wall");
}

TEST_F(StdioTest, BeyondTheBufferOutputIsDroppedAndSaidOnce) {
    emu::CharBackend& s = stdio();
    attach(s);
    const std::size_t filled = fill(out.write);
    CaptureStderr err;
    std::string written;
    for (int i = 0; written.size() < 3 * (1u << 20) / 2; ++i) {
        const std::string piece = std::to_string(i) + std::string(1000, 'a' + i % 26);
        write(s, piece);
        written += piece;
    }
    const std::string text = err.text();
    EXPECT_EQ(text, "emu: chardev-stdio 's0': output is not being read; dropping output\n");
    std::string got;
    ASSERT_TRUE(run_until([&] {
        got += drain_fd(out.read, std::chrono::milliseconds(0));
        return got.size() >= filled + (1u << 20);
    }));
    run_for(std::chrono::milliseconds(20));
    got += drain_fd(out.read, std::chrono::milliseconds(0));
    ASSERT_EQ(got.size(), filled + (1u << 20)) << "the first MiB is kept, the rest dropped";
    EXPECT_TRUE(got.substr(filled) == written.substr(0, 1u << 20));
}

TEST_F(StdioTest, UnrealizeGivesTheReaderALastChance) {
    emu::CharBackend& s = stdio();
    attach(s);
    const std::size_t filled = fill(out.write);
    write(s, "last words");
    std::string got;
    std::thread reader([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        got = read_fd(out.read, filled + 10);
    });
    s.unrealize();  // waits (up to a second) for the reader
    reader.join();
    ASSERT_EQ(got.size(), filled + 10);
    EXPECT_EQ(got.substr(filled), "last words");
}

TEST_F(StdioTest, OutputNobodyReadsIsDroppedAtTheEnd) {
    emu::CharBackend& s = stdio();
    attach(s);
    fill(out.write);
    write(s, "unheard");
    CaptureStderr err;
    const auto start = std::chrono::steady_clock::now();
    s.unrealize();
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, std::chrono::milliseconds(900));
    EXPECT_LT(took, std::chrono::seconds(3));
    EXPECT_EQ(err.text(), "emu: chardev-stdio 's0': output was not read before the end; dropping it\n");
}

TEST_F(StdioTest, OnlyOneBackEndOnTheRealStdin) {
    // Realize does not touch the terminal (attach would), so this is safe under a test runner.
    emu::CharBackend& first = create("stdio", "a", {});
    EXPECT_EQ(create_error("stdio", "b", {}),
              "chardev-stdio 'b': stdio is already used by chardev-stdio 'a'");
    first.unrealize();
    EXPECT_EQ(create_error("stdio", "c", {}), "");
}

TEST(StdioNoMachine, AttachWithoutAMachineIsAnError) {
    auto root = registry().create("container");
    auto& s = dynamic_cast<emu::CharBackend&>(
        root->container("chardev").add_child("s0", registry().create("chardev-stdio")));
    s.set_property("fd-in", "-1");
    s.realize();
    auto frontend = registry().create("test-frontend");
    try {
        s.attach(dynamic_cast<emu::Device&>(*frontend), {});
        FAIL() << "attached without a machine";
    } catch (const emu::Error& e) {
        EXPECT_NE(std::string(e.what()).find("chardev-stdio 's0': cannot start: there is no machine"),
                  std::string::npos)
            << e.what();
    }
    emu::unrealize_tree(*root);
}

// ---- The terminal -----------------------------------------------------------------------------

struct PtyPair {
    PtyPair() {
        master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
            throw std::runtime_error("no pseudo-terminal");
        slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0) throw std::runtime_error("cannot open the pty slave");
    }
    ~PtyPair() {
        ::close(slave);
        ::close(master);
    }
    PtyPair(const PtyPair&) = delete;
    PtyPair& operator=(const PtyPair&) = delete;
    termios attributes() const {
        termios t{};
        ::tcgetattr(slave, &t);
        return t;
    }
    int master = -1;
    int slave = -1;
};

bool our_handler_on(int sig) {
    struct sigaction current {};
    ::sigaction(sig, nullptr, &current);
    return current.sa_flags & SA_SIGINFO;
}

class StdioTerminalTest : public ChardevTest {};

TEST_F(StdioTerminalTest, RawWhileAttachedRestoredOnUnrealize) {
    PtyPair pty;
    const termios before = pty.attributes();
    ASSERT_TRUE(before.c_lflag & ICANON);
    ASSERT_TRUE(before.c_lflag & ECHO);
    emu::CharBackend& s = create("stdio", "s0", {{"fd-in", std::to_string(pty.slave)},
                                                 {"fd-out", std::to_string(pty.slave)}});
    EXPECT_TRUE(pty.attributes().c_lflag & ICANON) << "realize leaves the terminal alone";
    Sink& sink = attach(s);
    const termios raw = pty.attributes();
    EXPECT_FALSE(raw.c_lflag & ICANON);
    EXPECT_FALSE(raw.c_lflag & ECHO);
    EXPECT_FALSE(raw.c_lflag & IEXTEN);
    EXPECT_TRUE(raw.c_lflag & ISIG) << "signal=on keeps Ctrl-C a signal";
    EXPECT_FALSE(raw.c_iflag & (ICRNL | IXON));
    EXPECT_TRUE(raw.c_oflag & OPOST) << "\\n still starts a new line";
    EXPECT_TRUE(our_handler_on(SIGSEGV));

    // Keys arrive one by one, untranslated, unechoed.
    ASSERT_TRUE(write_fd(pty.master, "ab\r"));
    ASSERT_TRUE(run_until([&] { return sink.data == "ab\r"; })) << sink.data;
    write(s, "line\n");
    EXPECT_EQ(read_fd(pty.master, 6), "line\r\n");
    EXPECT_EQ(drain_fd(pty.master), "");

    s.unrealize();
    const termios after = pty.attributes();
    EXPECT_EQ(after.c_lflag, before.c_lflag);
    EXPECT_EQ(after.c_iflag, before.c_iflag);
    EXPECT_EQ(after.c_oflag, before.c_oflag);
    EXPECT_EQ(after.c_cflag, before.c_cflag);
    EXPECT_FALSE(our_handler_on(SIGSEGV));
}

TEST_F(StdioTerminalTest, SignalOffTurnsIsigOff) {
    PtyPair pty;
    emu::CharBackend& s = create("stdio", "s0", {{"fd-in", std::to_string(pty.slave)},
                                                 {"fd-out", std::to_string(pty.slave)},
                                                 {"signal", "off"}});
    attach(s);
    EXPECT_FALSE(pty.attributes().c_lflag & ISIG);
    s.unrealize();
    EXPECT_TRUE(pty.attributes().c_lflag & ISIG);
}

// In a child process: put the pty in raw mode through chardev-stdio, then die as `how` says
// without unrealizing. The parent checks that the terminal came back.
enum class Death { Exit, Terminate, Segfault, Abort };

[[noreturn]] void raw_then_die(int tty, Death how) {
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    {
        emu::EventLoop loop;
        auto root = registry().create("container");
        dynamic_cast<emu::Machine&>(root->add_child("machine", registry().create("none")))
            .attach(loop, {});
        auto& s = dynamic_cast<emu::CharBackend&>(
            root->container("chardev").add_child("s0", registry().create("chardev-stdio")));
        s.set_property("fd-in", std::to_string(tty));
        s.set_property("fd-out", std::to_string(tty));
        s.realize();
        auto& frontend = root->add_child("uart", registry().create("test-frontend"));
        s.attach(dynamic_cast<emu::Device&>(frontend), {});
        termios t{};
        ::tcgetattr(tty, &t);
        if (t.c_lflag & ICANON) ::_exit(10);  // not raw: nothing to test
        switch (how) {
        case Death::Exit:
            std::exit(0);
        case Death::Terminate:
            ::raise(SIGTERM);
            break;
        case Death::Segfault: {
            volatile int* volatile nowhere = nullptr;
            *nowhere = 1;
            break;
        }
        case Death::Abort:
            std::abort();
        }
    }
    ::_exit(11);
}

void expect_restored_after(Death how, int expected_signal) {
    PtyPair pty;
    const termios before = pty.attributes();
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) raw_then_die(pty.slave, how);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    if (expected_signal) {
        ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status;
        EXPECT_EQ(WTERMSIG(status), expected_signal);
    } else {
        ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    const termios after = pty.attributes();
    EXPECT_EQ(after.c_lflag, before.c_lflag);
    EXPECT_EQ(after.c_iflag, before.c_iflag);
}

TEST(StdioTerminalRestore, AtExit) { expect_restored_after(Death::Exit, 0); }
TEST(StdioTerminalRestore, OnSigterm) { expect_restored_after(Death::Terminate, SIGTERM); }
TEST(StdioTerminalRestore, OnSegfault) { expect_restored_after(Death::Segfault, SIGSEGV); }
TEST(StdioTerminalRestore, OnAbort) { expect_restored_after(Death::Abort, SIGABRT); }

}  // namespace
}  // namespace chardev_test
