// Receive (SDM 3.2): filter the frame, DMA it into the buffers of the descriptors the hardware
// owns (RDH up to RDT), write the descriptors back, then RXT0 (at once, or after RDTR/RADV) and
// RXDMT0 when few descriptors are left.
//
// Back-pressure: with the receiver on and no free descriptor, can_receive() is false and the
// net layer holds frames; a frame needing more descriptors than are free is refused (held) too.
// RDT/RCTL writes that give room call receive_ready(). A disabled receiver, or a down link,
// takes frames and drops them, as the hardware does.
#include <emu/net.h>

#include <algorithm>
#include <cstring>

#include "checksum.h"
#include "e1000.h"
#include "e1000_regs.h"
#include "rx_filter.h"

namespace e1000 {

namespace {

constexpr std::size_t kMaxStandardFrame = 1522;  // without FCS; longer needs RCTL.LPE
constexpr std::size_t kFcsSize = 4;
constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
constexpr std::uint8_t kProtocolTcp = 6, kProtocolUdp = 17;

struct ChecksumStatus {
    std::uint8_t status = 0;
    std::uint8_t errors = 0;
};

// RXCSUM (SDM 3.2.9): verify the IPv4 header and TCP/UDP checksums if offload is on.
ChecksumStatus checksum_status(std::span<const std::uint8_t> frame, std::uint32_t rxcsum, std::uint16_t vet) {
    ChecksumStatus result;
    if (!(rxcsum & (rxcsum::kIpofl | rxcsum::kTuofl))) {
        result.status = rxd::kStatusIxsm;
        return result;
    }
    std::size_t l3 = 14;
    std::uint16_t ethertype = get16(frame, 12);
    if (ethertype == vet) {
        ethertype = get16(frame, 16);
        l3 = 18;
    }
    if (ethertype != kEthertypeIpv4 || !fits(frame, l3, 20) || (frame[l3] >> 4) != 4) return result;
    const std::size_t header = std::size_t{frame[l3] & 0xfu} * 4;
    const std::size_t total = get16(frame, l3 + 2);
    if (header < 20 || !fits(frame, l3, header) || total < header || !fits(frame, l3, total)) return result;
    if (rxcsum & rxcsum::kIpofl) {
        result.status |= rxd::kStatusIpcs;
        if (fold(ones_sum(frame.subspan(l3, header))) != 0xffff) result.errors |= rxd::kErrorIpe;
    }
    const std::uint8_t protocol = frame[l3 + 9];
    const bool fragment = (get16(frame, l3 + 6) & 0x3fff) != 0;
    if (!(rxcsum & rxcsum::kTuofl) || fragment || (protocol != kProtocolTcp && protocol != kProtocolUdp)) return result;
    const std::size_t l4 = l3 + header;
    const std::size_t l4_length = total - header;
    if (protocol == kProtocolUdp && (l4_length < 8 || get16(frame, l4 + 6) == 0)) {
        if (l4_length >= 8) result.status |= rxd::kStatusTcpcs;  // no checksum to verify
        return result;
    }
    if (protocol == kProtocolTcp && l4_length < 20) return result;
    std::uint32_t sum = ones_sum(frame.subspan(l3 + 12, 8));  // source and destination
    sum += protocol + static_cast<std::uint32_t>(l4_length);
    sum = ones_sum(frame.subspan(l4, l4_length), sum);
    result.status |= rxd::kStatusTcpcs;
    if (fold(sum) != 0xffff) result.errors |= rxd::kErrorTcpe;
    return result;
}

}  // namespace

bool E1000::rx_enabled() const { return (regs_.get(reg::kRctl) & rctl::kEn) && phy_.link_up(); }

bool E1000::can_receive() const { return !rx_enabled() || rx_free_descriptors() > 0; }

std::uint32_t E1000::rx_ring_size() const { return regs_.get(reg::kRdlen) / kDescriptorSize; }

std::uint32_t E1000::rx_free_descriptors() const {
    const std::uint32_t size = rx_ring_size();
    const std::uint32_t head = regs_.get(reg::kRdh), tail = regs_.get(reg::kRdt);
    if (size == 0 || head >= size || tail >= size) return 0;  // no usable ring: nothing is free
    return (tail + size - head) % size;
}

std::size_t E1000::rx_buffer_size() const {
    const std::uint32_t rctl = regs_.get(reg::kRctl);
    const unsigned code = (rctl & rctl::kBsizeMask) >> rctl::kBsizeShift;
    static constexpr std::size_t kNormal[] = {2048, 1024, 512, 256};
    static constexpr std::size_t kExtended[] = {2048, 16384, 8192, 4096};  // BSEX; 00 is reserved
    return (rctl & rctl::kBsex) ? kExtended[code] : kNormal[code];
}

void E1000::rx_buffers_added() {
    if (can_receive()) client_.receive_ready();
}

bool E1000::receive(std::span<const std::uint8_t> frame) {
    if (!rx_enabled()) return true;
    const std::uint32_t rctl = regs_.get(reg::kRctl);
    if (frame.size() > kMaxStandardFrame && !(rctl & rctl::kLpe)) {
        regs_.count(stat::kRoc);
        return true;
    }
    // Short frames arrive padded, as the wire carries at least 60 bytes before the FCS.
    std::vector<std::uint8_t>& data = frame_buffer_;
    data.assign(frame.begin(), frame.end());
    if (data.size() < emu::net::kMinFrameSize) data.resize(emu::net::kMinFrameSize, 0);
    const std::size_t wire_length = data.size() + kFcsSize;

    if (!vlan_passes(data, regs_)) return true;
    const RxVerdict verdict = filter_destination(data, regs_);
    if (verdict == RxVerdict::Rejected) return true;

    // VLAN tag stripping (CTRL.VME): the tag goes to the descriptor's special field.
    std::uint8_t status = 0;
    std::uint16_t special = 0;
    const std::uint16_t vet = static_cast<std::uint16_t>(regs_.get(reg::kVet));
    if ((regs_.get(reg::kCtrl) & ctrl::kVme) && get16(data, 12) == vet) {
        special = get16(data, 14);
        data.erase(data.begin() + 12, data.begin() + 16);
        status |= rxd::kStatusVp;
    }
    const ChecksumStatus checksum = checksum_status(data, regs_.get(reg::kRxcsum), vet);
    status |= checksum.status;
    const std::size_t pcss = regs_.get(reg::kRxcsum) & rxcsum::kPcssMask;
    const std::uint16_t packet_checksum =
        pcss < data.size() ? fold(ones_sum(std::span<const std::uint8_t>(data).subspan(pcss))) : 0;
    if (!(rctl & rctl::kSecrc)) data.resize(data.size() + kFcsSize, 0);  // FCS bytes (not computed)

    const std::size_t buffer_size = rx_buffer_size();
    const std::size_t needed = (data.size() + buffer_size - 1) / buffer_size;
    const std::uint32_t ring = rx_ring_size();
    if (ring == 0 || needed > ring - 1) {  // can never fit: the hardware would miss it
        regs_.count(stat::kMpc);
        return true;
    }
    if (needed > rx_free_descriptors()) return false;  // held until RDT moves

    const emu::Addr base = (emu::Addr{regs_.get(reg::kRdbah)} << 32) | regs_.get(reg::kRdbal);
    std::uint32_t head = regs_.get(reg::kRdh);
    std::size_t done = 0;
    for (std::size_t i = 0; i < needed; ++i) {
        const emu::Addr descriptor = base + emu::Addr{head} * kDescriptorSize;
        std::uint8_t desc[kDescriptorSize];
        if (pci_dma_read(descriptor, desc, sizeof desc) != emu::PciDmaResult::Ok) {
            guest_error(GuestError::RxDescriptor, "descriptor " + std::to_string(head) + " is not in guest RAM "
                                                  "(or bus mastering is off); frame dropped");
            return true;
        }
        emu::Addr buffer = 0;
        for (unsigned b = 0; b < 8; ++b) buffer |= emu::Addr{desc[b]} << (8 * b);
        const std::size_t chunk = std::min(buffer_size, data.size() - done);
        // A null buffer address: the descriptor is consumed and nothing is written.
        if (buffer && pci_dma_write(buffer, data.data() + done, chunk) != emu::PciDmaResult::Ok)
            guest_error(GuestError::RxBuffer, "buffer of descriptor " + std::to_string(head) +
                                                  " is not in guest RAM (or bus mastering is off)");
        done += chunk;
        const bool last = i + 1 == needed;
        std::uint8_t back[8];
        back[0] = static_cast<std::uint8_t>(chunk);
        back[1] = static_cast<std::uint8_t>(chunk >> 8);
        back[2] = static_cast<std::uint8_t>(packet_checksum);
        back[3] = static_cast<std::uint8_t>(packet_checksum >> 8);
        back[4] = static_cast<std::uint8_t>(rxd::kStatusDd | (last ? rxd::kStatusEop | status : 0));
        back[5] = last ? checksum.errors : 0;
        back[6] = static_cast<std::uint8_t>(special);
        back[7] = static_cast<std::uint8_t>(special >> 8);
        if (pci_dma_write(descriptor + 8, back, sizeof back) != emu::PciDmaResult::Ok)
            guest_error(GuestError::RxDescriptor, "descriptor " + std::to_string(head) + " cannot be written back");
        head = (head + 1) % ring;
        regs_.set(reg::kRdh, head);
    }

    regs_.count(stat::kGprc);
    regs_.count(stat::kTpr);
    regs_.count64(stat::kGorcl, wire_length);
    regs_.count64(stat::kTorl, wire_length);
    if (verdict == RxVerdict::Broadcast) regs_.count(stat::kBprc);
    if (verdict == RxVerdict::Multicast) regs_.count(stat::kMprc);
    regs_.count_size(stat::kPrc64, wire_length);

    rx_frame_done();
    // RXDMT0: free descriptors down to RDMTS's fraction of the ring (1/2, 1/4, 1/8).
    const unsigned rdmts = (rctl & rctl::kRdmtsMask) >> rctl::kRdmtsShift;
    if (rx_free_descriptors() <= (ring >> (rdmts + 1))) raise(icr::kRxdmt0);
    return true;
}

// RDTR (SDM 13.4.30): 0 interrupts at once; otherwise a timer restarted by each frame, and RADV
// (SDM 13.4.31) an absolute limit started by the first frame after the last interrupt.
void E1000::rx_frame_done() {
    const std::uint32_t delay = regs_.get(reg::kRdtr) & kDelayMask;
    if (delay == 0 || !rx_packet_timer_) {
        raise(icr::kRxt0);
        return;
    }
    rx_packet_timer_->arm_in(static_cast<emu::ClockNs>(delay) * kDelayUnitNs);
    const std::uint32_t absolute = regs_.get(reg::kRadv) & kDelayMask;
    if (absolute && !rx_absolute_timer_->armed())
        rx_absolute_timer_->arm_in(static_cast<emu::ClockNs>(absolute) * kDelayUnitNs);
}

void E1000::rx_delay_expired() {
    rx_packet_timer_->cancel();
    rx_absolute_timer_->cancel();
    raise(icr::kRxt0);
}

// RDTR.FPD: deliver a pending delayed receive interrupt now.
void E1000::rx_flush_delay() {
    if (!rx_packet_timer_ || (!rx_packet_timer_->armed() && !rx_absolute_timer_->armed())) return;
    rx_delay_expired();
}

}  // namespace e1000
