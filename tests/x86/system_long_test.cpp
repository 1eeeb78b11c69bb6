// Long mode on the x86 core: activation the way a kernel does it, 4-level paging (#PF error
// codes, CR2, NX, reserved bits, A/D bits, 64-bit TLB tags), 64-bit segmentation (canonical
// checks, FS/GS bases), interrupt delivery in 64-bit mode (IST, privilege change, 16-byte
// alignment), IRETQ, SYSCALL/SYSRET, SWAPGS, far returns to compatibility mode, CR8 and the
// x86-64 model's CPUID (SDM vol. 3 chapters 2, 4, 5, 6, 9.8; vol. 2 SYSCALL, SYSRET, SWAPGS).
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr std::uint32_t kIdt = 0x20000;
constexpr std::uint32_t kHandlers = 0x30000;  // vector v's handler at kHandlers + 16 v
constexpr std::uint32_t kSyscallEntry = 0x10400;  // ".org 0x400" in code at 0x10000

constexpr std::uint32_t kMsrEfer = 0xC0000080, kMsrStar = 0xC0000081, kMsrLstar = 0xC0000082,
                        kMsrSfmask = 0xC0000084, kMsrFsBase = 0xC0000100, kMsrGsBase = 0xC0000101,
                        kMsrKernelGsBase = 0xC0000102;

bool has_error_code(unsigned v) { return v == 8 || (v >= 10 && v <= 14) || v == 17; }

void write64(Machine& m, std::uint64_t pa, std::uint64_t v) { std::memcpy(m.ram() + pa, &v, 8); }
std::uint64_t read64(Machine& m, std::uint64_t pa) {
    std::uint64_t v;
    std::memcpy(&v, m.ram() + pa, 8);
    return v;
}

// A 64-bit interrupt gate to the kernel's 64-bit code segment.
void set_gate(Machine& m, unsigned vector, std::uint64_t handler, unsigned ist = 0, unsigned dpl = 0) {
    const std::uint64_t low = (handler & 0xFFFF) | (std::uint64_t{Machine::kCode64} << 16) | (std::uint64_t{ist} << 32) |
                              (std::uint64_t{0x8Eu | (dpl << 5)} << 40) | (((handler >> 16) & 0xFFFF) << 48);
    write64(m, kIdt + vector * 16, low);
    write64(m, kIdt + vector * 16 + 8, handler >> 32);
}

// start64() with an IDT for vectors 0-31 whose handlers put the vector in R15 and pop the error
// code (if any) into R14, then halt (the frame stays on the stack for the test to read).
void start_with_idt(Machine& m, const std::string& code) {
    std::string handlers;
    for (unsigned v = 0; v < 32; ++v) {
        handlers += ".org " + std::to_string(v * 16) + "\nmov r15d, " + std::to_string(v) + "\n";
        if (has_error_code(v)) handlers += "pop r14\n";
        handlers += "hlt\n";
    }
    m.start64(code);
    m.load(kHandlers, test::assemble64(handlers, kHandlers));
    for (unsigned v = 0; v < 32; ++v) set_gate(m, v, kHandlers + v * 16);
    m.cpu().idtr = DescriptorTable{kIdt, 0xFFF};
    m.cpu().gpr[15] = ~0ull;
    m.cpu().gpr[14] = ~0ull;
}

// The vector a direct call of a Cpu function raises, or -1.
int fault_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Fault& e) {
        return e.vector;
    }
    return -1;
}

TEST(LongMode, Start64EntersSixtyFourBitMode) {
    Machine m;
    m.start64("hlt");
    EXPECT_TRUE(m.cpu().long_mode());
    EXPECT_TRUE(m.cpu().code64());
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.cpu().rip, 0x10001u);
    EXPECT_EQ(m.cpu().cpl, 0u);
}

TEST(LongMode, Start64RunsSixtyFourBitCode) {
    Machine m;
    m.start64(R"(
        mov eax, 5
        mov rbx, 0x123456789
        push rbx
        pop rcx
        hlt
    )");
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.cpu().gpr[kEax], 5u);
    EXPECT_EQ(m.cpu().gpr[kEcx], 0x123456789ull);
    EXPECT_EQ(m.cpu().gpr[kEsp], 0x80000u);
}

