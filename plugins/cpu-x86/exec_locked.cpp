// LOCKed read-modify-writes (and XCHG with a memory operand, locked without the prefix), atomic
// against the other vCPU threads, which run in parallel and store with plain host stores.
//
// The instruction's own handler runs with Cpu::lock_active set: its read of the operand records
// the host address and value, and its write becomes a compare-and-swap from that value
// (memory.cpp). If another CPU stored in between, the swap fails and the instruction runs
// again from the registers and flags it started with: the handlers of lockable instructions
// change nothing else before their write (their faults come first, the registers last or after
// a snapshot here), so the retry is invisible, and the result is as if the instruction ran
// after the other CPU's store. CMPXCHG8B/16B use the host's own instructions on the whole
// operand. Operands in MMIO or across a page boundary stay non-atomic (devices are under the
// big lock; split locks are not worth more).
#include <cstring>

#include "decode.h"

namespace emu::x86 {


namespace {

// CMPXCHG8B m64 / CMPXCHG16B m128 on the host's atomic compare-exchange.
void locked_cmpxchg_wide(Cpu& c, const Insn& d) {
#if defined(__x86_64__)
    if (d.reg != 1 || d.mod == 3) c.raise(vec::UD);
    const std::uint64_t off = ea(c, d);
    const unsigned size = d.op64 ? 16 : 8;
    if (d.op64) {
        const std::uint64_t base = d.seg >= FS ? c.seg[d.seg].base : 0;
        if ((base + off) & 15) c.raise(vec::GP, 0);
    }
    std::uint8_t* p = c.locked_host(mseg(d), off, size);
    if (!p) {
        h_grp9(c, d);
        return;
    }
    if (!d.op64) {
        std::uint64_t expected = (static_cast<std::uint64_t>(c.reg32(kEdx)) << 32) | c.reg32(kEax);
        const std::uint64_t desired = (static_cast<std::uint64_t>(c.reg32(kEcx)) << 32) | c.reg32(kEbx);
        if (__atomic_compare_exchange_n(reinterpret_cast<std::uint64_t*>(p), &expected, desired, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            c.eflags_ |= kZF;
        } else {
            c.gpr[kEax] = static_cast<std::uint32_t>(expected);
            c.gpr[kEdx] = static_cast<std::uint32_t>(expected >> 32);
            c.eflags_ &= ~kZF;
        }
        return;
    }
    struct alignas(16) Pair {
        std::uint64_t lo, hi;
    };
    std::uint64_t lo = c.gpr[kEax], hi = c.gpr[kEdx];
    bool equal;
    asm volatile("lock cmpxchg16b %1"
                 : "=@ccz"(equal), "+m"(*reinterpret_cast<Pair*>(p)), "+a"(lo), "+d"(hi)
                 : "b"(c.gpr[kEbx]), "c"(c.gpr[kEcx])
                 : "memory");
    if (equal) {
        c.eflags_ |= kZF;
    } else {
        c.gpr[kEax] = lo;
        c.gpr[kEdx] = hi;
        c.eflags_ &= ~kZF;
    }
#else
    h_grp9(c, d);
#endif
}

}  // namespace

void h_locked(Cpu& c, const Insn& d) {
    if (d.opcode == 0x1C7) {
        locked_cmpxchg_wide(c, d);
        return;
    }
    const Handler h = base_handler(d.opcode);
    std::uint64_t gpr[16];
    std::memcpy(gpr, c.gpr, sizeof gpr);
    const std::uint32_t flags = c.eflags_;
    for (;;) {
        c.lock_active = true;
        c.lock_host = nullptr;
        try {
            h(c, d);
            c.lock_active = false;
            return;
        } catch (const LockedRetry&) {
            c.lock_active = false;
            std::memcpy(c.gpr, gpr, sizeof gpr);
            c.eflags_ = flags;
        } catch (...) {
            c.lock_active = false;
            throw;
        }
    }
}

}  // namespace emu::x86
