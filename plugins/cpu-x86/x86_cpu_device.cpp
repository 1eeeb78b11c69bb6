// The software x86 CPU models (qemu32): X86Core behind the SDK's SoftwareCpu, each with its own
// local APIC in front of system memory.
#include <emu/cpu.h>
#include <emu/plugin.h>

namespace emu::x86 {
namespace {
void register_types(TypeBatch&) {}
}  // namespace
}  // namespace emu::x86

EMU_PLUGIN(cpu_x86, "0.1.0", "x86 CPU models run by emu's software CPU (tcg)", "MIT", emu::x86::register_types);
