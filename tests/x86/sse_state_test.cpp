// SSE state and exceptions on emu's x86 core in 32-bit protected mode with an IDT: the enable
// bits (CR0.EM/TS, CR4.OSFXSR -> #UD/#NM), misaligned 16-byte operands (#GP(0)), unmasked SIMD
// floating-point exceptions (#XM, or #UD without CR4.OSXMMEXCPT) leaving the destination
// unchanged, LDMXCSR/STMXCSR, FXSAVE/FXRSTOR of MXCSR and XMM0-7, and the fences.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

constexpr std::uint32_t kIdt = 0x2000, kStubs = 0x5000, kRecord = 0x6000, kData = 0x20000;
constexpr std::uint32_t kNone = 0xFFFFFFFF;

class SseState : public ::testing::Test {
protected:
    Machine m;

    // Runs code (then HLT) with cr4 and cr0 bits added; returns the vector of the exception it
    // raised (kNone if none). The IDT's stubs record the vector and halt.
    std::uint32_t run(const std::string& code, std::uint64_t cr4 = kCr4OSFXSR | kCr4OSXMMEXCPT, std::uint64_t cr0 = 0) {
        m.start32(code + "\nhlt\n");
        for (unsigned v = 0; v < 32; ++v) {
            const std::uint32_t stub = kStubs + v * 16;
            // mov dword ptr [kRecord], v; hlt
            const std::uint8_t bytes[] = {0xC7, 0x05, 0x00, 0x60, 0x00, 0x00, static_cast<std::uint8_t>(v), 0, 0, 0, 0xF4};
            std::memcpy(m.ram() + stub, bytes, sizeof bytes);
            const std::uint64_t gate = (stub & 0xFFFF) | (0x10u << 16) | (std::uint64_t{0x8E00} << 32) |
                                       (std::uint64_t{stub >> 16} << 48);
            std::memcpy(m.ram() + kIdt + v * 8, &gate, 8);
        }
        poke<std::uint32_t>(kRecord, kNone);
        Cpu& c = m.cpu();
        c.idtr = DescriptorTable{kIdt, 32 * 8 - 1};
        c.cr4 |= cr4;
        c.cr0 |= cr0;
        std::memcpy(c.fpu.xmm, staged_, sizeof staged_);
        EXPECT_TRUE(m.run_to_hlt());
        return peek<std::uint32_t>(kRecord);
    }
    template <typename T>
    void poke(std::uint32_t a, T v) { std::memcpy(m.ram() + a, &v, sizeof v); }
    template <typename T>
    T peek(std::uint32_t a) {
        T v;
        std::memcpy(&v, m.ram() + a, sizeof v);
        return v;
    }
    template <typename T>
    T lane(unsigned reg, unsigned i) {
        T v;
        std::memcpy(&v, m.cpu().fpu.xmm[reg] + i * sizeof(T), sizeof v);
        return v;
    }
    template <typename T>
    void set_lane(unsigned reg, unsigned i, T v) { std::memcpy(staged_[reg] + i * sizeof(T), &v, sizeof v); }

private:
    alignas(16) std::uint8_t staged_[16][16] = {};
};

TEST_F(SseState, EnableBits) {
    EXPECT_EQ(run("addps xmm0, xmm1", 0), 6u);                          // no CR4.OSFXSR
    EXPECT_EQ(run("addps xmm0, xmm1", kCr4OSFXSR, kCr0EM), 6u);          // CR0.EM
    EXPECT_EQ(run("pxor xmm0, xmm1", kCr4OSFXSR, kCr0TS), 7u);           // CR0.TS
    EXPECT_EQ(run("ldmxcsr [0x20000]", kCr4OSFXSR, kCr0TS), 7u);
    EXPECT_EQ(run("movnti [0x20000], eax", 0), kNone);                   // an integer store
    EXPECT_EQ(run("sfence\nlfence\nmfence\nclflush [0x20000]", 0), kNone);
    EXPECT_EQ(run("pxor xmm0, xmm1"), kNone);
}

TEST_F(SseState, InvalidEncodings) {
    EXPECT_EQ(run(".byte 0x0f, 0x6c, 0xc1"), 6u);     // PUNPCKLQDQ has no MMX form
    EXPECT_EQ(run(".byte 0xf0\naddps xmm0, [0x20000]"), 6u);  // LOCK
    EXPECT_EQ(run(".byte 0x66, 0x0f, 0x12, 0xc1"), 6u);        // MOVLPD with a register
    EXPECT_EQ(run(".byte 0x0f, 0xc3, 0xc0"), 6u);              // MOVNTI with a register
    EXPECT_EQ(run(".byte 0x66, 0x0f, 0x73, 0xe0, 0x01"), 6u);  // 66 0F 73 /4: no such shift
    EXPECT_EQ(run(".byte 0x66, 0x0f, 0x71, 0x10, 0x01"), 6u);  // shift group with memory
    EXPECT_EQ(run(".byte 0xf2, 0x0f, 0x5b, 0xc1"), 6u);        // F2 0F 5B
    EXPECT_EQ(run("movddup xmm0, xmm1"), 6u);                  // SSE3
}

