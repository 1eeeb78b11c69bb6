// A descriptor with the right ABI but no name.
#include <emu/plugin.h>

namespace {
void register_types(emu::TypeBatch&) {}
const emu::PluginDescriptor descriptor = {emu::kPluginAbiVersion, "", "1.0", "", "MIT", register_types, nullptr};
}  // namespace

BOOST_DLL_ALIAS(descriptor, emu_plugin_descriptor)
