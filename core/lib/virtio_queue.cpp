// Split virtqueues: ring layout and mapping, popping and validating descriptor chains
// (direct and indirect), the used ring, notification suppression (NO_INTERRUPT / NO_NOTIFY and
// EVENT_IDX), and scatter/gather copies. Every guest value is checked before use; see
// emu/virtio_queue.h for the rules.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdio>
#include <cstring>

#include "emu/virtio.h"

namespace emu {

static_assert(std::endian::native == std::endian::little, "virtqueue fields are accessed as little-endian");

namespace {

// Ring fields shared with the driver (running on other threads) are accessed atomically. The
// mapping checks alignment, so these pointers are suitably aligned for 16-bit atomics.
std::atomic_ref<std::uint16_t> field16(std::uint8_t* p) {
    return std::atomic_ref<std::uint16_t>(*reinterpret_cast<std::uint16_t*>(p));
}

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

bool power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

VirtQueue::VirtQueue(VirtioDevice& device, unsigned index, std::uint16_t max_size, Handler handler)
    : device_(device), index_(index), max_size_(max_size), handler_(std::move(handler)), size_(max_size) {}

AddressSpace* VirtQueue::space() const { return device_.dma_space(); }

bool VirtQueue::has_feature(unsigned bit) const { return device_.has_feature(bit); }

bool VirtQueue::fail(const std::string& why) {
    mapped_ = false;
    device_.set_broken("virtqueue " + std::to_string(index_) + ": " + why);
    return false;
}

// ---- Layout (transport side) --------------------------------------------------------------------

void VirtQueue::set_size(std::uint32_t size) {
    size_ = size;
    if (legacy_layout_) update_legacy_layout();
    unmap();
}

void VirtQueue::set_desc_addr(Addr addr) {
    desc_addr_ = addr;
    legacy_layout_ = false;
    unmap();
}

void VirtQueue::set_driver_addr(Addr addr) {
    driver_addr_ = addr;
    legacy_layout_ = false;
    unmap();
}

void VirtQueue::set_device_addr(Addr addr) {
    device_addr_ = addr;
    legacy_layout_ = false;
    unmap();
}

void VirtQueue::set_legacy_align(std::uint32_t align) {
    legacy_align_ = align;
    if (legacy_layout_) update_legacy_layout();
    unmap();
}

void VirtQueue::set_legacy_base(Addr base) {
    legacy_base_ = base;
    legacy_layout_ = true;
    update_legacy_layout();
    unmap();
}

void VirtQueue::update_legacy_layout() {
    desc_addr_ = legacy_base_;
    driver_addr_ = legacy_base_ + virtio::desc_table_size(size_ <= kMaxSize ? size_ : 0);
    // A bad size or alignment is reported when the queue is mapped; keep the arithmetic sane.
    const std::uint64_t align = power_of_two(legacy_align_) ? legacy_align_ : 1;
    device_addr_ = legacy_base_ + virtio::legacy_used_offset(size_ <= kMaxSize ? size_ : 0, align);
}

void VirtQueue::set_ready(bool ready) {
    if (ready && ready_) {  // written again: re-check the layout, keep the ring state
        unmap();
        usable();
        return;
    }
    if (ready_ || ready) ++epoch_;
    ready_ = ready;
    mapped_ = false;
    last_avail_idx_ = shadow_avail_idx_ = used_idx_ = signalled_used_ = 0;
    in_use_ = 0;
    published_ = false;
    notification_ = true;
    if (ready) usable();  // report a bad layout now
}

void VirtQueue::reset() {
    ready_ = false;
    size_ = max_size_;
    desc_addr_ = driver_addr_ = device_addr_ = 0;
    legacy_layout_ = false;
    legacy_base_ = 0;
    legacy_align_ = kLegacyAlign;
    mapped_ = false;
    last_avail_idx_ = shadow_avail_idx_ = used_idx_ = signalled_used_ = 0;
    in_use_ = 0;
    published_ = false;
    notification_ = true;
    ++epoch_;
}

void VirtQueue::kick() {
    if (!ready_ || device_.broken() || !handler_) return;
    handler_(*this);
}

// ---- Mapping -------------------------------------------------------------------------------------

bool VirtQueue::usable() {
    if (!ready_ || device_.broken()) return false;
    AddressSpace* s = space();
    if (!s) return false;
    if (mapped_ && map_generation_ == s->generation()) return true;
    return map_rings();
}

bool VirtQueue::map_rings() {
    AddressSpace* s = space();
    const std::uint32_t n = size_;
    if (!power_of_two(n) || n > max_size_)
        return fail("queue size " + std::to_string(n) + " is not a power of two from 1 to " + std::to_string(max_size_));
    if (legacy_layout_ && !power_of_two(legacy_align_))
        return fail("QueueAlign " + std::to_string(legacy_align_) + " is not a power of two");
    if (desc_addr_ % 16) return fail("descriptor table at " + hex(desc_addr_) + " is not 16-byte aligned");
    if (driver_addr_ % 2) return fail("driver ring at " + hex(driver_addr_) + " is not 2-byte aligned");
    if (device_addr_ % 4) return fail("device ring at " + hex(device_addr_) + " is not 4-byte aligned");
    const std::uint64_t generation = s->generation();
    desc_host_ = s->ram_pointer(desc_addr_, virtio::desc_table_size(n), false);
    if (!desc_host_)
        return fail("descriptor table at " + hex(desc_addr_) + " (" + std::to_string(virtio::desc_table_size(n)) +
                    " bytes) is not in guest RAM");
    avail_host_ = s->ram_pointer(driver_addr_, virtio::avail_ring_size(n), false);
    if (!avail_host_)
        return fail("driver ring at " + hex(driver_addr_) + " (" + std::to_string(virtio::avail_ring_size(n)) +
                    " bytes) is not in guest RAM");
    used_host_ = s->ram_pointer(device_addr_, virtio::used_ring_size(n), true);
    if (!used_host_)
        return fail("device ring at " + hex(device_addr_) + " (" + std::to_string(virtio::used_ring_size(n)) +
                    " bytes) is not in writable guest RAM");
    mapped_ = true;
    map_generation_ = generation;
    return true;
}

bool VirtQueue::guest_ram(Addr addr, std::uint64_t len, bool for_write) const {
    AddressSpace* s = space();
    if (!s || len == 0 || addr + (len - 1) < addr) return false;
    while (len > 0) {
        AddressSpace::RamSpan span = s->ram_span(addr);
        if (!span.host || span.length == 0 || (for_write && !span.writable)) return false;
        const std::uint64_t step = std::min<std::uint64_t>(len, span.length);
        addr += step;
        len -= step;
    }
    return true;
}

// ---- Ring fields ----------------------------------------------------------------------------------

std::uint16_t VirtQueue::avail_idx() {
    shadow_avail_idx_ = field16(avail_host_ + 2).load(std::memory_order_acquire);
    return shadow_avail_idx_;
}

std::uint16_t VirtQueue::used_event() {
    return field16(avail_host_ + 4 + 2 * std::size_t{size_}).load(std::memory_order_relaxed);
}

void VirtQueue::set_avail_event(std::uint16_t value) {
    field16(used_host_ + 4 + virtio::kUsedElemSize * std::size_t{size_}).store(value, std::memory_order_relaxed);
}

// ---- Popping ---------------------------------------------------------------------------------------

std::optional<VirtqElement> VirtQueue::pop() {
    if (!usable()) return std::nullopt;
    const std::uint32_t n = size_;
    const std::uint16_t avail = avail_idx();
    const std::uint16_t pending = static_cast<std::uint16_t>(avail - last_avail_idx_);
    if (pending > n) {
        fail("the driver moved the available index to " + std::to_string(avail) + ", " + std::to_string(pending) +
             " entries ahead of the device (the queue has " + std::to_string(n) + ")");
        return std::nullopt;
    }
    if (pending == 0) return std::nullopt;

    const std::uint16_t head =
        field16(avail_host_ + 4 + 2 * std::size_t{last_avail_idx_ % n}).load(std::memory_order_relaxed);
    if (head >= n) {
        fail("available ring entry " + std::to_string(last_avail_idx_ % n) + " names descriptor " +
             std::to_string(head) + " (the queue has " + std::to_string(n) + ")");
        return std::nullopt;
    }

    VirtqElement element;
    element.head = head;
    element.epoch = epoch_;
    AddressSpace* s = space();
    const std::uint8_t* table = desc_host_;
    std::uint32_t table_size = n;
    std::uint32_t index = head;
    std::uint32_t steps = 0;
    bool indirect = false;
    auto name = [&](std::uint32_t i) {
        return (indirect ? "indirect descriptor " : "descriptor ") + std::to_string(i);
    };
    for (;;) {
        Desc d;
        const std::uint8_t* raw = table + std::size_t{virtio::kDescSize} * index;
        std::memcpy(&d.addr, raw, 8);
        std::memcpy(&d.len, raw + 8, 4);
        std::memcpy(&d.flags, raw + 12, 2);
        std::memcpy(&d.next, raw + 14, 2);
        ++steps;

        if (d.flags & virtio::kDescFIndirect) {
            if (indirect) {
                fail(name(index) + " is itself indirect (an indirect table inside an indirect table)");
                return std::nullopt;
            }
            if (!has_feature(virtio::kFIndirectDesc)) {
                fail(name(index) + " is indirect, but VIRTIO_F_INDIRECT_DESC was not negotiated");
                return std::nullopt;
            }
            if (d.flags & virtio::kDescFNext) {
                fail(name(index) + " is indirect and has NEXT set too");
                return std::nullopt;
            }
            if (d.len == 0 || d.len % virtio::kDescSize) {
                fail(name(index) + ": an indirect table of " + std::to_string(d.len) +
                     " bytes is not a whole number of descriptors");
                return std::nullopt;
            }
            const std::uint32_t entries = d.len / virtio::kDescSize;
            const std::uint32_t limit = std::max<std::uint32_t>(n, kMaxIndirect);
            if (entries > limit) {
                fail(name(index) + ": an indirect table of " + std::to_string(entries) + " descriptors (at most " +
                     std::to_string(limit) + ")");
                return std::nullopt;
            }
            const std::uint8_t* host = s->ram_pointer(d.addr, d.len, false);
            if (!host) {
                fail(name(index) + ": indirect table at " + hex(d.addr) + " (" + std::to_string(d.len) +
                     " bytes) is not in guest RAM");
                return std::nullopt;
            }
            table = host;
            table_size = entries;
            index = 0;
            steps = 0;
            indirect = true;
            continue;
        }

        const bool writable = d.flags & virtio::kDescFWrite;
        if (d.len == 0) {
            fail(name(index) + " has length 0");
            return std::nullopt;
        }
        if (!guest_ram(d.addr, d.len, writable)) {
            fail(name(index) + ": buffer at " + hex(d.addr) + " (" + std::to_string(d.len) + " bytes) is not in " +
                 (writable ? "writable guest RAM" : "guest RAM"));
            return std::nullopt;
        }
        if (writable) {
            element.in.push_back({d.addr, d.len});
            element.in_bytes += d.len;
        } else {
            if (!element.in.empty()) {
                fail(name(index) + " is device-readable but follows a device-writable one");
                return std::nullopt;
            }
            element.out.push_back({d.addr, d.len});
            element.out_bytes += d.len;
        }

        if (!(d.flags & virtio::kDescFNext)) break;
        if (d.next >= table_size) {
            fail(name(index) + " links to descriptor " + std::to_string(d.next) + ", outside its table (" +
                 std::to_string(table_size) + " entries)");
            return std::nullopt;
        }
        if (steps >= table_size) {
            fail("the descriptor chain from " + std::to_string(head) + " loops or is longer than its table (" +
                 std::to_string(table_size) + " entries)");
            return std::nullopt;
        }
        index = d.next;
    }

    ++last_avail_idx_;
    ++in_use_;
    if (notification_ && has_feature(virtio::kFEventIdx)) set_avail_event(last_avail_idx_);
    return element;
}

void VirtQueue::unpop(const VirtqElement& element) {
    if (element.epoch != epoch_ || !ready_ || in_use_ == 0) return;
    --last_avail_idx_;
    --in_use_;
}

// ---- The used ring -------------------------------------------------------------------------------

void VirtQueue::fill(const VirtqElement& element, std::uint32_t written, unsigned offset) {
    if (element.epoch != epoch_ || !usable() || element.head >= size_) return;
    const std::uint32_t slot = (used_idx_ + offset) % size_;
    std::uint8_t* entry = used_host_ + 4 + std::size_t{virtio::kUsedElemSize} * slot;
    const std::uint32_t id = element.head;
    std::memcpy(entry, &id, 4);
    std::memcpy(entry + 4, &written, 4);
}

void VirtQueue::flush(unsigned count) {
    if (count == 0 || !usable()) return;
    used_idx_ = static_cast<std::uint16_t>(used_idx_ + count);
    // Release: the used entries (and the buffers' contents) are visible before the index.
    field16(used_host_ + 2).store(used_idx_, std::memory_order_release);
    in_use_ -= std::min(count, in_use_);
    published_ = true;
}

void VirtQueue::push(const VirtqElement& element, std::uint32_t written) {
    if (element.epoch != epoch_ || !usable() || element.head >= size_) return;
    fill(element, written, 0);
    flush(1);
}

bool VirtQueue::should_notify() {
    // The used index must be visible before the driver's suppression state is read.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (has_feature(virtio::kFNotifyOnEmpty) && in_use_ == 0 && avail_idx() == last_avail_idx_) return true;
    if (!has_feature(virtio::kFEventIdx))
        return !(field16(avail_host_).load(std::memory_order_relaxed) & virtio::kAvailFNoInterrupt);
    const std::uint16_t old = signalled_used_;
    signalled_used_ = used_idx_;
    return virtio::need_event(used_event(), used_idx_, old);
}

void VirtQueue::notify() {
    if (!published_ || !usable()) return;
    published_ = false;
    if (should_notify()) device_.queue_interrupt(*this);
}

bool VirtQueue::empty() {
    if (!usable()) return true;
    if (shadow_avail_idx_ != last_avail_idx_) return false;
    return avail_idx() == last_avail_idx_;
}

unsigned VirtQueue::available() {
    if (!usable()) return 0;
    const std::uint16_t pending = static_cast<std::uint16_t>(avail_idx() - last_avail_idx_);
    if (pending > size_) {
        fail("the driver moved the available index to " + std::to_string(shadow_avail_idx_) + ", " +
             std::to_string(pending) + " entries ahead of the device (the queue has " + std::to_string(size_) + ")");
        return 0;
    }
    return pending;
}

void VirtQueue::set_notification(bool enabled) {
    notification_ = enabled;
    if (!usable()) return;
    if (has_feature(virtio::kFEventIdx)) {
        // Kick me when you make the next entry available. (Disabling leaves avail_event where
        // it is: the driver kicks once more at most.)
        if (enabled) set_avail_event(avail_idx());
    } else {
        auto flags = field16(used_host_);
        const std::uint16_t old = flags.load(std::memory_order_relaxed);
        flags.store(enabled ? static_cast<std::uint16_t>(old & ~virtio::kUsedFNoNotify)
                            : static_cast<std::uint16_t>(old | virtio::kUsedFNoNotify),
                    std::memory_order_relaxed);
    }
    // The driver must see the request before the device looks at the available index again.
    if (enabled) std::atomic_thread_fence(std::memory_order_seq_cst);
}

// ---- Scatter/gather -----------------------------------------------------------------------------

namespace {

// Walk length bytes of a chain's buffers from offset, RAM span by RAM span, calling
// copy(host, done, chunk) for each piece. Stops at the first byte that is not (writable) RAM.
template <class Copy>
std::size_t walk_chain(AddressSpace& space, const std::vector<VirtqBuffer>& buffers, std::size_t offset,
                       std::size_t length, bool writable, Copy copy) {
    std::size_t done = 0;
    for (const VirtqBuffer& b : buffers) {
        if (done == length) break;
        if (offset >= b.len) {
            offset -= b.len;
            continue;
        }
        Addr addr = b.addr + offset;
        std::size_t left = std::min<std::size_t>(b.len - offset, length - done);
        offset = 0;
        while (left > 0) {
            AddressSpace::RamSpan span = space.ram_span(addr);
            if (!span.host || span.length == 0 || (writable && !span.writable)) return done;
            const std::size_t chunk = std::min<std::size_t>(left, span.length);
            copy(span.host, done, chunk);
            done += chunk;
            addr += chunk;
            left -= chunk;
        }
    }
    return done;
}

}  // namespace

std::size_t VirtQueue::read(const VirtqElement& element, std::size_t offset, void* data, std::size_t length) const {
    AddressSpace* s = space();
    if (!s || element.epoch != epoch_) return 0;
    auto* out = static_cast<std::uint8_t*>(data);
    return walk_chain(*s, element.out, offset, length, false,
                      [out](std::uint8_t* host, std::size_t at, std::size_t n) { std::memcpy(out + at, host, n); });
}

std::size_t VirtQueue::write(const VirtqElement& element, std::size_t offset, const void* data,
                             std::size_t length) const {
    AddressSpace* s = space();
    if (!s || element.epoch != epoch_) return 0;
    const auto* in = static_cast<const std::uint8_t*>(data);
    return walk_chain(*s, element.in, offset, length, true,
                      [in](std::uint8_t* host, std::size_t at, std::size_t n) { std::memcpy(host, in + at, n); });
}

std::span<std::uint8_t> VirtQueue::map(const VirtqBuffer& buffer, bool for_write) const {
    AddressSpace* s = space();
    if (!s) return {};
    std::uint8_t* host = s->ram_pointer(buffer.addr, buffer.len, for_write);
    if (!host) return {};
    return {host, buffer.len};
}

}  // namespace emu
