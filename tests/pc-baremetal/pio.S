/* Port I/O on the pc board: the debug console's readback, CMOS RAM through the RTC's index/data
 * ports, COM1's scratch register, a port nobody decodes (all ones at every width, also through
 * string I/O), and PCI configuration mechanism #1 (0xcf8/0xcfc) naming the i440FX and PIIX3. */
#define GUEST_NAME "pio"
#include "guest.inc"

#define UNASSIGNED 0x200            /* the game port: nothing on this board */
#define BUF        0x600

start:
    guest_init

    in $DEBUGCON, %al
    expect_al 0xe9, "debugcon readback"

    /* CMOS RAM: 0x40/0x41 are bytes the board leaves alone. */
    mov $0x40, %al
    out %al, $0x70
    mov $0x5a, %al
    out %al, $0x71
    mov $0x41, %al
    out %al, $0x70
    mov $0xa5, %al
    out %al, $0x71
    mov $0x40, %al
    call cmos_read
    expect_al 0x5a, "CMOS 0x40"
    mov $0x41, %al
    call cmos_read
    expect_al 0xa5, "CMOS 0x41"
    mov $0xc0, %al              /* bit 7 of the index is the NMI mask, not part of it */
    call cmos_read
    expect_al 0x5a, "CMOS 0x40 with the NMI-disable bit"
    mov $0x0d, %al
    call cmos_read
    expect_al 0x80, "CMOS register D (VRT)"
    mov $0x00, %al              /* NMIs on again */
    out %al, $0x70
    print "cmos ok\n"

    /* COM1 (0x3f8): scratch register round trips; idle line status and no interrupt. */
    mov $0x55, %al
    mov $0x3ff, %dx
    out %al, %dx
    in %dx, %al
    expect_al 0x55, "COM1 scratch"
    mov $0xaa, %al
    out %al, %dx
    in %dx, %al
    expect_al 0xaa, "COM1 scratch"
    mov $0x3fd, %dx
    in %dx, %al
    expect_al 0x60, "COM1 LSR (THRE|TEMT)"
    mov $0x3fa, %dx
    in %dx, %al
    expect_al 0x01, "COM1 IIR (no interrupt pending)"
    print "com1 ok\n"

    /* Nobody answers: all ones, whatever the width. */
    mov $UNASSIGNED, %dx
    in %dx, %al
    expect_al 0xff, "unassigned port, byte"
    in %dx, %ax
    expect_ax 0xffff, "unassigned port, word"
    in %dx, %eax
    expect_eax 0xffffffff, "unassigned port, dword"
    mov $0x1234, %ax            /* a write is dropped */
    out %ax, %dx

    /* String I/O: rep insb from that port, rep outsb to the console. */
    movl $0, BUF
    movl $0, BUF + 4
    mov $BUF, %di
    mov $8, %cx
    rep insb %dx, %es:(%di)
    mov BUF, %eax
    expect_eax 0xffffffff, "rep insb from the unassigned port"
    mov BUF + 4, %eax
    expect_eax 0xffffffff, "rep insb from the unassigned port"
    mov $string_text, %si
    mov $(string_end - string_text), %cx
    mov $DEBUGCON, %dx
    rep outsb %cs:(%si), %dx
    print "unassigned ok\n"

    /* PCI configuration mechanism #1: 00.0 i440FX (8086:1237), 01.0 PIIX3 (8086:7000). */
    mov $0xcf8, %dx
    mov $0x80000000, %eax
    out %eax, %dx
    in %dx, %eax
    expect_eax 0x80000000, "CONFIG_ADDRESS readback"
    mov $0xcfc, %dx
    in %dx, %eax
    expect_eax 0x12378086, "PCI 00.0 vendor/device"
    mov $0xcf8, %dx
    mov $0x80000800, %eax
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    expect_eax 0x70008086, "PCI 01.0 vendor/device"
    mov $0xcf8, %dx
    mov $0x80001000, %eax       /* 02.0: empty slot */
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    expect_eax 0xffffffff, "PCI 02.0 (empty)"
    print "pci ok\n"

    pass

string_text:
    .ascii "string i/o ok\n"
string_end:

    reset_vector
