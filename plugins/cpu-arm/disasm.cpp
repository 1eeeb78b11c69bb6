// Minimal disassembly for -d in_asm: the handler class of a decoded instruction.
#include "insn.h"

namespace emu::arm {

const char* insn_class_name(const Insn& in) {
    if (in.fn == sel_undef()) return "undefined";
    if (in.fn == sel_b()) return "b";
    if (in.fn == sel_bl(false)) return "bl";
    if (in.fn == sel_bl(true)) return "blx";
    if (in.fn == sel_bx(false)) return "bx";
    if (in.fn == sel_bx(true)) return "blx (reg)";
    if (in.fn == sel_svc()) return "svc";
    if (in.fn == sel_ldm(true)) return "ldm";
    if (in.fn == sel_ldm(false)) return "stm";
    if (in.fn == sel_vfp()) return "vfp";
    if (in.fn == sel_coproc(0)) return "mcr";
    if (in.fn == sel_coproc(1)) return "mrc";
    if (in.fn == sel_nop()) return "nop/hint";
    if (in.fn == sel_ldrd(true)) return "ldrd";
    if (in.fn == sel_ldrd(false)) return "strd";
    if (in.fn == sel_mrs(false) || in.fn == sel_mrs(true)) return "mrs";
    if (in.fn == sel_cps()) return "cps";
    static const char* const kDp[] = {"and", "eor", "sub", "rsb", "add", "adc", "sbc", "rsc", "tst",
                                      "teq", "cmp", "cmn", "orr", "mov", "bic", "mvn", "orn"};
    for (int op = 0; op < kNumDpOps; ++op)
        for (int k = 0; k < 4; ++k)
            for (int s = 0; s < 2; ++s)
                if (in.fn == sel_dp(op, k, s != 0, false)) return kDp[op];
    return "insn";
}

}  // namespace emu::arm
