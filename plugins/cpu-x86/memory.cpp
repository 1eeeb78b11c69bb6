// Segmented and linear memory access, code fetch and the physical accesses of the page walker.
//
// The hot paths (an access inside one page whose TLB entry has a host pointer, a fetch from the
// current code page) are inline here; everything else (TLB misses, page-crossing accesses,
// MMIO and ROM writes) goes through the out-of-line slow paths.
#include <cstring>

#include <emu/memory.h>

#include "cpu.h"

namespace emu::x86 {

namespace {

constexpr std::uint64_t kLinearMask = 0xFFFFFFFFu;  // linear addresses outside 64-bit mode
constexpr unsigned kRead = static_cast<unsigned>(Access::Read);
constexpr unsigned kWrite = static_cast<unsigned>(Access::Write);

[[noreturn]] void segment_fault(Cpu& c, Seg s) { c.raise(s == SS ? vec::SS : vec::GP, 0); }

// One access of 1..8 bytes inside one page, through the TLB entry (walking on a miss).
std::uint64_t page_read(Cpu& c, std::uint64_t linear, unsigned size, unsigned user) {
    TlbEntry& e = c.tlb_lookup(linear, Access::Read, user);
    const unsigned offset = linear & 0xFFF;
    std::uint64_t value = 0;
    if (e.host) {
        if (c.lock_active && (size == 1 || size == 2 || size == 4 || size == 8)) return c.locked_load(e.host + offset, size);
        std::memcpy(&value, e.host + offset, size);
        return value;
    }
    const std::uint64_t pa = e.pa | offset;
    c.exec_break = true;  // a device register read may change interrupt state
    if (size == 1 || size == 2 || size == 4 || size == 8) {
        // Unassigned addresses read as all ones, as on a PC's bus.
        if (c.memory.read_value(pa, size, value) == MemResult::Unassigned) value = ~0ull;
    } else {
        for (unsigned i = 0; i < size; ++i) {
            std::uint64_t byte = 0;
            if (c.memory.read_value(pa + i, 1, byte) == MemResult::Unassigned) byte = 0xFF;
            value |= (byte & 0xFF) << (8 * i);
        }
    }
    return size == 8 ? value : value & ((1ull << (8 * size)) - 1);
}

void page_write(Cpu& c, std::uint64_t linear, unsigned size, std::uint64_t value, unsigned user) {
    TlbEntry& e = c.tlb_lookup(linear, Access::Write, user);
    const unsigned offset = linear & 0xFFF;
    if (e.host) {
        if (c.lock_active && (size == 1 || size == 2 || size == 4 || size == 8)) {
            c.locked_store(e.host + offset, size, value);
            return;
        }
        c.note_store(e.host + offset);
        std::memcpy(e.host + offset, &value, size);
        return;
    }
    // MMIO, ROM (write_value ignores the write) or nothing at all.
    const std::uint64_t pa = e.pa | offset;
    c.exec_break = true;
    if (size == 1 || size == 2 || size == 4 || size == 8) {
        c.memory.write_value(pa, size, value);
    } else {
        for (unsigned i = 0; i < size; ++i) c.memory.write_value(pa + i, 1, (value >> (8 * i)) & 0xFF);
    }
    // A device register write may have remapped memory (PCI BARs, PAM, the APIC base).
    c.sync_memory_generation();
}

[[gnu::noinline]] std::uint64_t read_slow(Cpu& c, std::uint64_t linear, unsigned size, unsigned user) {
    const unsigned first = 0x1000 - (linear & 0xFFF);
    if (first >= size) return page_read(c, linear, size, user);
    // Outside long mode the second page wraps at 4 GiB; in long mode the caller checked that
    // the last byte is canonical.
    const std::uint64_t second = (linear + first) & c.system_linear_mask();
    c.tlb_lookup(second, Access::Read, user);  // both pages must translate before the access
    const std::uint64_t low = page_read(c, linear, first, user);
    return low | page_read(c, second, size - first, user) << (8 * first);
}

[[gnu::noinline]] void write_slow(Cpu& c, std::uint64_t linear, unsigned size, std::uint64_t value, unsigned user) {
    const unsigned first = 0x1000 - (linear & 0xFFF);
    if (first >= size) {
        page_write(c, linear, size, value, user);
        return;
    }
    // Check both pages before writing either, so a #PF on the second leaves memory unchanged.
    const std::uint64_t second = (linear + first) & c.system_linear_mask();
    c.tlb_lookup(linear, Access::Write, user);
    c.tlb_lookup(second, Access::Write, user);
    page_write(c, linear, first, value, user);
    page_write(c, second, size - first, value >> (8 * first), user);
}

// Host loads and stores of 1, 2, 4 or 8 bytes (fixed-size copies the compiler turns into moves).
inline std::uint64_t load(const std::uint8_t* p, unsigned size) {
    switch (size) {
    case 1: return *p;
    case 2: { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
    case 4: { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
    default: { std::uint64_t v; std::memcpy(&v, p, 8); return v; }
    }
}

inline void store(std::uint8_t* p, unsigned size, std::uint64_t value) {
    switch (size) {
    case 1: *p = static_cast<std::uint8_t>(value); break;
    case 2: { const auto v = static_cast<std::uint16_t>(value); std::memcpy(p, &v, 2); break; }
    case 4: { const auto v = static_cast<std::uint32_t>(value); std::memcpy(p, &v, 4); break; }
    default: std::memcpy(p, &value, 8); break;
    }
}

inline std::uint64_t linear_read(Cpu& c, std::uint64_t linear, unsigned size, unsigned user) {
    if ((linear & 0xFFF) + size <= 0x1000) {
        const TlbEntry& e = c.tlb.entry(user, kRead, linear);
        if (e.tag == (linear & ~0xFFFull) && e.host) [[likely]]
            return c.lock_active ? c.locked_load(e.host + (linear & 0xFFF), size) : load(e.host + (linear & 0xFFF), size);
    }
    return read_slow(c, linear, size, user);
}

inline void linear_write(Cpu& c, std::uint64_t linear, unsigned size, std::uint64_t value, unsigned user) {
    if ((linear & 0xFFF) + size <= 0x1000) {
        const TlbEntry& e = c.tlb.entry(user, kWrite, linear);
        if (e.tag == (linear & ~0xFFFull) && e.host) [[likely]] {
            if (c.lock_active) [[unlikely]] {
                c.locked_store(e.host + (linear & 0xFFF), size, value);
                return;
            }
            c.note_store(e.host + (linear & 0xFFF));
            store(e.host + (linear & 0xFFF), size, value);
            return;
        }
    }
    write_slow(c, linear, size, value, user);
}

}  // namespace

namespace {
// 64-bit mode (SDM 3.2.4, 5.3.1): no limit or rights checks, and no null-selector faults; the
// base is 0 except for FS and GS; the first and last byte must be canonical, else #GP(0) (#SS(0)
// for SS).
[[gnu::noinline]] std::uint64_t segment_linear64(Cpu& c, Seg s, std::uint64_t offset, unsigned size) {
    const std::uint64_t linear = s >= FS ? offset + c.seg[s].base : offset;
    if (!Cpu::canonical(linear) || !Cpu::canonical(linear + size - 1)) segment_fault(c, s);
    return linear;
}

// Limit and rights of seg:offset for size bytes (SDM 5.3, 5.7). Real and v8086 mode check only
// the cached limit (so a word at offset 0xFFFF faults, and unreal mode's big limit works).
// Compatibility mode follows the protected-mode rules.
inline std::uint64_t segment_linear(Cpu& c, Seg s, std::uint64_t offset, unsigned size, Access access) {
    if (c.code64()) [[unlikely]] return segment_linear64(c, s, offset, size);
    const Segment& sg = c.seg[s];
    if (c.protected_mode() && !(c.eflags_ & kVM)) {
        if (!sg.present()) segment_fault(c, s);  // null selector (or never loaded)
        if (access == Access::Write ? !sg.writable() : access == Access::Read && !sg.readable())
            segment_fault(c, s);
    }
    const std::uint64_t last = offset + size - 1;
    if (sg.expand_down()) [[unlikely]] {
        const std::uint64_t upper = sg.big() ? 0xFFFFFFFFu : 0xFFFFu;
        if (offset <= sg.limit || last > upper) segment_fault(c, s);
    } else if (last > sg.limit) [[unlikely]] {
        segment_fault(c, s);
    }
    return (sg.base + offset) & kLinearMask;
}
}  // namespace

std::uint64_t Cpu::check_segment(Seg s, std::uint64_t offset, unsigned size, Access access) {
    return segment_linear(*this, s, offset, size, access);
}

namespace {
// Alignment check (SDM 6.15, #AC): a misaligned data access at CPL 3 with CR0.AM and EFLAGS.AC.
// The cheap test (misaligned at all) comes first.
inline void check_alignment(Cpu& c, std::uint64_t linear, unsigned size) {
    if ((linear & (size - 1)) && c.cpl == 3 && (c.cr0 & kCr0AM) && (c.eflags_ & kAC)) [[unlikely]]
        c.raise(vec::AC, 0);
}
}  // namespace

std::uint64_t Cpu::read(Seg s, std::uint64_t offset, unsigned size) {
    const std::uint64_t linear = segment_linear(*this, s, offset, size, Access::Read);
    check_alignment(*this, linear, size);
    return linear_read(*this, linear, size, cpl == 3);
}

void Cpu::write(Seg s, std::uint64_t offset, unsigned size, std::uint64_t value) {
    const std::uint64_t linear = segment_linear(*this, s, offset, size, Access::Write);
    check_alignment(*this, linear, size);
    linear_write(*this, linear, size, value, cpl == 3);
}

void Cpu::read_bytes(Seg s, std::uint64_t offset, void* out, unsigned length) {
    if (!length) return;
    const std::uint64_t linear = check_segment(s, offset, length, Access::Read);
    const std::uint64_t mask = code64() ? ~0ull : kLinearMask;
    auto* p = static_cast<std::uint8_t*>(out);
    for (unsigned i = 0; i < length; ++i)
        p[i] = static_cast<std::uint8_t>(linear_read(*this, (linear + i) & mask, 1, cpl == 3));
}

void Cpu::write_bytes(Seg s, std::uint64_t offset, const void* data, unsigned length) {
    if (!length) return;
    const std::uint64_t linear = check_segment(s, offset, length, Access::Write);
    const std::uint64_t mask = code64() ? ~0ull : kLinearMask;
    // Every page must be writable before the first byte changes.
    for (std::uint64_t page = linear & ~0xFFFull; page <= ((linear + length - 1) & ~0xFFFull); page += 0x1000)
        tlb_lookup(page & mask, Access::Write, cpl == 3);
    const auto* p = static_cast<const std::uint8_t*>(data);
    for (unsigned i = 0; i < length; ++i) linear_write(*this, (linear + i) & mask, 1, p[i], cpl == 3);
}

namespace {
// System accesses (descriptor tables, TSS, IDT, interrupt stack frames): 32-bit linear addresses
// outside long mode; in long mode 64-bit ones that must be canonical (#GP(0)).
inline std::uint64_t system_linear(Cpu& c, std::uint64_t linear, unsigned size) {
    if (!c.long_mode()) [[likely]] return linear & kLinearMask;
    if (!Cpu::canonical(linear) || !Cpu::canonical(linear + size - 1)) c.raise(vec::GP, 0);
    return linear;
}
}  // namespace

std::uint64_t Cpu::read_linear(std::uint64_t linear, unsigned size, bool supervisor) {
    return linear_read(*this, system_linear(*this, linear, size), size, !supervisor && cpl == 3);
}

void Cpu::write_linear(std::uint64_t linear, std::uint64_t value, unsigned size, bool supervisor) {
    linear_write(*this, system_linear(*this, linear, size), size, value, !supervisor && cpl == 3);
}

namespace {
[[gnu::noinline]] std::uint8_t fetch_slow(Cpu& c, std::uint64_t linear) {
    const unsigned user = c.cpl == 3;
    TlbEntry& e = c.tlb_lookup(linear, Access::Execute, user);
    if (e.host) {
        c.tlb.fetch_tag = (linear & ~0xFFFull) | user;
        c.tlb.fetch_host = e.host;
        return e.host[linear & 0xFFF];
    }
    std::uint64_t value = 0;
    if (c.memory.read_value(e.pa | (linear & 0xFFF), 1, value) == MemResult::Unassigned) value = 0xFF;
    return static_cast<std::uint8_t>(value);
}
}  // namespace

// linear = CS.base + EIP + n; the limit check recovers the offset from it. In 64-bit mode
// there is no limit (code_cache() made CS flat), only the canonical check.
std::uint8_t Cpu::fetch8_slow(std::uint64_t linear) {
    if (code64()) {
        if (!canonical(linear)) raise(vec::GP, 0);
        return fetch_slow(*this, linear);
    }
    linear &= kLinearMask;
    if (static_cast<std::uint32_t>(linear - seg[CS].base) > seg[CS].limit) raise(vec::GP, 0);
    return fetch_slow(*this, linear);
}

const std::uint8_t* Cpu::fetch_window_slow(std::uint64_t linear, unsigned& available) {
    available = 0;
    if (code64()) {
        if (!canonical(linear)) return nullptr;  // fetch8 raises the #GP
    } else {
        linear &= kLinearMask;
    }
    const std::uint32_t offset = static_cast<std::uint32_t>(linear - seg[CS].base);
    if (offset > seg[CS].limit) return nullptr;
    if (((linear & ~0xFFFull) | (cpl == 3)) != tlb.fetch_tag) {
        fetch_slow(*this, linear);  // fills the code page (or raises #PF)
        if (((linear & ~0xFFFull) | (cpl == 3)) != tlb.fetch_tag) return nullptr;  // not RAM
    }
    const std::uint64_t in_page = 0x1000 - (linear & 0xFFF);
    const std::uint64_t in_limit = static_cast<std::uint64_t>(seg[CS].limit) - offset + 1;
    available = static_cast<unsigned>(in_page < in_limit ? in_page : in_limit);
    return tlb.fetch_host + (linear & 0xFFF);
}

// ---- Physical accesses (page walker, descriptor and TSS updates) -----------------------------

namespace {
std::uint8_t* phys_host(Cpu& c, std::uint64_t pa, unsigned size) {
    if ((pa & 0xFFF) + size > 0x1000) return nullptr;
    const std::uint64_t page = pa & ~0xFFFull;
    const unsigned i = (pa >> 12) % Tlb::kPhysSize;
    if (c.tlb.phys_host[i] && c.tlb.phys_tag[i] == page) return c.tlb.phys_host[i] + (pa & 0xFFF);
    std::uint8_t* host = c.memory.ram_pointer(page, 0x1000, true);
    if (!host) return nullptr;
    c.tlb.phys_tag[i] = page;
    c.tlb.phys_host[i] = host;
    return host + (pa & 0xFFF);
}
}  // namespace

std::uint64_t Cpu::read_physical(std::uint64_t pa, unsigned size) {
    std::uint64_t value = 0;
    if (std::uint8_t* host = phys_host(*this, pa, size)) {
        std::memcpy(&value, host, size);
        return value;
    }
    if (memory.read_value(pa, size, value) == MemResult::Unassigned) value = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    return value;
}

void Cpu::write_physical(std::uint64_t pa, std::uint64_t value, unsigned size) {
    if (std::uint8_t* host = phys_host(*this, pa, size)) {
        note_store(host);
        std::memcpy(host, &value, size);
        return;
    }
    exec_break = true;
    memory.write_value(pa, size, value);
}

std::uint64_t Cpu::locked_load(const std::uint8_t* p, unsigned size) {
    std::uint64_t v;
    switch (size) {
    case 1: v = __atomic_load_n(p, __ATOMIC_ACQUIRE); break;
    case 2: v = __atomic_load_n(reinterpret_cast<const std::uint16_t*>(p), __ATOMIC_ACQUIRE); break;
    case 4: v = __atomic_load_n(reinterpret_cast<const std::uint32_t*>(p), __ATOMIC_ACQUIRE); break;
    default: v = __atomic_load_n(reinterpret_cast<const std::uint64_t*>(p), __ATOMIC_ACQUIRE); break;
    }
    if (!lock_host) {
        lock_host = const_cast<std::uint8_t*>(p);
        lock_size = static_cast<std::uint8_t>(size);
        lock_old = v;
    }
    return v;
}

namespace {
template <typename T>
bool cas(std::uint8_t* p, std::uint64_t expected, std::uint64_t desired) {
    auto e = static_cast<T>(expected);
    return __atomic_compare_exchange_n(reinterpret_cast<T*>(p), &e, static_cast<T>(desired), false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}
}  // namespace

void Cpu::locked_store(std::uint8_t* p, unsigned size, std::uint64_t value) {
    note_store(p);
    if (p == lock_host && size == lock_size) {
        bool ok;
        switch (size) {
        case 1: ok = cas<std::uint8_t>(p, lock_old, value); break;
        case 2: ok = cas<std::uint16_t>(p, lock_old, value); break;
        case 4: ok = cas<std::uint32_t>(p, lock_old, value); break;
        default: ok = cas<std::uint64_t>(p, lock_old, value); break;
        }
        if (!ok) throw LockedRetry{};
        lock_host = nullptr;  // done: a later store (none in practice) is plain
        return;
    }
    store(p, size, value);
}

std::uint8_t* Cpu::locked_host(Seg s, std::uint64_t offset, unsigned size) {
    const std::uint64_t linear = segment_linear(*this, s, offset, size, Access::Write);
    check_alignment(*this, linear, size);
    if ((linear & 0xFFF) + size > 0x1000) return nullptr;
    TlbEntry& e = tlb_lookup(linear, Access::Write, cpl == 3);
    if (!e.host) return nullptr;
    note_store(e.host + (linear & 0xFFF));
    return e.host + (linear & 0xFFF);
}

bool Cpu::cas_physical(std::uint64_t pa, std::uint64_t expected, std::uint64_t desired, unsigned size) {
    if (std::uint8_t* host = phys_host(*this, pa, size)) {
        note_store(host);
        if (size == 8)
            return __atomic_compare_exchange_n(reinterpret_cast<std::uint64_t*>(host), &expected, desired, false,
                                               __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        auto e32 = static_cast<std::uint32_t>(expected);
        return __atomic_compare_exchange_n(reinterpret_cast<std::uint32_t*>(host), &e32, static_cast<std::uint32_t>(desired),
                                           false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    write_physical(pa, desired, size);
    return true;
}

void Cpu::sync_memory_generation() {
    const std::uint64_t generation = memory.generation();
    if (generation == tlb.generation) return;
    tlb.generation = generation;
    tlb.flush_all();
    tlb.flush_phys();
}

// ---- Stack -----------------------------------------------------------------------------------

// The stack pointer's width: RSP in 64-bit mode, else ESP or SP per SS.B.
namespace {
inline std::uint64_t stack_mask(const Cpu& c) {
    return c.code64() ? ~0ull : c.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
}
}  // namespace

void Cpu::push(std::uint64_t value, unsigned size) {
    const std::uint64_t mask = stack_mask(*this);
    const std::uint64_t sp = (gpr[kEsp] - size) & mask;
    write(SS, sp, size, value);
    gpr[kEsp] = (gpr[kEsp] & ~mask) | sp;
}

std::uint64_t Cpu::pop(unsigned size) {
    const std::uint64_t mask = stack_mask(*this);
    const std::uint64_t sp = gpr[kEsp] & mask;
    const std::uint64_t value = read(SS, sp, size);
    gpr[kEsp] = (gpr[kEsp] & ~mask) | ((sp + size) & mask);
    return value;
}

void Cpu::code_written(std::uint64_t, unsigned) {}

}  // namespace emu::x86
