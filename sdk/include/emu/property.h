// Typed properties, declared per type in its class-init.
//
// Every property can be set from a string and printed as one; `-device T,help` and the
// command line use exactly these tables. Declaring one binds it to a member of the C++ class:
//
//     static void class_init(emu::ClassBuilder<Ne2kIsa>& c) {
//         c.integer("iobase", &Ne2kIsa::iobase_, 0x300, "I/O port base").range(0, 0xffe0);
//         c.mac("mac", &Ne2kIsa::mac_, "MAC address");
//         c.backend("netdev", &Ne2kIsa::netdev_, "netdev", "network back end");
//     }
//
// A string_list property (hostfwd=) may be given several times on one option line; each
// assignment appends.
//
// A parse failure names the object, the property and the value:
//     e1000: property 'mac': '52:54:00:zz' is not a MAC address
#pragma once

#include <array>
#include <charconv>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "emu/error.h"
#include "emu/object.h"
#include "emu/type.h"

namespace emu {

enum class PropertyKind { Bool, Int, Uint, Size, String, StringList, Enum, Mac, Link, Backend };

class Property {
public:
    using Parser = std::function<void(Object&, std::string_view)>;  // throws Error(reason)
    using Printer = std::function<std::string(const Object&)>;

    std::string name;
    PropertyKind kind = PropertyKind::String;
    std::string type_name;                   // as shown in help: "bool", "uint32", "size", ...
    std::string description;
    std::optional<std::string> default_value;  // applied when an object is created
    bool runtime_settable = false;           // may change after realize
    bool hidden = false;                     // managed by the core; not listed in help
    std::vector<std::string> choices;        // enum values, for help
    Parser parse;
    Printer print;
};

// ---- Value parsing, shared by properties and the command line -------------------------
// Each returns the value or throws Error with a reason phrased to follow the value, e.g.
// "is not a number", so callers can build "prop: 'value' is not a number".

bool parse_bool(std::string_view text);              // on/off, yes/no, true/false, 1/0
std::int64_t parse_int(std::string_view text, std::int64_t min, std::int64_t max);
std::uint64_t parse_uint(std::string_view text, std::uint64_t min, std::uint64_t max);
// Sizes take an optional K/M/G/T suffix (powers of 1024, with or without B / iB);
// plain numbers are bytes unless default_unit says otherwise (-m takes MiB).
std::uint64_t parse_size(std::string_view text, std::uint64_t default_unit = 1);
std::string format_size(std::uint64_t bytes);        // "512M", "1G", "4097"

struct MacAddress {
    std::array<std::uint8_t, 6> bytes{};
    static MacAddress parse(std::string_view text);  // aa:bb:cc:dd:ee:ff
    std::string to_string() const;
    bool is_multicast() const { return bytes[0] & 1; }
    bool is_zero() const;
    friend bool operator==(const MacAddress&, const MacAddress&) = default;
};

// Result of the "link" parse: the object named by a path, checked against a type.
Object& resolve_link(const Object& from, std::string_view path, std::string_view target_type);
// Result of a backend reference: the object with that id under /<kind>/ (e.g. /netdev/n0).
Object& resolve_backend(const Object& from, std::string_view kind, std::string_view id);

// ---- Declaring properties ---------------------------------------------------------------

// Handle to a just-declared property, for the optional details.
class PropertyRef {
public:
    explicit PropertyRef(Property& p) : p_(&p) {}
    PropertyRef& runtime_settable() { p_->runtime_settable = true; return *this; }
    Property& property() { return *p_; }

protected:
    Property* p_;
};

// Integer properties can narrow their range after declaring it.
template <class T, class V>
class IntPropertyRef : public PropertyRef {
public:
    IntPropertyRef(Property& p, V T::*field) : PropertyRef(p), field_(field) {}
    IntPropertyRef& range(V min, V max) {
        auto field = field_;
        p_->parse = [field, min, max](Object& o, std::string_view s) {
            auto& obj = dynamic_cast<T&>(o);
            if constexpr (std::is_signed_v<V>)
                obj.*field = static_cast<V>(parse_int(s, min, max));
            else
                obj.*field = static_cast<V>(parse_uint(s, min, max));
        };
        return *this;
    }

private:
    V T::*field_;
};

template <class T>
class ClassBuilder {
public:
    explicit ClassBuilder(ObjectClass& cls) : cls_(cls) {}
    ObjectClass& object_class() { return cls_; }
    void set_bus(std::string bus) { cls_.set_bus(std::move(bus)); }
    void set_default(std::string_view property, std::string value) {
        cls_.set_default(property, std::move(value));
    }

