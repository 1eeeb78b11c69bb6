#include "keyval.h"

#include "emu/error.h"

namespace emu::cli {

namespace {

// Split at single commas; ",," is a literal comma.
std::vector<std::string> split_items(std::string_view text) {
    std::vector<std::string> items(1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != ',') {
            items.back() += text[i];
        } else if (i + 1 < text.size() && text[i + 1] == ',') {
            items.back() += ',';
            ++i;
        } else {
            items.emplace_back();
        }
    }
    return items;
}

}  // namespace

std::optional<std::string> KeyValues::find(std::string_view key) const {
    for (auto it = items.rbegin(); it != items.rend(); ++it)
        if (it->first == key) return it->second;
    return std::nullopt;
}

std::optional<std::string> KeyValues::take(std::string_view key) {
    std::optional<std::string> value;
    for (auto it = items.begin(); it != items.end();) {
        if (it->first == key) {
            value = it->second;
            it = items.erase(it);
        } else {
            ++it;
        }
    }
    return value;
}

KeyValues parse_keyval(std::string_view text, std::string_view implied_key) {
    KeyValues kv;
    auto items = split_items(text);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string& item = items[i];
        if (item == "help" || item == "?") {
            kv.help = true;
            continue;
        }
        const auto eq = item.find('=');
        if (eq == std::string::npos) {
            if (i == 0 && implied_key.empty()) {
                kv.head = item;
            } else if (i == 0) {
                kv.items.emplace_back(std::string(implied_key), item);
            } else if (!item.empty()) {
                // QEMU accepts a bare boolean key as "key=on".
                kv.items.emplace_back(item, "on");
            } else {
                throw Error("'" + std::string(text) + "': empty item in option list");
            }
            continue;
        }
        if (eq == 0) throw Error("'" + std::string(text) + "': item '" + item + "' has no key");
        kv.items.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return kv;
}

}  // namespace emu::cli
