// The MSI address/data format of x86 (Intel SDM vol. 3, 10.11): an MSI is a 32-bit write to
// 0xFEExxxxx whose address carries the destination and whose data carries the vector, the
// delivery mode and the trigger.
//   address 31:20 0xFEE, 19:12 destination id, 3 redirection hint, 2 destination mode (1 logical)
//   data    7:0 vector, 10:8 delivery mode, 14 level (assert), 15 trigger mode (1 level)
#pragma once

#include <cstdint>
#include <optional>

#include <emu/x86.h>

namespace emu::x86irq {

// The message an MSI write carries; nullopt when the address is not an MSI address.
inline std::optional<X86ApicMessage> decode_msi(std::uint64_t address, std::uint32_t data) {
    if ((address >> 20) != 0xFEE) return std::nullopt;
    X86ApicMessage m;
    m.destination = static_cast<std::uint32_t>(address >> 12) & 0xFF;
    m.logical = address & (1u << 2);
    m.vector = static_cast<std::uint8_t>(data);
    m.delivery = static_cast<X86ApicMessage::Delivery>((data >> 8) & 7);
    m.assert_level = data & (1u << 14);
    m.level_triggered = data & (1u << 15);
    return m;
}

}  // namespace emu::x86irq
