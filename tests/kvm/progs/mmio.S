/* MMIO reads and writes reaching a device; RAM; writes to ROM dropped. */
#include "common.inc"
    .code16
    .text
start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %sp

    mov $(TEST_MMIO >> 4), %ax
    mov %ax, %es
    movb $0x12, %es:0
    movw $0x3456, %es:2
    movl $0x789abcde, %es:4
    mov %es:8, %eax             /* 0xfeedf008 */
    out %eax, $PORT_LOG
    mov %es:0xc, %al            /* 0x0c */
    out %al, $PORT_LOG

    movl $0xcafebabe, 0x2000    /* RAM */
    mov 0x2000, %eax
    out %eax, $PORT_LOG

    mov $0xf000, %ax            /* ROM, through the alias at 0xf0000 */
    mov %ax, %es
    movl $0, %es:romword
    mov %es:romword, %eax       /* still 0x600dc0de */
    out %eax, $PORT_LOG

    exit 0
    .balign 4
romword:
    .long 0x600dc0de
    reset_vector
