/* ACPI power-off (S5) on either x86 board, as an OS does it without AML: place the chipset's
 * power-management block at PMBASE 0x600 (pc: PIIX4 PM 00:01.3, PMBASE 0x40 + PMREGMISC 0x80;
 * q35: ICH9 LPC 00:1f.0, PMBASE 0x40 + ACPI_CNTL 0x44), check that it answers there (the PM
 * timer, absent before and ticking after), enable ACPI through the APM port (the FADT's
 * SMI_CMD 0xb2, ACPI_ENABLE 0xf1 -> SCI_EN), say "PASS poweroff-setup", then write SLP_TYP 0
 * (the DSDT's \_S5 on both boards) with SLP_EN to PM1_CNT. emu must then exit with status 0:
 * the harness (--expect-exit 0) judges that; should the guest still run 2 s later, it says FAIL. */
#define GUEST_NAME "poweroff"
#include "guest.inc"

#define PMBASE       0x600
#define PM1_CNT      (PMBASE + 4)
#define PM_TMR       (PMBASE + 8)
#define PM_TMR_HZ    3579545
#define PM_TMR_MASK  0xffffff       /* 24 bits on both chipsets */
#define SCI_EN       0x0001
#define SLP_TYP_MASK 0x1c00
#define SLP_EN       0x2000
#define APM_CNT      0xb2
#define ACPI_ENABLE  0xf1

#define PCI_PIIX4_PM 0x80000b00     /* 00:01.3 */
#define PCI_ICH9_LPC 0x8000f800     /* 00:1f.0 */

/* EAX = the PCI configuration dword at EBX (a CONFIG_ADDRESS value, dword aligned). */
.macro pci_read32
    mov $0xcf8, %dx
    mov %ebx, %eax
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
.endm

/* The configuration byte at EBX (any offset) = AL. Changes DX. */
pci_write8:
    push %eax
    mov $0xcf8, %dx
    mov %ebx, %eax
    and $~3, %eax
    out %eax, %dx
    mov %bx, %dx
    and $3, %dx
    add $0xcfc, %dx             /* the byte's lane of CONFIG_DATA */
    pop %eax
    out %al, %dx
    ret

/* EAX = the PM timer, 24 bits. */
pm_timer:
    push %dx
    mov $PM_TMR, %dx
    in %dx, %eax
    and $PM_TMR_MASK, %eax
    pop %dx
    ret

start:
    guest_init

    /* Before the block is enabled nothing decodes PMBASE: the timer's port reads all ones. */
    mov $PM_TMR, %dx
    in %dx, %eax
    expect_eax 0xffffffff, "PM timer port before the block is enabled"

    mov $0x80000000, %ebx       /* 00:00.0: which board */
    pci_read32
    cmp $0x12378086, %eax
    je board_pc
    cmp $0x29c08086, %eax
    je board_q35
    fail_eax "PCI 00.0 is neither i440FX nor Q35 MCH:"

board_pc:
    print "board pc (i440FX, PIIX4 PM 00:01.3)\n"
    mov $PCI_PIIX4_PM, %ebx
    pci_read32
    expect_eax 0x71138086, "PCI 00:01.3 vendor/device"
    mov $(PCI_PIIX4_PM + 0x40), %ebx
    mov $0xcf8, %dx
    mov %ebx, %eax
    out %eax, %dx
    mov $0xcfc, %dx
    mov $(PMBASE | 1), %eax
    out %eax, %dx               /* PMBASE (bit 0: I/O space) */
    mov $(PCI_PIIX4_PM + 0x80), %ebx
    mov $1, %al                 /* PMREGMISC.PMIOSE */
    call pci_write8
    mov $(PCI_PIIX4_PM + 0x40), %ebx
    jmp block_on

board_q35:
    print "board q35 (ICH9 LPC 00:1f.0)\n"
    mov $PCI_ICH9_LPC, %ebx
    pci_read32
    expect_eax 0x29188086, "PCI 00:1f.0 vendor/device"
    mov $(PCI_ICH9_LPC + 0x40), %ebx
    mov $0xcf8, %dx
    mov %ebx, %eax
    out %eax, %dx
    mov $0xcfc, %dx
    mov $(PMBASE | 1), %eax
    out %eax, %dx               /* PMBASE */
    mov $(PCI_ICH9_LPC + 0x44), %ebx
    mov $0x80, %al              /* ACPI_CNTL.ACPI_EN */
    call pci_write8
    mov $(PCI_ICH9_LPC + 0x40), %ebx

block_on:                       /* EBX: the PMBASE register */
    pci_read32
    and $0xfffe, %eax
    expect_eax PMBASE, "PMBASE readback"

    /* The PM timer now answers at PMBASE+8 and advances. */
1:  call pm_timer
    mov %eax, %ebx
    mov $50000, %cx             /* each read exits to emu: far more than one 280 ns tick */
2:  call pm_timer
    cmp %eax, %ebx
    jne 3f
    pause
    loop 2b
    fail_eax "PM timer stuck at"
3:  print "pm timer ok\n"

    /* SCI_EN: clear at power-on, set by ACPI_ENABLE through the APM control port. */
    mov $PM1_CNT, %dx
    in %dx, %ax
    test $SCI_EN, %ax
    jz 4f
    fail_eax "PM1_CNT.SCI_EN set before ACPI_ENABLE:", 4
4:  mov $ACPI_ENABLE, %al
    out %al, $APM_CNT
    in %dx, %ax
    test $SCI_EN, %ax
    jnz 5f
    fail_eax "PM1_CNT.SCI_EN clear after ACPI_ENABLE:", 4
5:  print "acpi enabled\n"
    print "PASS poweroff-setup\n"

    /* S5 as OSPM enters it: SLP_TYP from \_S5 (0), then SLP_EN, other bits (SCI_EN) kept. */
    mov $PM1_CNT, %dx
    in %dx, %ax
    and $~(SLP_TYP_MASK | SLP_EN), %ax
    or $SLP_EN, %ax
    out %ax, %dx

    /* Still here: wait 2 s of PM timer (less than one 24-bit wrap, 4.7 s), then complain. */
    call pm_timer
    mov %eax, %ebx
6:  call pm_timer
    sub %ebx, %eax
    and $PM_TMR_MASK, %eax
    cmp $(2 * PM_TMR_HZ), %eax
    jb 6b
    fail "still running 2 s after PM1_CNT = SLP_EN | SLP_TYP 0 (S5)"

    reset_vector
