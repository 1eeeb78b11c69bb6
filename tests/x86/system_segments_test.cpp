// The system part of the x86 core: protected-mode entry, segment loads and their faults, far
// transfers through call gates, RET to an outer level, task switches.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr std::uint32_t kGdt = 0x1000;

// A segment descriptor from base, byte limit (G set when it needs it) and the attr layout of
// Segment (type/S/DPL/P in 0-7, AVL/L/DB/G in 8-11).
std::uint64_t descriptor(std::uint32_t base, std::uint32_t limit, std::uint16_t attr) {
    if (limit > 0xFFFFF) {
        limit >>= 12;
        attr |= 0x800;
    }
    return (limit & 0xFFFF) | (static_cast<std::uint64_t>(base & 0xFFFFFF) << 16) |
           (static_cast<std::uint64_t>(attr & 0xFF) << 40) | (static_cast<std::uint64_t>((limit >> 16) & 0xF) << 48) |
           (static_cast<std::uint64_t>((attr >> 8) & 0xF) << 52) | (static_cast<std::uint64_t>(base >> 24) << 56);
}

std::uint64_t gate(std::uint16_t selector, std::uint32_t offset, unsigned type, unsigned dpl, unsigned params = 0) {
    return (offset & 0xFFFF) | (static_cast<std::uint64_t>(selector) << 16) | (static_cast<std::uint64_t>(params) << 32) |
           (static_cast<std::uint64_t>(0x80 | (dpl << 5) | type) << 40) |
           (static_cast<std::uint64_t>(offset >> 16) << 48);
}

void put64(Machine& m, std::uint32_t address, std::uint64_t value) { std::memcpy(m.ram() + address, &value, 8); }
void put32(Machine& m, std::uint32_t address, std::uint32_t value) { std::memcpy(m.ram() + address, &value, 4); }
std::uint32_t get32(Machine& m, std::uint32_t address) {
    std::uint32_t v;
    std::memcpy(&v, m.ram() + address, 4);
    return v;
}

// GDT in the layout of x86.h's flat32 entry state (CS 0x10, data 0x18, TR 0x20): 0x08 data3,
// 0x10 code0, 0x18 data0, 0x20 TSS at 0x3000, 0x28 code3; 0x30 on are the tests' own.
void standard_gdt(Machine& m) {
    put64(m, kGdt + 0x00, 0);
    put64(m, kGdt + 0x08, descriptor(0, 0xFFFFFFFF, 0xCF3));
    put64(m, kGdt + 0x10, descriptor(0, 0xFFFFFFFF, 0xC9B));
    put64(m, kGdt + 0x18, descriptor(0, 0xFFFFFFFF, 0xC93));
    put64(m, kGdt + 0x20, descriptor(0x3000, 0x67, 0x8B));
    put64(m, kGdt + 0x28, descriptor(0, 0xFFFFFFFF, 0xCFB));
    m.cpu().gdtr = DescriptorTable{kGdt, 0xFF};
}

Fault fault_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Fault& fault) {
        return fault;
    }
    return Fault{0xFF, false, 0};
}

TEST(X86System, EntersProtectedModeThroughGdtAndFarJump) {
    Machine m;
    m.start16(R"(
        cli
        lgdt [gdtr]
        mov eax, cr0
        or eax, 1
        mov cr0, eax
        .byte 0x66, 0xEA
        .long pm
        .word 0x08
    .code32
    pm:
        mov ax, 0x10
        mov ds, ax
        mov ss, ax
        mov esp, 0x9000
        push 0x12345678
        pop dword ptr [0x5000]
        hlt
    .align 8
    gdt:
        .quad 0
        .quad 0x00CF9A000000FFFF
        .quad 0x00CF92000000FFFF
    gdtr:
        .word gdtr - gdt - 1
        .long gdt
    )", 0x8000);
    ASSERT_TRUE(m.run_to_hlt(1000));
    Cpu& c = m.cpu();
    EXPECT_TRUE(c.protected_mode());
    EXPECT_EQ(c.seg[CS].selector, 0x08);
    EXPECT_TRUE(c.code32());
    EXPECT_EQ(c.seg[SS].limit, 0xFFFFFFFFu);
    EXPECT_EQ(c.cpl, 0u);
    EXPECT_EQ(get32(m, 0x5000), 0x12345678u);
    // The loads set the accessed bits of both descriptors.
    std::uint32_t gdt = 0;
    for (std::uint32_t a = 0x8000; a < 0x8100; a += 8)
        if (get32(m, a + 4) == 0x00CF9B00u) gdt = a - 8;
    ASSERT_NE(gdt, 0u);
    EXPECT_EQ(m.ram()[gdt + 16 + 5], 0x93);
}

TEST(X86System, RealModeLimitFaultsAndUnrealMode) {
    Machine m;
    m.start16("hlt");
    Cpu& c = m.cpu();
    // A word at offset 0xFFFF crosses the 64 KiB limit: #GP(0), #SS(0) on the stack segment.
    Fault f = fault_of([&] { c.read(DS, 0xFFFF, 2); });
    EXPECT_EQ(f.vector, vec::GP);
    f = fault_of([&] { c.read(SS, 0xFFFF, 2); });
    EXPECT_EQ(f.vector, vec::SS);
    // Unreal mode: a 4 GiB cached limit survives a real-mode load of the selector.
    c.seg[DS].limit = 0xFFFFFFFF;
    c.load_segment(DS, 0);
    c.write(DS, 0x123456, 4, 0xCAFEF00D);
    EXPECT_EQ(get32(m, 0x123456), 0xCAFEF00Du);
}

TEST(X86System, SegmentLoadFaultsCarryTheSelector) {
    Machine m;
    m.start32("hlt");
    standard_gdt(m);
    Cpu& c = m.cpu();
    put64(m, kGdt + 0x30, descriptor(0, 0xFFFF, 0x13));          // not present data
    put64(m, kGdt + 0x38, descriptor(0, 0xFFFF, 0x9A & ~0x2));   // execute-only code
    put64(m, kGdt + 0x40, descriptor(0x100000, 0xFFF, 0x97));    // expand-down data, limit 0xFFF

    EXPECT_EQ(fault_of([&] { c.load_segment(DS, 0x30); }).vector, vec::NP);
    EXPECT_EQ(fault_of([&] { c.load_segment(DS, 0x30); }).error, 0x30u);
    EXPECT_EQ(fault_of([&] { c.load_segment(SS, 0x30); }).vector, vec::SS);  // not-present stack: #SS
    Fault f = fault_of([&] { c.load_segment(DS, 0x38); });
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0x38u);
    f = fault_of([&] { c.load_segment(DS, 0x200); });  // beyond the GDT limit
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0x200u);
    f = fault_of([&] { c.load_segment(SS, 0x10); });  // code into SS
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0x10u);
    f = fault_of([&] { c.load_segment(SS, 0); });
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0u);
    f = fault_of([&] { c.load_segment(SS, 0x0B); });  // DPL 3 stack at CPL 0
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0x08u);
    c.load_segment(SS, 0x40);
    put64(m, kGdt + 0x48, descriptor(0, 0xFFFF, 0x92));
    put64(m, kGdt + 0x48, descriptor(0, 0xFFFF, 0x12));  // SS not present: #SS(selector)
    f = fault_of([&] { c.load_segment(SS, 0x48); });
    EXPECT_EQ(f.vector, vec::SS);
    EXPECT_EQ(f.error, 0x48u);

    // A null selector loads into DS but faults on use with #GP(0).
    c.load_segment(ES, 0);
    f = fault_of([&] { c.read(ES, 0, 1); });
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0u);
    // Code segments are never writable; execute-only ones not readable.
    c.load_segment(FS, 0x10);
    EXPECT_EQ(fault_of([&] { c.write(FS, 0, 1, 0); }).vector, vec::GP);
    // Expand-down: offsets at or below the limit fault, above it work (16-bit upper bound).
    c.load_segment(GS, 0x40);
    EXPECT_EQ(fault_of([&] { c.read(GS, 0xFFF, 1); }).vector, vec::GP);
    EXPECT_EQ(fault_of([&] { c.read(GS, 0xFFFF, 2); }).vector, vec::GP);
    c.write(GS, 0x1000, 4, 0x11223344);
    EXPECT_EQ(get32(m, 0x101000), 0x11223344u);
    // Stack accesses beyond the limit are #SS(0).
    EXPECT_EQ(fault_of([&] { c.read(SS, 0x800, 4); }).vector, vec::SS);
    // Ring 3 may not load a DPL 0 data segment.
    c.cpl = 3;
    f = fault_of([&] { c.load_segment(DS, 0x1B); });
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0x18u);
}

