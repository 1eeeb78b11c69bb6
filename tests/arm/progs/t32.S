@ T32 (Thumb-2) instruction tests: 16- and 32-bit encodings, IT blocks.
#include "common.inc"

    .thumb
    .global t_alu
    .thumb_func
t_alu:
    movs r0, #0
    subs r1, r0, #1          @ -1, N, C clear
    mrs r2, apsr
    adds r3, r1, #1          @ 0: Z C
    mrs r4, apsr
    movw r5, #0x5678
    movt r5, #0x1234
    add.w r6, r5, #0x00ff00ff  @ modified immediate
    lsls r7, r5, #4          @ 0x23456780, C = 1
    mrs r8, apsr
    orn r9, r0, r5           @ ~r5
    rsb r10, r5, #0          @ -r5
    mov.w r11, r5, ror #8    @ 0x78123456
    adc r12, r0, r0, lsl #1  @ C=1 from lsls -> 1
    svc #0

    .global t_it
    .thumb_func
t_it:
    movs r0, #5
    movs r1, #0
    movs r2, #0
    movs r3, #0
    cmp r0, #5
    ittet eq
    moveq r1, #1             @ executed (no flags: in IT)
    addeq r2, r2, #2         @ executed
    movne r3, #3             @ skipped
    addeq r1, r1, #10        @ executed -> 11
    cmp r0, #6
    ite gt
    movgt r4, #1
    movle r4, #2             @ -> 2
    movs r5, #0              @ outside IT: sets Z
    it eq
    addeq r5, r5, #7         @ 7, 16-bit ADD inside IT does not set flags
    mrs r6, apsr             @ Z still set
    cmp r0, #0
    it ne
    addsne.w r7, r0, #1      @ wide flag setting in IT: 6
    mrs r8, apsr             @ Z clear
    svc #0

    .global t_ldst
    .thumb_func
