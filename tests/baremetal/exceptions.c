// Exceptions: undefined instructions (UDF, an absent coprocessor, VFP while disabled, a
// privileged CP15 access from User mode), SVC with its immediate (from SVC and User mode),
// BKPT, prefetch aborts (a branch to an unmapped address with the MMU on), data aborts
// (DFSR, DFAR, base register restored), IRQ from an SGI through the GIC (acknowledge, running
// priority, priority mask), FIQ (Group 0 with GICC_CTLR.FIQEn) with its banked registers, the
// banked SP/SPSR of every mode, User mode restrictions, the classic return instructions
// (MOVS PC, LR / SUBS PC, LR, #imm / LDM ^) and Thumb exception entry (SCTLR.TE).
// Every exception is checked for its mode, CPSR mask bits, LR and SPSR.
//
// Built as A32 (exceptions.elf) and T32 (exceptions-thumb.elf): LR offsets and SPSR.T differ.
#include "rt.h"

#ifdef __thumb__
#define STATE_T PSR_T
#define UNDEF_LR_OFFSET 2u
#else
#define STATE_T 0u
#define UNDEF_LR_OFFSET 4u
#endif
#define MODE(psr) ((psr)&0x1fu)
#define MASKS(psr) ((psr) & (PSR_A | PSR_I | PSR_F))

extern char alt_vectors[], thumb_vectors[], rt_vectors[];
extern char __stack_und[], __stack_abt[], __stack_irq[], __stack_fiq[], __stack_usr[], __stack_svc[];

// ---- SVC -------------------------------------------------------------------------------------
static volatile u32 svc_count, svc_imm_seen, svc_lr, svc_spsr, svc_cpsr;
static void on_svc(int type, exc_frame* f) {
    (void)type;
    svc_count++;
    svc_imm_seen = svc_imm(f);
    svc_lr = f->lr;
    svc_spsr = f->spsr;
    svc_cpsr = read_cpsr();
    f->r[0] = svc_imm_seen + 1;
}

static void test_undef(void) {
    u32 at, spsr_flags, r4v;
    catch_faults();
    // UDF with NZCV = 1010 and r4 holding a value that must survive.
    __asm__ volatile("msr APSR_nzcvq, %[fl]\n\tmov r4, #0x44\n\tadr %[at], 1f\n1:\tudf #0x12\n\t"
                     "mrs %[f], APSR\n\tmov %[r4v], r4"
                     : [at] "=&r"(at), [f] "=&r"(spsr_flags), [r4v] "=&r"(r4v)
                     : [fl] "r"(0xa0000000u)
                     : "r4", "cc", "memory");
    at &= ~1u;
    check(rt_fault.count == 1 && rt_fault.type == EXC_UNDEF, "udf: undefined instruction exception");
#ifdef __thumb__
    check_eq(rt_fault.lr, at + 2, "udf: LR = insn + 2 (16-bit T32)");
#else
    check_eq(rt_fault.lr, at + 4, "udf: LR = insn + 4");
#endif
    check_eq(MODE(rt_fault.spsr), MODE_SVC, "udf: SPSR mode SVC");
    check_eq(rt_fault.spsr & (PSR_NZCV | PSR_T), 0xa0000000u | STATE_T, "udf: SPSR flags and T");
    check_eq(MASKS(rt_fault.spsr), PSR_I, "udf: SPSR masks (I only)");
    check_eq(MODE(rt_fault.cpsr), MODE_UND, "udf: handler in UND mode");
    check_eq(rt_fault.cpsr & (PSR_A | PSR_I | PSR_F | PSR_T), PSR_I, "udf: handler CPSR I set, A F unchanged, T 0");
    check(rt_fault.sp <= (u32)(uintptr_t)__stack_und && rt_fault.sp > (u32)(uintptr_t)__stack_und - 0x1000,
          "udf: handler on the UND stack");
    check_eq(spsr_flags & PSR_NZCV, 0xa0000000u, "udf: flags restored on return");
    check_eq(r4v, 0x44, "udf: registers preserved");

#ifdef __thumb__
    fault_clear();
    __asm__ volatile("adr %[at], 1f\n1:\tudf.w #0x1234" : [at] "=&r"(at)::"memory");
    // The Undefined Instruction LR offset is 2 in T32 whatever the instruction size.
    check_eq(rt_fault.lr, (at & ~1u) + 2, "udf.w: LR = insn + 2 (32-bit T32)");
#endif

    // A coprocessor that does not exist.
    fault_clear();
    __asm__ volatile("adr %[at], 1f\n1:\tmcr p7, 0, r0, c0, c0, 0" : [at] "=&r"(at)::"memory");
    check(rt_fault.count == 1 && rt_fault.type == EXC_UNDEF && rt_fault.lr == (at & ~1u) + UNDEF_LR_OFFSET,
          "mcr to an absent coprocessor is undefined");

    // VFP with FPEXC.EN clear, then with CPACR denying cp10/cp11.
    u32 fpexc;
    __asm__ volatile("vmrs %0, fpexc" : "=r"(fpexc));
    __asm__ volatile("vmsr fpexc, %0" ::"r"(0u));
    fault_clear();
    __asm__ volatile("adr %[at], 1f\n1:\tvadd.f32 s0, s0, s1" : [at] "=&r"(at)::"s0", "memory");
    check(rt_fault.count == 1 && rt_fault.type == EXC_UNDEF && rt_fault.lr == (at & ~1u) + UNDEF_LR_OFFSET,
          "vadd with FPEXC.EN clear is undefined");
    __asm__ volatile("vmsr fpexc, %0" ::"r"(fpexc));
    u32 cpacr = MRC(0, 1, 0, 2);
    MCR(0, 1, 0, 2, cpacr & ~(0xfu << 20));
    isb();
    fault_clear();
    __asm__ volatile("vadd.f32 s0, s0, s1" ::: "s0", "memory");
    check(rt_fault.count == 1 && rt_fault.type == EXC_UNDEF, "vadd with CPACR cp10/cp11 denied is undefined");
    MCR(0, 1, 0, 2, cpacr);
    isb();
    fault_clear();
    __asm__ volatile("vadd.f32 s0, s0, s1" ::: "s0", "memory");
    check(rt_fault.count == 0, "vadd with VFP enabled again");
    default_faults();
}

