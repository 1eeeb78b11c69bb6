// VFPv3-D16 + VFPv4 (fused multiply-add, half-precision conversion) instruction execution for a
// Cortex-A15-like core: decode of the A32 coprocessor 10/11 space and the architectural state
// changes; the arithmetic lives in vfp_fp.cpp.
//
// Decoding follows the ARMv7-A ARM; UNPREDICTABLE encodings (bad register lists, PC as a
// transfer register, should-be-zero bits set, ...) are treated as UNDEFINED, and so is every
// Advanced SIMD-only form and every register number above d15 (D16 register file).
#include "vfp.h"

#include "vfp_fp.h"

namespace emu::arm {
namespace {

using namespace vfp;

constexpr std::uint32_t kFpsid = 0x410430F0u;  // ARM, hardware, subarchitecture 0x04 (VFPv3+), part 0x30, variant 0xF (Cortex-A15)
// MVFR0: rounding modes all, no short vectors, sqrt, divide, no trapping, DP v3+, SP v3+, 16 D registers.
constexpr std::uint32_t kMvfr0 = 0x10110221u;
// MVFR1: fused MAC, VFP half-precision conversion, no Advanced SIMD, default-NaN and denormal support.
constexpr std::uint32_t kMvfr1 = 0x11000011u;

constexpr std::uint32_t kFpexcEn = 1u << 30;
constexpr std::uint32_t kFpexcWritable = kFpexcEn;  // EX/DEX/... are RAZ/WI: no trapped exceptions
// NZCV, AHP, DN, FZ, RMode, Stride, Len and the cumulative flags. The trap enables (no trapped
// exceptions) and QC (Advanced SIMD only) are RAZ/WI.
constexpr std::uint32_t kFpscrWritable = 0xF7F7009Fu;
constexpr std::uint32_t kFpscrLenStride = 0x00370000u;

constexpr unsigned bit(std::uint32_t x, unsigned n) { return (x >> n) & 1u; }
constexpr unsigned field(std::uint32_t x, unsigned hi, unsigned lo) { return (x >> lo) & ((2u << (hi - lo)) - 1); }

class Exec {
public:
    Exec(VfpState& st, std::uint32_t insn, VfpHost& host) : st_(st), insn_(insn), host_(host) {}

    VfpResult run();

private:
    VfpState& st_;
    std::uint32_t insn_;
    VfpHost& host_;

    std::uint32_t S(unsigned n) const { return static_cast<std::uint32_t>(st_.d[n >> 1] >> ((n & 1u) * 32)); }
    void set_S(unsigned n, std::uint32_t v)
    {
        const unsigned sh = (n & 1u) * 32;
        st_.d[n >> 1] = (st_.d[n >> 1] & ~(0xFFFFFFFFull << sh)) | (std::uint64_t{v} << sh);
    }
    std::uint64_t D(unsigned n) const { return st_.d[n]; }
    void set_D(unsigned n, std::uint64_t v) { st_.d[n] = v; }

    // Register numbers: single = Vx:X, double = X:Vx.
    unsigned reg_d(bool dp) const { return dp ? (bit(insn_, 22) << 4) | field(insn_, 15, 12) : (field(insn_, 15, 12) << 1) | bit(insn_, 22); }
    unsigned reg_n(bool dp) const { return dp ? (bit(insn_, 7) << 4) | field(insn_, 19, 16) : (field(insn_, 19, 16) << 1) | bit(insn_, 7); }
    unsigned reg_m(bool dp) const { return dp ? (bit(insn_, 5) << 4) | field(insn_, 3, 0) : (field(insn_, 3, 0) << 1) | bit(insn_, 5); }

    bool enabled() const { return (st_.fpexc & kFpexcEn) != 0; }
    std::uint32_t& fpscr() { return st_.fpscr; }

    std::uint32_t base_reg(unsigned n) { return n == 15 ? (host_.core_reg(15) & ~3u) : host_.core_reg(n); }

