/* A Multiboot (version 1) kernel, as bare-metal test suites written for QEMU boot theirs:
 * `-kernel multiboot.elf -append "mbtest=hello-42 ..." -initrd multiboot_module.txt`.
 * A 32-bit ELF linked at 1 MiB (GNU as, --32); built with -DAOUT_KLUDGE its header also has the
 * address fields (flag bit 16), so the loader takes those instead of the program headers.
 *
 * It checks what a Multiboot loader hands over: EAX = 0x2BADB002, EBX = the information
 * structure with the memory sizes (mem_lower 639..640 KiB, mem_upper plausible for -m 32), the
 * command line (contains "mbtest=hello-42"), one module, page-aligned, whose bytes are those of
 * multiboot_module.txt (included here with .incbin) and whose string names that file (and, with
 * "check_modarg" on the command line, ends in " modarg=7"), a
 * memory map (24-byte records, RAM at 1 MiB) and a boot loader name. It prints each on the debug
 * console (port 0xe9), then "PASS multiboot" or "FAIL multiboot: <reason>". Then, if the command
 * line has "exit=debug-exit", it writes 0x10 to QEMU's isa-debug-exit port 0xf4 (the emulator
 * ends with status 0x21); otherwise it halts and the harness ends the emulator. */
#define DEBUGCON        0xe9
#define DEBUG_EXIT      0xf4
#define DEBUG_EXIT_PASS 0x10            /* exit status (0x10 << 1) | 1 = 33 */

#define MB_MAGIC        0x1badb002
#define MB_BOOT_MAGIC   0x2badb002
#define MB_PAGE_ALIGN   (1 << 0)
#define MB_MEMORY_INFO  (1 << 1)
#define MB_ADDRESSES    (1 << 16)
#ifdef AOUT_KLUDGE
#define MB_FLAGS        (MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_ADDRESSES)
#else
#define MB_FLAGS        (MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif

/* Information structure fields and flags. */
#define MBI_FLAGS       0
#define MBI_MEM_LOWER   4
#define MBI_MEM_UPPER   8
#define MBI_CMDLINE     16
#define MBI_MODS_COUNT  20
#define MBI_MODS_ADDR   24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR   48
#define MBI_LOADER_NAME 64
#define MBI_NEEDED      ((1 << 0) | (1 << 2) | (1 << 3) | (1 << 6))  /* mem, cmdline, mods, mmap */
#define MBI_HAS_LOADER  (1 << 9)

    .code32
    .text
    .globl start
mb_header:                              /* first in the file's text: well inside its first 8 KiB */
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
#ifdef AOUT_KLUDGE
    .long mb_header                     /* header_addr */
    .long __executable_start            /* load_addr: the file's start (ELF header), page-aligned */
    .long load_end                      /* load_end_addr */
    .long bss_end                       /* bss_end_addr */
    .long start                         /* entry_addr */
#endif

/* ---- Helpers: flat 32-bit, every register kept ---- */

/* call print_inline; .asciz "text" */
print_inline:
    push %eax
    push %esi
    mov 8(%esp), %esi
1:  lodsb
    test %al, %al
    jz 2f
    out %al, $DEBUGCON
    jmp 1b
2:  mov %esi, 8(%esp)
    pop %esi
    pop %eax
    ret

/* The NUL-terminated string at ESI. */
print_string:
    push %eax
    push %esi
1:  lodsb
    test %al, %al
    jz 2f
    out %al, $DEBUGCON
    jmp 1b
2:  pop %esi
    pop %eax
    ret

/* EAX in hex, 8 digits. */
print_hex:
    pusha
    mov %eax, %ebx
    mov $8, %ecx
1:  rol $4, %ebx
    mov %bl, %al
    and $0x0f, %al
    add $'0', %al
    cmp $'9', %al
    jbe 2f
    add $('a' - '9' - 1), %al
2:  out %al, $DEBUGCON
    loop 1b
    popa
    ret

/* ZF set if the string at ESI contains the string at EDI. */
contains:
    pusha
1:  xor %ecx, %ecx
2:  mov (%edi, %ecx), %al
    test %al, %al
    jz 3f                               /* the whole needle matched: ZF set */
    cmp (%esi, %ecx), %al
    jne 4f
    inc %ecx
    jmp 2b
4:  cmpb $0, (%esi)
    je 5f
    inc %esi
    jmp 1b
5:  or $1, %ecx                         /* end of the haystack: ZF clear */
3:  popa
    ret

/* ZF set if the string at ESI ends with the string at EDI. */
ends_with:
    pusha
    mov %esi, %edx
    call strlen
    mov %ecx, %ebx                      /* haystack length */
    mov %edi, %esi
    call strlen                         /* needle length */
    cmp %ecx, %ebx
    jb 1f
    lea (%edx, %ebx), %esi
    sub %ecx, %esi
    repe cmpsb
    jmp 2f
1:  or $1, %ebx                         /* shorter than the needle: ZF clear */
2:  popa
    ret

/* ECX = length of the string at ESI. */
strlen:
    xor %ecx, %ecx
1:  cmpb $0, (%esi, %ecx)
    je 2f
    inc %ecx
    jmp 1b
2:  ret

halt:
    cli
1:  hlt
    jmp 1b

.macro print text
    call print_inline
    .asciz "\text"
.endm

.macro fail reason
    call print_inline
    .asciz "FAIL multiboot: \reason\n"
    jmp halt
.endm

/* FAIL multiboot: <reason> 0x<EAX> */
.macro fail_eax reason
    call print_inline
    .asciz "FAIL multiboot: \reason 0x"
    call print_hex
    print "\n"
    jmp halt
.endm

/* ---- The kernel ---- */

