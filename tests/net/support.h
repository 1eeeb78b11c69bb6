// Shared fixture of the net tests: the back-end plugins loaded into one registry (once per
// process), a root with a "none" machine on an event loop, back ends created under /netdev, and
// TestNic, a NetClient that plays a NIC: it records what it receives and can be made full.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/machine.h"
#include "emu/net.h"
#include "emu/object.h"
#include "emu/type.h"

namespace net_test {

using Frame = std::vector<std::uint8_t>;
using Props = std::vector<std::pair<std::string, std::string>>;

// The registry holding the back-end plugins' types and "test-nic-owner".
emu::TypeRegistry& registry();

// A NetClient standing in for a NIC. room: how many more frames it takes (-1: unlimited);
// when it is full it answers can_receive() false, and fill_up() then calls receive_ready().
class TestNic final : public emu::NetClient {
public:
    explicit TestNic(std::string name = "test-nic") : name_(std::move(name)) {}
    std::string net_name() const override { return name_; }
    bool can_receive() const override { return room != 0; }
    bool receive(std::span<const std::uint8_t> frame) override {
        if (room == 0) return false;
        if (room > 0) --room;
        frames.emplace_back(frame.begin(), frame.end());
        if (on_receive) on_receive(frames.back());
        return true;
    }
    void send_ready() override { ++send_ready_calls; }
    void link_changed() override { ++link_changes; }
    // Give room for n more frames (-1: unlimited) and tell the layer.
    void make_room(int n = -1) {
        room = n;
        receive_ready();
    }

    int room = -1;
    std::vector<Frame> frames;
    int send_ready_calls = 0;
    int link_changes = 0;
    std::function<void(const Frame&)> on_receive;

private:
    std::string name_;
};

class NetTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Create /netdev/<id> of type "netdev-<kind>", set properties, realize.
    emu::NetBackend& create(const std::string& kind, const std::string& id, const Props& props);
    // The message of the Error that creating it throws, or "" if it succeeded.
    std::string create_error(const std::string& kind, const std::string& id, const Props& props);
    // Connect a TestNic to a back end as a NIC's realize would.
    void plug(TestNic& nic, emu::NetBackend& backend);
    // An object of another type under /objects/<id>, realized.
    emu::Object& create_object(const std::string& type, const std::string& id, const Props& props);

    // Iterate the loop until pred() holds (false on timeout), or for a while.
    bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    void run_for(std::chrono::milliseconds duration);

    emu::EventLoop loop;  // declared first: destroyed after the tree
    std::unique_ptr<emu::Object> root;
    emu::Machine* machine = nullptr;
    emu::Device* owner = nullptr;  // the device the TestNics belong to
};

// A free TCP or UDP port on 127.0.0.1 (bound and released: a short race, fine for tests).
std::uint16_t free_port(bool udp = false);
std::string hex(const Frame& frame);

}  // namespace net_test
