// The big device lock (QEMU's BQL idea). Device state is protected by this one lock:
// - the main loop holds it while it dispatches (it drops it only while it sleeps in poll),
//   so fd watches, timers, deferred and posted calls run under it;
// - a vCPU thread takes it around every MMIO/PIO dispatch and every call into a device.
// RAM contents are not protected by it. Finer locking only where measured to matter.
#pragma once

#include <mutex>

namespace emu {

std::recursive_mutex& big_lock();

// Holds the big lock for a scope.
class BigLockGuard {
public:
    BigLockGuard() { big_lock().lock(); }
    ~BigLockGuard() { big_lock().unlock(); }
    BigLockGuard(const BigLockGuard&) = delete;
    BigLockGuard& operator=(const BigLockGuard&) = delete;
};

// Releases the big lock for a scope (a vCPU thread about to sleep). Must be held on entry.
class BigLockRelease {
public:
    BigLockRelease() { big_lock().unlock(); }
    ~BigLockRelease() { big_lock().lock(); }
    BigLockRelease(const BigLockRelease&) = delete;
    BigLockRelease& operator=(const BigLockRelease&) = delete;
};

}  // namespace emu
