/* Count forever in RAM at 0x800 (pause and resume). */
#include "common.inc"
    .code16
    .text
start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    log_byte 'S'
1:  incl 0x800
    jmp 1b
    reset_vector
