// virtio-net-pci as a PCI function (the SDK's virtio-pci transport): IDs of the transitional and
// modern-only device, BARs, the vendor capabilities and the PCI configuration access
// capability, MSI-X vectors on both interfaces, INTx and the ISR, bus mastering, and the
// proxy's properties forwarded to its virtio-net-device.
#include "virtio_net_bench.h"

namespace {

using namespace virtio_net_test;

constexpr std::uint64_t kMac = virtio::bit(vn::kFMac);

class PciTest : public NetBench {
protected:
    std::vector<std::pair<unsigned, unsigned>> capabilities() {  // (offset, id), in list order
        std::vector<std::pair<unsigned, unsigned>> caps;
        unsigned at = cfg_read(pci::kCapabilityList, 1);
        while (at && caps.size() < 48) {
            caps.emplace_back(at, cfg_read(at, 1));
            at = cfg_read(at + 1, 1);
        }
        return caps;
    }
    // The vendor capability of this cfg_type, or 0.
    unsigned virtio_cap(std::uint8_t type) {
        for (auto [at, id] : capabilities())
            if (id == pci::kCapVendor && cfg_read(at + vp::kCapCfgType, 1) == type) return at;
        return 0;
    }
    Frame header() { return Frame(vn::kHdrSize, 0); }
};

TEST_F(PciTest, TransitionalIds) {
    start(Interface::PciLegacy);
    EXPECT_EQ(cfg_read(pci::kVendorId, 2), 0x1af4u);
    EXPECT_EQ(cfg_read(pci::kDeviceId, 2), 0x1000u);
    EXPECT_EQ(cfg_read(pci::kRevisionId, 1), 0u);
    EXPECT_EQ(cfg_read(pci::kClassDevice, 2), 0x0200u);
    EXPECT_EQ(cfg_read(pci::kSubsystemVendorId, 2), 0x1af4u);
    EXPECT_EQ(cfg_read(pci::kSubsystemId, 2), virtio::kIdNet);
    EXPECT_EQ(cfg_read(pci::kInterruptPin, 1), 1u);
    EXPECT_TRUE(proxy_->legacy_enabled());
    EXPECT_TRUE(proxy_->modern_enabled());
}

TEST_F(PciTest, ModernOnlyIds) {
    start(Interface::PciModern);
    EXPECT_EQ(cfg_read(pci::kDeviceId, 2), 0x1041u);
    EXPECT_EQ(cfg_read(pci::kRevisionId, 1), 1u);
    EXPECT_EQ(cfg_read(pci::kSubsystemId, 2), 0x1100u);
    EXPECT_FALSE(proxy_->legacy_enabled());
    EXPECT_EQ(proxy_->bar_size(0), 0u);  // no legacy I/O BAR
}

TEST_F(PciTest, Bars) {
    start(Interface::PciLegacy);
    cfg_write(pci::kCommand, 0, 2);
    for (unsigned bar : {0u, 1u, 4u, 5u}) cfg_write(pci::bar_offset(bar), 0xffffffffu);
    EXPECT_EQ(cfg_read(pci::bar_offset(0)), 0xffffffe1u);  // 32 bytes of I/O, as QEMU's
    EXPECT_EQ(cfg_read(pci::bar_offset(1)), 0xfffff000u);  // 4 KiB, 32-bit memory (MSI-X)
    EXPECT_EQ(cfg_read(pci::bar_offset(4)), 0xffffc00cu);  // 16 KiB, 64-bit prefetchable
    EXPECT_EQ(cfg_read(pci::bar_offset(5)), 0xffffffffu);
    EXPECT_EQ(cfg_read(pci::bar_offset(2)), 0u);
}

TEST_F(PciTest, VendorCapabilities) {
    start(Interface::PciLegacy);
    const auto caps = capabilities();
    ASSERT_EQ(caps.size(), 6u);
    EXPECT_EQ(caps[0].second, pci::kCapMsix);
    struct Expected {
        std::uint8_t type;
        unsigned size;
        Addr offset;
    };
    for (Expected e : {Expected{vp::kCapCommonCfg, 16, vp::kCommonOffset}, Expected{vp::kCapIsrCfg, 16, vp::kIsrOffset},
                       Expected{vp::kCapDeviceCfg, 16, vp::kDeviceOffset},
                       Expected{vp::kCapNotifyCfg, 20, vp::kNotifyOffset}}) {
        const unsigned at = virtio_cap(e.type);
        ASSERT_NE(at, 0u) << unsigned{e.type};
        EXPECT_EQ(cfg_read(at + 2, 1), e.size);
        EXPECT_EQ(cfg_read(at + vp::kCapBar, 1), vp::kModernBar);
        EXPECT_EQ(cfg_read(at + vp::kCapOffset), e.offset);
        EXPECT_EQ(cfg_read(at + vp::kCapLength), vp::kRegionSize);
    }
    EXPECT_EQ(cfg_read(virtio_cap(vp::kCapNotifyCfg) + vp::kNotifyCapMultiplier), vp::kNotifyMultiplier);
    EXPECT_NE(virtio_cap(vp::kCapPciCfg), 0u);
    EXPECT_EQ(virtio_cap(vp::kCapCommonCfg), 0x40u);  // QEMU's layout
}

TEST_F(PciTest, DisableModern) {
    start(Interface::PciLegacy, {{"disable-modern", "on"}});
    for (auto [at, id] : capabilities()) EXPECT_NE(id, pci::kCapVendor) << at;
    EXPECT_EQ(proxy_->bar_size(4), 0u);
    EXPECT_FALSE(offered() >> virtio::kFVersion1 & 1);
    EXPECT_TRUE(nic->legacy_transport());
}

TEST_F(PciTest, NoInterfaceLeftIsAnError) {
    add_host();
    add_netdev();
    auto& proxy = create<emu::Device>("virtio-net-pci", "net0",
                                      {{"disable-legacy", "on"}, {"disable-modern", "on"}, {"netdev", "n0"}});
    EXPECT_EQ(realize_error(proxy), "disable-legacy and disable-modern leave the device no interface");
    // The back end is still free for another NIC.
    auto& again = create<emu::Device>("virtio-net-pci", "net1", {{"netdev", "n0"}});
    EXPECT_EQ(realize_error(again), "(no error)");
}

TEST_F(PciTest, NoPciBusIsAnError) {
    add_netdev();
    auto& proxy = create<emu::Device>("virtio-net-pci", "net0", {{"netdev", "n0"}});
    EXPECT_EQ(realize_error(proxy), "this machine has no PCI bus");
}

TEST_F(PciTest, PropertiesReachTheVirtioDevice) {
    start(Interface::PciModern, {{"mac", "52:54:00:01:02:03"}, {"mrg_rxbuf", "off"}});
    EXPECT_EQ(proxy_->get_property("mac"), "52:54:00:01:02:03");
    EXPECT_EQ(nic->get_property("mac"), "52:54:00:01:02:03");
    EXPECT_EQ(proxy_->get_property("netdev"), "n0");
    EXPECT_EQ(config(vn::kConfigMac + 5, 1), 0x03u);
    EXPECT_FALSE(offered() & virtio::bit(vn::kFMrgRxbuf));
    EXPECT_EQ(nic->parent(), proxy_);
    EXPECT_EQ(nic->id(), "virtio-backend");
    try {
        proxy_->set_property("queues", "0");
        ADD_FAILURE() << "queues=0 accepted";
    } catch (const emu::Error& e) {
        EXPECT_NE(std::string(e.what()).find("virtio-net-pci 'net0': property 'queues'"), std::string::npos) << e.what();
    }
}

TEST_F(PciTest, DefaultMacIsChosenAtRealize) {
    add_host();
    add_netdev();
    auto& proxy = add<emu::Device>("virtio-net-pci", "net0", {{"netdev", "n0"}});
    const std::string mac = proxy.get_property("mac");
    EXPECT_EQ(mac.rfind("52:54:00:12:34:", 0), 0u) << mac;
}

TEST_F(PciTest, ModernCommonConfiguration) {
    start(Interface::PciModern);
    namespace c = vp::common;
    EXPECT_EQ(common_read(c::kNumQueues, 2), 3u);
    common_write(c::kQueueSelect, 2, 2);
    EXPECT_EQ(common_read(c::kQueueSize, 2), vn::kCtrlQueueSize);
    EXPECT_EQ(common_read(c::kQueueNotifyOff, 2), 2u);
    EXPECT_EQ(common_read(c::kQueueMsixVector, 2), vp::kNoVector);
    common_write(c::kQueueSelect, 7, 2);
    EXPECT_EQ(common_read(c::kQueueSize, 2), 0u);  // no such queue
    // Features refused: FEATURES_OK does not stick.
    set_status(0);
    set_status(virtio::kStatusAcknowledge | virtio::kStatusDriver);
    common_write(c::kDriverFeatureSelect, 0, 4);
    common_write(c::kDriverFeature, virtio::bit(vn::kFGuestTso4), 4);
    set_status(virtio::kStatusAcknowledge | virtio::kStatusDriver | virtio::kStatusFeaturesOk);
    EXPECT_FALSE(status() & virtio::kStatusFeaturesOk);
    // 64-bit ring addresses read back; an 8-byte access works too.
    ASSERT_TRUE(negotiate_features(kMac) & virtio::kStatusFeaturesOk);
    common_write(c::kQueueSelect, 0, 2);
    poke(kModernBar + c::kQueueDesc, 0x0000000140002000ull, 8);
    EXPECT_EQ(common_read(c::kQueueDesc, 4), 0x40002000u);
    EXPECT_EQ(common_read(c::kQueueDesc + 4, 4), 1u);
    EXPECT_EQ(nic->queue(0).desc_addr(), 0x140002000ull);
    EXPECT_EQ(common_read(c::kConfigGeneration, 1), nic->config_generation() & 0xff);
}

TEST_F(PciTest, IntxFollowsTheIsr) {
    start(Interface::PciModern);
    bring_up(kMac);
    send_packet(0, kBuffers, header(), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(50)));
    EXPECT_TRUE(irq());
    EXPECT_TRUE(cfg_read(pci::kStatus, 2) & pci::kStatusInterrupt);
    // INTX_DISABLE masks the pin, not the request.
    cfg_write(pci::kCommand, pci::kCommandMemory | pci::kCommandMaster | pci::kCommandIntxDisable, 2);
    EXPECT_FALSE(irq());
    cfg_write(pci::kCommand, pci::kCommandMemory | pci::kCommandMaster, 2);
    EXPECT_TRUE(irq());
    EXPECT_EQ(take_isr(), virtio::kIsrQueue);  // read-to-clear
    EXPECT_FALSE(irq());
    EXPECT_EQ(take_isr(), 0u);
}

