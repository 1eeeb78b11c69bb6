// emu's one error channel: exceptions of type emu::Error.
//
// An Error's message is written for the user and reaches them verbatim, on one line
// (`e1000: property 'mac': '52:54:00:zz' is not a MAC address`). Code that adds context
// catches, prefixes and rethrows; nothing below the command line prints errors itself.
#pragma once

#include <stdexcept>
#include <string>

namespace emu {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace emu
