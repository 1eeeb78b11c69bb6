#include "pic8259.h"

namespace emu::x86irq {

using u8 = std::uint8_t;

void Pic8259::reset() {
    irr_ = isr_ = imr_ = elcr_ = lines_ = icw2_ = 0;
    lowest_ = 7;
    init_step_ = 0;
    need_icw4_ = single_ = auto_eoi_ = rotate_on_auto_eoi_ = special_fully_nested_ = false;
    read_isr_ = poll_ = special_mask_ = false;
}

void Pic8259::set_irq(unsigned irq, bool level) {
    const auto bit = static_cast<u8>(1u << irq);
    if (elcr_ & bit) {
        if (level) irr_ |= bit;
        else irr_ &= static_cast<u8>(~bit);
    } else if (level && !(lines_ & bit)) {
        irr_ |= bit;  // latched until the acknowledge
    }
    if (level) lines_ |= bit;
    else lines_ &= static_cast<u8>(~bit);
}

unsigned Pic8259::priority(u8 mask) const {
    for (unsigned p = 0; p < 8; ++p)
        if (mask & (1u << ((lowest_ + 1 + p) & 7))) return p;
    return 8;
}

int Pic8259::pending() const {
    const unsigned request = priority(static_cast<u8>(irr_ & ~imr_));
    if (request == 8) return -1;
    u8 in_service = isr_;
    // Special mask mode: masked in-service levels do not block lower ones.
    if (special_mask_) in_service &= static_cast<u8>(~imr_);
    // Special fully nested: the slave may interrupt again while its cascade input is in service.
    if (special_fully_nested_ && master_) in_service &= static_cast<u8>(~0x04);
    if (request >= priority(in_service)) return -1;
    return static_cast<int>((lowest_ + 1 + request) & 7);
}

void Pic8259::acknowledge(unsigned irq) {
    const auto bit = static_cast<u8>(1u << irq);
    // An edge request is consumed; a level one stays while the line is high.
    if (!(elcr_ & bit) || !(lines_ & bit)) irr_ &= static_cast<u8>(~bit);
    if (auto_eoi_) {
        if (rotate_on_auto_eoi_) lowest_ = static_cast<u8>(irq);
    } else {
        isr_ |= bit;
    }
}

void Pic8259::end_of_interrupt(u8 value) {
    const unsigned command = value >> 5, level = value & 7;
    switch (command) {
    case 1:    // non-specific EOI
    case 5: {  // rotate on non-specific EOI
        const unsigned p = priority(isr_);
        if (p == 8) return;
        const unsigned irq = (lowest_ + 1 + p) & 7;
        isr_ &= static_cast<u8>(~(1u << irq));
        if (command == 5) lowest_ = static_cast<u8>(irq);
        break;
    }
    case 3:  // specific EOI
        isr_ &= static_cast<u8>(~(1u << level));
        break;
    case 7:  // rotate on specific EOI
        isr_ &= static_cast<u8>(~(1u << level));
        lowest_ = static_cast<u8>(level);
        break;
    case 6:  // set priority: level becomes the lowest
        lowest_ = static_cast<u8>(level);
        break;
    case 4: rotate_on_auto_eoi_ = true; break;
    case 0: rotate_on_auto_eoi_ = false; break;
    default: break;  // 2: no operation
    }
}

u8 Pic8259::read(unsigned offset) {
    if (poll_) {
        // Poll: the status of the request as an acknowledge would take it (and take it).
        poll_ = false;
        const int irq = pending();
        if (irq < 0) return 0;
        acknowledge(static_cast<unsigned>(irq));
        return static_cast<u8>(0x80 | irq);
    }
    if (offset == 1) return imr_;
    return read_isr_ ? isr_ : irr_;
}

void Pic8259::write(unsigned offset, u8 value) {
    if (offset == 0) {
        if (value & 0x10) {  // ICW1: start the initialization sequence
            // As the datasheet says: mask and in-service cleared, IRQ 7 lowest, edge latches
            // cleared (a level input still high re-requests), special mask off, read IRR.
            imr_ = isr_ = 0;
            irr_ &= elcr_;
            irr_ &= lines_;
            lowest_ = 7;
            special_mask_ = read_isr_ = poll_ = false;
            auto_eoi_ = rotate_on_auto_eoi_ = special_fully_nested_ = false;
            need_icw4_ = value & 0x01;
            single_ = value & 0x02;
            init_step_ = 2;
        } else if (value & 0x08) {  // OCW3
            if (value & 0x04) poll_ = true;
            if (value & 0x02) read_isr_ = value & 0x01;
            if (value & 0x40) special_mask_ = value & 0x20;
        } else {  // OCW2
            end_of_interrupt(value);
        }
        return;
    }
    switch (init_step_) {
    case 2:
        icw2_ = value & 0xF8;
        init_step_ = !single_ ? 3 : need_icw4_ ? 4 : 0;
        break;
    case 3:  // ICW3: the cascade wiring is fixed on the PC (slave on IRQ 2)
        init_step_ = need_icw4_ ? 4 : 0;
        break;
    case 4:
        auto_eoi_ = value & 0x02;
        special_fully_nested_ = value & 0x10;
        init_step_ = 0;
        break;
    default:  // OCW1
        imr_ = value;
        break;
    }
}

}  // namespace emu::x86irq
