// The virtio-pci transport's doorbell ioeventfds (emu/ioevent.h), with a fake accelerator that
// records registrations instead of /dev/kvm: one per queue at the notify address while BAR4 is
// decoded, following the BAR when it moves, gone when decoding is off, after a reset and at
// unrealize; a signalled eventfd kicks the queue as the MMIO write would. Without the
// capability nothing is registered. (tests/kvm runs the real KVM_IOEVENTFD.)
#include <unistd.h>

#include <algorithm>

#include "emu/cpu.h"
#include "emu/ioevent.h"
#include "virtio_net_bench.h"

namespace {

using namespace virtio_net_test;

class FakeIoEventAccel final : public emu::Accelerator, public emu::IoEventAccelerator {
public:
    struct Registration {
        int fd;
        emu::IoEventMatch match;
    };
    std::vector<Registration> active;
    bool refuse = false;

    void init(emu::Machine&) override {}
    void add_cpu(emu::Cpu&) override {}
    void start() override {}
    void pause() override {}
    void shutdown() override {}

    bool add_ioeventfd(int fd, const emu::IoEventMatch& match) override {
        if (refuse) return false;
        active.push_back({fd, match});
        return true;
    }
    void remove_ioeventfd(int fd, const emu::IoEventMatch& match) override {
        auto it = std::find_if(active.begin(), active.end(),
                               [&](const Registration& r) { return r.fd == fd && r.match == match; });
        ASSERT_NE(it, active.end()) << "removing what was not registered";
        active.erase(it);
    }
    bool add_irqfd(int, unsigned) override { return false; }
    void remove_irqfd(int, unsigned) override {}

    std::vector<Addr> addresses() const {
        std::vector<Addr> out;
        for (const auto& r : active) out.push_back(r.match.address);
        std::sort(out.begin(), out.end());
        return out;
    }
    int fd_at(Addr address) const {
        for (const auto& r : active)
            if (r.match.address == address) return r.fd;
        return -1;
    }
};

class IoEventFdTest : public NetBench {
protected:
    IoEventFdTest() { machine->set_accelerator(&accel); }
    // The tree goes before the accelerator it unregisters from.
    ~IoEventFdTest() override { emu::unrealize_tree(*root); }

    static Frame header() { return Frame(vn::kHdrSize, 0); }  // modern: the 12-byte header
    std::vector<Addr> doorbells(Addr bar) const {
        std::vector<Addr> out;
        for (unsigned q = 0; q < nic->queue_count(); ++q) out.push_back(bar + vp::kNotifyOffset + vp::kNotifyMultiplier * q);
        return out;
    }
    void ring(Addr address) {
        const int fd = accel.fd_at(address);
        ASSERT_GE(fd, 0) << "no ioeventfd at " << address;
        const std::uint64_t one = 1;
        ASSERT_EQ(::write(fd, &one, sizeof one), 8);
        while (loop.iterate(false)) {
        }
    }

    FakeIoEventAccel accel;
};

TEST_F(IoEventFdTest, OnePerQueueAtTheNotifyAddress) {
    start(Interface::PciModern);
    ASSERT_GE(nic->queue_count(), 2u);
    EXPECT_EQ(accel.addresses(), doorbells(kModernBar));
    for (const auto& r : accel.active) {
        EXPECT_EQ(r.match.space, emu::IoEventSpace::Memory);
        EXPECT_EQ(r.match.size, 2u);
        EXPECT_FALSE(r.match.data);  // the written value is not looked at
    }
}

TEST_F(IoEventFdTest, SignalledEventfdKicksTheQueue) {
    start(Interface::PciModern);
    bring_up(0);
    const Frame frame = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(60));
    Frame packet = header();
    packet.insert(packet.end(), frame.begin(), frame.end());
    put(kBuffers, packet);
    desc(tx, 0, kBuffers, static_cast<std::uint32_t>(packet.size()));
    publish(tx, 0);
    EXPECT_TRUE(backend->frames.empty());  // published, not yet notified
    ring(kModernBar + vp::kNotifyOffset + vp::kNotifyMultiplier * tx.index);
    ASSERT_EQ(backend->frames.size(), 1u);
    EXPECT_EQ(backend->frames[0], frame);
}

TEST_F(IoEventFdTest, FollowTheBarAndItsDecoding) {
    start(Interface::PciModern);
    constexpr Addr kMoved = kModernBar + 0x100000;
    cfg_write(pci::bar_offset(4), static_cast<std::uint32_t>(kMoved));
    EXPECT_EQ(accel.addresses(), doorbells(kMoved));
    cfg_write(pci::kCommand, pci::kCommandIo | pci::kCommandMaster, 2);  // memory decoding off
    EXPECT_TRUE(accel.active.empty());
    cfg_write(pci::kCommand, pci::kCommandIo | pci::kCommandMemory | pci::kCommandMaster, 2);
    EXPECT_EQ(accel.addresses(), doorbells(kMoved));
    proxy_->reset();  // BARs unmapped
    EXPECT_TRUE(accel.active.empty());
    program_bars();
    EXPECT_EQ(accel.addresses(), doorbells(kModernBar));
    proxy_->unrealize();
    EXPECT_TRUE(accel.active.empty());
}

TEST_F(IoEventFdTest, DoorbellPendingAtRemovalStillKicks) {
    start(Interface::PciModern);
    bring_up(0);
    const Frame frame = ethernet(kPeerMac, kGuestMac, 0x0800, pattern(60));
    Frame packet = header();
    packet.insert(packet.end(), frame.begin(), frame.end());
    put(kBuffers, packet);
    desc(tx, 0, kBuffers, static_cast<std::uint32_t>(packet.size()));
    publish(tx, 0);
    const int fd = accel.fd_at(kModernBar + vp::kNotifyOffset + vp::kNotifyMultiplier * tx.index);
    ASSERT_GE(fd, 0);
    const std::uint64_t one = 1;
    ASSERT_EQ(::write(fd, &one, sizeof one), 8);
    // The BAR moves before the loop saw the signal: the write still counts.
    cfg_write(pci::bar_offset(4), static_cast<std::uint32_t>(kModernBar + 0x100000));
    EXPECT_EQ(backend->frames.size(), 1u);
}

TEST_F(IoEventFdTest, DeclinedMeansTheMmioPathAsBefore) {
    accel.refuse = true;
    start(Interface::PciModern);
    EXPECT_TRUE(accel.active.empty());
    bring_up(0);
    send_packet(0, kBuffers, header(), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(60)));
    EXPECT_EQ(backend->frames.size(), 1u);
}

}  // namespace
