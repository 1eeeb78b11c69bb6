// Multiboot (version 1) direct boot, as QEMU's -kernel does it (hw/i386/multiboot.c and its
// option ROM): the kernel names itself with a header (magic 0x1BADB002, flags, checksum) in its
// first 8 KiB; it loads either as an ELF (its program headers) or, with header flag bit 16, from
// the header's address fields (the "a.out kludge"); the CPU enters in flat 32-bit protected mode
// with EAX = 0x2BADB002 and EBX = the Multiboot information structure.
//
// Where things go (QEMU's places, so kernels written against QEMU find what they expect):
//   0x9000   the memory map (mmap_addr): 24-byte records, each a 4-byte size (20) and the e820 entry
//   0x9500   the information structure (88 bytes)
//   kernel   at its load addresses
//   next page after the kernel: the module list (16 bytes per module), the module strings, the
//            kernel's command line ("<kernel path> <-append>"), the boot loader's name
//   next page after that: each module, page-aligned, in -initrd order
#include <elf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "emu/error.h"
#include "emu/loader.h"
#include "x86_boot_internal.h"

namespace emu::x86boot {

namespace {

constexpr std::uint32_t kHeaderMagic = 0x1badb002;
constexpr std::size_t kHeaderSearchBytes = 8192;  // the header lies in the file's first 8 KiB
constexpr std::uint32_t kFlagVideoMode = 1u << 2;
constexpr std::uint32_t kFlagAddressFields = 1u << 16;
constexpr Addr kPageSize = 4096;
constexpr std::uint64_t k4GiB = 1ull << 32;
constexpr std::uint64_t kMiB = 1ull << 20;

// The header's fields (offsets from the magic). The address fields count only with bit 16.
enum HeaderField : std::size_t {
    kMagic = 0, kFlags = 4, kChecksum = 8, kHeaderAddr = 12, kLoadAddr = 16, kLoadEndAddr = 20,
    kBssEndAddr = 24, kEntryAddr = 28, kAddressFieldsEnd = 32,
};

// The information structure's fields and the flags saying which are valid.
enum InfoField : std::size_t {
    kInfoFlags = 0, kMemLower = 4, kMemUpper = 8, kBootDevice = 12, kCmdLine = 16, kModsCount = 20,
    kModsAddr = 24, kMmapLength = 44, kMmapAddr = 48, kLoaderNameAddr = 64, kInfoSize = 88,
};
enum InfoFlag : std::uint32_t {
    kHasMemory = 1u << 0, kHasBootDevice = 1u << 1, kHasCmdLine = 1u << 2, kHasModules = 1u << 3,
    kHasMmap = 1u << 6, kHasBootLoaderName = 1u << 9,
};
constexpr std::uint32_t kBootDeviceNone = 0x8000ffff;  // BIOS drive 0x80, no partition (QEMU's)
constexpr std::size_t kModuleEntrySize = 16;           // mod_start, mod_end (exclusive), string, 0
constexpr std::size_t kMmapRecordSize = 24;            // size (20), base, length, type
constexpr std::size_t kMaxMmapRecords = (kX86MultibootInfo - kX86MultibootMmap) / kMmapRecordSize;
constexpr Addr kLowDataEnd = 0xa000;  // the GDT, the memory map and the info stay below
constexpr char kLoaderName[] = "emu";

Addr page_up(Addr a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

struct KernelImage {
    Addr low = 0, high = 0, entry = 0;  // [low, high): what it occupies, bss included
};

// Bit 16: the file from header_addr's place backwards to load_addr is loaded at load_addr, up
// to load_end_addr (0: the end of the file), then zeros up to bss_end_addr (0: none). The same
// checks as QEMU, each its own line.
KernelImage load_address_fields(AddressSpace& memory, const Bytes& kernel, const MultibootHeader& header,
                                Addr ram_end, const std::string& what) {
    if (header.offset + kAddressFieldsEnd > kernel.size())
        throw Error(what + ": truncated Multiboot header: the file ends inside its address fields");
    auto field = [&](HeaderField f) { return get(kernel, header.offset + f, 4); };
    const std::uint64_t header_addr = field(kHeaderAddr), load_addr = field(kLoadAddr);
    const std::uint64_t load_end = field(kLoadEndAddr), bss_end = field(kBssEndAddr);
    if (header_addr < load_addr)
        throw Error(what + ": Multiboot header_addr " + hex(header_addr) + " is below load_addr " + hex(load_addr));
    if (header_addr - load_addr > header.offset)
        throw Error(what + ": Multiboot load_addr " + hex(load_addr) +
                    " is before the start of the file (header_addr " + hex(header_addr) +
                    ", header at file offset " + hex(header.offset) + ")");
    const std::uint64_t text_offset = header.offset - (header_addr - load_addr);
    if (load_end != 0 && load_end < load_addr)
        throw Error(what + ": Multiboot load_end_addr " + hex(load_end) + " is below load_addr " + hex(load_addr));
    const std::uint64_t load_size = load_end != 0 ? load_end - load_addr : kernel.size() - text_offset;
    if (text_offset + load_size > kernel.size())
        throw Error(what + ": truncated: load_end_addr " + hex(load_end) + " needs " + hex(text_offset + load_size) +
                    " bytes of file, it has " + hex(kernel.size()));
    if (load_addr + load_size > k4GiB) throw Error(what + ": the kernel does not fit below 4 GiB");
    if (bss_end != 0 && bss_end < load_addr + load_size)
        throw Error(what + ": Multiboot bss_end_addr " + hex(bss_end) + " is below the loaded image's end " +
                    hex(load_addr + load_size));
    const std::uint64_t image_size = bss_end != 0 ? bss_end - load_addr : load_size;
    if (load_addr + image_size > ram_end)  // before a buffer that size is made
        throw Error(what + ": the kernel at " + hex(load_addr) + "-" + hex(load_addr + image_size) +
                    " does not fit in RAM (" + size_text(ram_end) + " below 4 GiB)");
    Bytes image(kernel.begin() + static_cast<std::ptrdiff_t>(text_offset),
                kernel.begin() + static_cast<std::ptrdiff_t>(text_offset + load_size));
    image.resize(image_size, 0);  // bss
    load_bytes(memory, load_addr, image, what);
    return {load_addr, load_addr + image_size, field(kEntryAddr)};
}

// e_entry is a virtual address: in an executable segment whose physical and virtual addresses
// differ (a higher-half kernel), it is moved to the physical one, as QEMU's ELF loader does.
template <class Ehdr, class Phdr>
Addr physical_entry(const Bytes& elf) {
    Ehdr eh;
    std::memcpy(&eh, elf.data(), sizeof eh);  // load_elf checked the header and the table
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Phdr ph;
        std::memcpy(&ph, elf.data() + eh.e_phoff + i * sizeof(Phdr), sizeof ph);
        if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && ph.p_vaddr != ph.p_paddr &&
            eh.e_entry >= ph.p_vaddr && eh.e_entry < ph.p_vaddr + ph.p_filesz)
            return eh.e_entry - ph.p_vaddr + ph.p_paddr;
    }
    return eh.e_entry;
}

KernelImage load_multiboot_elf(AddressSpace& memory, const Bytes& kernel, const std::string& what) {
    if (!is_elf(kernel))
        throw Error(what + ": a Multiboot kernel that is not an ELF needs the header's address fields (flag bit 16)");
    const std::uint64_t machine = get(kernel, 18, 2);  // e_machine, the same place in both classes
    if (machine != EM_386)
        throw Error(what + ": a Multiboot ELF must be 32-bit x86 (EM_386), this one is for machine " +
                    std::to_string(machine) + (machine == EM_X86_64 ? " (x86-64)" : ""));
    const ElfImage elf = load_elf(memory, kernel, what);
    const Addr entry = elf.is_64bit ? physical_entry<Elf64_Ehdr, Elf64_Phdr>(kernel)
                                    : physical_entry<Elf32_Ehdr, Elf32_Phdr>(kernel);
    if (elf.high > k4GiB || entry >= k4GiB) throw Error(what + ": a Multiboot ELF must load and start below 4 GiB");
    return {elf.low, elf.high, entry};
}

// One -initrd module: "file args" (the string the kernel gets) and the file.
struct Module {
    std::string text, path;
};

// -initrd as QEMU reads it for Multiboot: modules separated by ',' (",," is a comma in a name
// or argument); each "FILE ARGS..." is loaded from FILE, the whole text is its string.
std::vector<Module> parse_modules(const std::string& initrd) {
    std::vector<std::string> texts{""};
    for (std::size_t i = 0; i < initrd.size(); ++i) {
        if (initrd[i] != ',')
            texts.back() += initrd[i];
        else if (i + 1 < initrd.size() && initrd[i + 1] == ',')
            texts.back() += initrd[i++];
        else
            texts.emplace_back();
    }
    if (texts.size() > 1 && texts.back().empty()) texts.pop_back();  // a trailing comma, as QEMU takes it
    std::vector<Module> modules;
    if (initrd.empty()) return modules;
    for (const std::string& text : texts) {
        const std::string path = text.substr(0, text.find(' '));
        if (path.empty()) throw Error("-initrd " + initrd + ": a Multiboot module without a file name");
        modules.push_back({text, path});
    }
    return modules;
}

// KiB of RAM from 1 MiB up to the first hole, following the map's RAM ranges below 4 GiB in any
// order (the multiboot option ROM's rule).
std::uint64_t upper_memory_kib(const std::vector<E820Entry>& e820) {
    std::uint64_t end = kMiB;
    for (bool grew = true; grew;) {
        grew = false;
        for (const E820Entry& e : e820)
            if (e.type == E820Entry::Ram && e.addr <= end && end < e.addr + e.size && e.addr + e.size <= k4GiB) {
                end = e.addr + e.size;
                grew = true;
            }
    }
    return (end - kMiB) / 1024;
}

// KiB of conventional memory: the RAM range at 0, at most 640 KiB (what INT 12h says: 639 when
// the EBDA takes the last KiB).
std::uint64_t lower_memory_kib(const std::vector<E820Entry>& e820) {
    for (const E820Entry& e : e820)
        if (e.type == E820Entry::Ram && e.addr == 0) return std::min<std::uint64_t>(e.size, 640 * 1024) / 1024;
    return 0;
}

Bytes memory_map(const std::vector<E820Entry>& e820) {
    if (e820.size() > kMaxMmapRecords)
        throw Error("x86 boot: the memory map has " + std::to_string(e820.size()) +
                    " entries; Multiboot's place holds " + std::to_string(kMaxMmapRecords));
    const Bytes entries = e820_records(e820, 20);
    Bytes records;
    for (std::size_t i = 0; i < e820.size(); ++i) {
        records.resize(records.size() + 4, 0);
        put(records, records.size() - 4, 20, 4);
        records.insert(records.end(), entries.begin() + static_cast<std::ptrdiff_t>(20 * i),
                       entries.begin() + static_cast<std::ptrdiff_t>(20 * (i + 1)));
    }
    return records;
}

// The memory map at kX86MultibootMmap and the information structure at kX86MultibootInfo, with
// the flags QEMU sets; the module list and the strings are already in memory.
void write_info(AddressSpace& memory, const std::vector<E820Entry>& e820, std::size_t module_count, Addr module_list,
                Addr cmdline, Addr loader_name) {
    const Bytes mmap = memory_map(e820);
    load_bytes(memory, kX86MultibootMmap, mmap, "the Multiboot memory map");
    Bytes info(kInfoSize, 0);
    put(info, kInfoFlags, kHasMemory | kHasBootDevice | kHasCmdLine | kHasModules | kHasMmap | kHasBootLoaderName, 4);
    put(info, kMemLower, lower_memory_kib(e820), 4);
    put(info, kMemUpper, upper_memory_kib(e820), 4);
    put(info, kBootDevice, kBootDeviceNone, 4);
    put(info, kCmdLine, cmdline, 4);
    put(info, kModsCount, module_count, 4);
    put(info, kModsAddr, module_list, 4);
    put(info, kMmapLength, mmap.size(), 4);
    put(info, kMmapAddr, kX86MultibootMmap, 4);
    put(info, kLoaderNameAddr, loader_name, 4);
    load_bytes(memory, kX86MultibootInfo, info, "the Multiboot information");
}

}  // namespace

std::optional<MultibootHeader> find_multiboot_header(const Bytes& kernel) {
    std::optional<MultibootHeader> bad;
    const std::size_t end = std::min(kernel.size(), kHeaderSearchBytes);
    for (std::size_t at = 0; at + kHeaderAddr <= end; at += 4) {  // magic, flags and checksum in reach
        if (get(kernel, at + kMagic, 4) != kHeaderMagic) continue;
        const std::uint32_t flags = static_cast<std::uint32_t>(get(kernel, at + kFlags, 4));
        const std::uint32_t sum = static_cast<std::uint32_t>(kHeaderMagic + flags + get(kernel, at + kChecksum, 4));
        if (sum == 0) return MultibootHeader{at, flags, true};
        if (!bad) bad = MultibootHeader{at, flags, false};
    }
    return bad;
}

X86BootPlan load_multiboot(AddressSpace& memory, const X86KernelConfig& config, const Bytes& kernel,
                           const MultibootHeader& header) {
    const std::string what = "-kernel " + config.kernel;
    // QEMU refuses none of the header's flags: without a framebuffer to set up, a requested
    // video mode (bit 2) gets a warning and the kernel boots in text mode.
    if (header.flags & kFlagVideoMode)
        std::fprintf(stderr, "emu: warning: %s: the Multiboot header asks for a video mode; emu sets none\n",
                     what.c_str());
    const Addr ceiling = std::min<Addr>(config.ram_below_4g, k4GiB);
    const KernelImage image = (header.flags & kFlagAddressFields)
                                  ? load_address_fields(memory, kernel, header, ceiling, what)
                                  : load_multiboot_elf(memory, kernel, what);
    if (image.low < kLowDataEnd)
        throw Error(what + ": the kernel loads at " + hex(image.low) + ", over emu's boot data below " +
                    hex(kLowDataEnd));

    // The area after the kernel: module list, strings, then the modules.
    const std::vector<Module> modules = parse_modules(config.initrd);
    const std::string cmdline = config.kernel + " " + config.append;  // QEMU's, even with no -append
    const Addr list_at = page_up(image.high);
    Bytes area(modules.size() * kModuleEntrySize, 0);
    auto add_string = [&](const std::string& s) {
        const Addr at = list_at + area.size();
        area.insert(area.end(), s.begin(), s.end());
        area.push_back(0);
        return at;
    };
    std::vector<Addr> module_strings;
    for (const Module& m : modules) module_strings.push_back(add_string(m.text));
    const Addr cmdline_at = add_string(cmdline);
    const Addr loader_name_at = add_string(kLoaderName);

    Addr next = page_up(list_at + area.size());
    if (next > ceiling)
        throw Error(what + ": the kernel and its boot data end at " + hex(next) + ", beyond RAM (" +
                    size_text(config.ram_below_4g) + " below 4 GiB)");
    X86BootPlan plan;
    for (std::size_t i = 0; i < modules.size(); ++i) {
        const std::string module_what = "-initrd module " + modules[i].path;
        std::error_code error;
        const std::uintmax_t size = std::filesystem::file_size(modules[i].path, error);
        if (error) read_file(modules[i].path, "-initrd module");  // throws the reason (missing...)
        if (size > ceiling - next)
            throw Error(module_what + ": " + size_text(size) + " does not fit at " + hex(next) + " below " +
                        hex(ceiling) + " (RAM " + size_text(config.ram_below_4g) + ")");
        const Bytes bytes = read_file(modules[i].path, "-initrd module");
        if (bytes.size() != size) throw Error(module_what + ": the file changed size while being read");
        load_bytes(memory, next, bytes, module_what);
        if (i == 0) plan.initrd_start = next;
        plan.initrd_size = next + size - plan.initrd_start;
        put(area, i * kModuleEntrySize, next, 4);
        put(area, i * kModuleEntrySize + 4, next + size, 4);
        put(area, i * kModuleEntrySize + 8, module_strings[i], 4);
        next = page_up(next + size);
    }
    load_bytes(memory, list_at, area, "the Multiboot module list and strings");

    write_info(memory, config.e820, modules.size(), list_at, cmdline_at, loader_name_at);

    plan.protocol = X86BootPlan::Protocol::Multiboot;
    plan.entry = image.entry;
    plan.params = kX86MultibootInfo;
    plan.cmdline = cmdline_at;
    plan.kernel_start = image.low;
    plan.kernel_end = image.high;
    return plan;
}

}  // namespace emu::x86boot
