// x86-irqchip's 8259 pair: the BIOS initialization sequence, delivery through INTR (the APICs'
// LINT0) and the interrupt acknowledge, EOI, priorities and rotation, the cascade, spurious
// IRQ 7, the ELCR's level mode, auto-EOI, poll mode.
#include "irq_bench.h"

namespace emu_test {
namespace {

class PicTest : public IrqChipBench {
protected:
    PicTest() { bus->attach(apic); }
    FakeApic apic{0};
};

TEST_F(PicTest, DeliversAndEnds) {
    init_pics();
    EXPECT_FALSE(apic.lint[0]);
    ic->gsi(1).pulse();  // the keyboard, edge
    EXPECT_TRUE(apic.lint[0]);
    out(0x20, 0x0A);     // OCW3: read IRR
    EXPECT_EQ(in(0x20), 0x02u);
    EXPECT_EQ(bus->pic_acknowledge(), 0x09);
    EXPECT_FALSE(apic.lint[0]);
    EXPECT_EQ(in(0x20), 0x00u);
    out(0x20, 0x0B);     // OCW3: read ISR
    EXPECT_EQ(in(0x20), 0x02u);
    out(0x20, 0x20);     // non-specific EOI
    EXPECT_EQ(in(0x20), 0x00u);
    EXPECT_EQ(in(0x21), 0x00u);  // IMR
}

TEST_F(PicTest, MaskedRequestsWait) {
    init_pics();
    out(0x21, 0x02);
    ic->gsi(1).pulse();
    EXPECT_FALSE(apic.lint[0]);
    out(0x21, 0x00);
    EXPECT_TRUE(apic.lint[0]);
    EXPECT_EQ(bus->pic_acknowledge(), 0x09);
}

TEST_F(PicTest, PrioritiesAndNesting) {
    init_pics();
    ic->gsi(3).pulse();
    ic->gsi(1).pulse();
    EXPECT_EQ(bus->pic_acknowledge(), 0x09);  // IRQ 1 before IRQ 3
    EXPECT_FALSE(apic.lint[0]);               // IRQ 3 waits behind IRQ 1 in service
    ic->gsi(0).pulse();
    EXPECT_TRUE(apic.lint[0]);                // IRQ 0 preempts
    EXPECT_EQ(bus->pic_acknowledge(), 0x08);
    out(0x20, 0x20);                          // ends IRQ 0 (the highest in service)
    EXPECT_FALSE(apic.lint[0]);
    out(0x20, 0x20);                          // ends IRQ 1
    EXPECT_TRUE(apic.lint[0]);
    EXPECT_EQ(bus->pic_acknowledge(), 0x0B);
    out(0x20, 0x63);                          // specific EOI of IRQ 3
    out(0x20, 0x0B);
    EXPECT_EQ(in(0x20), 0x00u);
}

TEST_F(PicTest, RotationMakesTheServicedIrqLowest) {
    init_pics();
    out(0x20, 0xC4);  // set priority: IRQ 4 lowest, so 5 is highest
    ic->gsi(3).pulse();
    ic->gsi(6).pulse();
    EXPECT_EQ(bus->pic_acknowledge(), 0x0E);  // IRQ 6 before 3
    out(0x20, 0xA0);                          // rotate on non-specific EOI: 6 lowest
    EXPECT_EQ(bus->pic_acknowledge(), 0x0B);
    out(0x20, 0x20);
}

TEST_F(PicTest, CascadeThroughIrq2) {
    init_pics();
    ic->gsi(12).pulse();  // the PS/2 mouse
    EXPECT_TRUE(apic.lint[0]);
    EXPECT_EQ(bus->pic_acknowledge(), 0x74);
    out(0x20, 0x0B);
    out(0xA0, 0x0B);
    EXPECT_EQ(in(0x20), 0x04u);
    EXPECT_EQ(in(0xA0), 0x10u);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    EXPECT_EQ(in(0x20), 0x00u);
    EXPECT_EQ(in(0xA0), 0x00u);
    // The slave's mask stops it; GSI 2 is not the cascade input.
    out(0xA1, 0x10);
    ic->gsi(12).pulse();
    ic->gsi(2).pulse();
    EXPECT_FALSE(apic.lint[0]);
}

TEST_F(PicTest, SpuriousIrq7WhenNothingIsPending) {
    init_pics();
    EXPECT_EQ(bus->pic_acknowledge(), 0x0F);
    out(0x20, 0x0B);
    EXPECT_EQ(in(0x20), 0x00u);  // a spurious IRQ is not in service
}

TEST_F(PicTest, ElcrLevelInputs) {
    init_pics();
    out(0x4D1, 0x04);  // IRQ 10 level-triggered
    EXPECT_EQ(in(0x4D1), 0x04u);
    out(0x4D0, 0xFF);  // IRQ 0-2 cannot be level
    EXPECT_EQ(in(0x4D0), 0xF8u);
    const emu::IrqLine line = ic->gsi(10);
    line.raise();
    EXPECT_TRUE(apic.lint[0]);
    EXPECT_EQ(bus->pic_acknowledge(), 0x72);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    EXPECT_TRUE(apic.lint[0]);  // still asserted: requested again
    EXPECT_EQ(bus->pic_acknowledge(), 0x72);
    line.lower();
    out(0xA0, 0x20);
    out(0x20, 0x20);
    EXPECT_FALSE(apic.lint[0]);
    // A level input that drops before the acknowledge is no request any more: on the master
    // INTR falls; on the slave the master has latched the cascade edge, and the acknowledge
    // finds nothing on the slave: spurious IRQ 15.
    out(0x4D0, 0x20);  // IRQ 5 level
    ic->gsi(5).raise();
    EXPECT_TRUE(apic.lint[0]);
    ic->gsi(5).lower();
    EXPECT_FALSE(apic.lint[0]);
    line.raise();
    line.lower();
    EXPECT_TRUE(apic.lint[0]);
    EXPECT_EQ(bus->pic_acknowledge(), 0x77);
    out(0x20, 0x20);
    EXPECT_FALSE(apic.lint[0]);
    // An edge input keeps its latched request.
    ic->gsi(11).pulse();
    EXPECT_TRUE(apic.lint[0]);
}

TEST_F(PicTest, AutoEoi) {
    init_pics(0x03);
    ic->gsi(4).pulse();
    EXPECT_EQ(bus->pic_acknowledge(), 0x0C);
    out(0x20, 0x0B);
    EXPECT_EQ(in(0x20), 0x00u);
    ic->gsi(4).pulse();
    EXPECT_TRUE(apic.lint[0]);  // nothing in service blocks it
}

TEST_F(PicTest, PollMode) {
    init_pics();
    ic->gsi(5).pulse();
    out(0x20, 0x0C);  // OCW3: poll
    EXPECT_EQ(in(0x20), 0x85u);
    out(0x20, 0x0B);
    EXPECT_EQ(in(0x20), 0x20u);  // the poll acknowledged it
    out(0x20, 0x20);
    out(0x20, 0x0C);
    EXPECT_EQ(in(0x20), 0x00u);
}

TEST_F(PicTest, ReinitializationClearsState) {
    init_pics();
    out(0x21, 0xFF);
    ic->gsi(3).pulse();
    init_pics();
    EXPECT_EQ(in(0x21), 0x00u);
    out(0x20, 0x0A);
    EXPECT_EQ(in(0x20), 0x00u);  // the edge latch is gone
    // A board reset lowers INTR and forgets everything, ELCR included.
    out(0x4D1, 0x04);
    ic->gsi(1).pulse();
    EXPECT_TRUE(apic.lint[0]);
    chip->reset();
    EXPECT_FALSE(apic.lint[0]);
    EXPECT_EQ(in(0x4D1), 0x00u);
}

TEST_F(PicTest, IntrReachesEveryAttachedApic) {
    FakeApic second{1};
    bus->attach(second);
    init_pics();
    ic->gsi(1).pulse();
    EXPECT_TRUE(apic.lint[0]);
    EXPECT_TRUE(second.lint[0]);
    // An APIC attached later learns the current level.
    FakeApic third{2};
    bus->attach(third);
    EXPECT_TRUE(third.lint[0]);
}

}  // namespace
}  // namespace emu_test
