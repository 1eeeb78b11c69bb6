// The e1000 type: properties, realize, reset, and the register file as a table (SDM 13.4,
// table 13-2) that says which registers are plain storage, read-only, clear-on-read or act.
#include "e1000.h"

#include <emu/error.h>
#include <emu/machine.h>
#include <emu/plugin.h>

#include <array>
#include <iostream>

#include "e1000_regs.h"

namespace e1000 {

namespace {

constexpr const char* kDefaultRom = "/usr/lib/ipxe/qemu/efi-e1000.rom";

enum class Access : std::uint8_t {
    Plain,        // storage: reads what was written (through the write mask)
    ReadOnly,     // writes ignored
    ClearOnRead,  // statistics
    ClearPair,    // high half of a 64-bit statistic: reading it clears both halves
    Action,       // read_action / write_action
};

struct RegisterSpec {
    std::uint32_t offset;
    std::uint32_t words;
    std::uint32_t write_mask;
    Access access;
};

constexpr std::uint32_t kAll = 0xffffffffu;
constexpr std::uint32_t kRahMask = rah::kAv | rah::kAsMask | rah::kAddressMask;

// Later entries override earlier ones (the 64-bit statistics inside the statistics block).
constexpr RegisterSpec kRegisters[] = {
    {reg::kCtrl, 1, kAll, Access::Action},
    {reg::kStatus, 1, 0, Access::Action},
    {reg::kEecd, 1, kAll, Access::Action},
    {reg::kEerd, 1, kAll, Access::Action},
    {reg::kCtrlExt, 1, kAll, Access::Plain},
    {reg::kFla, 1, kAll, Access::Plain},
    {reg::kMdic, 1, kAll, Access::Action},
    {reg::kFcal, 1, kAll, Access::Plain},
    {reg::kFcah, 1, 0xffff, Access::Plain},
    {reg::kFct, 1, 0xffff, Access::Plain},
    {reg::kVet, 1, 0xffff, Access::Plain},
    {reg::kIcr, 1, kAll, Access::Action},
    {reg::kItr, 1, 0xffff, Access::Action},
    {reg::kIcs, 1, kAll, Access::Action},
    {reg::kIms, 1, kAll, Access::Action},
    {reg::kImc, 1, kAll, Access::Action},
    {reg::kRctl, 1, 0x07ffffff, Access::Action},
    {reg::kFcttv, 1, 0xffff, Access::Plain},
    {reg::kTxcw, 1, kAll, Access::Plain},
    {reg::kRxcw, 1, 0, Access::ReadOnly},
    {reg::kTctl, 1, kAll, Access::Action},
    {reg::kTipg, 1, kAll, Access::Plain},
    {reg::kLedctl, 1, kAll, Access::Plain},
    {reg::kPba, 1, kAll, Access::Plain},
    {reg::kFcrtl, 1, kAll, Access::Plain},
    {reg::kFcrth, 1, kAll, Access::Plain},
    {reg::kRdbal, 1, kRingBaseLowMask, Access::Action},
    {reg::kRdbah, 1, kAll, Access::Action},
    {reg::kRdlen, 1, kRingLengthMask, Access::Action},
    {reg::kRdh, 1, kRingIndexMask, Access::Action},
    {reg::kRdt, 1, kRingIndexMask, Access::Action},
    {reg::kRdtr, 1, kDelayMask | kRdtrFpd, Access::Action},
    {reg::kRxdctl, 1, kAll, Access::Plain},
    {reg::kRadv, 1, kDelayMask, Access::Plain},
    {reg::kRsrpd, 1, 0xfff, Access::Plain},
    {reg::kTxdmac, 1, 1, Access::Plain},
    {reg::kTdfh, 1, 0x1fff, Access::Plain},
    {reg::kTdft, 1, 0x1fff, Access::Plain},
    {reg::kTdfhs, 1, 0x1fff, Access::Plain},
    {reg::kTdfts, 1, 0x1fff, Access::Plain},
    {reg::kTdfpc, 1, 0x1fff, Access::Plain},
    {reg::kTdbal, 1, kRingBaseLowMask, Access::Plain},
    {reg::kTdbah, 1, kAll, Access::Plain},
    {reg::kTdlen, 1, kRingLengthMask, Access::Plain},
    {reg::kTdh, 1, kRingIndexMask, Access::Plain},
    {reg::kTdt, 1, kRingIndexMask, Access::Action},
    {reg::kTidv, 1, kDelayMask, Access::Plain},
    {reg::kTxdctl, 1, kAll, Access::Plain},
    {reg::kTadv, 1, kDelayMask, Access::Plain},
    {reg::kTspmt, 1, kAll, Access::Plain},
    {reg::kStatsFirst, (reg::kStatsLast - reg::kStatsFirst) / 4 + 1, 0, Access::ClearOnRead},
    {stat::kGorcl, 1, 0, Access::ReadOnly},
    {stat::kGorch, 1, 0, Access::ClearPair},
    {stat::kGotcl, 1, 0, Access::ReadOnly},
    {stat::kGotch, 1, 0, Access::ClearPair},
    {stat::kTorl, 1, 0, Access::ReadOnly},
    {stat::kTorh, 1, 0, Access::ClearPair},
    {stat::kTotl, 1, 0, Access::ReadOnly},
    {stat::kToth, 1, 0, Access::ClearPair},
    {reg::kRxcsum, 1, 0x3ff, Access::Plain},
    {reg::kMta, reg::kMtaWords, kAll, Access::Plain},
    {reg::kRal0, 2 * reg::kReceiveAddresses, kAll, Access::Action},
    {reg::kVfta, reg::kVftaWords, kAll, Access::Plain},
    {reg::kWuc, 1, kAll, Access::Plain},
    {reg::kWufc, 1, kAll, Access::Plain},
    {reg::kWus, 1, kAll, Access::Plain},
    {reg::kManc, 1, kAll, Access::Plain},
    {reg::kIpav, 1, kAll, Access::Plain},
    {reg::kIp4at, 8, kAll, Access::Plain},
    {reg::kIp6at, 4, kAll, Access::Plain},
    {reg::kWupl, 1, 0xfff, Access::Plain},
    {reg::kWupm, 32, kAll, Access::Plain},
    {reg::kFflt, 8, kAll, Access::Plain},
    {reg::kSwsm, 1, 0x3, Access::Plain},
    {reg::kSwFwSync, 1, kAll, Access::Plain},
    {reg::kFfmt, 256, kAll, Access::Plain},
    {reg::kFfvt, 256, kAll, Access::Plain},
};

constexpr std::uint8_t kNoRegister = 0xff;
static_assert(std::size(kRegisters) < kNoRegister);

// Register word index -> entry of kRegisters.
const std::array<std::uint8_t, RegisterFile::kSize / 4>& register_index() {
    static const auto index = [] {
        std::array<std::uint8_t, RegisterFile::kSize / 4> table;
        table.fill(kNoRegister);
        for (std::size_t i = 0; i < std::size(kRegisters); ++i)
            for (std::uint32_t w = 0; w < kRegisters[i].words; ++w)
                table[kRegisters[i].offset / 4 + w] = static_cast<std::uint8_t>(i);
        return table;
    }();
    return index;
}

const RegisterSpec* find_register(std::uint32_t offset) {
    if (offset >= RegisterFile::kSize) return nullptr;
    const std::uint8_t i = register_index()[offset / 4];
    return i == kNoRegister ? nullptr : &kRegisters[i];
}

const char* describe(unsigned kind) {
    static const char* const kWhat[] = {"receive descriptor", "receive buffer", "transmit descriptor",
                                        "transmit buffer", "receive ring", "transmit ring",
                                        "transmit packet", "TCP segmentation"};
    return kind < std::size(kWhat) ? kWhat[kind] : "access";
}

}  // namespace

// ---- Type, lifetime ----------------------------------------------------------------------------

E1000::E1000()
    : client_(*this, [this](std::span<const std::uint8_t> frame) { return receive(frame); },
              [this] { return can_receive(); }, [this] { send_ready(); }, [this] { link_changed(); }) {
    emu::MmioOps ops;
    ops.read = [this](emu::Addr offset, unsigned) -> std::uint64_t {
        return read_register(static_cast<std::uint32_t>(offset));
    };
    ops.write = [this](emu::Addr offset, std::uint64_t value, unsigned) {
        write_register(static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(value));
    };
    ops.valid_min = 1;
    ops.valid_max = 8;
    ops.impl_min = ops.impl_max = 4;
    mmio_ = emu::MemoryRegion::mmio("e1000-mmio", RegisterFile::kSize, ops);

    // IOADDR (offset 0) selects a register, IODATA (offset 4) accesses it (SDM 13.3.1).
    emu::MmioOps io;
    io.read = [this](emu::Addr offset, unsigned) -> std::uint64_t {
        if (offset == 0) return ioaddr_;
        if (offset == 4) return read_register(ioaddr_);
        return 0;
    };
    io.write = [this](emu::Addr offset, std::uint64_t value, unsigned) {
        if (offset == 0)
            ioaddr_ = static_cast<std::uint32_t>(value) & (RegisterFile::kSize - 4);
        else if (offset == 4)
            write_register(ioaddr_, static_cast<std::uint32_t>(value));
    };
    io.valid_min = 1;
    io.valid_max = 4;
    io.impl_min = io.impl_max = 4;
    io_ = emu::MemoryRegion::mmio("e1000-io", kIoSize, io);
}

E1000::~E1000() { client_.disconnect(); }

void E1000::class_init(emu::ClassBuilder<E1000>& c) {
    c.mac("mac", &E1000::mac_, "MAC address (default: 52:54:00:12:34:56, counting up for each NIC without one)");
    c.backend("netdev", &E1000::netdev_, "netdev", "network back end (-netdev id=...); none: the cable is unplugged");
    // QEMU's default ROM for this NIC, from Debian's ipxe-qemu. As on QEMU, a missing ROM file
    // is an error (install ipxe-qemu, or give romfile= with no value for no ROM).
    c.set_default("romfile", kDefaultRom);
    if (emu::Property* rom = c.object_class().find_property("romfile"))
        rom->description = "expansion ROM image: Debian's iPXE (package ipxe-qemu) unless given; empty: no ROM; a missing file is an error, as on QEMU";
}

emu::PciIds E1000::ids() const {
    // Subsystem: QEMU's default (1af4:1100), which the EEPROM repeats.
    return {.vendor_id = kVendorId, .device_id = kDeviceId, .class_code = 0x020000, .revision = kRevision};
}

void E1000::realize_pci() {
    emu::Machine* machine = this->machine();
    if (!machine) throw emu::Error("an e1000 needs a machine (for its timers)");
    if (mac_.is_zero()) mac_ = emu::net::next_default_mac();
    if (mac_.is_multicast()) throw emu::Error("property 'mac': " + mac_.to_string() + " is a multicast address");

    register_bar(0, *mmio_, emu::PciBarType::Mem32);
    register_bar(1, *io_, emu::PciBarType::Io);
    set_config(emu::pci::kCacheLineSize, 0x10, 1);

    emu::EventLoop& loop = machine->loop();
    auto timer = [&loop](std::function<void()> fn) {
        return std::make_unique<emu::Timer>(loop, emu::ClockType::Virtual, std::move(fn));
    };
    throttle_timer_ = timer([this] { throttle_expired(); });
    rx_packet_timer_ = timer([this] { rx_delay_expired(); });
    rx_absolute_timer_ = timer([this] { rx_delay_expired(); });
    tx_packet_timer_ = timer([this] { tx_delay_expired(); });
    tx_absolute_timer_ = timer([this] { tx_delay_expired(); });
    tx_continue_timer_ = timer([this] { start_tx(); });

    const emu::PciIds id = ids();
    eeprom_.load(mac_, {.vendor_id = id.vendor_id, .device_id = id.device_id,
                        .subsystem_vendor_id = emu::pci::kDefaultSubsystemVendorId,
                        .subsystem_id = emu::pci::kDefaultSubsystemId});
    phy_.reset();
    reset_mac();
    emu::connect_nic(*this, client_, netdev_);
    phy_.set_link(client_.link_up());
}

void E1000::unrealize_pci() {
    client_.disconnect();
    throttle_timer_.reset();
    rx_packet_timer_.reset();
    rx_absolute_timer_.reset();
    tx_packet_timer_.reset();
    tx_absolute_timer_.reset();
    tx_continue_timer_.reset();
}

void E1000::reset() {
    PciDevice::reset();
    phy_.reset();
    reset_mac();
}

// CTRL.RST and power-on: every MAC register to its initial value, the EEPROM reloaded (its MAC
// address into RAL0/RAH0), transmit and receive idle, interrupts clear (SDM 14.9).
void E1000::reset_mac() {
    regs_.clear();
    regs_.set(reg::kCtrl, ctrl::kSlu | ctrl::kFd | (2u << 8));  // 1000 Mb/s
    regs_.set(reg::kLedctl, 0x07068302);
    regs_.set(reg::kPba, 0x00100030);   // 48 KiB receive, 16 KiB transmit
    regs_.set(reg::kVet, 0x8100);
    regs_.set(reg::kMdic, mdic::kReady);
    regs_.set(reg::kRal0, std::uint32_t{mac_.bytes[0]} | std::uint32_t{mac_.bytes[1]} << 8 |
                              std::uint32_t{mac_.bytes[2]} << 16 | std::uint32_t{mac_.bytes[3]} << 24);
    regs_.set(reg::kRah0, std::uint32_t{mac_.bytes[4]} | std::uint32_t{mac_.bytes[5]} << 8 | rah::kAv);
    eeprom_.reset_interface();
    ioaddr_ = 0;
    tx_.clear();
    tso_context_ = checksum_context_ = {};
    tx_vlan_ = false;
    tx_waiting_ = false;
    for (emu::Timer* t : {throttle_timer_.get(), rx_packet_timer_.get(), rx_absolute_timer_.get(),
                          tx_packet_timer_.get(), tx_absolute_timer_.get(), tx_continue_timer_.get()})
        if (t) t->cancel();
    reported_errors_ = 0;
    update_irq();
    // Frames held for a full ring are dropped now, as the receiver is off.
    rx_buffers_added();
}

void E1000::guest_error(GuestError kind, const std::string& message) {
    const unsigned bit = 1u << static_cast<unsigned>(kind);
    if (reported_errors_ & bit) return;
    reported_errors_ |= bit;
    std::cerr << "emu: " << display_name() << ": " << describe(static_cast<unsigned>(kind)) << ": " << message
              << " (reported once until reset)\n";
}

// ---- Register dispatch -------------------------------------------------------------------------

std::uint32_t E1000::read_register(std::uint32_t offset) {
    offset &= ~3u;
    const RegisterSpec* spec = find_register(offset);
    if (!spec) return 0;
    switch (spec->access) {
    case Access::Plain:
    case Access::ReadOnly:
        return regs_.get(offset);
    case Access::ClearOnRead: {
        const std::uint32_t value = regs_.get(offset);
        regs_.set(offset, 0);
        return value;
    }
    case Access::ClearPair: {
        const std::uint32_t value = regs_.get(offset);
        regs_.set(offset, 0);
        regs_.set(offset - 4, 0);
        return value;
    }
    case Access::Action:
        return read_action(offset);
    }
    return 0;
}

void E1000::write_register(std::uint32_t offset, std::uint32_t value) {
    offset &= ~3u;
    const RegisterSpec* spec = find_register(offset);
    if (!spec) return;
    switch (spec->access) {
    case Access::Plain:
        regs_.set(offset, value & spec->write_mask);
        return;
    case Access::Action:
        write_action(offset, value, spec->write_mask);
        return;
    default:
        return;  // read-only and statistics
    }
}

std::uint32_t E1000::read_action(std::uint32_t offset) {
    switch (offset) {
    case reg::kStatus:
        return read_status();
    case reg::kEecd:
        return eeprom_.eecd();
    case reg::kEerd:
        return eeprom_.eerd();
    case reg::kIcr: {
        // Clear on read (SDM 13.4.17): the line drops with it.
        const std::uint32_t value = regs_.get(reg::kIcr);
        regs_.set(reg::kIcr, 0);
        update_irq();
        return value;
    }
    case reg::kIcs:
    case reg::kImc:
        return 0;  // write-only
    default:
        return regs_.get(offset);
    }
}

void E1000::write_action(std::uint32_t offset, std::uint32_t value, std::uint32_t mask) {
    value &= mask;
    if (offset >= reg::kRal0 && offset < reg::kRal0 + 8 * reg::kReceiveAddresses) {
        regs_.set(offset, (offset & 4) ? value & kRahMask : value);
        return;
    }
    switch (offset) {
    case reg::kCtrl:
        write_ctrl(value);
        return;
    case reg::kEecd:
        eeprom_.write_eecd(value);
        return;
    case reg::kEerd:
        eeprom_.write_eerd(value);
        return;
    case reg::kMdic:
        write_mdic(value);
        return;
    case reg::kIcr:  // writing 1s clears those causes
        regs_.set(reg::kIcr, regs_.get(reg::kIcr) & ~value);
        update_irq();
        return;
    case reg::kItr:
        regs_.set(reg::kItr, value);
        update_irq();
        return;
    case reg::kIcs:
        raise(value & icr::kAll);
        return;
    case reg::kIms:
        regs_.set(reg::kIms, regs_.get(reg::kIms) | (value & icr::kAll));
        update_irq();
        return;
    case reg::kImc:
        regs_.set(reg::kIms, regs_.get(reg::kIms) & ~value);
        update_irq();
        return;
    case reg::kRctl:
    case reg::kRdbal:
    case reg::kRdbah:
    case reg::kRdlen:
    case reg::kRdh:
    case reg::kRdt:
        regs_.set(offset, value);
        rx_buffers_added();
        return;
    case reg::kRdtr:
        regs_.set(reg::kRdtr, value & kDelayMask);
        if (value & kRdtrFpd) rx_flush_delay();
        return;
    case reg::kTctl:
    case reg::kTdt:
        regs_.set(offset, value);
        start_tx();
        return;
    default:
        regs_.set(offset, value);
        return;
    }
}

void E1000::write_ctrl(std::uint32_t value) {
    if (value & ctrl::kRst) {  // self-clearing
        reset_mac();
        return;
    }
    const std::uint32_t old = regs_.get(reg::kCtrl);
    regs_.set(reg::kCtrl, value);
    if ((value & ctrl::kPhyRst) && !(old & ctrl::kPhyRst)) phy_.reset();
}

// MDIC (SDM 13.4.7): one PHY register access, done at once. Only the internal PHY answers.
void E1000::write_mdic(std::uint32_t value) {
    const unsigned phy_address = (value >> mdic::kPhyShift) & mdic::kPhyMask;
    const unsigned phy_register = (value >> mdic::kRegShift) & mdic::kRegMask;
    std::uint32_t result = value & ~(mdic::kReady | mdic::kError);
    if (phy_address != phy::kAddress) {
        result |= mdic::kError;
    } else if ((value & mdic::kOpMask) == mdic::kOpRead) {
        result = (result & ~mdic::kDataMask) | phy_.read(phy_register);
    } else if ((value & mdic::kOpMask) == mdic::kOpWrite) {
        phy_.write(phy_register, static_cast<std::uint16_t>(value & mdic::kDataMask));
    } else {
        result |= mdic::kError;  // reserved opcode
    }
    regs_.set(reg::kMdic, result | mdic::kReady);
    if (value & mdic::kInterrupt) raise(icr::kMdac);
}

std::uint32_t E1000::read_status() const {
    std::uint32_t value = status::kFd | status::kSpeed1000 | status::kAsdv1000 | status::kMtxckok;
    if (phy_.link_up()) value |= status::kLu;
    return value;
}

// ---- Registration ------------------------------------------------------------------------------

namespace {

void register_types(emu::TypeBatch& types) {
    types.add({.name = "e1000",
               .parent = "pci-device",
               .category = emu::Category::Network,
               .description = "Intel 82540EM Gigabit Ethernet (PCI 8086:100e)",
               .factory = emu::factory_of<E1000>(),
               .class_init = emu::class_init_of<E1000>(&E1000::class_init)});
}

}  // namespace

}  // namespace e1000

EMU_PLUGIN(e1000, "0.1.0", "Intel 82540EM Gigabit Ethernet (e1000)", "MIT", e1000::register_types);
