// The host's own x87, used for the guest's x87 arithmetic: the host is x86-64, whose x87 gives
// the exact results (and exception flags) of the hardware being emulated. Each operation runs
// with the guest's rounding and precision control and every exception masked, and reports the
// host status word afterwards; the host's control word is restored.
#pragma once

#include <cstdint>

namespace emu::x86 {

enum class HostFn : std::uint8_t {
    Add, Sub, Mul, Div,          // r0 = a op b
    // r0 = a op mem (single/double in mem: the hardware sees the operand in its own format,
    // which decides DE, the NaN returned and the exception priorities); Com*: C0 C2 C3.
    AddF32, MulF32, ComF32, SubF32, SubrF32, DivF32, DivrF32,
    AddF64, MulF64, ComF64, SubF64, SubrF64, DivF64, DivrF64,
    Sqrt, Rndint, F2xm1, Sin, Cos,  // r0 = f(a)
    Prem, Prem1, Scale,          // r0 = f(st0 = a, st1 = b); status C0-C3 for the remainders
    Yl2x, Yl2xp1, Patan,         // r0 = f(st0 = a, st1 = b), the result that replaces st1
    Xtract,                      // r0 = significand, r1 = exponent
    Ptan,                        // r0 = 1.0, r1 = tan(a)
    Sincos,                      // r0 = cos(a), r1 = sin(a)
    Ld1, Ldl2t, Ldl2e, Ldpi, Ldlg2, Ldln2,  // r0 = constant (rounded per RC)
    LoadF32, LoadF64, LoadBcd,   // r0 = the value in mem
    StoreF32, StoreF64, StoreI16, StoreI32, StoreI64, StoreBcd,  // mem = a converted
};

struct HostOp {
    long double a = 0, b = 0, r0 = 0, r1 = 0;
    std::uint8_t mem[16] = {};
    std::uint16_t control = 0x037F;  // the guest's control word (its masks are ignored)
    std::uint16_t status = 0;        // the host status word after the operation
};

void host_x87(HostFn fn, HostOp& op);

}  // namespace emu::x86
