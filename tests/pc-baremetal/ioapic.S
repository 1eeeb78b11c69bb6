/* Interrupts through the IOAPIC and the local APIC, with both 8259s masked (unreal mode for the
 * MMIO, real-mode IVT handlers that EOI through the local APIC):
 *  - the PIT (ISA IRQ 0) arrives on IOAPIC pin 2, as the pc's interrupt source override says,
 *    and nothing on pin 0 (both routed, to different vectors);
 *  - the RTC's periodic interrupt (ISA IRQ 8) on pin 8, acknowledged by reading register C. */
#define GUEST_NAME "ioapic"
#include "guest.inc"

#define PIT_TICKS  (VARS + 0)
#define PIN0_HITS  (VARS + 2)
#define RTC_TICKS  (VARS + 4)
#define RTC_BAD_C  (VARS + 6)
#define WANTED     10

#define VEC_PIN2   0x30
#define VEC_PIN0   0x31
#define VEC_PIN8   0x32

/* IOAPIC redirection entry `pin` -> low (vector and flags), high (destination). */
.macro ioapic_route pin, low, high
    addr32 movl $(0x10 + 2 * (\pin) + 1), IOAPIC
    addr32 movl $(\high), IOAPIC + IOAPIC_WIN
    addr32 movl $(0x10 + 2 * (\pin)), IOAPIC
    addr32 movl $(\low), IOAPIC + IOAPIC_WIN
.endm
#define MASKED 0x10000              /* fixed, physical, active high, edge, + mask */

start:
    guest_init
    call enter_unreal
    movw $0, PIT_TICKS
    movw $0, PIN0_HITS
    movw $0, RTC_TICKS
    movw $0, RTC_BAD_C
    set_ivt VEC_PIN2, pin2_handler
    set_ivt VEC_PIN0, pin0_handler
    set_ivt VEC_PIN8, pin8_handler
    set_ivt 0xff, spurious

    mov $0x7008, %ax            /* both 8259s initialised and masked */
    call pic_init
    addr32 movl $0x1ff, LAPIC + LAPIC_SVR   /* local APIC on, spurious vector 0xff */

    /* ---- PIT on pin 2 (and not pin 0) ---- */
    ioapic_route 0, VEC_PIN0, 0
    ioapic_route 2, VEC_PIN2, 0
    mov $1193, %ax              /* ~1 kHz */
    call pit_start
    sti
1:  hlt
    cmpw $WANTED, PIT_TICKS
    jb 1b
    cli
    ioapic_route 0, MASKED, 0
    ioapic_route 2, MASKED, 0
    mov PIN0_HITS, %ax
    expect_ax 0, "interrupts on IOAPIC pin 0 (the PIT belongs on pin 2)"
    addr32 mov LAPIC + 0x110, %eax          /* ISR, vectors 0x20-0x3f: all EOIed */
    expect_eax 0, "local APIC ISR[0x20-0x3f] after the handlers' EOIs"
    print "pit on ioapic pin 2 ok\n"

    /* ---- RTC periodic interrupt on pin 8 ---- */
    ioapic_route 8, VEC_PIN8, 0
    mov $0x0c, %al              /* clear stale flags */
    call cmos_read
    mov $0x0a, %al
    out %al, $0x70
    mov $0x26, %al              /* 32.768 kHz time base, 1024 Hz */
    out %al, $0x71
    mov $0x0b, %al
    call cmos_read
    or $0x40, %al               /* PIE */
    mov %al, %bl
    mov $0x0b, %al
    out %al, $0x70
    mov %bl, %al
    out %al, $0x71
    sti
1:  hlt
    cmpw $WANTED, RTC_TICKS
    jb 1b
    cli
    and $0xbf, %bl              /* PIE off */
    mov $0x0b, %al
    out %al, $0x70
    mov %bl, %al
    out %al, $0x71
    ioapic_route 8, MASKED, 0
    mov $0x0c, %al
    call cmos_read
    mov RTC_BAD_C, %ax
    expect_ax 0, "RTC register C reads without PF|IRQF in the handler"
    print "rtc on ioapic pin 8 ok\n"
    pass

pin2_handler:
    incw PIT_TICKS
    addr32 movl $0, LAPIC + LAPIC_EOI
    iret

pin0_handler:
    incw PIN0_HITS
    addr32 movl $0, LAPIC + LAPIC_EOI
    iret

pin8_handler:
    push %ax
    mov $0x0c, %al              /* reading register C lowers the RTC's line */
    call cmos_read
    and $0xc0, %al
    cmp $0xc0, %al              /* IRQF and PF */
    je 1f
    incw RTC_BAD_C
1:  incw RTC_TICKS
    addr32 movl $0, LAPIC + LAPIC_EOI
    pop %ax
    iret

spurious:                       /* the spurious vector takes no EOI */
    iret

    reset_vector
