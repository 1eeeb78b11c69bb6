// Linux's x86 boot protocol (32-bit entry) on synthetic bzImages: where the kernel goes, what
// the zero page holds, where the initrd goes, and the errors a user meets.
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

TEST(BzImage, ProtectedModePartAtOneMiBEnteredWithZeroPageInEsi) {
    TempDir dir;
    BzImageSpec spec;
    spec.setup_sects = 7;
    const Bytes image = make_bzimage(spec);
    Guest guest(128 * kMiB);
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, config(dir.write("bzImage", image), 128 * kMiB));
    EXPECT_EQ(plan.protocol, emu::X86BootPlan::Protocol::BzImage);
    EXPECT_EQ(plan.boot_protocol_version, 0x20f);
    EXPECT_EQ(guest.read(0x100000, spec.protected_size), Bytes(image.begin() + 8 * 512, image.end()));
    const emu::Cpu::BootState boot = plan.boot_state();
    EXPECT_EQ(boot.entry, 0x100000u);
    EXPECT_EQ(boot.args, (std::vector<std::uint64_t>{0, 0, 0, 0, 0, 0, emu::kX86ZeroPage}));
    // It unpacks at pref_address (16 MiB) and needs init_size (16 MiB) from there.
    EXPECT_EQ(plan.kernel_start, 0x100000u);
    EXPECT_EQ(plan.kernel_end, 0x2000000u);
}

TEST(BzImage, ZeroPageHoldsTheSetupHeaderAndTheLoaderFields) {
    TempDir dir;
    const Bytes image = make_bzimage({});
    Guest guest(128 * kMiB);
    emu::x86_load_kernel(*guest.memory, config(dir.write("bzImage", image), 128 * kMiB, "", "console=ttyS0 quiet"));
    const Bytes zero_page = guest.read(emu::kX86ZeroPage, 4096);
    for (std::size_t at = 0x1f1; at < 0x26c; ++at) {
        if (at == 0x210 || (at >= 0x218 && at < 0x220) || (at >= 0x228 && at < 0x22c)) continue;  // loader's
        ASSERT_EQ(zero_page[at], image[at]) << "setup header byte 0x" << std::hex << at;
    }
    EXPECT_EQ(get(zero_page, 0x202, 4), 0x53726448u);  // "HdrS"
    EXPECT_EQ(get(zero_page, 0x210, 1), 0xffu);        // type_of_loader: undefined
    EXPECT_EQ(get(zero_page, 0x211, 1) & 1, 1u);       // LOADED_HIGH kept
    EXPECT_EQ(get(zero_page, 0x214, 4), 0x100000u);    // code32_start
    EXPECT_EQ(get(zero_page, 0x228, 4), emu::kX86CmdLine);
    EXPECT_EQ(get(zero_page, 0xc8, 4), 0u);            // ext_cmd_line_ptr
    EXPECT_EQ(get(zero_page, 0x218, 4), 0u);           // no initrd
    EXPECT_EQ(get(zero_page, 0x21c, 4), 0u);
    EXPECT_EQ(get(zero_page, 0x1ef, 1), 0u);           // sentinel: the loader zeroed the page
    for (std::size_t at = 0; at < 0x1e8; ++at) ASSERT_EQ(zero_page[at], 0) << "byte 0x" << std::hex << at;
    const std::string cmdline = "console=ttyS0 quiet";
    const Bytes text = guest.read(emu::kX86CmdLine, cmdline.size() + 1);
    EXPECT_EQ(std::string(text.begin(), text.end() - 1), cmdline);
    EXPECT_EQ(text.back(), 0);
}

TEST(BzImage, E820TableCopiedIntoTheZeroPage) {
    TempDir dir;
    Guest guest(64 * kMiB);
    emu::X86KernelConfig c = config(dir.write("bzImage", make_bzimage({})), 64 * kMiB);
    c.e820 = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0x100000, 0x3f00000, 1}, {0xfeffc000, 0x4000, 2},
              {0x100000000ull, 0x40000000, 1}};
    emu::x86_load_kernel(*guest.memory, c);
    const Bytes zero_page = guest.read(emu::kX86ZeroPage, 4096);
    ASSERT_EQ(get(zero_page, 0x1e8, 1), 5u);  // e820_entries
    for (std::size_t i = 0; i < c.e820.size(); ++i) {
        const std::size_t at = 0x2d0 + 20 * i;
        EXPECT_EQ(get(zero_page, at, 8), c.e820[i].addr) << i;
        EXPECT_EQ(get(zero_page, at + 8, 8), c.e820[i].size) << i;
        EXPECT_EQ(get(zero_page, at + 16, 4), c.e820[i].type) << i;
    }
    EXPECT_EQ(get(zero_page, 0x2d0 + 20 * 5, 8), 0u);
}

