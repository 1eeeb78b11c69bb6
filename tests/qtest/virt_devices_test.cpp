// Devices of the ARM virt board driven through qtest: the board builds as for a guest (its
// cortex-a15 goes to the accelerator, which never runs it) and the test is the only driver.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "qtest_client.h"

namespace emu::test {
namespace {

// virt's memory map (machines/virt/virt_map.h, QEMU's).
constexpr std::uint64_t kGicDistributor = 0x08000000;
constexpr std::uint64_t kUart = 0x09000000;
constexpr std::uint64_t kRtc = 0x09010000;
constexpr std::uint64_t kVirtioMmio = 0x0a000000;  // 32 transports, 0x200 apart
constexpr std::uint64_t kPcieMmio = 0x10000000;
constexpr std::uint64_t kPcieEcam = 0x3f000000;

std::uint64_t ecam(unsigned device, unsigned function, unsigned offset) {
    return kPcieEcam + (device << 15) + (function << 12) + offset;
}

// User plus system CPU time of a process, in clock ticks.
long cpu_ticks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(in, text);
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
}

TEST(QtestVirt, CpusAreKeptButNeverRun) {
    // Without qtest, virt with no -kernel would refuse to start; its CPU would spin at the
    // reset vector. Under qtest emu sits idle.
    QtestClient qt({"-M", "virt", "-smp", "2"});
    EXPECT_EQ(qt.command("endianness"), "OK little");
    const long before = cpu_ticks(qt.pid());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long used = cpu_ticks(qt.pid()) - before;
    EXPECT_LT(used, ::sysconf(_SC_CLK_TCK) / 10) << "emu used CPU time while idle: a vCPU runs?";
    // Its RAM is untouched: nothing executed.
    EXPECT_EQ(qt.readq(0x40000000), 0u);
}

TEST(QtestVirt, Pl011AndPl031Identify) {
    QtestClient qt({"-M", "virt"});
    // PrimeCell ids at 0xfe0..0xffc: part number 0x011/0x031, designer ARM, PCellID b105f00d.
    EXPECT_EQ(qt.readl(kUart + 0xfe0), 0x11u);
    EXPECT_EQ(qt.readl(kUart + 0xfe4), 0x10u);
    EXPECT_EQ(qt.readl(kRtc + 0xfe0), 0x31u);
    EXPECT_EQ(qt.readl(kRtc + 0xfe4), 0x10u);
    for (std::uint64_t base : {kUart, kRtc}) {
        EXPECT_EQ(qt.readl(base + 0xff0), 0x0du);
        EXPECT_EQ(qt.readl(base + 0xff4), 0xf0u);
        EXPECT_EQ(qt.readl(base + 0xff8), 0x05u);
        EXPECT_EQ(qt.readl(base + 0xffc), 0xb1u);
    }
    // The UART's control register keeps what is written.
    qt.writel(kUart + 0x30, 0x301);
    EXPECT_EQ(qt.readl(kUart + 0x30), 0x301u);
}

TEST(QtestVirt, Pl031CountsOnlyWithTheVirtualClock) {
    QtestClient qt({"-M", "virt"});
    const std::uint32_t start = qt.readl(kRtc + 0x00);  // DR
    EXPECT_GT(start, 1'600'000'000u);                   // seconds since the epoch
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(qt.readl(kRtc + 0x00), start);
    qt.clock_step(3'000'000'000);
    EXPECT_EQ(qt.readl(kRtc + 0x00), start + 3);
}

TEST(QtestVirt, Pl031AlarmRaisesItsInterrupt) {
    QtestClient qt({"-M", "virt"});
    qt.irq_intercept_out("/machine/rtc");
    const std::uint32_t now = qt.readl(kRtc + 0x00);
    qt.writel(kRtc + 0x04, now + 2);  // MR
    qt.writel(kRtc + 0x10, 1);        // IMSC: the alarm interrupt on
    qt.clock_step(1'000'000'000);
    EXPECT_FALSE(qt.irq_level(0));
    EXPECT_EQ(qt.readl(kRtc + 0x14), 0u);  // RIS
    // To the next timer deadline: the alarm.
    qt.clock_step_next();
    EXPECT_TRUE(qt.wait_irq(0, true));
    EXPECT_EQ(qt.readl(kRtc + 0x18), 1u);  // MIS
    qt.writel(kRtc + 0x1c, 1);             // ICR
    EXPECT_TRUE(qt.wait_irq(0, false));
    EXPECT_EQ(qt.irq_raises(0), 1u);
}

TEST(QtestVirt, GicInputsCanBeDriven) {
    QtestClient qt({"-M", "virt"});
    // SPI 1 (the UART's) is interrupt 33: bit 1 of GICD_ISPENDR1 while its line is high.
    EXPECT_EQ(qt.readl(kGicDistributor + 0x204), 0u);
    qt.set_irq_in("/machine/gic", "unnamed-gpio-in", 1, 1);
    EXPECT_EQ(qt.readl(kGicDistributor + 0x204), 0x2u);
    qt.set_irq_in("gic", "unnamed-gpio-in", 1, 0);
    EXPECT_EQ(qt.readl(kGicDistributor + 0x204), 0u);
}

TEST(QtestVirt, VirtioMmioTransports) {
    QtestClient qt({"-M", "virt", "-device", "virtio-net-device", "-nic", "none"});
    // Every transport: magic "virt", legacy version 1, vendor "QEMU"; empty ones device id 0.
    for (unsigned i : {0u, 5u, 31u}) {
        const std::uint64_t base = kVirtioMmio + i * 0x200;
        EXPECT_EQ(qt.readl(base + 0x000), 0x74726976u) << i;
        EXPECT_EQ(qt.readl(base + 0x004), 1u) << i;
        EXPECT_EQ(qt.readl(base + 0x00c), 0x554d4551u) << i;
    }
    EXPECT_EQ(qt.readl(kVirtioMmio + 0x008), 0u);
    // The device takes the last free transport, as in QEMU: a network card is device id 1.
    EXPECT_EQ(qt.readl(kVirtioMmio + 31 * 0x200 + 0x008), 1u);
}

TEST(QtestVirt, E1000BehindTheEcam) {
    QtestClient qt({"-M", "virt", "-device", "e1000,mac=52:54:00:12:34:56", "-nic", "none"});
    // 00:00.0 is the host bridge (Red Hat 1b36:0008), the card is 00:01.0 (Intel 8086:100e).
    EXPECT_EQ(qt.readl(ecam(0, 0, 0x00)), 0x00081b36u);
    EXPECT_EQ(qt.readl(ecam(1, 0, 0x00)), 0x100e8086u);
    EXPECT_EQ(qt.readl(ecam(1, 0, 0x08)) >> 8, 0x020000u);  // class: Ethernet controller
    EXPECT_EQ(qt.readl(ecam(2, 0, 0x00)), 0xffffffffu);     // empty slot
    // BAR0 (128 KiB of registers) into the MMIO window, memory decoding on.
    qt.writel(ecam(1, 0, 0x10), 0xffffffff);
    EXPECT_EQ(qt.readl(ecam(1, 0, 0x10)) & 0xfffffff0u, 0xfffe0000u);
    qt.writel(ecam(1, 0, 0x10), static_cast<std::uint32_t>(kPcieMmio));
    qt.writew(ecam(1, 0, 0x04), 0x0006);  // memory space, bus master
    // The receive address the EEPROM loaded: RAL0/RAH0 (address valid).
    EXPECT_EQ(qt.readl(kPcieMmio + 0x5400), 0x12005452u);
    EXPECT_EQ(qt.readl(kPcieMmio + 0x5404), 0x80005634u);
    // STATUS: link up, full duplex.
    EXPECT_EQ(qt.readl(kPcieMmio + 0x0008) & 0x3u, 0x3u);
}

}  // namespace
}  // namespace emu::test
