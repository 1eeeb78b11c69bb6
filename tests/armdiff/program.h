// Building one guest program from many cases, and running it on qemu-arm and on emu's CPU.
//
// The program is a static ARM Linux ELF without libc: for each case it loads the initial state
// from the case's record, runs the sequence, stores the final state back into the record, and
// at the end writes all records to stdout (write(1, ...), exit(0)). A fatal signal (qemu) or an
// exception vector (emu) ends the run with the number of the case that was running.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gen.h"

namespace armdiff {

struct Tools {
    std::string as, ld, objdump, nm, qemu;
};
// Finds the tools on PATH (ARMDIFF_QEMU / ARMDIFF_TOOLPREFIX override); false + what is missing.
bool find_tools(Tools& tools, std::string& missing);

struct Program {
    std::string dir, elf;
    std::size_t ncases = 0;
    std::uint64_t harness_insns = 0;  // instructions outside the sequences (per full run)
    std::map<std::string, std::uint32_t> symbols;
};

// Writes prog.s, data.bin and link.ld into dir and assembles/links prog.elf. Throws
// std::runtime_error with the tool output on failure.
Program build_program(const Tools& tools, const std::vector<Case>& cases, const std::string& dir);

struct RunResult {
    bool ok = false;
    std::vector<std::uint8_t> records;  // ncases * kRecSize bytes when ok
    std::string error;
    int fault_case = -1;          // case running when a signal / exception hit
    std::uint32_t fault_pc = 0;   // qemu: the faulting instruction; emu: LR of the exception mode
    int fault_kind = 0;           // qemu: signal number; emu: exception vector index (1 undef, 4 data abort)
    std::uint64_t insns = 0;      // instructions executed (emu only)
};

RunResult run_qemu(const Tools& tools, const Program& program);
RunResult run_emu(const Program& program);

// objdump of case i's sequence (empty on failure).
std::string disassemble(const Tools& tools, const Program& program, std::size_t i);

std::uint32_t record_addr(std::size_t i);

}  // namespace armdiff
