// Software TLB: fill from the table walk, slow paths of loads and stores (alignment, page
// crossing, MMIO, ROM, code pages, external aborts) and the flush operations.
#include "cpu.h"

namespace emu::arm {

bool Cpu::translate(std::uint32_t va, AccessType type, unsigned p, TlbEntry*& entry) {
    const unsigned idx = (va >> 12) & (kTlbSize - 1);
    TlbEntry& e = tlb[p][type][idx];
    const std::uint32_t vpage = va & kPageMask;
    if ((e.tag & ~kTlbSlow) == vpage) {
        entry = &e;
        return true;
    }
    const Translation t = walk(va);
    const std::uint32_t fsr = access_fault(t, type, p);
    if (fsr) {
        fault_fsr = fsr;
        fault_far = va;
        fault_write = type == kAccWrite;
        return false;
    }
    const std::uint32_t ppage = t.pa & kPageMask;
    const AddressSpace::RamSpan span = mem.ram_span(ppage);
    const bool ram = span.host && span.length >= 0x1000;
    std::uint32_t info = ppage | (t.global ? kInfoGlobal : 0u) | (t.domain << kInfoDomainShift);
    if (!ram) info |= kInfoMmio;
    else if (!span.writable) info |= kInfoRom;
    const std::uintptr_t addend = ram ? reinterpret_cast<std::uintptr_t>(span.host) - vpage : 0;
    for (unsigned ty = 0; ty < 3; ++ty) {
        if (!(t.perms[p] & (1u << ty)) && ty != type) continue;
        TlbEntry& f = tlb[p][ty][idx];
        std::uint32_t finfo = info;
        bool slow = !ram;
        if (ty == kAccWrite) {
            if (info & kInfoRom) slow = true;
            if (ram && code_pages_[ppage >> 12]) {
                slow = true;
                finfo |= kInfoCode;
            }
        }
        f.tag = vpage | (slow ? kTlbSlow : 0u);
        f.info = finfo;
        f.addend = addend;
        const unsigned slot = (p * 3 + ty) * kTlbSize + idx;
        tlb_domain_slots[t.domain][slot / 64] |= 1ull << (slot % 64);
    }
    tlb_domains_present |= 1u << t.domain;
    if (t.page_size > 0x1000) {
        const std::uint32_t mask = ~(t.page_size - 1);
        if (!tlb_has_large) {
            tlb_has_large = true;
            tlb_large_mask = mask;
            tlb_large_addr = va & mask;
        } else {
            std::uint32_t m = tlb_large_mask & mask;
            while (m && ((tlb_large_addr ^ va) & m)) m <<= 1;
            tlb_large_mask = m;  // 0: covers everything
            tlb_large_addr &= m;
        }
    }
    entry = &tlb[p][type][idx];
    return true;
}

namespace {
inline bool alignment_ok(const Cpu& c, std::uint32_t va, unsigned size, unsigned strict_mask) {
    if (va & strict_mask) return false;
    if ((va & (size - 1)) && (c.cp15.sctlr & kSctlrA)) return false;
    return true;
}
}  // namespace

int Cpu::read_slow(std::uint32_t va, unsigned size, std::uint64_t& value, unsigned p,
                   unsigned strict_mask) {
    if (!alignment_ok(*this, va, size, strict_mask)) {
        fault_fsr = kFsAlignment;
        fault_far = va;
        fault_write = false;
        return kMemFault;
    }
    if ((va & 0xfff) + size > 0x1000) {  // crosses a page: check both, then bytes
        TlbEntry* e;
        if (!translate(va, kAccRead, p, e) || !translate(va + size - 1, kAccRead, p, e)) return kMemFault;
        std::uint64_t v = 0;
        for (unsigned i = 0; i < size; ++i) {
            std::uint64_t b = 0;
            if (read_slow(va + i, 1, b, p, 0)) return kMemFault;
            v |= b << (8 * i);
        }
        value = v;
        return kMemOk;
    }
    TlbEntry* e;
    if (!translate(va, kAccRead, p, e)) return kMemFault;
    if (!(e->info & kInfoMmio)) {
        std::uint64_t v = 0;
        std::memcpy(&v, reinterpret_cast<const void*>(e->addend + va), size);
        value = v;
        return kMemOk;
    }
    const std::uint32_t pa = (e->info & kPageMask) | (va & 0xfff);
    if (va & (size - 1)) {  // unaligned access to Device memory
        fault_fsr = kFsAlignment;
        fault_far = va;
        fault_write = false;
        return kMemFault;
    }
    std::uint64_t v = 0;
    const MemResult mr = mem.read_value(pa, size, v);
    if (mr == MemResult::Unassigned || mr == MemResult::DeviceError) {
        fault_fsr = kFsExtAbort | (((e->info >> kInfoDomainShift) & 15) << 4);
        fault_far = va;
        fault_write = false;
        return kMemFault;
    }
    value = v;
    return kMemOk;
}

int Cpu::write_slow(std::uint32_t va, unsigned size, std::uint64_t value, unsigned p,
                    unsigned strict_mask) {
    if (!alignment_ok(*this, va, size, strict_mask)) {
        fault_fsr = kFsAlignment;
        fault_far = va;
        fault_write = true;
        return kMemFault;
    }
    if ((va & 0xfff) + size > 0x1000) {
        TlbEntry* e;
        if (!translate(va, kAccWrite, p, e) || !translate(va + size - 1, kAccWrite, p, e)) return kMemFault;
        int code = kMemOk;
        for (unsigned i = 0; i < size; ++i) {
            int rc = write_slow(va + i, 1, (value >> (8 * i)) & 0xff, p, 0);
            if (rc == kMemFault) return kMemFault;
            code |= rc;
        }
        return code;
    }
    TlbEntry* e;
    if (!translate(va, kAccWrite, p, e)) return kMemFault;
    const std::uint32_t pa = (e->info & kPageMask) | (va & 0xfff);
    int code = kMemOk;
    if (e->info & kInfoMmio) {
        if (va & (size - 1)) {
            fault_fsr = kFsAlignment;
            fault_far = va;
            fault_write = true;
            return kMemFault;
        }
        const MemResult mr = mem.write_value(pa, size, value);
        if (mr == MemResult::Unassigned || mr == MemResult::DeviceError) {
            fault_fsr = kFsExtAbort | (((e->info >> kInfoDomainShift) & 15) << 4);
            fault_far = va;
            fault_write = true;
            return kMemFault;
        }
        if (mem.generation() != mem_generation) {  // the device changed the memory map
            mem_generation = mem.generation();
            tlb_flush_all();
            flush_pending = true;
            return kMemCodeHit;  // leave the block so the code cache is flushed
        }
        return kMemOk;
    }
    if (e->info & kInfoRom) return kMemOk;  // writes to ROM are ignored
    if (e->info & kInfoCode) {
        const std::uint32_t ppage = pa & kPageMask;
        if (code_pages_[ppage >> 12] && invalidate_code_write(pa, size)) code = kMemCodeHit;
        if (!code_pages_[ppage >> 12]) {  // no code left: back to the fast path
            e->info &= ~kInfoCode;
            e->tag &= ~kTlbSlow;
        }
    }
    std::memcpy(reinterpret_cast<void*>(e->addend + va), &value, size);
    return code;
}

void Cpu::tlb_flush_all() {
    for (auto& a : tlb)
        for (auto& b : a)
            for (auto& e : b) e.tag = kTlbInvalidTag;
    tlb_has_large = false;
    tlb_domains_present = 0;
    std::memset(tlb_domain_slots, 0, sizeof tlb_domain_slots);
    jc_flush();
}

void Cpu::tlb_flush_nonglobal() {
    for (auto& a : tlb)
        for (auto& b : a)
            for (auto& e : b)
                if (!(e.info & kInfoGlobal)) e.tag = kTlbInvalidTag;
    jc_flush();
}

void Cpu::tlb_flush_va(std::uint32_t va) {
    if (tlb_has_large && (va & tlb_large_mask) == tlb_large_addr) {
        tlb_flush_all();
        return;
    }
    const unsigned idx = (va >> 12) & (kTlbSize - 1);
    for (auto& a : tlb)
        for (auto& b : a)
            if ((b[idx].tag & kPageMask) == (va & kPageMask)) b[idx].tag = kTlbInvalidTag;
    jc_flush();
}

void Cpu::tlb_flush_domains(std::uint32_t changed) {
    changed &= tlb_domains_present;
    if (!changed) return;
    // Jump-cache entries and block links of pages in these domains may outlive their TLB
    // entries (a direct-mapped slot is refilled by another page), so they go regardless.
    jc_flush();
    for (unsigned d = 0; d < 16; ++d) {
        if (!(changed & (1u << d))) continue;
        for (unsigned w = 0; w < kTlbSlots / 64; ++w) {
            std::uint64_t bits = tlb_domain_slots[d][w];
            tlb_domain_slots[d][w] = 0;
            while (bits) {
                const unsigned slot = w * 64 + static_cast<unsigned>(__builtin_ctzll(bits));
                bits &= bits - 1;
                TlbEntry& e = tlb[slot / (3 * kTlbSize)][(slot / kTlbSize) % 3][slot % kTlbSize];
                if (e.tag != kTlbInvalidTag && ((e.info >> kInfoDomainShift) & 15) == d)
                    e.tag = kTlbInvalidTag;
            }
        }
    }
}

void Cpu::tlb_protect_code_page(std::uint32_t pa_page) {
    for (auto& a : tlb) {
        for (auto& e : a[kAccWrite]) {
            if (e.tag != kTlbInvalidTag && (e.info & kPageMask) == pa_page && !(e.info & kInfoMmio)) {
                e.tag |= kTlbSlow;
                e.info |= kInfoCode;
            }
        }
    }
}

}  // namespace emu::arm
