// Exception and interrupt delivery (real mode IVT, protected-mode IDT), double/triple fault.
// (Initial version: real mode only; owner: the system part.)
#include <stdexcept>

#include "cpu.h"

namespace emu::x86 {

void Cpu::deliver(std::uint8_t vector, IntKind kind, bool, std::uint32_t, std::uint64_t next_rip) {
    if (protected_mode()) throw std::logic_error("x86: protected-mode interrupts not implemented yet");
    const std::uint64_t saved = kind == IntKind::Exception ? rip : next_rip;
    const std::uint32_t entry = static_cast<std::uint32_t>(read_linear(idtr.base + vector * 4u, 4, true));
    push(flags(), 2);
    push(seg[CS].selector, 2);
    push(saved, 2);
    set_flags(flags() & ~(kIF | kTF | kAC | kRF));
    load_segment(CS, static_cast<std::uint16_t>(entry >> 16));
    rip = entry & 0xFFFF;
}

}  // namespace emu::x86
