// The front end of the -qtest chardev: cuts the byte stream into lines and answers each one.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <emu/lock.h>
#include <emu/machine.h>

#include "qtest.h"
#include "text.h"

namespace emu::qtest {

namespace {
std::int64_t host_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

void QtestServer::configure(CharBackend& chardev, const std::string& log_path, QtestAccelerator& accel) {
    chardev_ = &chardev;
    log_path_ = log_path;
    protocol_ = std::make_unique<Protocol>(accel);
}

void QtestServer::do_realize() {
    if (!chardev_ || !protocol_) throw Error("qtest-server: created without a chardev");
    if (!log_path_.empty()) {
        log_.open(log_path_, std::ios::out | std::ios::trunc);
        if (!log_) throw Error("qtest: cannot write the log " + log_path_ + ": " + std::strerror(errno));
        log_start_ns_ = host_ns();
    }
    CharBackend::Receiver receiver;
    receiver.can_receive = [] { return std::size_t{64} << 10; };
    receiver.receive = [this](const std::uint8_t* data, std::size_t length) { receive(data, length); };
    receiver.closed = [this] { closed(); };
    chardev_->attach(*this, std::move(receiver));
}

// The test is done (end of its input, or it closed the connection): so is emu, which a fuzzer
// running `emu ... -qtest stdio < case` relies on.
void QtestServer::closed() {
    if (!line_.empty() || discarding_) {  // a last line without its newline still counts
        const std::uint8_t newline = '\n';
        receive(&newline, 1);
    }
    log('R', "<end of input>");
    if (Machine* board = machine()) board->request_shutdown(0);
}

void QtestServer::send(const std::string& line) {
    log('S', line);
    const std::string framed = line + "\n";
    chardev_->write(reinterpret_cast<const std::uint8_t*>(framed.data()), framed.size());
}

// Each complete line is answered at once, in order. A line longer than kMaxLine is answered
// with one FAIL and skipped up to its end, so a flood without newlines cannot grow memory.
void QtestServer::receive(const std::uint8_t* data, std::size_t length) {
    BigLockGuard locked;
    const char* bytes = reinterpret_cast<const char*>(data);
    for (std::size_t i = 0; i < length;) {
        const void* found = std::memchr(bytes + i, '\n', length - i);
        const std::size_t end = found ? static_cast<std::size_t>(static_cast<const char*>(found) - bytes) : length;
        if (!discarding_) {
            if (line_.size() + (end - i) > kMaxLine) {
                line_.clear();
                discarding_ = true;
                log('R', "<a line longer than " + std::to_string(kMaxLine) + " bytes>");
                send("FAIL line longer than " + std::to_string(kMaxLine) + " bytes");
            } else {
                line_.append(bytes + i, end - i);
            }
        }
        if (!found) break;
        i = end + 1;
        if (discarding_) {
            discarding_ = false;
            continue;
        }
        std::string line = std::move(line_);
        line_.clear();
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (split_words(line).empty()) continue;  // blank lines get no answer
        log('R', line);
        send(protocol_->execute(line));
    }
}

void QtestServer::log(char direction, const std::string& line) {
    if (!log_.is_open()) return;
    char stamp[48];
    const double seconds = static_cast<double>(host_ns() - log_start_ns_) / 1e9;
    std::snprintf(stamp, sizeof stamp, "[%c +%.6f] ", direction, seconds);
    log_ << stamp << quoted(line, 200) << '\n';
    log_.flush();
}

}  // namespace emu::qtest
