// The memory API: a tree of regions flattened into one dispatch view per address space.
//
// Regions are RAM (host memory an accelerator maps directly), ROM (RAM the guest cannot
// write), MMIO (1/2/4/8-byte callbacks), containers (hold subregions at offsets, with
// priorities) and aliases (a window onto part of another region). An AddressSpace renders its
// root region into a sorted list of flat ranges and dispatches accesses through it; the view
// is rebuilt when the topology changes and each rebuild bumps generation(), which CPUs watch
// to drop cached translations.
//
// Every access by address is bounded by the view: an address or length the guest supplies
// can reach RAM only where RAM is mapped, so no guest value makes the host touch memory
// outside guest RAM. Device DMA goes through AddressSpace::read/write (or ram_span for
// zero-copy access to a range that is wholly RAM).
//
// Threading: topology changes and MMIO dispatch happen under the big device lock (see
// lock.h); RAM contents are accessed without it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace emu {

using Addr = std::uint64_t;

enum class MemResult {
    Ok,
    Unassigned,    // nothing is mapped there (reads return all-ones... see read_value)
    DeviceError,   // the device refused the access (size not valid for it, or it said so)
    ReadOnly,      // a write to ROM
};

// Callbacks of an MMIO region. Offsets are relative to the region's start.
struct MmioOps {
    std::function<std::uint64_t(Addr offset, unsigned size)> read;
    std::function<void(Addr offset, std::uint64_t value, unsigned size)> write;
    // Access sizes the guest may use; anything else is a DeviceError and reaches no callback.
    unsigned valid_min = 1, valid_max = 8;
    // Sizes the callbacks implement; the core splits wider and widens narrower accesses.
    unsigned impl_min = 1, impl_max = 8;
    // Whether the guest may make accesses not aligned to their size.
    bool unaligned = false;
};

class AddressSpace;

class MemoryRegion {
public:
    enum class Kind { Ram, Rom, Mmio, Container, Alias };

    static std::unique_ptr<MemoryRegion> ram(std::string name, Addr size);
    static std::unique_ptr<MemoryRegion> rom(std::string name, Addr size);
    static std::unique_ptr<MemoryRegion> mmio(std::string name, Addr size, MmioOps ops);
    static std::unique_ptr<MemoryRegion> container(std::string name, Addr size);
    static std::unique_ptr<MemoryRegion> alias(std::string name, MemoryRegion& target, Addr offset,
                                               Addr size);
    ~MemoryRegion();
    MemoryRegion(const MemoryRegion&) = delete;
    MemoryRegion& operator=(const MemoryRegion&) = delete;

    const std::string& name() const { return name_; }
    Addr size() const { return size_; }
    Kind kind() const { return kind_; }
    // Host memory of a RAM or ROM region (size() bytes, zero-filled at creation), else null.
    std::uint8_t* data() const { return data_; }

    // Map child (not owned; it must outlive its mapping) at offset in this container. Where
    // subregions overlap, the higher priority wins; on a tie, the one added later wins.
    void add_subregion(Addr offset, MemoryRegion& child, int priority = 0);
    void remove_subregion(MemoryRegion& child);
    // Move an existing subregion (a PCI BAR being reprogrammed).
    void set_offset(Addr offset);
    void set_enabled(bool enabled);
    bool enabled() const { return enabled_; }
    // RAM that refuses guest writes; on an alias, the RAM seen through it refuses them (PAM
    // shadow RAM after the firmware locks it).
    void set_readonly(bool readonly);
    bool readonly() const { return readonly_ || kind_ == Kind::Rom; }

    MemoryRegion* parent() const { return parent_; }
    Addr offset() const { return offset_; }
    const MmioOps& ops() const { return ops_; }
    MemoryRegion* alias_target() const { return alias_target_; }
    Addr alias_offset() const { return alias_offset_; }
    const std::vector<MemoryRegion*>& subregions() const { return subregions_; }
    int priority() const { return priority_; }
    std::uint64_t insertion_order() const { return insertion_; }

private:
    MemoryRegion(std::string name, Kind kind, Addr size);
    void topology_changed();
    friend class AddressSpace;

