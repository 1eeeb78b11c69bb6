// x87 state images: FNSTENV/FLDENV, FNSAVE/FRSTOR (32/16-bit, protected/real layouts),
// FXSAVE/FXRSTOR, and the instruction/operand pointer bookkeeping.
#include "fpu_test_support.h"

namespace emu::x86::test {
namespace {

using FpuState_ = FpuTest;

TEST_F(FpuState_, EnvironmentRecordsLastInstructionAndOperand) {
    cpu().seg[CS].selector = 0x08;
    cpu().seg[DS].selector = 0x10;
    poke<float>(kData, 1.0f);
    run("fld1\nfadd dword ptr [0x20000]\nfnstcw [0x20010]\nfnstenv [0x20100]\n");
    const std::uint32_t fadd_ip = kCode + 2;
    EXPECT_EQ(peek<std::uint32_t>(0x20100), 0xFFFF037Fu);
    EXPECT_EQ(peek<std::uint32_t>(0x20104) & 0xFFFF, status());
    EXPECT_EQ(peek<std::uint32_t>(0x20108), 0xFFFF3FFFu);  // ST0 (physical 7) valid
    EXPECT_EQ(peek<std::uint32_t>(0x2010c), fadd_ip);
    EXPECT_EQ(peek<std::uint32_t>(0x20110), 0x08u | (0x005u << 16));  // D8 05: opcode 0x005
    EXPECT_EQ(peek<std::uint32_t>(0x20114), kData);
    EXPECT_EQ(peek<std::uint32_t>(0x20118), 0xFFFF0010u);
    EXPECT_EQ(fpu().control, 0x037F);  // already all masked
    poke<std::uint16_t>(kData, 0x0000);
    run("fldcw [0x20000]\nfnstenv [0x20100]\n");
    EXPECT_EQ(fpu().control & 0x3F, 0x3F);  // FNSTENV masks every exception
    run("fldenv [0x20100]\n");
    EXPECT_EQ(fpu().control, 0x0040);
    EXPECT_EQ(fpu().fip, fadd_ip);
    EXPECT_EQ(tag(0), 0u);
}

TEST_F(FpuState_, SaveRestoreRoundTrip32And16) {
    for (const char* prefix : {"", ".byte 0x66\n"}) {
        run("fninit\nfldpi\nfld1\nfldz\nfld1\nfchs\n");
        const FpuState before = fpu();
        run(std::string(prefix) + "fnsave [0x20000]\n");
        EXPECT_EQ(fpu().tag, 0xFFFF);
        EXPECT_EQ(fpu().control, 0x037F);
        run(std::string(prefix) + "frstor [0x20000]\n");
        EXPECT_EQ(fpu().status, before.status);
        EXPECT_EQ(fpu().tag, before.tag);
        EXPECT_EQ(fpu().control, before.control);
        for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(fpu().st[(top() + i) & 7], before.st[(top() + i) & 7]);
        EXPECT_EQ(st(0), -1.0L);
        EXPECT_EQ(st(3), 3.14159265358979323851L);
    }
    // The 16-bit image: control, status, tag, then pointers, then ST(0) at 14.
    EXPECT_EQ(peek<std::uint16_t>(0x20000), 0x037F);
    EXPECT_EQ(peek<std::uint16_t>(0x20004), fpu().tag);
    EXPECT_EQ(peek<std::uint16_t>(0x2000e + 8), 0xBFFF);  // -1.0's sign and exponent
}

TEST_F(FpuState_, RealModeLayoutHoldsLinearPointers) {
    cpu().cr0 &= ~kCr0PE;
    cpu().seg[CS].selector = 0x1234;
    run("fld1\n.byte 0x66\nfnstenv [0x20000]\n");
    const std::uint32_t linear = 0x12340 + kCode;
    EXPECT_EQ(peek<std::uint16_t>(0x20006), linear & 0xFFFF);
    EXPECT_EQ(peek<std::uint16_t>(0x20008), ((linear >> 16) << 12) | 0x1E8);  // D9 E8
    run("fnstenv [0x20100]\n");
    EXPECT_EQ(peek<std::uint32_t>(0x2010c), 0xFFFF0000u | (linear & 0xFFFF));
    EXPECT_EQ(peek<std::uint32_t>(0x20110), ((linear >> 16) << 12) | 0x1E8);
    run("fldenv [0x20100]\n");
    EXPECT_EQ(fpu().fip, linear);
}

TEST_F(FpuState_, FxsaveFxrstor) {
    cpu().cr4 |= kCr4OSFXSR;
    fpu().mxcsr = 0x1F80 | 0x6000;
    fpu().xmm[3][0] = 0xAB;
    run("fld1\nfldpi\nfldz\n");
    const FpuState before = fpu();
    std::memset(machine.ram() + kData, 0xEE, 512);
    run("fxsave [0x20000]\n");
    EXPECT_EQ(peek<std::uint16_t>(kData), 0x037F);
    EXPECT_EQ(machine.ram()[kData + 4], 0xE0);  // physical 5, 6, 7 valid
    EXPECT_EQ(peek<std::uint32_t>(kData + 24), 0x7F80u);
    EXPECT_EQ(peek<std::uint32_t>(kData + 28), 0xFFFFu);
    EXPECT_EQ(peek<std::uint16_t>(kData + 32 + 16 + 8), 0x4000);  // ST(1) = pi
    EXPECT_EQ(machine.ram()[kData + 160 + 3 * 16], 0xAB);
    EXPECT_EQ(machine.ram()[kData + 464], 0xEE);  // the software-available area is untouched
    run("fninit\nfxrstor [0x20000]\n");
    EXPECT_EQ(fpu().tag, before.tag);
    EXPECT_EQ(fpu().status, before.status);
    EXPECT_EQ(st(1), before.st[(top() + 1) & 7]);
    EXPECT_EQ(tag(0), 1u);  // zero
    EXPECT_EQ(fault_of("fxsave [0x20008]\n"), vec::GP);
    poke<std::uint32_t>(kData + 24, 0x10000);  // reserved MXCSR bit
    EXPECT_EQ(fault_of("fxrstor [0x20000]\n"), vec::GP);
}

}  // namespace
}  // namespace emu::x86::test
