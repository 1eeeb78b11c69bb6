// VFPv4 (single and double precision): arithmetic with exactly known results, fused versus
// chained multiply-add, square root, conversions (integer, fixed point, half precision,
// single/double) with saturation, every FPSCR rounding mode, the cumulative exception flags
// (IOC DZC OFC UFC IXC IDC), flush-to-zero and default-NaN modes, NaN propagation, compares
// into APSR, and the register file (loads, stores, moves).
//
// Built as A32 (vfp.elf) and T32 (vfp-thumb.elf).
#include "rt.h"

#define RN (0u << 22)
#define RP (1u << 22)
#define RM (2u << 22)
#define RZ (3u << 22)
#define FZ (1u << 24)
#define DN (1u << 25)
#define IOC 0x01u
#define DZC 0x02u
#define OFC 0x04u
#define UFC 0x08u
#define IXC 0x10u
#define IDC 0x80u
#define FLAGS 0x9fu

static inline u32 get_fpscr(void) {
    u32 v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
    return v;
}
static inline void set_fpscr(u32 v) { __asm__ volatile("vmsr fpscr, %0" ::"r"(v) : "memory"); }

// Single precision: s0 = A, s1 = B, s2 = C; insn computes s2; FPSCR set to MODE first.
#define S3(name, MODE, insn, A, B, C, ER, EF)                                                      \
    do {                                                                                          \
        u32 r_, f_;                                                                               \
        set_fpscr(MODE);                                                                          \
        __asm__ volatile("vmov s0, %[a]\n\tvmov s1, %[b]\n\tvmov s2, %[c]\n\t" insn                \
                         "\n\tvmov %[r], s2\n\tvmrs %[f], fpscr"                                  \
                         : [r] "=r"(r_), [f] "=r"(f_)                                             \
                         : [a] "r"((u32)(A)), [b] "r"((u32)(B)), [c] "r"((u32)(C))               \
                         : "s0", "s1", "s2", "memory");                                           \
        check_rf(name, r_, (ER), f_ & FLAGS, (EF));                                               \
    } while (0)
#define S2(name, MODE, insn, A, B, ER, EF) S3(name, MODE, insn, A, B, 0, ER, EF)
#define S1(name, MODE, insn, A, ER, EF) S3(name, MODE, insn, A, 0, 0, ER, EF)

// Double precision: d0 = A, d1 = B, d2 = C; insn computes d2.
#define D3(name, MODE, insn, A, B, C, ER, EF)                                                      \
    do {                                                                                          \
        u64 r_;                                                                                   \
        u32 f_;                                                                                   \
        set_fpscr(MODE);                                                                          \
        __asm__ volatile("vmov d0, %Q[a], %R[a]\n\tvmov d1, %Q[b], %R[b]\n\tvmov d2, %Q[c], %R[c]\n\t" insn \
                         "\n\tvmov %Q[r], %R[r], d2\n\tvmrs %[f], fpscr"                          \
                         : [r] "=r"(r_), [f] "=r"(f_)                                             \
                         : [a] "r"((u64)(A)), [b] "r"((u64)(B)), [c] "r"((u64)(C))               \
                         : "d0", "d1", "d2", "memory");                                           \
        check_eq64(r_, (ER), name);                                                               \
        check_eq(f_ & FLAGS, (EF), name " (FPSCR flags)");                                        \
    } while (0)
#define D2(name, MODE, insn, A, B, ER, EF) D3(name, MODE, insn, A, B, 0, ER, EF)

// Conversions between the sizes: single in s0 or double in d0; result read from s2 or d2.
#define CVT_SD(name, MODE, insn, A, ER, EF)                                                        \
    do {                                                                                          \
        u64 r_;                                                                                   \
        u32 f_;                                                                                   \
        set_fpscr(MODE);                                                                          \
        __asm__ volatile("vmov s0, %[a]\n\t" insn "\n\tvmov %Q[r], %R[r], d2\n\tvmrs %[f], fpscr"  \
                         : [r] "=r"(r_), [f] "=r"(f_)                                             \
                         : [a] "r"((u32)(A))                                                      \
                         : "d0", "d2", "memory");                                                 \
        check_eq64(r_, (ER), name);                                                               \
        check_eq(f_ & FLAGS, (EF), name " (FPSCR flags)");                                        \
    } while (0)
