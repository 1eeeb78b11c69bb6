// CP15 system control registers, table-driven: each entry is {crn, opc1, crm, opc2, access,
// reset value, storage field, read handler, write handler, ends-block}. 64-bit registers
// (MRRC/MCRR) are a short switch. Unknown registers are UNDEFINED.
#include <array>
#include <vector>

#include "cpu.h"

namespace emu::arm {

namespace {

using u32 = std::uint32_t;

enum : std::uint8_t { kR1 = 1, kW1 = 2, kR0 = 4, kW0 = 8, kRW1 = kR1 | kW1, kRW = kR1 | kW1 | kR0 | kW0 };

using ReadFn = bool (*)(Cpu&, u32&);
using WriteFn = bool (*)(Cpu&, u32);

struct Cp15Reg {
    std::uint8_t crn, opc1, crm, opc2;
    std::uint8_t access;
    u32 reset;               // reset value (field) or constant value (no field, no read handler)
    u32 Cp15State::*field;   // storage, or null
    ReadFn read;             // null: field or constant
    WriteFn write;           // null: field or ignored
    bool ends_block;
};

constexpr u32 kMidr = 0x412fc0f1u;  // Cortex-A15 r2p1
constexpr u32 kSctlrFixed = 0x00c50078u;
constexpr u32 kSctlrWritable = 0x70187c07u;  // M A C SW Z I V RR WXN UWXN TRE AFE TE

bool timer_pl0_ok(const Cpu& c, u32 bits_needed) { return c.priv || (c.cp15.cntkctl & bits_needed); }

u32 ctl_read(const Cpu& c, int which) {
    const u32 ctl = which == 0 ? c.cp15.cntp_ctl : c.cp15.cntv_ctl;
    return (ctl & 3) | (c.timer_condition(which) ? 4u : 0u);
}

bool ats(Cpu& c, u32 va, unsigned opc2) {
    const AccessType type = (opc2 & 1) ? kAccWrite : kAccRead;
    const unsigned p = opc2 >= 2 ? 0 : 1;
    const Translation t = c.walk(va);
    const u32 fsr = c.access_fault(t, type, p);
    c.cp15.par_hi = 0;
    if (c.cp15.ttbcr & 0x80000000u) {  // long-descriptor PAR format
        const u32 f = c.fsr_for_current_format(fsr);
        c.cp15.par = fsr ? (1u | ((f & 0x3f) << 1) | (1u << 11)) : ((t.pa & kPageMask) | (1u << 11));
    } else if (fsr) {
        c.cp15.par = 1u | ((fsr & 0xf) << 1) | (((fsr >> 10) & 1) << 5) | (((fsr >> 12) & 1) << 6);
    } else {
        c.cp15.par = (t.pa & kPageMask) | (t.page_size == 0x1000000 ? 2u : 0u);
    }
    return true;
}

bool icache_inval(Cpu& c, u32) {
    c.bump_icache_epoch();
    return true;
}

std::vector<Cp15Reg> build_table() {
    std::vector<Cp15Reg> t;
    auto konst = [&](unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, u32 value) {
        t.push_back({static_cast<std::uint8_t>(crn), static_cast<std::uint8_t>(opc1), static_cast<std::uint8_t>(crm),
                     static_cast<std::uint8_t>(opc2), kR1, value, nullptr, nullptr, nullptr, false});
    };
    auto reg = [&](unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, std::uint8_t access, u32 reset,
                   u32 Cp15State::*field, ReadFn rd, WriteFn wr, bool ends) {
        t.push_back({static_cast<std::uint8_t>(crn), static_cast<std::uint8_t>(opc1), static_cast<std::uint8_t>(crm),
                     static_cast<std::uint8_t>(opc2), access, reset, field, rd, wr, ends});
    };
    auto op = [&](unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, std::uint8_t access, WriteFn wr,
                  bool ends) {
        t.push_back({static_cast<std::uint8_t>(crn), static_cast<std::uint8_t>(opc1), static_cast<std::uint8_t>(crm),
                     static_cast<std::uint8_t>(opc2), access, 0, nullptr, nullptr, wr, ends});
    };

    // c0: identification.
    konst(0, 0, 0, 0, kMidr);
    konst(0, 0, 0, 1, 0x8444c004u);  // CTR: 64-byte lines, PIPT icache
    konst(0, 0, 0, 2, 0);            // TCMTR
    konst(0, 0, 0, 3, 0);            // TLBTR
    konst(0, 0, 0, 4, kMidr);
    reg(0, 0, 0, 5, kR1, 0, nullptr,
        [](Cpu& c, u32& v) { v = 0x80000000u | (c.config.mpidr_affinity & 0xffffffu); return true; }, nullptr, false);
    konst(0, 0, 0, 6, 0);  // REVIDR
    konst(0, 0, 0, 7, kMidr);
    konst(0, 0, 1, 0, 0x00000131u);  // ID_PFR0: ARM, Thumb-2, trivial Jazelle; no ThumbEE
    konst(0, 0, 1, 1, 0x00010001u);  // ID_PFR1: generic timer; no Security, no Virtualization
    konst(0, 0, 1, 2, 0);            // ID_DFR0: no debug/trace/PMU model
    konst(0, 0, 1, 3, 0);            // ID_AFR0
    konst(0, 0, 1, 4, 0x10201105u);  // ID_MMFR0: VMSAv7 with PXN and long descriptors
    konst(0, 0, 1, 5, 0x40000000u);  // ID_MMFR1
    konst(0, 0, 1, 6, 0x01240000u);  // ID_MMFR2
    konst(0, 0, 1, 7, 0x00102211u);  // ID_MMFR3
    konst(0, 0, 2, 0, 0x02101110u);  // ID_ISAR0: SDIV/UDIV in A32 and T32
    konst(0, 0, 2, 1, 0x13112110u);  // ID_ISAR1: no big-endian (SETEND BE) support
    konst(0, 0, 2, 2, 0x21232041u);  // ID_ISAR2
    konst(0, 0, 2, 3, 0x01112131u);  // ID_ISAR3: no ThumbEE
    konst(0, 0, 2, 4, 0x10010142u);  // ID_ISAR4: no SMC (no Security Extensions)
    konst(0, 0, 2, 5, 0);            // ID_ISAR5
    for (unsigned crm = 2; crm < 8; ++crm)
        for (unsigned opc2 = (crm == 2 ? 6 : 0); opc2 < 8; ++opc2) konst(0, 0, crm, opc2, 0);
    reg(0, 1, 0, 0, kR1, 0, nullptr,
        [](Cpu& c, u32& v) {
            switch (c.cp15.csselr & 0xf) {
            case 0: v = 0x701fe00au; break;  // L1 D: 32 KiB, 2-way, 64-byte lines
            case 1: v = 0x201fe00au; break;  // L1 I
            case 2: v = 0x711fe07au; break;  // L2: 1 MiB, 16-way
            default: v = 0; break;
            }
            return true;
        },
        nullptr, false);
    konst(0, 1, 0, 1, 0x0a200023u);  // CLIDR
    konst(0, 1, 0, 7, 0);            // AIDR
    reg(0, 2, 0, 0, kRW1, 0, &Cp15State::csselr, nullptr,
        [](Cpu& c, u32 v) { c.cp15.csselr = v & 0xf; return true; }, false);

    // c1: system control.
    reg(1, 0, 0, 0, kRW1, kSctlrFixed, &Cp15State::sctlr, nullptr,
        [](Cpu& c, u32 v) {
            const u32 nv = (v & kSctlrWritable) | kSctlrFixed;
            if (nv != c.cp15.sctlr) {
                c.cp15.sctlr = nv;
                c.tlb_flush_all();
            }
            return true;
        },
        true);
    reg(1, 0, 0, 1, kRW1, 0, &Cp15State::actlr, nullptr, nullptr, false);
    reg(1, 0, 0, 2, kRW1, 0xc0000000u, &Cp15State::cpacr, nullptr,
        [](Cpu& c, u32 v) { c.cp15.cpacr = (v & 0x00f00000u) | 0xc0000000u; return true; }, false);

    // c2, c3: translation table base, control, domains.
    reg(2, 0, 0, 0, kRW1, 0, &Cp15State::ttbr0, nullptr,
        [](Cpu& c, u32 v) { c.cp15.ttbr0 = v; c.tlb_flush_nonglobal(); return true; }, true);
    reg(2, 0, 0, 1, kRW1, 0, &Cp15State::ttbr1, nullptr,
        [](Cpu& c, u32 v) { c.cp15.ttbr1 = v; c.tlb_flush_all(); return true; }, true);
    reg(2, 0, 0, 2, kRW1, 0, &Cp15State::ttbcr, nullptr,
        [](Cpu& c, u32 v) {
            c.cp15.ttbcr = (v & 0x80000000u) ? (v & 0xb0ff7fbfu) : (v & 0x80000037u);
            c.tlb_flush_all();
            return true;
        },
        true);
    reg(3, 0, 0, 0, kRW1, 0, &Cp15State::dacr, nullptr,
        [](Cpu& c, u32 v) {
            const u32 diff = c.cp15.dacr ^ v;
            u32 changed = 0;
            for (unsigned d = 0; d < 16; ++d)
                if ((diff >> (2 * d)) & 3) changed |= 1u << d;
            c.cp15.dacr = v;
            c.tlb_flush_domains(changed);
            return true;
        },
        true);

    // c5, c6: fault status and address.
    reg(5, 0, 0, 0, kRW1, 0, &Cp15State::dfsr, nullptr, nullptr, false);
    reg(5, 0, 0, 1, kRW1, 0, &Cp15State::ifsr, nullptr, nullptr, false);
    reg(5, 0, 1, 0, kRW1, 0, nullptr, nullptr, nullptr, false);  // ADFSR: RAZ/WI
    reg(5, 0, 1, 1, kRW1, 0, nullptr, nullptr, nullptr, false);  // AIFSR: RAZ/WI
    reg(6, 0, 0, 0, kRW1, 0, &Cp15State::dfar, nullptr, nullptr, false);
    reg(6, 0, 0, 2, kRW1, 0, &Cp15State::ifar, nullptr, nullptr, false);

    // c7: cache maintenance, barriers, address translation, PAR.
    op(7, 0, 1, 0, kW1, &icache_inval, false);   // ICIALLUIS
    op(7, 0, 1, 6, kW1, nullptr, false);         // BPIALLIS
    reg(7, 0, 4, 0, kRW1, 0, &Cp15State::par, nullptr, nullptr, false);
    op(7, 0, 5, 0, kW1, &icache_inval, false);   // ICIALLU
    op(7, 0, 5, 1, kW1, &icache_inval, false);   // ICIMVAU
    op(7, 0, 5, 4, kW1 | kW0, nullptr, true);    // CP15ISB
    op(7, 0, 5, 6, kW1, nullptr, false);         // BPIALL
    op(7, 0, 5, 7, kW1, nullptr, false);         // BPIMVA
    op(7, 0, 6, 1, kW1, nullptr, false);         // DCIMVAC
    op(7, 0, 6, 2, kW1, nullptr, false);         // DCISW
    for (unsigned o2 = 0; o2 < 4; ++o2) {        // ATS1CPR, ATS1CPW, ATS1CUR, ATS1CUW
        static const WriteFn fns[4] = {
            [](Cpu& c, u32 v) { return ats(c, v, 0); }, [](Cpu& c, u32 v) { return ats(c, v, 1); },
            [](Cpu& c, u32 v) { return ats(c, v, 2); }, [](Cpu& c, u32 v) { return ats(c, v, 3); }};
        op(7, 0, 8, o2, kW1, fns[o2], false);
    }
    op(7, 0, 10, 1, kW1, nullptr, false);        // DCCMVAC
    op(7, 0, 10, 2, kW1, nullptr, false);        // DCCSW
    op(7, 0, 10, 4, kW1 | kW0, nullptr, false);  // CP15DSB
    op(7, 0, 10, 5, kW1 | kW0, nullptr, false);  // CP15DMB
    op(7, 0, 11, 1, kW1, nullptr, false);        // DCCMVAU
    op(7, 0, 14, 1, kW1, nullptr, false);        // DCCIMVAC
    op(7, 0, 14, 2, kW1, nullptr, false);        // DCCISW

    // c8: TLB maintenance (inner-shareable forms act locally).
    const WriteFn all = [](Cpu& c, u32) { c.tlb_flush_all(); return true; };
    const WriteFn mva = [](Cpu& c, u32 v) { c.tlb_flush_va(v); return true; };
    const WriteFn asid = [](Cpu& c, u32) { c.tlb_flush_nonglobal(); return true; };
    for (unsigned crm : {5u, 6u, 7u}) {
        op(8, 0, crm, 0, kW1, all, true);
        op(8, 0, crm, 1, kW1, mva, true);
        op(8, 0, crm, 2, kW1, asid, true);
        if (crm == 7) op(8, 0, crm, 3, kW1, mva, true);
    }
    // Inner-shareable forms: local as above, and a full TLB flush on the other cores.
    op(8, 0, 3, 0, kW1, [](Cpu& c, u32) { c.tlb_flush_all(); cluster_tlb_shootdown(c); return true; }, true);
    op(8, 0, 3, 1, kW1, [](Cpu& c, u32 v) { c.tlb_flush_va(v); cluster_tlb_shootdown(c); return true; }, true);
    op(8, 0, 3, 2, kW1, [](Cpu& c, u32) { c.tlb_flush_nonglobal(); cluster_tlb_shootdown(c); return true; }, true);
    op(8, 0, 3, 3, kW1, [](Cpu& c, u32 v) { c.tlb_flush_va(v); cluster_tlb_shootdown(c); return true; }, true);

    // c9: performance monitors, RAZ/WI (PMCR.N = 0: no counters; ID_DFR0 reports no PMU).
    for (unsigned o2 = 0; o2 < 8; ++o2) reg(9, 0, 12, o2, kRW1, 0, nullptr, nullptr, nullptr, false);
    for (unsigned o2 = 0; o2 < 3; ++o2) reg(9, 0, 13, o2, kRW1, 0, nullptr, nullptr, nullptr, false);
    reg(9, 0, 14, 0, kRW1 | kR0, 0, nullptr, nullptr, nullptr, false);  // PMUSERENR
    for (unsigned o2 = 1; o2 < 3; ++o2) reg(9, 0, 14, o2, kRW1, 0, nullptr, nullptr, nullptr, false);

    // c9: Cortex-A15 L2 control (RAZ/WI). No PMU.
    reg(9, 1, 0, 2, kRW1, 0, nullptr, nullptr, nullptr, false);
    reg(9, 1, 0, 3, kRW1, 0, nullptr, nullptr, nullptr, false);

    // c10: memory attribute remapping.
    reg(10, 0, 2, 0, kRW1, 0x00098aa4u, &Cp15State::prrr, nullptr, nullptr, false);
    reg(10, 0, 2, 1, kRW1, 0x44e048e0u, &Cp15State::nmrr, nullptr, nullptr, false);
    reg(10, 0, 3, 0, kRW1, 0, nullptr, nullptr, nullptr, false);  // AMAIR0
    reg(10, 0, 3, 1, kRW1, 0, nullptr, nullptr, nullptr, false);  // AMAIR1

    // c12: vectors, interrupt status.
    reg(12, 0, 0, 0, kRW1, 0, &Cp15State::vbar, nullptr,
        [](Cpu& c, u32 v) { c.cp15.vbar = v & ~0x1fu; return true; }, false);
    reg(12, 0, 1, 0, kR1, 0, nullptr,
        [](Cpu& c, u32& v) {
            const u32 p = c.pending.load(std::memory_order_relaxed);
            v = ((p & Cpu::kPendIrq) ? kPsrI : 0u) | ((p & Cpu::kPendFiq) ? kPsrF : 0u);
            return true;
        },
        nullptr, false);

    // c13: process and thread IDs.
    reg(13, 0, 0, 0, kRW1, 0, nullptr, nullptr, nullptr, false);  // FCSEIDR: RAZ/WI
    reg(13, 0, 0, 1, kRW1, 0, &Cp15State::contextidr, nullptr,
        [](Cpu& c, u32 v) { c.set_contextidr(v); return true; }, true);
    reg(13, 0, 0, 2, kRW, 0, &Cp15State::tpidrurw, nullptr, nullptr, false);
    reg(13, 0, 0, 3, kRW1 | kR0, 0, &Cp15State::tpidruro, nullptr, nullptr, false);
    reg(13, 0, 0, 4, kRW1, 0, &Cp15State::tpidrprw, nullptr, nullptr, false);

    // c14: generic timer.
    reg(14, 0, 0, 0, kRW1 | kR0, 0, &Cp15State::cntfrq,
        [](Cpu& c, u32& v) { v = c.cp15.cntfrq; return timer_pl0_ok(c, 3); }, nullptr, false);
    reg(14, 0, 1, 0, kRW1, 0, &Cp15State::cntkctl, nullptr,
        [](Cpu& c, u32 v) { c.cp15.cntkctl = v & 0x3ffu; return true; }, false);
    reg(14, 0, 2, 0, kRW, 0, nullptr,
        [](Cpu& c, u32& v) { v = static_cast<u32>(c.cp15.cntp_cval - c.counter()); return timer_pl0_ok(c, 1u << 9); },
        [](Cpu& c, u32 v) {
            if (!timer_pl0_ok(c, 1u << 9)) return false;
            c.cp15.cntp_cval = c.counter() + static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
            c.timer_changed();
            return true;
        },
        false);
    reg(14, 0, 2, 1, kRW, 0, nullptr,
        [](Cpu& c, u32& v) { v = ctl_read(c, 0); return timer_pl0_ok(c, 1u << 9); },
        [](Cpu& c, u32 v) {
            if (!timer_pl0_ok(c, 1u << 9)) return false;
            c.cp15.cntp_ctl = v & 3;
            c.timer_changed();
            return true;
        },
        false);
    reg(14, 0, 3, 0, kRW, 0, nullptr,
        [](Cpu& c, u32& v) {
            v = static_cast<u32>(c.cp15.cntv_cval - (c.counter() - c.cp15.cntvoff));
            return timer_pl0_ok(c, 1u << 8);
        },
        [](Cpu& c, u32 v) {
            if (!timer_pl0_ok(c, 1u << 8)) return false;
            c.cp15.cntv_cval = (c.counter() - c.cp15.cntvoff) +
                               static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
            c.timer_changed();
            return true;
        },
        false);
    reg(14, 0, 3, 1, kRW, 0, nullptr,
        [](Cpu& c, u32& v) { v = ctl_read(c, 1); return timer_pl0_ok(c, 1u << 8); },
        [](Cpu& c, u32 v) {
            if (!timer_pl0_ok(c, 1u << 8)) return false;
            c.cp15.cntv_ctl = v & 3;
            c.timer_changed();
            return true;
        },
        false);

    // c15: Cortex-A15 configuration base address (RAZ: peripherals are described by the DT).
    reg(15, 4, 0, 0, kR1, 0, nullptr, nullptr, nullptr, false);
    return t;
}

struct Table {
    std::vector<Cp15Reg> regs;
    std::array<std::int16_t, 1u << 14> index;
    Table() : regs(build_table()) {
        index.fill(-1);
        for (std::size_t i = 0; i < regs.size(); ++i) {
            const Cp15Reg& r = regs[i];
            index[(static_cast<unsigned>(r.crn) << 10) | (static_cast<unsigned>(r.opc1) << 7) |
                  (static_cast<unsigned>(r.crm) << 3) | r.opc2] = static_cast<std::int16_t>(i);
        }
    }
};

const Table& table() {
    static const Table t;
    return t;
}

}  // namespace

bool Cpu::cp15_access(bool is_read, unsigned crn, unsigned opc1, unsigned crm, unsigned opc2, u32& value,
                      bool& ends_block) {
    const Table& t = table();
    const std::int16_t i = t.index[((crn & 15) << 10) | ((opc1 & 7) << 7) | ((crm & 15) << 3) | (opc2 & 7)];
    if (i < 0) return false;
    const Cp15Reg& e = t.regs[static_cast<std::size_t>(i)];
    const std::uint8_t need = is_read ? (priv ? kR1 : kR0) : (priv ? kW1 : kW0);
    if (!(e.access & need)) return false;
    ends_block = e.ends_block;
    if (is_read) {
        if (e.read) return e.read(*this, value);
        value = e.field ? cp15.*e.field : e.reset;
        return true;
    }
    if (e.write) return e.write(*this, value);
    if (e.field) cp15.*e.field = value;
    return true;
}

bool Cpu::cp15_access64(bool is_read, unsigned opc1, unsigned crm, std::uint64_t& value, bool& ends_block) {
    ends_block = false;
    if (crm == 2 && opc1 <= 1) {  // TTBR0/TTBR1, 64-bit (LPAE) view
        if (!priv) return false;
        u32& hi = opc1 ? cp15.ttbr1_hi : cp15.ttbr0_hi;
        if (is_read) {
            value = (static_cast<std::uint64_t>(hi) << 32) | (opc1 ? cp15.ttbr1 : cp15.ttbr0);
            return true;
        }
        hi = static_cast<u32>(value >> 32) & 0x00ff00ffu;  // ASID[55:48], BADDR[39:32]
        u32 lo = static_cast<u32>(value);
        return cp15_access(false, 2, 0, 0, opc1, lo, ends_block);
    }
    if (crm == 7 && opc1 == 0) {  // PAR
        if (!priv) return false;
        if (is_read) value = (static_cast<std::uint64_t>(cp15.par_hi) << 32) | cp15.par;
        else { cp15.par = static_cast<u32>(value); cp15.par_hi = static_cast<u32>(value >> 32); }
        return true;
    }
    if (crm != 14) return false;
    switch (opc1) {
    case 0:  // CNTPCT
        if (!is_read || !timer_pl0_ok(*this, 1)) return false;
        value = counter();
        return true;
    case 1:  // CNTVCT
        if (!is_read || !timer_pl0_ok(*this, 2)) return false;
        value = counter() - cp15.cntvoff;
        return true;
    case 2:  // CNTP_CVAL
        if (!timer_pl0_ok(*this, 1u << 9)) return false;
        if (is_read) value = cp15.cntp_cval;
        else { cp15.cntp_cval = value; timer_changed(); }
        return true;
    case 3:  // CNTV_CVAL
        if (!timer_pl0_ok(*this, 1u << 8)) return false;
        if (is_read) value = cp15.cntv_cval;
        else { cp15.cntv_cval = value; timer_changed(); }
        return true;
    case 4:  // CNTVOFF (no Hyp mode: accessible at PL1)
        if (!priv) return false;
        if (is_read) value = cp15.cntvoff;
        else { cp15.cntvoff = value; timer_changed(); }
        return true;
    default: return false;
    }
}

void Cpu::set_contextidr(u32 v) {
    const u32 old = cp15.contextidr;
    cp15.contextidr = v;
    if ((old ^ v) & 0xff) tlb_flush_nonglobal();
}

void cp15_reset(Cpu& c) {
    for (const Cp15Reg& r : table().regs)
        if (r.field) c.cp15.*r.field = r.reset;
    c.cp15.cntfrq = c.config.cntfrq;
}

}  // namespace emu::arm
