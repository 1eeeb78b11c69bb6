// The 64-bit instruction generator of the x86 differential test (see gen64.h). Assembly is
// Intel syntax for GNU as --64. The symbol R is the case's record address as a number (absolute
// displacements, immediates); RR is the same address as a relocatable symbol, for RIP-relative
// operands ([rip + RR + off]), which GNU as encodes PC-relative only for section symbols.
#include "gen64.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "gen_common.h"

namespace x86diff {
namespace {

const char* const kR64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                              "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
const char* const kR32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                              "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
const char* const kR16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                              "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
// Byte registers with a REX prefix (4-7 are SPL BPL SIL DIL); kHigh8 are AH..BH (no REX).
const char* const kR8[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                             "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
const char* const kHigh8[4] = {"ah", "ch", "dh", "bh"};
const char* const kCc[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};
constexpr std::uint32_t kSp = 4;

const char* rname(unsigned size, unsigned r) {
    return size == 8 ? kR8[r] : size == 16 ? kR16[r] : size == 32 ? kR32[r] : kR64[r];
}
const char* ptr(unsigned size) {
    return size == 8 ? "byte ptr" : size == 16 ? "word ptr" : size == 32 ? "dword ptr" : size == 64 ? "qword ptr" : "xmmword ptr";
}
const char* stag(unsigned size) { return size == 8 ? "8" : size == 16 ? "16" : size == 32 ? "32" : "64"; }

void add(Group& g, const std::string& text, const std::string& what) { g.items.push_back({text, what}); }
void setup(Group& g, const std::string& text) { g.items.push_back({text, "setup"}); }

class Gen : public Rng {
public:
    Gen(std::uint64_t seed, const GenOptions& o) : Rng(seed), opt(o) {}

    // Interesting 64-bit values: the edges of every operand size, small numbers, random.
    std::uint64_t value() {
        static const std::uint64_t pool[] = {0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
                                             0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
                                             0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull,
                                             0x8000000000000001ull, 0x0f0f0f0f0f0f0f0full, 0xffffffff80000000ull,
                                             0x00000000ffffffffull, 63, 64, 65, 31, 32};
        switch (rnd(7)) {
        case 0:
        case 1: return pool[rnd(sizeof pool / sizeof pool[0])];
        case 2: return (next() & 0xff) * (coin() ? 1u : 0x0101010101010101ull);
        case 3: return static_cast<std::uint64_t>(-static_cast<std::int64_t>(rnd(300)));
        case 4: return next() & 0xffffffffu;
        default: return next();
        }
    }
    std::uint64_t imm(unsigned size) { return size == 64 ? value() : value() & ((1ull << size) - 1); }
    // A signed immediate that fits the instruction's imm field (imm32 sign-extended for 64-bit).
    std::string immtext(unsigned size) {
        if (size == 64) return fmt("%lld", static_cast<long long>(static_cast<std::int32_t>(value())));
        return fmt("0x%llx", static_cast<unsigned long long>(imm(size)));
    }
    // A general register other than RSP and outside avoid (a mask of register numbers).
    unsigned gpr(unsigned avoid = 0) {
        avoid |= 1u << kSp;
        for (;;) {
            const unsigned r = rnd(16);
            if (!(avoid & (1u << r))) return r;
        }
    }
    // A register operand name of the given size; 8-bit: with REX (SPL..DIL, R8B..) or, when
    // high_ok, sometimes AH..BH (then *legacy is set: no REX register may be in the instruction).
    std::string reg(unsigned size, unsigned& num, unsigned avoid = 0, bool high_ok = false, bool* legacy = nullptr) {
        if (size == 8 && high_ok && coin(15)) {
            const unsigned h = rnd(4);
            num = h;  // the register that is written (partially): AH is bits 8-15 of RAX
            if (legacy) *legacy = true;
            return kHigh8[h];
        }
        num = gpr(avoid);
        return rname(size, num);
    }

    // A memory operand of `bytes` bytes inside the scratch block at [lo, hi): returns "[...]"
    // and appends the set-up of fresh base/index registers (never one in avoid). legacy: only
    // RAX..RDI as base/index (the instruction also has AH..BH, which cannot take a REX prefix).
    std::string mem(Group& g, unsigned bytes, unsigned avoid = 0, int lo = 0, int hi = static_cast<int>(kScratch),
                    bool legacy = false) {
        const int off = range(lo, hi - static_cast<int>(bytes));
        if (legacy) avoid |= 0xff00u;
        auto disp = [&]() -> int {
            switch (rnd(3)) {
            case 0: return 0;
            case 1: return range(-128, 127);
            default: return static_cast<int>(value() & 0xffff) - 0x8000;
            }
        };
        switch (rnd(11)) {
        case 9:  // FS override: the base (kFsBase) plus an absolute displacement
            return fmt("fs:[R-0x%x%+d]", kFsBase, off);
        case 10: {  // GS override: a base above 4 GiB plus a 64-bit register that wraps around
            const unsigned b = gpr(avoid);
            setup(g, fmt("movabs %s, R-0x%llx%+d", kR64[b], static_cast<unsigned long long>(kGsBase), off));
            return fmt("gs:[%s]", kR64[b]);
        }
        case 0: return fmt("[R%+d]", off);
        case 1:
        case 2:
            if (no_rip) return fmt("[R%+d]", off);
            return fmt("[rip+RR%+d]", off);
        case 3: {
            const unsigned b = gpr(avoid);
            const int d = disp();
            setup(g, fmt("mov %s, R%+d", kR32[b], off - d));  // zero-extends into the 64-bit base
            return d ? fmt("[%s%+d]", kR64[b], d) : fmt("[%s]", kR64[b]);
        }
        case 4:
        case 5:
        case 6: {
            const unsigned b = gpr(avoid), i = gpr(avoid | (1u << b));
            const unsigned scale = 1u << rnd(4);
            const int d = disp();
            const int iv = range(-40, 40);
            const bool a32 = coin(25);  // 32-bit address size (0x67): the sum wraps at 4 GiB
            setup(g, a32 && iv < 0 ? fmt("mov %s, %d", kR32[i], iv) : fmt("mov %s, %d", kR64[i], iv));
            const char* const* n = a32 ? kR32 : kR64;
            const int base = off - d - iv * static_cast<int>(scale);
            if (rnd(4) == 0) return fmt("[%s*%u+R%+d]", n[i], scale, base + d);
            if (a32 && coin())  // 32-bit addressing ignores the upper halves of the registers
                setup(g, fmt("movabs %s, 0x%llx00000000+R%+d", kR64[b], static_cast<unsigned long long>(next() & 0xffffffffu), base));
            else
                setup(g, fmt("mov %s, R%+d", kR32[b], base));
            return fmt("[%s+%s*%u%+d]", n[b], n[i], scale, d);
        }
        case 7: {
            // Relative to RSP (the record's kMid at every group boundary).
            return fmt("[rsp%+d]", off - static_cast<int>(kMid));
        }
        default: {
            const unsigned b = gpr(avoid);
            setup(g, fmt("mov %s, R%+d", kR32[b], off));
            return fmt("[%s]", kR64[b]);
        }
        }
    }

    const GenOptions& opt;
    bool no_rip = false;  // mem(): no RIP-relative forms
    // The RFLAGS bits POPFQ values hold and PUSHFQ results keep: the compared ones (IF and IOPL
    // too when emu runs at CPL 3 as qemu does: there POPFQ must not change them).
    std::uint32_t flag_bits() const { return kFlagsMask | (opt.user_flags ? kUserFlags : 0u); }
    int next_id = 0;
    int group_id = 0;  // the group being generated (forward branches target later ids)
};

unsigned any_size(Gen& G) {
    static const unsigned sizes[] = {8, 16, 32, 64, 64, 32};
    return sizes[G.rnd(6)];
}

// ---- integer instructions ----

void gen_alu(Gen& G, Group& g) {
    static const char* const ops[] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test"};
    const unsigned k = G.rnd(9);
    const char* op = ops[k];
    const unsigned size = any_size(G);
    const std::string w = fmt("alu.%s.%s", op, stag(size));
    unsigned d = 0, s = 0;
    bool legacy = false;
    switch (G.rnd(5)) {
    case 0: {  // reg, reg
        std::string a = G.reg(size, d, 0, true, &legacy);
        std::string b = legacy ? kHigh8[G.rnd(4)] : (G.coin(10) ? rname(size, kSp) : G.reg(size, s));
        if (legacy && G.coin(50)) b = kR8[G.rnd(4)];
        add(g, fmt("%s %s, %s", op, a.c_str(), b.c_str()), w + ".rr");
        break;
    }
    case 1: {  // reg, mem
        std::string a = G.reg(size, d, 0, true, &legacy);
        const std::string m = G.mem(g, size / 8, 1u << d, 0, kScratch, legacy);
        add(g, fmt("%s %s, %s %s", op, a.c_str(), ptr(size), m.c_str()), w + ".rm");
        break;
    }
    case 2: {  // mem, reg (LOCK sometimes)
        std::string b = G.reg(size, s, 0, true, &legacy);
        const std::string m = G.mem(g, size / 8, 1u << s, 0, kScratch, legacy);
        const bool lock = k != 7 && k != 8 && G.coin(20);
        add(g, fmt("%s%s %s %s, %s", lock ? "lock " : "", op, ptr(size), m.c_str(), b.c_str()), w + (lock ? ".mr.lock" : ".mr"));
        break;
    }
    case 3: {  // reg, imm (accumulator forms too)
        std::string a = G.coin(25) ? rname(size, 0) : G.reg(size, d, 0, true, &legacy);
        add(g, fmt("%s %s, %s", op, a.c_str(), G.coin(30) && k != 8 ? fmt("%d", G.range(-128, 127)).c_str() : G.immtext(size).c_str()), w + ".ri");
        break;
    }
    default: {
        const std::string m = G.mem(g, size / 8);
        add(g, fmt("%s %s %s, %s", op, ptr(size), m.c_str(), G.coin(30) && k != 8 ? fmt("%d", G.range(-128, 127)).c_str() : G.immtext(size).c_str()), w + ".mi");
        break;
    }
    }
}

// An r/m operand of the size: a register (not RSP) or a memory operand.
std::string rm(Gen& G, Group& g, unsigned size, bool& is_mem, unsigned avoid = 0) {
    is_mem = G.coin(35);
    if (is_mem) return std::string(ptr(size)) + " " + G.mem(g, size / 8, avoid);
    unsigned r = 0;
    return G.reg(size, r, avoid, avoid == 0);
}

void gen_unary(Gen& G, Group& g) {
    static const char* const ops[] = {"inc", "dec", "neg", "not"};
    const char* op = ops[G.rnd(4)];
    const unsigned size = any_size(G);
    bool m = false;
    const std::string x = rm(G, g, size, m);
    const bool lock = m && G.coin(20);
    add(g, fmt("%s%s %s", lock ? "lock " : "", op, x.c_str()), fmt("unary.%s.%s.%s", op, stag(size), m ? "m" : "r"));
}

void gen_shift(Gen& G, Group& g) {
    static const char* const ops[] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sar"};
    const char* op = ops[G.rnd(7)];
    const unsigned size = any_size(G);
    bool m = false;
    const unsigned how = G.rnd(3);
    const std::string x = rm(G, g, size, m, how == 1 ? 2u : 0u);  // CL: not RCX
    const std::string w = fmt("shift.%s.%s.%s.%s", op, stag(size), m ? "m" : "r", how == 0 ? "1" : how == 1 ? "cl" : "imm");
    const unsigned count = G.coin(85) ? G.rnd(70) : G.rnd(256);
    if (how == 0) add(g, fmt("%s %s, 1", op, x.c_str()), w);
    else if (how == 1) {
        setup(g, fmt("mov cl, %u", count));
        add(g, fmt("%s %s, cl", op, x.c_str()), w);
    } else {
        add(g, fmt("%s %s, %u", op, x.c_str(), count), w);
    }
}

void gen_shxd(Gen& G, Group& g) {
    const char* op = G.coin() ? "shld" : "shrd";
    const unsigned size = G.coin(60) ? 64 : G.coin() ? 32 : 16;
    const bool cl = G.coin();
    bool m = false;
    // qemu-x86_64 7.2 addresses a RIP-relative SHLD/SHRD m, r, imm8 operand from the imm8
    // rather than from the end of the instruction (one byte low); emu follows the SDM (the
    // address is checked in tests/x86/exec_long_test.cpp), so no RIP-relative imm8 forms here.
    G.no_rip = !cl;
    const std::string x = rm(G, g, size, m, cl ? 2u : 0u);
    G.no_rip = false;
    unsigned s = 0;
    const std::string src = G.reg(size, s, cl ? 2u : 0u);
    const unsigned count = size == 16 ? G.rnd(16) : G.rnd(size);  // 16-bit counts > 16: undefined
    const std::string w = fmt("shxd.%s.%s.%s.%s", op, stag(size), m ? "m" : "r", cl ? "cl" : "imm");
    if (cl) {
        setup(g, fmt("mov cl, %u", count + (size == 64 ? 0 : 32 * G.rnd(2))));
        add(g, fmt("%s %s, %s, cl", op, x.c_str(), src.c_str()), w);
    } else {
        add(g, fmt("%s %s, %s, %u", op, x.c_str(), src.c_str(), count), w);
    }
    // OF is undefined for counts > 1. emu (in 64-bit mode only; it matches qemu-i386 in the
    // i386 batches) differs from qemu-x86_64 there (see README.md), so it is cleared after it.
    if (G.opt.mask_undefined_flags && count % (size == 64 ? 64 : 32) > 1) {
        setup(g, "pushfq");
        setup(g, fmt("and qword ptr [rsp], 0x%x", (kFlagsMask & ~0x800u) | 2u));
        setup(g, "popfq");
    }
}

void gen_mul(Gen& G, Group& g) {
    const unsigned size = any_size(G);
    bool m = false;
    switch (G.rnd(3)) {
    case 0: {
        const char* op = G.coin() ? "mul" : "imul";
        const std::string x = rm(G, g, size, m);
        add(g, fmt("%s %s", op, x.c_str()), fmt("mul.%s.%s.%s", op, stag(size), m ? "m" : "r"));
        break;
    }
    case 1: {
        const unsigned s = size == 8 ? 32 : size;
        unsigned d = 0;
        const std::string dst = G.reg(s, d);
        const std::string x = rm(G, g, s, m, 1u << d);
        add(g, fmt("imul %s, %s", dst.c_str(), x.c_str()), fmt("mul.imul2.%s", stag(s)));
        break;
    }
    default: {
        const unsigned s = size == 8 ? 64 : size;
        unsigned d = 0;
        const std::string dst = G.reg(s, d);
        const std::string x = rm(G, g, s, m);
        add(g, fmt("imul %s, %s, %s", dst.c_str(), x.c_str(), G.coin() ? fmt("%d", G.range(-128, 127)).c_str() : G.immtext(s).c_str()),
            fmt("mul.imul3.%s", stag(s)));
        break;
    }
    }
}

// DIV/IDIV with a dividend and divisor chosen so that the quotient fits (no #DE: the fault
// checks cover it).
void gen_div(Gen& G, Group& g) {
    const bool sign = G.coin();
    const unsigned size = any_size(G);
    const std::uint64_t mask = size == 64 ? ~0ull : (1ull << size) - 1;
    std::uint64_t divisor = G.value() & mask;
    if (!divisor) divisor = 7;
    const unsigned hi = size == 8 ? 0 : 2;  // AH or (R/E)DX
    bool m = false;
    // The divisor in a register (not RAX/RDX) or memory, loaded by set-up lines.
    std::string x;
    if (G.coin(35)) {
        x = std::string(ptr(size)) + " " + G.mem(g, size / 8, 0x5);
        setup(g, fmt("mov %s %s, 0x%llx", ptr(size), x.substr(std::strlen(ptr(size)) + 1).c_str(),
                     static_cast<unsigned long long>(size == 64 ? divisor & 0x7fffffff : divisor)));
        if (size == 64) divisor &= 0x7fffffff;
        if (!divisor) {
            divisor = 3;
            setup(g, fmt("mov %s %s, 3", ptr(size), x.substr(std::strlen(ptr(size)) + 1).c_str()));
        }
        m = true;
    } else {
        unsigned r = 0;
        x = G.reg(size, r, 0x5);
        setup(g, fmt("mov %s, 0x%llx", size == 64 ? kR64[r] : rname(size, r), static_cast<unsigned long long>(divisor)));
    }
    if (!sign) {
        // high part < divisor
        const std::uint64_t h = G.coin(30) ? 0 : (G.next() & mask) % divisor;
        if (size == 8) setup(g, fmt("mov ah, %llu", static_cast<unsigned long long>(h)));
        else setup(g, fmt("mov %s, 0x%llx", rname(size, hi), static_cast<unsigned long long>(h)));
        if (G.coin(60)) setup(g, fmt("mov %s, 0x%llx", size == 8 ? "al" : rname(size, 0), static_cast<unsigned long long>(G.value() & mask)));
    } else {
        // Sign-extended dividend (CBW/CWD/CDQ/CQO), and not MIN / -1.
        std::uint64_t a = G.value() & mask;
        const std::uint64_t smin = 1ull << (size - 1);
        if (a == smin && ((divisor & mask) == mask)) a = 5;
        setup(g, fmt("mov %s, 0x%llx", size == 8 ? "al" : rname(size, 0), static_cast<unsigned long long>(a)));
        setup(g, size == 8 ? "cbw" : size == 16 ? "cwd" : size == 32 ? "cdq" : "cqo");
    }
    add(g, fmt("%s %s", sign ? "idiv" : "div", x.c_str()), fmt("div.%s.%s.%s", sign ? "idiv" : "div", stag(size), m ? "m" : "r"));
}

void gen_mov(Gen& G, Group& g) {
    const unsigned size = any_size(G);
    unsigned d = 0;
    bool legacy = false;
    switch (G.rnd(7)) {
    case 0: {
        const std::string a = G.reg(size, d, 0, true, &legacy);
        const std::string b = legacy ? std::string(kR8[G.rnd(4)]) : std::string(rname(size, G.coin(10) ? kSp : G.gpr()));
        add(g, fmt("mov %s, %s", a.c_str(), b.c_str()), fmt("mov.rr.%s", stag(size)));
        break;
    }
    case 1: {
        const std::string a = G.reg(size, d, 0, true, &legacy);
        const std::string m = G.mem(g, size / 8, 1u << d, 0, kScratch, legacy);
        add(g, fmt("mov %s, %s %s", a.c_str(), ptr(size), m.c_str()), fmt("mov.rm.%s", stag(size)));
        break;
    }
    case 2: {
        const std::string a = G.reg(size, d, 0, true, &legacy);
        const std::string m = G.mem(g, size / 8, 1u << d, 0, kScratch, legacy);
        add(g, fmt("mov %s %s, %s", ptr(size), m.c_str(), a.c_str()), fmt("mov.mr.%s", stag(size)));
        break;
    }
    case 3: {  // MOV r, imm (movabs for 64-bit values)
        const std::string a = G.reg(size, d, 0, true, &legacy);
        if (size == 64 && G.coin(60)) add(g, fmt("movabs %s, 0x%llx", a.c_str(), static_cast<unsigned long long>(G.value())), "mov.ri.abs64");
        else add(g, fmt("mov %s, %s", a.c_str(), G.immtext(size).c_str()), fmt("mov.ri.%s", stag(size)));
        break;
    }
    case 4: {
        const std::string m = G.mem(g, size / 8);
        add(g, fmt("mov %s %s, %s", ptr(size), m.c_str(), G.immtext(size).c_str()), fmt("mov.mi.%s", stag(size)));
        break;
    }
    case 5: {  // MOVABS with a 64-bit moffs
        const int off = G.range(0, static_cast<int>(kScratch - size / 8));
        if (G.coin()) add(g, fmt("movabs %s, %s [R%+d]", rname(size, 0), ptr(size), off), fmt("mov.moffs.load.%s", stag(size)));
        else add(g, fmt("movabs %s [R%+d], %s", ptr(size), off, rname(size, 0)), fmt("mov.moffs.store.%s", stag(size)));
        break;
    }
    default: {  // MOVSXD, MOVZX, MOVSX
        const unsigned dsz = G.coin() ? 64 : G.coin() ? 32 : 16;
        bool m = false;
        const std::string a = G.reg(dsz, d);
        if (dsz == 64 && G.coin(40)) {
            const std::string x = rm(G, g, 32, m, 1u << d);
            add(g, fmt("movsxd %s, %s", a.c_str(), x.c_str()), std::string("movx.movsxd.") + (m ? "m" : "r"));
            break;
        }
        const unsigned ssz = dsz == 16 ? 8 : G.coin() ? 8 : 16;
        const char* op = G.coin() ? "movzx" : "movsx";
        if (ssz == 8 && dsz != 64 && G.coin(20) && !(d & 8)) {  // AH..BH: no REX
            add(g, fmt("%s %s, %s", op, a.c_str(), kHigh8[G.rnd(4)]), fmt("movx.%s.%s.high", op, stag(dsz)));
            break;
        }
        const std::string x = rm(G, g, ssz, m, 1u << d);
        add(g, fmt("%s %s, %s", op, a.c_str(), x.c_str()), fmt("movx.%s.%s.%s", op, stag(dsz), stag(ssz)));
        break;
    }
    }
}

void gen_convert(Gen& G, Group& g) {
    static const char* const ops[] = {"cbw", "cwde", "cdqe", "cwd", "cdq", "cqo"};
    const char* op = ops[G.rnd(6)];
    add(g, op, std::string("misc.") + op);
}

void gen_xchg(Gen& G, Group& g) {
    const unsigned size = any_size(G);
    unsigned a = 0, b = 0;
    switch (G.rnd(5)) {
    case 0: {
        const std::string x = G.reg(size, a), y = G.reg(size, b);
        add(g, fmt("xchg %s, %s", x.c_str(), y.c_str()), fmt("xchg.xchg.%s.rr", stag(size)));
        break;
    }
    case 1: {
        const std::string x = G.reg(size, a);
        const std::string m = G.mem(g, size / 8, 1u << a);
        add(g, fmt("xchg %s %s, %s", ptr(size), m.c_str(), x.c_str()), fmt("xchg.xchg.%s.m", stag(size)));
        break;
    }
    case 2: {
        bool m = false;
        const std::string y = G.reg(size, b);
        const std::string x = rm(G, g, size, m, 1u << b);
        const bool lock = m && G.coin(30);
        add(g, fmt("%sxadd %s, %s", lock ? "lock " : "", x.c_str(), y.c_str()), fmt("xchg.xadd.%s.%s", stag(size), m ? "m" : "r"));
        break;
    }
    case 3: {
        bool m = false;
        const std::string y = G.reg(size, b, 1);
        const std::string x = rm(G, g, size, m, (1u << b) | 1u);
        // Make it succeed half the time: the accumulator gets the destination's value.
        if (G.coin()) setup(g, fmt("mov %s, %s", rname(size, 0), x.c_str()));
        const bool lock = m && G.coin(30);
        add(g, fmt("%scmpxchg %s, %s", lock ? "lock " : "", x.c_str(), y.c_str()), fmt("xchg.cmpxchg.%s.%s", stag(size), m ? "m" : "r"));
        break;
    }
    default: {  // CMPXCHG16B (16-byte aligned) / CMPXCHG8B
        const bool b16 = G.coin(60);
        const unsigned bytes = b16 ? 16 : 8;
        const int off = static_cast<int>(bytes * G.rnd(kScratch / bytes));
        const std::string m = G.mem(g, bytes, 0xf, off, off + static_cast<int>(bytes));
        const char* lo = b16 ? "rax" : "eax";
        const char* hi = b16 ? "rdx" : "edx";
        const char* p = b16 ? "xmmword ptr" : "qword ptr";
        if (G.coin()) {
            setup(g, fmt("mov %s, %s %s", lo, b16 ? "qword ptr" : "dword ptr", m.c_str()));
            if (G.coin(80)) {
                std::string m8 = m;
                m8.insert(m8.size() - 1, b16 ? "+8" : "+4");
                setup(g, fmt("mov %s, %s %s", hi, b16 ? "qword ptr" : "dword ptr", m8.c_str()));
            }
        }
        add(g, fmt("%s%s %s %s", G.coin(30) ? "lock " : "", b16 ? "cmpxchg16b" : "cmpxchg8b", p, m.c_str()),
            b16 ? "xchg.cmpxchg16b" : "xchg.cmpxchg8b");
        break;
    }
    }
}

void gen_bswap(Gen& G, Group& g) {
    unsigned r = 0;
    const unsigned size = G.coin() ? 64 : 32;
    const std::string x = G.reg(size, r);
    add(g, fmt("bswap %s", x.c_str()), fmt("bswap.%s", stag(size)));
}

void gen_bit(Gen& G, Group& g) {
    static const char* const ops[] = {"bt", "bts", "btr", "btc"};
    const char* op = ops[G.rnd(4)];
    const unsigned size = G.coin(40) ? 64 : G.coin() ? 32 : 16;
    const bool m = G.coin(), byreg = G.coin();
    const std::string w = fmt("bit.%s.%s.%s.%s", op, stag(size), m ? "m" : "r", byreg ? "r" : "imm");
    unsigned d = 0, s = 0;
    if (!m) {
        const std::string x = G.reg(size, d);
        if (byreg) add(g, fmt("%s %s, %s", op, x.c_str(), G.reg(size, s).c_str()), w);
        else add(g, fmt("%s %s, %u", op, x.c_str(), G.rnd(size == 16 ? 40 : 140)), w);
        return;
    }
    if (!byreg) {
        const std::string x = G.mem(g, size / 8);
        add(g, fmt("%s %s %s, %u", op, ptr(size), x.c_str(), G.rnd(size == 16 ? 40 : 140)), w);
        return;
    }
    // A register bit offset reaching -120..+120 bytes around the operand (kept in the block).
    const int byte_off = G.range(-120, 120);
    const int bit = byte_off * 8 + static_cast<int>(G.rnd(8));
    const std::string rs = G.reg(size, s);
    setup(g, fmt("mov %s, %d", size == 16 ? kR16[s] : kR64[s], size == 16 ? std::max(-32768, std::min(32767, bit)) : bit));
    const std::string x = G.mem(g, size / 8, 1u << s, 128, 384);
    add(g, fmt("%s %s %s, %s", op, ptr(size), x.c_str(), rs.c_str()), w);
}

void gen_bsx(Gen& G, Group& g) {
    const char* op = G.coin() ? "bsf" : "bsr";
    const unsigned size = G.coin(40) ? 64 : G.coin() ? 32 : 16;
    unsigned d = 0;
    bool m = false;
    const std::string dst = G.reg(size, d);
    const std::string x = rm(G, g, size, m, 1u << d);
    if (G.coin(20)) setup(g, fmt("mov %s, 0", x.c_str()));
    add(g, fmt("%s %s, %s", op, dst.c_str(), x.c_str()), fmt("bsx.%s.%s", op, stag(size)));
}

void gen_setcc(Gen& G, Group& g) {
    const unsigned cc = G.rnd(16);
    bool m = false;
    const std::string x = rm(G, g, 8, m);
    add(g, fmt("set%s %s", kCc[cc], x.c_str()), fmt("setcc.%s", kCc[cc]));
}

void gen_cmov(Gen& G, Group& g) {
    const unsigned cc = G.rnd(16);
    const unsigned size = G.coin(40) ? 64 : G.coin(60) ? 32 : 16;  // 32-bit: zero-extends even if false
    unsigned d = 0;
    bool m = false;
    const std::string dst = G.reg(size, d);
    const std::string x = rm(G, g, size, m, 1u << d);
    add(g, fmt("cmov%s %s, %s", kCc[cc], dst.c_str(), x.c_str()), fmt("cmov.%s.%s", kCc[cc], stag(size)));
}

void gen_jump(Gen& G, Group& g) {
    g.target = g.id + 1 + static_cast<int>(G.rnd(4));
    switch (G.rnd(6)) {
    case 0: {
        const unsigned cc = G.rnd(16);
        add(g, fmt("j%s @T", kCc[cc]), fmt("jump.j%s", kCc[cc]));
        break;
    }
    case 1: {
        const unsigned cc = G.rnd(16);
        add(g, fmt(".byte 0x0f, 0x%02x\n\t.long @T - . - 4", 0x80 + cc), fmt("jump.j%s.rel32", kCc[cc]));
        break;
    }
    case 2: add(g, "jmp @T", "jump.jmp"); break;
    case 3:
        if (G.coin()) setup(g, fmt("mov rcx, %d", G.range(0, 2)));
        add(g, G.coin() ? "jrcxz @T" : "jecxz @T", "jump.jrcxz");
        break;
    default: {
        static const char* const ops[] = {"loop", "loope", "loopne"};
        const char* op = ops[G.rnd(3)];
        if (G.coin()) setup(g, fmt("mov rcx, 0x%llx", static_cast<unsigned long long>(G.coin() ? G.rnd(3) : (1ull << 32) + G.rnd(2))));
        add(g, fmt("%s @T", op), fmt("jump.%s", op));
        break;
    }
    }
}

void gen_lea(Gen& G, Group& g) {
    const unsigned osize = G.coin(50) ? 64 : G.coin() ? 32 : 16;
    unsigned d = 0;
    const std::string dst = G.reg(osize, d);
    const bool a32 = G.coin(30);
    const char* const* n = a32 ? kR32 : kR64;
    std::string e;
    const unsigned b = G.rnd(16), i = G.gpr();
    const int disp = G.coin(30) ? 0 : G.coin() ? G.range(-128, 127) : static_cast<std::int32_t>(G.value());
    switch (G.rnd(4)) {
    case 0: e = fmt("[%s%+d]", n[b], disp); break;
    case 1: e = fmt("[%s+%s*%u%+d]", n[b], n[i], 1u << G.rnd(4), disp); break;
    case 2: e = fmt("[%s*%u%+d]", n[i], 1u << G.rnd(4), disp); break;
    default: e = a32 ? fmt("[%s+%s]", n[b], n[i]) : fmt("[rip%+d]", disp); break;
    }
    add(g, fmt("lea %s, %s", dst.c_str(), e.c_str()), fmt("lea.a%s.%s", a32 ? "32" : "64", stag(osize)));
}

// Stack groups: balanced, so RSP is back at the record's kMid afterwards.
void gen_stack(Gen& G, Group& g) {
    unsigned a = 0, b = 0;
    switch (G.rnd(9)) {
    case 0: {
        const std::string x = G.coin(15) ? std::string("rsp") : G.reg(64, a);
        const std::string y = G.reg(64, b);
        add(g, fmt("push %s", x.c_str()), "stack.push.r64");
        add(g, fmt("pop %s", y.c_str()), "stack.pop.r64");
        break;
    }
    case 1: {
        const std::string x = G.reg(16, a), y = G.reg(16, b);
        add(g, fmt("push %s", x.c_str()), "stack.push.r16");
        add(g, fmt("pop %s", y.c_str()), "stack.pop.r16");
        break;
    }
    case 2: {
        add(g, G.coin() ? fmt("push %d", G.range(-128, 127)) : fmt("push %lld", static_cast<long long>(static_cast<std::int32_t>(G.value()))), "stack.push.imm");
        const std::string y = G.reg(64, b);
        add(g, fmt("pop %s", y.c_str()), "stack.pop.r64");
        break;
    }
    case 3: {
        const std::string m = G.mem(g, 8, 0, 0, 200);  // below the stack's live area
        add(g, fmt("push qword ptr %s", m.c_str()), "stack.push.m64");
        const std::string m2 = G.mem(g, 8, 0, 300, kScratch);
        add(g, fmt("pop qword ptr %s", m2.c_str()), "stack.pop.m64");
        break;
    }
    case 4: {  // POPFQ of a value with only the compared flags, then PUSHFQ masked the same way
        add(g, fmt("push 0x%x", static_cast<unsigned>(G.next() & G.flag_bits()) | 2u), "setup");
        add(g, "popfq", "stack.popfq");
        add(g, "pushfq", "stack.pushfq");
        setup(g, fmt("and qword ptr [rsp], 0x%x", G.flag_bits() | 2u));
        const std::string y = G.reg(64, b);
        setup(g, fmt("pop %s", y.c_str()));
        break;
    }
    case 5: {  // CALL/RET, CALL reg/mem, RET imm16
        const int k = static_cast<int>(G.rnd(4));
        if (k == 0) {
            add(g, "call 2f", "stack.call.rel");
            add(g, "jmp 3f", "stack.call.jmp");
            g.items.push_back({"2:\tret", "stack.ret"});
            g.items.push_back({"3:", "setup"});
        } else if (k == 1) {
            const unsigned r = G.gpr();
            setup(g, fmt("lea %s, [rip+2f]", kR64[r]));
            add(g, fmt("call %s", kR64[r]), "stack.call.reg");
            add(g, "jmp 3f", "stack.call.jmp");
            g.items.push_back({"2:\tret", "stack.ret"});
            g.items.push_back({"3:", "setup"});
        } else if (k == 2) {
            const unsigned r = G.gpr();
            const std::string m = G.mem(g, 8, 1u << r, 0, 150);
            setup(g, fmt("lea %s, [rip+2f]", kR64[r]));
            setup(g, fmt("mov qword ptr %s, %s", m.c_str(), kR64[r]));
            add(g, fmt("call qword ptr %s", m.c_str()), "stack.call.mem");
            add(g, "jmp 3f", "stack.call.jmp");
            g.items.push_back({"2:\tret", "stack.ret"});
            g.items.push_back({"3:", "setup"});
        } else {
            const unsigned n = 8 * G.rnd(5);
            setup(g, fmt("lea rsp, [rsp-%u]", n));
            add(g, "call 2f", "stack.call.rel");
            add(g, "jmp 3f", "stack.call.jmp");
            g.items.push_back({fmt("2:\tret %u", n), "stack.ret.imm"});
            g.items.push_back({"3:", "setup"});
        }
        break;
    }
    case 6: {  // ENTER/LEAVE (nesting levels read the frame chain below RBP: keep it in the block)
        const unsigned level = G.coin(60) ? 0 : G.rnd(4);
        if (level) setup(g, fmt("mov ebp, R%+d", G.range(300, 480)));
        add(g, fmt("enter %u, %u", 8 * G.rnd(6), level), fmt("stack.enter.%u", level ? 1 : 0));
        add(g, "leave", "stack.leave");
        setup(g, fmt("lea rsp, [R%+d]", static_cast<int>(kMid)));  // LEAVE leaves RSP at the frame's RBP
        break;
    }
    case 7: {  // POP to an RSP-relative operand (the address uses RSP after the pop)
        add(g, fmt("push %s", G.reg(64, a).c_str()), "stack.push.r64");
        add(g, fmt("pop qword ptr [rsp%+d]", G.range(-64, 56)), "stack.pop.rsprel");
        break;
    }
    default: {
        add(g, "pushfq", "stack.pushfq");
        setup(g, fmt("and qword ptr [rsp], 0x%x", G.flag_bits() | 2u));
        add(g, "popfq", "stack.popfq");
        break;
    }
    }
}

// String instructions: counts 0-24 with RSI/RDI inside the block either direction.
void gen_string(Gen& G, Group& g) {
    static const char* const ops[] = {"movs", "stos", "lods", "cmps", "scas"};
    const unsigned k = G.rnd(5);
    const unsigned size = any_size(G);
    const char sfx = size == 8 ? 'b' : size == 16 ? 'w' : size == 32 ? 'd' : 'q';
    const bool a32 = G.coin(20);
    const unsigned n = G.rnd(25);
    const bool down = G.coin();
    setup(g, down ? "std" : "cld");
    setup(g, fmt("mov esi, R%+d", G.range(200, 304)));
    setup(g, fmt("mov edi, R%+d", G.range(200, 304)));
    const char* rep = "";
    const char* tag = "once";
    if (G.coin(70)) {
        if (k >= 3) {
            const bool e = G.coin();
            rep = e ? "repe " : "repne ";
            tag = e ? "repe" : "repne";
        } else {
            rep = "rep ";
            tag = "rep";
        }
        setup(g, a32 ? fmt("mov ecx, %u", n) : fmt("mov rcx, %u", n));
        if (k == 2 && n > 1) setup(g, "mov ecx, 1");  // LODS: only the last element survives
        if (k >= 3 && G.coin()) {  // make the compared data partly equal
            setup(g, "mov eax, 0");
        }
    }
    add(g, fmt("%s%s%s%c", a32 ? "addr32 " : "", rep, ops[k], sfx), fmt("str.%s.%s.%s%s", ops[k], stag(size), tag, a32 ? ".a32" : ""));
    setup(g, "cld");
}

void gen_misc(Gen& G, Group& g) {
    static const char* const ops[] = {"lahf", "sahf", "clc", "stc", "cmc", "cld", "std", "nop", "xlat"};
    const unsigned k = G.rnd(sizeof ops / sizeof ops[0]);
    if (k == 8) {
        setup(g, fmt("mov ebx, R%+d", G.range(0, 256)));
        add(g, "xlatb", "misc.xlat");
        return;
    }
    if (k == 7 && G.coin()) {
        add(g, fmt("nop %s %s", G.coin() ? "dword ptr" : "word ptr", G.mem(g, 4).c_str()), "misc.nopl");
        return;
    }
    add(g, ops[k], std::string("misc.") + ops[k]);
}

// Encodings the assembler does not choose on its own: several REX prefixes (the last counts), REX 40 (SPL..DIL instead of AH..BH),
// the XCHG forms of 90 (NOP; with REX.B a real exchange; 87 C0 zero-extends RAX), PAUSE, PUSH
// imm16 (66 6A), indirect jumps and LOOP with a 32-bit address size (ECX).
void gen_encoding(Gen& G, Group& g) {
    static const struct {
        const char* bytes;
        const char* what;
    } forms[] = {
        // Not generated: a REX prefix followed by a legacy prefix (48 66 01 C8: the SDM ignores
        // the REX, ADD AX, CX; emu does so): qemu 7.2 still applies it (ADD RAX, RCX).
        {"0x41, 0x48, 0x01, 0xc8", "enc.rex_twice.add64"},   // the last REX: add rax, rcx
        {"0x48, 0x41, 0x01, 0xc8", "enc.rex_twice.add32"},   // the last REX: add r8d, ecx
        {"0x40, 0x88, 0xe0", "enc.rex40.mov_al_spl"},
        {"0x88, 0xe0", "enc.norex.mov_al_ah"},
        {"0x40, 0x86, 0xf7", "enc.rex40.xchg_dil_sil"},
        {"0x87, 0xc0", "enc.xchg_eax_eax"},
        {"0x90", "enc.nop90"},
        {"0x49, 0x90", "enc.xchg_r8_rax"},
        {"0x41, 0x90", "enc.xchg_r8d_eax"},
        {"0x66, 0x90", "enc.nop6690"},
        {"0xf3, 0x90", "enc.pause"},
        {"0x48, 0x63, 0xc1", "enc.movsxd"},
        {"0x63, 0xc1", "enc.movsxd.no_rexw"},  // 32-bit operand size: a MOV that zero-extends
    };
    const unsigned k = G.rnd(sizeof forms / sizeof forms[0] + 3);
    if (k < sizeof forms / sizeof forms[0]) {
        add(g, fmt(".byte %s", forms[k].bytes), forms[k].what);
        return;
    }
    if (k == sizeof forms / sizeof forms[0]) {
        add(g, fmt(".byte 0x66, 0x6a, 0x%02x", static_cast<unsigned>(G.rnd(256))), "enc.push16.imm8");
        unsigned r = 0;
        add(g, fmt("pop %s", G.reg(16, r).c_str()), "stack.pop.r16");
        return;
    }
    g.target = g.id + 1 + static_cast<int>(G.rnd(3));
    if (k == sizeof forms / sizeof forms[0] + 1) {
        const unsigned r = G.gpr();
        setup(g, fmt("lea %s, [rip+@T]", kR64[r]));
        if (G.coin()) {
            add(g, fmt("jmp %s", kR64[r]), "jump.jmp.reg");
        } else {
            setup(g, fmt("mov qword ptr [rsp-48], %s", kR64[r]));
            add(g, "jmp qword ptr [rsp-48]", "jump.jmp.mem");
        }
        return;
    }
    // LOOP with a 32-bit address size: ECX counts, RCX's upper half stays.
    setup(g, fmt("movabs rcx, 0x%llx", static_cast<unsigned long long>((G.next() << 32) | G.rnd(3))));
    add(g, ".byte 0x67\n\tloop @T", "jump.loop.a32");
}

struct IntGen {
    const char* family;
    unsigned weight;
    void (*emit)(Gen&, Group&);
};
const IntGen kIntGens[] = {
    {"alu", 30, gen_alu},     {"unary", 6, gen_unary}, {"shift", 14, gen_shift}, {"shxd", 5, gen_shxd},
    {"mul", 6, gen_mul},      {"div", 5, gen_div},     {"mov", 14, gen_mov},     {"convert", 3, gen_convert},
    {"xchg", 7, gen_xchg},    {"bswap", 2, gen_bswap}, {"bit", 6, gen_bit},      {"bsx", 3, gen_bsx},
    {"setcc", 4, gen_setcc},  {"cmov", 5, gen_cmov},   {"jump", 5, gen_jump},    {"lea", 6, gen_lea},
    {"stack", 7, gen_stack},  {"string", 6, gen_string}, {"misc", 4, gen_misc}, {"enc", 4, gen_encoding},
};

// ---- SSE/SSE2 with XMM0-15 ----

const char* xmm(unsigned r) {
    static const char* const names[16] = {"xmm0", "xmm1", "xmm2",  "xmm3",  "xmm4",  "xmm5",  "xmm6",  "xmm7",
                                          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"};
    return names[r & 15];
}


void sse_rm(Gen& G, Group& g, const char* op, unsigned bytes, bool aligned, const std::string& what, unsigned d,
            const char* suffix = "") {
    if (G.coin(35)) {
        const std::string m = sse_mem(G, g, bytes, aligned ? 16 : (bytes == 16 ? 1 : G.coin() ? bytes : 1));
        add(g, fmt("%s %s, %s %s%s", op, xmm(d), sse_ptr(bytes), m.c_str(), suffix), what + ".m");
    } else {
        add(g, fmt("%s %s, %s%s", op, xmm(d), xmm(G.rnd(16)), suffix), what + ".r");
    }
}

void gen_sse_int(Gen& G, Group& g) {
    const char* op = pick_sse_int_op(G);
    sse_rm(G, g, op, 16, true, std::string("sse.int.") + op, G.rnd(16));
}

void gen_sse_shift(Gen& G, Group& g) {
    static const char* const ops[] = {"psllw", "pslld", "psllq", "psrlw", "psrld", "psrlq", "psraw", "psrad", "pslldq", "psrldq"};
    const unsigned k = G.rnd(10);
    if (k >= 8 || G.coin(60)) {
        add(g, fmt("%s %s, %u", ops[k], xmm(G.rnd(16)), G.coin(85) ? G.rnd(17) : G.rnd(80)), std::string("sse.shift.") + ops[k] + ".imm");
        return;
    }
    const unsigned c = G.rnd(16);
    setup(g, fmt("mov eax, %u", G.coin(80) ? G.rnd(20) : G.rnd(80)));
    setup(g, fmt("movd %s, eax", xmm(c)));
    add(g, fmt("%s %s, %s", ops[k], xmm(G.rnd(16)), xmm(c)), std::string("sse.shift.") + ops[k] + ".r");
}

void gen_sse_shuf(Gen& G, Group& g) {
    static const char* const ops[] = {"pshufd", "pshuflw", "pshufhw", "shufps", "shufpd"};
    const char* op = ops[G.rnd(5)];
    sse_rm(G, g, op, 16, true, std::string("sse.shuf.") + op, G.rnd(16), fmt(", %u", G.rnd(256)).c_str());
}

// Two NaN operands: the SDM returns the first (quieted), qemu 7.2 the larger significand; the
// destination's NaN elements are zeroed first (see README.md), so a NaN result comes from the
// source alone.
void clear_nans(Gen& G, Group& g, unsigned d, bool pd) {
    unsigned t = G.rnd(16);
    while (t == d) t = G.rnd(16);
    setup(g, fmt("movaps %s, %s", xmm(t), xmm(d)));
    setup(g, fmt("cmpord%s %s, %s", pd ? "pd" : "ps", xmm(t), xmm(t)));
    setup(g, fmt("andps %s, %s", xmm(d), xmm(t)));
}

void gen_sse_fp(Gen& G, Group& g) {
    static const char* const ops[] = {"add", "sub", "mul", "div", "min", "max", "sqrt"};
    static const char* const types[] = {"ps", "pd", "ss", "sd"};
    const unsigned k = G.rnd(7), t = G.rnd(4);
    const unsigned d = G.rnd(16);
    if (k < 4) clear_nans(G, g, d, t == 1 || t == 3);
    const std::string op = std::string(ops[k]) + types[t];
    const unsigned bytes = t < 2 ? 16 : t == 2 ? 4 : 8;
    sse_rm(G, g, op.c_str(), bytes, t < 2, "sse.fp." + op, d);
}

void gen_sse_cmp(Gen& G, Group& g) {
    static const char* const types[] = {"ps", "pd", "ss", "sd"};
    if (G.coin(60)) {
        const unsigned t = G.rnd(4);
        const std::string op = std::string("cmp") + types[t];
        sse_rm(G, g, op.c_str(), t < 2 ? 16 : t == 2 ? 4 : 8, t < 2, "sse.cmp." + op, G.rnd(16), fmt(", %u", G.rnd(8)).c_str());
        return;
    }
    static const char* const ops[] = {"comiss", "ucomiss", "comisd", "ucomisd"};
    const unsigned k = G.rnd(4);
    sse_rm(G, g, ops[k], k < 2 ? 4 : 8, false, std::string("sse.cmp.") + ops[k], G.rnd(16));
}

void gen_sse_cvt(Gen& G, Group& g) {
    static const char* const xx[] = {"cvtdq2ps", "cvtps2dq", "cvttps2dq", "cvtpd2ps", "cvtps2pd", "cvtsd2ss", "cvtss2sd",
                                     "cvtdq2pd", "cvtpd2dq", "cvttpd2dq"};
    const unsigned k = G.rnd(14);
    if (k < 10) {
        const unsigned bytes = (k == 4 || k == 7) ? 8 : k == 5 ? 8 : k == 6 ? 4 : 16;
        sse_rm(G, g, xx[k], bytes, bytes == 16, std::string("sse.cvt.") + xx[k], G.rnd(16));
        return;
    }
    const unsigned size = G.coin(60) ? 64 : 32;
    unsigned r = 0;
    if (k < 12) {  // CVTSI2SS/SD from r/m32/64
        const char* op = k == 10 ? "cvtsi2ss" : "cvtsi2sd";
        if (G.coin(30)) {
            const std::string m = G.mem(g, size / 8);
            add(g, fmt("%s %s, %s %s", op, xmm(G.rnd(16)), ptr(size), m.c_str()), fmt("sse.cvt.%s.%s.m", op, stag(size)));
        } else {
            const std::string s = G.reg(size, r);
            add(g, fmt("%s %s, %s", op, xmm(G.rnd(16)), s.c_str()), fmt("sse.cvt.%s.%s.r", op, stag(size)));
        }
        return;
    }
    static const char* const xr[] = {"cvtss2si", "cvttss2si", "cvtsd2si", "cvttsd2si"};
    const unsigned j = G.rnd(4);
    const std::string dst = G.reg(size, r);
    if (G.coin(30)) {
        const std::string m = G.mem(g, j < 2 ? 4 : 8, 1u << r);
        add(g, fmt("%s %s, %s %s", xr[j], dst.c_str(), j < 2 ? "dword ptr" : "qword ptr", m.c_str()), fmt("sse.cvt.%s.%s.m", xr[j], stag(size)));
    } else {
        add(g, fmt("%s %s, %s", xr[j], dst.c_str(), xmm(G.rnd(16))), fmt("sse.cvt.%s.%s.r", xr[j], stag(size)));
    }
}

void gen_sse_mov(Gen& G, Group& g) {
    unsigned r = 0;
    switch (G.rnd(12)) {
    case 0: {
        static const char* const ops[] = {"movaps", "movapd", "movdqa", "movups", "movupd", "movdqu"};
        const unsigned k = G.rnd(6);
        const int off = static_cast<int>(k < 3 ? 16 * G.rnd(32) : G.rnd(kScratch - 15));
        const std::string m = G.mem(g, 16, 0, off, off + 16);
        if (G.coin()) add(g, fmt("%s %s, xmmword ptr %s", ops[k], xmm(G.rnd(16)), m.c_str()), fmt("sse.mov.%s.load", ops[k]));
        else add(g, fmt("%s xmmword ptr %s, %s", ops[k], m.c_str(), xmm(G.rnd(16))), fmt("sse.mov.%s.store", ops[k]));
        break;
    }
    case 1: add(g, fmt("%s %s, %s", G.coin() ? "movaps" : "movdqa", xmm(G.rnd(16)), xmm(G.rnd(16))), "sse.mov.rr"); break;
    case 2: {  // MOVQ/MOVD with a 64/32-bit general register
        const bool q = G.coin(60);
        const std::string x = G.reg(q ? 64 : 32, r);
        if (G.coin()) add(g, fmt("%s %s, %s", q ? "movq" : "movd", xmm(G.rnd(16)), x.c_str()), fmt("sse.mov.%s.xr", q ? "movq" : "movd"));
        else add(g, fmt("%s %s, %s", q ? "movq" : "movd", x.c_str(), xmm(G.rnd(16))), fmt("sse.mov.%s.rx", q ? "movq" : "movd"));
        break;
    }
    case 3: {  // MOVQ xmm, xmm/m64; MOVQ m64, xmm; MOVD m32
        const unsigned k = G.rnd(4);
        if (k == 0) add(g, fmt("movq %s, %s", xmm(G.rnd(16)), xmm(G.rnd(16))), "sse.mov.movq.rr");
        else if (k == 1) add(g, fmt("movq %s, qword ptr %s", xmm(G.rnd(16)), G.mem(g, 8).c_str()), "sse.mov.movq.load");
        else if (k == 2) add(g, fmt("movq qword ptr %s, %s", G.mem(g, 8).c_str(), xmm(G.rnd(16))), "sse.mov.movq.store");
        else add(g, fmt("movd dword ptr %s, %s", G.mem(g, 4).c_str(), xmm(G.rnd(16))), "sse.mov.movd.store");
        break;
    }
    case 4: {  // MOVSS/MOVSD
        const bool sd = G.coin();
        const char* op = sd ? "movsd" : "movss";
        const unsigned k = G.rnd(3);
        if (k == 0) add(g, fmt("%s %s, %s", op, xmm(G.rnd(16)), xmm(G.rnd(16))), fmt("sse.mov.%s.rr", op));
        else if (k == 1) add(g, fmt("%s %s, %s %s", op, xmm(G.rnd(16)), sd ? "qword ptr" : "dword ptr", G.mem(g, sd ? 8 : 4).c_str()), fmt("sse.mov.%s.load", op));
        else add(g, fmt("%s %s %s, %s", op, sd ? "qword ptr" : "dword ptr", G.mem(g, sd ? 8 : 4).c_str(), xmm(G.rnd(16))), fmt("sse.mov.%s.store", op));
        break;
    }
    case 5: {
        static const char* const ops[] = {"movlps", "movhps", "movlpd", "movhpd"};
        const char* op = ops[G.rnd(4)];
        if (G.coin()) add(g, fmt("%s %s, qword ptr %s", op, xmm(G.rnd(16)), G.mem(g, 8).c_str()), fmt("sse.mov.%s.load", op));
        else add(g, fmt("%s qword ptr %s, %s", op, G.mem(g, 8).c_str(), xmm(G.rnd(16))), fmt("sse.mov.%s.store", op));
        break;
    }
    case 6: add(g, fmt("%s %s, %s", G.coin() ? "movlhps" : "movhlps", xmm(G.rnd(16)), xmm(G.rnd(16))), "sse.mov.movxhps"); break;
    case 7: {  // PMOVMSKB/MOVMSKPS/MOVMSKPD into 32- or 64-bit registers
        static const char* const ops[] = {"pmovmskb", "movmskps", "movmskpd"};
        const char* op = ops[G.rnd(3)];
        const std::string x = G.reg(G.coin() ? 64 : 32, r);
        add(g, fmt("%s %s, %s", op, x.c_str(), xmm(G.rnd(16))), fmt("sse.mov.%s", op));
        break;
    }
    case 8: {
        if (G.coin()) {
            const std::string x = G.reg(G.coin() ? 64 : 32, r);
            add(g, fmt("pextrw %s, %s, %u", x.c_str(), xmm(G.rnd(16)), G.rnd(16)), "sse.mov.pextrw");
        } else if (G.coin()) {
            add(g, fmt("pinsrw %s, %s, %u", xmm(G.rnd(16)), kR32[G.gpr()], G.rnd(16)), "sse.mov.pinsrw.r");
        } else {
            add(g, fmt("pinsrw %s, word ptr %s, %u", xmm(G.rnd(16)), G.mem(g, 2).c_str(), G.rnd(16)), "sse.mov.pinsrw.m");
        }
        break;
    }
    case 9: {  // MOVNTI (32/64), MOVNTDQ/MOVNTPS/MOVNTPD
        if (G.coin()) {
            const unsigned size = G.coin() ? 64 : 32;
            const std::string x = G.reg(size, r);
            add(g, fmt("movnti %s %s, %s", ptr(size), G.mem(g, size / 8, 1u << r).c_str(), x.c_str()), fmt("sse.mov.movnti.%s", stag(size)));
        } else {
            static const char* const ops[] = {"movntdq", "movntps", "movntpd"};
            const char* op = ops[G.rnd(3)];
            const int off = static_cast<int>(16 * G.rnd(32));
            add(g, fmt("%s xmmword ptr %s, %s", op, G.mem(g, 16, 0, off, off + 16).c_str(), xmm(G.rnd(16))), fmt("sse.mov.%s", op));
        }
        break;
    }
    case 10: {  // MASKMOVDQU stores to [RDI]
        setup(g, fmt("mov edi, R%+d", G.range(0, kScratch - 16)));
        add(g, fmt("maskmovdqu %s, %s", xmm(G.rnd(16)), xmm(G.rnd(16))), "sse.mov.maskmovdqu");
        break;
    }
    default: {
        if (G.coin()) {
            // MXCSR.DE is not compared (qemu never sets it): cleared in the stored image.
            const std::string m = G.mem(g, 4);
            add(g, fmt("stmxcsr dword ptr %s", m.c_str()), "sse.mxcsr.stmxcsr");
            setup(g, fmt("and dword ptr %s, -3", m.c_str()));
        }
        else {
            // A valid MXCSR: masked exceptions, any rounding, no DAZ (see README.md).
            setup(g, fmt("mov dword ptr [rsp-64], 0x%x", 0x1f80u | (G.rnd(4) << 13) | (G.coin(20) ? G.rnd(64) & 0x3d : 0)));
            add(g, "ldmxcsr dword ptr [rsp-64]", "sse.mxcsr.ldmxcsr");
        }
        break;
    }
    }
}

const IntGen kSseGens[] = {
    {"sse.int", 30, gen_sse_int}, {"sse.shift", 10, gen_sse_shift}, {"sse.shuf", 6, gen_sse_shuf},
    {"sse.fp", 20, gen_sse_fp},   {"sse.cmp", 8, gen_sse_cmp},      {"sse.cvt", 10, gen_sse_cvt},
    {"sse.mov", 20, gen_sse_mov},
};

// 16 bytes of SSE data: singles, doubles, small and edge integers or random bytes.
void sse_block(Gen& G, std::uint8_t* p) {
    static const float fs[] = {0.0f, -0.0f, 1.0f, -1.5f, 3.25f, 1e30f, -1e-30f, 1e-40f, 65536.0f, 2147483648.0f, -2147483904.0f, 0.5f};
    static const double ds[] = {0.0, -0.0, 1.0, -2.5, 1e300, -1e-300, 4e-320, 9.2233720368547758e18, -9.3e18, 2147483647.5, 0.1};
    switch (G.rnd(5)) {
    case 0:
        for (unsigned i = 0; i < 4; ++i) {
            float f = G.coin(60) ? fs[G.rnd(sizeof fs / sizeof fs[0])] : static_cast<float>(static_cast<std::int32_t>(G.next())) / static_cast<float>(1u << G.rnd(31));
            std::memcpy(p + 4 * i, &f, 4);
        }
        break;
    case 1:
        for (unsigned i = 0; i < 2; ++i) {
            double d = G.coin(60) ? ds[G.rnd(sizeof ds / sizeof ds[0])] : static_cast<double>(static_cast<std::int64_t>(G.next())) / static_cast<double>(1ull << G.rnd(63));
            std::memcpy(p + 8 * i, &d, 8);
        }
        break;
    case 2:
        for (unsigned i = 0; i < 2; ++i) {
            const std::uint64_t v = G.value();
            std::memcpy(p + 8 * i, &v, 8);
        }
        break;
    default:
        for (unsigned i = 0; i < 16; ++i) p[i] = static_cast<std::uint8_t>(G.next());
        break;
    }
}

// Flags qemu does not compute from the instruction alone (see gen.cpp's list and README.md):
// cleared after the instruction.
void mask_undefined_flags(Group& g) {
    constexpr std::uint32_t kOF = 0x800, kSF = 0x80, kAF = 0x10, kPF = 0x4, kCF = 0x1, kDF = 0x400;
    std::uint32_t mask = 0;
    for (const auto& it : g.items) {
        if (it.what.compare(0, 4, "bit.") == 0) mask |= kOF | kSF | kAF | kPF;
        if (it.what.compare(0, 14, "xchg.cmpxchg8b") == 0 || it.what.compare(0, 15, "xchg.cmpxchg16b") == 0)
            mask |= kCF | kPF | kAF | kSF | kOF | kDF;
    }
    if (!mask) return;
    setup(g, "pushfq");
    setup(g, fmt("and qword ptr [rsp], 0x%x", (kFlagsMask & ~mask) | 2u));
    setup(g, "popfq");
}

}  // namespace

Case64 generate_case64(Kind64 kind, std::uint64_t seed, const GenOptions& options) {
    Gen G(seed, options);
    Case64 c;
    c.kind = kind;
    c.seed = seed;
    for (unsigned r = 0; r < 16; ++r) c.r[r] = G.value();
    c.r[kSp] = 0;
    c.rflags = (G.next() & G.flag_bits()) | 2;
    if (kind == Kind64::Sse) {
        for (unsigned r = 0; r < 16; ++r) sse_block(G, &c.xmm[16 * r]);
        for (unsigned at = 0; at < kScratch; at += 16) sse_block(G, &c.scratch[at]);
        c.mxcsr = 0x1f80u | (G.rnd(4) << 13);
    } else {
        for (auto& b : c.scratch) b = static_cast<std::uint8_t>(G.next());
    }
    unsigned total = 0, sse_total = 0;
    for (const auto& x : kIntGens) total += x.weight;
    for (const auto& x : kSseGens) sse_total += x.weight;
    std::size_t n = 0;
    int id = 0, failures = 0;
    while (n < static_cast<std::size_t>(options.insns)) {
        Group g;
        g.id = id;
        if (kind == Kind64::Sse && G.rnd(6) != 0) {
            unsigned w = G.rnd(sse_total);
            std::size_t k = 0;
            while (w >= kSseGens[k].weight) w -= kSseGens[k++].weight;
            kSseGens[k].emit(G, g);
        } else {
            unsigned w = G.rnd(total);
            std::size_t k = 0;
            while (w >= kIntGens[k].weight) w -= kIntGens[k++].weight;
            kIntGens[k].emit(G, g);
        }
        if (g.items.empty() || !acceptable(g, options)) {
            if (++failures > 20000) throw std::runtime_error("the generator options leave nothing to generate");
            continue;
        }
        if (options.mask_undefined_flags) mask_undefined_flags(g);
        for (const auto& it : g.items)
            if (it.text.back() != ':') ++n;
        c.groups.push_back(std::move(g));
        ++id;
    }
    return c;
}

std::size_t count_insns(const Case64& c) {
    std::size_t n = 0;
    for (const auto& g : c.groups)
        for (const auto& it : g.items)
            if (it.text.back() != ':') ++n;
    return n;
}

}  // namespace x86diff
