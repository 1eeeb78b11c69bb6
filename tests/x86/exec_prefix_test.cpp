// Integer unit: operand- and address-size prefixes. The same source assembled as 16-bit code
// (run in real mode) and as 32-bit code (flat protected mode) encodes each instruction with
// the opposite 0x66/0x67 prefixes; both runs must give the same registers, flags and memory.
// (The 32-bit forms are compared against qemu-i386 separately.)
#include <gtest/gtest.h>

#include <cstring>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

struct State {
    std::uint32_t regs[8];
    std::uint32_t flags;
    std::uint8_t mem[64];
};

State run(const std::string& body, bool real_mode) {
    Machine m;
    const std::string code =
        "mov eax, 0x89abcdef\nmov ebx, 0x7008\nmov ecx, 0x80000005\nmov edx, 0x00ff8001\n"
        "mov esi, 0x7010\nmov edi, 3\nmov ebp, 0x12345678\n"
        "mov dword ptr [0x7000], 0xfedcba98\nmov dword ptr [0x7004], 0x01234567\n"
        "mov dword ptr [0x7008], 0x80808080\nmov dword ptr [0x700c], 0x7f7f0001\n"
        "push 0x8d5\npopfd\n" + body + "\npushfd\npop dword ptr [0x7030]\nhlt\n";
    if (real_mode)
        m.start16(code);
    else
        m.start32(code);
    EXPECT_TRUE(m.run_to_hlt()) << body;
    State s{};
    for (unsigned r = 0; r < 8; ++r) s.regs[r] = r == kEsp ? 0 : m.core().reg(r);
    std::memcpy(s.mem, m.ram() + 0x7000, sizeof s.mem);
    std::memcpy(&s.flags, s.mem + 0x30, 4);
    s.flags &= kCF | kPF | kAF | kZF | kSF | kOF | kDF;
    std::memset(s.mem + 0x30, 0, 4);
    return s;
}

TEST(ExecPrefix, SixteenBitCodeMatchesThirtyTwoBitCode) {
    const char* snippets[] = {
        "add eax, ebx", "add ax, bx", "add al, bh", "sub eax, [0x7004]", "sbb ax, [bx]", "adc dword ptr [esi-8], ecx",
        "xor cx, 0x1234", "and ecx, 0xfff0fff0", "cmp word ptr [0x700a], 0x8080", "or byte ptr [bx+si-0x7008+4], 0x81",
        "inc eax\ndec cx\nneg dx\nnot esi", "imul eax, [0x7004], 7", "imul cx, dx", "mul ecx", "mul cx", "imul dx",
        "mov eax, 0\nmov edx, 0\nmov ecx, 7\nmov ax, 1000\ndiv cx", "xor edx, edx\nmov eax, 100000\nmov ecx, 7\ndiv ecx",
        "shl eax, 5\nshr cx, 3\nsar edx, 17\nrol bx, 9\nrcr esi, 2", "shld eax, edx, 12\nshrd cx, bx, 3",
        "bt eax, 7\nbts cx, 15\nbtr edx, 31\nbtc word ptr [0x7000], 3", "bsf eax, ecx\nbsr dx, bx",
        "movzx eax, byte ptr [0x7001]\nmovsx cx, byte ptr [0x7003]\nmovsx edx, word ptr [0x7002]",
        "lea eax, [ebx+esi*2+5]\nlea cx, [bx+si+3]\nlea edx, [ebp+edi*8-9]",
        "mov eax, [ebx]\nmov cx, [esi-4]\nmov [ebx+edi*4], dx",
        "xchg eax, [0x7000]\nxchg cx, dx", "xadd [0x7004], eax\ncmpxchg cx, bx", "cmpxchg8b [0x7000]",
        "cbw\ncwd", "cwde\ncdq", "bswap eax\nbswap edx",
        "cld\nmov esi, 0x7000\nmov edi, 0x7020\nmov ecx, 3\nrep movsd",
        "cld\nmov si, 0x7000\nmov di, 0x7020\nmov ecx, 5\nrep movsw",
        "cld\nmov edi, 0x7018\nmov ecx, 2\nrep stosd\nmov edi, 0x7000\nmov al, 0x67\nmov ecx, 8\nrepne scasb",
        "cld\nmov esi, 0x7000\nmov edi, 0x7004\nmov ecx, 4\nrepe cmpsb",
        "std\nmov si, 0x700e\nlodsw\nlodsd\ncld",
        "mov bx, 0x7000\nmov al, 5\nxlat",
        "setg al\nsetbe ah\nsets byte ptr [0x7010]\ncmovl ecx, [0x7004]\ncmovns dx, bx",
        "daa\nmov bl, al\ndas\naaa\naam\naad 10", "lahf\nsahf\ncmc",
        "mov ecx, 3\nxor eax, eax\nl1: add eax, ecx\nloop l1",
        "mov cx, 0\njcxz t1\nmov eax, 1\nt1: mov edx, 2\njecxz t2\nmov esi, 3\nt2:",
        "mov ebx, es:[0x7000]\nmov ss:[0x7010], ecx\nmov eax, fs:[0x7004]",
        "push eax\npush cx\npop dx\npop esi",
        "pushad\nmov eax, 0\npopad", "pushaw\nmov ax, 0\npopaw",
        "pushfd\npop eax\npushf\npop cx",
        "call f\njmp e\nf: mov eax, 0x55\nret\ne:",
        "mov dword ptr [0x7010], -5\nmov dword ptr [0x7014], 5\nmov eax, 2\nbound eax, [0x7010]",
    };
    for (const char* s : snippets) {
        SCOPED_TRACE(s);
        const State a = run(s, true), b = run(s, false);
        for (unsigned r = 0; r < 8; ++r) EXPECT_EQ(a.regs[r], b.regs[r]) << "register " << r;
        EXPECT_EQ(a.flags, b.flags);
        EXPECT_EQ(std::memcmp(a.mem, b.mem, sizeof a.mem), 0);
    }
}

}  // namespace
}  // namespace emu::x86
