// The x87 FPU. (Initial stub; owner: the FPU part.)
#include "cpu.h"

namespace emu::x86 {

void fpu_init(FpuState& s) {
    s.control = 0x037F;
    s.status = 0;
    s.tag = 0xFFFF;
    s.opcode = 0;
    s.fip = s.fdp = 0;
    s.fcs = s.fds = 0;
}

void fpu_reset(FpuState& s) {
    s = FpuState{};
    fpu_init(s);
    s.control = 0x0040;  // power-on control word
}

void fpu_execute(Cpu& cpu, std::uint8_t, std::uint8_t, const FpuMemory*, bool) { cpu.raise(vec::UD); }
void fpu_wait(Cpu&) {}
void fpu_fxsave(Cpu& cpu, const FpuMemory&) { cpu.raise(vec::UD); }
void fpu_fxrstor(Cpu& cpu, const FpuMemory&) { cpu.raise(vec::UD); }

}  // namespace emu::x86
