// Split virtqueues driven through virtio-mmio: chains in and out, the used ring and its
// interrupt, notification suppression (NO_INTERRUPT, EVENT_IDX, NO_NOTIFY, NOTIFY_ON_EMPTY),
// indirect descriptors, index wrap-around, deferred completion, batches, and what happens to
// chains still held across a reset.
#include "virtio_bench.h"

namespace {

using namespace virtio_test;

constexpr Addr kRings0 = kRamBase;            // queue 0's rings (16 KiB)
constexpr Addr kRings1 = kRamBase + 0x4000;   // queue 1's rings
constexpr Addr kTables = kRamBase + 0x8000;   // indirect tables
constexpr Addr kBuffers = kRamBase + 0x10000;

constexpr std::uint64_t kV1 = virtio::bit(virtio::kFVersion1);
constexpr std::uint64_t kEventIdx = virtio::bit(virtio::kFEventIdx);
constexpr std::uint64_t kIndirect = virtio::bit(virtio::kFIndirectDesc);

class VirtqueueTest : public VirtioBench {
protected:
    // A modern transport with a device on it, negotiated and running, queue 0 (and the sink's
    // queue 1) set up with n entries.
    template <class T>
    T& start(const std::string& type, std::uint64_t features, unsigned n = 8, bool legacy = false) {
        add_transports(1, legacy);
        T& device = add<T>(type, "dev");
        negotiate(0, features | (legacy ? 0 : kV1));
        q0 = setup_queue(0, 0, n, kRings0);
        if (device.queue_count() > 1) q1 = setup_queue(0, 1, 4, kRings1);
        driver_ok(0);
        return device;
    }
    DriverQueue q0, q1;
};

TEST_F(VirtqueueTest, RngFillsWritableBuffers) {
    auto& rng = start<TestRng>("virtio-test-rng", 0);
    desc(q0, 0, kBuffers, 64, virtio::kDescFWrite);
    desc(q0, 5, kBuffers + 0x100, 10, virtio::kDescFWrite | virtio::kDescFNext, 2);
    desc(q0, 2, kBuffers + 0x200, 20, virtio::kDescFWrite);
    publish(q0, 0);
    publish(q0, 5);
    EXPECT_FALSE(lines[0].level());
    kick(q0);
    EXPECT_EQ(rng.kicks, 1);
    EXPECT_EQ(used_idx(q0), 2u);
    EXPECT_EQ(used(q0, 0).id, 0u);
    EXPECT_EQ(used(q0, 0).len, 64u);
    EXPECT_EQ(used(q0, 1).id, 5u);
    EXPECT_EQ(used(q0, 1).len, 30u);
    std::vector<std::uint8_t> first = bytes(kBuffers, 64);
    for (unsigned i = 0; i < 64; ++i) ASSERT_EQ(first[i], i);
    EXPECT_EQ(bytes(kBuffers + 0x100, 10)[0], 64u);
    EXPECT_EQ(bytes(kBuffers + 0x200, 20)[0], 74u);
    EXPECT_EQ(peek(kBuffers + 64, 1), 0u);  // nothing past the buffer

    EXPECT_EQ(rd(0, reg::kInterruptStatus), virtio::kIsrQueue);
    EXPECT_TRUE(lines[0].level());
    wr(0, reg::kInterruptAck, virtio::kIsrQueue);
    EXPECT_EQ(rd(0, reg::kInterruptStatus), 0u);
    EXPECT_FALSE(lines[0].level());
    EXPECT_EQ(rng.queue(0).in_use(), 0u);

    // A kick with nothing new: no used entry, no interrupt.
    kick(q0);
    EXPECT_EQ(used_idx(q0), 2u);
    EXPECT_FALSE(lines[0].level());
}

TEST_F(VirtqueueTest, SinkReadsChainsAndWritesStatus) {
    auto& sink = start<TestSink>("virtio-test-sink", 0);
    put(kBuffers, {1, 2, 3, 4, 5});
    put(kBuffers + 0x100, {6, 7, 8, 9, 10, 11, 12});
    put(kBuffers + 0x200, {13});
    desc(q0, 0, kBuffers, 5, virtio::kDescFNext, 1);
    desc(q0, 1, kBuffers + 0x100, 7, virtio::kDescFNext, 7);
    desc(q0, 7, kBuffers + 0x200, 1);
    publish(q0, 0);
    // Readable then writable.
    put(kBuffers + 0x300, {0xde, 0xad});
    desc(q0, 3, kBuffers + 0x300, 2, virtio::kDescFNext, 4);
    desc(q0, 4, kBuffers + 0x400, 16, virtio::kDescFWrite);
    publish(q0, 3);
    kick(q0);

    ASSERT_EQ(sink.received.size(), 2u);
    EXPECT_EQ(sink.received[0].bytes, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}));
    EXPECT_EQ(sink.received[0].in_bytes, 0u);
    EXPECT_TRUE(sink.received[0].zero_copy_matches);
    EXPECT_EQ(sink.received[1].bytes, (std::vector<std::uint8_t>{0xde, 0xad}));
    EXPECT_EQ(sink.received[1].in_bytes, 16u);
    EXPECT_EQ(used(q0, 0).id, 0u);
    EXPECT_EQ(used(q0, 0).len, 0u);
    EXPECT_EQ(used(q0, 1).id, 3u);
    EXPECT_EQ(used(q0, 1).len, 1u);
    EXPECT_EQ(peek(kBuffers + 0x400, 1), 0xa5u);

    // The second queue is independent.
    put(kBuffers + 0x500, {42});
    desc(q1, 0, kBuffers + 0x500, 1);
    publish(q1, 0);
    kick(q1);
    ASSERT_EQ(sink.received.size(), 3u);
    EXPECT_EQ(sink.received[2].queue, 1u);
    EXPECT_EQ(used_idx(q1), 1u);
    EXPECT_EQ(used_idx(q0), 2u);
}

