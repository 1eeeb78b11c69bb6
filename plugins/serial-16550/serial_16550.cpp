// 16550A UART on the ISA bus, as the PC's COM ports.
//
// Type "isa-serial" (user-creatable: -device isa-serial,chardev=c0). Properties:
//   index     0..3: which standard COM port (default 0). Picks iobase and irq when they are
//             not given: COM1 0x3f8/4, COM2 0x2f8/3, COM3 0x3e8/4, COM4 0x2e8/3.
//   iobase    first of its 8 I/O ports (default 0x3f8, i.e. that of index)
//   irq       ISA IRQ number the board connects the interrupt to (default 4, i.e. that of index).
//             After realize both read back the values in effect.
//   chardev   character back end (unset: output discarded, nothing received)
//
// Wiring, for boards (which create it by type name, set index/chardev, realize, then read
// iobase and irq back):
//   mmio(0)            8 I/O ports (RBR/THR/DLL, IER/DLM, IIR/FCR, LCR, MCR, LSR, MSR, SCR);
//                      1-byte accesses, wider ones are split into consecutive ports
//   gpio_out("", 0)    INTR, a level (high while IIR reports an interrupt); connect it to ISA
//                      IRQ `irq`
// A device created with -device (under /machine/peripheral*) plugs itself in instead: it maps
// mmio(0) at iobase in the I/O space of the machine's ISA bus (the first object of the tree
// that is or implements "isa-bus": a Device whose mmio(0) is the I/O-port container and whose
// gpio_in("", n) is ISA IRQ n) and connects its interrupt to gpio_in("", irq). Without index
// or iobase it takes the first standard COM port whose ports are free. Realize fails when the
// machine has no ISA bus or the ports are taken.
//
// Model: the 16550A register set with the divisor latch behind LCR.DLAB, scratch register,
// 16-byte FIFOs (FCR enables them; toggling FCR0 clears both; trigger levels 1/4/8/14; IIR bits
// 7:6 read 11 with the FIFOs on) and the four interrupt sources in their priority order: line
// status (overrun; cleared by reading LSR), received data (level at/over the trigger, or any
// character without FIFOs) and character timeout (data below the trigger and no FIFO activity
// for four character times at the programmed speed, on the virtual clock; cleared by reading
// RBR), transmitter holding register empty (set whenever THR empties and when IER.ETBEI is
// turned on with THR empty; cleared by writing THR or by reading IIR when it is the source
// reported), modem status (a delta bit in MSR; cleared by reading MSR).
// Transmission is instantaneous: a THR write goes to the back end at once, so THR and the TX
// FIFO always read empty (LSR.THRE and TEMT set). Reception takes at most the free room of the
// RX FIFO (one character without FIFOs) from the back end; reading RBR, enabling/clearing the
// FIFOs, leaving loopback and reset call accept_input() so the back end resumes. Loopback
// (MCR.LOOP) feeds transmitted characters to the receiver (a full FIFO overruns) and the modem
// inputs from MCR (CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2), and holds the back end's input. Outside
// loopback the modem inputs read DCD, DSR and CTS asserted. As in QEMU, OUT2 does not gate the
// interrupt. Not modelled: parity/framing errors and breaks (the back end delivers bytes), DMA
// mode signals. It must be realized under a machine (the timeout runs on its event loop).
#include <emu/chardev.h>
#include <emu/device.h>
#include <emu/isa.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr unsigned kFifoDepth = 16;
constexpr unsigned kPorts = 8;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kBaudBase = 115200;  // 1.8432 MHz / 16

constexpr std::array<u32, 4> kComBase = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
constexpr std::array<u32, 4> kComIrq = {4, 3, 4, 3};

// Register offsets.
enum : unsigned { kRbr = 0, kIer = 1, kIir = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7 };
// IER.
constexpr u8 kIerRdi = 0x01, kIerThri = 0x02, kIerRlsi = 0x04, kIerMsi = 0x08;
// IIR.
constexpr u8 kIirNoInt = 0x01, kIirMsi = 0x00, kIirThri = 0x02, kIirRdi = 0x04, kIirRlsi = 0x06,
             kIirCti = 0x0c, kIirFifo = 0xc0;