static void test_svc(void) {
    set_handler(EXC_SVC, on_svc);
    svc_count = 0;
    u32 at, r0;
#ifdef __thumb__
    __asm__ volatile("mov r0, #0\n\tadr %[at], 1f\n1:\tsvc #0xab\n\tmov %[r0], r0"
                     : [at] "=&r"(at), [r0] "=r"(r0)
                     :
                     : "r0", "lr", "cc", "memory");
    at &= ~1u;
    check(svc_count == 1 && svc_imm_seen == 0xab, "svc #0xab: handler sees the immediate");
    check_eq(svc_lr, at + 2, "svc: LR = insn + 2");
    check_eq(r0, 0xac, "svc: result in r0");
#else
    __asm__ volatile("mov r0, #0\n\tadr %[at], 1f\n1:\tsvc #0x123456\n\tmov %[r0], r0"
                     : [at] "=&r"(at), [r0] "=r"(r0)
                     :
                     : "r0", "lr", "cc", "memory");
    check(svc_count == 1 && svc_imm_seen == 0x123456, "svc #0x123456: handler sees the immediate");
    check_eq(svc_lr, at + 4, "svc: LR = insn + 4");
    check_eq(r0, 0x123457, "svc: result in r0");
#endif
    check_eq(MODE(svc_spsr), MODE_SVC, "svc: SPSR mode SVC");
    check_eq(svc_spsr & PSR_T, STATE_T, "svc: SPSR.T");
    check_eq(MODE(svc_cpsr), MODE_SVC, "svc: handler in SVC mode");
    check_eq(MASKS(svc_cpsr), PSR_I, "svc: handler CPSR I set, A F unchanged");

    // A failed condition: no exception.
    svc_count = 0;
#ifdef __thumb__
    __asm__ volatile("cmp %0, %0\n\tit ne\n\tsvcne #1" ::"r"(0u) : "r0", "lr", "cc", "memory");
#else
    __asm__ volatile("cmp %0, %0\n\tsvcne #1" ::"r"(0u) : "r0", "lr", "cc", "memory");
#endif
    check_eq(svc_count, 0, "svcne with Z set does nothing");
    set_handler(EXC_SVC, 0);
}