// A kernel's way in: 32-bit protected mode builds 4-level tables (2 MiB pages), enables PAE,
// loads CR3, sets EFER.LME, turns paging on (EFER.LMA follows) and far-jumps to a 64-bit CS.
TEST(LongMode, KernelStyleEntryFromProtectedMode) {
    Machine m(true);
    m.load(0x10000, test::assemble64(R"(
        .code32
        mov edi, 0x100000
        xor eax, eax
        mov ecx, 3072
        rep stosd
        mov dword ptr [0x100000], 0x101003
        mov dword ptr [0x101000], 0x102003
        mov dword ptr [0x102000], 0x000083
        mov dword ptr [0x102008], 0x200083
        lgdt [gdt_ptr]
        mov eax, cr4
        or eax, 0x20
        mov cr4, eax
        mov eax, 0x100000
        mov cr3, eax
        mov ecx, 0xC0000080
        rdmsr
        or eax, 0x100
        wrmsr
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        .byte 0xEA
        .long long_entry
        .word 0x10
        .code64
    long_entry:
        mov eax, 0x18
        mov ds, ax
        mov ss, ax
        mov rsp, 0x90000
        mov rax, 0x1122334455667788
        push rax
        mov ecx, 0xC0000080
        rdmsr
        mov ebx, eax
        hlt
        .align 8
    gdt:
        .quad 0, 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF
    gdt_ptr:
        .word 31
        .long gdt
    )", 0x10000));
    std::uint32_t args[8] = {0, 0, 0, 0, 0x80000, 0, 0, 0};
    m.core().enter_flat32(0x10000, args);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_TRUE(m.cpu().long_mode());
    EXPECT_TRUE(m.cpu().code64());
    EXPECT_EQ(m.cpu().gpr[kEbx], 0x500u);  // LME | LMA
    EXPECT_EQ(read64(m, 0x90000 - 8), 0x1122334455667788ull);
    EXPECT_EQ(read64(m, 0x102000) & 0x20, 0x20u);  // accessed
}

TEST(LongMode, ActivationRules) {
    Machine m(true);
    std::uint32_t args[8] = {};
    m.core().enter_flat32(0x10000, args);
    Cpu& c = m.cpu();
    c.write_msr(kMsrEfer, kEferLME);
    // Paging with LME needs PAE.
    EXPECT_EQ(fault_of([&] { c.write_cr(0, kCr0PE | kCr0PG); }), vec::GP);
    EXPECT_FALSE(c.long_mode());
    c.write_cr(3, 0x100000);
    c.write_cr(4, kCr4PAE);
    c.write_cr(0, kCr0PE | kCr0PG);
    EXPECT_TRUE(c.long_mode());
    EXPECT_FALSE(c.code64());  // compatibility mode until a 64-bit CS is loaded
    EXPECT_EQ(c.read_msr(kMsrEfer), kEferLME | kEferLMA);
    // LME cannot change under paging, PAE cannot go, LMA ignores writes.
    EXPECT_EQ(fault_of([&] { c.write_msr(kMsrEfer, 0); }), vec::GP);
    EXPECT_EQ(fault_of([&] { c.write_cr(4, 0); }), vec::GP);
    c.write_msr(kMsrEfer, kEferLME | kEferNXE);
    EXPECT_EQ(c.efer, kEferLME | kEferLMA | kEferNXE);
    // Leaving long mode from 64-bit mode is #GP; from compatibility mode it clears LMA.
    c.seg[CS].attr = 0xA9B;
    EXPECT_EQ(fault_of([&] { c.write_cr(0, kCr0PE); }), vec::GP);
    c.seg[CS].attr = 0xC9B;
    c.write_cr(0, kCr0PE);
    EXPECT_FALSE(c.long_mode());
    EXPECT_EQ(c.efer, kEferLME | kEferNXE);

    // The i686 model has no long mode and none of its MSRs.
    Machine old;
    old.core().enter_flat32(0x10000, args);
    EXPECT_EQ(fault_of([&] { old.cpu().write_msr(kMsrEfer, kEferLME); }), vec::GP);
    EXPECT_EQ(fault_of([&] { old.cpu().read_msr(kMsrFsBase); }), vec::GP);
    EXPECT_EQ(fault_of([&] { old.cpu().read_msr(kMsrLstar); }), vec::GP);
}

TEST(LongMode, CpuidOfTheX86_64Model) {
    auto leaf = [](Machine& m, std::uint32_t l, unsigned reg) {
        m.cpu().gpr[kEax] = l;
        m.cpu().gpr[kEcx] = 0;
        m.cpu().cpuid();
        return static_cast<std::uint32_t>(m.cpu().gpr[reg]);
    };
    Machine m(true);
    EXPECT_EQ(leaf(m, 1, kEax), 0x00060FB1u);  // family 15, model 107, stepping 1
    EXPECT_GE(leaf(m, 0x80000000, kEax), 0x80000008u);
    const std::uint32_t edx = leaf(m, 0x80000001, kEdx);
    EXPECT_TRUE(edx & (1u << 29));  // lm
    EXPECT_TRUE(edx & (1u << 11));  // syscall
    EXPECT_TRUE(edx & (1u << 20));  // nx
    EXPECT_FALSE(edx & (1u << 26));  // no pdpe1gb
    EXPECT_EQ(leaf(m, 0x80000001, kEcx) & 1, 1u);  // lahf_lm
    EXPECT_TRUE(leaf(m, 1, kEcx) & (1u << 13));  // cx16
    EXPECT_EQ(leaf(m, 0x80000008, kEax), 0x3028u);  // 48 linear, 40 physical
    std::string brand;
    for (std::uint32_t l = 0x80000002; l <= 0x80000004; ++l)
        for (unsigned reg : {kEax, kEbx, kEcx, kEdx}) {
            const std::uint32_t v = leaf(m, l, reg);
            brand.append(reinterpret_cast<const char*>(&v), 4);
        }
    EXPECT_STREQ(brand.c_str(), "emu Virtual CPU (qemu64)");
    // IA32_FEATURE_CONTROL: Linux sets the lock bit once; after that a write is #GP.
    m.cpu().write_msr(0x3A, 1);
    EXPECT_EQ(m.cpu().read_msr(0x3A), 1u);
    EXPECT_EQ(fault_of([&] { m.cpu().write_msr(0x3A, 1); }), vec::GP);

    Machine old;  // i686 stays as it was
    EXPECT_EQ(leaf(old, 1, kEax), 0x663u);
    EXPECT_EQ(leaf(old, 0x80000001, kEdx), 1u << 20);
    EXPECT_EQ(leaf(old, 0x80000008, kEax), 0x2024u);
}

// One access under start_with_idt(): the vector, error code and CR2 it produced.
struct FaultSeen {
    std::uint64_t vector, error, cr2;
};
FaultSeen fault_in(Machine& m, const std::string& code, const std::function<void(Machine&)>& setup = {}) {
    start_with_idt(m, code + "\nhlt\n");
    if (setup) setup(m);
    EXPECT_TRUE(m.run_to_hlt());
    return {m.cpu().gpr[15], m.cpu().gpr[14], m.cpu().cr2};
}

TEST(LongMode, PageFaultErrorCodesAndCr2) {
    {  // not present, supervisor read
        Machine m;
        const FaultSeen f = fault_in(m, "mov rax, [0x200008]", [](Machine& mm) { write64(mm, Machine::pte(0x200000), 0); });
        EXPECT_EQ(f.vector, vec::PF);
        EXPECT_EQ(f.error, 0u);
        EXPECT_EQ(f.cr2, 0x200008u);
    }
    {  // supervisor write to a read-only page with CR0.WP
        Machine m;
        const FaultSeen f = fault_in(m, "mov [0x200000], rax", [](Machine& mm) {
            write64(mm, Machine::pte(0x200000), 0x200005);
            mm.cpu().cr0 |= kCr0WP;
        });
        EXPECT_EQ(f.vector, vec::PF);
        EXPECT_EQ(f.error, 3u);  // P | W
    }
    {  // a reserved bit above MAXPHYADDR (40)
        Machine m;
        const FaultSeen f = fault_in(m, "mov rax, [0x200000]", [](Machine& mm) {
            write64(mm, Machine::pte(0x200000), 0x200007 | (1ull << 45));
        });
        EXPECT_EQ(f.vector, vec::PF);
        EXPECT_EQ(f.error, 9u);  // P | RSVD
    }
    {  // a 1 GiB page is reserved (no pdpe1gb)
        Machine m;
        const FaultSeen f = fault_in(m, "mov rax, [0x40000000]", [](Machine& mm) {
            write64(mm, Machine::kPdpt + 8, 0x40000000 | 0x83);
        });
        EXPECT_EQ(f.vector, vec::PF);
        EXPECT_EQ(f.error, 9u);
        EXPECT_EQ(f.cr2, 0x40000000u);
    }
    {  // an address whose low 32 bits are mapped but which is not (64-bit TLB tags)
        Machine m;
        const FaultSeen f = fault_in(m, "mov rax, [0x200000]\nmov rbx, 0x100200000\nmov rax, [rbx]");
        EXPECT_EQ(f.vector, vec::PF);
        EXPECT_EQ(f.error, 0u);
        EXPECT_EQ(f.cr2, 0x100200000ull);
    }
}

TEST(LongMode, NoExecuteAndItsReservedBit) {
    auto run = [](bool nxe) {
        Machine m;
        const FaultSeen f = fault_in(m, "mov rax, 0x200000\ncall rax", [nxe](Machine& mm) {
            mm.ram()[0x200000] = 0xC3;  // ret
            write64(mm, Machine::pte(0x200000), 0x200007 | (1ull << 63));
            if (nxe) mm.cpu().write_msr(kMsrEfer, kEferLME | kEferNXE);
        });
        EXPECT_EQ(f.vector, vec::PF);
        EXPECT_EQ(f.cr2, 0x200000u);
        return f.error;
    };
    EXPECT_EQ(run(true), 0x11u);  // P | I/D
    EXPECT_EQ(run(false), 0x9u);  // bit 63 is reserved without EFER.NXE (no I/D either)
}

TEST(LongMode, AccessedAndDirtyBitsAtEveryLevel) {
    Machine m;
    m.start64("mov rax, [0x201000]\nmov [0x200000], rax\nhlt");
    for (std::uint64_t e : {Machine::kPml4, Machine::kPdpt, Machine::kPd}) write64(m, e, read64(m, e) & ~0x60ull);
    write64(m, Machine::pte(0x200000), 0x200007);
    write64(m, Machine::pte(0x201000), 0x201007);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(read64(m, Machine::kPml4) & 0x60, 0x20u);
    EXPECT_EQ(read64(m, Machine::kPdpt) & 0x60, 0x20u);
    EXPECT_EQ(read64(m, Machine::kPd) & 0x60, 0x20u);
    EXPECT_EQ(read64(m, Machine::pte(0x201000)) & 0x60, 0x20u);  // read: accessed only
    EXPECT_EQ(read64(m, Machine::pte(0x200000)) & 0x60, 0x60u);  // written: dirty too
}

// A higher-half alias (PML4 entry 256: 0xFFFF800000000000) of physical 0x200000, through a
// 2 MiB page; a store there is seen at the identity address.
TEST(LongMode, HigherHalfMappingWithTwoMegabytePage) {
    Machine m;
    m.start64(R"(
        mov rax, 0xFFFF800000000000
        mov rbx, 0x5566778899AABBCC
        mov [rax + 0x10], rbx
        mov rcx, [0x200010]
        mov rdx, [rax + 0x10]
        mov [rax + 0xFFC], rbx
        mov rsi, [0x200FFC]
        mov rdi, [rax + 0xFFC]
        hlt
    )");
    write64(m, Machine::kPml4 + 256 * 8, 0x100000 | 3);
    write64(m, 0x100000, 0x101000 | 3);
    write64(m, 0x101000, 0x200000 | 0x83);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.cpu().gpr[kEcx], 0x5566778899AABBCCull);
    EXPECT_EQ(m.cpu().gpr[kEdx], 0x5566778899AABBCCull);
    EXPECT_EQ(m.cpu().gpr[kEsi], 0x5566778899AABBCCull);  // page-crossing store and loads
    EXPECT_EQ(m.cpu().gpr[kEdi], 0x5566778899AABBCCull);
}

