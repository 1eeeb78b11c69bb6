// The integer unit's entry point: step() decodes one instruction and runs its handler; EFLAGS
// is kept eagerly in eflags_ (every handler commits its flags).
#include "decode.h"

namespace emu::x86 {

std::uint32_t Cpu::flags() const { return eflags_ | 2; }

// Writable EFLAGS bits of a P6: CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF VIP ID.
void Cpu::set_flags(std::uint32_t value) { eflags_ = (value & 0x003F7FD5u) | 2; }

void Cpu::step() {
    Insn d;
    decode(*this, d);
    // rip moves past the instruction before it executes: handlers read it as the next
    // instruction's address (CALL, INT n), jumps overwrite it, REP puts it back; a fault
    // makes run() restore it.
    rip = (rip + d.len) & (code32() ? 0xFFFFFFFFull : 0xFFFFull);
    d.handler(*this, d);
}

}  // namespace emu::x86
