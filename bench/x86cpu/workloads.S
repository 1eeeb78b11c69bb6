/* Bare-metal i386 workloads for the x86 CPU benchmark (bench/x86cpu/run.py): a Multiboot kernel
 * that both emu and qemu-system-i386 boot with -kernel, runs ITERATIONS iterations of one loop
 * with an exactly known instruction count, and ends the emulator through QEMU's isa-debug-exit
 * device (-device isa-debug-exit,iobase=0xf4,iosize=4: exit status (0 << 1) | 1 = 1).
 *   WORKLOAD 1  tight:      ALU/load/store/branch loop, 10 instructions per iteration
 *   WORKLOAD 2  call-heavy: 8 near calls of a 2-instruction function (ADD; RET) per iteration,
 *                           8 * 3 + 2 = 26 instructions per iteration
 * Built with: as --32 --defsym WORKLOAD=N --defsym ITERATIONS=N; ld -m elf_i386 -Ttext=0x100000 */
    .intel_syntax noprefix
    .code32
    .text
    .globl _start
    .align 4
multiboot_header:
    .long 0x1BADB002
    .long 0
    .long -0x1BADB002

_start:
    mov esp, 0x90000
    mov ebx, offset buffer
    xor esi, esi
    xor edx, edx
    mov ecx, ITERATIONS
.if WORKLOAD == 1
tight:
    mov eax, [ebx + esi * 4]
    add eax, edx
    rol eax, 3
    xor edx, eax
    mov [ebx + esi * 4], eax
    inc esi
    and esi, 63
    sub edx, 7
    dec ecx
    jnz tight
.else
calls:
    call func
    call func
    call func
    call func
    call func
    call func
    call func
    call func
    dec ecx
    jnz calls
.endif
    xor eax, eax
    out 0xf4, al
1:  hlt
    jmp 1b

func:
    add eax, 1
    ret

    .bss
    .align 64
buffer:
    .space 256
