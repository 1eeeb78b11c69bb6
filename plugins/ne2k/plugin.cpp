// The ne2k plugin: NE2000-compatible NICs on the ISA bus and on PCI.
#include <emu/plugin.h>

#include "ne2k_types.h"

namespace {

void register_types(emu::TypeBatch& types) {
    ne2k::register_isa(types);
    ne2k::register_pci(types);
}

}  // namespace

EMU_PLUGIN(ne2k, "1.0.0", "NE2000-compatible NICs: ne2k_isa and ne2k_pci (RTL8029)", "MIT", register_types);
