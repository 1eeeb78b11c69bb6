// What firmware reads about the machine: the CMOS bytes of the RTC (SeaBIOS takes the memory
// size, CPU count and boot order from there when fw_cfg lacks them, and other firmware only
// from there) and the fw_cfg items QEMU gives SeaBIOS.
#include <algorithm>

#include <emu/fw_cfg.h>
#include <emu/memory.h>

#include "pc_board.h"

namespace emu::pc {

namespace {

// CMOS offsets (the IBM PC/AT layout plus the extensions Bochs and QEMU use).
constexpr std::uint8_t kCmosFloppy = 0x10, kCmosEquipment = 0x14, kCmosBaseMemLow = 0x15,
                       kCmosExtMemLow = 0x17, kCmosExtMem2Low = 0x30, kCmosMemAbove16M = 0x34,
                       kCmosBootFloppyAndThird = 0x38, kCmosBootFirstSecond = 0x3d,
                       kCmosMemAbove4G = 0x5b, kCmosSmpCount = 0x5f;

void cmos_write(Device& rtc, std::uint8_t index, std::uint8_t value) {
    const MmioOps& ops = rtc.mmio(0).ops();
    ops.write(0, index, 1);
    ops.write(1, value, 1);
}

void cmos_write16(Device& rtc, std::uint8_t index, std::uint16_t value) {
    cmos_write(rtc, index, static_cast<std::uint8_t>(value));
    cmos_write(rtc, static_cast<std::uint8_t>(index + 1), static_cast<std::uint8_t>(value >> 8));
}

void put_le(std::vector<std::uint8_t>& out, std::uint64_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

}  // namespace

void PcBoard::fill_cmos(Device& rtc) {
    const MachineConfig& cfg = config();
    cmos_write(rtc, kCmosFloppy, 0);          // no floppy drives
    cmos_write(rtc, kCmosEquipment, 0x06);    // FPU present, PS/2 mouse port
    cmos_write16(rtc, kCmosBaseMemLow, 640);  // KiB of conventional memory
    const std::uint64_t ext_kib = std::min<std::uint64_t>(below_4g_ / 1024 - 1024, 0xffff);
    cmos_write16(rtc, kCmosExtMemLow, static_cast<std::uint16_t>(ext_kib));
    cmos_write16(rtc, kCmosExtMem2Low, static_cast<std::uint16_t>(ext_kib));
    const std::uint64_t above_16m = below_4g_ > (16u << 20) ? std::min<std::uint64_t>((below_4g_ - (16u << 20)) >> 16, 0xffff) : 0;
    cmos_write16(rtc, kCmosMemAbove16M, static_cast<std::uint16_t>(above_16m));
    const std::uint64_t above_4g = ram_above_4g() >> 16;  // 64 KiB units, 24 bits
    cmos_write(rtc, kCmosMemAbove4G, static_cast<std::uint8_t>(above_4g));
    cmos_write(rtc, kCmosMemAbove4G + 1, static_cast<std::uint8_t>(above_4g >> 8));
    cmos_write(rtc, kCmosMemAbove4G + 2, static_cast<std::uint8_t>(above_4g >> 16));
    cmos_write(rtc, kCmosSmpCount, static_cast<std::uint8_t>(cfg.smp_cpus - 1));
    // The first three of -boot's drives (QEMU's default "cad": hard disk, floppy, CD-ROM), coded
    // a/b 1, c 2, d 3, n 4 (others 0), as SeaBIOS and Bochs's BIOS read them.
    const std::string order = cfg.boot_order.empty() ? "cad" : cfg.boot_order;
    auto code = [&](std::size_t i) -> std::uint8_t {
        if (i >= order.size()) return 0;
        switch (order[i]) {
        case 'a': case 'b': return 1;
        case 'c': return 2;
        case 'd': return 3;
        case 'n': return 4;
        default: return 0;
        }
    };
    cmos_write(rtc, kCmosBootFirstSecond, static_cast<std::uint8_t>(code(1) << 4 | code(0)));
    cmos_write(rtc, kCmosBootFloppyAndThird, static_cast<std::uint8_t>(code(2) << 4));
}

// The memory map firmware starts from: RAM, and the pages the kvm accelerator keeps for itself.
std::vector<std::uint8_t> PcBoard::e820_file() const {
    std::vector<std::uint8_t> out;
    auto entry = [&](std::uint64_t addr, std::uint64_t size, std::uint32_t type) {
        put_le(out, addr, 8);
        put_le(out, size, 8);
        put_le(out, type, 4);
    };
    entry(0, below_4g_, 1);
    if (ram_above_4g()) entry(k4GiB, ram_above_4g(), 1);
    entry(kKvmPrivateBase, kKvmPrivateSize, 2);
    return out;
}

void PcBoard::create_fw_cfg() {
    const MachineConfig& cfg = config();
    auto& fw = dynamic_cast<FwCfg&>(create("fw_cfg-io", "fw_cfg"));
    fw.realize();
    io_root_->add_subregion(0x510, fw.mmio(0));
    io_root_->add_subregion(0x514, fw.mmio(1));
    fw_cfg_ = &fw;

    const auto cpus = static_cast<std::uint16_t>(cfg.smp_cpus);
    fw.add_u64(FwCfg::kRamSize, cfg.ram_size);
    fw.add_u16(FwCfg::kNbCpus, cpus);
    fw.add_u16(FwCfg::kMaxCpus, cpus);
    // No NUMA: the node count (0), then one node number per CPU.
    fw.add_bytes(FwCfg::kNuma, std::vector<std::uint8_t>(8 * (1 + cfg.smp_cpus), 0));
    fw.add_u32(FwCfg::kX86Irq0Override, 1);  // the PIT is wired to IOAPIC pin 2
    fw.add_u16(FwCfg::kBootMenu, cfg.boot_menu ? 1 : 0);
    fw.add_file("etc/e820", e820_file());
    // emu has no display: SeaBIOS's text console goes to COM1, as with QEMU's -nographic.
    fw.add_file("etc/sercon-port", {0xf8, 0x03});
}

}  // namespace emu::pc
