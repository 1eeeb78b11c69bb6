// rtl8139 receive: the address filter (RxConfig, MAR hash), the C mode ring and the C+ mode
// descriptor ring, with back-pressure.
#include <algorithm>
#include <array>

#include "offload.h"
#include "rtl8139.h"

namespace rtl8139 {

namespace {

constexpr std::size_t kCrcSize = 4;
constexpr std::size_t kRxHeaderSize = 4;
// Longest frame (without FCS) the C mode ring takes; the chip flags longer ones as errors.
constexpr std::size_t kMaxCModeFrame = 4096 - kCrcSize;
// A C mode ring with less room than a full-sized frame (header, VLAN-tagged frame, FCS,
// alignment) refuses further frames until the driver advances CAPR.
constexpr std::uint32_t kRoomForFullFrame = kRxHeaderSize + 1518 + kCrcSize + 3;

// The Ethernet FCS (CRC-32, reflected), appended little-endian as on the wire.
std::uint32_t ethernet_fcs(std::span<const std::uint8_t> data) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xffffffffu;
    for (std::uint8_t byte : data) crc = table[(crc ^ byte) & 0xff] ^ (crc >> 8);
    return ~crc;
}

// The multicast hash: the top six bits of the big-endian CRC-32 of the address (the MAR bit).
unsigned multicast_hash(std::span<const std::uint8_t> address) {
    std::uint32_t crc = 0xffffffffu;
    for (std::uint8_t byte : address)
        for (int bit = 0; bit < 8; ++bit, byte >>= 1)
            crc = (crc << 1) ^ ((((crc >> 31) ^ byte) & 1) ? 0x04c11db7u : 0);
    return crc >> 26;
}

void append_le32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

std::vector<std::uint8_t> padded(std::span<const std::uint8_t> frame) {
    std::vector<std::uint8_t> data(frame.begin(), frame.end());
    if (data.size() < emu::net::kMinFrameSize) data.resize(emu::net::kMinFrameSize, 0);
    return data;
}

}  // namespace

bool Rtl8139::receiver_on() const { return (regs_[CR] & kCrRxEnable) && client_.link_up(); }

bool Rtl8139::cplus_rx_mode() const { return cplus_capable() && (get16(CPCR) & kCpRxEnable); }

// A receiver that is off takes frames and drops them (as an unplugged chip would); one whose
// ring is full refuses them until the driver makes room.
bool Rtl8139::can_receive() {
    if (!receiver_on()) return true;
    if (cplus_rx_mode() ? cplus_rx_descriptor_ready() : rx_free() > kRoomForFullFrame) return true;
    // "Rx descriptor unavailable", once per episode (not on every re-check while blocked).
    if (cplus_rx_mode() && !rx_unavailable_reported_) {
        rx_unavailable_reported_ = true;
        raise(kIntRxOverflow);
    }
    rx_blocked_ = true;
    if (rx_poll_ && !rx_poll_->armed()) rx_poll_->arm_in(kRxPollNs);
    return false;
}

bool Rtl8139::receive(std::span<const std::uint8_t> frame) {
    if (!receiver_on()) return true;
    std::uint16_t status = 0;
    if (!accept(frame, status)) return true;
    return cplus_rx_mode() ? receive_cplus(frame, status) : receive_c(frame, status);
}

// RxConfig: AB takes broadcasts, AM multicasts whose hash bit is set in MAR, APM frames for
// our address, AAP frames for any unicast address.
bool Rtl8139::accept(std::span<const std::uint8_t> frame, std::uint16_t& status) {
    if (frame.size() < 6) return false;
    const std::uint32_t rcr = get32(RCR);
    const auto destination = frame.first(6);
    if (std::all_of(destination.begin(), destination.end(), [](std::uint8_t b) { return b == 0xff; })) {
        if (!(rcr & kRcrAcceptBroadcast)) return false;
        status = kRxStatusBroadcast;
        return true;
    }
    if (destination[0] & 1) {
        if (!(rcr & kRcrAcceptMulticast)) return false;
        const unsigned bit = multicast_hash(destination);
        if (!(regs_[MAR0 + bit / 8] & (1u << (bit % 8)))) return false;
        status = kRxStatusMulticast;
        return true;
    }
    if (std::equal(destination.begin(), destination.end(), regs_.begin() + IDR0)) {
        if (!(rcr & (kRcrAcceptMyPhys | kRcrAcceptAllPhys))) return false;
        status = kRxStatusPhysical;
        return true;
    }
    status = 0;
    return (rcr & kRcrAcceptAllPhys) != 0;
}

