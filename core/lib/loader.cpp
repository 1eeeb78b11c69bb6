#include "emu/loader.h"

#include <elf.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "emu/error.h"

namespace emu {

std::vector<std::uint8_t> read_file(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(what + " " + path + ": " + std::strerror(errno));
    const std::streamsize size = in.tellg();
    if (size < 0) throw Error(what + " " + path + ": cannot determine its size");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
        throw Error(what + " " + path + ": read error");
    return bytes;
}

void load_bytes(AddressSpace& memory, Addr addr, const std::vector<std::uint8_t>& bytes,
                const std::string& what) {
    if (bytes.empty()) return;
    for (Addr done = 0; done < bytes.size();) {
        AddressSpace::RamSpan span = memory.ram_span(addr + done);
        if (!span.host)
            throw Error(what + " does not fit in guest memory (" + std::to_string(bytes.size()) +
                        " bytes at 0x" + [&] {
                            char buf[24];
                            std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(addr));
                            return std::string(buf);
                        }() + ")");
        const Addr chunk = std::min<Addr>(span.length, bytes.size() - done);
        std::memcpy(span.host, bytes.data() + done, chunk);
        done += chunk;
    }
}

bool is_elf(const std::vector<std::uint8_t>& bytes) {
    return bytes.size() >= EI_NIDENT && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

namespace {

template <class Ehdr, class Phdr>
ElfImage load_elf_class(AddressSpace& memory, const std::vector<std::uint8_t>& bytes, const std::string& what) {
    auto fail = [&](const std::string& why) { return Error(what + ": " + why); };
    if (bytes.size() < sizeof(Ehdr)) throw fail("truncated ELF header");
    Ehdr eh;
    std::memcpy(&eh, bytes.data(), sizeof eh);
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) throw fail("big-endian ELF is not supported");
    if (eh.e_phentsize != sizeof(Phdr)) throw fail("unexpected ELF program header size");
    const std::uint64_t table_end = std::uint64_t(eh.e_phoff) + std::uint64_t(eh.e_phnum) * sizeof(Phdr);
    if (table_end > bytes.size()) throw fail("truncated ELF program headers");
    ElfImage image;
    image.entry = eh.e_entry;
    image.machine = eh.e_machine;
    image.is_64bit = sizeof(Ehdr) == sizeof(Elf64_Ehdr);
    image.low = ~Addr(0);
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Phdr ph;
        std::memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof(Phdr), sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz) throw fail("segment " + std::to_string(i) + " has filesz > memsz");
        if (std::uint64_t(ph.p_offset) + ph.p_filesz > bytes.size())
            throw fail("segment " + std::to_string(i) + " extends past the end of the file (truncated?)");
        std::vector<std::uint8_t> segment(ph.p_memsz, 0);
        std::memcpy(segment.data(), bytes.data() + ph.p_offset, ph.p_filesz);
        load_bytes(memory, ph.p_paddr, segment, what + " segment " + std::to_string(i));
        image.low = std::min<Addr>(image.low, ph.p_paddr);
        image.high = std::max<Addr>(image.high, ph.p_paddr + ph.p_memsz);
    }
    if (image.low == ~Addr(0)) throw fail("ELF has no loadable segment");
    return image;
}

}  // namespace

ElfImage load_elf(AddressSpace& memory, const std::vector<std::uint8_t>& bytes, const std::string& what) {
    if (!is_elf(bytes)) throw Error(what + ": not an ELF file");
    if (bytes[EI_CLASS] == ELFCLASS32) return load_elf_class<Elf32_Ehdr, Elf32_Phdr>(memory, bytes, what);
    if (bytes[EI_CLASS] == ELFCLASS64) return load_elf_class<Elf64_Ehdr, Elf64_Phdr>(memory, bytes, what);
    throw Error(what + ": unknown ELF class");
}

}  // namespace emu