// FCR.
constexpr u8 kFcrEnable = 0x01, kFcrClearRx = 0x02;
// LCR.
constexpr u8 kLcrParity = 0x08, kLcrStop2 = 0x04, kLcrDlab = 0x80;
// MCR.
constexpr u8 kMcrDtr = 0x01, kMcrRts = 0x02, kMcrOut1 = 0x04, kMcrOut2 = 0x08, kMcrLoop = 0x10;
// LSR.
constexpr u8 kLsrDr = 0x01, kLsrOe = 0x02, kLsrErrors = 0x1e, kLsrThre = 0x20, kLsrTemt = 0x40;
// MSR.
constexpr u8 kMsrDcts = 0x01, kMsrDdsr = 0x02, kMsrTeri = 0x04, kMsrDdcd = 0x08, kMsrDeltas = 0x0f,
             kMsrCts = 0x10, kMsrDsr = 0x20, kMsrRi = 0x40, kMsrDcd = 0x80;

std::string hex(u64 value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
    return buffer;
}

class IsaSerial final : public emu::Device {
public:
    IsaSerial() {
        ports_ = emu::MemoryRegion::mmio(
            "serial", kPorts,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u8>(value));
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        init_mmio(*ports_);
        init_gpio_out("", &irq_);
    }

    static void class_init(emu::ClassBuilder<IsaSerial>& c) {
        c.set_bus("isa");
        track(c.integer("index", &IsaSerial::index_, 0u, "standard COM port 0..3: COM1 0x3f8/4, COM2 "
                                                        "0x2f8/3, COM3 0x3e8/4, COM4 0x2e8/3")
                  .range(0, 3)
                  .property(),
              &IsaSerial::index_given_);
        auto& iobase = c.integer("iobase", &IsaSerial::iobase_, kComBase[0],
                                 "first of the 8 I/O ports; follows index unless given")
                           .range(0, 0x10000 - kPorts)
                           .property();
        iobase.default_value = hex(kComBase[0]);
        iobase.print = [](const emu::Object& o) { return hex(dynamic_cast<const IsaSerial&>(o).iobase_); };
        track(iobase, &IsaSerial::iobase_given_);
        track(c.integer("irq", &IsaSerial::irq_number_, kComIrq[0],
                        "ISA IRQ of the interrupt line; follows index unless given")
                  .range(0, 15)
                  .property(),
              &IsaSerial::irq_given_);
        c.backend("chardev", &IsaSerial::chardev_, "chardev", "character back end (unset: output discarded)");
    }

    void reset() override {
        reset_state();
        update_irq();
        if (chardev_ && attached_) chardev_->accept_input();
    }

protected:
    void instance_init() override {
        // The defaults were just applied through the parsers; from now on a parse is the user's.
        index_given_ = iobase_given_ = irq_given_ = false;
    }

