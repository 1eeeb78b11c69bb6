#include "vexpress_machine.h"

#include <array>
#include <filesystem>

#include <emu/arm_boot.h>
#include <emu/error.h>
#include <emu/loader.h>
#include <emu/plugin.h>

#include "vexpress_map.h"

namespace emu::vexpress {

void VexpressMachine::class_init(ClassBuilder<VexpressMachine>&) {}

unsigned VexpressMachine::max_cpus() const { return kMaxCpus; }

Device& VexpressMachine::create(const std::string& type, const std::string& name) {
    return dynamic_cast<Device&>(add_child(name, registry().create(type)));
}

void VexpressMachine::map(const Window& window, Device& device, unsigned region) {
    system_->add_subregion(window.base, device.mmio(region));
}

void VexpressMachine::connect_spi(Device& device, const std::string& output, unsigned line, unsigned spi) {
    device.connect_gpio_out(output, line, gic_->gpio_in("", spi));
}

void VexpressMachine::init() {
    const MachineConfig& cfg = config();
    if (cfg.ram_size > kRam.size)
        throw Error("vexpress-a15: -m " + std::to_string(cfg.ram_size >> 20) +
                    "M is more than the 2048 MiB that fit between 0x80000000 and 4 GiB");
    create_memory();
    create_cpus();
    create_gic();
    create_motherboard();
    create_flash();
    create_virtio_transports();
    if (cfg.kernel.empty() && cfg.bios.empty() && !cfg.start_paused)
        throw Error("vexpress-a15: nothing to run: give -kernel (with -dtb) or -bios");
    load_images();
}

void VexpressMachine::create_memory() {
    system_ = MemoryRegion::container("system", ~std::uint64_t(0));
    memory_ = std::make_unique<AddressSpace>("memory", *system_);
    ram_ = MemoryRegion::ram("vexpress.highmem", config().ram_size);
    system_->add_subregion(kRam.base, *ram_);
    sram_ = MemoryRegion::ram("vexpress.sram", kSram.size);
    system_->add_subregion(kSram.base, *sram_);
    video_ram_ = MemoryRegion::ram("vexpress.vram", kVideoRam.size);
    system_->add_subregion(kVideoRam.base, *video_ram_);
    tile_sram_ = MemoryRegion::ram("vexpress.a15sram", kTileSram.size);
    system_->add_subregion(kTileSram.base, *tile_sram_);
    // What is not modelled (the PL041, PL111, SP805s, the tile's memory and DMA controllers...)
    // reads as zero and ignores writes, as on QEMU's vexpress (ignore_memory_transaction_failures):
    // the kernel's tree lists those PrimeCells and Linux reads their IDs.
    unassigned_ = MemoryRegion::mmio("vexpress.unassigned", std::uint64_t{1} << 32,
                                     {.read = [](Addr, unsigned) -> std::uint64_t { return 0; },
                                      .write = [](Addr, std::uint64_t, unsigned) {}});
    system_->add_subregion(0, *unassigned_, -1);
}

// The tree's CPUs have no enable-method: Linux's vexpress SMP code starts them through the
// boot monitor (SYS_FLAGS and a wake-up SGI), so every CPU is powered from the start and the
// secondaries run the small boot-monitor loop of write_secondary_boot_stub().
void VexpressMachine::create_cpus() {
    const MachineConfig& cfg = config();
    const std::string cpu_type = cfg.cpu_model.empty() ? "cortex-a15" : cfg.cpu_model;
    const Type* type = registry().find(cpu_type);
    if (!type) registry().get(cpu_type);  // throws, naming the plugin that provides it if known
    if (!type->is_a("arm-cpu") || type->abstract())
        throw Error("vexpress-a15: -cpu " + cpu_type + " is not an ARM CPU model (-cpu help lists them)");
    for (unsigned i = 0; i < cfg.smp_cpus; ++i) {
        auto& cpu = dynamic_cast<Cpu&>(create(cpu_type, "cpu[" + std::to_string(i) + "]"));
        cpu.set_index(i);
        cpu.set_property("mp-affinity", std::to_string(i));  // one cluster, as the tree's reg = <i>
        cpu.realize();
        accelerator()->add_cpu(cpu);
        cpus_.push_back(&cpu);
    }
}

void VexpressMachine::create_gic() {
    gic_ = &create("arm_gic", "gic");
    gic_->set_property("num-cpu", std::to_string(cpus_.size()));
    gic_->set_property("num-irq", std::to_string(kGicIrqs));
    gic_->realize();
    map(kGicDistributor, *gic_, 0);
    map(kGicCpuInterface, *gic_, 1);
    for (unsigned i = 0; i < cpus_.size(); ++i) {
        gic_->connect_gpio_out("irq", i, cpus_[i]->gpio_in("irq", 0));
        gic_->connect_gpio_out("fiq", i, cpus_[i]->gpio_in("fiq", 0));
        // CPU timer outputs: 0 = non-secure physical (PPI 14), 1 = virtual (PPI 11).
        cpus_[i]->connect_gpio_out("timer", 0, gic_->gpio_in("ppi", i * 32 + 16 + kTimerPhysPpi));
        cpus_[i]->connect_gpio_out("timer", 1, gic_->gpio_in("ppi", i * 32 + 16 + kTimerVirtPpi));
    }
}

// The IO FPGA's peripherals and the LAN9118, in the motherboard's order.
void VexpressMachine::create_motherboard() {
    Device& sysregs = create("vexpress-sysregs", "sysregs");
    sysregs.realize();
    map(kSysRegs, sysregs);

    Device& sysctl = create("sp810", "sysctl");
    sysctl.realize();
    map(kSp810, sysctl);

    Device& mmci = create("pl180", "mmci");
    mmci.realize();
    map(kMmci, mmci);
    connect_spi(mmci, "", 0, kMmciSpi);
    connect_spi(mmci, "", 1, kMmciSpi + 1);
    mmci.connect_gpio_out("card-detect", 0, sysregs.gpio_in("mci", 0));
    mmci.connect_gpio_out("write-protect", 0, sysregs.gpio_in("mci", 1));

    const std::array<std::pair<Window, unsigned>, 2> kmis = {{{kKmi0, kKmi0Spi}, {kKmi1, kKmi1Spi}}};
    for (unsigned i = 0; i < kmis.size(); ++i) {
        Device& kmi = create("pl050", "kmi" + std::to_string(i));
        kmi.set_property("device", i == 0 ? "keyboard" : "mouse");
        kmi.realize();
        map(kmis[i].first, kmi);
        connect_spi(kmi, "", 0, kmis[i].second);
    }

    for (unsigned i = 0; i < kUarts; ++i) {
        Device& uart = create("pl011", "uart" + std::to_string(i));
        if (i < config().serial.size() && !config().serial[i].empty()) uart.set_property("chardev", config().serial[i]);
        uart.realize();
        map({kUart0.base + i * 0x10000, kUart0.size}, uart);
        connect_spi(uart, "", 0, kUart0Spi + i);
    }

    const std::array<std::pair<Window, unsigned>, 2> timers = {{{kTimer01, kTimer01Spi}, {kTimer23, kTimer23Spi}}};
    for (unsigned i = 0; i < timers.size(); ++i) {
        Device& timer = create("sp804", "timer" + std::to_string(i));
        timer.realize();
        map(timers[i].first, timer);
        connect_spi(timer, "", 0, timers[i].second);
    }

    Device& rtc = create("pl031", "rtc");
    rtc.realize();
    map(kRtc, rtc);
    connect_spi(rtc, "", 0, kRtcSpi);

    // The on-board NIC is wired now and realized by the core once -nic/-netdev say what it
    // connects to (Machine::onboard_nic()).
    ethernet_ = &create("lan9118", "ethernet");
    map(kEthernet, *ethernet_);
    connect_spi(*ethernet_, "", 0, kEthernetSpi);
}

// Two 64 MiB CFI flash banks (Intel command set, two x16 chips on a 32-bit bus, 256 KiB
// sectors, as QEMU's vexpress); -bios goes into the first, which also appears at address 0.
void VexpressMachine::create_flash() {
    const std::array<Window, 2> banks = {kFlash0, kFlash1};
    for (unsigned bank = 0; bank < banks.size(); ++bank) {
        Device& flash = create("cfi.pflash01", "flash" + std::to_string(bank));
        flash.set_property("size", std::to_string(banks[bank].size));
        flash.set_property("sector-length", "256K");
        flash.set_property("width", "4");
        flash.set_property("device-width", "2");
        flash.set_property("id0", "0x89");
        flash.set_property("id1", "0x18");
        if (bank == 0 && !config().bios.empty()) {
            const auto size = std::filesystem::file_size(config().bios);
            if (size > banks[bank].size)
                throw Error("-bios " + config().bios + ": " + std::to_string(size) + " bytes do not fit in the 64 MiB flash");
            flash.set_property("file", config().bios);
        }
        flash.realize();
        map(banks[bank], flash);
        if (bank == 0) {
            flash_alias_ = MemoryRegion::alias("vexpress.flashalias", flash.mmio(0), 0, kFlashAlias.size);
            system_->add_subregion(kFlashAlias.base, *flash_alias_);
        }
    }
}

// Four virtio-mmio transports in the motherboard's reserved space, as QEMU places them; a
// -device virtio-*-device takes the last free one, so the first device sits at the highest
// address (0x1c130600, SPI 43), as on QEMU.
void VexpressMachine::create_virtio_transports() {
    for (unsigned i = 0; i < kVirtioTransports; ++i) {
        Device& transport = create("virtio-mmio", "virtio-mmio[" + std::to_string(i) + "]");
        transport.realize();
        map({kVirtio.base + i * kVirtio.size, kVirtio.size}, transport);
        connect_spi(transport, "", 0, kVirtioSpi + i);
    }
}

// The secondary CPUs' boot monitor (what QEMU's smpboot does, and the board's firmware before
// it): enable this CPU's GIC interface and its SGIs (Linux wakes it with SGI 0), then sleep until
// an interrupt and jump to SYS_FLAGS once Linux has put an address there.
void VexpressMachine::write_secondary_boot_stub() {
    const std::array<std::uint32_t, 19> stub = {
        0xe59f2038,  //      ldr   r2, gic_cpu_interface
        0xe59f3038,  //      ldr   r3, gic_distributor
        0xe59f0038,  //      ldr   r0, sys_flags
        0xe3a01001,  //      mov   r1, #1
        0xe5821000,  //      str   r1, [r2]          @ GICC_CTLR: enable
        0xe3a010ff,  //      mov   r1, #0xff
        0xe5821004,  //      str   r1, [r2, #4]      @ GICC_PMR: let every priority through
        0xe3a01801,  //      mov   r1, #0x10000
        0xe2411001,  //      sub   r1, r1, #1
        0xe5831100,  //      str   r1, [r3, #0x100]  @ GICD_ISENABLER0: this CPU's SGIs
        0xf57ff04f,  //      dsb   sy
        0xe320f003,  // 1:   wfi
        0xe5901000,  //      ldr   r1, [r0]
        0xe3510000,  //      cmp   r1, #0
        0x0afffffb,  //      beq   1b
        0xe12fff11,  //      bx    r1
        static_cast<std::uint32_t>(kGicCpuInterface.base),  // gic_cpu_interface
        static_cast<std::uint32_t>(kGicDistributor.base),   // gic_distributor
        static_cast<std::uint32_t>(kSysFlags),              // sys_flags
    };
    std::vector<std::uint8_t> bytes;
    for (std::uint32_t word : stub)
        for (unsigned i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
    load_bytes(*memory_, kSecondaryBootStub, bytes, "secondary CPU boot stub");
}

void VexpressMachine::load_images() {
    const MachineConfig& cfg = config();
    if (!cfg.bios.empty()) {
        // Firmware starts every CPU at the flash, as the board's boot ROM would.
        for (Cpu* cpu : cpus_) {
            cpu->set_boot_state({kFlashAlias.base, {}});
            cpu->reset();
        }
        return;
    }
    if (cfg.kernel.empty()) return;
    ArmKernelConfig kernel{kRam.base, cfg.ram_size, cfg.kernel, cfg.initrd, cfg.append};
    ArmBootPlan plan = arm_load_kernel(*memory_, kernel);
    if (plan.is_linux) {
        Fdt fdt = load_fdt();
        arm_load_dtb(*memory_, fdt, kernel, plan);
    }
    cpus_[0]->set_boot_state({plan.entry, plan.is_linux ? plan.boot_args() : std::vector<std::uint64_t>{}});
    cpus_[0]->reset();
    write_secondary_boot_stub();
    for (std::size_t i = 1; i < cpus_.size(); ++i) {
        cpus_[i]->set_boot_state({kSecondaryBootStub, {}});
        cpus_[i]->reset();
    }
}

void VexpressMachine::reset() {
    reset_tree(*this);
    for (Cpu* cpu : cpus_) cpu->set_powered(true);
    load_images();  // the guest may have overwritten the kernel, initrd, tree and boot stub
}

const char* const kNeeds[] = {"cortex-a15=cpu_arm",   "arm_gic=gic",         "pl011=pl011",
                              "pl031=pl031",          "cfi.pflash01=pflash", "virtio-mmio=virtio_mmio",
                              "sp804=sp804",          "sp810=sp810",         "pl180=pl180",
                              "pl050=pl050",          "lan9118=lan9118",     "vexpress-sysregs=vexpress_sysregs",
                              "tcg=tcg",              nullptr};

namespace {

void register_types(TypeBatch& types) {
    types.add({.name = "vexpress-a15",
               .parent = "machine",
               .description = "ARM Versatile Express for Cortex-A15 (V2P-CA15 tile on V2M-P1)",
               .factory = factory_of<VexpressMachine>(),
               .class_init = class_init_of<VexpressMachine>(&VexpressMachine::class_init)});
}

}  // namespace

}  // namespace emu::vexpress

EMU_PLUGIN_WITH_NEEDS(vexpress_a15, "0.1.0", "The ARM Versatile Express A15 board", "MIT",
                      emu::vexpress::register_types, emu::vexpress::kNeeds);
