// Integer unit in 64-bit mode: REX prefixes and registers 8-15, the byte registers SPL-DIL,
// 64-bit operands (ALU, shifts, multiply/divide, bit operations, moves, stack, strings),
// RIP-relative and 64-bit addressing, zero-extension of 32-bit results, the opcodes that are
// invalid or different in 64-bit mode, and the decoded-block cache across modes.
#include <gtest/gtest.h>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;
using test::run64;

constexpr std::uint32_t kArith = kArithFlags;

std::uint64_t r(Machine& m, unsigned n) { return m.cpu().gpr[n]; }

std::uint64_t mem64(Machine& m, std::uint32_t a) {
    std::uint64_t v;
    __builtin_memcpy(&v, m.ram() + a, 8);
    return v;
}

TEST(ExecLong, RexRegistersAndZeroExtension) {
    Machine m;
    run64(m, R"(
        mov r8, -1
        mov r8d, 0x12345678
        mov r9, -1
        mov r9w, 0x1234
        mov r10, -1
        mov r10b, 0x56
        mov r11, 0x1122334455667788
        add r11d, 1
        mov rax, -1
        xor eax, eax
        mov r15, 0x8000000000000000
        mov r14, r15
        mov rbx, -1
        mov ebx, ebx
    )");
    EXPECT_EQ(r(m, 8), 0x12345678u);
    EXPECT_EQ(r(m, 9), 0xFFFFFFFFFFFF1234ull);
    EXPECT_EQ(r(m, 10), 0xFFFFFFFFFFFFFF56ull);
    EXPECT_EQ(r(m, 11), 0x55667789u);
    EXPECT_EQ(r(m, kEax), 0u);
    EXPECT_EQ(r(m, 14), 0x8000000000000000ull);
    EXPECT_EQ(r(m, kEbx), 0xFFFFFFFFu);
}

TEST(ExecLong, ByteRegistersWithRex) {
    Machine m;
    run64(m, R"(
        mov rsp, 0x80000
        mov rbp, 0x1000
        mov rsi, 0x2000
        mov rdi, 0x3000
        mov rax, 0
        mov spl, 0x10
        mov bpl, 0x11
        mov sil, 0x12
        mov dil, 0x13
        mov ah, 0x77
        mov r12b, 0x99
        mov cl, sil
        add cl, dil
        mov dl, 0x40
        xchg dl, bpl
        setz r13b
        sete sil
        movzx ebx, dil
    )");
    EXPECT_EQ(r(m, kEsp), 0x80010u);
    EXPECT_EQ(r(m, kEbp), 0x1040u);
    EXPECT_EQ(r(m, kEsi), 0x2000u);  // SETE SIL (ZF clear after ADD)
    EXPECT_EQ(r(m, kEdi), 0x3013u);
    EXPECT_EQ(r(m, kEax), 0x7700u);
    EXPECT_EQ(r(m, 12) & 0xFF, 0x99u);
    EXPECT_EQ(r(m, kEcx) & 0xFF, 0x25u);
    EXPECT_EQ(r(m, kEdx) & 0xFF, 0x11u);
    EXPECT_EQ(r(m, kEbx), 0x13u);
}

TEST(ExecLong, ImmediatesAndMoffs) {
    Machine m;
    run64(m, R"(
        movabs rax, 0x123456789abcdef0
        mov rbx, -2
        mov rcx, 0x7fffffff
        add rcx, 1
        mov qword ptr [0x20000], -3
        mov rdx, [0x20000]
        movabs [0x20008], rax
        movabs eax, [0x20008]
        mov rsi, 0
        push -5
        pop rsi
        and rdi, 0
        or rdi, -8
        test rdi, -0x80000000
    )");
    EXPECT_EQ(r(m, kEax), 0x9abcdef0u);
    EXPECT_EQ(r(m, kEbx), 0xFFFFFFFFFFFFFFFEull);
    EXPECT_EQ(r(m, kEcx), 0x80000000u);
    EXPECT_EQ(r(m, kEdx), 0xFFFFFFFFFFFFFFFDull);
    EXPECT_EQ(mem64(m, 0x20008), 0x123456789abcdef0ull);
    EXPECT_EQ(r(m, kEsi), 0xFFFFFFFFFFFFFFFBull);
    EXPECT_EQ(r(m, kEdi), 0xFFFFFFFFFFFFFFF8ull);
    EXPECT_EQ(r(m, kEsp), 0x80000u);
}

