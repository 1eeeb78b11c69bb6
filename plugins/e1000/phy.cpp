#include "phy.h"

namespace e1000 {

namespace {

// BMSR without the link-dependent bits: extended capabilities, auto-negotiation ability,
// preamble suppression, extended status, 10/100 half and full duplex.
constexpr std::uint16_t kStatusStatic = 0x0001 | 0x0008 | 0x0040 | 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000;
// The partner (what QEMU's user back end is not, but a gigabit switch port is): 10/100 both
// duplexes, symmetric pause, acknowledge.
constexpr std::uint16_t kPartnerAbility = 0x4000 | 0x0400 | 0x01e0 | 0x0001;
// 1000BASE-T status: local and remote receivers OK, partner 1000 full and half duplex.
constexpr std::uint16_t kPartner1000t = 0x2000 | 0x1000 | 0x0800 | 0x0400;
// M88 specific status with link: 1000 Mb/s, full duplex, speed and duplex resolved, link.
constexpr std::uint16_t kM88StatusLinked = 0x8000 | 0x2000 | 0x0800 | 0x0400;

constexpr bool read_only(unsigned reg) {
    switch (reg) {
    case phy::kStatus:
    case phy::kId1:
    case phy::kId2:
    case phy::kLinkPartnerAbility:
    case phy::kAutonegExpansion:
    case phy::kLinkPartnerNextPage:
    case phy::k1000tStatus:
    case phy::kExtendedStatus:
    case phy::kM88SpecificStatus:
    case phy::kM88InterruptStatus:
    case phy::kM88ReceiveErrorCounter:
        return true;
    default:
        return false;
    }
}

}  // namespace

void M88Phy::reset() {
    regs_.fill(0);
    regs_[phy::kControl] = 0x1140;             // auto-negotiation on, full duplex, 1000 Mb/s
    regs_[phy::kAutonegAdvertise] = 0x01e1;    // 10/100 both duplexes, 802.3 selector
    regs_[phy::kNextPage] = 0x2001;
    regs_[phy::k1000tControl] = 0x0300;        // advertise 1000 full and half duplex
    regs_[phy::kExtendedStatus] = 0x3000;      // 1000BASE-T full and half duplex capable
    regs_[phy::kM88SpecificControl] = 0x0068;  // auto MDI/MDI-X, CRS on transmit
    regs_[phy::kM88ExtSpecificControl] = 0x0c60;
}

std::uint16_t M88Phy::read(unsigned reg) const {
    reg %= kRegisters;
    switch (reg) {
    case phy::kStatus:
        return kStatusStatic | (link_up_ ? phy::kStatusLink | phy::kStatusAutonegComplete : 0);
    case phy::kId1:
        return phy::kId1Value;
    case phy::kId2:
        return phy::kId2Value;
    case phy::kLinkPartnerAbility:
        return link_up_ ? kPartnerAbility : 0;
    case phy::kAutonegExpansion:
        return link_up_ ? 0x0001 : 0;  // the partner can auto-negotiate
    case phy::k1000tStatus:
        return link_up_ ? kPartner1000t : 0;
    case phy::kM88SpecificStatus:
        return link_up_ ? kM88StatusLinked : 0;
    default:
        return regs_[reg];
    }
}

void M88Phy::write(unsigned reg, std::uint16_t value) {
    reg %= kRegisters;
    if (read_only(reg)) return;
    if (reg == phy::kControl) {
        if (value & phy::kControlReset) {
            reset();
            return;
        }
        value &= static_cast<std::uint16_t>(~phy::kControlRestartAutoneg);  // completes at once
    }
    regs_[reg] = value;
}

}  // namespace e1000
