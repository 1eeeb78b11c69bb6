// A hostile guest: rings and buffers outside RAM (or on a device), misaligned rings, bad queue
// sizes, looping and overlong chains, bad indirect tables, zero and absurd lengths, an
// available index running ahead, resets in the middle of processing, and random rings. The
// device must never crash, hang or touch anything but guest RAM: it sets DEVICE_NEEDS_RESET,
// logs one line, stops, and works again after a reset.
#include <random>
#include <tuple>

#include "virtio_bench.h"

namespace {

using namespace virtio_test;

constexpr Addr kRings0 = kRamBase;
constexpr Addr kTables = kRamBase + 0x8000;
constexpr Addr kBuffers = kRamBase + 0x10000;
constexpr Addr kNowhere = 0x10000000;  // unassigned

constexpr std::uint64_t kV1 = virtio::bit(virtio::kFVersion1);
constexpr std::uint64_t kIndirect = virtio::bit(virtio::kFIndirectDesc);

class HostileTest : public VirtioBench {
protected:
    // One transport (modern unless legacy) with an rng device, negotiated; queue 0 not yet set up.
    TestRng& start(std::uint64_t features, bool legacy = false) {
        add_transports(1, legacy);
        TestRng& rng = add<TestRng>("virtio-test-rng", "rng");
        negotiate(0, features | (legacy ? 0 : kV1));
        return rng;
    }
    DriverQueue running(unsigned n = 8) {
        DriverQueue q = setup_queue(0, 0, n, kRings0);
        driver_ok(0);
        return q;
    }

    // The device is stopped, says so in its status, logged exactly one line mentioning `what`,
    // and touched nothing but RAM.
    void expect_broken(TestRng& rng, const std::string& log, const std::string& what) {
        EXPECT_TRUE(rng.broken());
        EXPECT_NE(rng.broken_reason().find(what), std::string::npos) << rng.broken_reason();
        EXPECT_TRUE(rd(0, reg::kStatus) & virtio::kStatusNeedsReset);
        EXPECT_EQ(count_lines(log), 1) << log;
        EXPECT_EQ(log.rfind("emu: virtio-test-rng 'rng': virtqueue 0: ", 0), 0u) << log;
        EXPECT_EQ(machine->trap_accesses, 0);
    }

    // After a reset the device works again.
    void expect_recovers(TestRng& rng) {
        negotiate(0, legacy_ ? 0 : kV1);
        EXPECT_EQ(rd(0, reg::kStatus) & virtio::kStatusNeedsReset, 0u);
        EXPECT_FALSE(rng.broken());
        DriverQueue q = setup_queue(0, 0, 8, kRamBase + 0x20000);
        driver_ok(0);
        write_desc(*this, q.desc, 0, kBuffers, 8, virtio::kDescFWrite, 0);
        publish(q, 0);
        kick(q);
        EXPECT_EQ(used_idx(q), 1u);
        EXPECT_FALSE(rng.broken());
    }

