// Loading guest images into memory: whole files, ELF executables, and the guards that turn a
// missing, truncated or oversized image into one clear error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/memory.h"

namespace emu {

// The file's bytes; throws Error("<what> <path>: <reason>") if it cannot be read.
std::vector<std::uint8_t> read_file(const std::string& path, const std::string& what);

// Copy bytes into guest memory (RAM or ROM) at addr; throws Error naming `what` if any part
// of [addr, addr + size) is not RAM/ROM.
void load_bytes(AddressSpace& memory, Addr addr, const std::vector<std::uint8_t>& bytes,
                const std::string& what);

struct ElfImage {
    Addr entry = 0;
    Addr low = 0, high = 0;  // lowest and highest+1 physical address loaded
    bool is_64bit = false;
    std::uint16_t machine = 0;  // e_machine (EM_ARM = 40, EM_386 = 3, EM_X86_64 = 62)
};

bool is_elf(const std::vector<std::uint8_t>& bytes);
// Load every PT_LOAD segment at its physical address (p_paddr), zero-filling bss. Throws Error
// for a malformed or truncated ELF, or a segment outside guest RAM/ROM.
ElfImage load_elf(AddressSpace& memory, const std::vector<std::uint8_t>& bytes, const std::string& what);

}  // namespace emu
