// The block compiler. Register use in generated code: rbx = Cpu*, r13 = the JitExit out
// pointer (callee-saved, so they survive handler calls; r12 is saved only to keep the stack
// aligned); rax, rcx, rdx, rsi, rdi, r8, r9 are scratch within one instruction. Guest
// registers and flags live in the Cpu object and are loaded/stored per instruction, so any
// handler call in between sees exact state.
//
// Chaining: a block that leaves with kExit (branch, exception entry) or runs to its end does
// not return to run() when the next block can run compiled without it: the exit first makes
// the state exact (r[15], itstate, the instruction index in JitExit), then checks everything
// run() checks at a block boundary, in the same order of precedence:
//   * nothing pending (interrupt lines, stop, TLB shootdown, event), itstate 0, no deferred
//     flush, no debugger/trace, the memory map unchanged (AddressSpace::generation, through a
//     small helper: the counter is private to the address space);
//   * enough budget left for any whole next block (kJitChainBudget);
//   * the next block is this block's link (Block::link_key == the jump-cache key) or, but
//     after B/BL (fixed target: run() relinks a stale link), the jump cache's entry for the
//     key, and it is compiled, live and verified at the current icache epoch;
// then counts this block (icount, run_budget), sets exec_pcbase and JitExit::block for the
// next block and jumps into its code past the prologue (same stack frame). Anything else
// returns to run() exactly as before. Invalidation keeps its semantics: a dropped block fails
// the live check, icache maintenance the epoch check, a TLB/ASID change the key (jc_gen), and
// code memory is only freed by a full flush, which happens in run() (flush_pending is one of
// the checks), never while compiled code runs.
#include "jit.h"

#include "cpu.h"

#if defined(__x86_64__)

#include <cstddef>
#include <vector>

#include "emu/jit_x86_emitter.h"

namespace emu::arm {
namespace {

using namespace emu::jit;

constexpr bool is_logical(int op) {
    return op == kAnd || op == kEor || op == kTst || op == kTeq || op == kOrr || op == kMov ||
           op == kBic || op == kMvn || op == kOrn;
}
constexpr bool writes_rd(int op) { return op < kTst || op > kCmn; }

// Field offsets inside Cpu, taken from the live object (Cpu is not standard-layout, so no
// offsetof).
struct Offsets {
    std::int32_t r, nf, zf, cf, vf, priv, tlb, pcbase, itstate;
    std::int32_t thumb, pending, flush_pending, debug_active, icount, run_budget, jc_gen, jc;
};
Offsets offsets_of(Cpu& c) {
    const char* base = reinterpret_cast<const char*>(&c);
    auto at = [base](const void* p) { return static_cast<std::int32_t>(static_cast<const char*>(p) - base); };
    return {at(&c.r[0]),        at(&c.NF),           at(&c.ZF),      at(&c.CF),
            at(&c.VF),          at(&c.priv),         at(&c.tlb[0][0][0]), at(&c.exec_pcbase),
            at(&c.itstate),     at(&c.thumb),        at(&c.pending), at(&c.flush_pending),
            at(&c.debug_active), at(&c.icount),      at(&c.run_budget), at(&c.jc_gen),
            at(&c.jc_[0][0])};
}
static_assert(sizeof(TlbEntry) == 16, "the TLB index is scaled by 16");
constexpr std::int32_t kTlbTagOff = 0, kTlbAddendOff = 8;
static_assert(sizeof(JcEntry) == 16 && offsetof(JcEntry, key) == 0 && offsetof(JcEntry, block) == 8,
              "the jump-cache lookup reads 16-byte entries");
static_assert(sizeof(std::atomic<std::uint32_t>) == 4 && sizeof(std::atomic<std::uint64_t>) == 8,
              "compiled code reads Cpu::pending and g_icache_epoch as plain words");
constexpr std::int32_t kExitBlockOff = offsetof(JitExit, block), kExitIndexOff = offsetof(JitExit, index);
constexpr std::int32_t kBlockLinkKeyOff = offsetof(Block, link_key), kBlockLinkOff = offsetof(Block, link),
                       kBlockJitOff = offsetof(Block, jit), kBlockLiveOff = offsetof(Block, live),
                       kBlockEpochOff = offsetof(Block, epoch);
static_assert(sizeof(Block::live) == 1, "live is tested as a byte");

// Whether the memory map changed since the CPU last looked (run() then flushes the TLB and
// the code cache). Out of line for the chaining check: AddressSpace keeps its counter private.
// Returns int, not bool: compiled code tests all of eax.
int mem_map_changed(const Cpu* c) { return c->mem.generation() != c->mem_generation ? 1 : 0; }

class Compiler {
public:
    Compiler(Cpu& c, const Block& b) : o_(offsets_of(c)), b_(b) {}

