// A test plugin with one device per interesting shape: every property kind, a realize that
// fails on request, a back end type, and a machine. Used by the loader and CLI tests.
#include <emu/device.h>
#include <emu/machine.h>
#include <emu/net.h>
#include <emu/plugin.h>
#include <emu/property.h>

namespace {

enum class Mode { Fast, Slow, Off };

class TestBackend : public emu::NetBackend {
public:
    std::string label;
    bool receive(std::span<const std::uint8_t>) override { return true; }
};

class TestDevice : public emu::Device {
public:
    bool flag = false;
    std::uint16_t port = 0;
    std::int32_t offset = 0;
    std::uint64_t size = 0;
    std::string label;
    Mode mode = Mode::Fast;
    emu::MacAddress mac;
    emu::Object* peer = nullptr;
    TestBackend* backend = nullptr;
    bool fail = false;

    static void class_init(emu::ClassBuilder<TestDevice>& c) {
        c.boolean("flag", &TestDevice::flag, false, "a boolean");
        c.integer("port", &TestDevice::port, std::uint16_t{0x300}, "an unsigned integer").range(0x100, 0x3ff);
        c.integer("offset", &TestDevice::offset, std::int32_t{-1}, "a signed integer").range(-8, 8);
        c.size("size", &TestDevice::size, 64 << 10, "a size");
        c.string("label", &TestDevice::label, "hello", "a string");
        c.enumeration("mode", &TestDevice::mode, {{"fast", Mode::Fast}, {"slow", Mode::Slow}, {"off", Mode::Off}},
                      Mode::Slow, "an enumeration");
        c.mac("mac", &TestDevice::mac, "a MAC address");
        c.link("peer", &TestDevice::peer, "device", "a link to another device");
        c.backend("netdev", &TestDevice::backend, "netdev", "a network back end");
        c.boolean("fail", &TestDevice::fail, false, "make realize fail");
        c.string("note", &TestDevice::label, std::nullopt, "runtime-settable string").runtime_settable();
    }

protected:
    void do_realize() override {
        if (fail) throw emu::Error("realize failed because fail=on was given");
        emu::connect_nic(*this, client_, backend);  // plays a NIC for netdev=
    }

private:
    emu::NicClient client_{*this, [](std::span<const std::uint8_t>) { return true; }};
};

class TestMachine : public emu::Machine {
public:
    unsigned max_cpus() const override { return 4; }
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "netdev-testnet", .parent = "netdev", .user_creatable = true,
               .description = "a test network back end", .factory = emu::factory_of<TestBackend>()});
    types.add({.name = "test-device", .parent = "device", .category = emu::Category::Misc,
               .description = "a device with every property kind",
               .factory = emu::factory_of<TestDevice>(),
               .class_init = emu::class_init_of<TestDevice>(&TestDevice::class_init)});
    types.add({.name = "test-machine", .parent = "machine", .aliases = {"test-machine-alias"},
               .description = "a test machine with up to 4 CPUs",
               .factory = emu::factory_of<TestMachine>()});
}

}  // namespace

EMU_PLUGIN(testkit, "1.0.0", "Types for emu's own tests", "MIT", register_types);