TEST(ExecLong, Addressing) {
    Machine m;
    run64(m, R"(
        lea rax, [rip + data]
        mov rbx, [rip + data]
        mov r12, 0x20000
        mov r13, 0x20000
        mov r14, 2
        mov qword ptr [r12], 0x11
        mov qword ptr [r13 + 8], 0x22
        mov qword ptr [r12 + r14*8], 0x33
        mov rcx, [r13 + r14*8]
        add rcx, [r12 + 8]
        mov r15, -8
        mov rdx, [r12 + r15 + 16]
        lea esi, [r15 + 4]
        lea edi, [eax + 1]
        lea r8, [r15*2 + 0]
        hlt
    data:
        .quad 0x0123456789abcdef
    )");
    const std::uint64_t data = 0x10000 + (r(m, kEax) - 0x10000);
    EXPECT_EQ(r(m, kEbx), 0x0123456789abcdefull);
    EXPECT_EQ(mem64(m, static_cast<std::uint32_t>(data)), 0x0123456789abcdefull);
    EXPECT_EQ(r(m, kEcx), 0x55u);
    EXPECT_EQ(r(m, kEdx), 0x22u);
    EXPECT_EQ(r(m, kEsi), 0xFFFFFFFCu);
    EXPECT_EQ(r(m, kEdi), (r(m, kEax) + 1) & 0xFFFFFFFF);
    EXPECT_EQ(r(m, 8), 0xFFFFFFFFFFFFFFF0ull);
}

// RIP-relative operands count from the end of the instruction, immediates included (x86diff64
// found SHLD/SHRD m, r, imm8 one byte off).
TEST(ExecLong, RipRelativeBehindAnImmediate) {
    Machine m;
    run64(m, R"(
        mov rbx, -1
        shrd qword ptr [rip + d1], rbx, 4
        shld dword ptr [rip + d2], ebx, 8
        shld word ptr [rip + d3], bx, 4
        add byte ptr [rip + d4], 0xff
        inc r13d
        mov esi, -1
        shrd dword ptr [rip + d4], esi, 0xf
        mov rax, [rip + d1]
        mov ecx, [rip + d2]
        movzx edx, word ptr [rip + d3]
        jmp 1f
        d1: .quad 0x10
        d2: .long 0x10
        d3: .word 0x10
        d4: .long 0x10
        1:
        mov r8d, [rip + d4])");
    EXPECT_EQ(r(m, kEax), 0xF000000000000001ull);
    EXPECT_EQ(r(m, kEcx), 0x10FFu);
    EXPECT_EQ(r(m, kEdx), 0x10Fu);
    EXPECT_EQ(r(m, 8), 0xFFFE0000u);
}

TEST(ExecLong, AluFlags64) {
    Machine m;
    std::uint32_t f = run64(m, "mov rax, 0x7fffffffffffffff\nadd rax, 1");
    EXPECT_EQ(r(m, kEax), 0x8000000000000000ull);
    EXPECT_EQ(f & kArith, kOF | kSF | kAF | kPF);
    f = run64(m, "mov rax, -1\nadd rax, 1");
    EXPECT_EQ(r(m, kEax), 0u);
    EXPECT_EQ(f & kArith, kCF | kZF | kAF | kPF);
    f = run64(m, "stc\nmov rax, -1\nmov rbx, -1\nadc rax, rbx");
    EXPECT_EQ(r(m, kEax), 0xFFFFFFFFFFFFFFFFull);
    EXPECT_EQ(f & kArith, kCF | kSF | kAF | kPF);
    f = run64(m, "stc\nmov rax, 0\nsbb rax, 0");
    EXPECT_EQ(r(m, kEax), ~0ull);
    EXPECT_EQ(f & kArith, kCF | kSF | kAF | kPF);
    f = run64(m, "mov rax, 1\nneg rax");
    EXPECT_EQ(r(m, kEax), ~0ull);
    EXPECT_EQ(f & kArith, kCF | kSF | kAF | kPF);
    f = run64(m, "mov rax, 0x100000000\ncmp rax, -1");  // imm32 sign-extended
    EXPECT_EQ(f & kArith, kCF | kAF);
    f = run64(m, "mov rcx, 0x7fffffffffffffff\ninc rcx\nnot rcx");
    EXPECT_EQ(r(m, kEcx), 0x7fffffffffffffffull);
    EXPECT_EQ(f & kArith, kOF | kSF | kAF | kPF);
    f = run64(m, "mov eax, 0xffffffff\nadd eax, 1");  // 32-bit carry out, zero-extended
    EXPECT_EQ(r(m, kEax), 0u);
    EXPECT_EQ(f & kArith, kCF | kZF | kAF | kPF);
}

