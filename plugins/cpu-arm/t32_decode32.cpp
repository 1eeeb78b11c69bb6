// T32 decoder, 32-bit encodings (ARM ARM A6.3). x = hw1 << 16 | hw2.
#include <cstdint>

#include "decode_util.h"
#include "insn.h"

namespace emu::arm {

namespace {

using u32 = std::uint32_t;
using u8 = std::uint8_t;

inline u32 h1(u32 x, int hi, int lo) { return bits(x, hi + 16, lo + 16); }
inline u32 h1b(u32 x, int b) { return bit(x, b + 16); }

// ThumbExpandImm_C: value, and whether the carry-out is bit 31 of the value.
u32 thumb_expand_imm(u32 imm12, bool& rotated) {
    rotated = false;
    const u32 imm8 = imm12 & 0xff;
    if ((imm12 >> 10) == 0) {
        switch ((imm12 >> 8) & 3) {
        case 0: return imm8;
        case 1: return imm8 | (imm8 << 16);
        case 2: return (imm8 << 8) | (imm8 << 24);
        default: return imm8 | (imm8 << 8) | (imm8 << 16) | (imm8 << 24);
        }
    }
    rotated = true;
    return ror(0x80 | (imm12 & 0x7f), imm12 >> 7);
}

// Shared opcode table of the modified-immediate and shifted-register classes.
bool dp_op(u32 op, u32 rn, u32 rd, bool s, int& dop, bool& compare) {
    compare = false;
    switch (op) {
    case 0: if (rd == 15 && s) { dop = kTst; compare = true; } else dop = kAnd; return true;
    case 1: dop = kBic; return true;
    case 2: dop = rn == 15 ? kMov : kOrr; return true;
    case 3: dop = rn == 15 ? kMvn : kOrn; return true;
    case 4: if (rd == 15 && s) { dop = kTeq; compare = true; } else dop = kEor; return true;
    case 8: if (rd == 15 && s) { dop = kCmn; compare = true; } else dop = kAdd; return true;
    case 10: dop = kAdc; return true;
    case 11: dop = kSbc; return true;
    case 13: if (rd == 15 && s) { dop = kCmp; compare = true; } else dop = kSub; return true;
    case 14: dop = kRsb; return true;
    default: return false;
    }
}

void dp_modified_imm(u32 x, Insn& o) {
    const u32 op = h1(x, 8, 5), rn = h1(x, 3, 0), rd = bits(x, 11, 8);
    const bool s = h1b(x, 4);
    int dop;
    bool cmp;
    if (!dp_op(op, rn, rd, s, dop, cmp)) { set_undef(o); return; }
    bool rotated;
    o.imm = thumb_expand_imm((h1b(x, 10) << 11) | (bits(x, 14, 12) << 8) | bits(x, 7, 0), rotated);
    o.rd = static_cast<u8>(cmp ? 0 : rd);
    o.rn = static_cast<u8>(rn);
    set_dp(o, dop, kOpImm, s, rotated);
}

void dp_shifted_reg(u32 x, Insn& o) {
    const u32 op = h1(x, 8, 5), rn = h1(x, 3, 0), rd = bits(x, 11, 8);
    const bool s = h1b(x, 4);
    const u32 imm5 = (bits(x, 14, 12) << 2) | bits(x, 7, 6), type = bits(x, 5, 4);
    o.rm = static_cast<u8>(bits(x, 3, 0));
    if (op == 6) {  // PKHBT / PKHTB
        set_media(o, bit(x, 5) ? kPkhtb : kPkhbt, rd, rn, o.rm);
        o.shamt = static_cast<u8>(imm5);
        return;
    }
    int dop;
    bool cmp;
    if (!dp_op(op, rn, rd, s, dop, cmp)) { set_undef(o); return; }
    const bool shifted = decode_imm_shift(type, imm5, o);
    o.rd = static_cast<u8>(cmp ? 0 : rd);
    o.rn = static_cast<u8>(rn);
    set_dp(o, dop, shifted ? kOpRegImmShift : kOpReg, s, false);
}

void dp_plain_imm(u32 x, Insn& o) {
    const u32 op = h1(x, 8, 4), rn = h1(x, 3, 0), rd = bits(x, 11, 8);
    const u32 imm12 = (h1b(x, 10) << 11) | (bits(x, 14, 12) << 8) | bits(x, 7, 0);
    const u32 imm5 = (bits(x, 14, 12) << 2) | bits(x, 7, 6);
    switch (op) {
    case 0x00:  // ADDW / ADR
    case 0x0a:  // SUBW / ADR (sub)
        if (rn == 15) {
            o.imm = op == 0 ? imm12 : 0u - imm12;
            set_media(o, kAdr, rd, 15, 0);
            return;
        }
        o.imm = imm12;
        o.rd = static_cast<u8>(rd);
        o.rn = static_cast<u8>(rn);
        set_dp(o, op == 0 ? kAdd : kSub, kOpImm, false, false);
        return;
    case 0x04:
    case 0x0c:
        o.imm = (h1(x, 3, 0) << 12) | imm12;
        set_media(o, op == 4 ? kMovw : kMovt, rd, 0, 0);
        return;
    case 0x10: case 0x12: case 0x18: case 0x1a: {  // SSAT/SSAT16/USAT/USAT16
        const bool u = op >= 0x18;
        if ((op & 2) && imm5 == 0) {
            set_media(o, u ? kUsat16 : kSsat16, rd, rn, 0);
            o.imm = bits(x, 3, 0) + (u ? 0 : 1);
            return;
        }
        set_media(o, u ? kUsat : kSsat, rd, rn, 0);
        o.imm = bits(x, 4, 0) + (u ? 0 : 1);
        if (h1b(x, 5)) { o.shift = kShAsr; o.shamt = static_cast<u8>(imm5 ? imm5 : 32); }
        else { o.shift = kShLsl; o.shamt = static_cast<u8>(imm5); }
        return;
    }
    case 0x14:
    case 0x1c:
        set_media(o, op == 0x14 ? kSbfx : kUbfx, rd, rn, 0);
        o.shamt = static_cast<u8>(imm5);
        o.imm = bits(x, 4, 0) + 1;
        return;
    case 0x16:
        set_media(o, rn == 15 ? kBfc : kBfi, rd, rn, 0);
        o.shamt = static_cast<u8>(imm5);
        o.imm = bits(x, 4, 0);
        return;
    default: set_undef(o); return;
    }
}

void branches_misc(u32 x, Insn& o) {
    const u32 op = h1(x, 10, 4), op1 = bits(x, 14, 12);
    const u32 s = h1b(x, 10), j1 = bit(x, 13), j2 = bit(x, 11);
    if ((op1 & 5) == 0) {
        if ((op & 0x38) != 0x38) {  // B<cond> T3
            const u32 imm = (s << 20) | (j2 << 19) | (j1 << 18) | (h1(x, 5, 0) << 12) | (bits(x, 10, 0) << 1);
            o.imm = static_cast<u32>(sext(imm, 21));
            o.cond = static_cast<u8>(h1(x, 9, 6));
            o.fn = sel_b();
            o.ends = 1;
            return;
        }
        switch (op) {
        case 0x38: case 0x39:
            if (bit(x, 5)) {  // MSR (banked)
                o.imm = (bit(x, 4) << 4) | bits(x, 11, 8) | (h1b(x, 4) << 5);
                o.rn = static_cast<u8>(h1(x, 3, 0));
                o.fn = sel_msr_banked();
                return;
            }
            o.rn = static_cast<u8>(h1(x, 3, 0));
            o.flags = static_cast<u8>(bits(x, 11, 8));
            o.fn = sel_msr(h1b(x, 4), false);
            o.ends = 1;
            return;
        case 0x3a:
            if (bits(x, 10, 8) != 0) {  // CPS
                const u32 imod = bits(x, 10, 9);
                o.flags = static_cast<u8>((imod == 2 ? 1 : 0) | (imod == 3 ? 2 : 0) | (bit(x, 7) << 2) |
                                          (bit(x, 6) << 3) | (bit(x, 5) << 4) | (bit(x, 8) << 5));
                o.imm = bits(x, 4, 0);
                o.fn = sel_cps();
                o.ends = 1;
                return;
            }
            set_hint(o, bits(x, 7, 0));
            return;
        case 0x3b:
            switch (bits(x, 7, 4)) {
            case 2: o.fn = sel_clrex(); return;
            case 4: case 5: o.fn = sel_nop(); return;
            case 6: o.fn = sel_hint(5); o.ends = 1; return;
            default: set_undef(o); return;
            }
        case 0x3c:  // BXJ
            o.rm = static_cast<u8>(h1(x, 3, 0));
            o.fn = sel_bx(false);
            o.ends = 1;
            return;
        case 0x3d:  // SUBS PC, LR, #imm8 (ERET)
            o.rn = static_cast<u8>(h1(x, 3, 0));
            o.imm = bits(x, 7, 0);
            o.fn = sel_exception_return();
            o.ends = 1;
            return;
        case 0x3e: case 0x3f:
            o.rd = static_cast<u8>(bits(x, 11, 8));
            if (bit(x, 5)) {  // MRS (banked)
                o.imm = (bit(x, 4) << 4) | h1(x, 3, 0) | (h1b(x, 4) << 5);
                o.fn = sel_mrs_banked();
                return;
            }
            o.fn = sel_mrs(h1b(x, 4));
            return;
        case 0x7e:  // HVC
            if (op1 == 0) {
                o.imm = (h1(x, 3, 0) << 12) | bits(x, 11, 0);
                o.fn = sel_hvc_smc(false);
                o.ends = 1;
                return;
            }
            break;
        case 0x7f:  // SMC
            if (op1 == 0) {
                o.imm = h1(x, 3, 0);
                o.fn = sel_hvc_smc(true);
                o.ends = 1;
                return;
            }
            break;
        default: break;
        }
        set_undef(o);  // includes UDF (op1 = 010)
        return;
    }
    const u32 i1 = (~(j1 ^ s)) & 1, i2 = (~(j2 ^ s)) & 1;
    const u32 imm = (s << 24) | (i1 << 23) | (i2 << 22) | (h1(x, 9, 0) << 12) | (bits(x, 10, 0) << 1);
    o.imm = static_cast<u32>(sext(imm, 25));
    o.ends = 1;
    if ((op1 & 5) == 1) { o.fn = sel_b(); return; }        // B T4
    if ((op1 & 5) == 5) { o.fn = sel_bl(false); return; }  // BL
    if (bit(x, 0)) { set_undef(o); return; }
    o.fn = sel_bl(true);  // BLX immediate (to ARM)
}

void ldm_stm(u32 x, Insn& o) {
    const u32 op = h1(x, 8, 7);
    const bool l = h1b(x, 4), w = h1b(x, 5);
    o.rn = static_cast<u8>(h1(x, 3, 0));
    if (op == 0 || op == 3) {  // SRS / RFE
        o.flags = static_cast<u8>((op == 3 ? kLsU : kLsP) | (w ? kLsW : 0));
        if (l) { o.fn = sel_rfe(); o.ends = 1; }
        else { o.imm = bits(x, 4, 0); o.fn = sel_srs(); }
        return;
    }
    o.imm = bits(x, 15, 0);
    o.flags = static_cast<u8>((op == 1 ? kLsU : kLsP) | (w ? kLsW : 0));
    if (o.imm == 0) { set_undef(o); return; }
    o.fn = sel_ldm(l);
    if (l && (o.imm & 0x8000)) o.ends = 1;
}

void dual_excl_tb(u32 x, Insn& o) {
    const u32 op1 = h1(x, 8, 7), op2 = h1(x, 5, 4), op3 = bits(x, 7, 4);
    const u32 rn = h1(x, 3, 0), rt = bits(x, 15, 12), rt2 = bits(x, 11, 8);
    o.rn = static_cast<u8>(rn);
    if (op1 == 0 && op2 == 0) {  // STREX
        o.rd = static_cast<u8>(rt2);
        o.rm = static_cast<u8>(rt);
        o.imm = bits(x, 7, 0) << 2;
        o.fn = sel_excl(4, false);
        return;
    }
    if (op1 == 0 && op2 == 1) {  // LDREX
        o.rd = static_cast<u8>(rt);
        o.imm = bits(x, 7, 0) << 2;
        o.fn = sel_excl(4, true);
        return;
    }
    if ((op1 & 2) || (op2 & 2)) {  // LDRD / STRD (immediate, literal)
        const bool p = h1b(x, 8), u = h1b(x, 7), w = h1b(x, 5), load = h1b(x, 4);
        const u32 imm = bits(x, 7, 0) << 2;
        o.rd = static_cast<u8>(rt);
        o.ra = static_cast<u8>(rt2);
        o.imm = u ? imm : 0u - imm;
        o.flags = static_cast<u8>((u ? kLsU : 0) | (p ? kLsP : 0) | (w ? kLsW : 0) | (rn == 15 ? kLsAlignPc : 0));
        o.fn = sel_ldrd(load);
        return;
    }
    if (op1 == 1 && op2 == 0) {  // STREXB/H/D
        o.rd = static_cast<u8>(bits(x, 3, 0));
        o.rm = static_cast<u8>(rt);
        o.ra = static_cast<u8>(rt2);
        switch (op3) {
        case 4: o.fn = sel_excl(1, false); return;
        case 5: o.fn = sel_excl(2, false); return;
        case 7: o.fn = sel_excl(8, false); return;
        default: set_undef(o); return;
        }
    }
    // op1 == 1 && op2 == 1: TBB/TBH, LDREXB/H/D
    o.rd = static_cast<u8>(rt);
    o.ra = static_cast<u8>(rt2);
    switch (op3) {
    case 0: case 1:
        o.rm = static_cast<u8>(bits(x, 3, 0));
        o.flags = static_cast<u8>(op3);
        o.fn = sel_tbb();
        o.ends = 1;
        return;
    case 4: o.fn = sel_excl(1, true); return;
    case 5: o.fn = sel_excl(2, true); return;
    case 7: o.fn = sel_excl(8, true); return;
    default: set_undef(o); return;
    }
}

// Loads and stores of single items (A6.3.7-A6.3.10).
void ldst_single(u32 x, Insn& o) {
    const bool load = h1b(x, 4), sign = h1b(x, 8);
    const u32 size_code = h1(x, 6, 5);
    if (size_code == 3 || (!load && sign)) { set_undef(o); return; }
    const unsigned size = 1u << size_code;
    const u32 rn = h1(x, 3, 0), rt = bits(x, 15, 12);
    o.rd = static_cast<u8>(rt);
    o.rn = static_cast<u8>(rn);
    u8 f;
    if (rn == 15) {
        if (!load) { set_undef(o); return; }
        const u32 imm = bits(x, 11, 0);
        o.imm = h1b(x, 7) ? imm : 0u - imm;
        f = kLsU | kLsP | kLsAlignPc;
    } else if (h1b(x, 7)) {  // imm12
        o.imm = bits(x, 11, 0);
        f = kLsU | kLsP;
    } else if (bit(x, 11)) {  // imm8 with P/U/W
        const bool p = bit(x, 10), u = bit(x, 9), w = bit(x, 8);
        const u32 imm = bits(x, 7, 0);
        o.imm = u ? imm : 0u - imm;
        if (p && u && !w) f = kLsU | kLsP | kLsUser;  // LDRT/STRT family
        else {
            if (!p && !w) { set_undef(o); return; }
            f = static_cast<u8>((u ? kLsU : 0) | (p ? kLsP : 0) | (w ? kLsW : 0));
        }
    } else if (bits(x, 11, 6) == 0) {  // register, LSL #imm2
        o.rm = static_cast<u8>(bits(x, 3, 0));
        o.shift = kShLsl;
        o.shamt = static_cast<u8>(bits(x, 5, 4));
        f = kLsU | kLsP | kLsReg;
    } else {
        set_undef(o);
        return;
    }
    if (load && rt == 15 && size != 4) {  // PLD/PLI/PLDW
        o = Insn{o.fn, 0, o.raw, 0, o.cond, o.size, 0, 0, 0, 0, 0, 0, 0, o.it, o.it_next, 0};
        o.fn = sel_nop();
        return;
    }
    o.flags = f;
    set_ldst(o, size, sign, load);
}

void dp_register(u32 x, Insn& o) {
    const u32 op1 = h1(x, 7, 4), op2 = bits(x, 7, 4);
    const u32 rn = h1(x, 3, 0), rd = bits(x, 11, 8), rm = bits(x, 3, 0);
    if ((op1 & 8) == 0 && op2 == 0) {  // shifts by register
        o.rm = static_cast<u8>(rn);
        o.ra = static_cast<u8>(rm);
        o.shift = static_cast<u8>((op1 >> 1) & 3);
        o.rd = static_cast<u8>(rd);
        set_dp(o, kMov, kOpRegRegShift, op1 & 1, false);
        return;
    }
    if ((op1 & 8) == 0 && (op2 & 8)) {  // extends
        static const int ops[8] = {kSxth, kUxth, kSxtb16, kUxtb16, kSxtb, kUxtb, -1, -1};
        const int m = ops[op1 & 7];
        if (m < 0) { set_undef(o); return; }
        set_media(o, m, rd, rn, rm);
        o.shamt = static_cast<u8>(bits(x, 5, 4) * 8);
        return;
    }
    if ((op1 & 8) && (op2 & 8) == 0) {  // parallel add/subtract
        static const int ops[8] = {4, 0, 1, -1, 7, 3, 2, -1};
        const int pop = ops[op1 & 7];
        const u32 pre = bits(x, 6, 4);
        static const u32 prefixes[8] = {kParS, kParQ, kParSH, 0, kParU, kParUQ, kParUH, 0};
        if (pop < 0 || prefixes[pre] == 0) { set_undef(o); return; }
        set_media(o, kParallel, rd, rn, rm);
        o.imm = prefixes[pre];
        o.flags = static_cast<u8>(pop);
        return;
    }
    if ((op1 & 0xc) == 0x8 && (op2 & 0xc) == 0x8) {  // miscellaneous
        const u32 a = op1 & 3, b = op2 & 3;
        static const int ops[4][4] = {{kQadd, kQdadd, kQsub, kQdsub},
                                      {kRev, kRev16, kRbit, kRevsh},
                                      {kSel, -1, -1, -1},
                                      {kClz, -1, -1, -1}};
        const int m = ops[a][b];
        if (m < 0) { set_undef(o); return; }
        set_media(o, m, rd, rn, rm);
        return;
    }
    set_undef(o);
}

void multiply32(u32 x, Insn& o) {
    const u32 op1 = h1(x, 6, 4), op2 = bits(x, 5, 4), ra = bits(x, 15, 12);
    o.rd = static_cast<u8>(bits(x, 11, 8));
    o.ra = static_cast<u8>(ra);
    o.rn = static_cast<u8>(h1(x, 3, 0));
    o.rm = static_cast<u8>(bits(x, 3, 0));
    int op = -1;
    switch (op1) {
    case 0: op = op2 == 0 ? (ra == 15 ? kMul : kMla) : op2 == 1 ? kMls : -1; break;
    case 1:
        op = ra == 15 ? kSmulxy : kSmlaxy;
        o.flags = static_cast<u8>((bit(x, 5) << 1) | (bit(x, 4) << 2));
        break;
    case 2: if (op2 < 2) { op = ra == 15 ? kSmuad : kSmlad; o.flags = static_cast<u8>(bit(x, 4) << 1); } break;
    case 3:
        if (op2 < 2) { op = ra == 15 ? kSmulwy : kSmlawy; o.flags = static_cast<u8>(bit(x, 4) << 2); }
        break;
    case 4: if (op2 < 2) { op = ra == 15 ? kSmusd : kSmlsd; o.flags = static_cast<u8>(bit(x, 4) << 1); } break;
    case 5: if (op2 < 2) { op = ra == 15 ? kSmmul : kSmmla; o.flags = static_cast<u8>(bit(x, 4) << 1); } break;
    case 6: if (op2 < 2) { op = kSmmls; o.flags = static_cast<u8>(bit(x, 4) << 1); } break;
    case 7: if (op2 == 0) op = ra == 15 ? kUsad8 : kUsada8; break;
    default: break;
    }
    if (op < 0) { set_undef(o); return; }
    o.fn = sel_mul(op);
}

void long_multiply(u32 x, Insn& o) {
    const u32 op1 = h1(x, 6, 4), op2 = bits(x, 7, 4);
    o.ra = static_cast<u8>(bits(x, 15, 12));  // RdLo
    o.rd = static_cast<u8>(bits(x, 11, 8));   // RdHi / Rd
    o.rn = static_cast<u8>(h1(x, 3, 0));
    o.rm = static_cast<u8>(bits(x, 3, 0));
    int op = -1;
    switch (op1) {
    case 0: if (op2 == 0) op = kSmull; break;
    case 1: if (op2 == 15) op = kSdiv; break;
    case 2: if (op2 == 0) op = kUmull; break;
    case 3: if (op2 == 15) op = kUdiv; break;
    case 4:
        if (op2 == 0) op = kSmlal;
        else if ((op2 & 0xc) == 8) { op = kSmlalxy; o.flags = static_cast<u8>((bit(x, 5) << 1) | (bit(x, 4) << 2)); }
        else if ((op2 & 0xe) == 0xc) { op = kSmlald; o.flags = static_cast<u8>(bit(x, 4) << 1); }
        break;
    case 5: if ((op2 & 0xe) == 0xc) { op = kSmlsld; o.flags = static_cast<u8>(bit(x, 4) << 1); } break;
    case 6: if (op2 == 0) op = kUmlal; else if (op2 == 6) op = kUmaal; break;
    default: break;
    }
    if (op < 0) { set_undef(o); return; }
    o.fn = sel_mul(op);
}

void coprocessor32(u32 x, Insn& o) {
    if (h1b(x, 12) || (h1(x, 9, 8) == 3)) { set_undef(o); return; }  // *2 forms, Advanced SIMD
    const u32 a = (x & 0x0fffffffu) | 0xe0000000u;  // the A32 encoding with cond = AL
    const u32 op1 = bits(a, 25, 20), cp = bits(a, 11, 8);
    if ((op1 & 0x3e) == 0) { set_undef(o); return; }
    if ((cp & 0xe) == 0xa) {  // the handler derives the A32 form from raw (same bits 27-0)
        o.fn = sel_vfp();
        return;
    }
    set_coproc(a, o, cp);
}

}  // namespace

void t32_decode32(u32 x, Insn& o) {
    const u32 op1 = h1(x, 12, 11), op2 = h1(x, 10, 4), op = bit(x, 15);
    if (op1 == 1) {
        if ((op2 & 0x64) == 0x00) ldm_stm(x, o);
        else if ((op2 & 0x64) == 0x04) dual_excl_tb(x, o);
        else if ((op2 & 0x60) == 0x20) dp_shifted_reg(x, o);
        else coprocessor32(x, o);
        return;
    }
    if (op1 == 2) {
        if (op) branches_misc(x, o);
        else if (op2 & 0x20) dp_plain_imm(x, o);
        else dp_modified_imm(x, o);
        return;
    }
    if ((op2 & 0x71) == 0x10) { set_undef(o); return; }  // Advanced SIMD element load/store
    if ((op2 & 0x60) == 0x00) { ldst_single(x, o); return; }
    if ((op2 & 0x70) == 0x20) { dp_register(x, o); return; }
    if ((op2 & 0x78) == 0x30) { multiply32(x, o); return; }
    if ((op2 & 0x78) == 0x38) { long_multiply(x, o); return; }
    coprocessor32(x, o);
}

}  // namespace emu::arm
