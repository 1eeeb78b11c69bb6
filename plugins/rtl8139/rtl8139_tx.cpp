// rtl8139 transmit: the C mode's four descriptors (TSAD/TSD), the C+ mode's descriptor rings
// with checksum offload, large send and VLAN insertion, loopback, the tally counter dump.
#include <algorithm>

#include "offload.h"
#include "rtl8139.h"

namespace rtl8139 {

namespace {

// A gathered C+ frame may not grow past what the net layer carries.
constexpr std::size_t kMaxGather = emu::net::kMaxFrameSize;

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

template <class T>
void put_le(std::uint8_t* out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace

// ---- C mode --------------------------------------------------------------------------------------

// Writing a size with OWN clear hands the descriptor to the chip. In C+ mode the same offsets
// are DTCCR, the tally dump command.
void Rtl8139::write_tsd(unsigned index, std::uint32_t value) {
    if (cplus_tx_mode()) {
        if (index == 0) {
            dump_tally(value);
        } else if (index == 1) {
            set32(DTCCR + 4, value);
        }
        return;
    }
    const std::uint32_t status_bits = kTsdOwn | kTsdTun | kTsdTok | kTsdTabt | 0x8f000000u;
    set32(TSD0 + 4 * index, (value & ~status_bits) | (value & kTsdOwn));
    if (value & kTsdOwn) {
        tx_pending_ &= static_cast<std::uint8_t>(~(1u << index));
        return;
    }
    tx_pending_ |= static_cast<std::uint8_t>(1u << index);
    transmit_c();
}

std::uint16_t Rtl8139::tsad_summary() const {
    std::uint16_t summary = 0;
    for (unsigned i = 0; i < 4; ++i) {
        const std::uint32_t tsd = get32(TSD0 + 4 * i);
        if (tsd & kTsdOwn) summary |= static_cast<std::uint16_t>(1u << i);
        if (tsd & kTsdTabt) summary |= static_cast<std::uint16_t>(1u << (4 + i));
        if (tsd & kTsdTun) summary |= static_cast<std::uint16_t>(1u << (8 + i));
        if (tsd & kTsdTok) summary |= static_cast<std::uint16_t>(1u << (12 + i));
    }
    return summary;
}

// The chip serves the descriptors round robin from the one after the last it sent.
void Rtl8139::transmit_c() {
    if (tx_active_ || !(regs_[CR] & kCrTxEnable) || cplus_tx_mode()) return;
    tx_active_ = true;
    while (tx_pending_ && !tx_blocked_) {
        unsigned n = tx_next_;
        while (!(tx_pending_ & (1u << n))) n = (n + 1) % 4;
        tx_pending_ &= static_cast<std::uint8_t>(~(1u << n));
        tx_next_ = (n + 1) % 4;
        std::uint32_t tsd = get32(TSD0 + 4 * n);
        std::vector<std::uint8_t> frame(tsd & kTsdSizeMask);
        if (pci_dma_read(get32(TSAD0 + 4 * n), frame.data(), frame.size()) != emu::PciDmaResult::Ok) {
            set32(TSD0 + 4 * n, tsd | kTsdOwn | kTsdTabt);
            ++tally_.tx_abort;
            ++tally_.tx_error;
            raise(kIntTxErr);
            continue;
        }
        if (!frame.empty()) send_frame(frame);
        set32(TSD0 + 4 * n, tsd | kTsdOwn | kTsdTok);
        ++tally_.tx_ok;
        raise(kIntTxOk);
    }
    tx_active_ = false;
}

// ---- Both modes ----------------------------------------------------------------------------------

// Out to the peer, or, in loopback mode, straight back into our own receiver.
void Rtl8139::send_frame(std::vector<std::uint8_t>& frame) {
    if (frame.size() < emu::net::kMinFrameSize) frame.resize(emu::net::kMinFrameSize, 0);
    if ((get32(TCR) & kTcrLoopbackMask) == kTcrLoopback) {
        if (can_receive() && !receive(frame)) count_missed();
        return;
    }
    if (client_.send(std::span<const std::uint8_t>(frame)) == emu::NetClient::SendStatus::Queued) tx_blocked_ = true;
}

void Rtl8139::send_ready() {
    tx_blocked_ = false;
    transmit_c();
    if (tx_poll_waiting_) {
        const std::uint8_t rings = tx_poll_waiting_;
        tx_poll_waiting_ = 0;
        transmit_cplus(rings);
    }
}

// ---- C+ mode -------------------------------------------------------------------------------------

void Rtl8139::transmit_cplus(std::uint8_t rings) {
    if (!rings || !(regs_[CR] & kCrTxEnable) || !cplus_tx_mode()) return;
    if (tx_active_ || tx_blocked_) {
        tx_poll_waiting_ |= rings;
        return;
    }
    tx_active_ = true;
    if ((rings & kTpPollHigh) && transmit_ring(tx_high_)) tx_poll_waiting_ |= kTpPollHigh;
    if ((rings & kTpPollNormal) && transmit_ring(tx_normal_)) tx_poll_waiting_ |= kTpPollNormal;
    tx_active_ = false;
}

// Walk one ring from its current descriptor while the chip owns them. Returns true if it
// stopped because the peer asked us to wait (resume on send_ready).
bool Rtl8139::transmit_ring(TxRing& ring) {
    for (unsigned walked = 0; walked < kMaxRingDescriptors; ++walked) {
        if (tx_blocked_) return true;
        const emu::Addr base = emu::Addr{get32(ring.reg)} | emu::Addr{get32(ring.reg + 4)} << 32;
        const emu::Addr address = base + emu::Addr{ring.index} * kDescriptorSize;
        std::uint8_t descriptor[kDescriptorSize];
        if (pci_dma_read(address, descriptor, sizeof descriptor) != emu::PciDmaResult::Ok) {
            raise(kIntSystemError);
            return false;
        }
        const std::uint32_t opts1 = le32(descriptor);
        if (!(opts1 & kDescOwn)) return false;
        const std::uint32_t opts2 = le32(descriptor + 4);
        const emu::Addr buffer = emu::Addr{le32(descriptor + 8)} | emu::Addr{le32(descriptor + 12)} << 32;
        const std::size_t size = opts1 & kTxBufferSizeMask;

        if (opts1 & kDescFirst) {
            ring.frame.clear();
            ring.gathering = true;
            ring.oversize = false;
            ring.opts1 = opts1;
            ring.opts2 = opts2;
        }
        bool error = false;
        if (ring.gathering && !ring.oversize) {
            if (ring.frame.size() + size > kMaxGather) {
                ring.oversize = true;
            } else {
                const std::size_t at = ring.frame.size();
                ring.frame.resize(at + size);
                if (pci_dma_read(buffer, ring.frame.data() + at, size) != emu::PciDmaResult::Ok) {
                    ring.oversize = true;   // the frame is lost
                    error = true;
                }
            }
        }
        // Hand the descriptor back: OWN clear, and the error bits on a failed fetch.
        std::uint32_t done = opts1 & ~kDescOwn & ~(kTxError | kTxFifoUnderrun);
        if (error) done |= kTxError | kTxFifoUnderrun;
        std::uint8_t word[4];
        put_le(word, done);
        if (pci_dma_write(address, word, sizeof word) != emu::PciDmaResult::Ok) {
            raise(kIntSystemError);
            return false;
        }
        ring.index = (opts1 & kDescEndOfRing) ? 0 : (ring.index + 1) % kMaxRingDescriptors;
        if (error) raise(kIntSystemError);
        if ((opts1 & kDescLast) && ring.gathering) {
            ring.gathering = false;
            finish_cplus_frame(ring);
        }
    }
    return false;
}

void Rtl8139::finish_cplus_frame(TxRing& ring) {
    std::vector<std::uint8_t> frame = std::move(ring.frame);
    ring.frame.clear();
    if (ring.oversize || frame.empty()) {
        ++tally_.tx_error;
        raise(kIntTxErr);
        return;
    }
    const std::uint32_t opts1 = ring.opts1;
    if (ring.opts2 & kTxVlanInsert) {
        const auto wire = static_cast<std::uint16_t>(ring.opts2 & 0xffff);   // as 8139cp stores it
        insert_vlan_tag(frame, static_cast<std::uint16_t>(wire << 8 | wire >> 8));
    }
    if (opts1 & kTxLargeSend) {
        const unsigned mss = (opts1 >> kTxMssShift) & kTxMssMask;
        if (!segment_tcp(frame, mss, [this](std::vector<std::uint8_t>& segment) { send_frame(segment); }))
            send_frame(frame);
    } else {
        fill_checksums(frame, opts1 & kTxIpChecksum, opts1 & kTxTcpChecksum, opts1 & kTxUdpChecksum);
        send_frame(frame);
    }
    ++tally_.tx_ok;
    raise(kIntTxOk);
}

// DTCCR: with DumpStats set, write the 64-byte tally block to the (64-byte aligned) address;
// the bit reads back clear when the dump is done — at once, here.
void Rtl8139::dump_tally(std::uint32_t low) {
    set32(DTCCR, low & ~kDtccrDump);
    if (!(low & kDtccrDump)) return;
    const emu::Addr address = (emu::Addr{get32(DTCCR + 4)} << 32) | (low & ~0x3fu);
    std::uint8_t block[kTallySize] = {};
    put_le(block + 0, tally_.tx_ok);
    put_le(block + 8, tally_.rx_ok);
    put_le(block + 16, tally_.tx_error);
    put_le(block + 24, tally_.rx_error);
    put_le(block + 28, tally_.rx_missed);
    put_le(block + 30, tally_.frame_alignment);
    put_le(block + 32, tally_.tx_one_collision);
    put_le(block + 36, tally_.tx_multi_collision);
    put_le(block + 40, tally_.rx_ok_physical);
    put_le(block + 48, tally_.rx_ok_broadcast);
    put_le(block + 56, tally_.rx_ok_multicast);
    put_le(block + 60, tally_.tx_abort);
    put_le(block + 62, tally_.tx_underrun);
    if (pci_dma_write(address, block, sizeof block) != emu::PciDmaResult::Ok) raise(kIntSystemError);
}

}  // namespace rtl8139