    // Publish a one-descriptor chain at desc[0] and kick; return the log.
    std::string one(TestRng&, DriverQueue& q, Addr addr, std::uint32_t len, std::uint16_t flags,
                    std::uint16_t next = 0) {
        StderrCapture capture;
        desc(q, 0, addr, len, flags, next);
        publish(q, 0);
        kick(q);
        return capture.take();
    }
};

// ---- Rings ------------------------------------------------------------------------------------

TEST_F(HostileTest, DescriptorTableOutsideRam) {
    TestRng& rng = start(0);
    StderrCapture capture;
    wr(0, reg::kQueueNum, 8);
    wr(0, reg::kQueueDescLow, static_cast<std::uint32_t>(kNowhere));
    wr(0, reg::kQueueDriverLow, static_cast<std::uint32_t>(kRamBase + 0x1000));
    wr(0, reg::kQueueDeviceLow, static_cast<std::uint32_t>(kRamBase + 0x2000));
    wr(0, reg::kQueueReady, 1);  // reported at once
    expect_broken(rng, capture.take(), "descriptor table at 0x10000000 (128 bytes) is not in guest RAM");
    expect_recovers(rng);
}

TEST_F(HostileTest, RingsOnADevice) {
    TestRng& rng = start(0);
    StderrCapture capture;
    wr(0, reg::kQueueNum, 8);
    wr(0, reg::kQueueDescLow, static_cast<std::uint32_t>(kRamBase));
    wr(0, reg::kQueueDriverLow, static_cast<std::uint32_t>(kTrapBase));
    wr(0, reg::kQueueDeviceLow, static_cast<std::uint32_t>(kRamBase + 0x2000));
    wr(0, reg::kQueueReady, 1);
    expect_broken(rng, capture.take(), "driver ring at 0x20000000");
}

TEST_F(HostileTest, UsedRingInRom) {
    TestRng& rng = start(0);
    StderrCapture capture;
    wr(0, reg::kQueueDescLow, static_cast<std::uint32_t>(kRamBase));
    wr(0, reg::kQueueDriverLow, static_cast<std::uint32_t>(kRamBase + 0x1000));
    wr(0, reg::kQueueDeviceLow, static_cast<std::uint32_t>(kRomBase));
    wr(0, reg::kQueueReady, 1);
    expect_broken(rng, capture.take(), "is not in writable guest RAM");
}

TEST_F(HostileTest, RingRunsOffTheEndOfRam) {
    TestRng& rng = start(0);
    StderrCapture capture;
    const Addr last = kRamBase + kRamSize - 16;
    wr(0, reg::kQueueNum, 8);
    wr(0, reg::kQueueDescLow, static_cast<std::uint32_t>(last));
    wr(0, reg::kQueueDriverLow, static_cast<std::uint32_t>(kRamBase + 0x1000));
    wr(0, reg::kQueueDeviceLow, static_cast<std::uint32_t>(kRamBase + 0x2000));
    wr(0, reg::kQueueReady, 1);
    expect_broken(rng, capture.take(), "descriptor table");
}

TEST_F(HostileTest, HugeRingAddresses) {
    TestRng& rng = start(0);
    StderrCapture capture;
    wr(0, reg::kQueueDescLow, 0xfffffff0u);
    wr(0, reg::kQueueDescHigh, 0xffffffffu);
    wr(0, reg::kQueueDriverLow, static_cast<std::uint32_t>(kRamBase + 0x1000));
    wr(0, reg::kQueueDeviceLow, static_cast<std::uint32_t>(kRamBase + 0x2000));
    wr(0, reg::kQueueReady, 1);
    expect_broken(rng, capture.take(), "descriptor table at 0xfffffffffffffff0");
}

TEST_F(HostileTest, MisalignedRings) {
    TestRng& rng = start(0);
    for (const auto& [desc_off, avail_off, used_off, what] :
         std::vector<std::tuple<Addr, Addr, Addr, std::string>>{
             {8, 0x1000, 0x2000, "descriptor table at 0x40000008 is not 16-byte aligned"},
             {0, 0x1001, 0x2000, "driver ring at 0x40001001 is not 2-byte aligned"},
             {0, 0x1000, 0x2002, "device ring at 0x40002002 is not 4-byte aligned"}}) {
        SCOPED_TRACE(what);
        negotiate(0, kV1);  // resets the device
        StderrCapture capture;
        wr(0, reg::kQueueDescLow, static_cast<std::uint32_t>(kRamBase + desc_off));
        wr(0, reg::kQueueDriverLow, static_cast<std::uint32_t>(kRamBase + avail_off));
        wr(0, reg::kQueueDeviceLow, static_cast<std::uint32_t>(kRamBase + used_off));
        wr(0, reg::kQueueReady, 1);
        expect_broken(rng, capture.take(), what);
    }
}

TEST_F(HostileTest, BadQueueSizes) {
    for (std::uint32_t size : {0u, 3u, 12u, 32u, 0x10000u, 0xffffffffu}) {
        SCOPED_TRACE(size);
        if (transports.empty()) start(0);
        auto& rng = dynamic_cast<TestRng&>(*machine->resolve("peripheral/rng"));
        negotiate(0, kV1);
        StderrCapture capture;
        setup_queue(0, 0, size, kRings0);
        expect_broken(rng, capture.take(), "queue size " + std::to_string(size) + " is not a power of two from 1 to 16");
    }
}

TEST_F(HostileTest, LegacyBadAlignAndPfn) {
    TestRng& rng = start(0, true);
    {
        StderrCapture capture;
        wr(0, reg::kQueueNum, 8);
        wr(0, reg::kQueueAlign, 3);
        wr(0, reg::kQueuePfn, static_cast<std::uint32_t>(kRamBase >> 12));
        expect_broken(rng, capture.take(), "QueueAlign 3 is not a power of two");
    }
    expect_recovers(rng);
    {
        StderrCapture capture;
        wr(0, reg::kStatus, 0);
        negotiate(0, 0);
        wr(0, reg::kQueueSel, 0);
        wr(0, reg::kQueueNum, 8);
        wr(0, reg::kQueuePfn, 0xfffff);  // 4 GiB - 4 KiB: nothing there
        expect_broken(rng, capture.take(), "is not in guest RAM");
    }
}

// ---- The available ring -------------------------------------------------------------------------

TEST_F(HostileTest, AvailIndexRunsAhead) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    StderrCapture capture;
    desc(q, 0, kBuffers, 8, virtio::kDescFWrite);
    poke(q.avail + 2, 9, 2);  // 9 new entries in a queue of 8
    kick(q);
    expect_broken(rng, capture.take(), "9 entries ahead of the device (the queue has 8)");
    EXPECT_EQ(used_idx(q), 0u);
    EXPECT_EQ(rng.queue(0).available(), 0u);
    expect_recovers(rng);
}