#define CVT_DS(name, MODE, insn, A, ER, EF)                                                        \
    do {                                                                                          \
        u32 r_, f_;                                                                               \
        set_fpscr(MODE);                                                                          \
        __asm__ volatile("vmov d0, %Q[a], %R[a]\n\t" insn "\n\tvmov %[r], s2\n\tvmrs %[f], fpscr"  \
                         : [r] "=r"(r_), [f] "=r"(f_)                                             \
                         : [a] "r"((u64)(A))                                                      \
                         : "d0", "d1", "memory");                                                 \
        check_rf(name, r_, (ER), f_ & FLAGS, (EF));                                               \
    } while (0)

#define ONE 0x3f800000u
#define TWO 0x40000000u
#define THREE 0x40400000u
#define HALF 0x3f000000u
#define FLT_MAX_BITS 0x7f7fffffu
#define QNAN 0x7fc00000u
#define PINF 0x7f800000u
#define NINF 0xff800000u

static void test_arith(void) {
    S2("vadd.f32", RN, "vadd.f32 s2, s0, s1", 0x3fc00000, 0x40100000, 0x40700000, 0);
    S2("vsub.f32 x - x = +0", RN, "vsub.f32 s2, s0, s1", 0x40700000, 0x40700000, 0, 0);
    S2("vsub.f32 x - x = -0 rounding down", RM, "vsub.f32 s2, s0, s1", 0x40700000, 0x40700000, 0x80000000, 0);
    S2("vmul.f32", RN, "vmul.f32 s2, s0, s1", THREE, 0xbf000000, 0xbfc00000, 0);
    S2("vnmul.f32", RN, "vnmul.f32 s2, s0, s1", THREE, 0xbf000000, 0x3fc00000, 0);
    S2("vdiv.f32 1/3 RN", RN, "vdiv.f32 s2, s0, s1", ONE, THREE, 0x3eaaaaab, IXC);
    S2("vdiv.f32 1/3 RP", RP, "vdiv.f32 s2, s0, s1", ONE, THREE, 0x3eaaaaab, IXC);
    S2("vdiv.f32 1/3 RM", RM, "vdiv.f32 s2, s0, s1", ONE, THREE, 0x3eaaaaaa, IXC);
    S2("vdiv.f32 1/3 RZ", RZ, "vdiv.f32 s2, s0, s1", ONE, THREE, 0x3eaaaaaa, IXC);
    S2("vdiv.f32 -1/3 RN", RN, "vdiv.f32 s2, s0, s1", 0xbf800000, THREE, 0xbeaaaaab, IXC);
    S2("vdiv.f32 -1/3 RP", RP, "vdiv.f32 s2, s0, s1", 0xbf800000, THREE, 0xbeaaaaaa, IXC);
    S2("vdiv.f32 -1/3 RM", RM, "vdiv.f32 s2, s0, s1", 0xbf800000, THREE, 0xbeaaaaab, IXC);
    S2("vdiv.f32 -1/3 RZ", RZ, "vdiv.f32 s2, s0, s1", 0xbf800000, THREE, 0xbeaaaaaa, IXC);
    D2("vdiv.f64 1/3", RN, "vdiv.f64 d2, d0, d1", 0x3ff0000000000000ull, 0x4008000000000000ull, 0x3fd5555555555555ull,
       IXC);
    D2("vadd.f64", RN, "vadd.f64 d2, d0, d1", 0x3ff8000000000000ull, 0x4002000000000000ull, 0x400e000000000000ull, 0);
    D2("vmul.f64", RN, "vmul.f64 d2, d0, d1", 0xc000000000000000ull, 0x4008000000000000ull, 0xc018000000000000ull, 0);
    D2("vsub.f64 cancels", RN, "vsub.f64 d2, d0, d1", 0x3ff0000000000001ull, 0x3ff0000000000000ull,
       0x3cb0000000000000ull, 0);
    S1("vsqrt.f32 2", RN, "vsqrt.f32 s2, s0", TWO, 0x3fb504f3, IXC);
    S1("vsqrt.f32 4", RN, "vsqrt.f32 s2, s0", 0x40800000, TWO, 0);
    S1("vsqrt.f32 -1", RN, "vsqrt.f32 s2, s0", 0xbf800000, QNAN, IOC);
    S1("vsqrt.f32 -0", RN, "vsqrt.f32 s2, s0", 0x80000000, 0x80000000, 0);
    D2("vsqrt.f64 2", RN, "vsqrt.f64 d2, d0", 0x4000000000000000ull, 0, 0x3ff6a09e667f3bcdull, IXC);
    S1("vabs.f32 of a signalling NaN: no exception", RN, "vabs.f32 s2, s0", 0xff812345, 0x7f812345, 0);
    S1("vneg.f32", RN, "vneg.f32 s2, s0", 0x3fc00000, 0xbfc00000, 0);
    S1("vmov.f32 immediate", RN, "vmov.f32 s2, #-1.25", 0, 0xbfa00000, 0);
    D2("vmov.f64 immediate", RN, "vmov.f64 d2, #0.125", 0, 0, 0x3fc0000000000000ull, 0);

    // Fused vs chained multiply-add: (1 + 2^-23)(1 - 2^-23) = 1 - 2^-46.
    S3("vfma.f32 single rounding", RN, "vfma.f32 s2, s0, s1", 0x3f800001, 0x3f7ffffe, 0xbf800000, 0xa8800000, 0);
    S3("vmla.f32 rounds the product", RN, "vmla.f32 s2, s0, s1", 0x3f800001, 0x3f7ffffe, 0xbf800000, 0, IXC);
    S3("vfms.f32", RN, "vfms.f32 s2, s0, s1", 0x3f800001, 0x3f7ffffe, ONE, 0x28800000, 0);
    S3("vfnms.f32", RN, "vfnms.f32 s2, s0, s1", 0x3f800001, 0x3f7ffffe, ONE, 0xa8800000, 0);
    S3("vfnma.f32", RN, "vfnma.f32 s2, s0, s1", TWO, THREE, ONE, 0xc0e00000, 0);
    S3("vmls.f32", RN, "vmls.f32 s2, s0, s1", TWO, THREE, ONE, 0xc0a00000, 0);
    S3("vnmla.f32", RN, "vnmla.f32 s2, s0, s1", TWO, THREE, ONE, 0xc0e00000, 0);
    S3("vnmls.f32", RN, "vnmls.f32 s2, s0, s1", TWO, THREE, ONE, 0x40a00000, 0);
    D3("vfma.f64", RN, "vfma.f64 d2, d0, d1", 0x3ff0000000000001ull, 0x3feffffffffffffeull, 0xbff0000000000000ull,
       0xb970000000000000ull, 0);
}

