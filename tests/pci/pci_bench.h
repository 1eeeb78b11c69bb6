// A bench for the PCI core: a registry with the PCI types and the gpex plugin, a test machine
// with system memory (16 MiB of RAM and an MSI doorbell that records writes), the gpex host
// bridge mapped as the virt board maps it, and "pci-testdev", a PCI function with one BAR of
// each kind, an optional ROM (romfile=), MSI and MSI-X.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/pci.h"
#include "emu/property.h"
#include "emu/type.h"
#include "plugin_loader.h"

namespace pci_test {

using emu::Addr;

// The virt board's map (machines/virt/virt_map.h).
constexpr Addr kEcamBase = 0x3f000000;
constexpr Addr kMmioBase = 0x10000000, kMmioSize = 0x2eff0000;
constexpr Addr kPioBase = 0x3eff0000;
constexpr Addr kRamBase = 0x40000000, kRamSize = 16 << 20;
constexpr Addr kDoorbell = 0x08020000;  // where a GICv2m frame would be

struct Write {
    Addr offset;
    std::uint64_t value;
    unsigned size;
};

// A machine with system memory: RAM at kRamBase and a recording MMIO page at kDoorbell.
class PciMachine final : public emu::Machine {
public:
    PciMachine() {
        system_ = emu::MemoryRegion::container("system", ~Addr(0));
        memory_ = std::make_unique<emu::AddressSpace>("memory", *system_);
        ram_ = emu::MemoryRegion::ram("ram", kRamSize);
        system_->add_subregion(kRamBase, *ram_);
        emu::MmioOps ops;
        ops.read = [](Addr, unsigned) -> std::uint64_t { return 0; };
        ops.write = [this](Addr offset, std::uint64_t value, unsigned size) { doorbell_writes.push_back({offset, value, size}); };
        doorbell_ = emu::MemoryRegion::mmio("msi-doorbell", 0x1000, ops);
        system_->add_subregion(kDoorbell, *doorbell_);
    }
    emu::AddressSpace* system_memory() override { return memory_.get(); }
    emu::MemoryRegion& system() { return *system_; }
    std::uint8_t* ram() { return ram_->data(); }

    std::vector<Write> doorbell_writes;

private:
    std::unique_ptr<emu::MemoryRegion> system_;
    std::unique_ptr<emu::AddressSpace> memory_;
    std::unique_ptr<emu::MemoryRegion> ram_, doorbell_;
};

// A PCI function with every kind of BAR:
//   BAR0  4 KiB 32-bit memory: 1024 registers that read back what was written
//   BAR1  32 bytes of I/O: the same
//   BAR2  64 KiB 64-bit prefetchable memory backed by RAM (takes BAR3 too)
//   BAR4  MSI-X (table and PBA, exclusive BAR), when msix_vectors > 0
// plus MSI when msi_vectors > 0. Set the public fields before realize.
class TestPciDevice final : public emu::PciDevice {
public:
    unsigned msi_vectors = 1;
    bool msi_64bit = true;
    bool msi_maskable = false;
    unsigned msix_vectors = 4;
    std::uint8_t pin = 1;
    bool express = false;
    bool with_bars = true;

    TestPciDevice() {
        emu::MmioOps ops;
        ops.read = [this](Addr offset, unsigned) -> std::uint64_t { return regs[offset / 4]; };
        ops.write = [this](Addr offset, std::uint64_t value, unsigned) { regs[offset / 4] = static_cast<std::uint32_t>(value); };
        ops.valid_min = 1;
        ops.valid_max = 4;
        ops.impl_min = ops.impl_max = 4;
        mmio_ = emu::MemoryRegion::mmio("testdev.mmio", 0x1000, ops);
        emu::MmioOps io;
        io.read = [this](Addr offset, unsigned) -> std::uint64_t { return ports[offset / 4]; };
        io.write = [this](Addr offset, std::uint64_t value, unsigned) { ports[offset / 4] = static_cast<std::uint32_t>(value); };
        io.impl_min = io.impl_max = 4;
        io.valid_max = 4;
        io_ = emu::MemoryRegion::mmio("testdev.io", 32, io);
        ram64_ = emu::MemoryRegion::ram("testdev.ram64", 0x10000);
    }

    emu::PciIds ids() const override {
        return {.vendor_id = 0x1234, .device_id = 0x11e8, .class_code = 0xff0001, .revision = 0x02,
                .interrupt_pin = pin, .express = express};
    }

    std::uint8_t* bar2_ram() { return ram64_->data(); }