TEST_F(PciTest, MsixVectorsOnTheModernInterface) {
    start(Interface::PciModern);
    namespace c = vp::common;
    EXPECT_EQ(proxy_->vectors(), 4u);  // three queues and the configuration
    ASSERT_TRUE(negotiate_features(kMac | virtio::bit(vn::kFStatus)) & virtio::kStatusFeaturesOk);
    enable_msix(4);
    common_write(c::kConfigMsixVector, 0, 2);
    EXPECT_EQ(common_read(c::kConfigMsixVector, 2), 0u);
    rx = queue(0, 16, kRxRing);
    common_write(c::kQueueMsixVector, 1, 2);
    tx = queue(1, 16, kTxRing);
    common_write(c::kQueueMsixVector, 2, 2);
    EXPECT_EQ(common_read(c::kQueueMsixVector, 2), 2u);
    common_write(c::kQueueSelect, 2, 2);
    common_write(c::kQueueMsixVector, 9, 2);  // beyond the table: refused
    EXPECT_EQ(common_read(c::kQueueMsixVector, 2), vp::kNoVector);
    go();

    send_packet(0, kBuffers, header(), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(50)));
    EXPECT_EQ(msi_count(2), 0x102u);  // the transmit queue's vector
    EXPECT_EQ(msi_count(1), 0u);
    EXPECT_FALSE(irq());  // no INTx with MSI-X on
    post_rx(0, kBuffers + 0x1000, 2048);
    notify(rx);
    backend->inject(ethernet(kGuestMac, kPeerMac, 0x0800, pattern(40)));
    EXPECT_EQ(msi_count(1), 0x101u);
    backend->set_link_up(false);
    EXPECT_EQ(msi_count(0), 0x100u);  // configuration change
    // Switching MSI-X off brings back INTx for the pending ISR bits.
    cfg_write(proxy_->find_capability(pci::kCapMsix) + pci::kMsixFlags, 0, 2);
    EXPECT_TRUE(irq());
}

