// VMSAv7 short-descriptor translation table walk: sections, supersections (32-bit PA only),
// large and small pages, domains, AP/APX with the SCTLR.AFE simplified model, XN/PXN,
// SCTLR.WXN/UWXN, nG, TTBCR.N/PD0/PD1. With TTBCR.EAE = 1 the long-descriptor walk of
// mmu_lpae.cpp is used instead.
#include "cpu.h"

namespace emu::arm {

namespace {

// Read/write permission bits (bit0 read, bit1 write) for [PL0, PL1] from AP[2:0].
void ap_perms(unsigned ap, bool afe, std::uint8_t out[2]) {
    if (afe) {
        switch ((ap >> 1) & 3) {
        case 0: out[0] = 0; out[1] = 3; break;
        case 1: out[0] = 3; out[1] = 3; break;
        case 2: out[0] = 0; out[1] = 1; break;
        default: out[0] = 1; out[1] = 1; break;
        }
        return;
    }
    switch (ap) {
    case 1: out[0] = 0; out[1] = 3; break;
    case 2: out[0] = 1; out[1] = 3; break;
    case 3: out[0] = 3; out[1] = 3; break;
    case 5: out[0] = 0; out[1] = 1; break;
    case 6: case 7: out[0] = 1; out[1] = 1; break;
    default: out[0] = 0; out[1] = 0; break;  // 0: no access, 4: reserved
    }
}

}  // namespace

Translation Cpu::walk(std::uint32_t va) {
    Translation t;
    if (!(cp15.sctlr & kSctlrM)) {
        t.pa = va;
        return t;
    }
    if (cp15.ttbcr & 0x80000000u) return walk_lpae(va);  // long descriptors
    const unsigned n = cp15.ttbcr & 7;
    std::uint32_t desc_addr;
    if (n == 0 || (va >> (32 - n)) == 0) {
        if (cp15.ttbcr & 0x10) { t.fsr = kFsTransSection; return t; }
        const std::uint32_t base = cp15.ttbr0 & ~((1u << (14 - n)) - 1);
        desc_addr = base | (((va << n) >> (n + 20)) << 2);
    } else {
        if (cp15.ttbcr & 0x20) { t.fsr = kFsTransSection; return t; }
        desc_addr = (cp15.ttbr1 & 0xffffc000u) | ((va >> 20) << 2);
    }
    std::uint64_t raw = 0;
    if (mem.read_value(desc_addr, 4, raw) != MemResult::Ok) {
        t.fsr = kFsExtWalkL1;
        return t;
    }
    const std::uint32_t d1 = static_cast<std::uint32_t>(raw);
    unsigned ap, domain;
    bool xn, pxn, ng, is_section;
    switch (d1 & 3) {
    case 0:
        t.fsr = kFsTransSection;
        return t;
    case 1: {
        domain = (d1 >> 5) & 15;
        pxn = d1 & 4;
        const std::uint32_t l2_addr = (d1 & 0xfffffc00u) | (((va >> 12) & 0xff) << 2);
        if (mem.read_value(l2_addr, 4, raw) != MemResult::Ok) {
            t.fsr = kFsExtWalkL2 | (domain << 4);
            return t;
        }
        const std::uint32_t d2 = static_cast<std::uint32_t>(raw);
        if ((d2 & 3) == 0) {
            t.fsr = kFsTransPage | (domain << 4);
            return t;
        }
        if ((d2 & 3) == 1) {  // large page, 64 KiB
            t.pa = (d2 & 0xffff0000u) | (va & 0xffff);
            xn = d2 & (1u << 15);
            t.page_size = 0x10000;
        } else {
            t.pa = (d2 & 0xfffff000u) | (va & 0xfff);
            xn = d2 & 1;
            t.page_size = 0x1000;
        }
        ap = ((d2 >> 4) & 3) | ((d2 >> 7) & 4);
        ng = d2 & (1u << 11);
        is_section = false;
        break;
    }
    default:
        pxn = d1 & 1;
        xn = d1 & (1u << 4);
        ap = ((d1 >> 10) & 3) | ((d1 >> 13) & 4);
        ng = d1 & (1u << 17);
        if (d1 & (1u << 18)) {  // supersection, 16 MiB (PA bits above 31 ignored)
            domain = 0;
            t.pa = (d1 & 0xff000000u) | (va & 0x00ffffffu);
            t.page_size = 0x1000000;
        } else {
            domain = (d1 >> 5) & 15;
            t.pa = (d1 & 0xfff00000u) | (va & 0x000fffffu);
            t.page_size = 0x100000;
        }
        is_section = true;
        break;
    }
    t.global = !ng;
    t.domain = domain;
    const unsigned dom = (cp15.dacr >> (2 * domain)) & 3;
    if (dom == 0 || dom == 2) {
        t.perms[0] = t.perms[1] = 0;
        t.perm_fsr = (is_section ? kFsDomainSection : kFsDomainPage) | (domain << 4);
        return t;
    }
    if (dom == 3) {  // manager: no permission checks
        t.perms[0] = t.perms[1] = 7;
        return t;
    }
    const bool afe = cp15.sctlr & kSctlrAFE;
    if (afe && !(ap & 1)) {
        t.perms[0] = t.perms[1] = 0;
        t.perm_fsr = (is_section ? kFsAccessSection : kFsAccessPage) | (domain << 4);
        return t;
    }
    std::uint8_t rw[2];
    ap_perms(ap, afe, rw);
    for (int p = 0; p < 2; ++p) {
        bool exec = (rw[p] & 1) && !xn;
        if (p == 1 && pxn) exec = false;
        if ((cp15.sctlr & kSctlrWXN) && (rw[p] & 2)) exec = false;
        if (p == 1 && (cp15.sctlr & kSctlrUWXN) && (rw[0] & 2)) exec = false;
        t.perms[p] = static_cast<std::uint8_t>(rw[p] | (exec ? 4 : 0));
    }
    t.perm_fsr = (is_section ? kFsPermSection : kFsPermPage) | (domain << 4);
    return t;
}

std::uint32_t Cpu::access_fault(const Translation& t, AccessType type, unsigned p) const {
    if (t.fsr) return t.fsr;
    if (t.perms[p] & (1u << type)) return 0;
    return t.perm_fsr;
}

}  // namespace emu::arm
