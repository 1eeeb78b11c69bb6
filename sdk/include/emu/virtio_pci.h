// The virtio-pci transport (VIRTIO 1.2 §4.1; legacy: virtio 0.9.5 appendix), as QEMU's
// hw/virtio/virtio-pci.c presents it to guests: a *transitional* PCI function by default.
//
// ---- What the guest sees ----------------------------------------------------------------------
//   IDs        vendor 1af4; transitional: the device's legacy id (1000 net, 1001 block, ...),
//              revision 0, subsystem 1af4:<virtio device id>; modern only (disable-legacy=on):
//              1040 + virtio device id, revision 1, subsystem 1af4:1100.
//   BAR0       (legacy interface) I/O: the virtio 0.9.5 register block (host/guest features,
//              queue PFN/size/select/notify, status, ISR; with MSI-X enabled the config and
//              queue vectors at 0x14/0x16) followed by the device's config space.
//   BAR1       MSI-X table and PBA (32-bit memory, 4 KiB), `vectors` entries.
//   BAR4       (modern interface) 64-bit prefetchable memory, 16 KiB: common configuration at
//              0x0000, ISR at 0x1000, device configuration at 0x2000, notifications at 0x3000
//              (queue n at 0x3000 + 4 n: queue_notify_off = n, notify_off_multiplier = 4).
//   Capabilities (vendor-specific, id 9): common, ISR, device, notify and the PCI
//              configuration access capability (reach BAR4 through config space), then MSI-X.
//   Interrupts MSI-X when the driver enabled it (per-queue and configuration vectors, VIRTIO
//              NO_VECTOR = 0xffff for none); otherwise INTx (pin A), asserted while ISR != 0.
//              Reading the ISR (either interface) clears it and deasserts INTx.
// Bus mastering: notifications are ignored while COMMAND.BUS_MASTER is clear, clearing it takes
// DRIVER_OK away (as on QEMU), and a legacy driver that sets DRIVER_OK with bus mastering off
// gets it turned on (QEMU's quirk for old Linux drivers).
// Queue notifications: where the accelerator offers ioeventfds (ioevent.h; kvm), each queue's
// doorbell is registered with it (modern: the 16-bit write at notify + 4 n; legacy, on x86
// boards: the 16-bit QUEUE_NOTIFY port write with the queue index as its value), so the guest's
// write does not exit: the main loop kicks the queue. Only where the CPUs see the BAR at its bus
// address (the flat view shows it there, as on a PC). The registrations follow the BARs (moved,
// decoding switched off, reset, unrealize). Other accesses (other sizes, values) exit and do
// the same as before.
//
// ---- Device authors: the "-pci" variant of a virtio device, in a few lines ------------------------
// A virtio-pci type is a PCI function (a "proxy", as QEMU calls it) that creates its own virtio
// bus and a child of the device type plugged into it ("virtio-backend"). Every property of the
// device type appears on the proxy too, forwarded to the child, so
// `-device virtio-net-pci,mac=...,netdev=n0` works and `-device virtio-net-pci,help` lists them:
//
//     auto net_class = emu::class_init_of<VirtioNet>(&VirtioNet::class_init);
//     types.add({.name = "virtio-net-device", .parent = "virtio-device", ...,
//                .class_init = net_class});
//     emu::add_virtio_pci_type(types, {.name = "virtio-net-pci",
//                                      .device_type = "virtio-net-device",
//                                      .device_class_init = net_class,
//                                      .transitional_device_id = 0x1000,
//                                      .class_code = emu::pci::kClassNetworkEthernet,
//                                      .category = emu::Category::Network,
//                                      .description = "virtio network card (PCI)"});
//
// Proxy properties (besides the PCI ones: addr, romfile, multifunction):
//   disable-legacy  auto (default), on, off: drop the legacy interface (BAR0). auto keeps it, as
//                   QEMU does for a device on a root bus (emu models no PCIe root ports), unless
//                   the device has no transitional id.
//   disable-modern  on: no modern interface (no capabilities, no BAR4, no VIRTIO_F_VERSION_1).
//   vectors         MSI-X vectors; 0 = no MSI-X; auto = one per virtqueue plus one for
//                   configuration changes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emu/pci.h"
#include "emu/type.h"
#include "emu/virtio.h"

