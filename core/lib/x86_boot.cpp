// The x86 direct-boot kit: the choice of protocol, the memory layout (x86_boot.h) and the data
// both protocols share (GDT, command line, e820 records, initrd placement).
#include "emu/x86_boot.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "emu/error.h"
#include "emu/loader.h"
#include "x86_boot_internal.h"

namespace emu {

namespace x86boot {

namespace {

constexpr std::uint64_t kKiB = 1024, kMiB = 1024 * kKiB, kGiB = 1024 * kMiB;
constexpr Addr kPageSize = 4096;
constexpr std::size_t kMaxE820Entries = 128;  // E820_MAX_ENTRIES_ZEROPAGE; PVH gets the same

}  // namespace

std::uint64_t get(const Bytes& bytes, std::size_t offset, unsigned size) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i)
        if (offset + i < bytes.size()) value |= std::uint64_t{bytes[offset + i]} << (8 * i);
    return value;
}

void put(Bytes& bytes, std::size_t offset, std::uint64_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) bytes.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
}

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

std::string size_text(std::uint64_t bytes) {
    if (bytes >= kMiB) return std::to_string(bytes / kMiB) + " MiB";
    if (bytes >= kKiB) return std::to_string(bytes / kKiB) + " KiB";
    return std::to_string(bytes) + " bytes";
}

void write_boot_gdt(AddressSpace& memory) {
    // Flat 4 GiB descriptors, base 0, limit 0xfffff pages, already marked accessed as the
    // flat32 CPU state's cached segments are: 0x10 = 32-bit code (exec/read), 0x18 = data.
    Bytes gdt(32, 0);
    put(gdt, 0x10, 0x00cf9b000000ffffull, 8);
    put(gdt, 0x18, 0x00cf93000000ffffull, 8);
    load_bytes(memory, kX86BootGdt, gdt, "the boot GDT");
}

void write_cmdline(AddressSpace& memory, const std::string& cmdline, std::uint64_t max_length) {
    max_length = std::min<std::uint64_t>(max_length, kX86CmdLineMax - 1);
    if (cmdline.size() > max_length)
        throw Error("-append: the command line is " + std::to_string(cmdline.size()) +
                    " bytes; this kernel takes at most " + std::to_string(max_length));
    Bytes text(cmdline.begin(), cmdline.end());
    text.push_back(0);
    load_bytes(memory, kX86CmdLine, text, "the kernel command line");
}

Bytes e820_records(const std::vector<E820Entry>& e820, unsigned entry_size) {
    if (e820.size() > kMaxE820Entries)
        throw Error("x86 boot: the memory map has " + std::to_string(e820.size()) + " entries; at most " +
                    std::to_string(kMaxE820Entries) + " fit");
    Bytes records(e820.size() * entry_size, 0);
    for (std::size_t i = 0; i < e820.size(); ++i) {
        put(records, i * entry_size, e820[i].addr, 8);
        put(records, i * entry_size + 8, e820[i].size, 8);
        put(records, i * entry_size + 16, e820[i].type, 4);
    }
    return records;
}

void load_initrd(AddressSpace& memory, const X86KernelConfig& config, Addr ceiling, X86BootPlan& plan) {
    if (config.initrd.empty()) return;
    const std::string what = "-initrd " + config.initrd;
    // Size it before reading it: a huge file is refused without being read into memory.
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(config.initrd, error);
    if (error) read_file(config.initrd, "-initrd");  // throws the reason (missing, unreadable...)
    if (size == 0) throw Error(what + ": the file is empty");
    const Addr floor = (plan.kernel_end + kPageSize - 1) & ~(kPageSize - 1);
    if (size > ceiling || ((ceiling - size) & ~(kPageSize - 1)) < floor)
        throw Error(what + ": " + size_text(size) + " does not fit below " + hex(ceiling) +
                    " above the kernel's end " + hex(plan.kernel_end) + " (RAM " +
                    size_text(config.ram_below_4g) + ")");
    plan.initrd_start = (ceiling - size) & ~(kPageSize - 1);
    plan.initrd_size = size;
    const Bytes bytes = read_file(config.initrd, "-initrd");
    if (bytes.size() != size) throw Error(what + ": the file changed size while being read");
    load_bytes(memory, plan.initrd_start, bytes, what);
}

}  // namespace x86boot

std::vector<E820Entry> x86_pc_e820(std::uint64_t ram_size, std::uint64_t ram_below_4g) {
    using x86boot::kGiB;
    using x86boot::kKiB;
    using x86boot::kMiB;
    std::vector<E820Entry> map;
    // Conventional memory ends where the EBDA starts (639 KiB); the BIOS area 0xF0000-0xFFFFF
    // is ROM on a PC.
    map.push_back({0, std::min<std::uint64_t>(ram_below_4g, 639 * kKiB), E820Entry::Ram});
    map.push_back({639 * kKiB, kKiB, E820Entry::Reserved});
    map.push_back({0xf0000, 0x10000, E820Entry::Reserved});
    if (ram_below_4g > kMiB) map.push_back({kMiB, ram_below_4g - kMiB, E820Entry::Ram});
    map.push_back({4 * kGiB - 256 * kKiB, 256 * kKiB, E820Entry::Reserved});
    if (ram_size > ram_below_4g) map.push_back({4 * kGiB, ram_size - ram_below_4g, E820Entry::Ram});
    return map;
}

X86BootPlan x86_load_kernel(AddressSpace& memory, const X86KernelConfig& config) {
    const x86boot::Bytes kernel = read_file(config.kernel, "-kernel");
    const std::string what = "-kernel " + config.kernel;
    // QEMU's order: Linux's setup header, then a Multiboot header (an ELF may carry one and a
    // PVH note, as Xen does: Multiboot wins), then an ELF through PVH.
    const std::optional<x86boot::MultibootHeader> multiboot = x86boot::find_multiboot_header(kernel);
    const std::string bad_checksum =
        multiboot && !multiboot->checksum_ok
            ? "a Multiboot header at offset " + x86boot::hex(multiboot->offset) +
                  " with a bad checksum (magic + flags + checksum must be 0)"
            : "";
    X86BootPlan plan;
    if (x86boot::is_bzimage(kernel)) {
        plan = x86boot::load_bzimage(memory, config, kernel);
    } else if (multiboot && multiboot->checksum_ok) {
        plan = x86boot::load_multiboot(memory, config, kernel, *multiboot);
    } else if (is_elf(kernel)) {
        try {
            plan = x86boot::load_pvh(memory, config, kernel);
        } catch (const Error& e) {
            if (bad_checksum.empty()) throw;
            throw Error(std::string(e.what()) + "; it has " + bad_checksum);
        }
    } else if (!bad_checksum.empty()) {
        throw Error(what + ": " + bad_checksum);
    } else {
        throw Error(what + ": not a bzImage, a Multiboot kernel or an ELF with a PVH entry note");
    }
    x86boot::write_boot_gdt(memory);
    return plan;
}

}  // namespace emu
