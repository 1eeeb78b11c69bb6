// Chaining of compiled blocks (jit.cpp): a compiled block's exit jumps straight into the next
// compiled block when run() would have nothing to do in between. These tests check that every
// condition run() tests at a block boundary is also honoured by a chained jump: the exact
// instruction budget, stores into and invalidation of the target, interrupts and stop requests
// from another thread, breakpoints, and TLB/ASID changes. Each runs with blocks compiled on
// first use (eager) and after kJitThreshold runs (hot); with EMU_ARM_JIT=0 (ctest arm.jit_off)
// they check the interpreter alone.
//
// The guest code is hand-assembled (no progs/*.S of its own: the words below come from
// arm-none-eabi-as, source in the comments) and written to RAM at 0x10000, above the harness
// program, whose vectors it does not use (VBAR = 0x10000).
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "cpu.h"
#include "harness.h"

namespace emu::arm::test {
namespace {

struct Word {
    std::uint32_t addr, value;
};

constexpr Word kCode[] = {
    // vectors:
    {0x10000, 0xeafffffe},  // b 10000
    {0x10004, 0xeafffffe},  // b 10004
    {0x10008, 0xea000004},  // b 10020
    {0x1000c, 0xeafffffe},  // b 1000c
    {0x10010, 0xeafffffe},  // b 10010
    {0x10014, 0xeafffffe},  // b 10014
    {0x10018, 0xea000002},  // b 10028
    {0x1001c, 0xeafffffe},  // b 1001c
    // svc_handler:
    {0x10020, 0xe2877001},  // add r7, r7, #1
    {0x10024, 0xe1b0f00e},  // movs pc, lr
    // irq_handler:
    {0x10028, 0xef000000},  // svc #0
    {0x1002c, 0xeafffffe},  // b 1002c
    // smc_start:
    {0x10100, 0xe3a00000},  // mov r0, #0
    {0x10104, 0xe3a01000},  // mov r1, #0
    // smc_a:
    {0x10108, 0xe2800001},  // add r0, r0, #1
    {0x1010c, 0xeaffffff},  // b 10110
    // smc_b:
    {0x10110, 0xe2811001},  // add r1, r1, #1
    {0x10114, 0xeaffffff},  // b 10118
    // smc_c:
    {0x10118, 0xe1500008},  // cmp r0, r8
    {0x1011c, 0x012fff3b},  // blxeq r11
    {0x10120, 0xe1500002},  // cmp r0, r2
    {0x10124, 0x1afffff7},  // bne 10108
    {0x10128, 0xef000000},  // svc #0
    // patch_maint:
    {0x1012c, 0xe5876000},  // str r6, [r7]
    {0x10130, 0xe3a09000},  // mov r9, #0
    {0x10134, 0xee079f15},  // mcr p15, 0, r9, c7, c5, 0   ICIALLU
    {0x10138, 0xee079fd5},  // mcr p15, 0, r9, c7, c5, 6   BPIALL
    {0x1013c, 0xf57ff06f},  // isb sy
    {0x10140, 0xe12fff1e},  // bx lr
    // patch_plain:
    {0x10144, 0xe5876000},  // str r6, [r7]
    {0x10148, 0xe12fff1e},  // bx lr
    // stop_then_ic:
    {0x1014c, 0xef0000ee},  // svc #0xee
    {0x10150, 0xe3a09000},  // mov r9, #0
    {0x10154, 0xee079f15},  // mcr p15, 0, r9, c7, c5, 0   ICIALLU
    {0x10158, 0xee079fd5},  // mcr p15, 0, r9, c7, c5, 6   BPIALL
    {0x1015c, 0xf57ff06f},  // isb sy
    {0x10160, 0xe12fff1e},  // bx lr
    // stop_only:
    {0x10164, 0xef0000ee},  // svc #0xee
    {0x10168, 0xe12fff1e},  // bx lr
    // new_insn:
    {0x1016c, 0xe2811064},  // add r1, r1, #100
    // count_loop:
    {0x10170, 0xe2811001},  // add r1, r1, #1
    {0x10174, 0xe2822001},  // add r2, r2, #1
    {0x10178, 0xeaffffff},  // b 1017c
    // count_b:
    {0x1017c, 0xe2833001},  // add r3, r3, #1
    {0x10180, 0xe2844001},  // add r4, r4, #1
    {0x10184, 0xeaffffff},  // b 10188
    // count_c:
    {0x10188, 0xe2855001},  // add r5, r5, #1
    {0x1018c, 0xe2866001},  // add r6, r6, #1
    {0x10190, 0xeafffff6},  // b 10170
    // hook_loop:
    {0x10194, 0xe2811001},  // add r1, r1, #1
    {0x10198, 0xe2822001},  // add r2, r2, #1
    {0x1019c, 0xeaffffff},  // b 101a0
    // hook_b:
    {0x101a0, 0xe2833001},  // add r3, r3, #1
    {0x101a4, 0xef000005},  // svc #5
    {0x101a8, 0xe2844001},  // add r4, r4, #1
    {0x101ac, 0xeafffff8},  // b 10194
    // asid_start:
    {0x101b0, 0xe3a00000},  // mov r0, #0
    // asid_loop:
    {0x101b4, 0xe2800001},  // add r0, r0, #1
    {0x101b8, 0xeb3fbf90},  // bl 0x01000000
    {0x101bc, 0xe12fff3a},  // blx r10
    {0x101c0, 0xe1500008},  // cmp r0, r8
    {0x101c4, 0x012fff3b},  // blxeq r11
    {0x101c8, 0xe1500002},  // cmp r0, r2
    {0x101cc, 0x1afffff8},  // bne 101b4
    {0x101d0, 0xef000000},  // svc #0
    // asid_switch:
    {0x101d4, 0xee02cf10},  // mcr p15, 0, r12, c2, c0, 0   TTBR0 = r12
    {0x101d8, 0xee0d9f30},  // mcr p15, 0, r9, c13, c0, 1  CONTEXTIDR = r9
    {0x101dc, 0xf57ff06f},  // isb sy
    {0x101e0, 0xe12fff1e},  // bx lr
    // remap:
    {0x101e4, 0xe589c000},  // str r12, [r9]
    {0x101e8, 0xee083f37},  // mcr p15, 0, r3, c8, c7, 1   TLBIMVA r3
    {0x101ec, 0xf57ff04f},  // dsb sy
    {0x101f0, 0xf57ff06f},  // isb sy
    {0x101f4, 0xe12fff1e},  // bx lr
    // lock_start:
    {0x10fe4, 0xe3a00000},  // mov r0, #0
    {0x10fe8, 0xe3a01000},  // mov r1, #0
    {0x10fec, 0xea000000},  // b 10ff4
    // lock_a:
    {0x10ff4, 0xe2800001},  // add r0, r0, #1
    {0x10ff8, 0xe0811000},  // add r1, r1, r0
    {0x10ffc, 0xe0213000},  // eor r3, r1, r0
    {0x11000, 0xe2844003},  // add r4, r4, #3
    {0x11004, 0xeb000006},  // bl 11024
    {0x11008, 0xe0855001},  // add r5, r5, r1
    {0x1100c, 0xef000001},  // svc #1
    {0x11010, 0xe3100003},  // tst r0, #3
    {0x11014, 0x0b000002},  // bleq 11024
    {0x11018, 0xe1500002},  // cmp r0, r2
    {0x1101c, 0x1afffff4},  // bne 10ff4
    {0x11020, 0xef000000},  // svc #0
    // func1:
    {0x11024, 0xe0866000},  // add r6, r6, r0
    {0x11028, 0xe12fff1e},  // bx lr
    // func_a: (copied to PA 0x200000: VA 0x01000000 under the first mapping)
    {0x11200, 0xe2855001},  // add r5, r5, #1
    {0x11204, 0xe12fff1e},  // bx lr
    {0x11210, 0xe2866001},  // add r6, r6, #1
    {0x11214, 0xe12fff1e},  // bx lr
    // func_b: (copied to PA 0x300000: VA 0x01000000 under the second mapping)
    {0x11300, 0xe2855064},  // add r5, r5, #100
    {0x11304, 0xe12fff1e},  // bx lr
    {0x11310, 0xe2866064},  // add r6, r6, #100
    {0x11314, 0xe12fff1e},  // bx lr
};

constexpr std::uint32_t kVectors = 0x10000;
constexpr std::uint32_t kSmcStart = 0x10100, kSmcB = 0x10110, kPatchMaint = 0x1012c, kPatchPlain = 0x10144,
                        kStopThenIc = 0x1014c, kStopOnly = 0x10164, kNewInsn = 0x1016c;
constexpr std::uint32_t kCountLoop = 0x10170, kCountB = 0x1017c, kCountC = 0x10188;
constexpr std::uint32_t kHookLoop = 0x10194, kHookSvc = 0x101a4;
constexpr std::uint32_t kAsidStart = 0x101b0, kAsidSwitch = 0x101d4, kRemap = 0x101e4;
constexpr std::uint32_t kLockStart = 0x10fe4, kLockA = 0x10ff4, kLockPage2 = 0x11000;
constexpr std::uint32_t kFuncA = 0x11200, kFuncB = 0x11300, kFuncVa = 0x01000000;

enum class JitMode { Hot, Eager };

std::uint32_t word_at(std::uint32_t addr) {
    for (const Word& w : kCode)
        if (w.addr == addr) return w.value;
    return 0;
}

// A harness machine (its own program is not used) with the code above loaded, VBAR at the
// vectors, and blocks compiled on first use for Eager. Reference machines run the interpreter.
std::unique_ptr<ArmMachine> make_machine(JitMode mode, ArmConfig config = {}) {
    auto m = std::make_unique<ArmMachine>("mmu", std::move(config));
    for (const Word& w : kCode) m->write32(w.addr, w.value);
    m->core->cp15_write(12, 0, 0, 0, kVectors);
    if (mode == JitMode::Eager) m->core->internal().jit_threshold = 1;
    return m;
}
std::unique_ptr<ArmMachine> make_reference() {
    ArmConfig config;
    config.jit = false;
    return make_machine(JitMode::Hot, std::move(config));
}

bool jit_available(ArmMachine& m) { return m.core->internal().jit_code != nullptr; }

// Whether the live block starting at physical address pa has compiled code (so the loop the
// test relies on really ran compiled and chained, not interpreted).
bool compiled_at(ArmMachine& m, std::uint32_t pa) {
    for (const auto& [key, b] : m.core->internal().blocks_)
        if (b->pa == pa && b->live && b->jit) return true;
    return false;
}

// System mode, IRQs unmasked (FIQs and asynchronous aborts masked).
void enter_sys(ArmMachine& m) { m.core->set_cpsr(kModeSys | kPsrF | kPsrA); }

// count_loop increments r1..r6 in order, two per block (A: r1 r2, B: r3 r4, C: r5 r6), so the
// counters say where it stands; true if `next` (the address of the next instruction) is an
// instruction boundary consistent with them.
bool count_loop_at(ArmMachine& m, std::uint32_t next) {
    const std::uint32_t k = m.r(6);
    unsigned ahead = 0;  // how many of r1..r5 are one ahead of r6 (they must be a prefix)
    for (unsigned i = 1; i <= 5; ++i) {
        if (m.r(i) == k + 1 && ahead == i - 1) ++ahead;
        else if (m.r(i) != k) return false;
    }
    switch (ahead) {
    case 0: return next == kCountLoop || next == kCountC + 8;  // before or after "b count_loop"
    case 1: return next == kCountLoop + 4;
    case 2: return next == kCountLoop + 8 || next == kCountB;
    case 3: return next == kCountB + 4;
    case 4: return next == kCountB + 8 || next == kCountC;
    default: return next == kCountC + 4;
    }
}

struct JitChain : ::testing::TestWithParam<JitMode> {};

// (1) run(n) stops after exactly n instructions while compiled blocks chain: a loop of four
// blocks (one falling through into the next page, a BL and BX LR from two call sites, an SVC
// exception entry and MOVS PC, LR return, in User mode) runs in lockstep with an interpreter
// for budgets below, at and above kJitChainBudget that are not multiples of the loop length.
TEST_P(JitChain, RunBudgetIsExactWhileChained) {
    auto m = make_machine(GetParam());
    auto ref = make_reference();
    constexpr std::uint32_t kIterations = 3000;
    for (ArmMachine* x : {m.get(), ref.get()}) {
        x->core->set_cpsr(kModeUsr);
        x->core->set_reg(2, kIterations);
        x->core->set_reg(15, kLockStart);
    }
    const std::uint64_t steps[] = {1, 2, 3, 7, 10, 13, 63, 64, 65, 66, 127, 128, 129, 191, 500, 999, 1000, 4093};
    std::uint64_t total = 0;
    bool halted = false;
    for (int round = 0; round < 100 && !halted; ++round) {
        for (std::uint64_t n : steps) {
            const StopReason got = m->resume(n), want = ref->resume(n);
            ASSERT_EQ(got, want) << "round " << round << " n " << n;
            if (got == StopReason::Budget) {
                total += n;
                ASSERT_EQ(m->core->instructions_executed(), total) << "round " << round << " n " << n;
            }
            ASSERT_EQ(m->core->instructions_executed(), ref->core->instructions_executed());
            for (unsigned r = 0; r < 16; ++r)
                ASSERT_EQ(m->r(r), ref->r(r)) << "r" << r << " round " << round << " n " << n;
            ASSERT_EQ(m->core->cpsr(), ref->core->cpsr()) << "round " << round << " n " << n;
            if (got == StopReason::Halted) {
                halted = true;
                break;
            }
        }
        if (round == 0 && jit_available(*m)) {
            EXPECT_TRUE(compiled_at(*m, kLockA));
            EXPECT_TRUE(compiled_at(*m, kLockPage2));
        }
    }
    ASSERT_TRUE(halted);
    EXPECT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->r(0), kIterations);
    EXPECT_EQ(m->r(4), 3 * kIterations);
    EXPECT_EQ(m->r(7), kIterations);  // SVC #1 exceptions taken and returned from
}

// (2) Self-modifying code: smc_a -> smc_b -> smc_c is hot and chained; in iteration K a routine
// called from smc_c rewrites smc_b's "add r1, r1, #1" into "add r1, r1, #100", and the next
// iteration's chained jump from smc_a must reach the new instruction.
constexpr std::uint32_t kSmcIterations = 200, kSmcPatchAt = 100;
constexpr std::uint32_t kSmcExpected = kSmcPatchAt * 1 + (kSmcIterations - kSmcPatchAt) * 100;

void start_smc(ArmMachine& m, std::uint32_t routine) {
    enter_sys(m);
    m.core->set_reg(2, kSmcIterations);
    m.core->set_reg(8, kSmcPatchAt);
    m.core->set_reg(11, routine);
    m.core->set_reg(6, word_at(kNewInsn));
    m.core->set_reg(7, kSmcB);
    m.core->set_reg(15, kSmcStart);
}

// The guest stores the new instruction and does the architectural maintenance (ICIALLU,
// BPIALL, ISB).
TEST_P(JitChain, GuestStoreWithIcacheMaintenanceReachesChainedBlock) {
    auto m = make_machine(GetParam());
    start_smc(*m, kPatchMaint);
    ASSERT_EQ(m->resume(), StopReason::Halted);
    EXPECT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->r(0), kSmcIterations);
    EXPECT_EQ(m->r(1), kSmcExpected);
}

