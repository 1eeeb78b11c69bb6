// The plugin descriptor: the one symbol a plugin exports.
//
//     static void register_types(emu::TypeBatch& types) {
//         types.add(emu::TypeInfo{ .name = "example-timer", .parent = "device", ... });
//     }
//     EMU_PLUGIN(example, "1.0.0", "An example device", "MIT", register_types);
//
// The core reads abi_version first and refuses a plugin built for another ABI before touching
// anything else. register_types fills a batch that the core adds to the registry all at once,
// so a plugin that throws or brings a duplicate type changes nothing.
#pragma once

#include <boost/dll/alias.hpp>
#include <cstdint>

#include "emu/type.h"
#include "emu/version.h"

namespace emu {

struct PluginDescriptor {
    std::uint32_t abi_version;   // must stay the first member, whatever the ABI
    const char* name;            // unique plugin name, e.g. "e1000"
    const char* version;
    const char* description;
    const char* license;         // SPDX identifier
    void (*register_types)(TypeBatch& types);
    // Types this plugin creates by name at run time and which plugin provides each, as
    // "type=plugin" strings, null-terminated (may be null). Lets errors name what is missing.
    const char* const* needs;
};

}  // namespace emu

#define EMU_PLUGIN_SYMBOL emu_plugin_descriptor

// Define the descriptor of this plugin. `name` is an identifier (the plugin's name).
#define EMU_PLUGIN_WITH_NEEDS(name, version, description, license, register_fn, needs)        \
    namespace {                                                                               \
    const ::emu::PluginDescriptor emu_plugin_descriptor_##name = {                            \
        ::emu::kPluginAbiVersion, #name, version, description, license, register_fn, needs}; \
    }                                                                                         \
    BOOST_DLL_ALIAS(emu_plugin_descriptor_##name, emu_plugin_descriptor)

#define EMU_PLUGIN(name, version, description, license, register_fn) \
    EMU_PLUGIN_WITH_NEEDS(name, version, description, license, register_fn, nullptr)
