// String forms of property values: the parsers the property tables and the command line share.
#include <cctype>
#include <cstdio>

#include "emu/property.h"

namespace emu {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Parses decimal, 0x hex, or 0 octal/0b binary digits of an unsigned number (no sign).
bool parse_digits(std::string_view text, std::uint64_t& value) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
        base = 2;
        text.remove_prefix(2);
    }
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool parse_bool(std::string_view text) {
    const std::string t = lower(text);
    if (t == "on" || t == "yes" || t == "true" || t == "1") return true;
    if (t == "off" || t == "no" || t == "false" || t == "0") return false;
    throw Error("is not a boolean (use on or off)");
}

std::uint64_t parse_uint(std::string_view text, std::uint64_t min, std::uint64_t max) {
    std::uint64_t value = 0;
    if (!parse_digits(text, value)) throw Error("is not a number");
    if (value < min || value > max)
        throw Error("is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return value;
}

std::int64_t parse_int(std::string_view text, std::int64_t min, std::int64_t max) {
    bool negative = !text.empty() && text[0] == '-';
    std::string_view digits = negative || (!text.empty() && text[0] == '+') ? text.substr(1) : text;
    std::uint64_t magnitude = 0;
    if (!parse_digits(digits, magnitude)) throw Error("is not a number");
    const std::uint64_t limit = negative ? std::uint64_t(1) << 63 : (std::uint64_t(1) << 63) - 1;
    auto range_error = [&] {
        return Error("is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    };
    if (magnitude > limit) throw range_error();
    std::int64_t value = negative ? static_cast<std::int64_t>(0 - magnitude)
                                  : static_cast<std::int64_t>(magnitude);
    if (value < min || value > max) throw range_error();
    return value;
}

std::uint64_t parse_size(std::string_view text, std::uint64_t default_unit) {
    std::size_t n = 0;
    while (n < text.size() && (std::isxdigit(static_cast<unsigned char>(text[n])) ||
                               text[n] == 'x' || text[n] == 'X'))
        ++n;
    // "0x1000" is hex; in a decimal number a trailing 'b'/'B' is a unit, not a digit.
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (!hex) {
        n = 0;
        while (n < text.size() && std::isdigit(static_cast<unsigned char>(text[n]))) ++n;
    }
    std::uint64_t value = 0;
    if (n == 0 || !parse_digits(text.substr(0, n), value)) throw Error("is not a size");
    std::string suffix = lower(text.substr(n));
    std::uint64_t unit = default_unit;
    if (!suffix.empty()) {
        if (suffix.size() == 3 && suffix.substr(1) == "ib") suffix.resize(1);
        if (suffix.size() == 2 && suffix[1] == 'b') suffix.resize(1);
        static constexpr std::pair<char, std::uint64_t> units[] = {
            {'b', 1}, {'k', 1ull << 10}, {'m', 1ull << 20}, {'g', 1ull << 30}, {'t', 1ull << 40}};
        unit = 0;
        for (auto [c, u] : units)
            if (suffix.size() == 1 && suffix[0] == c) unit = u;
        if (unit == 0) throw Error("is not a size (use a K, M, G or T suffix)");
    }
    if (value != 0 && unit > UINT64_MAX / value) throw Error("is too large");
    return value * unit;
}

std::string format_size(std::uint64_t bytes) {
    static constexpr std::pair<char, unsigned> units[] = {{'T', 40}, {'G', 30}, {'M', 20}, {'K', 10}};
    if (bytes == 0) return "0";
    for (auto [suffix, shift] : units)
        if (bytes % (std::uint64_t(1) << shift) == 0)
            return std::to_string(bytes >> shift) + suffix;
    return std::to_string(bytes);
}

MacAddress MacAddress::parse(std::string_view text) {
    MacAddress mac;
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    if (text.size() != 17) throw Error("is not a MAC address");
    for (int i = 0; i < 6; ++i) {
        const int hi = hex(text[i * 3]), lo = hex(text[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != ':' && text[i * 3 + 2] != '-'))
            throw Error("is not a MAC address");
        mac.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return mac;
}

std::string MacAddress::to_string() const {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                  bytes[3], bytes[4], bytes[5]);
    return buf;
}

bool MacAddress::is_zero() const {
    for (auto b : bytes)
        if (b) return false;
    return true;
}

Object& resolve_link(const Object& from, std::string_view path, std::string_view target_type) {
    Object* target = from.resolve(path);
    if (!target) throw Error("does not name an object");
    if (!target->is_a(target_type)) throw Error("is not a " + std::string(target_type));
    return *target;
}

Object& resolve_backend(const Object& from, std::string_view kind, std::string_view id) {
    Object* container = from.root().child(kind);
    Object* target = container ? container->child(id) : nullptr;
    if (!target) throw Error("does not name a " + std::string(kind) + " (no -" + std::string(kind) +
                             " with this id)");
    if (!target->is_a(kind)) throw Error("is not a " + std::string(kind));
    return *target;
}

}  // namespace emu