static void test_convert(void) {
    S1("vcvt.s32.f32 truncates", RN, "vcvt.s32.f32 s2, s0", 0xc02ccccd, 0xfffffffe, IXC);
    S1("vcvtr.s32.f32 2.5 RN", RN, "vcvtr.s32.f32 s2, s0", 0x40200000, 2, IXC);
    S1("vcvtr.s32.f32 3.5 RN", RN, "vcvtr.s32.f32 s2, s0", 0x40600000, 4, IXC);
    S1("vcvtr.s32.f32 2.5 RP", RP, "vcvtr.s32.f32 s2, s0", 0x40200000, 3, IXC);
    S1("vcvtr.s32.f32 2.5 RM", RM, "vcvtr.s32.f32 s2, s0", 0x40200000, 2, IXC);
    S1("vcvtr.s32.f32 -2.5 RM", RM, "vcvtr.s32.f32 s2, s0", 0xc0200000, 0xfffffffd, IXC);
    S1("vcvtr.s32.f32 -2.5 RP", RP, "vcvtr.s32.f32 s2, s0", 0xc0200000, 0xfffffffe, IXC);
    S1("vcvtr.s32.f32 -2.5 RZ", RZ, "vcvtr.s32.f32 s2, s0", 0xc0200000, 0xfffffffe, IXC);
    S1("vcvt.u32.f32 -1 saturates", RN, "vcvt.u32.f32 s2, s0", 0xbf800000, 0, IOC);
    S1("vcvt.u32.f32 -0.5 is 0", RN, "vcvt.u32.f32 s2, s0", 0xbf000000, 0, IXC);
    S1("vcvt.s32.f32 1e10 saturates", RN, "vcvt.s32.f32 s2, s0", 0x501502f9, 0x7fffffff, IOC);
    S1("vcvt.s32.f32 -1e10 saturates", RN, "vcvt.s32.f32 s2, s0", 0xd01502f9, 0x80000000, IOC);
    S1("vcvt.s32.f32 NaN", RN, "vcvt.s32.f32 s2, s0", QNAN, 0, IOC);
    S1("vcvt.u32.f32 large", RN, "vcvt.u32.f32 s2, s0", 0x4f7fffff, 0xffffff00, 0);
    S1("vcvt.f32.s32 INT_MAX", RN, "vcvt.f32.s32 s2, s0", 0x7fffffff, 0x4f000000, IXC);
    S1("vcvt.f32.s32 INT_MIN", RN, "vcvt.f32.s32 s2, s0", 0x80000000, 0xcf000000, 0);
    S1("vcvt.f32.u32 2^24 + 1 (tie to even)", RN, "vcvt.f32.u32 s2, s0", 16777217, 0x4b800000, IXC);
    S1("vcvt.f32.u32 2^24 + 3 (tie to even)", RN, "vcvt.f32.u32 s2, s0", 16777219, 0x4b800002, IXC);
    S1("vcvt.f32.u32 UINT_MAX", RN, "vcvt.f32.u32 s2, s0", 0xffffffff, 0x4f800000, IXC);
    S1("vcvt.f32.u32 UINT_MAX RZ", RZ, "vcvt.f32.u32 s2, s0", 0xffffffff, 0x4f7fffff, IXC);
    S1("vcvt.s32.f32 fixed #16", RN, "vmov.f32 s2, s0\n\tvcvt.s32.f32 s2, s2, #16", 0x3fc00000, 0x00018000, 0);
    S1("vcvt.f32.s32 fixed #16", RN, "vmov.f32 s2, s0\n\tvcvt.f32.s32 s2, s2, #16", 0x00018000, 0x3fc00000, 0);
    S1("vcvt.u16.f32 fixed #8 saturates", RN, "vmov.f32 s2, s0\n\tvcvt.u16.f32 s2, s2, #8", 0x43800000, 0xffff,
       IOC);
    D2("vcvt.f64.s32 INT_MIN", RN, "vmov s4, %Q[a]\n\tvcvt.f64.s32 d2, s4", 0x80000000, 0, 0xc1e0000000000000ull, 0);
    CVT_SD("vcvt.f64.f32 0.1f", RN, "vcvt.f64.f32 d2, s0", 0x3dcccccd, 0x3fb99999a0000000ull, 0);
    CVT_SD("vcvt.f64.f32 signalling NaN", RN, "vcvt.f64.f32 d2, s0", 0x7f812345, 0x7ff82468a0000000ull, IOC);
    CVT_SD("vcvt.f64.f32 denormal", RN, "vcvt.f64.f32 d2, s0", 0x00000001, 0x36a0000000000000ull, 0);
    CVT_DS("vcvt.f32.f64 0.1", RN, "vcvt.f32.f64 s2, d0", 0x3fb999999999999aull, 0x3dcccccd, IXC);
    CVT_DS("vcvt.f32.f64 overflow", RN, "vcvt.f32.f64 s2, d0", 0x7e37e43c8800759cull, PINF, OFC | IXC);
    CVT_DS("vcvt.f32.f64 overflow RZ", RZ, "vcvt.f32.f64 s2, d0", 0x7e37e43c8800759cull, FLT_MAX_BITS, OFC | IXC);
    CVT_DS("vcvt.f32.f64 underflow", RN, "vcvt.f32.f64 s2, d0", 0x01a56e1fc2f8f359ull, 0, UFC | IXC);
    CVT_DS("vcvt.s32.f64 rounds toward zero", RN, "vcvt.s32.f64 s2, d0", 0xc00c000000000000ull, 0xfffffffd, IXC);
    CVT_DS("vcvtr.u32.f64 RN", RN, "vcvtr.u32.f64 s2, d0", 0x400c000000000000ull, 4, IXC);

    // Half precision (IEEE format, FPSCR.AHP = 0); VCVTB/VCVTT keep the other half.
    S2("vcvtb.f16.f32 1.0", RN, "vmov s2, s1\n\tvcvtb.f16.f32 s2, s0", ONE, 0xabcd0000, 0xabcd3c00, 0);
    S2("vcvtt.f16.f32 65504", RN, "vmov s2, s1\n\tvcvtt.f16.f32 s2, s0", 0x477fe000, 0x00001234, 0x7bff1234, 0);
    S2("vcvtb.f16.f32 1e5 overflows", RN, "vmov s2, s1\n\tvcvtb.f16.f32 s2, s0", 0x47c35000, 0, 0x7c00, OFC | IXC);
    S2("vcvtb.f16.f32 2^-24 (half denormal)", RN, "vmov s2, s1\n\tvcvtb.f16.f32 s2, s0", 0x33800000, 0, 0x0001, 0);
    S2("vcvtb.f16.f32 1 + 2^-10", RN, "vmov s2, s1\n\tvcvtb.f16.f32 s2, s0", 0x3f802000, 0, 0x3c01, 0);
    S2("vcvtb.f16.f32 tie to even", RN, "vmov s2, s1\n\tvcvtb.f16.f32 s2, s0", 0x3f801000, 0, 0x3c00, IXC);
    S2("vcvtb.f16.f32 tie to even (up)", RN, "vmov s2, s1\n\tvcvtb.f16.f32 s2, s0", 0x3f803000, 0, 0x3c02, IXC);
    S2("vcvtb.f16.f32 inexact", RN, "vmov s2, s1\n\tvcvtb.f16.f32 s2, s0", 0x3f800001, 0, 0x3c00, IXC);
    S1("vcvtt.f32.f16 -2.0", RN, "vcvtt.f32.f16 s2, s0", 0xc0000000, 0xc0000000, 0);
    S1("vcvtb.f32.f16 half denormal", RN, "vcvtb.f32.f16 s2, s0", 0x00000001, 0x33800000, 0);
    S1("vcvtb.f32.f16 infinity", RN, "vcvtb.f32.f16 s2, s0", 0x0000fc00, NINF, 0);
}

