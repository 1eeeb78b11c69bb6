// Multiply, multiply-accumulate, long multiplies, halfword/dual/most-significant multiplies,
// divide and sum of absolute differences.
// Fields: rd = Rd (RdHi for long forms), ra = Ra (RdLo for long forms), rn, rm;
// flags bit0 = S, bit1 = N half / swap (M) / round (R), bit2 = M half (SMLA<x><y>, SMUL<x><y>).
#include <cstdint>

#include "cpu.h"
#include "exec_util.h"

namespace emu::arm {
namespace {

using u32 = std::uint32_t;
using i32 = std::int32_t;
using u64 = std::uint64_t;
using i64 = std::int64_t;

inline i32 s32(u32 v) { return static_cast<i32>(v); }
inline i32 half(u32 v, bool top) { return top ? static_cast<std::int16_t>(v >> 16) : static_cast<std::int16_t>(v); }
inline void set_q_if(Cpu& c, bool overflow) {
    if (overflow) c.QF = 1;
}
inline void set_long(Cpu& c, const Insn& in, u64 v) {
    c.r[in.ra] = static_cast<u32>(v);
    c.r[in.rd] = static_cast<u32>(v >> 32);
    if (in.flags & 1) {
        c.NF = static_cast<u32>(v >> 32);
        c.ZF = v != 0 ? 1 : 0;
    }
}
inline u64 long_acc(const Cpu& c, const Insn& in) {
    return (static_cast<u64>(c.r[in.rd]) << 32) | c.r[in.ra];
}

int h_mul(Cpu& c, const Insn& in) {
    u32 res = c.r[in.rn] * c.r[in.rm];
    c.r[in.rd] = res;
    if (in.flags & 1) c.NF = c.ZF = res;
    return kCont;
}
int h_mla(Cpu& c, const Insn& in) {
    u32 res = c.r[in.rn] * c.r[in.rm] + c.r[in.ra];
    c.r[in.rd] = res;
    if (in.flags & 1) c.NF = c.ZF = res;
    return kCont;
}
int h_mls(Cpu& c, const Insn& in) {
    c.r[in.rd] = c.r[in.ra] - c.r[in.rn] * c.r[in.rm];
    return kCont;
}
int h_umull(Cpu& c, const Insn& in) {
    set_long(c, in, static_cast<u64>(c.r[in.rn]) * c.r[in.rm]);
    return kCont;
}
int h_umlal(Cpu& c, const Insn& in) {
    set_long(c, in, static_cast<u64>(c.r[in.rn]) * c.r[in.rm] + long_acc(c, in));
    return kCont;
}
int h_smull(Cpu& c, const Insn& in) {
    set_long(c, in, static_cast<u64>(static_cast<i64>(s32(c.r[in.rn])) * s32(c.r[in.rm])));
    return kCont;
}
int h_smlal(Cpu& c, const Insn& in) {
    set_long(c, in, static_cast<u64>(static_cast<i64>(s32(c.r[in.rn])) * s32(c.r[in.rm])) + long_acc(c, in));
    return kCont;
}
int h_umaal(Cpu& c, const Insn& in) {
    u64 v = static_cast<u64>(c.r[in.rn]) * c.r[in.rm] + c.r[in.rd] + c.r[in.ra];
    c.r[in.ra] = static_cast<u32>(v);
    c.r[in.rd] = static_cast<u32>(v >> 32);
    return kCont;
}
int h_smlaxy(Cpu& c, const Insn& in) {
    i64 v = static_cast<i64>(half(c.r[in.rn], in.flags & 2) * half(c.r[in.rm], in.flags & 4)) +
            s32(c.r[in.ra]);
    set_q_if(c, v != static_cast<i32>(v));
    c.r[in.rd] = static_cast<u32>(v);
    return kCont;
}
int h_smlawy(Cpu& c, const Insn& in) {
    i64 p = (static_cast<i64>(s32(c.r[in.rn])) * half(c.r[in.rm], in.flags & 4)) >> 16;
    i64 v = p + s32(c.r[in.ra]);
    set_q_if(c, v != static_cast<i32>(v));
    c.r[in.rd] = static_cast<u32>(v);
    return kCont;
}
int h_smulwy(Cpu& c, const Insn& in) {
    i64 p = (static_cast<i64>(s32(c.r[in.rn])) * half(c.r[in.rm], in.flags & 4)) >> 16;
    c.r[in.rd] = static_cast<u32>(p);
    return kCont;
}
int h_smlalxy(Cpu& c, const Insn& in) {
    i64 p = half(c.r[in.rn], in.flags & 2) * half(c.r[in.rm], in.flags & 4);
    u64 v = long_acc(c, in) + static_cast<u64>(p);
    c.r[in.ra] = static_cast<u32>(v);
    c.r[in.rd] = static_cast<u32>(v >> 32);
    return kCont;
}
int h_smulxy(Cpu& c, const Insn& in) {
    c.r[in.rd] = static_cast<u32>(half(c.r[in.rn], in.flags & 2) * half(c.r[in.rm], in.flags & 4));
    return kCont;
}
inline u32 dual_m(const Cpu& c, const Insn& in) {
    u32 m = c.r[in.rm];
    return (in.flags & 2) ? ror32(m, 16) : m;
}
int h_smlad(Cpu& c, const Insn& in) {
    u32 n = c.r[in.rn], m = dual_m(c, in);
    i64 v = static_cast<i64>(half(n, false) * half(m, false)) + half(n, true) * half(m, true) + s32(c.r[in.ra]);
    set_q_if(c, v != static_cast<i32>(v));
    c.r[in.rd] = static_cast<u32>(v);
    return kCont;
}
int h_smuad(Cpu& c, const Insn& in) {
    u32 n = c.r[in.rn], m = dual_m(c, in);
    i64 v = static_cast<i64>(half(n, false) * half(m, false)) + half(n, true) * half(m, true);
    set_q_if(c, v != static_cast<i32>(v));
    c.r[in.rd] = static_cast<u32>(v);
    return kCont;
}
int h_smlsd(Cpu& c, const Insn& in) {
    u32 n = c.r[in.rn], m = dual_m(c, in);
    i64 v = static_cast<i64>(half(n, false) * half(m, false)) - half(n, true) * half(m, true) + s32(c.r[in.ra]);
    set_q_if(c, v != static_cast<i32>(v));
    c.r[in.rd] = static_cast<u32>(v);
    return kCont;
}
int h_smusd(Cpu& c, const Insn& in) {
    u32 n = c.r[in.rn], m = dual_m(c, in);
    c.r[in.rd] = static_cast<u32>(half(n, false) * half(m, false) - half(n, true) * half(m, true));
    return kCont;
}
int h_smlald(Cpu& c, const Insn& in) {
    u32 n = c.r[in.rn], m = dual_m(c, in);
    i64 p = static_cast<i64>(half(n, false) * half(m, false)) + half(n, true) * half(m, true);
    u64 v = long_acc(c, in) + static_cast<u64>(p);
    c.r[in.ra] = static_cast<u32>(v);
    c.r[in.rd] = static_cast<u32>(v >> 32);
    return kCont;
}
int h_smlsld(Cpu& c, const Insn& in) {
    u32 n = c.r[in.rn], m = dual_m(c, in);
    i64 p = static_cast<i64>(half(n, false) * half(m, false)) - half(n, true) * half(m, true);
    u64 v = long_acc(c, in) + static_cast<u64>(p);
    c.r[in.ra] = static_cast<u32>(v);
    c.r[in.rd] = static_cast<u32>(v >> 32);
    return kCont;
}
inline i64 smm_product(const Cpu& c, const Insn& in) {
    return static_cast<i64>(s32(c.r[in.rn])) * s32(c.r[in.rm]);
}
int h_smmla(Cpu& c, const Insn& in) {
    u64 v = (static_cast<u64>(c.r[in.ra]) << 32) + static_cast<u64>(smm_product(c, in));
    if (in.flags & 2) v += 0x80000000u;
    c.r[in.rd] = static_cast<u32>(v >> 32);
    return kCont;
}
int h_smmls(Cpu& c, const Insn& in) {
    u64 v = (static_cast<u64>(c.r[in.ra]) << 32) - static_cast<u64>(smm_product(c, in));
    if (in.flags & 2) v += 0x80000000u;
    c.r[in.rd] = static_cast<u32>(v >> 32);
    return kCont;
}
int h_smmul(Cpu& c, const Insn& in) {
    u64 v = static_cast<u64>(smm_product(c, in));
    if (in.flags & 2) v += 0x80000000u;
    c.r[in.rd] = static_cast<u32>(v >> 32);
    return kCont;
}
int h_sdiv(Cpu& c, const Insn& in) {
    i32 n = s32(c.r[in.rn]), m = s32(c.r[in.rm]);
    u32 res;
    if (m == 0) res = 0;
    else if (n == INT32_MIN && m == -1) res = 0x80000000u;
    else res = static_cast<u32>(n / m);
    c.r[in.rd] = res;
    return kCont;
}
int h_udiv(Cpu& c, const Insn& in) {
    u32 m = c.r[in.rm];
    c.r[in.rd] = m == 0 ? 0 : c.r[in.rn] / m;
    return kCont;
}
inline u32 sad8(u32 n, u32 m) {
    u32 sum = 0;
    for (int i = 0; i < 32; i += 8) {
        int a = static_cast<int>((n >> i) & 0xff), b = static_cast<int>((m >> i) & 0xff);
        sum += static_cast<u32>(a > b ? a - b : b - a);
    }
    return sum;
}
int h_usad8(Cpu& c, const Insn& in) {
    c.r[in.rd] = sad8(c.r[in.rn], c.r[in.rm]);
    return kCont;
}
int h_usada8(Cpu& c, const Insn& in) {
    c.r[in.rd] = sad8(c.r[in.rn], c.r[in.rm]) + c.r[in.ra];
    return kCont;
}

}  // namespace

Handler sel_mul(int op) {
    switch (op) {
    case kMul: return &h_mul;
    case kMla: return &h_mla;
    case kMls: return &h_mls;
    case kUmull: return &h_umull;
    case kUmlal: return &h_umlal;
    case kSmull: return &h_smull;
    case kSmlal: return &h_smlal;
    case kUmaal: return &h_umaal;
    case kSmlaxy: return &h_smlaxy;
    case kSmlawy: return &h_smlawy;
    case kSmulwy: return &h_smulwy;
    case kSmlalxy: return &h_smlalxy;
    case kSmulxy: return &h_smulxy;
    case kSmlad: return &h_smlad;
    case kSmlsd: return &h_smlsd;
    case kSmlald: return &h_smlald;
    case kSmlsld: return &h_smlsld;
    case kSmmla: return &h_smmla;
    case kSmmls: return &h_smmls;
    case kSmmul: return &h_smmul;
    case kSmuad: return &h_smuad;
    case kSmusd: return &h_smusd;
    case kSdiv: return &h_sdiv;
    case kUdiv: return &h_udiv;
    case kUsad8: return &h_usad8;
    case kUsada8: return &h_usada8;
    default: return sel_undef();
    }
}

}  // namespace emu::arm
