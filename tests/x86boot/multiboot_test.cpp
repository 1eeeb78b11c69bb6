// Multiboot (version 1) direct boot on synthetic kernels: a higher-half ELF and an a.out-kludge
// image (header address fields), the information structure QEMU's loader builds, -initrd as
// modules, the format order against PVH, and the one-line errors.
#include <gtest/gtest.h>

#include "emu/error.h"
#include "x86boot_harness.h"

namespace {

using namespace x86boot_test;

constexpr std::uint32_t kMagic = 0x1badb002;
constexpr std::uint32_t kFlagPageAlign = 1u << 0, kFlagMemInfo = 1u << 1, kFlagVideo = 1u << 2;
constexpr std::uint32_t kFlagAddresses = 1u << 16;

std::string error_of(emu::AddressSpace& memory, const emu::X86KernelConfig& c) {
    try {
        emu::x86_load_kernel(memory, c);
    } catch (const emu::Error& e) {
        return e.what();
    }
    return "(no error)";
}

// The 12-byte header (or 32 with the address fields) at `at` in `image`.
void put_header(Bytes& image, std::size_t at, std::uint32_t flags, std::uint32_t checksum_error = 0) {
    put(image, at, kMagic, 4);
    put(image, at + 4, flags, 4);
    put(image, at + 8, static_cast<std::uint32_t>(-(kMagic + flags)) + checksum_error, 4);
}

// A 32-bit x86 ELF linked in the higher half: one executable PT_LOAD at physical 0x100000,
// virtual 0xc0100000, its first bytes the Multiboot header, bss after the file part.
struct MbElfSpec {
    std::uint16_t machine = EM_386;
    std::uint32_t flags = kFlagPageAlign | kFlagMemInfo;
    std::uint32_t checksum_error = 0;
    std::uint32_t paddr = 0x100000;
    std::size_t file_size = 0x2000, mem_size = 0x5000;
};
constexpr std::uint32_t kElfVaddr = 0xc0100000, kElfEntryOffset = 0x40;

Bytes make_mb_elf(const MbElfSpec& spec) {
    constexpr std::size_t kSegmentAt = 0x1000;
    Bytes elf(kSegmentAt, 0);
    Elf32_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = spec.machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = kElfVaddr + kElfEntryOffset;  // virtual: the loader moves it to the physical one
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = 1;
    std::memcpy(elf.data(), &eh, sizeof eh);
    Elf32_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_X;
    ph.p_offset = kSegmentAt;
    ph.p_vaddr = kElfVaddr;
    ph.p_paddr = spec.paddr;
    ph.p_filesz = static_cast<Elf32_Word>(spec.file_size);
    ph.p_memsz = static_cast<Elf32_Word>(spec.mem_size);
    std::memcpy(elf.data() + sizeof eh, &ph, sizeof ph);
    Bytes body = pattern(spec.file_size, 0x23);
    put_header(body, 0, spec.flags, spec.checksum_error);
    elf.insert(elf.end(), body.begin(), body.end());
    return elf;
}

// A flat binary with the address fields: the header at file offset 0x40, the file loaded from
// its start at load_addr, bss to bss_end.
struct AoutSpec {
    std::uint32_t load_addr = 0x200000;
    std::uint32_t header_addr = 0x200040;
    std::size_t file_size = 0x3000;
    std::uint32_t load_end = 0x203000;  // 0: to the end of the file
    std::uint32_t bss_end = 0x206000;   // 0: no bss
    std::uint32_t entry = 0x200100;
};

Bytes make_aout(const AoutSpec& spec) {
    Bytes image = pattern(spec.file_size, 0x61);
    put_header(image, 0x40, kFlagPageAlign | kFlagMemInfo | kFlagAddresses);
    put(image, 0x40 + 12, spec.header_addr, 4);
    put(image, 0x40 + 16, spec.load_addr, 4);
    put(image, 0x40 + 20, spec.load_end, 4);
    put(image, 0x40 + 24, spec.bss_end, 4);
    put(image, 0x40 + 28, spec.entry, 4);
    return image;
}

emu::X86BootPlan boot(Guest& guest, const TempDir& dir, const std::string& name, const Bytes& image) {
    return emu::x86_load_kernel(*guest.memory, config(dir.write(name, image), 64 * kMiB));
}

std::string c_string(Guest& guest, emu::Addr at) {
    std::string s;
    for (char c; (c = static_cast<char>(guest.value(at++, 1))) != 0;) s += c;
    return s;
}

TEST(Multiboot, ElfLoadsByPhysicalAddressAndEntersWithTheMagic) {
    TempDir dir;
    MbElfSpec spec;
    Guest guest(64 * kMiB);
    guest.memory->write(0x100000 + spec.file_size, Bytes(spec.mem_size - spec.file_size, 0xee).data(),
                        spec.mem_size - spec.file_size);  // bss must come out zeroed
    const emu::X86BootPlan plan = boot(guest, dir, "mb.elf", make_mb_elf(spec));
    EXPECT_EQ(plan.protocol, emu::X86BootPlan::Protocol::Multiboot);
    const emu::Cpu::BootState boot = plan.boot_state();
    EXPECT_EQ(boot.entry, 0x100000u + kElfEntryOffset);  // e_entry translated to the physical address
    EXPECT_EQ(boot.args, (std::vector<std::uint64_t>{0x2badb002, 0, 0, emu::kX86MultibootInfo}));
    Bytes body = pattern(spec.file_size, 0x23);
    put_header(body, 0, spec.flags);
    EXPECT_EQ(guest.read(0x100000, spec.file_size), body);
    EXPECT_EQ(guest.read(0x100000 + spec.file_size, spec.mem_size - spec.file_size),
              Bytes(spec.mem_size - spec.file_size, 0));
    EXPECT_EQ(plan.kernel_start, 0x100000u);
    EXPECT_EQ(plan.kernel_end, 0x100000u + spec.mem_size);
    EXPECT_EQ(plan.initrd_size, 0u);
    // The boot GDT is there as for the other protocols.
    EXPECT_EQ(guest.value(emu::kX86BootGdt + 0x10, 8), 0x00cf9b000000ffffull);
}

TEST(Multiboot, InformationStructureAsQemuFillsIt) {
    TempDir dir;
    Guest guest(128 * kMiB);
    emu::X86KernelConfig c = config(dir.write("mb.elf", make_mb_elf({})), 128 * kMiB, "", "test=1 console=e9");
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, c);
    const Bytes info = guest.read(emu::kX86MultibootInfo, 88);
    EXPECT_EQ(get(info, 0, 4), 0x24fu);  // MEM | BOOTDEV | CMDLINE | MODS | MMAP | LOADER_NAME
    EXPECT_EQ(get(info, 4, 4), 639u);    // mem_lower: RAM at 0 stops at the EBDA
    EXPECT_EQ(get(info, 8, 4), (128 * kMiB - kMiB) / 1024);  // mem_upper
    EXPECT_EQ(get(info, 12, 4), 0x8000ffffu);
    EXPECT_EQ(c_string(guest, get(info, 16, 4)), c.kernel + " test=1 console=e9");
    EXPECT_EQ(get(info, 16, 4), plan.cmdline);
    EXPECT_EQ(get(info, 20, 4), 0u);                       // mods_count
    EXPECT_EQ(get(info, 24, 4), 0x100000u + 0x5000);       // mods_addr: the page after the kernel
    EXPECT_EQ(c_string(guest, get(info, 64, 4)), "emu");   // boot_loader_name
    for (std::size_t f : {28u, 32u, 36u, 40u, 52u, 56u, 60u, 68u, 72u, 76u, 80u, 84u})
        EXPECT_EQ(get(info, f, 4), 0u) << f;