// The TLB keeps 64-bit tags: INVLPG of a higher-half address drops that page; MOV CR3 keeps
// global pages (CR4.PGE) and drops the others.
TEST(LongMode, InvlpgAndCr3FlushesWithSixtyFourBitTags) {
    Machine m;
    m.start64(R"(
        mov rax, 0xFFFF800000000000
        mov rbx, [rax]
        mov rcx, [rax + 0x1000]
        mov qword ptr [0x101000], 0x202007
        mov qword ptr [0x101008], 0x203107
        mov rdx, [rax]
        mov rsi, [rax + 0x1000]
        invlpg [rax]
        mov rdi, [rax]
        mov r8, [rax + 0x1000]
        mov rdx, cr3
        mov cr3, rdx
        mov rdx, [rax]
        mov r9, [rax + 0x1000]
        hlt
    )");
    // 0xFFFF800000000000 -> 0x200000 and the next page -> 0x201000 (global), 4 KiB pages.
    write64(m, Machine::kPml4 + 256 * 8, 0x100000 | 3);
    write64(m, 0x100000, 0x102000 | 3);
    write64(m, 0x102000, 0x101000 | 3);
    write64(m, 0x101000, 0x200000 | 7);
    write64(m, 0x101008, 0x201000 | 0x107);
    for (std::uint64_t p : {0x200000, 0x201000, 0x202000, 0x203000}) write64(m, p, p);
    m.cpu().cr4 |= kCr4PGE;
    ASSERT_TRUE(m.run_to_hlt());
    Cpu& c = m.cpu();
    EXPECT_EQ(c.gpr[kEbx], 0x200000u);
    EXPECT_EQ(c.gpr[kEcx], 0x201000u);
    EXPECT_EQ(c.gpr[kEsi], 0x201000u);  // stale until flushed
    EXPECT_EQ(c.gpr[kEdi], 0x202000u);  // INVLPG dropped the first page
    EXPECT_EQ(c.gpr[8], 0x201000u);     // ... not the second
    EXPECT_EQ(c.gpr[9], 0x201000u);     // a global page survives MOV CR3
}

