// Message-signalled interrupts of PciDevice: the MSI capability (PCI 3.0 §6.8.1) and MSI-X
// (§6.8.2: capability, vector table and pending-bit array in a memory BAR). A message is a
// 32-bit write of its data to its address in the device's DMA space, which needs bus
// mastering like any other DMA; what it does there is up to the board's interrupt controller.
//
// Where the accelerator offers MSI irqfds (emu/ioevent.h: KVM's MSI routes), each MSI-X vector
// that could fire right now (MSI-X enabled, the vector and the function unmasked, bus mastering
// on, DMA going to the system memory) gets an eventfd the kernel turns into its message, kept in
// step with the table, so sending it is one eventfd write from any thread. A vector that is
// masked has no irqfd: msix_notify sets its pending bit exactly as without one.
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <bit>

#include "emu/cpu.h"
#include "emu/error.h"
#include "emu/ioevent.h"
#include "emu/machine.h"
#include "emu/pci.h"

namespace emu {

void PciDevice::deliver_msi(Addr address, std::uint32_t data) {
    if (!(command() & pci::kCommandMaster)) return;
    if (AddressSpace* space = dma_space()) (void)space->write_value(address, 4, data);
}

// ---- MSI ---------------------------------------------------------------------------------------

unsigned PciDevice::msi_init(unsigned vectors, bool address64, bool per_vector_mask) {
    if (config_.empty()) throw Error("msi_init: call it from realize_pci");
    if (msi_cap_) throw Error("MSI is set up twice");
    if (vectors == 0 || vectors > 32 || !std::has_single_bit(vectors))
        throw Error("MSI offers 1, 2, 4, 8, 16 or 32 vectors, not " + std::to_string(vectors));
    const unsigned size = address64 ? (per_vector_mask ? 0x18 : 0x0e) : (per_vector_mask ? 0x14 : 0x0a);
    const unsigned cap = add_capability(pci::kCapMsi, size);
    auto flags = static_cast<std::uint16_t>(std::countr_zero(vectors) << pci::kMsiFlagsQmaskShift);
    if (address64) flags |= pci::kMsiFlags64Bit;
    if (per_vector_mask) flags |= pci::kMsiFlagsMaskBit;
    set_config(cap + pci::kMsiFlags, flags, 2);
    set_write_mask(cap + pci::kMsiFlags, pci::kMsiFlagsEnable | pci::kMsiFlagsQsizeMask, 2);
    set_write_mask(cap + pci::kMsiAddressLo, 0xfffffffcu, 4);
    if (address64) set_write_mask(cap + pci::kMsiAddressHi, 0xffffffffu, 4);
    set_write_mask(cap + (address64 ? pci::kMsiData64 : pci::kMsiData32), 0xffff, 2);
    if (per_vector_mask)
        set_write_mask(cap + (address64 ? pci::kMsiMask64 : pci::kMsiMask32),
                       vectors == 32 ? 0xffffffffu : (1u << vectors) - 1, 4);
    msi_cap_ = cap;
    msi_size_ = size;
    return cap;
}

bool PciDevice::msi_enabled() const {
    return msi_cap_ && (get_config(msi_cap_ + pci::kMsiFlags, 2) & pci::kMsiFlagsEnable);
}

// Vectors the guest allocated (multiple message enable), at most what the device offers.
unsigned PciDevice::msi_allocated() const {
    const std::uint32_t flags = get_config(msi_cap_ + pci::kMsiFlags, 2);
    const unsigned capable = (flags >> pci::kMsiFlagsQmaskShift) & 7;
    const unsigned enabled = (flags & pci::kMsiFlagsQsizeMask) >> pci::kMsiFlagsQsizeShift;
    return 1u << std::min(capable, enabled);
}

Addr PciDevice::msi_address() const {
    Addr address = get_config(msi_cap_ + pci::kMsiAddressLo, 4);
    if (get_config(msi_cap_ + pci::kMsiFlags, 2) & pci::kMsiFlags64Bit)
        address |= Addr{get_config(msi_cap_ + pci::kMsiAddressHi, 4)} << 32;
    return address;
}

std::uint16_t PciDevice::msi_data() const {
    const bool address64 = get_config(msi_cap_ + pci::kMsiFlags, 2) & pci::kMsiFlags64Bit;
    return static_cast<std::uint16_t>(get_config(msi_cap_ + (address64 ? pci::kMsiData64 : pci::kMsiData32), 2));
}

// The mask register's offset (the pending bits follow it), or 0 without per-vector masking.
unsigned PciDevice::msi_mask_offset() const {
    const std::uint32_t flags = get_config(msi_cap_ + pci::kMsiFlags, 2);
    if (!(flags & pci::kMsiFlagsMaskBit)) return 0;
    return msi_cap_ + (flags & pci::kMsiFlags64Bit ? pci::kMsiMask64 : pci::kMsiMask32);
}

void PciDevice::msi_send(unsigned vector) {
    const unsigned count = msi_allocated();
    std::uint32_t data = msi_data();
    if (count > 1) data = (data & ~(count - 1)) | vector;  // the low bits carry the vector
    deliver_msi(msi_address(), data);
}

void PciDevice::msi_notify(unsigned vector) {
    if (!msi_enabled() || vector >= msi_allocated()) return;
    if (const unsigned mask = msi_mask_offset(); mask && (get_config(mask, 4) >> vector & 1)) {
        set_config(mask + 4, get_config(mask + 4, 4) | 1u << vector, 4);  // pending until unmasked
        return;
    }
    msi_send(vector);
}

// The guest wrote the MSI capability: send what it unmasked while pending.
void PciDevice::msi_config_written() {
    const unsigned mask = msi_mask_offset();
    if (!mask || !msi_enabled()) return;
    const unsigned count = msi_allocated();
    std::uint32_t pending = get_config(mask + 4, 4);
    if (count < 32) pending &= (1u << count) - 1;
    const std::uint32_t masked = get_config(mask, 4);
    for (unsigned vector = 0; vector < count; ++vector)
        if ((pending >> vector & 1) && !(masked >> vector & 1)) {
            pending &= ~(1u << vector);
            set_config(mask + 4, pending, 4);
            msi_send(vector);
        }
    set_config(mask + 4, pending, 4);
}

// ---- MSI-X -------------------------------------------------------------------------------------

unsigned PciDevice::msix_init(unsigned vectors, unsigned table_bar, Addr table_offset, unsigned pba_bar,
                              Addr pba_offset) {
    if (config_.empty()) throw Error("msix_init: call it from realize_pci");
    if (msix_cap_) throw Error("MSI-X is set up twice");
    if (vectors == 0 || vectors > 2048) throw Error("MSI-X offers 1 to 2048 vectors, not " + std::to_string(vectors));
    const Addr table_size = Addr{vectors} * pci::kMsixEntrySize;
    const Addr pba_size = (Addr{vectors} + 63) / 64 * 8;
    auto container = [this](const char* what, unsigned bar, Addr offset, Addr size) -> MemoryRegion& {
        const std::string name = std::string("MSI-X ") + what + " in BAR " + std::to_string(bar);
        if (bar >= pci::kBarCount || !bars_[bar].region || bars_[bar].type == PciBarType::Io)
            throw Error(name + ": not a registered memory BAR");
        MemoryRegion& region = *bars_[bar].region;
        if (region.kind() != MemoryRegion::Kind::Container)
            throw Error(name + ": the BAR's region '" + region.name() + "' must be a container");
        if (offset % 8 != 0 || offset > 0xffffffffu || offset + size > region.size())
            throw Error(name + ": does not fit at offset " + std::to_string(offset));
        return region;
    };
    MemoryRegion& table_parent = container("table", table_bar, table_offset, table_size);
    MemoryRegion& pba_parent = container("PBA", pba_bar, pba_offset, pba_size);
    if (table_bar == pba_bar && table_offset < pba_offset + pba_size && pba_offset < table_offset + table_size)
        throw Error("MSI-X table and PBA overlap");

    msix_table_.assign(std::size_t{vectors} * 4, 0);
    msix_pba_.assign((vectors + 63) / 64, 0);
    msix_irqfds_.assign(vectors, {});
    msix_reset();
    MmioOps table;
    table.read = [this](Addr offset, unsigned size) { return msix_table_read(offset, size); };
    table.write = [this](Addr offset, std::uint64_t value, unsigned size) { msix_table_write(offset, value, size); };
    table.valid_min = 4;
    table.valid_max = 8;
    table.impl_min = table.impl_max = 4;
    msix_table_region_ = MemoryRegion::mmio(type().name() + ".msix-table", table_size, std::move(table));
    MmioOps pba;
    pba.read = [this](Addr offset, unsigned) -> std::uint64_t {
        return static_cast<std::uint32_t>(msix_pba_[offset / 8] >> (offset % 8 * 8));
    };
    pba.write = [](Addr, std::uint64_t, unsigned) {};  // read-only
    pba.valid_min = 4;
    pba.valid_max = 8;
    pba.impl_min = pba.impl_max = 4;
    msix_pba_region_ = MemoryRegion::mmio(type().name() + ".msix-pba", pba_size, std::move(pba));
    table_parent.add_subregion(table_offset, *msix_table_region_, 1);
    pba_parent.add_subregion(pba_offset, *msix_pba_region_, 1);

    const unsigned cap = add_capability(pci::kCapMsix, pci::kMsixCapabilitySize);
    set_config(cap + pci::kMsixFlags, vectors - 1, 2);
    set_write_mask(cap + pci::kMsixFlags, pci::kMsixFlagsEnable | pci::kMsixFlagsMaskAll, 2);
    set_config(cap + pci::kMsixTable, static_cast<std::uint32_t>(table_offset) | table_bar, 4);
    set_config(cap + pci::kMsixPba, static_cast<std::uint32_t>(pba_offset) | pba_bar, 4);
    msix_cap_ = cap;
    msix_vectors_ = vectors;
    return cap;
}

unsigned PciDevice::msix_init_exclusive_bar(unsigned vectors, unsigned bar) {
    if (config_.empty()) throw Error("msix_init_exclusive_bar: call it from realize_pci");
    if (vectors == 0 || vectors > 2048) throw Error("MSI-X offers 1 to 2048 vectors, not " + std::to_string(vectors));
    const Addr pba_offset = Addr{vectors} * pci::kMsixEntrySize;
    const Addr pba_size = (Addr{vectors} + 63) / 64 * 8;
    msix_bar_ = MemoryRegion::container(type().name() + ".msix", std::max<Addr>(4096, std::bit_ceil(pba_offset + pba_size)));
    register_bar(bar, *msix_bar_, PciBarType::Mem32);
    return msix_init(vectors, bar, 0, bar, pba_offset);
}

bool PciDevice::msix_enabled() const {
    return msix_cap_ && (get_config(msix_cap_ + pci::kMsixFlags, 2) & pci::kMsixFlagsEnable);
}

bool PciDevice::msix_masked(unsigned vector) const {
    if (vector >= msix_vectors_) return true;
    return (get_config(msix_cap_ + pci::kMsixFlags, 2) & pci::kMsixFlagsMaskAll) ||
           (msix_table_[vector * 4 + 3] & pci::kMsixEntryMasked);
}

bool PciDevice::msix_pending(unsigned vector) const {
    return vector < msix_vectors_ && (msix_pba_[vector / 64] >> (vector % 64) & 1);
}

void PciDevice::msix_send(unsigned vector) {
    if (vector < msix_irqfds_.size() && msix_irqfds_[vector].routed) {
        const std::uint64_t one = 1;
        if (::write(msix_irqfds_[vector].fd, &one, sizeof one) == static_cast<ssize_t>(sizeof one)) return;
    }
    const std::uint32_t* entry = &msix_table_[vector * 4];
    deliver_msi(Addr{entry[0]} | Addr{entry[1]} << 32, entry[2]);
}

// Register, retarget or unregister the vector's irqfd so that it exists exactly while the vector
// could fire, for the message its table entry holds now.
void PciDevice::msix_sync_irqfd(unsigned vector) {
    if (vector >= msix_irqfds_.size()) return;
    MsixIrqfd& irqfd = msix_irqfds_[vector];
    Machine* board = realized() ? machine() : nullptr;
    IoEventAccelerator* accel = msix_irqfd_accel_;
    if (!accel && board) accel = dynamic_cast<IoEventAccelerator*>(board->accelerator());
    const bool wanted = accel && board && dma_space() == board->system_memory() && msix_enabled() &&
                        !msix_masked(vector) && (command() & pci::kCommandMaster);
    const std::uint32_t* entry = &msix_table_[vector * 4];
    const Addr address = Addr{entry[0]} | Addr{entry[1]} << 32;
    const std::uint32_t data = entry[2];
    if (irqfd.routed) {
        if (wanted && irqfd.address == address && irqfd.data == data) return;
        if (wanted && msix_irqfd_accel_->update_msi_irqfd(irqfd.fd, address, data)) {
            irqfd.address = address;
            irqfd.data = data;
            return;
        }
        if (!wanted) msix_irqfd_accel_->remove_msi_irqfd(irqfd.fd);  // a failed update removed it
        irqfd.routed = false;
        // A signal the kernel did not take yet would fire at once when the fd is registered again.
        std::uint64_t stale = 0;
        (void)!::read(irqfd.fd, &stale, sizeof stale);
    }
    if (!wanted) return;
    if (irqfd.fd < 0) irqfd.fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (irqfd.fd < 0 || !accel->add_msi_irqfd(irqfd.fd, address, data)) return;  // declined: the DMA write
    msix_irqfd_accel_ = accel;
    irqfd.routed = true;
    irqfd.address = address;
    irqfd.data = data;
}

void PciDevice::msix_sync_irqfds() {
    for (unsigned vector = 0; vector < msix_irqfds_.size(); ++vector) msix_sync_irqfd(vector);
}

// unregister: false when the accelerator may be gone (a device destroyed without unrealize).
void PciDevice::msix_release_irqfds(bool unregister) {
    for (MsixIrqfd& irqfd : msix_irqfds_) {
        if (irqfd.routed && unregister) msix_irqfd_accel_->remove_msi_irqfd(irqfd.fd);
        if (irqfd.fd >= 0) ::close(irqfd.fd);
    }
    msix_irqfds_.clear();
    msix_irqfd_accel_ = nullptr;
}

void PciDevice::msix_notify(unsigned vector) {
    if (vector >= msix_vectors_ || !msix_enabled()) return;
    if (msix_masked(vector)) {
        msix_pba_[vector / 64] |= std::uint64_t{1} << (vector % 64);
        return;
    }
    msix_send(vector);
}

void PciDevice::msix_deliver_unmasked_pending() {
    if (!msix_enabled()) return;
    for (unsigned vector = 0; vector < msix_vectors_; ++vector)
        if (msix_pending(vector) && !msix_masked(vector)) {
            msix_pba_[vector / 64] &= ~(std::uint64_t{1} << (vector % 64));
            msix_send(vector);
        }
}

void PciDevice::msix_reset() {
    for (std::size_t i = 0; i < msix_table_.size(); ++i) msix_table_[i] = i % 4 == 3 ? pci::kMsixEntryMasked : 0;
    for (std::uint64_t& word : msix_pba_) word = 0;
}

std::uint64_t PciDevice::msix_table_read(Addr offset, unsigned) const {
    const auto index = static_cast<std::size_t>(offset / 4);
    return index < msix_table_.size() ? msix_table_[index] : 0;
}

void PciDevice::msix_table_write(Addr offset, std::uint64_t value, unsigned) {
    const auto index = static_cast<std::size_t>(offset / 4);
    if (index >= msix_table_.size()) return;
    const auto vector = static_cast<unsigned>(index / 4);
    if (index % 4 != 3) {
        msix_table_[index] = static_cast<std::uint32_t>(value);
        msix_sync_irqfd(vector);  // a new message for an unmasked vector: retarget its route
        return;
    }
    // Vector control: only the mask bit is implemented; unmasking sends what was pending.
    msix_table_[index] = static_cast<std::uint32_t>(value) & pci::kMsixEntryMasked;
    msix_sync_irqfd(vector);
    if (msix_enabled() && msix_pending(vector) && !msix_masked(vector)) {
        msix_pba_[vector / 64] &= ~(std::uint64_t{1} << (vector % 64));
        msix_send(vector);
    }
}

}  // namespace emu
