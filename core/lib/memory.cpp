// The memory API: region tree, flattening, dispatch with access-size adaptation.
#include "emu/memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "emu/error.h"
#include "emu/lock.h"

namespace emu {

namespace {

// Every address space, so any topology change can invalidate the views that may show it
// (aliases make "which spaces see this region" a graph question; there are only a few spaces).
std::mutex& spaces_mutex() {
    static auto* m = new std::mutex;
    return *m;
}
std::vector<AddressSpace*>& all_spaces() {
    static auto* v = new std::vector<AddressSpace*>;
    return *v;
}

std::uint64_t next_insertion() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
}

bool valid_size(unsigned size) { return size == 1 || size == 2 || size == 4 || size == 8; }

std::uint64_t load_le(const std::uint8_t* p, unsigned size) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, size);  // the host is little-endian (x86-64), as are the guests
    return v;
}

void store_le(std::uint8_t* p, unsigned size, std::uint64_t v) { std::memcpy(p, &v, size); }

std::uint64_t size_mask(unsigned size) { return size == 8 ? ~0ull : (1ull << (8 * size)) - 1; }

}  // namespace

// ---- MemoryRegion ------------------------------------------------------------------------

MemoryRegion::MemoryRegion(std::string name, Kind kind, Addr size)
    : name_(std::move(name)), kind_(kind), size_(size) {}

MemoryRegion::~MemoryRegion() {
    if (parent_) parent_->remove_subregion(*this);
    for (MemoryRegion* child : subregions_) child->parent_ = nullptr;
    if (data_) ::munmap(data_, size_);
}

std::unique_ptr<MemoryRegion> MemoryRegion::ram(std::string name, Addr size) {
    std::unique_ptr<MemoryRegion> r(new MemoryRegion(std::move(name), Kind::Ram, size));
    if (size == 0) throw Error("RAM region '" + r->name_ + "' has size 0");
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    if (p == MAP_FAILED)
        throw Error("cannot allocate " + std::to_string(size >> 20) + " MiB for '" + r->name_ + "': " +
                    std::strerror(errno));
    r->data_ = static_cast<std::uint8_t*>(p);
    return r;
}

std::unique_ptr<MemoryRegion> MemoryRegion::rom(std::string name, Addr size) {
    auto r = ram(std::move(name), size);
    r->kind_ = Kind::Rom;
    return r;
}

std::unique_ptr<MemoryRegion> MemoryRegion::mmio(std::string name, Addr size, MmioOps ops) {
    std::unique_ptr<MemoryRegion> r(new MemoryRegion(std::move(name), Kind::Mmio, size));
    if (!ops.read || !ops.write) throw Error("MMIO region '" + r->name_ + "' needs read and write callbacks");
    if (!valid_size(ops.impl_min) || !valid_size(ops.impl_max) || ops.impl_min > ops.impl_max ||
        !valid_size(ops.valid_min) || !valid_size(ops.valid_max) || ops.valid_min > ops.valid_max)
        throw Error("MMIO region '" + r->name_ + "' has invalid access sizes");
    r->ops_ = std::move(ops);
    return r;
}

std::unique_ptr<MemoryRegion> MemoryRegion::container(std::string name, Addr size) {
    return std::unique_ptr<MemoryRegion>(new MemoryRegion(std::move(name), Kind::Container, size));
}

std::unique_ptr<MemoryRegion> MemoryRegion::alias(std::string name, MemoryRegion& target, Addr offset,
                                                  Addr size) {
    std::unique_ptr<MemoryRegion> r(new MemoryRegion(std::move(name), Kind::Alias, size));
    r->alias_target_ = &target;
    r->alias_offset_ = offset;
    return r;
}

void MemoryRegion::add_subregion(Addr offset, MemoryRegion& child, int priority) {
    if (kind_ != Kind::Container) throw Error("'" + name_ + "' is not a container region");
    if (child.parent_) throw Error("region '" + child.name_ + "' is already mapped in '" + child.parent_->name_ + "'");
    child.parent_ = this;
    child.offset_ = offset;
    child.priority_ = priority;
    child.insertion_ = next_insertion();
    subregions_.push_back(&child);
    topology_changed();
}

void MemoryRegion::remove_subregion(MemoryRegion& child) {
    auto it = std::find(subregions_.begin(), subregions_.end(), &child);
    if (it == subregions_.end()) return;
    subregions_.erase(it);
    child.parent_ = nullptr;
    topology_changed();
}

void MemoryRegion::set_offset(Addr offset) {
    if (offset_ == offset) return;
    offset_ = offset;
    if (parent_) topology_changed();
}