    ASSERT_EQ(get(info, 44, 4), 24 * c.e820.size());  // mmap_length
    EXPECT_EQ(get(info, 48, 4), emu::kX86MultibootMmap);
    const Bytes mmap = guest.read(emu::kX86MultibootMmap, 24 * c.e820.size());
    for (std::size_t i = 0; i < c.e820.size(); ++i) {
        EXPECT_EQ(get(mmap, 24 * i, 4), 20u) << i;  // size, not counting itself
        EXPECT_EQ(get(mmap, 24 * i + 4, 8), c.e820[i].addr) << i;
        EXPECT_EQ(get(mmap, 24 * i + 12, 8), c.e820[i].size) << i;
        EXPECT_EQ(get(mmap, 24 * i + 20, 4), c.e820[i].type) << i;
    }
}

TEST(Multiboot, MemUpperStopsAtTheFirstHole) {
    TempDir dir;
    Guest guest(64 * kMiB);
    emu::X86KernelConfig c = config(dir.write("mb.elf", make_mb_elf({})), 60 * kMiB);
    // As the pc board does: the top of low RAM is ACPI data, not RAM; the map is unordered.
    c.e820 = {{kMiB, 59 * kMiB, emu::E820Entry::Ram}, {60 * kMiB, 4 * kMiB, emu::E820Entry::Acpi},
              {0, 639 * 1024, emu::E820Entry::Ram}, {0xf0000, 0x10000, emu::E820Entry::Reserved}};
    emu::x86_load_kernel(*guest.memory, c);
    EXPECT_EQ(guest.value(emu::kX86MultibootInfo + 8, 4), 59 * 1024u);
    EXPECT_EQ(guest.value(emu::kX86MultibootInfo + 4, 4), 639u);
}

