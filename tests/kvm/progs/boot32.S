/* Entered through a flat32 boot state: report the registers it set, then reach MMIO high up,
 * an unassigned address and the ROM at its high address. */
#include "common.inc"
    .code16
    .text
start:                          /* the reset vector is not used */
    exit 3

    .code32
    .org ENTRY32
entry32:
    out %eax, $PORT_LOG         /* EAX ECX EDX EBX ESP EBP ESI EDI */
    mov %ecx, %eax
    out %eax, $PORT_LOG
    mov %edx, %eax
    out %eax, $PORT_LOG
    mov %ebx, %eax
    out %eax, $PORT_LOG
    mov %esp, %eax
    out %eax, $PORT_LOG
    mov %ebp, %eax
    out %eax, $PORT_LOG
    mov %esi, %eax
    out %eax, $PORT_LOG
    mov %edi, %eax
    out %eax, $PORT_LOG
    mov %cr0, %eax
    out %eax, $PORT_LOG
    mov %cs, %ax
    out %ax, $PORT_LOG2
    mov %ds, %ax
    out %ax, $PORT_LOG2
    pushf
    pop %eax
    out %eax, $PORT_LOG2

    movl $0xa5a5a5a5, TEST_MMIO_HIGH + 0x10
    mov TEST_MMIO_HIGH + 0x20, %eax
    out %eax, $PORT_LOG         /* 0xfeedf020 */
    mov 0xc0000000, %eax
    out %eax, $PORT_LOG         /* nothing there: 0 */
    movl $0, ROM_BASE + romword
    mov ROM_BASE + romword, %eax
    out %eax, $PORT_LOG         /* 0x600dc0de */
    exit 0

    .balign 4
romword:
    .long 0x600dc0de
    reset_vector
