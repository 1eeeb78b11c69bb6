#include "emu/machine.h"

#include "emu/cpu.h"
#include "emu/event_loop.h"

namespace emu {

void Machine::attach(EventLoop& loop, MachineConfig config) {
    loop_ = &loop;
    config_ = std::move(config);
}

void Machine::start() {
    if (accelerator_) accelerator_->start();
}

void Machine::stop() {
    if (accelerator_) accelerator_->pause();
}

void Machine::request_shutdown(int exit_status) {
    loop_->post([this, exit_status] {
        if (!shutdown_status_) shutdown_status_ = exit_status;
        loop_->quit();
    });
}

void Machine::request_reset() {
    loop_->post([this] {
        if (config_.no_reboot) {
            if (!shutdown_status_) shutdown_status_ = 0;
            loop_->quit();
            return;
        }
        stop();
        reset();
        start();
    });
}

}  // namespace emu