// Ring 0 drops to ring 3 with RETF, ring 3 calls ring 0 through a call gate with two
// parameters, ring 0 returns with RETF 8, ring 3 enters ring 0 again with INT 0x80.
TEST(X86System, CallGateToRing0AndFarReturnToRing3) {
    Machine m;
    m.start32(R"(
        push 0x0B
        push 0x70000
        push 0x2B
        push offset user
        retf
    user:
        push 0x1111
        push 0x2222
        .byte 0x9A
        .long 0
        .word 0x33
        mov esi, esp
        mov bx, cs
        mov ebp, ds
        int 0x80
    .org 0x100
    kernel:
        mov eax, [esp + 8]
        mov ecx, [esp + 12]
        mov edx, [esp + 16]
        mov edi, ss
        retf 8
    .org 0x200
        hlt
    )");
    standard_gdt(m);
    Cpu& c = m.cpu();
    put32(m, 0x3004, 0x90000);  // TSS ESP0
    put32(m, 0x3008, 0x18);     // SS0
    c.tr = Cpu::segment_from_descriptor(0x20, descriptor(0x3000, 0x67, 0x8B));
    put64(m, kGdt + 0x30, gate(0x10, 0x10100, 0xC, 3, 2));  // 32-bit call gate, DPL 3, 2 dwords
    put64(m, 0x2000 + 0x80 * 8, gate(0x10, 0x10200, 0xE, 3));
    c.idtr = DescriptorTable{0x2000, 0x7FF};
    ASSERT_TRUE(m.run_to_hlt(1000));
    EXPECT_EQ(c.reg32(kEax), 0x2222u);  // parameters copied in order
    EXPECT_EQ(c.reg32(kEcx), 0x1111u);
    EXPECT_EQ(c.reg32(kEdx), 0x70000u - 8);      // the caller's ESP above them
    EXPECT_EQ(c.reg32(kEdi) & 0xFFFF, 0x18u);    // ring 0 stack from the TSS
    EXPECT_EQ(c.reg32(kEsi), 0x70000u);          // RETF 8 dropped the parameters
    EXPECT_EQ(c.reg32(kEbx) & 0xFFFF, 0x2Bu);
    EXPECT_EQ(c.reg32(kEbp) & 0xFFFF, 0u);       // RETF to ring 3 nulled the DPL 0 DS
    // INT 0x80 from ring 3: ring 0 stack from the TSS with SS:ESP, EFLAGS, CS:EIP.
    EXPECT_EQ(c.cpl, 0u);
    EXPECT_EQ(c.seg[SS].selector, 0x18);
    EXPECT_EQ(c.reg32(kEsp), 0x90000u - 20);
    EXPECT_EQ(get32(m, 0x90000 - 4), 0x0Bu);
    EXPECT_EQ(get32(m, 0x90000 - 8), 0x70000u);
    EXPECT_EQ(get32(m, 0x90000 - 16), 0x2Bu);
}

