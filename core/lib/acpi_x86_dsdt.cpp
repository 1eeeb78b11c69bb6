// The DSDT of the x86 boards (sdk/include/emu/acpi.h), modelled on QEMU 7.2's pc and q35 DSDTs
// less what emu does not emulate (PCI and CPU hot-plug, HPET, floppy, parallel port, S3/S4).
//
//   \_SB.PCI0          the host bridge: _HID, _CRS (buses, I/O, VGA, MMIO windows), _PRT, and on
//                      q35 _OSC; GPE0 resources; the fw_cfg device (QEMU0002)
//   \_SB.PCI0.ISA      the PIIX3 (00:01.0) or ICH9 LPC (00:1f.0) function, whose PCI config
//                      registers 0x60-0x63 (and on ICH9 0x68-0x6b) route PIRQ A-D (E-H) to ISA
//                      IRQs: bit 7 disables the route, the low bits name the IRQ. Under it RTC,
//                      KBD, MOU and the COM ports.
//   \_SB.LNKA...       interrupt link devices over those registers (IQST/IQCR are their shared
//                      _STA and _CRS); pc adds LNKS (the SCI, fixed at IRQ 9, active high) for
//                      00:01.x INTA; q35 adds GSIA-H (PIRQ A-H as IOAPIC pins 16-23), which its
//                      _PRT gives in APIC mode (_PIC(1)), as QEMU does.
//   \_SB.Cnnn          one processor device (ACPI0007) per CPU, _UID = the MADT processor id
//   \_S5               soft-off: SLP_TYP 0 on both chipsets (QEMU's PM1_CNT reads 0 as S5)
//
// The firmware's own AML parser (SeaBIOS's dsdt_parser.c, which looks for the keyboard) reads only
// Name, Scope, Device, Method, Field, OperationRegion and integer constants at the top of each
// scope: everything else sits inside methods and packages.
#include <string>

#include "emu/acpi.h"
#include "emu/aml.h"
#include "emu/error.h"

