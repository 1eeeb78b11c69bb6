// e1000 (82540EM) operations: its registers through BAR0 and the IOADDR/IODATA window of BAR1,
// transmit descriptors of the three kinds (legacy, TSO/checksum context, data) and receive
// descriptors in rings the fuzzer places anywhere, with heads, tails and lengths out of range.
#include "fuzz_targets.h"

namespace emu::fuzz {

namespace {

// Offsets from the 8254x manual (plugins/e1000/e1000_regs.h has the same names).
enum : std::uint32_t {
    kCtrl = 0x0000, kStatus = 0x0008, kEecd = 0x0010, kEerd = 0x0014, kCtrlExt = 0x0018, kMdic = 0x0020,
    kIcr = 0x00c0, kItr = 0x00c4, kIcs = 0x00c8, kIms = 0x00d0, kImc = 0x00d8, kRctl = 0x0100, kTctl = 0x0400,
    kRdbal = 0x2800, kRdbah = 0x2804, kRdlen = 0x2808, kRdh = 0x2810, kRdt = 0x2818, kRdtr = 0x2820,
    kRadv = 0x282c, kTdbal = 0x3800, kTdbah = 0x3804, kTdlen = 0x3808, kTdh = 0x3810, kTdt = 0x3818,
    kTidv = 0x3820, kTxdctl = 0x3828, kTadv = 0x382c, kRxcsum = 0x5000, kMta = 0x5200, kRal0 = 0x5400,
    kVfta = 0x5600, kVet = 0x0038, kTipg = 0x0410, kStats = 0x4000, kManc = 0x5820, kWuc = 0x5800,
};

const std::vector<std::uint32_t> kRegisters = {
    kCtrl, kStatus, kEecd, kEerd, kCtrlExt, kMdic, kIcr, kItr, kIcs, kIms, kImc, kRctl, kTctl, kRdbal, kRdbah,
    kRdlen, kRdh, kRdt, kRdtr, kRadv, kTdbal, kTdbah, kTdlen, kTdh, kTdt, kTidv, kTxdctl, kTadv, kRxcsum,
    kVet, kTipg, kManc, kWuc, 0x2160, 0x2168, 0x3410, 0x3418, 0x3420, 0x3428, 0x3430, 0x5b50, 0x5b5c};

struct Ring {
    std::uint64_t base = 0;
    std::uint32_t length = 0;  // bytes, as RDLEN/TDLEN
    std::uint32_t tail = 0;
    unsigned count() const { return length / 16 ? length / 16 : 1; }
};

struct E1000 {
    Ring tx, rx;
};

E1000& model(Fuzzer& f) { return *static_cast<E1000*>(f.state.get()); }

void reg_write(Fuzzer& f, std::uint32_t offset, std::uint32_t v) { f.bar_write(0, offset, v, 4); }

void place_ring(Fuzzer& f, Ring& ring, std::uint32_t base_register) {
    ring.base = f.chance(75) ? f.ram_address(16) : f.dma_address();
    ring.length = f.chance(75) ? 128 * static_cast<std::uint32_t>(1 + f.below(8)) : f.length();
    f.note_ring(ring.base);
    reg_write(f, base_register + 0x00, static_cast<std::uint32_t>(ring.base));          // xDBAL
    reg_write(f, base_register + 0x04, static_cast<std::uint32_t>(ring.base >> 32));    // xDBAH
    reg_write(f, base_register + 0x08, ring.length);                                    // xDLEN
    reg_write(f, base_register + 0x10, f.chance(80) ? 0 : static_cast<std::uint32_t>(f.value(4)));  // xDH
    ring.tail = 0;
    reg_write(f, base_register + 0x18, 0);                                              // xDT
}

std::vector<std::uint8_t> le(std::uint64_t v, unsigned size) {
    std::vector<std::uint8_t> bytes(size);
    for (unsigned i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(v >> (8 * i));
    return bytes;
}

std::vector<std::uint8_t> tx_descriptor(Fuzzer& f) {
    std::vector<std::uint8_t> d(16);
    const auto put = [&](unsigned at, std::uint64_t v, unsigned size) {
        const auto bytes = le(v, size);
        std::copy(bytes.begin(), bytes.end(), d.begin() + at);
    };
    const std::uint8_t eop = f.chance(60) ? 0x01 : 0;
    switch (f.below(3)) {
    case 0: {  // legacy: buffer, length, CSO, CMD, STA, CSS, special
        const std::uint64_t buffer = f.dma_address();
        const std::uint32_t length = f.chance(70) ? static_cast<std::uint32_t>(f.below(2048)) : f.length();
        if (f.chance(50)) f.poke_packet(buffer, length);
        put(0, buffer, 8);
        put(8, length, 2);
        put(10, f.below(100), 1);
        put(11, (f.next() & 0xde) | eop | 0x08, 1);
        put(13, f.below(100), 1);
        put(14, f.next(), 2);
        break;
    }
    case 1: {  // context: IP and TCP/UDP checksum fields, PAYLEN, TUCMD (TSE), HDRLEN, MSS
        put(0, f.below(64), 1);
        put(1, f.below(64), 1);
        put(2, f.chance(50) ? 0 : f.next(), 2);
        put(4, f.below(100), 1);
        put(5, f.below(100), 1);
        put(6, f.chance(50) ? 0 : f.next(), 2);
        const std::uint32_t tucmd = static_cast<std::uint32_t>(f.next() & 0xff) | 0x20;
        put(8, (f.length() & 0xfffff) | (0u << 20) | tucmd << 24, 4);
        put(13, f.chance(70) ? 14 + 20 + 20 + f.below(4) : f.below(256), 1);
        put(14, f.chance(60) ? f.pick(std::vector<std::uint64_t>{0, 1, 8, 536, 1460, 9000, 0xffff}) : f.next(), 2);
        break;
    }
    default: {  // data: buffer, DTALEN, DCMD (TSE, VLE...), POPTS
        const std::uint64_t buffer = f.dma_address();
        const std::uint32_t length = f.chance(60) ? static_cast<std::uint32_t>(f.below(4096)) : f.length();
        if (f.chance(50)) f.poke_packet(buffer, length);
        put(0, buffer, 8);
        const std::uint32_t dcmd = static_cast<std::uint32_t>(f.next() & 0xde) | eop | 0x20;
        put(8, (length & 0xfffff) | (1u << 20) | dcmd << 24, 4);
        put(13, f.next() & 0x03, 1);
        put(14, f.next(), 2);
        break;
    }
    }
    return d;
}

void transmit(Fuzzer& f) {
    Ring& ring = model(f).tx;
    const unsigned n = 1 + static_cast<unsigned>(f.below(f.chance(10) ? 64 : 6));
    for (unsigned i = 0; i < n; ++i) f.poke(ring.base + 16 * ((ring.tail + i) % ring.count()), tx_descriptor(f));
    ring.tail = f.chance(85) ? (ring.tail + n) % ring.count() : static_cast<std::uint32_t>(f.value(4));
    reg_write(f, kTdt, ring.tail);
}

void give_receive_buffers(Fuzzer& f) {
    Ring& ring = model(f).rx;
    const unsigned n = 1 + static_cast<unsigned>(f.below(16));
    for (unsigned i = 0; i < n; ++i) {
        std::vector<std::uint8_t> d = le(f.dma_address(), 8);
        d.resize(16, 0);
        if (f.chance(10)) d[12] = static_cast<std::uint8_t>(f.next());  // stale status
        f.poke(ring.base + 16 * ((ring.tail + i) % ring.count()), d);
    }
    ring.tail = f.chance(85) ? (ring.tail + n) % ring.count() : static_cast<std::uint32_t>(f.value(4));
    reg_write(f, kRdt, ring.tail);
}

void setup(Fuzzer& f) {
    if (!f.enumerate_pci()) throw test::QtestError("no e1000 found on the PCI bus");
    f.set_register_window(f.bar(0).base, f.bar(0).size);
    f.state = std::make_shared<E1000>();
    E1000& m = model(f);
    if (f.chance(20)) return;  // sometimes no driver set-up at all
    reg_write(f, kCtrl, 0x04000000);  // RST
    reg_write(f, kCtrl, 0x40);        // SLU
    place_ring(f, m.tx, kTdbal);
    place_ring(f, m.rx, kRdbal);
    reg_write(f, kIms, 0x1ffff);
    reg_write(f, kTctl, 0x0103f0fa | static_cast<std::uint32_t>(f.next() & 0x400000));  // EN, PSP, CT, COLD
    reg_write(f, kRctl, 0x8002 | static_cast<std::uint32_t>(f.next() & 0x063f8018));      // EN, BAM, random sizes/modes
    give_receive_buffers(f);
}

void operation(Fuzzer& f) {
    E1000& m = model(f);
    const unsigned r = static_cast<unsigned>(f.below(100));
    if (r < 22) {
        transmit(f);
    } else if (r < 36) {
        give_receive_buffers(f);
    } else if (r < 42) {
        const bool tx = f.chance(50);
        place_ring(f, tx ? m.tx : m.rx, tx ? kTdbal : kRdbal);
        if (f.chance(50)) reg_write(f, kTctl, static_cast<std::uint32_t>(f.value(4)) | 2);
        if (f.chance(50)) reg_write(f, kRctl, static_cast<std::uint32_t>(f.value(4)) | 2);
    } else if (r < 72) {
        std::uint32_t offset = f.pick(kRegisters);
        if (f.chance(10)) offset = kMta + 4 * static_cast<std::uint32_t>(f.below(128));
        if (f.chance(10)) offset = kRal0 + 4 * static_cast<std::uint32_t>(f.below(32));
        if (f.chance(5)) offset = kVfta + 4 * static_cast<std::uint32_t>(f.below(128));
        std::uint32_t v = static_cast<std::uint32_t>(f.value(4));
        if (offset == kCtrl && f.chance(70)) v &= ~0x04000000u;  // resets only now and then
        if (offset == kMdic) v = static_cast<std::uint32_t>(f.next() & 0x0c3fffff) | (f.chance(70) ? 0x00200000u : 0u);
        reg_write(f, offset, v);
    } else if (r < 88) {
        const std::uint32_t offset = f.chance(30) ? kStats + 4 * static_cast<std::uint32_t>(f.below(64)) : f.pick(kRegisters);
        f.bar_read(0, offset, 4);
    } else {
        // The I/O window: IOADDR picks a register, IODATA reaches it.
        f.bar_write(1, 0, f.chance(80) ? f.pick(kRegisters) : f.value(4), 4);
        if (f.chance(50)) f.bar_write(1, 4, f.value(4), 4);
        else f.bar_read(1, 4, 4);
    }
}

}  // namespace

Target e1000_target() {
    return {.name = "e1000", .board = Board::Any, .device = "e1000", .setup = setup, .operation = operation};
}

}  // namespace emu::fuzz
