// MMU (short-descriptor format): sections, 4 KiB small pages, 64 KiB large pages and 16 MiB
// supersections; translation faults at both levels; domains (no access, client, manager);
// AP/APX permissions for privileged and User accesses; XN; DFSR/DFAR and IFSR/IFAR; the
// address translation operations (ATS1C*, PAR); TTBCR.N with TTBR1; TLB
// maintenance (TLBIMVA, TLBIALL, TLBIMVAA, TLBIASID, inner-shareable forms) and ASID tagging;
// (TTBCR.PD0/PD1 are left out: QEMU's virt CPU has no Security Extensions, so they are RES0.)
// an unaligned access straddling two pages mapped to distant physical pages; and code
// rewritten through one virtual alias and run through another.
//
// The identity map from the runtime (RAM and devices, domain 0, full access) stays in place;
// test mappings live at 0x80000000 and up and point at RAM from 0x40800000.
#include "rt.h"

#define DESC_PAGE_TABLE 0x1u
#define SMALL 0x2u
#define SMALL_XN 0x1u
#define SMALL_AP(ap) ((u32)((ap)&3) << 4)
#define SMALL_APX (1u << 9)
#define SMALL_NG (1u << 11)
#define SMALL_NORMAL ((1u << 6) | (1u << 3) | (1u << 2))  // TEX 001, C, B
#define LARGE 0x1u
#define LARGE_AP(ap) ((u32)((ap)&3) << 4)
#define LARGE_NORMAL ((1u << 12) | (1u << 3) | (1u << 2))

static u32 l2a[256] __attribute__((aligned(1024)));
static u32 l2b[256] __attribute__((aligned(1024)));
static u32 ttb1[4096] __attribute__((aligned(16384)));

static inline u32 rd(u32 va) { return *(volatile u32*)(uintptr_t)va; }
static inline void wr(u32 va, u32 v) { *(volatile u32*)(uintptr_t)va = v; }

// Change a descriptor and make the change visible (TLBIALL).
static void set_desc(volatile u32* d, u32 v) {
    *d = v;
    tlb_flush_all();
}
static void set_dacr(u32 v) {
    MCR(0, 3, 0, 0, v);
    isb();
}
static u32 ats(u32 va, int op) {
    switch (op) {
    case 0: MCR(0, 7, 8, 0, va); break;  // ATS1CPR
    case 1: MCR(0, 7, 8, 1, va); break;  // ATS1CPW
    case 2: MCR(0, 7, 8, 2, va); break;  // ATS1CUR
    default: MCR(0, 7, 8, 3, va); break; // ATS1CUW
    }
    isb();
    return MRC(0, 7, 4, 0);  // PAR
}

// Prefetch aborts: from User mode abandon the User code; otherwise resume after the probe.
static void on_pabt(int type, exc_frame* f) {
    rt_fault.count++;
    rt_fault.type = (u32)type;
    rt_fault.fsr = read_ifsr();
    rt_fault.far = read_ifar();
    rt_fault.lr = f->lr;
    rt_fault.spsr = f->spsr;
    if ((f->spsr & 0x1f) == MODE_USR)
        abandon_user(f, PROBE_FAULTED);
    else
        resume_at(f, rt_resume), f->r[0] = PROBE_FAULTED;
}

static u32 user_read(u32 va) { return rd(va); }
static u32 user_write(u32 va) {
    wr(va, 0x5555aaaa);
    return 0;
}

#define EXPECT_DFAULT(name, FSR, FAR, MASK)                                                     \
    do {                                                                                        \
        check(rt_fault.count == 1 && rt_fault.type == EXC_DABT, name ": data abort");           \
        check_eq(rt_fault.fsr & (MASK), (FSR), name ": DFSR");                                  \
        check_eq(rt_fault.far, (FAR), name ": DFAR");                                           \
    } while (0)
#define NOFAULT(name) check_eq(rt_fault.count, 0, name ": no fault")
#define FS_ONLY 0x1c0fu  // ExT, WnR, FS
#define FS_DOMAIN 0x1cffu

