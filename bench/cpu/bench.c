// CPU benchmark program: runs one workload (chosen at build time with -DWORKLOAD=) in chunks of
// known instruction count until BENCH_SECONDS of guest time (CNTVCT at CNTFRQ) have passed,
// then prints
//   BENCH workload=<name> insns=<n> ticks=<n> freq=<Hz> us=<n> mips=<x.y>
// and powers off with PSCI SYSTEM_OFF. Built and run by bench/cpu/run.sh; runs as-is on QEMU
// (qemu-system-arm -M virt -cpu cortex-a15) and on emu (-M virt).
#include "rt.h"

#ifndef BENCH_SECONDS
#define BENCH_SECONDS 1
#endif

void tight_loop(u32 iterations, u32* data);
void call_loop(u32 iterations);
void smc_loop(u32 iterations);

#define WORKLOAD_TIGHT 1
#define WORKLOAD_CALLS 2
#define WORKLOAD_SMC 3

#if WORKLOAD == WORKLOAD_TIGHT
#define NAME "tight"
#define PER_ITERATION 10u
#define CHUNK 100000u
static u32 data[4];
static void run_chunk(void) { tight_loop(CHUNK, data); }
#elif WORKLOAD == WORKLOAD_CALLS
#define NAME "call-heavy"
#define PER_ITERATION 50u
#define CHUNK 20000u
static void run_chunk(void) { call_loop(CHUNK); }
#elif WORKLOAD == WORKLOAD_SMC
#define NAME "store-to-code-page"
#define PER_ITERATION 10u
#define CHUNK 100000u
static void run_chunk(void) { smc_loop(CHUNK); }
#else
#error "define WORKLOAD"
#endif

int main(void) {
    // Run as an OS would: MMU on (identity map), caches on.
    mmu_identity_init();
    mmu_enable();
    const u32 freq = read_cntfrq();
    const u64 limit = (u64)freq * BENCH_SECONDS;
    run_chunk();  // warm up: translate, fill caches and TLBs
    u64 chunks = 0;
    const u64 start = read_cntvct();
    u64 now;
    do {
        run_chunk();
        chunks++;
        now = read_cntvct();
    } while (now - start < limit);
    const u64 ticks = now - start;
    const u64 insns = chunks * CHUNK * PER_ITERATION;  // the loops' own instructions only
    const u64 us = ticks * 1000000ull / freq;
    const u64 mips_x10 = us ? insns * 10 / us : 0;
    print("BENCH workload=%s insns=%llu ticks=%llu freq=%u us=%llu mips=%llu.%llu\n", NAME, insns, ticks, freq, us,
          mips_x10 / 10, mips_x10 % 10);
    check(chunks > 0, "benchmark ran");
    return 0;
}
