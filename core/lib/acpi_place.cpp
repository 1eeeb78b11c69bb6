// Running the table loader without firmware: what SeaBIOS's romfile-loader does with
// etc/table-loader, done by the board into guest RAM for a kernel it boots directly.
#include <cstring>
#include <map>
#include <string>

#include "emu/acpi.h"
#include "emu/error.h"
#include "emu/memory.h"

namespace emu::acpi {

namespace {

std::uint64_t get(const Bytes& b, std::size_t at, unsigned size) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= std::uint64_t{b[at + i]} << (8 * i);
    return v;
}

std::string name_at(const Bytes& b, std::size_t at) {
    const char* p = reinterpret_cast<const char*>(b.data() + at);
    return std::string(p, strnlen(p, TableLoader::kFileNameSize));
}

struct Placed {
    Bytes data;
    Addr address = 0;
};

}  // namespace

Addr place_tables(AddressSpace& memory, const AcpiBlobs& blobs, Addr base, Addr size) {
    std::map<std::string, Placed> files{{kTablesFile, {blobs.tables}}, {kRsdpFile, {blobs.rsdp}}};
    std::map<std::string, bool> allocated;
    Addr next = base;
    const Bytes& loader = blobs.loader;
    const std::size_t name = TableLoader::kFileNameSize;
    for (std::size_t at = 0; at + TableLoader::kCommandSize <= loader.size(); at += TableLoader::kCommandSize) {
        const auto command = static_cast<std::uint32_t>(get(loader, at, 4));
        if (command == 0) continue;  // padding
        const std::string file = name_at(loader, at + 4);
        auto it = files.find(file);
        if (it == files.end()) throw Error("ACPI: the table loader names an unknown file '" + file + "'");
        Placed& dest = it->second;
        switch (command) {
        case TableLoader::kAllocate: {
            const auto align = static_cast<Addr>(get(loader, at + 4 + name, 4));
            if (align == 0 || (align & (align - 1))) throw Error("ACPI: bad loader alignment");
            next = (next + align - 1) & ~(align - 1);
            if (next + dest.data.size() > base + size)
                throw Error("ACPI: the tables do not fit in the " + std::to_string(size) + " bytes reserved for them");
            dest.address = next;
            next += dest.data.size();
            allocated[file] = true;
            break;
        }
        case TableLoader::kAddPointer: {
            const std::string src = name_at(loader, at + 4 + name);
            const auto offset = static_cast<std::size_t>(get(loader, at + 4 + 2 * name, 4));
            const unsigned width = loader[at + 8 + 2 * name];
            auto source = files.find(src);
            if (source == files.end() || !allocated[file] || !allocated[src] || offset + width > dest.data.size())
                throw Error("ACPI: malformed table-loader pointer command");
            const std::uint64_t value = get(dest.data, offset, width) + source->second.address;
            for (unsigned i = 0; i < width; ++i) dest.data[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
            break;
        }
        case TableLoader::kAddChecksum: {
            const auto offset = static_cast<std::size_t>(get(loader, at + 4 + name, 4));
            const auto start = static_cast<std::size_t>(get(loader, at + 8 + name, 4));
            const auto length = static_cast<std::size_t>(get(loader, at + 12 + name, 4));
            if (!allocated[file] || offset >= dest.data.size() || start > dest.data.size() ||
                length > dest.data.size() - start)
                throw Error("ACPI: malformed table-loader checksum command");
            dest.data[offset] = 0;
            dest.data[offset] = checksum(std::span(dest.data).subspan(start, length));
            break;
        }
        default:
            throw Error("ACPI: unknown table-loader command " + std::to_string(command));
        }
    }
    for (const auto& [file, placed] : files) {
        if (!allocated[file]) throw Error("ACPI: the table loader never places '" + file + "'");
        if (memory.write_rom(placed.address, placed.data.data(), placed.data.size()) != MemResult::Ok)
            throw Error("ACPI: the tables' area is not RAM");
    }
    return files[kRsdpFile].address;
}

}  // namespace emu::acpi
