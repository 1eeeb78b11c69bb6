// SSE/SSE2 instructions on emu's x86 core in 32-bit protected mode (CR4.OSFXSR set): data
// movement, packed integer arithmetic, floating-point arithmetic and comparisons, conversions.
// Expected values are worked out by hand from the SDM's definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr std::uint32_t kData = 0x20000;

class Sse : public ::testing::Test {
protected:
    Machine m;

    // Run code (then HLT) with SSE enabled, from the XMM values set_lane() staged (entering
    // protected mode resets the CPU); the data block at kData is set up beforehand.
    std::uint32_t run(const std::string& code) {
        m.start32(code + "\nhlt\n");
        m.cpu().cr4 |= kCr4OSFXSR | kCr4OSXMMEXCPT;
        std::memcpy(m.cpu().fpu.xmm, staged_, sizeof staged_);
        EXPECT_TRUE(m.run_to_hlt());
        return m.core().eflags();
    }
    template <typename T>
    void poke(std::uint32_t a, T v) { std::memcpy(m.ram() + a, &v, sizeof v); }
    template <typename T>
    T peek(std::uint32_t a) {
        T v;
        std::memcpy(&v, m.ram() + a, sizeof v);
        return v;
    }
    template <typename T>
    T lane(unsigned reg, unsigned i) {
        T v;
        std::memcpy(&v, m.cpu().fpu.xmm[reg] + i * sizeof(T), sizeof v);
        return v;
    }
    template <typename T>
    void set_lane(unsigned reg, unsigned i, T v) { std::memcpy(staged_[reg] + i * sizeof(T), &v, sizeof v); }
    std::uint32_t gpr(unsigned r) { return static_cast<std::uint32_t>(m.cpu().gpr[r]); }
    void fill(std::uint32_t a, unsigned n, std::uint8_t first) {
        for (unsigned i = 0; i < n; ++i) m.ram()[a + i] = static_cast<std::uint8_t>(first + i);
    }

private:
    alignas(16) std::uint8_t staged_[16][16] = {};
};

TEST_F(Sse, FullRegisterMoves) {
    fill(kData, 64, 0x10);
    run("movaps xmm0, [0x20000]\nmovups xmm1, [0x20003]\nmovdqa xmm2, xmm0\nmovdqu xmm3, [0x20011]\n"
        "movapd [0x20020], xmm1\nmovupd [0x20035], xmm3\nmovntdq [0x20040], xmm0\nmovntps [0x20050], xmm2\n"
        "movdqu [0x20061], xmm1\n");
    EXPECT_EQ(lane<std::uint8_t>(0, 0), 0x10);
    EXPECT_EQ(lane<std::uint8_t>(0, 15), 0x1F);
    EXPECT_EQ(lane<std::uint8_t>(1, 0), 0x13);
    EXPECT_EQ(lane<std::uint64_t>(2, 1), lane<std::uint64_t>(0, 1));
    EXPECT_EQ(lane<std::uint8_t>(3, 0), 0x21);
    EXPECT_EQ(peek<std::uint8_t>(0x20020), 0x13);
    EXPECT_EQ(peek<std::uint8_t>(0x20035 + 10), 0x21 + 10);  // (0x20040 on: MOVNTDQ's)
    EXPECT_EQ(peek<std::uint8_t>(0x2004F), 0x1F);
    EXPECT_EQ(peek<std::uint8_t>(0x20050), 0x10);
    EXPECT_EQ(peek<std::uint8_t>(0x20061), 0x13);
}

TEST_F(Sse, UnalignedMovesAcrossAPage) {
    fill(0x20FF8, 16, 0x40);
    run("movdqu xmm5, [0x20FF8]\nmovups [0x21FF4], xmm5\n");
    EXPECT_EQ(lane<std::uint8_t>(5, 0), 0x40);
    EXPECT_EQ(lane<std::uint8_t>(5, 15), 0x4F);
    EXPECT_EQ(peek<std::uint8_t>(0x21FF4), 0x40);
    EXPECT_EQ(peek<std::uint8_t>(0x22003), 0x4F);
}