    std::uint32_t regs[1024] = {};
    std::uint32_t ports[8] = {};
    unsigned msi_offset = 0, msix_offset = 0;

protected:
    void realize_pci() override {
        if (with_bars) {
            register_bar(0, *mmio_, emu::PciBarType::Mem32);
            register_bar(1, *io_, emu::PciBarType::Io);
            register_bar(2, *ram64_, emu::PciBarType::Mem64Prefetch);
        }
        if (msix_vectors) msix_offset = msix_init_exclusive_bar(msix_vectors, 4);
        if (msi_vectors) msi_offset = msi_init(msi_vectors, msi_64bit, msi_maskable);
    }

private:
    std::unique_ptr<emu::MemoryRegion> mmio_, io_, ram64_;
};

// Records one line's level.
struct Line {
    std::shared_ptr<bool> level = std::make_shared<bool>(false);
    emu::IrqLine line() const {
        auto l = level;
        return emu::IrqLine([l](bool v) { *l = v; });
    }
};

template <class T>
std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
    auto* typed = dynamic_cast<T*>(object.get());
    if (!typed) throw std::runtime_error("unexpected object type");
    object.release();
    return std::unique_ptr<T>(typed);
}

class PciBench : public ::testing::Test {
protected:
    PciBench() {
        emu::register_pci_types(registry);
        const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / "gpex.so");
        EXPECT_TRUE(record.loaded) << record.error;
        registry.register_type({.name = "pci-test-machine",
                                .parent = "machine",
                                .description = "test machine with RAM and an MSI doorbell",
                                .factory = emu::factory_of<PciMachine>()},
                               "pci-tests");
        registry.register_type({.name = "pci-testdev",
                                .parent = "pci-device",
                                .category = emu::Category::Misc,
                                .description = "test PCI function",
                                .factory = emu::factory_of<TestPciDevice>()},
                               "pci-tests");
        root = registry.create("container");
        machine = &root->add_child("machine", as<PciMachine>(registry.create("pci-test-machine")));
        machine->attach(loop, {});
    }

    ~PciBench() override {
        emu::unrealize_tree(*root);
        mmio_alias.reset();
        root.reset();
    }

    // The gpex host bridge, mapped as on virt: bus address == CPU address in the MMIO window.
    emu::Device& add_host() {
        host = &machine->add_child("pcie", as<emu::Device>(registry.create("gpex-pcihost")));
        host->realize();
        machine->system().add_subregion(kEcamBase, host->mmio(0));
        mmio_alias = emu::MemoryRegion::alias("pcie-mmio", host->mmio(1), kMmioBase, kMmioSize);
        machine->system().add_subregion(kMmioBase, *mmio_alias);
        machine->system().add_subregion(kPioBase, host->mmio(2));
        for (unsigned i = 0; i < 4; ++i) host->connect_gpio_out("", i, intx[i].line());
        return *host;
    }

    // A pci-testdev under /machine/peripheral/<name>, with properties, not yet realized.
    TestPciDevice& create(const std::string& name, const std::vector<std::pair<std::string, std::string>>& props = {}) {
        auto& device = machine->container("peripheral").add_child(name, as<TestPciDevice>(registry.create("pci-testdev")));
        for (const auto& [key, value] : props) device.set_property(key, value);
        return device;
    }
    TestPciDevice& add(const std::string& name, const std::vector<std::pair<std::string, std::string>>& props = {}) {
        TestPciDevice& device = create(name, props);
        device.realize();
        return device;
    }

    emu::AddressSpace& memory() { return *machine->system_memory(); }
    std::uint64_t mem_read(Addr addr, unsigned size = 4) {
        std::uint64_t value = 0;
        last = memory().read_value(addr, size, value);
        return value;
    }
    void mem_write(Addr addr, std::uint64_t value, unsigned size = 4) { last = memory().write_value(addr, size, value); }

    static Addr ecam(unsigned bus, unsigned slot, unsigned fn, unsigned offset) {
        return kEcamBase + (Addr{bus} << 20 | Addr{slot} << 15 | Addr{fn} << 12 | offset);
    }
    std::uint32_t cfg_read(unsigned slot, unsigned offset, unsigned size = 4, unsigned fn = 0, unsigned bus = 0) {
        return static_cast<std::uint32_t>(mem_read(ecam(bus, slot, fn, offset), size));
    }
    void cfg_write(unsigned slot, unsigned offset, std::uint32_t value, unsigned size = 4, unsigned fn = 0) {
        mem_write(ecam(0, slot, fn, offset), value, size);
    }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    PciMachine* machine = nullptr;
    emu::Device* host = nullptr;
    std::unique_ptr<emu::MemoryRegion> mmio_alias;
    Line intx[4];
    emu::MemResult last = emu::MemResult::Ok;
};

// A temporary file with these bytes, removed at the end of the test.
class TempFile {
public:
    explicit TempFile(const std::vector<std::uint8_t>& bytes) {
        path_ = std::filesystem::temp_directory_path() /
                ("emu-pci-test-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter()++) + ".rom");
        std::ofstream out(path_, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    std::string path() const { return path_.string(); }

private:
    static unsigned& counter() {
        static unsigned n = 0;
        return n;
    }
    std::filesystem::path path_;
};

}  // namespace pci_test
