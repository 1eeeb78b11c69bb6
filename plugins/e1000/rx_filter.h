// Receive filtering (SDM 3.2.1, 13.4.22, 13.5.1-13.5.3): which frames the 82540EM takes,
// decided from RCTL, the receive addresses, the multicast table and the VLAN filter table.
#pragma once

#include <cstdint>
#include <span>

#include "register_file.h"

namespace e1000 {

enum class RxVerdict {
    Unicast,      // taken: a unicast frame (exact match or promiscuous)
    Multicast,    // taken: a multicast frame
    Broadcast,    // taken: a broadcast frame
    Rejected,     // not for us
};

// The 12-bit multicast hash of a destination address for RCTL.MO (0..3): which bits of the
// address index the 4096-bit MTA (MO 0: bits 47:36, 1: 46:35, 2: 45:34, 3: 43:32).
unsigned multicast_hash(std::span<const std::uint8_t, 6> destination, unsigned mo);

// Whether the 802.1Q tag (if the frame has one, by VET) passes the VLAN filter.
bool vlan_passes(std::span<const std::uint8_t> frame, const RegisterFile& regs);

// Destination address filtering, for a frame of at least 14 bytes.
RxVerdict filter_destination(std::span<const std::uint8_t> frame, const RegisterFile& regs);

}  // namespace e1000
