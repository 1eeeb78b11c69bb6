// The decoded-instruction cache: blocks of decoded instructions keyed by physical address
// (plus Thumb state and the initial ITSTATE), a per-privilege jump cache keyed by virtual PC
// for the hot path, per-page block lists for invalidation, write protection of code pages via
// the TLB (stores to them invalidate), and lazy re-verification after icache maintenance (a
// global epoch; catches DMA writes to code).
#include <algorithm>
#include <new>
#include <vector>

#include "cpu.h"

namespace emu::arm {

std::atomic<std::uint64_t> g_icache_epoch{1};

namespace {
constexpr unsigned kMaxBlockInsns = 64;
constexpr std::size_t kArenaChunk = 4u << 20;
constexpr std::size_t kArenaCap = 256u << 20;

inline std::uint16_t fetch16(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}
inline std::uint32_t fetch32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
// PC-free handlers (see Insn::pre): they read no register but those named in rd/rn/rm/ra and
// reach r[15] only through raise_* (which rebuild it): plain data processing, the specialised
// loads/stores, multiplies, media operations but ADR. Collected once from the selectors,
// sorted for binary search.
bool handler_pc_free(Handler h) {
    static const std::vector<Handler> handlers = [] {
        std::vector<Handler> v;
        for (int op = 0; op < kNumDpOps; ++op)
            for (int kind = 0; kind < 4; ++kind)
                for (bool s : {false, true}) v.push_back(sel_dp(op, kind, s, false));
        for (unsigned size : {1u, 2u, 4u})
            for (bool sign : {false, true})
                for (bool load : {false, true})
                    for (unsigned f = 0; f < 32; ++f) {
                        const auto flags = static_cast<std::uint8_t>(f & (kLsU | kLsP | kLsW | kLsReg));
                        v.push_back(sel_ldst(size, sign, load, flags, 0));
                    }
        for (int op = 0; op < kNumMulOps; ++op) v.push_back(sel_mul(op));
        for (int op = 0; op < kNumMediaOps; ++op)
            if (op != kAdr) v.push_back(sel_media(op));
        // Generic forms (unprivileged, literal, Rt = PC) and UNDEFINED are not PC-free.
        const Handler excluded[] = {sel_ldst(4, false, true, kLsUser, 0), sel_undef()};
        std::sort(v.begin(), v.end(), std::less<>{});
        v.erase(std::unique(v.begin(), v.end()), v.end());
        for (Handler x : excluded) v.erase(std::remove(v.begin(), v.end(), x), v.end());
        return v;
    }();
    return std::binary_search(handlers.begin(), handlers.end(), h, std::less<>{});
}

// Fills Insn::pre once an instruction is decoded. LDM/STM are PC-free unless the list or the
// base is the PC.
void set_pre(Insn& in) {
    bool pc_free;
    if (in.fn == sel_ldm(true) || in.fn == sel_ldm(false))
        pc_free = !(in.imm & 0x8000u) && in.rn != 15;
    else
        pc_free = in.rd != 15 && in.rn != 15 && in.rm != 15 && in.ra != 15 && handler_pc_free(in.fn);
    in.pre = static_cast<std::uint8_t>((in.cond != 14 ? kPreCond : 0) | (pc_free ? 0 : kPrePc));
}

inline std::uint64_t block_key(std::uint32_t pa, bool thumb, std::uint32_t it) {
    return pa | (static_cast<std::uint64_t>(thumb) << 32) | (static_cast<std::uint64_t>(it) << 33);
}
}  // namespace

void Cpu::bump_icache_epoch() {
    icache_epoch = g_icache_epoch.fetch_add(1, std::memory_order_relaxed) + 1;
}

void* Cpu::arena_alloc(std::size_t bytes) {
    bytes = (bytes + 15) & ~std::size_t{15};
    if (bytes > arena_left_) {
        if ((arena_chunks_.size() + 1) * kArenaChunk > kArenaCap) return nullptr;
        arena_chunks_.push_back(std::make_unique<std::uint8_t[]>(kArenaChunk));
        arena_ptr_ = arena_chunks_.back().get();
        arena_left_ = kArenaChunk;
    }
    void* p = arena_ptr_;
    arena_ptr_ += bytes;
    arena_left_ -= bytes;
    arena_used_ += bytes;
    return p;
}

void Cpu::flush_code_cache() {
    blocks_.clear();
    for (auto& [page, list] : page_blocks_) code_pages_[page >> 12] = 0;
    page_blocks_.clear();
    arena_chunks_.clear();
    arena_ptr_ = nullptr;
    arena_left_ = arena_used_ = 0;
    if (jit_code) jit_code->reset();  // compiled code points into the blocks just freed
    flush_pending = false;
    ++code_flushes;
    jc_flush();
}

void Cpu::invalidate_code_page(std::uint32_t pa_page) {
    auto it = page_blocks_.find(pa_page);
    if (it != page_blocks_.end()) {
        for (Block* b : it->second) {
            b->live = false;
            auto bi = blocks_.find(block_key(b->pa, b->thumb, b->it0));
            if (bi != blocks_.end() && bi->second == b) blocks_.erase(bi);
        }
        page_blocks_.erase(it);
    }
    code_pages_[pa_page >> 12] = 0;
}

bool Cpu::invalidate_code_write(std::uint32_t pa, unsigned size) {
    const std::uint32_t page = pa & kPageMask;
    auto it = page_blocks_.find(page);
    if (it == page_blocks_.end()) {
        code_pages_[page >> 12] = 0;
        return false;
    }
    const unsigned lo = pa & 0xfff, hi = lo + size;
    bool dropped = false;
    auto& list = it->second;
    for (std::size_t i = 0; i < list.size();) {
        Block* b = list[i];
        if (lo < b->end_off && hi > b->start_off) {
            b->live = false;
            auto bi = blocks_.find(block_key(b->pa, b->thumb, b->it0));
            if (bi != blocks_.end() && bi->second == b) blocks_.erase(bi);
            list[i] = list.back();
            list.pop_back();
            dropped = true;
        } else {
            ++i;
        }
    }
    if (list.empty()) {
        page_blocks_.erase(it);
        code_pages_[page >> 12] = 0;
    }
    return dropped;
}

void Cpu::invalidate_code_range(std::uint64_t pa, std::uint64_t len) {
    if (len == 0) return;
    const std::uint64_t end = std::min<std::uint64_t>(pa + len, 0x100000000ull);
    for (std::uint64_t p = pa & kPageMask; p < end; p += 0x1000) {
        if (code_pages_[p >> 12]) invalidate_code_page(static_cast<std::uint32_t>(p));
    }
}

namespace {
bool verify_block(const Block* b, const std::uint8_t* host) {
    const unsigned off0 = b->insns[0].off;
    for (std::uint32_t i = 0; i < b->count; ++i) {
        const Insn& in = b->insns[i];
        const std::uint8_t* p = host + (in.off - off0);
        std::uint32_t raw;
        if (!b->thumb) raw = fetch32(p);
        else if (in.size == 4) raw = (static_cast<std::uint32_t>(fetch16(p)) << 16) | fetch16(p + 2);
        else raw = fetch16(p);
        if (raw != in.raw) return false;
    }
    return true;
}
}  // namespace

Block* Cpu::find_block() {
    const std::uint32_t pc = r[15];
    TlbEntry* e;
    if (!translate(pc, kAccExec, priv, e)) {
        raise_prefetch_abort(pc, fault_fsr, pc);
        return nullptr;
    }
    const std::uint32_t pa = (e->info & kPageMask) | (pc & 0xfff);
    const std::uint8_t* host =
        (e->info & kInfoMmio) ? nullptr : reinterpret_cast<const std::uint8_t*>(e->addend + pc);
    Block* b = nullptr;
    if (host) {
        auto it = blocks_.find(block_key(pa, thumb, itstate));
        if (it != blocks_.end()) {
            b = it->second;
            if (b->epoch != icache_epoch) {
                if (verify_block(b, host)) {
                    b->epoch = icache_epoch;
                } else {
                    invalidate_code_page(pa & kPageMask);
                    b = nullptr;
                }
            }
        }
    }
    if (!b) b = decode_block(pc, pa, host);
    if (!b) return nullptr;
    if (itstate == 0 && b != &scratch_block_) {
        JcEntry& j = jc_[priv][(pc >> 1) & (kJcSize - 1)];
        j.key = jc_key(pc);
        j.block = b;
    }
    return b;
}

// Decodes a block at pc (physical pa; host points at its bytes, or null for MMIO). Blocks end
// at an unconditional control transfer, at the page end or after kMaxBlockInsns. MMIO code and a
// T32 instruction straddling two pages are decoded into a one-instruction scratch block that
// is not cached.
Block* Cpu::decode_block(std::uint32_t pc, std::uint32_t pa, const std::uint8_t* host) {
    unsigned off = pc & 0xfff;
    if (!host || (thumb && off == 0xffe)) {
        // Fetch through the address space (MMIO) and/or across the page boundary.
        std::uint64_t v = 0;
        Insn& in = scratch_insns_[0];
        if (mem.read_value(pa, thumb ? 2 : 4, v) != MemResult::Ok) {
            raise_prefetch_abort(pc, kFsExtAbort, pc);
            return nullptr;
        }
        if (thumb) {
            const std::uint16_t hw1 = static_cast<std::uint16_t>(v);
            std::uint16_t hw2 = 0;
            if (t32_is_32bit(hw1)) {
                TlbEntry* e2;
                if (!translate(pc + 2, kAccExec, priv, e2)) {
                    raise_prefetch_abort(pc, fault_fsr, pc + 2);
                    return nullptr;
                }
                std::uint64_t v2 = 0;
                if (mem.read_value((e2->info & kPageMask) | ((pc + 2) & 0xfff), 2, v2) != MemResult::Ok) {
                    raise_prefetch_abort(pc, kFsExtAbort, pc + 2);
                    return nullptr;
                }
                hw2 = static_cast<std::uint16_t>(v2);
            }
            t32_decode(hw1, hw2, itstate, in);
        } else {
            a32_decode(static_cast<std::uint32_t>(v), in);
        }
        set_pre(in);
        in.off = static_cast<std::uint16_t>(off);
        scratch_block_ = Block{};
        scratch_block_.pa = pa;
        scratch_block_.count = 1;
        scratch_block_.thumb = thumb;
        scratch_block_.it0 = static_cast<std::uint8_t>(itstate);
        scratch_block_.insns = scratch_insns_;
        scratch_block_.live = false;
        return &scratch_block_;
    }
    const std::size_t bytes = sizeof(Block) + kMaxBlockInsns * sizeof(Insn);
    void* space = arena_alloc(bytes);
    if (!space) {
        flush_code_cache();
        space = arena_alloc(bytes);
    }
    Block* b = new (space) Block{};
    b->insns = reinterpret_cast<Insn*>(static_cast<std::uint8_t*>(space) + sizeof(Block));
    const std::uint8_t* page = host - off;
    std::uint32_t it = itstate;
    unsigned n = 0;
    while (n < kMaxBlockInsns && off < 0x1000) {
        Insn& in = b->insns[n];
        if (thumb) {
            const std::uint16_t hw1 = fetch16(page + off);
            std::uint16_t hw2 = 0;
            if (t32_is_32bit(hw1)) {
                if (off + 4 > 0x1000) break;  // straddles the page: next block
                hw2 = fetch16(page + off + 2);
            }
            t32_decode(hw1, hw2, it, in);
            it = in.it_next;
        } else {
            a32_decode(fetch32(page + off), in);
        }
        set_pre(in);
        in.off = static_cast<std::uint16_t>(off);
        off += in.size;
        ++n;
        if (in.ends && in.cond == 14) break;
    }
    const std::size_t unused = (kMaxBlockInsns - n) * sizeof(Insn);
    arena_ptr_ -= unused;
    arena_left_ += unused;
    arena_used_ -= unused;
    b->pa = pa;
    b->count = n;
    b->start_off = static_cast<std::uint16_t>(pc & 0xfff);
    b->end_off = static_cast<std::uint16_t>(off);
    b->thumb = thumb;
    b->it0 = static_cast<std::uint8_t>(itstate);
    b->epoch = icache_epoch;
    b->live = true;
    blocks_[block_key(pa, thumb, itstate)] = b;
    const std::uint32_t ppage = pa & kPageMask;
    page_blocks_[ppage].push_back(b);
    if (!code_pages_[ppage >> 12]) {
        code_pages_[ppage >> 12] = 1;
        tlb_protect_code_page(ppage);
    }
    if (trace_in_asm && trace_sink) {
        for (unsigned i = 0; i < n; ++i) {
            const Insn& in = b->insns[i];
            const std::uint32_t va = (pc & kPageMask) + in.off;
            trace("IN: " + hex32(va) + ": " + (thumb && in.size == 2 ? hex32(in.raw).substr(4) + "    " : hex32(in.raw)) +
                  "  " + insn_class_name(in));
        }
    }
    return b;
}

}  // namespace emu::arm
