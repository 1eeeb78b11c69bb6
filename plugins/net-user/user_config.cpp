#include "user_config.h"

#include <arpa/inet.h>

#include <charconv>

#include <emu/error.h>

namespace emu_net_user {
namespace {

bool parse_ipv4(std::string_view text, Ipv4& out) {
    const std::string copy(text);
    in_addr address{};
    if (::inet_pton(AF_INET, copy.c_str(), &address) != 1) return false;
    out = ntohl(address.s_addr);
    return true;
}

bool parse_number(std::string_view text, unsigned max, unsigned& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && out <= max;
}

[[noreturn]] void bad(std::string_view property, std::string_view value, std::string_view reason) {
    throw emu::Error("property '" + std::string(property) + "': '" + std::string(value) + "' " +
                     std::string(reason));
}

// QEMU's rule for net= without a mask: the classful mask, with the private 172.16/12 and
// 192.168/16 ranges taken as a whole.
Ipv4 classful_mask(Ipv4 network) {
    if (!(network & 0x80000000u)) return 0xff000000u;
    if ((network & 0xfff00000u) == 0xac100000u) return 0xfff00000u;
    if ((network & 0xc0000000u) == 0x80000000u) return 0xffff0000u;
    if ((network & 0xffff0000u) == 0xc0a80000u) return 0xffff0000u;
    if ((network & 0xe0000000u) == 0xc0000000u) return 0xffffff00u;
    return 0;
}

Ipv4 parse_netmask(std::string_view text, std::string_view net_value) {
    unsigned bits = 0;
    if (parse_number(text, 32, bits)) {
        if (bits < 1 || bits > 30) bad("net", net_value, "needs a prefix length from 1 to 30");
        return ~Ipv4{0} << (32 - bits);
    }
    Ipv4 mask = 0;
    if (!parse_ipv4(text, mask)) bad("net", net_value, "has a netmask that is neither a prefix length nor an address");
    const Ipv4 inverted = ~mask;
    if ((inverted & (inverted + 1)) != 0 || mask == 0 || inverted < 3)
        bad("net", net_value, "has an invalid netmask");
    return mask;
}

// An address of the virtual network other than its network and broadcast addresses.
Ipv4 member(std::string_view property, const std::string& text, const AddressPlan& plan, Ipv4 offset) {
    Ipv4 address = plan.network | offset;
    if (!text.empty() && !parse_ipv4(text, address)) bad(property, text, "is not an IPv4 address");
    const std::string shown = text.empty() ? ipv4_text(address) + " (the default)" : text;
    if ((address & plan.netmask) != plan.network)
        bad(property, shown, "is not in the network " + ipv4_text(plan.network) + "/" + ipv4_text(plan.netmask));
    if (address == plan.network || address == (plan.network | ~plan.netmask))
        bad(property, shown, "is the network's own or broadcast address");
    return address;
}

}  // namespace

std::string ipv4_text(Ipv4 address) {
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
           std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

AddressPlan parse_address_plan(const AddressOptions& options) {
    AddressPlan plan;
    const std::string net = options.net.empty() ? "10.0.2.0/24" : options.net;
    const auto slash = net.find('/');
    if (!parse_ipv4(std::string_view(net).substr(0, slash), plan.network))
        bad("net", net, "is not an IPv4 network (e.g. 10.0.2.0/24)");
    plan.netmask = slash == std::string::npos ? classful_mask(plan.network)
                                              : parse_netmask(std::string_view(net).substr(slash + 1), net);
    if (plan.netmask == 0) bad("net", net, "needs a netmask (e.g. /24)");
    if (plan.network & ~plan.netmask)
        bad("net", net, "has host bits set (the network address is " + ipv4_text(plan.network & plan.netmask) + ")");
    plan.host = member("host", options.host, plan, 2);
    plan.dns = member("dns", options.dns, plan, 3);
    plan.dhcp_start = member("dhcpstart", options.dhcp_start, plan, 15);
    return plan;
}

HostForward parse_host_forward(std::string_view rule, const AddressPlan& plan) {
    auto fail = [&](const std::string& reason) -> emu::Error {
        return emu::Error("hostfwd '" + std::string(rule) + "': " + reason +
                          " (the form is [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport)");
    };
    HostForward forward;
    const auto colon = rule.find(':');
    if (colon == std::string_view::npos) throw fail("no ':' after the protocol");
    const std::string_view protocol = rule.substr(0, colon);
    if (protocol == "udp")
        forward.udp = true;
    else if (!protocol.empty() && protocol != "tcp")
        throw fail("unknown protocol '" + std::string(protocol) + "'");
    const std::string_view rest = rule.substr(colon + 1);
    const auto dash = rest.find('-');
    if (dash == std::string_view::npos) throw fail("no '-' between the host and guest sides");

    auto endpoint = [&](std::string_view side, const char* what, bool port_zero_ok, Ipv4& address,
                        std::uint16_t& port) {
        const auto sep = side.rfind(':');
        if (sep == std::string_view::npos) throw fail(std::string("no ':' before the ") + what + " port");
        const std::string_view addr = side.substr(0, sep);
        if (!addr.empty() && !parse_ipv4(addr, address))
            throw fail(std::string(what) + " address '" + std::string(addr) + "' is not an IPv4 address");
        unsigned value = 0;
        const std::string_view digits = side.substr(sep + 1);
        if (!parse_number(digits, 65535, value) || (value == 0 && !port_zero_ok))
            throw fail(std::string(what) + " port '" + std::string(digits) + "' is not a port number (" +
                       (port_zero_ok ? "0" : "1") + " to 65535)");
        port = static_cast<std::uint16_t>(value);
    };
    endpoint(rest.substr(0, dash), "host", true, forward.host_address, forward.host_port);
    endpoint(rest.substr(dash + 1), "guest", false, forward.guest_address, forward.guest_port);
    if (forward.guest_address == 0) forward.guest_address = plan.dhcp_start;
    if ((forward.guest_address & plan.netmask) != plan.network)
        throw fail("guest address " + ipv4_text(forward.guest_address) + " is not in the network " +
                   ipv4_text(plan.network) + "/" + ipv4_text(plan.netmask));
    return forward;
}

}  // namespace emu_net_user
