// The x87 FPU: the register stack, exception flags and masked responses, and the D8-DF
// instructions (SDM vol. 1 ch. 8, vol. 2 "F" instructions). Arithmetic runs on the host's x87
// (fpu_host.h); the environment and FSAVE/FXSAVE images are in fpu_env.cpp.
#include <cmath>

#include "cpu.h"
#include "fpu_host.h"
#include "fpu_internal.h"

namespace emu::x86 {

using namespace x87;

namespace {

// Compare outcomes and their condition codes (C3 C2 C0) and EFLAGS (ZF PF CF).
enum Relation : unsigned { kGreater, kLess, kEqual, kUnordered };
constexpr std::uint16_t kCompareCodes[4] = {0, kC0, kC3, kC3 | kC2 | kC0};
constexpr std::uint32_t kCompareFlags[4] = {0, kCF, kZF, kZF | kPF | kCF};

// A memory operand converted to extended, with the exceptions of the conversion.
struct Operand {
    long double value;
    std::uint16_t exceptions;
};

// FCOM/FUCOM: quiet compares raise IE only for signaling NaNs (and unsupported encodings).
Relation compare_values(long double a, long double b, bool quiet, std::uint16_t& exceptions) {
    const Class ca = classify(a), cb = classify(b);
    if (ca == Class::Unsupported || cb == Class::Unsupported) {
        exceptions |= kIE;
        return kUnordered;
    }
    if (ca == Class::NaN || cb == Class::NaN) {
        if (!quiet || is_signaling(a) || is_signaling(b)) exceptions |= kIE;
        return kUnordered;
    }
    if (ca == Class::Denormal || cb == Class::Denormal) exceptions |= kDE;
    return a < b ? kLess : a == b ? kEqual : kGreater;
}

// FSIN/FCOS/FPTAN/FSINCOS leave operands with |x| >= 2^63 alone and set C2.
bool trig_out_of_range(long double v) {
    return classify(v) == Class::Normal && (fields(v).sign_exponent & 0x7FFF) >= 0x3FFF + 63;
}

bool is_trig(HostFn fn) {
    return fn == HostFn::Sin || fn == HostFn::Cos || fn == HostFn::Ptan || fn == HostFn::Sincos;
}

class X87 {
public:
    explicit X87(Cpu& cpu) : cpu_(cpu), s_(cpu.fpu) {}

    void memory_form(std::uint8_t op, unsigned reg, const FpuMemory& m, bool op32);
    void register_form(std::uint8_t op, std::uint8_t modrm);

private:
    // ---- The register stack ----------------------------------------------------------------
    unsigned top() const { return top_of(s_); }
    void set_top(unsigned t) { s_.status = static_cast<std::uint16_t>((s_.status & ~kTopMask) | ((t & 7) << 11)); }
    unsigned physical(unsigned i) const { return (top() + i) & 7; }
    bool empty(unsigned i) const { return ((s_.tag >> (2 * physical(i))) & 3) == kTagEmpty; }
    long double st(unsigned i) const { return s_.st[physical(i)]; }
    void set_tag(unsigned p, unsigned tag) {
        s_.tag = static_cast<std::uint16_t>((s_.tag & ~(3u << (2 * p))) | (tag << (2 * p)));
    }
    void set(unsigned i, long double v) {
        s_.st[physical(i)] = v;
        set_tag(physical(i), tag_for(v));
    }
    void free(unsigned i) { set_tag(physical(i), kTagEmpty); }
    void pop() {
        free(0);
        set_top(top() + 1);
    }
    void push(long double v) {
        set_top(top() - 1);
        set(0, v);
    }

