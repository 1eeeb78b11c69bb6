// The fixed ACPI tables of the x86 boards (FACS, FADT, MADT, MCFG, RSDT, RSDP), their loader
// commands and the fw_cfg files (sdk/include/emu/acpi.h). Layouts: ACPI 6.4 §5.2; the values
// are those of QEMU 7.2's pc and q35 tables.
#include <string>

#include "emu/acpi.h"
#include "emu/error.h"
#include "emu/fw_cfg.h"

namespace emu::acpi {

namespace {

using u8 = std::uint8_t;

constexpr std::uint32_t kLocalApicBase = 0xfee00000;
constexpr std::uint32_t kIoApicBase = 0xfec00000;
constexpr u8 kRtcCenturyIndex = 0x32;
constexpr std::uint16_t kResetPort = 0xcf9;

// FADT flags (ACPI 6.4 Table 5.10).
constexpr std::uint32_t kFadtWbinvd = 1u << 0, kFadtProcC1 = 1u << 2, kFadtSleepButton = 1u << 5,
                        kFadtRtcS4 = 1u << 7, kFadtResetRegister = 1u << 10,
                        kFadtPlatformClock = 1u << 15, kFadtApicCluster = 1u << 18;
constexpr std::uint16_t kBootArch8042 = 1u << 1;
// Generic address structure space ids.
constexpr u8 kSystemIo = 1;
// MADT entry types and flags.
constexpr u8 kMadtLocalApic = 0, kMadtIoApic = 1, kMadtSourceOverride = 2, kMadtLocalNmi = 4;
constexpr std::uint16_t kMpsActiveHighLevel = 0x0d;  // polarity 01 (high), trigger 11 (level)
constexpr unsigned kPciIrqs[] = {5, 9, 10, 11};      // QEMU's ACPI_BUILD_PCI_IRQS

class Writer {
public:
    explicit Writer(Bytes& blob) : blob_(blob) {}
    void u8_(std::uint64_t v) { put(v, 1); }
    void u16_(std::uint64_t v) { put(v, 2); }
    void u32_(std::uint64_t v) { put(v, 4); }
    void u64_(std::uint64_t v) { put(v, 8); }
    void zeros(std::size_t n) { blob_.insert(blob_.end(), n, 0); }
    void text(std::string_view s) { blob_.insert(blob_.end(), s.begin(), s.end()); }
    // Generic address structure: an I/O port block of `bytes` bytes (none if port is 0).
    void gas_io(std::uint64_t port, unsigned bytes) {
        if (port == 0) return zeros(12);
        u8_(kSystemIo);
        u8_(bytes * 8);
        u8_(0);
        u8_(0);  // access size: undefined (legacy), as QEMU
        u64_(port);
    }
    std::size_t offset() const { return blob_.size(); }

private:
    void put(std::uint64_t v, unsigned size) {
        for (unsigned i = 0; i < size; ++i) blob_.push_back(static_cast<u8>(v >> (8 * i)));
    }
    Bytes& blob_;
};

struct Gpe0 {
    std::uint16_t base;
    std::uint8_t length;
};

Gpe0 gpe0_of(const X86AcpiConfig& c) {
    if (c.gpe0_base != 0) return {c.gpe0_base, c.gpe0_length ? c.gpe0_length : std::uint8_t{4}};
    if (c.chipset == Chipset::Piix) return {0xafe0, 4};
    return {static_cast<std::uint16_t>(c.pm_base + 0x20), 16};
}

void check(const X86AcpiConfig& c) {
    if (c.cpus == 0 || c.cpus > 255) throw Error("ACPI: " + std::to_string(c.cpus) + " CPUs cannot be described (1 to 255)");
    if (c.sci_irq > 15) throw Error("ACPI: SCI IRQ " + std::to_string(c.sci_irq) + " is not an ISA IRQ");
    if (c.mmio32_end > (1ull << 32) || c.mmio32_start > c.mmio32_end)
        throw Error("ACPI: the 32-bit PCI window must lie below 4 GiB");
    if (c.mmio64_start > c.mmio64_end) throw Error("ACPI: the 64-bit PCI window ends before it starts");
    if (c.ecam_size != 0 && (c.ecam_size % (1u << 20) != 0 || c.ecam_size > (256u << 20)))
        throw Error("ACPI: the ECAM window must be 1 to 256 MiB, a whole number of MiB");
}

// ---- Tables -------------------------------------------------------------------------------------

void build_facs(Bytes& blob) {
    Writer w(blob);
    w.text("FACS");
    w.u32_(64);
    w.zeros(56);
}

// FADT (ACPI 6.4 §5.2.9). firmware_ctrl and the DSDT pointers hold offsets into the tables file;
// the loader turns them into addresses.
void build_fadt(Bytes& blob, TableLoader& loader, const X86AcpiConfig& c, std::size_t facs, std::size_t dsdt) {
    const bool q35 = c.chipset == Chipset::Ich9;
    const Gpe0 gpe0 = gpe0_of(c);
    const std::size_t start = blob.size();
    append_header(blob, "FACP", q35 ? 3 : 1);
    Writer w(blob);
    const auto firmware_ctrl = w.offset();
    w.u32_(facs);
    const auto dsdt_pointer = w.offset();
    w.u32_(dsdt);
    w.u8_(1);                    // INT_MODEL (ACPI 1.0): dual PIC/APIC, as QEMU
    w.u8_(0);                    // preferred PM profile: unspecified
    w.u16_(c.sci_irq);
    w.u32_(c.smi_cmd);
    w.u8_(c.smi_cmd ? c.acpi_enable : 0);
    w.u8_(c.smi_cmd ? c.acpi_disable : 0);
    w.u8_(0);                    // S4BIOS_REQ
    w.u8_(0);                    // PSTATE_CNT
    w.u32_(c.pm_base);           // PM1a_EVT_BLK
    w.u32_(0);
    w.u32_(c.pm_base + 4u);      // PM1a_CNT_BLK
    w.u32_(0);
    w.u32_(0);                   // PM2_CNT_BLK
    w.u32_(c.pm_base + 8u);      // PM_TMR_BLK
    w.u32_(gpe0.base);
    w.u32_(0);                   // GPE1_BLK
    w.u8_(4);                    // PM1_EVT_LEN
    w.u8_(2);                    // PM1_CNT_LEN
    w.u8_(0);                    // PM2_CNT_LEN
    w.u8_(4);                    // PM_TMR_LEN
    w.u8_(gpe0.length);
    w.u8_(0);                    // GPE1_BLK_LEN
    w.u8_(0);                    // GPE1_BASE
    w.u8_(0);                    // CST_CNT
    w.u16_(0xfff);               // P_LVL2_LAT: no C2
    w.u16_(0xfff);               // P_LVL3_LAT: no C3
    w.u16_(0);                   // FLUSH_SIZE
    w.u16_(0);                   // FLUSH_STRIDE
    w.u8_(0);                    // DUTY_OFFSET
    w.u8_(0);                    // DUTY_WIDTH
    w.u8_(0);                    // DAY_ALRM
    w.u8_(0);                    // MON_ALRM
    w.u8_(kRtcCenturyIndex);
    w.u16_(q35 ? kBootArch8042 : 0);  // IAPC_BOOT_ARCH (reserved in revision 1)
    w.u8_(0);
    std::uint32_t flags = kFadtWbinvd | kFadtProcC1 | kFadtSleepButton | kFadtRtcS4 | kFadtPlatformClock;
    if (q35) flags |= kFadtResetRegister;
    if (c.cpus > 8) flags |= kFadtApicCluster;  // flat logical destination mode has 8 CPUs at most
    w.u32_(flags);
    std::size_t x_dsdt = 0;
    if (q35) {
        w.gas_io(kResetPort, 1);
        w.u8_(c.reset_value);
        w.u16_(0);               // ARM_BOOT_ARCH
        w.u8_(0);                // FADT minor version
        w.u64_(0);               // X_FIRMWARE_CTRL: FIRMWARE_CTRL is used (below 4 GiB), as QEMU
        x_dsdt = w.offset();
        w.u64_(dsdt);
        w.gas_io(c.pm_base, 4);       // X_PM1a_EVT_BLK
        w.gas_io(0, 0);
        w.gas_io(c.pm_base + 4u, 2);  // X_PM1a_CNT_BLK
        w.gas_io(0, 0);
        w.gas_io(0, 0);               // X_PM2_CNT_BLK
        w.gas_io(c.pm_base + 8u, 4);  // X_PM_TMR_BLK
        w.gas_io(gpe0.base, gpe0.length);
        w.gas_io(0, 0);               // X_GPE1_BLK
    }
    finish_table(blob, start);
    loader.add_pointer(kTablesFile, static_cast<std::uint32_t>(firmware_ctrl), 4, kTablesFile);
    loader.add_pointer(kTablesFile, static_cast<std::uint32_t>(dsdt_pointer), 4, kTablesFile);
    if (x_dsdt) loader.add_pointer(kTablesFile, static_cast<std::uint32_t>(x_dsdt), 8, kTablesFile);
}

// MADT (ACPI 6.4 §5.2.12).
void build_madt(Bytes& blob, const X86AcpiConfig& c) {
    const std::size_t start = blob.size();
    append_header(blob, "APIC", 1);
    Writer w(blob);
    w.u32_(kLocalApicBase);
    w.u32_(1);                   // PCAT_COMPAT: the 8259s are there too
    for (unsigned i = 0; i < c.cpus; ++i) {
        w.u8_(kMadtLocalApic);
        w.u8_(8);
        w.u8_(i);                // ACPI processor UID (the processor objects' _UID)
        w.u8_(i);                // APIC id
        w.u32_(1);               // enabled
    }
    w.u8_(kMadtIoApic);
    w.u8_(12);
    w.u8_(c.ioapic_id);
    w.u8_(0);
    w.u32_(kIoApicBase);
    w.u32_(0);                   // GSI base
    // IRQ0 (the PIT) is wired to IOAPIC pin 2; conforming polarity and trigger.
    w.u8_(kMadtSourceOverride);
    w.u8_(10);
    w.u8_(0);                    // ISA
    w.u8_(0);
    w.u32_(2);
    w.u16_(0);
    for (unsigned irq : kPciIrqs) {
        w.u8_(kMadtSourceOverride);
        w.u8_(10);
        w.u8_(0);
        w.u8_(irq);
        w.u32_(irq);
        w.u16_(kMpsActiveHighLevel);
    }
    w.u8_(kMadtLocalNmi);
    w.u8_(6);
    w.u8_(0xff);                 // every processor
    w.u16_(0);
    w.u8_(1);                    // LINT1
    finish_table(blob, start);
}

// MCFG (PCI Firmware Specification 3.0 §4.1.2).
void build_mcfg(Bytes& blob, const X86AcpiConfig& c) {
    const std::size_t start = blob.size();
    append_header(blob, "MCFG", 1);
    Writer w(blob);
    w.u64_(0);
    w.u64_(c.ecam_base);
    w.u16_(0);                   // segment
    w.u8_(0);                    // first bus
    w.u8_(c.ecam_size / (1u << 20) - 1);
    w.u32_(0);
    finish_table(blob, start);
}

void build_rsdt(Bytes& blob, TableLoader& loader, const std::vector<std::size_t>& tables) {
    const std::size_t start = blob.size();
    append_header(blob, "RSDT", 1);
    Writer w(blob);
    for (auto table : tables) {
        loader.add_pointer(kTablesFile, static_cast<std::uint32_t>(w.offset()), 4, kTablesFile);
        w.u32_(table);
    }
    finish_table(blob, start);
}

Bytes build_rsdp(TableLoader& loader, std::size_t rsdt) {
    Bytes rsdp;
    Writer w(rsdp);
    w.text("RSD PTR ");
    w.u8_(0);                    // checksum
    w.text(std::string_view(kOemId, 6));
    w.u8_(0);                    // revision 0: ACPI 1.0, 20 bytes
    w.u32_(rsdt);
    rsdp[8] = checksum(rsdp);
    loader.allocate(kRsdpFile, 16, TableLoader::Zone::FSeg);
    loader.add_pointer(kRsdpFile, 16, 4, kTablesFile);
    loader.add_checksum(kRsdpFile, 8, 0, kRsdpSize);
    return rsdp;
}

// Add the checksum command of the table at start (its length is in its header).
void checksum_command(TableLoader& loader, const Bytes& blob, std::size_t start) {
    std::uint32_t length = blob[start + 4] | (std::uint32_t{blob[start + 5]} << 8) |
                           (std::uint32_t{blob[start + 6]} << 16) | (std::uint32_t{blob[start + 7]} << 24);
    loader.add_checksum(kTablesFile, static_cast<std::uint32_t>(start + 9), static_cast<std::uint32_t>(start),
                        length);
}

}  // namespace

AcpiBlobs build_x86_acpi(const X86AcpiConfig& config) {
    check(config);
    AcpiBlobs out;
    TableLoader loader;
    Bytes& blob = out.tables;
    // The FACS must be 64-byte aligned: it goes first in a 64-byte aligned allocation.
    loader.allocate(kTablesFile, 64, TableLoader::Zone::High);
    const std::size_t facs = blob.size();
    build_facs(blob);

    const std::size_t dsdt = blob.size();
    Bytes dsdt_table = build_x86_dsdt(config);
    blob.insert(blob.end(), dsdt_table.begin(), dsdt_table.end());
    checksum_command(loader, blob, dsdt);

    std::vector<std::size_t> tables;
    tables.push_back(blob.size());
    build_fadt(blob, loader, config, facs, dsdt);
    checksum_command(loader, blob, tables.back());

    tables.push_back(blob.size());
    build_madt(blob, config);
    checksum_command(loader, blob, tables.back());

    if (config.ecam_size) {
        tables.push_back(blob.size());
        build_mcfg(blob, config);
        checksum_command(loader, blob, tables.back());
    }

    const std::size_t rsdt = blob.size();
    build_rsdt(blob, loader, tables);
    checksum_command(loader, blob, rsdt);

    out.rsdp = build_rsdp(loader, rsdt);
    out.loader = loader.bytes();
    // QEMU pads the command file to 4 KiB; a zero command is one the firmware skips.
    out.loader.resize((out.loader.size() + 4095) / 4096 * 4096, 0);
    return out;
}

void install(FwCfg& fw_cfg, AcpiBlobs blobs) {
    fw_cfg.add_file(kTablesFile, std::move(blobs.tables));
    fw_cfg.add_file(kRsdpFile, std::move(blobs.rsdp));
    fw_cfg.add_file(kLoaderFile, std::move(blobs.loader));
}

unsigned pci_link(Chipset chipset, unsigned slot, unsigned pin) {
    slot &= 31;
    pin &= 3;
    if (chipset == Chipset::Piix) return (slot + pin + 3) & 3;
    if (slot <= 0x18) return 4 + ((slot + pin) & 3);
    if (slot == 0x1e) return 4 + pin;
    return pin;
}

}  // namespace emu::acpi
