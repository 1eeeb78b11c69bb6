// Integer unit: control flow (Jcc, LOOP, CALL/RET, indirect and far transfers, INT n through
// the real-mode IVT and the software-interrupt hook), string instructions with REP, I/O, and
// shifts/rotates whose flags were checked against qemu-i386.
#include <gtest/gtest.h>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

using test::run16;
using test::run32;

TEST(ExecControl, ConditionalJumpsAndLoops) {
    Machine m;
    run32(m,
          "xor ebx, ebx\nmov ecx, 10\n"
          "again: add ebx, ecx\nloop again\n"          // 55
          "mov eax, -1\ncmp eax, 1\njl less\nmov ebx, 0\nless:\n"
          "cmp eax, 1\nja above\nmov ebx, 0\nabove:\n"
          "xor ecx, ecx\njecxz zero\nmov ebx, 0\nzero:\n"
          "mov ecx, 5\nmov edx, 0\n"
          "l2: inc edx\ncmp edx, 2\nloopne l2\n"       // stops when edx == 2
          "jmp far_label\n.space 300, 0x90\nfar_label:\n");
    EXPECT_EQ(m.core().reg(kEbx), 55u);
    EXPECT_EQ(m.core().reg(kEdx), 2u);
    EXPECT_EQ(m.core().reg(kEcx), 3u);
}

TEST(ExecControl, CallRetIndirect) {
    Machine m;
    run32(m,
          "mov esi, 0\n"
          "call f1\n"
          "lea eax, f2\ncall eax\n"
          "mov dword ptr [0x7000], offset f1\ncall dword ptr [0x7000]\n"
          "push 0x11\npush 0x22\ncall f3\n"
          "lea eax, done\njmp eax\n"
          "f1: add esi, 1\nret\n"
          "f2: add esi, 0x10\nret\n"
          "f3: mov edx, [esp+4]\nret 8\n"
          "done: mov edi, esp\n");
    EXPECT_EQ(m.core().reg(kEsi), 0x12u);
    EXPECT_EQ(m.core().reg(kEdx), 0x22u);
    EXPECT_EQ(m.core().reg(kEdi), 0x80000u);  // RET 8 released the two arguments
}

TEST(ExecControl, RealModeFarAndInt) {
    Machine m;
    run16(m,
          "base: xor ax, ax\nmov ds, ax\n"
          "mov word ptr [0x80*4], int80 - base\nmov word ptr [0x80*4+2], 0x1000\n"
          "mov bx, 0\n"
          "int 0x80\n"               // handler adds 1 and IRETs
          "call 0x1000:farproc - base\n"
          "mov word ptr [0x600], farproc - base\nmov word ptr [0x602], 0x1000\n"
          "call dword ptr [0x600]\n"
          "ljmp 0x1000:after - base\n"
          "int80: add bx, 1\npushf\npop cx\niret\n"
          "farproc: add bx, 0x10\nretf\n"
          "after: pushf\npop dx\n");
    EXPECT_EQ(m.core().reg(kEbx) & 0xFFFF, 0x21u);
    EXPECT_EQ(m.core().reg(kEcx) & kIF, 0u);  // IF cleared inside the handler
    EXPECT_EQ(m.core().selector(kCs), 0x1000);
}

TEST(ExecControl, SoftwareInterruptHook) {
    Machine m;
    m.start32("mov eax, 5\nint 0x42\nadd eax, 1\nhlt\n");
    int calls = 0;
    m.cpu().config.on_software_interrupt = [&](X86Core& core, std::uint8_t vector) {
        ++calls;
        EXPECT_EQ(vector, 0x42);
        core.set_reg(kEax, core.reg(kEax) * 10);
        return true;
    };
    EXPECT_TRUE(m.run_to_hlt());
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(m.core().reg(kEax), 51u);
}

TEST(ExecControl, SegmentOverridesAndPrefixes) {
    Machine m;
    run16(m,
          "mov ax, 0x300\nmov es, ax\nmov ax, 0x400\nmov fs, ax\n"
          "mov dword ptr es:[0x10], 0xcafebabe\n"
          "mov eax, es:[0x10]\n"
          "mov fs:[0x20], eax\n"
          "mov ebx, 0x20\n"
          "addr32 mov cx, fs:[ebx+2]\n"
          "mov si, 0x10\n"
          "push es\npop ds\n"
          "lodsw\n");
    EXPECT_EQ(m.core().reg(kEax), 0xCAFEBABEu);
    EXPECT_EQ(m.core().reg(kEcx) & 0xFFFF, 0xCAFEu);
    EXPECT_EQ(*reinterpret_cast<std::uint32_t*>(m.ram() + 0x4020), 0xCAFEBABEu);
    EXPECT_EQ(m.core().reg(kEsi) & 0xFFFF, 0x12u);
}

TEST(ExecString, RepMovsStosScasCmps) {
    Machine m;
    for (int i = 0; i < 16; ++i) m.ram()[0x8000 + i] = static_cast<std::uint8_t>(i + 1);
    run32(m,
          "cld\nmov esi, 0x8000\nmov edi, 0x9000\nmov ecx, 4\nrep movsd\n"
          "mov edi, 0x9100\nmov eax, 0x41\nmov ecx, 7\nrep stosb\n"
          "mov edi, 0x9000\nmov al, 9\nmov ecx, 100\nrepne scasb\n"
          "mov ebx, ecx\nmov edx, edi\n");
    EXPECT_EQ(std::memcmp(m.ram() + 0x8000, m.ram() + 0x9000, 16), 0);
    EXPECT_EQ(m.ram()[0x9106], 0x41);
    EXPECT_EQ(m.ram()[0x9107], 0);
    EXPECT_EQ(m.core().reg(kEbx), 91u);
    EXPECT_EQ(m.core().reg(kEdx), 0x9009u);
    m.ram()[0x9005] = 0xEE;
    std::uint32_t f = run32(m,
                            "mov esi, 0x8000\nmov edi, 0x9000\nmov ecx, 16\nrepe cmpsb\n"
                            "mov ebx, ecx\n"
                            "std\nmov esi, 0x800c\nmov edi, 0x9200\nmov ecx, 4\nrep movsd\ncld\n");
    EXPECT_EQ(m.core().reg(kEbx), 10u);
    EXPECT_EQ(m.core().reg(kEsi), 0x7FFCu);
    EXPECT_EQ(m.ram()[0x9200], 13);
    EXPECT_EQ(m.ram()[0x91F4], 1);
    (void)f;
}

TEST(ExecString, LongRepResumesAcrossBatches) {
    Machine m;
    run32(m, "mov edi, 0x100000\nmov ecx, 100000\nmov al, 0x5a\nrep stosb\nmov ebx, ecx");
    EXPECT_EQ(m.core().reg(kEbx), 0u);
    EXPECT_EQ(m.core().reg(kEdi), 0x100000u + 100000u);
    EXPECT_EQ(m.ram()[0x100000 + 99999], 0x5A);
    EXPECT_EQ(m.ram()[0x100000 + 100000], 0);
}

TEST(ExecString, RealMode16BitAddressWrap) {
    Machine m;
    run16(m,
          "mov ax, 0x500\nmov es, ax\nmov di, 0xfffe\nmov ax, 0x1234\nmov cx, 2\nrep stosw\n");
    EXPECT_EQ(m.core().reg(kEdi) & 0xFFFF, 2u);
    EXPECT_EQ(m.ram()[0x5000 + 0xFFFE], 0x34);
    EXPECT_EQ(m.ram()[0x5000], 0x34);
}

TEST(ExecString, PortIo) {
    Machine m;
    m.port_read_value = 0x12345678;
    run32(m,
          "mov al, 0x42\nout 0x80, al\nmov dx, 0x3f8\nmov eax, 0xabcd\nout dx, ax\n"
          "in eax, dx\nmov ebx, eax\nin al, 0x60\n"
          "mov esi, 0xa000\nmov dword ptr [esi], 0x04030201\nmov ecx, 3\nrep outsb\n"
          "mov edi, 0xa100\nmov ecx, 2\nrep insw\n");
    ASSERT_EQ(m.port_writes.size(), 5u);
    EXPECT_EQ(m.port_writes[0].port, 0x80);
    EXPECT_EQ(m.port_writes[0].value, 0x42u);
    EXPECT_EQ(m.port_writes[1].value, 0xABCDu);
    EXPECT_EQ(m.port_writes[1].size, 2u);
    EXPECT_EQ(m.port_writes[4].value, 3u);
    EXPECT_EQ(m.core().reg(kEbx), 0x12345678u);
    EXPECT_EQ(m.core().reg(kEax), 0x12345678u);
    EXPECT_EQ(m.ram()[0xA102], 0x78);
    EXPECT_EQ(m.core().reg(kEdi), 0xA104u);
}

// Expected values from qemu-i386 (7.2) for the same instructions.
TEST(ExecShift, FlagsMatchQemu) {
    Machine m;
    std::uint32_t f = run32(m, "mov eax, 0x80000001\nmov cl, 3\nshl eax, cl");
    EXPECT_EQ(m.core().reg(kEax), 8u);
    EXPECT_EQ(f & kArithFlags, 0u);  // CF = the last bit out (bit 29), OF = 0
    f = run32(m, "mov al, 0x81\nrol al, 1");
    EXPECT_EQ(m.core().reg(kEax) & 0xFF, 0x03u);
    EXPECT_EQ(f & (kCF | kOF), kCF | kOF);
    f = run32(m, "clc\nmov al, 0x80\nrcl al, 9");  // 9 mod 9 = 0: nothing changes
    EXPECT_EQ(m.core().reg(kEax) & 0xFF, 0x80u);
    EXPECT_EQ(f & kCF, 0u);
    f = run32(m, "stc\nmov ax, 0x8001\nrcr ax, 1");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 0xC000u);
    EXPECT_EQ(f & (kCF | kOF), kCF);
    f = run32(m, "mov eax, 0xf0000000\nsar eax, 4");
    EXPECT_EQ(m.core().reg(kEax), 0xFF000000u);
    EXPECT_EQ(f & kArithFlags, kSF | kPF);
    f = run32(m, "mov eax, 0x12345678\nmov ebx, 0x9abcdef0\nshld eax, ebx, 8\nmov ecx, 0x11112222\nshrd ecx, ebx, 4");
    EXPECT_EQ(m.core().reg(kEax), 0x3456789Au);
    EXPECT_EQ(m.core().reg(kEcx), 0x01111222u);
    f = run32(m, "mov ax, 0x1234\nmov bx, 0x5678\nmov cl, 20\nshld ax, bx, cl");
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 0x6781u);
}

}  // namespace
}  // namespace emu::x86

