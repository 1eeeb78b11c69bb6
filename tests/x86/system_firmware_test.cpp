// The system part of the x86 core against real firmware: SeaBIOS's start (real mode, the
// switch to 32-bit protected mode, its relocation and PCI probing) runs far enough to print its
// banner on the debug port, with no devices behind the ports.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "x86_test_support.h"

namespace emu::x86 {
namespace {

TEST(X86Firmware, SeaBiosPrintsItsBanner) {
    std::ifstream file("/usr/share/seabios/bios.bin", std::ios::binary);
    if (!file) GTEST_SKIP() << "no /usr/share/seabios/bios.bin";
    const std::vector<std::uint8_t> rom((std::istreambuf_iterator<char>(file)), {});
    ASSERT_GE(rom.size(), 0x20000u);
    test::Machine m;
    // The BIOS's last 128 KiB as the PC shows them below 1 MiB; start at F000:FFF0.
    m.load(0xE0000, std::vector<std::uint8_t>(rom.end() - 0x20000, rom.end()));
    m.core().enter_real(0xFFFF0, nullptr);
    std::string interrupts;
    m.core().set_trace([&](const std::string& line) { interrupts += line + "\n"; }, false, true, false);
    EXPECT_EQ(m.core().run(5000000), StopReason::Budget);
    std::string debug;
    for (const auto& w : m.port_writes)
        if (w.port == 0x402) debug += static_cast<char>(w.value);
    EXPECT_NE(debug.find("SeaBIOS (version"), std::string::npos) << debug;
    EXPECT_TRUE(m.cpu().protected_mode());
    EXPECT_EQ(interrupts, "");  // no exception on the way
}

}  // namespace
}  // namespace emu::x86