    void do_realize() override {
        emu::Machine* m = machine();
        if (!m) throw emu::Error(display_name() + ": needs a machine (it runs on the machine's event loop)");

        emu::Device* bus = nullptr;
        if (emu::created_with_device_option(*this)) {
            bus = emu::find_isa_bus(*m);
            if (!bus) throw emu::Error("this machine has no ISA bus");
        }
        unsigned index = index_;
        if (bus && !index_given_ && !iobase_given_) {  // the first free standard COM port
            index = kComBase.size();
            for (unsigned i = 0; i < kComBase.size() && index == kComBase.size(); ++i)
                if (!emu::isa_port_user(bus->mmio(0), kComBase[i], kPorts)) index = i;
            if (index == kComBase.size())
                throw emu::Error("the four standard COM ports are all in use (give iobase and irq)");
        }
        const u32 iobase = iobase_given_ ? iobase_ : kComBase[index];
        const u32 irq = irq_given_ ? irq_number_ : kComIrq[index];
        if (bus) {
            if (const emu::MemoryRegion* user = emu::isa_port_user(bus->mmio(0), iobase, kPorts))
                throw emu::Error("I/O ports " + hex(iobase) + "-" + hex(iobase + kPorts - 1) +
                                 " are already in use by '" + user->name() + "'");
        }

        if (chardev_ && !attached_) {
            chardev_->attach(*this, {.can_receive = [this] { return room(); },
                                     .receive = [this](const u8* data, std::size_t length) {
                                         receive(data, length);
                                     }});
            attached_ = true;
        }
        index_ = index;
        iobase_ = iobase;
        irq_number_ = irq;
        loop_ = &m->loop();
        timeout_timer_ = std::make_unique<emu::Timer>(*loop_, emu::ClockType::Virtual, [this] { timeout(); });
        reset_state();
        if (bus) {
            bus->mmio(0).add_subregion(iobase_, *ports_);
            connect_gpio_out("", 0, bus->gpio_in("", irq_number_));
            plugged_ = bus;
        }
        update_irq();
    }

    void do_unrealize() override {
        if (plugged_) {
            plugged_->mmio(0).remove_subregion(*ports_);
            connect_gpio_out("", 0, emu::IrqLine());
            plugged_ = nullptr;
        }
        timeout_timer_.reset();
    }

private:
    // Wrap a property's parser so that setting it (after the defaults) records that it was given.
    static void track(emu::Property& property, bool IsaSerial::*given) {
        auto parse = property.parse;
        property.parse = [parse, given](emu::Object& o, std::string_view text) {
            parse(o, text);
            dynamic_cast<IsaSerial&>(o).*given = true;
        };
    }

    void reset_state() {
        ier_ = lcr_ = mcr_ = scr_ = fcr_ = 0;
        dll_ = dlm_ = 0;
        lsr_ = kLsrThre | kLsrTemt;
        msr_ = modem_inputs();
        rx_head_ = rx_count_ = 0;
        rbr_ = 0;
        thr_pending_ = timeout_pending_ = false;
        if (timeout_timer_) timeout_timer_->cancel();
    }

    bool fifo() const { return fcr_ & kFcrEnable; }
    bool loopback() const { return mcr_ & kMcrLoop; }
    unsigned depth() const { return fifo() ? kFifoDepth : 1; }
    unsigned trigger() const {
        static constexpr std::array<unsigned, 4> levels = {1, 4, 8, 14};
        return fifo() ? levels[fcr_ >> 6] : 1;
    }
    // Characters the back end may deliver now (none in loopback: the receiver listens to THR).
    std::size_t room() const { return loopback() || rx_count_ >= depth() ? 0 : depth() - rx_count_; }

    // Four character times at the programmed speed and frame format.
    emu::ClockNs timeout_ns() const {
        const unsigned divisor = (dlm_ << 8 | dll_) ? (dlm_ << 8 | dll_) : 1;
        const unsigned bits = 1 + (5 + (lcr_ & 3)) + ((lcr_ & kLcrParity) ? 1 : 0) + ((lcr_ & kLcrStop2) ? 2 : 1);
        return 4 * static_cast<emu::ClockNs>(bits) * kNsPerSecond * divisor / kBaudBase;
    }

    // A character arrives at the receiver (from the back end or, in loopback, from THR).
    void push(u8 byte) {
        if (rx_count_ >= depth()) {
            // Overrun: without FIFOs the holding register is overwritten; with them the character
            // in the shift register is lost.
            lsr_ |= kLsrOe;
            if (!fifo()) rx_fifo_[rx_head_] = byte;
            return;
        }
        rx_fifo_[(rx_head_ + rx_count_) % kFifoDepth] = byte;
        ++rx_count_;
        lsr_ |= kLsrDr;
    }

