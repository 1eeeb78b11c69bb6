// The PC's interrupt controllers for software CPUs (-accel tcg): the cascaded 8259A pair with
// its ELCR, the I/O APIC, the MSI window and the APIC bus between them and the CPUs' local
// APICs. With kvm, the kernel's irqchip does all this (plugins/kvm).
//
// Type "x86-irqchip"; created by boards only (x86.h), under a machine. It implements
// X86InterruptController (gsi(n), send_msi, msi_window) and X86ApicBus (attach, send,
// pic_acknowledge, end_of_interrupt). No properties.
//
// Wiring, for boards:
//   mmio(0)   the master 8259: 2 I/O ports, map at 0x20
//   mmio(1)   the slave 8259: 2 I/O ports, map at 0xA0
//   mmio(2)   the ELCR: 2 I/O ports, map at 0x4D0 (master IRQs 3-7, slave IRQs 9-12, 14, 15)
//   mmio(3)   the I/O APIC: 4 KiB, map at 0xFEC00000 in system memory
//   mmio(4)   the MSI window (= msi_window()): 1 MiB, map at 0xFEE00000 in system memory
//   gpio_in("", n), gsi(n)   GSI n, 0-23, routed as x86.h says
//   attach(apic)   every CPU's local APIC, before the machine runs; the 8259's INTR drives
//                  their LINT0 pins.
//
// Locking: all state is under the big lock. Entry points that may come from threads not
// holding it (GSI lines, send_msi, pic_acknowledge from a vCPU taking an ExtINT) take it; the
// local APICs are called with it held and never call back into the bus with their own lock held.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/lock.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>
#include <emu/x86.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ioapic.h"
#include "msi.h"
#include "pic8259.h"

namespace emu::x86irq {
namespace {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

MmioOps byte_ports(std::function<u64(Addr)> read, std::function<void(Addr, u8)> write) {
    return MmioOps{.read = [read = std::move(read)](Addr offset, unsigned) { return read(offset); },
                   .write = [write = std::move(write)](Addr offset, u64 value,
                                                       unsigned) { write(offset, static_cast<u8>(value)); },
                   .valid_min = 1,
                   .valid_max = 4,
                   .impl_min = 1,
                   .impl_max = 1,
                   .unaligned = true};
}

class IrqChip final : public Device, public X86InterruptController, public X86ApicBus {
public:
    IrqChip() : ioapic_([this](const X86ApicMessage& m) { route(m); }) {
        master_ports_ = MemoryRegion::mmio(
            "pic-master", 2,
            byte_ports([this](Addr o) { return read_pic(master_, o); }, [this](Addr o, u8 v) { write_pic(master_, o, v); }));
        slave_ports_ = MemoryRegion::mmio(
            "pic-slave", 2,
            byte_ports([this](Addr o) { return read_pic(slave_, o); }, [this](Addr o, u8 v) { write_pic(slave_, o, v); }));
        elcr_ports_ = MemoryRegion::mmio(
            "elcr", 2,
            byte_ports([this](Addr o) -> u64 { return (o ? slave_ : master_).elcr(); },
                       [this](Addr o, u8 v) {
                           (o ? slave_ : master_).set_elcr(v);
                           resample();
                       }));
        ioapic_mmio_ = MemoryRegion::mmio(
            "ioapic", 0x1000,
            MmioOps{.read = [this](Addr o, unsigned) -> u64 { return ioapic_.read(o); },
                    .write = [this](Addr o, u64 v, unsigned) { ioapic_.write(o, static_cast<u32>(v)); },
                    .valid_min = 1,
                    .valid_max = 8,
                    .impl_min = 4,
                    .impl_max = 4});
        msi_ = MemoryRegion::mmio(
            "msi", kMsiSize,
            MmioOps{.read = [](Addr, unsigned) -> u64 { return 0; },
                    .write = [this](Addr o, u64 v, unsigned) { send_msi(kMsiBase + o, static_cast<u32>(v)); },
                    .valid_min = 4,
                    .valid_max = 4,
                    .impl_min = 4,
                    .impl_max = 4});
        init_mmio(*master_ports_);
        init_mmio(*slave_ports_);
        init_mmio(*elcr_ports_);
        init_mmio(*ioapic_mmio_);
        init_mmio(*msi_);
        init_gpio_in("", kIoapicPins, [this](unsigned n, bool level) { set_gsi(n, level); });
    }

    void reset() override {
        BigLockGuard big;
        master_.reset();
        slave_.reset();
        ioapic_.reset();
        gsi_levels_ = 0;
        update_intr();
    }

    // ---- X86InterruptController ----
    IrqLine gsi(unsigned n) override {
        if (n >= kIoapicPins)
            throw Error("x86-irqchip: GSI " + std::to_string(n) + " does not exist (0-" +
                        std::to_string(kIoapicPins - 1) + ")");
        return IrqLine([this, n](bool level) { set_gsi(n, level); });
    }
    unsigned gsi_count() const override { return kIoapicPins; }

    void send_msi(u64 address, u32 data) override {
        const auto message = decode_msi(address, data);
        if (!message) return;
        BigLockGuard big;
        route(*message);
    }
    MemoryRegion& msi_window() override { return *msi_; }

    // ---- X86ApicBus ----
    void attach(X86LocalApic& apic) override {
        BigLockGuard big;
        apics_.push_back(&apic);
        apic.set_lint(0, intr_);
    }

