// The virtio-mmio transport (VIRTIO 1.2 §4.2; legacy: §4.2.4 and virtio 0.9.5 appendix X), as
// QEMU's hw/virtio/virtio-mmio.c presents it to guests.
//
// Type "virtio-mmio" (created by boards, not by -device). Property:
//   force-legacy   on (default, as on QEMU): version 1, the legacy interface (GuestPageSize,
//                  QueueAlign, QueuePFN; 32 feature bits; no VIRTIO_F_VERSION_1).
//                  off: version 2, the modern interface (QueueReady, 64-bit ring addresses,
//                  FEATURES_OK negotiation, ConfigGeneration; VIRTIO_F_VERSION_1 offered).
//                  QEMU keeps "on" as its default, so Linux and U-Boot on QEMU's virt board see
//                  version-1 transports unless told otherwise; emu does the same.
//
// Wiring, for boards (after realize):
//   mmio(0)           the 0x200-byte register block (config space from 0x100)
//   gpio_out("", 0)   the interrupt (level: InterruptStatus != 0)
//   child "virtio-bus" (emu::VirtioBus) where one virtio device plugs in. -device
//                     virtio-*-device takes the last free one in the tree (see emu/virtio.h), so
//                     a board that creates its transports in address order gets QEMU's
//                     assignment: the first -device on the highest address.
// A transport with no device reads MagicValue, Version and VendorID, and 0 for everything
// else (DeviceID 0: "no device", which Linux and U-Boot skip quietly); writes are ignored.
//
// Register rules, as QEMU: registers take 32-bit accesses only (others read 0 and are
// ignored; 64-bit accesses are split in two); the config space takes 1, 2 and 4 bytes.
// Legacy-only registers in modern mode and modern-only ones in legacy mode read 0 and ignore
// writes. QueueNumMax is the queue's maximum size (QEMU says 1024 for every queue).
// Differences from QEMU, by the spec: writing 0 to QueuePFN disables that queue only (QEMU
// resets the whole device); a queue whose size or layout is invalid is not silently kept but
// marks the device broken (DEVICE_NEEDS_RESET) when it is enabled.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/irq.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>
#include <emu/virtio.h>

#include <bit>
#include <memory>
#include <vector>

namespace {

using emu::Addr;
namespace virtio = emu::virtio;

constexpr Addr kRegisterBlockSize = 0x200;
constexpr std::uint32_t kMagic = 0x74726976;   // "virt"
constexpr std::uint32_t kVendor = 0x554d4551;  // "QEMU"

enum Register : Addr {
    kMagicValue = 0x000,
    kVersion = 0x004,
    kDeviceId = 0x008,
    kVendorId = 0x00c,
    kDeviceFeatures = 0x010,
    kDeviceFeaturesSel = 0x014,
    kDriverFeatures = 0x020,
    kDriverFeaturesSel = 0x024,
    kGuestPageSize = 0x028,   // legacy
    kQueueSel = 0x030,
    kQueueNumMax = 0x034,
    kQueueNum = 0x038,
    kQueueAlign = 0x03c,      // legacy
    kQueuePfn = 0x040,        // legacy
    kQueueReady = 0x044,      // modern
    kQueueNotify = 0x050,
    kInterruptStatus = 0x060,
    kInterruptAck = 0x064,
    kStatus = 0x070,
    kQueueDescLow = 0x080,    // modern, from here to ConfigGeneration
    kQueueDescHigh = 0x084,
    kQueueDriverLow = 0x090,
    kQueueDriverHigh = 0x094,
    kQueueDeviceLow = 0x0a0,
    kQueueDeviceHigh = 0x0a4,
    kShmSel = 0x0ac,
    kShmLenLow = 0x0b0,
    kShmLenHigh = 0x0b4,
    kShmBaseLow = 0x0b8,
    kShmBaseHigh = 0x0bc,
    kQueueReset = 0x0c0,
    kConfigGeneration = 0x0fc,
    kConfig = 0x100,
};

Addr set_low(Addr addr, std::uint32_t value) { return (addr & ~Addr{0xffffffff}) | value; }
Addr set_high(Addr addr, std::uint32_t value) { return (addr & Addr{0xffffffff}) | (Addr{value} << 32); }

class VirtioMmio final : public emu::Device, public emu::VirtioTransport {
public:
    VirtioMmio() {
        emu::MmioOps ops;
        ops.read = [this](Addr offset, unsigned size) -> std::uint64_t { return read(offset, size); };
        ops.write = [this](Addr offset, std::uint64_t value, unsigned size) { write(offset, value, size); };
        ops.valid_min = 1;
        ops.valid_max = 8;
        ops.impl_min = 1;
        ops.impl_max = 4;
        regs_ = emu::MemoryRegion::mmio("virtio-mmio", kRegisterBlockSize, ops);
        init_mmio(*regs_);
        init_gpio_out("", &irq_);
    }