    // Empty when the prologue does not have the size chained jumps skip (kJitPrologueBytes).
    std::vector<std::uint8_t>& compile() {
        e_.push(rbx);
        e_.push(r12);
        e_.push(r13);  // three pushes: rsp is 16-byte aligned at the handler calls
        e_.mov64(rbx, rdi);
        e_.mov64(r13, rsi);
        if (e_.size() != kJitPrologueBytes) {
            e_.bytes().clear();
            return e_.bytes();
        }
        exits_.assign(b_.count, kNoLabel);
        dispatch_ = e_.new_label();
        out_ = e_.new_label();
        for (std::uint32_t i = 0; i < b_.count; ++i) instruction(i);
        // Ran to the end (the last instruction may have been skipped by its condition): r[15]
        // and itstate as finish_block sets them, then chain on if the next block may start
        // here (outside an IT block).
        const Insn& last = b_.insns[b_.count - 1];
        e_.mov_store_imm(Mem{r13, kExitIndexOff}, b_.count - 1);
        e_.mov_imm(rax, kCont);
        // (Not after an unconditional branch, which never gets here.)
        const bool always_leaves = !(last.pre & kPreCond) && (is_branch(last) || last.fn == sel_bx(true));
        if (last.it_next == 0 && !always_leaves) {
            e_.mov_load(rcx, field(o_.pcbase));  // the page + 8 (A32) / + 4 (T32)
            e_.alu_imm(aAdd, rcx, static_cast<std::uint32_t>(last.off) + last.size - (b_.thumb ? 4u : 8u));
            e_.mov_store(reg(15), rcx);
            e_.mov_store_imm(field(o_.itstate), 0);
            chain(kCont, b_.count, true);
        }
        e_.bind(out_);
        e_.pop(r13);
        e_.pop(r12);
        e_.pop(rbx);
        e_.ret();
        // Out-of-line paths: TLB misses (call the handler, then continue) and block exits.
        for (const Miss& m : misses_) {
            e_.bind(m.label);
            call_handler(m.index);
            e_.jmp(m.resume);
        }
        bool any_exit = false;
        for (std::uint32_t i = 0; i < b_.count; ++i) {
            if (exits_[i] == kNoLabel) continue;
            any_exit = true;
            e_.bind(exits_[i]);  // eax = the handler's exit code
            e_.mov_store_imm(Mem{r13, kExitIndexOff}, i);
            e_.alu_imm(aCmp, rax, kExit);
            e_.jcc(kNE, out_);
            e_.jmp(dispatch_);
        }
        // Exits through handlers (exceptions, returns by LDM/LDR, state changes...): the index
        // is in JitExit and the handler may have switched the instruction set.
        if (any_exit) {
            e_.bind(dispatch_);
            chain(kExit, 0, true);
        }
        return e_.bytes();
    }

private:
    static constexpr Emitter::Label kNoLabel = ~0u;
    struct Miss {
        Emitter::Label label, resume;
        std::uint32_t index;
    };

    Mem reg(unsigned n) const { return Mem{rbx, o_.r + static_cast<std::int32_t>(4 * n)}; }
    Mem field(std::int32_t off) const { return Mem{rbx, off}; }

    Emitter::Label exit_label(std::uint32_t i) {
        if (exits_[i] == kNoLabel) exits_[i] = e_.new_label();
        return exits_[i];
    }

