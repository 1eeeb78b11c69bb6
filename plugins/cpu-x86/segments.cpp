// Descriptor tables, segment loads, far transfers (SDM vol. 3 chapter 5; vol. 2 JMP, CALL, RET,
// IRET), task switches (chapter 7) and the I/O permission bitmap (vol. 1 chapter 19).
//
// Every check that can fault runs before the first register changes (the fault rule in cpu.h):
// stack frames are built with a local ESP on a local copy of the stack segment and committed
// together with CS at the end.
#include <emu/memory.h>

#include "cpu.h"
#include "system_internal.h"

namespace emu::x86 {

namespace {

constexpr std::uint16_t kSelectorMask = 0xFFFC;  // error codes carry index and TI, not RPL
std::uint16_t err(std::uint16_t selector) { return selector & kSelectorMask; }

unsigned desc_type(std::uint64_t d) { return (d >> 40) & 0xF; }
bool desc_s(std::uint64_t d) { return (d >> 44) & 1; }
unsigned desc_dpl(std::uint64_t d) { return (d >> 45) & 3; }
bool desc_present(std::uint64_t d) { return (d >> 47) & 1; }
bool desc_code(std::uint64_t d) { return desc_s(d) && (desc_type(d) & 8); }
bool desc_conforming(std::uint64_t d) { return desc_code(d) && (desc_type(d) & 4); }
bool desc_writable_data(std::uint64_t d) { return desc_s(d) && !(desc_type(d) & 8) && (desc_type(d) & 2); }
bool desc_long(std::uint64_t d) { return (d >> 53) & 1; }  // L: a 64-bit code segment
// Gate fields.
std::uint16_t gate_selector(std::uint64_t d) { return static_cast<std::uint16_t>(d >> 16); }
std::uint32_t gate_offset(std::uint64_t d) {
    return static_cast<std::uint32_t>((d & 0xFFFF) | ((d >> 32) & 0xFFFF0000u));
}

// The selector's RPL.
unsigned rpl(std::uint16_t selector) { return selector & 3; }

Stack current_stack(Cpu& c) {
    if (c.code64()) return Stack{c, c.seg[SS], c.gpr[kEsp], c.cpl != 3, 0, true};
    return Stack{c, c.seg[SS], static_cast<std::uint32_t>(c.gpr[kEsp]), c.cpl != 3, 0};
}

// The cache of a null SS in 64-bit mode (allowed at CPL 0-2): a flat writable segment at the
// selector's RPL, as the CPU leaves it usable for a later return to compatibility mode.
Segment null_stack(std::uint16_t selector) {
    return Segment{selector, 0, 0xFFFFFFFF, static_cast<std::uint16_t>(0x493 | ((selector & 3) << 5))};
}

// Segment registers in real mode and v8086 mode: base = selector * 16. v8086 forces a 64 KiB
// data segment at DPL 3 (SDM 20.1.1); real mode keeps the cached limit and attributes (unreal
// mode) but the segment becomes usable.
void load_real(Cpu& c, Seg s, std::uint16_t selector) {
    Segment& sg = c.seg[s];
    sg.selector = selector;
    sg.base = static_cast<std::uint64_t>(selector) << 4;
    if (c.v86()) {
        sg.limit = 0xFFFF;
        sg.attr = s == CS ? 0xFB : 0xF3;
    } else if (!sg.present()) {
        sg.attr = s == CS ? 0x9B : 0x93;
    }
}

// Checks of a code segment reached by JMP/CALL directly (not through a gate). In long mode a
// code segment with both L and D set is invalid.
void check_direct_code(Cpu& c, std::uint16_t selector, std::uint64_t d) {
    if (!desc_code(d)) c.raise(vec::GP, err(selector));
    if (c.long_mode() && desc_long(d) && (d & (1ull << 54))) c.raise(vec::GP, err(selector));
    if (desc_conforming(d)) {
        if (desc_dpl(d) > c.cpl) c.raise(vec::GP, err(selector));
    } else if (rpl(selector) > c.cpl || desc_dpl(d) != c.cpl) {
        c.raise(vec::GP, err(selector));
    }
    if (!desc_present(d)) c.raise(vec::NP, err(selector));
}

// Commit a new CS (checked) with RPL = the new CPL, setting its accessed bit.
void commit_cs(Cpu& c, std::uint16_t selector, std::uint64_t d, unsigned new_cpl) {
    set_descriptor_accessed(c, selector, d);
    const std::uint16_t sel = static_cast<std::uint16_t>((selector & kSelectorMask) | new_cpl);
    c.seg[CS] = c.code_cache(Cpu::segment_from_descriptor(sel, d | (1ull << 40)));
    c.cpl = new_cpl;
    c.tlb.fetch_tag = TlbEntry::kInvalid;
}

std::uint64_t fit_offset(std::uint64_t offset, unsigned osize) {
    return osize == 8 ? offset : osize == 4 ? offset & 0xFFFFFFFFu : offset & 0xFFFF;
}

// The new RIP of a far transfer to code segment d: in long mode a 64-bit segment takes any
// canonical offset (no limit), otherwise the offset must lie inside the limit (#GP(0)).
std::uint64_t target_offset(Cpu& c, std::uint16_t selector, std::uint64_t d, std::uint64_t offset, unsigned osize) {
    const std::uint64_t o = fit_offset(offset, osize);
    if (c.long_mode() && desc_long(d)) {
        if (!Cpu::canonical(o)) c.raise(vec::GP, 0);
        return o;
    }
    if (o > Cpu::segment_from_descriptor(selector, d).limit) c.raise(vec::GP, 0);
    return o;
}

// The target of a call gate: its code segment, checked (SDM CALL, "CALL-GATE").
std::uint64_t gate_target(Cpu& c, std::uint64_t gate, std::uint16_t& target) {
    target = gate_selector(gate);
    if (!(target & kSelectorMask)) c.raise(vec::GP, 0);
    const std::uint64_t d = descriptor_or_fault(c, target, vec::GP);
    if (!desc_code(d) || desc_dpl(d) > c.cpl) c.raise(vec::GP, err(target));
    if (!desc_present(d)) c.raise(vec::NP, err(target));
    return d;
}

// JMP/CALL through a long-mode call gate (16 bytes, type 12; SDM CALL "IA-32e mode"): the
// target is a 64-bit code segment at the gate's 64-bit offset. A CALL to an inner level
// switches to RSPn of the 64-bit TSS with a null SS (RPL = the new CPL) and pushes the old
// SS:RSP; all slots are 8 bytes and no parameters are copied. Long mode has no task gates or
// task switches (#GP).
void long_call_gate(Cpu& c, std::uint16_t selector, std::uint64_t gate, bool call, std::uint64_t next_rip) {
    if (desc_type(gate) != 12 || desc_dpl(gate) < c.cpl || desc_dpl(gate) < rpl(selector))
        c.raise(vec::GP, err(selector));
    if (!desc_present(gate)) c.raise(vec::NP, err(selector));
    const std::uint64_t offset_high = c.system_descriptor_high(selector);  // the upper 8 bytes
    std::uint16_t target = 0;
    const std::uint64_t cd = gate_target(c, gate, target);
    if (!desc_long(cd) || (cd & (1ull << 54))) c.raise(vec::GP, err(target));
    const std::uint64_t rip = gate_offset(gate) | offset_high;
    if (!Cpu::canonical(rip)) c.raise(vec::GP, 0);
    const unsigned new_cpl = desc_conforming(cd) ? c.cpl : desc_dpl(cd);
    if (!call) {
        if (new_cpl != c.cpl) c.raise(vec::GP, err(target));
        commit_cs(c, target, cd, c.cpl);
        c.rip = rip;
        return;
    }
    // The return address is the whole RIP whatever the operand size (8-byte slots).
    const std::uint64_t old_cs = c.seg[CS].selector, old_rip = next_rip;
    if (new_cpl < c.cpl) {
        Stack in{c, c.seg[SS], tss_rsp64(c, new_cpl, false), true, 0, true};
        in.push(c.seg[SS].selector, 8);
        in.push(c.gpr[kEsp], 8);
        in.push(old_cs, 8);
        in.push(old_rip, 8);
        commit_cs(c, target, cd, new_cpl);
        c.seg[SS] = null_stack(static_cast<std::uint16_t>(new_cpl));
        c.gpr[kEsp] = in.esp;
    } else {
        Stack st = current_stack(c);
        st.flat = true;  // the new mode's (64-bit) stack
        st.esp = c.gpr[kEsp];
        st.push(old_cs, 8);
        st.push(old_rip, 8);
        commit_cs(c, target, cd, c.cpl);
        c.gpr[kEsp] = st.esp;
    }
    c.rip = rip;
}

// offset, if size bytes there lie inside the current TSS (else #TS(TR)).
std::uint32_t tss_slot(Cpu& c, std::uint32_t offset, unsigned size, bool ext) {
    if (offset + size - 1 > c.tr.limit) c.raise(vec::TS, err(c.tr.selector) | ext);
    return offset;
}

}  // namespace

// ---- Descriptors ---------------------------------------------------------------------------

bool Cpu::read_descriptor(std::uint16_t selector, std::uint64_t& descriptor) {
    const bool local = selector & 4;
    const std::uint32_t index = selector & ~7u;
    if (local) {
        if (!(ldtr.selector & kSelectorMask) || !ldtr.present() || index + 7 > ldtr.limit) return false;
        descriptor = read_linear(ldtr.base + index, 8, true);
    } else {
        if (index + 7 > gdtr.limit) return false;
        descriptor = read_linear(gdtr.base + index, 8, true);
    }
    return true;
}

Segment Cpu::segment_from_descriptor(std::uint16_t selector, std::uint64_t d) {
    Segment s;
    s.selector = selector;
    s.base = ((d >> 16) & 0xFFFFFF) | ((d >> 32) & 0xFF000000u);
    std::uint32_t limit = static_cast<std::uint32_t>((d & 0xFFFF) | ((d >> 32) & 0xF0000));
    if (d & (1ull << 55)) limit = (limit << 12) | 0xFFF;
    s.limit = limit;
    s.attr = static_cast<std::uint16_t>(((d >> 40) & 0xFF) | (((d >> 52) & 0xF) << 8));
    return s;
}

// (Also the upper half of a long-mode call gate: offset bits 63:32.)
std::uint64_t Cpu::system_descriptor_high(std::uint16_t selector) {
    if (!long_mode()) return 0;
    const std::uint32_t at = (selector & ~7u) + 8;
    if (selector & 4) {
        if (!ldtr.present() || at + 7 > ldtr.limit) raise(vec::GP, err(selector));
    } else if (at + 7 > gdtr.limit) {
        raise(vec::GP, err(selector));
    }
    const std::uint64_t high = read_linear(((selector & 4) ? ldtr.base : gdtr.base) + at, 8, true);
    if ((high >> 40) & 0x1F) raise(vec::GP, err(selector));
    return (high & 0xFFFFFFFFu) << 32;
}

std::uint64_t descriptor_or_fault(Cpu& c, std::uint16_t selector, std::uint8_t vector, bool ext) {
    std::uint64_t d = 0;
    if (!c.read_descriptor(selector, d)) c.raise(vector, err(selector) | ext);
    return d;
}

void set_descriptor_accessed(Cpu& c, std::uint16_t selector, std::uint64_t d) {
    if (!desc_s(d) || (d & (1ull << 40))) return;
    const std::uint64_t table = (selector & 4) ? c.ldtr.base : c.gdtr.base;
    const std::uint64_t linear = table + (selector & ~7u) + 5;
    c.write_linear(linear, ((d >> 40) & 0xFF) | 1, 1, true);
}

// ---- Segment loads -------------------------------------------------------------------------

void Cpu::load_segment(Seg s, std::uint16_t selector) {
    if (!protected_mode() || v86()) {
        load_real(*this, s, selector);
        if (s == CS) {
            cpl = v86() ? 3 : 0;
            tlb.fetch_tag = TlbEntry::kInvalid;
        }
        return;
    }
    if (s == CS) {  // only reached through far transfers' helpers; checked like a direct JMP
        if (!(selector & kSelectorMask)) raise(vec::GP, 0);
        const std::uint64_t d = descriptor_or_fault(*this, selector, vec::GP);
        check_direct_code(*this, selector, d);
        commit_cs(*this, selector, d, cpl);
        return;
    }
    if (!(selector & kSelectorMask)) {
        if (s == SS) {
            // 64-bit mode allows a null SS at CPL 0-2 with RPL = CPL (SDM MOV, POP).
            if (!code64() || cpl == 3 || rpl(selector) != cpl) raise(vec::GP, 0);
            seg[SS] = null_stack(selector);
            return;
        }
        seg[s] = Segment{selector, 0, 0, 0};  // null: loads fine, faults on use (not in 64-bit mode)
        return;
    }
    const std::uint64_t d = descriptor_or_fault(*this, selector, vec::GP);
    if (s == SS) {
        if (rpl(selector) != cpl || !desc_writable_data(d) || desc_dpl(d) != cpl) raise(vec::GP, err(selector));
        if (!desc_present(d)) raise(vec::SS, err(selector));
    } else {
        // Data or readable code; data and non-conforming code need max(CPL, RPL) <= DPL.
        if (!desc_s(d) || (desc_code(d) && !(desc_type(d) & 2))) raise(vec::GP, err(selector));
        if (!desc_conforming(d) && (rpl(selector) > desc_dpl(d) || cpl > desc_dpl(d))) raise(vec::GP, err(selector));
        if (!desc_present(d)) raise(vec::NP, err(selector));
    }
    set_descriptor_accessed(*this, selector, d);
    seg[s] = segment_from_descriptor(selector, d | (1ull << 40));
}

// ---- Far JMP / CALL / RET ------------------------------------------------------------------

void Cpu::far_jump(std::uint16_t selector, std::uint64_t offset, unsigned osize, std::uint64_t next_rip) {
    if (!protected_mode() || v86()) {
        load_real(*this, CS, selector);
        tlb.fetch_tag = TlbEntry::kInvalid;
        rip = fit_offset(offset, osize);
        return;
    }
    if (!(selector & kSelectorMask)) raise(vec::GP, 0);
    const std::uint64_t d = descriptor_or_fault(*this, selector, vec::GP);
    if (desc_s(d)) {
        check_direct_code(*this, selector, d);
        const std::uint64_t eip = target_offset(*this, selector, d, offset, osize);
        commit_cs(*this, selector, d, cpl);
        rip = eip;
        return;
    }
    if (long_mode()) {
        long_call_gate(*this, selector, d, false, next_rip);
        return;
    }
    const unsigned type = desc_type(d);
    if (desc_dpl(d) < cpl || desc_dpl(d) < rpl(selector)) raise(vec::GP, err(selector));
    switch (type) {
    case 4: case 12: {  // call gate: JMP stays at the same privilege level
        if (!desc_present(d)) raise(vec::NP, err(selector));
        std::uint16_t target = 0;
        const std::uint64_t cd = gate_target(*this, d, target);
        if (!desc_conforming(cd) && desc_dpl(cd) != cpl) raise(vec::GP, err(target));
        const std::uint32_t eip = type == 12 ? gate_offset(d) : gate_offset(d) & 0xFFFF;
        if (eip > segment_from_descriptor(target, cd).limit) raise(vec::GP, 0);
        commit_cs(*this, target, cd, cpl);
        rip = eip;
        return;
    }
    case 5:  // task gate
        if (!desc_present(d)) raise(vec::NP, err(selector));
        task_switch(gate_selector(d), 0, next_rip);
        return;
    case 1: case 9:  // available TSS
        task_switch(selector, 0, next_rip);
        return;
    default:
        raise(vec::GP, err(selector));
    }
}

void Cpu::far_call(std::uint16_t selector, std::uint64_t offset, unsigned osize, std::uint64_t next_rip) {
    const unsigned size = osize;
    if (!protected_mode() || v86()) {
        Stack st = current_stack(*this);
        st.push(seg[CS].selector, size);
        st.push(static_cast<std::uint32_t>(next_rip), size);
        gpr[kEsp] = st.esp;
        load_real(*this, CS, selector);
        tlb.fetch_tag = TlbEntry::kInvalid;
        rip = fit_offset(offset, osize);
        return;
    }
    if (!(selector & kSelectorMask)) raise(vec::GP, 0);
    const std::uint64_t d = descriptor_or_fault(*this, selector, vec::GP);
    if (desc_s(d)) {
        check_direct_code(*this, selector, d);
        const std::uint64_t eip = target_offset(*this, selector, d, offset, osize);
        Stack st = current_stack(*this);
        st.push(seg[CS].selector, size);
        st.push(fit_offset(next_rip, size), size);
        gpr[kEsp] = st.esp;
        commit_cs(*this, selector, d, cpl);
        rip = eip;
        return;
    }
    if (long_mode()) {
        long_call_gate(*this, selector, d, true, next_rip);
        return;
    }
    const unsigned type = desc_type(d);
    if (desc_dpl(d) < cpl || desc_dpl(d) < rpl(selector)) raise(vec::GP, err(selector));
    switch (type) {
    case 4: case 12: {
        if (!desc_present(d)) raise(vec::NP, err(selector));
        std::uint16_t target = 0;
        const std::uint64_t cd = gate_target(*this, d, target);
        const bool gate32 = type == 12;
        const unsigned slot = gate32 ? 4 : 2;
        const std::uint32_t eip = gate32 ? gate_offset(d) : gate_offset(d) & 0xFFFF;
        if (eip > segment_from_descriptor(target, cd).limit) raise(vec::GP, 0);
        const unsigned new_cpl = desc_dpl(cd);
        if (!desc_conforming(cd) && new_cpl < cpl) {
            // More privileged: new stack from the TSS, old SS:ESP and the parameters on it.
            std::uint16_t ss = 0;
            std::uint32_t esp = 0;
            tss_stack(*this, new_cpl, ss, esp, false);
            const Segment new_ss = checked_stack_segment(*this, ss, new_cpl, false);
            Stack in{*this, new_ss, esp, true, err(ss)};
            if (!new_ss.big()) in.esp &= 0xFFFF;
            Stack out = current_stack(*this);
            const unsigned count = (d >> 32) & 0x1F;
            std::uint32_t params[32];
            for (unsigned i = 0; i < count; ++i) params[i] = out.peek(i * slot, slot);
            in.push(seg[SS].selector, slot);
            in.push(static_cast<std::uint32_t>(gpr[kEsp]), slot);
            for (unsigned i = count; i-- > 0;) in.push(params[i], slot);
            in.push(seg[CS].selector, slot);
            in.push(static_cast<std::uint32_t>(next_rip), slot);
            commit_cs(*this, target, cd, new_cpl);
            seg[SS] = new_ss;
            gpr[kEsp] = in.esp;
            rip = eip;
            return;
        }
        Stack st = current_stack(*this);
        st.push(seg[CS].selector, slot);
        st.push(static_cast<std::uint32_t>(next_rip), slot);
        gpr[kEsp] = st.esp;
        commit_cs(*this, target, cd, cpl);
        rip = eip;
        return;
    }
    case 5:
        if (!desc_present(d)) raise(vec::NP, err(selector));
        task_switch(gate_selector(d), 1, next_rip);
        return;
    case 1: case 9:
        task_switch(selector, 1, next_rip);
        return;
    default:
        raise(vec::GP, err(selector));
    }
}

namespace {
// The checks of a return's CS (RET far, IRET) and, for an outer level, its SS (SDM RET).
std::uint64_t check_return_cs(Cpu& c, std::uint16_t cs) {
    if (!(cs & kSelectorMask)) c.raise(vec::GP, 0);
    const std::uint64_t d = descriptor_or_fault(c, cs, vec::GP);
    if (!desc_code(d) || rpl(cs) < c.cpl) c.raise(vec::GP, err(cs));
    if (desc_conforming(d) ? desc_dpl(d) > rpl(cs) : desc_dpl(d) != rpl(cs)) c.raise(vec::GP, err(cs));
    if (!desc_present(d)) c.raise(vec::NP, err(cs));
    return d;
}

// null_ok: a return to 64-bit mode at CPL 0-2, which may load a null SS (long mode only).
Segment check_return_ss(Cpu& c, std::uint16_t ss, unsigned new_cpl, bool null_ok = false) {
    if (!(ss & kSelectorMask)) {
        if (!null_ok || new_cpl == 3 || rpl(ss) != new_cpl) c.raise(vec::GP, 0);
        return null_stack(ss);
    }
    const std::uint64_t d = descriptor_or_fault(c, ss, vec::GP);
    if (rpl(ss) != new_cpl || !desc_writable_data(d) || desc_dpl(d) != new_cpl) c.raise(vec::GP, err(ss));
    if (!desc_present(d)) c.raise(vec::SS, err(ss));
    set_descriptor_accessed(c, ss, d);
    return Cpu::segment_from_descriptor(ss, d | (1ull << 40));
}
}  // namespace

void Cpu::far_return(unsigned osize, std::uint16_t pop_bytes) {
    const unsigned size = osize;
    Stack st = current_stack(*this);
    const std::uint64_t eip = st.peek(0, size);
    const std::uint16_t cs = static_cast<std::uint16_t>(st.peek(size, size));
    if (!protected_mode() || v86()) {
        st.drop(2 * size + pop_bytes);
        gpr[kEsp] = st.esp;
        load_real(*this, CS, cs);
        tlb.fetch_tag = TlbEntry::kInvalid;
        rip = eip;
        return;
    }
    const std::uint64_t d = check_return_cs(*this, cs);
    target_offset(*this, cs, d, eip, size);  // the limit, or in long mode the canonical check
    if (rpl(cs) == cpl) {
        st.drop(2 * size + pop_bytes);
        gpr[kEsp] = st.esp;
        commit_cs(*this, cs, d, cpl);
        rip = eip;
        return;
    }
    // Outer privilege level: SS:ESP follow the parameters.
    const std::uint64_t new_esp = st.peek(2 * size + pop_bytes, size);
    const std::uint16_t ss = static_cast<std::uint16_t>(st.peek(3 * size + pop_bytes, size));
    const unsigned new_cpl = rpl(cs);
    const bool to64 = long_mode() && desc_long(d);
    const Segment new_ss = check_return_ss(*this, ss, new_cpl, to64);
    commit_cs(*this, cs, d, new_cpl);
    seg[SS] = new_ss;
    const std::uint64_t mask = to64 ? ~0ull : new_ss.big() ? 0xFFFFFFFFu : 0xFFFFu;
    gpr[kEsp] = (gpr[kEsp] & ~mask) | ((new_esp + pop_bytes) & mask);
    rip = eip;
    clear_outer_segments(*this);
}

void clear_outer_segments(Cpu& c) {
    for (Seg s : {ES, DS, FS, GS}) {
        const Segment& sg = c.seg[s];
        // Data and non-conforming code segments the new CPL may not use become null. In long
        // mode FS/GS keep their base (as QEMU does): 64-bit code may still use it.
        if (sg.present() && !sg.conforming() && sg.dpl() < c.cpl)
            c.seg[s] = Segment{0, c.long_mode() ? sg.base : 0, 0, 0};
    }
}

// ---- IRET ----------------------------------------------------------------------------------

namespace {
// IRET in long mode (SDM IRET, "IA-32E-MODE"): no tasks (NT is #GP(0)) and no v8086 mode; from
// 64-bit mode SS:RSP are always popped, from compatibility mode only for an outer level. The
// target may be a 64-bit (canonical RIP) or a compatibility-mode code segment.
void iret_long(Cpu& c, unsigned size, std::uint32_t old) {
    if (old & kNT) c.raise(vec::GP, 0);
    Stack st = current_stack(c);
    const std::uint64_t new_rip = st.peek(0, size);
    const auto cs = static_cast<std::uint16_t>(st.peek(size, size));
    const auto fl = static_cast<std::uint32_t>(st.peek(2 * size, size));
    const std::uint64_t d = check_return_cs(c, cs);
    const unsigned new_cpl = rpl(cs);
    const std::uint64_t target = target_offset(c, cs, d, new_rip, size);
    const bool to64 = desc_long(d);
    const bool pop_stack = c.code64() || new_cpl > c.cpl;
    Segment new_ss = c.seg[SS];
    std::uint64_t new_rsp = 0;
    if (pop_stack) {
        new_rsp = st.peek(3 * size, size);
        new_ss = check_return_ss(c, static_cast<std::uint16_t>(st.peek(4 * size, size)), new_cpl, to64);
    }
    std::uint32_t changeable = kArithFlags | kTF | kDF | kNT | kRF | kAC | kID;
    if (c.cpl == 0) changeable |= kIOPL | kVIF | kVIP;
    if (c.cpl <= ((old & kIOPL) >> 12)) changeable |= kIF;
    if (size == 2) changeable &= 0xFFFF;
    const bool outer = new_cpl > c.cpl;
    commit_cs(c, cs, d, new_cpl);  // first: its accessed-bit write is the last access that can fault
    c.set_flags((old & ~changeable) | (fl & changeable));
    c.rip = target;
    if (pop_stack) {
        c.seg[SS] = new_ss;
        c.gpr[kEsp] = size == 2 ? (c.gpr[kEsp] & ~0xFFFFull) | new_rsp : new_rsp;
    } else {
        st.drop(3 * size);
        c.gpr[kEsp] = st.esp;
    }
    if (outer) clear_outer_segments(c);
}
}  // namespace

void Cpu::iret(unsigned osize) {
    const unsigned size = osize;
    const bool op32 = osize != 2;
    const std::uint32_t old = flags();
    nmi_blocked = false;
    if (long_mode()) {
        iret_long(*this, size, old);
        return;
    }
    if (!protected_mode()) {
        Stack st = current_stack(*this);
        const std::uint32_t eip = st.peek(0, size);
        const std::uint16_t cs = static_cast<std::uint16_t>(st.peek(size, size));
        const std::uint32_t fl = st.peek(2 * size, size);
        st.drop(3 * size);
        gpr[kEsp] = st.esp;
        load_real(*this, CS, cs);
        tlb.fetch_tag = TlbEntry::kInvalid;
        rip = eip;
        // Real mode: VM, VIF and VIP cannot change.
        if (op32) set_flags((fl & 0x257FD5) | (old & (kVM | kVIF | kVIP)));
        else set_flags((old & 0xFFFF0000u) | (fl & 0xFFFF));
        return;
    }
    if (v86()) {
        if (((old & kIOPL) >> 12) != 3) raise(vec::GP, 0);  // no VME: IRET is IOPL-sensitive
        Stack st = current_stack(*this);
        const std::uint32_t eip = st.peek(0, size);
        const std::uint16_t cs = static_cast<std::uint16_t>(st.peek(size, size));
        const std::uint32_t fl = st.peek(2 * size, size);
        if (eip > 0xFFFF) raise(vec::GP, 0);
        st.drop(3 * size);
        gpr[kEsp] = st.esp;
        load_real(*this, CS, cs);
        tlb.fetch_tag = TlbEntry::kInvalid;
        rip = eip;
        const std::uint32_t keep = kVM | kIOPL | kVIP | kVIF;
        if (op32) set_flags((fl & ~keep & 0x3F7FD5) | (old & keep));
        else set_flags((old & (0xFFFF0000u | kIOPL)) | (fl & 0xFFFF & ~kIOPL));
        return;
    }
    if (old & kNT) {  // return from a nested task (SDM 7.3)
        const std::uint16_t link = static_cast<std::uint16_t>(read_linear(tr.base, 2, true));
        task_switch(link, 2, rip);
        return;
    }
    Stack st = current_stack(*this);
    const std::uint32_t eip = st.peek(0, size);
    const std::uint16_t cs = static_cast<std::uint16_t>(st.peek(size, size));
    const std::uint32_t fl = st.peek(2 * size, size);
    if (op32 && (fl & kVM) && cpl == 0) {
        // Return to v8086 mode (SDM IRET, "RETURN-TO-VIRTUAL-8086-MODE").
        const std::uint32_t esp = st.peek(12, 4);
        const std::uint16_t ss = static_cast<std::uint16_t>(st.peek(16, 4));
        const std::uint16_t es = static_cast<std::uint16_t>(st.peek(20, 4));
        const std::uint16_t ds = static_cast<std::uint16_t>(st.peek(24, 4));
        const std::uint16_t fs = static_cast<std::uint16_t>(st.peek(28, 4));
        const std::uint16_t gs = static_cast<std::uint16_t>(st.peek(32, 4));
        set_flags(fl);
        cpl = 3;
        const std::uint16_t sels[6] = {es, cs, ss, ds, fs, gs};
        for (unsigned s = 0; s < 6; ++s) load_real(*this, static_cast<Seg>(s), sels[s]);
        gpr[kEsp] = esp;
        rip = eip & 0xFFFF;
        tlb.fetch_tag = TlbEntry::kInvalid;
        return;
    }
    const std::uint64_t d = check_return_cs(*this, cs);
    const unsigned new_cpl = rpl(cs);
    const std::uint32_t target_eip = op32 ? eip : eip & 0xFFFF;
    if (target_eip > segment_from_descriptor(cs, d).limit) raise(vec::GP, 0);
    Segment new_ss = seg[SS];
    std::uint32_t new_esp = 0;
    const bool outer = new_cpl > cpl;
    if (outer) {
        new_esp = st.peek(3 * size, size);
        const std::uint16_t ss = static_cast<std::uint16_t>(st.peek(4 * size, size));
        new_ss = check_return_ss(*this, ss, new_cpl);
    }
    // Which flags the (old) CPL may change: IOPL, VIF and VIP at CPL 0, IF at CPL <= IOPL; VM
    // only through the return to v8086 mode above.
    std::uint32_t changeable = kArithFlags | kTF | kDF | kNT | kRF | kAC | kID;
    if (cpl == 0) changeable |= kIOPL | kVIF | kVIP;
    if (cpl <= ((old & kIOPL) >> 12)) changeable |= kIF;
    if (!op32) changeable &= 0xFFFF;
    set_flags((old & ~changeable) | (fl & changeable));
    commit_cs(*this, cs, d, new_cpl);
    rip = target_eip;
    if (outer) {
        seg[SS] = new_ss;
        const std::uint32_t mask = new_ss.big() ? 0xFFFFFFFFu : 0xFFFFu;
        gpr[kEsp] = (gpr[kEsp] & ~static_cast<std::uint64_t>(mask)) | (new_esp & mask);
        clear_outer_segments(*this);
    } else {
        st.drop(3 * size);
        gpr[kEsp] = st.esp;
    }
}

// ---- Stack switches through the TSS --------------------------------------------------------

void tss_stack(Cpu& c, unsigned dpl, std::uint16_t& ss, std::uint32_t& esp, bool ext) {
    if (!c.tr.present()) c.raise(vec::TS, err(c.tr.selector) | ext);
    if (c.tr.type() == 9 || c.tr.type() == 11) {  // 32-bit TSS: ESPn at 4 + 8n, SSn after it
        const std::uint32_t at = tss_slot(c, 4 + dpl * 8, 8, ext);
        esp = static_cast<std::uint32_t>(c.read_linear(c.tr.base + at, 4, true));
        ss = static_cast<std::uint16_t>(c.read_linear(c.tr.base + at + 4, 2, true));
    } else {  // 16-bit TSS: SPn at 2 + 4n
        const std::uint32_t at = tss_slot(c, 2 + dpl * 4, 4, ext);
        esp = static_cast<std::uint32_t>(c.read_linear(c.tr.base + at, 2, true));
        ss = static_cast<std::uint16_t>(c.read_linear(c.tr.base + at + 2, 2, true));
    }
}

std::uint64_t tss_rsp64(Cpu& c, unsigned slot, bool ext) {
    if (!c.tr.present()) c.raise(vec::TS, err(c.tr.selector) | ext);
    // RSP0-2 at 4, 0xC, 0x14; IST1-7 from 0x24.
    const std::uint32_t at = tss_slot(c, slot < 3 ? 4 + slot * 8 : 0x24 + (slot - 3) * 8, 8, ext);
    return c.read_linear(c.tr.base + at, 8, true);
}

Segment checked_stack_segment(Cpu& c, std::uint16_t ss, unsigned dpl, bool ext) {
    if (!(ss & kSelectorMask)) c.raise(vec::TS, ext);
    const std::uint64_t d = descriptor_or_fault(c, ss, vec::TS, ext);
    if (rpl(ss) != dpl || desc_dpl(d) != dpl || !desc_writable_data(d)) c.raise(vec::TS, err(ss) | ext);
    if (!desc_present(d)) c.raise(vec::SS, err(ss) | ext);
    set_descriptor_accessed(c, ss, d);
    return Cpu::segment_from_descriptor(ss, d | (1ull << 40));
}

// ---- Task switch (SDM 7.3) -----------------------------------------------------------------

namespace {

void set_tss_busy(Cpu& c, std::uint16_t selector, bool busy) {
    const std::uint64_t linear = c.gdtr.base + (selector & ~7u) + 5;
    std::uint64_t byte = c.read_linear(linear, 1, true);
    byte = busy ? byte | 2 : byte & ~2ull;
    c.write_linear(linear, byte, 1, true);
}

// Load a segment register from a new task's TSS: checks raise #TS(selector) (SDM 7.3 step 12).
void task_load_segment(Cpu& c, Seg s, std::uint16_t selector) {
    if (!(selector & kSelectorMask)) {
        if (s == SS || s == CS) c.raise(vec::TS, err(selector));
        c.seg[s] = Segment{selector, 0, 0, 0};
        return;
    }
    const std::uint64_t d = descriptor_or_fault(c, selector, vec::TS);
    if (s == CS) {
        if (!desc_code(d)) c.raise(vec::TS, err(selector));
        if (desc_conforming(d) ? desc_dpl(d) > rpl(selector) : desc_dpl(d) != rpl(selector))
            c.raise(vec::TS, err(selector));
        if (!desc_present(d)) c.raise(vec::NP, err(selector));
    } else if (s == SS) {
        if (!desc_writable_data(d) || desc_dpl(d) != c.cpl || rpl(selector) != c.cpl) c.raise(vec::TS, err(selector));
        if (!desc_present(d)) c.raise(vec::SS, err(selector));
    } else {
        if (!desc_s(d) || (desc_code(d) && !(desc_type(d) & 2))) c.raise(vec::TS, err(selector));
        if (!desc_conforming(d) && (rpl(selector) > desc_dpl(d) || c.cpl > desc_dpl(d)))
            c.raise(vec::TS, err(selector));
        if (!desc_present(d)) c.raise(vec::NP, err(selector));
    }
    set_descriptor_accessed(c, selector, d);
    c.seg[s] = Cpu::segment_from_descriptor(selector, d | (1ull << 40));
}

}  // namespace

void Cpu::task_switch(std::uint16_t selector, int reason, std::uint64_t next_rip) {
    // The new TSS: in the GDT, a TSS descriptor, busy only for IRET, present, big enough.
    const std::uint8_t bad = reason == 2 ? vec::TS : vec::GP;  // IRET's back link: #TS
    if (selector & 4) raise(bad, err(selector));
    const std::uint64_t d = descriptor_or_fault(*this, selector, bad);
    const unsigned type = desc_type(d);
    if (desc_s(d) || ((type & 7) != 1 && (type & 7) != 3)) raise(bad, err(selector));
    const bool busy = type & 2;
    if (reason == 2 ? !busy : busy) raise(reason == 2 ? vec::TS : vec::GP, err(selector));
    if (!desc_present(d)) raise(vec::NP, err(selector));
    const Segment next = segment_from_descriptor(selector, d);
    const bool new32 = type & 8;
    if (next.limit < (new32 ? 0x67u : 0x2Bu)) raise(vec::TS, err(selector));

    // Save the outgoing state in the current TSS.
    const std::uint64_t ob = tr.base;
    std::uint32_t out_flags = flags();
    if (reason == 2) out_flags &= ~kNT;
    if (tr.type() == 9 || tr.type() == 11) {
        write_linear(ob + 0x20, next_rip, 4, true);
        write_linear(ob + 0x24, out_flags, 4, true);
        for (unsigned i = 0; i < 8; ++i) write_linear(ob + 0x28 + 4 * i, gpr[i], 4, true);
        for (unsigned s = 0; s < 6; ++s) write_linear(ob + 0x48 + 4 * s, seg[s].selector, 2, true);
    } else {
        write_linear(ob + 0x0E, next_rip, 2, true);
        write_linear(ob + 0x10, out_flags, 2, true);
        for (unsigned i = 0; i < 8; ++i) write_linear(ob + 0x12 + 2 * i, gpr[i], 2, true);
        for (unsigned s = 0; s < 4; ++s) write_linear(ob + 0x22 + 2 * s, seg[s].selector, 2, true);
    }

    // Read the incoming state.
    const std::uint64_t nb = next.base;
    std::uint32_t new_cr3 = 0, new_eip, new_flags, regs[8];
    std::uint16_t sels[6] = {}, ldt;
    if (new32) {
        new_cr3 = static_cast<std::uint32_t>(read_linear(nb + 0x1C, 4, true));
        new_eip = static_cast<std::uint32_t>(read_linear(nb + 0x20, 4, true));
        new_flags = static_cast<std::uint32_t>(read_linear(nb + 0x24, 4, true));
        for (unsigned i = 0; i < 8; ++i) regs[i] = static_cast<std::uint32_t>(read_linear(nb + 0x28 + 4 * i, 4, true));
        for (unsigned s = 0; s < 6; ++s) sels[s] = static_cast<std::uint16_t>(read_linear(nb + 0x48 + 4 * s, 2, true));
        ldt = static_cast<std::uint16_t>(read_linear(nb + 0x60, 2, true));
    } else {
        new_eip = static_cast<std::uint32_t>(read_linear(nb + 0x0E, 2, true));
        new_flags = static_cast<std::uint32_t>(read_linear(nb + 0x10, 2, true)) | (flags() & 0xFFFF0000u & ~kVM);
        for (unsigned i = 0; i < 8; ++i)
            regs[i] = static_cast<std::uint32_t>(gpr[i] & 0xFFFF0000u) | static_cast<std::uint32_t>(read_linear(nb + 0x12 + 2 * i, 2, true));
        for (unsigned s = 0; s < 4; ++s) sels[s] = static_cast<std::uint16_t>(read_linear(nb + 0x22 + 2 * s, 2, true));
        ldt = static_cast<std::uint16_t>(read_linear(nb + 0x2A, 2, true));
    }

    // Busy bits and the back link.
    if (reason != 1) set_tss_busy(*this, tr.selector, false);
    if (reason == 1) {
        write_linear(nb, tr.selector, 2, true);
        new_flags |= kNT;
    }
    if (reason != 2) set_tss_busy(*this, selector, true);

    // Commit: from here faults belong to the new task.
    tr = next;
    tr.attr |= 2;  // busy
    cr0 |= kCr0TS;
    if (new32 && paging()) {
        if (cr4 & kCr4PAE) load_pdptes(*this, new_cr3);
        cr3 = new_cr3;
        tlb_flush(false);
    }
    set_flags(new_flags);
    for (unsigned i = 0; i < 8; ++i) gpr[i] = regs[i];
    rip = new_eip;
    tlb.fetch_tag = TlbEntry::kInvalid;
    // Selectors first without checks (so a fault shows the new task's values), then loads.
    for (unsigned s = 0; s < 6; ++s) seg[s].selector = sels[s];
    ldtr.selector = ldt;
    if (ldt & kSelectorMask) {
        if (ldt & 4) raise(vec::TS, err(ldt));
        const std::uint64_t ld = descriptor_or_fault(*this, ldt, vec::TS);
        if (desc_s(ld) || desc_type(ld) != 2) raise(vec::TS, err(ldt));
        if (!desc_present(ld)) raise(vec::NP, err(ldt));
        ldtr = segment_from_descriptor(ldt, ld);
    } else {
        ldtr = Segment{ldt, 0, 0, 0};
    }
    if (new_flags & kVM) {
        cpl = 3;
        for (unsigned s = 0; s < 6; ++s) load_real(*this, static_cast<Seg>(s), sels[s]);
        return;
    }
    cpl = rpl(sels[CS]);
    task_load_segment(*this, CS, sels[CS]);
    task_load_segment(*this, SS, sels[SS]);
    for (Seg s : {ES, DS, FS, GS}) task_load_segment(*this, s, sels[s]);
}

// ---- I/O permission ------------------------------------------------------------------------

void Cpu::check_io(std::uint16_t port, unsigned size) {
    if (!protected_mode()) return;
    if (!v86() && cpl <= ((flags() & kIOPL) >> 12)) return;
    // The bitmap of a 32-bit TSS: every bit of [port, port+size) must be clear (SDM vol. 1 19.5.2).
    if (!tr.present() || (tr.type() != 9 && tr.type() != 11) || tr.limit < 0x67) raise(vec::GP, 0);
    const std::uint32_t base = static_cast<std::uint32_t>(read_linear(tr.base + 0x66, 2, true));
    const std::uint32_t at = base + port / 8;
    if (at + 1 > tr.limit) raise(vec::GP, 0);
    const std::uint32_t bits = static_cast<std::uint32_t>(read_linear(tr.base + at, 2, true));
    if ((bits >> (port & 7)) & ((1u << size) - 1)) raise(vec::GP, 0);
}

std::uint32_t Cpu::port_in(std::uint16_t port, unsigned size) {
    std::uint64_t value = ~0ull;
    if (io && io->read_value(port, size, value) == MemResult::Unassigned) value = ~0ull;
    return static_cast<std::uint32_t>(value);
}

void Cpu::port_out(std::uint16_t port, std::uint32_t value, unsigned size) {
    if (io) io->write_value(port, size, value);
    // A port write may remap memory (PAM registers, PCI BARs through 0xCFC).
    sync_memory_generation();
}

}  // namespace emu::x86
