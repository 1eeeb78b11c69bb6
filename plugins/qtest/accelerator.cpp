// The qtest accelerator: no CPU runs; the test is the only thing that moves the machine.
#include <emu/event_loop.h>
#include <emu/lock.h>
#include <emu/machine.h>

#include "qtest.h"

namespace emu::qtest {

// ---- IrqWatch -------------------------------------------------------------------------------

void IrqWatch::set_gsi(unsigned n, bool level) {
    if (n >= gsi_.size() || gsi_[n] == level) return;
    gsi_[n] = level;
    if (target_ == Target::Gsi) report(n, level);
}

void IrqWatch::set_output(unsigned n, bool level) {
    if (target_ != Target::Outputs || n >= outputs_.size() || outputs_[n] == level) return;
    outputs_[n] = level;
    report(n, level);
}

void IrqWatch::intercept(Target target, std::string name, unsigned count) {
    target_ = target;
    name_ = std::move(name);
    outputs_.assign(target == Target::Outputs ? count : 0, false);
    if (target == Target::Gsi)
        for (unsigned n = 0; n < gsi_.size(); ++n)
            if (gsi_[n]) report(n, true);
}

void IrqWatch::report(unsigned n, bool level) {
    if (sink_) sink_(std::string("IRQ ") + (level ? "raise " : "lower ") + std::to_string(n));
}

// ---- QtestAccelerator -----------------------------------------------------------------------

void QtestAccelerator::class_init(ClassBuilder<QtestAccelerator>& c) {
    c.backend("chardev", &QtestAccelerator::chardev_, "chardev",
              "the character back end the test speaks the protocol on (-qtest sets it)");
    c.string("log", &QtestAccelerator::log_, std::nullopt,
             "file to log every command and answer to (-qtest-log sets it)");
}

QtestAccelerator::~QtestAccelerator() { irqs_->set_sink({}); }

void QtestAccelerator::init(Machine& machine) {
    machine_ = &machine;
    // Guest time moves only when the test says so (clock_step, clock_set).
    machine.loop().virtual_clock().set_manual(true);
    if (!chardev_) {
        if (!log_.empty()) throw Error("qtest: log= needs chardev= (the protocol to log)");
        return;
    }
    auto& server = dynamic_cast<QtestServer&>(add_child("server", registry().create("qtest-server")));
    server.configure(*chardev_, log_, *this);
    server.realize();
    server_ = &server;
    irqs_->set_sink([&server](const std::string& line) { server.send(line); });
}

void QtestAccelerator::add_cpu(Cpu& cpu) {
    // The CPU is never run: an interrupt that kicks it has nowhere to go.
    cpu.set_kick({});
    cpus_.push_back(&cpu);
}

IrqLine QtestAccelerator::gsi(unsigned n) {
    if (n >= kIoapicPins)
        throw Error("qtest: GSI " + std::to_string(n) + " does not exist (0-" + std::to_string(kIoapicPins - 1) + ")");
    return IrqLine([watch = irqs_, n](bool level) {
        BigLockGuard locked;
        watch->set_gsi(n, level);
    });
}

void QtestAccelerator::send_msi(std::uint64_t address, std::uint32_t data) {
    BigLockGuard locked;
    if (msis_.size() == kMaxRecordedMsis) msis_.pop_front();
    msis_.push_back({address, data});
}

MemoryRegion& QtestAccelerator::msi_window() {
    if (!msi_window_)
        msi_window_ = MemoryRegion::mmio(
            "qtest-msi", kMsiSize,
            MmioOps{.read = [](Addr, unsigned) -> std::uint64_t { return 0; },
                    .write = [this](Addr offset, std::uint64_t value, unsigned) {
                        send_msi(kMsiBase + offset, static_cast<std::uint32_t>(value));
                    },
                    .valid_min = 1, .valid_max = 8, .impl_min = 4, .impl_max = 4});
    return *msi_window_;
}

std::optional<QtestAccelerator::Msi> QtestAccelerator::take_msi() {
    if (msis_.empty()) return std::nullopt;
    Msi msi = msis_.front();
    msis_.pop_front();
    return msi;
}

}  // namespace emu::qtest
