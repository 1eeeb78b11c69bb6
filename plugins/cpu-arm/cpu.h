// The internal CPU object: architectural state, CP15, the software TLB with its RAM fast path,
// the decoded-block cache and the glue the handlers use. Handlers are free functions taking
// Cpu&; the hot helpers (flags, conditions, memory fast path) are inline here.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "arm_core.h"
#include "arm_state.h"
#include "insn.h"
#include "jit.h"
#include "emu/jit_code_buffer.h"
#include "vfp.h"

#define ARM_LIKELY(x) __builtin_expect(!!(x), 1)
#define ARM_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace emu::arm {

enum AccessType : unsigned { kAccRead = 0, kAccWrite = 1, kAccExec = 2 };

// Software TLB: [privilege][access type][kTlbSize], direct-mapped by VA page.
constexpr unsigned kTlbBits = 8, kTlbSize = 1u << kTlbBits;
constexpr std::uint32_t kPageMask = 0xfffff000u;
enum : std::uint32_t {
    kTlbInvalidTag = 0xffffffffu,  // never equals a masked VA (bits 3-11 would be zero)
    kTlbSlow = 1u << 11,           // tag flag: valid translation, but take the slow path
};
enum : std::uint32_t {  // TlbEntry::info low bits (high bits: physical page)
    kInfoGlobal = 1u << 0,
    kInfoMmio = 1u << 1,  // not RAM: go through AddressSpace
    kInfoRom = 1u << 2,   // RAM that may not be written (ROM / read-only)
    kInfoCode = 1u << 3,  // page holds decoded code (write entries only)
    kInfoDomainShift = 4, // bits 7:4 domain
};
struct TlbEntry {
    std::uint32_t tag = kTlbInvalidTag;
    std::uint32_t info = 0;
    std::uintptr_t addend = 0;  // host address = addend + va (RAM only)
};

// Memory access status.
enum : int { kMemOk = 0, kMemFault = 1, kMemCodeHit = 2 };

// Fault status codes (short-descriptor FSR encoding, FS[4] in bit 10).
enum : std::uint32_t {
    kFsAlignment = 0x001,
    kFsDebug = 0x002,
    kFsAccessSection = 0x003,
    kFsAccessPage = 0x006,
    kFsTransSection = 0x005,
    kFsTransPage = 0x007,
    kFsDomainSection = 0x009,
    kFsDomainPage = 0x00b,
    kFsPermSection = 0x00d,
    kFsPermPage = 0x00f,
    kFsExtAbort = 0x008,
    kFsExtWalkL1 = 0x00c,
    kFsExtWalkL2 = 0x00e,
};

struct Cp15State {
    std::uint32_t sctlr = 0, actlr = 0, cpacr = 0;
    std::uint32_t ttbr0 = 0, ttbr1 = 0, ttbcr = 0, dacr = 0;
    std::uint32_t ttbr0_hi = 0, ttbr1_hi = 0, par_hi = 0;  // 64-bit (LPAE) views
    std::uint32_t dfsr = 0, ifsr = 0, dfar = 0, ifar = 0, par = 0;
    std::uint32_t prrr = 0, nmrr = 0, contextidr = 0;
    std::uint32_t tpidrurw = 0, tpidruro = 0, tpidrprw = 0, vbar = 0, csselr = 0;
    std::uint32_t cntkctl = 0, cntp_ctl = 0, cntv_ctl = 0, cntfrq = 0;
    std::uint64_t cntp_cval = 0, cntv_cval = 0, cntvoff = 0;
};
// SCTLR bits
constexpr std::uint32_t kSctlrM = 1u << 0, kSctlrA = 1u << 1, kSctlrSW = 1u << 10,
                        kSctlrV = 1u << 13, kSctlrWXN = 1u << 19, kSctlrUWXN = 1u << 20,
                        kSctlrEE = 1u << 25, kSctlrTRE = 1u << 28, kSctlrAFE = 1u << 29,
                        kSctlrTE = 1u << 30;

