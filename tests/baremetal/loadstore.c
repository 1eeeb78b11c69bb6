// Loads and stores: every addressing mode of LDR/STR (word, byte, halfword, signed), LDRD and
// STRD, LDM/STM in all four directions with and without write-back, user-bank LDM/STM,
// LDRT, exclusives (LDREX/STREX of every size, CLREX), SWP/SWPB, unaligned accesses
// (allowed for LDR/STR/LDRH with SCTLR.A = 0, also across a page boundary; alignment faults
// for LDRD/STRD, LDM/STM and LDREX*, and for everything with SCTLR.A = 1), and preload
// hints to unmapped addresses (no fault).
//
// Built as A32 (loadstore.elf) and T32 (loadstore-thumb.elf); the A32-only forms (negative
// and post-indexed register offsets, LDRD register offset, LDMIB/LDMDA, user-bank LDM/STM,
// SWP) are left out of the T32 build. Runs with the MMU on (identity map, normal memory):
// with the MMU off all data accesses are Strongly-ordered, where unaligned accesses fault
// (or are UNPREDICTABLE).
#include "rt.h"

// The byte at buf offset i is i, so the little-endian word at any offset o is W(o).
#define W(o) ((u32)(o) | ((u32)((o) + 1) << 8) | ((u32)((o) + 2) << 16) | ((u32)((o) + 3) << 24))
static u8 buf[256] __attribute__((aligned(8)));
#define MID ((u32)(uintptr_t)(buf + 64))
// Two pages for accesses that straddle a page boundary.
static u8 pages[8192] __attribute__((aligned(4096)));

static void fill(void) {
    for (u32 i = 0; i < sizeof buf; ++i) ((volatile u8*)buf)[i] = (u8)i;
}
static u32 rd32(u32 addr) { return *(volatile u32*)(uintptr_t)addr; }

// insn loads %[r] using base %[b] (write-back allowed) and offset register %[o].
#define LD(name, insn, OFF, EXP, DELTA)                                                        \
    do {                                                                                      \
        fill();                                                                               \
        u32 r_, b_ = MID;                                                                     \
        __asm__ volatile(insn : [r] "=&r"(r_), [b] "+r"(b_) : [o] "r"((u32)(OFF)) : "memory"); \
        check_eq(r_, (EXP), name);                                                            \
        check_eq(b_ - MID, (u32)(DELTA), name " (base)");                                     \
    } while (0)

// insn stores %[v] using base %[b] and offset %[o]; the word at MID + CHK must be EXP.
#define ST(name, insn, VAL, OFF, CHK, EXP, DELTA)                                            \
    do {                                                                                      \
        fill();                                                                               \
        u32 b_ = MID;                                                                         \
        __asm__ volatile(insn : [b] "+r"(b_) : [v] "r"((u32)(VAL)), [o] "r"((u32)(OFF)) : "memory"); \
        check_eq(rd32(MID + (u32)(CHK)), (EXP), name);                                        \
        check_eq(b_ - MID, (u32)(DELTA), name " (base)");                                     \
    } while (0)