// JMP to a TSS selector through a task gate and back with IRET (NT, back link, busy bits).
TEST(X86System, TaskSwitchThroughTaskGateAndBack) {
    Machine m;
    m.start32(R"(
        mov eax, 0xAAAA
        .byte 0x9A
        .long 0
        .word 0x38
        mov ebx, 0xBBBB
        hlt
    )");
    standard_gdt(m);
    Cpu& c = m.cpu();
    c.tr = Cpu::segment_from_descriptor(0x20, descriptor(0x3000, 0x67, 0x8B));
    put64(m, kGdt + 0x30, descriptor(0x3100, 0x67, 0x89));  // the new task's TSS, available
    put64(m, kGdt + 0x38, gate(0x30, 0, 0x5, 0));           // task gate
    // The new task: code at 0x20000 (mov ecx, eax; iret), flat segments, its own stack.
    m.load(0x20000, test::assemble(".code32\n mov ecx, 0x1234\n mov edx, eax\n iret\n", 0x20000));
    const std::uint32_t t = 0x3100;
    put32(m, t + 0x1C, 0);          // CR3 (paging off)
    put32(m, t + 0x20, 0x20000);    // EIP
    put32(m, t + 0x24, 0x2);        // EFLAGS
    put32(m, t + 0x28, 0x5555);     // EAX
    put32(m, t + 0x38, 0x60000);    // ESP
    put32(m, t + 0x48, 0x18);       // ES
    put32(m, t + 0x4C, 0x10);       // CS
    put32(m, t + 0x50, 0x18);       // SS
    put32(m, t + 0x54, 0x18);       // DS
    put32(m, t + 0x58, 0x18);
    put32(m, t + 0x5C, 0x18);
    ASSERT_TRUE(m.run_to_hlt(1000));
    EXPECT_EQ(c.reg32(kEax), 0xAAAAu);   // restored from the old TSS
    EXPECT_EQ(c.reg32(kEbx), 0xBBBBu);
    EXPECT_EQ(c.reg32(kEcx), 0u);
    EXPECT_EQ(get32(m, t + 0x2C), 0x1234u);   // the new task's ECX saved at its IRET
    EXPECT_EQ(get32(m, t + 0x30), 0x5555u);   // EDX = its own EAX
    EXPECT_EQ(get32(m, t + 0x00) & 0xFFFF, 0x20u);  // back link
    EXPECT_EQ(c.tr.selector, 0x20);
    EXPECT_EQ(m.ram()[kGdt + 0x30 + 5] & 0x2, 0);     // the nested task is no longer busy
    EXPECT_EQ(m.ram()[kGdt + 0x20 + 5] & 0x2, 0x2);   // the caller is busy again
    EXPECT_FALSE(c.flags() & kNT);
    EXPECT_TRUE(c.cr0 & kCr0TS);
}

// Linux's i386 double-fault handler is a task: #DF through an IDT task gate switches to its
// TSS and pushes the error code on the new task's stack.
TEST(X86System, DoubleFaultThroughTaskGate) {
    Machine m;
    m.start32("mov eax, [0xFFFFFFFF]\n hlt\n");
    standard_gdt(m);
    Cpu& c = m.cpu();
    c.tr = Cpu::segment_from_descriptor(0x20, descriptor(0x3000, 0x67, 0x8B));
    put64(m, kGdt + 0x30, descriptor(0x3100, 0x67, 0x89));
    put64(m, 0x2000 + 8 * 8, gate(0x30, 0, 0x5, 0));     // #DF: task gate
    put64(m, 0x2000 + 13 * 8, gate(0x10, 0, 0xE, 0) & ~(1ull << 47));  // #GP: not present
    c.idtr = DescriptorTable{0x2000, 0x7FF};
    m.load(0x20000, test::assemble(".code32\n mov ebx, [esp]\n mov ecx, 0xDF\n hlt\n", 0x20000));
    const std::uint32_t t = 0x3100;
    put32(m, t + 0x20, 0x20000);
    put32(m, t + 0x24, 0x2);
    put32(m, t + 0x38, 0x60000);
    put32(m, t + 0x28 + 4 * 3, 0x77);  // EBX
    for (unsigned s = 0; s < 6; ++s) put32(m, t + 0x48 + 4 * s, s == CS ? 0x10 : 0x18);
    c.seg[DS].limit = 0xFFFF;
    ASSERT_TRUE(m.run_to_hlt(100));
    EXPECT_EQ(c.reg32(kEcx), 0xDFu);
    EXPECT_EQ(c.reg32(kEbx), 0u);               // the error code on the new stack
    EXPECT_EQ(c.reg32(kEsp), 0x60000u - 4);
    EXPECT_EQ(c.tr.selector, 0x30);
    EXPECT_TRUE(c.flags() & kNT);
    EXPECT_EQ(get32(m, t) & 0xFFFF, 0x20u);     // back link to the faulting task
    EXPECT_EQ(get32(m, 0x3000 + 0x20), 0x10000u);  // its EIP: the faulting instruction
}