// A run of decoded instructions from one page (no crossing), keyed by physical address.
struct Block {
    std::uint32_t pa = 0;
    std::uint32_t count = 0;
    std::uint16_t start_off = 0, end_off = 0;  // bytes [start_off, end_off) of the page
    std::uint64_t epoch = 0;  // icache epoch at which the raw encodings were last verified
    bool live = true;
    bool thumb = false;
    std::uint8_t it0 = 0;
    Insn* insns = nullptr;
    // Chaining: the block that last followed this one, valid while link_key equals the
    // successor's Cpu::jc_key (which holds the jump-cache generation, so TLB and mapping changes
    // break links as they empty the jump cache). The target's live/epoch are checked on use.
    std::uint64_t link_key = ~0ull;
    Block* link = nullptr;
    // Compiled code (jit.h), made on the kJitThreshold-th execution; lives in the code arena,
    // which is reset with the block arena. Compiled blocks chain to each other through the
    // links and the jump cache, checking what run() checks (jit.cpp).
    JitFn jit = nullptr;
    std::uint32_t jit_hits = 0;
};

struct JcEntry {
    std::uint64_t key = ~0ull;  // Cpu::jc_key: generation, privilege, pc | thumb
    Block* block = nullptr;
};

// Result of a translation table walk.
struct Translation {
    std::uint32_t pa = 0;
    std::uint32_t fsr = 0;         // 0 = success; else FSR (with domain in bits 7:4)
    bool global = true;
    unsigned domain = 0;
    std::uint32_t page_size = 4096;
    // Permissions for each privilege (0 user, 1 PL1): bit0 read, bit1 write, bit2 exec.
    std::uint8_t perms[2] = {7, 7};
    // Faults for the denied accesses (permission/domain/access-flag), indexed like perms.
    std::uint32_t perm_fsr = 0;
};

class Cpu final : public ArmState, public VfpHost {
public:
    Cpu(ArmCore& owner, AddressSpace& memory, ArmConfig config);
    ~Cpu() override;

    // --- hot state (ArmState) is first via the base class ---
    TlbEntry tlb[2][3][kTlbSize];
    std::uint32_t fault_fsr = 0, fault_far = 0;  // the last memory fault (for the abort)
    bool fault_write = false;

    Cp15State cp15;
    VfpState vfp_state;

    ArmCore& owner;
    AddressSpace& mem;
    ArmConfig config;
    std::uint64_t mem_generation = 0;
    std::uint64_t icount = 0;

    // Interrupt lines and requests from other threads.
    enum : std::uint32_t { kPendIrq = 1, kPendFiq = 2, kPendStop = 4, kPendTlbFlush = 8, kPendEvent = 16 };
    std::atomic<std::uint32_t> pending{0};
    // Synchronous TLB shootdown: another core bumps tlb_req and waits (while this core is inside
    // run()) until tlb_ack catches up, which happens at this core's next block boundary.
    std::atomic<bool> in_run{false};
    std::atomic<std::uint64_t> tlb_req{0}, tlb_ack{0};
    void service_remote_tlb_flush() {
        if (pending.load(std::memory_order_acquire) & kPendTlbFlush) {
            pending.fetch_and(~kPendTlbFlush, std::memory_order_acq_rel);
            const std::uint64_t req = tlb_req.load(std::memory_order_acquire);
            tlb_flush_all();
            tlb_ack.store(req, std::memory_order_release);
        }
    }
    bool event_register = false;

    // Exclusive monitor (local): physical address, size and value at LDREX.
    bool excl_valid = false;
    std::uint32_t excl_addr = 0;
    unsigned excl_size = 0;
    std::uint64_t excl_value = 0;

    // Large pages in the TLB (for TLBIMVA): covering region.
    bool tlb_has_large = false;
    std::uint32_t tlb_large_addr = 0, tlb_large_mask = 0;
    std::uint32_t tlb_domains_present = 0;
    // Per domain, which TLB slots ((privilege * 3 + type) * kTlbSize + index) were filled with
    // an entry of that domain, so a DACR change (Linux toggles the user domain around every
    // user access) invalidates just those entries. Stale bits are harmless.
    static constexpr unsigned kTlbSlots = 2 * 3 * kTlbSize;
    std::uint64_t tlb_domain_slots[16][kTlbSlots / 64]{};