    std::string name_;
    Kind kind_;
    Addr size_;
    std::uint8_t* data_ = nullptr;
    MmioOps ops_;
    MemoryRegion* alias_target_ = nullptr;
    Addr alias_offset_ = 0;
    MemoryRegion* parent_ = nullptr;
    Addr offset_ = 0;
    int priority_ = 0;
    std::uint64_t insertion_ = 0;
    bool enabled_ = true;
    bool readonly_ = false;
    std::vector<MemoryRegion*> subregions_;
    std::vector<AddressSpace*> spaces_;   // address spaces whose root this is
};

// One piece of RAM as an accelerator maps it (KVM memory slots).
struct RamBlock {
    Addr guest_address;
    Addr size;
    std::uint8_t* host;
    bool readonly;
};

class AddressSpace {
public:
    AddressSpace(std::string name, MemoryRegion& root);
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    const std::string& name() const { return name_; }
    MemoryRegion& root() const { return root_; }

    // One access of 1, 2, 4 or 8 bytes, little-endian. An unassigned read yields 0.
    MemResult read_value(Addr addr, unsigned size, std::uint64_t& value);
    MemResult write_value(Addr addr, unsigned size, std::uint64_t value);
    // Any length, crossing regions as needed (device DMA, loaders). Stops at the first
    // failing byte range and reports it; unassigned bytes read as 0.
    MemResult read(Addr addr, void* buffer, std::size_t length);
    MemResult write(Addr addr, const void* buffer, std::size_t length);
    // Loaders: write into RAM or ROM alike (firmware into flash); fails on MMIO/unassigned.
    MemResult write_rom(Addr addr, const void* buffer, std::size_t length);

    // The RAM at addr: host pointer and how many bytes from there are contiguous RAM of one
    // region (length 0 when addr is not RAM). Used by CPU TLBs and zero-copy DMA.
    struct RamSpan {
        std::uint8_t* host = nullptr;
        Addr length = 0;
        bool writable = false;
    };
    RamSpan ram_span(Addr addr);
    // Host pointer to [addr, addr+length) if it is wholly inside one RAM region, else null.
    std::uint8_t* ram_pointer(Addr addr, Addr length, bool for_write);

    std::vector<RamBlock> ram_blocks();
    // Bumped whenever the view changes; CPUs compare it to drop cached translations.
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
    // Called (under the device lock) after each change of the view.
    void add_listener(std::function<void()> listener);

    // A flat range of the view, for debugging and tests ("info mtree"-like output).
    struct FlatRange {
        Addr start, end;             // [start, end)
        MemoryRegion* region;        // the terminal region (RAM, ROM or MMIO)
        Addr region_offset;          // offset into region of start
        bool readonly = false;       // writes refused: ROM, read-only RAM, or reached through a
                                     // read-only alias
    };
    std::vector<FlatRange> flat_view();

private:
    friend class MemoryRegion;
    void invalidate();
    void rebuild_if_needed();
    const FlatRange* lookup(Addr addr);
    // Copy the range at addr into range, or, if addr is unassigned, return false and set
    // gap_end to where the next mapped range starts (0 = none before the top).
    bool find_range(Addr addr, FlatRange& range, Addr& gap_end);
    MemResult dispatch_read(const FlatRange& r, Addr addr, unsigned size, std::uint64_t& value);
    MemResult dispatch_write(const FlatRange& r, Addr addr, unsigned size, std::uint64_t value);

    std::string name_;
    MemoryRegion& root_;
    std::vector<FlatRange> view_;
    bool dirty_ = true;
    std::atomic<std::uint64_t> generation_{0};
    std::vector<std::function<void()>> listeners_;
    std::recursive_mutex rebuild_mutex_;
};

}  // namespace emu