static void test_ldr_str(void) {
    LD("ldr imm", "ldr %[r], [%[b], #4]", 0, W(68), 0);
    LD("ldr negative imm", "ldr %[r], [%[b], #-4]", 0, W(60), 0);
    LD("ldr pre-indexed", "ldr %[r], [%[b], #8]!", 0, W(72), 8);
    LD("ldr pre-indexed negative", "ldr %[r], [%[b], #-12]!", 0, W(52), -12);
    LD("ldr post-indexed", "ldr %[r], [%[b]], #8", 0, W(64), 8);
    LD("ldr post-indexed negative", "ldr %[r], [%[b]], #-12", 0, W(64), -12);
    LD("ldr register", "ldr %[r], [%[b], %[o]]", 12, W(76), 0);
    LD("ldr register lsl #2", "ldr %[r], [%[b], %[o], lsl #2]", 3, W(76), 0);
    LD("ldrb imm", "ldrb %[r], [%[b], #3]", 0, 67, 0);
    LD("ldrb post-indexed", "ldrb %[r], [%[b]], #1", 0, 64, 1);
    LD("ldrb register", "ldrb %[r], [%[b], %[o]]", 136, 200, 0);
    LD("ldrsb negative", "ldrsb %[r], [%[b], %[o]]", 136, 0xffffffc8, 0);
    LD("ldrsb positive", "ldrsb %[r], [%[b], #5]", 0, 69, 0);
    LD("ldrsb post-indexed", "ldrsb %[r], [%[b]], #-1", 0, 64, -1);
    LD("ldrh imm", "ldrh %[r], [%[b], #2]", 0, 0x4342, 0);
    LD("ldrh pre-indexed", "ldrh %[r], [%[b], #-2]!", 0, 0x3f3e, -2);
    LD("ldrsh", "ldrsh %[r], [%[b], %[o]]", 136, 0xffffc9c8, 0);
    LD("ldrsh positive", "ldrsh %[r], [%[b], #2]", 0, 0x4342, 0);
#ifndef __thumb__
    LD("ldr negative register", "ldr %[r], [%[b], -%[o]]", 12, W(52), 0);
    LD("ldr negative register lsl pre-indexed", "ldr %[r], [%[b], -%[o], lsl #2]!", 2, W(56), -8);
    LD("ldr post-indexed register lsl", "ldr %[r], [%[b]], %[o], lsl #2", 5, W(64), 20);
    LD("ldr register asr", "ldr %[r], [%[b], %[o], asr #1]", -8, W(60), 0);
    LD("ldr register lsr #28", "ldr %[r], [%[b], %[o], lsr #28]", 0x80000000, W(72), 0);
    LD("ldr register ror", "ldr %[r], [%[b], %[o], ror #4]", 0x80, W(72), 0);
    LD("ldrh post-indexed register", "ldrh %[r], [%[b]], %[o]", 6, 0x4140, 6);
    LD("ldrsh negative register", "ldrsh %[r], [%[b], -%[o]]", 2, 0x3f3e, 0);
    LD("ldrt post-indexed", "ldrt %[r], [%[b]], #4", 0, W(64), 4);
    LD("ldrbt post-indexed", "ldrbt %[r], [%[b]], #1", 0, 64, 1);
#else
    LD("ldr.w imm12", "ldr.w %[r], [%[b], #100]", 0, W(164), 0);
    LD("ldr negative imm8 pre-indexed", "ldr %[r], [%[b], #-64]!", 0, W(0), -64);
    LD("ldrt", "ldrt %[r], [%[b], #4]", 0, W(68), 0);
    LD("ldrbt", "ldrbt %[r], [%[b], #2]", 0, 66, 0);
#endif
    {
        // PC-relative (literal) loads
        u32 r;
        __asm__ volatile("ldr %0, 1f\n\tb 2f\n\t.balign 4\n1:\t.word 0x12345678\n2:" : "=r"(r));
        check_eq(r, 0x12345678, "ldr literal");
    }

    ST("str imm", "str %[v], [%[b], #8]", 0x11223344, 0, 8, 0x11223344, 0);
    ST("str pre-indexed", "str %[v], [%[b], #-8]!", 0x11223344, 0, -8, 0x11223344, -8);
    ST("str post-indexed", "str %[v], [%[b]], #4", 0x11223344, 0, 0, 0x11223344, 4);
    ST("str register lsl #2", "str %[v], [%[b], %[o], lsl #2]", 0x55667788, 2, 8, 0x55667788, 0);
    ST("strb imm", "strb %[v], [%[b], #1]", 0xaabbccdd, 0, 0, 0x4342dd40, 0);
    ST("strb register", "strb %[v], [%[b], %[o]]", 0x7f, 3, 0, 0x7f424140, 0);
    ST("strh imm", "strh %[v], [%[b], #2]", 0xaabbccdd, 0, 0, 0xccdd4140, 0);
    ST("strh post-indexed", "strh %[v], [%[b]], #2", 0xaabbccdd, 0, 0, 0x4342ccdd, 2);
#ifndef __thumb__
    ST("str post-indexed negative register", "str %[v], [%[b]], -%[o]", 0x99aabbcc, 4, 0, 0x99aabbcc, -4);
    ST("strh negative register", "strh %[v], [%[b], -%[o]]", 0xbeef, 2, -4, 0xbeef3d3c, 0);
    ST("strt post-indexed", "strt %[v], [%[b]], #4", 0xcafef00d, 0, 0, 0xcafef00d, 4);
#else
    ST("strt", "strt %[v], [%[b], #4]", 0xcafef00d, 0, 4, 0xcafef00d, 0);
#endif
}