    std::vector<std::uint32_t> breakpoints;  // debugger breakpoints (virtual addresses)

    // Tracing.
    std::function<void(const std::string&)> trace_sink;
    bool trace_in_asm = false, trace_int = false, trace_exec = false;
    // trace_exec or a breakpoint: every block goes through run()'s debug_block, none is
    // entered compiled or through a chain. Kept by debug_changed() (one byte the compiled
    // code tests).
    bool debug_active = false;
    void debug_changed() { debug_active = trace_exec || !breakpoints.empty(); }

    // --- memory access (tlb.cpp for the slow paths) ---
    template <class T>
    int read(std::uint32_t va, T& out, unsigned p) {
        const TlbEntry& e = tlb[p][kAccRead][(va >> 12) & (kTlbSize - 1)];
        if (ARM_LIKELY(e.tag == (va & (kPageMask | (sizeof(T) - 1))))) {
            std::memcpy(&out, reinterpret_cast<const void*>(e.addend + va), sizeof(T));
            return kMemOk;
        }
        std::uint64_t v = 0;
        int rc = read_slow(va, sizeof(T), v, p, 0);
        out = static_cast<T>(v);
        return rc;
    }
    template <class T>
    int write(std::uint32_t va, T value, unsigned p) {
        const TlbEntry& e = tlb[p][kAccWrite][(va >> 12) & (kTlbSize - 1)];
        if (ARM_LIKELY(e.tag == (va & (kPageMask | (sizeof(T) - 1))))) {
            std::memcpy(reinterpret_cast<void*>(e.addend + va), &value, sizeof(T));
            return kMemOk;
        }
        return write_slow(va, sizeof(T), value, p, 0);
    }
    // strict_mask: alignment always required (LDM: 3, LDREX: size-1); 0 = only if SCTLR.A.
    int read_slow(std::uint32_t va, unsigned size, std::uint64_t& value, unsigned p,
                  unsigned strict_mask);
    int write_slow(std::uint32_t va, unsigned size, std::uint64_t value, unsigned p,
                   unsigned strict_mask);
    int read_aligned32(std::uint32_t va, std::uint32_t& out, unsigned p) {
        const TlbEntry& e = tlb[p][kAccRead][(va >> 12) & (kTlbSize - 1)];
        if (ARM_LIKELY(e.tag == (va & (kPageMask | 3)))) {
            std::memcpy(&out, reinterpret_cast<const void*>(e.addend + va), 4);
            return kMemOk;
        }
        std::uint64_t v = 0;
        int rc = read_slow(va, 4, v, p, 3);
        out = static_cast<std::uint32_t>(v);
        return rc;
    }
    int write_aligned32(std::uint32_t va, std::uint32_t value, unsigned p) {
        const TlbEntry& e = tlb[p][kAccWrite][(va >> 12) & (kTlbSize - 1)];
        if (ARM_LIKELY(e.tag == (va & (kPageMask | 3)))) {
            std::memcpy(reinterpret_cast<void*>(e.addend + va), &value, 4);
            return kMemOk;
        }
        return write_slow(va, 4, value, p, 3);
    }
    // Translate for an access; fills the TLB. Returns false with fault_* set on a fault.
    bool translate(std::uint32_t va, AccessType type, unsigned p, TlbEntry*& entry);
    // Physical address of a RAM/ROM page for instruction fetch (host pointer or null if MMIO).
    void tlb_flush_all();
    void tlb_flush_nonglobal();
    void tlb_flush_va(std::uint32_t va);
    void tlb_flush_domains(std::uint32_t changed_domains);
    void tlb_protect_code_page(std::uint32_t pa_page);
    Translation walk(std::uint32_t va);                       // mmu.cpp
    Translation walk_lpae(std::uint32_t va);                  // mmu_lpae.cpp
    std::uint32_t fsr_for_current_format(std::uint32_t fsr) const;
    std::uint32_t access_fault(const Translation& t, AccessType type, unsigned p) const;

    // --- exceptions (exceptions.cpp) ---
    enum class Exc { Reset, Undef, Svc, PrefetchAbort, DataAbort, Irq, Fiq };
    void take_exception(Exc e, std::uint32_t preferred_return, std::uint32_t spsr_value);
    std::uint32_t insn_addr() const { return r[15] - (thumb ? 4u : 8u); }
    // PC read value of offset 0 of the page of the running block (page + 8 or + 4): r[15] of
    // the instruction at offset `off` is exec_pcbase + off. Lets handlers of instructions
    // without kPrePc rebuild r[15] on their exception paths.
    std::uint32_t exec_pcbase = 0;
    void restore_pc(const Insn& in) { r[15] = exec_pcbase + in.off; }
    int raise_undef(const Insn& in);
    int raise_data_abort(const Insn& in);  // uses fault_fsr/fault_far/fault_write
    int raise_svc(const Insn& in);
    void raise_prefetch_abort(std::uint32_t insn_address, std::uint32_t fsr, std::uint32_t far);
    bool check_interrupts();  // at a block boundary; true if one was taken
    // CPSR writes
    void write_cpsr_full(std::uint32_t value);  // exception return semantics
    void write_cpsr_msr(std::uint32_t value, std::uint32_t byte_mask);
    int exception_return(std::uint32_t new_pc, std::uint32_t new_cpsr);
    // Branch helpers (r15 is the target; sets itstate = 0).
    int branch(std::uint32_t target) {
        r[15] = target & (thumb ? ~1u : ~3u);
        itstate = 0;
        return kExit;
    }
    int bx_write_pc(std::uint32_t target) {
        thumb = target & 1;
        r[15] = target & (thumb ? ~1u : ~3u);
        itstate = 0;
        return kExit;
    }
    void reset();

    // --- CP15 / timer (cp15.cpp, timer.cpp) ---
    // Returns false if the access is UNDEFINED.
    bool cp15_access(bool read, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2,
                     std::uint32_t& value, bool& ends_block);
    bool cp15_access64(bool read, unsigned opc1, unsigned crm, std::uint64_t& value,
                       bool& ends_block);
    std::uint64_t counter() const;
    bool timer_condition(int which) const;
    bool timer_asserted(int which) const;
    std::uint64_t timer_deadline() const;
    void timer_changed();
    void set_contextidr(std::uint32_t v);

    // --- decoded-block cache (block_cache.cpp) ---
    Block* find_block();                      // null: a prefetch abort was taken
    void invalidate_code_page(std::uint32_t pa_page);
    // A store to [pa, pa + size) of a code page: drops the overlapping blocks. Returns true if
    // any was dropped. Clears the page's code mark when no block is left.
    bool invalidate_code_write(std::uint32_t pa, unsigned size);
    void invalidate_code_range(std::uint64_t pa, std::uint64_t len);
    void flush_code_cache();
    void bump_icache_epoch();
    void jc_flush() {
        if (++jc_gen == kJcGenLimit) {  // wrapped: old keys (in blocks' links too) must go
            jc_gen = 1;
            for (auto& a : jc_)
                for (auto& e : a) e = JcEntry{};
            flush_pending = true;  // drops every block, and with them their links
        }
    }
    // Jump-cache and chaining key of the instruction at pc in the current state (valid only
    // with itstate == 0): generation (31 bits), privilege, pc | Thumb.
    std::uint64_t jc_key(std::uint32_t pc) const {
        return (static_cast<std::uint64_t>(jc_gen) << 33) | (static_cast<std::uint64_t>(priv) << 32) | pc |
               (thumb ? 1u : 0u);
    }
    bool code_page(std::uint32_t pa_page) const { return code_pages_[pa_page >> 12] != 0; }

    // --- run loop (run.cpp) ---
    StopReason run(std::uint64_t max_instructions);
    enum { kBoundaryGo, kBoundaryStop, kBoundaryRestart };
    int block_boundary_slow(std::uint32_t pending_bits);
    int execute_block(const Block* b, std::uint32_t n);
    int interpret(const Insn*& in, const Insn* last);
    void finish_block(const Block* b, const Insn* in, int rc);
    Block* lookup_block_slow(Block* prev, std::uint64_t key);
    std::uint32_t debug_block(const Block* b, std::uint32_t n, bool resuming);
    std::uint64_t run_budget = 0;  // instructions left in the current run()

