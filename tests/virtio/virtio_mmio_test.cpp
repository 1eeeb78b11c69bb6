// The virtio-mmio transport: identity registers with and without a device, plugging (which
// transport a -device takes), feature negotiation (modern and legacy), config space and its
// interrupt, status and reset, register access rules.
#include "virtio_bench.h"

namespace {

using namespace virtio_test;

using VirtioMmioTest = VirtioBench;

constexpr std::uint32_t kAckDriver = virtio::kStatusAcknowledge | virtio::kStatusDriver;
constexpr std::uint32_t kFeaturesOk = kAckDriver | virtio::kStatusFeaturesOk;

TEST_F(VirtioMmioTest, TypeIsForBoardsAndLegacyByDefault) {
    const emu::Type* type = registry.find("virtio-mmio");
    ASSERT_NE(type, nullptr);
    EXPECT_FALSE(type->user_creatable());
    EXPECT_EQ(type->provider(), "virtio_mmio");
    auto t = registry.create("virtio-mmio");
    EXPECT_EQ(t->get_property("force-legacy"), "on");  // QEMU's default
    const emu::Type* base = registry.find("virtio-device");
    ASSERT_NE(base, nullptr);
    EXPECT_TRUE(base->abstract());
    EXPECT_EQ(base->object_class().bus(), "virtio");
    auto rng = registry.create("virtio-test-rng");
    EXPECT_EQ(rng->get_property("indirect_desc"), "on");
    EXPECT_EQ(rng->get_property("event_idx"), "on");
}

TEST_F(VirtioMmioTest, EmptyTransportReadsAsNoDevice) {
    add_transports(1, false);
    EXPECT_EQ(rd(0, reg::kMagic), 0x74726976u);
    EXPECT_EQ(rd(0, reg::kVersion), 2u);
    EXPECT_EQ(rd(0, reg::kDeviceId), 0u);
    EXPECT_EQ(rd(0, reg::kVendorId), 0x554d4551u);
    EXPECT_EQ(rd(0, reg::kDeviceFeatures), 0u);
    EXPECT_EQ(rd(0, reg::kQueueNumMax), 0u);
    EXPECT_EQ(rd(0, reg::kConfig), 0u);
    wr(0, reg::kStatus, 0xf);  // ignored
    EXPECT_EQ(rd(0, reg::kStatus), 0u);
    EXPECT_FALSE(lines[0].level());
}

TEST_F(VirtioMmioTest, LegacyTransportIsVersionOne) {
    add_transports(1, true);
    EXPECT_EQ(rd(0, reg::kMagic), 0x74726976u);
    EXPECT_EQ(rd(0, reg::kVersion), 1u);
}

TEST_F(VirtioMmioTest, FirstDeviceTakesTheLastTransportAsOnQemu) {
    add_transports(4, false);
    auto& a = add<TestRng>("virtio-test-rng", "a");
    EXPECT_EQ(a.bus(), &bus_of(3));
    EXPECT_EQ(rd(3, reg::kDeviceId), virtio::kIdRng);
    EXPECT_EQ(rd(0, reg::kDeviceId), 0u);
    auto& b = add<TestSink>("virtio-test-sink", "b");
    EXPECT_EQ(b.bus(), &bus_of(2));
    EXPECT_EQ(rd(2, reg::kDeviceId), kSinkId);
    add<TestRng>("virtio-test-rng", "c");
    add<TestRng>("virtio-test-rng", "d");
    EXPECT_EQ(rd(0, reg::kDeviceId), virtio::kIdRng);

    auto& e = create<TestRng>("virtio-test-rng", "e");
    EXPECT_EQ(realize_error(e), "this machine has no free virtio-mmio transport");
    EXPECT_FALSE(e.realized());
    EXPECT_EQ(e.bus(), nullptr);

    a.unrealize();  // frees transport 3
    EXPECT_EQ(rd(3, reg::kDeviceId), 0u);
    EXPECT_EQ(bus_of(3).device(), nullptr);
    e.realize();
    EXPECT_EQ(e.bus(), &bus_of(3));
}

TEST_F(VirtioMmioTest, NoTransportAtAll) {
    auto& dev = create<TestRng>("virtio-test-rng", "r");
    EXPECT_EQ(realize_error(dev), "this machine has no free virtio-mmio transport");
    auto orphan = as<TestRng>(registry.create("virtio-test-rng"));  // not even in a tree
    EXPECT_EQ(realize_error(*orphan), "this machine has no free virtio-mmio transport");
}

TEST_F(VirtioMmioTest, ExplicitBus) {
    add_transports(2, false);
    auto& first = create<TestSink>("virtio-test-sink", "first");
    first.set_bus(bus_of(0));
    first.realize();
    EXPECT_EQ(rd(0, reg::kDeviceId), kSinkId);
    auto& second = create<TestRng>("virtio-test-rng", "second");
    second.set_bus(bus_of(0));
    EXPECT_EQ(realize_error(second),
              "virtio bus /machine/virtio-mmio[0]/virtio-bus already holds virtio-test-sink 'first'");
    auto& third = add<TestRng>("virtio-test-rng", "third");  // the free one
    EXPECT_EQ(third.bus(), &bus_of(1));
}

TEST_F(VirtioMmioTest, TransportOutsideAMachineHasNoMemory) {
    auto elsewhere = registry.create("container");
    auto& t = dynamic_cast<emu::Device&>(elsewhere->add_child("virtio-mmio", registry.create("virtio-mmio")));
    t.realize();
    auto& dev = create<TestRng>("virtio-test-rng", "r");
    dev.set_bus(dynamic_cast<emu::VirtioBus&>(*t.child("virtio-bus")));
    EXPECT_EQ(realize_error(dev), "the virtio transport /virtio-mmio/virtio-bus has no guest memory to reach");
    EXPECT_EQ(dev.bus(), nullptr);
    emu::unrealize_tree(*elsewhere);
}

TEST_F(VirtioMmioTest, TransportGoingAwayUnplugs) {
    add_transports(1, false);
    auto& dev = add<TestRng>("virtio-test-rng", "r");
    transports[0]->unrealize();
    EXPECT_EQ(dev.bus(), nullptr);
    EXPECT_EQ(dev.transport(), nullptr);
    EXPECT_EQ(dev.dma_space(), nullptr);
    transports[0]->realize();
    EXPECT_TRUE(bus_of(0).free());
}

TEST_F(VirtioMmioTest, ModernFeatures) {
    add_transports(1, false);
    auto& sink = add<TestSink>("virtio-test-sink", "s");
    const std::uint64_t offered = features(0);
    EXPECT_EQ(offered, virtio::bit(TestSink::kFeatureA) | virtio::bit(TestSink::kFeatureB) |
                           virtio::bit(TestSink::kFeatureHigh) | virtio::bit(virtio::kFIndirectDesc) |
                           virtio::bit(virtio::kFEventIdx) | virtio::bit(virtio::kFVersion1));
    wr(0, reg::kDeviceFeaturesSel, 2);
    EXPECT_EQ(rd(0, reg::kDeviceFeatures), 0u);

    const std::uint64_t wanted = virtio::bit(TestSink::kFeatureA) | virtio::bit(TestSink::kFeatureHigh) |
                                 virtio::bit(virtio::kFVersion1) | virtio::bit(virtio::kFEventIdx);
    EXPECT_EQ(negotiate(0, wanted), kFeaturesOk);
    EXPECT_EQ(sink.driver_features(), wanted);
    EXPECT_TRUE(sink.modern());
    EXPECT_TRUE(sink.has_feature(virtio::kFEventIdx));
    EXPECT_FALSE(sink.has_feature(virtio::kFIndirectDesc));
    EXPECT_EQ(sink.features_changes, 1);

    // Once FEATURES_OK is set, new feature words change nothing.
    wr(0, reg::kDriverFeaturesSel, 0);
    wr(0, reg::kDriverFeatures, 0);
    wr(0, reg::kStatus, kFeaturesOk);
    EXPECT_EQ(sink.driver_features(), wanted);

    // Bits not offered (NOTIFY_ON_EMPTY is legacy-only, and so is the device's bit 6).
    EXPECT_EQ(negotiate(0, virtio::bit(virtio::kFVersion1) | virtio::bit(virtio::kFNotifyOnEmpty)), kAckDriver);
    EXPECT_EQ(negotiate(0, virtio::bit(virtio::kFVersion1) | virtio::bit(TestSink::kFeatureLegacyOnly)), kAckDriver);
    EXPECT_EQ(sink.driver_features(), 0u);
    // A combination the device refuses (B needs A).
    EXPECT_EQ(negotiate(0, virtio::bit(virtio::kFVersion1) | virtio::bit(TestSink::kFeatureB)), kAckDriver);
    // Without VERSION_1 the device is accepted (as QEMU does) and runs the legacy layouts.
    EXPECT_EQ(negotiate(0, virtio::bit(TestSink::kFeatureA)), kFeaturesOk);
    EXPECT_FALSE(sink.modern());
}

TEST_F(VirtioMmioTest, LegacyFeatures) {
    add_transports(1, true);
    auto& sink = add<TestSink>("virtio-test-sink", "s");
    const std::uint64_t offered = features(0);
    EXPECT_EQ(offered, virtio::bit(TestSink::kFeatureA) | virtio::bit(TestSink::kFeatureB) |
                           virtio::bit(TestSink::kFeatureLegacyOnly) | virtio::bit(virtio::kFIndirectDesc) |
                           virtio::bit(virtio::kFEventIdx) | virtio::bit(virtio::kFNotifyOnEmpty) |
                           virtio::bit(virtio::kFAnyLayout));
    // Legacy features take effect as written, masked by the offer; FEATURES_OK does not exist.
    EXPECT_EQ(negotiate(0, 0xffffffff), kAckDriver);
    EXPECT_EQ(sink.driver_features(), offered);
    EXPECT_FALSE(sink.modern());
    EXPECT_TRUE(sink.legacy_transport());
    // The high word cannot be written.
    wr(0, reg::kDriverFeaturesSel, 1);
    wr(0, reg::kDriverFeatures, 0);
    EXPECT_EQ(sink.driver_features(), offered);
}

TEST_F(VirtioMmioTest, EventIdxAndIndirectCanBeTurnedOff) {
    add_transports(1, false);
    add<TestRng>("virtio-test-rng", "r", {{"event_idx", "off"}, {"indirect_desc", "off"}});
    EXPECT_EQ(features(0), virtio::bit(virtio::kFVersion1));
}

TEST_F(VirtioMmioTest, StatusAndReset) {
    add_transports(1, false);
    auto& sink = add<TestSink>("virtio-test-sink", "s");
    negotiate(0, virtio::bit(virtio::kFVersion1));
    setup_queue(0, 0, 8, kRamBase);
    setup_queue(0, 1, 4, kRamBase + 0x4000);
    driver_ok(0);
    EXPECT_EQ(rd(0, reg::kStatus), kFeaturesOk | virtio::kStatusDriverOk);
    EXPECT_TRUE(sink.driver_ok());
    wr(0, reg::kQueueSel, 1);
    EXPECT_EQ(rd(0, reg::kQueueReady), 1u);
    sink.bump();  // leaves ISR bit 1 set
    EXPECT_TRUE(lines[0].level());

    wr(0, reg::kStatus, 0);
    EXPECT_EQ(rd(0, reg::kStatus), 0u);
    EXPECT_EQ(rd(0, reg::kInterruptStatus), 0u);
    EXPECT_FALSE(lines[0].level());
    EXPECT_EQ(sink.driver_features(), 0u);
    for (unsigned q = 0; q < 2; ++q) {
        wr(0, reg::kQueueSel, q);
        EXPECT_EQ(rd(0, reg::kQueueReady), 0u) << q;
        EXPECT_EQ(sink.queue(q).size(), sink.queue(q).max_size());
    }
    // The driver cannot set DEVICE_NEEDS_RESET.
    wr(0, reg::kStatus, virtio::kStatusAcknowledge | virtio::kStatusNeedsReset);
    EXPECT_EQ(rd(0, reg::kStatus), virtio::kStatusAcknowledge);
}

TEST_F(VirtioMmioTest, QueueRegisters) {
    add_transports(1, false);
    add<TestSink>("virtio-test-sink", "s");
    wr(0, reg::kQueueSel, 0);
    EXPECT_EQ(rd(0, reg::kQueueNumMax), 8u);
    wr(0, reg::kQueueSel, 1);
    EXPECT_EQ(rd(0, reg::kQueueNumMax), 4u);
    wr(0, reg::kQueueSel, 2);  // no such queue: reads 0, writes ignored
    EXPECT_EQ(rd(0, reg::kQueueNumMax), 0u);
    wr(0, reg::kQueueReady, 1);
    EXPECT_EQ(rd(0, reg::kQueueReady), 0u);
    wr(0, reg::kQueueNotify, 2);
    wr(0, reg::kQueueNotify, 0xffffffff);
    // Legacy registers in modern mode.
    wr(0, reg::kQueueSel, 0);
    wr(0, reg::kQueuePfn, 0x40000);
    EXPECT_EQ(rd(0, reg::kQueuePfn), 0u);
    EXPECT_EQ(rd(0, reg::kQueueReady), 0u);
    // No shared memory regions.
    EXPECT_EQ(rd(0, reg::kShmLenLow), 0xffffffffu);
}

TEST_F(VirtioMmioTest, RegisterAccessSizes) {
    add_transports(1, false);
    add<TestSink>("virtio-test-sink", "s");
    EXPECT_EQ(rd(0, reg::kMagic, 1), 0u);  // registers are 32-bit only
    EXPECT_EQ(rd(0, reg::kMagic, 2), 0u);
    wr(0, reg::kStatus, virtio::kStatusAcknowledge, 1);
    EXPECT_EQ(rd(0, reg::kStatus), 0u);
    // A 64-bit access is two 32-bit ones.
    std::uint64_t v = 0;
    ASSERT_EQ(memory().read_value(kMmioBase + reg::kMagic, 8, v), emu::MemResult::Ok);
    EXPECT_EQ(v, 0x0000000274726976ull);
    ASSERT_EQ(memory().read_value(kMmioBase + reg::kConfig, 8, v), emu::MemResult::Ok);
    EXPECT_EQ(v, TestSink::kCapacity);
}

TEST_F(VirtioMmioTest, ConfigSpace) {
    add_transports(1, false);
    auto& sink = add<TestSink>("virtio-test-sink", "s");
    EXPECT_EQ(rd(0, reg::kConfig + 0), 0x55667788u);
    EXPECT_EQ(rd(0, reg::kConfig + 4), 0x11223344u);
    EXPECT_EQ(rd(0, reg::kConfig + 2, 2), 0x5566u);
    EXPECT_EQ(rd(0, reg::kConfig + 7, 1), 0x11u);
    EXPECT_EQ(rd(0, reg::kConfig + 15, 1), 0u);
    EXPECT_EQ(rd(0, reg::kConfig + 16), 0xffffffffu);  // past the end
    EXPECT_EQ(rd(0, reg::kConfig + 16, 2), 0xffffu);
    EXPECT_EQ(rd(0, reg::kConfig + 0xfc), 0xffffffffu);

    wr(0, reg::kConfig + 12, 0x5a, 1);                  // the writable field
    EXPECT_EQ(rd(0, reg::kConfig + 12, 1), 0x5au);
    wr(0, reg::kConfig + 0, 0, 4);                      // read-only
    EXPECT_EQ(rd(0, reg::kConfig + 0), 0x55667788u);

    // A change before DRIVER_OK moves the generation but interrupts nobody.
    const std::uint32_t generation = rd(0, reg::kConfigGeneration);
    sink.bump();
    EXPECT_EQ(rd(0, reg::kConfigGeneration), generation + 1);
    EXPECT_EQ(rd(0, reg::kConfig + 8), 1u);
    EXPECT_EQ(rd(0, reg::kInterruptStatus), 0u);
    EXPECT_FALSE(lines[0].level());

    negotiate(0, virtio::bit(virtio::kFVersion1));
    driver_ok(0);
    sink.bump();
    EXPECT_EQ(rd(0, reg::kConfigGeneration), generation + 2);
    EXPECT_EQ(rd(0, reg::kInterruptStatus), virtio::kIsrConfig);
    EXPECT_TRUE(lines[0].level());
    wr(0, reg::kInterruptAck, virtio::kIsrConfig);
    EXPECT_EQ(rd(0, reg::kInterruptStatus), 0u);
    EXPECT_FALSE(lines[0].level());
}

TEST_F(VirtioMmioTest, LegacyConfigHasNoGeneration) {
    add_transports(1, true);
    auto& sink = add<TestSink>("virtio-test-sink", "s");
    sink.bump();
    EXPECT_EQ(rd(0, reg::kConfigGeneration), 0u);
    EXPECT_EQ(rd(0, reg::kConfig + 8), 1u);
}

TEST_F(VirtioMmioTest, StatusChangesReachTheDevice) {
    add_transports(1, false);
    auto& sink = add<TestSink>("virtio-test-sink", "s");
    negotiate(0, virtio::bit(virtio::kFVersion1));
    ASSERT_EQ(sink.status_changes.size(), 3u);  // the 0 that reset is not a change
    EXPECT_EQ(sink.status_changes[0], (std::pair<std::uint8_t, std::uint8_t>{0, virtio::kStatusAcknowledge}));
    EXPECT_EQ(sink.status_changes[2].second, kFeaturesOk);
}

TEST_F(VirtioMmioTest, BoardReset) {
    add_transports(1, true);
    auto& rng = add<TestRng>("virtio-test-rng", "r");
    negotiate(0, 0);
    DriverQueue q = setup_queue(0, 0, 8, kRamBase + 0x10000);
    driver_ok(0);
    desc(q, 0, kRamBase + 0x20000, 16, virtio::kDescFWrite);
    publish(q, 0);
    kick(q);
    EXPECT_TRUE(lines[0].level());
    const int resets = rng.resets;
    emu::reset_tree(*machine);  // the transport resets its device, then the tree resets it again
    EXPECT_GE(rng.resets, resets + 1);
    EXPECT_EQ(rd(0, reg::kStatus), 0u);
    EXPECT_EQ(rd(0, reg::kQueuePfn), 0u);
    EXPECT_FALSE(lines[0].level());
    // GuestPageSize went back to 0 (QEMU's reset value): a PFN is now a byte address.
    wr(0, reg::kQueueNum, 8);
    wr(0, reg::kQueuePfn, static_cast<std::uint32_t>(kRamBase + 0x10000));
    EXPECT_EQ(rng.queue(0).desc_addr(), kRamBase + 0x10000);
    EXPECT_FALSE(rng.broken());
}

TEST_F(VirtioMmioTest, LegacyQueueLayout) {
    add_transports(1, true);
    auto& rng = add<TestRng>("virtio-test-rng", "r");
    negotiate(0, 0);
    const Addr base = kRamBase + 0x10000;
    DriverQueue q = setup_queue(0, 0, 8, base);
    EXPECT_EQ(rd(0, reg::kQueuePfn), base >> 12);
    EXPECT_EQ(rd(0, reg::kQueueReady), 0u);  // modern-only register
    EXPECT_EQ(rng.queue(0).desc_addr(), base);
    EXPECT_EQ(rng.queue(0).driver_addr(), base + 8 * 16);
    EXPECT_EQ(rng.queue(0).device_addr(), base + 4096);
    driver_ok(0);
    desc(q, 3, kRamBase + 0x20000, 32, virtio::kDescFWrite);
    publish(q, 3);
    kick(q);
    EXPECT_EQ(used_idx(q), 1u);
    EXPECT_EQ(used(q, 0).id, 3u);
    EXPECT_EQ(used(q, 0).len, 32u);

    // QueueAlign moves the used ring; QueueNum moves it too, while the queue is live.
    wr(0, reg::kQueueAlign, 64);
    EXPECT_EQ(rng.queue(0).device_addr(), base + ((8 * 16 + 6 + 2 * 8 + 63) & ~63u));
    wr(0, reg::kQueueNum, 4);
    EXPECT_EQ(rng.queue(0).driver_addr(), base + 4 * 16);

    // PFN 0: the queue stops (the rest of the device goes on).
    wr(0, reg::kQueuePfn, 0);
    EXPECT_EQ(rd(0, reg::kQueuePfn), 0u);
    EXPECT_FALSE(rng.queue(0).ready());
    EXPECT_NE(rd(0, reg::kStatus), 0u);
    EXPECT_FALSE(rng.broken());
}

TEST_F(VirtioMmioTest, LegacyGuestPageSize) {
    add_transports(1, true);
    auto& rng = add<TestRng>("virtio-test-rng", "r");
    negotiate(0, 0);
    wr(0, reg::kGuestPageSize, 0x10000);  // 64 KiB pages
    wr(0, reg::kQueueNum, 8);
    wr(0, reg::kQueuePfn, static_cast<std::uint32_t>(kRamBase >> 16));
    EXPECT_EQ(rng.queue(0).desc_addr(), kRamBase);
    EXPECT_EQ(rd(0, reg::kQueuePfn), kRamBase >> 16);
}

}  // namespace
