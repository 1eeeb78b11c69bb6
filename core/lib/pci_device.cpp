// PciDevice: realize/plug, config space with write and W1C masks, BARs and the expansion ROM,
// capabilities, INTx and bus-master DMA. MSI and MSI-X are in pci_msi.cpp.
#include <algorithm>
#include <bit>
#include <cstring>

#include "emu/error.h"
#include "emu/loader.h"
#include "emu/machine.h"
#include "emu/pci.h"

namespace emu {

namespace {

bool overlaps(unsigned offset, unsigned size, unsigned start, unsigned length) {
    return offset < start + length && start < offset + size;
}

bool is_64bit(PciBarType type) { return type == PciBarType::Mem64 || type == PciBarType::Mem64Prefetch; }

std::string hex(unsigned value) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), digits[value & 0xf]);
        value >>= 4;
    } while (value);
    return "0x" + out;
}

void store(std::vector<std::uint8_t>& bytes, unsigned offset, std::uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size && i < 4; ++i)
        if (offset + i < bytes.size()) bytes[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// A ROM built for a family of cards (iPXE's ne2k_pci image names vendor 0000 in its PCI data
// structure) is only run by firmware whose IDs match the device's: put the device's IDs there, as
// QEMU does, and keep the image's byte sum by adjusting byte 6, which iPXE leaves for this.
void patch_rom_ids(std::vector<std::uint8_t>& rom, std::uint16_t vendor, std::uint16_t device) {
    if (rom.size() < 0x1a || rom[0] != 0x55 || rom[1] != 0xaa) return;
    const unsigned pcir = rom[0x18] | (rom[0x19] << 8);
    if (pcir + 8 > rom.size() || std::memcmp(&rom[pcir], "PCIR", 4) != 0) return;
    const std::uint8_t ids[4] = {static_cast<std::uint8_t>(vendor), static_cast<std::uint8_t>(vendor >> 8),
                                 static_cast<std::uint8_t>(device), static_cast<std::uint8_t>(device >> 8)};
    auto fix = static_cast<unsigned>(rom[6]);
    for (unsigned i = 0; i < 4; ++i) {
        fix += rom[pcir + 4 + i] - ids[i];
        rom[pcir + 4 + i] = ids[i];
    }
    rom[6] = static_cast<std::uint8_t>(fix);
}

}  // namespace

// ---- Class, lifetime ---------------------------------------------------------------------------

void PciDevice::class_init(ClassBuilder<PciDevice>& c) {
    c.set_bus("pci");
    Property addr;
    addr.name = "addr";
    addr.kind = PropertyKind::String;
    addr.type_name = "slot[.fn]";
    addr.description = "PCI address: slot and function in hex (02.0), or auto for the first free slot";
    addr.default_value = "auto";
    addr.parse = [](Object& o, std::string_view s) {
        auto& device = dynamic_cast<PciDevice&>(o);
        device.requested_devfn_ = s == "auto" || s == "-1" ? -1 : parse_devfn(s);
    };
    addr.print = [](const Object& o) {
        const auto& device = dynamic_cast<const PciDevice&>(o);
        if (device.plugged_) return format_devfn(device.devfn_);
        return device.requested_devfn_ < 0 ? std::string("auto")
                                           : format_devfn(static_cast<std::uint8_t>(device.requested_devfn_));
    };
    c.object_class().add_property(std::move(addr));
    c.string("romfile", &PciDevice::romfile_, std::nullopt,
             "expansion ROM image, mapped behind the ROM BAR (empty: no ROM)");
    c.boolean("multifunction", &PciDevice::multifunction_, false,
              "set the multi-function bit, so functions 1..7 of the slot may be used");
}

PciDevice::~PciDevice() {
    // Normally unrealize has done this; a tree destroyed without unrealize must not leave the
    // bus pointing here.
    if (plugged_ && bus_) {
        if (intx_asserted_) bus_->set_irq(devfn_, config_[pci::kInterruptPin] - 1u, false);
        bus_->unplug(*this);
    }
    msix_release_irqfds(false);  // the accelerator may be gone already
}

