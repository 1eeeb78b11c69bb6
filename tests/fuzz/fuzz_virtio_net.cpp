// virtio-net operations, on three transports: virtio-net-pci's legacy I/O BAR and its modern
// capabilities (common, notify, ISR, device config; both are live at once, so a case may mix
// them), and virt's virtio-mmio (legacy, version 1). The fuzzer builds split virtqueues in
// guest RAM: descriptor chains with buffers anywhere, absurd lengths, NEXT loops, indirect
// tables (nested, oversized), avail indexes that jump, rings overlapping each other; transmit
// chains carry virtio_net_hdr with random offload fields, the control queue random commands.
#include "fuzz_targets.h"

#include <array>

namespace emu::fuzz {

namespace {

enum class Transport { PciLegacy, PciModern, Mmio };

struct Queue {
    std::uint16_t size = 0;
    std::uint64_t desc = 0, avail = 0, used = 0;
    std::uint16_t avail_idx = 0;
    std::uint16_t next_free = 0;
};

struct VirtioNet {
    Transport transport = Transport::Mmio;
    bool pci = false;
    std::uint64_t mmio = 0;  // virtio-mmio registers
    // Modern PCI: where each structure is (BAR, offset), and the notify multiplier.
    std::array<std::pair<unsigned, std::uint32_t>, 5> cap{};
    std::uint32_t notify_multiplier = 0;
    std::array<Queue, 3> queues{};  // receive, transmit, control
};

VirtioNet& model(Fuzzer& f) { return *static_cast<VirtioNet*>(f.state.get()); }

constexpr std::uint64_t kMmioBase = 0x0a000000 + 31 * 0x200;  // the last transport (virt)

// Modern common configuration (virtio 1.x, 4.1.4.3).
enum : std::uint32_t {
    kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04, kDriverFeatureSelect = 0x08, kDriverFeature = 0x0c,
    kMsixConfig = 0x10, kNumQueues = 0x12, kDeviceStatus = 0x14, kConfigGeneration = 0x15, kQueueSelect = 0x16,
    kQueueSize = 0x18, kQueueMsixVector = 0x1a, kQueueEnable = 0x1c, kQueueNotifyOff = 0x1e, kQueueDesc = 0x20,
    kQueueDriver = 0x28, kQueueDevice = 0x30,
};
// virtio-mmio (4.2.2; legacy 4.2.4).
enum : std::uint32_t {
    kMmioHostFeatures = 0x10, kMmioHostFeaturesSel = 0x14, kMmioGuestFeatures = 0x20, kMmioGuestFeaturesSel = 0x24,
    kMmioGuestPageSize = 0x28, kMmioQueueSel = 0x30, kMmioQueueNumMax = 0x34, kMmioQueueNum = 0x38,
    kMmioQueueAlign = 0x3c, kMmioQueuePfn = 0x40, kMmioQueueReady = 0x44, kMmioQueueNotify = 0x50,
    kMmioInterruptStatus = 0x60, kMmioInterruptAck = 0x64, kMmioStatus = 0x70, kMmioConfig = 0x100,
};
// Legacy virtio-pci I/O BAR (4.1.4.10).
enum : std::uint32_t {
    kLegacyHostFeatures = 0x00, kLegacyGuestFeatures = 0x04, kLegacyQueuePfn = 0x08, kLegacyQueueNum = 0x0c,
    kLegacyQueueSel = 0x0e, kLegacyQueueNotify = 0x10, kLegacyStatus = 0x12, kLegacyIsr = 0x13,
};

void common_write(Fuzzer& f, std::uint32_t offset, std::uint64_t v, unsigned size) {
    const auto [bar, base] = model(f).cap[1];
    f.bar_write(bar, base + offset, v, size);
}
std::uint64_t common_read(Fuzzer& f, std::uint32_t offset, unsigned size) {
    const auto [bar, base] = model(f).cap[1];
    return f.bar_read(bar, base + offset, size);
}

void set_status(Fuzzer& f, std::uint8_t status) {
    VirtioNet& m = model(f);
    switch (m.transport) {
    case Transport::PciLegacy: f.bar_write(0, kLegacyStatus, status, 1); break;
    case Transport::PciModern: common_write(f, kDeviceStatus, status, 1); break;
    case Transport::Mmio: f.write(m.mmio + kMmioStatus, status, 4); break;
    }
}

void notify(Fuzzer& f, std::uint16_t queue) {
    VirtioNet& m = model(f);
    switch (m.transport) {
    case Transport::PciLegacy: f.bar_write(0, kLegacyQueueNotify, queue, 2); break;
    case Transport::PciModern: {
        const auto [bar, base] = m.cap[2];
        common_write(f, kQueueSelect, queue, 2);
        const std::uint64_t off = common_read(f, kQueueNotifyOff, 2);
        f.bar_write(bar, base + off * m.notify_multiplier, queue, 2);
        break;
    }
    case Transport::Mmio: f.write(m.mmio + kMmioQueueNotify, queue, 4); break;
    }
}

// Legacy transports place the three parts from one page frame number.
void legacy_layout(Queue& q, std::uint64_t base) {
    q.desc = base;
    q.avail = base + 16ull * q.size;
    q.used = (q.avail + 6 + 2ull * q.size + 4095) & ~4095ull;
}

void setup_queue(Fuzzer& f, std::uint16_t index) {
    VirtioNet& m = model(f);
    Queue& q = m.queues[index % 3];
    const bool sane = f.chance(75);
    const std::uint64_t base = sane ? f.ram_address(4096) : f.dma_address() & ~4095ull;
    switch (m.transport) {
    case Transport::PciLegacy:
        f.bar_write(0, kLegacyQueueSel, index, 2);
        q.size = static_cast<std::uint16_t>(f.bar_read(0, kLegacyQueueNum, 2));
        legacy_layout(q, base);
        f.bar_write(0, kLegacyQueuePfn, base >> 12, 4);
        break;
    case Transport::Mmio: {
        f.write(m.mmio + kMmioGuestPageSize, sane ? 4096 : f.value(4), 4);
        f.write(m.mmio + kMmioQueueSel, index, 4);
        const auto max = static_cast<std::uint16_t>(f.read(m.mmio + kMmioQueueNumMax, 4));
        q.size = sane && max ? static_cast<std::uint16_t>(max >> f.below(4)) : static_cast<std::uint16_t>(f.value(2));
        f.write(m.mmio + kMmioQueueNum, q.size, 4);
        f.write(m.mmio + kMmioQueueAlign, sane ? 4096 : f.value(4), 4);
        legacy_layout(q, base);
        f.write(m.mmio + kMmioQueuePfn, base >> 12, 4);
        break;
    }
    case Transport::PciModern: {
        common_write(f, kQueueSelect, index, 2);
        const auto max = static_cast<std::uint16_t>(common_read(f, kQueueSize, 2));
        q.size = sane && max ? static_cast<std::uint16_t>(max >> f.below(4)) : static_cast<std::uint16_t>(f.value(2));
        common_write(f, kQueueSize, q.size, 2);
        q.desc = base;
        q.avail = sane ? base + 16ull * q.size : f.dma_address();
        q.used = sane ? ((q.avail + 6 + 2ull * q.size + 3) & ~3ull) : f.dma_address();
        if (f.chance(10)) q.used = q.desc;  // the device's writes over the descriptors
        common_write(f, kQueueDesc, q.desc, 4);
        common_write(f, kQueueDesc + 4, q.desc >> 32, 4);
        common_write(f, kQueueDriver, q.avail, 4);
        common_write(f, kQueueDriver + 4, q.avail >> 32, 4);
        common_write(f, kQueueDevice, q.used, 4);
        common_write(f, kQueueDevice + 4, q.used >> 32, 4);
        if (f.chance(30)) common_write(f, kQueueMsixVector, f.chance(50) ? 0xffff : f.below(4), 2);
        common_write(f, kQueueEnable, 1, 2);
        break;
    }
    }
    q.avail_idx = 0;
    q.next_free = 0;
    f.note_ring(q.desc);
    f.note_ring(q.avail);
    f.note_ring(q.used);
}

// The driver's side of 3.1.1: reset, acknowledge, features, queues, DRIVER_OK.
void initialize(Fuzzer& f) {
    VirtioNet& m = model(f);
    set_status(f, 0);
    set_status(f, 1);
    set_status(f, 3);
    switch (m.transport) {
    case Transport::PciLegacy: {
        const std::uint64_t host = f.bar_read(0, kLegacyHostFeatures, 4);
        f.bar_write(0, kLegacyGuestFeatures, host & f.next(), 4);
        break;
    }
    case Transport::Mmio: {
        f.write(m.mmio + kMmioHostFeaturesSel, 0, 4);
        const std::uint64_t host = f.read(m.mmio + kMmioHostFeatures, 4);
        f.write(m.mmio + kMmioGuestFeaturesSel, 0, 4);
        f.write(m.mmio + kMmioGuestFeatures, host & f.next(), 4);
        break;
    }
    case Transport::PciModern:
        for (std::uint32_t select = 0; select < 2; ++select) {
            common_write(f, kDeviceFeatureSelect, select, 4);
            const std::uint64_t host = common_read(f, kDeviceFeature, 4);
            common_write(f, kDriverFeatureSelect, select, 4);
            // VERSION_1 (bit 32) is required by the modern interface; usually keep it.
            common_write(f, kDriverFeature, host & (f.next() | (select && f.chance(90) ? 1 : 0)), 4);
        }
        set_status(f, 0x0b);
        break;
    }
    for (std::uint16_t q = 0; q < 3; ++q) setup_queue(f, q);
    set_status(f, f.chance(90) ? 0x0f : static_cast<std::uint8_t>(f.value(1)));
}

std::vector<std::uint8_t> net_header(Fuzzer& f) {
    std::vector<std::uint8_t> h(12);
    h[0] = static_cast<std::uint8_t>(f.chance(50) ? 1 : f.next());              // flags: NEEDS_CSUM
    h[1] = f.pick(std::vector<std::uint8_t>{0, 1, 3, 4, 0x81, 0xff});          // gso_type
    for (unsigned i = 2; i < 10; i += 2) {                                     // hdr_len, gso_size, csum_start, csum_offset
        const std::uint16_t v = static_cast<std::uint16_t>(f.chance(60) ? f.below(128) : f.next());
        h[i] = static_cast<std::uint8_t>(v);
        h[i + 1] = static_cast<std::uint8_t>(v >> 8);
    }
    h[10] = static_cast<std::uint8_t>(f.next());
    h[11] = static_cast<std::uint8_t>(f.next());
    return h;
}

void write_descriptor(Fuzzer& f, std::uint64_t table, std::uint16_t i, std::uint64_t address, std::uint32_t length,
                      std::uint16_t flags, std::uint16_t next) {
    f.poke64(table + 16ull * i, address);
    f.poke32(table + 16ull * i + 8, length);
    f.poke16(table + 16ull * i + 12, flags);
    f.poke16(table + 16ull * i + 14, next);
}

// A buffer: somewhere to DMA, usually RAM holding what the queue expects at its start.
std::uint64_t buffer(Fuzzer& f, unsigned queue, bool first, bool sane) {
    const std::uint64_t address = sane ? f.ram_address(2) : f.dma_address();
    if (first && queue == 1) f.poke(address, sane ? std::vector<std::uint8_t>(12) : net_header(f));
    if (first && queue == 2) {
        std::vector<std::uint8_t> command(2 + f.below(32));  // class, command, data
        for (auto& byte : command) byte = static_cast<std::uint8_t>(f.next());
        command[0] = static_cast<std::uint8_t>(f.chance(80) ? f.below(6) : command[0]);
        command[1] = static_cast<std::uint8_t>(f.chance(80) ? f.below(6) : command[1]);
        f.poke(address, command);
    }
    return address;
}

void post_chain(Fuzzer& f) {
    VirtioNet& m = model(f);
    const unsigned index = static_cast<unsigned>(f.chance(30) ? 0 : f.chance(70) ? 1 : 2);
    Queue& q = m.queues[index];
    if (q.size == 0 || q.desc == 0) return setup_queue(f, static_cast<std::uint16_t>(index));
    const std::uint16_t size = q.size;
    const std::uint16_t head = q.next_free % size;
    // A third of the chains are what a real driver posts, so that frames do flow.
    const bool sane = f.chance(35);
    const unsigned n = 1 + static_cast<unsigned>(f.below(sane ? 2 : f.chance(10) ? 40 : 4));
    for (unsigned k = 0; k < n; ++k) {
        const auto i = static_cast<std::uint16_t>((head + k) % size);
        std::uint16_t flags = k + 1 < n ? 1 : 0;  // NEXT
        if (index == 0 || (index == 2 && k + 1 == n) || f.chance(10)) flags |= 2;  // WRITE
        std::uint16_t next = static_cast<std::uint16_t>((i + 1) % size);
        std::uint64_t address = buffer(f, index, k == 0, sane);
        std::uint32_t length = sane || f.chance(70) ? 12 + static_cast<std::uint32_t>(f.below(1600)) : f.length();
        if (index == 1 && f.chance(50)) {
            // The frame, behind the header in the first buffer or alone in a later one.
            const std::uint32_t header = k == 0 ? f.pick(std::vector<std::uint32_t>{10, 12}) : 0;
            if (length > header) f.poke_packet(address + header, length - header);
        }
        if (sane) {
            write_descriptor(f, q.desc, i, address, length, flags, next);
            continue;
        }
        if (f.chance(8)) next = f.chance(50) ? head : i;  // a loop
        if (f.chance(4)) next = static_cast<std::uint16_t>(f.next());
        if (f.chance(5)) flags |= 1;
        if (f.chance(8)) {
            // An indirect table, sometimes holding indirect descriptors itself, or looping.
            const std::uint64_t table = f.chance(80) ? f.ram_address(16) : f.dma_address();
            const auto entries = static_cast<std::uint16_t>(1 + f.below(f.chance(10) ? 300 : 8));
            for (std::uint16_t e = 0; e < entries && e < 64; ++e) {
                std::uint16_t inner = e + 1 < entries ? 1 : 0;
                if (index == 0) inner |= 2;
                if (f.chance(5)) inner |= 4;
                const std::uint32_t bytes = f.chance(70) ? 64 + static_cast<std::uint32_t>(f.below(1500)) : f.length();
                const auto link = static_cast<std::uint16_t>(f.chance(90) ? e + 1 : f.below(entries));
                write_descriptor(f, table, e, buffer(f, index, e == 0, false), bytes, inner, link);
            }
            flags |= 4;
            address = table;
            length = f.chance(80) ? 16u * entries : f.length();
        }
        write_descriptor(f, q.desc, i, address, length, flags, next);
    }
    q.next_free = static_cast<std::uint16_t>(head + n);
    f.poke16(q.avail + 4 + 2ull * (q.avail_idx % size), f.chance(95) ? head : static_cast<std::uint16_t>(f.next()));
    q.avail_idx = static_cast<std::uint16_t>(q.avail_idx + (sane || f.chance(95) ? 1 : f.next()));
    if (f.chance(10)) f.poke16(q.avail, static_cast<std::uint16_t>(f.value(2)));   // flags
    if (f.chance(10)) f.poke16(q.avail + 4 + 2ull * size, static_cast<std::uint16_t>(f.next()));  // used_event
    f.poke16(q.avail + 2, q.avail_idx);
    if (f.chance(85)) notify(f, static_cast<std::uint16_t>(index));
}

void register_access(Fuzzer& f) {
    VirtioNet& m = model(f);
    const bool write = f.chance(60);
    switch (m.transport) {
    case Transport::Mmio: {
        const std::uint32_t offset = f.chance(80) ? f.pick(std::vector<std::uint32_t>{
            kMmioHostFeatures, kMmioHostFeaturesSel, kMmioGuestFeatures, kMmioGuestFeaturesSel, kMmioGuestPageSize,
            kMmioQueueSel, kMmioQueueNumMax, kMmioQueueNum, kMmioQueueAlign, kMmioQueuePfn, kMmioQueueReady,
            kMmioQueueNotify, kMmioInterruptStatus, kMmioInterruptAck, kMmioStatus, 0x80, 0x84, 0x90, 0x94, 0xa0,
            0xa4, 0xfc}) : kMmioConfig + static_cast<std::uint32_t>(f.below(0x100));
        const unsigned size = offset >= kMmioConfig ? f.pick(std::vector<unsigned>{1, 2, 4}) : 4;
        if (write) f.write(m.mmio + offset, f.value(size), size);
        else f.read(m.mmio + offset, size);
        break;
    }
    default: {
        // Either interface of the PCI function, whichever this case uses for its set-up.
        if (m.cap[1].first < 6 && f.chance(50)) {
            const std::uint32_t offset = static_cast<std::uint32_t>(f.below(0x38));
            unsigned size = offset >= 0x20 || offset < 0x10 ? 4 : 2;
            if (offset == kDeviceStatus || offset == kConfigGeneration) size = 1;
            const std::uint32_t aligned = offset & ~(size - 1);
            if (write && aligned != kDeviceStatus) common_write(f, aligned, f.value(size), size);
            else common_read(f, aligned, size);
        } else if (f.chance(60)) {
            const std::uint32_t offset = static_cast<std::uint32_t>(f.below(0x20));
            const unsigned size = f.pick(std::vector<unsigned>{1, 2, 4});
            if (write && offset != kLegacyStatus) f.bar_write(0, offset & ~(size - 1), f.value(size), size);
            else f.bar_read(0, offset & ~(size - 1), size);
        } else {
            // Device configuration (MAC, status, max queue pairs) and the ISR, modern side.
            const auto [bar, base] = m.cap[f.chance(50) ? 4 : 3];
            if (bar < 6 && f.bar(bar).size) {
                if (write) f.bar_write(bar, base + f.below(16), f.value(1), 1);
                else f.bar_read(bar, base + f.below(16), 1);
            }
        }
        break;
    }
    }
}

void msix_table(Fuzzer& f) {
    // The MSI-X table lives in BAR1: a vector's address anywhere (RAM, the MSI window, absurd).
    if (!f.bar(1).size || f.bar(1).io) return;
    const std::uint64_t entry = 16 * f.below(4);
    // Aimed at the table itself or the card's registers, a message write would re-enter the card.
    std::uint64_t address = f.chance(60) ? 0xfee00000 : f.dma_address() & 0xffffffff;
    if (f.chance(15)) address = f.bar(1).base + f.below(64);
    f.bar_write(1, entry, address, 4);
    f.bar_write(1, entry + 4, f.chance(80) ? 0 : f.value(4), 4);
    f.bar_write(1, entry + 8, f.value(4), 4);
    f.bar_write(1, entry + 12, f.chance(70) ? 0 : 1, 4);
}

void setup(Fuzzer& f, bool pci) {
    f.state = std::make_shared<VirtioNet>();
    VirtioNet& m = model(f);
    m.pci = pci;
    for (auto& c : m.cap) c = {6, 0};
    if (!pci) {
        m.transport = Transport::Mmio;
        m.mmio = kMmioBase;
        f.set_register_window(kMmioBase, 0x200);
    } else {
        if (!f.enumerate_pci()) throw test::QtestError("no virtio-net-pci found on the PCI bus");
        // Vendor capabilities: cfg_type at +3, bar at +4, offset at +8; notify's multiplier at +16.
        for (const auto& [id, offset] : f.capabilities()) {
            if (id != 0x09) continue;
            const unsigned type = f.config_read(offset + 3, 1);
            if (type < 1 || type > 4) continue;
            m.cap[type] = {f.config_read(offset + 4, 1), f.config_read(offset + 8, 4)};
            if (type == 2) m.notify_multiplier = f.config_read(offset + 16, 4);
            if (type == 3 && f.chance(10)) f.config_write(offset + 8, static_cast<std::uint32_t>(f.value(4)), 4);
        }
        const bool modern = m.cap[1].first < 6 && f.bar(m.cap[1].first).size;
        m.transport = modern && f.chance(60) ? Transport::PciModern : Transport::PciLegacy;
        if (modern) f.set_register_window(f.bar(m.cap[1].first).base, f.bar(m.cap[1].first).size);
        // Enable MSI-X now and then (capability id 0x11, message control at +2).
        for (const auto& [id, offset] : f.capabilities())
            if (id == 0x11 && f.chance(50)) f.config_write(offset + 2, 0x8000, 2);
    }
    if (f.chance(85)) initialize(f);
}

void operation(Fuzzer& f) {
    const unsigned r = static_cast<unsigned>(f.below(100));
    if (r < 45) post_chain(f);
    else if (r < 50) initialize(f);
    else if (r < 55) setup_queue(f, static_cast<std::uint16_t>(f.chance(90) ? f.below(3) : f.next()));
    else if (r < 62) notify(f, static_cast<std::uint16_t>(f.chance(80) ? f.below(3) : f.value(2)));
    else if (r < 67 && model(f).pci) msix_table(f);
    else if (r < 69) set_status(f, static_cast<std::uint8_t>(f.value(1)));
    else register_access(f);
}

}  // namespace

Target virtio_net_pci_target() {
    return {.name = "virtio-net-pci", .board = Board::Any, .device = "virtio-net-pci",
            .setup = [](Fuzzer& f) { setup(f, true); }, .operation = operation};
}

Target virtio_net_device_target() {
    return {.name = "virtio-net-device", .board = Board::Virt, .device = "virtio-net-device",
            .setup = [](Fuzzer& f) { setup(f, false); }, .operation = operation};
}

}  // namespace emu::fuzz
