// VMSAv7 long-descriptor (LPAE) stage-1 translation for PL1&0, used when TTBCR.EAE = 1:
// TTBR0/TTBR1 split by T0SZ/T1SZ, 1 GiB / 2 MiB blocks and 4 KiB pages, AP[2:1], AF, XN/PXN,
// hierarchical APTable/XNTable/PXNTable, nG, long-descriptor fault codes. Output addresses
// above 4 GiB are not supported (they fault as external aborts). MAIR attributes are ignored.
#include "cpu.h"

namespace emu::arm {

namespace {
constexpr std::uint32_t kLpae = 1u << 9;
inline std::uint32_t fault(unsigned type, unsigned level) { return kLpae | (type << 2) | level; }
constexpr unsigned kTrans = 1, kAccess = 2, kPerm = 3, kWalkExt = 5;
}  // namespace

Translation Cpu::walk_lpae(std::uint32_t va) {
    Translation t;
    const std::uint32_t c = cp15.ttbcr;
    const unsigned t0sz = c & 7, t1sz = (c >> 16) & 7;
    const std::uint64_t top1 = t1sz ? 0x100000000ull - (1ull << (32 - t1sz)) : 0x100000000ull;
    bool use1;
    if (t0sz == 0) use1 = t1sz != 0 && va >= top1;
    else if (va < (1ull << (32 - t0sz))) use1 = false;
    else if (t1sz == 0 || va >= top1) use1 = true;
    else { t.fsr = fault(kTrans, 1); return t; }
    const unsigned tsz = use1 ? t1sz : t0sz;
    if (c & (1u << (use1 ? 23 : 7))) { t.fsr = fault(kTrans, 1); return t; }  // EPDx
    const std::uint64_t ttbr = use1 ? (static_cast<std::uint64_t>(cp15.ttbr1_hi) << 32) | cp15.ttbr1
                                    : (static_cast<std::uint64_t>(cp15.ttbr0_hi) << 32) | cp15.ttbr0;
    unsigned level;
    std::uint64_t table;
    unsigned index;
    if (tsz <= 1) {
        level = 1;
        table = ttbr & 0xffffffffffull & ~((1ull << (5 - tsz)) - 1);
        index = (va >> 30) & ((1u << (2 - tsz)) - 1);
    } else {
        level = 2;
        table = ttbr & 0xffffffffffull & ~((1ull << (14 - tsz)) - 1);
        index = (va >> 21) & ((1u << (11 - tsz)) - 1);
    }
    bool ap_no_pl0 = false, ap_ro = false, xn_table = false, pxn_table = false, ng = false;
    for (;;) {
        std::uint64_t d = 0;
        const std::uint64_t addr = table + 8ull * index;
        if (addr >= 0x100000000ull || mem.read_value(addr, 8, d) != MemResult::Ok) {
            t.fsr = fault(kWalkExt, level);
            return t;
        }
        if (!(d & 1) || (level == 3 && !(d & 2))) {
            t.fsr = fault(kTrans, level);
            return t;
        }
        if (level < 3 && (d & 2)) {  // table descriptor
            pxn_table |= (d >> 59) & 1;
            xn_table |= (d >> 60) & 1;
            ap_no_pl0 |= (d >> 61) & 1;
            ap_ro |= (d >> 62) & 1;
            table = d & 0xfffffff000ull;
            ++level;
            index = (va >> (level == 2 ? 21 : 12)) & 0x1ff;
            continue;
        }
        // Block (level 1/2) or page (level 3).
        const unsigned shift = level == 1 ? 30 : level == 2 ? 21 : 12;
        const std::uint64_t oa = (d & 0xffffffffffull & ~((1ull << shift) - 1)) | (va & ((1u << shift) - 1));
        if (oa >= 0x100000000ull) {
            t.fsr = fault(kWalkExt, level);
            return t;
        }
        t.pa = static_cast<std::uint32_t>(oa);
        t.page_size = 1u << shift;
        ng = (d >> 11) & 1;
        if (!((d >> 10) & 1)) {  // AF
            t.perms[0] = t.perms[1] = 0;
            t.perm_fsr = fault(kAccess, level);
            t.global = !ng;
            return t;
        }
        const bool ap1 = (d >> 6) & 1, ap2 = (d >> 7) & 1;
        std::uint8_t rw0 = ap1 && !ap_no_pl0 ? (ap2 || ap_ro ? 1 : 3) : 0;
        std::uint8_t rw1 = ap2 || ap_ro ? 1 : 3;
        const bool xn = ((d >> 54) & 1) || xn_table, pxn = ((d >> 53) & 1) || pxn_table;
        bool x0 = (rw0 & 1) && !xn, x1 = !xn && !pxn;
        if (cp15.sctlr & kSctlrWXN) {
            if (rw0 & 2) x0 = false;
            if (rw1 & 2) x1 = false;
        }
        if ((cp15.sctlr & kSctlrUWXN) && (rw0 & 2)) x1 = false;
        t.perms[0] = static_cast<std::uint8_t>(rw0 | (x0 ? 4 : 0));
        t.perms[1] = static_cast<std::uint8_t>(rw1 | (x1 ? 4 : 0));
        t.perm_fsr = fault(kPerm, level);
        t.global = !ng;
        return t;
    }
}

// Converts a short-descriptor FSR produced outside the walk (alignment, debug, external abort)
// to the long-descriptor format when TTBCR.EAE = 1.
std::uint32_t Cpu::fsr_for_current_format(std::uint32_t fsr) const {
    if (!(cp15.ttbcr & 0x80000000u) || (fsr & kLpae)) return fsr;
    const std::uint32_t keep = fsr & ((1u << 11) | (1u << 12));  // WnR, ExT
    switch (fsr & 0x40f) {
    case kFsAlignment: return keep | kLpae | 0x21;
    case kFsDebug: return keep | kLpae | 0x22;
    default: return keep | kLpae | 0x10;  // synchronous external abort
    }
}

}  // namespace emu::arm