// Code runs at a higher-half address (fetches through 64-bit TLB tags; RIP-relative LEA).
TEST(LongMode, CodeRunsInTheHigherHalf) {
    Machine m;
    m.start64("mov rax, 0xFFFF800000000100\njmp rax");
    m.load(0x200100, test::assemble64("mov esi, 0x77\nlea rdi, [rip]\nhlt", 0xFFFF800000000100ull));
    write64(m, Machine::kPml4 + 256 * 8, 0x100000 | 3);
    write64(m, 0x100000, 0x101000 | 3);
    write64(m, 0x101000, 0x200000 | 0x83);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.cpu().gpr[kEsi], 0x77u);
    EXPECT_EQ(m.cpu().gpr[kEdi], 0xFFFF80000000010Cull);
    EXPECT_EQ(m.cpu().rip, 0xFFFF80000000010Dull);
}

TEST(LongMode, NonCanonicalAccessesFault) {
    {
        Machine m;
        const FaultSeen f = fault_in(m, "mov rax, 0x0000800000000000\nmov rbx, [rax]");
        EXPECT_EQ(f.vector, vec::GP);
        EXPECT_EQ(f.error, 0u);
    }
    {  // through SS (RBP base): #SS(0)
        Machine m;
        const FaultSeen f = fault_in(m, "mov rbp, 0xFFFF000000000000\nmov rbx, [rbp]");
        EXPECT_EQ(f.vector, vec::SS);
        EXPECT_EQ(f.error, 0u);
    }
    {  // an access whose last byte crosses into the non-canonical hole
        Machine m;
        const FaultSeen f = fault_in(m, "mov rax, 0x00007FFFFFFFFFFC\nmov rbx, [rax]");
        EXPECT_EQ(f.vector, vec::GP);
    }
}