TEST(BzImage, AcpiRsdpGoesInTheZeroPage) {
    TempDir dir;
    Guest guest(64 * kMiB);
    emu::X86KernelConfig c = config(dir.write("bzImage", make_bzimage({})), 64 * kMiB);
    c.acpi_rsdp = 0xf5a40;
    emu::x86_load_kernel(*guest.memory, c);
    EXPECT_EQ(guest.value(emu::kX86ZeroPage + 0x070, 8), 0xf5a40u);  // acpi_rsdp_addr
}

TEST(BzImage, TooManyE820EntriesIsAnError) {
    TempDir dir;
    Guest guest(64 * kMiB);
    emu::X86KernelConfig c = config(dir.write("bzImage", make_bzimage({})), 64 * kMiB);
    c.e820.assign(129, {0, 0x1000, 1});
    EXPECT_EQ(error_of(*guest.memory, c), "x86 boot: the memory map has 129 entries; at most 128 fit");
}

TEST(BzImage, InitrdAtTheTopOfRamPageAligned) {
    TempDir dir;
    const Bytes initrd = pattern(kMiB + 123, 0x99);
    Guest guest(128 * kMiB);
    const emu::X86BootPlan plan = emu::x86_load_kernel(
        *guest.memory, config(dir.write("bzImage", make_bzimage({})), 128 * kMiB, dir.write("initrd", initrd)));
    const emu::Addr expected = (128 * kMiB - initrd.size()) & ~emu::Addr{0xfff};
    EXPECT_EQ(plan.initrd_start, expected);
    EXPECT_EQ(plan.initrd_size, initrd.size());
    EXPECT_EQ(guest.read(expected, initrd.size()), initrd);
    EXPECT_EQ(guest.value(emu::kX86ZeroPage + 0x218, 4), expected);        // ramdisk_image
    EXPECT_EQ(guest.value(emu::kX86ZeroPage + 0x21c, 4), initrd.size());   // ramdisk_size
    EXPECT_EQ(guest.value(emu::kX86ZeroPage + 0xc0, 4), 0u);               // ext_ramdisk_image
    EXPECT_EQ(guest.value(emu::kX86ZeroPage + 0xc4, 4), 0u);               // ext_ramdisk_size
}

TEST(BzImage, InitrdStaysBelowInitrdAddrMax) {
    TempDir dir;
    BzImageSpec spec;
    spec.initrd_addr_max = 0x37ffffff;  // 896 MiB - 1, older kernels' limit
    Guest guest(1024 * kMiB);
    const emu::X86BootPlan plan =
        emu::x86_load_kernel(*guest.memory, config(dir.write("bzImage", make_bzimage(spec)), 1024 * kMiB,
                                                   dir.write("initrd", pattern(10000, 1))));
    EXPECT_EQ(plan.initrd_start, (0x38000000u - 10000) & ~0xfffu);
    EXPECT_LE(plan.initrd_start + plan.initrd_size - 1, 0x37ffffffu);
}

TEST(BzImage, InitrdTooLargeForRamIsAnError) {
    TempDir dir;
    Guest guest(128 * kMiB);
    const emu::X86KernelConfig c =
        config(dir.write("bzImage", make_bzimage({})), 128 * kMiB, dir.sparse("big.cpio", 600 * kMiB));
    EXPECT_EQ(error_of(*guest.memory, c), "-initrd " + c.initrd +
                                              ": 600 MiB does not fit below 0x8000000 above the kernel's end "
                                              "0x2000000 (RAM 128 MiB)");
    // One that fits in RAM but not above where the kernel unpacks itself is refused too.
    const emu::X86KernelConfig c2 =
        config(c.kernel, 128 * kMiB, dir.sparse("mid.cpio", 100 * kMiB));
    EXPECT_NE(error_of(*guest.memory, c2).find("100 MiB does not fit below 0x8000000"), std::string::npos);
}

TEST(BzImage, MissingInitrdNamesTheFile) {
    TempDir dir;
    Guest guest(64 * kMiB);
    const std::string error = error_of(
        *guest.memory, config(dir.write("bzImage", make_bzimage({})), 64 * kMiB, "/nonexistent/initrd.gz"));
    EXPECT_EQ(error, "-initrd /nonexistent/initrd.gz: No such file or directory");
}