    VfpResult data_processing();
    VfpResult three_reg(bool dp);
    template <typename T> VfpResult three_reg_op(unsigned opc, bool op6, T nv, T mv, T dv, T& out);
    VfpResult other_dp(bool dp);
    VfpResult register_transfer();
    VfpResult system_register();
    VfpResult load_store();
    VfpResult transfer64();
    VfpResult load_store_single(bool dp);
    VfpResult load_store_multiple(bool dp);
};

VfpResult Exec::run()
{
    if (field(insn_, 11, 9) != 0b101) return VfpResult::Undefined;  // not coprocessor 10/11
    switch (field(insn_, 27, 24)) {
    case 0b1110:
        return bit(insn_, 4) ? register_transfer() : data_processing();
    case 0b1100:
    case 0b1101:
        return load_store();
    default:
        return VfpResult::Undefined;
    }
}

// ---- data processing (CDP space) --------------------------------------------------------------

VfpResult Exec::data_processing()
{
    if (!enabled()) return VfpResult::Undefined;
    const bool dp = bit(insn_, 8);
    const unsigned opc1 = (bit(insn_, 23) << 2) | field(insn_, 21, 20);
    if (opc1 != 0b111) return three_reg(dp);
    return other_dp(dp);
}

template <typename T>
VfpResult Exec::three_reg_op(unsigned opc, bool op6, T nv, T mv, T dv, T& out)
{
    std::uint32_t& f = fpscr();
    switch (opc) {
    case 0b000: {  // VMLA / VMLS
        const T product = fp_mul(nv, mv, f);
        out = fp_add(dv, op6 ? fp_neg(product) : product, f);
        return VfpResult::Done;
    }
    case 0b001: {  // VNMLS (op=0) / VNMLA (op=1)
        const T product = fp_mul(nv, mv, f);
        out = fp_add(fp_neg(dv), op6 ? fp_neg(product) : product, f);
        return VfpResult::Done;
    }
    case 0b010:  // VMUL / VNMUL
        out = fp_mul(nv, mv, f);
        if (op6) out = fp_neg(out);
        return VfpResult::Done;
    case 0b011:  // VADD / VSUB
        out = op6 ? fp_sub(nv, mv, f) : fp_add(nv, mv, f);
        return VfpResult::Done;
    case 0b100:  // VDIV
        if (op6) return VfpResult::Undefined;
        out = fp_div(nv, mv, f);
        return VfpResult::Done;
    case 0b101:  // VFNMS (op=0): -d + n*m;  VFNMA (op=1): -d - n*m
        out = fp_muladd(fp_neg(dv), op6 ? fp_neg(nv) : nv, mv, f);
        return VfpResult::Done;
    case 0b110:  // VFMA (op=0): d + n*m;  VFMS (op=1): d - n*m
        out = fp_muladd(dv, op6 ? fp_neg(nv) : nv, mv, f);
        return VfpResult::Done;
    default:
        return VfpResult::Undefined;
    }
}

VfpResult Exec::three_reg(bool dp)
{
    if (st_.fpscr & kFpscrLenStride) return VfpResult::Undefined;  // short vectors not implemented
    const unsigned opc = (bit(insn_, 23) << 2) | field(insn_, 21, 20);
    const bool op6 = bit(insn_, 6);
    const unsigned d = reg_d(dp), n = reg_n(dp), m = reg_m(dp);
    if (dp) {
        if (d > 15 || n > 15 || m > 15) return VfpResult::Undefined;
        std::uint64_t out = 0;
        const VfpResult r = three_reg_op<std::uint64_t>(opc, op6, D(n), D(m), D(d), out);
        if (r == VfpResult::Done) set_D(d, out);
        return r;
    }
    std::uint32_t out = 0;
    const VfpResult r = three_reg_op<std::uint32_t>(opc, op6, S(n), S(m), S(d), out);
    if (r == VfpResult::Done) set_S(d, out);
    return r;
}

VfpResult Exec::other_dp(bool dp)
{
    std::uint32_t& f = fpscr();
    const unsigned opc2 = field(insn_, 19, 16);
    const bool b7 = bit(insn_, 7), b6 = bit(insn_, 6);
    const bool vector_capable = !b6 || opc2 <= 1;  // VMOV imm/reg, VABS, VNEG, VSQRT
    if (vector_capable && (st_.fpscr & kFpscrLenStride)) return VfpResult::Undefined;

    if (!b6) {  // VMOV (immediate): bits 7..4 must be 0000
        if (field(insn_, 7, 4) != 0) return VfpResult::Undefined;
        const unsigned imm8 = (opc2 << 4) | field(insn_, 3, 0);
        const unsigned d = reg_d(dp);
        const bool sign = (imm8 >> 7) & 1u;
        const bool b = (imm8 >> 6) & 1u;
        const unsigned low6 = imm8 & 0x3Fu;  // imm8<5:0>: two exponent bits and four fraction bits
        if (dp) {
            if (d > 15) return VfpResult::Undefined;
            // exp = NOT(b):Replicate(b,8):imm8<5:4>; frac = imm8<3:0>:Zeros(48)
            const std::uint64_t exp11 = (std::uint64_t{!b} << 10) | (b ? 0x3FCull : 0) | ((low6 >> 4) & 3u);
            set_D(d, (std::uint64_t{sign} << 63) | (exp11 << 52) | (std::uint64_t{low6 & 0xFu} << 48));
        } else {
            const std::uint32_t exp8 = (std::uint32_t{!b} << 7) | (b ? 0x7Cu : 0u) | ((low6 >> 4) & 3u);
            set_S(d, (std::uint32_t{sign} << 31) | (exp8 << 23) | ((low6 & 0xFu) << 19));
        }
        return VfpResult::Done;
    }

    switch (opc2) {
    case 0b0000:    // VMOV (register) / VABS
    case 0b0001: {  // VNEG / VSQRT
        const unsigned d = reg_d(dp), m = reg_m(dp);
        if (dp) {
            if (d > 15 || m > 15) return VfpResult::Undefined;
            const std::uint64_t v = D(m);
            set_D(d, opc2 == 0 ? (b7 ? fp_abs(v) : v) : (b7 ? fp_sqrt(v, f) : fp_neg(v)));
        } else {
            const std::uint32_t v = S(m);
            set_S(d, opc2 == 0 ? (b7 ? fp_abs(v) : v) : (b7 ? fp_sqrt(v, f) : fp_neg(v)));
        }
        return VfpResult::Done;
    }
    case 0b0010:    // VCVTB/VCVTT half -> single
    case 0b0011: {  // VCVTB/VCVTT single -> half
        if (dp) return VfpResult::Undefined;  // double <-> half is ARMv8
        const unsigned d = reg_d(false), m = reg_m(false);
        const unsigned sh = b7 ? 16 : 0;  // T: top half
        if (opc2 == 0b0010) {
            set_S(d, f16_to_f32(static_cast<std::uint16_t>(S(m) >> sh), f));
        } else {
            const std::uint16_t h = f32_to_f16(S(m), f);
            set_S(d, (S(d) & ~(0xFFFFu << sh)) | (std::uint32_t{h} << sh));
        }
        return VfpResult::Done;
    }
    case 0b0100:    // VCMP{E}
    case 0b0101: {  // VCMP{E} with zero
        const bool with_zero = opc2 == 0b0101;
        if (with_zero && (bit(insn_, 5) || field(insn_, 3, 0) != 0)) return VfpResult::Undefined;
        const unsigned d = reg_d(dp), m = reg_m(dp);
        std::uint32_t nzcv;
        if (dp) {
            if (d > 15 || (!with_zero && m > 15)) return VfpResult::Undefined;
            nzcv = fp_compare<std::uint64_t>(D(d), with_zero ? 0 : D(m), b7, f);
        } else {
            nzcv = fp_compare<std::uint32_t>(S(d), with_zero ? 0 : S(m), b7, f);
        }
        f = (f & 0x0FFFFFFFu) | nzcv;
        return VfpResult::Done;
    }
    case 0b0111: {  // VCVT between double and single
        if (!b7) return VfpResult::Undefined;  // VRINTX (ARMv8)
        if (dp) {  // double -> single
            const unsigned d = reg_d(false), m = reg_m(true);
            if (m > 15) return VfpResult::Undefined;
            set_S(d, f64_to_f32(D(m), f));
        } else {  // single -> double
            const unsigned d = reg_d(true), m = reg_m(false);
            if (d > 15) return VfpResult::Undefined;
            set_D(d, f32_to_f64(S(m), f));
        }
        return VfpResult::Done;
    }
    case 0b1000: {  // VCVT integer -> float (FPSCR rounding); op (bit 7) = signed
        const unsigned m = reg_m(false);
        const bool is_unsigned = !b7;
        if (dp) {
            const unsigned d = reg_d(true);
            if (d > 15) return VfpResult::Undefined;
            set_D(d, fixed_to_fp<std::uint64_t>(S(m), 32, 0, is_unsigned, rounding_of(f), f));
        } else {
            set_S(reg_d(false), fixed_to_fp<std::uint32_t>(S(m), 32, 0, is_unsigned, rounding_of(f), f));
        }
        return VfpResult::Done;
    }
    case 0b1100:    // VCVT{R} float -> unsigned
    case 0b1101: {  // VCVT{R} float -> signed; op (bit 7) = round towards zero
        const unsigned d = reg_d(false);
        const bool is_unsigned = opc2 == 0b1100;
        const Rounding rm = b7 ? Rounding::Zero : rounding_of(f);
        if (dp) {
            const unsigned m = reg_m(true);
            if (m > 15) return VfpResult::Undefined;
            set_S(d, fp_to_fixed<std::uint64_t>(D(m), 32, 0, is_unsigned, rm, f));
        } else {
            set_S(d, fp_to_fixed<std::uint32_t>(S(reg_m(false)), 32, 0, is_unsigned, rm, f));
        }
        return VfpResult::Done;
    }
    case 0b1010:
    case 0b1011:
    case 0b1110:
    case 0b1111: {  // VCVT between floating-point and fixed-point (in place)
        const bool to_fixed = bit(insn_, 18);
        const bool is_unsigned = bit(insn_, 16);
        const unsigned size = b7 ? 32 : 16;
        const unsigned imm = (field(insn_, 3, 0) << 1) | bit(insn_, 5);
        if (imm > size) return VfpResult::Undefined;  // frac_bits < 0: UNPREDICTABLE
        const unsigned fbits = size - imm;
        const unsigned d = reg_d(dp);
        if (dp && d > 15) return VfpResult::Undefined;
        if (to_fixed) {
            std::uint32_t r = dp ? fp_to_fixed<std::uint64_t>(D(d), size, fbits, is_unsigned, Rounding::Zero, f)
                                 : fp_to_fixed<std::uint32_t>(S(d), size, fbits, is_unsigned, Rounding::Zero, f);
            if (size == 16 && !is_unsigned && (r & 0x8000u)) r |= 0xFFFF0000u;  // SignExtend
            if (dp)
                set_D(d, is_unsigned ? std::uint64_t{r}
                                     : static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(r))));
            else
                set_S(d, r);
        } else {
            // ARM ARM: FixedToFP(..., round_to_nearest = TRUE) - ignores FPSCR.RMode.
            if (dp)
                set_D(d, fixed_to_fp<std::uint64_t>(static_cast<std::uint32_t>(D(d)), size, fbits, is_unsigned,
                                                    Rounding::TieEven, f));
            else
                set_S(d, fixed_to_fp<std::uint32_t>(S(d), size, fbits, is_unsigned, Rounding::TieEven, f));
        }
        return VfpResult::Done;
    }
    default:  // 0110 (VRINTR/VRINTZ), 1001 (VJCVT): ARMv8
        return VfpResult::Undefined;
    }
}

