// The instruction generator of the x86 differential test (see gen.h for the model).
#include "gen.h"

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "gen_common.h"

namespace x86diff {
namespace {

const char* const kR32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
const char* const kR16[8] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
const char* const kR8[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
const char* const kCc[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

const char* reg_name(unsigned size, unsigned r) { return size == 8 ? kR8[r] : size == 16 ? kR16[r] : kR32[r]; }
const char* ptr_name(unsigned size) {
    switch (size) {
    case 8: return "byte ptr";
    case 16: return "word ptr";
    case 32: return "dword ptr";
    case 64: return "qword ptr";
    default: return "tbyte ptr";
    }
}
std::uint32_t size_mask(unsigned size) { return size == 32 ? 0xffffffffu : (1u << size) - 1; }

// 80-bit extended values (host long double on x86-64 is the same format).
struct F80 {
    std::uint64_t mant;
    std::uint16_t se;  // sign and exponent
};
long double to_ld(F80 v) {
    long double d = 0;
    std::memcpy(&d, &v, 10);
    return d;
}
F80 from_ld(long double d) {
    F80 v{};
    std::memcpy(&v, &d, 10);
    return v;
}

class Gen : public Rng {
public:
    Gen(std::uint64_t seed, const GenOptions& o) : Rng(seed), opt_(o) {}


    // Interesting 32-bit values: edges of every operand size, small numbers, random.
    std::uint32_t value() {
        static const std::uint32_t pool[] = {0,          1,          2,          3,          0x7f,       0x80,
                                             0xff,       0x100,      0x7fff,     0x8000,     0xffff,     0x10000,
                                             0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x80000001, 0x0f0f0f0f,
                                             0x99,       0x09,       0x55aa55aa, 31,         32,         33};
        switch (rnd(6)) {
        case 0:
        case 1: return pool[rnd(sizeof pool / sizeof pool[0])];
        case 2: return static_cast<std::uint32_t>(next() & 0xff) * (coin() ? 1u : 0x01010101u);
        case 3: return static_cast<std::uint32_t>(-static_cast<int>(rnd(300)));
        default: return static_cast<std::uint32_t>(next());
        }
    }
    std::uint32_t imm(unsigned size) { return value() & size_mask(size); }
    // A general register other than ESP (and outside avoid, a mask of register numbers).
    unsigned gpr(unsigned avoid = 0) {
        avoid |= 1u << 4;
        for (;;) {
            const unsigned r = rnd(8);
            if (!(avoid & (1u << r))) return r;
        }
    }
    // A register operand of the given size (8-bit: any of AL..BH; otherwise not ESP).
    unsigned reg(unsigned size, unsigned avoid = 0) {
        if (size != 8) return gpr(avoid);
        for (;;) {
            const unsigned r = rnd(8);
            if (!(avoid & (1u << (r & 3)))) return r;
        }
    }

    // A memory operand of `bytes` bytes inside the scratch block at [lo, hi): returns "[...]"
    // and appends the set-up of fresh base/index registers (never a register in avoid).
    std::string mem(Group& g, unsigned bytes, unsigned avoid = 0, int lo = 0, int hi = static_cast<int>(kScratch),
                    bool esp_known = true) {
        const int off = range(lo, hi - static_cast<int>(bytes));
        auto disp = [&]() -> int {
            switch (rnd(3)) {
            case 0: return 0;
            case 1: return range(-128, 127);
            default: return static_cast<int>(value() & 0xffff) - 0x8000;
            }
        };
        switch (rnd(esp_known ? 6 : 5)) {
        case 0: return fmt("[R%+d]", off);
        case 1: {
            const unsigned b = gpr(avoid);
            const int d = disp();
            g.items.push_back({fmt("mov %s, R%+d", kR32[b], off - d), "setup"});
            return d ? fmt("[%s%+d]", kR32[b], d) : fmt("[%s]", kR32[b]);
        }
        case 2:
        case 3: {
            const unsigned b = gpr(avoid), i = gpr(avoid | (1u << b));
            const unsigned scale = 1u << rnd(4);
            const int d = disp();
            const std::int32_t iv = range(-40, 40);
            g.items.push_back({fmt("mov %s, %d", kR32[i], iv), "setup"});
            const int base = off - d - iv * static_cast<int>(scale);  // relative to R
            if (rnd(4) == 0) {  // no base: [index*scale + disp32]
                return fmt("[%s*%u+R%+d]", kR32[i], scale, base + d);
            }
            g.items.push_back({fmt("mov %s, R%+d", kR32[b], base), "setup"});
            return fmt("[%s+%s*%u%+d]", kR32[b], kR32[i], scale, d);
        }
        case 4: {
            const unsigned b = gpr(avoid);
            g.items.push_back({fmt("mov %s, R%+d", kR32[b], off), "setup"});
            return fmt("[%s]", kR32[b]);
        }
        default: {  // ESP-relative (ESP = record + kMid at group boundaries)
            const int d = off - static_cast<int>(kMid);
            if (coin(30)) {
                const unsigned i = gpr(avoid);
                const unsigned scale = 1u << rnd(4);
                const int iv = range(-8, 8);
                g.items.push_back({fmt("mov %s, %d", kR32[i], iv), "setup"});
                return fmt("[esp+%s*%u%+d]", kR32[i], scale, d - iv * static_cast<int>(scale));
            }
            return fmt("[esp%+d]", d);
        }
        }
    }
    std::string memop(Group& g, unsigned size, unsigned avoid = 0) {
        // Sometimes a segment override (flat DS/ES/SS on both sides; not CS, read-only, nor
        // FS/GS, which differ: qemu-i386 leaves them null or uses GS for TLS).
        static const char* const overrides[] = {"ds:", "es:", "ss:"};
        const char* seg = coin(10) ? overrides[rnd(3)] : "";
        return std::string(ptr_name(size)) + " " + seg + mem(g, size / 8, avoid);
    }
    // A register or memory operand (r/m) of the given size.
    std::string rm(Group& g, unsigned size, bool memory, unsigned avoid = 0) {
        return memory ? memop(g, size, avoid) : reg_name(size, reg(size, avoid));
    }

    const GenOptions& options() const { return opt_; }
    std::uint32_t flag_bits() const { return kFlagsMask | (opt_.user_flags ? kUserFlags : 0); }

private:
    const GenOptions& opt_;
};

using Emit = std::function<void(Gen&, Group&)>;
struct Generator {
    const char* family;  // a name prefix, for listings
    unsigned weight;
    Emit emit;
};

void add(Group& g, std::string text, std::string what) { g.items.push_back({std::move(text), std::move(what)}); }

const char* size_tag(unsigned size) { return size == 8 ? "8" : size == 16 ? "16" : "32"; }
unsigned any_size(Gen& G) { return G.rnd(3) == 0 ? 8 : G.coin(40) ? 16 : 32; }

// ---- Integer generators ---------------------------------------------------------------------

void gen_alu(Gen& G, Group& g) {
    static const char* const ops[] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test"};
    const char* op = ops[G.rnd(9)];
    const unsigned size = any_size(G);
    const unsigned form = G.rnd(5);  // rr rm mr ri mi
    const std::string base = fmt("alu.%s.%s.", op, size_tag(size));
    if (std::strcmp(op, "test") == 0 && form == 1) return gen_alu(G, g);  // no test r, m
    switch (form) {
    case 0: add(g, fmt("%s %s, %s", op, reg_name(size, G.reg(size)), reg_name(size, G.reg(size))), base + "rr"); break;
    case 1: {
        const std::string m = G.memop(g, size);
        add(g, fmt("%s %s, %s", op, reg_name(size, G.reg(size)), m.c_str()), base + "rm");
        break;
    }
    case 2: {
        const std::string m = G.memop(g, size);
        const bool lock = std::strcmp(op, "cmp") != 0 && std::strcmp(op, "test") != 0 && G.coin(20);
        add(g, fmt("%s%s %s, %s", lock ? "lock " : "", op, m.c_str(), reg_name(size, G.reg(size))), base + (lock ? "mr.lock" : "mr"));
        break;
    }
    case 3: {
        // Sometimes the accumulator (short forms), sometimes sign-extended imm8 values.
        const unsigned r = G.coin(25) ? 0 : G.reg(size);
        const std::uint32_t v = G.coin(40) ? static_cast<std::uint32_t>(G.range(-128, 127)) & size_mask(size) : G.imm(size);
        add(g, fmt("%s %s, 0x%x", op, reg_name(size, r), v), base + "ri");
        break;
    }
    default: {
        const std::string m = G.memop(g, size);
        const std::uint32_t v = G.coin(40) ? static_cast<std::uint32_t>(G.range(-128, 127)) & size_mask(size) : G.imm(size);
        add(g, fmt("%s %s, 0x%x", op, m.c_str(), v), base + "mi");
        break;
    }
    }
}

void gen_unary(Gen& G, Group& g) {
    static const char* const ops[] = {"inc", "dec", "neg", "not"};
    const char* op = ops[G.rnd(4)];
    const unsigned size = any_size(G);
    const bool m = G.coin(35);
    const std::string o = G.rm(g, size, m);
    add(g, fmt("%s %s", op, o.c_str()), fmt("unary.%s.%s.%s", op, size_tag(size), m ? "m" : "r"));
}

void gen_shift(Gen& G, Group& g) {
    static const char* const ops[] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sar"};
    const char* op = ops[G.rnd(7)];
    const unsigned size = any_size(G);
    const bool m = G.coin(30);
    const unsigned how = G.rnd(3);  // 1, cl, imm
    if (how == 1 && G.coin(60)) add(g, fmt("mov cl, %u", G.coin(80) ? G.rnd(34) : G.rnd(256)), "setup");
    const std::string o = G.rm(g, size, m, how == 1 ? 2u : 0u);
    std::string count;
    if (how == 0) count = "1";
    else if (how == 1) count = "cl";
    else count = fmt("%u", G.coin(85) ? G.rnd(33) : G.rnd(256));
    add(g, fmt("%s %s, %s", op, o.c_str(), count.c_str()),
        fmt("shift.%s.%s.%s.%s", op, size_tag(size), m ? "m" : "r", how == 0 ? "1" : how == 1 ? "cl" : "imm"));
}

void gen_shxd(Gen& G, Group& g) {
    const char* op = G.coin() ? "shld" : "shrd";
    const unsigned size = G.coin() ? 16 : 32;
    const bool m = G.coin(30), cl = G.coin();
    if (cl && G.coin(60)) add(g, fmt("mov cl, %u", G.coin(80) ? G.rnd(34) : G.rnd(256)), "setup");
    const std::string o = G.rm(g, size, m, cl ? 2u : 0u);
    const std::string count = cl ? "cl" : fmt("%u", G.coin(85) ? G.rnd(33) : G.rnd(256));
    add(g, fmt("%s %s, %s, %s", op, o.c_str(), reg_name(size, G.reg(size)), count.c_str()),
        fmt("shxd.%s.%s.%s.%s", op, size_tag(size), m ? "m" : "r", cl ? "cl" : "imm"));
}

void gen_mul(Gen& G, Group& g) {
    switch (G.rnd(3)) {
    case 0: {
        const char* op = G.coin() ? "mul" : "imul";
        const unsigned size = any_size(G);
        const bool m = G.coin(30);
        const std::string o = G.rm(g, size, m);
        add(g, fmt("%s %s", op, o.c_str()), fmt("mul.%s.%s.%s", op, size_tag(size), m ? "m" : "r"));
        break;
    }
    case 1: {
        const unsigned size = G.coin() ? 16 : 32;
        const bool m = G.coin(30);
        const std::string o = G.rm(g, size, m);
        add(g, fmt("imul %s, %s", reg_name(size, G.reg(size)), o.c_str()), fmt("mul.imul2.%s.%s", size_tag(size), m ? "m" : "r"));
        break;
    }
    default: {
        const unsigned size = G.coin() ? 16 : 32;
        const bool m = G.coin(30);
        const std::string o = G.rm(g, size, m);
        const std::uint32_t v = G.coin(40) ? static_cast<std::uint32_t>(G.range(-128, 127)) & size_mask(size) : G.imm(size);
        add(g, fmt("imul %s, %s, 0x%x", reg_name(size, G.reg(size)), o.c_str(), v), fmt("mul.imul3.%s.%s", size_tag(size), m ? "m" : "r"));
        break;
    }
    }
}

// DIV/IDIV with a dividend and divisor chosen so that the quotient fits (no #DE).
void gen_div(Gen& G, Group& g) {
    const bool sign = G.coin();
    const unsigned size = any_size(G);
    const unsigned bits = size;
    const std::int64_t one = 1;
    std::uint64_t dividend = 0;
    std::uint32_t divisor = 1;
    for (int tries = 0;; ++tries) {
        divisor = G.value() & size_mask(size);
        if (divisor == 0) divisor = 1 + G.rnd(size_mask(size));
        std::uint64_t hi = G.value() & size_mask(size), lo = G.value() & size_mask(size);
        if (G.coin(50)) hi = sign ? ((lo >> (bits - 1)) & 1 ? size_mask(size) : 0) : hi % divisor;
        dividend = (hi << bits) | lo;
        if (tries > 50) {  // (practically never) a trivially safe division
            dividend = 1;
            divisor = 1;
            break;
        }
        if (!sign) {
            if (hi < divisor) break;
        } else {
            const std::int64_t dd = static_cast<std::int64_t>(dividend << (64 - 2 * bits)) >> (64 - 2 * bits);
            const std::int64_t ds = static_cast<std::int32_t>(divisor << (32 - bits)) >> (32 - bits);
            if (ds == -1 && dd == INT64_MIN) continue;
            const std::int64_t q = dd / ds;
            if (q >= -(one << (bits - 1)) && q < (one << (bits - 1))) break;
        }
    }
    // EAX/EDX (AX for 8-bit) hold the dividend; the divisor is a register other than those, or memory.
    const unsigned avoid = (1u << 0) | (1u << 2);
    const bool m = G.coin(35);
    if (size == 8) {
        add(g, fmt("mov ax, 0x%x", static_cast<unsigned>(dividend & 0xffff)), "setup");
    } else if (size == 16) {
        add(g, fmt("mov ax, 0x%x", static_cast<unsigned>(dividend & 0xffff)), "setup");
        add(g, fmt("mov dx, 0x%x", static_cast<unsigned>(dividend >> 16)), "setup");
    } else {
        add(g, fmt("mov eax, 0x%x", static_cast<unsigned>(dividend)), "setup");
        add(g, fmt("mov edx, 0x%x", static_cast<unsigned>(dividend >> 32)), "setup");
    }
    std::string o;
    if (m) {
        o = G.memop(g, size, avoid);
        add(g, fmt("mov %s, 0x%x", o.c_str(), divisor), "setup");
    } else {
        const unsigned r = G.reg(size, avoid);
        o = reg_name(size, r);
        add(g, fmt("mov %s, 0x%x", o.c_str(), divisor), "setup");
    }
    const char* op = sign ? "idiv" : "div";
    add(g, fmt("%s %s", op, o.c_str()), fmt("div.%s.%s.%s", op, size_tag(size), m ? "m" : "r"));
}

void gen_bcd(Gen& G, Group& g) {
    static const char* const ops[] = {"daa", "das", "aaa", "aas", "aam", "aad"};
    const unsigned k = G.rnd(6);
    if (G.coin(40)) add(g, fmt("mov ax, 0x%x", G.imm(16)), "setup");
    if (k == 4) {  // AAM imm8: 0 would be #DE
        const unsigned b = G.coin(60) ? 10 : 1 + G.rnd(255);
        add(g, b == 10 ? std::string("aam") : fmt("aam %u", b), "bcd.aam");
    } else if (k == 5) {
        const unsigned b = G.coin(60) ? 10 : G.rnd(256);
        add(g, b == 10 ? std::string("aad") : fmt("aad %u", b), "bcd.aad");
    } else {
        add(g, ops[k], fmt("bcd.%s", ops[k]));
    }
}

void gen_movx(Gen& G, Group& g) {
    const char* op = G.coin() ? "movzx" : "movsx";
    const unsigned dsize = G.coin(70) ? 32 : 16;
    const unsigned ssize = dsize == 32 && G.coin() ? 16 : 8;
    const bool m = G.coin(35);
    const std::string o = G.rm(g, ssize, m);
    add(g, fmt("%s %s, %s", op, reg_name(dsize, G.reg(dsize)), o.c_str()),
        fmt("movx.%s.%s.%s.%s", op, size_tag(dsize), size_tag(ssize), m ? "m" : "r"));
}

void gen_mov(Gen& G, Group& g) {
    const unsigned size = any_size(G);
    const std::string base = fmt("mov.%s.", size_tag(size));
    switch (G.rnd(6)) {
    case 0: add(g, fmt("mov %s, %s", reg_name(size, G.reg(size)), reg_name(size, G.reg(size))), base + "rr"); break;
    case 1: {
        const std::string m = G.memop(g, size);
        add(g, fmt("mov %s, %s", reg_name(size, G.reg(size)), m.c_str()), base + "rm");
        break;
    }
    case 2: {
        const std::string m = G.memop(g, size);
        add(g, fmt("mov %s, %s", m.c_str(), reg_name(size, G.reg(size))), base + "mr");
        break;
    }
    case 3: add(g, fmt("mov %s, 0x%x", reg_name(size, G.reg(size)), G.imm(size)), base + "ri"); break;
    case 4: {
        const std::string m = G.memop(g, size);
        add(g, fmt("mov %s, 0x%x", m.c_str(), G.imm(size)), base + "mi");
        break;
    }
    default: {  // moffs forms (A0-A3)
        const unsigned a = G.rnd(kScratch - size / 8);
        if (G.coin()) add(g, fmt("mov %s, %s [R+%u]", reg_name(size, 0), ptr_name(size), a), base + "moffs.load");
        else add(g, fmt("mov %s [R+%u], %s", ptr_name(size), a, reg_name(size, 0)), base + "moffs.store");
        break;
    }
    }
}

void gen_xchg(Gen& G, Group& g) {
    const unsigned size = any_size(G);
    switch (G.rnd(4)) {
    case 0: {
        const bool acc = size != 8 && G.coin(30);
        add(g, fmt("xchg %s, %s", reg_name(size, acc ? 0 : G.reg(size)), reg_name(size, G.reg(size))),
            fmt("xchg.xchg.%s.rr", size_tag(size)));
        break;
    }
    case 1: {
        const std::string m = G.memop(g, size);
        add(g, fmt("xchg %s, %s", m.c_str(), reg_name(size, G.reg(size))), fmt("xchg.xchg.%s.m", size_tag(size)));
        break;
    }
    case 2: {
        const bool m = G.coin();
        const std::string o = G.rm(g, size, m);
        add(g, fmt("%sxadd %s, %s", m && G.coin(30) ? "lock " : "", o.c_str(), reg_name(size, G.reg(size))),
            fmt("xchg.xadd.%s.%s", size_tag(size), m ? "m" : "r"));
        break;
    }
    default: {
        const bool m = G.coin();
        std::string o;
        if (m) {
            o = G.memop(g, size, 1u);
            if (G.coin()) {  // make the comparison succeed
                const std::uint32_t v = G.imm(size);
                add(g, fmt("mov %s, 0x%x", o.c_str(), v), "setup");
                add(g, fmt("mov %s, 0x%x", reg_name(size, 0), v), "setup");
            }
        } else {
            const unsigned r = G.reg(size);
            o = reg_name(size, r);
            if (G.coin(40)) add(g, fmt("mov %s, %s", reg_name(size, 0), o.c_str()), "setup");
        }
        add(g, fmt("%scmpxchg %s, %s", m && G.coin(30) ? "lock " : "", o.c_str(), reg_name(size, G.reg(size))),
            fmt("xchg.cmpxchg.%s.%s", size_tag(size), m ? "m" : "r"));
        break;
    }
    }
}

void gen_cmpxchg8b(Gen& G, Group& g) {
    const unsigned avoid = 0xf;  // EAX ECX EDX EBX are operands
    const std::string m = G.mem(g, 8, avoid);
    if (G.coin()) {
        const std::uint32_t lo = G.value(), hi = G.value();
        add(g, fmt("mov dword ptr %s, 0x%x", m.c_str(), lo), "setup");
        add(g, fmt("mov eax, 0x%x", lo), "setup");
        add(g, fmt("mov edx, 0x%x", hi), "setup");
        // The high half of the memory operand is at +4: rewrite the operand text with +4.
        const std::string m4 = m.substr(0, m.size() - 1) + "+4]";
        add(g, fmt("mov dword ptr %s, 0x%x", m4.c_str(), hi), "setup");
    }
    add(g, fmt("%scmpxchg8b qword ptr %s", G.coin(30) ? "lock " : "", m.c_str()), "xchg.cmpxchg8b");
}

void gen_bswap(Gen& G, Group& g) { add(g, fmt("bswap %s", kR32[G.gpr()]), "bswap"); }

void gen_bit(Gen& G, Group& g) {
    static const char* const ops[] = {"bt", "bts", "btr", "btc"};
    const char* op = ops[G.rnd(4)];
    const unsigned size = G.coin() ? 16 : 32;
    const bool m = G.coin(50), imm = G.coin(40);
    const std::string name = fmt("bit.%s.%s.%s.%s", op, size_tag(size), m ? "m" : "r", imm ? "imm" : "r");
    if (imm) {
        const std::string o = G.rm(g, size, m);
        add(g, fmt("%s%s %s, %u", m && std::strcmp(op, "bt") && G.coin(20) ? "lock " : "", op, o.c_str(),
                   G.coin(80) ? G.rnd(size) : G.rnd(256)),
            name);
        return;
    }
    const unsigned r = G.gpr();
    if (m) {
        // Register bit offsets address beyond the operand: the unit accessed is
        // ea + (size/8) * floor(offset / size); keep it inside the scratch block.
        const int offset = G.range(-120 * 8, 120 * 8);
        add(g, fmt("mov %s, %d", kR32[r], offset), "setup");
        const std::string o = std::string(ptr_name(size)) + " " + G.mem(g, size / 8, 1u << r, 128, 384);
        add(g, fmt("%s %s, %s", op, o.c_str(), reg_name(size, r)), name);
    } else {
        add(g, fmt("%s %s, %s", op, reg_name(size, G.reg(size)), reg_name(size, r)), name);
    }
}

void gen_bsx(Gen& G, Group& g) {
    const char* op = G.coin() ? "bsf" : "bsr";
    const unsigned size = G.coin() ? 16 : 32;
    const bool m = G.coin(35);
    const std::string o = G.rm(g, size, m);
    if (G.coin(25)) add(g, fmt("mov %s, 0", o.c_str()), "setup");  // zero source: destination unchanged
    add(g, fmt("%s %s, %s", op, reg_name(size, G.reg(size)), o.c_str()), fmt("bsx.%s.%s.%s", op, size_tag(size), m ? "m" : "r"));
}

void gen_setcc(Gen& G, Group& g) {
    const char* cc = kCc[G.rnd(16)];
    const bool m = G.coin(30);
    const std::string o = G.rm(g, 8, m);
    add(g, fmt("set%s %s", cc, o.c_str()), fmt("setcc.%s.%s", cc, m ? "m" : "r"));
}

void gen_cmov(Gen& G, Group& g) {
    const char* cc = kCc[G.rnd(16)];
    const unsigned size = G.coin(70) ? 32 : 16;
    const bool m = G.coin(30);
    const std::string o = G.rm(g, size, m);
    add(g, fmt("cmov%s %s, %s", cc, reg_name(size, G.reg(size)), o.c_str()), fmt("cmov.%s.%s.%s", cc, size_tag(size), m ? "m" : "r"));
}

void gen_jcc(Gen& G, Group& g) {
    g.target = G.coin(5) ? Group::kEnd : g.id + 1 + static_cast<int>(G.rnd(4));
    switch (G.rnd(13)) {
    case 0: add(g, "jmp @T", "jump.jmp"); break;
    case 10: {  // Jcc rel32 even when rel8 would do (GAS picks the short form by itself)
        const unsigned cc = G.rnd(16);
        add(g, fmt(".byte 0x0f, 0x%x; .long @T-.-4", 0x80 + cc), fmt("jump.j%s.rel32", kCc[cc]));
        break;
    }
    case 11: {  // JMP through a register or memory
        const unsigned r = G.gpr();
        if (G.coin()) {
            add(g, fmt("mov %s, offset @T", kR32[r]), "setup");
            add(g, fmt("jmp %s", kR32[r]), "jump.jmp.reg");
        } else {
            const std::string m = G.memop(g, 32);
            add(g, fmt("mov %s, offset @T", m.c_str()), "setup");
            add(g, fmt("jmp %s", m.c_str()), "jump.jmp.mem");
        }
        break;
    }
    case 12: {  // CALL through a register or memory to a RET
        if (G.coin()) {
            const unsigned r = G.gpr();
            add(g, fmt("mov %s, offset 9f", kR32[r]), "setup");
            add(g, fmt("call %s", kR32[r]), "stack.call.reg");
        } else {
            const std::string m = G.memop(g, 32);
            add(g, fmt("mov %s, offset 9f", m.c_str()), "setup");
            add(g, fmt("call %s", m.c_str()), "stack.call.mem");
        }
        add(g, "jmp 8f", "setup");
        add(g, "9: ret", "stack.ret");
        add(g, "8: nop", "setup");
        g.target = -1;
        break;
    }
    case 1:  // JECXZ and LOOP have only rel8 forms: skip one group at most
        g.target = g.id + 1 + static_cast<int>(G.rnd(2));
        add(g, "jecxz @T", "jump.jecxz");
        break;
    case 2: {
        g.target = g.id + 1 + static_cast<int>(G.rnd(2));
        static const char* const loops[] = {"loop", "loope", "loopne"};
        const char* l = loops[G.rnd(3)];
        add(g, fmt("%s @T", l), fmt("jump.%s", l));
        break;
    }
    default: {
        const char* cc = kCc[G.rnd(16)];
        add(g, fmt("j%s @T", cc), fmt("jump.j%s", cc));
        break;
    }
    }
}

void gen_lea(Gen& G, Group& g) {
    const unsigned dsize = G.coin(75) ? 32 : 16;
    const char* d = reg_name(dsize, G.reg(dsize));
    if (G.coin(25)) {  // 16-bit addressing (0x67)
        static const char* const forms[] = {"bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx"};
        const unsigned f = G.rnd(9);
        const int disp = G.coin(30) ? 0 : G.coin() ? G.range(-128, 127) : G.range(-32768, 32767);
        if (f == 8) add(g, fmt("addr16 lea %s, [0x%x]", d, static_cast<unsigned>(disp) & 0xffff), fmt("lea.a16.%s", size_tag(dsize)));
        else add(g, fmt("addr16 lea %s, [%s%+d]", d, forms[f], f == 6 && disp == 0 ? 1 : disp), fmt("lea.a16.%s", size_tag(dsize)));
        // ("addr16" is redundant with 16-bit registers but documents the prefix.)
        return;
    }
    const int disp = G.coin(25) ? 0 : G.coin() ? G.range(-128, 127) : static_cast<int>(G.value());
    const unsigned b = G.rnd(8), i = G.gpr();
    const unsigned scale = 1u << G.rnd(4);
    std::string a;
    switch (G.rnd(4)) {
    case 0: a = fmt("%s%+d", kR32[b], disp); break;
    case 1: a = fmt("%s+%s*%u%+d", kR32[b], kR32[i], scale, disp); break;
    case 2: a = fmt("%s*%u%+d", kR32[i], scale, disp); break;
    default: a = fmt("%s+%s", kR32[b], kR32[i]); break;
    }
    add(g, fmt("lea %s, [%s]", d, a.c_str()), fmt("lea.a32.%s", size_tag(dsize)));
}

// Balanced stack groups: ESP is back at record + kMid when the group ends.
void gen_stack(Gen& G, Group& g) {
    switch (G.rnd(11)) {
    case 0:
    case 1: {  // PUSH source (register, immediate, memory), POP destination (register, memory)
        const unsigned size = G.coin(75) ? 32 : 16;
        std::string src, sname;
        switch (G.rnd(4)) {
        case 0: src = fmt("push %s", reg_name(size, G.rnd(8))); sname = "r"; break;
        case 1:
            if (size == 32) src = fmt("push 0x%x", G.coin() ? static_cast<std::uint32_t>(G.range(-128, 127)) : G.value());
            else src = fmt(".byte 0x66, 0x68, 0x%x, 0x%x", G.rnd(256), G.rnd(256));  // PUSH imm16
            sname = "imm";
            break;
        case 2:
            if (size == 32) { src = fmt("push 0x%x", static_cast<std::uint32_t>(G.range(-128, 127))); sname = "imm8"; }
            else { src = fmt(".byte 0x66, 0x6a, 0x%x", G.rnd(256)); sname = "imm8"; }
            break;
        default: src = "push " + G.memop(g, size); sname = "m"; break;
        }
        add(g, src, fmt("stack.push.%s.%s", size_tag(size), sname.c_str()));
        if (G.coin(30)) add(g, fmt("%s %s [esp], 0x%x", G.coin() ? "add" : "xor", ptr_name(size), G.imm(size)), fmt("alu.stack.%s", size_tag(size)));
        if (G.coin()) {
            add(g, fmt("pop %s", reg_name(size, G.gpr())), fmt("stack.pop.%s.r", size_tag(size)));
        } else {
            // The destination's address is computed after ESP has been incremented.
            const std::string m = std::string(ptr_name(size)) + " " + G.mem(g, size / 8, 0, 0, static_cast<int>(kScratch), false);
            add(g, fmt("pop %s", m.c_str()), fmt("stack.pop.%s.m", size_tag(size)));
        }
        break;
    }
    case 2:
        add(g, "push esp", "stack.push.esp");
        add(g, fmt("pop %s", kR32[G.gpr()]), "stack.pop.32.r");
        break;
    case 3:
        add(g, fmt("push 0x%x", G.value()), "stack.push.32.imm");
        add(g, fmt("push 0x%x", G.value()), "stack.push.32.imm");
        add(g, fmt("pop dword ptr [esp%+d]", G.coin() ? 0 : -4), "stack.pop.esp_relative");
        add(g, fmt("pop %s", kR32[G.gpr()]), "stack.pop.32.r");
        break;
    case 4: {
        const bool w = G.coin(30);
        add(g, w ? "pushaw" : "pushad", w ? "stack.pusha.16" : "stack.pusha.32");
        if (G.coin(60)) add(g, fmt("mov dword ptr [esp+%u], 0x%x", 4 * G.rnd(w ? 4 : 8), G.value()), "setup");
        add(g, w ? "popaw" : "popad", w ? "stack.popa.16" : "stack.popa.32");
        break;
    }
    case 5: {  // ENTER/LEAVE with a frame pointer inside the scratch block
        const unsigned level = G.coin(40) ? 0 : G.coin(90) ? G.rnd(7) : G.rnd(32);
        const unsigned size = G.rnd(65);
        add(g, fmt("mov ebp, R+%u", 4 * level + G.rnd(200)), "setup");
        add(g, fmt("enter %u, %u", size, level), fmt("stack.enter.%s", level > 1 ? "nested" : level ? "1" : "0"));
        if (G.coin()) add(g, fmt("mov dword ptr [ebp%+d], 0x%x", -4 * static_cast<int>(G.rnd(level + 1)) - 4, G.value()), "setup");
        add(g, "leave", "stack.leave");
        break;
    }
    case 6: {  // POPFD with random arithmetic flags and DF
        add(g, fmt("push 0x%x", (static_cast<std::uint32_t>(G.next()) & G.flag_bits()) | 2), "setup");
        add(g, "popfd", "stack.popf");
        break;
    }
    case 10: {  // 16-bit PUSHF/POPF
        if (G.coin()) {
            add(g, fmt(".byte 0x66, 0x68, 0x%x, 0x%x", (static_cast<unsigned>(G.next()) & G.flag_bits() & 0xff) | 2,
                       (static_cast<unsigned>(G.next()) & G.flag_bits()) >> 8),
                "stack.push.16.imm");
            add(g, "popfw", "stack.popf.16");
        } else {
            add(g, "pushfw", "stack.pushf.16");
            add(g, fmt("and word ptr [esp], 0x%x", G.flag_bits()), "setup");
            add(g, fmt("pop %s", kR16[G.gpr()]), "stack.pop.16.r");
        }
        break;
    }
    case 7: {  // PUSHFD, keeping the compared bits (IF differs between the two by design; the
        // stack slot is masked too, as it stays in the compared scratch block)
        const unsigned r = G.gpr();
        add(g, "pushfd", "stack.pushf");
        add(g, fmt("and dword ptr [esp], 0x%x", G.flag_bits()), "setup");
        add(g, fmt("pop %s", kR32[r]), "stack.pop.32.r");
        break;
    }
    case 8: {  // CALL / RET (and RET imm16)
        if (G.coin()) {
            add(g, "call 9f", "stack.call");
            add(g, "jmp 8f", "setup");
            add(g, "9: ret", "stack.ret");
            add(g, "8: nop", "setup");
        } else {
            add(g, fmt("push 0x%x", G.value()), "stack.push.32.imm");
            add(g, "call 9f", "stack.call");
            add(g, "jmp 8f", "setup");
            add(g, "9: ret 4", "stack.ret.imm");
            add(g, "8: nop", "setup");
        }
        break;
    }
    default: {  // CALL next; POP: the return address (same link address on both sides)
        add(g, "call 9f", "stack.call");
        add(g, fmt("9: pop %s", kR32[G.gpr()]), "stack.pop.32.r");
        break;
    }
    }
}

void gen_string(Gen& G, Group& g) {
    static const char* const ops[] = {"movs", "stos", "lods", "cmps", "scas"};
    const unsigned k = G.rnd(5);
    const unsigned size = any_size(G), n = size / 8;
    const char suffix = size == 8 ? 'b' : size == 16 ? 'w' : 'd';
    const bool down = G.coin(35);
    const unsigned rep = G.rnd(3);  // none, rep/repe, repne
    const unsigned count = rep ? (G.coin(10) ? 0 : 1 + G.rnd(24)) : 1;
    // Both ESI and EDI ranges stay inside the scratch block whatever the direction.
    auto start = [&]() {
        const unsigned span = count ? count * n : n;
        const unsigned lo = down ? span - n : 0, hi = kScratch - (down ? n : span);
        return lo + G.rnd(hi - lo + 1);
    };
    add(g, down ? "std" : "cld", down ? "flags.std" : "flags.cld");
    if (k != 1) add(g, fmt("mov esi, R+%u", start()), "setup");
    if (k != 2) add(g, fmt("mov edi, R+%u", start()), "setup");
    if (rep) add(g, fmt("mov ecx, %u", count), "setup");
    if (k >= 3 && G.coin(30)) add(g, fmt("mov eax, 0x%x", G.value()), "setup");
    std::string prefix;
    if (rep) prefix = k >= 3 ? (rep == 1 ? "repe " : "repne ") : (rep == 1 ? "rep " : "repne ");  // F2 on MOVS/STOS/LODS: a REP
    add(g, fmt("%s%s%c", prefix.c_str(), ops[k], suffix),
        fmt("str.%s.%s.%s", ops[k], size_tag(size), rep == 0 ? "once" : k >= 3 ? (rep == 1 ? "repe" : "repne") : "rep"));
}

void gen_misc(Gen& G, Group& g) {
    static const char* const ops[] = {"cbw", "cwde", "cwd", "cdq", "lahf", "sahf", "clc", "stc", "cmc", "cld", "std", "nop"};
    switch (G.rnd(5)) {
    case 0: {
        if (G.coin()) {
            add(g, ".byte 0xd6", "misc.salc");
        } else {
            add(g, fmt("mov ebx, R+%u", G.rnd(kScratch - 255)), "setup");
            add(g, "xlatb", "misc.xlat");
        }
        break;
    }
    case 1:
        if (G.coin(30)) {  // the multi-byte NOP (0F 1F /0) with a memory operand (not accessed)
            add(g, fmt("nop dword ptr [%s+%s*%u%+d]", kR32[G.rnd(8)], kR32[G.gpr()], 1u << G.rnd(4), G.range(-200, 200)), "misc.nopl");
            break;
        }
        [[fallthrough]];
    default: {
        const char* op = ops[G.rnd(12)];
        add(g, op, fmt("misc.%s", op));
        break;
    }
    }
}

const std::vector<Generator>& int_generators() {
    static const std::vector<Generator> v = {
        {"alu", 30, gen_alu},       {"unary", 6, gen_unary}, {"shift", 14, gen_shift}, {"shxd", 5, gen_shxd},
        {"mul", 6, gen_mul},        {"div", 5, gen_div},     {"bcd", 5, gen_bcd},      {"movx", 4, gen_movx},
        {"mov", 6, gen_mov},        {"xchg", 6, gen_xchg},   {"xchg", 2, gen_cmpxchg8b}, {"bswap", 2, gen_bswap},
        {"bit", 8, gen_bit},        {"bsx", 4, gen_bsx},     {"setcc", 4, gen_setcc},  {"cmov", 4, gen_cmov},
        {"jump", 5, gen_jcc},       {"lea", 5, gen_lea},     {"stack", 8, gen_stack},  {"str", 6, gen_string},
        {"misc", 6, gen_misc},
    };
    return v;
}

// ---- x87 generators -------------------------------------------------------------------------

// Interesting extended-precision values.
F80 f80_value(Gen& G) {
    static const F80 pool[] = {
        {0, 0},                                       // +0
        {0, 0x8000},                                  // -0
        {0x8000000000000000ull, 0x3fff},              // 1
        {0x8000000000000000ull, 0xbfff},              // -1
        {0x8000000000000000ull, 0x4000},              // 2
        {0xc000000000000000ull, 0x3fff},              // 1.5
        {0x8000000000000000ull, 0x3ffe},              // 0.5
        {0xa000000000000000ull, 0x4002},              // 10
        {0xc90fdaa22168c235ull, 0x4000},              // pi
        {0xffffffffffffffffull, 0x7ffe},              // largest finite
        {0x8000000000000000ull, 0x0001},              // smallest normal
        {0x0000000000000001ull, 0x0000},              // smallest denormal
        {0x4000000000000000ull, 0x0000},              // denormal
        {0x8000000000000000ull, 0x7fff},              // +inf
        {0x8000000000000000ull, 0xffff},              // -inf
        {0xc000000000000000ull, 0xffff},              // real indefinite (QNaN)
        {0xc000000000000123ull, 0x7fff},              // QNaN with payload
        {0xfffffffffffff800ull, 0x403d},              // 2^63 - 2^11 (integer-conversion edge)
        {0x8000000000000000ull, 0x403e},              // 2^63
        {0xffff000000000000ull, 0x400e},              // 65535
        {0x8000000000000000ull, 0x401e},              // 2^31
    };
    switch (G.rnd(5)) {
    case 0:
    case 1: return pool[G.rnd(sizeof pool / sizeof pool[0])];
    case 2: {  // small integers and halves (rounding ties)
        const long double d = static_cast<long double>(G.range(-40000, 40000)) / (G.coin() ? 1 : 2);
        return from_ld(d);
    }
    case 3: {  // random normal near 1
        F80 v{G.next() | 0x8000000000000000ull, static_cast<std::uint16_t>(0x3fff - 40 + G.rnd(80))};
        if (G.coin()) v.se |= 0x8000;
        return v;
    }
    default: {  // random normal over the whole range (rarely: exactly representable in double)
        F80 v{G.next() | 0x8000000000000000ull, static_cast<std::uint16_t>(1 + G.rnd(0x7ffe))};
        if (G.coin(30)) v.mant &= ~0x7ffull;
        if (G.coin()) v.se |= 0x8000;
        return v;
    }
    }
}

// Scratch layout of x87 cases: [0,128) doubles, [128,192) floats, [192,256) integers,
// [256,416) extended values, the rest random bytes.
constexpr int kF64 = 0, kF32 = 128, kInt = 192, kF80 = 256, kF80End = 416;

std::string fmem(Gen& G, Group& g, unsigned bytes, int lo, int hi) {
    // Aligned element within its region (stores may go anywhere in the block).
    const int step = static_cast<int>(bytes);
    const int n = (hi - lo) / step;
    const int off = lo + step * static_cast<int>(G.rnd(static_cast<unsigned>(n)));
    return G.mem(g, bytes, 0, off, off + step);
}

// The x87 register stack as the generator knows it exactly (x87 cases have no branches):
// qemu-i386 does not implement stack overflow/underflow (it pushes onto a full stack and reads
// empty registers' stale values), so the generator never lets either happen.
struct X87Stack {
    unsigned top = 0;
    bool valid[8] = {};
    bool ok(unsigned i) const { return valid[(top + i) & 7]; }
    bool can_push() const { return !valid[(top + 7) & 7]; }
    unsigned count() const {
        unsigned n = 0;
        for (bool v : valid) n += v;
        return n;
    }
    void push() {
        top = (top + 7) & 7;
        valid[top] = true;
    }
    void pop() {
        valid[top] = false;
        top = (top + 1) & 7;
    }
};

// A random ST(i) with i >= from that holds a value (-1: none).
int valid_st(Gen& G, const X87Stack& s, unsigned from = 0) {
    unsigned list[8], n = 0;
    for (unsigned i = from; i < 8; ++i)
        if (s.ok(i)) list[n++] = i;
    return n ? static_cast<int>(list[G.rnd(n)]) : -1;
}

const char* fsize_ptr(unsigned bytes) { return bytes == 2 ? "word ptr" : bytes == 4 ? "dword ptr" : bytes == 8 ? "qword ptr" : "tbyte ptr"; }

// One x87 group; returns false if the chosen operation is impossible in the current stack state.
bool gen_x87_once(Gen& G, Group& g, X87Stack& s) {
    const unsigned n = s.count();
    const unsigned kind = n < 3 && G.coin(60) ? 0 : n > 6 && G.coin(60) ? 1 : G.rnd(10);
    switch (kind) {
    case 0: {  // loads (push)
        if (!s.can_push()) return false;
        switch (G.rnd(4)) {
        case 0: {
            const int i = valid_st(G, s);
            if (i < 0) return false;
            add(g, fmt("fld st(%d)", i), "x87.fld.st");
            break;
        }
        case 1: {
            static const unsigned sizes[] = {4, 8, 10};
            const unsigned b = sizes[G.rnd(3)];
            const std::string m = b == 4 ? fmem(G, g, 4, kF32, kInt) : b == 8 ? fmem(G, g, 8, kF64, kF32) : fmem(G, g, 10, kF80, kF80End);
            add(g, fmt("fld %s %s", fsize_ptr(b), m.c_str()), fmt("x87.fld.m%u", b * 8));
            break;
        }
        case 2: {
            static const unsigned sizes[] = {2, 4, 8};
            const unsigned b = sizes[G.rnd(3)];
            const std::string m = fmem(G, g, b, kInt, kF80);
            add(g, fmt("fild %s %s", fsize_ptr(b), m.c_str()), fmt("x87.fild.m%u", b * 8));
            break;
        }
        default: {
            static const char* const c[] = {"fld1", "fldz", "fldpi", "fldl2e", "fldl2t", "fldlg2", "fldln2"};
            const char* k = c[G.rnd(7)];
            add(g, k, fmt("x87.fldc.%s", k));
            break;
        }
        }
        s.push();
        return true;
    }
    case 1: {  // stores and operations that pop
        if (!s.ok(0)) return false;
        switch (G.rnd(7)) {
        case 0: {  // (into a register that holds a value: see "fst st(i)")
            const int i = G.coin(20) ? 0 : valid_st(G, s);
            add(g, fmt("fstp st(%d)", i), "x87.fstp.st");
            break;
        }
        case 1: {
            static const unsigned sizes[] = {4, 8, 10};
            const unsigned b = sizes[G.rnd(3)];
            const std::string m = G.mem(g, b);
            add(g, fmt("fstp %s %s", fsize_ptr(b), m.c_str()), fmt("x87.fstp.m%u", b * 8));
            break;
        }
        case 2: {
            static const unsigned sizes[] = {2, 4, 8};
            const unsigned b = sizes[G.rnd(3)];
            const std::string m = G.mem(g, b);
            add(g, fmt("fistp %s %s", fsize_ptr(b), m.c_str()), fmt("x87.fistp.m%u", b * 8));
            break;
        }
        case 3: {
            static const char* const ops[] = {"faddp", "fsubp", "fsubrp", "fmulp", "fdivp", "fdivrp"};
            const int i = valid_st(G, s, 1);
            if (i < 0) return false;
            const char* op = ops[G.rnd(6)];
            add(g, fmt("%s st(%d), st", op, i), fmt("x87.arith.%s", op));
            break;
        }
        case 4: {
            const int i = valid_st(G, s, 1);
            if (i < 0) return false;
            const char* op = G.coin() ? "fcomp" : "fucomp";
            add(g, fmt("%s st(%d)", op, i), fmt("x87.cmp.%s", op));
            break;
        }
        case 5: {
            const int i = valid_st(G, s, 1);
            if (i < 0) return false;
            const char* op = G.coin() ? "fcomip" : "fucomip";
            add(g, fmt("%s st, st(%d)", op, i), fmt("x87.cmp.%s", op));
            break;
        }
        default: {
            if (!s.ok(1)) return false;
            const char* op = G.coin() ? "fcompp" : "fucompp";
            add(g, op, fmt("x87.cmp.%s", op));
            s.pop();
            break;
        }
        }
        s.pop();
        return true;
    }
    case 2:
    case 3:
    case 4: {  // arithmetic without pop
        if (!s.ok(0)) return false;
        static const char* const ops[] = {"fadd", "fsub", "fsubr", "fmul", "fdiv", "fdivr"};
        const char* op = ops[G.rnd(6)];
        switch (G.rnd(5)) {
        case 0:
        case 1: {
            const int i = valid_st(G, s);
            if (i < 0) return false;
            const bool to_st0 = G.coin();
            add(g, to_st0 ? fmt("%s st, st(%d)", op, i) : fmt("%s st(%d), st", op, i),
                fmt("x87.arith.%s.%s", op, to_st0 ? "st0_sti" : "sti_st0"));
            break;
        }
        case 2: {
            const std::string m = fmem(G, g, 4, kF32, kInt);
            add(g, fmt("%s dword ptr %s", op, m.c_str()), fmt("x87.arith.%s.m32", op));
            break;
        }
        case 3: {
            const std::string m = fmem(G, g, 8, kF64, kF32);
            add(g, fmt("%s qword ptr %s", op, m.c_str()), fmt("x87.arith.%s.m64", op));
            break;
        }
        default: {
            const bool w = G.coin();
            const std::string m = fmem(G, g, w ? 2 : 4, kInt, kF80);
            add(g, fmt("fi%s %s %s", op + 1, w ? "word ptr" : "dword ptr", m.c_str()), fmt("x87.arith.fi%s.m%u", op + 1, w ? 16 : 32));
            break;
        }
        }
        return true;
    }
    case 5: {  // one-operand operations
        static const char* const ops[] = {"fsqrt", "fchs", "fabs", "frndint", "ftst", "fxam", "fscale", "fprem", "fprem1", "fxtract"};
        const unsigned k = G.rnd(10);
        if (k != 5 && !s.ok(0)) return false;
        if (k >= 6 && k <= 8 && !s.ok(1)) return false;
        if (k == 9 && !s.can_push()) return false;
        add(g, ops[k], fmt("x87.%s", ops[k]));
        if (k == 9) s.push();
        return true;
    }
    case 6: {  // comparisons, exchange, conditional moves
        if (!s.ok(0)) return false;
        const int i = valid_st(G, s);
        switch (G.rnd(6)) {
        case 0:
            if (i < 0) return false;
            add(g, fmt("fxch st(%d)", i), "x87.fxch");
            break;
        case 1:
            if (i < 0) return false;
            add(g, fmt("%s st(%d)", G.coin() ? "fcom" : "fucom", i), "x87.cmp.fcom.st");
            break;
        case 2: {
            const bool d = G.coin();
            const std::string m = d ? fmem(G, g, 8, kF64, kF32) : fmem(G, g, 4, kF32, kInt);
            add(g, fmt("fcom %s %s", d ? "qword ptr" : "dword ptr", m.c_str()), fmt("x87.cmp.fcom.m%u", d ? 64 : 32));
            break;
        }
        case 3: {
            const bool w = G.coin();
            const std::string m = fmem(G, g, w ? 2 : 4, kInt, kF80);
            add(g, fmt("ficom %s %s", w ? "word ptr" : "dword ptr", m.c_str()), fmt("x87.cmp.ficom.m%u", w ? 16 : 32));
            break;
        }
        case 4:
            if (i < 0) return false;
            add(g, fmt("%s st, st(%d)", G.coin() ? "fcomi" : "fucomi", i), "x87.cmp.fcomi");
            break;
        default: {
            if (i < 0) return false;
            static const char* const cc[] = {"b", "e", "be", "u", "nb", "ne", "nbe", "nu"};
            const char* c = cc[G.rnd(8)];
            add(g, fmt("fcmov%s st, st(%d)", c, i), fmt("x87.fcmov.%s", c));
            break;
        }
        }
        return true;
    }
    case 7: {  // FST / FIST without pop
        if (!s.ok(0)) return false;
        switch (G.rnd(3)) {
        case 0: {
            // Only into a register that holds a value: qemu 7.2 leaves the tag of an empty
            // destination empty (a qemu bug; the SDM makes it valid).
            const int i = valid_st(G, s);
            add(g, fmt("fst st(%d)", i), "x87.fst.st");
            break;
        }
        case 1: {
            const bool d = G.coin();
            const std::string m = G.mem(g, d ? 8 : 4);
            add(g, fmt("fst %s %s", d ? "qword ptr" : "dword ptr", m.c_str()), fmt("x87.fst.m%u", d ? 64 : 32));
            break;
        }
        default: {
            const bool w = G.coin();
            const std::string m = G.mem(g, w ? 2 : 4);
            add(g, fmt("fist %s %s", w ? "word ptr" : "dword ptr", m.c_str()), fmt("x87.fist.m%u", w ? 16 : 32));
            break;
        }
        }
        return true;
    }
    case 8: {  // control: status/control word, rounding/precision changes, FREE, TOP moves
        switch (G.rnd(7)) {
        case 0:
            // C1 and DE are not compared (README.md): cleared from what FNSTSW stores.
            add(g, "fnstsw ax", "x87.fnstsw.ax");
            add(g, "and ax, 0xfdfd", "setup");
            if (G.coin()) add(g, "sahf", "misc.sahf");
            break;
        case 1: {
            const std::string m = G.mem(g, 2);
            add(g, "fnstsw word ptr " + m, "x87.fnstsw.m16");
            add(g, "and word ptr " + m + ", 0xfdfd", "setup");
            break;
        }
        case 2: {
            const std::string m = G.mem(g, 2);
            add(g, fmt("mov word ptr %s, 0x%x", m.c_str(), 0x37fu | (G.rnd(4) << 10)), "setup");  // a rounding mode
            add(g, "fldcw word ptr " + m, "x87.fldcw");
            break;
        }
        case 3: add(g, "fnstcw word ptr " + G.mem(g, 2), "x87.fnstcw"); break;
        case 4: {
            const unsigned i = G.rnd(8);
            add(g, fmt("ffree st(%u)", i), "x87.ffree");
            s.valid[(s.top + i) & 7] = false;
            break;
        }
        case 5:
            if (G.coin()) add(g, "fincstp", "x87.fincstp"), s.top = (s.top + 1) & 7;
            else add(g, "fdecstp", "x87.fdecstp"), s.top = (s.top + 7) & 7;
            break;
        default: add(g, G.coin() ? "fnclex" : "fwait", "x87.fnclex"); break;
        }
        return true;
    }
    default: {  // the x87 condition codes and FCOMI's flags reach integer code
        if (!s.ok(0)) return false;
        const int i = valid_st(G, s);
        if (i < 0) return false;
        add(g, fmt("fucomi st, st(%d)", i), "x87.cmp.fcomi");
        // Conditions on ZF/PF/CF only: FCOMI's OF/SF/AF are not compared (see kUncomparedFlags).
        static const char* const cc_zpc[] = {"b", "ae", "e", "ne", "be", "a", "p", "np"};
        const char* cc = cc_zpc[G.rnd(8)];
        add(g, fmt("set%s al", cc), fmt("setcc.%s.r", cc));
        return true;
    }
    }
}

void gen_x87(Gen& G, Group& g, X87Stack& s) {
    for (;;) {
        X87Stack saved = s;
        if (gen_x87_once(G, g, s)) return;
        s = saved;
        g.items.clear();
    }
}

// Flags the SDM leaves undefined for an instruction and where qemu-i386 is not a reference
// (it does not compute them from the instruction alone), so the test does not compare them:
// after such an instruction the generator clears them (PUSHFD; AND [ESP]; POPFD). The rest of
// the undefined flags are compared: emu matches qemu there. README.md has the reasons.
struct FlagMask {
    const char* prefix;
    std::uint32_t flags;
};
constexpr std::uint32_t kDF = 0x400, kOF = 0x800, kSF = 0x80, kZF = 0x40, kAF = 0x10, kPF = 0x4, kCF = 0x1;
const FlagMask kUncomparedFlags[] = {
    // BT/BTS/BTR/BTC: OF SF AF PF undefined. qemu derives them from its lazy-flags state,
    // which depends on the previous instruction and on where its translation block started.
    {"bit.", kOF | kSF | kAF | kPF},
    // CMPXCHG8B: CF PF AF SF OF (and DF) must be unchanged; qemu 7.2 recomputes the flags
    // from a stale lazy-flags state (a qemu bug: they come out wrong after e.g. IMUL or SUB,
    // and PUSHF even shows a DF=1 that CLD had cleared, from the bogus flags word).
    {"xchg.cmpxchg8b", kCF | kPF | kAF | kSF | kOF | kDF},
    // FCOMI/FCOMIP/FUCOMI/FUCOMIP clear OF SF AF; qemu 7.2 leaves them unchanged (a qemu bug).
    {"x87.cmp.fcomi", kOF | kSF | kAF},
    {"x87.cmp.fucomi", kOF | kSF | kAF},
};

void mask_undefined_flags(Group& g) {
    std::uint32_t mask = 0;
    for (const auto& it : g.items)
        for (const auto& m : kUncomparedFlags)
            if (it.what.compare(0, std::strlen(m.prefix), m.prefix) == 0) mask |= m.flags;
    if (!mask) return;
    // Only the compared flags survive in the stack slot (it stays in the compared scratch block
    // below ESP, and IF differs by design; POPFD cannot change IF at qemu's CPL 3 anyway).
    g.items.push_back({"pushfd", "setup"});
    g.items.push_back({fmt("and dword ptr [esp], 0x%x", (kFlagsMask & ~mask) | 2u), "setup"});
    g.items.push_back({"popfd", "setup"});
}

void encode_fpu_state(Gen& G, Case& c) {
    // FRSTOR image (32-bit protected-mode format): FCW, FSW, FTW, FIP, FCS/FOP, FDP, FDS, ST0-7.
    const unsigned top = G.rnd(8);
    const unsigned valid = G.coin(10) ? G.rnd(9) : 3 + G.rnd(6);
    // Precision control stays at 64 bits: qemu 7.2 also rounds loads (FLD m32/m64, FILD) and
    // FRNDINT to a lower precision, which the SDM and hardware do not (README.md).
    const std::uint16_t fcw = static_cast<std::uint16_t>(0x37f | (G.coin(60) ? 0 : G.rnd(4) << 10));
    const std::uint16_t fsw = static_cast<std::uint16_t>((top << 11) | (G.next() & 0x4700));
    std::uint16_t ftw = 0xffff;
    auto put16 = [&](unsigned at, std::uint16_t v) { std::memcpy(&c.fpu[at], &v, 2); };
    put16(0, fcw);
    put16(4, fsw);
    for (unsigned i = 0; i < 8; ++i) {
        F80 v = f80_value(G);
        std::memcpy(&c.fpu[28 + 10 * i], &v, 10);
        if (i >= valid) continue;
        const unsigned phys = (top + i) & 7;
        const unsigned exp = v.se & 0x7fff;
        unsigned tag = 0;  // valid
        if (exp == 0 && v.mant == 0) tag = 1;                                       // zero
        else if (exp == 0x7fff || exp == 0 || !(v.mant >> 63)) tag = 2;             // special
        ftw = static_cast<std::uint16_t>((ftw & ~(3u << (2 * phys))) | (tag << (2 * phys)));
    }
    put16(8, ftw);
    // Scratch: doubles, floats, integers, extended values (see kF64..kF80End).
    for (int i = 0; i < 16; ++i) {
        const double d = static_cast<double>(to_ld(f80_value(G)));
        std::memcpy(&c.scratch[static_cast<unsigned>(kF64 + 8 * i)], &d, 8);
        const float f = static_cast<float>(to_ld(f80_value(G)));
        std::memcpy(&c.scratch[static_cast<unsigned>(kF32 + 4 * i)], &f, 4);
        const F80 e = f80_value(G);
        std::memcpy(&c.scratch[static_cast<unsigned>(kF80 + 10 * i)], &e, 10);
    }
    for (int i = kInt; i < kF80; i += 4) {
        const std::uint32_t v = G.coin() ? static_cast<std::uint32_t>(G.range(-70000, 70000)) : G.value();
        std::memcpy(&c.scratch[static_cast<unsigned>(i)], &v, 4);
    }
}

// ---- SSE/SSE2 generators --------------------------------------------------------------------

// Interesting single and double values (bit patterns).
std::uint32_t f32_value(Gen& G) {
    static const std::uint32_t pool[] = {
        0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000, 0xc0200000,
        0x40400000, 0x501502f9, 0xaedbe6ff, 0x00800000, 0x00000001, 0x807fffff, 0x7f7fffff, 0x7f800000,
        0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fc12345, 0xffa00000, 0x4f000000, 0xcf000000,
        0x4effffff, 0xcf000001, 0x3dcccccd, 0x40490fdb, 0x5f000000, 0xdf000000, 0x3effffff, 0x00400000,
    };
    switch (G.rnd(5)) {
    case 0:
    case 1: return pool[G.rnd(sizeof pool / sizeof pool[0])];
    case 2: {  // small integers and halves (rounding ties)
        const float f = static_cast<float>(G.range(-40000, 40000)) / (G.coin() ? 1.0f : 2.0f);
        std::uint32_t v;
        std::memcpy(&v, &f, 4);
        return v;
    }
    case 3: return static_cast<std::uint32_t>((G.coin() ? 0x80000000u : 0) | ((127u - 20 + G.rnd(40)) << 23) | (G.next() & 0x7fffff));
    default: return static_cast<std::uint32_t>(G.next());
    }
}

std::uint64_t f64_value(Gen& G) {
    static const std::uint64_t pool[] = {
        0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
        0x3fe0000000000000ull, 0x4004000000000000ull, 0xc00c000000000000ull, 0x7e37e43c8800759cull,
        0x01a56e1fc2f8f359ull, 0x0010000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
        0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
        0xfff8000000000000ull, 0x7ff0000000000001ull, 0x7ff8000000012345ull, 0x41e0000000000000ull,
        0x41dfffffffe00000ull, 0xc1e0000000200000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
        0x3fb999999999999aull, 0x3fd5555555555555ull, 0x4812345678000000ull, 0x3800000000000000ull,
        0x47efffffe0000000ull, 0x36a0000000000000ull, 0x41dfffffffffffffull, 0x3ff0000010000000ull,
    };
    switch (G.rnd(5)) {
    case 0:
    case 1: return pool[G.rnd(sizeof pool / sizeof pool[0])];
    case 2: {
        const double d = static_cast<double>(G.range(-3000000, 3000000)) / (G.coin() ? 1.0 : 2.0);
        std::uint64_t v;
        std::memcpy(&v, &d, 8);
        return v;
    }
    case 3: return (G.coin() ? 0x8000000000000000ull : 0) | (std::uint64_t{1023u - 40 + G.rnd(80)} << 52) | (G.next() & 0xfffffffffffffull);
    default: return G.next();
    }
}

// 16 bytes of one kind: singles, doubles, small integers, edge integers or random bytes.
void sse_block(Gen& G, std::uint8_t* p) {
    switch (G.rnd(5)) {
    case 0:
        for (unsigned i = 0; i < 4; ++i) {
            const std::uint32_t v = f32_value(G);
            std::memcpy(p + 4 * i, &v, 4);
        }
        break;
    case 1:
        for (unsigned i = 0; i < 2; ++i) {
            const std::uint64_t v = f64_value(G);
            std::memcpy(p + 8 * i, &v, 8);
        }
        break;
    case 2:
        for (unsigned i = 0; i < 8; ++i) {
            const auto v = static_cast<std::uint16_t>(G.range(-300, 300));
            std::memcpy(p + 2 * i, &v, 2);
        }
        break;
    case 3:
        for (unsigned i = 0; i < 4; ++i) {
            const std::uint32_t v = G.value();
            std::memcpy(p + 4 * i, &v, 4);
        }
        break;
    default:
        for (unsigned i = 0; i < 16; ++i) p[i] = static_cast<std::uint8_t>(G.next());
    }
}

// An MXCSR value: all exceptions masked (an unmasked one would be a SIGFPE), any rounding
// mode, sometimes flags already set, sometimes FZ. Never DAZ: with it, MINPS/MAXPS (and the
// scalar forms) return the flushed zero on hardware, the denormal operand on qemu 7.2.
std::uint32_t sse_mxcsr_value(Gen& G) {
    std::uint32_t v = 0x1f80u | (G.rnd(4) << 13);
    if (G.coin(25)) v |= static_cast<std::uint32_t>(G.next() & 0x3f);
    if (G.coin(25)) v |= 0x8000;  // FZ
    return v;
}

void encode_sse_state(Gen& G, Case& c) {
    for (unsigned r = 0; r < 8; ++r) sse_block(G, &c.xmm[16 * r]);
    for (unsigned r = 0; r < 8; r += 2) {
        std::uint8_t block[16];
        sse_block(G, block);
        std::memcpy(&c.mm[8 * r], block, 16);
    }
    for (unsigned at = 0; at < kScratch; at += 16) sse_block(G, &c.scratch[at]);
    c.mxcsr = sse_mxcsr_value(G);
}

const char* xmm(unsigned r) {
    static const char* const names[8] = {"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7"};
    return names[r & 7];
}


// "op xmm, xmm/m" with a source of `bytes` bytes; aligned: a 16-byte source must be aligned.
void sse_rm(Gen& G, Group& g, const char* op, unsigned bytes, bool aligned, const std::string& what,
            const char* suffix = "") {
    const unsigned d = G.rnd(8);
    if (G.coin(35)) {
        const std::string m = sse_mem(G, g, bytes, aligned ? 16 : (bytes == 16 ? 1 : G.coin() ? bytes : 1));
        add(g, fmt("%s %s, %s %s%s", op, xmm(d), sse_ptr(bytes), m.c_str(), suffix), what + ".m");
    } else {
        add(g, fmt("%s %s, %s%s", op, xmm(d), xmm(G.rnd(8)), suffix), what + ".r");
    }
}

void gen_sse_int(Gen& G, Group& g) {
    const char* op = pick_sse_int_op(G);
    sse_rm(G, g, op, 16, true, std::string("sse.int.") + op);
}

void gen_sse_shift(Gen& G, Group& g) {
    static const char* const ops[] = {"psllw", "pslld", "psllq", "psrlw", "psrld", "psrlq", "psraw", "psrad"};
    const unsigned k = G.rnd(10);
    const unsigned count = G.coin(80) ? G.rnd(66) : G.rnd(256);
    if (k >= 8) {
        const char* op = k == 8 ? "pslldq" : "psrldq";
        add(g, fmt("%s %s, %u", op, xmm(G.rnd(8)), G.coin(85) ? G.rnd(17) : count), std::string("sse.shift.") + op);
        return;
    }
    const std::string what = std::string("sse.shift.") + ops[k];
    switch (G.rnd(3)) {
    case 0: add(g, fmt("%s %s, %u", ops[k], xmm(G.rnd(8)), count), what + ".imm"); break;
    case 1: {  // count in an XMM register (set up by MOVD)
        const unsigned s = G.rnd(8), r = G.gpr();
        add(g, fmt("mov %s, %u", kR32[r], count), "setup");
        add(g, fmt("movd %s, %s", xmm(s), kR32[r]), "setup");
        add(g, fmt("%s %s, %s", ops[k], xmm(G.rnd(8)), xmm(s)), what + ".r");
        break;
    }
    default: sse_rm(G, g, ops[k], 16, true, what); break;  // mostly huge counts from memory
    }
}

void gen_sse_shuffle(Gen& G, Group& g) {
    static const char* const ops[] = {"pshufd", "pshuflw", "pshufhw", "shufps", "shufpd"};
    const char* op = ops[G.rnd(5)];
    sse_rm(G, g, op, 16, true, std::string("sse.shuf.") + op, fmt(", %u", G.rnd(256)).c_str());
}

void gen_sse_float(Gen& G, Group& g) {
    static const char* const ops[] = {"add", "sub", "mul", "div", "min", "max", "sqrt"};
    static const char* const forms[] = {"ps", "pd", "ss", "sd"};
    const unsigned k = G.rnd(7);
    const unsigned f = G.rnd(4);
    const unsigned bytes = f < 2 ? 16 : f == 2 ? 4 : 8;
    const std::string name = std::string(ops[k]) + forms[f];
    const std::string what = "sse.fp." + name;
    const unsigned d = G.rnd(8);
    unsigned s = G.rnd(8);
    const bool memory = G.coin(35);
    // Two NaN operands: the SDM returns the first (the destination; an SNaN quieted), qemu 7.2
    // applies the x87 rule (the larger significand). So before ADD/SUB/MUL/DIV the
    // destination's NaN elements are zeroed (CMPORDcc into a copy, AND), and a NaN result
    // comes from the source alone, where both rules agree.
    if (k < 4) {
        unsigned t = G.rnd(8);
        while (t == d || (!memory && t == s)) t = G.rnd(8);
        add(g, fmt("movaps %s, %s", xmm(t), xmm(d)), "setup");
        add(g, fmt("cmpord%s %s, %s", forms[f], xmm(t), xmm(t)), "setup");
        add(g, fmt("andps %s, %s", xmm(d), xmm(t)), "setup");
    }
    if (memory) {
        const std::string m = sse_mem(G, g, bytes, bytes == 16 ? 16 : G.coin() ? bytes : 1);
        add(g, fmt("%s %s, %s %s", name.c_str(), xmm(d), sse_ptr(bytes), m.c_str()), what + ".m");
    } else {
        add(g, fmt("%s %s, %s", name.c_str(), xmm(d), xmm(s)), what + ".r");
    }
}

void gen_sse_cmp(Gen& G, Group& g) {
    static const char* const forms[] = {"ps", "pd", "ss", "sd"};
    const unsigned f = G.rnd(4);
    if (G.coin(40)) {  // COMISS/UCOMISS/COMISD/UCOMISD
        const bool d = G.coin();
        const char* op = G.coin() ? (d ? "comisd" : "comiss") : (d ? "ucomisd" : "ucomiss");
        sse_rm(G, g, op, d ? 8 : 4, false, std::string("sse.cmp.") + op);
        return;
    }
    const std::string name = std::string("cmp") + forms[f];
    sse_rm(G, g, name.c_str(), f < 2 ? 16 : f == 2 ? 4 : 8, true, "sse.cmp." + name, fmt(", %u", G.rnd(8)).c_str());
}

void gen_sse_convert(Gen& G, Group& g) {
    switch (G.rnd(4)) {
    case 0: {  // CVTSI2SS/SD xmm, r/m32
        const char* op = G.coin() ? "cvtsi2ss" : "cvtsi2sd";
        if (G.coin()) {
            const std::string m = sse_mem(G, g, 4, G.coin() ? 4 : 1);
            add(g, fmt("%s %s, dword ptr %s", op, xmm(G.rnd(8)), m.c_str()), std::string("sse.cvt.") + op + ".m");
        } else {
            add(g, fmt("%s %s, %s", op, xmm(G.rnd(8)), kR32[G.gpr()]), std::string("sse.cvt.") + op + ".r");
        }
        return;
    }
    case 1: {  // CVT(T)SS2SI / CVT(T)SD2SI r32, xmm/m
        static const char* const ops[] = {"cvtss2si", "cvttss2si", "cvtsd2si", "cvttsd2si"};
        const unsigned k = G.rnd(4);
        const unsigned bytes = k < 2 ? 4 : 8;
        const unsigned r = G.gpr();
        if (G.coin(35)) {
            const std::string m = sse_mem(G, g, bytes, 1, 1u << r);
            add(g, fmt("%s %s, %s %s", ops[k], kR32[r], sse_ptr(bytes), m.c_str()), std::string("sse.cvt.") + ops[k] + ".m");
        } else {
            add(g, fmt("%s %s, %s", ops[k], kR32[r], xmm(G.rnd(8))), std::string("sse.cvt.") + ops[k] + ".r");
        }
        return;
    }
    default: {
        struct Form {
            const char* op;
            unsigned bytes;
        };
        static const Form forms[] = {{"cvtss2sd", 4}, {"cvtsd2ss", 8}, {"cvtdq2ps", 16}, {"cvtps2dq", 16},
                                     {"cvttps2dq", 16}, {"cvtdq2pd", 8}, {"cvtpd2dq", 16}, {"cvttpd2dq", 16},
                                     {"cvtps2pd", 8}, {"cvtpd2ps", 16}};
        const Form& f = forms[G.rnd(sizeof forms / sizeof forms[0])];
        sse_rm(G, g, f.op, f.bytes, true, std::string("sse.cvt.") + f.op);
        return;
    }
    }
}

void gen_sse_move(Gen& G, Group& g) {
    const unsigned a = G.rnd(8), b = G.rnd(8);
    switch (G.rnd(12)) {
    case 0: {  // full-register loads
        static const char* const ops[] = {"movaps", "movapd", "movdqa", "movups", "movupd", "movdqu"};
        const unsigned k = G.rnd(6);
        sse_rm(G, g, ops[k], 16, k < 3, std::string("sse.mov.") + ops[k]);
        return;
    }
    case 1: {  // full-register stores (and the non-temporal ones)
        static const char* const ops[] = {"movaps", "movapd", "movdqa", "movntps", "movntpd", "movntdq", "movups", "movupd", "movdqu"};
        const unsigned k = G.rnd(9);
        const std::string m = sse_mem(G, g, 16, k < 6 ? 16 : 1);
        add(g, fmt("%s xmmword ptr %s, %s", ops[k], m.c_str(), xmm(a)), std::string("sse.mov.") + ops[k] + ".store");
        return;
    }
    case 2: {  // MOVD
        const unsigned r = G.gpr();
        switch (G.rnd(4)) {
        case 0: add(g, fmt("movd %s, %s", xmm(a), kR32[r]), "sse.mov.movd.load.r"); break;
        case 1: add(g, fmt("movd %s, %s", kR32[r], xmm(a)), "sse.mov.movd.store.r"); break;
        case 2: add(g, fmt("movd %s, dword ptr %s", xmm(a), sse_mem(G, g, 4, 1).c_str()), "sse.mov.movd.load.m"); break;
        default: add(g, fmt("movd dword ptr %s, %s", sse_mem(G, g, 4, 1).c_str(), xmm(a)), "sse.mov.movd.store.m"); break;
        }
        return;
    }
    case 3: {  // MOVQ (F3 0F 7E load, 66 0F D6 store)
        switch (G.rnd(3)) {
        case 0: sse_rm(G, g, "movq", 8, false, "sse.mov.movq"); break;
        case 1: add(g, fmt("movq qword ptr %s, %s", sse_mem(G, g, 8, 1).c_str(), xmm(a)), "sse.mov.movq.store"); break;
        default: add(g, fmt(".byte 0x66, 0x0f, 0xd6, 0x%02x", 0xc0 | (a << 3) | b), "sse.mov.movq.d6"); break;
        }
        return;
    }
    case 4: {  // MOVSS / MOVSD
        const bool d = G.coin();
        const char* op = d ? "movsd" : "movss";
        if (G.coin(30))
            add(g, fmt("%s %s %s, %s", op, sse_ptr(d ? 8 : 4), sse_mem(G, g, d ? 8 : 4, 1).c_str(), xmm(a)), std::string("sse.mov.") + op + ".store");
        else
            sse_rm(G, g, op, d ? 8 : 4, false, std::string("sse.mov.") + op);
        return;
    }
    case 5: {  // half-register moves
        static const char* const ops[] = {"movlps", "movhps", "movlpd", "movhpd"};
        const char* op = ops[G.rnd(4)];
        const std::string m = sse_mem(G, g, 8, 1);
        if (G.coin())
            add(g, fmt("%s %s, qword ptr %s", op, xmm(a), m.c_str()), std::string("sse.mov.") + op + ".load");
        else
            add(g, fmt("%s qword ptr %s, %s", op, m.c_str(), xmm(a)), std::string("sse.mov.") + op + ".store");
        return;
    }
    case 6: {
        const char* op = G.coin() ? "movlhps" : "movhlps";
        add(g, fmt("%s %s, %s", op, xmm(a), xmm(b)), std::string("sse.mov.") + op);
        return;
    }
    case 7: {  // sign masks
        static const char* const ops[] = {"pmovmskb", "movmskps", "movmskpd"};
        const char* op = ops[G.rnd(3)];
        add(g, fmt("%s %s, %s", op, kR32[G.gpr()], xmm(a)), std::string("sse.mov.") + op);
        return;
    }
    case 8: {  // PINSRW / PEXTRW
        const unsigned r = G.gpr();
        if (G.coin())
            add(g, fmt("pextrw %s, %s, %u", kR32[r], xmm(a), G.rnd(256)), "sse.mov.pextrw");
        else if (G.coin())
            add(g, fmt("pinsrw %s, %s, %u", xmm(a), kR32[r], G.rnd(256)), "sse.mov.pinsrw.r");
        else
            add(g, fmt("pinsrw %s, word ptr %s, %u", xmm(a), sse_mem(G, g, 2, 1).c_str(), G.rnd(256)), "sse.mov.pinsrw.m");
        return;
    }
    case 9: {  // MOVNTI
        add(g, fmt("movnti dword ptr %s, %s", sse_mem(G, g, 4, 4).c_str(), kR32[G.gpr()]), "sse.mov.movnti");
        return;
    }
    case 10: {  // MASKMOVDQU to DS:[EDI]
        const int off = static_cast<int>(G.rnd(kScratch - 16 + 1));
        add(g, fmt("mov edi, R%+d", off), "setup");
        add(g, fmt("maskmovdqu %s, %s", xmm(a), xmm(b)), "sse.mov.maskmovdqu");
        return;
    }
    default: {  // register to register
        static const char* const ops[] = {"movaps", "movapd", "movdqa", "movdqu", "movss", "movsd"};
        const char* op = ops[G.rnd(6)];
        add(g, fmt("%s %s, %s", op, xmm(a), xmm(b)), std::string("sse.mov.") + op + ".rr");
        return;
    }
    }
}

void gen_sse_mxcsr(Gen& G, Group& g) {
    if (G.coin()) {
        // DE is not compared (kMxcsrMask): cleared in the stored image.
        const std::string m = sse_mem(G, g, 4, 4);
        add(g, fmt("stmxcsr dword ptr %s", m.c_str()), "sse.mxcsr.stmxcsr");
        add(g, fmt("and dword ptr %s, 0x%x", m.c_str(), kMxcsrMask), "setup");
        return;
    }
    const std::uint32_t v = sse_mxcsr_value(G);
    const int off = static_cast<int>(4 * G.rnd(kScratch / 4));
    add(g, fmt("mov dword ptr [R%+d], 0x%x", off, v), "setup");
    add(g, fmt("ldmxcsr dword ptr [R%+d]", off), "sse.mxcsr.ldmxcsr");
}

void gen_sse_approx(Gen& G, Group& g) {
    static const char* const ops[] = {"rcpps", "rcpss", "rsqrtps", "rsqrtss"};
    const unsigned k = G.rnd(4);
    sse_rm(G, g, ops[k], k & 1 ? 4 : 16, true, std::string("sse.approx.") + ops[k]);
}


// MMX: the packed integer operations on MM registers, MOVD/MOVQ, PSHUFW, PINSRW/PEXTRW,
// PMOVMSKB, MOVNTQ, MASKMOVQ, EMMS, and the moves/conversions between MMX and XMM.
const char* mmr(unsigned r) {
    static const char* const names[8] = {"mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "mm6", "mm7"};
    return names[r & 7];
}

void gen_mmx(Gen& G, Group& g) {
    static const char* const ops[] = {
        "paddb", "paddw", "paddd", "paddq", "psubb", "psubw", "psubd", "psubq", "paddsb", "paddsw", "paddusb",
        "paddusw", "psubsb", "psubsw", "psubusb", "psubusw", "pmullw", "pmulhw", "pmulhuw", "pmuludq", "pmaddwd",
        "pavgb", "pavgw", "psadbw", "pminub", "pmaxub", "pminsw", "pmaxsw", "pcmpeqb", "pcmpeqw", "pcmpeqd",
        "pcmpgtb", "pcmpgtw", "pcmpgtd", "pand", "pandn", "por", "pxor", "punpcklbw", "punpcklwd", "punpckldq",
        "punpckhbw", "punpckhwd", "punpckhdq", "packsswb", "packssdw", "packuswb", "psllw", "pslld", "psllq",
        "psrlw", "psrld", "psrlq", "psraw", "psrad",
    };
    const unsigned a = G.rnd(8), b = G.rnd(8);
    switch (G.rnd(10)) {
    case 0: case 1: case 2: case 3: {
        const char* op = ops[G.rnd(sizeof ops / sizeof ops[0])];
        const bool low_unpack = std::strncmp(op, "punpckl", 7) == 0;  // m32 source
        if (G.coin(35))
            add(g, fmt("%s %s, %s %s", op, mmr(a), low_unpack ? "dword ptr" : "qword ptr", sse_mem(G, g, low_unpack ? 4 : 8, 1).c_str()),
                std::string("mmx.") + op + ".m");
        else
            add(g, fmt("%s %s, %s", op, mmr(a), mmr(b)), std::string("mmx.") + op + ".r");
        return;
    }
    case 4: {
        static const char* const shifts[] = {"psllw", "pslld", "psllq", "psrlw", "psrld", "psrlq", "psraw", "psrad"};
        const char* op = shifts[G.rnd(8)];
        add(g, fmt("%s %s, %u", op, mmr(a), G.coin(80) ? G.rnd(66) : G.rnd(256)), std::string("mmx.") + op + ".imm");
        return;
    }
    case 5: {
        const unsigned r = G.gpr();
        switch (G.rnd(6)) {
        case 0: add(g, fmt("movd %s, %s", mmr(a), kR32[r]), "mmx.movd.load.r"); break;
        case 1: add(g, fmt("movd %s, %s", kR32[r], mmr(a)), "mmx.movd.store.r"); break;
        case 2: add(g, fmt("movd %s, dword ptr %s", mmr(a), sse_mem(G, g, 4, 1).c_str()), "mmx.movd.load.m"); break;
        case 3: add(g, fmt("movq %s, qword ptr %s", mmr(a), sse_mem(G, g, 8, 1).c_str()), "mmx.movq.load.m"); break;
        case 4: add(g, fmt("movq qword ptr %s, %s", sse_mem(G, g, 8, 1).c_str(), mmr(a)), "mmx.movq.store.m"); break;
        default: add(g, fmt("movntq qword ptr %s, %s", sse_mem(G, g, 8, 8).c_str(), mmr(a)), "mmx.movntq"); break;
        }
        return;
    }
    case 6: {
        const unsigned r = G.gpr();
        switch (G.rnd(5)) {
        case 0: add(g, fmt("pshufw %s, %s, %u", mmr(a), mmr(b), G.rnd(256)), "mmx.pshufw"); break;
        case 1: add(g, fmt("pextrw %s, %s, %u", kR32[r], mmr(a), G.rnd(256)), "mmx.pextrw"); break;
        case 2: add(g, fmt("pinsrw %s, %s, %u", mmr(a), kR32[r], G.rnd(256)), "mmx.pinsrw"); break;
        case 3: add(g, fmt("pmovmskb %s, %s", kR32[r], mmr(a)), "mmx.pmovmskb"); break;
        default: {
            const int off = static_cast<int>(G.rnd(kScratch - 8 + 1));
            add(g, fmt("mov edi, R%+d", off), "setup");
            add(g, fmt("maskmovq %s, %s", mmr(a), mmr(b)), "mmx.maskmovq");
            break;
        }
        }
        return;
    }
    case 7: {  // MMX <-> XMM
        switch (G.rnd(4)) {
        case 0: add(g, fmt("movq2dq %s, %s", xmm(a), mmr(b)), "mmx.movq2dq"); break;
        case 1: add(g, fmt("movdq2q %s, %s", mmr(a), xmm(b)), "mmx.movdq2q"); break;
        case 2: add(g, fmt("%s %s, %s", G.coin() ? "cvtpi2ps" : "cvtpi2pd", xmm(a), mmr(b)), "mmx.cvtpi2p"); break;
        default: {
            static const char* const cv[] = {"cvtps2pi", "cvttps2pi", "cvtpd2pi", "cvttpd2pi"};
            add(g, fmt("%s %s, %s", cv[G.rnd(4)], mmr(a), xmm(b)), "mmx.cvtp2pi");
            break;
        }
        }
        return;
    }
    case 8: add(g, "emms", "mmx.emms"); return;
    default: add(g, fmt("movq %s, %s", mmr(a), mmr(b)), "mmx.movq.rr"); return;
    }
}

const std::vector<Generator>& sse_generators() {
    static const std::vector<Generator> v = {
        {"sse.int", 30, gen_sse_int},       {"sse.shift", 10, gen_sse_shift}, {"sse.shuf", 6, gen_sse_shuffle},
        {"sse.fp", 24, gen_sse_float},      {"sse.cmp", 10, gen_sse_cmp},     {"sse.cvt", 14, gen_sse_convert},
        {"sse.mov", 24, gen_sse_move},      {"sse.mxcsr", 3, gen_sse_mxcsr},  {"sse.approx", 2, gen_sse_approx},
        {"mmx", 16, gen_mmx},
    };
    return v;
}

}  // namespace

Case generate_case(Kind kind, std::uint64_t seed, const GenOptions& options) {
    Gen G(seed, options);
    Case c;
    c.kind = kind;
    c.seed = seed;
    for (unsigned r = 0; r < 8; ++r) c.r[r] = G.value();
    c.r[4] = 0;
    c.eflags = (static_cast<std::uint32_t>(G.next()) & G.flag_bits()) | 2;
    for (auto& b : c.scratch) b = static_cast<std::uint8_t>(G.next());
    if (kind == Kind::X87) encode_fpu_state(G, c);
    if (kind == Kind::Sse) encode_sse_state(G, c);

    X87Stack xs;
    xs.top = (c.fpu[5] >> 3) & 7;
    for (unsigned i = 0; i < 8; ++i) xs.valid[i] = ((c.fpu[8 + i / 4] >> (2 * (i % 4))) & 3) != 3;
    const auto& gens = int_generators();
    unsigned total_weight = 0;
    for (const auto& gen : gens) total_weight += gen.weight;
    const auto& sse_gens = sse_generators();
    unsigned sse_weight = 0;
    for (const auto& gen : sse_gens) sse_weight += gen.weight;
    std::size_t n = 0;
    int id = 0;
    int failures = 0;
    while (n < static_cast<std::size_t>(options.insns)) {
        Group g;
        g.id = id;
        const X87Stack saved = xs;
        if (kind == Kind::X87 && G.rnd(8) != 0) {
            gen_x87(G, g, xs);
        } else if (kind == Kind::Sse && G.rnd(6) != 0) {
            unsigned w = G.rnd(sse_weight);
            std::size_t k = 0;
            while (w >= sse_gens[k].weight) w -= sse_gens[k++].weight;
            sse_gens[k].emit(G, g);
        } else {
            unsigned w = G.rnd(total_weight);
            std::size_t k = 0;
            while (w >= gens[k].weight) w -= gens[k++].weight;
            // No branches in x87 cases: the generator tracks the register stack exactly.
            if (kind == Kind::X87 && std::strcmp(gens[k].family, "jump") == 0) continue;
            gens[k].emit(G, g);
        }
        if (g.items.empty() || !acceptable(g, options)) {
            xs = saved;
            if (++failures > 20000) throw std::runtime_error("the generator options leave nothing to generate");
            continue;
        }
        if (options.mask_undefined_flags) mask_undefined_flags(g);
        n += g.items.size();
        c.groups.push_back(std::move(g));
        ++id;
    }
    return c;
}

std::size_t count_insns(const Case& c) {
    std::size_t n = 0;
    for (const auto& g : c.groups) n += g.items.size();
    return n;
}

}  // namespace x86diff