TEST(LongMode, FsGsBaseMsrsAndSegmentOverrides) {
    Machine m;
    m.start64(R"(
        mov ecx, 0xC0000100
        mov eax, 0x40000
        xor edx, edx
        wrmsr
        mov ecx, 0xC0000101
        mov eax, 0x41000
        wrmsr
        mov rax, fs:[8]
        mov rbx, gs:[0]
        mov ecx, 0xC0000100
        rdmsr
        mov r8, rax
        mov rax, fs:[8]
        hlt
    )");
    write64(m, 0x40008, 0x1111);
    write64(m, 0x41000, 0x2222);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.cpu().gpr[kEax], 0x1111u);
    EXPECT_EQ(m.cpu().gpr[kEbx], 0x2222u);
    EXPECT_EQ(m.cpu().gpr[8], 0x40000u);
    EXPECT_EQ(m.cpu().seg[FS].base, 0x40000u);
    EXPECT_EQ(m.cpu().seg[GS].base, 0x41000u);
    EXPECT_EQ(fault_of([&] { m.cpu().write_msr(kMsrFsBase, 0x0000800000000000ull); }), vec::GP);
    EXPECT_EQ(fault_of([&] { m.cpu().write_msr(kMsrKernelGsBase, 0x8000000000000000ull); }), vec::GP);
}

TEST(LongMode, Cr8HoldsTheTaskPriority) {
    Machine m;
    test::run64(m, "mov eax, 9\nmov cr8, rax\nmov rbx, cr8");
    EXPECT_EQ(m.cpu().gpr[kEbx], 9u);
    EXPECT_EQ(m.cpu().cr8, 9u);
}

// IRETQ to CPL 3; INT3 through a DPL 3 gate with IST1 comes back to CPL 0 on the IST stack;
// the frame is SS:RSP, RFLAGS, CS:RIP in 8-byte slots and SS becomes null.
TEST(LongMode, IretqToUserAndInterruptOnIstStack) {
    Machine m;
    start_with_idt(m, R"(
        push 0x2b
        push 0x50000
        push 0x202
        push 0x33
        lea rax, [rip + user]
        push rax
        iretq
    user:
        mov ebx, cs
        mov ecx, ss
        int3
        hlt
    )");
    set_gate(m, 3, kHandlers + 3 * 16, 1, 3);
    write64(m, Machine::kTss64 + 0x24, 0x60000);  // IST1
    write64(m, Machine::kTss64 + 4, 0x70000);     // RSP0 (not used: IST wins)
    ASSERT_TRUE(m.run_to_hlt());
    Cpu& c = m.cpu();
    EXPECT_EQ(c.gpr[kEbx], 0x33u);
    EXPECT_EQ(c.gpr[kEcx], 0x2bu);
    EXPECT_EQ(c.gpr[15], 3u);
    EXPECT_EQ(c.cpl, 0u);
    EXPECT_EQ(c.seg[SS].selector, 0u);
    EXPECT_EQ(c.gpr[kEsp], 0x60000u - 40);
    EXPECT_EQ(read64(m, 0x60000 - 32), 0x33u);      // CS
    EXPECT_EQ(read64(m, 0x60000 - 24) & 0x200, 0x200u);  // RFLAGS.IF
    EXPECT_EQ(read64(m, 0x60000 - 16), 0x50000u);   // RSP
    EXPECT_EQ(read64(m, 0x60000 - 8), 0x2bu);       // SS
    EXPECT_FALSE(c.flags() & kIF);  // interrupt gate
}

