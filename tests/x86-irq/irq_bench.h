// A bench for the PC interrupt devices of software CPUs: the x86-irqchip and i8254 plugins
// loaded into a registry, a "none" machine on an event loop whose virtual clock is in manual
// mode, an I/O space and a memory space where the test maps the devices, and fake local APICs
// recording what the APIC bus hands them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "device_fakes.h"
#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/type.h"
#include "emu/x86.h"
#include "plugin_loader.h"

namespace emu_test {

using emu_test_support::IrqRecorder;

// A local APIC as the bus sees it: physical id match (and 0xFF), logical flat match on ldr.
// (No `override` here: connect_bus is being added to X86LocalApic, and this compiles with and
// without it.)
class FakeApic final : public emu::X86LocalApic {
public:
    explicit FakeApic(std::uint32_t apic) : id(apic) {}
    std::uint32_t apic_id() const { return id; }
    void deliver(const emu::X86ApicMessage& m) { received.push_back(m); }
    bool matches(bool logical, std::uint32_t destination) const {
        if (destination == 0xFF) return true;
        return logical ? (ldr & destination) != 0 : destination == id;
    }
    unsigned arbitration_priority() const { return priority; }
    void set_lint(unsigned pin, bool level) { lint[pin & 1] = level; }
    void connect_bus(emu::X86ApicBus&) {}

    std::uint32_t id;
    std::uint32_t ldr = 0;
    unsigned priority = 0;
    bool lint[2] = {false, false};
    std::vector<emu::X86ApicMessage> received;
};

class IrqBench : public ::testing::Test {
protected:
    IrqBench() {
        for (const char* plugin : {"x86_irqchip", "i8254"}) {
            const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / (std::string(plugin) + ".so"));
            EXPECT_TRUE(record.loaded) << plugin << ": " << record.error;
        }
        root = registry.create("container");
        machine = &root->add_child("machine", take<emu::Machine>(registry.create("none")));
        machine->attach(loop, {});
        loop.virtual_clock().set_manual(true);
        io_root = emu::MemoryRegion::container("io", 0x10000);
        io = std::make_unique<emu::AddressSpace>("io", *io_root);
        system = emu::MemoryRegion::container("system", 1ull << 32);
        memory = std::make_unique<emu::AddressSpace>("memory", *system);
    }

    ~IrqBench() override {
        emu::unrealize_tree(*root);
        io.reset();
        memory.reset();
        io_root.reset();
        system.reset();
        root.reset();
    }

    template <class T>
    static std::unique_ptr<T> take(std::unique_ptr<emu::Object> object) {
        return emu_test_support::take_as<T>(std::move(object));
    }

    emu::Device& create(const std::string& type, const std::string& name) {
        auto& device = root->add_child(name, take<emu::Device>(registry.create(type)));
        device.realize();
        return device;
    }

    std::uint32_t in(std::uint16_t port, unsigned size = 1) {
        std::uint64_t value = 0;
        EXPECT_EQ(io->read_value(port, size, value), emu::MemResult::Ok);
        return static_cast<std::uint32_t>(value);
    }
    void out(std::uint16_t port, std::uint32_t value, unsigned size = 1) {
        EXPECT_EQ(io->write_value(port, size, value), emu::MemResult::Ok);
    }
    std::uint32_t readl(emu::Addr addr) {
        std::uint64_t value = 0;
        EXPECT_EQ(memory->read_value(addr, 4, value), emu::MemResult::Ok);
        return static_cast<std::uint32_t>(value);
    }
    void writel(emu::Addr addr, std::uint32_t value) {
        EXPECT_EQ(memory->write_value(addr, 4, value), emu::MemResult::Ok);
    }
    void step(emu::ClockNs ns) { loop.virtual_clock().step(ns); }
    emu::ClockNs now() { return loop.now(emu::ClockType::Virtual); }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    emu::Machine* machine = nullptr;
    std::unique_ptr<emu::MemoryRegion> io_root, system;
    std::unique_ptr<emu::AddressSpace> io, memory;
};

// The irqchip mapped as a PC board maps it (x86-irqchip's header comment), with fake APICs.
class IrqChipBench : public IrqBench {
protected:
    IrqChipBench() {
        chip = &create("x86-irqchip", "irqchip");
        ic = dynamic_cast<emu::X86InterruptController*>(chip);
        bus = dynamic_cast<emu::X86ApicBus*>(chip);
        io_root->add_subregion(0x20, chip->mmio(0));
        io_root->add_subregion(0xA0, chip->mmio(1));
        io_root->add_subregion(0x4D0, chip->mmio(2));
        system->add_subregion(0xFEC00000, chip->mmio(3));
        system->add_subregion(emu::X86InterruptController::kMsiBase, ic->msi_window());
        chip->reset();
    }

    // The PC BIOS's 8259 setup: master at 0x08, slave at 0x70, cascade on IRQ 2, 8086 mode.
    void init_pics(std::uint8_t icw4 = 0x01) {
        out(0x20, 0x11);
        out(0x21, 0x08);
        out(0x21, 0x04);
        out(0x21, icw4);
        out(0xA0, 0x11);
        out(0xA1, 0x70);
        out(0xA1, 0x02);
        out(0xA1, icw4);
        out(0x21, 0x00);
        out(0xA1, 0x00);
    }
    void ioapic_write(unsigned reg, std::uint32_t value) {
        writel(0xFEC00000, reg);
        writel(0xFEC00010, value);
    }
    std::uint32_t ioapic_read(unsigned reg) {
        writel(0xFEC00000, reg);
        return readl(0xFEC00010);
    }
    void redirect(unsigned pin, std::uint64_t entry) {
        ioapic_write(0x10 + 2 * pin + 1, static_cast<std::uint32_t>(entry >> 32));
        ioapic_write(0x10 + 2 * pin, static_cast<std::uint32_t>(entry));
    }

    emu::Device* chip = nullptr;
    emu::X86InterruptController* ic = nullptr;
    emu::X86ApicBus* bus = nullptr;
};

}  // namespace emu_test
