// The AML builder: package lengths, integers, names, blocks, fields, expressions and resource
// descriptors, byte for byte against the ACPI specification's encodings.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "emu/acpi.h"
#include "emu/aml.h"
#include "emu/error.h"

namespace {

using namespace emu::aml;
using B = std::vector<std::uint8_t>;

B seg(const char* s) { return B(s, s + 4); }
B cat(std::initializer_list<B> parts) {
    B out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(AmlPkgLength, OneByteUpTo63) {
    EXPECT_EQ(pkg_length(0), (B{0x01}));
    EXPECT_EQ(pkg_length(62), (B{0x3f}));
}

TEST(AmlPkgLength, TwoBytesFrom64) {
    // 63 bytes of contents + 2 length bytes = 65 = 0x041: low nibble in byte 0, the rest after.
    EXPECT_EQ(pkg_length(63), (B{0x41, 0x04}));
    EXPECT_EQ(pkg_length(0xffd), (B{0x4f, 0xff}));  // 0xfff, the largest 2-byte value
}

TEST(AmlPkgLength, ThreeAndFourBytes) {
    EXPECT_EQ(pkg_length(0xffe), (B{0x81, 0x00, 0x01}));        // 0x1001
    EXPECT_EQ(pkg_length(0xffffc), (B{0x8f, 0xff, 0xff}));      // 0xfffff
    EXPECT_EQ(pkg_length(0xffffd), (B{0xc1, 0x00, 0x00, 0x01}));  // 0x100001
    EXPECT_THROW(pkg_length(1u << 28), emu::Error);
}

TEST(AmlPkgLength, FieldWidthsDoNotCountThemselves) {
    EXPECT_EQ(field_length(8), (B{0x08}));
    EXPECT_EQ(field_length(63), (B{0x3f}));
    EXPECT_EQ(field_length(0x2f8), (B{0x48, 0x2f}));
}

TEST(AmlPkgLength, BlockUsesTwoBytesPastTheBoundary) {
    Aml small = scope("\\");
    small.append(Aml::raw(B(59, 0xa3)));  // 2 name bytes + 59 = 61 (+1 = 62): one byte
    EXPECT_EQ(small.bytes().size(), 1u + 1 + 61);
    EXPECT_EQ(small.bytes()[1], 62);
    Aml big = scope("\\");
    big.append(Aml::raw(B(100, 0xa3)));  // 102 + 2 = 104 = 0x68
    const B bytes = big.bytes();
    EXPECT_EQ(bytes.size(), 1u + 2 + 102);
    EXPECT_EQ(bytes[1], 0x48);
    EXPECT_EQ(bytes[2], 0x06);
    EXPECT_EQ(bytes[3], 0x5c);  // root
    EXPECT_EQ(bytes[4], 0x00);  // null name after the root char
}

TEST(AmlInteger, SmallestEncoding) {
    EXPECT_EQ(integer(0).bytes(), (B{0x00}));
    EXPECT_EQ(integer(1).bytes(), (B{0x01}));
    EXPECT_EQ(integer(2).bytes(), (B{0x0a, 0x02}));
    EXPECT_EQ(integer(0xff).bytes(), (B{0x0a, 0xff}));
    EXPECT_EQ(integer(0x100).bytes(), (B{0x0b, 0x00, 0x01}));
    EXPECT_EQ(integer(0xffff).bytes(), (B{0x0b, 0xff, 0xff}));
    EXPECT_EQ(integer(0x10000).bytes(), (B{0x0c, 0x00, 0x00, 0x01, 0x00}));
    EXPECT_EQ(integer(0xffffffff).bytes(), (B{0x0c, 0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(integer(0x100000000).bytes(), (B{0x0e, 0, 0, 0, 0, 1, 0, 0, 0}));
}

TEST(AmlName, SegmentsArePaddedAndPrefixed) {
    EXPECT_EQ(name_string("_SB"), seg("_SB_"));
    EXPECT_EQ(name_string("LNKA"), seg("LNKA"));
    EXPECT_EQ(name_string("\\_SB.PCI0"), cat({{0x5c, 0x2e}, seg("_SB_"), seg("PCI0")}));
    EXPECT_EQ(name_string("\\_SB.PCI0.ISA"), cat({{0x5c, 0x2f, 0x03}, seg("_SB_"), seg("PCI0"), seg("ISA_")}));
    EXPECT_EQ(name_string("^ISA"), cat({{0x5e}, seg("ISA_")}));
    EXPECT_EQ(name_string("^^C001"), cat({{0x5e, 0x5e}, seg("C001")}));
    EXPECT_EQ(name_string("\\"), (B{0x5c, 0x00}));
    EXPECT_EQ(name_string(""), (B{0x00}));
}

TEST(AmlName, BadNamesAreRefused) {
    for (const char* bad : {"1ABC", "ABCDE", "abc", "A..B", "A.", "\\^A", "A-B"})
        EXPECT_THROW(name_string(bad), emu::Error) << bad;
}

TEST(AmlData, EisaIdStringUuid) {
    EXPECT_EQ(eisaid("PNP0A03").bytes(), (B{0x0c, 0x41, 0xd0, 0x0a, 0x03}));
    EXPECT_EQ(eisaid("PNP0303").bytes(), (B{0x0c, 0x41, 0xd0, 0x03, 0x03}));  // what SeaBIOS looks for
    EXPECT_EQ(eisa_id("PNP0C0F"), 0x0f0cd041u);
    EXPECT_THROW(eisaid("PNP0A0"), emu::Error);
    EXPECT_THROW(eisaid("pnp0A03"), emu::Error);
    EXPECT_EQ(string("ACPI0006").bytes(), cat({{0x0d}, B{'A', 'C', 'P', 'I', '0', '0', '0', '6'}, {0x00}}));
    // ToUUID: the first three groups little-endian, the rest in order; a 16-byte Buffer.
    EXPECT_EQ(uuid("33DB4D5B-1FF7-401C-9657-7441C03DD766").bytes(),
              (B{0x11, 0x13, 0x0a, 0x10, 0x5b, 0x4d, 0xdb, 0x33, 0xf7, 0x1f, 0x1c, 0x40, 0x96, 0x57, 0x74, 0x41,
                 0xc0, 0x3d, 0xd7, 0x66}));
    EXPECT_EQ(local(0).bytes(), (B{0x60}));
    EXPECT_EQ(arg(6).bytes(), (B{0x6e}));
    EXPECT_THROW(local(8), emu::Error);
    EXPECT_THROW(arg(7), emu::Error);
}

TEST(AmlObjects, NameDeviceMethod) {
    EXPECT_EQ(name_decl("_UID", integer(1)).bytes(), cat({{0x08}, seg("_UID"), {0x01}}));
    Aml m = method("_STA", 0);
    m.append(return_(integer(0x0f)));
    EXPECT_EQ(m.bytes(), cat({{0x14, 0x09}, seg("_STA"), {0x00, 0xa4, 0x0a, 0x0f}}));
    EXPECT_EQ(method("_SRS", 1, MethodFlags::Serialized).bytes(), cat({{0x14, 0x06}, seg("_SRS"), {0x09}}));
    Aml dev = device("RTC");
    dev.append(name_decl("_HID", eisaid("PNP0B00")));
    EXPECT_EQ(dev.bytes(), cat({{0x5b, 0x82, 0x0f}, seg("RTC_"), {0x08}, seg("_HID"), {0x0c, 0x41, 0xd0, 0x0b, 0x00}}));
}

TEST(AmlObjects, PackageCountsItsElements) {
    Aml p = package();
    p.append(integer(0)).append(integer(5)).append(name("LNKA"));
    EXPECT_EQ(p.bytes(), cat({{0x12, 0x09, 0x03, 0x00, 0x0a, 0x05}, seg("LNKA")}));
    EXPECT_EQ(package().bytes(), (B{0x12, 0x02, 0x00}));
}

TEST(AmlObjects, RegionAndField) {
    EXPECT_EQ(operation_region("PIRQ", RegionSpace::PciConfig, 0x60, 0x0c).bytes(),
              cat({{0x5b, 0x80}, seg("PIRQ"), {0x02, 0x0a, 0x60, 0x0a, 0x0c}}));
    EXPECT_EQ(operation_region("DBG", RegionSpace::SystemIO, 0x402, 1).bytes(),
              cat({{0x5b, 0x80}, seg("DBG_"), {0x01, 0x0b, 0x02, 0x04, 0x01}}));
    Aml f = field("PIRQ", FieldAccess::Byte, FieldLock::NoLock, FieldUpdate::Preserve);
    f.append(named_field("PRQA", 8)).append(reserved_field(32)).append(named_field("PRQE", 8));
    EXPECT_EQ(f.bytes(), cat({{0x5b, 0x81, 0x12}, seg("PIRQ"), {0x01}, seg("PRQA"), {0x08, 0x00, 0x20}, seg("PRQE"), {0x08}}));
    EXPECT_EQ(field("X", FieldAccess::DWord, FieldLock::Lock, FieldUpdate::WriteAsZeros).bytes()[7], 0x53);
    EXPECT_THROW(named_field("A.B", 8), emu::Error);
}

TEST(AmlExpressions, TargetsAndLogic) {
    EXPECT_EQ(and_(local(0), integer(0x1f), local(0)).bytes(), (B{0x7b, 0x60, 0x0a, 0x1f, 0x60}));
    EXPECT_EQ(and_(arg(0), integer(0x0f)).bytes(), (B{0x7b, 0x68, 0x0a, 0x0f, 0x00}));  // no target
    EXPECT_EQ(or_(name("PRQA"), integer(0x80), name("PRQA")).bytes(),
              cat({{0x7d}, seg("PRQA"), {0x0a, 0x80}, seg("PRQA")}));
    EXPECT_EQ(store(arg(0), name("PICF")).bytes(), cat({{0x70, 0x68}, seg("PICF")}));
    EXPECT_EQ(shift_left(integer(1), arg(1)).bytes(), (B{0x79, 0x01, 0x69, 0x00}));
    EXPECT_EQ(lnot(lequal(arg(1), integer(1))).bytes(), (B{0x92, 0x93, 0x69, 0x01}));
    EXPECT_EQ(lless(arg(0), integer(0x80)).bytes(), (B{0x95, 0x68, 0x0a, 0x80}));
    EXPECT_EQ(index(local(0), local(2)).bytes(), (B{0x88, 0x60, 0x62, 0x00}));
    EXPECT_EQ(increment(local(1)).bytes(), (B{0x75, 0x61}));
    EXPECT_EQ(call("IQST", {name("PRQA")}).bytes(), cat({seg("IQST"), seg("PRQA")}));
    EXPECT_EQ(create_dword_field(arg(0), integer(5), "PRRI").bytes(), cat({{0x8a, 0x68, 0x0a, 0x05}, seg("PRRI")}));
    EXPECT_EQ(acquire(name("BLCK"), 0xffff).bytes(), cat({{0x5b, 0x23}, seg("BLCK"), {0xff, 0xff}}));
    Aml i = if_(lequal(arg(0), integer(0)));
    i.append(return_(integer(1)));
    EXPECT_EQ(i.bytes(), (B{0xa0, 0x06, 0x93, 0x68, 0x00, 0xa4, 0x01}));
    Aml e = else_();
    e.append(break_());
    EXPECT_EQ(e.bytes(), (B{0xa1, 0x02, 0xa5}));
}

// The bytes of a resource template's buffer data (after BufferOp, PkgLength, size).
B template_data(const Aml& rt) {
    B bytes = rt.bytes();
    EXPECT_EQ(bytes.at(0), 0x11);
    const std::size_t length_bytes = (bytes[1] >> 6) + 1u;
    std::size_t at = 1 + length_bytes;
    std::size_t size = 0;
    if (bytes[at] == 0x0a) size = bytes[at + 1], at += 2;
    else if (bytes[at] == 0x0b) size = bytes[at + 1] | (bytes[at + 2] << 8), at += 3;
    B data(bytes.begin() + static_cast<long>(at), bytes.end());
    EXPECT_EQ(data.size(), size);
    return data;
}

TEST(AmlResources, SmallDescriptors) {
    EXPECT_EQ(io(0x70, 0x70, 1, 8).bytes(), (B{0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x08}));
    EXPECT_EQ(irq_no_flags(8).bytes(), (B{0x22, 0x00, 0x01}));
    EXPECT_EQ(irq_no_flags(1).bytes(), (B{0x22, 0x02, 0x00}));
    EXPECT_THROW(irq_no_flags(16), emu::Error);
}

TEST(AmlResources, ExtendedInterrupt) {
    EXPECT_EQ(interrupt({}, {5, 10, 11}).bytes(),
              (B{0x89, 0x0e, 0x00, 0x09, 0x03, 5, 0, 0, 0, 10, 0, 0, 0, 11, 0, 0, 0}));
    EXPECT_EQ(interrupt({.consumer = true, .level = false, .active_low = true, .shared = false}, {9}).bytes()[3], 0x07);
}

TEST(AmlResources, AddressSpaces) {
    EXPECT_EQ(word_bus_number(0, 0xff).bytes(),
              (B{0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0, 0, 0x00, 0x00, 0xff, 0x00, 0, 0, 0x00, 0x01}));
    EXPECT_EQ(word_io(0x0d00, 0xffff).bytes(),
              (B{0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0, 0, 0x00, 0x0d, 0xff, 0xff, 0, 0, 0x00, 0xf3}));
    const B dword = dword_memory(0xa0000, 0xbffff, true).bytes();
    ASSERT_EQ(dword.size(), 26u);
    EXPECT_EQ((B(dword.begin(), dword.begin() + 6)), (B{0x87, 0x17, 0x00, 0x00, 0x0c, 0x03}));
    EXPECT_EQ(dword[10], 0x00);
    EXPECT_EQ(dword[12], 0x0a);  // minimum 0x000a0000
    EXPECT_EQ(dword[22], 0x00);
    EXPECT_EQ(dword[24], 0x02);  // length 0x20000
    const B qword = qword_memory(0x100000000, 0x17fffffff, false).bytes();
    ASSERT_EQ(qword.size(), 46u);
    EXPECT_EQ((B(qword.begin(), qword.begin() + 6)), (B{0x8a, 0x2b, 0x00, 0x00, 0x0c, 0x01}));
    EXPECT_EQ(qword[18], 0x01);  // minimum bit 32
    EXPECT_EQ(qword[41], 0x80);  // length 0x80000000
    EXPECT_THROW(word_io(2, 1), emu::Error);
    EXPECT_EQ(memory32_fixed(0xfed00000, 0x400, false).bytes(),
              (B{0x86, 0x09, 0x00, 0x00, 0x00, 0x00, 0xd0, 0xfe, 0x00, 0x04, 0x00, 0x00}));
}

TEST(AmlResources, TemplateEndsWithAChecksummedEndTag) {
    Aml rt = resource_template();
    rt.append(io(0x60, 0x60, 1, 1)).append(io(0x64, 0x64, 1, 1)).append(irq_no_flags(1));
    const B data = template_data(rt);
    ASSERT_EQ(data.size(), 8u + 8 + 3 + 2);
    EXPECT_EQ(data[data.size() - 2], 0x79);
    std::uint8_t sum = 0;
    for (auto b : data) sum = static_cast<std::uint8_t>(sum + b);
    EXPECT_EQ(sum, 0);
    EXPECT_EQ(template_data(resource_template()), (B{0x79, 0x87}));
}

TEST(PciLink, PiixSwizzle) {
    // QEMU's _PRT: (slot + pin) & 3 picks LNKD, LNKA, LNKB, LNKC.
    const char expected[] = {'D', 'A', 'B', 'C'};
    for (unsigned slot = 0; slot < 32; ++slot)
        for (unsigned pin = 0; pin < 4; ++pin)
            EXPECT_EQ('A' + emu::acpi::pci_link(emu::acpi::Chipset::Piix, slot, pin), expected[(slot + pin) & 3]);
}

TEST(PciLink, Q35RoutingAsQemu) {
    using emu::acpi::Chipset;
    auto link = [](unsigned slot, unsigned pin) { return static_cast<char>('A' + emu::acpi::pci_link(Chipset::Ich9, slot, pin)); };
    // From QEMU 7.2's q35 PRTP package.
    EXPECT_EQ(std::string({link(0, 0), link(0, 1), link(0, 2), link(0, 3)}), "EFGH");
    EXPECT_EQ(std::string({link(1, 0), link(1, 1), link(1, 2), link(1, 3)}), "FGHE");
    EXPECT_EQ(std::string({link(0x17, 0), link(0x17, 3)}), "HG");
    EXPECT_EQ(std::string({link(0x18, 0), link(0x18, 1), link(0x18, 2), link(0x18, 3)}), "EFGH");
    for (unsigned slot = 0x19; slot <= 0x1d; ++slot)
        EXPECT_EQ(std::string({link(slot, 0), link(slot, 1), link(slot, 2), link(slot, 3)}), "ABCD");
    EXPECT_EQ(std::string({link(0x1e, 0), link(0x1e, 1), link(0x1e, 2), link(0x1e, 3)}), "EFGH");
    EXPECT_EQ(std::string({link(0x1f, 0), link(0x1f, 1), link(0x1f, 2), link(0x1f, 3)}), "ABCD");
}

}  // namespace