static void test_ldrd_strd(void) {
    u32 lo, hi, b;
#define LDRD(name, insn, DELTA, ELO, EHI)                                                        \
    do {                                                                                        \
        fill();                                                                                 \
        b = MID;                                                                                \
        __asm__ volatile(insn "\n\tmov %[lo], r4\n\tmov %[hi], r5"                              \
                         : [lo] "=r"(lo), [hi] "=r"(hi), [b] "+r"(b)                            \
                         : [o] "r"(8u)                                                          \
                         : "r4", "r5", "memory");                                               \
        check_eq(lo, (ELO), name " (first)");                                                   \
        check_eq(hi, (EHI), name " (second)");                                                  \
        check_eq(b - MID, (u32)(DELTA), name " (base)");                                        \
    } while (0)
    LDRD("ldrd imm", "ldrd r4, r5, [%[b], #8]", 0, W(72), W(76));
    LDRD("ldrd word-aligned only", "ldrd r4, r5, [%[b], #4]", 0, W(68), W(72));
    LDRD("ldrd pre-indexed", "ldrd r4, r5, [%[b], #-8]!", -8, W(56), W(60));
    LDRD("ldrd post-indexed", "ldrd r4, r5, [%[b]], #16", 16, W(64), W(68));
#ifndef __thumb__
    LDRD("ldrd register", "ldrd r4, r5, [%[b], %[o]]", 0, W(72), W(76));
    LDRD("ldrd negative register pre-indexed", "ldrd r4, r5, [%[b], -%[o]]!", -8, W(56), W(60));
#endif
    fill();
    b = MID;
    __asm__ volatile("mov r4, %[x]\n\tmov r5, %[y]\n\tstrd r4, r5, [%[b], #8]!"
                     : [b] "+r"(b)
                     : [x] "r"(0x11111111u), [y] "r"(0x22222222u)
                     : "r4", "r5", "memory");
    check_eq(rd32(MID + 8), 0x11111111, "strd pre-indexed (first)");
    check_eq(rd32(MID + 12), 0x22222222, "strd pre-indexed (second)");
    check_eq(b - MID, 8, "strd pre-indexed (base)");
    fill();
    b = MID;
    __asm__ volatile("mov r4, %[x]\n\tmov r5, %[y]\n\tstrd r4, r5, [%[b]], #-8"
                     : [b] "+r"(b)
                     : [x] "r"(0x33333333u), [y] "r"(0x44444444u)
                     : "r4", "r5", "memory");
    check_eq(rd32(MID), 0x33333333, "strd post-indexed (first)");
    check_eq(rd32(MID + 4), 0x44444444, "strd post-indexed (second)");
    check_eq(b - MID, (u32)-8, "strd post-indexed (base)");
}