PciBus::~PciBus() {
    // Devices outliving their bus (a tree destroyed without unrealize) forget it and leave the
    // host bridge's windows, which are still alive: the bridge owns the bus.
    for (PciDevice* device : devices_)
        if (device) {
            for (PciDevice::Bar& bar : device->bars_)
                if (bar.window && bar.mapped != PciDevice::kUnmapped) bar.window->remove_subregion(*bar.region);
            for (PciDevice::Bar& bar : device->bars_) {
                bar.window = nullptr;
                bar.mapped = PciDevice::kUnmapped;
            }
            device->plugged_ = false;
            device->intx_asserted_ = false;
            device->bus_ = nullptr;
            if (device->given_bus_ == this) device->given_bus_ = nullptr;
        }
}

std::string PciDevice::address() const { return format_devfn(devfn_); }

int PciDevice::choose_devfn(PciBus& bus) const {
    int chosen = requested_devfn_;
    if (chosen < 0) {
        const int slot = bus.first_free_slot();
        if (slot < 0) throw Error("PCI bus " + bus.id() + " has no free slot");
        chosen = slot << 3;
    }
    const auto devfn = static_cast<std::uint8_t>(chosen);
    if (PciDevice* other = bus.device(devfn); other && other != this)
        throw Error("PCI address " + format_devfn(devfn) + " on bus " + bus.id() + " is already taken by " +
                    other->display_name());
    // Functions 1..7 of a slot exist only if function 0 says the slot is multi-function.
    const unsigned slot = pci::slot_of(devfn);
    if (pci::function_of(devfn) == 0) {
        if (!multifunction_)
            for (unsigned fn = 1; fn < 8; ++fn)
                if (PciDevice* other = bus.device(pci::devfn(slot, fn)))
                    throw Error("PCI address " + format_devfn(devfn) + ": " + format_devfn(pci::devfn(slot, fn)) +
                                " is already taken by " + other->display_name() +
                                ", so function 0 needs multifunction=on");
    } else if (PciDevice* first = bus.device(pci::devfn(slot, 0)); first && !first->multifunction_) {
        throw Error("PCI address " + format_devfn(devfn) + ": function 0 of the slot is " + first->display_name() +
                    ", a single-function device (give it multifunction=on)");
    }
    return chosen;
}

void PciDevice::do_realize() {
    const PciIds id = ids();
    PciBus* bus = given_bus_;
    if (!bus)
        if (Machine* m = machine()) bus = find_pci_bus(*m);
    if (!bus) throw Error("this machine has no PCI bus");
    if (id.interrupt_pin > 4) throw Error("interrupt pin " + std::to_string(id.interrupt_pin) + " is not 0..4");
    const auto devfn = static_cast<std::uint8_t>(choose_devfn(*bus));
    // Read the ROM image before anything changes, so a missing file fails cleanly.
    std::vector<std::uint8_t> rom_image;
    if (!romfile_.empty()) {
        rom_image = read_file(romfile_, "romfile");
        if (rom_image.empty()) throw Error("romfile " + romfile_ + ": the file is empty");
        if (rom_image.size() > (std::size_t{16} << 20)) throw Error("romfile " + romfile_ + ": larger than 16 MiB");
        patch_rom_ids(rom_image, id.vendor_id, id.device_id);
    }

    bus_ = bus;
    devfn_ = devfn;
    const unsigned size = id.express ? pci::kExpressConfigSpaceSize : pci::kConfigSpaceSize;
    config_.assign(size, 0);
    wmask_.assign(size, 0);
    w1cmask_.assign(size, 0);
    used_.reset();
    for (unsigned i = 0; i < pci::kCapabilityStart; ++i) used_.set(i);
    last_ext_cap_ = 0;
    bars_ = {};
    irq_level_ = intx_asserted_ = false;

    set_config(pci::kVendorId, id.vendor_id, 2);
    set_config(pci::kDeviceId, id.device_id, 2);
    set_config(pci::kRevisionId, id.revision, 1);
    set_config(pci::kClassProg, id.class_code & 0xff, 1);
    set_config(pci::kClassDevice, (id.class_code >> 8) & 0xffff, 2);
    set_config(pci::kHeaderType, multifunction_ ? pci::kHeaderTypeMultiFunction : pci::kHeaderTypeNormal, 1);
    const bool default_subsystem = id.subsystem_vendor_id == 0 && id.subsystem_id == 0;
    set_config(pci::kSubsystemVendorId, default_subsystem ? pci::kDefaultSubsystemVendorId : id.subsystem_vendor_id, 2);
    set_config(pci::kSubsystemId, default_subsystem ? pci::kDefaultSubsystemId : id.subsystem_id, 2);
    set_config(pci::kInterruptPin, id.interrupt_pin, 1);
    set_write_mask(pci::kCommand,
                   pci::kCommandIo | pci::kCommandMemory | pci::kCommandMaster | pci::kCommandParity |
                       pci::kCommandSerr | pci::kCommandIntxDisable,
                   2);
    set_w1c_mask(pci::kStatus, pci::kStatusW1cBits, 2);
    set_write_mask(pci::kCacheLineSize, 0xff, 1);
    set_write_mask(pci::kInterruptLine, 0xff, 1);

    bool device_realized = false;
    try {
        realize_pci();
        device_realized = true;
        if (!rom_image.empty()) {
            if (bars_[pci::kRomBar].region)
                throw Error("romfile " + romfile_ + ": this device brings its own expansion ROM");
            rom_ = MemoryRegion::rom(type().name() + ".rom", std::bit_ceil(std::max<Addr>(rom_image.size(), 2048)));
            std::memcpy(rom_->data(), rom_image.data(), rom_image.size());
            register_bar(pci::kRomBar, *rom_, PciBarType::Mem32);
        }
        bus->plug(*this, devfn);
    } catch (...) {
        if (device_realized) unrealize_pci();
        release_resources();
        throw;
    }
    plugged_ = true;
    reset_config_ = config_;
    update_mappings();
}

void PciDevice::do_unrealize() {
    unrealize_pci();
    release_resources();
}

void PciDevice::release_resources() {
    irq_level_ = false;
    if (intx_asserted_ && bus_) bus_->set_irq(devfn_, config_[pci::kInterruptPin] - 1u, false);
    intx_asserted_ = false;
    for (Bar& bar : bars_)
        if (bar.region && bar.window && bar.mapped != kUnmapped) bar.window->remove_subregion(*bar.region);
    bars_ = {};
    for (MemoryRegion* region : {msix_table_region_.get(), msix_pba_region_.get()})
        if (region && region->parent()) region->parent()->remove_subregion(*region);
    msix_table_region_.reset();
    msix_pba_region_.reset();
    msix_bar_.reset();
    rom_.reset();
    msix_release_irqfds(true);
    msix_table_.clear();
    msix_pba_.clear();
    msix_cap_ = msix_vectors_ = 0;
    msi_cap_ = msi_size_ = 0;
    if (plugged_ && bus_) bus_->unplug(*this);
    plugged_ = false;
    bus_ = nullptr;
    config_.clear();
    wmask_.clear();
    w1cmask_.clear();
    reset_config_.clear();
}

void PciDevice::reset() {
    if (config_.empty()) return;
    config_ = reset_config_;
    irq_level_ = false;
    update_intx();
    update_mappings();
    msix_reset();
    msix_sync_irqfds();  // all masked now
}

// ---- Config space ------------------------------------------------------------------------------

std::uint32_t PciDevice::get_config(unsigned offset, unsigned size) const {
    std::uint32_t value = 0;
    for (unsigned i = 0; i < size && i < 4; ++i)
        if (offset + i < config_.size()) value |= std::uint32_t{config_[offset + i]} << (8 * i);
    return value;
}

void PciDevice::set_config(unsigned offset, std::uint32_t value, unsigned size) { store(config_, offset, value, size); }
void PciDevice::set_write_mask(unsigned offset, std::uint32_t mask, unsigned size) { store(wmask_, offset, mask, size); }
void PciDevice::set_w1c_mask(unsigned offset, std::uint32_t mask, unsigned size) { store(w1cmask_, offset, mask, size); }

std::uint32_t PciDevice::config_read(unsigned offset, unsigned size) { return get_config(offset, size); }

