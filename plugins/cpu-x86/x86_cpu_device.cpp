// The software x86 CPU models (qemu32): X86Core behind the SDK's SoftwareCpu, run by tcg.
//
// Each CPU sees memory through its own address space: system memory, with the CPU's local
// APIC page in front of it at IA32_APIC_BASE (a CPU's accesses there reach its own APIC; a
// device's DMA to the same address is an MSI, which the board's system memory routes to the
// interrupt controller). Port I/O goes to the board's I/O space (X86Machine::io_space()).
// The device is the APIC bus's view of its local APIC (X86LocalApic, forwarded).
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <emu/cpu.h>
#include <emu/error.h>
#include <emu/event_loop.h>
#include <emu/lock.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>
#include <emu/x86.h>

#include "apic.h"
#include "x86_core.h"

namespace emu::x86 {
namespace {

constexpr std::uint64_t kApicPage = 0xFFFFF000;  // IA32_APIC_BASE bits of the page address
constexpr std::uint64_t kApicEnable = 1u << 11;

enum class BootMode { Flat32, Real };

class X86SoftCpu final : public SoftwareCpu, public X86LocalApic {
public:
    static void class_init(ClassBuilder<X86SoftCpu>& c) {
        c.enumeration("boot-mode", &X86SoftCpu::boot_mode_, {{"flat32", BootMode::Flat32}, {"real", BootMode::Real}},
                      BootMode::Flat32,
                      "how a boot state's entry is entered: flat32 (32-bit protected mode, paging off; PVH, "
                      "multiboot) or real (real mode, CS = (entry >> 4) & 0xf000, IP = entry & 0xffff)");
    }

    ~X86SoftCpu() override { do_unrealize(); }

    // SoftwareCpu
    void reset() override {
        if (!core_) return;
        core_->reset();
        apic_->reset();
        if (const auto& boot = boot_state()) {
            std::uint32_t args[8] = {};
            for (std::size_t i = 0; i < boot->args.size() && i < 8; ++i)
                args[i] = static_cast<std::uint32_t>(boot->args[i]);
            const auto entry = static_cast<std::uint32_t>(boot->entry);
            if (boot_mode_ == BootMode::Real)
                core_->enter_real(entry, args);
            else
                core_->enter_flat32(entry, args);
        } else if (index() != 0) {
            core_->set_wait_for_sipi(true);  // an application processor waits for INIT/SIPI
        }
        place_apic(core_->apic_base());
    }

    ExecResult execute(std::uint64_t budget) override {
        switch (core_->run(budget)) {
        case StopReason::Halted:
        case StopReason::Shutdown:  // the board resets the machine (on_shutdown asked for it)
            return ExecResult::Halted;
        case StopReason::Stopped:
            return ExecResult::Stopped;
        default:
            return ExecResult::Budget;
        }
    }

    bool has_work() const override { return core_ && core_->has_work(); }
    void stop_execution() override {
        if (core_) core_->request_stop();
    }
    std::uint64_t instructions_executed() const override { return core_ ? core_->instructions_executed() : 0; }

