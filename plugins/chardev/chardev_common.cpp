#include "chardev_common.h"

#include <emu/machine.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>

namespace emu_chardev {

std::string error_text(int err) { return std::strerror(err); }

// ---- OutputFd ---------------------------------------------------------------------------------

void OutputFd::reset(int fd, bool socket, std::string who) {
    fd_ = fd;
    socket_ = socket;
    who_ = std::move(who);
    pending_.clear();
    const int flags = fd >= 0 ? ::fcntl(fd, F_GETFL) : -1;
    blocking_ = flags != -1 && !(flags & O_NONBLOCK);
}

void OutputFd::warn_once(const std::string& why) {
    if (warned_) return;
    warned_ = true;
    std::cerr << "emu: " << who_ << ": " << why << "\n";
}

OutputFd::Attempt OutputFd::write_now(const std::uint8_t* data, std::size_t length) {
    Attempt a;
    while (a.written < length) {
        std::size_t chunk = length - a.written;
        if (blocking_) {
            // stdout is left in blocking mode (it is shared with the shell): write only when
            // poll() says there is room, and in pieces small enough to fit.
            pollfd p{fd_, POLLOUT, 0};
            if (::poll(&p, 1, 0) <= 0) break;
            if (p.revents & POLLNVAL) {
                warn_once("cannot write: " + error_text(EBADF) + "; dropping output");
                a.gone = true;
                break;
            }
            if (!(p.revents & POLLOUT)) break;  // POLLHUP/POLLERR: write() says what it is
            chunk = std::min<std::size_t>(chunk, 512);
        }
        const ssize_t n = socket_ ? ::send(fd_, data + a.written, chunk, MSG_NOSIGNAL | MSG_DONTWAIT)
                                  : ::write(fd_, data + a.written, chunk);
        if (n > 0) {
            a.written += static_cast<std::size_t>(n);
            continue;
        }
        const int error = n < 0 ? errno : EIO;
        if (error == EINTR) continue;
        if (error == EAGAIN || error == EWOULDBLOCK) break;
        if (error != EPIPE && error != ECONNRESET && error != ENOTCONN && error != EIO)
            warn_once("cannot write: " + error_text(error) + "; dropping output");
        a.gone = true;
        break;
    }
    return a;
}

bool OutputFd::write(const std::uint8_t* data, std::size_t length) {
    if (fd_ < 0 || length == 0) return pending();
    if (pending_.empty()) {
        const Attempt a = write_now(data, length);
        if (a.gone) return false;
        data += a.written;
        length -= a.written;
    }
    if (length == 0) return pending();
    if (pending_.size() + length > kMaxPending) {
        warn_once("output is not being read; dropping output");
        length = kMaxPending - pending_.size();
    }
    pending_.append(reinterpret_cast<const char*>(data), length);
    return pending();
}

OutputFd::Flush OutputFd::flush() {
    if (fd_ < 0) pending_.clear();
    if (pending_.empty()) return Flush::Done;
    const Attempt a = write_now(reinterpret_cast<const std::uint8_t*>(pending_.data()), pending_.size());
    if (a.gone) {
        pending_.clear();
        return Flush::Gone;
    }
    pending_.erase(0, a.written);
    return pending_.empty() ? Flush::Done : Flush::Pending;
}

void OutputFd::drain(std::chrono::milliseconds limit) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + limit;
    while (flush() == Flush::Pending) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd_, POLLOUT, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno != EINTR) break;
        if (r > 0 && (p.revents & (POLLHUP | POLLNVAL))) break;
    }
    if (pending()) warn_once("output was not read before the end; dropping it");
    pending_.clear();
}

// ---- CharIo -----------------------------------------------------------------------------------

CharIo::CharIo() : self_(std::make_shared<CharIo*>(this)) {}

CharIo::~CharIo() { stop_loop_io(); }

void CharIo::on_attach() {
    emu::Machine* machine = this->machine();
    if (!machine)
        throw emu::Error(display_name() + ": cannot start: there is no machine whose event loop "
                                          "would run this back end");
    loop_ = &machine->loop();
    start_io();
}

void CharIo::start_input(int fd, bool socket) {
    stop_input();
    if (!loop_ || fd < 0) return;
    in_fd_ = fd;
    in_socket_ = socket;
    paused_ = false;
    add_watch();
}

