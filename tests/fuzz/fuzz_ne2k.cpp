// NE2000 operations (ne2k_isa at 0x300 on pc, ne2k_pci through its I/O BAR on pc or virt): the
// DP8390 registers of all four pages, remote DMA of any address and count through the data port
// in every width, transmits of any page and length, receive ring pointers anywhere (the frames
// the core injects land in them) and the reset port. The card has no bus-master DMA, so what is
// at stake is its 64 KiB address space and its own buffer.
#include "fuzz_targets.h"

namespace emu::fuzz {

namespace {

enum : std::uint16_t {
    kCr = 0x00, kPstart = 0x01, kPstop = 0x02, kBnry = 0x03, kTpsr = 0x04, kTbcr0 = 0x05, kTbcr1 = 0x06,
    kIsr = 0x07, kRsar0 = 0x08, kRsar1 = 0x09, kRbcr0 = 0x0a, kRbcr1 = 0x0b, kRcr = 0x0c, kTcr = 0x0d,
    kDcr = 0x0e, kImr = 0x0f, kCurr = 0x07, kData = 0x10, kReset = 0x1f,
};

struct Ne2k {
    bool isa = false;
};

void out8(Fuzzer& f, std::uint16_t reg, std::uint64_t v, unsigned size = 1) {
    if (static_cast<Ne2k*>(f.state.get())->isa) f.out(static_cast<std::uint16_t>(0x300 + reg), v, size);
    else f.bar_write(0, reg, v, size);
}
std::uint64_t in8(Fuzzer& f, std::uint16_t reg, unsigned size = 1) {
    if (static_cast<Ne2k*>(f.state.get())->isa) return f.in(static_cast<std::uint16_t>(0x300 + reg), size);
    return f.bar_read(0, reg, size);
}

std::uint8_t page_byte(Fuzzer& f) {
    // Pages 0x40-0x80 are where drivers put their buffer; anything else is hostile.
    return static_cast<std::uint8_t>(f.chance(60) ? 0x40 + f.below(0x41) : f.next());
}

void remote_dma(Fuzzer& f) {
    const std::uint16_t address = static_cast<std::uint16_t>(f.chance(50) ? page_byte(f) << 8 | f.below(256) : f.next());
    const std::uint16_t count = static_cast<std::uint16_t>(f.chance(50) ? f.below(2048) : f.next());
    out8(f, kCr, 0x22);
    out8(f, kRbcr0, count & 0xff);
    out8(f, kRbcr1, count >> 8);
    out8(f, kRsar0, address & 0xff);
    out8(f, kRsar1, address >> 8);
    const bool write = f.chance(50);
    out8(f, kCr, write ? 0x12 : 0x0a);
    if (f.chance(20)) out8(f, kDcr, f.chance(50) ? 0x49 : 0x48);
    const unsigned width = f.pick(std::vector<unsigned>{1, 2, 2, 4});
    for (unsigned i = 0, n = static_cast<unsigned>(f.below(f.chance(10) ? 600 : 40)); i < n; ++i) {
        if (write) out8(f, kData, f.value(width), width);
        else in8(f, kData, width);
    }
}

void transmit(Fuzzer& f) {
    out8(f, kTpsr, page_byte(f));
    const std::uint16_t count = static_cast<std::uint16_t>(f.chance(60) ? f.below(1600) : f.next());
    out8(f, kTbcr0, count & 0xff);
    out8(f, kTbcr1, count >> 8);
    if (f.chance(20)) out8(f, kTcr, f.value(1));  // loopback modes, CRC inhibit
    out8(f, kCr, 0x26);
}

void ring(Fuzzer& f) {
    out8(f, kCr, f.chance(50) ? 0x21 : 0x22);
    out8(f, kPstart, page_byte(f));
    out8(f, kPstop, page_byte(f));
    out8(f, kBnry, page_byte(f));
    out8(f, kCr, 0x62);  // page 1
    out8(f, kCurr, page_byte(f));
    for (unsigned i = 1; i < 7 && f.chance(30); ++i) out8(f, static_cast<std::uint16_t>(i), f.value(1));  // PAR
    out8(f, kCr, 0x22);
    out8(f, kRcr, f.chance(60) ? 0x1c : f.value(1));
}

void setup(Fuzzer& f, bool isa) {
    f.state = std::make_shared<Ne2k>(Ne2k{isa});
    if (!isa) {
        if (!f.enumerate_pci()) throw test::QtestError("no ne2k_pci found on the PCI bus");
    }
    if (f.chance(20)) return;
    out8(f, kReset, in8(f, kReset));
    out8(f, kCr, 0x21);
    out8(f, kDcr, 0x49);
    out8(f, kTpsr, 0x40);
    out8(f, kPstart, 0x4c);
    out8(f, kPstop, 0x80);
    out8(f, kBnry, 0x4c);
    out8(f, kCr, 0x61);
    out8(f, kCurr, 0x4d);
    out8(f, kCr, 0x22);
    out8(f, kIsr, 0xff);
    out8(f, kImr, 0x3f);
    out8(f, kTcr, 0);
    out8(f, kRcr, 0x1c);
}

void operation(Fuzzer& f) {
    const unsigned r = static_cast<unsigned>(f.below(100));
    if (r < 25) {
        remote_dma(f);
    } else if (r < 38) {
        transmit(f);
    } else if (r < 50) {
        ring(f);
    } else if (r < 52) {
        out8(f, kReset, f.value(1));
    } else if (r < 80) {
        // Any register of any page (CR's page bits chosen at random), with values at the edges.
        if (f.chance(50)) out8(f, kCr, (f.below(4) << 6) | (f.next() & 0x3f));
        out8(f, static_cast<std::uint16_t>(f.below(0x10)), f.value(1));
    } else {
        if (f.chance(50)) out8(f, kCr, (f.below(4) << 6) | 0x22);
        const std::uint16_t reg = static_cast<std::uint16_t>(f.below(0x20));
        in8(f, reg, f.pick(std::vector<unsigned>{1, 1, 2, 4}));
    }
}

}  // namespace

Target ne2k_pci_target() {
    return {.name = "ne2k_pci", .board = Board::Any, .device = "ne2k_pci",
            .setup = [](Fuzzer& f) { setup(f, false); }, .operation = operation};
}

Target ne2k_isa_target() {
    return {.name = "ne2k_isa", .board = Board::Pc, .device = "ne2k_isa,iobase=0x300,irq=5",
            .setup = [](Fuzzer& f) { setup(f, true); }, .operation = operation};
}

}  // namespace emu::fuzz
