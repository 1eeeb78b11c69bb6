#include "ioapic.h"

namespace emu::x86irq {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

namespace {
constexpr u32 kVersion = 0x20 | ((IoApic::kPins - 1) << 16);
constexpr u64 kMasked = 1u << 16, kLevel = 1u << 15, kRemoteIrr = 1u << 14, kDeliveryStatus = 1u << 12;
// Bits the guest writes: vector, delivery mode, destination mode, polarity, trigger, mask,
// destination.
constexpr u64 kWritable = 0xFF000000'0001AFFFull;
}  // namespace

void IoApic::reset() {
    id_ = 0;
    select_ = 0;
    redirection_.fill(kMasked);
    pending_ = 0;
}

void IoApic::set_pin(unsigned pin, bool level) {
    if (pin >= kPins) return;
    const u32 bit = 1u << pin;
    const bool was = lines_ & bit;
    if (level) lines_ |= bit;
    else lines_ &= ~bit;
    if (redirection_[pin] & kLevel) {
        if (level) service(pin);
    } else if (level && !was) {
        pending_ |= bit;
        service(pin);
    }
}

// Deliver pin's interrupt if its entry lets it.
void IoApic::service(unsigned pin) {
    u64& e = redirection_[pin];
    const u32 bit = 1u << pin;
    if (e & kMasked) return;
    if (e & kLevel) {
        if (!(lines_ & bit) || (e & kRemoteIrr)) return;
        e |= kRemoteIrr;
    } else {
        if (!(pending_ & bit)) return;
        pending_ &= ~bit;
    }
    X86ApicMessage m;
    m.vector = static_cast<std::uint8_t>(e);
    m.delivery = static_cast<X86ApicMessage::Delivery>((e >> 8) & 7);
    m.logical = e & (1u << 11);
    m.level_triggered = e & kLevel;
    m.destination = static_cast<u32>(e >> 56);
    send_(m);
}

void IoApic::end_of_interrupt(std::uint8_t vector) {
    for (unsigned pin = 0; pin < kPins; ++pin) {
        u64& e = redirection_[pin];
        if ((e & 0xFF) != vector || !(e & kLevel) || !(e & kRemoteIrr)) continue;
        e &= ~kRemoteIrr;
        service(pin);  // still asserted: again
    }
}

u32 IoApic::read(u64 offset) {
    if (offset == 0x00) return select_;
    if (offset != 0x10) return 0;
    switch (select_) {
    case 0x00: return id_ << 24;
    case 0x01: return kVersion;
    case 0x02: return id_ << 24;  // arbitration id
    default: break;
    }
    const unsigned index = select_ - 0x10u;
    if (select_ < 0x10 || index / 2 >= kPins) return 0;
    const u64 e = redirection_[index / 2];
    return static_cast<u32>(index & 1 ? e >> 32 : e);
}

void IoApic::write(u64 offset, u32 value) {
    if (offset == 0x00) {
        select_ = static_cast<std::uint8_t>(value);
        return;
    }
    if (offset == 0x40) {  // EOI register (version 0x20)
        end_of_interrupt(static_cast<std::uint8_t>(value));
        return;
    }
    if (offset != 0x10) return;
    if (select_ == 0x00) {
        id_ = (value >> 24) & 0xF;
        return;
    }
    const unsigned index = select_ - 0x10u;
    if (select_ < 0x10 || index / 2 >= kPins) return;
    u64& e = redirection_[index / 2];
    const u64 shift = index & 1 ? 32 : 0;
    const u64 field = u64{0xFFFFFFFF} << shift;
    const u64 written = (e & ~field) | (u64{value} << shift);
    e = (e & ~kWritable) | (written & kWritable);
    e &= ~kDeliveryStatus;
    // An edge entry has no Remote IRR.
    if (!(e & kLevel)) e &= ~kRemoteIrr;
    service(index / 2);  // an unmasked entry may have something waiting
}

}  // namespace emu::x86irq