    void instruction(std::uint32_t i) {
        const Insn& in = b_.insns[i];
        const auto next = e_.new_label();
        // Branches that overwrite r[15] without reading it need no PC store (a skipped one
        // leaves r[15] stale, which nothing after it reads: it is stored where needed).
        const bool writes_pc_only = is_branch(in) && !(in.fn == sel_bx(false) && in.rm == 15);
        if ((in.pre & kPrePc) && !writes_pc_only) {
            e_.mov_load(rax, field(o_.pcbase));
            e_.alu_imm(aAdd, rax, in.off);
            e_.mov_store(reg(15), rax);
        }
        if ((in.pre & kPreCond) && in.cond < 14) skip_unless(in.cond, next);
        if (direct_branch(in, i) || indirect_branch(in, i, next)) {
        } else if (!(in.pre & kPrePc) && inline_insn(in, i, next)) {
        } else {
            call_handler(i);
        }
        e_.bind(next);
    }

    // B, BL and BX: r[15] is only written (BX PC reads it: rm = 15). Compiled inline.
    static bool is_branch(const Insn& in) {
        return in.fn == sel_b() || in.fn == sel_bl(false) || in.fn == sel_bx(false);
    }

    // Leaves the block after instruction i set r[15] and itstate (kExit): to the next block
    // if it can be chained, else back to run().
    void exit_taken(std::uint32_t i, bool direct) {
        e_.mov_store_imm(Mem{r13, kExitIndexOff}, i);
        chain(kExit, i + 1, !direct);
    }

    // B and BL (no state change): h_b / h_bl with r[15] = exec_pcbase + off, so the target
    // and the link value are exec_pcbase plus a constant; then leave the block (kExit).
    bool direct_branch(const Insn& in, std::uint32_t i) {
        const bool link = in.fn == sel_bl(false);
        if (!link && in.fn != sel_b()) return false;
        const bool thumb = b_.thumb;
        e_.mov_load(rcx, field(o_.pcbase));
        if (link) {  // link_value: the next instruction (| 1 in Thumb; exec_pcbase is even)
            e_.mov(rax, rcx);
            e_.alu_imm(aAdd, rax, thumb ? in.off - 4u + in.size + 1u : in.off - 4u);
            e_.mov_store(reg(14), rax);
        }
        e_.alu_imm(aAdd, rcx, in.off + in.imm);
        e_.alu_imm(aAnd, rcx, thumb ? ~1u : ~3u);
        e_.mov_store(reg(15), rcx);
        e_.mov_store_imm(field(o_.itstate), 0);
        exit_taken(i, true);
        return true;
    }

    // BX Rm and BLX Rm that stay in the block's instruction set (bx_write_pc); a state change
    // calls the handler (out of line).
    bool indirect_branch(const Insn& in, std::uint32_t i, Emitter::Label next) {
        const bool link = in.fn == sel_bx(true);
        if (!link && in.fn != sel_bx(false)) return false;
        const bool thumb = b_.thumb;
        e_.mov_load(rax, reg(in.rm));  // before the link write: BLX LR
        e_.test_imm(rax, 1);
        const auto other_set = e_.new_label();
        e_.jcc(thumb ? kE : kNE, other_set);
        misses_.push_back({other_set, next, i});
        if (link) {  // r[15] was stored (BLX reads it): link_value as in direct_branch
            e_.mov_load(rcx, field(o_.pcbase));
            e_.alu_imm(aAdd, rcx, thumb ? in.off - 4u + in.size + 1u : in.off - 4u);
            e_.mov_store(reg(14), rcx);
        }
        e_.alu_imm(aAnd, rax, thumb ? ~1u : ~3u);
        e_.mov_store(reg(15), rax);
        e_.mov_store_imm(field(o_.itstate), 0);
        exit_taken(i, false);
        return true;
    }

