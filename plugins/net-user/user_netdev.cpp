// -netdev user (type "netdev-user"): QEMU's user-mode network on libslirp. The guest sees a
// router at 10.0.2.2 (which is also the way to the host's own loopback), a DNS forwarder at
// 10.0.2.3 that asks the host's resolver, and a DHCP server handing out 10.0.2.15 onwards;
// hostfwd= opens host ports that lead to the guest. No privileges needed.
//
// Frames from slirp go to the NIC with send(); slirp cannot be paused, so a NIC that is
// momentarily full relies on the layer's queue (and TCP's retransmission beyond it). Frames from
// the NIC go straight into slirp_input().
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <emu/error.h>
#include <emu/machine.h>
#include <emu/net.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include "slirp_loop.h"
#include "user_config.h"

namespace emu_net_user {
namespace {

in_addr to_in_addr(Ipv4 address) {
    in_addr out{};
    out.s_addr = htonl(address);
    return out;
}

in6_addr ipv6(const char* text) {
    in6_addr out{};
    ::inet_pton(AF_INET6, text, &out);
    return out;
}

class UserNetdev final : public emu::NetBackend {
public:
    ~UserNetdev() override { stop(); }

    bool receive(std::span<const std::uint8_t> frame) override {
        if (slirp_) {
            slirp_input(slirp_, frame.data(), static_cast<int>(frame.size()));
            loop_->wakeup();  // a new connection may have a socket to watch
        }
        return true;
    }

    static void class_init(emu::ClassBuilder<UserNetdev>& c) {
        c.string("net", &UserNetdev::net_, "10.0.2.0/24", "the guest's IPv4 network, addr[/mask]");
        c.string("host", &UserNetdev::host_, std::nullopt,
                 "the router's address, also the way to the host's loopback (default: net's .2)");
        c.string("dhcpstart", &UserNetdev::dhcp_start_, std::nullopt,
                 "the first address the DHCP server hands out (default: net's .15)");
        c.string("dns", &UserNetdev::dns_, std::nullopt,
                 "the DNS forwarder's address, asking the host's resolver (default: net's .3)");
        c.string("hostname", &UserNetdev::hostname_, std::nullopt, "the host name DHCP gives the guest");
        c.string("domainname", &UserNetdev::domainname_, std::nullopt, "the domain name DHCP gives the guest");
        c.string_list("dnssearch", &UserNetdev::dnssearch_, "a DNS search domain DHCP gives the guest (repeatable)");
        c.boolean("restrict", &UserNetdev::restricted_, false,
                  "isolate the guest: no connections out, only hostfwd= in");
        c.string_list("hostfwd", &UserNetdev::hostfwd_,
                      "forward a host port to the guest, [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport "
                      "(repeatable)");
        c.string("tftp", &UserNetdev::tftp_, std::nullopt, "serve this host directory over TFTP");
        c.string("bootfile", &UserNetdev::bootfile_, std::nullopt, "the boot file name DHCP announces");
        c.boolean("ipv4", &UserNetdev::ipv4_, true, "IPv4 on the guest network");
        // On by default, as in QEMU (iPXE waits ~13 s for an IPv6 router when it is off).
        c.boolean("ipv6", &UserNetdev::ipv6_, true, "IPv6 on the guest network (fec0::/64, router fec0::2)");
    }

protected:
    void do_realize() override {
        emu::Machine* machine = this->machine();
        if (!machine) fail("needs a machine (its event loop) to run in");
        if (!ipv4_ && !ipv6_) fail("ipv4=off and ipv6=off leave the guest no network");
        AddressPlan plan;
        std::vector<HostForward> forwards;
        try {
            plan = parse_address_plan({net_, host_, dhcp_start_, dns_});
            for (const std::string& rule : hostfwd_) forwards.push_back(parse_host_forward(rule, plan));
        } catch (const emu::Error& e) {
            fail(e.what());
        }
        loop_ = std::make_unique<SlirpLoop>(machine->loop());
        start(plan);
        try {
            for (std::size_t i = 0; i < forwards.size(); ++i) add_forward(forwards[i], hostfwd_[i]);
        } catch (...) {
            stop();
            throw;
        }
        loop_->attach(slirp_);
    }

    void do_unrealize() override { stop(); }

private:
    [[noreturn]] void fail(const std::string& what) const { throw emu::Error(display_name() + ": " + what); }

