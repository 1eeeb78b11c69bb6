// The x86 ACPI tables as the firmware sees them: the loader commands run as SeaBIOS runs them,
// then every checksum, pointer and field of RSDP, RSDT, FADT, FACS, MADT and MCFG, for pc and q35.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "emu/acpi.h"
#include "emu/error.h"
#include "emu/fw_cfg.h"
#include "loader_sim.h"

namespace {

using acpi_test::Bytes;
using acpi_test::le;
using emu::acpi::Chipset;
using emu::acpi::X86AcpiConfig;

X86AcpiConfig pc_config() {
    return {.chipset = Chipset::Piix, .cpus = 2, .mmio32_start = 0x20000000, .mmio32_end = 0xfec00000,
            .mmio64_start = 0x100000000, .mmio64_end = 0x180000000};
}

X86AcpiConfig q35_config() {
    return {.chipset = Chipset::Ich9, .cpus = 4, .mmio32_start = 0x20000000, .mmio32_end = 0xfec00000,
            .ecam_base = 0xb0000000, .ecam_size = 0x10000000};
}

std::uint8_t sum(const Bytes& b) { return acpi_test::sum8(b.data(), b.size()); }

TEST(AcpiLoader, CommandsAreWhatSeaBiosExpects) {
    const auto blobs = emu::acpi::build_x86_acpi(pc_config());
    ASSERT_EQ(blobs.loader.size() % 4096, 0u);  // padded like QEMU's
    // The tables are allocated first (64-byte aligned, high memory), the RSDP later in the F-segment.
    EXPECT_EQ(le(blobs.loader, 0, 4), emu::acpi::TableLoader::kAllocate);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(&blobs.loader[4])), "etc/acpi/tables");
    EXPECT_EQ(le(blobs.loader, 60, 4), 64u);
    EXPECT_EQ(blobs.loader[64], 1);
    acpi_test::LoaderSim sim;
    ASSERT_TRUE(sim.run({{"etc/acpi/tables", blobs.tables}, {"etc/acpi/rsdp", blobs.rsdp}}, blobs.loader)) << sim.error;
    EXPECT_EQ(sim.allocations, 2u);
    EXPECT_EQ(sim.placed["etc/acpi/rsdp"].address % 16, 0u);
    EXPECT_LT(sim.placed["etc/acpi/rsdp"].address, 0x100000u);
    // FACS and DSDT from the FADT, two RSDT entries, the RSDT from the RSDP.
    EXPECT_EQ(sim.pointers, 5u);
    EXPECT_EQ(sim.checksums, 5u);  // DSDT, FADT, MADT, RSDT, RSDP
}

TEST(AcpiLoader, CommandEncoding) {
    emu::acpi::TableLoader loader;
    loader.add_pointer("etc/acpi/rsdp", 16, 4, "etc/acpi/tables");
    loader.add_checksum("etc/acpi/tables", 9, 0x40, 0x1234);
    const Bytes& b = loader.bytes();
    ASSERT_EQ(b.size(), 256u);
    EXPECT_EQ(le(b, 0, 4), 2u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(&b[4])), "etc/acpi/rsdp");
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(&b[60])), "etc/acpi/tables");
    EXPECT_EQ(le(b, 116, 4), 16u);
    EXPECT_EQ(b[120], 4);
    EXPECT_EQ(le(b, 128, 4), 3u);
    EXPECT_EQ(le(b, 128 + 60, 4), 9u);
    EXPECT_EQ(le(b, 128 + 64, 4), 0x40u);
    EXPECT_EQ(le(b, 128 + 68, 4), 0x1234u);
    EXPECT_THROW(loader.add_pointer("x", 0, 3, "y"), emu::Error);
    EXPECT_THROW(loader.allocate(std::string(56, 'a'), 16, emu::acpi::TableLoader::Zone::High), emu::Error);
    EXPECT_THROW(loader.allocate("x", 12, emu::acpi::TableLoader::Zone::High), emu::Error);
}

