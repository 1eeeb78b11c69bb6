// MMU (short descriptors), faults, TLB maintenance, self-modifying code, generic timer.
#include <gtest/gtest.h>

#include "harness.h"

namespace emu::arm::test {
namespace {

constexpr std::uint32_t kL1 = 0x100000, kL2 = 0x104000, kL2Bad = 0x105000;

// Section: AP in bits 11:10 and 15, domain, XN.
std::uint32_t section(std::uint32_t pa, unsigned ap = 3, unsigned domain = 0, bool xn = false) {
    return (pa & 0xfff00000u) | ((ap & 3) << 10) | ((ap >> 2) << 15) | (domain << 5) | (xn ? 0x10u : 0u) | 2u;
}
std::uint32_t small_page(std::uint32_t pa, unsigned ap = 3) {
    return (pa & 0xfffff000u) | ((ap & 3) << 4) | ((ap >> 2) << 9) | 2u;
}

struct Mmu : ::testing::Test {
    ArmMachine m{"mmu"};
    void SetUp() override {
        for (std::uint32_t i = 0; i < 4096; ++i) m.write32(kL1 + 4 * i, 0);
        for (std::uint32_t mb = 0; mb < 16; ++mb) m.write32(kL1 + 4 * mb, section(mb << 20));
        m.write32(kL1 + 4 * 0x100, section(0x10000000));
        m.write32(kL1 + 4 * 0x800, section(0x00200000));
        m.write32(kL1 + 4 * 0x801, kL2 | 1u);
        for (std::uint32_t i = 0; i < 256; ++i) m.write32(kL2 + 4 * i, 0);
        m.write32(kL2 + 4 * 0, small_page(0x300000));
        m.write32(kL2 + 4 * 1, small_page(0x301000, 7));  // read-only
        m.write32(kL2 + 4 * 3, small_page(0x303000, 1));  // PL1 only
        for (std::uint32_t i = 0x10; i < 0x20; ++i)       // large page at 0x80110000 -> 0x310000
            m.write32(kL2 + 4 * i, 0x00310000u | (3u << 4) | 1u);
        m.write32(kL1 + 4 * 0x802, section(0x00200000, 3, 1));          // domain 1: no access
        m.write32(kL1 + 4 * 0x803, section(0x00000000, 3, 0, true));    // XN
        m.write32(kL1 + 4 * 0x805, section(0x40000000));                // unassigned PA
        m.write32(kL1 + 4 * 0x806, 0x40000000u | 1u);                   // L2 table in unassigned PA
        m.write32(kL1 + 4 * 0x807, section(0x00200000));
        m.write32(kL1 + 4 * 0x808, section(0x00200000, 2));             // AP[0] = 0
        (void)kL2Bad;
        m.write32(0x200000, 0xaaaa0000u);
        m.write32(0x300000, 0xbbbb0000u);
        m.write32(0x301000, 0xcccc0000u);
        m.write32(0x310004, 0xdddd0004u);
        m.write32(0x400000, 0xeeee0000u);
    }
    std::uint32_t log(int i) { return m.read32(m.sym("faultlog") + 4 * static_cast<std::uint32_t>(i)); }
    void run(const char* label) {
        ASSERT_EQ(m.run_arm(label), StopReason::Halted);
        ASSERT_EQ(m.last_svc, 0) << "unexpected exception: cpsr=" << std::hex << m.r(0) << " lr=" << m.r(1)
                                 << " spsr=" << m.r(2) << " vector=" << m.r(3);
    }
};

TEST_F(Mmu, TranslationsAndFaults) {
    run("mmu_test");
    EXPECT_EQ(m.r(2), 0xaaaa0000u);
    EXPECT_EQ(m.r(3), 0xbbbb0000u);
    EXPECT_EQ(m.r(4), 0xcccc0000u);
    EXPECT_EQ(m.r(9), 0xdddd0004u);
    EXPECT_EQ(m.r(12) & 0xfffff001u, 0x00310000u);  // PAR: PA of the large page, no fault
    EXPECT_EQ(m.r(0), 0xaaaa0000u);                 // 0x80700000
    // {FSR, FAR} pairs
    EXPECT_EQ(log(0), 0x80fu);  // permission, page, WnR, domain 0
    EXPECT_EQ(log(1), 0x80101000u);
    EXPECT_EQ(log(2) & 0x40f, 0x007u);  // translation, page
    EXPECT_EQ(log(3), 0x80102000u);
    EXPECT_EQ(log(4), 0x019u);          // domain, section, domain 1
    EXPECT_EQ(log(5), 0x80200000u);
    EXPECT_EQ(log(6) & 0x40f, 0x005u);  // translation, section
    EXPECT_EQ(log(7), 0x80400000u);
    EXPECT_EQ(log(8) & 0x40f, 0x008u);  // external abort
    EXPECT_EQ(log(9), 0x80500000u);
    EXPECT_EQ(log(10) & 0x40f, 0x00eu); // external abort on L2 walk
    EXPECT_EQ(log(11), 0x80600000u);
    EXPECT_EQ(log(12) & 0x40f, 0x00du); // prefetch abort: permission (XN), section
    EXPECT_EQ(log(13), 0x80300000u);
    EXPECT_EQ(log(14) & 0x40f, 0x00fu); // PL0 read of a PL1-only page
    EXPECT_EQ(log(15), 0x80103000u);
}

TEST_F(Mmu, TlbMaintenance) {
    run("tlb_test");
    EXPECT_EQ(m.r(2), 0xbbbb0000u);
    EXPECT_EQ(m.r(5), 0xcccc0000u);
    EXPECT_EQ(m.r(6), 0xeeee0000u);
}

TEST_F(Mmu, AsidAndTtbcrSplit) {
    m.write32(kL1 + 4 * 0x809, section(0x00200000) | (1u << 17));  // not global
    for (std::uint32_t i = 0; i < 4096; ++i) m.write32(0x108000 + 4 * i, 0);
    m.write32(0x108000 + 4 * 0x809, section(0x00300000));
    run("ttbcr_asid_test");
    EXPECT_EQ(m.r(2), 0xaaaa0000u);
    EXPECT_EQ(m.r(5), 0xeeee0000u);
    EXPECT_EQ(m.r(6), 0xbbbb0000u);
    EXPECT_EQ(m.r(7), m.read32(0));
}

TEST_F(Mmu, LongDescriptors) {
    const std::uint32_t l1 = 0x10c000, l2 = 0x110000, l3 = 0x111000;
    auto w64 = [&](std::uint32_t a, std::uint64_t v) {
        m.write32(a, static_cast<std::uint32_t>(v));
        m.write32(a + 4, static_cast<std::uint32_t>(v >> 32));
    };
    for (std::uint32_t i = 0; i < 512; ++i) {
        w64(l2 + 8 * i, 0);
        w64(l3 + 8 * i, 0);
    }
    w64(l1 + 0, 0x441);                   // 0-1 GiB: block, RW at PL0/PL1, AF
    w64(l1 + 8, 0);
    w64(l1 + 16, l2 | 3u);                // 2-3 GiB: table
    w64(l1 + 24, 0);
    w64(l2 + 0, 0x00200000u | 0x441u);    // 2 MiB block
    w64(l2 + 8, l3 | 3u);                 // table
    w64(l3 + 0, 0x00300000u | 0x443u);    // page
    w64(l3 + 8, 0x00301000u | 0x043u);    // page without AF
    w64(l3 + 24, 0x00301000u | 0x4c3u);   // read-only page
    run("lpae_test");
    EXPECT_EQ(m.r(2), 0xaaaa0000u);
    EXPECT_EQ(m.r(3), 0xbbbb0000u);
    EXPECT_EQ(m.r(6), 0xcccc0000u);
    EXPECT_EQ(log(0), 0x20bu);  // LPAE format, access flag fault, level 3
    EXPECT_EQ(log(1), 0x80201000u);
    EXPECT_EQ(log(2), 0x207u);  // translation fault, level 3
    EXPECT_EQ(log(4), 0xa0fu);  // permission fault, level 3, WnR
    EXPECT_EQ(log(6), 0x205u);  // translation fault, level 1
    EXPECT_EQ(log(7), 0xc0000000u);
    EXPECT_EQ(m.r(8), 1u | (0x05u << 1) | (1u << 11));  // PAR: fault, FST, LPAE format
}

TEST_F(Mmu, AccessFlag) {
    run("afe_test");
    EXPECT_EQ(log(0) & 0x40f, 0x003u);
    EXPECT_EQ(log(1), 0x80800000u);
}

TEST_F(Mmu, SelfModifyingCode) {
    run("smc_test");
    EXPECT_EQ(m.r(4), 1u);
    EXPECT_EQ(m.r(5), 2u);
    EXPECT_EQ(m.r(6), 7u);
}

// With the JIT on, both the function and the loop storing into it are compiled by then.
TEST_F(Mmu, HotCodeOverwrittenByHotLoop) {
    run("smc_hot_test");
    EXPECT_EQ(m.r(8), 10u * 1 + 10u * 3);
}

TEST(MmuTimer, GenericTimerRegisters) {
    std::uint64_t now = 1000;
    ArmConfig cfg;
    cfg.counter = [&now] { return now; };
    int changes = 0;
    cfg.on_timer_change = [&changes](ArmCore&) { ++changes; };
    ArmMachine m{"mmu", cfg};
    ASSERT_EQ(m.run_arm("timer_test"), StopReason::Halted);
    EXPECT_EQ(m.r(0), 62500000u);
    EXPECT_EQ(m.r(1), 1000u);
    EXPECT_EQ(m.r(2), 0u);
    EXPECT_EQ(m.r(3), 1000u);
    EXPECT_EQ(m.r(6), 1u);  // enabled, not yet fired
    EXPECT_GT(changes, 0);
    EXPECT_FALSE(m.core->timer_irq_asserted(1));
    EXPECT_FALSE(m.core->timer_irq_asserted(0));
    EXPECT_EQ(m.core->next_timer_deadline(), 1100u);  // physical timer is masked
    now = 1150;
    EXPECT_TRUE(m.core->timer_irq_asserted(1));
    EXPECT_FALSE(m.core->timer_irq_asserted(0));
    ASSERT_EQ(m.run_arm("timer_test2"), StopReason::Halted);
    EXPECT_EQ(m.r(6), 5u);  // ENABLE | ISTATUS
    EXPECT_EQ(m.r(7), static_cast<std::uint32_t>(-50));
}

}  // namespace
}  // namespace emu::arm::test
