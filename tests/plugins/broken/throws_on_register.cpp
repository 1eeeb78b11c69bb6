// A plugin whose registration throws after adding a type: nothing of it may be registered.
#include <emu/device.h>
#include <emu/plugin.h>

namespace {
class Thing : public emu::Device {};
void register_types(emu::TypeBatch& types) {
    types.add({.name = "half-registered", .parent = "device", .factory = emu::factory_of<Thing>()});
    throw emu::Error("cannot find its firmware");
}
}  // namespace

EMU_PLUGIN(throws_on_register, "1.0", "throws while registering", "MIT", register_types);
