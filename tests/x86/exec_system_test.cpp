// Integer unit: exceptions raised by the decoder and handlers (#UD, #GP for over-long
// instructions and privileged instructions at CPL 3, #DE, #BR), the system instructions
// (descriptor-table registers, LLDT/LTR/SLDT/STR, LAR/LSL/VERR/VERW, ARPL, SMSW/LMSW, MOV CR/DR,
// RDTSC, SYSENTER/SYSEXIT), bit tests, SETcc/CMOVcc, BSF/BSR in protected mode with a real
// GDT and IDT.
#include <gtest/gtest.h>

#include <cstring>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr std::uint32_t kGdt = 0x1000, kIdt = 0x2000, kTss = 0x3000, kLdt = 0x3100, kStubs = 0x5000;
constexpr std::uint32_t kRecord = 0x6000;  // vector, [esp], [esp+4] stored by the stubs
constexpr std::uint32_t kNone = 0xFFFFFFFF;

void put32(Machine& m, std::uint32_t a, std::uint32_t v) { std::memcpy(m.ram() + a, &v, 4); }
void put64(Machine& m, std::uint32_t a, std::uint64_t v) { std::memcpy(m.ram() + a, &v, 8); }
std::uint32_t get32(Machine& m, std::uint32_t a) {
    std::uint32_t v;
    std::memcpy(&v, m.ram() + a, 4);
    return v;
}

// GDT: 0x10 code DPL0, 0x18 data DPL0, 0x20 code DPL3, 0x28 data DPL3 (the SYSENTER/SYSEXIT
// layout for IA32_SYSENTER_CS = 0x10), 0x30 TSS, 0x38 LDT, 0x40 a conforming code segment.
// IDT: 32 interrupt gates (vector 3 usable from CPL 3) to stubs that record the vector and the top two stack slots.
void start_pm(Machine& m, const std::string& code) {
    m.start32(code + "\nhlt\n");
    put64(m, kGdt + 0x10, 0x00CF9B000000FFFFull);
    put64(m, kGdt + 0x18, 0x00CF93000000FFFFull);
    put64(m, kGdt + 0x20, 0x00CFFB000000FFFFull);
    put64(m, kGdt + 0x28, 0x00CFF3000000FFFFull);
    put64(m, kGdt + 0x30, 0x0000890000000067ull | (std::uint64_t{kTss} << 16));
    put64(m, kGdt + 0x38, 0x0000820000000017ull | (std::uint64_t{kLdt} << 16));
    put64(m, kGdt + 0x40, 0x00CF9F000000FFFFull);
    for (unsigned v = 0; v < 32; ++v) {
        const std::uint32_t stub = kStubs + v * 32;
        // SS-relative stores: a v8086 exit leaves DS null.
        const std::uint8_t bytes[] = {0x36, 0xC7, 0x05, 0x00, 0x60, 0x00, 0x00, static_cast<std::uint8_t>(v), 0, 0, 0,
                                      0x8B, 0x04, 0x24, 0x36, 0xA3, 0x04, 0x60, 0x00, 0x00,
                                      0x8B, 0x44, 0x24, 0x04, 0x36, 0xA3, 0x08, 0x60, 0x00, 0x00, 0xF4};
        std::memcpy(m.ram() + stub, bytes, sizeof bytes);
        put64(m, kIdt + v * 8, (stub & 0xFFFF) | (0x10u << 16) | (std::uint64_t{v == 3 ? 0xEE00u : 0x8E00u} << 32) |
                                   (std::uint64_t{stub >> 16} << 48));
    }
    put32(m, kTss + 4, 0x90000);  // ESP0
    put32(m, kTss + 8, 0x18);     // SS0
    put32(m, kRecord, kNone);
    Cpu& c = m.cpu();
    c.gdtr = DescriptorTable{kGdt, 0x47};
    c.idtr = DescriptorTable{kIdt, 32 * 8 - 1};
    c.tr = Segment{0x30, kTss, 0x67, 0x8B};
    c.sysenter_cs = 0x10;
}

std::uint32_t run_pm(Machine& m, const std::string& code) {
    start_pm(m, code);
    EXPECT_TRUE(m.run_to_hlt());
    return get32(m, kRecord);
}

