// Split virtqueues (VIRTIO 1.2 §2.7), as a virtio device sees them. Included by emu/virtio.h.
//
// A queue is three rings in guest memory: the descriptor table (16 bytes per entry), the
// driver ("available") ring and the device ("used") ring. The transport sets where they are
// and how big the queue is; the device pops descriptor chains the driver made available,
// reads and writes the buffers they describe, and pushes them back with the number of bytes
// written:
//
//     void handle_rx(emu::VirtQueue& vq) {                  // runs when the driver kicks
//         while (auto element = vq.pop()) {
//             std::size_t n = vq.write(*element, 0, data, std::min(size, element->in_bytes));
//             vq.push(*element, static_cast<std::uint32_t>(n));
//         }
//         vq.notify();                                         // interrupt, if the driver wants one
//     }
//
// Everything the guest wrote is validated before it is used, and a guest can never make the
// host touch memory outside guest RAM, loop or run out of memory:
//   - the rings must lie in guest RAM (the used ring in writable RAM), aligned as the spec
//     requires (16, 2, 4); the queue size must be a power of two from 1 to the queue's maximum;
//   - the available index may run ahead of the device by at most the queue size;
//   - a chain has at most as many descriptors as its table has entries (so it is never longer
//     than the queue, and a loop is caught after that many steps), and every "next" index must
//     be inside its table;
//   - an indirect descriptor (VIRTIO_F_INDIRECT_DESC, negotiated) must not also have NEXT, must
//     point at a whole number of descriptors (at most max(queue size, kMaxIndirect)) in guest
//     RAM, and the table must not contain another indirect descriptor;
//   - every buffer must be 1 byte or more and lie wholly in guest RAM (writable RAM for the
//     device-writable ones), and the device-readable buffers must come first.
// Anything else marks the device broken (VirtioDevice::set_broken): it sets DEVICE_NEEDS_RESET,
// logs one line and stops processing until the driver resets the device.
//
// Memory ordering follows the spec: the available index is read with acquire semantics before
// the ring entries it publishes, used entries are written before the used index is released,
// and a full fence separates publishing used entries from reading the driver's notification
// suppression state. The rings are resolved to host pointers once and re-resolved whenever
// the address space's topology changes (AddressSpace::generation()).
//
// Threading: all of this runs under the big device lock, as MMIO dispatch and the main loop do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emu/memory.h"

namespace emu {

class VirtioDevice;

// One buffer of a chain: a range of guest-physical memory, validated to be guest RAM when the
// chain was popped.
struct VirtqBuffer {
    Addr addr = 0;
    std::uint32_t len = 0;
};

// A descriptor chain popped from a queue.
struct VirtqElement {
    std::uint16_t head = 0;                // the chain's first descriptor: its id in the used ring
    std::vector<VirtqBuffer> out;          // device-readable buffers (driver -> device), in order
    std::vector<VirtqBuffer> in;           // device-writable buffers (device -> driver), in order
    std::uint64_t out_bytes = 0;           // total length of out
    std::uint64_t in_bytes = 0;            // total length of in
    std::uint64_t epoch = 0;               // the queue incarnation it came from (see VirtQueue::push)
};

class VirtQueue {
public:
    using Handler = std::function<void(VirtQueue&)>;

    // Largest queue size of a split virtqueue, and the most entries an indirect table may have
    // beyond the queue size (QEMU's VIRTQUEUE_MAX_SIZE; Linux may build indirect tables longer
    // than small queues).
    static constexpr unsigned kMaxSize = 32768;
    static constexpr unsigned kMaxIndirect = 1024;
    // Default QueueAlign of the legacy layout (virtio 0.9.5: the page size).
    static constexpr std::uint32_t kLegacyAlign = 4096;

    VirtQueue(VirtioDevice& device, unsigned index, std::uint16_t max_size, Handler handler);
    VirtQueue(const VirtQueue&) = delete;
    VirtQueue& operator=(const VirtQueue&) = delete;

    VirtioDevice& device() const { return device_; }
    unsigned index() const { return index_; }
    std::uint16_t max_size() const { return max_size_; }