TEST(Multiboot, InitrdIsAListOfPageAlignedModulesWithTheirStrings) {
    TempDir dir;
    Guest guest(64 * kMiB);
    const Bytes one = pattern(5000, 0x11), two = pattern(3, 0x22), three = pattern(4096, 0x33);
    const std::string a = dir.write("a.bin", one), b = dir.write("b,c.bin", two), d = dir.write("d.bin", three);
    std::string b_escaped = b;
    b_escaped.replace(b_escaped.find(','), 1, ",,");
    emu::X86KernelConfig c = config(dir.write("mb.elf", make_mb_elf({})), 64 * kMiB,
                                    a + " first arg," + b_escaped + "," + d + " x=1", "");
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, c);
    const Bytes info = guest.read(emu::kX86MultibootInfo, 88);
    ASSERT_EQ(get(info, 20, 4), 3u);
    const emu::Addr list = get(info, 24, 4);
    EXPECT_EQ(list, 0x105000u);
    const Bytes mods = guest.read(list, 48);
    const std::vector<Bytes> contents{one, two, three};
    const std::vector<std::string> strings{a + " first arg", b, d + " x=1"};
    emu::Addr previous_end = list + 48;
    for (std::size_t i = 0; i < 3; ++i) {
        const emu::Addr start = get(mods, 16 * i, 4), end = get(mods, 16 * i + 4, 4);
        EXPECT_EQ(start % 4096, 0u) << i;
        EXPECT_GE(start, previous_end) << i;
        EXPECT_EQ(end - start, contents[i].size()) << i;  // mod_end is exclusive
        EXPECT_EQ(guest.read(start, contents[i].size()), contents[i]) << i;
        EXPECT_EQ(c_string(guest, get(mods, 16 * i + 8, 4)), strings[i]) << i;
        EXPECT_EQ(get(mods, 16 * i + 12, 4), 0u) << i;
        previous_end = end;
    }
    EXPECT_EQ(plan.initrd_start, get(mods, 0, 4));
    EXPECT_EQ(plan.initrd_start + plan.initrd_size, get(mods, 36, 4));
    // No -append: QEMU still puts the space after the kernel's path.
    EXPECT_EQ(c_string(guest, get(info, 16, 4)), c.kernel + " ");
}

