// The virtio core (VIRTIO 1.2): the base class of virtio devices, their split virtqueues
// (emu/virtio_queue.h), the interface of the transports that carry them (the virtio-mmio
// plugin, and virtio-pci in the SDK: emu/virtio_pci.h) and the "virtio bus" that joins one
// device to one transport.
//
// ---- Device authors -------------------------------------------------------------------------
// A device derives from VirtioDevice and registers a type with parent "virtio-device":
//
//     class VirtioRng final : public emu::VirtioDevice {
//         std::uint16_t device_id() const override { return emu::virtio::kIdRng; }
//         void realize_virtio() override {                    // queues and config space
//             add_queue(256, [this](emu::VirtQueue& vq) { fill(vq); });
//         }
//         void fill(emu::VirtQueue& vq) {
//             while (auto e = vq.pop()) vq.push(*e, static_cast<std::uint32_t>(vq.write(*e, 0, data, n)));
//             vq.notify();
//         }
//     };
//     types.add({.name = "virtio-rng-device", .parent = "virtio-device", .category = ...,
//                .factory = emu::factory_of<VirtioRng>()});
//
// Features: device_features() is what the device offers; the core adds VIRTIO_F_INDIRECT_DESC
// and VIRTIO_F_EVENT_IDX (properties "indirect_desc" and "event_idx", on by default, as on
// QEMU), the legacy-only NOTIFY_ON_EMPTY and ANY_LAYOUT, and what the transport brings
// (VIRTIO_F_VERSION_1 on a modern transport). has_feature() answers for what the driver
// accepted; modern() is has_feature(VERSION_1): the device runs the 1.x interface, else the
// legacy one (virtio 0.9.5: e.g. virtio-net's header without num_buffers). Both are
// little-endian here (emu's guests are little-endian), so only layouts differ, not byte order.
//
// Config space: set_config_size() then config_store()/config_load() (little-endian fields);
// the transport reads through config_read(), writes through config_write() (ignored unless the
// device overrides it). After changing a field the device calls notify_config().
//
// Errors the guest makes (bad rings, bad chains) are not exceptions: the core calls
// set_broken(), which sets DEVICE_NEEDS_RESET, logs one line ("emu: <device>: <why>"), sends a
// configuration-change interrupt to a modern driver, and stops all processing until the
// driver resets the device (status 0). A device may call set_broken() itself for errors in
// device-specific structures.
//
// ---- Plugging ---------------------------------------------------------------------------------
// Every transport owns one VirtioBus (type "virtio-bus", its child "virtio-bus"). At realize a
// device plugs into the bus given with set_bus(), else into the machine's last free virtio bus
// in object-tree order (find_free_virtio_bus): `-device virtio-net-device` needs nothing more.
// "Last" follows QEMU: its qdev bus list is prepended to, so it fills the most recently created
// transport first, and on ARM virt, which creates transports 0..31 upwards from 0x0a000000,
// the first -device lands on the highest address (0x0a003e00). A board that creates its
// transports in address order gets the same assignment as QEMU. With no free bus, realize
// fails with "this machine has no free virtio-mmio transport" (the command line prefixes the
// device's name).
//
// ---- Transport authors ------------------------------------------------------------------------
// A transport implements VirtioTransport, creates its VirtioBus and calls set_transport(this), and
// drives the plugged device from its registers: offered_features(), negotiate_features() /
// set_legacy_driver_features(), set_status(), queue(n) setters, kick_queue(), config_read/
// write, isr()/ack_isr(). The device calls back queue_interrupt()/config_interrupt() after
// setting ISR bits, and device_reset() whenever it resets.
//
// Threading: everything runs under the big device lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "emu/device.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/property.h"
#include "emu/virtio_queue.h"