static void test_descriptors(void) {
    // Section 0x80000000 -> 0x40800000
    wr(0x40800010, 0xa5a5a5a5);
    set_desc(&rt_ttb[0x800], 0x40800000 | SEC | SEC_NORMAL | SEC_AP(3));
    check_eq(rd(0x80000010), 0xa5a5a5a5, "section: read through the mapping");
    wr(0x800ffffc, 0x1234);
    check_eq(rd(0x408ffffc), 0x1234, "section: write through the mapping");

    // Small and large pages under 0x80100000
    for (int i = 0; i < 256; ++i) l2a[i] = 0;
    l2a[0x01] = 0x40901000 | SMALL | SMALL_NORMAL | SMALL_AP(3);
    l2a[0x02] = 0x40905000 | SMALL | SMALL_NORMAL | SMALL_AP(3);
    for (int i = 0x10; i < 0x20; ++i) l2a[i] = 0x40a00000 | LARGE | LARGE_NORMAL | LARGE_AP(3);
    set_desc(&rt_ttb[0x801], (u32)(uintptr_t)l2a | DESC_PAGE_TABLE);
    wr(0x40901124, 0x11112222);
    check_eq(rd(0x80101124), 0x11112222, "small page: read");
    wr(0x80101ffc, 0x33334444);
    check_eq(rd(0x40901ffc), 0x33334444, "small page: write");
    wr(0x40a01234, 0x55556666);
    wr(0x40a0fff8, 0x77778888);
    check_eq(rd(0x80111234), 0x55556666, "large page: read");
    check_eq(rd(0x8011fff8), 0x77778888, "large page: read at the end");

    // Supersection 0x82000000 -> 0x42000000 (16 identical entries)
    for (int i = 0x820; i < 0x830; ++i) rt_ttb[i] = 0x42000000 | SEC | SEC_SUPER | SEC_NORMAL | SEC_AP(3);
    tlb_flush_all();
    wr(0x42345678, 0x9999aaaa);
    wr(0x42fffffc, 0xbbbbcccc);
    check_eq(rd(0x82345678), 0x9999aaaa, "supersection: read");
    check_eq(rd(0x82fffffc), 0xbbbbcccc, "supersection: read at the end");

    // Unaligned access straddling two small pages that map to distant physical pages
    wr(0x40901ffc, 0x44332211);
    wr(0x40905000, 0x88776655);
    u32 v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(0x80101ffeu) : "memory");
    check_eq(v, 0x66554433, "unaligned load across two mapped pages");
    __asm__ volatile("str %0, [%1]" ::"r"(0xddccbbaau), "r"(0x80101fffu) : "memory");
    check(rd(0x40901ffc) == 0xaa332211 && rd(0x40905000) == 0x88ddccbb, "unaligned store across two mapped pages");

    // Address translation operations
    u32 par = ats(0x80000123, 0);
    check_eq(par & 0xfffff001, 0x40800000, "ATS1CPR section: PAR.PA, F = 0");
    par = ats(0x80111234, 0);
    check_eq(par & 0xfffff001, 0x40a01000, "ATS1CPR large page: PAR.PA");
    par = ats(0x82345678, 2);
    check_eq(par & 0xff000003, 0x42000002, "ATS1CUR supersection: PAR.PA[31:24], SS");
    par = ats(0x90000000, 0);
    check_eq(par & 0x7f, (0x5 << 1) | 1, "ATS1CPR unmapped: PAR.F, FS translation (section)");
    par = ats(0x80103000, 1);
    check_eq(par & 0x7f, (0x7 << 1) | 1, "ATS1CPW unmapped page: PAR.F, FS translation (page)");
}