// The guest only stores: the core drops a block overlapped by a store (README, "Decoded-code
// coherency"), so this checks the chain's "target still live" test on its own.
TEST_P(JitChain, GuestStoreDropsChainedBlock) {
    auto m = make_machine(GetParam());
    start_smc(*m, kPatchPlain);
    ASSERT_EQ(m->resume(), StopReason::Halted);
    EXPECT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->r(1), kSmcExpected);
}

// The embedder rewrites the code behind the CPU's back while it is stopped in iteration K (so
// the blocks stay live), then the guest invalidates the icache: the chain's epoch test.
TEST_P(JitChain, EmbedderWriteThenGuestIcacheInvalidate) {
    auto m = make_machine(GetParam());
    start_smc(*m, kStopThenIc);
    ASSERT_EQ(m->resume(), StopReason::Halted);
    ASSERT_EQ(m->last_svc, 0xee);
    ASSERT_EQ(m->r(0), kSmcPatchAt);
    if (jit_available(*m)) {
        EXPECT_TRUE(compiled_at(*m, kSmcB));
    }
    m->write32(kSmcB, word_at(kNewInsn));
    ASSERT_EQ(m->resume(), StopReason::Halted);
    EXPECT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->r(1), kSmcExpected);
}

// The same write followed by the embedder API instead of guest maintenance.
TEST_P(JitChain, EmbedderWriteThenInvalidateCode) {
    auto m = make_machine(GetParam());
    start_smc(*m, kStopOnly);
    ASSERT_EQ(m->resume(), StopReason::Halted);
    ASSERT_EQ(m->last_svc, 0xee);
    ASSERT_EQ(m->r(0), kSmcPatchAt);
    if (jit_available(*m)) {
        EXPECT_TRUE(compiled_at(*m, kSmcB));
    }
    m->write32(kSmcB, word_at(kNewInsn));
    m->core->invalidate_code(kSmcB, 4);
    ASSERT_EQ(m->resume(), StopReason::Halted);
    EXPECT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->r(1), kSmcExpected);
}

