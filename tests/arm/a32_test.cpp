// A32 integer instructions.
#include <gtest/gtest.h>

#include "harness.h"

namespace emu::arm::test {
namespace {

constexpr std::uint32_t N = 1u << 31, Z = 1u << 30, C = 1u << 29, V = 1u << 28, Q = 1u << 27;

struct A32 : ::testing::Test {
    ArmMachine m{"a32"};
    void run(const char* label) {
        ASSERT_EQ(m.run_arm(label), StopReason::Halted);
        ASSERT_EQ(m.last_svc, 0) << "unexpected exception: cpsr=" << std::hex << m.r(0) << " lr=" << m.r(1)
                                 << " spsr=" << m.r(2) << " vector=" << m.r(3);
    }
};

TEST_F(A32, FlagsAndCarries) {
    run("alu_flags");
    EXPECT_EQ(m.r(1), 0u);
    EXPECT_EQ(m.r(2) & 0xf0000000u, Z | C);
    EXPECT_EQ(m.r(4), 0x80000000u);
    EXPECT_EQ(m.r(5) & 0xf0000000u, N | V);
    EXPECT_EQ(m.r(7), 0xfffffffeu);
    EXPECT_EQ(m.r(8) & 0xf0000000u, N);
    EXPECT_EQ(m.r(10), 2u);
    EXPECT_EQ(m.r(12), 4u);
}

TEST_F(A32, ShiftsAndCarryOut) {
    run("alu_shifts");
    EXPECT_EQ(m.r(1), 2u);
    EXPECT_EQ(m.r(2) & C, C);
    EXPECT_EQ(m.r(3), 0x40000000u);
    EXPECT_EQ(m.r(4), 0xffffffffu);
    EXPECT_EQ(m.r(5) & (C | N), N);
    EXPECT_EQ(m.r(7), 0u);
    EXPECT_EQ(m.r(8), 0u);
    EXPECT_EQ(m.r(9) & (C | Z), C | Z);
    EXPECT_EQ(m.r(10), 0xc0000000u);
    EXPECT_EQ(m.r(11), 0x18000000u);
    EXPECT_EQ(m.r(12), 0x00ffffffu);
}

TEST_F(A32, ConditionalExecution) {
    run("alu_cond");
    EXPECT_EQ(m.r(1), 11u);
    EXPECT_EQ(m.r(3), 1u);
    EXPECT_EQ(m.r(4), 8u);
    EXPECT_EQ(m.r(5), 0x55u);
    EXPECT_EQ(m.r(6), 0x66u);
    EXPECT_EQ(m.r(7), 0x77u);
    EXPECT_EQ(m.r(8), 2u);
    EXPECT_EQ(m.r(9), 0xfcu);
    EXPECT_EQ(m.r(10), 7u);
    EXPECT_EQ(m.r(11), 0x103u);
    EXPECT_EQ(m.r(12), 2u);
}

TEST_F(A32, PcReadsAndWrites) {
    run("pc_ops");
    const std::uint32_t base = m.sym("pc_ops");
    EXPECT_EQ(m.r(0), base + 8);
    EXPECT_EQ(m.r(1), base + 16);
    EXPECT_EQ(m.r(3), 2u);
    EXPECT_EQ(m.r(4), 0x12345678u);
    EXPECT_EQ(m.r(6), base + 32);
}

TEST_F(A32, LoadAddressingModes) {
    run("ldst");
    const std::uint32_t data = m.sym("data");
    EXPECT_EQ(m.r(1), 0x11223344u);
    EXPECT_EQ(m.r(2), 0x55667788u);
    EXPECT_EQ(m.r(3), 0x33u);
    EXPECT_EQ(m.r(4), 0x1122u);
    EXPECT_EQ(m.r(5), 0xffffff80u);
    EXPECT_EQ(m.r(6), 0xffff8180u);
    EXPECT_EQ(m.r(7), data);
    EXPECT_EQ(m.r(8), 0x55667788u);
    EXPECT_EQ(m.r(9), 0x55667788u);
    EXPECT_EQ(m.r(11), 0x83828180u);
    EXPECT_EQ(m.r(12), 0x55667788u);
}

TEST_F(A32, StoreAddressingModes) {
    run("ldst_store");
    const std::uint32_t s = m.sym("scratch");
    EXPECT_EQ(m.read32(s), 0xdeadbeefu);
    EXPECT_EQ(m.read32(s + 4), 0xbeef00efu);
    EXPECT_EQ(m.read32(s + 8), 0xdeadbeefu);
    EXPECT_EQ(m.r(11), 12u);
    EXPECT_EQ(m.r(12), 1u);
}

TEST_F(A32, UnalignedAccess) {
    run("unaligned");
    EXPECT_EQ(m.r(1), 0x88112233u);
    EXPECT_EQ(m.r(2), 0x8811u);
}

TEST_F(A32, BlockTransfers) {
    run("ldm_stm");
    EXPECT_EQ(m.r(5), 1u);
    EXPECT_EQ(m.r(8), 4u);
    EXPECT_EQ(m.r(4), m.sym("stack_top") - 16);
    EXPECT_EQ(m.r(13), m.sym("stack_top"));
    EXPECT_EQ(m.r(10), 4u);
    EXPECT_EQ(m.r(12), 3u);
}

TEST_F(A32, MultiplyDivide) {
    run("mul_div");
    EXPECT_EQ(m.r(2), 42u);
    EXPECT_EQ(m.r(3), 49u);
    EXPECT_EQ(m.r(4), 0u);
    EXPECT_EQ(m.r(6), 1u);
    EXPECT_EQ(m.r(7), 0xfffffffeu);
    EXPECT_EQ(m.r(8), 1u);
    EXPECT_EQ(m.r(9), 0u);
    EXPECT_EQ(m.r(12), static_cast<std::uint32_t>(-14));
    EXPECT_EQ(m.r(10), 14u);
}

TEST_F(A32, LongAndHalfwordMultiply) {
    run("mul_long");
    EXPECT_EQ(m.r(2), 16u);
    EXPECT_EQ(m.r(3), 0u);
    EXPECT_EQ(m.r(4), 5u);
    EXPECT_EQ(m.r(5), 0u);
    EXPECT_EQ(m.r(6), 9u);
    EXPECT_EQ(m.r(7), 0u);
    EXPECT_EQ(m.r(10), 8u);
    EXPECT_EQ(m.r(11), 15u);
    EXPECT_EQ(m.r(12), 23u);
}

TEST_F(A32, DualAndMostSignificantMultiply) {
    run("mul_more");
    EXPECT_EQ(m.r(2), static_cast<std::uint32_t>(-7));
    EXPECT_EQ(m.r(3), 23u + 0x30002u);
    EXPECT_EQ(m.r(5), 0x10000000u);
    EXPECT_EQ(m.r(6), 0x10000u);
    EXPECT_EQ(m.r(7), 23u);
    EXPECT_EQ(m.r(8), 0u);
    EXPECT_EQ(m.r(10), 110u);
    EXPECT_EQ(m.r(11), 8u);
}

TEST_F(A32, Saturating) {
    run("sat");
    EXPECT_EQ(m.r(2), 0x7fffffffu);
    EXPECT_EQ(m.r(3) & Q, Q);
    EXPECT_EQ(m.r(4), 0x80000002u);
    EXPECT_EQ(m.r(6), 127u);
    EXPECT_EQ(m.r(7), 255u);
    EXPECT_EQ(m.r(9), 0u);
    EXPECT_EQ(m.r(11), 0x007fff80u);
    EXPECT_EQ(m.r(12), 3u);
}

TEST_F(A32, ParallelAddSubtract) {
    run("parallel");
    EXPECT_EQ(m.r(2), 0x00028000u);
    EXPECT_EQ((m.r(3) >> 16) & 15, 0x3u);
    EXPECT_EQ(m.r(4), 0x80007fffu);
    EXPECT_EQ(m.r(5), 0x00027f00u);
    EXPECT_EQ((m.r(6) >> 16) & 15, 0x9u);
    EXPECT_EQ(m.r(7), 0x800100ffu);
    EXPECT_EQ(m.r(8), 0x00003fffu);
    EXPECT_EQ(m.r(9), 0xc0017fffu);
    EXPECT_EQ(m.r(10), 0x00008102u);
    EXPECT_EQ(m.r(11), 0u);
    EXPECT_EQ(m.r(12), 0x80000000u);
}

TEST_F(A32, BitfieldReverseExtend) {
    run("bits_ops");
    EXPECT_EQ(m.r(1), 0x78563412u);
    EXPECT_EQ(m.r(2), 0x34127856u);
    EXPECT_EQ(m.r(3), 0x00007856u);
    EXPECT_EQ(m.r(4), 0x1e6a2c48u);
    EXPECT_EQ(m.r(5), 3u);
    EXPECT_EQ(m.r(6), 0x780u);
    EXPECT_EQ(m.r(7), 0x456u);
    EXPECT_EQ(m.r(8), 1u);
    EXPECT_EQ(m.r(9), 0xff0000ffu);
    EXPECT_EQ(m.r(10), 0x78u);
    EXPECT_EQ(m.r(11), 0x1234u);
    EXPECT_EQ(m.r(12), 0x12345678u + 0x56u);
}

TEST_F(A32, ExtendAndPack) {
    run("ext_pack");
    EXPECT_EQ(m.r(1), 0xffff0001u);
    EXPECT_EQ(m.r(2), 0x00ff0001u);
    EXPECT_EQ(m.r(3), 0x00007f01u);
    EXPECT_EQ(m.r(4), 0x81fe7f02u);
    EXPECT_EQ(m.r(7), 0x44442222u);
    EXPECT_EQ(m.r(8), 0x11113333u);
    EXPECT_EQ(m.r(9), 0xdeadbeefu);
    EXPECT_EQ(m.r(11), 0x10000u);
}

TEST_F(A32, Exclusives) {
    run("excl");
    EXPECT_EQ(m.r(3), 0u);
    EXPECT_EQ(m.r(4), 6u);
    EXPECT_EQ(m.r(5), 1u);
    EXPECT_EQ(m.r(7), 1u);
    EXPECT_EQ(m.r(9), 0u);
    EXPECT_EQ(m.r(10), 5u);
    EXPECT_EQ(m.r(11), 0u);
    EXPECT_EQ(m.r(12), 5u);
}

TEST_F(A32, BranchesAndInterworking) {
    run("branches");
    EXPECT_EQ(m.r(0), 11u);
    EXPECT_EQ(m.r(3), 0x77u);
    EXPECT_EQ(m.r(6), 2u);
    EXPECT_EQ(m.r(7), 0x88u);
    EXPECT_EQ(m.core->cpsr() & kPsrT, 0u);
}

TEST_F(A32, ModesAndBankedRegisters) {
    run("modes");
    EXPECT_EQ(m.r(1) & 0x1f, 0x12u);
    EXPECT_EQ(m.r(3), 0x88u);
    EXPECT_EQ(m.r(4), 0x4000u);
    EXPECT_EQ(m.r(5), 0x3000u);
    EXPECT_EQ(m.r(6), 0x1000u);
    EXPECT_EQ(m.r(7), 0x2000u);
    EXPECT_EQ(m.r(9), 0x99u);
    EXPECT_EQ(m.r(10), 0x10u);
    EXPECT_EQ(m.r(11), 0x3000u);
    EXPECT_EQ(m.r(12), 0x88u);
}

TEST_F(A32, UserBankTransfersAndSwp) {
    const std::uint32_t svc_sp = m.core->reg(13);
    run("user_bank");
    EXPECT_EQ(m.r(1), 0x500u);
    EXPECT_EQ(m.r(2), 0x600u);
    EXPECT_EQ(m.r(5), 0x700u);
    EXPECT_EQ(m.r(6), 0x800u);
    EXPECT_EQ(m.r(7), svc_sp);
    EXPECT_EQ(m.r(10), 0x11u);
    EXPECT_EQ(m.r(11), 0x22u);
    EXPECT_EQ(m.r(8), 0x11u);
}

}  // namespace
}  // namespace emu::arm::test
