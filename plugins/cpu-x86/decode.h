// Instruction decoding for the integer unit: one instruction at CS:rip is decoded into an Insn
// (prefixes, opcode, ModRM/SIB operand description, immediates, handler) and then executed by
// its handler. The Insn depends only on the instruction bytes, the CS default size and whether
// the CPU is in 64-bit mode, so the decoded-block cache keeps Insns keyed by those; the
// effective address is computed from the registers at execution time (ea()).
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
    std::uint32_t imm = 0;   // first immediate (ib zero- or sign-extended as the opcode says;
                             // 64-bit operations sign-extend it again: imm_s()). The high half
                             // of MOV r64, imm64 and of a 64-bit moffs is in disp resp. imm.
    std::uint32_t disp = 0;  // displacement (sign-extended); the second immediate of the
                             // forms without ModRM: ENTER's nesting level, a far pointer's selector
    std::uint16_t opcode = 0;  // 0x00-0xFF one-byte map, 0x100-0x1FF the 0F map
    std::uint8_t len = 0;
    // ModRM fields (mod = 3 also when there is none); reg/rm are 0-15 with REX.R/REX.B. The
    // opcodes that name a register in their low bits (40-5F, 90-97, B0-BF, 0F C8-CF) have it
    // in rm (with REX.B).
    std::uint8_t mod = 3, reg = 0, rm = 0;
    // Memory operand registers (0-15; base kRipBase: RIP-relative, index kNoReg: none).
    std::uint8_t base = kNoReg, index = kNoReg, scale = 0;
    std::uint8_t seg = DS;     // segment of the memory operand (after overrides)
    std::uint8_t rep = 0;      // 0, 0xF2 (REPNE) or 0xF3 (REP/REPE): the last one
    std::uint8_t modrm = 0;    // the raw ModRM byte (x87 escapes)
    std::uint8_t rex = 0;      // the REX prefix (64-bit mode), 0 if none
    std::uint8_t asize = 4;    // address size in bytes: 2, 4 or 8
    // One byte of flags keeps an Insn at 32 bytes (blocks hold arrays of them).
    bool op32 : 1 = true;      // operand size 32 or 64 (not 16): osize() tells which
    bool addr32 : 1 = true;    // address size 32 or 64 (not 16)
    bool lock : 1 = false;
    bool seg_override : 1 = false;
    bool seq : 1 = false;      // falls through to the next instruction without mode effects (blocks)
    bool op64 : 1 = false;     // operand size 64 (REX.W, or the 64-bit default of stack/branch ops)
    bool opsize_prefix : 1 = false;  // a 66 prefix was present (SSE's mandatory prefix)
    bool long_ea : 1 = false;  // ea() takes the 64-bit path (64-bit addressing or RIP-relative)

    unsigned osize() const { return op64 ? 8u : op32 ? 4u : 2u; }
    bool memory() const { return mod != 3; }
};

// Decoder register numbers beyond the 16 GPRs.
constexpr std::uint8_t kRipBase = 0xFE;  // Insn::base of a RIP-relative operand

// The first immediate sign-extended to 64 bits (64-bit operations take imm32 sign-extended;
// for smaller sizes it is the same value once masked).
inline std::uint64_t imm_s(const Insn& d) {
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(d.imm)));
}

// Decode the instruction at CS:rip (raises #UD/#GP(0) for bad encodings, #PF/#GP on fetch).
void decode(Cpu& cpu, Insn& insn);

// The handler of an opcode (0x00-0x1FF) before specialisation (exec_locked.cpp's h_locked runs it).
Handler base_handler(unsigned opcode);
// LOCKed instructions and XCHG with memory (exec_locked.cpp).
void h_locked(Cpu& c, const Insn& d);

// A specialised handler for the decoded instruction's form (exec_fast.cpp), or null; decode()
// installs it (and may rearrange reg/rm). mode64: the instruction was decoded in 64-bit mode.
Handler specialize(Insn& d, bool mode64);

// ---- Operand access shared by the handlers -------------------------------------------------