TEST_F(VirtqueueTest, ReadableBuffersMayBeInRom) {
    auto& sink = start<TestSink>("virtio-test-sink", 0);
    machine->rom()[0] = 0x77;
    desc(q0, 0, kRomBase, 1);
    publish(q0, 0);
    kick(q0);
    ASSERT_EQ(sink.received.size(), 1u);
    EXPECT_EQ(sink.received[0].bytes, (std::vector<std::uint8_t>{0x77}));
    EXPECT_FALSE(sink.broken());
}

TEST_F(VirtqueueTest, BuffersMaySpanAdjacentRamRegions) {
    // A second RAM region right after the first: one buffer across both is fine (no zero-copy).
    auto extra = emu::MemoryRegion::ram("ram2", 0x1000);
    machine->system().add_subregion(kRamBase + kRamSize, *extra);
    auto& sink = start<TestSink>("virtio-test-sink", 0);
    put(kRamBase + kRamSize - 2, {1, 2, 3, 4});
    desc(q0, 0, kRamBase + kRamSize - 2, 4);
    publish(q0, 0);
    kick(q0);
    ASSERT_EQ(sink.received.size(), 1u);
    EXPECT_EQ(sink.received[0].bytes, (std::vector<std::uint8_t>{1, 2, 3, 4}));
    EXPECT_FALSE(sink.received[0].zero_copy_matches);  // map() declines a range across regions
    EXPECT_FALSE(sink.broken());
    sink.unrealize();
    machine->system().remove_subregion(*extra);
}

TEST_F(VirtqueueTest, NoInterruptFlag) {
    start<TestRng>("virtio-test-rng", 0);
    set_avail_flags(q0, virtio::kAvailFNoInterrupt);
    desc(q0, 0, kBuffers, 8, virtio::kDescFWrite);
    publish(q0, 0);
    kick(q0);
    EXPECT_EQ(used_idx(q0), 1u);
    EXPECT_FALSE(lines[0].level());
    EXPECT_EQ(rd(0, reg::kInterruptStatus), 0u);
    set_avail_flags(q0, 0);
    publish(q0, 0);
    kick(q0);
    EXPECT_EQ(used_idx(q0), 2u);
    EXPECT_TRUE(lines[0].level());
}