    // X86LocalApic: the bus talks to the APIC through its CPU device.
    std::uint32_t apic_id() const override { return apic_->apic_id(); }
    void deliver(const X86ApicMessage& message) override { apic_->deliver(message); }
    bool matches(bool logical, std::uint32_t destination) const override {
        return apic_->matches(logical, destination);
    }
    unsigned arbitration_priority() const override { return apic_->arbitration_priority(); }
    void set_lint(unsigned pin, bool level) override { apic_->set_lint(pin, level); }
    void connect_bus(X86ApicBus& bus) override { apic_->set_bus(&bus); }

protected:
    void do_realize() override {
        Machine* board = machine();
        auto* pc = dynamic_cast<X86Machine*>(board);
        AddressSpace* system_memory = pc ? pc->system_memory() : nullptr;
        if (!system_memory) throw Error("needs an x86 machine (-M pc or q35)");
        loop_ = &pc->loop();
        EventLoop* loop = loop_;

        // The CPU's view: system memory, the local APIC page over it.
        MemoryRegion& system = system_memory->root();
        view_ = MemoryRegion::container(display_name() + " memory", system.size());
        system_alias_ = MemoryRegion::alias(display_name() + " system", system, 0, system.size());
        view_->add_subregion(0, *system_alias_, 0);
        space_ = std::make_unique<AddressSpace>(display_name() + " memory", *view_);

        X86Config config;
        config.apic_id = index();
        config.clock_ns = [loop] {
            const ClockNs ns = loop->now(ClockType::Virtual);
            return static_cast<std::uint64_t>(ns < 0 ? 0 : ns);
        };
        config.on_shutdown = [pc] { pc->request_reset(); };
        config.on_apic_base = [this](std::uint64_t value) {
            BigLockGuard lock;
            place_apic(value);
        };
        core_ = std::make_unique<X86Core>(*space_, pc->io_space(), std::move(config));
        apic_ = std::make_unique<LocalApic>(*loop_, index(), *core_, [this] { kick(); });
        core_->set_interrupt_source(apic_.get());
        setup_trace(pc->config());
        reset();
    }

    void do_unrealize() override {
        if (apic_mapped_) view_->remove_subregion(apic_->mmio());
        apic_mapped_ = false;
        core_.reset();
        apic_.reset();
        space_.reset();
        if (view_ && system_alias_) view_->remove_subregion(*system_alias_);
        system_alias_.reset();
        view_.reset();
    }

private:
    // Map the APIC page where IA32_APIC_BASE says, or not at all while it is disabled.
    void place_apic(std::uint64_t base) {
        MemoryRegion& page = apic_->mmio();
        if (apic_mapped_) view_->remove_subregion(page);
        apic_mapped_ = (base & kApicEnable) != 0;
        if (apic_mapped_) view_->add_subregion(base & kApicPage, page, 1);
    }

    // -d in_asm,int,exec [-D file]
    void setup_trace(const MachineConfig& config) {
        if (config.trace.empty()) return;
        auto has = [&](std::string_view item) {
            std::string_view items = config.trace;
            while (!items.empty()) {
                const auto comma = items.find(',');
                if (items.substr(0, comma) == item) return true;
                if (comma == std::string_view::npos) break;
                items.remove_prefix(comma + 1);
            }
            return false;
        };
        static std::mutex trace_mutex;
        static std::FILE* trace_file = nullptr;
        {
            std::lock_guard lock(trace_mutex);
            if (!trace_file) {
                trace_file = config.trace_file.empty() ? stderr : std::fopen(config.trace_file.c_str(), "w");
                if (!trace_file) throw Error("-D " + config.trace_file + ": cannot open for writing");
            }
        }
        const unsigned cpu = index();
        core_->set_trace(
            [cpu](const std::string& line) {
                std::lock_guard lock(trace_mutex);
                std::fprintf(trace_file, "cpu%u: %s\n", cpu, line.c_str());
            },
            has("in_asm"), has("int"), has("exec"));
    }

    BootMode boot_mode_ = BootMode::Flat32;
    EventLoop* loop_ = nullptr;
    std::unique_ptr<MemoryRegion> view_, system_alias_;
    std::unique_ptr<AddressSpace> space_;
    std::unique_ptr<X86Core> core_;
    std::unique_ptr<LocalApic> apic_;
    bool apic_mapped_ = false;
};

void register_types(TypeBatch& types) {
    types.add({.name = "qemu32",
               .parent = "x86-cpu",
               .description = "QEMU's generic 32-bit CPU (i686: P6 integer set, x87, PAE, local APIC; tcg only)",
               .factory = factory_of<X86SoftCpu>(),
               .class_init = class_init_of<X86SoftCpu>(&X86SoftCpu::class_init)});
}

}  // namespace
}  // namespace emu::x86

EMU_PLUGIN(cpu_x86, "0.1.0", "x86 CPU models run by emu's software CPU (tcg)", "MIT", emu::x86::register_types);
