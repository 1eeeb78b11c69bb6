// Building one guest program from many cases, and running it on qemu-i386 and on emu's CPU.
//
// The program is a static i386 Linux ELF without libc: for each case it loads the initial state
// from the case's record, runs the sequence, stores the final state back into the record, and
// at the end writes all records to stdout (write(1, ...), exit(0)) with int 0x80. A fatal signal
// (qemu) or an exception (emu) ends the run with the number of the case that was running.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gen.h"

namespace x86diff {

struct Tools {
    std::string as, ld, objdump, nm, qemu;
};
// Finds the tools on PATH (X86DIFF_QEMU overrides qemu-i386); false + what is missing.
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
    std::uint32_t fault_pc = 0;   // the faulting instruction
    int fault_kind = 0;           // qemu: signal number; emu: exception vector
    std::uint64_t insns = 0;      // instructions executed (emu only)
};

RunResult run_qemu(const Tools& tools, const Program& program);
// ring3: run the program at CPL 3 with IF set, as qemu-i386 does (else at CPL 0, IF clear).
RunResult run_emu(const Program& program, bool ring3 = true);

// objdump of case i's sequence (empty on failure).
std::string disassemble(const Tools& tools, const Program& program, std::size_t i);

std::uint32_t record_addr(std::size_t i);

}  // namespace x86diff
