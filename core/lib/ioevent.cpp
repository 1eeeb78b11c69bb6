// IoEventHandler: an eventfd registered with the accelerator as an ioeventfd and watched by the
// event loop. See emu/ioevent.h.
#include "emu/ioevent.h"

#include <sys/eventfd.h>
#include <unistd.h>

namespace emu {

std::unique_ptr<IoEventHandler> IoEventHandler::create(EventLoop& loop, IoEventAccelerator& accel,
                                                       const IoEventMatch& match, std::function<void()> handler) {
    const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) return nullptr;
    if (!accel.add_ioeventfd(fd, match)) {
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<IoEventHandler>(new IoEventHandler(loop, accel, match, fd, std::move(handler)));
}

IoEventHandler::IoEventHandler(EventLoop& loop, IoEventAccelerator& accel, IoEventMatch match, int fd,
                               std::function<void()> handler)
    : loop_(loop), accel_(accel), match_(match), fd_(fd), handler_(std::move(handler)) {
    watch_ = loop_.watch_fd(fd_, IoIn, [this](int, unsigned) {
        // A copy: the handler may destroy this object (a device that unmaps its register).
        if (drain()) {
            const std::function<void()> run = handler_;
            run();
        }
        return true;
    });
}

IoEventHandler::~IoEventHandler() {
    loop_.remove_watch(watch_);
    accel_.remove_ioeventfd(fd_, match_);
    // A write caught before the registration went away but not yet handled by the loop: the
    // guest made it while the register was here, so it still counts.
    if (drain() && handler_) handler_();
    ::close(fd_);
}

bool IoEventHandler::drain() {
    std::uint64_t count = 0;
    return ::read(fd_, &count, sizeof count) == static_cast<ssize_t>(sizeof count) && count != 0;
}

}  // namespace emu
