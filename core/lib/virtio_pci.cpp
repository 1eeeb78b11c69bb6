// The virtio-pci transport: a transitional PCI function (legacy I/O BAR, modern capabilities and
// BAR, MSI-X or INTx) carrying one virtio device as its child, and add_virtio_pci_type, which
// makes the "-pci" type of a virtio device. See emu/virtio_pci.h.
#include "emu/virtio_pci.h"

#include <algorithm>
#include <bit>

#include "emu/cpu.h"
#include "emu/error.h"
#include "emu/ioevent.h"
#include "emu/machine.h"
#include "emu/property.h"
#include "emu/x86.h"

namespace emu {

namespace vp = virtio_pci;

namespace {

bool overlaps(unsigned offset, unsigned size, unsigned start, unsigned length) {
    return offset < start + length && start < offset + size;
}

// Bytes [offset, offset + size) of a little-endian register block.
std::uint64_t extract(const std::uint8_t* block, unsigned block_size, Addr offset, unsigned size) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size && i < 8; ++i)
        if (offset + i < block_size) value |= std::uint64_t{block[offset + i]} << (8 * i);
    return value;
}

void put(std::uint8_t* block, unsigned offset, std::uint64_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) block[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

Addr set_low(Addr addr, std::uint32_t value) { return (addr & ~Addr{0xffffffff}) | value; }
Addr set_high(Addr addr, std::uint32_t value) { return (addr & Addr{0xffffffff}) | (Addr{value} << 32); }

// Where the CPUs reach [offset, offset + length) of region, whose BAR is at bus address bar: the
// same address if the space's flat view shows that range of region there (a PC's buses are
// identity-mapped), else PciDevice::kUnmapped (another mapping, or something on top of it).
Addr cpu_address(AddressSpace* space, Addr bar, const MemoryRegion& region, Addr offset, Addr length) {
    if (!space || bar == PciDevice::kUnmapped) return PciDevice::kUnmapped;
    const Addr at = bar + offset;
    for (const AddressSpace::FlatRange& range : space->flat_view())
        if (range.region == &region && range.start <= at && at + length <= range.end &&
            range.region_offset + (at - range.start) == offset)
            return at;
    return PciDevice::kUnmapped;
}

}  // namespace

// ---- Construction, class, the child ------------------------------------------------------------

VirtioPciProxy::VirtioPciProxy(std::string device_type, std::uint16_t transitional_device_id,
                               std::uint32_t class_code)
    : device_type_(std::move(device_type)),
      transitional_device_id_(transitional_device_id),
      class_code_(class_code) {}

VirtioPciProxy::~VirtioPciProxy() {
    notifiers_.clear();
    // Destroyed without unrealize: unplug the child while this transport still exists.
    if (auto* bus = dynamic_cast<VirtioBus*>(child("virtio-bus"))) bus->set_transport(nullptr);
}

void VirtioPciProxy::class_init(ClassBuilder<VirtioPciProxy>& c) {
    c.enumeration("disable-legacy", &VirtioPciProxy::disable_legacy_,
                  {{"auto", OnOffAuto::Auto}, {"on", OnOffAuto::On}, {"off", OnOffAuto::Off}}, OnOffAuto::Auto,
                  "drop the legacy virtio interface (I/O BAR0); auto keeps it, as QEMU on a root bus");
    c.boolean("disable-modern", &VirtioPciProxy::disable_modern_, false,
              "drop the modern virtio 1.x interface (capabilities, BAR4, VIRTIO_F_VERSION_1)");
    Property vectors;
    vectors.name = "vectors";
    vectors.kind = PropertyKind::Uint;
    vectors.type_name = "uint32";
    vectors.description = "MSI-X vectors: 0 for none (INTx only), auto for one per virtqueue plus one";
    vectors.default_value = "auto";
    vectors.parse = [](Object& o, std::string_view s) {
        dynamic_cast<VirtioPciProxy&>(o).vectors_ = s == "auto" ? -1 : static_cast<std::int64_t>(parse_uint(s, 0, 2048));
    };
    vectors.print = [](const Object& o) {
        const auto& proxy = dynamic_cast<const VirtioPciProxy&>(o);
        return proxy.vectors_ < 0 ? std::string("auto") : std::to_string(proxy.vectors_);
    };
    c.object_class().add_property(std::move(vectors));
}

