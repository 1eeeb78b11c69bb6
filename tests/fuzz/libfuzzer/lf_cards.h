// The cards the libFuzzer targets cover, and each one's seed inputs: a driver's set-up of its
// rings followed by a transmit, a receive and the interrupt handling, so that mutation starts
// deep in the card instead of at its reset state.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lf_machine.h"

namespace emu::lf {

// The card called name (e1000, rtl8139, ne2k_pci, ne2k_isa, virtio-net-pci, virtio-net-device);
// null if there is none.
const Card* find_card(const std::string& name);
const std::vector<Card>& cards();

// (file name, input) pairs.
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> seeds(const Card& card);

}  // namespace emu::lf
