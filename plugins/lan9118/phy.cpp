#include "phy.h"

namespace lan9118 {

namespace {
constexpr std::uint16_t kBmsrCapabilities = 0x7809;  // 100TX FD/HD, 10T FD/HD, AN able, extended
constexpr std::uint16_t kPhyId1 = 0x0007, kPhyId2 = 0xc0d1;
constexpr std::uint16_t kAnarReset = 0x01e1;         // 100/10 FD/HD, IEEE 802.3
constexpr std::uint16_t kLinkPartner = 0x45e1;       // ACK, 100/10 FD/HD, 802.3
constexpr std::uint16_t kSpecial100Full = 0x0058;    // reg 31: autodone, speed 100BASE-TX FD
constexpr std::uint16_t kInterruptLinkDown = 1u << 4, kInterruptAnComplete = 1u << 6;
}  // namespace

void Phy::reset() {
    bmcr_ = 0x3000;  // 100 Mb/s, auto-negotiation enabled
    anar_ = kAnarReset;
    mode_ctrl_ = 0x0002;   // ENERGYON
    special_modes_ = 0x00e0 | kAddress;  // all capable, auto-negotiation, PHYAD
    int_mask_ = 0;
    int_source_ = 0;
    link_latched_low_ = false;
}

void Phy::set_link(bool up) {
    if (link_ && !up) {
        link_latched_low_ = true;
        int_source_ |= kInterruptLinkDown;
    }
    if (!link_ && up) int_source_ |= kInterruptAnComplete;
    link_ = up;
}

std::uint16_t Phy::read(unsigned reg) {
    switch (reg) {
    case 0: return bmcr_;
    case 1: {
        std::uint16_t bmsr = kBmsrCapabilities;
        if (link_ && !link_latched_low_) bmsr |= kBmsrLink;
        if (link_) bmsr |= kBmsrAnComplete;
        link_latched_low_ = false;
        return bmsr;
    }
    case 2: return kPhyId1;
    case 3: return kPhyId2;
    case 4: return anar_;
    case 5: return link_ ? kLinkPartner : 0;
    case 6: return 0x0001;  // link partner auto-negotiation able
    case 17: return mode_ctrl_;
    case 18: return special_modes_;
    case 27: return 0;
    case 29: {
        const std::uint16_t source = int_source_;
        int_source_ = 0;
        return source;
    }
    case 30: return int_mask_;
    case 31: return link_ ? kSpecial100Full : 0x0040;
    default: return 0;
    }
}

void Phy::write(unsigned reg, std::uint16_t value) {
    switch (reg) {
    case 0:
        if (value & kBmcrReset) {
            reset();
            return;
        }
        bmcr_ = value & static_cast<std::uint16_t>(~kBmcrAnRestart);  // restart completes at once
        return;
    case 4: anar_ = value; return;
    case 17: mode_ctrl_ = value; return;
    case 18: special_modes_ = value; return;
    case 30: int_mask_ = value; return;
    default: return;  // read-only or reserved
    }
}

}  // namespace lan9118
