/* HLT with interrupts on; the test raises ISA IRQ 3 through the in-kernel PIC. */
#include "common.inc"
    .code16
    .text
start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %sp
    movw $irq3, 0x23 * 4        /* vector 0x23 = IRQ 3 with the PIC based at 0x20 */
    movw $0xf000, 0x23 * 4 + 2

    mov $0x11, %al              /* ICW1: edge, cascade, ICW4 follows */
    out %al, $0x20
    mov $0x20, %al              /* ICW2: vectors 0x20-0x27 */
    out %al, $0x21
    mov $0x04, %al              /* ICW3: slave on IRQ 2 */
    out %al, $0x21
    mov $0x01, %al              /* ICW4: 8086 mode */
    out %al, $0x21
    mov $0xf7, %al              /* OCW1: only IRQ 3 unmasked */
    out %al, $0x21

    log_byte 'W'
    sti
    hlt
    cli
    log_byte 'D'
    exit 0

irq3:
    push %ax
    log_byte 'I'
    mov $0x20, %al              /* EOI */
    out %al, $0x20
    pop %ax
    iret
    reset_vector
