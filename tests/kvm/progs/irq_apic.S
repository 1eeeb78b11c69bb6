/* Real mode (the handlers must be: IRET is real-mode only under some hypervisors' emulators),
 * with 4 GiB data segments ("unreal mode") to reach the local APIC and the IOAPIC: an MSI
 * (vector 0x40) while halted, then GSI 16 through the IOAPIC (vector 0x41, level-triggered),
 * which the handler acknowledges. */
#include "common.inc"
    .code16
    .text
start:
    cli
    lgdtl %cs:gdt_desc
    mov %cr0, %eax
    or $1, %al
    mov %eax, %cr0
    mov $0x18, %bx              /* flat data: its 4 GiB limit stays after PE goes off */
    mov %bx, %ds
    mov %bx, %es
    and $0xfe, %al
    mov %eax, %cr0
    xor %bx, %bx                /* real-mode segment 0: base 0, limit still 4 GiB */
    mov %bx, %ds
    mov %bx, %es
    mov %bx, %ss
    mov $0x7000, %sp

    movw $msi_handler, 0x40 * 4
    movw $0xf000, 0x40 * 4 + 2
    movw $gsi_handler, 0x41 * 4
    movw $0xf000, 0x41 * 4 + 2
    addr32 movl $0x1ff, LAPIC + 0xf0    /* local APIC on, spurious vector 0xff */

    log_byte 'W'
    sti
    hlt                         /* the test sends the MSI */
    cli

    addr32 movl $0x31, IOAPIC           /* pin 16: to APIC 0 */
    addr32 movl $0, IOAPIC + 0x10
    addr32 movl $0x30, IOAPIC           /* vector 0x41, fixed, active high, level, unmasked */
    addr32 movl $0x8041, IOAPIC + 0x10
    log_byte 'L'
    sti
    hlt                         /* the test raises GSI 16 */
    cli
    log_byte 'D'
    exit 0

msi_handler:
    push %ax
    log_byte 'M'
    addr32 movl $0, LAPIC + 0xb0        /* EOI */
    pop %ax
    iret

gsi_handler:
    push %ax
    log_byte 'G'
    out %al, $PORT_ACK          /* the device drops its line */
    addr32 movl $0, LAPIC + 0xb0        /* EOI, broadcast to the IOAPIC */
    pop %ax
    iret

    gdt32
    reset_vector
