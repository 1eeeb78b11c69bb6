// The "net_hub" plugin: QEMU's hubs (-netdev hubport) and pcap dump (-object filter-dump).
#include <emu/plugin.h>

#include "net_hub.h"

namespace {

void register_types(emu::TypeBatch& types) {
    emu_net_hub::register_hubport(types);
    emu_net_hub::register_filter_dump(types);
}

}  // namespace

EMU_PLUGIN(net_hub, "0.1.0", "Network hubs (-netdev hubport) and the pcap dump filter (-object filter-dump)",
           "MIT", register_types);
