// Helpers for the x86 direct-boot tests: a RAM-only address space from address 0, a temporary
// directory for image files, and builders of synthetic bzImages and PVH ELF kernels.
#pragma once

#include <elf.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "emu/memory.h"
#include "emu/x86_boot.h"

namespace x86boot_test {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint64_t kMiB = 1 << 20;

inline void put(Bytes& b, std::size_t offset, std::uint64_t value, unsigned size) {
    if (b.size() < offset + size) b.resize(offset + size);
    for (unsigned i = 0; i < size; ++i) b[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

inline std::uint64_t get(const Bytes& b, std::size_t offset, unsigned size) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= std::uint64_t{b.at(offset + i)} << (8 * i);
    return v;
}

// RAM [0, size) in a system address space, as a PC's low memory.
struct Guest {
    std::unique_ptr<emu::MemoryRegion> root = emu::MemoryRegion::container("system", ~emu::Addr(0));
    std::unique_ptr<emu::MemoryRegion> ram;
    std::unique_ptr<emu::AddressSpace> memory;
    explicit Guest(std::uint64_t size) : ram(emu::MemoryRegion::ram("ram", size)) {
        root->add_subregion(0, *ram);
        memory = std::make_unique<emu::AddressSpace>("memory", *root);
    }
    Bytes read(emu::Addr addr, std::size_t length) {
        Bytes bytes(length);
        memory->read(addr, bytes.data(), length);
        return bytes;
    }
    std::uint64_t value(emu::Addr addr, unsigned size) { return get(read(addr, size), 0, size); }
};

class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/emu-x86boot-XXXXXX";
        path_ = ::mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string write(const std::string& name, const Bytes& bytes) const {
        const std::string file = path_ + "/" + name;
        std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                    static_cast<std::streamsize>(bytes.size()));
        return file;
    }
    // A sparse file of `size` bytes (a huge initrd without the disk space).
    std::string sparse(const std::string& name, std::uint64_t size) const {
        const std::string file = path_ + "/" + name;
        std::ofstream(file, std::ios::binary).close();
        std::filesystem::resize_file(file, size);
        return file;
    }

private:
    std::string path_;
};

// Bytes whose every position differs from its neighbours, so a misplaced copy shows.
inline Bytes pattern(std::size_t size, std::uint8_t seed) {
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + seed + (i >> 8));
    return bytes;
}

// A bzImage as Linux's build lays it out: boot sector + setup_sects sectors of setup code with
// the setup header at 0x1f1, then the protected-mode part (here a pattern).
struct BzImageSpec {
    unsigned setup_sects = 4;
    std::uint16_t version = 0x20f;
    std::uint8_t loadflags = 0x01;  // LOADED_HIGH
    std::size_t protected_size = 64 * 1024;
    std::uint32_t initrd_addr_max = 0x7fffffff;
    std::uint32_t kernel_alignment = 0x200000;
    std::uint8_t relocatable = 1;
    std::uint32_t cmdline_size = 2047;
    std::uint64_t pref_address = 0x1000000;
    std::uint32_t init_size = 0x1000000;
};

inline Bytes make_bzimage(const BzImageSpec& spec) {
    const std::size_t setup_size = (spec.setup_sects + 1) * 512;
    Bytes image(setup_size, 0);
    put(image, 0x1f1, spec.setup_sects, 1);
    put(image, 0x1f4, (spec.protected_size + 15) / 16, 4);  // syssize
    put(image, 0x1fe, 0xaa55, 2);                          // boot_flag
    put(image, 0x200, 0x6aeb, 2);                          // jmp +0x6a: header ends at 0x26c
    put(image, 0x202, 0x53726448, 4);                      // "HdrS"
    put(image, 0x206, spec.version, 2);
    put(image, 0x211, spec.loadflags, 1);
    put(image, 0x214, 0x100000, 4);                        // code32_start
    put(image, 0x22c, spec.initrd_addr_max, 4);
    put(image, 0x230, spec.kernel_alignment, 4);
    put(image, 0x234, spec.relocatable, 1);
    put(image, 0x236, 0x7f, 2);                            // xloadflags
    put(image, 0x238, spec.cmdline_size, 4);
    put(image, 0x248, 0x2cc, 4);                           // payload_offset
    put(image, 0x24c, spec.protected_size - 0x2cc, 4);     // payload_length
    put(image, 0x258, spec.pref_address, 8);
    put(image, 0x260, spec.init_size, 4);
    const Bytes body = pattern(spec.protected_size, 0x31);
    image.insert(image.end(), body.begin(), body.end());
    return image;
}

