// Runtime for the bare-metal test programs: PL011 output, checks and the final verdict,
// exception dispatch, User-mode calls, identity MMU set-up, GIC set-up, PSCI power-off.
#include "rt.h"

int rt_failures, rt_checks;

// ---- PL011 ---------------------------------------------------------------------------------
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_CR 0x30
#define UART_FR_TXFF (1u << 5)

static void uart_init(void) { REG32(UART_BASE + UART_CR) = 0x301; }  // UARTEN, TXE, RXE

void uart_putc(char c) {
    while (REG32(UART_BASE + UART_FR) & UART_FR_TXFF) {
    }
    REG32(UART_BASE + UART_DR) = (u8)c;
}

void uart_puts(const char* s) {
    while (*s) uart_putc(*s++);
}

// ---- print -----------------------------------------------------------------------------------
static void put_padded(const char* s, int len, int width, char pad) {
    for (int i = len; i < width; ++i) uart_putc(pad);
    for (int i = 0; i < len; ++i) uart_putc(s[i]);
}

static void put_number(u64 v, unsigned base, int upper, int neg, int width, char pad) {
    char buf[24];
    int n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg) {
        if (pad == '0') {
            uart_putc('-');
            width--;
        } else {
            buf[n++] = '-';
        }
    }
    char out[24];
    for (int i = 0; i < n; ++i) out[i] = buf[n - 1 - i];
    put_padded(out, n, width, pad);
}

void vprint(const char* fmt, va_list ap) {
    for (; *fmt; ++fmt) {
        if (*fmt != '%') {
            uart_putc(*fmt);
            continue;
        }
        ++fmt;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0') pad = '0', ++fmt;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') ++longs, ++fmt;
        switch (*fmt) {
        case 'c':
            uart_putc((char)va_arg(ap, int));
            break;
        case 's': {
            const char* s = va_arg(ap, const char*);
            int len = 0;
            while (s[len]) ++len;
            put_padded(s, len, width, ' ');
            break;
        }
        case 'd': {
            s64 v = longs >= 2 ? va_arg(ap, s64) : va_arg(ap, int);
            put_number(v < 0 ? (u64)-v : (u64)v, 10, 0, v < 0, width, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            u64 v = longs >= 2 ? va_arg(ap, u64) : va_arg(ap, unsigned);
            put_number(v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, width, pad);
            break;
        }
        case 'p':
            uart_puts("0x");
            put_number((uintptr_t)va_arg(ap, void*), 16, 0, 0, 8, '0');
            break;
        case '%':
            uart_putc('%');
            break;
        default:
            uart_putc('%');
            uart_putc(*fmt);
            break;
        }
    }
}

