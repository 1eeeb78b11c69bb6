// virtio-net: properties, features, queue roles, config space, link state, reset, and the
// plugin's types. Receive, transmit and the control queue are in their own files.
#include "virtio_net.h"

#include <emu/error.h>
#include <emu/pci_regs.h>
#include <emu/plugin.h>
#include <emu/virtio_pci.h>

#include <bit>
#include <filesystem>

namespace virtio_net {

namespace virtio = emu::virtio;

VirtioNet::VirtioNet()
    : client_(
          *this, [this](std::span<const std::uint8_t> frame) { return receive(frame); },
          [this] { return can_receive(); }, [this] { send_ready(); }, [this] { link_changed(); }) {}

VirtioNet::~VirtioNet() { *alive_ = false; }

void VirtioNet::class_init(emu::ClassBuilder<VirtioNet>& c) {
    c.mac("mac", &VirtioNet::mac_property_, "MAC address (default: 52:54:00:12:34:56 upwards, as QEMU)");
    c.backend("netdev", &VirtioNet::netdev_, "netdev", "network back end (-netdev ...,id=ID)");
    c.boolean("mq", &VirtioNet::mq_, false, "offer VIRTIO_NET_F_MQ: 'queues' receive/transmit queue pairs");
    c.integer("queues", &VirtioNet::queues_, std::uint16_t{1}, "queue pairs offered with mq=on")
        .range(1, kMaxQueuePairs);
    c.boolean("csum", &VirtioNet::csum_, true, "offer VIRTIO_NET_F_CSUM: the device completes transmit checksums");
    c.boolean("guest_csum", &VirtioNet::guest_csum_, true,
              "offer VIRTIO_NET_F_GUEST_CSUM: received TCP/UDP checksums verified by the device are marked valid");
    c.boolean("mrg_rxbuf", &VirtioNet::mrg_rxbuf_, true, "offer VIRTIO_NET_F_MRG_RXBUF (mergeable receive buffers)");
    c.boolean("status", &VirtioNet::status_, true, "offer VIRTIO_NET_F_STATUS (link state in the config space)");
    c.boolean("ctrl_vq", &VirtioNet::ctrl_vq_, true, "offer VIRTIO_NET_F_CTRL_VQ (the control queue)");
    c.boolean("ctrl_rx", &VirtioNet::ctrl_rx_, true, "offer VIRTIO_NET_F_CTRL_RX (promiscuous/all-multicast modes)");
    c.boolean("ctrl_rx_extra", &VirtioNet::ctrl_rx_extra_, true,
              "offer VIRTIO_NET_F_CTRL_RX_EXTRA (all-unicast, no-multicast/unicast/broadcast modes)");
    c.boolean("ctrl_vlan", &VirtioNet::ctrl_vlan_, true, "offer VIRTIO_NET_F_CTRL_VLAN (VLAN filtering)");
    c.boolean("ctrl_mac_addr", &VirtioNet::ctrl_mac_addr_, true,
              "offer VIRTIO_NET_F_CTRL_MAC_ADDR (the driver sets the MAC address through the control queue)");
    c.integer("rx_queue_size", &VirtioNet::rx_queue_size_, kDataQueueSize,
              "entries of each receive queue (a power of two)")
        .range(16, 1024);
    c.integer("tx_queue_size", &VirtioNet::tx_queue_size_, kDataQueueSize,
              "entries of each transmit queue (a power of two)")
        .range(16, 1024);
}

// ---- Realize --------------------------------------------------------------------------------------

void VirtioNet::realize_virtio() {
    if (mq_ && !ctrl_vq_) throw emu::Error("mq=on needs ctrl_vq=on (the driver chooses its queue pairs there)");
    if (!mq_ && queues_ > 1) throw emu::Error("queues=" + std::to_string(queues_) + " needs mq=on");
    if (!std::has_single_bit(rx_queue_size_)) throw emu::Error("rx_queue_size " + std::to_string(rx_queue_size_) + " is not a power of two");
    if (!std::has_single_bit(tx_queue_size_)) throw emu::Error("tx_queue_size " + std::to_string(tx_queue_size_) + " is not a power of two");
    if (mac_property_.is_multicast()) throw emu::Error("mac " + mac_property_.to_string() + " is a multicast address");
    if (mac_property_.is_zero()) mac_property_ = emu::net::next_default_mac();
    permanent_mac_ = mac_ = mac_property_;

    for (unsigned pair = 0; pair < max_queue_pairs(); ++pair) {
        add_queue(rx_queue_size_, [this](emu::VirtQueue& vq) { handle_queue(vq); });
        add_queue(tx_queue_size_, [this](emu::VirtQueue& vq) { handle_queue(vq); });
    }
    if (ctrl_vq_) add_queue(kCtrlQueueSize, [this](emu::VirtQueue& vq) { handle_queue(vq); });
    // Fields up to status, and max_virtqueue_pairs with MQ: QEMU's size, so the legacy I/O BAR
    // of virtio-net-pci is as large as QEMU's (32 bytes with MSI-X).
    set_config_size(mq_ ? kConfigSize : kConfigMaxPairs);
    update_config();
    emu::connect_nic(*this, client_, netdev_);
}

void VirtioNet::unrealize_virtio() { client_.disconnect(); }

std::uint64_t VirtioNet::device_features() const {
    std::uint64_t features = virtio::bit(kFMac);
    if (status_) features |= virtio::bit(kFStatus);
    if (csum_) features |= virtio::bit(kFCsum);
    if (guest_csum_) features |= virtio::bit(kFGuestCsum);
    if (mrg_rxbuf_) features |= virtio::bit(kFMrgRxbuf);
    if (ctrl_vq_) {
        features |= virtio::bit(kFCtrlVq);
        if (ctrl_rx_) features |= virtio::bit(kFCtrlRx);
        if (ctrl_rx_ && ctrl_rx_extra_) features |= virtio::bit(kFCtrlRxExtra);
        if (ctrl_vlan_) features |= virtio::bit(kFCtrlVlan);
        if (ctrl_mac_addr_) features |= virtio::bit(kFCtrlMacAddr);
        if (mq_) features |= virtio::bit(kFMq);
    }
    return features;
}

// ---- Queue roles --------------------------------------------------------------------------------------

// §5.1.2: the control queue follows the data queues of max_virtqueue_pairs pairs with MQ, of one
// pair without it.
unsigned VirtioNet::control_queue_index() const { return has_feature(kFMq) ? 2 * max_queue_pairs() : 2; }

VirtioNet::Role VirtioNet::role(unsigned queue) const {
    const unsigned control = control_queue_index();
    if (queue == control) return has_feature(kFCtrlVq) ? Role::Control : Role::Unused;
    if (queue > control) return Role::Unused;
    return queue % 2 == 0 ? Role::Receive : Role::Transmit;
}

unsigned VirtioNet::header_size() const {
    return modern() || has_feature(kFMrgRxbuf) ? kHdrSize : kHdrSizeLegacy;
}

void VirtioNet::handle_queue(emu::VirtQueue& vq) {
    switch (role(vq.index())) {
    case Role::Receive:
        rx_notified();
        break;
    case Role::Transmit:
        transmit(vq);
        break;
    case Role::Control:
        control(vq);
        break;
    case Role::Unused:
        break;
    }
}

// ---- Config space, link, status, reset --------------------------------------------------------------------

void VirtioNet::update_config() {
    for (unsigned i = 0; i < 6; ++i) config_store(kConfigMac + i, mac_.bytes[i], 1);
    config_store(kConfigStatus, client_.link_up() ? kStatusLinkUp : 0, 2);
    config_store(kConfigMaxPairs, max_queue_pairs(), 2);
}

// A legacy driver without CTRL_MAC_ADDR sets the MAC address by writing the config space (QEMU).
void VirtioNet::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    if (has_feature(kFCtrlMacAddr) || modern()) return;
    for (unsigned i = 0; i < size && i < 4; ++i)
        if (offset + i < 6) mac_.bytes[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
    update_config();
}

void VirtioNet::link_changed() {
    update_config();
    if (status_) notify_config();
    if (client_.link_up()) {
        client_.receive_ready();
        transmit_all();
    }
}

void VirtioNet::features_changed(std::uint64_t features) {
    if (!(features & virtio::bit(kFMq))) active_pairs_ = 1;
}

void VirtioNet::status_changed(std::uint8_t old_status, std::uint8_t new_status) {
    // The driver is ready: deliver what the back end queued meanwhile.
    if (!(old_status & virtio::kStatusDriverOk) && (new_status & virtio::kStatusDriverOk)) client_.receive_ready();
}

void VirtioNet::reset_device() {
    filter_ = Filter{};
    active_pairs_ = 1;
    mac_ = permanent_mac_;
    tx_blocked_ = tx_again_ = false;
    flow_pair_.fill(0);
    update_config();
}

// ---- Types ---------------------------------------------------------------------------------------------------

namespace {

// QEMU gives virtio-net-pci Debian's iPXE image (package ipxe-qemu) by default; so do we, when
// it is installed (else no ROM, and romfile= still takes one).
std::string default_romfile() {
    constexpr const char* kRom = "/usr/lib/ipxe/qemu/efi-virtio.rom";
    std::error_code ec;
    return std::filesystem::exists(kRom, ec) ? kRom : "";
}

void register_types(emu::TypeBatch& types) {
    auto net_class = emu::class_init_of<VirtioNet>(&VirtioNet::class_init);
    types.add({.name = "virtio-net-device",
               .parent = "virtio-device",
               .category = emu::Category::Network,
               .description = "virtio network card (on a free virtio-mmio transport)",
               .factory = emu::factory_of<VirtioNet>(),
               .class_init = net_class});
    emu::add_virtio_pci_type(types, {.name = "virtio-net-pci",
                                     .device_type = "virtio-net-device",
                                     .device_class_init = net_class,
                                     .transitional_device_id = 0x1000,
                                     .class_code = emu::pci::kClassNetworkEthernet,
                                     .category = emu::Category::Network,
                                     .description = "virtio network card (PCI, transitional: legacy and 1.x drivers)",
                                     .default_romfile = default_romfile()});
}

}  // namespace

}  // namespace virtio_net

EMU_PLUGIN(virtio_net, "0.1.0", "virtio network card (virtio-net-device, virtio-net-pci)", "MIT",
           virtio_net::register_types);
