#include "support.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "emu/property.h"
#include "plugin_loader.h"

namespace net_test {

namespace {

class NicOwner final : public emu::Device {};

emu::TypeRegistry* make_registry() {
    // Kept for the whole process: types hold code that lives in the plugins.
    auto* registry = new emu::TypeRegistry;
    static emu::PluginLoader loader(*registry);
    for (const char* plugin : {"net_user.so", "net_socket.so", "net_tap.so", "net_hub.so"}) {
        const emu::PluginRecord& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / plugin);
        if (!record.loaded) throw std::runtime_error(std::string("cannot load ") + plugin + ": " + record.error);
    }
    emu::TypeBatch batch;
    batch.add({.name = "test-nic-owner",
               .parent = "device",
               .category = emu::Category::Network,
               .description = "the device the net tests' NIC clients belong to",
               .factory = emu::factory_of<NicOwner>()});
    registry->register_batch(batch, "net-tests");
    return registry;
}

}  // namespace

emu::TypeRegistry& registry() {
    static emu::TypeRegistry* registry = make_registry();
    return *registry;
}

void NetTest::SetUp() {
    root = registry().create("container");
    machine = root->add_child("machine", registry().create("none")).as<emu::Machine>();
    machine->attach(loop, {});
    owner = root->container("machine/peripheral").add_child("nic", registry().create("test-nic-owner")).as<emu::Device>();
    owner->realize();
}

void NetTest::TearDown() {
    emu::unrealize_tree(*root);
    root.reset();
}

emu::NetBackend& NetTest::create(const std::string& kind, const std::string& id, const Props& props) {
    emu::Object& object = root->container("netdev").add_child(id, registry().create("netdev-" + kind));
    for (auto& [name, value] : props) object.set_property(name, value);
    auto* backend = object.as<emu::NetBackend>();
    if (!backend) throw std::runtime_error("netdev-" + kind + " is not a NetBackend");
    backend->realize();
    return *backend;
}

std::string NetTest::create_error(const std::string& kind, const std::string& id, const Props& props) {
    try {
        create(kind, id, props);
    } catch (const emu::Error& e) {
        return e.what();
    }
    return "";
}

void NetTest::plug(TestNic& nic, emu::NetBackend& backend) { emu::connect_nic(*owner, nic, &backend); }

emu::Object& NetTest::create_object(const std::string& type, const std::string& id, const Props& props) {
    emu::Object& object = root->container("objects").add_child(id, registry().create(type));
    for (auto& [name, value] : props) object.set_property(name, value);
    if (auto* device = object.as<emu::Device>()) device->realize();
    return object;
}

bool NetTest::run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        if (!loop.iterate(false)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

void NetTest::run_for(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline)
        if (!loop.iterate(false)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::uint16_t free_port(bool udp) {
    const int fd = ::socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    socklen_t length = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &length);
    ::close(fd);
    return ntohs(sa.sin_port);
}

std::string hex(const Frame& frame) {
    std::string out;
    char byte[4];
    for (std::uint8_t b : frame) {
        std::snprintf(byte, sizeof byte, "%02x", b);
        out += byte;
    }
    return out;
}

}  // namespace net_test
