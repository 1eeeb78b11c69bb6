/* MMIO above 1 MiB on the pc board: the IOAPIC (IOREGSEL/IOWIN: version, redirection entries),
 * the local APIC (ID, version, SVR, TPR; IA32_APIC_BASE), the BIOS ROM at the top of 4 GiB
 * (same bytes as at 0xf0000, writes ignored) and RAM above 1 MiB. First from 32-bit protected
 * mode and back (interrupts off), then from unreal mode; both must read the same. */
#define GUEST_NAME "mmio"
#include "guest.inc"

#define PM_LAPIC_VER  (VARS + 0x00)     /* what protected mode read */
#define PM_IOAPIC_VER (VARS + 0x04)
#define PM_ROM_TOP    (VARS + 0x08)
#define ROM_HIGH      0xffff0000        /* the image ends at 4 GiB */

start:
    guest_init

    /* ---- 32-bit protected mode and back ---- */
    lgdtl %cs:gdt_desc
    mov %cr0, %eax
    or $1, %al
    mov %eax, %cr0
    ljmpl $SEL_CODE32, $(ROM_LINEAR + pm32)
    .code32
pm32:
    mov $SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $STACK_TOP, %esp
    mov LAPIC + LAPIC_VER, %eax
    mov %eax, PM_LAPIC_VER
    movl $1, IOAPIC
    mov IOAPIC + IOAPIC_WIN, %eax
    mov %eax, PM_IOAPIC_VER
    mov ROM_HIGH + 0xfff0, %eax
    mov %eax, PM_ROM_TOP
    ljmp $SEL_CODE16, $pm16
    .code16
pm16:
    mov $SEL_DATA16, %ax        /* real-mode-like limits before PE goes off */
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr0, %eax
    and $0xfe, %al
    mov %eax, %cr0
    ljmp $ROM_SEG, $real_again
real_again:
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $STACK_TOP, %sp
    print "protected mode and back\n"

    /* ---- unreal mode ---- */
    call enter_unreal

    /* IOAPIC version register: version 0x11 (82093AA) or 0x20, 24 redirection entries. */
    addr32 movl $1, IOAPIC
    addr32 mov IOAPIC + IOAPIC_WIN, %eax
    print "ioapic version 0x"
    print_eax
    print "\n"
    cmp PM_IOAPIC_VER, %eax
    je 1f
    fail "IOAPIC version differs between protected and unreal mode"
1:  mov %eax, %ebx
    shr $16, %eax
    expect_al 23, "IOAPIC maximum redirection entry"
    mov %bl, %al
    cmp $0x11, %al
    je 1f
    cmp $0x20, %al
    je 1f
    fail_eax "IOAPIC version is neither 0x11 nor 0x20:", 2
1:
    /* Redirection entries start masked; one written through IOWIN reads back. */
    addr32 movl $0x10, IOAPIC            /* entry 0, low half */
    addr32 mov IOAPIC + IOAPIC_WIN, %eax
    and $0x00010000, %eax
    expect_eax 0x00010000, "IOAPIC entry 0 masked after reset"
    addr32 movl $0x1a, IOAPIC            /* entry 5: vector 0x55, level, masked */
    addr32 movl $0x00018055, IOAPIC + IOAPIC_WIN
    addr32 movl $0x1b, IOAPIC
    addr32 movl $0x01000000, IOAPIC + IOAPIC_WIN
    addr32 movl $0x1a, IOAPIC
    addr32 mov IOAPIC + IOAPIC_WIN, %eax
    expect_eax 0x00018055, "IOAPIC entry 5 low readback"
    addr32 movl $0x1b, IOAPIC
    addr32 mov IOAPIC + IOAPIC_WIN, %eax
    and $0xff000000, %eax
    expect_eax 0x01000000, "IOAPIC entry 5 destination readback"
    addr32 movl $0x1a, IOAPIC
    addr32 movl $0x00010000, IOAPIC + IOAPIC_WIN
    print "ioapic ok\n"

    /* Local APIC: the BSP is APIC id 0; an integrated APIC (version 0x1x). */
    addr32 mov LAPIC + LAPIC_ID, %eax
    print "lapic id 0x"
    print_eax
    shr $24, %eax
    expect_al 0, "local APIC id of the BSP"
    addr32 mov LAPIC + LAPIC_VER, %eax
    print " version 0x"
    print_eax
    print "\n"
    cmp PM_LAPIC_VER, %eax
    je 1f
    fail "local APIC version differs between protected and unreal mode"
1:  mov %al, %bl
    and $0xf0, %bl
    cmp $0x10, %bl
    je 1f
    fail_eax "local APIC version is not an integrated APIC's (0x1x):", 2
1:  shr $16, %eax
    cmp $3, %al                 /* LINT0, LINT1, error, timer at least */
    jae 1f
    fail_eax "local APIC max LVT entry too small:", 2
1:  addr32 movl $0x1ff, LAPIC + LAPIC_SVR   /* software enable, spurious vector 0xff */
    addr32 mov LAPIC + LAPIC_SVR, %eax
    and $0x1ff, %eax
    expect_eax 0x1ff, "local APIC SVR readback"
    addr32 movl $0x20, LAPIC + 0x80         /* TPR */
    addr32 mov LAPIC + 0x80, %eax
    expect_eax 0x20, "local APIC TPR readback"
    addr32 movl $0, LAPIC + 0x80
    mov $0x1b, %ecx             /* IA32_APIC_BASE: 0xfee00000, enabled, BSP */
    rdmsr
    and $0xfffff900, %eax
    expect_eax 0xfee00900, "IA32_APIC_BASE"
    print "lapic ok\n"

    /* The ROM at the top of 4 GiB holds the image's bytes; writes there are ignored. */
    addr32 mov ROM_HIGH + 0xfff0, %eax
    cmp %cs:0xfff0, %eax
    je 1f
    fail_eax "ROM at 0xfffffff0 differs from F000:FFF0:"
1:  cmp PM_ROM_TOP, %eax
    je 1f
    fail "ROM at 0xfffffff0 read differently in protected mode"
1:  addr32 movl $0x12345678, ROM_HIGH + rom_word
    addr32 mov ROM_HIGH + rom_word, %eax
    expect_eax 0x600dc0de, "ROM word after a write at 0xffff0000+"
    movl $0x12345678, %cs:rom_word      /* and through the 0xf0000 alias */
    mov %cs:rom_word, %eax
    expect_eax 0x600dc0de, "ROM word after a write at 0xf0000+"
    print "rom ok\n"

    /* RAM above 1 MiB (-m 32): just past 1 MiB and the last dword. */
    addr32 movl $0xa5a55a5a, 0x100000
    addr32 movl $0x0badf00d, 0x1fffffc
    addr32 mov 0x100000, %eax
    expect_eax 0xa5a55a5a, "RAM at 1 MiB"
    addr32 mov 0x1fffffc, %eax
    expect_eax 0x0badf00d, "RAM at 32 MiB - 4"
    print "ram ok\n"

    pass

    .balign 4
rom_word:
    .long 0x600dc0de

    reset_vector
