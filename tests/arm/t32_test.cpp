// T32 (Thumb-2) instructions and IT blocks.
#include <gtest/gtest.h>

#include "harness.h"

namespace emu::arm::test {
namespace {

constexpr std::uint32_t N = 1u << 31, Z = 1u << 30, C = 1u << 29;

struct T32 : ::testing::Test {
    ArmMachine m{"t32"};
    void run(const char* label) {
        ASSERT_EQ(m.run_thumb(label), StopReason::Halted);
        ASSERT_EQ(m.last_svc, 0) << "unexpected exception: cpsr=" << std::hex << m.r(0) << " lr=" << m.r(1)
                                 << " spsr=" << m.r(2) << " vector=" << m.r(3);
    }
};

TEST_F(T32, ArithmeticAndFlags) {
    run("t_alu");
    EXPECT_EQ(m.r(1), 0xffffffffu);
    EXPECT_EQ(m.r(2) & (N | Z | C), N);
    EXPECT_EQ(m.r(3), 0u);
    EXPECT_EQ(m.r(4) & (Z | C), Z | C);
    EXPECT_EQ(m.r(5), 0x12345678u);
    EXPECT_EQ(m.r(6), 0x12345678u + 0x00ff00ffu);
    EXPECT_EQ(m.r(7), 0x23456780u);
    EXPECT_EQ(m.r(8) & C, C);
    EXPECT_EQ(m.r(9), ~0x12345678u);
    EXPECT_EQ(m.r(10), 0u - 0x12345678u);
    EXPECT_EQ(m.r(11), 0x78123456u);
    EXPECT_EQ(m.r(12), 1u);
}

TEST_F(T32, ItBlocks) {
    run("t_it");
    EXPECT_EQ(m.r(1), 11u);
    EXPECT_EQ(m.r(2), 2u);
    EXPECT_EQ(m.r(3), 0u);
    EXPECT_EQ(m.r(4), 2u);
    EXPECT_EQ(m.r(5), 7u);
    EXPECT_EQ(m.r(6) & Z, Z);
    EXPECT_EQ(m.r(7), 6u);
    EXPECT_EQ(m.r(8) & Z, 0u);
}

TEST_F(T32, Loads) {
    run("t_ldst");
    EXPECT_EQ(m.r(1), 0x11223344u);
    EXPECT_EQ(m.r(2), 0x55667788u);
    EXPECT_EQ(m.r(3), 0x33u);
    EXPECT_EQ(m.r(4), 0x1122u);
    EXPECT_EQ(m.r(6), 0xffffff80u);
    EXPECT_EQ(m.r(7), 0xffff8180u);
    EXPECT_EQ(m.r(8), m.sym("tdata"));
    EXPECT_EQ(m.r(9), 0x55667788u);
    EXPECT_EQ(m.r(10), 0x55667788u);
    EXPECT_EQ(m.r(11), 0x83828180u);
    EXPECT_EQ(m.r(12), 0xfeedfaceu);
}

TEST_F(T32, StoresPushPop) {
    run("t_store");
    EXPECT_EQ(m.r(3), 0xbabe00beu);
    EXPECT_EQ(m.r(4), 0xcafebabeu);
    EXPECT_EQ(m.r(5), 8u);
    EXPECT_EQ(m.r(6), 0xcafebabeu);
    EXPECT_EQ(m.r(7), 8u);
}

TEST_F(T32, BranchesTablesInterworking) {
    run("t_branch");
    EXPECT_EQ(m.r(0), 2u);
    EXPECT_EQ(m.r(4), 0x44u);
    EXPECT_EQ(m.r(6), 0x66u);
    EXPECT_EQ(m.r(7), 0x77u);
    EXPECT_NE(m.core->cpsr() & kPsrT, 0u);
}

TEST_F(T32, MediaMultiplyDivide) {
    run("t_media");
    EXPECT_EQ(m.r(1), 0x78563412u);
    EXPECT_EQ(m.r(2), 0x1e6a2c48u);
    EXPECT_EQ(m.r(3), 0x456u);
    EXPECT_EQ(m.r(4), 0x780u);
    EXPECT_EQ(m.r(5), 0x78u);
    EXPECT_EQ(m.r(6), 0x12345678u + 0x56u);
    EXPECT_EQ(m.r(7), 3u);
    EXPECT_EQ(m.r(10), 14u);
    EXPECT_EQ(m.r(11), 700u);
    EXPECT_EQ(m.r(12), 700u);
    EXPECT_EQ(m.r(14), 0u);
}

TEST_F(T32, ParallelSaturate) {
    run("t_media2");
    EXPECT_EQ(m.r(2), 0x00028000u);
    EXPECT_EQ(m.r(3), 0xff027fffu);
    EXPECT_EQ(m.r(4), 0x80000000u);
    EXPECT_EQ(m.r(6), 127u);
    EXPECT_EQ(m.r(7), 255u);
    EXPECT_EQ(m.r(9), static_cast<std::uint32_t>(-300));
    EXPECT_EQ(m.r(10), 0x7fffu + 300u);
    EXPECT_EQ(m.r(11), 0x80018001u);
}

TEST_F(T32, SystemRegisters) {
    run("t_sys");
    EXPECT_EQ(m.r(1) & kPsrI, kPsrI);
    EXPECT_EQ(m.r(2) & kPsrI, 0u);
    EXPECT_EQ(m.r(3), 0x412fc0f1u);
    EXPECT_EQ(m.r(5), 0x1234u);
}

}  // namespace
}  // namespace emu::arm::test
