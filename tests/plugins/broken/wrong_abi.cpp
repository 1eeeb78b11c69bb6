// A plugin built for a future ABI: the core must refuse it before reading anything else.
#include <emu/plugin.h>

namespace {
void register_types(emu::TypeBatch&) {}
const emu::PluginDescriptor descriptor = {999, "wrong_abi", "1.0", "wrong ABI", "MIT", register_types, nullptr};
}  // namespace

BOOST_DLL_ALIAS(descriptor, emu_plugin_descriptor)
