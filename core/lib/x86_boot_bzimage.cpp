// Linux's x86 boot protocol, 32-bit entry (Documentation/arch/x86/boot.rst): the bzImage's
// protected-mode part at 1 MiB, and a zero page (struct boot_params) holding the image's setup
// header plus what the loader fills in.
#include <algorithm>
#include <cstdio>

#include "emu/error.h"
#include "emu/loader.h"
#include "x86_boot_internal.h"

namespace emu::x86boot {

namespace {

// The setup header, at these offsets both in the image and in the zero page.
enum HeaderField : std::size_t {
    kSetupSects = 0x1f1,       // 1: 512-byte sectors of setup code after the boot sector; 0 = 4
    kSysSize = 0x1f4,          // 4: protected-mode size in 16-byte paragraphs (2.04+)
    kJump = 0x200,             // 2: a short jump; its offset byte (0x201) gives the header's end
    kMagic = 0x202,            // 4: "HdrS"
    kVersion = 0x206,          // 2: boot protocol version (0x20f = 2.15)
    kTypeOfLoader = 0x210,     // 1
    kLoadFlags = 0x211,        // 1
    kCode32Start = 0x214,      // 4
    kRamdiskImage = 0x218,     // 4
    kRamdiskSize = 0x21c,      // 4
    kCmdLinePtr = 0x228,       // 4 (2.02+)
    kInitrdAddrMax = 0x22c,    // 4: highest address the initrd may occupy (2.03+)
    kKernelAlignment = 0x230,  // 4 (2.05+)
    kRelocatable = 0x234,      // 1 (2.05+)
    kCmdLineSize = 0x238,      // 4: longest command line, NUL excluded (2.06+)
    kPrefAddress = 0x258,      // 8: where it prefers to run (2.10+)
    kInitSize = 0x260,         // 4: bytes needed from there to unpack and start (2.10+)
};
// Zero-page fields outside the setup header.
enum ZeroPageField : std::size_t {
    kAcpiRsdpAddr = 0x070,     // 8
    kExtRamdiskImage = 0x0c0,  // high 32 bits of ramdisk_image
    kExtRamdiskSize = 0x0c4,
    kExtCmdLinePtr = 0x0c8,
    kE820Entries = 0x1e8,      // 1
    kE820Table = 0x2d0,        // 20-byte records
    kZeroPageSize = 0x1000,
    kHeaderLimit = 0x290,      // the setup header's room in struct boot_params
};
constexpr std::uint8_t kLoadedHigh = 0x01;     // loadflags: protected-mode part at 0x100000
constexpr std::uint8_t kLoaderUndefined = 0xff;
constexpr std::uint16_t kMinVersion = 0x206;   // cmdline_size and everything before it
constexpr std::uint32_t kOldInitrdAddrMax = 0x37ffffff;  // before 2.03

std::string version_text(std::uint64_t version) {
    char text[16];
    std::snprintf(text, sizeof text, "%u.%02u", unsigned(version >> 8), unsigned(version & 0xff));
    return text;
}

}  // namespace

bool is_bzimage(const Bytes& kernel) {
    return kernel.size() >= kMagic + 4 && get(kernel, kMagic, 4) == 0x53726448;  // "HdrS"
}

X86BootPlan load_bzimage(AddressSpace& memory, const X86KernelConfig& config, const Bytes& kernel) {
    const std::string what = "-kernel " + config.kernel;
    const std::uint64_t version = get(kernel, kVersion, 2);
    const std::size_t header_end = std::min<std::size_t>(kJump + 2 + kernel.at(kJump + 1), kHeaderLimit);
    const unsigned setup_sects = kernel.at(kSetupSects) ? kernel.at(kSetupSects) : 4;
    const std::uint64_t setup_size = (setup_sects + 1) * 512ull;
    const std::uint64_t needed = setup_size + (version >= 0x204 ? get(kernel, kSysSize, 4) * 16 : 0);
    if (kernel.size() < std::max<std::uint64_t>(needed, header_end) || kernel.size() <= setup_size)
        throw Error(what + ": truncated bzImage (setup says " + std::to_string(needed) + " bytes, file has " +
                    std::to_string(kernel.size()) + ")");
    if (version < kMinVersion)
        throw Error(what + ": Linux boot protocol " + version_text(version) + " is too old (emu needs " +
                    version_text(kMinVersion) + " or later)");
    if (!(get(kernel, kLoadFlags, 1) & kLoadedHigh))
        throw Error(what + ": a zImage that loads below 1 MiB (LOADED_HIGH clear) is not supported; use a bzImage");

    X86BootPlan plan;
    plan.protocol = X86BootPlan::Protocol::BzImage;
    plan.boot_protocol_version = static_cast<std::uint16_t>(version);
    plan.entry = kX86KernelLoad;
    plan.params = kX86ZeroPage;
    plan.cmdline = kX86CmdLine;

    // Where the kernel runs: it unpacks itself to pref_address (a relocatable one: its load
    // address rounded up to kernel_alignment, if that is higher) and needs init_size from there.
    const Bytes protected_mode(kernel.begin() + static_cast<std::ptrdiff_t>(setup_size), kernel.end());
    plan.kernel_start = kX86KernelLoad;
    plan.kernel_end = kX86KernelLoad + protected_mode.size();
    if (version >= 0x20a) {
        const std::uint64_t alignment = std::max<std::uint64_t>(get(kernel, kKernelAlignment, 4), 1);
        const std::uint64_t preferred = get(kernel, kPrefAddress, 8);
        std::uint64_t runs_at = preferred;
        if (get(kernel, kRelocatable, 1))
            runs_at = std::max(runs_at, (kX86KernelLoad + alignment - 1) / alignment * alignment);
        plan.kernel_end = std::max(plan.kernel_end, runs_at + get(kernel, kInitSize, 4));
    }
    if (plan.kernel_end > config.ram_below_4g)
        throw Error(what + ": the kernel needs RAM up to " + hex(plan.kernel_end) + " to unpack itself (RAM " +
                    size_text(config.ram_below_4g) + ")");
    load_bytes(memory, kX86KernelLoad, protected_mode, what);

    write_cmdline(memory, config.append, get(kernel, kCmdLineSize, 4));
    const Addr initrd_max = version >= 0x203 ? get(kernel, kInitrdAddrMax, 4) : kOldInitrdAddrMax;
    load_initrd(memory, config, std::min<Addr>(initrd_max + 1, config.ram_below_4g), plan);

    Bytes zero_page(kZeroPageSize, 0);
    std::copy(kernel.begin() + kSetupSects, kernel.begin() + static_cast<std::ptrdiff_t>(header_end),
              zero_page.begin() + kSetupSects);
    put(zero_page, kAcpiRsdpAddr, config.acpi_rsdp, 8);
    put(zero_page, kTypeOfLoader, kLoaderUndefined, 1);
    put(zero_page, kCode32Start, kX86KernelLoad, 4);
    put(zero_page, kCmdLinePtr, plan.cmdline, 4);
    put(zero_page, kExtCmdLinePtr, plan.cmdline >> 32, 4);
    put(zero_page, kRamdiskImage, plan.initrd_start, 4);
    put(zero_page, kExtRamdiskImage, plan.initrd_start >> 32, 4);
    put(zero_page, kRamdiskSize, plan.initrd_size, 4);
    put(zero_page, kExtRamdiskSize, plan.initrd_size >> 32, 4);
    const Bytes e820 = e820_records(config.e820, 20);
    put(zero_page, kE820Entries, config.e820.size(), 1);
    std::copy(e820.begin(), e820.end(), zero_page.begin() + kE820Table);
    load_bytes(memory, plan.params, zero_page, "the zero page");
    return plan;
}

}  // namespace emu::x86boot
