#include <algorithm>

#include "emu/error.h"
#include "emu/machine.h"
#include "emu/object.h"
#include "emu/property.h"

namespace emu {

Object::~Object() { destroy_children(); }

void Object::destroy_children() {
    // Post-order, last-added first: an object's children are gone before its own destructor
    // runs, so teardown mirrors construction.
    while (!children_.empty()) {
        children_.back()->destroy_children();
        children_.pop_back();
    }
}

Object& Object::root() {
    Object* o = this;
    while (o->parent_) o = o->parent_;
    return *o;
}

const Object& Object::root() const { return const_cast<Object*>(this)->root(); }

std::string Object::path() const {
    if (!parent_) {
        if (type_ && type_->name() == "container") return "/";
        return "<unattached " + (type_ ? type_->name() : std::string("object")) + ">";
    }
    std::string parent_path = parent_->path();
    return (parent_path == "/" ? "" : parent_path) + "/" + id_;
}

std::string Object::display_name() const {
    const std::string type_name = type_ ? type_->name() : "object";
    // Objects the user named (-device ...,id=net0) live under peripheral/ or a backend folder.
    if (parent_ && !id_.empty() && id_.find('[') == std::string::npos && parent_->parent_)
        return type_name + " '" + id_ + "'";
    return type_name;
}

namespace {
bool valid_child_name(std::string_view name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}
}  // namespace

Object& Object::add_child(std::string name, std::unique_ptr<Object> child) {
    if (!child) throw Error("cannot add a null object as '" + name + "'");
    if (!valid_child_name(name)) throw Error("'" + name + "' is not a valid object name");
    if (this->child(name)) throw Error(path() + ": an object named '" + name + "' already exists");
    child->id_ = std::move(name);
    child->parent_ = this;
    children_.push_back(std::move(child));
    return *children_.back();
}

Object* Object::child(std::string_view name) const {
    for (auto& c : children_)
        if (c->id_ == name) return c.get();
    return nullptr;
}

std::unique_ptr<Object> Object::detach_child(std::string_view name) {
    auto it = std::find_if(children_.begin(), children_.end(),
                           [&](auto& c) { return c->id_ == name; });
    if (it == children_.end()) return nullptr;
    std::unique_ptr<Object> c = std::move(*it);
    children_.erase(it);
    c->parent_ = nullptr;
    return c;
}

Object* Object::resolve(std::string_view path) const {
    const Object* o = this;
    if (!path.empty() && path[0] == '/') o = &root();
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        o = part == ".." ? o->parent_ : o->child(part);
        if (!o) return nullptr;
    }
    return const_cast<Object*>(o);
}

Object& Object::container(std::string_view path) {
    Object* o = this;
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
        if (part.empty()) continue;
        Object* next = o->child(part);
        o = next ? next : &o->add_child(std::string(part), registry().create("container"));
    }
    return *o;
}

std::string Object::unique_child_name(std::string_view prefix) const {
    for (unsigned n = 0;; ++n) {
        std::string name = std::string(prefix) + "[" + std::to_string(n) + "]";
        if (!child(name)) return name;
    }
}

Machine* Object::machine() const {
    Object* m = root().child("machine");
    return m ? m->as<Machine>() : nullptr;
}

const Property* Object::find_property(std::string_view name) const {
    return type_->object_class().find_property(name);
}

void Object::set_property(std::string_view name, std::string_view value) {
    const Property* p = find_property(name);
    if (!p) throw Error(display_name() + ": no property '" + std::string(name) + "'");
    if (realized() && !p->runtime_settable)
        throw Error(display_name() + ": property '" + p->name +
                    "' cannot be changed after the device is realized");
    if (p->name == "realized") {  // realize errors reach the user verbatim
        p->parse(*this, value);
        return;
    }
    try {
        p->parse(*this, value);
    } catch (const Error& e) {
        throw Error(display_name() + ": property '" + p->name + "': '" + std::string(value) + "' " +
                    e.what());
    }
}

std::string Object::get_property(std::string_view name) const {
    const Property* p = find_property(name);
    if (!p) throw Error(display_name() + ": no property '" + std::string(name) + "'");
    return p->print(*this);
}

std::unique_ptr<Object> object_new(std::string_view type_name) {
    return TypeRegistry::global().create(type_name);
}

}  // namespace emu
