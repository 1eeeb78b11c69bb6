// The block compiler. Register use in generated code: rbx = Cpu*, r13 = the last_index out
// pointer (both callee-saved, so they survive handler calls); rax, rcx, rdx, rsi, rdi, r8 are
// scratch within one instruction. Guest registers and flags live in the Cpu object and are
// loaded/stored per instruction, so any handler call in between sees exact state.
#include "jit.h"

#include "cpu.h"

#if defined(__x86_64__)

#include <cstddef>
#include <vector>

#include "x86_emitter.h"

namespace emu::arm {
namespace {

using namespace x86;

constexpr bool is_logical(int op) {
    return op == kAnd || op == kEor || op == kTst || op == kTeq || op == kOrr || op == kMov ||
           op == kBic || op == kMvn || op == kOrn;
}
constexpr bool writes_rd(int op) { return op < kTst || op > kCmn; }

// Field offsets inside Cpu, taken from the live object (Cpu is not standard-layout, so no
// offsetof).
struct Offsets {
    std::int32_t r, nf, zf, cf, vf, priv, tlb, pcbase, itstate;
};
Offsets offsets_of(Cpu& c) {
    const char* base = reinterpret_cast<const char*>(&c);
    auto at = [base](const void* p) { return static_cast<std::int32_t>(static_cast<const char*>(p) - base); };
    return {at(&c.r[0]), at(&c.NF), at(&c.ZF), at(&c.CF), at(&c.VF), at(&c.priv), at(&c.tlb[0][0][0]),
            at(&c.exec_pcbase), at(&c.itstate)};
}
static_assert(sizeof(TlbEntry) == 16, "the TLB index is scaled by 16");
constexpr std::int32_t kTlbTagOff = 0, kTlbAddendOff = 8;

class Compiler {
public:
    Compiler(Cpu& c, const Block& b) : o_(offsets_of(c)), b_(b) {}

    // Instructions compiled inline (the rest are handler calls).
    unsigned inlined() const { return inlined_; }

    std::vector<std::uint8_t>& compile() {
        e_.push(rbx);
        e_.push(r12);
        e_.push(r13);  // three pushes: rsp is 16-byte aligned at the handler calls
        e_.mov64(rbx, rdi);
        e_.mov64(r13, rdx);
        exits_.assign(b_.count, kNoLabel);
        for (std::uint32_t i = 0; i < b_.count; ++i) instruction(i);
        // Ran to the end (the last instruction may have been skipped by its condition).
        e_.mov_store_imm(Mem{r13, 0}, b_.count - 1);
        e_.mov_imm(rax, kCont);
        const auto out = e_.new_label();
        e_.bind(out);
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
        for (std::uint32_t i = 0; i < b_.count; ++i) {
            if (exits_[i] == kNoLabel) continue;
            e_.bind(exits_[i]);
            e_.mov_store_imm(Mem{r13, 0}, i);
            e_.jmp(out);
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
        if (in.pre & kPrePc) {
            e_.mov_load(rax, field(o_.pcbase));
            e_.alu_imm(aAdd, rax, in.off);
            e_.mov_store(reg(15), rax);
        }
        if ((in.pre & kPreCond) && in.cond < 14) skip_unless(in.cond, next);
        if (direct_branch(in, i)) ++inlined_;
        else if (!(in.pre & kPrePc) && inline_insn(in, i, next)) ++inlined_;
        else call_handler(i);
        e_.bind(next);
    }

    // B and BL (no state change): h_b / h_bl with r[15] = exec_pcbase + off, so the target
    // and the link value are exec_pcbase plus a constant; then leave the block (kExit).
    bool direct_branch(const Insn& in, std::uint32_t i) {
        const bool link = in.fn == sel_bl(false);
        if (!link && in.fn != sel_b()) return false;
        const bool thumb = b_.thumb;
        if (link) {  // link_value: the next instruction (| 1 in Thumb; exec_pcbase is even)
            e_.mov_load(rax, field(o_.pcbase));
            e_.alu_imm(aAdd, rax, thumb ? in.off - 4u + in.size + 1u : in.off - 4u);
            e_.mov_store(reg(14), rax);
        }
        e_.mov_load(rax, field(o_.pcbase));
        e_.alu_imm(aAdd, rax, in.off + in.imm);
        e_.alu_imm(aAnd, rax, thumb ? ~1u : ~3u);
        e_.mov_store(reg(15), rax);
        e_.mov_store_imm(field(o_.itstate), 0);
        e_.mov_imm(rax, kExit);
        e_.jmp(exit_label(i));
        return true;
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
    unsigned inlined_ = 0;
};

}  // namespace

bool jit_compile(Cpu& c, Block& b) {
    if (!c.jit_code || b.count == 0) return false;
    Compiler compiler(c, b);
    const std::vector<std::uint8_t>& code = compiler.compile();
    // A block with fewer than two inline instructions, like the lone BL or the ADD; BX LR of a
    // call, stays interpreted: compiled, it runs fewer host instructions (callgrind: 243 instead
    // of 314 per call of the call-heavy benchmark) but takes longer (137 instead of 168 MIPS,
    // measured alternately on a quiet machine), presumably in the indirect calls into scattered
    // code.
    if (compiler.inlined() < kJitMinInline) return false;
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