void Rtl8139::count_missed() {
    set32(MPC, (get32(MPC) + 1) & 0xffffff);
    ++tally_.rx_missed;
}

// ---- C mode ring ---------------------------------------------------------------------------------

std::uint32_t Rtl8139::rx_ring_size() const { return 8192u << ((get32(RCR) >> kRcrBufferLengthShift) & 3); }

// The driver says where it has read up to through CAPR, 16 bytes behind (8139too writes
// cur_rx - 16).
std::uint32_t Rtl8139::rx_read_offset() const { return (get16(CAPR) + 16u) % rx_ring_size(); }

std::uint32_t Rtl8139::rx_free() const {
    const std::uint32_t size = rx_ring_size();
    const std::uint32_t used = (rx_write_ % size + size - rx_read_offset()) % size;
    return size - used;
}

// Write at offset in the ring: wrapping to its start, or — WRAP set and a ring under 64 KiB —
// straight on past its end, where the driver keeps room for one more frame.
bool Rtl8139::rx_ring_write(std::uint32_t offset, std::span<const std::uint8_t> data) {
    const emu::Addr base = get32(RBSTART);
    const std::uint32_t size = rx_ring_size();
    const bool no_wrap = (get32(RCR) & kRcrNoWrap) && size < 65536;
    const std::size_t first = no_wrap ? data.size() : std::min<std::size_t>(data.size(), size - offset);
    if (pci_dma_write(base + offset, data.data(), first) != emu::PciDmaResult::Ok) return false;
    if (first < data.size() &&
        pci_dma_write(base, data.data() + first, data.size() - first) != emu::PciDmaResult::Ok)
        return false;
    return true;
}

bool Rtl8139::receive_c(std::span<const std::uint8_t> frame, std::uint16_t status) {
    std::vector<std::uint8_t> data = padded(frame);
    const std::uint32_t size = rx_ring_size();
    const std::size_t length = data.size() + kCrcSize;
    if (data.size() > kMaxCModeFrame || length + kRxHeaderSize + 16 > size) {
        count_missed();
        return true;
    }
    const auto need = static_cast<std::uint32_t>((kRxHeaderSize + length + 3) & ~std::size_t{3});
    if (need >= rx_free()) {
        rx_blocked_ = true;
        return false;
    }
    std::vector<std::uint8_t> packet;
    packet.reserve(kRxHeaderSize + length);
    const std::uint16_t header_status = status | kRxStatusOk;
    packet.push_back(static_cast<std::uint8_t>(header_status));
    packet.push_back(static_cast<std::uint8_t>(header_status >> 8));
    packet.push_back(static_cast<std::uint8_t>(length));
    packet.push_back(static_cast<std::uint8_t>(length >> 8));
    packet.insert(packet.end(), data.begin(), data.end());
    append_le32(packet, ethernet_fcs(data));
    const std::uint32_t offset = rx_write_ % size;
    if (!rx_ring_write(offset, packet)) {
        count_missed();
        raise(kIntSystemError);
        return true;
    }
    rx_write_ = (offset + need) % size;
    ++tally_.rx_ok;
    raise(kIntRxOk);
    return true;
}

// ---- C+ mode ring --------------------------------------------------------------------------------

emu::Addr Rtl8139::rx_descriptor_address() const {
    const emu::Addr ring = emu::Addr{get32(RDSAR)} | emu::Addr{get32(RDSAR + 4)} << 32;
    return ring + emu::Addr{rx_index_} * kDescriptorSize;
}

