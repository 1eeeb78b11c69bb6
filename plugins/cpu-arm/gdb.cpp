// The cortex-a15's side of the gdb stub (emu/gdb.h): gdb's ARM target description (the
// org.gnu.gdb.arm.core and org.gnu.gdb.arm.vfp features), registers in its numbering, debug
// memory access by virtual address, breakpoints and single step.
#include <algorithm>
#include <cstring>

#include "cortex_a15.h"

namespace emu::arm {

namespace {

// gdb's numbering for ARM: r0-r15 are 0-15 and cpsr is 25 (16-24 were the FPA registers, which
// gdb still reserves); the VFP feature follows on from 26: d0-d15, then fpscr.
constexpr unsigned kCpsr = 25;
constexpr unsigned kFirstD = 26;
constexpr unsigned kDCount = 16;  // VFPv3-D16
constexpr unsigned kFpscr = kFirstD + kDCount;
constexpr unsigned kRegisterCount = kFpscr + 1;
constexpr std::uint64_t kPage = 0x1000;

std::string target_xml() {
    std::string xml =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
        "<target>\n"
        "<architecture>arm</architecture>\n"
        "<feature name=\"org.gnu.gdb.arm.core\">\n";
    for (unsigned r = 0; r < 13; ++r)
        xml += "<reg name=\"r" + std::to_string(r) + "\" bitsize=\"32\" regnum=\"" + std::to_string(r) + "\"/>\n";
    xml +=
        "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\" regnum=\"13\"/>\n"
        "<reg name=\"lr\" bitsize=\"32\" regnum=\"14\"/>\n"
        "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\" regnum=\"15\"/>\n"
        "<reg name=\"cpsr\" bitsize=\"32\" regnum=\"" + std::to_string(kCpsr) + "\"/>\n"
        "</feature>\n"
        "<feature name=\"org.gnu.gdb.arm.vfp\">\n";
    for (unsigned d = 0; d < kDCount; ++d)
        xml += "<reg name=\"d" + std::to_string(d) + "\" bitsize=\"64\" type=\"ieee_double\" regnum=\"" +
               std::to_string(kFirstD + d) + "\"/>\n";
    xml += "<reg name=\"fpscr\" bitsize=\"32\" type=\"int\" group=\"float\" regnum=\"" + std::to_string(kFpscr) +
           "\"/>\n"
           "</feature>\n"
           "</target>\n";
    return xml;
}

void store_le(std::span<std::uint8_t> out, std::uint64_t value) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t load_le(std::span<const std::uint8_t> in) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < in.size(); ++i) value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    return value;
}

}  // namespace

std::optional<std::string> CortexA15::gdb_target_xml(std::string_view annex) const {
    if (annex != "target.xml") return std::nullopt;
    static const std::string xml = target_xml();
    return xml;
}

unsigned CortexA15::gdb_register_count() const { return kRegisterCount; }

unsigned CortexA15::gdb_register_size(unsigned regnum) const {
    if (regnum < 16 || regnum == kCpsr || regnum == kFpscr) return 4;
    if (regnum >= kFirstD && regnum < kFirstD + kDCount) return 8;
    return 0;
}

bool CortexA15::gdb_read_register(unsigned regnum, std::span<std::uint8_t> value) {
    if (value.size() != gdb_register_size(regnum) || value.empty()) return false;
    if (regnum < 16) store_le(value, core_->reg(regnum));
    else if (regnum == kCpsr) store_le(value, core_->cpsr());
    else if (regnum == kFpscr) store_le(value, core_->vfp().fpscr);
    else store_le(value, core_->vfp().d[regnum - kFirstD]);
    return true;
}

bool CortexA15::gdb_write_register(unsigned regnum, std::span<const std::uint8_t> value) {
    if (value.size() != gdb_register_size(regnum) || value.empty()) return false;
    const std::uint64_t v = load_le(value);
    if (regnum < 16) core_->set_reg(regnum, static_cast<std::uint32_t>(v));
    else if (regnum == kCpsr) core_->set_cpsr(static_cast<std::uint32_t>(v));
    else if (regnum == kFpscr) core_->vfp().fpscr = static_cast<std::uint32_t>(v);
    else core_->vfp().d[regnum - kFirstD] = v;
    return true;
}

// Page by page: translate, then touch only RAM/ROM (the span check keeps device registers out).
bool CortexA15::gdb_read_memory(std::uint64_t address, std::span<std::uint8_t> out) {
    AddressSpace& memory = core_->memory();
    while (!out.empty()) {
        if (address > 0xffffffffu) return false;
        const std::size_t chunk = std::min<std::uint64_t>(out.size(), kPage - (address & (kPage - 1)));
        std::uint64_t physical = 0;
        if (!core_->translate_debug(static_cast<std::uint32_t>(address), physical)) return false;
        const AddressSpace::RamSpan span = memory.ram_span(physical);
        if (!span.host || span.length < chunk) return false;
        std::memcpy(out.data(), span.host, chunk);
        out = out.subspan(chunk);
        address += chunk;
    }
    return true;
}

