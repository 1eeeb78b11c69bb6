// Programmable Attribute Map: the chipset registers that decide, for each segment of the legacy
// BIOS area 0xC0000-0xFFFFF, whether the CPU reaches RAM ("shadow RAM") or the PCI/ISA side,
// where the firmware's ROM and option ROMs sit. SeaBIOS boots from the ROM with every segment
// on the PCI side, copies itself into RAM after making the segments read-write, and finally
// makes them read-only. The i440FX (registers 0x59-0x5F) and the Q35 MCH (0x90-0x96) share the
// layout: 7 registers, two 4-bit fields each (bit 0 read-enable, bit 1 write-enable); the low
// field of the first register is reserved and its high field covers 0xF0000-0xFFFFF, the others
// cover 16 KiB each from 0xC0000 up.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include <emu/memory.h>

namespace emu::pc {

class Pam {
public:
    static constexpr unsigned kRegisters = 7;
    static constexpr unsigned kSegments = 13;

    // system: the CPU's view, where the segments are overlaid at `priority`; ram: guest RAM
    // (offset = guest physical address); pci: the PCI memory space (bus address = physical).
    Pam(MemoryRegion& system, MemoryRegion& ram, MemoryRegion& pci, int priority);
    ~Pam();
    Pam(const Pam&) = delete;
    Pam& operator=(const Pam&) = delete;

    // Apply the seven register bytes (the power-on value 0 sends every segment to PCI).
    void update(const std::array<std::uint8_t, kRegisters>& registers);

private:
    struct Segment {
        std::unique_ptr<MemoryRegion> to_pci, to_ram_readonly, to_ram;
    };
    // Modes: 0 off (PCI), 1 read-only RAM (writes dropped), 2 write-only (modelled as PCI, as
    // firmware only passes through it), 3 RAM.
    void set_mode(Segment& segment, unsigned mode);

    MemoryRegion& system_;
    std::array<Segment, kSegments> segments_;
};

}  // namespace emu::pc