TEST_F(HostileTest, AvailIndexGoesBackwards) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    desc(q, 0, kBuffers, 8, virtio::kDescFWrite);
    publish(q, 0);
    kick(q);
    ASSERT_EQ(used_idx(q), 1u);
    StderrCapture capture;
    poke(q.avail + 2, 0, 2);  // "65535 new entries"
    kick(q);
    expect_broken(rng, capture.take(), "65535 entries ahead");
}

TEST_F(HostileTest, HeadOutsideTheTable) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    StderrCapture capture;
    publish(q, 8);
    kick(q);
    expect_broken(rng, capture.take(), "names descriptor 8 (the queue has 8)");
}

// ---- Chains ---------------------------------------------------------------------------------------

TEST_F(HostileTest, BufferOutsideRam) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kNowhere, 8, virtio::kDescFWrite), "buffer at 0x10000000 (8 bytes)");
    EXPECT_EQ(used_idx(q), 0u);
}

TEST_F(HostileTest, BufferOnADevice) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kTrapBase, 8, virtio::kDescFWrite), "not in writable guest RAM");
}

TEST_F(HostileTest, WritableBufferInRom) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kRomBase, 8, virtio::kDescFWrite), "not in writable guest RAM");
    EXPECT_EQ(machine->rom()[0], 0u);
}

TEST_F(HostileTest, BufferStraddlesTheEndOfRam) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kRamBase + kRamSize - 4, 8, virtio::kDescFWrite), "not in writable guest RAM");
}

TEST_F(HostileTest, AbsurdLength) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kRamBase, 0xffffffff, virtio::kDescFWrite), "(4294967295 bytes)");
}

TEST_F(HostileTest, LengthWrapsTheAddressSpace) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, 0xfffffffffffffff0ull, 0x20, 0), "buffer at 0xfffffffffffffff0");
}

TEST_F(HostileTest, ZeroLength) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kBuffers, 0, virtio::kDescFWrite), "descriptor 0 has length 0");
}

