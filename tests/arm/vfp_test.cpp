// Tests for the VFPv3-D16/VFPv4 unit (plugins/cpu-arm/vfp*.cpp): instruction decode, ARM-exact
// arithmetic (rounding modes, NaN rules, FZ/DN, exception flags), conversions, transfers,
// load/store multiple and the UNDEFINED cases; plus randomized checks of the host-FPU fast paths
// against the pure software paths, of the software paths against the host FPU (all rounding
// modes, where IEEE 754 and ARM agree), and a golden table recorded from qemu-arm -cpu cortex-a15.
#include <gtest/gtest.h>

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "vfp.h"
#include "vfp_fp.h"

namespace {

using namespace emu::arm;
using std::uint32_t;
using std::uint64_t;

// ---- fake core ---------------------------------------------------------------------------------

class FakeHost : public VfpHost {
public:
    uint32_t r[16]{};
    uint32_t nzcv = 0;
    bool priv = true;
    std::map<uint32_t, uint32_t> mem;
    std::set<uint32_t> abort_at;  // word addresses whose access aborts
    std::vector<uint32_t> loads, stores;

    uint32_t core_reg(unsigned n) override { return r[n]; }
    void set_core_reg(unsigned n, uint32_t v) override { r[n] = v; }
    void set_nzcv(uint32_t v) override { nzcv = v; }
    bool load32(uint32_t va, uint32_t& value) override
    {
        loads.push_back(va);
        if (abort_at.count(va)) return false;
        auto it = mem.find(va);
        value = it == mem.end() ? 0 : it->second;
        return true;
    }
    bool store32(uint32_t va, uint32_t value) override
    {
        stores.push_back(va);
        if (abort_at.count(va)) return false;
        mem[va] = value;
        return true;
    }
    bool privileged() const override { return priv; }
};

// ---- instruction encoders (A32, cond = AL) -----------------------------------------------------

struct R {
    unsigned n;
    bool dbl;
};
constexpr R S(unsigned n) { return {n, false}; }
constexpr R D(unsigned n) { return {n, true}; }
constexpr uint32_t szb(bool dbl) { return dbl ? 0x100u : 0u; }
constexpr uint32_t vd(R r) { return r.dbl ? ((r.n & 15u) << 12) | ((r.n >> 4) << 22) : ((r.n >> 1) << 12) | ((r.n & 1u) << 22); }
constexpr uint32_t vn(R r) { return r.dbl ? ((r.n & 15u) << 16) | ((r.n >> 4) << 7) : ((r.n >> 1) << 16) | ((r.n & 1u) << 7); }
constexpr uint32_t vm(R r) { return r.dbl ? (r.n & 15u) | ((r.n >> 4) << 5) : (r.n >> 1) | ((r.n & 1u) << 5); }

constexpr uint32_t dp3(unsigned opc, unsigned op, R d, R n, R m)
{
    return 0xEE000A00u | szb(d.dbl) | ((opc >> 2) << 23) | ((opc & 3u) << 20) | (op << 6) | vd(d) | vn(n) | vm(m);
}
constexpr uint32_t VMLA(R d, R n, R m) { return dp3(0, 0, d, n, m); }
constexpr uint32_t VMLS(R d, R n, R m) { return dp3(0, 1, d, n, m); }
constexpr uint32_t VNMLS(R d, R n, R m) { return dp3(1, 0, d, n, m); }
constexpr uint32_t VNMLA(R d, R n, R m) { return dp3(1, 1, d, n, m); }
constexpr uint32_t VMUL(R d, R n, R m) { return dp3(2, 0, d, n, m); }
constexpr uint32_t VNMUL(R d, R n, R m) { return dp3(2, 1, d, n, m); }
constexpr uint32_t VADD(R d, R n, R m) { return dp3(3, 0, d, n, m); }
constexpr uint32_t VSUB(R d, R n, R m) { return dp3(3, 1, d, n, m); }
constexpr uint32_t VDIV(R d, R n, R m) { return dp3(4, 0, d, n, m); }
constexpr uint32_t VFNMS(R d, R n, R m) { return dp3(5, 0, d, n, m); }
constexpr uint32_t VFNMA(R d, R n, R m) { return dp3(5, 1, d, n, m); }
constexpr uint32_t VFMA(R d, R n, R m) { return dp3(6, 0, d, n, m); }
constexpr uint32_t VFMS(R d, R n, R m) { return dp3(6, 1, d, n, m); }

constexpr uint32_t dp2(unsigned opc2, unsigned b7, bool dblsz, uint32_t dfield, uint32_t mfield)
{
    return 0xEEB00A40u | szb(dblsz) | (opc2 << 16) | (b7 << 7) | dfield | mfield;
}
constexpr uint32_t VMOVr(R d, R m) { return dp2(0, 0, d.dbl, vd(d), vm(m)); }
constexpr uint32_t VABS(R d, R m) { return dp2(0, 1, d.dbl, vd(d), vm(m)); }
constexpr uint32_t VNEG(R d, R m) { return dp2(1, 0, d.dbl, vd(d), vm(m)); }
constexpr uint32_t VSQRT(R d, R m) { return dp2(1, 1, d.dbl, vd(d), vm(m)); }
constexpr uint32_t VCMP(R d, R m, bool e = false) { return dp2(4, e, d.dbl, vd(d), vm(m)); }
constexpr uint32_t VCMP0(R d, bool e = false) { return dp2(5, e, d.dbl, vd(d), 0); }
constexpr uint32_t VCVT_F64_F32(R d, R m) { return dp2(7, 1, false, vd(d), vm(m)); }
constexpr uint32_t VCVT_F32_F64(R d, R m) { return dp2(7, 1, true, vd(d), vm(m)); }
// float -> 32-bit integer into single register d; rz = VCVT (round to zero), !rz = VCVTR (FPSCR mode)
constexpr uint32_t VCVT_TOINT(R d, R m, bool is_signed, bool rz = true) { return dp2(is_signed ? 13 : 12, rz, m.dbl, vd(d), vm(m)); }
// 32-bit integer in single register m -> float d
constexpr uint32_t VCVT_FROMINT(R d, R m, bool is_signed) { return dp2(8, is_signed, d.dbl, vd(d), vm(m)); }
constexpr uint32_t VCVT_FIXED(R r, bool to_fixed, bool is_unsigned, unsigned size, unsigned fbits)
{
    const unsigned imm = size - fbits;
    return dp2(0b1010u | (to_fixed ? 4u : 0u) | (is_unsigned ? 1u : 0u), size == 32, r.dbl, vd(r),
               ((imm >> 1) & 15u) | ((imm & 1u) << 5));
}
constexpr uint32_t VCVTB_F32_F16(R d, R m) { return dp2(2, 0, false, vd(d), vm(m)); }
constexpr uint32_t VCVTT_F32_F16(R d, R m) { return dp2(2, 1, false, vd(d), vm(m)); }
constexpr uint32_t VCVTB_F16_F32(R d, R m) { return dp2(3, 0, false, vd(d), vm(m)); }
constexpr uint32_t VCVTT_F16_F32(R d, R m) { return dp2(3, 1, false, vd(d), vm(m)); }
constexpr uint32_t VMOVimm(R d, unsigned imm8) { return 0xEEB00A00u | szb(d.dbl) | ((imm8 >> 4) << 16) | (imm8 & 15u) | vd(d); }

constexpr uint32_t VMOV_S_CORE(R s, unsigned rt, bool to_core) { return 0xEE000A10u | (to_core ? 1u << 20 : 0u) | vn(s) | (rt << 12); }
constexpr uint32_t VMOV_2CORE(R m, unsigned rt, unsigned rt2, bool to_core)
{
    return 0xEC400A10u | szb(m.dbl) | (to_core ? 1u << 20 : 0u) | (rt2 << 16) | (rt << 12) | vm(m);
}
constexpr uint32_t VMOV_SCALAR(R d, unsigned idx, unsigned rt, bool to_core)
{
    return 0xEE000B10u | (to_core ? 1u << 20 : 0u) | (idx << 21) | vn(d) | (rt << 12);
}
enum SysReg : unsigned { FPSID = 0, FPSCR = 1, MVFR1 = 6, MVFR0 = 7, FPEXC = 8 };
constexpr uint32_t VMRS(unsigned reg, unsigned rt) { return 0xEEF00A10u | (reg << 16) | (rt << 12); }
constexpr uint32_t VMSR(unsigned reg, unsigned rt) { return 0xEEE00A10u | (reg << 16) | (rt << 12); }
constexpr uint32_t VLDR(R d, unsigned rn, int words, bool load = true)
{
    const unsigned u = words >= 0 ? 1u : 0u;
    const unsigned imm = static_cast<unsigned>(words >= 0 ? words : -words);
    return 0xED000A00u | szb(d.dbl) | (u << 23) | (load ? 1u << 20 : 0u) | (rn << 16) | vd(d) | imm;
}
constexpr uint32_t VSTR(R d, unsigned rn, int words) { return VLDR(d, rn, words, false); }
// Load/store multiple: imm8 = word count (doubles: 2 per register, +1 for FLDMX/FSTMX).
constexpr uint32_t VLDM(R first, unsigned imm8, unsigned rn, bool db, bool wback, bool load = true)
{
    return 0xEC000A00u | szb(first.dbl) | (db ? 1u << 24 : 1u << 23) | (wback ? 1u << 21 : 0u) | (load ? 1u << 20 : 0u) |
           (rn << 16) | vd(first) | imm8;
}
constexpr uint32_t VSTM(R first, unsigned imm8, unsigned rn, bool db, bool wback) { return VLDM(first, imm8, rn, db, wback, false); }

// ---- constants ---------------------------------------------------------------------------------

constexpr uint32_t IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;
constexpr uint32_t kFlags = 0x9F;
constexpr uint32_t RN = 0u << 22, RP = 1u << 22, RM = 2u << 22, RZ = 3u << 22;
constexpr uint32_t FZ = 1u << 24, DN = 1u << 25, AHP = 1u << 26;
constexpr uint32_t kEn = 1u << 30;

uint32_t fbits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t dbits(double f) { return std::bit_cast<uint64_t>(f); }

class VfpTest : public ::testing::Test {
protected:
    VfpState st;
    FakeHost host;

    void SetUp() override { st.fpexc = kEn; }

    VfpResult exec(uint32_t insn) { return vfp_execute(st, insn, host); }
    uint32_t s(unsigned n) const { return static_cast<uint32_t>(st.d[n >> 1] >> ((n & 1u) * 32)); }
    void set_s(unsigned n, uint32_t v)
    {
        const unsigned sh = (n & 1u) * 32;
        st.d[n >> 1] = (st.d[n >> 1] & ~(0xFFFFFFFFull << sh)) | (uint64_t{v} << sh);
    }
    uint32_t flags() const { return st.fpscr & kFlags; }

    // s0 = op(s1, s2) (s0 is also the accumulator), starting from FPSCR = fpscr.
    uint32_t run_s(uint32_t insn, uint32_t a, uint32_t b, uint32_t fpscr = RN, uint32_t acc = 0)
    {
        set_s(0, acc);
        set_s(1, a);
        set_s(2, b);
        st.fpscr = fpscr;
        EXPECT_EQ(exec(insn), VfpResult::Done);
        return s(0);
    }
    // d0 = op(d1, d2).
    uint64_t run_d(uint32_t insn, uint64_t a, uint64_t b, uint32_t fpscr = RN, uint64_t acc = 0)
    {
        st.d[0] = acc;
        st.d[1] = a;
        st.d[2] = b;
        st.fpscr = fpscr;
        EXPECT_EQ(exec(insn), VfpResult::Done);
        return st.d[0];
    }
};

constexpr uint32_t kAddS = VADD(S(0), S(1), S(2)), kSubS = VSUB(S(0), S(1), S(2)), kMulS = VMUL(S(0), S(1), S(2)),
                   kDivS = VDIV(S(0), S(1), S(2));
constexpr uint32_t kAddD = VADD(D(0), D(1), D(2)), kMulD = VMUL(D(0), D(1), D(2)), kDivD = VDIV(D(0), D(1), D(2));

// ---- encoders vs. GNU as -----------------------------------------------------------------------

TEST(VfpEncoding, HelpersMatchGnuAssembler)
{
    struct {
        uint32_t ours, gas;
    } const cases[] = {
        {VADD(S(0), S(1), S(2)), 0xee300a81},     {VADD(D(3), D(4), D(5)), 0xee343b05},
        {VSUB(S(31), S(30), S(29)), 0xee7ffa6e},  {VMUL(D(15), D(14), D(13)), 0xee2efb0d},
        {VNMUL(S(1), S(2), S(3)), 0xee610a61},    {VDIV(D(0), D(1), D(2)), 0xee810b02},
        {VMLA(S(4), S(5), S(6)), 0xee022a83},     {VMLS(D(4), D(5), D(6)), 0xee054b46},
        {VNMLA(S(4), S(5), S(6)), 0xee122ac3},    {VNMLS(D(4), D(5), D(6)), 0xee154b06},
        {VFMA(S(4), S(5), S(6)), 0xeea22a83},     {VFMS(D(4), D(5), D(6)), 0xeea54b46},
        {VFNMA(S(4), S(5), S(6)), 0xee922ac3},    {VFNMS(D(4), D(5), D(6)), 0xee954b06},
        {VABS(S(3), S(7)), 0xeef01ae3},           {VNEG(D(2), D(9)), 0xeeb12b49},
        {VSQRT(S(0), S(1)), 0xeeb10ae0},          {VMOVr(D(1), D(2)), 0xeeb01b42},
        {VMOVimm(S(0), 0x70), 0xeeb70a00},        {VMOVimm(D(7), 0xC8), 0xeebc7b08},
        {VCMP(S(0), S(1)), 0xeeb40a60},           {VCMP(D(0), D(1), true), 0xeeb40bc1},
        {VCMP0(S(3)), 0xeef51a40},                {VCMP0(D(5), true), 0xeeb55bc0},
        {VCVT_F64_F32(D(1), S(3)), 0xeeb71ae1},   {VCVT_F32_F64(S(3), D(1)), 0xeef71bc1},
        {VCVT_TOINT(S(0), S(1), true), 0xeebd0ae0}, {VCVT_TOINT(S(0), D(1), false, false), 0xeebc0b41},
        {VCVT_FROMINT(S(0), S(1), true), 0xeeb80ae0}, {VCVT_FROMINT(D(0), S(1), false), 0xeeb80b60},
        {VCVT_FIXED(S(2), true, false, 32, 16), 0xeebe1ac8}, {VCVT_FIXED(D(2), true, true, 16, 8), 0xeebf2b44},
        {VCVT_FIXED(S(2), false, false, 16, 8), 0xeeba1a44}, {VCVT_FIXED(D(2), false, true, 32, 32), 0xeebb2bc0},
        {VCVTB_F32_F16(S(0), S(1)), 0xeeb20a60},  {VCVTT_F16_F32(S(0), S(1)), 0xeeb30ae0},
        {VMOV_S_CORE(S(3), 2, false), 0xee012a90}, {VMOV_S_CORE(S(3), 2, true), 0xee112a90},
        {VMOV_2CORE(D(3), 4, 5, false), 0xec454b13}, {VMOV_2CORE(D(3), 4, 5, true), 0xec554b13},
        {VMOV_2CORE(S(2), 4, 5, false), 0xec454a11}, {VMOV_2CORE(S(2), 4, 5, true), 0xec554a11},
        {VMOV_SCALAR(D(5), 1, 6, false), 0xee256b10}, {VMOV_SCALAR(D(5), 0, 6, true), 0xee156b10},
        {VMRS(FPSCR, 3), 0xeef13a10},             {VMRS(FPSCR, 15), 0xeef1fa10},
        {VMSR(FPSCR, 3), 0xeee13a10},             {VMRS(FPEXC, 3), 0xeef83a10},
        {VMSR(FPEXC, 3), 0xeee83a10},             {VMRS(FPSID, 3), 0xeef03a10},
        {VMRS(MVFR0, 3), 0xeef73a10},             {VMRS(MVFR1, 3), 0xeef63a10},
        {VLDR(S(5), 1, 2), 0xedd12a02},           {VLDR(D(5), 1, -2), 0xed115b02},
        {VSTR(D(5), 13, 255), 0xed8d5bff},        {VSTR(S(0), 2, 0), 0xed820a00},
        {VLDM(S(0), 4, 0, false, true), 0xecb00a04}, {VSTM(D(8), 16, 0, true, true), 0xed208b10},
        {VSTM(D(8), 16, 13, true, true), 0xed2d8b10}, {VLDM(D(8), 16, 13, false, true), 0xecbd8b10},
        {VLDM(D(0), 6, 1, false, false), 0xec910b06}, {VLDM(D(0), 5, 0, false, true), 0xecb00b05},
        {VSTM(D(8), 3, 13, true, true), 0xed2d8b03}, {VADD(D(16), D(0), D(1)), 0xee700b01},
    };
    for (const auto& c : cases) EXPECT_EQ(c.ours, c.gas) << std::hex << c.gas;
}

// ---- ID registers --------------------------------------------------------------------------------

TEST(VfpIdRegisters, Values)
{
    EXPECT_EQ(vfp_fpsid(), 0x410430F0u);
    EXPECT_EQ(vfp_mvfr0() & 0xFu, 1u);                // 16 x 64-bit registers (D16)
    EXPECT_EQ((vfp_mvfr0() >> 4) & 0xFu, 2u);         // single precision VFPv3+
    EXPECT_EQ((vfp_mvfr0() >> 8) & 0xFu, 2u);         // double precision VFPv3+
    EXPECT_EQ((vfp_mvfr0() >> 12) & 0xFu, 0u);        // no exception trapping
    EXPECT_EQ((vfp_mvfr0() >> 24) & 0xFu, 0u);        // no short vectors
    EXPECT_EQ(vfp_mvfr0(), 0x10110221u);
    EXPECT_EQ(vfp_mvfr1() >> 28, 1u);                 // fused multiply-accumulate (VFPv4)
    EXPECT_EQ((vfp_mvfr1() >> 24) & 0xFu, 1u);        // half-precision conversion
    EXPECT_EQ(vfp_mvfr1() & 0x000FFF00u, 0u);         // no Advanced SIMD
    EXPECT_EQ(vfp_mvfr1(), 0x11000011u);
}

TEST_F(VfpTest, VmrsIdRegistersPrivileged)
{
    ASSERT_EQ(exec(VMRS(FPSID, 1)), VfpResult::Done);
    EXPECT_EQ(host.r[1], vfp_fpsid());
    ASSERT_EQ(exec(VMRS(MVFR0, 2)), VfpResult::Done);
    EXPECT_EQ(host.r[2], vfp_mvfr0());
    ASSERT_EQ(exec(VMRS(MVFR1, 3)), VfpResult::Done);
    EXPECT_EQ(host.r[3], vfp_mvfr1());
    host.r[4] = 0x12345678;
    ASSERT_EQ(exec(VMSR(FPSID, 4)), VfpResult::Done);  // ignored
    ASSERT_EQ(exec(VMRS(FPSID, 1)), VfpResult::Done);
    EXPECT_EQ(host.r[1], vfp_fpsid());
    host.priv = false;
    EXPECT_EQ(exec(VMRS(FPSID, 1)), VfpResult::Undefined);
    EXPECT_EQ(exec(VMRS(MVFR0, 1)), VfpResult::Undefined);
    EXPECT_EQ(exec(VMRS(MVFR1, 1)), VfpResult::Undefined);
    EXPECT_EQ(exec(VMRS(FPEXC, 1)), VfpResult::Undefined);
    EXPECT_EQ(exec(VMSR(FPEXC, 1)), VfpResult::Undefined);
    EXPECT_EQ(exec(VMRS(FPSCR, 1)), VfpResult::Done);  // FPSCR is user-accessible
}

// ---- system registers ----------------------------------------------------------------------------

TEST_F(VfpTest, FpscrReadWriteMasksTrapEnables)
{
    host.r[3] = 0xFFFFFFFF;
    ASSERT_EQ(exec(VMSR(FPSCR, 3)), VfpResult::Done);
    EXPECT_EQ(st.fpscr, 0xF7F7009Fu);  // IDE/IXE/UFE/OFE/DZE/IOE (no trapping) and QC (no Advanced SIMD) RAZ/WI
    host.r[5] = 0;
    ASSERT_EQ(exec(VMRS(FPSCR, 5)), VfpResult::Done);
    EXPECT_EQ(host.r[5], 0xF7F7009Fu);
    st.fpscr = 0x60000010;
    ASSERT_EQ(exec(VMRS(FPSCR, 15)), VfpResult::Done);  // VMRS APSR_nzcv, FPSCR
    EXPECT_EQ(host.nzcv, 0x60000000u);
    EXPECT_EQ(exec(VMSR(FPSCR, 15)), VfpResult::Undefined);
}

TEST_F(VfpTest, FpexcOnlyEnIsWritableAndAccessibleWhileDisabled)
{
    st.fpexc = 0;
    host.r[2] = 0xFFFFFFFF;
    ASSERT_EQ(exec(VMSR(FPEXC, 2)), VfpResult::Done);
    EXPECT_EQ(st.fpexc, kEn);
    host.r[2] = 0;
    ASSERT_EQ(exec(VMSR(FPEXC, 2)), VfpResult::Done);
    EXPECT_EQ(st.fpexc, 0u);
    ASSERT_EQ(exec(VMRS(FPEXC, 7)), VfpResult::Done);
    EXPECT_EQ(host.r[7], 0u);
    ASSERT_EQ(exec(VMRS(MVFR0, 7)), VfpResult::Done);  // ID registers too
    EXPECT_EQ(host.r[7], vfp_mvfr0());
}

// ---- UNDEFINED ---------------------------------------------------------------------------------

TEST_F(VfpTest, DisabledUnitIsUndefined)
{
    st.fpexc = 0;
    const VfpState before = st;
    for (uint32_t insn : {kAddS, kAddD, VSQRT(S(0), S(1)), VCMP(S(0), S(1)), VMOVimm(S(0), 0x70), VMRS(FPSCR, 1),
                          VMSR(FPSCR, 1), VMRS(FPSCR, 15), VMOV_S_CORE(S(1), 1, true), VMOV_S_CORE(S(1), 1, false),
                          VMOV_2CORE(D(1), 1, 2, true), VMOV_SCALAR(D(1), 0, 1, true), VLDR(S(0), 1, 0),
                          VSTR(D(0), 1, 0), VLDM(D(0), 4, 1, false, true), VSTM(S(0), 1, 13, true, true)})
        EXPECT_EQ(exec(insn), VfpResult::Undefined) << std::hex << insn;
    EXPECT_EQ(std::memcmp(&before, &st, sizeof st), 0);
    EXPECT_TRUE(host.loads.empty());
    EXPECT_TRUE(host.stores.empty());
    EXPECT_EQ(host.r[1], 0u);
}

TEST_F(VfpTest, D16RegistersAboveD15AreUndefined)
{
    for (uint32_t insn : {VADD(D(16), D(0), D(1)), VADD(D(0), D(16), D(1)), VADD(D(0), D(1), D(31)),
                          VFMA(D(17), D(1), D(2)), VSQRT(D(0), D(16)), VMOVr(D(20), D(0)), VMOVimm(D(16), 0x70),
                          VCMP(D(16), D(0)), VCMP0(D(16)), VCVT_F64_F32(D(16), S(0)), VCVT_F32_F64(S(0), D(16)),
                          VCVT_TOINT(S(0), D(16), true), VCVT_FROMINT(D(16), S(0), true),
                          VCVT_FIXED(D(16), true, false, 32, 1), VMOV_2CORE(D(16), 0, 1, true),
                          VMOV_SCALAR(D(16), 0, 1, true), VMOV_SCALAR(D(16), 1, 1, false), VLDR(D(16), 0, 0),
                          VSTR(D(31), 0, 0), VLDM(D(15), 4, 0, false, false), VLDM(D(16), 2, 0, false, false),
                          VSTM(D(0), 34, 13, true, true), VLDM(D(8), 18, 0, false, true)})
        EXPECT_EQ(exec(insn), VfpResult::Undefined) << std::hex << insn;
    // ... while all 32 single registers exist, and d15 is fine.
    EXPECT_EQ(exec(VADD(S(31), S(30), S(29))), VfpResult::Done);
    EXPECT_EQ(exec(VADD(D(15), D(15), D(15))), VfpResult::Done);
    EXPECT_EQ(exec(VLDM(D(8), 16, 0, false, false)), VfpResult::Done);
    EXPECT_EQ(exec(VLDM(S(0), 32, 0, false, false)), VfpResult::Done);
}

TEST_F(VfpTest, OtherUndefinedEncodings)
{
    const uint32_t cases[] = {
        VDIV(S(0), S(1), S(2)) | (1u << 6),            // VDIV with op=1
        VCVTB_F32_F16(S(0), S(1)) | 0x100u,            // VCVTB to/from double: ARMv8 only
        dp2(7, 0, false, vd(S(0)), vm(S(1))),          // VRINTX (ARMv8)
        dp2(6, 1, false, vd(S(0)), vm(S(1))),          // VRINTZ (ARMv8)
        dp2(9, 1, true, vd(S(0)), vm(D(1))),           // VJCVT (ARMv8.3)
        VCMP0(S(0)) | 1u,                              // VCMP #0 with Vm != 0
        VMOVimm(S(0), 0x70) | 0x80u,                   // VMOV imm with bit 7 set
        VCVT_FIXED(S(0), true, false, 16, 0) + 1u,     // frac_bits < 0 (imm > 16)
        0xEE400B10u,                                   // VMOV.8 d0[0], r0 (Advanced SIMD)
        0xEE000B30u,                                   // VMOV.16 d0[0], r0 (Advanced SIMD)
        0xEE900B10u,                                   // VMOV.U8 r0, d0[0] (Advanced SIMD)
        0xEE800B10u,                                   // VDUP.32 d0, r0 (Advanced SIMD)
        VMRS(9, 1), VMRS(10, 1), VMRS(2, 1),           // FPINST/FPINST2/reserved
        VMOV_S_CORE(S(0), 15, true),                   // Rt = PC
        VMOV_2CORE(D(0), 3, 3, true),                  // Rt == Rt2 (to core)
        VMOV_2CORE(S(31), 1, 2, false),                // S31 pair
        0xEC100A00u,                                   // P=U=W=0, D=0: undefined
        0xEDB00A01u,                                   // P=1 U=1 W=1
        VLDM(S(0), 0, 0, false, false),                // empty list
        VLDM(S(30), 3, 0, false, false),               // beyond s31
        VLDM(S(0), 1, 15, false, true),                // PC writeback
        0xEE100E10u,                                   // MRC p14: not VFP
        0xEE300881u,                                   // coprocessor 8
        0xE2000000u,                                   // not a coprocessor instruction
    };
    const VfpState before = st;
    for (uint32_t insn : cases) EXPECT_EQ(exec(insn), VfpResult::Undefined) << std::hex << insn;
    EXPECT_EQ(std::memcmp(&before, &st, sizeof st), 0);
}

TEST_F(VfpTest, ShortVectorLenStrideMakesVectorCapableOpsUndefined)
{
    st.fpscr = 1u << 16;  // LEN = 1
    EXPECT_EQ(exec(kAddS), VfpResult::Undefined);
    EXPECT_EQ(exec(VMOVr(S(0), S(1))), VfpResult::Undefined);
    EXPECT_EQ(exec(VMOVimm(S(0), 0x70)), VfpResult::Undefined);
    EXPECT_EQ(exec(VCMP(S(0), S(1))), VfpResult::Done);  // compares/conversions are always scalar
    EXPECT_EQ(exec(VCVT_F64_F32(D(0), S(2))), VfpResult::Done);
    st.fpscr = 1u << 20;  // STRIDE = 1
    EXPECT_EQ(exec(kAddD), VfpResult::Undefined);
}

// ---- arithmetic -------------------------------------------------------------------------------------

TEST_F(VfpTest, BasicArithmetic)
{
    EXPECT_EQ(run_s(kAddS, fbits(1.0f), fbits(2.0f)), fbits(3.0f));
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(kSubS, fbits(1.0f), fbits(2.5f)), fbits(-1.5f));
    EXPECT_EQ(run_s(kMulS, fbits(1.5f), fbits(-4.0f)), fbits(-6.0f));
    EXPECT_EQ(run_s(kDivS, fbits(1.0f), fbits(3.0f)), 0x3EAAAAABu);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(run_d(kAddD, dbits(1.0), dbits(2.0)), dbits(3.0));
    EXPECT_EQ(run_d(kMulD, dbits(0.1), dbits(3.0)), dbits(0.1 * 3.0));
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(run_d(kDivD, dbits(1.0), dbits(3.0)), 0x3FD5555555555555u);
    set_s(1, fbits(2.0f));
    ASSERT_EQ(exec(VSQRT(S(0), S(1))), VfpResult::Done);
    EXPECT_EQ(s(0), 0x3FB504F3u);
    st.d[3] = dbits(-2.0);
    ASSERT_EQ(exec(VABS(D(4), D(3))), VfpResult::Done);
    EXPECT_EQ(st.d[4], dbits(2.0));
    ASSERT_EQ(exec(VNEG(D(5), D(4))), VfpResult::Done);
    EXPECT_EQ(st.d[5], dbits(-2.0));
    ASSERT_EQ(exec(VMOVr(D(6), D(5))), VfpResult::Done);
    EXPECT_EQ(st.d[6], dbits(-2.0));
    // single ops on odd registers leave the other half of the D register alone
    st.d[7] = 0x1111111122222222u;
    set_s(0, fbits(1.0f));
    ASSERT_EQ(exec(VADD(S(15), S(0), S(0))), VfpResult::Done);
    EXPECT_EQ(st.d[7], 0x4000000022222222u);
}

