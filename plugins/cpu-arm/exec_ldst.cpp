// Single loads/stores (word, byte, halfword, signed, unprivileged), LDRD/STRD, exclusives
// (local monitor; the store is a host compare-and-swap against the value LDREX saw, so it is
// also correct between CPU threads), SWP/SWPB.
#include <array>
#include <cstdint>

#include "cpu.h"
#include "exec_util.h"
#include "jit.h"

namespace emu::arm {
namespace {

using u32 = std::uint32_t;

template <unsigned SIZE>
struct SizeType;
template <> struct SizeType<1> { using T = std::uint8_t; using S = std::int8_t; };
template <> struct SizeType<2> { using T = std::uint16_t; using S = std::int16_t; };
template <> struct SizeType<4> { using T = std::uint32_t; using S = std::int32_t; };

inline u32 offset_of(const Cpu& c, const Insn& in, bool reg) {
    if (!reg) return in.imm;
    u32 off = shift_imm(c.r[in.rm], in.shift, in.shamt, c.CF);
    return (in.flags & kLsU) ? off : 0u - off;
}

// MODE: 0 offset, 1 pre-indexed with writeback, 2 post-indexed. Immediate offsets are stored
// already negated when U = 0. The handler is the TLB fast path only, with no stack frame; a
// miss tail-calls ldst_slow (alignment, MMIO, code pages, faults).
template <unsigned SIZE, bool SIGN, bool LOAD, int MODE, bool REG>
[[gnu::noinline]] int ldst_slow(Cpu& c, const Insn& in, u32 addr) {
    using S = typename SizeType<SIZE>::S;
    const u32 base = c.r[in.rn];
    const u32 off = offset_of(c, in, REG);
    if constexpr (LOAD) {
        std::uint64_t v = 0;
        if (ARM_UNLIKELY(c.read_slow(addr, SIZE, v, c.priv, 0))) return c.raise_data_abort(in);
        if constexpr (MODE != 0) c.r[in.rn] = base + off;
        c.r[in.rd] = SIGN ? static_cast<u32>(static_cast<S>(v)) : static_cast<u32>(v);
        return kCont;
    } else {
        int r = c.write_slow(addr, SIZE, c.r[in.rd] & (SIZE == 4 ? ~0u : (1u << (8 * SIZE)) - 1), c.priv, 0);
        if (ARM_UNLIKELY(r == kMemFault)) return c.raise_data_abort(in);
        if constexpr (MODE != 0) c.r[in.rn] = base + off;
        return r == kMemCodeHit ? kExitNext : kCont;
    }
}

template <unsigned SIZE, bool SIGN, bool LOAD, int MODE, bool REG>
int ldst(Cpu& c, const Insn& in) {
    using T = typename SizeType<SIZE>::T;
    using S = typename SizeType<SIZE>::S;
    const u32 base = c.r[in.rn];
    const u32 off = offset_of(c, in, REG);
    const u32 addr = MODE == 2 ? base : base + off;
    const TlbEntry& e = c.tlb[c.priv][LOAD ? kAccRead : kAccWrite][(addr >> 12) & (kTlbSize - 1)];
    if (ARM_UNLIKELY(e.tag != (addr & (kPageMask | (SIZE - 1)))))
        return ldst_slow<SIZE, SIGN, LOAD, MODE, REG>(c, in, addr);
    void* host = reinterpret_cast<void*>(e.addend + addr);
    if constexpr (LOAD) {
        T v;
        std::memcpy(&v, host, SIZE);
        if constexpr (MODE != 0) c.r[in.rn] = base + off;
        c.r[in.rd] = SIGN ? static_cast<u32>(static_cast<S>(v)) : static_cast<u32>(v);
    } else {
        const T v = static_cast<T>(c.r[in.rd]);
        std::memcpy(host, &v, SIZE);
        if constexpr (MODE != 0) c.r[in.rn] = base + off;
    }
    return kCont;
}

// Everything else: T variants, Rt = PC, aligned-PC literal base. ra: bits 0-3 size, bit 4
// sign, bit 5 load.
int ldst_generic(Cpu& c, const Insn& in) {
    const unsigned size = in.ra & 15;
    const bool sign = in.ra & 16, load = in.ra & 32;
    u32 base = c.r[in.rn];
    if (in.flags & kLsAlignPc) base &= ~3u;
    const u32 off = offset_of(c, in, in.flags & kLsReg);
    const bool pre = in.flags & kLsP;
    const bool wb = !pre || (in.flags & kLsW);
    const u32 addr = pre ? base + off : base;
    const unsigned p = (in.flags & kLsUser) ? 0 : c.priv;
    if (load) {
        std::uint64_t v = 0;
        int r;
        switch (size) {
        case 1: { std::uint8_t x; r = c.read(addr, x, p); v = sign ? static_cast<u32>(static_cast<std::int8_t>(x)) : x; break; }
        case 2: { std::uint16_t x; r = c.read(addr, x, p); v = sign ? static_cast<u32>(static_cast<std::int16_t>(x)) : x; break; }
        default: { u32 x; r = c.read(addr, x, p); v = x; break; }
        }
        if (r) return c.raise_data_abort(in);
        if (wb) c.r[in.rn] = base + off;
        if (in.rd == 15) return c.bx_write_pc(static_cast<u32>(v));
        c.r[in.rd] = static_cast<u32>(v);
        return kCont;
    }
    const u32 value = c.r[in.rd];
    int r;
    switch (size) {
    case 1: r = c.write(addr, static_cast<std::uint8_t>(value), p); break;
    case 2: r = c.write(addr, static_cast<std::uint16_t>(value), p); break;
    default: r = c.write(addr, value, p); break;
    }
    if (r == kMemFault) return c.raise_data_abort(in);
    if (wb) c.r[in.rn] = base + off;
    return r == kMemCodeHit ? kExitNext : kCont;
}

// LDRD/STRD: rd = Rt, ra = Rt2; word alignment always required.
int ldrd(Cpu& c, const Insn& in) {
    u32 base = c.r[in.rn];
    if (in.flags & kLsAlignPc) base &= ~3u;
    const u32 off = offset_of(c, in, in.flags & kLsReg);
    const bool pre = in.flags & kLsP;
    const u32 addr = pre ? base + off : base;
    u32 a = 0, b = 0;
    if (c.read_aligned32(addr, a, c.priv) || c.read_aligned32(addr + 4, b, c.priv))
        return c.raise_data_abort(in);
    if (!pre || (in.flags & kLsW)) c.r[in.rn] = base + off;
    c.r[in.rd] = a;
    c.r[in.ra] = b;
    return kCont;
}
int strd(Cpu& c, const Insn& in) {
    const u32 base = c.r[in.rn];
    const u32 off = offset_of(c, in, in.flags & kLsReg);
    const bool pre = in.flags & kLsP;
    const u32 addr = pre ? base + off : base;
    int r1 = c.write_aligned32(addr, c.r[in.rd], c.priv);
    if (r1 == kMemFault) return c.raise_data_abort(in);
    int r2 = c.write_aligned32(addr + 4, c.r[in.ra], c.priv);
    if (r2 == kMemFault) return c.raise_data_abort(in);
    if (!pre || (in.flags & kLsW)) c.r[in.rn] = base + off;
    return (r1 | r2) & kMemCodeHit ? kExitNext : kCont;
}

// Physical address of va for the TLB entry just used (after a successful access).
inline u32 pa_of(const Cpu& c, u32 va, AccessType type, unsigned p) {
    const TlbEntry& e = c.tlb[p][type][(va >> 12) & (kTlbSize - 1)];
    return (e.info & kPageMask) | (va & 0xfff);
}

template <unsigned SIZE>
int ldrex(Cpu& c, const Insn& in) {
    const u32 addr = c.r[in.rn] + in.imm;
    std::uint64_t v = 0, v2 = 0;
    const unsigned acc_size = SIZE == 8 ? 4 : SIZE;
    if (c.read_slow(addr, acc_size, v, c.priv, SIZE - 1)) return c.raise_data_abort(in);
    if constexpr (SIZE == 8) {
        if (c.read_slow(addr + 4, 4, v2, c.priv, 3)) return c.raise_data_abort(in);
    }
    c.excl_valid = true;
    c.excl_addr = pa_of(c, addr, kAccRead, c.priv);
    c.excl_size = SIZE;
    c.excl_value = v | (v2 << 32);
    c.r[in.rd] = static_cast<u32>(v);
    if constexpr (SIZE == 8) c.r[in.ra] = static_cast<u32>(v2);
    return kCont;
}

template <class T>
bool host_cas(void* host, std::uint64_t expected, std::uint64_t desired) {
    T exp = static_cast<T>(expected);
    return __atomic_compare_exchange_n(static_cast<T*>(host), &exp, static_cast<T>(desired), false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

template <unsigned SIZE>
int strex(Cpu& c, const Insn& in) {
    const u32 addr = c.r[in.rn] + in.imm;
    if (addr & (SIZE - 1)) {
        c.fault_fsr = kFsAlignment;
        c.fault_far = addr;
        c.fault_write = true;
        return c.raise_data_abort(in);
    }
    TlbEntry* e = nullptr;
    if (!c.translate(addr, kAccWrite, c.priv, e)) return c.raise_data_abort(in);
    const u32 pa = (e->info & kPageMask) | (addr & 0xfff);
    std::uint64_t value = c.r[in.rm];
    if constexpr (SIZE == 8) value |= static_cast<std::uint64_t>(c.r[in.ra]) << 32;
    bool ok = c.excl_valid && c.excl_addr == pa && c.excl_size == SIZE;
    c.excl_valid = false;
    int code = kCont;
    if (ok) {
        if (!(e->tag & kTlbSlow)) {
            void* host = reinterpret_cast<void*>(e->addend + addr);
            switch (SIZE) {
            case 1: ok = host_cas<std::uint8_t>(host, c.excl_value, value); break;
            case 2: ok = host_cas<std::uint16_t>(host, c.excl_value, value); break;
            case 4: ok = host_cas<std::uint32_t>(host, c.excl_value, value); break;
            default: ok = host_cas<std::uint64_t>(host, c.excl_value, value); break;
            }
        } else {
            // MMIO, ROM or a code page: compare and store through the slow path.
            std::uint64_t cur = 0, cur2 = 0;
            unsigned s = SIZE == 8 ? 4 : SIZE;
            if (c.read_slow(addr, s, cur, c.priv, 0)) return c.raise_data_abort(in);
            if (SIZE == 8 && c.read_slow(addr + 4, 4, cur2, c.priv, 0)) return c.raise_data_abort(in);
            ok = (cur | (cur2 << 32)) == c.excl_value;
            if (ok) {
                int r = c.write_slow(addr, s, value & 0xffffffffu, c.priv, 0);
                if (r == kMemFault) return c.raise_data_abort(in);
                if (SIZE == 8) {
                    int r2 = c.write_slow(addr + 4, 4, value >> 32, c.priv, 0);
                    if (r2 == kMemFault) return c.raise_data_abort(in);
                    r |= r2;
                }
                if (r & kMemCodeHit) code = kExitNext;
            }
        }
    }
    c.r[in.rd] = ok ? 0 : 1;
    return code;
}

int clrex(Cpu& c, const Insn&) {
    c.excl_valid = false;
    return kCont;
}

template <bool BYTE>
int swp(Cpu& c, const Insn& in) {
    if (!(c.cp15.sctlr & kSctlrSW)) return c.raise_undef(in);
    const u32 addr = c.r[in.rn];
    std::uint64_t old = 0;
    if (c.read_slow(addr, BYTE ? 1 : 4, old, c.priv, BYTE ? 0 : 3)) return c.raise_data_abort(in);
    int r = c.write_slow(addr, BYTE ? 1 : 4, BYTE ? (c.r[in.rm] & 0xff) : c.r[in.rm], c.priv, BYTE ? 0 : 3);
    if (r == kMemFault) return c.raise_data_abort(in);
    c.r[in.rd] = static_cast<u32>(old);
    c.excl_valid = false;
    return r == kMemCodeHit ? kExitNext : kCont;
}

template <unsigned SIZE, bool SIGN, bool LOAD>
Handler pick_mode(std::uint8_t flags) {
    const bool reg = flags & kLsReg;
    int mode = !(flags & kLsP) ? 2 : (flags & kLsW) ? 1 : 0;
    if (reg) {
        if (mode == 0) return &ldst<SIZE, SIGN, LOAD, 0, true>;
        if (mode == 1) return &ldst<SIZE, SIGN, LOAD, 1, true>;
        return &ldst<SIZE, SIGN, LOAD, 2, true>;
    }
    if (mode == 0) return &ldst<SIZE, SIGN, LOAD, 0, false>;
    if (mode == 1) return &ldst<SIZE, SIGN, LOAD, 1, false>;
    return &ldst<SIZE, SIGN, LOAD, 2, false>;
}

}  // namespace

Handler sel_ldst(unsigned size, bool sign, bool load, std::uint8_t flags, unsigned rt) {
    if ((flags & (kLsUser | kLsAlignPc)) || (load && rt == 15)) return &ldst_generic;
    if (load) {
        if (size == 1) return sign ? pick_mode<1, true, true>(flags) : pick_mode<1, false, true>(flags);
        if (size == 2) return sign ? pick_mode<2, true, true>(flags) : pick_mode<2, false, true>(flags);
        return pick_mode<4, false, true>(flags);
    }
    if (size == 1) return pick_mode<1, false, false>(flags);
    if (size == 2) return pick_mode<2, false, false>(flags);
    return pick_mode<4, false, false>(flags);
}

Handler sel_ldrd(bool load) { return load ? &ldrd : &strd; }

Handler sel_excl(unsigned size, bool load) {
    switch (size) {
    case 1: return load ? &ldrex<1> : &strex<1>;
    case 2: return load ? &ldrex<2> : &strex<2>;
    case 4: return load ? &ldrex<4> : &strex<4>;
    default: return load ? &ldrex<8> : &strex<8>;
    }
}
Handler sel_clrex() { return &clrex; }
Handler sel_swp(bool byte) { return byte ? &swp<true> : &swp<false>; }

}  // namespace emu::arm

namespace emu::arm {

bool ldst_form(Handler h, LdstForm& out) {
    for (unsigned size : {1u, 2u, 4u})
        for (bool load : {false, true})
            for (bool sign : {false, true})
                for (int mode = 0; mode < 3; ++mode)
                    for (bool reg : {false, true}) {
                        const auto flags = static_cast<std::uint8_t>((mode != 2 ? kLsP : 0) | (mode == 1 ? kLsW : 0) |
                                                                     (reg ? kLsReg : 0));
                        if (sel_ldst(size, sign, load, flags, 0) != h) continue;
                        out.size = size;
                        out.sign = sign && load && size < 4;
                        out.load = load;
                        out.mode = mode;
                        out.reg = reg;
                        return true;
                    }
    return false;
}

}  // namespace emu::arm
