// virtio-net control queue (§5.1.6.5): RX modes, the MAC filter table and address, VLAN
// filtering and the number of active queue pairs. Every command is answered with an ack byte.
#include <string>

#include "virtio_net.h"

namespace virtio_net {

namespace {

// Commands larger than this are refused unread (a MAC table of 10,000 entries is still smaller).
constexpr std::uint64_t kMaxCommandBytes = 64 * 1024;

std::uint32_t le32(std::span<const std::uint8_t> p, std::size_t at) {
    return static_cast<std::uint32_t>(p[at] | p[at + 1] << 8 | p[at + 2] << 16) | std::uint32_t{p[at + 3]} << 24;
}

std::uint16_t le16(std::span<const std::uint8_t> p, std::size_t at) {
    return static_cast<std::uint16_t>(p[at] | p[at + 1] << 8);
}

// One table of VIRTIO_NET_CTRL_MAC_TABLE_SET: le32 entries, then 6 bytes per entry. Advances at.
bool parse_mac_table(std::span<const std::uint8_t> data, std::size_t& at, std::vector<emu::MacAddress>& table,
                     bool& overflow) {
    if (data.size() - at < 4) return false;
    const std::uint64_t entries = le32(data, at);
    at += 4;
    if (entries * 6 > data.size() - at) return false;
    overflow = entries > kMacTableEntries;
    table.clear();
    if (!overflow)
        for (std::uint64_t i = 0; i < entries; ++i) {
            emu::MacAddress mac;
            std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(at + 6 * i), 6, mac.bytes.begin());
            table.push_back(mac);
        }
    at += static_cast<std::size_t>(entries * 6);
    return true;
}

}  // namespace

void VirtioNet::control(emu::VirtQueue& vq) {
    while (std::optional<emu::VirtqElement> element = vq.pop()) {
        if (element->out_bytes < 2 || element->in_bytes < 1) {
            set_broken("control queue: a command without its 2-byte header or its ack byte");
            return;
        }
        std::uint8_t ack = kAckErr;
        if (element->out_bytes <= kMaxCommandBytes) {
            std::vector<std::uint8_t> command(static_cast<std::size_t>(element->out_bytes));
            command.resize(vq.read(*element, 0, command.data(), command.size()));
            if (command.size() >= 2) ack = control_command(command[0], command[1], std::span(command).subspan(2));
        }
        vq.push(*element, static_cast<std::uint32_t>(vq.write(*element, 0, &ack, 1)));
    }
    vq.notify();
}

std::uint8_t VirtioNet::control_command(std::uint8_t cls, std::uint8_t command, std::span<const std::uint8_t> data) {
    switch (cls) {
    case ctrl::kClassRx:
        return has_feature(kFCtrlRx) ? control_rx(command, data) : kAckErr;
    case ctrl::kClassMac:
        return control_mac(command, data);
    case ctrl::kClassVlan:
        return has_feature(kFCtrlVlan) ? control_vlan(command, data) : kAckErr;
    case ctrl::kClassMq:
        return has_feature(kFMq) ? control_mq(command, data) : kAckErr;
    default:
        return kAckErr;  // ANNOUNCE, GUEST_OFFLOADS and the rest are not offered
    }
}

std::uint8_t VirtioNet::control_rx(std::uint8_t command, std::span<const std::uint8_t> data) {
    if (data.size() != 1) return kAckErr;
    const bool on = data[0] != 0;
    const bool extra = has_feature(kFCtrlRxExtra);
    switch (command) {
    case ctrl::kRxPromisc:
        filter_.promisc = on;
        break;
    case ctrl::kRxAllMulti:
        filter_.allmulti = on;
        break;
    case ctrl::kRxAllUni:
        if (!extra) return kAckErr;
        filter_.alluni = on;
        break;
    case ctrl::kRxNoMulti:
        if (!extra) return kAckErr;
        filter_.nomulti = on;
        break;
    case ctrl::kRxNoUni:
        if (!extra) return kAckErr;
        filter_.nouni = on;
        break;
    case ctrl::kRxNoBcast:
        if (!extra) return kAckErr;
        filter_.nobcast = on;
        break;
    default:
        return kAckErr;
    }
    return kAckOk;
}

std::uint8_t VirtioNet::control_mac(std::uint8_t command, std::span<const std::uint8_t> data) {
    if (command == ctrl::kMacAddrSet) {
        if (!has_feature(kFCtrlMacAddr) || data.size() != 6) return kAckErr;
        std::copy(data.begin(), data.end(), mac_.bytes.begin());
        update_config();
        return kAckOk;
    }
    if (command != ctrl::kMacTableSet || !has_feature(kFCtrlRx)) return kAckErr;
    Filter next = filter_;
    std::size_t at = 0;
    if (!parse_mac_table(data, at, next.uni, next.uni_overflow) ||
        !parse_mac_table(data, at, next.multi, next.multi_overflow) || at != data.size())
        return kAckErr;
    filter_ = std::move(next);
    return kAckOk;
}

std::uint8_t VirtioNet::control_vlan(std::uint8_t command, std::span<const std::uint8_t> data) {
    if (data.size() != 2) return kAckErr;
    const std::uint16_t vid = le16(data, 0);
    if (vid >= kVlanCount) return kAckErr;
    if (command == ctrl::kVlanAdd)
        filter_.vlans.set(vid);
    else if (command == ctrl::kVlanDel)
        filter_.vlans.reset(vid);
    else
        return kAckErr;
    return kAckOk;
}

std::uint8_t VirtioNet::control_mq(std::uint8_t command, std::span<const std::uint8_t> data) {
    if (command != ctrl::kMqVqPairsSet || data.size() != 2) return kAckErr;
    const std::uint16_t pairs = le16(data, 0);
    if (pairs < 1 || pairs > max_queue_pairs()) return kAckErr;
    active_pairs_ = pairs;
    client_.receive_ready();
    return kAckOk;
}

}  // namespace virtio_net
