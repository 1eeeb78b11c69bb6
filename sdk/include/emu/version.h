// Versions. EMU_PLUGIN_ABI_VERSION changes whenever a change to the SDK headers could break a
// plugin built against the previous headers (class layouts, virtual functions, the descriptor).
// The core refuses plugins built for another ABI.
#pragma once

#include <cstdint>

namespace emu {

// 2: the SDK classes changed after the first ABI (PciDevice's MSI-X irqfd state, the
// IoEventAccelerator interface, VirtioPciTypeInfo, the machine and clock interfaces), so
// plugins built against the earlier headers are refused instead of crashing.
inline constexpr std::uint32_t kPluginAbiVersion = 2;

// The core's own version string ("0.1.0"), defined in libemu.
const char* version();

}  // namespace emu