TEST_F(SseState, AlignmentChecks) {
    EXPECT_EQ(run("movaps xmm0, [0x20008]"), 13u);
    EXPECT_EQ(run("movdqa [0x20001], xmm0"), 13u);
    EXPECT_EQ(run("paddb xmm0, [0x20004]"), 13u);
    EXPECT_EQ(run("addpd xmm0, [0x20004]"), 13u);
    EXPECT_EQ(run("movntdq [0x20008], xmm0"), 13u);
    EXPECT_EQ(run("movups xmm0, [0x20001]\nmovdqu [0x20003], xmm0"), kNone);
    EXPECT_EQ(run("addss xmm0, [0x20001]\naddsd xmm0, [0x20003]\nmovlps xmm0, [0x20005]"), kNone);
    EXPECT_EQ(run("cvtps2pd xmm0, [0x20004]\ncvtdq2pd xmm0, [0x20004]"), kNone);  // 64-bit sources
}

TEST_F(SseState, UnmaskedExceptionLeavesDestination) {
    set_lane<float>(0, 0, 1.0f);
    set_lane<float>(1, 0, 0.0f);
    set_lane<float>(1, 1, 1.0f);
    set_lane<float>(1, 2, 1.0f);
    set_lane<float>(1, 3, 1.0f);
    poke<std::uint32_t>(kData, 0x1F80 & ~(1u << 9));  // ZM clear
    EXPECT_EQ(run("ldmxcsr [0x20000]\ndivps xmm0, xmm1"), 19u);
    EXPECT_EQ(lane<float>(0, 0), 1.0f);
    EXPECT_EQ(m.cpu().fpu.mxcsr & 0x3F, 0x4u);  // ZE
    EXPECT_EQ(run("ldmxcsr [0x20000]\ndivps xmm0, xmm1", kCr4OSFXSR), 6u);  // no OSXMMEXCPT
    // Masked: infinity, ZE set.
    EXPECT_EQ(run("divps xmm0, xmm1"), kNone);
    EXPECT_TRUE(std::isinf(lane<float>(0, 0)));
    EXPECT_EQ(m.cpu().fpu.mxcsr, 0x1F84u);
    // An unmasked precision exception from a conversion.
    set_lane<double>(2, 0, 0.1);
    poke<std::uint32_t>(kData, 0x1F80 & ~(1u << 12));  // PM clear
    EXPECT_EQ(run("mov ebx, 5\nldmxcsr [0x20000]\ncvtsd2ss xmm3, xmm2\ncvtsd2si ebx, xmm2"), 19u);
    EXPECT_EQ(lane<std::uint32_t>(3, 0), 0u);
    EXPECT_EQ(m.cpu().gpr[kEbx], 5u);
}

TEST_F(SseState, MxcsrLoadStore) {
    poke<std::uint32_t>(kData, 0x9FC0);  // FZ, RC=00, masks, DAZ
    EXPECT_EQ(run("ldmxcsr [0x20000]\nstmxcsr [0x20004]"), kNone);
    EXPECT_EQ(peek<std::uint32_t>(kData + 4), 0x9FC0u);
    poke<std::uint32_t>(kData, 0x10000);  // reserved bit
    EXPECT_EQ(run("ldmxcsr [0x20000]"), 13u);
    EXPECT_EQ(m.cpu().fpu.mxcsr, 0x1F80u);
}

TEST_F(SseState, FxsaveCarriesMxcsrAndXmm) {
    for (unsigned r = 0; r < 8; ++r) set_lane<std::uint64_t>(r, 1, 0x0101010101010101ull * (r + 1));
    poke<std::uint32_t>(kData + 0x400, 0x3F80);
    EXPECT_EQ(run("ldmxcsr [0x20400]\nfxsave [0x20200]\nfxsave [0x20000]\npxor xmm7, xmm7\nmov dword ptr [0x20018], 0x1F80\n"
                  "fxrstor [0x20000]\n"),
              kNone);
    EXPECT_EQ(peek<std::uint32_t>(kData + 0x200 + 24), 0x3F80u);
    EXPECT_EQ(peek<std::uint32_t>(kData + 0x200 + 28), 0xFFFFu);  // MXCSR_MASK
    EXPECT_EQ(peek<std::uint64_t>(kData + 0x200 + 160 + 7 * 16 + 8), 0x0808080808080808ull);
    EXPECT_EQ(lane<std::uint64_t>(7, 1), 0x0808080808080808ull);
    EXPECT_EQ(m.cpu().fpu.mxcsr, 0x1F80u);
    poke<std::uint32_t>(kData + 24, 0x40000);
    EXPECT_EQ(run("fxrstor [0x20000]"), 13u);
}

TEST_F(SseState, FaultingLoadWritesNothing) {
    set_lane<std::uint64_t>(0, 0, 42);
    // Beyond a 4 GiB flat segment's end: the read of 16 bytes at 0xFFFFFFF8 faults (#GP).
    EXPECT_EQ(run("mov eax, 0xFFFFFFF8\nmovups xmm0, [eax]"), 13u);
    EXPECT_EQ(lane<std::uint64_t>(0, 0), 42u);
}

}  // namespace
}  // namespace emu::x86
