// A plugin that brings a type the testkit plugin already provides.
#include <emu/device.h>
#include <emu/plugin.h>

namespace {
class Impostor : public emu::Device {};
void register_types(emu::TypeBatch& types) {
    types.add({.name = "test-device", .parent = "device", .factory = emu::factory_of<Impostor>()});
}
}  // namespace

EMU_PLUGIN(duplicate_type, "1.0", "duplicates test-device", "MIT", register_types);