VirtioDevice& VirtioPciProxy::virtio_device() {
    if (!device_) {
        std::unique_ptr<Object> object = registry().create(device_type_);
        auto* device = dynamic_cast<VirtioDevice*>(object.get());
        if (!device) throw Error("type '" + device_type_ + "' is not a virtio device");
        add_child("virtio-backend", std::move(object));
        device_ = device;
    }
    return *device_;
}

std::uint16_t VirtioPciProxy::queue_vector(unsigned queue) const {
    return queue < queue_vectors_.size() ? queue_vectors_[queue] : vp::kNoVector;
}

bool VirtioPciProxy::want_legacy() const {
    return transitional_device_id_ != 0 && disable_legacy_ != OnOffAuto::On;
}

PciIds VirtioPciProxy::ids() const {
    const std::uint16_t id = device_ ? device_->device_id() : 0;
    PciIds ids{.vendor_id = pci::kVendorRedHatQumranet, .class_code = class_code_, .interrupt_pin = 1};
    if (want_legacy()) {
        ids.device_id = transitional_device_id_;
        ids.revision = 0;  // the legacy driver's ABI version
        ids.subsystem_vendor_id = pci::kVendorRedHatQumranet;
        ids.subsystem_id = id;
    } else {
        ids.device_id = static_cast<std::uint16_t>(vp::kModernDeviceIdBase + id);
        ids.revision = 1;
    }
    return ids;
}

// ---- Realize -------------------------------------------------------------------------------------

void VirtioPciProxy::realize_pci() {
    if (transitional_device_id_ == 0 && disable_legacy_ == OnOffAuto::Off)
        throw Error("disable-legacy=off: " + device_type_ + " has no legacy interface");
    legacy_enabled_ = want_legacy();
    if (!legacy_enabled_ && disable_modern_)
        throw Error("disable-legacy and disable-modern leave the device no interface");

    VirtioDevice& device = virtio_device();
    if (!virtio_bus_) {
        Object* existing = child("virtio-bus");
        virtio_bus_ = existing ? dynamic_cast<VirtioBus*>(existing)
                               : dynamic_cast<VirtioBus*>(&add_child("virtio-bus", registry().create("virtio-bus")));
        if (!virtio_bus_) throw Error("'virtio-bus' is not a virtio bus");
    }
    virtio_bus_->set_transport(this);
    try {
        device.set_bus(*virtio_bus_);
        device.realize();
        queue_vectors_.assign(device.queue_count(), vp::kNoVector);
        vectors_resolved_ = vectors_ < 0 ? device.queue_count() + 1 : static_cast<unsigned>(vectors_);

        if (legacy_enabled_) {
            MmioOps ops;
            ops.read = [this](Addr offset, unsigned size) { return legacy_read(offset, size); };
            ops.write = [this](Addr offset, std::uint64_t value, unsigned size) { legacy_write(offset, value, size); };
            ops.valid_min = ops.impl_min = 1;
            ops.valid_max = ops.impl_max = 4;
            const unsigned header = vectors_resolved_ ? vp::legacy::kConfigMsix : vp::legacy::kConfigNoMsix;
            legacy_bar_ = MemoryRegion::mmio(device_type_ + ".legacy", std::bit_ceil(header + device.config_size()), ops);
            register_bar(vp::kLegacyBar, *legacy_bar_, PciBarType::Io);
        }
        if (!disable_modern_) {
            MmioOps ops;
            ops.read = [this](Addr offset, unsigned size) { return modern_read(offset, size); };
            ops.write = [this](Addr offset, std::uint64_t value, unsigned size) { modern_write(offset, value, size); };
            ops.valid_min = ops.impl_min = 1;
            ops.valid_max = 8;
            ops.impl_max = 4;
            modern_bar_ = MemoryRegion::mmio(device_type_ + ".modern", vp::kModernBarSize, ops);
            register_bar(vp::kModernBar, *modern_bar_, PciBarType::Mem64Prefetch);
            add_modern_capabilities();
        }
        if (vectors_resolved_) msix_init_exclusive_bar(vectors_resolved_, vp::kMsixBar);
    } catch (...) {
        device.unrealize();
        virtio_bus_->set_transport(nullptr);
        throw;
    }
    transport_reset();
}