// A fault at CPL 3 through a gate without IST takes RSP0 (aligned down to 16) and pushes the
// error code; IRETQ from the handler returns to CPL 3 with the user's SS:RSP.
TEST(LongMode, PrivilegeChangeUsesRsp0AlignedAndIretqReturns) {
    Machine m;
    start_with_idt(m, R"(
        push 0x2b
        push 0x50000
        push 0x202
        push 0x33
        lea rax, [rip + user]
        push rax
        iretq
    user:
        cli
        hlt
    )");
    write64(m, Machine::kTss64 + 4, 0x70008);  // RSP0, not 16-byte aligned
    ASSERT_TRUE(m.run_to_hlt());
    Cpu& c = m.cpu();
    EXPECT_EQ(c.gpr[15], vec::GP);
    EXPECT_EQ(c.gpr[14], 0u);
    EXPECT_EQ(c.gpr[kEsp], 0x70000u - 40);  // frame at 0x70000 - 48, error code popped
    const std::uint64_t user_rip = read64(m, 0x70000 - 40);
    EXPECT_EQ(read64(m, 0x70000 - 32), 0x33u);
    EXPECT_EQ(read64(m, 0x70000 - 16), 0x50000u);
    EXPECT_EQ(read64(m, 0x70000 - 8), 0x2bu);

    // Resume the handler with IRETQ past the CLI: back at CPL 3, where HLT faults again.
    write64(m, 0x70000 - 40, user_rip + 1);
    c.rip = 0x31000;
    m.load(0x31000, test::assemble64("iretq", 0x31000));
    c.gpr[15] = 0;
    c.halted = false;
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(c.gpr[15], vec::GP);
    EXPECT_EQ(read64(m, 0x70000 - 40), user_rip + 1);
    EXPECT_EQ(read64(m, 0x70000 - 16), 0x50000u);
}

// U/S and R/W are combined across all four levels: a user access to a page whose PDPTE lacks
// U/S faults with P|U (|W), even though the PTE allows it.
TEST(LongMode, UserAccessChecksEveryLevel) {
    auto run = [](const std::string& access, std::uint64_t pdpte_bits) {
        Machine m;
        start_with_idt(m, R"(
            push 0x2b
            push 0x50000
            push 0x202
            push 0x33
            lea rax, [rip + user]
            push rax
            iretq
        user:
        )" + access + "\nhlt\n");
        write64(m, Machine::kTss64 + 4, 0x70000);
        // Physical 0x200000 at linear 0x40200000: its own PDPT entry (1), PD and PT.
        write64(m, Machine::kPdpt + 8, 0x100000 | pdpte_bits);
        write64(m, 0x100000 + 8, 0x101000 | 7);
        write64(m, 0x101000, 0x200000 | 7);
        EXPECT_TRUE(m.run_to_hlt());
        EXPECT_EQ(m.cpu().gpr[15], vec::PF);
        EXPECT_EQ(m.cpu().cr2, 0x40200000u);
        return m.cpu().gpr[14];
    };
    EXPECT_EQ(run("mov rax, [0x40200000]", 3), 5u);   // P | U
    EXPECT_EQ(run("mov [0x40200000], rax", 3), 7u);   // P | W | U
    EXPECT_EQ(run("mov [0x40200000], rax", 5), 7u);   // user but read-only PDPTE
}

TEST(LongMode, SixteenByteSystemDescriptors) {
    Machine m;
    m.start64("hlt");
    Cpu& c = m.cpu();
    // A TSS descriptor at 0x40 whose upper half holds base bits 63:32.
    write64(m, 0x48, 0xFFFFFE00u);
    EXPECT_EQ(c.system_descriptor_high(0x40), 0xFFFFFE0000000000ull);
    write64(m, 0x48, 0x00000100FFFFFE00ull);  // a non-zero type in the upper half
    EXPECT_EQ(fault_of([&] { c.system_descriptor_high(0x40); }), vec::GP);
    EXPECT_EQ(fault_of([&] { c.system_descriptor_high(0x48); }), vec::GP);  // beyond the GDT limit 0x4F
}

// IRETQ at the same level pops SS:RSP too; a null SS is fine for CPL 0 (Linux's sync_core()
// after an entry from user mode).
TEST(LongMode, IretqToTheSameLevelWithNullSs) {
    Machine m;
    m.start64(R"(
        xor eax, eax
        mov ss, ax
        mov rbx, rsp
        push rax
        push 0x60000
        pushfq
        push 0x10
        lea rax, [rip + next]
        push rax
        iretq
    next:
        mov ecx, ss
        hlt
    )");
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.cpu().gpr[kEsp], 0x60000u);
    EXPECT_EQ(m.cpu().gpr[kEcx], 0u);
    EXPECT_EQ(m.cpu().cpl, 0u);
}

