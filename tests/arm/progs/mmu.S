@ MMU, TLB, self-modifying code and generic timer tests. Page tables are written by the C++
@ side (L1 at 0x100000); the abort handlers append {FSR, FAR} to faultlog and skip the access.
#include "common.inc"

dabt_log:
    push {r0-r2}
    ldr r0, =logptr
    ldr r1, [r0]
    mrc p15, 0, r2, c5, c0, 0
    str r2, [r1], #4
    mrc p15, 0, r2, c6, c0, 0
    str r2, [r1], #4
    str r1, [r0]
    pop {r0-r2}
    subs pc, lr, #4

pabt_log:
    push {r0-r2}
    ldr r0, =logptr
    ldr r1, [r0]
    mrc p15, 0, r2, c5, c0, 1
    str r2, [r1], #4
    mrc p15, 0, r2, c6, c0, 2
    str r2, [r1], #4
    str r1, [r0]
    pop {r0-r2}
    movs pc, r10

mmu_on:
    cps #0x17
    ldr sp, =abt_stack
    cps #0x13
    ldr sp, =svc_stack
    ldr r0, =dabt_log
    ldr r1, =h_dabt
    str r0, [r1]
    ldr r0, =pabt_log
    ldr r1, =h_pabt
    str r0, [r1]
    ldr r0, =faultlog
    ldr r1, =logptr
    str r0, [r1]
    ldr r0, =0x100000
    mcr p15, 0, r0, c2, c0, 0     @ TTBR0
    mov r0, #0
    mcr p15, 0, r0, c2, c0, 2     @ TTBCR
    ldr r0, =0x55555551           @ domain 0 client, 1 no access, 2-15 client
    mcr p15, 0, r0, c3, c0, 0     @ DACR
    mcr p15, 0, r0, c8, c7, 0     @ TLBIALL
    mrc p15, 0, r0, c1, c0, 0
    orr r0, r0, #1
    mcr p15, 0, r0, c1, c0, 0     @ MMU on
    isb
    bx lr

    .global mmu_test
mmu_test:
    bl mmu_on
    ldr r1, =0x80000000
    ldr r2, [r1]                  @ section -> PA 0x200000
    ldr r1, =0x80100000
    ldr r3, [r1]                  @ small page -> PA 0x300000
    ldr r1, =0x80101000
    ldr r4, [r1]                  @ read-only page: read ok
    str r4, [r1]                  @ fault 1: permission (page), write
    ldr r1, =0x80102000
    ldr r5, [r1]                  @ fault 2: translation (page)
    ldr r1, =0x80200000
    ldr r6, [r1]                  @ fault 3: domain (section), domain 1
    ldr r1, =0x80400000
    ldr r7, [r1]                  @ fault 4: translation (section)
    ldr r1, =0x80500000
    ldr r8, [r1]                  @ fault 5: external abort
    ldr r1, =0x80600000
    ldr r9, [r1]                  @ fault 6: external abort on L2 walk
    ldr r1, =0x80110004
    ldr r10, [r1]                 @ large page -> PA 0x310004
    mov r9, r10
    mov r11, #0
    mcr p15, 0, r1, c7, c8, 0     @ ATS1CPR 0x80110004
    mrc p15, 0, r12, c7, c4, 0    @ PAR
    adr r10, 1f
    ldr r1, =0x80300000
    blx r1                        @ fault 7: prefetch abort, XN section
1:  ldr r1, =0x80700000
    ldr r0, [r1]
    ldr r1, =unpriv_test
    cps #0x10
    blx r1
    EXIT

unpriv_test:
    ldr r1, =0x80103000
    ldr r11, [r1]                 @ fault 8: permission (PL1-only page) from user mode
    bx lr

    .global lpae_test
lpae_test:
    bl mmu_on                     @ handlers, stacks, short-descriptor MMU on
    mrc p15, 0, r0, c1, c0, 0
    bic r0, r0, #1
    mcr p15, 0, r0, c1, c0, 0     @ MMU off
    isb
    mov r0, #0x80000000
    mcr p15, 0, r0, c2, c0, 2     @ TTBCR.EAE, T0SZ = T1SZ = 0
    ldr r0, =0x10c000
    mov r1, #0
    mcrr p15, 0, r0, r1, c2       @ TTBR0 (64-bit)
    mrc p15, 0, r0, c1, c0, 0
    orr r0, r0, #1
    mcr p15, 0, r0, c1, c0, 0     @ MMU on
    isb
    ldr r1, =0x80000000
    ldr r2, [r1]                  @ 2 MiB block -> PA 0x200000
    ldr r1, =0x80200000
    ldr r3, [r1]                  @ page -> PA 0x300000
    ldr r1, =0x80201000
    ldr r4, [r1]                  @ fault 1: access flag, level 3
    ldr r1, =0x80202000
    ldr r5, [r1]                  @ fault 2: translation, level 3
    ldr r1, =0x80203000
    ldr r6, [r1]                  @ read-only page: ok
    str r6, [r1]                  @ fault 3: permission, level 3, write
    ldr r1, =0xc0000000
    ldr r7, [r1]                  @ fault 4: translation, level 1
    mcr p15, 0, r1, c7, c8, 0     @ ATS1CPR of a faulting address
    mrc p15, 0, r8, c7, c4, 0
    EXIT

    .global tlb_test
