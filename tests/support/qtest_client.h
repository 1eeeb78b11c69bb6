// A client of emu's device-test protocol (-qtest, plugins/qtest/README.md) for C++ tests.
//
// QtestClient starts the emu under test with a machine and its devices, listening itself on a
// unix socket that emu connects to (-qtest unix:PATH, as QEMU's libqtest does), and then sends
// commands and waits for their answers. Nothing waits forever: every answer and every IRQ wait
// has a timeout, after which the call throws QtestError with what emu printed. emu is ended
// when the client is destroyed, and dies with the test process if that crashes first.
//
//     QtestClient qt({"-M", "virt", "-device", "e1000"});
//     EXPECT_EQ(qt.readl(0x3f000000 + (1 << 15)), 0x100e8086u);
//     qt.clock_step(1'000'000'000);
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace emu::test {

class QtestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class QtestClient {
public:
    using Millis = std::chrono::milliseconds;

    struct Options {
        Millis start_timeout{20'000};    // until emu has connected
        Millis answer_timeout{10'000};   // for each answer
        std::string log_file;            // -qtest-log FILE when not empty
        std::string emu_binary;          // default: the build tree's emu (EMU_QTEST_EMU_BINARY)
    };

    // Runs emu -qtest unix:SOCKET args... and waits for it to connect. Throws QtestError (with
    // emu's output) if it exits or does not connect in time.
    explicit QtestClient(const std::vector<std::string>& args) : QtestClient(args, Options{}) {}
    QtestClient(const std::vector<std::string>& args, Options options);
    ~QtestClient();  // SIGTERM, then SIGKILL if emu does not end within 5 s
    QtestClient(const QtestClient&) = delete;
    QtestClient& operator=(const QtestClient&) = delete;

    // ---- Raw protocol ----
    // Send one line, return its answer (without '\n'). IRQ reports that arrive meanwhile are
    // recorded (irq_level). Throws QtestError on timeout or if emu went away.
    std::string command(const std::string& line);
    // Send bytes as they are (garbage for fuzz-style tests); no answer is awaited.
    void send_raw(const std::string& bytes);
    // The next answer line (after send_raw), recording IRQ reports on the way.
    std::string answer();
    // command(), and throw QtestError unless the answer is "OK" or starts with "OK ".
    std::string ok(const std::string& line);

    // ---- Port I/O ----
    void outb(std::uint16_t port, std::uint8_t value);
    void outw(std::uint16_t port, std::uint16_t value);
    void outl(std::uint16_t port, std::uint32_t value);
    std::uint8_t inb(std::uint16_t port);
    std::uint16_t inw(std::uint16_t port);
    std::uint32_t inl(std::uint16_t port);

    // ---- Memory ----
    void writeb(std::uint64_t address, std::uint8_t value);
    void writew(std::uint64_t address, std::uint16_t value);
    void writel(std::uint64_t address, std::uint32_t value);
    void writeq(std::uint64_t address, std::uint64_t value);
    std::uint8_t readb(std::uint64_t address);
    std::uint16_t readw(std::uint64_t address);
    std::uint32_t readl(std::uint64_t address);
    std::uint64_t readq(std::uint64_t address);
    void memwrite(std::uint64_t address, const std::vector<std::uint8_t>& data);
    std::vector<std::uint8_t> memread(std::uint64_t address, std::size_t size);
    void memset(std::uint64_t address, std::size_t size, std::uint8_t byte);

    // ---- The virtual clock (nanoseconds; each returns the clock afterwards) ----
    std::int64_t clock_step(std::int64_t ns);
    std::int64_t clock_step_next();  // to the next timer deadline
    std::int64_t clock_set(std::int64_t ns);

    // ---- Interrupts ----
    void irq_intercept_in(const std::string& path);
    void irq_intercept_out(const std::string& path);
    void set_irq_in(const std::string& path, const std::string& name, unsigned n, int level);
    // The last level reported for line n (false until a report).
    bool irq_level(unsigned n) const;
    // Wait until line n is at level (reports are read as they come); false on timeout.
    bool wait_irq(unsigned n, bool level, Millis timeout = Millis(5'000));
    // How many "IRQ raise n" reports arrived so far.
    unsigned irq_raises(unsigned n) const;

    // ---- The emu process ----
    // Close the connection: emu ends (status 0), as at the end of a test.
    void disconnect();
    bool running();
    // Wait up to timeout for emu to exit; its exit status, or -1 (still running or killed).
    int wait_exit(Millis timeout);
    std::string output() const;  // what emu printed on stdout and stderr so far
    pid_t pid() const { return pid_; }

private:
    // One line from emu within the deadline, or nullopt-like failure (throws).
    std::string read_line(std::chrono::steady_clock::time_point deadline);
    bool try_read_line(std::chrono::steady_clock::time_point deadline, std::string& line);
    bool record_async(const std::string& line);
    void write_all(const std::string& bytes);
    std::uint64_t value_of(const std::string& answer, const std::string& what) const;
    [[noreturn]] void fail(const std::string& what) const;
    void stop();

    Options options_;
    std::string dir_;          // temporary directory: the socket and emu's output
    std::string output_file_;
    pid_t pid_ = -1;
    bool reaped_ = false;
    int exit_status_ = -1;
    int fd_ = -1;              // the connection
    std::string buffer_;       // received, not yet consumed
    std::map<unsigned, bool> irq_levels_;
    std::map<unsigned, unsigned> irq_raises_;
};

}  // namespace emu::test
