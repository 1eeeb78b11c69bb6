// The RealTek RTL8139C+ (type "rtl8139"): PCI 10ec:8139, its 256 registers behind BAR0 (I/O)
// and BAR1 (memory), INTx.
//
// Two programming models share the registers, as on the chip:
//   C mode   (Linux's 8139too): four transmit descriptors (TSAD/TSD), a receive ring in one
//            buffer (RBSTART, 8/16/32/64 KiB + 16, CAPR/CBR, a 4-byte header per packet).
//   C+ mode  (Linux's 8139cp), chosen by CpCmd: transmit and receive descriptor rings
//            (TNPDS/THPDS, RDSAR) with checksum offload, large send and VLAN tags.
// Plus the 93C46 EEPROM behind Cfg9346, the MII registers, the receive filter (RxConfig, MAR
// hash), the TCTR timer and its TimerInt interrupt, and the tally counter dump.
//
// Split by concern: rtl8139.cpp (type, registers, interrupts, reset, EEPROM glue, MII,
// timer), rtl8139_rx.cpp (filter, both receive paths), rtl8139_tx.cpp (both transmit paths),
// offload.cpp (checksums, VLAN, segmentation), eeprom_93c46.cpp (the EEPROM).
//
// Back-pressure: can_receive() is false while the guest's ring has no room; CAPR writes, any
// other register write while blocked and a 1 ms poll (C+ descriptors are returned in RAM,
// without a doorbell) call receive_ready(). A transmit that the peer queued stops the
// transmitter until send_ready().
//
// The guest is hostile: every address and length it gives goes through the PciDevice DMA
// helpers (refused outside RAM: the chip stops and raises SystemErr); ring walks and frame
// sizes are bounded.
#pragma once

#include <emu/event_loop.h>
#include <emu/memory.h>
#include <emu/net.h>
#include <emu/pci.h>
#include <emu/property.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "eeprom_93c46.h"
#include "rtl8139_regs.h"

namespace rtl8139 {

enum class Revision { CPlus, C };

// The counters the C+ tally dump writes (DTCCR), in its order.
struct TallyCounters {
    std::uint64_t tx_ok = 0, rx_ok = 0, tx_error = 0;
    std::uint32_t rx_error = 0;
    std::uint16_t rx_missed = 0, frame_alignment = 0;
    std::uint32_t tx_one_collision = 0, tx_multi_collision = 0;
    std::uint64_t rx_ok_physical = 0, rx_ok_broadcast = 0;
    std::uint32_t rx_ok_multicast = 0;
    std::uint16_t tx_abort = 0, tx_underrun = 0;
};

class Rtl8139 final : public emu::PciDevice {
public:
    static void class_init(emu::ClassBuilder<Rtl8139>& c);
    Rtl8139();
    ~Rtl8139() override;

    emu::PciIds ids() const override;
    void reset() override;

protected:
    void realize_pci() override;
    void unrealize_pci() override;

private:
    // A C+ transmit ring and the frame being gathered from it.
    struct TxRing {
        unsigned reg = 0;                 // TNPDS or THPDS
        unsigned index = 0;
        std::vector<std::uint8_t> frame;
        bool gathering = false;
        bool oversize = false;
        std::uint32_t opts1 = 0, opts2 = 0;  // of the first descriptor
    };

    // ---- Registers (rtl8139.cpp) ----
    std::uint64_t register_read(emu::Addr offset, unsigned size);
    void register_write(emu::Addr offset, std::uint64_t value, unsigned size);
    std::uint32_t read_unit(unsigned start, unsigned width);
    void write_unit(unsigned start, unsigned width, std::uint32_t value, std::uint32_t mask);
    std::uint8_t get8(unsigned offset) const { return regs_[offset]; }
    std::uint16_t get16(unsigned offset) const;
    std::uint32_t get32(unsigned offset) const;
    void set16(unsigned offset, std::uint16_t value);
    void set32(unsigned offset, std::uint32_t value);
    bool cplus_capable() const { return revision_ == Revision::CPlus; }
    bool config_writable() const { return (regs_[CR9346] & kEepromModeMask) == kEepromModeConfigWrite; }