TEST(ExecLong, Shifts64) {
    Machine m;
    std::uint32_t f = run64(m, "mov rax, 3\nshl rax, 63");
    EXPECT_EQ(r(m, kEax), 0x8000000000000000ull);
    EXPECT_EQ(f & kCF, kCF);
    run64(m, "mov rax, 0x8000000000000000\nsar rax, 60\nmov rbx, 0x8000000000000000\nshr rbx, 60\n"
             "mov rcx, 0x8000000000000001\nrol rcx, 4\nmov rdx, 0x8000000000000001\nror rdx, 4\n"
             "mov rsi, 1\nmov cl, 64\nshl rsi, cl\nmov rdi, 1\nshl edi, 32");
    EXPECT_EQ(r(m, kEax), 0xFFFFFFFFFFFFFFF8ull);
    EXPECT_EQ(r(m, kEbx), 8u);
    EXPECT_EQ(r(m, kEdx), 0x1800000000000000ull);
    EXPECT_EQ(r(m, kEsi), 1u);  // count masked to 6 bits: 0
    EXPECT_EQ(r(m, kEdi), 1u);  // count masked to 5 bits: 0
    f = run64(m, "stc\nmov rax, 0x8000000000000000\nrcl rax, 1");
    EXPECT_EQ(r(m, kEax), 1u);
    EXPECT_EQ(f & (kCF | kOF), kCF | kOF);
    f = run64(m, "clc\nmov rax, 1\nrcr rax, 1");
    EXPECT_EQ(r(m, kEax), 0u);
    EXPECT_EQ(f & kCF, kCF);
    run64(m, "mov rax, 0x1234567800000000\nmov rbx, 0xabcdef0000000000\nshld rax, rbx, 8\n"
             "mov rcx, 0x00000000000000ff\nmov rdx, 0x0102030405060708\nshrd rcx, rdx, 8");
    EXPECT_EQ(r(m, kEax), 0x34567800000000abull);
    EXPECT_EQ(r(m, kEcx), 0x0800000000000000ull);
}

TEST(ExecLong, MultiplyDivide128) {
    Machine m;
    std::uint32_t f = run64(m, "mov rax, 0x100000000\nmov rbx, 0x100000001\nmul rbx");
    EXPECT_EQ(r(m, kEax), 0x100000000ull);
    EXPECT_EQ(r(m, kEdx), 1u);
    EXPECT_EQ(f & (kCF | kOF), kCF | kOF);
    run64(m, "mov rax, -3\nmov rcx, 5\nimul rcx\nmov rsi, rax\nmov rdi, rdx");
    EXPECT_EQ(r(m, kEsi), static_cast<std::uint64_t>(-15));
    EXPECT_EQ(r(m, kEdi), ~0ull);
    f = run64(m, "mov rax, 0x4000000000000000\nimul rax, rax, 4");
    EXPECT_EQ(r(m, kEax), 0u);
    EXPECT_EQ(f & (kCF | kOF), kCF | kOF);
    run64(m, "mov rbx, -7\nimul rbx, rbx\nmov rcx, 3\nimul rcx, [rip + k], -2\njmp 1f\nk: .quad 11\n1:");
    EXPECT_EQ(r(m, kEbx), 49u);
    EXPECT_EQ(r(m, kEcx), static_cast<std::uint64_t>(-22));
    run64(m, "mov rdx, 1\nmov rax, 5\nmov rbx, 0x10\ndiv rbx\nmov r8, rax\nmov r9, rdx\n"
             "mov rax, -100\ncqo\nmov rbx, 7\nidiv rbx");
    EXPECT_EQ(r(m, 8), 0x1000000000000000ull);
    EXPECT_EQ(r(m, 9), 5u);
    EXPECT_EQ(r(m, kEax), static_cast<std::uint64_t>(-14));
    EXPECT_EQ(r(m, kEdx), static_cast<std::uint64_t>(-2));
    run64(m, "mov rdx, 0xffffffff00000000\nmov eax, 7\nmov ecx, 2\ndiv ecx");  // EDX:EAX; zero-extends
    EXPECT_EQ(r(m, kEdx), 1u);
}

