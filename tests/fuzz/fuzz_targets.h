// The cards the NIC fuzzer knows, one function per card (fuzz_<card>.cpp).
#pragma once

#include "nic_fuzzer.h"

namespace emu::fuzz {

Target e1000_target();
Target rtl8139_target();
Target ne2k_pci_target();
Target ne2k_isa_target();
Target virtio_net_pci_target();
Target virtio_net_device_target();

}  // namespace emu::fuzz
