// virtio-net receive path: back-pressure, the receive filter, steering to a receive queue, and
// filling (mergeable) receive buffers with the header and the frame.
#include <algorithm>
#include <cstring>
#include <string>

#include "net_checksum.h"
#include "virtio_net.h"

namespace virtio_net {

namespace {

std::uint16_t be16(std::span<const std::uint8_t> p, std::size_t at) {
    return static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
}

bool in_table(const std::vector<emu::MacAddress>& table, std::span<const std::uint8_t> dest) {
    return std::any_of(table.begin(), table.end(),
                       [dest](const emu::MacAddress& m) { return std::equal(m.bytes.begin(), m.bytes.end(), dest.begin()); });
}

}  // namespace

bool VirtioNet::has_rx_buffers(emu::VirtQueue& vq) {
    if (!vq.ready()) return false;
    if (!vq.empty()) return true;
    vq.set_notification(true);  // kick me when you add some, then look again (a race with the driver)
    return !vq.empty();
}

bool VirtioNet::can_receive() {
    if (!driver_ok() || broken()) return false;
    for (unsigned pair = 0; pair < active_pairs_; ++pair)
        if (emu::VirtQueue* vq = find_queue(2 * pair); vq && has_rx_buffers(*vq)) return true;
    return false;
}

void VirtioNet::rx_notified() { client_.receive_ready(); }

// QEMU's receive_filter: promiscuous until the driver (CTRL_RX) says otherwise.
bool VirtioNet::accept(std::span<const std::uint8_t> frame) const {
    if (filter_.promisc) return true;
    if (frame.size() < 14) return false;
    if (has_feature(kFCtrlVlan) && be16(frame, 12) == 0x8100) {
        if (frame.size() < 16 || !filter_.vlans.test(be16(frame, 14) & 0xfff)) return false;
    }
    const std::span<const std::uint8_t> dest = frame.first(6);
    if (std::all_of(dest.begin(), dest.end(), [](std::uint8_t b) { return b == 0xff; })) return !filter_.nobcast;
    if (dest[0] & 1) {
        if (filter_.nomulti) return false;
        return filter_.allmulti || filter_.multi_overflow || in_table(filter_.multi, dest);
    }
    if (filter_.nouni) return false;
    if (filter_.alluni || filter_.uni_overflow) return true;
    if (std::equal(mac_.bytes.begin(), mac_.bytes.end(), dest.begin())) return true;
    return in_table(filter_.uni, dest);
}

emu::VirtQueue* VirtioNet::receive_queue_for(std::span<const std::uint8_t> frame) {
    unsigned pair = 0;
    if (active_pairs_ > 1) {
        pair = flow_pair_[flow_hash(frame)];
        if (pair >= active_pairs_) pair = 0;
    }
    return find_queue(2 * pair);
}

bool VirtioNet::receive(std::span<const std::uint8_t> frame) {
    if (!driver_ok() || broken()) return false;
    if (!accept(frame)) {
        ++rx_filtered_;
        return true;  // filtered out: taken, as a NIC drops it
    }
    emu::VirtQueue* vq = receive_queue_for(frame);
    if (!vq || !vq->ready()) return false;

    const unsigned header_bytes = header_size();
    const bool mergeable = has_feature(kFMrgRxbuf);
    const std::uint64_t total = header_bytes + frame.size();
    std::vector<emu::VirtqElement> elements;
    std::uint64_t room = 0;
    auto give_back = [&] {
        for (auto it = elements.rbegin(); it != elements.rend(); ++it) vq->unpop(*it);
    };
    while (room < total) {
        std::optional<emu::VirtqElement> element = vq->pop();
        if (!element) {
            give_back();
            if (!broken()) vq->set_notification(true);
            return false;  // wait for buffers (receive_ready on the next kick)
        }
        if (element->in_bytes == 0 || (elements.empty() && element->in_bytes < header_bytes)) {
            set_broken("receive queue " + std::to_string(vq->index()) + ": a buffer of " +
                       std::to_string(element->in_bytes) + " writable bytes has no room for the " +
                       std::to_string(header_bytes) + "-byte header");
            return false;
        }
        room += element->in_bytes;
        elements.push_back(std::move(*element));
        if (!mergeable) break;
    }
    if (room < total) {  // one non-mergeable buffer, too small: drop the frame, keep the buffer
        give_back();
        ++rx_oversized_;
        return true;
    }

    std::uint8_t header[kHdrSize] = {};
    header[kHdrGsoType] = kGsoNone;
    if (has_feature(kFGuestCsum) && l4_checksum_valid(frame)) header[kHdrFlags] = kHdrFDataValid;
    const auto buffers = static_cast<std::uint16_t>(elements.size());
    header[kHdrNumBuffers] = static_cast<std::uint8_t>(buffers);
    header[kHdrNumBuffers + 1] = static_cast<std::uint8_t>(buffers >> 8);

    std::size_t copied = 0;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const emu::VirtqElement& e = elements[i];
        std::size_t offset = 0, written = 0;
        if (i == 0) {
            written = vq->write(e, 0, header, header_bytes);
            offset = header_bytes;
        }
        const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(e.in_bytes - offset, frame.size() - copied));
        written += vq->write(e, offset, frame.data() + copied, chunk);
        copied += chunk;
        vq->fill(e, static_cast<std::uint32_t>(written), static_cast<unsigned>(i));
    }
    vq->flush(static_cast<unsigned>(elements.size()));
    vq->notify();
    return true;
}

// ---- Flows ----------------------------------------------------------------------------------------------

std::uint8_t flow_hash(std::span<const std::uint8_t> frame) {
    if (frame.size() < 14) return 0;
    std::size_t l3 = 14;
    std::uint16_t type = be16(frame, 12);
    if (type == 0x8100 && frame.size() >= 18) {
        type = be16(frame, 16);
        l3 = 18;
    }
    std::size_t addresses = 0, address_bytes = 0, l4 = 0;
    std::uint8_t protocol = 0;
    if (type == 0x0800 && frame.size() >= l3 + 20) {
        addresses = l3 + 12;
        address_bytes = 8;
        protocol = frame[l3 + 9];
        l4 = l3 + std::size_t{frame[l3] & 0xfu} * 4;
    } else if (type == 0x86dd && frame.size() >= l3 + 40) {
        addresses = l3 + 8;
        address_bytes = 32;
        protocol = frame[l3 + 6];
        l4 = l3 + 40;
    } else {
        return 0;
    }
    // Sums are the same with source and destination swapped.
    std::uint32_t hash = protocol;
    for (std::size_t i = 0; i < address_bytes; ++i) hash += frame[addresses + i] * (1u + i % (address_bytes / 2));
    if ((protocol == 6 || protocol == 17) && frame.size() >= l4 + 4) hash += be16(frame, l4) + be16(frame, l4 + 2);
    hash ^= hash >> 16;
    hash ^= hash >> 8;
    return static_cast<std::uint8_t>(hash);
}

}  // namespace virtio_net
