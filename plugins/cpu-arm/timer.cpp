// Generic timer (ARMv7 with the Generic Timer extension): the physical and virtual timers
// against the embedder's counter, as seen by CP15 and by the embedder.
#include <algorithm>

#include "cpu.h"

namespace emu::arm {

namespace {
constexpr std::uint32_t kCtlEnable = 1, kCtlImask = 2;
}

std::uint64_t Cpu::counter() const { return config.counter ? config.counter() : icount; }

bool Cpu::timer_condition(int which) const {
    const std::uint32_t ctl = which == 0 ? cp15.cntp_ctl : cp15.cntv_ctl;
    if (!(ctl & kCtlEnable)) return false;
    const std::uint64_t now = counter() - (which == 0 ? 0 : cp15.cntvoff);
    return now >= (which == 0 ? cp15.cntp_cval : cp15.cntv_cval);
}

bool Cpu::timer_asserted(int which) const {
    const std::uint32_t ctl = which == 0 ? cp15.cntp_ctl : cp15.cntv_ctl;
    return !(ctl & kCtlImask) && timer_condition(which);
}

std::uint64_t Cpu::timer_deadline() const {
    std::uint64_t d = UINT64_MAX;
    if ((cp15.cntp_ctl & (kCtlEnable | kCtlImask)) == kCtlEnable) d = std::min(d, cp15.cntp_cval);
    if ((cp15.cntv_ctl & (kCtlEnable | kCtlImask)) == kCtlEnable) {
        const std::uint64_t v = cp15.cntv_cval + cp15.cntvoff;
        d = std::min(d, v < cp15.cntv_cval ? UINT64_MAX : v);
    }
    return d;
}

void Cpu::timer_changed() {
    if (config.on_timer_change) config.on_timer_change(owner);
}

}  // namespace emu::arm
