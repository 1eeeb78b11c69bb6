// Test support for the x87 tests: assemble x87 instructions (GNU as, Intel syntax) and run
// them through fpu_execute/fpu_wait/fpu_fxsave/fpu_fxrstor directly, decoding just enough
// (0x66, WAIT, D8-DF and 0F AE with register or [disp32] operands) to be independent of the
// integer unit. Data lives at kData in flat 32-bit protected mode (Machine::start32).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "fpu.h"
#include "x86_test_support.h"

namespace emu::x86::test {

class FpuTest : public ::testing::Test {
protected:
    static constexpr std::uint32_t kCode = 0x10000, kData = 0x20000;

    void SetUp() override {
        machine.start32("hlt", kCode);
        cpu().cr0 |= kCr0NE | kCr0MP;
        fpu_init(fpu());  // the power-on control word unmasks everything; firmware runs FNINIT
    }

    Cpu& cpu() { return machine.cpu(); }
    FpuState& fpu() { return machine.cpu().fpu; }

    // Runs the instructions; a fault is a test failure (and propagates as Fault).
    void run(const std::string& source) {
        try {
            execute(assemble(".code32\n" + source, kCode));
        } catch (const Fault& f) {
            ADD_FAILURE() << "fault " << int(f.vector) << " at " << std::hex << cpu().rip;
            throw;
        }
    }

private:
    void execute(const std::vector<std::uint8_t>& bytes) {
        std::size_t i = 0;
        const auto disp32 = [&] {
            std::uint32_t d = 0;
            std::memcpy(&d, &bytes[i], 4);
            i += 4;
            return d;
        };
        while (i < bytes.size()) {
            cpu().rip = kCode + i;
            bool op32 = true;
            if (bytes[i] == 0x66) {
                op32 = false;
                ++i;
            }
            const std::uint8_t op = bytes[i++];
            if (op == 0x9B) {
                fpu_wait(cpu());
                continue;
            }
            if (op == 0x0F) {
                ASSERT_EQ(bytes[i++], 0xAE);
                const std::uint8_t modrm = bytes[i++];
                ASSERT_EQ(modrm & 0xC7, 0x05) << "only [disp32] operands";
                const FpuMemory mem{DS, disp32()};
                if (((modrm >> 3) & 7) == 0)
                    fpu_fxsave(cpu(), mem);
                else
                    fpu_fxrstor(cpu(), mem);
                continue;
            }
            ASSERT_TRUE(op >= 0xD8 && op <= 0xDF) << "not an x87 instruction: " << int(op);
            const std::uint8_t modrm = bytes[i++];
            if (modrm >= 0xC0) {
                fpu_execute(cpu(), op, modrm, nullptr, op32);
            } else {
                ASSERT_EQ(modrm & 0xC7, 0x05) << "only [disp32] operands";
                const FpuMemory mem{DS, disp32()};
                fpu_execute(cpu(), op, modrm, &mem, op32);
            }
        }
    }

public:
    // The vector of the fault source raises (-1: none).
    int fault_of(const std::string& source) {
        try {
            execute(assemble(".code32\n" + source, kCode));
        } catch (const Fault& f) {
            return f.vector;
        }
        return -1;
    }

    unsigned top() { return (fpu().status >> 11) & 7; }
    long double st(unsigned i) { return fpu().st[(((fpu().status >> 11) & 7) + i) & 7]; }
    unsigned tag(unsigned i) { return (fpu().tag >> (2 * ((((fpu().status >> 11) & 7) + i) & 7))) & 3; }
    std::uint16_t status() { return fpu().status; }
    std::uint16_t conditions() { return fpu().status & 0x4700; }

    template <typename T>
    void poke(std::uint32_t address, T value) {
        std::memcpy(machine.ram() + address, &value, sizeof value);
    }
    template <typename T>
    T peek(std::uint32_t address) {
        T value{};
        std::memcpy(&value, machine.ram() + address, sizeof value);
        return value;
    }
    void poke_extended(std::uint32_t address, std::uint64_t mantissa, std::uint16_t sign_exponent) {
        poke(address, mantissa);
        poke(address + 8, sign_exponent);
    }

    Machine machine;
};

// Status word bits.
constexpr std::uint16_t kIE = 1, kDE = 2, kZE = 4, kOE = 8, kUE = 16, kPE = 32, kSF = 64, kES = 0x80;
constexpr std::uint16_t kC0 = 0x100, kC1 = 0x200, kC2 = 0x400, kC3 = 0x4000;

}  // namespace emu::x86::test
