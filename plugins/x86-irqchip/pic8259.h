// One Intel 8259A programmable interrupt controller (datasheet: ICW1-4, OCW1-3), with the
// PIIX/ICH edge/level control register (ELCR) beside it. Two of them, cascaded on the
// master's IRQ 2, are the PC's legacy interrupt controller. Plain state: the owner serializes
// (x86-irqchip keeps it under the big lock).
//
// Modelled: the initialization sequence (ICW1 resets, ICW2 vector base, ICW3 when cascaded,
// ICW4 when ICW1 asks: auto-EOI, special fully nested), the mask (OCW1), EOI specific and
// non-specific with and without rotation, set priority, rotate in auto-EOI (OCW2), read
// IRR/ISR, poll and special mask mode (OCW3); edge inputs latch IRR on a rising edge (and keep
// it until acknowledged), level inputs (ELCR bit set) follow the line.
// Not modelled: buffered mode, 8080 mode, the LTIM bit of ICW1 (the ELCR decides).
#pragma once

#include <cstdint>

namespace emu::x86irq {

class Pic8259 {
public:
    explicit Pic8259(bool master) : master_(master), elcr_mask_(master ? 0xF8 : 0xDE) {}

    // Power-on: everything clear, not initialized (vector base 0), ELCR edge.
    void reset();
    // An input line (0-7) changed.
    void set_irq(unsigned irq, bool level);
    // The IRQ this chip asks the CPU (or the master) for, or -1: the highest-priority
    // unmasked request above everything in service.
    int pending() const;
    // Interrupt acknowledge of irq (pending() returned it): IRR to ISR (or auto-EOI).
    void acknowledge(unsigned irq);
    std::uint8_t vector_base() const { return icw2_; }

    // Ports: offset 0 (command/status), 1 (data/mask).
    std::uint8_t read(unsigned offset);
    void write(unsigned offset, std::uint8_t value);
    std::uint8_t elcr() const { return elcr_; }
    void set_elcr(std::uint8_t value) { elcr_ = value & elcr_mask_; }

    // For tests and the monitor.
    std::uint8_t irr() const { return irr_; }
    std::uint8_t isr() const { return isr_; }
    std::uint8_t imr() const { return imr_; }

private:
    // Priority (0 highest .. 7) of the highest-priority bit set in mask, 8 if none.
    unsigned priority(std::uint8_t mask) const;
    void end_of_interrupt(std::uint8_t value);

    bool master_;
    std::uint8_t elcr_mask_;  // IRQs that may be level-triggered (not 0-2 on the master, 8, 13)
    std::uint8_t irr_ = 0, isr_ = 0, imr_ = 0, elcr_ = 0;
    std::uint8_t lines_ = 0;       // the current input levels (edge detection, level mode)
    std::uint8_t icw2_ = 0;        // vector base
    std::uint8_t lowest_ = 7;      // the IRQ with the lowest priority (rotation)
    unsigned init_step_ = 0;       // 0: initialized; 2/3/4: ICW2/3/4 expected next
    bool need_icw4_ = false, single_ = false;
    bool auto_eoi_ = false, rotate_on_auto_eoi_ = false, special_fully_nested_ = false;
    bool read_isr_ = false, poll_ = false, special_mask_ = false;
};

}  // namespace emu::x86irq
