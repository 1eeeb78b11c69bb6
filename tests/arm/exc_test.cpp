// Exception entry and return: undefined, SVC, aborts, IRQ, FIQ, BKPT, WFI, VBAR, high vectors,
// SRS/RFE and LDM exception return.
#include <gtest/gtest.h>

#include "harness.h"

namespace emu::arm::test {
namespace {

struct Exc : ::testing::Test {
    ArmMachine m{"exc"};
    std::uint32_t info(int i) { return m.read32(m.sym("excinfo") + 4 * static_cast<std::uint32_t>(i)); }
    void run_arm(const char* label) {
        ASSERT_EQ(m.run_arm(label), StopReason::Halted);
        ASSERT_EQ(m.last_svc, 0) << "unexpected exception: cpsr=" << std::hex << m.r(0) << " lr=" << m.r(1)
                                 << " spsr=" << m.r(2) << " vector=" << m.r(3);
    }
};

TEST_F(Exc, UndefinedArm) {
    run_arm("e_undef");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(info(0), m.sym("e_undef_insn") + 4);
    EXPECT_EQ(info(1) & 0x3f, 0x13u);            // SPSR: SVC mode, ARM state
    EXPECT_EQ(info(2) & 0x1f, 0x1bu);            // handler ran in UND mode
    EXPECT_EQ(info(2) & kPsrI, kPsrI);
    EXPECT_EQ(info(2) & kPsrT, 0u);
    EXPECT_EQ(info(5), 1u);
}

TEST_F(Exc, UndefinedThumb32) {
    ASSERT_EQ(m.run_arm("e_undef_thumb"), StopReason::Halted);
    // The handler returns to insn + 2 (the second halfword), which is executed as a 16-bit
    // instruction; we only check the entry.
    EXPECT_EQ(info(0), m.sym("e_undef_thumb_insn") + 2);
    EXPECT_EQ(info(1) & kPsrT, kPsrT);
}

TEST_F(Exc, SvcArm) {
    run_arm("e_svc");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(info(0), m.sym("e_svc_insn") + 4);
    EXPECT_EQ(info(2) & 0x1f, 0x13u);
}

TEST_F(Exc, SvcThumbInItBlock) {
    ASSERT_EQ(m.run_arm("e_svc_thumb"), StopReason::Halted);
    EXPECT_EQ(m.last_svc, 0);
    EXPECT_EQ(m.r(0), 1u);  // the instruction after the SVC stayed conditional-true
    EXPECT_EQ(info(0), m.sym("e_svc_thumb_insn") + 2);
    const std::uint32_t spsr = info(1);
    EXPECT_EQ(spsr & kPsrT, kPsrT);
    EXPECT_NE(spsr & 0x0600fc00u, 0u);  // ITSTATE for the remaining instruction
}

TEST_F(Exc, DataAbortExternal) {
    run_arm("e_dabt");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(info(0), m.sym("e_dabt_insn") + 8);
    EXPECT_EQ(info(2) & 0x1f, 0x17u);
    EXPECT_EQ(info(2) & kPsrA, kPsrA);
    EXPECT_EQ(info(3) & 0x40f, 0x008u);  // synchronous external abort
    EXPECT_EQ(info(3) & (1u << 11), 0u); // read
    EXPECT_EQ(info(4), 0x40000000u);
}

TEST_F(Exc, DataAbortAlignment) {
    run_arm("e_dabt_align");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(info(3) & 0x40f, 0x001u);
    EXPECT_EQ(info(4), m.sym("excinfo") + 1);
}

TEST_F(Exc, PrefetchAbort) {
    run_arm("e_pabt");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(info(0), 0x40000004u);
    EXPECT_EQ(info(3) & 0x40f, 0x008u);
    EXPECT_EQ(info(4), 0x40000000u);
    EXPECT_EQ(info(2) & 0x1f, 0x17u);
}

TEST_F(Exc, Breakpoint) {
    run_arm("e_bkpt");
    EXPECT_EQ(info(0), m.sym("e_bkpt_insn") + 4);
    EXPECT_EQ(info(3) & 0x40f, 0x002u);
}

TEST_F(Exc, Irq) {
    m.core->set_irq(true);
    run_arm("e_irq");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(info(2) & 0x1f, 0x12u);
    EXPECT_EQ(info(2) & (kPsrI | kPsrA), kPsrI | kPsrA);
    EXPECT_EQ(info(1) & kPsrI, 0u);
    EXPECT_FALSE(m.core->interrupt_pending());
}

TEST_F(Exc, Fiq) {
    m.core->set_fiq(true);
    run_arm("e_fiq");
    EXPECT_EQ(m.r(0), 0x88u);
    EXPECT_EQ(info(2) & 0x1f, 0x11u);
    EXPECT_EQ(info(2) & (kPsrI | kPsrF), kPsrI | kPsrF);
}

TEST_F(Exc, WfiStopsAndWakes) {
    ASSERT_EQ(m.run_arm("e_wfi"), StopReason::Wfi);
    EXPECT_EQ(m.r(0), 0u);
    EXPECT_FALSE(m.core->interrupt_pending());
    // An asserted but masked interrupt still wakes WFI (CPSR.I is set here).
    m.core->set_irq(true);
    EXPECT_TRUE(m.core->interrupt_pending());
    EXPECT_FALSE(m.core->interrupt_deliverable());
    ASSERT_EQ(m.resume(), StopReason::Halted);
    EXPECT_EQ(m.r(0), 1u);
}

TEST_F(Exc, Vbar) {
    run_arm("e_vbar");
    EXPECT_EQ(m.r(9), 0x99u);
    EXPECT_EQ(m.r(0), 1u);
}

TEST_F(Exc, HighVectors) {
    run_arm("e_hivecs");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(info(5), 1u);
}

TEST_F(Exc, SrsRfe) {
    run_arm("e_srs_rfe");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(m.core->cpsr() & 0x1f, 0x13u);
}

TEST_F(Exc, LdmExceptionReturn) {
    run_arm("e_ldm_ret");
    EXPECT_EQ(m.r(0), 1u);
    EXPECT_EQ(m.r(1) & 0x1f, 0x10u);
    EXPECT_EQ(info(1) & 0x1f, 0x10u);
}

}  // namespace
}  // namespace emu::arm::test