void PciDevice::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    if (size == 0 || size > 4 || offset >= config_.size() || offset + size > config_.size()) return;
    for (unsigned i = 0; i < size; ++i) {
        const auto byte = static_cast<std::uint8_t>(value >> (8 * i));
        std::uint8_t& reg = config_[offset + i];
        reg = static_cast<std::uint8_t>((reg & ~wmask_[offset + i]) | (byte & wmask_[offset + i]));
        reg = static_cast<std::uint8_t>(reg & ~(byte & w1cmask_[offset + i]));  // write 1 to clear
    }
    const bool command = overlaps(offset, size, pci::kCommand, 2);
    if (command || overlaps(offset, size, pci::kBar0, 4 * pci::kBarCount) || overlaps(offset, size, pci::kRomAddress, 4))
        update_mappings();
    if (command) update_intx();
    if (msi_cap_ && overlaps(offset, size, msi_cap_, msi_size_)) msi_config_written();
    if (msix_cap_ && (command || overlaps(offset, size, msix_cap_ + pci::kMsixFlags, 2))) msix_sync_irqfds();
    if (msix_cap_ && overlaps(offset, size, msix_cap_ + pci::kMsixFlags, 2)) msix_deliver_unmasked_pending();
}

// ---- BARs --------------------------------------------------------------------------------------

void PciDevice::register_bar(unsigned index, MemoryRegion& region, PciBarType type) {
    if (config_.empty()) throw Error("register_bar: call it from realize_pci");
    const std::string what = index == pci::kRomBar ? "the ROM BAR" : "BAR " + std::to_string(index);
    if (index > pci::kRomBar) throw Error("BAR " + std::to_string(index) + " does not exist (0..5, 6 = ROM)");
    if (index == pci::kRomBar && type != PciBarType::Mem32) throw Error("the ROM BAR is a 32-bit memory BAR");
    if (is_64bit(type) && index + 1 >= pci::kBarCount) throw Error(what + " cannot be 64-bit: it would need BAR 6");
    const bool upper_half = index > 0 && index < pci::kBarCount && bars_[index - 1].region && is_64bit(bars_[index - 1].type);
    if (bars_[index].region || upper_half || (is_64bit(type) && bars_[index + 1].region))
        throw Error(what + " is registered twice");
    if (region.size() == 0) throw Error(what + ": region '" + region.name() + "' is empty");
    const Addr minimum = type == PciBarType::Io ? 4 : index == pci::kRomBar ? 2048 : 16;
    if (region.size() > (Addr{1} << 62)) throw Error(what + ": region '" + region.name() + "' is too large");
    const Addr size = std::bit_ceil(std::max(region.size(), minimum));
    if (!is_64bit(type) && size > (Addr{1} << 31)) throw Error(what + ": too large for a 32-bit BAR");

    Bar& bar = bars_[index];
    bar.region = &region;
    bar.type = type;
    bar.size = size;
    bar.mapped = kUnmapped;
    bar.window = nullptr;
    const unsigned offset = pci::bar_offset(index);
    const Addr mask = ~(size - 1);
    if (index == pci::kRomBar) {
        set_config(offset, 0, 4);
        set_write_mask(offset, (static_cast<std::uint32_t>(mask) & pci::kRomAddressMask) | pci::kRomEnable, 4);
    } else {
        set_config(offset, static_cast<std::uint32_t>(type), 4);
        set_write_mask(offset, static_cast<std::uint32_t>(mask), 4);
        if (is_64bit(type)) {
            set_config(offset + 4, 0, 4);
            set_write_mask(offset + 4, static_cast<std::uint32_t>(mask >> 32), 4);
        }
    }
}

Addr PciDevice::bar_address(unsigned index) const { return index <= pci::kRomBar ? bars_[index].mapped : kUnmapped; }
Addr PciDevice::bar_size(unsigned index) const { return index <= pci::kRomBar ? bars_[index].size : 0; }

