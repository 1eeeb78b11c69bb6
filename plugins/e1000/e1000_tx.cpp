// Transmit (SDM 3.3): the descriptors from TDH up to TDT, legacy or extended (context and data),
// gathered into packets by TxPacket and sent to the peer; DD written back for RS descriptors;
// TXDW at once, or after TIDV/TADV for IDE descriptors; TXQE when the ring is empty.
//
// A TDT write processes the ring at once, in slices: after kSliceDescriptors descriptors,
// kSliceBytes of buffer data or kSliceFrames frames the rest continues from the loop, so a
// hostile ring (65535 descriptors of 1 MiB each) cannot hold a vCPU. When the peer queues a
// frame (back-pressure) processing stops at the next packet boundary until send_ready().
#include <algorithm>

#include "e1000.h"
#include "e1000_regs.h"

namespace e1000 {

namespace {

constexpr std::uint32_t kSliceDescriptors = 1024;
constexpr std::size_t kSliceBytes = 1 << 20;
constexpr std::size_t kSliceFrames = 4096;
constexpr std::size_t kDmaChunk = 64 * 1024;

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }
emu::Addr le64(const std::uint8_t* p) { return emu::Addr{le32(p)} | emu::Addr{le32(p + 4)} << 32; }

}  // namespace

std::uint32_t E1000::tx_ring_size() const { return regs_.get(reg::kTdlen) / kDescriptorSize; }

void E1000::start_tx() {
    if (tx_running_ || tx_waiting_ || !(regs_.get(reg::kTctl) & tctl::kEn)) return;
    process_tx();
}

void E1000::send_ready() {
    tx_waiting_ = false;
    start_tx();
}

void E1000::process_tx() {
    tx_running_ = true;
    tx_slice_frames_ = 0;
    const std::uint32_t size = tx_ring_size();
    const emu::Addr base = (emu::Addr{regs_.get(reg::kTdbah)} << 32) | regs_.get(reg::kTdbal);
    const std::uint32_t tidv = regs_.get(reg::kTidv) & kDelayMask;
    bool processed = false, txdw_now = false, txdw_delayed = false;
    std::uint32_t descriptors = 0;
    std::size_t bytes = 0;
    for (;;) {
        const std::uint32_t head = regs_.get(reg::kTdh), tail = regs_.get(reg::kTdt);
        if (head == tail) break;
        if (size == 0 || head >= size || tail >= size) {
            guest_error(GuestError::TxRing, "TDH " + std::to_string(head) + " or TDT " + std::to_string(tail) +
                                                " is outside a ring of " + std::to_string(size) + " descriptors");
            break;
        }
        if (tx_waiting_ && !tx_.active()) break;  // back-pressure, at a packet boundary
        if (descriptors >= kSliceDescriptors || bytes >= kSliceBytes || tx_slice_frames_ >= kSliceFrames) {
            if (tx_continue_timer_) tx_continue_timer_->arm_in(0);
            break;
        }
        const emu::Addr address = base + emu::Addr{head} * kDescriptorSize;
        std::uint8_t desc[kDescriptorSize];
        if (pci_dma_read(address, desc, sizeof desc) != emu::PciDmaResult::Ok) {
            guest_error(GuestError::TxDescriptor, "descriptor " + std::to_string(head) +
                                                      " is not in guest RAM (or bus mastering is off); transmit stopped");
            break;
        }
        const std::uint8_t command = desc[11];
        const bool data_descriptor = !(command & txd::kCmdDext) || ((le32(desc + 8) >> 20) & 0xf) != txd::kDtypContext;
        if (data_descriptor) bytes += le32(desc + 8) & ((command & txd::kCmdDext) ? txd::kLengthMask : 0xffff);
        tx_descriptor(desc);
        if (command & txd::kCmdRs) {
            const std::uint8_t status = static_cast<std::uint8_t>((desc[12] | txd::kStatusDd) & ~0x0eu);
            if (pci_dma_write(address + 12, &status, 1) != emu::PciDmaResult::Ok)
                guest_error(GuestError::TxDescriptor, "descriptor " + std::to_string(head) + " cannot be written back");
            if ((command & txd::kCmdIde) && tidv)
                txdw_delayed = true;
            else
                txdw_now = true;
        }
        regs_.set(reg::kTdh, (head + 1) % size);
        processed = true;
        ++descriptors;
    }
    tx_running_ = false;

    std::uint32_t causes = 0;
    if (processed && regs_.get(reg::kTdh) == regs_.get(reg::kTdt)) causes |= icr::kTxqe;
    if (!tx_packet_timer_) {  // not realized: no delays
        raise(causes | (txdw_now || txdw_delayed ? icr::kTxdw : 0));
        return;
    }
    if (txdw_now) {
        tx_packet_timer_->cancel();
        tx_absolute_timer_->cancel();
        causes |= icr::kTxdw;
    } else if (txdw_delayed) {
        // TIDV (SDM 13.4.44) restarts with each descriptor; TADV (13.4.45) runs from the first.
        tx_packet_timer_->arm_in(static_cast<emu::ClockNs>(tidv) * kDelayUnitNs);
        const std::uint32_t tadv = regs_.get(reg::kTadv) & kDelayMask;
        if (tadv && !tx_absolute_timer_->armed())
            tx_absolute_timer_->arm_in(static_cast<emu::ClockNs>(tadv) * kDelayUnitNs);
    }
    raise(causes);
}

void E1000::tx_delay_expired() {
    tx_packet_timer_->cancel();
    tx_absolute_timer_->cancel();
    raise(icr::kTxdw);
}

