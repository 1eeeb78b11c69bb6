// Building one 64-bit guest program from many cases (see program.h for the model), and running
// it on qemu-x86_64 and on emu's CPU in 64-bit mode. The program calls the kernel through one
// subroutine (`sys`: SYSCALL; RET). emu runs it in long mode at CPL 3, SYSCALL entering a stub
// (HLT; SYSRETQ) where the harness performs the call (write, exit) when the CPU halts; with
// --ring0 at CPL 0 with that SYSCALL patched to HLT.
#pragma once

#include <vector>

#include "gen64.h"
#include "program.h"

namespace x86diff {

// Finds qemu-x86_64 (X86DIFF_QEMU64 overrides); false + what is missing.
bool find_qemu64(Tools& tools, std::string& missing);

Program build_program64(const Tools& tools, const std::vector<Case64>& cases, const std::string& dir);
RunResult run_qemu64(const Tools& tools, const Program& program);
// ring3: at CPL 3 with IF set, as qemu-x86_64 runs it (else at CPL 0, IF clear).
RunResult run_emu64(const Program& program, bool ring3 = true);
std::uint32_t record_addr64(std::size_t i);

}  // namespace x86diff