void VirtioPciProxy::add_modern_capabilities() {
    auto capability = [this](std::uint8_t cfg_type, unsigned size, Addr offset, Addr length) {
        const unsigned at = add_capability(pci::kCapVendor, size);
        set_config(at + 2, size, 1);  // cap_len
        set_config(at + vp::kCapCfgType, cfg_type, 1);
        set_config(at + vp::kCapBar, cfg_type == vp::kCapPciCfg ? 0 : vp::kModernBar, 1);
        set_config(at + vp::kCapOffset, static_cast<std::uint32_t>(offset), 4);
        set_config(at + vp::kCapLength, static_cast<std::uint32_t>(length), 4);
        return at;
    };
    capability(vp::kCapCommonCfg, vp::kCapSize, vp::kCommonOffset, vp::kRegionSize);
    capability(vp::kCapIsrCfg, vp::kCapSize, vp::kIsrOffset, vp::kRegionSize);
    capability(vp::kCapDeviceCfg, vp::kCapSize, vp::kDeviceOffset, vp::kRegionSize);
    const unsigned notify = capability(vp::kCapNotifyCfg, vp::kNotifyCapSize, vp::kNotifyOffset, vp::kRegionSize);
    set_config(notify + vp::kNotifyCapMultiplier, vp::kNotifyMultiplier, 4);
    // The PCI configuration access capability: the driver picks bar/offset/length, then reads or
    // writes pci_cfg_data to access the BAR through config space (§4.1.4.9).
    pci_cfg_cap_ = capability(vp::kCapPciCfg, vp::kPciCfgCapSize, 0, 0);
    set_write_mask(pci_cfg_cap_ + vp::kCapBar, 0xff, 1);
    set_write_mask(pci_cfg_cap_ + vp::kCapOffset, 0xffffffffu, 4);
    set_write_mask(pci_cfg_cap_ + vp::kCapLength, 0xffffffffu, 4);
    set_write_mask(pci_cfg_cap_ + vp::kPciCfgCapData, 0xffffffffu, 4);
}

void VirtioPciProxy::unrealize_pci() {
    notifiers_.clear();
    notifiers_modern_bar_ = notifiers_legacy_bar_ = kUnmapped;
    if (device_ && device_->realized()) device_->unrealize();
    if (virtio_bus_) virtio_bus_->set_transport(nullptr);
    pci_cfg_cap_ = 0;
    queue_vectors_.clear();
}

// ---- Resets and interrupts ------------------------------------------------------------------------

void VirtioPciProxy::transport_reset() {
    device_feature_select_ = driver_feature_select_ = 0;
    driver_features_[0] = driver_features_[1] = 0;
    queue_select_ = 0;
    config_vector_ = vp::kNoVector;
    std::fill(queue_vectors_.begin(), queue_vectors_.end(), vp::kNoVector);
    update_intx();
}

void VirtioPciProxy::reset() {
    PciDevice::reset();
    update_ioeventfds();  // the BARs are unmapped now
    if (VirtioDevice* d = plugged()) d->reset();  // calls device_reset
    transport_reset();
}

void VirtioPciProxy::device_plugged(VirtioDevice&) { transport_reset(); }
void VirtioPciProxy::device_unplugged(VirtioDevice&) { set_irq_level(false); }
void VirtioPciProxy::device_reset(VirtioDevice&) { transport_reset(); }

std::uint64_t VirtioPciProxy::transport_features() const {
    return disable_modern_ ? 0 : virtio::bit(virtio::kFVersion1);
}

// INTx follows the ISR while MSI-X is off; with MSI-X on, vectors carry the interrupts.
void VirtioPciProxy::update_intx() {
    VirtioDevice* d = plugged();
    set_irq_level(d && !msix_enabled() && d->isr() != 0);
}

void VirtioPciProxy::notify_vector(std::uint16_t vector) {
    if (vector != vp::kNoVector && vector < vectors_resolved_) msix_notify(vector);
}

void VirtioPciProxy::queue_interrupt(VirtioDevice&, unsigned queue) {
    if (msix_enabled())
        notify_vector(queue_vector(queue));
    else
        update_intx();
}

void VirtioPciProxy::config_interrupt(VirtioDevice&) {
    if (msix_enabled())
        notify_vector(config_vector_);
    else
        update_intx();
}

std::uint16_t VirtioPciProxy::checked_vector(std::uint32_t value) const {
    return value < vectors_resolved_ ? static_cast<std::uint16_t>(value) : vp::kNoVector;
}

void VirtioPciProxy::kick(unsigned queue) {
    VirtioDevice* d = plugged();
    if (d && bus_master()) d->kick_queue(queue);  // no DMA for a function that may not master
}

void VirtioPciProxy::update_ioeventfds() {
    Machine* board = realized() ? machine() : nullptr;
    auto* accel = board ? dynamic_cast<IoEventAccelerator*>(board->accelerator()) : nullptr;
    VirtioDevice* d = plugged();
    const bool possible = accel && d;
    const Addr modern_bar = possible && modern_bar_ ? bar_address(vp::kModernBar) : kUnmapped;
    const Addr legacy_bar = possible && legacy_bar_ ? bar_address(vp::kLegacyBar) : kUnmapped;
    if (modern_bar == notifiers_modern_bar_ && legacy_bar == notifiers_legacy_bar_) return;
    notifiers_.clear();  // runs the handler of a doorbell rung but not yet handled
    notifiers_modern_bar_ = modern_bar;
    notifiers_legacy_bar_ = legacy_bar;
    if (!possible) return;

    const unsigned queues = d->queue_count();
    const Addr notify = cpu_address(board->system_memory(), modern_bar, *modern_bar_, vp::kNotifyOffset,
                                    Addr{queues} * vp::kNotifyMultiplier);
    auto* x86 = dynamic_cast<X86Machine*>(board);
    const Addr port = legacy_bar_ ? cpu_address(x86 ? x86->io_space() : nullptr, legacy_bar, *legacy_bar_,
                                                vp::legacy::kQueueNotify, 2)
                                  : kUnmapped;
    for (unsigned queue = 0; queue < queues; ++queue) {
        if (!d->find_queue(queue)) continue;
        auto add = [&](const IoEventMatch& match) {
            if (auto handler = IoEventHandler::create(board->loop(), *accel, match, [this, queue] { kick(queue); }))
                notifiers_.push_back(std::move(handler));
        };
        // Linux and SeaBIOS write the queue index as 16 bits to either doorbell.
        if (notify != kUnmapped)
            add({.space = IoEventSpace::Memory, .address = notify + Addr{queue} * vp::kNotifyMultiplier, .size = 2});
        if (port != kUnmapped && port <= 0xffff)
            add({.space = IoEventSpace::Io, .address = port, .size = 2, .data = queue});
    }
}

void VirtioPciProxy::write_status(VirtioDevice& d, std::uint8_t status, bool legacy_interface) {
    if (!legacy_interface && status != 0 && (status & virtio::kStatusFeaturesOk) &&
        !(d.status() & virtio::kStatusFeaturesOk)) {
        const std::uint64_t features = std::uint64_t{driver_features_[1]} << 32 | driver_features_[0];
        if (!d.negotiate_features(features)) status &= static_cast<std::uint8_t>(~virtio::kStatusFeaturesOk);
    }
    // QEMU's quirk: old legacy drivers never enabled bus mastering.
    if (legacy_interface && (status & virtio::kStatusDriverOk) && !bus_master())
        PciDevice::config_write(pci::kCommand, command() | pci::kCommandMaster, 2);
    d.set_status(status);
    update_intx();
}

// ---- Config space: MSI-X enable, bus mastering, the PCI configuration access capability ------------

