// Pieces the x86 direct-boot kit's files share (x86_boot.cpp: layout and common data;
// x86_boot_bzimage.cpp: Linux's boot protocol; x86_boot_pvh.cpp: PVH ELF kernels;
// x86_boot_multiboot.cpp: Multiboot kernels).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emu/x86_boot.h"

namespace emu::x86boot {

using Bytes = std::vector<std::uint8_t>;

// Little-endian field access on byte buffers; reads past the end yield 0.
std::uint64_t get(const Bytes& bytes, std::size_t offset, unsigned size);
void put(Bytes& bytes, std::size_t offset, std::uint64_t value, unsigned size);

std::string hex(std::uint64_t value);          // "0x8000000"
std::string size_text(std::uint64_t bytes);    // "600 MiB", "12 KiB", "100 bytes"

// The boot GDT at kX86BootGdt (see x86_boot.h).
void write_boot_gdt(AddressSpace& memory);
// The command line at kX86CmdLine, NUL-terminated; max_length excludes the NUL.
void write_cmdline(AddressSpace& memory, const std::string& cmdline, std::uint64_t max_length);
// The e820 table as `entry_size`-byte records (20 in the zero page, 24 in PVH's memmap).
Bytes e820_records(const std::vector<E820Entry>& e820, unsigned entry_size);

// Put config.initrd at the top of [plan.kernel_end, ceiling), 4 KiB aligned, and record it in
// plan; no-op without an initrd.
void load_initrd(AddressSpace& memory, const X86KernelConfig& config, Addr ceiling, X86BootPlan& plan);

bool is_bzimage(const Bytes& kernel);
X86BootPlan load_bzimage(AddressSpace& memory, const X86KernelConfig& config, const Bytes& kernel);
X86BootPlan load_pvh(AddressSpace& memory, const X86KernelConfig& config, const Bytes& kernel);

// A Multiboot header: the magic 0x1BADB002 at a 4-byte aligned offset in the first 8 KiB, with
// flags and checksum after it. The first one whose checksum is right; else the first magic
// found (checksum_ok false, for the error message); nullopt without a magic.
struct MultibootHeader {
    std::size_t offset = 0;
    std::uint32_t flags = 0;
    bool checksum_ok = false;
};
std::optional<MultibootHeader> find_multiboot_header(const Bytes& kernel);
X86BootPlan load_multiboot(AddressSpace& memory, const X86KernelConfig& config, const Bytes& kernel,
                           const MultibootHeader& header);

}  // namespace emu::x86boot