// Where the BAR decodes now (PCI 3.0 §6.2.5), or kUnmapped: decoding off, address 0, or a
// range that wraps or (32-bit BARs) ends at 0xffffffff, as the all-ones sizing value does.
Addr PciDevice::bar_target(unsigned index) const {
    const Bar& bar = bars_[index];
    if (!bar.region) return kUnmapped;
    const std::uint16_t cmd = command();
    const unsigned offset = pci::bar_offset(index);
    const std::uint32_t low = get_config(offset, 4);
    Addr base = 0;
    if (index == pci::kRomBar) {
        if (!(cmd & pci::kCommandMemory) || !(low & pci::kRomEnable)) return kUnmapped;
        base = low & pci::kRomAddressMask;
    } else if (bar.type == PciBarType::Io) {
        if (!(cmd & pci::kCommandIo)) return kUnmapped;
        base = low & pci::kBarIoMask;
    } else {
        if (!(cmd & pci::kCommandMemory)) return kUnmapped;
        base = low & pci::kBarMemMask;
        if (is_64bit(bar.type)) base |= Addr{get_config(offset + 4, 4)} << 32;
    }
    base &= ~(bar.size - 1);
    const Addr last = base + bar.size - 1;
    if (base == 0 || last < base || last == ~Addr(0)) return kUnmapped;
    if (!is_64bit(bar.type) && last >= 0xffffffffu) return kUnmapped;
    return base;
}

void PciDevice::update_mappings() {
    if (!bus_) return;
    for (unsigned i = 0; i <= pci::kRomBar; ++i) {
        Bar& bar = bars_[i];
        if (!bar.region) continue;
        MemoryRegion* window = bar.type == PciBarType::Io ? bus_->io_window() : bus_->memory_window();
        if (!window) continue;
        const Addr target = bar_target(i);
        if (target == bar.mapped) continue;
        if (target == kUnmapped) {
            bar.window->remove_subregion(*bar.region);
            bar.window = nullptr;
        } else if (bar.mapped != kUnmapped && bar.window == window) {
            bar.region->set_offset(target);
        } else {
            window->add_subregion(target, *bar.region, 1);
            bar.window = window;
        }
        bar.mapped = target;
    }
}

// ---- Capabilities ----------------------------------------------------------------------------

unsigned PciDevice::add_capability(std::uint8_t id, unsigned size, unsigned offset) {
    if (config_.empty()) throw Error("add_capability: call it from realize_pci");
    const std::string what = "capability " + hex(id) + " (" + std::to_string(size) + " bytes)";
    if (size < 2) throw Error(what + " is too small");
    auto free_at = [&](unsigned at) {
        if (at < pci::kCapabilityStart || at + size > pci::kConfigSpaceSize) return false;
        for (unsigned i = 0; i < size; ++i)
            if (used_.test(at + i)) return false;
        return true;
    };
    if (offset == 0) {
        for (unsigned at = pci::kCapabilityStart; at + size <= pci::kConfigSpaceSize && !offset; at += 4)
            if (free_at(at)) offset = at;
        if (offset == 0) throw Error(what + " does not fit in config space");
    } else if (offset % 4 != 0 || !free_at(offset)) {
        throw Error(what + " at " + hex(offset) + " overlaps another or lies outside 0x40..0xff");
    }
    for (unsigned i = 0; i < size; ++i) used_.set(offset + i);
    // New capabilities go to the head of the list, as on QEMU.
    config_[offset] = id;
    config_[offset + 1] = config_[pci::kCapabilityList];
    config_[pci::kCapabilityList] = static_cast<std::uint8_t>(offset);
    set_config(pci::kStatus, status() | pci::kStatusCapList, 2);
    return offset;
}

unsigned PciDevice::find_capability(std::uint8_t id) const {
    if (config_.empty()) return 0;
    unsigned at = config_[pci::kCapabilityList] & ~3u;
    for (unsigned hops = 0; at >= pci::kCapabilityStart && hops < 48; ++hops) {
        if (config_[at] == id) return at;
        at = config_[at + 1] & ~3u;
    }
    return 0;
}

