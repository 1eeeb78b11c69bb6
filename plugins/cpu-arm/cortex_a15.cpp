#include "cortex_a15.h"

#include <emu/lock.h>
#include <emu/machine.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include "psci.h"

#include <cstdio>
#include <mutex>

namespace emu::arm {

namespace {
constexpr std::uint64_t kNsPerSecond = 1000000000;

// a * b / c without overflow for the ranges used here (ns and counter ticks).
std::uint64_t scale(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    const std::uint64_t q = a / c, r = a % c;
    return q * b + r * b / c;
}
}  // namespace

void CortexA15::class_init(ClassBuilder<CortexA15>& c) {
    c.integer("mp-affinity", &CortexA15::affinity_, std::uint32_t{0},
              "MPIDR affinity fields Aff2:Aff1:Aff0 (bits 23:0)")
        .range(0, 0xffffff);
    c.integer("reset-address", &CortexA15::reset_address_, std::uint32_t{0},
              "address of the first instruction after reset when no boot state is set");
    c.integer("cntfrq", &CortexA15::cntfrq_, std::uint64_t{62500000}, "generic timer frequency in Hz")
        .range(1000, 1000000000);
    c.boolean("start-powered-off", &CortexA15::start_powered_off_, false,
              "start powered off until PSCI CPU_ON (secondary CPUs)");
    c.enumeration("psci-conduit", &CortexA15::psci_,
                  {{"disabled", PsciConduit::None}, {"hvc", PsciConduit::Hvc}, {"smc", PsciConduit::Smc}},
                  PsciConduit::None, "how the guest calls the emulated PSCI firmware");
}

std::uint64_t CortexA15::counter_now() const {
    // The counter runs on the virtual clock, so it stops while the machine is paused.
    const ClockNs ns = loop_->now(ClockType::Virtual);
    return scale(static_cast<std::uint64_t>(ns < 0 ? 0 : ns), cntfrq_, kNsPerSecond);
}

void CortexA15::do_realize() {
    Machine* board = machine();
    if (!board || !board->system_memory())
        throw Error("needs a machine with system memory (it cannot run under -M none)");
    loop_ = &board->loop();
    ArmConfig config;
    config.mpidr_affinity = affinity_;
    config.reset_pc = reset_address_;
    config.cntfrq = static_cast<std::uint32_t>(cntfrq_);
    config.counter = [this] { return counter_now(); };
    config.on_timer_change = [this](ArmCore&) {
        BigLockGuard lock;
        update_timer_outputs();
    };
    config.on_hvc_smc = [this](ArmCore&, std::uint32_t, bool is_smc) {
        const bool conduit = is_smc ? psci_ == PsciConduit::Smc : psci_ == PsciConduit::Hvc;
        return conduit && psci_call(*this);
    };
    // -accel tcg,jit=off: the accelerator's "jit" property (the board created it first).
    if (Accelerator* accel = board->accelerator(); accel && accel->find_property("jit"))
        config.jit = accel->get_property("jit") == "on";
    core_ = std::make_unique<ArmCore>(*board->system_memory(), config);
    setup_trace(board->config());
    timer_wakeup_ = std::make_unique<Timer>(*loop_, ClockType::Virtual, [this] { update_timer_outputs(); });
    init_gpio_in("irq", 1, [this](unsigned, bool level) {
        core_->set_irq(level);
        if (level) kick();
    });
    init_gpio_in("fiq", 1, [this](unsigned, bool level) {
        core_->set_fiq(level);
        if (level) kick();
    });
    init_gpio_out("timer", &timer_lines_);
    set_powered(!start_powered_off_);
    reset();
}

// -d in_asm,int,exec [-D file]: trace lines go to the file (shared by all CPUs) or stderr.
void CortexA15::setup_trace(const MachineConfig& config) {
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

void CortexA15::do_unrealize() {
    timer_wakeup_.reset();
    core_.reset();
}

void CortexA15::reset() {
    core_->reset();
    if (const auto& boot = boot_state()) {
        for (std::size_t i = 0; i < boot->args.size() && i < 4; ++i)
            core_->set_reg(static_cast<unsigned>(i), static_cast<std::uint32_t>(boot->args[i]));
        std::uint32_t cpsr = core_->cpsr();
        if (boot->entry & 1) cpsr |= 1u << 5;  // Thumb entry
        core_->set_cpsr(cpsr);
        core_->set_reg(15, static_cast<std::uint32_t>(boot->entry & ~std::uint64_t{1}));
    }
}

SoftwareCpu::ExecResult CortexA15::execute(std::uint64_t budget) {
    if (gdb_single_step_ || !gdb_breakpoints_.empty()) return execute_for_debugger(budget);
    switch (core_->run(budget)) {
    case StopReason::Wfi:
        return ExecResult::Halted;
    case StopReason::Halted:
        return ExecResult::Stopped;
    default:
        return ExecResult::Budget;
    }
}

bool CortexA15::has_work() const { return core_->interrupt_pending(); }

void CortexA15::stop_execution() {
    if (core_) core_->request_stop();
}

std::uint64_t CortexA15::instructions_executed() const { return core_ ? core_->instructions_executed() : 0; }

void CortexA15::update_timer_outputs() {
    for (int which = 0; which < 2; ++which) {
        const bool level = core_->timer_irq_asserted(which);
        if (level != timer_levels_[which]) {
            timer_levels_[which] = level;
            timer_lines_[which].set(level);
        }
    }
    const std::uint64_t deadline = core_->next_timer_deadline();
    if (deadline == UINT64_MAX) {
        timer_wakeup_->cancel();
        return;
    }
    const std::uint64_t ns = deadline >= (std::uint64_t{1} << 62) / 16 ? std::uint64_t{1} << 62
                                                                      : scale(deadline, kNsPerSecond, cntfrq_);
    const ClockNs when = static_cast<ClockNs>(ns);
    if (!timer_wakeup_->armed() || timer_wakeup_->deadline() != when) timer_wakeup_->arm(when + 1);
}

std::vector<CortexA15*> CortexA15::siblings() const {
    std::vector<CortexA15*> cpus;
    std::function<void(const Object&)> walk = [&](const Object& o) {
        for (auto& child : o.children()) {
            if (auto* cpu = child->as<CortexA15>(); cpu && cpu->realized()) cpus.push_back(cpu);
            walk(*child);
        }
    };
    if (Machine* board = machine()) walk(*board);
    return cpus;
}

namespace {

void register_types(TypeBatch& types) {
    types.add({.name = "arm-cpu",
               .parent = "cpu",
               .abstract = true,
               .description = "base of emu's ARMv7-A CPU models"});
    types.add({.name = "cortex-a15",
               .parent = "arm-cpu",
               .description = "ARM Cortex-A15 (ARMv7-A, VFPv4-D16, generic timer)",
               .factory = factory_of<CortexA15>(),
               .class_init = class_init_of<CortexA15>(&CortexA15::class_init)});
}

}  // namespace
}  // namespace emu::arm

EMU_PLUGIN(cpu_arm, "0.1.0", "ARMv7-A CPU models run by emu's software CPU (tcg)", "MIT",
           emu::arm::register_types);