    // ---- Exceptions ------------------------------------------------------------------------
    // Record an operation's exception flags (sticky) and C1. Returns false when an unmasked
    // exception in suppress keeps the result from being delivered (and the stack from popping).
    bool signal(std::uint16_t ex, std::uint16_t suppress = kIE | kDE | kZE) {
        s_.status = static_cast<std::uint16_t>((s_.status & ~kC1) | (ex & (kC1 | kStackFault | kExceptionFlags)));
        const std::uint16_t unmasked = ex & ~s_.control & kExceptionFlags;
        if (unmasked) s_.status |= kES | kB;
        return !(unmasked & suppress);
    }
    // Stack underflow on an operand: the masked response writes the indefinite to ST(i).
    void underflow_into(unsigned i) {
        if (signal(kStackUnderflow)) set(i, indefinite());
    }
    HostOp host(HostFn fn, long double a = 0, long double b = 0) const {
        HostOp op;
        op.a = a;
        op.b = b;
        op.control = s_.control;
        host_x87(fn, op);
        return op;
    }
    static std::uint16_t host_exceptions(const HostOp& op) { return op.status & (kExceptionFlags | kC1); }

    // ---- Operations ------------------------------------------------------------------------
    Operand load_fp(const FpuMemory& m, unsigned size);
    Operand load_int(const FpuMemory& m, unsigned size);
    void push_value(long double v, std::uint16_t ex);
    void push_constant(HostFn fn) { push_value(host(fn).r0, 0); }
    bool wraps(const HostOp& op) const;
    HostOp wrapped(HostFn fn, long double a, long double b, const HostOp& masked) const;
    HostOp arith_op(unsigned kind, long double dest, long double src) const;
    void arith(unsigned kind, unsigned dest, long double src, bool src_valid, std::uint16_t ex, bool pop_after);
    void compare(long double b, bool b_valid, std::uint16_t ex, bool quiet, unsigned pops, bool to_eflags);
    void memory_arith(unsigned reg, const Operand& src);
    void memory_arith_fp(unsigned reg, const FpuMemory& m, unsigned size);
    void store_fp(const FpuMemory& m, unsigned size, bool pop_after);
    void store_int(const FpuMemory& m, unsigned size, bool pop_after);
    void store_bcd(const FpuMemory& m);
    void store_bytes(const FpuMemory& m, const std::uint8_t* bytes, unsigned size, std::uint16_t ex, bool pop_after);
    void store_register(unsigned i, bool pop_after);
    void exchange(unsigned i);
    void conditional_move(unsigned condition, bool negate, unsigned i);
    void change_sign(bool absolute);
    void examine();
    void unary(HostFn fn);
    void with_st1(HostFn fn);
    void into_st1(HostFn fn);
    void two_results(HostFn fn);
    void d9_misc(std::uint8_t modrm);

