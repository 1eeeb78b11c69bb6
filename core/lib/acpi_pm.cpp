// The ACPI power-management register block (sdk/include/emu/acpi_pm.h). Register layout: ACPI 6.4
// §4.8 (fixed hardware registers); the chipsets' extras as QEMU's hw/acpi (core.c, piix4.c,
// ich9.c) model them.
#include "emu/acpi_pm.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "emu/error.h"

namespace emu {

namespace {

constexpr std::uint16_t kSciEvents = AcpiPm::kTmrEn | AcpiPm::kGblEn | AcpiPm::kPwrBtnEn |
                                     AcpiPm::kSlpBtnEn | AcpiPm::kRtcEn;
constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
constexpr std::uint64_t kTimerMask = 0xffffff;       // PM_TMR is 24 bits wide
constexpr std::uint64_t kTimerHalf = 0x800000;       // TMR_STS: each change of bit 23
enum : Addr { kPm1Sts = 0, kPm1En = 2, kPm1Cnt = 4, kPmTmr = 8 };

// Exact conversions without 128-bit arithmetic: split off whole seconds.
std::uint64_t ticks_at(std::uint64_t ns) {
    return ns / kNsPerSecond * AcpiPm::kTimerHz + ns % kNsPerSecond * AcpiPm::kTimerHz / kNsPerSecond;
}
std::uint64_t ns_at(std::uint64_t ticks) {  // the first instant the count is ticks
    const std::uint64_t rest = ticks % AcpiPm::kTimerHz;
    return ticks / AcpiPm::kTimerHz * kNsPerSecond + (rest * kNsPerSecond + AcpiPm::kTimerHz - 1) / AcpiPm::kTimerHz;
}
std::uint64_t next_overflow_after(std::uint64_t ticks) { return (ticks | (kTimerHalf - 1)) + 1; }

bool within(Addr offset, Addr start, Addr length) { return offset >= start && offset - start < length; }

}  // namespace

AcpiPm::AcpiPm(EventLoop& loop, Config config, std::function<void(bool level)> set_sci, SleepHandler on_sleep)
    : loop_(loop),
      config_(config),
      set_sci_(std::move(set_sci)),
      on_sleep_(std::move(on_sleep)),
      overflow_timer_(loop, ClockType::Virtual, [this] { update(); }) {
    const auto& layout = config_.layout;
    if (layout.gpe0_length < 2 || layout.gpe0_length > 32 || layout.gpe0_length % 2)
        throw Error("ACPI PM: GPE0 must be 2 to 32 bytes, an even number");
    if (layout.size < 0x0c || layout.size > 0x100) throw Error("ACPI PM: the block must be 12 to 256 bytes");
    gpe_.assign(layout.gpe0_length, 0);
    block_ = make_region("acpi-pm", layout.size, false);
    if (layout.gpe0_offset == AcpiPmLayout::kSeparate) gpe0_ = make_region("acpi-gpe0", layout.gpe0_length, true);
    MmioOps apm;
    apm.read = [this](Addr offset, unsigned) -> std::uint64_t { return offset == 0 ? apmc_ : apms_; };
    apm.write = [this](Addr offset, std::uint64_t value, unsigned) {
        if (offset == 0) {
            apm_command(static_cast<std::uint8_t>(value));
        } else {
            apms_ = static_cast<std::uint8_t>(value);
        }
    };
    apm.valid_max = 2;
    apm.impl_max = 1;
    apm_ = MemoryRegion::mmio("apm", kApmSize, std::move(apm));
    reset();
}

AcpiPm::~AcpiPm() = default;

std::unique_ptr<MemoryRegion> AcpiPm::make_region(const char* name, Addr size, bool gpe_only) {
    MmioOps ops;
    if (gpe_only) {
        ops.read = [this](Addr offset, unsigned size_) {
            std::uint64_t value = 0;
            for (unsigned i = 0; i < size_; ++i) value |= std::uint64_t{read_gpe(static_cast<unsigned>(offset + i))} << (8 * i);
            return value;
        };
        ops.write = [this](Addr offset, std::uint64_t value, unsigned size_) {
            for (unsigned i = 0; i < size_; ++i) write_gpe(static_cast<unsigned>(offset + i), static_cast<std::uint8_t>(value >> (8 * i)));
            update();
        };
    } else {
        ops.read = [this](Addr offset, unsigned size_) { return read(offset, size_); };
        ops.write = [this](Addr offset, std::uint64_t value, unsigned size_) { write(offset, value, size_); };
    }
    ops.valid_max = 4;
    ops.impl_max = 4;
    return MemoryRegion::mmio(name, size, std::move(ops));
}

void AcpiPm::reset() {
    pm1_sts_ = 0;
    pm1_en_ = 0;
    pm1_cnt_ = config_.sci_enabled_at_reset ? kSciEn : 0;
    std::fill(gpe_.begin(), gpe_.end(), 0);
    smi_en_ = config_.layout.smi_en_offset ? kSmiEnApmc : 0;
    apmc_ = apms_ = 0;
    next_overflow_ = next_overflow_after(ticks());
    pending_sleep_ = -1;
    update();
}

std::uint64_t AcpiPm::ticks() const {
    const ClockNs now = loop_.now(ClockType::Virtual);
    return ticks_at(now > 0 ? static_cast<std::uint64_t>(now) : 0);
}

void AcpiPm::refresh_timer_status(std::uint64_t now) {
    if (now >= next_overflow_) pm1_sts_ |= kTmrSts;
}

std::uint32_t AcpiPm::timer() { return static_cast<std::uint32_t>(ticks() & kTimerMask); }

std::uint16_t AcpiPm::pm1_status() {
    refresh_timer_status(ticks());
    return pm1_sts_;
}

std::uint8_t AcpiPm::read_gpe(unsigned offset) const { return offset < gpe_.size() ? gpe_[offset] : 0; }

void AcpiPm::write_gpe(unsigned offset, std::uint8_t value) {
    const unsigned half = static_cast<unsigned>(gpe_.size() / 2);
    if (offset < half) {
        gpe_[offset] &= static_cast<std::uint8_t>(~value);  // GPE0_STS: write 1 to clear
    } else if (offset < gpe_.size()) {
        gpe_[offset] = value;
    }
}

std::uint8_t AcpiPm::read_byte(Addr offset, std::uint64_t now) const {
    const auto& layout = config_.layout;
    auto byte = [](std::uint64_t value, Addr index) { return static_cast<std::uint8_t>(value >> (8 * index)); };
    if (within(offset, kPm1Sts, 2)) return byte(pm1_sts_, offset - kPm1Sts);
    if (within(offset, kPm1En, 2)) return byte(pm1_en_, offset - kPm1En);
    if (within(offset, kPm1Cnt, 2)) return byte(pm1_cnt_ & ~kSlpEn, offset - kPm1Cnt);
    if (within(offset, kPmTmr, 4)) return byte(now & kTimerMask, offset - kPmTmr);
    if (layout.gpe0_offset != AcpiPmLayout::kSeparate && within(offset, layout.gpe0_offset, gpe_.size()))
        return read_gpe(static_cast<unsigned>(offset - layout.gpe0_offset));
    if (layout.smi_en_offset && within(offset, layout.smi_en_offset, 4))
        return byte(smi_en_, offset - layout.smi_en_offset);
    return 0;  // SMI_STS and unused registers
}

void AcpiPm::write_byte(Addr offset, std::uint8_t value, std::uint64_t now) {
    const auto& layout = config_.layout;
    auto merge = [](auto& reg, Addr index, std::uint8_t b) {
        using T = std::remove_reference_t<decltype(reg)>;
        const unsigned shift = static_cast<unsigned>(8 * index);
        reg = static_cast<T>((reg & ~(T{0xff} << shift)) | (T{b} << shift));
    };
    if (within(offset, kPm1Sts, 2)) {
        const auto clear = static_cast<std::uint16_t>(value << (8 * (offset - kPm1Sts)));
        // A cleared TMR_STS is set again at the next change of bit 23.
        if (clear & pm1_sts_ & kTmrSts) next_overflow_ = next_overflow_after(now);
        pm1_sts_ &= static_cast<std::uint16_t>(~clear);
    } else if (within(offset, kPm1En, 2)) {
        merge(pm1_en_, offset - kPm1En, value);
    } else if (within(offset, kPm1Cnt, 2)) {
        merge(pm1_cnt_, offset - kPm1Cnt, value);
        if (pm1_cnt_ & kSlpEn) {
            pending_sleep_ = (pm1_cnt_ >> kSlpTypShift) & 7;
            pm1_cnt_ &= static_cast<std::uint16_t>(~kSlpEn);
        }
    } else if (layout.gpe0_offset != AcpiPmLayout::kSeparate && within(offset, layout.gpe0_offset, gpe_.size())) {
        write_gpe(static_cast<unsigned>(offset - layout.gpe0_offset), value);
    } else if (layout.smi_en_offset && within(offset, layout.smi_en_offset, 4)) {
        merge(smi_en_, offset - layout.smi_en_offset, value);
    }
    // PM_TMR, SMI_STS and unused registers ignore writes.
}

std::uint64_t AcpiPm::read(Addr offset, unsigned size) {
    const std::uint64_t now = ticks();  // one sample per access: a 32-bit PM_TMR read never tears
    refresh_timer_status(now);
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) value |= std::uint64_t{read_byte(offset + i, now)} << (8 * i);
    return value;
}