tlb_test:
    bl mmu_on
    ldr r1, =0x80100000
    ldr r2, [r1]                  @ PA 0x300000
    ldr r3, =0x104000             @ L2 table: entry 0 -> PA 0x301000 instead
    ldr r4, =0x00301032           @ small page, AP=011
    str r4, [r3]
    mcr p15, 0, r1, c8, c7, 1     @ TLBIMVA
    dsb
    isb
    ldr r5, [r1]                  @ PA 0x301000
    ldr r3, =0x100000 + (0x800 * 4)
    ldr r4, =0x00000c02 | 0x00400000  @ 0x80000000 section -> PA 0x400000
    str r4, [r3]
    mcr p15, 0, r3, c8, c7, 0     @ TLBIALL
    ldr r1, =0x80000000
    ldr r6, [r1]                  @ PA 0x400000
    EXIT

    .global ttbcr_asid_test
ttbcr_asid_test:
    bl mmu_on
    ldr r1, =0x80900000
    ldr r2, [r1]                  @ nG section -> PA 0x200000
    ldr r3, =0x100000 + (0x809 * 4)
    ldr r4, =0x00020c02 | 0x00400000  @ nG, -> PA 0x400000
    str r4, [r3]
    mov r0, #5
    mcr p15, 0, r0, c13, c0, 1    @ CONTEXTIDR: new ASID
    isb
    ldr r5, [r1]                  @ PA 0x400000
    ldr r0, =0x108000
    mcr p15, 0, r0, c2, c0, 1     @ TTBR1
    mov r0, #1
    mcr p15, 0, r0, c2, c0, 2     @ TTBCR.N = 1: VA >= 2 GiB through TTBR1
    isb
    ldr r6, [r1]                  @ TTBR1 table: 0x80900000 -> PA 0x300000
    ldr r1, =0x00000000
    ldr r7, [r1]                  @ still TTBR0 (identity)
    EXIT

    .global afe_test
afe_test:
    bl mmu_on
    mrc p15, 0, r0, c1, c0, 0
    orr r0, r0, #(1 << 29)        @ AFE
    mcr p15, 0, r0, c1, c0, 0
    ldr r1, =0x80800000
    ldr r2, [r1]                  @ AP[0] = 0: access flag fault (section)
    EXIT

    .global smc_test
smc_test:
    bl target
    mov r4, r0                    @ 1
    ldr r1, =target
    ldr r2, =0xe3a00002           @ mov r0, #2
    str r2, [r1]
    bl target
    mov r5, r0                    @ 2
    ldr r1, =1f
    ldr r2, =0xe3a06007           @ mov r6, #7
    str r2, [r1]
1:  mov r6, #5                    @ replaced before it executes
    EXIT
target:
    mov r0, #1
    bx lr

@ A hot (compiled) function overwritten by a store from a hot (compiled) loop: the first ten
@ calls return 1, the last ten 3.
    .global smc_hot_test
smc_hot_test:
    mov r7, #20
    mov r8, #0
    ldr r1, =hot_target
    ldr r2, =0xe3a00003           @ mov r0, #3
2:  bl hot_target
    add r8, r8, r0
    cmp r7, #11
    streq r2, [r1]                @ after the tenth call
    subs r7, r7, #1
    bne 2b
    EXIT
hot_target:                       @ two inline-compiled instructions: worth compiling
    mov r0, #1
    add r0, r0, #0
    bx lr

    .global timer_test
timer_test:
    mrc p15, 0, r0, c14, c0, 0    @ CNTFRQ
    mrrc p15, 0, r1, r2, c14      @ CNTPCT
    mrrc p15, 1, r3, r4, c14      @ CNTVCT
    mov r5, #100
    mcr p15, 0, r5, c14, c3, 0    @ CNTV_TVAL
    mov r5, #1
    mcr p15, 0, r5, c14, c3, 1    @ CNTV_CTL: enabled
    mrc p15, 0, r6, c14, c3, 1
    mov r7, #0
    mov r8, #0x2000
    mcrr p15, 2, r8, r7, c14      @ CNTP_CVAL = 0x2000
    mov r5, #3
    mcr p15, 0, r5, c14, c2, 1    @ CNTP_CTL: enabled, masked
    EXIT

    .global timer_test2
timer_test2:
    mrc p15, 0, r6, c14, c3, 1    @ CNTV_CTL: ISTATUS now set
    mrc p15, 0, r7, c14, c3, 0    @ CNTV_TVAL: negative
    EXIT

    .ltorg
    .balign 8
logptr: .word 0
    .global faultlog
faultlog:
    .space 128
    .space 256
abt_stack:
    .space 256
svc_stack:
