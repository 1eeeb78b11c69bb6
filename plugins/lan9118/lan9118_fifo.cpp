// The LAN9118's data paths (datasheet 3.12-3.13 and 5.1-5.2): the TX data FIFO's command
// parser and the transmit status FIFO, and the receive filter and RX data/status FIFOs.
//
// Every guest value is checked here: buffer sizes and data offsets come from 11- and 5-bit
// fields, a packet never grows past kMaxTxPacket, a word written to a full TX data FIFO is an
// overrun (INT_STS.TDFO) and is dropped, and the FIFOs never hold more than the chip's 16 KiB.
#include <algorithm>
#include <array>

#include "lan9118.h"
#include "lan9118_regs.h"

namespace lan9118 {

namespace {

constexpr std::size_t kFifoBytes = 16 * 1024;
constexpr std::size_t kTxStatusEntries = 512 / 4;
constexpr std::size_t kMaxTxPacket = 2048;          // CMD_B's length field is 11 bits
constexpr std::size_t kMaxRxFrame = 1518 + 4;       // without FCS: a VLAN-tagged full frame
constexpr std::size_t kFcsBytes = 4;
constexpr std::array<unsigned, 4> kEndAlignment = {4, 16, 32, 4};  // 0b11 is reserved

unsigned tx_fifo_kib(std::uint32_t hw_cfg) {
    return std::clamp((hw_cfg >> kHwCfgTxFifoSizeShift) & 0xfu, 2u, 14u);
}

const std::array<std::uint32_t, 256>& crc_table() {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    return table;
}

// CRC-32 (IEEE 802.3, reflected) without the final inversion.
std::uint32_t crc32_raw(std::span<const std::uint8_t> data) {
    std::uint32_t crc = 0xffffffffu;
    for (std::uint8_t byte : data) crc = crc_table()[(crc ^ byte) & 0xff] ^ (crc >> 8);
    return crc;
}

std::uint32_t bit_reverse(std::uint32_t v) {
    std::uint32_t r = 0;
    for (int i = 0; i < 32; ++i, v >>= 1) r = (r << 1) | (v & 1);
    return r;
}

}  // namespace

// ---- Transmit ----------------------------------------------------------------------------------

std::size_t Lan9118::tx_data_capacity() const { return tx_fifo_kib(hw_cfg_) * 1024 - 512; }

std::size_t Lan9118::tx_data_free() const {
    const std::size_t used = tx_held_bytes_ + tx_packet_.fifo_bytes;
    const std::size_t capacity = tx_data_capacity();
    return used < capacity ? capacity - used : 0;
}

void Lan9118::tx_fifo_write(std::uint32_t word) {
    if (tx_data_free() < 4) {
        int_sts_ |= irq::kTxDataOverrun;  // the word is lost
        return;
    }
    tx_packet_.fifo_bytes += 4;
    switch (tx_state_) {
    case TxState::CommandA:
        if ((word & txcmd::kAFirstSegment) || !tx_packet_open_) {
            // A new packet (an unfinished one before it is abandoned); a middle segment with
            // no first one makes a bad packet.
            tx_packet_ = {};
            tx_packet_.fifo_bytes = 4;
            tx_packet_.cmd_a = word;
            tx_packet_open_ = true;
            tx_packet_bad_ = !(word & txcmd::kAFirstSegment);
        }
        tx_buffer_cmd_a_ = word;
        tx_state_ = TxState::CommandB;
        break;
    case TxState::CommandB: {
        if (tx_buffer_cmd_a_ & txcmd::kAFirstSegment)
            tx_packet_.cmd_b = word;
        else if (word != tx_packet_.cmd_b)
            tx_packet_bad_ = true;  // every buffer of a packet repeats the same CMD_B
        const std::uint32_t offset = (tx_buffer_cmd_a_ >> txcmd::kADataOffsetShift) & txcmd::kADataOffsetMask;
        const std::uint32_t size = tx_buffer_cmd_a_ & txcmd::kABufferSizeMask;
        const unsigned align = kEndAlignment[(tx_buffer_cmd_a_ >> txcmd::kAEndAlignShift) & txcmd::kAEndAlignMask];
        tx_words_left_ = (offset + size + align - 1) / align * align / 4;
        tx_byte_index_ = 0;
        tx_state_ = TxState::Data;
        if (tx_words_left_ == 0) tx_buffer_done();
        break;
    }
    case TxState::Data: {
        const std::uint32_t offset = (tx_buffer_cmd_a_ >> txcmd::kADataOffsetShift) & txcmd::kADataOffsetMask;
        const std::uint32_t end = offset + (tx_buffer_cmd_a_ & txcmd::kABufferSizeMask);
        for (unsigned b = 0; b < 4; ++b, ++tx_byte_index_) {
            if (tx_byte_index_ < offset || tx_byte_index_ >= end) continue;
            if (tx_packet_.bytes.size() >= kMaxTxPacket) {
                tx_packet_bad_ = true;
                continue;
            }
            tx_packet_.bytes.push_back(static_cast<std::uint8_t>(word >> (8 * b)));
        }
        if (--tx_words_left_ == 0) tx_buffer_done();
        break;
    }
    }
}

void Lan9118::tx_buffer_done() {
    tx_state_ = TxState::CommandA;
    if (tx_buffer_cmd_a_ & txcmd::kALastSegment) tx_packet_done();
}

void Lan9118::tx_packet_done() {
    TxPacket packet = std::move(tx_packet_);
    tx_packet_ = {};
    tx_packet_open_ = false;
    const std::uint32_t length = packet.cmd_b & txcmd::kBPacketLengthMask;
    if (tx_packet_bad_ || packet.bytes.size() != length) {
        // A malformed command sequence: the packet is not sent and its status says so.
        tx_packet_bad_ = false;
        push_tx_status(((packet.cmd_b >> txcmd::kBTagShift) << 16) | kTxStsError);
        int_sts_ |= irq::kTxError;
        return;
    }
    packet.cmd_a = (packet.cmd_a & ~txcmd::kAInterruptOnCompletion) | (tx_buffer_cmd_a_ & txcmd::kAInterruptOnCompletion);
    tx_held_bytes_ += packet.fifo_bytes;
    tx_held_.push_back(std::move(packet));
    transmit_held();
}

// Send the complete packets, in order, while the transmitter is on and the peer takes frames.
void Lan9118::transmit_held() {
    if (transmitting_) return;
    transmitting_ = true;
    while (!tx_held_.empty() && (tx_cfg_ & kTxCfgOn) && (mac_cr_ & mac::kCrTxEnable) && !tx_waiting_) {
        TxPacket packet = std::move(tx_held_.front());
        tx_held_.pop_front();
        tx_held_bytes_ -= packet.fifo_bytes;
        send_frame(packet);
        push_tx_status((packet.cmd_b >> txcmd::kBTagShift) << 16);
        if (packet.cmd_a & txcmd::kAInterruptOnCompletion) int_sts_ |= irq::kTxIoc;
    }
    transmitting_ = false;
    update_levels();
    update_irq();
}

void Lan9118::send_frame(const TxPacket& packet) {
    std::vector<std::uint8_t> frame = packet.bytes;
    if ((packet.cmd_b & txcmd::kBAddCrcDisable) && frame.size() >= kFcsBytes)
        frame.resize(frame.size() - kFcsBytes);  // the driver appended its own FCS
    if (!(packet.cmd_b & txcmd::kBDisablePadding) && frame.size() < emu::net::kMinFrameSize)
        frame.resize(emu::net::kMinFrameSize, 0);
    if (phy_.loopback() || (mac_cr_ & mac::kCrLoopback)) {
        receive(frame);
        return;
    }
    if (client_.send(frame) == emu::NetClient::SendStatus::Queued) tx_waiting_ = true;
}

void Lan9118::push_tx_status(std::uint32_t status) {
    if (tx_status_.size() >= kTxStatusEntries) {
        int_sts_ |= irq::kTxStatusOverflow;  // the driver did not read statuses: this one is lost
        return;
    }
    tx_status_.push_back(status);
    if (tx_status_.size() == kTxStatusEntries) int_sts_ |= irq::kTxStatusFull;
}

void Lan9118::tx_dump() {
    tx_held_.clear();
    tx_held_bytes_ = 0;
    tx_packet_ = {};
    tx_packet_open_ = tx_packet_bad_ = false;
    tx_state_ = TxState::CommandA;
    tx_words_left_ = tx_byte_index_ = 0;
}

void Lan9118::send_ready() {
    tx_waiting_ = false;
    transmit_held();
}

// ---- Receive -----------------------------------------------------------------------------------

std::size_t Lan9118::rx_data_capacity() const {
    const std::size_t total = kFifoBytes - tx_fifo_kib(hw_cfg_) * 1024;
    return total - total / 16;
}

std::size_t Lan9118::rx_status_capacity() const {
    return (kFifoBytes - tx_fifo_kib(hw_cfg_) * 1024) / 16 / 4;
}

// Words a received frame of frame_length bytes (FCS included) takes: RX_CFG's data offset
// first, then the frame, padded to the end alignment.
std::size_t Lan9118::rx_words_for(std::size_t frame_length) const {
    const std::size_t offset = (rx_cfg_ >> kRxCfgDataOffsetShift) & kRxCfgDataOffsetMask;
    const std::size_t align = kEndAlignment[rx_cfg_ >> kRxCfgEndAlignShift];
    return (offset + frame_length + align - 1) / align * align / 4;
}

bool Lan9118::can_receive() const {
    if (!(mac_cr_ & mac::kCrRxEnable)) return true;  // frames are lost on the wire
    return rx_status_.size() < rx_status_capacity() &&
           (rx_data_.size() + rx_words_for(kMaxRxFrame + kFcsBytes)) * 4 <= rx_data_capacity();
}

bool Lan9118::accept_address(std::span<const std::uint8_t> frame) const {
    if (mac_cr_ & (mac::kCrPromiscuous | mac::kCrRxAll)) return true;
    const std::span<const std::uint8_t> destination = frame.first(6);
    auto hash_match = [&] {
        const unsigned index = bit_reverse(crc32_raw(destination)) >> 26;
        const std::uint32_t table = (index & 0x20) ? hashh_ : hashl_;
        return ((table >> (index & 0x1f)) & 1) != 0;
    };
    if (std::all_of(destination.begin(), destination.end(), [](std::uint8_t b) { return b == 0xff; }))
        return !(mac_cr_ & mac::kCrBroadcastDisable);
    if (destination[0] & 1) {
        if (mac_cr_ & mac::kCrMulticastPass) return true;
        return (mac_cr_ & mac::kCrHashPerfect) && hash_match();
    }
    if ((mac_cr_ & mac::kCrHashPerfect) && (mac_cr_ & mac::kCrHashOnly)) return hash_match();
    const std::array<std::uint8_t, 6> own = {
        static_cast<std::uint8_t>(addrl_), static_cast<std::uint8_t>(addrl_ >> 8),
        static_cast<std::uint8_t>(addrl_ >> 16), static_cast<std::uint8_t>(addrl_ >> 24),
        static_cast<std::uint8_t>(addrh_), static_cast<std::uint8_t>(addrh_ >> 8)};
    const bool perfect = std::equal(own.begin(), own.end(), destination.begin());
    return (mac_cr_ & mac::kCrInverseFilter) ? !perfect : perfect;
}

bool Lan9118::receive(std::span<const std::uint8_t> frame) {
    if (!(mac_cr_ & mac::kCrRxEnable)) return true;  // receiver off: the frame is lost
    if (frame.size() < 6 || !accept_address(frame)) return true;
    if (frame.size() > kMaxRxFrame) {
        ++rx_drop_;  // too long for this MAC: dropped and counted
        return true;
    }
    const std::size_t padded = std::max(frame.size(), emu::net::kMinFrameSize);
    const std::size_t length = padded + kFcsBytes;
    const std::size_t words = rx_words_for(length);
    if (rx_status_.size() >= rx_status_capacity() || (rx_data_.size() + words) * 4 > rx_data_capacity())
        return false;  // no room: it waits in the net layer's queue

    const std::size_t offset = (rx_cfg_ >> kRxCfgDataOffsetShift) & kRxCfgDataOffsetMask;
    std::vector<std::uint8_t> bytes(words * 4, 0);
    std::copy(frame.begin(), frame.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset));
    const std::uint32_t fcs = ~crc32_raw(std::span(bytes).subspan(offset, padded));
    for (unsigned i = 0; i < kFcsBytes; ++i) bytes[offset + padded + i] = static_cast<std::uint8_t>(fcs >> (8 * i));
    for (std::size_t i = 0; i < words; ++i)
        rx_data_.push_back(std::uint32_t{bytes[4 * i]} | std::uint32_t{bytes[4 * i + 1]} << 8 |
                           std::uint32_t{bytes[4 * i + 2]} << 16 | std::uint32_t{bytes[4 * i + 3]} << 24);
    rx_packet_words_.push_back(static_cast<std::uint32_t>(words));

