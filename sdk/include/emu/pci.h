// The PCI core: a bus that routes configuration cycles, BAR decoding and INTx, and the base
// class of PCI functions (config space with write masks, BARs, expansion ROM, capabilities,
// MSI, MSI-X, INTx, bus-master DMA). Part of the SDK so out-of-tree device plugins use it too.
//
// A device plugin derives from PciDevice and registers its type with parent "pci-device":
//
//     class MyNic final : public emu::PciDevice {
//         emu::PciIds ids() const override {
//             return {.vendor_id = 0x8086, .device_id = 0x100e, .class_code = 0x020000, .revision = 3};
//         }
//         void realize_pci() override {              // BARs, capabilities, MSI(-X) go here
//             register_bar(0, *regs_, emu::PciBarType::Mem32);
//             register_bar(1, *ports_, emu::PciBarType::Io);
//             msi_init();
//         }
//     };
//     types.add({.name = "my-nic", .parent = "pci-device", .category = emu::Category::Network,
//                .factory = emu::factory_of<MyNic>(), .class_init = ...});
//
// Every PCI device has the properties `addr` (slot[.fn] in hex, "02.0"; default: the first
// free slot), `romfile` (an expansion ROM image; empty = none) and `multifunction`.
//
// Plugging: at realize a device finds its bus — the one a board or host bridge gave it with
// set_bus(), else the first "pci-bus" object in the machine's tree (find_pci_bus) — and takes
// its `addr` there. Realize errors are phrased to follow the device's name, because the
// command line prefixes them with it: `emu: e1000 'net0': this machine has no PCI bus`.
//
// Host bridges (see plugins/gpex) create the PciBus as their child, give it the two windows
// BARs are mapped into (memory and I/O, both containers addressed by *bus* address), an INTx
// routing function and a DMA address space (default: the machine's system memory), and
// decode configuration cycles with make_ecam_region() or make_config_ports().
//
// Not modelled (yet): PCI-PCI bridges and buses behind them (config cycles for any bus number
// but the bus's own read as all-ones), hot-plug, IOMMUs, PCIe link/AER state.
//
// Threading: everything here runs under the big device lock (MMIO dispatch takes it; device
// code that calls set_irq_level, msi_notify or pci_dma_* from the loop already holds it).
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emu/device.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/pci_regs.h"
#include "emu/property.h"

namespace emu {

class AddressSpace;
class IoEventAccelerator;
class PciDevice;
class TypeRegistry;

// ---- The bus ---------------------------------------------------------------------------------

// One PCI bus (type "pci-bus"): up to 256 functions by devfn. Owned by its host bridge (a child
// object of it); devices point at it and register themselves at realize.
class PciBus : public Object {
public:
    PciBus() = default;
    ~PciBus() override;
    // Host line for a device's interrupt pin (pin 0..3 = INTA..INTD).
    using MapIrq = std::function<unsigned(std::uint8_t devfn, unsigned pin)>;
    // Called when a host line changes level (the lines are level-triggered and wired-OR).
    using SetIrq = std::function<void(unsigned line, bool level)>;

    // ---- Set up by the host bridge, before devices are plugged ----
    void set_bus_number(std::uint8_t number) { number_ = number; }
    std::uint8_t bus_number() const { return number_; }
    // The containers memory and I/O BARs are mapped into, at the addresses the guest programs
    // (bus addresses). Not owned; they must outlive the bus's devices' mappings.
    void set_windows(MemoryRegion& memory, MemoryRegion& io);
    MemoryRegion* memory_window() const { return memory_window_; }
    MemoryRegion* io_window() const { return io_window_; }
    // INTx routing: `lines` host lines, map_irq picks one for (devfn, pin).
    void set_irq_routing(unsigned lines, MapIrq map_irq, SetIrq set_irq);
    // Where bus-master DMA and MSI writes go. Default (null): the machine's system memory.
    void set_dma_space(AddressSpace* space) { dma_space_ = space; }
    AddressSpace* dma_space() const;

    // ---- Devices ----
    PciDevice* device(std::uint8_t devfn) const { return devices_[devfn]; }
    std::vector<PciDevice*> devices() const;  // in devfn order
    // The first slot whose eight functions are all free, or -1.
    int first_free_slot() const;
    // Called by PciDevice at realize/unrealize. plug throws Error if devfn is taken.
    void plug(PciDevice& device, std::uint8_t devfn);
    void unplug(PciDevice& device);

