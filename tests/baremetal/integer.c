// Integer data processing: flags, carries and overflow of the add/subtract family with
// shifted operands, every condition code, multiply and divide, saturating and parallel
// arithmetic, bit-field and byte-reverse operations, extend and pack.
//
// Built twice: as A32 (integer.elf) and as T32 (thumb.elf, -mthumb), where the T32-only
// tests at the end (IT blocks, CBZ/CBNZ, TBB/TBH, interworking) run too; RSC, MULS and
// register-shifted register operands exist only in A32.
//
// Every expected value was worked out from the ARM ARM pseudocode by hand and confirmed on
// QEMU (qemu-system-arm -M virt -cpu cortex-a15).
#include "rt.h"

#define F(n, z, c, v) (((u32)(n) << 31) | ((u32)(z) << 30) | ((u32)(c) << 29) | ((u32)(v) << 28))
#define FQ PSR_Q
#define GE(x) ((u32)(x) << 16)
#define FLAGMASK 0xf80f0000u  // N Z C V Q and GE[3:0]
#define UNTOUCHED 0xdeadbeefu

// Built with -march=armv7-a; the Cortex-A15 also has the divide instructions.
#define IDIV ".arch_extension idiv\n\t"

#ifdef __thumb__
#define IT(cc) "it " #cc "\n\t"
#else
#define IT(cc) ""
#endif

// Run `insn` (operands %[r] in/out, %[a], %[b], %[c]) with APSR.NZCVQ/GE preset to fin and
// check the result and APSR.
#define OP(name, insn, R0_, A, B, C, FIN_, ER_, EF_)                                             \
    do {                                                                                    \
        u32 r_ = (R0_), f_;                                                                  \
        __asm__ volatile("msr APSR_nzcvqg, %[fin]\n\t" insn "\n\tmrs %[f], APSR"            \
                         : [r] "+&r"(r_), [f] "=&r"(f_)                                     \
                         : [a] "r"((u32)(A)), [b] "r"((u32)(B)), [c] "r"((u32)(C)),         \
                           [fin] "r"((u32)(FIN_))                                            \
                         : "cc");                                                           \
        check_rf(name, r_, (ER_), f_ & FLAGMASK, (EF_));                                      \
    } while (0)
// Flags in, result and flags out.
#define TF(name, insn, A, B, fin, er, ef) OP(name, insn, UNTOUCHED, A, B, 0, fin, er, ef)
// No flags involved (flags in 0, expected to stay 0).
#define T2(name, insn, A, B, er) OP(name, insn, UNTOUCHED, A, B, 0, 0, er, 0)
#define T3(name, insn, A, B, C, er) OP(name, insn, UNTOUCHED, A, B, C, 0, er, 0)
#define T1(name, insn, A, er) T2(name, insn, A, 0, er)

// 64-bit results: %[lo] and %[hi] in/out.
#define LONG(name, insn, lo0, hi0, A, B, FIN_, elo, ehi, EF_)                                 \
    do {                                                                                    \
        u32 lo_ = (lo0), hi_ = (hi0), f_;                                                   \
        __asm__ volatile("msr APSR_nzcvqg, %[fin]\n\t" insn "\n\tmrs %[f], APSR"            \
                         : [lo] "+&r"(lo_), [hi] "+&r"(hi_), [f] "=&r"(f_)                  \
                         : [a] "r"((u32)(A)), [b] "r"((u32)(B)), [fin] "r"((u32)(FIN_))      \
                         : "cc");                                                           \
        check_rf(name, lo_, (elo), f_ & FLAGMASK, (EF_));                                    \
        check_eq(hi_, (ehi), name);                                                         \
    } while (0)

