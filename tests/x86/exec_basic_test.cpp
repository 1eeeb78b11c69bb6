// Integer unit: ALU, INC/DEC/NEG/NOT, multiply/divide, BCD, MOV forms, stack, LEA, flags
// instructions, in flat 32-bit mode and real mode.
#include <gtest/gtest.h>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

using test::run16;
using test::run32;

TEST(ExecAlu, AddSubFlags) {
    Machine m;
    std::uint32_t f = run32(m, "mov eax, 0x7fffffff\nadd eax, 1");
    EXPECT_EQ(m.core().reg(kEax), 0x80000000u);
    EXPECT_EQ(f & kArithFlags, kOF | kSF | kAF | kPF);
    f = run32(m, "mov eax, 0xffffffff\nadd eax, 1");
    EXPECT_EQ(m.core().reg(kEax), 0u);
    EXPECT_EQ(f & kArithFlags, kCF | kZF | kAF | kPF);
    f = run32(m, "mov al, 0x10\nsub al, 0x20");
    EXPECT_EQ(m.core().reg(kEax) & 0xFF, 0xF0u);
    EXPECT_EQ(f & kArithFlags, kCF | kSF | kPF);
    f = run32(m, "stc\nmov ebx, 5\nmov ecx, 3\nsbb ebx, ecx");
    EXPECT_EQ(m.core().reg(kEbx), 1u);
    EXPECT_EQ(f & kArithFlags, 0u);
    f = run32(m, "stc\nmov dx, 0xffff\nadc dx, 0");
    EXPECT_EQ(m.core().reg(kEdx) & 0xFFFF, 0u);
    EXPECT_EQ(f & kArithFlags, kCF | kZF | kAF | kPF);
    f = run32(m, "mov eax, 0x12345678\ncmp eax, 0x12345679");
    EXPECT_EQ(m.core().reg(kEax), 0x12345678u);
    EXPECT_EQ(f & kArithFlags, kCF | kSF | kAF | kPF);
}

TEST(ExecAlu, LogicAndMemoryForms) {
    Machine m;
    std::uint32_t f = run32(m,
                            "mov dword ptr [0x2000], 0xf0f0f0f0\n"
                            "mov ebx, 0x2000\n"
                            "or dword ptr [ebx], 0x0f\n"
                            "xor byte ptr [ebx+1], 0xff\n"
                            "and word ptr [ebx+2], 0x0ff0\n"
                            "mov esi, 1\n"
                            "add byte ptr [ebx+esi*2+1], 1\n"
                            "mov eax, [ebx]\n"
                            "test eax, eax");
    EXPECT_EQ(m.core().reg(kEax), 0x01F00FFFu);
    EXPECT_EQ(f & kArithFlags, kPF);
    f = run32(m, "mov eax, 0x80\nmov ecx, 0x80\nand al, cl");
    EXPECT_EQ(f & kArithFlags, kSF);
}

TEST(ExecAlu, IncDecNegNot) {
    Machine m;
    std::uint32_t f = run32(m, "stc\nmov eax, 0x7fffffff\ninc eax");
    EXPECT_EQ(m.core().reg(kEax), 0x80000000u);
    EXPECT_EQ(f & kArithFlags, kCF | kOF | kSF | kAF | kPF);
    f = run32(m, "clc\nmov cl, 0\ndec cl");
    EXPECT_EQ(m.core().reg(kEcx) & 0xFF, 0xFFu);
    EXPECT_EQ(f & kArithFlags, kSF | kAF | kPF);
    f = run32(m, "mov eax, 5\nneg eax\nmov ebx, 0x1234\nnot bx");
    EXPECT_EQ(m.core().reg(kEax), 0xFFFFFFFBu);
    EXPECT_EQ(m.core().reg(kEbx), 0xEDCBu);
    EXPECT_EQ(f & kArithFlags, kCF | kSF | kAF);
    f = run32(m, "mov eax, 0\nneg eax");
    EXPECT_EQ(f & kArithFlags, kZF | kPF);
    f = run32(m, "mov dword ptr [0x3000], 0xff\ninc byte ptr [0x3000]\ndec dword ptr [0x3000]");
    EXPECT_EQ(m.ram()[0x3000], 0xFF);
}

