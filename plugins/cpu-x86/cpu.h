// The x86 core's internal CPU: architectural state and the functions the parts of the core call
// on each other. Who owns what (one file per part):
//
//   decode.h, decode.cpp    instruction decoding: prefixes, opcode maps, ModRM/SIB, immediates
//   exec_*.cpp              the integer instructions (ALU, shifts, multiply/divide, moves,
//                           stack, control flow, string, BCD, bit operations, flags, I/O and
//                           the system instructions' decoding), step()
//   flags.h                 EFLAGS bits and the arithmetic flag helpers
//   memory.cpp              segmented and linear memory access, code fetch, the software TLB
//   paging.cpp              page-table walks (two-level, PAE), A/D bits, page faults
//   segments.cpp            descriptor tables, segment loads, far jumps/calls/returns, IRET,
//                           task state (stack switch), I/O permission
//   interrupts.cpp          exception and interrupt delivery, double/triple fault
//   system.cpp              control registers, MSRs, CPUID, RDTSC, reset/INIT/SIPI state
//   run.cpp                 the run loop: interrupt sampling, HLT, faults, budget, breakpoints
//   fpu.h, fpu*.cpp         the x87 FPU (and FXSAVE/FXRSTOR)
//   core.cpp                X86Core (the public API) on top of Cpu
//
// Faults. An instruction that faults throws Fault (raise()). run() catches it, puts EIP and
// ESP back to their values at the start of the instruction and delivers the exception. So an
// instruction may change ESP (and memory) before it faults, but no other register: write
// general registers, EFLAGS and segment registers only after the last access that can fault.
// REP string instructions keep ECX/ESI/EDI consistent after every iteration (EIP stays on the
// instruction until the count is done), so a fault in the middle resumes correctly.
#pragma once

#include <atomic>
#include <memory>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "fpu.h"
#include "tlb.h"
#include "x86_core.h"

namespace emu {
class AddressSpace;
}

namespace emu::x86 {

// Exception vectors: raise(vec::GP, 0).
namespace vec {
enum : std::uint8_t {
    DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
    TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19,
};
}  // namespace vec

// A fault in progress (thrown by raise(), caught by run()).
struct Fault {
    std::uint8_t vector;
    bool has_error;
    std::uint32_t error;
};

// A LOCKed read-modify-write found its memory operand changed by another CPU between its read
// and its write (Cpu::locked_store): h_locked puts the registers back and runs it again.
struct LockedRetry {};

enum Seg : std::uint8_t { ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5 };

// A segment register's hidden part (its descriptor cache). attr holds descriptor bits 40-47 in
// bits 0-7 (type 0-3, S 4, DPL 5-6, P 7) and bits 52-55 in bits 8-11 (AVL 8, L 9, D/B 10, G 11),
// the layout VMX and KVM use. limit is the effective byte limit (G already applied).
struct Segment {
    std::uint16_t selector = 0;
    std::uint64_t base = 0;
    std::uint32_t limit = 0xFFFF;
    std::uint16_t attr = 0;