class AcpiTables : public ::testing::TestWithParam<Chipset> {
protected:
    X86AcpiConfig config() const { return GetParam() == Chipset::Piix ? pc_config() : q35_config(); }
};

TEST_P(AcpiTables, EveryTableChecksumsAndIsReachable) {
    auto loaded = acpi_test::load(emu::acpi::build_x86_acpi(config()));
    const Bytes& rsdp = loaded.tables["RSDP"];
    ASSERT_EQ(rsdp.size(), 20u);
    EXPECT_EQ(std::string(rsdp.begin(), rsdp.begin() + 8), "RSD PTR ");
    EXPECT_EQ(sum(rsdp), 0);
    EXPECT_EQ(rsdp[15], 0);  // revision 0: ACPI 1.0
    EXPECT_EQ(std::string(rsdp.begin() + 9, rsdp.begin() + 15), "BOCHS ");
    std::vector<std::string> expected{"RSDT", "FACP", "APIC", "DSDT"};
    if (GetParam() == Chipset::Ich9) expected.push_back("MCFG");
    for (const auto& sig : expected) {
        const Bytes& t = loaded.tables[sig];
        ASSERT_GE(t.size(), 36u) << sig;
        EXPECT_EQ(std::string(t.begin(), t.begin() + 4), sig);
        EXPECT_EQ(sum(t), 0) << sig;
        EXPECT_EQ(std::string(t.begin() + 10, t.begin() + 16), "BOCHS ") << sig;
        EXPECT_EQ(std::string(t.begin() + 16, t.begin() + 24), "BXPC    ") << sig;
    }
    EXPECT_EQ(loaded.tables["RSDT"].size(), 36u + 4 * (expected.size() - 2));
    EXPECT_EQ(loaded.tables.count("MCFG"), GetParam() == Chipset::Ich9 ? 1u : 0u);
    const Bytes& facs = loaded.tables["FACS"];
    ASSERT_EQ(facs.size(), 64u);
    EXPECT_EQ(std::string(facs.begin(), facs.begin() + 4), "FACS");
    EXPECT_EQ(le(facs, 4, 4), 64u);
    EXPECT_EQ(loaded.addresses["FACS"] % 64, 0u);
}

TEST_P(AcpiTables, Fadt) {
    const bool q35 = GetParam() == Chipset::Ich9;
    auto loaded = acpi_test::load(emu::acpi::build_x86_acpi(config()));
    const Bytes& f = loaded.tables["FACP"];
    ASSERT_EQ(f.size(), q35 ? 244u : 116u);
    EXPECT_EQ(f[8], q35 ? 3 : 1);
    EXPECT_EQ(le(f, 46, 2), 9u);          // SCI_INT
    EXPECT_EQ(le(f, 48, 4), 0xb2u);       // SMI_CMD
    EXPECT_EQ(f[52], 0xf1);               // ACPI_ENABLE
    EXPECT_EQ(f[53], 0xf0);               // ACPI_DISABLE
    EXPECT_EQ(le(f, 56, 4), 0x600u);      // PM1a_EVT_BLK
    EXPECT_EQ(le(f, 64, 4), 0x604u);      // PM1a_CNT_BLK
    EXPECT_EQ(le(f, 76, 4), 0x608u);      // PM_TMR_BLK
    EXPECT_EQ(le(f, 80, 4), q35 ? 0x620u : 0xafe0u);  // GPE0_BLK
    EXPECT_EQ(f[88], 4);                  // PM1_EVT_LEN
    EXPECT_EQ(f[89], 2);                  // PM1_CNT_LEN
    EXPECT_EQ(f[91], 4);                  // PM_TMR_LEN
    EXPECT_EQ(f[92], q35 ? 16 : 4);       // GPE0_BLK_LEN
    EXPECT_EQ(f[108], 0x32);              // RTC century
    EXPECT_EQ(le(f, 112, 4), q35 ? 0x84a5u : 0x80a5u);  // flags, as QEMU 7.2's
    if (q35) {
        EXPECT_EQ(le(f, 109, 2), 2u);     // IAPC_BOOT_ARCH: 8042
        EXPECT_EQ(f[116], 1);             // reset register: system I/O
        EXPECT_EQ(f[117], 8);
        EXPECT_EQ(le(f, 120, 8), 0xcf9u);
        EXPECT_EQ(f[128], 0x0f);
        EXPECT_EQ(le(f, 140, 8), loaded.addresses["DSDT"]);  // X_DSDT
        EXPECT_EQ(le(f, 152, 8), 0x600u);  // X_PM1a_EVT_BLK
        EXPECT_EQ(f[149], 32);
        EXPECT_EQ(le(f, 176, 8), 0x604u);  // X_PM1a_CNT_BLK
        EXPECT_EQ(f[173], 16);
        EXPECT_EQ(le(f, 212, 8), 0x608u);  // X_PM_TMR_BLK
        EXPECT_EQ(le(f, 224, 8), 0x620u);  // X_GPE0_BLK
        EXPECT_EQ(f[221], 128);
    }
}