    // The chaining check and jump (see the top of this file), emitted where the block leaves
    // with exit code rc and JitExit::index set; r[15] and itstate are those of the next
    // instruction. done: how many instructions of this block ran (index + 1), 0 when only
    // JitExit knows (handler exits, which may also have changed the instruction set; else
    // it is the block's). use_jc: look in the jump cache when the link does not match (not for
    // direct branches: their target is fixed, so the link only misses while run() relinks).
    // Returns rc to run() when the next block cannot be chained.
    void chain(int rc, std::uint32_t done, bool use_jc) {
        const bool known = done != 0;
        const auto fail = e_.new_label();
        // Nothing pending and outside an IT block.
        e_.mov_load(rax, field(o_.pending));
        e_.alu_load(aOr, rax, field(o_.itstate));
        e_.jcc(kNE, fail);
        e_.cmp_mem8_imm8(field(o_.flush_pending), 0);
        e_.jcc(kNE, fail);
        e_.cmp_mem8_imm8(field(o_.debug_active), 0);
        e_.jcc(kNE, fail);
        // Budget: run_budget - done >= kJitChainBudget.
        if (known) {
            e_.alu64_imm_mem(aCmp, field(o_.run_budget), static_cast<std::uint32_t>(kJitChainBudget + done));
        } else {
            e_.mov_load64(rax, field(o_.run_budget));
            e_.mov_load(rcx, Mem{r13, kExitIndexOff});
            e_.alu64(aSub, rax, rcx);
            e_.alu64_imm(aCmp, rax, static_cast<std::uint32_t>(kJitChainBudget + 1));
        }
        e_.jcc(kB, fail);
        e_.mov64(rdi, rbx);
        e_.mov_imm64(rax, reinterpret_cast<std::uintptr_t>(&mem_map_changed));
        e_.call(rax);
        e_.test(rax, rax);
        e_.jcc(kNE, fail);
        // rax = jc_key(r[15]): jc_gen << 33 | priv << 32 | pc | thumb.
        e_.mov_load(rax, reg(15));
        if (!known) {
            e_.movzx8(rcx, field(o_.thumb));
            e_.alu(aOr, rax, rcx);
        } else if (b_.thumb) {
            e_.alu_imm(aOr, rax, 1);
        }
        e_.mov_load(rcx, field(o_.jc_gen));
        e_.shift64(sShl, rcx, 1);
        e_.movzx8(rdx, field(o_.priv));
        e_.alu64(aOr, rcx, rdx);
        e_.shift64(sShl, rcx, 32);
        e_.alu64(aOr, rax, rcx);
        // rdx = this block's link if its key matches, else the jump cache's block for the key.
        const auto found = e_.new_label(), jump_cache = e_.new_label();
        e_.mov_imm64(rdx, reinterpret_cast<std::uintptr_t>(&b_));
        e_.alu64_load(aCmp, rax, Mem{rdx, kBlockLinkKeyOff});
        e_.jcc(kNE, use_jc ? jump_cache : fail);
        e_.mov_load64(rdx, Mem{rdx, kBlockLinkOff});
        e_.bind(found);
        // The next block: compiled, live, verified at the current icache epoch.
        e_.mov_load64(rcx, Mem{rdx, kBlockJitOff});
        e_.test64(rcx, rcx);
        e_.jcc(kE, fail);
        e_.cmp_mem8_imm8(Mem{rdx, kBlockLiveOff}, 0);
        e_.jcc(kE, fail);
        e_.mov_imm64(rax, reinterpret_cast<std::uintptr_t>(&g_icache_epoch));
        e_.mov_load64(rax, Mem{rax, 0});
        e_.alu64_load(aCmp, rax, Mem{rdx, kBlockEpochOff});
        e_.jcc(kNE, fail);
        // Count this block (finish_block's icount/run_budget), switch to the next one.
        if (known) {
            e_.alu64_imm_mem(aAdd, field(o_.icount), done);
            e_.alu64_imm_mem(aSub, field(o_.run_budget), done);
        } else {
            e_.mov_load(rax, Mem{r13, kExitIndexOff});
            e_.alu_imm(aAdd, rax, 1);
            e_.alu64_store(aAdd, field(o_.icount), rax);
            e_.alu64_store(aSub, field(o_.run_budget), rax);
        }
        e_.mov_store64(Mem{r13, kExitBlockOff}, rdx);
        e_.mov_load(rsi, reg(15));  // exec_pcbase = (pc & kPageMask) + (thumb ? 4 : 8)
        e_.alu_imm(aAnd, rsi, kPageMask);
        if (known) {
            e_.alu_imm(aAdd, rsi, b_.thumb ? 4 : 8);
        } else {
            e_.movzx8(rax, field(o_.thumb));
            e_.shift(sShl, rax, 2);
            e_.alu_imm(aAdd, rsi, 8);
            e_.alu(aSub, rsi, rax);
        }
        e_.mov_store(field(o_.pcbase), rsi);
        e_.alu64_imm(aAdd, rcx, static_cast<std::uint32_t>(kJitPrologueBytes));
        e_.jmp(rcx);
        // The jump cache: &jc_[priv][(pc >> 1) & (kJcSize - 1)], rax = the key.
        if (use_jc) {
            e_.bind(jump_cache);
            e_.mov_load(rcx, reg(15));
            e_.shift(sShr, rcx, 1);
            e_.alu_imm(aAnd, rcx, Cpu::kJcSize - 1);
            e_.shift(sShl, rcx, 4);
            e_.movzx8(rdx, field(o_.priv));
            e_.imul_imm(rdx, rdx, Cpu::kJcSize * sizeof(JcEntry));
            e_.alu64(aAdd, rcx, rdx);
            e_.alu64(aAdd, rcx, rbx);
            e_.alu64_load(aCmp, rax, Mem{rcx, o_.jc});
            e_.jcc(kNE, fail);
            e_.mov_load64(rdx, Mem{rcx, o_.jc + 8});
            e_.jmp(found);
        }
        e_.bind(fail);
        e_.mov_imm(rax, static_cast<std::uint32_t>(rc));
        e_.jmp(out_);
    }