    Cpu& cpu_;
    FpuState& s_;
};

Operand X87::load_fp(const FpuMemory& m, unsigned size) {
    if (size == 10) {
        std::uint8_t bytes[10];
        cpu_.read_bytes(m.seg, m.offset, bytes, 10);
        Extended e{};
        std::memcpy(&e.mantissa, bytes, 8);
        std::memcpy(&e.sign_exponent, bytes + 8, 2);
        return {make_extended(e.mantissa, e.sign_exponent), 0};  // FLD m80 raises nothing
    }
    HostOp op;
    const std::uint64_t raw = cpu_.read(m.seg, m.offset, size);
    std::memcpy(op.mem, &raw, size);
    op.control = s_.control;
    host_x87(size == 4 ? HostFn::LoadF32 : HostFn::LoadF64, op);  // IE for SNaN, DE for denormal
    return {op.r0, static_cast<std::uint16_t>(op.status & (kIE | kDE))};
}

Operand X87::load_int(const FpuMemory& m, unsigned size) {
    const std::uint64_t raw = cpu_.read(m.seg, m.offset, size);
    const int shift = 64 - 8 * static_cast<int>(size);
    const auto value = static_cast<std::int64_t>(raw << shift) >> shift;
    return {static_cast<long double>(value), 0};  // exact: 64-bit significand
}

void X87::push_value(long double v, std::uint16_t ex) {
    if (!empty(7)) {
        ex |= kStackOverflow;
        v = indefinite();
    }
    if (signal(ex)) push(v);
}

// An unmasked overflow or underflow with a register destination delivers the rounded result
// with its exponent wrapped by 24576 (SDM vol. 1, 4.9.1.4 and 4.9.1.5); with UE unmasked an
// exact tiny result underflows too. The masked host result says when; the operation is then
// repeated with one operand (both for add/subtract) scaled by 2^-24576 or 2^24576, which is
// exact, and only the wrapped result's inexactness is reported besides OE/UE.
bool X87::wraps(const HostOp& op) const {
    const bool overflow = (op.status & kOE) && !(s_.control & kOE);
    const bool underflow = !(s_.control & kUE) && ((op.status & kUE) || classify(op.r0) == Class::Denormal);
    const bool precomputation = (op.status & (kIE | kZE)) || (op.status & ~s_.control & kDE);
    return (overflow || underflow) && !precomputation;
}

HostOp X87::wrapped(HostFn fn, long double a, long double b, const HostOp& masked) const {
    if (!wraps(masked)) return masked;
    const bool overflow = masked.status & kOE;
    const long double factor = overflow ? -24576.0L : 24576.0L;
    const auto scale = [&](long double v) { return host(HostFn::Scale, v, factor).r0; };
    const int ea = ilogbl(a), eb = ilogbl(b);
    switch (fn) {
    case HostFn::Add:
    case HostFn::Sub: a = scale(a); b = scale(b); break;
    case HostFn::Mul:  // shrink the larger / grow the smaller exponent
        if ((ea >= eb) == overflow) a = scale(a); else b = scale(b);
        break;
    case HostFn::Div:  // a / b: move whichever operand is further out
        if ((ea >= -eb) == overflow)
            a = scale(a);
        else
            b = host(HostFn::Scale, b, -factor).r0;
        break;
    case HostFn::Scale: b += factor; break;
    default: return masked;  // other operations deliver the masked response
    }
    HostOp op = host(fn, a, b);
    const std::uint16_t flag = overflow ? kOE : kUE;
    op.status = static_cast<std::uint16_t>((op.status & ~(kOE | kUE | kDE)) | flag | (masked.status & kDE));
    return op;
}

// kind = ModRM.reg of D8: 0 add, 1 mul, 4 sub (dest - src), 5 subr (src - dest), 6 div, 7 divr.
HostOp X87::arith_op(unsigned kind, long double dest, long double src) const {
    static constexpr HostFn kFns[8] = {HostFn::Add, HostFn::Mul, HostFn::Add, HostFn::Add,
                                       HostFn::Sub, HostFn::Sub, HostFn::Div, HostFn::Div};
    const bool reverse = kind == 5 || kind == 7;
    const long double a = reverse ? src : dest, b = reverse ? dest : src;
    return wrapped(kFns[kind], a, b, host(kFns[kind], a, b));
}

void X87::arith(unsigned kind, unsigned dest, long double src, bool src_valid, std::uint16_t ex, bool pop_after) {
    long double result = indefinite();
    if (empty(dest) || !src_valid) {
        ex |= kStackUnderflow;
    } else {
        const HostOp op = arith_op(kind, st(dest), src);
        result = op.r0;
        ex |= host_exceptions(op);
    }
    if (!signal(ex)) return;
    set(dest, result);
    if (pop_after) pop();
}

void X87::compare(long double b, bool b_valid, std::uint16_t ex, bool quiet, unsigned pops, bool to_eflags) {
    Relation relation = kUnordered;
    if (empty(0) || !b_valid)
        ex |= kStackUnderflow;
    else
        relation = compare_values(st(0), b, quiet, ex);
    if (!signal(ex)) return;
    if (to_eflags)
        cpu_.set_flags((cpu_.flags() & ~kArithFlags) | kCompareFlags[relation]);
    else
        s_.status = static_cast<std::uint16_t>((s_.status & ~(kC0 | kC2 | kC3)) | kCompareCodes[relation]);
    while (pops--) pop();
}

// DA/DE with a memory operand: FIADD FIMUL FICOM FICOMP FISUB FISUBR FIDIV FIDIVR.
void X87::memory_arith(unsigned reg, const Operand& src) {
    if (reg == 2 || reg == 3)
        compare(src.value, true, src.exceptions, false, reg == 3, false);
    else
        arith(reg, 0, src.value, true, src.exceptions, false);
}

// D8/DC with a memory operand: FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR m32fp/m64fp. The
// host operates on the operand in its own format: converting it first would report DE for a
// denormal and quiet an SNaN, where the hardware lets a NaN operand or a zero divide take
// precedence and returns the QNaN operand over a signaling one.
void X87::memory_arith_fp(unsigned reg, const FpuMemory& m, unsigned size) {
    const std::uint64_t raw = cpu_.read(m.seg, m.offset, size);
    if (empty(0)) {  // stack underflow: the register paths give the masked responses
        memory_arith(reg, {0.0L, 0});
        return;
    }
    static constexpr HostFn kSingle[8] = {HostFn::AddF32, HostFn::MulF32, HostFn::ComF32, HostFn::ComF32,
                                          HostFn::SubF32, HostFn::SubrF32, HostFn::DivF32, HostFn::DivrF32};
    static constexpr HostFn kDouble[8] = {HostFn::AddF64, HostFn::MulF64, HostFn::ComF64, HostFn::ComF64,
                                          HostFn::SubF64, HostFn::SubrF64, HostFn::DivF64, HostFn::DivrF64};
    HostOp op;
    op.a = st(0);
    op.control = s_.control;
    std::memcpy(op.mem, &raw, size);
    host_x87(size == 4 ? kSingle[reg] : kDouble[reg], op);
    if (reg != 2 && reg != 3 && wraps(op)) {  // redo in extended (the conversion is exact)
        HostOp load;
        std::memcpy(load.mem, &raw, size);
        host_x87(size == 4 ? HostFn::LoadF32 : HostFn::LoadF64, load);
        op = arith_op(reg, st(0), load.r0);
    }
    if (!signal(host_exceptions(op))) return;
    if (reg == 2 || reg == 3) {
        s_.status = static_cast<std::uint16_t>((s_.status & ~(kC0 | kC2 | kC3)) | (op.status & (kC0 | kC2 | kC3)));
        if (reg == 3) pop();
    } else {
        set(0, op.r0);
    }
}

// Stores to memory write first (they may fault, and then nothing else changes) and are
// suppressed by unmasked invalid, overflow and underflow exceptions.
void X87::store_bytes(const FpuMemory& m, const std::uint8_t* bytes, unsigned size, std::uint16_t ex, bool pop_after) {
    const std::uint16_t suppress = kIE | kOE | kUE;
    if (ex & ~s_.control & (kOE | kUE)) ex &= static_cast<std::uint16_t>(~(kPE | kC1));  // only OE/UE reported
    if (!(ex & ~s_.control & suppress)) {
        if (size == 10) {
            cpu_.write_bytes(m.seg, m.offset, bytes, 10);
        } else {
            std::uint64_t value = 0;
            std::memcpy(&value, bytes, size);
            cpu_.write(m.seg, m.offset, size, value);
        }
    }
    if (signal(ex, suppress) && pop_after) pop();
}

void X87::store_fp(const FpuMemory& m, unsigned size, bool pop_after) {
    std::uint16_t ex = empty(0) ? kStackUnderflow : 0;
    const long double v = empty(0) ? indefinite() : st(0);
    if (size == 10) {
        store_bytes(m, reinterpret_cast<const std::uint8_t*>(&v), 10, ex, pop_after);
        return;
    }
    const HostOp op = host(size == 4 ? HostFn::StoreF32 : HostFn::StoreF64, v);
    ex |= host_exceptions(op);
    // With UE unmasked a tiny result underflows even when exact.
    const long double smallest_normal = size == 4 ? 0x1p-126L : 0x1p-1022L;
    const Class c = classify(v);
    if (!(s_.control & kUE) && (c == Class::Normal || c == Class::Denormal) && fabsl(v) < smallest_normal) ex |= kUE;
    store_bytes(m, op.mem, size, ex, pop_after);
}

// FIST/FISTP: rounding per RC; NaN, infinity and out-of-range values give IE and (masked) the
// integer indefinite (the host's FIST produces it).
void X87::store_int(const FpuMemory& m, unsigned size, bool pop_after) {
    std::uint16_t ex = empty(0) ? kStackUnderflow : 0;
    const HostFn fn = size == 2 ? HostFn::StoreI16 : size == 4 ? HostFn::StoreI32 : HostFn::StoreI64;
    const HostOp op = host(fn, empty(0) ? indefinite() : st(0));
    store_bytes(m, op.mem, size, ex | host_exceptions(op), pop_after);
}

void X87::store_bcd(const FpuMemory& m) {
    std::uint16_t ex = empty(0) ? kStackUnderflow : 0;
    const HostOp op = host(HostFn::StoreBcd, empty(0) ? indefinite() : st(0));
    store_bytes(m, op.mem, 10, ex | host_exceptions(op), true);
}

void X87::store_register(unsigned i, bool pop_after) {
    if (empty(0)) {
        if (!signal(kStackUnderflow)) return;
        set(i, indefinite());
    } else {
        signal(0);
        set(i, st(0));
    }
    if (pop_after) pop();
}

void X87::exchange(unsigned i) {
    const bool underflow = empty(0) || empty(i);
    if (!signal(underflow ? kStackUnderflow : 0)) return;
    const long double a = empty(0) ? indefinite() : st(0);
    const long double b = empty(i) ? indefinite() : st(i);
    set(0, b);
    set(i, a);
}

// FCMOVcc: condition 0 B (CF), 1 E (ZF), 2 BE (CF|ZF), 3 U (PF).
void X87::conditional_move(unsigned condition, bool negate, unsigned i) {
    if (empty(0) || empty(i)) {
        underflow_into(0);
        return;
    }
    signal(0);
    const std::uint32_t f = cpu_.flags();
    static constexpr std::uint32_t kMasks[4] = {kCF, kZF, kCF | kZF, kPF};
    if (((f & kMasks[condition]) != 0) != negate) set(0, st(i));
}

void X87::change_sign(bool absolute) {
    if (empty(0)) {
        underflow_into(0);
        return;
    }
    signal(0);
    const Extended e = fields(st(0));
    const auto se = static_cast<std::uint16_t>(absolute ? e.sign_exponent & 0x7FFF : e.sign_exponent ^ 0x8000);
    set(0, make_extended(e.mantissa, se));
}

void X87::examine() {
    std::uint16_t codes = kC3 | kC0;  // empty
    if (!empty(0)) {
        switch (classify(st(0))) {
        case Class::Unsupported: codes = 0; break;
        case Class::NaN: codes = kC0; break;
        case Class::Normal: codes = kC2; break;
        case Class::Infinity: codes = kC2 | kC0; break;
        case Class::Zero: codes = kC3; break;
        case Class::Denormal: codes = kC3 | kC2; break;
        }
    }
    if (sign_of(st(0))) codes |= kC1;  // even when empty: the stale register's sign
    s_.status = static_cast<std::uint16_t>((s_.status & ~kConditionCodes) | codes);
}

// ST(0) = f(ST(0)): FSQRT FRNDINT F2XM1 FSIN FCOS.
void X87::unary(HostFn fn) {
    if (empty(0)) {
        underflow_into(0);
        return;
    }
    if (is_trig(fn) && trig_out_of_range(st(0))) {
        s_.status |= kC2;
        return;
    }
    const HostOp op = host(fn, st(0));
    if (!signal(host_exceptions(op))) return;
    if (is_trig(fn)) s_.status &= static_cast<std::uint16_t>(~kC2);
    set(0, op.r0);
}

// ST(0) = f(ST(0), ST(1)): FSCALE FPREM FPREM1 (whose C0 C1 C2 C3 are quotient bits and
// "incomplete").
void X87::with_st1(HostFn fn) {
    if (empty(0) || empty(1)) {
        underflow_into(0);
        return;
    }
    const HostOp op = wrapped(fn, st(0), st(1), host(fn, st(0), st(1)));
    if (!signal(host_exceptions(op))) return;
    if (fn == HostFn::Prem || fn == HostFn::Prem1)
        s_.status = static_cast<std::uint16_t>((s_.status & ~kConditionCodes) | (op.status & kConditionCodes));
    set(0, op.r0);
}

// ST(1) = f(ST(0), ST(1)), then pop: FYL2X FYL2XP1 FPATAN.
void X87::into_st1(HostFn fn) {
    if (empty(0) || empty(1)) {
        if (signal(kStackUnderflow)) {
            set(1, indefinite());
            pop();
        }
        return;
    }
    const HostOp op = host(fn, st(0), st(1));
    if (!signal(host_exceptions(op))) return;
    set(1, op.r0);
    pop();
}

// ST(0) = r1, then push r0: FXTRACT (exponent, significand), FPTAN (tan, 1.0), FSINCOS (sin, cos).
void X87::two_results(HostFn fn) {
    if (empty(0) || !empty(7)) {
        if (signal(empty(0) ? kStackUnderflow : kStackOverflow)) {
            set(0, indefinite());
            push(indefinite());
        }
        return;
    }
    if (is_trig(fn) && trig_out_of_range(st(0))) {
        s_.status |= kC2;
        return;
    }
    const HostOp op = host(fn, st(0));
    if (!signal(host_exceptions(op))) return;
    if (is_trig(fn)) s_.status &= static_cast<std::uint16_t>(~kC2);
    set(0, op.r1);
    push(op.r0);
}

// D9 E0-FF: the operand-less instructions.
void X87::d9_misc(std::uint8_t modrm) {
    switch (modrm) {
    case 0xE0: change_sign(false); return;  // FCHS
    case 0xE1: change_sign(true); return;   // FABS
    case 0xE4: compare(0.0L, true, 0, false, 0, false); return;  // FTST
    case 0xE5: examine(); return;                                // FXAM
    case 0xE8: push_constant(HostFn::Ld1); return;
    case 0xE9: push_constant(HostFn::Ldl2t); return;
    case 0xEA: push_constant(HostFn::Ldl2e); return;
    case 0xEB: push_constant(HostFn::Ldpi); return;
    case 0xEC: push_constant(HostFn::Ldlg2); return;
    case 0xED: push_constant(HostFn::Ldln2); return;
    case 0xEE: push_value(0.0L, 0); return;  // FLDZ
    case 0xF0: unary(HostFn::F2xm1); return;
    case 0xF1: into_st1(HostFn::Yl2x); return;
    case 0xF2: two_results(HostFn::Ptan); return;
    case 0xF3: into_st1(HostFn::Patan); return;
    case 0xF4: two_results(HostFn::Xtract); return;
    case 0xF5: with_st1(HostFn::Prem1); return;
    case 0xF6: set_top(top() - 1); signal(0); return;  // FDECSTP (C1 = 0)
    case 0xF7: set_top(top() + 1); signal(0); return;  // FINCSTP
    case 0xF8: with_st1(HostFn::Prem); return;
    case 0xF9: into_st1(HostFn::Yl2xp1); return;
    case 0xFA: unary(HostFn::Sqrt); return;
    case 0xFB: two_results(HostFn::Sincos); return;
    case 0xFC: unary(HostFn::Rndint); return;
    case 0xFD: with_st1(HostFn::Scale); return;
    case 0xFE: unary(HostFn::Sin); return;
    case 0xFF: unary(HostFn::Cos); return;
    default: cpu_.raise(vec::UD);
    }
}

void X87::memory_form(std::uint8_t op, unsigned reg, const FpuMemory& m, bool op32) {
    switch (op) {
    case 0xD8: memory_arith_fp(reg, m, 4); return;
    case 0xDA: memory_arith(reg, load_int(m, 4)); return;
    case 0xDC: memory_arith_fp(reg, m, 8); return;
    case 0xDE: memory_arith(reg, load_int(m, 2)); return;
    case 0xD9:
        switch (reg) {
        case 0: {
            const Operand v = load_fp(m, 4);
            push_value(v.value, v.exceptions);
            return;
        }
        case 2: store_fp(m, 4, false); return;
        case 3: store_fp(m, 4, true); return;
        case 4: load_environment(cpu_, m, op32); return;
        case 5:
            s_.control = static_cast<std::uint16_t>((cpu_.read(m.seg, m.offset, 2) & 0x1F3F) | 0x40);
            update_summary(s_);
            return;
        case 6: store_environment(cpu_, m, op32); return;
        case 7: cpu_.write(m.seg, m.offset, 2, s_.control); return;
        }
        break;
    case 0xDB:
        switch (reg) {
        case 0: {
            const Operand v = load_int(m, 4);
            push_value(v.value, 0);
            return;
        }
        case 2: store_int(m, 4, false); return;
        case 3: store_int(m, 4, true); return;
        case 5: {
            const Operand v = load_fp(m, 10);
            push_value(v.value, 0);
            return;
        }
        case 7: store_fp(m, 10, true); return;
        }
        break;  // 1: FISTTP (SSE3), 4, 6: reserved
    case 0xDD:
        switch (reg) {
        case 0: {
            const Operand v = load_fp(m, 8);
            push_value(v.value, v.exceptions);
            return;
        }
        case 2: store_fp(m, 8, false); return;
        case 3: store_fp(m, 8, true); return;
        case 4: restore_state(cpu_, m, op32); return;
        case 6: save_state(cpu_, m, op32); return;
        case 7: cpu_.write(m.seg, m.offset, 2, s_.status); return;  // FNSTSW m16
        }
        break;
    case 0xDF:
        switch (reg) {
        case 0: push_value(load_int(m, 2).value, 0); return;
        case 2: store_int(m, 2, false); return;
        case 3: store_int(m, 2, true); return;
        case 4: {  // FBLD
            HostOp bcd;
            cpu_.read_bytes(m.seg, m.offset, bcd.mem, 10);
            bcd.control = s_.control;
            host_x87(HostFn::LoadBcd, bcd);
            push_value(bcd.r0, 0);
            return;
        }
        case 5: push_value(load_int(m, 8).value, 0); return;
        case 6: store_bcd(m); return;
        case 7: store_int(m, 8, true); return;
        }
        break;
    }
    cpu_.raise(vec::UD);
}

void X87::register_form(std::uint8_t op, std::uint8_t modrm) {
    const unsigned reg = (modrm >> 3) & 7, i = modrm & 7;
    switch (op) {
    case 0xD8:
        if (reg == 2 || reg == 3)
            compare(st(i), !empty(i), 0, false, reg == 3, false);
        else
            arith(reg, 0, st(i), !empty(i), 0, false);
        return;
    case 0xDC:
    case 0xDE:
        if (reg == 2 || reg == 3) {
            // DC D0/D8 and DE D0 are aliases of FCOM/FCOMP; DE D9 is FCOMPP.
            if (op == 0xDC || reg == 2)
                compare(st(i), !empty(i), 0, false, op == 0xDE || reg == 3, false);
            else if (i == 1)
                compare(st(1), !empty(1), 0, false, 2, false);
            else
                cpu_.raise(vec::UD);
            return;
        }
        // Destination ST(i): the encodings of the reversed operations swap (DC E0+i is
        // FSUBR ST(i),ST(0): ST(i) = ST(0) - ST(i)).
        arith(reg >= 4 ? reg ^ 1 : reg, i, st(0), !empty(0), 0, op == 0xDE);
        return;
    case 0xD9:
        switch (reg) {
        case 0: {  // FLD ST(i)
            const bool missing = empty(i);
            push_value(missing ? indefinite() : st(i), missing ? kStackUnderflow : 0);
            return;
        }
        case 1: exchange(i); return;
        case 2:
            if (i != 0) cpu_.raise(vec::UD);
            return;  // FNOP
        case 3: store_register(i, true); return;  // FSTP1 alias
        default: d9_misc(modrm); return;
        }
    case 0xDA:
        if (reg < 4)
            conditional_move(reg, false, i);
        else if (modrm == 0xE9)
            compare(st(1), !empty(1), 0, true, 2, false);  // FUCOMPP
        else
            cpu_.raise(vec::UD);
        return;
    case 0xDB:
        if (reg < 4) {
            conditional_move(reg, true, i);
        } else if (reg == 5 || reg == 6) {
            compare(st(i), !empty(i), 0, reg == 5, 0, true);  // FUCOMI, FCOMI
        } else if (modrm == 0xE2) {  // FNCLEX
            s_.status &= static_cast<std::uint16_t>(~(kExceptionFlags | kStackFault | kES | kB));
        } else if (modrm == 0xE3) {  // FNINIT
            fpu_init(s_);
        } else if (modrm != 0xE0 && modrm != 0xE1 && modrm != 0xE4) {  // FENI, FDISI, FSETPM: no-ops
            cpu_.raise(vec::UD);
        }
        return;
    case 0xDD:
        switch (reg) {
        case 0: free(i); return;                  // FFREE
        case 1: exchange(i); return;              // FXCH4 alias
        case 2: store_register(i, false); return;  // FST ST(i)
        case 3: store_register(i, true); return;   // FSTP ST(i)
        case 4: compare(st(i), !empty(i), 0, true, 0, false); return;  // FUCOM
        case 5: compare(st(i), !empty(i), 0, true, 1, false); return;  // FUCOMP
        }
        break;
    case 0xDF:
        switch (reg) {
        case 0: free(i); pop(); return;           // FFREEP
        case 1: exchange(i); return;              // FXCH7 alias
        case 2:
        case 3: store_register(i, true); return;  // FSTP8, FSTP9 aliases
        case 4:
            if (i != 0) break;
            cpu_.gpr[kEax] = (cpu_.gpr[kEax] & ~0xFFFFull) | s_.status;  // FNSTSW AX
            return;
        case 5:
        case 6: compare(st(i), !empty(i), 0, reg == 5, 1, true); return;  // FUCOMIP, FCOMIP
        }
        break;
    }
    cpu_.raise(vec::UD);
}

// Control instructions do not update the instruction/operand pointers and opcode;
// the no-wait ones among them (FNINIT FNCLEX FNSTENV FNSAVE FNSTCW FNSTSW, and the 8087's
// FNENI/FNDISI/FNSETPM no-ops) also skip the pending-exception check.
bool is_control(std::uint8_t op, std::uint8_t modrm, bool memory, bool& no_wait) {
    const unsigned reg = (modrm >> 3) & 7;
    if (memory) {
        const bool control = (op == 0xD9 && reg >= 4) || (op == 0xDD && (reg == 4 || reg == 6 || reg == 7));
        no_wait = control && (reg == 6 || reg == 7);
        return control;
    }
    no_wait = (op == 0xDB && modrm >= 0xE0 && modrm <= 0xE4) || (op == 0xDF && modrm == 0xE0);
    return no_wait;
}

}  // namespace

namespace x87 {
void check_pending(Cpu& cpu) {
    if ((cpu.fpu.status & kES) && (cpu.cr0 & kCr0NE)) cpu.raise(vec::MF);
}
}  // namespace x87

void fpu_init(FpuState& s) {
    s.control = 0x037F;
    s.status = 0;
    s.tag = 0xFFFF;
    s.opcode = 0;
    s.fip = s.fdp = 0;
    s.fcs = s.fds = 0;
}

void fpu_reset(FpuState& s) {
    s = FpuState{};
    fpu_init(s);
    s.control = 0x0040;  // power-on control word (SDM vol. 3, table 9-1)
}

void fpu_execute(Cpu& cpu, std::uint8_t op, std::uint8_t modrm, const FpuMemory* mem, bool op32) {
    if (cpu.cr0 & (kCr0EM | kCr0TS)) cpu.raise(vec::NM);
    bool no_wait = false;
    const bool control = is_control(op, modrm, mem != nullptr, no_wait);
    if (!no_wait) check_pending(cpu);
    X87 x87(cpu);
    if (mem)
        x87.memory_form(op, (modrm >> 3) & 7, *mem, op32);
    else
        x87.register_form(op, modrm);
    if (control) return;
    FpuState& s = cpu.fpu;
    s.fip = static_cast<std::uint32_t>(cpu.rip);
    s.fcs = cpu.seg[CS].selector;
    s.opcode = static_cast<std::uint16_t>(((op & 7) << 8) | modrm);
    if (mem) {
        s.fdp = static_cast<std::uint32_t>(mem->offset);
        s.fds = cpu.seg[mem->seg].selector;
    }
}

void fpu_wait(Cpu& cpu) {
    if ((cpu.cr0 & kCr0MP) && (cpu.cr0 & kCr0TS)) cpu.raise(vec::NM);
    check_pending(cpu);
}

}  // namespace emu::x86