    unsigned type() const { return attr & 0xF; }
    bool system() const { return !(attr & 0x10); }  // S = 0
    unsigned dpl() const { return (attr >> 5) & 3; }
    bool present() const { return attr & 0x80; }
    bool big() const { return attr & 0x400; }         // D/B
    bool code() const { return !system() && (attr & 0x8); }
    bool conforming() const { return code() && (attr & 0x4); }
    bool readable() const { return !code() || (attr & 0x2); }    // data always readable
    bool writable() const { return !code() && (attr & 0x2); }
    bool expand_down() const { return !code() && (attr & 0x4); }
};

struct DescriptorTable {
    std::uint64_t base = 0;
    std::uint16_t limit = 0xFFFF;
};

// How a linear access is checked and what a page fault's error code says.
enum class Access : std::uint8_t { Read, Write, Execute };

// Interrupt kinds for deliver(): they differ in privilege checks (software INT n checks the
// gate's DPL), whether an error code is pushed, and what EIP is saved.
enum class IntKind : std::uint8_t {
    External,   // INTR/NMI: saved EIP = the next instruction
    Exception,  // a fault: saved EIP = the faulting instruction (cpu.rip already put back)
    Software,   // INT n, INT3, INTO: saved EIP = the next instruction; gate DPL >= CPL checked
    SoftwareIcebp,  // INT1 (F1): like Software but no DPL check
};

// EFLAGS bits.
enum : std::uint32_t {
    kCF = 1u << 0, kPF = 1u << 2, kAF = 1u << 4, kZF = 1u << 6, kSF = 1u << 7, kTF = 1u << 8,
    kIF = 1u << 9, kDF = 1u << 10, kOF = 1u << 11, kIOPL = 3u << 12, kNT = 1u << 14,
    kRF = 1u << 16, kVM = 1u << 17, kAC = 1u << 18, kVIF = 1u << 19, kVIP = 1u << 20,
    kID = 1u << 21,
    kArithFlags = kCF | kPF | kAF | kZF | kSF | kOF,
};

// CR0/CR4/EFER bits used across files.
enum : std::uint64_t {
    kCr0PE = 1u << 0, kCr0MP = 1u << 1, kCr0EM = 1u << 2, kCr0TS = 1u << 3, kCr0ET = 1u << 4,
    kCr0NE = 1u << 5, kCr0WP = 1u << 16, kCr0AM = 1u << 18, kCr0NW = 1u << 29,
    kCr0CD = 1u << 30, kCr0PG = 1u << 31,
    kCr4VME = 1u << 0, kCr4PVI = 1u << 1, kCr4TSD = 1u << 2, kCr4DE = 1u << 3, kCr4PSE = 1u << 4,
    kCr4PAE = 1u << 5, kCr4MCE = 1u << 6, kCr4PGE = 1u << 7, kCr4PCE = 1u << 8,
    kCr4OSFXSR = 1u << 9, kCr4OSXMMEXCPT = 1u << 10,
    kEferSCE = 1u << 0, kEferLME = 1u << 8, kEferLMA = 1u << 10, kEferNXE = 1u << 11,
};

struct InsnCache;  // exec.cpp

class Cpu {
public:
    Cpu(AddressSpace& memory, AddressSpace* io, X86Config config, X86Core& owner);
    ~Cpu();

    // ---- Architectural state ---------------------------------------------------------------
    // General registers (64-bit wide for the x86-64 step; i686 uses the low 32 bits and keeps
    // the upper halves zero). Index = encoding (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI).
    std::uint64_t gpr[16] = {};
    std::uint64_t rip = 0;
    // EFLAGS. Read and written only through flags()/set_flags() (the integer unit may keep the
    // arithmetic flags lazily); bit 1 always reads 1.
    std::uint32_t flags() const;
    void set_flags(std::uint32_t value);  // every bit (no privilege checks: callers apply them)
    Segment seg[6];
    Segment ldtr, tr;
    DescriptorTable gdtr, idtr;
    std::uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, efer = 0;
    std::uint64_t dr[8] = {};
    unsigned cpl = 0;  // current privilege level (CS.DPL in protected mode, 3 in v8086, 0 real)

    // Model-specific registers the core keeps (system.cpp owns the list and RDMSR/WRMSR).
    std::uint64_t apic_base = 0xFEE00900;  // BSP + enable; system.cpp clears BSP for APs
    std::uint32_t sysenter_cs = 0;
    std::uint64_t sysenter_esp = 0, sysenter_eip = 0;
    std::uint64_t pat = 0x0007040600070406ull;
    std::uint64_t tsc_offset = 0;  // TSC = clock ticks + tsc_offset (WRMSR 0x10 adjusts)
    std::uint64_t mtrr_def_type = 0, mtrr_fixed[11] = {}, mtrr_var[16] = {};
    std::uint64_t misc_enable = 1;  // IA32_MISC_ENABLE: fast strings
    // x86-64: SYSCALL/SYSRET (STAR, LSTAR, CSTAR, SFMASK) and SWAPGS's KERNEL_GS_BASE. The
    // FS_BASE/GS_BASE MSRs are seg[FS].base/seg[GS].base.
    std::uint64_t star = 0, lstar = 0, cstar = 0, sfmask = 0, kernel_gs_base = 0;
    std::uint64_t feature_control = 0;  // IA32_FEATURE_CONTROL: bit 0 locks it (no VMX/SMX to enable)
    std::uint64_t cr8 = 0;  // task priority (MOV CR8 in 64-bit mode); stored, not linked to the APIC

    FpuState fpu;  // x87 (fpu.h)

