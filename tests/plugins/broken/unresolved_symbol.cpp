// A plugin that needs a function no library provides, so loading it fails.
#include <emu/plugin.h>

extern "C" void emu_function_that_does_not_exist();

namespace {
void register_types(emu::TypeBatch&) { emu_function_that_does_not_exist(); }
}  // namespace

EMU_PLUGIN(unresolved_symbol, "1.0", "cannot be loaded", "MIT", register_types);