TEST_F(VfpTest, RoundingModes)
{
    const uint32_t one = 0x3F800000, half_ulp = 0x33800000 /* 2^-24 */;
    EXPECT_EQ(run_s(kAddS, one, half_ulp, RN), 0x3F800000u);  // tie -> even
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(run_s(kAddS, one, half_ulp, RP), 0x3F800001u);
    EXPECT_EQ(run_s(kAddS, one, half_ulp, RM), 0x3F800000u);
    EXPECT_EQ(run_s(kAddS, one, half_ulp, RZ), 0x3F800000u);
    EXPECT_EQ(run_s(kAddS, one | 0x80000000u, half_ulp | 0x80000000u, RN), 0xBF800000u);
    EXPECT_EQ(run_s(kAddS, one | 0x80000000u, half_ulp | 0x80000000u, RP), 0xBF800000u);
    EXPECT_EQ(run_s(kAddS, one | 0x80000000u, half_ulp | 0x80000000u, RM), 0xBF800001u);
    EXPECT_EQ(run_s(kAddS, one | 0x80000000u, half_ulp | 0x80000000u, RZ), 0xBF800000u);
    EXPECT_EQ(run_s(kAddS, 0x3F800001u, half_ulp, RN), 0x3F800002u);  // tie -> even (up)
    EXPECT_EQ(run_s(kAddS, one, 0x33C00000u /* 1.5 * 2^-24 */, RN), 0x3F800001u);
    // exact zero: +0 except in round-towards-minus-infinity
    EXPECT_EQ(run_s(kSubS, one, one, RN), 0x00000000u);
    EXPECT_EQ(run_s(kSubS, one, one, RM), 0x80000000u);
    EXPECT_EQ(run_s(kAddS, 0x80000000u, 0x00000000u, RN), 0x00000000u);
    EXPECT_EQ(run_s(kAddS, 0x80000000u, 0x00000000u, RM), 0x80000000u);
    EXPECT_EQ(run_s(kAddS, 0x80000000u, 0x80000000u, RN), 0x80000000u);
    EXPECT_EQ(flags(), 0u);
    // double
    EXPECT_EQ(run_d(kAddD, dbits(1.0), 0x3CA0000000000000u /* 2^-53 */, RN), dbits(1.0));
    EXPECT_EQ(run_d(kAddD, dbits(1.0), 0x3CA0000000000000u, RP), 0x3FF0000000000001u);
    EXPECT_EQ(run_d(kDivD, dbits(-1.0), dbits(3.0), RM), 0xBFD5555555555556u);
    EXPECT_EQ(run_d(kDivD, dbits(-1.0), dbits(3.0), RZ), 0xBFD5555555555555u);
    EXPECT_EQ(flags(), IXC);
}

TEST_F(VfpTest, NaNPropagation)
{
    const uint32_t qnan1 = 0x7FC00001, qnan2 = 0xFFC00002, snan = 0x7F800003, nsnan = 0xFF800005;
    EXPECT_EQ(run_s(kAddS, qnan1, fbits(1.0f)), qnan1);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(kAddS, fbits(1.0f), qnan2), qnan2);
    EXPECT_EQ(run_s(kAddS, qnan1, qnan2), qnan1);  // first quiet NaN
    EXPECT_EQ(run_s(kAddS, qnan1, snan), 0x7FC00003u);  // a signalling NaN wins, quietened
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(run_s(kMulS, nsnan, qnan1), 0xFFC00005u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(run_s(kSubS, fbits(1.0f), qnan2), qnan2);  // VSUB does not negate a NaN operand
    EXPECT_EQ(run_s(kDivS, snan, nsnan), 0x7FC00003u);   // first signalling NaN
    // default NaN mode
    EXPECT_EQ(run_s(kAddS, qnan1, fbits(1.0f), DN), 0x7FC00000u);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(kAddS, fbits(1.0f), snan, DN), 0x7FC00000u);
    EXPECT_EQ(flags(), IOC);
    // double
    EXPECT_EQ(run_d(kAddD, dbits(1.0), 0x7FF0000000000001u), 0x7FF8000000000001u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(run_d(kMulD, 0xFFF8000000000123u, 0x7FF8000000000456u), 0xFFF8000000000123u);
    // sqrt / abs / neg
    set_s(1, snan);
    st.fpscr = 0;
    ASSERT_EQ(exec(VSQRT(S(0), S(1))), VfpResult::Done);
    EXPECT_EQ(s(0), 0x7FC00003u);
    EXPECT_EQ(flags(), IOC);
    st.fpscr = 0;
    ASSERT_EQ(exec(VNEG(S(0), S(1))), VfpResult::Done);  // VNEG/VABS/VMOV: no NaN processing
    EXPECT_EQ(s(0), 0xFF800003u);
    ASSERT_EQ(exec(VABS(S(0), S(0))), VfpResult::Done);
    EXPECT_EQ(s(0), 0x7F800003u);
    EXPECT_EQ(flags(), 0u);
}

TEST_F(VfpTest, InfinitiesAndInvalidOperations)
{
    const uint32_t inf = 0x7F800000, ninf = 0xFF800000, dnan = 0x7FC00000;
    EXPECT_EQ(run_s(kAddS, inf, ninf), dnan);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(run_s(kSubS, inf, inf), dnan);
    EXPECT_EQ(run_s(kAddS, inf, fbits(-1e30f)), inf);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(kMulS, inf, 0x80000000u), dnan);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(run_s(kMulS, ninf, fbits(-2.0f)), inf);
    EXPECT_EQ(run_s(kDivS, fbits(1.0f), 0u), inf);
    EXPECT_EQ(flags(), DZC);
    EXPECT_EQ(run_s(kDivS, fbits(-1.0f), 0u), ninf);
    EXPECT_EQ(run_s(kDivS, inf, 0u), inf);
    EXPECT_EQ(flags(), 0u);  // infinity / 0 is not a division by zero
    EXPECT_EQ(run_s(kDivS, 0u, 0x80000000u), dnan);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(run_s(kDivS, inf, ninf), dnan);
    EXPECT_EQ(run_s(kDivS, fbits(5.0f), ninf), 0x80000000u);
    const uint32_t sqrt_insn = VSQRT(S(0), S(1));
    for (auto [in, out, fl] : {std::tuple{fbits(-1.0f), dnan, IOC}, std::tuple{0x80000000u, 0x80000000u, 0u},
                               std::tuple{inf, inf, 0u}, std::tuple{ninf, dnan, IOC}, std::tuple{0x80000001u, dnan, IOC}}) {
        set_s(1, in);
        st.fpscr = 0;
        ASSERT_EQ(exec(sqrt_insn), VfpResult::Done);
        EXPECT_EQ(s(0), out) << std::hex << in;
        EXPECT_EQ(flags(), fl) << std::hex << in;
    }
}

TEST_F(VfpTest, OverflowDependsOnRoundingMode)
{
    const uint32_t max = 0x7F7FFFFF, two = 0x40000000;
    EXPECT_EQ(run_s(kMulS, max, two, RN), 0x7F800000u);
    EXPECT_EQ(flags(), OFC | IXC);
    EXPECT_EQ(run_s(kMulS, max, two, RZ), max);
    EXPECT_EQ(flags(), OFC | IXC);
    EXPECT_EQ(run_s(kMulS, max, two, RP), 0x7F800000u);
    EXPECT_EQ(run_s(kMulS, max, two, RM), max);
    EXPECT_EQ(run_s(kMulS, max | 0x80000000u, two, RP), 0xFF7FFFFFu);
    EXPECT_EQ(run_s(kMulS, max | 0x80000000u, two, RM), 0xFF800000u);
    EXPECT_EQ(run_d(kAddD, 0x7FEFFFFFFFFFFFFFu, 0x7FEFFFFFFFFFFFFFu, RN), 0x7FF0000000000000u);
    EXPECT_EQ(flags(), OFC | IXC);
}

TEST_F(VfpTest, UnderflowIsDetectedBeforeRounding)
{
    const uint32_t min_normal = 0x00800000, half = 0x3F000000;
    EXPECT_EQ(run_s(kMulS, min_normal, half), 0x00400000u);  // exact denormal: no UFC
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(kMulS, 0x00800001u, half), 0x00400000u);  // inexact denormal (tie -> even)
    EXPECT_EQ(flags(), UFC | IXC);
    // (1 - 2^-24) * 2^-126 is tiny before rounding and rounds up to the minimum normal: ARM
    // still reports underflow (x86 would not).
    EXPECT_EQ(run_s(kMulS, 0x3F7FFFFFu, min_normal), min_normal);
    EXPECT_EQ(flags(), UFC | IXC);
    // ... and flush-to-zero looks at the unrounded value: flushed, UFC without IXC.
    EXPECT_EQ(run_s(kMulS, 0x3F7FFFFFu, min_normal, FZ), 0x00000000u);
    EXPECT_EQ(flags(), UFC);
    EXPECT_EQ(run_s(kMulS, 0xBF7FFFFFu, min_normal, FZ), 0x80000000u);
    // underflow to zero, and away from zero in RP
    EXPECT_EQ(run_s(kMulS, 0x00000001u, half, RN), 0x00000000u);
    EXPECT_EQ(flags(), UFC | IXC);
    EXPECT_EQ(run_s(kMulS, 0x00000001u, half, RP), 0x00000001u);
    EXPECT_EQ(flags(), UFC | IXC);
    // double: 2^-1022 * (1 - 2^-53)
    EXPECT_EQ(run_d(kMulD, 0x0010000000000000u, 0x3FEFFFFFFFFFFFFFu, RN), 0x0010000000000000u);
    EXPECT_EQ(flags(), UFC | IXC);
    EXPECT_EQ(run_d(kMulD, 0x0010000000000000u, 0x3FEFFFFFFFFFFFFFu, RZ), 0x000FFFFFFFFFFFFFu);
    EXPECT_EQ(flags(), UFC | IXC);
}

TEST_F(VfpTest, DenormalInputsWithAndWithoutFlushToZero)
{
    const uint32_t tiny = 0x00000001, one = 0x3F800000;
    EXPECT_EQ(run_s(kAddS, tiny, tiny), 0x00000002u);  // exact denormal arithmetic
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(kAddS, tiny, tiny, FZ), 0x00000000u);
    EXPECT_EQ(flags(), IDC);
    EXPECT_EQ(run_s(kAddS, one, tiny), one);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(run_s(kAddS, one, tiny, FZ), one);  // operand flushed: exact
    EXPECT_EQ(flags(), IDC);
    EXPECT_EQ(run_s(kMulS, 0x807FFFFFu, one, FZ), 0x80000000u);  // flushed to a zero of the same sign
    EXPECT_EQ(flags(), IDC);
    EXPECT_EQ(run_s(kDivS, one, 0x00000010u, FZ), 0x7F800000u);  // x / flushed 0 = inf, DZC
    EXPECT_EQ(flags(), IDC | DZC);
    EXPECT_EQ(run_d(kAddD, 0x0000000000000001u, 0x8000000000000003u), 0x8000000000000002u);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_d(kAddD, 0x0000000000000001u, 0x8000000000000003u, FZ), 0x0000000000000000u);
    EXPECT_EQ(flags(), IDC);
    // VABS/VNEG/VMOV never flush
    set_s(1, 0x80000001u);
    st.fpscr = FZ;
    ASSERT_EQ(exec(VABS(S(0), S(1))), VfpResult::Done);
    EXPECT_EQ(s(0), 0x00000001u);
    EXPECT_EQ(flags(), 0u);
}

TEST_F(VfpTest, FlagsAreCumulative)
{
    st.fpscr = DZC | IDC;
    set_s(1, fbits(1.0f));
    set_s(2, fbits(3.0f));
    ASSERT_EQ(exec(kDivS), VfpResult::Done);
    EXPECT_EQ(flags(), DZC | IDC | IXC);
}

// ---- multiply-accumulate -----------------------------------------------------------------------

TEST_F(VfpTest, FusedMultiplyAddRoundsOnce)
{
    // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46: VMLA rounds the product first, VFMA does not.
    const uint32_t x = 0x3F800001, p_rounded = 0x3F800002;
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), x, x, RN, p_rounded ^ 0x80000000u), 0x28800000u);  // 2^-46
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(VMLA(S(0), S(1), S(2)), x, x, RN, p_rounded ^ 0x80000000u), 0x00000000u);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(run_s(VFMS(S(0), S(1), S(2)), x, x, RN, p_rounded), 0xA8800000u);                   // d - n*m
    EXPECT_EQ(run_s(VFNMA(S(0), S(1), S(2)), x, x, RN, p_rounded ^ 0x80000000u), 0xA8800000u);    // -d - n*m
    EXPECT_EQ(run_s(VFNMS(S(0), S(1), S(2)), x, x, RN, p_rounded), 0x28800000u);                  // -d + n*m
    // double: (1 + 2^-52)^2 - (1 + 2^-51) = 2^-104
    EXPECT_EQ(run_d(VFMA(D(0), D(1), D(2)), 0x3FF0000000000001u, 0x3FF0000000000001u, RN, 0xBFF0000000000002u),
              0x3970000000000000u);
    EXPECT_EQ(flags(), 0u);
    // single rounding of the whole result in a directed mode
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), x, x, RP, fbits(1.0f)), 0x40000002u);  // 2 + 2^-22 + 2^-46 -> up
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), x, x, RZ, fbits(1.0f)), 0x40000001u);  // -> 2 + 2^-22
    EXPECT_EQ(run_s(VMLA(S(0), S(1), S(2)), x, x, RZ, fbits(1.0f)), 0x40000001u);
}

TEST_F(VfpTest, MultiplyAccumulateVariants)
{
    const uint32_t two = fbits(2.0f), three = fbits(3.0f), one = fbits(1.0f);
    EXPECT_EQ(run_s(VMLA(S(0), S(1), S(2)), two, three, RN, one), fbits(7.0f));
    EXPECT_EQ(run_s(VMLS(S(0), S(1), S(2)), two, three, RN, one), fbits(-5.0f));
    EXPECT_EQ(run_s(VNMLA(S(0), S(1), S(2)), two, three, RN, one), fbits(-7.0f));
    EXPECT_EQ(run_s(VNMLS(S(0), S(1), S(2)), two, three, RN, one), fbits(5.0f));
    EXPECT_EQ(run_s(VNMUL(S(0), S(1), S(2)), two, three, RN, one), fbits(-6.0f));
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), two, three, RN, one), fbits(7.0f));
    EXPECT_EQ(run_s(VFMS(S(0), S(1), S(2)), two, three, RN, one), fbits(-5.0f));
    EXPECT_EQ(run_s(VFNMA(S(0), S(1), S(2)), two, three, RN, one), fbits(-7.0f));
    EXPECT_EQ(run_s(VFNMS(S(0), S(1), S(2)), two, three, RN, one), fbits(5.0f));
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_d(VMLA(D(0), D(1), D(2)), dbits(2.0), dbits(3.0), RN, dbits(1.0)), dbits(7.0));
    EXPECT_EQ(run_d(VNMLS(D(0), D(1), D(2)), dbits(2.0), dbits(3.0), RN, dbits(1.0)), dbits(5.0));
    // Negations are applied to NaN operands too (they are FPNeg() of the operand/result).
    EXPECT_EQ(run_s(VNMUL(S(0), S(1), S(2)), 0x7FC00001u, one), 0xFFC00001u);
    EXPECT_EQ(run_s(VFMS(S(0), S(1), S(2)), 0x7FC00001u, one, RN, one), 0xFFC00001u);
    EXPECT_EQ(run_s(VNMLA(S(0), S(1), S(2)), two, three, RN, 0x7FC00004u), 0xFFC00004u);
}

TEST_F(VfpTest, MultiplyAccumulateNaNRules)
{
    const uint32_t inf = 0x7F800000, qnan = 0x7FC00123, snan = 0x7F800456;
    // fused: (inf * 0) + qNaN -> default NaN and Invalid
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), inf, 0u, RN, qnan), 0x7FC00000u);
    EXPECT_EQ(flags(), IOC);
    // unfused: the product is the default NaN (Invalid), then the addend's NaN wins the addition
    EXPECT_EQ(run_s(VMLA(S(0), S(1), S(2)), inf, 0u, RN, qnan), qnan);
    EXPECT_EQ(flags(), IOC);
    // fused NaN priority: addend, op1, op2; signalling before quiet
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), snan, 0x7FC00001u, RN, qnan), 0x7FC00456u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), 0x7FC00001u, 0x7FC00002u, RN, qnan), qnan);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), 0x7FC00001u, snan, RN, qnan), 0x7FC00456u);
    // inf * x + (-inf) -> invalid
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), inf, fbits(2.0f), RN, 0xFF800000u), 0x7FC00000u);
    EXPECT_EQ(flags(), IOC);
    // 0 * x + (-0): sign of an exact zero sum
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), 0u, fbits(2.0f), RN, 0x80000000u), 0x00000000u);
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), 0u, fbits(2.0f), RM, 0x80000000u), 0x80000000u);
    EXPECT_EQ(run_s(VFMA(S(0), S(1), S(2)), 0x80000000u, fbits(2.0f), RN, 0x80000000u), 0x80000000u);
}

// ---- compare -------------------------------------------------------------------------------------

TEST_F(VfpTest, CompareFlags)
{
    const auto cmp = [&](uint32_t a, uint32_t b, bool e, uint32_t fpscr = 0) {
        set_s(4, a);
        set_s(5, b);
        st.fpscr = fpscr | 0xF0000000u;  // stale NZCV must be replaced
        EXPECT_EQ(exec(VCMP(S(4), S(5), e)), VfpResult::Done);
        return st.fpscr >> 28;
    };
    EXPECT_EQ(cmp(fbits(1.0f), fbits(2.0f), false), 0x8u);  // N
    EXPECT_EQ(cmp(fbits(2.0f), fbits(2.0f), false), 0x6u);  // ZC
    EXPECT_EQ(cmp(fbits(3.0f), fbits(2.0f), false), 0x2u);  // C
    EXPECT_EQ(cmp(0x80000000u, 0u, false), 0x6u);          // -0 == +0
    EXPECT_EQ(cmp(0xFF800000u, 0xFF7FFFFFu, false), 0x8u);
    EXPECT_EQ(cmp(0x7F800000u, 0x7F800000u, false), 0x6u);
    EXPECT_EQ(cmp(fbits(-1.0f), fbits(-2.0f), false), 0x2u);
    EXPECT_EQ(cmp(0x7FC00000u, fbits(2.0f), false), 0x3u);  // unordered: C and V
    EXPECT_EQ(flags(), 0u);                                 // VCMP: quiet NaN is not Invalid
    EXPECT_EQ(cmp(0x7FC00000u, fbits(2.0f), true), 0x3u);
    EXPECT_EQ(flags(), IOC);                                // VCMPE: it is
    EXPECT_EQ(cmp(fbits(2.0f), 0x7F800001u, false), 0x3u);
    EXPECT_EQ(flags(), IOC);                                // signalling NaN always
    EXPECT_EQ(cmp(0x00000001u, 0u, false), 0x2u);
    EXPECT_EQ(cmp(0x00000001u, 0u, false, FZ), 0x6u);       // flushed denormal
    EXPECT_EQ(flags(), IDC);
    // with zero, double
    st.d[3] = dbits(-0.5);
    st.fpscr = 0;
    ASSERT_EQ(exec(VCMP0(D(3))), VfpResult::Done);
    EXPECT_EQ(st.fpscr >> 28, 0x8u);
    st.d[3] = 0x8000000000000000u;
    ASSERT_EQ(exec(VCMP0(D(3), true)), VfpResult::Done);
    EXPECT_EQ(st.fpscr >> 28, 0x6u);
    st.d[3] = 0x7FF8000000000000u;
    ASSERT_EQ(exec(VCMP0(D(3), true)), VfpResult::Done);
    EXPECT_EQ(st.fpscr >> 28, 0x3u);
    EXPECT_EQ(flags(), IOC);
    // and into the APSR
    ASSERT_EQ(exec(VMRS(FPSCR, 15)), VfpResult::Done);
    EXPECT_EQ(host.nzcv, 0x30000000u);
}

// ---- conversions -------------------------------------------------------------------------------

TEST_F(VfpTest, FloatToIntegerRoundingAndSaturation)
{
    const auto cvt = [&](uint32_t insn, uint64_t in, bool dbl, uint32_t fpscr = RN) {
        st.d[1] = dbl ? in : (in << 32);  // source s3 / d1
        st.fpscr = fpscr;
        EXPECT_EQ(exec(insn), VfpResult::Done);
        return s(0);
    };
    const uint32_t s32 = VCVT_TOINT(S(0), S(3), true), s32r = VCVT_TOINT(S(0), S(3), true, false);
    const uint32_t u32 = VCVT_TOINT(S(0), S(3), false), u32r = VCVT_TOINT(S(0), S(3), false, false);
    EXPECT_EQ(cvt(s32, fbits(3.7f), false), 3u);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(cvt(s32r, fbits(3.7f), false), 4u);
    EXPECT_EQ(cvt(s32r, fbits(-3.5f), false), static_cast<uint32_t>(-4));
    EXPECT_EQ(cvt(s32, fbits(-3.5f), false), static_cast<uint32_t>(-3));
    EXPECT_EQ(cvt(s32r, fbits(2.5f), false), 2u);
    EXPECT_EQ(cvt(s32r, fbits(2.5f), false, RP), 3u);
    EXPECT_EQ(cvt(s32r, fbits(-2.5f), false, RM), static_cast<uint32_t>(-3));
    EXPECT_EQ(cvt(s32r, fbits(-2.5f), false, RZ), static_cast<uint32_t>(-2));
    EXPECT_EQ(cvt(s32, fbits(-2.5f), false, RM), static_cast<uint32_t>(-2));  // VCVT ignores FPSCR.RMode
    EXPECT_EQ(cvt(s32, fbits(42.0f), false), 42u);
    EXPECT_EQ(flags(), 0u);
    // saturation: Invalid, not Inexact
    EXPECT_EQ(cvt(s32, fbits(1e10f), false), 0x7FFFFFFFu);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(cvt(s32, fbits(-1e10f), false), 0x80000000u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(cvt(s32, 0x7F800000u, false), 0x7FFFFFFFu);
    EXPECT_EQ(cvt(s32, 0xFF800000u, false), 0x80000000u);
    EXPECT_EQ(cvt(s32, 0xFFC00000u, false), 0u);  // NaN -> 0, Invalid
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(cvt(s32, fbits(-2147483648.0f), false), 0x80000000u);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(cvt(u32, fbits(-1.0f), false), 0u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(cvt(u32, fbits(-0.5f), false), 0u);  // truncates to 0: only inexact
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(cvt(u32r, fbits(-0.5f), false, RN), 0u);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(cvt(u32r, fbits(-0.7f), false, RN), 0u);  // rounds to -1: saturates
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(cvt(u32, 0x4F7FFFFFu, false), 0xFFFFFF00u);
    EXPECT_EQ(cvt(u32, 0x4F800000u, false), 0xFFFFFFFFu);
    EXPECT_EQ(flags(), IOC);
    // denormals
    EXPECT_EQ(cvt(s32r, 0x00000001u, false, RP), 1u);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(cvt(s32r, 0x00000001u, false, RP | FZ), 0u);
    EXPECT_EQ(flags(), IDC);
    // double sources
    const uint32_t s32d = VCVT_TOINT(S(0), D(1), true), s32dr = VCVT_TOINT(S(0), D(1), true, false);
    EXPECT_EQ(cvt(s32d, 0x41DFFFFFFFE00000u /* 2^31 - 0.5 */, true), 0x7FFFFFFFu);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(cvt(s32dr, 0x41DFFFFFFFE00000u, true, RN), 0x7FFFFFFFu);  // rounds to 2^31: saturates
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(cvt(s32dr, 0xC1E0000000100000u /* -2^31 - 0.5 */, true, RN), 0x80000000u);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(cvt(s32d, 0xC1E0000000100000u, true), 0x80000000u);
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(cvt(s32dr, 0xC1E0000000100000u, true, RM), 0x80000000u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(cvt(VCVT_TOINT(S(0), D(1), false), dbits(4294967295.0), true), 0xFFFFFFFFu);
    EXPECT_EQ(flags(), 0u);
}

TEST_F(VfpTest, IntegerToFloat)
{
    const auto cvt = [&](uint32_t insn, uint32_t in, uint32_t fpscr = RN) {
        set_s(3, in);
        st.fpscr = fpscr;
        EXPECT_EQ(exec(insn), VfpResult::Done);
    };
    cvt(VCVT_FROMINT(S(0), S(3), true), 0x01000001u);
    EXPECT_EQ(s(0), 0x4B800000u);
    EXPECT_EQ(flags(), IXC);
    cvt(VCVT_FROMINT(S(0), S(3), true), 0x01000001u, RP);  // uses FPSCR rounding
    EXPECT_EQ(s(0), 0x4B800001u);
    cvt(VCVT_FROMINT(S(0), S(3), false), 0xFFFFFFFFu);
    EXPECT_EQ(s(0), 0x4F800000u);
    cvt(VCVT_FROMINT(S(0), S(3), true), 0xFFFFFFFFu);
    EXPECT_EQ(s(0), fbits(-1.0f));
    EXPECT_EQ(flags(), 0u);
    cvt(VCVT_FROMINT(S(0), S(3), true), 0u);
    EXPECT_EQ(s(0), 0u);
    cvt(VCVT_FROMINT(S(0), S(3), true), 0u, RM);
    EXPECT_EQ(s(0), 0u);  // +0 even in RM
    cvt(VCVT_FROMINT(D(2), S(3), true), 0x80000000u);
    EXPECT_EQ(st.d[2], dbits(-2147483648.0));
    cvt(VCVT_FROMINT(D(2), S(3), false), 0x80000000u);
    EXPECT_EQ(st.d[2], dbits(2147483648.0));
    EXPECT_EQ(flags(), 0u);
}

TEST_F(VfpTest, SingleDoubleConversions)
{
    const auto to_d = [&](uint32_t in, uint32_t fpscr = RN) {
        set_s(3, in);
        st.fpscr = fpscr;
        EXPECT_EQ(exec(VCVT_F64_F32(D(2), S(3))), VfpResult::Done);
        return st.d[2];
    };
    const auto to_s = [&](uint64_t in, uint32_t fpscr = RN) {
        st.d[1] = in;
        st.fpscr = fpscr;
        EXPECT_EQ(exec(VCVT_F32_F64(S(0), D(1))), VfpResult::Done);
        return s(0);
    };
    EXPECT_EQ(to_d(fbits(1.5f)), dbits(1.5));
    EXPECT_EQ(to_d(0x00000001u), 0x36A0000000000000u);  // denormal single is a normal double
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(to_d(0x80000001u, FZ), 0x8000000000000000u);
    EXPECT_EQ(flags(), IDC);
    EXPECT_EQ(to_d(0x7F800001u), 0x7FF8000020000000u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(to_d(0xFFC00001u), 0xFFF8000020000000u);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(to_d(0xFFC00001u, DN), 0x7FF8000000000000u);
    EXPECT_EQ(to_d(0xFF800000u), 0xFFF0000000000000u);
    EXPECT_EQ(to_s(0x3FF0000000000001u), fbits(1.0f));
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(to_s(0x3FF0000000000001u, RP), 0x3F800001u);
    EXPECT_EQ(to_s(dbits(1e300)), 0x7F800000u);
    EXPECT_EQ(flags(), OFC | IXC);
    EXPECT_EQ(to_s(dbits(1e300), RZ), 0x7F7FFFFFu);
    EXPECT_EQ(to_s(dbits(-1e-300)), 0x80000000u);
    EXPECT_EQ(flags(), UFC | IXC);
    EXPECT_EQ(to_s(dbits(-1e-300), FZ), 0x80000000u);
    EXPECT_EQ(flags(), UFC);
    EXPECT_EQ(to_s(dbits(0x1p-140)), 0x00000200u);  // exact denormal result
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(to_s(dbits(0x1p-140), FZ), 0u);
    EXPECT_EQ(flags(), UFC);
    EXPECT_EQ(to_s(0x7FF4000020000000u), 0x7FE00001u);  // signalling NaN: quietened, payload bits 50:29
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(to_s(0x0000000000000001u), 0u);
    EXPECT_EQ(flags(), UFC | IXC);
    EXPECT_EQ(to_s(0x0000000000000001u, FZ), 0u);
    EXPECT_EQ(flags(), IDC);
}

TEST_F(VfpTest, FixedPointConversions)
{
    const auto fix = [&](uint32_t insn, uint32_t in, uint32_t fpscr = RN) {
        set_s(2, in);
        st.fpscr = fpscr;
        EXPECT_EQ(exec(insn), VfpResult::Done);
        return s(2);
    };
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, false, 32, 16), fbits(1.5f)), 0x00018000u);
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, false, 32, 16), fbits(-1.5f)), 0xFFFE8000u);
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, false, 32, 16), fbits(-1.00001f)), 0xFFFF0000u);  // towards zero
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, false, 16, 8), fbits(-0.5f)), 0xFFFFFF80u);  // sign-extended
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, false, 16, 8), fbits(200.0f)), 0x00007FFFu);  // saturated
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, false, 16, 8), fbits(-200.0f)), 0xFFFF8000u);
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, true, 16, 8), fbits(200.0f)), 0x0000C800u);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(fix(VCVT_FIXED(S(2), true, true, 32, 32), fbits(0.75f)), 0xC0000000u);
    EXPECT_EQ(fix(VCVT_FIXED(S(2), false, false, 16, 8), 0x1234FF80u), fbits(-0.5f));  // upper bits ignored
    EXPECT_EQ(fix(VCVT_FIXED(S(2), false, true, 16, 8), 0x0000FF80u), fbits(255.5f));
    EXPECT_EQ(fix(VCVT_FIXED(S(2), false, true, 32, 32), 0x80000000u), fbits(0.5f));
    // fixed -> float rounds to nearest whatever FPSCR.RMode says
    EXPECT_EQ(fix(VCVT_FIXED(S(2), false, false, 32, 1), 0x7FFFFFFFu, RZ), 0x4E800000u);
    EXPECT_EQ(flags(), IXC);
    // double: 64-bit register, value in the low word
    st.d[3] = dbits(-1.5);
    st.fpscr = 0;
    ASSERT_EQ(exec(VCVT_FIXED(D(3), true, false, 32, 16)), VfpResult::Done);
    EXPECT_EQ(st.d[3], 0xFFFFFFFFFFFE8000u);
    st.d[3] = dbits(1.5);
    ASSERT_EQ(exec(VCVT_FIXED(D(3), true, true, 16, 8)), VfpResult::Done);
    EXPECT_EQ(st.d[3], 0x0000000000000180u);
    st.d[3] = 0xABCDEF01FFFFFFFFu;
    ASSERT_EQ(exec(VCVT_FIXED(D(3), false, false, 32, 4)), VfpResult::Done);
    EXPECT_EQ(st.d[3], dbits(-1.0 / 16));
}

