#include "emu/property.h"

namespace emu {

Property& ObjectClass::add_property(Property property) {
    for (auto& existing : properties_)
        if (existing.name == property.name) return existing = std::move(property);
    properties_.push_back(std::move(property));
    return properties_.back();
}

Property* ObjectClass::find_property(std::string_view name) {
    for (auto& p : properties_)
        if (p.name == name) return &p;
    return nullptr;
}

const Property* ObjectClass::find_property(std::string_view name) const {
    return const_cast<ObjectClass*>(this)->find_property(name);
}

void ObjectClass::set_default(std::string_view property, std::string value) {
    Property* p = find_property(property);
    if (!p) throw Error(type_name_ + ": cannot set default of unknown property '" +
                        std::string(property) + "'");
    p->default_value = std::move(value);
}

}  // namespace emu
