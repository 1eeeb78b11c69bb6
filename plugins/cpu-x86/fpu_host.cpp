// The host x87 operations behind fpu_host.h. Every operand and result goes through memory, so
// the host x87 stack is empty before and after each asm statement and the compiler's own use
// of it (long double arithmetic elsewhere) is undisturbed.
#include "fpu_host.h"

namespace emu::x86 {

namespace {

// Load the guest control word with all exceptions masked, clear the flags, load the operands,
// run the operation, read the status word (before the result stores, which change C1), store
// the results, clear the flags again and restore the host's control word.
#define EMU_X87_HOST(load, operation, store)                                                        \
    asm volatile("fnstcw %[saved]\n\tfldcw %[cw]\n\tfnclex\n\t" load operation                      \
                 "\n\tfnstsw %[sw]\n\t" store "\n\tfnclex\n\tfldcw %[saved]"                         \
                 : [r0] "=m"(op.r0), [r1] "=m"(op.r1), [sw] "=m"(op.status), [saved] "=m"(saved), \
                   [mem] "+m"(op.mem)                                                               \
                 : [a] "m"(op.a), [b] "m"(op.b), [cw] "m"(cw)                                       \
                 : "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)")

// st0 = a, st1 = b; store r0 and drop st1.
#define EMU_X87_LOAD_BA "fldt %[b]\n\tfldt %[a]\n\t"
#define EMU_X87_STORE_DROP "fstpt %[r0]\n\tfstp %%st(0)"

}  // namespace

void host_x87(HostFn fn, HostOp& op) {
    std::uint16_t saved = 0;
    const std::uint16_t cw = static_cast<std::uint16_t>(op.control | 0x3F);
    switch (fn) {
    // Two-operand forms load b first so that st0 = a, st1 = b; the st0-destination encodings
    // (D8 /r) are used because GNU as swaps fsub/fsubr in the st(i)-destination ones.
    case HostFn::Add: EMU_X87_HOST(EMU_X87_LOAD_BA, "fadd %%st(1), %%st", EMU_X87_STORE_DROP); break;
    case HostFn::Sub: EMU_X87_HOST(EMU_X87_LOAD_BA, "fsub %%st(1), %%st", EMU_X87_STORE_DROP); break;
    case HostFn::Mul: EMU_X87_HOST(EMU_X87_LOAD_BA, "fmul %%st(1), %%st", EMU_X87_STORE_DROP); break;
    case HostFn::Div: EMU_X87_HOST(EMU_X87_LOAD_BA, "fdiv %%st(1), %%st", EMU_X87_STORE_DROP); break;
    case HostFn::AddF32: EMU_X87_HOST("fldt %[a]\n\t", "fadds %[mem]", "fstpt %[r0]"); break;
    case HostFn::MulF32: EMU_X87_HOST("fldt %[a]\n\t", "fmuls %[mem]", "fstpt %[r0]"); break;
    case HostFn::ComF32: EMU_X87_HOST("fldt %[a]\n\t", "fcoms %[mem]", "fstpt %[r0]"); break;
    case HostFn::SubF32: EMU_X87_HOST("fldt %[a]\n\t", "fsubs %[mem]", "fstpt %[r0]"); break;
    case HostFn::SubrF32: EMU_X87_HOST("fldt %[a]\n\t", "fsubrs %[mem]", "fstpt %[r0]"); break;
    case HostFn::DivF32: EMU_X87_HOST("fldt %[a]\n\t", "fdivs %[mem]", "fstpt %[r0]"); break;
    case HostFn::DivrF32: EMU_X87_HOST("fldt %[a]\n\t", "fdivrs %[mem]", "fstpt %[r0]"); break;
    case HostFn::AddF64: EMU_X87_HOST("fldt %[a]\n\t", "faddl %[mem]", "fstpt %[r0]"); break;
    case HostFn::MulF64: EMU_X87_HOST("fldt %[a]\n\t", "fmull %[mem]", "fstpt %[r0]"); break;
    case HostFn::ComF64: EMU_X87_HOST("fldt %[a]\n\t", "fcoml %[mem]", "fstpt %[r0]"); break;
    case HostFn::SubF64: EMU_X87_HOST("fldt %[a]\n\t", "fsubl %[mem]", "fstpt %[r0]"); break;
    case HostFn::SubrF64: EMU_X87_HOST("fldt %[a]\n\t", "fsubrl %[mem]", "fstpt %[r0]"); break;
    case HostFn::DivF64: EMU_X87_HOST("fldt %[a]\n\t", "fdivl %[mem]", "fstpt %[r0]"); break;
    case HostFn::DivrF64: EMU_X87_HOST("fldt %[a]\n\t", "fdivrl %[mem]", "fstpt %[r0]"); break;
    case HostFn::Sqrt: EMU_X87_HOST("fldt %[a]\n\t", "fsqrt", "fstpt %[r0]"); break;
    case HostFn::Rndint: EMU_X87_HOST("fldt %[a]\n\t", "frndint", "fstpt %[r0]"); break;
    case HostFn::F2xm1: EMU_X87_HOST("fldt %[a]\n\t", "f2xm1", "fstpt %[r0]"); break;
    case HostFn::Sin: EMU_X87_HOST("fldt %[a]\n\t", "fsin", "fstpt %[r0]"); break;
    case HostFn::Cos: EMU_X87_HOST("fldt %[a]\n\t", "fcos", "fstpt %[r0]"); break;
    case HostFn::Prem: EMU_X87_HOST(EMU_X87_LOAD_BA, "fprem", EMU_X87_STORE_DROP); break;
    case HostFn::Prem1: EMU_X87_HOST(EMU_X87_LOAD_BA, "fprem1", EMU_X87_STORE_DROP); break;
    case HostFn::Scale: EMU_X87_HOST(EMU_X87_LOAD_BA, "fscale", EMU_X87_STORE_DROP); break;
    case HostFn::Yl2x: EMU_X87_HOST(EMU_X87_LOAD_BA, "fyl2x", "fstpt %[r0]"); break;
    case HostFn::Yl2xp1: EMU_X87_HOST(EMU_X87_LOAD_BA, "fyl2xp1", "fstpt %[r0]"); break;
    case HostFn::Patan: EMU_X87_HOST(EMU_X87_LOAD_BA, "fpatan", "fstpt %[r0]"); break;
    case HostFn::Xtract: EMU_X87_HOST("fldt %[a]\n\t", "fxtract", "fstpt %[r0]\n\tfstpt %[r1]"); break;
    case HostFn::Ptan: EMU_X87_HOST("fldt %[a]\n\t", "fptan", "fstpt %[r0]\n\tfstpt %[r1]"); break;
    case HostFn::Sincos: EMU_X87_HOST("fldt %[a]\n\t", "fsincos", "fstpt %[r0]\n\tfstpt %[r1]"); break;
    case HostFn::Ld1: EMU_X87_HOST("", "fld1", "fstpt %[r0]"); break;
    case HostFn::Ldl2t: EMU_X87_HOST("", "fldl2t", "fstpt %[r0]"); break;
    case HostFn::Ldl2e: EMU_X87_HOST("", "fldl2e", "fstpt %[r0]"); break;
    case HostFn::Ldpi: EMU_X87_HOST("", "fldpi", "fstpt %[r0]"); break;
    case HostFn::Ldlg2: EMU_X87_HOST("", "fldlg2", "fstpt %[r0]"); break;
    case HostFn::Ldln2: EMU_X87_HOST("", "fldln2", "fstpt %[r0]"); break;
    case HostFn::LoadF32: EMU_X87_HOST("", "flds %[mem]", "fstpt %[r0]"); break;
    case HostFn::LoadF64: EMU_X87_HOST("", "fldl %[mem]", "fstpt %[r0]"); break;
    case HostFn::LoadBcd: EMU_X87_HOST("", "fbld %[mem]", "fstpt %[r0]"); break;
    case HostFn::StoreF32: EMU_X87_HOST("fldt %[a]\n\t", "fstps %[mem]", ""); break;
    case HostFn::StoreF64: EMU_X87_HOST("fldt %[a]\n\t", "fstpl %[mem]", ""); break;
    case HostFn::StoreI16: EMU_X87_HOST("fldt %[a]\n\t", "fistps %[mem]", ""); break;
    case HostFn::StoreI32: EMU_X87_HOST("fldt %[a]\n\t", "fistpl %[mem]", ""); break;
    case HostFn::StoreI64: EMU_X87_HOST("fldt %[a]\n\t", "fistpll %[mem]", ""); break;
    case HostFn::StoreBcd: EMU_X87_HOST("fldt %[a]\n\t", "fbstp %[mem]", ""); break;
    }
}

#undef EMU_X87_HOST
#undef EMU_X87_LOAD_BA
#undef EMU_X87_STORE_DROP

}  // namespace emu::x86
