// A hostile guest driving virtio-net on every interface: buffers outside RAM or on a device,
// looping and zero-length chains, absurd lengths and indices, packets shorter than their
// header, receive chains with nothing to write into, broken control commands, resets in the
// middle of a transfer, and random rings. The device never crashes, hangs or touches anything
// but guest RAM (the trap page counts any access); a broken device says DEVICE_NEEDS_RESET,
// logs one line, and works again after a reset.
#include <algorithm>
#include <random>

#include "virtio_net_bench.h"

namespace {

using namespace virtio_net_test;

constexpr std::uint64_t kMac = virtio::bit(vn::kFMac);
constexpr std::uint64_t kMrg = virtio::bit(vn::kFMrgRxbuf);
constexpr std::uint64_t kCtrl = virtio::bit(vn::kFCtrlVq) | virtio::bit(vn::kFCtrlRx);
constexpr Addr kNowhere = 0x0c000000;  // unassigned

class Hostile : public NetTest {
protected:
    void expect_broken(const std::string& log, const std::string& what) {
        EXPECT_TRUE(nic->broken());
        EXPECT_NE(nic->broken_reason().find(what), std::string::npos) << nic->broken_reason();
        EXPECT_TRUE(status() & virtio::kStatusNeedsReset);
        EXPECT_EQ(count_lines(log), 1) << log;
        EXPECT_EQ(machine->trap_accesses, 0);
    }
    // After a reset, a frame goes out and one comes in.
    void expect_recovers() {
        bring_up(kMac);
        EXPECT_FALSE(nic->broken());
        const Frame out = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(80));
        Frame packet(header_size(kMac), 0);
        packet.insert(packet.end(), out.begin(), out.end());
        put(kBuffers + 0x20000, packet);
        desc(tx, 0, kBuffers + 0x20000, static_cast<std::uint32_t>(packet.size()));
        publish(tx, 0);
        notify(tx);
        ASSERT_FALSE(backend->frames.empty());
        EXPECT_EQ(backend->frames.back(), out);
        post_rx(0, kBuffers + 0x21000, 2048);
        notify(rx);
        const Frame in = ethernet(kGuestMac, kPeerMac, 0x0800, pattern(90));
        backend->inject(in);
        EXPECT_EQ(bytes(kBuffers + 0x21000 + header_size(kMac), in.size()), in);
        EXPECT_EQ(machine->trap_accesses, 0);
    }
    std::string transmit_desc(Addr addr, std::uint32_t len, std::uint16_t flags = 0, std::uint16_t next = 0) {
        StderrCapture capture;
        desc(tx, 0, addr, len, flags, next);
        publish(tx, 0);
        notify(tx);
        return capture.take();
    }
    std::string receive_into(Addr addr, std::uint32_t len, std::uint16_t flags = virtio::kDescFWrite) {
        StderrCapture capture;
        desc(rx, 0, addr, len, flags);
        publish(rx, 0);
        notify(rx);
        backend->inject(ethernet(kGuestMac, kPeerMac, 0x0800, pattern(100)));
        return capture.take();
    }
};

TEST_P(Hostile, TransmitBufferOutsideRam) {
    start_param();
    bring_up(kMac);
    expect_broken(transmit_desc(kNowhere, 100), "not in guest RAM");
    EXPECT_TRUE(backend->frames.empty());
    expect_recovers();
}

TEST_P(Hostile, TransmitBufferOnADevice) {
    start_param();
    bring_up(kMac);
    expect_broken(transmit_desc(kTrapBase, 100), "not in guest RAM");
    expect_recovers();
}

TEST_P(Hostile, TransmitBufferRunningPastTheEndOfRam) {
    start_param();
    bring_up(kMac);
    expect_broken(transmit_desc(kRamBase + kRamSize - 16, 0xffffffffu), "not in guest RAM");
    expect_recovers();
}

