#include "socket_address.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <emu/error.h>

namespace emu_net_socket {
namespace {

struct AddrInfoDeleter {
    void operator()(addrinfo* ai) const { ::freeaddrinfo(ai); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

std::string shown(const HostPort& address) {
    const bool v6 = address.host.find(':') != std::string::npos;
    return (v6 ? "[" + address.host + "]" : address.host) + ":" + address.port;
}

AddrInfoList resolve(const HostPort& address, int socktype, bool passive, int family = AF_UNSPEC) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    addrinfo* result = nullptr;
    const char* host = address.host.empty() ? (passive ? nullptr : "localhost") : address.host.c_str();
    const int rc = ::getaddrinfo(host, address.port.c_str(), &hints, &result);
    if (rc != 0)
        throw emu::Error("cannot resolve '" + shown(address) + "': " +
                         (rc == EAI_SYSTEM ? std::string(std::strerror(errno)) : std::string(::gai_strerror(rc))));
    return AddrInfoList(result);
}

[[noreturn]] void failed(const std::string& what, const HostPort& address, int error) {
    throw emu::Error("cannot " + what + " " + shown(address) + ": " + std::strerror(error));
}

}  // namespace

HostPort split_host_port(const std::string& text) {
    HostPort out;
    std::string rest = text;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) throw emu::Error("'" + text + "' has no ']' after the IPv6 address");
        out.host = rest.substr(1, close - 1);
        rest = rest.substr(close + 1);
        if (rest.empty() || rest.front() != ':') throw emu::Error("'" + text + "' has no ':port'");
        out.port = rest.substr(1);
    } else {
        const auto colon = rest.rfind(':');
        if (colon == std::string::npos) throw emu::Error("'" + text + "' is not host:port");
        out.host = rest.substr(0, colon);
        out.port = rest.substr(colon + 1);
    }
    if (out.port.empty()) throw emu::Error("'" + text + "' has no port");
    return out;
}

int listen_stream(const HostPort& address) {
    AddrInfoList list = resolve(address, SOCK_STREAM, true);
    int error = 0;
    for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 1) == 0) return fd;
        error = errno;
        ::close(fd);
    }
    failed("listen on", address, error);
}

int connect_stream(const HostPort& address) {
    AddrInfoList list = resolve(address, SOCK_STREAM, false);
    int error = 0;
    for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        int rc;
        do rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        while (rc != 0 && errno == EINTR);
        if (rc == 0) {
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
            return fd;
        }
        error = errno;
        ::close(fd);
    }
    failed("connect to", address, error);
}

int bind_datagram(const HostPort& local, int family_hint) {
    AddrInfoList list = resolve(local, SOCK_DGRAM, true, family_hint);
    int error = 0;
    for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
        error = errno;
        ::close(fd);
    }
    failed("bind to", local, error);
}

SocketAddress resolve_datagram(const HostPort& address) {
    AddrInfoList list = resolve(address, SOCK_DGRAM, false);
    SocketAddress out;
    std::memcpy(&out.storage, list->ai_addr, list->ai_addrlen);
    out.length = list->ai_addrlen;
    return out;
}

std::uint16_t bound_port(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (fd < 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
    if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    return 0;
}

std::string describe(const sockaddr* address, socklen_t length) {
    char host[NI_MAXHOST];
    char service[NI_MAXSERV];
    if (::getnameinfo(address, length, host, sizeof host, service, sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return "?";
    return (address->sa_family == AF_INET6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + service;
}

}  // namespace emu_net_socket
