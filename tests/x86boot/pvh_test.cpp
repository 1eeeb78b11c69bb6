// PVH boot of ELF kernels on synthetic ELFs: the entry from Xen's PHYS32_ENTRY note, the
// hvm_start_info (command line, initrd as module 0, memory map), and ELFs PVH cannot boot.
#include <gtest/gtest.h>

#include "emu/error.h"
#include "x86boot_harness.h"

namespace {

using namespace x86boot_test;

std::string error_of(emu::AddressSpace& memory, const emu::X86KernelConfig& c) {
    try {
        emu::x86_load_kernel(memory, c);
    } catch (const emu::Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(Pvh, EntryFromTheNoteWithStartInfoInEbx) {
    TempDir dir;
    ElfSpec spec;
    Guest guest(128 * kMiB);
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, config(dir.write("vmlinux", make_elf(spec)), 128 * kMiB));
    EXPECT_EQ(plan.protocol, emu::X86BootPlan::Protocol::Pvh);
    const emu::Cpu::BootState boot = plan.boot_state();
    EXPECT_EQ(boot.entry, 0x1000850u);
    EXPECT_EQ(boot.args, (std::vector<std::uint64_t>{0, 0, 0, emu::kX86PvhStartInfo}));
    // The segment is at its physical address, not its virtual one.
    EXPECT_EQ(guest.read(spec.load_paddr, spec.load_size), pattern(spec.load_size, 0x57));
    EXPECT_EQ(plan.kernel_start, spec.load_paddr);
    EXPECT_EQ(plan.kernel_end, spec.load_paddr + spec.load_size);
}

TEST(Pvh, StartInfoHasCommandLineInitrdModuleAndMemoryMap) {
    TempDir dir;
    const Bytes initrd = pattern(300000, 0x42);
    Guest guest(256 * kMiB);
    emu::X86KernelConfig c = config(dir.write("vmlinux", make_elf({})), 256 * kMiB, dir.write("initrd", initrd),
                                    "earlyprintk=serial console=ttyS0");
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, c);
    const Bytes info = guest.read(emu::kX86PvhStartInfo, 0x38);
    EXPECT_EQ(get(info, 0x00, 4), 0x336ec578u);  // magic
    EXPECT_EQ(get(info, 0x04, 4), 1u);           // version (with memmap)
    EXPECT_EQ(get(info, 0x08, 4), 0u);           // flags
    EXPECT_EQ(get(info, 0x0c, 4), 1u);           // nr_modules
    EXPECT_EQ(get(info, 0x20, 8), 0u);           // rsdp_paddr
    EXPECT_EQ(get(info, 0x34, 4), 0u);           // reserved

    const emu::Addr cmdline = get(info, 0x18, 8);
    EXPECT_EQ(cmdline, emu::kX86CmdLine);
    const Bytes text = guest.read(cmdline, c.append.size() + 1);
    EXPECT_EQ(std::string(text.begin(), text.end() - 1), c.append);
    EXPECT_EQ(text.back(), 0);

    const Bytes module = guest.read(get(info, 0x10, 8), 32);  // hvm_modlist_entry
    const emu::Addr expected_initrd = (256 * kMiB - initrd.size()) & ~emu::Addr{0xfff};
    EXPECT_EQ(get(module, 0, 8), expected_initrd);
    EXPECT_EQ(get(module, 8, 8), initrd.size());
    EXPECT_EQ(get(module, 16, 8), 0u);  // no module command line
    EXPECT_EQ(plan.initrd_start, expected_initrd);
    EXPECT_EQ(guest.read(expected_initrd, initrd.size()), initrd);

    ASSERT_EQ(get(info, 0x30, 4), c.e820.size());  // memmap_entries
    const Bytes memmap = guest.read(get(info, 0x28, 8), 24 * c.e820.size());
    for (std::size_t i = 0; i < c.e820.size(); ++i) {
        EXPECT_EQ(get(memmap, 24 * i, 8), c.e820[i].addr) << i;
        EXPECT_EQ(get(memmap, 24 * i + 8, 8), c.e820[i].size) << i;
        EXPECT_EQ(get(memmap, 24 * i + 16, 4), c.e820[i].type) << i;
        EXPECT_EQ(get(memmap, 24 * i + 20, 4), 0u) << i;
    }
    // The structures do not overlap: start info, module list, memory map, then the zero page's room.
    EXPECT_LT(emu::kX86PvhStartInfo + 0x38, get(info, 0x10, 8));
    EXPECT_LE(get(info, 0x10, 8) + 32, get(info, 0x28, 8));
    EXPECT_LE(get(info, 0x28, 8) + 24 * 128, emu::kX86ZeroPage);
}

TEST(Pvh, AcpiRsdpGoesInTheStartInfo) {
    TempDir dir;
    Guest guest(64 * kMiB);
    emu::X86KernelConfig c = config(dir.write("vmlinux", make_elf({})), 64 * kMiB);
    c.acpi_rsdp = 0xf5a40;
    emu::x86_load_kernel(*guest.memory, c);
    EXPECT_EQ(guest.value(emu::kX86PvhStartInfo + 0x20, 8), 0xf5a40u);  // rsdp_paddr
}

TEST(Pvh, NoInitrdMeansNoModules) {
    TempDir dir;
    Guest guest(64 * kMiB);
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, config(dir.write("vmlinux", make_elf({})), 64 * kMiB));
    EXPECT_EQ(guest.value(emu::kX86PvhStartInfo + 0x0c, 4), 0u);
    EXPECT_EQ(guest.value(emu::kX86PvhStartInfo + 0x10, 8), 0u);
    EXPECT_EQ(plan.initrd_size, 0u);
}