TEST(BzImage, TruncatedImageIsAnError) {
    TempDir dir;
    Bytes image = make_bzimage({});
    const std::size_t full = image.size();
    image.resize(full - 1000);
    Guest guest(64 * kMiB);
    const std::string kernel = dir.write("bzImage", image);
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB)),
              "-kernel " + kernel + ": truncated bzImage (setup says " + std::to_string(full) + " bytes, file has " +
                  std::to_string(full - 1000) + ")");
    image.resize(0x300);  // not even the setup sectors
    EXPECT_NE(error_of(*guest.memory, config(dir.write("bzImage", image), 64 * kMiB)).find("truncated bzImage"),
              std::string::npos);
}

TEST(BzImage, OldProtocolAndLowLoadingZImageAreRefused) {
    TempDir dir;
    Guest guest(64 * kMiB);
    BzImageSpec old;
    old.version = 0x204;
    const std::string old_kernel = dir.write("old", make_bzimage(old));
    EXPECT_EQ(error_of(*guest.memory, config(old_kernel, 64 * kMiB)),
              "-kernel " + old_kernel + ": Linux boot protocol 2.04 is too old (emu needs 2.06 or later)");
    BzImageSpec low;
    low.loadflags = 0;
    const std::string low_kernel = dir.write("zImage", make_bzimage(low));
    EXPECT_EQ(error_of(*guest.memory, config(low_kernel, 64 * kMiB)),
              "-kernel " + low_kernel +
                  ": a zImage that loads below 1 MiB (LOADED_HIGH clear) is not supported; use a bzImage");
}

TEST(BzImage, CommandLineLongerThanTheKernelTakesIsAnError) {
    TempDir dir;
    BzImageSpec spec;
    spec.cmdline_size = 255;
    Guest guest(64 * kMiB);
    const std::string kernel = dir.write("bzImage", make_bzimage(spec));
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB, "", std::string(256, 'x'))),
              "-append: the command line is 256 bytes; this kernel takes at most 255");
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB, "", std::string(255, 'x'))), "(no error)");
}

TEST(BzImage, RamTooSmallToUnpackTheKernelIsAnError) {
    TempDir dir;
    BzImageSpec spec;
    spec.init_size = 0x2000000;  // 32 MiB from 16 MiB
    Guest guest(32 * kMiB);
    const std::string kernel = dir.write("bzImage", make_bzimage(spec));
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 32 * kMiB)),
              "-kernel " + kernel + ": the kernel needs RAM up to 0x3000000 to unpack itself (RAM 32 MiB)");
}

TEST(BzImage, BootGdtHoldsFlatSegmentsAtTheBootSelectors) {
    TempDir dir;
    Guest guest(64 * kMiB);
    emu::x86_load_kernel(*guest.memory, config(dir.write("bzImage", make_bzimage({})), 64 * kMiB));
    EXPECT_EQ(guest.value(emu::kX86BootGdt + 0x10, 8), 0x00cf9b000000ffffull);  // __BOOT_CS
    EXPECT_EQ(guest.value(emu::kX86BootGdt + 0x18, 8), 0x00cf93000000ffffull);  // __BOOT_DS
}

TEST(Kernel, NeitherBzImageNorElfIsAnError) {
    TempDir dir;
    Guest guest(64 * kMiB);
    const std::string kernel = dir.write("random", pattern(4096, 3));
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB)),
              "-kernel " + kernel + ": not a bzImage, a Multiboot kernel or an ELF with a PVH entry note");
    EXPECT_EQ(error_of(*guest.memory, config("/nonexistent/bzImage", 64 * kMiB)),
              "-kernel /nonexistent/bzImage: No such file or directory");
}

TEST(Kernel, PcMemoryMap) {
    using E = emu::E820Entry;
    const std::vector<E> map = emu::x86_pc_e820(5ull << 30, 3ull << 30);
    ASSERT_EQ(map.size(), 6u);
    auto same = [](const E& a, const E& b) { return a.addr == b.addr && a.size == b.size && a.type == b.type; };
    EXPECT_TRUE(same(map[0], {0, 0x9fc00, E::Ram}));
    EXPECT_TRUE(same(map[1], {0x9fc00, 0x400, E::Reserved}));
    EXPECT_TRUE(same(map[2], {0xf0000, 0x10000, E::Reserved}));
    EXPECT_TRUE(same(map[3], {0x100000, (3ull << 30) - 0x100000, E::Ram}));
    EXPECT_TRUE(same(map[4], {0xfffc0000, 0x40000, E::Reserved}));
    EXPECT_TRUE(same(map[5], {1ull << 32, 2ull << 30, E::Ram}));
    EXPECT_EQ(emu::x86_pc_e820(128 * kMiB, 128 * kMiB).size(), 5u);  // nothing above 4 GiB
}

}  // namespace