namespace emu::acpi {

namespace {

using namespace emu::aml;

constexpr unsigned kSlots = 32;
constexpr std::uint32_t kLinkIrqs[] = {5, 10, 11};  // QEMU's choice for the PIRQ links
constexpr InterruptFlags kLevelHighShared{};

std::string hex_name(char prefix, unsigned value, unsigned digits) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string s(1, prefix);
    for (unsigned i = digits; i-- > 0;) s.push_back(kHex[(value >> (4 * i)) & 0xf]);
    return s;
}

Aml resources(std::initializer_list<Aml> items) {
    Aml rt = resource_template();
    for (const auto& item : items) rt.append(item);
    return rt;
}

// ---- \_SB.PCI0 -----------------------------------------------------------------------------------

// _OSC of a PCIe host bridge (PCI Firmware Specification 3.0 §4.5): grant every control the OS
// asks for (emu has no firmware-first error handling or ACPI hot-plug to keep), flag an unknown
// revision or UUID.
Aml pcie_osc() {
    Aml m = method("_OSC", 4, MethodFlags::Serialized);
    m.append(create_dword_field(arg(3), integer(0), "CDW1"));
    Aml known = if_(lequal(arg(0), uuid("33DB4D5B-1FF7-401C-9657-7441C03DD766")));
    known.append(create_dword_field(arg(3), integer(4), "CDW2"));
    known.append(create_dword_field(arg(3), integer(8), "CDW3"));
    known.append(store(name("CDW3"), local(0)));
    known.append(and_(local(0), integer(0x1f), local(0)));
    Aml bad_revision = if_(lnot(lequal(arg(1), integer(1))));
    bad_revision.append(or_(name("CDW1"), integer(0x08), name("CDW1")));
    known.append(bad_revision);
    Aml masked = if_(lnot(lequal(name("CDW3"), local(0))));
    masked.append(or_(name("CDW1"), integer(0x10), name("CDW1")));
    known.append(masked);
    known.append(store(local(0), name("CDW3")));
    m.append(known);
    Aml unknown = else_();
    unknown.append(or_(name("CDW1"), integer(0x04), name("CDW1")));
    m.append(unknown);
    m.append(return_(arg(3)));
    return m;
}

// The host bridge's resources: what the CPU reaches through it.
Aml pci0_crs(const X86AcpiConfig& c) {
    Aml crs = resource_template();
    crs.append(word_bus_number(0, 0xff));
    crs.append(io(0xcf8, 0xcf8, 1, 8));
    crs.append(word_io(0x0000, 0x0cf7));
    crs.append(word_io(0x0d00, 0xffff));
    crs.append(dword_memory(0x000a0000, 0x000bffff, true));  // legacy VGA
    // The 32-bit window, less the ECAM window where it lies inside.
    std::uint64_t start = c.mmio32_start, end = c.mmio32_end;
    auto window = [&crs](std::uint64_t from, std::uint64_t to) {
        if (to > from)
            crs.append(dword_memory(static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(to - 1), false));
    };
    const std::uint64_t ecam_end = c.ecam_base + c.ecam_size;
    if (c.ecam_size && c.ecam_base < end && ecam_end > start) {
        window(start, c.ecam_base);
        window(ecam_end, end);
    } else {
        window(start, end);
    }
    if (c.mmio64_end > c.mmio64_start) crs.append(qword_memory(c.mmio64_start, c.mmio64_end - 1, true));
    return crs;
}

Aml prt_entry(unsigned slot, unsigned pin, std::string_view link) {
    Aml entry = package();
    entry.append(integer((slot << 16) | 0xffff));
    entry.append(integer(pin));
    entry.append(name(link));
    entry.append(integer(0));
    return entry;
}

// The routing table: every slot's INTA-D to the link pci_link() names. prefix "LNK" or "GSI".
Aml routing_table(const X86AcpiConfig& c, std::string_view prefix) {
    Aml table = package();
    for (unsigned slot = 0; slot < kSlots; ++slot) {
        for (unsigned pin = 0; pin < 4; ++pin) {
            std::string link(prefix);
            link.push_back(static_cast<char>('A' + pci_link(c.chipset, slot, pin)));
            // PIIX: 00:01.x INTA is the power management function's, the SCI (QEMU's LNKS).
            if (c.chipset == Chipset::Piix && slot == 1 && pin == 0) link = "LNKS";
            table.append(prt_entry(slot, pin, link));
        }
    }
    return table;
}

void add_prt(Aml& pci0, const X86AcpiConfig& c) {
    if (c.chipset == Chipset::Piix) {
        pci0.append(name_decl("_PRT", routing_table(c, "LNK")));
        return;
    }
    // q35: PIC mode routes through the PIRQ links, APIC mode straight to GSI 16-23.
    pci0.append(name_decl("PRTP", routing_table(c, "LNK")));
    pci0.append(name_decl("PRTA", routing_table(c, "GSI")));
    Aml prt = method("_PRT", 0);
    Aml pic = if_(lequal(name("PICF"), integer(0)));
    pic.append(return_(name("PRTP")));
    prt.append(pic);
    Aml apic = else_();
    apic.append(return_(name("PRTA")));
    prt.append(apic);
    pci0.append(prt);
}

Aml io_reservation(std::string_view device_name, std::string_view uid, std::uint16_t base, std::uint8_t length) {
    Aml dev = device(device_name);
    dev.append(name_decl("_HID", string("PNP0A06")));
    dev.append(name_decl("_UID", string(uid)));
    dev.append(name_decl("_STA", integer(0x0b)));  // present, enabled, functioning, not shown
    dev.append(name_decl("_CRS", resources({io(base, base, 1, length)})));
    return dev;
}

// ---- ISA devices -------------------------------------------------------------------------------

Aml isa_device(std::string_view dev_name, std::string_view hid, int uid, Aml crs) {
    Aml dev = device(dev_name);
    dev.append(name_decl("_HID", eisaid(hid)));
    if (uid >= 0) dev.append(name_decl("_UID", integer(static_cast<unsigned>(uid))));
    // A constant _STA: SeaBIOS reads it to decide whether the keyboard is there.
    dev.append(name_decl("_STA", integer(0x0f)));
    dev.append(name_decl("_CRS", crs));
    return dev;
}

Aml isa_bridge(const X86AcpiConfig& c) {
    const bool q35 = c.chipset == Chipset::Ich9;
    Aml isa = device("ISA");
    isa.append(name_decl("_ADR", integer(q35 ? 0x001f0000 : 0x00010000)));
    isa.append(operation_region("PIRQ", RegionSpace::PciConfig, 0x60, q35 ? 0x0c : 0x04));
    Aml rtc = device("RTC");
    rtc.append(name_decl("_HID", eisaid("PNP0B00")));
    rtc.append(name_decl("_CRS", resources({io(0x70, 0x70, 1, 8), irq_no_flags(8)})));
    isa.append(rtc);
    isa.append(isa_device("KBD", "PNP0303", -1,
                          resources({io(0x60, 0x60, 1, 1), io(0x64, 0x64, 1, 1), irq_no_flags(1)})));
    isa.append(isa_device("MOU", "PNP0F13", -1, resources({irq_no_flags(12)})));
    if (c.serial_ports >= 1)
        isa.append(isa_device("COM1", "PNP0501", 1, resources({io(0x3f8, 0x3f8, 0, 8), irq_no_flags(4)})));
    if (c.serial_ports >= 2)
        isa.append(isa_device("COM2", "PNP0501", 2, resources({io(0x2f8, 0x2f8, 0, 8), irq_no_flags(3)})));
    return isa;
}

// ---- Interrupt links ---------------------------------------------------------------------------

// IQST(route): _STA of a link, 0x09 (present, disabled) when bit 7 disables the route.
Aml link_status_method() {
    Aml m = method("IQST", 1);
    Aml disabled = if_(and_(integer(0x80), arg(0)));
    disabled.append(return_(integer(0x09)));
    m.append(disabled);
    m.append(return_(integer(0x0b)));
    return m;
}

// IQCR(route): _CRS of a link, the routed IRQ as an Interrupt descriptor.
Aml link_crs_method(Chipset chipset) {
    Aml m = method("IQCR", 1, MethodFlags::Serialized);
    m.append(name_decl("PRR0", resources({interrupt(kLevelHighShared, {0})})));
    m.append(create_dword_field(name("PRR0"), integer(5), "PRRI"));
    if (chipset == Chipset::Piix) {
        Aml routed = if_(lless(arg(0), integer(0x80)));
        routed.append(store(arg(0), name("PRRI")));
        m.append(routed);
    } else {
        m.append(store(and_(arg(0), integer(0x0f)), name("PRRI")));
    }
    m.append(return_(name("PRR0")));
    return m;
}

Aml link_device(std::string_view link, unsigned uid, std::string_view route) {
    Aml dev = device(link);
    dev.append(name_decl("_HID", eisaid("PNP0C0F")));
    dev.append(name_decl("_UID", integer(uid)));
    dev.append(name_decl("_PRS", resources({interrupt(kLevelHighShared, kLinkIrqs)})));
    Aml sta = method("_STA", 0);
    sta.append(return_(call("IQST", {name(route)})));
    dev.append(sta);
    Aml dis = method("_DIS", 0);
    dis.append(or_(name(route), integer(0x80), name(route)));
    dev.append(dis);
    Aml crs = method("_CRS", 0);
    crs.append(return_(call("IQCR", {name(route)})));
    dev.append(crs);
    // The new setting is an Interrupt descriptor: its first IRQ is the DWord at byte 5.
    Aml srs = method("_SRS", 1, MethodFlags::Serialized);
    srs.append(create_dword_field(arg(0), integer(5), "PRRI"));
    srs.append(store(name("PRRI"), name(route)));
    dev.append(srs);
    return dev;
}

// A link whose interrupt cannot change: the SCI on pc, an IOAPIC pin on q35.
Aml fixed_link_device(std::string_view link, unsigned uid, std::uint32_t irq) {
    Aml dev = device(link);
    dev.append(name_decl("_HID", eisaid("PNP0C0F")));
    dev.append(name_decl("_UID", integer(uid)));
    dev.append(name_decl("_PRS", resources({interrupt(kLevelHighShared, {irq})})));
    dev.append(name_decl("_CRS", resources({interrupt(kLevelHighShared, {irq})})));
    dev.append(name_decl("_STA", integer(0x0b)));
    dev.append(method("_DIS", 0));
    dev.append(method("_SRS", 1));
    return dev;
}

void add_links(Aml& sb, const X86AcpiConfig& c) {
    const bool q35 = c.chipset == Chipset::Ich9;
    Aml routes = field("PCI0.ISA.PIRQ", FieldAccess::Byte, FieldLock::NoLock, FieldUpdate::Preserve);
    for (char l = 'A'; l <= 'D'; ++l) routes.append(named_field(std::string("PRQ") + l, 8));
    if (q35) {
        routes.append(reserved_field(32));  // 0x64-0x67
        for (char l = 'E'; l <= 'H'; ++l) routes.append(named_field(std::string("PRQ") + l, 8));
    }
    sb.append(routes);
    sb.append(link_status_method());
    sb.append(link_crs_method(c.chipset));
    const unsigned links = q35 ? 8 : 4;
    for (unsigned i = 0; i < links; ++i) {
        const char letter = static_cast<char>('A' + i);
        sb.append(link_device(std::string("LNK") + letter, i, std::string("PRQ") + letter));
    }
    if (q35) {
        for (unsigned i = 0; i < 8; ++i)
            sb.append(fixed_link_device(std::string("GSI") + static_cast<char>('A' + i), 0x10 + i, 0x10 + i));
    } else {
        sb.append(fixed_link_device("LNKS", 4, c.sci_irq));
    }
}

// ---- Processors ----------------------------------------------------------------------------------

void add_processors(Aml& sb, const X86AcpiConfig& c) {
    for (unsigned i = 0; i < c.cpus; ++i) {
        Aml cpu = device(hex_name('C', i, 3));
        cpu.append(name_decl("_HID", string("ACPI0007")));
        cpu.append(name_decl("_UID", integer(i)));
        sb.append(cpu);
    }
}

}  // namespace

