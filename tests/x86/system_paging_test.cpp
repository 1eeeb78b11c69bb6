// The system part of the x86 core: page walks (4 KiB, 4 MiB with PSE-36, PAE with 2 MiB pages
// and NX), accessed/dirty bits, #PF error codes and CR2, CR0.WP, global pages, the TLB.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include <emu/memory.h>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr std::uint32_t kPd = 0x100000, kPt = 0x101000;
constexpr std::uint64_t P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;

void put32(Machine& m, std::uint32_t address, std::uint32_t value) { std::memcpy(m.ram() + address, &value, 4); }
void put64(Machine& m, std::uint32_t address, std::uint64_t value) { std::memcpy(m.ram() + address, &value, 8); }
std::uint32_t get32(Machine& m, std::uint32_t address) {
    std::uint32_t v;
    std::memcpy(&v, m.ram() + address, 4);
    return v;
}
std::uint64_t get64(Machine& m, std::uint32_t address) {
    std::uint64_t v;
    std::memcpy(&v, m.ram() + address, 8);
    return v;
}

Fault fault_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Fault& fault) {
        return fault;
    }
    return Fault{0xFF, false, 0};
}

// Two-level tables: PDE 0 identity-maps the first 4 MiB with a page table at kPt; PDE 1 points
// to the same table, so linear 0x400000 + x maps like x.
void two_level(Machine& m) {
    put32(m, kPd + 0, kPt | P | RW | US);
    put32(m, kPd + 4, kPt | P | RW | US);
    for (std::uint32_t i = 0; i < 1024; ++i) put32(m, kPt + i * 4, (i << 12) | P | RW);
    Cpu& c = m.cpu();
    c.write_cr(3, kPd);
    c.write_cr(0, c.cr0 | kCr0PG);
}

TEST(X86Paging, FourKiBWalkSetsAccessedAndDirty) {
    Machine m;
    m.start32("hlt");
    two_level(m);
    Cpu& c = m.cpu();
    put32(m, kPt + 5 * 4, 0x200000 | P | RW | US);  // linear 0x5000 -> 0x200000
    EXPECT_EQ(c.translate(0x5123, Access::Read, false), 0x200123u);
    EXPECT_EQ(get32(m, kPd) & (A | D), A);
    EXPECT_EQ(get32(m, kPt + 5 * 4) & (A | D), A);
    c.write_linear(0x5004, 0xDEADBEEF, 4, false);
    EXPECT_EQ(get32(m, 0x200004), 0xDEADBEEFu);
    EXPECT_EQ(get32(m, kPt + 5 * 4) & (A | D), A | D);
    EXPECT_EQ(get32(m, kPd) & D, 0u);  // dirty only in the entry that maps the page
    EXPECT_EQ(c.read_linear(0x405004, 4, false), 0xDEADBEEFu);  // second PDE, same table
    // A page-crossing access is split over two translations.
    put32(m, kPt + 6 * 4, 0x300000 | P | RW | US);
    c.write_linear(0x5FFE, 0x11223344, 4, false);
    EXPECT_EQ(m.ram()[0x200FFE], 0x44);
    EXPECT_EQ(m.ram()[0x300001], 0x11);
    EXPECT_EQ(c.read_linear(0x5FFE, 4, false), 0x11223344u);
}

