// ArmCore: the embedder-facing wrapper around the internal Cpu.
#include "arm_core.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "cpu.h"

namespace emu::arm {

Cpu::Cpu(ArmCore& o, AddressSpace& memory, ArmConfig cfg)
    : owner(o), mem(memory), config(std::move(cfg)), code_pages_(1u << 20, 0) {
    mem_generation = mem.generation();
    // EMU_ARM_JIT=0 turns the JIT off; =eager compiles every block on its first execution
    // (tests: short random programs then run compiled too).
    const char* env = std::getenv("EMU_ARM_JIT");
    const std::string_view jit_env = env ? env : "";
    if (jit_env == "eager") jit_threshold = 1;
    if (config.jit && jit_env != "0") {
        jit_code = std::make_unique<jit::CodeBuffer>(kJitArenaBytes);
        if (!jit_code->usable()) jit_code.reset();
    }
    reset();
    cluster_join(this);
}

Cpu::~Cpu() { cluster_leave(this); }

ArmCore::ArmCore(AddressSpace& memory, ArmConfig config)
    : cpu_(std::make_unique<Cpu>(*this, memory, std::move(config))) {}
ArmCore::~ArmCore() = default;

void ArmCore::reset() { cpu_->reset(); }
StopReason ArmCore::run(std::uint64_t max_instructions) { return cpu_->run(max_instructions); }
std::uint64_t ArmCore::instructions_executed() const { return cpu_->icount; }
void ArmCore::request_stop() { cpu_->pending.fetch_or(Cpu::kPendStop, std::memory_order_release); }
void ArmCore::set_irq(bool level) {
    if (level) cpu_->pending.fetch_or(Cpu::kPendIrq, std::memory_order_release);
    else cpu_->pending.fetch_and(~Cpu::kPendIrq, std::memory_order_release);
}
void ArmCore::set_fiq(bool level) {
    if (level) cpu_->pending.fetch_or(Cpu::kPendFiq, std::memory_order_release);
    else cpu_->pending.fetch_and(~Cpu::kPendFiq, std::memory_order_release);
}
bool ArmCore::interrupt_pending() const {
    return cpu_->pending.load(std::memory_order_acquire) & (Cpu::kPendIrq | Cpu::kPendFiq);
}
bool ArmCore::interrupt_deliverable() const {
    const std::uint32_t p = cpu_->pending.load(std::memory_order_acquire);
    return ((p & Cpu::kPendIrq) && !(cpu_->aif & kPsrI)) || ((p & Cpu::kPendFiq) && !(cpu_->aif & kPsrF));
}

std::uint32_t ArmCore::reg(unsigned n) const { return cpu_->r[n & 15]; }
void ArmCore::set_reg(unsigned n, std::uint32_t value) {
    n &= 15;
    if (n == 15) value &= cpu_->thumb ? ~1u : ~3u;
    cpu_->r[n] = value;
}
std::uint32_t ArmCore::cpsr() const { return cpu_->cpsr(); }
void ArmCore::set_cpsr(std::uint32_t value) {
    cpu_->write_cpsr_full(value);
    cpu_->r[15] &= cpu_->thumb ? ~1u : ~3u;
}
std::uint32_t ArmCore::spsr() const { return cpu_->has_spsr() ? cpu_->spsr() : 0; }
VfpState& ArmCore::vfp() { return cpu_->vfp_state; }

std::uint32_t ArmCore::cp15_read(unsigned crn, unsigned opc1, unsigned crm, unsigned opc2) {
    std::uint32_t v = 0;
    bool ends = false;
    const std::uint8_t saved = cpu_->priv;
    cpu_->priv = 1;
    if (!cpu_->cp15_access(true, crn, opc1, crm, opc2, v, ends)) v = 0;
    cpu_->priv = saved;
    return v;
}
void ArmCore::cp15_write(unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, std::uint32_t value) {
    bool ends = false;
    const std::uint8_t saved = cpu_->priv;
    cpu_->priv = 1;
    cpu_->cp15_access(false, crn, opc1, crm, opc2, value, ends);
    cpu_->priv = saved;
}

bool ArmCore::timer_irq_asserted(int which) const { return cpu_->timer_asserted(which); }
std::uint64_t ArmCore::next_timer_deadline() const { return cpu_->timer_deadline(); }

void ArmCore::set_trace(std::function<void(const std::string&)> sink, bool in_asm, bool interrupts, bool exec) {
    cpu_->trace_sink = std::move(sink);
    cpu_->trace_in_asm = in_asm;
    cpu_->trace_int = interrupts;
    cpu_->trace_exec = exec;
    cpu_->debug_changed();
    if (in_asm) {
        if (cpu_->running) cpu_->flush_pending = true;  // re-decode so blocks get traced
        else cpu_->flush_code_cache();
    }
}

void ArmCore::invalidate_code(std::uint64_t physical_address, std::uint64_t length) {
    cpu_->invalidate_code_range(physical_address, length);
}
void ArmCore::flush_code_cache() {
    if (cpu_->running) cpu_->flush_pending = true;
    else cpu_->flush_code_cache();
}
void ArmCore::add_breakpoint(std::uint32_t va) {
    va &= ~1u;
    auto& v = cpu_->breakpoints;
    if (std::find(v.begin(), v.end(), va) == v.end()) v.push_back(va);
    cpu_->debug_changed();
}
void ArmCore::remove_breakpoint(std::uint32_t va) {
    va &= ~1u;
    auto& v = cpu_->breakpoints;
    v.erase(std::remove(v.begin(), v.end(), va), v.end());
    cpu_->debug_changed();
}
bool ArmCore::translate_debug(std::uint32_t va, std::uint64_t& physical_address) {
    const Translation t = cpu_->walk(va);
    if (t.fsr) return false;
    physical_address = t.pa;
    return true;
}

AddressSpace& ArmCore::memory() { return cpu_->mem; }

}  // namespace emu::arm
