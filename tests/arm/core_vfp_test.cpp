// The core's VFP glue: CPACR gating, A32 and T32 forms routed to the VFP unit, VMRS to APSR.
#include <gtest/gtest.h>

#include <bit>

#include "harness.h"

namespace emu::arm::test {
namespace {

TEST(CoreVfp, ArmAndThumb) {
    ArmMachine m{"t32"};
    m.core->set_reg(1, std::bit_cast<std::uint32_t>(1.5f));
    m.core->set_reg(2, std::bit_cast<std::uint32_t>(2.25f));
    ASSERT_EQ(m.run_arm("vfp_arm"), StopReason::Halted);
    ASSERT_EQ(m.last_svc, 0);
    EXPECT_EQ(m.r(3), std::bit_cast<std::uint32_t>(3.75f));
    EXPECT_EQ(m.r(4), 1u);
    EXPECT_EQ(m.r(6), std::bit_cast<std::uint32_t>(3.75f));
    ASSERT_EQ(m.run_thumb("vfp_thumb"), StopReason::Halted);
    ASSERT_EQ(m.last_svc, 0);
    EXPECT_EQ(m.r(3), std::bit_cast<std::uint32_t>(1.5f * 2.25f));
}

TEST(CoreVfp, CpacrDisabledIsUndefined) {
    ArmMachine m{"t32"};
    ASSERT_EQ(m.run_arm("vfp_disabled"), StopReason::Halted);
    EXPECT_EQ(m.last_svc, 0xee);
    EXPECT_EQ(m.r(3), 4u);  // undefined-instruction vector
}

}  // namespace
}  // namespace emu::arm::test