    // Characters arrived: restart the character timeout.
    void rx_activity() {
        timeout_pending_ = false;
        if (fifo() && rx_count_ > 0) timeout_timer_->arm_in(timeout_ns());
        else timeout_timer_->cancel();
    }

    void timeout() {
        if (fifo() && rx_count_ > 0) timeout_pending_ = true;
        update_irq();
    }

    void receive(const u8* data, std::size_t length) {
        for (std::size_t i = 0; i < length; ++i) push(data[i]);
        rx_activity();
        update_irq();
    }

    u8 read_rbr() {
        if (rx_count_ > 0) {
            rbr_ = rx_fifo_[rx_head_];
            rx_head_ = (rx_head_ + 1) % kFifoDepth;
            --rx_count_;
        }
        if (rx_count_ == 0) lsr_ &= static_cast<u8>(~kLsrDr);
        rx_activity();
        update_irq();
        if (chardev_ && room()) chardev_->accept_input();
        return rbr_;
    }

    void write_thr(u8 byte) {
        // THR fills (clearing the THRE interrupt) and drains at once, which sets it again: the
        // line drops and rises, an edge for the PC's edge-triggered interrupt controller.
        thr_pending_ = false;
        update_irq();
        if (loopback()) {
            push(byte);
            rx_activity();
        } else if (chardev_) {
            chardev_->write(&byte, 1);
        }
        lsr_ |= kLsrThre | kLsrTemt;
        thr_pending_ = true;
        update_irq();
    }

    void write_fcr(u8 value) {
        // Toggling FCR0 clears the FIFOs; the other bits count only when FCR0 is written as 1.
        // The TX FIFO is always empty (transmission is instantaneous): clearing it does nothing.
        const bool toggled = (value ^ fcr_) & kFcrEnable;
        if (toggled || ((value & kFcrEnable) && (value & kFcrClearRx))) clear_rx();
        fcr_ = (value & kFcrEnable) ? value & 0xc9 : 0;  // enable, DMA mode, trigger level
        rx_activity();
        update_irq();
        if (chardev_ && room()) chardev_->accept_input();
    }

    void clear_rx() {
        rx_head_ = rx_count_ = 0;
        lsr_ &= static_cast<u8>(~kLsrDr);
        timeout_pending_ = false;
    }

    // MSR bits 7..4 as the modem inputs are now.
    u8 modem_inputs() const {
        if (!loopback()) return kMsrDcd | kMsrDsr | kMsrCts;
        u8 in = 0;
        if (mcr_ & kMcrRts) in |= kMsrCts;
        if (mcr_ & kMcrDtr) in |= kMsrDsr;
        if (mcr_ & kMcrOut1) in |= kMsrRi;
        if (mcr_ & kMcrOut2) in |= kMsrDcd;
        return in;
    }

    void write_mcr(u8 value) {
        const bool was_loopback = loopback();
        mcr_ = value & 0x1f;
        const u8 old_in = msr_ & 0xf0, in = modem_inputs();
        const u8 changed = old_in ^ in;
        u8 deltas = 0;
        if (changed & kMsrCts) deltas |= kMsrDcts;
        if (changed & kMsrDsr) deltas |= kMsrDdsr;
        if ((old_in & kMsrRi) && !(in & kMsrRi)) deltas |= kMsrTeri;  // trailing edge of RI
        if (changed & kMsrDcd) deltas |= kMsrDdcd;
        msr_ = static_cast<u8>(in | (msr_ & kMsrDeltas) | deltas);
        update_irq();
        if (was_loopback && !loopback() && chardev_ && room()) chardev_->accept_input();
    }

    void write_ier(u8 value) {
        const u8 changed = (ier_ ^ value) & 0x0f;
        ier_ = value & 0x0f;
        // Enabling the THRE interrupt with THR empty raises it (Linux's 8250 driver relies on it).
        if (changed & kIerThri) thr_pending_ = (ier_ & kIerThri) && (lsr_ & kLsrThre);
        update_irq();
    }

