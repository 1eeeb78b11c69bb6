// Descriptor tables, segment loads, far transfers, IRET, task switches, I/O permission.
// (Initial version: real mode only; owner: the system part.)
#include <stdexcept>

#include <emu/memory.h>

#include "cpu.h"

namespace emu::x86 {

void Cpu::load_segment(Seg s, std::uint16_t selector) {
    if (protected_mode() && !v86()) throw std::logic_error("x86: protected-mode segment loads not implemented yet");
    seg[s].selector = selector;
    seg[s].base = static_cast<std::uint64_t>(selector) << 4;
}

void Cpu::far_jump(std::uint16_t selector, std::uint32_t offset, bool, std::uint64_t) {
    load_segment(CS, selector);
    rip = offset;
}

void Cpu::far_call(std::uint16_t selector, std::uint32_t offset, bool op32, std::uint64_t next_rip) {
    const unsigned size = op32 ? 4 : 2;
    push(seg[CS].selector, size);
    push(next_rip, size);
    load_segment(CS, selector);
    rip = offset;
}

void Cpu::far_return(bool op32, std::uint16_t pop_bytes) {
    const unsigned size = op32 ? 4 : 2;
    const std::uint64_t ip = pop(size);
    const std::uint16_t cs = static_cast<std::uint16_t>(pop(size));
    load_segment(CS, cs);
    rip = ip;
    gpr[kEsp] += pop_bytes;
}

void Cpu::iret(bool) { throw std::logic_error("x86: IRET not implemented yet"); }
void Cpu::task_switch(std::uint16_t, int, std::uint64_t) { throw std::logic_error("x86: task switch not implemented yet"); }
bool Cpu::read_descriptor(std::uint16_t, std::uint64_t&) { throw std::logic_error("x86: descriptors not implemented yet"); }
Segment Cpu::segment_from_descriptor(std::uint16_t selector, std::uint64_t) { return Segment{selector, 0, 0, 0}; }
void Cpu::check_io(std::uint16_t, unsigned) {}

std::uint32_t Cpu::port_in(std::uint16_t port, unsigned size) {
    std::uint64_t value = ~0ull;
    if (io) io->read_value(port, size, value);
    return static_cast<std::uint32_t>(value);
}

void Cpu::port_out(std::uint16_t port, std::uint32_t value, unsigned size) {
    if (io) io->write_value(port, size, value);
}

}  // namespace emu::x86
