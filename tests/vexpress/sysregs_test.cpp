// The Versatile Express system registers: identification, the boot monitor's flags, the 24 MHz
// counter, the MMC switches, and the configuration bus Linux's vexpress drivers use.
#include "vexpress_bench.h"

namespace {

constexpr emu::Addr kBase = 0x1c010000;
constexpr emu::Addr SYS_ID = 0x00, SYS_LED = 0x08, SYS_LOCK = 0x20, SYS_100HZ = 0x24, SYS_FLAGS = 0x30,
                    SYS_FLAGSCLR = 0x34, SYS_NVFLAGS = 0x38, SYS_NVFLAGSCLR = 0x3c, SYS_MCI = 0x48,
                    SYS_24MHZ = 0x5c, SYS_MISC = 0x60, SYS_PROCID0 = 0x84, SYS_PROCID1 = 0x88,
                    SYS_CFGDATA = 0xa0, SYS_CFGCTRL = 0xa4, SYS_CFGSTAT = 0xa8;
constexpr std::uint32_t START = 1u << 31, WRITE = 1u << 30, COMPLETE = 1, ERROR = 2;
// Functions.
constexpr std::uint32_t OSC = 1, VOLT = 2, TEMP = 4, RESET = 5, SHUTDOWN = 8, REBOOT = 9;

std::uint32_t command(std::uint32_t function, std::uint32_t site, std::uint32_t device) {
    return START | (function << 20) | (site << 16) | device;
}

class SysRegsTest : public vexpress_test::VexpressBench {
protected:
    void SetUp() override { sysregs = &place("vexpress-sysregs", "sysregs", kBase); }
    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }

    // One transfer as Linux's vexpress-config does it; returns SYS_CFGSTAT.
    std::uint32_t transfer(std::uint32_t ctrl, std::uint32_t& data) {
        EXPECT_EQ(reg(SYS_CFGCTRL) & START, 0u);
        reg(SYS_CFGSTAT, 0);
        if (ctrl & WRITE) reg(SYS_CFGDATA, data);
        reg(SYS_CFGCTRL, ctrl);
        const std::uint32_t status = reg(SYS_CFGSTAT);
        if (!(ctrl & WRITE)) data = reg(SYS_CFGDATA);
        return status;
    }
    std::uint32_t read_function(std::uint32_t function, std::uint32_t site, std::uint32_t device) {
        std::uint32_t data = 0xdeadbeef;
        EXPECT_EQ(transfer(command(function, site, device), data), COMPLETE);
        return data;
    }

    emu::Device* sysregs = nullptr;
};

TEST_F(SysRegsTest, IdentifiesTheBoardAndTheA15Tile) {
    EXPECT_EQ(reg(SYS_ID), 0x1190f500u);
    EXPECT_EQ(reg(SYS_PROCID0), 0x14000237u);
    EXPECT_EQ(reg(SYS_PROCID1), 0xff000000u);
    EXPECT_EQ(reg(SYS_MISC), 0u);  // master site is site 1
    reg(SYS_ID, 0);
    EXPECT_EQ(reg(SYS_ID), 0x1190f500u);
}

TEST_F(SysRegsTest, FlagsAreTheBootMonitorsMailbox) {
    EXPECT_EQ(reg(SYS_FLAGS), 0u);
    // Linux's vexpress_flags_set: clear all, then set the secondary entry point.
    reg(SYS_FLAGSCLR, 0xffffffff);
    reg(SYS_FLAGS, 0x80108000);
    EXPECT_EQ(reg(SYS_FLAGS), 0x80108000u);
    reg(SYS_FLAGS, 0x1);
    EXPECT_EQ(reg(SYS_FLAGS), 0x80108001u);
    reg(SYS_FLAGSCLR, 0x80000000);
    EXPECT_EQ(reg(SYS_FLAGS), 0x00108001u);
    reg(SYS_NVFLAGS, 0x55);
    sysregs->reset();
    EXPECT_EQ(reg(SYS_FLAGS), 0u);       // cleared by a reset
    EXPECT_EQ(reg(SYS_NVFLAGS), 0x55u);  // non-volatile
    reg(SYS_NVFLAGSCLR, 0x5);
    EXPECT_EQ(reg(SYS_NVFLAGS), 0x50u);
}

TEST_F(SysRegsTest, CountersFollowTheVirtualClock) {
    const std::uint32_t start24 = reg(SYS_24MHZ), start100 = reg(SYS_100HZ);
    step(1'000'000'000);
    EXPECT_EQ(reg(SYS_24MHZ) - start24, 24'000'000u);
    EXPECT_EQ(reg(SYS_100HZ) - start100, 100u);
}

TEST_F(SysRegsTest, LedsLockAndMci) {
    reg(SYS_LED, 0x1ff);
    EXPECT_EQ(reg(SYS_LED), 0xffu);
    EXPECT_EQ(reg(SYS_LOCK) & 0x10000, 0x10000u);
    reg(SYS_LOCK, 0xa05f);
    EXPECT_EQ(reg(SYS_LOCK), 0xa05fu);
    EXPECT_EQ(reg(SYS_MCI), 0u);  // no card
    sysregs->gpio_in("mci", 0).set(true);
    EXPECT_EQ(reg(SYS_MCI), 1u);
    sysregs->gpio_in("mci", 1).set(true);
    EXPECT_EQ(reg(SYS_MCI), 3u);
}

TEST_F(SysRegsTest, ConfigBusReadsOscillatorsVoltagesAndTemperature) {
    EXPECT_EQ(read_function(OSC, 0, 2), 24'000'000u);   // motherboard OSC2: UART clock
    EXPECT_EQ(read_function(OSC, 1, 6), 50'000'000u);   // tile OSCCLK6: the APB clock
    EXPECT_EQ(read_function(OSC, 1, 0), 60'000'000u);
    EXPECT_EQ(read_function(VOLT, 1, 0), 900'000u);
    EXPECT_EQ(read_function(VOLT, 0, 0), 3'300'000u);
    EXPECT_EQ(read_function(TEMP, 0, 0), 40'000u);
    EXPECT_EQ(reg(SYS_CFGCTRL) & START, 0u);  // the transfer is over
}

TEST_F(SysRegsTest, ConfigBusWritesOscillators) {
    std::uint32_t data = 65'000'000;
    EXPECT_EQ(transfer(command(OSC, 0, 1) | WRITE, data), COMPLETE);
    EXPECT_EQ(read_function(OSC, 0, 1), 65'000'000u);
    sysregs->reset();
    EXPECT_EQ(read_function(OSC, 0, 1), 23'750'000u);
}

TEST_F(SysRegsTest, ConfigBusErrors) {
    std::uint32_t data = 0;
    EXPECT_EQ(transfer(command(OSC, 0, 6), data), COMPLETE | ERROR);   // no OSC6 on the motherboard
    EXPECT_EQ(transfer(command(OSC, 2, 0), data), COMPLETE | ERROR);   // no tile in site 2
    EXPECT_EQ(transfer(command(VOLT, 1, 9), data), COMPLETE | ERROR);
    EXPECT_EQ(transfer(command(63, 0, 0), data), COMPLETE | ERROR);
    EXPECT_EQ(transfer(command(SHUTDOWN, 1, 0) | WRITE, data), COMPLETE | ERROR);  // the MCC's, not the tile's
    reg(SYS_CFGCTRL, command(OSC, 0, 0) & ~START);  // no START: nothing happens
    EXPECT_EQ(reg(SYS_CFGSTAT), COMPLETE | ERROR);
}

TEST_F(SysRegsTest, ShutdownEndsEmuWithStatusZero) {
    std::uint32_t data = 0;
    EXPECT_EQ(transfer(command(SHUTDOWN, 0, 0) | WRITE, data), COMPLETE);
    while (loop.iterate(false)) {
    }
    ASSERT_TRUE(machine->shutdown_status().has_value());
    EXPECT_EQ(*machine->shutdown_status(), 0);
}

TEST_F(SysRegsTest, RebootAndResetAskForABoardReset) {
    // The "none" machine of the bench attached with no_reboot: a reset request ends it with 0.
    machine->attach(loop, emu::MachineConfig{.no_reboot = true});
    std::uint32_t data = 0;
    EXPECT_EQ(transfer(command(REBOOT, 0, 0) | WRITE, data), COMPLETE);
    while (loop.iterate(false)) {
    }
    ASSERT_TRUE(machine->shutdown_status().has_value());
    EXPECT_EQ(*machine->shutdown_status(), 0);
    EXPECT_EQ(transfer(command(RESET, 0, 0) | WRITE, data), COMPLETE);
}

TEST_F(SysRegsTest, BadOscillatorListIsARealizeError) {
    emu::Device& other = create("vexpress-sysregs", "other");
    other.set_property("db-osc", "60000000,,5");
    EXPECT_THROW(other.realize(), emu::Error);
}

}  // namespace