TEST_F(VfpTest, HalfPrecisionConversions)
{
    const auto to_h = [&](uint32_t insn, uint32_t in, uint32_t fpscr = RN) {
        set_s(0, 0xAAAABBBBu);
        set_s(1, in);
        st.fpscr = fpscr;
        EXPECT_EQ(exec(insn), VfpResult::Done);
        return s(0);
    };
    const uint32_t b = VCVTB_F16_F32(S(0), S(1)), t = VCVTT_F16_F32(S(0), S(1));
    EXPECT_EQ(to_h(b, fbits(1.0f)), 0xAAAA3C00u);  // other half preserved
    EXPECT_EQ(to_h(t, fbits(-2.0f)), 0xC000BBBBu);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(to_h(b, 0x477FE000u), 0xAAAA7BFFu);  // 65504
    EXPECT_EQ(to_h(b, 0x477FF000u), 0xAAAA7C00u);  // 65520 overflows to inf
    EXPECT_EQ(flags(), OFC | IXC);
    EXPECT_EQ(to_h(b, 0x477FF000u, AHP), 0xAAAA7C00u);  // ... but is 65536 in alternative format
    EXPECT_EQ(flags(), IXC);
    EXPECT_EQ(to_h(b, 0x7F800000u, AHP), 0xAAAA7FFFu);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(to_h(b, 0xFFC00000u, AHP), 0xAAAA8000u);  // NaN -> signed zero
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(to_h(b, 0x7F800000u), 0xAAAA7C00u);
    EXPECT_EQ(to_h(b, 0x7F802001u), 0xAAAA7E01u);  // signalling NaN quietened, top payload bits kept
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(to_h(b, 0x7F802001u, DN), 0xAAAA7E00u);
    EXPECT_EQ(to_h(b, 0x33000000u), 0xAAAA0000u);  // 2^-25: tie -> 0
    EXPECT_EQ(flags(), UFC | IXC);
    EXPECT_EQ(to_h(b, 0x33800000u, FZ), 0xAAAA0001u);  // half denormal results are never flushed
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(to_h(b, 0x00000001u, FZ), 0xAAAA0000u);  // single denormal inputs are
    EXPECT_EQ(flags(), IDC);

    const auto to_s = [&](uint32_t insn, uint32_t in, uint32_t fpscr = RN) {
        set_s(1, in);
        st.fpscr = fpscr;
        EXPECT_EQ(exec(insn), VfpResult::Done);
        return s(0);
    };
    const uint32_t fb = VCVTB_F32_F16(S(0), S(1)), ft = VCVTT_F32_F16(S(0), S(1));
    EXPECT_EQ(to_s(fb, 0x12343C00u), fbits(1.0f));
    EXPECT_EQ(to_s(ft, 0xC0001234u), fbits(-2.0f));
    EXPECT_EQ(to_s(fb, 0x00000001u), 0x33800000u);
    EXPECT_EQ(to_s(fb, 0x00000001u, FZ), 0x33800000u);  // not flushed
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(to_s(fb, 0x00007C00u), 0x7F800000u);
    EXPECT_EQ(to_s(fb, 0x00007C00u, AHP), 0x47800000u);
    EXPECT_EQ(to_s(fb, 0x00007E01u), 0x7FC02000u);
    EXPECT_EQ(flags(), 0u);
    EXPECT_EQ(to_s(fb, 0x00007C01u), 0x7FC02000u);
    EXPECT_EQ(flags(), IOC);
    EXPECT_EQ(to_s(fb, 0x0000FC01u, DN), 0x7FC00000u);
}

// ---- moves ---------------------------------------------------------------------------------------

TEST_F(VfpTest, MoveImmediate)
{
    ASSERT_EQ(exec(VMOVimm(S(3), 0x70)), VfpResult::Done);
    EXPECT_EQ(s(3), fbits(1.0f));
    ASSERT_EQ(exec(VMOVimm(D(7), 0xC8)), VfpResult::Done);
    EXPECT_EQ(st.d[7], dbits(-0.1875));
    ASSERT_EQ(exec(VMOVimm(S(0), 0x00)), VfpResult::Done);
    EXPECT_EQ(s(0), fbits(2.0f));
    ASSERT_EQ(exec(VMOVimm(D(0), 0x7F)), VfpResult::Done);
    EXPECT_EQ(st.d[0], dbits(1.9375));
    ASSERT_EQ(exec(VMOVimm(S(31), 0x3F)), VfpResult::Done);
    EXPECT_EQ(s(31), fbits(31.0f));
    ASSERT_EQ(exec(VMOVimm(D(15), 0x40)), VfpResult::Done);
    EXPECT_EQ(st.d[15], dbits(0.125));
    EXPECT_EQ(st.fpscr, 0u);
}

TEST_F(VfpTest, CoreRegisterTransfers)
{
    host.r[2] = 0xDEADBEEF;
    ASSERT_EQ(exec(VMOV_S_CORE(S(3), 2, false)), VfpResult::Done);
    EXPECT_EQ(st.d[1], 0xDEADBEEF00000000u);
    ASSERT_EQ(exec(VMOV_S_CORE(S(3), 14, true)), VfpResult::Done);
    EXPECT_EQ(host.r[14], 0xDEADBEEFu);
    host.r[4] = 0x11111111;
    host.r[5] = 0x22222222;
    ASSERT_EQ(exec(VMOV_2CORE(D(3), 4, 5, false)), VfpResult::Done);  // vmov d3, r4, r5: r4 = low word
    EXPECT_EQ(st.d[3], 0x2222222211111111u);
    ASSERT_EQ(exec(VMOV_2CORE(D(3), 5, 4, true)), VfpResult::Done);   // vmov r5, r4, d3
    EXPECT_EQ(host.r[5], 0x11111111u);
    EXPECT_EQ(host.r[4], 0x22222222u);
    host.r[0] = 0xAAAAAAAA;
    host.r[1] = 0xBBBBBBBB;
    ASSERT_EQ(exec(VMOV_2CORE(S(5), 0, 1, false)), VfpResult::Done);  // vmov s5, s6, r0, r1
    EXPECT_EQ(s(5), 0xAAAAAAAAu);
    EXPECT_EQ(s(6), 0xBBBBBBBBu);
    ASSERT_EQ(exec(VMOV_2CORE(S(5), 7, 8, true)), VfpResult::Done);
    EXPECT_EQ(host.r[7], 0xAAAAAAAAu);
    EXPECT_EQ(host.r[8], 0xBBBBBBBBu);
    st.d[9] = 0x0123456789ABCDEFu;
    host.r[6] = 0x55555555;
    ASSERT_EQ(exec(VMOV_SCALAR(D(9), 1, 6, false)), VfpResult::Done);  // vmov.32 d9[1], r6
    EXPECT_EQ(st.d[9], 0x5555555589ABCDEFu);
    ASSERT_EQ(exec(VMOV_SCALAR(D(9), 0, 6, true)), VfpResult::Done);   // vmov.32 r6, d9[0]
    EXPECT_EQ(host.r[6], 0x89ABCDEFu);
    ASSERT_EQ(exec(VMOV_SCALAR(D(9), 1, 3, true)), VfpResult::Done);
    EXPECT_EQ(host.r[3], 0x55555555u);
    EXPECT_EQ(st.fpscr, 0u);
}

// ---- loads and stores ----------------------------------------------------------------------------

TEST_F(VfpTest, LoadStoreSingleRegister)
{
    host.r[1] = 0x1000;
    host.mem[0x1008] = 0x3F800000;
    ASSERT_EQ(exec(VLDR(S(5), 1, 2)), VfpResult::Done);
    EXPECT_EQ(s(5), 0x3F800000u);
    host.mem[0x0FF8] = 0x89ABCDEF;  // little-endian: low word first
    host.mem[0x0FFC] = 0x01234567;
    ASSERT_EQ(exec(VLDR(D(5), 1, -2)), VfpResult::Done);
    EXPECT_EQ(st.d[5], 0x0123456789ABCDEFu);
    host.r[13] = 0x2000;
    ASSERT_EQ(exec(VSTR(D(5), 13, 255)), VfpResult::Done);
    EXPECT_EQ(host.mem[0x23FC], 0x89ABCDEFu);
    EXPECT_EQ(host.mem[0x2400], 0x01234567u);
    ASSERT_EQ(exec(VSTR(S(5), 13, -1)), VfpResult::Done);
    EXPECT_EQ(host.mem[0x1FFC], 0x3F800000u);
    // PC-relative: Align(PC, 4)
    host.r[15] = 0x3006;
    host.mem[0x3014] = 0x12345678;  // 0x3004 + 16
    ASSERT_EQ(exec(VLDR(S(0), 15, 4)), VfpResult::Done);
    EXPECT_EQ(s(0), 0x12345678u);
    EXPECT_EQ(host.r[1], 0x1000u);  // no writeback
    // abort: register unchanged
    host.abort_at.insert(0x1004);
    st.d[6] = 0x5A5A5A5A5A5A5A5Au;
    EXPECT_EQ(exec(VLDR(D(6), 1, 0)), VfpResult::Aborted);
    EXPECT_EQ(st.d[6], 0x5A5A5A5A5A5A5A5Au);
}

TEST_F(VfpTest, LoadStoreMultipleWithWriteback)
{
    host.r[0] = 0x100;
    for (uint32_t i = 0; i < 4; ++i) host.mem[0x100 + 4 * i] = 0xA0 + i;
    ASSERT_EQ(exec(VLDM(S(1), 4, 0, false, true)), VfpResult::Done);  // vldmia r0!, {s1-s4}
    EXPECT_EQ(s(1), 0xA0u);
    EXPECT_EQ(s(2), 0xA1u);
    EXPECT_EQ(s(3), 0xA2u);
    EXPECT_EQ(s(4), 0xA3u);
    EXPECT_EQ(host.r[0], 0x110u);
    // vstmdb r0!, {d8-d15}
    for (unsigned i = 8; i < 16; ++i) st.d[i] = 0x1111111100000000u * i + i;
    host.r[0] = 0x200;
    ASSERT_EQ(exec(VSTM(D(8), 16, 0, true, true)), VfpResult::Done);
    EXPECT_EQ(host.r[0], 0x1C0u);
    EXPECT_EQ(host.stores.front(), 0x1C0u);
    for (unsigned i = 8; i < 16; ++i) {
        EXPECT_EQ(host.mem[0x1C0 + (i - 8) * 8], static_cast<uint32_t>(st.d[i]));
        EXPECT_EQ(host.mem[0x1C4 + (i - 8) * 8], static_cast<uint32_t>(st.d[i] >> 32));
    }
    // vpush / vpop round trip
    host.r[13] = 0x8000;
    ASSERT_EQ(exec(VSTM(D(8), 16, 13, true, true)), VfpResult::Done);
    EXPECT_EQ(host.r[13], 0x8000u - 64);
    const VfpState saved = st;
    for (unsigned i = 8; i < 16; ++i) st.d[i] = 0;
    ASSERT_EQ(exec(VLDM(D(8), 16, 13, false, true)), VfpResult::Done);
    EXPECT_EQ(host.r[13], 0x8000u);
    for (unsigned i = 8; i < 16; ++i) EXPECT_EQ(st.d[i], saved.d[i]);
    // no writeback
    host.r[1] = 0x1C0;
    ASSERT_EQ(exec(VLDM(D(0), 6, 1, false, false)), VfpResult::Done);
    EXPECT_EQ(st.d[0], saved.d[8]);
    EXPECT_EQ(st.d[2], saved.d[10]);
    EXPECT_EQ(host.r[1], 0x1C0u);
    // FLDMIAX / FSTMDBX: an odd word count, the extra word is skipped but counted in the writeback
    host.r[0] = 0x1C0;
    ASSERT_EQ(exec(VLDM(D(4), 5, 0, false, true)), VfpResult::Done);  // fldmiax r0!, {d4-d5}
    EXPECT_EQ(st.d[4], saved.d[8]);
    EXPECT_EQ(st.d[5], saved.d[9]);
    EXPECT_EQ(host.r[0], 0x1C0u + 20);
    host.r[13] = 0x9000;
    host.stores.clear();
    ASSERT_EQ(exec(VSTM(D(8), 3, 13, true, true)), VfpResult::Done);  // fstmdbx sp!, {d8}
    EXPECT_EQ(host.r[13], 0x9000u - 12);
    ASSERT_EQ(host.stores.size(), 2u);
    EXPECT_EQ(host.stores[0], 0x9000u - 12);
    EXPECT_EQ(host.mem[0x9000 - 12], static_cast<uint32_t>(saved.d[8]));
}

TEST_F(VfpTest, LoadMultipleAbortLeavesStateUnchanged)
{
    host.r[0] = 0x100;
    host.abort_at.insert(0x108);
    st.d[0] = 0x1111;
    st.d[1] = 0x2222;
    EXPECT_EQ(exec(VLDM(D(0), 4, 0, false, true)), VfpResult::Aborted);
    EXPECT_EQ(st.d[0], 0x1111u);
    EXPECT_EQ(st.d[1], 0x2222u);
    EXPECT_EQ(host.r[0], 0x100u);  // base not written back
    host.r[13] = 0x10C;
    EXPECT_EQ(exec(VSTM(D(0), 2, 13, true, true)), VfpResult::Aborted);  // vpush {d0}: 0x104, 0x108
    EXPECT_EQ(host.r[13], 0x10Cu);
}

// ---- randomized: host fast paths vs. software ------------------------------------------------------

template <typename T>
T random_operand(std::mt19937_64& rng)
{
    constexpr bool dbl = sizeof(T) == 8;
    constexpr int F = dbl ? 52 : 23, emax = dbl ? 2047 : 255;
    const uint64_t r = rng();
    const uint64_t sign = (r & 1) ? uint64_t{1} << (dbl ? 63 : 31) : 0;
    const uint64_t frac = (rng() >> 3) & ((uint64_t{1} << F) - 1);
    int e;
    switch ((r >> 1) % 8) {
    case 0: e = 0; break;                                                             // zero/denormal
    case 1: e = static_cast<int>((r >> 8) % 8); break;                                // near the bottom
    case 2: e = emax - 1 - static_cast<int>((r >> 8) % 8); break;                     // near the top
    case 3: e = (r >> 8) % 64 == 0 ? emax : static_cast<int>((r >> 8) % emax); break;  // anywhere / inf / NaN
    default: e = (emax >> 1) + static_cast<int>((r >> 8) % 61) - 30; break;           // around 1
    }
    uint64_t f = frac;
    switch ((r >> 20) % 6) {
    case 0: f = 0; break;
    case 1: f &= uint64_t{0xF} << (F - 4); break;  // short mantissas: exact results, ties
    case 2: f = (uint64_t{1} << F) - 1 - (f & 3); break;
    default: break;
    }
    return static_cast<T>(sign | (static_cast<uint64_t>(e) << F) | f);
}

template <typename T>
void fast_vs_soft(int iterations)
{
    using namespace emu::arm::vfp;
    std::mt19937_64 rng(sizeof(T) * 1234567);
    for (int i = 0; i < iterations; ++i) {
        const T a = random_operand<T>(rng);
        T b = random_operand<T>(rng);
        if (i % 4 == 0) b = static_cast<T>(a + (rng() % 7) - 3);  // close operands: cancellation, exact quotients
        const uint32_t base = (rng() % 2 ? FZ : 0) | (rng() % 2 ? DN : 0);
        // Same result and same flags with and without the host fast path, from a fresh FPSCR.
        const auto same = [&](auto fn) {
            uint32_t f1 = base, f2 = base;
            const auto r1 = fn(f1, true);
            const auto r2 = fn(f2, false);
            return r1 == r2 && f1 == f2;
        };
        uint32_t scratch = base;
        const T sq = fp_mul<T>(b, b, scratch, false);    // exact squares for sqrt
        const T prod = fp_mul<T>(a, b, scratch, false);  // exact quotients for div
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_add<T>(a, b, f, fast); })) << std::hex << a << " + " << b;
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_sub<T>(a, b, f, fast); })) << std::hex << a << " - " << b;
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_mul<T>(a, b, f, fast); })) << std::hex << a << " * " << b;
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_div<T>(a, b, f, fast); })) << std::hex << a << " / " << b;
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_div<T>(prod, b, f, fast); })) << std::hex << prod << " / " << b;
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_sqrt<T>(a, f, fast); })) << std::hex << "sqrt " << a;
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_sqrt<T>(sq, f, fast); })) << std::hex << "sqrt " << sq;
        ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_compare<T>(a, b, i & 1, f, fast); }))
            << std::hex << a << " ? " << b;
        for (bool uns : {false, true}) {
            ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return fp_to_fixed<T>(a, 32, 0, uns, Rounding::Zero, f, fast); }))
                << std::hex << "cvt " << a;
        }
        if constexpr (sizeof(T) == 8) {
            ASSERT_TRUE(same([&](uint32_t& f, bool fast) { return f64_to_f32(a, f, fast); })) << std::hex << "f64_to_f32 " << a;
        }
    }
}

TEST(VfpFastPath, SingleMatchesSoftware) { fast_vs_soft<uint32_t>(300000); }
TEST(VfpFastPath, DoubleMatchesSoftware) { fast_vs_soft<uint64_t>(300000); }

// ---- randomized: software vs. the host FPU in all rounding modes ----------------------------------
// Where IEEE 754 and ARM agree - no NaN operands or results, no tiny results, FZ off - the
// software paths must reproduce the host's result and IXC/OFC/DZC in every rounding mode.

template <typename H>
H host_op(int op, H a, H b, H c, int mode, int& exc)
{
    volatile H va = a, vb = b, vc = c;
    volatile H r;
    std::fesetround(mode);
    std::feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case 0: r = va + vb; break;
    case 1: r = va - vb; break;
    case 2: r = va * vb; break;
    case 3: r = va / vb; break;
    case 4: r = std::sqrt(static_cast<H>(va)); break;
    default: r = std::fma(static_cast<H>(va), static_cast<H>(vb), static_cast<H>(vc)); break;
    }
    exc = std::fetestexcept(FE_ALL_EXCEPT);
    std::fesetround(FE_TONEAREST);
    return r;
}

template <typename T, typename H>
void soft_vs_host(int iterations)
{
    using namespace emu::arm::vfp;
    std::mt19937_64 rng(sizeof(T) * 7654321);
    const int modes[4] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    int checked = 0;
    for (int i = 0; i < iterations; ++i) {
        T ops[3];
        for (T& o : ops) {
            do o = random_operand<T>(rng);
            while (std::isnan(std::bit_cast<H>(o)));
        }
        const int op = static_cast<int>(rng() % 6);
        if (op == 4) ops[0] &= static_cast<T>(~(T{1} << (sizeof(T) * 8 - 1)));
        const unsigned rmode = static_cast<unsigned>(rng() % 4);
        int exc = 0;
        const H hr = host_op<H>(op, std::bit_cast<H>(ops[0]), std::bit_cast<H>(ops[1]), std::bit_cast<H>(ops[2]),
                                modes[rmode], exc);
        if (std::isnan(hr) || (hr != 0 && std::fabs(hr) <= std::numeric_limits<H>::min()) || (exc & FE_UNDERFLOW))
            continue;
        uint32_t fpscr = rmode << 22;
        T ours;
        switch (op) {
        case 0: ours = fp_add<T>(ops[0], ops[1], fpscr, false); break;
        case 1: ours = fp_sub<T>(ops[0], ops[1], fpscr, false); break;
        case 2: ours = fp_mul<T>(ops[0], ops[1], fpscr, false); break;
        case 3: ours = fp_div<T>(ops[0], ops[1], fpscr, false); break;
        case 4: ours = fp_sqrt<T>(ops[0], fpscr, false); break;
        default: ours = fp_muladd<T>(ops[2], ops[0], ops[1], fpscr); break;
        }
        ASSERT_EQ(ours, std::bit_cast<T>(hr)) << "op " << op << " mode " << rmode << std::hex << " " << ops[0] << " "
                                              << ops[1] << " " << ops[2];
        const uint32_t want = ((exc & FE_INEXACT) ? IXC : 0u) | ((exc & FE_OVERFLOW) ? OFC : 0u) |
                              ((exc & FE_DIVBYZERO) ? DZC : 0u) | ((exc & FE_INVALID) ? IOC : 0u);
        ASSERT_EQ(fpscr & kFlags, want) << "op " << op << " mode " << rmode << std::hex << " " << ops[0] << " "
                                        << ops[1] << " " << ops[2];
        ++checked;
    }
    EXPECT_GT(checked, iterations / 2);
}

TEST(VfpSoftware, SingleMatchesHostInAllRoundingModes) { soft_vs_host<uint32_t, float>(200000); }
TEST(VfpSoftware, DoubleMatchesHostInAllRoundingModes) { soft_vs_host<uint64_t, double>(200000); }

// ---- golden results recorded with qemu-arm -cpu cortex-a15 ------------------------------------------
// Randomized operands (specials, denormals, near-overflow, cancellation, ties) with random
// FPSCR.{RMode,FZ,DN,AHP}; d0-d2 in, d0-d2 and the FPSCR out.

struct Golden {
    uint32_t insn, fpscr_in;
    uint64_t in[3], out[3];
    uint32_t fpscr_out;
};

