// The block compiler. Register use in compiled code: rbx = Cpu*, r13 = the JitFrame, r12 = the
// RIP of the block's first instruction (every RIP in the block is r12 plus a constant), r14 =
// the TLB arrays of the current privilege (user or supervisor: CPL cannot change inside a block,
// the instructions that change it end blocks); rax, rcx, rdx, rsi, rdi, r8-r11 are scratch within
// one instruction. All five are callee-saved, so they survive handler calls, and the frame
// (five pushes) keeps rsp 16-byte aligned at calls.
//
// Per instruction the compiler picks one of:
//   * a handler call: record the index and RSP in the JitFrame, set rip to the next
//     instruction, call handler(cpu, insn); then leave the block (returning the count so far)
//     if the handler moved rip elsewhere or set exec_break, exactly as run_block's loop does;
//   * inline code (the forms listed in jit.h), which touches guest registers in the Cpu. Its
//     memory operand takes the interpreter's fast path (fast_host_m: segment checks, alignment,
//     TLB hit on RAM) inline; a miss jumps out of line to the handler call of the same
//     instruction, which does everything again from the unchanged state, then comes back.
//
// Flags: an inlined instruction that sets arithmetic flags copies them from the host's EFLAGS
// (pushfq), fixing up the ones whose host value is undefined (AF of logic ops and shifts, OF of
// multi-bit shifts and rotates: the interpreter's values). It skips the flags a later inlined
// instruction overwrites before anything reads them, but only across instructions that cannot
// call out: a handler call (or an inline slow path) may fault and push EFLAGS, so all flags are
// exact before it.
#include "jit.h"

#include <vector>

#include "decode.h"
#include "emu/jit_code_buffer.h"

#if defined(__x86_64__)
#include "emu/jit_x86_emitter.h"
#endif

namespace emu::x86 {

#if defined(__x86_64__)

namespace {

namespace J = emu::jit;
using J::Mem;
using J::Reg;
using J::rax;
using J::rbx;
using J::rcx;
using J::rdi;
using J::rdx;
using J::rsi;
using J::rsp;
using J::r10;
using J::r11;
using J::r12;
using J::r13;
using J::r14;

// The callee-saved registers the prologue pushes, in order (DWARF numbers for the unwinder).
constexpr std::uint8_t kDwarfRbx = 3, kDwarfR12 = 12, kDwarfR13 = 13, kDwarfR14 = 14, kDwarfR15 = 15;

struct Offsets {
    std::int32_t gpr, rip, eflags, seg, cpl, tlb, exec_page, exec_break, async_events;
};

Offsets offsets_of(Cpu& c) {
    const char* base = reinterpret_cast<const char*>(&c);
    auto at = [base](const void* p) { return static_cast<std::int32_t>(static_cast<const char*>(p) - base); };
    return {at(&c.gpr[0]), at(&c.rip),       at(&c.eflags_),   at(&c.seg[0]),
            at(&c.cpl),    at(&c.tlb.entries[0][0][0]), at(&c.exec_page), at(&c.exec_break),
            at(&c.async_events)};
}

// Whether run_block would stop after a block for an interrupt (IF is set: the caller checked).
// Returns int: compiled code tests all of eax.
int interrupt_due(const Cpu* c) { return c->interrupt_source && c->interrupt_source->interrupt_pending() ? 1 : 0; }

constexpr std::int32_t kFrameIndex = offsetof(JitFrame, index), kFrameRsp = offsetof(JitFrame, rsp),
                       kFrameLeft = offsetof(JitFrame, left), kFrameDone = offsetof(JitFrame, done);
constexpr std::int32_t kSegBase = offsetof(Segment, base), kSegLimit = offsetof(Segment, limit),
                       kSegAttr = offsetof(Segment, attr);
constexpr std::int32_t kTlbTag = offsetof(TlbEntry, tag), kTlbHost = offsetof(TlbEntry, host);
constexpr std::int32_t kTlbAccessStride = static_cast<std::int32_t>(Tlb::kSize * sizeof(TlbEntry));
constexpr std::int32_t kTlbUserStride = 3 * kTlbAccessStride;
static_assert(sizeof(Cpu::cpl) == 4 && sizeof(Cpu::exec_break) == 1 && sizeof(Cpu::eflags_) == 4,
              "compiled code reads these fields with these widths");
static_assert(sizeof(Segment::attr) == 2 && sizeof(Segment::limit) == 4);
static_assert(sizeof(std::atomic<std::uint32_t>) == 4, "compiled code reads async_events as a plain word");

constexpr std::uint32_t kOsz = kCF | kPF | kZF | kSF;  // the flags every shift leaves defined

// What the compiler does with one instruction.
enum class Kind : std::uint8_t {
    Call,        // handler call
    Alu,         // ADD OR ADC SBB AND SUB XOR CMP: 01/03/05, 81, 83
    Test,        // 85, A9, F7 /0
    Mov,         // 89/8B, C7 /0, B8+r
    Mov8,        // 88/8A, C6 /0
    Lea,         // 8D
    IncDec,      // 40-4F (outside 64-bit mode), FF /0 /1
    NotNeg,      // F7 /2 /3
    Movx,        // 0F B6/B7/BE/BF, 63 (MOVSXD)
    Cmov,        // 0F 40-4F
    Setcc,       // 0F 90-9F, register form
    Shift,       // C1/D1 ROL ROR SHL SHR SAR, register form, count != 0
    Imul,        // 0F AF
    Push,        // 50-57 (register)
    Pop,         // 58-5F (register)
    CallRel,     // E8 (the block's last instruction)
    Ret,         // C3 (the block's last instruction)
    Jcc,         // 70-7F, 0F 80-8F
    Jmp,         // E9, EB
};

struct Plan {
    Kind kind = Kind::Call;
    std::uint8_t op = 0;       // ALU op / shift op / condition code / unary digit
    std::uint8_t size = 4;     // operand size
    std::uint8_t src_size = 0; // Movx: source size (4 for MOVSXD)
    bool sign = false;         // Movx: sign-extend
    bool mem = false;          // has a memory operand accessed through the TLB
    bool write = false;        // ... which it writes
    bool imm = false;          // source is the immediate
    bool mem_dst = false;      // Alu: the memory operand is the destination ([m] op= src)
    std::uint8_t dst = 0, src = 0;  // register operands (meaning per kind)
    std::uint32_t writes = 0;  // arithmetic flags written
    std::uint32_t reads = 0;   // arithmetic flags read
    std::uint32_t capture = 0; // flags the compiled code must copy to eflags_ (liveness)
};

// The flags condition cc reads.
std::uint32_t condition_reads(unsigned cc) {
    static constexpr std::uint32_t r[8] = {kOF, kCF, kZF, kCF | kZF, kSF, kPF, kSF | kOF, kZF | kSF | kOF};
    return r[(cc >> 1) & 7];
}

class Compiler {
public:
    Compiler(Cpu& c, const Insn* insns, unsigned count, bool long_mode)
        : o_(offsets_of(c)), in_(insns), n_(count), long_(long_mode), plans_(count), next_(count) {}

