// The control queue and what it controls: RX modes and the MAC filter table, the MAC address,
// VLAN filtering, and multiqueue (mq=on, queues=): queue roles, VQ_PAIRS_SET and receive
// steering to the pair that sent the flow. Also the legacy way of setting the MAC address.
#include "virtio_net_bench.h"

namespace {

using namespace virtio_net_test;

constexpr std::uint64_t kMac = virtio::bit(vn::kFMac);
constexpr std::uint64_t kCtrl = virtio::bit(vn::kFCtrlVq) | virtio::bit(vn::kFCtrlRx) |
                                virtio::bit(vn::kFCtrlRxExtra) | virtio::bit(vn::kFCtrlVlan) |
                                virtio::bit(vn::kFCtrlMacAddr);
constexpr std::array<std::uint8_t, 6> kOther{0x52, 0x54, 0x00, 0x99, 0x99, 0x99};
constexpr std::array<std::uint8_t, 6> kMulticast{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
constexpr std::array<std::uint8_t, 6> kMulticast2{0x33, 0x33, 0x00, 0x00, 0x00, 0x01};

class Control : public NetTest {
protected:
    // Inject each frame with a receive buffer available; say which frames arrived.
    std::vector<bool> delivered(const std::vector<Frame>& frames) {
        std::vector<bool> result;
        for (const Frame& f : frames) {
            if (!buffer_posted_) {
                post_rx(next_slot_ % rx.n, kBuffers + 0x800 * (next_slot_ % 32), 2048);
                ++next_slot_;
                notify(rx);
                buffer_posted_ = true;
            }
            const std::uint16_t before = used_idx(rx);
            backend->inject(f);
            const bool arrived = used_idx(rx) != before;
            if (arrived) buffer_posted_ = false;  // a filtered frame leaves the buffer for the next
            result.push_back(arrived);
        }
        return result;
    }
    static Frame to(std::array<std::uint8_t, 6> dst) { return ethernet(dst, kPeerMac, 0x0800, pattern(50)); }
    static Frame mac_table(const std::vector<std::array<std::uint8_t, 6>>& uni,
                           const std::vector<std::array<std::uint8_t, 6>>& multi) {
        Frame data;
        for (const auto* table : {&uni, &multi}) {
            const auto n = static_cast<std::uint32_t>(table->size());
            for (int i = 0; i < 4; ++i) data.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
            for (const auto& mac : *table) data.insert(data.end(), mac.begin(), mac.end());
        }
        return data;
    }
    unsigned slot_ = 0;
    std::uint8_t cmd(std::uint8_t cls, std::uint8_t command_id, const Frame& data) {
        const std::uint8_t ack = command(cls, command_id, data, slot_ % 16);
        slot_ += 2;
        return ack;
    }
    unsigned next_slot_ = 0;
    bool buffer_posted_ = false;
};

TEST_P(Control, PromiscuousUntilTheDriverSaysOtherwise) {
    start_param();
    bring_up(kMac | kCtrl);
    EXPECT_EQ(delivered({to(kGuestMac), to(kOther), to(kMulticast), to(kBroadcast)}),
              (std::vector<bool>{true, true, true, true}));
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {0}), vn::kAckOk);
    EXPECT_EQ(delivered({to(kGuestMac), to(kOther), to(kMulticast), to(kBroadcast)}),
              (std::vector<bool>{true, false, false, true}));
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxAllMulti, {1}), vn::kAckOk);
    EXPECT_EQ(delivered({to(kMulticast), to(kMulticast2)}), (std::vector<bool>{true, true}));
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxNoBcast, {1}), vn::kAckOk);
    EXPECT_EQ(delivered({to(kBroadcast)}), (std::vector<bool>{false}));
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxNoUni, {1}), vn::kAckOk);
    EXPECT_EQ(delivered({to(kGuestMac)}), (std::vector<bool>{false}));
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxAllUni, {1}), vn::kAckOk);
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxNoUni, {0}), vn::kAckOk);
    EXPECT_EQ(delivered({to(kOther)}), (std::vector<bool>{true}));
}