void print(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void note(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    uart_puts("# ");
    vprint(fmt, ap);
    va_end(ap);
    uart_putc('\n');
}

// ---- checks ----------------------------------------------------------------------------------
int check(int cond, const char* name) {
    rt_checks++;
    if (cond) {
        print("ok %s\n", name);
        return 1;
    }
    rt_failures++;
    print("FAIL %s\n", name);
    return 0;
}

int check_eq(u32 got, u32 expected, const char* name) {
    rt_checks++;
    if (got == expected) {
        print("ok %s\n", name);
        return 1;
    }
    rt_failures++;
    print("FAIL %s: got 0x%08x, expected 0x%08x\n", name, got, expected);
    return 0;
}

int check_eq64(u64 got, u64 expected, const char* name) {
    rt_checks++;
    if (got == expected) {
        print("ok %s\n", name);
        return 1;
    }
    rt_failures++;
    print("FAIL %s: got 0x%016llx, expected 0x%016llx\n", name, got, expected);
    return 0;
}

int check_rf(const char* name, u32 got, u32 expected, u32 flags, u32 expected_flags) {
    rt_checks++;
    if (got == expected && flags == expected_flags) {
        print("ok %s\n", name);
        return 1;
    }
    rt_failures++;
    print("FAIL %s: got 0x%08x flags 0x%08x, expected 0x%08x flags 0x%08x\n", name, got, flags, expected,
          expected_flags);
    return 0;
}

static void __attribute__((noreturn)) finish(void) {
    if (rt_failures == 0 && rt_checks > 0)
        print("ALL PASS (%d checks)\n", rt_checks);
    else
        print("%d FAILED (of %d checks)\n", rt_failures ? rt_failures : 1, rt_checks);
    psci_off();
}

void psci_off(void) {
    register u32 r0 __asm__("r0") = 0x84000008u;  // PSCI SYSTEM_OFF
    __asm__ volatile(".arch_extension virt\n\thvc #0" : "+r"(r0)::"memory");
    print("psci_off: SYSTEM_OFF returned 0x%08x\n", r0);
    for (;;) wfi();
}

void rt_main(void) {
    uart_init();
    main();
    finish();
}

// ---- exceptions ------------------------------------------------------------------------------
static exc_handler handlers[8];
extern char rt_user_return[];

void set_handler(int type, exc_handler h) { handlers[type & 7] = h; }

u32 insn_size(u32 addr, u32 spsr) {
    if (!(spsr & PSR_T)) return 4;
    u16 hw = *(volatile u16*)(uintptr_t)addr;
    return (hw & 0xf800) >= 0xe800 ? 4 : 2;
}

u32 svc_imm(const exc_frame* f) {
    if (f->spsr & PSR_T) return *(volatile u16*)(uintptr_t)(f->lr - 2) & 0xff;
    return *(volatile u32*)(uintptr_t)(f->lr - 4) & 0xffffff;
}

void skip_dabt(exc_frame* f) {
    u32 insn = f->lr - 8;
    f->ret = insn + insn_size(insn, f->spsr);
}

void resume_at(exc_frame* f, u32 addr) {
    f->ret = addr & ~1u;
    f->spsr = (f->spsr & ~(PSR_T | 0x0600fc00u)) | ((addr & 1) ? PSR_T : 0);
}

void abandon_user(exc_frame* f, u32 value) {
    f->r[0] = value;
    f->ret = (u32)(uintptr_t)rt_user_return;
    f->spsr = (f->spsr & ~(0x1fu | PSR_T | 0x0600fc00u)) | MODE_SVC;
}

static const char* const kExcNames[8] = {"reset", "undef", "svc", "pabt", "dabt", "hyp", "irq", "fiq"};

void rt_exception(int type, exc_frame* f) {
    if (type == EXC_SVC && (f->spsr & 0x1f) == MODE_USR && !(f->spsr & PSR_T) && svc_imm(f) == 0xff00) {
        abandon_user(f, f->r[0]);
        return;
    }
    if (handlers[type]) {
        handlers[type](type, f);
        return;
    }
    rt_failures++;
    print("FAIL unexpected %s exception: lr=0x%08x spsr=0x%08x cpsr=0x%08x dfsr=0x%08x dfar=0x%08x "
          "ifsr=0x%08x ifar=0x%08x\n",
          kExcNames[type & 7], f->lr, f->spsr, read_cpsr(), read_dfsr(), read_dfar(), read_ifsr(), read_ifar());
    finish();
}

// ---- fault catcher -----------------------------------------------------------------------
volatile fault_record rt_fault;
volatile u32 rt_resume;

static void record(int type, exc_frame* f, u32 fsr, u32 far) {
    rt_fault.count++;
    rt_fault.type = (u32)type;
    rt_fault.fsr = fsr;
    rt_fault.far = far;
    rt_fault.lr = f->lr;
    rt_fault.spsr = f->spsr;
    rt_fault.cpsr = read_cpsr();
    u32 sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    rt_fault.sp = sp;
}

static void catch_undef(int type, exc_frame* f) {
    record(type, f, 0, 0);
    // LR is the instruction + 4 (A32) or + 2 (T32, whatever the instruction size).
    if (f->spsr & PSR_T) f->ret = (f->lr - 2) + insn_size(f->lr - 2, f->spsr);
}

static void catch_dabt(int type, exc_frame* f) {
    record(type, f, read_dfsr(), read_dfar());
    skip_dabt(f);
}

static void catch_pabt(int type, exc_frame* f) {
    record(type, f, read_ifsr(), read_ifar());
    if (rt_resume) {
        resume_at(f, rt_resume);
        f->r[0] = PROBE_FAULTED;
    } else {
        u32 insn = f->lr - 4;
        f->ret = insn + insn_size(insn, f->spsr);
    }
}

void fault_clear(void) {
    rt_fault.count = rt_fault.type = rt_fault.fsr = rt_fault.far = 0;
    rt_fault.lr = rt_fault.spsr = rt_fault.cpsr = rt_fault.sp = 0;
}

void catch_faults(void) {
    fault_clear();
    set_handler(EXC_UNDEF, catch_undef);
    set_handler(EXC_PABT, catch_pabt);
    set_handler(EXC_DABT, catch_dabt);
}

void default_faults(void) {
    set_handler(EXC_UNDEF, 0);
    set_handler(EXC_PABT, 0);
    set_handler(EXC_DABT, 0);
}

// ---- MMU -------------------------------------------------------------------------------------
u32 rt_ttb[4096] __attribute__((section(".ttb"), aligned(16384)));

void tlb_flush_all(void) {
    dsb();
    MCR(0, 8, 7, 0, 0);  // TLBIALL
    MCR(0, 7, 5, 6, 0);  // BPIALL
    dsb();
    isb();
}

void mmu_identity_init(void) {
    for (u32 i = 0; i < 4096; ++i) rt_ttb[i] = 0;
    for (u32 i = 0x080; i < 0x100; ++i) rt_ttb[i] = (i << 20) | SEC | SEC_DEVICE | SEC_AP(3);
    for (u32 i = 0x400; i < 0x500; ++i) rt_ttb[i] = (i << 20) | SEC | SEC_NORMAL | SEC_AP(3);
    dsb();
    MCR(0, 2, 0, 2, 0);                          // TTBCR: short descriptors, N = 0
    MCR(0, 2, 0, 0, (u32)(uintptr_t)rt_ttb | 0x6a);  // TTBR0, walks WBWA shareable
    MCR(0, 3, 0, 0, 0x55555555);                 // DACR: every domain client
    MCR(0, 13, 0, 1, 0);                         // CONTEXTIDR: ASID 0
    tlb_flush_all();
}

void mmu_enable(void) {
    u32 sctlr = read_sctlr();
    sctlr |= 1u | (1u << 2) | (1u << 11) | (1u << 12);  // M, C, Z, I
    dsb();
    write_sctlr(sctlr);
    isb();
}

void mmu_disable(void) {
    u32 sctlr = read_sctlr();
    sctlr &= ~(1u | (1u << 2));
    dsb();
    write_sctlr(sctlr);
    isb();
    tlb_flush_all();
}

void cache_sync_code(const void* start, u32 len) {
    u32 a = (u32)(uintptr_t)start & ~63u, end = (u32)(uintptr_t)start + len;
    for (; a < end; a += 32) MCR(0, 7, 11, 1, a);  // DCCMVAU
    dsb();
    MCR(0, 7, 5, 0, 0);  // ICIALLU
    MCR(0, 7, 5, 6, 0);  // BPIALL
    dsb();
    isb();
}

// ---- GIC -------------------------------------------------------------------------------------
void gic_init(void) {
    gicd(GICD_CTLR) = 0;
    u32 lines = ((gicd(GICD_TYPER) & 0x1f) + 1) * 32;
    for (u32 i = 0; i < lines; i += 32) {
        gicd(GICD_ICENABLER + i / 8) = 0xffffffffu;
        gicd(GICD_ICPENDR + i / 8) = 0xffffffffu;
        gicd(GICD_IGROUPR + i / 8) = 0;
    }
    for (u32 i = 0; i < lines; i += 4) gicd(GICD_IPRIORITYR + i) = 0xa0a0a0a0u;
    for (u32 i = 32; i < lines; i += 4) gicd(GICD_ITARGETSR + i) = 0x01010101u;
    gicd(GICD_CTLR) = 3;           // EnableGrp0, EnableGrp1
    gicc(GICC_PMR) = 0xff;
    gicc(GICC_BPR) = 0;
    gicc(GICC_CTLR) = 3 | (1u << 2);  // EnableGrp0, EnableGrp1, AckCtl; FIQEn off: all IRQ
}

void gic_enable_irq(u32 id, u32 priority) {
    volatile u8* prio = (volatile u8*)(uintptr_t)(GICD_BASE + GICD_IPRIORITYR);
    prio[id] = (u8)priority;
    gicd(GICD_ISENABLER + (id / 32) * 4) = 1u << (id % 32);
}

void gic_disable_irq(u32 id) { gicd(GICD_ICENABLER + (id / 32) * 4) = 1u << (id % 32); }

// ---- libc bits the compiler may call -------------------------------------------------------
void* memset(void* d, int c, unsigned long n) {
    volatile u8* p = d;
    while (n--) *p++ = (u8)c;
    return d;
}

void* memcpy(void* d, const void* s, unsigned long n) {
    volatile u8* p = d;
    const u8* q = s;
    while (n--) *p++ = *q++;
    return d;
}

// libgcc's helpers carry unwind tables that name these personality routines.
void __aeabi_unwind_cpp_pr0(void) {}
void __aeabi_unwind_cpp_pr1(void) {}
void __aeabi_unwind_cpp_pr2(void) {}
