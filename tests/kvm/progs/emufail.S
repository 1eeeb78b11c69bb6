/* An instruction KVM's emulator cannot perform on MMIO (x87 load). */
#include "common.inc"
    .code16
    .text
start:
    cli
    mov $(TEST_MMIO >> 4), %ax
    mov %ax, %ds
    flds 0                      /* d9 06 00 00 */
    exit 0
    reset_vector