    void send(const X86ApicMessage& m) override {
        BigLockGuard big;
        route(m);
    }

    u8 pic_acknowledge() override {
        BigLockGuard big;
        u8 vector;
        const int irq = master_.pending();
        if (irq < 0) {
            vector = master_.vector_base() | 7;  // spurious IRQ 7
        } else {
            master_.acknowledge(static_cast<unsigned>(irq));
            if (irq == 2) {
                const int slave_irq = slave_.pending();
                if (slave_irq < 0) {
                    vector = slave_.vector_base() | 7;  // spurious IRQ 15
                } else {
                    slave_.acknowledge(static_cast<unsigned>(slave_irq));
                    vector = static_cast<u8>(slave_.vector_base() + slave_irq);
                }
            } else {
                vector = static_cast<u8>(master_.vector_base() + irq);
            }
        }
        update_intr();
        return vector;
    }

    void end_of_interrupt(u8 vector) override {
        BigLockGuard big;
        ioapic_.end_of_interrupt(vector);
    }

private:
    void set_gsi(unsigned n, bool level) {
        if (n >= kIoapicPins) return;
        BigLockGuard big;
        const u32 bit = 1u << n;
        gsi_levels_ = level ? gsi_levels_ | bit : gsi_levels_ & ~bit;
        if (n < kIsaIrqs && n != 2) {
            if (n < 8) master_.set_irq(n, level);
            else slave_.set_irq(n - 8, level);
            update_intr();
        }
        // The PIT's IRQ 0 is IOAPIC pin 2 (the interrupt source override PC firmware declares).
        if (n == 0 || n == 2) ioapic_.set_pin(2, gsi_levels_ & 0x5);
        else ioapic_.set_pin(n, level);
    }

    // Re-apply the input levels after an ELCR change (a level input latches what is high).
    void resample() {
        for (unsigned n = 0; n < kIsaIrqs; ++n) {
            if (n == 2) continue;
            const bool level = gsi_levels_ >> n & 1;
            (n < 8 ? master_ : slave_).set_irq(n & 7, level);
        }
        update_intr();
    }

    u64 read_pic(Pic8259& pic, Addr offset) {
        const u8 value = pic.read(static_cast<unsigned>(offset));
        update_intr();  // a poll acknowledges
        return value;
    }
    void write_pic(Pic8259& pic, Addr offset, u8 value) {
        pic.write(static_cast<unsigned>(offset), value);
        update_intr();
    }

    // The slave's INT into the master's IRQ 2, the master's INT to every LINT0.
    void update_intr() {
        master_.set_irq(2, slave_.pending() >= 0);
        const bool intr = master_.pending() >= 0;
        if (intr == intr_) return;
        intr_ = intr;
        for (X86LocalApic* apic : apics_) apic->set_lint(0, intr);
    }

    void route(const X86ApicMessage& m) {
        using S = X86ApicMessage::Shorthand;
        std::vector<X86LocalApic*> targets;
        for (X86LocalApic* apic : apics_) {
            const bool self = m.source_apic >= 0 && apic->apic_id() == static_cast<u32>(m.source_apic);
            switch (m.shorthand) {
            case S::None:
                if (apic->matches(m.logical, m.destination)) targets.push_back(apic);
                break;
            case S::Self:
                if (self) targets.push_back(apic);
                break;
            case S::AllIncludingSelf: targets.push_back(apic); break;
            case S::AllExcludingSelf:
                if (!self) targets.push_back(apic);
                break;
            }
        }
        if (targets.empty()) return;
        if (m.delivery == X86ApicMessage::Delivery::LowestPriority && targets.size() > 1) {
            // Lowest arbitration priority wins; ties go round-robin so that equal CPUs share.
            X86LocalApic* best = nullptr;
            unsigned best_priority = ~0u;
            const std::size_t n = targets.size();
            for (std::size_t i = 0; i < n; ++i) {
                X86LocalApic* apic = targets[(i + lowest_priority_rr_) % n];
                const unsigned p = apic->arbitration_priority();
                if (p < best_priority) {
                    best_priority = p;
                    best = apic;
                }
            }
            ++lowest_priority_rr_;
            best->deliver(m);
            return;
        }
        for (X86LocalApic* apic : targets) apic->deliver(m);
    }

    Pic8259 master_{true}, slave_{false};
    IoApic ioapic_;
    std::vector<X86LocalApic*> apics_;
    u32 gsi_levels_ = 0;
    bool intr_ = false;
    std::size_t lowest_priority_rr_ = 0;
    std::unique_ptr<MemoryRegion> master_ports_, slave_ports_, elcr_ports_, ioapic_mmio_, msi_;
};

void register_types(TypeBatch& types) {
    types.add({.name = "x86-irqchip",
               .parent = "device",
               .user_creatable = false,
               .category = Category::Misc,
               .description = "PC interrupt controllers for software CPUs (8259 pair, ELCR, I/O APIC, MSI)",
               .factory = factory_of<IrqChip>(),
               .class_init = {}});
}

}  // namespace
}  // namespace emu::x86irq

EMU_PLUGIN(x86_irqchip, "1.0.0", "PC interrupt controllers for software x86 CPUs (x86-irqchip)", "MIT",
           emu::x86irq::register_types);
