// Saturating arithmetic, saturate, parallel add/subtract, SEL, CLZ, reversal, extend (with
// accumulate), pack, bit-field, MOVW/MOVT.
// Fields (per op): rd, rn, rm; imm = saturate position / width / msb / immediate / parallel
// prefix; shift, shamt = shift or rotation or lsb; flags = parallel opcode.
#include <cstdint>

#include "cpu.h"
#include "exec_util.h"

namespace emu::arm {
namespace {

using u32 = std::uint32_t;
using i32 = std::int32_t;
using i64 = std::int64_t;

inline i32 ssat_val(i64 v, unsigned bits, bool& sat) {
    i64 hi = (i64{1} << (bits - 1)) - 1, lo = -(i64{1} << (bits - 1));
    if (v > hi) { sat = true; return static_cast<i32>(hi); }
    if (v < lo) { sat = true; return static_cast<i32>(lo); }
    return static_cast<i32>(v);
}
inline u32 usat_val(i64 v, unsigned bits, bool& sat) {
    i64 hi = (i64{1} << bits) - 1;
    if (v > hi) { sat = true; return static_cast<u32>(hi); }
    if (v < 0) { sat = true; return 0; }
    return static_cast<u32>(v);
}
inline i64 sv(u32 v) { return static_cast<i32>(v); }

int h_qadd(Cpu& c, const Insn& in) {
    bool sat = false;
    c.r[in.rd] = static_cast<u32>(ssat_val(sv(c.r[in.rm]) + sv(c.r[in.rn]), 32, sat));
    if (sat) c.QF = 1;
    return kCont;
}
int h_qsub(Cpu& c, const Insn& in) {
    bool sat = false;
    c.r[in.rd] = static_cast<u32>(ssat_val(sv(c.r[in.rm]) - sv(c.r[in.rn]), 32, sat));
    if (sat) c.QF = 1;
    return kCont;
}
int h_qdadd(Cpu& c, const Insn& in) {
    bool sat = false;
    i32 d = ssat_val(2 * sv(c.r[in.rn]), 32, sat);
    c.r[in.rd] = static_cast<u32>(ssat_val(sv(c.r[in.rm]) + d, 32, sat));
    if (sat) c.QF = 1;
    return kCont;
}
int h_qdsub(Cpu& c, const Insn& in) {
    bool sat = false;
    i32 d = ssat_val(2 * sv(c.r[in.rn]), 32, sat);
    c.r[in.rd] = static_cast<u32>(ssat_val(sv(c.r[in.rm]) - d, 32, sat));
    if (sat) c.QF = 1;
    return kCont;
}
int h_ssat(Cpu& c, const Insn& in) {
    bool sat = false;
    u32 v = shift_imm(c.r[in.rn], in.shift, in.shamt, c.CF);
    c.r[in.rd] = static_cast<u32>(ssat_val(sv(v), in.imm, sat));
    if (sat) c.QF = 1;
    return kCont;
}
int h_usat(Cpu& c, const Insn& in) {
    bool sat = false;
    u32 v = shift_imm(c.r[in.rn], in.shift, in.shamt, c.CF);
    c.r[in.rd] = usat_val(sv(v), in.imm, sat);
    if (sat) c.QF = 1;
    return kCont;
}
int h_ssat16(Cpu& c, const Insn& in) {
    bool sat = false;
    u32 n = c.r[in.rn];
    u32 lo = static_cast<u32>(ssat_val(static_cast<std::int16_t>(n), in.imm, sat)) & 0xffff;
    u32 hi = static_cast<u32>(ssat_val(static_cast<std::int16_t>(n >> 16), in.imm, sat)) & 0xffff;
    c.r[in.rd] = lo | (hi << 16);
    if (sat) c.QF = 1;
    return kCont;
}
int h_usat16(Cpu& c, const Insn& in) {
    bool sat = false;
    u32 n = c.r[in.rn];
    u32 lo = usat_val(static_cast<std::int16_t>(n), in.imm, sat);
    u32 hi = usat_val(static_cast<std::int16_t>(n >> 16), in.imm, sat);
    c.r[in.rd] = lo | (hi << 16);
    if (sat) c.QF = 1;
    return kCont;
}
int h_sel(Cpu& c, const Insn& in) {
    u32 n = c.r[in.rn], m = c.r[in.rm], res = 0;
    for (int i = 0; i < 4; ++i) {
        u32 mask = 0xffu << (8 * i);
        res |= ((c.GE >> i) & 1) ? (n & mask) : (m & mask);
    }
    c.r[in.rd] = res;
    return kCont;
}
int h_clz(Cpu& c, const Insn& in) {
    u32 m = c.r[in.rm];
    c.r[in.rd] = m ? static_cast<u32>(__builtin_clz(m)) : 32u;
    return kCont;
}
int h_rev(Cpu& c, const Insn& in) {
    c.r[in.rd] = __builtin_bswap32(c.r[in.rm]);
    return kCont;
}
int h_rev16(Cpu& c, const Insn& in) {
    u32 m = c.r[in.rm];
    c.r[in.rd] = ((m & 0x00ff00ffu) << 8) | ((m >> 8) & 0x00ff00ffu);
    return kCont;
}
int h_revsh(Cpu& c, const Insn& in) {
    u32 m = c.r[in.rm];
    c.r[in.rd] = static_cast<u32>(static_cast<std::int16_t>(((m & 0xff) << 8) | ((m >> 8) & 0xff)));
    return kCont;
}
int h_rbit(Cpu& c, const Insn& in) {
    u32 v = c.r[in.rm];
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
    c.r[in.rd] = __builtin_bswap32(v);
    return kCont;
}
inline u32 acc(const Cpu& c, const Insn& in) { return in.rn == 15 ? 0 : c.r[in.rn]; }
int h_sxtb(Cpu& c, const Insn& in) {
    c.r[in.rd] = acc(c, in) + static_cast<u32>(static_cast<std::int8_t>(ror32(c.r[in.rm], in.shamt)));
    return kCont;
}
int h_sxth(Cpu& c, const Insn& in) {
    c.r[in.rd] = acc(c, in) + static_cast<u32>(static_cast<std::int16_t>(ror32(c.r[in.rm], in.shamt)));
    return kCont;
}
int h_uxtb(Cpu& c, const Insn& in) {
    c.r[in.rd] = acc(c, in) + (ror32(c.r[in.rm], in.shamt) & 0xff);
    return kCont;
}
int h_uxth(Cpu& c, const Insn& in) {
    c.r[in.rd] = acc(c, in) + (ror32(c.r[in.rm], in.shamt) & 0xffff);
    return kCont;
}
int h_sxtb16(Cpu& c, const Insn& in) {
    u32 m = ror32(c.r[in.rm], in.shamt), a = acc(c, in);
    u32 lo = (a + static_cast<u32>(static_cast<std::int8_t>(m))) & 0xffff;
    u32 hi = ((a >> 16) + static_cast<u32>(static_cast<std::int8_t>(m >> 16))) & 0xffff;
    c.r[in.rd] = lo | (hi << 16);
    return kCont;
}
int h_uxtb16(Cpu& c, const Insn& in) {
    u32 m = ror32(c.r[in.rm], in.shamt), a = acc(c, in);
    u32 lo = (a + (m & 0xff)) & 0xffff;
    u32 hi = ((a >> 16) + ((m >> 16) & 0xff)) & 0xffff;
    c.r[in.rd] = lo | (hi << 16);
    return kCont;
}
int h_pkhbt(Cpu& c, const Insn& in) {
    u32 m = c.r[in.rm] << in.shamt;
    c.r[in.rd] = (c.r[in.rn] & 0xffff) | (m & 0xffff0000u);
    return kCont;
}
int h_pkhtb(Cpu& c, const Insn& in) {
    unsigned sh = in.shamt ? in.shamt : 32;
    u32 m = shift_imm(c.r[in.rm], kShAsr, sh, 0);
    c.r[in.rd] = (c.r[in.rn] & 0xffff0000u) | (m & 0xffff);
    return kCont;
}
inline u32 field_mask(unsigned lsb, unsigned msb) {
    if (msb < lsb) return 0;
    unsigned w = msb - lsb + 1;
    return (w >= 32 ? 0xffffffffu : ((1u << w) - 1)) << lsb;
}
int h_bfc(Cpu& c, const Insn& in) {
    c.r[in.rd] &= ~field_mask(in.shamt, in.imm);
    return kCont;
}
int h_bfi(Cpu& c, const Insn& in) {
    u32 mask = field_mask(in.shamt, in.imm);
    c.r[in.rd] = (c.r[in.rd] & ~mask) | ((c.r[in.rn] << in.shamt) & mask);
    return kCont;
}
int h_sbfx(Cpu& c, const Insn& in) {
    unsigned lsb = in.shamt, w = in.imm;
    if (lsb + w > 32) return c.raise_undef(in);
    c.r[in.rd] = static_cast<u32>(static_cast<i32>(c.r[in.rn] << (32 - lsb - w)) >> (32 - w));
    return kCont;
}
int h_ubfx(Cpu& c, const Insn& in) {
    unsigned lsb = in.shamt, w = in.imm;
    if (lsb + w > 32) return c.raise_undef(in);
    c.r[in.rd] = (c.r[in.rn] >> lsb) & (w >= 32 ? 0xffffffffu : (1u << w) - 1);
    return kCont;
}
int h_movw(Cpu& c, const Insn& in) {
    c.r[in.rd] = in.imm;
    return kCont;
}
int h_adr(Cpu& c, const Insn& in) {
    c.r[in.rd] = (c.r[15] & ~3u) + in.imm;
    return kCont;
}
int h_movt(Cpu& c, const Insn& in) {
    c.r[in.rd] = (c.r[in.rd] & 0xffff) | (in.imm << 16);
    return kCont;
}

// Parallel add/subtract. Lanes are computed as signed/unsigned ints, then combined per prefix.
int h_parallel(Cpu& c, const Insn& in) {
    const unsigned op = in.flags & 7, prefix = in.imm;
    const bool is_signed = prefix <= kParSH;
    const bool bytes = op >= 4;
    const unsigned width = bytes ? 8 : 16, lanes = bytes ? 4 : 2;
    const u32 n = c.r[in.rn], m = c.r[in.rm];
    auto lane = [&](u32 v, unsigned i) -> i32 {
        u32 x = (v >> (i * width)) & ((1u << width) - 1);
        if (is_signed) return width == 8 ? static_cast<std::int8_t>(x) : static_cast<std::int16_t>(x);
        return static_cast<i32>(x);
    };
    u32 res = 0, ge = 0;
    for (unsigned i = 0; i < lanes; ++i) {
        i32 r;
        bool add;
        switch (op) {
        case 0: r = lane(n, i) + lane(m, i); add = true; break;                   // ADD16
        case 1: add = i == 1; r = add ? lane(n, 1) + lane(m, 0) : lane(n, 0) - lane(m, 1); break;  // ASX
        case 2: add = i == 0; r = add ? lane(n, 0) + lane(m, 1) : lane(n, 1) - lane(m, 0); break;  // SAX
        case 3: r = lane(n, i) - lane(m, i); add = false; break;                  // SUB16
        case 4: r = lane(n, i) + lane(m, i); add = true; break;                   // ADD8
        default: r = lane(n, i) - lane(m, i); add = false; break;                 // SUB8
        }
        u32 out;
        bool g = false, sat = false;
        switch (prefix) {
        case kParS: out = static_cast<u32>(r); g = r >= 0; break;
        case kParU: out = static_cast<u32>(r); g = add ? r >= (1 << width) : r >= 0; break;
        case kParQ: out = static_cast<u32>(ssat_val(r, width, sat)); break;
        case kParUQ: out = usat_val(r, width, sat); break;
        default: out = static_cast<u32>(r >> 1); break;  // SH / UH
        }
        res |= (out & ((1u << width) - 1)) << (i * width);
        if (g) ge |= bytes ? (1u << i) : (3u << (2 * i));
    }
    c.r[in.rd] = res;
    if (prefix == kParS || prefix == kParU) c.GE = ge;
    return kCont;
}

}  // namespace

Handler sel_media(int op) {
    switch (op) {
    case kQadd: return &h_qadd;
    case kQsub: return &h_qsub;
    case kQdadd: return &h_qdadd;
    case kQdsub: return &h_qdsub;
    case kSsat: return &h_ssat;
    case kUsat: return &h_usat;
    case kSsat16: return &h_ssat16;
    case kUsat16: return &h_usat16;
    case kSel: return &h_sel;
    case kClz: return &h_clz;
    case kRev: return &h_rev;
    case kRev16: return &h_rev16;
    case kRevsh: return &h_revsh;
    case kRbit: return &h_rbit;
    case kSxtb: return &h_sxtb;
    case kSxth: return &h_sxth;
    case kUxtb: return &h_uxtb;
    case kUxth: return &h_uxth;
    case kSxtb16: return &h_sxtb16;
    case kUxtb16: return &h_uxtb16;
    case kPkhbt: return &h_pkhbt;
    case kPkhtb: return &h_pkhtb;
    case kBfc: return &h_bfc;
    case kBfi: return &h_bfi;
    case kSbfx: return &h_sbfx;
    case kUbfx: return &h_ubfx;
    case kMovw: return &h_movw;
    case kMovt: return &h_movt;
    case kParallel: return &h_parallel;
    case kAdr: return &h_adr;
    default: return sel_undef();
    }
}

}  // namespace emu::arm
