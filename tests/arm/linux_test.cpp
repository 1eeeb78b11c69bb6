// Debian's armmp kernel (zImage) on the bare core, with earlycon on a minimal PL011, a RAZ/WI
// stand-in for the GIC (no interrupt is ever delivered: the kernel runs on the polled generic
// timer counter) and, if present, a busybox initramfs whose /init prints "emu-init: reached
// init" and starts a shell: the decompressor, MMU bring-up, the whole kernel init, and Thumb-2 +
// VFP user space. Inputs: $EMU_ARM_LINUX_ZIMAGE and $EMU_ARM_LINUX_INITRD (defaults: files
// extracted from linux-image-*-armmp and busybox-static under /tmp/guests/armhf); skipped if
// the kernel is absent. About 4e9 instructions.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "arm_core.h"
#include "emu/memory.h"

namespace emu::arm::test {
namespace {

std::vector<char> slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(Linux, BootsToBusyboxShell) {
    const char* env = std::getenv("EMU_ARM_LINUX_ZIMAGE");
    const std::string zimage_path = env ? env : "/tmp/guests/armhf/kernel/boot/vmlinuz-6.1.0-50-armmp";
    const std::vector<char> zimage = slurp(zimage_path);
    const std::string dtb_path = EMU_ARM_LINUX_DTB;
    const std::vector<char> dtb = dtb_path.empty() ? std::vector<char>{} : slurp(dtb_path);
    if (zimage.empty() || dtb.empty()) GTEST_SKIP() << "no armmp kernel or dtc";

    auto root = MemoryRegion::container("system", 0x100000000ull);
    auto ram = MemoryRegion::ram("ram", 128u << 20);
    std::string out;
    MmioOps uart;
    uart.read = [](Addr off, unsigned) -> std::uint64_t {
        static const std::uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
        if (off >= 0xfe0) return ids[(off - 0xfe0) / 4];  // PL011 PeriphID/PCellID
        return off == 0x18 ? 0x90 : 0;                     // FR: TX and RX FIFOs empty
    };
    uart.write = [&out](Addr off, std::uint64_t v, unsigned) {
        if (off == 0) out.push_back(static_cast<char>(v));
    };
    MmioOps razwi;
    razwi.read = [](Addr, unsigned) -> std::uint64_t { return 0; };
    razwi.write = [](Addr, std::uint64_t, unsigned) {};
    auto pl011 = MemoryRegion::mmio("pl011", 0x1000, uart);
    auto gic = MemoryRegion::mmio("gic", 0x20000, razwi);
    root->add_subregion(0x08000000, *gic);
    root->add_subregion(0x09000000, *pl011);
    root->add_subregion(0x40000000, *ram);
    AddressSpace as("cpu", *root);
    ASSERT_EQ(as.write(0x40010000, zimage.data(), zimage.size()), MemResult::Ok);
    ASSERT_EQ(as.write(0x47f00000, dtb.data(), dtb.size()), MemResult::Ok);
    const char* ienv = std::getenv("EMU_ARM_LINUX_INITRD");
    const std::vector<char> initrd = slurp(ienv ? ienv : "/tmp/guests/armhf/initramfs.cpio.gz");
    if (!initrd.empty() && initrd.size() <= (32u << 20)) {
        ASSERT_EQ(as.write(0x44000000, initrd.data(), initrd.size()), MemResult::Ok);
    }

    std::uint64_t ticks = 0;
    ArmConfig cfg;
    cfg.reset_pc = 0x40010000;
    cfg.counter = [&ticks] { return ticks; };
    ArmCore core(as, cfg);
    if (std::getenv("EMU_ARM_TRACE")) core.set_trace([](const std::string& l) { std::fprintf(stderr, "%s\n", l.c_str()); }, false, true, false);
    core.reset();
    core.set_reg(0, 0);
    core.set_reg(1, 0xffffffffu);
    core.set_reg(2, 0x47f00000);
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t budget = 6000000000ull;
    if (const char* b = std::getenv("EMU_ARM_LINUX_BUDGET")) budget = std::strtoull(b, nullptr, 0);
    StopReason r = StopReason::Budget;
    while (core.instructions_executed() < budget) {
        r = core.run(1000000);
        ticks = core.instructions_executed();
        if (r == StopReason::Wfi) break;
        if (out.find("Kernel panic") != std::string::npos || out.find("guest# ") != std::string::npos) break;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("Linux: stop %d, %llu instructions in %.2f s (%.0f MIPS), pc=%08x\n", static_cast<int>(r),
                static_cast<unsigned long long>(core.instructions_executed()), s,
                static_cast<double>(core.instructions_executed()) / s / 1e6, core.reg(15));
    if (std::getenv("EMU_ARM_SHOW_LINUX")) {
        std::printf("%s\n", out.c_str());
        for (unsigned i = 0; i < 16; ++i) std::printf("r%u=%08x ", i, core.reg(i));
        std::printf("cpsr=%08x\n", core.cpsr());
        std::uint64_t pa = 0;
        if (core.translate_debug(core.reg(15) & ~0xffu, pa)) {
            std::vector<std::uint8_t> code(0x200);
            as.read(pa, code.data(), code.size());
            std::FILE* f = std::fopen("/tmp/linux_pc.bin", "wb");
            if (f) { std::fwrite(code.data(), 1, code.size(), f); std::fclose(f); }
        }
    }
    EXPECT_NE(out.find("Booting Linux on physical CPU 0x0"), std::string::npos) << out;
    EXPECT_NE(out.find("Linux version 6."), std::string::npos) << out;
    EXPECT_NE(out.find("Machine model: emu-arm-core-test"), std::string::npos) << out;
    if (!initrd.empty()) {
        EXPECT_NE(out.find("emu-init: reached init"), std::string::npos) << out;
    }
}

}  // namespace
}  // namespace emu::arm::test