TEST(ExecSystem, InvalidOpcodes) {
    Machine m;
    EXPECT_EQ(run_pm(m, "ud2"), 6u);
    EXPECT_EQ(get32(m, kRecord + 4), 0x10000u);  // saved EIP: the faulting instruction
    EXPECT_EQ(run_pm(m, ".byte 0xf0\nadd eax, ebx"), 6u);
    EXPECT_EQ(run_pm(m, ".byte 0xf0\ncmp [0x100], eax"), 6u);
    EXPECT_EQ(run_pm(m, ".byte 0xf0\nmov [0x100], eax"), 6u);
    EXPECT_EQ(run_pm(m, ".byte 0x0f, 0x38, 0x00, 0xc0"), 6u);  // SSSE3: not a P6 instruction
    EXPECT_EQ(run_pm(m, "lea eax, [ebx]\n.byte 0x8d, 0xc0"), 6u);  // LEA with a register
    EXPECT_EQ(run_pm(m, ".byte 0x8e, 0xc8"), 6u);                  // MOV CS, ax
    EXPECT_EQ(run_pm(m, "lock add [0x100], eax"), kNone);          // legal
    // 16 bytes: #GP(0).
    EXPECT_EQ(run_pm(m, ".byte 0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x90"), 13u);
    EXPECT_EQ(get32(m, kRecord + 4), 0u);  // error code 0
    EXPECT_EQ(run_pm(m, ".byte 0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x90"), kNone);
}

TEST(ExecSystem, DivideAndBoundFaults) {
    Machine m;
    EXPECT_EQ(run_pm(m, "mov eax, 7\nxor ecx, ecx\ndiv ecx"), 0u);
    EXPECT_EQ(run_pm(m, "mov edx, 1\nmov eax, 0\nmov ecx, 1\ndiv ecx"), 0u);  // quotient too big
    EXPECT_EQ(run_pm(m, "mov eax, 0x80000000\ncdq\nmov ecx, -1\nidiv ecx"), 0u);
    EXPECT_EQ(run_pm(m, "mov al, 1\naam 0"), 0u);
    EXPECT_EQ(run_pm(m, "mov dword ptr [0x7000], 10\nmov dword ptr [0x7004], 20\nmov eax, 21\nbound eax, [0x7000]"), 5u);
    EXPECT_EQ(run_pm(m, "mov dword ptr [0x7000], -10\nmov dword ptr [0x7004], 20\nmov eax, -3\nbound eax, [0x7000]"), kNone);
    EXPECT_EQ(run_pm(m, "mov eax, 0x7fffffff\nadd eax, 1\ninto"), 4u);
    EXPECT_EQ(get32(m, kRecord + 4), 0x10000u + 5u + 3u + 1u);  // INTO is a trap: the next EIP
    EXPECT_EQ(run_pm(m, "int3"), 3u);
}

TEST(ExecSystem, DescriptorTableRegisters) {
    Machine m;
    run_pm(m,
           "sgdt [0x7000]\nsidt [0x7010]\n"
           "mov word ptr [0x7020], 0x1234\nmov dword ptr [0x7022], 0xff001000\n"
           "data16 lidt [0x7020]\nsidt [0x7030]\nlidt [0x7010]\n"
           "smsw eax\nsmsw [0x7040]\nmov ebx, cr0\n"
           "mov ecx, 0x55\nmov dr0, ecx\nmov edx, dr0\nmov esi, dr4\n"
           ".byte 0x0f, 0x20, 0x07\n");  // MOV EDI, CR0 with mod = 0: still a register form
    EXPECT_EQ(get32(m, 0x7000) & 0xFFFF, 0x47u);
    EXPECT_EQ(get32(m, 0x7002), kGdt);
    EXPECT_EQ(get32(m, 0x7010) & 0xFFFF, 0xFFu);
    EXPECT_EQ(get32(m, 0x7030) & 0xFFFF, 0x1234u);
    EXPECT_EQ(get32(m, 0x7032), 0x001000u);  // 16-bit operand size: 24-bit base
    EXPECT_EQ(m.cpu().idtr.base, kIdt);
    EXPECT_EQ(m.core().reg(kEax) & 1, 1u);
    EXPECT_EQ(m.core().reg(kEbx) & 1, 1u);
    EXPECT_EQ(m.core().reg(kEdx), 0x55u);
    EXPECT_EQ(m.core().reg(kEsi), m.cpu().dr[6]);  // DR4 aliases DR6 without CR4.DE
    EXPECT_EQ(m.core().reg(kEdi), m.core().reg(kEbx));
    EXPECT_EQ(get32(m, kRecord), kNone);
}