namespace emu {

class TypeRegistry;

namespace virtio {

// Device IDs (§5).
inline constexpr std::uint16_t kIdNet = 1, kIdBlock = 2, kIdConsole = 3, kIdRng = 4,
                               kIdBalloon = 5, kIdScsi = 8, kIdNinePfs = 9, kIdGpu = 16,
                               kIdInput = 18, kIdVsock = 19, kIdFs = 26;

// Device status bits (§2.1).
inline constexpr std::uint8_t kStatusAcknowledge = 1, kStatusDriver = 2, kStatusDriverOk = 4,
                              kStatusFeaturesOk = 8, kStatusNeedsReset = 0x40, kStatusFailed = 0x80;

// Feature bits (§6) common to all devices.
inline constexpr unsigned kFNotifyOnEmpty = 24;   // legacy only
inline constexpr unsigned kFAnyLayout = 27;       // legacy only
inline constexpr unsigned kFIndirectDesc = 28;    // VIRTIO_F_INDIRECT_DESC
inline constexpr unsigned kFEventIdx = 29;        // VIRTIO_F_EVENT_IDX
inline constexpr unsigned kFVersion1 = 32;
inline constexpr unsigned kFAccessPlatform = 33;
inline constexpr unsigned kFRingPacked = 34;
inline constexpr unsigned kFInOrder = 35;
inline constexpr unsigned kFOrderPlatform = 36;
inline constexpr unsigned kFSrIov = 37;
inline constexpr unsigned kFNotificationData = 38;
inline constexpr unsigned kFNotifConfigData = 39;
inline constexpr unsigned kFRingReset = 40;
constexpr std::uint64_t bit(unsigned feature) { return std::uint64_t{1} << feature; }
// Bits a modern (1.x) interface never offers.
inline constexpr std::uint64_t kLegacyOnlyFeatures = bit(kFNotifyOnEmpty) | bit(kFAnyLayout) | bit(30);

// ISR bits (virtio-mmio InterruptStatus, virtio-pci ISR).
inline constexpr std::uint8_t kIsrQueue = 1, kIsrConfig = 2;

// Split virtqueue layout (§2.7).
inline constexpr std::uint16_t kDescFNext = 1, kDescFWrite = 2, kDescFIndirect = 4;
inline constexpr std::uint16_t kAvailFNoInterrupt = 1;
inline constexpr std::uint16_t kUsedFNoNotify = 1;
inline constexpr unsigned kDescSize = 16;      // {le64 addr; le32 len; le16 flags; le16 next}
inline constexpr unsigned kUsedElemSize = 8;   // {le32 id; le32 len}
// Bytes of each ring for a queue of n entries, including the event-index fields.
constexpr std::uint64_t desc_table_size(unsigned n) { return std::uint64_t{kDescSize} * n; }
constexpr std::uint64_t avail_ring_size(unsigned n) { return 6 + std::uint64_t{2} * n; }
constexpr std::uint64_t used_ring_size(unsigned n) { return 6 + std::uint64_t{kUsedElemSize} * n; }
// The legacy layout's used ring offset from the descriptor table (virtio 0.9.5 vring_size).
constexpr std::uint64_t legacy_used_offset(unsigned n, std::uint64_t align) {
    return (desc_table_size(n) + avail_ring_size(n) + align - 1) & ~(align - 1);
}
// vring_need_event: should a notification go out when the index moves from old_idx to new_idx
// and the other side asked for one after event_idx?
constexpr bool need_event(std::uint16_t event_idx, std::uint16_t new_idx, std::uint16_t old_idx) {
    return static_cast<std::uint16_t>(new_idx - event_idx - 1) < static_cast<std::uint16_t>(new_idx - old_idx);
}

}  // namespace virtio

class VirtioDevice;

// What a device needs from the transport carrying it.
class VirtioTransport {
public:
    virtual ~VirtioTransport();

    // Guest memory the device's rings and buffers are in (the machine's system memory, or a
    // PCI bus-master space). Null: none (plugging fails).
    virtual AddressSpace* dma_space() const = 0;
    // Feature bits the transport adds to the device's (VIRTIO_F_VERSION_1 for a modern one).
    virtual std::uint64_t transport_features() const = 0;
    // Whether the driver talks the legacy interface only (virtio-mmio version 1).
    virtual bool legacy() const = 0;