start:
    cli
    cld
    mov $stack_top, %esp
    cmp $MB_BOOT_MAGIC, %eax
    je 1f
    fail_eax "EAX at entry is not 0x2badb002:"
1:  mov %ebx, %ebp                      /* EBP = the information structure from here on */
    print "multiboot guest: info at 0x"
    mov %ebp, %eax
    call print_hex
    print " flags 0x"
    mov MBI_FLAGS(%ebp), %eax
    call print_hex
    print "\n"
    mov %eax, %ebx
    and $MBI_NEEDED, %ebx
    cmp $MBI_NEEDED, %ebx
    je 1f
    fail_eax "flags lack mem, cmdline, mods or mmap:"

    /* Memory sizes: conventional memory 639 or 640 KiB; -m 32 leaves 16-31 MiB above 1 MiB. */
1:  print "mem_lower 0x"
    mov MBI_MEM_LOWER(%ebp), %eax
    call print_hex
    print " mem_upper 0x"
    mov MBI_MEM_UPPER(%ebp), %eax
    call print_hex
    print " KiB\n"
    mov MBI_MEM_LOWER(%ebp), %eax
    cmp $639, %eax
    jb 1f
    cmp $640, %eax
    jbe 2f
1:  fail_eax "mem_lower is not 639 or 640 KiB:"
2:  mov MBI_MEM_UPPER(%ebp), %eax
    cmp $(16 * 1024), %eax
    jb 1f
    cmp $(31 * 1024), %eax
    jbe 2f
1:  fail_eax "mem_upper is not 16-31 MiB for -m 32:"

    /* The command line. */
2:  print "cmdline: "
    mov MBI_CMDLINE(%ebp), %esi
    call print_string
    print "\n"
    lea want_cmdline, %edi
    call contains
    je 1f
    fail "the command line lacks mbtest=hello-42"

    /* One module: multiboot_module.txt's bytes, page-aligned, its string "... modarg=7". */
1:  mov MBI_MODS_COUNT(%ebp), %eax
    cmp $1, %eax
    je 1f
    fail_eax "mods_count is not 1:"
1:  mov MBI_MODS_ADDR(%ebp), %ebx
    print "module at 0x"
    mov (%ebx), %eax
    call print_hex
    print "-0x"
    mov 4(%ebx), %eax
    call print_hex
    print ": "
    mov 8(%ebx), %esi
    call print_string
    print "\n"
    mov (%ebx), %eax
    test $0xfff, %eax
    jz 1f
    fail_eax "the module is not page-aligned:"
1:  mov 4(%ebx), %ecx
    sub (%ebx), %ecx
    cmp $(module_copy_end - module_copy), %ecx
    je 1f
    mov %ecx, %eax
    fail_eax "the module's size is not multiboot_module.txt's:"
1:  mov (%ebx), %esi
    lea module_copy, %edi
    repe cmpsb
    je 1f
    fail "the module's bytes differ from multiboot_module.txt"
1:  mov 8(%ebx), %esi
    lea want_module_name, %edi
    call contains
    je 1f
    fail "the module's string lacks multiboot_module.txt"
    /* "FILE ARGS" modules: with "check_modarg" on the command line the string must keep the
     * arguments (emu's command line takes -initrd as one file name so far). */
1:  mov MBI_CMDLINE(%ebp), %esi
    lea want_check_modarg, %edi
    call contains
    jne 1f
    mov 8(%ebx), %esi
    lea want_modarg, %edi
    call ends_with
    je 1f
    fail "the module's string does not end in ' modarg=7'"

    /* The memory map: 24-byte records (size 20), one of them RAM from 1 MiB. */
1:  mov MBI_MMAP_LENGTH(%ebp), %eax
    print "mmap 0x"
    call print_hex
    print " bytes\n"
    test %eax, %eax
    jz 1f
    xor %edx, %edx
    mov $24, %ecx
    div %ecx
    test %edx, %edx
    jz 2f
1:  mov MBI_MMAP_LENGTH(%ebp), %eax
    fail_eax "mmap_length is not a positive multiple of 24:"
2:  mov MBI_MMAP_ADDR(%ebp), %esi
    mov %esi, %edi
    add MBI_MMAP_LENGTH(%ebp), %edi
3:  cmp %edi, %esi
    jae 4f
    cmpl $20, (%esi)
    je 5f
    mov (%esi), %eax
    fail_eax "an mmap record's size is not 20:"
5:  cmpl $0x100000, 4(%esi)             /* base_addr (low half; the high half 0) */
    jne 6f
    cmpl $0, 8(%esi)
    jne 6f
    cmpl $1, 20(%esi)                   /* type RAM */
    je 7f
6:  add $24, %esi
    jmp 3b
4:  fail "the memory map has no RAM record at 1 MiB"

7:  testl $MBI_HAS_LOADER, MBI_FLAGS(%ebp)
    jz 1f
    print "boot loader: "
    mov MBI_LOADER_NAME(%ebp), %esi
    call print_string
    print "\n"
1:  print "PASS multiboot\n"

    mov MBI_CMDLINE(%ebp), %esi
    lea want_debug_exit, %edi
    call contains
    jne halt
    mov $DEBUG_EXIT_PASS, %al
    out %al, $DEBUG_EXIT
    jmp halt                            /* emu may run a few more instructions before it ends */

want_cmdline:    .asciz "mbtest=hello-42"
want_modarg:     .asciz " modarg=7"
want_module_name: .asciz "multiboot_module.txt"
want_check_modarg: .asciz "check_modarg"
want_debug_exit: .asciz "exit=debug-exit"
module_copy:
    .incbin "multiboot_module.txt"
module_copy_end:
load_end:

    .bss
    .balign 16
    .skip 4096
stack_top:
bss_end:
