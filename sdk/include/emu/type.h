// The type registry: QOM's type system in C++.
//
// A type is registered from a TypeInfo record: name, parent, whether it is abstract, the
// interfaces it implements, its category and one-line description, a factory that makes a
// C++ object for it, and a class-init hook that declares its properties. Types form one
// single-inheritance tree (rooted at "object") plus interfaces; is_a() answers for both.
// A type's whole class (properties, bus) is built when it is registered and never changes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

class Object;
class ObjectClass;

// What kind of thing a type is; drives grouping in `-device help` and `--list-plugins`.
enum class Category {
    None,
    Machine,
    Cpu,
    Accelerator,
    Network,
    Storage,
    Display,
    Input,
    Sound,
    Bridge,
    Char,
    Backend,
    Misc,
};

// Lower-case name ("network"), and the heading used by `-device help` ("Network devices").
const char* category_name(Category category);
const char* category_heading(Category category);

using Factory = std::function<std::unique_ptr<Object>()>;

struct TypeInfo {
    std::string name;
    std::string parent = "object";            // every type but "object" has one
    bool abstract = false;
    bool user_creatable = true;               // may -device (or the matching option) create it?
    std::vector<std::string> interfaces;
    std::vector<std::string> aliases;         // other names find() accepts (machines: pc-i440fx)
    Category category = Category::None;       // None: inherit the parent's
    std::string description;
    Factory factory;                          // required for concrete types
    std::function<void(ObjectClass&)> class_init;
};

// Make a factory for a C++ class.
template <class T>
Factory factory_of() {
    return [] { return std::unique_ptr<Object>(new T()); };
}

class Property;

// Per-type class data: the property table and the bus a device plugs into.
// Built by running the class-init hooks from the root down; a child starts with a copy of its
// parent's class, so it inherits (and may re-default) every property.
class ObjectClass {
public:
    // Adds a property; a name that already exists is replaced (a subclass re-declaring it).
    Property& add_property(Property property);
    Property* find_property(std::string_view name);
    const Property* find_property(std::string_view name) const;
    const std::vector<Property>& properties() const { return properties_; }

    // Change the default of an inherited property (QOM's object_class_property_set_default).
    void set_default(std::string_view property, std::string value);

    // The bus type a device plugs into ("pci", "isa", "sysbus", "virtio"), or empty.
    const std::string& bus() const { return bus_; }
    void set_bus(std::string bus) { bus_ = std::move(bus); }

    const std::string& type_name() const { return type_name_; }

private:
    friend class TypeRegistry;
    std::string type_name_;
    std::vector<Property> properties_;
    std::string bus_;
};

class TypeRegistry;

class Type {
public:
    const std::string& name() const { return name_; }
    const Type* parent() const { return parent_; }
    bool abstract() const { return abstract_; }
    bool user_creatable() const { return user_creatable_; }
    bool is_interface() const { return is_interface_; }
    Category category() const { return category_; }
    const std::string& description() const { return description_; }
    const std::vector<std::string>& aliases() const { return aliases_; }
    // The plugin (or "core") that registered this type.
    const std::string& provider() const { return provider_; }
    // Interfaces implemented, including inherited ones.
    const std::vector<const Type*>& interfaces() const { return interfaces_; }
    const ObjectClass& object_class() const { return class_; }
    TypeRegistry& registry() const { return *registry_; }

    bool is_a(const Type& other) const;
    bool is_a(std::string_view name) const;

private:
    friend class TypeRegistry;
    std::string name_;
    const Type* parent_ = nullptr;
    bool abstract_ = false;
    bool user_creatable_ = true;
    bool is_interface_ = false;
    Category category_ = Category::None;
    std::string description_;
    std::vector<std::string> aliases_;
    std::string provider_;
    std::vector<const Type*> interfaces_;
    std::vector<const Type*> ancestors_;     // self first, then parent, ..., "object"
    ObjectClass class_;
    Factory factory_;
    TypeRegistry* registry_ = nullptr;
};

// Collects one provider's types and adds them all or none: a plugin that throws while
// registering, or brings a type name that is already taken, leaves the registry unchanged.
class TypeBatch {
public:
    void add(TypeInfo info) { types_.push_back(std::move(info)); }
    const std::vector<TypeInfo>& types() const { return types_; }

private:
    std::vector<TypeInfo> types_;
};

class TypeRegistry {
public:
    // A registry that already holds the core's types ("object", "interface", "container",
    // "device", "machine", "none", ...).
    TypeRegistry();
    ~TypeRegistry();
    TypeRegistry(const TypeRegistry&) = delete;
    TypeRegistry& operator=(const TypeRegistry&) = delete;

    // The process's registry, which the command line and the plugins use.
    static TypeRegistry& global();

    // Register one type, or a provider's whole batch atomically. Throws Error on a duplicate
    // name (naming both providers), a missing parent or interface, or a failing class-init.
    const Type& register_type(TypeInfo info, std::string_view provider = "core");
    void register_batch(const TypeBatch& batch, std::string_view provider);

    const Type* find(std::string_view name_or_alias) const;
    // Like find, but throws Error("... no type 'x'") when absent.
    const Type& get(std::string_view name_or_alias) const;

    // Every type that is_a(base), sorted by name. concrete_only skips abstract types and
    // interfaces; user_creatable_only skips types only code may create.
    std::vector<const Type*> subtypes(std::string_view base, bool concrete_only = true,
                                      bool user_creatable_only = false) const;
    // All types registered by one provider, sorted by name.
    std::vector<const Type*> types_of(std::string_view provider) const;
    std::size_t size() const { return types_.size(); }

    // Create an object of a concrete type with its property defaults applied. Throws Error if
    // the type is unknown or abstract.
    std::unique_ptr<Object> create(std::string_view name) const;

    // Record that `type` is provided by `plugin` although that plugin is not loaded, so a
    // failed lookup can say which plugin to install (filled from plugin descriptors' needs).
    void note_provider_hint(std::string type, std::string plugin);
    // " (it is provided by plugin 'x', which is not loaded)" for a type with a hint, else "".
    std::string missing_provider_note(std::string_view type) const;

private:
    std::map<std::string, std::unique_ptr<Type>, std::less<>> types_;
    std::map<std::string, const Type*, std::less<>> aliases_;
    std::map<std::string, std::string, std::less<>> provider_hints_;
};

}  // namespace emu
