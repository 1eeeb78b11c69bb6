// ACPI tables for x86 boards, handed to the firmware the way QEMU hands them to SeaBIOS (and
// OVMF): through fw_cfg and the BIOS linker/loader.
//
// The firmware reads three fw_cfg files:
//   etc/acpi/tables   every table (FACS first, 64-byte aligned, then DSDT, FADT, MADT, MCFG,
//                     RSDT), with pointers written as offsets into the files they point to and
//                     checksums left for the firmware to compute;
//   etc/acpi/rsdp     the 20-byte ACPI 1.0 RSDP (revision 0), as QEMU gives SeaBIOS;
//   etc/table-loader  128-byte commands (QEMU's hw/acpi/bios-linker-loader.c describes them):
//                     ALLOCATE a file in the high zone or the F-segment, ADD_POINTER (add the
//                     address where another file was placed to a little-endian pointer field),
//                     ADD_CHECKSUM (make a byte range sum to zero through one byte). SeaBIOS runs
//                     them in order, so a table's checksum command follows its pointer commands.
//
// A board fills an X86AcpiConfig from its memory map and chipset and installs the result:
//
//     emu::acpi::X86AcpiConfig acpi{.chipset = emu::acpi::Chipset::Piix, .cpus = smp,
//                                   .mmio32_start = below_4g, .mmio32_end = 0xfec00000};
//     emu::acpi::install(fw_cfg, emu::acpi::build_x86_acpi(acpi));
//
// What the tables say (facts from QEMU 7.2's pc and q35 tables, which SeaBIOS and Linux expect):
//   FADT  pc: revision 1 (116 bytes); q35: revision 3 (244 bytes, X_ fields, the reset register
//         0xcf9 / value 0x0f, IAPC_BOOT_ARCH 8042). SCI_INT, SMI_CMD with ACPI_ENABLE/DISABLE,
//         PM1a_EVT (4 bytes) at pm_base, PM1a_CNT (2) at +4, PM_TMR (4) at +8, GPE0, fixed power
//         button, sleep button as a control method, RTC century index 0x32.
//   MADT  local APIC address 0xfee00000 with PC-AT compatibility; one enabled local APIC per CPU
//         (processor id = APIC id = index), the IOAPIC at 0xfec00000 with GSI base 0, interrupt
//         source overrides IRQ0 -> GSI2 and IRQ 5, 9, 10, 11 level/active high (the PCI and SCI
//         interrupts), a local APIC NMI on LINT1 of every processor.
//   MCFG  (q35) the ECAM window, segment 0, buses 0 to ecam_size / 1 MiB - 1.
//   DSDT  (core/lib/acpi_x86_dsdt.cpp) \_SB.PCI0 with _CRS (buses, I/O 0-0xcf7 and 0xd00-0xffff, the
//         VGA window, the 32-bit and 64-bit MMIO windows), _PRT for slots 0-31 with the PCI
//         interrupt link devices the chipset's PIRQ route registers back, the ISA devices (RTC,
//         keyboard and mouse, COM1), the processors, \_S5 and the fw_cfg device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace emu {
class AddressSpace;
class FwCfg;
using Addr = std::uint64_t;
}

namespace emu::acpi {

using Bytes = std::vector<std::uint8_t>;

// ---- Tables ----------------------------------------------------------------------------------
constexpr std::size_t kHeaderSize = 36;
constexpr std::size_t kRsdpSize = 20;           // ACPI 1.0 RSDP (revision 0)
constexpr char kOemId[] = "BOCHS ";             // QEMU's ids, which guests' quirk lists know
constexpr char kOemTableId[] = "BXPC    ";
constexpr char kCreatorId[] = "BXPC";

// The byte that makes bytes sum to zero (modulo 256) when it is added to them.
std::uint8_t checksum(std::span<const std::uint8_t> bytes);
// Append the 36-byte header of a table (length and checksum 0, filled in by finish_table).
void append_header(Bytes& blob, std::string_view signature, std::uint8_t revision);
// Set the length of the table at start (from there to the end of blob) and its checksum.
void finish_table(Bytes& blob, std::size_t start);

// ---- The BIOS linker/loader ("etc/table-loader") ---------------------------------------------
class TableLoader {
public:
    static constexpr std::size_t kCommandSize = 128;
    static constexpr std::size_t kFileNameSize = 56;   // fw_cfg's file name size, NUL included
    enum Command : std::uint32_t { kAllocate = 1, kAddPointer = 2, kAddChecksum = 3, kWritePointer = 4 };
    enum class Zone : std::uint8_t { High = 1, FSeg = 2 };  // above 1 MiB / the F-segment

    // Place a whole file in guest memory, aligned to align (a power of 2).
    void allocate(std::string_view file, std::uint32_t align, Zone zone);
    // Add the address of src_file to the size-byte (1, 2, 4, 8) little-endian value at offset
    // in dest_file (which holds an offset into src_file).
    void add_pointer(std::string_view dest_file, std::uint32_t offset, std::uint8_t size,
                     std::string_view src_file);
    // Make the bytes [start, start + length) of file sum to zero by adjusting the byte at offset.
    void add_checksum(std::string_view file, std::uint32_t offset, std::uint32_t start, std::uint32_t length);

    const Bytes& bytes() const { return commands_; }

private:
    Bytes& begin(Command command);
    Bytes commands_;
};

// ---- x86 boards --------------------------------------------------------------------------------
enum class Chipset {
    Piix,   // pc: i440FX host bridge, PIIX3 ISA bridge at 00:01.0, PIIX4 power management
    Ich9,   // q35: MCH host bridge, ICH9 LPC bridge at 00:1f.0 (with its power management)
};

struct X86AcpiConfig {
    Chipset chipset = Chipset::Piix;
    unsigned cpus = 1;                      // local APIC ids 0..cpus-1, all present (1..255)
    std::uint16_t pm_base = 0x600;          // PMBASE, as SeaBIOS programs it: PM1a_EVT; CNT +4, TMR +8
    std::uint8_t sci_irq = 9;               // the SCI's ISA IRQ
    // SMI command port and the values that switch ACPI on and off (QEMU: the APM control port).
    // 0: none; the hardware is always in ACPI mode and the PM block must start with SCI_EN set.
    std::uint16_t smi_cmd = 0xb2;
    std::uint8_t acpi_enable = 0xf1, acpi_disable = 0xf0;
    // GPE0 block: 0 = the chipset's (PIIX4: 4 bytes at 0xafe0; ICH9: 16 bytes at pm_base + 0x20).
    std::uint16_t gpe0_base = 0;
    std::uint8_t gpe0_length = 0;
    // PCI memory windows of the host bridge, [start, end): the 32-bit hole (from the top of RAM
    // below 4 GiB to the IOAPIC) and, if end > start, a 64-bit window. The ECAM window is cut out
    // of the 32-bit one.
    std::uint64_t mmio32_start = 0, mmio32_end = 0;
    std::uint64_t mmio64_start = 0, mmio64_end = 0;
    // PCIe ECAM (q35: MCFG and a reservation in the DSDT); size 0 = none. 1 MiB per bus.
    std::uint64_t ecam_base = 0, ecam_size = 0;
    std::uint8_t ioapic_id = 0;             // QEMU's MADT says 0
    std::uint16_t fw_cfg_port = 0x510;      // the fw_cfg I/O ports (QEMU0002 device); 0 = none
    unsigned serial_ports = 1;              // COM1 (0x3f8, IRQ 4) and COM2 (0x2f8, IRQ 3): 0 to 2
    std::uint8_t reset_value = 0x0f;        // q35's FADT reset register (0xcf9): full reset
};

struct AcpiBlobs {
    Bytes tables;  // etc/acpi/tables
    Bytes rsdp;    // etc/acpi/rsdp
    Bytes loader;  // etc/table-loader
};

// The file names QEMU uses.
constexpr char kTablesFile[] = "etc/acpi/tables";
constexpr char kRsdpFile[] = "etc/acpi/rsdp";
constexpr char kLoaderFile[] = "etc/table-loader";

// Build every table. Throws emu::Error for a configuration the tables cannot describe (no CPU,
// more than 255, a window that does not fit its descriptor).
AcpiBlobs build_x86_acpi(const X86AcpiConfig& config);
// Just the DSDT (a complete table with its header and checksum), for tests and tools.
Bytes build_x86_dsdt(const X86AcpiConfig& config);
// Add the three files to fw_cfg, as QEMU's acpi_setup does.
void install(FwCfg& fw_cfg, AcpiBlobs blobs);
// For a kernel booted without firmware: do what the firmware does with the loader, placing both
// zones' files in guest RAM [base, base + size) (which the board's e820 must keep from the OS,
// as ACPI data), and return the RSDP's address for the boot protocol to pass on. Throws Error if
// they do not fit or the loader is malformed.
Addr place_tables(AddressSpace& memory, const AcpiBlobs& blobs, Addr base, Addr size);

// The PCI interrupt link ("LNKx", 0 = A) that INTx pin (0 = INTA) of a device in slot reaches, as
// the DSDT's _PRT says: a board routes its INTx lines to the PIRQ inputs the same way.
//   Piix: PIRQ (slot + pin - 1) & 3 (QEMU's i440FX swizzle; 00:01.x INTA is reported as the SCI).
//   Ich9: slots 0-0x17 PIRQ E + ((slot + pin) & 3); 0x18 and 0x1e E + pin; 0x19-0x1d and 0x1f
//         A + pin (the ICH9 functions' D<N>IR defaults QEMU keeps).
unsigned pci_link(Chipset chipset, unsigned slot, unsigned pin);

}  // namespace emu::acpi
