// The local APIC in xAPIC mode (Intel SDM vol. 3, chapter 10), as QEMU's model presents it:
// version 0x14 with six LVT entries (max LVT 5), no TSC-deadline timer, the timer counting a
// 1 GHz bus clock through the divide configuration on the virtual clock.
//
// Locking. The register state sits behind one mutex (mu): deliver()/set_lint() come from
// device threads and other vCPUs, interrupt_pending()/acknowledge() from the owning CPU thread
// without the big lock, MMIO under the big lock. Calls out (the bus, the core's nmi/init/sipi,
// the kick) are made after mu is released, so a self-IPI or an EOI reaching the IOAPIC, which
// calls deliver() back, cannot deadlock. The emu::Timer is touched only under the big lock
// (MMIO, the timer callback itself, and deliver(INIT), which takes it first): lock order is
// always big lock, then mu.
#include "apic.h"

#include <emu/event_loop.h>
#include <emu/lock.h>
#include <emu/memory.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <vector>

namespace emu::x86 {
namespace {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr u32 kVersion = 0x00050014;  // version 0x14, max LVT entry 5
constexpr u32 kLvtMasked = 1u << 16;
constexpr u32 kLvtRemoteIrr = 1u << 14;
constexpr u32 kLvtLevel = 1u << 15;
constexpr u32 kSvrEnable = 1u << 8;
constexpr u32 kSvrFocusDisable = 1u << 9;
constexpr u64 kBaseEnable = 1u << 11, kBaseBsp = 1u << 8;
constexpr u32 kEsrSendIllegal = 1u << 5, kEsrReceiveIllegal = 1u << 6, kEsrIllegalRegister = 1u << 7;

// LVT entries in register order (0x320 + 0x10 * n).
enum Lvt : unsigned { kTimer, kThermal, kPerf, kLint0, kLint1, kError, kLvtCount };
// Writable bits of each LVT entry (the timer has its mode; LINT0/1 delivery mode, polarity,
// trigger; the others vector, mode and mask only).
constexpr std::array<u32, kLvtCount> kLvtWritable = {0x700FF, 0x107FF, 0x107FF, 0x1A7FF, 0x1A7FF, 0x100FF};
constexpr u32 kTimerPeriodic = 1u << 17;
constexpr unsigned kModeFixed = 0, kModeNmi = 4, kModeExtInt = 7;

unsigned lvt_mode(u32 lvt) { return (lvt >> 8) & 7; }

// Highest set bit of a 256-bit register, -1 if none.
int highest(const std::array<u32, 8>& bits) {
    for (int i = 7; i >= 0; --i)
        if (bits[static_cast<unsigned>(i)]) return i * 32 + 31 - __builtin_clz(bits[static_cast<unsigned>(i)]);
    return -1;
}
bool test(const std::array<u32, 8>& bits, unsigned v) { return bits[v / 32] >> (v % 32) & 1; }
void set(std::array<u32, 8>& bits, unsigned v) { bits[v / 32] |= 1u << (v % 32); }
void clear(std::array<u32, 8>& bits, unsigned v) { bits[v / 32] &= ~(1u << (v % 32)); }

}  // namespace

struct LocalApic::State {
    State(EventLoop& l, X86Core& c, std::function<void()> k) : loop(l), core(c), kick(std::move(k)) {}

    EventLoop& loop;
    X86Core& core;
    std::function<void()> kick;
    X86ApicBus* bus = nullptr;
    std::unique_ptr<MemoryRegion> mmio;
    std::unique_ptr<Timer> timer;

    std::atomic<u32> id{0};
    std::atomic<bool> hw_enabled{true}, bsp{false};
    // interrupt_pending()'s answer, recomputed under mu after every change that can alter it,
    // so that the CPU's check between instructions takes no lock.
    std::atomic<bool> pending{false};

