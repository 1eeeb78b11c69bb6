// An AML (ACPI Machine Language) builder: enough of the language to write a board's DSDT in C++,
// QEMU's aml-build idea with values instead of an allocator.
//
// An Aml is an encoded term. Blocks (scope, device, method, if/else/while, field, package, buffer,
// resource template) take children with append() and encode their length prefix when bytes() is
// called; a child is copied when appended, so finish it first:
//
//     using namespace emu::aml;
//     Aml dev = device("RTC");
//     dev.append(name_decl("_HID", eisaid("PNP0B00")));
//     Aml crs = resource_template();
//     crs.append(io(0x70, 0x70, 1, 8));
//     crs.append(irq_no_flags(8));
//     dev.append(name_decl("_CRS", crs));
//     Aml scope = aml::scope("\\_SB.PCI0.ISA");
//     scope.append(dev);
//
// Encodings follow the ACPI specification (6.4, chapter 20 "ACPI Machine Language
// Specification"; resource descriptors chapter 6.4): integers take the smallest encoding
// (Zero, One, Byte/Word/DWord/QWord prefix), names are NameSegs padded with '_' and joined with
// the dual/multi-name prefixes, package lengths take 1 to 4 bytes. Invalid input (a bad name,
// an argument number out of range, a block over 256 MiB) throws emu::Error: it is a bug in the
// board that builds the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace emu::aml {

using Bytes = std::vector<std::uint8_t>;

// ---- Encoding primitives ---------------------------------------------------------------------
// PkgLength of a block whose contents after the PkgLength are `length` bytes: the encoded value
// counts its own 1-4 bytes. 1 byte up to 63 in total, then 2 (4095), 3 (1 MiB - 1), 4 (256 MiB - 1).
Bytes pkg_length(std::size_t length);
// The same encoding of a raw value that does not count itself (field element bit widths).
Bytes field_length(std::size_t bits);
// A NameString: optional root ('\') or parent ('^'...) prefixes, then dot-separated NameSegs of 1
// to 4 characters ([A-Z_][A-Z0-9_]*, padded with '_'). "" is the null name.
Bytes name_string(std::string_view path);
// The 32-bit compressed EISA id of "PNP0A03" (three letters, four hex digits), as AML stores it
// (the DWord whose little-endian bytes are the id's bytes in order).
std::uint32_t eisa_id(std::string_view id);

class Aml {
public:
    Aml() = default;  // encodes to nothing (an optional target left out)

    // Add a finished child: a term to a block, an element to a package, a descriptor to a
    // resource template, a field element to a field. Returns *this.
    Aml& append(const Aml& child);
    Bytes bytes() const;
    bool empty() const { return kind_ == Kind::Raw && head_.empty() && body_.empty(); }

    // Building blocks for the functions below.
    enum class Kind { Raw, Block, Package, Buffer, ResourceTemplate };
    static Aml raw(Bytes bytes);
    // opcode bytes, PkgLength, lead (name, flags), then the appended children.
    static Aml block(Bytes opcode, Bytes lead);
    // An empty Package, Buffer or ResourceTemplate.
    static Aml container(Kind kind);

private:
    Kind kind_ = Kind::Raw;
    Bytes head_;   // Raw: the bytes; Block: the opcode before the PkgLength
    Bytes lead_;   // Block: after the PkgLength, before the children
    Bytes body_;   // the appended children (or a Buffer's data)
    unsigned count_ = 0;  // children appended (a Package's NumElements)
};

// ---- Data ------------------------------------------------------------------------------------
Aml integer(std::uint64_t value);  // Zero, One, or the smallest prefix that holds it
Aml string(std::string_view text); // ASCII, no NUL inside
Aml eisaid(std::string_view id);   // EisaId("PNP0A03"): always a DWord
Aml uuid(std::string_view text);   // ToUUID("33DB4D5B-1FF7-401C-9657-7441C03DD766"): a Buffer
Aml name(std::string_view path);   // a reference to a named object (or a call of a method
                                   // without arguments)
Aml local(unsigned n);             // Local0-7
Aml arg(unsigned n);               // Arg0-6
Aml package();                     // Package(N) {...}: N counts the appended elements (< 256)
Aml buffer(std::span<const std::uint8_t> data);
Aml debug();                       // the Debug object (a Store target)

// ---- Named objects and blocks ----------------------------------------------------------------
Aml name_decl(std::string_view name, const Aml& value);  // Name(X, value)
Aml scope(std::string_view path);
Aml device(std::string_view path);
enum class MethodFlags : std::uint8_t { NotSerialized = 0, Serialized = 1 };
Aml method(std::string_view name, unsigned args, MethodFlags flags = MethodFlags::NotSerialized);
enum class RegionSpace : std::uint8_t { SystemMemory = 0, SystemIO = 1, PciConfig = 2 };
Aml operation_region(std::string_view name, RegionSpace space, std::uint64_t offset,
                     std::uint64_t length);
enum class FieldAccess : std::uint8_t { Any = 0, Byte = 1, Word = 2, DWord = 3, QWord = 4 };
enum class FieldLock : std::uint8_t { NoLock = 0, Lock = 1 };
enum class FieldUpdate : std::uint8_t { Preserve = 0, WriteAsOnes = 1, WriteAsZeros = 2 };
// Field(region, access, lock, update) { append named_field()/reserved_field() }
Aml field(std::string_view region, FieldAccess access, FieldLock lock, FieldUpdate update);
Aml named_field(std::string_view name, unsigned bits);
Aml reserved_field(unsigned bits);  // Offset()/skipped bits
Aml mutex(std::string_view name, unsigned sync_level = 0);
Aml create_dword_field(const Aml& source, const Aml& byte_index, std::string_view name);

// ---- Statements and expressions (an empty target is "no target") -----------------------------
Aml return_(const Aml& value);
Aml if_(const Aml& predicate);     // append the statements of its body
Aml else_();                       // append right after the If it belongs to
Aml while_(const Aml& predicate);
Aml break_();
Aml store(const Aml& value, const Aml& target);
Aml add(const Aml& a, const Aml& b, const Aml& target = {});
Aml subtract(const Aml& a, const Aml& b, const Aml& target = {});
Aml and_(const Aml& a, const Aml& b, const Aml& target = {});
Aml or_(const Aml& a, const Aml& b, const Aml& target = {});
Aml shift_left(const Aml& value, const Aml& count, const Aml& target = {});
Aml shift_right(const Aml& value, const Aml& count, const Aml& target = {});
Aml increment(const Aml& target);
Aml decrement(const Aml& target);
Aml lequal(const Aml& a, const Aml& b);
Aml lless(const Aml& a, const Aml& b);
Aml lgreater(const Aml& a, const Aml& b);
Aml land(const Aml& a, const Aml& b);
Aml lor(const Aml& a, const Aml& b);
Aml lnot(const Aml& value);
Aml index(const Aml& object, const Aml& position, const Aml& target = {});
Aml deref_of(const Aml& reference);
Aml size_of(const Aml& object);
Aml notify(const Aml& object, const Aml& value);
Aml acquire(const Aml& mutex, std::uint16_t timeout);
Aml release(const Aml& mutex);
// A method invocation: the method's name followed by its arguments.
Aml call(std::string_view method, std::initializer_list<Aml> args = {});

// ---- Resource templates (ACPI 6.4 §6.4) ------------------------------------------------------
// ResourceTemplate() {...}: a Buffer of the appended descriptors and an End Tag whose checksum
// makes the template's bytes sum to zero.
Aml resource_template();
// IO(Decode16, min, max, alignment, length)
Aml io(std::uint16_t min, std::uint16_t max, std::uint8_t alignment, std::uint8_t length);
// IRQNoFlags() {irq}: edge, active high, exclusive
Aml irq_no_flags(unsigned irq);
struct InterruptFlags {
    bool consumer = true;
    bool level = true;        // false: edge
    bool active_low = false;
    bool shared = true;
};
// Interrupt(ResourceConsumer, Level, ActiveHigh, Shared) {irqs...}: the extended descriptor
Aml interrupt(InterruptFlags flags, std::initializer_list<std::uint32_t> irqs);
Aml interrupt(InterruptFlags flags, std::span<const std::uint32_t> irqs);
// Address space descriptors of a bridge that produces the range [min, max] (MinFixed, MaxFixed,
// PosDecode; granularity and translation 0; length = max - min + 1).
Aml word_bus_number(std::uint16_t min, std::uint16_t max);
Aml word_io(std::uint16_t min, std::uint16_t max);  // EntireRange, TypeStatic
Aml dword_memory(std::uint32_t min, std::uint32_t max, bool cacheable);  // ReadWrite
Aml qword_memory(std::uint64_t min, std::uint64_t max, bool cacheable);  // ReadWrite
Aml memory32_fixed(std::uint32_t base, std::uint32_t length, bool read_write);

}  // namespace emu::aml