TEST(ExecLong, BitOperations) {
    Machine m;
    std::uint32_t f = run64(m, R"(
        mov qword ptr [0x20000], 0
        mov qword ptr [0x20008], 0
        mov rbx, 0x20000
        mov rcx, 100
        bts [rbx], rcx
        mov rax, 0x8000000000000000
        bsr rdx, rax
        bsf rsi, rax
        mov rdi, 0x0102030405060708
        bswap rdi
        mov r9, 0x1122334455667788
        bswap r9d
        bt rax, 63
    )");
    EXPECT_EQ(mem64(m, 0x20008), 1ull << 36);
    EXPECT_EQ(r(m, kEdx), 63u);
    EXPECT_EQ(r(m, kEsi), 63u);
    EXPECT_EQ(r(m, kEdi), 0x0807060504030201ull);
    EXPECT_EQ(r(m, 9), 0x88776655u);
    EXPECT_EQ(f & kCF, kCF);
}

TEST(ExecLong, ConditionalMovesAndExchanges) {
    Machine m;
    run64(m, R"(
        mov rax, -1
        mov rbx, 5
        cmp rbx, 5
        cmovne eax, ebx
        mov rcx, -1
        cmove rcx, rbx
        mov qword ptr [0x20000], 10
        mov rdx, 3
        lock xadd [0x20000], rdx
        mov rsi, 13
        mov r10, 99
        mov rax, 13
        cmpxchg [0x20000], r10
        mov r11, 0x7777
        xchg r11, [0x20000]
        mov r8, 1
        mov rax, 2
        .byte 0x49, 0x90
    )");
    EXPECT_EQ(r(m, kEcx), 5u);
    EXPECT_EQ(r(m, kEdx), 10u);
    EXPECT_EQ(r(m, 11), 99u);
    EXPECT_EQ(mem64(m, 0x20000), 0x7777u);
    EXPECT_EQ(r(m, 8), 2u);  // 49 90 is XCHG R8, RAX, not NOP
    EXPECT_EQ(r(m, kEax), 1u);
    run64(m, "mov rax, -1\nxor ebx, ebx\ncmp ebx, 1\ncmove eax, ebx");  // not moved, still zero-extended
    EXPECT_EQ(r(m, kEax), 0xFFFFFFFFu);
}

TEST(ExecLong, Cmpxchg16b) {
    Machine m;
    std::uint32_t f = run64(m, R"(
        mov qword ptr [0x20010], 1
        mov qword ptr [0x20018], 2
        mov rax, 1
        mov rdx, 2
        mov rbx, 3
        mov rcx, 4
        cmpxchg16b [0x20010]
    )");
    EXPECT_EQ(f & kZF, kZF);
    EXPECT_EQ(mem64(m, 0x20010), 3u);
    EXPECT_EQ(mem64(m, 0x20018), 4u);
    f = run64(m, "mov qword ptr [0x20010], 5\nmov qword ptr [0x20018], 6\nxor eax, eax\nxor edx, edx\n"
                 "cmpxchg16b [0x20010]");
    EXPECT_EQ(f & kZF, 0u);
    EXPECT_EQ(r(m, kEax), 5u);
    EXPECT_EQ(r(m, kEdx), 6u);
}