TEST_F(VirtqueueTest, EventIdxSuppressesInterruptsUntilUsedEvent) {
    auto& rng = start<TestRng>("virtio-test-rng", kEventIdx);
    ASSERT_TRUE(rng.has_feature(virtio::kFEventIdx));
    set_avail_flags(q0, virtio::kAvailFNoInterrupt);  // ignored with EVENT_IDX
    set_used_event(q0, 2);                            // interrupt once used idx passes 2
    for (unsigned i = 0; i < 3; ++i) desc(q0, i, kBuffers + 0x100 * i, 8, virtio::kDescFWrite);
    for (unsigned i = 0; i < 3; ++i) {
        publish(q0, static_cast<std::uint16_t>(i));
        kick(q0);
        EXPECT_EQ(used_idx(q0), i + 1);
        EXPECT_EQ(lines[0].level(), i == 2) << i;
        // The device asks to be kicked for the next entry.
        EXPECT_EQ(avail_event(q0), i + 1);
    }
    EXPECT_EQ(lines[0].rises(), 1);
    wr(0, reg::kInterruptAck, virtio::kIsrQueue);
    // used_event already passed: no interrupt until the driver moves it.
    publish(q0, 0);
    kick(q0);
    EXPECT_FALSE(lines[0].level());
    set_used_event(q0, 4);
    publish(q0, 1);
    kick(q0);
    EXPECT_TRUE(lines[0].level());
    EXPECT_EQ(lines[0].rises(), 2);
}

TEST_F(VirtqueueTest, DeviceSideKickSuppression) {
    auto& rng = start<TestRng>("virtio-test-rng", 0);
    rng.queue(0).set_notification(false);
    EXPECT_EQ(used_flags(q0), virtio::kUsedFNoNotify);
    rng.queue(0).set_notification(true);
    EXPECT_EQ(used_flags(q0), 0u);
}

TEST_F(VirtqueueTest, DeviceSideKickSuppressionWithEventIdx) {
    auto& rng = start<TestRng>("virtio-test-rng", kEventIdx);
    rng.defer = true;
    for (unsigned i = 0; i < 3; ++i) {
        desc(q0, i, kBuffers + 0x100 * i, 8, virtio::kDescFWrite);
        publish(q0, static_cast<std::uint16_t>(i));
    }
    rng.queue(0).set_notification(false);
    kick(q0);
    EXPECT_EQ(rng.held.size(), 3u);
    EXPECT_EQ(avail_event(q0), 0u);  // not moved while kicks are off
    rng.queue(0).set_notification(true);
    EXPECT_EQ(avail_event(q0), 3u);
    EXPECT_EQ(used_flags(q0), 0u);   // flags are not used with EVENT_IDX
}

TEST_F(VirtqueueTest, NotifyOnEmptyLegacy) {
    auto& rng = start<TestRng>("virtio-test-rng", virtio::bit(virtio::kFNotifyOnEmpty), 8, true);
    ASSERT_TRUE(rng.has_feature(virtio::kFNotifyOnEmpty));
    set_avail_flags(q0, virtio::kAvailFNoInterrupt);
    desc(q0, 0, kBuffers, 8, virtio::kDescFWrite);
    publish(q0, 0);
    publish(q0, 0);  // the same chain twice: both complete, the ring is empty after
    kick(q0);
    EXPECT_EQ(used_idx(q0), 2u);
    EXPECT_TRUE(lines[0].level());  // empty: notified despite NO_INTERRUPT
}