    ~VirtioMmio() override {
        // Through the tree the bus (a child) is already gone; destroyed directly, unplug first.
        if (auto* bus = dynamic_cast<emu::VirtioBus*>(child("virtio-bus"))) bus->set_transport(nullptr);
    }

    static void class_init(emu::ClassBuilder<VirtioMmio>& c) {
        c.boolean("force-legacy", &VirtioMmio::legacy_, true,
                  "legacy virtio-mmio (version 1) instead of modern (version 2), as QEMU's default");
    }

    // ---- VirtioTransport ----
    emu::AddressSpace* dma_space() const override {
        emu::Machine* m = machine();
        return m ? m->system_memory() : nullptr;
    }
    std::uint64_t transport_features() const override { return legacy_ ? 0 : virtio::bit(virtio::kFVersion1); }
    bool legacy() const override { return legacy_; }
    void queue_interrupt(emu::VirtioDevice&, unsigned) override { update_irq(); }
    void config_interrupt(emu::VirtioDevice&) override { update_irq(); }
    void device_plugged(emu::VirtioDevice&) override {
        device_features_sel_ = driver_features_sel_ = 0;
        soft_reset();
    }
    void device_unplugged(emu::VirtioDevice&) override { set_irq(false); }
    // Status 0 (or any device reset): QEMU keeps GuestPageSize and the feature selectors, which
    // a legacy Linux driver writes once, before its first reset.
    void device_reset(emu::VirtioDevice&) override { soft_reset(); }

    // Board reset: everything, and the device.
    void reset() override {
        device_features_sel_ = driver_features_sel_ = 0;
        guest_page_shift_ = 0;
        if (emu::VirtioDevice* d = device()) d->reset();  // calls device_reset -> soft_reset
        soft_reset();
        set_irq(false, true);
    }

protected:
    void do_realize() override {
        emu::Object* existing = child("virtio-bus");
        bus_ = existing ? dynamic_cast<emu::VirtioBus*>(existing)
                        : dynamic_cast<emu::VirtioBus*>(&add_child("virtio-bus", registry().create("virtio-bus")));
        if (!bus_) throw emu::Error(display_name() + ": 'virtio-bus' is not a virtio bus");
        bus_->set_transport(this);
    }

    void do_unrealize() override {
        if (bus_) bus_->set_transport(nullptr);
        set_irq(false);
    }

private:
    emu::VirtioDevice* device() const { return bus_ ? bus_->device() : nullptr; }

    emu::VirtQueue* selected(emu::VirtioDevice& d) const { return d.find_queue(queue_sel_); }

    void soft_reset() {
        queue_sel_ = 0;
        driver_features_[0] = driver_features_[1] = 0;
        update_irq();
    }

    void set_irq(bool level, bool force = false) {
        if (level == level_ && !force) return;
        level_ = level;
        irq_[0].set(level);
    }

    void update_irq() {
        emu::VirtioDevice* d = device();
        set_irq(d && d->isr() != 0);
    }

    std::uint64_t read(Addr offset, unsigned size) {
        emu::VirtioDevice* d = device();
        if (offset >= kConfig) return d ? d->config_read(static_cast<unsigned>(offset - kConfig), size) : 0;
        if (size != 4) return 0;
        switch (offset) {
        case kMagicValue:
            return kMagic;
        case kVersion:
            return legacy_ ? 1 : 2;
        case kVendorId:
            return kVendor;
        default:
            break;
        }
        if (!d) return 0;
        switch (offset) {
        case kDeviceId:
            return d->device_id();
        case kDeviceFeatures:
            return device_features_sel_ > 1 ? 0
                                            : (d->offered_features(legacy_) >> (32 * device_features_sel_)) & 0xffffffffu;
        case kQueueNumMax: {
            emu::VirtQueue* q = selected(*d);
            return q ? q->max_size() : 0;
        }
        case kQueuePfn: {
            emu::VirtQueue* q = selected(*d);
            if (!legacy_ || !q || !q->ready()) return 0;
            return (q->desc_addr() >> guest_page_shift_) & 0xffffffffu;
        }
        case kQueueReady: {
            emu::VirtQueue* q = selected(*d);
            return !legacy_ && q && q->ready() ? 1 : 0;
        }
        case kInterruptStatus:
            return d->isr();
        case kStatus:
            return d->status();
        case kConfigGeneration:
            return legacy_ ? 0 : d->config_generation();
        case kShmLenLow:
        case kShmLenHigh:
        case kShmBaseLow:
        case kShmBaseHigh:
            return legacy_ ? 0 : 0xffffffffu;  // no shared memory regions: length ~0
        default:
            return 0;  // write-only or unknown registers
        }
    }

