#include "pam.h"

#include <string>

namespace emu::pc {

namespace {

struct Span {
    Addr base, size;
};

Span segment_span(unsigned index) {
    if (index == 0) return {0xF0000, 0x10000};
    return {0xC0000 + (index - 1) * 0x4000, 0x4000};
}

}  // namespace

Pam::Pam(MemoryRegion& system, MemoryRegion& ram, MemoryRegion& pci, int priority) : system_(system) {
    for (unsigned i = 0; i < kSegments; ++i) {
        const Span span = segment_span(i);
        const std::string name = "pam-" + std::to_string(i);
        Segment& s = segments_[i];
        s.to_pci = MemoryRegion::alias(name + "-pci", pci, span.base, span.size);
        s.to_ram_readonly = MemoryRegion::alias(name + "-rom", ram, span.base, span.size);
        s.to_ram_readonly->set_readonly(true);
        s.to_ram = MemoryRegion::alias(name + "-ram", ram, span.base, span.size);
        for (MemoryRegion* r : {s.to_pci.get(), s.to_ram_readonly.get(), s.to_ram.get()}) {
            r->set_enabled(false);
            system.add_subregion(span.base, *r, priority);
        }
        set_mode(s, 0);
    }
}

Pam::~Pam() {
    for (Segment& s : segments_)
        for (MemoryRegion* r : {s.to_pci.get(), s.to_ram_readonly.get(), s.to_ram.get()})
            if (r) system_.remove_subregion(*r);
}

void Pam::set_mode(Segment& segment, unsigned mode) {
    segment.to_pci->set_enabled(mode == 0 || mode == 2);
    segment.to_ram_readonly->set_enabled(mode == 1);
    segment.to_ram->set_enabled(mode == 3);
}

void Pam::update(const std::array<std::uint8_t, kRegisters>& registers) {
    set_mode(segments_[0], (registers[0] >> 4) & 3);
    for (unsigned i = 1; i < kSegments; ++i) {
        const std::uint8_t reg = registers[(i + 1) / 2];
        set_mode(segments_[i], (i % 2 ? reg : reg >> 4) & 3);
    }
}

}  // namespace emu::pc
