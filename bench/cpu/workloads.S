@ CPU benchmark workloads: A32 loops with exactly known instruction counts.
@ Each function runs its loop r0 times and returns; AAPCS: r4-r11 preserved.
    .syntax unified
    .arch armv7-a
    .arm
    .text

@ (a) tight: ALU, load, store and branch; 10 instructions per iteration.
@ void tight_loop(u32 iterations, u32 *data)
    .global tight_loop
    .type tight_loop, %function
    .balign 64
tight_loop:
    mov r3, #0
    mov r12, #0
1:  ldr r2, [r1]                @ 1
    add r2, r2, #1              @ 2
    str r2, [r1]                @ 3
    eor r3, r3, r2              @ 4
    add r12, r12, r3, lsl #1    @ 5
    ldr r2, [r1, #4]            @ 6
    sub r2, r2, r3              @ 7
    str r2, [r1, #4]            @ 8
    subs r0, r0, #1             @ 9
    bne 1b                      @ 10
    str r12, [r1, #8]
    bx lr

@ (b) call-heavy: 16 BL per iteration to 16 different two-instruction functions (ADD, BX LR);
@ 16 * 3 + 2 = 50 instructions per iteration.
@ void call_loop(u32 iterations)
    .global call_loop
    .type call_loop, %function
    .balign 64
call_loop:
    push {r4, lr}
    mov r2, #0
1:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    bl callee_\n
    .endr
    subs r0, r0, #1
    bne 1b
    pop {r4, pc}

    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    .balign 64                  @ each callee on its own cache line
    .type callee_\n, %function
callee_\n:
    add r2, r2, #\n + 1
    bx lr
    .endr

@ (c) store into the code page: the tight loop, but its data words share the 4 KiB page of
@ the loop's own code (not its instructions), which emulators that track translated code by
@ page must handle; 10 instructions per iteration.
@ void smc_loop(u32 iterations)
    .global smc_loop
    .type smc_loop, %function
    .balign 4096
smc_loop:
    adr r1, smc_data
    mov r3, #0
    mov r12, #0
1:  ldr r2, [r1]                @ 1
    add r2, r2, #1              @ 2
    str r2, [r1]                @ 3
    eor r3, r3, r2              @ 4
    add r12, r12, r3, lsl #1    @ 5
    ldr r2, [r1, #4]            @ 6
    sub r2, r2, r3              @ 7
    str r2, [r1, #4]            @ 8
    subs r0, r0, #1             @ 9
    bne 1b                      @ 10
    str r12, [r1, #8]
    bx lr
    .balign 256
smc_data:
    .word 0, 0, 0, 0
