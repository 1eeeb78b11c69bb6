// Segmented and linear memory access, code fetch and the software TLB.
// (Initial version: no TLB and no segment checks yet; owner: the system part.)
#include <stdexcept>

#include <emu/memory.h>

#include "cpu.h"

namespace emu::x86 {

std::uint64_t Cpu::check_segment(Seg s, std::uint64_t offset, unsigned, Access) {
    return (seg[s].base + offset) & 0xFFFFFFFFu;
}

std::uint64_t Cpu::read_physical(std::uint64_t pa, unsigned size) {
    std::uint64_t value = 0;
    memory.read_value(pa, size, value);
    return value;
}

void Cpu::write_physical(std::uint64_t pa, std::uint64_t value, unsigned size) {
    memory.write_value(pa, size, value);
}

std::uint64_t Cpu::read_linear(std::uint64_t linear, unsigned size, bool supervisor) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
        const std::uint64_t pa = translate((linear + i) & 0xFFFFFFFFu, Access::Read, !supervisor && cpl == 3);
        value |= read_physical(pa, 1) << (8 * i);
    }
    return value;
}

void Cpu::write_linear(std::uint64_t linear, std::uint64_t value, unsigned size, bool supervisor) {
    for (unsigned i = 0; i < size; ++i) {
        const std::uint64_t pa = translate((linear + i) & 0xFFFFFFFFu, Access::Write, !supervisor && cpl == 3);
        write_physical(pa, (value >> (8 * i)) & 0xFF, 1);
    }
}

std::uint64_t Cpu::read(Seg s, std::uint64_t offset, unsigned size) {
    return read_linear(check_segment(s, offset, size, Access::Read), size, false);
}

void Cpu::write(Seg s, std::uint64_t offset, unsigned size, std::uint64_t value) {
    write_linear(check_segment(s, offset, size, Access::Write), value, size, false);
}

void Cpu::read_bytes(Seg s, std::uint64_t offset, void* out, unsigned length) {
    auto* p = static_cast<std::uint8_t*>(out);
    for (unsigned i = 0; i < length; ++i) p[i] = static_cast<std::uint8_t>(read(s, offset + i, 1));
}

void Cpu::write_bytes(Seg s, std::uint64_t offset, const void* data, unsigned length) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    for (unsigned i = 0; i < length; ++i) write(s, offset + i, 1, p[i]);
}

std::uint8_t Cpu::fetch8(std::uint64_t linear) {
    return static_cast<std::uint8_t>(read_physical(translate(linear & 0xFFFFFFFFu, Access::Execute, cpl == 3), 1));
}

void Cpu::push(std::uint64_t value, unsigned size) {
    const std::uint64_t mask = stack32() ? 0xFFFFFFFFu : 0xFFFFu;
    const std::uint64_t sp = (gpr[kEsp] - size) & mask;
    write(SS, sp, size, value);
    gpr[kEsp] = (gpr[kEsp] & ~mask) | sp;
}

std::uint64_t Cpu::pop(unsigned size) {
    const std::uint64_t mask = stack32() ? 0xFFFFFFFFu : 0xFFFFu;
    const std::uint64_t sp = gpr[kEsp] & mask;
    const std::uint64_t value = read(SS, sp, size);
    gpr[kEsp] = (gpr[kEsp] & ~mask) | ((sp + size) & mask);
    return value;
}

void Cpu::tlb_flush(bool) {}
void Cpu::tlb_flush_page(std::uint64_t) {}
void Cpu::code_written(std::uint64_t, unsigned) {}

}  // namespace emu::x86
