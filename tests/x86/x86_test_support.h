// Test support for the x86 core: assemble a snippet with the host's GNU as (32-bit, Intel
// syntax by default) and run it on an X86Core over 16 MiB of RAM (plus an I/O space that
// records port writes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <emu/memory.h>

#include "cpu.h"
#include "x86_core.h"

namespace emu::x86::test {

// Assemble source (GNU as, --32; prefixed with ".intel_syntax noprefix" unless att) into flat
// binary bytes for the given origin. Throws std::runtime_error with as's messages on failure.
std::vector<std::uint8_t> assemble(const std::string& source, std::uint32_t origin = 0, bool att = false);
// The same with as --64 (source starts in .code64 unless it says otherwise; .code32 sections
// may be mixed in, as a kernel's entry code does).
std::vector<std::uint8_t> assemble64(const std::string& source, std::uint64_t origin = 0, bool att = false);

class Machine {
public:
    static constexpr std::uint64_t kRamSize = 16u << 20;
    // start64()'s system structures, at the top of RAM (tests must not use 0xFEF000-0xFFAFFF):
    // the 4-level tables identity-mapping the 16 MiB with 4 KiB pages (PML4 at kPml4, PDPT,
    // PD, then the 8 page tables from kPageTables: pte() gives an entry's address) and a
    // 64-bit TSS (all zero: tests set RSP0/IST themselves).
    static constexpr std::uint32_t kTss64 = 0xFEF000;
    static constexpr std::uint32_t kPml4 = 0xFF0000, kPdpt = 0xFF1000, kPd = 0xFF2000, kPageTables = 0xFF3000;
    // start64()'s GDT at 0 (Linux's layout, so STAR = 0x0023001000000000 fits SYSCALL/SYSRET):
    // 0x08 32-bit code DPL 0, 0x10 64-bit code DPL 0, 0x18 data DPL 0, 0x20 32-bit code DPL 3,
    // 0x28 data DPL 3, 0x30 64-bit code DPL 3, 0x40 the 64-bit TSS (16 bytes). GDTR limit 0x4F.
    enum : std::uint16_t {
        kCode32 = 0x08, kCode64 = 0x10, kData = 0x18, kUserCode32 = 0x20, kUserData = 0x28, kUserCode64 = 0x30,
        kTssSelector = 0x40,
    };
    // x86_64: the x86-64 CPU model (X86Config::x86_64); start64() switches it on anyway.
    explicit Machine(bool x86_64 = false);
    ~Machine();

    X86Core& core() { return *core_; }
    Cpu& cpu() { return core_->internal(); }
    AddressSpace& memory() { return *memory_; }
    std::uint8_t* ram() { return ram_->data(); }

    // Copy bytes into RAM at a physical address.
    void load(std::uint32_t address, const std::vector<std::uint8_t>& bytes);
    // Assemble and load code at address, then enter it in flat 32-bit protected mode (x86.h's
    // flat32 state; ESP = 0x80000) or real mode (CS:IP from the address).
    void start32(const std::string& source, std::uint32_t address = 0x10000);
    void start16(const std::string& source, std::uint32_t address = 0x10000);
    // Assemble (--64) and load code at address, then enter it in 64-bit mode at CPL 0: the
    // x86-64 model, the GDT, TSS and identity-mapped 4-level paging above (CR0 PE|PG|ET, CR4
    // PAE, EFER LME|LMA), CS 0x10, DS/ES/SS/FS/GS 0x18 (bases 0), TR 0x40, IDTR limit 0 (an
    // exception without an IDT of the test's own is a triple fault), RSP = 0x80000.
    void start64(const std::string& source, std::uint32_t address = 0x10000);
    // The physical address of the page-table entry mapping linear (< 16 MiB) under start64().
    static std::uint32_t pte(std::uint64_t linear) { return kPageTables + static_cast<std::uint32_t>(linear >> 12) * 8; }
    // Run until HLT (returns true) or the budget ends (false).
    bool run_to_hlt(std::uint64_t budget = 1000000);

    // Port writes seen (port, value, size), in order; reads return read_value.
    struct PortWrite {
        std::uint16_t port;
        std::uint32_t value;
        unsigned size;
    };
    std::vector<PortWrite> port_writes;
    std::uint32_t port_read_value = 0xFFFFFFFF;

private:
    std::unique_ptr<MemoryRegion> root_, ram_, io_root_, io_dev_;
    std::unique_ptr<AddressSpace> memory_, io_;
    std::unique_ptr<X86Core> core_;
};

// Assemble code + HLT, run it from flat 32-bit protected mode (run32) or real mode (run16),
// expect it to reach the HLT, and return EFLAGS.
std::uint32_t run32(Machine& m, const std::string& code);
std::uint32_t run16(Machine& m, const std::string& code);
// The same in 64-bit mode (start64()); returns RFLAGS.
std::uint32_t run64(Machine& m, const std::string& code);

}  // namespace emu::x86::test
