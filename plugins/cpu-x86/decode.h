// Instruction decoding for the integer unit: one instruction at CS:rip is decoded into an Insn
// (prefixes, opcode, ModRM/SIB operand description, immediates, handler) and then executed by
// its handler. The Insn depends only on the instruction bytes and the CS default size, so a
// decoded-instruction cache can later keep Insns keyed by address; the effective address is
// computed from the registers at execution time (ea()).
#pragma once

#include <cstdint>

#include "cpu.h"
#include "flags.h"

namespace emu::x86 {

struct Insn;
using Handler = void (*)(Cpu&, const Insn&);

constexpr std::uint8_t kNoReg = 0xFF;

struct Insn {
    Handler handler = nullptr;
    std::uint32_t imm = 0;   // first immediate (ib zero- or sign-extended as the opcode says)
    std::uint32_t disp = 0;  // displacement (sign-extended); the second immediate of the
                             // forms without ModRM: ENTER's nesting level, a far pointer's selector
    std::uint16_t opcode = 0;  // 0x00-0xFF one-byte map, 0x100-0x1FF the 0F map
    std::uint8_t len = 0;
    std::uint8_t mod = 3, reg = 0, rm = 0;  // ModRM fields (mod = 3 also when there is none)
    std::uint8_t base = kNoReg, index = kNoReg, scale = 0;  // memory operand registers
    std::uint8_t seg = DS;     // segment of the memory operand (after overrides)
    std::uint8_t rep = 0;      // 0, 0xF2 (REPNE) or 0xF3 (REP/REPE)
    std::uint8_t modrm = 0;    // the raw ModRM byte (x87 escapes)
    // One byte of flags keeps an Insn at 32 bytes (blocks hold arrays of them).
    bool op32 : 1 = true;
    bool addr32 : 1 = true;
    bool lock : 1 = false;
    bool seg_override : 1 = false;
    bool seq : 1 = false;      // falls through to the next instruction without mode effects (blocks)

