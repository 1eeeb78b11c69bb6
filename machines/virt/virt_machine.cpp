#include "virt_machine.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <emu/error.h>
#include <emu/fw_cfg.h>
#include <emu/loader.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include "virt_map.h"

namespace emu::virt {

void VirtMachine::class_init(ClassBuilder<VirtMachine>& c) {
    c.boolean("highmem", &VirtMachine::highmem_, false,
              "place devices and RAM above 4 GiB (needs an LPAE CPU; not supported by 32-bit CPUs)");
    c.string("dumpdtb", &VirtMachine::dumpdtb_, std::nullopt,
             "write the generated device tree to this file and exit");
}

unsigned VirtMachine::max_cpus() const { return kMaxCpus; }

Device& VirtMachine::create(const std::string& type, const std::string& name) {
    return dynamic_cast<Device&>(add_child(name, registry().create(type)));
}

void VirtMachine::init() {
    if (highmem_) throw Error("virt: highmem=on needs a CPU with LPAE; emu's ARM CPUs are 32-bit");
    const MachineConfig& cfg = config();
    if (cfg.ram_size > kRam.size)
        throw Error("virt: -m " + std::to_string(cfg.ram_size >> 20) + "M is more than the 3072 MiB that fit below 4 GiB");

    system_ = MemoryRegion::container("system", ~std::uint64_t(0));
    memory_ = std::make_unique<AddressSpace>("memory", *system_);
    ram_ = MemoryRegion::ram("virt.ram", cfg.ram_size);
    system_->add_subregion(kRam.base, *ram_);

    create_cpus();
    create_gic();
    create_uart();
    create_rtc();
    create_gpio();
    create_flash();
    create_fw_cfg();
    create_virtio_transports();
    create_pcie();

    if (!dumpdtb_.empty()) {
        std::vector<std::uint8_t> blob = build_fdt().blob();
        std::ofstream out(dumpdtb_, std::ios::binary);
        if (!out || !out.write(reinterpret_cast<const char*>(blob.data()), static_cast<std::streamsize>(blob.size())))
            throw Error("virt: dumpdtb: cannot write " + dumpdtb_);
        request_shutdown(0);
        return;
    }
    if (cfg.kernel.empty() && cfg.bios.empty() && !cfg.start_paused)
        throw Error("virt: nothing to run: give -kernel or -bios");
    if (!cfg.bios.empty()) add_boot_files_to_fw_cfg();
    load_images();
}

void VirtMachine::create_cpus() {
    const MachineConfig& cfg = config();
    cpu_type_ = cfg.cpu_model.empty() ? "cortex-a15" : cfg.cpu_model;
    const Type* type = registry().find(cpu_type_);
    if (!type) registry().get(cpu_type_);  // throws, naming the plugin that provides it if known
    if (!type->is_a("arm-cpu") || type->abstract())
        throw Error("virt: -cpu " + cpu_type_ + " is not an ARM CPU model (-cpu help lists them)");
    for (unsigned i = 0; i < cfg.smp_cpus; ++i) {
        auto& cpu = dynamic_cast<Cpu&>(create(cpu_type_, "cpu[" + std::to_string(i) + "]"));
        cpu.set_index(i);
        // QEMU's virt groups CPUs in clusters of 8 (Aff1) of up to 8 (Aff0).
        cpu.set_property("mp-affinity", std::to_string(((i / 8) << 8) | (i % 8)));
        cpu.set_property("psci-conduit", "hvc");
        cpu.set_property("start-powered-off", i > 0 ? "on" : "off");
        cpu.realize();
        accelerator()->add_cpu(cpu);
        cpus_.push_back(&cpu);
    }
}

void VirtMachine::create_gic() {
    gic_ = &create("arm_gic", "gic");
    gic_->set_property("num-cpu", std::to_string(cpus_.size()));
    gic_->set_property("num-irq", std::to_string(kGicIrqs));
    gic_->realize();
    system_->add_subregion(kGicDistributor.base, gic_->mmio(0));
    system_->add_subregion(kGicCpuInterface.base, gic_->mmio(1));
    for (unsigned i = 0; i < cpus_.size(); ++i) {
        gic_->connect_gpio_out("irq", i, cpus_[i]->gpio_in("irq", 0));
        gic_->connect_gpio_out("fiq", i, cpus_[i]->gpio_in("fiq", 0));
        // CPU timer outputs: 0 = non-secure physical (PPI 14), 1 = virtual (PPI 11).
        cpus_[i]->connect_gpio_out("timer", 0, gic_->gpio_in("ppi", i * 32 + 16 + kTimerPhysPpi));
        cpus_[i]->connect_gpio_out("timer", 1, gic_->gpio_in("ppi", i * 32 + 16 + kTimerVirtPpi));
    }
}

void VirtMachine::create_uart() {
    Device& uart = create("pl011", "uart");
    if (!config().serial.empty() && !config().serial[0].empty()) uart.set_property("chardev", config().serial[0]);
    uart.realize();
    system_->add_subregion(kUart.base, uart.mmio(0));
    uart.connect_gpio_out("", 0, gic_->gpio_in("", kUartSpi));
}

void VirtMachine::create_rtc() {
    Device& rtc = create("pl031", "rtc");
    rtc.realize();
    system_->add_subregion(kRtc.base, rtc.mmio(0));
    rtc.connect_gpio_out("", 0, gic_->gpio_in("", kRtcSpi));
}

// The generic PCIe host: ECAM, the 32-bit MMIO window (bus address == CPU physical address),
// the I/O window, and INTA-D on SPIs 3-6 (the bridge swizzles by slot).
void VirtMachine::create_pcie() {
    Device& pcie = create("gpex-pcihost", "pcie");
    pcie.set_property("ecam-size", std::to_string(kPcieEcam.size));
    pcie.realize();
    system_->add_subregion(kPcieEcam.base, pcie.mmio(0));
    pcie_mmio_ = MemoryRegion::alias("pcie-mmio", pcie.mmio(1), kPcieMmio.base, kPcieMmio.size);
    system_->add_subregion(kPcieMmio.base, *pcie_mmio_);
    system_->add_subregion(kPciePio.base, pcie.mmio(2));
    for (unsigned i = 0; i < 4; ++i) pcie.connect_gpio_out("", i, gic_->gpio_in("", kPcieSpi + i));
}

// PL061 GPIO; input 3 is the power button the tree's gpio-keys node describes.
void VirtMachine::create_gpio() {
    Device& gpio = create("pl061", "gpio");
    gpio.realize();
    system_->add_subregion(kGpio.base, gpio.mmio(0));
    gpio.connect_gpio_out("irq", 0, gic_->gpio_in("", kGpioSpi));
    gpio_ = &gpio;
}

// As QEMU's gpio-key: the line goes high and is released 100 ms (guest time) later, so the
// guest's gpio-keys driver sees a press and a release of KEY_POWER.
bool VirtMachine::press_power_button() {
    if (!gpio_) return false;
    constexpr unsigned kPowerButtonPin = 3;
    if (!power_button_release_)
        power_button_release_ = std::make_unique<Timer>(loop(), ClockType::Virtual, [this] {
            gpio_->gpio_in("", kPowerButtonPin).set(false);
        });
    gpio_->gpio_in("", kPowerButtonPin).set(true);
    power_button_release_->arm_in(100'000'000);
    return true;
}

// Two 64 MiB CFI flash banks (Intel command set, two x16 chips on a 32-bit bus, as on QEMU);
// -bios is loaded into the first. U-Boot probes them and keeps its environment there.
void VirtMachine::create_flash() {
    for (unsigned bank = 0; bank < 2; ++bank) {
        Device& flash = create("cfi.pflash01", "flash" + std::to_string(bank));
        flash.set_property("size", std::to_string(kFlash.size / 2));
        flash.set_property("sector-length", "256K");
        flash.set_property("width", "4");
        flash.set_property("device-width", "2");
        flash.set_property("id0", "0x89");
        flash.set_property("id1", "0x18");
        if (bank == 0 && !config().bios.empty()) {
            const auto size = std::filesystem::file_size(config().bios);
            if (size > kFlash.size / 2)
                throw Error("-bios " + config().bios + ": " + std::to_string(size) +
                            " bytes do not fit in the 64 MiB flash");
            flash.set_property("file", config().bios);
        }
        flash.realize();
        system_->add_subregion(kFlash.base + bank * (kFlash.size / 2), flash.mmio(0));
    }
}

// 32 virtio-mmio transports, created in address order: a -device virtio-*-device takes the
// last free one, so the first device sits at the highest address, as on QEMU.
void VirtMachine::create_virtio_transports() {
    for (unsigned i = 0; i < kVirtioTransports; ++i) {
        Device& transport = create("virtio-mmio", "virtio-mmio[" + std::to_string(i) + "]");
        transport.realize();
        system_->add_subregion(kVirtioMmio.base + i * kVirtioMmio.size, transport.mmio(0));
        transport.connect_gpio_out("", 0, gic_->gpio_in("", kVirtioSpi + i));
    }
}

void VirtMachine::create_fw_cfg() {
    auto& fw = dynamic_cast<FwCfg&>(create("fw_cfg-mmio", "fw_cfg"));
    fw.realize();
    system_->add_subregion(kFwCfg.base, fw.mmio(0));
    fw.add_u16(FwCfg::kNbCpus, static_cast<std::uint16_t>(cpus_.size()));
    fw_cfg_ = &fw;
}

// With firmware, the kernel, initrd and command line go to the firmware through fw_cfg (U-Boot's
// "qfw load"), as on QEMU.
void VirtMachine::add_boot_files_to_fw_cfg() {
    const MachineConfig& cfg = config();
    if (cfg.kernel.empty()) return;
    std::vector<std::uint8_t> kernel = read_file(cfg.kernel, "-kernel");
    fw_cfg_->add_u32(FwCfg::kKernelSize, static_cast<std::uint32_t>(kernel.size()));
    fw_cfg_->add_bytes(FwCfg::kKernelData, std::move(kernel));
    if (!cfg.initrd.empty()) {
        std::vector<std::uint8_t> initrd = read_file(cfg.initrd, "-initrd");
        fw_cfg_->add_u32(FwCfg::kInitrdSize, static_cast<std::uint32_t>(initrd.size()));
        fw_cfg_->add_bytes(FwCfg::kInitrdData, std::move(initrd));
    }
    fw_cfg_->add_u32(FwCfg::kCmdlineSize, static_cast<std::uint32_t>(cfg.append.size() + 1));
    fw_cfg_->add_string(FwCfg::kCmdlineData, cfg.append);
}

void VirtMachine::load_images() {
    const MachineConfig& cfg = config();
    Fdt fdt = [&] {
        if (cfg.dtb.empty()) return build_fdt();
        try {
            return Fdt(read_file(cfg.dtb, "-dtb"));
        } catch (const Error& e) {
            throw Error("-dtb " + cfg.dtb + ": " + e.what());
        }
    }();
    if (!cfg.bios.empty()) {
        // Firmware finds the tree at the start of RAM, as on QEMU, with room to edit it in place.
        std::vector<std::uint8_t> blob = fdt.blob_with_room(1 << 20);
        load_bytes(*memory_, kRam.base, blob, "device tree");
        cpus_[0]->set_boot_state({kFlash.base, {}});
        cpus_[0]->reset();
        return;
    }
    if (cfg.kernel.empty()) return;
    ArmKernelConfig kernel{kRam.base, cfg.ram_size, cfg.kernel, cfg.initrd, cfg.append};
    ArmBootPlan plan = arm_load_kernel(*memory_, kernel);
    if (plan.is_linux) arm_load_dtb(*memory_, fdt, kernel, plan);
    cpus_[0]->set_boot_state({plan.entry, plan.is_linux ? plan.boot_args() : std::vector<std::uint64_t>{}});
    cpus_[0]->reset();
}

void VirtMachine::reset() {
    reset_tree(*this);
    for (std::size_t i = 0; i < cpus_.size(); ++i) cpus_[i]->set_powered(i == 0);
    load_images();  // the guest may have overwritten the kernel, initrd and tree
}

const char* const kNeeds[] = {"cortex-a15=cpu_arm", "arm_gic=gic",  "pl011=pl011",
                              "pl031=pl031",      "fw_cfg-mmio=fw_cfg", "gpex-pcihost=gpex", "pl061=pl061",
                              "cfi.pflash01=pflash", "virtio-mmio=virtio_mmio", "tcg=tcg",
                              nullptr};

namespace {

void register_types(TypeBatch& types) {
    types.add({.name = "virt",
               .parent = "machine",
               .description = "QEMU 32-bit ARM Virtual Machine (GICv2, PL011, PL031, PSCI)",
               .factory = factory_of<VirtMachine>(),
               .class_init = class_init_of<VirtMachine>(&VirtMachine::class_init)});
}

}  // namespace

}  // namespace emu::virt

EMU_PLUGIN_WITH_NEEDS(virt, "0.1.0", "The ARM virt board", "MIT", emu::virt::register_types, emu::virt::kNeeds);
