// The execution loop: between blocks, sample requests, interrupts, memory-map and icache
// changes (one combined test on the hot path); find the block (the previous block's chained
// successor, else the jump cache); run its instructions (one indirect call each; the r[15]
// store and the condition check only for instructions marked in Insn::pre), or the block's
// compiled code once it is hot (jit.h), which goes on into the next compiled blocks itself
// while none of this loop's work is due (chaining, jit.cpp).
#include <algorithm>

#include "cpu.h"

namespace emu::arm {

// Work at a block boundary that the hot path only tests for: stop requests, remote TLB
// flushes, events, interrupts, memory-map changes and deferred code-cache flushes. Returns
// kBoundaryStop to leave run(), kBoundaryRestart when an interrupt was taken (r[15] changed).
int Cpu::block_boundary_slow(std::uint32_t p) {
    if (p) {
        if (p & kPendStop) {
            pending.fetch_and(~kPendStop, std::memory_order_relaxed);
            return kBoundaryStop;
        }
        if (p & kPendTlbFlush) service_remote_tlb_flush();
        if (p & kPendEvent) {
            pending.fetch_and(~kPendEvent, std::memory_order_acq_rel);
            event_register = true;
        }
        if ((p & (kPendIrq | kPendFiq)) && check_interrupts()) return kBoundaryRestart;
    }
    if (mem.generation() != mem_generation) {
        mem_generation = mem.generation();
        tlb_flush_all();
        flush_code_cache();
    }
    if (flush_pending) flush_code_cache();
    return kBoundaryGo;
}

// Runs the first n instructions of block b (r[15] holds its address), then leaves r[15],
// itstate, icount and run_budget exact. Returns kCont if they all completed, else the exit
// code of the instruction that left. Out of line so the loop keeps its few values in
// registers across the handler calls.
[[gnu::noinline]] int Cpu::execute_block(const Block* b, std::uint32_t n) {
    exec_pcbase = (r[15] & kPageMask) + (b->thumb ? 4u : 8u);
    const Insn* in = b->insns;
    const Insn* const last = in + n - 1;
    const int rc = interpret(in, last);
    finish_block(b, in, rc);
    return rc;
}

// After a block ran up to and including instruction `in` with result rc: counts and, unless a
// handler already set them (kExit), r[15] and itstate of the next instruction.
inline void Cpu::finish_block(const Block* b, const Insn* in, int rc) {
    const std::uint32_t done = static_cast<std::uint32_t>(in - b->insns) + 1;
    icount += done;
    run_budget -= done;
    if (rc != kExit) {
        r[15] = (exec_pcbase & kPageMask) + in->off + in->size;
        itstate = in->it_next;
    }
}

// The interpreter loop over [in, last]; leaves in at the instruction that left (or last).
inline int Cpu::interpret(const Insn*& in, const Insn* last) {
    int rc;
    for (;; ++in) {
        if (ARM_UNLIKELY(in->pre)) {
            if (in->pre & kPrePc) r[15] = exec_pcbase + in->off;
            if ((in->pre & kPreCond) && !cond_pass(*this, in->cond)) {
                if (in == last) {
                    rc = kCont;
                    break;
                }
                continue;
            }
        }
        rc = in->fn(*this, *in);
        if (ARM_UNLIKELY(rc != kCont) || in == last) break;
    }
    return rc;
}

// The block at r[15] when neither the chain link nor the jump cache has a usable one: an
// ITSTATE != 0 entry, a stale or dropped block, or a miss. Links prev to it. Null when a
// prefetch abort was taken instead (counted as an instruction).
[[gnu::noinline]] Block* Cpu::lookup_block_slow(Block* prev, std::uint64_t key) {
    icache_epoch = g_icache_epoch.load(std::memory_order_relaxed);
    const std::uint64_t flushes = code_flushes;
    Block* b = find_block();
    if (!b) {
        ++icount;
        --run_budget;
        return nullptr;
    }
    if (prev && code_flushes == flushes && itstate == 0 && b != &scratch_block_) {
        prev->link_key = key;
        prev->link = b;
    }
    return b;
}

// Debugger and -d exec support for the block about to run: traces it and returns how many of
// its first n instructions may run before a breakpoint (0: stop at its first instruction).
[[gnu::noinline]] std::uint32_t Cpu::debug_block(const Block* b, std::uint32_t n, bool resuming) {
    const std::uint32_t pc = r[15];
    if (trace_exec && trace_sink) trace("Trace: " + hex32(pc) + " [cpsr=" + hex32(cpsr()) + "]");
    for (std::uint32_t k = resuming ? 1 : 0; k < n; ++k) {
        const std::uint32_t va = (pc & kPageMask) + b->insns[k].off;
        if (std::find(breakpoints.begin(), breakpoints.end(), va) != breakpoints.end()) return k;
    }
    return n;
}

StopReason Cpu::run(std::uint64_t max_instructions) {
    running = true;
    in_run.store(true, std::memory_order_seq_cst);
    run_budget = max_instructions;
    StopReason reason = StopReason::Budget;
    bool first_block = true;  // a breakpoint at the resume PC does not stop again
    Block* prev = nullptr;    // the block that just ran to its end or branched (for chaining)
    while (run_budget > 0) {
        // --- block boundary: r[15], itstate and the CPSR are exact here ---
        const std::uint32_t p = pending.load(std::memory_order_relaxed);
        if (ARM_UNLIKELY(p | static_cast<std::uint32_t>(flush_pending) |
                         static_cast<std::uint32_t>(mem.generation() != mem_generation))) {
            prev = nullptr;
            const int rc = block_boundary_slow(p);
            if (rc == kBoundaryStop) {
                reason = StopReason::Halted;
                break;
            }
            if (rc == kBoundaryRestart) continue;
        }

        // --- find the block: chained successor, jump cache, or the slow lookup ---
        const std::uint32_t pc = r[15];
        const std::uint64_t key = jc_key(pc);
        Block* b;
        if (prev && prev->link_key == key) {
            b = prev->link;
        } else {
            const JcEntry& j = jc_[priv][(pc >> 1) & (kJcSize - 1)];
            b = j.key == key ? j.block : nullptr;
        }
        // Usable only outside IT blocks, if not dropped by a store and verified since the
        // last icache maintenance.
        if (ARM_UNLIKELY(!b || itstate != 0 || !b->live ||
                         b->epoch != g_icache_epoch.load(std::memory_order_relaxed))) {
            b = lookup_block_slow(prev, key);
            if (!b) {  // prefetch abort taken
                prev = nullptr;
                continue;
            }
        } else if (prev && prev->link != b) {
            prev->link_key = key;
            prev->link = b;
        }

        // --- execute it ---
        std::uint32_t n = b->count;
        if (ARM_UNLIKELY(n > run_budget)) n = static_cast<std::uint32_t>(run_budget);
        bool compiled = false;
        if (ARM_UNLIKELY(debug_active)) {
            n = debug_block(b, n, first_block);
            if (n == 0) {
                reason = StopReason::Breakpoint;
                break;
            }
        } else if (n == b->count) {
            // Hot blocks run compiled; the scratch block (a T32 instruction straddling pages)
            // is rewritten for each use and never compiled. A block the compiler declined
            // (too little to inline) counts on past the threshold and is not tried again.
            if (b->jit)
                compiled = true;
            else if (ARM_UNLIKELY(++b->jit_hits == jit_threshold) && jit_code && b != &scratch_block_)
                compiled = jit_compile(*this, *b);
        }
        first_block = false;
        int rc;
        if (compiled) {  // here rather than in execute_block: one call less per block
            // The compiled code may chain on to other compiled blocks; it reports the one
            // that left (whole: chained blocks only start with budget for all of them).
            exec_pcbase = (pc & kPageMask) + (b->thumb ? 4u : 8u);
            JitExit exit{b, 0};
            rc = b->jit(this, &exit);
            b = exit.block;
            n = b->count;
            finish_block(b, b->insns + exit.index, rc);
        } else {
            rc = execute_block(b, n);
        }
        if (ARM_LIKELY(rc == kExit || (rc == kCont && n == b->count))) {
            prev = b;
            continue;
        }
        prev = nullptr;  // a block cut short is not chained
        if (rc == kExitWfi) {
            if (!(pending.load(std::memory_order_acquire) & (kPendIrq | kPendFiq))) {
                reason = StopReason::Wfi;
                break;
            }
        } else if (rc == kExitWfe) {
            reason = StopReason::Yield;
            break;
        }
    }
    running = false;
    in_run.store(false, std::memory_order_release);
    return reason;
}

}  // namespace emu::arm
