// Data-processing handlers (AND..MVN, ORN), specialised per opcode, operand form and S bit.
// Fields: rd, rn, rm (operand register), ra (shift register for register-shifted forms),
// shift/shamt (immediate shift), imm (immediate operand), flags (kDpS, kDpImmCarry).
#include <array>
#include <utility>

#include "cpu.h"
#include "exec_util.h"
#include "jit.h"

namespace emu::arm {
namespace {

constexpr bool is_logical(int op) {
    return op == kAnd || op == kEor || op == kTst || op == kTeq || op == kOrr || op == kMov ||
           op == kBic || op == kMvn || op == kOrn;
}
constexpr bool writes_rd(int op) { return op < kTst || op > kCmn; }

template <int KIND, bool NEED_CARRY>
inline std::uint32_t operand2(Cpu& c, const Insn& in, std::uint32_t& carry) {
    if constexpr (KIND == kOpImm) {
        if constexpr (NEED_CARRY) {
            if (in.flags & kDpImmCarry) carry = in.imm >> 31;
        }
        return in.imm;
    } else if constexpr (KIND == kOpReg) {
        return c.r[in.rm];
    } else if constexpr (KIND == kOpRegImmShift) {
        if constexpr (NEED_CARRY) return shift_imm_c(c.r[in.rm], in.shift, in.shamt, carry);
        return shift_imm(c.r[in.rm], in.shift, in.shamt, c.CF);
    } else {
        std::uint32_t cc = carry;
        std::uint32_t v = shift_reg_c(c.r[in.rm], in.shift, c.r[in.ra] & 0xff, cc);
        if constexpr (NEED_CARRY) carry = cc;
        return v;
    }
}

// Computes the result and, if S, the flags. Returns the result.
template <int OP, bool S>
inline std::uint32_t compute(Cpu& c, std::uint32_t a, std::uint32_t b, std::uint32_t carry) {
    std::uint32_t res = 0;
    if constexpr (OP == kAnd || OP == kTst) res = a & b;
    else if constexpr (OP == kEor || OP == kTeq) res = a ^ b;
    else if constexpr (OP == kOrr) res = a | b;
    else if constexpr (OP == kOrn) res = a | ~b;
    else if constexpr (OP == kMov) res = b;
    else if constexpr (OP == kBic) res = a & ~b;
    else if constexpr (OP == kMvn) res = ~b;
    if constexpr (is_logical(OP)) {
        if constexpr (S) {
            c.NF = c.ZF = res;
            c.CF = carry;
        }
        return res;
    } else {
        std::uint32_t x = a, y = b, cin = 0;
        if constexpr (OP == kSub || OP == kCmp) { y = ~b; cin = 1; }
        else if constexpr (OP == kRsb) { x = b; y = ~a; cin = 1; }
        else if constexpr (OP == kAdc) { cin = c.CF; }
        else if constexpr (OP == kSbc) { y = ~b; cin = c.CF; }
        else if constexpr (OP == kRsc) { x = b; y = ~a; cin = c.CF; }
        if constexpr (S) return add_flags(c, x, y, cin);
        return x + y + cin;
    }
}

template <int OP, int KIND, bool S>
int dp(Cpu& c, const Insn& in) {
    std::uint32_t carry = c.CF;
    std::uint32_t b = operand2<KIND, S && is_logical(OP)>(c, in, carry);
    std::uint32_t res = compute<OP, S>(c, c.r[in.rn], b, carry);
    if constexpr (writes_rd(OP)) c.r[in.rd] = res;
    return kCont;
}

// Rd = PC: compute with a runtime opcode, then branch (ARM: interworking) or, with S, return
// from an exception (CPSR <- SPSR).
template <int KIND>
int dp_pc(Cpu& c, const Insn& in) {
    std::uint32_t carry = c.CF;
    std::uint32_t b = operand2<KIND, false>(c, in, carry);
    std::uint32_t a = c.r[in.rn];
    std::uint32_t res;
    std::uint32_t cf = c.CF;
    switch (static_cast<int>(in.flags >> 3)) {
    case kAnd: res = a & b; break;
    case kEor: res = a ^ b; break;
    case kSub: res = a - b; break;
    case kRsb: res = b - a; break;
    case kAdd: res = a + b; break;
    case kAdc: res = a + b + cf; break;
    case kSbc: res = a - b - (1 - cf); break;
    case kRsc: res = b - a - (1 - cf); break;
    case kOrr: res = a | b; break;
    case kMov: res = b; break;
    case kBic: res = a & ~b; break;
    case kMvn: res = ~b; break;
    case kOrn: res = a | ~b; break;
    default: res = 0; break;
    }
    if (in.flags & kDpS) {
        if (!c.has_spsr()) return c.raise_undef(in);  // UNPREDICTABLE in User/System
        return c.exception_return(res, c.spsr());
    }
    if (c.thumb) return c.branch(res);
    return c.bx_write_pc(res);
}

template <std::size_t... I>
constexpr auto make_dp_table(std::index_sequence<I...>) {
    return std::array<Handler, sizeof...(I)>{&dp<static_cast<int>(I >> 3), static_cast<int>((I >> 1) & 3),
                                                 (I & 1) != 0>...};
}
constexpr auto kDpTable = make_dp_table(std::make_index_sequence<kNumDpOps * 8>{});

}  // namespace

Handler sel_dp(int op, int kind, bool s, bool rd_is_pc) {
    if (rd_is_pc && writes_rd(op)) {
        switch (kind) {
        case kOpImm: return &dp_pc<kOpImm>;
        case kOpReg: return &dp_pc<kOpReg>;
        case kOpRegImmShift: return &dp_pc<kOpRegImmShift>;
        default: return &dp_pc<kOpRegRegShift>;
        }
    }
    return kDpTable[static_cast<std::size_t>(op * 8 + kind * 2 + (s ? 1 : 0))];
}

}  // namespace emu::arm

namespace emu::arm {

bool dp_form(Handler h, DpForm& out) {
    for (std::size_t i = 0; i < kDpTable.size(); ++i) {
        if (kDpTable[i] == h) {
            out.op = static_cast<int>(i >> 3);
            out.kind = static_cast<int>((i >> 1) & 3);
            out.s = (i & 1) != 0;
            return true;
        }
    }
    return false;
}

}  // namespace emu::arm