Bytes build_x86_dsdt(const X86AcpiConfig& c) {
    const bool q35 = c.chipset == Chipset::Ich9;
    Aml body = Aml::raw({});

    // \_SB.PCI0 and what hangs off the host bridge.
    Aml pci0 = device("PCI0");
    if (q35) {
        pci0.append(name_decl("_HID", eisaid("PNP0A08")));
        pci0.append(name_decl("_CID", eisaid("PNP0A03")));
    } else {
        pci0.append(name_decl("_HID", eisaid("PNP0A03")));
    }
    pci0.append(name_decl("_ADR", integer(0)));
    pci0.append(name_decl("_UID", integer(0)));
    if (q35) pci0.append(pcie_osc());
    pci0.append(name_decl("_CRS", pci0_crs(c)));
    Aml gpe0 = io_reservation("GPE0", "GPE0 resources",
                              c.gpe0_base ? c.gpe0_base : static_cast<std::uint16_t>(q35 ? c.pm_base + 0x20 : 0xafe0),
                              c.gpe0_length ? c.gpe0_length : (q35 ? 16 : 4));
    pci0.append(gpe0);
    if (c.fw_cfg_port) {
        Aml fw = device("FWCF");
        fw.append(name_decl("_HID", string("QEMU0002")));
        fw.append(name_decl("_STA", integer(0x0b)));
        // Selector and data ports, and the DMA address register at +4 (QEMU: 0x0c bytes).
        fw.append(name_decl("_CRS", resources({io(c.fw_cfg_port, c.fw_cfg_port, 1, 0x0c)})));
        pci0.append(fw);
    }
    pci0.append(isa_bridge(c));
    add_prt(pci0, c);

    Aml sb = scope("\\_SB");
    sb.append(pci0);
    if (q35 && c.ecam_size) {
        // The ECAM window is the chipset's, not the bridge's: reserve it as a motherboard resource.
        Aml drac = device("DRAC");
        drac.append(name_decl("_HID", string("PNP0C01")));
        drac.append(name_decl("_CRS", resources({dword_memory(static_cast<std::uint32_t>(c.ecam_base),
                                                              static_cast<std::uint32_t>(c.ecam_base + c.ecam_size - 1),
                                                              false)})));
        sb.append(drac);
    }
    add_links(sb, c);
    add_processors(sb, c);

    if (q35) {
        // _PIC(mode): 0 = PIC, 1 = APIC; picks the routing table.
        body.append(name_decl("PICF", integer(0)));
        Aml pic = method("_PIC", 1);
        pic.append(store(arg(0), name("PICF")));
        body.append(pic);
    }
    body.append(sb);

    Aml gpe = scope("\\_GPE");
    gpe.append(name_decl("_HID", string("ACPI0006")));
    body.append(gpe);

    // \_S5: SLP_TYP for PM1a and PM1b, two reserved values.
    Aml s5 = package();
    for (int i = 0; i < 4; ++i) s5.append(integer(0));
    body.append(name_decl("\\_S5", s5));

    Bytes table;
    append_header(table, "DSDT", 1);
    Bytes code = body.bytes();
    table.insert(table.end(), code.begin(), code.end());
    finish_table(table, 0);
    return table;
}

}  // namespace emu::acpi