    // ---- Configuration cycles (from the host bridge's ECAM or 0xcf8/0xcfc decoder) ----
    // size 1, 2 or 4, offset naturally aligned. A missing device, another bus number or an
    // offset past the function's config space reads as all-ones and ignores writes.
    std::uint32_t config_read(unsigned bus, std::uint8_t devfn, unsigned offset, unsigned size) const;
    void config_write(unsigned bus, std::uint8_t devfn, unsigned offset, std::uint32_t value, unsigned size);

    // ---- INTx (called by PciDevice) ----
    void set_irq(std::uint8_t devfn, unsigned pin, bool level);
    bool irq_line_level(unsigned line) const;
    unsigned irq_line_count() const { return static_cast<unsigned>(irq_count_.size()); }

private:
    std::array<PciDevice*, 256> devices_{};
    std::uint8_t number_ = 0;
    MemoryRegion* memory_window_ = nullptr;
    MemoryRegion* io_window_ = nullptr;
    MapIrq map_irq_;
    SetIrq set_irq_;
    std::vector<unsigned> irq_count_;  // asserted pins per host line
    AddressSpace* dma_space_ = nullptr;
};

// The first "pci-bus" object under root (depth-first, in insertion order), or null. Devices
// pass their machine.
PciBus* find_pci_bus(const Object& root);

// ---- Config-space decoders for host bridges and boards ---------------------------------------

// ECAM (PCIe enhanced configuration access, "pci-host-ecam-generic"): size bytes (1 MiB per
// bus, a multiple of 1 MiB up to 256 MiB) where offset = bus << 20 | devfn << 12 | register,
// bus counted from bus.bus_number(). Accesses of 1, 2 and 4 bytes. The region refers to the
// bus: destroy it first.
std::unique_ptr<MemoryRegion> make_ecam_region(PciBus& bus, Addr size, std::string name = "pcie-ecam");

// Configuration mechanism #1 (PCI 3.0 §3.2.2.3.2), for x86 boards: `address` is CONFIG_ADDRESS
// (4 bytes, map it at I/O port 0xcf8; only 32-bit accesses reach it, so a byte register at
// 0xcf9 such as PIIX's reset control can overlay it) and `data` is CONFIG_DATA (4 bytes at
// 0xcfc; 1, 2 or 4-byte accesses). Both refer to the bus: destroy them first.
struct PciConfigPorts {
    std::unique_ptr<MemoryRegion> address;
    std::unique_ptr<MemoryRegion> data;
};
PciConfigPorts make_config_ports(PciBus& bus, std::string name = "pci-conf");

// ---- The device ------------------------------------------------------------------------------

// Identity and fixed header fields of a function.
struct PciIds {
    std::uint16_t vendor_id = 0xffff;
    std::uint16_t device_id = 0xffff;
    std::uint32_t class_code = pci::kClassOther;  // base << 16 | subclass << 8 | prog-if
    std::uint8_t revision = 0;
    // Both 0: QEMU's default, 1af4:1100 (what guests and firmware see on QEMU).
    std::uint16_t subsystem_vendor_id = 0;
    std::uint16_t subsystem_id = 0;
    std::uint8_t interrupt_pin = 1;  // 1..4 = INTA..INTD; 0 = no INTx
    bool express = false;            // PCI Express function: 4 KiB config space
};

// A BAR's kind; the values are the BAR's low bits.
enum class PciBarType : std::uint8_t {
    Mem32 = 0x0,
    Io = 0x1,
    Mem64 = 0x4,
    Mem32Prefetch = 0x8,
    Mem64Prefetch = 0xc,
};

enum class PciDmaResult {
    Ok,
    MasterDisabled,  // COMMAND.BUS_MASTER is clear: nothing was transferred
    OutsideRam,      // some byte of the range is not (writable) guest RAM: nothing was transferred
};

// Abstract type "pci-device" (bus "pci").
class PciDevice : public Device {
public:
    static constexpr Addr kUnmapped = ~Addr(0);

    static void class_init(ClassBuilder<PciDevice>& c);
    ~PciDevice() override;

    // The function's identity, read once at realize.
    virtual PciIds ids() const = 0;

    // ---- Placement ----
    // Plug into this bus instead of the machine's first (host bridges, boards). Before realize.
    void set_bus(PciBus& bus) { given_bus_ = &bus; }
    // The bus it is plugged into (after realize; before, the one given with set_bus).
    PciBus* bus() const { return bus_ ? bus_ : given_bus_; }
    std::uint8_t devfn() const { return devfn_; }   // after realize
    std::string address() const;                     // "02.0"