    void call_handler(std::uint32_t i) {
        const Insn& in = b_.insns[i];
        e_.mov64(rdi, rbx);
        e_.mov_imm64(rsi, reinterpret_cast<std::uintptr_t>(&in));
        e_.mov_imm64(rax, reinterpret_cast<std::uintptr_t>(in.fn));
        e_.call(rax);
        e_.test(rax, rax);
        e_.jcc(kNE, exit_label(i));
    }

    // Jumps to skip when ConditionPassed(cond) is false (cond_pass in cpu.h): N = NF bit 31,
    // Z = (ZF == 0), C = (CF != 0), V = VF bit 31.
    void skip_unless(unsigned cond, Emitter::Label skip) {
        const Mem nf = field(o_.nf), zf = field(o_.zf), cf = field(o_.cf), vf = field(o_.vf);
        auto n_xor_v = [&] {
            e_.mov_load(rax, nf);
            e_.alu_load(aXor, rax, vf);
        };
        switch (cond) {
        case 0: e_.cmp_mem_imm8(zf, 0); e_.jcc(kNE, skip); break;  // EQ: Z
        case 1: e_.cmp_mem_imm8(zf, 0); e_.jcc(kE, skip); break;   // NE
        case 2: e_.cmp_mem_imm8(cf, 0); e_.jcc(kE, skip); break;   // CS
        case 3: e_.cmp_mem_imm8(cf, 0); e_.jcc(kNE, skip); break;  // CC
        case 4: e_.mov_load(rax, nf); e_.test(rax, rax); e_.jcc(kNS, skip); break;  // MI
        case 5: e_.mov_load(rax, nf); e_.test(rax, rax); e_.jcc(kS, skip); break;   // PL
        case 6: e_.mov_load(rax, vf); e_.test(rax, rax); e_.jcc(kNS, skip); break;  // VS
        case 7: e_.mov_load(rax, vf); e_.test(rax, rax); e_.jcc(kS, skip); break;   // VC
        case 8:  // HI: C && !Z
            e_.cmp_mem_imm8(cf, 0);
            e_.jcc(kE, skip);
            e_.cmp_mem_imm8(zf, 0);
            e_.jcc(kE, skip);
            break;
        case 9: {  // LS: !C || Z
            const auto pass = e_.new_label();
            e_.cmp_mem_imm8(cf, 0);
            e_.jcc(kE, pass);
            e_.cmp_mem_imm8(zf, 0);
            e_.jcc(kNE, skip);
            e_.bind(pass);
            break;
        }
        case 10: n_xor_v(); e_.jcc(kS, skip); break;   // GE: N == V
        case 11: n_xor_v(); e_.jcc(kNS, skip); break;  // LT
        case 12:  // GT: !Z && N == V
            e_.cmp_mem_imm8(zf, 0);
            e_.jcc(kE, skip);
            n_xor_v();
            e_.jcc(kS, skip);
            break;
        case 13: {  // LE: Z || N != V
            const auto pass = e_.new_label();
            e_.cmp_mem_imm8(zf, 0);
            e_.jcc(kE, pass);
            n_xor_v();
            e_.jcc(kNS, skip);
            e_.bind(pass);
            break;
        }
        default: break;
        }
    }