static void test_add_sub(void) {
    TF("adds signed overflow", "adds %[r], %[a], %[b]", 0x7fffffff, 1, 0, 0x80000000, F(1, 0, 0, 1));
    TF("adds carry to zero", "adds %[r], %[a], %[b]", 0xffffffff, 1, 0, 0, F(0, 1, 1, 0));
    TF("adds carry and overflow", "adds %[r], %[a], %[b]", 0x80000000, 0x80000000, 0, 0, F(0, 1, 1, 1));
    TF("adds no flags", "adds %[r], %[a], %[b]", 1, 2, F(1, 1, 1, 1), 3, 0);
    TF("add keeps flags", "add %[r], %[a], %[b]", 0xffffffff, 1, 0xf8000000, 0, 0xf8000000);
    TF("adds imm", "adds %[r], %[a], #255", 0xffffff01, 0, 0, 0, F(0, 1, 1, 0));
    TF("adcs carry in to zero", "adcs %[r], %[a], %[b]", 0xffffffff, 0, PSR_C, 0, F(0, 1, 1, 0));
    TF("adcs carry in overflow", "adcs %[r], %[a], %[b]", 0x7fffffff, 0, PSR_C, 0x80000000, F(1, 0, 0, 1));
    TF("adcs no carry", "adcs %[r], %[a], %[b]", 5, 6, 0, 11, 0);
    TF("adcs max plus max plus 1", "adcs %[r], %[a], %[b]", 0xffffffff, 0xffffffff, PSR_C, 0xffffffff,
       F(1, 0, 1, 0));
    TF("adc keeps flags", "adc %[r], %[a], %[b]", 1, 2, PSR_C | PSR_Z, 4, PSR_C | PSR_Z);

    TF("subs no borrow", "subs %[r], %[a], %[b]", 5, 3, 0, 2, F(0, 0, 1, 0));
    TF("subs borrow", "subs %[r], %[a], %[b]", 3, 5, 0, 0xfffffffe, F(1, 0, 0, 0));
    TF("subs overflow", "subs %[r], %[a], %[b]", 0x80000000, 1, 0, 0x7fffffff, F(0, 0, 1, 1));
    TF("subs equal", "subs %[r], %[a], %[b]", 5, 5, 0, 0, F(0, 1, 1, 0));
    TF("subs 0 - INT_MIN", "subs %[r], %[a], %[b]", 0, 0x80000000, 0, 0x80000000, F(1, 0, 0, 1));
    TF("sbcs carry clear", "sbcs %[r], %[a], %[b]", 5, 3, 0, 1, F(0, 0, 1, 0));
    TF("sbcs carry clear equal", "sbcs %[r], %[a], %[b]", 3, 3, 0, 0xffffffff, F(1, 0, 0, 0));
    TF("sbcs carry set equal", "sbcs %[r], %[a], %[b]", 3, 3, PSR_C, 0, F(0, 1, 1, 0));
    TF("sbcs overflow", "sbcs %[r], %[a], %[b]", 0x80000000, 0, 0, 0x7fffffff, F(0, 0, 1, 1));
    TF("rsbs", "rsbs %[r], %[a], %[b]", 3, 5, 0, 2, F(0, 0, 1, 0));
    TF("rsbs #0 of 5", "rsbs %[r], %[a], #0", 5, 0, 0, 0xfffffffb, F(1, 0, 0, 0));
    TF("rsbs #0 of 0", "rsbs %[r], %[a], #0", 0, 0, 0, 0, F(0, 1, 1, 0));
    TF("rsbs #0 of INT_MIN", "rsbs %[r], %[a], #0", 0x80000000, 0, 0, 0x80000000, F(1, 0, 0, 1));
#ifndef __thumb__
    TF("rscs carry clear", "rscs %[r], %[a], %[b]", 3, 5, 0, 1, F(0, 0, 1, 0));
    TF("rscs carry set borrow", "rscs %[r], %[a], %[b]", 5, 3, PSR_C, 0xfffffffe, F(1, 0, 0, 0));
    TF("rsc keeps flags", "rsc %[r], %[a], %[b]", 3, 5, PSR_C | PSR_V, 2, PSR_C | PSR_V);
#endif

    TF("cmp equal", "cmp %[a], %[b]", 5, 5, 0, UNTOUCHED, F(0, 1, 1, 0));
    TF("cmp INT_MAX, -1", "cmp %[a], %[b]", 0x7fffffff, 0xffffffff, 0, UNTOUCHED, F(1, 0, 0, 1));
    TF("cmp 0, 1", "cmp %[a], %[b]", 0, 1, 0, UNTOUCHED, F(1, 0, 0, 0));
    TF("cmn -1, 1", "cmn %[a], %[b]", 0xffffffff, 1, 0, UNTOUCHED, F(0, 1, 1, 0));
    TF("cmn INT_MAX, 1", "cmn %[a], %[b]", 0x7fffffff, 1, 0, UNTOUCHED, F(1, 0, 0, 1));
    TF("cmp lsr #1", "cmp %[a], %[b], lsr #1", 0x40000000, 0x80000000, 0, UNTOUCHED, F(0, 1, 1, 0));
    TF("cmn asr #31", "cmn %[a], %[b], asr #31", 1, 0x80000000, 0, UNTOUCHED, F(0, 1, 1, 0));
    TF("cmp imm", "cmp %[a], #0x100", 0xff, 0, 0, UNTOUCHED, F(1, 0, 0, 0));
}

