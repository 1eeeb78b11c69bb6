// x87 instructions decoded and executed by the integer unit (Cpu::step), mixed with integer
// code: addressing modes, FNSTSW AX + SAHF and FCOMI driving branches, FIP/FDP bookkeeping.
#include "fpu_test_support.h"

namespace emu::x86::test {
namespace {

using FpuProgram = FpuTest;

TEST_F(FpuProgram, ComputesAndBranchesOnCompares) {
    poke<float>(kData, 1.5f);
    poke<float>(kData + 4, 2.25f);
    machine.start32(R"(
        finit
        mov esi, 0x20000
        fld dword ptr [esi]
        fadd dword ptr [esi + 4]        # 3.75
        fst dword ptr [esi + 8]
        fld1
        fcomip st, st(1)                # 1 < 3.75: CF
        jb 1f
        mov ebx, 0xBAD
        hlt
    1:  fcom dword ptr [esi]            # 3.75 > 1.5
        fnstsw ax
        sahf
        ja 2f
        mov ebx, 0xBAD
        hlt
    2:  fistp dword ptr [esi + 12]      # 4 (nearest even)
        mov ebx, [esi + 12]
        hlt
    )");
    ASSERT_TRUE(machine.run_to_hlt());
    EXPECT_EQ(cpu().reg32(kEbx), 4u);
    EXPECT_EQ(peek<float>(kData + 8), 3.75f);
    EXPECT_EQ(fpu().fdp, kData + 12);  // the FISTP's operand
    EXPECT_EQ(fpu().opcode, 0x35Eu);   // DB 5E 0C: FISTP m32 [esi + 12]
    EXPECT_EQ(top(), 0u);
}

}  // namespace
}  // namespace emu::x86::test