TEST_P(Control, MacTable) {
    start_param();
    bring_up(kMac | kCtrl);
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {0}), vn::kAckOk);
    EXPECT_EQ(cmd(vn::ctrl::kClassMac, vn::ctrl::kMacTableSet, mac_table({kOther}, {kMulticast2})), vn::kAckOk);
    EXPECT_EQ(delivered({to(kOther), to(kMulticast2), to(kMulticast), to(kGuestMac)}),
              (std::vector<bool>{true, true, false, true}));
    // A table with trailing bytes is refused and changes nothing.
    Frame bad = mac_table({}, {});
    bad.push_back(0);
    EXPECT_EQ(cmd(vn::ctrl::kClassMac, vn::ctrl::kMacTableSet, bad), vn::kAckErr);
    EXPECT_EQ(delivered({to(kOther)}), (std::vector<bool>{true}));
    // More multicast entries than the table holds: all multicast passes.
    std::vector<std::array<std::uint8_t, 6>> many(vn::kMacTableEntries + 1, kMulticast2);
    EXPECT_EQ(cmd(vn::ctrl::kClassMac, vn::ctrl::kMacTableSet, mac_table({}, many)), vn::kAckOk);
    EXPECT_EQ(delivered({to(kMulticast), to(kOther)}), (std::vector<bool>{true, false}));
}

TEST_P(Control, MacAddress) {
    start_param();
    bring_up(kMac | kCtrl);
    EXPECT_EQ(cmd(vn::ctrl::kClassMac, vn::ctrl::kMacAddrSet, Frame(kOther.begin(), kOther.end())), vn::kAckOk);
    for (unsigned i = 0; i < 6; ++i) EXPECT_EQ(config(vn::kConfigMac + i, 1), kOther[i]);
    EXPECT_EQ(cmd(vn::ctrl::kClassMac, vn::ctrl::kMacAddrSet, {1, 2, 3}), vn::kAckErr);
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {0}), vn::kAckOk);
    EXPECT_EQ(delivered({to(kOther), to(kGuestMac)}), (std::vector<bool>{true, false}));
    // A reset brings back the configured address.
    bring_up(kMac);
    EXPECT_EQ(config(vn::kConfigMac + 3, 1), kGuestMac[3]);
}

TEST_P(Control, VlanFilter) {
    start_param();
    bring_up(kMac | kCtrl);
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {0}), vn::kAckOk);
    const Frame tagged = ethernet(kGuestMac, kPeerMac, 0x8100, Frame{0x00, 0x05, 0x08, 0x00, 1, 2, 3, 4});
    EXPECT_EQ(delivered({tagged}), (std::vector<bool>{false}));
    EXPECT_EQ(cmd(vn::ctrl::kClassVlan, vn::ctrl::kVlanAdd, {5, 0}), vn::kAckOk);
    EXPECT_EQ(delivered({tagged}), (std::vector<bool>{true}));
    EXPECT_EQ(cmd(vn::ctrl::kClassVlan, vn::ctrl::kVlanDel, {5, 0}), vn::kAckOk);
    EXPECT_EQ(delivered({tagged}), (std::vector<bool>{false}));
    EXPECT_EQ(cmd(vn::ctrl::kClassVlan, vn::ctrl::kVlanAdd, {0x00, 0x10}), vn::kAckErr);  // 4096
}

TEST_P(Control, FeaturesNotNegotiatedAreRefused) {
    start_param();
    bring_up(kMac | virtio::bit(vn::kFCtrlVq));
    EXPECT_EQ(cmd(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {0}), vn::kAckErr);
    EXPECT_EQ(cmd(vn::ctrl::kClassVlan, vn::ctrl::kVlanAdd, {5, 0}), vn::kAckErr);
    EXPECT_EQ(cmd(vn::ctrl::kClassMac, vn::ctrl::kMacAddrSet, Frame(kOther.begin(), kOther.end())), vn::kAckErr);
    EXPECT_EQ(cmd(vn::ctrl::kClassMq, vn::ctrl::kMqVqPairsSet, {1, 0}), vn::kAckErr);
    EXPECT_EQ(cmd(vn::ctrl::kClassAnnounce, 0, {}), vn::kAckErr);
}

VIRTIO_NET_ALL_INTERFACES(Control);

// ---- Not per interface --------------------------------------------------------------------------

class Multiqueue : public NetBench {};

TEST_F(Multiqueue, QueuesAndConfig) {
    emu::VirtioDevice& dev = start(Interface::MmioModern, {{"mq", "on"}, {"queues", "3"}});
    EXPECT_EQ(dev.queue_count(), 7u);
    EXPECT_TRUE(offered() & virtio::bit(vn::kFMq));
    EXPECT_EQ(config(vn::kConfigMaxPairs, 2), 3u);
}