static void test_logic_shift(void) {
    TF("tst lsl #1 carry out", "tst %[a], %[b], lsl #1", 0x80000000, 0x80000000, PSR_V, UNTOUCHED,
       F(0, 1, 1, 1));
    TF("teq equal", "teq %[a], %[b]", 0x80000000, 0x80000000, 0, UNTOUCHED, F(0, 1, 0, 0));
    TF("teq keeps C", "teq %[a], %[b]", 0x80000000, 0, PSR_C, UNTOUCHED, F(1, 0, 1, 0));
    TF("tst rotated imm sets C", "tst %[a], #0x80000000", 0x80000000, 0, 0, UNTOUCHED, F(1, 0, 1, 0));

    TF("lsls #1", "lsls %[r], %[a], #1", 0x80000001, 0, 0, 2, F(0, 0, 1, 0));
    TF("lsrs #32", "lsrs %[r], %[a], #32", 0x80000000, 0, 0, 0, F(0, 1, 1, 0));
    TF("asrs #32", "asrs %[r], %[a], #32", 0x80000000, 0, 0, 0xffffffff, F(1, 0, 1, 0));
    TF("rors #4", "rors %[r], %[a], #4", 0xf, 0, 0, 0xf0000000, F(1, 0, 1, 0));
    TF("rrxs carry in", "rrxs %[r], %[a]", 1, 0, PSR_C, 0x80000000, F(1, 0, 1, 0));
    TF("rrxs carry out", "rrxs %[r], %[a]", 2, 0, 0, 1, 0);
    TF("lsls by reg 32", "lsls %[r], %[a], %[b]", 1, 32, 0, 0, F(0, 1, 1, 0));
    TF("lsls by reg 33", "lsls %[r], %[a], %[b]", 1, 33, PSR_C, 0, F(0, 1, 0, 0));
    TF("lsrs by reg 0 keeps C", "lsrs %[r], %[a], %[b]", 0x80000000, 0, PSR_C, 0x80000000, F(1, 0, 1, 0));
    TF("lsrs by reg 32", "lsrs %[r], %[a], %[b]", 0x80000000, 32, 0, 0, F(0, 1, 1, 0));
    TF("lsrs by reg 33", "lsrs %[r], %[a], %[b]", 0x80000000, 33, PSR_C, 0, F(0, 1, 0, 0));
    TF("asrs by reg 200", "asrs %[r], %[a], %[b]", 0x80000000, 200, 0, 0xffffffff, F(1, 0, 1, 0));
    TF("rors by reg 32", "rors %[r], %[a], %[b]", 0x80000001, 32, 0, 0x80000001, F(1, 0, 1, 0));
    TF("rors by reg 36", "rors %[r], %[a], %[b]", 0xf, 36, 0, 0xf0000000, F(1, 0, 1, 0));
    TF("lsls by reg 256 (bottom byte 0)", "lsls %[r], %[a], %[b]", 1, 0x100, 0, 1, 0);
    TF("adds shifted operand", "adds %[r], %[a], %[b], lsl #4", 0xf0000000, 0x01000000, 0, 0, F(0, 1, 1, 0));
    TF("subs asr operand", "subs %[r], %[a], %[b], asr #4", 0, 0x80000000, 0, 0x08000000, F(0, 0, 0, 0));
    TF("movs rotated imm sets C", "movs %[r], #0x80000000", 0, 0, 0, 0x80000000, F(1, 0, 1, 0));
    TF("ands unrotated imm keeps C V", "ands %[r], %[a], #0xff", 0x100, 0, PSR_C | PSR_V, 0, F(0, 1, 1, 1));
    TF("mvns", "mvns %[r], %[a]", 0, 0, 0, 0xffffffff, F(1, 0, 0, 0));
    TF("eors lsr #32 carry", "eors %[r], %[a], %[b], lsr #32", 0, 0x80000000, 0, 0, F(0, 1, 1, 0));
#ifndef __thumb__
    T3("add register-shifted register", "add %[r], %[a], %[a], lsl %[b]", 3, 2, 0, 15);
    OP("orrs register shift 32 carry", "orrs %[r], %[a], %[b], lsl %[c]", UNTOUCHED, 0, 1, 32, PSR_V, 0,
       F(0, 1, 1, 1));
    OP("subs register shift ror", "subs %[r], %[a], %[b], ror %[c]", UNTOUCHED, 0x10, 0x1, 28, 0, 0,
       F(0, 1, 1, 0));
#else
    T2("orn", "orn %[r], %[a], %[b]", 0x0000ff00, 0x0000ffff, 0xffffff00);
    TF("orns", "orns %[r], %[a], %[b]", 0, 0xffffffff, PSR_C, 0, F(0, 1, 1, 0));
#endif
    T2("bic", "bic %[r], %[a], %[b]", 0xffff, 0xf0f0, 0x0f0f);
    T2("eor", "eor %[r], %[a], %[b]", 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0);
    T2("orr", "orr %[r], %[a], %[b]", 0x12340000, 0x5678, 0x12345678);
    T2("and ror", "and %[r], %[a], %[b], ror #8", 0xff000000, 0x000000ff, 0xff000000);
    T1("mov imm ror", "mov %[r], #0x3fc00", 0, 0x3fc00);
    T1("mvn imm", "mvn %[r], #0xff", 0, 0xffffff00);
}

// Conditions: bit i of the mask says whether the condition passes with NZCV = i.
#define COND_MASK(cc)                                                                       \
    ({                                                                                      \
        u32 m_ = 0;                                                                         \
        for (u32 i = 0; i < 16; ++i) {                                                      \
            u32 r_;                                                                         \
            __asm__ volatile("msr APSR_nzcvq, %[f]\n\tmov %[r], #0\n\t" IT(cc) "mov" #cc " %[r], #1" \
                             : [r] "=&r"(r_)                                                \
                             : [f] "r"(i << 28)                                             \
                             : "cc");                                                       \
            m_ |= r_ << i;                                                                  \
        }                                                                                   \
        m_;                                                                                 \
    })
#define BRANCH_MASK(cc)                                                                     \
    ({                                                                                      \
        u32 m_ = 0;                                                                         \
        for (u32 i = 0; i < 16; ++i) {                                                      \
            u32 r_;                                                                         \
            __asm__ volatile("msr APSR_nzcvq, %[f]\n\tmov %[r], #1\n\tb" #cc " 1f\n\tmov %[r], #0\n1:" \
                             : [r] "=&r"(r_)                                                \
                             : [f] "r"(i << 28)                                             \
                             : "cc");                                                       \
            m_ |= r_ << i;                                                                  \
        }                                                                                   \
        m_;                                                                                 \
    })

