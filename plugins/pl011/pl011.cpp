// ARM PrimeCell UART (PL011), as on the virt and vexpress-a15 boards.
//
// Type "pl011". Property chardev: the id of a character back end (/chardev/<id>); unset, the
// output is discarded and nothing is received.
//
// Wiring, for boards:
//   mmio(0)            4 KiB of registers (1, 2 or 4-byte accesses: Linux uses 16-bit ones)
//   gpio_out("", 0)    UARTINTR, the combined interrupt ((RIS & IMSC) != 0)
//
// Model: transmission is instantaneous. A write to DR goes to the back end at once, the TX FIFO
// always reads empty (FR.TXFE=1, TXFF=0, BUSY=0) and TXIS is set by every write (the FIFO has
// drained below its trigger level) until the guest clears it through ICR; it is clear at reset,
// as the PL011 only raises TXIS on the transition. Linux's driver fills the FIFO from its TX
// interrupt handler and relies on the next TXIS to continue.
// Reception: the RX FIFO holds 16 characters with LCR_H.FEN set, 1 (the holding register)
// without. The back end gives at most the free room (can_receive); a read of DR that frees room
// calls accept_input() so the back end resumes. RXIS is set when the FIFO level reaches the IFLS
// trigger (1 character without FIFO) and clears when reads take it below. RTIS (receive timeout)
// is set when characters arrive (this model's line is idle at once after a burst) and clears
// when the FIFO is emptied or through ICR. CR.LBE loops transmitted characters back to the RX
// FIFO (if CR.RXE is set). No DMA (DMACR is only stored), no modem lines, no break or framing
// errors (the back end delivers bytes); an overrun sets RSR.OE and OEIS.
#include <emu/chardev.h>
#include <emu/device.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr unsigned kFifoDepth = 16;

