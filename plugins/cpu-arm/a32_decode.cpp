// A32 decoder (ARM ARM A5): fills the shared Insn representation and picks the handler.
#include <cstdint>

#include "insn.h"
#include "decode_util.h"

namespace emu::arm {
namespace {

using u32 = std::uint32_t;

void dp_reg(u32 x, Insn& o, int op, bool s) {
    o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
    o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
    o.rm = static_cast<std::uint8_t>(bits(x, 3, 0));
    int kind;
    if (bit(x, 4)) {  // register-shifted register
        o.ra = static_cast<std::uint8_t>(bits(x, 11, 8));
        o.shift = static_cast<std::uint8_t>(bits(x, 6, 5));
        kind = kOpRegRegShift;
    } else {
        kind = decode_imm_shift(bits(x, 6, 5), bits(x, 11, 7), o) ? kOpRegImmShift : kOpReg;
    }
    set_dp(o, op, kind, s, false);
}

void dp_imm(u32 x, Insn& o, int op, bool s) {
    o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
    o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
    unsigned rot = 2 * bits(x, 11, 8);
    o.imm = ror(bits(x, 7, 0), rot);
    set_dp(o, op, kOpImm, s, rot != 0);
}

void misc(u32 x, Insn& o) {
    const unsigned op2 = bits(x, 6, 4), op = bits(x, 22, 21);
    const bool b9 = bit(x, 9);
    switch (op2) {
    case 0:
        if (b9) {
            const u32 sysm = (bit(x, 8) << 4) | bits(x, 19, 16);
            o.imm = sysm | (bit(x, 22) << 5);
            if (op & 1) { o.rn = static_cast<std::uint8_t>(bits(x, 3, 0)); o.fn = sel_msr_banked(); }
            else { o.rd = static_cast<std::uint8_t>(bits(x, 15, 12)); o.fn = sel_mrs_banked(); }
            return;
        }
        if ((op & 1) == 0) {
            o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
            o.fn = sel_mrs(bit(x, 22));
            return;
        }
        o.rn = static_cast<std::uint8_t>(bits(x, 3, 0));
        o.flags = static_cast<std::uint8_t>(bits(x, 19, 16));
        o.fn = sel_msr(op == 3, false);
        o.ends = 1;
        return;
    case 1:
        if (op == 1) { o.rm = static_cast<std::uint8_t>(bits(x, 3, 0)); o.fn = sel_bx(false); o.ends = 1; return; }
        if (op == 3) { set_media(o, kClz, bits(x, 15, 12), 0, bits(x, 3, 0)); return; }
        break;
    case 2:
        if (op == 1) { o.rm = static_cast<std::uint8_t>(bits(x, 3, 0)); o.fn = sel_bx(false); o.ends = 1; return; }  // BXJ
        break;
    case 3:
        if (op == 1) { o.rm = static_cast<std::uint8_t>(bits(x, 3, 0)); o.fn = sel_bx(true); o.ends = 1; return; }
        break;
    case 5: {
        static const int ops[4] = {kQadd, kQsub, kQdadd, kQdsub};
        set_media(o, ops[op], bits(x, 15, 12), bits(x, 19, 16), bits(x, 3, 0));
        return;
    }
    case 7:
        if (op == 1) { o.imm = (bits(x, 19, 8) << 4) | bits(x, 3, 0); o.fn = sel_bkpt(); o.ends = 1; o.cond = 14; return; }
        if (op == 2) { o.imm = (bits(x, 19, 8) << 4) | bits(x, 3, 0); o.fn = sel_hvc_smc(false); o.ends = 1; return; }
        if (op == 3) { o.imm = bits(x, 3, 0); o.fn = sel_hvc_smc(true); o.ends = 1; return; }
        break;
    default: break;
    }
    set_undef(o);
}

void halfword_mul(u32 x, Insn& o) {
    const unsigned op1 = bits(x, 22, 21);
    o.rd = static_cast<std::uint8_t>(bits(x, 19, 16));
    o.ra = static_cast<std::uint8_t>(bits(x, 15, 12));
    o.rm = static_cast<std::uint8_t>(bits(x, 11, 8));
    o.rn = static_cast<std::uint8_t>(bits(x, 3, 0));
    o.flags = static_cast<std::uint8_t>((bit(x, 5) << 1) | (bit(x, 6) << 2));
    int op;
    switch (op1) {
    case 0: op = kSmlaxy; break;
    case 1: op = bit(x, 5) ? kSmulwy : kSmlawy; break;
    case 2: op = kSmlalxy; break;
    default: op = kSmulxy; break;
    }
    o.fn = sel_mul(op);
}

void multiply(u32 x, Insn& o) {
    o.rd = static_cast<std::uint8_t>(bits(x, 19, 16));
    o.ra = static_cast<std::uint8_t>(bits(x, 15, 12));
    o.rm = static_cast<std::uint8_t>(bits(x, 11, 8));
    o.rn = static_cast<std::uint8_t>(bits(x, 3, 0));
    o.flags = static_cast<std::uint8_t>(bit(x, 20));
    int op;
    switch (bits(x, 23, 21)) {
    case 0: op = kMul; break;
    case 1: op = kMla; break;
    case 2: if (bit(x, 20)) { set_undef(o); return; } op = kUmaal; break;
    case 3: if (bit(x, 20)) { set_undef(o); return; } op = kMls; break;
    case 4: op = kUmull; break;
    case 5: op = kUmlal; break;
    case 6: op = kSmull; break;
    default: op = kSmlal; break;
    }
    o.fn = sel_mul(op);
}

void sync(u32 x, Insn& o) {
    const unsigned op = bits(x, 23, 20);
    o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
    if ((op & 0xb) == 0) {  // SWP / SWPB
        o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
        o.rm = static_cast<std::uint8_t>(bits(x, 3, 0));
        o.fn = sel_swp(bit(x, 22));
        return;
    }
    if (op < 8) { set_undef(o); return; }
    static const unsigned sizes[4] = {4, 8, 1, 2};
    const unsigned size = sizes[(op >> 1) & 3];
    const bool load = op & 1;
    if (load) {
        o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
        o.ra = static_cast<std::uint8_t>((o.rd + 1) & 15);
    } else {
        o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
        o.rm = static_cast<std::uint8_t>(bits(x, 3, 0));
        o.ra = static_cast<std::uint8_t>((o.rm + 1) & 15);
    }
    o.fn = sel_excl(size, load);
}

void extra_ldst(u32 x, Insn& o) {
    const unsigned op2 = bits(x, 6, 5);
    const bool l = bit(x, 20), p = bit(x, 24), w = bit(x, 21), u = bit(x, 23), immf = bit(x, 22);
    const bool unpriv = !p && w;
    o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
    o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
    o.rm = static_cast<std::uint8_t>(bits(x, 3, 0));
    std::uint8_t f = static_cast<std::uint8_t>((u ? kLsU : 0) | (p ? kLsP : 0) | (w ? kLsW : 0) |
                                               (unpriv ? kLsUser : 0) | (immf ? 0 : kLsReg));
    const u32 imm8 = (bits(x, 11, 8) << 4) | bits(x, 3, 0);
    o.imm = immf ? (u ? imm8 : 0u - imm8) : 0;
    o.shift = kShLsl;
    o.shamt = 0;
    o.flags = f;
    if (op2 == 1) {
        set_ldst(o, 2, false, l);
        return;
    }
    if (!l) {  // LDRD (op2 = 2) / STRD (op2 = 3)
        if (unpriv || (o.rd & 1)) { set_undef(o); return; }
        o.ra = static_cast<std::uint8_t>(o.rd + 1);
        if (o.rn == 15) o.flags |= kLsAlignPc;
        o.fn = sel_ldrd(op2 == 2);
        return;
    }
    set_ldst(o, op2 == 2 ? 1 : 2, true, true);
}

void data_processing_and_misc(u32 x, Insn& o) {
    const unsigned op1 = bits(x, 24, 20), op2 = bits(x, 7, 4);
    if (!bit(x, 25)) {
        if (op2 == 9) {
            if (op1 < 16) multiply(x, o);
            else sync(x, o);
            return;
        }
        if (op2 == 0xb || op2 == 0xd || op2 == 0xf) {
            extra_ldst(x, o);
            return;
        }
        if ((op1 & 0x19) == 0x10) {
            if ((op2 & 8) == 0) misc(x, o);
            else halfword_mul(x, o);
            return;
        }
        dp_reg(x, o, static_cast<int>(bits(x, 24, 21)), bit(x, 20));
        return;
    }
    if (op1 == 0x10 || op1 == 0x14) {  // MOVW / MOVT
        o.imm = (bits(x, 19, 16) << 12) | bits(x, 11, 0);
        set_media(o, op1 == 0x10 ? kMovw : kMovt, bits(x, 15, 12), 0, 0);
        return;
    }
    if ((op1 & 0x1b) == 0x12) {  // MSR immediate and hints
        const unsigned mask = bits(x, 19, 16);
        if (!bit(x, 22) && mask == 0) {
            set_hint(o, bits(x, 7, 0));
            return;
        }
        o.imm = ror(bits(x, 7, 0), 2 * bits(x, 11, 8));
        o.flags = static_cast<std::uint8_t>(mask);
        o.fn = sel_msr(bit(x, 22), true);
        o.ends = 1;
        return;
    }
    dp_imm(x, o, static_cast<int>(bits(x, 24, 21)), bit(x, 20));
}

void ldst_word_byte(u32 x, Insn& o) {
    const bool reg = bit(x, 25), p = bit(x, 24), u = bit(x, 23), b = bit(x, 22), w = bit(x, 21),
               l = bit(x, 20);
    o.rd = static_cast<std::uint8_t>(bits(x, 15, 12));
    o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
    std::uint8_t f = static_cast<std::uint8_t>((u ? kLsU : 0) | (p ? kLsP : 0) | (w ? kLsW : 0) |
                                               ((!p && w) ? kLsUser : 0) | (reg ? kLsReg : 0));
    if (reg) {
        o.rm = static_cast<std::uint8_t>(bits(x, 3, 0));
        if (!decode_imm_shift(bits(x, 6, 5), bits(x, 11, 7), o)) { o.shift = kShLsl; o.shamt = 0; }
        o.imm = 0;
    } else {
        const u32 imm12 = bits(x, 11, 0);
        o.imm = u ? imm12 : 0u - imm12;
    }
    o.flags = f;
    set_ldst(o, b ? 1 : 4, false, l);
}

void media(u32 x, Insn& o) {
    const unsigned op1 = bits(x, 24, 20), op2 = bits(x, 7, 5);
    const unsigned rd = bits(x, 15, 12), rn = bits(x, 19, 16), rm = bits(x, 3, 0);
    if (op1 < 8) {  // parallel add/subtract
        static const std::uint32_t prefixes[8] = {0, kParS, kParQ, kParSH, 0, kParU, kParUQ, kParUH};
        const u32 prefix = prefixes[op1 & 7];
        if (prefix == 0 || op2 == 5 || op2 == 6) { set_undef(o); return; }
        set_media(o, kParallel, rd, rn, rm);
        o.imm = prefix;
        o.flags = static_cast<std::uint8_t>(op2);
        return;
    }
    if (op1 < 16) {
        const unsigned o3 = op1 & 7;
        const unsigned rot = bits(x, 11, 10) * 8;
        if (o3 == 0 && (op2 & 1) == 0) {  // PKH
            set_media(o, bit(x, 6) ? kPkhtb : kPkhbt, rd, rn, rm);
            o.shamt = static_cast<std::uint8_t>(bits(x, 11, 7));
            return;
        }
        if ((o3 & 2) && (op2 & 1) == 0) {  // SSAT / USAT
            set_media(o, (o3 & 4) ? kUsat : kSsat, rd, rm, 0);
            o.imm = bits(x, 20, 16) + ((o3 & 4) ? 0 : 1);
            const unsigned imm5 = bits(x, 11, 7);
            if (bit(x, 6)) { o.shift = kShAsr; o.shamt = static_cast<std::uint8_t>(imm5 ? imm5 : 32); }
            else { o.shift = kShLsl; o.shamt = static_cast<std::uint8_t>(imm5); }
            return;
        }
        int op = -1;
        switch ((o3 << 3) | op2) {
        case (0 << 3) | 3: op = kSxtb16; break;
        case (0 << 3) | 5: set_media(o, kSel, rd, rn, rm); return;
        case (2 << 3) | 1: op = kSsat16; break;
        case (2 << 3) | 3: op = kSxtb; break;
        case (3 << 3) | 1: set_media(o, kRev, rd, 0, rm); return;
        case (3 << 3) | 3: op = kSxth; break;
        case (3 << 3) | 5: set_media(o, kRev16, rd, 0, rm); return;
        case (4 << 3) | 3: op = kUxtb16; break;
        case (6 << 3) | 1: op = kUsat16; break;
        case (6 << 3) | 3: op = kUxtb; break;
        case (7 << 3) | 1: set_media(o, kRbit, rd, 0, rm); return;
        case (7 << 3) | 3: op = kUxth; break;
        case (7 << 3) | 5: set_media(o, kRevsh, rd, 0, rm); return;
        default: break;
        }
        if (op == kSsat16 || op == kUsat16) {
            set_media(o, op, rd, rm, 0);
            o.imm = bits(x, 19, 16) + (op == kSsat16 ? 1 : 0);
            return;
        }
        if (op >= 0) {
            set_media(o, op, rd, rn, rm);
            o.shamt = static_cast<std::uint8_t>(rot);
            return;
        }
        set_undef(o);
        return;
    }
    if (op1 < 24) {  // signed multiplies, divide
        const unsigned ra = bits(x, 15, 12);
        o.rd = static_cast<std::uint8_t>(rn);  // Rd is bits 19:16 here
        o.ra = static_cast<std::uint8_t>(ra);
        o.rm = static_cast<std::uint8_t>(bits(x, 11, 8));
        o.rn = static_cast<std::uint8_t>(rm);
        o.flags = static_cast<std::uint8_t>(bit(x, 5) << 1);
        int op = -1;
        switch (((op1 & 7) << 3) | op2) {
        case 0x00: case 0x01: op = ra == 15 ? kSmuad : kSmlad; break;
        case 0x02: case 0x03: op = ra == 15 ? kSmusd : kSmlsd; break;
        case 0x08: op = kSdiv; break;
        case 0x18: op = kUdiv; break;
        case 0x20: case 0x21: op = kSmlald; break;
        case 0x22: case 0x23: op = kSmlsld; break;
        case 0x28: case 0x29: op = ra == 15 ? kSmmul : kSmmla; break;
        case 0x2e: case 0x2f: op = kSmmls; break;
        default: break;
        }
        if (op < 0) { set_undef(o); return; }
        o.fn = sel_mul(op);
        return;
    }
    if (op1 == 24 && op2 == 0) {
        const unsigned ra = bits(x, 15, 12);
        o.rd = static_cast<std::uint8_t>(rn);
        o.ra = static_cast<std::uint8_t>(ra);
        o.rm = static_cast<std::uint8_t>(bits(x, 11, 8));
        o.rn = static_cast<std::uint8_t>(rm);
        o.fn = sel_mul(ra == 15 ? kUsad8 : kUsada8);
        return;
    }
    if ((op1 & 0x1e) == 0x1a && (op2 & 3) == 2) {  // SBFX
        set_media(o, kSbfx, rd, rm, 0);
        o.shamt = static_cast<std::uint8_t>(bits(x, 11, 7));
        o.imm = bits(x, 20, 16) + 1;
        return;
    }
    if ((op1 & 0x1e) == 0x1c && (op2 & 3) == 0) {  // BFC / BFI
        set_media(o, rm == 15 ? kBfc : kBfi, rd, rm, 0);
        o.shamt = static_cast<std::uint8_t>(bits(x, 11, 7));
        o.imm = bits(x, 20, 16);
        return;
    }
    if ((op1 & 0x1e) == 0x1e && (op2 & 3) == 2) {  // UBFX
        set_media(o, kUbfx, rd, rm, 0);
        o.shamt = static_cast<std::uint8_t>(bits(x, 11, 7));
        o.imm = bits(x, 20, 16) + 1;
        return;
    }
    set_undef(o);  // includes UDF
}

void block_transfer(u32 x, Insn& o) {
    o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
    o.imm = bits(x, 15, 0);
    o.flags = static_cast<std::uint8_t>((bit(x, 23) ? kLsU : 0) | (bit(x, 24) ? kLsP : 0) |
                                        (bit(x, 21) ? kLsW : 0) | (bit(x, 22) ? kLdmUser : 0));
    const bool load = bit(x, 20);
    if (o.imm == 0) { set_undef(o); return; }
    o.fn = sel_ldm(load);
    if (load && (o.imm & 0x8000)) o.ends = 1;
}

void coprocessor(u32 x, Insn& o) {
    const unsigned op1 = bits(x, 25, 20), cp = bits(x, 11, 8);
    if ((op1 & 0x30) == 0x30) {  // SVC
        o.imm = bits(x, 23, 0);
        o.fn = sel_svc();
        o.ends = 1;
        return;
    }
    if ((op1 & 0x3e) == 0) { set_undef(o); return; }
    if ((cp & 0xe) == 0xa) {
        o.fn = sel_vfp();
        return;
    }
    set_coproc(x, o, cp);
}

void unconditional(u32 x, Insn& o) {
    o.cond = 14;
    const unsigned op1 = bits(x, 27, 20);
    if ((op1 & 0x80) == 0) {
        const unsigned o7 = op1 & 0x7f, op2 = bits(x, 7, 4);
        if (o7 == 0x10) {
            if (bit(x, 16) == 0 && (op2 & 2) == 0) {  // CPS
                const unsigned imod = bits(x, 19, 18);
                o.flags = static_cast<std::uint8_t>((imod == 2 ? 1 : 0) | (imod == 3 ? 2 : 0) |
                                                    (bit(x, 8) << 2) | (bit(x, 7) << 3) | (bit(x, 6) << 4) |
                                                    (bit(x, 17) << 5));
                o.imm = bits(x, 4, 0);
                o.fn = sel_cps();
                o.ends = 1;
                return;
            }
            if (bit(x, 16) && op2 == 0) {
                o.flags = static_cast<std::uint8_t>(bit(x, 9));
                o.fn = sel_setend();
                return;
            }
        }
        if (o7 == 0x57) {
            switch (op2) {
            case 1: o.fn = sel_clrex(); return;
            case 4: case 5: o.fn = sel_nop(); return;
            case 6: o.fn = sel_hint(5); o.ends = 1; return;
            default: break;
            }
        }
        // Memory hints: PLI/PLD/PLDW (immediate, literal and register forms) are no-ops.
        if ((o7 & 0x77) == 0x45 || (o7 & 0x77) == 0x51 || (o7 & 0x77) == 0x55 ||
            (((o7 & 0x77) == 0x61 || (o7 & 0x77) == 0x65 || (o7 & 0x77) == 0x71 || (o7 & 0x77) == 0x75) && (op2 & 1) == 0) ||
            (o7 & 0x77) == 0x41) {
            o.fn = sel_nop();
            return;
        }
        set_undef(o);  // Advanced SIMD and unallocated
        return;
    }
    if ((op1 & 0xe5) == 0x84) {  // SRS
        o.imm = bits(x, 4, 0);
        o.flags = static_cast<std::uint8_t>((bit(x, 23) ? kLsU : 0) | (bit(x, 24) ? kLsP : 0) | (bit(x, 21) ? kLsW : 0));
        o.fn = sel_srs();
        return;
    }
    if ((op1 & 0xe5) == 0x81) {  // RFE
        o.rn = static_cast<std::uint8_t>(bits(x, 19, 16));
        o.flags = static_cast<std::uint8_t>((bit(x, 23) ? kLsU : 0) | (bit(x, 24) ? kLsP : 0) | (bit(x, 21) ? kLsW : 0));
        o.fn = sel_rfe();
        o.ends = 1;
        return;
    }
    if ((op1 & 0xe0) == 0xa0) {  // BLX immediate
        o.imm = static_cast<u32>(sext(bits(x, 23, 0), 24) << 2) | (bit(x, 24) << 1);
        o.fn = sel_bl(true);
        o.ends = 1;
        return;
    }
    set_undef(o);  // MCR2/MRC2/LDC2/STC2/CDP2: no such coprocessor functions
}

}  // namespace

void a32_decode(u32 x, Insn& o) {
    o = Insn{};
    o.raw = x;
    o.size = 4;
    o.cond = static_cast<std::uint8_t>(x >> 28);
    if (o.cond == 15) {
        unconditional(x, o);
        return;
    }
    switch (bits(x, 27, 25)) {
    case 0: case 1: data_processing_and_misc(x, o); break;
    case 2: ldst_word_byte(x, o); break;
    case 3:
        if (bit(x, 4)) media(x, o);
        else ldst_word_byte(x, o);
        break;
    case 4:
        block_transfer(x, o);
        break;
    case 5:
        o.imm = static_cast<u32>(sext(bits(x, 23, 0), 24) << 2);
        o.fn = bit(x, 24) ? sel_bl(false) : sel_b();
        o.ends = 1;
        break;
    default: coprocessor(x, o); break;
    }
}

}  // namespace emu::arm