// Effective address of a 64-bit mode operand: 64-bit addressing, or RIP-relative (the address
// of the next instruction: step() has already moved rip there), truncated with 32-bit addressing.
inline std::uint64_t ea_long(const Cpu& c, const Insn& d) {
    std::uint64_t a = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(d.disp)));
    if (d.base == kRipBase)
        a += c.rip;
    else if (d.base != kNoReg)
        a += c.gpr[d.base];
    if (d.index != kNoReg) a += c.gpr[d.index] << d.scale;
    return d.asize == 8 ? a : (a & 0xFFFFFFFFu);
}

// The 16/32-bit address computation (outside 64-bit mode, and 67-prefixed non-RIP-relative
// operands in it).
[[gnu::always_inline]] inline std::uint32_t ea_legacy(const Cpu& c, const Insn& d) {
    std::uint32_t a = d.disp;
    if (d.base != kNoReg) a += static_cast<std::uint32_t>(c.gpr[d.base]);
    if (d.index != kNoReg) a += static_cast<std::uint32_t>(c.gpr[d.index]) << d.scale;
    return d.addr32 ? a : (a & 0xFFFF);
}

// Effective address (offset in the segment) of the memory operand.
[[gnu::always_inline]] inline std::uint64_t ea(const Cpu& c, const Insn& d) {
    if (d.long_ea) [[unlikely]]
        return ea_long(c, d);
    return ea_legacy(c, d);
}

// The same for code that knows whether it runs in 64-bit mode (Long), so the other mode's
// case costs nothing (exec_fast.cpp's handlers are made per mode).
template <bool Long>
[[gnu::always_inline]] inline std::uint64_t ea_m(const Cpu& c, const Insn& d) {
    if constexpr (Long)
        return ea(c, d);
    else
        return ea_legacy(c, d);
}

// An offset plus n within the instruction's address size (the next part of a far pointer, a
// descriptor-table image or a bit string).
inline std::uint64_t add_offset(const Insn& d, std::uint64_t off, std::uint64_t n) {
    const std::uint64_t r = off + n;
    return d.asize == 8 ? r : d.asize == 4 ? (r & 0xFFFFFFFFu) : (r & 0xFFFF);
}

// General registers by operand size. Size 1: registers 0-3 and 8-15 are the low bytes; 4-7 are
// AH CH DH BH, or SPL BPL SIL DIL when the instruction has a REX prefix (rex). A 32-bit write
// zero-extends into the 64-bit register; 8- and 16-bit writes keep the other bits.
inline std::uint64_t get_reg(const Cpu& c, unsigned r, unsigned size, bool rex = false) {
    if (size == 4) return static_cast<std::uint32_t>(c.gpr[r]);
    if (size == 8) return c.gpr[r];
    if (size == 2) return static_cast<std::uint16_t>(c.gpr[r]);
    return (r < 4 || r >= 8 || rex) ? static_cast<std::uint8_t>(c.gpr[r]) : static_cast<std::uint8_t>(c.gpr[r - 4] >> 8);
}

inline void put_reg(Cpu& c, unsigned r, unsigned size, std::uint64_t v, bool rex = false) {
    if (size == 4)
        c.gpr[r] = static_cast<std::uint32_t>(v);
    else if (size == 8)
        c.gpr[r] = v;
    else if (size == 2)
        c.gpr[r] = (c.gpr[r] & ~0xFFFFull) | (v & 0xFFFF);
    else if (r < 4 || r >= 8 || rex)
        c.gpr[r] = (c.gpr[r] & ~0xFFull) | (v & 0xFF);
    else
        c.gpr[r - 4] = (c.gpr[r - 4] & ~0xFF00ull) | ((v & 0xFFull) << 8);
}

// The ModRM.reg register operand.
inline std::uint64_t get_regop(const Cpu& c, const Insn& d, unsigned size) { return get_reg(c, d.reg, size, d.rex); }
inline void put_regop(Cpu& c, const Insn& d, unsigned size, std::uint64_t v) { put_reg(c, d.reg, size, v, d.rex); }

inline Seg mseg(const Insn& d) { return static_cast<Seg>(d.seg); }

