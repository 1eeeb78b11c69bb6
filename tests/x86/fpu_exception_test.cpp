// x87 exceptions: stack faults, pending unmasked exceptions (#MF), #NM, WAIT, #UD encodings.
#include "fpu_test_support.h"

namespace emu::x86::test {
namespace {

using FpuException = FpuTest;

TEST_F(FpuException, StackOverflowAndUnderflow) {
    run("fld1\nfld1\nfld1\nfld1\nfld1\nfld1\nfld1\nfld1\n");
    EXPECT_EQ(status() & (kIE | kSF), 0);
    run("fldpi\n");  // ninth push: overflow, masked response pushes the indefinite
    EXPECT_EQ(status() & (kIE | kSF | kC1), kIE | kSF | kC1);
    EXPECT_TRUE(std::isnan(st(0)));
    run("fninit\nfadd st, st(1)\n");
    EXPECT_EQ(status() & (kIE | kSF | kC1), kIE | kSF);
    EXPECT_TRUE(std::isnan(st(0)));  // masked underflow writes the indefinite
    run("fninit\nfld1\nfxch st(3)\n");
    EXPECT_TRUE(std::isnan(st(0)));
    EXPECT_EQ(st(3), 1.0L);
    EXPECT_EQ(status() & kSF, kSF);
}

TEST_F(FpuException, UnmaskedExceptionIsDeliveredOnTheNextWaitingInstruction) {
    poke<std::uint16_t>(kData, 0x037B);  // ZE unmasked
    run("fldcw [0x20000]\nfld1\nfldz\nfdivp st(1), st\n");
    EXPECT_EQ(status() & (kZE | kES | 0x8000), kZE | kES | 0x8000);
    EXPECT_EQ(st(0), 0.0L);  // result suppressed, not popped
    EXPECT_EQ(top(), 6u);
    EXPECT_EQ(fpu().fip, kCode + 10);  // FIP names the faulting FDIVP (after FLDCW, FLD1, FLDZ)
    EXPECT_EQ(fault_of("fld1\n"), vec::MF);
    EXPECT_EQ(fault_of("fwait\n"), vec::MF);
    EXPECT_EQ(fault_of("fnstsw ax\n"), -1);  // no-wait forms do not check
    EXPECT_EQ(cpu().gpr[0] & 0xFFFF, status());
    EXPECT_EQ(fault_of("fnstenv [0x20100]\nfldenv [0x20100]\n"), vec::MF);  // FLDENV waits
    run("fnclex\nfldcw [0x20000]\nfld1\n");  // FNSTENV masked everything: unmask ZE again
    EXPECT_EQ(status() & kES, 0);
    // CR0.NE clear: FERR# would go to IRQ 13; the instruction simply runs.
    cpu().cr0 &= ~kCr0NE;
    run("fldz\nfdiv st(1), st\nfld1\n");
    EXPECT_EQ(status() & kES, kES);
}

TEST_F(FpuException, FldcwUnmaskingAPendingFlagSetsSummary) {
    run("fld1\nfldz\nfdivp st(1), st\n");  // masked ZE
    EXPECT_EQ(status() & kES, 0);
    poke<std::uint16_t>(kData, 0x037B);
    run("fldcw [0x20000]\n");
    EXPECT_EQ(status() & kES, kES);
    EXPECT_EQ(fault_of("fnop\n"), vec::MF);
}

TEST_F(FpuException, DeviceNotAvailable) {
    cpu().cr0 |= kCr0TS;
    EXPECT_EQ(fault_of("fld1\n"), vec::NM);
    EXPECT_EQ(fault_of("fnstsw ax\n"), vec::NM);
    EXPECT_EQ(fault_of("fwait\n"), vec::NM);  // MP and TS
    cpu().cr0 &= ~kCr0MP;
    EXPECT_EQ(fault_of("fwait\n"), -1);
    EXPECT_EQ(fault_of("fxsave [0x20000]\n"), vec::NM);
    cpu().cr0 = (cpu().cr0 & ~kCr0TS) | kCr0EM;
    EXPECT_EQ(fault_of("fninit\n"), vec::NM);
    EXPECT_EQ(fault_of("fwait\n"), -1);  // WAIT ignores EM
    cpu().cr0 &= ~kCr0EM;
    EXPECT_EQ(fault_of("fld1\n"), -1);
}

TEST_F(FpuException, ReservedEncodingsAreUndefined) {
    EXPECT_EQ(fault_of(".byte 0xd9, 0xd1\n"), vec::UD);              // D9 D1
    EXPECT_EQ(fault_of(".byte 0xd9, 0xe2\n"), vec::UD);              // D9 E2
    EXPECT_EQ(fault_of("fisttp dword ptr [0x20000]\n"), vec::UD);  // SSE3
    EXPECT_EQ(fault_of(".byte 0xdf, 0xe1\n"), vec::UD);
    EXPECT_EQ(fault_of(".byte 0xdb, 0xe0\n"), -1);  // FENI: a no-op since the 387
}

}  // namespace
}  // namespace emu::x86::test
