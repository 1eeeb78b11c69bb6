// The data path on every interface (virtio-mmio legacy/modern, virtio-pci legacy/modern): the
// offer and config space, transmit and receive with the legacy and modern headers, mergeable
// receive buffers, back-pressure both ways, checksum offload, link state.
#include "virtio_net_bench.h"

namespace {

using namespace virtio_net_test;

constexpr std::uint64_t kMac = virtio::bit(vn::kFMac);
constexpr std::uint64_t kMrg = virtio::bit(vn::kFMrgRxbuf);
constexpr std::uint64_t kStatus = virtio::bit(vn::kFStatus);

// Independent of the device's code: RFC 1071 over big-endian 16-bit words.
std::uint32_t sum16(const Frame& data, std::size_t from, std::size_t to, std::uint32_t sum = 0) {
    for (std::size_t i = from; i < to; i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | (i + 1 < to ? data[i + 1] : 0));
    return sum;
}
std::uint16_t fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

// 10.0.2.15:1234 -> 10.0.2.2:5678, UDP. `checksum`: the full checksum; else the pseudo-header
// sum a driver leaves for VIRTIO_NET_HDR_F_NEEDS_CSUM.
Frame udp_frame(const Frame& payload, bool checksum) {
    const std::size_t udp_length = 8 + payload.size();
    Frame ip{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 2, 15, 10, 0, 2, 2};
    const std::size_t total = 20 + udp_length;
    ip[2] = static_cast<std::uint8_t>(total >> 8);
    ip[3] = static_cast<std::uint8_t>(total);
    const std::uint16_t ip_sum = static_cast<std::uint16_t>(~fold(sum16(ip, 0, 20)));
    ip[10] = static_cast<std::uint8_t>(ip_sum >> 8);
    ip[11] = static_cast<std::uint8_t>(ip_sum);
    Frame udp{0x04, 0xd2, 0x16, 0x2e, static_cast<std::uint8_t>(udp_length >> 8), static_cast<std::uint8_t>(udp_length), 0, 0};
    udp.insert(udp.end(), payload.begin(), payload.end());
    const std::uint32_t pseudo = sum16(ip, 12, 20) + 17 + static_cast<std::uint32_t>(udp_length);
    const std::uint16_t field = checksum ? static_cast<std::uint16_t>(~fold(sum16(udp, 0, udp.size(), pseudo)))
                                         : fold(pseudo);
    udp[6] = static_cast<std::uint8_t>(field >> 8);
    udp[7] = static_cast<std::uint8_t>(field);
    ip.insert(ip.end(), udp.begin(), udp.end());
    return ethernet(kPeerMac, kGuestMac, 0x0800, ip);
}

class DataPath : public NetTest {
protected:
    Frame header(std::uint64_t features, std::uint8_t flags = 0, std::uint16_t csum_start = 0,
                 std::uint16_t csum_offset = 0) {
        Frame h(header_size(features), 0);
        h[vn::kHdrFlags] = flags;
        h[vn::kHdrCsumStart] = static_cast<std::uint8_t>(csum_start);
        h[vn::kHdrCsumStart + 1] = static_cast<std::uint8_t>(csum_start >> 8);
        h[vn::kHdrCsumOffset] = static_cast<std::uint8_t>(csum_offset);
        h[vn::kHdrCsumOffset + 1] = static_cast<std::uint8_t>(csum_offset >> 8);
        return h;
    }
    Frame to_guest(std::size_t payload = 100, std::uint8_t seed = 3) {
        return ethernet(kGuestMac, kPeerMac, 0x0800, pattern(payload, seed));
    }
};

TEST_P(DataPath, OfferAndConfigSpace) {
    emu::VirtioDevice& dev = start_param();
    EXPECT_EQ(dev.device_id(), virtio::kIdNet);
    const std::uint64_t offer = offered();
    for (unsigned bit : {vn::kFMac, vn::kFStatus, vn::kFCsum, vn::kFGuestCsum, vn::kFMrgRxbuf, vn::kFCtrlVq,
                         vn::kFCtrlRx, vn::kFCtrlRxExtra, vn::kFCtrlVlan, vn::kFCtrlMacAddr, virtio::kFIndirectDesc,
                         virtio::kFEventIdx})
        EXPECT_TRUE(offer & virtio::bit(bit)) << "bit " << bit;
    for (unsigned bit : {vn::kFMq, vn::kFGso, vn::kFHostTso4, vn::kFGuestTso4, vn::kFGuestAnnounce})
        EXPECT_FALSE(offer & virtio::bit(bit)) << "bit " << bit;
    EXPECT_EQ((offer >> virtio::kFVersion1) & 1, legacy() ? 0u : 1u);
    for (unsigned i = 0; i < 6; ++i) EXPECT_EQ(config(vn::kConfigMac + i, 1), kGuestMac[i]) << i;
    EXPECT_EQ(config(vn::kConfigStatus, 2), vn::kStatusLinkUp);
    EXPECT_EQ(dev.config_size(), 8u);  // max_virtqueue_pairs only with mq=on, as QEMU
    EXPECT_EQ(dev.queue_count(), 3u);  // rx, tx, control
}

TEST_P(DataPath, TransmitStripsTheHeader) {
    start_param();
    bring_up(kMac);
    const Frame frame = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(200));
    send_packet(0, kBuffers, header(kMac), frame);
    ASSERT_EQ(backend->frames.size(), 1u);
    EXPECT_EQ(backend->frames[0], frame);
    EXPECT_EQ(used_idx(tx), 1u);
    EXPECT_EQ(used(tx, 0).id, 0u);
    EXPECT_EQ(used(tx, 0).len, 0u);
    EXPECT_TRUE(irq());
    EXPECT_EQ(take_isr() & virtio::kIsrQueue, virtio::kIsrQueue);
    EXPECT_FALSE(irq());
}