    mutable std::mutex mu;
    u32 tpr = 0, ldr = 0, dfr = 0xFFFFFFFF, svr = 0xFF, esr = 0, esr_pending = 0;
    u32 icr_lo = 0, icr_hi = 0;
    std::array<u32, kLvtCount> lvt{};
    std::array<u32, 8> irr{}, isr{}, tmr{};
    bool lint_level[2] = {false, false};
    bool extint_message = false;  // an ExtINT message (IOAPIC/MSI) waits for its acknowledge
    // Timer: counting from initial at start_ns, one tick per divisor ns.
    u32 initial = 0, divide = 0;
    ClockNs start_ns = 0;

    bool sw_enabled() const { return svr & kSvrEnable; }
    unsigned divisor() const {
        const unsigned v = (divide & 3) | ((divide >> 1) & 4);
        return v == 7 ? 1 : 2u << v;
    }
    u32 ppr() const {
        const int isrv = highest(isr);
        const u32 isr_class = isrv < 0 ? 0 : static_cast<u32>(isrv) & 0xF0;
        return (tpr & 0xF0) >= isr_class ? tpr & 0xFF : isr_class;
    }
    u32 apr() const {
        const int isrv = highest(isr), irrv = highest(irr);
        const u32 isr_class = isrv < 0 ? 0 : static_cast<u32>(isrv) & 0xF0;
        const u32 irr_class = irrv < 0 ? 0 : static_cast<u32>(irrv) & 0xF0;
        if ((tpr & 0xF0) >= isr_class && (tpr & 0xF0) >= irr_class) return tpr & 0xFF;
        return std::max({tpr & 0xF0, isr_class, irr_class});
    }
    // The 8259's INTR reaches the CPU: the APIC is globally disabled (LINT0 is the INTR pin),
    // LINT0 is an unmasked ExtINT entry, or the BSP's APIC is still software-disabled as after
    // reset (virtual-wire mode, what PC firmware runs in).
    bool extint_pending() const {
        if (extint_message) return true;
        if (!lint_level[0]) return false;
        if (!hw_enabled.load()) return true;
        if (!sw_enabled()) return bsp.load();
        return lvt_mode(lvt[kLint0]) == kModeExtInt && !(lvt[kLint0] & kLvtMasked);
    }
    bool fixed_pending() const {
        if (!hw_enabled.load() || !sw_enabled()) return false;
        const int v = highest(irr);
        return v >= 0 && (static_cast<u32>(v) & 0xF0) > (ppr() & 0xF0);
    }
    void update() { pending.store(fixed_pending() || extint_pending(), std::memory_order_release); }
    // Put a vector into IRR (vectors 0-15 are illegal: ESR instead).
    void accept(unsigned vector, bool level) {
        if (vector < 16) {
            esr_pending |= kEsrReceiveIllegal;
            return;
        }
        set(irr, vector);
        if (level) set(tmr, vector);
        else clear(tmr, vector);
        update();
    }
    void reset_registers() {
        tpr = ldr = esr = esr_pending = icr_lo = icr_hi = 0;
        dfr = 0xFFFFFFFF;
        svr = 0xFF;
        lvt.fill(kLvtMasked);
        irr.fill(0);
        isr.fill(0);
        tmr.fill(0);
        initial = divide = 0;
        start_ns = 0;
        extint_message = false;
        update();
    }

