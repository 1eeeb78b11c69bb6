// rtl8139 operations: registers through both BARs (I/O and memory), the four classic transmit
// slots, the receive ring buffer (RBSTART/CAPR/RCR sizes and wrap), the C+ descriptor rings
// with TSO and checksum flags, the 93C46 EEPROM bit-bang and the timer.
#include "fuzz_targets.h"

namespace emu::fuzz {

namespace {

// Offsets from the RTL8139C(L)+ datasheet.
enum : std::uint32_t {
    kIdr0 = 0x00, kMar0 = 0x08, kTsd0 = 0x10, kTsad0 = 0x20, kRbstart = 0x30, kCr = 0x37, kCapr = 0x38,
    kCbr = 0x3a, kImr = 0x3c, kIsr = 0x3e, kTcr = 0x40, kRcr = 0x44, kTctr = 0x48, kMpc = 0x4c, k9346cr = 0x50,
    kConfig0 = 0x51, kConfig1 = 0x52, kTimerInt = 0x54, kMsr = 0x58, kConfig3 = 0x59, kConfig4 = 0x5a,
    kMulint = 0x5c, kBmcr = 0x62, kBmsr = 0x64, kAnar = 0x66, kCscr = 0x74, kTxPoll = 0xd9, kRxMaxSize = 0xda,
    kCpCmd = 0xe0, kIntrMitigate = 0xe2, kRdsar = 0xe4, kTnpds = 0x20, kThpds = 0x28, kTxThresh = 0xec,
    kConfig5 = 0xd8,
};

struct Register {
    std::uint32_t offset;
    unsigned size;
};
const std::vector<Register> kRegisters = {
    {kIdr0, 4}, {kIdr0 + 4, 2}, {kMar0, 4}, {kMar0 + 4, 4}, {kTsd0, 4}, {kTsd0 + 4, 4}, {kTsd0 + 8, 4},
    {kTsd0 + 12, 4}, {kTsad0, 4}, {kTsad0 + 4, 4}, {kTsad0 + 8, 4}, {kTsad0 + 12, 4}, {kRbstart, 4},
    {kCr, 1}, {kCapr, 2}, {kCbr, 2}, {kImr, 2}, {kIsr, 2}, {kTcr, 4}, {kRcr, 4}, {kTctr, 4}, {kMpc, 4},
    {k9346cr, 1}, {kConfig0, 1}, {kConfig1, 1}, {kTimerInt, 4}, {kMsr, 1}, {kConfig3, 1}, {kConfig4, 1},
    {kMulint, 2}, {kBmcr, 2}, {kBmsr, 2}, {kAnar, 2}, {kCscr, 2}, {kTxPoll, 1}, {kRxMaxSize, 2}, {kCpCmd, 2},
    {kIntrMitigate, 2}, {kRdsar, 4}, {kRdsar + 4, 4}, {kThpds, 4}, {kThpds + 4, 4}, {kTxThresh, 1},
    {kConfig5, 1}};

struct Rtl8139 {
    std::uint64_t tx_ring = 0, rx_ring = 0;  // C+ descriptor rings
};

Rtl8139& model(Fuzzer& f) { return *static_cast<Rtl8139*>(f.state.get()); }

// Through the I/O BAR or the memory BAR: both decode the same 256 bytes.
void reg_write(Fuzzer& f, std::uint32_t offset, std::uint64_t v, unsigned size) {
    f.bar_write(f.chance(50) ? 0 : 1, offset, v, size);
}
std::uint64_t reg_read(Fuzzer& f, std::uint32_t offset, unsigned size) { return f.bar_read(f.chance(50) ? 0 : 1, offset, size); }

void classic_transmit(Fuzzer& f) {
    const std::uint32_t slot = static_cast<std::uint32_t>(f.below(4));
    const std::uint64_t buffer = f.dma_address();
    reg_write(f, kTsad0 + 4 * slot, static_cast<std::uint32_t>(buffer), 4);
    // SIZE (13 bits), OWN clear (the write starts the transmit), early-transmit threshold.
    const std::uint32_t size = f.chance(80) ? static_cast<std::uint32_t>(f.below(0x2000)) : f.length();
    if (f.chance(40)) f.poke_packet(buffer, size & 0x1fff);
    reg_write(f, kTsd0 + 4 * slot, (size & 0x1fff) | static_cast<std::uint32_t>(f.next() & 0x3f0000), 4);
}

void receive_ring(Fuzzer& f) {
    const std::uint64_t start = f.chance(70) ? f.ram_address(4) : f.dma_address();
    f.note_ring(start);
    reg_write(f, kRbstart, static_cast<std::uint32_t>(start), 4);
    // AAP/APM/AM/AB, WRAP (bit 7), RBLEN (bits 11-12), the rest random now and then.
    std::uint32_t rcr = 0x0f | static_cast<std::uint32_t>(f.next() & 0x1880);
    if (f.chance(20)) rcr = static_cast<std::uint32_t>(f.value(4));
    reg_write(f, kRcr, rcr, 4);
    reg_write(f, kCapr, f.chance(50) ? 0xfff0 : f.value(2), 2);
    reg_write(f, kCr, 0x0c, 1);
}

void cplus_descriptors(Fuzzer& f, bool transmit) {
    Rtl8139& m = model(f);
    std::uint64_t& ring = transmit ? m.tx_ring : m.rx_ring;
    if (ring == 0 || f.chance(15)) {
        ring = f.chance(80) ? f.ram_address(256) : f.dma_address();
        f.note_ring(ring);
        const std::uint32_t base = transmit ? (f.chance(80) ? kTnpds : kThpds) : kRdsar;
        reg_write(f, base, static_cast<std::uint32_t>(ring), 4);
        reg_write(f, base + 4, static_cast<std::uint32_t>(ring >> 32), 4);
    }
    const unsigned n = 1 + static_cast<unsigned>(f.below(8));
    for (unsigned i = 0; i < n; ++i) {
        // OWN, EOR (the last one, or a random one), FS/LS, LGSEN with an MSS, IP/UDP/TCP checksums.
        std::uint32_t flags = 0x80000000u | static_cast<std::uint32_t>(f.next() & 0x7fff0000u);
        if (i + 1 == n && f.chance(50)) flags |= 0x40000000u;
        if (transmit && f.chance(30)) {
            // A TSO request (LGSEN, FS, LS) with an MSS at the edges.
            flags = (flags & ~0x07ff0000u) | 0x38000000u |
                    static_cast<std::uint32_t>(f.pick(std::vector<std::uint64_t>{0, 1, 8, 536, 1460, 2047})) << 16;
        }
        const std::uint32_t size = f.chance(70) ? static_cast<std::uint32_t>(f.below(2048)) : f.length();
        const std::uint64_t buffer = f.dma_address();
        if (transmit && f.chance(50)) f.poke_packet(buffer, size & 0xffff);
        const std::uint64_t at = ring + 16 * (f.chance(80) ? i : f.below(64));
        f.poke32(at, flags | (size & 0xffff));
        f.poke32(at + 4, static_cast<std::uint32_t>(f.next()));  // VLAN tag and flags
        f.poke64(at + 8, buffer);
    }
    reg_write(f, kCpCmd, 0x0003 | (f.next() & 0x78), 2);
    reg_write(f, kCr, 0x0c, 1);
    if (transmit) reg_write(f, kTxPoll, f.chance(80) ? 0x40 : f.value(1), 1);
}

void eeprom(Fuzzer& f) {
    // Program mode, then a burst of clock/chip-select/data toggles.
    reg_write(f, k9346cr, 0x80 | (f.next() & 0x0f), 1);
    for (unsigned i = 0, n = static_cast<unsigned>(f.below(40)); i < n; ++i) reg_write(f, k9346cr, 0x80 | (f.next() & 0x0e), 1);
    reg_read(f, k9346cr, 1);
    if (f.chance(70)) reg_write(f, k9346cr, f.chance(80) ? 0 : f.value(1), 1);
}

void setup(Fuzzer& f) {
    if (!f.enumerate_pci()) throw test::QtestError("no rtl8139 found on the PCI bus");
    f.set_register_window(f.bar(1).base, f.bar(1).size);
    f.state = std::make_shared<Rtl8139>();
    if (f.chance(20)) return;
    reg_write(f, kCr, 0x10, 1);  // reset
    reg_write(f, kImr, 0xffff, 2);
    receive_ring(f);
    reg_write(f, kTcr, 0x03000700, 4);
}

void operation(Fuzzer& f) {
    const unsigned r = static_cast<unsigned>(f.below(100));
    if (r < 18) {
        classic_transmit(f);
    } else if (r < 26) {
        receive_ring(f);
    } else if (r < 44) {
        cplus_descriptors(f, f.chance(60));
    } else if (r < 48) {
        eeprom(f);
    } else if (r < 78) {
        const Register reg = f.pick(kRegisters);
        std::uint64_t v = f.value(reg.size);
        if (reg.offset == kCr && f.chance(70)) v &= ~0x10ull;  // resets only now and then
        if (reg.offset == kTimerInt && f.chance(50)) v = f.below(100000);
        reg_write(f, reg.offset, v, reg.size);
    } else {
        const Register reg = f.pick(kRegisters);
        reg_read(f, reg.offset, f.chance(80) ? reg.size : f.pick(std::vector<unsigned>{1, 2, 4}));
    }
}

}  // namespace

Target rtl8139_target() {
    return {.name = "rtl8139", .board = Board::Any, .device = "rtl8139", .setup = setup, .operation = operation};
}

}  // namespace emu::fuzz