    // The A32 immediate shift of v (shift_imm_c in exec_util.h); with need_carry the shifter
    // carry-out goes to edx and carry_out says whether it differs from CF. r8 is scratch.
    // False for shift encodings the decoder never produces (left to the handler).
    bool shift(Reg v, unsigned type, unsigned amt, bool need_carry, bool& carry_out) {
        carry_out = false;
        auto carry_bit = [&](unsigned bit) {  // edx = (v >> bit) & 1
            if (!need_carry) return;
            e_.mov(rdx, v);
            if (bit) e_.shift(sShr, rdx, bit);
            if (bit != 31) e_.alu_imm(aAnd, rdx, 1);
            carry_out = true;
        };
        switch (type) {
        case kShLsl:
            if (amt > 31) return false;
            if (amt == 0) return true;
            carry_bit(32 - amt);
            e_.shift(sShl, v, amt);
            return true;
        case kShLsr:
        case kShAsr:
            if (amt == 0 || amt > 32) return false;
            carry_bit(amt - 1 < 31 ? amt - 1 : 31);
            if (type == kShAsr) e_.shift(sSar, v, amt > 31 ? 31 : amt);
            else if (amt == 32) e_.mov_imm(v, 0);
            else e_.shift(sShr, v, amt);
            return true;
        case kShRor:
            amt &= 31;
            if (amt) e_.shift(sRor, v, amt);
            carry_bit(31);
            return true;
        case kShRrx:
            e_.mov_load(r8, field(o_.cf));
            e_.shift(sShl, r8, 31);
            carry_bit(0);
            e_.shift(sShr, v, 1);
            e_.alu(aOr, v, r8);
            return true;
        default:
            return false;
        }
    }

    bool inline_insn(const Insn& in, std::uint32_t i, Emitter::Label next) {
        DpForm dp;
        if (dp_form(in.fn, dp)) return inline_dp(in, dp);
        LdstForm ls;
        if (ldst_form(in.fn, ls)) return inline_ldst(in, ls, i, next);
        if (in.fn == sel_media(kMovw)) {
            e_.mov_store_imm(reg(in.rd), in.imm);
            return true;
        }
        if (in.fn == sel_mul(kMul) || in.fn == sel_mul(kMla)) {  // flags bit 0: S
            e_.mov_load(rax, reg(in.rn));
            e_.imul_load(rax, reg(in.rm));
            if (in.fn == sel_mul(kMla)) e_.alu_load(aAdd, rax, reg(in.ra));
            e_.mov_store(reg(in.rd), rax);
            if (in.flags & 1) {
                e_.mov_store(field(o_.nf), rax);
                e_.mov_store(field(o_.zf), rax);
            }
            return true;
        }
        for (int op : {kUxtb, kUxth, kSxtb, kSxth}) {  // rn = 15: no accumulate; shamt = rotation
            if (in.fn != sel_media(op)) continue;
            e_.mov_load(rax, reg(in.rm));
            if (in.shamt & 31) e_.shift(sRor, rax, in.shamt & 31);
            if (op == kUxtb) e_.alu_imm(aAnd, rax, 0xff);
            else if (op == kUxth) e_.alu_imm(aAnd, rax, 0xffff);
            else if (op == kSxtb) e_.movsx8(rax, rax);
            else e_.movsx16(rax, rax);
            if (in.rn != 15) e_.alu_load(aAdd, rax, reg(in.rn));
            e_.mov_store(reg(in.rd), rax);
            return true;
        }
        if (in.fn == sel_media(kMovt)) {
            e_.movzx16(rax, reg(in.rd));
            e_.alu_imm(aOr, rax, in.imm << 16);
            e_.mov_store(reg(in.rd), rax);
            return true;
        }
        return false;
    }

