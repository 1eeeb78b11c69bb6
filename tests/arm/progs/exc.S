@ Exception entry/return tests. Handlers record LR, SPSR, CPSR (and fault registers) into
@ excinfo[0..4] and bump excinfo[5].
#include "common.inc"

.macro RECORD
    push {r0, r1}
    ldr r0, =excinfo
    str lr, [r0]
    mrs r1, spsr
    str r1, [r0, #4]
    mrs r1, cpsr
    str r1, [r0, #8]
    ldr r1, [r0, #20]
    add r1, r1, #1
    str r1, [r0, #20]
    pop {r0, r1}
.endm

.macro SET_HANDLER vec, label
    ldr r0, =\label
    ldr r1, =\vec
    str r0, [r1]
.endm

undef_handler:
    RECORD
    movs pc, lr               @ return after the undefined instruction

svc_handler:
    RECORD
    movs pc, lr

dabt_handler:
    RECORD
    push {r0, r1}
    ldr r0, =excinfo
    mrc p15, 0, r1, c5, c0, 0
    str r1, [r0, #12]
    mrc p15, 0, r1, c6, c0, 0
    str r1, [r0, #16]
    pop {r0, r1}
    subs pc, lr, #4           @ skip the faulting instruction (LR = insn + 8)

pabt_handler:
    RECORD
    push {r0, r1}
    ldr r0, =excinfo
    mrc p15, 0, r1, c5, c0, 1
    str r1, [r0, #12]
    mrc p15, 0, r1, c6, c0, 2
    str r1, [r0, #16]
    pop {r0, r1}
    mov lr, r10               @ r10 holds where to resume
    movs pc, lr

irq_handler:
    RECORD
    push {r0, r1}
    ldr r0, =0x10000100       @ test device: lower the IRQ line
    str r0, [r0]
    pop {r0, r1}
    subs pc, lr, #4

fiq_handler:
    RECORD
    ldr r8, =0x10000104       @ FIQ has its own r8-r12
    str r8, [r8]
    subs pc, lr, #4

srs_handler:                  @ undef handler using SRS/RFE
    srsdb sp!, #0x1b
    push {r0}
    ldr r0, =excinfo
    str lr, [r0]
    pop {r0}
    rfeia sp!

ldm_ret_handler:              @ svc handler returning with LDM ^
    push {r0, lr}
    ldr r0, =excinfo
    str lr, [r0]
    mrs lr, spsr
    str lr, [r0, #4]
    ldmfd sp!, {r0, pc}^

setup:
    cps #0x1b
    ldr sp, =und_stack
    cps #0x17
    ldr sp, =abt_stack
    cps #0x12
    ldr sp, =irq_stack
    cps #0x11
    ldr sp, =fiq_stack
    cps #0x13
    ldr sp, =svc_stack
    SET_HANDLER h_undef, undef_handler
    SET_HANDLER h_svc, svc_handler
    SET_HANDLER h_dabt, dabt_handler
    SET_HANDLER h_pabt, pabt_handler
    SET_HANDLER h_irq, irq_handler
    SET_HANDLER h_fiq, fiq_handler
    bx lr

    .global e_undef
e_undef:
    bl setup
    mov r0, #0
    .global e_undef_insn
e_undef_insn:
    udf #1
    mov r0, #1                @ resumed here
    EXIT

    .global e_undef_thumb
e_undef_thumb:
    bl setup
    adr r0, 1f + 1
    bx r0
    .thumb
1:  movs r0, #0
    .global e_undef_thumb_insn
e_undef_thumb_insn:
    udf.w #2                  @ 32-bit undefined: LR = insn + 2 (the second halfword,
    svc #0                    @ 0xa002 = ADR r0, runs as a 16-bit instruction on return)
    .arm
    .global e_svc
e_svc:
    bl setup
    mov r0, #0
    .global e_svc_insn
e_svc_insn:
    svc #5
    mov r0, #1
    EXIT

    .global e_svc_thumb
e_svc_thumb:
    bl setup
    adr r0, 1f + 1
    bx r0
    .thumb
1:  movs r0, #0
    cmp r0, #0
    itt eq
    .global e_svc_thumb_insn
e_svc_thumb_insn:
    svceq #6                  @ in an IT block: SPSR.IT advanced past the SVC
    moveq r0, #1
    svc #0
    .arm

    .global e_dabt
e_dabt:
    bl setup
    ldr r1, =0x40000000       @ nothing mapped: external abort
    mov r0, #0
    .global e_dabt_insn
e_dabt_insn:
    ldr r2, [r1]
    mov r0, #1
    EXIT

    .global e_dabt_align
e_dabt_align:
    bl setup
    ldr r1, =excinfo + 1
    .global e_dabt_align_insn
e_dabt_align_insn:
    ldrex r2, [r1]            @ unaligned exclusive: alignment fault
    mov r0, #1
    EXIT

    .global e_pabt
e_pabt:
    bl setup
    adr r10, 1f
    ldr r1, =0x40000000
    bx r1
1:  mov r0, #1
    EXIT

    .global e_bkpt
e_bkpt:
    bl setup
    adr r10, 1f
    .global e_bkpt_insn
e_bkpt_insn:
    bkpt #3
1:  mov r0, #1
    EXIT

    .global e_irq
e_irq:
    bl setup
    mov r0, #0
    ldr r1, =excinfo
    cpsie i
1:  ldr r2, [r1, #20]
    cmp r2, #0
    beq 1b
    mov r0, #1
    EXIT

    .global e_fiq
e_fiq:
    bl setup
    mov r8, #0x88
    ldr r1, =excinfo
    cpsie f
1:  ldr r2, [r1, #20]
    cmp r2, #0
    beq 1b
    mov r0, r8                @ still 0x88: FIQ used its own r8
    EXIT

    .global e_wfi
e_wfi:
    bl setup
    mov r0, #0
    wfi
    mov r0, #1
    EXIT

    .global e_vbar
e_vbar:
    bl setup
    ldr r0, =vbar_table
    mcr p15, 0, r0, c12, c0, 0
    udf #3
    mov r0, #1
    EXIT

    .global e_hivecs
e_hivecs:
    bl setup
    @ copy the vector table to 0xffff0000 and turn on high vectors
    ldr r0, =_vectors
    ldr r1, =0xffff0000
    mov r2, #16
1:  ldr r3, [r0], #4
    str r3, [r1], #4
    subs r2, r2, #1
    bne 1b
    mrc p15, 0, r0, c1, c0, 0
    orr r0, r0, #(1 << 13)
    mcr p15, 0, r0, c1, c0, 0
    udf #4
    mov r0, #1
    EXIT

    .global e_srs_rfe
e_srs_rfe:
    bl setup
    SET_HANDLER h_undef, srs_handler
    mov r0, #0
    udf #5
    mov r0, #1
    EXIT

    .global e_ldm_ret
e_ldm_ret:
    bl setup
    SET_HANDLER h_svc, ldm_ret_handler
    cps #0x10                 @ to user mode
    mov r0, #0
    svc #7
    mrs r1, cpsr              @ back in user mode
    mov r0, #1
    EXIT

    .balign 32
vbar_table:
    b .
    b vbar_undef
    b .
    b .
    b .
    b .
    b .
    b .
vbar_undef:
    RECORD
    mov r9, #0x99
    movs pc, lr

    .ltorg
    .balign 8
    .global excinfo
excinfo:
    .space 64
    .space 256
und_stack:
    .space 256
abt_stack:
    .space 256
irq_stack:
    .space 256
fiq_stack:
    .space 256
svc_stack:
