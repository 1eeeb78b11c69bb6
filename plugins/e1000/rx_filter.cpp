#include "rx_filter.h"

#include <algorithm>

#include "checksum.h"
#include "e1000_regs.h"

namespace e1000 {

unsigned multicast_hash(std::span<const std::uint8_t, 6> destination, unsigned mo) {
    // The hash takes 12 bits out of the last two bytes, starting 4 - mo bits in (MO 3: 0 bits).
    static constexpr unsigned kShift[4] = {4, 3, 2, 0};
    const unsigned last_two = destination[4] | unsigned{destination[5]} << 8;
    return (last_two >> kShift[mo & 3]) & 0xfff;
}

bool vlan_passes(std::span<const std::uint8_t> frame, const RegisterFile& regs) {
    const std::uint32_t rctl = regs.get(reg::kRctl);
    if (!(rctl & rctl::kVfe) || get16(frame, 12) != (regs.get(reg::kVet) & 0xffff)) return true;
    const unsigned vid = get16(frame, 14) & 0x0fff;
    // CFIEN: frames whose CFI bit differs from RCTL.CFI are dropped.
    if ((rctl & rctl::kCfien) && ((get16(frame, 14) >> 12) & 1) != ((rctl & rctl::kCfi) ? 1u : 0u)) return false;
    return (regs.get(reg::kVfta + 4 * (vid >> 5)) >> (vid & 0x1f)) & 1;
}

RxVerdict filter_destination(std::span<const std::uint8_t> frame, const RegisterFile& regs) {
    const std::uint32_t rctl = regs.get(reg::kRctl);
    const std::span<const std::uint8_t, 6> destination = frame.first<6>();
    const bool broadcast = std::all_of(destination.begin(), destination.end(), [](std::uint8_t b) { return b == 0xff; });
    const bool multicast = destination[0] & 1;
    if (broadcast && (rctl & rctl::kBam)) return RxVerdict::Broadcast;

    // Exact matches: the 16 receive address pairs with AV set and AS = destination.
    const std::uint32_t low = std::uint32_t{destination[0]} | std::uint32_t{destination[1]} << 8 |
                              std::uint32_t{destination[2]} << 16 | std::uint32_t{destination[3]} << 24;
    const std::uint32_t high = std::uint32_t{destination[4]} | std::uint32_t{destination[5]} << 8;
    for (unsigned i = 0; i < reg::kReceiveAddresses; ++i) {
        const std::uint32_t rah = regs.get(reg::kRah0 + 8 * i);
        if (!(rah & rah::kAv) || (rah & rah::kAsMask) != 0) continue;
        if (regs.get(reg::kRal0 + 8 * i) == low && (rah & rah::kAddressMask) == high)
            return broadcast ? RxVerdict::Broadcast : multicast ? RxVerdict::Multicast : RxVerdict::Unicast;
    }
    if (!multicast) return (rctl & rctl::kUpe) ? RxVerdict::Unicast : RxVerdict::Rejected;
    if (rctl & rctl::kMpe) return broadcast ? RxVerdict::Broadcast : RxVerdict::Multicast;
    const unsigned hash = multicast_hash(destination, (rctl & rctl::kMoMask) >> rctl::kMoShift);
    if ((regs.get(reg::kMta + 4 * (hash >> 5)) >> (hash & 0x1f)) & 1)
        return broadcast ? RxVerdict::Broadcast : RxVerdict::Multicast;
    return RxVerdict::Rejected;
}

}  // namespace e1000
