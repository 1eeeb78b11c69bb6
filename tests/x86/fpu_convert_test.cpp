// x87 loads and stores: real and integer formats, integer overflow, packed BCD.
#include "fpu_test_support.h"

namespace emu::x86::test {
namespace {

using FpuConvert = FpuTest;

TEST_F(FpuConvert, RealFormatsRoundTrip) {
    poke<float>(kData, -1.5f);
    poke<double>(kData + 8, 1e300);
    poke_extended(kData + 16, 0x8000000000000001ull, 0x4000);
    run("fld dword ptr [0x20000]\nfld qword ptr [0x20008]\nfld tbyte ptr [0x20010]\n"
        "fstp tbyte ptr [0x20100]\nfst qword ptr [0x20110]\nfstp dword ptr [0x20118]\n"
        "fst qword ptr [0x20120]\n");
    EXPECT_EQ(peek<std::uint64_t>(0x20100), 0x8000000000000001ull);
    EXPECT_EQ(peek<std::uint16_t>(0x20108), 0x4000);
    EXPECT_EQ(peek<double>(0x20110), 1e300);
    EXPECT_TRUE(std::isinf(peek<float>(0x20118)));  // 1e300 overflows single
    EXPECT_EQ(status() & (kOE | kPE), kOE | kPE);
    EXPECT_EQ(peek<double>(0x20120), -1.5);
    EXPECT_EQ(top(), 7u);
}

TEST_F(FpuConvert, SignalingNanLoadIsInvalidAndQuieted) {
    poke<std::uint32_t>(kData, 0x7F800001u);  // single SNaN
    run("fld dword ptr [0x20000]\nfstp dword ptr [0x20004]\n");
    EXPECT_EQ(status() & kIE, kIE);
    EXPECT_EQ(peek<std::uint32_t>(kData + 4), 0x7FC00001u);
    poke<std::uint32_t>(kData, 0x00000001u);  // denormal single
    run("fnclex\nfld dword ptr [0x20000]\n");
    EXPECT_EQ(status() & (kDE | kIE), kDE);
}

TEST_F(FpuConvert, IntegerStoresRoundPerControlWord) {
    const double values[] = {2.5, -2.5, 3.5, -0.5};
    // nearest, down, up, chop
    const std::int32_t expected[4][4] = {{2, -2, 4, 0}, {2, -3, 3, -1}, {3, -2, 4, 0}, {2, -2, 3, 0}};
    for (unsigned rc = 0; rc < 4; ++rc) {
        for (unsigned v = 0; v < 4; ++v) {
            poke<double>(kData, values[v]);
            poke<std::uint16_t>(kData + 8, static_cast<std::uint16_t>(0x037F | (rc << 10)));
            run("fninit\nfldcw [0x20008]\nfld qword ptr [0x20000]\nfistp dword ptr [0x20010]\n");
            EXPECT_EQ(peek<std::int32_t>(kData + 0x10), expected[rc][v]) << "rc " << rc << " value " << values[v];
        }
    }
}

TEST_F(FpuConvert, IntegerLoadsAndOverflowGiveIndefinite) {
    poke<std::int16_t>(kData, -1234);
    poke<std::int32_t>(kData + 4, -123456789);
    poke<std::int64_t>(kData + 8, -1234567890123456789ll);
    run("fild word ptr [0x20000]\nfild dword ptr [0x20004]\nfild qword ptr [0x20008]\n");
    EXPECT_EQ(st(0), -1234567890123456789.0L);
    EXPECT_EQ(st(1), -123456789.0L);
    EXPECT_EQ(st(2), -1234.0L);
    run("fistp qword ptr [0x20100]\nfist dword ptr [0x20108]\nfistp word ptr [0x2010c]\n");
    EXPECT_EQ(peek<std::int64_t>(0x20100), -1234567890123456789ll);
    EXPECT_EQ(peek<std::int32_t>(0x20108), -123456789);
    EXPECT_EQ(peek<std::uint16_t>(0x2010c), 0x8000);  // out of range for m16
    EXPECT_EQ(status() & kIE, kIE);
    // Masked invalid from a NaN and from infinity into each width.
    run("fninit\nfldz\nfldz\nfdivp st(1), st\nfist word ptr [0x20200]\nfist dword ptr [0x20204]\n"
        "fistp qword ptr [0x20208]\nfld1\nfldz\nfdivp st(1), st\nfistp dword ptr [0x20210]\n");
    EXPECT_EQ(peek<std::uint16_t>(0x20200), 0x8000);
    EXPECT_EQ(peek<std::uint32_t>(0x20204), 0x80000000u);
    EXPECT_EQ(peek<std::uint64_t>(0x20208), 0x8000000000000000ull);
    EXPECT_EQ(peek<std::uint32_t>(0x20210), 0x80000000u);
    // Unmasked invalid: nothing stored, nothing popped.
    poke<std::uint16_t>(kData, 0x037E);
    poke<std::uint16_t>(0x20300, 0x1111);
    run("fninit\nfldcw [0x20000]\nfild dword ptr [0x20004]\nfistp word ptr [0x20300]\n");
    EXPECT_EQ(peek<std::uint16_t>(0x20300), 0x1111);
    EXPECT_EQ(top(), 7u);
    EXPECT_EQ(status() & (kIE | kES), kIE | kES);
}

TEST_F(FpuConvert, PackedBcd) {
    const std::uint8_t bcd[10] = {0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0x80};  // -123456789
    std::memcpy(machine.ram() + kData, bcd, 10);
    run("fbld tbyte ptr [0x20000]\n");
    EXPECT_EQ(st(0), -123456789.0L);
    poke<double>(kData + 16, 98765432109876543.0);  // exact in double? close enough: check round trip
    run("fld qword ptr [0x20010]\nfbstp tbyte ptr [0x20020]\nfbld tbyte ptr [0x20020]\n");
    EXPECT_EQ(st(0), static_cast<long double>(98765432109876543.0));
    EXPECT_EQ(machine.ram()[0x20029], 0x00);
    poke<double>(kData + 16, 2.5);
    run("fld qword ptr [0x20010]\nfbstp tbyte ptr [0x20030]\n");  // rounds to even
    EXPECT_EQ(machine.ram()[0x20030], 0x02);
    poke<double>(kData + 16, 1e19);  // too large: BCD indefinite
    run("fld qword ptr [0x20010]\nfbstp tbyte ptr [0x20040]\n");
    EXPECT_EQ(peek<std::uint16_t>(0x20048), 0xFFFF);
    EXPECT_EQ(machine.ram()[0x20047], 0xC0);
    EXPECT_EQ(status() & kIE, kIE);
}

}  // namespace
}  // namespace emu::x86::test
