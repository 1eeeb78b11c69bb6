// The PC's 8254 programmable interval timer and the port 0x61 bits that belong to it.
//
// Type "isa-pit"; created by boards only (with a software CPU: kvm has its own PIT), under a
// machine (the counters run on its event loop's virtual clock, 1.193182 MHz). No properties.
//
// Wiring, for boards:
//   mmio(0)          4 I/O ports, map at 0x40: counters 0-2 and the control word (0x43)
//   mmio(1)          1 I/O port, map at 0x61 (NMI status and control / port B): bit 0 the gate of
//                    counter 2 (read/write), bit 1 speaker data enable (stored), bit 4 the
//                    refresh request toggle (flips every 15.085 us), bit 5 counter 2's OUT (the
//                    PIT's own loop-back SeaBIOS and Linux calibrate the TSC with); bits 2-3 are
//                    stored, 6-7 (NMI sources) read 0
//   gpio_out("", 0)  counter 0's OUT: connect to ISA IRQ 0 (GSI 0). It follows OUT (mode 2: a
//                    one-tick low pulse each period, whose rising edge the 8259 latches; mode 3:
//                    a square wave), driven from an emu::Timer at each change.
// Counter 1 (DRAM refresh on old PCs) counts but drives nothing.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "pit_counter.h"

namespace emu::pit {
namespace {

using u8 = std::uint8_t;
using u64 = std::uint64_t;

constexpr Ns kRefreshPeriodNs = 15085;

class IsaPit final : public Device {
public:
    IsaPit() {
        ports_ = MemoryRegion::mmio(
            "pit", 4,
            {.read = [this](Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](Addr offset, u64 value, unsigned) { write(static_cast<unsigned>(offset), static_cast<u8>(value)); },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        port61_ = MemoryRegion::mmio(
            "port61", 1,
            {.read = [this](Addr, unsigned) -> u64 { return read_port61(); },
             .write = [this](Addr, u64 value, unsigned) { write_port61(static_cast<u8>(value)); },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        init_mmio(*ports_);
        init_mmio(*port61_);
        init_gpio_out("", &irq_);
    }

    void reset() override {
        port61_bits_ = 0;
        for (unsigned i = 0; i < 3; ++i) counters_[i].reset(i != 2, now());
        update_irq();
    }

protected:
    void do_realize() override {
        Machine* m = machine();
        if (!m) throw Error("isa-pit: needs a machine (it runs on the machine's event loop)");
        loop_ = &m->loop();
        timer_ = std::make_unique<Timer>(*loop_, ClockType::Virtual, [this] { update_irq(); });
        reset();
    }
    void do_unrealize() override { timer_.reset(); }

private:
    Ns now() const { return loop_ ? loop_->now(ClockType::Virtual) : 0; }

    u8 read(unsigned port) {
        if (port == 3) return 0xFF;  // the control word is write-only
        return counters_[port].read(now());
    }

    void write(unsigned port, u8 value) {
        const Ns t = now();
        if (port < 3) {
            counters_[port].write(value, t);
        } else if ((value >> 6) == 3) {
            // Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 select.
            for (unsigned i = 0; i < 3; ++i) {
                if (!(value & (2u << i))) continue;
                if (!(value & 0x20)) counters_[i].latch_count(t);
                if (!(value & 0x10)) counters_[i].latch_status(t);
            }
        } else {
            counters_[value >> 6].control(value, t);
        }
        update_irq();
    }

    u64 read_port61() const {
        const Ns t = now();
        const bool refresh = (t / kRefreshPeriodNs) & 1;
        return (port61_bits_ & 0x0F) | (refresh ? 0x10 : 0) | (counters_[2].out(t) ? 0x20 : 0);
    }

    void write_port61(u8 value) {
        port61_bits_ = value & 0x0F;
        counters_[2].set_gate(value & 1, now());
    }

    // Drive IRQ 0 from counter 0's OUT and wake up at its next change.
    void update_irq() {
        if (!timer_) return;
        const Ns t = now();
        const PitCounter& c = counters_[0];
        const bool out = c.out(t);
        const std::uint64_t edges = c.rising_edges(t);
        if (c.load_serial() != edges_serial_) {
            edges_serial_ = c.load_serial();
            edges_seen_ = 0;
        }
        if (edges != edges_seen_) {
            // At least one period ended since the last look (the timer fires late, and mode 2's
            // low pulse lasts one tick): the 8259 latches the rising edge.
            edges_seen_ = edges;
            if (irq_level_) irq_[0].set(false);
            irq_[0].set(true);
            irq_level_ = true;
        }
        if (out != irq_level_) {
            irq_level_ = out;
            irq_[0].set(out);
        }
        const Ns next = counters_[0].next_change(t);
        if (next < 0) timer_->cancel();
        else timer_->arm(next);
    }

    std::array<PitCounter, 3> counters_;
    u8 port61_bits_ = 0;
    bool irq_level_ = false;
    std::uint64_t edges_serial_ = 0, edges_seen_ = 0;  // counter 0's rising edges already signalled
    EventLoop* loop_ = nullptr;
    std::unique_ptr<Timer> timer_;
    std::vector<IrqLine> irq_ = std::vector<IrqLine>(1);
    std::unique_ptr<MemoryRegion> ports_, port61_;
};

void register_types(TypeBatch& types) {
    types.add({.name = "isa-pit",
               .parent = "device",
               .user_creatable = false,
               .category = Category::Misc,
               .description = "Intel 8254 programmable interval timer with port 0x61",
               .factory = factory_of<IsaPit>(),
               .class_init = {}});
}

}  // namespace
}  // namespace emu::pit

EMU_PLUGIN(i8254, "1.0.0", "Intel 8254 PIT and port 0x61 (isa-pit)", "MIT", emu::pit::register_types);