// invalidate_code() drops every block of the page, so above the chain's source dies with its
// target. Here the source is in another page: lock_a's first block falls through from page
// 0x10000 into the block at 0x11000, which the embedder rewrites ("add r4, r4, #3" becomes
// "add r4, r4, #100") while the CPU is stopped at lock_a in iteration K; the compiled, still
// live lock_a block must not chain into the dropped one.
TEST_P(JitChain, InvalidateCodeDropsChainTargetInAnotherPage) {
    constexpr std::uint32_t kIterations = 1000, kRewriteAt = 500;
    auto m = make_machine(GetParam());
    auto ref = make_reference();
    for (ArmMachine* x : {m.get(), ref.get()}) {
        x->core->set_cpsr(kModeUsr);
        x->core->set_reg(2, kIterations);
        x->core->set_reg(15, kLockStart);
    }
    // The interpreter finds how many instructions reach lock_a with K iterations done.
    while (ref->r(0) != kRewriteAt || ref->r(15) != kLockA) ASSERT_EQ(ref->resume(1), StopReason::Budget);
    ASSERT_EQ(m->resume(ref->core->instructions_executed()), StopReason::Budget);
    ASSERT_EQ(m->r(15), kLockA);
    if (jit_available(*m)) {
        EXPECT_TRUE(compiled_at(*m, kLockA));
        EXPECT_TRUE(compiled_at(*m, kLockPage2));
    }
    m->write32(kLockPage2, 0xe2844064u);  // add r4, r4, #100
    m->core->invalidate_code(kLockPage2, 4);
    ASSERT_EQ(m->resume(), StopReason::Halted);
    EXPECT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->r(4), 3 * kRewriteAt + 100 * (kIterations - kRewriteAt));
}

