// The software x86 CPU models (qemu32, qemu64): x86_cpu_device.h describes the device.
#include "x86_cpu_device.h"

#include <algorithm>
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

}  // namespace

X86SoftCpu::~X86SoftCpu() { do_unrealize(); }

void X86SoftCpu::class_init(ClassBuilder<X86SoftCpu>& c) {
    c.enumeration("boot-mode", &X86SoftCpu::boot_mode_, {{"flat32", BootMode::Flat32}, {"real", BootMode::Real}},
                  BootMode::Flat32,
                  "how a boot state's entry is entered: flat32 (32-bit protected mode, paging off; PVH, "
                  "multiboot) or real (real mode, CS = (entry >> 4) & 0xf000, IP = entry & 0xffff)");
}

void X86SoftCpu::reset() {
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
    apic_->set_apic_base(core_->apic_base());
    place_apic(core_->apic_base());
}

namespace {
SoftwareCpu::ExecResult exec_result(StopReason reason) {
    switch (reason) {
    case StopReason::Halted:
    case StopReason::Shutdown:  // the board resets the machine (on_shutdown asked for it)
        return SoftwareCpu::ExecResult::Halted;
    case StopReason::Stopped:
        return SoftwareCpu::ExecResult::Stopped;
    default:
        return SoftwareCpu::ExecResult::Budget;
    }
}
}  // namespace

SoftwareCpu::ExecResult X86SoftCpu::execute(std::uint64_t budget) {
    if (gdb_single_step_ || !gdb_breakpoints_.empty()) return execute_for_debugger(budget);
    // With -smp N every CPU runs on its own thread at the same time: LOCKed instructions are
    // atomic against the others' plain stores (exec_locked.cpp), page-table A/D updates are
    // compare-and-swaps, and x86's memory ordering is the host's.
    return exec_result(core_->run(budget));
}

void X86SoftCpu::do_realize() {
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
    config.x86_64 = x86_64_;
    config.clock_ns = [loop] {
        const ClockNs ns = loop->now(ClockType::Virtual);
        return static_cast<std::uint64_t>(ns < 0 ? 0 : ns);
    };
    config.on_shutdown = [pc] { pc->request_reset(); };
    // -accel tcg,jit=off: the accelerator's "jit" property (the board created it first).
    if (Accelerator* accel = board->accelerator(); accel && accel->find_property("jit"))
        config.jit = accel->get_property("jit") == "on";
    config.on_apic_base = [this](std::uint64_t value) {
        apic_->set_apic_base(value);
        BigLockGuard lock;
        place_apic(value);
    };
    core_ = std::make_unique<X86Core>(*space_, pc->io_space(), std::move(config));
    apic_ = std::make_unique<LocalApic>(*loop_, index(), *core_, [this] { kick(); });
    core_->set_interrupt_source(apic_.get());
    setup_trace(pc->config());
    reset();
}

void X86SoftCpu::do_unrealize() {
    if (apic_mapped_) view_->remove_subregion(apic_->mmio());
    apic_mapped_ = false;
    core_.reset();
    apic_.reset();
    space_.reset();
    if (view_ && system_alias_) view_->remove_subregion(*system_alias_);
    system_alias_.reset();
    view_.reset();
}

void X86SoftCpu::place_apic(std::uint64_t base) {
    MemoryRegion& page = apic_->mmio();
    if (apic_mapped_) view_->remove_subregion(page);
    apic_mapped_ = (base & kApicEnable) != 0;
    if (apic_mapped_) view_->add_subregion(base & kApicPage, page, 1);
}

void X86SoftCpu::setup_trace(const MachineConfig& config) {
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

namespace {


void register_types(TypeBatch& types) {
    types.add({.name = "qemu32",
               .parent = "x86-cpu",
               .description = "QEMU's generic 32-bit CPU (i686: P6 integer set, x87, PAE, local APIC; tcg only)",
               .factory = factory_of<X86SoftCpu>(),
               .class_init = class_init_of<X86SoftCpu>(&X86SoftCpu::class_init)});
    // The kvm plugin owns the type name "qemu64" (its own CPUID table for the host's KVM); the
    // pc boards resolve -cpu qemu64 under tcg to this type (PcBoard::create_cpus).
    types.add({.name = "qemu64-tcg",
               .parent = "x86-cpu",
               .description = "QEMU's generic 64-bit CPU on emu's software CPU (long mode, SYSCALL, NX, "
                              "SSE2; -cpu qemu64 with -accel tcg)",
               .factory = [] { return std::unique_ptr<Object>(new X86SoftCpu(true)); },
               .class_init = class_init_of<X86SoftCpu>(&X86SoftCpu::class_init)});
}

}  // namespace
}  // namespace emu::x86

EMU_PLUGIN(cpu_x86, "0.1.0", "x86 CPU models run by emu's software CPU (tcg)", "MIT", emu::x86::register_types);