TEST(X86System, LocalDescriptorTable) {
    Machine m;
    m.start32("hlt");
    standard_gdt(m);
    Cpu& c = m.cpu();
    put64(m, 0x4008, descriptor(0x123000, 0xFFF, 0x93));
    EXPECT_EQ(fault_of([&] { c.load_segment(ES, 0x0C); }).error, 0x0Cu);  // no LDT yet
    c.ldtr = Cpu::segment_from_descriptor(0x48, descriptor(0x4000, 0xF, 0x82));
    c.load_segment(ES, 0x0C);
    c.write(ES, 0x10, 4, 0xABCD);
    EXPECT_EQ(get32(m, 0x123010), 0xABCDu);
    EXPECT_EQ(m.ram()[0x4008 + 5], 0x93);  // accessed
    Fault f = fault_of([&] { c.load_segment(ES, 0x14); });  // beyond the LDT's limit
    EXPECT_EQ(f.vector, vec::GP);
    EXPECT_EQ(f.error, 0x14u);
}

TEST(X86System, AlignmentCheckAtCpl3) {
    Machine m;
    m.start32("hlt");
    Cpu& c = m.cpu();
    c.read(DS, 0x5001, 4);  // CPL 0: never checked
    c.cpl = 3;
    c.read(DS, 0x5001, 4);  // CR0.AM and EFLAGS.AC both needed
    c.write_cr(0, c.cr0 | kCr0AM);
    c.set_flags(c.flags() | kAC);
    Fault f = fault_of([&] { c.read(DS, 0x5001, 4); });
    EXPECT_EQ(f.vector, vec::AC);
    EXPECT_EQ(f.error, 0u);
    EXPECT_EQ(fault_of([&] { c.write(DS, 0x5002, 4, 0); }).vector, vec::AC);
    c.write(DS, 0x5002, 2, 0);
    c.read(DS, 0x5003, 1);
}

TEST(X86System, IoBitmapChecksEveryPort) {
    Machine m;
    m.start32("hlt");
    standard_gdt(m);
    Cpu& c = m.cpu();
    c.tr = Cpu::segment_from_descriptor(0x20, descriptor(0x3000, 0x2000, 0x8B));
    put32(m, 0x3064, 0x00880000);  // I/O map base 0x88
    std::memset(m.ram() + 0x3088, 0xFF, 0x2000 - 0x88);
    m.ram()[0x3088 + 0x80 / 8] = 0xF0;  // ports 0x80-0x83 allowed
    c.cpl = 3;
    c.check_io(0x80, 4);
    EXPECT_EQ(fault_of([&] { c.check_io(0x82, 4); }).vector, vec::GP);
    EXPECT_EQ(fault_of([&] { c.check_io(0x3F8, 1); }).vector, vec::GP);
    c.set_flags(c.flags() | kIOPL);  // IOPL 3: no bitmap check
    c.check_io(0x3F8, 1);
}

}  // namespace
}  // namespace emu::x86
