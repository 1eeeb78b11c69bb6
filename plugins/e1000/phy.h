// The 82540EM's internal copper PHY (a Marvell 88E1011 core at MDIO address 1), as drivers see
// it through MDIC: the IEEE 802.3 clause-22 registers and the M88 specific ones drivers use.
// Auto-negotiation completes at once: 1000BASE-T full duplex whenever the link is up.
#pragma once

#include <array>
#include <cstdint>

namespace e1000 {

namespace phy {
constexpr unsigned kAddress = 1;
// Registers.
constexpr unsigned kControl = 0;          // BMCR
constexpr unsigned kStatus = 1;           // BMSR
constexpr unsigned kId1 = 2;
constexpr unsigned kId2 = 3;
constexpr unsigned kAutonegAdvertise = 4;
constexpr unsigned kLinkPartnerAbility = 5;
constexpr unsigned kAutonegExpansion = 6;
constexpr unsigned kNextPage = 7;
constexpr unsigned kLinkPartnerNextPage = 8;
constexpr unsigned k1000tControl = 9;
constexpr unsigned k1000tStatus = 10;
constexpr unsigned kExtendedStatus = 15;
constexpr unsigned kM88SpecificControl = 16;
constexpr unsigned kM88SpecificStatus = 17;
constexpr unsigned kM88InterruptEnable = 18;
constexpr unsigned kM88InterruptStatus = 19;
constexpr unsigned kM88ExtSpecificControl = 20;
constexpr unsigned kM88ReceiveErrorCounter = 21;
// BMCR bits.
constexpr std::uint16_t kControlReset = 0x8000;
constexpr std::uint16_t kControlRestartAutoneg = 0x0200;
// BMSR bits.
constexpr std::uint16_t kStatusLink = 0x0004;
constexpr std::uint16_t kStatusAutonegComplete = 0x0020;
// Identifier of the 88E1011 (Linux: M88E1011_I_PHY_ID, 0x01410c20; the low nibble is the revision).
constexpr std::uint16_t kId1Value = 0x0141;
constexpr std::uint16_t kId2Value = 0x0c20;
}  // namespace phy

class M88Phy {
public:
    static constexpr unsigned kRegisters = 32;

    M88Phy() { reset(); }
    void reset();                         // power-on values (keeps the link state)
    std::uint16_t read(unsigned reg) const;
    void write(unsigned reg, std::uint16_t value);
    void set_link(bool up) { link_up_ = up; }
    bool link_up() const { return link_up_; }

private:
    std::array<std::uint16_t, kRegisters> regs_{};
    bool link_up_ = true;
};

}  // namespace e1000
