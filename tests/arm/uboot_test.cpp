// Smoke test on real firmware: U-Boot's qemu_arm build (Debian's u-boot-qemu package) runs from
// "flash" at 0 on the bare core with RAM at 1 GiB, a minimal PL011 and a minimal device tree,
// and must reach its banner, DRAM report and command prompt. Skipped when the package or dtc
// is missing.
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

constexpr const char* kUboot = "/usr/lib/u-boot/qemu_arm/u-boot.bin";

std::vector<char> slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(UBoot, BootsToPrompt) {
    const std::vector<char> image = slurp(kUboot);
    const std::string dtb_path = EMU_ARM_UBOOT_DTB;
    const std::vector<char> dtb = dtb_path.empty() ? std::vector<char>{} : slurp(dtb_path);
    if (image.empty() || dtb.empty()) GTEST_SKIP() << "u-boot-qemu or dtc not installed";

    auto root = MemoryRegion::container("system", 0x100000000ull);
    auto flash = MemoryRegion::rom("flash", 64u << 20);
    auto flash1 = MemoryRegion::rom("flash1", 64u << 20);  // environment bank
    auto ram = MemoryRegion::ram("ram", 128u << 20);
    std::string out;
    ArmCore* core_ptr = nullptr;
    MmioOps uart;
    uart.read = [](Addr off, unsigned) -> std::uint64_t {
        if (off == 0x18) return 0x90;  // FR: TX FIFO empty, RX FIFO empty
        return 0;
    };
    uart.write = [&out, &core_ptr](Addr off, std::uint64_t v, unsigned) {
        if (off != 0) return;
        out.push_back(static_cast<char>(v));
        if (out.find("=> ") != std::string::npos && core_ptr) core_ptr->request_stop();
    };
    auto pl011 = MemoryRegion::mmio("pl011", 0x1000, uart);
    root->add_subregion(0, *flash);
    root->add_subregion(0x04000000, *flash1);
    root->add_subregion(0x09000000, *pl011);
    root->add_subregion(0x40000000, *ram);
    AddressSpace as("cpu", *root);
    ASSERT_EQ(as.write_rom(0, image.data(), image.size()), MemResult::Ok);
    ASSERT_EQ(as.write(0x40000000, dtb.data(), dtb.size()), MemResult::Ok);

    std::uint64_t ticks = 0;
    ArmConfig cfg;
    cfg.counter = [&ticks] { return ticks; };
    ArmCore core(as, cfg);
    core_ptr = &core;
    if (std::getenv("EMU_ARM_TRACE")) core.set_trace([](const std::string& l) { std::fprintf(stderr, "%s\n", l.c_str()); }, false, true, false);
    core.reset();
    const auto t0 = std::chrono::steady_clock::now();
    StopReason r = StopReason::Budget;
    std::uint64_t slices = 0;
    // The counter advances 8 ticks per instruction, so U-Boot's delays (the autoboot countdown)
    // take few instructions.
    while (slices++ < 4000 && (r = core.run(1000000)) != StopReason::Halted) {
        ticks = core.instructions_executed() * 8;
        if (r == StopReason::Wfi) ticks += 100000000;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("U-Boot: %llu instructions in %.2f s (%.0f MIPS)\n",
                static_cast<unsigned long long>(core.instructions_executed()), s,
                static_cast<double>(core.instructions_executed()) / s / 1e6);
    EXPECT_EQ(r, StopReason::Halted) << "pc=" << std::hex << core.reg(15) << " output:\n" << out;
    EXPECT_NE(out.find("U-Boot 20"), std::string::npos) << out;
    EXPECT_NE(out.find("DRAM:"), std::string::npos) << out;
    if (std::getenv("EMU_ARM_SHOW_UBOOT")) std::printf("%s\n", out.c_str());
}

}  // namespace
}  // namespace emu::arm::test