TEST_P(DataPath, TransmitGathersChainsOfDescriptors) {
    start_param();
    bring_up(kMac);
    const Frame frame = ethernet(kPeerMac, kGuestMac, 0x86dd, pattern(300));
    const Frame h = header(kMac);
    put(kBuffers, h);
    put(kBuffers + 0x1000, Frame(frame.begin(), frame.begin() + 7));
    put(kBuffers + 0x2000, Frame(frame.begin() + 7, frame.end()));
    desc(tx, 3, kBuffers, static_cast<std::uint32_t>(h.size()), virtio::kDescFNext, 5);
    desc(tx, 5, kBuffers + 0x1000, 7, virtio::kDescFNext, 1);
    desc(tx, 1, kBuffers + 0x2000, static_cast<std::uint32_t>(frame.size() - 7));
    publish(tx, 3);
    notify(tx);
    ASSERT_EQ(backend->frames.size(), 1u);
    EXPECT_EQ(backend->frames[0], frame);
    EXPECT_EQ(used(tx, 0).id, 3u);
}

TEST_P(DataPath, ReceiveIntoOneBuffer) {
    start_param();
    bring_up(kMac);
    post_rx(0, kBuffers, 2048);
    notify(rx);
    const Frame frame = to_guest();
    EXPECT_EQ(backend->inject(frame), emu::NetClient::SendStatus::Delivered);
    ASSERT_EQ(used_idx(rx), 1u);
    const unsigned h = header_size(kMac);
    EXPECT_EQ(used(rx, 0).len, h + frame.size());
    const Frame got = bytes(kBuffers, h + frame.size());
    EXPECT_EQ(got[vn::kHdrFlags], 0);
    EXPECT_EQ(got[vn::kHdrGsoType], vn::kGsoNone);
    if (h == vn::kHdrSize) {
        EXPECT_EQ(got[vn::kHdrNumBuffers], 1);  // modern without MRG_RXBUF: 1
    }
    EXPECT_EQ(Frame(got.begin() + h, got.end()), frame);
    EXPECT_TRUE(irq());
}

TEST_P(DataPath, MergeableBuffersSpanAFrame) {
    start_param();
    bring_up(kMac | kMrg);
    for (unsigned i = 0; i < 4; ++i) post_rx(i, kBuffers + 0x100 * i, 64);
    notify(rx);
    const Frame frame = to_guest(136);  // 150 bytes + 12 = 64 + 64 + 34
    backend->inject(frame);
    ASSERT_EQ(used_idx(rx), 3u);
    EXPECT_EQ(used(rx, 0).len, 64u);
    EXPECT_EQ(used(rx, 1).len, 64u);
    EXPECT_EQ(used(rx, 2).len, 34u);
    EXPECT_EQ(used(rx, 0).id, 0u);
    EXPECT_EQ(used(rx, 2).id, 2u);
    EXPECT_EQ(peek(kBuffers + vn::kHdrNumBuffers, 2), 3u);
    Frame got = bytes(kBuffers + vn::kHdrSize, 64 - vn::kHdrSize);
    for (unsigned i = 1; i < 3; ++i) {
        const Frame part = bytes(kBuffers + 0x100 * i, used(rx, i).len);
        got.insert(got.end(), part.begin(), part.end());
    }
    EXPECT_EQ(got, frame);
    // The fourth buffer is still there for the next frame.
    backend->inject(to_guest(20));
    EXPECT_EQ(used_idx(rx), 4u);
    EXPECT_EQ(peek(kBuffers + 0x300 + vn::kHdrNumBuffers, 2), 1u);
}

