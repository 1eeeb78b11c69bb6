/* The MC146818 RTC: the time registers (24-hour BCD, as the board leaves register B; each a
 * valid BCD value in range; printed as "utc YYYY-MM-DD hh:mm:ss", which the harness compares
 * with the host's clock), then its periodic (256 Hz) and update-ended interrupts on IRQ 8:
 * slave 8259 IRQ 0 through the cascade on master IRQ 2 (virtual wire mode), IVT handler reading
 * register C to acknowledge. Counting periodic interrupts between two update-ended ones
 * measures the rate. (At 1024 Hz a busy host makes both emu and QEMU drop ticks: neither
 * compensates lost ones.) */
#define GUEST_NAME "rtc"
#include "guest.inc"

#define TICKS    (VARS + 0)             /* periodic interrupts */
#define UPDATES  (VARS + 2)             /* update-ended interrupts */
#define AT_UPD   (VARS + 4)             /* TICKS at update n, n = 0..3 (words) */
#define IRQS     (VARS + 12)            /* handler runs */
#define TIME     (VARS + 0x20)          /* the time registers, by CMOS index */

#define RATE_A   0x28                   /* 32.768 kHz time base, rate 8: 256 Hz */
#define RATE_MIN 192                    /* some may be late on a busy host, none early */
#define RATE_MAX 260

/* Fail unless the BCD byte at CMOS index `index` (read into TIME) is in [lo, hi]. */
.macro check_bcd index, lo, hi, what
    mov TIME + (\index), %al
    mov %al, %ah
    and $0x0f, %ah
    cmp $9, %ah
    ja .Lbad\@
    mov %al, %ah
    shr $4, %ah
    cmp $9, %ah
    ja .Lbad\@
    cmp $(\lo), %al
    jb .Lbad\@
    cmp $(\hi), %al
    jbe .Lok\@
.Lbad\@:
    fail_eax "\what is not BCD in [\lo, \hi]:", 2
.Lok\@:
.endm

.macro print_time index
    mov TIME + (\index), %al
    print_eax 2
.endm

/* Write BL to CMOS register AL. */
cmos_write:
    out %al, $0x70
    mov %bl, %al
    out %al, $0x71
    ret

/* The time registers into TIME, consistently: not during an update, and the seconds unchanged
 * from the first read to the last. */
read_time:
    mov $0, %ecx
1:  mov $0x0a, %al
    call cmos_read
    test $0x80, %al             /* UIP: an update is due within 244 us */
    jz 2f
    dec %ecx
    jnz 1b
    fail "RTC register A UIP never clears"
2:  mov $0x00, %si
3:  mov %si, %ax
    call cmos_read
    mov %al, TIME(%si)
    inc %si
    cmp $0x0a, %si
    jb 3b
    mov $0x32, %al              /* century */
    call cmos_read
    mov %al, TIME + 0x32
    mov $0x00, %al
    call cmos_read
    cmp TIME + 0x00, %al
    jne 1b
    ret

start:
    guest_init
    call enter_unreal
    call lapic_virtual_wire

    mov $0x0b, %al
    call cmos_read
    and $0x86, %al              /* SET, DM (binary), 24/12 */
    expect_al 0x02, "RTC register B: running, BCD, 24-hour"
    call read_time
    check_bcd 0x00, 0x00, 0x59, "seconds"
    check_bcd 0x02, 0x00, 0x59, "minutes"
    check_bcd 0x04, 0x00, 0x23, "hours"
    check_bcd 0x06, 0x01, 0x07, "day of week"
    check_bcd 0x07, 0x01, 0x31, "date"
    check_bcd 0x08, 0x01, 0x12, "month"
    check_bcd 0x09, 0x00, 0x99, "year"
    check_bcd 0x32, 0x19, 0x21, "century"
    print "utc "
    print_time 0x32
    print_time 0x09
    print "-"
    print_time 0x08
    print "-"
    print_time 0x07
    print " "
    print_time 0x04
    print ":"
    print_time 0x02
    print ":"
    print_time 0x00
    print "\n"

    /* ---- Periodic and update-ended interrupts on IRQ 8 ---- */
    movw $0, TICKS
    movw $0, UPDATES
    movw $0, IRQS
    set_ivt 0x70, irq8          /* slave based at 0x70: IRQ 8 */
    mov $0x7008, %ax
    call pic_init
    mov $0xfb, %al              /* master: only the cascade (IRQ 2) */
    out %al, $0x21
    mov $0xfe, %al              /* slave: only IRQ 8 */
    out %al, $0xa1
    mov $0x0c, %al              /* drop stale flags */
    call cmos_read
    mov $0x0a, %al
    mov $RATE_A, %bl
    call cmos_write
    mov $0x0b, %al
    mov $0x52, %bl              /* PIE, UIE, 24-hour, BCD */
    call cmos_write
    sti
1:  hlt
    cmpw $3, UPDATES            /* three seconds' updates: a full second between the 2nd and 3rd */
    jb 1b
    cli
    mov $0x0b, %al
    mov $0x02, %bl              /* interrupts off */
    call cmos_write
    mov $0x0c, %al              /* acknowledge what is left... */
    call cmos_read
    mov $0x0c, %al              /* ...and then nothing is pending */
    call cmos_read
    and $0x80, %al
    expect_al 0, "RTC register C IRQF with every interrupt disabled"

    mov AT_UPD + 4, %ax
    sub AT_UPD + 2, %ax
    print "periodic interrupts in one second: "
    movzx %ax, %eax
    print_eax 4
    print "\n"
    cmp $RATE_MIN, %ax
    jae 1f
    fail_eax "too few periodic interrupts in a second (256 Hz):", 4
1:  cmp $RATE_MAX, %ax
    jbe 1f
    fail_eax "too many periodic interrupts in a second (256 Hz):", 4
1:  pass

/* IRQ 8: register C says why (PF periodic, UF update-ended); reading it acknowledges. */
irq8:
    push %ax
    push %bx
    incw IRQS
    mov $0x0c, %al
    call cmos_read
    test $0x80, %al
    jnz 1f
    fail_eax "IRQ 8 with register C IRQF clear:", 2
1:  test $0x40, %al
    jz 2f
    incw TICKS
2:  test $0x10, %al
    jz 3f
    mov UPDATES, %bx
    cmp $3, %bx
    ja 3f
    shl $1, %bx
    push %ax
    mov TICKS, %ax
    mov %ax, AT_UPD(%bx)
    pop %ax
    incw UPDATES
3:  mov $0x20, %al              /* EOI: slave, then master */
    out %al, $0xa0
    out %al, $0x20
    pop %bx
    pop %ax
    iret

    reset_vector
