// QEMU's 32-bit `virt` memory map (hw/arm/virt.c's base_memmap with highmem=off), and the
// board's interrupt assignments (SPI numbers; GIC interrupt id = 32 + SPI).
#pragma once

#include <cstdint>

namespace emu::virt {

struct Window {
    std::uint64_t base;
    std::uint64_t size;
};

inline constexpr Window kFlash{0x00000000, 0x08000000};       // two 64 MiB banks
inline constexpr Window kGicDistributor{0x08000000, 0x00010000};
inline constexpr Window kGicCpuInterface{0x08010000, 0x00010000};
inline constexpr Window kUart{0x09000000, 0x00001000};
inline constexpr Window kRtc{0x09010000, 0x00001000};
inline constexpr Window kFwCfg{0x09020000, 0x00000018};
inline constexpr Window kGpio{0x09030000, 0x00001000};
inline constexpr Window kVirtioMmio{0x0a000000, 0x00000200};  // per transport, 32 of them
inline constexpr Window kPcieMmio{0x10000000, 0x2eff0000};
inline constexpr Window kPciePio{0x3eff0000, 0x00010000};
inline constexpr Window kPcieEcam{0x3f000000, 0x01000000};
inline constexpr Window kRam{0x40000000, 0xc0000000};         // up to 3 GiB below 4 GiB

inline constexpr unsigned kUartSpi = 1;
inline constexpr unsigned kRtcSpi = 2;
inline constexpr unsigned kPcieSpi = 3;   // INTA..INTD: 3..6
inline constexpr unsigned kGpioSpi = 7;
inline constexpr unsigned kVirtioSpi = 16;  // 16..47
inline constexpr unsigned kVirtioTransports = 32;

inline constexpr unsigned kGicIrqs = 288;  // 256 SPIs + 32

// Generic timer PPIs as the device tree numbers them (GIC interrupt id = 16 + PPI).
inline constexpr unsigned kTimerSecurePpi = 13, kTimerPhysPpi = 14, kTimerVirtPpi = 11, kTimerHypPpi = 10;

inline constexpr unsigned kMaxCpus = 8;
inline constexpr std::uint32_t kApbClockHz = 24000000;

}  // namespace emu::virt
