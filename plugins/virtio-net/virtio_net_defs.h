// virtio-net's guest-visible layout (VIRTIO 1.2 §5.1): feature bits, the config space, the
// per-packet header and the control-queue commands, named as the spec names them.
#pragma once

#include <cstdint>

namespace virtio_net {

// Feature bits (§5.1.3).
inline constexpr unsigned kFCsum = 0;              // device handles partial checksums (tx)
inline constexpr unsigned kFGuestCsum = 1;         // driver handles partial checksums (rx)
inline constexpr unsigned kFCtrlGuestOffloads = 2;
inline constexpr unsigned kFMtu = 3;
inline constexpr unsigned kFMac = 5;
inline constexpr unsigned kFGso = 6;               // legacy
inline constexpr unsigned kFGuestTso4 = 7, kFGuestTso6 = 8, kFGuestEcn = 9, kFGuestUfo = 10;
inline constexpr unsigned kFHostTso4 = 11, kFHostTso6 = 12, kFHostEcn = 13, kFHostUfo = 14;
inline constexpr unsigned kFMrgRxbuf = 15;
inline constexpr unsigned kFStatus = 16;
inline constexpr unsigned kFCtrlVq = 17;
inline constexpr unsigned kFCtrlRx = 18;
inline constexpr unsigned kFCtrlVlan = 19;
inline constexpr unsigned kFCtrlRxExtra = 20;
inline constexpr unsigned kFGuestAnnounce = 21;
inline constexpr unsigned kFMq = 22;
inline constexpr unsigned kFCtrlMacAddr = 23;

// Config space (struct virtio_net_config).
inline constexpr unsigned kConfigMac = 0;            // u8[6]
inline constexpr unsigned kConfigStatus = 6;         // le16, with VIRTIO_NET_F_STATUS
inline constexpr unsigned kConfigMaxPairs = 8;       // le16, with VIRTIO_NET_F_MQ
inline constexpr unsigned kConfigSize = 10;       // with max_virtqueue_pairs
inline constexpr std::uint16_t kStatusLinkUp = 1;

// The header before every packet (struct virtio_net_hdr): flags, gso_type, hdr_len, gso_size,
// csum_start, csum_offset, and num_buffers in the modern and mergeable-buffer layouts.
inline constexpr unsigned kHdrFlags = 0, kHdrGsoType = 1, kHdrHdrLen = 2, kHdrGsoSize = 4, kHdrCsumStart = 6,
                          kHdrCsumOffset = 8, kHdrNumBuffers = 10;
inline constexpr unsigned kHdrSizeLegacy = 10;  // without num_buffers
inline constexpr unsigned kHdrSize = 12;
inline constexpr std::uint8_t kHdrFNeedsCsum = 1, kHdrFDataValid = 2;
inline constexpr std::uint8_t kGsoNone = 0;

// Control virtqueue (§5.1.6.5): a {u8 class; u8 command} header, command data, then one
// device-writable ack byte.
inline constexpr std::uint8_t kAckOk = 0, kAckErr = 1;
namespace ctrl {
inline constexpr std::uint8_t kClassRx = 0;
inline constexpr std::uint8_t kRxPromisc = 0, kRxAllMulti = 1, kRxAllUni = 2, kRxNoMulti = 3, kRxNoUni = 4,
                              kRxNoBcast = 5;
inline constexpr std::uint8_t kClassMac = 1;
inline constexpr std::uint8_t kMacTableSet = 0, kMacAddrSet = 1;
inline constexpr std::uint8_t kClassVlan = 2;
inline constexpr std::uint8_t kVlanAdd = 0, kVlanDel = 1;
inline constexpr std::uint8_t kClassAnnounce = 3;
inline constexpr std::uint8_t kClassMq = 4;
inline constexpr std::uint8_t kMqVqPairsSet = 0;
inline constexpr std::uint8_t kClassGuestOffloads = 5;
}  // namespace ctrl

// Queue sizes, as QEMU: 256 entries for data queues, 64 for the control queue.
inline constexpr std::uint16_t kDataQueueSize = 256, kCtrlQueueSize = 64;
// Most queue pairs mq=on may offer (2 * 256 + 1 virtqueues stay well under the core's 1024).
inline constexpr std::uint16_t kMaxQueuePairs = 256;
// The MAC filter table (QEMU's MAC_TABLE_ENTRIES): more entries switch to "accept all" of
// that kind.
inline constexpr unsigned kMacTableEntries = 64;
inline constexpr unsigned kVlanCount = 4096;

}  // namespace virtio_net