    // Interrupt shadow: the instruction after STI / MOV SS / POP SS runs before an interrupt
    // (step() sets it; run() clears it after the next instruction).
    bool interrupt_shadow = false;
    bool halted = false;          // HLT executed; run() returns Halted until work arrives
    bool wait_for_sipi = false;   // application processor after INIT
    std::uint32_t apic_id = 0;

    // Mode helpers.
    bool protected_mode() const { return cr0 & kCr0PE; }
    bool v86() const { return flags() & kVM; }
    bool paging() const { return cr0 & kCr0PG; }
    // Bits 63:47 all equal (48-bit linear addresses).
    static bool canonical(std::uint64_t a) {
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(a << 16) >> 16) == a;
    }
    // Default operand/address size of the code segment (16 or 32; 64 later).
    bool code32() const { return seg[CS].big(); }
    // Long mode (EFER.LMA) and 64-bit mode (long mode with CS.L); compatibility mode (LMA with
    // CS.L clear) behaves like 32-bit protected mode.
    bool long_mode() const { return efer & kEferLMA; }
    bool code64() const { return long_mode() && (seg[CS].attr & 0x200); }
    bool stack32() const { return seg[SS].big(); }
    std::uint32_t reg32(unsigned n) const { return static_cast<std::uint32_t>(gpr[n]); }
    void set_reg32(unsigned n, std::uint32_t v) { gpr[n] = v; }

    // ---- Faults (interrupts.cpp) ------------------------------------------------------------
    [[noreturn]] void raise(std::uint8_t vector) { throw Fault{vector, false, 0}; }
    [[noreturn]] void raise(std::uint8_t vector, std::uint32_t error) { throw Fault{vector, true, error}; }
    // Deliver an interrupt or exception through the IVT (real mode) or the IDT (protected mode,
    // v8086): gates, privilege checks, stack switch through the TSS, v8086 exit, error code.
    // next_rip is the EIP to save for External/Software kinds; Exception saves cpu.rip. A fault
    // while delivering becomes #DF; a fault delivering #DF is a triple fault (shutdown = true).
    void deliver(std::uint8_t vector, IntKind kind, bool has_error, std::uint32_t error,
                 std::uint64_t next_rip);
    bool shutdown = false;  // triple fault happened; run() stops with StopReason::Shutdown

    // ---- Memory (memory.cpp, paging.cpp) ----------------------------------------------------
    // Segmented access: checks the segment's limit and rights (#GP(0), or #SS(0) for SS, in
    // protected mode; real mode wraps per the 64 KiB/4 GiB limit rules), translates through
    // paging with the current CPL's privilege and raises #PF, then accesses RAM through the TLB
    // or the address space (MMIO, unassigned = all ones). size is 1, 2, 4 or 8 (8: CMPXCHG8B,
    // FPU/MMX operands); accesses crossing a page are split correctly. 64-bit mode: no limits or
    // rights, base 0 except FS/GS, non-canonical addresses #GP(0) (#SS(0) for SS).
    std::uint64_t read(Seg s, std::uint64_t offset, unsigned size);
    void write(Seg s, std::uint64_t offset, unsigned size, std::uint64_t value);
    // Bulk accesses for the FPU/FXSAVE and descriptor code (each byte checked like read()).
    void read_bytes(Seg s, std::uint64_t offset, void* out, unsigned length);
    void write_bytes(Seg s, std::uint64_t offset, const void* data, unsigned length);
    // Linear access, for descriptor tables, the TSS, the IDT and the stack pushes of interrupt
    // delivery. supervisor: an implicit system access (always privileged, as descriptor-table
    // reads are); otherwise the CPL decides. 32-bit addresses outside long mode; in long mode
    // 64-bit ones (non-canonical: #GP(0)).
    std::uint64_t read_linear(std::uint64_t linear, unsigned size, bool supervisor);
    void write_linear(std::uint64_t linear, std::uint64_t value, unsigned size, bool supervisor);
    // The linear address of seg:offset after the limit/rights check, without the access
    // (INVLPG, LEA-like uses go without this; CMPXCHG8B/XCHG locks use it to check both).
    std::uint64_t check_segment(Seg s, std::uint64_t offset, unsigned size, Access access);
    // Instruction fetch at CS:rip + n (limit checked against CS, executed through paging;
    // #GP/#PF as for the instruction). decode.cpp reads the instruction through these.
    std::uint8_t fetch8(std::uint64_t linear);
    // Physical access (no paging), for the page walker and the TSS/descriptor A-bit updates
    // through the walker; RAM through a host pointer, else the address space.
    std::uint64_t read_physical(std::uint64_t pa, unsigned size);
    void write_physical(std::uint64_t pa, std::uint64_t value, unsigned size);
    // Replace the value expected at pa with desired atomically (a page-table entry's A/D bits,
    // as the page walker sets them: another CPU may change the entry meanwhile). False: the
    // entry is no longer expected (nothing written). Not RAM: a plain write.
    bool cas_physical(std::uint64_t pa, std::uint64_t expected, std::uint64_t desired, unsigned size);