TEST_P(Hostile, ReceiveBufferInRom) {
    start_param();
    bring_up(kMac);
    expect_broken(receive_into(kRomBase, 2048), "not in writable guest RAM");
    EXPECT_TRUE(std::all_of(machine->rom(), machine->rom() + kRomSize, [](std::uint8_t b) { return b == 0; }));
    expect_recovers();
}

TEST_P(Hostile, ReceiveBufferOnADevice) {
    start_param();
    bring_up(kMac | kMrg);
    expect_broken(receive_into(kTrapBase, 2048), "not in writable guest RAM");
    expect_recovers();
}

TEST_P(Hostile, LoopingTransmitChain) {
    start_param();
    bring_up(kMac);
    StderrCapture capture;
    put(kBuffers, Frame(64, 0));
    desc(tx, 0, kBuffers, 16, virtio::kDescFNext, 1);
    desc(tx, 1, kBuffers + 16, 16, virtio::kDescFNext, 0);
    publish(tx, 0);
    notify(tx);
    expect_broken(capture.take(), "loops");
    expect_recovers();
}

TEST_P(Hostile, ZeroLengthDescriptor) {
    start_param();
    bring_up(kMac);
    expect_broken(transmit_desc(kBuffers, 0), "length 0");
    expect_recovers();
}

TEST_P(Hostile, PacketShorterThanItsHeader) {
    start_param();
    bring_up(kMac);
    expect_broken(transmit_desc(kBuffers, 5), "shorter than its");
    expect_recovers();
}

TEST_P(Hostile, AbsurdlyLongPacketIsDropped) {
    start_param();
    bring_up(kMac);
    // 8 descriptors of 16 KiB each: 128 KiB, all in RAM, larger than any frame.
    for (unsigned i = 0; i < 8; ++i)
        desc(tx, i, kBuffers + 0x4000 * i, 0x4000, i < 7 ? virtio::kDescFNext : 0, static_cast<std::uint16_t>(i + 1));
    publish(tx, 0);
    notify(tx);
    EXPECT_EQ(used_idx(tx), 1u);
    EXPECT_TRUE(backend->frames.empty());
    EXPECT_FALSE(nic->broken());
}

TEST_P(Hostile, ReceiveChainWithNothingWritable) {
    start_param();
    bring_up(kMac);
    expect_broken(receive_into(kBuffers, 2048, 0), "no room for the");
    expect_recovers();
}

TEST_P(Hostile, ReceiveBufferSmallerThanTheHeader) {
    start_param();
    bring_up(kMac | kMrg);
    expect_broken(receive_into(kBuffers, 4), "no room for the 12-byte header");
    expect_recovers();
}

TEST_P(Hostile, AvailableIndexRunningAhead) {
    start_param();
    bring_up(kMac);
    StderrCapture capture;
    poke(tx.avail + 2, 1000, 2);
    notify(tx);
    expect_broken(capture.take(), "ahead of the device");
    expect_recovers();
}

TEST_P(Hostile, DescriptorIndexOutsideTheTable) {
    start_param();
    bring_up(kMac);
    StderrCapture capture;
    poke(tx.avail + 4, 0xfff0, 2);
    poke(tx.avail + 2, 1, 2);
    notify(tx);
    expect_broken(capture.take(), "names descriptor");
    expect_recovers();
}

TEST_P(Hostile, NotificationsForQueuesThatDoNotExist) {
    start_param();
    bring_up(kMac);
    for (unsigned q : {3u, 17u, 1023u}) notify(DriverQueue{0, q, 16, 0, 0, 0, 0});
    EXPECT_FALSE(nic->broken());
    expect_recovers();
}

TEST_P(Hostile, ControlCommandWithoutAckByte) {
    start_param();
    bring_up(kMac | kCtrl);
    StderrCapture capture;
    put(kBuffers, Frame{0, 0, 1});
    desc(ctrl, 0, kBuffers, 3);
    publish(ctrl, 0);
    notify(ctrl);
    expect_broken(capture.take(), "ack byte");
    expect_recovers();
}

