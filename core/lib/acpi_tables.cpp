// Table headers, checksums and the BIOS linker/loader commands (sdk/include/emu/acpi.h).
// Command layout (QEMU's hw/acpi/bios-linker-loader.c; SeaBIOS's romfile-loader reads it): a
// little-endian 32-bit command, then per command
//   ALLOCATE      file[56], align (u32), zone (u8)
//   ADD_POINTER   dest_file[56], src_file[56], offset (u32), size (u8)
//   ADD_CHECKSUM  file[56], offset (u32), start (u32), length (u32)
// zero-padded to 128 bytes.
#include <cstring>
#include <string>

#include "emu/acpi.h"
#include "emu/error.h"

namespace emu::acpi {

namespace {

void put(Bytes& out, std::size_t at, std::uint64_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) out[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

void put_name(Bytes& out, std::size_t at, std::string_view file) {
    if (file.empty() || file.size() >= TableLoader::kFileNameSize)
        throw Error("ACPI: loader file name '" + std::string(file) + "' must be 1 to 55 bytes");
    std::memcpy(out.data() + at, file.data(), file.size());
}

}  // namespace

std::uint8_t checksum(std::span<const std::uint8_t> bytes) {
    std::uint8_t sum = 0;
    for (auto b : bytes) sum = static_cast<std::uint8_t>(sum + b);
    return static_cast<std::uint8_t>(-sum);
}

void append_header(Bytes& blob, std::string_view signature, std::uint8_t revision) {
    if (signature.size() != 4) throw Error("ACPI: table signature '" + std::string(signature) + "' is not 4 bytes");
    std::size_t at = blob.size();
    blob.resize(at + kHeaderSize, 0);
    std::memcpy(blob.data() + at, signature.data(), 4);
    blob[at + 8] = revision;
    std::memcpy(blob.data() + at + 10, kOemId, 6);
    std::memcpy(blob.data() + at + 16, kOemTableId, 8);
    put(blob, at + 24, 1, 4);                        // OEM revision
    std::memcpy(blob.data() + at + 28, kCreatorId, 4);
    put(blob, at + 32, 1, 4);                        // creator revision
}

void finish_table(Bytes& blob, std::size_t start) {
    std::size_t length = blob.size() - start;
    put(blob, start + 4, length, 4);
    blob[start + 9] = 0;
    blob[start + 9] = checksum(std::span(blob).subspan(start, length));
}

Bytes& TableLoader::begin(Command command) {
    std::size_t at = commands_.size();
    commands_.resize(at + kCommandSize, 0);
    put(commands_, at, command, 4);
    return commands_;
}

void TableLoader::allocate(std::string_view file, std::uint32_t align, Zone zone) {
    if (align == 0 || (align & (align - 1)) != 0) throw Error("ACPI: loader alignment must be a power of 2");
    std::size_t at = commands_.size();
    Bytes& c = begin(kAllocate);
    put_name(c, at + 4, file);
    put(c, at + 4 + kFileNameSize, align, 4);
    c[at + 8 + kFileNameSize] = static_cast<std::uint8_t>(zone);
}

void TableLoader::add_pointer(std::string_view dest_file, std::uint32_t offset, std::uint8_t size,
                              std::string_view src_file) {
    if (size != 1 && size != 2 && size != 4 && size != 8) throw Error("ACPI: loader pointer size must be 1, 2, 4 or 8");
    std::size_t at = commands_.size();
    Bytes& c = begin(kAddPointer);
    put_name(c, at + 4, dest_file);
    put_name(c, at + 4 + kFileNameSize, src_file);
    put(c, at + 4 + 2 * kFileNameSize, offset, 4);
    c[at + 8 + 2 * kFileNameSize] = size;
}

void TableLoader::add_checksum(std::string_view file, std::uint32_t offset, std::uint32_t start,
                               std::uint32_t length) {
    std::size_t at = commands_.size();
    Bytes& c = begin(kAddChecksum);
    put_name(c, at + 4, file);
    put(c, at + 4 + kFileNameSize, offset, 4);
    put(c, at + 8 + kFileNameSize, start, 4);
    put(c, at + 12 + kFileNameSize, length, 4);
}

}  // namespace emu::acpi