    void write(Addr offset, std::uint64_t value64, unsigned size) {
        emu::VirtioDevice* d = device();
        if (!d) return;
        if (offset >= kConfig) {
            d->config_write(static_cast<unsigned>(offset - kConfig), static_cast<std::uint32_t>(value64), size);
            return;
        }
        if (size != 4) return;
        const auto value = static_cast<std::uint32_t>(value64);
        emu::VirtQueue* q = selected(*d);
        switch (offset) {
        case kDeviceFeaturesSel:
            device_features_sel_ = value;
            break;
        case kDriverFeatures:
            if (legacy_) {
                if (driver_features_sel_ == 0) d->set_legacy_driver_features(value);
            } else if (driver_features_sel_ < 2) {
                driver_features_[driver_features_sel_] = value;
            }
            break;
        case kDriverFeaturesSel:
            driver_features_sel_ = value;
            break;
        case kGuestPageSize:
            if (legacy_) guest_page_shift_ = value ? static_cast<unsigned>(std::countr_zero(value)) : 0;
            break;
        case kQueueSel:
            queue_sel_ = value;
            break;
        case kQueueNum:
            if (q) q->set_size(value);
            break;
        case kQueueAlign:
            if (legacy_ && q) q->set_legacy_align(value);
            break;
        case kQueuePfn:
            if (!legacy_ || !q) break;
            if (value == 0) {
                q->set_ready(false);
            } else {
                q->set_legacy_base(Addr{value} << guest_page_shift_);
                q->set_ready(true);
            }
            break;
        case kQueueReady:
            if (!legacy_ && q) q->set_ready(value != 0);
            break;
        case kQueueNotify:
            d->kick_queue(value);
            break;
        case kInterruptAck:
            d->ack_isr(static_cast<std::uint8_t>(value));
            update_irq();
            break;
        case kStatus:
            write_status(*d, static_cast<std::uint8_t>(value));
            break;
        case kQueueDescLow:
            if (!legacy_ && q) q->set_desc_addr(set_low(q->desc_addr(), value));
            break;
        case kQueueDescHigh:
            if (!legacy_ && q) q->set_desc_addr(set_high(q->desc_addr(), value));
            break;
        case kQueueDriverLow:
            if (!legacy_ && q) q->set_driver_addr(set_low(q->driver_addr(), value));
            break;
        case kQueueDriverHigh:
            if (!legacy_ && q) q->set_driver_addr(set_high(q->driver_addr(), value));
            break;
        case kQueueDeviceLow:
            if (!legacy_ && q) q->set_device_addr(set_low(q->device_addr(), value));
            break;
        case kQueueDeviceHigh:
            if (!legacy_ && q) q->set_device_addr(set_high(q->device_addr(), value));
            break;
        default:
            break;  // read-only, unknown (ShmSel, QueueReset: not offered) registers
        }
    }

    void write_status(emu::VirtioDevice& d, std::uint8_t status) {
        // Modern: the driver's feature words take effect when it sets FEATURES_OK, and stay
        // unset (the driver reads the status back) if the device does not accept them.
        if (!legacy_ && status != 0 && (status & virtio::kStatusFeaturesOk) &&
            !(d.status() & virtio::kStatusFeaturesOk)) {
            const std::uint64_t features = std::uint64_t{driver_features_[1]} << 32 | driver_features_[0];
            if (!d.negotiate_features(features)) status &= static_cast<std::uint8_t>(~virtio::kStatusFeaturesOk);
        }
        d.set_status(status);
        update_irq();
    }

    bool legacy_ = true;
    std::unique_ptr<emu::MemoryRegion> regs_;
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    bool level_ = false;
    emu::VirtioBus* bus_ = nullptr;

    // Guest-visible transport state.
    std::uint32_t device_features_sel_ = 0;
    std::uint32_t driver_features_sel_ = 0;
    std::uint32_t driver_features_[2] = {0, 0};  // modern: applied at FEATURES_OK
    unsigned guest_page_shift_ = 0;               // legacy GuestPageSize
    std::uint32_t queue_sel_ = 0;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "virtio-mmio",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "virtio-mmio transport (version 1, or 2 with force-legacy=off); boards create them",
               .factory = emu::factory_of<VirtioMmio>(),
               .class_init = emu::class_init_of<VirtioMmio>(&VirtioMmio::class_init)});
}

}  // namespace

EMU_PLUGIN(virtio_mmio, "0.1.0", "The virtio-mmio transport", "MIT", register_types);