static void test_ldm_stm(void) {
    u32 r[4], b;
#define LDM(name, insn, DELTA, E0, E1, E2, E3)                                                    \
    do {                                                                                         \
        fill();                                                                                  \
        b = MID;                                                                                 \
        __asm__ volatile(insn "\n\tmov %[r0], r4\n\tmov %[r1], r5\n\tmov %[r2], r6\n\tmov %[r3], r8" \
                         : [r0] "=r"(r[0]), [r1] "=r"(r[1]), [r2] "=r"(r[2]), [r3] "=r"(r[3]),   \
                           [b] "+r"(b)                                                           \
                         :                                                                       \
                         : "r4", "r5", "r6", "r8", "memory");                                    \
        check(r[0] == (E0) && r[1] == (E1) && r[2] == (E2) && r[3] == (E3), name);               \
        check_eq(b - MID, (u32)(DELTA), name " (base)");                                         \
    } while (0)
    LDM("ldmia!", "ldmia %[b]!, {r4, r5, r6, r8}", 16, W(64), W(68), W(72), W(76));
    LDM("ldmia", "ldmia %[b], {r4, r5, r6, r8}", 0, W(64), W(68), W(72), W(76));
    LDM("ldmdb!", "ldmdb %[b]!, {r4, r5, r6, r8}", -16, W(48), W(52), W(56), W(60));
#ifndef __thumb__
    LDM("ldmib!", "ldmib %[b]!, {r4, r5, r6, r8}", 16, W(68), W(72), W(76), W(80));
    LDM("ldmda!", "ldmda %[b]!, {r4, r5, r6, r8}", -16, W(52), W(56), W(60), W(64));
    LDM("ldmda", "ldmda %[b], {r4, r5, r6, r8}", 0, W(52), W(56), W(60), W(64));
#endif

#define STM(name, insn, DELTA, FIRST)                                                             \
    do {                                                                                         \
        fill();                                                                                  \
        b = MID;                                                                                 \
        __asm__ volatile("mov r4, #0xa0\n\tmov r5, #0xa1\n\tmov r6, #0xa2\n\tmov r8, #0xa3\n\t" insn \
                         : [b] "+r"(b)                                                           \
                         :                                                                       \
                         : "r4", "r5", "r6", "r8", "memory");                                    \
        u32 f_ = MID + (u32)(FIRST);                                                             \
        check(rd32(f_) == 0xa0 && rd32(f_ + 4) == 0xa1 && rd32(f_ + 8) == 0xa2 && rd32(f_ + 12) == 0xa3 && \
                  rd32(f_ - 4) == W(f_ - 4 - MID + 64) && rd32(f_ + 16) == W(f_ + 16 - MID + 64),  \
              name);                                                                             \
        check_eq(b - MID, (u32)(DELTA), name " (base)");                                         \
    } while (0)
    STM("stmia!", "stmia %[b]!, {r4, r5, r6, r8}", 16, 0);
    STM("stmdb!", "stmdb %[b]!, {r4, r5, r6, r8}", -16, -16);
    STM("stmia", "stmia %[b], {r4, r5, r6, r8}", 0, 0);
#ifndef __thumb__
    STM("stmib!", "stmib %[b]!, {r4, r5, r6, r8}", 16, 4);
    STM("stmda!", "stmda %[b]!, {r4, r5, r6, r8}", -16, -12);
#endif

    {
        // Base in the register list without write-back: the base gets the loaded value.
        u32 x, y;
        fill();
        __asm__ volatile("mov r4, %[b]\n\tldmia r4, {r4, r5}\n\tmov %[x], r4\n\tmov %[y], r5"
                         : [x] "=r"(x), [y] "=r"(y)
                         : [b] "r"(MID)
                         : "r4", "r5", "memory");
        check(x == W(64) && y == W(68), "ldm with the base in the list");
#ifndef __thumb__
        // STMDB with the base first in the list stores its original value.
        fill();
        __asm__ volatile("mov r4, %[b]\n\tmov r5, #0x55\n\tstmdb r4!, {r4, r5}\n\tmov %[x], r4"
                         : [x] "=r"(x)
                         : [b] "r"(MID)
                         : "r4", "r5", "memory");
        check(rd32(MID - 8) == MID && rd32(MID - 4) == 0x55 && x == MID - 8, "stmdb! with the base lowest in the list");
#endif
        // PUSH/POP of many registers
        __asm__ volatile("mov r4, #4\n\tmov r5, #5\n\tmov r6, #6\n\tmov r8, #8\n\tpush {r4, r5, r6, r8}\n\t"
                         "mov r4, #0\n\tmov r5, #0\n\tpop {r5, r6}\n\tpop {r4, r8}\n\t"
                         "add %[x], r5, r6, lsl #4\n\tadd %[y], r4, r8, lsl #4"
                         : [x] "=r"(x), [y] "=r"(y)
                         :
                         : "r4", "r5", "r6", "r8", "memory");
        check(x == 4 + (5 << 4) && y == 6 + (8 << 4), "push/pop");
    }
#ifndef __thumb__
    {
        // STM/LDM of the User-mode banked SP and LR from SVC mode.
        u32 usr_sp, usr_lr, saved[2], x, y;
        __asm__ volatile("cps #0x1f\n\tmov %0, sp\n\tmov %1, lr\n\tcps #0x13" : "=r"(usr_sp), "=r"(usr_lr));
        __asm__ volatile("stmia %[p], {sp, lr}^" : : [p] "r"(saved) : "memory");
        check(saved[0] == usr_sp && saved[1] == usr_lr, "stm ^ stores the User SP and LR");
        u32 vals[2] = {0x12345670, 0x87654321};
        __asm__ volatile("ldmia %[p], {sp, lr}^\n\tnop" : : [p] "r"(vals) : "memory");
        __asm__ volatile("cps #0x1f\n\tmov %0, sp\n\tmov %1, lr\n\tmov sp, %2\n\tmov lr, %3\n\tcps #0x13"
                         : "=&r"(x), "=&r"(y)
                         : "r"(usr_sp), "r"(usr_lr));
        check(x == 0x12345670 && y == 0x87654321, "ldm ^ loads the User SP and LR");
    }
#endif
}

