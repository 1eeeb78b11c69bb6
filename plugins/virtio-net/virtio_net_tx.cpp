// virtio-net transmit path: pop a packet, strip the header, complete a partial checksum, send
// the frame to the back end; stop while the back end applies back-pressure.
#include <emu/event_loop.h>
#include <emu/machine.h>

#include <algorithm>
#include <string>

#include "net_checksum.h"
#include "virtio_net.h"

namespace virtio_net {

namespace {

std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }

}  // namespace

void VirtioNet::transmit(emu::VirtQueue& vq) {
    if (tx_running_) {  // re-entered (send -> back end -> send_ready, or a kick): the outer call goes on
        tx_again_ = true;
        return;
    }
    tx_running_ = true;
    tx_again_ = false;
    transmit_queue(vq);
    while (tx_again_ && !tx_blocked_) {  // each round follows frames sent, so it ends
        tx_again_ = false;
        for_each_transmit_queue([this](emu::VirtQueue& q) { transmit_queue(q); });
    }
    tx_running_ = false;
}

void VirtioNet::transmit_queue(emu::VirtQueue& vq) {
    // A ring's worth per call; a driver that keeps refilling (another vCPU) is served later.
    unsigned budget = std::max(256u, vq.size());
    const unsigned header_bytes = header_size();
    while (!tx_blocked_ && driver_ok() && !broken()) {
        if (budget == 0) {
            schedule_transmit();
            break;
        }
        std::optional<emu::VirtqElement> element = vq.pop();
        if (!element) break;
        --budget;
        if (element->out_bytes < header_bytes) {
            set_broken("transmit queue " + std::to_string(vq.index()) + ": a packet of " +
                       std::to_string(element->out_bytes) + " bytes is shorter than its " +
                       std::to_string(header_bytes) + "-byte header");
            break;
        }
        const std::uint64_t length = element->out_bytes - header_bytes;
        if (length > emu::net::kMaxFrameSize) {  // larger than any frame: dropped, as a NIC would
            ++tx_oversized_;
            vq.push(*element, 0);
            continue;
        }
        std::uint8_t header[kHdrSize] = {};
        vq.read(*element, 0, header, header_bytes);
        tx_frame_.resize(static_cast<std::size_t>(length));
        tx_frame_.resize(vq.read(*element, header_bytes, tx_frame_.data(), tx_frame_.size()));
        if (header[kHdrFlags] & kHdrFNeedsCsum)
            complete_checksum(tx_frame_, le16(header + kHdrCsumStart), le16(header + kHdrCsumOffset));
        if (max_queue_pairs() > 1) flow_pair_[flow_hash(tx_frame_)] = static_cast<std::uint16_t>(vq.index() / 2);
        const emu::NetClient::SendStatus status = client_.send(tx_frame_);
        vq.push(*element, 0);
        if (status == emu::NetClient::SendStatus::Queued) tx_blocked_ = true;  // until send_ready()
    }
    vq.notify();
}

template <class Fn>
void VirtioNet::for_each_transmit_queue(Fn fn) {
    for (unsigned queue = 1; queue < 2 * max_queue_pairs(); queue += 2)
        if (emu::VirtQueue* vq = find_queue(queue); vq && role(queue) == Role::Transmit) fn(*vq);
}

void VirtioNet::transmit_all() {
    if (tx_running_) {
        tx_again_ = true;
        return;
    }
    tx_running_ = true;
    tx_again_ = true;
    while (tx_again_ && !tx_blocked_) {
        tx_again_ = false;
        for_each_transmit_queue([this](emu::VirtQueue& q) { transmit_queue(q); });
    }
    tx_running_ = false;
}

void VirtioNet::send_ready() {
    tx_blocked_ = false;
    transmit_all();
}

void VirtioNet::schedule_transmit() {
    emu::Machine* m = machine();
    if (tx_scheduled_ || !m) return;
    tx_scheduled_ = true;
    m->loop().defer([this, alive = alive_] {
        if (!*alive) return;
        tx_scheduled_ = false;
        transmit_all();
    });
}

}  // namespace virtio_net
