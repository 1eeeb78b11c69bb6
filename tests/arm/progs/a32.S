@ A32 integer instruction tests. Each label runs a small sequence and ends with EXIT;
@ the C++ side checks registers and memory.
#include "common.inc"

    .global alu_flags
alu_flags:
    mov r0, #0xffffffff
    adds r1, r0, #1          @ r1 = 0, Z C set, N V clear
    mrs r2, cpsr             @ flags after adds
    mov r3, #0x7fffffff
    adds r4, r3, #1          @ overflow: N V set
    mrs r5, cpsr
    mov r6, #5
    subs r7, r6, #7          @ -2: N set, C clear (borrow)
    mrs r8, cpsr
    mov r9, #1
    adcs r10, r9, r9         @ C was clear -> 2
    subs r11, r6, r6         @ 0 with C set
    sbc r12, r6, #1          @ C set -> 5-1 = 4
    EXIT

    .global alu_shifts
alu_shifts:
    mov r0, #0x80000001
    movs r1, r0, lsl #1      @ 2, C = 1
    mrs r2, cpsr
    movs r3, r0, lsr #1      @ 0x40000000, C = 1
    movs r4, r0, asr #31     @ 0xffffffff, C = 0
    mrs r5, cpsr
    mov r6, #33
    movs r7, r0, lsl r6      @ 0, C = 0
    mov r6, #32
    movs r8, r0, lsr r6      @ 0, C = 1 (bit 31)
    mrs r9, cpsr
    movs r10, r0, rrx        @ C was 1 -> 0xc0000000, C = 1
    mov r11, r0, ror #4      @ 0x18000000
    mvn r12, #0xff000000     @ 0x00ffffff
    EXIT

    .global alu_cond
alu_cond:
    mov r0, #0
    mov r1, #0
    cmp r0, #0
    moveq r1, #1
    movne r1, #2
    addhi r1, r1, #100       @ not taken: C set, Z set -> HI false
    addls r1, r1, #10        @ taken -> 11
    mov r2, #3
    cmp r2, #5
    movlt r3, #1             @ taken
    movge r3, #2
    movgt r4, #7
    movle r4, #8             @ taken
    tst r2, #4
    moveq r5, #0x55          @ taken
    teq r2, #3
    moveq r6, #0x66          @ taken
    cmn r2, #3               @ 6, no flags N/Z
    movpl r7, #0x77
    bic r8, r2, #1           @ 2
    eor r9, r2, #0xff        @ 0xfc
    rsb r10, r2, #10         @ 7
    orr r11, r2, #0x100      @ 0x103
    and r12, r2, #2          @ 2
    EXIT

    .global pc_ops
pc_ops:
    mov r0, pc               @ pc_ops + 8
    add r1, pc, #4           @ pc_ops + 12
    adr r2, 1f
    add pc, pc, #0           @ skip next instruction
    mov r3, #1
    mov r3, #2
1:  ldr r4, =0x12345678
    mov r5, #0
    sub r6, pc, #8           @ address of this insn
    EXIT

    .global ldst
