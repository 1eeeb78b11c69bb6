// The decoded-block cache (exec.cpp): code that changes under it (its own stores, even into
// the instruction that follows, stores from the host as DMA would make, the same bytes run
// in another mode) runs as its current bytes say, and run(n) still stops after exactly n
// instructions.
#include <gtest/gtest.h>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

// A store into the very next instruction (same block): the new immediate is what runs.
TEST(ExecCache, StoreIntoTheNextInstruction) {
    Machine m;
    m.start32(
        "mov byte ptr [patch + 1], 42\n"
        "patch: mov eax, 1\n"
        "hlt\n");
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEax), 42u);
}

// A loop whose body has been decoded and run many times rewrites one of its own instructions
// (an ADD becomes a SUB) and the following iterations run the new one.
TEST(ExecCache, LoopRewritesItsOwnBody) {
    Machine m;
    m.start32(
        "xor eax, eax\n"
        "mov ecx, 100\n"
        "loop_top: add eax, 1\n"                  // 83 C0 01 -> 83 E8 01 (sub eax, 1)
        "cmp ecx, 51\n"
        "jne 1f\n"
        "mov byte ptr [loop_top + 1], 0xE8\n"
        "1: dec ecx\n"
        "jnz loop_top\n"
        "hlt\n");
    ASSERT_TRUE(m.run_to_hlt());
    // 50 additions (ECX 100..51), then 50 subtractions (ECX 50..1).
    EXPECT_EQ(m.core().reg(kEax), 0u);
}

// Code replaced behind the CPU's back between runs (a loader or DMA): the new bytes run.
TEST(ExecCache, CodeReplacedByTheHost) {
    Machine m;
    m.start32("mov eax, 7\nadd eax, 1\nhlt\n");
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEax), 8u);
    // start32 copies the new code into RAM directly (no CPU store) and re-enters it.
    m.start32("mov eax, 9\nsub eax, 4\nhlt\n");
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEax), 5u);
}

// The same bytes at the same address decode differently in 16-bit code.
TEST(ExecCache, SameBytesInAnotherMode) {
    Machine m;
    const std::vector<std::uint8_t> code = {0xB8, 0x78, 0x56, 0x34, 0x12, 0xF4};
    m.load(0x10000, code);
    const std::uint32_t args[8] = {0, 0, 0, 0, 0x8000, 0, 0, 0};
    m.core().enter_flat32(0x10000, args);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEax), 0x12345678u);  // mov eax, 0x12345678; hlt
    m.core().enter_real(0x10000, args);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 0x566Au);  // mov ax, 0x5678; xor al, 0x12; hlt
}

// run(n) executes exactly n instructions even in the middle of a block, and resumes there.
TEST(ExecCache, BudgetStopsInsideABlock) {
    Machine m;
    m.start32("inc eax\ninc eax\ninc eax\ninc eax\ninc eax\ninc eax\ninc eax\nhlt\n");
    const std::uint64_t before = m.core().instructions_executed();
    EXPECT_EQ(m.core().run(3), StopReason::Budget);
    EXPECT_EQ(m.core().instructions_executed() - before, 3u);
    EXPECT_EQ(m.core().reg(kEax), 3u);
    EXPECT_EQ(m.core().eip(), 0x10003u);
    EXPECT_EQ(m.core().run(1), StopReason::Budget);
    EXPECT_EQ(m.core().reg(kEax), 4u);
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEax), 7u);
}

// A fault in the middle of a block leaves EIP on the faulting instruction and the earlier
// instructions of the block done (the #DE handler here is an IVT entry in real mode).
TEST(ExecCache, FaultInsideABlock) {
    Machine m;
    m.start16(
        "mov word ptr [0], 0x14\n"        // handler's offset
        "mov word ptr [2], 0x1000\n"
        "xor ax, ax\n"
        "xor cx, cx\n"
        "inc ax\n"
        "div cl\n"                          // at offset 0x11
        "hlt\n"
        "pop bx\n"                           // the saved IP: the DIV itself
        "hlt\n");
    ASSERT_TRUE(m.run_to_hlt());
    EXPECT_EQ(m.core().reg(kEax) & 0xFFFF, 1u);
    EXPECT_EQ(m.core().reg(kEbx) & 0xFFFF, 0x11u);
}

}  // namespace
}  // namespace emu::x86
