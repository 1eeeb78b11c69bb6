#include "pc_board.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <emu/error.h>
#include <emu/fw_cfg.h>
#include <emu/loader.h>
#include <emu/pci.h>
#include <emu/type.h>
#include <emu/x86_boot.h>

namespace emu::pc {

Device& PcBoard::create(const std::string& type, const std::string& name) {
    return dynamic_cast<Device&>(add_child(name, registry().create(type)));
}

void PcBoard::init() {
    const MachineConfig& cfg = config();
    if (!accelerator()) throw Error("pc: this board needs an accelerator (-accel kvm)");
    below_4g_ = std::min(cfg.ram_size, lowmem_for(cfg.ram_size));

    create_memory();
    irqchip_ = dynamic_cast<X86InterruptController*>(accelerator());
    if (!irqchip_ && accelerator()->is_a("tcg")) create_interrupt_controllers();
    if (irqchip_ && irqchip_->gsi_count()) system_->add_subregion(X86InterruptController::kMsiBase, irqchip_->msi_window(), 2);
    create_cpus();
    create_fw_cfg();
    create_chipset();
    create_isa_devices();
    install_acpi();
    load_firmware();
    load_kernel();
}

// ACPI tables through fw_cfg's table loader, as QEMU gives them to SeaBIOS (sdk acpi.h). The
// PCI windows: the 32-bit hole from the top of low RAM to the IOAPIC, and 32 GiB above RAM
// from the next GiB boundary (QEMU's default pci-hole64-size).
void PcBoard::install_acpi() {
    acpi::X86AcpiConfig acpi;
    acpi.cpus = config().smp_cpus;
    acpi.mmio32_start = below_4g_;
    acpi.mmio32_end = kIoapicBase;
    constexpr std::uint64_t kGiB = 1ull << 30;
    acpi.mmio64_start = (k4GiB + ram_above_4g() + kGiB - 1) & ~(kGiB - 1);
    acpi.mmio64_end = acpi.mmio64_start + 32 * kGiB;
    fill_acpi(acpi);
    acpi_ = acpi::build_x86_acpi(acpi);
    acpi::install(*fw_cfg_, acpi_);
}

// system: RAM below 4 GiB from 0, the rest from 4 GiB; under everything (priority -1) the PCI
// memory space, where BARs, the BIOS and the legacy VGA window live; over RAM the VGA window
// (0xA0000-0xBFFFF, always PCI: no SMM) and the shadow-RAM segments.
void PcBoard::create_memory() {
    const MachineConfig& cfg = config();
    system_ = MemoryRegion::container("system", ~Addr(0));
    memory_ = std::make_unique<AddressSpace>("memory", *system_);
    ram_ = MemoryRegion::ram("pc.ram", cfg.ram_size);
    ram_below_ = MemoryRegion::alias("ram-below-4g", *ram_, 0, below_4g_);
    system_->add_subregion(0, *ram_below_);
    if (cfg.ram_size > below_4g_) {
        ram_above_ = MemoryRegion::alias("ram-above-4g", *ram_, below_4g_, cfg.ram_size - below_4g_);
        system_->add_subregion(k4GiB, *ram_above_);
    }
    pci_memory_ = MemoryRegion::container("pci", ~Addr(0));
    system_->add_subregion(0, *pci_memory_, -1);
    smram_ = MemoryRegion::alias("smram-region", *pci_memory_, kSmramBase, kSmramSize);
    system_->add_subregion(kSmramBase, *smram_, 1);
    pam_ = std::make_unique<Pam>(*system_, *ram_, *pci_memory_, 1);

    io_root_ = MemoryRegion::container("io", 0x10000);
    io_ = std::make_unique<AddressSpace>("io", *io_root_);
}

std::string PcBoard::default_accel() const {
    if (::access("/dev/kvm", R_OK | W_OK) == 0) return "kvm";
    std::fprintf(stderr, "emu: /dev/kvm: %s; using emu's own x86 CPU (-accel tcg)\n", std::strerror(errno));
    return "tcg";
}

// With tcg nothing provides the PC's interrupt controllers, so the board creates them as
// devices (plugins x86-irqchip and i8254): the 8259 pair with its ELCR, the IOAPIC, and the
// PIT with port 0x61. Each software CPU brings its own local APIC (attached in create_cpus).
void PcBoard::create_interrupt_controllers() {
    Device& chip = create("x86-irqchip", "irqchip");
    chip.realize();
    irqchip_ = dynamic_cast<X86InterruptController*>(&chip);
    apic_bus_ = dynamic_cast<X86ApicBus*>(&chip);
    if (!irqchip_ || !apic_bus_) throw Error("pc: x86-irqchip is not an x86 interrupt controller");
    io_root_->add_subregion(0x20, chip.mmio(0));
    io_root_->add_subregion(0xa0, chip.mmio(1));
    io_root_->add_subregion(0x4d0, chip.mmio(2));
    system_->add_subregion(kIoapicBase, chip.mmio(3), 1);

    Device& pit = create("isa-pit", "pit");
    pit.realize();
    io_root_->add_subregion(0x40, pit.mmio(0));
    io_root_->add_subregion(0x61, pit.mmio(1));
    pit.connect_gpio_out("", 0, gsi(0));
}

void PcBoard::create_cpus() {
    const MachineConfig& cfg = config();
    // qemu64 under both accelerators, as QEMU's default.
    const bool tcg = accelerator()->is_a("tcg");
    std::string model = cfg.cpu_model.empty() ? "qemu64" : cfg.cpu_model;
    // A model both accelerators know is two types (the kvm plugin's, and the software CPU's
    // "<model>-tcg"): under tcg, -cpu qemu64 means the software CPU's.
    if (tcg && registry().find(model + "-tcg")) model += "-tcg";
    const Type* type = registry().find(model);
    if (!type) registry().get(model);  // throws, naming the plugin that provides it if known
    if (!type->is_a("x86-cpu") || type->abstract())
        throw Error("pc: -cpu " + model + " is not an x86 CPU model (-cpu help lists them)");
    if (cfg.smp_cpus > 1 && !(irqchip_ && irqchip_->gsi_count()))
        throw Error("pc: -smp " + std::to_string(cfg.smp_cpus) + " needs the accelerator's interrupt controller");
    for (unsigned i = 0; i < cfg.smp_cpus; ++i) {
        auto& cpu = dynamic_cast<Cpu&>(create(model, "cpu[" + std::to_string(i) + "]"));
        cpu.set_index(i);
        cpu.realize();
        if (auto* apic = dynamic_cast<X86LocalApic*>(&cpu); apic && apic_bus_) {
            apic_bus_->attach(*apic);
            apic->connect_bus(*apic_bus_);
        }
        accelerator()->add_cpu(cpu);
        cpus_.push_back(&cpu);
    }
}

IrqLine PcBoard::gsi(unsigned n) const {
    if (!irqchip_ || n >= irqchip_->gsi_count()) return {};
    return irqchip_->gsi(n);
}

PciBus& PcBoard::new_pci_bus(const std::string& name) {
    auto& bus = dynamic_cast<PciBus&>(add_child(name, registry().create("pci-bus")));
    bus.set_windows(*pci_memory_, *io_root_);
    return bus;
}

void PcBoard::map_config_ports(PciBus& bus) {
    PciConfigPorts ports = make_config_ports(bus);
    // One region for 0xcf8-0xcfb: a 32-bit access is CONFIG_ADDRESS, a byte at 0xcf9 the RCR.
    MemoryRegion* address = ports.address.get();
    config_address_ = MemoryRegion::mmio(
        "pci-conf-address+rcr", 4,
        {.read = [this, address](Addr offset, unsigned size) -> std::uint64_t {
             if (offset == 1 && size == 1) return reset_control_;
             return address->ops().read(offset, size);
         },
         .write =
             [this, address](Addr offset, std::uint64_t value, unsigned size) {
                 if (offset == 1 && size == 1) {
                     reset_control_ = value & 0x02;
                     if (value & 0x04) request_reset();
                     return;
                 }
                 address->ops().write(offset, value, size);
             },
         .valid_min = 1,
         .valid_max = 4,
         .impl_min = 1,
         .impl_max = 4});
    io_root_->add_subregion(0xcf8, *config_address_);
    io_root_->add_subregion(0xcfc, *ports.data);
    config_ports_.push_back(std::move(ports));
}

// The devices of every PC: COM1 (and COM2-4 for more -serial), the RTC, the keyboard
// controller, port 0x92, and -debugcon's console at 0xe9.
void PcBoard::create_isa_devices() {
    const MachineConfig& cfg = config();
    const std::size_t serials = std::max<std::size_t>(1, std::min<std::size_t>(cfg.serial.size(), 4));
    for (std::size_t i = 0; i < serials; ++i) {
        Device& uart = create("isa-serial", "serial[" + std::to_string(i) + "]");
        uart.set_property("index", std::to_string(i));
        if (i < cfg.serial.size() && !cfg.serial[i].empty()) uart.set_property("chardev", cfg.serial[i]);
        uart.realize();
        io_root_->add_subregion(std::stoul(uart.get_property("iobase"), nullptr, 0), uart.mmio(0));
        uart.connect_gpio_out("", 0, gsi(static_cast<unsigned>(std::stoul(uart.get_property("irq"), nullptr, 0))));
    }

    Device& rtc = create("mc146818rtc", "rtc");
    rtc.realize();
    io_root_->add_subregion(0x70, rtc.mmio(0));
    rtc.connect_gpio_out("", 0, gsi(8));
    fill_cmos(rtc);

    Device& kbd = create("i8042", "i8042");
    kbd.realize();
    io_root_->add_subregion(0x60, kbd.mmio(0));
    io_root_->add_subregion(0x64, kbd.mmio(1));
    kbd.connect_gpio_out("", 0, gsi(1));
    kbd.connect_gpio_out("", 1, gsi(12));

    Device& port92 = create("port92", "port92");
    port92.realize();
    io_root_->add_subregion(0x92, port92.mmio(0));

    if (!cfg.debugcon.empty()) {
        Device& con = create("isa-debugcon", "debugcon");
        con.set_property("chardev", cfg.debugcon);
        con.realize();
        io_root_->add_subregion(0xe9, con.mmio(0));
    }
}

// The firmware: -bios, else Debian's SeaBIOS. A ROM of the image's size ending at 4 GiB, its
// last 128 KiB also at 0xE0000 on the PCI side (where the shadow-RAM segments show it until
// the firmware copies itself into RAM). With -kernel and no -bios there is no firmware: the
// kernel is entered directly.
void PcBoard::load_firmware() {
    const MachineConfig& cfg = config();
    std::string path = cfg.bios;
    if (path.empty()) {
        if (!cfg.kernel.empty()) return;
        path = kDefaultBios;
        if (!std::filesystem::exists(path))
            throw Error("pc: no firmware: " + path + " is missing (install Debian's seabios package, or give -bios FILE)");
    }
    std::vector<std::uint8_t> image = read_file(path, "-bios");
    if (image.empty() || image.size() % 0x10000 != 0 || image.size() > (16u << 20))
        throw Error("-bios " + path + ": " + std::to_string(image.size()) +
                    " bytes: a PC BIOS image is a multiple of 64 KiB, at most 16 MiB");
    const Addr size = image.size();
    bios_ = MemoryRegion::rom("pc.bios", size);
    pci_memory_->add_subregion(k4GiB - size, *bios_);
    const Addr isa_size = std::min(size, kIsaBiosMax);
    isa_bios_ = MemoryRegion::alias("isa-bios", *bios_, size - isa_size, isa_size);
    pci_memory_->add_subregion(0x100000 - isa_size, *isa_bios_, 1);
    if (memory_->write_rom(k4GiB - size, image.data(), image.size()) != MemResult::Ok)
        throw Error("-bios " + path + ": cannot load at " + std::to_string(k4GiB - size));
}

// -kernel without -bios: the kernel is entered directly, as Firecracker and QEMU's microvm do
// (sdk x86_boot.h: bzImage through its 32-bit entry, vmlinux through PVH).
void PcBoard::load_kernel() {
    const MachineConfig& cfg = config();
    if (cfg.kernel.empty()) return;
    if (!cfg.bios.empty())
        throw Error("pc: -kernel boots the kernel directly, without firmware: drop -bios");
    // The ACPI tables go where SeaBIOS would put them, at the top of RAM below 4 GiB, kept
    // from the OS as ACPI data; the initrd goes below them.
    const Addr acpi_base = below_4g_ - kAcpiArea;
    const Addr rsdp = acpi::place_tables(*memory_, acpi_, acpi_base, kAcpiArea);
    std::vector<E820Entry> e820 = x86_pc_e820(cfg.ram_size, below_4g_);
    for (E820Entry& e : e820)
        if (e.type == E820Entry::Ram && e.addr < below_4g_ && e.addr + e.size == below_4g_) e.size -= kAcpiArea;
    e820.push_back({acpi_base, kAcpiArea, E820Entry::Acpi});
    e820.push_back({kKvmPrivateBase, kKvmPrivateSize, E820Entry::Reserved});
    std::sort(e820.begin(), e820.end(), [](const E820Entry& a, const E820Entry& b) { return a.addr < b.addr; });
    X86KernelConfig kernel{cfg.kernel, cfg.initrd, cfg.append, std::move(e820), acpi_base, rsdp};
    const X86BootPlan plan = x86_load_kernel(*memory_, kernel);
    prepare_direct_boot();
    cpus_[0]->set_boot_state(plan.boot_state());
    cpus_[0]->reset();
}

void PcBoard::reset() {
    reset_tree(*this);
    load_kernel();  // the guest may have overwritten the kernel, initrd and boot data
    reset_control_ = 0;
    chipset_reset();
}

}  // namespace emu::pc