TEST_P(DataPath, ReceiveWaitsForBuffers) {
    start_param();
    bring_up(kMac | kMrg);
    const Frame first = to_guest(60, 1), second = to_guest(70, 2);
    EXPECT_EQ(backend->inject(first), emu::NetClient::SendStatus::Queued);
    EXPECT_EQ(backend->inject(second), emu::NetClient::SendStatus::Queued);
    EXPECT_EQ(nic->find_queue(0)->in_use(), 0u);
    // A buffer too small for the first frame alone: still waiting, nothing consumed.
    post_rx(0, kBuffers, 40);
    notify(rx);
    EXPECT_EQ(used_idx(rx), 0u);
    EXPECT_EQ(nic->find_queue(0)->in_use(), 0u);
    post_rx(1, kBuffers + 0x100, 40);
    notify(rx);  // 80 bytes now: the first frame (74 + 12) still does not fit
    EXPECT_EQ(used_idx(rx), 0u);
    post_rx(2, kBuffers + 0x200, 2048);
    notify(rx);  // the first takes three buffers; the second waits for more
    EXPECT_EQ(used_idx(rx), 3u);
    EXPECT_EQ(peek(kBuffers + vn::kHdrNumBuffers, 2), 3u);
    post_rx(3, kBuffers + 0x1000, 2048);
    notify(rx);
    ASSERT_EQ(used_idx(rx), 4u);
    EXPECT_EQ(bytes(kBuffers + 0x1000 + vn::kHdrSize, second.size()), second);
    EXPECT_EQ(nic->find_queue(0)->in_use(), 0u);
}

TEST_P(DataPath, NothingIsReceivedBeforeDriverOk) {
    start_param();
    ASSERT_TRUE(negotiate_features(kMac));
    rx = queue(0, 16, kRxRing);
    tx = queue(1, 16, kTxRing);
    post_rx(0, kBuffers, 2048);
    const Frame frame = to_guest();
    EXPECT_EQ(backend->inject(frame), emu::NetClient::SendStatus::Queued);
    EXPECT_EQ(used_idx(rx), 0u);
    go();  // DRIVER_OK delivers what waited
    ASSERT_EQ(used_idx(rx), 1u);
    EXPECT_EQ(bytes(kBuffers + header_size(kMac), frame.size()), frame);
}

TEST_P(DataPath, TransmitStopsWhileTheBackEndIsBusy) {
    start_param();
    bring_up(kMac);
    backend->busy = true;
    const Frame h = header(kMac);
    const Frame a = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(64, 1));
    const Frame b = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(64, 2));
    const Frame c = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(64, 3));
    put(kBuffers, h);
    Frame pa = h, pb = h, pc = h;
    pa.insert(pa.end(), a.begin(), a.end());
    pb.insert(pb.end(), b.begin(), b.end());
    pc.insert(pc.end(), c.begin(), c.end());
    put(kBuffers, pa);
    put(kBuffers + 0x1000, pb);
    put(kBuffers + 0x2000, pc);
    desc(tx, 0, kBuffers, static_cast<std::uint32_t>(pa.size()));
    desc(tx, 1, kBuffers + 0x1000, static_cast<std::uint32_t>(pb.size()));
    desc(tx, 2, kBuffers + 0x2000, static_cast<std::uint32_t>(pc.size()));
    publish(tx, 0);
    publish(tx, 1);
    notify(tx);
    // The first frame was queued at the back end: the device returned it and stopped.
    EXPECT_EQ(used_idx(tx), 1u);
    EXPECT_TRUE(backend->frames.empty());
    publish(tx, 2);
    notify(tx);  // still stopped
    EXPECT_EQ(used_idx(tx), 1u);
    backend->drain();  // takes a; send_ready() lets the device send b (taken) and c
    ASSERT_EQ(backend->frames.size(), 3u);
    EXPECT_EQ(backend->frames[0], a);
    EXPECT_EQ(backend->frames[1], b);
    EXPECT_EQ(backend->frames[2], c);
    EXPECT_EQ(used_idx(tx), 3u);
}