void MemoryRegion::set_enabled(bool enabled) {
    if (enabled_ == enabled) return;
    enabled_ = enabled;
    topology_changed();
}

void MemoryRegion::set_readonly(bool readonly) {
    if (readonly_ == readonly) return;
    readonly_ = readonly;
    topology_changed();
}

void MemoryRegion::topology_changed() {
    std::lock_guard lock(spaces_mutex());
    for (AddressSpace* space : all_spaces()) space->invalidate();
}

// ---- AddressSpace: the flat view ----------------------------------------------------------

AddressSpace::AddressSpace(std::string name, MemoryRegion& root) : name_(std::move(name)), root_(root) {
    std::lock_guard lock(spaces_mutex());
    all_spaces().push_back(this);
}

AddressSpace::~AddressSpace() {
    std::lock_guard lock(spaces_mutex());
    auto& spaces = all_spaces();
    spaces.erase(std::remove(spaces.begin(), spaces.end(), this), spaces.end());
}

void AddressSpace::invalidate() {
    std::lock_guard lock(rebuild_mutex_);
    dirty_ = true;
    generation_.fetch_add(1, std::memory_order_acq_rel);
}

void AddressSpace::add_listener(std::function<void()> listener) {
    std::lock_guard lock(rebuild_mutex_);
    listeners_.push_back(std::move(listener));
}

namespace {

// Renders regions into non-overlapping ranges; earlier insertions win, so regions are
// rendered from the highest priority down and only fill what is still uncovered.
class Renderer {
public:
    // readonly: an alias on the way here was read-only (PAM's read-only shadow RAM is a
    // read-only alias of RAM), so RAM reached through it refuses writes too.
    void render(MemoryRegion& mr, Addr base, Addr clip_start, Addr clip_end, unsigned depth, bool readonly = false) {
        if (!mr.enabled() || depth > 32 || mr.size() == 0) return;
        const Addr end = base + mr.size() < base ? ~Addr(0) : base + mr.size();
        const Addr start = std::max(base, clip_start);
        const Addr stop = std::min(end, clip_end);
        if (start >= stop) return;
        switch (mr.kind()) {
        case MemoryRegion::Kind::Container: {
            std::vector<MemoryRegion*> subs = mr.subregions();
            std::stable_sort(subs.begin(), subs.end(), [](MemoryRegion* a, MemoryRegion* b) {
                if (a->priority() != b->priority()) return a->priority() > b->priority();
                return a->insertion_order() > b->insertion_order();
            });
            for (MemoryRegion* sub : subs) render(*sub, base + sub->offset(), start, stop, depth + 1, readonly);
            break;
        }
        case MemoryRegion::Kind::Alias:
            render(*mr.alias_target(), base - mr.alias_offset(), start, stop, depth + 1, readonly || mr.readonly());
            break;
        default:
            fill(start, stop, &mr, start - base, readonly || mr.readonly());
        }
    }

    std::vector<AddressSpace::FlatRange> take() {
        std::vector<AddressSpace::FlatRange> out;
        for (auto& [start, r] : ranges_) {
            // Merge neighbours that continue the same region (keeps the view small).
            if (!out.empty() && out.back().end == r.start && out.back().region == r.region &&
                out.back().readonly == r.readonly &&
                out.back().region_offset + (out.back().end - out.back().start) == r.region_offset)
                out.back().end = r.end;
            else
                out.push_back(r);
        }
        return out;
    }

private:
    // Insert [start, stop) -> region where nothing is mapped yet.
    void fill(Addr start, Addr stop, MemoryRegion* region, Addr region_offset, bool readonly) {
        Addr cursor = start;
        auto it = ranges_.upper_bound(cursor);
        if (it != ranges_.begin()) {
            auto prev = std::prev(it);
            if (prev->second.end > cursor) cursor = prev->second.end;
        }
        while (cursor < stop) {
            it = ranges_.lower_bound(cursor);
            const Addr hole_end = it == ranges_.end() ? stop : std::min(stop, it->first);
            if (cursor < hole_end)
                ranges_[cursor] = {cursor, hole_end, region, region_offset + (cursor - start), readonly};
            if (it == ranges_.end() || it->first >= stop) break;
            cursor = std::max(cursor, it->second.end);
        }
    }
    std::map<Addr, AddressSpace::FlatRange> ranges_;
};

}  // namespace

void AddressSpace::rebuild_if_needed() {
    // Caller holds rebuild_mutex_.
    if (!dirty_) return;
    Renderer renderer;
    renderer.render(root_, 0, 0, ~Addr(0), 0);
    view_ = renderer.take();
    dirty_ = false;
    for (auto& listener : listeners_) listener();
}

