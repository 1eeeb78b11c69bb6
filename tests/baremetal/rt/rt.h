// Tiny runtime for emu's bare-metal test programs on the virt board (see start.S, rt.c).
#pragma once

#include <stdarg.h>  // the compiler's own; no C library is used

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef unsigned int uintptr_t;

// ---- virt board ------------------------------------------------------------------------
#define UART_BASE 0x09000000u
#define GICD_BASE 0x08000000u
#define GICC_BASE 0x08010000u
#define RTC_BASE 0x09010000u
#define RAM_BASE 0x40000000u

#define REG32(addr) (*(volatile u32*)(uintptr_t)(addr))

// ---- output and checks -----------------------------------------------------------------
void uart_putc(char c);
void uart_puts(const char* s);
// printf subset: %s %c %d %u %x %X %p, with '0' flag and width; 'l'/'ll' for 64-bit.
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* fmt, va_list ap);

// check(cond, name): "ok <name>" or "FAIL <name>"; the final line of the program is
// "ALL PASS" or "<n> FAILED".
int check(int cond, const char* name);
int check_eq(u32 got, u32 expected, const char* name);   // FAIL line shows got/expected
int check_eq64(u64 got, u64 expected, const char* name);
// Result and flags of one operation in one check.
int check_rf(const char* name, u32 got, u32 expected, u32 flags, u32 expected_flags);
void note(const char* fmt, ...) __attribute__((format(printf, 1, 2)));  // "# ..." line
extern int rt_failures, rt_checks;

int main(void);
void psci_off(void) __attribute__((noreturn));  // PSCI SYSTEM_OFF through HVC

// ---- CPSR, modes, system registers -----------------------------------------------------
#define MODE_USR 0x10u
#define MODE_FIQ 0x11u
#define MODE_IRQ 0x12u
#define MODE_SVC 0x13u
#define MODE_ABT 0x17u
#define MODE_UND 0x1bu
#define MODE_SYS 0x1fu
#define PSR_T (1u << 5)
#define PSR_F (1u << 6)
#define PSR_I (1u << 7)
#define PSR_A (1u << 8)
#define PSR_N (1u << 31)
#define PSR_Z (1u << 30)
#define PSR_C (1u << 29)
#define PSR_V (1u << 28)
#define PSR_Q (1u << 27)
#define PSR_NZCV 0xf0000000u