TEST_F(VirtqueueTest, IndirectDescriptors) {
    auto& sink = start<TestSink>("virtio-test-sink", kIndirect);
    put(kBuffers, {1, 2, 3, 4});
    put(kBuffers + 0x100, {5, 6});
    // A table of three: out 4 bytes -> out 2 bytes -> in 8 bytes.
    write_desc(*this, kTables + 0x100, 0, kBuffers, 4, virtio::kDescFNext, 1);
    write_desc(*this, kTables + 0x100, 1, kBuffers + 0x100, 2, virtio::kDescFNext, 2);
    write_desc(*this, kTables + 0x100, 2, kBuffers + 0x200, 8, virtio::kDescFWrite, 0);
    desc(q0, 6, kTables + 0x100, 3 * 16, virtio::kDescFIndirect);
    publish(q0, 6);
    kick(q0);
    ASSERT_EQ(sink.received.size(), 1u);
    EXPECT_EQ(sink.received[0].head, 6u);
    EXPECT_EQ(sink.received[0].bytes, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(sink.received[0].in_bytes, 8u);
    EXPECT_EQ(used(q0, 0).id, 6u);
    EXPECT_EQ(used(q0, 0).len, 1u);
    EXPECT_EQ(peek(kBuffers + 0x200, 1), 0xa5u);

    // A direct descriptor followed by an indirect one (which ends the chain); WRITE on the
    // indirect descriptor itself is ignored, as the spec says.
    desc(q0, 1, kBuffers + 0x100, 2, virtio::kDescFNext, 2);
    desc(q0, 2, kTables, 4 * 16, virtio::kDescFIndirect | virtio::kDescFWrite);
    // A table of four whose chain is 0 -> 3 (entries 1 and 2 unused).
    write_desc(*this, kTables, 0, kBuffers, 4, virtio::kDescFNext, 3);
    write_desc(*this, kTables, 3, kBuffers + 0x200, 8, virtio::kDescFWrite, 0);
    publish(q0, 1);
    kick(q0);
    ASSERT_EQ(sink.received.size(), 2u);
    EXPECT_EQ(sink.received[1].bytes, (std::vector<std::uint8_t>{5, 6, 1, 2, 3, 4}));
    EXPECT_EQ(sink.received[1].in_bytes, 8u);
    EXPECT_FALSE(sink.broken());
}

TEST_F(VirtqueueTest, IndexesWrapAround) {
    auto& rng = start<TestRng>("virtio-test-rng", kEventIdx, 4);
    for (unsigned i = 0; i < 4; ++i) desc(q0, i, kBuffers + 0x10 * i, 4, virtio::kDescFWrite);
    unsigned done = 0;
    // 16-bit indices wrap after 65536 entries: go past that, four chains per kick.
    while (done < 70000) {
        for (unsigned i = 0; i < 4; ++i) publish(q0, static_cast<std::uint16_t>(i));
        set_used_event(q0, static_cast<std::uint16_t>(done + 3));
        kick(q0);
        done += 4;
        ASSERT_EQ(used_idx(q0), static_cast<std::uint16_t>(done));
        ASSERT_EQ(used(q0, done - 1).id, 3u);
        ASSERT_TRUE(lines[0].level());
        wr(0, reg::kInterruptAck, virtio::kIsrQueue);
    }
    EXPECT_FALSE(rng.broken());
    EXPECT_EQ(rng.kicks, 70000 / 4);
}

TEST_F(VirtqueueTest, DeferredCompletion) {
    auto& rng = start<TestRng>("virtio-test-rng", 0);
    rng.defer = true;
    desc(q0, 0, kBuffers, 4, virtio::kDescFWrite);
    desc(q0, 1, kBuffers + 0x10, 4, virtio::kDescFWrite);
    publish(q0, 0);
    publish(q0, 1);
    kick(q0);
    EXPECT_EQ(rng.held.size(), 2u);
    EXPECT_EQ(rng.queue(0).in_use(), 2u);
    EXPECT_EQ(used_idx(q0), 0u);
    EXPECT_FALSE(lines[0].level());
    rng.complete_held();  // later, from the main loop
    EXPECT_EQ(used_idx(q0), 2u);
    EXPECT_EQ(rng.queue(0).in_use(), 0u);
    EXPECT_TRUE(lines[0].level());
}

TEST_F(VirtqueueTest, UnpopGivesTheChainBack) {
    auto& rng = start<TestRng>("virtio-test-rng", 0);
    desc(q0, 4, kBuffers, 4, virtio::kDescFWrite);
    publish(q0, 4);
    emu::VirtQueue& vq = rng.queue(0);
    EXPECT_EQ(vq.available(), 1u);
    auto e = vq.pop();
    ASSERT_TRUE(e);
    EXPECT_TRUE(vq.empty());
    vq.unpop(*e);
    EXPECT_FALSE(vq.empty());
    auto again = vq.pop();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->head, 4u);
    EXPECT_FALSE(vq.pop());
}