    // Back to the power-on config (command 0, BARs and ROM BAR cleared and unmapped, MSI and
    // MSI-X disabled, MSI-X table masked, INTx deasserted). Overrides call PciDevice::reset().
    void reset() override;

    // ---- Config space, as the guest sees it (the bus calls these) ----
    // Override to model dynamic registers; call the base for everything else. Writes apply
    // the write mask (bits the guest may change) and the W1C mask (bits it clears by writing
    // 1), then update BAR mappings, INTx, MSI and MSI-X as the written range requires.
    virtual std::uint32_t config_read(unsigned offset, unsigned size);
    virtual void config_write(unsigned offset, std::uint32_t value, unsigned size);
    unsigned config_size() const { return static_cast<unsigned>(config_.size()); }

    // ---- Config space, for the device's own code (no masks, no side effects) ----
    std::uint32_t get_config(unsigned offset, unsigned size) const;
    void set_config(unsigned offset, std::uint32_t value, unsigned size);
    void set_write_mask(unsigned offset, std::uint32_t mask, unsigned size);
    void set_w1c_mask(unsigned offset, std::uint32_t mask, unsigned size);
    std::uint16_t command() const { return static_cast<std::uint16_t>(get_config(pci::kCommand, 2)); }
    std::uint16_t status() const { return static_cast<std::uint16_t>(get_config(pci::kStatus, 2)); }

    // ---- BARs (call from realize_pci) ----
    // index 0..5, or pci::kRomBar for a device-provided expansion ROM. The BAR's size is the
    // region's size rounded up to a power of two (at least 16 bytes for memory, 4 for I/O,
    // 2 KiB for the ROM); a 64-bit BAR also takes index + 1. The region (not owned) must
    // outlive the device; it is mapped into the bus's memory or I/O window whenever its BAR
    // holds an address and COMMAND.MEMORY / COMMAND.IO (and, for the ROM, its enable bit) is
    // set, moved when the guest reprograms the BAR and unmapped when decoding is turned off.
    void register_bar(unsigned index, MemoryRegion& region, PciBarType type);
    // Bus address a BAR is mapped at, or kUnmapped.
    Addr bar_address(unsigned index) const;
    Addr bar_size(unsigned index) const;

    // ---- Capabilities (call from realize_pci) ----
    // Reserve size bytes for capability id at offset (0: the first free dword-aligned place
    // from 0x40), link it into the list at 0x34 and set STATUS.CAP_LIST. Returns the offset.
    // The bytes start read-only: use set_config / set_write_mask on them.
    unsigned add_capability(std::uint8_t id, unsigned size, unsigned offset = 0);
    // Offset of the first capability with this id, or 0.
    unsigned find_capability(std::uint8_t id) const;
    // PCI Express extended capability (express functions only), from 0x100 on. Returns offset.
    unsigned add_ext_capability(std::uint16_t id, std::uint8_t version, unsigned size);

    // ---- MSI (optional; call msi_init from realize_pci) ----
    // vectors: 1, 2, 4, 8, 16 or 32 (the multiple-message capable field). Returns the offset.
    unsigned msi_init(unsigned vectors = 1, bool address64 = true, bool per_vector_mask = false);
    bool msi_present() const { return msi_cap_ != 0; }
    bool msi_enabled() const;
    // Send vector (if enabled; held pending while masked): a 32-bit write of the message data
    // to the message address in the DMA space. Needs COMMAND.BUS_MASTER, like any DMA.
    void msi_notify(unsigned vector = 0);

    // ---- MSI-X (optional; call from realize_pci after registering the BARs) ----
    // The table (16 bytes per vector) and PBA live in memory BARs whose regions are containers
    // (the table and PBA are added to them as subregions). Returns the capability offset.
    unsigned msix_init(unsigned vectors, unsigned table_bar, Addr table_offset, unsigned pba_bar,
                       Addr pba_offset);
    // The same, in a BAR of its own (a 32-bit memory BAR of at least 4 KiB: table, then PBA).
    unsigned msix_init_exclusive_bar(unsigned vectors, unsigned bar);
    bool msix_present() const { return msix_cap_ != 0; }
    bool msix_enabled() const;
    unsigned msix_vectors() const { return msix_vectors_; }
    bool msix_masked(unsigned vector) const;   // by its entry or by the function mask
    bool msix_pending(unsigned vector) const;
    // Send vector, or set its pending bit while it is masked (sent when unmasked). Where the
    // accelerator has MSI irqfds (emu/ioevent.h), a vector that is enabled and unmasked is sent
    // by a write to its eventfd, which the kernel turns into the message.
    void msix_notify(unsigned vector);