    std::vector<std::uint8_t>& compile() {
        unsigned off = 0;
        for (unsigned i = 0; i < n_; ++i) {
            off += in_[i].len;
            next_[i] = off;
            plans_[i] = classify(in_[i], i);
        }
        liveness();
        // Nothing to inline: the interpreter's loop is as fast (and has no prologue).
        bool inlined = false;
        for (const Plan& p : plans_)
            if (p.kind != Kind::Call) inlined = true;
        if (!inlined) {
            e_.bytes().clear();
            return e_.bytes();
        }
        // A loop: the block ends in a jump back to its own start and calls nothing out.
        const Plan& last = plans_[n_ - 1];
        loop_ = (last.kind == Kind::Jcc || last.kind == Kind::Jmp) &&
                static_cast<std::int64_t>(static_cast<std::int32_t>(in_[n_ - 1].imm)) + next_[n_ - 1] == 0;
        for (const Plan& p : plans_)
            if (p.kind == Kind::Call) loop_ = false;
        // Prologue: five pushes (the unwind information's layout), then the fixed registers.
        e_.push(rbx);
        e_.push(r12);
        e_.push(r13);
        e_.push(r14);
        e_.push(J::r15);
        e_.mov64(rbx, J::rdi);
        e_.mov64(r13, J::rsi);
        if (e_.size() != kJitChainEntry) {  // chained jumps enter here (jit.h)
            e_.bytes().clear();
            return e_.bytes();
        }
        e_.mov_load_w(true, r12, field(o_.rip));
        e_.alu_rr_w(false, J::aXor, rax, rax);
        e_.cmp_mem_imm8(field(o_.cpl), 3);
        e_.setcc(J::kE, rax);
        e_.imul_imm(rax, rax, static_cast<std::uint32_t>(kTlbUserStride));
        e_.lea_w(true, r14, Mem{rbx, o_.tlb, rax, 0});
        out_ = e_.new_label();
        chain_ = e_.new_label();
        body_ = e_.new_label();
        e_.bind(body_);
        for (unsigned i = 0; i < n_; ++i) instruction(i);
        // Ran to the end (the last instruction was inlined and not a jump).
        set_rip(n_ - 1);
        leave_chaining();
        // Block exits that may go on into the next compiled block (edx = instructions done):
        // jit_chain says where, or 0 (then return to run_block).
        e_.bind(chain_);
        const J::Emitter::Label no_chain = e_.new_label();
        e_.mov_rr_w(false, J::r15, rdx);
        e_.mov64(rdi, rbx);
        e_.mov64(rsi, r13);
        e_.mov_imm64(rax, reinterpret_cast<std::uint64_t>(&jit_chain));
        e_.call(rax);
        e_.test_rr_w(true, rax, rax);
        e_.jcc(J::kE, no_chain);
        e_.jmp(rax);
        e_.bind(no_chain);
        e_.mov_rr_w(false, rax, J::r15);
        e_.bind(out_);
        e_.pop(J::r15);
        e_.pop(r14);
        e_.pop(r13);
        e_.pop(r12);
        e_.pop(rbx);
        e_.ret();
        // Slow paths: the handler does the whole instruction, then the block goes on as after
        // any handler call.
        for (const Slow& s : slow_) {
            e_.bind(s.label);
            call_handler(s.index);
            if (s.index + 1 == n_) {
                e_.mov_imm(rax, n_);
                e_.jmp(out_);
            } else {
                check_stay(s.index);
                e_.jmp(s.resume);
            }
        }
        // Leave after an inlined store into the running block's page (Cpu::note_store).
        for (const auto& [label, index] : exits_) {
            e_.bind(label);
            e_.mov_store_imm8(field(o_.exec_break), 1);
            set_rip(index);
            e_.mov_imm(rax, index + 1);
            e_.jmp(out_);
        }
        return e_.bytes();
    }

private:
    struct Slow {
        J::Emitter::Label label, resume;
        unsigned index;
    };

    Mem field(std::int32_t off) const { return Mem{rbx, off}; }
    Mem gpr(unsigned r) const { return Mem{rbx, o_.gpr + static_cast<std::int32_t>(8 * r)}; }
    // A byte register: 0-3 and 8-15 (and 4-7 with REX) are low bytes; 4-7 without REX AH-BH.
    Mem reg8(unsigned r, bool rex) const {
        if (r >= 4 && r < 8 && !rex) return Mem{rbx, o_.gpr + static_cast<std::int32_t>(8 * (r - 4) + 1)};
        return gpr(r);
    }
    Mem seg_field(unsigned s, std::int32_t f) const {
        return Mem{rbx, o_.seg + static_cast<std::int32_t>(s * sizeof(Segment)) + f};
    }

    // ---- Classification -------------------------------------------------------------------

    bool sized(const Insn& d) const { return !d.lock && (d.osize() == 4 || d.osize() == 8); }
    // A memory operand the inline path can address: 32-bit addressing outside 64-bit mode;
    // RIP-relative displacements that still fit a host displacement.
    bool addressable(const Insn& d, unsigned i) const {
        if (!d.memory()) return true;
        if (!long_) return d.addr32 && d.base != kRipBase;
        if (d.base == kRipBase) {
            const std::int64_t disp = static_cast<std::int64_t>(static_cast<std::int32_t>(d.disp)) + next_[i];
            return disp == static_cast<std::int32_t>(disp);
        }
        return true;
    }

