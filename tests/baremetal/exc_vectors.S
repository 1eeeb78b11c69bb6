@ Alternative vector tables for the exceptions test: handlers that return with the classic
@ instructions (MOVS PC, LR / SUBS PC, LR / LDM ^) instead of the runtime's RFE, and a table
@ entered in Thumb state (SCTLR.TE = 1). Each handler adds its mark to r0.
    .syntax unified
    .arch armv7-a
    .text

    .arm
    .balign 32
    .global alt_vectors
alt_vectors:
    b .
    b alt_undef
    b alt_svc
    b alt_pabt
    b .
    b .
    b .
    b .

alt_svc:                                @ return with MOVS PC, LR
    add r0, r0, #1
    movs pc, lr

alt_undef:                              @ return with LDM ^ (restores CPSR from SPSR)
    push {r1, lr}
    add r0, r0, #0x10
    ldmfd sp!, {r1, pc}^

alt_pabt:                               @ BKPT: return after it with SUBS PC, LR, #imm
    add r0, r0, #0x100
    mrs r1, spsr
    tst r1, #0x20
    subseq pc, lr, #0                   @ A32 BKPT: LR = insn + 4 = next
    subs pc, lr, #2                     @ T32 BKPT (16-bit): next = LR - 2

    .thumb
    .balign 32
    .global thumb_vectors
thumb_vectors:                          @ with SCTLR.TE the vectors are T32 code
    b.w .
    b.w thumb_undef
    b.w thumb_svc
    b.w .
    b.w .
    b.w .
    b.w .
    b.w .

    .thumb_func
thumb_svc:
    mrs r1, cpsr                        @ T reads as 0; record the mode
    adds r0, r0, #2
    movs pc, lr

    .thumb_func
thumb_undef:
    adds r0, r0, #0x20
    movs pc, lr
