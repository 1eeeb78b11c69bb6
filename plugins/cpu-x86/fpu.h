// The x87 FPU (and the FXSAVE area's SSE state, for the x86-64 step): state and the entry
// points the integer unit's decoder calls. Implemented in fpu*.cpp.
//
// Registers are kept as host long double (the x86-64 host's 80-bit extended format), which
// gives the x87's own arithmetic; rounding and precision control are applied from the control
// word around each operation.
#pragma once

#include <cstdint>

namespace emu::x86 {

class Cpu;
enum Seg : std::uint8_t;

struct FpuState {
    long double st[8] = {};        // physical registers R0..R7 (ST(i) = st[(top + i) & 7])
    std::uint16_t control = 0x037F;  // FNINIT values
    std::uint16_t status = 0;        // TOP is kept in bits 11-13
    std::uint16_t tag = 0xFFFF;      // full tag word: 2 bits per physical register (3 = empty)
    std::uint16_t opcode = 0;        // last non-control instruction's opcode (11 bits)
    std::uint32_t fip = 0, fdp = 0;  // last instruction / operand pointers (offsets)
    std::uint16_t fcs = 0, fds = 0;  // and their selectors
    // SSE state (FXSAVE/FXRSTOR carry it; used from the x86-64 step on).
    std::uint32_t mxcsr = 0x1F80;
    alignas(16) std::uint8_t xmm[16][16] = {};
};

// A memory operand as decoded: segment (after overrides) and offset (effective address).
struct FpuMemory {
    Seg seg;
    std::uint64_t offset;
};

// Execute the x87 instruction with first opcode byte op (0xD8-0xDF) and ModRM byte modrm;
// mem is the decoded memory operand (null when ModRM.mod == 3). op32: 32-bit operand size
// (FLDENV/FSTENV/FSAVE/FRSTOR layouts). cpu.rip must hold the instruction's own address (it
// becomes FIP). Raises #NM when CR0.EM or CR0.TS say so, #MF for pending unmasked exceptions
// when CR0.NE is set (with NE clear the FERR#/IRQ 13 path is not modelled: execution simply
// continues), #UD for reserved encodings (incl. FISTTP, SSE3).
void fpu_execute(Cpu& cpu, std::uint8_t op, std::uint8_t modrm, const FpuMemory* mem, bool op32);
// WAIT/FWAIT (0x9B): #NM if CR0.MP and CR0.TS; #MF if an unmasked exception is pending.
void fpu_wait(Cpu& cpu);
// FXSAVE / FXRSTOR (0F AE /0, /1): the 512-byte area at mem (16-byte aligned, else #GP(0)).
void fpu_fxsave(Cpu& cpu, const FpuMemory& mem);
void fpu_fxrstor(Cpu& cpu, const FpuMemory& mem);
// FNINIT state; reset() also clears MXCSR and the XMM registers.
void fpu_init(FpuState& state);
void fpu_reset(FpuState& state);

}  // namespace emu::x86