TEST(ExecAlu, MultiplyDivide) {
    Machine m;
    std::uint32_t f = run32(m, "mov eax, 0x80000000\nmov ecx, 4\nmul ecx");
    EXPECT_EQ(m.core().reg(kEax), 0u);
    EXPECT_EQ(m.core().reg(kEdx), 2u);
    EXPECT_EQ(f & kArithFlags, kCF | kOF | kZF | kPF);
    f = run32(m, "mov al, 0x10\nmov bl, 0x0f\nmul bl");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 0xF0u);
    EXPECT_EQ(f & (kCF | kOF), 0u);
    f = run32(m, "mov eax, -3\nmov ecx, 7\nimul ecx");
    EXPECT_EQ(m.core().reg(kEax), static_cast<std::uint32_t>(-21));
    EXPECT_EQ(m.core().reg(kEdx), 0xFFFFFFFFu);
    EXPECT_EQ(f & (kCF | kOF), 0u);
    f = run32(m, "mov ecx, 0x10000\nimul ecx, ecx, 0x10000\nmov ebx, -2\nimul bx, bx, 3\nmov esi, 6\nimul esi, ebx");
    EXPECT_EQ(m.core().reg(kEcx), 0u);
    EXPECT_EQ(m.core().reg(kEbx), 0xFFFFFFFAu);
    EXPECT_EQ(m.core().reg(kEsi), 0xFFFFFFDCu);
    run32(m, "mov edx, 1\nmov eax, 5\nmov ecx, 0x10\ndiv ecx");
    EXPECT_EQ(m.core().reg(kEax), 0x10000000u);
    EXPECT_EQ(m.core().reg(kEdx), 5u);
    run32(m, "mov eax, -100\ncdq\nmov ecx, 7\nidiv ecx");
    EXPECT_EQ(m.core().reg(kEax), static_cast<std::uint32_t>(-14));
    EXPECT_EQ(m.core().reg(kEdx), static_cast<std::uint32_t>(-2));
    run32(m, "mov ax, 1000\nmov bl, 7\ndiv bl");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, (6u << 8) | 142u);
}

// #DE in real mode goes through the IVT (vector 0) with the faulting instruction's address.
TEST(ExecAlu, DivideErrorRealMode) {
    Machine m;
    run16(m,
          "base: jmp start\n"
          "handler:\n"
          "mov bx, sp\n"
          "mov si, [bx]\n"  // saved IP
          "hlt\n"
          "start:\n"
          "xor ax, ax\nmov ds, ax\n"
          "mov word ptr [0], handler - base\n"
          "mov word ptr [2], 0x1000\n"
          "mov ax, 5\nxor cx, cx\n"
          "fault: div cl\n");
    // CS = 0x1000 (base 0x10000): offsets are relative to the load address.
    EXPECT_EQ(m.core().selector(kCs), 0x1000);
    std::uint32_t fault_ip = m.core().reg(kEsi) & 0xFFFF;
    EXPECT_EQ(m.ram()[0x10000 + fault_ip], 0xF6);  // the DIV instruction
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 5u);
}

TEST(ExecAlu, Bcd) {
    Machine m;
    std::uint32_t f = run32(m, "mov al, 0x79\nadd al, 0x35\ndaa");
    EXPECT_EQ(m.core().reg(kEax) & 0xFF, 0x14u);
    EXPECT_EQ(f & (kCF | kAF), kCF | kAF);
    f = run32(m, "mov al, 0x35\nsub al, 0x47\ndas");
    EXPECT_EQ(m.core().reg(kEax) & 0xFF, 0x88u);
    EXPECT_EQ(f & kCF, kCF);
    run32(m, "mov ax, 0x0009\nadd al, 8\naaa");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 0x0107u);
    run32(m, "mov ax, 0x0102\nsub al, 5\naas");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 0x0007u);
    f = run32(m, "mov al, 77\naam");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 0x0707u);
    run32(m, "mov ax, 0x0707\naad");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 77u);
    run32(m, "stc\n.byte 0xd6\nmov bl, al\nclc\n.byte 0xd6");
    EXPECT_EQ(m.core().reg(kEbx) & 0xFF, 0xFFu);
    EXPECT_EQ(m.core().reg(kEax) & 0xFF, 0u);
}