TEST_P(Hostile, MalformedControlCommandsAreRefused) {
    start_param();
    bring_up(kMac | kCtrl);
    EXPECT_EQ(command(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {}), vn::kAckErr);          // no data
    EXPECT_EQ(command(vn::ctrl::kClassRx, vn::ctrl::kRxPromisc, {1, 1}, 2), vn::kAckErr);  // too much
    EXPECT_EQ(command(vn::ctrl::kClassRx, 99, {1}, 4), vn::kAckErr);
    EXPECT_EQ(command(200, 0, {1}, 6), vn::kAckErr);
    // A MAC table claiming 2^32 - 1 entries.
    EXPECT_EQ(command(vn::ctrl::kClassMac, vn::ctrl::kMacTableSet, {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, 8), vn::kAckErr);
    EXPECT_TRUE(nic->driver_ok());
    EXPECT_FALSE(nic->broken());
}

TEST_P(Hostile, ResetWhileTheBackEndHoldsFrames) {
    start_param();
    bring_up(kMac);
    backend->busy = true;
    Frame packet(header_size(kMac), 0);
    const Frame frame = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(64));
    packet.insert(packet.end(), frame.begin(), frame.end());
    put(kBuffers, packet);
    desc(tx, 0, kBuffers, static_cast<std::uint32_t>(packet.size()));
    desc(tx, 1, kBuffers, static_cast<std::uint32_t>(packet.size()));
    publish(tx, 0);
    publish(tx, 1);
    notify(tx);
    EXPECT_EQ(used_idx(tx), 1u);
    set_status(0);     // reset while transmission is stopped
    backend->drain();  // send_ready() reaches a device with no queues
    EXPECT_EQ(backend->frames.size(), 1u);
    EXPECT_EQ(machine->trap_accesses, 0);
    expect_recovers();
}

TEST_P(Hostile, ResetWithFramesWaitingToBeReceived) {
    start_param();
    bring_up(kMac | kMrg);
    for (int i = 0; i < 5; ++i) backend->inject(ethernet(kGuestMac, kPeerMac, 0x0800, pattern(100, static_cast<std::uint8_t>(i))));
    set_status(0);
    // The rings are gone: the waiting frames go nowhere until a driver is back.
    bring_up(kMac);
    for (unsigned i = 0; i < 5; ++i) post_rx(i, kBuffers + 0x1000 * i, 2048);
    notify(rx);
    EXPECT_EQ(used_idx(rx), 5u);
    EXPECT_EQ(bytes(kBuffers + 0x4000 + header_size(kMac), 114), ethernet(kGuestMac, kPeerMac, 0x0800, pattern(100, 4)));
}

TEST_P(Hostile, RandomRings) {
    start_param();
    std::mt19937 random(GetParam() == Interface::PciModern ? 7 : 11);
    for (int round = 0; round < 60; ++round) {
        StderrCapture capture;
        bring_up(kMac | kMrg | kCtrl | virtio::bit(virtio::kFIndirectDesc));
        // Random descriptor tables and indices on every queue, with addresses around RAM, the
        // trap page and nowhere.
        const Addr bases[] = {kRamBase, kTrapBase, kRomBase, kNowhere, kRamBase + kRamSize - 64};
        for (const DriverQueue* q : {&rx, &tx, &ctrl}) {
            for (unsigned i = 0; i < q->n; ++i)
                desc(*q, i, bases[random() % 5] + random() % 0x2000, static_cast<std::uint32_t>(random() % 0x3000),
                     static_cast<std::uint16_t>(random() % 8), static_cast<std::uint16_t>(random() % 20));
            for (unsigned i = 0; i < 4; ++i) poke(q->avail + 4 + 2 * i, random() % 20, 2);
            poke(q->avail + 2, random() % 6, 2);
        }
        notify(tx);
        notify(ctrl);
        notify(rx);
        backend->inject(ethernet(kGuestMac, kPeerMac, 0x0800, pattern(random() % 1500)));
        EXPECT_EQ(machine->trap_accesses, 0) << "round " << round;
        set_status(0);
    }
    expect_recovers();
}

VIRTIO_NET_ALL_INTERFACES(Hostile);

}  // namespace
