// The lan9118 type: properties, realize, reset, the system control and status registers and
// the interrupt logic (LAN9118 datasheet 5.3).
#include "lan9118.h"

#include <algorithm>

#include <emu/error.h>
#include <emu/machine.h>
#include <emu/plugin.h>

#include "lan9118_regs.h"

namespace lan9118 {

Lan9118::Lan9118()
    : client_(*this, [this](std::span<const std::uint8_t> frame) { return receive(frame); },
              [this] { return can_receive(); }, [this] { send_ready(); }, [this] { link_changed(); }) {
    emu::MmioOps ops;
    ops.read = [this](emu::Addr offset, unsigned) -> std::uint64_t {
        return read_register(static_cast<unsigned>(offset));
    };
    ops.write = [this](emu::Addr offset, std::uint64_t value, unsigned) {
        write_register(static_cast<unsigned>(offset), static_cast<std::uint32_t>(value));
    };
    ops.valid_min = ops.valid_max = 4;
    ops.impl_min = ops.impl_max = 4;
    regs_ = emu::MemoryRegion::mmio("lan9118", reg::kSize, ops);
    init_mmio(*regs_);
    init_gpio_out("", &irq_);
}

Lan9118::~Lan9118() { client_.disconnect(); }

void Lan9118::class_init(emu::ClassBuilder<Lan9118>& c) {
    c.mac("mac", &Lan9118::mac_, "MAC address (default: 52:54:00:12:34:56, counting up for each NIC without one)");
    c.backend("netdev", &Lan9118::netdev_, "netdev", "network back end (-netdev id=...); none: the cable is unplugged");
}

void Lan9118::do_realize() {
    emu::Machine* machine = this->machine();
    if (!machine) throw emu::Error("a lan9118 needs a machine (for its clock)");
    if (mac_.is_zero()) mac_ = emu::net::next_default_mac();
    if (mac_.is_multicast()) throw emu::Error("property 'mac': " + mac_.to_string() + " is a multicast address");
    loop_ = &machine->loop();
    emu::connect_nic(*this, client_, netdev_);
    reset();
}

void Lan9118::do_unrealize() { client_.disconnect(); }

void Lan9118::reset() {
    phy_.reset();
    phy_.set_link(client_.link_up());
    soft_reset();
    irq_[0].set(irq_level_);  // the pin's idle level depends on INT_CFG: drive it once
}

// HW_CFG.SRST: every register but the PHY's back to its reset value; the MAC address is
// "reloaded from the EEPROM", i.e. from mac=.
void Lan9118::soft_reset() {
    int_cfg_ = int_sts_ = int_en_ = 0;
    fifo_int_ = kFifoIntReset;
    rx_cfg_ = tx_cfg_ = 0;
    hw_cfg_ = kHwCfgReset;
    pmt_ctrl_ = kPmtReady;
    gpio_cfg_ = 0;
    gpt_cfg_ = 0xffff;
    word_swap_ = rx_drop_ = mac_csr_cmd_ = mac_csr_data_ = afc_cfg_ = 0;
    e2p_cmd_ = kE2pMacLoaded;
    e2p_data_ = 0;
    mac_reset();
    tx_dump();
    tx_status_.clear();
    tx_waiting_ = false;
    rx_dump();
    update_levels();
    update_irq();
}

std::uint32_t Lan9118::read_register(unsigned offset) {
    if (offset < reg::kTxDataFifo) return rx_fifo_read();
    if (offset < reg::kRxStatusFifo) return 0;  // the TX data FIFO is write-only
    std::uint32_t value = 0;
    switch (offset) {
    case reg::kRxStatusFifo: return rx_status_pop();
    case reg::kRxStatusFifoPeek: return rx_status_.empty() ? 0 : rx_status_.front();
    case reg::kTxStatusFifo:
        if (tx_status_.empty()) return 0;
        value = tx_status_.front();
        tx_status_.pop_front();
        update_levels();
        update_irq();
        return value;
    case reg::kTxStatusFifoPeek: return tx_status_.empty() ? 0 : tx_status_.front();
    case reg::kIdRev: return kIdRevLan9118;
    case reg::kIntCfg: return int_cfg_ | ((int_sts_ & int_en_) ? kIntCfgIrqInt : 0);
    case reg::kIntSts: return int_sts_;
    case reg::kIntEn: return int_en_;
    case reg::kByteTest: return kByteTestValue;
    case reg::kFifoInt: return fifo_int_;
    case reg::kRxCfg: return rx_cfg_;
    case reg::kTxCfg: return tx_cfg_;
    case reg::kHwCfg: return hw_cfg_;
    case reg::kRxDpCtrl: return 0;  // fast-forward completes at once
    case reg::kRxFifoInf:
        return static_cast<std::uint32_t>(rx_status_.size() << 16) |
               static_cast<std::uint32_t>(std::min<std::size_t>(rx_data_.size() * 4, 0xffff));
    case reg::kTxFifoInf:
        return static_cast<std::uint32_t>(tx_status_.size() << 16) |
               static_cast<std::uint32_t>(std::min<std::size_t>(tx_data_free(), 0xffff));
    case reg::kPmtCtrl: return pmt_ctrl_;
    case reg::kGpioCfg: return gpio_cfg_;
    case reg::kGptCfg: return gpt_cfg_;
    case reg::kGptCnt: return gpt_cfg_ & 0xffff;  // the general-purpose timer is not running
    case reg::kWordSwap: return word_swap_;
    case reg::kFreeRun:  // 25 MHz free-running counter
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(loop_->now(emu::ClockType::Virtual)) / 40);
    case reg::kRxDrop:
        value = rx_drop_;
        rx_drop_ = 0;  // clear on read
        return value;
    case reg::kMacCsrCmd: return mac_csr_cmd_;
    case reg::kMacCsrData: return mac_csr_data_;
    case reg::kAfcCfg: return afc_cfg_;
    case reg::kE2pCmd: return e2p_cmd_;
    case reg::kE2pData: return e2p_data_;
    default: return 0;
    }
}

