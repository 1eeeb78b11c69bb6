// Page-table walks (SDM vol. 3 chapter 4): 32-bit paging with 4 MiB pages (PSE, PSE-36), PAE
// paging with 2 MiB pages and NX, and 4-level (IA-32e) paging in long mode with 2 MiB pages (no
// 1 GiB pages: CPUID does not offer pdpe1gb, so a PDPTE's PS bit is reserved); accessed/dirty
// bits, #PF error codes and CR2; the TLB fill and flushes.
#include <emu/memory.h>

#include "cpu.h"
#include "system_internal.h"

namespace emu::x86 {

namespace {

constexpr std::uint64_t kP = 1, kRW = 2, kUS = 4, kA = 0x20, kD = 0x40, kPS = 0x80, kG = 0x100;
constexpr std::uint64_t kNX = 1ull << 63;

constexpr std::uint32_t kErrP = 1, kErrW = 2, kErrU = 4, kErrRsvd = 8, kErrI = 16;

}  // namespace

// Walk the tables for linear. On success fills out and, when update is set, writes the
// accessed (and for writes dirty) bits back; on failure returns false with the #PF error code.
bool page_walk(Cpu& c, std::uint64_t linear, Access access, bool user, bool update, PageWalk& out,
               std::uint32_t& error) {
    const bool write = access == Access::Write, fetch = access == Access::Execute;
    // NX (and the I/D error bit) exist only in PAE entries (SDM 4.7).
    const bool nxe = (c.efer & kEferNXE) && (c.cr4 & kCr4PAE);
    // PAE entries: bits 62..MAXPHYADDR are reserved (and bit 63 without EFER.NXE).
    const std::uint64_t pae_high_reserved = ~c.phys_mask & ~kNX;
    error = (write ? kErrW : 0) | (user ? kErrU : 0);
    std::uint64_t entries[4];  // physical addresses of the entries used, top level first
    std::uint64_t values[4];
    unsigned levels = 0;
    std::uint64_t page_mask = ~0xFFFull, pa = 0;
    bool rw = true, us = true, nx = false;
    auto reserved = [&]() {
        error |= kErrP | kErrRsvd | (fetch && nxe ? kErrI : 0);
        return false;
    };

    if (c.long_mode()) {
        // 4-level paging: bits 51..MAXPHYADDR of every entry are reserved (62:52 are ignored),
        // bit 63 too without EFER.NXE; PS is reserved in a PML4E and (no 1 GiB pages) a PDPTE.
        const std::uint64_t high_reserved = (0x000FFFFFFFFFF000ull & ~c.phys_mask) | (nxe ? 0 : kNX);
        std::uint64_t table = c.cr3 & c.phys_mask & ~0xFFFull;
        for (unsigned level = 4;; --level) {  // 4 = PML4 .. 1 = page table
            const unsigned shift = 12 + 9 * (level - 1);
            const std::uint64_t addr = table + ((linear >> shift) & 0x1FF) * 8;
            const std::uint64_t e = c.read_physical(addr, 8);
            if (!(e & kP)) {
                if (fetch && nxe) error |= kErrI;
                return false;
            }
            const bool large = level == 2 && (e & kPS);
            if ((e & high_reserved) || (level >= 3 && (e & kPS)) || (large && (e & 0x1FE000))) return reserved();
            entries[levels] = addr;
            values[levels++] = e;
            rw = rw && (e & kRW);
            us = us && (e & kUS);
            nx = nx || (e & kNX);
            if (large || level == 1) {
                page_mask = ~((1ull << shift) - 1);
                pa = e & c.phys_mask & page_mask;
                break;
            }
            table = e & c.phys_mask & ~0xFFFull;
        }
    } else if (c.cr4 & kCr4PAE) {
        const std::uint64_t pdpte = c.pdpte[(linear >> 30) & 3];
        if (!(pdpte & kP)) {
            if (fetch && nxe) error |= kErrI;
            return false;
        }
        const std::uint64_t pde_addr = (pdpte & c.phys_mask & ~0xFFFull) + ((linear >> 21) & 0x1FF) * 8;
        const std::uint64_t pde = c.read_physical(pde_addr, 8);
        if (!(pde & kP)) {
            if (fetch && nxe) error |= kErrI;
            return false;
        }
        if ((pde & pae_high_reserved) || (!nxe && (pde & kNX))) return reserved();
        entries[levels] = pde_addr;
        values[levels++] = pde;
        rw = pde & kRW;
        us = pde & kUS;
        nx = pde & kNX;
        if (pde & kPS) {
            if (pde & 0x1FE000) return reserved();  // bits 20:13 of a 2 MiB entry
            page_mask = ~0x1FFFFFull;
            pa = pde & c.phys_mask & page_mask;
        } else {
            const std::uint64_t pte_addr = (pde & c.phys_mask & ~0xFFFull) + ((linear >> 12) & 0x1FF) * 8;
            const std::uint64_t pte = c.read_physical(pte_addr, 8);
            if (!(pte & kP)) {
                if (fetch && nxe) error |= kErrI;
                return false;
            }
            if ((pte & pae_high_reserved) || (!nxe && (pte & kNX))) return reserved();
            entries[levels] = pte_addr;
            values[levels++] = pte;
            rw = rw && (pte & kRW);
            us = us && (pte & kUS);
            nx = nx || (pte & kNX);
            page_mask = ~0xFFFull;
            pa = pte & c.phys_mask & page_mask;
        }
    } else {
        const std::uint64_t pde_addr = (c.cr3 & 0xFFFFF000u) + ((linear >> 22) & 0x3FF) * 4;
        const std::uint64_t pde = c.read_physical(pde_addr, 4);
        if (!(pde & kP)) return false;
        entries[levels] = pde_addr;
        values[levels++] = pde;
        rw = pde & kRW;
        us = pde & kUS;
        if ((pde & kPS) && (c.cr4 & kCr4PSE)) {
            // PSE-36: bits 16:13 are physical address bits 35:32, bits 21:17 reserved.
            if (pde & 0x3E0000) return reserved();
            page_mask = ~0x3FFFFFull;
            pa = (pde & 0xFFC00000u) | ((pde >> 13) & 0xF) << 32;
        } else {
            const std::uint64_t pte_addr = (pde & 0xFFFFF000u) + ((linear >> 12) & 0x3FF) * 4;
            const std::uint64_t pte = c.read_physical(pte_addr, 4);
            if (!(pte & kP)) return false;
            entries[levels] = pte_addr;
            values[levels++] = pte;
            rw = rw && (pte & kRW);
            us = us && (pte & kUS);
            page_mask = ~0xFFFull;
            pa = pte & 0xFFFFF000u;
        }
    }

    // Rights (SDM 4.6): user accesses need U/S everywhere and R/W for writes; supervisor writes
    // need R/W only with CR0.WP; fetches need NX clear (with EFER.NXE).
    bool allowed = true;
    if (user && !us) allowed = false;
    if (write && !rw && (user || (c.cr0 & kCr0WP))) allowed = false;
    if (fetch && nx && nxe) allowed = false;
    if (!allowed) {
        error |= kErrP | (fetch && nxe ? kErrI : 0);
        return false;
    }

    if (update) {
        const unsigned width = (c.cr4 & kCr4PAE) ? 8 : 4;
        for (unsigned i = 0; i < levels; ++i) {
            std::uint64_t v = values[i] | kA;
            if (i == levels - 1 && write) v |= kD;  // dirty only in the entry mapping the page
            // Atomically, as the hardware does: another CPU may have changed the entry since
            // it was read (unmapped it, say); then walk again.
            if (v != values[i] && !c.cas_physical(entries[i], values[i], v, width))
                return page_walk(c, linear, access, user, update, out, error);
        }
    }
    const std::uint64_t leaf = values[levels - 1];
    out.pa = (pa | (linear & ~page_mask)) & ~0xFFFull;
    out.page_mask = page_mask;
    out.global = (leaf & kG) && (c.cr4 & kCr4PGE);
    out.writable = rw;
    out.user = us;
    out.dirty = write || (leaf & kD);
    return true;
}

TlbEntry& Cpu::tlb_lookup(std::uint64_t linear, Access access, bool user) {
    TlbEntry& e = tlb.entry(user, static_cast<unsigned>(access), linear);
    const std::uint64_t page = linear & ~0xFFFull;
    if (e.tag == page) return e;
    if (memory.generation() != tlb.generation) sync_memory_generation();
    PageWalk w{page, ~0xFFFull, false, true, true, true};
    if (paging()) {
        std::uint32_t error = 0;
        if (!page_walk(*this, linear, access, user, true, w, error)) {
            cr2 = linear;
            raise(vec::PF, error);
        }
    }
    e.tag = page;
    e.pa = w.pa;
    e.page_mask = w.page_mask;
    e.global = w.global;
    e.host = memory.ram_pointer(w.pa, 0x1000, access == Access::Write);
    if (w.page_mask != ~0xFFFull) tlb.has_large = true;
    return e;
}

std::uint64_t Cpu::translate(std::uint64_t linear, Access access, bool user) {
    return tlb_lookup(linear, access, user).pa | (linear & 0xFFF);
}

void Cpu::tlb_flush(bool include_global) {
    if (include_global) tlb.flush_all();
    else tlb.flush_nonglobal();
}

void Cpu::tlb_flush_page(std::uint64_t linear) { tlb.flush_page(linear & system_linear_mask()); }

// PAE: MOV CR3 (and enabling PAE paging) loads the four PDPTEs; reserved bits set in a present
// one are #GP(0) (SDM 4.4.1).
void load_pdptes(Cpu& c, std::uint64_t cr3) {
    std::uint64_t loaded[4];
    const std::uint64_t base = cr3 & 0xFFFFFFE0u;
    for (unsigned i = 0; i < 4; ++i) {
        loaded[i] = c.read_physical(base + i * 8, 8);
        if ((loaded[i] & kP) && (loaded[i] & (0x1E6ull | ~c.phys_mask))) c.raise(vec::GP, 0);
    }
    for (unsigned i = 0; i < 4; ++i) c.pdpte[i] = loaded[i];
}

}  // namespace emu::x86
