// The software x86 CPU's side of the gdb stub (emu/gdb.h): gdb's target descriptions, i386 for
// the qemu32 model (org.gnu.gdb.i386.core: the general registers, EIP, EFLAGS, the segment
// selectors, the x87 registers) and i386:x86-64 for qemu64 (the same with the 64-bit registers,
// plus org.gnu.gdb.i386.sse: XMM0-15 and MXCSR), as qemu-system-i386 and -x86_64 offer them;
// memory by linear address, breakpoints and single step.
#include <algorithm>
#include <cstring>

#include "cpu.h"
#include "x86_cpu_device.h"

namespace emu::x86 {

namespace {

// gdb's numbering. i386: eax ecx edx ebx esp ebp esi edi (0-7), eip 8, eflags 9, cs ss ds es fs
// gs (10-15), st0-st7 (16-23, 80-bit), fctrl fstat ftag fiseg fioff foseg fooff fop (24-31).
// x86-64: rax rbx rcx rdx rsi rdi rbp rsp r8-r15 (0-15), rip 16, eflags 17, the selectors
// (18-23), st0-st7 (24-31), the x87 control registers (32-39), xmm0-15 (40-55), mxcsr 56.
struct Layout {
    unsigned gprs, pc, eflags, first_seg, first_st, fctrl, first_xmm, mxcsr, count;
    unsigned gpr_bytes;
};
constexpr Layout kI386{8, 8, 9, 10, 16, 24, 32, 32, 32, 4};
constexpr Layout kAmd64{16, 16, 17, 18, 24, 32, 40, 56, 57, 8};
// gdb's amd64 order of the first eight general registers, as encodings.
constexpr unsigned kAmd64Gpr[8] = {kEax, kEbx, kEcx, kEdx, kEsi, kEdi, kEbp, kEsp};
constexpr Seg kGdbSegOrder[6] = {CS, SS, DS, ES, FS, GS};
constexpr std::uint64_t kPage = 0x1000;

const Layout& layout(bool x86_64) { return x86_64 ? kAmd64 : kI386; }

unsigned gpr_encoding(bool x86_64, unsigned regnum) { return x86_64 && regnum < 8 ? kAmd64Gpr[regnum] : regnum; }

std::string reg_xml(const std::string& name, unsigned bits, const char* type, unsigned regnum,
                    const char* group = nullptr) {
    return "<reg name=\"" + name + "\" bitsize=\"" + std::to_string(bits) + "\" type=\"" + type + "\"" +
           (group ? std::string(" group=\"") + group + "\"" : std::string()) + " regnum=\"" +
           std::to_string(regnum) + "\"/>\n";
}

std::string target_xml(bool x86_64) {
    static const char* const gprs32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    static const char* const gprs64[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                           "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    static const char* const segs[6] = {"cs", "ss", "ds", "es", "fs", "gs"};
    static const char* const fpu[8] = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};
    const Layout& l = layout(x86_64);
    std::string xml = std::string("<?xml version=\"1.0\"?>\n"
                                  "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                                  "<target>\n<architecture>") +
                      (x86_64 ? "i386:x86-64" : "i386") +
                      "</architecture>\n"
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
    const unsigned bits = l.gpr_bytes * 8;
    for (unsigned n = 0; n < l.gprs; ++n) {
        const std::string name = x86_64 ? gprs64[n] : gprs32[n];
        const bool pointer = name == "esp" || name == "ebp" || name == "rsp" || name == "rbp";
        xml += reg_xml(name, bits, pointer ? "data_ptr" : x86_64 ? "int64" : "int32", n);
    }
    xml += reg_xml(x86_64 ? "rip" : "eip", bits, "code_ptr", l.pc);
    xml += reg_xml("eflags", 32, "i386_eflags", l.eflags);
    for (unsigned i = 0; i < 6; ++i) xml += reg_xml(segs[i], 32, "int32", l.first_seg + i);
    for (unsigned i = 0; i < 8; ++i) xml += reg_xml("st" + std::to_string(i), 80, "i387_ext", l.first_st + i);
    for (unsigned i = 0; i < 8; ++i) xml += reg_xml(fpu[i], 32, "int", l.fctrl + i, "float");
    xml += "</feature>\n";
    if (x86_64) {
        xml += "<feature name=\"org.gnu.gdb.i386.sse\">\n"
               "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
               "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
               "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
               "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
               "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
               "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
               "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
               "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
               "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
               "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/></union>\n"
               "<flags id=\"i386_mxcsr\" size=\"4\">\n"
               "<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>\n"
               "<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>\n"
               "<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>\n"
               "<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>\n"
               "<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>\n"
               "<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>\n"
               "<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>\n"
               "</flags>\n";
        for (unsigned i = 0; i < 16; ++i) xml += reg_xml("xmm" + std::to_string(i), 128, "vec128", l.first_xmm + i);
        xml += reg_xml("mxcsr", 32, "i386_mxcsr", l.mxcsr, "vector");
        xml += "</feature>\n";
    }
    xml += "</target>\n";
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
    static const std::string xml32 = target_xml(false), xml64 = target_xml(true);
    return x86_64_ ? xml64 : xml32;
}

unsigned X86SoftCpu::gdb_register_count() const { return layout(x86_64_).count; }

unsigned X86SoftCpu::gdb_register_size(unsigned regnum) const {
    const Layout& l = layout(x86_64_);
    if (regnum >= l.count) return 0;
    if (regnum < l.gprs || regnum == l.pc) return l.gpr_bytes;
    if (regnum >= l.first_st && regnum < l.fctrl) return 10;
    if (regnum >= l.first_xmm && regnum < l.mxcsr) return 16;
    return 4;
}

bool X86SoftCpu::gdb_read_register(unsigned regnum, std::span<std::uint8_t> value) {
    if (value.size() != gdb_register_size(regnum) || value.empty()) return false;
    const Layout& l = layout(x86_64_);
    x86::Cpu& cpu = core_->internal();
    if (regnum < l.gprs) store_le(value, cpu.gpr[gpr_encoding(x86_64_, regnum)]);
    else if (regnum == l.pc) store_le(value, cpu.rip);
    else if (regnum == l.eflags) store_le(value, cpu.flags());
    else if (regnum < l.first_st) store_le(value, cpu.seg[kGdbSegOrder[regnum - l.first_seg]].selector);
    else if (regnum < l.fctrl) {
        // ST(i) is physical register (TOP + i) & 7; the host long double is the 80-bit format.
        const unsigned top = (cpu.fpu.status >> 11) & 7;
        const long double st = cpu.fpu.st[(top + regnum - l.first_st) & 7];
        std::memcpy(value.data(), &st, 10);
    } else if (regnum < l.first_xmm) store_le(value, fpu_register(cpu.fpu, regnum - l.fctrl));
    else if (regnum < l.mxcsr) std::memcpy(value.data(), cpu.fpu.xmm[regnum - l.first_xmm], 16);
    else store_le(value, cpu.fpu.mxcsr);
    return true;
}

bool X86SoftCpu::gdb_write_register(unsigned regnum, std::span<const std::uint8_t> value) {
    if (value.size() != gdb_register_size(regnum) || value.empty()) return false;
    const Layout& l = layout(x86_64_);
    x86::Cpu& cpu = core_->internal();
    const std::uint64_t v = load_le(value);
    if (regnum < l.gprs) cpu.gpr[gpr_encoding(x86_64_, regnum)] = v;
    else if (regnum == l.pc) cpu.rip = v;
    else if (regnum == l.eflags) cpu.set_flags(static_cast<std::uint32_t>(v));
    else if (regnum < l.first_st) {
        // A selector means a descriptor load in protected mode, which a debugger must not do
        // behind the guest's back; in real mode the base follows the selector.
        Segment& s = cpu.seg[kGdbSegOrder[regnum - l.first_seg]];
        if (cpu.protected_mode() && !cpu.v86()) return s.selector == v;
        s.selector = static_cast<std::uint16_t>(v);
        s.base = std::uint64_t{s.selector} << 4;
    } else if (regnum < l.fctrl) {
        const unsigned top = (cpu.fpu.status >> 11) & 7;
        long double st = 0;
        std::memcpy(&st, value.data(), 10);
        cpu.fpu.st[(top + regnum - l.first_st) & 7] = st;
    } else if (regnum == l.fctrl) cpu.fpu.control = static_cast<std::uint16_t>(v);
    else if (regnum == l.fctrl + 1) cpu.fpu.status = static_cast<std::uint16_t>(v);
    else if (regnum == l.fctrl + 2) cpu.fpu.tag = static_cast<std::uint16_t>(v);
    else if (regnum < l.first_xmm) return false;  // the pointer registers are read-only here
    else if (regnum < l.mxcsr) std::memcpy(cpu.fpu.xmm[regnum - l.first_xmm], value.data(), 16);
    else if ((v & ~0xFFFFull) == 0) cpu.fpu.mxcsr = static_cast<std::uint32_t>(v);
    else return false;  // reserved MXCSR bits
    return true;
}

// Page by page: translate, then touch only RAM/ROM (the span check keeps device registers out).
bool X86SoftCpu::gdb_read_memory(std::uint64_t address, std::span<std::uint8_t> out) {
    while (!out.empty()) {
        if (!x86_64_ && address > 0xffffffffu) return false;
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
        if (!x86_64_ && address > 0xffffffffu) return false;
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
    if (!x86_64_ && address > 0xffffffffu) return false;
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

namespace {
// The linear address of the next instruction (as the core's breakpoints see it).
std::uint64_t linear_pc(const x86::Cpu& cpu) {
    const std::uint64_t linear = cpu.seg[CS].base + cpu.rip;
    return cpu.code64() ? linear : linear & 0xffffffffu;
}
}  // namespace

// As the ARM CPU's: stop before an instruction at a breakpoint, except the one this CPU last
// stopped at when it resumes from there; a single step runs exactly one instruction (or takes
// one interrupt or exception).
SoftwareCpu::ExecResult X86SoftCpu::execute_for_debugger(std::uint64_t budget) {
    x86::Cpu& cpu = core_->internal();
    const std::uint64_t pc = linear_pc(cpu);
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
        gdb_stopped_at_ = linear_pc(cpu);
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
