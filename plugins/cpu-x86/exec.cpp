// The integer unit's entry points: step() decodes and runs one instruction; run_block() runs
// cached blocks of decoded instructions. EFLAGS is kept eagerly in eflags_ (every handler
// commits its flags).
//
// Blocks are keyed by the host address of their first byte (RAM or ROM seen through the code
// TLB, which already encodes paging, the CS limit and the memory map), the CS default size and
// whether the CPU is in 64-bit mode, the only state besides the bytes that decoding depends on
// (the same bytes decode differently in 16-, 32- and 64-bit code). A block keeps the bytes it was
// decoded from and is entered only while memory still holds exactly those bytes (a compare of
// a few words per block, far cheaper than decoding): self-modifying code, DMA, other CPUs'
// stores and PAM/BAR remapping need no invalidation. A store into the running block's own
// page ends the block after that instruction (Cpu::note_store), so even code that rewrites
// the instruction that follows it runs the new bytes, as x86's coherent instruction fetch
// requires.
//
// Storage: blocks are packed (header, Insns, bytes) into an arena and found through a
// direct-mapped table of {key, block}; a slot that is reused or a block whose bytes changed
// simply points to a new block, and the whole cache starts over when the arena is full.
#include <cstring>
#include <vector>

#include "decode.h"
#include "emu/jit_code_buffer.h"
#include "jit.h"

namespace emu::x86 {

namespace {
constexpr unsigned kMaxInsns = 32;
constexpr unsigned kMaxBytes = 160;

struct Block {
    std::uint64_t key;  // host address * 4 + code64 * 2 + code32
    std::uint16_t count, nbytes;
    // The blocks that ran after this one last (two exits: a loop's back edge and its fall
    // through), tried before the table: their headers are hot where the table's slot would be a
    // cache miss. Only ever point into the same arena generation (InsnCache::flush drops all).
    std::uint64_t next_key[2];
    Block* next[2];
    JitFn jit;           // compiled code (jit.h), once the block has run kJitThreshold times
    std::uint32_t runs;  // interpreted runs so far
    std::uint32_t pad;
    // Followed by the nbytes bytes the block was decoded from (next to the header: both are read
    // on every entry), 8 zero bytes, padding to 16, then Insn[count].
    static std::size_t bytes_space(unsigned nbytes) { return (nbytes + 8 + 15) & ~std::size_t{15}; }
    std::uint8_t* bytes() { return reinterpret_cast<std::uint8_t*>(this + 1); }
    Insn* insns() { return reinterpret_cast<Insn*>(bytes() + bytes_space(nbytes)); }
    static std::size_t size_for(unsigned count, unsigned nbytes) {
        return sizeof(Block) + bytes_space(nbytes) + count * sizeof(Insn);
    }
};
static_assert(sizeof(Block) % 16 == 0 && 16 % alignof(Insn) == 0);
static_assert(sizeof(Insn) == 32);  // blocks hold arrays of them
}  // namespace

struct InsnCache {
    static constexpr unsigned kSlots = 1u << 15;
    static constexpr std::size_t kChunk = 1u << 20;
    static constexpr std::size_t kMaxChunks = 32;  // 32 MiB of blocks, then start over
    struct Slot {
        std::uint64_t key = 0;
        Block* block = nullptr;
    };
    Slot slots[kSlots];
    std::vector<std::unique_ptr<std::uint8_t[]>> chunks;
    std::size_t chunk = 0, used = kChunk;  // current chunk and its bytes used
    // The block being built (then copied into the arena at its real size), and the number of
    // flushes so far (a block's links are only followed within one).
    alignas(16) std::uint8_t scratch[sizeof(Block) + kMaxInsns * sizeof(Insn) + kMaxBytes + 32];
    std::uint64_t flushes = 0;
    // The compiled code of the blocks (null: no JIT); starts over with them.
    std::unique_ptr<jit::CodeBuffer> code;
    bool code_full = false;  // the arena ran out: start over at the next block boundary

    static unsigned index(std::uintptr_t host) { return static_cast<unsigned>((host ^ (host >> 15)) & (kSlots - 1)); }