static void test_faults(void) {
    catch_faults();
    u32 v;
    fault_clear();
    v = rd(0x90000000);
    EXPECT_DFAULT("unmapped section", 0x005, 0x90000000, FS_ONLY);
    fault_clear();
    v = rd(0x80103008);
    EXPECT_DFAULT("unmapped small page", 0x007, 0x80103008, FS_ONLY);
    fault_clear();
    wr(0x80103010, 1);
    EXPECT_DFAULT("write to unmapped small page", 0x807, 0x80103010, FS_ONLY);
    fault_clear();
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(0x80102ffeu) : "memory");
    check(rt_fault.count == 1 && (rt_fault.fsr & FS_ONLY) == 0x007 && rt_fault.far >= 0x80102ffe &&
              rt_fault.far <= 0x80103001,
          "unaligned load straddling into an unmapped page: translation fault (page)");

    // Domains: section in domain 3, page table in domain 5.
    set_desc(&rt_ttb[0x803], 0x40800000 | SEC | SEC_NORMAL | SEC_AP(3) | SEC_DOMAIN(3));
    for (int i = 0; i < 256; ++i) l2b[i] = 0;
    l2b[0] = 0x40902000 | SMALL | SMALL_NORMAL | SMALL_AP(0);  // AP 000: no access
    set_desc(&rt_ttb[0x804], (u32)(uintptr_t)l2b | DESC_PAGE_TABLE | SEC_DOMAIN(5));
    wr(0x40800020, 0x0d0d0d0d);
    wr(0x40902020, 0x0e0e0e0e);
    set_dacr(0x55555555 & ~(3u << 6) & ~(3u << 10));  // domains 3 and 5: no access
    fault_clear();
    v = rd(0x80300020);
    EXPECT_DFAULT("domain no access (section)", 0x039, 0x80300020, FS_DOMAIN);
    fault_clear();
    v = rd(0x80400020);
    EXPECT_DFAULT("domain no access (page)", 0x05b, 0x80400020, FS_DOMAIN);
    set_dacr(0x55555555 | (3u << 10));  // domain 5: manager
    fault_clear();
    v = rd(0x80400020);
    NOFAULT("manager domain ignores AP");
    check_eq(v, 0x0e0e0e0e, "manager domain: read");
    set_dacr(0x55555555);  // all client
    fault_clear();
    v = rd(0x80400020);
    EXPECT_DFAULT("client domain, AP 000 (page)", 0x05f, 0x80400020, FS_DOMAIN);
    set_desc(&rt_ttb[0x803], 0x40800000 | SEC | SEC_NORMAL | SEC_AP(0) | SEC_DOMAIN(3));
    fault_clear();
    v = rd(0x80300020);
    EXPECT_DFAULT("client domain, AP 000 (section)", 0x03d, 0x80300020, FS_DOMAIN);
    set_dacr(0x55555555 | (3u << 6));  // domain 3: manager
    fault_clear();
    v = rd(0x80300020);
    check(rt_fault.count == 0 && v == 0x0d0d0d0d, "manager domain (section): read");
    set_dacr(0x55555555);
    (void)v;
    default_faults();
}

struct perm_case {
    const char* name;
    u32 ap, apx;
    int priv_read, priv_write, user_read, user_write;
};

