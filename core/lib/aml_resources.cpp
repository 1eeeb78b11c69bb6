// Resource descriptors of the AML builder (sdk/include/emu/aml.h). Layouts: ACPI 6.4 §6.4.2
// (small resource data types) and §6.4.3 (large resource data types).
#include <string>

#include "emu/aml.h"
#include "emu/error.h"

namespace emu::aml {

namespace {

using u8 = std::uint8_t;

// Small items: tag byte = (name << 3) | length.
constexpr u8 kIrqNoFlagsTag = 0x22;   // IRQ, 2 bytes
constexpr u8 kIoTag = 0x47;           // I/O port, 7 bytes
// Large items: tag byte, then a 16-bit length of what follows.
constexpr u8 kMemory32FixedTag = 0x86;
constexpr u8 kDWordAddressTag = 0x87;
constexpr u8 kWordAddressTag = 0x88;
constexpr u8 kExtendedIrqTag = 0x89;
constexpr u8 kQWordAddressTag = 0x8a;

// Address space resource types and flags (§6.4.3.5).
enum ResourceType : u8 { kMemoryRange = 0, kIoRange = 1, kBusNumberRange = 2 };
// General flags: producer (bit 0 clear), positive decode, minimum and maximum fixed.
constexpr u8 kProducerFixed = 0x0c;
constexpr u8 kIoEntireRange = 0x03;  // ISA and non-ISA ranges, TypeStatic, dense
constexpr u8 kMemReadWrite = 0x01, kMemCacheable = 0x02;

void put(Bytes& out, std::uint64_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
}

// An address space descriptor with fields of `width` bytes: granularity, minimum, maximum,
// translation offset, length.
Aml address_space(u8 tag, u8 type, u8 type_flags, unsigned width, std::uint64_t min, std::uint64_t max) {
    if (max < min) throw Error("AML: address range with maximum below minimum");
    Bytes out{tag};
    put(out, 3 + 5 * width, 2);
    out.push_back(type);
    out.push_back(kProducerFixed);
    out.push_back(type_flags);
    put(out, 0, width);
    put(out, min, width);
    put(out, max, width);
    put(out, 0, width);
    put(out, max - min + 1, width);
    return Aml::raw(std::move(out));
}

}  // namespace

Aml resource_template() { return Aml::container(Aml::Kind::ResourceTemplate); }

Aml io(std::uint16_t min, std::uint16_t max, std::uint8_t alignment, std::uint8_t length) {
    Bytes out{kIoTag, 0x01 /* Decode16 */};
    put(out, min, 2);
    put(out, max, 2);
    out.push_back(alignment);
    out.push_back(length);
    return Aml::raw(std::move(out));
}

Aml irq_no_flags(unsigned irq) {
    if (irq > 15) throw Error("AML: IRQ " + std::to_string(irq) + " is not an ISA IRQ");
    Bytes out{kIrqNoFlagsTag};
    put(out, 1u << irq, 2);
    return Aml::raw(std::move(out));
}

Aml interrupt(InterruptFlags flags, std::initializer_list<std::uint32_t> irqs) {
    return interrupt(flags, std::span<const std::uint32_t>(irqs.begin(), irqs.size()));
}

Aml interrupt(InterruptFlags flags, std::span<const std::uint32_t> irqs) {
    if (irqs.empty() || irqs.size() > 255) throw Error("AML: Interrupt() needs 1 to 255 interrupts");
    Bytes out{kExtendedIrqTag};
    put(out, 2 + 4 * irqs.size(), 2);
    out.push_back(static_cast<u8>((flags.consumer ? 0x01 : 0) | (flags.level ? 0 : 0x02) |
                                  (flags.active_low ? 0x04 : 0) | (flags.shared ? 0x08 : 0)));
    out.push_back(static_cast<u8>(irqs.size()));
    for (auto irq : irqs) put(out, irq, 4);
    return Aml::raw(std::move(out));
}

Aml word_bus_number(std::uint16_t min, std::uint16_t max) {
    return address_space(kWordAddressTag, kBusNumberRange, 0, 2, min, max);
}

Aml word_io(std::uint16_t min, std::uint16_t max) {
    return address_space(kWordAddressTag, kIoRange, kIoEntireRange, 2, min, max);
}

Aml dword_memory(std::uint32_t min, std::uint32_t max, bool cacheable) {
    return address_space(kDWordAddressTag, kMemoryRange, kMemReadWrite | (cacheable ? kMemCacheable : 0), 4,
                         min, max);
}

Aml qword_memory(std::uint64_t min, std::uint64_t max, bool cacheable) {
    return address_space(kQWordAddressTag, kMemoryRange, kMemReadWrite | (cacheable ? kMemCacheable : 0), 8,
                         min, max);
}

Aml memory32_fixed(std::uint32_t base, std::uint32_t length, bool read_write) {
    Bytes out{kMemory32FixedTag};
    put(out, 9, 2);
    out.push_back(read_write ? 0x01 : 0x00);
    put(out, base, 4);
    put(out, length, 4);
    return Aml::raw(std::move(out));
}

}  // namespace emu::aml
