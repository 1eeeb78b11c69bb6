// The virtio core: VirtioDevice (features, status, ISR, config space, reset, broken state),
// the virtio bus that joins a device to its transport, and registration of the core types.
// Virtqueues are in virtio_queue.cpp.
#include <iostream>

#include "emu/error.h"
#include "emu/machine.h"
#include "emu/type.h"
#include "emu/virtio.h"

namespace emu {

VirtioTransport::~VirtioTransport() = default;

// ---- The bus -------------------------------------------------------------------------------

VirtioBus::~VirtioBus() {
    // A device outliving its bus (a tree destroyed without unrealize) forgets it.
    if (device_) device_->unplug();
}

void VirtioBus::set_transport(VirtioTransport* transport) {
    if (transport == transport_) return;
    if (device_) device_->unplug();
    transport_ = transport;
}

namespace {

void collect_buses(const Object& object, std::vector<VirtioBus*>& out) {
    for (const auto& child : object.children()) {
        if (auto* bus = dynamic_cast<VirtioBus*>(child.get())) out.push_back(bus);
        collect_buses(*child, out);
    }
}

}  // namespace

std::vector<VirtioBus*> find_virtio_buses(const Object& root) {
    std::vector<VirtioBus*> buses;
    collect_buses(root, buses);
    return buses;
}

VirtioBus* find_free_virtio_bus(const Object& root) {
    std::vector<VirtioBus*> buses = find_virtio_buses(root);
    for (auto it = buses.rbegin(); it != buses.rend(); ++it)
        if ((*it)->free()) return *it;
    return nullptr;
}

// ---- The device: class, realize, plugging ---------------------------------------------------

void VirtioDevice::class_init(ClassBuilder<VirtioDevice>& c) {
    c.set_bus("virtio");
    c.boolean("indirect_desc", &VirtioDevice::indirect_desc_, true,
              "offer VIRTIO_F_INDIRECT_DESC (indirect descriptor tables)");
    c.boolean("event_idx", &VirtioDevice::event_idx_, true,
              "offer VIRTIO_F_EVENT_IDX (notification suppression by ring index)");
}

VirtioDevice::~VirtioDevice() { unplug(); }

VirtQueue& VirtioDevice::add_queue(std::uint16_t max_size, VirtQueue::Handler handler) {
    if (max_size == 0 || (max_size & (max_size - 1)) != 0)
        throw Error("virtqueue " + std::to_string(queues_.size()) + ": maximum size " + std::to_string(max_size) +
                    " is not a power of two");
    if (queues_.size() >= 1024) throw Error("too many virtqueues (at most 1024)");
    queues_.push_back(std::make_unique<VirtQueue>(*this, static_cast<unsigned>(queues_.size()), max_size,
                                                  std::move(handler)));
    return *queues_.back();
}

void VirtioDevice::do_realize() {
    queues_.clear();
    config_.clear();
    realize_virtio();
    try {
        VirtioBus* bus = given_bus_;
        if (!bus) {
            const Object* scope = machine();
            bus = find_free_virtio_bus(scope ? static_cast<const Object&>(*scope) : root());
        }
        if (!bus) throw Error("this machine has no free virtio-mmio transport");
        if (!bus->transport()) throw Error("virtio bus " + bus->path() + " has no transport");
        if (bus->device() && bus->device() != this)
            throw Error("virtio bus " + bus->path() + " already holds " + bus->device()->display_name());
        plug(*bus);
    } catch (...) {
        unrealize_virtio();
        queues_.clear();
        throw;
    }
}

void VirtioDevice::do_unrealize() {
    unplug();
    unrealize_virtio();
    queues_.clear();
}

void VirtioDevice::plug(VirtioBus& bus) {
    VirtioTransport& transport = *bus.transport();
    AddressSpace* space = transport.dma_space();
    if (!space) throw Error("the virtio transport " + bus.path() + " has no guest memory to reach");
    std::uint64_t features = device_features() | transport.transport_features() |
                             virtio::bit(virtio::kFNotifyOnEmpty) | virtio::bit(virtio::kFAnyLayout);
    if (indirect_desc_) features |= virtio::bit(virtio::kFIndirectDesc);
    if (event_idx_) features |= virtio::bit(virtio::kFEventIdx);
    host_features_ = features;
    dma_ = space;
    bus_ = &bus;
    bus.device_ = this;
    status_ = 0;
    isr_ = 0;
    driver_features_ = 0;
    broken_ = false;
    broken_reason_.clear();
    try {
        transport.device_plugged(*this);
    } catch (...) {
        bus.device_ = nullptr;
        bus_ = nullptr;
        dma_ = nullptr;
        throw;
    }
}

void VirtioDevice::unplug() {
    if (!bus_) return;
    VirtioBus* bus = bus_;
    if (VirtioTransport* transport = bus->transport()) transport->device_unplugged(*this);
    bus->device_ = nullptr;
    bus_ = nullptr;
    dma_ = nullptr;
    for (auto& q : queues_) q->reset();
}

bool VirtioDevice::legacy_transport() const {
    VirtioTransport* t = transport();
    return t && t->legacy();
}

// ---- Features, status, ISR ------------------------------------------------------------------

std::uint64_t VirtioDevice::offered_features(bool legacy_interface) const {
    if (legacy_interface) return host_features_ & 0xffffffffu;
    return host_features_ & ~(virtio::kLegacyOnlyFeatures | device_legacy_only_features());
}

bool VirtioDevice::negotiate_features(std::uint64_t features) {
    if (status_ & virtio::kStatusFeaturesOk) return features == driver_features_;
    if (features & ~offered_features(false)) return false;
    if (!validate_features(features)) return false;
    driver_features_ = features;
    features_changed(features);
    return true;
}

void VirtioDevice::set_legacy_driver_features(std::uint32_t features) {
    if (status_ & virtio::kStatusFeaturesOk) return;
    driver_features_ = features & offered_features(true);
    features_changed(driver_features_);
}

void VirtioDevice::set_status(std::uint8_t status) {
    if (status == 0) {
        reset();
        return;
    }
    const std::uint8_t old = status_;
    status_ = static_cast<std::uint8_t>((status & ~virtio::kStatusNeedsReset) | (old & virtio::kStatusNeedsReset));
    status_changed(old, status_);
}

void VirtioDevice::ack_isr(std::uint8_t bits) { isr_ = static_cast<std::uint8_t>(isr_ & ~bits); }

std::uint8_t VirtioDevice::take_isr() {
    const std::uint8_t value = isr_;
    ack_isr(value);
    return value;
}

void VirtioDevice::kick_queue(unsigned n) {
    if (VirtQueue* q = find_queue(n)) q->kick();
}

void VirtioDevice::queue_interrupt(VirtQueue& queue) {
    VirtioTransport* t = transport();
    if (!t || broken_) return;
    isr_ |= virtio::kIsrQueue;
    t->queue_interrupt(*this, queue.index());
}

void VirtioDevice::notify_config() {
    ++config_generation_;
    VirtioTransport* t = transport();
    if (!t || !driver_ok()) return;
    isr_ |= virtio::kIsrConfig;
    t->config_interrupt(*this);
}

void VirtioDevice::set_broken(const std::string& why) {
    if (broken_) return;
    broken_ = true;
    broken_reason_ = why;
    status_ |= virtio::kStatusNeedsReset;
    std::cerr << "emu: " << display_name() << ": " << why << " (device stopped: the driver must reset it)\n";
    // A modern driver learns of it from a configuration-change interrupt (QEMU does the same).
    if (modern()) notify_config();
}

void VirtioDevice::reset() {
    status_ = 0;
    driver_features_ = 0;
    isr_ = 0;
    broken_ = false;
    broken_reason_.clear();
    for (auto& q : queues_) q->reset();
    reset_device();
    if (VirtioTransport* t = transport()) t->device_reset(*this);
}

// ---- Config space ------------------------------------------------------------------------------

std::uint32_t VirtioDevice::config_read(unsigned offset, unsigned size) {
    if (size == 0 || size > 4 || offset > config_.size() || size > config_.size() - offset) return 0xffffffffu;
    return static_cast<std::uint32_t>(config_load(offset, size));
}

void VirtioDevice::config_write(unsigned, std::uint32_t, unsigned) {}

void VirtioDevice::config_store(unsigned offset, std::uint64_t value, unsigned size) {
    for (unsigned i = 0; i < size && i < 8; ++i)
        if (std::size_t{offset} + i < config_.size()) config_[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t VirtioDevice::config_load(unsigned offset, unsigned size) const {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size && i < 8; ++i)
        if (std::size_t{offset} + i < config_.size()) value |= std::uint64_t{config_[offset + i]} << (8 * i);
    return value;
}

// ---- Types ---------------------------------------------------------------------------------------

void register_virtio_types(TypeRegistry& registry) {
    if (registry.find("virtio-device") && registry.find("virtio-bus")) return;
    TypeBatch batch;
    batch.add({.name = "virtio-bus",
               .user_creatable = false,
               .description = "the slot of a virtio transport that holds one virtio device",
               .factory = factory_of<VirtioBus>()});
    batch.add({.name = "virtio-device",
               .parent = "device",
               .abstract = true,
               .description = "base of virtio devices (they plug into a free virtio transport)",
               .class_init = class_init_of<VirtioDevice>(&VirtioDevice::class_init)});
    registry.register_batch(batch, "core");
}

}  // namespace emu