TEST(X86Paging, PageFaultErrorCodesAndCr2) {
    Machine m;
    m.start32("hlt");
    two_level(m);
    Cpu& c = m.cpu();
    put32(m, kPt + 7 * 4, 0);                       // not present
    put32(m, kPt + 8 * 4, 0x8000 | P);              // supervisor, read-only
    put32(m, kPt + 9 * 4, 0x9000 | P | US);         // user, read-only
    Fault f = fault_of([&] { c.read_linear(0x7010, 4, false); });
    EXPECT_EQ(f.vector, vec::PF);
    EXPECT_EQ(f.error, 0u);
    EXPECT_EQ(c.cr2, 0x7010u);
    f = fault_of([&] { c.write_linear(0x7020, 1, 4, false); });
    EXPECT_EQ(f.error, 2u);
    EXPECT_EQ(c.cr2, 0x7020u);
    // Supervisor writes to read-only pages: allowed without CR0.WP, #PF(P|W) with it.
    c.write_linear(0x8000, 5, 4, false);
    c.write_cr(0, c.cr0 | kCr0WP);
    f = fault_of([&] { c.write_linear(0x8000, 6, 4, false); });
    EXPECT_EQ(f.error, 3u);
    EXPECT_EQ(get32(m, 0x8000), 5u);
    // CPL 3: supervisor pages are #PF(P|U), read-only user pages #PF(P|W|U) on writes.
    c.cpl = 3;
    f = fault_of([&] { c.read_linear(0x8000, 4, false); });
    EXPECT_EQ(f.error, 5u);
    EXPECT_EQ(c.read_linear(0x9000, 4, false), 0u);
    f = fault_of([&] { c.write_linear(0x9000, 1, 4, false); });
    EXPECT_EQ(f.error, 7u);
    f = fault_of([&] { c.read_linear(0x7000, 1, false); });
    EXPECT_EQ(f.error, 4u);
    // Implicit supervisor accesses (descriptor tables) ignore CPL 3.
    EXPECT_EQ(c.read_linear(0x8000, 4, true), 5u);
    // A write crossing into a read-only page changes neither page.
    c.cpl = 0;
    put32(m, kPt + 10 * 4, 0xA000 | P | RW);
    put32(m, kPt + 11 * 4, 0xB000 | P);
    f = fault_of([&] { c.write_linear(0xAFFE, 0xFFFFFFFF, 4, false); });
    EXPECT_EQ(f.error, 3u);
    EXPECT_EQ(c.cr2, 0xB000u);
    EXPECT_EQ(m.ram()[0xAFFE], 0);
}

TEST(X86Paging, TlbKeepsTranslationsUntilInvalidated) {
    Machine m;
    m.start32("hlt");
    two_level(m);
    Cpu& c = m.cpu();
    put32(m, 0x200000, 0xAAAA);
    put32(m, 0x300000, 0xBBBB);
    put32(m, kPt + 5 * 4, 0x200000 | P | RW | G);
    EXPECT_EQ(c.read_linear(0x5000, 4, false), 0xAAAAu);
    put32(m, kPt + 5 * 4, 0x300000 | P | RW | G);
    EXPECT_EQ(c.read_linear(0x5000, 4, false), 0xAAAAu);  // stale until INVLPG/CR3
    c.tlb_flush_page(0x5000);
    EXPECT_EQ(c.read_linear(0x5000, 4, false), 0xBBBBu);
    // Global pages (CR4.PGE) survive a CR3 write; a CR4.PGE change flushes them.
    c.write_cr(4, c.cr4 | kCr4PGE);
    EXPECT_EQ(c.read_linear(0x5000, 4, false), 0xBBBBu);
    put32(m, kPt + 5 * 4, 0x200000 | P | RW | G);
    c.write_cr(3, kPd);
    EXPECT_EQ(c.read_linear(0x5000, 4, false), 0xBBBBu);
    c.write_cr(4, c.cr4 & ~kCr4PGE);
    EXPECT_EQ(c.read_linear(0x5000, 4, false), 0xAAAAu);
}

TEST(X86Paging, FourMiBPagesWithPse36) {
    Machine m;
    m.start32("hlt");
    two_level(m);
    Cpu& c = m.cpu();
    c.write_cr(4, c.cr4 | kCr4PSE);
    put32(m, kPd + 2 * 4, 0xC00000 | P | RW | PS);                 // 0x800000 -> 0xC00000
    put32(m, kPd + 3 * 4, 0x400000 | (1u << 13) | P | RW | PS);    // 0xC00000 -> 0x1_0040_0000
    put32(m, kPd + 4 * 4, 0x400000 | (1u << 17) | P | RW | PS);    // reserved bit 17
    EXPECT_EQ(c.translate(0x8ABCDE, Access::Read, false), 0xCABCDEu);
    EXPECT_EQ(c.translate(0xC00010, Access::Read, false), 0x100400010ull);
    c.write_linear(0x800000 + 0x1234, 77, 4, false);
    EXPECT_EQ(get32(m, 0xC01234), 77u);
    EXPECT_EQ(get32(m, kPd + 2 * 4) & (A | D), A | D);
    Fault f = fault_of([&] { c.read_linear(0x1000000, 4, false); });
    EXPECT_EQ(f.vector, vec::PF);
    EXPECT_EQ(f.error, 9u);  // P | RSVD
    // Without CR4.PSE the PS bit is ignored: the entry points to a page table.
    c.write_cr(4, c.cr4 & ~kCr4PSE);
    put32(m, 0xC00000 + 0x2 * 4, 0x5000 | P);
    EXPECT_EQ(c.translate(0x802010, Access::Read, false), 0x5010u);
}

