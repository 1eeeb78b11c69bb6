@ Start-up and exception entry for the bare-metal test programs (always A32, whatever the
@ programs themselves are compiled as).
@
@ _start: mask interrupts, point VBAR at the vector table, give every mode a stack, enable
@ VFP (CPACR cp10/cp11 full access, FPEXC.EN), zero .bss, call rt_main (which runs main and
@ reports). Entered in SVC mode from the loader, as emu and QEMU both do for an ELF -kernel.
@
@ Every exception vector saves an exc_frame on the stack of the mode taking it and calls
@ rt_exception(type, frame) in C; on return the frame is restored and the exception returns
@ with RFE to frame->ret with CPSR = frame->spsr (so C can redirect the return). Frame layout
@ (see rt.h): r0-r12, lr of the exception mode (the raw exception LR), ret, spsr.

    .syntax unified
    .arch armv7-a
    .arch_extension sec
    .arch_extension virt
    .fpu vfpv4-d16
    .arm

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    cpsid aif
    ldr r0, =rt_vectors
    mcr p15, 0, r0, c12, c0, 0          @ VBAR
    mrc p15, 0, r0, c1, c0, 0           @ SCTLR: V=0 (use VBAR), TE=0 (exceptions in A32)
    bic r0, r0, #(1 << 13)
    bic r0, r0, #(1 << 30)
    mcr p15, 0, r0, c1, c0, 0
    isb

    cps #0x1b                           @ UND
    ldr sp, =__stack_und
    cps #0x17                           @ ABT
    ldr sp, =__stack_abt
    cps #0x12                           @ IRQ
    ldr sp, =__stack_irq
    cps #0x11                           @ FIQ
    ldr sp, =__stack_fiq
    cps #0x1f                           @ SYS (shares SP with USR)
    ldr sp, =__stack_usr
    cps #0x13                           @ SVC
    ldr sp, =__stack_svc

    mrc p15, 0, r0, c1, c0, 2           @ CPACR: cp10 and cp11 full access
    orr r0, r0, #(0xf << 20)
    mcr p15, 0, r0, c1, c0, 2
    isb
    mov r0, #(1 << 30)                  @ FPEXC.EN
    vmsr fpexc, r0
    mov r0, #0
    vmsr fpscr, r0

    ldr r0, =__bss_start
    ldr r1, =__bss_end
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b

    bl rt_main                          @ does not return
2:  wfi
    b 2b

    .ltorg

@ The vector table: 32-byte aligned for VBAR.
    .text
    .balign 32
    .global rt_vectors
rt_vectors:
    b .                                 @ reset
    b vec_undef
    b vec_svc
    b vec_pabt
    b vec_dabt
    b .                                 @ hyp trap: not used
    b vec_irq
    b vec_fiq

.macro VECTOR name, type, mode
vec_\name:
    srsdb sp!, #\mode                   @ ret (= raw LR) and SPSR
    push {r0-r12, lr}
    mov r0, #\type
    mov r1, sp
    bl rt_exception
    pop {r0-r12, lr}
    rfeia sp!
.endm
    VECTOR undef, 1, 0x1b
    VECTOR svc,   2, 0x13
    VECTOR pabt,  3, 0x17
    VECTOR dabt,  4, 0x17
    VECTOR irq,   6, 0x12
    VECTOR fiq,   7, 0x11

@ u32 rt_run_user(u32 (*fn)(u32), u32 arg, void *user_sp)
@ Run fn(arg) in User mode on user_sp (0: the normal user stack). fn returns through
@ rt_user_exit, which issues SVC #0xff00 (A32 encoding; the runtime's SVC dispatcher knows it
@ and resumes rt_user_return in SVC mode with r0 = fn's result). Exception handlers that want
@ to abandon the user code call rt_abandon_user(frame, value).
    .global rt_run_user
    .type rt_run_user, %function
    .global rt_user_return
    .type rt_user_return, %function
rt_run_user:
    push {r4-r11, lr}
    cmp r2, #0
    ldreq r2, =__stack_usr
    cps #0x1f
    mov sp, r2
    ldr lr, =rt_user_exit
    cps #0x13
    mov r4, r0
    mov r0, r1
    mov r1, #0x10                        @ USR, interrupts as they are now
    mrs r3, cpsr
    and r3, r3, #0x1c0                   @ A, I, F
    orr r1, r1, r3
    tst r4, #1
    orrne r1, r1, #0x20                  @ Thumb entry
    msr spsr_cxsf, r1
    bic lr, r4, #1
    movs pc, lr
rt_user_return:
    pop {r4-r11, pc}

    .global rt_user_exit
    .type rt_user_exit, %function
rt_user_exit:
    svc #0xff00
    b .

@ u32 rt_probe_call(u32 fn, u32 arg): see rt.h.
    .global rt_probe_call
    .type rt_probe_call, %function
rt_probe_call:
    push {r4, lr}
    ldr r4, =rt_resume
    adr r3, 1f
    str r3, [r4]
    mov r3, r0
    mov r0, r1
    blx r3
1:  ldr r4, =rt_resume
    mov r3, #0
    str r3, [r4]
    pop {r4, pc}
    .ltorg
