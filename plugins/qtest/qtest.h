// The device-test accelerator (plugin "qtest"), internal to the plugin. README.md describes
// the protocol.
//
//   QtestAccelerator  type "qtest": keeps the board's CPUs without running them, puts the
//                     virtual clock in manual mode, and is the x86 boards' interrupt
//                     controller (GSI lines whose levels the test sees, an MSI window).
//   QtestServer       type "qtest-server" (created by the accelerator, never by the user): the
//                     front end of the -qtest chardev; it cuts the input into lines, answers
//                     each through a Protocol and keeps the optional -qtest-log.
//   Protocol          one command line in, one answer line out (protocol.cpp).
//   IrqWatch          the levels of the lines the test intercepts, shared with those lines.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <emu/chardev.h>
#include <emu/cpu.h>
#include <emu/device.h>
#include <emu/memory.h>
#include <emu/property.h>
#include <emu/x86.h>

namespace emu::qtest {

// Levels of the GSIs and of intercepted device outputs, and where changes are reported. The
// lines handed to devices hold it (not the accelerator): the object tree tears the accelerator
// down before the machine, whose devices may still set their lines. Loop thread or big lock.
class IrqWatch {
public:
    enum class Target { None, Gsi, Outputs };

    // A line changed (devices call these through their IrqLine).
    void set_gsi(unsigned n, bool level);
    void set_output(unsigned n, bool level);

    // Report changes of target from now on ("IRQ raise N" / "IRQ lower N" through send);
    // lines of it already high are reported at once. count: how many lines it has.
    void intercept(Target target, std::string name, unsigned count);
    Target target() const { return target_; }
    const std::string& name() const { return name_; }
    bool gsi_level(unsigned n) const { return n < gsi_.size() && gsi_[n]; }

    // Where asynchronous lines go; empty: nowhere (no client, or the accelerator is gone).
    void set_sink(std::function<void(const std::string&)> sink) { sink_ = std::move(sink); }

private:
    void report(unsigned n, bool level);

    std::array<bool, X86InterruptController::kIoapicPins> gsi_{};
    std::vector<bool> outputs_;
    Target target_ = Target::None;
    std::string name_;
    std::function<void(const std::string&)> sink_;
};

class QtestServer;

class QtestAccelerator final : public Accelerator, public X86InterruptController {
public:
    static void class_init(ClassBuilder<QtestAccelerator>& c);
    ~QtestAccelerator() override;

    // ---- Accelerator ----
    void init(Machine& machine) override;
    void add_cpu(Cpu& cpu) override;
    void start() override {}
    void pause() override {}
    void shutdown() override {}

    // ---- X86InterruptController ----
    IrqLine gsi(unsigned n) override;
    unsigned gsi_count() const override { return kIoapicPins; }
    void send_msi(std::uint64_t address, std::uint32_t data) override;
    MemoryRegion& msi_window() override;

    // ---- For the protocol ----
    struct Msi {
        std::uint64_t address;
        std::uint32_t data;
    };
    static constexpr std::size_t kMaxRecordedMsis = 1024;

    Machine& board() const { return *machine_; }
    IrqWatch& irqs() { return *irqs_; }
    const std::shared_ptr<IrqWatch>& irq_watch() const { return irqs_; }
    // The oldest MSI not yet taken (at most kMaxRecordedMsis are kept: the newest).
    std::optional<Msi> take_msi();

private:
    // Settings (properties).
    CharBackend* chardev_ = nullptr;
    std::string log_;

    Machine* machine_ = nullptr;
    std::vector<Cpu*> cpus_;  // kept, never run
    std::shared_ptr<IrqWatch> irqs_ = std::make_shared<IrqWatch>();
    std::unique_ptr<MemoryRegion> msi_window_;
    std::deque<Msi> msis_;
    QtestServer* server_ = nullptr;
};

// One command line of the protocol in, its answer out ("OK ...", "FAIL reason"), run under the
// big lock. Never throws: anything a command or a device throws becomes a FAIL line.
class Protocol {
public:
    explicit Protocol(QtestAccelerator& accel) : accel_(accel) {}
    std::string execute(std::string_view line);

private:
    using Words = std::vector<std::string_view>;
    struct Command {
        const char* name;
        unsigned min_args, max_args;
        const char* usage;
        std::string (Protocol::*run)(const Words&);
    };
    static const std::vector<Command>& commands();

    // Port I/O: outb, outw, outl; inb, inw, inl.
    std::string out(const Words& w);
    std::string in(const Words& w);
    // Memory: writeb..writeq, readb..readq, read, write, memset, b64read, b64write.
    std::string write_value(const Words& w);
    std::string read_value(const Words& w);
    std::string read_bytes(const Words& w);
    std::string write_bytes(const Words& w);
    std::string memset(const Words& w);
    std::string read_base64(const Words& w);
    std::string write_base64(const Words& w);
    // The virtual clock.
    std::string clock_step(const Words& w);
    std::string clock_set(const Words& w);
    // Interrupt lines.
    std::string irq_intercept_in(const Words& w);
    std::string irq_intercept_out(const Words& w);
    std::string set_irq_in(const Words& w);
    std::string msi_take(const Words& w);
    std::string endianness(const Words& w);

    AddressSpace& memory();
    AddressSpace& ports();
    std::string advance_clock_to(std::int64_t target);
    std::vector<std::uint8_t> read_range(std::string_view address, std::string_view size);
    void write_range(std::uint64_t address, const std::vector<std::uint8_t>& data);
    Object& resolve(std::string_view path);
    bool names_interrupt_controller(std::string_view path) const;

    QtestAccelerator& accel_;
};

// The chardev front end: lines in, answers and IRQ reports out, an optional log.
class QtestServer final : public Device {
public:
    // Before realize.
    void configure(CharBackend& chardev, const std::string& log_path, QtestAccelerator& accel);
    // Send one line (without its '\n') to the test, and log it.
    void send(const std::string& line);

protected:
    void do_realize() override;

private:
    static constexpr std::size_t kMaxLine = 1 << 20;  // longer lines are refused
    void receive(const std::uint8_t* data, std::size_t length);
    void closed();
    void log(char direction, const std::string& line);

    CharBackend* chardev_ = nullptr;
    std::unique_ptr<Protocol> protocol_;
    std::string log_path_;
    std::ofstream log_;
    std::int64_t log_start_ns_ = 0;
    std::string line_;
    bool discarding_ = false;  // the rest of an over-long line
};

}  // namespace emu::qtest