TEST_F(Sse, MovdMovqAndScalarMoves) {
    poke<std::uint64_t>(kData, 0x1122334455667788ull);
    poke<std::uint32_t>(kData + 8, 0xCAFEF00D);
    run("pcmpeqb xmm0, xmm0\nmov eax, 0x12345678\nmovd xmm0, eax\n"  // MOVD zeroes bits 32-127
        "pcmpeqb xmm1, xmm1\nmovq xmm1, [0x20000]\n"                  // MOVQ (F3 0F 7E) zeroes 64-127
        "pcmpeqb xmm2, xmm2\nmovss xmm2, [0x20008]\n"                 // MOVSS m32 zeroes 32-127
        "pcmpeqb xmm3, xmm3\nmovss xmm3, xmm0\n"                      // MOVSS reg keeps 32-127
        "pcmpeqb xmm4, xmm4\nmovsd xmm4, xmm1\n"
        "movd ebx, xmm1\nmovd [0x20010], xmm0\nmovq [0x20018], xmm1\n"
        "pcmpeqb xmm5, xmm5\nmovq xmm5, xmm1\n"
        "pcmpeqb xmm6, xmm6\n.byte 0x66, 0x0f, 0xd6, 0xce\n"  // MOVQ xmm6, xmm1 (66 0F D6: zeroes 64-127)
        "movsd [0x20020], xmm1\nmovss [0x20028], xmm0\n");
    EXPECT_EQ(lane<std::uint64_t>(0, 0), 0x12345678u);
    EXPECT_EQ(lane<std::uint64_t>(0, 1), 0u);
    EXPECT_EQ(lane<std::uint64_t>(1, 0), 0x1122334455667788ull);
    EXPECT_EQ(lane<std::uint64_t>(1, 1), 0u);
    EXPECT_EQ(lane<std::uint64_t>(2, 0), 0xCAFEF00Du);
    EXPECT_EQ(lane<std::uint64_t>(2, 1), 0u);
    EXPECT_EQ(lane<std::uint64_t>(3, 0), 0xFFFFFFFF12345678ull);
    EXPECT_EQ(lane<std::uint64_t>(3, 1), ~0ull);
    EXPECT_EQ(lane<std::uint64_t>(4, 0), 0x1122334455667788ull);
    EXPECT_EQ(lane<std::uint64_t>(4, 1), ~0ull);
    EXPECT_EQ(gpr(kEbx), 0x55667788u);
    EXPECT_EQ(peek<std::uint32_t>(0x20010), 0x12345678u);
    EXPECT_EQ(peek<std::uint64_t>(0x20018), 0x1122334455667788ull);
    EXPECT_EQ(lane<std::uint64_t>(5, 1), 0u);
    EXPECT_EQ(lane<std::uint64_t>(6, 0), 0x1122334455667788ull);
    EXPECT_EQ(lane<std::uint64_t>(6, 1), 0u);
    EXPECT_EQ(peek<std::uint64_t>(0x20020), 0x1122334455667788ull);
    EXPECT_EQ(peek<std::uint32_t>(0x20028), 0x12345678u);
}

TEST_F(Sse, HalfRegisterMoves) {
    poke<std::uint64_t>(kData, 0xAAAAAAAAAAAAAAAAull);
    poke<std::uint64_t>(kData + 8, 0xBBBBBBBBBBBBBBBBull);
    set_lane<std::uint64_t>(1, 0, 0x1111);
    set_lane<std::uint64_t>(1, 1, 0x2222);
    run("movlps xmm0, [0x20000]\nmovhps xmm0, [0x20008]\n"
        "movdqa xmm2, xmm1\nmovhlps xmm2, xmm0\nmovdqa xmm3, xmm1\nmovlhps xmm3, xmm0\n"
        "movlpd [0x20010], xmm1\nmovhpd [0x20018], xmm1\nmovhps [0x20020], xmm0\n");
    EXPECT_EQ(lane<std::uint64_t>(0, 0), 0xAAAAAAAAAAAAAAAAull);
    EXPECT_EQ(lane<std::uint64_t>(0, 1), 0xBBBBBBBBBBBBBBBBull);
    EXPECT_EQ(lane<std::uint64_t>(2, 0), 0xBBBBBBBBBBBBBBBBull);
    EXPECT_EQ(lane<std::uint64_t>(2, 1), 0x2222u);
    EXPECT_EQ(lane<std::uint64_t>(3, 0), 0x1111u);
    EXPECT_EQ(lane<std::uint64_t>(3, 1), 0xAAAAAAAAAAAAAAAAull);
    EXPECT_EQ(peek<std::uint64_t>(0x20010), 0x1111u);
    EXPECT_EQ(peek<std::uint64_t>(0x20018), 0x2222u);
    EXPECT_EQ(peek<std::uint64_t>(0x20020), 0xBBBBBBBBBBBBBBBBull);
}

