// -netdev hubport,id=ID,hubid=N[,netdev=OTHER] (type "netdev-hubport"), as QEMU: every port
// with the same hubid joins one hub, which repeats each frame a port receives to all the
// others. A port is used either by a NIC (-device X,netdev=ID) or, with netdev=, by another
// back end (so -netdev user can sit on a hub with several NICs).
//
// Back-pressure: a port that could not pass a frame on (its peer answered Queued) holds the
// whole hub: no port takes frames (can_receive() false, so they wait in the ports' queues)
// until it reports send_ready(). A hub is as fast as its slowest member, and loses nothing.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <emu/error.h>
#include <emu/net.h>
#include <emu/property.h>

#include "net_hub.h"

namespace emu_net_hub {
namespace {

class HubPort;

// The ports sharing one hubid, in the order they joined.
struct Hub {
    std::uint32_t id = 0;
    std::vector<HubPort*> ports;
};

class HubPort final : public emu::NetBackend {
public:
    ~HubPort() override { leave(); }

    bool can_receive() const override {
        if (!hub_) return true;
        return std::none_of(hub_->ports.begin(), hub_->ports.end(), [](const HubPort* p) { return p->blocked_; });
    }

    bool receive(std::span<const std::uint8_t> frame) override {
        if (!hub_) return true;
        // Copy the list: a port may leave while the frame travels (a NIC's receive is arbitrary).
        const std::vector<HubPort*> ports = hub_->ports;
        const auto hub = hub_;
        for (HubPort* port : ports) {
            if (port == this || std::find(hub->ports.begin(), hub->ports.end(), port) == hub->ports.end()) continue;
            if (port->send(frame) == SendStatus::Queued) port->blocked_ = true;
        }
        return true;
    }

    void send_ready() override {
        blocked_ = false;
        if (!hub_ || !can_receive()) return;
        const auto hub = hub_;
        for (HubPort* port : std::vector<HubPort*>(hub->ports)) port->receive_ready();
    }

    static void class_init(emu::ClassBuilder<HubPort>& c) {
        c.integer("hubid", &HubPort::hubid_, std::uint32_t{0}, "the hub this port joins");
        c.backend("netdev", &HubPort::netdev_, "netdev",
                  "another back end to plug into this port (instead of a NIC)");
    }

protected:
    void do_realize() override {
        join();
        if (netdev_) {
            try {
                emu::connect_nic(*this, *this, netdev_);
            } catch (const emu::Error& e) {
                leave();
                throw emu::Error(display_name() + ": " + e.what());
            }
        }
    }

    void do_unrealize() override {
        disconnect();
        leave();
    }

private:
    // Find the hub of a sibling port with the same hubid, or start one.
    void join() {
        if (Object* folder = parent()) {
            for (const auto& child : folder->children()) {
                auto* other = dynamic_cast<HubPort*>(child.get());
                if (other && other != this && other->hub_ && other->hubid_ == hubid_) {
                    hub_ = other->hub_;
                    break;
                }
            }
        }
        if (!hub_) {
            hub_ = std::make_shared<Hub>();
            hub_->id = hubid_;
        }
        hub_->ports.push_back(this);
    }

    void leave() {
        if (!hub_) return;
        std::erase(hub_->ports, this);
        const bool was_blocked = blocked_;
        blocked_ = false;
        auto hub = std::move(hub_);
        if (was_blocked)
            for (HubPort* port : std::vector<HubPort*>(hub->ports)) port->receive_ready();
    }

    std::uint32_t hubid_ = 0;
    emu::NetBackend* netdev_ = nullptr;
    std::shared_ptr<Hub> hub_;
    bool blocked_ = false;  // this port's peer has frames waiting from us
};

}  // namespace

void register_hubport(emu::TypeBatch& types) {
    types.add({.name = "netdev-hubport",
               .parent = "netdev",
               .category = emu::Category::Network,
               .description = "a port of hub hubid=: frames go to every other port of that hub",
               .factory = emu::factory_of<HubPort>(),
               .class_init = emu::class_init_of<HubPort>(&HubPort::class_init)});
}

}  // namespace emu_net_hub