static void test_conditions(void) {
    check_eq(COND_MASK(eq), 0xf0f0, "cond eq");
    check_eq(COND_MASK(ne), 0x0f0f, "cond ne");
    check_eq(COND_MASK(cs), 0xcccc, "cond cs");
    check_eq(COND_MASK(cc), 0x3333, "cond cc");
    check_eq(COND_MASK(mi), 0xff00, "cond mi");
    check_eq(COND_MASK(pl), 0x00ff, "cond pl");
    check_eq(COND_MASK(vs), 0xaaaa, "cond vs");
    check_eq(COND_MASK(vc), 0x5555, "cond vc");
    check_eq(COND_MASK(hi), 0x0c0c, "cond hi");
    check_eq(COND_MASK(ls), 0xf3f3, "cond ls");
    check_eq(COND_MASK(ge), 0xaa55, "cond ge");
    check_eq(COND_MASK(lt), 0x55aa, "cond lt");
    check_eq(COND_MASK(gt), 0x0a05, "cond gt");
    check_eq(COND_MASK(le), 0xf5fa, "cond le");
#ifdef __thumb__
    {
        // IT AL (gas refuses to assemble it): IT with firstcond 1110, mask 1000.
        u32 m = 0;
        for (u32 i = 0; i < 16; ++i) {
            u32 r;
            __asm__ volatile("msr APSR_nzcvq, %[f]\n\tmov %[r], #0\n\t.inst.n 0xbfe8\n\tmov.w %[r], #1"
                             : [r] "=&r"(r)
                             : [f] "r"(i << 28)
                             : "cc");
            m |= r << i;
        }
        check_eq(m, 0xffff, "cond al (it al)");
    }
#else
    check_eq(COND_MASK(al), 0xffff, "cond al");
#endif
    check_eq(BRANCH_MASK(eq), 0xf0f0, "branch eq");
    check_eq(BRANCH_MASK(ne), 0x0f0f, "branch ne");
    check_eq(BRANCH_MASK(cs), 0xcccc, "branch cs");
    check_eq(BRANCH_MASK(cc), 0x3333, "branch cc");
    check_eq(BRANCH_MASK(mi), 0xff00, "branch mi");
    check_eq(BRANCH_MASK(pl), 0x00ff, "branch pl");
    check_eq(BRANCH_MASK(vs), 0xaaaa, "branch vs");
    check_eq(BRANCH_MASK(vc), 0x5555, "branch vc");
    check_eq(BRANCH_MASK(hi), 0x0c0c, "branch hi");
    check_eq(BRANCH_MASK(ls), 0xf3f3, "branch ls");
    check_eq(BRANCH_MASK(ge), 0xaa55, "branch ge");
    check_eq(BRANCH_MASK(lt), 0x55aa, "branch lt");
    check_eq(BRANCH_MASK(gt), 0x0a05, "branch gt");
    check_eq(BRANCH_MASK(le), 0xf5fa, "branch le");

    // A flag-setting instruction whose condition fails changes nothing.
#ifdef __thumb__
#define ADDSEQ "it eq\n\taddseq.w %[r], %[a], %[b]"
#else
#define ADDSEQ "addseq %[r], %[a], %[b]"
#endif
    TF("addseq not executed", ADDSEQ, 0xffffffff, 1, 0, UNTOUCHED, 0);
    TF("addseq executed", ADDSEQ, 0xffffffff, 1, PSR_Z, 0, F(0, 1, 1, 0));
}

static void test_multiply(void) {
    T2("mul wraps", "mul %[r], %[a], %[b]", 0xffffffff, 0xffffffff, 1);
    T2("mul", "mul %[r], %[a], %[b]", 0x12345678, 0x10, 0x23456780);
    T3("mla", "mla %[r], %[a], %[b], %[c]", 3, 4, 5, 17);
    T3("mls", "mls %[r], %[a], %[b], %[c]", 3, 4, 5, 0xfffffff9);
#ifndef __thumb__
    TF("muls zero keeps C V", "muls %[r], %[a], %[b]", 0x10000, 0x10000, PSR_C | PSR_V, 0, F(0, 1, 1, 1));
    TF("muls negative", "muls %[r], %[a], %[b]", 0xffffffff, 1, 0, 0xffffffff, F(1, 0, 0, 0));
    LONG("smulls negative", "smulls %[lo], %[hi], %[a], %[b]", 0, 0, 0xffffffff, 1, 0, 0xffffffff, 0xffffffff,
         F(1, 0, 0, 0));
    LONG("umulls nonzero high", "umulls %[lo], %[hi], %[a], %[b]", 0, 0, 0x80000000, 2, PSR_C, 0, 1,
         F(0, 0, 1, 0));
#endif
    LONG("umull", "umull %[lo], %[hi], %[a], %[b]", 0, 0, 0xffffffff, 0xffffffff, 0, 1, 0xfffffffe, 0);
    LONG("smull -1*-1", "smull %[lo], %[hi], %[a], %[b]", 0, 0, 0xffffffff, 0xffffffff, 0, 1, 0, 0);
    LONG("smull min*min", "smull %[lo], %[hi], %[a], %[b]", 0, 0, 0x80000000, 0x80000000, 0, 0, 0x40000000, 0);
    LONG("smull min*max", "smull %[lo], %[hi], %[a], %[b]", 0, 0, 0x80000000, 0x7fffffff, 0, 0x80000000,
         0xc0000000, 0);
    LONG("umull carry to high", "umull %[lo], %[hi], %[a], %[b]", 0, 0, 0x80000000, 2, 0, 0, 1, 0);
    LONG("umlal", "umlal %[lo], %[hi], %[a], %[b]", 0xffffffff, 0, 1, 1, 0, 0, 1, 0);
    LONG("smlal", "smlal %[lo], %[hi], %[a], %[b]", 0, 0, 0xfffffffe, 3, 0, 0xfffffffa, 0xffffffff, 0);
    LONG("umaal", "umaal %[lo], %[hi], %[a], %[b]", 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0,
         0xffffffff, 0xffffffff, 0);
    LONG("smlald", "smlald %[lo], %[hi], %[a], %[b]", 0xffffffff, 0, 0x00020003, 0x00040005, 0, 22, 1, 0);
    LONG("smlalbb", "smlalbb %[lo], %[hi], %[a], %[b]", 0, 0, 0x0003fffe, 0x00050007, 0, 0xfffffff2, 0xffffffff,
         0);

    T2("smulbb", "smulbb %[r], %[a], %[b]", 0x0003fffe, 0x00050007, 0xfffffff2);
    T2("smultt", "smultt %[r], %[a], %[b]", 0xfffe0003, 0x00070005, 0xfffffff2);
    T2("smulbt", "smulbt %[r], %[a], %[b]", 0x00000003, 0x00040000, 12);
    OP("smlabb sets Q", "smlabb %[r], %[a], %[b], %[c]", UNTOUCHED, 1, 1, 0x7fffffff, 0, 0x80000000, FQ);
    T3("smlabb", "smlabb %[r], %[a], %[b], %[c]", 2, 3, 4, 10);
    T2("smulwb", "smulwb %[r], %[a], %[b]", 0x00010000, 2, 2);
    T2("smulwb negative", "smulwb %[r], %[a], %[b]", 0xffff0000, 2, 0xfffffffe);
    T2("smmul", "smmul %[r], %[a], %[b]", 0x40000000, 4, 1);
    T2("smmul truncates", "smmul %[r], %[a], %[b]", 0x40000000, 2, 0);
    T2("smmulr rounds", "smmulr %[r], %[a], %[b]", 0x40000000, 2, 1);
    T3("smmla", "smmla %[r], %[a], %[b], %[c]", 0x40000000, 4, 5, 6);
    T3("smmls", "smmls %[r], %[a], %[b], %[c]", 0x40000000, 4, 5, 4);
    T2("smuad", "smuad %[r], %[a], %[b]", 0x00020003, 0x00040005, 23);
    T2("smusd", "smusd %[r], %[a], %[b]", 0x00020003, 0x00040005, 7);
    T3("smlad", "smlad %[r], %[a], %[b], %[c]", 0x00020003, 0x00040005, 100, 123);
    TF("smuad overflow sets Q", "smuad %[r], %[a], %[b]", 0x80008000, 0x80008000, 0, 0x80000000, FQ);

    T2("udiv", IDIV "udiv %[r], %[a], %[b]", 100, 7, 14);
    T2("sdiv neg/pos", IDIV "sdiv %[r], %[a], %[b]", (u32)-100, 7, (u32)-14);
    T2("sdiv pos/neg", IDIV "sdiv %[r], %[a], %[b]", 100, (u32)-7, (u32)-14);
    T2("sdiv neg/neg", IDIV "sdiv %[r], %[a], %[b]", (u32)-100, (u32)-7, 14);
    T2("sdiv INT_MIN/-1", IDIV "sdiv %[r], %[a], %[b]", 0x80000000, 0xffffffff, 0x80000000);
    T2("udiv by zero", IDIV "udiv %[r], %[a], %[b]", 5, 0, 0);
    T2("sdiv by zero", IDIV "sdiv %[r], %[a], %[b]", (u32)-5, 0, 0);
    T2("udiv max/1", IDIV "udiv %[r], %[a], %[b]", 0xffffffff, 1, 0xffffffff);
    T2("udiv small/large", IDIV "udiv %[r], %[a], %[b]", 7, 100, 0);
    T2("udiv unsigned", IDIV "udiv %[r], %[a], %[b]", 0xfffffffe, 2, 0x7fffffff);
}

