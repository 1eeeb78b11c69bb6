// The x86 CPU core (emu's software x86 CPU): an interpreter of the i686 (P6) instruction set in
// real, protected and virtual-8086 mode, with segmentation, paging (two-level and PAE), a
// software TLB and the x87 FPU; with X86Config::x86_64 also long mode (64-bit and
// compatibility mode, 4-level paging, SYSCALL/SYSRET) and SSE/SSE2 (issue #10).
//
// This is the library the plugin (the "qemu32" CPU device, with its local APIC) and the
// differential test (tests/x86diff) share. It knows nothing of devices: memory is the
// AddressSpace it is given (per CPU, so the local APIC's page can sit in front of system
// memory), port I/O another one, interrupts arrive through InterruptSource and the nmi/init/
// sipi entry points.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace emu {
class AddressSpace;
}

namespace emu::x86 {

class Cpu;
class X86Core;

// Where maskable interrupts come from (the local APIC, which also forwards the 8259's ExtINT).
// Called on the CPU thread.
class InterruptSource {
public:
    virtual ~InterruptSource() = default;
    // A maskable interrupt is waiting (the core takes it when EFLAGS.IF allows).
    virtual bool interrupt_pending() = 0;
    // Interrupt acknowledge: the vector to take now (moves it from IRR to ISR). Only called
    // right after interrupt_pending() returned true.
    virtual std::uint8_t acknowledge() = 0;
};

struct X86Config {
    std::uint32_t apic_id = 0;
    // The CPU model: false = i686 (qemu32: no long mode, 36-bit physical addresses); true =
    // x86-64 (qemu64: long mode, SYSCALL, 40-bit physical addresses, CPUID family 15).
    bool x86_64 = false;
    // The block compiler (jit.h; -accel tcg,jit=off turns it off): hot blocks of 32- and 64-bit
    // code run as host code.
    bool jit = true;
    // Time base for RDTSC (and the APIC): nanoseconds of the virtual clock. Empty: the
    // instruction count is used (deterministic; the differential test).
    std::function<std::uint64_t()> clock_ns;
    std::uint64_t tsc_hz = 1000000000;  // TSC ticks per second
    // Test harness hook: INT n calls this first; true = handled (the core continues after the
    // instruction; the hook may change registers).
    std::function<bool(X86Core&, std::uint8_t vector)> on_software_interrupt;
    // The guest triple-faulted (shutdown): the embedder resets the machine. run() returns
    // StopReason::Shutdown after calling it.
    std::function<void()> on_shutdown;
    // Writes to IA32_APIC_BASE (enable bit, relocation): the embedder moves the APIC page.
    std::function<void(std::uint64_t value)> on_apic_base;
};

enum class StopReason {
    Budget,      // max_instructions executed
    Halted,      // HLT (or waiting for SIPI): sleep until interrupt_pending()/nmi/init/sipi
    Stopped,     // request_stop()
    Breakpoint,  // reached an address given to add_breakpoint()
    Shutdown,    // triple fault
};

// Register numbers for reg()/set_reg(): the general registers in encoding order.
enum GeneralRegister : unsigned { kEax, kEcx, kEdx, kEbx, kEsp, kEbp, kEsi, kEdi };
enum SegmentRegister : unsigned { kEs, kCs, kSs, kDs, kFs, kGs };

class X86Core {
public:
    X86Core(AddressSpace& memory, AddressSpace* io, X86Config config);
    ~X86Core();
    X86Core(const X86Core&) = delete;
    X86Core& operator=(const X86Core&) = delete;

    // Power-on/RESET state: real mode, CS:IP = F000:FFF0 with CS base 0xFFFF0000.
    void reset();
    // INIT (the SDM's "INIT" column: like reset but the FPU/MSRs/caches are kept); an
    // application processor then waits for a start-up IPI (wait_for_sipi).
    void init();
    // Boot-loader entry states (x86.h describes them): 32-bit flat protected mode, or real mode.
    void enter_flat32(std::uint32_t entry, const std::uint32_t args[8]);
    void enter_real(std::uint32_t entry, const std::uint32_t args[8]);
    // An application processor waits in wait-for-SIPI after reset until sipi(vector).
    void set_wait_for_sipi(bool waiting);

    StopReason run(std::uint64_t max_instructions);
    std::uint64_t instructions_executed() const;
    void request_stop();  // thread-safe

    void set_interrupt_source(InterruptSource* source);  // may be null (no maskable interrupts)
    // Thread-safe entry points for the local APIC; each wakes a halted CPU (the caller kicks).
    void nmi();
    void init_signal();
    void sipi(std::uint8_t vector);
    // There is something to do after HLT: an NMI/INIT/SIPI, or a maskable interrupt that
    // EFLAGS.IF allows (checked through the interrupt source).
    bool has_work();

    // Architectural state, for the embedder, the debugger and tests.
    std::uint32_t reg(unsigned n) const;
    void set_reg(unsigned n, std::uint32_t value);
    std::uint32_t eip() const;
    void set_eip(std::uint32_t value);
    std::uint32_t eflags() const;
    void set_eflags(std::uint32_t value);
    std::uint16_t selector(unsigned segment) const;
    std::uint32_t segment_base(unsigned segment) const;
    std::uint64_t cr(unsigned n) const;
    std::uint64_t apic_base() const;  // IA32_APIC_BASE
    Cpu& internal() { return *cpu_; }

    // Tracing (-d in_asm,int,exec): free when disabled.
    void set_trace(std::function<void(const std::string&)> sink, bool in_asm, bool interrupts, bool exec);
    // Debugger: run() stops before an instruction at a breakpoint's linear address (except the
    // one it resumes at); translate_debug() walks the page tables without side effects.
    void add_breakpoint(std::uint64_t linear);
    void remove_breakpoint(std::uint64_t linear);
    bool translate_debug(std::uint64_t linear, std::uint64_t& physical);

private:
    std::unique_ptr<Cpu> cpu_;
};

}  // namespace emu::x86