    Plan classify(const Insn& d, unsigned i) const {
        Plan p;
        const unsigned op = d.opcode;
        if (d.lock || !addressable(d, i)) return p;
        p.size = static_cast<std::uint8_t>(d.osize());
        p.mem = d.memory();
        auto alu_flags = [&p](unsigned alu) {
            p.writes = kArithFlags;
            p.reads = flag_if(alu == 2 || alu == 3, kCF);
        };
        if (op < 0x40 && ((op & 7) == 1 || (op & 7) == 3 || (op & 7) == 5) && sized(d)) {
            p.kind = Kind::Alu;
            p.op = static_cast<std::uint8_t>((op >> 3) & 7);
            alu_flags(p.op);
            if ((op & 7) == 5) {  // eAX, imm (decode's specialisation made it rm = eAX, mod 3)
                p.mem = false;
                p.dst = kEax;
                p.imm = true;
            } else if ((op & 7) == 1) {  // E op= G
                p.dst = d.rm;
                p.src = d.reg;
                p.mem_dst = p.mem;
                p.write = p.mem && p.op != 7;
            } else {  // G op= E
                p.dst = d.reg;
                p.src = d.rm;
            }
            return p;
        }
        if ((op == 0x81 || op == 0x83) && sized(d)) {
            p.kind = Kind::Alu;
            p.op = d.reg;
            alu_flags(p.op);
            p.dst = d.rm;
            p.imm = true;
            p.mem_dst = p.mem;
            p.write = p.mem && p.op != 7;
            return p;
        }
        if ((op == 0x85 || op == 0xA9 || (op == 0xF7 && d.reg == 0)) && sized(d)) {
            p.kind = Kind::Test;
            p.writes = kArithFlags;
            p.dst = op == 0xA9 ? static_cast<std::uint8_t>(kEax) : d.rm;
            p.src = d.reg;
            p.imm = op != 0x85;
            if (op == 0xA9) p.mem = false;
            return p;
        }
        if ((op == 0x89 || op == 0x8B) && sized(d)) {
            // 89 mod 3 was swapped by decode's specialisation into 8B's form (reg <- rm).
            p.kind = Kind::Mov;
            if (op == 0x89 && p.mem) {
                p.dst = d.rm;
                p.src = d.reg;
                p.write = true;
            } else {
                p.dst = d.reg;
                p.src = d.rm;
            }
            return p;
        }
        if (op == 0xC7 && d.reg == 0 && sized(d)) {
            p.kind = Kind::Mov;
            p.dst = d.rm;
            p.imm = true;
            p.write = p.mem;
            return p;
        }
        if (op >= 0xB8 && op <= 0xBF && sized(d)) {
            p.kind = Kind::Mov;
            p.dst = d.rm;
            p.imm = true;
            p.mem = false;
            return p;
        }
        if (op == 0x88 || op == 0x8A || (op == 0xC6 && d.reg == 0)) {
            p.kind = Kind::Mov8;
            p.size = 1;
            if (op == 0x8A) {
                p.dst = d.reg;
                p.src = d.rm;
            } else {
                p.dst = d.rm;
                p.src = d.reg;
                p.imm = op == 0xC6;
                p.write = p.mem;
            }
            return p;
        }
        if (op == 0x8D && p.mem && sized(d)) {
            p.kind = Kind::Lea;
            p.mem = false;  // no access
            p.dst = d.reg;
            return p;
        }
        if (op >= 0x40 && op <= 0x4F && !long_ && d.op32) {
            p.kind = Kind::IncDec;
            p.op = (op & 8) ? 1 : 0;
            p.dst = d.rm;
            p.writes = kArithFlags & ~kCF;
            return p;
        }
        if (op == 0xFF && d.reg <= 1 && sized(d)) {
            p.kind = Kind::IncDec;
            p.op = d.reg;
            p.dst = d.rm;
            p.write = p.mem;
            p.writes = kArithFlags & ~kCF;
            return p;
        }
        if (op == 0xF7 && (d.reg == 2 || d.reg == 3) && sized(d)) {
            p.kind = Kind::NotNeg;
            p.op = d.reg;
            p.dst = d.rm;
            p.write = p.mem;
            p.writes = flag_if(d.reg == 3, kArithFlags);
            return p;
        }
        if ((op == 0x1B6 || op == 0x1B7 || op == 0x1BE || op == 0x1BF) && sized(d)) {
            p.kind = Kind::Movx;
            p.src_size = (op & 1) ? 2 : 1;
            p.sign = op >= 0x1BE;
            p.dst = d.reg;
            p.src = d.rm;
            return p;
        }
        if (op == 0x63 && long_ && d.op64 && !d.lock) {
            p.kind = Kind::Movx;
            p.size = 8;
            p.src_size = 4;
            p.sign = true;
            p.dst = d.reg;
            p.src = d.rm;
            return p;
        }
        if (op >= 0x140 && op <= 0x14F && sized(d)) {
            p.kind = Kind::Cmov;
            p.op = op & 0xF;
            p.reads = condition_reads(p.op);
            p.dst = d.reg;
            p.src = d.rm;
            return p;
        }
        if (op >= 0x190 && op <= 0x19F && !p.mem) {
            p.kind = Kind::Setcc;
            p.op = op & 0xF;
            p.reads = condition_reads(p.op);
            p.dst = d.rm;
            p.size = 1;
            return p;
        }
        if (op == 0x1AF && sized(d)) {
            p.kind = Kind::Imul;
            p.dst = d.reg;
            p.src = d.rm;
            p.writes = kArithFlags;
            return p;
        }
        if ((op == 0xC1 || op == 0xD1) && !p.mem && sized(d)) {
            const unsigned count = op == 0xD1 ? 1u : (d.imm & (p.size == 8 ? 0x3Fu : 0x1Fu));
            const unsigned sh = d.reg == 6 ? 4u : d.reg;
            if (count == 0 || sh == 2 || sh == 3) return p;
            p.kind = Kind::Shift;
            p.op = static_cast<std::uint8_t>(sh);
            p.src = static_cast<std::uint8_t>(count);
            p.dst = d.rm;
            p.writes = sh <= 1 ? (kCF | kOF) : kArithFlags;
            return p;
        }
        const bool near_size = long_ ? d.op64 : d.op32;
        // Stack operations of the mode's natural size (64-bit mode: 8 bytes; else 4 with a
        // 32-bit stack, which the code checks at run time).
        if (op >= 0x50 && op <= 0x5F && near_size && !d.lock) {
            p.kind = op < 0x58 ? Kind::Push : Kind::Pop;
            p.size = long_ ? 8 : 4;
            p.dst = d.rm;
            p.mem = true;  // through the TLB (slow path: the handler)
            p.write = op < 0x58;
            return p;
        }
        if (op == 0xE8 && near_size && i + 1 == n_) {
            p.kind = Kind::CallRel;
            p.size = long_ ? 8 : 4;
            return p;
        }
        if (op == 0xC3 && near_size && i + 1 == n_) {
            p.kind = Kind::Ret;
            p.size = long_ ? 8 : 4;
            return p;
        }
        if (((op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F)) && near_size && i + 1 == n_) {
            p.kind = Kind::Jcc;
            p.op = op & 0xF;
            p.reads = condition_reads(p.op);
            p.mem = false;
            return p;
        }
        if ((op == 0xE9 || op == 0xEB) && near_size && i + 1 == n_) {
            p.kind = Kind::Jmp;
            p.mem = false;
            return p;
        }
        return Plan{};
    }

