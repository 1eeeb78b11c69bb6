// Throughput of the interpreter on tight loops (reported, with a low sanity bound).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "harness.h"

namespace emu::arm::test {
namespace {

double mips(const char* label, bool thumb) {
    ArmMachine m{"bench"};
    const auto t0 = std::chrono::steady_clock::now();
    const StopReason r = thumb ? m.run_thumb(label, 60000000) : m.run_arm(label, 60000000);
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(r, StopReason::Budget);
    const double s = std::chrono::duration<double>(t1 - t0).count();
    return static_cast<double>(m.core->instructions_executed()) / s / 1e6;
}

TEST(Perf, TightLoopArm) {
    const double v = mips("loop_arm", false);
    std::printf("A32 loop: %.0f MIPS\n", v);
    EXPECT_GT(v, 20.0);
}

TEST(Perf, LoopStoringIntoItsCodePage) {
    const double v = mips("loop_mixed", false);
    std::printf("A32 loop, data in the code page: %.0f MIPS\n", v);
    EXPECT_GT(v, 10.0);
}

TEST(Perf, TightLoopThumb) {
    const double v = mips("loop_thumb", true);
    std::printf("T32 loop: %.0f MIPS\n", v);
    EXPECT_GT(v, 20.0);
}

}  // namespace
}  // namespace emu::arm::test