static void test_permissions(void) {
    static const struct perm_case cases[] = {
        {"AP 001 (privileged only)", 1, 0, 1, 1, 0, 0},
        {"AP 010 (User read-only)", 2, 0, 1, 1, 1, 0},
        {"AP 011 (full access)", 3, 0, 1, 1, 1, 1},
        {"APX AP 101 (privileged read-only)", 1, 1, 1, 0, 0, 0},
        {"APX AP 111 (read-only)", 3, 1, 1, 0, 1, 0},
    };
    catch_faults();
    char name[96];
    for (unsigned i = 0; i < ARRAY_SIZE(cases); ++i) {
        const struct perm_case* c = &cases[i];
        for (int page = 0; page < 2; ++page) {
            u32 va;
            if (page) {
                l2a[0x40] = 0x40903000 | SMALL | SMALL_NORMAL | SMALL_AP(c->ap) | (c->apx ? SMALL_APX : 0);
                tlb_flush_all();
                va = 0x80140040;
            } else {
                set_desc(&rt_ttb[0x805],
                         0x40800000 | SEC | SEC_NORMAL | SEC_AP(c->ap) | (c->apx ? SEC_APX : 0));
                va = 0x80500040;
            }
            const u32 perm = page ? 0x00f : 0x00d;
            const char* kind = page ? "page" : "section";
            struct {
                const char* what;
                int allowed, write, user;
            } acc[] = {{"privileged read", c->priv_read, 0, 0},
                       {"privileged write", c->priv_write, 1, 0},
                       {"User read", c->user_read, 0, 1},
                       {"User write", c->user_write, 1, 1}};
            for (int k = 0; k < 4; ++k) {
                fault_clear();
                if (acc[k].user)
                    rt_run_user(acc[k].write ? user_write : user_read, va, 0);
                else if (acc[k].write)
                    wr(va, 0x12121212);
                else
                    (void)rd(va);
                int j = 0;
                for (const char* s = c->name; *s;) name[j++] = *s++;
                name[j++] = ' ';
                for (const char* s = kind; *s;) name[j++] = *s++;
                name[j++] = ':';
                name[j++] = ' ';
                for (const char* s = acc[k].what; *s;) name[j++] = *s++;
                name[j] = 0;
                if (acc[k].allowed) {
                    check(rt_fault.count == 0, name);
                } else {
                    check(rt_fault.count == 1 && rt_fault.type == EXC_DABT &&
                              (rt_fault.fsr & FS_DOMAIN) == (perm | (acc[k].write ? 0x800u : 0)) &&
                              rt_fault.far == va && (rt_fault.spsr & 0x1f) == (acc[k].user ? MODE_USR : MODE_SVC),
                          name);
                    if (rt_fault.count && (rt_fault.fsr & FS_DOMAIN) != (perm | (acc[k].write ? 0x800u : 0)))
                        note("DFSR 0x%08x DFAR 0x%08x", rt_fault.fsr, rt_fault.far);
                }
            }
        }
    }
    // ATS1CUR / ATS1CPW report permission faults.
    set_desc(&rt_ttb[0x805], 0x40800000 | SEC | SEC_NORMAL | SEC_AP(1));
    check_eq(ats(0x80500000, 2) & 0x7f, (0xd << 1) | 1, "ATS1CUR on a privileged-only section: permission fault");
    check_eq(ats(0x80500000, 0) & 0xfffff001, 0x40800000, "ATS1CPR on a privileged-only section: PA");
    set_desc(&rt_ttb[0x805], 0x40800000 | SEC | SEC_NORMAL | SEC_AP(1) | SEC_APX);
    check_eq(ats(0x80500000, 1) & 0x7f, (0xd << 1) | 1, "ATS1CPW on a read-only section: permission fault");
    default_faults();
}

static const u32 ret42[] = {0xe3a0002a, 0xe12fff1e};  // mov r0, #42; bx lr

