// The type registry. Types are resolved when registered: the parent chain, the interfaces and
// the class (property table) are built once, so is_a() and lookups never do work later.
#include <algorithm>
#include <set>

#include "emu/error.h"
#include "emu/object.h"
#include "emu/property.h"
#include "core_types.h"

namespace emu {

namespace {

struct CategoryName {
    Category category;
    const char* name;
    const char* heading;
};

constexpr CategoryName kCategories[] = {
    {Category::None, "uncategorized", "Uncategorized devices"},
    {Category::Machine, "machine", "Machines"},
    {Category::Cpu, "cpu", "CPU models"},
    {Category::Accelerator, "accelerator", "Accelerators"},
    {Category::Network, "network", "Network devices"},
    {Category::Storage, "storage", "Storage devices"},
    {Category::Display, "display", "Display devices"},
    {Category::Input, "input", "Input devices"},
    {Category::Sound, "sound", "Sound devices"},
    {Category::Bridge, "bridge", "Controller/Bridge/Hub devices"},
    {Category::Char, "char", "Character devices"},
    {Category::Backend, "backend", "Back ends"},
    {Category::Misc, "misc", "Misc devices"},
};

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

const char* category_name(Category category) {
    for (auto& c : kCategories)
        if (c.category == category) return c.name;
    return "uncategorized";
}

const char* category_heading(Category category) {
    for (auto& c : kCategories)
        if (c.category == category) return c.heading;
    return "Uncategorized devices";
}

bool Type::is_a(const Type& other) const {
    if (other.is_interface_)
        return std::find(interfaces_.begin(), interfaces_.end(), &other) != interfaces_.end() ||
               this == &other;
    return std::find(ancestors_.begin(), ancestors_.end(), &other) != ancestors_.end();
}

bool Type::is_a(std::string_view name) const {
    for (auto* t : ancestors_)
        if (t->name_ == name) return true;
    for (auto* t : interfaces_)
        if (t->name_ == name) return true;
    return false;
}

TypeRegistry::TypeRegistry() { register_core_types(*this); }

TypeRegistry::~TypeRegistry() = default;

TypeRegistry& TypeRegistry::global() {
    // Never destroyed: types hold functions that live in plugins, which stay loaded until exit.
    static TypeRegistry* registry = new TypeRegistry();
    return *registry;
}

const Type& TypeRegistry::register_type(TypeInfo info, std::string_view provider) {
    TypeBatch batch;
    std::string name = info.name;
    batch.add(std::move(info));
    register_batch(batch, provider);
    return get(name);
}

void TypeRegistry::register_batch(const TypeBatch& batch, std::string_view provider) {
    const std::string who = quote(provider);
    // 1. Names: valid, unique in the batch and in the registry.
    std::map<std::string, const TypeInfo*, std::less<>> pending;
    for (const TypeInfo& info : batch.types()) {
        if (info.name.empty()) throw Error("plugin " + who + " registers a type with no name");
        for (const std::string& name : [&] {
                 std::vector<std::string> all{info.name};
                 all.insert(all.end(), info.aliases.begin(), info.aliases.end());
                 return all;
             }()) {
            if (const Type* existing = find(name))
                throw Error("type " + quote(name) + " from " + who +
                            " is already provided by " + quote(existing->provider()));
            if (pending.count(name))
                throw Error("type " + quote(name) + " is registered twice by " + who);
            pending.emplace(name, &info);
        }
        if (!info.abstract && !info.factory)
            throw Error("type " + quote(info.name) + " from " + who + " is concrete but has no factory");
    }
    // 2. Build every type, parents before children, without touching the registry yet.
    std::map<std::string, std::unique_ptr<Type>, std::less<>> built;
    std::set<std::string, std::less<>> visiting;
    auto lookup = [&](std::string_view name) -> const Type* {
        if (auto it = built.find(name); it != built.end()) return it->second.get();
        return find(name);
    };
    std::function<const Type*(const TypeInfo&)> build = [&](const TypeInfo& info) -> const Type* {
        if (auto it = built.find(info.name); it != built.end()) return it->second.get();
        if (!visiting.insert(info.name).second)
            throw Error("type " + quote(info.name) + " from " + who + " is its own ancestor");
        const Type* parent = nullptr;
        if (!info.parent.empty()) {
            auto p = pending.find(info.parent);
            parent = p != pending.end() && p->second->name == info.parent ? build(*p->second)
                                                                          : lookup(info.parent);
            if (!parent)
                throw Error("type " + quote(info.name) + " from " + who + " has unknown parent " +
                            quote(info.parent));
        }
        auto type = std::make_unique<Type>();
        type->name_ = info.name;
        type->parent_ = parent;
        type->abstract_ = info.abstract;
        type->user_creatable_ = info.user_creatable;
        type->description_ = info.description;
        type->aliases_ = info.aliases;
        type->provider_ = std::string(provider);
        type->factory_ = info.factory;
        type->registry_ = this;
        type->category_ = info.category != Category::None || !parent ? info.category
                                                                     : parent->category_;
        type->ancestors_.push_back(type.get());
        if (parent) {
            type->ancestors_.insert(type->ancestors_.end(), parent->ancestors_.begin(),
                                    parent->ancestors_.end());
            type->interfaces_ = parent->interfaces_;
            type->class_ = parent->class_;
        }
        for (const Type* a : type->ancestors_)
            if (a->name_ == "interface" && a != type.get()) type->is_interface_ = true;
        for (const std::string& iface_name : info.interfaces) {
            auto p = pending.find(iface_name);
            const Type* iface = p != pending.end() ? build(*p->second) : lookup(iface_name);
            if (!iface || !iface->is_interface_)
                throw Error("type " + quote(info.name) + " from " + who + " implements unknown interface " +
                            quote(iface_name));
            for (const Type* i : iface->ancestors_)
                if (i->is_interface_ &&
                    std::find(type->interfaces_.begin(), type->interfaces_.end(), i) ==
                        type->interfaces_.end())
                    type->interfaces_.push_back(i);
        }
        type->class_.type_name_ = info.name;
        if (info.class_init) {
            try {
                info.class_init(type->class_);
            } catch (const std::exception& e) {
                throw Error("type " + quote(info.name) + " from " + who + ": class init failed: " + e.what());
            }
        }
        visiting.erase(info.name);
        const Type* result = type.get();
        built.emplace(info.name, std::move(type));
        return result;
    };
    for (const TypeInfo& info : batch.types()) build(info);
    // 3. Commit.
    for (auto& [name, type] : built) {
        for (const std::string& alias : type->aliases_) aliases_.emplace(alias, type.get());
        types_.emplace(name, std::move(type));
    }
}

const Type* TypeRegistry::find(std::string_view name) const {
    if (auto it = types_.find(name); it != types_.end()) return it->second.get();
    if (auto it = aliases_.find(name); it != aliases_.end()) return it->second;
    return nullptr;
}

const Type& TypeRegistry::get(std::string_view name) const {
    if (const Type* type = find(name)) return *type;
    throw Error("no type " + quote(name) + missing_provider_note(name));
}

std::vector<const Type*> TypeRegistry::subtypes(std::string_view base, bool concrete_only,
                                                bool user_creatable_only) const {
    std::vector<const Type*> result;
    for (auto& [name, type] : types_) {
        if (!type->is_a(base)) continue;
        if (concrete_only && (type->abstract_ || type->is_interface_)) continue;
        if (user_creatable_only && !type->user_creatable_) continue;
        result.push_back(type.get());
    }
    return result;  // std::map keeps them sorted by name
}

std::vector<const Type*> TypeRegistry::types_of(std::string_view provider) const {
    std::vector<const Type*> result;
    for (auto& [name, type] : types_)
        if (type->provider_ == provider) result.push_back(type.get());
    return result;
}

std::unique_ptr<Object> TypeRegistry::create(std::string_view name) const {
    const Type& type = get(name);
    if (type.abstract_ || type.is_interface_)
        throw Error("type " + quote(type.name_) + " is abstract and cannot be created");
    std::unique_ptr<Object> object = type.factory_();
    if (!object) throw Error("type " + quote(type.name_) + ": factory returned nothing");
    object->type_ = &type;
    for (const Property& p : type.class_.properties())
        if (p.default_value) {
            try {
                p.parse(*object, *p.default_value);
            } catch (const Error& e) {
                throw Error(type.name_ + ": property '" + p.name + "': default '" +
                            *p.default_value + "' " + e.what());
            }
        }
    object->instance_init();
    return object;
}

std::string TypeRegistry::missing_provider_note(std::string_view type) const {
    auto hint = provider_hints_.find(type);
    if (hint == provider_hints_.end()) return {};
    return " (it is provided by plugin " + quote(hint->second) + ", which is not loaded)";
}

void TypeRegistry::note_provider_hint(std::string type, std::string plugin) {
    provider_hints_.insert_or_assign(std::move(type), std::move(plugin));
}

}  // namespace emu
