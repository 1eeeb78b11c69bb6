// The block compiler (x86-64 hosts): turns a hot decoded block into host code with the same
// behaviour as execute_block's loop. Generic instructions become a call of their handler;
// plain data processing, MOVW/MOVT and the specialised single loads/stores are inlined (the
// loads/stores only for the TLB hit; a miss calls the handler, which redoes the access).
#pragma once

#include <cstddef>
#include <cstdint>

#include "insn.h"

namespace emu::arm {

class Cpu;
struct Block;

// Compiled block: runs insns[0..count) on the cpu (r[15] = block address, exec_pcbase set);
// returns the exit code of the instruction that left (kCont: ran to the end) and stores its
// index in *last_index.
using JitFn = int (*)(Cpu* cpu, const Insn* insns, std::uint32_t* last_index);

// Executions of a block before it is compiled (code that runs a few times is not worth it).
constexpr std::uint32_t kJitThreshold = 8;
// Blocks with fewer inline-compiled instructions are not worth compiling.
constexpr unsigned kJitMinInline = 2;
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
