#include "gdb_protocol.h"

namespace emu::gdb {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

constexpr char kDigits[] = "0123456789abcdef";

}  // namespace

PacketReader::Event PacketReader::feed(char byte) {
    switch (state_) {
    case State::Idle:
        switch (byte) {
        case '$':
            state_ = State::Data;
            packet_.clear();
            sum_ = 0;
            too_long_ = false;
            return Event::None;
        case '+':
            return Event::Ack;
        case '-':
            return Event::Nak;
        case '\x03':
            return Event::Interrupt;
        default:
            return Event::None;  // noise between packets is ignored
        }
    case State::Data:
        if (byte == '#') {
            state_ = State::Checksum1;
            return Event::None;
        }
        sum_ = static_cast<std::uint8_t>(sum_ + static_cast<std::uint8_t>(byte));
        if (packet_.size() < kMaxPacket) packet_ += byte;
        else too_long_ = true;
        return Event::None;
    case State::Checksum1:
        checksum_high_ = hex_digit(byte);
        state_ = State::Checksum2;
        return Event::None;
    case State::Checksum2: {
        state_ = State::Idle;
        const int low = hex_digit(byte);
        if (too_long_) {
            packet_.clear();
            return Event::TooLong;
        }
        if (checksum_high_ < 0 || low < 0 || ((checksum_high_ << 4) | low) != sum_) {
            packet_.clear();
            return Event::BadChecksum;
        }
        return Event::Packet;
    }
    }
    return Event::None;
}

std::string frame_packet(std::string_view payload) {
    std::uint8_t sum = 0;
    for (char c : payload) sum = static_cast<std::uint8_t>(sum + static_cast<std::uint8_t>(c));
    std::string framed;
    framed.reserve(payload.size() + 4);
    framed += '$';
    framed += payload;
    framed += '#';
    framed += kDigits[sum >> 4];
    framed += kDigits[sum & 15];
    return framed;
}

std::string to_hex(const std::uint8_t* bytes, std::size_t length) {
    std::string hex;
    hex.reserve(length * 2);
    for (std::size_t i = 0; i < length; ++i) {
        hex += kDigits[bytes[i] >> 4];
        hex += kDigits[bytes[i] & 15];
    }
    return hex;
}

std::string to_hex(std::string_view text) {
    return to_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

std::string to_hex_number(std::uint64_t value) {
    std::string hex;
    do {
        hex.insert(hex.begin(), kDigits[value & 15]);
        value >>= 4;
    } while (value);
    return hex;
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    std::vector<std::uint8_t> bytes(hex.size() / 2);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const int high = hex_digit(hex[2 * i]), low = hex_digit(hex[2 * i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes[i] = static_cast<std::uint8_t>((high << 4) | low);
    }
    return bytes;
}

std::optional<std::uint64_t> parse_hex_number(std::string_view hex) {
    if (hex.empty() || hex.size() > 16) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : hex) {
        const int digit = hex_digit(c);
        if (digit < 0) return std::nullopt;
        value = (value << 4) | static_cast<std::uint64_t>(digit);
    }
    return value;
}

std::string escape_binary(std::string_view data) {
    std::string out;
    out.reserve(data.size());
    for (char c : data) {
        if (c == '#' || c == '$' || c == '}' || c == '*') {
            out += '}';
            out += static_cast<char>(c ^ 0x20);
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> unescape_binary(std::string_view data) {
    std::vector<std::uint8_t> out;
    out.reserve(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] != '}') {
            out.push_back(static_cast<std::uint8_t>(data[i]));
            continue;
        }
        if (++i == data.size()) return std::nullopt;  // an escape needs its byte
        out.push_back(static_cast<std::uint8_t>(data[i] ^ 0x20));
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    for (;;) {
        const auto at = text.find(separator);
        pieces.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return pieces;
        text.remove_prefix(at + 1);
    }
}

}  // namespace emu::gdb