TEST(Pvh, Elf32WithAFourByteNote) {
    TempDir dir;
    ElfSpec spec;
    spec.is_64bit = false;
    spec.machine = EM_386;
    spec.pvh_entry = 0x100020;
    spec.load_paddr = 0x100000;
    Guest guest(64 * kMiB);
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, config(dir.write("vmlinux32", make_elf(spec)), 64 * kMiB));
    EXPECT_EQ(plan.entry, 0x100020u);
    EXPECT_EQ(guest.read(0x100000, spec.load_size), pattern(spec.load_size, 0x57));
}

TEST(Pvh, NoteFoundThroughSectionHeaders) {
    TempDir dir;
    ElfSpec spec;
    spec.notes_in_sections = true;
    Guest guest(64 * kMiB);
    EXPECT_EQ(emu::x86_load_kernel(*guest.memory, config(dir.write("vmlinux", make_elf(spec)), 64 * kMiB)).entry,
              0x1000850u);
}

TEST(Pvh, ElfWithoutTheNoteIsAnError) {
    TempDir dir;
    ElfSpec spec;
    spec.with_pvh_note = false;
    Guest guest(64 * kMiB);
    const std::string kernel = dir.write("vmlinux", make_elf(spec));
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB)),
              "-kernel " + kernel +
                  ": an ELF without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); emu boots ELF kernels through PVH only");
}

TEST(Pvh, NonX86ElfIsAnError) {
    TempDir dir;
    ElfSpec spec;
    spec.is_64bit = false;
    spec.machine = EM_ARM;
    Guest guest(64 * kMiB);
    const std::string kernel = dir.write("vmlinux-arm", make_elf(spec));
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB)), "-kernel " + kernel + ": an ELF for machine 40, not x86");
}

TEST(Pvh, ElfOverTheBootDataIsAnError) {
    TempDir dir;
    ElfSpec spec;
    spec.load_paddr = 0x8000;
    Guest guest(64 * kMiB);
    const std::string kernel = dir.write("low", make_elf(spec));
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB)),
              "-kernel " + kernel + ": the ELF loads at 0x8000, over emu's boot data below 0x30000");
}

TEST(Pvh, ElfOutsideRamIsAnError) {
    TempDir dir;
    ElfSpec spec;
    spec.load_paddr = 0x8000000;  // 128 MiB, RAM is 64
    Guest guest(64 * kMiB);
    EXPECT_NE(error_of(*guest.memory, config(dir.write("high", make_elf(spec)), 64 * kMiB)).find("does not fit in guest memory"),
              std::string::npos);
}

TEST(Pvh, InitrdTooLargeIsAnError) {
    TempDir dir;
    Guest guest(64 * kMiB);
    const emu::X86KernelConfig c =
        config(dir.write("vmlinux", make_elf({})), 64 * kMiB, dir.sparse("big.cpio", 600 * kMiB));
    EXPECT_EQ(error_of(*guest.memory, c), "-initrd " + c.initrd +
                                              ": 600 MiB does not fit below 0x4000000 above the kernel's end "
                                              "0x1003000 (RAM 64 MiB)");
}

}  // namespace