    // Which flags each inlined instruction must copy out: those some later instruction may
    // read before overwriting them, where anything that can call out reads all of them.
    void liveness() {
        std::uint32_t live = kArithFlags;  // at the block's end
        for (unsigned i = n_; i-- > 0;) {
            Plan& p = plans_[i];
            const bool calls_out = p.kind == Kind::Call || p.mem || p.kind == Kind::Jcc || p.kind == Kind::Jmp ||
                                   p.kind == Kind::CallRel || p.kind == Kind::Ret;
            p.capture = p.writes & live;
            live = calls_out ? kArithFlags : ((live & ~p.writes) | p.reads);
        }
    }

    // ---- Code for one instruction -----------------------------------------------------------

    void instruction(unsigned i) {
        const Plan& p = plans_[i];
        if (p.kind == Kind::Call) {
            call_handler(i);
            if (i + 1 == n_) {
                e_.mov_imm(rax, n_);
                e_.jmp(out_);
            } else {
                check_stay(i);
            }
            return;
        }
        J::Emitter::Label slow = 0, resume = 0;
        const bool stack = p.kind == Kind::Push || p.kind == Kind::Pop || p.kind == Kind::CallRel || p.kind == Kind::Ret;
        const bool has_slow = p.mem || p.kind == Kind::Jcc || p.kind == Kind::Jmp || stack;
        if (has_slow) {
            slow = e_.new_label();
            resume = e_.new_label();
            slow_.push_back({slow, resume, i});
        }
        if (p.mem && !stack) address(in_[i], i, p.kind == Kind::Movx ? p.src_size : p.size, p.write, slow);
        switch (p.kind) {
        case Kind::Alu: alu(in_[i], p); break;
        case Kind::Test: test(in_[i], p); break;
        case Kind::Mov: mov(in_[i], p); break;
        case Kind::Mov8: mov8(in_[i], p); break;
        case Kind::Lea: lea(in_[i], i, p); break;
        case Kind::IncDec: incdec(p); break;
        case Kind::NotNeg: notneg(p); break;
        case Kind::Movx: movx(in_[i], p); break;
        case Kind::Cmov: cmov(p); break;
        case Kind::Setcc: setcc(in_[i], p); break;
        case Kind::Shift: shift(p); break;
        case Kind::Imul: imul(p); break;
        case Kind::Push: push(p, slow); break;
        case Kind::Pop: pop(p, slow); break;
        case Kind::CallRel: call_rel(in_[i], i, p, slow); break;
        case Kind::Ret: ret(p, slow); break;
        case Kind::Jcc:
        case Kind::Jmp: jump(in_[i], i, p, slow); break;
        case Kind::Call: break;
        }
        if (p.write) {  // a store into the running block's page ends the block after it
            const J::Emitter::Label out = e_.new_label();
            e_.alu_imm_rw(true, J::aAnd, rdx, 0xFFFFF000u);
            e_.alu_load_w(true, J::aCmp, rdx, field(o_.exec_page));
            e_.jcc(J::kE, out);
            exits_.push_back({out, i});
        }
        if (has_slow) e_.bind(resume);
    }

    // rip = the address of the instruction after i.
    void set_rip(unsigned i) {
        e_.lea_w(long_, rax, Mem{r12, static_cast<std::int32_t>(next_[i])});
        e_.mov_store_w(true, field(o_.rip), rax);
    }

    void call_handler(unsigned i) {
        const Insn& d = in_[i];
        e_.mov_store_imm(Mem{r13, kFrameIndex}, i);
        e_.mov_load_w(true, rax, gpr(kEsp));
        e_.mov_store_w(true, Mem{r13, kFrameRsp}, rax);
        set_rip(i);
        e_.mov64(rdi, rbx);
        e_.mov_imm64(rsi, reinterpret_cast<std::uint64_t>(&d));
        e_.mov_imm64(rax, reinterpret_cast<std::uint64_t>(d.handler));
        e_.call(rax);
    }

    // After a handler call in the middle of the block: leave unless rip is the next
    // instruction and exec_break is clear.
    void check_stay(unsigned i) {
        const J::Emitter::Label stay = e_.new_label(), leave = e_.new_label();
        e_.lea_w(long_, rcx, Mem{r12, static_cast<std::int32_t>(next_[i])});
        e_.alu_load_w(true, J::aCmp, rcx, field(o_.rip));
        e_.jcc(J::kNE, leave);
        e_.cmp_mem8_imm8(field(o_.exec_break), 0);
        e_.jcc(J::kE, stay);
        e_.bind(leave);
        e_.mov_imm(rax, i + 1);
        e_.jmp(out_);
        e_.bind(stay);
    }

    // Copy the flags in p.capture from the host's EFLAGS (just set by the instruction) into
    // eflags_. undefined: flags whose host value is replaced: cleared, or taken from extra
    // (a register holding them at their EFLAGS positions).
    void capture(const Plan& p, std::uint32_t undefined = 0, Reg extra = rsp) {
        if (!p.capture) return;
        e_.pushfq();
        e_.pop(rcx);
        e_.alu_imm_rw(false, J::aAnd, rcx, p.capture & ~undefined);
        if (extra != rsp) {
            e_.alu_imm_rw(false, J::aAnd, extra, p.capture & undefined);
            e_.alu_rr_w(false, J::aOr, rcx, extra);
        }
        e_.mov_load_w(false, rsi, field(o_.eflags));
        e_.alu_imm_rw(false, J::aAnd, rsi, ~p.capture);
        e_.alu_rr_w(false, J::aOr, rsi, rcx);
        e_.mov_store_w(false, field(o_.eflags), rsi);
    }