    // ---- The device's side ------------------------------------------------------------------
    // The next available chain, validated, or nothing: the queue is empty, not ready, or the
    // device is broken (possibly just now, by this chain).
    std::optional<VirtqElement> pop();
    // Give back the most recently popped element, unused (the device could not handle it yet).
    void unpop(const VirtqElement& element);
    // Return an element to the driver: `written` bytes were written to its in buffers.
    // Elements popped before a reset (or before the queue was disabled) are silently dropped.
    void push(const VirtqElement& element, std::uint32_t written);
    // The two halves of push, to return several elements at once (mergeable receive buffers):
    // fill() writes used entry used_idx + offset, flush(count) publishes count filled entries.
    void fill(const VirtqElement& element, std::uint32_t written, unsigned offset);
    void flush(unsigned count);
    // Send a used-buffer notification if entries were published since the last notify() and
    // the driver wants one (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with VIRTIO_F_EVENT_IDX;
    // regardless of those when the ring is empty and NOTIFY_ON_EMPTY was negotiated).
    void notify();
    // Push then notify.
    void push_and_notify(const VirtqElement& element, std::uint32_t written) {
        push(element, written);
        notify();
    }
    // No chain is available (also true when the queue is not usable).
    bool empty();
    // How many chains are available and not yet popped.
    unsigned available();
    // Ask the driver to kick (true, the default) or not to bother (false) when it adds buffers:
    // VIRTQ_USED_F_NO_NOTIFY, or avail_event with EVENT_IDX. A device that disables kicks
    // re-enables them and checks empty() again before it sleeps.
    void set_notification(bool enabled);
    // Chains popped and not yet pushed.
    unsigned in_use() const { return in_use_; }

    // Scatter/gather copies between an element's buffers and host memory, starting `offset`
    // bytes into the out (read) or in (write) buffers. They return the bytes copied: less than
    // asked when the buffers end (or, if the memory map changed since pop, where they stop
    // being RAM), and 0 for an element popped before a reset. Only guest RAM is ever touched.
    std::size_t read(const VirtqElement& element, std::size_t offset, void* data, std::size_t length) const;
    std::size_t write(const VirtqElement& element, std::size_t offset, const void* data, std::size_t length) const;
    // Zero-copy: the host memory of a buffer, if it lies in one RAM region (writable, when
    // for_write), else an empty span (copy with read/write instead).
    std::span<std::uint8_t> map(const VirtqBuffer& buffer, bool for_write) const;

    // ---- The transport's side ---------------------------------------------------------------
    // Queue size as the driver set it (QueueNum); max_size() after a reset. Validated when the
    // queue is used, not when written.
    std::uint32_t size() const { return size_; }
    void set_size(std::uint32_t size);
    // Modern layout: the three ring addresses (QueueDesc, QueueDriver, QueueDevice).
    Addr desc_addr() const { return desc_addr_; }
    Addr driver_addr() const { return driver_addr_; }
    Addr device_addr() const { return device_addr_; }
    void set_desc_addr(Addr addr);
    void set_driver_addr(Addr addr);
    void set_device_addr(Addr addr);
    // Legacy layout (virtio 0.9.5): one block at base, the rings following each other, the used
    // ring aligned to `align`. The addresses follow size changes.
    void set_legacy_align(std::uint32_t align);
    std::uint32_t legacy_align() const { return legacy_align_; }
    void set_legacy_base(Addr base);
    // Enable (the rings start empty: indices 0) or disable the queue. Enabling validates the
    // layout at once, so a bad one marks the device broken now rather than at the first kick.
    void set_ready(bool ready);
    bool ready() const { return ready_; }
    // The driver kicked the queue: run the handler if the queue is ready and the device works.
    void kick();
    // Back to the power-on state: disabled, size max_size(), addresses 0; popped elements are
    // forgotten (pushing them later does nothing).
    void reset();

private:
    struct Desc {
        std::uint64_t addr;
        std::uint32_t len;
        std::uint16_t flags;
        std::uint16_t next;
    };
    bool usable();
    bool map_rings();
    void unmap() { mapped_ = false; }
    void update_legacy_layout();
    bool fail(const std::string& why);
    bool has_feature(unsigned bit) const;
    AddressSpace* space() const;
    bool guest_ram(Addr addr, std::uint64_t len, bool for_write) const;
    std::uint16_t avail_idx();
    void set_avail_event(std::uint16_t value);
    std::uint16_t used_event();
    bool should_notify();

    VirtioDevice& device_;
    unsigned index_;
    std::uint16_t max_size_;
    Handler handler_;

    // Layout, as the transport set it.
    std::uint32_t size_;
    Addr desc_addr_ = 0, driver_addr_ = 0, device_addr_ = 0;
    bool legacy_layout_ = false;
    Addr legacy_base_ = 0;
    std::uint32_t legacy_align_ = kLegacyAlign;
    bool ready_ = false;

    // Host view of the rings, valid while mapped_ and the space's generation is map_generation_.
    bool mapped_ = false;
    std::uint64_t map_generation_ = 0;
    std::uint8_t* desc_host_ = nullptr;
    std::uint8_t* avail_host_ = nullptr;
    std::uint8_t* used_host_ = nullptr;

    // Ring state.
    std::uint16_t last_avail_idx_ = 0;    // next available entry to pop
    std::uint16_t shadow_avail_idx_ = 0;  // the driver's index as last read
    std::uint16_t used_idx_ = 0;          // next used entry to publish
    std::uint16_t signalled_used_ = 0;    // used index at the last notification decision
    unsigned in_use_ = 0;
    bool published_ = false;              // used entries published since the last notify()
    bool notification_ = true;
    std::uint64_t epoch_ = 1;
};

}  // namespace emu