    // LOCKed read-modify-writes (exec_locked.cpp) against other vCPU threads' plain stores:
    // while lock_active, the first load from RAM records its host address and value, and a
    // store to that address is a compare-and-swap from the recorded value, throwing
    // LockedRetry when another CPU stored in between. The memory paths call these (decode.h,
    // memory.cpp); MMIO and page-crossing operands stay non-atomic (devices are under the big
    // lock).
    bool lock_active = false;
    std::uint8_t lock_size = 0;
    std::uint8_t* lock_host = nullptr;
    std::uint64_t lock_old = 0;
    std::uint64_t locked_load(const std::uint8_t* p, unsigned size);
    void locked_store(std::uint8_t* p, unsigned size, std::uint64_t value);
    // The host address of a locked operand that is RAM inside one page, after the checks and
    // page walk of a write (faults as a write would); null otherwise.
    std::uint8_t* locked_host(Seg s, std::uint64_t offset, unsigned size);
    // Translate a linear address for an access (TLB, else a page walk that fills it); raises
    // #PF with CR2 set. user: the access is made at CPL 3 (and not an implicit supervisor one).
    std::uint64_t translate(std::uint64_t linear, Access access, bool user);
    void tlb_flush(bool include_global);   // MOV CR3 (global kept), CR0/CR4 paging changes (all)
    void tlb_flush_page(std::uint64_t linear);  // INVLPG
    // Guest stores call this for pages that hold decoded code (when a decoded-instruction cache
    // exists); a no-op until then.
    void code_written(std::uint64_t physical, unsigned length);

    // Stack helpers on SS:ESP (or SP with a 16-bit stack; RSP in 64-bit mode), size 2, 4 or 8.
    void push(std::uint64_t value, unsigned size);
    std::uint64_t pop(unsigned size);

    // ---- Segments and tasks (segments.cpp) ---------------------------------------------------
    // MOV Sreg / POP Sreg / LDS..LSS: real mode and v8086 set base = selector << 4 (keeping the
    // cached limit/attributes); protected mode loads and checks the descriptor (#GP/#SS/#NP with
    // the selector as error code), sets its accessed bit, and updates cpl for CS.
    void load_segment(Seg s, std::uint16_t selector);
    // Far control transfers; osize is the operand size in bytes (2, 4 or 8: the offset's width
    // and the stack slots). In real/v8086 mode these are the plain CS:IP forms. Protected mode:
    // code segments (conforming/non-conforming), call gates (with privilege change and
    // parameter copy), task gates and TSS selectors (task switch), and far returns to outer
    // privilege levels. Long mode: 64-bit and compatibility code segments, 16-byte call gates
    // (no tasks: #GP), IRET popping SS:RSP from 64-bit mode, null SS for returns to CPL 0-2.
    void far_jump(std::uint16_t selector, std::uint64_t offset, unsigned osize, std::uint64_t next_rip);
    void far_call(std::uint16_t selector, std::uint64_t offset, unsigned osize, std::uint64_t next_rip);
    void far_return(unsigned osize, std::uint16_t pop_bytes);
    void iret(unsigned osize);
    // SYSCALL/SYSRET/SWAPGS (system.cpp; Intel's rules: #UD outside 64-bit mode or without
    // EFER.SCE, #GP for SYSRET/SWAPGS at CPL > 0). syscall: next_rip is the RIP saved in
    // RCX; sysret: osize 4 (to compatibility mode) or 8 (REX.W, to 64-bit mode).
    void syscall(std::uint64_t next_rip);
    void sysret(unsigned osize);
    void swapgs();
    // Task switch to the TSS selected by selector (JMP/CALL/INT through a task gate, IRET with
    // NT). reason: 0 = JMP, 1 = CALL/INT, 2 = IRET.
    void task_switch(std::uint16_t selector, int reason, std::uint64_t next_rip);
    // LLDT, LTR, LAR, LSL, VERR, VERW, ARPL live in exec code but use these:
    bool read_descriptor(std::uint16_t selector, std::uint64_t& descriptor);  // false: outside table
    static Segment segment_from_descriptor(std::uint16_t selector, std::uint64_t descriptor);
    // Long mode's 16-byte system descriptors (LDT, TSS; LLDT/LTR add this to the base): bits
    // 63:32 of the base, from the upper 8 bytes (#GP(selector) beyond the table limit or with a
    // non-zero type in the upper half). 0 outside long mode.
    std::uint64_t system_descriptor_high(std::uint16_t selector);
    // I/O permission: in protected mode with CPL > IOPL, or in v8086, the TSS bitmap must allow
    // every port of [port, port+size); else #GP(0).
    void check_io(std::uint16_t port, unsigned size);
    // Port I/O through the io address space (no permission check; exec code checks first).
    std::uint32_t port_in(std::uint16_t port, unsigned size);
    void port_out(std::uint16_t port, std::uint32_t value, unsigned size);

