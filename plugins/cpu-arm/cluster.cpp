// Cores on the same address space form a cluster: inner-shareable TLB maintenance (TLBI*IS)
// flushes the other cores' TLBs, and the issuing core waits until every core that is inside
// run() has done so at its next block boundary (so no core uses a translation the guest has
// shot down once the TLBI completes); SEV is broadcast as a pending event.
#include <algorithm>
#include <mutex>
#include <thread>
#include <utility>
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

void cluster_tlb_shootdown(Cpu& from) {
    std::vector<std::pair<Cpu*, std::uint64_t>> waits;
    {
        std::lock_guard<std::mutex> lock(cluster_mutex());
        for (Cpu* c : cluster_cpus()) {
            if (c == &from || &c->mem != &from.mem) continue;
            const std::uint64_t req = c->tlb_req.fetch_add(1, std::memory_order_acq_rel) + 1;
            c->pending.fetch_or(Cpu::kPendTlbFlush, std::memory_order_release);
            waits.emplace_back(c, req);
        }
    }
    // A core outside run() flushes before it executes again (the pending bit is checked first).
    // While waiting, honour requests aimed at this core, so two cores shooting down at once
    // cannot wait for each other.
    for (auto& [c, req] : waits) {
        while (c->tlb_ack.load(std::memory_order_acquire) < req && c->in_run.load(std::memory_order_acquire)) {
            from.service_remote_tlb_flush();
            std::this_thread::yield();
        }
    }
}

}  // namespace emu::arm
