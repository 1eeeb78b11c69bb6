// The software x86 CPU's side of the gdb stub (emu/gdb.h): gdb's i386 target description
// (org.gnu.gdb.i386.core: the general registers, EIP, EFLAGS, the segment selectors, the x87
// registers), memory by linear address, breakpoints and single step.
#include <algorithm>
#include <cstring>

#include "cpu.h"
#include "x86_cpu_device.h"

namespace emu::x86 {

namespace {

// gdb's i386 numbering: eax ecx edx ebx esp ebp esi edi (0-7), eip 8, eflags 9, cs ss ds es fs
// gs (10-15), st0-st7 (16-23, 80-bit), then fctrl fstat ftag fiseg fioff foseg fooff fop (24-31).
constexpr unsigned kEip = 8, kEflags = 9, kFirstSeg = 10, kFirstSt = 16, kFctrl = 24, kCount = 32;
constexpr Seg kGdbSegOrder[6] = {CS, SS, DS, ES, FS, GS};
constexpr std::uint64_t kPage = 0x1000;

std::string target_xml() {
    static const char* const gprs[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    static const char* const segs[6] = {"cs", "ss", "ds", "es", "fs", "gs"};
    static const char* const fpu[8] = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};
    std::string xml =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
        "<target>\n"
        "<architecture>i386</architecture>\n"
        "<feature name=\"org.gnu.gdb.i386.core\">\n"
        "<flags id=\"i386_eflags\" size=\"4\">\n"
        "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>\n"
        "<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>\n"
        "<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>\n"
        "<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>\n"
        "<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>\n"
        "<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>\n"
        "<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>\n"
        "<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
        "<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
        "</flags>\n";
    unsigned n = 0;
    for (const char* r : gprs) {
        const char* type = (n == 4 || n == 5) ? "data_ptr" : "int32";
        xml += "<reg name=\"" + std::string(r) + "\" bitsize=\"32\" type=\"" + type + "\" regnum=\"" +
               std::to_string(n++) + "\"/>\n";
    }
    xml += "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\" regnum=\"8\"/>\n"
           "<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\" regnum=\"9\"/>\n";
    n = kFirstSeg;
    for (const char* r : segs)
        xml += "<reg name=\"" + std::string(r) + "\" bitsize=\"32\" type=\"int32\" regnum=\"" + std::to_string(n++) +
               "\"/>\n";
    for (unsigned i = 0; i < 8; ++i)
        xml += "<reg name=\"st" + std::to_string(i) + "\" bitsize=\"80\" type=\"i387_ext\" regnum=\"" +
               std::to_string(kFirstSt + i) + "\"/>\n";
    n = kFctrl;
    for (const char* r : fpu)
        xml += "<reg name=\"" + std::string(r) + "\" bitsize=\"32\" type=\"int\" group=\"float\" regnum=\"" +
               std::to_string(n++) + "\"/>\n";
    xml += "</feature>\n</target>\n";
    return xml;
}

void store_le(std::span<std::uint8_t> out, std::uint64_t value) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t load_le(std::span<const std::uint8_t> in) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < in.size() && i < 8; ++i) value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    return value;
}

// The FPU's abridged view for gdb: ftag is the full tag word, fop the last opcode.
std::uint32_t fpu_register(const FpuState& f, unsigned which) {
    switch (which) {
    case 0: return f.control;
    case 1: return f.status;
    case 2: return f.tag;
    case 3: return f.fcs;
    case 4: return f.fip;
    case 5: return f.fds;
    case 6: return f.fdp;
    default: return f.opcode;
    }
}

}  // namespace

std::optional<std::string> X86SoftCpu::gdb_target_xml(std::string_view annex) const {
    if (annex != "target.xml") return std::nullopt;
    static const std::string xml = target_xml();
    return xml;
}

unsigned X86SoftCpu::gdb_register_count() const { return kCount; }

unsigned X86SoftCpu::gdb_register_size(unsigned regnum) const {
    if (regnum >= kFirstSt && regnum < kFctrl) return 10;
    return regnum < kCount ? 4 : 0;
}

bool X86SoftCpu::gdb_read_register(unsigned regnum, std::span<std::uint8_t> value) {
    if (value.size() != gdb_register_size(regnum) || value.empty()) return false;
    x86::Cpu& cpu = core_->internal();
    if (regnum < 8) store_le(value, core_->reg(regnum));
    else if (regnum == kEip) store_le(value, core_->eip());
    else if (regnum == kEflags) store_le(value, core_->eflags());
    else if (regnum < kFirstSt) store_le(value, cpu.seg[kGdbSegOrder[regnum - kFirstSeg]].selector);
    else if (regnum < kFctrl) {
        // ST(i) is physical register (TOP + i) & 7; the host long double is the 80-bit format.
        const unsigned top = (cpu.fpu.status >> 11) & 7;
        const long double st = cpu.fpu.st[(top + regnum - kFirstSt) & 7];
        std::memcpy(value.data(), &st, 10);
    } else store_le(value, fpu_register(cpu.fpu, regnum - kFctrl));
    return true;
}

