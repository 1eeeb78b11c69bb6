// The ARM Versatile Express board with the CoreTile Express A15x2 daughterboard (type
// "vexpress-a15"), on QEMU's map for it. Boots Linux with the tree from the kernel package
// (-dtb vexpress-v2p-ca15-tc1.dtb), which this board patches (memory, virtio-mmio nodes).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <emu/cpu.h>
#include <emu/fdt.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/property.h>

#include "vexpress_map.h"

namespace emu::vexpress {

class VexpressMachine final : public Machine {
public:
    static void class_init(ClassBuilder<VexpressMachine>& c);

    void init() override;
    unsigned max_cpus() const override;
    std::uint64_t default_ram_size() const override { return 128ull << 20; }
    std::string default_accel() const override { return "tcg"; }
    std::string default_nic_model() const override { return "lan9118"; }
    Device* onboard_nic() override { return ethernet_; }
    AddressSpace* system_memory() override { return memory_.get(); }

protected:
    void reset() override;

private:
    Device& create(const std::string& type, const std::string& name);
    void map(const Window& window, Device& device, unsigned region = 0);
    void connect_spi(Device& device, const std::string& output, unsigned line, unsigned spi);
    void create_memory();
    void create_cpus();
    void create_gic();
    void create_motherboard();
    void create_flash();
    void create_virtio_transports();
    void load_images();
    void write_secondary_boot_stub();

    // vexpress_fdt.cpp: the -dtb tree, patched for this board.
    Fdt load_fdt() const;

    std::unique_ptr<MemoryRegion> system_;
    std::unique_ptr<MemoryRegion> ram_, sram_, video_ram_, tile_sram_, flash_alias_, unassigned_;
    std::unique_ptr<AddressSpace> memory_;
    std::vector<Cpu*> cpus_;
    Device* gic_ = nullptr;
    Device* ethernet_ = nullptr;
};

}  // namespace emu::vexpress
