// The types the core itself provides: the roots of the type tree and the "none" machine.
#pragma once

namespace emu {

class TypeRegistry;
void register_core_types(TypeRegistry& registry);

}  // namespace emu
