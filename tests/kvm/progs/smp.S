/* -smp 2: the BSP (32-bit, through a boot state) starts the AP with INIT and SIPI through its
 * local APIC; the AP starts in real mode at 0xf000:0000 (this ROM's start, through the alias at
 * 0xf0000), reports its APIC id and sets a flag the BSP waits for. */
#include "common.inc"
    .code16
    .text
ap_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov $1, %eax
    cpuid
    shr $24, %ebx               /* initial APIC id */
    mov %ebx, 0x504
    log_byte 0xa9
    movb $0xa5, 0x500
1:  hlt
    jmp 1b
start:
    exit 3

    .code32
    .org ENTRY32
entry32:
    log_byte 0xb0
    movl $0x1ff, LAPIC + 0xf0           /* local APIC on */
    movl $0x01000000, LAPIC + 0x310     /* to APIC id 1: */
    movl $0x00004500, LAPIC + 0x300     /* INIT */
    movl $0x01000000, LAPIC + 0x310
    movl $0x000046f0, LAPIC + 0x300     /* SIPI, vector 0xf0 */
    mov $200000000, %ecx
wait:
    cmpb $0xa5, 0x500
    je done
    pause
    loop wait
    exit 1
done:
    mov 0x504, %eax
    out %eax, $PORT_LOG
    exit 0
    reset_vector
