// The block compiler (x86-64 hosts): turns a hot decoded block of 32- or 64-bit code into host
// code with exactly the behaviour of run_block's interpreter loop. The common integer
// instructions (MOV, the ALU group, TEST, INC/DEC, NOT/NEG, LEA, MOVZX/MOVSX, CMOVcc, SETcc,
// IMUL, shifts and rotates by a constant, PUSH/POP of a register, Jcc/JMP/CALL rel/RET) are
// inlined, their memory operands for the TLB hit on RAM only (anything else calls the
// instruction's handler, which redoes the whole instruction); every other instruction
// becomes a call of its handler.
//
// Guest state stays in the Cpu object: registers are read and written there by every inlined
// instruction, so a handler called in between sees exact state. EFLAGS are taken from the
// host's flags after each flag-setting instruction unless a later inlined instruction of the
// block overwrites them first with nothing in between that can fault or call out (jit.cpp).
//
// Faults: handlers throw Fault (cpu.h's rule) through the compiled frame, which the code
// arena describes to the unwinder (jit_code_buffer.h). Before each call the compiled code
// records which instruction it is and its starting RSP in the JitFrame, so run_block can put
// RIP/RSP back exactly as the interpreter would.
#pragma once

#include <cstddef>
#include <cstdint>

namespace emu::jit {
class CodeBuffer;
}

namespace emu::x86 {

class Cpu;
struct Insn;

// Between run_block and compiled code. Filled by compiled code before every call out: the
// block index of the instruction making it and the RSP that instruction started with.
// A block that jumps back to its own start (a loop) runs again inside the compiled code while
// run_block would let it: budget left for a whole further run, no event posted, no interrupt
// deliverable; it then counts its finished runs in done and takes them from left.
//
// Chaining: a block that ran to its end through inlined code (a jump, a fall-through) asks
// jit_chain() for the next block; when run_block would run it next with nothing to do in
// between and it is compiled, the code jumps into it (same frame). The frame then names the
// block running (block, insns, entry_rip: for the fault rule) and done counts the
// instructions of the blocks (and loop runs) finished before it.
struct JitFrame {
    std::uint64_t rsp = 0;
    std::uint64_t left = 0;  // in: the instruction budget left; taken down by finished runs
    std::uint64_t done = 0;  // out: instructions of the finished runs before the running one
    std::uint32_t index = 0;
    bool nmi_was_blocked = false;  // in: Cpu::nmi_blocked when run_block started
    void* block = nullptr;         // the running block (exec.cpp's Block)
    const Insn* insns = nullptr;   // its instructions
    std::uint64_t entry_rip = 0;   // and the RIP of its first one
};

// Runs a whole block (rip = the block's first instruction on entry) and returns the number of
// instructions of its last run completed: the block's count, or fewer when one left it early
// (a jump taken by a handler, exec_break) with rip already at the next instruction to run.
using JitFn = std::uint32_t (*)(Cpu* cpu, JitFrame* frame);

// Where compiled code goes after a block that ran whole (edx: its instruction count, rip set):
// the entry of the next block's code (kJitChainEntry bytes in), or 0 to return to run_block
// (exec.cpp: the same checks and lookup as run_block's loop, without decoding anything).
std::uintptr_t jit_chain(Cpu* cpu, JitFrame* frame, std::uint32_t completed);
// Size of the prologue part only a call from run_block needs (pushes, frame registers).
constexpr std::size_t kJitChainEntry = 15;

// Executions of a block before it is compiled (code that runs a few times is not worth it).
constexpr std::uint32_t kJitThreshold = 8;
// Code arena per CPU (address space reserved, backed as used).
constexpr std::size_t kJitArenaBytes = 64u << 20;
// Below this much room left, the block cache starts over (with the arena) at the next block
// boundary (more than any one block's code).
constexpr std::size_t kJitArenaReserve = 256u << 10;

// A code arena with the unwind information compiled frames need (null if the host has no JIT).
jit::CodeBuffer* jit_new_arena();

// Compiles count decoded instructions (32-bit code: mode 1, 64-bit code: mode 2) into code;
// null when the arena is full or the mode is not compiled (16-bit code).
JitFn jit_compile(Cpu& c, jit::CodeBuffer& code, const Insn* insns, unsigned count, unsigned mode);

}  // namespace emu::x86