TEST(ExecLong, SignAndZeroExtension) {
    Machine m;
    run64(m, R"(
        mov rax, -1
        mov al, 0x80
        movsx rbx, al
        movzx rcx, al
        mov word ptr [0x20000], 0x8001
        movsx rdx, word ptr [0x20000]
        mov dword ptr [0x20004], 0x80000000
        movsxd rsi, dword ptr [0x20004]
        mov edi, 0xffffffff
        movsxd rdi, edi
        mov r8d, 0x8000
        mov eax, r8d
        cwde
        mov r9, rax
        mov eax, 0x80000000
        cdqe
        mov r10, rax
        cqo
    )");
    EXPECT_EQ(r(m, kEbx), 0xFFFFFFFFFFFFFF80ull);
    EXPECT_EQ(r(m, kEcx), 0x80u);
    EXPECT_EQ(r(m, kEdx), ~0ull);
    EXPECT_EQ(r(m, kEsi), 0xFFFFFFFF80000000ull);
    EXPECT_EQ(r(m, kEdi), ~0ull);
    EXPECT_EQ(r(m, 9), 0xFFFF8000u);
    EXPECT_EQ(r(m, 10), 0xFFFFFFFF80000000ull);
}

TEST(ExecLong, StackAndCalls) {
    Machine m;
    run64(m, R"(
        mov rax, 0x1122334455667788
        push rax
        pop rbx
        push r12
        pushfq
        popfq
        pop r12
        mov rcx, rsp
        push 0x1234
        .byte 0x66
        push 0x55
        mov rdx, rsp
        add rsp, 10
        call f
        lea r8, [rip + g]
        call r8
        push rbp
        mov rbp, rsp
        enter 16, 0
        leave
        pop rbp
        jmp done
    f:  mov rsi, [rsp]
        ret
    g:  mov rdi, 42
        ret 0
    done:
    )");
    EXPECT_EQ(r(m, kEbx), 0x1122334455667788ull);
    EXPECT_EQ(r(m, kEcx), 0x80000u);
    EXPECT_EQ(r(m, kEdx), 0x80000u - 10);
    EXPECT_EQ(r(m, kEdi), 42u);
    EXPECT_EQ(r(m, kEsp), 0x80000u);
    EXPECT_GT(r(m, kEsi), 0x10000u);
}

TEST(ExecLong, Strings) {
    Machine m;
    run64(m, R"(
        mov rdi, 0x20000
        mov rcx, 0x100
        mov rax, 0x0102030405060708
        rep stosq
        mov rsi, 0x20000
        mov rdi, 0x30000
        mov rcx, 0x20
        rep movsq
        mov r8, rdi
        mov r9, rsi
        mov rsi, 0x30008
        lodsq
        mov rdi, 0x20000
        mov rcx, -1
        mov al, 0x05
        repne scasb
        mov r10, rcx
        mov r11, rdi
        mov esi, 0x30000
        mov edi, 0x20000
        mov ecx, 4
        .byte 0x67
        repe cmpsd
    )");
    EXPECT_EQ(mem64(m, 0x207F8), 0x0102030405060708ull);
    EXPECT_EQ(mem64(m, 0x300F8), 0x0102030405060708ull);
    EXPECT_EQ(mem64(m, 0x30100), 0u);
    EXPECT_EQ(r(m, 8), 0x30100u);
    EXPECT_EQ(r(m, 9), 0x20100u);
    EXPECT_EQ(r(m, 10), ~0ull - 4);  // stopped after the 4th byte
    EXPECT_EQ(r(m, 11), 0x20004u);
    EXPECT_EQ(r(m, kEcx), 0u);
    EXPECT_EQ(r(m, kEsi), 0x30010u);
}

// Long REP MOVS/STOS take the page-at-a-time block path; it must follow RSI/RDI/RCX exactly.
TEST(ExecLong, LongRepStrings) {
    Machine m;
    run64(m, R"(
        mov rdi, 0x40000
        mov ecx, 0x1000
        xor eax, eax
    1:  mov [rdi + rax*8], rax
        inc eax
        loop 1b
        mov rsi, 0x40000
        mov rdi, 0x50004
        mov rcx, 0x1000
        rep movsq
        mov r8, rsi
        mov r9, rdi
        std
        mov rsi, 0x47ff8
        mov rdi, 0x68ff8
        mov rcx, 0x1000
        rep movsq
        cld
        mov r10, rsi
        mov r11, rdi
        mov rdi, 0x70001
        mov rcx, 0x3001
        mov al, 0x5a
        rep stosb
    )");
    EXPECT_EQ(r(m, 8), 0x48000u);
    EXPECT_EQ(r(m, 9), 0x58004u);
    EXPECT_EQ(r(m, 10), 0x3fff8u);
    EXPECT_EQ(r(m, 11), 0x60ff8u);
    EXPECT_EQ(r(m, kEdi), 0x73002u);
    EXPECT_EQ(r(m, kEcx), 0u);
    std::uint64_t v;
    __builtin_memcpy(&v, m.ram() + 0x50004 + 0xABC * 8, 8);
    EXPECT_EQ(v, 0xABCu);
    EXPECT_EQ(mem64(m, 0x61000 + 0x123 * 8), 0x123u);
    EXPECT_EQ(m.ram()[0x73001], 0x5Au);
    EXPECT_EQ(m.ram()[0x73002], 0u);
    EXPECT_EQ(m.ram()[0x70000], 0u);
}

TEST(ExecLong, LoopsAndJumps) {
    Machine m;
    run64(m, R"(
        mov rcx, 0x100000000
        xor edx, edx
        jrcxz 2f
        mov edx, 1
    2:  .byte 0x67
        jecxz 3f
        mov edx, 2
    3:  lea rsi, [rip + table]
        jmp [rsi + 8]
        mov edx, 3
    table:
        .quad 0, t1
    t1: mov rdi, 0x20000
        mov byte ptr [rdi + 5], 0x42
        mov rbx, rdi
        mov al, 5
        xlatb
    )");
    EXPECT_EQ(r(m, kEax) & 0xFF, 0x42u);
    EXPECT_EQ(r(m, kEdx), 1u);
}

TEST(ExecLong, LoopCountsAllOfRcx) {
    Machine m;
    // 0x100000001 - 1 is not zero as a 64-bit count (it would be as ECX).
    run64(m, "mov rcx, 0x100000001\nxor eax, eax\nloop 1f\nmov eax, 1\n1: mov rbx, 0x100000001\n"
             "mov rcx, rbx\n.byte 0x67\nloop 2f\nmov eax, 2\n2:");
    EXPECT_EQ(r(m, kEax), 2u);
    EXPECT_EQ(r(m, kEcx), 0u);  // LOOP with a 32-bit address size writes ECX (zero-extended)
}

// An IDT (at 0x21000) whose #DE, #UD, #SS and #GP handlers record the vector in R14, the saved
// RIP in R15 (and an error code in R13) and halt. R14 is -1 until a handler runs.
const char* const kFaultIdt = R"(
        jmp idt_setup
    set_gate:  # rdi = vector, rax = handler
        shl rdi, 4
        add rdi, 0x21000
        mov word ptr [rdi], ax
        mov word ptr [rdi + 2], 0x10
        mov word ptr [rdi + 4], 0x8E00
        shr rax, 16
        mov word ptr [rdi + 6], ax
        shr rax, 16
        mov dword ptr [rdi + 8], eax
        mov dword ptr [rdi + 12], 0
        ret
    de_handler:
        mov r14, 0
        mov r15, [rsp]
        hlt
    ud_handler:
        mov r14, 6
        mov r15, [rsp]
        hlt
    ss_handler:
        mov r14, 12
        mov r13, [rsp]
        mov r15, [rsp + 8]
        hlt
    gp_handler:
        mov r14, 13
        mov r13, [rsp]
        mov r15, [rsp + 8]
        hlt
    idt_setup:
        lea rax, [rip + de_handler]
        mov edi, 0
        call set_gate
        lea rax, [rip + ud_handler]
        mov edi, 6
        call set_gate
        lea rax, [rip + ss_handler]
        mov edi, 12
        call set_gate
        lea rax, [rip + gp_handler]
        mov edi, 13
        call set_gate
        mov word ptr [0x22000], 0xFFF
        mov qword ptr [0x22002], 0x21000
        lidt [0x22000]
        mov r14, -1
        mov r13, -1
)";

