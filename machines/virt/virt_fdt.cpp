// The device tree of the virt board, generated from what init() created; node names and
// compatibles follow QEMU's for the same configuration.
#include <cstdio>

#include "virt_machine.h"
#include "virt_map.h"

namespace emu::virt {

namespace {

std::string node(const char* name, std::uint64_t base) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "/%s@%llx", name, static_cast<unsigned long long>(base));
    return buf;
}

// <GIC_SPI n IRQ_TYPE_LEVEL_HIGH>
std::vector<std::uint32_t> spi(unsigned n) { return {0, n, 4}; }

}  // namespace

Fdt VirtMachine::build_fdt() const {
    Fdt fdt;
    const unsigned ncpu = static_cast<unsigned>(cpus_.size());
    fdt.set_string("/", "compatible", "linux,dummy-virt");
    fdt.set_u32("/", "#address-cells", 2);
    fdt.set_u32("/", "#size-cells", 2);
    fdt.set_string("/", "model", "linux,dummy-virt");

    // Clock for the PrimeCell devices.
    fdt.add_node("/apb-pclk");
    const std::uint32_t clock = fdt.set_phandle("/apb-pclk");
    fdt.set_string("/apb-pclk", "compatible", "fixed-clock");
    fdt.set_u32("/apb-pclk", "#clock-cells", 0);
    fdt.set_u32("/apb-pclk", "clock-frequency", kApbClockHz);
    fdt.set_string("/apb-pclk", "clock-output-names", "clk24mhz");

    fdt.add_node("/psci");
    fdt.set_strings("/psci", "compatible", {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"});
    fdt.set_string("/psci", "method", "hvc");
    fdt.set_u32("/psci", "cpu_suspend", 0x84000001);
    fdt.set_u32("/psci", "cpu_off", 0x84000002);
    fdt.set_u32("/psci", "cpu_on", 0x84000003);
    fdt.set_u32("/psci", "migrate", 0x84000005);

    const std::string memory = node("memory", kRam.base);
    fdt.add_node(memory);
    fdt.set_string(memory, "device_type", "memory");
    fdt.set_cells(memory, "reg", cells64({kRam.base, config().ram_size}));

    std::vector<std::uint32_t> cpu_phandles;
    fdt.add_node("/cpus");
    fdt.set_u32("/cpus", "#address-cells", 1);
    fdt.set_u32("/cpus", "#size-cells", 0);
    for (unsigned i = 0; i < ncpu; ++i) {
        const std::uint32_t mpidr = ((i / 8) << 8) | (i % 8);
        char path[32];
        std::snprintf(path, sizeof path, "/cpus/cpu@%x", mpidr);
        fdt.add_node(path);
        fdt.set_string(path, "device_type", "cpu");
        fdt.set_string(path, "compatible", "arm," + cpu_type_);
        fdt.set_u32(path, "reg", mpidr);
        if (ncpu > 1) fdt.set_string(path, "enable-method", "psci");
        cpu_phandles.push_back(fdt.set_phandle(path));
    }
    // The topology, as QEMU describes it: one socket, one cluster, a core per CPU.
    fdt.add_node("/cpus/cpu-map");
    fdt.add_node("/cpus/cpu-map/socket0");
    fdt.add_node("/cpus/cpu-map/socket0/cluster0");
    for (unsigned i = 0; i < ncpu; ++i) {
        const std::string core = "/cpus/cpu-map/socket0/cluster0/core" + std::to_string(i);
        fdt.add_node(core);
        fdt.set_u32(core, "cpu", cpu_phandles[i]);
    }

    const std::string gic = node("intc", kGicDistributor.base);
    fdt.add_node(gic);
    const std::uint32_t gic_phandle = fdt.set_phandle(gic);
    fdt.set_string(gic, "compatible", "arm,cortex-a15-gic");
    fdt.set_u32(gic, "#interrupt-cells", 3);
    fdt.set_empty(gic, "interrupt-controller");
    fdt.set_u32(gic, "#address-cells", 2);
    fdt.set_u32(gic, "#size-cells", 2);
    fdt.set_empty(gic, "ranges");
    fdt.set_cells(gic, "reg", cells64({kGicDistributor.base, kGicDistributor.size, kGicCpuInterface.base,
                                       kGicCpuInterface.size}));
    fdt.set_u32("/", "interrupt-parent", gic_phandle);

    // PPI flags: a mask of the CPUs the interrupt goes to, level-high.
    const std::uint32_t ppi_flags = (((1u << ncpu) - 1) << 8) | 4;
    fdt.add_node("/timer");
    fdt.set_strings("/timer", "compatible", {"arm,armv7-timer"});
    fdt.set_empty("/timer", "always-on");
    fdt.set_cells("/timer", "interrupts", {1, kTimerSecurePpi, ppi_flags, 1, kTimerPhysPpi, ppi_flags, 1,
                                           kTimerVirtPpi, ppi_flags, 1, kTimerHypPpi, ppi_flags});

    const std::string uart = node("pl011", kUart.base);
    fdt.add_node(uart);
    fdt.set_strings(uart, "compatible", {"arm,pl011", "arm,primecell"});
    fdt.set_cells(uart, "reg", cells64({kUart.base, kUart.size}));
    fdt.set_cells(uart, "interrupts", spi(kUartSpi));
    fdt.set_cells(uart, "clocks", {clock, clock});
    fdt.set_strings(uart, "clock-names", {"uartclk", "apb_pclk"});

    const std::string rtc = node("pl031", kRtc.base);
    fdt.add_node(rtc);
    fdt.set_strings(rtc, "compatible", {"arm,pl031", "arm,primecell"});
    fdt.set_cells(rtc, "reg", cells64({kRtc.base, kRtc.size}));
    fdt.set_cells(rtc, "interrupts", spi(kRtcSpi));
    fdt.set_cells(rtc, "clocks", {clock});
    fdt.set_string(rtc, "clock-names", "apb_pclk");

    const std::string gpio = node("pl061", kGpio.base);
    fdt.add_node(gpio);
    const std::uint32_t gpio_phandle = fdt.set_phandle(gpio);
    fdt.set_strings(gpio, "compatible", {"arm,pl061", "arm,primecell"});
    fdt.set_cells(gpio, "reg", cells64({kGpio.base, kGpio.size}));
    fdt.set_cells(gpio, "interrupts", spi(kGpioSpi));
    fdt.set_empty(gpio, "gpio-controller");
    fdt.set_u32(gpio, "#gpio-cells", 2);
    fdt.set_cells(gpio, "clocks", {clock});
    fdt.set_string(gpio, "clock-names", "apb_pclk");
    fdt.add_node("/gpio-keys");
    fdt.set_string("/gpio-keys", "compatible", "gpio-keys");
    fdt.add_node("/gpio-keys/poweroff");
    fdt.set_string("/gpio-keys/poweroff", "label", "GPIO Key Poweroff");
    fdt.set_u32("/gpio-keys/poweroff", "linux,code", 116);  // KEY_POWER
    fdt.set_cells("/gpio-keys/poweroff", "gpios", {gpio_phandle, 3, 0});

    // Added from the top down so the tree lists them lowest address first, as QEMU's does.
    for (unsigned i = kVirtioTransports; i-- > 0;) {
        const std::uint64_t base = kVirtioMmio.base + i * kVirtioMmio.size;
        const std::string transport = node("virtio_mmio", base);
        fdt.add_node(transport);
        fdt.set_empty(transport, "dma-coherent");
        fdt.set_cells(transport, "interrupts", {0, kVirtioSpi + i, 1});  // edge, rising
        fdt.set_cells(transport, "reg", cells64({base, kVirtioMmio.size}));
        fdt.set_string(transport, "compatible", "virtio,mmio");
    }

    const std::string fw_cfg = node("fw-cfg", kFwCfg.base);
    fdt.add_node(fw_cfg);
    fdt.set_string(fw_cfg, "compatible", "qemu,fw-cfg-mmio");
    fdt.set_cells(fw_cfg, "reg", cells64({kFwCfg.base, kFwCfg.size}));
    fdt.set_empty(fw_cfg, "dma-coherent");

    const std::string pcie = node("pcie", kPcieMmio.base);
    fdt.add_node(pcie);
    fdt.set_string(pcie, "compatible", "pci-host-ecam-generic");
    fdt.set_string(pcie, "device_type", "pci");
    fdt.set_u32(pcie, "#address-cells", 3);
    fdt.set_u32(pcie, "#size-cells", 2);
    fdt.set_u32(pcie, "#interrupt-cells", 1);
    fdt.set_cells(pcie, "bus-range", {0, static_cast<std::uint32_t>(kPcieEcam.size / (1 << 20)) - 1});
    fdt.set_u32(pcie, "linux,pci-domain", 0);
    fdt.set_empty(pcie, "dma-coherent");
    fdt.set_cells(pcie, "reg", cells64({kPcieEcam.base, kPcieEcam.size}));
    // I/O space at bus address 0; 32-bit memory identity-mapped.
    fdt.set_cells(pcie, "ranges", {0x01000000, 0, 0, 0, static_cast<std::uint32_t>(kPciePio.base), 0,
                                   static_cast<std::uint32_t>(kPciePio.size), 0x02000000, 0,
                                   static_cast<std::uint32_t>(kPcieMmio.base), 0,
                                   static_cast<std::uint32_t>(kPcieMmio.base), 0,
                                   static_cast<std::uint32_t>(kPcieMmio.size)});
    std::vector<std::uint32_t> map;
    for (std::uint32_t slot = 0; slot < 4; ++slot)
        for (std::uint32_t pin = 0; pin < 4; ++pin) {
            const std::uint32_t child[] = {slot << 11, 0, 0, pin + 1, gic_phandle, 0, 0,
                                           0, kPcieSpi + (pin + slot) % 4, 4};
            map.insert(map.end(), std::begin(child), std::end(child));
        }
    fdt.set_cells(pcie, "interrupt-map", map);
    fdt.set_cells(pcie, "interrupt-map-mask", {0x1800, 0, 0, 7});

    const std::string flash = node("flash", kFlash.base);
    fdt.add_node(flash);
    fdt.set_string(flash, "compatible", "cfi-flash");
    fdt.set_cells(flash, "reg", cells64({kFlash.base, kFlash.size / 2, kFlash.base + kFlash.size / 2, kFlash.size / 2}));
    fdt.set_u32(flash, "bank-width", 4);

    fdt.add_node("/chosen");
    fdt.set_string("/chosen", "stdout-path", uart);
    return fdt;
}

}  // namespace emu::virt