    // The device has set ISR bits: a used-buffer notification for queue n, or a configuration
    // change. The transport raises its interrupt (MMIO: level = ISR != 0; PCI: MSI-X vector).
    virtual void queue_interrupt(VirtioDevice& device, unsigned queue) = 0;
    virtual void config_interrupt(VirtioDevice& device) = 0;

    // A device was plugged (may throw Error to refuse it), is being unplugged, or has reset
    // itself (the transport drops per-device register state and re-evaluates its interrupt).
    virtual void device_plugged(VirtioDevice&) {}
    virtual void device_unplugged(VirtioDevice&) {}
    virtual void device_reset(VirtioDevice&) {}
};

// One transport's slot for one virtio device (type "virtio-bus", a child of the transport).
class VirtioBus final : public Object {
public:
    ~VirtioBus() override;

    // Set by the transport when it is realized; null when it goes away (unplugs the device).
    void set_transport(VirtioTransport* transport);
    VirtioTransport* transport() const { return transport_; }
    VirtioDevice* device() const { return device_; }
    // A transport is there and no device is plugged.
    bool free() const { return transport_ && !device_; }

private:
    friend class VirtioDevice;
    VirtioTransport* transport_ = nullptr;
    VirtioDevice* device_ = nullptr;
};

// Every virtio bus under root, depth-first in insertion order.
std::vector<VirtioBus*> find_virtio_buses(const Object& root);
// The bus a -device should plug into: the last free one of find_virtio_buses(root), or null.
VirtioBus* find_free_virtio_bus(const Object& root);

// Abstract type "virtio-device" (bus "virtio").
class VirtioDevice : public Device {
public:
    static void class_init(ClassBuilder<VirtioDevice>& c);
    ~VirtioDevice() override;

    // ---- What the device is (override) ----------------------------------------------------
    virtual std::uint16_t device_id() const = 0;
    // Device-specific feature bits offered (0-23, 50-127 ranges of the spec).
    virtual std::uint64_t device_features() const { return 0; }
    // Device-specific bits only a legacy driver may see (virtio-net's GSO, virtio-blk's BARRIER).
    virtual std::uint64_t device_legacy_only_features() const { return 0; }

    // ---- Placement ---------------------------------------------------------------------------
    // Plug into this bus rather than the machine's last free one. Before realize.
    void set_bus(VirtioBus& bus) { given_bus_ = &bus; }
    VirtioBus* bus() const { return bus_; }
    VirtioTransport* transport() const { return bus_ ? bus_->transport() : nullptr; }
    AddressSpace* dma_space() const { return dma_; }

    // ---- State -------------------------------------------------------------------------------
    std::uint8_t status() const { return status_; }
    bool driver_ok() const { return status_ & virtio::kStatusDriverOk; }
    // Everything offered (device, core, transport); what a modern or legacy interface shows.
    std::uint64_t host_features() const { return host_features_; }
    std::uint64_t offered_features(bool legacy_interface) const;
    // What the driver accepted.
    std::uint64_t driver_features() const { return driver_features_; }
    bool has_feature(unsigned bit) const { return (driver_features_ >> bit) & 1; }
    // VIRTIO_F_VERSION_1 negotiated: the 1.x interface; otherwise legacy.
    bool modern() const { return has_feature(virtio::kFVersion1); }
    // On a legacy-only transport.
    bool legacy_transport() const;

    bool broken() const { return broken_; }
    const std::string& broken_reason() const { return broken_reason_; }
    // The guest broke the device: see the header comment. Only the first call until a reset
    // logs and notifies.
    void set_broken(const std::string& why);

    // ---- Queues ------------------------------------------------------------------------------
    unsigned queue_count() const { return static_cast<unsigned>(queues_.size()); }
    VirtQueue& queue(unsigned n) const { return *queues_.at(n); }
    VirtQueue* find_queue(unsigned n) const { return n < queues_.size() ? queues_[n].get() : nullptr; }