TEST_P(DataPath, TransmitChecksumOffload) {
    start_param();
    const std::uint64_t features = kMac | virtio::bit(vn::kFCsum);
    bring_up(features);
    const Frame partial = udp_frame(pattern(101), false), full = udp_frame(pattern(101), true);
    ASSERT_NE(partial, full);
    send_packet(0, kBuffers, header(features, vn::kHdrFNeedsCsum, 34, 6), partial);
    ASSERT_EQ(backend->frames.size(), 1u);
    EXPECT_EQ(backend->frames[0], full);
    // A checksum field outside the frame: sent unchanged.
    send_packet(1, kBuffers + 0x1000, header(features, vn::kHdrFNeedsCsum, 34, 0xfff0), partial);
    ASSERT_EQ(backend->frames.size(), 2u);
    EXPECT_EQ(backend->frames[1], partial);
}

TEST_P(DataPath, ReceivedChecksumsMarkedValid) {
    start_param();
    bring_up(kMac | virtio::bit(vn::kFGuestCsum));
    for (unsigned i = 0; i < 3; ++i) post_rx(i, kBuffers + 0x1000 * i, 2048);
    notify(rx);
    Frame good = udp_frame(pattern(55), true);
    std::copy(kGuestMac.begin(), kGuestMac.end(), good.begin());
    Frame bad = good;
    bad.back() ^= 0x40;
    backend->inject(good);
    backend->inject(bad);
    backend->inject(to_guest());  // not TCP/UDP
    ASSERT_EQ(used_idx(rx), 3u);
    EXPECT_EQ(peek(kBuffers + vn::kHdrFlags, 1), vn::kHdrFDataValid);
    EXPECT_EQ(peek(kBuffers + 0x1000 + vn::kHdrFlags, 1), 0u);
    EXPECT_EQ(peek(kBuffers + 0x2000 + vn::kHdrFlags, 1), 0u);
}

TEST_P(DataPath, NoDataValidWithoutGuestCsum) {
    start_param();
    bring_up(kMac);
    post_rx(0, kBuffers, 2048);
    notify(rx);
    Frame good = udp_frame(pattern(55), true);
    std::copy(kGuestMac.begin(), kGuestMac.end(), good.begin());
    backend->inject(good);
    ASSERT_EQ(used_idx(rx), 1u);
    EXPECT_EQ(peek(kBuffers + vn::kHdrFlags, 1), 0u);
}

TEST_P(DataPath, FrameTooLargeForANonMergeableBufferIsDropped) {
    start_param();
    bring_up(kMac);
    post_rx(0, kBuffers, 64);
    notify(rx);
    EXPECT_EQ(backend->inject(to_guest(200)), emu::NetClient::SendStatus::Delivered);  // dropped by the NIC
    EXPECT_EQ(used_idx(rx), 0u);
    backend->inject(to_guest(20));  // the buffer is still there
    EXPECT_EQ(used_idx(rx), 1u);
    EXPECT_FALSE(nic->broken());
}

TEST_P(DataPath, LinkStateInConfigSpace) {
    start_param();
    bring_up(kMac | kStatus);
    const std::uint32_t generation = nic->config_generation();
    backend->set_link_up(false);
    EXPECT_EQ(config(vn::kConfigStatus, 2), 0u);
    EXPECT_GT(nic->config_generation(), generation);
    EXPECT_TRUE(irq());
    EXPECT_EQ(take_isr() & virtio::kIsrConfig, virtio::kIsrConfig);
    // Frames sent while the link is down are lost, but their buffers come back.
    send_packet(0, kBuffers, header(kMac), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(60)));
    EXPECT_EQ(used_idx(tx), 1u);
    EXPECT_TRUE(backend->frames.empty());
    backend->set_link_up(true);
    EXPECT_EQ(config(vn::kConfigStatus, 2), vn::kStatusLinkUp);
}

TEST_P(DataPath, ResetRestoresTheDevice) {
    start_param();
    bring_up(kMac | kMrg);
    post_rx(0, kBuffers, 2048);
    notify(rx);
    set_status(0);
    EXPECT_EQ(status(), 0u);
    EXPECT_EQ(nic->driver_features(), 0u);
    EXPECT_EQ(backend->inject(to_guest()), emu::NetClient::SendStatus::Queued);  // no driver now
    bring_up(kMac);
    post_rx(0, kBuffers + 0x1000, 2048);
    notify(rx);
    EXPECT_EQ(used_idx(rx), 1u);
    EXPECT_EQ(bytes(kBuffers + 0x1000 + header_size(kMac), 114), to_guest());
}

VIRTIO_NET_ALL_INTERFACES(DataPath);

}  // namespace