    // dp<OP, KIND, S> of exec_dp.cpp: operand 2 in ecx, result in eax.
    bool inline_dp(const Insn& in, const DpForm& f) {
        if (f.kind == kOpRegRegShift) return false;
        const bool logical = is_logical(f.op);
        const bool need_carry = f.s && logical;
        bool carry_out = false;  // edx holds the new C
        if (f.kind == kOpImm) {
            e_.mov_imm(rcx, in.imm);
            if (need_carry && (in.flags & kDpImmCarry)) {
                e_.mov_imm(rdx, in.imm >> 31);
                carry_out = true;
            }
        } else {
            e_.mov_load(rcx, reg(in.rm));
            if (f.kind == kOpRegImmShift && !shift(rcx, in.shift, in.shamt, need_carry, carry_out)) return false;
        }
        if (logical) {
            if (f.op != kMov && f.op != kMvn) e_.mov_load(rax, reg(in.rn));
            switch (f.op) {
            case kAnd: case kTst: e_.alu(aAnd, rax, rcx); break;
            case kEor: case kTeq: e_.alu(aXor, rax, rcx); break;
            case kOrr: e_.alu(aOr, rax, rcx); break;
            case kOrn: e_.not_(rcx); e_.alu(aOr, rax, rcx); break;
            case kBic: e_.not_(rcx); e_.alu(aAnd, rax, rcx); break;
            case kMov: e_.mov(rax, rcx); break;
            default: e_.mov(rax, rcx); e_.not_(rax); break;  // MVN
            }
            if (f.s) {
                e_.mov_store(field(o_.nf), rax);
                e_.mov_store(field(o_.zf), rax);
                if (carry_out) e_.mov_store(field(o_.cf), rdx);
            }
        } else if (!f.s && (f.op == kAdd || f.op == kSub)) {
            e_.mov_load(rax, reg(in.rn));
            e_.alu(f.op == kAdd ? aAdd : aSub, rax, rcx);
        } else {
            // add_flags: res = x + y + cin computed 64-bit; C = bit 32, V = (x^res) & (y^res).
            e_.mov_load(rsi, reg(in.rn));
            switch (f.op) {
            case kSub: case kCmp: case kSbc: e_.mov(rdi, rcx); e_.not_(rdi); break;
            case kRsb: case kRsc: e_.mov(rdi, rsi); e_.not_(rdi); e_.mov(rsi, rcx); break;
            default: e_.mov(rdi, rcx); break;  // ADD, CMN, ADC
            }
            e_.mov(rax, rsi);
            e_.alu64(aAdd, rax, rdi);
            switch (f.op) {
            case kSub: case kCmp: case kRsb: e_.alu64_imm(aAdd, rax, 1); break;
            case kAdc: case kSbc: case kRsc:
                e_.mov_load(r8, field(o_.cf));
                e_.alu64(aAdd, rax, r8);
                break;
            default: break;
            }
            if (f.s) {
                e_.mov_store(field(o_.nf), rax);
                e_.mov_store(field(o_.zf), rax);
                e_.mov64(rdx, rax);
                e_.shift64(sShr, rdx, 32);
                e_.mov_store(field(o_.cf), rdx);
                e_.alu(aXor, rsi, rax);
                e_.alu(aXor, rdi, rax);
                e_.alu(aAnd, rsi, rdi);
                e_.mov_store(field(o_.vf), rsi);
            }
        }
        if (writes_rd(f.op)) e_.mov_store(reg(in.rd), rax);
        return true;
    }