    // ---- Config space ------------------------------------------------------------------------
    unsigned config_size() const { return static_cast<unsigned>(config_.size()); }
    // As the driver accesses it (1, 2 or 4 bytes, little-endian). Reads past the end return
    // all-ones; the default write ignores the driver (read-only config).
    virtual std::uint32_t config_read(unsigned offset, unsigned size);
    virtual void config_write(unsigned offset, std::uint32_t value, unsigned size);
    std::uint32_t config_generation() const { return config_generation_; }
    // The device changed its config: bump the generation and, once the driver is running,
    // send a configuration-change interrupt.
    void notify_config();

    // ---- The transport's interface -------------------------------------------------------------
    // Modern negotiation (FEATURES_OK): accept `features` if they are a subset of the modern
    // offer and validate_features() agrees. Returns false (features unchanged) otherwise.
    bool negotiate_features(std::uint64_t features);
    // Legacy negotiation: takes effect at once, bits not offered are dropped.
    void set_legacy_driver_features(std::uint32_t features);
    // A status write from the driver. 0 resets the device. DEVICE_NEEDS_RESET is the device's
    // to set: the driver cannot set or clear it (only a reset clears it).
    void set_status(std::uint8_t status);
    // ISR bits. Acknowledging is the transport's doing, so it re-evaluates its interrupt after.
    std::uint8_t isr() const { return isr_; }
    void ack_isr(std::uint8_t bits);
    std::uint8_t take_isr();                // read-and-clear (virtio-pci's ISR register)
    // The driver notified queue n (ignored for a queue that does not exist).
    void kick_queue(unsigned n);
    // Virtio reset: status, features, ISR, queues and the device's own state (reset_device()),
    // then tells the transport. Also what a board reset does.
    void reset() override;

    // Called by VirtQueue.
    void queue_interrupt(VirtQueue& queue);

protected:
    // Set up queues (add_queue) and the config space. May throw Error.
    virtual void realize_virtio() {}
    virtual void unrealize_virtio() {}
    // Device-specific reset (after the queues are reset).
    virtual void reset_device() {}
    // Modern FEATURES_OK: may refuse a combination (return false).
    virtual bool validate_features(std::uint64_t /*features*/) { return true; }
    // The accepted features changed (modern: at FEATURES_OK; legacy: at each write).
    virtual void features_changed(std::uint64_t /*features*/) {}
    // The driver wrote the status (not called for the 0 that resets).
    virtual void status_changed(std::uint8_t /*old_status*/, std::uint8_t /*new_status*/) {}

    // Add queue n = queue_count(); max_size is 1..32768, a power of two. From realize_virtio.
    VirtQueue& add_queue(std::uint16_t max_size, VirtQueue::Handler handler);

    void set_config_size(unsigned bytes) { config_.assign(bytes, 0); }
    std::vector<std::uint8_t>& config_bytes() { return config_; }
    // Little-endian fields of the config space (size 1, 2, 4 or 8); out-of-range bytes ignored.
    void config_store(unsigned offset, std::uint64_t value, unsigned size);
    std::uint64_t config_load(unsigned offset, unsigned size) const;

private:
    friend class VirtioBus;
    void do_realize() final;
    void do_unrealize() final;
    void plug(VirtioBus& bus);
    void unplug();

    // Properties.
    bool indirect_desc_ = true;
    bool event_idx_ = true;

    VirtioBus* given_bus_ = nullptr;
    VirtioBus* bus_ = nullptr;
    AddressSpace* dma_ = nullptr;
    std::vector<std::unique_ptr<VirtQueue>> queues_;
    std::vector<std::uint8_t> config_;
    std::uint64_t host_features_ = 0;
    std::uint64_t driver_features_ = 0;
    std::uint8_t status_ = 0;
    std::uint8_t isr_ = 0;
    std::uint32_t config_generation_ = 0;
    bool broken_ = false;
    std::string broken_reason_;
};

// Register the core virtio types ("virtio-device", "virtio-bus") into registry if not there
// yet (idempotent). The core registers them with its own types, as it does the PCI types, so
// virtio device and transport plugins find them; a test that builds its own TypeRegistry may
// call this before loading virtio plugins.
void register_virtio_types(TypeRegistry& registry);

}  // namespace emu
