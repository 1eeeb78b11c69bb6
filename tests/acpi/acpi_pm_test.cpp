// The ACPI PM block through the I/O space a board maps it in, on a hand-driven virtual clock:
// the PM timer and TMR_STS, the SCI, the power button, sleep (S5), GPE0, APM enable/disable,
// ICH9's SMI_EN.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "emu/acpi_pm.h"
#include "emu/error.h"
#include "emu/event_loop.h"
#include "emu/memory.h"

namespace {

using emu::AcpiPm;
using emu::AcpiPmLayout;
using emu::MemResult;

constexpr emu::Addr kPmBase = 0x600, kGpe0Base = 0xafe0, kApmPort = 0xb2;
constexpr emu::ClockNs kSecond = 1'000'000'000;

class AcpiPmTest : public ::testing::Test {
protected:
    void make(emu::AcpiPmConfig config = {}) {
        loop_.virtual_clock().set_manual(true);
        pm_ = std::make_unique<AcpiPm>(
            loop_, config, [this](bool level) { sci_changes_.push_back(level); },
            [this](unsigned slp_typ) { sleeps_.push_back(slp_typ); });
        io_->add_subregion(kPmBase, pm_->region());
        if (pm_->gpe0_region()) io_->add_subregion(kGpe0Base, *pm_->gpe0_region());
        io_->add_subregion(kApmPort, pm_->apm_region());
    }
    ~AcpiPmTest() override {
        if (pm_) {
            io_->remove_subregion(pm_->region());
            if (pm_->gpe0_region()) io_->remove_subregion(*pm_->gpe0_region());
            io_->remove_subregion(pm_->apm_region());
        }
    }

    std::uint64_t in(emu::Addr port, unsigned size) {
        std::uint64_t value = 0;
        EXPECT_EQ(space_.read_value(port, size, value), MemResult::Ok) << std::hex << port;
        return value;
    }
    void out(emu::Addr port, std::uint64_t value, unsigned size) {
        EXPECT_EQ(space_.write_value(port, size, value), MemResult::Ok) << std::hex << port;
    }
    void step(emu::ClockNs ns) { loop_.virtual_clock().step(ns); }
    void enable_acpi() { out(kApmPort, 0xf1, 1); }

