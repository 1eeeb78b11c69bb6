// The qtest accelerator as the pc board's interrupt controller and I/O-port master: GSI lines
// the test sees and drives, the MSI window, and port I/O through the board's I/O space.
#include <gtest/gtest.h>

#include "qtest_client.h"

namespace emu::test {
namespace {

class PcQtest : public ::testing::Test {
protected:
    QtestClient qt{{"-M", "pc"}};
};

TEST_F(PcQtest, PortIoReachesTheChipset) {
    // Configuration mechanism #1: 00:00.0 is the i440FX (8086:1237), 00:01.0 the PIIX3 (8086:7000).
    qt.outl(0xcf8, 0x80000000);
    EXPECT_EQ(qt.inl(0xcf8), 0x80000000u);
    EXPECT_EQ(qt.inl(0xcfc), 0x12378086u);
    qt.outl(0xcf8, 0x80000800);
    EXPECT_EQ(qt.inw(0xcfc), 0x8086u);
    EXPECT_EQ(qt.inw(0xcfe), 0x7000u);
    // A port nothing answers reads as all ones, at every width.
    EXPECT_EQ(qt.command("inb 0xe0"), "OK 0x00ff");
    EXPECT_EQ(qt.command("inw 0xe0"), "OK 0xffff");
    EXPECT_EQ(qt.command("inl 0xe0"), "OK 0xffffffff");
    EXPECT_EQ(qt.command("outb 0xe0 0x12"), "OK");
}

TEST_F(PcQtest, GsiLevelsAreReportedOnceIntercepted) {
    // Before the intercept, changes are only recorded; a line already high is reported at once.
    qt.set_irq_in("ioapic", "unnamed-gpio-in", 10, 1);
    qt.irq_intercept_in("ioapic");
    EXPECT_TRUE(qt.wait_irq(10, true));
    qt.set_irq_in("/machine/ioapic", "unnamed-gpio-in", 10, 0);
    EXPECT_TRUE(qt.wait_irq(10, false));
    qt.set_irq_in("ioapic", "unnamed-gpio-in", 23, 1);
    EXPECT_TRUE(qt.wait_irq(23, true));
    // The same level again is no change: no second report.
    qt.set_irq_in("ioapic", "unnamed-gpio-in", 23, 1);
    EXPECT_EQ(qt.irq_raises(23), 1u);
    EXPECT_EQ(qt.command("set_irq_in ioapic unnamed-gpio-in 24 1").rfind("FAIL GSI 24 does not exist", 0), 0u);
    EXPECT_EQ(qt.command("irq_intercept_in ioapic"), "FAIL IRQ intercept already enabled (ioapic)");
}

TEST_F(PcQtest, MsiWritesAreRecorded) {
    qt.writel(0xfee01000, 0x4041);
    qt.writel(0xfee00000, 0x30);
    EXPECT_EQ(qt.command("msi_take"), "OK 0xfee01000 0x4041");
    EXPECT_EQ(qt.command("msi_take"), "OK 0xfee00000 0x30");
    EXPECT_EQ(qt.command("msi_take"), "OK none");
    EXPECT_EQ(qt.readl(0xfee00000), 0u);
}

TEST_F(PcQtest, NoCpuRunsTheFirmware) {
    // SeaBIOS is in the ROM at the top of 4 GiB, but nothing executes it: low RAM stays zero.
    EXPECT_NE(qt.readl(0xfffffff0), 0u);
    EXPECT_EQ(qt.memread(0x0, 0x100), std::vector<std::uint8_t>(0x100, 0));
    EXPECT_EQ(qt.memread(0x7000, 0x100), std::vector<std::uint8_t>(0x100, 0));
}

}  // namespace
}  // namespace emu::test