TEST_F(Sse, MasksWordsAndNonTemporalStores) {
    for (unsigned i = 0; i < 16; ++i) set_lane<std::uint8_t>(0, i, static_cast<std::uint8_t>(i * 17));
    set_lane<std::uint32_t>(1, 0, 0x80000000);
    set_lane<std::uint32_t>(1, 3, 0x80000000);
    set_lane<std::uint64_t>(2, 1, 0x8000000000000000ull);
    for (unsigned i = 0; i < 16; ++i) set_lane<std::uint8_t>(3, i, (i & 1) ? 0x80 : 0x7F);
    run("pmovmskb eax, xmm0\nmovmskps ebx, xmm1\nmovmskpd ecx, xmm2\npextrw edx, xmm0, 7\n"
        "mov esi, 0xBEEF\npinsrw xmm4, esi, 5\nmov word ptr [0x20000], 0x1234\npinsrw xmm4, [0x20000], 0\n"
        "mov edi, 0x20100\nmaskmovdqu xmm0, xmm3\nmov ebp, 0x76543210\nmovnti [0x20200], ebp\n");
    EXPECT_EQ(gpr(kEax), 0xFF00u);  // bytes 8-15 (136, 153, ...) have bit 7 set
    EXPECT_EQ(gpr(kEbx), 0x9u);
    EXPECT_EQ(gpr(kEcx), 0x2u);
    EXPECT_EQ(gpr(kEdx), 0xFFEEu);
    EXPECT_EQ(lane<std::uint16_t>(4, 5), 0xBEEF);
    EXPECT_EQ(lane<std::uint16_t>(4, 0), 0x1234);
    EXPECT_EQ(peek<std::uint8_t>(0x20100), 0);     // mask byte 0x7F: not stored
    EXPECT_EQ(peek<std::uint8_t>(0x20101), 17);    // mask byte 0x80: stored
    EXPECT_EQ(peek<std::uint8_t>(0x2010F), 255);
    EXPECT_EQ(peek<std::uint8_t>(0x2010E), 0);
    EXPECT_EQ(peek<std::uint32_t>(0x20200), 0x76543210u);
}

TEST_F(Sse, StringSearchIdiom) {
    // glibc's SSE2 strlen: compare 16 bytes with zero, PMOVMSKB, BSF.
    const char text[] = "hello, sse world";
    std::memcpy(m.ram() + kData, text, 16);
    poke<std::uint8_t>(kData + 16, 0);
    run("pxor xmm0, xmm0\nmovdqa xmm1, [0x20000]\npcmpeqb xmm1, xmm0\npmovmskb eax, xmm1\n"
        "movdqa xmm2, [0x20010]\npcmpeqb xmm2, xmm0\npmovmskb ecx, xmm2\nbsf ecx, ecx\n");
    EXPECT_EQ(gpr(kEax), 0u);
    EXPECT_EQ(gpr(kEcx), 0u);
}

TEST_F(Sse, PackedIntegerArithmetic) {
    for (unsigned i = 0; i < 16; ++i) {
        set_lane<std::uint8_t>(0, i, static_cast<std::uint8_t>(250 + i));
        set_lane<std::uint8_t>(1, i, 10);
    }
    run("movdqa xmm2, xmm0\npaddb xmm2, xmm1\nmovdqa xmm3, xmm0\npaddusb xmm3, xmm1\n"
        "movdqa xmm4, xmm1\npsubusb xmm4, xmm0\nmovdqa xmm5, xmm0\npminub xmm5, xmm1\n"
        "movdqa xmm6, xmm0\npavgb xmm6, xmm1\nmovdqa xmm7, xmm0\npsadbw xmm7, xmm1\n");
    EXPECT_EQ(lane<std::uint8_t>(2, 0), 4);  // 260 mod 256
    EXPECT_EQ(lane<std::uint8_t>(2, 5), 9);
    EXPECT_EQ(lane<std::uint8_t>(3, 0), 255);
    EXPECT_EQ(lane<std::uint8_t>(4, 0), 0);
    EXPECT_EQ(lane<std::uint8_t>(5, 6), 0);   // 256 -> byte 0
    EXPECT_EQ(lane<std::uint8_t>(5, 0), 10);
    EXPECT_EQ(lane<std::uint8_t>(6, 0), 130);  // (250 + 10 + 1) / 2
    // PSADBW: bytes 0-7 are 250..255, 0, 1: |250-10|..|255-10| = 240..245, then 10, 9.
    EXPECT_EQ(lane<std::uint64_t>(7, 0), 240u + 241 + 242 + 243 + 244 + 245 + 10 + 9);
}

