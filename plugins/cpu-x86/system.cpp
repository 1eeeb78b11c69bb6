// Control registers, MSRs, CPUID, RDTSC and the reset/INIT state.
// (Initial version; owner: the system part.)
#include <stdexcept>

#include "cpu.h"

namespace emu::x86 {

void Cpu::write_cr(unsigned n, std::uint64_t value) {
    switch (n) {
    case 0: cr0 = value | kCr0ET; break;
    case 2: cr2 = value; break;
    case 3: cr3 = value; break;
    case 4: cr4 = value; break;
    default: raise(vec::UD);
    }
}

std::uint64_t Cpu::read_cr(unsigned n) {
    switch (n) {
    case 0: return cr0;
    case 2: return cr2;
    case 3: return cr3;
    case 4: return cr4;
    default: raise(vec::UD);
    }
}

void Cpu::write_msr(std::uint32_t, std::uint64_t) { raise(vec::GP, 0); }
std::uint64_t Cpu::read_msr(std::uint32_t) { raise(vec::GP, 0); }
void Cpu::cpuid() { gpr[kEax] = gpr[kEbx] = gpr[kEcx] = gpr[kEdx] = 0; }
std::uint64_t Cpu::rdtsc() { return instructions + tsc_offset; }

void Cpu::reset_state() {
    for (auto& r : gpr) r = 0;
    gpr[kEdx] = 0x600;  // family 6
    set_flags(2);
    for (auto& s : seg) s = Segment{0, 0, 0xFFFF, 0x93};
    seg[CS] = Segment{0xF000, 0xFFFF0000, 0xFFFF, 0x9B};
    rip = 0xFFF0;
    gdtr = idtr = DescriptorTable{0, 0xFFFF};
    ldtr = Segment{0, 0, 0xFFFF, 0x82};
    tr = Segment{0, 0, 0xFFFF, 0x8B};
    cr0 = 0x60000010;
    cr2 = cr3 = cr4 = efer = 0;
    cpl = 0;
    halted = interrupt_shadow = shutdown = nmi_blocked = false;
    fpu_reset(fpu);
}

void Cpu::init_state() { reset_state(); }

}  // namespace emu::x86
