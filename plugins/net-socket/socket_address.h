// host:port strings of -netdev socket, resolved and opened as sockets with one-line errors.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace emu_net_socket {

// "host:port", "[v6addr]:port" or ":port" (no host). Throws emu::Error("'text' reason").
struct HostPort {
    std::string host;
    std::string port;
};
HostPort split_host_port(const std::string& text);

// Each throws emu::Error with a message naming the address and the system's reason. The
// returned fds are non-blocking and close-on-exec.
int listen_stream(const HostPort& address);        // empty host: every address
int connect_stream(const HostPort& address);       // empty host: localhost
int bind_datagram(const HostPort& local, int family_hint);

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    int family() const { return storage.ss_family; }
};
SocketAddress resolve_datagram(const HostPort& address);

// The port a socket is bound to (0 if unknown), and "127.0.0.1:4444" for messages.
std::uint16_t bound_port(int fd);
std::string describe(const sockaddr* address, socklen_t length);

}  // namespace emu_net_socket
