#include "x86_test_support.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace emu::x86::test {

namespace {
std::string run_command(const std::string& command, int& status) {
    std::string output;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run: " + command);
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    status = pclose(pipe);
    return output;
}
}  // namespace

namespace {
std::vector<std::uint8_t> assemble_with(const std::string& source, std::uint64_t origin, bool att, bool is64) {
    char dir_template[] = "/tmp/emu-x86-asm-XXXXXX";
    const char* dir = mkdtemp(dir_template);
    if (!dir) throw std::runtime_error("mkdtemp failed");
    const std::string base = std::string(dir) + "/t";
    {
        std::ofstream s(base + ".s");
        if (!att) s << ".intel_syntax noprefix\n";
        s << source << "\n";
    }
    std::ostringstream cmd;
    cmd << (is64 ? "as --64 -o " : "as --32 -o ") << base << ".o " << base << ".s && ld -m "
        << (is64 ? "elf_x86_64" : "elf_i386") << " -Ttext=0x" << std::hex << origin
        << " -e 0x" << origin << " -o " << base << ".elf " << base << ".o && objcopy -O binary -j .text " << base
        << ".elf " << base << ".bin";
    int status = 0;
    const std::string output = run_command(cmd.str(), status);
    std::vector<std::uint8_t> bytes;
    if (status == 0) {
        if (FILE* in = std::fopen((base + ".bin").c_str(), "rb")) {
            char chunk[4096];
            while (std::size_t n = std::fread(chunk, 1, sizeof chunk, in)) bytes.insert(bytes.end(), chunk, chunk + n);
            std::fclose(in);
        }
    }
    run_command("rm -rf " + std::string(dir), status);
    if (bytes.empty()) throw std::runtime_error("assembler failed:\n" + output);
    return bytes;
}
}  // namespace

std::vector<std::uint8_t> assemble(const std::string& source, std::uint32_t origin, bool att) {
    return assemble_with(source, origin, att, false);
}

std::vector<std::uint8_t> assemble64(const std::string& source, std::uint64_t origin, bool att) {
    return assemble_with(source, origin, att, true);
}

Machine::Machine(bool x86_64) {
    root_ = MemoryRegion::container("system", 1ull << 32);
    ram_ = MemoryRegion::ram("ram", kRamSize);
    root_->add_subregion(0, *ram_);
    memory_ = std::make_unique<AddressSpace>("memory", *root_);
    io_root_ = MemoryRegion::container("io", 0x10000);
    io_dev_ = MemoryRegion::mmio("ports", 0x10000,
                                 MmioOps{.read = [this](Addr, unsigned) -> std::uint64_t { return port_read_value; },
                                         .write =
                                             [this](Addr port, std::uint64_t value, unsigned size) {
                                                 port_writes.push_back({static_cast<std::uint16_t>(port),
                                                                        static_cast<std::uint32_t>(value), size});
                                             },
                                         .unaligned = true});
    io_root_->add_subregion(0, *io_dev_);
    io_ = std::make_unique<AddressSpace>("io", *io_root_);
    core_ = std::make_unique<X86Core>(*memory_, io_.get(), X86Config{.x86_64 = x86_64});
}

Machine::~Machine() = default;

void Machine::load(std::uint32_t address, const std::vector<std::uint8_t>& bytes) {
    memory_->write(address, bytes.data(), bytes.size());
}

void Machine::start32(const std::string& source, std::uint32_t address) {
    // The flat32 state's selectors (0x10 code, 0x18 data) in a GDT at 0, as the boards' boot
    // GDT: a far transfer or an interrupt through a 32-bit gate reloads CS from it.
    const std::vector<std::uint8_t> gdt = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                           0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0, 0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0};
    load(0, gdt);
    load(address, assemble(".code32\n" + source, address));
    std::uint32_t args[8] = {0, 0, 0, 0, 0x80000, 0, 0, 0};
    core_->enter_flat32(address, args);
}

void Machine::start16(const std::string& source, std::uint32_t address) {
    load(address, assemble(".code16\n" + source, address));
    std::uint32_t args[8] = {0, 0, 0, 0, 0xFFF0, 0, 0, 0};
    core_->enter_real(address, args);
}

void Machine::start64(const std::string& source, std::uint32_t address) {
    Cpu& c = cpu();
    c.config.x86_64 = true;
    c.phys_mask = (1ull << 40) - 1;
    // The GDT (see the header); the TSS descriptor is busy, as after LTR.
    const std::uint64_t gdt[10] = {0,
                                   0x00CF9B000000FFFFull,  // 0x08 32-bit code DPL 0
                                   0x00AF9B000000FFFFull,  // 0x10 64-bit code DPL 0
                                   0x00CF93000000FFFFull,  // 0x18 data DPL 0
                                   0x00CFFB000000FFFFull,  // 0x20 32-bit code DPL 3
                                   0x00CFF3000000FFFFull,  // 0x28 data DPL 3
                                   0x00AFFB000000FFFFull,  // 0x30 64-bit code DPL 3
                                   0,
                                   0x00008B0000000067ull | (std::uint64_t{kTss64 & 0xFFFFFF} << 16) |
                                       (std::uint64_t{kTss64 >> 24} << 56),  // 0x40 TSS, busy
                                   0};
    memory_->write(0, gdt, sizeof gdt);
    // Identity map of the 16 MiB, user-accessible and writable at every level.
    std::vector<std::uint64_t> tables(3 * 512 + 8 * 512, 0);
    tables[0] = kPdpt | 7;
    tables[512] = kPd | 7;
    for (unsigned i = 0; i < 8; ++i) tables[1024 + i] = (kPageTables + i * 0x1000) | 7;
    for (unsigned i = 0; i < 8 * 512; ++i) tables[1536 + i] = (std::uint64_t{i} << 12) | 7;
    memory_->write(kPml4, tables.data(), tables.size() * 8);
    const std::vector<std::uint8_t> tss(0x68, 0);
    load(kTss64, tss);
    load(address, assemble64(source, address));

    std::uint32_t args[8] = {0, 0, 0, 0, 0x80000, 0, 0, 0};
    core_->enter_flat32(address, args);  // reset and the register arguments, then long mode:
    c.cr0 = kCr0PE | kCr0ET | kCr0PG;
    c.cr3 = kPml4;
    c.cr4 = kCr4PAE;
    c.efer = kEferLME | kEferLMA;
    for (auto& s : c.seg) s = Segment{kData, 0, 0xFFFFFFFF, 0xC93};
    c.seg[CS] = Segment{kCode64, 0, 0xFFFFFFFF, 0xA9B};
    c.tr = Segment{kTssSelector, kTss64, 0x67, 0x8B};
    c.gdtr = DescriptorTable{0, 0x4F};
    c.idtr = DescriptorTable{0, 0};
    c.ldtr = Segment{0, 0, 0, 0};
    c.tlb.flush_all();
}

bool Machine::run_to_hlt(std::uint64_t budget) {
    return core_->run(budget) == StopReason::Halted;
}

std::uint32_t run32(Machine& m, const std::string& code) {
    m.start32(code + "\nhlt\n");
    EXPECT_TRUE(m.run_to_hlt());
    return m.core().eflags();
}

std::uint32_t run64(Machine& m, const std::string& code) {
    m.start64(code + "\nhlt\n");
    EXPECT_TRUE(m.run_to_hlt());
    return m.core().eflags();
}

std::uint32_t run16(Machine& m, const std::string& code) {
    m.start16(code + "\nhlt\n");
    EXPECT_TRUE(m.run_to_hlt());
    return m.core().eflags();
}

}  // namespace emu::x86::test