TEST_F(HostileTest, LoopingChain) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    StderrCapture capture;
    desc(q, 0, kBuffers, 8, virtio::kDescFWrite | virtio::kDescFNext, 1);
    desc(q, 1, kBuffers + 0x10, 8, virtio::kDescFWrite | virtio::kDescFNext, 0);
    publish(q, 0);
    kick(q);
    expect_broken(rng, capture.take(), "the descriptor chain from 0 loops or is longer than its table (8 entries)");
    EXPECT_EQ(used_idx(q), 0u);
}

TEST_F(HostileTest, SelfLoop) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kBuffers, 8, virtio::kDescFWrite | virtio::kDescFNext, 0), "loops");
}

TEST_F(HostileTest, ChainLongerThanTheQueue) {
    // Every entry in use once, then a link back: the chain would be longer than the queue.
    TestRng& rng = start(0);
    DriverQueue q = running(4);
    StderrCapture capture;
    for (unsigned i = 0; i < 4; ++i)
        desc(q, i, kBuffers + 0x10 * i, 8, virtio::kDescFWrite | virtio::kDescFNext, static_cast<std::uint16_t>((i + 1) % 4));
    publish(q, 0);
    kick(q);
    expect_broken(rng, capture.take(), "longer than its table (4 entries)");
}

TEST_F(HostileTest, FullLengthChainIsFine) {
    TestRng& rng = start(0);
    DriverQueue q = running(4);
    for (unsigned i = 0; i < 4; ++i)
        desc(q, i, kBuffers + 0x10 * i, 8, virtio::kDescFWrite | (i < 3 ? virtio::kDescFNext : 0),
             static_cast<std::uint16_t>(i + 1));
    publish(q, 0);
    kick(q);
    EXPECT_FALSE(rng.broken());
    EXPECT_EQ(used(q, 0).len, 32u);
}

TEST_F(HostileTest, NextOutsideTheTable) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kBuffers, 8, virtio::kDescFWrite | virtio::kDescFNext, 8),
                  "links to descriptor 8, outside its table (8 entries)");
}

TEST_F(HostileTest, ReadableAfterWritable) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    StderrCapture capture;
    desc(q, 0, kBuffers, 8, virtio::kDescFWrite | virtio::kDescFNext, 1);
    desc(q, 1, kBuffers + 0x10, 8, 0);
    publish(q, 0);
    kick(q);
    expect_broken(rng, capture.take(), "descriptor 1 is device-readable but follows a device-writable one");
}

// ---- Indirect tables ------------------------------------------------------------------------------

TEST_F(HostileTest, IndirectNotNegotiated) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    write_desc(*this, kTables, 0, kBuffers, 8, virtio::kDescFWrite, 0);
    expect_broken(rng, one(rng, q, kTables, 16, virtio::kDescFIndirect),
                  "descriptor 0 is indirect, but VIRTIO_F_INDIRECT_DESC was not negotiated");
}

TEST_F(HostileTest, NestedIndirect) {
    TestRng& rng = start(kIndirect);
    DriverQueue q = running();
    write_desc(*this, kTables, 0, kBuffers, 8, virtio::kDescFWrite | virtio::kDescFNext, 1);
    write_desc(*this, kTables, 1, kTables + 0x100, 16, virtio::kDescFIndirect, 0);
    write_desc(*this, kTables + 0x100, 0, kBuffers + 0x10, 8, virtio::kDescFWrite, 0);
    expect_broken(rng, one(rng, q, kTables, 32, virtio::kDescFIndirect),
                  "indirect descriptor 1 is itself indirect");
}

TEST_F(HostileTest, IndirectWithNext) {
    TestRng& rng = start(kIndirect);
    DriverQueue q = running();
    write_desc(*this, kTables, 0, kBuffers, 8, virtio::kDescFWrite, 0);
    expect_broken(rng, one(rng, q, kTables, 16, virtio::kDescFIndirect | virtio::kDescFNext, 1),
                  "is indirect and has NEXT set too");
}

