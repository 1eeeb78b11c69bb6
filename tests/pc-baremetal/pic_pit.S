/* The 8254 PIT through the 8259 PIC: both PICs initialised (master at vector 0x08, as a PC BIOS
 * does, slave at 0x70), the local APIC in virtual wire mode, PIT channel 0 as a ~1 kHz rate
 * generator, only IRQ 0 unmasked; the CPU halts with interrupts on until 10 ticks have come
 * (IVT handler, non-specific EOI), then counts the ticks in one RTC second (~1000). Also: the
 * PIC's mask registers read back, IRQ 0 is not in service after EOI, the channel 0 counter
 * (latch command) stays within the divisor and decreases, and channel 2 (gate through port
 * 0x61) raises its OUT (port 0x61 bit 5) once its count runs out. */
#define GUEST_NAME "pic_pit"
#include "guest.inc"

#define TICKS    (VARS + 0)
#define DIVISOR  1193               /* 1193182 Hz / 1193 = 1000.2 Hz */
#define WANTED   10
#define TICKS_MIN 750               /* a busy host may delay some (KVM re-injects late ones) */
#define TICKS_MAX 1100

start:
    guest_init
    call enter_unreal
    call lapic_virtual_wire
    set_ivt 0x08, irq0
    movw $0, TICKS

    mov $0x7008, %ax            /* master at 0x08, slave at 0x70 */
    call pic_init
    in $0x21, %al
    expect_al 0xff, "master IMR after init"
    in $0xa1, %al
    expect_al 0xff, "slave IMR after init"

    mov $DIVISOR, %ax
    call pit_start
    call pit_read
    cmp $DIVISOR, %ax
    jbe 1f
    fail_eax "PIT channel 0 count above its divisor:", 4
1:  mov $1000, %cx              /* two reads in a row: the second lower (unless it reloaded) */
2:  call pit_read
    mov %ax, %bx
    call pit_read
    cmp %bx, %ax
    jb 3f
    loop 2b
    fail "PIT channel 0 count never decreases"
3:  print "pit counter decreases\n"

    mov $0xfe, %al              /* OCW1: only IRQ 0 */
    out %al, $0x21
    sti
wait_ticks:
    hlt
    cmpw $WANTED, TICKS
    jb wait_ticks
    print "10 ticks\n"

    /* Ticks during one second of the RTC (from one change of its seconds to the next). */
    call rtc_next_second
    mov TICKS, %bx
    call rtc_next_second
    mov TICKS, %ax
    cli
    sub %bx, %ax
    movzx %ax, %eax
    print "ticks in one rtc second: "
    print_eax 4
    print "\n"
    cmp $TICKS_MIN, %ax
    jae 1f
    fail_eax "too few PIT ticks in a second (1000 Hz):", 4
1:  cmp $TICKS_MAX, %ax
    jbe 1f
    fail_eax "too many PIT ticks in a second (1000 Hz):", 4
1:

    mov $0x0b, %al              /* OCW3: read ISR */
    out %al, $0x20
    in $0x20, %al
    and $0x01, %al
    expect_al 0, "IRQ 0 in service after EOI"
    mov $0x0a, %al              /* OCW3: back to IRR */
    out %al, $0x20
    mov $0xff, %al
    out %al, $0x21

    /* Channel 2, mode 0 (interrupt on terminal count), gate on through port 0x61 bit 0 (speaker
     * off, bit 1 clear): OUT (port 0x61 bit 5) is low while counting, high after 1193 counts
     * (1 ms). */
    in $0x61, %al
    and $0xfc, %al
    out %al, $0x61              /* gate off */
    mov $0xb0, %al              /* channel 2, low then high byte, mode 0 */
    out %al, $0x43
    mov $(DIVISOR & 0xff), %al
    out %al, $0x42
    mov $(DIVISOR >> 8), %al
    out %al, $0x42
    in $0x61, %al
    or $0x01, %al
    out %al, $0x61              /* gate on: counting starts */
    in $0x61, %al
    test $0x20, %al
    jz 1f
    fail_eax "PIT channel 2 OUT high right after it was loaded, port 0x61 =", 2
1:  mov $0, %ecx
2:  in $0x61, %al
    test $0x20, %al
    jnz 3f
    dec %ecx
    jnz 2b
    fail "PIT channel 2 OUT never went high"
3:  print "pit channel 2 ok\n"
    pass

/* Halt (interrupts on) until the RTC's seconds register changes. */
rtc_next_second:
    cli
    mov $0x00, %al
    call cmos_read
    mov %al, %dl
1:  sti
    hlt
    cli
    mov $0x00, %al
    call cmos_read
    cmp %al, %dl
    je 1b
    sti
    ret

irq0:                           /* DS is 0 throughout */
    push %ax
    incw TICKS
    mov $0x20, %al              /* non-specific EOI */
    out %al, $0x20
    pop %ax
    iret

    reset_vector
