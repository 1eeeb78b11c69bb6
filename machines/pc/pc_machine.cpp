// The `pc` board (alias pc-i440fx): QEMU's standard PC, the i440FX host bridge with the PIIX3
// south bridge, on the accelerator's interrupt controllers (8259 pair, IOAPIC, 8254 PIT; kvm's
// in-kernel ones). The shared PC parts are in machines/x86-common.
//
// PCI: bus 0 through 0xcf8/0xcfc; 00.0 the i440FX, 01.0 the PIIX3; -device PCI cards take
// slots from 2; 01.3 the PIIX4 power management (ACPI). INTx: slot s pin p (0 = INTA) reaches PIRQ (p + s - 1) & 3, which the PIIX3
// routes to an ISA IRQ.
#include <emu/error.h>
#include <emu/plugin.h>
#include <emu/property.h>
#include <emu/type.h>

#include "i440fx.h"
#include "pc_board.h"
#include "piix3.h"
#include "piix4_pm.h"

namespace emu::pc {

namespace {

class PcMachine final : public PcBoard {
protected:
    // QEMU's rule (gigabyte_align): with 3.5 GiB or more, RAM below 4 GiB ends at 3 GiB.
    std::uint64_t lowmem_for(std::uint64_t ram_size) const override {
        return ram_size >= 0xe0000000 ? 0xc0000000 : 0xe0000000;
    }

    void create_chipset() override {
        PciBus& bus = new_pci_bus("pci.0");
        bus.set_irq_routing(
            Piix3::kPirqs, [](std::uint8_t devfn, unsigned pin) { return Piix3::pirq_of(devfn, pin); },
            [this](unsigned line, bool level) {
                if (piix3_) piix3_->set_pirq(line, level);
            });
        map_config_ports(bus);

        auto& host = dynamic_cast<I440fx&>(create("i440FX", "i440fx"));
        host.set_bus(bus);
        host.set_property("addr", "00.0");
        host.on_pam_change = [this](const std::array<std::uint8_t, Pam::kRegisters>& regs) { pam().update(regs); };
        host.realize();

        auto& isa = dynamic_cast<Piix3&>(create("PIIX3", "piix3"));
        isa.set_bus(bus);
        isa.set_property("addr", "01.0");
        isa.set_property("multifunction", "on");
        isa.io_space = &io_root();
        isa.isa_irq = [this](unsigned irq) { return gsi(irq); };
        isa.realize();
        piix3_ = &isa;

        auto& pm = dynamic_cast<Piix4Pm&>(create("PIIX4_PM", "pm"));
        pm.set_bus(bus);
        pm.set_property("addr", "01.3");
        pm.io_space = &io_root();
        pm.sci = gsi(9);
        pm.realize();
        pm_ = &pm;
    }

public:
    bool press_power_button() override { return pm_ && pm_->press_power_button(); }

protected:
    // PMBASE and PMREGMISC.PMIOSE, as SeaBIOS's piix4_pm_setup leaves them.
    void prepare_direct_boot() override {
        if (!pm_) return;
        pm_->config_write(Piix4Pm::kPmBase, kPmBase | 1, 4);
        pm_->config_write(Piix4Pm::kPmRegMisc, 1, 1);
    }

    void fill_acpi(acpi::X86AcpiConfig& config) const override { config.chipset = acpi::Chipset::Piix; }

private:
    Piix3* piix3_ = nullptr;
    Piix4Pm* pm_ = nullptr;
};

const char* const kNeeds[] = {"kvm=kvm",           "qemu64=kvm",           "host=kvm",
                              "isa-serial=serial_16550", "mc146818rtc=mc146818", "i8042=i8042",
                              "port92=port92",     "isa-debugcon=isa_debugcon", "fw_cfg-io=fw_cfg",
                              nullptr};

void register_types(TypeBatch& types) {
    types.add({.name = "pc",
               .parent = "machine",
               .aliases = {"pc-i440fx"},
               .description = "Standard PC (i440FX + PIIX, 1996)",
               .factory = factory_of<PcMachine>()});
    types.add({.name = "i440FX",
               .parent = "pci-device",
               .user_creatable = false,
               .category = Category::Bridge,
               .description = "Intel 82441FX host bridge (pc board)",
               .factory = factory_of<I440fx>()});
    types.add({.name = "PIIX3",
               .parent = "pci-device",
               .user_creatable = false,
               .interfaces = {"isa-bus"},
               .category = Category::Bridge,
               .description = "Intel PIIX3 PCI-to-ISA bridge (pc board)",
               .factory = factory_of<Piix3>()});
    types.add({.name = "PIIX4_PM",
               .parent = "pci-device",
               .user_creatable = false,
               .category = Category::Bridge,
               .description = "Intel PIIX4 power management: ACPI registers, SCI (pc board)",
               .factory = factory_of<Piix4Pm>()});
}

}  // namespace

}  // namespace emu::pc

EMU_PLUGIN_WITH_NEEDS(pc, "0.1.0", "The x86 pc board (i440FX/PIIX3)", "MIT", emu::pc::register_types, emu::pc::kNeeds);