#ifdef __thumb__
static volatile u32 it_spsr, it_count;
static void on_svc_it(int type, exc_frame* f) {
    (void)type;
    it_count++;
    it_spsr = f->spsr;
}

// SVC in the middle of an IT block: SPSR holds the IT state of the next instruction and the
// return continues the block.
static void test_svc_in_it_block(void) {
    set_handler(EXC_SVC, on_svc_it);
    it_count = 0;
    u32 r;
    __asm__ volatile("movs %[r], #0\n\tcmp %[r], #0\n\tittt eq\n\taddeq %[r], %[r], #1\n\tsvceq #5\n\t"
                     "addeq %[r], %[r], #2"
                     : [r] "=&r"(r)
                     :
                     : "lr", "cc", "memory");
    check(it_count == 1 && r == 3, "svc inside an IT block returns into the block");
    check_eq(it_spsr & 0x0600fc00u, 0x00000800u, "svc inside an IT block: SPSR.IT for the third instruction");
    it_count = 0;
    __asm__ volatile("movs %[r], #1\n\tcmp %[r], #0\n\tittt eq\n\taddeq %[r], %[r], #1\n\tsvceq #5\n\t"
                     "addeq %[r], %[r], #2"
                     : [r] "=&r"(r)
                     :
                     : "lr", "cc", "memory");
    check(it_count == 0 && r == 1, "svc inside a failing IT block is skipped");
    set_handler(EXC_SVC, 0);
}
#endif

static void test_bkpt(void) {
    u32 at;
    catch_faults();
    __asm__ volatile("adr %[at], 1f\n1:\tbkpt #0x42" : [at] "=&r"(at)::"memory");
    at &= ~1u;
    check(rt_fault.count == 1 && rt_fault.type == EXC_PABT, "bkpt: prefetch abort");
    check_eq(rt_fault.fsr & 0x40f, 0x002, "bkpt: IFSR debug event");
    check_eq(rt_fault.lr, at + 4, "bkpt: LR = insn + 4");
    check_eq(rt_fault.spsr & (PSR_T | 0x1f), STATE_T | MODE_SVC, "bkpt: SPSR mode and T");
    check_eq(MODE(rt_fault.cpsr), MODE_ABT, "bkpt: handler in ABT mode");
    check_eq(MASKS(rt_fault.cpsr), PSR_A | PSR_I, "bkpt: handler CPSR A I set, F unchanged");
    default_faults();
}