    std::uint8_t* allocate(std::size_t bytes) {
        if (used + bytes > kChunk) {
            std::size_t next = chunks.empty() ? 0 : chunk + 1;
            if (next >= kMaxChunks) {
                flush();
                next = 0;
            }
            if (next >= chunks.size()) chunks.push_back(std::make_unique<std::uint8_t[]>(kChunk));
            chunk = next;
            used = 0;
        }
        std::uint8_t* p = chunks[chunk].get() + used;
        used += bytes;
        return p;
    }
    void flush() {
        ++flushes;
        if (code) code->reset();  // compiled code points into the blocks just freed
        code_full = false;
        for (Slot& s : slots) s = Slot{};
        chunk = 0;
        used = 0;
    }
};

std::uint32_t Cpu::flags() const { return eflags_ | 2; }

// Writable EFLAGS bits of a P6: CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF VIP ID.
void Cpu::set_flags(std::uint32_t value) { eflags_ = (value & 0x003F7FD5u) | 2; }

void Cpu::step() {
    Insn d;
    decode(*this, d);
    // rip moves past the instruction before it executes: handlers read it as the next
    // instruction's address (CALL, INT n), jumps overwrite it, REP puts it back; a fault
    // makes run() restore it.
    rip = code64() ? rip + d.len : (rip + d.len) & (code32() ? 0xFFFFFFFFull : 0xFFFFull);
    d.handler(*this, d);
}

namespace {

// The host address of the code at CS:ip if 16 bytes from there can be read without further
// checks: the current code page (fetch_tag) 16 bytes before its end, inside the CS limit and
// the 64 KiB IP wrap. Then any instruction starting there (at most 15 bytes) lies wholly inside.
// 64-bit mode: CS.base is 0 and there is no limit (fetch_tag only ever holds a canonical page).
inline const std::uint8_t* code_window64(const Cpu& c, std::uint64_t rip) {
    if (((rip & ~0xFFFull) | (c.cpl == 3)) == c.tlb.fetch_tag && (rip & 0xFFF) <= 0x1000 - 16) [[likely]]
        return c.tlb.fetch_host + (rip & 0xFFF);
    return nullptr;
}

inline const std::uint8_t* code_window(const Cpu& c, std::uint32_t ip, bool c32) {
    const std::uint64_t linear = (c.seg[CS].base + ip) & 0xFFFFFFFFu;
    if (((linear & ~0xFFFull) | (c.cpl == 3)) == c.tlb.fetch_tag && (linear & 0xFFF) <= 0x1000 - 16 &&
        static_cast<std::uint64_t>(ip) + 15 <= c.seg[CS].limit && (c32 || ip <= 0x10000 - 16)) [[likely]]
        return c.tlb.fetch_host + (linear & 0xFFF);
    return nullptr;
}

// Whether the n stored bytes at a (followed by at least 8 readable bytes) equal those at host
// (at least 16 readable bytes past the block's last instruction start, so n <= 8 may read 8).
inline bool same_bytes(const std::uint8_t* a, const std::uint8_t* host, unsigned n) {
    std::uint64_t x, y;
    if (n <= 8) {
        __builtin_memcpy(&x, a, 8);
        __builtin_memcpy(&y, host, 8);
        const std::uint64_t mask = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;
        return ((x ^ y) & mask) == 0;
    }
    for (unsigned i = 0; i + 8 < n; i += 8) {
        __builtin_memcpy(&x, a + i, 8);
        __builtin_memcpy(&y, host + i, 8);
        if (x != y) return false;
    }
    __builtin_memcpy(&x, a + n - 8, 8);
    __builtin_memcpy(&y, host + n - 8, 8);
    return x == y;
}

// Decode the block at host (= CS:rip) into the arena. A fault decoding the first instruction
// propagates (as from step()); one in a later instruction ends the block before it.
Block* build_block(Cpu& c, InsnCache& cache, const std::uint8_t* host, std::uint64_t key, bool c32, bool c64) {
    // Decoded into scratch space first (the byte count, which places the Insns, is known last).
    auto* b = reinterpret_cast<Block*>(cache.scratch);
    b->key = key;
    b->count = 0;
    b->next_key[0] = b->next_key[1] = 0;
    b->next[0] = b->next[1] = nullptr;
    b->jit = nullptr;
    b->runs = 0;
    b->pad = 0;
    Insn* insns = reinterpret_cast<Insn*>(cache.scratch + sizeof(Block));
    const std::uint64_t rip0 = c.rip;
    const std::uint64_t ip_mask = c64 ? ~0ull : c32 ? 0xFFFFFFFFull : 0xFFFFull;
    unsigned off = 0;
    try {
        for (;;) {
            Insn& d = insns[b->count];
            d = Insn{};
            c.rip = (rip0 + off) & ip_mask;
            if (b->count == 0) {
                decode(c, d);
            } else {
                try {
                    decode(c, d);
                } catch (const Fault&) {
                    break;
                }
            }
            ++b->count;
            off += d.len;
            if (!d.seq || b->count == kMaxInsns || off + 15 > kMaxBytes) break;
            // The next instruction must lie in the same window (page, limit, IP wrap).
            const std::uint8_t* next = c64 ? code_window64(c, rip0 + off)
                                           : code_window(c, static_cast<std::uint32_t>((rip0 + off) & ip_mask), c32);
            if (next != host + off) break;
        }
    } catch (...) {
        c.rip = rip0;
        throw;
    }
    c.rip = rip0;
    b->nbytes = static_cast<std::uint16_t>(off);
    const std::size_t size = Block::size_for(b->count, off);
    auto* out = reinterpret_cast<Block*>(cache.allocate(size));
    std::memcpy(static_cast<void*>(out), b, sizeof(Block));
    std::memcpy(out->bytes(), host, off);
    std::memset(out->bytes() + off, 0, Block::bytes_space(off) - off);
    std::memcpy(static_cast<void*>(out->insns()), insns, b->count * sizeof(Insn));
    return out;
}

// Whether run() has work between this block and the next (run_block returns to it): the block
// ended for a reason of its own, an instruction changed what run() must look at, or an event
// or a deliverable interrupt is waiting. Compiled code's chaining asks the same (jit_chain).
bool needs_run_loop(const Cpu& c, bool nmi_was_blocked) {
    if (c.exec_break || c.interrupt_shadow || c.halted || c.shutdown || (c.eflags_ & kTF) ||
        c.nmi_blocked != nmi_was_blocked || c.async_events.load(std::memory_order_relaxed))
        return true;
    return (c.eflags_ & kIF) && c.interrupt_source && c.interrupt_source->interrupt_pending();
}

}  // namespace

std::uintptr_t jit_chain(Cpu* cpu, JitFrame* frame, std::uint32_t completed) {
    Cpu& c = *cpu;
    if (needs_run_loop(c, frame->nmi_was_blocked)) return 0;
    const bool c32 = c.code32(), c64 = c.code64();
    const unsigned mode = c64 ? 2 : c32;
    const std::uint8_t* host = c64 ? code_window64(c, c.rip) : code_window(c, static_cast<std::uint32_t>(c.rip), c32);
    if (!host || mode == 0) return 0;
    const auto h = reinterpret_cast<std::uintptr_t>(host);
    const std::uint64_t key = h * 4 + mode;
    auto* prev = static_cast<Block*>(frame->block);
    Block* b = nullptr;
    if (prev->next_key[0] == key) {
        b = prev->next[0];
    } else if (prev->next_key[1] == key) {
        b = prev->next[1];
    } else {
        InsnCache& cache = *c.insn_cache;
        const InsnCache::Slot& slot = cache.slots[InsnCache::index(h)];
        if (slot.key != key) return 0;
        b = slot.block;
        prev->next_key[1] = prev->next_key[0];
        prev->next[1] = prev->next[0];
        prev->next_key[0] = key;
        prev->next[0] = b;
    }
    if (!b->jit || frame->left - completed < b->count || !same_bytes(b->bytes(), host, b->nbytes)) return 0;
    frame->done += completed;
    frame->left -= completed;
    frame->block = b;
    frame->insns = b->insns();
    frame->entry_rip = c.rip;
    c.exec_page = reinterpret_cast<const std::uint8_t*>(h & ~std::uintptr_t{0xFFF});
    return reinterpret_cast<std::uintptr_t>(b->jit) + kJitChainEntry;
}

std::uint64_t Cpu::run_block(std::uint64_t budget, std::uint64_t& start_rip, std::uint64_t& start_rsp) {
    if (!insn_cache) [[unlikely]] {
        insn_cache = std::make_shared<InsnCache>();
        if (jit_threshold) insn_cache->code.reset(jit_new_arena());
    }
    InsnCache& cache = *insn_cache;
    const bool nmi_was_blocked = nmi_blocked;
    std::uint64_t total = 0;
    Block* prev = nullptr;  // the block that ran last (its links name the likely next one)
    std::uint64_t epoch = cache.flushes;  // prev belongs to this arena generation
    // Point the block that ran last at b (most recent link first), unless a flush freed it.
    auto link = [&](std::uint64_t key, Block* b) {
        if (!prev || cache.flushes != epoch) return;
        prev->next_key[1] = prev->next_key[0];
        prev->next[1] = prev->next[0];
        prev->next_key[0] = key;
        prev->next[0] = b;
    };
    // Blocks follow each other here while nothing needs run()'s attention; the checks between
    // them are those run() makes before an instruction.
    for (;;) {
        if (cache.code_full) [[unlikely]] {  // no compiled code runs here: start over
            cache.flush();
            prev = nullptr;
        }
        // mode: 1 = 32-bit code, 2 = 64-bit code (CS.L and CS.D are never both set), 0 = 16-bit.
        const bool c32 = code32(), c64 = code64();
        const unsigned mode = c64 ? 2 : c32;
        const std::uint8_t* host;
        if (c64) [[unlikely]]
            host = code_window64(*this, rip);
        else
            host = code_window(*this, static_cast<std::uint32_t>(rip), c32);
        if (!host) [[unlikely]]
            return total;
        const auto h = reinterpret_cast<std::uintptr_t>(host);
        const std::uint64_t key = h * 4 + mode;
        start_rip = rip;
        start_rsp = gpr[kEsp];
        Block* b = nullptr;
        if (prev) [[likely]] {
            if (prev->next_key[0] == key) [[likely]]
                b = prev->next[0];
            else if (prev->next_key[1] == key)
                b = prev->next[1];
        }
        if (!b) {
            InsnCache::Slot& slot = cache.slots[InsnCache::index(h)];
            b = slot.block;
            if (slot.key != key) {
                b = build_block(*this, cache, host, key, c32, c64);
                slot.key = key;
                slot.block = b;
            }
            link(key, b);
        }
        if (!same_bytes(b->bytes(), host, b->nbytes)) [[unlikely]] {
            // The code changed since the block was decoded: decode it again; the table and
            // the link that led here name the new block.
            b = build_block(*this, cache, host, key, c32, c64);
            InsnCache::Slot& slot = cache.slots[InsnCache::index(h)];
            slot.key = key;
            slot.block = b;
            if (prev && prev->next_key[0] == key && cache.flushes == epoch) prev->next[0] = b;
            else link(key, b);
        }
        if (cache.flushes != epoch) [[unlikely]]
            epoch = cache.flushes;  // every block but b is gone (b was built after the flush)
        static constexpr std::uint64_t kIpMask[3] = {0xFFFF, 0xFFFFFFFF, ~0ull};
        const std::uint64_t ip_mask = kIpMask[mode];
        const std::uint64_t left = budget - total;
        const std::uint64_t n = b->count < left ? b->count : left;
        const Insn* insns = b->insns();
        exec_page = reinterpret_cast<const std::uint8_t*>(h & ~std::uintptr_t{0xFFF});
        exec_break = false;
        std::uint64_t i = 0;
        if (!b->jit && n == b->count && ++b->runs == jit_threshold && cache.code && mode != 0) [[unlikely]] {
            b->jit = jit_compile(*this, *cache.code, insns, b->count, mode);
            if (cache.code->available() < kJitArenaReserve) cache.code_full = true;
        }
        if (b->jit && n == b->count) {
            // Compiled code runs the block (or leaves it early with rip set, as the loop below
            // would); on a fault it has said which instruction (JitFrame), and the ones before
            // it completed.
            JitFrame frame;
            frame.left = left;
            frame.nmi_was_blocked = nmi_was_blocked;
            frame.block = b;
            frame.insns = insns;
            frame.entry_rip = start_rip;
            try {
                i = b->jit(this, &frame);
                i += frame.done;
            } catch (...) {
                instructions += frame.done + frame.index;
                exec_page = nullptr;
                std::uint64_t at = frame.entry_rip;
                for (unsigned k = 0; k < frame.index; ++k) at += frame.insns[k].len;
                start_rip = at & ip_mask;
                start_rsp = frame.rsp;
                throw;
            }
            b = static_cast<Block*>(frame.block);  // the block that ran last (chaining)
        } else {
            // The fault rule needs each instruction's starting RIP and RSP: kept in registers
            // here (the next RIP, from which the start follows, and RSP) and handed out only on
            // a fault.
            std::uint64_t next = rip, rsp = 0;
            try {
                while (i < n) {
                    const Insn& d = insns[i];
                    rsp = gpr[kEsp];
                    // rip moves past the instruction before it executes (see step()).
                    next = (rip + d.len) & ip_mask;
                    rip = next;
                    d.handler(*this, d);
                    ++i;
                    if (rip != next || exec_break) [[unlikely]]
                        break;
                }
            } catch (...) {
                instructions += i;  // the ones before the faulting instruction completed
                exec_page = nullptr;
                start_rip = (next - insns[i].len) & ip_mask;
                start_rsp = rsp;
                throw;
            }
        }
        instructions += i;
        exec_page = nullptr;
        total += i;
        prev = b;
        if (total >= budget || needs_run_loop(*this, nmi_was_blocked)) return total;
    }
}

}  // namespace emu::x86