// One descriptor (SDM 3.3.3 legacy, 3.3.6 context, 3.3.7 data). Byte 11 is the command.
void E1000::tx_descriptor(const std::uint8_t (&desc)[16]) {
    const std::uint32_t lower = le32(desc + 8);
    const std::uint8_t command = desc[11];
    if (command & txd::kCmdDext) {
        const unsigned type = (lower >> 20) & 0xf;
        if (type == txd::kDtypContext) {
            TxContext context;
            context.ipcss = desc[0];
            context.ipcso = desc[1];
            context.ipcse = le16(desc + 2);
            context.tucss = desc[4];
            context.tucso = desc[5];
            context.tucse = le16(desc + 6);
            context.paylen = lower & txd::kLengthMask;
            context.tucmd = command;
            context.hdr_len = desc[13];
            context.mss = le16(desc + 14);
            (command & txd::kCmdTse ? tso_context_ : checksum_context_) = context;
            return;
        }
        if (type != txd::kDtypData) return;  // reserved type: skipped
        if (!tx_.active()) {
            const bool tso = command & txd::kCmdTse;
            const std::uint8_t popts = desc[13];
            tx_.start({.tso = tso,
                       .ip_checksum = (popts & txd::kPoptsIxsm) != 0,
                       .l4_checksum = (popts & txd::kPoptsTxsm) != 0,
                       .context = tso ? tso_context_ : checksum_context_});
            tx_vlan_ = false;
        }
        if (command & txd::kCmdVle) {
            tx_vlan_ = true;
            tx_vlan_tci_ = le16(desc + 14);
        }
        tx_data(le64(desc), lower & txd::kLengthMask);
        if (command & txd::kCmdEop) tx_end_of_packet(false, 0, 0);
        return;
    }
    if (!tx_.active()) {
        tx_.start_legacy();
        tx_vlan_ = false;
    }
    if (command & txd::kCmdVle) {
        tx_vlan_ = true;
        tx_vlan_tci_ = le16(desc + 14);
    }
    tx_data(le64(desc), lower & 0xffff);
    if (command & txd::kCmdEop) tx_end_of_packet(command & txd::kCmdIc, desc[13], desc[10]);
}

void E1000::tx_data(emu::Addr buffer, std::uint32_t length) {
    const TxPacket::Emit emit = [this](std::span<const std::uint8_t> frame) { send_frame(frame); };
    while (length && tx_.accepting()) {
        const std::size_t chunk = std::min<std::size_t>(length, kDmaChunk);
        tx_buffer_.resize(chunk);
        if (pci_dma_read(buffer, tx_buffer_.data(), chunk) != emu::PciDmaResult::Ok) {
            guest_error(GuestError::TxBuffer, "a buffer is not in guest RAM (or bus mastering is off); packet dropped");
            tx_.fail();
            return;
        }
        tx_.append(tx_buffer_, emit);
        buffer += chunk;
        length -= static_cast<std::uint32_t>(chunk);
    }
}

void E1000::tx_end_of_packet(bool legacy_checksum, std::uint8_t css, std::uint8_t cso) {
    const bool tso = tx_.tso();
    const TxPacket::Emit emit = [this](std::span<const std::uint8_t> frame) { send_frame(frame); };
    const bool sent = tx_.finish(emit, legacy_checksum, css, cso);
    if (tso) {
        regs_.count(sent ? stat::kTsctc : stat::kTsctfc);
        if (!sent)
            guest_error(GuestError::TsoContext, "a TSO packet with no MSS, no payload or over 256 KiB was not sent");
    } else if (!sent) {
        guest_error(GuestError::TxTooLong, "a packet over 64 KiB (or unreadable) was dropped");
    }
    tx_vlan_ = false;
}

// One frame onto the wire: the VLAN tag inserted (CTRL.VME and VLE), short frames padded
// (TCTL.PSP), the statistics counted, then to the peer.
void E1000::send_frame(std::span<const std::uint8_t> frame) {
    ++tx_slice_frames_;
    tx_frame_.assign(frame.begin(), frame.end());
    if (tx_vlan_ && (regs_.get(reg::kCtrl) & ctrl::kVme) && tx_frame_.size() >= 12) {
        const std::uint16_t vet = static_cast<std::uint16_t>(regs_.get(reg::kVet));
        const std::uint8_t tag[4] = {static_cast<std::uint8_t>(vet >> 8), static_cast<std::uint8_t>(vet),
                                     static_cast<std::uint8_t>(tx_vlan_tci_ >> 8), static_cast<std::uint8_t>(tx_vlan_tci_)};
        tx_frame_.insert(tx_frame_.begin() + 12, tag, tag + 4);
    }
    if ((regs_.get(reg::kTctl) & tctl::kPsp) && tx_frame_.size() < emu::net::kMinFrameSize)
        tx_frame_.resize(emu::net::kMinFrameSize, 0);

    const std::size_t wire_length = tx_frame_.size() + 4;  // with the FCS
    regs_.count(stat::kGptc);
    regs_.count(stat::kTpt);
    regs_.count64(stat::kGotcl, wire_length);
    regs_.count64(stat::kTotl, wire_length);
    if (!tx_frame_.empty() && (tx_frame_[0] & 1)) {
        const bool broadcast = tx_frame_.size() >= 6 &&
                               std::all_of(tx_frame_.begin(), tx_frame_.begin() + 6, [](std::uint8_t b) { return b == 0xff; });
        regs_.count(broadcast ? stat::kBptc : stat::kMptc);
    }
    regs_.count_size(stat::kPtc64, wire_length);

    if (client_.send(std::span<const std::uint8_t>(tx_frame_)) == emu::NetClient::SendStatus::Queued)
        tx_waiting_ = true;
}

}  // namespace e1000