    // ---- System registers (system.cpp) -------------------------------------------------------
    // MOV to CR0/CR3/CR4: reserved-bit #GP, mode and TLB effects, cpl/segment consequences.
    void write_cr(unsigned n, std::uint64_t value);
    std::uint64_t read_cr(unsigned n);
    void write_msr(std::uint32_t index, std::uint64_t value);  // #GP(0) for unknown MSRs
    std::uint64_t read_msr(std::uint32_t index);
    void cpuid();  // EAX/ECX in, EAX/EBX/ECX/EDX out: the features the core implements
    std::uint64_t rdtsc();
    void reset_state();  // power-on state (reset and, keeping FPU/MSRs, INIT)
    void init_state();

    // ---- The integer unit (exec_*.cpp) ------------------------------------------------------
    // Decode and execute one instruction at CS:rip (advances rip, or throws Fault with rip
    // unchanged). Sets interrupt_shadow for STI/MOV SS/POP SS, halted for HLT.
    void step();

    // ---- Environment ------------------------------------------------------------------------
    AddressSpace& memory;
    AddressSpace* io;
    X86Config config;
    X86Core& owner;
    InterruptSource* interrupt_source = nullptr;
    std::uint64_t instructions = 0;
    std::atomic<bool> stop_requested{false};
    // Pending NMI/INIT/SIPI from other threads (run.cpp consumes them).
    std::atomic<bool> pending_nmi{false}, pending_init{false};
    std::atomic<int> pending_sipi{-1};
    bool nmi_blocked = false;  // from NMI delivery until the next IRET

    // The software TLB (tlb.h, memory.cpp/paging.cpp).
    Tlb tlb;