    // Host condition that holds when the guest's condition cc holds on eflags_ (clobbers r10,
    // r11 and the host flags).
    J::Cond condition(unsigned cc) {
        const Mem fl = field(o_.eflags);
        switch ((cc >> 1) & 7) {
        case 6:  // SF != OF
            e_.mov_load_w(false, r10, fl);
            e_.mov_rr_w(false, r11, r10);
            e_.shift_imm_w(false, J::sShr, r11, 4);  // OF (bit 11) onto SF (bit 7)
            e_.alu_rr_w(false, J::aXor, r11, r10);
            e_.test_imm_w(false, r11, kSF);
            break;
        case 7:  // ZF or SF != OF
            e_.mov_load_w(false, r10, fl);
            e_.mov_rr_w(false, r11, r10);
            e_.shift_imm_w(false, J::sShr, r11, 4);
            e_.alu_rr_w(false, J::aXor, r11, r10);
            e_.alu_imm_rw(false, J::aAnd, r11, kSF);
            e_.alu_imm_rw(false, J::aAnd, r10, kZF);
            e_.alu_rr_w(false, J::aOr, r11, r10);
            break;
        default: e_.test_mem_imm(fl, condition_reads(cc)); break;
        }
        return (cc & 1) ? J::kE : J::kNE;
    }

    void load_reg(Reg host, unsigned r, unsigned size) {
        if (size == 8) e_.mov_load_w(true, host, gpr(r));
        else e_.mov_load_w(false, host, gpr(r));
    }
    // A 4-byte result must be zero-extended in host (all 32-bit host operations do that).
    void store_reg(unsigned r, Reg host) { e_.mov_store_w(true, gpr(r), host); }

    // ---- Memory operands ---------------------------------------------------------------------

    // The effective address (segment offset) into rax; clobbers rcx.
    void effective_address(const Insn& d, unsigned i, Reg dst) {
        const bool w = long_ && d.asize == 8;
        std::int32_t disp = static_cast<std::int32_t>(d.disp);
        Reg base = rsp;
        if (d.base == kRipBase) {
            base = r12;
            disp += static_cast<std::int32_t>(next_[i]);
        } else if (d.base != kNoReg) {
            e_.mov_load_w(true, dst, gpr(d.base));
            base = dst;
        }
        Reg index = rsp;
        if (d.index != kNoReg) {
            e_.mov_load_w(true, rcx, gpr(d.index));
            index = rcx;
        }
        if (base == rsp && index == rsp) {
            if (w) e_.mov_imm64(dst, static_cast<std::uint64_t>(static_cast<std::int64_t>(disp)));
            else e_.mov_imm(dst, static_cast<std::uint32_t>(disp));
            return;
        }
        if (base == rsp) {
            e_.alu_rr_w(false, J::aXor, dst, dst);
            base = dst;
        }
        e_.lea_w(w, dst, Mem{base, disp, index, d.scale});
    }

    // The host address of the memory operand into rdx, or a jump to slow: the checks of
    // fast_host_m (decode.h). Clobbers rax, rcx, rsi.
    void address(const Insn& d, unsigned i, unsigned size, bool write, J::Emitter::Label slow) {
        effective_address(d, i, rax);
        translate(d.seg, size, write, false, slow);
    }

    // The host address of segment seg's offset rax into rdx, or a jump to slow. stack: an
    // access through SS:ESP, whose fast path also needs a 32-bit stack (SS.B) outside 64-bit
    // mode. Clobbers rax, rcx, rsi.
    void translate(unsigned seg, unsigned size, bool write, bool stack, J::Emitter::Label slow) {
        if (!long_) {
            const std::uint32_t big = stack ? 0x400u : 0u;
            const std::uint32_t want = (write ? 0x92u : 0x90u) | big;
            e_.movzx16_w(false, rcx, seg_field(seg, kSegAttr));
            e_.alu_imm_rw(false, J::aAnd, rcx, kFastSegMask | (write ? 0x02u : 0u) | big);
            e_.alu_imm_rw(false, J::aCmp, rcx, want);
            e_.jcc(J::kNE, slow);
            e_.lea_w(true, rcx, Mem{rax, static_cast<std::int32_t>(size - 1)});
            e_.mov_load_w(false, rsi, seg_field(seg, kSegLimit));
            e_.alu_rr_w(true, J::aCmp, rcx, rsi);
            e_.jcc(J::kA, slow);
            e_.alu_load_w(false, J::aAdd, rax, seg_field(seg, kSegBase));  // linear, 32 bits
        } else {
            if (seg >= FS) e_.alu_load_w(true, J::aAdd, rax, seg_field(seg, kSegBase));
            e_.mov_rr_w(true, rcx, rax);
            e_.shift_imm_w(true, J::sShl, rcx, 16);
            e_.shift_imm_w(true, J::sSar, rcx, 16);
            e_.alu_rr_w(true, J::aCmp, rcx, rax);
            e_.jcc(J::kNE, slow);
        }
        if (size > 1) {
            e_.test_imm_w(false, rax, size - 1);
            e_.jcc(J::kNE, slow);
        }
        e_.mov_rr_w(false, rcx, rax);
        e_.shift_imm_w(false, J::sShr, rcx, 12);
        e_.movzx8_rr(rcx, rcx);
        e_.imul_imm(rcx, rcx, static_cast<std::uint32_t>(sizeof(TlbEntry)));
        const std::int32_t access = write ? kTlbAccessStride : 0;
        e_.mov_rr_w(true, rsi, rax);
        e_.alu_imm_rw(true, J::aAnd, rsi, 0xFFFFF000u);
        e_.alu_load_w(true, J::aCmp, rsi, Mem{r14, access + kTlbTag, rcx, 0});
        e_.jcc(J::kNE, slow);
        e_.mov_load_w(true, rdx, Mem{r14, access + kTlbHost, rcx, 0});
        e_.test_rr_w(true, rdx, rdx);
        e_.jcc(J::kE, slow);
        e_.alu_imm_rw(false, J::aAnd, rax, 0xFFF);
        e_.alu_rr_w(true, J::aAdd, rdx, rax);
    }