static inline u32 read_cpsr(void) {
    u32 v;
    __asm__ volatile("mrs %0, cpsr" : "=r"(v));
    return v;
}
static inline void irq_enable(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void fiq_enable(void) { __asm__ volatile("cpsie f" ::: "memory"); }
static inline void fiq_disable(void) { __asm__ volatile("cpsid f" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

#define MRC(op1, crn, crm, op2)                                                               \
    ({                                                                                       \
        u32 v_;                                                                              \
        __asm__ volatile("mrc p15, " #op1 ", %0, c" #crn ", c" #crm ", " #op2 : "=r"(v_)); \
        v_;                                                                                  \
    })
#define MCR(op1, crn, crm, op2, val) \
    __asm__ volatile("mcr p15, " #op1 ", %0, c" #crn ", c" #crm ", " #op2 ::"r"((u32)(val)) : "memory")
#define MRRC(op1, crm)                                                                         \
    ({                                                                                        \
        u32 lo_, hi_;                                                                         \
        __asm__ volatile("mrrc p15, " #op1 ", %0, %1, c" #crm : "=r"(lo_), "=r"(hi_)::"memory"); \
        ((u64)hi_ << 32) | lo_;                                                               \
    })
#define MCRR(op1, crm, val)                                                                      \
    __asm__ volatile("mcrr p15, " #op1 ", %0, %1, c" #crm ::"r"((u32)(val)), "r"((u32)((u64)(val) >> 32)) \
                     : "memory")

#define read_sctlr() MRC(0, 1, 0, 0)
#define write_sctlr(v) MCR(0, 1, 0, 0, v)
#define read_dfsr() MRC(0, 5, 0, 0)
#define read_ifsr() MRC(0, 5, 0, 1)
#define read_dfar() MRC(0, 6, 0, 0)
#define read_ifar() MRC(0, 6, 0, 2)

// ---- exceptions --------------------------------------------------------------------------
enum { EXC_UNDEF = 1, EXC_SVC = 2, EXC_PABT = 3, EXC_DABT = 4, EXC_IRQ = 6, EXC_FIQ = 7 };
typedef struct exc_frame {
    u32 r[13];
    u32 lr;    // the exception mode's LR (raw exception return link)
    u32 ret;   // where RFE returns (initially == lr: handlers must adjust it)
    u32 spsr;  // CPSR after return
} exc_frame;
typedef void (*exc_handler)(int type, exc_frame* f);
// Install a handler (0: default, which reports "unexpected exception" and ends the program).
// The runtime handles SVC #0xff00 (end of rt_run_user) before any SVC handler.
void set_handler(int type, exc_handler h);
// The imm of the SVC that trapped (A32: 24 bits, T32: 8 bits).
u32 svc_imm(const exc_frame* f);
// Size of the instruction at addr in the state of spsr (2 or 4).
u32 insn_size(u32 addr, u32 spsr);
// Continue after the instruction that caused a data abort (LR = insn + 8).
void skip_dabt(exc_frame* f);
// Continue at a resume address (bit 0 = Thumb) in the original mode.
void resume_at(exc_frame* f, u32 addr);

// Fault catcher: record undefined-instruction, prefetch-abort and data-abort exceptions in
// rt_fault and carry on. Data aborts and undefined instructions skip the instruction;
// prefetch aborts resume at rt_resume if set (see
// rt_probe_call), else after the instruction (BKPT).
typedef struct fault_record {
    u32 count, type, fsr, far, lr, spsr, cpsr, sp;
} fault_record;
extern volatile fault_record rt_fault;
extern volatile u32 rt_resume;
void catch_faults(void);     // install the recording handlers and clear rt_fault
void fault_clear(void);      // clear rt_fault
void default_faults(void);   // back to "unexpected exception" for undef/pabt/dabt
// Call fn(arg) (bit 0 = Thumb) with rt_resume set to the point after the call, so that a
// prefetch abort at fn resumes there. Returns fn's r0, or 0xfa17fa17 after an abort.
u32 rt_probe_call(u32 fn, u32 arg);
#define PROBE_FAULTED 0xfa17fa17u

// Run fn(arg) in User mode (fn may be Thumb); returns fn's result, or the value an exception
// handler gave to abandon_user().
u32 rt_run_user(u32 (*fn)(u32), u32 arg, void* user_sp);
void abandon_user(exc_frame* f, u32 value);

// ---- MMU ---------------------------------------------------------------------------------
extern u32 rt_ttb[4096];  // 16 KiB L1 table (short descriptors)
// Section attributes (short-descriptor, TEX remap off)
#define SEC 0x2u
#define SEC_B (1u << 2)
#define SEC_C (1u << 3)
#define SEC_XN (1u << 4)
#define SEC_DOMAIN(d) ((u32)(d) << 5)
#define SEC_AP(ap) ((u32)((ap)&3) << 10)
#define SEC_TEX(t) ((u32)(t) << 12)
#define SEC_APX (1u << 15)
#define SEC_S (1u << 16)
#define SEC_NG (1u << 17)
#define SEC_SUPER (1u << 18)
#define SEC_NORMAL (SEC_TEX(1) | SEC_C | SEC_B | SEC_S)  // write-back write-allocate, shareable
#define SEC_DEVICE (SEC_B | SEC_XN)                      // shareable device
// Identity map: RAM 0x40000000-0x4fffffff normal RWX (full access, domain 0), devices
// 0x08000000-0x0fffffff device; everything else faults. DACR: every domain client.
void mmu_identity_init(void);
void mmu_enable(void);
void mmu_disable(void);
void tlb_flush_all(void);
void cache_sync_code(const void* start, u32 len);  // after writing instructions

// ---- GIC ---------------------------------------------------------------------------------
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define gicd(off) REG32(GICD_BASE + (off))
#define gicc(off) REG32(GICC_BASE + (off))
// Distributor and CPU interface on, all Group 0 as IRQ, priority mask open.
void gic_init(void);
void gic_enable_irq(u32 id, u32 priority);
void gic_disable_irq(u32 id);

// ---- generic timer -----------------------------------------------------------------------
static inline u32 read_cntfrq(void) { return MRC(0, 14, 0, 0); }
static inline u64 read_cntvct(void) {
    isb();
    return MRRC(1, 14);
}
static inline u64 read_cntpct(void) {
    isb();
    return MRRC(0, 14);
}

// ---- misc ----------------------------------------------------------------------------------
void* memset(void* d, int c, unsigned long n);
void* memcpy(void* d, const void* s, unsigned long n);
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
