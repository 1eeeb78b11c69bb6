// The system part of the x86 core: interrupt and exception delivery (real-mode IVT, IDT gates
// with privilege changes, v8086 entry and exit), double and triple faults, and the run loop's
// events (maskable interrupts and the STI shadow, NMI, single step, breakpoints, INIT/SIPI).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr std::uint32_t kGdt = 0x1000, kIdt = 0x2000, kTss = 0x3000;

void put16(Machine& m, std::uint32_t address, std::uint16_t value) { std::memcpy(m.ram() + address, &value, 2); }
void put32(Machine& m, std::uint32_t address, std::uint32_t value) { std::memcpy(m.ram() + address, &value, 4); }
void put64(Machine& m, std::uint32_t address, std::uint64_t value) { std::memcpy(m.ram() + address, &value, 8); }
std::uint32_t get32(Machine& m, std::uint32_t address) {
    std::uint32_t v;
    std::memcpy(&v, m.ram() + address, 4);
    return v;
}

std::uint64_t gate(std::uint16_t selector, std::uint32_t offset, unsigned type, unsigned dpl) {
    return (offset & 0xFFFF) | (static_cast<std::uint64_t>(selector) << 16) |
           (static_cast<std::uint64_t>(0x80 | (dpl << 5) | type) << 40) | (static_cast<std::uint64_t>(offset >> 16) << 48);
}

// Flat32-compatible GDT (0x08 data3, 0x10 code0, 0x18 data0, 0x20 TSS, 0x28 code3), a TSS
// with SS0:ESP0 = 0x18:0x90000 and an empty IDT of 256 entries.
void protected_setup(Machine& m) {
    put64(m, kGdt + 0x08, 0x00CFF3000000FFFFull);
    put64(m, kGdt + 0x10, 0x00CF9B000000FFFFull);
    put64(m, kGdt + 0x18, 0x00CF93000000FFFFull);
    put64(m, kGdt + 0x20, 0x00008B0000000067ull | (static_cast<std::uint64_t>(kTss) << 16));
    put64(m, kGdt + 0x28, 0x00CFFB000000FFFFull);
    put32(m, kTss + 4, 0x90000);
    put32(m, kTss + 8, 0x18);
    Cpu& c = m.cpu();
    c.gdtr = DescriptorTable{kGdt, 0x2F};
    c.idtr = DescriptorTable{kIdt, 0x7FF};
}

TEST(X86Interrupts, RealModeIntAndDivideErrorThroughTheIvt) {
    Machine m;
    m.start16(R"(
        mov ax, 7
        int 0x21
        mov cx, 0
        div cl
        hlt
    .org 0x100
        add ax, 1
        iret
    .org 0x200
        mov bp, sp
        mov si, [bp]
        add word ptr [bp], 2
        mov ax, 0x99
        iret
    )", 0x8000);
    put16(m, 0x21 * 4, 0x8100);
    put16(m, 0x21 * 4 + 2, 0);
    put16(m, 0, 0x8200);
    put16(m, 2, 0);
    ASSERT_TRUE(m.run_to_hlt(1000));
    Cpu& c = m.cpu();
    EXPECT_EQ(c.reg32(kEax) & 0xFFFF, 0x99u);
    EXPECT_EQ(c.reg32(kEsi) & 0xFFFF, 0x8008u);  // #DE saves the faulting DIV's IP
    EXPECT_EQ(c.reg32(kEsp) & 0xFFFF, 0xFFF0u);
}

