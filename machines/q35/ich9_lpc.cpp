#include "ich9_lpc.h"

#include <emu/error.h>
#include <emu/machine.h>

namespace emu::q35 {

namespace {

constexpr std::uint32_t kPmbaseIo = 0x1;           // resource type indicator: I/O space
constexpr std::uint32_t kPmbaseMask = 0xff80;      // 128-byte block
constexpr std::uint8_t kAcpiEnable = 0x80;
constexpr std::uint8_t kSciSelectMask = 0x07;
constexpr std::uint8_t kPirqDisable = 0x80;
constexpr std::uint32_t kRcbaEnable = 0x1;
constexpr std::uint32_t kRcbaMask = 0xffffc000;
// RCBA's D<N>IR registers (ICH9 chipset configuration registers): a nibble per INTA-D of device N
// naming its PIRQ; power-on INTA->A, INTB->B, INTC->C, INTD->D.
constexpr unsigned kDirOffsets[] = {0x3140, 0x3144, 0x3146, 0x3148, 0x314c, 0x3150};  // D31, D29-D25
constexpr std::uint16_t kDirDefault = 0x3210;

}  // namespace

PciIds Ich9Lpc::ids() const {
    return {.vendor_id = 0x8086, .device_id = 0x2918, .class_code = 0x060100, .revision = 0x02, .interrupt_pin = 0};
}

void Ich9Lpc::realize_pci() {
    if (!io_space || !system_memory) throw Error("is created by the q35 board only");
    Machine* board = machine();
    if (!board) throw Error("needs a machine");
    set_write_mask(kPmbase, kPmbaseMask, 4);
    set_write_mask(kAcpiCntl, kAcpiEnable | kSciSelectMask, 1);
    for (unsigned i = 0; i < 4; ++i) {
        set_write_mask(kPirqA + i, 0x8f, 1);
        set_write_mask(kPirqE + i, 0x8f, 1);
    }
    set_write_mask(kGenPmcon1, 0xffff, 2);
    set_write_mask(kGenPmcon2, 0xff, 1);
    set_write_mask(kGenPmcon3, 0xff, 1);
    set_write_mask(kRcba, kRcbaMask | kRcbaEnable, 4);
    set_power_on_values();

    init_mmio(*io_space);  // mmio(0): the ISA bus's I/O space
    init_gpio_in("", kIsaIrqs, [this](unsigned n, bool level) {
        if (n >= kIsaIrqs || isa_level_[n] == level) return;
        isa_level_[n] = level;
        update_irqs();
    });

    pm_ = std::make_unique<AcpiPm>(
        board->loop(), AcpiPm::Config{.layout = AcpiPmLayout::ich9()},
        [this](bool level) {
            sci_level_ = level;
            update_irqs();
        },
        [this](unsigned slp_typ) {
            if (slp_typ == 0 && power_off) power_off();  // the DSDT's \_S5
        });
    io_space->add_subregion(kApmBase, pm_->apm_region());

    set_rcba_power_on_values();
    rcba_ = MemoryRegion::mmio(
        "ich9-rcba", kRcbaSize,
        {.read = [this](Addr offset, unsigned size) -> std::uint64_t {
             std::uint64_t value = 0;
             for (unsigned i = 0; i < size && offset + i < kRcbaSize; ++i)
                 value |= std::uint64_t{rcba_regs_[offset + i]} << (8 * i);
             return value;
         },
         .write =
             [this](Addr offset, std::uint64_t value, unsigned size) {
                 for (unsigned i = 0; i < size && offset + i < kRcbaSize; ++i)
                     rcba_regs_[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
             },
         .valid_min = 1,
         .valid_max = 4,
         .impl_min = 1,
         .impl_max = 4});
    rcba_->set_enabled(false);
    system_memory->add_subregion(0, *rcba_, 1);
}

void Ich9Lpc::unrealize_pci() {
    rcba_.reset();
    pm_.reset();
    pm_mapped_ = false;
}

void Ich9Lpc::set_power_on_values() {
    set_config(kPmbase, kPmbaseIo, 4);
    set_config(kAcpiCntl, 0, 1);
    for (unsigned i = 0; i < 4; ++i) {
        set_config(kPirqA + i, kPirqDisable, 1);
        set_config(kPirqE + i, kPirqDisable, 1);
    }
    set_config(kRcba, 0, 4);
}

void Ich9Lpc::set_rcba_power_on_values() {
    rcba_regs_.assign(kRcbaSize, 0);
    for (unsigned offset : kDirOffsets) {
        rcba_regs_[offset] = static_cast<std::uint8_t>(kDirDefault);
        rcba_regs_[offset + 1] = static_cast<std::uint8_t>(kDirDefault >> 8);
    }
}

void Ich9Lpc::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    PciDevice::config_write(offset, value, size);
    auto touches = [&](unsigned start, unsigned length) { return offset < start + length && offset + size > start; };
    if (touches(kPmbase, 4) || touches(kAcpiCntl, 1)) {
        update_pm_mapping();
        update_irqs();  // the SCI may have moved
    }
    if (touches(kPirqA, 4) || touches(kPirqE, 4)) update_irqs();
    if (touches(kRcba, 4)) update_rcba();
}

void Ich9Lpc::reset() {
    PciDevice::reset();  // back to the values realize_pci set
    if (pm_) pm_->reset();
    set_rcba_power_on_values();
    update_pm_mapping();
    update_rcba();
    update_irqs();
}

std::uint16_t Ich9Lpc::pm_io_base() const {
    if (!(get_config(kAcpiCntl, 1) & kAcpiEnable)) return 0;
    return static_cast<std::uint16_t>(get_config(kPmbase, 4) & kPmbaseMask);
}

// ICH9 datasheet 13.1.2 (PMBASE) and 13.1.3 (ACPI_CNTL): the block decodes at PMBASE while
// ACPI_EN is set. A base of 0 would cover the DMA controller's ports: treat it as off, as QEMU does.
void Ich9Lpc::update_pm_mapping() {
    if (!pm_) return;
    const std::uint16_t base = pm_io_base();
    MemoryRegion& block = pm_->region();
    if (pm_mapped_ && (base == 0 || block.offset() != base)) {
        io_space->remove_subregion(block);
        pm_mapped_ = false;
    }
    if (base != 0 && !pm_mapped_) {
        io_space->add_subregion(base, block);
        pm_mapped_ = true;
    }
}

void Ich9Lpc::update_rcba() {
    if (!rcba_) return;
    const std::uint32_t reg = get_config(kRcba, 4);
    if (reg & kRcbaEnable) rcba_->set_offset(reg & kRcbaMask);
    rcba_->set_enabled(reg & kRcbaEnable);
}

}  // namespace emu::q35
