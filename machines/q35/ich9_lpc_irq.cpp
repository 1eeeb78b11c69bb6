// The ICH9 LPC bridge's interrupt side: PCI INTx to PIRQ, PIRQ and SCI to ISA IRQs and IOAPIC pins.
#include "ich9_lpc.h"

namespace emu::q35 {

unsigned Ich9Lpc::pirq_of(std::uint8_t devfn, unsigned pin) {
    const unsigned slot = devfn >> 3;
    pin &= 3;
    if (slot == 30) return 4 + pin;
    if (slot >= 25) return pin;
    return 4 + ((slot + pin) & 3);
}

int Ich9Lpc::sci_gsi() const {
    static constexpr int kSciGsi[8] = {9, 10, 11, -1, 20, 21, 22, 23};  // ICH9 datasheet 13.1.3
    return kSciGsi[get_config(kAcpiCntl, 1) & 0x07];
}

std::uint8_t Ich9Lpc::pirq_route(unsigned pirq) const {
    return static_cast<std::uint8_t>(get_config(pirq < 4 ? kPirqA + pirq : kPirqE + pirq - 4, 1));
}

void Ich9Lpc::set_pirq(unsigned pirq, bool level) {
    if (pirq >= kPirqs || pirq_level_[pirq] == level) return;
    pirq_level_[pirq] = level;
    update_irqs();
}

void Ich9Lpc::update_irqs() {
    std::array<bool, kGsis> level{};
    for (unsigned irq = 0; irq < kIsaIrqs; ++irq) level[irq] = isa_level_[irq];
    for (unsigned i = 0; i < kPirqs; ++i) {
        if (!pirq_level_[i]) continue;
        level[kIsaIrqs + i] = true;  // APIC mode: PIRQ n is IOAPIC pin 16 + n
        const std::uint8_t route = pirq_route(i);
        if (!(route & 0x80)) level[route & 0x0f] = true;
    }
    if (const int sci = sci_gsi(); sci >= 0 && sci_level_) level[static_cast<unsigned>(sci)] = true;
    for (unsigned n = 0; n < kGsis; ++n) {
        if (level[n] == driven_[n]) continue;
        driven_[n] = level[n];
        if (gsi) gsi(n).set(level[n]);
    }
}

}  // namespace emu::q35