    // ---- Timer (big lock held) ----
    ClockNs now() const { return loop.now(ClockType::Virtual); }
    u32 current_count(ClockNs t) const {
        if (initial == 0) return 0;
        const u64 ticks = static_cast<u64>(t - start_ns) / divisor();
        if (lvt[kTimer] & kTimerPeriodic) return initial - static_cast<u32>(ticks % initial);
        return ticks >= initial ? 0 : initial - static_cast<u32>(ticks);
    }
    // The next expiry after t, or -1 if the timer is idle.
    ClockNs next_expiry(ClockNs t) const {
        if (initial == 0 || ((lvt[kTimer] >> 17) & 3) > 1) return -1;
        const ClockNs period = static_cast<ClockNs>(initial) * divisor();
        const ClockNs first = start_ns + period;
        if (t < first) return first;
        if (!(lvt[kTimer] & kTimerPeriodic)) return -1;
        return first + ((t - first) / period + 1) * period;
    }
    void rearm() {
        const ClockNs t = now();
        const ClockNs deadline = next_expiry(t - 1);
        if (deadline < 0) timer->cancel();
        else timer->arm(deadline);
    }
};

LocalApic::LocalApic(EventLoop& loop, std::uint32_t id, X86Core& core, std::function<void()> kick)
    : s_(std::make_unique<State>(loop, core, std::move(kick))) {
    s_->id = id & 0xFF;
    s_->bsp = id == 0;
    s_->reset_registers();
    s_->timer = std::make_unique<Timer>(loop, ClockType::Virtual, [this] { timer_fired(); });
    s_->mmio = MemoryRegion::mmio("lapic", 0x1000,
                                  MmioOps{.read = [this](Addr offset, unsigned) -> u64 { return read(offset); },
                                          .write = [this](Addr offset, u64 value,
                                                          unsigned) { write(offset, static_cast<u32>(value)); },
                                          .valid_min = 1,
                                          .valid_max = 8,
                                          .impl_min = 4,
                                          .impl_max = 4});
}

LocalApic::~LocalApic() = default;
MemoryRegion& LocalApic::mmio() { return *s_->mmio; }
void LocalApic::set_bus(X86ApicBus* bus) { s_->bus = bus; }

void LocalApic::reset() {
    BigLockGuard big;
    std::lock_guard lock(s_->mu);
    s_->reset_registers();
    s_->timer->cancel();
}

void LocalApic::set_apic_base(std::uint64_t value) {
    s_->hw_enabled = value & kBaseEnable;
    s_->bsp = value & kBaseBsp;
    if (!(value & kBaseEnable)) {
        // Globally disabling the APIC puts it into its power-on state (SDM 10.4.3).
        reset();
    } else {
        std::lock_guard lock(s_->mu);
        s_->update();
    }
    if (s_->kick) s_->kick();
}

std::uint32_t LocalApic::apic_id() const { return s_->id.load(); }

void LocalApic::timer_fired() {
    {
        std::lock_guard lock(s_->mu);
        if (!(s_->lvt[kTimer] & kLvtMasked)) s_->accept(s_->lvt[kTimer] & 0xFF, false);
        const ClockNs deadline = s_->next_expiry(s_->now());
        if (deadline >= 0) s_->timer->arm(deadline);
    }
    if (s_->kick) s_->kick();
}

void LocalApic::deliver(const X86ApicMessage& m) {
    using D = X86ApicMessage::Delivery;
    switch (m.delivery) {
    case D::Fixed:
    case D::LowestPriority: {
        // A software-disabled APIC holds it in IRR until enabled (as QEMU's does).
        std::lock_guard lock(s_->mu);
        s_->accept(m.vector, m.level_triggered);
        break;
    }
    case D::Nmi:
        s_->core.nmi();
        break;
    case D::Init:
        if (m.level_triggered && !m.assert_level) return;  // INIT level de-assert: ignored (P6+)
        reset();                                           // everything but the ID and the base
        s_->core.init_signal();
        break;
    case D::StartUp:
        s_->core.sipi(m.vector);
        break;
    case D::ExtInt:
        // An ExtINT message: the 8259 supplies the vector at acknowledge, as through LINT0.
        {
            std::lock_guard lock(s_->mu);
            s_->extint_message = true;
            s_->update();
        }
        break;
    case D::Smi:
        return;  // no SMM
    }
    if (s_->kick) s_->kick();
}

bool LocalApic::matches(bool logical, std::uint32_t destination) const {
    if (!s_->hw_enabled.load()) return false;
    destination &= 0xFF;
    if (!logical) return destination == 0xFF || destination == s_->id.load();
    if (destination == 0xFF) return true;
    std::lock_guard lock(s_->mu);
    const u32 ldr = s_->ldr >> 24;
    if ((s_->dfr >> 28) == 0xF) return (ldr & destination) != 0;  // flat model
    // Cluster model: high nibble the cluster, low nibble a mask of the cluster's four APICs.
    return (ldr >> 4) == (destination >> 4) && (ldr & destination & 0xF) != 0;
}

unsigned LocalApic::arbitration_priority() const {
    std::lock_guard lock(s_->mu);
    return s_->apr();
}

void LocalApic::set_lint(unsigned pin, bool level) {
    if (pin > 1) return;
    bool nmi = false;
    {
        std::lock_guard lock(s_->mu);
        const bool rising = level && !s_->lint_level[pin];
        s_->lint_level[pin] = level;
        const u32 lvt = s_->lvt[pin == 0 ? kLint0 : kLint1];
        if (!s_->hw_enabled.load()) {
            // A globally disabled APIC leaves the pins to the CPU: LINT0 is INTR (followed by
            // extint_pending), LINT1 is NMI.
            nmi = pin == 1 && rising;
        } else if (pin == 0 && lvt_mode(lvt) == kModeExtInt) {
            // ExtINT follows the level (extint_pending).
        } else if (!(lvt & kLvtMasked) && s_->sw_enabled()) {
            if (lvt_mode(lvt) == kModeNmi) {
                nmi = rising;
            } else if (lvt_mode(lvt) == kModeFixed) {
                const unsigned index = pin == 0 ? kLint0 : kLint1;
                if (lvt & kLvtLevel) {
                    if (level && !(lvt & kLvtRemoteIrr)) {
                        s_->accept(lvt & 0xFF, true);
                        s_->lvt[index] |= kLvtRemoteIrr;
                    }
                } else if (rising) {
                    s_->accept(lvt & 0xFF, false);
                }
            }
        }
        s_->update();
    }
    if (nmi) s_->core.nmi();
    if (s_->kick) s_->kick();
}

bool LocalApic::interrupt_pending() { return s_->pending.load(std::memory_order_acquire); }

std::uint8_t LocalApic::acknowledge() {
    {
        std::lock_guard lock(s_->mu);
        if (s_->fixed_pending()) {
            const auto v = static_cast<unsigned>(highest(s_->irr));
            clear(s_->irr, v);
            set(s_->isr, v);
            s_->update();
            return static_cast<u8>(v);
        }
        if (!s_->extint_pending()) return static_cast<u8>(s_->svr & 0xFF);  // spurious
        s_->extint_message = false;
        s_->update();
    }
    // The interrupt acknowledge cycle reaches the 8259 (outside mu: it drives LINT0 back).
    return s_->bus ? s_->bus->pic_acknowledge() : 0xFF;
}

// ---- The register page ------------------------------------------------------------------------

std::uint64_t LocalApic::read(std::uint64_t offset) {
    if (offset & 0xF) return 0;
    const unsigned reg = static_cast<unsigned>(offset >> 4);
    std::lock_guard lock(s_->mu);
    State& s = *s_;
    switch (reg) {
    case 0x02: return s.id.load() << 24;
    case 0x03: return kVersion;
    case 0x08: return s.tpr;
    case 0x09: return s.apr();
    case 0x0A: return s.ppr();
    case 0x0D: return s.ldr;
    case 0x0E: return s.dfr;
    case 0x0F: return s.svr;
    case 0x28: return s.esr;
    case 0x30: return s.icr_lo & ~(1u << 12);  // delivery status: always idle
    case 0x31: return s.icr_hi;
    case 0x38: return s.initial;
    case 0x39: return s.current_count(s.now());
    case 0x3E: return s.divide;
    default: break;
    }
    if (reg >= 0x10 && reg < 0x18) return s.isr[reg - 0x10];
    if (reg >= 0x18 && reg < 0x20) return s.tmr[reg - 0x18];
    if (reg >= 0x20 && reg < 0x28) return s.irr[reg - 0x20];
    if (reg >= 0x32 && reg < 0x32 + kLvtCount) return s.lvt[reg - 0x32];
    return 0;
}

void LocalApic::write(std::uint64_t offset, std::uint32_t value) {
    if (offset & 0xF) return;
    const unsigned reg = static_cast<unsigned>(offset >> 4);
    std::unique_lock lock(s_->mu);
    State& s = *s_;
    switch (reg) {
    case 0x02: s.id = value >> 24; return;
    case 0x08: s.tpr = value & 0xFF; break;
    case 0x0B: {  // EOI: the highest in-service vector is done
        const int v = highest(s.isr);
        if (v < 0) return;
        const auto vector = static_cast<unsigned>(v);
        clear(s.isr, vector);
        const bool level = test(s.tmr, vector);
        // A level-triggered LINT entry with this vector may take the line again.
        for (unsigned i : {kLint0, kLint1})
            if ((s.lvt[i] & 0xFF) == vector) s.lvt[i] &= ~kLvtRemoteIrr;
        s.update();
        lock.unlock();
        if (level && s.bus) s.bus->end_of_interrupt(static_cast<u8>(vector));
        if (s.kick) s.kick();
        return;
    }
    case 0x0D: s.ldr = value & 0xFF000000; return;
    case 0x0E: s.dfr = value | 0x0FFFFFFF; return;
    case 0x0F:
        s.svr = value & (0xFF | kSvrEnable | kSvrFocusDisable);
        if (!s.sw_enabled())
            for (u32& e : s.lvt) e |= kLvtMasked;
        break;
    case 0x28:  // a write latches the errors seen since the last one
        s.esr = s.esr_pending;
        s.esr_pending = 0;
        return;
    case 0x30: {
        s.icr_lo = value & 0x000CCFFF;
        X86ApicMessage m;
        m.vector = static_cast<u8>(value);
        m.delivery = static_cast<X86ApicMessage::Delivery>((value >> 8) & 7);
        m.logical = value & (1u << 11);
        m.assert_level = value & (1u << 14);
        m.level_triggered = value & (1u << 15);
        m.shorthand = static_cast<X86ApicMessage::Shorthand>((value >> 18) & 3);
        m.destination = s.icr_hi >> 24;
        m.source_apic = static_cast<int>(s.id.load());
        using D = X86ApicMessage::Delivery;
        if ((m.delivery == D::Fixed || m.delivery == D::LowestPriority) && m.vector < 16) {
            s.esr_pending |= kEsrSendIllegal;
            return;
        }
        lock.unlock();
        if (s.bus) s.bus->send(m);
        return;
    }
    case 0x31: s.icr_hi = value & 0xFF000000; return;
    case 0x38:
        s.initial = value;
        s.start_ns = s.now();
        s.rearm();
        return;
    case 0x3E: {
        // Keep the count where it is, continuing at the new rate.
        const ClockNs t = s.now();
        const u32 current = s.current_count(t);
        s.divide = value & 0xB;
        if (s.initial) s.start_ns = t - static_cast<ClockNs>(s.initial - current) * s.divisor();
        s.rearm();
        return;
    }
    default:
        if (reg >= 0x32 && reg < 0x32 + kLvtCount) {
            const unsigned i = reg - 0x32;
            u32 v = (value & kLvtWritable[i]) | (s.lvt[i] & kLvtRemoteIrr);
            if (!s.sw_enabled()) v |= kLvtMasked;
            s.lvt[i] = v;
            if (i == kTimer) s.rearm();
            break;
        }
        // Read-only or reserved registers.
        if (reg != 0x03 && reg != 0x09 && reg != 0x0A && !(reg >= 0x10 && reg < 0x28) && reg != 0x39)
            s.esr_pending |= kEsrIllegalRegister;
        return;
    }
    // TPR, SVR or an LVT changed: an interrupt may now be deliverable.
    s.update();
    lock.unlock();
    if (s.kick) s.kick();
}

}  // namespace emu::x86
