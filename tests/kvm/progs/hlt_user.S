/* HLT with interrupts off, for the run without the in-kernel irqchip: a kick ends it. */
#include "common.inc"
    .code16
    .text
start:
    cli
    log_byte 'H'
    hlt
    log_byte 'D'
    exit 0
    reset_vector