TEST_F(Multiqueue, WithoutMqTheControlQueueIsTheThird) {
    start(Interface::MmioModern, {{"mq", "on"}, {"queues", "2"}});
    bring_up(kMac | kCtrl);  // ctrl = queue 2
    EXPECT_EQ(command(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {0}), vn::kAckOk);
}

TEST_F(Multiqueue, PairsAndSteering) {
    start(Interface::PciModern, {{"mq", "on"}, {"queues", "2"}});
    ASSERT_TRUE(negotiate_features(kMac | kCtrl | virtio::bit(vn::kFMq)) & virtio::kStatusFeaturesOk);
    rx = queue(0, 16, kRxRing);
    tx = queue(1, 16, kTxRing);
    DriverQueue rx1 = queue(2, 16, kRing3);
    DriverQueue tx1 = queue(3, 16, kRing4);
    ctrl = queue(4, 16, kCtrlRing);
    go();
    EXPECT_EQ(command(vn::ctrl::kClassMq, vn::ctrl::kMqVqPairsSet, {3, 0}), vn::kAckErr);
    EXPECT_EQ(command(vn::ctrl::kClassMq, vn::ctrl::kMqVqPairsSet, {0, 0}, 2), vn::kAckErr);
    EXPECT_EQ(command(vn::ctrl::kClassMq, vn::ctrl::kMqVqPairsSet, {2, 0}, 4), vn::kAckOk);

    // The guest sends a UDP flow on pair 1; the answer comes back on receive queue 2.
    Frame ip{0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 2, 15, 10, 0, 2, 2, 0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0};
    Frame reply{0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 2, 2, 10, 0, 2, 15, 0x00, 0x35, 0x30, 0x39, 0, 8, 0, 0};
    Frame packet(vn::kHdrSize, 0);
    const Frame out = ethernet(kPeerMac, kGuestMac, 0x0800, ip);
    packet.insert(packet.end(), out.begin(), out.end());
    put(kBuffers, packet);
    desc(tx1, 0, kBuffers, static_cast<std::uint32_t>(packet.size()));
    publish(tx1, 0);
    notify(tx1);
    ASSERT_EQ(backend->frames.size(), 1u);
    EXPECT_EQ(used_idx(tx1), 1u);

    desc(rx, 0, kBuffers + 0x1000, 2048, virtio::kDescFWrite);
    publish(rx, 0);
    desc(rx1, 0, kBuffers + 0x2000, 2048, virtio::kDescFWrite);
    publish(rx1, 0);
    notify(rx);
    notify(rx1);
    backend->inject(ethernet(kGuestMac, kPeerMac, 0x0800, reply));
    EXPECT_EQ(used_idx(rx1), 1u);
    EXPECT_EQ(used_idx(rx), 0u);
    // Another flow goes to the first pair.
    reply[21] = 0x36;
    backend->inject(ethernet(kGuestMac, kPeerMac, 0x0800, reply));
    EXPECT_EQ(used_idx(rx), 1u);
}

TEST_F(Multiqueue, BadCombinations) {
    add_transports(1, false);
    add_netdev();
    auto& a = create<emu::Device>("virtio-net-device", "a", {{"queues", "2"}});
    EXPECT_EQ(realize_error(a), "queues=2 needs mq=on");
    auto& b = create<emu::Device>("virtio-net-device", "b", {{"mq", "on"}, {"ctrl_vq", "off"}});
    EXPECT_EQ(realize_error(b), "mq=on needs ctrl_vq=on (the driver chooses its queue pairs there)");
    auto& c = create<emu::Device>("virtio-net-device", "c", {{"rx_queue_size", "100"}});
    EXPECT_EQ(realize_error(c), "rx_queue_size 100 is not a power of two");
    auto& d = create<emu::Device>("virtio-net-device", "d", {{"mac", "01:00:5e:00:00:01"}});
    EXPECT_EQ(realize_error(d), "mac 01:00:5e:00:00:01 is a multicast address");
}

class LegacyMac : public NetBench {};

TEST_F(LegacyMac, LegacyDriverWritesTheConfigSpace) {
    start(Interface::MmioLegacy);
    bring_up(kMac);
    wr(0, reg::kConfig + 5, 0x77, 1);
    EXPECT_EQ(config(5, 1), 0x77u);
}

TEST_F(LegacyMac, ModernDriverCannotWriteTheConfigSpace) {
    start(Interface::MmioModern);
    bring_up(kMac);
    wr(0, reg::kConfig + 5, 0x77, 1);
    EXPECT_EQ(config(5, 1), kGuestMac[5]);
}

}  // namespace
