/* MSI-X from a virtio-net-pci function (-device virtio-net-pci,addr=03.0,disable-modern=on) to the
 * local APIC, sent through KVM MSI irqfds. The guest programs the function's BARs, points MSI-X
 * table entry 0 at the local APIC (vector 0x40, masked), enables MSI-X, sets up the transmit
 * queue on the legacy interface with vector 0 and sends a frame: the completion's interrupt must
 * stay pending (PBA bit 0) and not arrive while masked; unmasking the entry delivers it (IVT
 * handler 0x40). A second frame with the vector unmasked interrupts at once. The harness runs it
 * with -accel kvm,trace-msi=on and wants the irqfd's route and no KVM_SIGNAL_MSI in emu's output:
 * both interrupts came through the irqfd, none through the MSI write path. */
#define GUEST_NAME "msix_irqfd"
#include "guest.inc"

#define PCI_DEV      0x80001800     /* CONFIG_ADDRESS of 00:03.0 */
#define IO_BAR       0xc000
#define MSIX_BAR     0xe0000000     /* the pc's PCI memory window with -m 32 */
#define RING         0x10000        /* the transmit queue, legacy layout, page aligned */
#define BUFFER       0x20000
#define FRAME_LEN    (10 + 60)      /* the legacy 10-byte header (no MRG_RXBUF), a 60-byte frame */
#define VECTOR       0x40

#define HITS         (VARS + 0)     /* word: interrupts taken on VECTOR */
#define AVAIL        (VARS + 4)     /* dword: the available ring */
#define USED         (VARS + 8)     /* dword: the used ring */
#define PBA          (VARS + 12)    /* dword: the pending-bit array */

/* Legacy virtio-pci registers in the I/O BAR, with MSI-X on. */
#define VP_GUEST_FEATURES 0x04
#define VP_QUEUE_PFN      0x08
#define VP_QUEUE_NUM      0x0c
#define VP_QUEUE_SEL      0x0e
#define VP_QUEUE_NOTIFY   0x10
#define VP_STATUS         0x12
#define VP_CONFIG_VECTOR  0x14
#define VP_QUEUE_VECTOR   0x16
#define TXQ               1

start:
    guest_init
    call enter_unreal
    movw $0, HITS
    set_ivt VECTOR, msix_handler
    set_ivt 0xff, spurious
    mov $0x7008, %ax            /* both 8259s initialised and masked */
    call pic_init
    addr32 movl $0x1ff, LAPIC + LAPIC_SVR   /* local APIC on, spurious vector 0xff */

    /* ---- The function: IDs, BARs, decoding, bus mastering, the MSI-X capability ---- */
    mov $0x00, %al
    call pci_read
    expect_eax 0x10001af4, "IDs of 00:03.0 (transitional virtio-net)"
    mov $0x10, %al
    mov $IO_BAR, %ebx
    call pci_write
    mov $0x14, %al
    mov $MSIX_BAR, %ebx
    call pci_write
    mov $0x04, %al
    mov $0x7, %ebx              /* I/O, memory, bus master */
    call pci_write

    mov $0x34, %al
    call pci_read
    mov %al, %cl                /* CL: the capability being looked at */
1:  test %cl, %cl
    jnz 2f
    fail "no MSI-X capability"
2:  mov %cl, %al
    call pci_read
    cmp $0x11, %al
    je 3f
    mov %ah, %cl
    jmp 1b
3:  mov %cl, %al
    add $4, %al
    call pci_read
    expect_eax 1, "MSI-X table offset/BIR (BAR 1, offset 0)"
    mov %cl, %al
    add $8, %al
    call pci_read
    mov %eax, %ebx
    and $7, %eax
    expect_eax 1, "MSI-X PBA BIR"
    and $~7, %ebx
    add $MSIX_BAR, %ebx
    mov %ebx, PBA

    /* Entry 0: fixed, edge, VECTOR, physical destination APIC 0; masked for now. */
    addr32 movl $LAPIC, MSIX_BAR + 0
    addr32 movl $0, MSIX_BAR + 4
    addr32 movl $VECTOR, MSIX_BAR + 8
    addr32 movl $1, MSIX_BAR + 12
    mov %cl, %al
    mov $0x80000000, %ebx       /* message control (bits 31-16 of the dword): MSI-X enable */
    call pci_write

    /* ---- Legacy virtio: the transmit queue on vector 0 ---- */
    mov $IO_BAR + VP_STATUS, %dx
    mov $0, %al                 /* reset */
    out %al, %dx
    mov $3, %al                 /* ACKNOWLEDGE | DRIVER */
    out %al, %dx
    mov $IO_BAR + VP_GUEST_FEATURES, %dx
    xor %eax, %eax
    out %eax, %dx
    mov $IO_BAR + VP_CONFIG_VECTOR, %dx
    mov $0xffff, %ax            /* no configuration interrupts */
    out %ax, %dx
    mov $IO_BAR + VP_QUEUE_SEL, %dx
    mov $TXQ, %ax
    out %ax, %dx
    mov $IO_BAR + VP_QUEUE_NUM, %dx
    in %dx, %ax
    movzwl %ax, %esi            /* ESI: the queue size N */
    test %esi, %esi
    jnz 1f
    fail "transmit queue of size 0"