static void test_saturating(void) {
    TF("qadd saturates", "qadd %[r], %[a], %[b]", 0x7fffffff, 1, 0, 0x7fffffff, FQ);
    TF("qadd plain", "qadd %[r], %[a], %[b]", 1, 2, 0, 3, 0);
    TF("qadd Q sticky", "qadd %[r], %[a], %[b]", 1, 2, FQ, 3, FQ);
    TF("qsub saturates", "qsub %[r], %[a], %[b]", 0x80000000, 1, 0, 0x80000000, FQ);
    TF("qdadd", "qdadd %[r], %[a], %[b]", 1, 0x40000000, 0, 0x7fffffff, FQ);
    TF("qdsub", "qdsub %[r], %[a], %[b]", 0, 0x20000000, 0, 0xc0000000, 0);
    TF("ssat #8 high", "ssat %[r], #8, %[a]", 300, 0, 0, 127, FQ);
    TF("ssat #8 low", "ssat %[r], #8, %[a]", (u32)-300, 0, 0, 0xffffff80, FQ);
    TF("ssat #8 in range", "ssat %[r], #8, %[a]", (u32)-5, 0, 0, 0xfffffffb, 0);
    TF("ssat #16 lsl #8", "ssat %[r], #16, %[a], lsl #8", 0x100, 0, 0, 0x7fff, FQ);
    TF("ssat #1", "ssat %[r], #1, %[a]", 1, 0, 0, 0, FQ);
    TF("ssat asr", "ssat %[r], #8, %[a], asr #4", 0x7f0, 0, 0, 0x7f, 0);
    TF("usat #8 negative", "usat %[r], #8, %[a]", (u32)-5, 0, 0, 0, FQ);
    TF("usat #8 in range", "usat %[r], #8, %[a]", 100, 0, 0, 100, 0);
    TF("usat #8 high", "usat %[r], #8, %[a]", 256, 0, 0, 255, FQ);
    TF("usat #0", "usat %[r], #0, %[a]", 5, 0, 0, 0, FQ);
    TF("ssat16 #4", "ssat16 %[r], #4, %[a]", 0x0020ffe0, 0, 0, 0x0007fff8, FQ);
    TF("usat16 #8", "usat16 %[r], #8, %[a]", 0x0100fff0, 0, 0, 0x00ff0000, FQ);
    TF("qadd16", "qadd16 %[r], %[a], %[b]", 0x7fff0001, 0x00010001, 0, 0x7fff0002, 0);
    TF("qsub8", "qsub8 %[r], %[a], %[b]", 0x807f0005, 0x01ff0102, 0, 0x807fff03, 0);
    TF("uqadd8", "uqadd8 %[r], %[a], %[b]", 0x0000ff10, 0x00000120, 0, 0x0000ff30, 0);
    TF("uqsub16", "uqsub16 %[r], %[a], %[b]", 0x00010005, 0x00020003, 0, 0x00000002, 0);
}