static void test_exceptions(void) {
    S2("0/0: default NaN, IOC", RN, "vdiv.f32 s2, s0, s1", 0, 0, QNAN, IOC);
    S2("1/0: +inf, DZC", RN, "vdiv.f32 s2, s0, s1", ONE, 0, PINF, DZC);
    S2("-1/-0: +inf, DZC", RN, "vdiv.f32 s2, s0, s1", 0xbf800000, 0x80000000, PINF, DZC);
    S2("inf - inf: default NaN, IOC", RN, "vsub.f32 s2, s0, s1", PINF, PINF, QNAN, IOC);
    S2("0 * inf: default NaN, IOC", RN, "vmul.f32 s2, s0, s1", 0, NINF, QNAN, IOC);
    S2("inf/0: inf, no DZC", RN, "vdiv.f32 s2, s0, s1", PINF, 0, PINF, 0);
    S2("FLT_MAX * 2 RN: inf", RN, "vmul.f32 s2, s0, s1", FLT_MAX_BITS, TWO, PINF, OFC | IXC);
    S2("FLT_MAX * 2 RZ: FLT_MAX", RZ, "vmul.f32 s2, s0, s1", FLT_MAX_BITS, TWO, FLT_MAX_BITS, OFC | IXC);
    S2("FLT_MAX * 2 RM: FLT_MAX", RM, "vmul.f32 s2, s0, s1", FLT_MAX_BITS, TWO, FLT_MAX_BITS, OFC | IXC);
    S2("-FLT_MAX * 2 RM: -inf", RM, "vmul.f32 s2, s0, s1", 0xff7fffff, TWO, NINF, OFC | IXC);
    S2("-FLT_MAX * 2 RP: -FLT_MAX", RP, "vmul.f32 s2, s0, s1", 0xff7fffff, TWO, 0xff7fffff, OFC | IXC);
    S2("exact denormal result: no UFC", RN, "vmul.f32 s2, s0, s1", 0x00800000, HALF, 0x00400000, 0);
    S2("inexact denormal result: UFC IXC", RN, "vmul.f32 s2, s0, s1", 0x00800001, HALF, 0x00400000, UFC | IXC);
    S2("denormal input without FZ", RN, "vmul.f32 s2, s0, s1", 0x00000001, 0x4b000000, 0x00800000, 0);
    S2("FZ: tiny result flushed, UFC", FZ, "vmul.f32 s2, s0, s1", 0x00800000, HALF, 0, UFC);
    S2("FZ: negative tiny result flushed to -0", FZ, "vmul.f32 s2, s0, s1", 0x80800000, HALF, 0x80000000, UFC);
    S2("FZ: denormal input is zero, IDC", FZ, "vadd.f32 s2, s0, s1", 0x00000001, 0, 0, IDC);
    S2("FZ: denormal input times 1, IDC", FZ, "vmul.f32 s2, s0, s1", 0x00000001, ONE, 0, IDC);
    D2("FZ: double denormal input", FZ, "vadd.f64 d2, d0, d1", 0x0000000000000001ull, 0, 0, IDC);
    S2("quiet NaN propagates", RN, "vadd.f32 s2, s0, s1", 0x7fc12345, ONE, 0x7fc12345, 0);
    S2("DN: quiet NaN becomes the default NaN", DN, "vadd.f32 s2, s0, s1", 0x7fc12345, ONE, QNAN, 0);
    S2("signalling NaN quieted, IOC", RN, "vadd.f32 s2, s0, s1", 0x7f812345, ONE, 0x7fc12345, IOC);
    S2("DN: signalling NaN gives the default NaN, IOC", DN, "vadd.f32 s2, s0, s1", 0x7f812345, ONE, QNAN, IOC);
    S2("signalling NaN operand wins over a quiet one", RN, "vadd.f32 s2, s0, s1", 0x7fc11111, 0x7f822222, 0x7fc22222,
       IOC);
    S2("first quiet NaN wins", RN, "vmul.f32 s2, s0, s1", 0xffc11111, 0x7fc22222, 0xffc11111, 0);
    D2("f64 signalling NaN quieted", RN, "vadd.f64 d2, d0, d1", 0x7ff0000000000001ull, 0x3ff0000000000000ull,
       0x7ff8000000000001ull, IOC);
    S3("vfma NaN addend (quiet) propagates", RN, "vfma.f32 s2, s0, s1", ONE, ONE, 0x7fc33333, 0x7fc33333, 0);
    S3("vfma inf * 0 + qNaN: IOC, default NaN", RN, "vfma.f32 s2, s0, s1", PINF, 0, 0x7fc33333, QNAN, IOC);

    // Flags are cumulative.
    set_fpscr(0);
    __asm__ volatile("vmov s0, %0\n\tvmov s1, %1\n\tvdiv.f32 s2, s0, s1\n\tvadd.f32 s2, s0, s0" ::"r"(ONE),
                     "r"(THREE)
                     : "s0", "s1", "s2");
    check_eq(get_fpscr() & FLAGS, IXC, "FPSCR flags are cumulative");
    set_fpscr(0x07c00000u);  // AHP, DN, FZ, RMode = 3 (not QC: without Advanced SIMD it is UNK/SBZP)
    check_eq(get_fpscr() & 0x07c00000u, 0x07c00000u, "FPSCR mode bits read back");
    set_fpscr(0);
}