// An interrupt from compatibility mode at CPL 3 enters the 64-bit handler on RSP0; IRETQ goes
// back to compatibility mode.
TEST(LongMode, InterruptFromCompatibilityModeAndBack) {
    Machine m;
    start_with_idt(m, R"(
        push 0x2b
        push 0x50000
        push 0x202
        push 0x23
        lea rax, [rip + user32]
        push rax
        iretq
        .code32
    user32:
        mov ebx, 0x1234
        push ebx
        int 0x40
        pop ecx
        cli
        .code64
        .org 0x200
        mov r8d, ss
        mov r9, rsp
        mov r10, [rsp + 24]
        mov r11, [rsp + 8]
        iretq
    )");
    const std::uint64_t low = (0x10200 & 0xFFFF) | (std::uint64_t{Machine::kCode64} << 16) | (0xEEull << 40) | (1ull << 48);
    write64(m, kIdt + 0x40 * 16, low);
    write64(m, kIdt + 0x40 * 16 + 8, 0);
    write64(m, Machine::kTss64 + 4, 0x70000);
    ASSERT_TRUE(m.run_to_hlt());
    Cpu& c = m.cpu();
    EXPECT_EQ(c.gpr[8], 0u);                 // null SS in the handler
    EXPECT_EQ(c.gpr[9], 0x70000u - 40);      // its frame on RSP0
    EXPECT_EQ(c.gpr[11], 0x23u);             // the saved CS
    EXPECT_EQ(c.gpr[10], 0x50000u - 4);      // the saved ESP
    EXPECT_EQ(c.gpr[kEcx], 0x1234u);         // back in compatibility mode at CPL 3 ...
    EXPECT_EQ(c.gpr[15], vec::GP);           // ... where CLI faults
    EXPECT_EQ(read64(m, c.gpr[kEsp] + 8), 0x23u);
}

// SYSCALL from CPL 3 to LSTAR with CS/SS from STAR, RCX/R11 saved and SFMASK applied; SWAPGS
// exchanges GS.base with KERNEL_GS_BASE; SYSRETQ returns to the 64-bit user segment.
TEST(LongMode, SyscallSwapgsSysret) {
    Machine m;
    start_with_idt(m, R"(
        push 0x2b
        push 0x50000
        push 0x202
        push 0x33
        lea rax, [rip + user]
        push rax
        iretq
    user:
        mov eax, 41
        syscall
    after:
        mov r12d, cs
        mov r13, gs:[0]
        lea rsi, [rip + after]
        hlt
        .org 0x400
        swapgs
        mov r9, gs:[0]
        mov r10d, cs
        mov rdi, rsp
        pushfq
        pop rbp
        swapgs
        add eax, 1
        sysretq
    )");
    Cpu& c = m.cpu();
    c.write_msr(kMsrEfer, kEferLME | kEferSCE);
    c.write_msr(kMsrStar, 0x0023001000000000ull);
    c.write_msr(kMsrLstar, kSyscallEntry);
    c.write_msr(kMsrSfmask, kIF | kTF);
    c.write_msr(kMsrGsBase, 0x42000);
    c.write_msr(kMsrKernelGsBase, 0x41000);
    write64(m, 0x41000, 0xBBBB);
    write64(m, 0x42000, 0xAAAA);
    write64(m, Machine::kTss64 + 4, 0x70000);  // RSP0 for the #GP of the user's HLT
    ASSERT_TRUE(m.run_to_hlt()) << std::hex << "rip " << c.rip << " cpl " << c.cpl << " r15 " << c.gpr[15]
                                << " rax " << c.gpr[kEax] << " shutdown " << c.shutdown;
    EXPECT_EQ(c.gpr[15], vec::GP);  // the user's HLT
    EXPECT_EQ(read64(m, c.gpr[kEsp] + 8), 0x33u);  // ... at CPL 3
    EXPECT_EQ(c.gpr[kEax], 42u);
    EXPECT_EQ(c.gpr[9], 0xBBBBu);   // kernel GS
    EXPECT_EQ(c.gpr[10], 0x10u);    // kernel CS from STAR[47:32]
    EXPECT_EQ(c.gpr[kEdi], 0x50000u);  // SYSCALL does not switch stacks
    EXPECT_EQ(c.gpr[kEbp] & kIF, 0u);  // SFMASK cleared IF
    EXPECT_EQ(c.gpr[11] & kIF, kIF);   // R11 = the user's RFLAGS
    EXPECT_EQ(c.gpr[kEcx], c.gpr[kEsi]);  // RCX = the instruction after SYSCALL
    EXPECT_EQ(c.gpr[12], 0x33u);    // SYSRETQ: STAR[63:48] + 16, RPL 3
    EXPECT_EQ(c.gpr[13], 0xAAAAu);  // the user's GS again
    EXPECT_EQ(c.seg[GS].base, 0x42000u);
    EXPECT_EQ(c.kernel_gs_base, 0x41000u);
}

