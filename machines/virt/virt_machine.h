// The ARM `virt` board: QEMU's generic 32-bit ARM virtual platform.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <emu/arm_boot.h>
#include <emu/cpu.h>
#include <emu/event_loop.h>
#include <emu/fdt.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/property.h>

namespace emu {
class FwCfg;
}

namespace emu::virt {

class VirtMachine final : public Machine {
public:
    static void class_init(ClassBuilder<VirtMachine>& c);

    void init() override;
    unsigned max_cpus() const override;
    std::uint64_t default_ram_size() const override { return 128ull << 20; }
    std::string default_accel() const override { return "tcg"; }
    AddressSpace* system_memory() override { return memory_.get(); }
    bool press_power_button() override;

    // What the device tree describes (virt_fdt.cpp).
    Fdt build_fdt() const;

protected:
    void reset() override;

private:
    Device& create(const std::string& type, const std::string& name);
    void create_cpus();
    void create_gic();
    void create_uart();
    void create_rtc();
    void create_gpio();
    void create_flash();
    void create_fw_cfg();
    void create_virtio_transports();
    void create_pcie();
    void add_boot_files_to_fw_cfg();
    void load_images();

    bool highmem_ = false;
    std::string dumpdtb_;

    std::unique_ptr<MemoryRegion> system_;
    std::unique_ptr<MemoryRegion> ram_;
    std::unique_ptr<MemoryRegion> pcie_mmio_;
    std::unique_ptr<AddressSpace> memory_;
    std::vector<Cpu*> cpus_;
    Device* gic_ = nullptr;
    Device* gpio_ = nullptr;
    std::unique_ptr<Timer> power_button_release_;
    FwCfg* fw_cfg_ = nullptr;
    std::string cpu_type_;
};

}  // namespace emu::virt
