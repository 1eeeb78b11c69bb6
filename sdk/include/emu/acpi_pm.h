// The ACPI power-management register block of the PC chipsets (PIIX4's and ICH9's), as a kit a
// board embeds: the fixed-feature registers the FADT points at, the PM timer, GPE0, and the APM
// ports through which the OS switches ACPI mode on.
//
//     // in the board's init() (the machine's loop is attached by then):
//     pm_ = std::make_unique<emu::AcpiPm>(loop(), emu::AcpiPmConfig{.layout = emu::AcpiPmLayout::piix4()},
//         [sci = ic->gsi(9)](bool level) { sci.set(level); },          // the SCI: ISA IRQ 9
//         [this](unsigned slp_typ) { if (slp_typ == 0) request_shutdown(0); });  // \_S5 is 0
//     io->add_subregion(0x600, pm_->region());          // at PMBASE, when the chipset enables it
//     io->add_subregion(0xafe0, *pm_->gpe0_region());   // PIIX4: GPE0 is a block of its own
//     io->add_subregion(0xb2, pm_->apm_region());       // APM control/status (the FADT's SMI_CMD)
//     bool Board::press_power_button() { pm_->press_power_button(); return true; }
//
// ---- The block at PMBASE (offsets; 1-, 2- and 4-byte accesses) -----------------------------------
//   0x00  PM1_STS  (16) TMR_STS 0, BM_STS 4, GBL_STS 5, PWRBTN_STS 8, SLPBTN_STS 9, RTC_STS 10,
//                       WAK_STS 15; writing 1 clears a bit
//   0x02  PM1_EN   (16) TMR_EN 0, GBL_EN 5, PWRBTN_EN 8, SLPBTN_EN 9, RTC_EN 10
//   0x04  PM1_CNT  (16) SCI_EN 0, BM_RLD 1, GBL_RLS 2, SLP_TYP 10-12, SLP_EN 13 (write-only:
//                       writing it with SLP_TYP calls the sleep handler with SLP_TYP)
//   0x08  PM_TMR   (32) a 24-bit counter at 3.579545 MHz of the event loop's virtual clock (it
//                       stops while the machine is paused); TMR_STS is set each time bit 23
//                       changes. Read-only.
//   GPE0           (PIIX4: a separate 4-byte block, QEMU maps it at 0xafe0; ICH9: 16 bytes at
//                  0x20) GPE0_STS in the first half (write 1 to clear), GPE0_EN in the second
//   0x30  SMI_EN   (ICH9, 32) read/write; APMC_EN (bit 5) is set at reset, which tells SeaBIOS
//                  SMM is already set up (emu has no SMM); 0x34 SMI_STS reads 0
//   anything else reads 0 and ignores writes.
//
// The SCI is (PM1_STS & PM1_EN & (TMR|GBL|PWRBTN|SLPBTN|RTC)) or (GPE0_STS & GPE0_EN). As in
// QEMU, SCI_EN does not gate it (a real chipset would send the events to SMI instead, and emu has
// no SMM); it only tells the OS whether ACPI mode is on.
//
// APM (apm_region, 2 bytes, QEMU's ports 0xb2/0xb3): a write of the FADT's ACPI_ENABLE (0xf1) to
// the control port sets SCI_EN and ACPI_DISABLE (0xf0) clears it, as QEMU's chipsets do in place
// of the SMI handler; the status port is a scratch byte. A board whose FADT has no SMI_CMD
// (ACPI-only hardware) sets sci_enabled_at_reset instead.
//
// Threading: everything runs under the big device lock (I/O dispatch and timers hold it), on the
// loop thread or a vCPU thread; the sleep handler runs on the vCPU thread that wrote PM1_CNT, so a
// board maps S5 to Machine::request_shutdown(0), which is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "emu/event_loop.h"
#include "emu/memory.h"

namespace emu {

struct AcpiPmLayout {
    static constexpr Addr kSeparate = ~Addr{0};  // GPE0 is not inside the block

    Addr size = 0x40;             // bytes decoded at PMBASE
    Addr gpe0_offset = kSeparate; // GPE0 inside the block, or kSeparate (gpe0_region())
    unsigned gpe0_length = 4;     // bytes: status half, then enable half (even, 2 to 32)
    Addr smi_en_offset = 0;       // SMI_EN (and SMI_STS at +4) inside the block; 0 = none

