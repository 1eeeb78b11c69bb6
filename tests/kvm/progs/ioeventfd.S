/* Doorbell writes with ioeventfds registered by the test (KvmTest.IoEventFd...): a 16-bit write
 * of 1 to port PORT_BELL (datamatch 1) and any 16-bit write to TEST_MMIO + 0x10 are caught by
 * KVM; other values, sizes and addresses still reach the board. At 'P' the test removes the
 * ioeventfds and the same writes reach the board again. A memory map change first (PORT_MAP)
 * shows the registrations survive the memory slots' re-sync. */
#include "common.inc"
#define PORT_BELL 0x82
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
    mov $1, %al                 /* map RAM at 0xc0000: the slots are re-synced */
    out %al, $PORT_MAP

    mov $1, %ax                 /* caught, three times */
    out %ax, $PORT_BELL
    out %ax, $PORT_BELL
    out %ax, $PORT_BELL
    mov $2, %ax                 /* another value: an exit */
    out %ax, $PORT_BELL
    mov $1, %al                 /* another size: an exit */
    out %al, $PORT_BELL

    movw $0x1234, %es:0x10      /* caught */
    movl $0x5678, %es:0x10      /* another size: an exit */
    movw $0x9abc, %es:0x20      /* another address: an exit */

    log_byte 'P'                /* the test removes the ioeventfds */
    mov $1, %ax
    out %ax, $PORT_BELL
    movw $0x1234, %es:0x10
    exit 0
    reset_vector
