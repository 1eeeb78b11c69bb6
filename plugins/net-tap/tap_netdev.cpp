// -netdev tap (type "netdev-tap"): frames to and from a Linux TAP interface.
//
//   ifname=NAME   open /dev/net/tun and attach to (or create) the TAP interface NAME; empty
//                 lets the kernel pick tapN. Creating one needs CAP_NET_ADMIN; attaching to a
//                 persistent one needs only to own it (ip tuntap add NAME mode tap user ME).
//   fd=N          use an already-open TAP fd inherited from the caller instead.
//   script=, downscript=   only "no": emu never runs scripts (configure the interface yourself).
// The interface is not configured (address, up): that is the host's business, as with QEMU's
// script=no.
//
// Back-pressure both ways: while the NIC's queue is full (send() answered Queued) the fd is not
// read until send_ready(); while the fd cannot take a frame (EAGAIN) the back end refuses frames
// (can_receive() false) and the layer queues them until the fd is writable.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include <emu/error.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/net.h>
#include <emu/plugin.h>
#include <emu/property.h>

namespace emu_net_tap {
namespace {

class TapNetdev final : public emu::NetBackend {
public:
    ~TapNetdev() override { close_all(); }

    bool can_receive() const override { return !write_blocked_; }

    bool receive(std::span<const std::uint8_t> frame) override {
        if (fd_ < 0) return true;
        if (write_blocked_) return false;
        ssize_t n;
        do n = ::write(fd_, frame.data(), frame.size());
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno == EAGAIN) {
            write_blocked_ = true;
            watch_output();
            return false;  // stays queued until the fd is writable
        }
        // Written, or refused by the kernel (interface down: EIO), which loses it as a wire would.
        return true;
    }

    void send_ready() override {
        paused_ = false;
        watch_input();
    }

    static void class_init(emu::ClassBuilder<TapNetdev>& c) {
        c.string("ifname", &TapNetdev::ifname_, std::nullopt, "the TAP interface to attach to or create");
        c.integer("fd", &TapNetdev::given_fd_, -1, "an already-open TAP fd to use instead of ifname=")
            .range(-1, 1 << 20);
        c.string("script", &TapNetdev::script_, "no", "only 'no': emu runs no interface scripts");
        c.string("downscript", &TapNetdev::downscript_, "no", "only 'no': emu runs no interface scripts");
        emu::Property p;
        p.name = "attached-ifname";
        p.kind = emu::PropertyKind::String;
        p.type_name = "str";
        p.description = "(read-only) the interface attached to, once realized";
        p.parse = [](emu::Object&, std::string_view) { throw emu::Error("cannot be set: the property is read-only"); };
        p.print = [](const emu::Object& o) { return dynamic_cast<const TapNetdev&>(o).attached_; };
        c.object_class().add_property(std::move(p));
    }

protected:
    void do_realize() override {
        for (const auto& [name, value] : {std::pair{"script", &script_}, std::pair{"downscript", &downscript_}})
            if (*value != "no")
                fail(std::string(name) + "='" + *value + "': emu does not run interface scripts; give " + name +
                     "=no and configure the interface yourself (ip link set ... up)");
        emu::Machine* machine = this->machine();
        if (!machine) fail("needs a machine (its event loop) to run in");
        loop_ = &machine->loop();
        if (given_fd_ >= 0) {
            if (!ifname_.empty()) fail("give either fd= or ifname=, not both");
            use_given_fd();
        } else {
            open_tap();
        }
        watch_input();
    }

    void do_unrealize() override { close_all(); }

private:
    [[noreturn]] void fail(const std::string& what) const { throw emu::Error(display_name() + ": " + what); }

    void open_tap() {
        const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            fail("cannot open /dev/net/tun: " + std::string(std::strerror(error)) +
                 (error == EACCES || error == EPERM
                      ? " (a TAP interface needs CAP_NET_ADMIN, or one made beforehand with "
                        "'ip tuntap add NAME mode tap user $USER' and ifname=NAME)"
                      : ""));
        }
        ifreq request{};
        request.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (ifname_.size() >= IFNAMSIZ) {
            ::close(fd);
            fail("ifname '" + ifname_ + "' is longer than " + std::to_string(IFNAMSIZ - 1) + " characters");
        }
        ifname_.copy(request.ifr_name, ifname_.size());
        if (::ioctl(fd, TUNSETIFF, &request) != 0) {
            const int error = errno;
            ::close(fd);
            fail("cannot attach to TAP interface '" + (ifname_.empty() ? std::string("tap%d") : ifname_) +
                 "': " + std::strerror(error) +
                 (error == EPERM ? " (creating one needs CAP_NET_ADMIN; a persistent one must belong to you)"
                  : error == EBUSY ? " (another program has it open)"
                  : error == EINVAL ? " (is it a TUN, not a TAP, interface?)"
                                    : ""));
        }
        fd_ = fd;
        attached_ = request.ifr_name;
    }

    void use_given_fd() {
        const int flags = ::fcntl(given_fd_, F_GETFL);
        if (flags < 0) fail("fd=" + std::to_string(given_fd_) + " is not an open file descriptor");
        ifreq request{};
        if (::ioctl(given_fd_, TUNGETIFF, &request) != 0)
            fail("fd=" + std::to_string(given_fd_) + " is not a TAP device: " + std::strerror(errno));
        if (!(request.ifr_flags & IFF_TAP) || !(request.ifr_flags & IFF_NO_PI))
            fail("fd=" + std::to_string(given_fd_) + " is not a TAP device opened with IFF_NO_PI");
        ::fcntl(given_fd_, F_SETFL, flags | O_NONBLOCK);
        fd_ = given_fd_;
        attached_ = request.ifr_name;
    }

    void watch_input() {
        if (input_watch_ || fd_ < 0 || paused_) return;
        input_watch_ = loop_->watch_fd(fd_, emu::IoIn, [this](int, unsigned) {
            const bool keep = read_frames();
            if (!keep) input_watch_.reset();
            return keep;
        });
    }

    void watch_output() {
        if (output_watch_) return;
        output_watch_ = loop_->watch_fd(fd_, emu::IoOut, [this](int, unsigned) {
            output_watch_.reset();
            write_blocked_ = false;
            receive_ready();  // the frames the layer queued meanwhile
            return false;
        });
    }

    bool read_frames() {
        for (int i = 0; i < 64; ++i) {  // bounded: let the rest of the loop run
            const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return true;
            if (n <= 0) {
                std::cerr << "emu: " << display_name() << ": reading the TAP interface failed: "
                          << (n < 0 ? std::strerror(errno) : "end of file") << "; no longer reading it\n";
                return false;
            }
            if (send(std::span(buffer_.data(), static_cast<std::size_t>(n))) == SendStatus::Queued) {
                paused_ = true;
                return false;
            }
        }
        return true;
    }

    void close_all() {
        for (auto* watch : {&input_watch_, &output_watch_}) {
            if (*watch && loop_) loop_->remove_watch(**watch);
            watch->reset();
        }
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    std::string ifname_;
    int given_fd_ = -1;
    std::string script_, downscript_;

    emu::EventLoop* loop_ = nullptr;
    int fd_ = -1;
    std::string attached_;
    std::optional<emu::EventLoop::WatchId> input_watch_, output_watch_;
    bool paused_ = false;
    bool write_blocked_ = false;
    std::array<std::uint8_t, emu::net::kMaxFrameSize> buffer_{};
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "netdev-tap",
               .parent = "netdev",
               .category = emu::Category::Network,
               .description = "a Linux TAP interface (ifname=, or an inherited fd=); runs no scripts",
               .factory = emu::factory_of<TapNetdev>(),
               .class_init = emu::class_init_of<TapNetdev>(&TapNetdev::class_init)});
}

}  // namespace
}  // namespace emu_net_tap

EMU_PLUGIN(net_tap, "0.1.0", "TAP networking (-netdev tap)", "MIT", emu_net_tap::register_types);
