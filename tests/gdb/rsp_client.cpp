#include "rsp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace emu::gdbtest {

namespace {
using Clock = std::chrono::steady_clock;

std::string frame(std::string_view payload) {
    unsigned sum = 0;
    for (char c : payload) sum += static_cast<unsigned char>(c);
    char checksum[4];
    std::snprintf(checksum, sizeof checksum, "%02x", sum & 0xff);
    return "$" + std::string(payload) + "#" + checksum;
}
}  // namespace

RspClient::RspClient(int port, std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (Clock::now() < end) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
            const int on = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            fd_ = fd;
            return;
        }
        ::close(fd);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

RspClient::~RspClient() { close(); }

void RspClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void RspClient::send_raw(std::string_view bytes) {
    while (fd_ >= 0 && !bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::optional<char> RspClient::read_byte(std::chrono::milliseconds timeout) {
    if (fd_ < 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char c;
    if (::read(fd_, &c, 1) != 1) return std::nullopt;
    return c;
}

bool RspClient::closed_by_peer(std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (fd_ >= 0 && Clock::now() < end) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        char c;
        if (::read(fd_, &c, 1) <= 0) return true;
    }
    return false;
}

void RspClient::send_packet(std::string_view payload) { send_raw(frame(payload)); }

std::optional<std::string> RspClient::read_packet(std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    auto left = [&] {
        return std::max(std::chrono::milliseconds(0),
                        std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()));
    };
    for (;;) {
        const auto c = read_byte(left());
        if (!c) return std::nullopt;
        if (*c != '$') continue;  // acks and noise
        std::string payload;
        for (;;) {
            const auto d = read_byte(left());
            if (!d) return std::nullopt;
            if (*d == '#') break;
            payload += *d;
        }
        std::string checksum;
        for (int i = 0; i < 2; ++i) {
            const auto d = read_byte(left());
            if (!d) return std::nullopt;
            checksum += *d;
        }
        if (frame(payload).substr(payload.size() + 2) != checksum) return "<bad checksum from stub>";
        if (!no_ack_) send_raw("+");
        return payload;
    }
}

std::optional<std::string> RspClient::command(std::string_view payload, std::chrono::milliseconds timeout) {
    send_packet(payload);
    return read_packet(timeout);
}

std::string le32_hex(std::uint32_t value) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff,
                  value >> 24);
    return hex;
}

std::uint32_t le32_from_hex(std::string_view hex) {
    std::uint32_t value = 0;
    for (int i = 3; i >= 0 && hex.size() >= 8; --i)
        value = (value << 8) | static_cast<std::uint32_t>(std::stoul(std::string(hex.substr(2 * i, 2)), nullptr, 16));
    return value;
}

}  // namespace emu::gdbtest
