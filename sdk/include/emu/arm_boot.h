// Linux's 32-bit ARM boot protocol (Documentation/arch/arm/booting.rst), shared by the ARM
// boards: load -kernel (zImage, raw Image or ELF) and -initrd into RAM, complete the device
// tree's /chosen node, place the tree, and say where the boot CPU starts and with which
// registers (r0 = 0, r1 = ~0 for "machine described by DT", r2 = DTB address).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/fdt.h"
#include "emu/memory.h"

namespace emu {

struct ArmKernelConfig {
    Addr ram_base = 0;
    Addr ram_size = 0;
    std::string kernel, initrd, append;
};

struct ArmBootPlan {
    Addr entry = 0;
    bool is_linux = true;         // zImage/Image: pass the boot registers; ELF: just jump
    Addr kernel_end = 0;
    Addr initrd_start = 0, initrd_end = 0;
    Addr dtb_address = 0;
    // The registers for the boot CPU's BootState (r0, r1, r2).
    std::vector<std::uint64_t> boot_args() const {
        return {0, 0xffffffffu, dtb_address};
    }
};

// Load the kernel and initrd; throws Error for a missing, truncated or oversized image.
ArmBootPlan arm_load_kernel(AddressSpace& memory, const ArmKernelConfig& config);

// Set /chosen bootargs and linux,initrd-start/end, then copy the tree to plan.dtb_address.
void arm_load_dtb(AddressSpace& memory, Fdt& fdt, const ArmKernelConfig& config, const ArmBootPlan& plan);

}  // namespace emu