static void test_aborts(void) {
    mmu_identity_init();
    mmu_enable();
    catch_faults();

    // Prefetch abort: branch to an unmapped address, in A32 and in T32.
    u32 r = rt_probe_call(0x80000000u, 7);
    check_eq(r, PROBE_FAULTED, "branch to unmapped: prefetch abort");
    check(rt_fault.count == 1 && rt_fault.type == EXC_PABT, "prefetch abort taken once");
    check_eq(rt_fault.fsr & 0x40f, 0x005, "prefetch abort: IFSR translation fault (section)");
    check_eq(rt_fault.far, 0x80000000u, "prefetch abort: IFAR");
    check_eq(rt_fault.lr, 0x80000004u, "prefetch abort: LR = address + 4");
    check_eq(rt_fault.spsr & (PSR_T | 0x1f), MODE_SVC, "prefetch abort: SPSR A32 SVC");
    check_eq(MODE(rt_fault.cpsr), MODE_ABT, "prefetch abort: handler in ABT mode");
    check_eq(MASKS(rt_fault.cpsr), PSR_A | PSR_I, "prefetch abort: handler CPSR A I set, F unchanged");
    check(rt_fault.sp <= (u32)(uintptr_t)__stack_abt && rt_fault.sp > (u32)(uintptr_t)__stack_abt - 0x1000,
          "prefetch abort: handler on the ABT stack");
    fault_clear();
    r = rt_probe_call(0x80100001u, 7);
    check(r == PROBE_FAULTED && rt_fault.count == 1 && rt_fault.far == 0x80100000u && rt_fault.lr == 0x80100004u,
          "branch to unmapped T32 code: prefetch abort, IFAR, LR");
    check_eq(rt_fault.spsr & (PSR_T | 0x1f), PSR_T | MODE_SVC, "prefetch abort in T32: SPSR.T set");

    // Data aborts: load and store, base write-back undone.
    u32 at, base = 0x80000000u, v = 0x77;
    fault_clear();
    __asm__ volatile("adr %[at], 1f\n1:\tldr %[v], [%[b], #4]!" : [at] "=&r"(at), [v] "+&r"(v), [b] "+&r"(base)::"memory");
    at &= ~1u;
    check(rt_fault.count == 1 && rt_fault.type == EXC_DABT, "load from unmapped: data abort");
    check_eq(rt_fault.fsr & 0x1c0f, 0x005, "data abort: DFSR translation fault (section), read");
    check_eq(rt_fault.far, 0x80000004u, "data abort: DFAR");
    check_eq(rt_fault.lr, at + 8, "data abort: LR = insn + 8");
    check_eq(rt_fault.spsr & (PSR_T | 0x1f), STATE_T | MODE_SVC, "data abort: SPSR mode and T");
    check_eq(MODE(rt_fault.cpsr), MODE_ABT, "data abort: handler in ABT mode");
    check_eq(MASKS(rt_fault.cpsr), PSR_A | PSR_I, "data abort: handler CPSR A I set, F unchanged");
    check_eq(base, 0x80000000u, "data abort: base write-back not done");
    fault_clear();
    __asm__ volatile("str %[v], [%[b], #-8]" ::[v] "r"(v), [b] "r"(0x90000000u) : "memory");
    check(rt_fault.count == 1 && rt_fault.type == EXC_DABT, "store to unmapped: data abort");
    check_eq(rt_fault.fsr & 0x1c0f, 0x805, "data abort: DFSR translation fault, write (WnR)");
    check_eq(rt_fault.far, 0x8ffffff8u, "data abort on store: DFAR");
    fault_clear();
    __asm__ volatile("ldm %[b], {r4, r5}" : : [b] "r"(0x80200000u) : "r4", "r5", "memory");
    check(rt_fault.count == 1 && (rt_fault.fsr & 0x1c0f) == 0x005 && rt_fault.far == 0x80200000u,
          "ldm from unmapped: data abort, DFSR, DFAR");
    default_faults();
    mmu_disable();
}

// ---- IRQ and FIQ -------------------------------------------------------------------------------
static volatile u32 irq_count, irq_id, irq_lr, irq_spsr, irq_cpsr, irq_rpr, irq_sp;
static void on_irq(int type, exc_frame* f) {
    u32 iar = gicc(GICC_IAR);
    irq_count++;
    irq_id = iar;
    irq_lr = f->lr;
    irq_spsr = f->spsr;
    irq_cpsr = read_cpsr();
    irq_rpr = gicc(GICC_RPR);
    u32 sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    irq_sp = sp;
    if ((iar & 0x3ff) < 1020) gicc(GICC_EOIR) = iar;
    f->ret = f->lr - 4;
    (void)type;
}

static volatile u32 fiq_count, fiq_id, fiq_lr, fiq_spsr, fiq_cpsr, fiq_r8;
static void on_fiq(int type, exc_frame* f) {
    u32 iar = gicc(GICC_IAR);
    fiq_count++;
    fiq_id = iar;
    fiq_lr = f->lr;
    fiq_spsr = f->spsr;
    fiq_cpsr = read_cpsr();
    fiq_r8 = f->r[8];  // the FIQ bank's r8
    if ((iar & 0x3ff) < 1020) gicc(GICC_EOIR) = iar;
    f->ret = f->lr - 4;
    (void)type;
}