void CharIo::add_watch() {
    watch_ = loop_->watch_fd(in_fd_, emu::IoIn | emu::IoHup | emu::IoErr,
                             [this](int, unsigned) { return readable(); });
}

void CharIo::remove_watch() {
    if (watch_ && loop_) loop_->remove_watch(*watch_);
    watch_.reset();
}

void CharIo::stop_input() {
    remove_watch();
    in_fd_ = -1;
    paused_ = false;
}

void CharIo::stop_loop_io() {
    stop_input();
    stop_flush_watch();
    // Calls already posted find the token expired.
    self_ = std::make_shared<CharIo*>(this);
    resume_posted_ = false;
    flush_posted_ = false;
}

void CharIo::on_input(const std::uint8_t* data, std::size_t length) { deliver(data, length); }

bool CharIo::readable() {
    const std::size_t room = frontend_room();
    if (room == 0) {
        pause_input();
        return false;
    }
    if (!in_socket_) {
        // The fd may be in blocking mode (stdin is shared with the shell, so it is left as it
        // is): read only what poll() says is there.
        pollfd p{in_fd_, POLLIN, 0};
        if (::poll(&p, 1, 0) == 0) return true;
    }
    std::uint8_t buffer[4096];
    const std::size_t want = std::min(room, sizeof buffer);
    const ssize_t n = in_socket_ ? ::recv(in_fd_, buffer, want, MSG_DONTWAIT)
                                 : ::read(in_fd_, buffer, want);
    if (n > 0) {
        on_input(buffer, static_cast<std::size_t>(n));
        if (!watch_) return false;  // on_input stopped reading
        // Full now: stop watching at once rather than on the next wake-up.
        if (frontend_room() == 0) {
            pause_input();
            return false;
        }
        return true;
    }
    const int error = n == 0 ? 0 : errno;
    if (error == EINTR || error == EAGAIN || error == EWOULDBLOCK) return true;
    stop_input();
    on_input_closed(error);
    notify_closed();
    return false;
}

void CharIo::pause_input() {
    remove_watch();
    paused_ = true;
}

void CharIo::resume_input() {
    if (!paused_ || in_fd_ < 0 || !loop_) return;
    paused_ = false;
    add_watch();
}

void CharIo::accept_input() {
    // May be called from a vCPU thread (holding the big lock): only post() is allowed there.
    if (!paused_ || resume_posted_ || !loop_) return;
    resume_posted_ = true;
    post([this] {
        resume_posted_ = false;
        resume_input();
    });
}

void CharIo::set_output(int fd, bool socket) {
    stop_flush_watch();
    out_.reset(fd, socket, display_name());
}

void CharIo::discard_output() {
    stop_flush_watch();
    out_.discard();
}

void CharIo::output(const std::uint8_t* data, std::size_t length) {
    if (out_.write(data, length)) request_flush();
}

void CharIo::drain_output(std::chrono::milliseconds limit) {
    stop_flush_watch();
    out_.drain(limit);
}

void CharIo::request_flush() {
    // output() may run on a vCPU thread: the loop adds the watch.
    if (out_watch_ || flush_posted_ || !loop_) return;
    flush_posted_ = true;
    post([this] {
        flush_posted_ = false;
        start_flush_watch();
    });
}

void CharIo::start_flush_watch() {
    if (out_watch_ || !out_.pending() || out_.fd() < 0 || !loop_) return;
    out_watch_ = loop_->watch_fd(out_.fd(), emu::IoOut,
                                 [this](int, unsigned conditions) { return writable(conditions); });
}

void CharIo::stop_flush_watch() {
    if (out_watch_ && loop_) loop_->remove_watch(*out_watch_);
    out_watch_.reset();
}

bool CharIo::writable(unsigned conditions) {
    if (conditions & emu::IoHup) {
        // Hung up (a closed pty slave, a dead terminal or peer): nobody will read this.
        out_.discard();
    } else if (out_.flush() == OutputFd::Flush::Pending) {
        return true;
    }
    out_watch_.reset();
    return false;
}

void CharIo::post(std::function<void()> fn) {
    if (!loop_) return;
    std::weak_ptr<CharIo*> token = self_;
    loop_->post([token, fn = std::move(fn)] {
        if (token.lock()) fn();
    });
}

}  // namespace emu_chardev