TEST_F(PciTest, MsixOnTheLegacyInterface) {
    start(Interface::PciLegacy);
    ASSERT_TRUE(negotiate_features(kMac));
    enable_msix(4);
    // With MSI-X on, the vectors sit at 0x14/0x16 and the config space moves to 0x18.
    io_write(vp::legacy::kConfigVector, 0, 2);
    EXPECT_EQ(io_read(vp::legacy::kConfigVector, 2), 0u);
    EXPECT_EQ(io_read(vp::legacy::kConfigMsix + vn::kConfigMac, 1), kGuestMac[0]);
    io_write(vp::legacy::kQueueSel, 1, 2);
    io_write(vp::legacy::kQueueVector, 3, 2);
    EXPECT_EQ(io_read(vp::legacy::kQueueVector, 2), 3u);
    io_write(vp::legacy::kQueueVector, 4, 2);
    EXPECT_EQ(io_read(vp::legacy::kQueueVector, 2), vp::kNoVector);
    io_write(vp::legacy::kQueueVector, 3, 2);
    rx = queue(0, 0, kRxRing);
    tx = queue(1, 0, kTxRing);
    go();
    send_packet(0, kBuffers, Frame(vn::kHdrSizeLegacy, 0), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(50)));
    EXPECT_EQ(backend->frames.size(), 1u);
    EXPECT_EQ(msi_count(3), 0x103u);
    // A reset forgets the vectors.
    set_status(0);
    EXPECT_EQ(io_read(vp::legacy::kConfigVector, 2), vp::kNoVector);
}