TEST(LongMode, SyscallRules) {
    Machine m;
    m.start64("hlt");
    Cpu& c = m.cpu();
    EXPECT_EQ(fault_of([&] { c.syscall(0x10001); }), vec::UD);  // EFER.SCE clear
    c.write_msr(kMsrEfer, kEferLME | kEferSCE);
    c.cpl = 3;
    EXPECT_EQ(fault_of([&] { c.sysret(8); }), vec::GP);
    EXPECT_EQ(fault_of([&] { c.swapgs(); }), vec::GP);
    c.cpl = 0;
    c.gpr[kEcx] = 0x0000800000000000ull;
    EXPECT_EQ(fault_of([&] { c.sysret(8); }), vec::GP);  // non-canonical RCX
    // SYSRET to compatibility mode: STAR[63:48] | 3, EIP = ECX.
    c.write_msr(kMsrStar, 0x0023001000000000ull);
    c.gpr[kEcx] = 0xFFFFFFFF12345678ull;
    c.gpr[11] = 0x202;
    c.sysret(4);
    EXPECT_EQ(c.seg[CS].selector, 0x23u);
    EXPECT_EQ(c.seg[SS].selector, 0x2bu);
    EXPECT_EQ(c.rip, 0x12345678u);
    EXPECT_EQ(c.cpl, 3u);
    EXPECT_FALSE(c.code64());
    EXPECT_TRUE(c.long_mode());
}

// RETFQ to a compatibility-mode segment runs 32-bit code there; a far JMP comes back.
TEST(LongMode, FarReturnToCompatibilityModeAndJumpBack) {
    Machine m;
    m.start64(R"(
        push 0x08
        lea rax, [rip + compat]
        push rax
        .byte 0x48, 0xCB
        .code32
    compat:
        mov eax, 0x1234
        mov ebx, esp
        .byte 0xEA
        .long back
        .word 0x10
        .code64
    back:
        mov ecx, cs
        hlt
    )");
    ASSERT_TRUE(m.run_to_hlt());
    Cpu& c = m.cpu();
    EXPECT_EQ(c.gpr[kEax], 0x1234u);
    EXPECT_EQ(c.gpr[kEbx], 0x80000u);
    EXPECT_EQ(c.gpr[kEcx], 0x10u);
    EXPECT_TRUE(c.code64());
}

// CALL FAR m16:64 (REX.W FF /3) pushes CS and RIP in 8-byte slots; RETFQ pops them.
TEST(LongMode, FarCallAndReturnWithSixtyFourBitOperands) {
    Machine m;
    m.start64(R"(
        .byte 0x48, 0xFF, 0x1C, 0x25
        .long pointer
    back:
        hlt
    target:
        mov rax, [rsp]
        mov rbx, [rsp + 8]
        mov rcx, rsp
        .byte 0x48, 0xCB
        .align 8
    pointer:
        .quad target
        .word 0x10
    )");
    ASSERT_TRUE(m.run_to_hlt());
    Cpu& c = m.cpu();
    EXPECT_EQ(c.gpr[kEax], 0x10008u);  // the instruction after the 8-byte CALL
    EXPECT_EQ(c.gpr[kEbx], 0x10u);
    EXPECT_EQ(c.gpr[kEcx], 0x80000u - 16);
    EXPECT_EQ(c.gpr[kEsp], 0x80000u);
    EXPECT_EQ(c.rip, 0x10009u);
}

// A 16-byte call gate (DPL 3) from CPL 3 into 64-bit CPL 0 code: RSP0 from the TSS, a null SS,
// the caller's SS:RSP and CS:RIP in 8-byte slots; RETFQ returns to CPL 3.
TEST(LongMode, CallGateToRing0AndFarReturn) {
    Machine m;
    start_with_idt(m, R"(
        push 0x2b
        push 0x50000
        push 0x202
        push 0x33
        lea rax, [rip + user]
        push rax
        iretq
    user:
        .byte 0xFF, 0x1C, 0x25
        .long pointer
    back:
        mov r12d, cs
        mov r13d, ss
        mov rbp, rsp
        cli
        .org 0x300
    ring0:
        mov r8d, cs
        mov r9d, ss
        mov r10, rsp
        mov r11, [rsp + 16]
        .byte 0x48, 0xCB
        .align 8
    pointer:
        .long 0
        .word 0x53
    )");
    // The gate at GDT 0x50 (16 bytes; the GDT grows to 0x5F): DPL 3, to 0x10:0x10300.
    write64(m, 0x50, 0x0300 | (std::uint64_t{Machine::kCode64} << 16) | (0xECull << 40) | (0x0001ull << 48));
    write64(m, 0x58, 0);
    m.cpu().gdtr.limit = 0x5F;
    write64(m, Machine::kTss64 + 4, 0x70000);
    ASSERT_TRUE(m.run_to_hlt());
    Cpu& c = m.cpu();
    EXPECT_EQ(c.gpr[8], 0x10u);
    EXPECT_EQ(c.gpr[9], 0u);              // null SS at CPL 0
    EXPECT_EQ(c.gpr[10], 0x70000u - 32);  // SS, RSP, CS, RIP
    EXPECT_EQ(c.gpr[11], 0x50000u);       // the caller's RSP
    EXPECT_EQ(c.gpr[12], 0x33u);          // back at CPL 3 ...
    EXPECT_EQ(c.gpr[13], 0x2bu);
    EXPECT_EQ(c.gpr[kEbp], 0x50000u);
    EXPECT_EQ(c.gpr[15], vec::GP);        // ... where CLI faults
}

}  // namespace
}  // namespace emu::x86
