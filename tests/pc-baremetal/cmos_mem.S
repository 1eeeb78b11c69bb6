/* What the board tells firmware about the machine, run with -m 256: the CMOS bytes firmware
 * reads (base memory, extended memory, memory above 16 MiB in 64 KiB units at 0x34/0x35, above
 * 4 GiB, CPU count, equipment, boot order), the same sizes through fw_cfg (port 0x510 selector,
 * 0x511 data), and RAM itself: its last dword holds a value, the dword just past it does not. */
#define GUEST_NAME "cmos_mem"
#include "guest.inc"

#define RAM_MIB    256
#define RAM_END    (RAM_MIB << 20)

/* AX = the little-endian CMOS word at index AL. */
cmos_read16:
    push %bx
    mov %al, %bl
    inc %al
    call cmos_read
    mov %al, %ah
    mov %bl, %al
    call cmos_read
    pop %bx
    ret

/* Select fw_cfg item AX. */
fw_cfg_select:
    push %dx
    mov $0x510, %dx
    out %ax, %dx
    pop %dx
    ret

/* EAX = the next 4 bytes of the selected fw_cfg item, little endian. */
fw_cfg_read32:
    push %cx
    push %dx
    mov $0x511, %dx
    mov $4, %cx
1:  in %dx, %al
    ror $8, %eax
    loop 1b
    pop %dx
    pop %cx
    ret

.macro expect_cmos16 index, value, what
    mov $(\index), %al
    call cmos_read16
    expect_ax \value, "\what"
.endm
.macro expect_cmos index, value, what
    mov $(\index), %al
    call cmos_read
    expect_al \value, "\what"
.endm

start:
    guest_init

    expect_cmos16 0x15, 640, "CMOS 0x15/0x16 base memory (KiB)"
    expect_cmos16 0x17, 0xffff, "CMOS 0x17/0x18 extended memory (KiB, capped)"
    expect_cmos16 0x30, 0xffff, "CMOS 0x30/0x31 extended memory (KiB, capped)"
    expect_cmos16 0x34, 0x0f00, "CMOS 0x34/0x35 memory above 16 MiB (64 KiB units: 240 MiB)"
    expect_cmos16 0x5b, 0, "CMOS 0x5b/0x5c memory above 4 GiB"
    expect_cmos 0x5d, 0, "CMOS 0x5d memory above 4 GiB, high byte"
    expect_cmos 0x5f, 0, "CMOS 0x5f CPU count - 1"
    expect_cmos 0x14, 0x06, "CMOS 0x14 equipment (FPU, mouse)"
    expect_cmos 0x10, 0x00, "CMOS 0x10 floppy drives"
    expect_cmos 0x3d, 0x12, "CMOS 0x3d boot order (disk, floppy)"
    expect_cmos 0x38, 0x30, "CMOS 0x38 third boot device (CD-ROM)"
    mov $0x34, %al
    call cmos_read16
    movzx %ax, %eax
    print "cmos: 0x34/0x35 = 0x"
    print_eax 4
    print " (64 KiB units above 16 MiB)\n"

    /* fw_cfg: signature, RAM size, CPU count. */
    mov $0x0000, %ax
    call fw_cfg_select
    call fw_cfg_read32
    expect_eax 0x554d4551, "fw_cfg signature (\"QEMU\")"
    mov $0x0003, %ax
    call fw_cfg_select
    call fw_cfg_read32
    expect_eax RAM_END, "fw_cfg RAM size, low"
    call fw_cfg_read32
    expect_eax 0, "fw_cfg RAM size, high"
    mov $0x0005, %ax
    call fw_cfg_select
    call fw_cfg_read32
    and $0xffff, %eax
    expect_eax 1, "fw_cfg CPU count"
    print "fw_cfg ok\n"

    /* RAM ends where CMOS says. */
    call enter_unreal
    addr32 movl $0x5aa5c33c, RAM_END - 4
    addr32 movl $0x5aa5c33c, RAM_END
    addr32 mov RAM_END - 4, %eax
    expect_eax 0x5aa5c33c, "the last dword of RAM"
    addr32 mov RAM_END, %eax
    cmp $0x5aa5c33c, %eax
    jne 1f
    fail "the dword past the end of RAM keeps what was written"
1:  print "ram size ok\n"
    pass

    reset_vector
