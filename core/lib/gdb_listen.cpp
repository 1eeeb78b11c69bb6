// -gdb's address: "tcp::PORT" (every interface, as QEMU) or "tcp:HOST:PORT", and the
// listening socket for it.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "emu/error.h"
#include "gdbstub.h"

namespace emu {

namespace {

[[noreturn]] void fail(const std::string& spec, const std::string& reason) {
    throw Error("-gdb " + spec + ": " + reason);
}

int listen_on(const addrinfo& address, int& error) {
    const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            address.ai_protocol);
    if (fd < 0) {
        error = errno;
        return -1;
    }
    const int on = 1, off = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // "tcp::PORT" on the IPv6 wildcard also takes IPv4 connections.
    if (address.ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (::bind(fd, address.ai_addr, address.ai_addrlen) != 0 || ::listen(fd, 1) != 0) {
        error = errno;
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

GdbListenSpec parse_gdb_spec(const std::string& spec) {
    constexpr std::string_view kTcp = "tcp:";
    const std::string_view text = spec;
    const auto colon = text.rfind(':');
    if (text.substr(0, kTcp.size()) != kTcp || colon < kTcp.size())
        fail(spec, "expected tcp::PORT or tcp:HOST:PORT");
    GdbListenSpec where;
    where.host = std::string(text.substr(kTcp.size(), colon - kTcp.size()));
    if (where.host.size() > 2 && where.host.front() == '[' && where.host.back() == ']')
        where.host = where.host.substr(1, where.host.size() - 2);  // [::1]
    const std::string_view port = text.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
        fail(spec, "'" + std::string(port) + "' is not a port number (1-65535)");
    where.port = static_cast<std::uint16_t>(value);
    return where;
}

int gdb_listen(const std::string& spec, const GdbListenSpec& where) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(where.port);
    const int rc = ::getaddrinfo(where.host.empty() ? nullptr : where.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) fail(spec, "cannot resolve '" + where.host + "': " + ::gai_strerror(rc));
    // The wildcard: prefer the dual-stack IPv6 socket. A name ("localhost"): prefer IPv4, which
    // both "127.0.0.1" and a client trying each address of the name reach.
    const int first = where.host.empty() ? AF_INET6 : AF_INET;
    int error = 0, fd = -1;
    for (const int family : {first, first == AF_INET ? AF_INET6 : AF_INET, AF_UNSPEC}) {
        for (const addrinfo* a = found; a && fd < 0; a = a->ai_next)
            if (family == AF_UNSPEC || a->ai_family == family) fd = listen_on(*a, error);
        if (fd >= 0) break;
    }
    ::freeaddrinfo(found);
    if (fd < 0) fail(spec, "cannot listen on port " + port + ": " + std::strerror(error));
    return fd;
}

}  // namespace emu
