// MMX on emu's x86 core (32-bit protected mode): MM0-7 on the x87 registers (TOP 0, tags,
// exponent all ones, EMMS), the packed integer operations on 64-bit operands (incl. the packs
// and high unpacks, which differ from the 128-bit forms), PSHUFW/PINSRW/PEXTRW/PMOVMSKB,
// MASKMOVQ, and the MMX<->XMM moves and conversions.
#include <gtest/gtest.h>

#include <cstring>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

class Mmx : public ::testing::Test {
protected:
    Machine m;

    void run(const std::string& code) {
        m.start32(code + "\nhlt\n");
        m.cpu().cr4 |= kCr4OSFXSR;
        m.cpu().cr0 |= kCr0NE;
        EXPECT_TRUE(m.run_to_hlt());
    }
    std::uint64_t mm(unsigned i) {
        std::uint64_t v;
        std::memcpy(&v, &m.cpu().fpu.st[i], 8);
        return v;
    }
    std::uint16_t exponent(unsigned i) {
        std::uint16_t v;
        std::memcpy(&v, reinterpret_cast<const std::uint8_t*>(&m.cpu().fpu.st[i]) + 8, 2);
        return v;
    }
    template <typename T>
    void poke(std::uint32_t a, T v) { std::memcpy(m.ram() + a, &v, sizeof v); }
    template <typename T>
    T peek(std::uint32_t a) {
        T v;
        std::memcpy(&v, m.ram() + a, sizeof v);
        return v;
    }
};

TEST_F(Mmx, RegistersAliasTheX87) {
    poke<std::uint64_t>(0x20000, 0x1122334455667788ull);
    run("fninit\nfld1\nfld1\nmovq mm3, [0x20000]\nfnstsw ax\nmov ebx, eax\nfnstenv [0x20100]\nemms\nfnstenv [0x20200]\n");
    EXPECT_EQ(mm(3), 0x1122334455667788ull);
    EXPECT_EQ(exponent(3), 0xFFFF);
    EXPECT_EQ((m.cpu().gpr[kEbx] >> 11) & 7, 0u);  // TOP = 0
    EXPECT_NE(peek<std::uint16_t>(0x20108), 0xFFFF);  // tags: none empty
    EXPECT_EQ(peek<std::uint16_t>(0x20208), 0xFFFF);  // EMMS: all empty
}

TEST_F(Mmx, PackedArithmetic) {
    poke<std::uint64_t>(0x20000, 0x7FFF800000010002ull);  // words 2, 1, -32768, 32767
    poke<std::uint64_t>(0x20008, 0x0001000100010001ull);
    run("movq mm0, [0x20000]\nmovq mm1, mm0\npaddsw mm1, [0x20008]\nmovq mm2, mm0\npsubw mm2, [0x20008]\n"
        "movq mm3, mm0\npmullw mm3, mm0\nmovq mm4, mm0\npsllq mm4, 8\nmovq mm5, mm0\npsraw mm5, 15\n"
        "movq mm6, mm0\npcmpeqw mm6, [0x20008]\nmovq mm7, mm0\npaddq mm7, mm0\nemms\n");
    EXPECT_EQ(mm(1), 0x7FFF800100020003ull);
    EXPECT_EQ(mm(2), 0x7FFE7FFF00000001ull);
    EXPECT_EQ(mm(3), 0x0001000000010004ull);
    EXPECT_EQ(mm(4), 0xFF80000001000200ull);
    EXPECT_EQ(mm(5), 0x0000FFFF00000000ull);
    EXPECT_EQ(mm(6), 0x00000000FFFF0000ull);
    EXPECT_EQ(mm(7), 0xFFFF000000020004ull);
}

TEST_F(Mmx, PacksAndHighUnpacks) {
    poke<std::uint64_t>(0x20000, 0x0100FF80007F0005ull);  // words 5, 127, -128, 256
    poke<std::uint64_t>(0x20008, 0xFFFF000200030004ull);  // words 4, 3, 2, -1
    run("movq mm0, [0x20000]\nmovq mm1, mm0\npacksswb mm1, [0x20008]\nmovq mm2, mm0\npackuswb mm2, [0x20008]\n"
        "movq mm3, mm0\npunpckhwd mm3, [0x20008]\nmovq mm4, mm0\npunpckhbw mm4, [0x20008]\n"
        "movq mm5, mm0\npackssdw mm5, [0x20008]\nmovq mm6, mm0\npunpckldq mm6, [0x20008]\n");
    EXPECT_EQ(mm(1), 0xFF020304'7F807F05ull);
    EXPECT_EQ(mm(2), 0x00020304'FF007F05ull);
    EXPECT_EQ(mm(3), 0xFFFF0100'0002FF80ull);
    EXPECT_EQ(mm(4), 0xFF01FF00'00FF0280ull);
    EXPECT_EQ(mm(5), 0x80007FFF'7FFF7FFFull);
    EXPECT_EQ(mm(6), 0x00030004'007F0005ull);
}

TEST_F(Mmx, ShufflesMasksAndStores) {
    poke<std::uint64_t>(0x20000, 0x8081828304030201ull);
    run("movq mm0, [0x20000]\npshufw mm1, mm0, 0x1B\npmovmskb eax, mm0\npextrw ebx, mm0, 3\nmov ecx, 0xBEEF\n"
        "pinsrw mm0, ecx, 1\nmovd edx, mm0\nmovq [0x20010], mm1\nmovntq [0x20018], mm0\n"
        "mov edi, 0x20100\npcmpeqb mm7, mm7\npsrlq mm7, 32\nmaskmovq mm1, mm7\nemms\n");
    EXPECT_EQ(mm(1), 0x0201040382838081ull);
    EXPECT_EQ(m.cpu().gpr[kEax], 0xF0u);
    EXPECT_EQ(m.cpu().gpr[kEbx], 0x8081u);
    EXPECT_EQ(m.cpu().gpr[kEdx], 0xBEEF0201u);
    EXPECT_EQ(peek<std::uint64_t>(0x20010), 0x0201040382838081ull);
    EXPECT_EQ(peek<std::uint64_t>(0x20018), 0x80818283BEEF0201ull);
    EXPECT_EQ(peek<std::uint64_t>(0x20100), 0x82838081ull);  // low four bytes only
}

TEST_F(Mmx, MovesAndConversionsWithXmm) {
    poke<std::uint64_t>(0x20000, 0xFFFFFFFD00000007ull);  // dwords 7, -3
    poke<float>(0x20008, 2.5f);
    poke<float>(0x2000C, -1.5f);
    run("movq mm0, [0x20000]\ncvtpi2ps xmm0, mm0\ncvtpi2pd xmm1, mm0\ncvtps2pi mm1, [0x20008]\n"
        "cvttps2pi mm2, [0x20008]\nmovq2dq xmm2, mm0\nmovdq2q mm3, xmm1\nemms\n");
    float f[2];
    std::memcpy(f, m.cpu().fpu.xmm[0], 8);
    EXPECT_EQ(f[0], 7.0f);
    EXPECT_EQ(f[1], -3.0f);
    double dd[2];
    std::memcpy(dd, m.cpu().fpu.xmm[1], 16);
    EXPECT_EQ(dd[0], 7.0);
    EXPECT_EQ(dd[1], -3.0);
    EXPECT_EQ(mm(1), 0xFFFFFFFE00000002ull);  // nearest even: 2, -2
    EXPECT_EQ(mm(2), 0xFFFFFFFF00000002ull);  // truncated: 2, -1
    std::uint64_t q[2];
    std::memcpy(q, m.cpu().fpu.xmm[2], 16);
    EXPECT_EQ(q[0], 0xFFFFFFFD00000007ull);
    EXPECT_EQ(q[1], 0u);
    std::uint64_t d0;
    std::memcpy(&d0, m.cpu().fpu.xmm[1], 8);
    EXPECT_EQ(mm(3), d0);
}

}  // namespace
}  // namespace emu::x86