namespace emu {

class IoEventHandler;

namespace virtio_pci {

// Vendor-specific capability types (cfg_type, §4.1.4).
inline constexpr std::uint8_t kCapCommonCfg = 1, kCapNotifyCfg = 2, kCapIsrCfg = 3, kCapDeviceCfg = 4,
                              kCapPciCfg = 5;
// struct virtio_pci_cap: cap_vndr, cap_next, cap_len, cfg_type, bar, id, padding[2], offset, length.
inline constexpr unsigned kCapCfgType = 3, kCapBar = 4, kCapId = 5, kCapOffset = 8, kCapLength = 12;
inline constexpr unsigned kCapSize = 16;
inline constexpr unsigned kNotifyCapMultiplier = 16;   // notify_off_multiplier, after the cap
inline constexpr unsigned kNotifyCapSize = 20;
inline constexpr unsigned kPciCfgCapData = 16;         // pci_cfg_data[4], after the cap
inline constexpr unsigned kPciCfgCapSize = 20;

// struct virtio_pci_common_cfg (§4.1.4.3).
namespace common {
inline constexpr unsigned kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04, kDriverFeatureSelect = 0x08,
                          kDriverFeature = 0x0c, kConfigMsixVector = 0x10, kNumQueues = 0x12,
                          kDeviceStatus = 0x14, kConfigGeneration = 0x15, kQueueSelect = 0x16,
                          kQueueSize = 0x18, kQueueMsixVector = 0x1a, kQueueEnable = 0x1c,
                          kQueueNotifyOff = 0x1e, kQueueDesc = 0x20, kQueueDriver = 0x28, kQueueDevice = 0x30,
                          kQueueNotifyData = 0x38, kQueueReset = 0x3a, kSize = 0x3c;
}  // namespace common

// The legacy I/O block (virtio 0.9.5, "Virtio header"); the device config follows at
// kConfigMsix with MSI-X enabled, else at kConfigNoMsix.
namespace legacy {
inline constexpr unsigned kHostFeatures = 0x00, kGuestFeatures = 0x04, kQueuePfn = 0x08, kQueueNum = 0x0c,
                          kQueueSel = 0x0e, kQueueNotify = 0x10, kStatus = 0x12, kIsr = 0x13,
                          kConfigVector = 0x14, kQueueVector = 0x16, kConfigNoMsix = 0x14, kConfigMsix = 0x18;
inline constexpr unsigned kPfnShift = 12;  // QueuePFN counts 4 KiB pages
}  // namespace legacy

// The modern BAR's layout (QEMU's).
inline constexpr unsigned kModernBar = 4, kMsixBar = 1, kLegacyBar = 0;
inline constexpr Addr kCommonOffset = 0x0000, kIsrOffset = 0x1000, kDeviceOffset = 0x2000,
                      kNotifyOffset = 0x3000, kRegionSize = 0x1000, kModernBarSize = 0x4000;
inline constexpr std::uint32_t kNotifyMultiplier = 4;
inline constexpr std::uint16_t kNoVector = 0xffff;
// Transitional and modern PCI device ids.
inline constexpr std::uint16_t kModernDeviceIdBase = 0x1040;

}  // namespace virtio_pci

// What add_virtio_pci_type needs to know about a device type.
struct VirtioPciTypeInfo {
    std::string name;                      // "virtio-net-pci"
    std::string device_type;               // the child's type, "virtio-net-device"
    // The device type's class-init (the same function its TypeInfo has): its properties are
    // offered on the proxy and forwarded to the child.
    std::function<void(ObjectClass&)> device_class_init;
    // The legacy PCI device id (0x1000 + n); 0: the device has none and is modern only.
    std::uint16_t transitional_device_id = 0;
    std::uint32_t class_code = pci::kClassOther;
    Category category = Category::Misc;
    std::string description;
    // The default of the proxy's romfile= (an option ROM image, e.g. Debian's iPXE for the
    // device, as QEMU gives virtio-net-pci); empty: no ROM unless the user gives one.
    std::string default_romfile;
};

// Add the proxy type described by info to a plugin's batch (parent "pci-device").
void add_virtio_pci_type(TypeBatch& types, VirtioPciTypeInfo info);

// The proxy: a PCI function carrying one virtio device. Created by add_virtio_pci_type's types.
class VirtioPciProxy final : public PciDevice, public VirtioTransport {
public:
    enum class OnOffAuto { Auto, On, Off };

