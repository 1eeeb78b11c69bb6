// Instruction decoding: prefixes, the one-byte and 0F opcode maps, ModRM/SIB and immediates.
#include "decode.h"
#include "sse.h"

#include <array>

namespace emu::x86 {
namespace {

// Immediate kinds.
enum Imm : std::uint8_t {
    kNone, kIb, kIbs, kIz, kIw, kIwIb, kFarPtr, kMoffs, kGrp3,
};

struct OpInfo {
    Handler handler = h_ud;
    bool modrm = false;
    Imm imm = kNone;
    bool lockable = false;  // LOCK allowed with a memory destination (groups refine by reg)
    bool sequential = false;  // Insn::seq: may continue a block (see build_map)
    bool d64 = false;  // 64-bit mode: operand size 64 by default (66 gives 16; 32 impossible)
};

using Map = std::array<OpInfo, 512>;

constexpr void set(Map& m, unsigned op, Handler h, bool modrm = false, Imm imm = kNone, bool lockable = false) {
    m[op] = OpInfo{h, modrm, imm, lockable};
}

constexpr void range(Map& m, unsigned first, unsigned last, Handler h, bool modrm = false, Imm imm = kNone) {
    for (unsigned op = first; op <= last; ++op) set(m, op, h, modrm, imm);
}

constexpr Map build_map() {
    Map m{};
    // ALU: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,ib / eAX,iz.
    for (unsigned op = 0; op < 8; ++op) {
        const unsigned b = op * 8;
        const bool lk = op != 7;
        set(m, b + 0, h_alu, true, kNone, lk);
        set(m, b + 1, h_alu, true, kNone, lk);
        set(m, b + 2, h_alu, true);
        set(m, b + 3, h_alu, true);
        set(m, b + 4, h_alu, false, kIb);
        set(m, b + 5, h_alu, false, kIz);
    }
    set(m, 0x06, h_push_sreg); set(m, 0x07, h_pop_sreg);
    set(m, 0x0E, h_push_sreg);
    set(m, 0x16, h_push_sreg); set(m, 0x17, h_pop_sreg);
    set(m, 0x1E, h_push_sreg); set(m, 0x1F, h_pop_sreg);
    set(m, 0x27, h_bcd); set(m, 0x2F, h_bcd); set(m, 0x37, h_bcd); set(m, 0x3F, h_bcd);
    range(m, 0x40, 0x4F, h_incdec_reg);
    range(m, 0x50, 0x57, h_push_reg);
    range(m, 0x58, 0x5F, h_pop_reg);
    set(m, 0x60, h_pusha); set(m, 0x61, h_popa);
    set(m, 0x62, h_bound, true);
    set(m, 0x63, h_arpl, true);
    set(m, 0x68, h_push_imm, false, kIz);
    set(m, 0x69, h_imul_imm, true, kIz);
    set(m, 0x6A, h_push_imm, false, kIbs);
    set(m, 0x6B, h_imul_imm, true, kIbs);
    range(m, 0x6C, 0x6F, h_string);
    range(m, 0x70, 0x7F, h_jcc, false, kIbs);
    set(m, 0x80, h_grp1, true, kIb, true);
    set(m, 0x81, h_grp1, true, kIz, true);
    set(m, 0x82, h_grp1, true, kIb, true);
    set(m, 0x83, h_grp1, true, kIbs, true);
    set(m, 0x84, h_test, true); set(m, 0x85, h_test, true);
    set(m, 0x86, h_xchg, true, kNone, true); set(m, 0x87, h_xchg, true, kNone, true);
    range(m, 0x88, 0x8B, h_mov, true);
    set(m, 0x8C, h_mov_sreg, true);
    set(m, 0x8D, h_lea, true);
    set(m, 0x8E, h_mov_sreg, true);
    set(m, 0x8F, h_pop_rm, true);
    set(m, 0x90, h_nop);
    range(m, 0x91, 0x97, h_xchg_eax);
    set(m, 0x98, h_cbw_cwd); set(m, 0x99, h_cbw_cwd);
    set(m, 0x9A, h_far_ptr, false, kFarPtr);
    set(m, 0x9B, h_fwait);
    set(m, 0x9C, h_pushf); set(m, 0x9D, h_popf);
    set(m, 0x9E, h_sahf); set(m, 0x9F, h_lahf);
    range(m, 0xA0, 0xA3, h_mov_moffs, false, kMoffs);
    range(m, 0xA4, 0xA7, h_string);
    set(m, 0xA8, h_test, false, kIb); set(m, 0xA9, h_test, false, kIz);
    range(m, 0xAA, 0xAF, h_string);
    range(m, 0xB0, 0xB7, h_mov_imm, false, kIb);
    range(m, 0xB8, 0xBF, h_mov_imm, false, kIz);
    set(m, 0xC0, h_shift, true, kIb); set(m, 0xC1, h_shift, true, kIb);
    set(m, 0xC2, h_ret_near, false, kIw); set(m, 0xC3, h_ret_near);
    set(m, 0xC4, h_load_far, true); set(m, 0xC5, h_load_far, true);
    set(m, 0xC6, h_mov_imm, true, kIb); set(m, 0xC7, h_mov_imm, true, kIz);
    set(m, 0xC8, h_enter, false, kIwIb); set(m, 0xC9, h_leave);
    set(m, 0xCA, h_retf, false, kIw); set(m, 0xCB, h_retf);
    set(m, 0xCC, h_int_n); set(m, 0xCD, h_int_n, false, kIb); set(m, 0xCE, h_int_n);
    set(m, 0xCF, h_iret);
    range(m, 0xD0, 0xD3, h_shift, true);
    set(m, 0xD4, h_bcd, false, kIb); set(m, 0xD5, h_bcd, false, kIb);
    set(m, 0xD6, h_salc);
    set(m, 0xD7, h_xlat);
    range(m, 0xD8, 0xDF, h_fpu, true);
    range(m, 0xE0, 0xE3, h_loop, false, kIbs);
    range(m, 0xE4, 0xE7, h_inout, false, kIb);
    set(m, 0xE8, h_call_rel, false, kIz);
    set(m, 0xE9, h_jmp_rel, false, kIz);
    set(m, 0xEA, h_far_ptr, false, kFarPtr);
    set(m, 0xEB, h_jmp_rel, false, kIbs);
    range(m, 0xEC, 0xEF, h_inout);
    set(m, 0xF1, h_int_n);
    set(m, 0xF4, h_hlt);
    set(m, 0xF5, h_flagop);
    set(m, 0xF6, h_grp3, true, kGrp3, true); set(m, 0xF7, h_grp3, true, kGrp3, true);
    range(m, 0xF8, 0xFD, h_flagop);
    set(m, 0xFE, h_grp4, true, kNone, true);
    set(m, 0xFF, h_grp5, true, kNone, true);

    // The 0F map.
    set(m, 0x100, h_grp6, true);
    set(m, 0x101, h_grp7, true);
    set(m, 0x102, h_lar_lsl, true); set(m, 0x103, h_lar_lsl, true);
    set(m, 0x105, h_syscall); set(m, 0x106, h_clts); set(m, 0x107, h_sysret);
    set(m, 0x108, h_invd); set(m, 0x109, h_invd);
    set(m, 0x10B, h_ud2);
    range(m, 0x118, 0x11F, h_nop, true);  // hint NOPs (0F 1F /0 is the multi-byte NOP)
    set(m, 0x120, h_mov_cr, true); set(m, 0x122, h_mov_cr, true);
    set(m, 0x121, h_mov_dr, true); set(m, 0x123, h_mov_dr, true);
    set(m, 0x130, h_wrmsr); set(m, 0x131, h_rdtsc); set(m, 0x132, h_rdmsr); set(m, 0x133, h_rdpmc);
    set(m, 0x134, h_sysenter); set(m, 0x135, h_sysexit);
    range(m, 0x140, 0x14F, h_cmov, true);
    range(m, 0x180, 0x18F, h_jcc, false, kIz);
    range(m, 0x190, 0x19F, h_setcc, true);
    set(m, 0x1A0, h_push_sreg); set(m, 0x1A1, h_pop_sreg);
    set(m, 0x1A2, h_cpuid);
    set(m, 0x1A3, h_bt, true);
    set(m, 0x1A4, h_shiftd, true, kIb); set(m, 0x1A5, h_shiftd, true);
    set(m, 0x1A8, h_push_sreg); set(m, 0x1A9, h_pop_sreg);
    set(m, 0x1AB, h_bt, true, kNone, true);
    set(m, 0x1AC, h_shiftd, true, kIb); set(m, 0x1AD, h_shiftd, true);
    set(m, 0x1AE, h_grp15, true);
    set(m, 0x1AF, h_imul_rm, true);
    set(m, 0x1B0, h_cmpxchg, true, kNone, true); set(m, 0x1B1, h_cmpxchg, true, kNone, true);
    set(m, 0x1B2, h_load_far, true);
    set(m, 0x1B3, h_bt, true, kNone, true);
    set(m, 0x1B4, h_load_far, true); set(m, 0x1B5, h_load_far, true);
    set(m, 0x1B6, h_movzx_movsx, true); set(m, 0x1B7, h_movzx_movsx, true);
    set(m, 0x1BA, h_bt, true, kIb, true);
    set(m, 0x1BB, h_bt, true, kNone, true);
    set(m, 0x1BC, h_bsf_bsr, true); set(m, 0x1BD, h_bsf_bsr, true);
    set(m, 0x1BE, h_movzx_movsx, true); set(m, 0x1BF, h_movzx_movsx, true);
    set(m, 0x1C0, h_xadd, true, kNone, true); set(m, 0x1C1, h_xadd, true, kNone, true);
    set(m, 0x1C7, h_grp9, true, kNone, true);
    range(m, 0x1C8, 0x1CF, h_bswap);

    // SSE/SSE2 (sse.cpp): the mandatory prefix (none/66/F3/F2) selects the instruction inside
    // the handler. They fall through and change no mode, so a decoded block may continue.
    {
        auto sse = [&m](unsigned first, unsigned last, Handler h, Imm imm = kNone) {
            for (unsigned op = first; op <= last; ++op) {
                set(m, op, h, true, imm);
                m[op].sequential = true;
            }
        };
        sse(0x110, 0x113, h_sse_move); sse(0x116, 0x117, h_sse_move);
        sse(0x128, 0x129, h_sse_move); sse(0x12B, 0x12B, h_sse_move);
        sse(0x150, 0x150, h_sse_move); sse(0x16E, 0x16F, h_sse_move); sse(0x17E, 0x17F, h_sse_move);
        sse(0x1C3, 0x1C3, h_sse_move); sse(0x1C4, 0x1C5, h_sse_move, kIb);
        sse(0x1D6, 0x1D7, h_sse_move); sse(0x1E7, 0x1E7, h_sse_move); sse(0x1F7, 0x1F7, h_sse_move);
        sse(0x114, 0x115, h_sse_float); sse(0x12E, 0x12F, h_sse_float); sse(0x151, 0x153, h_sse_float);
        sse(0x158, 0x159, h_sse_float); sse(0x15C, 0x15F, h_sse_float);
        sse(0x1C2, 0x1C2, h_sse_float, kIb); sse(0x1C6, 0x1C6, h_sse_float, kIb);
        sse(0x12A, 0x12A, h_sse_convert); sse(0x12C, 0x12D, h_sse_convert);
        sse(0x15A, 0x15B, h_sse_convert); sse(0x1E6, 0x1E6, h_sse_convert);
        sse(0x154, 0x157, h_sse_int); sse(0x160, 0x16D, h_sse_int); sse(0x170, 0x173, h_sse_int, kIb);
        sse(0x174, 0x176, h_sse_int); sse(0x1D1, 0x1D5, h_sse_int); sse(0x1D8, 0x1E5, h_sse_int);
        sse(0x1E8, 0x1EF, h_sse_int); sse(0x1F1, 0x1F6, h_sse_int); sse(0x1F8, 0x1FE, h_sse_int);
        set(m, 0x177, h_sse_int);  // EMMS (no ModRM)
        m[0x177].sequential = true;
    }

    // Instructions a decoded block may continue after: they fall through to the next
    // instruction and change no mode, segment, IF/TF, control register or halt state (the
    // block runner still ends a block whenever rip is not the next instruction's).
    for (Handler h : {h_alu, h_grp1, h_incdec_reg, h_test, h_grp3, h_grp4, h_shift, h_shiftd,
                      h_imul_rm, h_imul_imm, h_bt, h_bsf_bsr, h_setcc, h_cmov, h_xadd, h_cmpxchg,
                      h_grp9, h_cbw_cwd, h_mov, h_mov_imm, h_mov_moffs, h_movzx_movsx, h_xchg,
                      h_xchg_eax, h_lea, h_bswap, h_push_reg, h_pop_reg, h_push_imm, h_pop_rm,
                      h_enter, h_leave, h_lahf, h_sahf, h_nop, h_bcd, h_salc, h_xlat, h_pusha,
                      h_popa})
        for (OpInfo& info : m)
            if (info.handler == h) info.sequential = true;
    // 64-bit mode: near branches and stack operations default to 64-bit operands (FF /2 /4 /6
    // are decided by ModRM.reg in decode()).
    for (unsigned op = 0x50; op <= 0x5F; ++op) m[op].d64 = true;
    for (unsigned op = 0x70; op <= 0x7F; ++op) m[op].d64 = true;
    for (unsigned op = 0x180; op <= 0x18F; ++op) m[op].d64 = true;
    for (unsigned op : {0x68u, 0x6Au, 0x8Fu, 0x9Cu, 0x9Du, 0xC2u, 0xC3u, 0xC8u, 0xC9u, 0xE0u, 0xE1u, 0xE2u,
                        0xE3u, 0xE8u, 0xE9u, 0xEBu, 0x1A0u, 0x1A1u, 0x1A8u, 0x1A9u})
        m[op].d64 = true;
    return m;
}

constinit const Map kMap = build_map();

// LOCK with a group opcode: only some of the group's operations may be locked.
bool lock_allowed(unsigned opcode, unsigned reg) {
    switch (opcode) {
    case 0x80: case 0x81: case 0x82: case 0x83: return reg != 7;      // not CMP
    case 0xF6: case 0xF7: return reg == 2 || reg == 3;                  // NOT, NEG
    case 0xFE: case 0xFF: return reg <= 1;                              // INC, DEC
    case 0x1BA: return reg >= 5;                                        // BTS, BTR, BTC
    case 0x1C7: return reg == 1;                                        // CMPXCHG8B
    default: return true;
    }
}

constexpr std::array<bool, 256> build_prefixes() {
    std::array<bool, 256> p{};
    for (unsigned b : {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}) p[b] = true;
    return p;
}
constexpr std::array<bool, 256> kIsPrefix = build_prefixes();

// 64-bit mode: 40-4F are REX prefixes.
constexpr std::array<bool, 256> build_prefixes64() {
    std::array<bool, 256> p = build_prefixes();
    for (unsigned b = 0x40; b <= 0x4F; ++b) p[b] = true;
    return p;
}
constexpr std::array<bool, 256> kIsPrefix64 = build_prefixes64();

// One-byte opcodes that are invalid in 64-bit mode (#UD): PUSH/POP of ES CS SS DS, the BCD
// adjustments, PUSHA/POPA, BOUND, 82, far CALL/JMP ptr, LES/LDS (VEX, not implemented), INTO,
// SALC. 63 becomes MOVSXD and 40-4F are REX.
constexpr std::array<bool, 256> build_invalid64() {
    std::array<bool, 256> p{};
    for (unsigned b : {0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F, 0x60, 0x61, 0x62,
                       0x82, 0x9A, 0xC4, 0xC5, 0xCE, 0xD4, 0xD5, 0xD6, 0xEA})
        p[b] = true;
    return p;
}
constexpr std::array<bool, 256> kInvalid64 = build_invalid64();

// Opcodes whose ModRM.reg is an opcode extension (/digit) or a segment register: REX.R does not
// extend it.
constexpr std::array<bool, 512> build_raw_reg() {
    std::array<bool, 512> p{};
    for (unsigned op : {0x80u, 0x81u, 0x82u, 0x83u, 0x8Cu, 0x8Eu, 0x8Fu, 0xC0u, 0xC1u, 0xC6u, 0xC7u, 0xD0u,
                        0xD1u, 0xD2u, 0xD3u, 0xF6u, 0xF7u, 0xFEu, 0xFFu, 0x100u, 0x101u, 0x118u, 0x171u, 0x172u,
                        0x173u, 0x1AEu, 0x1BAu, 0x1C7u})
        p[op] = true;
    return p;
}
constexpr std::array<bool, 512> kRawReg = build_raw_reg();

// The 16-bit addressing forms: base and index register of ModRM.rm.
constexpr std::uint8_t kBase16[8] = {kEbx, kEbx, kEbp, kEbp, kNoReg, kNoReg, kEbp, kEbx};
constexpr std::uint8_t kIndex16[8] = {kEsi, kEdi, kEsi, kEdi, kEsi, kEdi, kNoReg, kNoReg};

// Byte n of an instruction that leaves the fetch window (page or limit crossing, MMIO code,
// or the 16th byte: #GP(0)).
[[gnu::noinline]] std::uint8_t fetch_outside_window(Cpu& c, std::uint64_t linear, unsigned n) {
    if (n >= 15) c.raise(vec::GP, 0);
    return c.fetch8(linear);
}

}  // namespace

void decode(Cpu& c, Insn& d) {
    // 64-bit mode: CS.base is 0, RIP is 64 bits and there is no limit (the fetch path checks
    // canonical addresses); otherwise EIP/IP wrap at 4 GiB / 64 KiB.
    const bool mode64 = c.code64();
    const bool code32 = c.code32();
    const std::uint64_t cs_base = mode64 ? 0 : c.seg[CS].base;
    const std::uint64_t ip_mask = mode64 ? ~0ull : code32 ? 0xFFFFFFFFull : 0xFFFFull;
    const std::uint64_t ip = c.rip & ip_mask;
    unsigned n = 0;
    // The instruction's bytes (at most 15): straight from the code page's host memory while
    // they lie in the fetch window (same page, inside the CS limit), else through fetch8().
    unsigned available = 0;
    const std::uint8_t* window = c.fetch_window(cs_base + ip, available);
    if (!code32 && !mode64 && available > 0x10000 - ip) available = static_cast<unsigned>(0x10000 - ip);  // IP wraps at 64 KiB
    if (available > 15) available = 15;
    auto fetch = [&]() __attribute__((always_inline)) -> std::uint8_t {
        if (n < available) [[likely]] return window[n++];
        const unsigned k = n++;
        return fetch_outside_window(c, cs_base + ((ip + k) & ip_mask), k);
    };
    auto fetch16 = [&]() __attribute__((always_inline)) -> std::uint32_t {
        const std::uint32_t lo = fetch();
        return lo | (static_cast<std::uint32_t>(fetch()) << 8);
    };
    auto fetch32 = [&]() __attribute__((always_inline)) -> std::uint32_t {
        const std::uint32_t lo = fetch16();
        return lo | (fetch16() << 16);
    };

    bool opsize = false, adsize = false;
    int seg_override = -1;
    std::uint8_t rex = 0;  // REX counts only as the last prefix before the opcode
    const std::array<bool, 256>& prefixes = mode64 ? kIsPrefix64 : kIsPrefix;
    std::uint8_t b;
    for (;;) {
        b = fetch();
        if (!prefixes[b]) [[likely]]
            break;
        if ((b & 0xF0) == 0x40) {  // REX (only in the 64-bit table)
            rex = b;
            continue;
        }
        rex = 0;
        switch (b) {
        case 0x26: seg_override = ES; continue;
        case 0x2E: seg_override = CS; continue;
        case 0x36: seg_override = SS; continue;
        case 0x3E: seg_override = DS; continue;
        case 0x64: seg_override = FS; continue;
        case 0x65: seg_override = GS; continue;
        case 0x66: opsize = true; d.opsize_prefix = true; continue;
        case 0x67: adsize = true; continue;
        case 0xF0: d.lock = true; continue;
        case 0xF2: case 0xF3: d.rep = b; continue;
        default: break;
        }
        break;
    }
    if (mode64) [[unlikely]] {
        // REX.W wins over 66; the default address size is 64 bits (67: 32).
        d.rex = rex;
        d.op64 = rex & 8;
        d.op32 = d.op64 || !opsize;
        d.asize = adsize ? 4 : 8;
        d.addr32 = true;
        d.long_ea = !adsize;
    } else {
        d.op32 = code32 != opsize;
        d.addr32 = code32 != adsize;
        d.asize = d.addr32 ? 4 : 2;
    }
    unsigned opcode = b;
    if (b == 0x0F) opcode = 0x100 | fetch();
    d.opcode = static_cast<std::uint16_t>(opcode);
    const OpInfo& info = kMap[opcode];
    d.handler = info.handler;
    d.seg = DS;
    if (mode64) [[unlikely]] {
        if (opcode < 0x100 && kInvalid64[opcode]) d.handler = h_ud;
        if (opcode == 0x63) d.handler = h_movsxd;
        if (opcode == 0x90 && (rex & 1)) d.handler = h_xchg_eax;  // XCHG R8, RAX (not NOP)
        if (info.d64 && !(opsize && !(rex & 8))) d.op64 = d.op32 = true;
    }

    if (info.modrm) {
        const std::uint8_t modrm = fetch();
        d.modrm = modrm;
        d.mod = modrm >> 6;
        d.reg = static_cast<std::uint8_t>(((modrm >> 3) & 7) | (kRawReg[opcode] ? 0 : (rex & 4) << 1));
        d.rm = static_cast<std::uint8_t>((modrm & 7) | ((rex & 1) << 3));
        // FF /2 /4 /6 (near CALL/JMP, PUSH) default to 64-bit operands in 64-bit mode.
        if (mode64 && opcode == 0xFF && (d.reg == 2 || d.reg == 4 || d.reg == 6) && !(opsize && !(rex & 8)))
            d.op64 = d.op32 = true;
        // MOV to/from CRn/DRn (0F 20-23) always name a register: mod is ignored (SDM vol. 2).
        if ((opcode & ~3u) == 0x120) d.mod = 3;
        if (d.mod != 3) {
            if (d.addr32) {
                unsigned base = modrm & 7;
                if (base == 4) {
                    const std::uint8_t sib = fetch();
                    d.scale = sib >> 6;
                    const unsigned index = ((sib >> 3) & 7) | ((rex & 2) << 2);
                    if (index != 4) d.index = static_cast<std::uint8_t>(index);
                    base = sib & 7;
                    if (base == 5 && d.mod == 0) {
                        d.disp = fetch32();
                        base = kNoReg;
                    }
                } else if (base == 5 && d.mod == 0) {
                    d.disp = fetch32();
                    base = kNoReg;
                    if (mode64) {  // RIP-relative
                        d.base = kRipBase;
                        d.long_ea = true;
                    }
                }
                if (base != kNoReg) {
                    base |= (rex & 1) << 3;
                    d.base = static_cast<std::uint8_t>(base);
                    if (base == kEsp || base == kEbp) d.seg = SS;
                }
                if (d.mod == 1)
                    d.disp = static_cast<std::uint32_t>(static_cast<std::int8_t>(fetch()));
                else if (d.mod == 2)
                    d.disp = fetch32();
            } else {
                if (d.mod == 0 && d.rm == 6) {
                    d.disp = fetch16();
                } else {
                    d.base = kBase16[d.rm];
                    d.index = kIndex16[d.rm];
                    if (d.base == kEbp) d.seg = SS;
                }
                if (d.mod == 1)
                    d.disp = static_cast<std::uint32_t>(static_cast<std::int8_t>(fetch()));
                else if (d.mod == 2)
                    d.disp = fetch16();
            }
        }
    } else {
        // The opcodes that name a register in their low three bits (REX.B extends it).
        d.rm = static_cast<std::uint8_t>((opcode & 7) | ((rex & 1) << 3));
    }
    if (seg_override >= 0) {
        d.seg = static_cast<std::uint8_t>(seg_override);
        d.seg_override = true;
    }

    switch (info.imm) {
    case kNone: break;
    case kIb: d.imm = fetch(); break;
    case kIbs: d.imm = static_cast<std::uint32_t>(static_cast<std::int8_t>(fetch())); break;
    case kIz:
        if (d.op64 && (opcode & 0xF8) == 0xB8) {  // MOV r64, imm64: the high half in disp
            d.imm = fetch32();
            d.disp = fetch32();
        } else {
            d.imm = d.op32 ? fetch32() : fetch16();
        }
        break;
    case kIw: d.imm = fetch16(); break;
    case kIwIb: d.imm = fetch16(); d.disp = fetch(); break;
    case kFarPtr: d.imm = d.op32 ? fetch32() : fetch16(); d.disp = fetch16(); break;
    case kMoffs:
        if (d.asize == 8) {  // a 64-bit offset: the high half in imm
            d.disp = fetch32();
            d.imm = fetch32();
        } else {
            d.disp = d.addr32 ? fetch32() : fetch16();
        }
        break;
    case kGrp3:
        if ((d.modrm & 0x30) == 0) d.imm = (opcode & 1) ? (d.op32 ? fetch32() : fetch16()) : fetch();
        break;
    }
    d.len = static_cast<std::uint8_t>(n);

    if (d.lock && (!info.lockable || d.mod == 3 || !lock_allowed(opcode, (d.modrm >> 3) & 7u))) c.raise(vec::UD);
    d.seq = info.sequential || d.handler == h_movsxd;
    if (Handler h = specialize(d, mode64)) d.handler = h;
    // LOCK, and XCHG with memory (locked without the prefix): atomic against other vCPUs.
    if (d.lock || ((opcode == 0x86 || opcode == 0x87) && d.mod != 3)) d.handler = h_locked;
}

Handler base_handler(unsigned opcode) { return kMap[opcode].handler; }

void h_ud(Cpu& c, const Insn&) { c.raise(vec::UD); }
void h_ud2(Cpu& c, const Insn&) { c.raise(vec::UD); }

}  // namespace emu::x86