static void test_execute(void) {
    set_handler(EXC_PABT, on_pabt);
    memcpy((void*)0x40b00000, ret42, sizeof ret42);
    cache_sync_code((void*)0x40b00000, sizeof ret42);
    set_desc(&rt_ttb[0x806], 0x40b00000 | SEC | SEC_NORMAL | SEC_AP(3));
    cache_sync_code((void*)0x80600000, sizeof ret42);
    fault_clear();
    check_eq(rt_probe_call(0x80600000, 0), 42, "execute from a mapped section");
    set_desc(&rt_ttb[0x806], 0x40b00000 | SEC | SEC_NORMAL | SEC_AP(3) | SEC_XN);
    fault_clear();
    check_eq(rt_probe_call(0x80600000, 0), PROBE_FAULTED, "XN section: prefetch abort");
    check(rt_fault.type == EXC_PABT && (rt_fault.fsr & FS_DOMAIN) == 0x00d && rt_fault.far == 0x80600000 &&
              rt_fault.lr == 0x80600004,
          "XN section: IFSR permission (section), IFAR, LR");
    // XN small page
    l2a[0x60] = 0x40b00000 | SMALL | SMALL_NORMAL | SMALL_AP(3) | SMALL_XN;
    l2a[0x61] = 0x40b00000 | SMALL | SMALL_NORMAL | SMALL_AP(3);
    tlb_flush_all();
    fault_clear();
    check_eq(rt_probe_call(0x80161000, 0), 42, "execute from a mapped small page");
    fault_clear();
    check_eq(rt_probe_call(0x80160000, 0), PROBE_FAULTED, "XN small page: prefetch abort");
    check(rt_fault.type == EXC_PABT && (rt_fault.fsr & FS_DOMAIN) == 0x00f && rt_fault.far == 0x80160000,
          "XN small page: IFSR permission (page), IFAR");
    // Execute from an unmapped page
    fault_clear();
    check_eq(rt_probe_call(0x80170000, 0), PROBE_FAULTED, "unmapped small page: prefetch abort");
    check(rt_fault.type == EXC_PABT && (rt_fault.fsr & FS_ONLY) == 0x007 && rt_fault.far == 0x80170000,
          "unmapped small page: IFSR translation (page), IFAR");
    // User mode may not execute privileged-only code
    set_desc(&rt_ttb[0x806], 0x40b00000 | SEC | SEC_NORMAL | SEC_AP(1));
    fault_clear();
    check_eq(rt_run_user((u32(*)(u32))0x80600000, 0, 0), PROBE_FAULTED, "User execute of privileged-only code");
    check(rt_fault.type == EXC_PABT && (rt_fault.fsr & FS_DOMAIN) == 0x00d && (rt_fault.spsr & 0x1f) == MODE_USR,
          "  ... prefetch abort, permission (section), from USR");
    set_desc(&rt_ttb[0x806], 0x40b00000 | SEC | SEC_NORMAL | SEC_AP(3));
    check_eq(rt_run_user((u32(*)(u32))0x80600000, 0, 0), 42, "User execute of full-access code");

    // Rewrite the code through the identity alias, run it through 0x80600000.
    fault_clear();
    check_eq(rt_probe_call(0x80600000, 0), 42, "code alias: before the rewrite");
    wr(0x40b00000, 0xe3a0002b);  // mov r0, #43
    cache_sync_code((void*)0x40b00000, 4);
    check_eq(rt_probe_call(0x80600000, 0), 43, "code rewritten through another virtual alias runs");
    set_handler(EXC_PABT, 0);
}

