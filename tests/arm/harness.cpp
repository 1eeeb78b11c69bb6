#include "harness.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace emu::arm::test {

ArmMachine::ArmMachine(const std::string& program, ArmConfig config) {
    root_ = MemoryRegion::container("system", 0x100000000ull);
    ram_ = MemoryRegion::ram("ram", 16u << 20);
    rom_ = MemoryRegion::rom("rom", 0x10000);
    MmioOps ops;
    ops.read = [](Addr offset, unsigned) -> std::uint64_t { return 0xa5000000u | offset; };
    ops.write = [this](Addr offset, std::uint64_t value, unsigned) {
        mmio_writes.emplace_back(static_cast<std::uint32_t>(offset), value);
        if (offset == 0x100) core->set_irq(false);
        if (offset == 0x104) core->set_fiq(false);
    };
    ops.valid_min = 4;
    ops.valid_max = 4;
    ops.impl_min = 4;
    ops.impl_max = 4;
    mmio_ = MemoryRegion::mmio("testdev", 0x1000, ops);
    root_->add_subregion(0, *ram_);
    root_->add_subregion(kMmioBase, *mmio_);
    root_->add_subregion(kRomBase, *rom_);
    hivec_ = MemoryRegion::ram("hivecs", 0x10000);
    root_->add_subregion(0xffff0000u, *hivec_);
    as = std::make_unique<AddressSpace>("cpu", *root_);

    const std::string dir = EMU_ARM_PROG_DIR;
    std::ifstream bin(dir + "/" + program + ".bin", std::ios::binary);
    if (!bin) throw std::runtime_error("missing test program " + program);
    std::vector<char> data((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
    as->write_rom(0, data.data(), data.size());
    std::ifstream symf(dir + "/" + program + ".sym");
    std::string line;
    while (std::getline(symf, line)) {
        std::istringstream ls(line);
        std::string addr, type, name;
        if (ls >> addr >> type >> name) syms_[name] = static_cast<std::uint32_t>(std::stoul(addr, nullptr, 16));
    }
    auto user_svc = config.on_svc;
    config.on_svc = [this, user_svc](ArmCore& c, std::uint32_t imm) {
        if (imm == 0 || imm == 0xee) {
            last_svc = static_cast<int>(imm);
            c.request_stop();
            return true;
        }
        return user_svc ? user_svc(c, imm) : false;
    };
    core = std::make_unique<ArmCore>(*as, std::move(config));
    if (std::getenv("EMU_ARM_TRACE"))
        core->set_trace([](const std::string& l) { std::fprintf(stderr, "%s\n", l.c_str()); }, true, true, true);
}

ArmMachine::~ArmMachine() = default;

std::uint32_t ArmMachine::sym(const std::string& name) const {
    auto it = syms_.find(name);
    if (it == syms_.end()) throw std::runtime_error("no symbol " + name);
    return it->second;
}

StopReason ArmMachine::run_arm(const std::string& label, std::uint64_t budget) {
    core->set_cpsr((core->cpsr() & ~kPsrT));
    core->set_reg(15, sym(label) & ~1u);
    return resume(budget);
}

StopReason ArmMachine::run_thumb(const std::string& label, std::uint64_t budget) {
    core->set_cpsr(core->cpsr() | kPsrT);
    core->set_reg(15, sym(label) & ~1u);
    return resume(budget);
}

StopReason ArmMachine::resume(std::uint64_t budget) {
    last_svc = -1;
    return core->run(budget);
}

std::uint32_t ArmMachine::read32(std::uint32_t addr) {
    std::uint64_t v = 0;
    as->read_value(addr, 4, v);
    return static_cast<std::uint32_t>(v);
}

void ArmMachine::write32(std::uint32_t addr, std::uint32_t value) { as->write_value(addr, 4, value); }

}  // namespace emu::arm::test
