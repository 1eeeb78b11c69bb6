// x86 boards and what x86 accelerators offer them.
//
// Port I/O. An x86 board derives from X86Machine and provides, besides system_memory(), the
// 64 KiB port I/O space that in/out instructions reach. The accelerator finds it by casting the
// machine (dynamic_cast<X86Machine*>) and dispatches every port access there, as a 1-, 2- or
// 4-byte access at the port number; a port nothing answers reads as all ones.
//
// CPUs. The board creates its CPUs by type name (every x86 CPU model is-a "x86-cpu"; with kvm:
// "host" or "qemu64"), numbers them with Cpu::set_index (0..smp-1; index 0 is the bootstrap
// processor, and the index is also the APIC id), realizes them and hands them to the
// accelerator with add_cpu. The others (application processors) wait, as on a PC, for
// INIT/SIPI from the bootstrap processor's local APIC.
//
// Boot state (Cpu::set_boot_state). Without one, every reset starts the CPU as hardware does:
// real mode, CS:IP = F000:FFF0 with CS base 0xFFFF0000 (the firmware's reset vector). With one,
// the CPU starts at entry, in the mode named by its "boot-mode" property:
//   flat32 (default)  32-bit protected mode, paging off: flat 4 GiB code segment (selector
//                     0x10) and data segments (0x18), TR a 32-bit TSS, CR0 = PE|ET, EFLAGS = 0x2,
//                     interrupts off, EIP = entry. The state PVH and multiboot kernels enter in.
//   real              real mode: CS base = entry & ~0xFFFF, CS = (entry >> 4) & 0xF000,
//                     IP = entry & 0xFFFF; the other segments 0; CR0 = ET.
// args[i] go to the general registers in their encoding order: EAX, ECX, EDX, EBX, ESP, EBP,
// ESI, EDI (the rest are 0). So: PVH {0, 0, 0, start_info}; multiboot {0x2BADB002, 0, 0, info};
// Linux's 32-bit boot protocol {0, 0, 0, 0, 0, 0, boot_params}. An application processor with
// a boot state starts running at it instead of waiting for INIT/SIPI.
//
// Interrupts. An accelerator that emulates the PC's interrupt controllers (kvm's in-kernel
// 8259 pair, IOAPIC and local APICs) implements X86InterruptController; the board finds it with
// dynamic_cast<X86InterruptController*>(accelerator()) and connects device interrupt outputs to
// its GSI lines (dev.connect_gpio_out("irq", 0, ic->gsi(4))).
//
// With a software CPU (-accel tcg) the accelerator has no interrupt controller: the board
// creates the device "x86-irqchip" (the 8259 pair and the IOAPIC) instead, which implements
// both X86InterruptController and X86ApicBus, and "isa-pit" (the 8254 and port 0x61). Each
// software CPU carries its own local APIC and implements X86LocalApic; the board attaches every
// CPU to the bus (bus.attach(apic)) before the machine starts. The bus carries the messages a
// real APIC bus does (IOAPIC redirections, MSIs, IPIs) and the 8259's INTR output, which
// reaches the CPUs' LINT0 pins (a local APIC in its reset state passes it through as ExtINT).
#pragma once

#include <cstdint>
#include <optional>

#include "emu/irq.h"
#include "emu/machine.h"

namespace emu {

class AddressSpace;
class X86ApicBus;
class MemoryRegion;

class X86Machine : public Machine {
public:
    // The port I/O space (ports 0..0xFFFF); null if the board has none (every port reads as
    // all ones and ignores writes).
    virtual AddressSpace* io_space() = 0;
};

class X86InterruptController {
public:
    static constexpr unsigned kIsaIrqs = 16;
    static constexpr unsigned kIoapicPins = 24;
    static constexpr std::uint64_t kMsiBase = 0xFEE00000;  // where MSI writes go
    static constexpr std::uint64_t kMsiSize = 0x100000;

    virtual ~X86InterruptController() = default;

