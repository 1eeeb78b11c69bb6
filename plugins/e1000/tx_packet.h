// Transmit packet assembly: the data of one packet's descriptors gathered into frames, with the
// checksum offloads and TCP segmentation of SDM 3.3.5-3.3.7 and 3.5. Independent of DMA and
// registers, so it can be tested on its own. Every offset comes from the guest and is checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace e1000 {

// A context descriptor's fields (SDM 3.3.6). The 82540 keeps two: one loaded by context
// descriptors with TSE (used by TSE data descriptors), one by those without.
struct TxContext {
    std::uint8_t ipcss = 0, ipcso = 0;
    std::uint16_t ipcse = 0;
    std::uint8_t tucss = 0, tucso = 0;
    std::uint16_t tucse = 0;
    std::uint32_t paylen = 0;
    std::uint8_t tucmd = 0;
    std::uint8_t hdr_len = 0;
    std::uint16_t mss = 0;
};

// What the first descriptor of a packet asks for.
struct TxOptions {
    bool tso = false;             // data descriptors with TSE
    bool ip_checksum = false;     // POPTS.IXSM
    bool l4_checksum = false;     // POPTS.TXSM
    TxContext context;
};

class TxPacket {
public:
    // Largest non-TSO packet kept (bytes past it are dropped, and so is the packet); largest
    // TSO payload carried (a guest can describe up to 1 MiB; Linux never sends over 64 KiB).
    static constexpr std::size_t kMaxPacket = 65536 + 64;
    static constexpr std::size_t kMaxTsoPayload = 256 * 1024;

    // Called for each finished frame (before VLAN insertion and padding).
    using Emit = std::function<void(std::span<const std::uint8_t>)>;

    bool active() const { return active_; }
    // Still taking data (not dropped for length or by fail()).
    bool accepting() const { return active_ && !failed_; }
    // Drop the packet being assembled (its data could not be read); finish() reports it.
    void fail() { failed_ = true; }
    void start(const TxOptions& options);
    // A legacy descriptor: no contexts, an optional checksum (IC) given at the end.
    void start_legacy();
    // Data of the next descriptor.
    void append(std::span<const std::uint8_t> data, const Emit& emit);
    // The end-of-packet descriptor. Legacy IC: checksum from css to the end, stored at cso.
    // Returns false if the packet was dropped (too long, or a TSO the hardware cannot do).
    bool finish(const Emit& emit, bool legacy_checksum = false, std::uint8_t css = 0, std::uint8_t cso = 0);
    void clear();

    bool tso() const { return active_ && options_.tso; }
    unsigned segments() const { return segment_; }

private:
    void emit_segment(bool last, const Emit& emit);
    void apply_checksums(std::span<std::uint8_t> frame) const;

    bool active_ = false;
    bool failed_ = false;
    TxOptions options_;
    std::vector<std::uint8_t> data_;
    std::vector<std::uint8_t> header_;     // TSO: the pristine header, copied into every segment
    std::size_t tso_payload_ = 0;          // TSO: payload bytes taken so far
    std::uint32_t payload_sent_ = 0;       // TSO: payload bytes in the segments sent
    unsigned segment_ = 0;
};

}  // namespace e1000
