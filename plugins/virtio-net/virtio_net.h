// The virtio network device (VIRTIO 1.2 §5.1), type "virtio-net-device" (on virtio-mmio), and its
// PCI variant "virtio-net-pci" (emu/virtio_pci.h).
//
// Features offered (each can be turned off by the property of the same name): MAC, STATUS,
// CSUM (the device completes checksums the driver left partial), GUEST_CSUM (received TCP/UDP
// packets whose checksum the device verified carry DATA_VALID), MRG_RXBUF, CTRL_VQ with
// CTRL_RX, CTRL_RX_EXTRA, CTRL_VLAN and CTRL_MAC_ADDR, and MQ with mq=on (queues= pairs).
// Not offered: TSO/UFO in either direction, GUEST_ANNOUNCE, CTRL_GUEST_OFFLOADS, MTU, RSS.
//
// Virtqueues: receiveq0, transmitq0, ..., receiveqN-1, transmitqN-1, controlq (N = queues when
// mq=on, else 1). A driver that does not negotiate MQ uses queue 2 as its control queue, as the
// spec says; the roles follow the negotiated features.
//
// The packet header is 12 bytes (with num_buffers) for modern drivers and legacy drivers that
// negotiated MRG_RXBUF, else the legacy 10 bytes.
//
// Receive: frames from the back end pass the receive filter (promiscuous until the driver
// programs one, the MAC table, VLAN table, and the RX mode switches) and go to a receive queue
// (with several pairs active: the queue of the pair that last sent that flow, else the first).
// Without buffers, can_receive() is false or receive() refuses: the frame waits in the net
// layer's queue until the driver adds buffers (a receive-queue notification calls
// receive_ready()). A frame larger than a non-mergeable buffer is dropped.
// Transmit: on a notification, and again when a Queued back end calls send_ready(); a back end
// answering Queued stops transmission until then.
#pragma once

#include <emu/net.h>
#include <emu/property.h>
#include <emu/virtio.h>

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "virtio_net_defs.h"

namespace virtio_net {

class VirtioNet final : public emu::VirtioDevice {
public:
    VirtioNet();
    ~VirtioNet() override;
    static void class_init(emu::ClassBuilder<VirtioNet>& c);

    std::uint16_t device_id() const override { return emu::virtio::kIdNet; }
    std::uint64_t device_features() const override;
    void config_write(unsigned offset, std::uint32_t value, unsigned size) override;

    // For tests and the control queue.
    emu::NetClient& client() { return client_; }
    const emu::MacAddress& mac() const { return mac_; }
    unsigned max_queue_pairs() const { return mq_ ? queues_ : 1; }
    unsigned active_queue_pairs() const { return active_pairs_; }
    bool promiscuous() const { return filter_.promisc; }
    // Frames the device dropped: filtered out, too large for a non-mergeable buffer, too large to send.
    std::uint64_t rx_filtered() const { return rx_filtered_; }
    std::uint64_t rx_oversized() const { return rx_oversized_; }
    std::uint64_t tx_oversized() const { return tx_oversized_; }

protected:
    void realize_virtio() override;
    void unrealize_virtio() override;
    void reset_device() override;
    void features_changed(std::uint64_t features) override;
    void status_changed(std::uint8_t old_status, std::uint8_t new_status) override;

private:
    enum class Role { Receive, Transmit, Control, Unused };

    struct Filter {
        bool promisc = true, allmulti = false, alluni = false, nomulti = false, nouni = false, nobcast = false;
        bool uni_overflow = false, multi_overflow = false;
        std::vector<emu::MacAddress> uni, multi;
        std::bitset<kVlanCount> vlans;
    };

    Role role(unsigned queue) const;
    unsigned control_queue_index() const;
    unsigned header_size() const;
    void handle_queue(emu::VirtQueue& vq);
    void update_config();
    void link_changed();

    // Receive (virtio_net_rx.cpp).
    bool can_receive();
    bool receive(std::span<const std::uint8_t> frame);
    bool accept(std::span<const std::uint8_t> frame) const;
    emu::VirtQueue* receive_queue_for(std::span<const std::uint8_t> frame);
    static bool has_rx_buffers(emu::VirtQueue& vq);
    void rx_notified();

    // Transmit (virtio_net_tx.cpp).
    void transmit(emu::VirtQueue& vq);
    void transmit_all();
    void transmit_queue(emu::VirtQueue& vq);
    template <class Fn>
    void for_each_transmit_queue(Fn fn);
    void send_ready();
    void schedule_transmit();

    // Control queue (virtio_net_ctrl.cpp).
    void control(emu::VirtQueue& vq);
    std::uint8_t control_command(std::uint8_t cls, std::uint8_t command, std::span<const std::uint8_t> data);
    std::uint8_t control_rx(std::uint8_t command, std::span<const std::uint8_t> data);
    std::uint8_t control_mac(std::uint8_t command, std::span<const std::uint8_t> data);
    std::uint8_t control_vlan(std::uint8_t command, std::span<const std::uint8_t> data);
    std::uint8_t control_mq(std::uint8_t command, std::span<const std::uint8_t> data);

    // Properties.
    emu::MacAddress mac_property_;
    emu::NetBackend* netdev_ = nullptr;
    bool mq_ = false;
    std::uint16_t queues_ = 1;
    bool csum_ = true, guest_csum_ = true, mrg_rxbuf_ = true, status_ = true;
    bool ctrl_vq_ = true, ctrl_rx_ = true, ctrl_rx_extra_ = true, ctrl_vlan_ = true, ctrl_mac_addr_ = true;
    std::uint16_t rx_queue_size_ = kDataQueueSize, tx_queue_size_ = kDataQueueSize;

    emu::NicClient client_;
    emu::MacAddress permanent_mac_;   // mac= or the default chosen at realize
    emu::MacAddress mac_;             // the current one (MAC_ADDR_SET, legacy config writes)
    unsigned active_pairs_ = 1;
    Filter filter_;

    // Transmit state.
    bool tx_blocked_ = false;         // the back end said Queued; wait for send_ready()
    bool tx_running_ = false;         // guards against re-entry (send -> ... -> send_ready)
    bool tx_again_ = false;
    bool tx_scheduled_ = false;
    std::vector<std::uint8_t> tx_frame_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    // Automatic receive steering: the pair each flow (by hash) was last sent from.
    std::array<std::uint16_t, 256> flow_pair_{};

    std::uint64_t rx_filtered_ = 0, rx_oversized_ = 0, tx_oversized_ = 0;
};

// A hash of a frame's flow that is the same in both directions (addresses and ports swapped).
std::uint8_t flow_hash(std::span<const std::uint8_t> frame);

}  // namespace virtio_net
