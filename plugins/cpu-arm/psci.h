// PSCI (ARM Power State Coordination Interface, DEN0022) as firmware would provide it over
// HVC or SMC: the virt board's way for Linux to start secondary CPUs and power off or reset.
#pragma once

#include <cstdint>

namespace emu::arm {

class CortexA15;

// Handle a PSCI call made by cpu (function id in r0, arguments in r1-r3; the result goes to
// r0). Returns false if r0 is not a PSCI function, so the caller takes the usual exception.
bool psci_call(CortexA15& cpu);

}  // namespace emu::arm
