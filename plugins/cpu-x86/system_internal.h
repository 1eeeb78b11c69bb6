// Helpers the system part's files (memory, paging, segments, interrupts, system, run) share;
// not part of the Cpu contract.
#pragma once

#include <cstdint>

#include "cpu.h"

namespace emu::x86 {

// MAXPHYADDR is per model: Cpu::phys_mask (36 bits for i686, 40 for x86-64).

// The outcome of a page walk.
struct PageWalk {
    std::uint64_t pa;         // physical address of the 4 KiB page holding the address
    std::uint64_t page_mask;  // ~(page size - 1)
    bool global, writable, user, dirty;
};
// Walk the page tables for linear (paging must be on). update: set accessed/dirty bits. On
// failure returns false with the #PF error code in error (CR2 is not touched).
bool page_walk(Cpu& c, std::uint64_t linear, Access access, bool user, bool update, PageWalk& out,
               std::uint32_t& error);
// Load the PAE PDPTEs from cr3 (#GP(0) for reserved bits in a present entry).
void load_pdptes(Cpu& c, std::uint64_t cr3);

// Segment helpers (segments.cpp) used by interrupt delivery.
// The descriptor of selector, or the exception (vector with the selector as error code) when
// it lies outside its table.
std::uint64_t descriptor_or_fault(Cpu& c, std::uint16_t selector, std::uint8_t vector, bool ext = false);
// Set the accessed bit of a descriptor in memory (segment loads).
void set_descriptor_accessed(Cpu& c, std::uint16_t selector, std::uint64_t descriptor);
// SS:ESP for privilege level dpl from the current TSS (16- or 32-bit), with the checks of a
// stack switch (#TS for a bad SS, with the EXT bit from ext).
void tss_stack(Cpu& c, unsigned dpl, std::uint16_t& ss, std::uint32_t& esp, bool ext);
// Long mode: RSPn (slot 0-2) or ISTn (slot 3-9 for IST1-7) of the 64-bit TSS (#TS(TR) when it
// lies beyond the TSS limit).
std::uint64_t tss_rsp64(Cpu& c, unsigned slot, bool ext);
// The checked (#TS/#SS with the EXT bit from ext) stack segment ss of a switch to level dpl,
// with its accessed bit set.
Segment checked_stack_segment(Cpu& c, std::uint16_t ss, unsigned dpl, bool ext);
// Null DS/ES/FS/GS that the new (outer) CPL may not use (RET/IRET to an outer level).
void clear_outer_segments(Cpu& c);

// Whether size bytes at offset lie inside the segment's limit (expand-down aware).
inline bool limit_ok(const Segment& s, std::uint64_t offset, unsigned size) {
    const std::uint64_t last = offset + size - 1;
    if (s.expand_down()) return offset > s.limit && last <= (s.big() ? 0xFFFFFFFFu : 0xFFFFu);
    return last <= s.limit;
}

// A stack being built or read before it becomes SS:ESP: a copy of the segment and a local ESP.
// flat: a 64-bit mode stack (all of RSP, no base or limit; a non-canonical slot is #SS).
struct Stack {
    Cpu& c;
    Segment ss;
    std::uint64_t esp;
    bool supervisor;        // the accesses are made at CPL 0-2 (else at CPL 3)
    std::uint16_t error;    // #SS error code (0 for the current stack, the new SS otherwise)
    bool flat = false;

    std::uint64_t mask() const { return flat ? ~0ull : ss.big() ? 0xFFFFFFFFu : 0xFFFFu; }
    std::uint64_t slot(std::uint64_t sp, unsigned size) const {
        if (flat) {
            if (!Cpu::canonical(sp) || !Cpu::canonical(sp + size - 1)) c.raise(vec::SS, error);
            return sp;
        }
        if (!limit_ok(ss, sp, size)) c.raise(vec::SS, error);
        return (ss.base + sp) & 0xFFFFFFFFu;
    }
    void push(std::uint64_t value, unsigned size) {
        const std::uint64_t sp = (esp - size) & mask();
        c.write_linear(slot(sp, size), value, size, supervisor);
        esp = (esp & ~mask()) | sp;
    }
    // Read the size-byte slot at ESP + offset (no pop).
    std::uint64_t peek(std::uint64_t offset, unsigned size) {
        const std::uint64_t sp = (esp + offset) & mask();
        return c.read_linear(slot(sp, size), size, supervisor);
    }
    void drop(std::uint64_t bytes) { esp = (esp & ~mask()) | ((esp + bytes) & mask()); }
};

}  // namespace emu::x86
