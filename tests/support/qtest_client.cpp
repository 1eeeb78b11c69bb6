#include "qtest_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace emu::test {

namespace {

using Clock = std::chrono::steady_clock;

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%" PRIx64, value);
    return text;
}

// A socket that has a file name, listening, close-on-exec (emu must not inherit it).
int listen_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw QtestError(std::string("qtest client: socket: ") + std::strerror(errno));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) throw QtestError("qtest client: socket path too long: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 1) != 0) {
        const int error = errno;
        ::close(fd);
        throw QtestError("qtest client: cannot listen on " + path + ": " + std::strerror(error));
    }
    return fd;
}

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 100));  // wake to check on emu
}

}  // namespace

QtestClient::QtestClient(const std::vector<std::string>& args, Options options) : options_(std::move(options)) {
#ifdef EMU_QTEST_EMU_BINARY
    if (options_.emu_binary.empty()) options_.emu_binary = EMU_QTEST_EMU_BINARY;
#endif
    if (options_.emu_binary.empty()) throw QtestError("qtest client: no emu binary given");
    char dir_template[] = "/tmp/emu-qtest-XXXXXX";
    if (!::mkdtemp(dir_template)) throw QtestError(std::string("qtest client: mkdtemp: ") + std::strerror(errno));
    dir_ = dir_template;
    const std::string socket_path = dir_ + "/qtest.sock";
    output_file_ = dir_ + "/emu.out";
    const int listener = listen_unix(socket_path);

    std::vector<std::string> strings{options_.emu_binary, "-qtest", "unix:" + socket_path};
    if (!options_.log_file.empty()) strings.insert(strings.end(), {"-qtest-log", options_.log_file});
    strings.insert(strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    // Hermetic: the build tree's plugins only, C locale.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        if (entry.rfind("EMU_PLUGIN_PATH=", 0) == 0 || entry.rfind("XDG_DATA_HOME=", 0) == 0) continue;
        env_strings.push_back(entry);
    }
    env_strings.push_back("XDG_DATA_HOME=/nonexistent/emu-qtest");
    env_strings.push_back("LC_ALL=C");
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    const int out = ::open(output_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) throw QtestError("qtest client: cannot create " + output_file_);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw QtestError(std::string("qtest client: fork: ") + std::strerror(errno));
    if (pid_ == 0) {
        // emu must not outlive a test that crashed or was killed by ctest's timeout.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        const int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out);

    // Wait for emu to connect, or to fail.
    const auto deadline = Clock::now() + options_.start_timeout;
    while (fd_ < 0) {
        pollfd p{listener, POLLIN, 0};
        const int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0) {
            fd_ = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd_ >= 0) break;
        }
        if (!running()) {
            ::close(listener);
            fail("emu exited (status " + std::to_string(exit_status_) + ") before connecting");
        }
        if (Clock::now() >= deadline) {
            ::close(listener);
            fail("emu did not connect within " + std::to_string(options_.start_timeout.count()) + " ms");
        }
    }
    ::close(listener);
    ::unlink(socket_path.c_str());
}