std::uint32_t VirtioPciProxy::config_read(unsigned offset, unsigned size) {
    if (pci_cfg_cap_ && overlaps(offset, size, pci_cfg_cap_ + vp::kPciCfgCapData, 4)) {
        const unsigned bar = get_config(pci_cfg_cap_ + vp::kCapBar, 1);
        const std::uint32_t at = get_config(pci_cfg_cap_ + vp::kCapOffset, 4);
        const std::uint32_t length = get_config(pci_cfg_cap_ + vp::kCapLength, 4);
        if (bar == vp::kModernBar && (length == 1 || length == 2 || length == 4) && at < vp::kModernBarSize &&
            length <= vp::kModernBarSize - at)
            set_config(pci_cfg_cap_ + vp::kPciCfgCapData, static_cast<std::uint32_t>(modern_read(at, length)), length);
    }
    return PciDevice::config_read(offset, size);
}

void VirtioPciProxy::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    const bool was_master = bus_master();
    PciDevice::config_write(offset, value, size);
    if (was_master && !bus_master())
        if (VirtioDevice* d = plugged(); d && d->driver_ok())
            d->set_status(static_cast<std::uint8_t>(d->status() & ~virtio::kStatusDriverOk));
    if (pci_cfg_cap_ && overlaps(offset, size, pci_cfg_cap_ + vp::kPciCfgCapData, 4)) {
        const unsigned bar = get_config(pci_cfg_cap_ + vp::kCapBar, 1);
        const std::uint32_t at = get_config(pci_cfg_cap_ + vp::kCapOffset, 4);
        const std::uint32_t length = get_config(pci_cfg_cap_ + vp::kCapLength, 4);
        if (bar == vp::kModernBar && (length == 1 || length == 2 || length == 4) && at < vp::kModernBarSize &&
            length <= vp::kModernBarSize - at)
            modern_write(at, get_config(pci_cfg_cap_ + vp::kPciCfgCapData, length), length);
    }
    update_intx();  // MSI-X may have been switched on or off
    update_ioeventfds();  // a BAR may have moved, or decoding been switched on or off
}

// ---- The modern BAR ----------------------------------------------------------------------------------

std::uint64_t VirtioPciProxy::modern_read(Addr offset, unsigned size) {
    VirtioDevice* d = plugged();
    if (!d) return 0;
    const Addr region = offset & ~Addr{vp::kRegionSize - 1};
    const Addr at = offset - region;
    if (region == vp::kCommonOffset) return common_read(*d, at, size);
    if (region == vp::kIsrOffset) {
        const std::uint8_t isr = d->take_isr();  // read-to-clear
        update_intx();
        return isr;
    }
    if (region == vp::kDeviceOffset) return d->config_read(static_cast<unsigned>(at), size);
    return 0;  // notifications read as 0
}

void VirtioPciProxy::modern_write(Addr offset, std::uint64_t value, unsigned size) {
    VirtioDevice* d = plugged();
    if (!d) return;
    const Addr region = offset & ~Addr{vp::kRegionSize - 1};
    const Addr at = offset - region;
    if (region == vp::kCommonOffset)
        common_write(*d, at, static_cast<std::uint32_t>(value), size);
    else if (region == vp::kDeviceOffset)
        d->config_write(static_cast<unsigned>(at), static_cast<std::uint32_t>(value), size);
    else if (region == vp::kNotifyOffset)
        kick(static_cast<unsigned>(at / vp::kNotifyMultiplier));
    // The ISR is read-only.
}