// Registers.
enum : unsigned {
    kDr = 0x00, kRsr = 0x04, kFr = 0x18, kIlpr = 0x20, kIbrd = 0x24, kFbrd = 0x28, kLcrH = 0x2c,
    kCr = 0x30, kIfls = 0x34, kImsc = 0x38, kRis = 0x3c, kMis = 0x40, kIcr = 0x44, kDmacr = 0x48,
};
// FR bits. BUSY (bit 3) and TXFF (bit 5) always read 0: a written character leaves at once.
constexpr u32 kFrRxfe = 1u << 4, kFrRxff = 1u << 6, kFrTxfe = 1u << 7;
// LCR_H and CR bits.
constexpr u32 kLcrFen = 1u << 4;
constexpr u32 kCrLbe = 1u << 7, kCrRxe = 1u << 9;
// Interrupt bits (RIS, MIS, IMSC, ICR).
constexpr u32 kIntRx = 1u << 4, kIntTx = 1u << 5, kIntRt = 1u << 6, kIntOe = 1u << 10, kIntAll = 0x7ff;
// DR error bits (and RSR bits 0..3, shifted down by 8).
constexpr u32 kDrOe = 1u << 11;
// PeriphID0..3 and PCellID0..3 at 0xfe0..0xffc: 0x00041011 and 0xb105f00d.
constexpr std::array<u32, 8> kId = {0x11, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

class Pl011 final : public emu::Device {
public:
    Pl011() {
        regs_ = emu::MemoryRegion::mmio(
            "pl011", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_out("", &irq_);
    }

    static void class_init(emu::ClassBuilder<Pl011>& c) {
        c.backend("chardev", &Pl011::chardev_, "chardev", "character back end (unset: output discarded)");
    }

    void reset() override {
        reset_state();
        update();
        if (attached_) chardev_->accept_input();
    }

protected:
    void do_realize() override {
        reset_state();
        if (chardev_ && !attached_) {
            chardev_->attach(*this, {.can_receive = [this] { return room(); },
                                     .receive = [this](const std::uint8_t* data, std::size_t length) {
                                         receive(data, length);
                                     }});
            attached_ = true;
        }
        update();
    }

private:
    void reset_state() {
        rx_count_ = rx_head_ = 0;
        rsr_ = ilpr_ = ibrd_ = fbrd_ = lcr_h_ = imsc_ = ris_ = dmacr_ = 0;
        cr_ = 0x300;  // TXE | RXE
        ifls_ = 0x12;  // both FIFOs at 1/2
    }

    unsigned depth() const { return (lcr_h_ & kLcrFen) ? kFifoDepth : 1; }
    std::size_t room() const { return rx_count_ < depth() ? depth() - rx_count_ : 0; }
    unsigned rx_trigger() const {
        if (!(lcr_h_ & kLcrFen)) return 1;
        switch ((ifls_ >> 3) & 7) {
        case 0: return 2;    // 1/8
        case 1: return 4;    // 1/4
        case 2: return 8;    // 1/2
        case 3: return 12;   // 3/4
        default: return 14;  // 7/8 (and the reserved encodings)
        }
    }

    // A character (with error bits 8..11) arrives from the line.
    void push(u32 entry) {
        if (rx_count_ >= depth()) {  // overrun: the character is lost
            rsr_ |= kDrOe >> 8;
            ris_ |= kIntOe;
            return;
        }
        rx_fifo_[(rx_head_ + rx_count_) % kFifoDepth] = entry;
        ++rx_count_;
        if (rx_count_ >= rx_trigger()) ris_ |= kIntRx;
        ris_ |= kIntRt;
    }

    void receive(const std::uint8_t* data, std::size_t length) {
        for (std::size_t i = 0; i < length; ++i) push(data[i]);
        update();
    }

    u32 read_dr() {
        if (rx_count_ == 0) return 0;
        const u32 entry = rx_fifo_[rx_head_];
        rx_head_ = (rx_head_ + 1) % kFifoDepth;
        --rx_count_;
        rsr_ = (rsr_ & (kDrOe >> 8)) | ((entry >> 8) & 0xf);
        if (rx_count_ < rx_trigger()) ris_ &= ~kIntRx;
        if (rx_count_ == 0) ris_ &= ~kIntRt;
        update();
        if (chardev_) chardev_->accept_input();
        return entry;
    }

    void write_dr(u32 value) {
        const auto byte = static_cast<std::uint8_t>(value);
        if (cr_ & kCrLbe) {
            if (cr_ & kCrRxe) push(byte);  // a disabled receiver loses it
        } else if (chardev_) {
            chardev_->write(&byte, 1);
        }
        ris_ |= kIntTx;
        update();
    }

    u64 read(unsigned offset) {
        switch (offset) {
        case kDr: return read_dr();
        case kRsr: return rsr_;
        case kFr: {
            u32 fr = kFrTxfe;
            if (rx_count_ == 0) fr |= kFrRxfe;
            if (rx_count_ >= depth()) fr |= kFrRxff;
            return fr;
        }
        case kIlpr: return ilpr_;
        case kIbrd: return ibrd_;
        case kFbrd: return fbrd_;
        case kLcrH: return lcr_h_;
        case kCr: return cr_;
        case kIfls: return ifls_;
        case kImsc: return imsc_;
        case kRis: return ris_;
        case kMis: return ris_ & imsc_;
        case kDmacr: return dmacr_;
        default: break;
        }
        if (offset >= 0xfe0 && offset < 0x1000) return kId[(offset - 0xfe0) / 4];
        return 0;
    }

    void write(unsigned offset, u32 value) {
        switch (offset) {
        case kDr: write_dr(value); return;
        case kRsr: rsr_ = 0; return;  // ECR: any write clears the error status
        case kIlpr: ilpr_ = value & 0xff; return;
        case kIbrd: ibrd_ = value & 0xffff; return;
        case kFbrd: fbrd_ = value & 0x3f; return;
        case kLcrH: {
            lcr_h_ = value & 0xff;
            // The RX depth may have changed: re-evaluate the level and offer the new room.
            if (rx_count_ >= rx_trigger()) ris_ |= kIntRx; else ris_ &= ~kIntRx;
            update();
            if (chardev_ && room()) chardev_->accept_input();
            return;
        }
        case kCr: cr_ = value & 0xff87; return;
        case kIfls: ifls_ = value & 0x3f; return;
        case kImsc: imsc_ = value & kIntAll; update(); return;
        case kIcr: ris_ &= ~value; update(); return;
        case kDmacr: dmacr_ = value & 7; return;
        default: return;  // read-only or reserved
        }
    }

    void update() {
        const bool level = (ris_ & imsc_) != 0;
        if (level == irq_level_) return;
        irq_level_ = level;
        irq_[0].set(level);
    }

    emu::CharBackend* chardev_ = nullptr;
    bool attached_ = false;

    std::array<u32, kFifoDepth> rx_fifo_{};
    unsigned rx_head_ = 0, rx_count_ = 0;
    u32 rsr_ = 0, ilpr_ = 0, ibrd_ = 0, fbrd_ = 0, lcr_h_ = 0, cr_ = 0x300, ifls_ = 0x12;
    u32 imsc_ = 0, ris_ = 0, dmacr_ = 0;

    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    bool irq_level_ = false;
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "pl011",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Char,
               .description = "ARM PrimeCell UART (PL011)",
               .factory = emu::factory_of<Pl011>(),
               .class_init = emu::class_init_of<Pl011>(&Pl011::class_init)});
}

}  // namespace

EMU_PLUGIN(pl011, "1.0.0", "ARM PrimeCell PL011 UART", "MIT", register_types);
