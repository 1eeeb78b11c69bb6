// Direct Linux boot for the x86 boards (-kernel, -initrd, -append), without firmware: the kit
// loads the images, builds what the kernel reads at entry, and says where the boot CPU starts.
//
// Three kernel formats, told apart by content in this order (QEMU's):
//   bzImage  Linux's x86 boot protocol (Documentation/arch/x86/boot.rst), 32-bit entry: the
//            protected-mode part is loaded at 1 MiB, the zero page (struct boot_params) gets
//            the image's setup header, type_of_loader 0xff, the command line, the initrd and the
//            e820 table; the CPU enters at code32_start with ESI = zero page. Needs boot
//            protocol 2.06 or later and LOADED_HIGH (a bzImage, not an old zImage).
//   ELF      an uncompressed kernel (vmlinux) entered through PVH: the ELF note
//            XEN_ELFNOTE_PHYS32_ENTRY (type 18, name "Xen") gives the 32-bit physical entry; the
//            segments load at their physical addresses; the CPU enters there with EBX = struct
//            hvm_start_info (version 1: command line, the initrd as module 0, the memory map).
//            An ELF without the note is refused.
//   Multiboot a kernel with a Multiboot (version 1) header in its first 8 KiB (magic 0x1BADB002,
//            flags, checksum; tried before PVH, so an ELF with both boots through Multiboot):
//            a 32-bit ELF loads by its program headers, or with header flag bit 16 from the
//            header's address fields (a.out kludge); the CPU enters with EAX = 0x2BADB002 and
//            EBX = the Multiboot information (memory sizes, boot device 0x8000ffff, the command
//            line "<kernel path> <-append>", -initrd as modules "FILE ARGS,FILE ARGS" (",," a
//            comma), the memory map, boot loader name "emu"). As QEMU, a requested video mode
//            (flag bit 2) is warned about and ignored.
// All entries are the Cpu boot-mode flat32 state (x86.h): board code does
//   cpu.set_boot_state(plan.boot_state());
//
// Guest memory the kit uses (all of it must be RAM in the board's map; the e820 the board
// passes should show [0, 640 KiB) and [1 MiB, ram_below_4g) as RAM — Linux itself keeps the
// first MiB for its own use and reserves the kernel and the initrd, so no range needs marking
// reserved):
//   0x0000-0x001f   boot GDT: null, null, 0x10 flat 32-bit code, 0x18 flat data. The flat32
//                   CPU state's GDTR (base 0, limit 0xffff) points here, so the descriptors the
//                   boot protocols require are valid until the kernel loads its own GDT.
//   0x6000-0x6fff   PVH: hvm_start_info (0x6000), the module list (0x6040), the memory map
//                   (0x6100, up to 128 entries)
//   0x7000-0x7fff   bzImage: the zero page
//   0x9000-0x94ff   Multiboot: the memory map (24-byte records: size 20, base, length, type)
//   0x9500-0x9557   Multiboot: the information structure (QEMU's places for both)
//   0x20000-0x2ffff the command line (NUL-terminated)
//   0x100000-       bzImage: the protected-mode kernel; ELF: wherever its segments say;
//                   Multiboot: where the kernel says (not below 0xa000), then from the next
//                   page its module list and strings, then each module, page-aligned
//   top of RAM      the initrd: as high as it fits below ram_below_4g (and below the bzImage's
//                   initrd_addr_max), aligned down to 4 KiB, and above the kernel (a bzImage's
//                   kernel extends to where it unpacks itself: pref_address + init_size)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/cpu.h"
#include "emu/memory.h"

namespace emu {

// One range of the BIOS memory map (INT 15h E820), as the zero page and PVH's memmap carry it.
struct E820Entry {
    enum Type : std::uint32_t { Ram = 1, Reserved = 2, Acpi = 3, Nvs = 4, Unusable = 5 };
    std::uint64_t addr = 0, size = 0;
    std::uint32_t type = Ram;
};

// The memory map of a PC with ram_size bytes of RAM, ram_below_4g of it from address 0 and the
// rest from 4 GiB: RAM [0, 639 KiB), the EBDA and the BIOS area reserved, RAM [1 MiB,
// ram_below_4g), the BIOS ROM's top 256 KiB below 4 GiB reserved, RAM above 4 GiB. Boards
// append their own reserved ranges (kvm's private pages, ACPI tables) or build their own map;
// the kernel sorts it.
std::vector<E820Entry> x86_pc_e820(std::uint64_t ram_size, std::uint64_t ram_below_4g);

struct X86KernelConfig {
    std::string kernel, initrd, append;   // paths (initrd may be empty) and the command line
    std::vector<E820Entry> e820;          // what the kernel is told (at most 128 entries)
    std::uint64_t ram_below_4g = 0;       // RAM is [0, ram_below_4g): the initrd goes at its top
    Addr acpi_rsdp = 0;                   // the board's ACPI RSDP; 0: the kernel scans the BIOS area
};

inline constexpr std::uint32_t kMultibootBootMagic = 0x2badb002;  // EAX at a Multiboot entry

struct X86BootPlan {
    enum class Protocol { BzImage, Pvh, Multiboot };
    Protocol protocol = Protocol::BzImage;
    std::uint16_t boot_protocol_version = 0;  // bzImage: the setup header's version (0x20f = 2.15)
    Addr entry = 0;                  // 32-bit entry (flat32)
    Addr params = 0;                 // zero page (bzImage), hvm_start_info (PVH), Multiboot info
    Addr kernel_start = 0, kernel_end = 0;   // what the kernel occupies, unpacking included
    Addr initrd_start = 0, initrd_size = 0;  // size 0: no initrd (Multiboot: all its modules)
    Addr cmdline = 0;
    // The boot CPU's flat32 boot state: bzImage ESI = zero page, PVH EBX = start_info,
    // Multiboot EAX = its boot magic and EBX = the information structure.
    Cpu::BootState boot_state() const {
        if (protocol == Protocol::Pvh) return {entry, {0, 0, 0, params}};
        if (protocol == Protocol::Multiboot) return {entry, {kMultibootBootMagic, 0, 0, params}};
        return {entry, {0, 0, 0, 0, 0, 0, params}};
    }
};

// Guest addresses of the layout above.
inline constexpr Addr kX86BootGdt = 0x0;
inline constexpr Addr kX86PvhStartInfo = 0x6000;
inline constexpr Addr kX86ZeroPage = 0x7000;
inline constexpr Addr kX86MultibootMmap = 0x9000;
inline constexpr Addr kX86MultibootInfo = 0x9500;
inline constexpr Addr kX86CmdLine = 0x20000;
inline constexpr Addr kX86CmdLineMax = 0x10000;      // bytes available there, NUL included
inline constexpr Addr kX86KernelLoad = 0x100000;

// Load config.kernel (bzImage, Multiboot or PVH ELF) and config.initrd and build the boot data.
// Throws Error with one line for the user: "-kernel FILE: not a bzImage, a Multiboot kernel or
// an ELF with a PVH entry note", a truncated or too old bzImage, a bad Multiboot checksum or
// header, a missing Multiboot module, a command line longer than the kernel takes, an
// initrd that does not fit ("-initrd FILE: 600 MiB does not fit below 0x8000000 (RAM
// 128 MiB)"), an image outside RAM.
X86BootPlan x86_load_kernel(AddressSpace& memory, const X86KernelConfig& config);

}  // namespace emu
