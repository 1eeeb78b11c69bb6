// The `q35` board: QEMU's Q35 PC, the Q35 memory controller hub (MCH) with the ICH9 south
// bridge, on the accelerator's interrupt controllers (8259 pair, IOAPIC, 8254 PIT; kvm's
// in-kernel ones). The parts it shares with `pc` (memory map, BIOS, CMOS, fw_cfg, ISA devices,
// ACPI tables, 0xcf8/0xcfc with the reset control register) are in machines/x86-common.
//
// PCI Express root bus "pcie.0", reached through 0xcf8/0xcfc and through the ECAM window the
// MCH's PCIEXBAR maps (SeaBIOS: 0xB0000000, 256 MiB). 00.0 the MCH, 1f.0 the ICH9 LPC bridge;
// -device PCI cards take the first free slot from 1. INTx: see Ich9Lpc::pirq_of.
#include <emu/error.h>
#include <emu/plugin.h>
#include <emu/property.h>
#include <emu/type.h>

#include "ich9_lpc.h"
#include "mch.h"
#include "pc_board.h"

namespace emu::q35 {

namespace {

class Q35Machine final : public pc::PcBoard {
public:
    bool press_power_button() override {
        if (!lpc_ || !lpc_->pm()) return false;
        lpc_->pm()->press_power_button();
        return true;
    }

protected:
    // PMBASE and ACPI_CNTL.ACPI_EN, as SeaBIOS's ich9_lpc_apmc setup leaves them.
    void prepare_direct_boot() override {
        if (!lpc_) return;
        lpc_->config_write(Ich9Lpc::kPmbase, kPmBase | 1, 4);
        lpc_->config_write(Ich9Lpc::kAcpiCntl, lpc_->config_read(Ich9Lpc::kAcpiCntl, 1) | 0x80, 1);
    }

    // QEMU's q35 rule: with 0xB0000000 bytes of RAM or more, RAM below 4 GiB ends at 2 GiB
    // (the hole holds the ECAM window and the PCI memory window); else it all fits below.
    std::uint64_t lowmem_for(std::uint64_t ram_size) const override {
        return ram_size >= 0xb0000000 ? 0x80000000 : 0xb0000000;
    }

    void create_chipset() override {
        PciBus& bus = new_pci_bus("pcie.0");
        bus.set_irq_routing(
            Ich9Lpc::kPirqs, [](std::uint8_t devfn, unsigned pin) { return Ich9Lpc::pirq_of(devfn, pin); },
            [this](unsigned line, bool level) {
                if (lpc_) lpc_->set_pirq(line, level);
            });
        map_config_ports(bus);

        auto& host = dynamic_cast<Mch&>(create("mch", "mch"));
        host.set_bus(bus);
        host.set_property("addr", "00.0");
        host.system_memory = &system_root();
        host.on_pam_change = [this](const std::array<std::uint8_t, pc::Pam::kRegisters>& regs) { pam().update(regs); };
        host.realize();

        auto& lpc = dynamic_cast<Ich9Lpc&>(create("ICH9-LPC", "ich9-lpc"));
        lpc.set_bus(bus);
        lpc.set_property("addr", "1f.0");
        lpc.set_property("multifunction", "on");
        lpc.io_space = &io_root();
        lpc.system_memory = &system_root();
        lpc.gsi = [this](unsigned n) { return gsi(n); };
        lpc.power_off = [this] { request_shutdown(0); };
        lpc.realize();
        lpc_ = &lpc;
    }

    // The ECAM window as SeaBIOS programs it (QEMU builds its MCFG from the same default).
    void fill_acpi(acpi::X86AcpiConfig& config) const override {
        config.chipset = acpi::Chipset::Ich9;
        config.ecam_base = Mch::kDefaultEcamBase;
        config.ecam_size = Mch::kDefaultEcamSize;
    }

private:
    Ich9Lpc* lpc_ = nullptr;
};

const char* const kNeeds[] = {"kvm=kvm",           "qemu64=kvm",           "host=kvm",
                              "isa-serial=serial_16550", "mc146818rtc=mc146818", "i8042=i8042",
                              "port92=port92",     "isa-debugcon=isa_debugcon", "fw_cfg-io=fw_cfg",
                              nullptr};

void register_types(TypeBatch& types) {
    types.add({.name = "q35",
               .parent = "machine",
               .description = "Standard PC (Q35 + ICH9, 2009)",
               .factory = factory_of<Q35Machine>()});
    types.add({.name = "mch",
               .parent = "pci-device",
               .user_creatable = false,
               .category = Category::Bridge,
               .description = "Intel Q35 memory controller hub, host bridge (q35 board)",
               .factory = factory_of<Mch>()});
    types.add({.name = "ICH9-LPC",
               .parent = "pci-device",
               .user_creatable = false,
               .interfaces = {"isa-bus"},
               .category = Category::Bridge,
               .description = "Intel ICH9 LPC bridge with ACPI power management (q35 board)",
               .factory = factory_of<Ich9Lpc>()});
}

}  // namespace

}  // namespace emu::q35

EMU_PLUGIN_WITH_NEEDS(q35, "0.1.0", "The x86 q35 board (Q35 MCH/ICH9)", "MIT", emu::q35::register_types,
                      emu::q35::kNeeds);
