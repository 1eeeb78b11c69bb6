// Plugin "net_hub": one registration function per type (one file each).
#pragma once

#include <emu/type.h>

namespace emu_net_hub {

void register_hubport(emu::TypeBatch& types);
void register_filter_dump(emu::TypeBatch& types);

}  // namespace emu_net_hub