// The memory fast paths are forced inline: they are most of the cost of the handlers that use
// them, and a call per access (GCC's choice once the 64-bit cases made them bigger) costs the
// i386 guests about a tenth of their speed.
//
// Inline fast paths of Cpu::read/write for the common case, falling back to them otherwise: an
// expand-up present data segment (readable; writable for writes: the rights then need no mode
// test, and real mode's rules are the same limit check), the access inside the limit and
// aligned (so inside one page and never an #AC), and a TLB hit on RAM. In 64-bit mode there
// are no limits or rights, the base is 0 except for FS/GS, and a non-canonical address takes
// the slow path (which raises the fault).
constexpr std::uint16_t kFastSegMask = 0x80 | 0x10 | 0x08 | 0x04;  // P, S, code, expand-down

template <bool Long>
[[gnu::always_inline]] inline const std::uint8_t* fast_host_m(Cpu& c, Seg s, std::uint64_t off, unsigned size, bool write) {
    const Segment& sg = c.seg[s];
    std::uint64_t linear;
    if constexpr (Long) {
        linear = s >= FS ? sg.base + off : off;
        if (!Cpu::canonical(linear)) return nullptr;
    } else {
        const std::uint16_t want = write ? 0x92 : 0x90;
        if ((sg.attr & (kFastSegMask | (write ? 0x02 : 0))) != want || off + (size - 1) > sg.limit) [[unlikely]]
            return nullptr;
        linear = (sg.base + off) & 0xFFFFFFFFu;
    }
    if (linear & (size - 1)) [[unlikely]]
        return nullptr;
    const TlbEntry& e = c.tlb.entry(c.cpl == 3, write ? 1 : 0, linear);
    if (e.tag != (linear & ~0xFFFull)) [[unlikely]]
        return nullptr;
    return e.host ? e.host + (linear & 0xFFF) : nullptr;
}

[[gnu::always_inline]] inline const std::uint8_t* fast_host(Cpu& c, Seg s, std::uint64_t off, unsigned size, bool write) {
    if (c.code64()) [[unlikely]]
        return fast_host_m<true>(c, s, off, size, write);
    return fast_host_m<false>(c, s, off, size, write);
}