#define CMP(name, insn, A, B, ENZCV, EF)                                                           \
    do {                                                                                          \
        u32 apsr_, f_;                                                                            \
        set_fpscr(0);                                                                             \
        __asm__ volatile("vmov s0, %[a]\n\tvmov s1, %[b]\n\t" insn                                \
                         "\n\tvmrs APSR_nzcv, fpscr\n\tmrs %[p], APSR\n\tvmrs %[f], fpscr"        \
                         : [p] "=r"(apsr_), [f] "=r"(f_)                                          \
                         : [a] "r"((u32)(A)), [b] "r"((u32)(B))                                   \
                         : "s0", "s1", "cc");                                                     \
        check_rf(name, apsr_ >> 28, (ENZCV), f_ & FLAGS, (EF));                                   \
    } while (0)

static void test_compare(void) {
    CMP("vcmp less", "vcmp.f32 s0, s1", ONE, TWO, 0x8, 0);
    CMP("vcmp equal", "vcmp.f32 s0, s1", TWO, TWO, 0x6, 0);
    CMP("vcmp greater", "vcmp.f32 s0, s1", THREE, TWO, 0x2, 0);
    CMP("vcmp unordered (quiet NaN): no IOC", "vcmp.f32 s0, s1", QNAN, TWO, 0x3, 0);
    CMP("vcmpe unordered (quiet NaN): IOC", "vcmpe.f32 s0, s1", QNAN, TWO, 0x3, IOC);
    CMP("vcmp signalling NaN: IOC", "vcmp.f32 s0, s1", 0x7f800001, TWO, 0x3, IOC);
    CMP("vcmp -0 with #0", "vcmp.f32 s0, #0", 0x80000000, 0, 0x6, 0);
    CMP("vcmp -inf less than everything", "vcmp.f32 s0, s1", NINF, 0xff7fffff, 0x8, 0);
    {
        u32 apsr, f;
        set_fpscr(0);
        __asm__ volatile("vmov d0, %Q[a], %R[a]\n\tvmov d1, %Q[b], %R[b]\n\tvcmp.f64 d0, d1\n\t"
                         "vmrs APSR_nzcv, fpscr\n\tmrs %[p], APSR\n\tvmrs %[f], fpscr"
                         : [p] "=r"(apsr), [f] "=r"(f)
                         : [a] "r"(0x3ff0000000000001ull), [b] "r"(0x3ff0000000000000ull)
                         : "d0", "d1", "cc");
        check_rf("vcmp.f64 greater by 1 ulp", apsr >> 28, 0x2, f & FLAGS, 0);
    }
    {
        // Conditional execution on the transferred flags
        u32 r;
        __asm__ volatile("vmov s0, %[a]\n\tvmov s1, %[b]\n\tvcmp.f32 s0, s1\n\tvmrs APSR_nzcv, fpscr\n\t"
                         "mov %[r], #0\n\t"
#ifdef __thumb__
                         "it mi\n\t"
#endif
                         "movmi %[r], #1"
                         : [r] "=&r"(r)
                         : [a] "r"(0xbf800000u), [b] "r"(0u)
                         : "s0", "s1", "cc");
        check_eq(r, 1, "vmrs APSR_nzcv feeds a condition");
    }
}