TEST(X86Paging, PaeTwoMiBPagesAndNx) {
    Machine m;
    m.start32("hlt");
    Cpu& c = m.cpu();
    constexpr std::uint32_t kPdpt = 0x102000, kPaePd = 0x103000, kPaePt = 0x104000;
    put64(m, kPdpt + 0, kPaePd | P);
    put64(m, kPdpt + 8, kPaePd | P);
    put64(m, kPaePd + 0, kPaePt | P | RW);                   // 0..2M through a page table
    put64(m, kPaePd + 8, 0x600000 | P | RW | PS);             // 2M..4M -> 0x600000 (2 MiB page)
    put64(m, kPaePd + 16, 0x800000 | P | RW | PS | (1ull << 63));  // NX 2 MiB page
    for (std::uint32_t i = 0; i < 512; ++i) put64(m, kPaePt + i * 8, (i << 12) | P | RW);
    put64(m, kPaePt + 5 * 8, 0x123000 | P | RW | (1ull << 63));
    c.write_cr(4, kCr4PAE);
    c.write_cr(3, kPdpt);
    c.write_cr(0, c.cr0 | kCr0PG);
    EXPECT_EQ(c.pdpte[1], kPaePd | P);
    EXPECT_EQ(c.translate(0x40201234, Access::Read, false), 0x601234u);
    EXPECT_EQ(c.translate(0x201234, Access::Write, false), 0x601234u);
    EXPECT_EQ(get64(m, kPaePd + 8) & (A | D), A | D);
    // NX without EFER.NXE is a reserved bit.
    Fault f = fault_of([&] { c.read_linear(0x5000, 4, false); });
    EXPECT_EQ(f.error, 9u);
    c.write_msr(0xC0000080, kEferNXE);
    EXPECT_EQ(c.translate(0x5010, Access::Read, false), 0x123010u);
    f = fault_of([&] { c.translate(0x5010, Access::Execute, false); });
    EXPECT_EQ(f.error, 0x11u);  // P | I/D
    f = fault_of([&] { c.translate(0x400000, Access::Execute, false); });
    EXPECT_EQ(f.error, 0x11u);
    EXPECT_EQ(c.cr2, 0x400000u);
    // Not-present fetches report I/D too (with NXE).
    put64(m, kPaePt + 6 * 8, 0);
    f = fault_of([&] { c.translate(0x6000, Access::Execute, false); });
    EXPECT_EQ(f.error, 0x10u);
    // A PDPTE with reserved bits makes MOV CR3 #GP(0).
    put64(m, 0x105000, 0x1000 | P | 0x4);
    f = fault_of([&] { c.write_cr(3, 0x105000); });
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(c.cr3, kPdpt);
    std::uint64_t physical = 0;
    ASSERT_TRUE(m.core().translate_debug(0x201000, physical));
    EXPECT_EQ(physical, 0x601000u);
    EXPECT_FALSE(m.core().translate_debug(0x6000, physical));
}

// Demand paging in a program: a #PF handler maps the missing page and IRETs to the faulting
// instruction, which then completes.
TEST(X86Paging, PageFaultHandlerMapsThePage) {
    Machine m;
    m.start32(R"(
        mov dword ptr [0x3FF000], 0x55AA55AA
        mov eax, [0x3FF000]
        hlt
    .org 0x100
    pf:
        mov ebx, cr2
        pop ecx
        mov dword ptr [0x101000 + 0x3FF * 4], 0x7000 | 3
        inc esi
        iret
    )");
    two_level(m);
    Cpu& c = m.cpu();
    put32(m, kPt + 0x3FF * 4, 0);
    // #PF gate: selector 0x10, offset 0x00010100, 32-bit interrupt gate, DPL 0.
    put64(m, 0x2000 + 14 * 8, (0x0100ull) | (0x10ull << 16) | (0x8Eull << 40) | (0x0001ull << 48));
    c.idtr = DescriptorTable{0x2000, 0x7FF};
    put64(m, 0x1010, 0x00CF9B000000FFFFull);  // GDT: 0x10 flat code, as the entry state has it
    c.gdtr = DescriptorTable{0x1000, 0x1F};
    ASSERT_TRUE(m.run_to_hlt(1000));
    EXPECT_EQ(c.reg32(kEbx), 0x3FF000u);
    EXPECT_EQ(c.reg32(kEcx), 2u);  // W, supervisor, not present
    EXPECT_EQ(c.reg32(kEsi), 1u);
    EXPECT_EQ(c.reg32(kEax), 0x55AA55AAu);
    EXPECT_EQ(get32(m, 0x7000), 0x55AA55AAu);
}

