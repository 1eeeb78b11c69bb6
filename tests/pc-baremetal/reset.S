/* Machine resets a guest asks for, each of which must bring the CPU back to F000:FFF0 with its
 * local APIC reset (SVR software-disabled again): the Reset Control Register (0xcf9 = 0x06),
 * System Control Port A (port 0x92 bit 0) and the keyboard controller's reset pulse (0xfe to
 * port 0x64). The stage survives in CMOS RAM (byte 0x42), which a reset keeps. */
#define GUEST_NAME "reset"
#include "guest.inc"

#define CMOS_STAGE 0x42

/* CMOS stage byte := BL. */
set_stage:
    mov $CMOS_STAGE, %al
    out %al, $0x70
    mov %bl, %al
    out %al, $0x71
    ret

/* Before a reset: the local APIC software-enabled, so the next boot can see it was reset. */
mark_lapic:
    addr32 movl $0x1ff, LAPIC + LAPIC_SVR
    ret

/* After a reset request: fail if the CPU still runs two RTC seconds later. */
reset_timeout:
    mov $3, %cx
    mov $0x00, %al
    call cmos_read
    mov %al, %dl
1:  mov $0x00, %al
    call cmos_read
    cmp %al, %dl
    je 1b
    mov %al, %dl
    loop 1b
    fail "still running 2 s after the reset request"

start:
    guest_init
    call enter_unreal
    mov $CMOS_STAGE, %al
    call cmos_read
    cmp $0, %al
    je stage0
    /* Every later stage: the reset put the local APIC back to its reset state. */
    addr32 mov LAPIC + LAPIC_SVR, %eax
    and $0x1ff, %eax
    cmp $0x0ff, %eax
    je 1f
    fail_eax "local APIC SVR after the reset (expected 0x0ff):", 3
1:  mov $CMOS_STAGE, %al
    call cmos_read
    cmp $1, %al
    je stage1
    cmp $2, %al
    je stage2
    cmp $3, %al
    je stage3
    movzx %al, %eax
    fail_eax "unexpected stage in CMOS 0x42:", 2

stage0:
    print "reset through 0xcf9\n"
    call mark_lapic
    mov $1, %bl
    call set_stage
    mov $0xcf9, %dx
    mov $0x02, %al              /* SYS_RST (kept), then RST_CPU */
    out %al, %dx
    mov $0x06, %al
    out %al, %dx
    call reset_timeout

stage1:
    print "back; reset through port 0x92\n"
    in $0x92, %al
    test $0x01, %al
    jz 1f
    fail_eax "port 0x92 bit 0 still set after the reset:", 2
1:  call mark_lapic
    mov $2, %bl
    call set_stage
    in $0x92, %al
    or $0x01, %al               /* bit 0 from 0 to 1: fast reset */
    out %al, $0x92
    call reset_timeout

stage2:
    print "back; reset through the keyboard controller\n"
    call mark_lapic
    mov $3, %bl
    call set_stage
    mov $0xfe, %al              /* pulse output port bit 0 (reset) */
    out %al, $0x64
    call reset_timeout

stage3:
    print "back\n"
    mov $0, %bl
    call set_stage
    pass

    reset_vector