static void test_registers(void) {
    static u64 mem[16] __attribute__((aligned(8)));
    static u64 out[16] __attribute__((aligned(8)));
    for (int i = 0; i < 16; ++i) mem[i] = 0x0101010101010101ull * (u64)(i + 1) + 0x8000000000000000ull;
    __asm__ volatile("vldmia %0, {d0-d15}\n\tvstmia %1, {d0-d15}" ::"r"(mem), "r"(out)
                     : "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13",
                       "d14", "d15", "memory");
    int same = 1;
    for (int i = 0; i < 16; ++i) same &= out[i] == mem[i];
    check(same, "vldm/vstm d0-d15");
    u32 a, b, c, d;
    __asm__ volatile("vldr d3, [%[m], #8]\n\tvmov %[a], %[b], d3\n\tvmov %[c], s6\n\tvmov %[d], s7"
                     : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d)
                     : [m] "r"(mem)
                     : "d3", "memory");
    check(a == 0x02020202 && b == 0x82020202 && c == a && d == b, "vldr, vmov of a double and its singles");
    __asm__ volatile("vmov s9, %[x]\n\tvstr s9, [%[o], #4]\n\tvmov.32 d5[1], %[y]\n\tvstr d5, [%[o], #8]"
                     :
                     : [x] "r"(0xcafef00du), [y] "r"(0x12345678u), [o] "r"(out)
                     : "d4", "d5", "memory");
    check(((volatile u32*)out)[1] == 0xcafef00d && ((volatile u32*)out)[3] == 0x12345678, "vstr single and double, vmov scalar");
    __asm__ volatile("vmov d8, %Q0, %R0\n\tvpush {d8}\n\tvmov d8, %Q1, %R1\n\tvpop {d8}\n\tvmov %Q0, %R0, d8"
                     : "+r"(mem[0])
                     : "r"(0ull)
                     : "d8", "memory");
    check_eq64(mem[0], 0x8101010101010101ull, "vpush/vpop");
    u32 fpexc;
    __asm__ volatile("vmrs %0, fpexc" : "=r"(fpexc));
    check(fpexc & (1u << 30), "FPEXC.EN set by the runtime");
    u32 fpsid, mvfr0;
    __asm__ volatile("vmrs %0, fpsid\n\tvmrs %1, mvfr0" : "=r"(fpsid), "=r"(mvfr0));
    note("FPSID 0x%08x MVFR0 0x%08x", fpsid, mvfr0);
    check(((mvfr0 >> 4) & 0xf) == 2 && ((mvfr0 >> 8) & 0xf) == 2, "MVFR0: single and double precision");
}

int main(void) {
#ifdef __thumb__
    note("VFP tests, T32");
#else
    note("VFP tests, A32");
#endif
    test_arith();
    test_convert();
    test_exceptions();
    test_compare();
    test_registers();
    return 0;
}