static void test_tlb(void) {
    const u32 va = 0x80700000;
    wr(0x40c00000, 0xaaaa0001);
    wr(0x40d00000, 0xbbbb0002);
    const u32 a = 0x40c00000 | SEC | SEC_NORMAL | SEC_AP(3), b = 0x40d00000 | SEC | SEC_NORMAL | SEC_AP(3);
    set_desc(&rt_ttb[0x807], a);
    check_eq(rd(va), 0xaaaa0001, "tlb: mapping A");

    rt_ttb[0x807] = b;  // no maintenance: the old translation may or may not still be used
    dsb();
    note("tlb: after changing the descriptor without maintenance the old mapping %s",
         rd(va) == 0xaaaa0001 ? "is still used" : "is gone");
    MCR(0, 8, 7, 1, va);  // TLBIMVA (ASID 0)
    dsb();
    isb();
    check_eq(rd(va), 0xbbbb0002, "TLBIMVA: new mapping");

    rt_ttb[0x807] = a;
    dsb();
    (void)rd(va);
    MCR(0, 8, 7, 0, 0);  // TLBIALL
    dsb();
    isb();
    check_eq(rd(va), 0xaaaa0001, "TLBIALL: new mapping");

    rt_ttb[0x807] = b;
    dsb();
    (void)rd(va);
    MCR(0, 8, 7, 3, va);  // TLBIMVAA
    dsb();
    isb();
    check_eq(rd(va), 0xbbbb0002, "TLBIMVAA: new mapping");

    rt_ttb[0x807] = a;
    dsb();
    (void)rd(va);
    MCR(0, 8, 3, 1, va);  // TLBIMVAIS
    dsb();
    isb();
    check_eq(rd(va), 0xaaaa0001, "TLBIMVAIS: new mapping");

    rt_ttb[0x807] = b;
    dsb();
    (void)rd(va);
    MCR(0, 8, 3, 0, 0);  // TLBIALLIS
    dsb();
    isb();
    check_eq(rd(va), 0xbbbb0002, "TLBIALLIS: new mapping");

    // Non-global mappings are tagged with the ASID.
    MCR(0, 13, 0, 1, 5);  // CONTEXTIDR: ASID 5
    isb();
    set_desc(&rt_ttb[0x807], a | SEC_NG);
    check_eq(rd(va), 0xaaaa0001, "nG mapping under ASID 5");
    rt_ttb[0x807] = b | SEC_NG;
    dsb();
    MCR(0, 13, 0, 1, 6);  // ASID 6 has never run with the old descriptor
    isb();
    check_eq(rd(va), 0xbbbb0002, "ASID 6 does not use ASID 5's translation");
    MCR(0, 13, 0, 1, 5);
    isb();
    note("tlb: back on ASID 5 the old nG mapping %s", rd(va) == 0xaaaa0001 ? "is still used" : "is gone");
    MCR(0, 8, 7, 2, 5);  // TLBIASID 5
    dsb();
    isb();
    check_eq(rd(va), 0xbbbb0002, "TLBIASID: new mapping");
    rt_ttb[0x807] = a | SEC_NG;
    dsb();
    (void)rd(va);
    MCR(0, 8, 7, 1, va | 5);  // TLBIMVA with ASID 5
    dsb();
    isb();
    check_eq(rd(va), 0xaaaa0001, "TLBIMVA with the ASID: new nG mapping");
    MCR(0, 13, 0, 1, 0);
    isb();
    tlb_flush_all();
}

static void test_ttbr1(void) {
    for (int i = 0; i < 4096; ++i) ttb1[i] = 0;
    ttb1[0x800] = 0x40e00000 | SEC | SEC_NORMAL | SEC_AP(3);
    wr(0x40e00000, 0xeeee0001);
    wr(0x40800000, 0x88880001);
    set_desc(&rt_ttb[0x800], 0x40800000 | SEC | SEC_NORMAL | SEC_AP(3));
    check_eq(rd(0x80000000), 0x88880001, "TTBCR.N = 0: TTBR0 maps 0x80000000");
    MCR(0, 2, 0, 1, (u32)(uintptr_t)ttb1 | 0x6a);  // TTBR1
    MCR(0, 2, 0, 2, 1);                            // TTBCR.N = 1: TTBR1 from 0x80000000
    tlb_flush_all();
    check_eq(rd(0x80000000), 0xeeee0001, "TTBCR.N = 1: TTBR1 maps 0x80000000");
    check_eq(rd(0x40800000), 0x88880001, "TTBCR.N = 1: TTBR0 still maps the low half");
    check_eq(ats(0x80000000, 0) & 0xfffff001, 0x40e00000, "TTBCR.N = 1: ATS1CPR walks TTBR1");
    check_eq(MRC(0, 2, 0, 2), 1, "TTBCR reads back");
    MCR(0, 2, 0, 2, 0);
    tlb_flush_all();
    check_eq(rd(0x80000000), 0x88880001, "TTBCR.N = 0 again");
}

int main(void) {
#ifdef __thumb__
    note("MMU tests, T32");
#else
    note("MMU tests, A32");
#endif
    mmu_identity_init();
    mmu_enable();
    check(read_sctlr() & 1, "MMU on");
    test_descriptors();
    test_faults();
    test_permissions();
    test_execute();
    test_tlb();
    test_ttbr1();
    return 0;
}
