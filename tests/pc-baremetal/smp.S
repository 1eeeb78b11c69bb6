/* SMP start-up with -smp 2, as the MP specification has firmware do it: the BSP (unreal mode for
 * its local APIC) copies a trampoline to 0x1000 and sends INIT (assert, de-assert) and a
 * start-up IPI with vector 0x01 to APIC id 1, again after a second without an answer. The AP
 * starts in real mode at 0100:0000, jumps into this ROM, records its APIC id (CPUID and local
 * APIC ID register) and sets a flag the BSP waits for (at most 4 RTC seconds). Then IPIs both
 * ways: the BSP sends fixed vector 0x40 to the AP, whose handler sends vector 0x41 back.
 * The CMOS CPU count byte (0x5f) says 1 (two CPUs). */
#define GUEST_NAME "smp"
#include "guest.inc"

#define AP_FLAG     (VARS + 0x00)       /* 0xa5 once the AP runs */
#define AP_CPUID_ID (VARS + 0x04)
#define AP_LAPIC_ID (VARS + 0x08)
#define AP_IPIS     (VARS + 0x0c)       /* vector 0x40 on the AP */
#define BSP_IPIS    (VARS + 0x0e)       /* vector 0x41 on the BSP */
#define LAST_SEC    (VARS + 0x10)
#define ELAPSED     (VARS + 0x12)       /* RTC seconds seen changing */
#define TRAMPOLINE  0x1000
#define AP_STACK    0x6000
#define TIMEOUT_S   4
#define SIPI        (0x00004600+(TRAMPOLINE>>12))  /* start-up, vector: the trampoline's page */

/* Send the IPI `low` (ICR low word) to APIC id `dest`; wait until the APIC has sent it. */
.macro send_ipi dest, low
    addr32 movl $((\dest) << 24), LAPIC + LAPIC_ICR_HI
    addr32 movl $(\low), LAPIC + LAPIC_ICR_LO
    call wait_icr_idle
.endm

wait_icr_idle:
    push %eax
    push %ecx
    mov $100000, %ecx
1:  addr32 mov LAPIC + LAPIC_ICR_LO, %eax
    test $0x1000, %eax          /* delivery status: send pending */
    jz 2f
    dec %ecx
    jnz 1b
    fail "local APIC ICR delivery status stays 'send pending'"
2:  pop %ecx
    pop %eax
    ret

/* AX = RTC seconds changes seen since timeout_start (interrupts are masked meanwhile: the
 * CMOS index/data pair must not be split). */
timeout_start:
    movw $0, ELAPSED
    mov $0x00, %al
    call cmos_read
    mov %al, LAST_SEC
    ret
timeout_elapsed:
    pushf
    cli
    mov $0x00, %al
    call cmos_read
    cmp LAST_SEC, %al
    je 1f
    mov %al, LAST_SEC
    incw ELAPSED
1:  popf
    mov ELAPSED, %ax
    ret

start:
    guest_init
    call enter_unreal
    call lapic_virtual_wire
    mov $0x7008, %ax            /* the 8259s quiet: initialised, everything masked */
    call pic_init

    mov $0x5f, %al
    call cmos_read
    expect_al 1, "CMOS 0x5f (CPU count - 1)"

    movb $0, AP_FLAG
    movl $0xffffffff, AP_CPUID_ID
    movl $0xffffffff, AP_LAPIC_ID
    movw $0, AP_IPIS
    movw $0, BSP_IPIS
    set_ivt 0x40, ap_ipi
    set_ivt 0x41, bsp_ipi
    set_ivt 0xff, spurious
    mov $trampoline, %si        /* the trampoline to 0x1000 */
    mov $TRAMPOLINE, %di
    mov $(trampoline_end - trampoline), %cx
    rep movsb %cs:(%si), %es:(%di)

    send_ipi 1, 0x0000c500      /* INIT, level, assert */
    send_ipi 1, 0x00008500      /* INIT, level, de-assert */
    send_ipi 1, SIPI              /* start-up */
    call timeout_start
    mov $0, %bx                 /* start-up IPIs resent */
1:  cmpb $0xa5, AP_FLAG
    je 2f
    pause
    call timeout_elapsed
    cmp $TIMEOUT_S, %ax
    jae no_ap
    cmp $1, %ax
    jb 1b
    test %bx, %bx
    jnz 1b
    inc %bx
    print "no answer after a second: second start-up IPI\n"
    send_ipi 1, SIPI
    jmp 1b
no_ap:
    fail "the AP never set its flag after INIT/SIPI"

2:  mov AP_CPUID_ID, %eax
    print "ap up: cpuid apic id 0x"
    print_eax 2
    print ", local APIC ID register 0x"
    mov AP_LAPIC_ID, %eax
    print_eax 2
    print "\n"
    mov AP_CPUID_ID, %eax
    expect_eax 1, "the AP's initial APIC id (CPUID 1 EBX[31:24])"
    mov AP_LAPIC_ID, %eax
    expect_eax 1, "the AP's local APIC ID register"

    /* IPIs: BSP -> AP (0x40), whose handler answers AP -> BSP (0x41). */
    sti
    send_ipi 1, 0x00004040      /* fixed, assert, vector 0x40 */
    call timeout_start
1:  cmpw $0, BSP_IPIS
    jne 2f
    pause
    call timeout_elapsed
    cmp $TIMEOUT_S, %ax
    jb 1b
    cli
    mov AP_IPIS, %ax
    movzx %ax, %eax
    fail_eax "no IPI came back from the AP; IPIs the AP took:", 4
2:  cli
    mov AP_IPIS, %ax
    expect_ax 1, "IPIs the AP took"
    print "ipis ok\n"
    pass

bsp_ipi:
    incw BSP_IPIS
    addr32 movl $0, LAPIC + LAPIC_EOI
    iret

/* ---- The AP ---- */

/* Copied to TRAMPOLINE: the AP starts here at 0100:0000, in real mode. */
trampoline:
    ljmp $ROM_SEG, $ap_main
trampoline_end:

ap_main:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $AP_STACK, %sp
    call enter_unreal
    addr32 movl $0x1ff, LAPIC + LAPIC_SVR   /* its own local APIC, same address */
    mov $1, %eax
    cpuid
    shr $24, %ebx
    mov %ebx, AP_CPUID_ID
    addr32 mov LAPIC + LAPIC_ID, %eax
    shr $24, %eax
    mov %eax, AP_LAPIC_ID
    movb $0xa5, AP_FLAG         /* last: the BSP reads the ids once it sees this */
    sti
1:  hlt
    jmp 1b

ap_ipi:
    push %eax
    incw AP_IPIS
    addr32 movl $0, LAPIC + LAPIC_ICR_HI                /* to the BSP, APIC id 0 */
    addr32 movl $0x00004041, LAPIC + LAPIC_ICR_LO       /* fixed, assert, vector 0x41 */
    addr32 movl $0, LAPIC + LAPIC_EOI
    pop %eax
    iret

spurious:
    iret

    reset_vector