TEST_F(Sse, WordAndDwordArithmetic) {
    const std::int16_t a[8] = {32000, -32000, 1000, -1, 7, 300, -300, 0x4000};
    const std::int16_t b[8] = {1000, -1000, 1000, -1, -3, 300, 300, 4};
    for (unsigned i = 0; i < 8; ++i) {
        set_lane<std::int16_t>(0, i, a[i]);
        set_lane<std::int16_t>(1, i, b[i]);
    }
    run("movdqa xmm2, xmm0\npaddsw xmm2, xmm1\nmovdqa xmm3, xmm0\npmullw xmm3, xmm1\n"
        "movdqa xmm4, xmm0\npmulhw xmm4, xmm1\nmovdqa xmm5, xmm0\npmaddwd xmm5, xmm1\n"
        "movdqa xmm6, xmm0\npmuludq xmm6, xmm1\nmovdqa xmm7, xmm0\npmaxsw xmm7, xmm1\n"
        "movdqa xmm1, xmm0\npmulhuw xmm1, xmm0\n");
    EXPECT_EQ(lane<std::int16_t>(2, 0), 32767);
    EXPECT_EQ(lane<std::int16_t>(2, 1), -32768);
    EXPECT_EQ(lane<std::int16_t>(3, 2), static_cast<std::int16_t>(1000000 & 0xFFFF));
    EXPECT_EQ(lane<std::int16_t>(4, 2), static_cast<std::int16_t>(1000000 >> 16));
    EXPECT_EQ(lane<std::int16_t>(4, 4), -1);  // 7 * -3 = -21: high word all ones
    EXPECT_EQ(lane<std::int32_t>(5, 0), 32000 * 1000 + 32000 * 1000);
    EXPECT_EQ(lane<std::int32_t>(5, 3), -300 * 300 + 0x4000 * 4);
    // PMULUDQ: dword 0 (0x83007D00) times dword 0 of b (0xFC1803E8), unsigned.
    EXPECT_EQ(lane<std::uint64_t>(6, 0), std::uint64_t{0x83007D00u} * 0xFC1803E8u);
    EXPECT_EQ(lane<std::int16_t>(7, 4), 7);
    EXPECT_EQ(lane<std::int16_t>(7, 6), 300);
    EXPECT_EQ(lane<std::uint16_t>(1, 3), 0xFFFE);  // 0xFFFF * 0xFFFF >> 16
}

TEST_F(Sse, ComparesAndLogic) {
    for (unsigned i = 0; i < 4; ++i) {
        set_lane<std::int32_t>(0, i, static_cast<std::int32_t>(i) - 1);  // -1 0 1 2
        set_lane<std::int32_t>(1, i, 1);
    }
    run("movdqa xmm2, xmm0\npcmpgtd xmm2, xmm1\nmovdqa xmm3, xmm0\npcmpeqd xmm3, xmm1\n"
        "movdqa xmm4, xmm0\npcmpgtb xmm4, xmm1\nmovdqa xmm5, xmm2\npandn xmm5, xmm3\n"
        "movaps xmm6, xmm0\nxorps xmm6, xmm1\nmovapd xmm7, xmm0\nandpd xmm7, xmm1\norps xmm7, xmm2\n");
    EXPECT_EQ(lane<std::uint32_t>(2, 3), ~0u);
    EXPECT_EQ(lane<std::uint32_t>(2, 2), 0u);
    EXPECT_EQ(lane<std::uint32_t>(3, 2), ~0u);
    EXPECT_EQ(lane<std::uint32_t>(4, 0), 0u);     // signed bytes: -1 > 1, -1 > 0 false
    EXPECT_EQ(lane<std::uint32_t>(4, 3), 0xFFu);  // 2 > 1; 0 > 0 false
    EXPECT_EQ(lane<std::uint32_t>(5, 2), ~0u);  // ~gt & eq
    EXPECT_EQ(lane<std::uint32_t>(6, 0), 0xFFFFFFFEu);
    EXPECT_EQ(lane<std::uint32_t>(7, 3), ~0u);
    EXPECT_EQ(lane<std::uint32_t>(7, 1), 0u);
}