// ---- register transfers (MRC/MCR space) -------------------------------------------------------

VfpResult Exec::register_transfer()
{
    const bool to_core = bit(insn_, 20);
    const unsigned t = field(insn_, 15, 12);
    if (!bit(insn_, 8)) {  // coprocessor 10
        const unsigned a = field(insn_, 23, 21);
        if (a == 0b111) return system_register();
        if (a != 0b000 || field(insn_, 6, 5) != 0 || field(insn_, 3, 0) != 0) return VfpResult::Undefined;
        // VMOV between a core register and a single-precision register.
        if (!enabled() || t == 15) return VfpResult::Undefined;
        const unsigned n = reg_n(false);
        if (to_core)
            host_.set_core_reg(t, S(n));
        else
            set_S(n, host_.core_reg(t));
        return VfpResult::Done;
    }
    // Coprocessor 11: VMOV core <-> 32-bit scalar; the 8/16-bit forms and VDUP need Advanced SIMD.
    if (field(insn_, 3, 0) != 0 || bit(insn_, 23) || bit(insn_, 22) || field(insn_, 6, 5) != 0)
        return VfpResult::Undefined;
    if (!enabled() || t == 15) return VfpResult::Undefined;
    const unsigned index = bit(insn_, 21);
    const unsigned reg = (bit(insn_, 7) << 4) | field(insn_, 19, 16);  // D:Vd or N:Vn
    if (reg > 15) return VfpResult::Undefined;
    const unsigned sh = index * 32;
    if (to_core) {
        host_.set_core_reg(t, static_cast<std::uint32_t>(D(reg) >> sh));
    } else {
        set_D(reg, (D(reg) & ~(0xFFFFFFFFull << sh)) | (std::uint64_t{host_.core_reg(t)} << sh));
    }
    return VfpResult::Done;
}