// (3) An IRQ raised while chained blocks run is taken at the next block boundary. Here the
// guest's SVC #5 hook raises it in iteration K (deterministic): the block after the SVC must
// not be entered; the handler (SVC #0 at the IRQ vector) stops with LR_irq/SPSR_irq intact.
TEST_P(JitChain, IrqRaisedInChainedBlockIsTakenAtNextBoundary) {
    constexpr std::uint32_t kRaiseAt = 50;
    std::uint32_t calls = 0;
    ArmConfig config;
    config.on_svc = [&calls](ArmCore& c, std::uint32_t imm) {
        if (imm != 5) return false;
        if (++calls == kRaiseAt) c.set_irq(true);
        return true;
    };
    auto m = make_machine(GetParam(), std::move(config));
    enter_sys(*m);
    m->core->set_reg(15, kHookLoop);
    ASSERT_EQ(m->resume(1000000), StopReason::Halted);
    ASSERT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->core->cpsr() & kPsrM, static_cast<std::uint32_t>(kModeIrq));
    EXPECT_EQ(m->r(14), kHookSvc + 4 + 4);  // LR_irq = preferred return address + 4
    EXPECT_EQ(m->core->spsr() & (kPsrM | kPsrI | kPsrT), static_cast<std::uint32_t>(kModeSys));
    EXPECT_EQ(m->r(3), kRaiseAt);
    EXPECT_EQ(m->r(4), kRaiseAt - 1);
    EXPECT_EQ(calls, kRaiseAt);
}

