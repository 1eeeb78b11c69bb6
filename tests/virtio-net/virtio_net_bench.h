// A bench for virtio-net on both transports, built on the virtio bench (tests/virtio): its test
// machine (1 MiB of RAM, a ROM, a trap page that counts any access) and its virtio-mmio
// register helpers, plus
//   - the virtio_net and gpex plugins, and the gpex host bridge mapped as on virt, so
//     virtio-net-pci can be driven through ECAM, its I/O BAR0 (legacy), BAR1 (MSI-X) and BAR4
//     (modern capabilities);
//   - "netdev-test", a back end that records what the NIC sends, injects frames, and can be
//     busy (back-pressure toward the NIC);
//   - a driver that speaks any of the four interfaces (virtio-mmio legacy/modern, virtio-pci
//     legacy/modern) with the same calls, so data-path tests run on all of them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "emu/net.h"
#include "emu/pci.h"
#include "emu/virtio_pci.h"
#include "virtio_bench.h"
#include "virtio_net_defs.h"

namespace virtio_net_test {

using namespace virtio_test;
namespace vn = virtio_net;
namespace vp = emu::virtio_pci;
namespace pci = emu::pci;

using Frame = std::vector<std::uint8_t>;

// The virt board's PCIe map (as tests/pci uses it).
constexpr Addr kEcamBase = 0x3f000000, kPcieMmioBase = 0x10000000, kPcieMmioSize = 0x2eff0000,
               kPioBase = 0x3eff0000;
// Where the driver puts the function's BARs.
constexpr Addr kIoBar = 0x1000, kMsixBar = 0x10000000, kModernBar = 0x10100000;
constexpr unsigned kSlot = 1;  // gpex's own function is 00.0

// Guest RAM layout: rings (16 KiB each), buffers, MSI message targets.
constexpr Addr kRxRing = kRamBase, kTxRing = kRamBase + 0x4000, kCtrlRing = kRamBase + 0x8000;
constexpr Addr kRing3 = kRamBase + 0xc000, kRing4 = kRamBase + 0x20000;
constexpr Addr kBuffers = kRamBase + 0x40000;
constexpr Addr kMsiTargets = kRamBase + 0xf0000;  // vector v writes 0x100 + v to +4 v

enum class Interface { MmioLegacy, MmioModern, PciLegacy, PciModern };

inline std::string interface_name(Interface i) {
    switch (i) {
    case Interface::MmioLegacy: return "MmioLegacy";
    case Interface::MmioModern: return "MmioModern";
    case Interface::PciLegacy: return "PciLegacy";
    case Interface::PciModern: return "PciModern";
    }
    return "?";
}

// A back end that records frames and can push back.
class TestNetdev final : public emu::NetBackend {
public:
    bool busy = false;               // can_receive() false: the NIC's frames wait (Queued)
    std::vector<Frame> frames;       // received from the NIC
    int connects = 0;

