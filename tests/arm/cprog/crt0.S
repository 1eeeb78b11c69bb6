@ Start-up for the compiled C workload: a stack, then cb_run(results), then SVC #0.
    .syntax unified
    .arm
    .text
    .global _start
_start:
    ldr sp, =0x00800000
    ldr r0, =0x00700000
    ldr r1, =cb_run
    blx r1
    svc #0
