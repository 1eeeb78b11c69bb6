// The Versatile Express memory map with the CoreTile Express A15x2: the V2M-P1 motherboard's
// "Cortex-A Series" map (QEMU's motherboard_aseries_map; the tree's motherboard-bus ranges put
// chip selects CS0-CS3 at 0x08000000-0x1fffffff) and the daughterboard's own peripherals, and
// the board's interrupt assignments (SPI numbers; GIC interrupt id = 32 + SPI).
#pragma once

#include <cstdint>

namespace emu::vexpress {

struct Window {
    std::uint64_t base;
    std::uint64_t size;
};

// Motherboard.
inline constexpr Window kFlashAlias{0x00000000, 0x04000000};   // flash 0, aliased at 0
inline constexpr Window kFlash0{0x08000000, 0x04000000};       // CS0: 64 MiB NOR flash
inline constexpr Window kFlash1{0x0c000000, 0x04000000};       // CS4: 64 MiB NOR flash
inline constexpr Window kSram{0x14000000, 0x02000000};         // CS1: 32 MiB PSRAM
inline constexpr Window kVideoRam{0x18000000, 0x00800000};     // CS2: 8 MiB video RAM
inline constexpr Window kEthernet{0x1a000000, 0x00000100};     // CS2: LAN9118
inline constexpr Window kSysRegs{0x1c010000, 0x1000};          // CS3: the IO FPGA's peripherals
inline constexpr Window kSp810{0x1c020000, 0x1000};
inline constexpr Window kMmci{0x1c050000, 0x1000};
inline constexpr Window kKmi0{0x1c060000, 0x1000};
inline constexpr Window kKmi1{0x1c070000, 0x1000};
inline constexpr Window kUart0{0x1c090000, 0x1000};            // UART n at kUart0 + n * 0x10000
inline constexpr Window kTimer01{0x1c110000, 0x1000};
inline constexpr Window kTimer23{0x1c120000, 0x1000};
inline constexpr Window kVirtio{0x1c130000, 0x200};            // per transport, 4 of them
inline constexpr Window kRtc{0x1c170000, 0x1000};

// CoreTile Express A15x2.
inline constexpr Window kGicDistributor{0x2c001000, 0x1000};
inline constexpr Window kGicCpuInterface{0x2c002000, 0x2000};
inline constexpr Window kTileSram{0x2e000000, 0x10000};
inline constexpr Window kRam{0x80000000, 0x80000000};          // up to 2 GiB below 4 GiB

inline constexpr unsigned kUarts = 4;
inline constexpr unsigned kVirtioTransports = 4;

// SPIs.
inline constexpr unsigned kTimer01Spi = 2, kTimer23Spi = 3, kRtcSpi = 4, kUart0Spi = 5;
inline constexpr unsigned kMmciSpi = 9;        // MCIINTR0; MCIINTR1 is 10
inline constexpr unsigned kKmi0Spi = 12, kKmi1Spi = 13, kEthernetSpi = 15, kVirtioSpi = 40;
inline constexpr unsigned kGicIrqs = 160;      // the A15 MPCore's 128 SPIs + 32, as QEMU

// Generic timer PPIs as the tree numbers them (GIC interrupt id = 16 + PPI).
inline constexpr unsigned kTimerPhysPpi = 14, kTimerVirtPpi = 11;

inline constexpr unsigned kMaxCpus = 4;

// Where the secondary CPUs wait for Linux (QEMU's smp_loader_start for this board): the
// motherboard SRAM. They poll SYS_FLAGS.
inline constexpr std::uint64_t kSecondaryBootStub = kSram.base;
inline constexpr std::uint64_t kSysFlags = kSysRegs.base + 0x30;

}  // namespace emu::vexpress