// Ring 0 IRETs to ring 3; ring 3 calls INT 0x40 (DPL 3 trap gate) which IRETs back; then CLI at
// IOPL 0 raises #GP(0) into ring 0 with the error code on the ring 0 stack.
TEST(X86Interrupts, RingThreeInterruptsAndIretBack) {
    Machine m;
    m.start32(R"(
        push 0x0B
        push 0x70000
        push 0x202
        push 0x2B
        push offset user
        iret
    user:
        mov eax, 1
        int 0x40
        mov ebx, eax
        cli
        hlt
    .org 0x100
        add eax, 10
        mov edx, ss
        iret
    .org 0x200
        hlt
    .org 0x300
        hlt
    )");
    protected_setup(m);
    put64(m, kIdt + 0x40 * 8, gate(0x10, 0x10100, 0xF, 3));
    put64(m, kIdt + 13 * 8, gate(0x10, 0x10200, 0xE, 0));
    put64(m, kIdt + 0x41 * 8, gate(0x10, 0x10300, 0xE, 0));
    Cpu& c = m.cpu();
    c.tr = Cpu::segment_from_descriptor(0x20, 0x00008B0000000067ull | (static_cast<std::uint64_t>(kTss) << 16));
    ASSERT_TRUE(m.run_to_hlt(1000));
    EXPECT_EQ(c.reg32(kEbx), 11u);
    EXPECT_EQ(c.reg32(kEdx) & 0xFFFF, 0x18u);  // the trap gate ran on the TSS's ring 0 stack
    EXPECT_EQ(c.cpl, 0u);
    EXPECT_EQ(c.rip, 0x10201u);
    // #GP frame: error code 0, EIP of CLI, CS 0x2B, EFLAGS, ESP, SS 0x0B.
    EXPECT_EQ(c.reg32(kEsp), 0x90000u - 24);
    EXPECT_EQ(get32(m, 0x90000 - 24), 0u);
    const std::uint32_t cli_eip = get32(m, 0x90000 - 20);
    EXPECT_EQ(m.ram()[cli_eip], 0xFA);
    EXPECT_EQ(get32(m, 0x90000 - 16), 0x2Bu);
    EXPECT_EQ(get32(m, 0x90000 - 12) & kIF, kIF);
    EXPECT_EQ(get32(m, 0x90000 - 8), 0x70000u);
    EXPECT_EQ(get32(m, 0x90000 - 4), 0x0Bu);
    EXPECT_FALSE(c.flags() & kIF);  // interrupt gate
    // INT n through a DPL 0 gate from ring 3: #GP(vector * 8 + 2).
    c.cpl = 3;
    c.seg[CS] = Cpu::segment_from_descriptor(0x2B, 0x00CFFB000000FFFFull);
    try {
        c.deliver(0x41, IntKind::Software, false, 0, c.rip);
        FAIL() << "no #GP";
    } catch (const Fault& f) {
        EXPECT_EQ(f.vector, vec::GP);
        EXPECT_EQ(f.error, 0x41u * 8 + 2);
    }
}

// v8086: ring 0 enters v8086 code with IRET; INT 0x30 there leaves to a ring 0 handler (with
// the v8086 segments on its stack and zero data segments), which IRETs back; HLT in v8086 mode
// is #GP(0) into ring 0.
TEST(X86Interrupts, Virtual8086EntryAndExit) {
    Machine m;
    m.start32(R"(
        push 0x3000
        push 0x2000
        push 0x5000
        push 0x4000
        push 0x1000
        push 0xFFF0
        push 0x23202
        push 0x0800
        push 0x0000
        iret
    .org 0x100
        mov esi, [esp + 4]
        mov edi, [esp + 16]
        mov ebp, [esp + 20]
        mov ebx, ds
        mov eax, 0xBEEF
        iret
    .org 0x200
        hlt
    )");
    // v8086 code at 0x0800:0000: mov ax, 0x1234; int 0x30; mov cx, ax; hlt.
    m.load(0x8000, test::assemble(".code16\n mov ax, 0x1234\n int 0x30\n mov cx, ax\n hlt\n", 0));
    protected_setup(m);
    put64(m, kIdt + 0x30 * 8, gate(0x10, 0x10100, 0xE, 3));
    put64(m, kIdt + 13 * 8, gate(0x10, 0x10200, 0xE, 0));
    Cpu& c = m.cpu();
    c.tr = Cpu::segment_from_descriptor(0x20, 0x00008B0000000067ull | (static_cast<std::uint64_t>(kTss) << 16));
    ASSERT_TRUE(m.run_to_hlt(1000));
    EXPECT_EQ(c.reg32(kEsi) & 0xFFFF, 0x0800u);   // v8086 CS in the frame
    EXPECT_EQ(c.reg32(kEdi) & 0xFFFF, 0x1000u);   // v8086 SS
    EXPECT_EQ(c.reg32(kEbp) & 0xFFFF, 0x4000u);   // v8086 ES
    EXPECT_EQ(c.reg32(kEbx) & 0xFFFF, 0u);        // DS zeroed in the handler
    EXPECT_EQ(c.reg32(kEcx) & 0xFFFF, 0xBEEFu);   // back in v8086 after IRET
    // HLT in v8086 mode: #GP(0) from CPL 3 into ring 0, all segments pushed.
    EXPECT_EQ(c.cpl, 0u);
    EXPECT_FALSE(c.v86());
    EXPECT_EQ(c.reg32(kEsp), 0x90000u - 40);
    EXPECT_EQ(get32(m, 0x90000 - 40), 0u);              // error code
    EXPECT_EQ(get32(m, 0x90000 - 36), 0x7u);            // IP of HLT in the v8086 code
    EXPECT_EQ(get32(m, 0x90000 - 32), 0x0800u);         // CS
    EXPECT_TRUE(get32(m, 0x90000 - 28) & kVM);          // EFLAGS with VM
    EXPECT_EQ(get32(m, 0x90000 - 24), 0xFFF0u);         // SP
    EXPECT_EQ(get32(m, 0x90000 - 20), 0x1000u);         // SS
    EXPECT_EQ(get32(m, 0x90000 - 16), 0x4000u);         // ES
    EXPECT_EQ(get32(m, 0x90000 - 12), 0x5000u);         // DS
    EXPECT_EQ(get32(m, 0x90000 - 4), 0x3000u);          // GS
    EXPECT_EQ(m.ram()[0x8007], 0xF4);
}

