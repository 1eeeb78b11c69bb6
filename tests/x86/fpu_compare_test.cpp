// x87 compares (condition codes and EFLAGS), FTST, FXAM, FCMOVcc.
#include "fpu_test_support.h"

namespace emu::x86::test {
namespace {

using FpuCompare = FpuTest;

constexpr std::uint32_t kZF = 1u << 6, kPF = 1u << 2, kCF = 1u, kOF = 1u << 11, kSFlag = 1u << 7, kAF = 1u << 4;

TEST_F(FpuCompare, ConditionCodes) {
    poke<float>(kData, 2.0f);
    poke<std::int16_t>(kData + 4, 1);
    run("fld1\nfcom dword ptr [0x20000]\n");
    EXPECT_EQ(conditions(), kC0);  // 1 < 2
    run("ficom word ptr [0x20004]\n");
    EXPECT_EQ(conditions(), kC3);
    run("fldz\nfcom st(1)\n");
    EXPECT_EQ(conditions(), kC0);
    run("fcomp st(1)\n");
    EXPECT_EQ(top(), 7u);
    run("fld dword ptr [0x20000]\nfcompp\n");  // 2 > 1
    EXPECT_EQ(conditions(), 0);
    EXPECT_EQ(top(), 0u);
    run("ftst\n");  // empty: stack underflow, unordered
    EXPECT_EQ(conditions(), kC3 | kC2 | kC0);
    EXPECT_EQ(status() & (kIE | kSF | kC1), kIE | kSF);
}

TEST_F(FpuCompare, NanOrderingQuietVersusSignaling) {
    run("fldz\nfldz\nfdivp st(1), st\nfnclex\nfld1\n");  // st0 = 1, st1 = QNaN
    run("fucom st(1)\n");
    EXPECT_EQ(conditions(), kC3 | kC2 | kC0);
    EXPECT_EQ(status() & kIE, 0);
    run("fcom st(1)\n");
    EXPECT_EQ(status() & kIE, kIE);
    run("fnclex\nfucomi st, st(1)\n");
    EXPECT_EQ(cpu().flags() & (kZF | kPF | kCF), kZF | kPF | kCF);
    EXPECT_EQ(status() & kIE, 0);
    run("fcomi st, st(1)\n");
    EXPECT_EQ(status() & kIE, kIE);
}

TEST_F(FpuCompare, ComiSetsEflags) {
    cpu().set_flags(cpu().flags() | kOF | kSFlag | kAF);
    run("fld1\nfldz\nfcomi st, st(1)\n");  // 0 < 1
    EXPECT_EQ(cpu().flags() & (kZF | kPF | kCF | kOF | kSFlag | kAF), kCF);
    run("fucomi st, st(0)\n");
    EXPECT_EQ(cpu().flags() & (kZF | kPF | kCF), kZF);
    run("fxch\nfcomip st, st(1)\n");  // 1 > 0
    EXPECT_EQ(cpu().flags() & (kZF | kPF | kCF), 0u);
    EXPECT_EQ(top(), 7u);
    run("fld1\nfucomip st, st(1)\n");
    EXPECT_EQ(cpu().flags() & (kZF | kPF | kCF), 0u);
}

TEST_F(FpuCompare, ExamineClasses) {
    const auto examine = [&](std::uint64_t mantissa, std::uint16_t sign_exponent) {
        poke_extended(kData, mantissa, sign_exponent);
        run("fninit\nfld tbyte ptr [0x20000]\nfxam\n");
        return static_cast<std::uint16_t>(conditions() | (status() & kC1));
    };
    EXPECT_EQ(examine(0, 0), kC3);                                         // +0
    EXPECT_EQ(examine(0, 0x8000), kC3 | kC1);                              // -0
    EXPECT_EQ(examine(1, 0), kC3 | kC2);                                   // denormal
    EXPECT_EQ(examine(0x8000000000000000ull, 0x3FFF), kC2);                // normal
    EXPECT_EQ(examine(0x8000000000000000ull, 0xFFFF), kC2 | kC0 | kC1);    // -inf
    EXPECT_EQ(examine(0xC000000000000000ull, 0x7FFF), kC0);                // NaN
    EXPECT_EQ(examine(0x4000000000000000ull, 0x7FFF), 0);                  // pseudo-NaN: unsupported
    EXPECT_EQ(examine(0x0000000000000001ull, 0x3FFF), 0);                  // unnormal: unsupported
    run("fninit\nfxam\n");
    EXPECT_EQ(conditions(), kC3 | kC0);  // empty
}

TEST_F(FpuCompare, ConditionalMoves) {
    run("fld1\nfldz\n");  // st0 = 0, st1 = 1
    cpu().set_flags(kCF);
    run("fcmovb st, st(1)\n");
    EXPECT_EQ(st(0), 1.0L);
    run("fldz\nfcmovnb st, st(1)\nfcmove st, st(1)\nfcmovu st, st(1)\n");
    EXPECT_EQ(st(0), 0.0L);
    run("fcmovbe st, st(1)\n");
    EXPECT_EQ(st(0), 1.0L);
    cpu().set_flags(kPF | kZF);
    run("fldz\nfcmovnbe st, st(1)\nfcmovne st, st(1)\nfcmovnu st, st(1)\n");
    EXPECT_EQ(st(0), 0.0L);
    run("fcmove st, st(1)\n");
    EXPECT_EQ(st(0), 1.0L);
}

}  // namespace
}  // namespace emu::x86::test