// Runs count_loop on this thread until `request` (called from another thread once the loop is
// running compiled) takes effect; returns the stop reason. The budget is large enough that a
// request ignored by chained code shows as most of it used.
constexpr std::uint64_t kLongBudget = 1ull << 31;
StopReason run_with_request(ArmMachine& m, const std::function<void()>& request) {
    enter_sys(m);
    m.core->set_reg(15, kCountLoop);
    EXPECT_EQ(m.resume(100000), StopReason::Budget);  // hot: compiled and linked
    if (jit_available(m)) {
        EXPECT_TRUE(compiled_at(m, kCountLoop));
        EXPECT_TRUE(compiled_at(m, kCountB));
    }
    Cpu& c = m.core->internal();
    std::thread other([&] {
        while (!c.in_run.load()) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        request();
    });
    const StopReason reason = m.resume(kLongBudget);
    other.join();
    return reason;
}

// set_irq() from another thread while the loop runs chained: taken promptly, at an
// instruction boundary consistent with the loop's counters.
TEST_P(JitChain, IrqFromAnotherThreadInterruptsChainedLoop) {
    auto m = make_machine(GetParam());
    ArmCore& core = *m->core;
    const StopReason reason = run_with_request(*m, [&core] { core.set_irq(true); });
    ASSERT_EQ(reason, StopReason::Halted);
    ASSERT_EQ(m->last_svc, 0);
    EXPECT_EQ(m->core->cpsr() & kPsrM, static_cast<std::uint32_t>(kModeIrq));
    EXPECT_EQ(m->core->spsr() & (kPsrM | kPsrI | kPsrT), static_cast<std::uint32_t>(kModeSys));
    EXPECT_TRUE(count_loop_at(*m, m->r(14) - 4)) << std::hex << "lr_irq " << m->r(14) << " r1 " << m->r(1)
                                                 << " r6 " << m->r(6);
    EXPECT_LT(m->core->instructions_executed(), kLongBudget / 2);
}