    // ---- INTx ----
    // The function's interrupt request. STATUS.INTERRUPT follows it; the pin is asserted on
    // the bus only while COMMAND.INTX_DISABLE is clear.
    void set_irq_level(bool level);
    bool irq_level() const { return irq_level_; }

    // ---- Bus-master DMA ----
    // Copy between guest RAM (in the DMA space: the bus's, else the machine's system memory)
    // and buf. Refused as a whole unless COMMAND.BUS_MASTER is set and every byte is guest RAM
    // (writable, for writes): no device register, ROM or unmapped address is ever touched, and
    // a refused read fills buf with zeros.
    [[nodiscard]] PciDmaResult pci_dma_read(Addr addr, void* buf, std::size_t length);
    [[nodiscard]] PciDmaResult pci_dma_write(Addr addr, const void* buf, std::size_t length);
    AddressSpace* dma_space() const;

protected:
    // The device's part of realize: register BARs, capabilities, MSI/MSI-X. May throw Error.
    // Runs after the header is set up and the address is chosen, before the device is on the bus.
    virtual void realize_pci() {}
    virtual void unrealize_pci() {}

private:
    struct Bar {
        MemoryRegion* region = nullptr;
        PciBarType type = PciBarType::Mem32;
        Addr size = 0;
        Addr mapped = kUnmapped;
        MemoryRegion* window = nullptr;  // where it is mapped
    };

    void do_realize() final;
    void do_unrealize() final;
    void release_resources();
    int choose_devfn(PciBus& bus) const;
    Addr bar_target(unsigned index) const;
    void update_mappings();
    void update_intx();
    void deliver_msi(Addr address, std::uint32_t data);
    void msi_send(unsigned vector);
    unsigned msi_allocated() const;
    Addr msi_address() const;
    std::uint16_t msi_data() const;
    unsigned msi_mask_offset() const;
    void msi_config_written();
    std::uint64_t msix_table_read(Addr offset, unsigned size) const;
    void msix_table_write(Addr offset, std::uint64_t value, unsigned size);
    void msix_deliver_unmasked_pending();
    void msix_reset();
    void msix_send(unsigned vector);
    void msix_sync_irqfd(unsigned vector);
    void msix_sync_irqfds();
    void msix_release_irqfds(bool unregister);

    // Properties.
    int requested_devfn_ = -1;  // -1: first free slot
    std::string romfile_;
    bool multifunction_ = false;

    friend class PciBus;     // clears bus_ if the bus goes first
    PciBus* given_bus_ = nullptr;
    PciBus* bus_ = nullptr;
    bool plugged_ = false;
    std::uint8_t devfn_ = 0;
    std::vector<std::uint8_t> config_, wmask_, w1cmask_, reset_config_;
    std::bitset<pci::kExpressConfigSpaceSize> used_;  // capability bytes
    unsigned last_ext_cap_ = 0;
    std::array<Bar, pci::kBarCount + 1> bars_{};
    std::unique_ptr<MemoryRegion> rom_;

    bool irq_level_ = false;       // what the device asks for (STATUS.INTERRUPT)
    bool intx_asserted_ = false;   // what it drives on the bus

    unsigned msi_cap_ = 0;
    unsigned msi_size_ = 0;

    unsigned msix_cap_ = 0;
    unsigned msix_vectors_ = 0;
    std::vector<std::uint32_t> msix_table_;  // 4 dwords per vector
    std::vector<std::uint64_t> msix_pba_;
    std::unique_ptr<MemoryRegion> msix_table_region_, msix_pba_region_, msix_bar_;
    // MSI irqfds, one per vector while the guest has it enabled, unmasked and bus mastering.
    struct MsixIrqfd {
        int fd = -1;          // the eventfd, kept once made (-1: none yet)
        bool routed = false;  // registered with msix_irqfd_accel_ for address and data
        Addr address = 0;
        std::uint32_t data = 0;
    };
    std::vector<MsixIrqfd> msix_irqfds_;
    IoEventAccelerator* msix_irqfd_accel_ = nullptr;  // where they are registered
};

// Parse "slot[.fn]" (hex, QEMU's addr= syntax) into a devfn; throws Error with a reason that
// follows the value. format_devfn is the inverse ("02.0").
std::uint8_t parse_devfn(std::string_view text);
std::string format_devfn(std::uint8_t devfn);

// Register the core PCI types ("pci-bus", "pci-device") into registry if not there yet. The
// process registry gets them when libemu loads; a test that builds its own TypeRegistry
// calls this before loading PCI plugins.
void register_pci_types(TypeRegistry& registry);

}  // namespace emu