    unsigned osize() const { return op32 ? 4u : 2u; }
    bool memory() const { return mod != 3; }
};

// Decode the instruction at CS:rip (raises #UD/#GP(0) for bad encodings, #PF/#GP on fetch).
void decode(Cpu& cpu, Insn& insn);

// A specialised handler for the decoded instruction's form (exec_fast.cpp), or null; decode()
// installs it (and may renumber rm for opcodes that name their register in the low bits).
Handler specialize(Insn& d);

// ---- Operand access shared by the handlers -------------------------------------------------

// Effective address (offset in the segment) of the memory operand.
inline std::uint32_t ea(const Cpu& c, const Insn& d) {
    std::uint32_t a = d.disp;
    if (d.base != kNoReg) a += static_cast<std::uint32_t>(c.gpr[d.base]);
    if (d.index != kNoReg) a += static_cast<std::uint32_t>(c.gpr[d.index]) << d.scale;
    return d.addr32 ? a : (a & 0xFFFF);
}

// General registers by operand size (size 1: AL CL DL BL AH CH DH BH).
inline std::uint32_t get_reg(const Cpu& c, unsigned r, unsigned size) {
    if (size == 4) return static_cast<std::uint32_t>(c.gpr[r]);
    if (size == 2) return static_cast<std::uint16_t>(c.gpr[r]);
    return r < 4 ? static_cast<std::uint8_t>(c.gpr[r]) : static_cast<std::uint8_t>(c.gpr[r - 4] >> 8);
}

inline void put_reg(Cpu& c, unsigned r, unsigned size, std::uint32_t v) {
    if (size == 4)
        c.gpr[r] = v;
    else if (size == 2)
        c.gpr[r] = (c.gpr[r] & ~0xFFFFull) | (v & 0xFFFF);
    else if (r < 4)
        c.gpr[r] = (c.gpr[r] & ~0xFFull) | (v & 0xFF);
    else
        c.gpr[r - 4] = (c.gpr[r - 4] & ~0xFF00ull) | ((v & 0xFFull) << 8);
}

inline Seg mseg(const Insn& d) { return static_cast<Seg>(d.seg); }

// Inline fast paths of Cpu::read/write for the common case, falling back to them otherwise: an
// expand-up present data segment (readable; writable for writes: the rights then need no mode
// test, and real mode's rules are the same limit check), the access inside the limit and
// aligned (so inside one page and never an #AC), and a TLB hit on RAM.
constexpr std::uint16_t kFastSegMask = 0x80 | 0x10 | 0x08 | 0x04;  // P, S, code, expand-down

inline const std::uint8_t* fast_host(Cpu& c, Seg s, std::uint32_t off, unsigned size, bool write) {
    const Segment& sg = c.seg[s];
    const std::uint16_t want = write ? 0x92 : 0x90;
    if ((sg.attr & (kFastSegMask | (write ? 0x02 : 0))) != want ||
        static_cast<std::uint64_t>(off) + (size - 1) > sg.limit) [[unlikely]]
        return nullptr;
    const std::uint64_t linear = (sg.base + off) & 0xFFFFFFFFu;
    if (linear & (size - 1)) [[unlikely]]
        return nullptr;
    const TlbEntry& e = c.tlb.entry(c.cpl == 3, write ? 1 : 0, linear);
    if (e.tag != (linear & ~0xFFFull)) [[unlikely]]
        return nullptr;
    return e.host ? e.host + (linear & 0xFFF) : nullptr;
}

inline std::uint32_t mem_read(Cpu& c, Seg s, std::uint32_t off, unsigned size) {
    if (const std::uint8_t* p = fast_host(c, s, off, size, false)) [[likely]] {
        if (size == 4) { std::uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
        if (size == 2) { std::uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
        return *p;
    }
    return static_cast<std::uint32_t>(c.read(s, off, size));
}

inline void mem_write(Cpu& c, Seg s, std::uint32_t off, unsigned size, std::uint32_t v) {
    if (std::uint8_t* p = const_cast<std::uint8_t*>(fast_host(c, s, off, size, true))) [[likely]] {
        c.note_store(p);
        if (size == 4) __builtin_memcpy(p, &v, 4);
        else if (size == 2) { const auto h = static_cast<std::uint16_t>(v); __builtin_memcpy(p, &h, 2); }
        else *p = static_cast<std::uint8_t>(v);
        return;
    }
    c.write(s, off, size, v);
}

// PUSH/POP of 2 or 4 bytes on SS:ESP (as Cpu::push/pop).
inline void fast_push(Cpu& c, std::uint32_t value, unsigned size) {
    if (c.stack32()) {
        const std::uint32_t sp = static_cast<std::uint32_t>(c.gpr[kEsp]) - size;
        mem_write(c, SS, sp, size, value);
        c.gpr[kEsp] = sp;
        return;
    }
    c.push(value, size);
}

inline std::uint32_t fast_pop(Cpu& c, unsigned size) {
    if (c.stack32()) {
        const auto sp = static_cast<std::uint32_t>(c.gpr[kEsp]);
        const std::uint32_t v = mem_read(c, SS, sp, size);
        c.gpr[kEsp] = static_cast<std::uint32_t>(sp + size);
        return v;
    }
    return static_cast<std::uint32_t>(c.pop(size));
}

inline std::uint32_t read_rm(Cpu& c, const Insn& d, unsigned size) {
    if (d.mod == 3) return get_reg(c, d.rm, size);
    return mem_read(c, mseg(d), ea(c, d), size);
}

inline void write_rm(Cpu& c, const Insn& d, unsigned size, std::uint32_t v) {
    if (d.mod == 3)
        put_reg(c, d.rm, size, v);
    else
        mem_write(c, mseg(d), ea(c, d), size, v);
}

inline void set_arith(Cpu& c, std::uint32_t f) { c.eflags_ = (c.eflags_ & ~kArithFlags) | f; }

// The address of the instruction being executed (step() has already moved rip past it).
inline std::uint64_t insn_start(const Cpu& c, const Insn& d) {
    return (c.rip - d.len) & (c.code32() ? 0xFFFFFFFFull : 0xFFFFull);
}

// A near jump to target (masked to the operand size; #GP(0) beyond the CS limit).
inline void near_jump(Cpu& c, const Insn& d, std::uint32_t target) {
    if (!d.op32) target &= 0xFFFF;
    if (target > c.seg[CS].limit) c.raise(vec::GP, 0);
    c.rip = target;
}

// Privileged instructions: #GP(0) unless CPL 0 (real mode is CPL 0; v8086 is CPL 3).
inline void require_cpl0(Cpu& c) {
    if (c.cpl != 0) c.raise(vec::GP, 0);
}

// INC/DEC of a ModRM operand (FE/FF /0 /1; exec_alu.cpp).
void incdec_rm(Cpu& c, const Insn& d, unsigned size, bool dec);

// ---- Handlers (exec_*.cpp) -------------------------------------------------------------
#define EMU_X86_HANDLERS(X)                                                                  \
    X(ud) X(alu) X(grp1) X(incdec_reg) X(test) X(grp3) X(grp4) X(grp5) X(shift) X(shiftd)   \
    X(imul_rm) X(imul_imm) X(bcd) X(salc) X(bt) X(bsf_bsr) X(setcc) X(cmov) X(xadd)          \
    X(cmpxchg) X(grp9) X(cbw_cwd) X(mov) X(mov_imm) X(mov_moffs) X(mov_sreg) X(movzx_movsx) \
    X(xchg) X(xchg_eax) X(lea) X(bswap) X(push_reg) X(pop_reg) X(push_imm) X(pop_rm)        \
    X(push_sreg) X(pop_sreg) X(pusha) X(popa) X(pushf) X(popf) X(enter) X(leave) X(lahf)   \
    X(sahf) X(flagop) X(xlat) X(load_far) X(bound) X(nop) X(string) X(inout) X(jcc)         \
    X(jmp_rel) X(call_rel) X(ret_near) X(far_ptr) X(retf) X(iret) X(int_n) X(loop) X(hlt)   \
    X(arpl) X(fpu) X(fwait) X(grp6) X(grp7) X(lar_lsl) X(clts) X(mov_cr) X(mov_dr) X(invd)  \
    X(wrmsr) X(rdtsc) X(rdmsr) X(rdpmc) X(sysenter) X(sysexit) X(cpuid) X(grp15) X(ud2)

#define EMU_X86_DECLARE(name) void h_##name(Cpu& c, const Insn& d);
EMU_X86_HANDLERS(EMU_X86_DECLARE)
#undef EMU_X86_DECLARE

}  // namespace emu::x86