VfpResult Exec::system_register()
{
    // VMRS/VMSR: cond 1110 111L reg Rt 1010 0001 0000
    if (field(insn_, 7, 5) != 0 || field(insn_, 3, 0) != 0) return VfpResult::Undefined;
    const bool to_core = bit(insn_, 20);
    const unsigned reg = field(insn_, 19, 16);
    const unsigned t = field(insn_, 15, 12);
    if (reg == 0b0001) {  // FPSCR
        if (!enabled()) return VfpResult::Undefined;
        if (to_core) {
            if (t == 15)
                host_.set_nzcv(st_.fpscr & 0xF0000000u);
            else
                host_.set_core_reg(t, st_.fpscr);
        } else {
            if (t == 15) return VfpResult::Undefined;
            st_.fpscr = host_.core_reg(t) & kFpscrWritable;
        }
        return VfpResult::Done;
    }
    std::uint32_t value;
    switch (reg) {
    case 0b0000: value = kFpsid; break;
    case 0b0110: value = kMvfr1; break;
    case 0b0111: value = kMvfr0; break;
    case 0b1000: value = st_.fpexc; break;
    default: return VfpResult::Undefined;  // FPINST/FPINST2 do not exist in VFPv3+
    }
    // FPSID, MVFRx and FPEXC are accessible in privileged modes only, regardless of FPEXC.EN.
    if (!host_.privileged() || t == 15) return VfpResult::Undefined;
    if (to_core)
        host_.set_core_reg(t, value);
    else if (reg == 0b1000)
        st_.fpexc = host_.core_reg(t) & kFpexcWritable;
    // Writes to FPSID/MVFR0/MVFR1 are ignored.
    return VfpResult::Done;
}

