#include "emu/lock.h"

#include <mutex>

#include "emu/cpu.h"

namespace emu {

namespace {
std::mutex& the_lock() {
    static auto* lock = new std::mutex;  // never destroyed: threads may outlive main's scope
    return *lock;
}
thread_local unsigned lock_depth = 0;
thread_local int this_thread_cpu = -1;
}  // namespace

void big_lock_acquire() {
    if (lock_depth++ == 0) the_lock().lock();
}

void big_lock_release() {
    if (--lock_depth == 0) the_lock().unlock();
}

bool big_lock_held() { return lock_depth > 0; }

BigLockRelease::BigLockRelease() : depth_(lock_depth) {
    if (depth_ == 0) return;
    lock_depth = 0;
    the_lock().unlock();
}

BigLockRelease::~BigLockRelease() {
    if (depth_ == 0) return;
    the_lock().lock();
    lock_depth = depth_;
}

int current_cpu_index() { return this_thread_cpu; }
void set_current_cpu_index(int index) { this_thread_cpu = index; }

}  // namespace emu