// A program turns on PAE paging itself (MOV CR4, CR3, CR0) with the code identity-mapped by a
// 2 MiB page and a second mapping of its data page elsewhere.
TEST(X86Paging, ProgramEnablesPaePaging) {
    Machine m;
    m.start32(R"(
        mov eax, 0x20
        mov cr4, eax
        mov eax, 0x102000
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov dword ptr [0x40005000], 0x600DF00D
        mov ebx, [0x6000]
        mov ecx, cr3
        hlt
    )");
    constexpr std::uint32_t kPdpt = 0x102000, kPaePd = 0x103000, kPd1 = 0x104000, kPt1 = 0x105000;
    put64(m, kPdpt + 0, kPaePd | P);
    put64(m, kPdpt + 8, kPd1 | P);
    put64(m, kPaePd + 0, 0 | P | RW | PS);  // 0..2M identity (code, stack below 0x80000, tables)
    put64(m, kPd1 + 0, kPt1 | P | RW);
    put64(m, kPt1 + 5 * 8, 0x6000 | P | RW);  // 0x40005000 -> 0x6000
    ASSERT_TRUE(m.run_to_hlt(100));
    Cpu& c = m.cpu();
    EXPECT_EQ(c.reg32(kEbx), 0x600DF00Du);
    EXPECT_EQ(c.reg32(kEcx), kPdpt);
    EXPECT_EQ(c.pdpte[1], kPd1 | P);
    EXPECT_EQ(get64(m, kPt1 + 5 * 8) & (A | D), A | D);
}

// The TLB keeps host pointers only for one generation of the memory map: a device mapped over
// RAM (a BAR moving over it, PAM switching to ROM) is seen on the next run() (or device write).
TEST(X86Paging, MemoryMapChangesDropCachedPages) {
    auto root = MemoryRegion::container("system", 1ull << 32);
    auto ram = MemoryRegion::ram("ram", 1u << 20);
    auto high = MemoryRegion::ram("high", 0x1000);
    std::uint32_t mmio_reads = 0;
    auto device = MemoryRegion::mmio("device", 0x1000,
                                     MmioOps{.read = [&](Addr, unsigned) -> std::uint64_t { return ++mmio_reads; },
                                             .write = [](Addr, std::uint64_t, unsigned) {}});
    root->add_subregion(0, *ram);
    root->add_subregion(0x200000, *high);
    AddressSpace memory("memory", *root);
    X86Core core(memory, nullptr, X86Config{});
    const auto code = test::assemble(".code32\n mov eax, [0x200000]\n mov ebx, [0x200000]\n hlt\n", 0x1000);
    memory.write(0x1000, code.data(), code.size());
    const std::uint32_t value = 0x5AFE;
    std::memcpy(high->data(), &value, 4);
    std::uint32_t args[8] = {0, 0, 0, 0, 0x8000, 0, 0, 0};
    core.enter_flat32(0x1000, args);
    ASSERT_EQ(core.run(100), StopReason::Halted);
    EXPECT_EQ(core.reg(kEax), 0x5AFEu);  // through the TLB's host pointer
    root->add_subregion(0x200000, *device, 1);  // the device now hides the RAM
    core.internal().halted = false;
    core.set_eip(0x1000);
    ASSERT_EQ(core.run(100), StopReason::Halted);
    EXPECT_EQ(core.reg(kEax), 1u);
    EXPECT_EQ(core.reg(kEbx), 2u);
}

}  // namespace
}  // namespace emu::x86