TEST(ExecMove, MovForms) {
    Machine m;
    run32(m,
          "mov eax, 0x11223344\n"
          "mov [0x4000], eax\n"
          "mov bl, [0x4001]\n"
          "mov bh, 0x99\n"
          "mov cx, [0x4002]\n"
          "movzx edx, byte ptr [0x4003]\n"
          "movsx esi, bh\n"
          "movsx edi, word ptr [0x4000]\n"
          "mov ebp, 0x4000\n"
          "mov byte ptr [ebp+4], 0x7f\n"
          "mov word ptr [ebp+6], 0x8001");
    EXPECT_EQ(m.core().reg(kEbx) & 0xFFFF, 0x9933u);
    EXPECT_EQ(m.core().reg(kEcx) & 0xFFFF, 0x1122u);
    EXPECT_EQ(m.core().reg(kEdx), 0x11u);
    EXPECT_EQ(m.core().reg(kEsi), 0xFFFFFF99u);
    EXPECT_EQ(m.core().reg(kEdi), 0x3344u);
    EXPECT_EQ(m.ram()[0x4004], 0x7F);
    EXPECT_EQ(m.ram()[0x4007], 0x80);
    // moffs forms and XCHG/XADD/CMPXCHG/BSWAP/LEA.
    run32(m,
          "mov eax, 0xdeadbeef\nmov ds:[0x5000], eax\nmov al, 0\nmov al, ds:[0x5003]\n"
          "mov ebx, 1\nxchg ebx, [0x5000]\n"
          "mov ecx, 10\nmov edx, 5\nxadd ecx, edx\n"
          "lea esi, [ebx+ecx*4+0x10]\n"
          "mov edi, 0x12345678\nbswap edi");
    EXPECT_EQ(m.core().reg(kEax), 0xDEADBEDEu);
    EXPECT_EQ(m.core().reg(kEbx), 0xDEADBEEFu);
    EXPECT_EQ(m.core().reg(kEcx), 15u);
    EXPECT_EQ(m.core().reg(kEdx), 10u);
    EXPECT_EQ(m.core().reg(kEsi), 0xDEADBEEFu + 60u + 0x10u);
    EXPECT_EQ(m.core().reg(kEdi), 0x78563412u);
    std::uint32_t f = run32(m,
                            "mov dword ptr [0x5000], 7\nmov eax, 7\nmov ecx, 9\n"
                            "lock cmpxchg [0x5000], ecx\nmov ebx, [0x5000]\n"
                            "mov eax, 1\ncmpxchg [0x5000], ecx");
    EXPECT_EQ(m.core().reg(kEbx), 9u);
    EXPECT_EQ(m.core().reg(kEax), 9u);
    EXPECT_EQ(f & kZF, 0u);
    f = run32(m,
              "mov dword ptr [0x5000], 1\nmov dword ptr [0x5004], 2\n"
              "mov eax, 1\nmov edx, 2\nmov ebx, 3\nmov ecx, 4\ncmpxchg8b [0x5000]\n"
              "mov esi, [0x5004]");
    EXPECT_EQ(m.core().reg(kEsi), 4u);
    EXPECT_EQ(f & kZF, kZF);
}

TEST(ExecMove, StackAndFrames) {
    Machine m;
    run32(m,
          "mov eax, 1\nmov ecx, 2\nmov edx, 3\nmov ebx, 4\nmov ebp, 6\nmov esi, 7\nmov edi, 8\n"
          "pushad\n"
          "mov eax, 0\nmov ecx, 0\nmov edx, 0\nmov ebx, 0\nmov ebp, 0\nmov esi, 0\nmov edi, 0\n"
          "mov eax, [esp+12]\n"  // the ESP value pushed
          "mov [0x6000], eax\n"
          "popad\n"
          "push 0x1234\npush word ptr [0x6000]\npop cx\npop edx\n"
          "push esp\npop esi\n"
          "enter 8, 0\nmov edi, ebp\nleave\n");
    EXPECT_EQ(m.core().reg(kEax), 1u);
    EXPECT_EQ(m.core().reg(kEbx), 4u);
    EXPECT_EQ(m.core().reg(kEbp), 6u);
    EXPECT_EQ(m.core().reg(kEsp), 0x80000u);
    EXPECT_EQ(*reinterpret_cast<std::uint32_t*>(m.ram() + 0x6000), 0x80000u);  // ESP before PUSHAD
    EXPECT_EQ(m.core().reg(kEcx) & 0xFFFF, 0u);
    EXPECT_EQ(m.core().reg(kEdx), 0x1234u);
    EXPECT_EQ(m.core().reg(kEsi), 0x80000u);
    EXPECT_EQ(m.core().reg(kEdi), 0x80000u - 4u);
    // ENTER with nesting copies the frame pointers.
    run32(m,
          "mov ebp, 0x7000\nmov dword ptr [0x6ffc], 0xaaaa\n"
          "enter 4, 2\nmov eax, [esp+4]\nmov ebx, [esp+8]\nmov ecx, esp\nmov edx, ebp");
    EXPECT_EQ(m.core().reg(kEax), 0x80000u - 4u);  // the new frame pointer
    EXPECT_EQ(m.core().reg(kEbx), 0xAAAAu);         // copied from the outer frame
    EXPECT_EQ(m.core().reg(kEdx), 0x80000u - 4u);
    EXPECT_EQ(m.core().reg(kEcx), 0x80000u - 16u);
    // POP r/m with an ESP-based address uses the incremented ESP.
    run32(m, "push 0x55\npush 0x66\npop dword ptr [esp]\npop eax");
    EXPECT_EQ(m.core().reg(kEax), 0x66u);
}

TEST(ExecMove, FlagsInstructions) {
    Machine m;
    std::uint32_t f = run32(m, "mov eax, 0\nsub eax, 1\nlahf\nmov bl, ah\nmov ah, 0x41\nsahf\ncmc\nstd");
    EXPECT_EQ(m.core().reg(kEbx) & 0xFF, 0x97u);
    EXPECT_EQ(f & (kArithFlags | kDF), kZF | kDF);
    f = run32(m, "pushfd\npop eax\nor eax, 0x40cd5\npush eax\npopfd\npushfd\npop ebx\ncld\ncli");
    EXPECT_EQ(m.core().reg(kEbx) & 0x40CD5u, 0x40CD5u);
    EXPECT_EQ(f & kIF, 0u);
    // POPF never sets VM or RF.
    f = run32(m, "push 0x30202\npopfd\n");
    EXPECT_EQ(f & (kVM | kRF), 0u);
    EXPECT_EQ(f & kIF, kIF);
}

TEST(ExecMove, RealModeAddressing) {
    Machine m;
    run16(m,
          "mov ax, 0x200\nmov ds, ax\nmov ss, ax\nmov sp, 0x100\n"
          "mov bx, 0x10\nmov si, 0x4\nmov di, 0x6\nmov bp, 0x20\n"
          "mov word ptr [bx+si], 0x1111\n"     // DS:0x14
          "mov word ptr [bp+di+2], 0x2222\n"   // SS:0x28
          "mov word ptr [bp], 0x3333\n"        // SS:0x20
          "mov ax, [0x14]\nmov cx, [0x28]\nmov dx, [0x20]\n"
          "mov bx, 0xfffe\nmov word ptr [bx+4], 0x4444\n"  // wraps to DS:0x2
          "mov di, [2]\n"
          "mov eax, 0x12345678\n"
          "mov es, ax\n"
          "push eax\npop ebx\n"
          "lea si, [bx+di+0x10]\n");
    EXPECT_EQ(m.core().reg(kEax), 0x12345678u);
    EXPECT_EQ(m.core().reg(kEcx) & 0xFFFF, 0x2222u);
    EXPECT_EQ(m.core().reg(kEdx) & 0xFFFF, 0x3333u);
    EXPECT_EQ(m.core().reg(kEdi) & 0xFFFF, 0x4444u);
    EXPECT_EQ(m.core().reg(kEbx), 0x12345678u);
    EXPECT_EQ(m.core().reg(kEsi) & 0xFFFF, (0x5678u + 0x4444u + 0x10u) & 0xFFFF);
    EXPECT_EQ(m.core().selector(kEs), 0x5678);
    EXPECT_EQ(m.core().segment_base(kEs), 0x56780u);
    EXPECT_EQ(m.ram()[0x2000 + 0x14], 0x11);
    EXPECT_EQ(m.ram()[0x2000 + 0x28], 0x22);
}

// Instructions that straddle a page boundary are fetched from both pages (16-bit code too,
// with prefixes before the boundary).
TEST(ExecMove, InstructionAcrossPageBoundary) {
    Machine m;
    run32(m, ".space 0xffe, 0x90\nmov eax, 0x12345678\n.space 0xffd, 0x90\nadd dword ptr [0x7000], 0x11223344");
    EXPECT_EQ(m.core().reg(kEax), 0x12345678u);
    EXPECT_EQ(m.ram()[0x7003], 0x11);
    run16(m, ".space 0xffd, 0x90\nmov ebx, 0xcafef00d\n");
    EXPECT_EQ(m.core().reg(kEbx), 0xCAFEF00Du);
}

TEST(ExecMove, LockOnRegisterIsInvalid) {
    Machine m;
    // #UD in real mode through the IVT: vector 6 points at a HLT.
    run16(m,
          "base: xor ax, ax\nmov ds, ax\n"
          "mov word ptr [24], ud_handler - base\nmov word ptr [26], 0x1000\n"
          "mov bx, 1\n"
          ".byte 0xf0\nadd ax, bx\n"
          "mov bx, 2\nhlt\n"
          "ud_handler: mov cx, 0x66\n");
    EXPECT_EQ(m.core().reg(kEcx) & 0xFFFF, 0x66u);
    EXPECT_EQ(m.core().reg(kEbx) & 0xFFFF, 1u);
}

}  // namespace
}  // namespace emu::x86