void AcpiPm::write(Addr offset, std::uint64_t value, unsigned size) {
    const std::uint64_t now = ticks();
    refresh_timer_status(now);
    for (unsigned i = 0; i < size; ++i) write_byte(offset + i, static_cast<std::uint8_t>(value >> (8 * i)), now);
    update();
    if (pending_sleep_ >= 0) {
        const auto slp_typ = static_cast<unsigned>(pending_sleep_);
        pending_sleep_ = -1;
        if (on_sleep_) on_sleep_(slp_typ);
    }
}

bool AcpiPm::press_power_button() {
    pm1_sts_ |= kPwrBtnSts;
    update();
    return (pm1_en_ & kPwrBtnEn) != 0;
}

void AcpiPm::apm_command(std::uint8_t value) {
    apmc_ = value;
    if (value == config_.acpi_enable) {
        pm1_cnt_ |= kSciEn;
    } else if (value == config_.acpi_disable) {
        pm1_cnt_ &= static_cast<std::uint16_t>(~kSciEn);
    }
    update();
}

void AcpiPm::set_gpe_status(unsigned bit) {
    if (bit / 8 >= gpe_.size() / 2) throw Error("ACPI PM: GPE " + std::to_string(bit) + " does not exist");
    gpe_[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
    update();
}

void AcpiPm::update() {
    refresh_timer_status(ticks());
    bool gpe = false;
    const std::size_t half = gpe_.size() / 2;
    for (std::size_t i = 0; i < half; ++i) gpe = gpe || (gpe_[i] & gpe_[half + i]);
    // Not gated by SCI_EN (QEMU's chipsets do not either): with an FADT without SMI_CMD the OS
    // never sets it, and there is no SMI for the events to go to instead.
    const bool level = (pm1_sts_ & pm1_en_ & kSciEvents) || gpe;
    if (level != sci_level_) {
        sci_level_ = level;
        if (set_sci_) set_sci_(level);
    }
    // Wake up when TMR_STS would next raise the SCI; otherwise it is computed when read.
    if ((pm1_en_ & kTmrEn) && !(pm1_sts_ & kTmrSts)) {
        overflow_timer_.arm(static_cast<ClockNs>(ns_at(next_overflow_)));
    } else {
        overflow_timer_.cancel();
    }
}

}  // namespace emu