// The same between run() calls: an IRQ raised while the CPU is stopped in the chained loop is
// taken before its next instruction.
TEST_P(JitChain, IrqRaisedBetweenRunsIsTakenFirst) {
    auto m = make_machine(GetParam());
    enter_sys(*m);
    m->core->set_reg(15, kCountLoop);
    ASSERT_EQ(m->resume(100003), StopReason::Budget);
    const std::uint32_t pc = m->r(15);
    m->core->set_irq(true);
    ASSERT_EQ(m->resume(1000), StopReason::Halted);
    EXPECT_EQ(m->core->cpsr() & kPsrM, static_cast<std::uint32_t>(kModeIrq));
    EXPECT_EQ(m->r(14), pc + 4);
    EXPECT_TRUE(count_loop_at(*m, pc));
    EXPECT_EQ(m->core->instructions_executed(), 100003u + 2u);  // entry counts none: the vector's B, SVC #0
}

// (4) request_stop() from another thread stops the chained loop promptly.
TEST_P(JitChain, RequestStopFromAnotherThreadStopsChainedLoop) {
    auto m = make_machine(GetParam());
    ArmCore& core = *m->core;
    const auto start = std::chrono::steady_clock::now();
    const StopReason reason = run_with_request(*m, [&core] { core.request_stop(); });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(reason, StopReason::Halted);
    EXPECT_LT(m->core->instructions_executed(), kLongBudget / 2);
    EXPECT_LT(elapsed, std::chrono::seconds(2));
    EXPECT_TRUE(count_loop_at(*m, m->r(15)));
}

// (5) A breakpoint added while the loop is compiled and chained stops there; removing it lets
// the loop run (and chain) again with an exact budget.
TEST_P(JitChain, BreakpointAddedBetweenRunsStopsChainedLoop) {
    auto m = make_machine(GetParam());
    enter_sys(*m);
    m->core->set_reg(15, kCountLoop);
    ASSERT_EQ(m->resume(100000), StopReason::Budget);
    if (jit_available(*m)) {
        EXPECT_TRUE(compiled_at(*m, kCountC));
    }
    m->core->add_breakpoint(kCountC);
    ASSERT_EQ(m->resume(), StopReason::Breakpoint);
    EXPECT_EQ(m->r(15), kCountC);
    EXPECT_TRUE(count_loop_at(*m, kCountC));
    std::uint64_t before = m->core->instructions_executed();
    ASSERT_EQ(m->resume(100), StopReason::Breakpoint);  // resuming at it runs it: once round
    EXPECT_EQ(m->r(15), kCountC);
    EXPECT_EQ(m->core->instructions_executed() - before, 9u);
    m->core->remove_breakpoint(kCountC);
    EXPECT_FALSE(m->core->internal().debug_active);
    before = m->core->instructions_executed();
    ASSERT_EQ(m->resume(100001), StopReason::Budget);
    EXPECT_EQ(m->core->instructions_executed() - before, 100001u);
    EXPECT_TRUE(count_loop_at(*m, m->r(15)));
    if (jit_available(*m)) {
        EXPECT_TRUE(compiled_at(*m, kCountC));
    }
}