static void test_parallel(void) {
    TF("uadd8 GE", "uadd8 %[r], %[a], %[b]", 0xff018001, 0x01018001, 0, 0x00020002, GE(0xa));
    TF("sel", "sel %[r], %[a], %[b]", 0x11223344, 0xaabbccdd, GE(0xa), 0x11bb33dd, GE(0xa));
    TF("sadd16 GE", "sadd16 %[r], %[a], %[b]", 0x7fff8000, 0x0001ffff, 0, 0x80007fff, GE(0xc));
    TF("usub8 GE", "usub8 %[r], %[a], %[b]", 0x05050505, 0x06040605, GE(0xf), 0xff01ff00, GE(0x5));
    TF("ssub16 GE", "ssub16 %[r], %[a], %[b]", 0x00010001, 0x00020000, 0, 0xffff0001, GE(0x3));
    TF("uhadd16", "uhadd16 %[r], %[a], %[b]", 0xffff0002, 0x00010004, 0, 0x80000003, 0);
    TF("shadd8", "shadd8 %[r], %[a], %[b]", 0x7f80fe02, 0x7f80fe04, 0, 0x7f80fe03, 0);
    TF("shsub8", "shsub8 %[r], %[a], %[b]", 0, 0x01010101, 0, 0xffffffff, 0);
    TF("usad8", "usad8 %[r], %[a], %[b]", 0x10ff0501, 0x20000203, 0, 0x114, 0);
    OP("usada8", "usada8 %[r], %[a], %[b], %[c]", UNTOUCHED, 0x10ff0501, 0x20000203, 1000, 0, 0x4fc, 0);
    TF("sasx", "sasx %[r], %[a], %[b]", 0x00050003, 0x00010002, 0, 0x00070002, GE(0xf));
    TF("ssax", "ssax %[r], %[a], %[b]", 0x00050003, 0x00010002, 0, 0x00030004, GE(0xf));
    TF("uasx GE", "uasx %[r], %[a], %[b]", 0xffff0001, 0x00020001, 0, 0x0000ffff, GE(0xc));
}

static void test_bits(void) {
    T1("clz 0", "clz %[r], %[a]", 0, 32);
    T1("clz 1", "clz %[r], %[a]", 1, 31);
    T1("clz msb", "clz %[r], %[a]", 0x80000000, 0);
    T1("clz mid", "clz %[r], %[a]", 0x00f00000, 8);
    T1("rev", "rev %[r], %[a]", 0x12345678, 0x78563412);
    T1("rev16", "rev16 %[r], %[a]", 0x12345678, 0x34127856);
    T1("revsh", "revsh %[r], %[a]", 0x12345680, 0xffff8056);
    T1("rbit 1", "rbit %[r], %[a]", 1, 0x80000000);
    T1("rbit", "rbit %[r], %[a]", 0x12345678, 0x1e6a2c48);
    T1("ubfx", "ubfx %[r], %[a], #8, #12", 0xabcd1234, 0xd12);
    T1("ubfx top bit", "ubfx %[r], %[a], #31, #1", 0x80000000, 1);
    T1("sbfx", "sbfx %[r], %[a], #12, #8", 0xabcd1234, 0xffffffd1);
    T1("sbfx positive", "sbfx %[r], %[a], #4, #8", 0xabcd1274, 0x27);
    OP("bfi", "bfi %[r], %[a], #4, #8", 0xffffffff, 0x12, 0, 0, 0, 0xfffff12f, 0);
    OP("bfi full width", "bfi %[r], %[a], #0, #32", 0xffffffff, 0x12345678, 0, 0, 0, 0x12345678, 0);
    OP("bfc", "bfc %[r], #8, #16", 0xffffffff, 0, 0, 0, 0, 0xff0000ff, 0);
    T1("sxtb", "sxtb %[r], %[a]", 0x80, 0xffffff80);
    T1("uxtb", "uxtb %[r], %[a]", 0x1234, 0x34);
    T1("sxth", "sxth %[r], %[a]", 0x8000, 0xffff8000);
    T1("uxth", "uxth %[r], %[a]", 0x12345678, 0x5678);
    T1("sxtb ror #8", "sxtb %[r], %[a], ror #8", 0x0000f000, 0xfffffff0);
    T1("uxth ror #16", "uxth %[r], %[a], ror #16", 0x12345678, 0x1234);
    T2("sxtab", "sxtab %[r], %[a], %[b]", 100, 0xff, 99);
    T2("uxtab ror #16", "uxtab %[r], %[a], %[b], ror #16", 1, 0x00ab0000, 0xac);
    T2("sxtah", "sxtah %[r], %[a], %[b]", 0x10000, 0xffff, 0xffff);
    T1("uxtb16", "uxtb16 %[r], %[a]", 0x12345678, 0x00340078);
    T1("sxtb16", "sxtb16 %[r], %[a]", 0x0080ff7f, 0xff80007f);
    T2("uxtab16", "uxtab16 %[r], %[a], %[b]", 0x00010001, 0x12ff34fe, 0x010000ff);
    T2("pkhbt", "pkhbt %[r], %[a], %[b], lsl #16", 0x11112222, 0x33334444, 0x44442222);
    T2("pkhtb", "pkhtb %[r], %[a], %[b], asr #16", 0x11112222, 0x33334444, 0x11113333);
    T1("movw movt", "movw %[r], #0x1234\n\tmovt %[r], #0xabcd", 0, 0xabcd1234);
    OP("movt keeps low half", "movt %[r], #0x5555", 0x1234ffff, 0, 0, 0, 0, 0x5555ffff, 0);
}