static void test_exclusive(void) {
    volatile u32 word = 0x1111;
    u32 old, status;
    __asm__ volatile("ldrex %[o], [%[a]]\n\tstrex %[s], %[n], [%[a]]"
                     : [o] "=&r"(old), [s] "=&r"(status)
                     : [a] "r"(&word), [n] "r"(0x2222u)
                     : "memory");
    check(old == 0x1111 && status == 0 && word == 0x2222, "ldrex/strex succeeds");
    __asm__ volatile("ldrex %[o], [%[a]]\n\tclrex\n\tstrex %[s], %[n], [%[a]]"
                     : [o] "=&r"(old), [s] "=&r"(status)
                     : [a] "r"(&word), [n] "r"(0x3333u)
                     : "memory");
    check(status == 1 && word == 0x2222, "strex after clrex fails");
    __asm__ volatile("strex %[s], %[n], [%[a]]" : [s] "=&r"(status) : [a] "r"(&word), [n] "r"(0x4444u) : "memory");
    check(status == 1 && word == 0x2222, "strex without ldrex fails");
    __asm__ volatile("ldrex %[o], [%[a]]\n\tstrex %[s], %[n], [%[a]]\n\tstrex %[s], %[n2], [%[a]]"
                     : [o] "=&r"(old), [s] "=&r"(status)
                     : [a] "r"(&word), [n] "r"(0x5555u), [n2] "r"(0x6666u)
                     : "memory");
    check(status == 1 && word == 0x5555, "second strex fails");

    volatile u8 bytes[4] = {1, 2, 3, 4};
    __asm__ volatile("ldrexb %[o], [%[a]]\n\tstrexb %[s], %[n], [%[a]]"
                     : [o] "=&r"(old), [s] "=&r"(status)
                     : [a] "r"(&bytes[1]), [n] "r"(0x1ffu)
                     : "memory");
    check(old == 2 && status == 0 && bytes[0] == 1 && bytes[1] == 0xff && bytes[2] == 3, "ldrexb/strexb");
    volatile u16 halves[2] = {0x1234, 0x5678};
    __asm__ volatile("ldrexh %[o], [%[a]]\n\tstrexh %[s], %[n], [%[a]]"
                     : [o] "=&r"(old), [s] "=&r"(status)
                     : [a] "r"(&halves[1]), [n] "r"(0xabcdefu)
                     : "memory");
    check(old == 0x5678 && status == 0 && halves[0] == 0x1234 && halves[1] == 0xcdef, "ldrexh/strexh");
    volatile u64 dword __attribute__((aligned(8))) = 0x1122334455667788ull;
    u32 lo, hi;
    __asm__ volatile("ldrexd r4, r5, [%[a]]\n\tmov r8, %[nl]\n\tmov r9, %[nh]\n\t"
                     "strexd %[s], r8, r9, [%[a]]\n\tmov %[lo], r4\n\tmov %[hi], r5"
                     : [lo] "=&r"(lo), [hi] "=&r"(hi), [s] "=&r"(status)
                     : [a] "r"(&dword), [nl] "r"(0xaaaa5555u), [nh] "r"(0xcccc3333u)
                     : "r4", "r5", "r8", "r9", "memory");
    check(lo == 0x55667788 && hi == 0x11223344 && status == 0 && dword == 0xcccc3333aaaa5555ull, "ldrexd/strexd");
}

