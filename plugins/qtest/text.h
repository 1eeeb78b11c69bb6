// The protocol's text: words, numbers, hex and base64 (plugin "qtest", internal).
//
// Every parser here takes bytes straight from the test (or a fuzzer) and returns nullopt for
// anything it does not accept; none of them throws or reads past its input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::qtest {

// The words of a command line, split at spaces and tabs (runs of them count as one).
std::vector<std::string_view> split_words(std::string_view line);

// An unsigned number as C's strtoull with base 0 reads it: 0x1f (hex), 017 (octal), 15
// (decimal). The whole word must be the number, and it must fit in 64 bits.
std::optional<std::uint64_t> parse_number(std::string_view word);
// The same with an optional leading '-' (an IRQ level), within int64.
std::optional<std::int64_t> parse_signed(std::string_view word);

// Lower-case hex of bytes, without a prefix.
std::string to_hex(const std::uint8_t* data, std::size_t length);
// "0x" followed by an even number of hex digits; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view word);

// Standard base64 (RFC 4648) with '=' padding.
std::string to_base64(const std::uint8_t* data, std::size_t length);
// Accepts the standard alphabet, with or without the final padding; nullopt for anything else.
std::optional<std::vector<std::uint8_t>> from_base64(std::string_view word);

// A piece of untrusted input fit to quote in a one-line answer: at most max_length
// characters (then "..."), anything unprintable shown as '?'.
std::string quoted(std::string_view text, std::size_t max_length = 40);

}  // namespace emu::qtest