static void test_psr(void) {
    u32 v;
    __asm__ volatile("msr APSR_nzcvqg, %[in]\n\tmrs %[out], APSR" : [out] "=r"(v) : [in] "r"(0xf80f0000u) : "cc");
    check_eq(v & FLAGMASK, 0xf80f0000u, "msr/mrs APSR all flags");
    __asm__ volatile("msr APSR_nzcvq, %[in]\n\tmrs %[out], APSR" : [out] "=r"(v) : [in] "r"(0u) : "cc");
    check_eq(v & FLAGMASK, 0x000f0000u, "msr APSR_nzcvq keeps GE");
    __asm__ volatile("msr APSR_g, %[in]\n\tmrs %[out], APSR" : [out] "=r"(v) : [in] "r"(0x00050000u) : "cc");
    check_eq(v & GE(0xf), GE(0x5), "msr APSR_g");
    check_eq(read_cpsr() & 0x1f, MODE_SVC, "running in SVC mode");
    check(!(read_cpsr() & PSR_T), "MRS reads CPSR.T as 0");
}

// Reading the PC: the instruction's address + 8 in A32, + 4 in T32.
static void test_pc(void) {
    u32 at, pc;
    __asm__ volatile("adr %[at], 1f\n1:\tmov %[pc], pc" : [at] "=&r"(at), [pc] "=r"(pc));
#ifdef __thumb__
    check_eq(pc, (at & ~1u) + 4, "mov from pc reads insn + 4 (T32)");
#else
    check_eq(pc, at + 8, "mov from pc reads insn + 8 (A32)");
#endif
}

#ifndef __thumb__
// ---- A32 only --------------------------------------------------------------------------------
__attribute__((target("thumb"), noinline)) static u32 thumb_function(u32 x) { return x + 100; }

// In ARMv7 A32 state, ALU instructions and loads that write the PC interwork like BX.
#define CALL_VIA(name, seq)                                                                       \
    do {                                                                                         \
        u32 r_, slot_[2] = {(u32)(uintptr_t)thumb_function, 0};                                  \
        __asm__ volatile("mov r0, #5\n\tmov r1, %[f]\n\tmov r2, %[p]\n\tadr lr, 1f\n\t" seq "\n1:\tmov %[r], r0" \
                         : [r] "=r"(r_)                                                          \
                         : [f] "r"((u32)(uintptr_t)thumb_function), [p] "r"(slot_)               \
                         : "r0", "r1", "r2", "r3", "r12", "lr", "d0", "d1", "d2", "d3", "d4", "d5", "d6", \
                           "d7", "cc", "memory");                                                \
        check_eq(r_, 105, name);                                                                 \
    } while (0)

static void test_interworking_a32(void) {
    check_eq((u32)(uintptr_t)thumb_function & 1, 1, "T32 function address has bit 0 set");
    CALL_VIA("mov pc to a T32 address interworks", "mov pc, r1");
    CALL_VIA("add pc to a T32 address interworks", "add pc, r1, #0");
    CALL_VIA("ldr pc interworks", "ldr pc, [r2]");
    CALL_VIA("ldm with pc interworks", "ldm r2, {pc}");
    CALL_VIA("pop pc interworks", "push {r1}\n\tpop {pc}");
    CALL_VIA("bx interworks", "bx r1");
    CALL_VIA("blx register interworks", "blx r1");
}
#endif

#ifdef __thumb__
// ---- T32 only ------------------------------------------------------------------------------

__attribute__((target("arm"), noinline)) static u32 arm_function(u32 x) {
    u32 cpsr;
    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    return x * 3 + (cpsr & PSR_T);
}

static u32 tbb(u32 idx) {
    u32 r;
    __asm__ volatile("tbb [pc, %[i]]\n"
                     "1:\n\t.byte (2f-1b)/2, (3f-1b)/2, (4f-1b)/2, (5f-1b)/2\n\t.balign 2\n"
                     "2:\tmovs %[r], #10\n\tb 6f\n"
                     "3:\tmovs %[r], #20\n\tb 6f\n"
                     "4:\tmovs %[r], #30\n\tb 6f\n"
                     "5:\tmovs %[r], #40\n"
                     "6:\n"
                     : [r] "=l"(r)
                     : [i] "r"(idx)
                     : "cc");
    return r;
}

static u32 tbh(u32 idx) {
    u32 r;
    __asm__ volatile("tbh [pc, %[i], lsl #1]\n"
                     "1:\n\t.hword (2f-1b)/2, (3f-1b)/2, (4f-1b)/2\n"
                     "2:\tmovs %[r], #11\n\tb 6f\n"
                     "3:\tmovs %[r], #22\n\tb 6f\n"
                     "\t.space 600\n"  // beyond what TBB can reach
                     "4:\tmovs %[r], #33\n"
                     "6:\n"
                     : [r] "=l"(r)
                     : [i] "r"(idx)
                     : "cc");
    return r;
}

static u32 cbz(u32 x) {
    u32 r;
    __asm__ volatile("movs %[r], #1\n\tcbz %[x], 1f\n\tmovs %[r], #2\n1:" : [r] "=&l"(r) : [x] "l"(x) : "cc");
    return r;
}

