// The list of cards, in the order the umbrella `fuzz` target runs them.
#include "fuzz_targets.h"

namespace emu::fuzz {

const std::vector<Target>& targets() {
    static const std::vector<Target> all = {e1000_target(),   rtl8139_target(),        ne2k_pci_target(),
                                            ne2k_isa_target(), virtio_net_pci_target(), virtio_net_device_target()};
    return all;
}

}  // namespace emu::fuzz