TEST_F(PciTest, NoMsixWithZeroVectors) {
    start(Interface::PciLegacy, {{"vectors", "0"}});
    EXPECT_EQ(proxy_->find_capability(pci::kCapMsix), 0u);
    EXPECT_EQ(proxy_->vectors(), 0u);
    EXPECT_EQ(proxy_->get_property("vectors"), "0");
    bring_up(kMac);
    send_packet(0, kBuffers, Frame(vn::kHdrSizeLegacy, 0), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(50)));
    EXPECT_TRUE(irq());
}

TEST_F(PciTest, ConfigurationAccessCapability) {
    start(Interface::PciModern);
    const unsigned cap = virtio_cap(vp::kCapPciCfg);
    ASSERT_NE(cap, 0u);
    // Read num_queues (2 bytes at common + 0x12) through config space.
    cfg_write(cap + vp::kCapBar, vp::kModernBar, 1);
    cfg_write(cap + vp::kCapOffset, vp::kCommonOffset + vp::common::kNumQueues);
    cfg_write(cap + vp::kCapLength, 2);
    EXPECT_EQ(cfg_read(cap + vp::kPciCfgCapData, 2), 3u);
    // Write device_status = ACKNOWLEDGE through it.
    cfg_write(cap + vp::kCapOffset, vp::kCommonOffset + vp::common::kDeviceStatus);
    cfg_write(cap + vp::kCapLength, 1);
    cfg_write(cap + vp::kPciCfgCapData, virtio::kStatusAcknowledge, 1);
    EXPECT_EQ(nic->status(), virtio::kStatusAcknowledge);
    // Another BAR, a bad length or an offset past the BAR: nothing happens.
    cfg_write(cap + vp::kCapLength, 3);
    cfg_write(cap + vp::kPciCfgCapData, 0, 1);
    cfg_write(cap + vp::kCapBar, 1, 1);
    cfg_write(cap + vp::kCapLength, 1);
    cfg_write(cap + vp::kPciCfgCapData, 0, 1);
    cfg_write(cap + vp::kCapBar, vp::kModernBar, 1);
    cfg_write(cap + vp::kCapOffset, 0xfffffffeu);
    cfg_write(cap + vp::kPciCfgCapData, 0, 1);
    EXPECT_EQ(nic->status(), virtio::kStatusAcknowledge);
}

TEST_F(PciTest, BusMastering) {
    start(Interface::PciModern);
    bring_up(kMac);
    cfg_write(pci::kCommand, pci::kCommandMemory, 2);  // bus master off
    EXPECT_FALSE(nic->driver_ok());
    put(kBuffers, header());
    desc(tx, 0, kBuffers, 80);
    publish(tx, 0);
    notify(tx);  // ignored: the function may not do DMA
    EXPECT_EQ(used_idx(tx), 0u);
    EXPECT_TRUE(backend->frames.empty());
}

TEST_F(PciTest, LegacyDriverOkTurnsBusMasteringOn) {
    start(Interface::PciLegacy);
    cfg_write(pci::kCommand, pci::kCommandIo | pci::kCommandMemory, 2);
    bring_up(kMac);
    EXPECT_TRUE(cfg_read(pci::kCommand, 2) & pci::kCommandMaster);
    send_packet(0, kBuffers, Frame(vn::kHdrSizeLegacy, 0), ethernet(kPeerMac, kGuestMac, 0x0800, pattern(50)));
    EXPECT_EQ(backend->frames.size(), 1u);
}

TEST_F(PciTest, BoardResetResetsTheDevice) {
    start(Interface::PciModern);
    bring_up(kMac);
    emu::reset_tree(*machine);
    EXPECT_EQ(nic->status(), 0u);
    EXPECT_EQ(cfg_read(pci::kCommand, 2), 0u);
    EXPECT_FALSE(nic->queue(0).ready());
}

}  // namespace
