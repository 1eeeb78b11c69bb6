// The local APICs of software CPUs (plugins/cpu-x86/apic.cpp, linked from emu_x86_core) on
// x86-irqchip's APIC bus: the 8259 through a reset-state BSP (ExtINT), IOAPIC level interrupts
// ended by the local APIC's EOI, IPIs between APICs (fixed, INIT/SIPI, lowest priority).
#include <memory>
#include <vector>

#include "apic.h"
#include "cpu.h"
#include "irq_bench.h"
#include "x86_test_support.h"

namespace emu_test {
namespace {

class ApicOnBus : public IrqChipBench {
protected:
    ApicOnBus() {
        for (std::uint32_t id = 0; id < 2; ++id) {
            machines.push_back(std::make_unique<emu::x86::test::Machine>());
            apics.push_back(std::make_unique<emu::x86::LocalApic>(loop, id, machines.back()->core(), [] {}));
            apics.back()->set_bus(bus);
            bus->attach(*apics.back());
        }
    }
    ~ApicOnBus() override {
        chip->reset();
        // The chip outlives the APICs in the tree; unrealize it first so nothing calls them.
        emu::unrealize_tree(*root);
    }
    std::uint32_t reg(unsigned cpu, unsigned offset) {
        return static_cast<std::uint32_t>(apics[cpu]->mmio().ops().read(offset, 4));
    }
    void set_reg(unsigned cpu, unsigned offset, std::uint32_t value) { apics[cpu]->mmio().ops().write(offset, value, 4); }
    void enable(unsigned cpu) { set_reg(cpu, 0xF0, 0x1FF); }

    std::vector<std::unique_ptr<emu::x86::test::Machine>> machines;
    std::vector<std::unique_ptr<emu::x86::LocalApic>> apics;
};

TEST_F(ApicOnBus, PicReachesTheResetStateBsp) {
    init_pics();
    ic->gsi(1).pulse();
    EXPECT_TRUE(apics[0]->interrupt_pending());
    EXPECT_FALSE(apics[1]->interrupt_pending());  // an AP does not take the 8259's INTR
    EXPECT_EQ(apics[0]->acknowledge(), 0x09);
    EXPECT_FALSE(apics[0]->interrupt_pending());
    out(0x20, 0x20);
    // Once the BSP's APIC is enabled, LINT0 as ExtINT (virtual wire) keeps it so.
    enable(0);
    set_reg(0, 0x350, 0x700);
    ic->gsi(0).pulse();
    EXPECT_TRUE(apics[0]->interrupt_pending());
    EXPECT_EQ(apics[0]->acknowledge(), 0x08);
}

TEST_F(ApicOnBus, IoapicLevelInterruptEndsWithTheApicEoi) {
    enable(0);
    redirect(16, 0x00000000'00008050ull);  // level, vector 0x50, physical APIC 0
    ic->gsi(16).raise();
    ASSERT_TRUE(apics[0]->interrupt_pending());
    EXPECT_EQ(apics[0]->acknowledge(), 0x50);
    EXPECT_TRUE(ioapic_read(0x30) & (1u << 14));  // Remote IRR
    EXPECT_FALSE(apics[0]->interrupt_pending());
    set_reg(0, 0xB0, 0);  // EOI: still asserted, so delivered again
    EXPECT_TRUE(apics[0]->interrupt_pending());
    EXPECT_EQ(apics[0]->acknowledge(), 0x50);
    ic->gsi(16).lower();
    set_reg(0, 0xB0, 0);
    EXPECT_FALSE(apics[0]->interrupt_pending());
    EXPECT_FALSE(ioapic_read(0x30) & (1u << 14));
}

TEST_F(ApicOnBus, Ipis) {
    enable(0);
    enable(1);
    set_reg(0, 0x310, 1u << 24);
    set_reg(0, 0x300, 0x4061);  // fixed 0x61 to APIC 1
    EXPECT_TRUE(apics[1]->interrupt_pending());
    EXPECT_FALSE(apics[0]->interrupt_pending());
    EXPECT_EQ(apics[1]->acknowledge(), 0x61);
    set_reg(0, 0x300, 0x00044062);  // self
    EXPECT_EQ(apics[0]->acknowledge(), 0x62);
    // INIT and SIPI to all but self: the AP's core gets them.
    set_reg(0, 0x300, 0x000C4500);
    EXPECT_TRUE(machines[1]->cpu().pending_init.load());
    EXPECT_FALSE(machines[0]->cpu().pending_init.load());
    EXPECT_EQ(reg(1, 0xF0), 0xFFu);  // the AP's APIC is back in its reset state
    set_reg(0, 0x300, 0x000C4610);
    EXPECT_EQ(machines[1]->cpu().pending_sipi.load(), 0x10);
}

TEST_F(ApicOnBus, LowestPriorityFollowsTpr) {
    for (unsigned cpu = 0; cpu < 2; ++cpu) {
        enable(cpu);
        set_reg(cpu, 0xD0, (1u << cpu) << 24);  // flat logical ids 1 and 2
    }
    set_reg(0, 0x80, 0x40);
    ic->send_msi(0xFEE03004, 0x0171);  // lowest priority to logical 3: APIC 1 (TPR 0)
    EXPECT_FALSE(apics[0]->interrupt_pending());
    EXPECT_TRUE(apics[1]->interrupt_pending());
    EXPECT_EQ(apics[1]->acknowledge(), 0x71);
}

}  // namespace
}  // namespace emu_test
