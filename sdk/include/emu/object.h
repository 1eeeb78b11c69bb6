// Objects and the composition tree.
//
// Every emulated thing is an Object of some registered Type. Objects live in one tree that
// owns them (/machine, /machine/peripheral/net0, /netdev/n0, ...); a parent destroys its
// children in reverse order of insertion, so teardown is deterministic. Links between objects
// (link properties) are non-owning.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emu/error.h"
#include "emu/type.h"

namespace emu {

class Machine;
class Property;

class Object {
public:
    Object() = default;
    virtual ~Object();
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;

    const Type& type() const { return *type_; }
    bool is_a(std::string_view type_name) const { return type_->is_a(type_name); }
    TypeRegistry& registry() const { return type_->registry(); }

    // The name of this object in its parent ("net0"); empty for a root.
    const std::string& id() const { return id_; }
    Object* parent() const { return parent_; }
    Object& root();
    const Object& root() const;
    // "/machine/peripheral/net0"; a root is "/", an object outside any tree "<unattached T>".
    std::string path() const;
    // How errors name this object: its type name, or "type 'id'" for user-named objects.
    std::string display_name() const;

    // ---- composition ----
    // Take ownership of child under name; throws Error if the name is taken or invalid.
    Object& add_child(std::string name, std::unique_ptr<Object> child);
    template <class T>
    T& add_child(std::string name, std::unique_ptr<T> child) {
        return static_cast<T&>(add_child(std::move(name), std::unique_ptr<Object>(std::move(child))));
    }
    Object* child(std::string_view name) const;
    const std::vector<std::unique_ptr<Object>>& children() const { return children_; }
    std::unique_ptr<Object> detach_child(std::string_view name);
    // Absolute ("/machine/peripheral/net0") or relative ("peripheral/net0", "..") lookup;
    // nullptr if nothing is there.
    Object* resolve(std::string_view path) const;
    // The container at path under this object, created (as "container" objects) if missing.
    Object& container(std::string_view path);
    // A free name "prefix[N]" among this object's children.
    std::string unique_child_name(std::string_view prefix) const;

    // The machine this object belongs to (the root's "machine" child), or nullptr.
    Machine* machine() const;

    // ---- properties ----
    const Property* find_property(std::string_view name) const;
    // Throws Error("<object>: property '<name>': '<value>' <reason>") on failure, and
    // Error("<object>: no property '<name>'") for an unknown name.
    void set_property(std::string_view name, std::string_view value);
    std::string get_property(std::string_view name) const;

    virtual bool realized() const { return false; }

    template <class T>
    T* as() { return dynamic_cast<T*>(this); }
    template <class T>
    const T* as() const { return dynamic_cast<const T*>(this); }

protected:
    // Runs once after the object's property defaults are applied.
    virtual void instance_init() {}

private:
    friend class TypeRegistry;
    void destroy_children();
    const Type* type_ = nullptr;
    std::string id_;
    Object* parent_ = nullptr;
    std::vector<std::unique_ptr<Object>> children_;
};

// Create an object of a registered type from the process registry.
std::unique_ptr<Object> object_new(std::string_view type_name);

template <class T>
std::unique_ptr<T> object_new_as(std::string_view type_name) {
    auto object = object_new(type_name);
    if (!dynamic_cast<T*>(object.get()))
        throw Error("type '" + std::string(type_name) + "' is not the kind of object expected here");
    return std::unique_ptr<T>(static_cast<T*>(object.release()));
}

// Unrealize every realized device under root (children before parents, last-added first).
// Destroying the root afterwards frees the tree in the same order.
void unrealize_tree(Object& root);

}  // namespace emu
