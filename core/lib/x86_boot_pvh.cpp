// PVH direct boot of an ELF kernel (Xen's HVM direct boot ABI, which Linux's vmlinux supports
// under CONFIG_PVH): the ELF note XEN_ELFNOTE_PHYS32_ENTRY names the 32-bit entry, and EBX
// points at struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h).
#include <elf.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "emu/error.h"
#include "emu/loader.h"
#include "x86_boot_internal.h"

namespace emu::x86boot {

namespace {

constexpr std::uint32_t kXenElfNotePhys32Entry = 18;
constexpr std::uint32_t kStartInfoMagic = 0x336ec578;
constexpr Addr kModList = kX86PvhStartInfo + 0x40;  // one 32-byte hvm_modlist_entry
constexpr Addr kMemMap = kX86PvhStartInfo + 0x100;  // 24-byte hvm_memmap_table_entry records
constexpr Addr kLowDataEnd = kX86CmdLine + kX86CmdLineMax;  // the kit's own data stays below
constexpr std::uint64_t k4GiB = 1ull << 32;

// hvm_start_info, version 1.
enum StartInfoField : std::size_t {
    kMagic = 0x00, kVersion = 0x04, kFlags = 0x08, kNrModules = 0x0c, kModListPaddr = 0x10,
    kCmdLinePaddr = 0x18, kRsdpPaddr = 0x20, kMemMapPaddr = 0x28, kMemMapEntries = 0x30,
    kStartInfoSize = 0x38,
};

// The PVH entry from the notes in bytes [offset, offset + size) of the file, if there.
std::optional<Addr> find_pvh_note(const Bytes& elf, std::uint64_t offset, std::uint64_t size) {
    const std::uint64_t end = std::min<std::uint64_t>(offset + size, elf.size());
    auto align4 = [](std::uint64_t n) { return (n + 3) & ~std::uint64_t{3}; };
    while (offset + 12 <= end) {
        const std::uint64_t name_size = get(elf, offset, 4), desc_size = get(elf, offset + 4, 4);
        const std::uint64_t type = get(elf, offset + 8, 4);
        const std::uint64_t name_at = offset + 12, desc_at = name_at + align4(name_size);
        if (desc_at + desc_size > end) break;  // a malformed note ends the search
        const bool xen = name_size == 4 && std::equal(elf.begin() + static_cast<std::ptrdiff_t>(name_at),
                                                      elf.begin() + static_cast<std::ptrdiff_t>(name_at + 4),
                                                      "Xen");
        // Linux writes the entry as a pointer-sized value: 4 bytes in a 32-bit ELF, 8 in a 64-bit one.
        if (xen && type == kXenElfNotePhys32Entry && (desc_size == 4 || desc_size == 8))
            return get(elf, desc_at, static_cast<unsigned>(desc_size));
        offset = desc_at + align4(desc_size);
    }
    return std::nullopt;
}

template <class Ehdr, class Phdr, class Shdr>
std::optional<Addr> pvh_entry(const Bytes& elf) {
    if (elf.size() < sizeof(Ehdr)) return std::nullopt;
    Ehdr eh;
    std::memcpy(&eh, elf.data(), sizeof eh);
    // Program headers first (vmlinux has a PT_NOTE segment), then section headers.
    if (eh.e_phentsize == sizeof(Phdr) && eh.e_phoff + std::uint64_t{eh.e_phnum} * sizeof(Phdr) <= elf.size()) {
        for (unsigned i = 0; i < eh.e_phnum; ++i) {
            Phdr ph;
            std::memcpy(&ph, elf.data() + eh.e_phoff + i * sizeof(Phdr), sizeof ph);
            if (ph.p_type != PT_NOTE) continue;
            if (auto entry = find_pvh_note(elf, ph.p_offset, ph.p_filesz)) return entry;
        }
    }
    if (eh.e_shentsize == sizeof(Shdr) && eh.e_shoff + std::uint64_t{eh.e_shnum} * sizeof(Shdr) <= elf.size()) {
        for (unsigned i = 0; i < eh.e_shnum; ++i) {
            Shdr sh;
            std::memcpy(&sh, elf.data() + eh.e_shoff + i * sizeof(Shdr), sizeof sh);
            if (sh.sh_type != SHT_NOTE) continue;
            if (auto entry = find_pvh_note(elf, sh.sh_offset, sh.sh_size)) return entry;
        }
    }
    return std::nullopt;
}

}  // namespace

X86BootPlan load_pvh(AddressSpace& memory, const X86KernelConfig& config, const Bytes& kernel) {
    const std::string what = "-kernel " + config.kernel;
    if (kernel.size() < EI_NIDENT || (kernel[EI_CLASS] != ELFCLASS32 && kernel[EI_CLASS] != ELFCLASS64))
        throw Error(what + ": unknown ELF class");
    if (kernel[EI_DATA] != ELFDATA2LSB) throw Error(what + ": a big-endian ELF is not an x86 kernel");
    const std::uint64_t machine = get(kernel, 18, 2);  // e_machine, at the same place in both classes
    if (machine != EM_386 && machine != EM_X86_64)
        throw Error(what + ": an ELF for machine " + std::to_string(machine) + ", not x86");
    const std::optional<Addr> entry = kernel[EI_CLASS] == ELFCLASS64
                                          ? pvh_entry<Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr>(kernel)
                                          : pvh_entry<Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr>(kernel);
    if (!entry)
        throw Error(what + ": an ELF without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); "
                           "emu boots ELF kernels through PVH only");
    if (*entry >= k4GiB) throw Error(what + ": the PVH entry " + hex(*entry) + " is not a 32-bit address");

    X86BootPlan plan;
    plan.protocol = X86BootPlan::Protocol::Pvh;
    plan.entry = *entry;
    plan.params = kX86PvhStartInfo;
    plan.cmdline = kX86CmdLine;
    const ElfImage image = load_elf(memory, kernel, what);
    if (image.low < kLowDataEnd)
        throw Error(what + ": the ELF loads at " + hex(image.low) + ", over emu's boot data below " + hex(kLowDataEnd));
    plan.kernel_start = image.low;
    plan.kernel_end = image.high;

    write_cmdline(memory, config.append, kX86CmdLineMax - 1);
    load_initrd(memory, config, std::min<Addr>(config.ram_below_4g, k4GiB), plan);

    Bytes data(kMemMap - kX86PvhStartInfo, 0);  // start_info and the module list
    put(data, kMagic, kStartInfoMagic, 4);
    put(data, kVersion, 1, 4);
    put(data, kFlags, 0, 4);
    put(data, kCmdLinePaddr, plan.cmdline, 8);
    put(data, kRsdpPaddr, config.acpi_rsdp, 8);  // 0: the kernel scans where a BIOS leaves it
    put(data, kMemMapPaddr, kMemMap, 8);
    put(data, kMemMapEntries, config.e820.size(), 4);
    if (plan.initrd_size) {
        put(data, kNrModules, 1, 4);
        put(data, kModListPaddr, kModList, 8);
        put(data, kModList - kX86PvhStartInfo, plan.initrd_start, 8);     // paddr
        put(data, kModList - kX86PvhStartInfo + 8, plan.initrd_size, 8);  // size
    }
    static_assert(kStartInfoSize <= kModList - kX86PvhStartInfo);
    const Bytes memmap = e820_records(config.e820, 24);
    data.insert(data.end(), memmap.begin(), memmap.end());
    load_bytes(memory, kX86PvhStartInfo, data, "the PVH start info");
    return plan;
}

}  // namespace emu::x86boot