[[gnu::always_inline]] inline std::uint64_t load_host(const std::uint8_t* p, unsigned size) {
    if (size == 4) { std::uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
    if (size == 8) { std::uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
    if (size == 2) { std::uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
    return *p;
}

[[gnu::always_inline]] inline void store_host(Cpu& c, std::uint8_t* p, unsigned size, std::uint64_t v) {
    if (c.lock_active) [[unlikely]] {
        c.locked_store(p, size, v);
        return;
    }
    c.note_store(p);
    if (size == 4) { const auto w = static_cast<std::uint32_t>(v); __builtin_memcpy(p, &w, 4); }
    else if (size == 8) __builtin_memcpy(p, &v, 8);
    else if (size == 2) { const auto h = static_cast<std::uint16_t>(v); __builtin_memcpy(p, &h, 2); }
    else *p = static_cast<std::uint8_t>(v);
}

[[gnu::always_inline]] inline std::uint64_t mem_read(Cpu& c, Seg s, std::uint64_t off, unsigned size) {
    if (const std::uint8_t* p = fast_host(c, s, off, size, false)) [[likely]]
        return c.lock_active ? c.locked_load(p, size) : load_host(p, size);
    return c.read(s, off, size);
}

[[gnu::always_inline]] inline void mem_write(Cpu& c, Seg s, std::uint64_t off, unsigned size, std::uint64_t v) {
    if (std::uint8_t* p = const_cast<std::uint8_t*>(fast_host(c, s, off, size, true))) [[likely]] {
        store_host(c, p, size, v);
        return;
    }
    c.write(s, off, size, v);
}

// mem_read/mem_write for code that knows the mode (see ea_m).
template <bool Long>
[[gnu::always_inline]] inline std::uint64_t mem_read_m(Cpu& c, Seg s, std::uint64_t off, unsigned size) {
    if (const std::uint8_t* p = fast_host_m<Long>(c, s, off, size, false)) [[likely]]
        return c.lock_active ? c.locked_load(p, size) : load_host(p, size);
    return c.read(s, off, size);
}

template <bool Long>
[[gnu::always_inline]] inline void mem_write_m(Cpu& c, Seg s, std::uint64_t off, unsigned size, std::uint64_t v) {
    if (std::uint8_t* p = const_cast<std::uint8_t*>(fast_host_m<Long>(c, s, off, size, true))) [[likely]] {
        store_host(c, p, size, v);
        return;
    }
    c.write(s, off, size, v);
}

// PUSH/POP of 2, 4 or 8 bytes on SS:ESP (as Cpu::push/pop); 64-bit mode uses all of RSP.
[[gnu::always_inline]] inline void fast_push(Cpu& c, std::uint64_t value, unsigned size) {
    if (c.code64()) [[unlikely]] {
        const std::uint64_t sp = c.gpr[kEsp] - size;
        mem_write(c, SS, sp, size, value);
        c.gpr[kEsp] = sp;
        return;
    }
    if (c.stack32()) {
        const std::uint32_t sp = static_cast<std::uint32_t>(c.gpr[kEsp]) - size;
        mem_write(c, SS, sp, size, value);
        c.gpr[kEsp] = sp;
        return;
    }
    c.push(value, size);
}

[[gnu::always_inline]] inline std::uint64_t fast_pop(Cpu& c, unsigned size) {
    if (c.code64()) [[unlikely]] {
        const std::uint64_t sp = c.gpr[kEsp];
        const std::uint64_t v = mem_read(c, SS, sp, size);
        c.gpr[kEsp] = sp + size;
        return v;
    }
    if (c.stack32()) {
        const auto sp = static_cast<std::uint32_t>(c.gpr[kEsp]);
        const std::uint64_t v = mem_read(c, SS, sp, size);
        c.gpr[kEsp] = static_cast<std::uint32_t>(sp + size);
        return v;
    }
    return c.pop(size);
}

// The ModRM.rm operand (register or memory).
[[gnu::always_inline]] inline std::uint64_t read_rm(Cpu& c, const Insn& d, unsigned size) {
    if (d.mod == 3) return get_reg(c, d.rm, size, d.rex);
    return mem_read(c, mseg(d), ea(c, d), size);
}

[[gnu::always_inline]] inline void write_rm(Cpu& c, const Insn& d, unsigned size, std::uint64_t v) {
    if (d.mod == 3)
        put_reg(c, d.rm, size, v, d.rex);
    else
        mem_write(c, mseg(d), ea(c, d), size, v);
}

inline void set_arith(Cpu& c, std::uint32_t f) { c.eflags_ = (c.eflags_ & ~kArithFlags) | f; }

// The address of the instruction being executed (step() has already moved rip past it).
inline std::uint64_t insn_start(const Cpu& c, const Insn& d) {
    if (c.code64()) [[unlikely]]
        return c.rip - d.len;
    return (c.rip - d.len) & (c.code32() ? 0xFFFFFFFFull : 0xFFFFull);
}

// A near jump to target (masked to the operand size; #GP(0) beyond the CS limit, or in 64-bit
// mode when not canonical).
inline void near_jump(Cpu& c, const Insn& d, std::uint64_t target) {
    if (c.code64()) [[unlikely]] {
        if (!d.op32) target &= 0xFFFF;
        if (!Cpu::canonical(target)) c.raise(vec::GP, 0);
        c.rip = target;
        return;
    }
    target &= d.op32 ? 0xFFFFFFFFu : 0xFFFFu;
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
    X(wrmsr) X(rdtsc) X(rdmsr) X(rdpmc) X(sysenter) X(sysexit) X(cpuid) X(grp15) X(ud2)     \
    X(movsxd) X(syscall) X(sysret)

#define EMU_X86_DECLARE(name) void h_##name(Cpu& c, const Insn& d);
EMU_X86_HANDLERS(EMU_X86_DECLARE)
#undef EMU_X86_DECLARE

}  // namespace emu::x86