    std::uint32_t status = static_cast<std::uint32_t>(length) << kRxStsLengthShift;
    const bool broadcast = std::all_of(frame.begin(), frame.begin() + 6, [](std::uint8_t b) { return b == 0xff; });
    if (broadcast)
        status |= kRxStsBroadcast;
    else if (frame[0] & 1)
        status |= kRxStsMulticast;
    if (frame.size() >= 14 && ((frame[12] << 8) | frame[13]) >= 0x0600) status |= kRxStsFrameType;
    if (padded > 1518) status |= kRxStsFrameTooLong;
    rx_status_.push_back(status);
    update_levels();
    update_irq();
    return true;
}

std::uint32_t Lan9118::rx_fifo_read() {
    if (rx_data_.empty()) return 0;  // underrun: the data is undefined
    const std::uint32_t word = rx_data_.front();
    rx_data_.pop_front();
    if (!rx_packet_words_.empty() && --rx_packet_words_.front() == 0) {
        rx_packet_words_.pop_front();
        rx_space_freed();
    }
    return word;
}

std::uint32_t Lan9118::rx_status_pop() {
    if (rx_status_.empty()) return 0;
    const std::uint32_t status = rx_status_.front();
    rx_status_.pop_front();
    update_levels();
    update_irq();
    rx_space_freed();
    return status;
}

// RX_DP_CTRL.RX_FFWD: skip the rest of the packet at the head of the RX data FIFO.
void Lan9118::rx_fast_forward() {
    if (rx_packet_words_.empty()) return;
    const std::size_t words = std::min<std::size_t>(rx_packet_words_.front(), rx_data_.size());
    rx_data_.erase(rx_data_.begin(), rx_data_.begin() + static_cast<std::ptrdiff_t>(words));
    rx_packet_words_.pop_front();
    rx_space_freed();
}

void Lan9118::rx_dump() {
    rx_data_.clear();
    rx_packet_words_.clear();
    rx_status_.clear();
    rx_space_freed();
}

void Lan9118::rx_space_freed() {
    if (client_.queued_frames() > 0) client_.receive_ready();
}

}  // namespace lan9118
