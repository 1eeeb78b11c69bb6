// The software x86 CPU models (qemu32): x86_cpu_device.h describes the device.
#include "x86_cpu_device.h"

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <emu/cpu.h>
#include <emu/error.h>
#include <emu/event_loop.h>
#include <emu/lock.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>
#include <emu/x86.h>

#include "apic.h"
#include "x86_core.h"

namespace emu::x86 {
namespace {

constexpr std::uint64_t kApicPage = 0xFFFFF000;  // IA32_APIC_BASE bits of the page address
constexpr std::uint64_t kApicEnable = 1u << 11;

void register_types(TypeBatch& types) {
    types.add({.name = "qemu32",
               .parent = "x86-cpu",
               .description = "QEMU's generic 32-bit CPU (i686: P6 integer set, x87, PAE, local APIC; tcg only)",
               .factory = factory_of<X86SoftCpu>(),
               .class_init = class_init_of<X86SoftCpu>(&X86SoftCpu::class_init)});
}

}  // namespace
}  // namespace emu::x86

EMU_PLUGIN(cpu_x86, "0.1.0", "x86 CPU models run by emu's software CPU (tcg)", "MIT", emu::x86::register_types);
