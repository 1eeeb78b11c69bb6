// The address plan and port forwards of -netdev user, parsed from QEMU's property syntax into
// plain values (no slirp here), so every mistake is found before slirp is started.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emu_net_user {

// An IPv4 address in host byte order.
using Ipv4 = std::uint32_t;

std::string ipv4_text(Ipv4 address);

// The virtual network: net=, host=, dhcpstart=, dns=. Empty strings take QEMU's defaults
// (10.0.2.0/24; host .2, DNS .3, first DHCP lease .15 of whatever net= says).
struct AddressPlan {
    Ipv4 network = 0;
    Ipv4 netmask = 0;
    Ipv4 host = 0;
    Ipv4 dhcp_start = 0;
    Ipv4 dns = 0;
};

struct AddressOptions {
    std::string net, host, dhcp_start, dns;
};

// Throws emu::Error("property: 'value' reason") naming the property at fault.
AddressPlan parse_address_plan(const AddressOptions& options);

// hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport
struct HostForward {
    bool udp = false;
    Ipv4 host_address = 0;   // 0: every host address (INADDR_ANY)
    std::uint16_t host_port = 0;
    Ipv4 guest_address = 0;  // 0 until resolved: the first DHCP lease
    std::uint16_t guest_port = 0;
};

// Throws emu::Error("hostfwd 'rule': reason"). A missing guest address becomes plan.dhcp_start;
// a guest address outside the virtual network is refused.
HostForward parse_host_forward(std::string_view rule, const AddressPlan& plan);

}  // namespace emu_net_user