    PropertyRef boolean(std::string name, bool T::*field, bool def, std::string description) {
        Property p = base(std::move(name), PropertyKind::Bool, "bool", std::move(description));
        p.default_value = def ? "on" : "off";
        p.parse = [field](Object& o, std::string_view s) { as(o).*field = parse_bool(s); };
        p.print = [field](const Object& o) { return std::string(as(o).*field ? "on" : "off"); };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

    template <std::integral V>
        requires(!std::same_as<V, bool>)
    IntPropertyRef<T, V> integer(std::string name, V T::*field, V def, std::string description) {
        constexpr bool is_signed = std::is_signed_v<V>;
        Property p = base(std::move(name), is_signed ? PropertyKind::Int : PropertyKind::Uint,
                          (is_signed ? "int" : "uint") + std::to_string(8 * sizeof(V)),
                          std::move(description));
        p.default_value = std::to_string(def);
        p.print = [field](const Object& o) { return std::to_string(as(o).*field); };
        IntPropertyRef<T, V> ref(cls_.add_property(std::move(p)), field);
        ref.range(std::numeric_limits<V>::min(), std::numeric_limits<V>::max());
        return ref;
    }

    PropertyRef size(std::string name, std::uint64_t T::*field, std::uint64_t def,
                     std::string description) {
        Property p = base(std::move(name), PropertyKind::Size, "size", std::move(description));
        p.default_value = format_size(def);
        p.parse = [field](Object& o, std::string_view s) { as(o).*field = parse_size(s); };
        p.print = [field](const Object& o) { return format_size(as(o).*field); };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

    // def == nullopt: no default (the property starts empty and help shows none).
    PropertyRef string(std::string name, std::string T::*field, std::optional<std::string> def,
                       std::string description) {
        Property p = base(std::move(name), PropertyKind::String, "str", std::move(description));
        p.default_value = std::move(def);
        p.parse = [field](Object& o, std::string_view s) { as(o).*field = std::string(s); };
        p.print = [field](const Object& o) { return as(o).*field; };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

    // A repeatable string (QEMU's hostfwd=): every assignment appends one entry, in the order
    // given; an empty value clears the list. Prints the entries joined by ", ". No default.
    PropertyRef string_list(std::string name, std::vector<std::string> T::*field,
                            std::string description) {
        Property p = base(std::move(name), PropertyKind::StringList, "list<str>", std::move(description));
        p.parse = [field](Object& o, std::string_view s) {
            auto& list = as(o).*field;
            if (s.empty())
                list.clear();
            else
                list.emplace_back(s);
        };
        p.print = [field](const Object& o) {
            std::string text;
            for (const std::string& entry : as(o).*field) text += (text.empty() ? "" : ", ") + entry;
            return text;
        };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

    template <class E>
    PropertyRef enumeration(std::string name, E T::*field,
                            std::vector<std::pair<std::string, E>> values, E def,
                            std::string description) {
        Property p = base(std::move(name), PropertyKind::Enum, "enum", std::move(description));
        for (auto& [text, value] : values) {
            p.choices.push_back(text);
            if (value == def) p.default_value = text;
        }
        p.parse = [field, values](Object& o, std::string_view s) {
            for (auto& [text, value] : values)
                if (text == s) { as(o).*field = value; return; }
            std::string list;
            for (auto& [text, value] : values) list += (list.empty() ? "" : ", ") + text;
            throw Error("is not one of: " + list);
        };
        p.print = [field, values](const Object& o) {
            for (auto& [text, value] : values)
                if (value == as(o).*field) return text;
            return std::string("?");
        };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

    // No default: a NIC leaves it all-zero and picks its own address at realize, as QEMU does.
    PropertyRef mac(std::string name, MacAddress T::*field, std::string description) {
        Property p = base(std::move(name), PropertyKind::Mac, "macaddr", std::move(description));
        p.parse = [field](Object& o, std::string_view s) { as(o).*field = MacAddress::parse(s); };
        p.print = [field](const Object& o) { return (as(o).*field).to_string(); };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

    // A non-owning reference to another object, given as its path in the composition tree.
    template <class L>
    PropertyRef link(std::string name, L* T::*field, std::string target_type,
                     std::string description) {
        Property p = base(std::move(name), PropertyKind::Link, "link<" + target_type + ">",
                          std::move(description));
        p.parse = [field, target_type](Object& o, std::string_view s) {
            if (s.empty()) { as(o).*field = nullptr; return; }
            auto* target = dynamic_cast<L*>(&resolve_link(o, s, target_type));
            if (!target) throw Error("is not a " + target_type);
            as(o).*field = target;
        };
        p.print = [field](const Object& o) {
            auto* target = as(o).*field;
            return target ? static_cast<const Object*>(target)->path() : std::string();
        };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

    // A reference to a back end by its id (-netdev id=n0 → netdev=n0), looked up under
    // /<kind>/ in the tree; the back end must be of type `kind` (or a subtype).
    template <class B>
    PropertyRef backend(std::string name, B* T::*field, std::string kind,
                        std::string description) {
        Property p = base(std::move(name), PropertyKind::Backend, kind, std::move(description));
        p.parse = [field, kind](Object& o, std::string_view s) {
            if (s.empty()) { as(o).*field = nullptr; return; }
            auto* target = dynamic_cast<B*>(&resolve_backend(o, kind, s));
            if (!target) throw Error("is not a " + kind);
            as(o).*field = target;
        };
        p.print = [field](const Object& o) {
            auto* target = as(o).*field;
            return target ? static_cast<const Object*>(target)->id() : std::string();
        };
        return PropertyRef(cls_.add_property(std::move(p)));
    }

private:
    static Property base(std::string name, PropertyKind kind, std::string type_name,
                         std::string description) {
        Property p;
        p.name = std::move(name);
        p.kind = kind;
        p.type_name = std::move(type_name);
        p.description = std::move(description);
        return p;
    }
    static T& as(Object& o) { return dynamic_cast<T&>(o); }
    static const T& as(const Object& o) { return dynamic_cast<const T&>(o); }

    ObjectClass& cls_;
};

// Adapts a `static void class_init(ClassBuilder<T>&)` to TypeInfo::class_init.
template <class T>
std::function<void(ObjectClass&)> class_init_of(void (*init)(ClassBuilder<T>&)) {
    return [init](ObjectClass& cls) {
        ClassBuilder<T> builder(cls);
        init(builder);
    };
}

}  // namespace emu
