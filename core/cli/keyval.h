// QEMU's "head,key=value,key=value" option syntax (-device, -M, -netdev, -nic, -smp).
// A comma inside a value is written twice (",,"). A bare "help" or "?" asks for help.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::cli {

struct KeyValues {
    std::string head;                                         // "e1000"; may be empty
    std::vector<std::pair<std::string, std::string>> items;   // in order given
    bool help = false;                                        // a "help" or "?" item

    std::optional<std::string> take(std::string_view key);    // remove and return a key's value
    std::optional<std::string> find(std::string_view key) const;
};

// implied_key: the key a leading item without '=' belongs to ("type" for -netdev, empty for
// -device whose head is the type name itself). Throws Error on a malformed list.
KeyValues parse_keyval(std::string_view text, std::string_view implied_key = {});

}  // namespace emu::cli
