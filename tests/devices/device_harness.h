// A small bench for device tests: a registry with the device plugins loaded, an object tree
// with a "none" machine attached to an event loop, a system memory container with an address
// space, IRQ recorders and a fake character back end ("chardev-fake").
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "emu/chardev.h"
#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/type.h"
#include "device_fakes.h"
#include "plugin_loader.h"

namespace emu_test {

using emu_test_support::FakeChardev;
using emu_test_support::IrqRecorder;

class DeviceBench : public ::testing::Test {
protected:
    DeviceBench() {
        for (const char* plugin : {"gic", "pl011", "pl031"}) {
            const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / (std::string(plugin) + ".so"));
            EXPECT_TRUE(record.loaded) << plugin << ": " << record.error;
        }
        registry.register_type({.name = "chardev-fake",
                                .parent = "chardev",
                                .description = "test back end",
                                .factory = emu::factory_of<FakeChardev>()},
                               "device-tests");
        root = registry.create("container");
        machine = &root->add_child("machine", as<emu::Machine>(registry.create("none")));
        machine->attach(loop, {});
        system = emu::MemoryRegion::container("system", 1ull << 32);
        space = std::make_unique<emu::AddressSpace>("memory", *system);
    }

    ~DeviceBench() override {
        emu::set_current_cpu_index(-1);
        emu::unrealize_tree(*root);
        space.reset();
        system.reset();
        root.reset();
    }

    template <class T>
    static std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
        return emu_test_support::take_as<T>(std::move(object));
    }

    // A device of this type at /<name>, not yet realized.
    emu::Device& create(const std::string& type, const std::string& name) {
        return root->add_child(name, as<emu::Device>(registry.create(type)));
    }

    FakeChardev& create_fake_chardev(const std::string& id) {
        auto& chardev = root->container("chardev").add_child(id, as<FakeChardev>(registry.create("chardev-fake")));
        chardev.realize();
        return chardev;
    }

    void map(emu::Addr base, emu::MemoryRegion& region) { system->add_subregion(base, region); }

    std::uint64_t read(emu::Addr addr, unsigned size = 4) {
        std::uint64_t value = 0;
        EXPECT_EQ(space->read_value(addr, size, value), emu::MemResult::Ok) << std::hex << "read at 0x" << addr;
        return value;
    }
    void write(emu::Addr addr, std::uint64_t value, unsigned size = 4) {
        EXPECT_EQ(space->write_value(addr, size, value), emu::MemResult::Ok) << std::hex << "write at 0x" << addr;
    }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    emu::Machine* machine = nullptr;
    std::unique_ptr<emu::MemoryRegion> system;
    std::unique_ptr<emu::AddressSpace> space;
};

}  // namespace emu_test
