#include "emu/lock.h"

#include "emu/cpu.h"

namespace emu {

std::recursive_mutex& big_lock() {
    static auto* lock = new std::recursive_mutex;  // never destroyed: threads may outlive main's scope
    return *lock;
}

namespace {
thread_local int this_thread_cpu = -1;
}

int current_cpu_index() { return this_thread_cpu; }
void set_current_cpu_index(int index) { this_thread_cpu = index; }

}  // namespace emu
