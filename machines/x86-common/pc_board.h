// What the x86 boards `pc` (i440FX/PIIX3) and `q35` (MCH/ICH9) share, as QEMU's pc.c is shared
// by its two PC machines: the memory map (RAM split around the PCI hole, the PCI memory space
// under everything, the BIOS ROM at the top of 4 GiB with its last 128 KiB also below 1 MiB,
// the shadow-RAM segments), the CPUs and the interrupt controller the accelerator provides, the
// ISA devices every PC has (COM ports, RTC with the CMOS values firmware reads, i8042, port 0x92,
// the debug console), fw_cfg with what SeaBIOS reads, ACPI tables, and direct kernel boot.
//
// A chipset (the subclass) creates the host bridge, the PCI bus, the ISA bridge and the power
// management device in create_chipset(), using the protected helpers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <emu/acpi.h>
#include <emu/cpu.h>
#include <emu/device.h>
#include <emu/memory.h>
#include <emu/pci.h>
#include <emu/x86.h>

#include "pam.h"

namespace emu {
class FwCfg;
}  // namespace emu

namespace emu::pc {

// Where the firmware, the interrupt controllers and the kvm accelerator's private pages live.
constexpr Addr k4GiB = 1ull << 32;
constexpr Addr kIoapicBase = 0xFEC00000;
constexpr Addr kKvmPrivateBase = 0xFEFFC000;  // identity map + TSS the kvm accelerator uses
constexpr Addr kKvmPrivateSize = 0x4000;
constexpr Addr kSmramBase = 0xA0000;          // the legacy VGA window, PCI side
constexpr Addr kSmramSize = 0x20000;
constexpr Addr kIsaBiosMax = 0x20000;         // at most the last 128 KiB appear below 1 MiB
constexpr Addr kAcpiArea = 0x20000;          // direct boot: the ACPI tables, at the top of low RAM
constexpr const char* kDefaultBios = "/usr/share/seabios/bios-256k.bin";

class PcBoard : public X86Machine {
public:
    void init() final;
    AddressSpace* system_memory() override { return memory_.get(); }
    AddressSpace* io_space() override { return io_.get(); }
    unsigned max_cpus() const override { return 128; }
    std::uint64_t default_ram_size() const override { return 128ull << 20; }
    // kvm where /dev/kvm can be opened, else emu's own x86 CPU (tcg), with a notice.
    std::string default_accel() const override;
    std::string default_nic_model() const override { return "e1000"; }

    std::uint64_t ram_below_4g() const { return below_4g_; }
    std::uint64_t ram_above_4g() const { return config().ram_size - below_4g_; }

protected:
    // ---- What the chipset decides ----
    // The largest RAM below 4 GiB for this much RAM (the rest goes above 4 GiB).
    virtual std::uint64_t lowmem_for(std::uint64_t ram_size) const = 0;
    // Host bridge, PCI bus (set_pci_bus), ISA bridge (set_isa_bridge), power management.
    virtual void create_chipset() = 0;
    // Chipset state firmware changes and a reset restores (PAM, PIRQ routing) is reset by
    // reset_tree; this hook is for anything else.
    virtual void chipset_reset() {}
    // -kernel without firmware: set up what SeaBIOS would have (the ACPI PM block at the PMBASE
    // the board's FADT names), so the OS's ACPI power-off and PM timer work.
    virtual void prepare_direct_boot() {}
    static constexpr std::uint16_t kPmBase = 0x600;  // where SeaBIOS puts the PM block
    // The chipset's part of the ACPI tables (chipset, PM base, ECAM...); the base has filled
    // in the CPUs and the PCI windows.
    virtual void fill_acpi(acpi::X86AcpiConfig& config) const = 0;

    // ---- Helpers for the chipset ----
    Device& create(const std::string& type, const std::string& name);
    MemoryRegion& system_root() { return *system_; }
    MemoryRegion& pci_memory() { return *pci_memory_; }
    MemoryRegion& io_root() { return *io_root_; }
    MemoryRegion& ram() { return *ram_; }
    // Interrupt controller input n (GSI: 0-15 the ISA IRQs, 16-23 IOAPIC only). Lines of a
    // board without one (kvm with kernel-irqchip=off) are unconnected.
    IrqLine gsi(unsigned n) const;
    // The PCI bus the chipset created; -device finds it as the machine's first pci-bus.
    PciBus& new_pci_bus(const std::string& name);
    // 0xcf8/0xcfc configuration mechanism #1 for bus, with the Reset Control Register both
    // chipsets (PIIX3, ICH9) have at 0xcf9: a byte whose bit 2 (RST_CPU) resets the machine
    // (Linux's reboot=pci; SeaBIOS's reset) and bit 1 (SYS_RST) is kept.
    void map_config_ports(PciBus& bus);
    // The shadow-RAM segments; the host bridge calls update() when the guest writes them.
    Pam& pam() { return *pam_; }
    // Filled by the base before create_chipset() runs; the chipset may add items.
    FwCfg& fw_cfg() { return *fw_cfg_; }
    const std::vector<Cpu*>& cpus() const { return cpus_; }

    void reset() override;

private:
    void create_memory();
    void create_cpus();
    // With a software CPU: the 8259s, IOAPIC and PIT the accelerator does not provide.
    void create_interrupt_controllers();
    void create_isa_devices();
    void create_fw_cfg();
    void load_firmware();
    void load_kernel();
    void install_acpi();
    void fill_cmos(Device& rtc);
    std::vector<std::uint8_t> e820_file() const;

    std::uint64_t below_4g_ = 0;
    std::unique_ptr<MemoryRegion> system_, ram_, ram_below_, ram_above_, pci_memory_, smram_;
    std::unique_ptr<MemoryRegion> bios_, isa_bios_, io_root_;
    std::unique_ptr<AddressSpace> memory_, io_;
    std::unique_ptr<Pam> pam_;
    std::vector<PciConfigPorts> config_ports_;
    std::unique_ptr<MemoryRegion> config_address_;  // CONFIG_ADDRESS (32-bit) + RCR (byte at +1)
    std::uint8_t reset_control_ = 0;
    std::vector<Cpu*> cpus_;
    X86InterruptController* irqchip_ = nullptr;
    X86ApicBus* apic_bus_ = nullptr;  // software CPUs' APIC bus (the x86-irqchip device)
    FwCfg* fw_cfg_ = nullptr;
    acpi::AcpiBlobs acpi_;  // also placed in RAM by load_kernel (no firmware to do it)
};

}  // namespace emu::pc
