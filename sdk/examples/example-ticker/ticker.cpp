// example-ticker: a minimal out-of-tree emu plugin, meant to be copied.
//
// It provides one device type, "example-ticker", which prints a line to stderr at a fixed
// interval on the host clock:
//
//     emu --plugin-dir . -M none -device example-ticker,interval=500,message=hello,count=3
//
// It shows the pieces every device plugin has:
//   1. a C++ class deriving emu::Device, whose members hold the property values,
//   2. a class-init function declaring those properties with emu::ClassBuilder (this is what
//      `-device example-ticker,help` prints and what `-device example-ticker,key=value` sets),
//   3. do_realize()/do_unrealize(): validate the configuration, then start/stop doing things,
//   4. a register function adding the type to the registry, and the EMU_PLUGIN descriptor.
//
// Build it with CMake (find_package(emu) + emu_add_plugin) or with the Makefile (pkg-config).

#include <emu/device.h>      // emu::Device
#include <emu/error.h>       // emu::Error
#include <emu/event_loop.h>  // emu::Timer, emu::ClockType
#include <emu/machine.h>     // emu::Machine::loop()
#include <emu/plugin.h>      // EMU_PLUGIN
#include <emu/property.h>    // emu::ClassBuilder
#include <emu/type.h>        // emu::TypeInfo, emu::TypeBatch

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

// Keep everything but the descriptor in an anonymous namespace: a plugin exports exactly one
// symbol (EMU_PLUGIN defines it), and emu_add_plugin builds with hidden visibility anyway.
namespace {

class Ticker : public emu::Device {
public:
    // Declares the properties. Each one is bound to a member below; emu applies the defaults
    // when the object is created, then sets whatever the user gave on the command line, and
    // only then calls do_realize(). Range checks and error messages come for free:
    //     emu: example-ticker: property 'interval': '0' is out of range ...
    static void class_init(emu::ClassBuilder<Ticker>& c) {
        c.integer("interval", &Ticker::interval_ms_, std::uint32_t{1000},
                  "time between ticks, in milliseconds")
            .range(1, 3'600'000);  // 1 ms .. 1 hour
        c.string("message", &Ticker::message_, "tick", "text printed on every tick");
        c.integer("count", &Ticker::count_, std::uint32_t{0},
                  "number of ticks before stopping (0 = unlimited)");
    }

protected:
    // Realize: check the configuration, then start working. Throwing emu::Error leaves the
    // device unrealized; emu shows the message to the user prefixed with the device's name
    // ("emu: example-ticker: message must not be empty") and exits with status 1.
    void do_realize() override {
        if (message_.empty()) throw emu::Error("message must not be empty");

        // Timers, fd watches etc. belong to the machine's event loop, which runs on the main
        // thread; every callback below therefore runs on that thread too, so no locking.
        emu::Machine* board = machine();
        if (!board) throw emu::Error("must be created inside a machine");

        // A host-clock timer keeps running while the guest is paused. Use ClockType::Virtual for
        // something that should follow guest time instead.
        timer_ = std::make_unique<emu::Timer>(board->loop(), emu::ClockType::Host,
                                              [this] { tick(); });
        ticks_ = 0;
        std::cerr << display_name() << ": realized (interval " << interval_ms_ << " ms)\n";
        schedule_next();
    }

    // Unrealize: undo what realize did. emu calls this on every realized device at exit
    // (including on SIGINT/SIGTERM), children first. It must not throw.
    void do_unrealize() override {
        if (timer_) {
            timer_->cancel();
            timer_.reset();  // destroying a Timer would cancel it as well
        }
        std::cerr << display_name() << ": unrealized after " << ticks_ << " ticks\n";
    }

private:
    // Timers are one-shot: arm for the next deadline, and re-arm from the callback to repeat.
    void schedule_next() {
        constexpr emu::ClockNs kNsPerMs = 1'000'000;
        timer_->arm_in(static_cast<emu::ClockNs>(interval_ms_) * kNsPerMs);
    }

    void tick() {
        ++ticks_;
        std::cerr << display_name() << ": " << message_ << ' ' << ticks_ << '\n';
        if (count_ == 0 || ticks_ < count_) schedule_next();
    }

    // Property values (set before realize; they cannot change afterwards unless a property is
    // declared .runtime_settable()).
    std::uint32_t interval_ms_ = 1000;
    std::string message_;
    std::uint32_t count_ = 0;

    // Run-time state.
    std::unique_ptr<emu::Timer> timer_;
    std::uint64_t ticks_ = 0;
};

// Called once when emu loads the plugin. Everything added to the batch is registered
// atomically: if this throws, or a type name is already taken, the plugin adds nothing.
void register_types(emu::TypeBatch& types) {
    emu::TypeInfo info;
    info.name = "example-ticker";
    info.parent = "device";                // a plain device, not on any bus
    info.category = emu::Category::Misc;   // listed under "Misc devices" by -device help
    info.description = "Example out-of-tree device: prints a tick on the host clock";
    info.factory = emu::factory_of<Ticker>();
    info.class_init = emu::class_init_of<Ticker>(&Ticker::class_init);
    types.add(std::move(info));
}

}  // namespace

// The plugin descriptor: plugin name (an identifier, shown by --list-plugins), version,
// description, SPDX license and the register function. It also records the SDK ABI version
// this plugin was built against; emu refuses plugins built for another ABI.
EMU_PLUGIN(example, "1.0.0", "Example out-of-tree plugin (emu SDK)", "MIT", register_types);
