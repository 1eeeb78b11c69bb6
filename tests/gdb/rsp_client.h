// A minimal gdb remote-protocol client for the stub tests: it frames, acks and checks packets
// itself, and can also send raw (broken) bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu::gdbtest {

class RspClient {
public:
    // Connects to 127.0.0.1:port, retrying until timeout (emu may still be starting).
    RspClient(int port, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
    ~RspClient();
    RspClient(const RspClient&) = delete;
    RspClient& operator=(const RspClient&) = delete;

    bool connected() const { return fd_ >= 0; }
    void close();

    // Sends a packet (and, with acks on, expects '+'); returns the reply packet's payload.
    // nullopt on timeout or a closed connection.
    std::optional<std::string> command(std::string_view payload,
                                       std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
    void send_packet(std::string_view payload);
    // The next packet from the stub (acking it), skipping acks; nullopt on timeout/close.
    std::optional<std::string> read_packet(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
    // The next byte from the stub; nullopt on timeout/close.
    std::optional<char> read_byte(std::chrono::milliseconds timeout);
    void send_raw(std::string_view bytes);
    // The stub closed the connection (read returns end of file) within timeout.
    bool closed_by_peer(std::chrono::milliseconds timeout);

    void set_no_ack(bool on) { no_ack_ = on; }

private:
    int fd_ = -1;
    bool no_ack_ = false;
};

// Hex of a little-endian 32-bit value, as registers and memory appear in packets.
std::string le32_hex(std::uint32_t value);
std::uint32_t le32_from_hex(std::string_view hex);

}  // namespace emu::gdbtest
