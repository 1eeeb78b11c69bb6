/* Entered through a flat32 boot state. The first boot triple-faults (ud2 with an empty IDT:
 * #UD, #GP, #DF, shutdown); the reset brings the CPU back to the boot state, and the second
 * boot exits. RAM (the boot counter) survives the reset. */
#include "common.inc"
    .code16
    .text
start:
    exit 3

    .code32
    .org ENTRY32
entry32:
    incb 0x600
    mov 0x600, %al
    out %al, $PORT_LOG
    cmp $1, %al
    jne 1f
    lidt ROM_BASE + empty_idt
    ud2
    exit 2
1:  exit 0
empty_idt:
    .word 0
    .long 0
    reset_vector