TEST(Multiboot, AddressFieldsLoadAFlatImage) {
    TempDir dir;
    AoutSpec spec;
    Guest guest(64 * kMiB);
    guest.memory->write(0x203000, Bytes(0x3000, 0xee).data(), 0x3000);
    const emu::X86BootPlan plan = boot(guest, dir, "mb.bin", make_aout(spec));
    EXPECT_EQ(plan.protocol, emu::X86BootPlan::Protocol::Multiboot);
    EXPECT_EQ(plan.boot_state().entry, 0x200100u);
    EXPECT_EQ(guest.read(0x200000, 0x3000), make_aout(spec));
    EXPECT_EQ(guest.read(0x203000, 0x3000), Bytes(0x3000, 0));
    EXPECT_EQ(plan.kernel_end, 0x206000u);
    EXPECT_EQ(guest.value(emu::kX86MultibootInfo + 24, 4), 0x206000u);  // module list after the bss
}

TEST(Multiboot, AddressFieldsFromTheMiddleOfTheFile) {
    // load_addr after the file's start: the bytes before it are not loaded; load_end 0 loads to
    // the end of the file, bss_end 0 means none.
    TempDir dir;
    AoutSpec spec;
    spec.load_addr = 0x200020;
    spec.load_end = 0;
    spec.bss_end = 0;
    Guest guest(64 * kMiB);
    const emu::X86BootPlan plan = boot(guest, dir, "mb.bin", make_aout(spec));
    const Bytes image = make_aout(spec);
    EXPECT_EQ(guest.read(0x200020, image.size() - 0x20), Bytes(image.begin() + 0x20, image.end()));
    EXPECT_EQ(guest.value(0x200000, 4), 0u);
    EXPECT_EQ(plan.kernel_end, 0x200020u + image.size() - 0x20);
}

TEST(Multiboot, ComesBeforePvhAsInQemu) {
    TempDir dir;
    ElfSpec spec;
    spec.is_64bit = false;
    spec.machine = EM_386;
    spec.pvh_entry = 0x1000850;
    Bytes elf = make_elf(spec);  // its segment (file offset 0x1000) starts with a Multiboot header
    put_header(elf, 0x1000, kFlagMemInfo);
    Guest guest(64 * kMiB);
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, config(dir.write("both.elf", elf), 64 * kMiB));
    EXPECT_EQ(plan.protocol, emu::X86BootPlan::Protocol::Multiboot);
    EXPECT_EQ(plan.boot_state().args.at(0), 0x2badb002u);
}

TEST(Multiboot, VideoModeFlagIsWarnedAboutNotRefused) {
    TempDir dir;
    MbElfSpec spec;
    spec.flags |= kFlagVideo | (1u << 15);  // QEMU refuses no flag bits either
    Guest guest(64 * kMiB);
    testing::internal::CaptureStderr();
    const emu::X86BootPlan plan = boot(guest, dir, "mb.elf", make_mb_elf(spec));
    const std::string warning = testing::internal::GetCapturedStderr();
    EXPECT_EQ(plan.protocol, emu::X86BootPlan::Protocol::Multiboot);
    EXPECT_NE(warning.find("asks for a video mode"), std::string::npos) << warning;
}

TEST(Multiboot, Errors) {
    TempDir dir;
    Guest guest(64 * kMiB);
    auto error = [&](const Bytes& image, const std::string& initrd = "") {
        const std::string kernel = dir.write("k", image);
        const std::string e = error_of(*guest.memory, config(kernel, 64 * kMiB, initrd));
        EXPECT_EQ(e.find('\n'), std::string::npos) << e;
        EXPECT_TRUE(e.rfind("-kernel " + kernel, 0) == 0 || e.rfind("-initrd ", 0) == 0) << e;
        return e.substr(e.find(": ") + 2);
    };
    MbElfSpec bad_sum;
    bad_sum.checksum_error = 1;
    EXPECT_EQ(error(make_mb_elf(bad_sum)),
              "an ELF without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); emu boots ELF kernels through PVH only; "
              "it has a Multiboot header at offset 0x1000 with a bad checksum (magic + flags + checksum must be 0)");
    Bytes flat = make_aout({});
    put(flat, 0x48, get(flat, 0x48, 4) + 1, 4);
    EXPECT_EQ(error(flat),
              "a Multiboot header at offset 0x40 with a bad checksum (magic + flags + checksum must be 0)");

    Bytes truncated = make_aout({});
    truncated.resize(0x40 + 20);
    EXPECT_EQ(error(truncated), "truncated Multiboot header: the file ends inside its address fields");

    AoutSpec low_header;
    low_header.header_addr = 0x1fff00;
    EXPECT_EQ(error(make_aout(low_header)), "Multiboot header_addr 0x1fff00 is below load_addr 0x200000");
    AoutSpec before_file;
    before_file.load_addr = 0x1fff00;
    EXPECT_EQ(error(make_aout(before_file)),
              "Multiboot load_addr 0x1fff00 is before the start of the file (header_addr 0x200040, "
              "header at file offset 0x40)");
    AoutSpec long_load;
    long_load.load_end = 0x204000;
    EXPECT_EQ(error(make_aout(long_load)),
              "truncated: load_end_addr 0x204000 needs 0x4000 bytes of file, it has 0x3000");
    AoutSpec short_bss;
    short_bss.bss_end = 0x202000;
    EXPECT_EQ(error(make_aout(short_bss)), "Multiboot bss_end_addr 0x202000 is below the loaded image's end 0x203000");
    AoutSpec outside;
    outside.load_addr = 0x8000000;
    outside.header_addr = 0x8000040;
    outside.load_end = 0x8003000;
    outside.bss_end = 0;
    EXPECT_EQ(error(make_aout(outside)), "the kernel at 0x8000000-0x8003000 does not fit in RAM (64 MiB below 4 GiB)");

    MbElfSpec elf_outside;
    elf_outside.paddr = 0x8000000;
    EXPECT_NE(error(make_mb_elf(elf_outside)).find("does not fit in guest memory"), std::string::npos);
    MbElfSpec x86_64;
    x86_64.machine = EM_X86_64;
    EXPECT_EQ(error(make_mb_elf(x86_64)),
              "a Multiboot ELF must be 32-bit x86 (EM_386), this one is for machine 62 (x86-64)");
    MbElfSpec in_boot_data;
    in_boot_data.paddr = 0x8000;
    EXPECT_EQ(error(make_mb_elf(in_boot_data)), "the kernel loads at 0x8000, over emu's boot data below 0xa000");
    Bytes no_fields = pattern(0x2000, 9);
    put_header(no_fields, 0x100, kFlagMemInfo);
    EXPECT_EQ(error(no_fields),
              "a Multiboot kernel that is not an ELF needs the header's address fields (flag bit 16)");

    const std::string kernel = dir.write("mb.elf", make_mb_elf({}));
    const std::string modules = dir.write("m.bin", Bytes(10, 1)) + " arg,/nonexistent/mod.bin x";
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB, modules)),
              "-initrd module /nonexistent/mod.bin: No such file or directory");
    EXPECT_EQ(error(make_mb_elf({}), ",/a"), "a Multiboot module without a file name");
}

TEST(Multiboot, HeaderOnlyInTheFirst8KiB) {
    TempDir dir;
    Guest guest(64 * kMiB);
    Bytes late = make_aout({});
    late.resize(0x3000);
    Bytes moved(8192, 0);  // the same header, but at offset 8192: not a Multiboot kernel
    moved.insert(moved.end(), late.begin(), late.end());
    const std::string kernel = dir.write("late", moved);
    EXPECT_EQ(error_of(*guest.memory, config(kernel, 64 * kMiB)),
              "-kernel " + kernel + ": not a bzImage, a Multiboot kernel or an ELF with a PVH entry note");
}

}  // namespace
