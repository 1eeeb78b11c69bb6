// Cores on the same address space form a cluster: inner-shareable TLB maintenance (TLBI*IS)
// and SEV are broadcast to the other cores as pending requests, which they act on at their
// next block boundary (a small window in which a remote core may still use an old
// translation; the issuing core's own TLB is flushed at once).
#include <algorithm>
#include <mutex>
#include <vector>

#include "cpu.h"

namespace emu::arm {

namespace {
std::mutex& cluster_mutex() {
    static std::mutex m;
    return m;
}
std::vector<Cpu*>& cluster_cpus() {
    static std::vector<Cpu*> v;
    return v;
}
}  // namespace

void cluster_join(Cpu* cpu) {
    std::lock_guard<std::mutex> lock(cluster_mutex());
    cluster_cpus().push_back(cpu);
}

void cluster_leave(Cpu* cpu) {
    std::lock_guard<std::mutex> lock(cluster_mutex());
    auto& v = cluster_cpus();
    v.erase(std::remove(v.begin(), v.end(), cpu), v.end());
}

void cluster_broadcast(Cpu& from, std::uint32_t pending_bits) {
    std::lock_guard<std::mutex> lock(cluster_mutex());
    for (Cpu* c : cluster_cpus())
        if (c != &from && &c->mem == &from.mem) c->pending.fetch_or(pending_bits, std::memory_order_release);
}

}  // namespace emu::arm
