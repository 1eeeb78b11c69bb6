@ Benchmark loops (used by perf_test.cpp).
#include "common.inc"

    .global loop_arm
loop_arm:
    ldr r0, =100000000
    mov r1, #0
    ldr r2, =buf
1:  add r1, r1, r0
    ldr r3, [r2]
    eor r3, r3, r1
    str r3, [r2, #4]
    subs r0, r0, #1
    bne 1b
    EXIT

    .global loop_mixed
loop_mixed:                    @ data in the same page as the code
    ldr r0, =100000000
    mov r1, #0
    adr r2, nearbuf
1:  add r1, r1, r0
    ldr r3, [r2]
    eor r3, r3, r1
    str r3, [r2, #4]
    subs r0, r0, #1
    bne 1b
    EXIT
nearbuf: .word 0, 0

    .thumb
    .global loop_thumb
    .thumb_func
loop_thumb:
    ldr r0, =100000000
    movs r1, #0
    ldr r2, =buf
1:  adds r1, r1, r0
    ldr r3, [r2]
    eors r3, r3, r1
    str r3, [r2, #4]
    subs r0, #1
    bne 1b
    svc #0
    .ltorg
    .balign 4096
buf: .space 64