TEST_F(HostileTest, IndirectTableSizes) {
    for (std::uint32_t len : {0u, 8u, 24u, 0x7ffffff0u, 0xfffffff0u}) {
        SCOPED_TRACE(len);
        if (transports.empty()) start(kIndirect);
        auto& rng = dynamic_cast<TestRng&>(*machine->resolve("peripheral/rng"));
        negotiate(0, kV1 | kIndirect);
        DriverQueue q = running();
        expect_broken(rng, one(rng, q, kTables, len, virtio::kDescFIndirect), "an indirect table of");
    }
}

TEST_F(HostileTest, IndirectTableLimit) {
    // max(queue size, 1024) descriptors: 1024 is fine in a queue of 8, 1025 is not.
    TestRng& rng = start(kIndirect);
    DriverQueue q = running();
    zero(kTables, 1025 * 16);
    write_desc(*this, kTables, 0, kBuffers, 8, virtio::kDescFWrite, 0);
    desc(q, 0, kTables, 1024 * 16, virtio::kDescFIndirect);
    publish(q, 0);
    kick(q);
    EXPECT_FALSE(rng.broken());
    EXPECT_EQ(used_idx(q), 1u);
    expect_broken(rng, one(rng, q, kTables, 1025 * 16, virtio::kDescFIndirect),
                  "an indirect table of 1025 descriptors (at most 1024)");
}

TEST_F(HostileTest, IndirectTableOutsideRam) {
    TestRng& rng = start(kIndirect);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kTrapBase, 64, virtio::kDescFIndirect),
                  "indirect table at 0x20000000 (64 bytes) is not in guest RAM");
}

TEST_F(HostileTest, IndirectLoop) {
    TestRng& rng = start(kIndirect);
    DriverQueue q = running();
    write_desc(*this, kTables, 0, kBuffers, 8, virtio::kDescFWrite | virtio::kDescFNext, 1);
    write_desc(*this, kTables, 1, kBuffers + 0x10, 8, virtio::kDescFWrite | virtio::kDescFNext, 0);
    expect_broken(rng, one(rng, q, kTables, 32, virtio::kDescFIndirect), "loops or is longer than its table (2 entries)");
}

TEST_F(HostileTest, IndirectNextOutsideItsTable) {
    TestRng& rng = start(kIndirect);
    DriverQueue q = running();
    write_desc(*this, kTables, 0, kBuffers, 8, virtio::kDescFWrite | virtio::kDescFNext, 2);
    write_desc(*this, kTables, 2, kBuffers, 8, virtio::kDescFWrite, 0);  // beyond the 2-entry table
    expect_broken(rng, one(rng, q, kTables, 32, virtio::kDescFIndirect),
                  "indirect descriptor 0 links to descriptor 2, outside its table (2 entries)");
}

// ---- Broken state ----------------------------------------------------------------------------------

TEST_F(HostileTest, BrokenDeviceStopsAndLogsOnce) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    StderrCapture capture;
    desc(q, 0, kNowhere, 8, virtio::kDescFWrite);
    desc(q, 1, kBuffers, 8, virtio::kDescFWrite);
    publish(q, 0);
    publish(q, 1);
    kick(q);
    kick(q);
    rng.set_broken("something else");
    const std::string log = capture.take();
    expect_broken(rng, log, "buffer at 0x10000000");
    EXPECT_EQ(rng.kicks, 1);        // the second kick never reached the device
    EXPECT_EQ(used_idx(q), 0u);     // chain 1 was not processed either
    // The modern driver was told through a configuration-change interrupt.
    EXPECT_EQ(rd(0, reg::kInterruptStatus), virtio::kIsrConfig);
    EXPECT_TRUE(lines[0].level());
    // The driver cannot clear DEVICE_NEEDS_RESET without a reset.
    wr(0, reg::kStatus, rd(0, reg::kStatus) & ~virtio::kStatusNeedsReset);
    EXPECT_TRUE(rd(0, reg::kStatus) & virtio::kStatusNeedsReset);
    expect_recovers(rng);
    EXPECT_EQ(rng.broken_reason(), "");
}

TEST_F(HostileTest, LegacyBrokenDeviceGetsNoConfigInterrupt) {
    TestRng& rng = start(0, true);
    DriverQueue q = running();
    expect_broken(rng, one(rng, q, kNowhere, 8, virtio::kDescFWrite), "buffer at");
    EXPECT_EQ(rd(0, reg::kInterruptStatus), 0u);
    EXPECT_FALSE(lines[0].level());
    expect_recovers(rng);
}

// ---- Resets in the middle of processing --------------------------------------------------------

TEST_F(HostileTest, ResetFromInsideTheHandler) {
    // Another vCPU's reset lands between two chains (modelled by the handler doing it).
    TestRng& rng = start(0);
    DriverQueue q = running();
    int seen = 0;
    rng.on_element = [&](const emu::VirtqElement&) {
        if (++seen == 1) wr(0, reg::kStatus, 0);
    };
    for (unsigned i = 0; i < 3; ++i) {
        desc(q, i, kBuffers + 0x10 * i, 8, virtio::kDescFWrite);
        publish(q, static_cast<std::uint16_t>(i));
    }
    kick(q);
    EXPECT_EQ(seen, 1);            // the loop ended: the queue is gone
    EXPECT_EQ(used_idx(q), 0u);    // the chain popped before the reset was not returned
    EXPECT_EQ(rd(0, reg::kStatus), 0u);
    EXPECT_FALSE(lines[0].level());
    EXPECT_FALSE(rng.broken());
    rng.on_element = nullptr;
    expect_recovers(rng);
}

TEST_F(HostileTest, QueueDisabledFromInsideTheHandler) {
    TestRng& rng = start(0);
    DriverQueue q = running();
    int seen = 0;
    rng.on_element = [&](const emu::VirtqElement&) {
        if (++seen == 1) wr(0, reg::kQueueReady, 0);
    };
    for (unsigned i = 0; i < 3; ++i) {
        desc(q, i, kBuffers + 0x10 * i, 8, virtio::kDescFWrite);
        publish(q, static_cast<std::uint16_t>(i));
    }
    kick(q);
    EXPECT_EQ(seen, 1);
    EXPECT_EQ(used_idx(q), 0u);
    EXPECT_FALSE(rng.broken());
}

TEST_F(HostileTest, RingsRewrittenWhileTheDeviceHoldsChains) {
    // The driver scribbles over descriptors and the used ring the device still owns: whatever
    // it wrote, completing the held chains only writes the RAM they were validated against.
    TestRng& rng = start(0);
    DriverQueue q = running();
    rng.defer = true;
    desc(q, 0, kBuffers, 8, virtio::kDescFWrite);
    publish(q, 0);
    kick(q);
    ASSERT_EQ(rng.held.size(), 1u);
    desc(q, 0, kTrapBase, 0xffffffff, virtio::kDescFWrite | virtio::kDescFNext, 0);
    poke(q.used + 2, 0x1234, 2);
    rng.complete_held();
    EXPECT_EQ(machine->trap_accesses, 0);
    EXPECT_EQ(used_idx(q), 1u);  // the device keeps its own index
    EXPECT_EQ(used(q, 0).len, 8u);
    EXPECT_FALSE(rng.broken());
}

TEST_F(HostileTest, RingMemoryRemovedUnderTheDevice) {
    // The RAM holding the rings goes away (a PCI BAR moving, say): the queue re-validates.
    auto extra = emu::MemoryRegion::ram("movable", 0x10000);
    const Addr where = 0x50000000;
    machine->system().add_subregion(where, *extra);
    TestRng& rng = start(0);
    DriverQueue q = setup_queue(0, 0, 8, where);
    driver_ok(0);
    desc(q, 0, kBuffers, 8, virtio::kDescFWrite);
    publish(q, 0);
    kick(q);
    ASSERT_EQ(used_idx(q), 1u);
    machine->system().remove_subregion(*extra);
    StderrCapture capture;
    kick(q);
    const std::string log = capture.take();
    EXPECT_TRUE(rng.broken());
    EXPECT_EQ(count_lines(log), 1);
    EXPECT_EQ(machine->trap_accesses, 0);
    rng.unrealize();
}

// ---- Random rings -------------------------------------------------------------------------------

TEST_F(HostileTest, RandomRings) {
    // Random descriptors, tables and indices, each round from a reset. Whatever the guest
    // writes: no crash, no hang, no access outside RAM; the device works or says it is broken.
    TestRng& rng = start(kIndirect);
    std::mt19937_64 random(20240601);
    auto pick = [&](std::uint64_t n) { return random() % n; };
    const Addr kAddresses[] = {kBuffers, kBuffers + 0x1000, kRamBase + kRamSize - 8, kTrapBase, kRomBase,
                               kNowhere, 0, 0xfffffffffffffff8ull, kTables};
    const std::uint32_t kLengths[] = {0, 1, 8, 16, 48, 4096, 0x10000, 0xffffffffu, 0x80000000u};
    int broken = 0, clean = 0;
    for (int round = 0; round < 3000; ++round) {
        wr(0, reg::kStatus, 0);
        negotiate(0, kV1 | (pick(2) ? kIndirect : 0) | (pick(2) ? virtio::bit(virtio::kFEventIdx) : 0));
        const unsigned sizes[] = {1, 2, 4, 8, 16, 3, 0, 32};
        const unsigned n = sizes[pick(std::size(sizes))];
        const unsigned valid_n = n && n <= 16 && !(n & (n - 1)) ? n : 8;
        // Random contents for the descriptor table and two indirect tables.
        for (unsigned i = 0; i < 16; ++i) {
            auto flags = static_cast<std::uint16_t>(pick(8));
            write_desc(*this, kRings0, i, kAddresses[pick(std::size(kAddresses))] + pick(64),
                       kLengths[pick(std::size(kLengths))], flags, static_cast<std::uint16_t>(pick(valid_n + 2)));
            write_desc(*this, kTables, i, kAddresses[pick(3)] + pick(64), kLengths[pick(5)],
                       static_cast<std::uint16_t>(pick(8)), static_cast<std::uint16_t>(pick(18)));
        }
        StderrCapture capture;
        wr(0, reg::kQueueSel, 0);
        wr(0, reg::kQueueNum, n);
        wr(0, reg::kQueueDescLow, static_cast<std::uint32_t>(kRings0));
        wr(0, reg::kQueueDriverLow, static_cast<std::uint32_t>(kRings0 + 0x1000));
        wr(0, reg::kQueueDeviceLow, static_cast<std::uint32_t>(kRings0 + 0x2000));
        poke(kRings0 + 0x1000, pick(4), 2);  // avail flags
        for (unsigned i = 0; i < 18; ++i) poke(kRings0 + 0x1000 + 4 + 2 * i, pick(valid_n + 1), 2);
        wr(0, reg::kQueueReady, 1);
        driver_ok(0);
        const DriverQueue dq{0, 0, valid_n, kRings0, kRings0 + 0x1000, kRings0 + 0x2000, 0};
        const auto avail = static_cast<std::uint16_t>(pick(4) == 0 ? pick(65536) : pick(valid_n + 1));
        poke(kRings0 + 0x1000 + 2, avail, 2);
        kick(dq);
        kick(dq);
        const std::string log = capture.take();
        ASSERT_LE(count_lines(log), 1) << log;
        if (rng.broken()) {
            ++broken;
            ASSERT_TRUE(rd(0, reg::kStatus) & virtio::kStatusNeedsReset);
            ASSERT_EQ(count_lines(log), 1);
        } else {
            ++clean;
            ASSERT_EQ(count_lines(log), 0) << log;
        }
        ASSERT_EQ(machine->trap_accesses, 0) << "round " << round;
    }
    EXPECT_GT(broken, 100);
    EXPECT_GT(clean, 100);
    expect_recovers(rng);
}

}  // namespace