bool X86SoftCpu::gdb_write_register(unsigned regnum, std::span<const std::uint8_t> value) {
    if (value.size() != gdb_register_size(regnum) || value.empty()) return false;
    x86::Cpu& cpu = core_->internal();
    const auto v = static_cast<std::uint32_t>(load_le(value));
    if (regnum < 8) core_->set_reg(regnum, v);
    else if (regnum == kEip) core_->set_eip(v);
    else if (regnum == kEflags) core_->set_eflags(v);
    else if (regnum < kFirstSt) {
        // A selector means a descriptor load in protected mode, which a debugger must not do
        // behind the guest's back; in real mode the base follows the selector.
        Segment& s = cpu.seg[kGdbSegOrder[regnum - kFirstSeg]];
        if (cpu.protected_mode() && !cpu.v86()) return s.selector == v;
        s.selector = static_cast<std::uint16_t>(v);
        s.base = std::uint64_t{s.selector} << 4;
    } else if (regnum < kFctrl) {
        const unsigned top = (cpu.fpu.status >> 11) & 7;
        long double st = 0;
        std::memcpy(&st, value.data(), 10);
        cpu.fpu.st[(top + regnum - kFirstSt) & 7] = st;
    } else if (regnum == kFctrl) cpu.fpu.control = static_cast<std::uint16_t>(v);
    else if (regnum == kFctrl + 1) cpu.fpu.status = static_cast<std::uint16_t>(v);
    else if (regnum == kFctrl + 2) cpu.fpu.tag = static_cast<std::uint16_t>(v);
    else return false;  // the pointer registers are read-only here
    return true;
}

// Page by page: translate, then touch only RAM/ROM (the span check keeps device registers out).
bool X86SoftCpu::gdb_read_memory(std::uint64_t address, std::span<std::uint8_t> out) {
    while (!out.empty()) {
        if (address > 0xffffffffu) return false;
        const std::size_t chunk = std::min<std::uint64_t>(out.size(), kPage - (address & (kPage - 1)));
        std::uint64_t physical = 0;
        if (!core_->translate_debug(address, physical)) return false;
        const AddressSpace::RamSpan span = space_->ram_span(physical);
        if (!span.host || span.length < chunk) return false;
        std::memcpy(out.data(), span.host, chunk);
        out = out.subspan(chunk);
        address += chunk;
    }
    return true;
}

bool X86SoftCpu::gdb_write_memory(std::uint64_t address, std::span<const std::uint8_t> data) {
    while (!data.empty()) {
        if (address > 0xffffffffu) return false;
        const std::size_t chunk = std::min<std::uint64_t>(data.size(), kPage - (address & (kPage - 1)));
        std::uint64_t physical = 0;
        if (!core_->translate_debug(address, physical)) return false;
        const AddressSpace::RamSpan span = space_->ram_span(physical);
        if (!span.host || span.length < chunk) return false;
        if (space_->write_rom(physical, data.data(), chunk) != MemResult::Ok) return false;
        core_->internal().code_written(physical, static_cast<unsigned>(chunk));
        data = data.subspan(chunk);
        address += chunk;
    }
    return true;
}

// Software and hardware breakpoints are both the core's linear-address breakpoints: guest
// memory is never patched. Watchpoints are not offered.
bool X86SoftCpu::gdb_insert_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t) {
    if (type != GdbBreakpointType::Software && type != GdbBreakpointType::Hardware) return false;
    if (address > 0xffffffffu) return false;
    gdb_breakpoints_.push_back(address);
    core_->add_breakpoint(address);
    return true;
}

bool X86SoftCpu::gdb_remove_breakpoint(GdbBreakpointType type, std::uint64_t address, std::uint64_t) {
    if (type != GdbBreakpointType::Software && type != GdbBreakpointType::Hardware) return false;
    const auto it = std::find(gdb_breakpoints_.begin(), gdb_breakpoints_.end(), address);
    if (it == gdb_breakpoints_.end()) return false;
    gdb_breakpoints_.erase(it);
    if (std::find(gdb_breakpoints_.begin(), gdb_breakpoints_.end(), address) == gdb_breakpoints_.end())
        core_->remove_breakpoint(address);
    return true;
}

void X86SoftCpu::gdb_remove_all_breakpoints() {
    for (std::uint64_t address : gdb_breakpoints_) core_->remove_breakpoint(address);
    gdb_breakpoints_.clear();
}

void X86SoftCpu::gdb_set_single_step(bool on) { gdb_single_step_ = on; }

// As the ARM CPU's: stop before an instruction at a breakpoint, except the one this CPU last
// stopped at when it resumes from there; a single step runs exactly one instruction (or takes
// one interrupt or exception).
SoftwareCpu::ExecResult X86SoftCpu::execute_for_debugger(std::uint64_t budget) {
    x86::Cpu& cpu = core_->internal();
    const std::uint64_t pc = (cpu.seg[CS].base + cpu.rip) & 0xffffffffu;
    const bool resuming_from_breakpoint = gdb_stopped_at_ == pc;
    gdb_stopped_at_.reset();
    if (gdb_single_step_) {
        const std::uint64_t executed = core_->instructions_executed();
        const StopReason reason = core_->run(1);
        if (reason == StopReason::Stopped && core_->instructions_executed() == executed) {
            if (resuming_from_breakpoint) gdb_stopped_at_ = pc;
            return ExecResult::Stopped;  // paused before the step
        }
        if (reason == StopReason::Halted && core_->instructions_executed() == executed) return ExecResult::Halted;
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
        gdb_stopped_at_ = (cpu.seg[CS].base + cpu.rip) & 0xffffffffu;
        report_debug_stop(DebugStopReason::Breakpoint);
        return ExecResult::Debug;
    case StopReason::Halted:
    case StopReason::Shutdown:
        return ExecResult::Halted;
    case StopReason::Stopped:
        if (resuming_from_breakpoint && core_->instructions_executed() == executed) gdb_stopped_at_ = pc;
        return ExecResult::Stopped;
    default:
        return ExecResult::Budget;
    }
}

}  // namespace emu::x86