TEST(ExecSystem, LdtTrAndSelectors) {
    Machine m;
    run_pm(m,
           "mov ax, 0x38\nlldt ax\nsldt bx\n"
           "str cx\n"
           "mov ax, 0x18\nverr ax\nsetz dl\nverw ax\nsetz dh\n"
           "mov ax, 0x10\nverw ax\nsetnz byte ptr [0x7000]\n"
           "lar esi, eax\nlsl edi, eax\n"
           "mov ax, 0x30\nlsl ebp, ax\n"
           "mov ax, 0x1f8\nlar eax, eax\nsetnz byte ptr [0x7001]\n"
           "mov word ptr [0x7002], 0x1b\nmov ax, 0x28\narpl [0x7002], ax\nsetz byte ptr [0x7004]\n");
    EXPECT_EQ(m.cpu().ldtr.selector, 0x38);
    EXPECT_EQ(m.cpu().ldtr.base, kLdt);
    EXPECT_EQ(m.core().reg(kEbx) & 0xFFFF, 0x38u);
    EXPECT_EQ(m.core().reg(kEcx) & 0xFFFF, 0x30u);
    EXPECT_EQ(m.core().reg(kEdx) & 0xFFFF, 0x0101u);
    EXPECT_EQ(m.ram()[0x7000], 1);
    EXPECT_EQ(m.core().reg(kEsi), 0x00CF9B00u);
    EXPECT_EQ(m.core().reg(kEdi), 0xFFFFFFFFu);
    EXPECT_EQ(m.core().reg(kEbp), 0x67u);
    EXPECT_EQ(m.ram()[0x7001], 1);  // beyond the GDT limit
    EXPECT_EQ(get32(m, 0x7002) & 0xFFFF, 0x1bu);  // RPL 3 >= 0: unchanged
    EXPECT_EQ(m.ram()[0x7004], 0);
    EXPECT_EQ(get32(m, kRecord), kNone);

    // LTR marks the TSS busy; loading a busy TSS faults with the selector.
    run_pm(m, "mov ax, 0x30\nltr ax\nstr bx\nltr ax");
    EXPECT_EQ(m.core().reg(kEbx) & 0xFFFF, 0x30u);
    EXPECT_EQ(m.ram()[kGdt + 0x30 + 5], 0x8B);
    EXPECT_EQ(get32(m, kRecord), 13u);
    EXPECT_EQ(get32(m, kRecord + 4), 0x30u);
    EXPECT_EQ(run_pm(m, "mov ax, 0x18\nlldt ax"), 13u);
}

TEST(ExecSystem, UserModePrivilegeChecks) {
    Machine m;
    // SYSEXIT to ring 3 (CS 0x23, SS 0x2b) at the code after "user:", with ESP = ECX.
    const std::string enter = "lea edx, user\nmov ecx, 0x70000\nsysexit\nuser:\n";
    for (const char* insn : {"hlt", "cli", "mov eax, cr0", "mov cr3, eax", "rdmsr", "wrmsr", "lgdt [0x7000]",
                             "invlpg [0]", "clts", "mov eax, dr7", "in al, 0x60", "out 0x80, al", "invd",
                             "lmsw ax", "sysexit"}) {
        SCOPED_TRACE(insn);
        EXPECT_EQ(run_pm(m, enter + insn), 13u);
        EXPECT_EQ(get32(m, kRecord + 4), 0u);  // error code
        EXPECT_EQ(m.cpu().cpl, 0u);
    }
    // Unprivileged at CPL 3: SMSW, SGDT, RDTSC (CR4.TSD clear), CPUID, STR.
    EXPECT_EQ(run_pm(m, enter + "smsw ax\nsgdt [0x7000]\nrdtsc\nstr bx\nmov esi, ss\nint3"), 3u);
    EXPECT_EQ(m.core().reg(kEsi), 0x2Bu);
    // POPF at CPL 3 with IOPL 0 changes neither IF nor IOPL, and no fault.
    EXPECT_EQ(run_pm(m, "sti\n" + enter + "push 0x3002\npopfd\npushfd\npop ebx\nint3"), 3u);
    EXPECT_EQ(m.core().reg(kEbx) & (kIF | kIOPL), kIF);
    // SYSENTER back to ring 0.
    start_pm(m, "lea eax, kernel\nmov [0x7100], eax\n" + enter + "sysenter\nkernel: mov esi, cs\nmov edi, ss");
    m.cpu().sysenter_eip = 0;
    m.cpu().sysenter_esp = 0x88000;
    m.core().run(4);  // up to SYSEXIT
    m.cpu().sysenter_eip = get32(m, 0x7100);
    EXPECT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEsi), 0x10u);
    EXPECT_EQ(m.core().reg(kEdi), 0x18u);
    EXPECT_EQ(m.core().reg(kEsp), 0x88000u);
}