TEST(AcpiTablesConfig, NoSmiCommandPortMeansAlwaysAcpi) {
    auto c = pc_config();
    c.smi_cmd = 0;
    auto loaded = acpi_test::load(emu::acpi::build_x86_acpi(c));
    const Bytes& f = loaded.tables["FACP"];
    EXPECT_EQ(le(f, 48, 4), 0u);
    EXPECT_EQ(f[52], 0);
    EXPECT_EQ(f[53], 0);
}

TEST_P(AcpiTables, Madt) {
    auto c = config();
    auto loaded = acpi_test::load(emu::acpi::build_x86_acpi(c));
    const Bytes& m = loaded.tables["APIC"];
    ASSERT_EQ(m.size(), 44u + 8 * c.cpus + 12 + 5 * 10 + 6);
    EXPECT_EQ(le(m, 36, 4), 0xfee00000u);
    EXPECT_EQ(le(m, 40, 4), 1u);  // PC-AT compatible
    std::size_t at = 44;
    for (unsigned i = 0; i < c.cpus; ++i, at += 8) {
        EXPECT_EQ(m[at], 0);
        EXPECT_EQ(m[at + 1], 8);
        EXPECT_EQ(m[at + 2], i);  // processor UID
        EXPECT_EQ(m[at + 3], i);  // APIC id
        EXPECT_EQ(le(m, at + 4, 4), 1u);
    }
    EXPECT_EQ(m[at], 1);
    EXPECT_EQ(m[at + 1], 12);
    EXPECT_EQ(m[at + 2], 0);  // IOAPIC id, as QEMU's MADT
    EXPECT_EQ(le(m, at + 4, 4), 0xfec00000u);
    EXPECT_EQ(le(m, at + 8, 4), 0u);
    at += 12;
    const unsigned sources[] = {0, 5, 9, 10, 11}, gsis[] = {2, 5, 9, 10, 11}, flags[] = {0, 0xd, 0xd, 0xd, 0xd};
    for (int i = 0; i < 5; ++i, at += 10) {
        EXPECT_EQ(m[at], 2);
        EXPECT_EQ(m[at + 1], 10);
        EXPECT_EQ(m[at + 2], 0);
        EXPECT_EQ(m[at + 3], sources[i]);
        EXPECT_EQ(le(m, at + 4, 4), gsis[i]);
        EXPECT_EQ(le(m, at + 8, 2), flags[i]);
    }
    EXPECT_EQ(m[at], 4);
    EXPECT_EQ(m[at + 1], 6);
    EXPECT_EQ(m[at + 2], 0xff);
    EXPECT_EQ(le(m, at + 3, 2), 0u);
    EXPECT_EQ(m[at + 5], 1);  // LINT1
}