    void power_on_state();
    void soft_reset();
    void raise(std::uint16_t bits);
    void update_irq();
    void write_cr9346(std::uint8_t value);
    void load_from_eeprom();
    void fill_eeprom();
    void write_bmcr(std::uint16_t value);
    std::uint16_t bmsr() const;
    void link_changed();

    // TCTR counts at the PCI clock (33 MHz) on the virtual clock.
    emu::ClockNs now() const;
    std::uint64_t timer_ticks() const;
    std::uint32_t timer_count() const;
    void restart_timer_count();
    void arm_timer();
    void timer_fired();

    // ---- Receive (rtl8139_rx.cpp) ----
    static constexpr emu::ClockNs kRxPollNs = 1'000'000;   // a blocked receive looks again after 1 ms
    bool can_receive();
    bool receive(std::span<const std::uint8_t> frame);
    bool receiver_on() const;
    bool cplus_rx_mode() const;
    emu::Addr rx_descriptor_address() const;
    bool accept(std::span<const std::uint8_t> frame, std::uint16_t& status);
    bool receive_c(std::span<const std::uint8_t> frame, std::uint16_t status);
    bool receive_cplus(std::span<const std::uint8_t> frame, std::uint16_t status);
    std::uint32_t rx_ring_size() const;
    std::uint32_t rx_read_offset() const;
    std::uint32_t rx_free() const;
    bool rx_ring_empty() const { return rx_read_offset() == rx_write_ % rx_ring_size(); }
    bool rx_ring_write(std::uint32_t offset, std::span<const std::uint8_t> data);
    bool cplus_rx_descriptor_ready();
    void rx_space_returned();
    void count_missed();

    // ---- Transmit (rtl8139_tx.cpp) ----
    void write_tsd(unsigned index, std::uint32_t value);
    std::uint16_t tsad_summary() const;
    bool cplus_tx_mode() const { return cplus_capable() && (get16(CPCR) & kCpTxEnable); }
    void transmit_c();
    void transmit_cplus(std::uint8_t rings);
    bool transmit_ring(TxRing& ring);
    void finish_cplus_frame(TxRing& ring);
    void send_frame(std::vector<std::uint8_t>& frame);
    void send_ready();
    void dump_tally(std::uint32_t low);

    // Properties.
    emu::MacAddress mac_;
    emu::NetBackend* netdev_ = nullptr;
    Revision revision_ = Revision::CPlus;

    std::unique_ptr<emu::MemoryRegion> io_, mem_;
    emu::NicClient client_;
    std::unique_ptr<emu::Timer> timer_, rx_poll_;

    std::array<std::uint8_t, kRegisterBlockSize> regs_{};  // plain storage of every register
    Eeprom93c46 eeprom_;
    std::uint16_t isr_ = 0;
    std::uint32_t rx_write_ = 0;      // CBR: where the next packet goes in the C mode ring
    unsigned rx_index_ = 0;           // next C+ receive descriptor
    bool rx_blocked_ = false;         // refused a frame for want of room
    bool rx_unavailable_reported_ = false;  // RxOverflow (C+: no descriptor) raised for this wait
    std::uint8_t tx_pending_ = 0;     // C mode descriptors written and not yet sent
    unsigned tx_next_ = 0;            // C mode descriptor the chip serves next
    bool tx_blocked_ = false;         // the peer queued our last frame: wait for send_ready
    bool tx_active_ = false;          // inside a transmit loop (no re-entry from send_ready)
    TxRing tx_normal_, tx_high_;
    std::uint8_t tx_poll_waiting_ = 0;  // C+ rings to resume after send_ready
    emu::ClockNs tctr_base_ = 0;
    TallyCounters tally_;
};

}  // namespace rtl8139