// An x86 ELF kernel: one PT_LOAD of `load_size` bytes at physical `load_paddr`, and a PT_NOTE
// (or, with notes_in_sections, only a SHT_NOTE section) holding a "Linux" note and, unless
// with_pvh_note is false, Xen's PHYS32_ENTRY note (4-byte value in ELF32, 8-byte in ELF64).
struct ElfSpec {
    bool is_64bit = true;
    std::uint16_t machine = EM_X86_64;
    bool with_pvh_note = true;
    bool notes_in_sections = false;
    std::uint64_t pvh_entry = 0x1000850;
    std::uint64_t load_paddr = 0x1000000;
    std::size_t load_size = 0x3000;
};

inline Bytes elf_notes(const ElfSpec& spec) {
    Bytes notes;
    auto add = [&](const char* name, std::uint32_t type, const Bytes& desc) {
        const std::size_t at = notes.size();
        const std::size_t name_size = std::strlen(name) + 1;
        put(notes, at, name_size, 4);
        put(notes, at + 4, desc.size(), 4);
        put(notes, at + 8, type, 4);
        notes.resize(at + 12 + ((name_size + 3) & ~std::size_t{3}), 0);
        std::memcpy(notes.data() + at + 12, name, name_size);
        notes.insert(notes.end(), desc.begin(), desc.end());
        notes.resize((notes.size() + 3) & ~std::size_t{3}, 0);
    };
    add("Linux", 18, Bytes{1, 2, 3, 4, 5, 6});  // type 18 under another name: not the PVH note
    add("Xen", 6, Bytes{'l', 'i', 'n', 'u', 'x', 0});
    if (spec.with_pvh_note) {
        Bytes desc;
        put(desc, 0, spec.pvh_entry, spec.is_64bit ? 8 : 4);
        add("Xen", 18, desc);
    }
    return notes;
}

template <class Ehdr, class Phdr, class Shdr>
Bytes make_elf_class(const ElfSpec& spec) {
    const Bytes notes = elf_notes(spec);
    const Bytes body = pattern(spec.load_size, 0x57);
    const std::size_t phnum = spec.notes_in_sections ? 1 : 2;
    const std::size_t load_at = 0x1000, notes_at = load_at + body.size();
    const std::size_t shoff = (notes_at + notes.size() + 7) & ~std::size_t{7};
    Bytes elf(shoff + 2 * sizeof(Shdr), 0);
    Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = spec.is_64bit ? ELFCLASS64 : ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = spec.machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = 0xc0000000;  // virtual: not where PVH enters
    eh.e_phoff = sizeof(Ehdr);
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Ehdr);
    eh.e_phentsize = sizeof(Phdr);
    eh.e_phnum = static_cast<std::uint16_t>(phnum);
    eh.e_shentsize = sizeof(Shdr);
    eh.e_shnum = 2;
    std::memcpy(elf.data(), &eh, sizeof eh);
    Phdr load{};
    load.p_type = PT_LOAD;
    load.p_offset = load_at;
    load.p_vaddr = 0xc0000000;
    load.p_paddr = spec.load_paddr;
    load.p_filesz = load.p_memsz = body.size();
    std::memcpy(elf.data() + sizeof(Ehdr), &load, sizeof load);
    if (!spec.notes_in_sections) {
        Phdr note{};
        note.p_type = PT_NOTE;
        note.p_offset = notes_at;
        note.p_filesz = notes.size();
        std::memcpy(elf.data() + sizeof(Ehdr) + sizeof(Phdr), &note, sizeof note);
    }
    Shdr section{};  // section 0 stays the null section
    section.sh_type = SHT_NOTE;
    section.sh_offset = notes_at;
    section.sh_size = notes.size();
    std::memcpy(elf.data() + shoff + sizeof(Shdr), &section, sizeof section);
    std::copy(body.begin(), body.end(), elf.begin() + static_cast<std::ptrdiff_t>(load_at));
    std::copy(notes.begin(), notes.end(), elf.begin() + static_cast<std::ptrdiff_t>(notes_at));
    return elf;
}

inline Bytes make_elf(const ElfSpec& spec) {
    return spec.is_64bit ? make_elf_class<Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr>(spec)
                         : make_elf_class<Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr>(spec);
}

inline emu::X86KernelConfig config(const std::string& kernel, std::uint64_t ram, const std::string& initrd = "",
                                   const std::string& append = "console=ttyS0") {
    emu::X86KernelConfig c;
    c.kernel = kernel;
    c.initrd = initrd;
    c.append = append;
    c.ram_below_4g = ram;
    c.e820 = emu::x86_pc_e820(ram, ram);
    return c;
}

}  // namespace x86boot_test