    // ---- The inlined forms -------------------------------------------------------------------

    void load_cf() { e_.bt_mem_imm(field(o_.eflags), 0); }

    void alu(const Insn& d, const Plan& p) {
        const bool w = p.size == 8;
        const auto op = static_cast<J::Alu>(p.op);
        const bool carry = p.op == 2 || p.op == 3;
        const std::uint32_t undefined = flag_if(p.op == 1 || p.op == 4 || p.op == 6, kAF);  // logic: AF = 0
        const Mem m{rdx, 0};
        if (p.mem_dst) {  // [m] op= src
            if (!p.imm) load_reg(rcx, p.src, p.size);
            if (carry) load_cf();
            if (p.imm) e_.alu_imm_mem_w(w, op, m, d.imm);
            else e_.alu_store_w(w, op, m, rcx);
            capture(p, undefined);
            return;
        }
        load_reg(rax, p.dst, p.size);
        if (p.imm) {
            if (carry) load_cf();
            e_.alu_imm_rw(w, op, rax, d.imm);
        } else if (p.mem) {  // G op= [m]
            if (carry) load_cf();
            e_.alu_load_w(w, op, rax, m);
        } else {
            if (carry) load_cf();
            e_.alu_load_w(w, op, rax, gpr(p.src));
        }
        capture(p, undefined);
        if (p.op != 7) store_reg(p.dst, rax);
    }

    void test(const Insn& d, const Plan& p) {
        const bool w = p.size == 8;
        if (p.mem) {
            if (p.imm) {
                e_.test_mem_imm_w(w, Mem{rdx, 0}, d.imm);
            } else {
                load_reg(rcx, p.src, p.size);
                e_.test_mem_w(w, Mem{rdx, 0}, rcx);
            }
        } else {
            load_reg(rax, p.dst, p.size);
            if (p.imm) {
                e_.test_imm_w(w, rax, d.imm);
            } else {
                load_reg(rcx, p.src, p.size);
                e_.test_rr_w(w, rax, rcx);
            }
        }
        capture(p, kAF);
    }

    void mov(const Insn& d, const Plan& p) {
        const bool w = p.size == 8;
        if (p.write) {  // [m] <- reg / imm
            if (p.imm) {
                e_.mov_store_imm_w(w, Mem{rdx, 0}, d.imm);
            } else {
                load_reg(rcx, p.src, p.size);
                e_.mov_store_w(w, Mem{rdx, 0}, rcx);
            }
            return;
        }
        if (p.imm) {
            if (d.opcode >= 0xB8 && d.opcode <= 0xBF && w)
                e_.mov_imm64(rax, d.imm | (static_cast<std::uint64_t>(d.disp) << 32));
            else if (w)
                e_.mov_imm64(rax, imm_s(d));
            else
                e_.mov_imm(rax, d.imm);
        } else if (p.mem) {
            e_.mov_load_w(w, rax, Mem{rdx, 0});
        } else {
            load_reg(rax, p.src, p.size);
        }
        store_reg(p.dst, rax);
    }

    void mov8(const Insn& d, const Plan& p) {
        const bool rex = d.rex != 0;
        if (p.mem && p.write) {  // 88 / C6 to memory
            if (p.imm) {
                e_.mov_store_imm8(Mem{rdx, 0}, static_cast<std::uint8_t>(d.imm));
            } else {
                e_.movzx8_w(false, rcx, reg8(p.src, rex));
                e_.mov_store8_r(Mem{rdx, 0}, rcx);
            }
            return;
        }
        if (p.imm) {
            e_.mov_store_imm8(reg8(p.dst, rex), static_cast<std::uint8_t>(d.imm));
            return;
        }
        e_.movzx8_w(false, rcx, p.mem ? Mem{rdx, 0} : reg8(p.src, rex));
        e_.mov_store8_r(reg8(p.dst, rex), rcx);
    }

    void lea(const Insn& d, unsigned i, const Plan& p) {
        effective_address(d, i, rax);
        if (p.size == 4) e_.mov_rr_w(false, rax, rax);  // the low 32 bits of a 64-bit address
        store_reg(p.dst, rax);
    }

    void incdec(const Plan& p) {
        const bool w = p.size == 8;
        if (p.mem) {
            e_.unary_mem_w(w, 0xff, p.op, Mem{rdx, 0});
            capture(p);
            return;
        }
        load_reg(rax, p.dst, p.size);
        e_.incdec_w(w, p.op == 1, rax);
        capture(p);
        store_reg(p.dst, rax);
    }

    void notneg(const Plan& p) {
        const bool w = p.size == 8;
        if (p.mem) {
            e_.unary_mem_w(w, 0xf7, p.op, Mem{rdx, 0});
            capture(p);
            return;
        }
        load_reg(rax, p.dst, p.size);
        if (p.op == 2) e_.not_w(w, rax);
        else e_.neg_w(w, rax);
        capture(p);
        store_reg(p.dst, rax);
    }

    void movx(const Insn& d, const Plan& p) {
        const bool w = p.size == 8;
        const Mem src = p.mem ? Mem{rdx, 0} : (p.src_size == 1 ? reg8(p.src, d.rex != 0) : gpr(p.src));
        if (p.src_size == 4) e_.movsxd_load(rax, src);
        else if (p.src_size == 1) p.sign ? e_.movsx8_w(w, rax, src) : e_.movzx8_w(false, rax, src);
        else p.sign ? e_.movsx16_w(w, rax, src) : e_.movzx16_w(false, rax, src);
        store_reg(p.dst, rax);
    }

    void cmov(const Plan& p) {
        const bool w = p.size == 8;
        load_reg(rax, p.dst, p.size);
        if (p.mem) e_.mov_load_w(w, rcx, Mem{rdx, 0});
        else load_reg(rcx, p.src, p.size);
        const J::Cond c = condition(p.op);
        e_.cmov_w(w, c, rax, rcx);
        store_reg(p.dst, rax);
    }

    void setcc(const Insn& d, const Plan& p) {
        const J::Cond c = condition(p.op);
        e_.setcc(c, rax);
        e_.mov_store8_r(reg8(p.dst, d.rex != 0), rax);
    }

    // ---- The stack --------------------------------------------------------------------------

