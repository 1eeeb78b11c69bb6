// The device tree: this board boots with the one from the kernel package (-dtb
// vexpress-v2p-ca15-tc1.dtb) and completes it as QEMU does: the memory node says how much RAM
// -m gave, and the four virtio-mmio transports, which the real board does not have, get nodes.
// (/chosen is arm_load_dtb's.)
#include <cstdio>

#include <emu/error.h>
#include <emu/loader.h>

#include "vexpress_machine.h"
#include "vexpress_map.h"

namespace emu::vexpress {

namespace {

// Cells of one (address, size) pair in a parent with these #address-cells/#size-cells.
std::vector<std::uint32_t> reg_cells(std::uint64_t address, std::uint64_t size, std::uint32_t address_cells,
                                     std::uint32_t size_cells) {
    std::vector<std::uint32_t> cells;
    for (std::uint32_t i = address_cells; i-- > 0;) cells.push_back(i < 2 ? static_cast<std::uint32_t>(address >> (32 * i)) : 0);
    for (std::uint32_t i = size_cells; i-- > 0;) cells.push_back(i < 2 ? static_cast<std::uint32_t>(size >> (32 * i)) : 0);
    return cells;
}

std::string node_name(const char* name, std::uint64_t address) {
    char text[64];
    std::snprintf(text, sizeof text, "/%s@%llx", name, static_cast<unsigned long long>(address));
    return text;
}

}  // namespace

Fdt VexpressMachine::load_fdt() const {
    const MachineConfig& cfg = config();
    if (cfg.dtb.empty())
        throw Error("vexpress-a15: give -dtb (vexpress-v2p-ca15-tc1.dtb from the kernel package): "
                    "this board boots Linux with the board's own device tree");
    Fdt fdt = [&] {
        try {
            return Fdt(read_file(cfg.dtb, "-dtb"));
        } catch (const Error& e) {
            throw Error("-dtb " + cfg.dtb + ": " + e.what());
        }
    }();
    const std::uint32_t address_cells = fdt.get_u32("/", "#address-cells").value_or(1);
    const std::uint32_t size_cells = fdt.get_u32("/", "#size-cells").value_or(1);

    // RAM as -m says (the tree from the kernel package describes the board's 1 GiB).
    const std::string memory = node_name("memory", kRam.base);
    fdt.add_node(memory);
    fdt.set_string(memory, "device_type", "memory");
    fdt.set_cells(memory, "reg", reg_cells(kRam.base, cfg.ram_size, address_cells, size_cells));

    // The virtio-mmio transports, on the GIC (QEMU finds it by the A9 GIC's compatible, which the
    // A15's lists too).
    std::optional<std::string> gic = fdt.find_compatible("arm,cortex-a15-gic");
    if (!gic) gic = fdt.find_compatible("arm,cortex-a9-gic");
    if (!gic) {
        std::fprintf(stderr, "emu: warning: -dtb %s has no GIC node: the virtio-mmio transports are left out of it\n",
                     cfg.dtb.c_str());
        return fdt;
    }
    std::optional<std::uint32_t> phandle = fdt.get_u32(*gic, "phandle");
    if (!phandle) phandle = fdt.set_phandle(*gic);
    // Added last-first: libfdt puts a new node before its siblings, so they end up in address order.
    for (unsigned i = kVirtioTransports; i-- > 0;) {
        const std::uint64_t base = kVirtio.base + i * kVirtio.size;
        const std::string node = node_name("virtio_mmio", base);
        fdt.add_node(node);
        fdt.set_string(node, "compatible", "virtio,mmio");
        fdt.set_cells(node, "reg", reg_cells(base, kVirtio.size, address_cells, size_cells));
        fdt.set_u32(node, "interrupt-parent", *phandle);
        // QEMU says edge-rising; the transport's line is a level (InterruptStatus != 0), and a
        // level-sensitive GIC input cannot miss an interrupt that arrives during an ack.
        fdt.set_cells(node, "interrupts", {0, kVirtioSpi + i, 4});
    }
    return fdt;
}

}  // namespace emu::vexpress