    // ---- Added by the system part -------------------------------------------------------------
    // The TLB entry for an access (a hit, else a page walk that fills it; #PF with CR2 set).
    TlbEntry& tlb_lookup(std::uint64_t linear, Access access, bool user);
    // fetch8()'s slow path: TLB miss, another code page, MMIO, or CS limit fault.
    std::uint8_t fetch8_slow(std::uint64_t linear);
    // The decoder's fast path: a host pointer to the code at linear (= CS.base + EIP + n) and
    // how many bytes from there may be read without further checks (same page, inside CS's
    // limit). Null (available = 0) when the byte must come through fetch8() (MMIO, or beyond
    // the limit: fetch8 raises the fault); #PF/#GP are raised as fetch8 would.
    const std::uint8_t* fetch_window(std::uint64_t linear, unsigned& available);
    const std::uint8_t* fetch_window_slow(std::uint64_t linear, unsigned& available);
    // Drop every cached translation and host pointer if the address space's topology changed.
    void sync_memory_generation();
    // PAE page-directory-pointer entries, loaded by MOV CR3 and paging-mode changes (SDM 4.4.1).
    std::uint64_t pdpte[4] = {};
    // MAXPHYADDR as a mask of the physical address bits (36 for the i686 model, 40 for x86-64).
    std::uint64_t phys_mask = (1ull << 36) - 1;
    // Linear-address width of descriptor-table, TSS and IDT accesses: 32 bits outside long mode.
    std::uint64_t system_linear_mask() const { return long_mode() ? ~0ull : 0xFFFFFFFFull; }
    // The cache of a code segment about to be loaded into CS: in long mode a 64-bit one gets
    // base 0 and limit 0xFFFFFFFF (the CPU ignores both), so the fetch fast path needs no mode
    // test.
    Segment code_cache(Segment s) const {
        if (long_mode() && (s.attr & 0x200)) {
            s.base = 0;
            s.limit = 0xFFFFFFFF;
        }
        return s;
    }
    // Non-zero while stop/NMI/INIT/SIPI may be pending: the run loop tests only this one word
    // per instruction (X86Core's nmi()/init_signal()/sipi()/request_stop() set it).
    std::atomic<std::uint32_t> async_events{0};
    // Debugger breakpoints (linear addresses) and -d tracing (X86Core's set_trace).
    std::vector<std::uint64_t> breakpoints;
    std::function<void(const std::string&)> trace_sink;
    bool trace_interrupts = false, trace_instructions = false;
    void trace(const std::string& line) { if (trace_sink) trace_sink(line); }
    std::uint32_t eflags_ = 2;  // flags()/set_flags() storage (exec code may keep parts lazily)
    // ---- Added by the performance work (exec.cpp, run.cpp, memory.cpp) ------------------------
    // The decoded-block cache (exec.cpp): runs of decoded instructions keyed by the host address
    // of their first byte and the CS default size, each checked against the bytes in memory
    // when entered (so DMA, other CPUs, stores between blocks and memory-map changes need no
    // invalidation). Allocated on first use.
    std::shared_ptr<InsnCache> insn_cache;
    // Runs of a block before it is compiled (jit.h); 0: never (X86Config::jit off, EMU_X86_JIT=0).
    std::uint32_t jit_threshold = 0;
    // Run the block at CS:rip: at most budget instructions, ending early after any instruction
    // that jumps, changes the mode, or sets exec_break. Returns the number executed (0: the
    // code is not cacheable here, use step()). Before each instruction start_rip/start_rsp get
    // its EIP/ESP, for the fault rule; instructions counts each completed one.
    std::uint64_t run_block(std::uint64_t budget, std::uint64_t& start_rip, std::uint64_t& start_rsp);
    // The host page of the running block (null outside one). A store into it, and any MMIO
    // access, sets exec_break so the block ends after that instruction: the next one is then
    // looked up (and its bytes checked) again, and an interrupt the access raised is taken at
    // the next instruction boundary.
    const std::uint8_t* exec_page = nullptr;
    bool exec_break = false;
    void note_store(const std::uint8_t* host) {
        if ((reinterpret_cast<std::uintptr_t>(host) & ~std::uintptr_t{0xFFF}) == reinterpret_cast<std::uintptr_t>(exec_page))
            exec_break = true;
    }
};

// Code fetch is the hottest memory access: fetch8()'s fast path (the current code page through
// its cached host pointer, inside CS's limit) is inline; memory.cpp has the rest. linear is not
// masked here: outside 64-bit mode callers pass 32-bit linear addresses (a wrapped one misses
// fetch_tag, which then holds a 32-bit page, and the slow path masks it); a 64-bit code
// segment's cache has base 0 and limit 0xFFFFFFFF, so the 32-bit offset test always passes.
inline std::uint8_t Cpu::fetch8(std::uint64_t linear) {
    if (static_cast<std::uint32_t>(linear - seg[CS].base) <= seg[CS].limit &&
        ((linear & ~0xFFFull) | (cpl == 3)) == tlb.fetch_tag) [[likely]]
        return tlb.fetch_host[linear & 0xFFF];
    return fetch8_slow(linear);
}

inline const std::uint8_t* Cpu::fetch_window(std::uint64_t linear, unsigned& available) {
    const std::uint32_t offset = static_cast<std::uint32_t>(linear - seg[CS].base);
    if (offset <= seg[CS].limit && ((linear & ~0xFFFull) | (cpl == 3)) == tlb.fetch_tag) [[likely]] {
        const std::uint32_t in_page = 0x1000 - (linear & 0xFFF);
        const std::uint32_t in_limit = seg[CS].limit - offset;  // bytes after the first
        available = in_limit < in_page ? in_limit + 1 : in_page;
        return tlb.fetch_host + (linear & 0xFFF);
    }
    return fetch_window_slow(linear, available);
}

}  // namespace emu::x86