// v8086 mode without VME: CLI/STI/PUSHF/POPF/INT n/IRET fault with #GP(0) below IOPL 3.
TEST(ExecSystem, V86IoplSensitiveInstructions) {
    struct Case {
        const char* insn;
        unsigned iopl;
        std::uint32_t vector;  // 13: the instruction faulted; 6: it ran and UD2 followed
    };
    const Case cases[] = {
        {"cli", 0, 13}, {"sti", 0, 13}, {"pushf", 0, 13}, {"popf", 0, 13}, {"int 0x21", 0, 13},
        {"iret", 0, 13}, {"int3", 0, 13}, {"cli", 3, 6}, {"pushf\npopf", 3, 6}, {"mov ax, 0x1234\nmov ds, ax", 0, 6},
        {"lar ax, bx", 3, 6}, {"ud2", 0, 6},
    };
    for (const Case& tc : cases) {
        SCOPED_TRACE(tc.insn);
        Machine m;
        start_pm(m, "nop");
        std::string code = std::string(tc.insn) + "\nud2\n";
        if (std::string(tc.insn) == "lar ax, bx") code = "lar ax, bx\n";  // #UD in v8086 itself
        m.load(0x20000, test::assemble(".code16\n" + code, 0));
        Cpu& c = m.cpu();
        c.set_flags(kVM | (tc.iopl << 12) | 2);
        c.cpl = 3;
        for (Segment& s : c.seg) s = Segment{0x2000, 0x20000, 0xFFFF, 0xF3};
        c.gpr[kEsp] = 0x1000;
        c.rip = 0;
        EXPECT_TRUE(m.run_to_hlt());
        EXPECT_EQ(get32(m, kRecord), tc.vector);
        EXPECT_EQ(c.cpl, 0u);
        if (std::string(tc.insn).rfind("mov ax", 0) == 0) {  // the v8086 DS, saved by the exit
            EXPECT_EQ(get32(m, static_cast<std::uint32_t>(c.gpr[kEsp]) + 24), 0x1234u);
        }
    }
}

TEST(ExecBits, BitTestsSetCmov) {
    Machine m;
    run_pm(m,
           "mov dword ptr [0x7000], 0\nmov dword ptr [0x7004], 0\n"
           "mov eax, 35\nbts [0x7000], eax\n"     // bit 3 of the dword at 0x7004
           "mov eax, -1\nbts [0x7004], eax\n"     // bit 31 of 0x7000
           "bt dword ptr [0x7004], 3\nsetc bl\n"
           "mov ecx, 0xf0\nbtr ecx, 4\nsetc bh\n"
           "btc cx, 0\n"
           "mov edx, 0x00100000\nbsf esi, edx\nbsr edi, edx\n"
           "mov ebp, 0x55\nxor eax, eax\nbsf ebp, eax\nsetz al\n"
           "cmp ecx, 0\ncmovne eax, ecx\ncmove eax, ebx\n");
    EXPECT_EQ(get32(m, 0x7004), 8u);
    EXPECT_EQ(get32(m, 0x7000), 0x80000000u);
    EXPECT_EQ(m.core().reg(kEbx) & 0xFFFF, 0x0101u);
    EXPECT_EQ(m.core().reg(kEcx), 0xE1u);
    EXPECT_EQ(m.core().reg(kEsi), 20u);
    EXPECT_EQ(m.core().reg(kEdi), 20u);
    EXPECT_EQ(m.core().reg(kEbp), 0x55u);  // unchanged for a zero source
    EXPECT_EQ(m.core().reg(kEax), 0xE1u);
}

TEST(ExecSystem, X87HandOff) {
    Machine m;
    // FLD/FSTP through the FPU entry points (a smoke test of the operand hand-off).
    run_pm(m, "mov dword ptr [0x7000], 0x40490fdb\nfninit\nfld dword ptr [0x7000]\nfstp dword ptr [0x7004]\nfwait");
    EXPECT_EQ(get32(m, 0x7004), 0x40490FDBu);
}

}  // namespace
}  // namespace emu::x86