    // rax = RSP - size (ESP wraps at 32 bits outside 64-bit mode), its host address in rdx;
    // r8 = the new RSP. Clobbers rcx, rsi.
    void stack_push_address(unsigned size, J::Emitter::Label slow) {
        e_.mov_load_w(true, rax, gpr(kEsp));
        e_.lea_w(long_, rax, Mem{rax, -static_cast<std::int32_t>(size)});
        e_.mov_rr_w(true, J::r8, rax);
        translate(SS, size, true, true, slow);
    }
    // rax = RSP, its host address in rdx; r8 = RSP + size. Clobbers rcx, rsi.
    void stack_pop_address(unsigned size, J::Emitter::Label slow) {
        e_.mov_load_w(true, rax, gpr(kEsp));
        e_.lea_w(long_, J::r8, Mem{rax, static_cast<std::int32_t>(size)});
        if (!long_) e_.mov_rr_w(false, rax, rax);  // ESP (its high half is 0 anyway)
        translate(SS, size, false, true, slow);
    }

    // PUSH r: the value is the register before RSP moves (PUSH RSP pushes the old RSP).
    void push(const Plan& p, J::Emitter::Label slow) {
        stack_push_address(p.size, slow);
        load_reg(rcx, p.dst, p.size);
        e_.mov_store_w(p.size == 8, Mem{rdx, 0}, rcx);
        e_.mov_store_w(true, gpr(kEsp), J::r8);
    }

    // POP r: RSP moves first, then the register is written (POP RSP keeps the popped value).
    void pop(const Plan& p, J::Emitter::Label slow) {
        stack_pop_address(p.size, slow);
        e_.mov_load_w(p.size == 8, rcx, Mem{rdx, 0});
        e_.mov_store_w(true, gpr(kEsp), J::r8);
        store_reg(p.dst, rcx);
    }

    // The target rax checked as a jump's (CS limit / canonical): else to slow, which runs the
    // handler (nothing has changed yet). Clobbers rcx.
    void check_target(J::Emitter::Label slow) {
        if (long_) {
            e_.mov_rr_w(true, rcx, rax);
            e_.shift_imm_w(true, J::sShl, rcx, 16);
            e_.shift_imm_w(true, J::sSar, rcx, 16);
            e_.alu_rr_w(true, J::aCmp, rcx, rax);
            e_.jcc(J::kNE, slow);
        } else {
            e_.alu_load_w(false, J::aCmp, rax, seg_field(CS, kSegLimit));
            e_.jcc(J::kA, slow);
        }
    }

    // CALL rel: push the next instruction's address, jump; the block's end.
    void call_rel(const Insn& d, unsigned i, const Plan& p, J::Emitter::Label slow) {
        const std::int64_t rel = static_cast<std::int64_t>(static_cast<std::int32_t>(d.imm)) + next_[i];
        if (rel != static_cast<std::int32_t>(rel)) {
            e_.jmp(slow);
            return;
        }
        e_.lea_w(long_, rax, Mem{r12, static_cast<std::int32_t>(rel)});
        check_target(slow);
        e_.mov_rr_w(true, J::r9, rax);  // the target
        stack_push_address(p.size, slow);
        e_.lea_w(long_, rcx, Mem{r12, static_cast<std::int32_t>(next_[i])});
        e_.mov_store_w(p.size == 8, Mem{rdx, 0}, rcx);
        e_.mov_store_w(true, gpr(kEsp), J::r8);
        e_.mov_store_w(true, field(o_.rip), J::r9);
        note_stack_store(i);
        leave_chaining();
    }

    // RET: pop the return address, check it as a jump target, jump; the block's end.
    void ret(const Plan& p, J::Emitter::Label slow) {
        stack_pop_address(p.size, slow);
        e_.mov_load_w(p.size == 8, rax, Mem{rdx, 0});
        check_target(slow);
        e_.mov_store_w(true, gpr(kEsp), J::r8);
        e_.mov_store_w(true, field(o_.rip), rax);
        leave_chaining();
    }

    // CALL's store into the running block's page (Cpu::note_store): the block ends anyway; the
    // flag makes run_block look at it as after the interpreter's store.
    void note_stack_store(unsigned) {
        const J::Emitter::Label no = e_.new_label();
        e_.alu_imm_rw(true, J::aAnd, rdx, 0xFFFFF000u);
        e_.alu_load_w(true, J::aCmp, rdx, field(o_.exec_page));
        e_.jcc(J::kNE, no);
        e_.mov_store_imm8(field(o_.exec_break), 1);
        e_.bind(no);
    }

    // IMUL: CF = OF = the product did not fit; SF, ZF, PF from the result; AF = 0.
    void imul(const Plan& p) {
        const bool w = p.size == 8;
        load_reg(rax, p.dst, p.size);
        if (p.mem) e_.mov_load_w(w, rcx, Mem{rdx, 0});
        else load_reg(rcx, p.src, p.size);
        e_.imul_rr_w(w, rax, rcx);
        if (p.capture) {
            e_.pushfq();
            e_.pop(r10);
            e_.alu_imm_rw(false, J::aAnd, r10, kCF | kOF);
            e_.test_rr_w(w, rax, rax);
            capture(p, kCF | kOF | kAF, r10);
        }
        store_reg(p.dst, rax);
    }

    void shift(const Plan& p) {
        const bool w = p.size == 8;
        const unsigned bits = p.size * 8, count = p.src;
        load_reg(rax, p.dst, p.size);
        if (p.op == 5 || p.op == 7) {
            // SHR: OF = the old top bit for a count of 1 (host-defined), else 0; SAR: OF = 0.
            // AF = 0 (the interpreter's value).
            e_.shift_imm_w(w, static_cast<J::Shift>(p.op), rax, count);
            capture(p, (p.op == 5 && count == 1) ? kAF : (kAF | kOF));
        } else if (p.op == 4) {
            // SHL: OF = CF xor the result's top bit for any count; AF = 0.
            e_.shift_imm_w(w, J::sShl, rax, count);
            overflow_from_top(p, bits, 1, kAF | kOF);
        } else {
            // ROL: CF = result bit 0, OF = CF xor top bit; ROR: CF = top bit, OF = top xor
            // the bit below it. Only CF and OF change.
            e_.shift_imm_w(w, static_cast<J::Shift>(p.op), rax, count);
            overflow_from_top(p, bits, p.op == 0 ? 1 : 2, kOF);
        }
        store_reg(p.dst, rax);
    }

