// Test harness for the ARM core: a machine with RAM at 0 (16 MiB), a test MMIO device at
// 0x10000000 (writing offset 0x100/0x104 lowers IRQ/FIQ), ROM at 0x20000000, 64 KiB RAM at
// 0xffff0000 (high vectors), nothing else (unassigned: external aborts); programs are the
// assembled progs/*.S, entered at a label; SVC #0 / SVC #0xEE stop the run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arm_core.h"
#include "arm_state.h"
#include "emu/memory.h"

namespace emu::arm::test {

constexpr std::uint32_t kMmioBase = 0x10000000u;
constexpr std::uint32_t kRomBase = 0x20000000u;

class ArmMachine {
public:
    explicit ArmMachine(const std::string& program, ArmConfig config = {});
    ~ArmMachine();

    std::uint32_t sym(const std::string& name) const;
    // Runs from the label (ARM or Thumb state) until SVC #0/#0xEE, WFI or the budget.
    StopReason run_arm(const std::string& label, std::uint64_t budget = 1000000);
    StopReason run_thumb(const std::string& label, std::uint64_t budget = 1000000);
    StopReason resume(std::uint64_t budget = 1000000);

    std::uint32_t r(unsigned n) const { return core->reg(n); }
    std::uint32_t read32(std::uint32_t addr);
    void write32(std::uint32_t addr, std::uint32_t value);
    std::uint8_t* ram() { return ram_->data(); }

    int last_svc = -1;  // immediate of the SVC that stopped the run
    std::vector<std::pair<std::uint32_t, std::uint64_t>> mmio_writes;
    std::unique_ptr<MemoryRegion> root_, ram_, mmio_, rom_, hivec_;
    std::unique_ptr<AddressSpace> as;
    std::unique_ptr<ArmCore> core;

private:
    std::map<std::string, std::uint32_t> syms_;
};

}  // namespace emu::arm::test
