// Two cores on one address space: inner-shareable TLB maintenance and SEV reach the other core.
#include <gtest/gtest.h>

#include <thread>

#include "cpu.h"
#include "harness.h"

namespace emu::arm::test {
namespace {

TEST(Smp, TlbiIsAndSevBroadcast) {
    ArmMachine m{"a32"};
    ArmConfig cfg;
    cfg.mpidr_affinity = 1;
    ArmCore second(*m.as, cfg);
    EXPECT_EQ(second.cp15_read(0, 0, 0, 5), 0x80000001u);
    EXPECT_EQ(m.core->cp15_read(0, 0, 0, 5), 0x80000000u);
    Cpu& c2 = second.internal();
    c2.pending.store(0);
    m.core->cp15_write(8, 0, 7, 0, 0);  // TLBIALL: local only
    EXPECT_EQ(c2.pending.load() & Cpu::kPendTlbFlush, 0u);
    m.core->cp15_write(8, 0, 3, 0, 0);  // TLBIALLIS
    EXPECT_NE(c2.pending.load() & Cpu::kPendTlbFlush, 0u);
    // The flag is consumed at the next block boundary.
    second.set_reg(15, m.sym("alu_flags"));
    second.run(3);
    EXPECT_EQ(c2.pending.load() & Cpu::kPendTlbFlush, 0u);
}

TEST(Smp, ShootdownWaitsForRunningCore) {
    ArmMachine m{"a32"};
    ArmCore second(*m.as, ArmConfig{});
    second.set_reg(15, m.sym("spin"));
    Cpu& c2 = second.internal();
    std::thread t([&] {
        while (second.run(1u << 30) != StopReason::Halted) {
        }
    });
    while (!c2.in_run.load()) std::this_thread::yield();
    for (int i = 0; i < 100; ++i) m.core->cp15_write(8, 0, 3, 1, 0x1000);  // TLBIMVAIS
    EXPECT_EQ(c2.tlb_ack.load(), c2.tlb_req.load());
    EXPECT_EQ(c2.tlb_req.load(), 100u);
    second.request_stop();
    t.join();
    EXPECT_GT(second.reg(0), 0u);
}

}  // namespace
}  // namespace emu::arm::test

namespace emu::arm::test {
namespace {

TEST(Debug, BreakpointsAndSingleStep) {
    ArmMachine m{"a32"};
    const std::uint32_t start = m.sym("alu_flags");
    m.core->add_breakpoint(start + 8);
    ASSERT_EQ(m.run_arm("alu_flags"), StopReason::Breakpoint);
    EXPECT_EQ(m.r(15), start + 8);
    EXPECT_EQ(m.core->instructions_executed(), 2u);
    // Resuming at the breakpoint executes it; single steps run one instruction.
    ASSERT_EQ(m.resume(1), StopReason::Budget);
    EXPECT_EQ(m.r(15), start + 12);
    m.core->remove_breakpoint(start + 8);
    ASSERT_EQ(m.resume(), StopReason::Halted);
    std::uint64_t pa = 0;
    EXPECT_TRUE(m.core->translate_debug(0x1234, pa));
    EXPECT_EQ(pa, 0x1234u);
}

}  // namespace
}  // namespace emu::arm::test