QtestClient::~QtestClient() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void QtestClient::stop() {
    disconnect();
    if (pid_ <= 0 || !running()) return;
    ::kill(pid_, SIGTERM);
    if (wait_exit(Millis(5'000)) == -1 && running()) {
        ::kill(pid_, SIGKILL);
        wait_exit(Millis(5'000));
    }
}

void QtestClient::disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool QtestClient::running() {
    if (reaped_ || pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return false;
    }
    return true;
}

int QtestClient::wait_exit(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (running()) {
        if (Clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(Millis(10));
    }
    return exit_status_;
}

std::string QtestClient::output() const {
    std::ifstream in(output_file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void QtestClient::fail(const std::string& what) const {
    throw QtestError("qtest: " + what + "\n--- emu's output ---\n" + output());
}

// ---- Lines ----------------------------------------------------------------------------------

void QtestClient::write_all(const std::string& bytes) {
    if (fd_ < 0) fail("not connected");
    const auto deadline = Clock::now() + options_.answer_timeout;
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fail(std::string("cannot send to emu: ") + std::strerror(errno));
        if (Clock::now() >= deadline) fail("emu does not take its input");
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, remaining_ms(deadline));
    }
}

bool QtestClient::try_read_line(Clock::time_point deadline, std::string& line) {
    for (;;) {
        if (const std::size_t eol = buffer_.find('\n'); eol != std::string::npos) {
            line = buffer_.substr(0, eol);
            buffer_.erase(0, eol + 1);
            return true;
        }
        if (fd_ < 0) fail("not connected");
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, remaining_ms(deadline));
        if (ready > 0) {
            char chunk[65536];
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n == 0) fail("emu closed the connection");
            if (n < 0 && errno != EINTR && errno != EAGAIN) fail(std::string("cannot read from emu: ") + std::strerror(errno));
            if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
            continue;
        }
        if (!running()) fail("emu exited (status " + std::to_string(exit_status_) + ")");
        if (Clock::now() >= deadline) return false;
    }
}

std::string QtestClient::read_line(Clock::time_point deadline) {
    std::string line;
    if (!try_read_line(deadline, line)) fail("no answer within " + std::to_string(options_.answer_timeout.count()) + " ms");
    return line;
}

// "IRQ raise N" / "IRQ lower N" arrive whenever a watched line changes.
bool QtestClient::record_async(const std::string& line) {
    unsigned n = 0;
    char what[8] = {};
    if (line.rfind("IRQ ", 0) != 0 || std::sscanf(line.c_str(), "IRQ %7s %u", what, &n) != 2) return false;
    const bool raise = std::strcmp(what, "raise") == 0;
    irq_levels_[n] = raise;
    if (raise) ++irq_raises_[n];
    return true;
}

std::string QtestClient::answer() {
    const auto deadline = Clock::now() + options_.answer_timeout;
    for (;;) {
        std::string line = read_line(deadline);
        if (!record_async(line)) return line;
    }
}

std::string QtestClient::command(const std::string& line) {
    write_all(line + "\n");
    return answer();
}

void QtestClient::send_raw(const std::string& bytes) { write_all(bytes); }

std::string QtestClient::ok(const std::string& line) {
    std::string reply = command(line);
    if (reply != "OK" && reply.rfind("OK ", 0) != 0) fail("'" + line + "' answered '" + reply + "'");
    return reply;
}

std::uint64_t QtestClient::value_of(const std::string& reply, const std::string& what) const {
    const char* text = reply.c_str() + 3;  // after "OK "
    char* end = nullptr;
    errno = 0;
    const std::uint64_t value = std::strtoull(text, &end, 0);
    if (reply.size() <= 3 || errno || *end) fail("'" + what + "' answered '" + reply + "', not a number");
    return value;
}

// ---- Port I/O and memory --------------------------------------------------------------------

void QtestClient::outb(std::uint16_t port, std::uint8_t value) { ok("outb " + hex(port) + " " + hex(value)); }
void QtestClient::outw(std::uint16_t port, std::uint16_t value) { ok("outw " + hex(port) + " " + hex(value)); }
void QtestClient::outl(std::uint16_t port, std::uint32_t value) { ok("outl " + hex(port) + " " + hex(value)); }

std::uint8_t QtestClient::inb(std::uint16_t port) {
    const std::string line = "inb " + hex(port);
    return static_cast<std::uint8_t>(value_of(ok(line), line));
}
std::uint16_t QtestClient::inw(std::uint16_t port) {
    const std::string line = "inw " + hex(port);
    return static_cast<std::uint16_t>(value_of(ok(line), line));
}
std::uint32_t QtestClient::inl(std::uint16_t port) {
    const std::string line = "inl " + hex(port);
    return static_cast<std::uint32_t>(value_of(ok(line), line));
}

void QtestClient::writeb(std::uint64_t a, std::uint8_t v) { ok("writeb " + hex(a) + " " + hex(v)); }
void QtestClient::writew(std::uint64_t a, std::uint16_t v) { ok("writew " + hex(a) + " " + hex(v)); }
void QtestClient::writel(std::uint64_t a, std::uint32_t v) { ok("writel " + hex(a) + " " + hex(v)); }
void QtestClient::writeq(std::uint64_t a, std::uint64_t v) { ok("writeq " + hex(a) + " " + hex(v)); }

std::uint8_t QtestClient::readb(std::uint64_t a) {
    const std::string line = "readb " + hex(a);
    return static_cast<std::uint8_t>(value_of(ok(line), line));
}
std::uint16_t QtestClient::readw(std::uint64_t a) {
    const std::string line = "readw " + hex(a);
    return static_cast<std::uint16_t>(value_of(ok(line), line));
}
std::uint32_t QtestClient::readl(std::uint64_t a) {
    const std::string line = "readl " + hex(a);
    return static_cast<std::uint32_t>(value_of(ok(line), line));
}
std::uint64_t QtestClient::readq(std::uint64_t a) {
    const std::string line = "readq " + hex(a);
    return value_of(ok(line), line);
}

void QtestClient::memwrite(std::uint64_t address, const std::vector<std::uint8_t>& data) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text = "write " + hex(address) + " " + std::to_string(data.size()) + " 0x";
    for (std::uint8_t byte : data) {
        text += kDigits[byte >> 4];
        text += kDigits[byte & 0xf];
    }
    ok(text);
}

std::vector<std::uint8_t> QtestClient::memread(std::uint64_t address, std::size_t size) {
    const std::string line = "read " + hex(address) + " " + std::to_string(size);
    const std::string reply = ok(line);
    if (reply.size() != 5 + 2 * size || reply.compare(0, 5, "OK 0x") != 0) fail("'" + line + "' answered '" + reply + "'");
    std::vector<std::uint8_t> data(size);
    for (std::size_t i = 0; i < size; ++i)
        data[i] = static_cast<std::uint8_t>(std::stoul(reply.substr(5 + 2 * i, 2), nullptr, 16));
    return data;
}

void QtestClient::memset(std::uint64_t address, std::size_t size, std::uint8_t byte) {
    ok("memset " + hex(address) + " " + std::to_string(size) + " " + hex(byte));
}

// ---- Clock and interrupts -------------------------------------------------------------------

std::int64_t QtestClient::clock_step(std::int64_t ns) {
    const std::string line = "clock_step " + std::to_string(ns);
    return static_cast<std::int64_t>(value_of(ok(line), line));
}

std::int64_t QtestClient::clock_step_next() { return static_cast<std::int64_t>(value_of(ok("clock_step"), "clock_step")); }

std::int64_t QtestClient::clock_set(std::int64_t ns) {
    const std::string line = "clock_set " + std::to_string(ns);
    return static_cast<std::int64_t>(value_of(ok(line), line));
}

void QtestClient::irq_intercept_in(const std::string& path) { ok("irq_intercept_in " + path); }
void QtestClient::irq_intercept_out(const std::string& path) { ok("irq_intercept_out " + path); }

void QtestClient::set_irq_in(const std::string& path, const std::string& name, unsigned n, int level) {
    ok("set_irq_in " + path + " " + name + " " + std::to_string(n) + " " + std::to_string(level));
}

bool QtestClient::irq_level(unsigned n) const {
    const auto it = irq_levels_.find(n);
    return it != irq_levels_.end() && it->second;
}

unsigned QtestClient::irq_raises(unsigned n) const {
    const auto it = irq_raises_.find(n);
    return it == irq_raises_.end() ? 0 : it->second;
}

bool QtestClient::wait_irq(unsigned n, bool level, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (irq_level(n) != level) {
        std::string line;
        if (!try_read_line(deadline, line)) return false;
        if (!record_async(line)) fail("unexpected line while waiting for IRQ " + std::to_string(n) + ": '" + line + "'");
    }
    return true;
}

}  // namespace emu::test
