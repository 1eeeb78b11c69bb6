// Interrupts (SDM 13.4.17-13.4.21): causes collect in ICR; the line is asserted while a cause
// is also set in IMS. Reading ICR clears it (and so drops the line); ICS sets causes, IMS/IMC
// set and clear mask bits. ITR (SDM 13.4.18) spaces assertions at least ITR x 256 ns apart:
// a cause arriving sooner is held until the interval ends.
#include "e1000.h"
#include "e1000_regs.h"

namespace e1000 {

void E1000::raise(std::uint32_t causes) {
    if (!causes) return;
    regs_.set(reg::kIcr, regs_.get(reg::kIcr) | causes);
    update_irq();
}

void E1000::update_irq() {
    const bool pending = (regs_.get(reg::kIcr) & regs_.get(reg::kIms)) != 0;
    if (!pending) {
        if (irq_asserted_) {
            irq_asserted_ = false;
            set_irq_level(false);
        }
        return;
    }
    if (irq_asserted_) return;
    const std::uint32_t interval = regs_.get(reg::kItr) & 0xffff;
    if (interval && throttle_timer_ && throttle_timer_->armed()) return;  // held until it expires
    irq_asserted_ = true;
    set_irq_level(true);
    if (interval && throttle_timer_) throttle_timer_->arm_in(static_cast<emu::ClockNs>(interval) * kItrUnitNs);
}

void E1000::throttle_expired() {
    // The interval is over: a held cause goes out now (and starts a new interval).
    update_irq();
}

// The back end's link went up or down (set_link on either side): STATUS.LU and the PHY follow,
// and LSC tells the driver.
void E1000::link_changed() {
    const bool up = client_.link_up();
    if (up == phy_.link_up()) return;
    phy_.set_link(up);
    raise(icr::kLsc);
    if (up) rx_buffers_added();
}

}  // namespace e1000