TEST(X86Interrupts, DoubleFaultAndTripleFault) {
    Machine m;
    m.start32("mov eax, [0xFFFFFFFF]\n hlt\n .org 0x100\n hlt\n");
    protected_setup(m);
    Cpu& c = m.cpu();
    // #GP's gate is not present (#NP, contributory): a double fault with error code 0.
    put64(m, kIdt + 8 * 8, gate(0x10, 0x10100, 0xE, 0));
    put64(m, kIdt + 13 * 8, gate(0x10, 0x10100, 0xE, 0) & ~(1ull << 47));
    c.seg[DS].limit = 0xFFFF;  // the access faults with #GP(0)
    ASSERT_TRUE(m.run_to_hlt(100));
    EXPECT_EQ(c.rip, 0x10101u);
    EXPECT_EQ(get32(m, 0x80000 - 16), 0u);
    EXPECT_EQ(get32(m, 0x80000 - 12), 0x10000u);

    // Without a usable #DF gate either: shutdown, reported to the embedder.
    Machine m2;
    m2.start32("int3\n hlt\n");
    protected_setup(m2);
    Cpu& c2 = m2.cpu();
    c2.idtr.limit = 0;
    bool reported = false;
    c2.config.on_shutdown = [&] { reported = true; };
    EXPECT_EQ(m2.core().run(100), StopReason::Shutdown);
    EXPECT_TRUE(c2.shutdown);
    EXPECT_TRUE(reported);
}

class FakeSource final : public InterruptSource {
public:
    int pending = -1;
    bool interrupt_pending() override { return pending >= 0; }
    std::uint8_t acknowledge() override {
        const auto v = static_cast<std::uint8_t>(pending);
        pending = -1;
        return v;
    }
};

// STI's shadow lets one instruction run first; HLT sleeps until the interrupt; NMIs wait for
// the IRET that ends the previous NMI handler.
TEST(X86Interrupts, ExternalInterruptsShadowHaltAndNmi) {
    Machine m;
    m.start32(R"(
        sti
        inc ebx
        inc ebx
        hlt
        inc ecx
        hlt
    .org 0x100
        mov esi, [esp]
        inc edx
        iret
    .org 0x200
        inc edi
        mov eax, [esp]
        hlt
        iret
    )");
    protected_setup(m);
    put64(m, kIdt + 0x30 * 8, gate(0x10, 0x10100, 0xE, 0));
    put64(m, kIdt + 2 * 8, gate(0x10, 0x10200, 0xE, 0));
    FakeSource source;
    m.core().set_interrupt_source(&source);
    Cpu& c = m.cpu();
    source.pending = 0x30;
    EXPECT_EQ(m.core().run(1), StopReason::Budget);  // STI
    EXPECT_EQ(m.core().run(1), StopReason::Budget);  // the shadowed INC
    EXPECT_EQ(c.reg32(kEbx), 1u);
    EXPECT_EQ(m.core().run(1), StopReason::Budget);  // the interrupt is taken now
    EXPECT_EQ(c.reg32(kEbx), 1u);
    ASSERT_EQ(m.core().run(100), StopReason::Halted);
    EXPECT_EQ(c.reg32(kEdx), 1u);
    EXPECT_EQ(c.reg32(kEsi), 0x10002u);  // saved EIP: the second INC
    EXPECT_EQ(c.reg32(kEbx), 2u);
    EXPECT_FALSE(m.core().has_work());
    source.pending = 0x30;
    EXPECT_TRUE(m.core().has_work());
    ASSERT_EQ(m.core().run(100), StopReason::Halted);  // woken, handled, next HLT
    EXPECT_EQ(c.reg32(kEcx), 1u);
    EXPECT_EQ(c.reg32(kEdx), 2u);
    // NMI: taken even with IF clear; a second one waits for the handler's IRET.
    c.set_flags(c.flags() & ~kIF);
    m.core().nmi();
    EXPECT_TRUE(m.core().has_work());
    ASSERT_EQ(m.core().run(100), StopReason::Halted);  // HLT inside the NMI handler
    EXPECT_EQ(c.reg32(kEdi), 1u);
    EXPECT_EQ(c.reg32(kEax), 0x10006u);  // after the second HLT
    m.core().nmi();
    EXPECT_FALSE(m.core().has_work());  // blocked until IRET
    c.halted = false;                    // step past the handler's HLT
    ASSERT_EQ(m.core().run(100), StopReason::Halted);
    EXPECT_EQ(c.reg32(kEdi), 2u);  // the second NMI followed the IRET
}

