// SSE/SSE2 in 64-bit mode: XMM8-15 through REX.R/REX.B, the REX.W forms (MOVQ xmm, r/m64,
// CVTSI2SD from a 64-bit source, CVTTSD2SI to a 64-bit register), 32-bit general-register
// destinations zero-extended, RIP-relative operands, FXSAVE of XMM0-15 and CPUID's bits.
#include <gtest/gtest.h>

#include <cstring>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;
using test::run64;

// Enables SSE (CR4.OSFXSR, OSXMMEXCPT) at the start of the code.
const std::string kEnable = "mov rax, cr4\nor eax, 0x600\nmov cr4, rax\n";

template <typename T>
T lane(Machine& m, unsigned reg, unsigned i) {
    T v;
    std::memcpy(&v, m.cpu().fpu.xmm[reg] + i * sizeof(T), sizeof v);
    return v;
}

TEST(SseLong, HighRegistersAndRexW) {
    Machine m;
    run64(m, kEnable + R"(
        mov rax, 0x1122334455667788
        movq xmm8, rax
        movq rbx, xmm8
        mov rcx, -1
        movd xmm9, ecx
        movd ecx, xmm8
        movdqa xmm15, xmm8
        paddq xmm15, xmm8
        mov rdx, -5
        cvtsi2sd xmm10, rdx
        cvttsd2si r11, xmm10
        mov r12, 0x7fffffffffffffff
        cvtsi2ss xmm11, r12
        pmovmskb r13d, xmm9
        mov r14, -1
        movmskpd r14d, xmm10
        pextrw r15d, xmm8, 3
    )");
    EXPECT_EQ(lane<std::uint64_t>(m, 8, 0), 0x1122334455667788ull);
    EXPECT_EQ(m.cpu().gpr[kEbx], 0x1122334455667788ull);
    EXPECT_EQ(lane<std::uint64_t>(m, 9, 0), 0xFFFFFFFFull);
    EXPECT_EQ(m.cpu().gpr[kEcx], 0x55667788ull);  // a 32-bit destination is zero-extended
    EXPECT_EQ(lane<std::uint64_t>(m, 15, 0), 0x22446688AACCEF10ull);
    EXPECT_EQ(lane<double>(m, 10, 0), -5.0);
    EXPECT_EQ(m.cpu().gpr[11], static_cast<std::uint64_t>(-5));
    EXPECT_EQ(lane<float>(m, 11, 0), 9.223372036854775808e18f);
    EXPECT_EQ(m.cpu().gpr[13], 0x0Fu);
    EXPECT_EQ(m.cpu().gpr[14], 0x1u);
    EXPECT_EQ(m.cpu().gpr[15], 0x1122u);
}

TEST(SseLong, RipRelativeOperands) {
    Machine m;
    run64(m, kEnable + R"(
        movdqa xmm12, [rip + data]
        pxor xmm13, xmm13
        movdqu [rip + out], xmm12
        jmp done
        .balign 16
    data: .quad 0x0102030405060708, 0x1112131415161718
    out:  .quad 0, 0
    done:
        movdqu xmm13, [rip + out]
    )");
    EXPECT_EQ(lane<std::uint64_t>(m, 12, 1), 0x1112131415161718ull);
    EXPECT_EQ(lane<std::uint64_t>(m, 13, 0), 0x0102030405060708ull);
}

TEST(SseLong, FxsaveHoldsSixteenRegisters) {
    Machine m;
    run64(m, kEnable + R"(
        mov rax, 0x0f0f0f0f0f0f0f0f
        movq xmm15, rax
        fxsave [0x20000]
        pxor xmm15, xmm15
        fxrstor [0x20000]
    )");
    std::uint64_t saved;
    std::memcpy(&saved, m.ram() + 0x20000 + 160 + 15 * 16, 8);
    EXPECT_EQ(saved, 0x0f0f0f0f0f0f0f0full);
    EXPECT_EQ(lane<std::uint64_t>(m, 15, 0), 0x0f0f0f0f0f0f0f0full);
}

TEST(SseLong, CpuidReportsSse2) {
    Machine m;
    run64(m, "mov eax, 1\ncpuid");
    const std::uint64_t edx = m.cpu().gpr[kEdx];
    EXPECT_TRUE(edx & (1u << 25));  // SSE
    EXPECT_TRUE(edx & (1u << 26));  // SSE2
    EXPECT_TRUE(edx & (1u << 19));  // CLFLUSH
    EXPECT_EQ((m.cpu().gpr[kEbx] >> 8) & 0xFF, 8u);  // CLFLUSH line: 8 quadwords
}

}  // namespace
}  // namespace emu::x86
