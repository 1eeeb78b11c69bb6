// Test support for the x86 core: assemble a snippet with the host's GNU as (32-bit, Intel
// syntax by default) and run it on an X86Core over 16 MiB of RAM (plus an I/O space that
// records port writes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <emu/memory.h>

#include "cpu.h"
#include "x86_core.h"

namespace emu::x86::test {

// Assemble source (GNU as, --32; prefixed with ".intel_syntax noprefix" unless att) into flat
// binary bytes for the given origin. Throws std::runtime_error with as's messages on failure.
std::vector<std::uint8_t> assemble(const std::string& source, std::uint32_t origin = 0, bool att = false);

class Machine {
public:
    static constexpr std::uint64_t kRamSize = 16u << 20;
    Machine();
    ~Machine();

    X86Core& core() { return *core_; }
    Cpu& cpu() { return core_->internal(); }
    AddressSpace& memory() { return *memory_; }
    std::uint8_t* ram() { return ram_->data(); }

    // Copy bytes into RAM at a physical address.
    void load(std::uint32_t address, const std::vector<std::uint8_t>& bytes);
    // Assemble and load code at address, then enter it in flat 32-bit protected mode (x86.h's
    // flat32 state; ESP = 0x80000) or real mode (CS:IP from the address).
    void start32(const std::string& source, std::uint32_t address = 0x10000);
    void start16(const std::string& source, std::uint32_t address = 0x10000);
    // Run until HLT (returns true) or the budget ends (false).
    bool run_to_hlt(std::uint64_t budget = 1000000);

    // Port writes seen (port, value, size), in order; reads return read_value.
    struct PortWrite {
        std::uint16_t port;
        std::uint32_t value;
        unsigned size;
    };
    std::vector<PortWrite> port_writes;
    std::uint32_t port_read_value = 0xFFFFFFFF;

private:
    std::unique_ptr<MemoryRegion> root_, ram_, io_root_, io_dev_;
    std::unique_ptr<AddressSpace> memory_, io_;
    std::unique_ptr<X86Core> core_;
};

// Assemble code + HLT, run it from flat 32-bit protected mode (run32) or real mode (run16),
// expect it to reach the HLT, and return EFLAGS.
std::uint32_t run32(Machine& m, const std::string& code);
std::uint32_t run16(Machine& m, const std::string& code);

}  // namespace emu::x86::test