const Golden kGolden[] = {
    {0xee300a81, 0x00c00000, {0x244caf9ca3b9fbbc, 0x8201e2bd3effffff, 0x965eda32dae44550}, {0x244caf9c3effffff, 0x8201e2bd3effffff, 0x965eda32dae44550}, 0x00c00010},  // vadd.f32 s0, s1, s2
    {0xee300a81, 0x00400000, {0x7fc000008d1fe1da, 0x30b17d0b7fba89c9, 0x3deffa38e12b2b8f}, {0x7fc000007ffa89c9, 0x30b17d0b7fba89c9, 0x3deffa38e12b2b8f}, 0x00400001},  // vadd.f32 s0, s1, s2
    {0xee300a81, 0x00000000, {0x4a7b66d900000000, 0x079dd25a00000000, 0x902a174f11fa2ac0}, {0x4a7b66d94a7b66d9, 0x079dd25a00000000, 0x902a174f11fa2ac0}, 0x00000000},  // vadd.f32 s0, s1, s2
    {0xee300a81, 0x01000000, {0x367e5d6db2900000, 0x303a07b233000000, 0x82450164728a6fcf}, {0x367e5d6d36802eb6, 0x303a07b233000000, 0x82450164728a6fcf}, 0x01000010},  // vadd.f32 s0, s1, s2
    {0xee310b02, 0x00c00000, {0xc07c400000000000, 0x4073980000000000, 0x400a000000000000}, {0x4073cc0000000000, 0x4073980000000000, 0x400a000000000000}, 0x00c00000},  // vadd.f64 d0, d1, d2
    {0xee310b02, 0x02000000, {0xbfa35b1527369299, 0x3fd9146ed4d06f53, 0x3fb8b252221f9504}, {0x3fdf41035d585494, 0x3fd9146ed4d06f53, 0x3fb8b252221f9504}, 0x02000000},  // vadd.f64 d0, d1, d2
    {0xee310b02, 0x02800000, {0xbae1390b9427915b, 0x0119b6d80cf5ce12, 0xc23531edf2b39cf6}, {0xc23531edf2b39cf6, 0x0119b6d80cf5ce12, 0xc23531edf2b39cf6}, 0x02800010},  // vadd.f64 d0, d1, d2
    {0xee310b02, 0x01800000, {0xb4bd8610016c3b91, 0x82bf49adafc566ae, 0x8419d2f127550b41}, {0x8419d2f1a47bc201, 0x82bf49adafc566ae, 0x8419d2f127550b41}, 0x01800010},  // vadd.f64 d0, d1, d2
    {0xee300ac1, 0x01c00000, {0x0db4c3f5387fc000, 0xf3dd95e9b2a80000, 0x49599a8943ff086f}, {0x0db4c3f532a80000, 0xf3dd95e9b2a80000, 0x49599a8943ff086f}, 0x01c00010},  // vsub.f32 s0, s1, s2
    {0xee300ac1, 0x00c00000, {0x44cdcc023da7dbee, 0xb0d594593850ceb5, 0x5feffb3eac387290}, {0x44cdcc0244cdcc01, 0xb0d594593850ceb5, 0x5feffb3eac387290}, 0x00c00010},  // vsub.f32 s0, s1, s2
    {0xee300ac1, 0x00000000, {0xc0080000c4608000, 0x298d5f85c2540000, 0x260d1e22fbb471f7}, {0xc0080000424b8000, 0x298d5f85c2540000, 0x260d1e22fbb471f7}, 0x00000000},  // vsub.f32 s0, s1, s2
    {0xee300ac1, 0x00400000, {0xbf0000014b7fffff, 0x5de2693177a6049b, 0xae52611c07ac8f6d}, {0xbf000001f7a6049b, 0x5de2693177a6049b, 0xae52611c07ac8f6d}, 0x00400010},  // vsub.f32 s0, s1, s2
    {0xee310b42, 0x00800000, {0x5a45b40ae1a5e91e, 0xc110000000000000, 0x7fefffffffffffff}, {0xfff0000000000000, 0xc110000000000000, 0x7fefffffffffffff}, 0x00800014},  // vsub.f64 d0, d1, d2
    {0xee310b42, 0x00400000, {0x3cf45b40dabac17a, 0xbf70000020000000, 0x7ff0000000000001}, {0x7ff8000000000001, 0xbf70000020000000, 0x7ff0000000000001}, 0x00400001},  // vsub.f64 d0, d1, d2
    {0xee310b42, 0x00c00000, {0xfff718e84aed780b, 0x7ff0000000000000, 0xda54028948d96609}, {0x7ff0000000000000, 0x7ff0000000000000, 0xda54028948d96609}, 0x00c00000},  // vsub.f64 d0, d1, d2
    {0xee310b42, 0x02c00000, {0x73608bc8840362f9, 0xf2e8f5b11c3a8968, 0xb800000010000000}, {0xf2e8f5b11c3a8967, 0xf2e8f5b11c3a8968, 0xb800000010000000}, 0x02c00010},  // vsub.f64 d0, d1, d2
    {0xee200a81, 0x00400000, {0x3dfed25ebaf5bdd2, 0xb9a9874f3c76e0b7, 0xe37daba8dff2387f}, {0x3dfed25e3af5bdd5, 0xb9a9874f3c76e0b7, 0xe37daba8dff2387f}, 0x00400010},  // vmul.f32 s0, s1, s2
    {0xee200a81, 0x00000000, {0x8356fa6f0032167f, 0x24d5710680259a99, 0x68ce2b6ca0215a80}, {0x8356fa6f00000000, 0x24d5710680259a99, 0x68ce2b6ca0215a80}, 0x00000018},  // vmul.f32 s0, s1, s2
    {0xee200a81, 0x03c00000, {0xc463000044264000, 0x4c17750b43700000, 0xe90b48d7032e83fe}, {0xc4630000c854d000, 0x4c17750b43700000, 0xe90b48d7032e83fe}, 0x03c00000},  // vmul.f32 s0, s1, s2
    {0xee200a81, 0x03000000, {0x01cc240a5f000000, 0x64d8b68f001f7deb, 0x04a98bf091ce02a8}, {0x01cc240a00000000, 0x64d8b68f001f7deb, 0x04a98bf091ce02a8}, 0x03000080},  // vmul.f32 s0, s1, s2
    {0xee210b02, 0x01c00000, {0xf5e8491df0311869, 0x367fffffffffffff, 0x0000000000000000}, {0x0000000000000000, 0x367fffffffffffff, 0x0000000000000000}, 0x01c00000},  // vmul.f64 d0, d1, d2
    {0xee210b02, 0x00400000, {0x3680000010000000, 0x001a82e2d5ca27e8, 0x3ed0000000000000}, {0x00000006a0b8b573, 0x001a82e2d5ca27e8, 0x3ed0000000000000}, 0x00400018},  // vmul.f64 d0, d1, d2
    {0xee210b02, 0x00000000, {0xbf3f11f18b528ad4, 0x3f93211eaf8f124a, 0x3f99fcc20374d163}, {0x3f3f11f18b528ad1, 0x3f93211eaf8f124a, 0x3f99fcc20374d163}, 0x00000010},  // vmul.f64 d0, d1, d2
    {0xee210b02, 0x03000000, {0x800236b3d99c945c, 0x5a26ae3ed623591e, 0x0000000000000000}, {0x0000000000000000, 0x5a26ae3ed623591e, 0x0000000000000000}, 0x03000000},  // vmul.f64 d0, d1, d2
    {0xee200ac1, 0x00000000, {0x3b06bf9bb476038b, 0xc08f974838e9b169, 0x1c9b242ef36e18c7}, {0x3b06bf9bb476038c, 0xc08f974838e9b169, 0x1c9b242ef36e18c7}, 0x00000010},  // vnmul.f32 s0, s1, s2
    {0xee200ac1, 0x01400000, {0x5dd1abfb012830ee, 0x4916a2db00000000, 0x2596cf74b1931a4e}, {0x5dd1abfb80000000, 0x4916a2db00000000, 0x2596cf74b1931a4e}, 0x01400000},  // vnmul.f32 s0, s1, s2
    {0xee200ac1, 0x02c00000, {0x0929fa1840000000, 0x51ccef57826d382b, 0x9fc7efe9a10671bd}, {0x0929fa1800000000, 0x51ccef57826d382b, 0x9fc7efe9a10671bd}, 0x02c00018},  // vnmul.f32 s0, s1, s2
    {0xee200ac1, 0x00800000, {0x2dbd7ca080000000, 0x2cfa0c1b13603bbe, 0x255a225979a0ff55}, {0x2dbd7ca081a5f944, 0x2cfa0c1b13603bbe, 0x255a225979a0ff55}, 0x00800010},  // vnmul.f32 s0, s1, s2
    {0xee210b42, 0x01800000, {0x40f0000000000000, 0x14dde1ac07ca307c, 0xc1e0000000100000}, {0x16cde1ac07e81229, 0x14dde1ac07ca307c, 0xc1e0000000100000}, 0x01800010},  // vnmul.f64 d0, d1, d2
    {0xee210b42, 0x01000000, {0xc1209c91a66f6fd2, 0xc083adb70b3425fc, 0x38bc1f4d9c74c569}, {0x39514b402d579a2b, 0xc083adb70b3425fc, 0x38bc1f4d9c74c569}, 0x01000010},  // vnmul.f64 d0, d1, d2
    {0xee210b42, 0x03400000, {0x480697ad44065eae, 0x47efffffe0000000, 0x3edfffffffffffff}, {0xc6dfffffe0000000, 0x47efffffe0000000, 0x3edfffffffffffff}, 0x03400010},  // vnmul.f64 d0, d1, d2
    {0xee210b42, 0x00c00000, {0xbfe64a387d410160, 0x400407ab31b529de, 0x3fd1ce263b3142c3}, {0xbfe64a387d41015c, 0x400407ab31b529de, 0x3fd1ce263b3142c3}, 0x00c00010},  // vnmul.f64 d0, d1, d2
    {0xee800a81, 0x00400000, {0x8c1103838639d841, 0xb7148eb3f7df60e5, 0x0deb366d346f071b}, {0x8c11038300000001, 0xb7148eb3f7df60e5, 0x0deb366d346f071b}, 0x00400018},  // vdiv.f32 s0, s1, s2
    {0xee800a81, 0x02800000, {0x3e705903c23ccc4d, 0x7da35f29434917dd, 0x436ba3c8676ced33}, {0x3e7059033a98fc7d, 0x7da35f29434917dd, 0x436ba3c8676ced33}, 0x02800010},  // vdiv.f32 s0, s1, s2
    {0xee800a81, 0x01c00000, {0x376ac350ad74c868, 0x92e359cb35857690, 0xadb42ed9311f8729}, {0x376ac3504161273a, 0x92e359cb35857690, 0xadb42ed9311f8729}, 0x01c00010},  // vdiv.f32 s0, s1, s2
    {0xee800a81, 0x00800000, {0x83b78ceeb338f40a, 0x819571c73f000000, 0x729b21cf8010c764}, {0x83b78cee84378cee, 0x819571c73f000000, 0x729b21cf8010c764}, 0x00800000},  // vdiv.f32 s0, s1, s2
    {0xee810b02, 0x00c00000, {0xc072600000000000, 0xc042c00000000000, 0x3ff5800000000000}, {0xc03be82fa0be82fa, 0xc042c00000000000, 0x3ff5800000000000}, 0x00c00010},  // vdiv.f64 d0, d1, d2
    {0xee810b02, 0x00000000, {0x7ff8000000000123, 0x021b9a92b40fe4d5, 0x0161827dfe7cd1a6}, {0x40a9394652d9b678, 0x021b9a92b40fe4d5, 0x0161827dfe7cd1a6}, 0x00000010},  // vdiv.f64 d0, d1, d2
    {0xee810b02, 0x00800000, {0xc0894a73eb28fc6c, 0xc1e0000000000000, 0x82da105ab7505482}, {0x7ef3a4dfd869e52e, 0xc1e0000000000000, 0x82da105ab7505482}, 0x00800010},  // vdiv.f64 d0, d1, d2
    {0xee810b02, 0x01c00000, {0x000ae689b2d3a38d, 0x3a89cfc4f8aa263e, 0x059a83e6270b7512}, {0x74df269c24d72ffd, 0x3a89cfc4f8aa263e, 0x059a83e6270b7512}, 0x01c00010},  // vdiv.f64 d0, d1, d2
    {0xee000a81, 0x02400000, {0x0756ded9c13c9f0b, 0xd9c77c5780609ff6, 0xa39fd2aaf938eb9e}, {0x0756ded9c13c9f0b, 0xd9c77c5780609ff6, 0xa39fd2aaf938eb9e}, 0x02400018},  // vmla.f32 s0, s1, s2
    {0xee000a81, 0x01400000, {0x2d00f06a01272491, 0xe363a23a13f6f93a, 0xf2e73ee78cd7a272}, {0x2d00f06a01cff6d6, 0xe363a23a13f6f93a, 0xf2e73ee78cd7a272}, 0x01400010},  // vmla.f32 s0, s1, s2
    {0xee000a81, 0x02400000, {0xc166cd5fe157d620, 0x8795ae99b8dfd08e, 0x2d3437d7c12b4549}, {0xc166cd5fe157d61f, 0x8795ae99b8dfd08e, 0x2d3437d7c12b4549}, 0x02400010},  // vmla.f32 s0, s1, s2
    {0xee000a81, 0x00c00000, {0x7f7fffffef6cb52d, 0xf3c150a924ad82f4, 0xa8157cc03b8f0a00}, {0x7f7fffffef6cb527, 0xf3c150a924ad82f4, 0xa8157cc03b8f0a00}, 0x00c00010},  // vmla.f32 s0, s1, s2
    {0xee010b02, 0x03800000, {0xbf60000020000000, 0x97d054776c38461e, 0x0000000000000001}, {0xbf60000020000000, 0x97d054776c38461e, 0x0000000000000001}, 0x03800080},  // vmla.f64 d0, d1, d2
    {0xee010b02, 0x00000000, {0x4060000010000000, 0x4190000000000000, 0x408bbb02ce3df0ad}, {0x422bbb02cf3df0ae, 0x4190000000000000, 0x408bbb02ce3df0ad}, 0x00000000},  // vmla.f64 d0, d1, d2
    {0xee010b02, 0x01400000, {0xc078c00000000000, 0xc056580000000000, 0x4000000000000000}, {0xc081f60000000000, 0xc056580000000000, 0x4000000000000000}, 0x01400000},  // vmla.f64 d0, d1, d2
    {0xee010b02, 0x00400000, {0x480fffffffffffff, 0x3bc23de5cb1f74ac, 0xc080000010000000}, {0x480fffffffffffff, 0x3bc23de5cb1f74ac, 0xc080000010000000}, 0x00400010},  // vmla.f64 d0, d1, d2
    {0xee000ac1, 0x00800000, {0x8aa315c785930d67, 0x907dd37f007fffff, 0xc9b3d370b8ea80de}, {0x8aa315c785930d67, 0x907dd37f007fffff, 0xc9b3d370b8ea80de}, 0x00800018},  // vmls.f32 s0, s1, s2
    {0xee000ac1, 0x00400000, {0x06333c1d8bab79ba, 0x68830bda807fffff, 0xbc738e1aea02513b}, {0x06333c1d8bab79ba, 0x68830bda807fffff, 0xbc738e1aea02513b}, 0x00400018},  // vmls.f32 s0, s1, s2
    {0xee000ac1, 0x01800000, {0x5ef52c7360b57ff4, 0xf797eaf50766cbbf, 0x9666ea5e45a6c2a7}, {0x5ef52c7360b57ff3, 0xf797eaf50766cbbf, 0x9666ea5e45a6c2a7}, 0x01800010},  // vmls.f32 s0, s1, s2
    {0xee000ac1, 0x02800000, {0x559ff972000f86d9, 0x2c080d6000000000, 0x722bec36df4f43d0}, {0x559ff972000f86d9, 0x2c080d6000000000, 0x722bec36df4f43d0}, 0x02800000},  // vmls.f32 s0, s1, s2
    {0xee010b42, 0x01400000, {0x8000000000000000, 0x30ef21a436ec6f14, 0x0f34c51e0a57bacc}, {0x803434caf6dfb4f8, 0x30ef21a436ec6f14, 0x0f34c51e0a57bacc}, 0x01400010},  // vmls.f64 d0, d1, d2
    {0xee010b42, 0x01000000, {0xc077900000000000, 0xc0a9a00000000000, 0x403c800000000000}, {0x40f6baf000000000, 0xc0a9a00000000000, 0x403c800000000000}, 0x01000000},  // vmls.f64 d0, d1, d2
    {0xee010b42, 0x02400000, {0x3810000000000000, 0x3fe2eb7c341bc894, 0x4b347641cc543875}, {0xcb283231c369a1f8, 0x3fe2eb7c341bc894, 0x4b347641cc543875}, 0x02400010},  // vmls.f64 d0, d1, d2
    {0xee010b42, 0x00400000, {0x03388214a985edeb, 0x8165009c27136198, 0x3e70000000000000}, {0x03388214a985edec, 0x8165009c27136198, 0x3e70000000000000}, 0x00400010},  // vmls.f64 d0, d1, d2
    {0xee100ac1, 0x00400000, {0x0000000180580854, 0x504379e303b62f9c, 0xe57cb37e2beee4d7}, {0x0000000100580853, 0x504379e303b62f9c, 0xe57cb37e2beee4d7}, 0x00400018},  // vnmla.f32 s0, s1, s2
    {0xee100ac1, 0x00800000, {0x46bb8ddd4c0fbd3d, 0x891df16744c43200, 0xcbf9fb58f4537628}, {0x46bb8dddcc8fbd3e, 0x891df16744c43200, 0xcbf9fb58f4537628}, 0x00800010},  // vnmla.f32 s0, s1, s2
    {0xee100ac1, 0x00000000, {0x3b5ddca441712000, 0xdbe6fb54458b1d13, 0x09b67e87ec98c96a}, {0x3b5ddca4c1f12000, 0xdbe6fb54458b1d13, 0x09b67e87ec98c96a}, 0x00000010},  // vnmla.f32 s0, s1, s2
    {0xee100ac1, 0x00800000, {0x3f8000014b000000, 0xacd1035a80000001, 0x0df00e12649417bb}, {0x3f800001cb000000, 0xacd1035a80000001, 0x0df00e12649417bb}, 0x00800018},  // vnmla.f32 s0, s1, s2
    {0xee110b42, 0x00000000, {0x4033089270221b9f, 0x405e824c9586e031, 0x3fc3f6b3a9a7d297}, {0xc043089270221b9f, 0x405e824c9586e031, 0x3fc3f6b3a9a7d297}, 0x00000010},  // vnmla.f64 d0, d1, d2
    {0xee110b42, 0x02400000, {0x0005c8c0b0503f8e, 0x2bdfbe7c0400f9c3, 0x1439f8c1b6a792b7}, {0x802ca7f5a6757f96, 0x2bdfbe7c0400f9c3, 0x1439f8c1b6a792b7}, 0x02400010},  // vnmla.f64 d0, d1, d2
    {0xee110b42, 0x00400000, {0x0000000000000000, 0xcdc6bde074fa75b2, 0x0000000000000000}, {0x0000000000000000, 0xcdc6bde074fa75b2, 0x0000000000000000}, 0x00400000},  // vnmla.f64 d0, d1, d2
    {0xee110b42, 0x02000000, {0x47efffffe0000000, 0x61beccdfb90b5947, 0x424fffffffffffff}, {0xe41eccdfb90b5946, 0x61beccdfb90b5947, 0x424fffffffffffff}, 0x02000010},  // vnmla.f64 d0, d1, d2
    {0xee100a81, 0x01000000, {0x477ff0003fc00000, 0xb2d38d32bea15dd4, 0xea60d12d5f90e255}, {0x477ff000c6a156be, 0xb2d38d32bea15dd4, 0xea60d12d5f90e255}, 0x01000010},  // vnmls.f32 s0, s1, s2
    {0xee100a81, 0x01000000, {0x503a771b00075946, 0x1642354500000000, 0x884fe419fa4e4f6f}, {0x503a771b00000000, 0x1642354500000000, 0x884fe419fa4e4f6f}, 0x01000080},  // vnmls.f32 s0, s1, s2
    {0xee100a81, 0x00400000, {0x7f8000000fc7c004, 0x6f0d4040fe82c04b, 0xe1afed043fd4b986}, {0x7f800000ff800000, 0x6f0d4040fe82c04b, 0xe1afed043fd4b986}, 0x00400000},  // vnmls.f32 s0, s1, s2
    {0xee100a81, 0x01800000, {0x44fd6427c305799b, 0x5bba64a23d86d965, 0x4fa0864015d7ae30}, {0x44fd64274385799a, 0x5bba64a23d86d965, 0x4fa0864015d7ae30}, 0x01800010},  // vnmls.f32 s0, s1, s2
    {0xee110b02, 0x03400000, {0x0003e6a0d0fef530, 0xdb3113266e936d10, 0x0000000000000000}, {0x8000000000000000, 0xdb3113266e936d10, 0x0000000000000000}, 0x03400080},  // vnmls.f64 d0, d1, d2
    {0xee110b02, 0x03000000, {0x8000000000000000, 0x5f59946cd64f53a6, 0x0000000000000000}, {0x0000000000000000, 0x5f59946cd64f53a6, 0x0000000000000000}, 0x03000000},  // vnmls.f64 d0, d1, d2
    {0xee110b02, 0x00c00000, {0xbfd414b125036a54, 0x3fc869784531b96b, 0x3ffa529454f1f956}, {0x3fe414b125036a54, 0x3fc869784531b96b, 0x3ffa529454f1f956}, 0x00c00010},  // vnmls.f64 d0, d1, d2
    {0xee110b02, 0x00400000, {0x367000001fffffff, 0x47effffff0000000, 0xc5dd4790ba199cb3}, {0xcddd4790ab75d455, 0x47effffff0000000, 0xc5dd4790ba199cb3}, 0x00400010},  // vnmls.f64 d0, d1, d2
    {0xeea00a81, 0x02400000, {0x455a000044358000, 0xe5aa5e58c4300000, 0xd6b7b8df4486e581}, {0x455a0000ca15d4a8, 0xe5aa5e58c4300000, 0xd6b7b8df4486e581}, 0x02400000},  // vfma.f32 s0, s1, s2
    {0xeea00a81, 0x01c00000, {0x48f0f921c7c5d885, 0xaa1e65753e522eea, 0x2a0b17a232d89270}, {0x48f0f9213c0cd315, 0xaa1e65753e522eea, 0x2a0b17a232d89270}, 0x01c00000},  // vfma.f32 s0, s1, s2
    {0xeea00a81, 0x00800000, {0x4f2d86e5010b5c10, 0x6d3ef86a00000000, 0x2357814663da83a7}, {0x4f2d86e5010b5c10, 0x6d3ef86a00000000, 0x2357814663da83a7}, 0x00800000},  // vfma.f32 s0, s1, s2
    {0xeea00a81, 0x00400000, {0x397f379607d92adf, 0xc927cabbba84936b, 0x467f4e4b2a780c66}, {0x397f3796b4842ba0, 0xc927cabbba84936b, 0x467f4e4b2a780c66}, 0x00400010},  // vfma.f32 s0, s1, s2
    {0xeea10b02, 0x02000000, {0x4004000000000000, 0x825d2fe9296564b9, 0x84ecef8d2effa825}, {0x4004000000000000, 0x825d2fe9296564b9, 0x84ecef8d2effa825}, 0x02000010},  // vfma.f64 d0, d1, d2
    {0xeea10b02, 0x03c00000, {0xbfee449e5b77c732, 0x406bc6ac97e70855, 0x3f716f7a8213b7ca}, {0x3cae90a8cb905612, 0x406bc6ac97e70855, 0x3f716f7a8213b7ca}, 0x03c00000},  // vfma.f64 d0, d1, d2
    {0xeea10b02, 0x01000000, {0x0019e018f85092f7, 0x49c75a1c21ec1af3, 0x0000000000000000}, {0x0019e018f85092f7, 0x49c75a1c21ec1af3, 0x0000000000000000}, 0x01000000},  // vfma.f64 d0, d1, d2
    {0xeea10b02, 0x00800000, {0x8012f2a9c1e0a75b, 0xb27a9db1d4ad7f40, 0x0d8c7567b0064a07}, {0x80254f2616138169, 0xb27a9db1d4ad7f40, 0x0d8c7567b0064a07}, 0x00800010},  // vfma.f64 d0, d1, d2
    {0xeea00ac1, 0x01000000, {0x0a56c72a0e7f1392, 0xfc61dca9c0800000, 0x54e4e8fd9cc2874e}, {0x0a56c72a0e813757, 0xfc61dca9c0800000, 0x54e4e8fd9cc2874e}, 0x01000010},  // vfms.f32 s0, s1, s2
    {0xeea00ac1, 0x00400000, {0x8944e21b0d68d01e, 0x5fe2b1cb3b8d0db9, 0x98cb6d243d99dd43}, {0x8944e21b0d68d0f7, 0x5fe2b1cb3b8d0db9, 0x98cb6d243d99dd43}, 0x00400010},  // vfms.f32 s0, s1, s2
    {0xeea00ac1, 0x01800000, {0x477fefff01bb4b8e, 0x6d08b5524f800000, 0xa8ae231dbfdcfbdd}, {0x477fefffd77fefff, 0x6d08b5524f800000, 0xa8ae231dbfdcfbdd}, 0x01800010},  // vfms.f32 s0, s1, s2
    {0xeea00ac1, 0x00c00000, {0xf02507b4452f4786, 0xadee1f157f7fffff, 0x9fd0848f538639fa}, {0xf02507b47f7fffff, 0xadee1f157f7fffff, 0x9fd0848f538639fa}, 0x00c00014},  // vfms.f32 s0, s1, s2
    {0xeea10b42, 0x00000000, {0x0000000000000000, 0x5a259ac9a5168180, 0x0000000000000000}, {0x0000000000000000, 0x5a259ac9a5168180, 0x0000000000000000}, 0x00000000},  // vfms.f64 d0, d1, d2
    {0xeea10b42, 0x02400000, {0xbdaac069ae2f2f30, 0x47f0000010000000, 0x3ff0000000000001}, {0xc7f0000010000001, 0x47f0000010000000, 0x3ff0000000000001}, 0x02400010},  // vfms.f64 d0, d1, d2
    {0xeea10b42, 0x01c00000, {0x4030f510b3013011, 0x3f8b3b2791e5799a, 0x4093ed4ed731f009}, {0xbd045c88f7e2e99a, 0x3f8b3b2791e5799a, 0x4093ed4ed731f009}, 0x01c00010},  // vfms.f64 d0, d1, d2
    {0xeea10b42, 0x02c00000, {0x0000000000000000, 0x2853c2b1deb5d409, 0x17af7bfe813002fe}, {0x8013712dd49a8b00, 0x2853c2b1deb5d409, 0x17af7bfe813002fe}, 0x02c00010},  // vfms.f64 d0, d1, d2
    {0xee900ac1, 0x02c00000, {0x40000000c301816f, 0x919c214eb5dc2668, 0x8a5d12ba7b595304}, {0x400000004301816f, 0x919c214eb5dc2668, 0x8a5d12ba7b595304}, 0x02c00010},  // vfnma.f32 s0, s1, s2
    {0xee900ac1, 0x00400000, {0xdee318252f4ebf06, 0xe99753f56595a518, 0x86ee888389d39846}, {0xdee318257f800000, 0xe99753f56595a518, 0x86ee888389d39846}, 0x00400014},  // vfnma.f32 s0, s1, s2
    {0xee900ac1, 0x00000000, {0x331cc42400800000, 0xc1d5819c7fa00000, 0xeb6d6d5eafb13f28}, {0x331cc4247fe00000, 0xc1d5819c7fa00000, 0xeb6d6d5eafb13f28}, 0x00000001},  // vfnma.f32 s0, s1, s2
    {0xee900ac1, 0x01000000, {0x3b95739b45bb8cbf, 0xe2dbfced49a0a138, 0x08f65d48e1944386}, {0x3b95739bc63b8cbf, 0xe2dbfced49a0a138, 0x08f65d48e1944386}, 0x01000010},  // vfnma.f32 s0, s1, s2
    {0xee910b42, 0x01c00000, {0x411c1180a234595e, 0x3fce295fe036651f, 0x413dc7774d5e0a04}, {0xc12c1180a234595f, 0x3fce295fe036651f, 0x413dc7774d5e0a04}, 0x01c00010},  // vfnma.f64 d0, d1, d2
    {0xee910b42, 0x00400000, {0x3810000000000000, 0x802a0235cf30a5c3, 0x8003c0320b63fc4d}, {0xb810000000000000, 0x802a0235cf30a5c3, 0x8003c0320b63fc4d}, 0x00400010},  // vfnma.f64 d0, d1, d2
    {0xee910b42, 0x00c00000, {0x027761f4dae48c2b, 0x834f07638ff204ae, 0x41c0000010000000}, {0x051f0763aef96265, 0x834f07638ff204ae, 0x41c0000010000000}, 0x00c00010},  // vfnma.f64 d0, d1, d2
    {0xee910b42, 0x02c00000, {0x4150000000000000, 0x03a9d0b06d231acc, 0x074b7d97a4cac1e0}, {0xc150000000000000, 0x03a9d0b06d231acc, 0x074b7d97a4cac1e0}, 0x02c00010},  // vfnma.f64 d0, d1, d2
    {0xee900a81, 0x02800000, {0x4079633db752c132, 0x7b622d39365857bc, 0xe28402f82a0f139c}, {0x4079633d37d2c132, 0x7b622d39365857bc, 0xe28402f82a0f139c}, 0x02800010},  // vfnms.f32 s0, s1, s2
    {0xee900a81, 0x00800000, {0x3f551512c94db5c0, 0x19053a4b49772490, 0xba7ff9a9e964a6d4}, {0x3f55151249cdb5c1, 0x19053a4b49772490, 0xba7ff9a9e964a6d4}, 0x00800010},  // vfnms.f32 s0, s1, s2
    {0xee900a81, 0x00c00000, {0x3da763b9c78a261b, 0xa39173a5495347bd, 0x27a7da1df88468a3}, {0x3da763b9480a261a, 0xa39173a5495347bd, 0x27a7da1df88468a3}, 0x00c00010},  // vfnms.f32 s0, s1, s2
    {0xee900a81, 0x00400000, {0x308f44f380000000, 0x19b34ff50ea619ce, 0xe91c7bbea36f8e36}, {0x308f44f3002e7a94, 0x19b34ff50ea619ce, 0xe91c7bbea36f8e36}, 0x00400018},  // vfnms.f32 s0, s1, s2
    {0xee910b02, 0x03000000, {0x5968907122e61611, 0x80ede588ffde44dd, 0x7ff8000000000123}, {0x7ff8000000000000, 0x80ede588ffde44dd, 0x7ff8000000000123}, 0x03000000},  // vfnms.f64 d0, d1, d2
    {0xee910b02, 0x01400000, {0x007e9cd664761484, 0xc1a0000000000000, 0x812d33595175ba24}, {0x02dd335951753fb1, 0xc1a0000000000000, 0x812d33595175ba24}, 0x01400010},  // vfnms.f64 d0, d1, d2
    {0xee910b02, 0x00800000, {0xc05e400000000000, 0x402b000000000000, 0x4022000000000000}, {0x406e500000000000, 0x402b000000000000, 0x4022000000000000}, 0x00800000},  // vfnms.f64 d0, d1, d2
    {0xee910b02, 0x01000000, {0xe4093e22a7172a84, 0x821f3adc2f6e7060, 0x7ff0000000000000}, {0xfff0000000000000, 0x821f3adc2f6e7060, 0x7ff0000000000000}, 0x01000000},  // vfnms.f64 d0, d1, d2
    {0xeeb10ae0, 0x02000000, {0x7fc00001387fc000, 0x538d011403b4b07b, 0x67721dc5620e2930}, {0x7fc000017fc00000, 0x538d011403b4b07b, 0x67721dc5620e2930}, 0x02000000},  // vsqrt.f32 s0, s1
    {0xeeb10ae0, 0x03000000, {0x37800000b9c8a212, 0x6001688840000000, 0x960c919523a4560b}, {0x378000003b800000, 0x6001688840000000, 0x960c919523a4560b}, 0x03000000},  // vsqrt.f32 s0, s1
    {0xeeb10ae0, 0x01400000, {0xfcc7a871993e4c1b, 0x66e9c30d8c0054db, 0x6724f723e5239501}, {0xfcc7a8717fc00000, 0x66e9c30d8c0054db, 0x6724f723e5239501}, 0x01400001},  // vsqrt.f32 s0, s1
    {0xeeb10ae0, 0x00000000, {0x3b57847c4f000000, 0x15e20b9580000001, 0xc54dd9d4e3ecfae6}, {0x3b57847c3d6ae364, 0x15e20b9580000001, 0xc54dd9d4e3ecfae6}, 0x00000010},  // vsqrt.f32 s0, s1
    {0xeeb10bc1, 0x03000000, {0xc6cd5f7fa4a31437, 0x6f17dc9acebe674d, 0xc7ffffffffffffff}, {0x57838a1584d02ed3, 0x6f17dc9acebe674d, 0xc7ffffffffffffff}, 0x03000010},  // vsqrt.f64 d0, d1
    {0xeeb10bc1, 0x00400000, {0xc148c61bd744e1db, 0x4170000010000000, 0xc14726ef34175160}, {0x40b0000007ffffff, 0x4170000010000000, 0xc14726ef34175160}, 0x00400010},  // vsqrt.f64 d0, d1
    {0xeeb10bc1, 0x00800000, {0xb67e2b33ee49914e, 0x02b50358229bd15f, 0xb6a000001fffffff}, {0x21525604501b562b, 0x02b50358229bd15f, 0xb6a000001fffffff}, 0x00800010},  // vsqrt.f64 d0, d1
    {0xeeb10bc1, 0x01000000, {0xf385147bc5e5cbb7, 0x41efffffffffffff, 0x73de69e124c60f01}, {0x40efffffffffffff, 0x41efffffffffffff, 0x73de69e124c60f01}, 0x01000010},  // vsqrt.f64 d0, d1
    {0xeeb00ae0, 0x01c00000, {0x7fa0000000400000, 0xa741d1a7a91e144a, 0x1f1d66908346201d}, {0x7fa000007fa00000, 0xa741d1a7a91e144a, 0x1f1d66908346201d}, 0x01c00000},  // vabs.f32 s0, s1
    {0xeeb00ae0, 0x00c00000, {0x0d373cc0041504ce, 0x0fed1bce40200000, 0x9e373c86edd52163}, {0x0d373cc00d373cc0, 0x0fed1bce40200000, 0x9e373c86edd52163}, 0x00c00000},  // vabs.f32 s0, s1
    {0xeeb00ae0, 0x02400000, {0xc97fffffcb317949, 0xeae7010200800001, 0xfb30cc0706ec99c6}, {0xc97fffff497fffff, 0xeae7010200800001, 0xfb30cc0706ec99c6}, 0x02400000},  // vabs.f32 s0, s1
    {0xeeb00ae0, 0x03c00000, {0x09dd491389515e08, 0x0b4fcf5d007fffff, 0x8f961ad008bec7e1}, {0x09dd491309dd4913, 0x0b4fcf5d007fffff, 0x8f961ad008bec7e1}, 0x03c00000},  // vabs.f32 s0, s1
    {0xeeb00bc1, 0x01800000, {0x4170000000000000, 0x0190f36b3feba3b8, 0x800fe08219601ae4}, {0x0190f36b3feba3b8, 0x0190f36b3feba3b8, 0x800fe08219601ae4}, 0x01800000},  // vabs.f64 d0, d1
    {0xeeb00bc1, 0x00400000, {0xfe079a60a8f2359b, 0xfff4000000000000, 0x0000000000000000}, {0x7ff4000000000000, 0xfff4000000000000, 0x0000000000000000}, 0x00400000},  // vabs.f64 d0, d1
    {0xeeb00bc1, 0x03800000, {0x3f00000020000000, 0x4170000000000000, 0x3fefffffffffffff}, {0x4170000000000000, 0x4170000000000000, 0x3fefffffffffffff}, 0x03800000},  // vabs.f64 d0, d1
    {0xeeb00bc1, 0x02400000, {0x87c07aa4546f8dc5, 0x00b8533549baddc7, 0x000fffffffffffff}, {0x00b8533549baddc7, 0x00b8533549baddc7, 0x000fffffffffffff}, 0x02400000},  // vabs.f64 d0, d1
    {0xeeb10a60, 0x01000000, {0x8a2cff73164935d6, 0x2cfa3314ffc00000, 0x16819bf033e6275c}, {0x8a2cff730a2cff73, 0x2cfa3314ffc00000, 0x16819bf033e6275c}, 0x01000000},  // vneg.f32 s0, s1
    {0xeeb10a60, 0x02000000, {0x0223f9d1bd800000, 0x9bc90b2c87a649b8, 0x0dea5a6ec023b0d8}, {0x0223f9d18223f9d1, 0x9bc90b2c87a649b8, 0x0dea5a6ec023b0d8}, 0x02000000},  // vneg.f32 s0, s1
    {0xeeb10a60, 0x03000000, {0x8c9f0d86803a438a, 0x9deafb07852a1a8e, 0xacd2bd1a2e84a6da}, {0x8c9f0d860c9f0d86, 0x9deafb07852a1a8e, 0xacd2bd1a2e84a6da}, 0x03000000},  // vneg.f32 s0, s1
    {0xeeb10a60, 0x00400000, {0x038158f9ca000000, 0xe40f979dcf800001, 0xf5ff9d57e332d9dc}, {0x038158f9838158f9, 0xe40f979dcf800001, 0xf5ff9d57e332d9dc}, 0x00400000},  // vneg.f32 s0, s1
    {0xeeb10b41, 0x01800000, {0x480fffffffffffff, 0x41e0000000000000, 0x78f4237e0ac61356}, {0xc1e0000000000000, 0x41e0000000000000, 0x78f4237e0ac61356}, 0x01800000},  // vneg.f64 d0, d1
    {0xeeb10b41, 0x02800000, {0x039dcc3116443cff, 0x7ff8000000000123, 0x3ff0000000000000}, {0xfff8000000000123, 0x7ff8000000000123, 0x3ff0000000000000}, 0x02800000},  // vneg.f64 d0, d1
    {0xeeb10b41, 0x00400000, {0x47efffffe0000000, 0x829a2a642d32e8d3, 0x000fffffffffffff}, {0x029a2a642d32e8d3, 0x829a2a642d32e8d3, 0x000fffffffffffff}, 0x00400000},  // vneg.f64 d0, d1
    {0xeeb10b41, 0x03c00000, {0x41dfffffffc00000, 0x03871f9349692072, 0x034dbb89e8065214}, {0x83871f9349692072, 0x03871f9349692072, 0x034dbb89e8065214}, 0x03c00000},  // vneg.f64 d0, d1
    {0xeeb00a60, 0x02c00000, {0x83824f3733000000, 0x285112ae8aacfd23, 0x648d7366f58c191b}, {0x83824f3783824f37, 0x285112ae8aacfd23, 0x648d7366f58c191b}, 0x02c00000},  // vmov.f32 s0, s1
    {0xeeb00a60, 0x00400000, {0x008e288d7f7fffff, 0x80f3a5a34fffffff, 0xf5e5cae21b628f11}, {0x008e288d008e288d, 0x80f3a5a34fffffff, 0xf5e5cae21b628f11}, 0x00400000},  // vmov.f32 s0, s1
    {0xeeb00a60, 0x01800000, {0xff80012340b6aa50, 0x3b164555be000001, 0xe3cc5dd1519db1e8}, {0xff800123ff800123, 0x3b164555be000001, 0xe3cc5dd1519db1e8}, 0x01800000},  // vmov.f32 s0, s1
    {0xeeb00a60, 0x03800000, {0x86b73d80452d63ed, 0x786bc7c800ba2fc0, 0x69236f965017f294}, {0x86b73d8086b73d80, 0x786bc7c800ba2fc0, 0x69236f965017f294}, 0x03800000},  // vmov.f32 s0, s1
    {0xeeb00b41, 0x00000000, {0x41f0000000000000, 0x82b8eee226df5f55, 0x41f0000000000000}, {0x82b8eee226df5f55, 0x82b8eee226df5f55, 0x41f0000000000000}, 0x00000000},  // vmov.f64 d0, d1
    {0xeeb00b41, 0x03800000, {0x0bfaa28feef820db, 0x0380113d6576b003, 0x83c226c7fca2da45}, {0x0380113d6576b003, 0x0380113d6576b003, 0x83c226c7fca2da45}, 0x03800000},  // vmov.f64 d0, d1
    {0xeeb00b41, 0x01800000, {0x41a0000020000000, 0xc1e0000000100000, 0xc4d0deae7ad7ac00}, {0xc1e0000000100000, 0xc1e0000000100000, 0xc4d0deae7ad7ac00}, 0x01800000},  // vmov.f64 d0, d1
    {0xeeb00b41, 0x02800000, {0xe0f08840a501eb75, 0x7ff8000000000123, 0x51c2809b0229ad43}, {0x7ff8000000000123, 0x7ff8000000000123, 0x51c2809b0229ad43}, 0x02800000},  // vmov.f64 d0, d1
    {0xeef40a41, 0x00000000, {0x668ed4e25f000000, 0x65dc673019491356, 0x10e0a3cad9c7797a}, {0x668ed4e25f000000, 0x65dc673019491356, 0x10e0a3cad9c7797a}, 0x20000000},  // vcmp.f32 s1, s2
    {0xeef40a41, 0x03c00000, {0x095b1bef65e8df55, 0x59598224cf000000, 0xe5a8b1098aa9968c}, {0x095b1bef65e8df55, 0x59598224cf000000, 0xe5a8b1098aa9968c}, 0x23c00000},  // vcmp.f32 s1, s2
    {0xeef40a41, 0x02000000, {0x3f800001ff7fffff, 0xf6d57a687f800001, 0x836279dee91fc7e7}, {0x3f800001ff7fffff, 0xf6d57a687f800001, 0x836279dee91fc7e7}, 0x32000001},  // vcmp.f32 s1, s2
    {0xeef40a41, 0x01400000, {0x84ee6c8381f93e4b, 0x366ddbabc3551eec, 0xaa00c789cd58bb07}, {0x84ee6c8381f93e4b, 0x366ddbabc3551eec, 0xaa00c789cd58bb07}, 0x21400000},  // vcmp.f32 s1, s2
    {0xeeb41b42, 0x00000000, {0xbf82b5e17bd67564, 0x40601fbb854231b4, 0x3f12910ed5199dd4}, {0xbf82b5e17bd67564, 0x40601fbb854231b4, 0x3f12910ed5199dd4}, 0x20000000},  // vcmp.f64 d1, d2
    {0xeeb41b42, 0x02400000, {0x0001ff8385347769, 0x019e679b60f7d687, 0x000ebb28a45e9ecb}, {0x0001ff8385347769, 0x019e679b60f7d687, 0x000ebb28a45e9ecb}, 0x22400000},  // vcmp.f64 d1, d2
    {0xeeb41b42, 0x01000000, {0x8000000000000000, 0xb2e8d4cf03fff627, 0x0d08fbf5c5e8960c}, {0x8000000000000000, 0xb2e8d4cf03fff627, 0x0d08fbf5c5e8960c}, 0x81000000},  // vcmp.f64 d1, d2
    {0xeeb41b42, 0x03400000, {0x0000000000000000, 0xddadb48641d64631, 0x0000000000000000}, {0x0000000000000000, 0xddadb48641d64631, 0x0000000000000000}, 0x83400000},  // vcmp.f64 d1, d2
    {0xeef50a40, 0x01800000, {0x63d1c5adb8000001, 0xf06c62e05d024630, 0x2d8be0f73154927e}, {0x63d1c5adb8000001, 0xf06c62e05d024630, 0x2d8be0f73154927e}, 0x21800000},  // vcmp.f32 s1, #0
    {0xeef50a40, 0x02c00000, {0x0d227d0195129bc8, 0x62489add87b0c3a2, 0x09710cc1e2b4c8ad}, {0x0d227d0195129bc8, 0x62489add87b0c3a2, 0x09710cc1e2b4c8ad}, 0x22c00000},  // vcmp.f32 s1, #0
    {0xeef50a40, 0x00800000, {0x3ea90c12b5cf5476, 0x6711bef8369cfcb5, 0xab5af2ca80bed20b}, {0x3ea90c12b5cf5476, 0x6711bef8369cfcb5, 0xab5af2ca80bed20b}, 0x20800000},  // vcmp.f32 s1, #0
    {0xeef50a40, 0x03000000, {0x38885667b11b75fc, 0x267a5e483811f436, 0x7630e961602b23bb}, {0x38885667b11b75fc, 0x267a5e483811f436, 0x7630e961602b23bb}, 0x23000000},  // vcmp.f32 s1, #0
    {0xeeb51b40, 0x01c00000, {0x04f32ab951fa89d9, 0x836e037c98d16d25, 0x47cedd17f9dd1275}, {0x04f32ab951fa89d9, 0x836e037c98d16d25, 0x47cedd17f9dd1275}, 0x81c00000},  // vcmp.f64 d1, #0
    {0xeeb51b40, 0x03c00000, {0x3e70000000000000, 0x33f8f12777983ff4, 0xb539b298894ee3d6}, {0x3e70000000000000, 0x33f8f12777983ff4, 0xb539b298894ee3d6}, 0x23c00000},  // vcmp.f64 d1, #0
    {0xeeb51b40, 0x00400000, {0xc1e0000000100000, 0x81ea655d1d13fa74, 0x4004000000000000}, {0xc1e0000000100000, 0x81ea655d1d13fa74, 0x4004000000000000}, 0x80400000},  // vcmp.f64 d1, #0
    {0xeeb51b40, 0x02000000, {0x8000000000000000, 0x22af061e4a055b6d, 0x1d5ef4fe29bd6276}, {0x8000000000000000, 0x22af061e4a055b6d, 0x1d5ef4fe29bd6276}, 0x22000000},  // vcmp.f64 d1, #0
    {0xeef40ac1, 0x00000000, {0xc5e88000c43f0000, 0x26467014be800000, 0x0f6f3184da73e2b5}, {0xc5e88000c43f0000, 0x26467014be800000, 0x0f6f3184da73e2b5}, 0x80000000},  // vcmpe.f32 s1, s2
    {0xeef40ac1, 0x02c00000, {0x36b00000daf0e52e, 0x28a3d68b807fffff, 0x4c1a40ef430a747b}, {0x36b00000daf0e52e, 0x28a3d68b807fffff, 0x4c1a40ef430a747b}, 0x22c00000},  // vcmpe.f32 s1, s2
    {0xeef40ac1, 0x03400000, {0x3f7fffffb37835fb, 0x8f7cefd2397ae4d4, 0x33c02021a8b4b3c3}, {0x3f7fffffb37835fb, 0x8f7cefd2397ae4d4, 0x33c02021a8b4b3c3}, 0x23400000},  // vcmpe.f32 s1, s2
    {0xeef40ac1, 0x01800000, {0x4affffff0d83cd7b, 0xe212254300000001, 0xa8ee5a00f371e72b}, {0x4affffff0d83cd7b, 0xe212254300000001, 0xa8ee5a00f371e72b}, 0x21800080},  // vcmpe.f32 s1, s2
    {0xeeb41bc2, 0x03800000, {0x5b4df891ed0cddfd, 0xa09c4f852dffca85, 0x2354c5ec16a17ea0}, {0x5b4df891ed0cddfd, 0xa09c4f852dffca85, 0x2354c5ec16a17ea0}, 0x83800000},  // vcmpe.f64 d1, d2
    {0xeeb41bc2, 0x00000000, {0x030c50e996f1e0c2, 0x01edf103648c01dd, 0x0000000000000001}, {0x030c50e996f1e0c2, 0x01edf103648c01dd, 0x0000000000000001}, 0x20000000},  // vcmpe.f64 d1, d2
    {0xeeb41bc2, 0x01000000, {0x9127ef5e38589301, 0x36a0000000000000, 0x346332a36ed13dbc}, {0x9127ef5e38589301, 0x36a0000000000000, 0x346332a36ed13dbc}, 0x21000000},  // vcmpe.f64 d1, d2
    {0xeeb41bc2, 0x02400000, {0x408a300000000000, 0xc082300000000000, 0x4016800000000000}, {0x408a300000000000, 0xc082300000000000, 0x4016800000000000}, 0x82400000},  // vcmpe.f64 d1, d2
    {0xeef50ac0, 0x00400000, {0xbb891bd1ff7fffff, 0x7475c0c00bf269f7, 0x4259767e1aec0879}, {0xbb891bd1ff7fffff, 0x7475c0c00bf269f7, 0x4259767e1aec0879}, 0x80400000},  // vcmpe.f32 s1, #0
    {0xeef50ac0, 0x01800000, {0x0ec57e7d807fffff, 0x57a6a2458abd35e9, 0x7eb6e5992394c1c9}, {0x0ec57e7d807fffff, 0x57a6a2458abd35e9, 0x7eb6e5992394c1c9}, 0x21800000},  // vcmpe.f32 s1, #0
    {0xeef50ac0, 0x03c00000, {0x3772d2da80000000, 0xa30b0c6108416b88, 0x33029bb2e7af7e50}, {0x3772d2da80000000, 0xa30b0c6108416b88, 0x33029bb2e7af7e50}, 0x23c00000},  // vcmpe.f32 s1, #0
    {0xeef50ac0, 0x02400000, {0x306ea3d280000000, 0xace857580f51ab1c, 0x5c4057a752535ac9}, {0x306ea3d280000000, 0xace857580f51ab1c, 0x5c4057a752535ac9}, 0x22400000},  // vcmpe.f32 s1, #0
    {0xeeb51bc0, 0x00000000, {0xbfb285cc7cd2f5d9, 0x40a937bad97e208f, 0x3ef7811b5185026c}, {0xbfb285cc7cd2f5d9, 0x40a937bad97e208f, 0x3ef7811b5185026c}, 0x20000000},  // vcmpe.f64 d1, #0
    {0xeeb51bc0, 0x01400000, {0x0000000000000000, 0x42c6b20490acbc15, 0x0000000000000038}, {0x0000000000000000, 0x42c6b20490acbc15, 0x0000000000000038}, 0x21400000},  // vcmpe.f64 d1, #0
    {0xeeb51bc0, 0x03800000, {0x81f7cafd1db38451, 0x41f0000000000000, 0x40d0000000000000}, {0x81f7cafd1db38451, 0x41f0000000000000, 0x40d0000000000000}, 0x23800000},  // vcmpe.f64 d1, #0
    {0xeeb51bc0, 0x02c00000, {0x3809f9cc7a04039d, 0x3ba13e934bbd4c95, 0x6923ad602355c633}, {0x3809f9cc7a04039d, 0x3ba13e934bbd4c95, 0x6923ad602355c633}, 0x22c00000},  // vcmpe.f64 d1, #0
    {0xeeb70ac1, 0x02800000, {0x87a72baa847e63a9, 0xd2dc64b6831359c1, 0x5cb7457b47042437}, {0xb8626b3820000000, 0xd2dc64b6831359c1, 0x5cb7457b47042437}, 0x02800000},  // vcvt.f64.f32 d0, s2
    {0xeeb70ac1, 0x00c00000, {0x7fc0000172fbb501, 0x6c166606f72a1810, 0x6b489fd52503ea21}, {0xc6e5430200000000, 0x6c166606f72a1810, 0x6b489fd52503ea21}, 0x00c00000},  // vcvt.f64.f32 d0, s2
    {0xeeb70ac1, 0x03c00000, {0x02eefe393f800001, 0xfdccc3da80773485, 0x824ba6732d4b32b6}, {0x8000000000000000, 0xfdccc3da80773485, 0x824ba6732d4b32b6}, 0x03c00080},  // vcvt.f64.f32 d0, s2
    {0xeeb70ac1, 0x01800000, {0x02965b69b5561f83, 0x3ebce468876a92ae, 0x3e4daae7c34c31b6}, {0xb8ed5255c0000000, 0x3ebce468876a92ae, 0x3e4daae7c34c31b6}, 0x01800000},  // vcvt.f64.f32 d0, s2
    {0xeeb70bc1, 0x02800000, {0x41efffffffffffff, 0x063cbcef5f592c00, 0x01601499301a0ce4}, {0x41efffff00000000, 0x063cbcef5f592c00, 0x01601499301a0ce4}, 0x02800018},  // vcvt.f32.f64 s0, d1
    {0xeeb70bc1, 0x03000000, {0xc240000000000000, 0x65b6e9f093273aa0, 0x4110000000000000}, {0xc24000007f800000, 0x65b6e9f093273aa0, 0x4110000000000000}, 0x03000014},  // vcvt.f32.f64 s0, d1
    {0xeeb70bc1, 0x00c00000, {0x8007cd91db2bd494, 0x822730adfbd4ae1a, 0x00064404baee068e}, {0x8007cd9180000000, 0x822730adfbd4ae1a, 0x00064404baee068e}, 0x00c00018},  // vcvt.f32.f64 s0, d1
    {0xeeb70bc1, 0x01800000, {0x47cfffffffffffff, 0xc06fffffffffffff, 0x0000000000000000}, {0x47cfffffc3800000, 0xc06fffffffffffff, 0x0000000000000000}, 0x01800010},  // vcvt.f32.f64 s0, d1
    {0xeebd0ae0, 0x01c00000, {0x007596c8859ead74, 0x1dab85b13f000000, 0xa97d6daecade7c7f}, {0x007596c800000000, 0x1dab85b13f000000, 0xa97d6daecade7c7f}, 0x01c00080},  // vcvt.s32.f32 s0, s1
    {0xeebd0ae0, 0x01c00000, {0x48ffffffcf000000, 0xfd1a3023ca2c5e56, 0xaaf0f47afb31bdc8}, {0x48ffffff0007ffff, 0xfd1a3023ca2c5e56, 0xaaf0f47afb31bdc8}, 0x01c00010},  // vcvt.s32.f32 s0, s1
    {0xeebd0ae0, 0x02800000, {0xce800000be887c25, 0xb239d56245067089, 0x5a3953ba22f19772}, {0xce800000c0000000, 0xb239d56245067089, 0x5a3953ba22f19772}, 0x02800000},  // vcvt.s32.f32 s0, s1
    {0xeebd0ae0, 0x00c00000, {0x87ca8de2ff7fffff, 0xcadf8d8406d90aa0, 0xcd80d08c8ab7f43c}, {0x87ca8de200000000, 0xcadf8d8406d90aa0, 0xcd80d08c8ab7f43c}, 0x00c00010},  // vcvt.s32.f32 s0, s1
    {0xeebd0bc1, 0x01c00000, {0xaebfeb3599278fa4, 0x8298860f556b5e3f, 0xc7efffffffffffff}, {0xaebfeb3500000000, 0x8298860f556b5e3f, 0xc7efffffffffffff}, 0x01c00010},  // vcvt.s32.f64 s0, d1
    {0xeebd0bc1, 0x02400000, {0x00269c892563d005, 0x8268cfded4d9bd37, 0x812dac32de5f1843}, {0x00269c8900000000, 0x8268cfded4d9bd37, 0x812dac32de5f1843}, 0x02400010},  // vcvt.s32.f64 s0, d1
    {0xeebd0bc1, 0x00000000, {0xd05d1cbc7031a0d1, 0x02965ce5aaf7c871, 0x05968340040d51dd}, {0xd05d1cbc00000000, 0x02965ce5aaf7c871, 0x05968340040d51dd}, 0x00000010},  // vcvt.s32.f64 s0, d1
    {0xeebd0bc1, 0x02000000, {0x80017ef28e807bbc, 0x019fb23296de58ab, 0x80026ea979ff155f}, {0x80017ef200000000, 0x019fb23296de58ab, 0x80026ea979ff155f}, 0x02000010},  // vcvt.s32.f64 s0, d1
    {0xeebd0a60, 0x00000000, {0x075130080004f0e8, 0x3d0a2f0627ef17ad, 0x3627d659dcf77772}, {0x0751300800000000, 0x3d0a2f0627ef17ad, 0x3627d659dcf77772}, 0x00000010},  // vcvtr.s32.f32 s0, s1
    {0xeebd0a60, 0x01c00000, {0x04917dea82b266ca, 0xd1328cae07182098, 0xdd7c4a5c89c6b448}, {0x04917dea00000000, 0xd1328cae07182098, 0xdd7c4a5c89c6b448}, 0x01c00010},  // vcvtr.s32.f32 s0, s1
    {0xeebd0a60, 0x00800000, {0x8000000081dd8443, 0x7d42517980677d1d, 0x36b9c88cf3786332}, {0x8000000000000000, 0x7d42517980677d1d, 0x36b9c88cf3786332}, 0x00800000},  // vcvtr.s32.f32 s0, s1
    {0xeebd0a60, 0x00000000, {0x66223a534b000000, 0x0b120cf7de766550, 0x60b6da775a0535f2}, {0x66223a537fffffff, 0x0b120cf7de766550, 0x60b6da775a0535f2}, 0x00000001},  // vcvtr.s32.f32 s0, s1
    {0xeebd0b41, 0x00000000, {0x7c1a0674e285dc96, 0x4030000020000000, 0x4027899fd2c3dada}, {0x7c1a067400000010, 0x4030000020000000, 0x4027899fd2c3dada}, 0x00000010},  // vcvtr.s32.f64 s0, d1
    {0xeebd0b41, 0x00c00000, {0x8050edf021a25222, 0x006084690ec26112, 0xc1e0000000000000}, {0x8050edf000000000, 0x006084690ec26112, 0xc1e0000000000000}, 0x00c00010},  // vcvtr.s32.f64 s0, d1
    {0xeebd0b41, 0x01800000, {0xe385957d37bbd370, 0xe394bd46b13d6ebb, 0x8186683ab4dc62f8}, {0xe385957d80000000, 0xe394bd46b13d6ebb, 0x8186683ab4dc62f8}, 0x01800001},  // vcvtr.s32.f64 s0, d1
    {0xeebd0b41, 0x03800000, {0x3e70000000000000, 0x83b232d161e25987, 0x3fe0000000000000}, {0x3e700000ffffffff, 0x83b232d161e25987, 0x3fe0000000000000}, 0x03800010},  // vcvtr.s32.f64 s0, d1
    {0xeeb80ae0, 0x00c00000, {0x016a1f207e7fdf9d, 0x000089fcffffffff, 0xc3db507dec85cde7}, {0x016a1f204bb50f90, 0x000089fcffffffff, 0xc3db507dec85cde7}, 0x00c00000},  // vcvt.f32.s32 s0, s1
    {0xeeb80ae0, 0x01400000, {0x00000000245a20b0, 0x7fffffc000ffffff, 0x35daa02adab749f9}, {0x0000000000000000, 0x7fffffc000ffffff, 0x35daa02adab749f9}, 0x01400000},  // vcvt.f32.s32 s0, s1
    {0xeeb80ae0, 0x00400000, {0x08ba3a3fd5301685, 0x0000000100007bc3, 0xe08209e35e2a3f15}, {0x08ba3a3f4d0ba3a4, 0x0000000100007bc3, 0xe08209e35e2a3f15}, 0x00400010},  // vcvt.f32.s32 s0, s1
    {0xeeb80ae0, 0x02c00000, {0x00007fff552f09ec, 0x0000e17700ffffff, 0xa1312ab02f469cb6}, {0x00007fff46fffe00, 0x0000e17700ffffff, 0xa1312ab02f469cb6}, 0x02c00000},  // vcvt.f32.s32 s0, s1
    {0xeeb80bc1, 0x01800000, {0x00007fff64ebda20, 0x00007fff00ffffff, 0x25477c64d0e40395}, {0x416fffffe0000000, 0x00007fff00ffffff, 0x25477c64d0e40395}, 0x01800000},  // vcvt.f64.s32 d0, s2
    {0xeeb80bc1, 0x02800000, {0x000080007bca8946, 0x00ffffff7fffffff, 0xe2e84cee72110b35}, {0x41dfffffffc00000, 0x00ffffff7fffffff, 0xe2e84cee72110b35}, 0x02800000},  // vcvt.f64.s32 d0, s2
    {0xeeb80bc1, 0x00400000, {0x000080006efa30aa, 0x800000000000b42d, 0x9de625bb758421da}, {0x40e685a000000000, 0x800000000000b42d, 0x9de625bb758421da}, 0x00400000},  // vcvt.f64.s32 d0, s2
    {0xeeb80bc1, 0x03400000, {0xffff8000a210bc5f, 0x00000000ffff8000, 0xd924e820d4a4fe88}, {0xc0e0000000000000, 0x00000000ffff8000, 0xd924e820d4a4fe88}, 0x03400000},  // vcvt.f64.s32 d0, s2
    {0xeebc0ae0, 0x01800000, {0x8ccbb98c00587c55, 0xc5d0bc6a39a3b00c, 0x289657691ba59578}, {0x8ccbb98c00000000, 0xc5d0bc6a39a3b00c, 0x289657691ba59578}, 0x01800010},  // vcvt.u32.f32 s0, s1
    {0xeebc0ae0, 0x03400000, {0x61ccdc536ae0bfee, 0x5140e3cf69385f5c, 0x8c6866fde6962c5f}, {0x61ccdc53ffffffff, 0x5140e3cf69385f5c, 0x8c6866fde6962c5f}, 0x03400001},  // vcvt.u32.f32 s0, s1
    {0xeebc0ae0, 0x00c00000, {0x807fffff37127798, 0xbb3b02a97f800000, 0x853ed4dea2b3a6d8}, {0x807fffff00000000, 0xbb3b02a97f800000, 0x853ed4dea2b3a6d8}, 0x00c00010},  // vcvt.u32.f32 s0, s1
    {0xeebc0ae0, 0x00400000, {0x09b120b2dfd0c756, 0xf253278b4f000000, 0x6715fd5e1c41671a}, {0x09b120b200000000, 0xf253278b4f000000, 0x6715fd5e1c41671a}, 0x00400010},  // vcvt.u32.f32 s0, s1
    {0xeebc0bc1, 0x01c00000, {0xc16fffffffffffff, 0x826bf1a295c180ac, 0x3fefffffffffffff}, {0xc16fffff00000000, 0x826bf1a295c180ac, 0x3fefffffffffffff}, 0x01c00010},  // vcvt.u32.f64 s0, d1
    {0xeebc0bc1, 0x00c00000, {0x4ee289827c40a740, 0x81cab938afcf7222, 0x812a1353c040d0cf}, {0x4ee2898200000000, 0x81cab938afcf7222, 0x812a1353c040d0cf}, 0x00c00010},  // vcvt.u32.f64 s0, d1
    {0xeebc0bc1, 0x00400000, {0xb8126046a8f7ad36, 0x0010000000000000, 0x0347f52df4b84d98}, {0xb812604600000000, 0x0010000000000000, 0x0347f52df4b84d98}, 0x00400010},  // vcvt.u32.f64 s0, d1
    {0xeebc0bc1, 0x00400000, {0xeda20c2f89ddf573, 0xc01fffffffffffff, 0x3ff0000000000000}, {0xeda20c2f00000000, 0xc01fffffffffffff, 0x3ff0000000000000}, 0x00400001},  // vcvt.u32.f64 s0, d1
    {0xeebc0a60, 0x00000000, {0x3fc00000e5010f99, 0xff9c8c60386a4c52, 0xe5e2b1f684503d89}, {0x3fc0000000000002, 0xff9c8c60386a4c52, 0xe5e2b1f684503d89}, 0x00000010},  // vcvtr.u32.f32 s0, s1
    {0xeebc0a60, 0x00400000, {0xcca0196f477fe000, 0x4b054bd1d718059f, 0x1218cc202fb6523e}, {0xcca0196f00000000, 0x4b054bd1d718059f, 0x1218cc202fb6523e}, 0x00400001},  // vcvtr.u32.f32 s0, s1
    {0xeebc0a60, 0x03000000, {0x330000008ea302db, 0x67748cd43f580000, 0x2f6f09c00ddc4338}, {0x3300000000000000, 0x67748cd43f580000, 0x2f6f09c00ddc4338}, 0x03000010},  // vcvtr.u32.f32 s0, s1
    {0xeebc0a60, 0x00400000, {0x8e1a964f625c41f1, 0x888bf15888ab3a95, 0xc5713756eaa97066}, {0x8e1a964f00000000, 0x888bf15888ab3a95, 0xc5713756eaa97066}, 0x00400010},  // vcvtr.u32.f32 s0, s1
    {0xeebc0b41, 0x00000000, {0x849b0b2b420fed3f, 0x02105209311aef16, 0x4004000000000000}, {0x849b0b2b00000000, 0x02105209311aef16, 0x4004000000000000}, 0x00000010},  // vcvtr.u32.f64 s0, d1
    {0xeebc0b41, 0x00c00000, {0x7ff8000000000000, 0x010474d4da5fde85, 0xc14b000000000000}, {0x7ff8000000000000, 0x010474d4da5fde85, 0xc14b000000000000}, 0x00c00010},  // vcvtr.u32.f64 s0, d1
    {0xeebc0b41, 0x00800000, {0x4090000020000000, 0x03cfe21a23e78cdb, 0xfff4000000000000}, {0x4090000000000000, 0x03cfe21a23e78cdb, 0xfff4000000000000}, 0x00800010},  // vcvtr.u32.f64 s0, d1
    {0xeebc0b41, 0x01c00000, {0x8010000000000000, 0x001ccbd56d0e8d40, 0x800052e71b387764}, {0x8010000000000000, 0x001ccbd56d0e8d40, 0x800052e71b387764}, 0x01c00010},  // vcvtr.u32.f64 s0, d1
    {0xeeb80a60, 0x01c00000, {0xffffffff7b804687, 0x00007fff00008000, 0x730268522c76bbd4}, {0xffffffff4f7fffff, 0x00007fff00008000, 0x730268522c76bbd4}, 0x01c00010},  // vcvt.f32.u32 s0, s1
    {0xeeb80a60, 0x00400000, {0x00000001d4958888, 0x0000800080000001, 0x32d0d010eda87dec}, {0x000000013f800000, 0x0000800080000001, 0x32d0d010eda87dec}, 0x00400000},  // vcvt.f32.u32 s0, s1
    {0xeeb80a60, 0x02000000, {0x0164613a18759395, 0x00ffffff00008000, 0x010b8b14e5a5516f}, {0x0164613a4bb2309d, 0x00ffffff00008000, 0x010b8b14e5a5516f}, 0x02000000},  // vcvt.f32.u32 s0, s1
    {0xeeb80a60, 0x01c00000, {0x00000000c9b9f763, 0x00fcdd9b7fffffff, 0xb8444b2cf18526a8}, {0x0000000000000000, 0x00fcdd9b7fffffff, 0xb8444b2cf18526a8}, 0x01c00000},  // vcvt.f32.u32 s0, s1
    {0xeeb80b41, 0x00400000, {0x7fffffc098b321bc, 0xffff8000ffff8000, 0x23cac3f0ef68e184}, {0x41effff000000000, 0xffff8000ffff8000, 0x23cac3f0ef68e184}, 0x00400000},  // vcvt.f64.u32 d0, s2
    {0xeeb80b41, 0x01800000, {0x80000001a5baf181, 0x7fffffff00007fff, 0x4301832fc71f7d2d}, {0x40dfffc000000000, 0x7fffffff00007fff, 0x4301832fc71f7d2d}, 0x01800000},  // vcvt.f64.u32 d0, s2
    {0xeeb80b41, 0x02000000, {0x00007fff5c845030, 0xffff80004d55d926, 0xc856d130cb772ca0}, {0x41d3557649800000, 0xffff80004d55d926, 0xc856d130cb772ca0}, 0x02000000},  // vcvt.f64.u32 d0, s2
    {0xeeb80b41, 0x03800000, {0x800000004a954747, 0x8000000000ffffff, 0x5f6248c974394c91}, {0x416fffffe0000000, 0x8000000000ffffff, 0x5f6248c974394c91}, 0x03800000},  // vcvt.f64.u32 d0, s2
    {0xeefe0a67, 0x01000000, {0x8ed254ca98daeb26, 0x872176d2109d4b81, 0xe9baa228cc5d6403}, {0x0000000098daeb26, 0x872176d2109d4b81, 0xe9baa228cc5d6403}, 0x01000010},  // vcvt.s16.f32 s1, s1, #1
    {0xeefe0a67, 0x00400000, {0x402000003a3ecc4e, 0x4877f5374d7fffff, 0x31a7477acf985ebf}, {0x000000053a3ecc4e, 0x4877f5374d7fffff, 0x31a7477acf985ebf}, 0x00400000},  // vcvt.s16.f32 s1, s1, #1
    {0xeefe0a67, 0x02000000, {0x8b264cb0c1a861d3, 0x748c8d40bf800000, 0x6a12f0aee025fa34}, {0x00000000c1a861d3, 0x748c8d40bf800000, 0x6a12f0aee025fa34}, 0x02000010},  // vcvt.s16.f32 s1, s1, #1
    {0xeefe0a67, 0x00400000, {0xad46a06e327b595d, 0x330f52eaab11222d, 0xf429e047d8ca06e1}, {0x00000000327b595d, 0x330f52eaab11222d, 0xf429e047d8ca06e1}, 0x00400010},  // vcvt.s16.f32 s1, s1, #1
    {0xeebe1b67, 0x01000000, {0xc2e068b7c2c91647, 0x3ff8000000000000, 0x41dfffffffc00000}, {0xc2e068b7c2c91647, 0x0000000000000003, 0x41dfffffffc00000}, 0x01000000},  // vcvt.s16.f64 d1, d1, #1
    {0xeebe1b67, 0x00000000, {0x3fe0000000000000, 0x2a0d3ea4b6c13829, 0x41dfffffffc00000}, {0x3fe0000000000000, 0x0000000000000000, 0x41dfffffffc00000}, 0x00000010},  // vcvt.s16.f64 d1, d1, #1
    {0xeebe1b67, 0x00800000, {0x00095b48779515e9, 0x00ec922a6e739da3, 0x032258607fcbfc27}, {0x00095b48779515e9, 0x0000000000000000, 0x032258607fcbfc27}, 0x00800010},  // vcvt.s16.f64 d1, d1, #1
    {0xeebe1b67, 0x02800000, {0x3690000000000000, 0x695da0ae2d1eef73, 0x91fd8f6dac9ef336}, {0x3690000000000000, 0x0000000000007fff, 0x91fd8f6dac9ef336}, 0x02800001},  // vcvt.s16.f64 d1, d1, #1
    {0xeefa0a67, 0x02400000, {0x01000001054db833, 0x000080007fffffff, 0xd7058ee43ba4b58d}, {0x3f000000054db833, 0x000080007fffffff, 0xd7058ee43ba4b58d}, 0x02400000},  // vcvt.f32.s16 s1, s1, #1
    {0xeefa0a67, 0x01c00000, {0xffffffff0e21f66c, 0xffff800000000001, 0xda6c256651939838}, {0xbf0000000e21f66c, 0xffff800000000001, 0xda6c256651939838}, 0x01c00000},  // vcvt.f32.s16 s1, s1, #1
    {0xeefa0a67, 0x00400000, {0x80000001c5c52878, 0x000000019fce2aef, 0xd8eaa2facc2e4bf5}, {0x3f000000c5c52878, 0x000000019fce2aef, 0xd8eaa2facc2e4bf5}, 0x00400000},  // vcvt.f32.s16 s1, s1, #1
    {0xeefa0a67, 0x03800000, {0x00007fffe8260961, 0x00008000ffffffff, 0xfb82b4ba2074130d}, {0x467ffe00e8260961, 0x00008000ffffffff, 0xfb82b4ba2074130d}, 0x03800000},  // vcvt.f32.s16 s1, s1, #1
    {0xeeba1b67, 0x00400000, {0x0000000164af202b, 0xe022224080000001, 0x5966457c93b57ef7}, {0x0000000164af202b, 0x3fe0000000000000, 0x5966457c93b57ef7}, 0x00400000},  // vcvt.f64.s16 d1, d1, #1
    {0xeeba1b67, 0x01000000, {0x7fffffc0d91d0266, 0x00007fff00008000, 0x271b92c37f898d3f}, {0x7fffffc0d91d0266, 0xc0d0000000000000, 0x271b92c37f898d3f}, 0x01000000},  // vcvt.f64.s16 d1, d1, #1
    {0xeeba1b67, 0x02c00000, {0x7fffffffff23fe32, 0x0000cd377fffffff, 0xddbb44a25f219c44}, {0x7fffffffff23fe32, 0xbfe0000000000000, 0xddbb44a25f219c44}, 0x02c00000},  // vcvt.f64.s16 d1, d1, #1
    {0xeeba1b67, 0x03800000, {0x010000011e214998, 0xe8c3d2380000a6fd, 0x46d6431b2121eddf}, {0x010000011e214998, 0xc0c640c000000000, 0x46d6431b2121eddf}, 0x03800000},  // vcvt.f64.s16 d1, d1, #1
    {0xeefe0a44, 0x00400000, {0x00fe0d378cb76de1, 0x05d4c97e3ca5e629, 0xec25ad4ae4d8da8c}, {0x000000008cb76de1, 0x05d4c97e3ca5e629, 0xec25ad4ae4d8da8c}, 0x00400010},  // vcvt.s16.f32 s1, s1, #8
    {0xeefe0a44, 0x02800000, {0xff7ffffffffccffc, 0xee1ba9001b3b0318, 0xa3ebfbcfa6a48ad5}, {0xffff8000fffccffc, 0xee1ba9001b3b0318, 0xa3ebfbcfa6a48ad5}, 0x02800001},  // vcvt.s16.f32 s1, s1, #8
    {0xeefe0a44, 0x00c00000, {0x82660c9980636b1b, 0xe683e38805560650, 0xe9c797470f1b11e6}, {0x0000000080636b1b, 0xe683e38805560650, 0xe9c797470f1b11e6}, 0x00c00010},  // vcvt.s16.f32 s1, s1, #8
    {0xeefe0a44, 0x03c00000, {0x0c5ad1c3ffc00000, 0xe88911ce99504461, 0xdfb735fb47afb982}, {0x00000000ffc00000, 0xe88911ce99504461, 0xdfb735fb47afb982}, 0x03c00010},  // vcvt.s16.f32 s1, s1, #8
    {0xeebe1b44, 0x00000000, {0x7ff8000000000000, 0x41e0000000000000, 0x47effffff0000000}, {0x7ff8000000000000, 0x0000000000007fff, 0x47effffff0000000}, 0x00000001},  // vcvt.s16.f64 d1, d1, #8
    {0xeebe1b44, 0x01800000, {0x01f8dbfbe03a1241, 0x40b0000000000000, 0x380fffffffffffff}, {0x01f8dbfbe03a1241, 0x0000000000007fff, 0x380fffffffffffff}, 0x01800001},  // vcvt.s16.f64 d1, d1, #8
    {0xeebe1b44, 0x01400000, {0x000eb2ba46c036e3, 0x81c929365e628d03, 0x12ebbffc609780d3}, {0x000eb2ba46c036e3, 0x0000000000000000, 0x12ebbffc609780d3}, 0x01400010},  // vcvt.s16.f64 d1, d1, #8
    {0xeebe1b44, 0x03000000, {0x3e97000000000000, 0x827165799cb5f29c, 0x3810000000000000}, {0x3e97000000000000, 0x0000000000000000, 0x3810000000000000}, 0x03000010},  // vcvt.s16.f64 d1, d1, #8
    {0xeefa0a44, 0x00000000, {0x00000c10df77df53, 0x7fffffffffffffff, 0x07a68489b7119244}, {0x41410000df77df53, 0x7fffffffffffffff, 0x07a68489b7119244}, 0x00000000},  // vcvt.f32.s16 s1, s1, #8
    {0xeefa0a44, 0x02c00000, {0x00009e128b3b96fb, 0xffffffff7fffffc0, 0x04de578e83f3af35}, {0xc2c3dc008b3b96fb, 0xffffffff7fffffc0, 0x04de578e83f3af35}, 0x02c00000},  // vcvt.f32.s16 s1, s1, #8
    {0xeefa0a44, 0x01c00000, {0xffff8000864db946, 0xffffffff7fffffff, 0x35fef5b396081466}, {0xc3000000864db946, 0xffffffff7fffffff, 0x35fef5b396081466}, 0x01c00000},  // vcvt.f32.s16 s1, s1, #8
    {0xeefa0a44, 0x03800000, {0x00000000c9522242, 0xffff800000007fff, 0x293ee5332785a910}, {0x00000000c9522242, 0xffff800000007fff, 0x293ee5332785a910}, 0x03800000},  // vcvt.f32.s16 s1, s1, #8
    {0xeeba1b44, 0x02000000, {0x00007fff4d99d93c, 0x8000000100008000, 0x97d1f39068a0494d}, {0x00007fff4d99d93c, 0xc060000000000000, 0x97d1f39068a0494d}, 0x02000000},  // vcvt.f64.s16 d1, d1, #8
    {0xeeba1b44, 0x01800000, {0x015814dcea0ff778, 0xffffffffffff8000, 0x41ef6860c04c4e9a}, {0x015814dcea0ff778, 0xc060000000000000, 0x41ef6860c04c4e9a}, 0x01800000},  // vcvt.f64.s16 d1, d1, #8
    {0xeeba1b44, 0x00000000, {0x7fffffc03ed4a71f, 0x01000001ffffffff, 0x79d705723dea8e6b}, {0x7fffffc03ed4a71f, 0xbf70000000000000, 0x79d705723dea8e6b}, 0x00000000},  // vcvt.f64.s16 d1, d1, #8
    {0xeeba1b44, 0x03400000, {0x00008000962180cc, 0x00007fff80000000, 0xb1a7c27e6543d5ca}, {0x00008000962180cc, 0x0000000000000000, 0xb1a7c27e6543d5ca}, 0x03400000},  // vcvt.f64.s16 d1, d1, #8
    {0xeefe0a40, 0x03800000, {0x0693bd5e4b000000, 0xfd78e6200b9c5364, 0xc188de9ad6cda99c}, {0x000000004b000000, 0xfd78e6200b9c5364, 0xc188de9ad6cda99c}, 0x03800010},  // vcvt.s16.f32 s1, s1, #16
    {0xeefe0a40, 0x02800000, {0x0b9c1c2c8e41c0a5, 0x797e55218c314140, 0x194ce8cdffa82fb7}, {0x000000008e41c0a5, 0x797e55218c314140, 0x194ce8cdffa82fb7}, 0x02800010},  // vcvt.s16.f32 s1, s1, #16
    {0xeefe0a40, 0x00000000, {0x1f69a38aff800123, 0xd0e266deffc00000, 0xda2793766c618b0d}, {0x00000000ff800123, 0xd0e266deffc00000, 0xda2793766c618b0d}, 0x00000010},  // vcvt.s16.f32 s1, s1, #16
    {0xeefe0a40, 0x03800000, {0xe14e15e693f46dda, 0xbe3dca00e5c324f4, 0x3b586991daa0c281}, {0xffff800093f46dda, 0xbe3dca00e5c324f4, 0x3b586991daa0c281}, 0x03800001},  // vcvt.s16.f32 s1, s1, #16
    {0xeebe1b40, 0x00400000, {0x70cb7128866896cc, 0x0256d5daff36dadb, 0x85a58e9ab5a5d6df}, {0x70cb7128866896cc, 0x0000000000000000, 0x85a58e9ab5a5d6df}, 0x00400010},  // vcvt.s16.f64 d1, d1, #16
    {0xeebe1b40, 0x03c00000, {0xc7f0000010000000, 0x0274093c773d693c, 0x8000000000000000}, {0xc7f0000010000000, 0x0000000000000000, 0x8000000000000000}, 0x03c00010},  // vcvt.s16.f64 d1, d1, #16
    {0xeebe1b40, 0x00800000, {0x36a0000000000000, 0xb830000000000000, 0xfe2ff9265766588d}, {0x36a0000000000000, 0x0000000000000000, 0xfe2ff9265766588d}, 0x00800010},  // vcvt.s16.f64 d1, d1, #16
    {0xeebe1b40, 0x02000000, {0x011ec19ae6ee7a3b, 0x011603ad29e99521, 0xda0921da93b20393}, {0x011ec19ae6ee7a3b, 0x0000000000000000, 0xda0921da93b20393}, 0x02000010},  // vcvt.s16.f64 d1, d1, #16
    {0xeefa0a40, 0x00400000, {0x7fffffc0e9e31cf1, 0x0000800080000000, 0x5bc7ce5ed2576efc}, {0xba800000e9e31cf1, 0x0000800080000000, 0x5bc7ce5ed2576efc}, 0x00400000},  // vcvt.f32.s16 s1, s1, #16
    {0xeefa0a40, 0x02000000, {0x7fffffc03bd0bcad, 0x00007fff00008000, 0x20ee0e3a84e33e59}, {0xba8000003bd0bcad, 0x00007fff00008000, 0x20ee0e3a84e33e59}, 0x02000000},  // vcvt.f32.s16 s1, s1, #16
    {0xeefa0a40, 0x01c00000, {0x8000000140758def, 0x00ffffffb1a22e7f, 0xfc013e6fd00d20ef}, {0x3780000040758def, 0x00ffffffb1a22e7f, 0xfc013e6fd00d20ef}, 0x01c00000},  // vcvt.f32.s16 s1, s1, #16
    {0xeefa0a40, 0x03c00000, {0x0100000194f1bc28, 0x7fffffff80000001, 0x6b4aac3e95ea2f58}, {0x3780000094f1bc28, 0x7fffffff80000001, 0x6b4aac3e95ea2f58}, 0x03c00000},  // vcvt.f32.s16 s1, s1, #16
    {0xeeba1b40, 0x01000000, {0x00000000d2d1f3d9, 0x0000000068654dc5, 0xc5ac26cea0ee4960}, {0x00000000d2d1f3d9, 0x3fd3714000000000, 0xc5ac26cea0ee4960}, 0x01000000},  // vcvt.f64.s16 d1, d1, #16
    {0xeeba1b40, 0x00c00000, {0x00007fff1b763479, 0x00007fff00008391, 0xfcb46e57cd1a90ae}, {0x00007fff1b763479, 0xbfdf1bc000000000, 0xfcb46e57cd1a90ae}, 0x00c00000},  // vcvt.f64.s16 d1, d1, #16
    {0xeeba1b40, 0x02c00000, {0x7fffffc0bdef8929, 0x000e57ec00ffffff, 0x71a4a8d24426dee8}, {0x7fffffc0bdef8929, 0xbef0000000000000, 0x71a4a8d24426dee8}, 0x02c00000},  // vcvt.f64.s16 d1, d1, #16
    {0xeeba1b40, 0x03c00000, {0xb061a64bb1bd104c, 0x0000800080000000, 0x3d7cf549c350e567}, {0xb061a64bb1bd104c, 0x0000000000000000, 0x3d7cf549c350e567}, 0x03c00000},  // vcvt.f64.s16 d1, d1, #16
    {0xeeff0a67, 0x00c00000, {0x0c468aca7fc0bbb7, 0xf12c61d393b11389, 0x9849e1910c02bfb2}, {0x000000007fc0bbb7, 0xf12c61d393b11389, 0x9849e1910c02bfb2}, 0x00c00010},  // vcvt.u16.f32 s1, s1, #1
    {0xeeff0a67, 0x01400000, {0x07d589759f7f1388, 0xd31b13cb86d8da1e, 0xf224240c2cde74b0}, {0x000000009f7f1388, 0xd31b13cb86d8da1e, 0xf224240c2cde74b0}, 0x01400010},  // vcvt.u16.f32 s1, s1, #1
    {0xeeff0a67, 0x00400000, {0x80000000fc3b1499, 0x44ac45ac00000001, 0x6816c3e914b44580}, {0x00000000fc3b1499, 0x44ac45ac00000001, 0x6816c3e914b44580}, 0x00400000},  // vcvt.u16.f32 s1, s1, #1
    {0xeeff0a67, 0x00800000, {0xbd000001c0975ffb, 0xb279c026b354cba3, 0x9797f227ea9c60cb}, {0x00000000c0975ffb, 0xb279c026b354cba3, 0x9797f227ea9c60cb}, 0x00800010},  // vcvt.u16.f32 s1, s1, #1
    {0xeebf1b67, 0x00800000, {0xbcc32b4bb059bd2f, 0x3e70000000000000, 0x6f7bba2eadaa88b0}, {0xbcc32b4bb059bd2f, 0x0000000000000000, 0x6f7bba2eadaa88b0}, 0x00800010},  // vcvt.u16.f64 d1, d1, #1
    {0xeebf1b67, 0x00400000, {0x7ff0000000000001, 0x0000000000000001, 0x1585519d485c9a65}, {0x7ff0000000000001, 0x0000000000000000, 0x1585519d485c9a65}, 0x00400010},  // vcvt.u16.f64 d1, d1, #1
    {0xeebf1b67, 0x00000000, {0x3fe0000000000000, 0x47f000001fffffff, 0x59020c8a71fd823b}, {0x3fe0000000000000, 0x000000000000ffff, 0x59020c8a71fd823b}, 0x00000001},  // vcvt.u16.f64 d1, d1, #1
    {0xeebf1b67, 0x02000000, {0xbc1b17ea0814910a, 0x0177a501f0a9f967, 0x03b6fb246cfe1a93}, {0xbc1b17ea0814910a, 0x0000000000000000, 0x03b6fb246cfe1a93}, 0x02000010},  // vcvt.u16.f64 d1, d1, #1
    {0xeefb0a67, 0x01400000, {0xffff80000bc7915b, 0x8000000100000001, 0x056922239e5ab06e}, {0x468000000bc7915b, 0x8000000100000001, 0x056922239e5ab06e}, 0x01400000},  // vcvt.f32.u16 s1, s1, #1
    {0xeefb0a67, 0x02400000, {0x00007fff6cc24c9e, 0x00ffffff00000001, 0xe63f83c236a66c61}, {0x467ffe006cc24c9e, 0x00ffffff00000001, 0xe63f83c236a66c61}, 0x02400000},  // vcvt.f32.u16 s1, s1, #1
    {0xeefb0a67, 0x00800000, {0x0000000131003ef9, 0x7fffffc000007fff, 0xd6dc39fe250380f0}, {0x3f00000031003ef9, 0x7fffffc000007fff, 0xd6dc39fe250380f0}, 0x00800000},  // vcvt.f32.u16 s1, s1, #1
    {0xeefb0a67, 0x03800000, {0x00e9732d456c2af4, 0x0000800080000000, 0x0463092f3fd4cfd9}, {0x46665a00456c2af4, 0x0000800080000000, 0x0463092f3fd4cfd9}, 0x03800000},  // vcvt.f32.u16 s1, s1, #1
    {0xeebb1b67, 0x01400000, {0x000000004151883b, 0x699a8f1b80000001, 0x4bbfea2bf9411219}, {0x000000004151883b, 0x3fe0000000000000, 0x4bbfea2bf9411219}, 0x01400000},  // vcvt.f64.u16 d1, d1, #1
    {0xeebb1b67, 0x02400000, {0x000080006ecb5ac1, 0x7c1046a80e568747, 0x3f3df002aa188362}, {0x000080006ecb5ac1, 0x40d0e8e000000000, 0x3f3df002aa188362}, 0x02400000},  // vcvt.f64.u16 d1, d1, #1
    {0xeebb1b67, 0x00000000, {0x7fffffffdea03f2f, 0x800000014a57da23, 0x53d69639ef47c478}, {0x7fffffffdea03f2f, 0x40db446000000000, 0x53d69639ef47c478}, 0x00000000},  // vcvt.f64.u16 d1, d1, #1
    {0xeebb1b67, 0x03c00000, {0x80000001d8e77e2c, 0x8000000000007fff, 0x56fe4537323b8307}, {0x80000001d8e77e2c, 0x40cfffc000000000, 0x56fe4537323b8307}, 0x03c00000},  // vcvt.f64.u16 d1, d1, #1
    {0xeeff0a44, 0x01400000, {0xc3000001b2a7abe6, 0x9a17309d370618f7, 0x48cbd1f64f2daf77}, {0x00000000b2a7abe6, 0x9a17309d370618f7, 0x48cbd1f64f2daf77}, 0x01400001},  // vcvt.u16.f32 s1, s1, #8
    {0xeeff0a44, 0x02000000, {0xc9d80000ff800000, 0xcb4008ff45f65fc7, 0x53fb9a783b88c49c}, {0x00000000ff800000, 0xcb4008ff45f65fc7, 0x53fb9a783b88c49c}, 0x02000001},  // vcvt.u16.f32 s1, s1, #8
    {0xeeff0a44, 0x02800000, {0x85154997bf800000, 0xe70da71e07dd0397, 0xdefd8490a7f23e14}, {0x00000000bf800000, 0xe70da71e07dd0397, 0xdefd8490a7f23e14}, 0x02800010},  // vcvt.u16.f32 s1, s1, #8
    {0xeeff0a44, 0x03800000, {0xcc800000d11b6c27, 0x875446df3dd00000, 0x4a02395e62c4dd43}, {0x00000000d11b6c27, 0x875446df3dd00000, 0x4a02395e62c4dd43}, 0x03800001},  // vcvt.u16.f32 s1, s1, #8
    {0xeebf1b44, 0x01400000, {0x656c1dbd507ac661, 0x0000000000000001, 0x6654977ccd70541d}, {0x656c1dbd507ac661, 0x0000000000000000, 0x6654977ccd70541d}, 0x01400080},  // vcvt.u16.f64 d1, d1, #8
    {0xeebf1b44, 0x00800000, {0x009d7832176fb0b4, 0x5cc311c19ba97c5b, 0xde3a21d2474b4091}, {0x009d7832176fb0b4, 0x000000000000ffff, 0xde3a21d2474b4091}, 0x00800001},  // vcvt.u16.f64 d1, d1, #8
    {0xeebf1b44, 0x00800000, {0x0288ca53ede14ac8, 0xa01ee4b837d09218, 0x015210df60ef8720}, {0x0288ca53ede14ac8, 0x0000000000000000, 0x015210df60ef8720}, 0x00800010},  // vcvt.u16.f64 d1, d1, #8
    {0xeebf1b44, 0x00000000, {0x1060cc5d49211fc6, 0x80207f6b633731d8, 0xcdf8bae9b71aeb27}, {0x1060cc5d49211fc6, 0x0000000000000000, 0xcdf8bae9b71aeb27}, 0x00000010},  // vcvt.u16.f64 d1, d1, #8
    {0xeefb0a44, 0x01800000, {0xffff8000a037f75c, 0x7fffffff80000000, 0xb5ac52ea6d34e72d}, {0x43000000a037f75c, 0x7fffffff80000000, 0xb5ac52ea6d34e72d}, 0x01800000},  // vcvt.f32.u16 s1, s1, #8
    {0xeefb0a44, 0x00c00000, {0xffffffffb032c9cd, 0x00000e010000a72e, 0x4ffcfe92bae4c20b}, {0x437fff00b032c9cd, 0x00000e010000a72e, 0x4ffcfe92bae4c20b}, 0x00c00000},  // vcvt.f32.u16 s1, s1, #8
    {0xeefb0a44, 0x02800000, {0x0000000009a516e0, 0x0000553400008000, 0x806d562f720fa652}, {0x0000000009a516e0, 0x0000553400008000, 0x806d562f720fa652}, 0x02800000},  // vcvt.f32.u16 s1, s1, #8
    {0xeefb0a44, 0x03400000, {0xffff8000dcf6c6f7, 0x7fffffc080000001, 0x51a6fbafa4965075}, {0x43000000dcf6c6f7, 0x7fffffc080000001, 0x51a6fbafa4965075}, 0x03400000},  // vcvt.f32.u16 s1, s1, #8
    {0xeebb1b44, 0x01400000, {0x7fffffff8f53c367, 0xffffffff00000001, 0x11e4db9b002afc96}, {0x7fffffff8f53c367, 0x3f70000000000000, 0x11e4db9b002afc96}, 0x01400000},  // vcvt.f64.u16 d1, d1, #8
    {0xeebb1b44, 0x02800000, {0x00ffffff69a8716b, 0x800000017fffffc0, 0x4b8ed16bed5e1810}, {0x00ffffff69a8716b, 0x406ff80000000000, 0x4b8ed16bed5e1810}, 0x02800000},  // vcvt.f64.u16 d1, d1, #8
    {0xeebb1b44, 0x00800000, {0x00000001906970c0, 0x0000800000000001, 0x51b136f4f99c0552}, {0x00000001906970c0, 0x3f70000000000000, 0x51b136f4f99c0552}, 0x00800000},  // vcvt.f64.u16 d1, d1, #8
    {0xeebb1b44, 0x03c00000, {0x0000b37a157c30e0, 0x7fffffff7fffffff, 0x31b8a5140bf1a8ab}, {0x0000b37a157c30e0, 0x406fffe000000000, 0x31b8a5140bf1a8ab}, 0x03c00000},  // vcvt.f64.u16 d1, d1, #8
    {0xeeff0a40, 0x01000000, {0x8db8537209deedad, 0xb565e3ba3de634df, 0x44c31981d2785542}, {0x0000000009deedad, 0xb565e3ba3de634df, 0x44c31981d2785542}, 0x01000010},  // vcvt.u16.f32 s1, s1, #16
    {0xeeff0a40, 0x02800000, {0x8756d8f482e88d8a, 0x525984c833ffffff, 0xaddeca27e36d75b7}, {0x0000000082e88d8a, 0x525984c833ffffff, 0xaddeca27e36d75b7}, 0x02800010},  // vcvt.u16.f32 s1, s1, #16
    {0xeeff0a40, 0x00000000, {0x4f8000005b02618a, 0x9c8f9ae5d1e8b111, 0x6ebec06af37f43f9}, {0x0000ffff5b02618a, 0x9c8f9ae5d1e8b111, 0x6ebec06af37f43f9}, 0x00000001},  // vcvt.u16.f32 s1, s1, #16
    {0xeeff0a40, 0x00000000, {0x89c557c9941a31ab, 0xf6f3685b40000000, 0xa1d90cc7b021a3c8}, {0x00000000941a31ab, 0xf6f3685b40000000, 0xa1d90cc7b021a3c8}, 0x00000010},  // vcvt.u16.f32 s1, s1, #16
    {0xeebf1b40, 0x00800000, {0x420a8a2dd7e9e4bb, 0x41f0000000000000, 0xc230000000000000}, {0x420a8a2dd7e9e4bb, 0x000000000000ffff, 0xc230000000000000}, 0x00800001},  // vcvt.u16.f64 d1, d1, #16
    {0xeebf1b40, 0x01800000, {0x47efffffe0000000, 0x3e70000000000000, 0xc15c73e2a6a1c5bd}, {0x47efffffe0000000, 0x0000000000000000, 0xc15c73e2a6a1c5bd}, 0x01800010},  // vcvt.u16.f64 d1, d1, #16
    {0xeebf1b40, 0x01800000, {0x26d8cd3d9f31a9b9, 0x4004000000000000, 0xbe0d09d55990b0e3}, {0x26d8cd3d9f31a9b9, 0x000000000000ffff, 0xbe0d09d55990b0e3}, 0x01800001},  // vcvt.u16.f64 d1, d1, #16
    {0xeebf1b40, 0x03400000, {0xfff4000000000000, 0x01d22002fc0a46bb, 0xbfe0000010000000}, {0xfff4000000000000, 0x0000000000000000, 0xbfe0000010000000}, 0x03400010},  // vcvt.u16.f64 d1, d1, #16
    {0xeefb0a40, 0x00400000, {0x01000001d073248b, 0x0000800000004828, 0xda5c69068041ef1d}, {0x37800000d073248b, 0x0000800000004828, 0xda5c69068041ef1d}, 0x00400000},  // vcvt.f32.u16 s1, s1, #16
    {0xeefb0a40, 0x03c00000, {0x00008000f1a04088, 0x00007fff00ffffff, 0x54b378b025b214d9}, {0x3f000000f1a04088, 0x00007fff00ffffff, 0x54b378b025b214d9}, 0x03c00000},  // vcvt.f32.u16 s1, s1, #16
    {0xeefb0a40, 0x02400000, {0x7fffffc072ac89cd, 0xffff80001b50b851, 0x4304493ab0168f28}, {0x3f7fc00072ac89cd, 0xffff80001b50b851, 0x4304493ab0168f28}, 0x02400000},  // vcvt.f32.u16 s1, s1, #16
    {0xeefb0a40, 0x01800000, {0x00008000cc0c5bc2, 0x0000800000000000, 0x79b4b7f3c591f773}, {0x3f000000cc0c5bc2, 0x0000800000000000, 0x79b4b7f3c591f773}, 0x01800000},  // vcvt.f32.u16 s1, s1, #16
    {0xeebb1b40, 0x00000000, {0xffffffff86cb99f7, 0x00007fff7fffffff, 0x48e24a7154988ad9}, {0xffffffff86cb99f7, 0x3fefffe000000000, 0x48e24a7154988ad9}, 0x00000000},  // vcvt.f64.u16 d1, d1, #16
    {0xeebb1b40, 0x03800000, {0x010000016d92b29c, 0x00007fff00004314, 0x1557ab98bd27aba2}, {0x010000016d92b29c, 0x3fd0c50000000000, 0x1557ab98bd27aba2}, 0x03800000},  // vcvt.f64.u16 d1, d1, #16
    {0xeebb1b40, 0x02c00000, {0x7fffffc0f86a17d2, 0x0000ad7bffff8000, 0x8ab4c7efab29451b}, {0x7fffffc0f86a17d2, 0x3fe0000000000000, 0x8ab4c7efab29451b}, 0x02c00000},  // vcvt.f64.u16 d1, d1, #16
    {0xeebb1b40, 0x01400000, {0x00006af5a6585fe2, 0x8000000100ffffff, 0xaa32cdc95baeb715}, {0x00006af5a6585fe2, 0x3fefffe000000000, 0xaa32cdc95baeb715}, 0x01400000},  // vcvt.f64.u16 d1, d1, #16
    {0xeefe0aef, 0x00800000, {0x8c9188f007fab08b, 0xcd8648444b000000, 0xb57860adbb9715af}, {0x0000000007fab08b, 0xcd8648444b000000, 0xb57860adbb9715af}, 0x00800010},  // vcvt.s32.f32 s1, s1, #1
    {0xeefe0aef, 0x02000000, {0x829730736c595dc3, 0x7e5b0377cf567952, 0xbceb250d1e8db055}, {0x000000006c595dc3, 0x7e5b0377cf567952, 0xbceb250d1e8db055}, 0x02000010},  // vcvt.s32.f32 s1, s1, #1
    {0xeefe0aef, 0x03c00000, {0x3bffffffb0ed62ec, 0x1f523dab31c59b2a, 0x2e8f025e4d47ae47}, {0x00000000b0ed62ec, 0x1f523dab31c59b2a, 0x2e8f025e4d47ae47}, 0x03c00010},  // vcvt.s32.f32 s1, s1, #1
    {0xeefe0aef, 0x01c00000, {0x4effffffc2c3426d, 0x39857b2948100000, 0x6d42daab82b13fc9}, {0x7fffffffc2c3426d, 0x39857b2948100000, 0x6d42daab82b13fc9}, 0x01c00001},  // vcvt.s32.f32 s1, s1, #1
    {0xeebe1bef, 0x00400000, {0x8000000000000000, 0x00069f9d5c53feac, 0x84a99bca2cbe7d36}, {0x8000000000000000, 0x0000000000000000, 0x84a99bca2cbe7d36}, 0x00400010},  // vcvt.s32.f64 d1, d1, #1
    {0xeebe1bef, 0x02c00000, {0x63c042be08472b15, 0xbb381d1176c8560f, 0xac3121932a80f6c3}, {0x63c042be08472b15, 0x0000000000000000, 0xac3121932a80f6c3}, 0x02c00010},  // vcvt.s32.f64 d1, d1, #1
    {0xeebe1bef, 0x01c00000, {0x005faea4d8c25d40, 0x3e70000000000000, 0x01ccef0f16694599}, {0x005faea4d8c25d40, 0x0000000000000000, 0x01ccef0f16694599}, 0x01c00010},  // vcvt.s32.f64 d1, d1, #1
    {0xeebe1bef, 0x00c00000, {0xd90972d9ccde3b3a, 0x01d43108bed0e254, 0x47efffffe0000000}, {0xd90972d9ccde3b3a, 0x0000000000000000, 0x47efffffe0000000}, 0x00c00010},  // vcvt.s32.f64 d1, d1, #1
    {0xeefa0aef, 0x00c00000, {0x01000001b2d56897, 0x00003d0780000000, 0xb557f6c62206d8ec}, {0x4b000000b2d56897, 0x00003d0780000000, 0xb557f6c62206d8ec}, 0x00c00010},  // vcvt.f32.s32 s1, s1, #1
    {0xeefa0aef, 0x00800000, {0x01000001811e4a4a, 0x7fffffff00000001, 0xa9eb0111cef83238}, {0x4b000000811e4a4a, 0x7fffffff00000001, 0xa9eb0111cef83238}, 0x00800010},  // vcvt.f32.s32 s1, s1, #1
    {0xeefa0aef, 0x03800000, {0xffff800015e3ace5, 0x8000000180000001, 0x43c03a9a0305e1d4}, {0xc680000015e3ace5, 0x8000000180000001, 0x43c03a9a0305e1d4}, 0x03800000},  // vcvt.f32.s32 s1, s1, #1
    {0xeefa0aef, 0x03c00000, {0x80000001e3d39c3c, 0xf717f37800008000, 0x71aa9c66a3dba316}, {0xce800000e3d39c3c, 0xf717f37800008000, 0x71aa9c66a3dba316}, 0x03c00010},  // vcvt.f32.s32 s1, s1, #1
    {0xeeba1bef, 0x00400000, {0x00008000334261ec, 0x0eede61b00ffffff, 0x5d9e68ecd98c7037}, {0x00008000334261ec, 0x415fffffe0000000, 0x5d9e68ecd98c7037}, 0x00400000},  // vcvt.f64.s32 d1, d1, #1
    {0xeeba1bef, 0x01000000, {0x005db07ec9e065e8, 0x0100000101e6a9cf, 0x1f34463f0406cb03}, {0x005db07ec9e065e8, 0x416e6a9cf0000000, 0x1f34463f0406cb03}, 0x01000000},  // vcvt.f64.s32 d1, d1, #1
    {0xeeba1bef, 0x02c00000, {0x000080000c539be9, 0x00007fff00000001, 0x8bfd81a4146baa44}, {0x000080000c539be9, 0x3fe0000000000000, 0x8bfd81a4146baa44}, 0x02c00000},  // vcvt.f64.s32 d1, d1, #1
    {0xeeba1bef, 0x03000000, {0xffff8000953d683d, 0xffff800080000001, 0x3e2151c769566078}, {0xffff8000953d683d, 0xc1cfffffffc00000, 0x3e2151c769566078}, 0x03000000},  // vcvt.f64.s32 d1, d1, #1
    {0xeefe0ac8, 0x00000000, {0xd081b106cd59cabb, 0x28307bd5d8f0de9c, 0x020a3d04fc1eeab5}, {0x80000000cd59cabb, 0x28307bd5d8f0de9c, 0x020a3d04fc1eeab5}, 0x00000001},  // vcvt.s32.f32 s1, s1, #16
    {0xeefe0ac8, 0x01000000, {0x477fe0004effffff, 0x4f2b47c83effffff, 0xd1380ad9b76c61c1}, {0x7fffffff4effffff, 0x4f2b47c83effffff, 0xd1380ad9b76c61c1}, 0x01000001},  // vcvt.s32.f32 s1, s1, #16
    {0xeefe0ac8, 0x01c00000, {0x01e146f4ff800123, 0xca9739e5010fd671, 0x65f7aa02bb07dcbf}, {0x00000000ff800123, 0xca9739e5010fd671, 0x65f7aa02bb07dcbf}, 0x01c00010},  // vcvt.s32.f32 s1, s1, #16
    {0xeefe0ac8, 0x00800000, {0xb62152fc33800000, 0x957c8705834a9b02, 0xac56f4c931fe979c}, {0x0000000033800000, 0x957c8705834a9b02, 0xac56f4c931fe979c}, 0x00800010},  // vcvt.s32.f32 s1, s1, #16
    {0xeebe1bc8, 0x01c00000, {0x8299144d6d86ec82, 0x7ff0000000000001, 0x8172a2bacfcfe8e4}, {0x8299144d6d86ec82, 0x0000000000000000, 0x8172a2bacfcfe8e4}, 0x01c00001},  // vcvt.s32.f64 d1, d1, #16
    {0xeebe1bc8, 0x00c00000, {0x3fefffffffffffff, 0x0176c5911dbe850e, 0x8009d201cecc1d26}, {0x3fefffffffffffff, 0x0000000000000000, 0x8009d201cecc1d26}, 0x00c00010},  // vcvt.s32.f64 d1, d1, #16
    {0xeebe1bc8, 0x02000000, {0x001421925ea84dcf, 0x01144bae0cab22c2, 0x3fe0000000000000}, {0x001421925ea84dcf, 0x0000000000000000, 0x3fe0000000000000}, 0x02000010},  // vcvt.s32.f64 d1, d1, #16
    {0xeebe1bc8, 0x01400000, {0x39a73bd2a94f64a0, 0x0106b9825e9b6b92, 0x81b6ee65dfe21a59}, {0x39a73bd2a94f64a0, 0x0000000000000000, 0x81b6ee65dfe21a59}, 0x01400010},  // vcvt.s32.f64 d1, d1, #16
    {0xeefa0ac8, 0x01800000, {0x1fd1eac04c56dbcd, 0x00007fff004b40bd, 0x6e2689c7789af4c8}, {0x45fe8f564c56dbcd, 0x00007fff004b40bd, 0x6e2689c7789af4c8}, 0x01800000},  // vcvt.f32.s32 s1, s1, #16
    {0xeefa0ac8, 0x00c00000, {0x7fffffffd47e5959, 0x00ffffff00000000, 0x8be3157603ffeb1d}, {0x47000000d47e5959, 0x00ffffff00000000, 0x8be3157603ffeb1d}, 0x00c00010},  // vcvt.f32.s32 s1, s1, #16
    {0xeefa0ac8, 0x02800000, {0x80000001f40a8f15, 0x00007fffffffffff, 0x5d137150303991a5}, {0xc7000000f40a8f15, 0x00007fffffffffff, 0x5d137150303991a5}, 0x02800010},  // vcvt.f32.s32 s1, s1, #16
    {0xeefa0ac8, 0x00400000, {0x00007fffa83cda78, 0x0000000080000001, 0x03f1bcbdfeb75ffd}, {0x3efffe00a83cda78, 0x0000000080000001, 0x03f1bcbdfeb75ffd}, 0x00400000},  // vcvt.f32.s32 s1, s1, #16
    {0xeeba1bc8, 0x00c00000, {0xffff80006e2bcbd1, 0xffffffff7fffffc0, 0xe66b39fadda0b5f0}, {0xffff80006e2bcbd1, 0x40dffffff0000000, 0xe66b39fadda0b5f0}, 0x00c00000},  // vcvt.f64.s32 d1, d1, #16
    {0xeeba1bc8, 0x01c00000, {0x7fffffffb1e617e8, 0x000053db00000000, 0xb78277e7dd0ec09d}, {0x7fffffffb1e617e8, 0x0000000000000000, 0xb78277e7dd0ec09d}, 0x01c00000},  // vcvt.f64.s32 d1, d1, #16
    {0xeeba1bc8, 0x03c00000, {0x7fffffc0262e1daa, 0x800000017fffffc0, 0xf4fe91d23c7b9dde}, {0x7fffffc0262e1daa, 0x40dffffff0000000, 0xf4fe91d23c7b9dde}, 0x03c00000},  // vcvt.f64.s32 d1, d1, #16
    {0xeeba1bc8, 0x02000000, {0xffffffffd13a41b9, 0xffffffff00007fff, 0x2c4e0de7b56e1916}, {0xffffffffd13a41b9, 0x3fdfffc000000000, 0x2c4e0de7b56e1916}, 0x02000000},  // vcvt.f64.s32 d1, d1, #16
    {0xeefe0ae0, 0x01400000, {0xffc0000001616ed1, 0xbf0ee39e7c206601, 0xb14b3e520fcd632a}, {0x0000000001616ed1, 0xbf0ee39e7c206601, 0xb14b3e520fcd632a}, 0x01400001},  // vcvt.s32.f32 s1, s1, #31
    {0xeefe0ae0, 0x02c00000, {0x0c51779b1ff77b5a, 0xe06cb7e49f6cdb49, 0xaab50a2dd626d057}, {0x000000001ff77b5a, 0xe06cb7e49f6cdb49, 0xaab50a2dd626d057}, 0x02c00010},  // vcvt.s32.f32 s1, s1, #31
    {0xeefe0ae0, 0x03c00000, {0x09849df7037bc698, 0x28f63f1315052006, 0x497f851dbe7ea960}, {0x00000000037bc698, 0x28f63f1315052006, 0x497f851dbe7ea960}, 0x03c00010},  // vcvt.s32.f32 s1, s1, #31
    {0xeefe0ae0, 0x00400000, {0x95fcb9503c800000, 0x427c2a211e794012, 0xd9efc337d7da5a29}, {0x000000003c800000, 0x427c2a211e794012, 0xd9efc337d7da5a29}, 0x00400010},  // vcvt.s32.f32 s1, s1, #31
    {0xeebe1be0, 0x01000000, {0x800549cce6430198, 0x3f20000000000000, 0x8000000000000000}, {0x800549cce6430198, 0x0000000000040000, 0x8000000000000000}, 0x01000000},  // vcvt.s32.f64 d1, d1, #31
    {0xeebe1be0, 0x00000000, {0xbff0000000000000, 0x838a3fb68e651829, 0xfff4000000000000}, {0xbff0000000000000, 0x0000000000000000, 0xfff4000000000000}, 0x00000010},  // vcvt.s32.f64 d1, d1, #31
    {0xeebe1be0, 0x01000000, {0x3ff0000000000001, 0x8fa11402266d92e5, 0xe909a3f9bbdbd806}, {0x3ff0000000000001, 0x0000000000000000, 0xe909a3f9bbdbd806}, 0x01000010},  // vcvt.s32.f64 d1, d1, #31
    {0xeebe1be0, 0x00c00000, {0x36a0000000000000, 0x94be37c3b3b2b0f1, 0x1179e112c194687a}, {0x36a0000000000000, 0x0000000000000000, 0x1179e112c194687a}, 0x00c00010},  // vcvt.s32.f64 d1, d1, #31
    {0xeefa0ae0, 0x01c00000, {0xffff8000a3542eec, 0xffff800080000000, 0x13b63d5203216bf8}, {0xb7800000a3542eec, 0xffff800080000000, 0x13b63d5203216bf8}, 0x01c00000},  // vcvt.f32.s32 s1, s1, #31
    {0xeefa0ae0, 0x02400000, {0xffff8000bd9ab792, 0xffff80007fffffff, 0x1552a939edfffaca}, {0xb7800000bd9ab792, 0xffff80007fffffff, 0x1552a939edfffaca}, 0x02400000},  // vcvt.f32.s32 s1, s1, #31
    {0xeefa0ae0, 0x00400000, {0x01a156ff357d5f06, 0x8000000100008000, 0x234fb094565ab905}, {0x3c50ab80357d5f06, 0x8000000100008000, 0x234fb094565ab905}, 0x00400010},  // vcvt.f32.s32 s1, s1, #31
    {0xeefa0ae0, 0x00000000, {0x00005a5f3be9e915, 0x7fffffc000000001, 0x381718041930b5a7}, {0x3734be003be9e915, 0x7fffffc000000001, 0x381718041930b5a7}, 0x00000000},  // vcvt.f32.s32 s1, s1, #31
    {0xeeba1be0, 0x03c00000, {0x008b1e30e5217bb5, 0x00007fff00ffffff, 0x2d1e63bff3c38095}, {0x008b1e30e5217bb5, 0x3f7fffffe0000000, 0x2d1e63bff3c38095}, 0x03c00000},  // vcvt.f64.s32 d1, d1, #31
    {0xeeba1be0, 0x01000000, {0x00000000a4642a7d, 0x7fffffc0ffff8000, 0x58d9e3bb961fc7b3}, {0x00000000a4642a7d, 0xbef0000000000000, 0x58d9e3bb961fc7b3}, 0x01000000},  // vcvt.f64.s32 d1, d1, #31
    {0xeeba1be0, 0x02400000, {0x00000001f4c0bd24, 0xffff8000013ee1fb, 0x4d1cd1d29d01ea84}, {0x00000001f4c0bd24, 0x3f83ee1fb0000000, 0x4d1cd1d29d01ea84}, 0x02400000},  // vcvt.f64.s32 d1, d1, #31
    {0xeeba1be0, 0x00000000, {0x65f926c2fd729ff2, 0x00009026ffff8000, 0x3f10e6d0b7a97f11}, {0x65f926c2fd729ff2, 0xbef0000000000000, 0x3f10e6d0b7a97f11}, 0x00000000},  // vcvt.f64.s32 d1, d1, #31
    {0xeefe0ac0, 0x00c00000, {0x83720c10b5f55510, 0x70a1f8a53f7fffff, 0xebcb849ec190e38e}, {0x00000000b5f55510, 0x70a1f8a53f7fffff, 0xebcb849ec190e38e}, 0x00c00010},  // vcvt.s32.f32 s1, s1, #32
    {0xeefe0ac0, 0x01800000, {0x4c800001f533f407, 0xa492ce1f53306d37, 0x76ceabe9dd4aa207}, {0x7ffffffff533f407, 0xa492ce1f53306d37, 0x76ceabe9dd4aa207}, 0x01800001},  // vcvt.s32.f32 s1, s1, #32
    {0xeefe0ac0, 0x01400000, {0x00000001cebf0a9a, 0x16bb61a2abe4268e, 0xce224d80dd2cebbe}, {0x00000000cebf0a9a, 0x16bb61a2abe4268e, 0xce224d80dd2cebbe}, 0x01400080},  // vcvt.s32.f32 s1, s1, #32
    {0xeefe0ac0, 0x03000000, {0x398000010761fa77, 0xd1897b9d47100000, 0xcfa9af129e61a3be}, {0x001000000761fa77, 0xd1897b9d47100000, 0xcfa9af129e61a3be}, 0x03000010},  // vcvt.s32.f32 s1, s1, #32
    {0xeebe1bc0, 0x01000000, {0x7ff8000000000000, 0x34e577503f148603, 0x4120000000000001}, {0x7ff8000000000000, 0x0000000000000000, 0x4120000000000001}, 0x01000010},  // vcvt.s32.f64 d1, d1, #32
    {0xeebe1bc0, 0x03400000, {0xbec4e4cfcb98ef92, 0x3e70000000000000, 0xc18f000000000000}, {0xbec4e4cfcb98ef92, 0x0000000000000100, 0xc18f000000000000}, 0x03400000},  // vcvt.s32.f64 d1, d1, #32
    {0xeebe1bc0, 0x00c00000, {0x3ff8000000000000, 0x00d0d260ae615da1, 0x8444650f2ad8f299}, {0x3ff8000000000000, 0x0000000000000000, 0x8444650f2ad8f299}, 0x00c00010},  // vcvt.s32.f64 d1, d1, #32
    {0xeebe1bc0, 0x01400000, {0x0353f2daeaff4b0d, 0x47efffffe0000000, 0xc877a4e56b8bcaf3}, {0x0353f2daeaff4b0d, 0x000000007fffffff, 0xc877a4e56b8bcaf3}, 0x01400001},  // vcvt.s32.f64 d1, d1, #32
    {0xeefa0ac0, 0x00400000, {0x000080002dd6fe36, 0x7fffffff80000000, 0xe7809cfdf7048f94}, {0x370000002dd6fe36, 0x7fffffff80000000, 0xe7809cfdf7048f94}, 0x00400000},  // vcvt.f32.s32 s1, s1, #32
    {0xeefa0ac0, 0x02800000, {0x000000008ecc0bb6, 0x0110ee4d80000000, 0x37320f7afc475a88}, {0x000000008ecc0bb6, 0x0110ee4d80000000, 0x37320f7afc475a88}, 0x02800000},  // vcvt.f32.s32 s1, s1, #32
    {0xeefa0ac0, 0x00c00000, {0x01000001673733c0, 0x00ffffff80000001, 0x611f92300bd32bc8}, {0x3b800000673733c0, 0x00ffffff80000001, 0x611f92300bd32bc8}, 0x00c00010},  // vcvt.f32.s32 s1, s1, #32
    {0xeefa0ac0, 0x00800000, {0xae4283fdbdbb97d7, 0x0dfd1bc600887536, 0x00c73c8ef300fc02}, {0xbea37af8bdbb97d7, 0x0dfd1bc600887536, 0x00c73c8ef300fc02}, 0x00800010},  // vcvt.f32.s32 s1, s1, #32
    {0xeeba1bc0, 0x01400000, {0x00007fff88879f53, 0x00ffffff00ffffff, 0x5f2ed13514d59dcd}, {0x00007fff88879f53, 0x3f6fffffe0000000, 0x5f2ed13514d59dcd}, 0x01400000},  // vcvt.f64.s32 d1, d1, #32
    {0xeeba1bc0, 0x00400000, {0x0000736f126f5c3f, 0xffffffff01b41005, 0x275ddeec9d27bece}, {0x0000736f126f5c3f, 0x3f7b410050000000, 0x275ddeec9d27bece}, 0x00400000},  // vcvt.f64.s32 d1, d1, #32
    {0xeeba1bc0, 0x02400000, {0x800000000a70dd55, 0x8000000100ffffff, 0x75266d4410ba4f13}, {0x800000000a70dd55, 0x3f6fffffe0000000, 0x75266d4410ba4f13}, 0x02400000},  // vcvt.f64.s32 d1, d1, #32
    {0xeeba1bc0, 0x03400000, {0xffff8000f7c1f734, 0x0000800080000001, 0x2ffbdc832b2df95c}, {0xffff8000f7c1f734, 0xbfdfffffffc00000, 0x2ffbdc832b2df95c}, 0x03400000},  // vcvt.f64.s32 d1, d1, #32
    {0xeeff0aef, 0x01000000, {0x3d68562c4a0606a7, 0x63824c98bc7fffff, 0x123900635596f83c}, {0x000000004a0606a7, 0x63824c98bc7fffff, 0x123900635596f83c}, 0x01000010},  // vcvt.u32.f32 s1, s1, #1
    {0xeeff0aef, 0x01800000, {0x38800000116f9e28, 0x004bc60437ffffff, 0x6595113705311024}, {0x00000000116f9e28, 0x004bc60437ffffff, 0x6595113705311024}, 0x01800010},  // vcvt.u32.f32 s1, s1, #1
    {0xeeff0aef, 0x00400000, {0x00c2968700568c3f, 0x6364f3d5007ba504, 0xe5a438558f3bbde8}, {0x0000000000568c3f, 0x6364f3d5007ba504, 0xe5a438558f3bbde8}, 0x00400010},  // vcvt.u32.f32 s1, s1, #1
    {0xeeff0aef, 0x01400000, {0xc0200000cf000000, 0xd0154118477fe000, 0x570ba3ed9c2f9f61}, {0x00000000cf000000, 0xd0154118477fe000, 0x570ba3ed9c2f9f61}, 0x01400001},  // vcvt.u32.f32 s1, s1, #1
    {0xeebf1bef, 0x00800000, {0x0010000000000000, 0x8291ead023d3b280, 0xb4cd4ecaf1a02fc4}, {0x0010000000000000, 0x0000000000000000, 0xb4cd4ecaf1a02fc4}, 0x00800010},  // vcvt.u32.f64 d1, d1, #1
    {0xeebf1bef, 0x01800000, {0x82b686a65f1f957e, 0xc130000020000000, 0xc02a000000000000}, {0x82b686a65f1f957e, 0x0000000000000000, 0xc02a000000000000}, 0x01800001},  // vcvt.u32.f64 d1, d1, #1
    {0xeebf1bef, 0x02000000, {0xc0c0000000000001, 0x030f3d58c9a30208, 0x8010000000000000}, {0xc0c0000000000001, 0x0000000000000000, 0x8010000000000000}, 0x02000010},  // vcvt.u32.f64 d1, d1, #1
    {0xeebf1bef, 0x02c00000, {0x3690000000000000, 0x020e3fe5f65908a5, 0x3fb0000020000000}, {0x3690000000000000, 0x0000000000000000, 0x3fb0000020000000}, 0x02c00010},  // vcvt.u32.f64 d1, d1, #1
    {0xeefb0aef, 0x00000000, {0xffffffff85590a50, 0xffff800000007fff, 0xe114b25f8b54c2ca}, {0x4f00000085590a50, 0xffff800000007fff, 0xe114b25f8b54c2ca}, 0x00000010},  // vcvt.f32.u32 s1, s1, #1
    {0xeefb0aef, 0x02000000, {0xffffffff53c8237d, 0x01efbf1d7fffffc0, 0xb6110487d9836b02}, {0x4f00000053c8237d, 0x01efbf1d7fffffc0, 0xb6110487d9836b02}, 0x02000010},  // vcvt.f32.u32 s1, s1, #1
    {0xeefb0aef, 0x02800000, {0x80000001cf517f23, 0x80000000ffff8000, 0x8a23be982c56524c}, {0x4e800000cf517f23, 0x80000000ffff8000, 0x8a23be982c56524c}, 0x02800010},  // vcvt.f32.u32 s1, s1, #1
    {0xeefb0aef, 0x00c00000, {0x7fffffffa5fec721, 0x8000000000000000, 0x96bea1f96c5a1937}, {0x4e800000a5fec721, 0x8000000000000000, 0x96bea1f96c5a1937}, 0x00c00010},  // vcvt.f32.u32 s1, s1, #1
    {0xeebb1bef, 0x00800000, {0xffff8000da489c9e, 0x7fffffffffff8000, 0xded8fa47f21ce3e7}, {0xffff8000da489c9e, 0x41dffff000000000, 0xded8fa47f21ce3e7}, 0x00800000},  // vcvt.f64.u32 d1, d1, #1
    {0xeebb1bef, 0x02000000, {0x0f68bae45a5060f5, 0x0000000000007fff, 0x4697dbb35026c47a}, {0x0f68bae45a5060f5, 0x40cfffc000000000, 0x4697dbb35026c47a}, 0x02000000},  // vcvt.f64.u32 d1, d1, #1
    {0xeebb1bef, 0x03c00000, {0xffffffff76133506, 0x0000800000007fff, 0x5d2897436becd004}, {0xffffffff76133506, 0x40cfffc000000000, 0x5d2897436becd004}, 0x03c00000},  // vcvt.f64.u32 d1, d1, #1
    {0xeebb1bef, 0x01c00000, {0x00ffffffd3d23779, 0x8000000000000001, 0x092dc1f67afda194}, {0x00ffffffd3d23779, 0x3fe0000000000000, 0x092dc1f67afda194}, 0x01c00000},  // vcvt.f64.u32 d1, d1, #1
    {0xeeff0ac8, 0x00000000, {0x008000013f800000, 0x612ebfa3675b9dd4, 0xc1204549022bc4e2}, {0x000000003f800000, 0x612ebfa3675b9dd4, 0xc1204549022bc4e2}, 0x00000010},  // vcvt.u32.f32 s1, s1, #16
    {0xeeff0ac8, 0x03800000, {0x0caa9cb889545d2b, 0xbaaa073fb184c47e, 0xbac0c516a2d4cf0c}, {0x0000000089545d2b, 0xbaaa073fb184c47e, 0xbac0c516a2d4cf0c}, 0x03800010},  // vcvt.u32.f32 s1, s1, #16
    {0xeeff0ac8, 0x00800000, {0x184bdb8dbf800000, 0x9eba3acd33000000, 0xd345ad39faa48897}, {0x00000000bf800000, 0x9eba3acd33000000, 0xd345ad39faa48897}, 0x00800010},  // vcvt.u32.f32 s1, s1, #16
    {0xeeff0ac8, 0x01800000, {0xb4580000c0200000, 0x307061d931ef68fe, 0x5634ecb15f4c5a83}, {0x00000000c0200000, 0x307061d931ef68fe, 0x5634ecb15f4c5a83}, 0x01800010},  // vcvt.u32.f32 s1, s1, #16
    {0xeebf1bc8, 0x01800000, {0x47efffffe0000000, 0x41efffffffffffff, 0x6bf5c6cafaa3116e}, {0x47efffffe0000000, 0x00000000ffffffff, 0x6bf5c6cafaa3116e}, 0x01800001},  // vcvt.u32.f64 d1, d1, #16
    {0xeebf1bc8, 0x00400000, {0x1fffe7034a1e9055, 0x7ff8000000000000, 0x47efffffe0000000}, {0x1fffe7034a1e9055, 0x0000000000000000, 0x47efffffe0000000}, 0x00400001},  // vcvt.u32.f64 d1, d1, #16
    {0xeebf1bc8, 0x00000000, {0x36a0000000000000, 0x02e35a8d858297b5, 0x3f60000000000000}, {0x36a0000000000000, 0x0000000000000000, 0x3f60000000000000}, 0x00000010},  // vcvt.u32.f64 d1, d1, #16
    {0xeebf1bc8, 0x01400000, {0x36a0000000000000, 0x0390c8c1b6b1ff64, 0x035b698874235e1e}, {0x36a0000000000000, 0x0000000000000000, 0x035b698874235e1e}, 0x01400010},  // vcvt.u32.f64 d1, d1, #16
    {0xeefb0ac8, 0x03c00000, {0x00ffffffafeaec00, 0x00000000013bb084, 0xa9091b42c32c17eb}, {0x437fffffafeaec00, 0x00000000013bb084, 0xa9091b42c32c17eb}, 0x03c00000},  // vcvt.f32.u32 s1, s1, #16
    {0xeefb0ac8, 0x00000000, {0x00c6917a9c2f17d6, 0x80000001ffff8000, 0x983b08b892b5be2a}, {0x4346917a9c2f17d6, 0x80000001ffff8000, 0x983b08b892b5be2a}, 0x00000000},  // vcvt.f32.u32 s1, s1, #16
    {0xeefb0ac8, 0x00400000, {0x0100000195cd5c8c, 0x0000fc1d00007fff, 0x92cd1186fe8f20af}, {0x4380000095cd5c8c, 0x0000fc1d00007fff, 0x92cd1186fe8f20af}, 0x00400010},  // vcvt.f32.u32 s1, s1, #16
    {0xeefb0ac8, 0x00800000, {0x7fffffc08efc7563, 0x80000001ffffffff, 0xff5c919bf634db02}, {0x470000008efc7563, 0x80000001ffffffff, 0xff5c919bf634db02}, 0x00800010},  // vcvt.f32.u32 s1, s1, #16
    {0xeebb1bc8, 0x02400000, {0x0100000197720af4, 0x8000000101caff29, 0x6865bb0ee1a3332e}, {0x0100000197720af4, 0x407caff290000000, 0x6865bb0ee1a3332e}, 0x02400000},  // vcvt.f64.u32 d1, d1, #16
    {0xeebb1bc8, 0x01800000, {0x07257c447b725f13, 0x80000001ffffffff, 0xc122cfe189328c2a}, {0x07257c447b725f13, 0x40efffffffe00000, 0xc122cfe189328c2a}, 0x01800000},  // vcvt.f64.u32 d1, d1, #16
    {0xeebb1bc8, 0x00c00000, {0xffffffffd8418d4f, 0xffffffff00001069, 0xee31422fc7b4d8f9}, {0xffffffffd8418d4f, 0x3fb0690000000000, 0xee31422fc7b4d8f9}, 0x00c00000},  // vcvt.f64.u32 d1, d1, #16
    {0xeebb1bc8, 0x03800000, {0xffffffff613739d5, 0x8000000139b7879d, 0x0f9d8c037f7effe0}, {0xffffffff613739d5, 0x40ccdbc3ce800000, 0x0f9d8c037f7effe0}, 0x03800000},  // vcvt.f64.u32 d1, d1, #16
    {0xeeff0ae0, 0x00800000, {0x0728d5578627aab9, 0xc0799c86c0200000, 0x09c147005355582a}, {0x000000008627aab9, 0xc0799c86c0200000, 0x09c147005355582a}, 0x00800010},  // vcvt.u32.f32 s1, s1, #31
    {0xeeff0ae0, 0x00000000, {0x3c92241a477fe000, 0x567b7d2ec9e178d8, 0xc01473f1d6625039}, {0x02489068477fe000, 0x567b7d2ec9e178d8, 0xc01473f1d6625039}, 0x00000000},  // vcvt.u32.f32 s1, s1, #31
    {0xeeff0ae0, 0x02c00000, {0x00000000506f5e04, 0x1a859e1cc720c68c, 0x7be2f1736f1f5e5c}, {0x00000000506f5e04, 0x1a859e1cc720c68c, 0x7be2f1736f1f5e5c}, 0x02c00000},  // vcvt.u32.f32 s1, s1, #31
    {0xeeff0ae0, 0x03c00000, {0x441d2b844b800001, 0x29413cf9511199b4, 0x5a9b2828ba0d456e}, {0xffffffff4b800001, 0x29413cf9511199b4, 0x5a9b2828ba0d456e}, 0x03c00001},  // vcvt.u32.f32 s1, s1, #31
    {0xeebf1be0, 0x00000000, {0x80c11bf4073fe84c, 0x8369358a05f595c0, 0x6f299b9c4ade30da}, {0x80c11bf4073fe84c, 0x0000000000000000, 0x6f299b9c4ade30da}, 0x00000010},  // vcvt.u32.f64 d1, d1, #31
    {0xeebf1be0, 0x03000000, {0xc6a42d301e65ffed, 0x84f35760c2946dff, 0x47efffffe0000000}, {0xc6a42d301e65ffed, 0x0000000000000000, 0x47efffffe0000000}, 0x03000010},  // vcvt.u32.f64 d1, d1, #31
    {0xeebf1be0, 0x00800000, {0x384fffffffffffff, 0x835db04b9e76f50d, 0x864f7d5bcd502081}, {0x384fffffffffffff, 0x0000000000000000, 0x864f7d5bcd502081}, 0x00800010},  // vcvt.u32.f64 d1, d1, #31
    {0xeebf1be0, 0x00c00000, {0x3f63b311b0754c71, 0x7ff8000000000000, 0xc1e0000000000000}, {0x3f63b311b0754c71, 0x0000000000000000, 0xc1e0000000000000}, 0x00c00001},  // vcvt.u32.f64 d1, d1, #31
    {0xeefb0ae0, 0x00000000, {0x000080008b44ce14, 0x001a9cc97fffffff, 0x15506a9244255929}, {0x378000008b44ce14, 0x001a9cc97fffffff, 0x15506a9244255929}, 0x00000000},  // vcvt.f32.u32 s1, s1, #31
    {0xeefb0ae0, 0x00800000, {0x7fffffff14f682b5, 0x7fffffff5031e4f0, 0x8659cd440e5e9139}, {0x3f80000014f682b5, 0x7fffffff5031e4f0, 0x8659cd440e5e9139}, 0x00800010},  // vcvt.f32.u32 s1, s1, #31
    {0xeefb0ae0, 0x03400000, {0x00008000c20f87cb, 0x7fffffff01000001, 0x7bf9e1cf04f5edce}, {0x37800000c20f87cb, 0x7fffffff01000001, 0x7bf9e1cf04f5edce}, 0x03400000},  // vcvt.f32.u32 s1, s1, #31
    {0xeefb0ae0, 0x02400000, {0x010000016d38e20d, 0x0000ed997fffffc0, 0x7948032c49a64669}, {0x3c0000006d38e20d, 0x0000ed997fffffc0, 0x7948032c49a64669}, 0x02400010},  // vcvt.f32.u32 s1, s1, #31
    {0xeebb1be0, 0x02800000, {0x00000000ccbe3c75, 0x000000000000de2f, 0xcc0ca8139c18a0a1}, {0x00000000ccbe3c75, 0x3efbc5e000000000, 0xcc0ca8139c18a0a1}, 0x02800000},  // vcvt.f64.u32 d1, d1, #31
    {0xeebb1be0, 0x00800000, {0x80000000ae414bcc, 0x00000000ffffffff, 0x4b701485991af3c9}, {0x80000000ae414bcc, 0x3fffffffffe00000, 0x4b701485991af3c9}, 0x00800000},  // vcvt.f64.u32 d1, d1, #31
    {0xeebb1be0, 0x01800000, {0x7fffffff9f29173e, 0x0000000180000001, 0x8954a83545f728ac}, {0x7fffffff9f29173e, 0x3ff0000000200000, 0x8954a83545f728ac}, 0x01800000},  // vcvt.f64.u32 d1, d1, #31
    {0xeebb1be0, 0x03000000, {0x00000001acdf7854, 0xcb0d2e7100000000, 0x7b1e3b22994be831}, {0x00000001acdf7854, 0x0000000000000000, 0x7b1e3b22994be831}, 0x03000000},  // vcvt.f64.u32 d1, d1, #31
    {0xeeff0ac0, 0x02c00000, {0x8b255fda3f7fffff, 0xa1cdd4f64f800000, 0x22e45a637e339c90}, {0x000000003f7fffff, 0xa1cdd4f64f800000, 0x22e45a637e339c90}, 0x02c00010},  // vcvt.u32.f32 s1, s1, #32
    {0xeeff0ac0, 0x00000000, {0x01c90f1bc901648b, 0xccff9cc440200000, 0xda44cd5f66ae6ef2}, {0x00000000c901648b, 0xccff9cc440200000, 0xda44cd5f66ae6ef2}, 0x00000010},  // vcvt.u32.f32 s1, s1, #32
    {0xeeff0ac0, 0x02400000, {0x0f5d2f24007fffff, 0x56f67b14eb404ea2, 0xc499769d61a971a5}, {0x00000000007fffff, 0x56f67b14eb404ea2, 0xc499769d61a971a5}, 0x02400010},  // vcvt.u32.f32 s1, s1, #32
    {0xeeff0ac0, 0x00400000, {0x03aaf05d3f800001, 0xffaed4c7cf0cad5f, 0x5a34721d681dd858}, {0x000000003f800001, 0xffaed4c7cf0cad5f, 0x5a34721d681dd858}, 0x00400010},  // vcvt.u32.f32 s1, s1, #32
    {0xeebf1bc0, 0x01000000, {0x389afa6262f33bb7, 0x8000000000000001, 0x80a7bddef86d58d6}, {0x389afa6262f33bb7, 0x0000000000000000, 0x80a7bddef86d58d6}, 0x01000080},  // vcvt.u32.f64 d1, d1, #32
    {0xeebf1bc0, 0x00400000, {0x41efffffffffffff, 0x4180000000000000, 0x8109100cb6fb5572}, {0x41efffffffffffff, 0x00000000ffffffff, 0x8109100cb6fb5572}, 0x00400001},  // vcvt.u32.f64 d1, d1, #32
    {0xeebf1bc0, 0x01400000, {0x0062dd629d440141, 0x82e141cd1e234f28, 0x80034133a9e464b1}, {0x0062dd629d440141, 0x0000000000000000, 0x80034133a9e464b1}, 0x01400010},  // vcvt.u32.f64 d1, d1, #32
    {0xeebf1bc0, 0x03c00000, {0x0000000000000000, 0x008ab4dc4d6d9d70, 0xb830000010000000}, {0x0000000000000000, 0x0000000000000000, 0xb830000010000000}, 0x03c00010},  // vcvt.u32.f64 d1, d1, #32
    {0xeefb0ac0, 0x00c00000, {0x0000800085e43bb9, 0x01000001ffff8000, 0x2464a22b93ca8459}, {0x3700000085e43bb9, 0x01000001ffff8000, 0x2464a22b93ca8459}, 0x00c00000},  // vcvt.f32.u32 s1, s1, #32
    {0xeefb0ac0, 0x00800000, {0x7fffffff2be79443, 0x80000001ffffffff, 0x3198f36873e1fd75}, {0x3f0000002be79443, 0x80000001ffffffff, 0x3198f36873e1fd75}, 0x00800010},  // vcvt.f32.u32 s1, s1, #32
    {0xeefb0ac0, 0x02400000, {0xffff8000d3cbfa06, 0x00007fffffff8000, 0xc8167c2834ddaf5e}, {0x3f7fff80d3cbfa06, 0x00007fffffff8000, 0xc8167c2834ddaf5e}, 0x02400000},  // vcvt.f32.u32 s1, s1, #32
    {0xeefb0ac0, 0x03800000, {0x800000009b8adab4, 0x0000000100000001, 0xa099c68694e5b88f}, {0x3f0000009b8adab4, 0x0000000100000001, 0xa099c68694e5b88f}, 0x03800000},  // vcvt.f32.u32 s1, s1, #32
    {0xeebb1bc0, 0x00000000, {0x80000000662c29b8, 0x7fffffc0ffff8000, 0xf3c45e5bb435a5ce}, {0x80000000662c29b8, 0x3feffff000000000, 0xf3c45e5bb435a5ce}, 0x00000000},  // vcvt.f64.u32 d1, d1, #32
    {0xeebb1bc0, 0x01c00000, {0x000000007d420f14, 0x8000000000008000, 0x856fbe44d697003d}, {0x000000007d420f14, 0x3ee0000000000000, 0x856fbe44d697003d}, 0x01c00000},  // vcvt.f64.u32 d1, d1, #32
    {0xeebb1bc0, 0x02c00000, {0x00ffffff2c42fb86, 0x01000001ffffffff, 0x42a1d688166b9282}, {0x00ffffff2c42fb86, 0x3fefffffffe00000, 0x42a1d688166b9282}, 0x02c00000},  // vcvt.f64.u32 d1, d1, #32
    {0xeebb1bc0, 0x03c00000, {0x01000001e98982fd, 0x01000001f9a031f1, 0x39a2912f05c6041f}, {0x01000001e98982fd, 0x3fef34063e200000, 0x39a2912f05c6041f}, 0x03c00000},  // vcvt.f64.u32 d1, d1, #32
    {0xeeb20a60, 0x01000000, {0xad3076471cc7dbf0, 0x1ef394326c363bc8, 0x4ce00d541241bc77}, {0xad30764746c8e000, 0x1ef394326c363bc8, 0x4ce00d541241bc77}, 0x01000000},  // vcvtb.f32.f16 s0, s1
    {0xeeb20a60, 0x00c00000, {0x58047e0050ffad0a, 0x1e070e99551f2f50, 0x60b43d4f0f7114d5}, {0x58047e007fc00000, 0x1e070e99551f2f50, 0x60b43d4f0f7114d5}, 0x00c00000},  // vcvtb.f32.f16 s0, s1
    {0xeeb20a60, 0x02000000, {0x05d903ff5174710f, 0xef16d8e0f69baeb7, 0x7c76ace24185c6f5}, {0x05d903ff387fc000, 0xef16d8e0f69baeb7, 0x7c76ace24185c6f5}, 0x02000000},  // vcvtb.f32.f16 s0, s1
    {0xeeb20a60, 0x03400000, {0x14f3ecbc8a35b4a5, 0x7fe3932562036bf0, 0xc367d6e97e308c43}, {0x14f3ecbcc5978000, 0x7fe3932562036bf0, 0xc367d6e97e308c43}, 0x03400000},  // vcvtb.f32.f16 s0, s1
    {0xeeb30a60, 0x03000000, {0x05512d4600400000, 0xd5d809dc0f906bc8, 0x894dfb5106d6a1d9}, {0x05512d4600400000, 0xd5d809dc0f906bc8, 0x894dfb5106d6a1d9}, 0x03000018},  // vcvtb.f16.f32 s0, s1
    {0xeeb30a60, 0x00400000, {0x831bf5c5027ca335, 0xf8385a9000000000, 0xb80f9bb162920b31}, {0x831bf5c5027c8000, 0xf8385a9000000000, 0xb80f9bb162920b31}, 0x00400018},  // vcvtb.f16.f32 s0, s1
    {0xeeb30a60, 0x00000000, {0x047f285f82315ebb, 0x7e38f0a9c7000001, 0xba1e672ff9c58502}, {0x047f285f82310000, 0x7e38f0a9c7000001, 0xba1e672ff9c58502}, 0x00000018},  // vcvtb.f16.f32 s0, s1
    {0xeeb30a60, 0x02800000, {0x3edd386d80000000, 0x8a162681c6a7b80c, 0x50c6667b3de7ff55}, {0x3edd386d800036e9, 0x8a162681c6a7b80c, 0x50c6667b3de7ff55}, 0x02800010},  // vcvtb.f16.f32 s0, s1
    {0xeeb20ae0, 0x03000000, {0x2ceea36c0516fde2, 0x086810cabc693927, 0xbec465c770cc2ba8}, {0x2ceea36c3d9dc000, 0x086810cabc693927, 0xbec465c770cc2ba8}, 0x03000000},  // vcvtt.f32.f16 s0, s1
    {0xeeb20ae0, 0x02000000, {0x51947e55fd0e4f69, 0x50f2d64b740852af, 0x6a798ae099ca637f}, {0x51947e5542328000, 0x50f2d64b740852af, 0x6a798ae099ca637f}, 0x02000000},  // vcvtt.f32.f16 s0, s1
    {0xeeb20ae0, 0x01400000, {0xfd01d5697e9f7dfd, 0xc808bd0ef11fe4b0, 0xfa90e606e5ca8f95}, {0xfd01d569ffe02000, 0xc808bd0ef11fe4b0, 0xfa90e606e5ca8f95}, 0x01400001},  // vcvtt.f32.f16 s0, s1
    {0xeeb20ae0, 0x00400000, {0x03ff6c14f6dca131, 0x9a3d6aacffde2c2d, 0x105c7fe95528c044}, {0x03ff6c14387fc000, 0x9a3d6aacffde2c2d, 0x105c7fe95528c044}, 0x00400000},  // vcvtt.f32.f16 s0, s1
    {0xeeb30ae0, 0x01800000, {0x8b87e3983e716f18, 0x5786b47494bf4f5a, 0x5df453da2f94e5b4}, {0x8b87e39880016f18, 0x5786b47494bf4f5a, 0x5df453da2f94e5b4}, 0x01800018},  // vcvtt.f16.f32 s0, s1
    {0xeeb30ae0, 0x04c00000, {0xb5799af5b2000001, 0xfd5ac5d950000001, 0x2078db4450b80bd1}, {0xb5799af5800f0001, 0xfd5ac5d950000001, 0x2078db4450b80bd1}, 0x04c00018},  // vcvtt.f16.f32 s0, s1
    {0xeeb30ae0, 0x04800000, {0x782d14a571da7d24, 0xb96995e3ce000001, 0xa147ab9a6f43a4b6}, {0x782d14a57fff7d24, 0xb96995e3ce000001, 0xa147ab9a6f43a4b6}, 0x04800001},  // vcvtt.f16.f32 s0, s1
    {0xeeb30ae0, 0x00800000, {0x0783a07a913e3d52, 0xb3bd110380800000, 0xfd47f36cd2c9d1fa}, {0x0783a07a00003d52, 0xb3bd110380800000, 0xfd47f36cd2c9d1fa}, 0x00800018},  // vcvtt.f16.f32 s0, s1
    {0xeeb70a00, 0x01400000, {0x84a9fba14b000000, 0x1ce18fc2806b6cd0, 0x5c00facc76962b77}, {0x84a9fba13f800000, 0x1ce18fc2806b6cd0, 0x5c00facc76962b77}, 0x01400000},  // vmov.f32 s0, #1.0
    {0xeeb70a00, 0x00c00000, {0x6eb23c3eb6000001, 0xb7097ad64effffff, 0xcf71ed4b6150bb9f}, {0x6eb23c3e3f800000, 0xb7097ad64effffff, 0xcf71ed4b6150bb9f}, 0x00c00000},  // vmov.f32 s0, #1.0
    {0xeeb70a00, 0x02800000, {0xafee87b3ff7fffff, 0x791db51700000001, 0x38519216942b9549}, {0xafee87b33f800000, 0x791db51700000001, 0x38519216942b9549}, 0x02800000},  // vmov.f32 s0, #1.0
    {0xeeb70a00, 0x03000000, {0x82366bd4f8be0745, 0xfda25a03c0200000, 0x6cc1d4c95a150eff}, {0x82366bd43f800000, 0xfda25a03c0200000, 0x6cc1d4c95a150eff}, 0x03000000},  // vmov.f32 s0, #1.0
    {0xeeb70b00, 0x00800000, {0xb8d5c30346f902f3, 0x3e70000000000000, 0x3599207f2d731609}, {0x3ff0000000000000, 0x3e70000000000000, 0x3599207f2d731609}, 0x00800000},  // vmov.f64 d0, #1.0
    {0xeeb70b00, 0x01400000, {0x3fefffffffffffff, 0x794d156d75ea5e84, 0xec0c980c638a1625}, {0x3ff0000000000000, 0x794d156d75ea5e84, 0xec0c980c638a1625}, 0x01400000},  // vmov.f64 d0, #1.0
    {0xeeb70b00, 0x03c00000, {0x3ff8000000000000, 0x01286739bfd64131, 0x4226000000000000}, {0x3ff0000000000000, 0x01286739bfd64131, 0x4226000000000000}, 0x03c00000},  // vmov.f64 d0, #1.0
    {0xeeb70b00, 0x02c00000, {0x000fffffffffffff, 0x4b37e759b0ba887e, 0x83afcfdc6d4945eb}, {0x3ff0000000000000, 0x4b37e759b0ba887e, 0x83afcfdc6d4945eb}, 0x02c00000},  // vmov.f64 d0, #1.0
    {0xeeb80a04, 0x00c00000, {0xe3b37c9d00000001, 0xd409dd5d9b645a66, 0xf3d2c7059f6cb2cd}, {0xe3b37c9dc0200000, 0xd409dd5d9b645a66, 0xf3d2c7059f6cb2cd}, 0x00c00000},  // vmov.f32 s0, #-2.5
    {0xeeb80a04, 0x01c00000, {0x3500000080329aa8, 0x28cddfbab9a16971, 0x8cedfc8bf7f79ecf}, {0x35000000c0200000, 0x28cddfbab9a16971, 0x8cedfc8bf7f79ecf}, 0x01c00000},  // vmov.f32 s0, #-2.5
    {0xeeb80a04, 0x02000000, {0x888b71db00400000, 0x86643a29c0200000, 0xbb9160aed9be91e4}, {0x888b71dbc0200000, 0x86643a29c0200000, 0xbb9160aed9be91e4}, 0x02000000},  // vmov.f32 s0, #-2.5
    {0xeeb80a04, 0x03c00000, {0xed27e2778a23bfa2, 0x1f206c83bb800000, 0xb5476494d4aa352e}, {0xed27e277c0200000, 0x1f206c83bb800000, 0xb5476494d4aa352e}, 0x03c00000},  // vmov.f32 s0, #-2.5
    {0xeeb80b04, 0x02c00000, {0x0000fcee5b35ecaa, 0x8010000000000000, 0x380fffffffffffff}, {0xc004000000000000, 0x8010000000000000, 0x380fffffffffffff}, 0x02c00000},  // vmov.f64 d0, #-2.5
    {0xeeb80b04, 0x00000000, {0x3830000000000000, 0x7fefffffffffffff, 0x801012a8a5f43063}, {0xc004000000000000, 0x7fefffffffffffff, 0x801012a8a5f43063}, 0x00000000},  // vmov.f64 d0, #-2.5
    {0xeeb80b04, 0x01000000, {0x0039d8e7964dd5c3, 0x9967f5ed9e3e765d, 0x8864ab574946915b}, {0xc004000000000000, 0x9967f5ed9e3e765d, 0x8864ab574946915b}, 0x01000000},  // vmov.f64 d0, #-2.5
    {0xeeb80b04, 0x03000000, {0xfe86a529f93ad10f, 0x7ef07776a9cc52a2, 0x380fffffffffffff}, {0xc004000000000000, 0x7ef07776a9cc52a2, 0x380fffffffffffff}, 0x03000000},  // vmov.f64 d0, #-2.5
    {0xeeb40a00, 0x01c00000, {0xe12decc5da551f23, 0x435169fe0b8e92da, 0xc78b7ee1b8c3d8dc}, {0xe12decc53e000000, 0x435169fe0b8e92da, 0xc78b7ee1b8c3d8dc}, 0x01c00000},  // vmov.f32 s0, #0.125
    {0xeeb40a00, 0x00800000, {0x3481375c91d81be4, 0x0f7e372c8d0b107d, 0x79c450bf74d81400}, {0x3481375c3e000000, 0x0f7e372c8d0b107d, 0x79c450bf74d81400}, 0x00800000},  // vmov.f32 s0, #0.125
    {0xeeb40a00, 0x02400000, {0x808000000c062795, 0x91756984354c89c7, 0xc6facb872c2ba046}, {0x808000003e000000, 0x91756984354c89c7, 0xc6facb872c2ba046}, 0x02400000},  // vmov.f32 s0, #0.125
    {0xeeb40a00, 0x03c00000, {0x7048f59efc411d67, 0x09166713686659f0, 0x9f7d24c9cb6890ed}, {0x7048f59e3e000000, 0x09166713686659f0, 0x9f7d24c9cb6890ed}, 0x03c00000},  // vmov.f32 s0, #0.125
    {0xeeb40b00, 0x03400000, {0x025bb8aeab652c17, 0x8010000000000000, 0x82ad43ca4d26568c}, {0x3fc0000000000000, 0x8010000000000000, 0x82ad43ca4d26568c}, 0x03400000},  // vmov.f64 d0, #0.125
    {0xeeb40b00, 0x00800000, {0x8419c320e078da55, 0x82bae346cddbe050, 0x7bc8cc542c8dce2a}, {0x3fc0000000000000, 0x82bae346cddbe050, 0x7bc8cc542c8dce2a}, 0x00800000},  // vmov.f64 d0, #0.125
    {0xeeb40b00, 0x02800000, {0xc02d0bdad4ad1f55, 0x369000001fffffff, 0x32cff3afbea8c08a}, {0x3fc0000000000000, 0x369000001fffffff, 0x32cff3afbea8c08a}, 0x02800000},  // vmov.f64 d0, #0.125
    {0xeeb40b00, 0x01000000, {0x0000000000000000, 0x025dc40b41cf4bba, 0xbff0000000000000}, {0x3fc0000000000000, 0x025dc40b41cf4bba, 0xbff0000000000000}, 0x01000000},  // vmov.f64 d0, #0.125
    {0xeeb30a0f, 0x02000000, {0x8a542edea676e00b, 0xe4b5928d066ee832, 0x103813f1bd7a1c53}, {0x8a542ede41f80000, 0xe4b5928d066ee832, 0x103813f1bd7a1c53}, 0x02000000},  // vmov.f32 s0, #31.0
    {0xeeb30a0f, 0x00000000, {0x38b2d1b638800000, 0xe4e56855ff800123, 0x43529dd55b35d15b}, {0x38b2d1b641f80000, 0xe4e56855ff800123, 0x43529dd55b35d15b}, 0x00000000},  // vmov.f32 s0, #31.0
    {0xeeb30a0f, 0x03c00000, {0x88007b4e80000001, 0x27dd18ff862e5184, 0x018c98cb73cc14d3}, {0x88007b4e41f80000, 0x27dd18ff862e5184, 0x018c98cb73cc14d3}, 0x03c00000},  // vmov.f32 s0, #31.0
    {0xeeb30a0f, 0x01000000, {0x33000000ff800000, 0xdb8edd233181c3d2, 0x8902d3597b0fced3}, {0x3300000041f80000, 0xdb8edd233181c3d2, 0x8902d3597b0fced3}, 0x01000000},  // vmov.f32 s0, #31.0
    {0xeeb30b0f, 0x01400000, {0x48bd2bf5aa514830, 0x00e994a216afcc34, 0x3ff8000000000000}, {0x403f000000000000, 0x00e994a216afcc34, 0x3ff8000000000000}, 0x01400000},  // vmov.f64 d0, #31.0
    {0xeeb30b0f, 0x00800000, {0x42f6baa17f8605b9, 0x41dfffffffc00000, 0xc473b7a5bdb8804e}, {0x403f000000000000, 0x41dfffffffc00000, 0xc473b7a5bdb8804e}, 0x00800000},  // vmov.f64 d0, #31.0
    {0xeeb30b0f, 0x02800000, {0x0097c19d4f8a6645, 0x6ab201e8b4170034, 0x6d96361b1752d75a}, {0x403f000000000000, 0x6ab201e8b4170034, 0x6d96361b1752d75a}, 0x02800000},  // vmov.f64 d0, #31.0
    {0xeeb30b0f, 0x03800000, {0x448a91fd13b84819, 0x01ae1d2e4b7dedaf, 0x41e0000000000000}, {0x403f000000000000, 0x01ae1d2e4b7dedaf, 0x41e0000000000000}, 0x03800000},  // vmov.f64 d0, #31.0
    {0xeebc0a08, 0x00400000, {0x0ca7cb7701e0c687, 0x1612bafa8973eff5, 0x7f556d3dee2c533d}, {0x0ca7cb77be400000, 0x1612bafa8973eff5, 0x7f556d3dee2c533d}, 0x00400000},  // vmov.f32 s0, #-0.1875
    {0xeebc0a08, 0x02000000, {0x86c2989380415a52, 0x43e4c23209b5785b, 0x3191ecfad2321dbc}, {0x86c29893be400000, 0x43e4c23209b5785b, 0x3191ecfad2321dbc}, 0x02000000},  // vmov.f32 s0, #-0.1875
    {0xeebc0a08, 0x03c00000, {0xcf000000578389d5, 0x46c82aa8266fd53c, 0x6c59ca2ce0ab9f69}, {0xcf000000be400000, 0x46c82aa8266fd53c, 0x6c59ca2ce0ab9f69}, 0x03c00000},  // vmov.f32 s0, #-0.1875
    {0xeebc0a08, 0x01800000, {0x048f2ca1fc8b4315, 0x731c50c37fa00000, 0x5ea5ecd0112fe0a7}, {0x048f2ca1be400000, 0x731c50c37fa00000, 0x5ea5ecd0112fe0a7}, 0x01800000},  // vmov.f32 s0, #-0.1875
    {0xeebc0b08, 0x02800000, {0x86952b185c3c3252, 0x5ed050af7c728b97, 0x007e12f7cf920b59}, {0xbfc8000000000000, 0x5ed050af7c728b97, 0x007e12f7cf920b59}, 0x02800000},  // vmov.f64 d0, #-0.1875
    {0xeebc0b08, 0x00800000, {0xbfa854aa9c14e692, 0x7ff8000000000000, 0xfce179fdf143ea75}, {0xbfc8000000000000, 0x7ff8000000000000, 0xfce179fdf143ea75}, 0x00800000},  // vmov.f64 d0, #-0.1875
    {0xeebc0b08, 0x03800000, {0x2e58e3fe01317a5f, 0x815074ca211cb84a, 0x7ff8000000000123}, {0xbfc8000000000000, 0x815074ca211cb84a, 0x7ff8000000000123}, 0x03800000},  // vmov.f64 d0, #-0.1875
    {0xeebc0b08, 0x01400000, {0x714ecd2ef95e68d5, 0x6fcb329ed8e0f7a7, 0x7237a79603ca46fa}, {0xbfc8000000000000, 0x6fcb329ed8e0f7a7, 0x7237a79603ca46fa}, 0x01400000},  // vmov.f64 d0, #-0.1875
    {0xeeb70a0f, 0x03000000, {0xac2efd21c0200000, 0x74eda3fc8db315a3, 0x402fc21865446176}, {0xac2efd213ff80000, 0x74eda3fc8db315a3, 0x402fc21865446176}, 0x03000000},  // vmov.f32 s0, #1.9375
    {0xeeb70a0f, 0x01800000, {0x388000003f7fffff, 0xf3632ab1d01bf916, 0x70108900b0420aaf}, {0x388000003ff80000, 0xf3632ab1d01bf916, 0x70108900b0420aaf}, 0x01800000},  // vmov.f32 s0, #1.9375
    {0xeeb70a0f, 0x02c00000, {0x6aa3287b48600000, 0x80e5964104da6f11, 0xd1aa22d4d07b9c41}, {0x6aa3287b3ff80000, 0x80e5964104da6f11, 0xd1aa22d4d07b9c41}, 0x02c00000},  // vmov.f32 s0, #1.9375
    {0xeeb70a0f, 0x00800000, {0x3814b213363f01d6, 0x937f8879aeeab5b9, 0xacf52de541cd714c}, {0x3814b2133ff80000, 0x937f8879aeeab5b9, 0xacf52de541cd714c}, 0x00800000},  // vmov.f32 s0, #1.9375
    {0xeeb70b0f, 0x01000000, {0xfea06df29c3620d1, 0x02b232d1ecc2bb06, 0x7ff8000000000123}, {0x3fff000000000000, 0x02b232d1ecc2bb06, 0x7ff8000000000123}, 0x01000000},  // vmov.f64 d0, #1.9375
    {0xeeb70b0f, 0x00400000, {0x47dfffffffffffff, 0x823b00f750394445, 0xbe5672c6731007a9}, {0x3fff000000000000, 0x823b00f750394445, 0xbe5672c6731007a9}, 0x00400000},  // vmov.f64 d0, #1.9375
    {0xeeb70b0f, 0x02c00000, {0x807f23e66240dbb3, 0x804b5ebdba5aa98e, 0xb80fffffffffffff}, {0x3fff000000000000, 0x804b5ebdba5aa98e, 0xb80fffffffffffff}, 0x02c00000},  // vmov.f64 d0, #1.9375
    {0xeeb70b0f, 0x03400000, {0xd0768ca4a5534748, 0x008d460b304bce21, 0xd2ae329793a06037}, {0x3fff000000000000, 0x008d460b304bce21, 0xd2ae329793a06037}, 0x03400000},  // vmov.f64 d0, #1.9375
};

TEST_F(VfpTest, GoldenResultsFromQemuCortexA15)
{
    for (const Golden& g : kGolden) {
        st = VfpState{};
        st.fpexc = kEn;
        for (int i = 0; i < 3; ++i) st.d[i] = g.in[i];
        st.fpscr = g.fpscr_in;
        ASSERT_EQ(exec(g.insn), VfpResult::Done) << std::hex << g.insn;
        for (int i = 0; i < 3; ++i)
            EXPECT_EQ(st.d[i], g.out[i]) << std::hex << "insn " << g.insn << " fpscr " << g.fpscr_in << " d" << i;
        EXPECT_EQ(st.fpscr, g.fpscr_out) << std::hex << "insn " << g.insn << " fpscr " << g.fpscr_in;
    }
    EXPECT_GE(sizeof kGolden / sizeof kGolden[0], 400u);
}

}  // namespace