// ---- load/store (LDC/STC space) and 64-bit transfers --------------------------------------------

VfpResult Exec::load_store()
{
    const unsigned pudw = field(insn_, 24, 21);
    const bool dp = bit(insn_, 8);
    if (pudw == 0b0010 || pudw == 0b0000) {  // P=0 U=0 W=0
        if (pudw == 0b0000) return VfpResult::Undefined;
        return transfer64();
    }
    if (!enabled()) return VfpResult::Undefined;
    const bool p = bit(insn_, 24), u = bit(insn_, 23), w = bit(insn_, 21);
    if (p && !w) return load_store_single(dp);  // VLDR/VSTR
    if (p == u) return VfpResult::Undefined;    // P=U=W=1 and P=U=0,W=1
    return load_store_multiple(dp);             // IA (P=0 U=1) or DB with writeback (P=1 U=0 W=1)
}

VfpResult Exec::transfer64()
{
    // VMOV two core registers <-> two singles / one double: cond 1100 010 op Rt2 Rt 101 sz 00 M 1 Vm
    if (field(insn_, 7, 6) != 0 || !bit(insn_, 4)) return VfpResult::Undefined;
    if (!enabled()) return VfpResult::Undefined;
    const bool to_core = bit(insn_, 20);
    const unsigned t2 = field(insn_, 19, 16), t = field(insn_, 15, 12);
    if (t == 15 || t2 == 15 || (to_core && t == t2)) return VfpResult::Undefined;
    if (bit(insn_, 8)) {
        const unsigned m = reg_m(true);
        if (m > 15) return VfpResult::Undefined;
        if (to_core) {
            host_.set_core_reg(t, static_cast<std::uint32_t>(D(m)));
            host_.set_core_reg(t2, static_cast<std::uint32_t>(D(m) >> 32));
        } else {
            set_D(m, (std::uint64_t{host_.core_reg(t2)} << 32) | host_.core_reg(t));
        }
    } else {
        const unsigned m = reg_m(false);
        if (m == 31) return VfpResult::Undefined;
        if (to_core) {
            host_.set_core_reg(t, S(m));
            host_.set_core_reg(t2, S(m + 1));
        } else {
            const std::uint32_t v1 = host_.core_reg(t), v2 = host_.core_reg(t2);
            set_S(m, v1);
            set_S(m + 1, v2);
        }
    }
    return VfpResult::Done;
}

