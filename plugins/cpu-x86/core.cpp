// X86Core, the public face of the core, on top of Cpu.
#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "cpu.h"
#include "jit.h"
#include "system_internal.h"

#include <emu/memory.h>

namespace emu::x86 {

StopReason run_cpu(Cpu& cpu, std::uint64_t max_instructions);  // run.cpp

Cpu::Cpu(AddressSpace& memory_, AddressSpace* io_, X86Config config_, X86Core& owner_)
    : memory(memory_), io(io_), config(std::move(config_)), owner(owner_) {
    apic_id = config.apic_id;
    phys_mask = (1ull << (config.x86_64 ? 40 : 36)) - 1;
    // EMU_X86_JIT=0 turns the block compiler off; =eager compiles every block before its first
    // run (tests: short random programs then run compiled too).
    const char* env = std::getenv("EMU_X86_JIT");
    const std::string_view jit_env = env ? env : "";
    if (config.jit && jit_env != "0") jit_threshold = jit_env == "eager" ? 1 : kJitThreshold;
    reset_state();
}

Cpu::~Cpu() = default;

X86Core::X86Core(AddressSpace& memory, AddressSpace* io, X86Config config)
    : cpu_(std::make_unique<Cpu>(memory, io, std::move(config), *this)) {}

X86Core::~X86Core() = default;

void X86Core::reset() { cpu_->reset_state(); }
void X86Core::init() { cpu_->init_state(); }

namespace {
void set_args(Cpu& cpu, const std::uint32_t args[8]) {
    for (unsigned i = 0; i < 8; ++i) cpu.gpr[i] = args ? args[i] : 0;
}
}  // namespace

void X86Core::enter_flat32(std::uint32_t entry, const std::uint32_t args[8]) {
    Cpu& c = *cpu_;
    c.reset_state();
    c.cr0 = kCr0PE | kCr0ET;
    for (auto& s : c.seg) s = Segment{0x18, 0, 0xFFFFFFFF, 0xC93};
    c.seg[CS] = Segment{0x10, 0, 0xFFFFFFFF, 0xC9B};
    c.tr = Segment{0x20, 0, 0x67, 0x8B};
    set_args(c, args);
    c.set_flags(2);
    c.rip = entry;
    c.cpl = 0;
    c.tlb.flush_all();
}

void X86Core::enter_real(std::uint32_t entry, const std::uint32_t args[8]) {
    Cpu& c = *cpu_;
    c.reset_state();
    c.seg[CS] = Segment{static_cast<std::uint16_t>((entry >> 4) & 0xF000), entry & ~0xFFFFull, 0xFFFF, 0x9B};
    c.rip = entry & 0xFFFF;
    for (Seg s : {ES, SS, DS, FS, GS}) c.seg[s] = Segment{0, 0, 0xFFFF, 0x93};
    set_args(c, args);
    c.tlb.flush_all();
}

void X86Core::set_wait_for_sipi(bool waiting) {
    cpu_->wait_for_sipi = waiting;
    if (waiting) cpu_->apic_base &= ~0x100ull;  // an application processor, not the BSP
}
StopReason X86Core::run(std::uint64_t max_instructions) { return run_cpu(*cpu_, max_instructions); }
std::uint64_t X86Core::instructions_executed() const { return cpu_->instructions; }
namespace {
// Post an event for the run loop: its own flag first, then the one word the loop polls.
void post(Cpu& c, std::atomic<bool>& flag) {
    flag.store(true, std::memory_order_release);
    c.async_events.store(1, std::memory_order_release);
}
}  // namespace

void X86Core::request_stop() { post(*cpu_, cpu_->stop_requested); }
void X86Core::set_interrupt_source(InterruptSource* source) { cpu_->interrupt_source = source; }
void X86Core::nmi() { post(*cpu_, cpu_->pending_nmi); }
void X86Core::init_signal() { post(*cpu_, cpu_->pending_init); }
void X86Core::sipi(std::uint8_t vector) {
    cpu_->pending_sipi.store(vector, std::memory_order_release);
    cpu_->async_events.store(1, std::memory_order_release);
}

bool X86Core::has_work() {
    Cpu& c = *cpu_;
    if (c.pending_init.load() || c.stop_requested.load()) return true;
    if (c.wait_for_sipi) return c.pending_sipi.load() >= 0;
    if (c.pending_nmi.load() && !c.nmi_blocked) return true;
    return (c.flags() & kIF) && c.interrupt_source && c.interrupt_source->interrupt_pending();
}

std::uint32_t X86Core::reg(unsigned n) const { return cpu_->reg32(n); }
void X86Core::set_reg(unsigned n, std::uint32_t value) { cpu_->set_reg32(n, value); }
std::uint32_t X86Core::eip() const { return static_cast<std::uint32_t>(cpu_->rip); }
void X86Core::set_eip(std::uint32_t value) { cpu_->rip = value; }
std::uint32_t X86Core::eflags() const { return cpu_->flags(); }
void X86Core::set_eflags(std::uint32_t value) { cpu_->set_flags(value); }
std::uint16_t X86Core::selector(unsigned segment) const { return cpu_->seg[segment].selector; }
std::uint32_t X86Core::segment_base(unsigned segment) const { return static_cast<std::uint32_t>(cpu_->seg[segment].base); }
std::uint64_t X86Core::cr(unsigned n) const {
    switch (n) {
    case 0: return cpu_->cr0;
    case 2: return cpu_->cr2;
    case 3: return cpu_->cr3;
    case 4: return cpu_->cr4;
    case 8: return cpu_->cr8;
    default: return 0;
    }
}
std::uint64_t X86Core::apic_base() const { return cpu_->apic_base; }

// -d in_asm and -d exec both give one 'exec: CS:EIP' line per instruction until a disassembler
// exists; -d int one line per delivered interrupt or exception.
void X86Core::set_trace(std::function<void(const std::string&)> sink, bool in_asm, bool interrupts, bool exec) {
    Cpu& c = *cpu_;
    c.trace_sink = std::move(sink);
    c.trace_interrupts = c.trace_sink && interrupts;
    c.trace_instructions = c.trace_sink && (in_asm || exec);
}

void X86Core::add_breakpoint(std::uint64_t linear) {
    auto& b = cpu_->breakpoints;
    if (std::find(b.begin(), b.end(), linear) == b.end()) b.push_back(linear);
}

void X86Core::remove_breakpoint(std::uint64_t linear) {
    auto& b = cpu_->breakpoints;
    b.erase(std::remove(b.begin(), b.end(), linear), b.end());
}

// A walk without accessed/dirty updates, TLB fills or CR2 (the debugger's view).
bool X86Core::translate_debug(std::uint64_t linear, std::uint64_t& physical) {
    Cpu& c = *cpu_;
    if (!c.long_mode()) linear &= 0xFFFFFFFFu;
    else if (!Cpu::canonical(linear)) return false;
    if (!c.paging()) {
        physical = linear;
        return true;
    }
    PageWalk w{};
    std::uint32_t error = 0;
    if (!page_walk(c, linear, Access::Read, false, false, w, error)) return false;
    physical = w.pa | (linear & 0xFFF);
    return true;
}

}  // namespace emu::x86