static void test_irq(void) {
    gic_init();
    set_handler(EXC_IRQ, on_irq);
    irq_count = 0;
    check_eq(gicc(GICC_IAR) & 0x3ff, 1023, "GICC_IAR with nothing pending: spurious 1023");
    gic_enable_irq(5, 0x80);
    gicd(GICD_SGIR) = (2u << 24) | 5;  // SGI 5 to this CPU
    dsb();
    check_eq(irq_count, 0, "SGI pending while CPSR.I is set: not taken");
    check_eq(gicc(GICC_HPPIR) & 0x3ff, 5, "GICC_HPPIR shows SGI 5");
    u32 start, end;
    __asm__ volatile("adr %[s], 1f\n\tadr %[e], 2f\n\tcpsie i\n1:\tisb\n\tnop\n\tnop\n\tnop\n2:\tcpsid i"
                     : [s] "=&r"(start), [e] "=&r"(end)::"memory");
    start &= ~1u;
    end &= ~1u;
    check_eq(irq_count, 1, "SGI taken once after cpsie i");
    check_eq(irq_id, 5, "GICC_IAR: SGI 5 from CPU 0");
    check(irq_lr - 4 >= start && irq_lr - 4 <= end, "irq: LR - 4 is the next instruction to run");
    check_eq(MODE(irq_spsr), MODE_SVC, "irq: SPSR mode SVC");
    check_eq(irq_spsr & (PSR_I | PSR_T), STATE_T, "irq: SPSR I clear, T");
    check_eq(MODE(irq_cpsr), MODE_IRQ, "irq: handler in IRQ mode");
    check_eq(MASKS(irq_cpsr), PSR_A | PSR_I, "irq: handler CPSR A I set, F unchanged");
    check_eq(irq_rpr, 0x80, "irq: running priority is the SGI's");
    check(irq_sp <= (u32)(uintptr_t)__stack_irq && irq_sp > (u32)(uintptr_t)__stack_irq - 0x1000,
          "irq: handler on the IRQ stack");
    check_eq(gicc(GICC_RPR) & 0xff, 0xff, "after EOI: idle priority");

    // The priority mask holds back an interrupt of lower priority (larger value).
    gicc(GICC_PMR) = 0x80;
    irq_count = 0;
    gicd(GICD_SGIR) = (2u << 24) | 5;
    dsb();
    irq_enable();
    for (volatile int i = 0; i < 100; ++i) {
    }
    check_eq(irq_count, 0, "GICC_PMR masks an equal priority");
    gicc(GICC_PMR) = 0xff;
    isb();
    for (volatile int i = 0; i < 100 && irq_count == 0; ++i) {
    }
    irq_disable();
    check_eq(irq_count, 1, "interrupt taken once the mask opens");
    gic_disable_irq(5);
    set_handler(EXC_IRQ, 0);
}

static void test_fiq(void) {
    set_handler(EXC_FIQ, on_fiq);
    set_handler(EXC_IRQ, on_irq);
    fiq_count = irq_count = 0;
    gicc(GICC_CTLR) = gicc(GICC_CTLR) | (1u << 3);  // FIQEn: Group 0 interrupts signal FIQ
    gic_enable_irq(6, 0x40);
    gicd(GICD_SGIR) = (2u << 24) | 6;
    dsb();
    u32 r8v;
    __asm__ volatile("mov r8, #0x88\n\tcpsie f\n\tisb\n\tnop\n\tnop\n\tcpsid f\n\tmov %0, r8" : "=r"(r8v)::"r8", "memory");
    check_eq(fiq_count, 1, "fiq: Group 0 SGI with FIQEn taken as FIQ");
    check_eq(irq_count, 0, "fiq: not as IRQ");
    check_eq(fiq_id, 6, "fiq: GICC_IAR SGI 6");
    check_eq(MODE(fiq_cpsr), MODE_FIQ, "fiq: handler in FIQ mode");
    check_eq(MASKS(fiq_cpsr), PSR_A | PSR_I | PSR_F, "fiq: handler CPSR A I F set");
    check_eq(MODE(fiq_spsr), MODE_SVC, "fiq: SPSR mode SVC");
    check_eq(fiq_spsr & (PSR_F | PSR_T), STATE_T, "fiq: SPSR F clear, T");
    check(fiq_r8 != 0x88, "fiq: r8 is banked");
    check_eq(r8v, 0x88, "fiq: SVC r8 preserved");

    // Group 1 interrupts still signal IRQ.
    gicd(GICD_IGROUPR) = gicd(GICD_IGROUPR) | (1u << 5);
    gic_enable_irq(5, 0x40);
    gicd(GICD_SGIR) = (2u << 24) | 5;
    dsb();
    __asm__ volatile("cpsie if\n\tisb\n\tnop\n\tnop\n\tcpsid if" ::: "memory");
    check(irq_count == 1 && irq_id == 5 && fiq_count == 1, "Group 1 SGI with FIQEn taken as IRQ");
    gic_disable_irq(5);
    gic_disable_irq(6);
    gicd(GICD_IGROUPR) = 0;
    gicc(GICC_CTLR) = gicc(GICC_CTLR) & ~(1u << 3);
    set_handler(EXC_FIQ, 0);
    set_handler(EXC_IRQ, 0);
}