std::vector<AddressSpace::FlatRange> AddressSpace::flat_view() {
    std::lock_guard lock(rebuild_mutex_);
    rebuild_if_needed();
    return view_;
}

const AddressSpace::FlatRange* AddressSpace::lookup(Addr addr) {
    // Caller holds rebuild_mutex_.
    rebuild_if_needed();
    auto it = std::upper_bound(view_.begin(), view_.end(), addr,
                               [](Addr a, const FlatRange& r) { return a < r.start; });
    if (it == view_.begin()) return nullptr;
    --it;
    return addr < it->end ? &*it : nullptr;
}

bool AddressSpace::find_range(Addr addr, FlatRange& range, Addr& gap_end) {
    std::lock_guard lock(rebuild_mutex_);
    rebuild_if_needed();
    auto it = std::upper_bound(view_.begin(), view_.end(), addr,
                               [](Addr a, const FlatRange& r) { return a < r.start; });
    if (it != view_.begin() && addr < std::prev(it)->end) {
        range = *std::prev(it);
        return true;
    }
    gap_end = it == view_.end() ? 0 : it->start;
    return false;
}

std::vector<RamBlock> AddressSpace::ram_blocks() {
    std::lock_guard lock(rebuild_mutex_);
    rebuild_if_needed();
    std::vector<RamBlock> blocks;
    for (const FlatRange& r : view_)
        if (r.region->data())
            blocks.push_back({r.start, r.end - r.start, r.region->data() + r.region_offset, r.readonly});
    return blocks;
}

AddressSpace::RamSpan AddressSpace::ram_span(Addr addr) {
    std::lock_guard lock(rebuild_mutex_);
    const FlatRange* r = lookup(addr);
    if (!r || !r->region->data()) return {};
    const Addr offset = r->region_offset + (addr - r->start);
    return {r->region->data() + offset, r->end - addr, !r->readonly};
}

std::uint8_t* AddressSpace::ram_pointer(Addr addr, Addr length, bool for_write) {
    if (length == 0) return nullptr;
    RamSpan span = ram_span(addr);
    if (!span.host || span.length < length || (for_write && !span.writable)) return nullptr;
    return span.host;
}

// ---- Dispatch ----------------------------------------------------------------------------

MemResult AddressSpace::dispatch_read(const FlatRange& r, Addr addr, unsigned size, std::uint64_t& value) {
    MemoryRegion& mr = *r.region;
    const Addr offset = r.region_offset + (addr - r.start);
    if (mr.data()) {
        value = load_le(mr.data() + offset, size);
        return MemResult::Ok;
    }
    const MmioOps& ops = mr.ops();
    if (size < ops.valid_min || size > ops.valid_max || (!ops.unaligned && (offset & (size - 1))))
        return MemResult::DeviceError;
    BigLockGuard device_lock;  // device state is protected by the big lock
    if (size > ops.impl_max) {  // split into implemented pieces, little-endian
        value = 0;
        for (unsigned done = 0; done < size; done += ops.impl_max)
            value |= (ops.read(offset + done, ops.impl_max) & size_mask(ops.impl_max)) << (8 * done);
        return MemResult::Ok;
    }
    if (size < ops.impl_min) {  // widen to the implemented size and extract
        const Addr aligned = offset & ~Addr(ops.impl_min - 1);
        value = (ops.read(aligned, ops.impl_min) >> (8 * (offset - aligned))) & size_mask(size);
        return MemResult::Ok;
    }
    value = ops.read(offset, size) & size_mask(size);
    return MemResult::Ok;
}

MemResult AddressSpace::dispatch_write(const FlatRange& r, Addr addr, unsigned size, std::uint64_t value) {
    MemoryRegion& mr = *r.region;
    const Addr offset = r.region_offset + (addr - r.start);
    if (mr.data()) {
        if (r.readonly) return MemResult::ReadOnly;
        store_le(mr.data() + offset, size, value);
        return MemResult::Ok;
    }
    const MmioOps& ops = mr.ops();
    if (size < ops.valid_min || size > ops.valid_max || (!ops.unaligned && (offset & (size - 1))))
        return MemResult::DeviceError;
    value &= size_mask(size);
    BigLockGuard device_lock;
    if (size > ops.impl_max) {
        for (unsigned done = 0; done < size; done += ops.impl_max)
            ops.write(offset + done, (value >> (8 * done)) & size_mask(ops.impl_max), ops.impl_max);
        return MemResult::Ok;
    }
    if (size < ops.impl_min) {
        // As real buses do for a narrow write to a wide register: the value on its byte lanes.
        const Addr aligned = offset & ~Addr(ops.impl_min - 1);
        ops.write(aligned, value << (8 * (offset - aligned)), ops.impl_min);
        return MemResult::Ok;
    }
    ops.write(offset, value, size);
    return MemResult::Ok;
}

