// The system part of the x86 core: control registers, MSRs, CPUID, RDTSC and the RESET state.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

using test::Machine;

Fault fault_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Fault& fault) {
        return fault;
    }
    return Fault{0xFF, false, 0};
}

TEST(X86Registers, ResetStateFollowsTheSdm) {
    Machine m;
    Cpu& c = m.cpu();
    c.reset_state();
    EXPECT_EQ(c.reg32(kEdx), 0x663u);
    EXPECT_EQ(c.cr0, 0x60000010u);
    EXPECT_EQ(c.flags(), 2u);
    EXPECT_EQ(c.rip, 0xFFF0u);
    EXPECT_EQ(c.seg[CS].selector, 0xF000);
    EXPECT_EQ(c.seg[CS].base, 0xFFFF0000u);
    EXPECT_EQ(c.dr[6], 0xFFFF0FF0u);
    EXPECT_EQ(c.dr[7], 0x400u);
    EXPECT_EQ(c.apic_base, 0xFEE00900u);  // BSP, enabled
    EXPECT_EQ(c.idtr.limit, 0xFFFF);
}

TEST(X86Registers, CpuidDescribesTheModel) {
    Machine m;
    Cpu& c = m.cpu();
    auto cpuid = [&](std::uint32_t leaf) {
        c.gpr[kEax] = leaf;
        c.gpr[kEcx] = 0;
        c.cpuid();
    };
    cpuid(0);
    char vendor[13] = {};
    std::memcpy(vendor, &c.gpr[kEbx], 4);
    std::memcpy(vendor + 4, &c.gpr[kEdx], 4);
    std::memcpy(vendor + 8, &c.gpr[kEcx], 4);
    EXPECT_STREQ(vendor, "GenuineIntel");
    EXPECT_GE(c.reg32(kEax), 1u);
    cpuid(1);
    EXPECT_EQ(c.reg32(kEax), 0x663u);
    EXPECT_EQ(c.reg32(kEbx) >> 24, 0u);  // APIC ID
    const std::uint32_t edx = c.reg32(kEdx);
    EXPECT_TRUE(edx & (1u << 0));   // fpu
    EXPECT_TRUE(edx & (1u << 6));   // pae
    EXPECT_TRUE(edx & (1u << 8));   // cx8
    EXPECT_TRUE(edx & (1u << 15));  // cmov
    EXPECT_FALSE(edx & (1u << 1));  // no vme
    EXPECT_FALSE(edx & (1u << 23)); // no mmx
    EXPECT_EQ(c.reg32(kEcx), 0u);
    cpuid(0x80000000);
    EXPECT_GE(c.reg32(kEax), 0x80000004u);
    char brand[49] = {};
    for (unsigned i = 0; i < 3; ++i) {
        cpuid(0x80000002 + i);
        std::memcpy(brand + 16 * i, &c.gpr[kEax], 4);
        std::memcpy(brand + 16 * i + 4, &c.gpr[kEbx], 4);
        std::memcpy(brand + 16 * i + 8, &c.gpr[kEcx], 4);
        std::memcpy(brand + 16 * i + 12, &c.gpr[kEdx], 4);
    }
    EXPECT_NE(std::string(brand).find("emu"), std::string::npos);
}

TEST(X86Registers, ControlRegisterChecks) {
    Machine m;
    m.start32("hlt");
    Cpu& c = m.cpu();
    EXPECT_EQ(fault_of([&] { c.write_cr(0, kCr0PG); }).vector, vec::GP);           // PG without PE
    EXPECT_EQ(fault_of([&] { c.write_cr(0, kCr0PE | kCr0NW); }).vector, vec::GP);  // NW without CD
    EXPECT_EQ(fault_of([&] { c.write_cr(4, kCr4VME); }).vector, vec::GP);          // VME not implemented
    EXPECT_EQ(fault_of([&] { c.write_cr(4, 1u << 20); }).vector, vec::GP);
    EXPECT_EQ(fault_of([&] { c.write_cr(8, 0); }).vector, vec::UD);
    c.write_cr(0, kCr0PE | kCr0NE | kCr0WP);
    EXPECT_EQ(c.cr0, kCr0PE | kCr0NE | kCr0WP | kCr0ET);  // ET is hardwired
    c.write_cr(0, 0x10);
    EXPECT_FALSE(c.protected_mode());
    EXPECT_EQ(c.cpl, 0u);
}

TEST(X86Registers, ModelSpecificRegisters) {
    Machine m;
    Cpu& c = m.cpu();
    std::uint64_t apic_written = 0;
    c.config.on_apic_base = [&](std::uint64_t v) { apic_written = v; };
    c.write_msr(0x1B, 0xFED00800);
    EXPECT_EQ(apic_written, 0xFED00900u);  // the BSP bit stays
    EXPECT_EQ(c.read_msr(0x1B), 0xFED00900u);
    c.write_msr(0x174, 0x10);
    c.write_msr(0x175, 0x1234);
    c.write_msr(0x176, 0x5678);
    EXPECT_EQ(c.read_msr(0x174), 0x10u);
    EXPECT_EQ(c.read_msr(0x176), 0x5678u);
    EXPECT_EQ(c.read_msr(0xFE) & 0xFF, 8u);  // 8 variable MTRRs
    c.write_msr(0x200, 0x6);
    c.write_msr(0x201, 0xFF0000800ull);
    c.write_msr(0x250, 0x0606060606060606ull);
    c.write_msr(0x26F, 0x0505050505050505ull);
    EXPECT_EQ(c.read_msr(0x201), 0xFF0000800ull);
    EXPECT_EQ(c.read_msr(0x26F), 0x0505050505050505ull);
    EXPECT_EQ(fault_of([&] { c.write_msr(0x250, 0x02); }).vector, vec::GP);   // type 2 is reserved
    EXPECT_EQ(fault_of([&] { c.write_msr(0x277, 0x08); }).vector, vec::GP);   // bad PAT entry
    c.write_msr(0x277, 0x0007010600070106ull);
    EXPECT_EQ(c.read_msr(0x277), 0x0007010600070106ull);
    c.write_msr(0xC0000080, kEferNXE);
    EXPECT_EQ(c.read_msr(0xC0000080), kEferNXE);
    EXPECT_EQ(fault_of([&] { c.write_msr(0xC0000080, kEferLME); }).vector, vec::GP);
    EXPECT_EQ(c.read_msr(0x3A), 0u);
    EXPECT_EQ(c.read_msr(0x179), 0u);
    EXPECT_EQ(fault_of([&] { c.read_msr(0x12345); }).vector, vec::GP);
    // The TSC counts instructions (no clock) from the value written.
    c.write_msr(0x10, 1000);
    EXPECT_EQ(c.rdtsc(), 1000u);
    c.instructions += 5;
    EXPECT_EQ(c.rdtsc(), 1005u);
    std::uint64_t now_ns = 2'000'000'000;
    c.config.clock_ns = [&] { return now_ns; };
    c.config.tsc_hz = 3'000'000'000;
    c.write_msr(0x10, 0);
    now_ns += 1'000;
    EXPECT_EQ(c.rdtsc(), 3000u);
}

}  // namespace
}  // namespace emu::x86
