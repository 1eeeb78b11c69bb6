/* RAM mapped and unmapped while the guest runs: the memory slots follow. */
#include "common.inc"
    .code16
    .text
start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %sp
    mov $0xc000, %ax
    mov %ax, %es

    movw $0x1234, %es:0         /* nothing there yet */
    mov %es:0, %ax
    out %ax, $PORT_LOG          /* 0 */

    mov $1, %al
    out %al, $PORT_MAP
    movw $0x5678, %es:0
    mov %es:0, %ax
    out %ax, $PORT_LOG          /* 0x5678 */

    push %ds                    /* run code from it: that needs a memory slot */
    mov $0xf000, %ax
    mov %ax, %ds
    mov $routine, %si
    mov $0x10, %di
    mov $(routine_end - routine), %cx
    cld
    rep movsb
    pop %ds
    lcall $0xc000, $0x10

    mov $0, %al
    out %al, $PORT_MAP
    mov %es:0, %ax
    out %ax, $PORT_LOG          /* 0 again */
    exit 0

routine:
    mov $0x42, %al
    out %al, $PORT_LOG
    lret
routine_end:
    reset_vector