MemResult AddressSpace::read_value(Addr addr, unsigned size, std::uint64_t& value) {
    value = 0;
    if (!valid_size(size)) return MemResult::DeviceError;
    FlatRange range;
    {
        std::lock_guard lock(rebuild_mutex_);
        const FlatRange* r = lookup(addr);
        if (!r) return MemResult::Unassigned;
        range = *r;
    }
    if (addr + size > range.end || addr + size < addr) {  // straddles regions: byte by byte
        std::uint8_t bytes[8] = {};
        MemResult result = read(addr, bytes, size);
        value = load_le(bytes, size);
        return result;
    }
    return dispatch_read(range, addr, size, value);
}

MemResult AddressSpace::write_value(Addr addr, unsigned size, std::uint64_t value) {
    if (!valid_size(size)) return MemResult::DeviceError;
    FlatRange range;
    {
        std::lock_guard lock(rebuild_mutex_);
        const FlatRange* r = lookup(addr);
        if (!r) return MemResult::Unassigned;
        range = *r;
    }
    if (addr + size > range.end || addr + size < addr) {
        std::uint8_t bytes[8];
        store_le(bytes, size, value);
        return write(addr, bytes, size);
    }
    return dispatch_write(range, addr, size, value);
}

MemResult AddressSpace::read(Addr addr, void* buffer, std::size_t length) {
    auto* out = static_cast<std::uint8_t*>(buffer);
    MemResult result = MemResult::Ok;
    while (length > 0) {
        FlatRange range;
        Addr gap_end = 0;
        if (!find_range(addr, range, gap_end)) {  // unassigned: reads as zero up to the next range
            const Addr skip = gap_end == 0 || gap_end - addr > length ? length : gap_end - addr;
            std::memset(out, 0, skip);
            out += skip;
            addr += skip;
            length -= skip;
            result = MemResult::Unassigned;
            continue;
        }
        const Addr chunk = std::min<Addr>(length, range.end - addr);
        if (range.region->data()) {
            std::memcpy(out, range.region->data() + range.region_offset + (addr - range.start), chunk);
        } else {
            for (Addr i = 0; i < chunk; ++i) {
                std::uint64_t v = 0;
                if (dispatch_read(range, addr + i, 1, v) != MemResult::Ok) result = MemResult::DeviceError;
                out[i] = static_cast<std::uint8_t>(v);
            }
        }
        out += chunk;
        addr += chunk;
        length -= chunk;
        if (addr == 0) break;  // wrapped around the top of the address space
    }
    return result;
}

MemResult AddressSpace::write(Addr addr, const void* buffer, std::size_t length) {
    const auto* in = static_cast<const std::uint8_t*>(buffer);
    MemResult result = MemResult::Ok;
    while (length > 0) {
        FlatRange range;
        Addr gap_end = 0;
        if (!find_range(addr, range, gap_end)) {  // unassigned: the bytes are dropped
            const Addr skip = gap_end == 0 || gap_end - addr > length ? length : gap_end - addr;
            in += skip;
            addr += skip;
            length -= skip;
            result = MemResult::Unassigned;
            continue;
        }
        const Addr chunk = std::min<Addr>(length, range.end - addr);
        if (range.region->data()) {
            if (range.readonly)
                result = MemResult::ReadOnly;
            else
                std::memcpy(range.region->data() + range.region_offset + (addr - range.start), in, chunk);
        } else {
            for (Addr i = 0; i < chunk; ++i)
                if (dispatch_write(range, addr + i, 1, in[i]) != MemResult::Ok) result = MemResult::DeviceError;
        }
        in += chunk;
        addr += chunk;
        length -= chunk;
        if (addr == 0) break;
    }
    return result;
}

MemResult AddressSpace::write_rom(Addr addr, const void* buffer, std::size_t length) {
    const auto* in = static_cast<const std::uint8_t*>(buffer);
    while (length > 0) {
        std::uint8_t* host = nullptr;
        Addr chunk = 0;
        {
            std::lock_guard lock(rebuild_mutex_);
            const FlatRange* r = lookup(addr);
            if (!r || !r->region->data()) return MemResult::Unassigned;
            host = r->region->data() + r->region_offset + (addr - r->start);
            chunk = std::min<Addr>(length, r->end - addr);
        }
        std::memcpy(host, in, chunk);
        in += chunk;
        addr += chunk;
        length -= chunk;
    }
    return MemResult::Ok;
}

}  // namespace emu
