// T32 decoder, 16-bit encodings (ARM ARM A6.2), and the T32 entry point that handles the IT
// state: inside an IT block each instruction gets the block's condition statically and the
// "S unless in IT block" encodings do not set flags.
#include <cstdint>

#include "arm_state.h"
#include "decode_util.h"
#include "insn.h"

namespace emu::arm {

void t32_decode32(std::uint32_t x, Insn& o);  // t32_decode32.cpp

namespace {

using u32 = std::uint32_t;
using u8 = std::uint8_t;

void dp16(Insn& o, int op, int kind, bool s, u32 rd, u32 rn) {
    o.rd = static_cast<u8>(rd);
    o.rn = static_cast<u8>(rn);
    set_dp(o, op, kind, s, false);
}

void ldst16(Insn& o, unsigned size, bool sign, bool load, u32 rt, u32 rn, u32 imm) {
    o.rd = static_cast<u8>(rt);
    o.rn = static_cast<u8>(rn);
    o.imm = imm;
    o.flags = kLsU | kLsP;
    set_ldst(o, size, sign, load);
}

void shift_add_sub_mov_cmp(u32 x, bool s, Insn& o) {
    const u32 op = bits(x, 13, 9), rd = bits(x, 2, 0), rn = bits(x, 5, 3);
    if (op < 12) {  // LSL/LSR/ASR immediate
        o.rm = static_cast<u8>(rn);
        const bool shifted = decode_imm_shift(op >> 2, bits(x, 10, 6), o);
        dp16(o, kMov, shifted ? kOpRegImmShift : kOpReg, s, rd, 0);
        return;
    }
    switch (op) {
    case 12: o.rm = static_cast<u8>(bits(x, 8, 6)); dp16(o, kAdd, kOpReg, s, rd, rn); return;
    case 13: o.rm = static_cast<u8>(bits(x, 8, 6)); dp16(o, kSub, kOpReg, s, rd, rn); return;
    case 14: o.imm = bits(x, 8, 6); dp16(o, kAdd, kOpImm, s, rd, rn); return;
    case 15: o.imm = bits(x, 8, 6); dp16(o, kSub, kOpImm, s, rd, rn); return;
    default: break;
    }
    const u32 rdn = bits(x, 10, 8);
    o.imm = bits(x, 7, 0);
    switch (op >> 2) {
    case 4: dp16(o, kMov, kOpImm, s, rdn, 0); return;
    case 5: dp16(o, kCmp, kOpImm, true, 0, rdn); return;
    case 6: dp16(o, kAdd, kOpImm, s, rdn, rdn); return;
    default: dp16(o, kSub, kOpImm, s, rdn, rdn); return;
    }
}

void data_processing16(u32 x, bool s, Insn& o) {
    const u32 op = bits(x, 9, 6), rm = bits(x, 5, 3), rdn = bits(x, 2, 0);
    o.rm = static_cast<u8>(rm);
    switch (op) {
    case 0: dp16(o, kAnd, kOpReg, s, rdn, rdn); return;
    case 1: dp16(o, kEor, kOpReg, s, rdn, rdn); return;
    case 2: case 3: case 4: case 7: {  // shifts by register: MOV Rdn, Rdn, <shift> Rm
        static const u8 types[8] = {0, 0, kShLsl, kShLsr, kShAsr, 0, 0, kShRor};
        o.rm = static_cast<u8>(rdn);
        o.ra = static_cast<u8>(rm);
        o.shift = types[op];
        dp16(o, kMov, kOpRegRegShift, s, rdn, 0);
        return;
    }
    case 5: dp16(o, kAdc, kOpReg, s, rdn, rdn); return;
    case 6: dp16(o, kSbc, kOpReg, s, rdn, rdn); return;
    case 8: dp16(o, kTst, kOpReg, true, 0, rdn); return;
    case 9: o.imm = 0; dp16(o, kRsb, kOpImm, s, rdn, rm); return;
    case 10: dp16(o, kCmp, kOpReg, true, 0, rdn); return;
    case 11: dp16(o, kCmn, kOpReg, true, 0, rdn); return;
    case 12: dp16(o, kOrr, kOpReg, s, rdn, rdn); return;
    case 13:
        o.rd = static_cast<u8>(rdn);
        o.rn = static_cast<u8>(rm);
        o.rm = static_cast<u8>(rdn);
        o.flags = s ? 1 : 0;
        o.fn = sel_mul(kMul);
        return;
    case 14: dp16(o, kBic, kOpReg, s, rdn, rdn); return;
    default: dp16(o, kMvn, kOpReg, s, rdn, 0); return;
    }
}

void special_data_branch(u32 x, Insn& o) {
    const u32 op = bits(x, 9, 6);
    const u32 rm = bits(x, 6, 3), rdn = (bit(x, 7) << 3) | bits(x, 2, 0);
    o.rm = static_cast<u8>(rm);
    if (op < 4) { dp16(o, kAdd, kOpReg, false, rdn, rdn); return; }
    if (op < 8) {
        if (op == 4) { set_undef(o); return; }
        dp16(o, kCmp, kOpReg, true, 0, rdn);
        return;
    }
    if (op < 12) { dp16(o, kMov, kOpReg, false, rdn, 0); return; }
    o.fn = sel_bx(op >= 14);
    o.ends = 1;
}

void misc16(u32 x, bool in_it, Insn& o) {
    const u32 op = bits(x, 11, 5);
    if ((op & 0x7c) == 0x00) {  // ADD SP, SP, #imm7*4
        o.imm = bits(x, 6, 0) << 2;
        dp16(o, kAdd, kOpImm, false, 13, 13);
        return;
    }
    if ((op & 0x7c) == 0x04) {  // SUB SP, SP, #imm7*4
        o.imm = bits(x, 6, 0) << 2;
        dp16(o, kSub, kOpImm, false, 13, 13);
        return;
    }
    if ((op & 0x28) == 0x08) {  // CBZ / CBNZ: op1 = bit 11, bits 9 = i, bit 8 = 1
        o.rn = static_cast<u8>(bits(x, 2, 0));
        o.imm = (bit(x, 9) << 6) | (bits(x, 7, 3) << 1);
        o.fn = sel_cbz(bit(x, 11));
        if (in_it) set_undef(o);
        return;
    }
    if ((op & 0x78) == 0x10) {  // SXTH/SXTB/UXTH/UXTB
        static const int ops[4] = {kSxth, kSxtb, kUxth, kUxtb};
        set_media(o, ops[bits(x, 7, 6)], bits(x, 2, 0), 15, bits(x, 5, 3));
        return;
    }
    if ((op & 0x70) == 0x20) {  // PUSH
        o.rn = 13;
        o.imm = bits(x, 7, 0) | (bit(x, 8) << 14);
        o.flags = kLsP | kLsW;
        o.fn = sel_ldm(false);
        return;
    }
    if (op == 0x32) {  // SETEND
        o.flags = static_cast<u8>(bit(x, 3));
        o.fn = sel_setend();
        return;
    }
    if (op == 0x33) {  // CPS
        o.flags = static_cast<u8>((bit(x, 4) ? 2 : 1) | (bit(x, 2) << 2) | (bit(x, 1) << 3) | (bit(x, 0) << 4));
        o.fn = sel_cps();
        o.ends = 1;
        return;
    }
    if ((op & 0x78) == 0x50) {  // REV, REV16, -, REVSH
        static const int ops[4] = {kRev, kRev16, -1, kRevsh};
        const int m = ops[bits(x, 7, 6)];
        if (m < 0) { set_undef(o); return; }
        set_media(o, m, bits(x, 2, 0), 0, bits(x, 5, 3));
        return;
    }
    if ((op & 0x70) == 0x60) {  // POP
        o.rn = 13;
        o.imm = bits(x, 7, 0) | (bit(x, 8) << 15);
        o.flags = kLsU | kLsW;
        o.fn = sel_ldm(true);
        if (bit(x, 8)) o.ends = 1;
        return;
    }
    if ((op & 0x78) == 0x70) {  // BKPT
        o.imm = bits(x, 7, 0);
        o.fn = sel_bkpt();
        o.ends = 1;
        return;
    }
    if ((op & 0x78) == 0x78) {  // IT and hints
        if (bits(x, 3, 0) != 0) {
            o.fn = sel_it();
            o.cond = 14;
            o.it_next = static_cast<u8>(bits(x, 7, 0));
            return;
        }
        set_hint(o, bits(x, 7, 4));
        return;
    }
    set_undef(o);
}

void decode16(u32 x, std::uint32_t it, Insn& o) {
    const bool s = it == 0;
    const u32 op = bits(x, 15, 10);
    if ((op & 0x30) == 0x00) { shift_add_sub_mov_cmp(x, s, o); return; }
    if (op == 0x10) { data_processing16(x, s, o); return; }
    if (op == 0x11) { special_data_branch(x, o); return; }
    if ((op & 0x3e) == 0x12) {  // LDR literal
        o.rd = static_cast<u8>(bits(x, 10, 8));
        o.rn = 15;
        o.imm = bits(x, 7, 0) << 2;
        o.flags = kLsU | kLsP | kLsAlignPc;
        set_ldst(o, 4, false, true);
        return;
    }
    const u32 opa = bits(x, 15, 12), opb = bits(x, 11, 9);
    const u32 rt = bits(x, 2, 0), rn = bits(x, 5, 3);
    switch (opa) {
    case 5: {  // register offset
        static const u8 sizes[8] = {4, 2, 1, 1, 4, 2, 1, 2};
        static const bool loads[8] = {false, false, false, true, true, true, true, true};
        static const bool signs[8] = {false, false, false, true, false, false, false, true};
        o.rd = static_cast<u8>(rt);
        o.rn = static_cast<u8>(rn);
        o.rm = static_cast<u8>(bits(x, 8, 6));
        o.flags = kLsU | kLsP | kLsReg;
        set_ldst(o, sizes[opb], signs[opb], loads[opb]);
        return;
    }
    case 6: ldst16(o, 4, false, bit(x, 11), rt, rn, bits(x, 10, 6) << 2); return;
    case 7: ldst16(o, 1, false, bit(x, 11), rt, rn, bits(x, 10, 6)); return;
    case 8: ldst16(o, 2, false, bit(x, 11), rt, rn, bits(x, 10, 6) << 1); return;
    case 9: ldst16(o, 4, false, bit(x, 11), bits(x, 10, 8), 13, bits(x, 7, 0) << 2); return;
    case 10:
        if (!bit(x, 11)) {  // ADR
            o.imm = bits(x, 7, 0) << 2;
            set_media(o, kAdr, bits(x, 10, 8), 15, 0);
        } else {  // ADD Rd, SP, #imm
            o.imm = bits(x, 7, 0) << 2;
            dp16(o, kAdd, kOpImm, false, bits(x, 10, 8), 13);
        }
        return;
    case 11: misc16(x, it != 0, o); return;
    case 12: {  // STM / LDM (IA, writeback unless the base is loaded)
        o.rn = static_cast<u8>(bits(x, 10, 8));
        o.imm = bits(x, 7, 0);
        const bool load = bit(x, 11);
        o.flags = static_cast<u8>(kLsU | ((!load || !(o.imm & (1u << o.rn))) ? kLsW : 0));
        if (o.imm == 0) { set_undef(o); return; }
        o.fn = sel_ldm(load);
        return;
    }
    case 13: {
        const u32 cond = bits(x, 11, 8);
        if (cond == 14) { set_undef(o); return; }  // UDF
        if (cond == 15) {
            o.imm = bits(x, 7, 0);
            o.fn = sel_svc();
            o.ends = 1;
            return;
        }
        o.cond = static_cast<u8>(cond);
        o.imm = static_cast<u32>(sext(bits(x, 7, 0), 8) << 1);
        o.fn = sel_b();
        o.ends = 1;
        if (it) set_undef(o);
        return;
    }
    case 14:
        if (!bit(x, 11)) {
            o.imm = static_cast<u32>(sext(bits(x, 10, 0), 11) << 1);
            o.fn = sel_b();
            o.ends = 1;
            return;
        }
        break;
    default: break;
    }
    set_undef(o);
}

}  // namespace

void t32_decode(std::uint16_t hw1, std::uint16_t hw2, std::uint32_t it, Insn& o) {
    o = Insn{};
    o.it = static_cast<u8>(it);
    o.it_next = static_cast<u8>(it_advance(it));
    u32 cond = it ? (it >> 4) & 15 : 14;
    o.cond = static_cast<u8>(cond == 15 ? 14 : cond);
    if (t32_is_32bit(hw1)) {
        o.size = 4;
        o.raw = (static_cast<u32>(hw1) << 16) | hw2;
        t32_decode32(o.raw, o);
    } else {
        o.size = 2;
        o.raw = hw1;
        decode16(hw1, it, o);
    }
}

}  // namespace emu::arm