VfpResult Exec::load_store_single(bool dp)
{
    const bool load = bit(insn_, 20), add = bit(insn_, 23);
    const unsigned n = field(insn_, 19, 16);
    const std::uint32_t imm32 = field(insn_, 7, 0) << 2;
    const unsigned d = reg_d(dp);
    if (dp && d > 15) return VfpResult::Undefined;
    const std::uint32_t base = base_reg(n);
    const std::uint32_t addr = add ? base + imm32 : base - imm32;
    if (dp) {
        if (load) {
            std::uint32_t lo, hi;
            if (!host_.load32(addr, lo) || !host_.load32(addr + 4, hi)) return VfpResult::Aborted;
            set_D(d, (std::uint64_t{hi} << 32) | lo);
        } else {
            if (!host_.store32(addr, static_cast<std::uint32_t>(D(d))) ||
                !host_.store32(addr + 4, static_cast<std::uint32_t>(D(d) >> 32)))
                return VfpResult::Aborted;
        }
    } else {
        if (load) {
            std::uint32_t v;
            if (!host_.load32(addr, v)) return VfpResult::Aborted;
            set_S(d, v);
        } else {
            if (!host_.store32(addr, S(d))) return VfpResult::Aborted;
        }
    }
    return VfpResult::Done;
}

VfpResult Exec::load_store_multiple(bool dp)
{
    const bool load = bit(insn_, 20), add = bit(insn_, 23), wback = bit(insn_, 21);
    const unsigned n = field(insn_, 19, 16);
    const unsigned imm8 = field(insn_, 7, 0);
    const std::uint32_t imm32 = imm8 << 2;  // FLDMX/FSTMX (odd imm8 with sz=1) include the extra word
    const unsigned d = reg_d(dp);
    const unsigned regs = dp ? imm8 / 2 : imm8;
    if (regs == 0 || d + regs > 32) return VfpResult::Undefined;
    if (dp && (regs > 16 || d + regs > 16)) return VfpResult::Undefined;  // D16
    if (wback && n == 15) return VfpResult::Undefined;
    const std::uint32_t base = base_reg(n);
    std::uint32_t addr = add ? base : base - imm32;
    if (load) {
        // Loads are committed only once all of them succeeded (an abort leaves the registers intact).
        std::uint32_t words[32];
        const unsigned nwords = dp ? regs * 2 : regs;
        for (unsigned i = 0; i < nwords; ++i, addr += 4)
            if (!host_.load32(addr, words[i])) return VfpResult::Aborted;
        for (unsigned r = 0; r < regs; ++r) {
            if (dp)
                set_D(d + r, (std::uint64_t{words[2 * r + 1]} << 32) | words[2 * r]);
            else
                set_S(d + r, words[r]);
        }
    } else {
        for (unsigned r = 0; r < regs; ++r) {
            if (dp) {
                if (!host_.store32(addr, static_cast<std::uint32_t>(D(d + r))) ||
                    !host_.store32(addr + 4, static_cast<std::uint32_t>(D(d + r) >> 32)))
                    return VfpResult::Aborted;
                addr += 8;
            } else {
                if (!host_.store32(addr, S(d + r))) return VfpResult::Aborted;
                addr += 4;
            }
        }
    }
    if (wback) host_.set_core_reg(n, add ? base + imm32 : base - imm32);
    return VfpResult::Done;
}

}  // namespace

VfpResult vfp_execute(VfpState& state, std::uint32_t insn, VfpHost& host) { return Exec(state, insn, host).run(); }

std::uint32_t vfp_fpsid() { return kFpsid; }
std::uint32_t vfp_mvfr0() { return kMvfr0; }
std::uint32_t vfp_mvfr1() { return kMvfr1; }

}  // namespace emu::arm