namespace emu::x86 {
namespace {

// A fault in the middle of REP STOSB leaves ECX/EDI at the faulting iteration (here #GP at the
// real-mode 64 KiB limit, taken through the IVT) with the saved IP on the REP instruction.
TEST(ExecString, FaultMidRepKeepsProgress) {
    Machine m;
    m.start16(
        "base: xor ax, ax\nmov ds, ax\n"
        "mov word ptr [13*4], gp - base\nmov word ptr [13*4+2], 0x1000\n"
        "mov ax, 0x3000\nmov es, ax\n"
        "mov edi, 0xfffd\nmov ecx, 6\nmov al, 0x77\n"
        "rep: addr32 rep stosb\n"
        "hlt\n"
        "gp: mov bp, sp\nmov si, [bp]\nhlt\n");
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEcx), 3u);
    EXPECT_EQ(m.core().reg(kEdi), 0x10000u);
    EXPECT_EQ(m.ram()[0x3FFFF], 0x77);
    EXPECT_EQ(m.ram()[0x10000 + (m.core().reg(kEsi) & 0xFFFF)], 0x67);  // saved IP: the prefixes
}

TEST(ExecControl, InterruptShadowAndHalt) {
    Machine m;
    m.start16("mov ax, 0\nmov ss, ax\nnop\nsti\nnop\ncli\nsti\nhlt\nnop\n");
    m.core().run(2);
    EXPECT_TRUE(m.cpu().interrupt_shadow);  // after MOV SS
    m.core().run(2);
    EXPECT_TRUE(m.cpu().interrupt_shadow);  // after STI with IF clear
    m.core().run(3);
    EXPECT_TRUE(m.cpu().interrupt_shadow);
    EXPECT_EQ(m.core().run(10), StopReason::Halted);
    EXPECT_TRUE(m.cpu().halted);
    EXPECT_EQ(m.ram()[0x10000 + m.core().eip() - 1], 0xF4);  // EIP is past the HLT
}

}  // namespace
}  // namespace emu::x86

namespace emu::x86 {
namespace {

// REP MOVS/STOS over RAM run in page-sized blocks; the results must equal element-by-element
// execution: page crossings, overlapping forward copies (a pattern fill), DF = 1.
TEST(ExecString, BlockCopiesMatchElementOrder) {
    Machine m;
    for (unsigned i = 0; i < 20000; ++i) m.ram()[0x20000 + i] = static_cast<std::uint8_t>(i * 7 + 3);
    run32(m,
          "cld\nmov esi, 0x20103\nmov edi, 0x40ffd\nmov ecx, 3001\nrep movsd\n"
          "mov ebx, esi\nmov edx, edi\n"
          "mov byte ptr [0x50000], 0x5a\nmov esi, 0x50000\nmov edi, 0x50001\nmov ecx, 5000\nrep movsb\n"
          "mov eax, 0x11223344\nmov edi, 0x60002\nmov ecx, 2000\nrep stosw\n"
          "std\nmov esi, 0x20ffe\nmov edi, 0x70ffe\nmov ecx, 1500\nrep movsw\ncld\n");
    EXPECT_EQ(std::memcmp(m.ram() + 0x20103, m.ram() + 0x40FFD, 3001 * 4), 0);
    EXPECT_EQ(m.core().reg(kEbx), 0x20103u + 12004u);
    EXPECT_EQ(m.core().reg(kEdx), 0x40FFDu + 12004u);
    for (unsigned i = 0; i <= 5000; ++i) ASSERT_EQ(m.ram()[0x50000 + i], 0x5A) << i;
    for (unsigned i = 0; i < 2000; ++i) {
        ASSERT_EQ(m.ram()[0x60002 + 2 * i], 0x44) << i;
        ASSERT_EQ(m.ram()[0x60003 + 2 * i], 0x33) << i;
    }
    EXPECT_EQ(m.ram()[0x60002 + 4000], 0);
    EXPECT_EQ(std::memcmp(m.ram() + 0x20FFE - 2998, m.ram() + 0x70FFE - 2998, 3000), 0);
}

}  // namespace
}  // namespace emu::x86
