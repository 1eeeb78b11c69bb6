// MSI-X vectors through MSI irqfds (emu/ioevent.h add_msi_irqfd), with a fake accelerator that
// records the routes instead of /dev/kvm: a vector has an irqfd for its table entry's message
// exactly while it could fire (MSI-X on, vector and function unmasked, bus mastering), retargeted
// when the guest rewrites the entry; raising it is a write to that eventfd and no DMA write; a
// masked vector sets its pending bit and is sent through the irqfd when unmasked. Declined: the
// DMA write as before. (tests/pc-baremetal/msix_irqfd runs the real KVM routes.)
#include <unistd.h>

#include <algorithm>
#include <map>

#include "emu/cpu.h"
#include "emu/ioevent.h"
#include "virtio_net_bench.h"

namespace {

using namespace virtio_net_test;

class FakeMsiAccel final : public emu::Accelerator, public emu::IoEventAccelerator {
public:
    struct Route {
        Addr address;
        std::uint32_t data;
        bool operator==(const Route&) const = default;
    };
    std::map<int, Route> routes;  // by eventfd
    bool refuse = false;
    unsigned updates = 0;

    void init(emu::Machine&) override {}
    void add_cpu(emu::Cpu&) override {}
    void start() override {}
    void pause() override {}
    void shutdown() override {}
    bool add_ioeventfd(int, const emu::IoEventMatch&) override { return false; }
    void remove_ioeventfd(int, const emu::IoEventMatch&) override {}
    bool add_irqfd(int, unsigned) override { return false; }
    void remove_irqfd(int, unsigned) override {}

    bool add_msi_irqfd(int fd, std::uint64_t address, std::uint32_t data) override {
        if (refuse) return false;
        EXPECT_FALSE(routes.count(fd)) << "fd registered twice";
        routes[fd] = {address, data};
        return true;
    }
    bool update_msi_irqfd(int fd, std::uint64_t address, std::uint32_t data) override {
        EXPECT_TRUE(routes.count(fd)) << "updating what was not registered";
        routes[fd] = {address, data};
        ++updates;
        return true;
    }
    void remove_msi_irqfd(int fd) override {
        EXPECT_EQ(routes.erase(fd), 1u) << "removing what was not registered";
    }

    int fd_for(Addr address) const {
        for (const auto& [fd, route] : routes)
            if (route.address == address) return fd;
        return -1;
    }
    // What the kernel would take from the eventfd: the writes since the last look.
    static std::uint64_t take(int fd) {
        std::uint64_t count = 0;
        return ::read(fd, &count, sizeof count) == static_cast<ssize_t>(sizeof count) ? count : 0;
    }
};

class MsixIrqfdTest : public NetBench {
protected:
    MsixIrqfdTest() { machine->set_accelerator(&accel); }
    ~MsixIrqfdTest() override { emu::unrealize_tree(*root); }

    static Frame header() { return Frame(vn::kHdrSize, 0); }
    static Addr entry(unsigned vector) { return kMsixBar + Addr{vector} * pci::kMsixEntrySize; }
    unsigned msix_cap() { return proxy_->find_capability(pci::kCapMsix); }

    // Modern interface, MSI-X on with 4 vectors, the transmit queue on vector 2.
    void bring_up_msix() {
        start(Interface::PciModern);
        namespace c = vp::common;
        ASSERT_TRUE(negotiate_features(virtio::bit(vn::kFMac)) & virtio::kStatusFeaturesOk);
        enable_msix(4);
        rx = queue(0, 16, kRxRing);
        common_write(c::kQueueMsixVector, 1, 2);
        tx = queue(1, 16, kTxRing);
        common_write(c::kQueueMsixVector, 2, 2);
        go();
    }
    void transmit(unsigned slot) {
        send_packet(slot, kBuffers, header(), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(50)));
    }

    FakeMsiAccel accel;
};

TEST_F(MsixIrqfdTest, OneRoutePerUnmaskedVector) {
    start(Interface::PciModern);
    EXPECT_TRUE(accel.routes.empty());  // MSI-X off
    enable_msix(4);
    ASSERT_EQ(accel.routes.size(), 4u);
    for (unsigned v = 0; v < 4; ++v) {
        const int fd = accel.fd_for(kMsiTargets + 4 * v);
        ASSERT_GE(fd, 0);
        EXPECT_EQ(accel.routes[fd], (FakeMsiAccel::Route{kMsiTargets + 4 * v, 0x100 + v}));
    }
}