unsigned PciDevice::add_ext_capability(std::uint16_t id, std::uint8_t version, unsigned size) {
    if (config_.size() < pci::kExpressConfigSpaceSize)
        throw Error("extended capability " + hex(id) + " needs a PCI Express function (PciIds::express)");
    if (size < 4) throw Error("extended capability " + hex(id) + " is too small");
    unsigned offset = 0;
    for (unsigned at = pci::kConfigSpaceSize; at + size <= pci::kExpressConfigSpaceSize && !offset; at += 4) {
        bool free = true;
        for (unsigned i = 0; i < size && free; ++i) free = !used_.test(at + i);
        if (free && (last_ext_cap_ != 0 || at == pci::kConfigSpaceSize)) offset = at;
        if (last_ext_cap_ == 0) break;  // the first one must be at 0x100
    }
    if (offset == 0) throw Error("extended capability " + hex(id) + " does not fit in config space");
    for (unsigned i = 0; i < size; ++i) used_.set(offset + i);
    set_config(offset, id | std::uint32_t{version & 0xfu} << 16, 4);
    if (last_ext_cap_)
        set_config(last_ext_cap_, (get_config(last_ext_cap_, 4) & 0x000fffffu) | offset << 20, 4);
    last_ext_cap_ = offset;
    return offset;
}

// ---- INTx --------------------------------------------------------------------------------------

void PciDevice::set_irq_level(bool level) {
    irq_level_ = level;
    if (config_.empty()) return;
    const std::uint16_t st = status();
    set_config(pci::kStatus, level ? st | pci::kStatusInterrupt : st & ~pci::kStatusInterrupt, 2);
    update_intx();
}

void PciDevice::update_intx() {
    const unsigned pin = config_.empty() ? 0 : config_[pci::kInterruptPin];
    const bool assert_pin = plugged_ && irq_level_ && pin >= 1 && pin <= 4 && !(command() & pci::kCommandIntxDisable);
    if (assert_pin == intx_asserted_) return;
    intx_asserted_ = assert_pin;
    if (bus_) bus_->set_irq(devfn_, pin - 1, assert_pin);
}

// ---- DMA ---------------------------------------------------------------------------------------

AddressSpace* PciDevice::dma_space() const {
    if (PciBus* b = bus()) return b->dma_space();
    Machine* m = machine();
    return m ? m->system_memory() : nullptr;
}

namespace {

struct RamPiece {
    std::uint8_t* host;
    std::size_t length;
};

// Every byte of [addr, addr + length) as host RAM, or the reason it cannot be.
PciDmaResult ram_pieces(const PciDevice& device, Addr addr, std::size_t length, bool for_write,
                        std::vector<RamPiece>& pieces) {
    if (!(device.command() & pci::kCommandMaster)) return PciDmaResult::MasterDisabled;
    AddressSpace* space = device.dma_space();
    if (length == 0) return PciDmaResult::Ok;
    if (!space || length - 1 > ~Addr(0) - addr) return PciDmaResult::OutsideRam;
    while (length > 0) {
        const AddressSpace::RamSpan span = space->ram_span(addr);
        if (!span.host || span.length == 0 || (for_write && !span.writable)) return PciDmaResult::OutsideRam;
        const std::size_t chunk = static_cast<std::size_t>(std::min<Addr>(length, span.length));
        pieces.push_back({span.host, chunk});
        addr += chunk;
        length -= chunk;
    }
    return PciDmaResult::Ok;
}

}  // namespace

PciDmaResult PciDevice::pci_dma_read(Addr addr, void* buf, std::size_t length) {
    std::vector<RamPiece> pieces;
    const PciDmaResult result = ram_pieces(*this, addr, length, false, pieces);
    auto* out = static_cast<std::uint8_t*>(buf);
    if (result != PciDmaResult::Ok) {
        if (length) std::memset(out, 0, length);
        return result;
    }
    for (const RamPiece& piece : pieces) {
        std::memcpy(out, piece.host, piece.length);
        out += piece.length;
    }
    return result;
}

PciDmaResult PciDevice::pci_dma_write(Addr addr, const void* buf, std::size_t length) {
    std::vector<RamPiece> pieces;
    const PciDmaResult result = ram_pieces(*this, addr, length, true, pieces);
    if (result != PciDmaResult::Ok) return result;
    const auto* in = static_cast<const std::uint8_t*>(buf);
    for (const RamPiece& piece : pieces) {
        std::memcpy(piece.host, in, piece.length);
        in += piece.length;
    }
    return result;
}

}  // namespace emu
