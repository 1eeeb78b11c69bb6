// The random instruction generator of the ARM differential test; see gen.h.
//
// Encodings follow the ARMv7-A ARM (DDI 0406C). Every form the generator emits is meant to be
// architecturally defined for the operands it picks; UNPREDICTABLE corners (PC/SP operands in
// Thumb, RdHi == RdLo, write-back to a transferred register, ...) are avoided rather than
// tested. Instructions under test are emitted as exact encodings (.inst / .inst.n / .inst.w);
// set-up instructions (pointer computations) and branches are mnemonics for the assembler.
#include "gen.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <functional>
#include <string>
#include <vector>

namespace armdiff {
namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

class Rng {
public:
    explicit Rng(u64 seed) : s_(seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull) {}
    u64 next() {
        u64 z = (s_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    u32 word() { return static_cast<u32>(next() >> 32); }
    unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
    int range(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<u64>(hi - lo + 1)); }
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    u64 s_;
};

std::string hex32(u32 v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string rname(unsigned r) {
    static const char* const names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
                                        "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
    return names[r & 15];
}

const char* const kCondName[] = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
                                 "hi", "ls", "ge", "lt", "gt", "le", "", ""};
const char* const kDpName[] = {"and", "eor", "sub", "rsb", "add", "adc", "sbc", "rsc",
                               "tst", "teq", "cmp", "cmn", "orr", "mov", "bic", "mvn"};
const char* const kShiftName[] = {"lsl", "lsr", "asr", "ror"};

// Writable general-purpose registers: never r11 (scratch pointer), SP or PC.
const unsigned kDst[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14};

u32 interesting_u32(Rng& R) {
    static const u32 k[] = {0u,          1u,          2u,          0xffffffffu, 0x80000000u, 0x7fffffffu,
                            0x7fffu,     0x8000u,     0xffffu,     0x10000u,    0xffu,       0x80u,
                            0x7fu,       0xffff8000u, 0x00ff00ffu, 0xff00ff00u, 0x80008000u, 0x7fff7fffu,
                            0x01010101u, 0x80808080u, 0x7f7f7f7fu, 0xfffffffeu, 31u,         32u,
                            33u,         0x12345678u, 0xffff0000u, 0x0000ffffu, 0x80000001u, 0x7ffffffeu};
    switch (R.below(5)) {
    case 0: return k[R.below(sizeof k / sizeof k[0])];
    case 1: return R.below(256);
    case 2: return static_cast<u32>(R.range(-300, 300));
    default: return R.word();
    }
}

u32 interesting_f32(Rng& R) {
    static const u32 k[] = {
        0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x3f000000u, 0x40000000u, 0x40400000u,
        0x3fc00000u, 0x00800000u, 0x007fffffu, 0x00000001u, 0x80000001u, 0x807fffffu, 0x80800000u,
        0x7f7fffffu, 0xff7fffffu, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u, 0x7f800001u,
        0xff812345u, 0x7fc12345u, 0x7fbfffffu, 0x4f000000u, 0x4f800000u, 0xcf000000u, 0xcf000001u,
        0x4effffffu, 0x4f7fffffu, 0x477fe000u, 0x477ff000u, 0x477fefffu, 0x33800000u, 0x33000000u,
        0x38800000u, 0x387fc000u, 0x3effffffu, 0x3f7fffffu, 0x46fffe00u, 0x47000000u, 0xc7000000u,
        0x4b000000u, 0x4b7fffffu, 0x3eaaaaabu, 0x3fffffffu, 0x3f800001u, 0x00400000u, 0x80000010u};
    switch (R.below(6)) {
    case 0:
    case 1: return k[R.below(sizeof k / sizeof k[0])];
    case 2: return (R.word() & 0x807fffffu) | static_cast<u32>(127 + R.range(-24, 32)) << 23;
    case 3: {  // small integers and halves (conversions, rounding ties)
        const int v = R.range(-70000, 70000);
        float f = static_cast<float>(v) / static_cast<float>(1 << R.below(3));
        u32 bits;
        static_assert(sizeof bits == sizeof f);
        std::memcpy(&bits, &f, 4);
        return bits;
    }
    case 4: return (R.word() & 0x807fffffu) | (R.chance(50) ? 0u : (R.chance(50) ? 0x7f800000u : 0x00800000u));
    default: return R.word();
    }
}

u64 interesting_f64(Rng& R) {
    static const u64 k[] = {
        0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
        0x3fe0000000000000ull, 0x4000000000000000ull, 0x0010000000000000ull, 0x000fffffffffffffull,
        0x0000000000000001ull, 0x8000000000000001ull, 0x7fefffffffffffffull, 0x7ff0000000000000ull,
        0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull,
        0x7ff4000000000000ull, 0x7ff8000012345678ull, 0xfff4000012345678ull, 0x41e0000000000000ull,
        0x41f0000000000000ull, 0xc1e0000000000000ull, 0xc1e0000000200000ull, 0x41dfffffffc00000ull,
        0x41efffffffe00000ull, 0x41dfffffffffffffull, 0x3810000000000000ull, 0x3690000000000000ull,
        0x47efffffe0000000ull, 0x47efffffefffffffull, 0x47f0000000000000ull, 0x36a0000000000000ull,
        0x3fefffffffffffffull, 0x380fffffffffffffull, 0x3e70000000000000ull, 0x40effc0000000000ull,
        0x4330000000000000ull, 0x3ff0000000000001ull, 0x3ff8000000000000ull, 0x3fd5555555555555ull};
    switch (R.below(5)) {
    case 0:
    case 1: return k[R.below(sizeof k / sizeof k[0])];
    case 2: return (R.next() & 0x800fffffffffffffull) | static_cast<u64>(1023 + R.range(-60, 64)) << 52;
    case 3: {
        double f = static_cast<double>(R.range(-3000000, 3000000)) / static_cast<double>(1 << R.below(3));
        u64 bits;
        std::memcpy(&bits, &f, 8);
        return bits;
    }
    default: return R.next();
    }
}

struct Built {
    std::vector<Item> items;
    int target = -1;
};

// How a memory access may be addressed (see Gen::plan_imm / plan_reg).
struct Req {
    int size = 4;        // bytes accessed from the start address
    int align = 4;       // required alignment of the start address
    int max_imm = 4095;  // largest encodable offset magnitude
    int scale = 1;       // the offset must be a multiple of this
    int sign = 0;        // 0 any, 1 offset >= 0 only, -1 offset <= 0 only (offset addressing)
    bool wb_ok = true;   // pre/post-indexed write-back forms allowed (fresh bases only)
    bool r11_ok = true, sp_ok = true, fresh_ok = true;
    bool low_base = false;  // base must be r0-r7
    bool force_post = false;  // post-indexed with write-back (fresh base)
    u32 excl = 0;        // registers the fresh base (and offset register) must not be
};

struct Mem {
    unsigned base = 11;
    bool P = true, U = true, W = false;  // W: write-back (pre or post)
    int imm = 0;                         // offset magnitude
    // register offset
    unsigned rm = 0, type = 0, amt = 0;
    std::vector<Item> setup;
};

class Gen {
public:
    Gen(Isa isa, bool vfp, u64 seed, const GenOptions& options, Case& c)
        : R(seed), opt_(options), C(c), t32_(isa == Isa::T32), vfp_(vfp) {}

    void run(u32 rec_addr);

    // (public: the menu tables below point at the builders)
    Rng R;
    const GenOptions& opt_;
    Case& C;
    bool t32_, vfp_;
    int sp_lo_ = 0, sp_hi_ = 0;  // possible SP offsets from the scratch middle
    bool in_it_ = false;         // building an IT block member: one instruction, no set-up
    bool in_island_ = false;     // building the other-ISA part of an interworking group
    int cur_id_ = 0;

    // ---- helpers -------------------------------------------------------------------------
    bool excluded(const std::string& what) const {
        for (const auto& p : opt_.exclude)
            if (!p.empty() && what.compare(0, p.size(), p) == 0) return true;
        if (opt_.only.empty()) return false;
        for (const auto& p : opt_.only)
            if (what.compare(0, p.size(), p) == 0) return false;
        return true;
    }
    Item A(u32 enc, std::string what) { return {".inst " + hex32(enc), std::move(what)}; }
    Item T16(u32 enc, std::string what) {
        char b[32];
        std::snprintf(b, sizeof b, ".inst.n 0x%04x", enc & 0xffffu);
        return {b, std::move(what)};
    }
    Item T32(u32 enc, std::string what) { return {".inst.w " + hex32(enc), std::move(what)}; }
    Item T32h(u32 hw1, u32 hw2, std::string what) { return T32((hw1 << 16) | (hw2 & 0xffffu), std::move(what)); }
    Item X(std::string text, std::string what) { return {std::move(text), std::move(what)}; }

    unsigned cond() { return in_it_ ? 14u : (R.chance(55) ? 14u : R.below(15)); }
    unsigned dst() { return kDst[R.below(13)]; }
    unsigned dst_ex(u32 excl) {
        for (int i = 0; i < 100; ++i) {
            unsigned r = dst();
            if (!(excl & (1u << r))) return r;
        }
        for (unsigned r : kDst)
            if (!(excl & (1u << r))) return r;
        return 0;
    }
    // A32 sources may read r11 and SP; Thumb sources exclude SP (BadReg) but may read r11.
    unsigned src() {
        const unsigned x = R.below(100);
        if (x < 5) return 11;
        if (x < 9 && !t32_) return 13;
        return dst();
    }
    unsigned low() { return R.below(8); }
    unsigned low_ex(u32 excl) {
        for (int i = 0; i < 100; ++i) {
            unsigned r = low();
            if (!(excl & (1u << r))) return r;
        }
        return 8;  // caller checks
    }
    unsigned fresh(u32 excl, bool low_only) { return low_only ? low_ex(excl) : dst_ex(excl); }

    Item setup_ptr(unsigned reg, int k) {
        const char* w = t32_ ? ".w" : "";
        char b[64];
        if (k >= 0)
            std::snprintf(b, sizeof b, "add%s %s, r11, #%d", w, rname(reg).c_str(), k);
        else
            std::snprintf(b, sizeof b, "sub%s %s, r11, #%d", w, rname(reg).c_str(), -k);
        return X(b, "setup");
    }
    Item setup_mov(unsigned reg, unsigned k) {
        char b[64];
        std::snprintf(b, sizeof b, "%s %s, #%u", t32_ ? "movw" : "mov", rname(reg).c_str(), k);
        return X(b, "setup");
    }

    static u32 shift_value(u32 v, unsigned type, unsigned amt) {  // A32 immediate-shift semantics, no RRX
        switch (type) {
        case 0: return amt >= 32 ? 0 : v << amt;
        case 1: return amt == 0 || amt >= 32 ? 0 : v >> amt;
        case 2: return amt == 0 || amt >= 32 ? ((v >> 31) ? 0xffffffffu : 0) : static_cast<u32>(static_cast<std::int32_t>(v) >> amt);
        default: return amt == 0 ? v : (v >> amt) | (v << (32 - amt));
        }
    }

    static int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
    static int ceil_div(int a, int b) { return -floor_div(-a, b); }

    bool plan_imm(const Req& q, Mem& m);
    bool plan_reg(const Req& q, Mem& m, int shift_mode);
    bool plan_block(int bytes, bool wb_possible, bool low_only, u32 excl, unsigned mode_pu, Mem& m);

    // ---- builders --------------------------------------------------------------------------
    bool build_group(Built& b);
    bool pick_and_build(Built& b, bool member);

    // A32
    bool a_dp_imm(Built& b);
    bool a_dp_reg(Built& b);
    bool a_dp_rsr(Built& b);
    bool a_movw(Built& b);
    bool a_mul(Built& b);
    bool a_mul16(Built& b);
    bool a_mulmedia(Built& b);
    bool a_div(Built& b);
    bool a_sat(Built& b);
    bool a_par(Built& b);
    bool a_misc(Built& b);  // sel, usad8, pkh, extends, rev, clz, bitfields
    bool a_ldst(Built& b);
    bool a_ldsth(Built& b);
    bool a_ldm(Built& b);
    bool a_push(Built& b);
    bool a_excl(Built& b);
    bool a_psr(Built& b);
    bool a_branch(Built& b);
    bool a_hint(Built& b);
    bool a_indirect(Built& b);
    // T32
    bool t_it(Built& b);
    bool t16_dp(Built& b);
    bool t16_addr(Built& b);
    bool t16_ldst(Built& b);
    bool t16_ldm(Built& b);
    bool t16_sp(Built& b);
    bool t_dp_imm(Built& b);
    bool t_dp_reg(Built& b);
    bool t_shift_reg(Built& b);
    bool t_plain_imm(Built& b);
    bool t_media(Built& b);  // extends, parallel, misc (qadd, rev, sel, clz)
    bool t_mul(Built& b);
    bool t_mull(Built& b);
    bool t_ldst(Built& b);
    bool t_ldrd(Built& b);
    bool t_ldm(Built& b);
    bool t_excl(Built& b);
    bool t_psr(Built& b);
    bool t_branch(Built& b);
    bool t_hint(Built& b);
    bool t_indirect(Built& b);
    bool island(Built& b);
    void dir(Built& b, const std::string& text) { b.items.push_back(X(text, "dir")); }
    // VFP (both)
    Item V(u32 enc, std::string what) {
        if (t32_) return T32(0xE0000000u | enc, std::move(what));
        return A((cond() << 28) | enc, std::move(what));
    }
    bool v_arith(Built& b);
    bool v_unary(Built& b);
    bool v_cmp(Built& b);
    bool v_cvt(Built& b);
    bool v_mov(Built& b);
    bool v_ldst(Built& b);
    bool v_ldm(Built& b);
    bool v_fpscr(Built& b);