    void start(const AddressPlan& plan) {
        dnssearch_ptrs_.clear();
        for (const std::string& domain : dnssearch_) dnssearch_ptrs_.push_back(domain.c_str());
        dnssearch_ptrs_.push_back(nullptr);

        SlirpConfig config{};
        config.version = 4;
        config.restricted = restricted_ ? 1 : 0;
        config.in_enabled = ipv4_;
        config.vnetwork = to_in_addr(plan.network);
        config.vnetmask = to_in_addr(plan.netmask);
        config.vhost = to_in_addr(plan.host);
        config.vdhcp_start = to_in_addr(plan.dhcp_start);
        config.vnameserver = to_in_addr(plan.dns);
        config.in6_enabled = ipv6_;
        config.vprefix_addr6 = ipv6("fec0::");
        config.vprefix_len = 64;
        config.vhost6 = ipv6("fec0::2");
        config.vnameserver6 = ipv6("fec0::3");
        config.vhostname = hostname_.empty() ? nullptr : hostname_.c_str();
        config.vdomainname = domainname_.empty() ? nullptr : domainname_.c_str();
        config.vdnssearch = dnssearch_.empty() ? nullptr : dnssearch_ptrs_.data();
        config.tftp_path = tftp_.empty() ? nullptr : tftp_.c_str();
        config.bootfile = bootfile_.empty() ? nullptr : bootfile_.c_str();
        config.disable_host_loopback = false;  // 10.0.2.2 reaches the host's 127.0.0.1
        slirp_ = slirp_new(&config, &callbacks(), this);
        if (!slirp_) fail("libslirp could not start");
    }

    void add_forward(const HostForward& forward, const std::string& rule) {
        errno = 0;
        if (slirp_add_hostfwd(slirp_, forward.udp ? 1 : 0, to_in_addr(forward.host_address), forward.host_port,
                              to_in_addr(forward.guest_address), forward.guest_port) < 0) {
            const int error = errno;
            fail("hostfwd '" + rule + "': cannot listen on " + (forward.udp ? "udp:" : "tcp:") +
                 ipv4_text(forward.host_address) + ":" + std::to_string(forward.host_port) +
                 (error ? ": " + std::string(std::strerror(error)) : std::string()));
        }
    }

    void stop() {
        if (loop_) loop_->detach();
        if (slirp_) slirp_cleanup(slirp_);
        slirp_ = nullptr;
    }

    // ---- slirp's callbacks (opaque is the UserNetdev) ----
    static UserNetdev& self(void* opaque) { return *static_cast<UserNetdev*>(opaque); }

    static ssize_t send_packet(const void* data, std::size_t length, void* opaque) {
        self(opaque).send(std::span(static_cast<const std::uint8_t*>(data), length));
        return static_cast<ssize_t>(length);
    }
    static void guest_error(const char* message, void* opaque) {
        std::cerr << "emu: " << self(opaque).display_name() << ": guest error: " << message << "\n";
    }
    static std::int64_t clock_get_ns(void* opaque) { return self(opaque).loop_->now_ns(); }
    static void* timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque) {
        return self(opaque).loop_->new_timer(id, cb_opaque);
    }
    static void timer_free(void* timer, void*) { SlirpLoop::free_timer(timer); }
    static void timer_mod(void* timer, std::int64_t expire_ms, void*) { SlirpLoop::mod_timer(timer, expire_ms); }
    static void register_poll_fd(int, void*) {}
    static void unregister_poll_fd(int, void*) {}
    static void notify(void* opaque) { self(opaque).loop_->wakeup(); }

    static const SlirpCb& callbacks() {
        static const SlirpCb table = [] {
            SlirpCb cb{};
            cb.send_packet = &send_packet;
            cb.guest_error = &guest_error;
            cb.clock_get_ns = &clock_get_ns;
            cb.timer_free = &timer_free;
            cb.timer_mod = &timer_mod;
            cb.register_poll_fd = &register_poll_fd;
            cb.unregister_poll_fd = &unregister_poll_fd;
            cb.notify = &notify;
            cb.timer_new_opaque = &timer_new_opaque;
            return cb;
        }();
        return table;
    }

    std::string net_, host_, dhcp_start_, dns_;
    std::string hostname_, domainname_, tftp_, bootfile_;
    std::vector<std::string> dnssearch_, hostfwd_;
    std::vector<const char*> dnssearch_ptrs_;
    bool restricted_ = false;
    bool ipv4_ = true;
    bool ipv6_ = false;

    std::unique_ptr<SlirpLoop> loop_;
    Slirp* slirp_ = nullptr;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "netdev-user",
               .parent = "netdev",
               .category = emu::Category::Network,
               .description = "user-mode network (libslirp): DHCP, DNS, host forwarding, no privileges",
               .factory = emu::factory_of<UserNetdev>(),
               .class_init = emu::class_init_of<UserNetdev>(&UserNetdev::class_init)});
}

}  // namespace
}  // namespace emu_net_user

EMU_PLUGIN(net_user, "0.1.0", "User-mode networking (-netdev user) on libslirp", "MIT",
           emu_net_user::register_types);
