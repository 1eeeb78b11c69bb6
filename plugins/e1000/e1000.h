// Intel 82540EM Gigabit Ethernet controller (type "e1000", 8086:100e), QEMU's default e1000.
//
// A PCI function with BAR0 (128 KiB of registers), BAR1 (64 bytes of I/O: IOADDR at 0 selects
// a register, IODATA at 4 accesses it; Linux resets this MAC through it) and INTA. Expansion ROM:
// the core's romfile= (default: /usr/lib/ipxe/qemu/efi-e1000.rom from Debian's ipxe-qemu, the
// image QEMU uses for this NIC). A missing ROM file is a realize error, default or not, because
// QEMU fails the same way ("failed to find romfile"); romfile= with no value runs without one.
// Properties: mac (default: QEMU's 52:54:00:12:34:56 sequence), netdev.
//
// Beyond the 82540EM's registers, SWSM and SW_FW_SYNC (82571+ semaphores) are kept as storage,
// as QEMU does, because U-Boot's driver takes them for every MAC. Auto-negotiation completes at
// once (no delay before link-up). FCS bytes on receive (RCTL.SECRC clear) are zeros.
//
// The device is split by concern:
//   e1000.cpp             type, properties, realize, reset, the register table and its dispatch
//   e1000_interrupts.cpp  ICR/ICS/IMS/IMC, ITR throttling, link status changes
//   e1000_rx.cpp          the receive ring, filtering, checksum status, RDTR/RADV delays
//   e1000_tx.cpp          the transmit ring, legacy/context/data descriptors, TIDV/TADV delays
//   eeprom.*, phy.*       the Microwire EEPROM (EECD, EERD) and the M88 PHY (MDIC)
//   rx_filter.*           unicast/multicast/broadcast/VLAN filtering
//   tx_packet.*           packet assembly, checksum offload, TCP segmentation
//
// Threading: MMIO and I/O run on vCPU threads and receive() on the loop thread, always under the
// big device lock; the delay timers are on the virtual clock.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <emu/event_loop.h>
#include <emu/memory.h>
#include <emu/net.h>
#include <emu/pci.h>
#include <emu/property.h>

#include "eeprom.h"
#include "phy.h"
#include "register_file.h"
#include "tx_packet.h"

namespace e1000 {

class E1000 final : public emu::PciDevice {
public:
    static constexpr std::uint16_t kVendorId = 0x8086;
    static constexpr std::uint16_t kDeviceId = 0x100e;  // 82540EM (desktop)
    static constexpr std::uint8_t kRevision = 3;
    static constexpr emu::Addr kIoSize = 64;

    E1000();
    ~E1000() override;
    static void class_init(emu::ClassBuilder<E1000>& c);

    emu::PciIds ids() const override;
    void reset() override;

protected:
    void realize_pci() override;
    void unrealize_pci() override;

private:
    // Kinds of guest mistakes, each reported once (until the next reset).
    enum class GuestError : unsigned {
        RxDescriptor, RxBuffer, TxDescriptor, TxBuffer, RxRing, TxRing, TxTooLong, TsoContext,
    };

    // ---- Registers (e1000.cpp) ----
    std::uint32_t read_register(std::uint32_t offset);
    void write_register(std::uint32_t offset, std::uint32_t value);
    std::uint32_t read_action(std::uint32_t offset);
    void write_action(std::uint32_t offset, std::uint32_t value, std::uint32_t mask);
    void write_ctrl(std::uint32_t value);
    void write_mdic(std::uint32_t value);
    std::uint32_t read_status() const;
    void reset_mac();       // CTRL.RST: MAC registers to power-on values, addresses from EEPROM
    void guest_error(GuestError kind, const std::string& message);

    // ---- Interrupts (e1000_interrupts.cpp) ----
    void raise(std::uint32_t causes);
    void update_irq();
    void throttle_expired();
    void link_changed();

    // ---- Receive (e1000_rx.cpp) ----
    bool rx_enabled() const;
    bool can_receive() const;
    bool receive(std::span<const std::uint8_t> frame);
    std::uint32_t rx_ring_size() const;        // descriptors; 0: no usable ring
    std::uint32_t rx_free_descriptors() const; // owned by the hardware (RDH up to RDT)
    std::size_t rx_buffer_size() const;
    void rx_buffers_added();                   // RDT, RCTL...: queued frames may flow again
    void rx_frame_done();
    void rx_delay_expired();
    void rx_flush_delay();

    // ---- Transmit (e1000_tx.cpp) ----
    std::uint32_t tx_ring_size() const;
    void start_tx();
    void process_tx();
    void tx_descriptor(const std::uint8_t (&desc)[16]);
    void tx_data(emu::Addr buffer, std::uint32_t length);
    void tx_end_of_packet(bool legacy_checksum, std::uint8_t css, std::uint8_t cso);
    void send_frame(std::span<const std::uint8_t> frame);
    void tx_delay_expired();
    void send_ready();

    // Properties.
    emu::MacAddress mac_;
    emu::NetBackend* netdev_ = nullptr;

    // Guest-visible state.
    RegisterFile regs_;
    Eeprom eeprom_;
    M88Phy phy_;
    std::uint32_t ioaddr_ = 0;

    // Transmit: the packet being assembled and the two offload contexts.
    TxPacket tx_;
    TxContext tso_context_, checksum_context_;
    bool tx_vlan_ = false;           // the packet's VLE descriptor asked for a tag
    std::uint16_t tx_vlan_tci_ = 0;
    bool tx_running_ = false;        // process_tx on the stack
    bool tx_waiting_ = false;        // the peer queued a frame: wait for send_ready()
    std::size_t tx_slice_frames_ = 0;  // frames sent in this slice of process_tx
    std::vector<std::uint8_t> tx_buffer_, tx_frame_;   // DMA chunk; frame with VLAN tag and padding
    std::vector<std::uint8_t> frame_buffer_;           // the received frame being stored

    // Interrupt line and timers (virtual clock, created at realize).
    bool irq_asserted_ = false;
    std::unique_ptr<emu::Timer> throttle_timer_;      // ITR interval
    std::unique_ptr<emu::Timer> rx_packet_timer_;     // RDTR
    std::unique_ptr<emu::Timer> rx_absolute_timer_;   // RADV
    std::unique_ptr<emu::Timer> tx_packet_timer_;     // TIDV
    std::unique_ptr<emu::Timer> tx_absolute_timer_;   // TADV
    std::unique_ptr<emu::Timer> tx_continue_timer_;   // a long ring is processed in slices

    unsigned reported_errors_ = 0;   // GuestError bits already logged

    std::unique_ptr<emu::MemoryRegion> mmio_, io_;
    emu::NicClient client_;
};

}  // namespace e1000
