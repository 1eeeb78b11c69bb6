// x86-irqchip's I/O APIC, MSI window and APIC bus routing, with fake local APICs.
#include "irq_bench.h"

namespace emu_test {
namespace {

using D = emu::X86ApicMessage::Delivery;
using S = emu::X86ApicMessage::Shorthand;

class IoApicTest : public IrqChipBench {
protected:
    IoApicTest() {
        bus->attach(cpu0);
        bus->attach(cpu1);
    }
    FakeApic cpu0{0}, cpu1{1};
};

constexpr std::uint64_t kMasked = 1u << 16, kLevel = 1u << 15, kRemoteIrr = 1u << 14, kLogical = 1u << 11;

TEST_F(IoApicTest, IdVersionAndResetEntries) {
    EXPECT_EQ(ioapic_read(0x01), 0x00170020u);
    EXPECT_EQ(ioapic_read(0x10), 0x00010000u);
    EXPECT_EQ(ioapic_read(0x10 + 2 * 23), 0x00010000u);
    ioapic_write(0x00, 0x02000000);
    EXPECT_EQ(ioapic_read(0x00), 0x02000000u);
    redirect(5, 0x01000000'0000A935ull);
    EXPECT_EQ(ioapic_read(0x1A), 0x0000A935u);
    EXPECT_EQ(ioapic_read(0x1B), 0x01000000u);
}

TEST_F(IoApicTest, EdgeEntriesDeliverOnRisingEdges) {
    redirect(4, 0x01000000'00000034ull);  // fixed, physical, to APIC 1
    ic->gsi(4).pulse();
    EXPECT_TRUE(cpu0.received.empty());
    ASSERT_EQ(cpu1.received.size(), 1u);
    EXPECT_EQ(cpu1.received[0].vector, 0x34);
    EXPECT_EQ(cpu1.received[0].delivery, D::Fixed);
    EXPECT_FALSE(cpu1.received[0].level_triggered);
    ic->gsi(4).raise();
    ic->gsi(4).raise();  // no new edge
    EXPECT_EQ(cpu1.received.size(), 2u);
    // An edge while masked waits for the unmask.
    ic->gsi(4).lower();
    redirect(4, 0x01000000'00000034ull | kMasked);
    ic->gsi(4).pulse();
    EXPECT_EQ(cpu1.received.size(), 2u);
    redirect(4, 0x01000000'00000034ull);
    EXPECT_EQ(cpu1.received.size(), 3u);
}

TEST_F(IoApicTest, LevelEntriesUseRemoteIrr) {
    redirect(16, 0x00000000'00000050ull | kLevel);
    const emu::IrqLine line = ic->gsi(16);
    line.raise();
    ASSERT_EQ(cpu0.received.size(), 1u);
    EXPECT_TRUE(cpu0.received[0].level_triggered);
    EXPECT_TRUE(ioapic_read(0x10 + 32) & kRemoteIrr);
    line.raise();
    line.lower();
    line.raise();
    EXPECT_EQ(cpu0.received.size(), 1u);  // Remote IRR holds it
    bus->end_of_interrupt(0x50);          // still asserted: again
    EXPECT_EQ(cpu0.received.size(), 2u);
    line.lower();
    bus->end_of_interrupt(0x50);
    EXPECT_EQ(cpu0.received.size(), 2u);
    EXPECT_FALSE(ioapic_read(0x10 + 32) & kRemoteIrr);
    // The EOI register (version 0x20) does the same.
    line.raise();
    EXPECT_EQ(cpu0.received.size(), 3u);
    writel(0xFEC00040, 0x50);
    EXPECT_EQ(cpu0.received.size(), 4u);
    // Another vector's EOI leaves it alone.
    bus->end_of_interrupt(0x51);
    EXPECT_EQ(cpu0.received.size(), 4u);
}

TEST_F(IoApicTest, MaskedLevelEntryDeliversWhenUnmasked) {
    redirect(9, 0x39 | kLevel | kMasked);
    ic->gsi(9).raise();
    EXPECT_TRUE(cpu0.received.empty());
    redirect(9, 0x39 | kLevel);
    EXPECT_EQ(cpu0.received.size(), 1u);
}

TEST_F(IoApicTest, IsaIrq0IsPin2) {
    redirect(2, 0x30);
    redirect(0, 0x31);
    ic->gsi(0).pulse();
    ASSERT_EQ(cpu0.received.size(), 1u);
    EXPECT_EQ(cpu0.received[0].vector, 0x30);
}

TEST_F(IoApicTest, GsiOutOfRangeThrows) {
    EXPECT_EQ(ic->gsi_count(), 24u);
    EXPECT_THROW(ic->gsi(24), emu::Error);
}

TEST_F(IoApicTest, MsiDecode) {
    ic->send_msi(0xFEE01000, 0x4041);  // physical APIC 1, fixed, vector 0x41, edge
    ASSERT_EQ(cpu1.received.size(), 1u);
    EXPECT_EQ(cpu1.received[0].vector, 0x41);
    EXPECT_EQ(cpu1.received[0].delivery, D::Fixed);
    EXPECT_FALSE(cpu1.received[0].logical);
    EXPECT_TRUE(cpu0.received.empty());
    // Through the window: logical destination 2 (cpu1's LDR), NMI.
    cpu1.ldr = 0x02;
    writel(0xFEE02004, 0x0400);
    ASSERT_EQ(cpu1.received.size(), 2u);
    EXPECT_TRUE(cpu1.received[1].logical);
    EXPECT_EQ(cpu1.received[1].delivery, D::Nmi);
    EXPECT_EQ(readl(0xFEE00000), 0u);
    // Level-triggered, asserted.
    ic->send_msi(0xFEE00000, 0xC000 | 0x60);
    ASSERT_EQ(cpu0.received.size(), 1u);
    EXPECT_TRUE(cpu0.received[0].level_triggered);
    EXPECT_TRUE(cpu0.received[0].assert_level);
    // Not an MSI address: ignored.
    ic->send_msi(0xFED00000, 0x41);
    EXPECT_EQ(cpu0.received.size() + cpu1.received.size(), 3u);
}

TEST_F(IoApicTest, IpiShorthands) {
    emu::X86ApicMessage m;
    m.vector = 0x40;
    m.source_apic = 0;
    m.shorthand = S::Self;
    bus->send(m);
    EXPECT_EQ(cpu0.received.size(), 1u);
    EXPECT_EQ(cpu1.received.size(), 0u);
    m.shorthand = S::AllExcludingSelf;
    bus->send(m);
    EXPECT_EQ(cpu0.received.size(), 1u);
    EXPECT_EQ(cpu1.received.size(), 1u);
    m.shorthand = S::AllIncludingSelf;
    bus->send(m);
    EXPECT_EQ(cpu0.received.size(), 2u);
    EXPECT_EQ(cpu1.received.size(), 2u);
    m.shorthand = S::None;
    m.destination = 0xFF;  // physical broadcast
    bus->send(m);
    EXPECT_EQ(cpu0.received.size(), 3u);
    EXPECT_EQ(cpu1.received.size(), 3u);
    m.destination = 1;
    bus->send(m);
    EXPECT_EQ(cpu0.received.size(), 3u);
    EXPECT_EQ(cpu1.received.size(), 4u);
}

TEST_F(IoApicTest, LowestPriorityPicksOne) {
    cpu0.ldr = 0x01;
    cpu1.ldr = 0x02;
    cpu0.priority = 0x40;
    cpu1.priority = 0x10;
    redirect(11, 0x03000000'00000000ull | 0x0100 | kLogical | 0x3B);  // lowest priority to both
    ic->gsi(11).pulse();
    EXPECT_EQ(cpu0.received.size(), 0u);
    ASSERT_EQ(cpu1.received.size(), 1u);
    EXPECT_EQ(cpu1.received[0].delivery, D::LowestPriority);
    cpu0.priority = 0x00;
    ic->gsi(11).pulse();
    EXPECT_EQ(cpu0.received.size(), 1u);
    EXPECT_EQ(cpu1.received.size(), 1u);
    // Equal priorities: they take turns.
    cpu1.priority = 0x00;
    for (int i = 0; i < 4; ++i) ic->gsi(11).pulse();
    EXPECT_EQ(cpu0.received.size(), 3u);
    EXPECT_EQ(cpu1.received.size(), 3u);
}

TEST_F(IoApicTest, ExtIntReachesThePicThroughTheBus) {
    init_pics();
    ic->gsi(1).pulse();
    EXPECT_TRUE(cpu0.lint[0]);
    EXPECT_EQ(bus->pic_acknowledge(), 0x09);
}

}  // namespace
}  // namespace emu_test