1:  mov $RING, %edi             /* rings and buffer zeroed */
    mov $0x5000, %ecx
    xor %eax, %eax
    addr32 rep stosl
    mov %esi, %eax              /* avail = desc + 16 N; used = the next page after avail's 6 + 2 N */
    shl $4, %eax
    add $RING, %eax
    mov %eax, AVAIL
    imul $18, %esi, %eax
    add $(6 + 4095), %eax
    and $~4095, %eax
    add $RING, %eax
    mov %eax, USED
    mov $IO_BAR + VP_QUEUE_PFN, %dx
    mov $(RING >> 12), %eax
    out %eax, %dx
    mov $IO_BAR + VP_QUEUE_VECTOR, %dx
    xor %ax, %ax
    out %ax, %dx
    in %dx, %ax
    expect_ax 0, "the transmit queue's MSI-X vector"

    /* Descriptor 0: the frame (broadcast destination), read by the device. */
    addr32 movl $BUFFER, RING + 0
    addr32 movl $0, RING + 4
    addr32 movl $FRAME_LEN, RING + 8
    addr32 movl $0, RING + 12
    mov $(BUFFER + 10), %edi
    mov $6, %ecx
    mov $0xff, %al
    addr32 rep stosb
    mov $IO_BAR + VP_STATUS, %dx
    mov $7, %al                 /* DRIVER_OK */
    out %al, %dx

    /* ---- Frame 1 with the vector masked: pending, not delivered ---- */
    mov $1, %bx
    call send_frame
    call wait_used
    mov PBA, %edi
    mov $100000, %ecx
1:  addr32 testl $1, (%edi)     /* the completion's interrupt follows the used ring's update */
    jnz 2f
    dec %ecx
    jnz 1b
    fail "PBA bit 0 not set for the masked vector"
2:  sti
    mov $100000, %ecx           /* a window for an interrupt that should not come */
1:  pause
    dec %ecx
    jnz 1b
    cli
    mov HITS, %ax
    expect_ax 0, "interrupts while the vector was masked"
    print "masked: pending, not delivered\n"

    /* Unmasking sends the pending message. */
    sti
    addr32 movl $0, MSIX_BAR + 12
    mov $1, %bx
    call wait_hits
    mov PBA, %edi
    addr32 mov (%edi), %eax
    and $1, %eax
    expect_eax 0, "PBA bit 0 after unmasking"
    print "unmasked: delivered\n"

    /* ---- Frame 2 with the vector unmasked: delivered at once ---- */
    mov $2, %bx
    call send_frame
    call wait_hits
    call wait_used
    print "unmasked vector: delivered\n"
    pass

/* Publish descriptor 0 as available entry BX - 1 (available index BX) and notify the queue. */
send_frame:
    mov AVAIL, %edi
    movzwl %bx, %eax
    dec %eax
    addr32 movw $0, 4(%edi,%eax,2)
    addr32 mov %bx, 2(%edi)
    mov $IO_BAR + VP_QUEUE_NOTIFY, %dx
    mov $TXQ, %ax
    out %ax, %dx
    ret

/* Until the used index is BX (the device's writes to RAM), or fail. */
wait_used:
    mov USED, %edi
    mov $200000000, %ecx
1:  addr32 cmp %bx, 2(%edi)
    je 2f
    pause
    dec %ecx
    jnz 1b
    addr32 movzwl 2(%edi), %eax
    fail_eax "the device did not complete the frame: used index", 4
2:  ret

/* Until HITS reaches BX, halted with interrupts on (STI;HLT: none slips in between). Returns
 * with interrupts off. The harness's timeout catches an interrupt that never comes. */
wait_hits:
1:  cli
    cmp %bx, HITS
    jae 2f
    sti
    hlt
    jmp 1b
2:  ret

/* The PCI config dword of 00:03.0 at register AL into EAX. */
pci_read:
    push %dx
    movzbl %al, %eax
    or $PCI_DEV, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    pop %dx
    ret

/* EBX to the PCI config dword of 00:03.0 at register AL. */
pci_write:
    push %eax
    push %dx
    movzbl %al, %eax
    or $PCI_DEV, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    mov %ebx, %eax
    out %eax, %dx
    pop %dx
    pop %eax
    ret

msix_handler:
    incw HITS
    addr32 movl $0, LAPIC + LAPIC_EOI
    iret

spurious:                       /* the spurious vector takes no EOI */
    iret

    reset_vector