    // --- VfpHost ---
    std::uint32_t core_reg(unsigned n) override;
    void set_core_reg(unsigned n, std::uint32_t v) override;
    void set_nzcv(std::uint32_t nzcv) override { ArmState::set_nzcv(nzcv); }
    bool load32(std::uint32_t va, std::uint32_t& value) override;
    bool store32(std::uint32_t va, std::uint32_t value) override;
    bool privileged() const override { return priv != 0; }
    int vfp_fault_pending = 0;  // a VFP load/store faulted (fault_* set)

    void trace(const std::string& line) {
        if (trace_sink) trace_sink(line);
    }

    // Decoded-block cache storage (block_cache.cpp).
    static constexpr unsigned kJcBits = 12, kJcSize = 1u << kJcBits;
    static constexpr std::uint32_t kJcGenLimit = 0x7fffffffu;
    std::uint64_t code_flushes = 0;  // flush_code_cache() calls: blocks held across a lookup die
    JcEntry jc_[2][kJcSize];
    std::uint32_t jc_gen = 1;
    std::uint64_t icache_epoch = 1;
    bool flush_pending = false;
    bool running = false;  // inside run(): code-cache flushes are deferred to a block boundary
    std::vector<std::uint8_t> code_pages_;  // per 4 KiB physical page: holds decoded blocks
    std::unordered_map<std::uint64_t, Block*> blocks_;            // (pa, thumb, it) -> block
    std::unordered_map<std::uint32_t, std::vector<Block*>> page_blocks_;
    std::vector<std::unique_ptr<std::uint8_t[]>> arena_chunks_;
    std::uint8_t* arena_ptr_ = nullptr;
    std::size_t arena_left_ = 0, arena_used_ = 0;
    Insn scratch_insns_[64];
    Block scratch_block_;
    Block* decode_block(std::uint32_t pc, std::uint32_t pa, const std::uint8_t* host);
    // The block compiler's code arena; null when the JIT is off (ArmConfig::jit, EMU_ARM_JIT=0)
    // or unavailable on this host.
    std::unique_ptr<jit::CodeBuffer> jit_code;
    std::uint32_t jit_threshold = kJitThreshold;
    void* arena_alloc(std::size_t bytes);
};

void cp15_reset(Cpu& c);
// cluster.cpp: broadcast of inner-shareable maintenance and events between cores.
void cluster_join(Cpu* cpu);
void cluster_leave(Cpu* cpu);
void cluster_broadcast(Cpu& from, std::uint32_t pending_bits);
// Flush the TLBs of the other cores and wait until the running ones have done it.
void cluster_tlb_shootdown(Cpu& from);  // cp15.cpp: reset values from the register table

// Condition check (ConditionPassed).
inline bool cond_pass(const ArmState& s, unsigned cond) {
    switch (cond) {
    case 0: return s.ZF == 0;
    case 1: return s.ZF != 0;
    case 2: return s.CF != 0;
    case 3: return s.CF == 0;
    case 4: return (s.NF >> 31) != 0;
    case 5: return (s.NF >> 31) == 0;
    case 6: return (s.VF >> 31) != 0;
    case 7: return (s.VF >> 31) == 0;
    case 8: return s.CF != 0 && s.ZF != 0;
    case 9: return s.CF == 0 || s.ZF == 0;
    case 10: return ((s.NF ^ s.VF) >> 31) == 0;
    case 11: return ((s.NF ^ s.VF) >> 31) != 0;
    case 12: return s.ZF != 0 && ((s.NF ^ s.VF) >> 31) == 0;
    case 13: return s.ZF == 0 || ((s.NF ^ s.VF) >> 31) != 0;
    default: return true;
    }
}

// A global epoch bumped by inner-shareable icache invalidation (ICIALLUIS etc.), so every core
// re-verifies its decoded blocks against memory.
extern std::atomic<std::uint64_t> g_icache_epoch;

std::string hex32(std::uint32_t v);

}  // namespace emu::arm
