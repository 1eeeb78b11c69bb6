// Exception and interrupt delivery (SDM vol. 3 chapter 6): the real-mode IVT, protected-mode IDT
// gates (interrupt, trap, task) with privilege changes and v8086 exits, long mode's 16-byte
// gates (64-bit frames, RSPn/IST stacks), and the double/triple fault rules (table 6-5).
#include <cstdio>

#include "cpu.h"
#include "system_internal.h"

namespace emu::x86 {

namespace {

enum class Class { Benign, Contributory, PageFault };

Class classify(std::uint8_t vector) {
    switch (vector) {
    case vec::DE: case vec::TS: case vec::NP: case vec::SS: case vec::GP: return Class::Contributory;
    case vec::PF: return Class::PageFault;
    default: return Class::Benign;
    }
}

// One line per event, in the shape of QEMU's -d int lines (count, vector, error code, whether
// software raised it, CPL, CS:EIP, linear pc, SS:ESP, CR2 for page faults) so traces compare.
void trace_delivery(Cpu& c, std::uint8_t vector, IntKind kind, bool has_error, std::uint32_t error) {
    static thread_local unsigned count = 0;
    char line[192];
    const bool software = kind == IntKind::Software || kind == IntKind::SoftwareIcebp;
    int n;
    if (c.long_mode())  // QEMU's 64-bit layout: 16-digit addresses
        n = std::snprintf(line, sizeof line, "%6u: v=%02x e=%04x i=%d cpl=%u IP=%04x:%016llx pc=%016llx SP=%04x:%016llx",
                          count++, vector, has_error ? error : 0, software ? 1 : 0, c.cpl, c.seg[CS].selector,
                          static_cast<unsigned long long>(c.rip),
                          static_cast<unsigned long long>(c.seg[CS].base + c.rip), c.seg[SS].selector,
                          static_cast<unsigned long long>(c.gpr[kEsp]));
    else
        n = std::snprintf(line, sizeof line, "%6u: v=%02x e=%04x i=%d cpl=%u IP=%04x:%08x pc=%08x SP=%04x:%08x",
                          count++, vector, has_error ? error : 0, software ? 1 : 0, c.cpl, c.seg[CS].selector,
                          static_cast<unsigned>(c.rip), static_cast<unsigned>(c.seg[CS].base + c.rip),
                          c.seg[SS].selector, c.reg32(kEsp));
    if (vector == vec::PF && kind == IntKind::Exception && n > 0 && static_cast<std::size_t>(n) < sizeof line)
        std::snprintf(line + n, sizeof line - n, c.long_mode() ? " CR2=%016llx" : " CR2=%08llx",
                      static_cast<unsigned long long>(c.cr2));
    c.trace(line);
}

void deliver_real(Cpu& c, std::uint8_t vector, std::uint32_t saved_eip) {
    if (vector * 4u + 3 > c.idtr.limit) c.raise(vec::GP, vector * 8u + 2);
    const std::uint32_t entry = static_cast<std::uint32_t>(c.read_linear(c.idtr.base + vector * 4u, 4, true));
    Stack st{c, c.seg[SS], static_cast<std::uint32_t>(c.gpr[kEsp]), true, 0};
    st.push(c.flags(), 2);
    st.push(c.seg[CS].selector, 2);
    st.push(saved_eip, 2);
    c.gpr[kEsp] = st.esp;
    c.set_flags(c.flags() & ~(kIF | kTF | kAC | kRF));
    c.load_segment(CS, static_cast<std::uint16_t>(entry >> 16));
    c.rip = entry & 0xFFFF;
}

void deliver_protected(Cpu& c, std::uint8_t vector, IntKind kind, bool has_error, std::uint32_t error,
                       std::uint32_t saved_eip) {
    const bool ext = kind == IntKind::External || kind == IntKind::Exception;
    const std::uint32_t idt_error = vector * 8u + 2 + ext;
    if (kind == IntKind::Software && c.v86() && ((c.flags() & kIOPL) >> 12) != 3) c.raise(vec::GP, 0);
    if (vector * 8u + 7 > c.idtr.limit) c.raise(vec::GP, idt_error);
    const std::uint64_t gate = c.read_linear(c.idtr.base + vector * 8u, 8, true);
    const unsigned type = (gate >> 40) & 0xF;
    const unsigned gate_dpl = (gate >> 45) & 3;
    if ((gate >> 44) & 1) c.raise(vec::GP, idt_error);
    if (type != 5 && type != 6 && type != 7 && type != 14 && type != 15) c.raise(vec::GP, idt_error);
    if (kind == IntKind::Software && gate_dpl < c.cpl) c.raise(vec::GP, idt_error);
    if (!((gate >> 47) & 1)) c.raise(vec::NP, idt_error);
    const std::uint16_t selector = static_cast<std::uint16_t>(gate >> 16);

    if (type == 5) {  // task gate: the handler is a task; the error code goes on its stack
        c.task_switch(selector, 1, saved_eip);
        if (has_error) {
            const unsigned size = (c.tr.type() & 8) ? 4 : 2;
            Stack st{c, c.seg[SS], static_cast<std::uint32_t>(c.gpr[kEsp]), c.cpl != 3, 0};
            st.push(error, size);
            c.gpr[kEsp] = st.esp;
        }
        return;
    }

    const bool gate32 = type & 8;
    const unsigned slot = gate32 ? 4 : 2;
    const std::uint32_t offset = static_cast<std::uint32_t>((gate & 0xFFFF) | ((gate >> 32) & 0xFFFF0000u));
    const std::uint32_t eip = gate32 ? offset : offset & 0xFFFF;
    if (!(selector & 0xFFFC)) c.raise(vec::GP, ext);
    const std::uint64_t cd = descriptor_or_fault(c, selector, vec::GP, ext);
    const Segment code = Cpu::segment_from_descriptor(selector, cd);
    if (!code.code() || code.dpl() > c.cpl) c.raise(vec::GP, (selector & 0xFFFC) | ext);
    if (!code.present()) c.raise(vec::NP, (selector & 0xFFFC) | ext);
    if (eip > code.limit) c.raise(vec::GP, ext);

    const std::uint32_t old_flags = c.flags();
    const bool from_v86 = old_flags & kVM;
    const unsigned new_cpl = code.conforming() ? c.cpl : code.dpl();
    Stack st{c, c.seg[SS], static_cast<std::uint32_t>(c.gpr[kEsp]), new_cpl != 3, 0};
    if (new_cpl < c.cpl) {
        // Inner privilege: the new stack comes from the TSS (SDM 6.12.1).
        if (from_v86 && new_cpl != 0) c.raise(vec::GP, (selector & 0xFFFC) | ext);
        std::uint16_t ss = 0;
        std::uint32_t esp = 0;
        tss_stack(c, new_cpl, ss, esp, ext);
        const Segment new_ss = checked_stack_segment(c, ss, new_cpl, ext);
        st.ss = new_ss;
        st.esp = new_ss.big() ? esp : esp & 0xFFFF;
        st.supervisor = true;
        st.error = static_cast<std::uint16_t>((ss & 0xFFFC) | ext);
        if (from_v86) {
            st.push(c.seg[GS].selector, slot);
            st.push(c.seg[FS].selector, slot);
            st.push(c.seg[DS].selector, slot);
            st.push(c.seg[ES].selector, slot);
        }
        st.push(c.seg[SS].selector, slot);
        st.push(static_cast<std::uint32_t>(c.gpr[kEsp]), slot);
    } else if (from_v86) {
        c.raise(vec::GP, (selector & 0xFFFC) | ext);  // v8086 handlers must run at CPL 0 (non-conforming)
    }
    st.push(old_flags, slot);
    st.push(c.seg[CS].selector, slot);
    st.push(saved_eip, slot);
    if (has_error) st.push(error, slot);

    // Commit.
    if (new_cpl < c.cpl) c.seg[SS] = st.ss;
    if (from_v86)
        for (Seg s : {ES, DS, FS, GS}) c.seg[s] = Segment{0, 0, 0, 0};
    c.gpr[kEsp] = st.esp;
    if (!(cd & (1ull << 40))) set_descriptor_accessed(c, selector, cd);
    c.seg[CS] = Cpu::segment_from_descriptor(static_cast<std::uint16_t>((selector & 0xFFFC) | new_cpl), cd | (1ull << 40));
    c.cpl = new_cpl;
    c.tlb.fetch_tag = TlbEntry::kInvalid;
    c.rip = eip;
    std::uint32_t cleared = kTF | kNT | kRF | kVM;
    if (!(type & 1)) cleared |= kIF;  // interrupt gate (trap gates leave IF)
    c.set_flags(old_flags & ~cleared);
}

// Long mode (SDM 6.14): 64-bit interrupt and trap gates only, to a 64-bit code segment; the
// frame is always SS, RSP, RFLAGS, CS, RIP (and the error code) in 8-byte slots on a stack
// aligned to 16. A privilege change takes RSPn from the 64-bit TSS and loads a null SS with
// RPL = the new CPL; a gate's IST field (1-7) always switches to that stack.
void deliver_long(Cpu& c, std::uint8_t vector, IntKind kind, bool has_error, std::uint32_t error,
                  std::uint64_t saved_rip) {
    const bool ext = kind == IntKind::External || kind == IntKind::Exception;
    const std::uint32_t idt_error = vector * 8u + 2 + ext;
    if (vector * 16u + 15 > c.idtr.limit) c.raise(vec::GP, idt_error);
    const std::uint64_t gate = c.read_linear(c.idtr.base + vector * 16u, 8, true);
    const std::uint64_t high = c.read_linear(c.idtr.base + vector * 16u + 8, 8, true);
    const unsigned type = (gate >> 40) & 0xF;
    if (((gate >> 44) & 1) || (type != 14 && type != 15)) c.raise(vec::GP, idt_error);
    if (kind == IntKind::Software && ((gate >> 45) & 3) < c.cpl) c.raise(vec::GP, idt_error);
    if (!((gate >> 47) & 1)) c.raise(vec::NP, idt_error);
    const auto selector = static_cast<std::uint16_t>(gate >> 16);
    const std::uint64_t target = (gate & 0xFFFF) | ((gate >> 32) & 0xFFFF0000u) | (high << 32);
    const unsigned ist = (gate >> 32) & 7;
    if (!(selector & 0xFFFC)) c.raise(vec::GP, ext);
    const std::uint64_t cd = descriptor_or_fault(c, selector, vec::GP, ext);
    const Segment code = Cpu::segment_from_descriptor(selector, cd);
    // The handler's segment: 64-bit code (L set, D clear) at DPL <= CPL.
    if (!code.code() || code.dpl() > c.cpl || !(code.attr & 0x200) || code.big())
        c.raise(vec::GP, (selector & 0xFFFC) | ext);
    if (!code.present()) c.raise(vec::NP, (selector & 0xFFFC) | ext);
    if (!Cpu::canonical(target)) c.raise(vec::GP, ext);

    const std::uint32_t old_flags = c.flags();
    const unsigned new_cpl = code.conforming() ? c.cpl : code.dpl();
    const bool inner = new_cpl < c.cpl;
    Stack st{c, c.seg[SS], c.gpr[kEsp], new_cpl != 3, 0, true};
    if (ist) st.esp = tss_rsp64(c, 3 + ist - 1, ext);
    else if (inner) st.esp = tss_rsp64(c, new_cpl, ext);
    st.esp &= ~0xFull;
    st.push(c.seg[SS].selector, 8);
    st.push(c.gpr[kEsp], 8);
    st.push(old_flags, 8);
    st.push(c.seg[CS].selector, 8);
    st.push(saved_rip, 8);
    if (has_error) st.push(error, 8);
    if (!(cd & (1ull << 40))) set_descriptor_accessed(c, selector, cd);

    // Commit.
    if (inner) c.seg[SS] = Segment{static_cast<std::uint16_t>(new_cpl), 0, 0xFFFFFFFF,
                                   static_cast<std::uint16_t>(0x493 | (new_cpl << 5))};
    c.gpr[kEsp] = st.esp;
    c.seg[CS] = c.code_cache(
        Cpu::segment_from_descriptor(static_cast<std::uint16_t>((selector & 0xFFFC) | new_cpl), cd | (1ull << 40)));
    c.cpl = new_cpl;
    c.tlb.fetch_tag = TlbEntry::kInvalid;
    c.rip = target;
    std::uint32_t cleared = kTF | kNT | kRF | kVM;
    if (!(type & 1)) cleared |= kIF;
    c.set_flags(old_flags & ~cleared);
}

}  // namespace

void Cpu::deliver(std::uint8_t vector, IntKind kind, bool has_error, std::uint32_t error, std::uint64_t next_rip) {
    if (kind == IntKind::Exception && !protected_mode()) has_error = false;  // real mode pushes none
    const std::uint64_t saved64 = kind == IntKind::Exception ? rip : next_rip;
    const auto saved = static_cast<std::uint32_t>(saved64);
    if (trace_interrupts) trace_delivery(*this, vector, kind, has_error, error);
    if (kind == IntKind::Software || kind == IntKind::SoftwareIcebp) {
        // A fault while delivering INT n is the instruction's own fault: run() delivers it.
        if (long_mode()) deliver_long(*this, vector, kind, has_error, error, saved64);
        else if (protected_mode()) deliver_protected(*this, vector, kind, has_error, error, saved);
        else deliver_real(*this, vector, saved);
        return;
    }
    try {
        if (long_mode()) deliver_long(*this, vector, kind, has_error, error, saved64);
        else if (protected_mode()) deliver_protected(*this, vector, kind, has_error, error, saved);
        else deliver_real(*this, vector, saved);
    } catch (const Fault& f) {
        // A fault while delivering an event (SDM table 6-5): #DF for contributory pairs and
        // page faults, shutdown for a fault while delivering #DF, else the new fault in turn.
        if (trace_interrupts) {  // as QEMU's -d int says it
            char line[96];
            std::snprintf(line, sizeof line, "check_exception old: 0x%x new 0x%x (error 0x%x, CR2=%llx)", vector,
                          f.vector, f.error, static_cast<unsigned long long>(cr2));
            trace(line);
        }
        const Class first = kind == IntKind::Exception ? classify(vector) : Class::Benign;
        const Class second = classify(f.vector);
        if (kind == IntKind::Exception && vector == vec::DF) {
            shutdown = true;
            if (config.on_shutdown) config.on_shutdown();
            return;
        }
        const bool double_fault = (first == Class::Contributory && second == Class::Contributory) ||
                                  (first == Class::PageFault && second != Class::Benign);
        if (double_fault) deliver(vec::DF, IntKind::Exception, true, 0, rip);
        else deliver(f.vector, IntKind::Exception, f.has_error, f.error, rip);
    }
}

}  // namespace emu::x86