    static AcpiPmLayout piix4() { return {}; }
    static AcpiPmLayout ich9() { return {.size = 0x80, .gpe0_offset = 0x20, .gpe0_length = 16, .smi_en_offset = 0x30}; }
};

struct AcpiPmConfig {
    AcpiPmLayout layout = AcpiPmLayout::piix4();
    bool sci_enabled_at_reset = false;   // ACPI-only hardware: SCI_EN set from reset on
    std::uint8_t acpi_enable = 0xf1;     // APM commands (the FADT's ACPI_ENABLE/ACPI_DISABLE)
    std::uint8_t acpi_disable = 0xf0;
};

class AcpiPm {
public:
    using Config = AcpiPmConfig;
    using SleepHandler = std::function<void(unsigned slp_typ)>;

    // PM1_STS / PM1_EN bits.
    static constexpr std::uint16_t kTmrSts = 1u << 0, kBmSts = 1u << 4, kGblSts = 1u << 5,
                                   kPwrBtnSts = 1u << 8, kSlpBtnSts = 1u << 9, kRtcSts = 1u << 10,
                                   kWakSts = 1u << 15;
    static constexpr std::uint16_t kTmrEn = 1u << 0, kGblEn = 1u << 5, kPwrBtnEn = 1u << 8,
                                   kSlpBtnEn = 1u << 9, kRtcEn = 1u << 10;
    // PM1_CNT bits.
    static constexpr std::uint16_t kSciEn = 1u << 0, kSlpEn = 1u << 13;
    static constexpr unsigned kSlpTypShift = 10;
    static constexpr std::uint32_t kSmiEnApmc = 1u << 5;
    static constexpr std::uint64_t kTimerHz = 3579545;
    static constexpr Addr kApmSize = 2;

    // set_sci: called with the SCI's level whenever it changes. on_sleep: called with SLP_TYP when
    // the guest sets SLP_EN. Either may be empty.
    AcpiPm(EventLoop& loop, Config config, std::function<void(bool level)> set_sci, SleepHandler on_sleep);
    ~AcpiPm();
    AcpiPm(const AcpiPm&) = delete;
    AcpiPm& operator=(const AcpiPm&) = delete;

    MemoryRegion& region() { return *block_; }        // the block at PMBASE
    MemoryRegion* gpe0_region() { return gpe0_.get(); }  // a separate GPE0 block, or null
    MemoryRegion& apm_region() { return *apm_; }      // APM control (0) and status (1)

    // Power-on state (a board reset): status, enables, SLP_TYP and GPE0 cleared, SCI low.
    void reset();
    // The monitor's system_powerdown: set PWRBTN_STS (an SCI if the OS enabled PWRBTN_EN).
    // Returns whether the OS is listening (PWRBTN_EN set).
    bool press_power_button();
    // A write to the APM control port (also reachable through apm_region()).
    void apm_command(std::uint8_t value);
    // Raise GPE0 status bit n (a board's hot-plug or wake event).
    void set_gpe_status(unsigned bit);

    // ---- State, for boards and tests ----
    std::uint32_t timer();              // PM_TMR now
    std::uint16_t pm1_status();
    std::uint16_t pm1_enable() const { return pm1_en_; }
    std::uint16_t pm1_control() const { return pm1_cnt_; }
    bool sci_level() const { return sci_level_; }

    // The register block's accesses, for a board that dispatches itself.
    std::uint64_t read(Addr offset, unsigned size);
    void write(Addr offset, std::uint64_t value, unsigned size);

private:
    std::uint64_t ticks() const;                 // the PM timer's count, unwrapped
    void refresh_timer_status(std::uint64_t now);
    std::uint8_t read_byte(Addr offset, std::uint64_t now) const;
    void write_byte(Addr offset, std::uint8_t value, std::uint64_t now);
    std::uint8_t read_gpe(unsigned offset) const;
    void write_gpe(unsigned offset, std::uint8_t value);
    void update();
    std::unique_ptr<MemoryRegion> make_region(const char* name, Addr size, bool gpe_only);

    EventLoop& loop_;
    Config config_;
    std::function<void(bool)> set_sci_;
    SleepHandler on_sleep_;
    Timer overflow_timer_;
    std::unique_ptr<MemoryRegion> block_, gpe0_, apm_;

    std::uint16_t pm1_sts_ = 0, pm1_en_ = 0, pm1_cnt_ = 0;
    std::uint64_t next_overflow_ = 0;  // timer count at which TMR_STS is next set
    std::vector<std::uint8_t> gpe_;    // status bytes, then enable bytes
    std::uint32_t smi_en_ = 0;
    std::uint8_t apmc_ = 0, apms_ = 0;
    bool sci_level_ = false;
    int pending_sleep_ = -1;           // SLP_TYP of a SLP_EN write being processed
};

}  // namespace emu
