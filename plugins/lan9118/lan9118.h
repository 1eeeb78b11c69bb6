// SMSC LAN9118 single-chip 10/100 Ethernet controller (type "lan9118"; Linux: smsc911x), the
// Versatile Express motherboard's on-board NIC.
//
// Properties: mac (default: the next of QEMU's 52:54:00:12:34:56 series; as if loaded from an
// EEPROM, ADDRH/ADDRL hold it after every reset), netdev (the back end; none: the cable is
// unplugged).
//
// Wiring, for boards:
//   mmio(0)           256 bytes of 32-bit registers (the chip's 16-bit mode is not modelled)
//   gpio_out("", 0)   IRQ pin: INT_CFG.IRQ_EN gates it; it is driven high when asserted only in
//                     push-pull active-high mode (INT_CFG.IRQ_TYPE and IRQ_POL), otherwise it is
//                     active low (open-drain or active-low), as QEMU models it
//
// A programmed-I/O NIC: no DMA, so no guest address is ever followed. The driver writes each
// buffer's TX_CMD_A/TX_CMD_B and its data words into the TX data FIFO and reads received frames
// (with their FCS) from the RX data FIFO after popping their status from the RX status FIFO.
// The FIFOs have the chip's sizes (16 KiB split by HW_CFG.TX_FIF_SZ) and the driver sees their
// levels in TX_FIFO_INF/RX_FIFO_INF. The device is split by concern:
//   lan9118.cpp       type, properties, realize/reset, the system CSRs, interrupts
//   lan9118_fifo.cpp  the transmit path (command parsing, held packets, status FIFO) and the
//                     receive path (filtering, RX data/status FIFOs, fast-forward)
//   lan9118_mac.cpp   the MAC CSRs behind MAC_CSR_CMD/MAC_CSR_DATA, the MII port to the PHY
//   phy.*             the internal PHY
//
// Back-pressure: a frame that does not fit the RX FIFOs stays queued in the net layer
// (can_receive() is false while a full-size frame would not fit) and flows as soon as the driver
// has read frames out. Completed transmit packets stay in the TX data FIFO (TDFREE shrinks) while
// the peer is not taking frames, and go out when it calls send_ready().
// Loopback: with the PHY's BMCR.Loopback or MAC_CR.LOOPBK set, transmitted frames come back to
// the receive path instead of the wire (Linux's smsc911x runs a loopback test at open).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include <emu/device.h>
#include <emu/event_loop.h>
#include <emu/memory.h>
#include <emu/net.h>
#include <emu/property.h>

#include "phy.h"

namespace lan9118 {

class Lan9118 final : public emu::Device {
public:
    Lan9118();
    ~Lan9118() override;
    static void class_init(emu::ClassBuilder<Lan9118>& c);
    void reset() override;

protected:
    void do_realize() override;
    void do_unrealize() override;

private:
    // ---- System CSRs and interrupts (lan9118.cpp) ----
    std::uint32_t read_register(unsigned offset);
    void write_register(unsigned offset, std::uint32_t value);
    void soft_reset();                 // HW_CFG.SRST: everything but the PHY
    void update_levels();              // FIFO level interrupts (RSFL, TSFL, TDFA)
    void update_irq();
    void raise(std::uint32_t interrupts);

    // ---- Transmit (lan9118_fifo.cpp) ----
    struct TxPacket {
        std::vector<std::uint8_t> bytes;
        std::uint32_t cmd_a = 0, cmd_b = 0;
        std::size_t fifo_bytes = 0;    // TX data FIFO space it holds (commands and data words)
    };
    std::size_t tx_data_capacity() const;
    std::size_t tx_data_free() const;
    void tx_fifo_write(std::uint32_t word);
    void tx_buffer_done();
    void tx_packet_done();
    void transmit_held();
    void send_frame(const TxPacket& packet);
    void push_tx_status(std::uint32_t status);
    void tx_dump();
    void send_ready();

    // ---- Receive (lan9118_fifo.cpp) ----
    std::size_t rx_data_capacity() const;    // bytes
    std::size_t rx_status_capacity() const;  // entries
    std::size_t rx_words_for(std::size_t frame_length) const;
    bool can_receive() const;
    bool receive(std::span<const std::uint8_t> frame);
    bool accept_address(std::span<const std::uint8_t> frame) const;
    std::uint32_t rx_fifo_read();
    std::uint32_t rx_status_pop();
    void rx_fast_forward();
    void rx_dump();
    void rx_space_freed();

    // ---- MAC CSRs and MII (lan9118_mac.cpp) ----
    void mac_csr_command(std::uint32_t command);
    std::uint32_t mac_read(unsigned index);
    void mac_write(unsigned index, std::uint32_t value);
    void mac_reset();
    void link_changed();

    // Properties.
    emu::MacAddress mac_;
    emu::NetBackend* netdev_ = nullptr;

    // System CSRs.
    std::uint32_t int_cfg_ = 0, int_sts_ = 0, int_en_ = 0, fifo_int_ = 0, rx_cfg_ = 0, tx_cfg_ = 0,
                  hw_cfg_ = 0, pmt_ctrl_ = 0, gpio_cfg_ = 0, gpt_cfg_ = 0, word_swap_ = 0, rx_drop_ = 0,
                  mac_csr_cmd_ = 0, mac_csr_data_ = 0, afc_cfg_ = 0, e2p_cmd_ = 0, e2p_data_ = 0;

    // MAC CSRs.
    std::uint32_t mac_cr_ = 0, addrh_ = 0, addrl_ = 0, hashh_ = 0, hashl_ = 0, mii_acc_ = 0,
                  mii_data_ = 0, flow_ = 0, vlan1_ = 0, vlan2_ = 0, wucsr_ = 0;
    Phy phy_;

    // Transmit: the buffer being parsed, the packet it belongs to, packets waiting to go out.
    enum class TxState { CommandA, CommandB, Data };
    TxState tx_state_ = TxState::CommandA;
    TxPacket tx_packet_;                 // being assembled
    bool tx_packet_open_ = false;        // a first segment was seen
    bool tx_packet_bad_ = false;         // a segment was inconsistent: the packet fails
    std::uint32_t tx_buffer_cmd_a_ = 0;
    std::uint32_t tx_words_left_ = 0;    // data words of the current buffer still to come
    std::uint32_t tx_byte_index_ = 0;    // byte position within the current buffer's words
    std::deque<TxPacket> tx_held_;       // complete, waiting for the transmitter or the peer
    std::size_t tx_held_bytes_ = 0;
    std::deque<std::uint32_t> tx_status_;
    bool tx_waiting_ = false;            // the peer queued a frame: wait for send_ready()
    bool transmitting_ = false;

    // Receive FIFOs.
    std::deque<std::uint32_t> rx_data_;
    std::deque<std::uint32_t> rx_packet_words_;  // words of each packet in rx_data_, in order
    std::deque<std::uint32_t> rx_status_;

    bool irq_level_ = false;
    emu::EventLoop* loop_ = nullptr;
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    std::unique_ptr<emu::MemoryRegion> regs_;
    emu::NicClient client_;
};

}  // namespace lan9118
