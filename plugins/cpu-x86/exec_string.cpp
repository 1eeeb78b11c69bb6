// String instructions (MOVS CMPS STOS LODS SCAS INS OUTS) with REP/REPE/REPNE, and IN/OUT.
// A REP instruction runs a bounded batch of iterations per step(): ECX/ESI/EDI are written
// after every iteration and rip stays on the instruction until the count is done, so a fault
// or an interrupt between batches resumes where it stopped.
#include <algorithm>
#include <cstring>

#include "decode.h"

namespace emu::x86 {

namespace {

constexpr unsigned kRepBatch = 4096;

struct StringRegs {
    std::uint64_t amask;  // 0xFFFF (SI/DI/CX), 0xFFFFFFFF (ESI/EDI/ECX) or all ones (RSI/RDI/RCX)
    std::int64_t delta;
};

inline std::uint64_t areg(const Cpu& c, unsigned r, std::uint64_t amask) { return c.gpr[r] & amask; }

// 16-bit address size keeps the upper bits; a 32-bit register write zero-extends.
inline void set_areg(Cpu& c, unsigned r, std::uint64_t amask, std::uint64_t v) {
    c.gpr[r] = amask == 0xFFFF ? (c.gpr[r] & ~0xFFFFull) | (v & 0xFFFF) : v & amask;
}

// The linear address of seg:off for the block paths (the checks come from check_segment).
inline std::uint64_t string_linear(const Cpu& c, Seg seg, std::uint64_t off) {
    if (c.code64()) return seg >= FS ? c.seg[seg].base + off : off;
    return (c.seg[seg].base + off) & 0xFFFFFFFFu;
}

// One iteration (registers updated only after its memory accesses).
void string_once(Cpu& c, const Insn& d, unsigned size, const StringRegs& s) {
    const std::uint64_t si = areg(c, kEsi, s.amask), di = areg(c, kEdi, s.amask);
    const auto step = static_cast<std::uint64_t>(s.delta);
    switch (d.opcode & 0xFE) {
    case 0x6C: {  // INS
        const auto port = static_cast<std::uint16_t>(c.gpr[kEdx]);
        c.check_segment(ES, di, size, Access::Write);
        c.write(ES, di, size, c.port_in(port, size));
        set_areg(c, kEdi, s.amask, di + step);
        return;
    }
    case 0x6E: {  // OUTS
        const auto v = static_cast<std::uint32_t>(c.read(mseg(d), si, size));
        c.port_out(static_cast<std::uint16_t>(c.gpr[kEdx]), v, size);
        set_areg(c, kEsi, s.amask, si + step);
        return;
    }
    case 0xA4: {  // MOVS
        c.write(ES, di, size, c.read(mseg(d), si, size));
        set_areg(c, kEsi, s.amask, si + step);
        set_areg(c, kEdi, s.amask, di + step);
        return;
    }
    case 0xA6: {  // CMPS: [ESI] - [EDI]
        const std::uint64_t a = c.read(mseg(d), si, size);
        const std::uint64_t b = c.read(ES, di, size);
        set_areg(c, kEsi, s.amask, si + step);
        set_areg(c, kEdi, s.amask, di + step);
        set_arith(c, flags_sub(a, b, 0, size).flags);
        return;
    }
    case 0xAA: {  // STOS
        c.write(ES, di, size, get_reg(c, kEax, size));
        set_areg(c, kEdi, s.amask, di + step);
        return;
    }
    case 0xAC: {  // LODS
        put_reg(c, kEax, size, c.read(mseg(d), si, size));
        set_areg(c, kEsi, s.amask, si + step);
        return;
    }
    default: {  // SCAS: eAX - [EDI]
        const std::uint64_t b = c.read(ES, di, size);
        set_areg(c, kEdi, s.amask, di + step);
        set_arith(c, flags_sub(get_reg(c, kEax, size), b, 0, size).flags);
        return;
    }
    }
}

// Host memory for [linear, linear + length) if it lies in one RAM page (null otherwise).
std::uint8_t* ram_range(Cpu& c, std::uint64_t linear, unsigned length, Access access) {
    if ((linear & 0xFFF) + length > 0x1000) return nullptr;
    TlbEntry& e = c.tlb_lookup(linear, access, c.cpl == 3);
    return e.host ? e.host + (linear & 0xFFF) : nullptr;
}

// REP STOS/MOVS forwards (DF = 0) over RAM: up to `limit` iterations that stay inside one page
// (and inside the address-size wrap) on each side are done as one block. Returns how many were
// done; 0 means "take the one-iteration path" (page or segment boundary, MMIO, DF = 1, or a
// MOVS whose source and destination overlap closer than a block, where element order shows).
unsigned rep_block(Cpu& c, const Insn& d, unsigned size, const StringRegs& s, std::uint64_t count, unsigned limit) {
    const bool movs = (d.opcode & 0xFE) == 0xA4;
    if (s.delta < 0) return 0;
    const std::uint64_t di = areg(c, kEdi, s.amask), si = areg(c, kEsi, s.amask);
    auto room = [&](Seg seg, std::uint64_t off) {
        const std::uint64_t linear = string_linear(c, seg, off);
        const std::uint64_t in_page = (0x1000 - (linear & 0xFFF)) / size;
        const std::uint64_t in_wrap = s.amask == ~0ull ? ~0ull : (s.amask - off + 1) / size;
        return in_page < in_wrap ? in_page : in_wrap;
    };
    std::uint64_t n = count < limit ? count : limit;
    n = std::min<std::uint64_t>(n, room(ES, di));
    if (movs) n = std::min<std::uint64_t>(n, room(mseg(d), si));
    if (n < 2) return 0;
    const auto bytes = static_cast<unsigned>(n * size);
    // A block that crosses a segment limit goes one iteration at a time, so the fault comes
    // at the exact iteration.
    std::uint64_t dlin, slin = 0;
    try {
        dlin = c.check_segment(ES, di, bytes, Access::Write);
        if (movs) slin = c.check_segment(mseg(d), si, bytes, Access::Read);
    } catch (const Fault&) {
        return 0;
    }
    // Page faults here are those of the first iteration (each side is inside one page).
    const std::uint8_t* src = nullptr;
    if (movs) {
        src = ram_range(c, slin, bytes, Access::Read);
        if (!src) return 0;
    }
    std::uint8_t* dst = ram_range(c, dlin, bytes, Access::Write);
    if (!dst) return 0;
    if (movs) {
        if (dst < src + bytes && src < dst + bytes) return 0;
        std::memcpy(dst, src, bytes);
        set_areg(c, kEsi, s.amask, si + bytes);
    } else {
        const std::uint64_t v = get_reg(c, kEax, size);  // little-endian host: the low bytes
        for (unsigned i = 0; i < bytes; i += size) std::memcpy(dst + i, &v, size);
    }
    c.code_written(c.translate(dlin, Access::Write, c.cpl == 3), bytes);
    set_areg(c, kEdi, s.amask, di + bytes);
    set_areg(c, kEcx, s.amask, count - n);
    return static_cast<unsigned>(n);
}

}  // namespace

void h_string(Cpu& c, const Insn& d) {
    const bool io = d.opcode < 0x70;
    // INS/OUTS move at most 32 bits (REX.W changes nothing).
    const unsigned size = (d.opcode & 1) ? (io && d.op64 ? 4 : d.osize()) : 1;
    const StringRegs s{d.asize == 8 ? ~0ull : d.addr32 ? 0xFFFFFFFFull : 0xFFFFull,
                       (c.eflags_ & kDF) ? -static_cast<std::int64_t>(size) : static_cast<std::int64_t>(size)};
    if (io) c.check_io(static_cast<std::uint16_t>(c.gpr[kEdx]), size);
    if (!d.rep) {
        string_once(c, d, size, s);
        return;
    }
    // CMPS and SCAS test ZF after each iteration (REPE: stop when clear, REPNE: when set).
    const bool compares = (d.opcode & 0xF6) == 0xA6;
    const bool blocks = (d.opcode & 0xFE) == 0xA4 || (d.opcode & 0xFE) == 0xAA;  // MOVS, STOS
    std::uint64_t count = areg(c, kEcx, s.amask);
    for (unsigned i = 0; i < kRepBatch;) {
        if (count == 0) return;
        if (blocks) {
            if (const unsigned n = rep_block(c, d, size, s, count, kRepBatch - i)) {
                count -= n;
                i += n;
                continue;
            }
        }
        string_once(c, d, size, s);
        set_areg(c, kEcx, s.amask, --count);
        ++i;
        if (compares && (((c.eflags_ & kZF) != 0) != (d.rep == 0xF3))) return;
    }
    if (count != 0) c.rip = insn_start(c, d);  // more to do: run this instruction again
}

// IN/OUT with an imm8 port (E4-E7) or DX (EC-EF).
void h_inout(Cpu& c, const Insn& d) {
    const unsigned size = (d.opcode & 1) ? (d.op64 ? 4 : d.osize()) : 1;  // at most 32 bits
    const auto port = static_cast<std::uint16_t>(d.opcode >= 0xEC ? c.gpr[kEdx] : d.imm);
    c.check_io(port, size);
    if (d.opcode & 2)
        c.port_out(port, get_reg(c, kEax, size), size);
    else
        put_reg(c, kEax, size, c.port_in(port, size) & size_mask(size));
}

}  // namespace emu::x86
