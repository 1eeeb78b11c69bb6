// The two NE2000 types of this plugin; plugin.cpp registers both.
#pragma once

#include <emu/type.h>

namespace ne2k {

void register_isa(emu::TypeBatch& types);
void register_pci(emu::TypeBatch& types);

}  // namespace ne2k