TEST_F(VirtqueueTest, BatchedCompletion) {
    auto& rng = start<TestRng>("virtio-test-rng", 0);
    emu::VirtQueue& vq = rng.queue(0);
    for (unsigned i = 0; i < 3; ++i) {
        desc(q0, i, kBuffers + 0x10 * i, 4, virtio::kDescFWrite);
        publish(q0, static_cast<std::uint16_t>(i));
    }
    std::vector<emu::VirtqElement> elements;
    while (auto e = vq.pop()) elements.push_back(*e);
    ASSERT_EQ(elements.size(), 3u);
    for (unsigned i = 0; i < 3; ++i) vq.fill(elements[i], 100 + i, i);
    EXPECT_EQ(used_idx(q0), 0u);  // nothing visible before the flush
    vq.flush(3);
    EXPECT_EQ(used_idx(q0), 3u);
    EXPECT_EQ(used(q0, 2).len, 102u);
    vq.notify();
    EXPECT_TRUE(lines[0].level());
}

TEST_F(VirtqueueTest, CopiesStopAtTheBuffersEnd) {
    auto& rng = start<TestRng>("virtio-test-rng", 0);
    desc(q0, 0, kBuffers, 4, virtio::kDescFWrite | virtio::kDescFNext, 1);
    desc(q0, 1, kBuffers + 0x100, 4, virtio::kDescFWrite);
    publish(q0, 0);
    auto e = rng.queue(0).pop();
    ASSERT_TRUE(e);
    const std::vector<std::uint8_t> data(16, 0xee);
    EXPECT_EQ(rng.queue(0).write(*e, 2, data.data(), data.size()), 6u);  // 2 + 4 bytes left
    EXPECT_EQ(bytes(kBuffers, 5), (std::vector<std::uint8_t>{0, 0, 0xee, 0xee, 0}));
    EXPECT_EQ(bytes(kBuffers + 0x100, 5), (std::vector<std::uint8_t>{0xee, 0xee, 0xee, 0xee, 0}));
    std::uint8_t sink[4];
    EXPECT_EQ(rng.queue(0).read(*e, 0, sink, sizeof sink), 0u);  // no readable buffers
    EXPECT_TRUE(rng.queue(0).map(e->in[0], true).size() == 4);
}

TEST_F(VirtqueueTest, ChainsHeldAcrossAResetAreDropped) {
    auto& rng = start<TestRng>("virtio-test-rng", 0);
    rng.defer = true;
    desc(q0, 0, kBuffers, 4, virtio::kDescFWrite);
    publish(q0, 0);
    kick(q0);
    ASSERT_EQ(rng.held.size(), 1u);
    const std::vector<emu::VirtqElement> stale = rng.held;

    wr(0, reg::kStatus, 0);  // the driver resets the device while the chain is in flight
    negotiate(0, kV1);
    DriverQueue fresh = setup_queue(0, 0, 8, kRamBase + 0x20000);
    driver_ok(0);
    for (const auto& e : stale) rng.queue(0).push_and_notify(e, 4);  // the back end finishes late
    EXPECT_EQ(used_idx(fresh), 0u);
    EXPECT_EQ(used_idx(q0), 0u);
    EXPECT_EQ(peek(kBuffers, 4), 0u);
    EXPECT_FALSE(lines[0].level());
    EXPECT_FALSE(rng.broken());

    // Disabling and re-enabling a queue drops in-flight chains too.
    rng.held.clear();
    desc(fresh, 0, kBuffers, 4, virtio::kDescFWrite);
    publish(fresh, 0);
    kick(fresh);
    ASSERT_EQ(rng.held.size(), 1u);
    wr(0, reg::kQueueSel, 0);
    wr(0, reg::kQueueReady, 0);
    wr(0, reg::kQueueReady, 1);
    rng.complete_held();
    EXPECT_EQ(used_idx(fresh), 0u);
}

}  // namespace