std::uint64_t VirtioPciProxy::common_read(VirtioDevice& d, Addr offset, unsigned size) {
    namespace c = vp::common;
    VirtQueue* q = d.find_queue(queue_select_);
    std::uint8_t block[c::kSize] = {};
    put(block, c::kDeviceFeatureSelect, device_feature_select_, 4);
    put(block, c::kDeviceFeature,
        device_feature_select_ < 2 ? d.offered_features(false) >> (32 * device_feature_select_) : 0, 4);
    put(block, c::kDriverFeatureSelect, driver_feature_select_, 4);
    put(block, c::kDriverFeature, driver_feature_select_ < 2 ? driver_features_[driver_feature_select_] : 0, 4);
    put(block, c::kConfigMsixVector, config_vector_, 2);
    put(block, c::kNumQueues, d.queue_count(), 2);
    put(block, c::kDeviceStatus, d.status(), 1);
    put(block, c::kConfigGeneration, d.config_generation(), 1);
    put(block, c::kQueueSelect, queue_select_, 2);
    put(block, c::kQueueMsixVector, q ? queue_vector(queue_select_) : vp::kNoVector, 2);
    if (q) {
        put(block, c::kQueueSize, q->size(), 2);
        put(block, c::kQueueEnable, q->ready() ? 1 : 0, 2);
        put(block, c::kQueueNotifyOff, queue_select_, 2);
        put(block, c::kQueueDesc, q->desc_addr(), 8);
        put(block, c::kQueueDriver, q->driver_addr(), 8);
        put(block, c::kQueueDevice, q->device_addr(), 8);
    }
    return extract(block, c::kSize, offset, size);
}

void VirtioPciProxy::common_write(VirtioDevice& d, Addr offset, std::uint32_t value, unsigned size) {
    namespace c = vp::common;
    VirtQueue* q = d.find_queue(queue_select_);
    const auto value16 = static_cast<std::uint16_t>(size >= 2 ? value : value & 0xff);
    switch (offset) {
    case c::kDeviceFeatureSelect:
        device_feature_select_ = value;
        break;
    case c::kDriverFeatureSelect:
        driver_feature_select_ = value;
        break;
    case c::kDriverFeature:
        if (driver_feature_select_ < 2 && !(d.status() & virtio::kStatusFeaturesOk))
            driver_features_[driver_feature_select_] = value;
        break;
    case c::kConfigMsixVector:
        config_vector_ = checked_vector(value16);
        break;
    case c::kDeviceStatus:
        write_status(d, static_cast<std::uint8_t>(value), false);
        break;
    case c::kQueueSelect:
        queue_select_ = value16;
        break;
    case c::kQueueSize:
        if (q && !q->ready()) q->set_size(value16);
        break;
    case c::kQueueMsixVector:
        if (q) queue_vectors_[queue_select_] = checked_vector(value16);
        break;
    case c::kQueueEnable:
        if (q && value16 == 1) q->set_ready(true);  // 0 is not the driver's to write (§4.1.4.3.2)
        break;
    case c::kQueueDesc:
        if (q) q->set_desc_addr(set_low(q->desc_addr(), value));
        break;
    case c::kQueueDesc + 4:
        if (q) q->set_desc_addr(set_high(q->desc_addr(), value));
        break;
    case c::kQueueDriver:
        if (q) q->set_driver_addr(set_low(q->driver_addr(), value));
        break;
    case c::kQueueDriver + 4:
        if (q) q->set_driver_addr(set_high(q->driver_addr(), value));
        break;
    case c::kQueueDevice:
        if (q) q->set_device_addr(set_low(q->device_addr(), value));
        break;
    case c::kQueueDevice + 4:
        if (q) q->set_device_addr(set_high(q->device_addr(), value));
        break;
    default:
        break;  // read-only fields; queue_reset (VIRTIO_F_RING_RESET is not offered)
    }
}

// ---- The legacy I/O BAR ------------------------------------------------------------------------------

unsigned VirtioPciProxy::legacy_config_offset() const {
    return msix_enabled() ? vp::legacy::kConfigMsix : vp::legacy::kConfigNoMsix;
}