// ---- modes -----------------------------------------------------------------------------------
#define READ_BANKED(mode, what)                                                               \
    ({                                                                                        \
        u32 v_;                                                                               \
        __asm__ volatile("cps #" #mode "\n\tmov %0, " what "\n\tcps #0x13" : "=r"(v_)::"memory"); \
        v_;                                                                                   \
    })

static void test_banked(void) {
    check_eq(READ_BANKED(0x1b, "sp"), (u32)(uintptr_t)__stack_und, "UND SP banked");
    check_eq(READ_BANKED(0x17, "sp"), (u32)(uintptr_t)__stack_abt, "ABT SP banked");
    check_eq(READ_BANKED(0x12, "sp"), (u32)(uintptr_t)__stack_irq, "IRQ SP banked");
    check_eq(READ_BANKED(0x11, "sp"), (u32)(uintptr_t)__stack_fiq, "FIQ SP banked");
    check_eq(READ_BANKED(0x1f, "sp"), (u32)(uintptr_t)__stack_usr, "SYS/USR SP banked");
    u32 r[5];
    __asm__ volatile("mov r8, #1\n\tmov r9, #2\n\tmov r10, #3\n\tcps #0x11\n\tmov r8, #0x81\n\tmov r9, #0x91\n\t"
                     "mov r10, #0xa1\n\tcps #0x12\n\tmov r0, r8\n\tcps #0x13\n\tmov r1, r8\n\tmov r2, r10\n\t"
                     "cps #0x11\n\tmov r3, r8\n\tmov r4, r10\n\tcps #0x13\n\tstmia %0, {r0-r4}"
                     :
                     : "r"(r)
                     : "r0", "r1", "r2", "r3", "r4", "r8", "r9", "r10", "memory");
    check(r[0] == 1 && r[1] == 1 && r[2] == 3, "r8-r12 shared outside FIQ mode");
    check(r[3] == 0x81 && r[4] == 0xa1, "r8-r12 banked in FIQ mode");
    u32 s1, s2;
    __asm__ volatile("cps #0x1b\n\tmsr spsr_fsxc, %2\n\tcps #0x17\n\tmsr spsr_fsxc, %3\n\tcps #0x1b\n\t"
                     "mrs %0, spsr\n\tcps #0x17\n\tmrs %1, spsr\n\tcps #0x13"
                     : "=&r"(s1), "=&r"(s2)
                     : "r"(0x800001d0u), "r"(0x400001d3u)
                     : "memory");
    check(s1 == 0x800001d0u && s2 == 0x400001d3u, "SPSR banked per mode");
}

// ---- User mode ---------------------------------------------------------------------------------
static u32 user_svc(u32 x) {
    register u32 r0 __asm__("r0") = x;
    __asm__ volatile("svc #0x42" : "+r"(r0)::"memory");  // on_svc returns imm + 1
    return r0 * 2 + x;
}

static u32 user_restrictions(u32 x) {
    u32 before, after;
    __asm__ volatile("mrs %0, cpsr" : "=r"(before));
    __asm__ volatile("cpsid aif\n\tmsr cpsr_c, %0" ::"r"(0x13u) : "memory");  // ignored in User mode
    __asm__ volatile("mrs %0, cpsr" : "=r"(after));
    return (before == after && (after & 0x1f) == MODE_USR) ? x : 0;
}

static u32 user_sctlr(u32 x) { return MRC(0, 1, 0, 0) + x; }

static u32 user_loop_until_irq(u32 x) {
    gicd(GICD_SGIR) = (2u << 24) | 7;  // the MMU is off: User mode reaches the GIC
    while (irq_count == 0) {
    }
    return x;
}

static void test_user(void) {
    set_handler(EXC_SVC, on_svc);
    svc_count = 0;
    check_eq(rt_run_user(user_svc, 5, 0), 0x43 * 2 + 5, "svc from User mode returns a value");
    check(svc_count == 1 && svc_imm_seen == 0x42, "svc from User mode: immediate");
    check_eq(MODE(svc_spsr), MODE_USR, "svc from User mode: SPSR mode USR");
    check_eq(svc_spsr & PSR_T, STATE_T, "svc from User mode: SPSR.T");
    set_handler(EXC_SVC, 0);
    check_eq(rt_run_user(user_restrictions, 9, 0), 9, "CPS and MSR cpsr_c are ignored in User mode");

    catch_faults();
    rt_run_user(user_sctlr, 0, 0);
    check(rt_fault.count == 1 && rt_fault.type == EXC_UNDEF, "MRC SCTLR in User mode is undefined");
    check_eq(MODE(rt_fault.spsr), MODE_USR, "  ... taken from USR mode");
    default_faults();

    // An IRQ interrupting User mode
    gic_init();
    set_handler(EXC_IRQ, on_irq);
    irq_count = 0;
    gic_enable_irq(7, 0x80);
    irq_enable();
    u32 r = rt_run_user(user_loop_until_irq, 3, 0);
    irq_disable();
    check(r == 3 && irq_count == 1 && irq_id == 7, "IRQ taken in User mode");
    check_eq(MODE(irq_spsr), MODE_USR, "  ... SPSR mode USR");
    gic_disable_irq(7);
    set_handler(EXC_IRQ, 0);
}

// ---- classic exception returns, Thumb exception entry --------------------------------------------
static void test_returns(void) {
    u32 r0v, flags;
    MCR(0, 12, 0, 0, (u32)(uintptr_t)alt_vectors);
    isb();
    __asm__ volatile("msr APSR_nzcvq, %[fl]\n\tmov r0, #0\n\tsvc #0\n\tudf #1\n\tbkpt #2\n\t"
                     "mrs %[f], APSR\n\tmov %[r0], r0"
                     : [r0] "=r"(r0v), [f] "=&r"(flags)
                     : [fl] "r"(0x50000000u)
                     : "r0", "r1", "lr", "cc", "memory");
    check_eq(r0v, 0x111, "movs pc, lr / ldm ^ / subs pc, lr, #imm return to the next instruction");
    check_eq(flags & PSR_NZCV, 0x50000000u, "classic returns restore the flags");

    // SCTLR.TE: the vector table holds T32 code.
    MCR(0, 12, 0, 0, (u32)(uintptr_t)thumb_vectors);
    write_sctlr(read_sctlr() | (1u << 30));
    isb();
    u32 mode;
    __asm__ volatile("mov r0, #0\n\tsvc #0\n\tudf #1\n\tmov %[r0], r0\n\tmov %[m], r1"
                     : [r0] "=r"(r0v), [m] "=r"(mode)
                     :
                     : "r0", "r1", "lr", "cc", "memory");
    write_sctlr(read_sctlr() & ~(1u << 30));
    MCR(0, 12, 0, 0, (u32)(uintptr_t)rt_vectors);
    isb();
    check_eq(r0v, 0x22, "SCTLR.TE: exceptions enter T32 handlers and return");
    check_eq(MODE(mode), MODE_SVC, "SCTLR.TE: SVC handler in SVC mode");
}

int main(void) {
#ifdef __thumb__
    note("exception tests, T32");
#else
    note("exception tests, A32");
#endif
    __asm__ volatile("cpsie af" ::: "memory");  // A and F open, so that entry shows what it sets
    test_undef();
    test_svc();
#ifdef __thumb__
    test_svc_in_it_block();
#endif
    test_bkpt();
    test_aborts();
    test_banked();
    test_irq();
    __asm__ volatile("cpsid f" ::: "memory");
    test_fiq();
    test_user();
    test_returns();
    return 0;
}