// True when the next descriptor is the chip's, or cannot be read at all (receive() then drops
// the frame and reports the bus error rather than waiting forever).
bool Rtl8139::cplus_rx_descriptor_ready() {
    std::uint8_t opts1[4];
    if (pci_dma_read(rx_descriptor_address(), opts1, sizeof opts1) != emu::PciDmaResult::Ok) return true;
    return (le32(opts1) & kDescOwn) != 0;
}

bool Rtl8139::receive_cplus(std::span<const std::uint8_t> frame, std::uint16_t status) {
    std::vector<std::uint8_t> data = padded(frame);
    const std::uint16_t cpcr = get16(CPCR);
    std::uint32_t opts2 = 0;
    if (cpcr & kCpRxVlanStrip) {
        std::uint16_t tci = 0;
        if (strip_vlan_tag(data, tci)) {
            // The tag is stored as it was on the wire (8139cp swaps it back).
            opts2 = kRxVlanTagged | static_cast<std::uint16_t>(tci << 8 | tci >> 8);
            if (data.size() < emu::net::kMinFrameSize) data.resize(emu::net::kMinFrameSize, 0);
        }
    }
    const std::uint32_t checksum = (cpcr & kCpRxChecksum) ? receive_checksum_status(data) : 0;

    const emu::Addr address = rx_descriptor_address();
    std::uint8_t descriptor[kDescriptorSize];
    if (pci_dma_read(address, descriptor, sizeof descriptor) != emu::PciDmaResult::Ok) {
        count_missed();
        raise(kIntSystemError);
        return true;
    }
    const std::uint32_t opts1 = le32(descriptor);
    if (!(opts1 & kDescOwn)) {
        if (!rx_unavailable_reported_) {
            rx_unavailable_reported_ = true;
            raise(kIntRxOverflow);
        }
        rx_blocked_ = true;
        return false;
    }
    const std::uint32_t capacity = opts1 & kRxBufferSizeMask;
    const emu::Addr buffer = emu::Addr{le32(descriptor + 8)} | emu::Addr{le32(descriptor + 12)} << 32;
    const std::size_t length = data.size() + kCrcSize;
    if (length > capacity) {   // 8139cp gives each descriptor room for a whole frame
        count_missed();
        ++tally_.rx_error;
        raise(kIntRxErr);
        return true;
    }
    append_le32(data, ethernet_fcs(data));
    if (pci_dma_write(buffer, data.data(), data.size()) != emu::PciDmaResult::Ok) {
        count_missed();
        raise(kIntSystemError);
        return true;
    }
    std::uint32_t done = (opts1 & kDescEndOfRing) | kDescFirst | kDescLast | checksum |
                         static_cast<std::uint32_t>(length);
    if (status & kRxStatusBroadcast) done |= kRxBroadcast;
    if (status & kRxStatusMulticast) done |= kRxMulticast;
    if (status & kRxStatusPhysical) done |= kRxPhysical;
    std::uint8_t words[8];
    for (int i = 0; i < 4; ++i) {
        words[i] = static_cast<std::uint8_t>(done >> (8 * i));
        words[4 + i] = static_cast<std::uint8_t>(opts2 >> (8 * i));
    }
    // opts2 first, then opts1 (which hands the descriptor back) last.
    if (pci_dma_write(address + 4, words + 4, 4) != emu::PciDmaResult::Ok ||
        pci_dma_write(address, words, 4) != emu::PciDmaResult::Ok) {
        raise(kIntSystemError);
        return true;
    }
    rx_index_ = (opts1 & kDescEndOfRing) ? 0 : (rx_index_ + 1) % kMaxRingDescriptors;
    rx_unavailable_reported_ = false;
    ++tally_.rx_ok;
    if (status & kRxStatusPhysical) ++tally_.rx_ok_physical;
    if (status & kRxStatusBroadcast) ++tally_.rx_ok_broadcast;
    if (status & kRxStatusMulticast) ++tally_.rx_ok_multicast;
    raise(kIntRxOk);
    return true;
}

}  // namespace rtl8139