static u32 cbnz(u32 x) {
    u32 r;
    __asm__ volatile("movs %[r], #1\n\tcbnz %[x], 1f\n\tmovs %[r], #2\n1:" : [r] "=&l"(r) : [x] "l"(x) : "cc");
    return r;
}

static void test_thumb(void) {
    // IT blocks
    OP("ite eq (Z set)", "ite eq\n\tmoveq %[r], #1\n\tmovne %[r], #2", 0, 0, 0, 0, PSR_Z, 1, PSR_Z);
    OP("ite eq (Z clear)", "ite eq\n\tmoveq %[r], #1\n\tmovne %[r], #2", 0, 0, 0, 0, 0, 2, 0);
    OP("itete eq (Z set)",
       "itete eq\n\tmoveq %[r], #1\n\taddne %[r], %[r], #10\n\taddeq %[r], %[r], #100\n\taddne %[r], %[r], #1000",
       0, 0, 0, 0, PSR_Z, 101, PSR_Z);
    OP("itete eq (Z clear)",
       "itete eq\n\tmoveq %[r], #1\n\taddne %[r], %[r], #10\n\taddeq %[r], %[r], #100\n\taddne %[r], %[r], #1000",
       0, 0, 0, 0, 0, 1010, 0);
    OP("it block sees flags set inside it",
       "cmp %[a], %[a]\n\titte eq\n\tcmpeq %[a], %[b]\n\tmoveq %[r], #1\n\tmovne %[r], #2", 0, 5, 6, 0, 0, 2,
       F(1, 0, 0, 0));
    // Low registers fixed so that the 16-bit encodings are used. (Register variables are
    // only meaningful as asm operands: each block sets them right before its asm.)
    {
        register u32 r __asm__("r0") = 0xffffffff;
        register u32 b __asm__("r1") = 1;
        u32 f;
        // The 16-bit ADD (register) inside an IT block does not set flags (outside it is ADDS).
        __asm__ volatile("msr APSR_nzcvq, %[fin]\n\tit eq\n\taddeq %[r], %[r], %[b]\n\tmrs %[f], APSR"
                         : [r] "+l"(r), [f] "=&r"(f)
                         : [b] "l"(b), [fin] "r"(PSR_Z)
                         : "cc");
        check_rf("16-bit add in IT block sets no flags", r, 0, f & FLAGMASK, PSR_Z);
    }
    {
        register u32 r __asm__("r0") = 0xffffffff;
        register u32 b __asm__("r1") = 1;
        u32 f;
        __asm__ volatile("msr APSR_nzcvq, %[fin]\n\tadds %[r], %[r], %[b]\n\tmrs %[f], APSR"
                         : [r] "+l"(r), [f] "=&r"(f)
                         : [b] "l"(b), [fin] "r"(0u)
                         : "cc");
        check_rf("16-bit adds outside IT sets flags", r, 0, f & FLAGMASK, F(0, 1, 1, 0));
    }
    {
        register u32 a __asm__("r2") = 0x7fffffff;
        register u32 b __asm__("r3") = 1;
        register u32 r __asm__("r4");
        u32 f;
        __asm__ volatile("msr APSR_nzcvq, %[z]\n\tadds.n %[r], %[a], %[b]\n\tmrs %[f], APSR"
                         : [r] "=l"(r), [f] "=&r"(f)
                         : [a] "l"(a), [b] "l"(b), [z] "r"(0u)
                         : "cc");
        check_rf("adds.n overflow", r, 0x80000000, f & FLAGMASK, F(1, 0, 0, 1));
    }
    {
        register u32 a __asm__("r2") = 0x7fffffff;
        register u32 b __asm__("r3") = 1;
        register u32 r __asm__("r4");
        u32 f;
        __asm__ volatile("msr APSR_nzcvq, %[z]\n\tadds.w %[r], %[a], %[b]\n\tmrs %[f], APSR"
                         : [r] "=l"(r), [f] "=&r"(f)
                         : [a] "l"(a), [b] "l"(b), [z] "r"(0u)
                         : "cc");
        check_rf("adds.w overflow", r, 0x80000000, f & FLAGMASK, F(1, 0, 0, 1));
    }

    check_eq(cbz(0), 1, "cbz taken");
    check_eq(cbz(5), 2, "cbz not taken");
    check_eq(cbnz(5), 1, "cbnz taken");
    check_eq(cbnz(0), 2, "cbnz not taken");
    check_eq(tbb(0), 10, "tbb 0");
    check_eq(tbb(1), 20, "tbb 1");
    check_eq(tbb(2), 30, "tbb 2");
    check_eq(tbb(3), 40, "tbb 3");
    check_eq(tbh(0), 11, "tbh 0");
    check_eq(tbh(1), 22, "tbh 1");
    check_eq(tbh(2), 33, "tbh 2 (far)");

    // Interworking: BL to an A32 function (BLX), BLX register, return with BX LR.
    check_eq(arm_function(5), 15, "bl to A32 and back");
    u32 (*volatile fp)(u32) = arm_function;
    check_eq(fp(7), 21, "blx register to A32 and back");
    check(((u32)(uintptr_t)fp & 1) == 0, "A32 function address has bit 0 clear");
}
#endif

int main(void) {
#ifdef __thumb__
    note("integer tests, T32");
#else
    note("integer tests, A32");
#endif
    test_add_sub();
    test_logic_shift();
    test_conditions();
    test_multiply();
    test_saturating();
    test_parallel();
    test_bits();
    test_psr();
    test_pc();
#ifdef __thumb__
    test_thumb();
#else
    test_interworking_a32();
#endif
    return 0;
}