    bool can_receive() const override { return !busy; }
    bool receive(std::span<const std::uint8_t> frame) override {
        frames.emplace_back(frame.begin(), frame.end());
        return true;
    }
    // Not busy any more: take what waited (the NIC gets send_ready()).
    void drain() {
        busy = false;
        receive_ready();
    }
    // A frame from the "wire" to the NIC.
    emu::NetClient::SendStatus inject(const Frame& frame) { return send(std::span<const std::uint8_t>(frame)); }

protected:
    void on_connect() override { ++connects; }
};

// Ethernet frame: dst, src, ethertype, payload.
inline Frame ethernet(std::array<std::uint8_t, 6> dst, std::array<std::uint8_t, 6> src, std::uint16_t type,
                      const Frame& payload) {
    Frame f(14 + payload.size());
    for (std::size_t i = 0; i < 6; ++i) {
        f[i] = dst[i];
        f[6 + i] = src[i];
    }
    f[12] = static_cast<std::uint8_t>(type >> 8);
    f[13] = static_cast<std::uint8_t>(type);
    std::copy(payload.begin(), payload.end(), f.begin() + 14);
    return f;
}

inline Frame pattern(std::size_t n, std::uint8_t seed = 1) {
    Frame p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(seed + i * 7);
    return p;
}

constexpr std::array<std::uint8_t, 6> kGuestMac{0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
constexpr std::array<std::uint8_t, 6> kPeerMac{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
constexpr std::array<std::uint8_t, 6> kBroadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

class NetBench : public VirtioBench {
protected:
    NetBench() {
        emu::register_pci_types(registry);
        for (const char* plugin : {"virtio_net.so", "gpex.so"}) {
            const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / plugin);
            EXPECT_TRUE(record.loaded) << record.error;
        }
        registry.register_type({.name = "netdev-test",
                                .parent = "netdev",
                                .description = "test back end",
                                .factory = emu::factory_of<TestNetdev>()},
                               "virtio-net-tests");
    }

    ~NetBench() override {
        emu::unrealize_tree(*root);
        mmio_alias_.reset();  // the virtio bench then destroys the tree
    }

    TestNetdev& add_netdev(const std::string& id = "n0") {
        auto& n = root->container("netdev").add_child(id, as<TestNetdev>(registry.create("netdev-test")));
        n.realize();
        return n;
    }

    // ---- Building the NIC --------------------------------------------------------------------
    // The NIC with netdev=n0 (and props) on one interface, plus its back end. Not negotiated.
    emu::VirtioDevice& start(Interface interface, std::vector<std::pair<std::string, std::string>> props = {}) {
        interface_ = interface;
        backend = &add_netdev();
        props.emplace_back("netdev", "n0");
        if (!props_have(props, "mac")) props.emplace_back("mac", "52:54:00:aa:bb:cc");
        if (pci()) {
            add_host();
            if (interface == Interface::PciModern) props.emplace_back("disable-legacy", "on");
            auto& proxy = add<emu::Device>("virtio-net-pci", "net0", props);
            proxy_ = dynamic_cast<emu::VirtioPciProxy*>(&proxy);
            EXPECT_NE(proxy_, nullptr);
            program_bars();
            nic = &proxy_->virtio_device();
        } else {
            add_transports(1, interface == Interface::MmioLegacy);
            nic = &add<emu::VirtioDevice>("virtio-net-device", "net0", props);
        }
        return *nic;
    }

    static bool props_have(const std::vector<std::pair<std::string, std::string>>& props, const std::string& key) {
        for (const auto& [k, v] : props)
            if (k == key) return true;
        return false;
    }

    bool pci() const { return interface_ == Interface::PciLegacy || interface_ == Interface::PciModern; }
    bool legacy() const { return interface_ == Interface::MmioLegacy || interface_ == Interface::PciLegacy; }

    // The gpex host bridge, mapped as on virt.
    void add_host() {
        host_ = &machine->add_child("pcie", as<emu::Device>(registry.create("gpex-pcihost")));
        host_->realize();
        machine->system().add_subregion(kEcamBase, host_->mmio(0));
        mmio_alias_ = emu::MemoryRegion::alias("pcie-mmio", host_->mmio(1), kPcieMmioBase, kPcieMmioSize);
        machine->system().add_subregion(kPcieMmioBase, *mmio_alias_);
        machine->system().add_subregion(kPioBase, host_->mmio(2));
        for (unsigned i = 0; i < 4; ++i) host_->connect_gpio_out("", i, intx_[i].line());
    }

    // ---- PCI access ---------------------------------------------------------------------------
    static Addr ecam(unsigned slot, unsigned offset) { return kEcamBase + (Addr{slot} << 15 | offset); }
    std::uint32_t cfg_read(unsigned offset, unsigned size = 4, unsigned slot = kSlot) {
        return static_cast<std::uint32_t>(peek(ecam(slot, offset), size));
    }
    void cfg_write(unsigned offset, std::uint32_t value, unsigned size = 4, unsigned slot = kSlot) {
        poke(ecam(slot, offset), value, size);
    }
    void program_bars() {
        cfg_write(pci::bar_offset(0), static_cast<std::uint32_t>(kIoBar));
        cfg_write(pci::bar_offset(1), static_cast<std::uint32_t>(kMsixBar));
        cfg_write(pci::bar_offset(4), static_cast<std::uint32_t>(kModernBar));
        cfg_write(pci::bar_offset(5), 0);
        cfg_write(pci::kCommand, pci::kCommandIo | pci::kCommandMemory | pci::kCommandMaster, 2);
    }
    std::uint64_t io_read(Addr offset, unsigned size) { return peek(kPioBase + kIoBar + offset, size); }
    void io_write(Addr offset, std::uint64_t value, unsigned size) { poke(kPioBase + kIoBar + offset, value, size); }
    std::uint64_t common_read(Addr offset, unsigned size) { return peek(kModernBar + vp::kCommonOffset + offset, size); }
    void common_write(Addr offset, std::uint64_t value, unsigned size) {
        poke(kModernBar + vp::kCommonOffset + offset, value, size);
    }
    // MSI-X: enable, and point vector v at kMsiTargets + 4 v with data 0x100 + v.
    void enable_msix(unsigned vectors) {
        for (unsigned v = 0; v < vectors; ++v) {
            const Addr entry = kMsixBar + Addr{v} * pci::kMsixEntrySize;
            poke(entry + pci::kMsixEntryAddressLo, kMsiTargets + 4 * v, 4);
            poke(entry + pci::kMsixEntryAddressHi, 0, 4);
            poke(entry + pci::kMsixEntryData, 0x100 + v, 4);
            poke(entry + pci::kMsixEntryVectorControl, 0, 4);
        }
        const unsigned cap = proxy_->find_capability(pci::kCapMsix);
        cfg_write(cap + pci::kMsixFlags, pci::kMsixFlagsEnable, 2);
    }
    std::uint32_t msi_count(unsigned vector) { return static_cast<std::uint32_t>(peek(kMsiTargets + 4 * vector, 4)); }

    // ---- The driver, on any interface ------------------------------------------------------------
    std::uint8_t status() {
        if (!pci()) return static_cast<std::uint8_t>(rd(0, reg::kStatus));
        return static_cast<std::uint8_t>(legacy() ? io_read(vp::legacy::kStatus, 1)
                                                  : common_read(vp::common::kDeviceStatus, 1));
    }
    void set_status(std::uint8_t value) {
        if (!pci())
            wr(0, reg::kStatus, value);
        else if (legacy())
            io_write(vp::legacy::kStatus, value, 1);
        else
            common_write(vp::common::kDeviceStatus, value, 1);
    }
    std::uint64_t offered() {
        if (!pci()) return features(0);
        if (legacy()) return io_read(vp::legacy::kHostFeatures, 4);
        common_write(vp::common::kDeviceFeatureSelect, 1, 4);
        const std::uint64_t high = common_read(vp::common::kDeviceFeature, 4);
        common_write(vp::common::kDeviceFeatureSelect, 0, 4);
        return high << 32 | common_read(vp::common::kDeviceFeature, 4);
    }
    // Reset, ACKNOWLEDGE, DRIVER, features (VERSION_1 added on modern interfaces; legacy: the
    // low 32 bits), FEATURES_OK. Returns the status read back.
    std::uint8_t negotiate_features(std::uint64_t wanted) {
        if (!legacy()) wanted |= virtio::bit(virtio::kFVersion1);
        if (!pci()) return static_cast<std::uint8_t>(negotiate(0, wanted));
        set_status(0);
        set_status(virtio::kStatusAcknowledge);
        set_status(virtio::kStatusAcknowledge | virtio::kStatusDriver);
        if (legacy()) {
            io_write(vp::legacy::kGuestFeatures, static_cast<std::uint32_t>(wanted), 4);
            return status();
        }
        common_write(vp::common::kDriverFeatureSelect, 0, 4);
        common_write(vp::common::kDriverFeature, static_cast<std::uint32_t>(wanted), 4);
        common_write(vp::common::kDriverFeatureSelect, 1, 4);
        common_write(vp::common::kDriverFeature, static_cast<std::uint32_t>(wanted >> 32), 4);
        set_status(virtio::kStatusAcknowledge | virtio::kStatusDriver | virtio::kStatusFeaturesOk);
        return status();
    }
    void go() { set_status(status() | virtio::kStatusDriverOk); }

    // Queue q with its rings in the 16 KiB at area. Legacy PCI cannot choose the size: the ring
    // then has the queue's maximum size.
    DriverQueue queue(unsigned q, unsigned n, Addr area) {
        if (!pci()) return setup_queue(0, q, n, area);
        zero(area, 0x4000);
        DriverQueue dq{0, q, n, area, 0, 0, 0};
        if (legacy()) {
            io_write(vp::legacy::kQueueSel, q, 2);
            dq.n = static_cast<unsigned>(io_read(vp::legacy::kQueueNum, 2));
            dq.avail = area + virtio::desc_table_size(dq.n);
            dq.used = area + virtio::legacy_used_offset(dq.n, 4096);
            io_write(vp::legacy::kQueuePfn, area >> 12, 4);
            return dq;
        }
        namespace c = vp::common;
        common_write(c::kQueueSelect, q, 2);
        common_write(c::kQueueSize, n, 2);
        dq.avail = area + 0x1000;
        dq.used = area + 0x2000;
        common_write(c::kQueueDesc, dq.desc, 4);
        common_write(c::kQueueDesc + 4, dq.desc >> 32, 4);
        common_write(c::kQueueDriver, dq.avail, 4);
        common_write(c::kQueueDriver + 4, dq.avail >> 32, 4);
        common_write(c::kQueueDevice, dq.used, 4);
        common_write(c::kQueueDevice + 4, dq.used >> 32, 4);
        common_write(c::kQueueEnable, 1, 2);
        return dq;
    }
    void notify(const DriverQueue& q) {
        if (!pci())
            kick(q);
        else if (legacy())
            io_write(vp::legacy::kQueueNotify, q.index, 2);
        else
            poke(kModernBar + vp::kNotifyOffset + vp::kNotifyMultiplier * q.index, q.index, 2);
    }
    std::uint64_t config(unsigned offset, unsigned size) {
        if (!pci()) return rd(0, reg::kConfig + offset, size);
        if (legacy()) return io_read(vp::legacy::kConfigNoMsix + offset, size);
        return peek(kModernBar + vp::kDeviceOffset + offset, size);
    }
    // The interrupt line (INTx of slot 1 pin A is gpex line 1), and reading/acknowledging ISR.
    bool irq() { return pci() ? *intx_[1].level : lines.at(0).level(); }
    std::uint8_t take_isr() {
        if (!pci()) {
            const auto isr = static_cast<std::uint8_t>(rd(0, reg::kInterruptStatus));
            wr(0, reg::kInterruptAck, isr);
            return isr;
        }
        if (legacy()) return static_cast<std::uint8_t>(io_read(vp::legacy::kIsr, 1));
        return static_cast<std::uint8_t>(peek(kModernBar + vp::kIsrOffset, 1));
    }

    // The usual bring-up: features, rx queue 0 (16 entries), tx queue 1, control queue 2 when
    // CTRL_VQ is among the features, DRIVER_OK.
    void bring_up(std::uint64_t features) {
        ASSERT_TRUE(negotiate_features(features) & (legacy() ? virtio::kStatusDriver : virtio::kStatusFeaturesOk));
        rx = queue(0, 16, kRxRing);
        tx = queue(1, 16, kTxRing);
        if (features & virtio::bit(vn::kFCtrlVq)) ctrl = queue(2, 16, kCtrlRing);
        go();
    }
    unsigned header_size(std::uint64_t features) const {
        return !legacy() || (features & virtio::bit(vn::kFMrgRxbuf)) ? vn::kHdrSize : vn::kHdrSizeLegacy;
    }

    // ---- Rings ----------------------------------------------------------------------------------
    // Make a receive buffer of len bytes at addr available as descriptor slot (no kick).
    void post_rx(unsigned slot, Addr addr, std::uint32_t len) {
        desc(rx, slot, addr, len, virtio::kDescFWrite);
        publish(rx, static_cast<std::uint16_t>(slot));
    }
    // Put header + frame at addr as one readable descriptor in slot, publish and kick.
    void send_packet(unsigned slot, Addr addr, const Frame& header, const Frame& frame) {
        Frame packet = header;
        packet.insert(packet.end(), frame.begin(), frame.end());
        put(addr, packet);
        desc(tx, slot, addr, static_cast<std::uint32_t>(packet.size()));
        publish(tx, static_cast<std::uint16_t>(slot));
        notify(tx);
    }
    // A control command (class, command, data) in slot; returns the ack byte.
    std::uint8_t command(std::uint8_t cls, std::uint8_t cmd, const Frame& data, unsigned slot = 0) {
        const Addr out = kBuffers + 0x8000, ack = kBuffers + 0x9000;
        Frame bytes{cls, cmd};
        bytes.insert(bytes.end(), data.begin(), data.end());
        put(out, bytes);
        poke(ack, 0xee, 1);
        desc(ctrl, slot, out, static_cast<std::uint32_t>(bytes.size()), virtio::kDescFNext, static_cast<std::uint16_t>(slot + 1));
        desc(ctrl, slot + 1, ack, 1, virtio::kDescFWrite);
        publish(ctrl, static_cast<std::uint16_t>(slot));
        notify(ctrl);
        return static_cast<std::uint8_t>(peek(ack, 1));
    }

    emu::VirtioDevice* nic = nullptr;
    TestNetdev* backend = nullptr;
    emu::VirtioPciProxy* proxy_ = nullptr;
    DriverQueue rx, tx, ctrl;
    Interface interface_ = Interface::MmioModern;

private:
    emu::Device* host_ = nullptr;
    std::unique_ptr<emu::MemoryRegion> mmio_alias_;

    struct PinLine {
        std::shared_ptr<bool> level = std::make_shared<bool>(false);
        emu::IrqLine line() const {
            auto l = level;
            return emu::IrqLine([l](bool v) { *l = v; });
        }
    };
    PinLine intx_[4];
};

// The bench, run once per interface.
class NetTest : public NetBench, public ::testing::WithParamInterface<Interface> {
protected:
    emu::VirtioDevice& start_param(std::vector<std::pair<std::string, std::string>> props = {}) {
        return start(GetParam(), std::move(props));
    }
};

inline std::string param_name(const ::testing::TestParamInfo<Interface>& info) { return interface_name(info.param); }

#define VIRTIO_NET_ALL_INTERFACES(suite)                                                                     \
    INSTANTIATE_TEST_SUITE_P(AllInterfaces, suite,                                                          \
                             ::testing::Values(Interface::MmioLegacy, Interface::MmioModern,                 \
                                               Interface::PciLegacy, Interface::PciModern),                  \
                             param_name)

}  // namespace virtio_net_test