// A breakpoint set on the CPU thread while chained code runs (from the SVC #5 hook in
// iteration K) must stop at the loop head of the same iteration's successor, not later.
TEST_P(JitChain, BreakpointAddedWhileChainedStopsAtNextBoundary) {
    constexpr std::uint32_t kAddAt = 50;
    std::uint32_t calls = 0;
    ArmConfig config;
    config.on_svc = [&calls](ArmCore& c, std::uint32_t imm) {
        if (imm != 5) return false;
        if (++calls == kAddAt) c.add_breakpoint(kHookLoop);
        return true;
    };
    auto m = make_machine(GetParam(), std::move(config));
    enter_sys(*m);
    m->core->set_reg(15, kHookLoop);
    ASSERT_EQ(m->resume(1000000), StopReason::Breakpoint);
    EXPECT_EQ(m->r(15), kHookLoop);
    EXPECT_EQ(m->r(1), kAddAt);
    EXPECT_EQ(m->r(4), kAddAt);
    m->core->remove_breakpoint(kHookLoop);
    const std::uint64_t before = m->core->instructions_executed();
    ASSERT_EQ(m->resume(7 * 100), StopReason::Budget);  // 100 more iterations of 7 instructions
    EXPECT_EQ(m->core->instructions_executed() - before, 700u);
    EXPECT_EQ(m->r(1), kAddAt + 100);
}

// (6) MMU on, VA 0x01000000 mapped to two different physical pages (func_a's and func_b's
// copies). The loop calls it through BL (fixed target: the link only) and BLX r10 (link and
// jump cache); after iteration K the guest switches the mapping and the next chained calls
// must reach the new page, not the block compiled for the old one.
constexpr std::uint32_t kL1 = 0x100000, kL1Second = 0x104000;
constexpr std::uint32_t kPageA = 0x200000, kPageB = 0x300000;
constexpr std::uint32_t kAsidIterations = 200, kAsidSwitchAt = 100;

std::uint32_t section(std::uint32_t pa, bool global) {
    return (pa & 0xfff00000u) | (3u << 10) | (global ? 0u : 1u << 17) | 2u;  // RW, domain 0
}

void start_mmu_loop(ArmMachine& m, bool global_func) {
    for (std::uint32_t table : {kL1, kL1Second}) {
        for (std::uint32_t i = 0; i < 4096; ++i) m.write32(table + 4 * i, 0);
        for (std::uint32_t mb = 0; mb < 16; ++mb) m.write32(table + 4 * mb, section(mb << 20, true));
    }
    m.write32(kL1 + 4 * (kFuncVa >> 20), section(kPageA, global_func));
    m.write32(kL1Second + 4 * (kFuncVa >> 20), section(kPageB, global_func));
    for (std::uint32_t off = 0; off < 0x20; off += 4) {
        m.write32(kPageA + off, word_at(kFuncA + off));
        m.write32(kPageB + off, word_at(kFuncB + off));
    }
    ArmCore& c = *m.core;
    c.cp15_write(2, 0, 0, 0, kL1);           // TTBR0
    c.cp15_write(3, 0, 0, 0, 0x55555555u);   // DACR: all client
    c.cp15_write(13, 0, 0, 1, 1);            // CONTEXTIDR: ASID 1
    c.cp15_write(1, 0, 0, 0, c.cp15_read(1, 0, 0, 0) | 1u);  // SCTLR.M
    enter_sys(m);
    c.set_reg(2, kAsidIterations);
    c.set_reg(8, kAsidSwitchAt);
    c.set_reg(10, kFuncVa + 0x10);
    c.set_reg(15, kAsidStart);
}

void expect_switched_calls(ArmMachine& m) {
    ASSERT_EQ(m.resume(), StopReason::Halted);
    EXPECT_EQ(m.last_svc, 0);
    EXPECT_EQ(m.r(0), kAsidIterations);
    constexpr std::uint32_t expected = kAsidSwitchAt * 1 + (kAsidIterations - kAsidSwitchAt) * 100;
    EXPECT_EQ(m.r(5), expected);  // the BL target
    EXPECT_EQ(m.r(6), expected);  // the BLX r10 target
}