TEST_F(MsixIrqfdTest, RoutesFollowTheTableAndTheMasks) {
    start(Interface::PciModern);
    enable_msix(4);
    const int fd0 = accel.fd_for(kMsiTargets);
    poke(entry(0) + pci::kMsixEntryData, 0x155, 4);  // the guest retargets vector 0
    EXPECT_EQ(accel.routes[fd0], (FakeMsiAccel::Route{kMsiTargets, 0x155}));
    EXPECT_EQ(accel.updates, 1u);
    poke(entry(1) + pci::kMsixEntryVectorControl, pci::kMsixEntryMasked, 4);
    EXPECT_EQ(accel.routes.size(), 3u);
    EXPECT_LT(accel.fd_for(kMsiTargets + 4), 0);
    poke(entry(1) + pci::kMsixEntryVectorControl, 0, 4);
    EXPECT_EQ(accel.routes.size(), 4u);
    cfg_write(msix_cap() + pci::kMsixFlags, pci::kMsixFlagsEnable | pci::kMsixFlagsMaskAll, 2);
    EXPECT_TRUE(accel.routes.empty());  // function mask
    cfg_write(msix_cap() + pci::kMsixFlags, pci::kMsixFlagsEnable, 2);
    EXPECT_EQ(accel.routes.size(), 4u);
    cfg_write(pci::kCommand, pci::kCommandIo | pci::kCommandMemory, 2);  // bus master off
    EXPECT_TRUE(accel.routes.empty());
    cfg_write(pci::kCommand, pci::kCommandIo | pci::kCommandMemory | pci::kCommandMaster, 2);
    EXPECT_EQ(accel.routes.size(), 4u);
    cfg_write(msix_cap() + pci::kMsixFlags, 0, 2);  // MSI-X off
    EXPECT_TRUE(accel.routes.empty());
    cfg_write(msix_cap() + pci::kMsixFlags, pci::kMsixFlagsEnable, 2);
    EXPECT_EQ(accel.routes.size(), 4u);
    proxy_->reset();  // the table is masked again
    EXPECT_TRUE(accel.routes.empty());
    program_bars();
    enable_msix(4);
    EXPECT_EQ(accel.routes.size(), 4u);
    proxy_->unrealize();
    EXPECT_TRUE(accel.routes.empty());
}

TEST_F(MsixIrqfdTest, AVectorIsAnEventfdWriteNotADmaWrite) {
    bring_up_msix();
    const int fd = accel.fd_for(kMsiTargets + 4 * 2);
    ASSERT_GE(fd, 0);
    transmit(0);
    EXPECT_EQ(FakeMsiAccel::take(fd), 1u);
    EXPECT_EQ(msi_count(2), 0u);  // the message itself is the kernel's job now
    transmit(1);
    EXPECT_EQ(FakeMsiAccel::take(fd), 1u);
}

TEST_F(MsixIrqfdTest, MaskedVectorIsPendingAndUnmaskingSendsIt) {
    bring_up_msix();
    const int fd = accel.fd_for(kMsiTargets + 4 * 2);
    ASSERT_GE(fd, 0);
    poke(entry(2) + pci::kMsixEntryVectorControl, pci::kMsixEntryMasked, 4);
    transmit(0);
    EXPECT_TRUE(proxy_->msix_pending(2));
    EXPECT_EQ(FakeMsiAccel::take(fd), 0u);
    EXPECT_EQ(msi_count(2), 0u);
    EXPECT_EQ(peek(kMsixBar + 4 * pci::kMsixEntrySize, 4) >> 2 & 1, 1u);  // PBA bit 2
    poke(entry(2) + pci::kMsixEntryVectorControl, 0, 4);
    EXPECT_FALSE(proxy_->msix_pending(2));
    const int again = accel.fd_for(kMsiTargets + 4 * 2);
    ASSERT_GE(again, 0);
    EXPECT_EQ(FakeMsiAccel::take(again), 1u);  // through the irqfd registered on unmasking
    EXPECT_EQ(msi_count(2), 0u);
}

TEST_F(MsixIrqfdTest, FunctionMaskHoldsItToo) {
    bring_up_msix();
    const unsigned cap = msix_cap();
    cfg_write(cap + pci::kMsixFlags, pci::kMsixFlagsEnable | pci::kMsixFlagsMaskAll, 2);
    transmit(0);
    EXPECT_TRUE(proxy_->msix_pending(2));
    cfg_write(cap + pci::kMsixFlags, pci::kMsixFlagsEnable, 2);
    EXPECT_FALSE(proxy_->msix_pending(2));
    EXPECT_EQ(FakeMsiAccel::take(accel.fd_for(kMsiTargets + 4 * 2)), 1u);
}

TEST_F(MsixIrqfdTest, DeclinedMeansTheDmaWriteAsBefore) {
    accel.refuse = true;
    bring_up_msix();
    EXPECT_TRUE(accel.routes.empty());
    transmit(0);
    EXPECT_EQ(msi_count(2), 0x102u);
}

}  // namespace
