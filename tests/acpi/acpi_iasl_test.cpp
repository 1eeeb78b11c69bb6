// The tables through ACPICA's iasl, the reference implementation of the ACPI specification: each
// loaded table (after the loader commands ran, as the guest sees them) must disassemble without
// errors, the disassembled DSDT must compile again without errors, and its _PRT must route every
// slot and pin the way pci_link() (and so the board) does. Skipped when iasl is not installed
// (Debian: acpica-tools); EMU_ACPI_DUMP_DIR=dir keeps the files for a look.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "emu/acpi.h"
#include "loader_sim.h"

namespace {

namespace fs = std::filesystem;
using acpi_test::Bytes;
using emu::acpi::Chipset;

std::string find_iasl() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        fs::path candidate = fs::path(dir) / "iasl";
        if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

struct CommandResult {
    int status = -1;
    std::string output;
};

CommandResult run(const std::string& command) {
    CommandResult r;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.output.append(buffer, n);
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class AcpiIasl : public ::testing::TestWithParam<Chipset> {
protected:
    void SetUp() override {
        iasl_ = find_iasl();
        if (iasl_.empty()) GTEST_SKIP() << "iasl is not installed (Debian package acpica-tools)";
        const char* keep = std::getenv("EMU_ACPI_DUMP_DIR");
        const std::string chipset = GetParam() == Chipset::Piix ? "pc" : "q35";
        if (keep && *keep) {
            dir_ = fs::path(keep) / chipset;
            fs::create_directories(dir_);
        } else {
            char pattern[] = "/tmp/emu-acpi-XXXXXX";
            ASSERT_NE(mkdtemp(pattern), nullptr);
            dir_ = pattern;
            remove_ = true;
        }
    }
    void TearDown() override {
        if (remove_) fs::remove_all(dir_);
    }

    emu::acpi::X86AcpiConfig config() const {
        if (GetParam() == Chipset::Piix)
            return {.chipset = Chipset::Piix, .cpus = 2, .mmio32_start = 0x20000000, .mmio32_end = 0xfec00000,
                    .mmio64_start = 0x100000000, .mmio64_end = 0x180000000};
        return {.chipset = Chipset::Ich9, .cpus = 2, .mmio32_start = 0x20000000, .mmio32_end = 0xfec00000,
                .mmio64_start = 0x100000000, .mmio64_end = 0x900000000, .ecam_base = 0xb0000000,
                .ecam_size = 0x10000000, .serial_ports = 2};
    }

    // Write the loaded tables as <SIG>.dat and disassemble each.
    std::map<std::string, fs::path> disassemble_all() {
        auto loaded = acpi_test::load(emu::acpi::build_x86_acpi(config()));
        std::map<std::string, fs::path> dsl;
        for (const char* sig : {"DSDT", "FACP", "APIC", "MCFG"}) {
            if (!loaded.tables.count(sig)) continue;
            const fs::path dat = dir_ / (std::string(sig) + ".dat");
            std::ofstream(dat, std::ios::binary)
                .write(reinterpret_cast<const char*>(loaded.tables[sig].data()),
                       static_cast<std::streamsize>(loaded.tables[sig].size()));
            const CommandResult r = run("cd '" + dir_.string() + "' && '" + iasl_ + "' -d " + dat.filename().string());
            EXPECT_EQ(r.status, 0) << sig << ":\n" << r.output;
            EXPECT_EQ(r.output.find("Error"), std::string::npos) << sig << ":\n" << r.output;
            dsl[sig] = dir_ / (std::string(sig) + ".dsl");
            EXPECT_TRUE(fs::exists(dsl[sig])) << sig;
        }
        return dsl;
    }

    std::string iasl_;
    fs::path dir_;
    bool remove_ = false;
};

TEST_P(AcpiIasl, TablesDisassembleAndTheDsdtRecompiles) {
    auto dsl = disassemble_all();
    ASSERT_TRUE(dsl.count("DSDT"));
    // iasl checks the semantics (names resolve, methods' argument counts, resource descriptors).
    const CommandResult r = run("cd '" + dir_.string() + "' && '" + iasl_ + "' -p recompiled DSDT.dsl");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("0 Errors"), std::string::npos) << r.output;

    const std::string dsdt = read_text(dsl["DSDT"]);
    const bool q35 = GetParam() == Chipset::Ich9;
    for (const char* expected : {"Device (PCI0)", "Device (ISA)", "Device (RTC)", "Device (KBD)", "Device (COM1)",
                                 "Device (LNKA)", "Device (LNKD)", "_S5, Package (0x04)", "\"ACPI0007\"",
                                 "Device (C001)", "\"QEMU0002\"", "PNP0303", "PNP0B00", "PNP0501", "PNP0C0F",
                                 "WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode",
                                 "0x0CF7,             // Range Maximum", "0xFEBFFFFF,         // Range Maximum",
                                 "Interrupt (ResourceConsumer, Level, ActiveHigh, Shared, ,, )"})
        EXPECT_NE(dsdt.find(expected), std::string::npos) << expected;
    if (q35) {
        for (const char* expected : {"PNP0A08", "Device (LNKH)", "Device (GSIH)", "Method (_OSC, 4, Serialized)",
                                     "Method (_PIC, 1", "0xAFFFFFFF,         // Range Maximum",
                                     "0xC0000000,         // Range Minimum", "0x00000008FFFFFFFF, // Range Maximum",
                                     "Device (DRAC)", "Device (COM2)", "OperationRegion (PIRQ, PCI_Config, 0x60, 0x0C)"})
            EXPECT_NE(dsdt.find(expected), std::string::npos) << expected;
    } else {
        for (const char* expected : {"Device (LNKS)", "OperationRegion (PIRQ, PCI_Config, 0x60, 0x04)",
                                     "0x000000017FFFFFFF, // Range Maximum", "If ((Arg0 < 0x80))"})
            EXPECT_NE(dsdt.find(expected), std::string::npos) << expected;
        EXPECT_EQ(dsdt.find("PNP0A08"), std::string::npos);
    }
}

TEST_P(AcpiIasl, RoutingTableMatchesPciLink) {
    auto dsl = disassemble_all();
    ASSERT_TRUE(dsl.count("DSDT"));
    std::string text = read_text(dsl["DSDT"]);
    std::string compact;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
    const bool q35 = GetParam() == Chipset::Ich9;
    // The PIC-mode table (pc's only one) comes first; q35's APIC-mode table uses GSIx.
    for (const std::string& prefix : q35 ? std::vector<std::string>{"LNK", "GSI"} : std::vector<std::string>{"LNK"}) {
        const std::regex entry("Package\\(0x04\\)\\{(0x[0-9A-F]+),(Zero|One|0x02|0x03),(" + prefix +
                               "[A-HS]),Zero\\}");
        std::map<std::pair<unsigned, unsigned>, std::string> routes;
        for (std::sregex_iterator it(compact.begin(), compact.end(), entry), end; it != end; ++it) {
            const std::string address = (*it)[1], pin_text = (*it)[2];
            const auto slot = static_cast<unsigned>(std::stoul(address, nullptr, 16) >> 16);
            const auto pin = pin_text == "Zero" ? 0u : pin_text == "One" ? 1u : static_cast<unsigned>(std::stoul(pin_text, nullptr, 16));
            EXPECT_FALSE(routes.count({slot, pin})) << "slot " << slot << " pin " << pin << " routed twice";
            routes[{slot, pin}] = (*it)[3];
        }
        ASSERT_EQ(routes.size(), 128u) << prefix;
        for (unsigned slot = 0; slot < 32; ++slot) {
            for (unsigned pin = 0; pin < 4; ++pin) {
                std::string expected = prefix + static_cast<char>('A' + emu::acpi::pci_link(GetParam(), slot, pin));
                if (!q35 && slot == 1 && pin == 0) expected = "LNKS";  // the SCI of 00:01.3
                EXPECT_EQ(routes[std::make_pair(slot, pin)], expected) << "slot " << slot << " pin " << pin;
            }
        }
    }
}

TEST_P(AcpiIasl, FixedTablesDecodeAsQemus) {
    auto dsl = disassemble_all();
    const std::string fadt = read_text(dsl["FACP"]);
    EXPECT_NE(fadt.find("PM1A Event Block Address : 00000600"), std::string::npos) << fadt;
    EXPECT_NE(fadt.find("PM Timer Block Address : 00000608"), std::string::npos);
    EXPECT_NE(fadt.find("SMI Command Port : 000000B2"), std::string::npos);
    const std::string madt = read_text(dsl["APIC"]);
    EXPECT_NE(madt.find("Address : FEC00000"), std::string::npos) << madt;
    EXPECT_NE(madt.find("Interrupt Input LINT : 01"), std::string::npos);
    if (GetParam() == Chipset::Ich9) {
        EXPECT_NE(fadt.find("Address : 0000000000000CF9"), std::string::npos);
        const std::string mcfg = read_text(dsl["MCFG"]);
        EXPECT_NE(mcfg.find("Base Address : 00000000B0000000"), std::string::npos) << mcfg;
        EXPECT_NE(mcfg.find("End Bus Number : FF"), std::string::npos);
    }
}

INSTANTIATE_TEST_SUITE_P(Chipsets, AcpiIasl, ::testing::Values(Chipset::Piix, Chipset::Ich9),
                         [](const auto& param_info) { return param_info.param == Chipset::Piix ? "pc" : "q35"; });

}  // namespace
