// The block compiler (x86-64 hosts): turns a hot decoded block into host code with the same
// behaviour as execute_block's loop. Generic instructions become a call of their handler;
// branches, plain data processing, MOVW/MOVT and the specialised single loads/stores are
// inlined (the loads/stores only for the TLB hit; a miss calls the handler, which redoes the
// access). A compiled block's exits jump straight into the next compiled block when run()
// would have nothing else to do in between (chaining, jit.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "insn.h"

namespace emu::arm {

class Cpu;
struct Block;

// Where compiled code left: the block that was running (chained blocks replace the one run()
// called) and the index of the instruction that left it.
struct JitExit {
    Block* block = nullptr;
    std::uint32_t index = 0;
};

// Compiled block: runs its block's instructions on the cpu (r[15] = block address,
// exec_pcbase set, exit->block = the block), and, while nothing needs run()'s attention,
// the compiled blocks its exits chain to (see "Chaining" in jit.cpp). Returns the exit code of
// the instruction that left (kCont: the block ran to its end) and fills *exit.
using JitFn = int (*)(Cpu* cpu, JitExit* exit);

// Executions of a block before it is compiled (code that runs a few times is not worth it).
constexpr std::uint32_t kJitThreshold = 8;
// A chained jump enters a block's code this many bytes in, past the prologue that only the
// call from run() needs (jit.cpp checks the prologue has this size).
constexpr std::size_t kJitPrologueBytes = 11;
// A block exit chains only while at least this many instructions are left in the budget after
// it, so the next block (at most 64 instructions) runs whole, as run() requires of compiled code.
constexpr std::uint64_t kJitChainBudget = 64;
// Code arena per CPU (address space reserved, backed as used). When it fills up the whole code
// cache is flushed, as when the block arena does.
constexpr std::size_t kJitArenaBytes = 64u << 20;

// Compiles b into the cpu's code arena and sets b.jit; false when the arena is full (a flush
// is then requested) or the host has no JIT.
bool jit_compile(Cpu& c, Block& b);

// Handler classification for the compiler (exec_dp.cpp, exec_ldst.cpp).
struct DpForm {
    int op = 0, kind = 0;
    bool s = false;
};
bool dp_form(Handler h, DpForm& out);  // the specialised dp<OP, KIND, S> (not Rd = PC)
struct LdstForm {
    unsigned size = 4;
    bool sign = false, load = false, reg = false;
    int mode = 0;  // 0 offset, 1 pre-indexed with writeback, 2 post-indexed
};
bool ldst_form(Handler h, LdstForm& out);  // the TLB-fast-path ldst<...> handlers

}  // namespace emu::arm