    // ldst<SIZE, SIGN, LOAD, MODE, REG> of exec_ldst.cpp, TLB hit only: esi = base, edi =
    // offset (register forms), eax = address, rdx = TLB entry, rcx = host address, r8 = data.
    bool inline_ldst(const Insn& in, const LdstForm& f, std::uint32_t i, Emitter::Label next) {
        e_.mov_load(rsi, reg(in.rn));
        if (f.reg) {
            bool unused = false;
            e_.mov_load(rdi, reg(in.rm));
            if (!shift(rdi, in.shift, in.shamt, false, unused)) return false;
            if (!(in.flags & kLsU)) e_.neg(rdi);
        }
        auto add_offset = [&](Reg to) {
            if (f.reg) e_.alu(aAdd, to, rdi);
            else if (in.imm) e_.alu_imm(aAdd, to, in.imm);
        };
        e_.mov(rax, rsi);
        if (f.mode != 2) add_offset(rax);
        // Entry: tlb[priv][type][(addr >> 12) & (kTlbSize - 1)].
        e_.mov(rdx, rax);
        e_.shift(sShr, rdx, 12);
        e_.alu_imm(aAnd, rdx, kTlbSize - 1);
        e_.shift(sShl, rdx, 4);
        e_.movzx8(rcx, field(o_.priv));
        e_.imul_imm(rcx, rcx, 3 * kTlbSize * sizeof(TlbEntry));
        e_.alu64(aAdd, rdx, rcx);
        e_.alu64(aAdd, rdx, rbx);
        const std::int32_t entry =
            o_.tlb + static_cast<std::int32_t>((f.load ? kAccRead : kAccWrite) * kTlbSize * sizeof(TlbEntry));
        e_.mov(rcx, rax);
        e_.alu_imm(aAnd, rcx, kPageMask | (f.size - 1));
        e_.alu_load(aCmp, rcx, Mem{rdx, entry + kTlbTagOff});
        const auto miss = e_.new_label();
        e_.jcc(kNE, miss);
        misses_.push_back({miss, next, i});
        e_.mov_load64(rcx, Mem{rdx, entry + kTlbAddendOff});
        e_.alu64(aAdd, rcx, rax);
        const Mem host{rcx, 0};
        auto writeback = [&] {
            if (f.mode == 1) {
                e_.mov_store(reg(in.rn), rax);
            } else if (f.mode == 2) {
                add_offset(rsi);
                e_.mov_store(reg(in.rn), rsi);
            }
        };
        if (f.load) {
            if (f.size == 1) f.sign ? e_.movsx8(r8, host) : e_.movzx8(r8, host);
            else if (f.size == 2) f.sign ? e_.movsx16(r8, host) : e_.movzx16(r8, host);
            else e_.mov_load(r8, host);
            writeback();
            e_.mov_store(reg(in.rd), r8);
        } else {
            e_.mov_load(r8, reg(in.rd));
            if (f.size == 1) e_.mov_store8(host, r8);
            else if (f.size == 2) e_.mov_store16(host, r8);
            else e_.mov_store(host, r8);
            writeback();
        }
        return true;
    }

    Emitter e_;
    Offsets o_;
    const Block& b_;
    std::vector<Emitter::Label> exits_;
    std::vector<Miss> misses_;
    Emitter::Label dispatch_ = kNoLabel, out_ = kNoLabel;
};

}  // namespace

bool jit_compile(Cpu& c, Block& b) {
    if (!c.jit_code || b.count == 0) return false;
    Compiler compiler(c, b);
    const std::vector<std::uint8_t>& code = compiler.compile();
    if (code.empty()) return false;
    // Every block is compiled once hot, even a lone BL or ADD; BX LR: with chaining, compiled
    // blocks pass control to each other without run(), which is where such short blocks spent
    // most of their time (interpreted, or compiled but entered from run(), a call of the
    // call-heavy benchmark cost ~314 host instructions, mostly block-to-block overhead).
    void* fn = c.jit_code->add(code.data(), code.size());
    if (!fn) {
        c.flush_pending = true;  // arena full: start again with an empty one
        return false;
    }
    b.jit = reinterpret_cast<JitFn>(fn);
    return true;
}

}  // namespace emu::arm

#else

namespace emu::arm {
bool jit_compile(Cpu&, Block&) { return false; }
}  // namespace emu::arm

#endif
