// The MAC control and status registers, reached through MAC_CSR_CMD/MAC_CSR_DATA (LAN9118
// datasheet 5.4), and the MII management port to the internal PHY (MII_ACC/MII_DATA).
#include "lan9118.h"
#include "lan9118_regs.h"

namespace lan9118 {

void Lan9118::mac_reset() {
    mac_cr_ = mac::kCrReset;
    // As if the EEPROM had loaded it: the address from mac=.
    const auto& b = mac_.bytes;
    addrl_ = std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 | std::uint32_t{b[3]} << 24;
    addrh_ = std::uint32_t{b[4]} | std::uint32_t{b[5]} << 8;
    hashh_ = hashl_ = mii_acc_ = mii_data_ = flow_ = vlan1_ = vlan2_ = wucsr_ = 0;
}

// A command runs at once: CSR_BUSY never reads set.
void Lan9118::mac_csr_command(std::uint32_t command) {
    mac_csr_cmd_ = command & ~kMacCsrBusy;
    if (!(command & kMacCsrBusy)) return;
    const unsigned index = command & kMacCsrAddressMask;
    if (command & kMacCsrRead)
        mac_csr_data_ = mac_read(index);
    else
        mac_write(index, mac_csr_data_);
}

std::uint32_t Lan9118::mac_read(unsigned index) {
    switch (index) {
    case mac::kCr: return mac_cr_;
    case mac::kAddrH: return addrh_;
    case mac::kAddrL: return addrl_;
    case mac::kHashH: return hashh_;
    case mac::kHashL: return hashl_;
    case mac::kMiiAcc: return mii_acc_;
    case mac::kMiiData: return mii_data_;
    case mac::kFlow: return flow_;
    case mac::kVlan1: return vlan1_;
    case mac::kVlan2: return vlan2_;
    case mac::kWucsr: return wucsr_;
    default: return 0;  // WUFF and reserved
    }
}

void Lan9118::mac_write(unsigned index, std::uint32_t value) {
    switch (index) {
    case mac::kCr: {
        const std::uint32_t before = mac_cr_;
        mac_cr_ = value;
        if ((before & mac::kCrRxEnable) && !(value & mac::kCrRxEnable)) int_sts_ |= irq::kRxStop;
        if (value & mac::kCrTxEnable) transmit_held();
        update_irq();
        return;
    }
    case mac::kAddrH: addrh_ = value & 0xffff; return;
    case mac::kAddrL: addrl_ = value; return;
    case mac::kHashH: hashh_ = value; return;
    case mac::kHashL: hashl_ = value; return;
    case mac::kMiiAcc: {
        // The PHY answers at once; only address 1 has one, others read all-ones.
        mii_acc_ = value & 0xffc2u;
        const unsigned phy = (value >> mac::kMiiPhyShift) & 0x1f;
        const unsigned reg = (value >> mac::kMiiRegisterShift) & 0x1f;
        if (value & mac::kMiiWrite) {
            if (phy == Phy::kAddress) phy_.write(reg, static_cast<std::uint16_t>(mii_data_));
        } else {
            mii_data_ = phy == Phy::kAddress ? phy_.read(reg) : 0xffff;
        }
        return;
    }
    case mac::kMiiData: mii_data_ = value & 0xffff; return;
    case mac::kFlow: flow_ = value; return;
    case mac::kVlan1: vlan1_ = value & 0xffff; return;
    case mac::kVlan2: vlan2_ = value & 0xffff; return;
    case mac::kWucsr: wucsr_ = value; return;
    default: return;
    }
}

void Lan9118::link_changed() { phy_.set_link(client_.link_up()); }

}  // namespace lan9118
