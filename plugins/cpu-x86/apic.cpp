// The local APIC. (Placeholder; owner: the interrupt-controller part.)
#include "apic.h"

#include <emu/memory.h>

namespace emu::x86 {

struct LocalApic::State {
    std::uint32_t id;
    std::unique_ptr<MemoryRegion> mmio;
};

LocalApic::LocalApic(EventLoop&, std::uint32_t id, X86Core&, std::function<void()>) : s_(std::make_unique<State>()) {
    s_->id = id;
    s_->mmio = MemoryRegion::mmio("lapic", 0x1000, MmioOps{});
}
LocalApic::~LocalApic() = default;
MemoryRegion& LocalApic::mmio() { return *s_->mmio; }
void LocalApic::set_bus(X86ApicBus*) {}
void LocalApic::reset() {}
std::uint32_t LocalApic::apic_id() const { return s_->id; }
void LocalApic::deliver(const X86ApicMessage&) {}
bool LocalApic::matches(bool, std::uint32_t) const { return false; }
unsigned LocalApic::arbitration_priority() const { return 0; }
void LocalApic::set_lint(unsigned, bool) {}
bool LocalApic::interrupt_pending() { return false; }
std::uint8_t LocalApic::acknowledge() { return 0xFF; }

}  // namespace emu::x86
