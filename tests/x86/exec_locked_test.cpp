// LOCKed read-modify-writes are atomic against another CPU running at the same time on another
// host thread (exec_locked.cpp): two cores share RAM and each runs the same loop of LOCK INC,
// LOCK XADD, a LOCK CMPXCHG increment, a LOCK CMPXCHG8B increment and an XCHG spinlock that
// guards a plain increment and is released by a plain store. Every counter must come out at
// exactly twice the iterations: a lost update anywhere shows.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr unsigned kIterations = 400000;

std::string contention_loop() {
    return "mov esi, " + std::to_string(kIterations) +
           "\n"
           "1: lock inc dword ptr [0x9000]\n"
           "mov ebx, 1\n"
           "lock xadd dword ptr [0x9010], ebx\n"
           "2: mov eax, dword ptr [0x9020]\n"
           "lea edx, [eax + 1]\n"
           "lock cmpxchg dword ptr [0x9020], edx\n"
           "jnz 2b\n"
           "3: mov eax, dword ptr [0x9040]\n"
           "mov edx, dword ptr [0x9044]\n"
           "mov ebx, eax\n"
           "mov ecx, edx\n"
           "add ebx, 1\n"
           "adc ecx, 0\n"
           "lock cmpxchg8b qword ptr [0x9040]\n"
           "jnz 3b\n"
           "4: mov eax, 1\n"
           "xchg eax, dword ptr [0x9030]\n"
           "test eax, eax\n"
           "jnz 4b\n"
           "mov eax, dword ptr [0x9034]\n"
           "inc eax\n"
           "mov dword ptr [0x9034], eax\n"
           "mov dword ptr [0x9030], 0\n"
           "dec esi\n"
           "jnz 1b\n"
           "hlt\n";
}

std::uint32_t word(Machine& m, std::uint32_t address) {
    std::uint32_t v;
    std::memcpy(&v, m.ram() + address, 4);
    return v;
}

TEST(ExecLocked, AtomicAgainstAnotherCpuThread) {
    Machine m;
    m.start32(contention_loop(), 0x10000);
    m.load(0x20000, test::assemble(".code32\n" + contention_loop(), 0x20000));
    X86Core second(m.memory(), nullptr, X86Config{});
    std::uint32_t args[8] = {0, 0, 0, 0, 0x70000, 0, 0, 0};
    second.enter_flat32(0x20000, args);
    auto run = [](X86Core& core) {
        for (int slices = 0; slices < 3000; ++slices)  // 30x what the loop needs
            if (core.run(100000) == StopReason::Halted) return true;
        return false;
    };
    bool second_done = false;
    std::thread other([&] { second_done = run(second); });
    const bool first_done = run(m.core());
    other.join();
    ASSERT_TRUE(first_done);
    ASSERT_TRUE(second_done);
    EXPECT_EQ(word(m, 0x9000), 2 * kIterations) << "LOCK INC";
    EXPECT_EQ(word(m, 0x9010), 2 * kIterations) << "LOCK XADD";
    EXPECT_EQ(word(m, 0x9020), 2 * kIterations) << "LOCK CMPXCHG";
    EXPECT_EQ(word(m, 0x9040), 2 * kIterations) << "LOCK CMPXCHG8B";
    EXPECT_EQ(word(m, 0x9034), 2 * kIterations) << "XCHG spinlock";
    EXPECT_EQ(word(m, 0x9030), 0u) << "spinlock released";
}

}  // namespace
}  // namespace emu::x86
