// gdb's remote serial protocol, below the commands: packet framing ($data#cs), acks, the
// interrupt byte, and the hex and binary encodings packets use. No I/O here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::gdb {

// Largest packet payload accepted or sent (advertised as PacketSize in qSupported).
inline constexpr std::size_t kMaxPacket = 0x4000;

// Splits the byte stream from gdb into events, one byte at a time.
class PacketReader {
public:
    enum class Event {
        None,         // nothing complete yet
        Packet,       // packet() holds a packet's payload with a good checksum
        Ack,          // '+'
        Nak,          // '-': retransmit the last packet
        Interrupt,    // 0x03 outside a packet (Ctrl-C)
        BadChecksum,  // a packet whose checksum did not match (or was not hex): dropped
        TooLong,      // a packet longer than kMaxPacket: dropped
    };
    Event feed(char byte);
    const std::string& packet() const { return packet_; }

private:
    enum class State { Idle, Data, Checksum1, Checksum2 };
    State state_ = State::Idle;
    std::string packet_;
    std::uint8_t sum_ = 0;
    int checksum_high_ = 0;
    bool too_long_ = false;
};

// "$" payload "#" two-digit checksum.
std::string frame_packet(std::string_view payload);

std::string to_hex(const std::uint8_t* bytes, std::size_t length);
std::string to_hex(std::string_view text);
// A number in hex without leading zeros (thread ids).
std::string to_hex_number(std::uint64_t value);
// An even number of hex digits; nothing on any other character.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex);
// 1 to 16 hex digits, nothing else.
std::optional<std::uint64_t> parse_hex_number(std::string_view hex);
// Binary data in packets: '}' then the byte XOR 0x20 stands for '#', '$', '}' and '*'.
std::string escape_binary(std::string_view data);
std::optional<std::vector<std::uint8_t>> unescape_binary(std::string_view data);

// Splits "a,b,c" (or any separator) into its pieces.
std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace emu::gdb
