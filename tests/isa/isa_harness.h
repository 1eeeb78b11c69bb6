// A bench for the ISA (PC legacy) device tests: a registry with the ISA device plugins loaded,
// an object tree whose machine counts reset requests and is attached to an event loop with the
// virtual clock in manual mode, a 64 KiB container driven through an AddressSpace as the x86
// I/O-port space, IRQ recorders, a fake character back end ("chardev-fake") and a fake ISA bus
// ("isa-bus") for devices created as with -device.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "emu/chardev.h"
#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/type.h"
#include "device_fakes.h"
#include "plugin_loader.h"

namespace isa_test {

using emu_test_support::FakeChardev;
using emu_test_support::IrqRecorder;

// A machine that counts the board resets it is asked for.
class CountingMachine final : public emu::Machine {
public:
    int resets = 0;

protected:
    void reset() override { ++resets; }
};

// What a PC board would provide for -device: mmio(0) is the I/O-port space, gpio_in("", n) is
// ISA IRQ n.
class FakeIsaBus final : public emu::Device {
public:
    FakeIsaBus() {
        io = emu::MemoryRegion::container("isa-io", 0x10000);
        init_mmio(*io);
        init_gpio_in("", 16, [this](unsigned n, bool level) { irqs[n] = level; });
    }
    std::unique_ptr<emu::MemoryRegion> io;
    bool irqs[16] = {};
};

class IsaBench : public ::testing::Test {
protected:
    IsaBench() {
        for (const char* plugin : {"serial_16550", "isa_debugcon", "mc146818", "i8042", "port92"}) {
            const auto path = std::filesystem::path(EMU_PLUGIN_DIR) / (std::string(plugin) + ".so");
            const auto& record = loader.load_file(path);
            EXPECT_TRUE(record.loaded) << plugin << ": " << record.error;
        }
        registry.register_type({.name = "chardev-fake",
                                .parent = "chardev",
                                .description = "test back end",
                                .factory = emu::factory_of<FakeChardev>()},
                               "isa-tests");
        registry.register_type({.name = "counting-machine",
                                .parent = "machine",
                                .description = "test machine",
                                .factory = emu::factory_of<CountingMachine>()},
                               "isa-tests");
        registry.register_type({.name = "test-isa-bus",
                                .parent = "device",
                                .user_creatable = false,
                                .interfaces = {"isa-bus"},
                                .description = "test ISA bus",
                                .factory = emu::factory_of<FakeIsaBus>()},
                               "isa-tests");
        loop.virtual_clock().set_manual(true);
        root = registry.create("container");
        machine = &root->add_child("machine", as<CountingMachine>(registry.create("counting-machine")));
        machine->attach(loop, {});
        io = emu::MemoryRegion::container("io", 0x10000);
        space = std::make_unique<emu::AddressSpace>("io", *io);
    }

    ~IsaBench() override {
        emu::unrealize_tree(*root);
        space.reset();
        io.reset();
        root.reset();
    }

    template <class T>
    static std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
        return emu_test_support::take_as<T>(std::move(object));
    }

    // A device of this type at /machine/<name> (made by the board), not yet realized.
    emu::Device& create(const std::string& type, const std::string& name) {
        return machine->add_child(name, as<emu::Device>(registry.create(type)));
    }
    // A device as -device makes it: under /machine/peripheral.
    emu::Device& create_user(const std::string& type, const std::string& id) {
        return machine->container("peripheral").add_child(id, as<emu::Device>(registry.create(type)));
    }
    FakeIsaBus& create_isa_bus() {
        auto& bus = machine->add_child("isa", as<FakeIsaBus>(registry.create("test-isa-bus")));
        bus.realize();
        return bus;
    }

    FakeChardev& create_fake_chardev(const std::string& id) {
        auto& chardev = root->container("chardev").add_child(id, as<FakeChardev>(registry.create("chardev-fake")));
        chardev.realize();
        return chardev;
    }

    void map(emu::Addr port, emu::MemoryRegion& region) { io->add_subregion(port, region); }

    std::uint8_t inb(emu::Addr port) { return static_cast<std::uint8_t>(in(port, 1)); }
    void outb(emu::Addr port, std::uint8_t value) { out(port, value, 1); }
    std::uint64_t in(emu::Addr port, unsigned size) {
        std::uint64_t value = 0;
        EXPECT_EQ(space->read_value(port, size, value), emu::MemResult::Ok) << std::hex << "in from port 0x" << port;
        return value;
    }
    void out(emu::Addr port, std::uint64_t value, unsigned size) {
        EXPECT_EQ(space->write_value(port, size, value), emu::MemResult::Ok) << std::hex << "out to port 0x" << port;
    }

    void step(emu::ClockNs ns) { loop.virtual_clock().step(ns); }
    // Run what the devices posted to the loop (Machine::request_reset posts).
    void run_posted() {
        for (int i = 0; i < 10; ++i) loop.iterate(false);
    }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    CountingMachine* machine = nullptr;
    std::unique_ptr<emu::MemoryRegion> io;
    std::unique_ptr<emu::AddressSpace> space;
};

constexpr emu::ClockNs kSecond = 1'000'000'000;
constexpr emu::ClockNs kMillisecond = 1'000'000;
constexpr emu::ClockNs kMicrosecond = 1'000;

}  // namespace isa_test