TEST(AcpiTablesConfig, McfgDescribesTheEcamWindow) {
    auto loaded = acpi_test::load(emu::acpi::build_x86_acpi(q35_config()));
    const Bytes& m = loaded.tables["MCFG"];
    ASSERT_EQ(m.size(), 60u);
    EXPECT_EQ(le(m, 44, 8), 0xb0000000u);
    EXPECT_EQ(le(m, 52, 2), 0u);
    EXPECT_EQ(m[54], 0);
    EXPECT_EQ(m[55], 0xff);
    auto small = q35_config();
    small.ecam_size = 64 << 20;
    EXPECT_EQ(acpi_test::load(emu::acpi::build_x86_acpi(small)).tables["MCFG"][55], 63);
}

TEST(AcpiTablesConfig, ManyCpusUseTheClusterModel) {
    auto c = pc_config();
    c.cpus = 9;
    auto loaded = acpi_test::load(emu::acpi::build_x86_acpi(c));
    EXPECT_TRUE(le(loaded.tables["FACP"], 112, 4) & (1u << 18));
    EXPECT_EQ(loaded.tables["APIC"].size(), 44u + 8 * 9 + 12 + 50 + 6);
}

TEST(AcpiTablesConfig, BadConfigurationsAreRefused) {
    auto c = pc_config();
    c.cpus = 0;
    EXPECT_THROW(emu::acpi::build_x86_acpi(c), emu::Error);
    c.cpus = 256;
    EXPECT_THROW(emu::acpi::build_x86_acpi(c), emu::Error);
    c = pc_config();
    c.mmio32_end = 0x100001000;
    EXPECT_THROW(emu::acpi::build_x86_acpi(c), emu::Error);
    c = q35_config();
    c.ecam_size = 0x1800;
    EXPECT_THROW(emu::acpi::build_x86_acpi(c), emu::Error);
}

TEST_P(AcpiTables, DsdtStandsAlone) {
    const Bytes dsdt = emu::acpi::build_x86_dsdt(config());
    ASSERT_GT(dsdt.size(), 36u);
    EXPECT_EQ(std::string(dsdt.begin(), dsdt.begin() + 4), "DSDT");
    EXPECT_EQ(le(dsdt, 4, 4), dsdt.size());
    EXPECT_EQ(dsdt[8], 1);  // 32-bit integers, as QEMU's
    EXPECT_EQ(sum(dsdt), 0);
}

INSTANTIATE_TEST_SUITE_P(Chipsets, AcpiTables, ::testing::Values(Chipset::Piix, Chipset::Ich9),
                         [](const auto& param_info) { return param_info.param == Chipset::Piix ? "pc" : "q35"; });

// A fw_cfg that records files, to see what install() adds.
class RecordingFwCfg final : public emu::FwCfg {
public:
    void add_bytes(std::uint16_t key, std::vector<std::uint8_t> data) override { items[key] = std::move(data); }
    void add_file(const std::string& name, std::vector<std::uint8_t> data) override { files[name] = std::move(data); }
    void add_file_writable(const std::string& name, std::vector<std::uint8_t> data, WriteCallback) override {
        files[name] = std::move(data);
    }
    const std::vector<std::uint8_t>* find_file(std::string_view name) const override {
        auto it = files.find(std::string(name));
        return it == files.end() ? nullptr : &it->second;
    }
    std::uint16_t file_key(std::string_view) const override { return 0; }
    std::map<std::uint16_t, Bytes> items;
    std::map<std::string, Bytes> files;
};

TEST(AcpiInstall, AddsTheThreeFilesQemuAdds) {
    RecordingFwCfg fw;
    const auto blobs = emu::acpi::build_x86_acpi(q35_config());
    emu::acpi::install(fw, blobs);
    ASSERT_EQ(fw.files.size(), 3u);
    EXPECT_EQ(fw.files["etc/acpi/tables"], blobs.tables);
    EXPECT_EQ(fw.files["etc/acpi/rsdp"], blobs.rsdp);
    EXPECT_EQ(fw.files["etc/table-loader"], blobs.loader);
    EXPECT_TRUE(fw.items.empty());
}

}  // namespace
