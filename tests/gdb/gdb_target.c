// The guest the gdb stub tests debug (virt board, bare metal, tests/baremetal/rt runtime):
// calls gdb_tick(1..10), then spins in gdb_spin() until the debugger sets `release`, checks
// what the debugger wrote into `poked`, and powers off.
#include "rt.h"

volatile u32 counter;
volatile u32 release;  // the debugger sets it to leave gdb_spin()
volatile u32 poked;    // the debugger may write 0x1234 here

__attribute__((noinline)) void gdb_tick(u32 n) { counter += n; }

__attribute__((noinline)) void gdb_spin(void) {
    while (!release) {
    }
}

int main(void) {
    for (u32 i = 1; i <= 10; ++i) gdb_tick(i);
    check_eq(counter, 55, "counter after ten ticks");
    gdb_spin();
    note("poked = 0x%x", poked);
    return 0;
}