// Runs code after kFaultIdt; the code marks the instruction expected to fault with the label
// "fault" and its address ends up in R12.
void run_fault(Machine& m, const std::string& code) {
    m.start64(std::string(kFaultIdt) + "lea r12, [rip + fault]\n" + code + "\nmov r14, 99\nhlt\n");
    ASSERT_TRUE(m.run_to_hlt());
}

TEST(ExecLong, FaultsInSixtyFourBitMode) {
    Machine m;
    // A non-canonical data address: #GP(0), nothing changed, RIP of the instruction.
    run_fault(m, "mov rax, 0x0000800000000000\nmov rbx, 7\nfault: mov rbx, [rax]");
    EXPECT_EQ(r(m, 14), 13u);
    EXPECT_EQ(r(m, 13), 0u);
    EXPECT_EQ(r(m, 15), r(m, 12));
    EXPECT_EQ(r(m, kEbx), 7u);
    // The same through RBP/RSP: #SS(0).
    run_fault(m, "mov rbp, 0xffff7fff00000000\nfault: mov rbx, [rbp + 8]");
    EXPECT_EQ(r(m, 14), 12u);
    EXPECT_EQ(r(m, 15), r(m, 12));
    // A near jump to a non-canonical target faults on the jump.
    run_fault(m, "mov rax, 0x0001000000000000\nfault: jmp rax");
    EXPECT_EQ(r(m, 14), 13u);
    EXPECT_EQ(r(m, 15), r(m, 12));
    // 128/64 division overflow and divide by zero: #DE.
    run_fault(m, "mov rdx, 1\nxor eax, eax\nmov rcx, 1\nfault: div rcx");
    EXPECT_EQ(r(m, 14), 0u);
    EXPECT_EQ(r(m, 15), r(m, 12));
    run_fault(m, "xor edx, edx\nmov rax, 0x8000000000000000\ncqo\nmov rcx, -1\nfault: idiv rcx");
    EXPECT_EQ(r(m, 14), 0u);
    // CMPXCHG16B needs a 16-byte aligned operand.
    run_fault(m, "fault: cmpxchg16b [0x20008]");
    EXPECT_EQ(r(m, 14), 13u);
    EXPECT_EQ(r(m, 15), r(m, 12));
    // Nothing faults: R14 = 99.
    run_fault(m, "fault: mov rax, 0x00007fffffffffff\nmov rbx, 0xffff800000000000\nlea rcx, [rax + 1]");
    EXPECT_EQ(r(m, 14), 99u);
}

TEST(ExecLong, IretqAndFarReturn) {
    Machine m;
    run64(m, R"(
        mov rbx, rsp
        mov eax, ss
        push rax
        push rbx
        pushfq
        or qword ptr [rsp], 0x1   # CF after IRETQ
        mov eax, cs
        push rax
        lea rax, [rip + after]
        push rax
        iretq
        mov rdi, 1
    after:
        setc dl
        mov rsi, rsp
        lea rax, [rip + back]
        mov ecx, cs
        push rcx
        push rax
        rex.w retf
        mov rdi, 2
    back:
    )");
    EXPECT_EQ(r(m, kEdx) & 0xFF, 1u);
    EXPECT_EQ(r(m, kEsi), 0x80000u);
    EXPECT_EQ(r(m, kEsp), 0x80000u);
    EXPECT_EQ(r(m, kEdi), 0u);
}

TEST(ExecLong, FsGsBases) {
    Machine m;
    run64(m, R"(
        mov qword ptr [0x20008], 0x1111
        mov qword ptr [0x30000], 0x2222
        mov qword ptr [0x40010], 0x3333
        mov ecx, 0xC0000100       # FS_BASE
        mov eax, 0x20000
        xor edx, edx
        wrmsr
        mov r8, fs:[8]
        mov ecx, 0xC0000101       # GS_BASE
        mov eax, 0x30000
        wrmsr
        mov ecx, 0xC0000102       # KERNEL_GS_BASE
        mov eax, 0x40000
        wrmsr
        mov rbx, gs:[0]
        swapgs
        mov rsi, 0x10
        mov rcx, gs:[rsi]
        mov rdx, ds:[0x20008]     # DS has base 0 whatever its descriptor says
        mov qword ptr fs:[0x100], 0x4444
    )");
    EXPECT_EQ(r(m, 8), 0x1111u);
    EXPECT_EQ(r(m, kEbx), 0x2222u);
    EXPECT_EQ(r(m, kEcx), 0x3333u);
    EXPECT_EQ(r(m, kEdx), 0x1111u);
    EXPECT_EQ(mem64(m, 0x20100), 0x4444u);
}

TEST(ExecLong, InvalidOpcodesRaiseUd) {
    for (const char* insn : {".byte 0x06", ".byte 0x27", ".byte 0x60", ".byte 0x62, 0xC0", ".byte 0xD4, 0x0A",
                             ".byte 0xD6", ".byte 0xCE", ".byte 0xEA, 0,0,0,0, 0x10,0", ".byte 0x0F, 0x01, 0xF9"}) {
        Machine m;
        run_fault(m, std::string("fault: ") + insn);
        EXPECT_EQ(r(m, 14), 6u) << insn;
        EXPECT_EQ(r(m, 15), r(m, 12)) << insn;
    }
}

TEST(ExecLong, RexOnlyCountsBeforeTheOpcode) {
    Machine m;
    // 48 66 89 C3: a 66 after REX cancels it: MOV BX, AX.
    run64(m, "mov rax, 0x1122334455667788\nmov rbx, -1\n.byte 0x48, 0x66, 0x89, 0xC3");
    EXPECT_EQ(r(m, kEbx), 0xFFFFFFFFFFFF7788ull);
    // 66 48 89 C3: REX.W wins over 66: MOV RBX, RAX.
    run64(m, "mov rax, 0x1122334455667788\nmov rbx, -1\n.byte 0x66, 0x48, 0x89, 0xC3");
    EXPECT_EQ(r(m, kEbx), 0x1122334455667788ull);
    // 41 41 B0 05: the last REX counts (MOV R8B, 5).
    run64(m, "mov r8, -1\nmov rax, 0\n.byte 0x41, 0x41, 0xB0, 0x05");
    EXPECT_EQ(r(m, 8), 0xFFFFFFFFFFFFFF05ull);
}

// LTR in long mode reads a 16-byte TSS descriptor (base bits 63:32 in the upper half).
TEST(ExecLong, LtrReadsSixteenByteDescriptor) {
    Machine m;
    run64(m, R"(
        mov rsi, 0
        mov rdi, 0x23000
        mov ecx, 0x50
        rep movsb
        mov rax, 0x0000890050000067
        mov [0x23050], rax
        mov qword ptr [0x23058], 0x12345678
        mov word ptr [0x22000], 0x5F
        mov qword ptr [0x22002], 0x23000
        lgdt [0x22000]
        mov ax, 0x50
        ltr ax
        str bx
    )");
    EXPECT_EQ(m.cpu().tr.base, 0x1234567800005000ull);
    EXPECT_EQ(m.cpu().tr.selector, 0x50u);
    EXPECT_EQ(r(m, kEbx) & 0xFFFF, 0x50u);
    EXPECT_EQ(m.ram()[0x23055], 0x8Bu);  // marked busy
}

// The same bytes run as 64-bit and as 32-bit (compatibility mode) code: the decoded-block cache
// must not hand one mode's decoding to the other. 48 83 C0 01 is ADD RAX, 1 in 64-bit mode and
// DEC EAX; ADD EAX, 1 in 32-bit code.
TEST(ExecLong, BlockCacheKeysOnSixtyFourBitMode) {
    Machine m;
    run64(m, R"(
        mov rax, 10
        call shared
        call shared
        mov rbx, rax
        lea rcx, [rip + compat]
        mov dword ptr [0x22000], ecx
        mov word ptr [0x22004], 0x08
        call fword ptr [0x22000]
        jmp done
    shared:
        .byte 0x48, 0x83, 0xC0, 0x01
        ret
    compat:
        .code32
        call shared
        retf
        .code64
    done:
    )");
    EXPECT_EQ(r(m, kEbx), 12u);
    EXPECT_EQ(r(m, kEax), 12u);
}

}  // namespace
}  // namespace emu::x86
