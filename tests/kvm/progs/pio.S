/* Port I/O of each size, reads, an unassigned port, string I/O both ways. */
#include "common.inc"
    .code16
    .text
start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7000, %sp

    mov $0x11, %al
    out %al, $PORT_LOG
    mov $0x2233, %ax
    out %ax, $PORT_LOG
    mov $0x44556677, %eax
    out %eax, $PORT_LOG

    in $PORT_DATA, %al          /* 0x10 */
    out %al, $PORT_LOG2
    in $PORT_DATA, %ax          /* 0x0011 */
    out %ax, $PORT_LOG2
    in $PORT_DATA, %eax         /* 0x5a000012 */
    out %eax, $PORT_LOG2

    mov $0x300, %dx             /* nothing there: all ones */
    in %dx, %ax
    out %ax, $PORT_LOG2

    mov $0xf000, %ax            /* "hello" from the ROM (its alias at 0xf0000) */
    mov %ax, %ds
    mov $msg, %si
    mov $PORT_LOG, %dx
    mov $5, %cx
    cld
    rep outsb

    xor %ax, %ax                /* three words in to RAM at 0x1000, then out again */
    mov %ax, %ds
    mov $0x1000, %di
    mov $PORT_DATA, %dx
    mov $3, %cx
    rep insw
    mov $0x1000, %si
    mov $PORT_LOG2, %dx
    mov $3, %cx
    rep outsw

    exit 0
msg:
    .ascii "hello"
    reset_vector
