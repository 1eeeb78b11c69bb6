// What SeaBIOS's romfile-loader does with etc/table-loader, for the tests: place each file at an
// address of the zone it asks for, patch pointers, fix checksums. Any out-of-range command fails
// the test (SeaBIOS would stop loading the tables).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "emu/acpi.h"

namespace acpi_test {

using Bytes = std::vector<std::uint8_t>;

inline std::uint64_t le(const Bytes& b, std::size_t at, unsigned size) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= std::uint64_t{b.at(at + i)} << (8 * i);
    return v;
}

inline std::uint8_t sum8(const std::uint8_t* p, std::size_t n) {
    std::uint8_t s = 0;
    for (std::size_t i = 0; i < n; ++i) s = static_cast<std::uint8_t>(s + p[i]);
    return s;
}

struct PlacedFile {
    std::uint64_t address = 0;
    Bytes data;
};

class LoaderSim {
public:
    static constexpr std::uint64_t kHighBase = 0x1ffe0000;  // where SeaBIOS's high zone was
    static constexpr std::uint64_t kFsegBase = 0xf5900;

    // files: name -> contents (the fw_cfg files). Runs the commands; false on any error.
    bool run(const std::map<std::string, Bytes>& files, const Bytes& loader) {
        if (loader.size() % emu::acpi::TableLoader::kCommandSize != 0) return fail("loader size");
        for (std::size_t at = 0; at < loader.size(); at += emu::acpi::TableLoader::kCommandSize) {
            const std::uint32_t command = static_cast<std::uint32_t>(le(loader, at, 4));
            const std::string file = name(loader, at + 4);
            switch (command) {
            case 0:
                break;  // padding
            case emu::acpi::TableLoader::kAllocate: {
                auto it = files.find(file);
                if (it == files.end()) return fail("allocate of a missing file " + file);
                const std::uint32_t align = static_cast<std::uint32_t>(le(loader, at + 60, 4));
                const std::uint8_t zone = loader[at + 64];
                std::uint64_t& next = zone == 2 ? fseg_ : high_;
                if (zone != 1 && zone != 2) return fail("zone");
                next = (next + align - 1) / align * align;
                placed[file] = {next, it->second};
                next += it->second.size();
                ++allocations;
                break;
            }
            case emu::acpi::TableLoader::kAddPointer: {
                const std::string src = name(loader, at + 60);
                const std::uint32_t offset = static_cast<std::uint32_t>(le(loader, at + 116, 4));
                const std::uint8_t size = loader[at + 120];
                if (!placed.count(file) || !placed.count(src)) return fail("pointer before allocate");
                Bytes& dest = placed[file].data;
                if (size != 1 && size != 2 && size != 4 && size != 8) return fail("pointer size");
                if (offset + size > dest.size()) return fail("pointer out of range");
                std::uint64_t pointer = le(dest, offset, size) + placed[src].address;
                for (unsigned i = 0; i < size; ++i) dest[offset + i] = static_cast<std::uint8_t>(pointer >> (8 * i));
                ++pointers;
                break;
            }
            case emu::acpi::TableLoader::kAddChecksum: {
                const std::uint32_t offset = static_cast<std::uint32_t>(le(loader, at + 60, 4));
                const std::uint32_t start = static_cast<std::uint32_t>(le(loader, at + 64, 4));
                const std::uint32_t length = static_cast<std::uint32_t>(le(loader, at + 68, 4));
                if (!placed.count(file)) return fail("checksum before allocate");
                Bytes& data = placed[file].data;
                if (offset >= data.size() || start > data.size() || length > data.size() - start)
                    return fail("checksum out of range");
                data[offset] = static_cast<std::uint8_t>(data[offset] - sum8(data.data() + start, length));
                ++checksums;
                break;
            }
            default:
                return fail("unknown command " + std::to_string(command));
            }
        }
        return true;
    }

    // The bytes at a guest address inside one placed file.
    const std::uint8_t* at(std::uint64_t address, std::size_t length) const {
        for (const auto& [file, p] : placed)
            if (address >= p.address && address + length <= p.address + p.data.size())
                return p.data.data() + (address - p.address);
        return nullptr;
    }
    // A whole table (its length from its header) at address, or empty.
    Bytes table(std::uint64_t address) const {
        const std::uint8_t* h = at(address, 8);
        if (!h) return {};
        const std::uint32_t length = h[4] | (h[5] << 8) | (h[6] << 16) | (std::uint32_t{h[7]} << 24);
        const std::uint8_t* t = at(address, length);
        return t ? Bytes(t, t + length) : Bytes{};
    }

    std::map<std::string, PlacedFile> placed;
    unsigned allocations = 0, pointers = 0, checksums = 0;
    std::string error;

private:
    static std::string name(const Bytes& loader, std::size_t at) {
        const char* p = reinterpret_cast<const char*>(loader.data() + at);
        return std::string(p, strnlen(p, emu::acpi::TableLoader::kFileNameSize));
    }
    bool fail(const std::string& why) {
        error = why;
        return false;
    }
    std::uint64_t high_ = kHighBase, fseg_ = kFsegBase;
};

// Build, load, and return the patched tables by signature (plus "RSDP" and "FACS").
struct LoadedTables {
    std::map<std::string, Bytes> tables;
    std::map<std::string, std::uint64_t> addresses;
    LoaderSim sim;
};

inline LoadedTables load(const emu::acpi::AcpiBlobs& blobs) {
    LoadedTables out;
    std::map<std::string, Bytes> files{{emu::acpi::kTablesFile, blobs.tables}, {emu::acpi::kRsdpFile, blobs.rsdp}};
    EXPECT_TRUE(out.sim.run(files, blobs.loader)) << out.sim.error;
    const auto& rsdp = out.sim.placed[emu::acpi::kRsdpFile];
    out.tables["RSDP"] = rsdp.data;
    out.addresses["RSDP"] = rsdp.address;
    const std::uint64_t rsdt = le(rsdp.data, 16, 4);
    Bytes rsdt_table = out.sim.table(rsdt);
    out.tables["RSDT"] = rsdt_table;
    out.addresses["RSDT"] = rsdt;
    for (std::size_t i = 36; i + 4 <= rsdt_table.size(); i += 4) {
        const std::uint64_t address = le(rsdt_table, i, 4);
        Bytes t = out.sim.table(address);
        if (t.size() < 36) {
            ADD_FAILURE() << "RSDT entry points nowhere";
            continue;
        }
        const std::string sig(t.begin(), t.begin() + 4);
        out.tables[sig] = t;
        out.addresses[sig] = address;
        if (sig == "FACP") {
            out.addresses["FACS"] = le(t, 36, 4);
            out.addresses["DSDT"] = le(t, 40, 4);
            out.tables["DSDT"] = out.sim.table(out.addresses["DSDT"]);
            const std::uint8_t* facs = out.sim.at(out.addresses["FACS"], 64);
            if (facs) out.tables["FACS"] = Bytes(facs, facs + 64);
        }
    }
    return out;
}

}  // namespace acpi_test
