// The PCI bus: devices by devfn, configuration-cycle routing, INTx aggregation; the ECAM and
// 0xcf8/0xcfc decoders; PCI addresses; registration of the core PCI types.
#include <charconv>
#include <cstdio>

#include "emu/error.h"
#include "emu/machine.h"
#include "emu/pci.h"
#include "emu/type.h"

namespace emu {

namespace {

std::uint32_t all_ones(unsigned size) { return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1; }

}  // namespace

// ---- PciBus ------------------------------------------------------------------------------------

void PciBus::set_windows(MemoryRegion& memory, MemoryRegion& io) {
    memory_window_ = &memory;
    io_window_ = &io;
}

void PciBus::set_irq_routing(unsigned lines, MapIrq map_irq, SetIrq set_irq) {
    irq_count_.assign(lines, 0);
    map_irq_ = std::move(map_irq);
    set_irq_ = std::move(set_irq);
}

AddressSpace* PciBus::dma_space() const {
    if (dma_space_) return dma_space_;
    Machine* m = machine();
    return m ? m->system_memory() : nullptr;
}

std::vector<PciDevice*> PciBus::devices() const {
    std::vector<PciDevice*> out;
    for (PciDevice* d : devices_)
        if (d) out.push_back(d);
    return out;
}

int PciBus::first_free_slot() const {
    for (unsigned slot = 0; slot < 32; ++slot) {
        bool free = true;
        for (unsigned fn = 0; fn < 8 && free; ++fn) free = devices_[pci::devfn(slot, fn)] == nullptr;
        if (free) return static_cast<int>(slot);
    }
    return -1;
}

void PciBus::plug(PciDevice& device, std::uint8_t devfn) {
    if (PciDevice* other = devices_[devfn]; other && other != &device)
        throw Error("PCI address " + format_devfn(devfn) + " on bus " + id() + " is already taken by " +
                    other->display_name());
    devices_[devfn] = &device;
}

void PciBus::unplug(PciDevice& device) {
    for (PciDevice*& d : devices_)
        if (d == &device) d = nullptr;
}

std::uint32_t PciBus::config_read(unsigned bus, std::uint8_t devfn, unsigned offset, unsigned size) const {
    PciDevice* d = devices_[devfn];
    if (bus != number_ || !d || size == 0 || size > 4 || offset + size > d->config_size()) return all_ones(size);
    return d->config_read(offset, size) & all_ones(size);
}

void PciBus::config_write(unsigned bus, std::uint8_t devfn, unsigned offset, std::uint32_t value, unsigned size) {
    PciDevice* d = devices_[devfn];
    if (bus != number_ || !d || size == 0 || size > 4 || offset + size > d->config_size()) return;
    d->config_write(offset, value & all_ones(size), size);
}

void PciBus::set_irq(std::uint8_t devfn, unsigned pin, bool level) {
    if (!map_irq_ || irq_count_.empty()) return;
    const unsigned line = map_irq_(devfn, pin);
    if (line >= irq_count_.size()) return;
    unsigned& count = irq_count_[line];
    const bool before = count > 0;
    if (level)
        ++count;
    else if (count > 0)
        --count;
    const bool after = count > 0;
    if (before != after && set_irq_) set_irq_(line, after);
}

bool PciBus::irq_line_level(unsigned line) const { return line < irq_count_.size() && irq_count_[line] > 0; }

PciBus* find_pci_bus(const Object& root) {
    for (const auto& child : root.children()) {
        if (child->is_a("pci-bus"))
            if (auto* bus = dynamic_cast<PciBus*>(child.get())) return bus;
        if (PciBus* bus = find_pci_bus(*child)) return bus;
    }
    return nullptr;
}

// ---- Config decoders -------------------------------------------------------------------------

std::unique_ptr<MemoryRegion> make_ecam_region(PciBus& bus, Addr size, std::string name) {
    if (size == 0 || size % (Addr{1} << 20) != 0 || size > (Addr{256} << 20))
        throw Error("ECAM window '" + name + "': size must be a multiple of 1 MiB, at most 256 MiB");
    PciBus* b = &bus;
    auto decode = [b](Addr offset, unsigned& bus_number, std::uint8_t& devfn, unsigned& reg) {
        bus_number = b->bus_number() + static_cast<unsigned>(offset >> 20);
        devfn = static_cast<std::uint8_t>(offset >> 12);
        reg = static_cast<unsigned>(offset & 0xfff);
    };
    MmioOps ops;
    ops.read = [b, decode](Addr offset, unsigned sz) -> std::uint64_t {
        unsigned bus_number = 0, reg = 0;
        std::uint8_t devfn = 0;
        decode(offset, bus_number, devfn, reg);
        return b->config_read(bus_number, devfn, reg, sz);
    };
    ops.write = [b, decode](Addr offset, std::uint64_t value, unsigned sz) {
        unsigned bus_number = 0, reg = 0;
        std::uint8_t devfn = 0;
        decode(offset, bus_number, devfn, reg);
        b->config_write(bus_number, devfn, reg, static_cast<std::uint32_t>(value), sz);
    };
    ops.valid_min = 1;
    ops.valid_max = 4;
    ops.impl_min = 1;
    ops.impl_max = 4;
    return MemoryRegion::mmio(std::move(name), size, std::move(ops));
}

PciConfigPorts make_config_ports(PciBus& bus, std::string name) {
    auto latch = std::make_shared<std::uint32_t>(0);
    PciBus* b = &bus;
    PciConfigPorts ports;

    MmioOps address;
    // Only a 32-bit access at 0xcf8 is CONFIG_ADDRESS; narrower ones belong to other devices.
    address.read = [latch](Addr offset, unsigned size) -> std::uint64_t {
        return offset == 0 && size == 4 ? *latch : all_ones(size);
    };
    address.write = [latch](Addr offset, std::uint64_t value, unsigned size) {
        if (offset == 0 && size == 4) *latch = static_cast<std::uint32_t>(value) & 0x80fffffcu;
    };
    address.valid_min = 1;
    address.valid_max = 4;
    address.impl_min = 1;
    address.impl_max = 4;
    ports.address = MemoryRegion::mmio(name + "-address", 4, std::move(address));

    // CONFIG_ADDRESS: bit 31 enable, 23:16 bus, 15:8 devfn, 7:2 register.
    MmioOps data;
    data.read = [latch, b](Addr offset, unsigned size) -> std::uint64_t {
        const std::uint32_t a = *latch;
        if (!(a & 0x80000000u)) return all_ones(size);
        return b->config_read((a >> 16) & 0xff, static_cast<std::uint8_t>(a >> 8),
                              (a & 0xfc) | static_cast<unsigned>(offset), size);
    };
    data.write = [latch, b](Addr offset, std::uint64_t value, unsigned size) {
        const std::uint32_t a = *latch;
        if (!(a & 0x80000000u)) return;
        b->config_write((a >> 16) & 0xff, static_cast<std::uint8_t>(a >> 8), (a & 0xfc) | static_cast<unsigned>(offset),
                        static_cast<std::uint32_t>(value), size);
    };
    data.valid_min = 1;
    data.valid_max = 4;
    data.impl_min = 1;
    data.impl_max = 4;
    ports.data = MemoryRegion::mmio(name + "-data", 4, std::move(data));
    return ports;
}

// ---- PCI addresses ---------------------------------------------------------------------------

namespace {

// A hex number of at most max_digits digits, optionally 0x-prefixed; the whole text.
bool parse_hex(std::string_view text, unsigned& value) {
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
    if (text.empty() || text.size() > 4) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::uint8_t parse_devfn(std::string_view text) {
    const std::string_view syntax = "is not a PCI address (slot[.function] in hex, e.g. 02.0)";
    const auto dot = text.find('.');
    unsigned slot = 0, function = 0;
    if (!parse_hex(text.substr(0, dot), slot)) throw Error(std::string(syntax));
    if (dot != std::string_view::npos && !parse_hex(text.substr(dot + 1), function)) throw Error(std::string(syntax));
    if (slot > 0x1f) throw Error("is not a PCI address: the slot is at most 1f");
    if (function > 7) throw Error("is not a PCI address: the function is at most 7");
    return pci::devfn(slot, function);
}

std::string format_devfn(std::uint8_t devfn) {
    char text[8];
    std::snprintf(text, sizeof text, "%02x.%x", pci::slot_of(devfn), pci::function_of(devfn));
    return text;
}

// ---- Types -----------------------------------------------------------------------------------

void register_pci_types(TypeRegistry& registry) {
    if (registry.find("pci-device") && registry.find("pci-bus")) return;
    TypeBatch batch;
    batch.add({.name = "pci-bus",
               .user_creatable = false,
               .description = "a PCI bus (created by its host bridge)",
               .factory = factory_of<PciBus>()});
    batch.add({.name = "pci-device",
               .parent = "device",
               .abstract = true,
               .description = "base of PCI devices (they plug into the machine's PCI bus)",
               .class_init = class_init_of<PciDevice>(&PciDevice::class_init)});
    registry.register_batch(batch, "core");
}


}  // namespace emu
