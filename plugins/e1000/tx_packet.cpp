#include "tx_packet.h"

#include <algorithm>

#include "checksum.h"
#include "e1000_regs.h"

namespace e1000 {

namespace {
constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpPsh = 0x08;
constexpr std::size_t kIpv6HeaderSize = 40;
}  // namespace

void TxPacket::start(const TxOptions& options) {
    clear();
    active_ = true;
    options_ = options;
    // A TSO context with no MSS describes no segment: the hardware cannot send it.
    if (options_.tso && options_.context.mss == 0) failed_ = true;
}

void TxPacket::start_legacy() { start(TxOptions{}); }

void TxPacket::clear() {
    active_ = false;
    failed_ = false;
    options_ = {};
    data_.clear();
    header_.clear();
    tso_payload_ = 0;
    payload_sent_ = 0;
    segment_ = 0;
}

void TxPacket::append(std::span<const std::uint8_t> data, const Emit& emit) {
    if (!active_ || failed_ || data.empty()) return;
    if (!options_.tso) {
        if (data.size() > kMaxPacket - data_.size()) {
            failed_ = true;
            data_.clear();
            return;
        }
        data_.insert(data_.end(), data.begin(), data.end());
        return;
    }
    const std::size_t header = options_.context.hdr_len;
    const std::size_t segment_size = header + options_.context.mss;
    while (!data.empty()) {
        std::size_t take;
        if (data_.size() < header) {
            take = std::min(header - data_.size(), data.size());
            data_.insert(data_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
            if (data_.size() == header) header_ = data_;
        } else {
            if (tso_payload_ >= kMaxTsoPayload) {
                failed_ = true;
                return;
            }
            // A full segment is sent only once more payload follows, so that the last one of
            // the packet is known to be the last (it keeps FIN and PSH).
            if (data_.size() == segment_size) emit_segment(false, emit);
            take = std::min({segment_size - data_.size(), data.size(), kMaxTsoPayload - tso_payload_});
            data_.insert(data_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
            tso_payload_ += take;
        }
        data = data.subspan(take);
    }
}

bool TxPacket::finish(const Emit& emit, bool legacy_checksum, std::uint8_t css, std::uint8_t cso) {
    if (!active_) return false;
    bool sent = !failed_;
    if (sent && options_.tso) {
        // A packet that ends inside its header has nothing to segment.
        if (data_.size() > options_.context.hdr_len)
            emit_segment(true, emit);
        else
            sent = false;
    } else if (sent) {
        std::span<std::uint8_t> frame(data_);
        if (legacy_checksum)
            insert_checksum(frame, css, 0, cso);
        else
            apply_checksums(frame);
        emit(frame);
    }
    clear();
    return sent;
}

void TxPacket::apply_checksums(std::span<std::uint8_t> frame) const {
    const TxContext& c = options_.context;
    if (options_.ip_checksum) insert_checksum(frame, c.ipcss, c.ipcse, c.ipcso);
    if (options_.l4_checksum) insert_checksum(frame, c.tucss, c.tucse, c.tucso);
}

// SDM 3.5.4: per segment, the IP total length (IPv4) or payload length (IPv6), the IPv4
// identification (+1 per segment), the TCP sequence number (+payload sent so far) or the UDP
// length, FIN and PSH only on the last segment, and the pseudo-header checksum the driver seeded
// without a length gets this segment's L4 length added.
void TxPacket::emit_segment(bool last, const Emit& emit) {
    const TxContext& c = options_.context;
    std::span<std::uint8_t> frame(data_);
    const std::size_t length = data_.size();
    if (c.tucmd & txd::kTucmdIp) {
        if (length >= c.ipcss) put16(frame, c.ipcss + 2u, static_cast<std::uint16_t>(length - c.ipcss));
        put16(frame, c.ipcss + 4u, static_cast<std::uint16_t>(get16(frame, c.ipcss + 4u) + segment_));
    } else if (length >= c.ipcss + kIpv6HeaderSize) {
        put16(frame, c.ipcss + 4u, static_cast<std::uint16_t>(length - c.ipcss - kIpv6HeaderSize));
    }
    if (c.tucmd & txd::kTucmdTcp) {
        put32(frame, c.tucss + 4u, get32(frame, c.tucss + 4u) + payload_sent_);
        if (!last && fits(frame, c.tucss + 13u, 1)) frame[c.tucss + 13u] &= static_cast<std::uint8_t>(~(kTcpFin | kTcpPsh));
    } else if (length >= c.tucss) {
        put16(frame, c.tucss + 4u, static_cast<std::uint16_t>(length - c.tucss));
    }
    if (options_.l4_checksum && length >= c.tucss && fits(frame, c.tucso, 2))
        put16(frame, c.tucso, fold(std::uint32_t{get16(frame, c.tucso)} + static_cast<std::uint32_t>(length - c.tucss)));
    apply_checksums(frame);
    emit(frame);
    payload_sent_ += static_cast<std::uint32_t>(length - std::min<std::size_t>(length, c.hdr_len));
    ++segment_;
    data_ = header_;
}

}  // namespace e1000
