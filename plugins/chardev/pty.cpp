// chardev-pty: a new pseudo-terminal. Realize creates it (raw mode) and prints
// "char device redirected to /dev/pts/N (label ID)" on stderr, as QEMU does; the slave's path is
// also the read-only property "pty". Whoever opens the slave talks to the guest.
//
// While no one has the slave open the master reports POLLHUP: output is dropped and the fd is
// not watched (it would wake the loop forever); a host-clock timer looks again every 100 ms.
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <memory>

#include <emu/event_loop.h>

#include "chardev_common.h"

namespace emu_chardev {
namespace {

constexpr emu::ClockNs kConnectionPollNs = 100'000'000;

class PtyChardev final : public CharIo {
public:
    ~PtyChardev() override { close_pty(); }

    void write(const std::uint8_t* data, std::size_t length) override {
        if (!connected_ || master_ < 0) return;
        // The slave may have been closed since the loop last looked: then drop, or the next
        // opener would read stale output.
        pollfd p{master_, POLLOUT, 0};
        if (::poll(&p, 1, 0) > 0 && (p.revents & POLLHUP)) return;
        output(data, length);
    }

    static void class_init(emu::ClassBuilder<PtyChardev>& c) {
        readonly_property<PtyChardev>(
            c, "pty", "str", [](const PtyChardev& p) { return p.slave_path_; },
            "(read-only) the pseudo-terminal to open, /dev/pts/N, once realized");
    }

protected:
    void do_realize() override {
        const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0) fail("cannot open a pseudo-terminal", errno);
        char name[128];
        if (::grantpt(master) != 0 || ::unlockpt(master) != 0 ||
            ::ptsname_r(master, name, sizeof name) != 0) {
            const int error = errno;
            ::close(master);
            fail("cannot set up the pseudo-terminal", error);
        }
        // Raw mode is a property of the slave (as QEMU sets it); it lasts while the master is
        // open. Opening and closing the slave once also makes the master report POLLHUP until
        // a user opens it.
        const int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0) {
            const int error = errno;
            ::close(master);
            fail(std::string("cannot open ") + name, error);
        }
        termios tty{};
        if (::tcgetattr(slave, &tty) == 0) {
            ::cfmakeraw(&tty);
            ::tcsetattr(slave, TCSANOW, &tty);
        }
        ::close(slave);
        ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
        master_ = master;
        slave_path_ = name;
        set_output(master_, false);
        std::cerr << "char device redirected to " << slave_path_ << " (label " << id() << ")\n";
    }

    void do_unrealize() override {
        if (connected_) drain_output();
        close_pty();
    }

    void start_io() override {
        timer_ = std::make_unique<emu::Timer>(*loop(), emu::ClockType::Host,
                                              [this] { check_connection(); });
        check_connection();
    }

    void on_input_closed(int) override {
        // EIO (or end of file): the last user closed the slave.
        connected_ = false;
        discard_output();  // or the next user would read it
        if (timer_) timer_->arm_in(kConnectionPollNs);
    }

private:
    [[noreturn]] void fail(const std::string& what, int error) {
        throw emu::Error(display_name() + ": " + what + ": " + error_text(error));
    }

    void check_connection() {
        if (master_ < 0) return;
        pollfd p{master_, POLLIN, 0};
        ::poll(&p, 1, 0);
        if (p.revents & POLLHUP) {
            connected_ = false;
            timer_->arm_in(kConnectionPollNs);
            return;
        }
        connected_ = true;
        start_input(master_, false);
    }

    void close_pty() {
        stop_loop_io();
        timer_.reset();
        stop_output();
        if (master_ >= 0) ::close(master_);
        master_ = -1;
        connected_ = false;
    }

    int master_ = -1;
    std::string slave_path_;
    bool connected_ = false;
    std::unique_ptr<emu::Timer> timer_;
};

}  // namespace

void register_pty(emu::TypeBatch& types) {
    types.add({.name = "chardev-pty",
               .parent = "chardev",
               .description = "a new pseudo-terminal (/dev/pts/N, printed at start)",
               .factory = emu::factory_of<PtyChardev>(),
               .class_init = emu::class_init_of<PtyChardev>(&PtyChardev::class_init)});
}

}  // namespace emu_chardev