    VirtioPciProxy(std::string device_type, std::uint16_t transitional_device_id, std::uint32_t class_code);
    ~VirtioPciProxy() override;
    static void class_init(ClassBuilder<VirtioPciProxy>& c);

    // The child device (created with the proxy, so its properties can be set before realize).
    VirtioDevice& virtio_device();
    bool legacy_enabled() const { return legacy_enabled_; }  // after realize
    bool modern_enabled() const { return !disable_modern_; }
    unsigned vectors() const { return vectors_resolved_; }
    std::uint16_t config_vector() const { return config_vector_; }
    std::uint16_t queue_vector(unsigned queue) const;

    // ---- PciDevice ----
    PciIds ids() const override;
    std::uint32_t config_read(unsigned offset, unsigned size) override;
    void config_write(unsigned offset, std::uint32_t value, unsigned size) override;
    void reset() override;

    // ---- VirtioTransport ----
    AddressSpace* dma_space() const override { return PciDevice::dma_space(); }
    std::uint64_t transport_features() const override;
    bool legacy() const override { return disable_modern_; }
    void queue_interrupt(VirtioDevice& device, unsigned queue) override;
    void config_interrupt(VirtioDevice& device) override;
    void device_plugged(VirtioDevice& device) override;
    void device_unplugged(VirtioDevice& device) override;
    void device_reset(VirtioDevice& device) override;

protected:
    void instance_init() override { virtio_device(); }
    void realize_pci() override;
    void unrealize_pci() override;

private:
    friend void add_virtio_pci_type(TypeBatch&, VirtioPciTypeInfo);
    VirtioDevice* plugged() const { return virtio_bus_ ? virtio_bus_->device() : nullptr; }
    bool bus_master() const { return command() & pci::kCommandMaster; }
    bool want_legacy() const;
    void add_modern_capabilities();
    void transport_reset();
    void update_intx();
    void notify_vector(std::uint16_t vector);
    std::uint16_t checked_vector(std::uint32_t value) const;
    void write_status(VirtioDevice& d, std::uint8_t status, bool legacy_interface);
    void kick(unsigned queue);
    // Register each queue's doorbell as an ioeventfd where the BARs now are, if the
    // accelerator can (after anything that may have moved or unmapped a BAR).
    void update_ioeventfds();

    // The modern BAR, by region.
    std::uint64_t modern_read(Addr offset, unsigned size);
    void modern_write(Addr offset, std::uint64_t value, unsigned size);
    std::uint64_t common_read(VirtioDevice& d, Addr offset, unsigned size);
    void common_write(VirtioDevice& d, Addr offset, std::uint32_t value, unsigned size);
    // The legacy I/O BAR.
    std::uint64_t legacy_read(Addr offset, unsigned size);
    void legacy_write(Addr offset, std::uint64_t value, unsigned size);
    unsigned legacy_config_offset() const;

    // Fixed at construction (from the type).
    std::string device_type_;
    std::uint16_t transitional_device_id_;
    std::uint32_t class_code_;

    // Properties.
    OnOffAuto disable_legacy_ = OnOffAuto::Auto;
    bool disable_modern_ = false;
    std::int64_t vectors_ = -1;  // -1: auto

    // Resolved at realize.
    bool legacy_enabled_ = false;
    unsigned vectors_resolved_ = 0;
    unsigned pci_cfg_cap_ = 0;
    VirtioDevice* device_ = nullptr;
    VirtioBus* virtio_bus_ = nullptr;
    std::unique_ptr<MemoryRegion> modern_bar_, legacy_bar_;

    // Guest-visible transport state.
    std::uint32_t device_feature_select_ = 0;
    std::uint32_t driver_feature_select_ = 0;
    std::uint32_t driver_features_[2] = {0, 0};  // modern: applied at FEATURES_OK
    std::uint16_t queue_select_ = 0;
    std::uint16_t config_vector_ = virtio_pci::kNoVector;
    std::vector<std::uint16_t> queue_vectors_;

    // Doorbell ioeventfds, and the BAR bus addresses they were set up for.
    std::vector<std::unique_ptr<IoEventHandler>> notifiers_;
    Addr notifiers_modern_bar_ = kUnmapped, notifiers_legacy_bar_ = kUnmapped;
};

}  // namespace emu