    // The highest-priority pending interrupt, as IIR bits 3..0.
    u8 pending() const {
        if ((ier_ & kIerRlsi) && (lsr_ & kLsrErrors)) return kIirRlsi;
        if ((ier_ & kIerRdi) && timeout_pending_) return kIirCti;
        if ((ier_ & kIerRdi) && (lsr_ & kLsrDr) && rx_count_ >= trigger()) return kIirRdi;
        if ((ier_ & kIerThri) && thr_pending_) return kIirThri;
        if ((ier_ & kIerMsi) && (msr_ & kMsrDeltas)) return kIirMsi;
        return kIirNoInt;
    }

    u64 read(unsigned offset) {
        const bool dlab = lcr_ & kLcrDlab;
        switch (offset) {
        case kRbr: return dlab ? dll_ : read_rbr();
        case kIer: return dlab ? dlm_ : ier_;
        case kIir: {
            const u8 id = pending();
            if (id == kIirThri) {  // reading IIR acknowledges the THRE interrupt
                thr_pending_ = false;
                update_irq();
            }
            return static_cast<u8>(id | (fifo() ? kIirFifo : 0));
        }
        case kLcr: return lcr_;
        case kMcr: return mcr_;
        case kLsr: {
            const u8 value = lsr_;
            lsr_ &= static_cast<u8>(~kLsrErrors);  // reading LSR clears the error bits
            if (value & kLsrErrors) update_irq();
            return value;
        }
        case kMsr: {
            const u8 value = msr_;
            msr_ &= static_cast<u8>(~kMsrDeltas);
            if (value & kMsrDeltas) update_irq();
            return value;
        }
        case kScr: return scr_;
        default: return 0xff;
        }
    }

    void write(unsigned offset, u8 value) {
        const bool dlab = lcr_ & kLcrDlab;
        switch (offset) {
        case kRbr:
            if (dlab) dll_ = value;
            else write_thr(value);
            return;
        case kIer:
            if (dlab) dlm_ = value;
            else write_ier(value);
            return;
        case kIir: write_fcr(value); return;
        case kLcr: lcr_ = value; return;
        case kMcr: write_mcr(value); return;
        case kScr: scr_ = value; return;
        default: return;  // LSR and MSR are read-only
        }
    }

    void update_irq() {
        const bool level = pending() != kIirNoInt;
        if (level == irq_level_) return;
        irq_level_ = level;
        irq_[0].set(level);
    }

    u32 index_ = 0, iobase_ = kComBase[0], irq_number_ = kComIrq[0];
    bool index_given_ = false, iobase_given_ = false, irq_given_ = false;
    emu::CharBackend* chardev_ = nullptr;
    bool attached_ = false;
    emu::Device* plugged_ = nullptr;  // the ISA bus it mapped itself on (-device), if any

    emu::EventLoop* loop_ = nullptr;
    std::unique_ptr<emu::Timer> timeout_timer_;

    u8 ier_ = 0, lcr_ = 0, mcr_ = 0, lsr_ = kLsrThre | kLsrTemt, msr_ = kMsrDcd | kMsrDsr | kMsrCts, scr_ = 0;
    u8 fcr_ = 0, dll_ = 0, dlm_ = 0, rbr_ = 0;
    std::array<u8, kFifoDepth> rx_fifo_{};
    unsigned rx_head_ = 0, rx_count_ = 0;
    bool thr_pending_ = false, timeout_pending_ = false;

    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    bool irq_level_ = false;
    std::unique_ptr<emu::MemoryRegion> ports_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "isa-serial",
               .parent = "device",
               .user_creatable = true,
               .category = emu::Category::Char,
               .description = "16550A UART (PC COM port)",
               .factory = emu::factory_of<IsaSerial>(),
               .class_init = emu::class_init_of<IsaSerial>(&IsaSerial::class_init)});
}

}  // namespace

EMU_PLUGIN(serial_16550, "1.0.0", "16550A UART on the ISA bus (isa-serial)", "MIT", register_types);