bool CortexA15::gdb_write_memory(std::uint64_t address, std::span<const std::uint8_t> data) {
    AddressSpace& memory = core_->memory();
    while (!data.empty()) {
        if (address > 0xffffffffu) return false;
        const std::size_t chunk = std::min<std::uint64_t>(data.size(), kPage - (address & (kPage - 1)));
        std::uint64_t physical = 0;
        if (!core_->translate_debug(static_cast<std::uint32_t>(address), physical)) return false;
        const AddressSpace::RamSpan span = memory.ram_span(physical);
        if (!span.host || span.length < chunk) return false;
        if (memory.write_rom(physical, data.data(), chunk) != MemResult::Ok) return false;
        // Every core may hold decoded blocks of this code (they share the address space).
        for (CortexA15* cpu : siblings()) cpu->core().invalidate_code(physical, chunk);
        data = data.subspan(chunk);
        address += chunk;
    }
    return true;
}

// Both software and hardware breakpoints are the core's address breakpoints: guest memory is
// never patched. Watchpoints would need a hook in every load and store; not offered.
bool CortexA15::gdb_insert_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t) {
    if (type != GdbBreakpointType::Software && type != GdbBreakpointType::Hardware) return false;
    if (address > 0xffffffffu) return false;
    const auto va = static_cast<std::uint32_t>(address & ~std::uint64_t{1});
    // The same address may be inserted as both kinds; the core keeps it once.
    gdb_breakpoints_.push_back(va);
    core_->add_breakpoint(va);
    return true;
}

bool CortexA15::gdb_remove_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t) {
    if (type != GdbBreakpointType::Software && type != GdbBreakpointType::Hardware) return false;
    const auto va = static_cast<std::uint32_t>(address & ~std::uint64_t{1});
    const auto it = std::find(gdb_breakpoints_.begin(), gdb_breakpoints_.end(), va);
    if (it == gdb_breakpoints_.end()) return false;
    gdb_breakpoints_.erase(it);
    if (std::find(gdb_breakpoints_.begin(), gdb_breakpoints_.end(), va) == gdb_breakpoints_.end())
        core_->remove_breakpoint(va);
    return true;
}

void CortexA15::gdb_remove_all_breakpoints() {
    for (std::uint32_t va : gdb_breakpoints_) core_->remove_breakpoint(va);
    gdb_breakpoints_.clear();
}

void CortexA15::gdb_set_single_step(bool on) { gdb_single_step_ = on; }

// Execution stops before every instruction at a breakpoint address, except the one this CPU
// last stopped at when it resumes from there (so "continue" moves on, as the core's run() does
// for the instruction it resumes at). run() always skips a breakpoint on its first instruction,
// so that one is checked here: the same run() call may follow a pause, or a budget that ended
// right before a breakpoint. A single step executes exactly one instruction (or takes one
// exception).
SoftwareCpu::ExecResult CortexA15::execute_for_debugger(std::uint64_t budget) {
    const std::uint32_t pc = core_->reg(15);
    const bool resuming_from_breakpoint = gdb_stopped_at_ == pc;
    gdb_stopped_at_.reset();
    if (gdb_single_step_) {
        if (core_->run(1) == StopReason::Halted) {  // paused before the step
            if (resuming_from_breakpoint) gdb_stopped_at_ = pc;
            return ExecResult::Stopped;
        }
        report_debug_stop(DebugStopReason::Step);
        return ExecResult::Debug;
    }
    if (!resuming_from_breakpoint &&
        std::find(gdb_breakpoints_.begin(), gdb_breakpoints_.end(), pc) != gdb_breakpoints_.end()) {
        gdb_stopped_at_ = pc;
        report_debug_stop(DebugStopReason::Breakpoint);
        return ExecResult::Debug;
    }
    const std::uint64_t executed = core_->instructions_executed();
    switch (core_->run(budget)) {
    case StopReason::Breakpoint:
        gdb_stopped_at_ = core_->reg(15);
        report_debug_stop(DebugStopReason::Breakpoint);
        return ExecResult::Debug;
    case StopReason::Wfi:
        return ExecResult::Halted;
    case StopReason::Halted:
        // Paused before it moved: it still resumes from the breakpoint next time.
        if (resuming_from_breakpoint && core_->instructions_executed() == executed) gdb_stopped_at_ = pc;
        return ExecResult::Stopped;
    default:
        return ExecResult::Budget;
    }
}

}  // namespace emu::arm