ldst:
    ldr r0, =data
    ldr r1, [r0]             @ 0x11223344
    ldr r2, [r0, #4]         @ 0x55667788
    ldrb r3, [r0, #1]        @ 0x33
    ldrh r4, [r0, #2]        @ 0x1122
    ldrsb r5, [r0, #8]       @ 0xffffff80
    ldrsh r6, [r0, #8]       @ 0xffff8180? bytes 80 81 -> 0x8180 -> 0xffff8180
    mov r7, r0
    ldr r8, [r7, #4]!        @ pre-index writeback: r7 = data+4
    ldr r9, [r7], #-4        @ post-index: r9 = data[1], r7 = data
    mov r10, #2
    ldr r11, [r0, r10, lsl #2]  @ data[2] = 0x83828180
    ldrd r12, r13, [r0]      @ uses r12/r13 temporarily
    mov r12, r13             @ r12 = 0x55667788
    ldr sp, =stack_top
    EXIT

    .global ldst_store
ldst_store:
    ldr r0, =scratch
    ldr r1, =0xdeadbeef
    str r1, [r0]
    strb r1, [r0, #4]        @ ef
    strh r1, [r0, #6]        @ beef
    mov r2, r0
    str r1, [r2, #8]!        @ r2 = scratch+8
    str r1, [r2], #4         @ r2 = scratch+12
    mov r3, #0
    mov r4, #1
    strd r4, r5, [r0, #16]   @ (r5 = 0 set below)
    ldr r6, [r0]
    ldr r7, [r0, #4]
    ldrh r8, [r0, #6]
    mov r9, #16
    ldr r10, [r0, -r9]       @ scratch-16: just a load (any value)
    sub r11, r2, r0          @ 12
    ldr r12, [r0, #16]       @ 1
    EXIT

    .global unaligned
unaligned:
    ldr r0, =data
    ldr r1, [r0, #1]         @ 0x44112233? bytes: 44 33 22 11 88 77 .. -> [1..4] = 33 22 11 88 -> 0x88112233
    ldrh r2, [r0, #3]        @ bytes 11 88 -> 0x8811
    EXIT

    .global ldm_stm
ldm_stm:
    ldr sp, =stack_top
    mov r0, #1
    mov r1, #2
    mov r2, #3
    mov r3, #4
    push {r0-r3}
    mov r4, sp
    pop {r5-r8}              @ 1 2 3 4
    ldr r9, =scratch
    stmia r9!, {r0, r1}      @ r9 += 8
    stmdb r9, {r2, r3}       @ overwrites scratch[0..1] with 3,4
    ldmia r9, {r10}          @ scratch[2] = whatever; set below
    ldr r9, =scratch
    ldmib r9, {r10, r11}     @ scratch[1], scratch[2] -> 4, ?
    ldmda r9, {r12}          @ scratch[0] = 3
    EXIT

    .global mul_div
mul_div:
    mov r0, #7
    mov r1, #6
    mul r2, r0, r1           @ 42
    mla r3, r0, r1, r0       @ 49
    mls r4, r0, r1, r2       @ 0
    ldr r5, =0xffffffff
    umull r6, r7, r5, r5     @ 0x00000001, 0xfffffffe
    smull r8, r9, r5, r5     @ 1, 0
    mov r10, #100
    mvn r11, #6              @ -7
    sdiv r12, r10, r11       @ -14
    udiv r10, r10, r0        @ 14
    EXIT

    .global mul_long
mul_long:
    mov r0, #2
    mov r1, #3
    mov r2, #10
    mov r3, #0
    umlal r2, r3, r0, r1     @ 16, 0
    mvn r4, #0               @ -1
    mov r5, #-1
    smlal r4, r5, r0, r1     @ -1 + 6 = 5 -> 5, 0
    mov r6, #1
    mov r7, #2
    umaal r6, r7, r0, r1     @ 6 + 1 + 2 = 9, 0
    ldr r8, =0x00030002
    ldr r9, =0x00050004
    smulbb r10, r8, r9       @ 8
    smultt r11, r8, r9       @ 15
    smuad r12, r8, r9        @ 8 + 15 = 23
    EXIT

    .global mul_more
mul_more:
    ldr r0, =0x00030002
    ldr r1, =0x00050004
    smusd r2, r0, r1         @ 8 - 15 = -7
    smlad r3, r0, r1, r0     @ 23 + 0x30002
    ldr r4, =0x40000000
    smmul r5, r4, r4         @ 0x10000000
    smulwb r6, r4, r1        @ (0x40000000 * 4) >> 16 = 0x10000
    mov r7, #0
    mov r8, #0
    smlald r7, r8, r0, r1    @ 23
    mov r9, #100
    smlabt r10, r0, r1, r9   @ 2*5 + 100 = 110
    ldr r11, =0x01020304
    ldr r12, =0x04030201
    usad8 r11, r11, r12      @ 3+1+1+3 = 8
    EXIT

    .global sat
sat:
    ldr r0, =0x7fffffff
    mov r1, #1
    qadd r2, r0, r1          @ saturates 0x7fffffff, Q set
    mrs r3, cpsr
    msr apsr_nzcvq, #0       @ clear Q
    qsub r4, r1, r0          @ 1 - 0x7fffffff = 0x80000002
    mov r5, #300
    ssat r6, #8, r5          @ 127, Q
    usat r7, #8, r5          @ 255
    mvn r8, #0
    usat r9, #8, r8          @ 0
    ldr r10, =0x7fff8000
    ssat16 r11, #8, r10      @ 0x007fff80
    qdadd r12, r1, r1        @ 1 + 2 = 3
    EXIT

    .global parallel
parallel:
    ldr r0, =0x80017fff
    ldr r1, =0x80010001
    sadd16 r2, r0, r1        @ lo 0x7fff+1 = 0x8000 (GE0,1 = 0? 32768 >= 0 -> set), hi 0x8001+0x8001 = 0x0002 (neg -> GE clear)
    mrs r3, cpsr
    qadd16 r4, r0, r1        @ lo 0x7fff, hi 0x8000
    uadd8 r5, r0, r1         @ bytes: ff+01=00(c) 7f+00=7f 01+01=02 80+80=00(c)
    mrs r6, cpsr             @ GE = 1001
    sel r7, r0, r1           @ bytes from r0 where GE: b0=ff b1=00 b2=01 b3=80 -> 0x800100ff
    uhsub16 r8, r0, r1       @ lo (0x7fff-1)/2 = 0x3fff, hi 0
    shasx r9, r0, r1         @ hi (0x8001 + 0x0001)/2 signed: (-32767+1)/2 = -16383 = 0xc001 ; lo (0x7fff - (-32767))/2 = 32767 = 0x7fff
    usub8 r10, r1, r0        @ 01-ff=02 (borrow), 00-7f=81, 01-01=00, 80-80=00
    uqsub8 r11, r1, r0       @ 0, 0, 0, 0
    ssax r12, r0, r1         @ hi = 0x8001 - 0x0001 = 0x8000 ; lo = 0x7fff + 0x8001 = 0
    EXIT

    .global bits_ops
bits_ops:
    ldr r0, =0x12345678
    rev r1, r0               @ 0x78563412
    rev16 r2, r0             @ 0x34127856
    revsh r3, r0             @ 0x00007856
    rbit r4, r0              @ 0x1e6a2c48
    clz r5, r0               @ 3
    mov r6, #0
    bfi r6, r0, #4, #8       @ 0x780
    ubfx r7, r0, #8, #12     @ 0x456
    sbfx r8, r0, #28, #4     @ 1
    mvn r9, #0
    bfc r9, #8, #16          @ 0xff0000ff
    sxtb r10, r0             @ 0x78
    uxth r11, r0, ror #16    @ 0x1234
    sxtab r12, r0, r0, ror #8  @ 0x12345678 + 0x56
    EXIT

    .global ext_pack
ext_pack:
    ldr r0, =0x80ff7f01
    sxtb16 r1, r0            @ 0xffff0001
    uxtb16 r2, r0            @ 0x00ff0001
    sxth r3, r0              @ 0x00007f01
    uxtab16 r4, r0, r0       @ lo 0x7f01+0x01 = 0x7f02, hi 0x80ff + 0xff = 0x81fe
    ldr r5, =0x11112222
    ldr r6, =0x33334444
    pkhbt r7, r5, r6, lsl #16  @ 0x44442222
    pkhtb r8, r5, r6, asr #16  @ 0x11113333
    movw r9, #0xbeef
    movt r9, #0xdead
    mov r10, r0, lsr #16
    uxtah r11, r10, r0       @ 0x80ff + 0x7f01 = 0x10000
    EXIT

    .global excl
excl:
    ldr r0, =scratch
    mov r1, #5
    str r1, [r0]
    ldrex r2, [r0]           @ 5
    add r2, r2, #1
    strex r3, r2, [r0]       @ 0 (success)
    ldr r4, [r0]             @ 6
    strex r5, r2, [r0]       @ 1 (no monitor)
    ldrex r6, [r0]
    clrex
    strex r7, r2, [r0]       @ 1
    ldrexb r8, [r0]
    strexb r9, r1, [r0]      @ 0
    ldrb r10, [r0]           @ 5
    ldrexd r2, r3, [r0]
    strexd r11, r2, r3, [r0] @ 0
    ldrexh r12, [r0]         @ 5
    EXIT

    .global branches
branches:
    mov r0, #0
    bl 1f
    add r0, r0, #1           @ after return
    b 2f
1:  mov r1, lr
    add r0, r0, #10
    bx lr
2:  ldr r2, =thumb_code + 1
    blx r2                   @ Thumb: r3 = 0x77, returns
    mov r4, lr
    adr r5, 3f
    bx r5
    mov r6, #1               @ skipped
3:  mov r6, #2
    blx thumb_code2          @ BLX immediate to Thumb: r7 = 0x88
    EXIT

    .thumb
    .thumb_func
thumb_code:
    movs r3, #0x77
    bx lr
    .thumb_func
thumb_code2:
    movs r7, #0x88
    bx lr
    .arm

    .global modes
modes:
    mov r0, #0x11            @ r0 marker
    mov r13, #0x1000         @ svc sp
    mov r14, #0x2000         @ svc lr
    cps #0x12                @ irq mode
    mov r13, #0x3000
    mrs r1, cpsr             @ mode irq
    cps #0x11                @ fiq
    mov r8, #0x88            @ fiq r8
    mov r13, #0x4000
    cps #0x1f                @ sys
    mov r8, #0x99            @ usr r8
    mov r2, r13              @ usr sp (0)
    cps #0x11
    mov r3, r8               @ 0x88
    mov r4, r13              @ 0x4000
    cps #0x12
    mov r5, r13              @ 0x3000
    cps #0x13
    mov r6, r13              @ 0x1000
    mov r7, r14              @ 0x2000
    mov r9, r8               @ 0x99
    msr spsr_fsxc, #0x10     @ user mode spsr
    mrs r10, spsr
    mrs r11, sp_irq          @ banked MRS: 0x3000
    mrs r12, r8_fiq          @ 0x88
    EXIT

    .global user_bank
user_bank:
    mov r12, sp
    cps #0x1f
    mov r13, #0x500
    mov r14, #0x600
    cps #0x13
    ldr r0, =scratch
    stmia r0, {r13, r14}^         @ the user-mode sp and lr
    ldr r1, [r0]
    ldr r2, [r0, #4]
    mov r3, #0x700
    mov r4, #0x800
    stmia r0, {r3, r4}
    ldmia r0, {r13, r14}^         @ into the user-mode sp and lr
    nop
    cps #0x1f
    mov r5, r13
    mov r6, r14
    cps #0x13
    mov r7, r13                   @ SVC sp unchanged
    mrc p15, 0, r8, c1, c0, 0
    orr r8, r8, #(1 << 10)        @ SCTLR.SW: enable SWP
    mcr p15, 0, r8, c1, c0, 0
    mov r8, #0x11
    str r8, [r0]
    mov r9, #0x22
    swp r10, r9, [r0]             @ r10 = 0x11, mem = 0x22
    swpb r11, r8, [r0]            @ r11 = 0x22, mem byte = 0x11
    ldr r8, [r0]
    EXIT

    .global spin
spin:
    add r0, r0, #1
    b spin

    .ltorg
    .balign 16
    .global data
data:
    .word 0x11223344, 0x55667788, 0x83828180, 0xcafef00d
    .balign 4096
    .global scratch
scratch:
    .space 256
    .space 4096
    .global stack_top
stack_top:
