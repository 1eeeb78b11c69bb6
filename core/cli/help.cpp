#include "help.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "emu/property.h"
#include "emu/type.h"
#include "emu/version.h"
#include "plugin_loader.h"

namespace emu::cli {

namespace {

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.resize(width, ' ');
    return s;
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

// The kind of thing a type is, for grouping in --list-plugins.
std::string kind_of(const Type& type) {
    if (type.is_a("machine")) return "machine";
    if (type.is_a("device")) return category_name(type.category());
    return category_name(type.category());
}

// The command-line option that creates a type ("-device"), or "" when none does. Back ends
// are named with their short name there (-netdev user for type "netdev-user").
std::string_view option_of(const Type& type) {
    if (type.abstract() || type.is_interface() || !type.user_creatable()) return "";
    if (type.is_a("machine")) return "-M";
    if (type.is_a("cpu")) return "-cpu";
    if (type.is_a("accel")) return "-accel";
    if (type.is_a("netdev")) return "-netdev";
    if (type.is_a("chardev")) return "-chardev";
    if (type.is_a("device") && !type.is_a("backend")) return "-device";
    if (type.is_a("user-creatable")) return "-object";
    return "";
}

}  // namespace

void print_machines(const TypeRegistry& registry, std::ostream& out) {
    out << "Supported machines are:\n";
    for (const Type* t : registry.subtypes("machine", true, true)) {
        std::string desc = t->description();
        if (!t->aliases().empty()) {
            for (const std::string& alias : t->aliases())
                out << pad(alias, 20) << " " << desc << " (alias of " << t->name() << ")\n";
        }
        out << pad(t->name(), 20) << " " << desc << "\n";
    }
}

void print_devices(const TypeRegistry& registry, std::ostream& out) {
    std::map<Category, std::vector<const Type*>> groups;
    for (const Type* t : registry.subtypes("device", true, true))
        if (!t->is_a("backend") && !t->is_a("cpu")) groups[t->category()].push_back(t);
    bool first = true;
    for (auto& [category, types] : groups) {
        if (!first) out << "\n";
        first = false;
        out << category_heading(category) << ":\n";
        for (const Type* t : types) {
            out << "name \"" << t->name() << "\"";
            if (!t->object_class().bus().empty()) out << ", bus " << t->object_class().bus();
            if (!t->description().empty()) out << ", desc \"" << t->description() << "\"";
            out << "\n";
        }
    }
    if (groups.empty()) out << "No devices: no loaded plugin provides one (see --list-plugins).\n";
}

void print_types(const TypeRegistry& registry, std::string_view base, std::string_view heading,
                 std::ostream& out) {
    auto types = registry.find(base) ? registry.subtypes(base, true, true) : std::vector<const Type*>{};
    out << heading << ":\n";
    // Back ends are typed by their short name (-netdev user, -chardev file): show that one.
    const std::string prefix = std::string(base) + "-";
    for (const Type* t : types) {
        const bool short_name = t->name().rfind(prefix, 0) == 0 && (base == "netdev" || base == "chardev");
        out << pad(short_name ? t->name().substr(prefix.size()) : t->name(), 20) << " " << t->description() << "\n";
    }
    if (types.empty()) out << "  (none: no loaded plugin provides one)\n";
}

void print_properties(const Type& type, std::ostream& out) {
    std::vector<const Property*> props;
    for (const Property& p : type.object_class().properties())
        if (!p.hidden) props.push_back(&p);
    if (props.empty()) {
        out << "There are no options for " << type.name() << ".\n";
        return;
    }
    out << type.name() << " options:\n";
    std::sort(props.begin(), props.end(), [](auto* a, auto* b) { return a->name < b->name; });
    for (const Property* p : props) {
        std::string left = "  " + p->name + "=<" + p->type_name + ">";
        out << pad(left, 28) << " - " << p->description;
        if (!p->choices.empty()) {
            out << " (";
            for (std::size_t i = 0; i < p->choices.size(); ++i) out << (i ? "/" : "") << p->choices[i];
            out << ")";
        }
        if (p->default_value) out << " (default: " << *p->default_value << ")";
        out << "\n";
    }
}

void print_plugins(const PluginLoader& loader, const TypeRegistry& registry,
                   const std::vector<std::filesystem::path>& search_path, bool json,
                   std::ostream& out) {
    const std::string core_file = PluginLoader::core_library().string();
    if (json) {
        auto types_json = [&](std::string_view provider) {
            std::string s = "[";
            for (const Type* t : registry.types_of(provider)) {
                if (s.size() > 1) s += ",";
                s += "{\"name\":" + json_string(t->name()) + ",\"kind\":" + json_string(kind_of(*t)) +
                     ",\"abstract\":" + (t->abstract() ? "true" : "false") +
                     ",\"user_creatable\":" + (t->user_creatable() && !t->abstract() && !t->is_interface() ? "true" : "false") +
                     ",\"option\":" + json_string(option_of(*t)) +
                     ",\"description\":" + json_string(t->description()) + "}";
            }
            return s + "]";
        };
        out << "{\"search_path\":[";
        for (std::size_t i = 0; i < search_path.size(); ++i)
            out << (i ? "," : "") << json_string(search_path[i].string());
        out << "],\"plugins\":[";
        out << "{\"name\":\"core\",\"version\":" << json_string(version())
            << ",\"file\":" << json_string(core_file) << ",\"loaded\":true,\"types\":" << types_json("core")
            << "}";
        for (const PluginRecord& p : loader.plugins()) {
            out << ",{\"name\":" << json_string(p.name) << ",\"version\":" << json_string(p.version)
                << ",\"description\":" << json_string(p.description)
                << ",\"license\":" << json_string(p.license) << ",\"file\":" << json_string(p.file.string())
                << ",\"directory\":" << json_string(p.file.parent_path().string())
                << ",\"loaded\":" << (p.loaded ? "true" : "false");
            if (!p.loaded)
                out << ",\"shadowed\":" << (p.shadowed ? "true" : "false") << ",\"error\":" << json_string(p.error);
            out << ",\"types\":" << (p.loaded ? types_json(p.name) : "[]") << "}";
        }
        out << "]}\n";
        return;
    }
    auto print_types_of = [&](std::string_view provider) {
        std::map<std::string, std::vector<std::string>> by_kind;
        for (const Type* t : registry.types_of(provider))
            if (!t->abstract() && !t->is_interface() && t->user_creatable())
                by_kind[kind_of(*t)].push_back(t->name());
        for (auto& [kind, names] : by_kind) {
            out << "    " << kind << ":";
            for (auto& n : names) out << " " << n;
            out << "\n";
        }
    };
    out << "Plugin search path:\n";
    for (auto& dir : search_path) out << "    " << dir.string() << "\n";
    out << "\ncore " << version() << "  " << core_file << "\n";
    out << "    built into emu\n";
    print_types_of("core");
    for (const PluginRecord& p : loader.plugins()) {
        if (!p.loaded) continue;
        out << "\n" << p.name << " " << p.version;
        if (!p.license.empty()) out << " (" << p.license << ")";
        out << "  " << p.file.string() << "\n";
        if (!p.description.empty()) out << "    " << p.description << "\n";
        print_types_of(p.name);
    }
    bool header = false;
    for (const PluginRecord& p : loader.plugins()) {
        if (p.loaded) continue;
        if (!header) out << "\nNot loaded:\n";
        header = true;
        out << "    " << (p.shadowed ? "SKIPPED " : "FAILED ") << p.file.string() << ": " << p.error << "\n";
    }
}

}  // namespace emu::cli