    void init_state(u32 rec_addr);
};

// ---- address planning ------------------------------------------------------------------------

// Immediate-offset access: picks a base (r11, SP, or a fresh pointer set up from r11) and an
// offset so that every byte accessed lies in the scratch block. Fills P/U/W/imm.
bool Gen::plan_imm(const Req& q, Mem& m) {
    for (int attempt = 0; attempt < 30; ++attempt) {
        m = Mem{};
        int v_lo = 0, v_hi = 0;
        const unsigned kind = R.below(10);
        bool use_fresh = false;
        if (q.force_post) {
            use_fresh = true;
        } else if (kind < 3 && q.r11_ok && !q.low_base) {
            m.base = 11;
            v_lo = v_hi = static_cast<int>(kMid);
        } else if (kind < 5 && q.sp_ok && !q.low_base) {
            m.base = 13;
            v_lo = static_cast<int>(kMid) + sp_lo_;
            v_hi = static_cast<int>(kMid) + sp_hi_;
        } else if (q.fresh_ok && !in_it_) {
            use_fresh = true;
        } else if (q.r11_ok && !q.low_base) {
            m.base = 11;
            v_lo = v_hi = static_cast<int>(kMid);
        } else {
            continue;
        }
        if (use_fresh) {
            if (in_it_) return false;
            const unsigned reg = fresh(q.excl | (1u << 11) | (1u << 13) | (1u << 15), q.low_base);
            if (reg > 14) return false;
            const int k = 4 * R.range(-60, 60);
            m.base = reg;
            v_lo = v_hi = static_cast<int>(kMid) + k;
            m.setup.push_back(setup_ptr(reg, k));
            if (q.force_post) {
                m.P = false;
                m.W = true;
            } else if (q.wb_ok) {
                switch (R.below(3)) {
                case 0: break;
                case 1: m.W = true; break;
                default: m.P = false; m.W = true; break;
                }
            }
        }
        if (!m.P) {  // post-indexed: the access is at the base
            if (v_lo < 0 || v_hi + q.size > static_cast<int>(kScratch) || (v_lo % q.align) != 0) continue;
            m.imm = q.scale * R.range(0, q.max_imm / q.scale);
            m.U = R.below(2) != 0;
            return true;
        }
        int lo = -v_lo, hi = static_cast<int>(kScratch) - q.size - v_hi;
        lo = std::max(lo, -q.max_imm);
        hi = std::min(hi, q.max_imm);
        if (q.sign > 0) lo = std::max(lo, 0);
        if (q.sign < 0) hi = std::min(hi, 0);
        const int step = std::max(q.align, q.scale);
        const int a = ceil_div(lo, step), z = floor_div(hi, step);
        if (a > z) continue;
        const int off = step * R.range(a, z);
        if (((v_lo + off) % q.align) != 0) continue;
        m.U = off > 0 || (off == 0 && q.sign >= 0 && (q.sign > 0 || R.below(2)));
        m.imm = std::abs(off);
        return true;
    }
    return false;
}

// Register-offset access: base r11 (no write-back) or a fresh pointer; the offset register is
// a fresh register set to a small constant. shift_mode: 0 none, 1 LSL #0-3, 2 any A32 shift.
bool Gen::plan_reg(const Req& q, Mem& m, int shift_mode) {
    if (in_it_) return false;
    for (int attempt = 0; attempt < 30; ++attempt) {
        m = Mem{};
        int v;
        const u32 fixed = q.excl | (1u << 11) | (1u << 13) | (1u << 15);
        if (!q.low_base && R.chance(35)) {
            m.base = 11;
            v = static_cast<int>(kMid);
        } else {
            const unsigned reg = fresh(fixed, q.low_base);
            if (reg > 14) return false;
            const int k = 4 * R.range(-60, 60);
            m.base = reg;
            v = static_cast<int>(kMid) + k;
            m.setup.push_back(setup_ptr(reg, k));
            if (q.wb_ok) {
                switch (R.below(3)) {
                case 0: break;
                case 1: m.W = true; break;
                default: m.P = false; m.W = true; break;
                }
            }
        }
        m.rm = fresh(fixed | (1u << m.base), q.low_base);
        if (m.rm > 14) return false;
        unsigned k = R.below(256);
        if (shift_mode == 1) {
            m.amt = R.below(4);
        } else if (shift_mode == 2) {
            m.type = R.below(4);
            m.amt = R.below(32);
            if (m.type == 3 && m.amt == 0) m.amt = 1;  // no RRX: it depends on the carry flag
            if (R.chance(50)) {
                m.type = 0;
                m.amt = R.below(4);
            }
        }
        if (!m.P) {
            if (v < 0 || v + q.size > static_cast<int>(kScratch) || v % q.align) continue;
            m.U = R.below(2) != 0;
        } else {
            const u32 off = shift_value(k, m.type, m.type == 0 ? m.amt : (m.amt == 0 ? 32 : m.amt));
            if (off > kScratch) {
                // retry with a plain small offset
                m.type = 0;
                m.amt = shift_mode ? R.below(4) : 0;
                k = 0;
            }
            const int o = static_cast<int>(shift_value(k, m.type, m.type == 0 ? m.amt : (m.amt == 0 ? 32 : m.amt)));
            bool ok = false;
            for (int u = 0; u < 2 && !ok; ++u) {
                const bool up = ((R.below(2) + u) & 1) != 0;
                const int addr = up ? v + o : v - o;
                if (addr >= 0 && addr + q.size <= static_cast<int>(kScratch) && addr % q.align == 0) {
                    m.U = up;
                    ok = true;
                }
            }
            if (!ok) continue;
        }
        m.setup.push_back(setup_mov(m.rm, k));
        return true;
    }
    return false;
}

// LDM/STM-style block of `bytes`: mode_pu = P<<1 | U (A32: DA=0, IA=1, DB=2, IB=3). Picks r11
// (no write-back) or a fresh base; m.W says whether write-back may be used.
bool Gen::plan_block(int bytes, bool wb_possible, bool low_only, u32 excl, unsigned mode_pu, Mem& m) {
    const bool P = (mode_pu >> 1) & 1, U = mode_pu & 1;
    auto start_of = [&](int v) { return U ? (P ? v + 4 : v) : (P ? v - bytes : v - bytes + 4); };
    for (int attempt = 0; attempt < 30; ++attempt) {
        m = Mem{};
        m.P = P;
        m.U = U;
        if (!low_only && (in_it_ || R.chance(30))) {
            const int s = start_of(static_cast<int>(kMid));
            if (s < 0 || s + bytes > static_cast<int>(kScratch)) continue;
            m.base = 11;
            return true;
        }
        if (in_it_) return false;
        const unsigned reg = fresh(excl | (1u << 11) | (1u << 13) | (1u << 15), low_only);
        if (reg > 14) return false;
        const int k = 4 * R.range(-60, 60);
        const int s = start_of(static_cast<int>(kMid) + k);
        if (s < 0 || s + bytes > static_cast<int>(kScratch)) continue;
        m.base = reg;
        m.W = wb_possible && R.chance(60);
        m.setup.push_back(setup_ptr(reg, k));
        return true;
    }
    return false;
}

// ---- A32 builders ------------------------------------------------------------------------------

bool Gen::a_dp_imm(Built& b) {
    const unsigned op = R.below(16);
    const bool cmp = op >= 8 && op <= 11;
    const unsigned S = cmp ? 1 : R.below(2);
    const unsigned rd = cmp ? 0 : dst();
    const unsigned rn = (op == 13 || op == 15) ? 0 : (R.chance(3) ? 15 : src());
    const unsigned imm12 = R.chance(40) ? R.below(256) : R.below(4096);
    b.items.push_back(A(cond() << 28 | 0x02000000u | op << 21 | S << 20 | rn << 16 | rd << 12 | imm12,
                        std::string("a32.dp_imm.") + kDpName[op]));
    return true;
}

bool Gen::a_dp_reg(Built& b) {
    const unsigned op = R.below(16);
    const bool cmp = op >= 8 && op <= 11;
    const unsigned S = cmp ? 1 : R.below(2);
    const unsigned rd = cmp ? 0 : dst();
    const unsigned rn = (op == 13 || op == 15) ? 0 : (R.chance(3) ? 15 : src());
    const unsigned rm = R.chance(3) ? 15 : src();
    const unsigned imm5 = R.below(32), type = R.below(4);
    b.items.push_back(A(cond() << 28 | op << 21 | S << 20 | rn << 16 | rd << 12 | imm5 << 7 | type << 5 | rm,
                        std::string("a32.dp_reg.") + kDpName[op]));
    return true;
}

bool Gen::a_dp_rsr(Built& b) {
    const unsigned op = R.below(16);
    const bool cmp = op >= 8 && op <= 11;
    const unsigned S = cmp ? 1 : R.below(2);
    const unsigned rd = cmp ? 0 : dst();
    const unsigned rn = (op == 13 || op == 15) ? 0 : src();
    const unsigned rm = src(), rs = src(), type = R.below(4);
    b.items.push_back(A(cond() << 28 | op << 21 | S << 20 | rn << 16 | rd << 12 | rs << 8 | type << 5 | 0x10u | rm,
                        std::string("a32.dp_rsr.") + kDpName[op]));
    return true;
}

bool Gen::a_movw(Built& b) {
    const bool top = R.below(2);
    const unsigned imm16 = R.chance(30) ? R.below(256) : (R.word() & 0xffffu);
    b.items.push_back(A(cond() << 28 | (top ? 0x03400000u : 0x03000000u) | (imm16 >> 12) << 16 | dst() << 12 | (imm16 & 0xfffu),
                        top ? "a32.movt" : "a32.movw"));
    return true;
}

bool Gen::a_mul(Built& b) {
    const u32 c = cond() << 28;
    const unsigned rn = src(), rm = src();
    switch (R.below(5)) {
    case 0: b.items.push_back(A(c | R.below(2) << 20 | dst() << 16 | rm << 8 | 0x90u | rn, "a32.mul")); break;
    case 1: b.items.push_back(A(c | 0x00200000u | R.below(2) << 20 | dst() << 16 | src() << 12 | rm << 8 | 0x90u | rn, "a32.mla")); break;
    case 2: b.items.push_back(A(c | 0x00600000u | dst() << 16 | src() << 12 | rm << 8 | 0x90u | rn, "a32.mls")); break;
    case 3: {
        const unsigned hi = dst(), lo = dst_ex(1u << hi);
        b.items.push_back(A(c | 0x00400000u | hi << 16 | lo << 12 | rm << 8 | 0x90u | rn, "a32.umaal"));
        break;
    }
    default: {
        static const char* const names[] = {"a32.umull", "a32.umlal", "a32.smull", "a32.smlal"};
        const unsigned op = R.below(4);
        const unsigned hi = dst(), lo = dst_ex(1u << hi);
        b.items.push_back(A(c | (0x00800000u | op << 21) | R.below(2) << 20 | hi << 16 | lo << 12 | rm << 8 | 0x90u | rn, names[op]));
    }
    }
    return true;
}

bool Gen::a_mul16(Built& b) {
    const u32 c = cond() << 28;
    const unsigned rn = src(), rm = src(), M = R.below(2), N = R.below(2);
    switch (R.below(4)) {
    case 0: b.items.push_back(A(c | 0x01000080u | dst() << 16 | src() << 12 | rm << 8 | M << 6 | N << 5 | rn, "a32.smlaxy")); break;
    case 1:
        if (N)
            b.items.push_back(A(c | 0x012000a0u | dst() << 16 | rm << 8 | M << 6 | rn, "a32.smulwy"));
        else
            b.items.push_back(A(c | 0x01200080u | dst() << 16 | src() << 12 | rm << 8 | M << 6 | rn, "a32.smlawy"));
        break;
    case 2: {
        const unsigned hi = dst(), lo = dst_ex(1u << hi);
        b.items.push_back(A(c | 0x01400080u | hi << 16 | lo << 12 | rm << 8 | M << 6 | N << 5 | rn, "a32.smlalxy"));
        break;
    }
    default: b.items.push_back(A(c | 0x01600080u | dst() << 16 | rm << 8 | M << 6 | N << 5 | rn, "a32.smulxy"));
    }
    return true;
}

bool Gen::a_mulmedia(Built& b) {
    const u32 c = cond() << 28;
    const unsigned rn = src(), rm = src(), x = R.below(2);
    switch (R.below(5)) {
    case 0: {  // SMLAD/SMLSD/SMUAD/SMUSD
        const unsigned sub = R.below(2), ra = R.chance(40) ? 15 : src();
        static const char* const names[] = {"a32.smlad", "a32.smlsd", "a32.smuad", "a32.smusd"};
        b.items.push_back(A(c | 0x07000010u | sub << 6 | x << 5 | dst() << 16 | ra << 12 | rm << 8 | rn, names[sub + (ra == 15 ? 2 : 0)]));
        break;
    }
    case 1: {
        const unsigned sub = R.below(2), hi = dst(), lo = dst_ex(1u << hi);
        b.items.push_back(A(c | 0x07400010u | sub << 6 | x << 5 | hi << 16 | lo << 12 | rm << 8 | rn, sub ? "a32.smlsld" : "a32.smlald"));
        break;
    }
    case 2: {
        const unsigned ra = R.chance(40) ? 15 : src();
        b.items.push_back(A(c | 0x07500010u | x << 5 | dst() << 16 | ra << 12 | rm << 8 | rn, ra == 15 ? "a32.smmul" : "a32.smmla"));
        break;
    }
    case 3: b.items.push_back(A(c | 0x075000d0u | x << 5 | dst() << 16 | src() << 12 | rm << 8 | rn, "a32.smmls")); break;
    default: {
        const unsigned ra = R.chance(40) ? 15 : src();
        b.items.push_back(A(c | 0x07800010u | dst() << 16 | ra << 12 | rm << 8 | rn, ra == 15 ? "a32.usad8" : "a32.usada8"));
    }
    }
    return true;
}

bool Gen::a_div(Built& b) {
    const bool u = R.below(2);
    b.items.push_back(A(cond() << 28 | (u ? 0x0730f010u : 0x0710f010u) | dst() << 16 | src() << 8 | src(), u ? "a32.udiv" : "a32.sdiv"));
    return true;
}

bool Gen::a_sat(Built& b) {
    const u32 c = cond() << 28;
    switch (R.below(3)) {
    case 0: {
        static const char* const names[] = {"a32.qadd", "a32.qsub", "a32.qdadd", "a32.qdsub"};
        const unsigned op = R.below(4);
        b.items.push_back(A(c | 0x01000050u | op << 21 | src() << 16 | dst() << 12 | src(), names[op]));
        break;
    }
    case 1: {
        const bool u = R.below(2);
        b.items.push_back(A(c | (u ? 0x06e00010u : 0x06a00010u) | R.below(32) << 16 | dst() << 12 | R.below(32) << 7 | R.below(2) << 6 | src(),
                            u ? "a32.usat" : "a32.ssat"));
        break;
    }
    default: {
        const bool u = R.below(2);
        b.items.push_back(A(c | (u ? 0x06e00f30u : 0x06a00f30u) | R.below(16) << 16 | dst() << 12 | src(), u ? "a32.usat16" : "a32.ssat16"));
    }
    }
    return true;
}

bool Gen::a_par(Built& b) {
    static const unsigned op1s[] = {1, 2, 3, 5, 6, 7};
    static const char* const pfx[] = {"", "s", "q", "sh", "", "u", "uq", "uh"};
    static const unsigned op2s[] = {0, 1, 2, 3, 4, 7};
    static const char* const ops[] = {"add16", "asx", "sax", "sub16", "add8", "", "", "sub8"};
    const unsigned op1 = op1s[R.below(6)], op2 = op2s[R.below(6)];
    b.items.push_back(A(cond() << 28 | 0x06000f10u | op1 << 20 | src() << 16 | dst() << 12 | op2 << 5 | src(),
                        std::string("a32.par.") + pfx[op1] + ops[op2]));
    return true;
}

bool Gen::a_misc(Built& b) {
    const u32 c = cond() << 28;
    switch (R.below(7)) {
    case 0: b.items.push_back(A(c | 0x06800fb0u | src() << 16 | dst() << 12 | src(), "a32.sel")); break;
    case 1: b.items.push_back(A(c | 0x06800010u | src() << 16 | dst() << 12 | R.below(32) << 7 | R.below(2) << 6 | src(), "a32.pkh")); break;
    case 2: {
        static const unsigned opsx[] = {0, 2, 3, 4, 6, 7};
        static const char* const names[] = {"sxtab16", "", "sxtab", "sxtah", "uxtab16", "", "uxtab", "uxtah"};
        const unsigned op = opsx[R.below(6)];
        const unsigned rn = R.chance(50) ? 15 : src();
        b.items.push_back(A(c | 0x06800070u | op << 20 | rn << 16 | dst() << 12 | R.below(4) << 10 | src(),
                            std::string("a32.ext.") + names[op] + (rn == 15 ? ".noacc" : "")));
        break;
    }
    case 3: {
        static const u32 encs[] = {0x06bf0f30u, 0x06bf0fb0u, 0x06ff0f30u, 0x06ff0fb0u, 0x016f0f10u};
        static const char* const names[] = {"a32.rev", "a32.rev16", "a32.rbit", "a32.revsh", "a32.clz"};
        const unsigned k = R.below(5);
        b.items.push_back(A(c | encs[k] | dst() << 12 | src(), names[k]));
        break;
    }
    case 4:
    case 5: {
        const unsigned lsb = R.below(32);
        const bool u = R.below(2);
        b.items.push_back(A(c | (u ? 0x07e00050u : 0x07a00050u) | R.below(32 - lsb) << 16 | dst() << 12 | lsb << 7 | src(),
                            u ? "a32.ubfx" : "a32.sbfx"));
        break;
    }
    default: {
        const unsigned lsb = R.below(32), msb = lsb + R.below(32 - lsb);
        const unsigned rn = R.chance(25) ? 15 : src();
        b.items.push_back(A(c | 0x07c00010u | msb << 16 | dst() << 12 | lsb << 7 | rn, rn == 15 ? "a32.bfc" : "a32.bfi"));
    }
    }
    return true;
}

bool Gen::a_ldst(Built& b) {  // LDR/STR/LDRB/STRB (+T), immediate and register offsets
    const bool L = R.below(2), B = R.below(2), reg = R.chance(40), T = R.chance(8);
    const unsigned rt = L ? dst() : (!B && !T && R.chance(3) ? 15u : src());  // STR PC stores PC+8
    const std::string what = std::string("a32.") + (L ? "ldr" : "str") + (B ? "b" : "") + (T ? "t" : "") + (reg ? ".reg" : ".imm") + (rt == 15 ? ".pc" : "");
    if (L && !reg && !T && R.chance(4)) {  // PC-relative (literal) load: reads nearby code
        b.items.push_back(A(cond() << 28 | 0x05100000u | R.below(2) << 23 | B << 22 | 15u << 16 | rt << 12 | 4 * R.below(200), what + ".lit"));
        return true;
    }
    Req q;
    q.size = B ? 1 : 4;
    q.align = (B || R.chance(25)) ? 1 : 4;
    q.excl = 1u << rt;
    q.force_post = T;
    Mem m;
    u32 enc;
    if (!reg) {
        if (!plan_imm(q, m)) return false;
        const unsigned Wbit = m.P ? (m.W ? 1 : 0) : (T ? 1 : 0);
        enc = 0x04000000u | m.P << 24 | m.U << 23 | B << 22 | Wbit << 21 | L << 20 | m.base << 16 | rt << 12 | static_cast<u32>(m.imm);
    } else {
        if (T) {
            q.force_post = false;
        }
        if (!plan_reg(q, m, 2)) return false;
        if (T && m.P) return false;
        const unsigned Wbit = m.P ? (m.W ? 1 : 0) : (T ? 1 : 0);
        enc = 0x06000000u | m.P << 24 | m.U << 23 | B << 22 | Wbit << 21 | L << 20 | m.base << 16 | rt << 12 | m.amt << 7 | m.type << 5 | m.rm;
    }
    b.items = m.setup;
    b.items.push_back(A(cond() << 28 | enc, what));
    return true;
}

bool Gen::a_ldsth(Built& b) {  // STRH, LDRH, LDRSB, LDRSH, LDRD, STRD (+T variants)
    static const char* const names[] = {"strh", "ldrh", "ldrsb", "ldrsh", "ldrd", "strd"};
    static const unsigned Ls[] = {0, 1, 1, 1, 0, 0}, ops[] = {1, 1, 2, 3, 2, 3}, sizes[] = {2, 2, 1, 2, 8, 8};
    const unsigned kind = R.below(6);
    const bool dual = kind >= 4, reg = R.chance(40), T = !dual && R.chance(8);
    if ((kind == 1 || kind == 2 || kind == 3 || kind == 4) && R.chance(5)) {  // literal (PC-relative)
        static const u32 lit[] = {0, 0x015f00b0u, 0x015f00d0u, 0x015f00f0u, 0x014f00d0u};
        static const unsigned ev[] = {0, 2, 4, 6, 8};
        const unsigned t = kind == 4 ? ev[R.below(5)] : dst();
        const unsigned imm = kind == 4 ? 4 * R.below(64) : R.below(256);
        b.items.push_back(A(cond() << 28 | lit[kind] | R.below(2) << 23 | t << 12 | (imm >> 4) << 8 | (imm & 15u), std::string("a32.") + names[kind] + ".lit"));
        return true;
    }
    unsigned rt;
    if (kind == 4) {
        static const unsigned ev[] = {0, 2, 4, 6, 8};
        rt = ev[R.below(5)];
    } else if (kind == 5) {
        rt = 2 * R.below(7);
    } else {
        rt = Ls[kind] ? dst() : src();
    }
    Req q;
    q.size = static_cast<int>(sizes[kind]);
    q.align = dual ? 4 : ((kind == 2 || R.chance(25)) ? 1 : 2);
    q.max_imm = 255;
    q.excl = (1u << rt) | (dual ? (2u << rt) : 0u);
    q.force_post = T;
    Mem m;
    u32 enc;
    const std::string what = std::string("a32.") + names[kind] + (T ? "t" : "") + (reg ? ".reg" : ".imm");
    if (!reg) {
        if (!plan_imm(q, m)) return false;
        const unsigned Wbit = m.P ? (m.W ? 1 : 0) : (T ? 1 : 0);
        enc = m.P << 24 | m.U << 23 | 1u << 22 | Wbit << 21 | Ls[kind] << 20 | m.base << 16 | rt << 12 |
              (static_cast<u32>(m.imm) >> 4) << 8 | 0x90u | ops[kind] << 5 | (static_cast<u32>(m.imm) & 15u);
    } else {
        q.force_post = false;
        if (!plan_reg(q, m, 0)) return false;
        if (T && m.P) return false;
        const unsigned Wbit = m.P ? (m.W ? 1 : 0) : (T ? 1 : 0);
        enc = m.P << 24 | m.U << 23 | Wbit << 21 | Ls[kind] << 20 | m.base << 16 | rt << 12 | 0x90u | ops[kind] << 5 | m.rm;
    }
    b.items = m.setup;
    b.items.push_back(A(cond() << 28 | enc, what));
    return true;
}

bool Gen::a_ldm(Built& b) {
    const bool L = R.below(2);
    const unsigned mode = R.below(4);
    static const char* const mnames[] = {"da", "ia", "db", "ib"};
    // register list first (base chosen among the rest)
    u32 list = 0;
    const unsigned n = 1 + R.below(R.chance(70) ? 5 : 13);
    for (unsigned i = 0; i < n; ++i) list |= 1u << (L ? dst() : src());
    if (!L && R.chance(4)) list |= 1u << 15;  // STM of PC stores PC+8
    const int count = __builtin_popcount(list);
    Mem m;
    if (!plan_block(4 * count, true, false, 0, mode, m)) return false;
    if (m.W && (list & (1u << m.base))) m.W = false;  // in the list without write-back: loaded / stored
    b.items = m.setup;
    b.items.push_back(A(cond() << 28 | 0x08000000u | m.P << 24 | m.U << 23 | m.W << 21 | L << 20 | m.base << 16 | list,
                        std::string("a32.") + (L ? "ldm" : "stm") + mnames[mode] + ((list >> 15) ? ".pc" : "")));
    return true;
}

bool Gen::a_push(Built& b) {  // push/pop on SP (STMDB/LDMIA SP!, single-register forms, ADD/SUB SP)
    const unsigned kind = R.below(5);
    if (kind == 4) {  // add/sub sp, sp, #imm
        const int k = 4 * R.range(1, 16);
        const bool sub = R.below(2);
        if (sub ? (sp_lo_ - k < -static_cast<int>(kMid)) : (sp_hi_ + k > static_cast<int>(kMid) - 4)) return false;
        if (sub) sp_lo_ -= k; else sp_hi_ += k;
        b.items.push_back(A(cond() << 28 | (sub ? 0x024dd000u : 0x028dd000u) | static_cast<u32>(k), sub ? "a32.sub_sp" : "a32.add_sp"));
        return true;
    }
    const bool pop = kind & 1, single = kind >= 2;
    u32 list = 0;
    if (single) {
        list = 1u << (pop ? dst() : src());
        if (list & (1u << 13)) list = 1u << 0;
    } else {
        const unsigned n = 1 + R.below(6);
        for (unsigned i = 0; i < n; ++i) list |= 1u << (pop ? dst() : src());
        list &= ~(1u << 13);
        if (!list) list = 1;
    }
    const int bytes = 4 * __builtin_popcount(list);
    if (pop) {
        if (sp_hi_ + bytes > static_cast<int>(kMid)) return false;
        sp_hi_ += bytes;
    } else {
        if (sp_lo_ - bytes < -static_cast<int>(kMid)) return false;
        sp_lo_ -= bytes;
    }
    const u32 c = cond() << 28;
    if (single) {
        const unsigned rt = static_cast<unsigned>(__builtin_ctz(list));
        b.items.push_back(A(c | (pop ? 0x049d0004u : 0x052d0004u) | rt << 12, pop ? "a32.pop1" : "a32.push1"));
    } else {
        b.items.push_back(A(c | (pop ? 0x08bd0000u : 0x092d0000u) | list, pop ? "a32.pop" : "a32.push"));
    }
    return true;
}

bool Gen::a_excl(Built& b) {
    static const u32 ld[] = {0x01900f9fu, 0x01d00f9fu, 0x01f00f9fu, 0x01b00f9fu};
    static const u32 st[] = {0x01800f90u, 0x01c00f90u, 0x01e00f90u, 0x01a00f90u};
    static const char* const names[] = {"", "b", "h", "d"};
    static const int sizes[] = {4, 1, 2, 8};
    const unsigned k = R.below(4);
    unsigned rt, rt2;
    if (k == 3) {
        static const unsigned ev[] = {0, 2, 4, 6, 8};
        rt = ev[R.below(5)];
        rt2 = ev[R.below(5)];
    } else {
        rt = dst();
        rt2 = dst();
    }
    const u32 tmask = (1u << rt) | (k == 3 ? 2u << rt : 0u);
    const u32 t2mask = (1u << rt2) | (k == 3 ? 2u << rt2 : 0u);
    const unsigned base = dst_ex(tmask | t2mask);
    const unsigned rd = dst_ex(t2mask | (1u << base));
    const int size = sizes[k];
    const int off = size * R.range(-static_cast<int>(kMid) / size, static_cast<int>(kMid) / size - 1);
    b.items.push_back(setup_ptr(base, off));
    b.items.push_back(A(0xe0000000u | ld[k] | base << 16 | rt << 12, std::string("a32.ldrex") + names[k]));
    if (R.chance(30)) b.items.push_back(A(0xe2800000u | rt2 << 16 | rt2 << 12 | R.below(256), "a32.dp_imm.add"));
    if (R.chance(15)) b.items.push_back(A(0xf57ff01fu, "a32.clrex"));  // the STREX then fails
    b.items.push_back(A(0xe0000000u | st[k] | base << 16 | rd << 12 | rt2, std::string("a32.strex") + names[k]));
    if (R.chance(20)) b.items.push_back(A(0xf57ff01fu, "a32.clrex"));
    return true;
}

bool Gen::a_psr(Built& b) {
    const u32 c = cond() << 28;
    switch (R.below(4)) {
    case 3: {  // user-accessible CP15: TPIDRURW (read/write), TPIDRURO (read)
        const unsigned k = R.below(3);
        if (k == 0) b.items.push_back(A(c | 0x0e0d0f50u | src() << 12, "a32.mcr.tpidrurw"));
        else b.items.push_back(A(c | (k == 1 ? 0x0e1d0f50u : 0x0e1d0f70u) | dst() << 12, k == 1 ? "a32.mrc.tpidrurw" : "a32.mrc.tpidruro"));
        break;
    }
    case 0: b.items.push_back(A(c | 0x010f0000u | dst() << 12, "a32.mrs")); break;
    case 1: b.items.push_back(A(c | 0x0320f000u | (1 + R.below(3)) << 18 | R.below(4096), "a32.msr_imm")); break;
    default: b.items.push_back(A(c | 0x0120f000u | (1 + R.below(3)) << 18 | src(), "a32.msr_reg"));
    }
    return true;
}

bool Gen::a_branch(Built& b) {
    if (in_island_) return false;
    const unsigned c = R.chance(30) ? 14 : R.below(15);
    const bool link = R.chance(20);
    b.target = cur_id_ + 1 + static_cast<int>(R.below(4));
    b.items.push_back(X(std::string(link ? "bl" : "b") + kCondName[c] + " @T", link ? "a32.bl" : "a32.b"));
    return true;
}

bool Gen::a_hint(Built& b) {
    static const u32 encs[] = {0xe320f000u, 0xf57ff05fu, 0xf57ff04fu, 0xf57ff06fu, 0xf57ff01fu, 0xe320f001u,
                               0xf1080080u, 0xf10c00c0u, 0xf1080100u, 0xf1010000u};
    static const char* const names[] = {"a32.nop", "a32.dmb", "a32.dsb", "a32.isb", "a32.clrex", "a32.yield",
                                        "a32.cps", "a32.cps", "a32.cps", "a32.setend_le"};
    const unsigned k = R.below(12);
    if (k >= 10) {  // PLD / PLI [r11, #+-imm12]
        const bool pli = k == 11;
        b.items.push_back(A((pli ? 0xf450f000u : 0xf550f000u) | R.below(2) << 23 | 11u << 16 | R.below(4096), pli ? "a32.pli" : "a32.pld"));
        return true;
    }
    b.items.push_back(A((k == 0 || k == 5) ? (cond() << 28 | (encs[k] & 0x0fffffffu)) : encs[k], names[k]));
    return true;
}

// ---- T32 builders ------------------------------------------------------------------------------

bool Gen::t_it(Built& b) {
    const unsigned firstcond = R.chance(15) ? 14 : R.below(14);
    const unsigned n = 1 + R.below(4);
    unsigned mask = 0;
    for (unsigned i = 1; i < n; ++i) {
        const unsigned e = firstcond == 14 ? 0 : R.below(2);
        mask |= ((firstcond & 1) ^ e) << (4 - i);
    }
    mask |= 1u << (4 - n);
    b.items.push_back(T16(0xbf00u | firstcond << 4 | mask, "t32.it"));
    in_it_ = true;
    for (unsigned i = 0; i < n; ++i) {
        if (i == n - 1 && !in_island_ && R.chance(12)) {
            const unsigned k = R.below(3);
            b.target = cur_id_ + 1 + static_cast<int>(R.below(4));
            b.items.push_back(X(k == 0 ? "b.n @T" : k == 1 ? "b.w @T" : "bl @T", k == 2 ? "t32.bl" : "t32.b_it"));
            break;
        }
        Built m;
        int tries = 0;
        while (!pick_and_build(m, true)) {
            m = Built{};
            if (++tries > 200) {
                in_it_ = false;
                return false;
            }
        }
        for (auto& it : m.items) b.items.push_back(std::move(it));
    }
    in_it_ = false;
    return true;
}

bool Gen::t16_dp(Built& b) {
    switch (R.below(8)) {
    case 0: {
        const unsigned op = R.below(3);
        unsigned imm5 = R.below(32);
        if (op == 0 && imm5 == 0 && in_it_) imm5 = 1;  // MOVS Rd, Rm (T2) is UNPREDICTABLE in an IT block
        static const char* const names[] = {"t16.lsl_imm", "t16.lsr_imm", "t16.asr_imm"};
        b.items.push_back(T16(op << 11 | imm5 << 6 | low() << 3 | low(), op == 0 && imm5 == 0 ? "t16.movs_reg" : names[op]));
        break;
    }
    case 1: {
        const unsigned op = R.below(2);
        b.items.push_back(T16(0x1800u | op << 9 | low() << 6 | low() << 3 | low(), op ? "t16.sub_reg" : "t16.add_reg"));
        break;
    }
    case 2: {
        const unsigned op = R.below(2);
        b.items.push_back(T16(0x1c00u | op << 9 | R.below(8) << 6 | low() << 3 | low(), op ? "t16.sub_imm3" : "t16.add_imm3"));
        break;
    }
    case 3: {
        static const char* const names[] = {"t16.mov_imm8", "t16.cmp_imm8", "t16.add_imm8", "t16.sub_imm8"};
        const unsigned op = R.below(4);
        b.items.push_back(T16(0x2000u | op << 11 | low() << 8 | R.below(256), names[op]));
        break;
    }
    case 4:
    case 5: {
        static const char* const names[] = {"and", "eor", "lsl", "lsr", "asr", "adc", "sbc", "ror",
                                            "tst", "rsb", "cmp", "cmn", "orr", "mul", "bic", "mvn"};
        const unsigned op = R.below(16);
        b.items.push_back(T16(0x4000u | op << 6 | low() << 3 | low(), std::string("t16.dp.") + names[op]));
        break;
    }
    case 6: {  // high-register ADD / CMP / MOV
        const unsigned k = R.below(3);
        if (k == 0) {
            const unsigned d = dst();
            const unsigned m = R.chance(10) ? 13 : (R.chance(5) ? 15 : src());  // ADD Rd, SP / ADD Rd, PC
            b.items.push_back(T16(0x4400u | (d >> 3) << 7 | m << 3 | (d & 7), "t16.add_hi"));
        } else if (k == 1) {
            unsigned n = src(), m = src();
            if (n < 8 && m < 8) n = 8 + R.below(7);  // at least one high register; never 15
            b.items.push_back(T16(0x4500u | (n >> 3) << 7 | m << 3 | (n & 7), "t16.cmp_hi"));
        } else {
            const unsigned d = dst();
            const unsigned m = R.chance(10) ? 13 : (R.chance(5) ? 15 : src());  // MOV Rd, SP / MOV Rd, PC
            b.items.push_back(T16(0x4600u | (d >> 3) << 7 | m << 3 | (d & 7), "t16.mov_hi"));
        }
        break;
    }
    default: {
        static const u32 encs[] = {0xb200u, 0xb240u, 0xb280u, 0xb2c0u, 0xba00u, 0xba40u, 0xbac0u};
        static const char* const names[] = {"t16.sxth", "t16.sxtb", "t16.uxth", "t16.uxtb", "t16.rev", "t16.rev16", "t16.revsh"};
        const unsigned k = R.below(7);
        b.items.push_back(T16(encs[k] | low() << 3 | low(), names[k]));
    }
    }
    return true;
}

bool Gen::t16_addr(Built& b) {
    const bool sp = R.below(2);
    b.items.push_back(T16((sp ? 0xa800u : 0xa000u) | low() << 8 | R.below(256), sp ? "t16.add_sp_imm" : "t16.adr"));
    return true;
}

bool Gen::t16_ldst(Built& b) {
    const unsigned kind = R.below(in_it_ ? 2 : 5);
    if (kind == 0) {  // SP-relative word
        const bool L = R.below(2);
        Req q;
        q.max_imm = 1020;
        q.scale = 4;
        q.sign = 1;
        q.r11_ok = false;
        q.fresh_ok = false;
        q.wb_ok = false;
        Mem m;
        if (!plan_imm(q, m) || m.base != 13) return false;
        b.items.push_back(T16((L ? 0x9800u : 0x9000u) | low() << 8 | static_cast<u32>(m.imm) / 4, L ? "t16.ldr_sp" : "t16.str_sp"));
        return true;
    }
    if (kind == 1) {  // literal
        b.items.push_back(T16(0x4800u | low() << 8 | R.below(256), "t16.ldr_lit"));
        return true;
    }
    if (kind == 2 || kind == 3) {  // imm5 forms
        static const u32 encs[] = {0x6000u, 0x6800u, 0x7000u, 0x7800u, 0x8000u, 0x8800u};
        static const char* const names[] = {"t16.str_imm", "t16.ldr_imm", "t16.strb_imm", "t16.ldrb_imm", "t16.strh_imm", "t16.ldrh_imm"};
        static const int sizes[] = {4, 4, 1, 1, 2, 2};
        const unsigned k = R.below(6);
        const unsigned rt = low();
        Req q;
        q.size = sizes[k];
        q.align = sizes[k];
        q.scale = sizes[k];
        q.max_imm = 31 * sizes[k];
        q.sign = 1;
        q.wb_ok = false;
        q.low_base = true;
        q.r11_ok = q.sp_ok = false;
        q.excl = 1u << rt;
        Mem m;
        if (!plan_imm(q, m)) return false;
        b.items = m.setup;
        b.items.push_back(T16(encs[k] | (static_cast<u32>(m.imm) / static_cast<u32>(sizes[k])) << 6 | m.base << 3 | rt, names[k]));
        return true;
    }
    // register offset: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH
    static const char* const names[] = {"t16.str_reg", "t16.strh_reg", "t16.strb_reg", "t16.ldrsb_reg",
                                        "t16.ldr_reg", "t16.ldrh_reg", "t16.ldrb_reg", "t16.ldrsh_reg"};
    static const int sizes[] = {4, 2, 1, 1, 4, 2, 1, 2};
    const unsigned op = R.below(8);
    const unsigned rt = low();
    Req q;
    q.size = sizes[op];
    q.align = R.chance(25) ? 1 : sizes[op];
    q.wb_ok = false;
    q.low_base = true;
    q.excl = 1u << rt;
    Mem m;
    if (!plan_reg(q, m, 0) || !m.U) return false;
    b.items = m.setup;
    b.items.push_back(T16(0x5000u | op << 9 | m.rm << 6 | m.base << 3 | rt, names[op]));
    return true;
}

bool Gen::t16_ldm(Built& b) {
    if (in_it_) return false;
    const bool L = R.below(2);
    u32 list = 0;
    const unsigned n = 1 + R.below(5);
    for (unsigned i = 0; i < n; ++i) list |= 1u << low();
    Mem m;
    const int count = __builtin_popcount(list);
    const u32 excl = L ? 0u : list;  // STM: the base must not be in the list (write-back)
    if (!plan_block(4 * count, true, true, excl, 1, m)) return false;
    if (m.base > 7) return false;
    b.items = m.setup;
    b.items.push_back(T16((L ? 0xc800u : 0xc000u) | m.base << 8 | list, L ? "t16.ldmia" : "t16.stmia"));
    return true;
}

bool Gen::t16_sp(Built& b) {  // PUSH/POP (16-bit) and ADD/SUB SP, SP, #imm7
    const unsigned kind = R.below(3);
    if (kind == 2) {
        const int k = 4 * R.range(1, 16);
        const bool sub = R.below(2);
        if (sub ? (sp_lo_ - k < -static_cast<int>(kMid)) : (sp_hi_ + k > static_cast<int>(kMid) - 4)) return false;
        if (sub) sp_lo_ -= k; else sp_hi_ += k;
        b.items.push_back(T16((sub ? 0xb080u : 0xb000u) | static_cast<u32>(k / 4), sub ? "t16.sub_sp" : "t16.add_sp"));
        return true;
    }
    const bool pop = kind == 1;
    u32 list = R.below(256);
    const bool lr = !pop && R.chance(30);
    if (!list && !lr) list = 1u << low();
    const int bytes = 4 * (__builtin_popcount(list) + (lr ? 1 : 0));
    if (pop) {
        if (sp_hi_ + bytes > static_cast<int>(kMid)) return false;
        sp_hi_ += bytes;
    } else {
        if (sp_lo_ - bytes < -static_cast<int>(kMid)) return false;
        sp_lo_ -= bytes;
    }
    b.items.push_back(T16((pop ? 0xbc00u : 0xb400u) | (lr ? 0x100u : 0u) | list, pop ? "t16.pop" : "t16.push"));
    return true;
}

namespace {
unsigned t32_modimm(Rng& R) {
    for (;;) {
        const unsigned imm12 = R.chance(30) ? R.below(256) : R.below(4096);
        if ((imm12 >> 10) == 0 && ((imm12 >> 8) & 3) != 0 && (imm12 & 0xff) == 0) continue;  // UNPREDICTABLE
        return imm12;
    }
}
const unsigned kT32DpOps[] = {0, 1, 2, 3, 4, 8, 10, 11, 13, 14};
const char* const kT32DpName[] = {"and", "bic", "orr", "orn", "eor", "", "", "", "add", "", "adc", "sbc", "", "sub", "rsb"};
}  // namespace

// Picks one of the 16 T32 data-processing forms (10 ops + MOV, MVN, TST, TEQ, CMN, CMP).
static void t32_dp_choice(Rng& R, unsigned& op, unsigned& rd_kind, std::string& name) {
    const unsigned k = R.below(16);
    rd_kind = 0;  // 0 normal, 1 compare (Rd = 15, S = 1), 2 move (Rn = 15)
    if (k < 10) {
        op = kT32DpOps[k];
        name = kT32DpName[op];
    } else {
        static const unsigned ops[] = {2, 3, 0, 4, 8, 13};
        static const char* const names[] = {"mov", "mvn", "tst", "teq", "cmn", "cmp"};
        op = ops[k - 10];
        name = names[k - 10];
        rd_kind = k < 12 ? 2 : 1;
    }
}

bool Gen::t_dp_imm(Built& b) {
    unsigned op, kind;
    std::string name;
    t32_dp_choice(R, op, kind, name);
    const unsigned S = kind == 1 ? 1 : R.below(2);
    const unsigned rd = kind == 1 ? 15 : dst();
    unsigned rn = kind == 2 ? 15 : src();
    if ((op == 8 || op == 13) && kind != 2 && R.chance(6)) rn = 13;  // ADD/SUB/CMP/CMN with SP
    const unsigned imm12 = t32_modimm(R);
    b.items.push_back(T32h(0xf000u | (imm12 >> 11) << 10 | op << 5 | S << 4 | rn, ((imm12 >> 8) & 7) << 12 | rd << 8 | (imm12 & 0xff),
                           "t32.dp_imm." + name));
    return true;
}

bool Gen::t_dp_reg(Built& b) {
    if (R.chance(8)) {  // PKHBT/PKHTB
        const unsigned sh = R.below(32);
        b.items.push_back(T32h(0xeac0u | src(), (sh >> 2) << 12 | dst() << 8 | (sh & 3) << 6 | R.below(2) << 5 | src(), "t32.pkh"));
        return true;
    }
    unsigned op, kind;
    std::string name;
    t32_dp_choice(R, op, kind, name);
    const unsigned S = kind == 1 ? 1 : R.below(2);
    const unsigned rd = kind == 1 ? 15 : dst();
    const unsigned rn = kind == 2 ? 15 : src();
    const unsigned sh = R.below(32), type = R.below(4);
    b.items.push_back(T32h(0xea00u | op << 5 | S << 4 | rn, (sh >> 2) << 12 | rd << 8 | (sh & 3) << 6 | type << 4 | src(), "t32.dp_reg." + name));
    return true;
}

bool Gen::t_shift_reg(Built& b) {
    const unsigned type = R.below(4);
    b.items.push_back(T32h(0xfa00u | type << 5 | R.below(2) << 4 | src(), 0xf000u | dst() << 8 | src(), std::string("t32.") + kShiftName[type] + "_reg"));
    return true;
}

bool Gen::t_plain_imm(Built& b) {
    switch (R.below(7)) {
    case 0: {  // ADDW / SUBW
        const bool sub = R.below(2);
        const unsigned imm = R.below(4096);
        const unsigned rn = R.chance(6) ? 13 : (R.chance(6) ? 15 : src());
        b.items.push_back(T32h((sub ? 0xf2a0u : 0xf200u) | (imm >> 11) << 10 | rn, ((imm >> 8) & 7) << 12 | dst() << 8 | (imm & 0xff), sub ? "t32.subw" : "t32.addw"));
        break;
    }
    case 1: {  // MOVW / MOVT
        const bool top = R.below(2);
        const unsigned imm = R.chance(30) ? R.below(256) : (R.word() & 0xffffu);
        b.items.push_back(T32h((top ? 0xf2c0u : 0xf240u) | ((imm >> 11) & 1) << 10 | (imm >> 12), ((imm >> 8) & 7) << 12 | dst() << 8 | (imm & 0xff),
                               top ? "t32.movt" : "t32.movw"));
        break;
    }
    case 2: {  // SSAT / USAT
        const bool u = R.below(2);
        const unsigned sh = R.below(2);
        unsigned amt = R.below(32);
        if (sh && amt == 0) amt = 1 + R.below(31);  // sh=1, imm=0 is SSAT16/USAT16
        b.items.push_back(T32h((u ? 0xf380u : 0xf300u) | sh << 5 | src(), (amt >> 2) << 12 | dst() << 8 | (amt & 3) << 6 | R.below(32), u ? "t32.usat" : "t32.ssat"));
        break;
    }
    case 3: {
        const bool u = R.below(2);
        b.items.push_back(T32h((u ? 0xf3a0u : 0xf320u) | src(), dst() << 8 | R.below(16), u ? "t32.usat16" : "t32.ssat16"));
        break;
    }
    case 4:
    case 5: {  // SBFX / UBFX
        const bool u = R.below(2);
        const unsigned lsb = R.below(32), wm1 = R.below(32 - lsb);
        b.items.push_back(T32h((u ? 0xf3c0u : 0xf340u) | src(), (lsb >> 2) << 12 | dst() << 8 | (lsb & 3) << 6 | wm1, u ? "t32.ubfx" : "t32.sbfx"));
        break;
    }
    default: {  // BFI / BFC
        const unsigned lsb = R.below(32), msb = lsb + R.below(32 - lsb);
        const unsigned rn = R.chance(25) ? 15 : src();
        b.items.push_back(T32h(0xf360u | rn, (lsb >> 2) << 12 | dst() << 8 | (lsb & 3) << 6 | msb, rn == 15 ? "t32.bfc" : "t32.bfi"));
    }
    }
    return true;
}

bool Gen::t_media(Built& b) {
    switch (R.below(4)) {
    case 0: {  // extends
        static const char* const names[] = {"sxtah", "uxtah", "sxtab16", "uxtab16", "sxtab", "uxtab"};
        const unsigned op = R.below(6);
        const unsigned rn = R.chance(50) ? 15 : src();
        b.items.push_back(T32h(0xfa00u | op << 4 | rn, 0xf080u | dst() << 8 | R.below(4) << 4 | src(),
                               std::string("t32.ext.") + names[op] + (rn == 15 ? ".noacc" : "")));
        break;
    }
    case 1: {  // parallel add/sub
        static const unsigned op1s[] = {1, 2, 6, 5, 0, 4};
        static const char* const opn[] = {"add8", "add16", "asx", "", "sub8", "sub16", "sax", ""};
        static const unsigned kinds[] = {0, 1, 2, 4, 5, 6};
        static const char* const pfx[] = {"s", "q", "sh", "", "u", "uq", "uh"};
        const unsigned op1 = op1s[R.below(6)], k = kinds[R.below(6)];
        b.items.push_back(T32h(0xfa80u | op1 << 4 | src(), 0xf000u | dst() << 8 | k << 4 | src(), std::string("t32.par.") + pfx[k] + opn[op1]));
        break;
    }
    default: {  // misc: QADD.., REV.., SEL, CLZ
        static const char* const names[4][4] = {{"qadd", "qdadd", "qsub", "qdsub"}, {"rev", "rev16", "rbit", "revsh"}, {"sel", "", "", ""}, {"clz", "", "", ""}};
        const unsigned op1 = R.below(4);
        const unsigned op2 = op1 < 2 ? R.below(4) : 0;
        unsigned rn = src();
        const unsigned rm = (op1 == 1 || op1 == 3) ? rn : src();
        b.items.push_back(T32h(0xfa80u | op1 << 4 | rn, 0xf080u | dst() << 8 | op2 << 4 | rm, std::string("t32.") + names[op1][op2]));
    }
    }
    return true;
}

bool Gen::t_mul(Built& b) {
    const unsigned op1 = R.below(8);
    unsigned op2 = 0;
    unsigned ra = R.chance(35) ? 15 : src();
    std::string name;
    switch (op1) {
    case 0:
        op2 = R.below(2);
        if (op2) {
            if (ra == 15) ra = src();
            name = "mls";
        } else {
            name = ra == 15 ? "mul" : "mla";
        }
        break;
    case 1: op2 = R.below(4); name = ra == 15 ? "smulxy" : "smlaxy"; break;
    case 2: op2 = R.below(2); name = ra == 15 ? "smuad" : "smlad"; break;
    case 3: op2 = R.below(2); name = ra == 15 ? "smulwy" : "smlawy"; break;
    case 4: op2 = R.below(2); name = ra == 15 ? "smusd" : "smlsd"; break;
    case 5: op2 = R.below(2); name = ra == 15 ? "smmul" : "smmla"; break;
    case 6: op2 = R.below(2); if (ra == 15) ra = src(); name = "smmls"; break;
    default: name = ra == 15 ? "usad8" : "usada8";
    }
    b.items.push_back(T32h(0xfb00u | op1 << 4 | src(), ra << 12 | dst() << 8 | op2 << 4 | src(), "t32." + name));
    return true;
}

bool Gen::t_mull(Built& b) {
    const unsigned k = R.below(9);
    const unsigned rn = src(), rm = src();
    if (k == 0 || k == 1) {
        const bool u = k == 1;
        b.items.push_back(T32h((u ? 0xfbb0u : 0xfb90u) | rn, 0xf0f0u | dst() << 8 | rm, u ? "t32.udiv" : "t32.sdiv"));
        return true;
    }
    const unsigned hi = dst(), lo = dst_ex(1u << hi);
    unsigned op1, op2;
    std::string name;
    switch (k) {
    case 2: op1 = 0; op2 = 0; name = "smull"; break;
    case 3: op1 = 2; op2 = 0; name = "umull"; break;
    case 4: op1 = 4; op2 = 0; name = "smlal"; break;
    case 5: op1 = 4; op2 = 8 | R.below(4); name = "smlalxy"; break;
    case 6: op1 = 4 + R.below(2); op2 = 0xc | R.below(2); name = op1 == 4 ? "smlald" : "smlsld"; break;
    case 7: op1 = 6; op2 = 0; name = "umlal"; break;
    default: op1 = 6; op2 = 6; name = "umaal"; break;
    }
    b.items.push_back(T32h(0xfb80u | op1 << 4 | rn, lo << 12 | hi << 8 | op2 << 4 | rm, "t32." + name));
    return true;
}

bool Gen::t_ldst(Built& b) {
    static const u32 hw_imm12[] = {0xf880u, 0xf8a0u, 0xf8c0u, 0xf890u, 0xf8b0u, 0xf8d0u, 0xf990u, 0xf9b0u};
    static const u32 hw_imm8[] = {0xf800u, 0xf820u, 0xf840u, 0xf810u, 0xf830u, 0xf850u, 0xf910u, 0xf930u};
    static const char* const names[] = {"strb", "strh", "str", "ldrb", "ldrh", "ldr", "ldrsb", "ldrsh"};
    static const int sizes[] = {1, 2, 4, 1, 2, 4, 1, 2};
    const unsigned k = R.below(8);
    const bool L = k >= 3;
    const unsigned rt = L ? dst() : src();
    if (L && R.chance(5)) {  // literal: [PC, #+-imm12] (Align(PC, 4) base)
        b.items.push_back(T32h((hw_imm12[k] & ~0x80u) | R.below(2) << 7 | 15u, rt << 12 | R.below(1024), std::string("t32.") + names[k] + ".lit"));
        return true;
    }
    const unsigned form = R.below(in_it_ ? 3 : 4);  // 0 imm12, 1 imm8 (P/U/W), 2 unprivileged (T), 3 register
    Req q;
    q.size = sizes[k];
    q.align = (sizes[k] == 1 || R.chance(25)) ? 1 : sizes[k];
    q.excl = 1u << rt;
    Mem m;
    std::string what = std::string("t32.") + names[k];
    if (form == 0) {
        q.sign = 1;
        q.wb_ok = false;
        if (!plan_imm(q, m)) return false;
        b.items = m.setup;
        b.items.push_back(T32h(hw_imm12[k] | m.base, rt << 12 | static_cast<u32>(m.imm), what + ".imm12"));
        return true;
    }
    if (form == 1) {
        q.max_imm = 255;  // the offset form (P=1 W=0) needs U=0: P=1 U=1 W=0 is the unprivileged form
        if (!plan_imm(q, m)) return false;
        if (m.P && !m.W && m.U && m.imm) return false;
        if (m.P && !m.W) m.U = false;
        b.items = m.setup;
        b.items.push_back(T32h(hw_imm8[k] | m.base, rt << 12 | 0x800u | m.P << 10 | m.U << 9 | m.W << 8 | static_cast<u32>(m.imm), what + (m.W ? (m.P ? ".pre" : ".post") : ".neg")));
        return true;
    }
    if (form == 2) {
        q.max_imm = 255;
        q.sign = 1;
        q.wb_ok = false;
        if (!plan_imm(q, m)) return false;
        b.items = m.setup;
        b.items.push_back(T32h(hw_imm8[k] | m.base, rt << 12 | 0xe00u | static_cast<u32>(m.imm), what + "t"));
        return true;
    }
    q.wb_ok = false;
    if (!plan_reg(q, m, 1) || !m.U) return false;
    b.items = m.setup;
    b.items.push_back(T32h(hw_imm8[k] | m.base, rt << 12 | m.amt << 4 | m.rm, what + ".reg"));
    return true;
}

bool Gen::t_ldrd(Built& b) {
    const bool L = R.below(2);
    const unsigned rt = L ? dst() : src();
    const unsigned rt2 = L ? dst_ex(1u << rt) : src();
    if (L && R.chance(6)) {  // LDRD literal
        b.items.push_back(T32h(0xe95fu | R.below(2) << 7, rt << 12 | rt2 << 8 | R.below(256), "t32.ldrd.lit"));
        return true;
    }
    Req q;
    q.size = 8;
    q.align = 4;
    q.max_imm = 1020;
    q.scale = 4;
    q.excl = (1u << rt) | (1u << rt2);
    Mem m;
    if (!plan_imm(q, m)) return false;
    b.items = m.setup;
    b.items.push_back(T32h(0xe840u | m.P << 8 | m.U << 7 | m.W << 5 | L << 4 | m.base, rt << 12 | rt2 << 8 | static_cast<u32>(m.imm) / 4,
                           L ? "t32.ldrd" : "t32.strd"));
    return true;
}

bool Gen::t_ldm(Built& b) {
    const unsigned kind = R.below(5);
    const bool L = R.below(2);
    u32 list = 0;
    const unsigned n = 2 + R.below(R.chance(70) ? 4 : 11);
    for (unsigned i = 0; i < n; ++i) list |= 1u << (L ? dst() : src());
    list &= ~((1u << 13) | (1u << 15));
    if (__builtin_popcount(list) < 2) list |= 0x3;
    const int bytes = 4 * __builtin_popcount(list);
    if (kind == 4) {  // PUSH.W / POP.W
        if (L) {
            if (sp_hi_ + bytes > static_cast<int>(kMid)) return false;
            sp_hi_ += bytes;
        } else {
            if (sp_lo_ - bytes < -static_cast<int>(kMid)) return false;
            sp_lo_ -= bytes;
        }
        b.items.push_back(T32h(L ? 0xe8bdu : 0xe92du, list, L ? "t32.pop_w" : "t32.push_w"));
        return true;
    }
    const bool db = kind >= 2;
    Mem m;
    if (!plan_block(bytes, true, false, list, db ? 2u : 1u, m)) return false;
    b.items = m.setup;
    const u32 hw1 = (db ? (L ? 0xe910u : 0xe900u) : (L ? 0xe890u : 0xe880u)) | m.W << 5 | m.base;
    b.items.push_back(T32h(hw1, list, std::string("t32.") + (L ? "ldm" : "stm") + (db ? "db" : "ia")));
    return true;
}

bool Gen::t_excl(Built& b) {
    if (in_it_) return false;
    const unsigned k = R.below(4);  // word, byte, half, dual
    static const char* const names[] = {"", "b", "h", "d"};
    static const int sizes[] = {4, 1, 2, 8};
    const unsigned rt = dst(), rt2 = dst_ex(1u << rt);
    const unsigned st1 = dst(), st2 = dst();
    const unsigned base = dst_ex((1u << rt) | (1u << rt2) | (1u << st1) | (1u << st2));
    const unsigned rd = dst_ex((1u << base) | (1u << st1) | (1u << st2));
    const int size = sizes[k];
    const int off = size * R.range(-static_cast<int>(kMid) / size, static_cast<int>(kMid) / size - 1);
    b.items.push_back(setup_ptr(base, off));
    const bool clrex = R.chance(15);  // CLREX between: the STREX fails
    switch (k) {
    case 0:
        b.items.push_back(T32h(0xe850u | base, rt << 12 | 0x0f00u, "t32.ldrex"));
        if (clrex) b.items.push_back(T32(0xf3bf8f2fu, "t32.clrex"));
        b.items.push_back(T32h(0xe840u | base, st1 << 12 | rd << 8, "t32.strex"));
        break;
    case 1:
    case 2:
        b.items.push_back(T32h(0xe8d0u | base, rt << 12 | (k == 1 ? 0x0f4fu : 0x0f5fu), std::string("t32.ldrex") + names[k]));
        if (clrex) b.items.push_back(T32(0xf3bf8f2fu, "t32.clrex"));
        b.items.push_back(T32h(0xe8c0u | base, st1 << 12 | (k == 1 ? 0x0f40u : 0x0f50u) | rd, std::string("t32.strex") + names[k]));
        break;
    default:
        b.items.push_back(T32h(0xe8d0u | base, rt << 12 | rt2 << 8 | 0x7fu, "t32.ldrexd"));
        if (clrex) b.items.push_back(T32(0xf3bf8f2fu, "t32.clrex"));
        b.items.push_back(T32h(0xe8c0u | base, st1 << 12 | st2 << 8 | 0x70u | rd, "t32.strexd"));
    }
    if (R.chance(20)) b.items.push_back(T32(0xf3bf8f2fu, "t32.clrex"));
    return true;
}

bool Gen::t_psr(Built& b) {
    if (R.chance(25)) {  // user-accessible CP15: TPIDRURW (read/write), TPIDRURO (read)
        const unsigned k = R.below(3);
        if (k == 0) b.items.push_back(T32(0xee0d0f50u | src() << 12, "t32.mcr.tpidrurw"));
        else b.items.push_back(T32((k == 1 ? 0xee1d0f50u : 0xee1d0f70u) | dst() << 12, k == 1 ? "t32.mrc.tpidrurw" : "t32.mrc.tpidruro"));
        return true;
    }
    if (R.below(2))
        b.items.push_back(T32h(0xf3efu, 0x8000u | dst() << 8, "t32.mrs"));
    else
        b.items.push_back(T32h(0xf380u | src(), 0x8000u | (1 + R.below(3)) << 10, "t32.msr"));
    return true;
}

bool Gen::t_branch(Built& b) {
    if (in_it_ || in_island_) return false;
    const unsigned k = R.below(6);
    b.target = cur_id_ + 1 + static_cast<int>(R.below(4));
    const unsigned c = R.below(14);
    switch (k) {
    case 0: b.items.push_back(X(std::string("b") + kCondName[c] + ".n @T", "t32.bcond_n")); break;
    case 1: b.items.push_back(X(std::string("b") + kCondName[c] + ".w @T", "t32.bcond_w")); break;
    case 2: b.items.push_back(X(R.below(2) ? "b.n @T" : "b.w @T", "t32.b")); break;
    case 3: b.items.push_back(X("bl @T", "t32.bl")); break;
    default:
        // CBZ/CBNZ cannot branch to the next instruction: a NOP follows so that the target is
        // at least 4 bytes ahead whatever groups remain.
        b.items.push_back(X(std::string(R.below(2) ? "cbz " : "cbnz ") + rname(low()) + ", @T", "t32.cbz"));
        b.items.push_back(T16(0xbf00u, "t16.nop"));
    }
    return true;
}

bool Gen::t_hint(Built& b) {
    const unsigned k = R.below(in_it_ ? 4 : 11);
    switch (k) {
    case 0: b.items.push_back(T16(0xbf00u, "t16.nop")); break;
    case 1: b.items.push_back(T32(0xf3af8000u, "t32.nop_w")); break;
    case 2: b.items.push_back(R.below(2) ? T16(0xbf10u, "t16.yield") : T32(0xf3af8001u, "t32.yield_w")); break;
    case 3: {  // PLD / PLI [r11, #imm12]
        const bool pli = R.below(2);
        b.items.push_back(T32h((pli ? 0xf990u : 0xf890u) | 11u, 0xf000u | R.below(4096), pli ? "t32.pli" : "t32.pld"));
        break;
    }
    default: {
        static const u32 encs[] = {0xf3bf8f5fu, 0xf3bf8f4fu, 0xf3bf8f6fu, 0xf3bf8f2fu, 0xb662u, 0xb672u, 0xb650u};
        static const char* const names[] = {"t32.dmb", "t32.dsb", "t32.isb", "t32.clrex", "t16.cps", "t16.cps", "t16.setend_le"};
        const unsigned j = k - 4;
        b.items.push_back(j >= 4 ? T16(encs[j], names[j]) : T32(encs[j], names[j]));
    }
    }
    return true;
}

// ---- indirect branches, interworking, table branches ------------------------------------------
// Every branch here lands on a label inside the same group (numeric local labels 7/8/9/70-74),
// so a group is still skipped or executed as a whole.

// 1-3 groups of the other instruction set, without branches (the caller switches state).
bool Gen::island(Built& b) {
    const bool saved = t32_;
    t32_ = !t32_;
    in_island_ = true;
    bool ok = true;
    const unsigned n = 1 + R.below(3);
    for (unsigned i = 0; i < n && ok; ++i) {
        Built m;
        int tries = 0;
        while (!pick_and_build(m, false)) {
            m = Built{};
            if (++tries > 200) {
                ok = false;
                break;
            }
        }
        for (auto& it : m.items) b.items.push_back(std::move(it));
    }
    in_island_ = false;
    t32_ = saved;
    return ok;
}

bool Gen::a_indirect(Built& b) {
    if (in_island_ || in_it_) return false;
    const unsigned rx = dst();
    const std::string X_ = rname(rx);
    const u32 c = cond() << 28;  // a branch not taken falls through to the same label
    auto skip = [&]() {
        Built t;
        a_dp_imm(t);
        for (auto& it : t.items) b.items.push_back(std::move(it));
    };
    char buf[96];
    const int off = 4 * R.range(-63, 63);  // T32 negative offsets reach -255 only
    const u32 ldr_pc = 0x051bf000u | (off >= 0 ? 1u : 0u) << 23 | static_cast<u32>(std::abs(off));  // ldr pc, [r11, #off]
    switch (R.below(7)) {
    case 0:
        b.items.push_back(X("adr " + X_ + ", 7f", "setup"));
        b.items.push_back(A(c | 0x012fff10u | rx, "a32.bx"));
        skip();
        dir(b, "7:");
        return true;
    case 1:
        b.items.push_back(X("adr " + X_ + ", 7f", "setup"));
        b.items.push_back(A(c | 0x012fff30u | rx, "a32.blx_reg"));
        skip();
        dir(b, "7:");
        return true;
    case 2:
        b.items.push_back(X("adr " + X_ + ", 7f", "setup"));
        b.items.push_back(A(c | 0x01a0f000u | rx, "a32.mov_pc"));
        skip();
        dir(b, "7:");
        return true;
    case 3:
        b.items.push_back(X("adr " + X_ + ", 7f", "setup"));
        std::snprintf(buf, sizeof buf, "str %s, [r11, #%d]", X_.c_str(), off);
        b.items.push_back(X(buf, "setup"));
        b.items.push_back(A(c | ldr_pc, "a32.ldr_pc"));
        skip();
        dir(b, "7:");
        return true;
    case 4:
        if (sp_lo_ - 4 < -static_cast<int>(kMid)) return false;
        sp_lo_ -= 4;
        b.items.push_back(X("adr " + X_ + ", 7f", "setup"));
        b.items.push_back(X("push {" + X_ + "}", "setup"));
        if (R.below(2))
            b.items.push_back(A(c | 0x08bd8000u, "a32.pop_pc"));
        else
            b.items.push_back(A(c | 0x049df004u, "a32.ldr_pc_post"));
        skip();
        dir(b, "7:");
        return true;
    case 5:  // add pc, pc, rX with rX = 4: skips two instructions
        b.items.push_back(X("mov " + X_ + ", #4", "setup"));
        b.items.push_back(A(c | 0x008ff000u | rx, "a32.add_pc_reg"));
        skip();
        skip();
        return true;
    default: {  // interworking island: ARM -> Thumb -> ARM (the switches are unconditional)
        switch (R.below(5)) {
        case 0: b.items.push_back(X("adr " + X_ + ", 7f+1", "setup")); b.items.push_back(A(0xe12fff10u | rx, "a32.bx_thumb")); break;
        case 1: b.items.push_back(X("adr " + X_ + ", 7f+1", "setup")); b.items.push_back(A(0xe12fff30u | rx, "a32.blx_reg_thumb")); break;
        case 2: b.items.push_back(X("blx 7f", "a32.blx_imm")); break;
        case 3:
            b.items.push_back(X("adr " + X_ + ", 7f+1", "setup"));
            std::snprintf(buf, sizeof buf, "str %s, [r11, #%d]", X_.c_str(), off);
            b.items.push_back(X(buf, "setup"));
            b.items.push_back(A(0xe0000000u | ldr_pc, "a32.ldr_pc_thumb"));
            break;
        default: b.items.push_back(X("adr " + X_ + ", 7f+1", "setup")); b.items.push_back(A(0xe1a0f000u | rx, "a32.mov_pc_thumb")); break;
        }
        dir(b, ".thumb");
        dir(b, "7:");
        if (!island(b)) return false;
        t32_ = true;  // the exit is Thumb code
        const unsigned ry = dst();
        const std::string Y = rname(ry);
        const unsigned exit_kind = R.below(5);
        if (exit_kind == 4 && sp_lo_ - 4 < -static_cast<int>(kMid)) {
            t32_ = false;
            return false;
        }
        switch (exit_kind) {
        case 0: b.items.push_back(X("adr.w " + Y + ", 8f", "setup")); b.items.push_back(T16(0x4700u | ry << 3, "t16.bx_arm")); break;
        case 1: b.items.push_back(X("adr.w " + Y + ", 8f", "setup")); b.items.push_back(T16(0x4780u | ry << 3, "t16.blx_reg_arm")); break;
        case 2: b.items.push_back(X("blx 8f", "t32.blx_imm")); break;
        case 3:
            b.items.push_back(X("adr.w " + Y + ", 8f", "setup"));
            std::snprintf(buf, sizeof buf, "str.w %s, [r11, #%d]", Y.c_str(), off);
            b.items.push_back(X(buf, "setup"));
            b.items.push_back(off >= 0 ? T32h(0xf8dbu, 0xf000u | static_cast<u32>(off), "t32.ldr_pc_arm")
                                       : T32h(0xf85bu, 0xfc00u | static_cast<u32>(-off), "t32.ldr_pc_arm"));
            break;
        default:
            sp_lo_ -= 4;
            b.items.push_back(X("adr.w " + Y + ", 8f", "setup"));
            b.items.push_back(X("push {" + Y + "}", "setup"));
            b.items.push_back(T16(0xbd00u, "t16.pop_pc_arm"));
        }
        t32_ = false;
        dir(b, ".arm");
        dir(b, ".align 2");
        dir(b, "8:");
        return true;
    }
    }
}

bool Gen::t_indirect(Built& b) {
    if (in_island_ || in_it_) return false;
    const unsigned rx = dst();
    const std::string X_ = rname(rx);
    auto skip16 = [&]() {
        Built t;
        t16_dp(t);
        for (auto& it : t.items) b.items.push_back(std::move(it));
    };
    auto skip = [&]() {
        Built t;
        if (R.below(2)) t16_dp(t); else t_dp_imm(t);
        for (auto& it : t.items) b.items.push_back(std::move(it));
    };
    char buf[96];
    const int off = 4 * R.range(-63, 63);
    auto ldr_pc = [&](const std::string& what) {
        return off >= 0 ? T32h(0xf8dbu, 0xf000u | static_cast<u32>(off), what) : T32h(0xf85bu, 0xfc00u | static_cast<u32>(-off), what);
    };
    switch (R.below(8)) {
    case 0:
    case 1:
        b.items.push_back(X("adr.w " + X_ + ", 7f+1", "setup"));
        b.items.push_back(R.below(2) ? T16(0x4700u | rx << 3, "t16.bx") : T16(0x4780u | rx << 3, "t16.blx_reg"));
        skip();
        dir(b, "7:");
        return true;
    case 2:  // MOV PC, Rm (no interworking in Thumb state: bit 0 is ignored)
        b.items.push_back(X("adr.w " + X_ + (R.below(2) ? ", 7f+1" : ", 7f"), "setup"));
        b.items.push_back(T16(0x4687u | rx << 3, "t16.mov_pc"));
        skip();
        dir(b, "7:");
        return true;
    case 3:
        b.items.push_back(X("adr.w " + X_ + ", 7f+1", "setup"));
        std::snprintf(buf, sizeof buf, "str.w %s, [r11, #%d]", X_.c_str(), off);
        b.items.push_back(X(buf, "setup"));
        b.items.push_back(ldr_pc("t32.ldr_pc"));
        skip();
        dir(b, "7:");
        return true;
    case 4:
        if (sp_lo_ - 4 < -static_cast<int>(kMid)) return false;
        sp_lo_ -= 4;
        b.items.push_back(X("adr.w " + X_ + ", 7f+1", "setup"));
        b.items.push_back(X("push {" + X_ + "}", "setup"));
        b.items.push_back(R.below(2) ? T16(0xbd00u, "t16.pop_pc") : T32h(0xf85du, 0xfb04u, "t32.ldr_pc_post"));
        skip();
        dir(b, "7:");
        return true;
    case 5:  // ADD PC, Rm with Rm = 2: PC (+4) + 2 skips two 16-bit instructions
        b.items.push_back(X("movw " + X_ + ", #2", "setup"));
        b.items.push_back(T16(0x4487u | rx << 3, "t16.add_pc"));
        skip16();
        skip16();
        return true;
    case 6: {  // TBB / TBH [PC, Rm]
        const bool h = R.below(2);
        b.items.push_back(X("movw " + X_ + ", #" + std::to_string(R.below(4)), "setup"));
        b.items.push_back(T32h(0xe8dfu, (h ? 0xf010u : 0xf000u) | rx, h ? "t32.tbh" : "t32.tbb"));
        dir(b, std::string("70: ") + (h ? ".hword" : ".byte") + " (71f-70b)/2, (72f-70b)/2, (73f-70b)/2, (74f-70b)/2");
        dir(b, "71:");
        skip();
        dir(b, "72:");
        skip();
        dir(b, "73:");
        skip();
        dir(b, "74:");
        return true;
    }
    default: {  // interworking island: Thumb -> ARM -> Thumb
        switch (R.below(4)) {
        case 0: b.items.push_back(X("adr.w " + X_ + ", 8f", "setup")); b.items.push_back(T16(0x4700u | rx << 3, "t16.bx_arm")); break;
        case 1: b.items.push_back(X("adr.w " + X_ + ", 8f", "setup")); b.items.push_back(T16(0x4780u | rx << 3, "t16.blx_reg_arm")); break;
        case 2: b.items.push_back(X("blx 8f", "t32.blx_imm")); break;
        default:
            b.items.push_back(X("adr.w " + X_ + ", 8f", "setup"));
            std::snprintf(buf, sizeof buf, "str.w %s, [r11, #%d]", X_.c_str(), off);
            b.items.push_back(X(buf, "setup"));
            b.items.push_back(ldr_pc("t32.ldr_pc_arm"));
        }
        dir(b, ".arm");
        dir(b, ".align 2");
        dir(b, "8:");
        if (!island(b)) return false;
        t32_ = false;  // the exit is ARM code
        const unsigned ry = dst();
        const std::string Y = rname(ry);
        switch (R.below(5)) {
        case 0: b.items.push_back(X("adr " + Y + ", 9f+1", "setup")); b.items.push_back(A(0xe12fff10u | ry, "a32.bx_thumb")); break;
        case 1: b.items.push_back(X("adr " + Y + ", 9f+1", "setup")); b.items.push_back(A(0xe12fff30u | ry, "a32.blx_reg_thumb")); break;
        case 2: b.items.push_back(X("blx 9f", "a32.blx_imm")); break;
        case 3: {
            b.items.push_back(X("adr " + Y + ", 9f+1", "setup"));
            std::snprintf(buf, sizeof buf, "str %s, [r11, #%d]", Y.c_str(), off);
            b.items.push_back(X(buf, "setup"));
            b.items.push_back(A(0xe51bf000u | (off >= 0 ? 1u : 0u) << 23 | static_cast<u32>(std::abs(off)), "a32.ldr_pc_thumb"));
            break;
        }
        default: b.items.push_back(X("adr " + Y + ", 9f+1", "setup")); b.items.push_back(A(0xe1a0f000u | ry, "a32.mov_pc_thumb"));
        }
        t32_ = true;
        dir(b, ".thumb");
        dir(b, "9:");
        return true;
    }
    }
}

// ---- VFP ----------------------------------------------------------------------------------------

u32 fd(bool dp, unsigned r) { return dp ? ((r & 15u) << 12 | (r >> 4) << 22) : ((r >> 1) << 12 | (r & 1u) << 22); }
u32 fn(bool dp, unsigned r) { return dp ? ((r & 15u) << 16 | (r >> 4) << 7) : ((r >> 1) << 16 | (r & 1u) << 7); }
u32 fm(bool dp, unsigned r) { return dp ? ((r & 15u) | (r >> 4) << 5) : ((r >> 1) | (r & 1u) << 5); }

bool Gen::v_arith(Built& b) {
    static const struct { u32 base, op; const char* name; } k[] = {
        {0x0e000a00u, 0, "vmla"},  {0x0e000a00u, 1, "vmls"}, {0x0e100a00u, 1, "vnmla"}, {0x0e100a00u, 0, "vnmls"},
        {0x0e200a00u, 0, "vmul"},  {0x0e200a00u, 1, "vnmul"}, {0x0e300a00u, 0, "vadd"}, {0x0e300a00u, 1, "vsub"},
        {0x0e800a00u, 0, "vdiv"},  {0x0e900a00u, 0, "vfnms"}, {0x0e900a00u, 1, "vfnma"}, {0x0ea00a00u, 0, "vfma"},
        {0x0ea00a00u, 1, "vfms"}};
    const auto& e = k[R.below(13)];
    const bool dp = R.below(2);
    const unsigned n = dp ? 16 : 32;
    b.items.push_back(V(e.base | e.op << 6 | (dp ? 0x100u : 0u) | fd(dp, R.below(n)) | fn(dp, R.below(n)) | fm(dp, R.below(n)),
                        std::string("vfp.") + e.name + (dp ? ".f64" : ".f32")));
    return true;
}

bool Gen::v_unary(Built& b) {
    const bool dp = R.below(2);
    const unsigned n = dp ? 16 : 32;
    const unsigned k = R.below(5);
    if (k == 4) {  // VMOV immediate
        const unsigned imm8 = R.below(256);
        b.items.push_back(V(0x0eb00a00u | (dp ? 0x100u : 0u) | fd(dp, R.below(n)) | (imm8 >> 4) << 16 | (imm8 & 15u), std::string("vfp.vmov_imm") + (dp ? ".f64" : ".f32")));
        return true;
    }
    static const u32 encs[] = {0x0eb00a40u, 0x0eb00ac0u, 0x0eb10a40u, 0x0eb10ac0u};
    static const char* const names[] = {"vmov", "vabs", "vneg", "vsqrt"};
    b.items.push_back(V(encs[k] | (dp ? 0x100u : 0u) | fd(dp, R.below(n)) | fm(dp, R.below(n)), std::string("vfp.") + names[k] + (dp ? ".f64" : ".f32")));
    return true;
}

bool Gen::v_cmp(Built& b) {
    const bool dp = R.below(2), zero = R.chance(25), e = R.below(2);
    const unsigned n = dp ? 16 : 32;
    const u32 enc = (zero ? 0x0eb50a40u : 0x0eb40a40u) | e << 7 | (dp ? 0x100u : 0u) | fd(dp, R.below(n)) | (zero ? 0u : fm(dp, R.below(n)));
    b.items.push_back(V(enc, std::string("vfp.vcmp") + (e ? "e" : "") + (zero ? "_zero" : "") + (dp ? ".f64" : ".f32")));
    if (!in_it_ && R.chance(70)) b.items.push_back(V(0x0ef1fa10u, "vfp.vmrs_apsr"));
    return true;
}

bool Gen::v_cvt(Built& b) {
    const bool dp = R.below(2);
    switch (R.below(5)) {
    case 0:  // f32 <-> f64
        b.items.push_back(V(0x0eb70ac0u | (dp ? 0x100u : 0u) | fd(!dp, R.below(dp ? 32 : 16)) | fm(dp, R.below(dp ? 16 : 32)),
                            dp ? "vfp.vcvt.f32.f64" : "vfp.vcvt.f64.f32"));
        break;
    case 1: {  // int -> fp
        const unsigned s = R.below(2);
        b.items.push_back(V(0x0eb80a40u | (dp ? 0x100u : 0u) | s << 7 | fd(dp, R.below(dp ? 16 : 32)) | fm(false, R.below(32)),
                            std::string("vfp.vcvt.") + (dp ? "f64" : "f32") + (s ? ".s32" : ".u32")));
        break;
    }
    case 2: {  // fp -> int (VCVT round-to-zero / VCVTR FPSCR rounding)
        const unsigned s = R.below(2), rz = R.below(2);
        b.items.push_back(V(0x0ebc0a40u | s << 16 | (dp ? 0x100u : 0u) | rz << 7 | fd(false, R.below(32)) | fm(dp, R.below(dp ? 16 : 32)),
                            std::string(rz ? "vfp.vcvt." : "vfp.vcvtr.") + (s ? "s32." : "u32.") + (dp ? "f64" : "f32")));
        break;
    }
    case 3: {  // fixed point
        const unsigned tofix = R.below(2), u = R.below(2), sx = R.below(2);
        const unsigned fbits = sx ? 1 + R.below(32) : R.below(17);
        const unsigned imm5 = (sx ? 32 : 16) - fbits;
        b.items.push_back(V(0x0eba0a40u | tofix << 18 | u << 16 | (dp ? 0x100u : 0u) | sx << 7 | fd(dp, R.below(dp ? 16 : 32)) | (imm5 & 1u) << 5 | imm5 >> 1,
                            std::string("vfp.vcvt_fixed.") + (tofix ? "to" : "from") + (u ? ".u" : ".s") + (sx ? "32" : "16") + (dp ? ".f64" : ".f32")));
        break;
    }
    default: {  // half precision (VCVTB/VCVTT)
        const unsigned op = R.below(2), t = R.below(2);
        b.items.push_back(V(0x0eb20a40u | op << 16 | t << 7 | fd(false, R.below(32)) | fm(false, R.below(32)),
                            std::string(t ? "vfp.vcvtt" : "vfp.vcvtb") + (op ? ".f16.f32" : ".f32.f16")));
    }
    }
    return true;
}

bool Gen::v_mov(Built& b) {
    switch (R.below(6)) {
    case 0: {  // VMOV Sn <-> Rt
        const bool to_core = R.below(2);
        b.items.push_back(V(0x0e000a10u | (to_core ? 1u : 0u) << 20 | fn(false, R.below(32)) | (to_core ? dst() : src()) << 12, to_core ? "vfp.vmov.r_s" : "vfp.vmov.s_r"));
        break;
    }
    case 1: {  // two singles
        const bool to_core = R.below(2);
        const unsigned rt = to_core ? dst() : src();
        const unsigned rt2 = to_core ? dst_ex(1u << rt) : src();
        b.items.push_back(V(0x0c400a10u | (to_core ? 1u : 0u) << 20 | rt2 << 16 | rt << 12 | fm(false, R.below(31)), to_core ? "vfp.vmov.rr_ss" : "vfp.vmov.ss_rr"));
        break;
    }
    case 2: {  // double
        const bool to_core = R.below(2);
        const unsigned rt = to_core ? dst() : src();
        const unsigned rt2 = to_core ? dst_ex(1u << rt) : src();
        b.items.push_back(V(0x0c400b10u | (to_core ? 1u : 0u) << 20 | rt2 << 16 | rt << 12 | fm(true, R.below(16)), to_core ? "vfp.vmov.rr_d" : "vfp.vmov.d_rr"));
        break;
    }
    case 3: {  // scalar
        const bool to_core = R.below(2);
        b.items.push_back(V((to_core ? 0x0e100b10u : 0x0e000b10u) | R.below(2) << 21 | R.below(16) << 16 | (to_core ? dst() : src()) << 12,
                            to_core ? "vfp.vmov.r_scalar" : "vfp.vmov.scalar_r"));
        break;
    }
    case 4:  // VMRS Rt, FPSCR
        b.items.push_back(V(0x0ef10a10u | dst() << 12, "vfp.vmrs"));
        break;
    default:
        b.items.push_back(V(0x0ef1fa10u, "vfp.vmrs_apsr"));
    }
    return true;
}

bool Gen::v_ldst(Built& b) {
    const bool dp = R.below(2), L = R.below(2);
    const unsigned reg = R.below(dp ? 16 : 32);
    if (L && R.chance(4)) {  // literal (PC-relative)
        b.items.push_back(V(0x0d100a00u | R.below(2) << 23 | 15u << 16 | fd(dp, reg) | (dp ? 0x100u : 0u) | R.below(64), std::string("vfp.vldr_lit")));
        return true;
    }
    Req q;
    q.size = dp ? 8 : 4;
    q.align = 4;
    q.max_imm = 1020;
    q.scale = 4;
    q.wb_ok = false;
    Mem m;
    if (!plan_imm(q, m)) return false;
    b.items = m.setup;
    b.items.push_back(V(0x0d000a00u | m.U << 23 | L << 20 | m.base << 16 | fd(dp, reg) | (dp ? 0x100u : 0u) | static_cast<u32>(m.imm) / 4,
                        std::string(L ? "vfp.vldr" : "vfp.vstr") + (dp ? ".64" : ".32")));
    return true;
}

bool Gen::v_ldm(Built& b) {
    const bool dp = R.below(2), L = R.below(2);
    const unsigned count = 1 + R.below(dp ? 4 : 8);
    const unsigned first = R.below((dp ? 16 : 32) - count + 1);
    const int bytes = static_cast<int>(count) * (dp ? 8 : 4);
    const u32 regs = fd(dp, first) | (dp ? 0x100u : 0u) | (dp ? 2 * count : count);
    if (R.chance(30)) {  // VPUSH / VPOP
        if (L) {
            if (sp_hi_ + bytes > static_cast<int>(kMid)) return false;
            sp_hi_ += bytes;
            b.items.push_back(V(0x0cbd0a00u | regs, "vfp.vpop"));
        } else {
            if (sp_lo_ - bytes < -static_cast<int>(kMid)) return false;
            sp_lo_ -= bytes;
            b.items.push_back(V(0x0d2d0a00u | regs, "vfp.vpush"));
        }
        return true;
    }
    const bool db = R.chance(40);
    Mem m;
    if (!plan_block(bytes, true, false, 0, db ? 2u : 1u, m)) return false;
    if (db && !m.W) {  // DB requires write-back
        if (m.base == 11) return false;
        m.W = true;
    }
    b.items = m.setup;
    b.items.push_back(V(0x0c000a00u | (db ? 1u : 0u) << 24 | (db ? 0u : 1u) << 23 | m.W << 21 | L << 20 | m.base << 16 | regs,
                        std::string(L ? "vfp.vldm" : "vfp.vstm") + (db ? "db" : "ia") + (dp ? ".64" : ".32")));
    return true;
}

bool Gen::v_fpscr(Built& b) {  // change rounding mode / FZ / DN / AHP in the middle of a sequence
    if (in_it_) return false;
    const unsigned r = dst();
    const u32 k = (1 + R.below(31)) << 22;
    char buf[64];
    b.items.push_back(X("vmrs " + rname(r) + ", fpscr", "vfp.fpscr_toggle"));
    std::snprintf(buf, sizeof buf, "eor%s %s, %s, #0x%x", t32_ ? ".w" : "", rname(r).c_str(), rname(r).c_str(), k);
    b.items.push_back(X(buf, "vfp.fpscr_toggle"));
    b.items.push_back(X("vmsr fpscr, " + rname(r), "vfp.fpscr_toggle"));
    return true;
}

// ---- menus -------------------------------------------------------------------------------------

struct Entry {
    const char* name;
    int w_int, w_vfp;  // weights in integer and VFP cases
    bool it_ok;        // may be an IT block member (T32)
    bool (Gen::*fn)(Built&);
};

const Entry kA32Menu[] = {
    {"dp_imm", 12, 4, false, &Gen::a_dp_imm},   {"dp_reg", 12, 4, false, &Gen::a_dp_reg},
    {"dp_rsr", 6, 2, false, &Gen::a_dp_rsr},    {"movw", 2, 1, false, &Gen::a_movw},
    {"mul", 4, 1, false, &Gen::a_mul},          {"mul16", 3, 1, false, &Gen::a_mul16},
    {"mulmedia", 3, 1, false, &Gen::a_mulmedia}, {"div", 2, 1, false, &Gen::a_div},
    {"sat", 3, 1, false, &Gen::a_sat},          {"par", 4, 1, false, &Gen::a_par},
    {"misc", 7, 2, false, &Gen::a_misc},        {"ldst", 7, 2, false, &Gen::a_ldst},
    {"ldsth", 6, 2, false, &Gen::a_ldsth},      {"ldm", 3, 1, false, &Gen::a_ldm},
    {"push", 2, 1, false, &Gen::a_push},        {"excl", 1, 0, false, &Gen::a_excl},
    {"psr", 2, 1, false, &Gen::a_psr},          {"branch", 3, 2, false, &Gen::a_branch},
    {"hint", 1, 0, false, &Gen::a_hint},         {"indirect", 3, 2, false, &Gen::a_indirect},
    {"v_arith", 0, 14, false, &Gen::v_arith},   {"v_unary", 0, 4, false, &Gen::v_unary},
    {"v_cmp", 0, 4, false, &Gen::v_cmp},        {"v_cvt", 0, 9, false, &Gen::v_cvt},
    {"v_mov", 0, 5, false, &Gen::v_mov},        {"v_ldst", 0, 3, false, &Gen::v_ldst},
    {"v_ldm", 0, 2, false, &Gen::v_ldm},        {"v_fpscr", 0, 1, false, &Gen::v_fpscr},
};

const Entry kT32Menu[] = {
    {"it", 8, 6, false, &Gen::t_it},               {"t16_dp", 14, 4, true, &Gen::t16_dp},
    {"t16_addr", 1, 0, true, &Gen::t16_addr},      {"t16_ldst", 5, 1, true, &Gen::t16_ldst},
    {"t16_ldm", 2, 1, false, &Gen::t16_ldm},       {"t16_sp", 2, 1, true, &Gen::t16_sp},
    {"dp_imm", 9, 3, true, &Gen::t_dp_imm},        {"dp_reg", 9, 3, true, &Gen::t_dp_reg},
    {"shift_reg", 3, 1, true, &Gen::t_shift_reg},  {"plain_imm", 5, 1, true, &Gen::t_plain_imm},
    {"media", 7, 2, true, &Gen::t_media},          {"mul", 4, 1, true, &Gen::t_mul},
    {"mull", 4, 1, true, &Gen::t_mull},            {"ldst", 7, 2, true, &Gen::t_ldst},
    {"ldrd", 3, 1, true, &Gen::t_ldrd},            {"ldm", 3, 1, true, &Gen::t_ldm},
    {"excl", 1, 0, false, &Gen::t_excl},           {"psr", 2, 1, true, &Gen::t_psr},
    {"branch", 4, 2, false, &Gen::t_branch},       {"hint", 1, 0, true, &Gen::t_hint},
    {"indirect", 3, 2, false, &Gen::t_indirect},
    {"v_arith", 0, 14, true, &Gen::v_arith},       {"v_unary", 0, 4, true, &Gen::v_unary},
    {"v_cmp", 0, 4, true, &Gen::v_cmp},            {"v_cvt", 0, 9, true, &Gen::v_cvt},
    {"v_mov", 0, 5, true, &Gen::v_mov},            {"v_ldst", 0, 3, true, &Gen::v_ldst},
    {"v_ldm", 0, 2, true, &Gen::v_ldm},            {"v_fpscr", 0, 1, false, &Gen::v_fpscr},
};

bool Gen::pick_and_build(Built& b, bool member) {
    const Entry* menu = t32_ ? kT32Menu : kA32Menu;
    const std::size_t n = t32_ ? sizeof kT32Menu / sizeof kT32Menu[0] : sizeof kA32Menu / sizeof kA32Menu[0];
    int total = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (!member || menu[i].it_ok) total += vfp_ ? menu[i].w_vfp : menu[i].w_int;
    int x = static_cast<int>(R.below(static_cast<unsigned>(total)));
    const Entry* e = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
        if (member && !menu[i].it_ok) continue;
        x -= vfp_ ? menu[i].w_vfp : menu[i].w_int;
        if (x < 0) {
            e = &menu[i];
            break;
        }
    }
    if (!e) return false;
    const int save_lo = sp_lo_, save_hi = sp_hi_;
    if (!(this->*(e->fn))(b)) {
        sp_lo_ = save_lo;
        sp_hi_ = save_hi;
        return false;
    }
    bool bad = member && b.items.size() != 1;
    for (const auto& it : b.items)
        if (it.what != "setup" && it.what != "dir" && excluded(it.what)) bad = true;
    if (bad) {
        sp_lo_ = save_lo;
        sp_hi_ = save_hi;
        return false;
    }
    return true;
}

void Gen::init_state(u32 rec_addr) {
    for (auto& r : C.r) r = interesting_u32(R);
    C.r[11] = rec_addr + kMid;
    C.r[13] = rec_addr + kMid;
    C.apsr = (R.word() & kApsrMask);
    u32 f = R.word() & 0xf0000000u;                    // NZCV
    f |= R.word() & (R.chance(50) ? 0x9fu : 0u);       // cumulative exception flags
    if (vfp_) {
        if (R.chance(50)) f |= R.below(4) << 22;       // RMode
        if (R.chance(25)) f |= 1u << 24;               // FZ
        if (R.chance(25)) f |= 1u << 25;               // DN
        if (R.chance(20)) f |= 1u << 26;               // AHP
    }
    C.fpscr = f;
    for (auto& d : C.d) {
        if (R.chance(50))
            d = interesting_f64(R);
        else
            d = static_cast<u64>(interesting_f32(R)) | static_cast<u64>(interesting_f32(R)) << 32;
    }
    for (std::size_t i = 0; i < kScratch; i += 4) {
        u32 w;
        switch (R.below(4)) {
        case 0: w = interesting_u32(R); break;
        case 1: w = interesting_f32(R); break;
        default: w = R.word();
        }
        std::memcpy(&C.scratch[i], &w, 4);
    }
}

void Gen::run(u32 rec_addr) {
    init_state(rec_addr);
    int count = 0;
    while (count < opt_.insns) {
        cur_id_ = static_cast<int>(C.groups.size());
        Built b;
        int tries = 0;
        while (!pick_and_build(b, false)) {
            b = Built{};
            if (++tries > 20000) throw std::runtime_error("armdiff generator: cannot build a group (too many exclusions?)");
        }
        Group g;
        g.id = cur_id_;
        g.items = std::move(b.items);
        g.target = b.target;
        for (const auto& it : g.items) count += it.what != "dir";
        C.groups.push_back(std::move(g));
    }
}

}  // namespace

Case generate_case(Isa isa, bool vfp, std::uint64_t seed, const GenOptions& options, std::uint32_t rec_addr) {
    Case c;
    c.isa = isa;
    c.vfp = vfp;
    c.seed = seed;
    Gen g(isa, vfp, seed, options, c);
    g.run(rec_addr);
    return c;
}

std::size_t count_insns(const Case& c) {
    std::size_t n = 0;
    for (const auto& g : c.groups)
        for (const auto& it : g.items) n += it.what != "dir";
    return n;
}

}  // namespace armdiff