TEST_F(Sse, Shifts) {
    for (unsigned i = 0; i < 8; ++i) set_lane<std::uint16_t>(0, i, static_cast<std::uint16_t>(0x8001 + i));
    set_lane<std::uint64_t>(1, 0, 3);
    set_lane<std::uint64_t>(2, 0, 70);
    run("movdqa xmm3, xmm0\npsllw xmm3, 4\nmovdqa xmm4, xmm0\npsraw xmm4, xmm1\nmovdqa xmm5, xmm0\n"
        "psrlq xmm5, xmm2\nmovdqa xmm6, xmm0\npslldq xmm6, 3\nmovdqa xmm7, xmm0\npsrldq xmm7, 15\n"
        "movdqa xmm1, xmm0\npsrad xmm1, 40\nmovdqa xmm2, xmm0\npsrld xmm2, 31\n");
    EXPECT_EQ(lane<std::uint16_t>(3, 0), 0x0010);
    EXPECT_EQ(lane<std::uint16_t>(4, 1), 0xF000);  // 0x8002 >> 3 arithmetic
    EXPECT_EQ(lane<std::uint64_t>(5, 0), 0u);      // count 70 > 63
    EXPECT_EQ(lane<std::uint8_t>(6, 3), 0x01);
    EXPECT_EQ(lane<std::uint8_t>(6, 2), 0x00);
    EXPECT_EQ(lane<std::uint8_t>(7, 0), 0x80);  // byte 15 of xmm0
    EXPECT_EQ(lane<std::uint8_t>(7, 1), 0x00);
    EXPECT_EQ(lane<std::uint32_t>(1, 0), ~0u);   // sign fill
    EXPECT_EQ(lane<std::uint32_t>(2, 1), 1u);
}

TEST_F(Sse, ShufflesPacksAndUnpacks) {
    for (unsigned i = 0; i < 4; ++i) set_lane<std::uint32_t>(0, i, 0x11111111u * (i + 1));
    for (unsigned i = 0; i < 8; ++i) set_lane<std::int16_t>(1, i, static_cast<std::int16_t>(i * 100 - 300));
    run("pshufd xmm2, xmm0, 0x1B\npshuflw xmm3, xmm0, 0x1B\npshufhw xmm4, xmm0, 0x1B\n"
        "movdqa xmm5, xmm1\npacksswb xmm5, xmm1\nmovdqa xmm6, xmm1\npackuswb xmm6, xmm1\n"
        "movdqa xmm7, xmm0\npunpcklbw xmm7, xmm1\nmovaps xmm1, xmm0\nshufps xmm1, xmm0, 0x4E\n");
    EXPECT_EQ(lane<std::uint32_t>(2, 0), 0x44444444u);
    EXPECT_EQ(lane<std::uint32_t>(2, 3), 0x11111111u);
    EXPECT_EQ(lane<std::uint16_t>(3, 0), 0x2222);
    EXPECT_EQ(lane<std::uint64_t>(3, 1), lane<std::uint64_t>(0, 1));
    EXPECT_EQ(lane<std::uint16_t>(4, 4), 0x4444);
    EXPECT_EQ(lane<std::int8_t>(5, 0), -128);  // -300 saturates
    EXPECT_EQ(lane<std::int8_t>(5, 4), 100);
    EXPECT_EQ(lane<std::int8_t>(5, 7), 127);   // 400
    EXPECT_EQ(lane<std::uint8_t>(6, 0), 0);
    EXPECT_EQ(lane<std::uint8_t>(6, 6), 255);  // 300
    EXPECT_EQ(lane<std::uint8_t>(7, 0), 0x11);
    EXPECT_EQ(lane<std::uint8_t>(7, 1), static_cast<std::uint8_t>(-300));
    EXPECT_EQ(lane<std::uint32_t>(1, 0), 0x33333333u);
    EXPECT_EQ(lane<std::uint32_t>(1, 2), 0x11111111u);
}

TEST_F(Sse, FloatArithmetic) {
    const float a[4] = {1.5f, -2.0f, 1e30f, 9.0f}, b[4] = {0.5f, 4.0f, 1e30f, -0.0f};
    for (unsigned i = 0; i < 4; ++i) {
        set_lane<float>(0, i, a[i]);
        set_lane<float>(1, i, b[i]);
    }
    set_lane<double>(2, 0, 2.0);
    set_lane<double>(2, 1, 7.0);
    poke<double>(kData, 0.25);
    poke<float>(kData + 8, 3.0f);
    run("movaps xmm3, xmm0\naddps xmm3, xmm1\nmovaps xmm4, xmm0\nmulps xmm4, xmm1\n"
        "sqrtpd xmm5, xmm2\nmovapd xmm6, xmm2\ndivsd xmm6, [0x20000]\nmovaps xmm7, xmm0\n"
        "subss xmm7, [0x20008]\nstmxcsr [0x20010]\n");
    EXPECT_EQ(lane<float>(3, 0), 2.0f);
    EXPECT_EQ(lane<float>(3, 2), 2e30f);
    EXPECT_EQ(lane<float>(4, 1), -8.0f);
    EXPECT_TRUE(std::isinf(lane<float>(4, 2)));  // overflow
    EXPECT_EQ(lane<double>(5, 0), std::sqrt(2.0));
    EXPECT_EQ(lane<double>(6, 0), 8.0);
    EXPECT_EQ(lane<double>(6, 1), 7.0);  // scalar: upper element kept
    EXPECT_EQ(lane<float>(7, 0), -1.5f);
    EXPECT_EQ(lane<float>(7, 1), -2.0f);
    // OE and PE from the overflow, PE from sqrt(2): flags accumulate; masks stay.
    EXPECT_EQ(peek<std::uint32_t>(0x20010), 0x1F80u | 0x8 | 0x20);
}

TEST_F(Sse, MinMaxAndNaNs) {
    const float nan = std::nanf("");
    set_lane<float>(0, 0, nan);
    set_lane<float>(0, 1, 1.0f);
    set_lane<float>(0, 2, 0.0f);
    set_lane<float>(1, 0, 5.0f);
    set_lane<float>(1, 1, nan);
    set_lane<float>(1, 2, -0.0f);
    run("movaps xmm2, xmm0\nminps xmm2, xmm1\nmovaps xmm3, xmm0\nmaxps xmm3, xmm1\n"
        "movaps xmm4, xmm0\ncmpltps xmm4, xmm1\nmovaps xmm5, xmm0\ncmpunordps xmm5, xmm1\nstmxcsr [0x20010]\n");
    EXPECT_EQ(lane<float>(2, 0), 5.0f);  // NaN in either: the second operand
    EXPECT_TRUE(std::isnan(lane<float>(2, 1)));
    EXPECT_TRUE(std::signbit(lane<float>(2, 2)));  // both zero: the second operand
    EXPECT_EQ(lane<float>(3, 0), 5.0f);
    EXPECT_EQ(lane<std::uint32_t>(4, 0), 0u);
    EXPECT_EQ(lane<std::uint32_t>(4, 3), 0u);   // 0 < 0 false
    EXPECT_EQ(lane<std::uint32_t>(5, 0), ~0u);
    EXPECT_EQ(lane<std::uint32_t>(5, 2), 0u);
    EXPECT_EQ(peek<std::uint32_t>(0x20010) & 0x3F, 1u);  // QNaN in MIN/MAX/CMPLT: invalid
}

TEST_F(Sse, ComisFlags) {
    set_lane<double>(0, 0, 1.0);
    set_lane<double>(1, 0, 2.0);
    set_lane<double>(2, 0, std::nan(""));
    set_lane<float>(3, 0, 1.0f);
    EXPECT_EQ(run("comisd xmm0, xmm1") & kArithFlags, kCF);
    EXPECT_EQ(run("comisd xmm1, xmm0") & kArithFlags, 0u);
    EXPECT_EQ(run("ucomisd xmm0, xmm0") & kArithFlags, kZF);
    EXPECT_EQ(run("ucomisd xmm0, xmm2\nstmxcsr [0x20010]") & kArithFlags, kZF | kPF | kCF);
    EXPECT_EQ(peek<std::uint32_t>(0x20010) & 0x3F, 0u);  // UCOMISD: a QNaN does not signal
    EXPECT_EQ(run("comisd xmm0, xmm2\nstmxcsr [0x20010]") & kArithFlags, kZF | kPF | kCF);
    EXPECT_EQ(peek<std::uint32_t>(0x20010) & 0x3F, 1u);
    poke<float>(kData, 1.0f);
    EXPECT_EQ(run("stc\nmov eax, 0x7fffffff\nadd eax, 1\ncomiss xmm3, [0x20000]") & kArithFlags, kZF);
}

TEST_F(Sse, Conversions) {
    set_lane<double>(0, 0, 2.5);
    set_lane<double>(0, 1, -3.75);
    set_lane<float>(1, 0, 1e10f);
    set_lane<float>(1, 1, -1.5f);
    for (unsigned i = 0; i < 4; ++i) set_lane<std::int32_t>(2, i, static_cast<std::int32_t>(i) * 3 - 4);
    run("mov eax, -7\ncvtsi2sd xmm3, eax\ncvtsi2ss xmm4, eax\ncvttsd2si ebx, xmm0\ncvtsd2si ecx, xmm0\n"
        "cvttss2si edx, xmm1\ncvtpd2dq xmm5, xmm0\ncvttpd2dq xmm6, xmm0\ncvtdq2ps xmm7, xmm2\n"
        "cvtps2pd xmm1, xmm1\ncvtdq2pd xmm2, xmm2\nstmxcsr [0x20010]\n");
    EXPECT_EQ(lane<double>(3, 0), -7.0);
    EXPECT_EQ(lane<float>(4, 0), -7.0f);
    EXPECT_EQ(gpr(kEbx), 2u);
    EXPECT_EQ(gpr(kEcx), 2u);  // round to nearest even
    EXPECT_EQ(gpr(kEdx), 0x80000000u);  // out of range: integer indefinite, IE
    EXPECT_EQ(lane<std::int32_t>(5, 0), 2);
    EXPECT_EQ(lane<std::int32_t>(5, 1), -4);
    EXPECT_EQ(lane<std::uint64_t>(5, 1), 0u);  // upper half zeroed
    EXPECT_EQ(lane<std::int32_t>(6, 1), -3);
    EXPECT_EQ(lane<float>(7, 0), -4.0f);
    EXPECT_EQ(lane<float>(7, 3), 5.0f);
    EXPECT_EQ(lane<double>(1, 0), 1e10f);
    EXPECT_EQ(lane<double>(1, 1), -1.5);
    EXPECT_EQ(lane<double>(2, 1), -1.0);
    EXPECT_EQ(peek<std::uint32_t>(0x20010) & 0x3F, 0x21u);  // IE, PE
}

TEST_F(Sse, RoundingControlFromMxcsr) {
    set_lane<double>(0, 0, 2.5);
    set_lane<double>(0, 1, -2.5);
    poke<std::uint32_t>(kData, 0x1F80 | (1u << 13));  // round down
    run("ldmxcsr [0x20000]\ncvtsd2si eax, xmm0\nmovhlps xmm1, xmm0\ncvtsd2si ebx, xmm1\n"
        "mov ecx, 1\ncvtsi2ss xmm2, ecx\nmov ecx, 3\ncvtsi2ss xmm3, ecx\ndivss xmm2, xmm3\n");
    EXPECT_EQ(gpr(kEax), 2u);
    EXPECT_EQ(static_cast<std::int32_t>(gpr(kEbx)), -3);
    EXPECT_EQ(lane<float>(2, 0), std::nextafter(1.0f / 3.0f, 0.0f));
    EXPECT_EQ(m.cpu().fpu.mxcsr, 0x1F80u | (1u << 13) | 0x20);
}

TEST_F(Sse, ReciprocalApproximations) {
    set_lane<float>(0, 0, 4.0f);
    set_lane<float>(0, 1, 0.0f);
    set_lane<float>(0, 2, -1.0f);
    set_lane<float>(0, 3, 3.0f);
    run("rcpps xmm1, xmm0\nrsqrtps xmm2, xmm0\n");
    EXPECT_EQ(lane<float>(1, 0), 0.25f);
    EXPECT_TRUE(std::isinf(lane<float>(1, 1)));
    EXPECT_NEAR(lane<float>(1, 3), 1.0f / 3.0f, 1.5 * std::ldexp(1.0, -12) / 3);
    EXPECT_EQ(lane<float>(2, 0), 0.5f);
    EXPECT_TRUE(std::isnan(lane<float>(2, 2)));
}

}  // namespace
}  // namespace emu::x86