t_ldst:
    ldr r0, =tdata
    ldr r1, [r0]
    ldr r2, [r0, #4]
    ldrb r3, [r0, #1]
    ldrh r4, [r0, #2]
    movs r5, #8
    ldrsb r6, [r0, r5]       @ 0xffffff80
    ldrsh.w r7, [r0, #8]     @ 0xffff8180
    mov r8, r0
    ldr r9, [r8, #4]!        @ pre-index: r8 = tdata + 4
    ldr r10, [r8], #-4       @ post-index: r8 = tdata
    ldr.w r11, [r0, r5]      @ tdata[2]
    ldr r12, tlit            @ literal
    ldrb r3, [r0, #1]
    ldrd r1, r2, [r8]        @ tdata[0], tdata[1]
    svc #0
    .balign 4
tlit: .word 0xfeedface

    .global t_store
    .thumb_func
t_store:
    ldr r0, =tscratch
    ldr r1, =0xcafebabe
    str r1, [r0]
    strb r1, [r0, #4]
    strh r1, [r0, #6]
    movs r2, #8
    str r1, [r0, r2]
    strd r1, r2, [r0, #16]
    ldr r3, [r0, #4]         @ 0xbabe00be
    ldr r4, [r0, #8]
    ldr r5, [r0, #20]        @ 8
    add sp, #0               @ nop-ish
    push {r1, r2, lr}
    pop {r6, r7}
    pop {r8}
    svc #0

    .global t_branch
    .thumb_func
t_branch:
    movs r0, #0
    movs r1, #2
    cbz r0, 1f
    movs r0, #99
1:  cbnz r1, 2f
    movs r0, #98
2:  tbb [pc, r1]
3:  .byte 0, 2, 4, 6
4:  adds r0, #1
5:  adds r0, #1
6:  adds r0, #1              @ entry 2 -> lands here (3 + 2*4 = offset 8 from table start)
    adds r0, #1
    movs r2, #1
    adr r3, tbh_table
    tbh [r3, r2, lsl #1]
tbh_table:
    .hword 0, (7f - tbh_table) / 2
    movs r0, #77
7:  bl tfunc                 @ r4 = 0x44
    ldr r5, =arm_func
    blx r5                   @ ARM: r6 = 0x66
    blx arm_func2            @ BLX imm to ARM: r7 = 0x77
    svc #0

    .thumb_func
tfunc:
    movs r4, #0x44
    bx lr

    .global t_media
    .thumb_func
t_media:
    ldr r0, =0x12345678
    rev r1, r0
    rbit r2, r0
    ubfx r3, r0, #8, #12     @ 0x456
    movs r4, #0
    bfi r4, r0, #4, #8       @ 0x780
    sxtb r5, r0              @ 0x78
    uxtab r6, r0, r0, ror #8 @ r0 + 0x56
    clz r7, r0               @ 3
    movs r8, #100
    mov r9, #7
    udiv r10, r8, r9         @ 14
    mul r11, r8, r9          @ 700
    smull r12, lr, r8, r9    @ 700, 0
    svc #0

    .global t_media2
    .thumb_func
t_media2:
    ldr r0, =0x80017fff
    ldr r1, =0x80010001
    sadd16 r2, r0, r1        @ 0x00028000
    uqadd8 r3, r0, r1        @ ff 7f 02 ff -> 0xff027fff
    qadd r4, r0, r0          @ saturate? 0x80017fff + same -> negative overflow -> 0x80000000
    mov r5, #300
    ssat r6, #8, r5          @ 127
    usat r7, #8, r5, lsl #1  @ 255
    mvn r8, #0
    sdiv r9, r5, r8          @ -300
    smlabb r10, r0, r1, r5   @ 0x7fff * 1 + 300
    pkhtb r11, r0, r1, asr #16  @ 0x80018001
    sel r12, r0, r1
    svc #0

    .global t_sys
    .thumb_func
t_sys:
    mrs r0, cpsr
    cpsid i
    mrs r1, cpsr
    cpsie i
    mrs r2, cpsr
    msr apsr_nzcvq, r0       @ restore flags
    mrc p15, 0, r3, c0, c0, 0    @ MIDR
    mov r4, #0x1234
    mcr p15, 0, r4, c13, c0, 3   @ TPIDRURO
    mrc p15, 0, r5, c13, c0, 3
    dmb
    dsb
    isb
    nop
    svc #0

    .arm
    .global arm_func
arm_func:
    mov r6, #0x66
    bx lr
arm_func2:
    mov r7, #0x77
    bx lr

    .ltorg
    .balign 16
    .global tdata
tdata:
    .word 0x11223344, 0x55667788, 0x83828180, 0xcafef00d
    .balign 4096
    .global tscratch
tscratch:
    .space 4096

    .text
    .global vfp_arm
vfp_arm:
    mov r0, #0x00f00000
    mcr p15, 0, r0, c1, c0, 2     @ CPACR: cp10/cp11 full access
    isb
    mov r0, #0x40000000
    vmsr fpexc, r0                @ FPEXC.EN
    vmov s0, r1
    vmov s1, r2
    vadd.f32 s2, s0, s1
    vmov r3, s2
    vcmp.f32 s0, s1
    vmrs APSR_nzcv, fpscr
    movlt r4, #1
    movge r4, #2
    ldr r5, =tscratch
    vstr d1, [r5]
    vldr s4, [r5]
    vmov r6, s4
    EXIT

    .thumb
    .global vfp_thumb
    .thumb_func
vfp_thumb:
    vmov s0, r1
    vmov s1, r2
    vmul.f32 s2, s0, s1
    vmov r3, s2
    svc #0

    .global vfp_disabled
    .arm
vfp_disabled:
    mov r0, #0
    mcr p15, 0, r0, c1, c0, 2     @ CPACR: no access
    isb
    vmov s0, r1                   @ undefined
    EXIT