    emu::EventLoop loop_;
    std::unique_ptr<emu::MemoryRegion> io_ = emu::MemoryRegion::container("io", 0x10000);
    emu::AddressSpace space_{"io", *io_};
    std::unique_ptr<AcpiPm> pm_;
    std::vector<bool> sci_changes_;
    std::vector<unsigned> sleeps_;
};

TEST_F(AcpiPmTest, TimerCountsAt3579545HzOfVirtualTime) {
    make();
    const auto t0 = static_cast<std::uint32_t>(in(kPmBase + 8, 4));
    step(kSecond / 1000);
    const auto t1 = static_cast<std::uint32_t>(in(kPmBase + 8, 4));
    EXPECT_NEAR(static_cast<double>((t1 - t0) & 0xffffff), 3579.545, 1.0);
    step(kSecond);
    const auto t2 = static_cast<std::uint32_t>(in(kPmBase + 8, 4));
    EXPECT_NEAR(static_cast<double>((t2 - t1) & 0xffffff), 3579545.0, 1.0);
    // 24 bits wide: after 10 s (35.8 M counts) it has wrapped and reads below 2^24.
    step(10 * kSecond);
    EXPECT_LT(in(kPmBase + 8, 4), 1u << 24);
    // Stands still while the clock does; writes are ignored.
    const auto t3 = in(kPmBase + 8, 4);
    out(kPmBase + 8, 0, 4);
    EXPECT_EQ(in(kPmBase + 8, 4), t3);
    EXPECT_EQ(in(kPmBase + 8, 1), t3 & 0xff);
}

TEST_F(AcpiPmTest, TimerStatusAtEachChangeOfBit23) {
    make();
    // 2^23 counts = 2.343 s. Find the next change from wherever the count is.
    const std::uint64_t t = in(kPmBase + 8, 4);
    const std::uint64_t to_overflow = ((t | 0x7fffff) + 1) - t;  // counts
    const auto ns = static_cast<emu::ClockNs>(to_overflow * kSecond / AcpiPm::kTimerHz);
    step(ns - 1000);
    EXPECT_EQ(in(kPmBase, 2) & AcpiPm::kTmrSts, 0u);
    step(2000);
    EXPECT_EQ(in(kPmBase, 2) & AcpiPm::kTmrSts, AcpiPm::kTmrSts);
    out(kPmBase, AcpiPm::kTmrSts, 2);  // write 1 to clear
    EXPECT_EQ(in(kPmBase, 2) & AcpiPm::kTmrSts, 0u);
    step(kSecond);
    EXPECT_EQ(in(kPmBase, 2) & AcpiPm::kTmrSts, 0u);
    step(kSecond * 3 / 2);  // past the next change, 2.34 s after the last
    EXPECT_EQ(in(kPmBase, 2) & AcpiPm::kTmrSts, AcpiPm::kTmrSts);
}

TEST_F(AcpiPmTest, TimerOverflowRaisesTheSciWhenEnabled) {
    make();
    enable_acpi();
    out(kPmBase + 2, AcpiPm::kTmrEn, 2);
    EXPECT_TRUE(sci_changes_.empty());
    step(3 * kSecond);  // the overflow timer fires during the step
    ASSERT_EQ(sci_changes_.size(), 1u);
    EXPECT_TRUE(sci_changes_.back());
    EXPECT_TRUE(pm_->sci_level());
    out(kPmBase, AcpiPm::kTmrSts, 2);
    EXPECT_FALSE(pm_->sci_level());
    EXPECT_FALSE(sci_changes_.back());
    step(3 * kSecond);
    EXPECT_TRUE(pm_->sci_level());
}

TEST_F(AcpiPmTest, PowerButtonRaisesTheSci) {
    make();
    EXPECT_FALSE(pm_->press_power_button());  // nobody listening: status only
    EXPECT_TRUE(in(kPmBase, 2) & AcpiPm::kPwrBtnSts);
    EXPECT_TRUE(sci_changes_.empty());
    out(kPmBase, AcpiPm::kPwrBtnSts, 2);
    EXPECT_FALSE(in(kPmBase, 2) & AcpiPm::kPwrBtnSts);

    enable_acpi();
    EXPECT_EQ(in(kPmBase + 4, 2) & AcpiPm::kSciEn, AcpiPm::kSciEn);
    out(kPmBase + 2, AcpiPm::kPwrBtnEn, 2);
    EXPECT_TRUE(pm_->press_power_button());
    EXPECT_EQ(sci_changes_, std::vector<bool>{true});
    EXPECT_EQ(in(kPmBase, 4) & 0xffff, AcpiPm::kPwrBtnSts);  // 32-bit read: STS and EN
    EXPECT_EQ(in(kPmBase, 4) >> 16, AcpiPm::kPwrBtnEn);
    out(kPmBase + 1, AcpiPm::kPwrBtnSts >> 8, 1);  // a byte write clears it too
    EXPECT_EQ(sci_changes_, (std::vector<bool>{true, false}));
}

TEST_F(AcpiPmTest, SciDoesNotWaitForSciEn) {
    // As QEMU's: an FADT without SMI_CMD leaves SCI_EN to the hardware, which emu has no SMM for.
    make();
    out(kPmBase + 2, AcpiPm::kPwrBtnEn, 2);
    EXPECT_TRUE(pm_->press_power_button());
    EXPECT_TRUE(pm_->sci_level());
}

TEST_F(AcpiPmTest, SleepEnableCallsTheHandlerWithSlpTyp) {
    make();
    out(kPmBase + 4, (0u << AcpiPm::kSlpTypShift) | AcpiPm::kSlpEn, 2);  // S5 as the pc DSDT says
    EXPECT_EQ(sleeps_, std::vector<unsigned>{0});
    EXPECT_EQ(in(kPmBase + 4, 2) & AcpiPm::kSlpEn, 0u);  // write-only
    out(kPmBase + 5, ((5u << AcpiPm::kSlpTypShift) | AcpiPm::kSlpEn) >> 8, 1);
    EXPECT_EQ(sleeps_, (std::vector<unsigned>{0, 5}));
    EXPECT_EQ((in(kPmBase + 4, 2) >> AcpiPm::kSlpTypShift) & 7, 5u);
    out(kPmBase + 4, 3u << AcpiPm::kSlpTypShift, 2);  // SLP_TYP alone: no sleep
    EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(AcpiPmTest, ApmCommandsSwitchAcpiMode) {
    make();
    EXPECT_EQ(pm_->pm1_control() & AcpiPm::kSciEn, 0);
    out(kApmPort, 0xf1, 1);
    EXPECT_EQ(pm_->pm1_control() & AcpiPm::kSciEn, AcpiPm::kSciEn);
    EXPECT_EQ(in(kApmPort, 1), 0xf1u);
    out(kApmPort, 0xf0, 1);
    EXPECT_EQ(pm_->pm1_control() & AcpiPm::kSciEn, 0);
    out(kApmPort + 1, 0x5a, 1);
    EXPECT_EQ(in(kApmPort + 1, 1), 0x5au);
}

TEST_F(AcpiPmTest, Piix4Gpe0IsASeparateBlock) {
    make();
    ASSERT_NE(pm_->gpe0_region(), nullptr);
    enable_acpi();
    pm_->set_gpe_status(1);
    EXPECT_EQ(in(kGpe0Base, 2), 0x02u);
    EXPECT_FALSE(pm_->sci_level());
    out(kGpe0Base + 2, 0x02, 1);  // GPE0_EN
    EXPECT_TRUE(pm_->sci_level());
    EXPECT_EQ(in(kGpe0Base, 4), 0x00020002u);
    out(kGpe0Base, 0x02, 1);      // clear
    EXPECT_FALSE(pm_->sci_level());
    EXPECT_THROW(pm_->set_gpe_status(16), emu::Error);
}

TEST_F(AcpiPmTest, Ich9LayoutHasGpe0AndSmiEnInside) {
    make({.layout = AcpiPmLayout::ich9()});
    EXPECT_EQ(pm_->gpe0_region(), nullptr);
    EXPECT_EQ(pm_->region().size(), 0x80u);
    // APMC_EN preset: SeaBIOS takes SMM as set up already.
    EXPECT_EQ(in(kPmBase + 0x30, 4), AcpiPm::kSmiEnApmc);
    EXPECT_EQ(in(kPmBase + 0x34, 4), 0u);  // SMI_STS
    out(kPmBase + 0x30, 0x21, 4);
    EXPECT_EQ(in(kPmBase + 0x30, 4), 0x21u);
    enable_acpi();
    pm_->set_gpe_status(9);               // GPE0_STS byte 1 at 0x21, GPE0_EN byte 1 at 0x29
    EXPECT_EQ(in(kPmBase + 0x21, 1), 0x02u);
    out(kPmBase + 0x29, 0x02, 1);
    EXPECT_TRUE(pm_->sci_level());
    pm_->reset();
    EXPECT_FALSE(pm_->sci_level());
    EXPECT_EQ(in(kPmBase + 0x20, 4), 0u);
    EXPECT_EQ(in(kPmBase + 0x30, 4), AcpiPm::kSmiEnApmc);
    EXPECT_EQ(in(kPmBase + 0x7c, 4), 0u);  // unused registers
}

TEST_F(AcpiPmTest, AcpiOnlyHardwareStartsWithSciEnabled) {
    make({.sci_enabled_at_reset = true});
    EXPECT_EQ(in(kPmBase + 4, 2), AcpiPm::kSciEn);
    out(kPmBase + 4, 0, 2);
    pm_->reset();
    EXPECT_EQ(in(kPmBase + 4, 2), AcpiPm::kSciEn);
}

TEST_F(AcpiPmTest, ResetClearsEverything) {
    make();
    enable_acpi();
    out(kPmBase + 2, AcpiPm::kPwrBtnEn | AcpiPm::kTmrEn, 2);
    pm_->press_power_button();
    EXPECT_TRUE(pm_->sci_level());
    pm_->reset();
    EXPECT_FALSE(pm_->sci_level());
    EXPECT_EQ(in(kPmBase, 4), 0u);
    EXPECT_EQ(in(kPmBase + 4, 2), 0u);
    step(5 * kSecond);  // the overflow timer was cancelled
    EXPECT_FALSE(pm_->sci_level());
}

TEST(AcpiPmConfig, BadLayoutsAreRefused) {
    emu::EventLoop loop;
    EXPECT_THROW(AcpiPm(loop, {.layout = {.gpe0_length = 3}}, {}, {}), emu::Error);
    EXPECT_THROW(AcpiPm(loop, {.layout = {.size = 8}}, {}, {}), emu::Error);
}

}  // namespace