TEST(X86Interrupts, SingleStepTrapAndBreakpoints) {
    Machine m;
    m.start32(R"(
        pushfd
        or dword ptr [esp], 0x100
        popfd
        inc ebx
        inc ebx
        pushfd
        and dword ptr [esp], ~0x100
        popfd
        hlt
    .org 0x100
        inc ecx
        iret
    )");
    protected_setup(m);
    put64(m, kIdt + 1 * 8, gate(0x10, 0x10100, 0xE, 0));
    Cpu& c = m.cpu();
    ASSERT_TRUE(m.run_to_hlt(1000));
    EXPECT_EQ(c.reg32(kEbx), 2u);
    EXPECT_EQ(c.reg32(kEcx), 5u);  // after INC, INC, PUSHFD, AND and the POPFD that clears TF
    EXPECT_TRUE(c.dr[6] & 0x4000);

    Machine m2;
    m2.start32("inc eax\n inc eax\n inc eax\n hlt\n");
    m2.core().add_breakpoint(0x10002);
    EXPECT_EQ(m2.core().run(100), StopReason::Breakpoint);
    EXPECT_EQ(m2.core().eip(), 0x10002u);
    EXPECT_EQ(m2.core().reg(kEax), 2u);
    EXPECT_EQ(m2.core().run(100), StopReason::Halted);  // resumes past it
    EXPECT_EQ(m2.core().reg(kEax), 3u);
}

TEST(X86Interrupts, TraceShowsEachDelivery) {
    Machine m;
    m.start32("int 0x40\n hlt\n .org 0x100\n iret\n");
    protected_setup(m);
    put64(m, kIdt + 0x40 * 8, gate(0x10, 0x10100, 0xE, 0));
    std::vector<std::string> lines;
    m.core().set_trace([&](const std::string& line) { lines.push_back(line); }, false, true, false);
    ASSERT_TRUE(m.run_to_hlt(100));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("v=40 e=0000 i=1 cpl=0 IP=0010:00010002"), std::string::npos) << lines[0];
}

TEST(X86Interrupts, InitAndStartupIpi) {
    Machine m;
    m.load(0x9000, test::assemble(".code16\n mov ax, cs\n hlt\n", 0));
    Cpu& c = m.cpu();
    m.core().set_wait_for_sipi(true);
    EXPECT_EQ(m.core().run(100), StopReason::Halted);
    EXPECT_FALSE(m.core().has_work());
    m.core().sipi(0x09);
    EXPECT_TRUE(m.core().has_work());
    EXPECT_EQ(m.core().run(100), StopReason::Halted);
    EXPECT_EQ(c.reg32(kEax) & 0xFFFF, 0x0900u);
    EXPECT_EQ(c.seg[CS].base, 0x9000u);
    // INIT puts the AP back into wait-for-SIPI (the MTRRs survive).
    c.write_msr(0x2FF, 0xC06);
    m.core().init_signal();
    EXPECT_EQ(m.core().run(100), StopReason::Halted);
    EXPECT_TRUE(c.wait_for_sipi);
    EXPECT_EQ(c.read_msr(0x2FF), 0xC06u);
    EXPECT_EQ(c.rip, 0xFFF0u);
}

}  // namespace
}  // namespace emu::x86
