#include "psci.h"

#include <emu/machine.h>

#include "cortex_a15.h"

namespace emu::arm {

namespace {

// DEN0022 function ids (SMC32 calling convention) and return codes.
enum : std::uint32_t {
    kVersion = 0x84000000,
    kCpuSuspend = 0x84000001,
    kCpuOff = 0x84000002,
    kCpuOn = 0x84000003,
    kAffinityInfo = 0x84000004,
    kMigrateInfoType = 0x84000006,
    kSystemOff = 0x84000008,
    kSystemReset = 0x84000009,
    kFeatures = 0x8400000a,
};
constexpr std::int32_t kSuccess = 0, kNotSupported = -1, kInvalidParameters = -2, kAlreadyOn = -4;

CortexA15* find_cpu(CortexA15& caller, std::uint32_t mpidr) {
    for (CortexA15* cpu : caller.siblings())
        if ((cpu->mpidr() & 0xffffff) == (mpidr & 0xffffff)) return cpu;
    return nullptr;
}

std::int32_t cpu_on(CortexA15& caller, std::uint32_t mpidr, std::uint32_t entry, std::uint32_t context) {
    CortexA15* target = find_cpu(caller, mpidr);
    if (!target) return kInvalidParameters;
    if (target->powered()) return kAlreadyOn;
    // The target's thread is idle while it is powered off, so its state may be set from here.
    target->set_boot_state({entry, {context}});
    target->reset();
    target->set_powered(true);
    return kSuccess;
}

}  // namespace

bool psci_call(CortexA15& cpu) {
    ArmCore& core = cpu.core();
    const std::uint32_t function = core.reg(0);
    std::int32_t result = kNotSupported;
    switch (function) {
    case kVersion:
        result = 0x00010000;  // PSCI 1.0
        break;
    case kCpuOn:
        result = cpu_on(cpu, core.reg(1), core.reg(2), core.reg(3));
        break;
    case kCpuOff:
        cpu.set_powered(false);
        cpu.stop_execution();
        return true;
    case kCpuSuspend:
        result = kSuccess;  // a standby state: returning is a valid wake-up
        break;
    case kAffinityInfo: {
        CortexA15* target = find_cpu(cpu, core.reg(1));
        result = !target ? kInvalidParameters : target->powered() ? 0 : 1;
        break;
    }
    case kMigrateInfoType:
        result = 2;  // trusted OS not present
        break;
    case kSystemOff:
        // The call does not return: the CPU stops here until the loop ends emu.
        cpu.machine()->request_shutdown(0);
        cpu.set_powered(false);
        cpu.stop_execution();
        return true;
    case kSystemReset:
        cpu.machine()->request_reset();  // the board's reset powers the boot CPU back on
        cpu.set_powered(false);
        cpu.stop_execution();
        return true;
    case kFeatures: {
        const std::uint32_t queried = core.reg(1);
        result = (queried >= kVersion && queried <= kFeatures && queried != 0x84000005 && queried != 0x84000007)
                     ? kSuccess
                     : kNotSupported;
        break;
    }
    default:
        if ((function & 0xff000000) != 0x84000000) return false;
    }
    core.set_reg(0, static_cast<std::uint32_t>(result));
    return true;
}

}  // namespace emu::arm