// A context switch: TTBR0 to the second table and ASID 2 (non-global mappings).
TEST_P(JitChain, AsidSwitchRedirectsChainedCalls) {
    auto m = make_machine(GetParam());
    start_mmu_loop(*m, false);
    m->core->set_reg(11, kAsidSwitch);
    m->core->set_reg(12, kL1Second);
    m->core->set_reg(9, 2);
    expect_switched_calls(*m);
}

// Remapping in place: the guest rewrites the (global) section descriptor and does TLBIMVA.
TEST_P(JitChain, TlbiMvaRedirectsChainedCalls) {
    auto m = make_machine(GetParam());
    start_mmu_loop(*m, true);
    m->core->set_reg(11, kRemap);
    m->core->set_reg(9, kL1 + 4 * (kFuncVa >> 20));
    m->core->set_reg(12, section(kPageB, true));
    m->core->set_reg(3, kFuncVa);
    expect_switched_calls(*m);
}

// (7) A memory-map change (AddressSpace generation) while chained: in iteration K the SVC #5
// hook lays a RAM copy of the code page over it, with hook_loop's first instruction changed
// to "add r1, r1, #100". run() then flushes the TLB and the code cache, so from the next block
// on the overlay's code runs; the hook stops the run ten iterations later.
TEST_P(JitChain, MemoryMapChangeRedirectsChainedLoop) {
    constexpr std::uint32_t kMapAt = 50, kMore = 10;
    std::unique_ptr<MemoryRegion> overlay = MemoryRegion::ram("overlay", 0x1000);
    ArmMachine* machine = nullptr;
    std::uint32_t calls = 0;
    ArmConfig config;
    config.on_svc = [&](ArmCore& c, std::uint32_t imm) {
        if (imm != 5) return false;
        ++calls;
        if (calls == kMapAt) {
            std::memcpy(overlay->data(), machine->ram() + kVectors, 0x1000);
            const std::uint32_t add100 = word_at(kNewInsn);
            std::memcpy(overlay->data() + (kHookLoop - kVectors), &add100, 4);
            machine->root_->add_subregion(kVectors, *overlay, 1);
        }
        if (calls == kMapAt + kMore) c.request_stop();
        return true;
    };
    auto m = make_machine(GetParam(), std::move(config));
    machine = m.get();
    enter_sys(*m);
    m->core->set_reg(15, kHookLoop);
    ASSERT_EQ(m->resume(1000000), StopReason::Halted);
    EXPECT_EQ(m->r(3), kMapAt + kMore);
    EXPECT_EQ(m->r(1), kMapAt + kMore * 100);
    m->root_->remove_subregion(*overlay);
}

// flush_code_cache() called while compiled code runs (from the SVC #5 hook) is deferred to
// run() (flush_pending), which the chain must leave to: the hook first rewrites hook_loop's
// first instruction behind the CPU's back (no invalidation), so only the flush makes the
// loop see "add r1, r1, #100".
TEST_P(JitChain, DeferredCodeFlushStopsChaining) {
    constexpr std::uint32_t kFlushAt = 50, kMore = 10;
    ArmMachine* machine = nullptr;
    std::uint32_t calls = 0;
    ArmConfig config;
    config.on_svc = [&](ArmCore& c, std::uint32_t imm) {
        if (imm != 5) return false;
        ++calls;
        if (calls == kFlushAt) {
            machine->write32(kHookLoop, word_at(kNewInsn));
            c.flush_code_cache();
        }
        if (calls == kFlushAt + kMore) c.request_stop();
        return true;
    };
    auto m = make_machine(GetParam(), std::move(config));
    machine = m.get();
    enter_sys(*m);
    m->core->set_reg(15, kHookLoop);
    ASSERT_EQ(m->resume(1000000), StopReason::Halted);
    EXPECT_EQ(m->r(3), kFlushAt + kMore);
    EXPECT_EQ(m->r(1), kFlushAt + kMore * 100);
}

std::string mode_name(const ::testing::TestParamInfo<JitMode>& mode) {
    return mode.param == JitMode::Hot ? "Hot" : "Eager";
}
INSTANTIATE_TEST_SUITE_P(Modes, JitChain, ::testing::Values(JitMode::Hot, JitMode::Eager), mode_name);

}  // namespace
}  // namespace emu::arm::test