std::uint64_t VirtioPciProxy::legacy_read(Addr offset, unsigned size) {
    namespace l = vp::legacy;
    VirtioDevice* d = plugged();
    if (!d) return 0;
    const unsigned config = legacy_config_offset();
    if (offset >= config) return d->config_read(static_cast<unsigned>(offset - config), size);
    VirtQueue* q = d->find_queue(queue_select_);
    std::uint8_t block[l::kConfigMsix] = {};
    put(block, l::kHostFeatures, d->offered_features(true), 4);
    put(block, l::kGuestFeatures, d->driver_features(), 4);
    put(block, l::kQueuePfn, q && q->ready() ? q->desc_addr() >> l::kPfnShift : 0, 4);
    put(block, l::kQueueNum, q ? q->size() : 0, 2);
    put(block, l::kQueueSel, queue_select_, 2);
    put(block, l::kStatus, d->status(), 1);
    put(block, l::kConfigVector, config_vector_, 2);
    put(block, l::kQueueVector, q ? queue_vector(queue_select_) : vp::kNoVector, 2);
    if (overlaps(static_cast<unsigned>(offset), size, l::kIsr, 1)) {
        put(block, l::kIsr, d->take_isr(), 1);  // read-to-clear
        update_intx();
    }
    return extract(block, config, offset, size);
}

void VirtioPciProxy::legacy_write(Addr offset, std::uint64_t value64, unsigned size) {
    namespace l = vp::legacy;
    VirtioDevice* d = plugged();
    if (!d) return;
    const unsigned config = legacy_config_offset();
    const auto value = static_cast<std::uint32_t>(value64);
    if (offset >= config) {
        d->config_write(static_cast<unsigned>(offset - config), value, size);
        return;
    }
    VirtQueue* q = d->find_queue(queue_select_);
    switch (offset) {
    case l::kGuestFeatures:
        d->set_legacy_driver_features(value);
        break;
    case l::kQueuePfn:
        if (!q) break;
        if (value == 0) {
            q->set_ready(false);
        } else {
            q->set_legacy_align(VirtQueue::kLegacyAlign);
            q->set_legacy_base(Addr{value} << l::kPfnShift);
            q->set_ready(true);
        }
        break;
    case l::kQueueSel:
        queue_select_ = static_cast<std::uint16_t>(value);
        break;
    case l::kQueueNotify:
        kick(value & 0xffff);
        break;
    case l::kStatus:
        write_status(*d, static_cast<std::uint8_t>(value), true);
        break;
    case l::kConfigVector:  // only reached with MSI-X enabled (else the config space is here)
        config_vector_ = checked_vector(value & 0xffff);
        break;
    case l::kQueueVector:
        if (q) queue_vectors_[queue_select_] = checked_vector(value & 0xffff);
        break;
    default:
        break;  // host features, queue size, ISR: read-only
    }
}

// ---- The "-pci" type of a virtio device ----------------------------------------------------------------

void add_virtio_pci_type(TypeBatch& types, VirtioPciTypeInfo info) {
    auto device_class_init = info.device_class_init;
    auto class_init = [device_class_init, rom = info.default_romfile](ObjectClass& cls) {
        ClassBuilder<VirtioPciProxy> builder(cls);
        VirtioPciProxy::class_init(builder);
        if (!rom.empty()) cls.set_default("romfile", rom);
        // The device's properties (the virtio core's and its own), forwarded to the child.
        ObjectClass device_class;
        ClassBuilder<VirtioDevice> core(device_class);
        VirtioDevice::class_init(core);
        if (device_class_init) device_class_init(device_class);
        for (const Property& p : device_class.properties()) {
            Property forwarded = p;
            forwarded.parse = [parse = p.parse](Object& o, std::string_view s) {
                parse(dynamic_cast<VirtioPciProxy&>(o).virtio_device(), s);
            };
            forwarded.print = [print = p.print](const Object& o) {
                auto& proxy = const_cast<VirtioPciProxy&>(dynamic_cast<const VirtioPciProxy&>(o));
                return print(proxy.virtio_device());
            };
            cls.add_property(std::move(forwarded));
        }
    };
    auto factory = [device_type = info.device_type, id = info.transitional_device_id, code = info.class_code] {
        return std::unique_ptr<Object>(new VirtioPciProxy(device_type, id, code));
    };
    types.add({.name = std::move(info.name),
               .parent = "pci-device",
               .category = info.category,
               .description = std::move(info.description),
               .factory = std::move(factory),
               .class_init = std::move(class_init)});
}

}  // namespace emu
