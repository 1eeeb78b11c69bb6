// The NE2000 / DP8390 core (sdk/include/emu/ne2000.h): registers, remote DMA, the receive ring,
// the address filter and transmission. Register names as National's DP8390D datasheet spells them.
#include "emu/ne2000.h"

#include <algorithm>
#include <cstring>

#include "emu/error.h"

namespace emu {

namespace {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;

// CR (every page, offset 0).
constexpr u8 kCrStp = 0x01, kCrSta = 0x02, kCrTxp = 0x04;
constexpr unsigned kCrRdShift = 3, kCrPsShift = 6;
constexpr u8 kCrKept = 0xf8;  // PS and RD read back as written
constexpr u8 kCrRdAbort = 0x20;
enum RemoteCommand : unsigned { kRdRead = 1, kRdWrite = 2, kRdSendPacket = 3 };

// Page 0, read.
enum : unsigned {
    kClda0 = 0x01, kClda1 = 0x02, kBnry = 0x03, kTsr = 0x04, kNcr = 0x05, kFifo = 0x06, kIsr = 0x07,
    kCrda0 = 0x08, kCrda1 = 0x09, kId0 = 0x0a, kId1 = 0x0b, kRsr = 0x0c, kCntr0 = 0x0d, kCntr1 = 0x0e,
    kCntr2 = 0x0f,
};
// Page 0, write (BNRY and ISR as above).
enum : unsigned {
    kPstart = 0x01, kPstop = 0x02, kTpsr = 0x04, kTbcr0 = 0x05, kTbcr1 = 0x06, kRsar0 = 0x08, kRsar1 = 0x09,
    kRbcr0 = 0x0a, kRbcr1 = 0x0b, kRcr = 0x0c, kTcr = 0x0d, kDcr = 0x0e, kImr = 0x0f,
};
// Page 1: PAR0-5 at 1..6, CURR, MAR0-7 at 8..15.
constexpr unsigned kPar0 = 0x01, kCurr = 0x07, kMar0 = 0x08;
// Page 2 (diagnostics): the page 0 write registers read back, and the DMA pointers.
enum : unsigned { kRnpp = 0x03, kLnpp = 0x05, kAddressUpper = 0x06, kAddressLower = 0x07 };
// RTL8029 page 3.
enum : unsigned { kConfig2 = 0x05, kConfig3 = 0x06, kAsid0 = 0x0e, kAsid1 = 0x0f };

// ISR / IMR.
constexpr u8 kIsrPrx = 0x01, kIsrPtx = 0x02, kIsrOvw = 0x10, kIsrCnt = 0x20, kIsrRdc = 0x40, kIsrRst = 0x80;
constexpr u8 kIsrInterrupts = 0x7f;
// RCR.
constexpr u8 kRcrAr = 0x02, kRcrAb = 0x04, kRcrAm = 0x08, kRcrPro = 0x10, kRcrMon = 0x20;
// RSR.
constexpr u8 kRsrPrx = 0x01, kRsrMpa = 0x10, kRsrPhy = 0x20, kRsrDis = 0x40;
// TCR loopback bits, TSR, DCR.
constexpr u8 kTcrLoopback = 0x06;
constexpr u8 kTsrPtx = 0x01;
constexpr u8 kDcrWts = 0x01;

constexpr unsigned kPageSize = 256;
constexpr unsigned kHeaderSize = 4;
constexpr unsigned kDataPort = 0x10, kResetPort = 0x18;
constexpr unsigned kMissedCounter = 2;

// Linux's ether_crc: CRC-32 (polynomial 0x04c11db7) fed least significant bit first, no final
// inversion. The DP8390 indexes MAR with its top six bits.
u32 ethernet_crc(std::span<const u8, 6> address) {
    u32 crc = 0xffffffffu;
    for (u8 byte : address)
        for (int bit = 0; bit < 8; ++bit, byte >>= 1) {
            const bool carry = ((crc >> 31) ^ (byte & 1u)) != 0;
            crc <<= 1;
            if (carry) crc ^= 0x04c11db7u;
        }
    return crc;
}

}  // namespace

Ne2000::Ne2000(Device& owner, std::function<void(bool)> set_irq, Config config)
    : owner_(owner),
      set_irq_(std::move(set_irq)),
      config_(config),
      client_(owner, [this](std::span<const u8> frame) { return receive(frame); },
              [this] { return can_receive(); },
              [this] {  // the peer took the frame it had to queue
                  if (tx_waiting_) finish_transmit();
              }),
      ram_(kRamEnd - kRamStart, 0) {
    reset();
}

MacAddress Ne2000::realize(MacAddress mac, NetBackend* backend) {
    if (mac.is_zero()) mac = net::next_default_mac();
    if (mac.is_multicast()) throw Error("mac " + mac.to_string() + " is a multicast address");
    mac_ = mac;
    reset();
    connect_nic(owner_, client_, backend);
    return mac_;
}

void Ne2000::unrealize() { client_.disconnect(); }

void Ne2000::reset() {
    build_prom();
    std::fill(ram_.begin(), ram_.end(), u8{0});
    command_ = kCrRdAbort;
    stopped_ = true;
    transmitting_ = tx_waiting_ = false;
    pstart_ = pstop_ = bnry_ = curr_ = tpsr_ = 0;
    tbcr_ = rsar_ = rbcr_ = 0;
    isr_ = kIsrRst;
    imr_ = rcr_ = tcr_ = dcr_ = tsr_ = rsr_ = rnpp_ = 0;
    local_address_ = 0;
    par_ = mac_.bytes;  // undefined on the chip; the PROM's address is the useful choice
    mar_.fill(0);
    counters_.fill(0);
    unseen_frame_ = false;
    // Only a line that was raised is lowered: the constructor runs this before the embedding
    // device has finished constructing its IRQ outputs.
    if (irq_level_) {
        irq_level_ = false;
        if (set_irq_) set_irq_(false);
    }
}

void Ne2000::build_prom() {
    std::array<u8, kPromSize / 2> words{};
    std::copy(mac_.bytes.begin(), mac_.bytes.end(), words.begin());
    words[14] = words[15] = 0x57;  // 'WW': an NE2000, in Linux's ne and most probes
    for (unsigned i = 0; i < words.size(); ++i) prom_[2 * i] = prom_[2 * i + 1] = words[i];
}

// The reset port: the chip stops, aborts remote DMA and any transmission, masks its interrupts
// and reports ISR.RST. Memory, the ring registers and the address registers are kept.
void Ne2000::chip_reset() {
    command_ = kCrRdAbort;
    stopped_ = true;
    transmitting_ = tx_waiting_ = false;
    isr_ = kIsrRst;
    imr_ = 0;
    unseen_frame_ = false;
    update_irq();
}

// ---- I/O window ------------------------------------------------------------------------------

std::uint32_t Ne2000::io_read(Addr offset, unsigned size) {
    if (offset < kDataPort) {
        u32 value = 0;
        for (unsigned i = 0; i < size; ++i)
            value |= u32{offset + i < kDataPort ? read_register(static_cast<unsigned>(offset + i)) : u8{0xff}} << (8 * i);
        return value;
    }
    if (offset < kResetPort) return data_read(size);
    if (offset < kIoSize) {
        chip_reset();
        return 0;
    }
    return size >= 4 ? 0xffffffffu : (u32{1} << (8 * size)) - 1;
}

void Ne2000::io_write(Addr offset, std::uint32_t value, unsigned size) {
    if (offset < kDataPort) {
        for (unsigned i = 0; i < size && offset + i < kDataPort; ++i)
            write_register(static_cast<unsigned>(offset + i), static_cast<u8>(value >> (8 * i)));
    } else if (offset < kResetPort) {
        data_write(value, size);
    }
    // The reset port ignores writes (drivers write back what they read to end the pulse).
}

MmioOps Ne2000::io_ops() {
    return {.read = [this](Addr offset, unsigned size) -> std::uint64_t { return io_read(offset, size); },
            .write = [this](Addr offset, std::uint64_t value, unsigned size) {
                io_write(offset, static_cast<u32>(value), size);
            },
            .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 4, .unaligned = true};
}

// ---- Registers ---------------------------------------------------------------------------------

std::uint8_t Ne2000::read_register(unsigned offset) {
    if (offset == 0)
        return static_cast<u8>((command_ & kCrKept) | (transmitting_ ? kCrTxp : 0) | (stopped_ ? kCrStp : kCrSta));
    switch (command_ >> kCrPsShift) {
    case 0: return read_page0(offset);
    case 1: return read_page1(offset);
    case 2: return read_page2(offset);
    default: return read_page3(offset);
    }
}

void Ne2000::write_register(unsigned offset, std::uint8_t value) {
    if (offset == 0) {
        write_command(value);
        return;
    }
    switch (command_ >> kCrPsShift) {
    case 0: write_page0(offset, value); break;
    case 1: write_page1(offset, value); break;
    case 2: write_page2(offset, value); break;
    default: break;  // page 3 (RTL8029 configuration): read-only here
    }
}

std::uint8_t Ne2000::read_page0(unsigned offset) {
    switch (offset) {
    case kClda0: return static_cast<u8>(local_address_);
    case kClda1: return static_cast<u8>(local_address_ >> 8);
    case kBnry: return bnry_;
    case kTsr: return tsr_;
    case kNcr: return 0;   // no collisions on this wire
    case kFifo: return 0;
    case kIsr: return isr_;
    case kCrda0: return static_cast<u8>(rsar_);
    case kCrda1: return static_cast<u8>(rsar_ >> 8);
    case kId0: return config_.realtek ? 0x50 : 0;  // 'P'
    case kId1: return config_.realtek ? 0x43 : 0;  // 'C'
    case kRsr: return rsr_;
    case kCntr0:
    case kCntr1:
    case kCntr2: {
        // Tally counters clear when read (Linux's ne probe relies on it).
        const u8 value = counters_[offset - kCntr0];
        counters_[offset - kCntr0] = 0;
        return value;
    }
    default: return 0;
    }
}

std::uint8_t Ne2000::read_page1(unsigned offset) {
    if (offset >= kPar0 && offset < kPar0 + par_.size()) return par_[offset - kPar0];
    if (offset == kCurr) {
        unseen_frame_ = false;  // the driver now knows where the ring ends
        return curr_;
    }
    return mar_[offset - kMar0];
}

std::uint8_t Ne2000::read_page2(unsigned offset) const {
    switch (offset) {
    case kPstart: return pstart_;
    case kPstop: return pstop_;
    case kRnpp: return rnpp_;
    case kTpsr: return tpsr_;
    case kLnpp: return curr_;
    case kAddressUpper: return static_cast<u8>(local_address_ >> 8);
    case kAddressLower: return static_cast<u8>(local_address_);
    case kRcr: return rcr_;
    case kTcr: return tcr_;
    case kDcr: return dcr_;
    case kImr: return imr_;
    default: return 0;
    }
}

// RTL8029AS page 3, as QEMU reports it: 10BaseT link and full duplex in CONFIG2/CONFIG3.
std::uint8_t Ne2000::read_page3(unsigned offset) const {
    if (!config_.realtek) return 0;
    switch (offset) {
    case kConfig2: return 0x40;
    case kConfig3: return 0x40;
    case kAsid0: return 0x29;
    case kAsid1: return 0x80;
    default: return 0;
    }
}

void Ne2000::write_page0(unsigned offset, std::uint8_t value) {
    switch (offset) {
    case kPstart: pstart_ = value; offer_room(); break;
    case kPstop: pstop_ = value; offer_room(); break;
    case kBnry: bnry_ = value; offer_room(); break;
    case kTpsr: tpsr_ = value; break;
    case kTbcr0: tbcr_ = static_cast<u16>((tbcr_ & 0xff00) | value); break;
    case kTbcr1: tbcr_ = static_cast<u16>((tbcr_ & 0x00ff) | value << 8); break;
    case kIsr: {
        // See the header: PRX stays while the ring holds frames or holds one stored after the
        // driver last read CURR.
        const bool keep_prx = (isr_ & kIsrPrx) && (unseen_frame_ || ring_holds_frames());
        isr_ &= static_cast<u8>(~(value & kIsrInterrupts));
        if (keep_prx) isr_ |= kIsrPrx;
        update_irq();
        break;
    }
    case kRsar0: rsar_ = static_cast<u16>((rsar_ & 0xff00) | value); break;
    case kRsar1: rsar_ = static_cast<u16>((rsar_ & 0x00ff) | value << 8); break;
    case kRbcr0: rbcr_ = static_cast<u16>((rbcr_ & 0xff00) | value); break;
    case kRbcr1: rbcr_ = static_cast<u16>((rbcr_ & 0x00ff) | value << 8); break;
    case kRcr: rcr_ = value & 0x3f; break;
    case kTcr: tcr_ = value & 0x1f; break;
    case kDcr: dcr_ = value & 0x7f; break;
    case kImr: imr_ = value & kIsrInterrupts; update_irq(); break;
    default: break;
    }
}

void Ne2000::write_page1(unsigned offset, std::uint8_t value) {
    if (offset >= kPar0 && offset < kPar0 + par_.size()) {
        par_[offset - kPar0] = value;
    } else if (offset == kCurr) {
        curr_ = value;
        offer_room();
    } else {
        mar_[offset - kMar0] = value;
    }
}

void Ne2000::write_page2(unsigned offset, std::uint8_t value) {
    switch (offset) {
    case kRnpp: rnpp_ = value; break;
    case kAddressUpper: local_address_ = static_cast<u16>((local_address_ & 0x00ff) | value << 8); break;
    case kAddressLower: local_address_ = static_cast<u16>((local_address_ & 0xff00) | value); break;
    default: break;  // the other page 2 registers are read-only views of page 0
    }
}

void Ne2000::write_command(std::uint8_t value) {
    command_ = value & kCrKept;
    if (value & kCrStp) {
        stopped_ = true;
        isr_ |= kIsrRst;
    } else if ((value & kCrSta) && stopped_) {
        stopped_ = false;
        isr_ &= static_cast<u8>(~kIsrRst);
        offer_room();
    }
    switch ((value >> kCrRdShift) & 7) {
    case kRdRead:
    case kRdWrite:
        if (rbcr_ == 0) isr_ |= kIsrRdc;  // a zero-length transfer completes at once
        break;
    case kRdSendPacket:
        // Set the remote DMA up for the frame at BNRY, from its header's byte count.
        rsar_ = static_cast<u16>(bnry_ << 8);
        rbcr_ = static_cast<u16>(memory_read(static_cast<u16>(rsar_ + 2)) | memory_read(static_cast<u16>(rsar_ + 3)) << 8);
        rnpp_ = memory_read(static_cast<u16>(rsar_ + 1));
        break;
    default: break;
    }
    if ((value & kCrTxp) && !stopped_ && !transmitting_) transmit();
    update_irq();
}

void Ne2000::update_irq() {
    const bool level = (isr_ & imr_ & kIsrInterrupts) != 0;
    if (level == irq_level_) return;
    irq_level_ = level;
    if (set_irq_) set_irq_(level);
}

// A tally counter counts up to 255 and sets ISR.CNT once its top bit is set.
void Ne2000::count(unsigned counter) {
    if (counters_[counter] < 0xff) ++counters_[counter];
    if (counters_[counter] & 0x80) isr_ |= kIsrCnt;
}

// ---- Memory and remote DMA ----------------------------------------------------------------------

std::uint8_t Ne2000::memory_read(std::uint16_t address) const {
    if (address < kPromSize) return prom_[address];
    if (address >= kRamStart && address < kRamEnd) return ram_[address - kRamStart];
    return 0xff;
}

void Ne2000::memory_write(std::uint16_t address, std::uint8_t value) {
    if (address >= kRamStart && address < kRamEnd) ram_[address - kRamStart] = value;
}

// One byte moved: the address counts up (wrapping from PSTOP to PSTART, so a driver can read a
// frame that wraps around the ring in one transfer) and the byte count down.
void Ne2000::remote_dma_advance() {
    rsar_ = static_cast<u16>(rsar_ + 1);
    if (rsar_ == pstop_ << 8) rsar_ = static_cast<u16>(pstart_ << 8);
    if (rbcr_ == 0) return;  // past the end of the transfer: drivers that read one more are served
    if (--rbcr_ == 0) {
        isr_ |= kIsrRdc;
        update_irq();
    }
}

std::uint32_t Ne2000::data_read(unsigned size) {
    const unsigned moved = std::max(size, (dcr_ & kDcrWts) ? 2u : 1u);
    u32 value = 0;
    for (unsigned i = 0; i < moved; ++i) {
        const u8 byte = memory_read(rsar_);
        if (i < size) value |= u32{byte} << (8 * i);
        remote_dma_advance();
    }
    return value;
}

void Ne2000::data_write(std::uint32_t value, unsigned size) {
    const unsigned moved = std::max(size, (dcr_ & kDcrWts) ? 2u : 1u);
    for (unsigned i = 0; i < moved; ++i) {
        memory_write(rsar_, i < size ? static_cast<u8>(value >> (8 * i)) : u8{0});
        remote_dma_advance();
    }
}

// ---- Receive ------------------------------------------------------------------------------------

// Pages the chip may fill from CURR before it would reach BNRY. CURR outside the ring starts
// over at PSTART; a BNRY outside it is never reached.
unsigned Ne2000::free_pages() const {
    const unsigned ring = pstop_ - pstart_;
    const unsigned curr = in_ring(curr_) ? curr_ : pstart_;
    const unsigned bnry = boundary();
    if (!in_ring(bnry)) return ring;
    if (curr < bnry) return bnry - curr;
    return ring - (curr - bnry);
}

// BNRY as a page of the ring. A driver that keeps BNRY one page behind the next unread frame
// writes PSTART - 1 when that frame is at PSTART (Linux's 8390 core does): the page behind
// PSTART in the ring is PSTOP - 1.
unsigned Ne2000::boundary() const {
    return bnry_ + 1u == pstart_ && ring_valid() ? pstop_ - 1u : bnry_;
}

// Frames between the driver's read pointer and CURR, whichever convention the driver keeps BNRY
// in: one page behind the next unread frame (Linux, National's application notes) or on it.
bool Ne2000::ring_holds_frames() const {
    const unsigned bnry = boundary();
    if (!ring_valid() || !in_ring(bnry) || !in_ring(curr_)) return false;
    const unsigned after_bnry = bnry + 1u == pstop_ ? pstart_ : bnry + 1u;
    return curr_ != bnry && curr_ != after_bnry;
}

bool Ne2000::can_receive() const {
    if (stopped_ || !ring_valid()) return true;  // the receiver is off: frames are dropped
    if (pstop_ - pstart_ < 3) return true;       // too small for any frame: every one overflows
    return free_pages() > 1;                     // room for a frame of one page
}

void Ne2000::offer_room() {
    if (!stopped_ && client_.queued_frames() > 0) client_.receive_ready();
}

bool Ne2000::address_accepted(std::span<const std::uint8_t, 6> destination) const {
    static constexpr std::array<u8, 6> kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (std::equal(destination.begin(), destination.end(), kBroadcast.begin())) return rcr_ & kRcrAb;
    if (destination[0] & 1) {
        if (!(rcr_ & kRcrAm)) return false;
        const unsigned index = ethernet_crc(destination) >> 26;
        return mar_[index >> 3] & (1u << (index & 7));
    }
    if (rcr_ & kRcrPro) return true;
    return std::equal(destination.begin(), destination.end(), par_.begin());
}

bool Ne2000::receive(std::span<const std::uint8_t> frame) {
    if (stopped_ || !ring_valid()) return true;
    std::array<u8, net::kMinFrameSize> padded{};
    if (frame.size() < net::kMinFrameSize && !(rcr_ & kRcrAr)) {
        std::copy(frame.begin(), frame.end(), padded.begin());
        frame = padded;
    }
    if (frame.size() < 6) return true;  // not even a destination address
    const auto destination = frame.first<6>();
    if (!address_accepted(destination)) return true;
    if (rcr_ & kRcrMon) {  // monitor mode: checked and counted, not stored
        rsr_ = kRsrMpa | kRsrDis;
        count(kMissedCounter);
        update_irq();
        return true;
    }
    const unsigned pages = static_cast<unsigned>((frame.size() + kHeaderSize + kPageSize - 1) / kPageSize);
    const unsigned ring = pstop_ - pstart_;
    if (pages + 1 >= ring) {  // could not fit even into the empty ring: it overflows
        rsr_ = kRsrMpa;
        isr_ |= kIsrOvw;
        count(kMissedCounter);
        update_irq();
        return true;
    }
    if (pages >= free_pages()) return false;  // wait until the driver frees room
    store(frame, pages, destination[0] & 1);
    return true;
}

void Ne2000::store(std::span<const std::uint8_t> frame, unsigned pages, bool multicast) {
    const unsigned ring = pstop_ - pstart_;
    const unsigned curr = in_ring(curr_) ? curr_ : pstart_;
    unsigned next = curr + pages;
    if (next >= pstop_) next -= ring;
    const u8 status = static_cast<u8>(kRsrPrx | (multicast ? kRsrPhy : 0));
    const std::size_t total = frame.size() + kHeaderSize;

    u16 address = static_cast<u16>(curr << 8);
    auto put = [&](u8 byte) {
        memory_write(address, byte);
        address = static_cast<u16>(address + 1);
        if (address == pstop_ << 8) address = static_cast<u16>(pstart_ << 8);
    };
    put(status);
    put(static_cast<u8>(next));
    put(static_cast<u8>(total));
    put(static_cast<u8>(total >> 8));
    for (u8 byte : frame) put(byte);

    local_address_ = address;
    curr_ = static_cast<u8>(next);
    rsr_ = status;
    isr_ |= kIsrPrx;
    unseen_frame_ = true;
    update_irq();
}

// ---- Transmit -----------------------------------------------------------------------------------

void Ne2000::transmit() {
    std::vector<u8> frame(tbcr_);
    u16 address = static_cast<u16>(tpsr_ << 8);
    for (u8& byte : frame) byte = memory_read(address++);
    transmitting_ = true;
    if (tcr_ & kTcrLoopback) {
        receive(frame);  // looped back to our own receiver; lost if it has no room
    } else if (!frame.empty() && client_.send(std::span<const u8>(frame)) == NetClient::SendStatus::Queued) {
        tx_waiting_ = true;  // PTX when the peer has taken it
        return;
    }
    finish_transmit();
}

void Ne2000::finish_transmit() {
    tx_waiting_ = false;
    transmitting_ = false;
    tsr_ = kTsrPtx;
    isr_ |= kIsrPtx;
    update_irq();
}

}  // namespace emu
