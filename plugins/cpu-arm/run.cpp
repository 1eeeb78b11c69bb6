// The execution loop: between blocks, sample requests, interrupts, memory-map and icache
// changes; find the block (jump cache hot path); run its instructions (condition check, one
// indirect call each).
#include <algorithm>

#include "cpu.h"

namespace emu::arm {

StopReason Cpu::run(std::uint64_t max_instructions) {
    running = true;
    in_run.store(true, std::memory_order_seq_cst);
    std::uint64_t budget = max_instructions;
    StopReason reason = StopReason::Budget;
    bool first_block = true;  // a breakpoint at the resume PC does not stop again
    while (budget > 0) {
        // --- block boundary: r[15], itstate and the CPSR are exact here ---
        const std::uint32_t p = pending.load(std::memory_order_relaxed);
        if (ARM_UNLIKELY(p)) {
            if (p & kPendStop) {
                pending.fetch_and(~kPendStop, std::memory_order_relaxed);
                reason = StopReason::Halted;
                break;
            }
            if (p & kPendTlbFlush) service_remote_tlb_flush();
            if (p & kPendEvent) {
                pending.fetch_and(~kPendEvent, std::memory_order_acq_rel);
                event_register = true;
            }
            if ((p & (kPendIrq | kPendFiq)) && check_interrupts()) continue;
        }
        if (ARM_UNLIKELY(mem.generation() != mem_generation)) {
            mem_generation = mem.generation();
            tlb_flush_all();
            flush_code_cache();
        }
        if (ARM_UNLIKELY(flush_pending)) flush_code_cache();
        icache_epoch = g_icache_epoch.load(std::memory_order_relaxed);

        Block* b;
        const std::uint32_t pc = r[15];
        const JcEntry& j = jc_[priv][(pc >> 1) & (kJcSize - 1)];
        if (ARM_LIKELY(itstate == 0 && j.key == ((static_cast<std::uint64_t>(jc_gen) << 32) | pc | (thumb ? 1u : 0u)) &&
                       j.block->live && j.block->epoch == icache_epoch)) {
            b = j.block;
        } else {
            b = find_block();
            if (!b) {  // prefetch abort taken
                ++icount;
                --budget;
                continue;
            }
        }
        if (ARM_UNLIKELY(trace_exec && trace_sink))
            trace("Trace: " + hex32(pc) + " [cpsr=" + hex32(cpsr()) + "]");

        // --- execute the block ---
        const Insn* const insns = b->insns;
        std::uint32_t n = b->count;
        if (n > budget) n = static_cast<std::uint32_t>(budget);
        const std::uint32_t page = pc & kPageMask;
        if (ARM_UNLIKELY(!breakpoints.empty())) {
            for (std::uint32_t k = first_block ? 1 : 0; k < n; ++k) {
                const std::uint32_t va = page + insns[k].off;
                if (std::find(breakpoints.begin(), breakpoints.end(), va) != breakpoints.end()) {
                    n = k;
                    break;
                }
            }
            if (n == 0) {
                reason = StopReason::Breakpoint;
                break;
            }
        }
        first_block = false;
        const std::uint32_t pcbase = page + (b->thumb ? 4u : 8u);
        std::uint32_t i = 0;
        int rc = kCont;
        for (; i < n; ++i) {
            const Insn& in = insns[i];
            r[15] = pcbase + in.off;
            if (in.cond != 14 && !cond_pass(*this, in.cond)) continue;
            rc = in.fn(*this, in);
            if (ARM_UNLIKELY(rc != kCont)) break;
        }
        if (rc == kCont) {
            const Insn& last = insns[n - 1];
            r[15] = page + last.off + last.size;
            itstate = last.it_next;
            icount += n;
            budget -= n;
            continue;
        }
        icount += i + 1;
        budget -= i + 1;
        if (rc == kExit) continue;
        const Insn& in = insns[i];
        r[15] = page + in.off + in.size;
        itstate = in.it_next;
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