    // Captures p's flags with OF = (result's top bit) xor (CF for form 1 / the bit below the
    // top for form 2), computed from rax; the other flags in undefined besides OF are cleared.
    void overflow_from_top(const Plan& p, unsigned bits, int form, std::uint32_t undefined) {
        if (!p.capture) return;
        e_.pushfq();  // CF before the OF computation clobbers the host flags
        e_.mov_rr_w(true, rdx, rax);
        e_.shift_imm_w(true, J::sShr, rdx, bits - 2);  // bits: top at 1, below-top at 0
        if (form == 1) {
            e_.shift_imm_w(false, J::sShr, rdx, 1);
            e_.pop(r10);
            e_.alu_rr_w(false, J::aXor, rdx, r10);  // top ^ CF in bit 0
            e_.push(r10);
        } else {
            e_.mov_rr_w(false, r10, rdx);
            e_.shift_imm_w(false, J::sShr, r10, 1);
            e_.alu_rr_w(false, J::aXor, rdx, r10);  // top ^ below in bit 0
        }
        e_.shift_imm_w(false, J::sShl, rdx, 11);     // -> OF's position
        e_.pop(rcx);
        e_.alu_imm_rw(false, J::aAnd, rcx, p.capture & ~undefined);
        e_.alu_imm_rw(false, J::aAnd, rdx, p.capture & kOF);
        e_.alu_rr_w(false, J::aOr, rcx, rdx);
        e_.mov_load_w(false, rsi, field(o_.eflags));
        e_.alu_imm_rw(false, J::aAnd, rsi, ~p.capture);
        e_.alu_rr_w(false, J::aOr, rsi, rcx);
        e_.mov_store_w(false, field(o_.eflags), rsi);
    }

    // Jcc / JMP rel, the block's last instruction: rip = target or the next instruction. A
    // target outside CS's limit (non-canonical in 64-bit mode) goes to the handler, which raises.
    void jump(const Insn& d, unsigned i, const Plan& p, J::Emitter::Label slow) {
        const J::Emitter::Label taken = e_.new_label();
        if (p.kind == Kind::Jcc) {
            e_.jcc(condition(p.op), taken);
            set_rip(i);
            leave_chaining();
        }
        e_.bind(taken);
        if (loop_) {
            loop_back();
            return;
        }
        const std::int64_t rel = static_cast<std::int64_t>(static_cast<std::int32_t>(d.imm)) + next_[i];
        if (rel != static_cast<std::int32_t>(rel)) {  // never in practice: let the handler do it
            e_.jmp(slow);
            return;
        }
        e_.lea_w(long_, rax, Mem{r12, static_cast<std::int32_t>(rel)});
        if (long_) {
            e_.mov_rr_w(true, rcx, rax);
            e_.shift_imm_w(true, J::sShl, rcx, 16);
            e_.shift_imm_w(true, J::sSar, rcx, 16);
            e_.alu_rr_w(true, J::aCmp, rcx, rax);
        } else {
            e_.alu_load_w(false, J::aCmp, rax, seg_field(CS, kSegLimit));
        }
        e_.jcc(long_ ? J::kNE : J::kA, slow);
        e_.mov_store_w(true, field(o_.rip), rax);
        leave_chaining();
    }

    // The whole block ran and rip is set: go on into the next block if jit_chain allows.
    void leave_chaining() {
        e_.mov_imm(rdx, n_);
        e_.jmp(chain_);
    }

    // The jump back of a loop (the block's start is inside CS's limit, canonical: no checks):
    // run again while run_block would have nothing to do in between (jit.h), else leave.
    void loop_back() {
        const J::Emitter::Label leave = e_.new_label(), again = e_.new_label();
        e_.mov_load_w(true, rax, Mem{r13, kFrameLeft});
        e_.alu_imm_rw(true, J::aCmp, rax, 2 * n_);
        e_.jcc(J::kB, leave);
        e_.cmp_mem_imm8(field(o_.async_events), 0);
        e_.jcc(J::kNE, leave);
        e_.test_mem_imm(field(o_.eflags), kIF);
        e_.jcc(J::kE, again);
        e_.mov64(rdi, rbx);
        e_.mov_imm64(rax, reinterpret_cast<std::uint64_t>(&interrupt_due));
        e_.call(rax);
        e_.test_rr_w(false, rax, rax);
        e_.jcc(J::kNE, leave);
        e_.bind(again);
        e_.alu_imm_mem_w(true, J::aSub, Mem{r13, kFrameLeft}, n_);
        e_.alu_imm_mem_w(true, J::aAdd, Mem{r13, kFrameDone}, n_);
        e_.jmp(body_);
        e_.bind(leave);
        e_.mov_store_w(true, field(o_.rip), r12);
        e_.mov_imm(rax, n_);  // not chained: whatever stopped the loop is run_block's to see
        e_.jmp(out_);
    }

    Offsets o_;
    const Insn* in_;
    unsigned n_;
    bool long_;
    std::vector<Plan> plans_;
    std::vector<unsigned> next_;  // offset of the instruction after i from the block's start
    J::Emitter e_;
    J::Emitter::Label out_ = 0, chain_ = 0, body_ = 0;
    bool loop_ = false;
    std::vector<Slow> slow_;
    std::vector<std::pair<J::Emitter::Label, unsigned>> exits_;
};

}  // namespace

jit::CodeBuffer* jit_new_arena() {
    auto* code = new jit::CodeBuffer(kJitArenaBytes);
    if (!code->usable()) {
        delete code;
        return nullptr;
    }
    code->register_unwind_info({kDwarfRbx, kDwarfR12, kDwarfR13, kDwarfR14, kDwarfR15});
    return code;
}

JitFn jit_compile(Cpu& c, jit::CodeBuffer& code, const Insn* insns, unsigned count, unsigned mode) {
    if (mode == 0 || count == 0) return nullptr;
    Compiler compiler(c, insns, count, mode == 2);
    const std::vector<std::uint8_t>& bytes = compiler.compile();
    if (bytes.empty()) return nullptr;
    return reinterpret_cast<JitFn>(code.add(bytes.data(), bytes.size()));
}

#else

jit::CodeBuffer* jit_new_arena() { return nullptr; }
JitFn jit_compile(Cpu&, jit::CodeBuffer&, const Insn*, unsigned, unsigned) { return nullptr; }

#endif

}  // namespace emu::x86