void Lan9118::write_register(unsigned offset, std::uint32_t value) {
    if (offset >= reg::kTxDataFifo && offset < reg::kRxStatusFifo) {
        tx_fifo_write(value);
        update_levels();
        update_irq();
        return;
    }
    switch (offset) {
    case reg::kIntCfg:
        int_cfg_ = value & (kIntCfgDeassertMask | kIntCfgIrqEnable | kIntCfgIrqPolarity | kIntCfgIrqType);
        break;
    case reg::kIntSts: int_sts_ &= ~(value & irq::kWritable); break;
    case reg::kIntEn:
        int_en_ = value & irq::kWritable;
        if (value & irq::kSoftware) int_sts_ |= irq::kSoftware;  // datasheet: SW_INT follows SW_INT_EN
        break;
    case reg::kFifoInt: fifo_int_ = value; break;
    case reg::kRxCfg:
        rx_cfg_ = value & ~kRxCfgDump;
        if (value & kRxCfgDump) rx_dump();
        break;
    case reg::kTxCfg:
        if (value & kTxCfgStatusDump) tx_status_.clear();
        if (value & kTxCfgDataDump) tx_dump();
        tx_cfg_ = value & (kTxCfgOn | kTxCfgStatusAllowOverrun);
        if (value & kTxCfgStop) {
            transmit_held();  // finish what is complete, then stop
            tx_cfg_ &= ~kTxCfgOn;
            int_sts_ |= irq::kTxStop;
        }
        transmit_held();
        break;
    case reg::kHwCfg:
        if (value & kHwCfgSoftReset) {
            soft_reset();
            return;
        }
        hw_cfg_ = (hw_cfg_ & ~kHwCfgWritable) | (value & kHwCfgWritable);
        break;
    case reg::kRxDpCtrl:
        if (value & kRxDpFastForward) rx_fast_forward();
        break;
    case reg::kPmtCtrl:
        if (value & kPmtPhyReset) {
            phy_.reset();
            phy_.set_link(client_.link_up());
        }
        pmt_ctrl_ = ((pmt_ctrl_ & ~0x33c6u) | (value & 0x33c6u)) & ~(value & kPmtWakeupStatus);
        pmt_ctrl_ |= kPmtReady;
        break;
    case reg::kGpioCfg: gpio_cfg_ = value; break;
    case reg::kGptCfg: gpt_cfg_ = value & 0x2000ffffu; break;
    case reg::kWordSwap: word_swap_ = value; break;
    case reg::kMacCsrCmd: mac_csr_command(value); break;
    case reg::kMacCsrData: mac_csr_data_ = value; break;
    case reg::kAfcCfg: afc_cfg_ = value & 0x00ffffffu; break;
    case reg::kE2pCmd:
        // No EEPROM is fitted: every command ends at once, timed out; the MAC address stays.
        if (value & kE2pBusy) e2p_cmd_ = (value & 0x700000ffu & ~kE2pBusy) | kE2pTimeout | kE2pMacLoaded;
        break;
    case reg::kE2pData: e2p_data_ = value & 0xff; break;
    default: return;  // read-only or reserved
    }
    update_levels();
    update_irq();
}

void Lan9118::raise(std::uint32_t interrupts) {
    int_sts_ |= interrupts;
    update_irq();
}

// The FIFO level interrupts are set while their condition holds, so clearing one whose
// condition still holds sets it again (the driver cannot lose a wake-up that way).
void Lan9118::update_levels() {
    if (rx_status_.size() > (fifo_int_ & 0xff)) int_sts_ |= irq::kRxStatusLevel;
    if (rx_status_.size() >= rx_status_capacity()) int_sts_ |= irq::kRxStatusFull;
    if (tx_status_.size() > ((fifo_int_ >> 16) & 0xff)) int_sts_ |= irq::kTxStatusLevel;
    if (tx_data_free() > std::size_t{(fifo_int_ >> 24) & 0xff} * 64) int_sts_ |= irq::kTxDataAvailable;
}

void Lan9118::update_irq() {
    const bool asserted = (int_sts_ & int_en_) && (int_cfg_ & kIntCfgIrqEnable);
    const bool active_high = (int_cfg_ & (kIntCfgIrqType | kIntCfgIrqPolarity)) == (kIntCfgIrqType | kIntCfgIrqPolarity);
    const bool level = active_high ? asserted : !asserted;
    if (level == irq_level_) return;
    irq_level_ = level;
    irq_[0].set(level);
}

void register_types(emu::TypeBatch& types) {
    types.add({.name = "lan9118",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Network,
               .description = "SMSC LAN9118 Ethernet controller (on-board NIC of vexpress-a15)",
               .factory = emu::factory_of<Lan9118>(),
               .class_init = emu::class_init_of<Lan9118>(&Lan9118::class_init)});
}

}  // namespace lan9118

EMU_PLUGIN(lan9118, "1.0.0", "SMSC LAN9118 Ethernet controller", "MIT", lan9118::register_types);