    // Global system interrupt n (0..gsi_count()-1) as a line devices drive (set(level); an
    // edge-triggered ISA device pulses it). As on QEMU's PC: GSI 0-15 are the ISA IRQs, which
    // reach the 8259s (IRQ 2 is the cascade) and the IOAPIC pins of the same number, except
    // IRQ 0 (the PIT) which is IOAPIC pin 2 (the interrupt source override PC firmware
    // declares); GSI 16-23 are IOAPIC pins only (PCI INTx: PIRQ A-D are usually 16-19).
    // Thread-safe. Throws Error if n is out of range or there is no interrupt controller.
    virtual IrqLine gsi(unsigned n) = 0;
    virtual unsigned gsi_count() const = 0;

    // Deliver a message-signalled interrupt (address 0xFEExxxxx, data: vector and mode), as a
    // device's write of data to address would. Thread-safe.
    virtual void send_msi(std::uint64_t address, std::uint32_t data) = 0;

    // A 1 MiB region for the board to map at kMsiBase in system memory: a device write there
    // (PCI MSI and MSI-X are DMA writes) becomes send_msi. The CPUs' own accesses to that range
    // reach their local APICs first. Owned by the accelerator.
    virtual MemoryRegion& msi_window() = 0;
};

// One interrupt message on the APIC bus (Intel SDM vol. 3, 10.6 and 10.11: the ICR, IOAPIC
// redirection entries and MSI address/data encode the same fields).
struct X86ApicMessage {
    enum class Delivery : std::uint8_t { Fixed = 0, LowestPriority = 1, Smi = 2, Nmi = 4, Init = 5, StartUp = 6, ExtInt = 7 };
    enum class Shorthand : std::uint8_t { None = 0, Self = 1, AllIncludingSelf = 2, AllExcludingSelf = 3 };
    std::uint8_t vector = 0;
    Delivery delivery = Delivery::Fixed;
    bool logical = false;        // destination mode: logical (MDA against LDR/DFR) or physical id
    bool level_triggered = false;
    bool assert_level = true;    // INIT level de-assert (level=0, trigger=level) is ignored by P6+
    std::uint32_t destination = 0;  // 8-bit APIC id or logical mask (0xFF: broadcast)
    Shorthand shorthand = Shorthand::None;
    int source_apic = -1;        // the sending APIC's id for IPIs (shorthands), -1 otherwise
};

// A software CPU's local APIC, as the APIC bus sees it. Thread-safe: called from device and
// other vCPU threads.
class X86LocalApic {
public:
    virtual ~X86LocalApic() = default;
    virtual std::uint32_t apic_id() const = 0;
    // Accept a message addressed to this APIC (the bus has already matched the destination
    // with matches()). Fixed/LowestPriority set IRR (level: also TMR); NMI/INIT/SIPI/ExtINT
    // as the SDM says.
    virtual void deliver(const X86ApicMessage& message) = 0;
    // Does a message with this destination (mode, id/mask) select this APIC?
    virtual bool matches(bool logical, std::uint32_t destination) const = 0;
    // Arbitration priority for lowest-priority delivery (smaller wins).
    virtual unsigned arbitration_priority() const = 0;
    // Local interrupt pins LINT0/LINT1 (pin 0, 1), programmed through the LVT. The 8259's INTR
    // output drives LINT0 of every CPU.
    virtual void set_lint(unsigned pin, bool level) = 0;
    // The board tells each APIC the bus it sends IPIs and ExtINT acknowledges over (after
    // bus.attach(apic)).
    virtual void connect_bus(X86ApicBus& bus) { (void)bus; }
};

// The APIC bus of a machine with software CPUs (implemented by "x86-irqchip").
class X86ApicBus {
public:
    virtual ~X86ApicBus() = default;
    virtual void attach(X86LocalApic& apic) = 0;
    // An IPI from a local APIC's ICR (its source_apic set): delivered to every APIC the
    // destination or shorthand selects (lowest priority: to one of them).
    virtual void send(const X86ApicMessage& message) = 0;
    // Interrupt acknowledge cycle of an ExtINT: the 8259's vector (its spurious vector if
    // nothing is pending any more).
    virtual std::uint8_t pic_acknowledge() = 0;
    // A local APIC's EOI of a level-triggered vector: the IOAPIC clears Remote IRR of the
    // entries with this vector (and re-delivers if the line is still asserted).
    virtual void end_of_interrupt(std::uint8_t vector) = 0;
};

}  // namespace emu