#ifndef __thumb__
static void test_swp(void) {
    write_sctlr(read_sctlr() | (1u << 10));  // SCTLR.SW: SWP and SWPB enabled
    isb();
    volatile u32 word = 0xdeadbeef;
    {
        register u32 rt __asm__("r0");
        register u32 rt2 __asm__("r1") = 0x12345678;
        register volatile u32* rn __asm__("r2") = &word;
        __asm__ volatile(".inst 0xe1020091  @ swp r0, r1, [r2]" : "=r"(rt) : "r"(rt2), "r"(rn) : "memory");
        check(rt == 0xdeadbeef && word == 0x12345678, "swp");
    }
    {
        register u32 rt __asm__("r0");
        register u32 rt2 __asm__("r1") = 0xabababcd;
        register volatile u32* rn __asm__("r2") = &word;
        __asm__ volatile(".inst 0xe1420091  @ swpb r0, r1, [r2]" : "=r"(rt) : "r"(rt2), "r"(rn) : "memory");
        check(rt == 0x78 && word == 0x123456cd, "swpb");
    }
}
#endif

// Run an access expected to take an alignment fault; check DFSR, DFAR and LR.
#define FAULTS(name, insn, ADDR, WNR)                                                           \
    do {                                                                                       \
        u32 at_;                                                                               \
        fault_clear();                                                                         \
        __asm__ volatile("adr %[at], 1f\n1:\t" insn                                            \
                         : [at] "=&r"(at_)                                                     \
                         : [a] "r"((u32)(ADDR))                                                \
                         : "r4", "r5", "memory");                                              \
        check(rt_fault.count == 1 && rt_fault.type == EXC_DABT, name " faults");               \
        check_eq(rt_fault.fsr & 0x1c0f, 0x001 | ((WNR) ? 0x800 : 0), name " (DFSR: alignment)"); \
        check_eq(rt_fault.far, (u32)(ADDR), name " (DFAR)");                                   \
        check_eq(rt_fault.lr, (at_ & ~1u) + 8, name " (LR = insn + 8)");                       \
    } while (0)

static void test_unaligned(void) {
    fill();
    u32 v;
    check(!(read_sctlr() & 2), "SCTLR.A is 0");
    __asm__ volatile("ldr %0, [%1, #1]" : "=r"(v) : "r"(MID) : "memory");
    check_eq(v, W(65), "unaligned ldr");
    __asm__ volatile("ldr %0, [%1, #3]" : "=r"(v) : "r"(MID) : "memory");
    check_eq(v, W(67), "unaligned ldr (offset 3)");
    __asm__ volatile("ldrh %0, [%1, #1]" : "=r"(v) : "r"(MID) : "memory");
    check_eq(v, 0x4241, "unaligned ldrh");
    __asm__ volatile("ldrsh %0, [%1, #135]" : "=r"(v) : "r"(MID) : "memory");
    check_eq(v, 0xffffc8c7, "unaligned ldrsh");
    __asm__ volatile("str %0, [%1, #3]" : : "r"(0xaabbccddu), "r"(MID) : "memory");
    check(rd32(MID) == 0xdd424140 && rd32(MID + 4) == 0x47aabbcc, "unaligned str");
    __asm__ volatile("strh %0, [%1, #1]" : : "r"(0x1234u), "r"(MID + 8) : "memory");
    check_eq(rd32(MID + 8), 0x4b123448, "unaligned strh");

    // Across a page boundary
    for (u32 i = 4088; i < 4104; ++i) ((volatile u8*)pages)[i] = (u8)i;
    u32 edge = (u32)(uintptr_t)pages + 4094;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(edge) : "memory");
    check_eq(v, 0x0100fffe, "ldr across a page boundary");
    __asm__ volatile("str %0, [%1]" : : "r"(0x44332211u), "r"(edge - 1) : "memory");
    check(((volatile u8*)pages)[4093] == 0x11 && ((volatile u8*)pages)[4094] == 0x22 &&
              ((volatile u8*)pages)[4095] == 0x33 && ((volatile u8*)pages)[4096] == 0x44 &&
              ((volatile u8*)pages)[4097] == 0x01,
          "str across a page boundary");

    // Accesses that need alignment whatever SCTLR.A says
    catch_faults();
    FAULTS("ldrd at word + 2", "ldrd r4, r5, [%[a]]", MID + 2, 0);
    FAULTS("strd at word + 2", "strd r4, r5, [%[a]]", MID + 2, 1);
    FAULTS("ldm unaligned", "ldmia %[a], {r4, r5}", MID + 1, 0);
    FAULTS("stm unaligned", "stmia %[a], {r4, r5}", MID + 2, 1);
    FAULTS("ldrex unaligned", "ldrex r4, [%[a]]", MID + 2, 0);
    FAULTS("ldrexh unaligned", "ldrexh r4, [%[a]]", MID + 1, 0);
    FAULTS("ldrexd unaligned", "ldrexd r4, r5, [%[a]]", MID + 4, 0);

    // SCTLR.A = 1: every unaligned access faults
    write_sctlr(read_sctlr() | 2);
    isb();
    FAULTS("ldr unaligned with SCTLR.A", "ldr r4, [%[a]]", MID + 2, 0);
    FAULTS("ldrh unaligned with SCTLR.A", "ldrh r4, [%[a]]", MID + 1, 0);
    FAULTS("str unaligned with SCTLR.A", "str r4, [%[a]]", MID + 1, 1);
    fill();
    fault_clear();
    __asm__ volatile("ldrb %0, [%1, #1]\n\tldrh %0, [%1, #2]\n\tldr %0, [%1, #4]" : "=&r"(v) : "r"(MID) : "memory");
    check(rt_fault.count == 0 && v == W(68), "aligned accesses with SCTLR.A");
    write_sctlr(read_sctlr() & ~2u);
    isb();

    // Preload hints never fault, even to unmapped addresses.
    fault_clear();
    __asm__ volatile(".arch_extension mp\n\tpld [%0]\n\tpli [%0]\n\tpldw [%0]\n\tpld [%1, #64]"
                     :
                     : "r"(0x80000000u), "r"(MID)
                     : "memory");
    check(rt_fault.count == 0, "pld/pli/pldw to an unmapped address do not fault");
    default_faults();
}

int main(void) {
#ifdef __thumb__
    note("load/store tests, T32");
#else
    note("load/store tests, A32");
#endif
    mmu_identity_init();
    mmu_enable();
    test_ldr_str();
    test_ldrd_strd();
    test_ldm_stm();
    test_exclusive();
#ifndef __thumb__
    test_swp();
#endif
    test_unaligned();
    return 0;
}
