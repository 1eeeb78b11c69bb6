// The integer unit's entry point. (Initial stub; owner: the integer unit.)
#include "cpu.h"

namespace emu::x86 {

std::uint32_t Cpu::flags() const { return eflags_ | 2; }
void Cpu::set_flags(std::uint32_t value) { eflags_ = (value & 0x003F7FD5u) | 2; }

void Cpu::step() { raise(vec::UD); }

}  // namespace emu::x86
