// The software TLB: linear page -> physical page and, for RAM, the host pointer of the page.
// Direct-mapped, one array per {supervisor, user} x {read, write, execute}, so a hit needs no
// permission check: an entry is only filled for the privilege and kind of access the page
// tables allowed (and, for writes, only once the dirty bit is set, so the first write still
// walks and sets it). Entries hold 4 KiB pieces even of 4 MiB/2 MiB pages; page_mask keeps the
// translation's real size for INVLPG.
//
// Host pointers are valid for one memory.generation() of the address space; memory.cpp drops
// everything when the generation moves (a PCI BAR or PAM change).
#pragma once

#include <cstdint>
#include <cstring>

namespace emu::x86 {

struct TlbEntry {
    static constexpr std::uint64_t kInvalid = 1;  // never equal to a page-aligned tag
    std::uint64_t tag = kInvalid;    // linear address of the 4 KiB page
    std::uint8_t* host = nullptr;    // RAM (ROM for reads): host address of the page; else null
    std::uint64_t pa = 0;            // physical address of the 4 KiB page
    std::uint64_t page_mask = ~0xFFFull;  // ~(size - 1) of the translation (4K, 2M, 4M)
    bool global = false;
};

struct Tlb {
    static constexpr unsigned kSize = 256;
    static constexpr unsigned kUser = 1;  // first index: 0 supervisor, 1 user (CPL 3)

    TlbEntry entries[2][3][kSize];
    bool has_large = false;          // some entry belongs to a 2M/4M page (INVLPG scans)
    std::uint64_t generation = ~0ull;  // memory.generation() the host pointers belong to

    // The current code page (fetch8's fast path): linear page | user bit, and its host page.
    std::uint64_t fetch_tag = TlbEntry::kInvalid;
    const std::uint8_t* fetch_host = nullptr;

    // Host pointers of recently used physical pages (page-table walks, descriptor A bits).
    static constexpr unsigned kPhysSize = 16;
    std::uint64_t phys_tag[kPhysSize] = {};
    std::uint8_t* phys_host[kPhysSize] = {};

    static unsigned index(std::uint64_t linear) { return (linear >> 12) & (kSize - 1); }
    TlbEntry& entry(unsigned user, unsigned access, std::uint64_t linear) {
        return entries[user][access][index(linear)];
    }

    void flush_all() {
        for (auto& a : entries)
            for (auto& b : a)
                for (auto& e : b) e.tag = TlbEntry::kInvalid;
        has_large = false;
        fetch_tag = TlbEntry::kInvalid;
    }
    void flush_nonglobal() {
        for (auto& a : entries)
            for (auto& b : a)
                for (auto& e : b)
                    if (!e.global) e.tag = TlbEntry::kInvalid;
        fetch_tag = TlbEntry::kInvalid;
    }
    void flush_page(std::uint64_t linear) {
        const std::uint64_t page = linear & ~0xFFFull;
        for (auto& a : entries)
            for (auto& b : a) {
                TlbEntry& e = b[index(linear)];
                if (e.tag == page) e.tag = TlbEntry::kInvalid;
                if (has_large)
                    for (auto& l : b)
                        if (l.tag != TlbEntry::kInvalid && ((l.tag ^ linear) & l.page_mask) == 0) l.tag = TlbEntry::kInvalid;
            }
        fetch_tag = TlbEntry::kInvalid;
    }
    void flush_phys() {
        for (auto& t : phys_tag) t = 0;
        for (auto& h : phys_host) h = nullptr;
    }
};

}  // namespace emu::x86
