// The LAN9118's internal 10/100 PHY (LAN9118 datasheet 4.6, "PHY registers"), at MII address 1.
//
// Standard registers 0-6 with the chip's identifier 0x0007c0d1, and the vendor registers Linux's
// smsc and generic PHY drivers touch (17 mode control/status, 18 special modes, 27 special
// control/status indications, 29-30 interrupt source/mask, 31 special control/status, which
// reports 100BASE-TX full duplex). Auto-negotiation completes at once against an ideal link
// partner while the link is up; BMSR's link bit latches low, as 802.3 says. BMCR.Reset
// self-clears. BMCR.Loopback is read by the MAC (it loops transmitted frames back).
#pragma once

#include <cstdint>

namespace lan9118 {

class Phy {
public:
    static constexpr unsigned kAddress = 1;

    void reset();
    std::uint16_t read(unsigned reg);
    void write(unsigned reg, std::uint16_t value);
    void set_link(bool up);
    bool loopback() const { return bmcr_ & kBmcrLoopback; }

private:
    static constexpr std::uint16_t kBmcrReset = 0x8000, kBmcrLoopback = 0x4000, kBmcrAnRestart = 0x0200;
    static constexpr std::uint16_t kBmsrLink = 0x0004, kBmsrAnComplete = 0x0020;

    bool link_ = true;
    bool link_latched_low_ = false;   // the link went down since BMSR was last read
    std::uint16_t bmcr_ = 0, anar_ = 0, mode_ctrl_ = 0, special_modes_ = 0, int_mask_ = 0, int_source_ = 0;
};

}  // namespace lan9118
