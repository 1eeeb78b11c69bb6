// rtl8139: type, properties, register file, interrupts, reset, EEPROM, MII and timer (see
// rtl8139.h for the whole device).
#include "rtl8139.h"

#include <emu/error.h>
#include <emu/machine.h>
#include <emu/plugin.h>

#include <algorithm>
#include <filesystem>

namespace rtl8139 {

namespace {

using emu::Addr;

constexpr const char* kDefaultRom = "/usr/lib/ipxe/qemu/efi-rtl8139.rom";
constexpr std::uint8_t kRevisionCPlus = 0x20, kRevisionC = 0x10;
constexpr std::uint64_t kTicksPerMicrosecond = 33;   // TCTR counts at the 33 MHz PCI clock

// Registers wider than a byte, by their first offset; everything else is a byte register.
struct Unit {
    unsigned start, width;
};
constexpr Unit kWideRegisters[] = {
    {TSD0, 4}, {TSD0 + 4, 4}, {TSD0 + 8, 4}, {TSD0 + 12, 4},
    {TSAD0, 4}, {TSAD0 + 4, 4}, {TSAD0 + 8, 4}, {TSAD0 + 12, 4},
    {RBSTART, 4}, {ERBCR, 2}, {CAPR, 2}, {CBR, 2}, {IMR, 2}, {ISR, 2},
    {TCR, 4}, {RCR, 4}, {TCTR, 4}, {MPC, 4}, {TIMERINT, 4}, {MULINT, 2}, {TSAD, 2},
    {BMCR, 2}, {BMSR, 2}, {ANAR, 2}, {ANLPAR, 2}, {ANER, 2}, {DIS, 2}, {FCSC, 2},
    {NWAYTR, 2}, {REC, 2}, {CSCR, 2}, {0x78, 4}, {0x7c, 4},
    {RXMAXSIZE, 2}, {CPCR, 2}, {INTRMITIGATE, 2}, {RDSAR, 4}, {RDSAR + 4, 4},
    {FER, 4}, {FER + 4, 4}, {FER + 8, 4}, {FER + 12, 4},
};

const std::array<Unit, kRegisterBlockSize>& unit_table() {
    static const std::array<Unit, kRegisterBlockSize> table = [] {
        std::array<Unit, kRegisterBlockSize> t{};
        for (unsigned i = 0; i < kRegisterBlockSize; ++i) t[i] = {i, 1};
        for (const Unit& u : kWideRegisters)
            for (unsigned i = 0; i < u.width; ++i) t[u.start + i] = u;
        return t;
    }();
    return table;
}

std::string default_romfile() {
    std::error_code ec;
    return std::filesystem::exists(kDefaultRom, ec) ? kDefaultRom : "";
}

}  // namespace

// ---- Type --------------------------------------------------------------------------------------

void Rtl8139::class_init(emu::ClassBuilder<Rtl8139>& c) {
    c.mac("mac", &Rtl8139::mac_, "MAC address (default: 52:54:00:12:34:56 and up, as QEMU)");
    c.backend("netdev", &Rtl8139::netdev_, "netdev", "network back end (-netdev id)");
    c.enumeration("revision", &Rtl8139::revision_, {{"c-plus", Revision::CPlus}, {"c", Revision::C}},
                  Revision::CPlus,
                  "chip: c-plus = RTL8139C+ (PCI rev 0x20, Linux 8139cp; QEMU's), c = RTL8139C (rev 0x10, "
                  "no C+ mode, Linux 8139too)");
    // QEMU gives the NIC Debian's iPXE image by default; so do we when it is installed.
    c.set_default("romfile", default_romfile());
}

Rtl8139::Rtl8139()
    : client_(*this, [this](std::span<const std::uint8_t> frame) { return receive(frame); },
              [this] { return can_receive(); }, [this] { send_ready(); }, [this] { link_changed(); }) {
    emu::MmioOps ops;
    ops.read = [this](Addr offset, unsigned size) { return register_read(offset, size); };
    ops.write = [this](Addr offset, std::uint64_t value, unsigned size) { register_write(offset, value, size); };
    ops.valid_min = 1;
    ops.valid_max = 4;
    ops.impl_min = 1;
    ops.impl_max = 4;
    ops.unaligned = true;
    io_ = emu::MemoryRegion::mmio("rtl8139.io", kRegisterBlockSize, ops);
    mem_ = emu::MemoryRegion::mmio("rtl8139.mmio", kRegisterBlockSize, ops);
    tx_normal_.reg = TNPDS;
    tx_high_.reg = THPDS;
}

Rtl8139::~Rtl8139() = default;

emu::PciIds Rtl8139::ids() const {
    return {.vendor_id = 0x10ec,
            .device_id = 0x8139,
            .class_code = 0x020000,
            .revision = cplus_capable() ? kRevisionCPlus : kRevisionC,
            .interrupt_pin = 1};
}

void Rtl8139::realize_pci() {
    if (mac_.is_zero()) mac_ = emu::net::next_default_mac();
    if (mac_.is_multicast()) throw emu::Error("mac " + mac_.to_string() + " is a multicast address");
    register_bar(0, *io_, emu::PciBarType::Io);
    register_bar(1, *mem_, emu::PciBarType::Mem32);
    if (emu::Machine* m = machine()) {
        timer_ = std::make_unique<emu::Timer>(m->loop(), emu::ClockType::Virtual, [this] { timer_fired(); });
        rx_poll_ = std::make_unique<emu::Timer>(m->loop(), emu::ClockType::Virtual, [this] { rx_space_returned(); });
    }
    power_on_state();
    emu::connect_nic(*this, client_, netdev_);
}

void Rtl8139::unrealize_pci() {
    client_.disconnect();
    timer_.reset();
    rx_poll_.reset();
}

void Rtl8139::reset() {
    emu::PciDevice::reset();
    power_on_state();
}

// ---- Register file -------------------------------------------------------------------------------

std::uint16_t Rtl8139::get16(unsigned offset) const {
    return static_cast<std::uint16_t>(regs_[offset] | regs_[offset + 1] << 8);
}
std::uint32_t Rtl8139::get32(unsigned offset) const {
    return std::uint32_t{get16(offset)} | std::uint32_t{get16(offset + 2)} << 16;
}
void Rtl8139::set16(unsigned offset, std::uint16_t value) {
    regs_[offset] = static_cast<std::uint8_t>(value);
    regs_[offset + 1] = static_cast<std::uint8_t>(value >> 8);
}
void Rtl8139::set32(unsigned offset, std::uint32_t value) {
    set16(offset, static_cast<std::uint16_t>(value));
    set16(offset + 2, static_cast<std::uint16_t>(value >> 16));
}

// An access may cover several registers (a 32-bit write to IDR0) or part of one (a byte of
// TCR): it is cut into whole registers, and a partial write keeps the bytes it does not touch.
std::uint64_t Rtl8139::register_read(Addr offset, unsigned size) {
    std::uint64_t result = 0;
    const unsigned end = static_cast<unsigned>(std::min<Addr>(offset + size, kRegisterBlockSize));
    for (unsigned at = static_cast<unsigned>(offset); at < end;) {
        const Unit unit = unit_table()[at];
        const std::uint32_t value = read_unit(unit.start, unit.width);
        const unsigned stop = std::min(end, unit.start + unit.width);
        for (unsigned b = at; b < stop; ++b)
            result |= std::uint64_t{(value >> (8 * (b - unit.start))) & 0xff} << (8 * (b - offset));
        at = stop;
    }
    return result;
}

void Rtl8139::register_write(Addr offset, std::uint64_t value, unsigned size) {
    const unsigned end = static_cast<unsigned>(std::min<Addr>(offset + size, kRegisterBlockSize));
    for (unsigned at = static_cast<unsigned>(offset); at < end;) {
        const Unit unit = unit_table()[at];
        const unsigned stop = std::min(end, unit.start + unit.width);
        std::uint32_t merged = 0, mask = 0;
        for (unsigned b = 0; b < unit.width; ++b) {
            const unsigned reg = unit.start + b;
            std::uint32_t byte = regs_[reg];
            if (reg >= at && reg < stop) {
                byte = static_cast<std::uint32_t>(value >> (8 * (reg - offset))) & 0xff;
                mask |= 0xffu << (8 * b);
            }
            merged |= byte << (8 * b);
        }
        write_unit(unit.start, unit.width, merged, mask);
        at = stop;
    }
    // C+ descriptors come back in RAM without a doorbell: any register write may follow one.
    if (rx_blocked_) rx_space_returned();
}

std::uint32_t Rtl8139::read_unit(unsigned start, unsigned width) {
    switch (start) {
    case CR: {
        std::uint8_t cr = regs_[CR] & (kCrRxEnable | kCrTxEnable);
        if (rx_ring_empty()) cr |= kCrBufferEmpty;
        return cr;
    }
    case CBR: return rx_write_ & 0xffff;
    case ISR: return isr_;
    case TCR: {
        const std::uint32_t version = cplus_capable() ? kTcrVersionRtl8139CPlus : kTcrVersionRtl8139C;
        return (get32(TCR) & ~kTcrHwVersionMask) | version;
    }
    case TCTR: return timer_count();
    case MPC: return get32(MPC) & 0xffffff;
    case CR9346: {
        std::uint8_t value = regs_[CR9346] & ~kEepromDo;
        if ((value & kEepromModeMask) == kEepromModeProgram && eeprom_.data_out()) value |= kEepromDo;
        return value;
    }
    case RERID: return cplus_capable() ? kRevisionCPlus : kRevisionC;
    case TSAD: return tsad_summary();
    case MSR: return client_.link_up() ? 0 : kMsrLinkFail;
    case BMSR: return bmsr();
    case ANLPAR: return client_.link_up() ? kAnlparLinkUp : 0;
    case ANER: return kAnerPartnerAbleToNegotiate;
    case CSCR: return (get16(CSCR) & ~kCscrLinkOk) | (client_.link_up() ? kCscrLinkOk : 0);
    case TPPOLL: return 0;
    // RxMaxSize exists on the RTL8169 only (Linux's 8139cp says so): iPXE tells the two apart
    // by writing it and reading it back, so an 8139 must not keep what was written.
    case RXMAXSIZE: return 0;
    case CPCR: case INTRMITIGATE: case RDSAR: case RDSAR + 4: case ETTHR:
        if (!cplus_capable()) return 0;
        break;
    default: break;
    }
    std::uint32_t value = 0;
    for (unsigned i = 0; i < width; ++i) value |= std::uint32_t{regs_[start + i]} << (8 * i);
    return value;
}

void Rtl8139::write_unit(unsigned start, unsigned width, std::uint32_t value, std::uint32_t mask) {
    switch (start) {
    case TSD0: case TSD0 + 4: case TSD0 + 8: case TSD0 + 12:
        write_tsd((start - TSD0) / 4, value);
        return;
    case CR:
        if (value & kCrReset) {
            soft_reset();
            return;
        }
        if ((regs_[CR] & kCrRxEnable) && !(value & kCrRxEnable)) {
            // A stopped receiver starts again at the ring's start (8139too's receive-error
            // recovery turns it off and on and reads from offset 0 again).
            rx_write_ = 0;
            set16(CAPR, 0xfff0);
        }
        regs_[CR] = static_cast<std::uint8_t>(value & (kCrRxEnable | kCrTxEnable));
        if (value & kCrTxEnable) transmit_c();
        rx_space_returned();
        return;
    case CAPR:
        set16(CAPR, static_cast<std::uint16_t>(value));
        rx_space_returned();
        return;
    case CBR: case TSAD: case BMSR: case ANLPAR: case ANER: case MSR: case RERID: case DIS: case FCSC: case REC:
        return;  // read-only
    case IMR:
        set16(IMR, static_cast<std::uint16_t>(value & kIntAll));
        update_irq();
        return;
    case ISR:
        isr_ = static_cast<std::uint16_t>(isr_ & ~(value & mask));
        // While unread packets remain in the C mode ring, RxOK stays set: 8139too acks it per
        // packet and its NAPI poll looks at RxOK before the ring, so packets left behind by an
        // exhausted budget would otherwise wait for a frame that back-pressure holds back.
        if (receiver_on() && !cplus_rx_mode() && !rx_ring_empty()) isr_ |= kIntRxOk;
        update_irq();
        return;
    case TCR: {
        std::uint32_t tcr = value & ~kTcrHwVersionMask & ~kTcrClearAbort;
        set32(TCR, tcr);
        if (value & kTcrClearAbort) transmit_c();  // retransmit: nothing is ever aborted here
        return;
    }
    case RCR:
        set32(RCR, value);
        rx_space_returned();
        return;
    case TCTR:
        restart_timer_count();
        return;
    case MPC:
        set32(MPC, 0);
        return;
    case CR9346:
        write_cr9346(static_cast<std::uint8_t>(value));
        return;
    case CONFIG0:
        return;  // boot ROM size and the like: read-only
    case CONFIG1: case CONFIG3: case CONFIG4: case CONFIG5:
        if (!config_writable()) return;
        if (start == CONFIG1) value = (value & ~0x0cu) | (regs_[CONFIG1] & 0x0cu);  // IOMAP, MEMMAP
        regs_[start] = static_cast<std::uint8_t>(value);
        return;
    case TIMERINT:
        set32(TIMERINT, value);
        arm_timer();
        return;
    case BMCR:
        write_bmcr(static_cast<std::uint16_t>(value));
        return;
    case TPPOLL:
        if (!cplus_capable()) return;
        if (value & kTpPollSoftInt) raise(kIntSoftware);
        transmit_cplus(static_cast<std::uint8_t>(value & (kTpPollHigh | kTpPollNormal)));
        return;
    case CPCR:
        if (!cplus_capable()) return;
        set16(CPCR, static_cast<std::uint16_t>(value & kCpWritable));
        rx_space_returned();
        return;
    case TSAD0: case TSAD0 + 4: case TSAD0 + 8: case TSAD0 + 12:
        set32(start, value);
        if (start == TNPDS) tx_normal_.index = 0;
        if (start == THPDS) tx_high_.index = 0;
        return;
    case RDSAR:
        if (!cplus_capable()) return;
        set32(RDSAR, value);
        rx_index_ = 0;
        return;
    case RXMAXSIZE: return;  // RTL8169 only (see the read side)
    case INTRMITIGATE: case RDSAR + 4: case ETTHR:
        if (!cplus_capable()) return;
        break;
    default: break;
    }
    for (unsigned i = 0; i < width; ++i) regs_[start + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// ---- Interrupts and reset ------------------------------------------------------------------------

void Rtl8139::raise(std::uint16_t bits) {
    isr_ |= bits;
    update_irq();
}

void Rtl8139::update_irq() { set_irq_level((isr_ & get16(IMR)) != 0); }

// Power on (and board reset): registers from the EEPROM, then a soft reset.
void Rtl8139::power_on_state() {
    regs_.fill(0);
    isr_ = 0;
    eeprom_.reset_state();
    fill_eeprom();
    load_from_eeprom();
    regs_[CONFIG1] = 0x00;
    set16(BMCR, kBmcrAutoNegEnable | kBmcrSpeed100 | kBmcrFullDuplex);
    set16(ANAR, kAnarDefault);
    set16(CSCR, 0x0100);
    tx_blocked_ = false;
    soft_reset();
}

// ChipCmd RST: the transmitter, receiver and interrupts stop and every ring pointer returns
// to its start; the MAC, the multicast filter and the configuration registers stay.
void Rtl8139::soft_reset() {
    regs_[CR] = 0;
    isr_ = 0;
    set16(IMR, 0);
    set16(CAPR, 0xfff0);
    rx_write_ = 0;
    set32(RCR, 0);
    set32(TCR, 0);
    for (unsigned i = 0; i < 4; ++i) set32(TSD0 + 4 * i, kTsdOwn);
    tx_pending_ = 0;
    tx_next_ = 0;
    tx_poll_waiting_ = 0;
    for (TxRing* ring : {&tx_normal_, &tx_high_}) {
        ring->index = 0;
        ring->frame.clear();
        ring->gathering = ring->oversize = false;
    }
    rx_index_ = 0;
    rx_unavailable_reported_ = false;
    set16(CPCR, 0);
    set32(MPC, 0);
    set32(TIMERINT, 0);
    set32(FER, 0);
    set32(FER + 4, 0);
    set32(FER + 8, 0);
    regs_[CR9346] = 0;
    restart_timer_count();
    update_irq();
    rx_space_returned();
}

void Rtl8139::link_changed() {
    raise(kIntLinkChange);
    rx_space_returned();
}

// ---- EEPROM --------------------------------------------------------------------------------------

// The 93C46 image: the 0x8129 signature, PCI ids, the MAC at words 7..9 (as 8139too and
// 8139cp read it), and the configuration bytes the chip loads at power on.
void Rtl8139::fill_eeprom() {
    auto& words = eeprom_.contents();
    words.fill(0);
    const emu::PciIds id = ids();
    words[0] = 0x8129;
    words[1] = id.vendor_id;
    words[2] = id.device_id;
    words[3] = emu::pci::kDefaultSubsystemVendorId;
    words[4] = emu::pci::kDefaultSubsystemId;
    words[5] = 0x4020;   // MIN_GNT / MAX_LAT
    words[6] = 0x0000;   // Config3 / Config4 seeds... kept zero
    for (unsigned i = 0; i < 3; ++i)
        words[7 + i] = static_cast<std::uint16_t>(mac_.bytes[2 * i] | mac_.bytes[2 * i + 1] << 8);
}

void Rtl8139::load_from_eeprom() {
    const auto& words = eeprom_.contents();
    for (unsigned i = 0; i < 3; ++i) {
        regs_[IDR0 + 2 * i] = static_cast<std::uint8_t>(words[7 + i]);
        regs_[IDR0 + 2 * i + 1] = static_cast<std::uint8_t>(words[7 + i] >> 8);
    }
}

void Rtl8139::write_cr9346(std::uint8_t value) {
    const std::uint8_t mode = value & kEepromModeMask;
    if (mode == kEepromModeAutoload) {    // reload, then back to normal operation
        load_from_eeprom();
        regs_[CR9346] = 0;
        eeprom_.reset_state();
        return;
    }
    regs_[CR9346] = value & 0xce;
    if (mode == kEepromModeProgram)
        eeprom_.set_pins(value & kEepromCs, value & kEepromSk, value & kEepromDi);
    else
        eeprom_.set_pins(false, false, false);
}

// ---- MII -----------------------------------------------------------------------------------------

void Rtl8139::write_bmcr(std::uint16_t value) {
    if (value & kBmcrReset) {
        set16(BMCR, kBmcrAutoNegEnable | kBmcrSpeed100 | kBmcrFullDuplex);
        return;
    }
    // Restart-negotiation completes at once; the bit reads back clear.
    set16(BMCR, static_cast<std::uint16_t>(value & kBmcrWritable & ~kBmcrRestartAutoNeg));
}

std::uint16_t Rtl8139::bmsr() const {
    std::uint16_t value = kBmsrCapabilities;
    if (client_.link_up()) {
        value |= kBmsrLinkUp;
        if (get16(BMCR) & kBmcrAutoNegEnable) value |= kBmsrAutoNegComplete;
    }
    return value;
}

// ---- Timer ---------------------------------------------------------------------------------------

emu::ClockNs Rtl8139::now() const {
    emu::Machine* m = machine();
    return m ? m->loop().now(emu::ClockType::Virtual) : 0;
}

// PCI clock ticks since TCTR was cleared, and back (rounded up), without overflow for years.
std::uint64_t Rtl8139::timer_ticks() const {
    const auto elapsed = static_cast<std::uint64_t>(std::max<emu::ClockNs>(0, now() - tctr_base_));
    return elapsed / 1000 * kTicksPerMicrosecond + elapsed % 1000 * kTicksPerMicrosecond / 1000;
}

std::uint32_t Rtl8139::timer_count() const { return static_cast<std::uint32_t>(timer_ticks()); }

void Rtl8139::restart_timer_count() {
    tctr_base_ = now();
    arm_timer();
}

// TimerInt != 0: PCSTimeout when TCTR reaches it (again after each 2^32 ticks).
void Rtl8139::arm_timer() {
    if (!timer_) return;
    const std::uint32_t target = get32(TIMERINT);
    if (target == 0) {
        timer_->cancel();
        return;
    }
    const std::uint64_t ticks = timer_ticks();
    std::uint64_t next = (ticks & ~std::uint64_t{0xffffffff}) + target;
    if (next <= ticks) next += std::uint64_t{1} << 32;
    const std::uint64_t ns = next / kTicksPerMicrosecond * 1000 +
                             (next % kTicksPerMicrosecond * 1000 + kTicksPerMicrosecond - 1) / kTicksPerMicrosecond;
    timer_->arm(tctr_base_ + static_cast<emu::ClockNs>(ns));
}

void Rtl8139::timer_fired() {
    raise(kIntTimeout);
    arm_timer();
}

void Rtl8139::rx_space_returned() {
    if (!rx_blocked_) return;
    rx_blocked_ = false;
    if (rx_poll_) rx_poll_->cancel();
    client_.receive_ready();
    if (rx_blocked_ && rx_poll_ && !rx_poll_->armed()) rx_poll_->arm_in(kRxPollNs);
}

// ---- Registration --------------------------------------------------------------------------------

namespace {
void register_types(emu::TypeBatch& types) {
    types.add({.name = "rtl8139",
               .parent = "pci-device",
               .category = emu::Category::Network,
               .description = "RealTek RTL8139C+ Fast Ethernet (Linux 8139cp / 8139too)",
               .factory = emu::factory_of<Rtl8139>(),
               .class_init = emu::class_init_of<Rtl8139>(&Rtl8139::class_init)});
}
}  // namespace

}  // namespace rtl8139

EMU_PLUGIN(rtl8139, "1.0.0", "RealTek RTL8139C+ network card", "MIT", rtl8139::register_types);
