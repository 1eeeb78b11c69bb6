// The big device lock (QEMU's BQL idea). Device state is protected by this one lock:
// - the main loop holds it while it dispatches (it drops it only while it sleeps in poll),
//   so fd watches, timers, deferred and posted calls run under it;
// - every MMIO dispatch takes it (the memory API does), so device callbacks run under it.
// RAM contents are not protected by it. It is recursive within a thread. Finer locking only
// where measured to matter.
#pragma once

namespace emu {

void big_lock_acquire();
void big_lock_release();
bool big_lock_held();  // by the calling thread

// Holds the big lock for a scope.
class BigLockGuard {
public:
    BigLockGuard() { big_lock_acquire(); }
    ~BigLockGuard() { big_lock_release(); }
    BigLockGuard(const BigLockGuard&) = delete;
    BigLockGuard& operator=(const BigLockGuard&) = delete;
};

// Drops the big lock entirely for a scope if this thread holds it (a thread about to sleep or
// to wait for vCPU threads), and takes it back, to the same depth, afterwards.
class BigLockRelease {
public:
    BigLockRelease();
    ~BigLockRelease();
    BigLockRelease(const BigLockRelease&) = delete;
    BigLockRelease& operator=(const BigLockRelease&) = delete;

private:
    unsigned depth_;
};

}  // namespace emu
