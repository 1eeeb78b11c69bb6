// A compiled C workload (gcc -O2, A32 and T32) must compute what the same source computes on
// the host: a broad check of compiler-generated instruction sequences.
#include <gtest/gtest.h>

#include <cstdint>

#include "harness.h"

namespace host {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include "cprog/cbench.c"
#pragma GCC diagnostic pop
}  // namespace host

namespace emu::arm::test {
namespace {

void check(const char* program) {
    std::uint32_t expect[16] = {};
    host::cb_run(expect);
    ArmMachine m{program};
    m.core->set_reg(15, 0);
    ASSERT_EQ(m.resume(200000000), StopReason::Halted);
    ASSERT_EQ(m.last_svc, 0);
    for (std::uint32_t i = 0; i < 16; ++i) EXPECT_EQ(m.read32(0x700000 + 4 * i), expect[i]) << "result " << i;
}

TEST(CompiledC, Arm) { check("cbench_arm"); }
TEST(CompiledC, Thumb) { check("cbench_thumb"); }
TEST(CompiledC, ArmO3Unrolled) { check("cbench_arm_O3"); }
TEST(CompiledC, ThumbOs) { check("cbench_thumb_Os"); }
TEST(CompiledC, ThumbO3) { check("cbench_thumb_O3"); }

}  // namespace
}  // namespace emu::arm::test
