// The one decoded-instruction representation shared by the A32 and T32 decoders, and the
// handler selectors the decoders use to pick the (shared) execution function.
#pragma once

#include <cstdint>

namespace emu::arm {

class Cpu;
struct Insn;

// Handler return codes.
enum : int {
    kCont = 0,      // continue with the next instruction of the block
    kExit = 1,      // control flow changed: r[15], itstate and the mode are already set
    kExitNext = 2,  // leave the block; continue at the next instruction (state changed)
    kExitWfi = 3,   // WFI: leave the block at the next instruction and stop if idle
    kExitWfe = 4,   // WFE without event
};

using Handler = int (*)(Cpu&, const Insn&);

// Field conventions (per handler family, documented where the family is defined):
// rd/rn/rm/ra are register numbers (ra doubles as Rs / Rt2 / Rd-of-status), imm an immediate,
// offset, register list or auxiliary value, shift/shamt an immediate shift, flags family bits.
struct Insn {
    Handler fn;
    std::uint32_t imm;
    std::uint32_t raw;     // the encoding (T32 32-bit: hw1 << 16 | hw2; 16-bit: hw)
    std::uint16_t off;     // offset of the instruction inside its 4 KiB page
    std::uint8_t cond;     // 0-14; 14 = always
    std::uint8_t size;     // 2 or 4
    std::uint8_t rd, rn, rm, ra;
    std::uint8_t shift;    // 0 LSL, 1 LSR, 2 ASR, 3 ROR, 4 RRX
    std::uint8_t shamt;
    std::uint8_t flags;
    std::uint8_t it;       // ITSTATE in force for this instruction (T32)
    std::uint8_t it_next;  // ITSTATE after it
    std::uint8_t ends;     // 1: an unconditional version of this ends the block
    std::uint8_t pre;      // run-loop work before the handler (kPre*); 0 for most instructions
};
static_assert(sizeof(Insn) == 32, "blocks are arrays of 32-byte instructions");

// Insn::pre, set by the block decoder (block_cache.cpp): what the run loop must do before
// calling the handler. An instruction without kPrePc neither reads r[15] nor needs it exact
// (its exception paths rebuild it from Cpu::exec_pcbase).
enum : std::uint8_t {
    kPreCond = 1,  // conditional: check ConditionPassed
    kPrePc = 2,    // store the PC read value in r[15] first
};

enum : std::uint8_t { kShLsl = 0, kShLsr = 1, kShAsr = 2, kShRor = 3, kShRrx = 4 };

// Data-processing opcodes (A32 numbering) plus T32 ORN.
enum DpOp : int {
    kAnd = 0, kEor, kSub, kRsb, kAdd, kAdc, kSbc, kRsc, kTst, kTeq, kCmp, kCmn, kOrr, kMov,
    kBic, kMvn, kOrn, kNumDpOps
};
// Operand-2 forms.
enum DpKind : int { kOpImm = 0, kOpReg = 1, kOpRegImmShift = 2, kOpRegRegShift = 3 };
// DP flags bits
enum : std::uint8_t {
    kDpS = 1,          // set flags
    kDpImmCarry = 2,   // immediate form: shifter carry-out is imm bit 31 (rotated immediate)
};

// Handler selectors (exec_*.cpp). The decoders fill fields and pick handlers through these.
Handler sel_dp(int op, int kind, bool s, bool rd_is_pc);
Handler sel_undef();
Handler sel_nop();

// Multiply family: op codes
enum MulOp : int {
    kMul, kMla, kMls, kUmull, kUmlal, kSmull, kSmlal, kUmaal,
    kSmlaxy, kSmlawy, kSmulwy, kSmlalxy, kSmulxy,  // flags bit0 = N (top of Rn), bit1 = M (top of Rm)
    kSmlad, kSmlsd, kSmlald, kSmlsld, kSmmla, kSmmls, kSmmul,  // flags bit1 = M swap / R round
    kSmuad, kSmusd, kSdiv, kUdiv, kUsad8, kUsada8, kNumMulOps
};
Handler sel_mul(int op);

// Media family (exec_media.cpp): op codes
enum MediaOp : int {
    kQadd, kQsub, kQdadd, kQdsub,
    kSsat, kUsat, kSsat16, kUsat16,  // imm = saturate bit position, shift/shamt = shift
    kSel, kClz, kRev, kRev16, kRevsh, kRbit,
    kSxtb, kSxth, kUxtb, kUxth, kSxtb16, kUxtb16,  // rn = 15: no accumulate; shamt = rotation
    kPkhbt, kPkhtb,
    kBfc, kBfi, kSbfx, kUbfx,  // shamt = lsb, imm = width (bfi/bfc: msb in imm)
    kMovw, kMovt,              // imm16 in imm
    kParallel,                 // flags: bits 0-2 op (ADD16,ASX,SAX,SUB16,ADD8,-,-,SUB8), imm: prefix
    kAdr,                      // T32 ADR: Rd = Align(PC, 4) + imm (imm signed)
    kNumMediaOps
};
enum ParPrefix : std::uint32_t { kParS = 1, kParQ = 2, kParSH = 3, kParU = 5, kParUQ = 6, kParUH = 7 };
Handler sel_media(int op);

// Single load/store: size 1/2/4, sign-extend, load, addressing.
// Fields: rd = Rt, rn = base, rm = offset register (reg forms), imm = immediate offset (reg
// forms: 0), shift/shamt = offset register shift, flags = kLsU | kLsP | kLsW | kLsUser | kLsReg.
enum : std::uint8_t { kLsU = 1, kLsP = 2, kLsW = 4, kLsUser = 8, kLsReg = 16, kLsAlignPc = 32 };
Handler sel_ldst(unsigned size, bool sign, bool load, std::uint8_t flags, unsigned rt);
// LDRD/STRD: rd = Rt, ra = Rt2, rn, rm, imm, flags as above.
Handler sel_ldrd(bool load);
// Exclusives: size 1/2/4/8; address rn + imm; load: rd = Rt, ra = Rt2; store: rd = Rd(status),
// rm = Rt, ra = Rt2.
Handler sel_excl(unsigned size, bool load);
Handler sel_clrex();
Handler sel_swp(bool byte);  // rd = Rt, rm = Rt2 (value), rn
// Block transfer: imm = register list, rn, flags = kLsU | kLsP | kLsW (incr, before, writeback),
// plus kLdmUser (^).
enum : std::uint8_t { kLdmUser = 8 };
Handler sel_ldm(bool load);
Handler sel_srs();  // imm = mode, flags as LDM
Handler sel_rfe();  // rn, flags as LDM
// Table branch: rn, rm; flags 1 = TBH
Handler sel_tbb();

// Branches. imm = offset relative to the PC value (PC read value = insn + 8/4).
Handler sel_b();         // B: target = PC + imm
Handler sel_bl(bool to_thumb_toggle);  // BL / BLX imm (toggle = switch state); for BLX imm
                                       // the target is Align(PC,4)+imm
Handler sel_bx(bool link);  // BX / BLX reg: rm
Handler sel_cbz(bool nonzero);  // rn, imm

// System.
Handler sel_mrs(bool spsr);               // rd
Handler sel_mrs_banked();                 // rd, imm = SYSm | R<<5
Handler sel_msr(bool spsr, bool imm);     // imm = value (imm form) / rn, flags = field mask
Handler sel_msr_banked();                 // rn, imm = SYSm | R<<5
Handler sel_cps();                        // imm: bit 0 = change mode, bits 4:0 mode in ra,
                                          // flags: bit0 enable, bit1 disable, bits 2-4 = A I F
Handler sel_svc();                        // imm
Handler sel_bkpt();
Handler sel_hvc_smc(bool smc);            // imm
Handler sel_hint(int which);              // 0 nop,1 yield,2 wfe,3 wfi,4 sev, 5 barrier(isb)
Handler sel_setend();                     // flags = E
Handler sel_coproc(int kind);             // 0 MCR, 1 MRC, 2 MCRR, 3 MRRC, 4 other (CDP/LDC/STC)
                                          // cp number in ra; rd = Rt, rn = Rt2; imm = key
Handler sel_vfp();                        // raw = A32-form VFP encoding
Handler sel_exception_return();           // SUBS PC, LR, #imm (T32): rn, imm
Handler sel_it();                         // the IT instruction itself

// Decoders.
void a32_decode(std::uint32_t raw, Insn& out);
// Decodes the T32 instruction whose first halfword is hw1 (hw2 is the following halfword, only
// read when hw1 starts a 32-bit instruction). `it` is the ITSTATE in force for it. Fills out,
// including size, it and it_next.
void t32_decode(std::uint16_t hw1, std::uint16_t hw2, std::uint32_t it, Insn& out);
inline bool t32_is_32bit(std::uint16_t hw1) { return (hw1 >> 11) >= 0x1d; }

// Disassembly for traces: "mnemonic-class" text of a decoded instruction.
const char* insn_class_name(const Insn& in);

}  // namespace emu::arm
