/* CPUID as the guest sees it: leaf 0 EAX; leaf 1 EBX ECX EDX; leaf 0xb.1 EAX EBX; the first
 * 16 bytes of the brand string. All as 32-bit writes to PORT_LOG. */
#include "common.inc"
    .code16
    .text
start:
    cli
    xor %eax, %eax
    cpuid
    out %eax, $PORT_LOG
    mov $1, %eax
    cpuid
    mov %ebx, %eax
    out %eax, $PORT_LOG
    mov %ecx, %eax
    out %eax, $PORT_LOG
    mov %edx, %eax
    out %eax, $PORT_LOG
    mov $0xb, %eax
    mov $1, %ecx
    cpuid
    out %eax, $PORT_LOG
    mov %ebx, %eax
    out %eax, $PORT_LOG
    mov $0x80000002, %eax
    cpuid
    out %eax, $PORT_LOG
    mov %ebx, %eax
    out %eax, $PORT_LOG
    mov %ecx, %eax
    out %eax, $PORT_LOG
    mov %edx, %eax
    out %eax, $PORT_LOG
    exit 0
    reset_vector
