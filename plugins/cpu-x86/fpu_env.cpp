// The x87 environment and state images: FNSTENV/FLDENV (14/28 bytes), FNSAVE/FRSTOR (94/108
// bytes) in their real-mode and protected-mode layouts (SDM vol. 1, 8.1.10, figures 8-9 to
// 8-12), and FXSAVE/FXRSTOR's 512-byte area (SDM vol. 2, FXSAVE, table 3-53).
#include "cpu.h"
#include "fpu_internal.h"

namespace emu::x86 {

using namespace x87;

namespace {

constexpr unsigned kRegisterBytes = 80;  // ST(0)..ST(7), 10 bytes each
constexpr std::uint32_t kMxcsrMask = 0x0000FFFF;  // FXSAVE's MXCSR_MASK: every defined bit (incl. DAZ)

void put16(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    put16(p, v);
    put16(p + 2, v >> 16);
}
std::uint32_t get16(const std::uint8_t* p) { return p[0] | (p[1] << 8); }
std::uint32_t get32(const std::uint8_t* p) { return get16(p) | (get16(p + 2) << 16); }

// Real mode and v8086 use the real-mode layout, which holds 20-bit linear pointers.
bool real_layout(const Cpu& cpu) { return !cpu.protected_mode() || cpu.v86(); }

unsigned environment_size(bool op32) { return op32 ? 28 : 14; }

void build_environment(const Cpu& cpu, const FpuState& s, std::uint8_t* out, bool op32) {
    const std::uint32_t ip = (static_cast<std::uint32_t>(s.fcs) << 4) + s.fip;  // real-mode linear
    const std::uint32_t dp = (static_cast<std::uint32_t>(s.fds) << 4) + s.fdp;
    const bool real = real_layout(cpu);
    if (op32) {
        // The reserved upper halves read as ones, as on hardware.
        put32(out + 0, 0xFFFF0000u | s.control);
        put32(out + 4, 0xFFFF0000u | s.status);
        put32(out + 8, 0xFFFF0000u | s.tag);
        if (real) {
            put32(out + 12, 0xFFFF0000u | (ip & 0xFFFF));
            put32(out + 16, ((ip >> 16) << 12) | (s.opcode & 0x7FF));
            put32(out + 20, 0xFFFF0000u | (dp & 0xFFFF));
            put32(out + 24, (dp >> 16) << 12);
        } else {
            put32(out + 12, s.fip);
            put32(out + 16, s.fcs | (static_cast<std::uint32_t>(s.opcode & 0x7FF) << 16));
            put32(out + 20, s.fdp);
            put32(out + 24, 0xFFFF0000u | s.fds);
        }
    } else {
        put16(out + 0, s.control);
        put16(out + 2, s.status);
        put16(out + 4, s.tag);
        if (real) {
            put16(out + 6, ip);
            put16(out + 8, (((ip >> 16) & 0xF) << 12) | (s.opcode & 0x7FF));
            put16(out + 10, dp);
            put16(out + 12, ((dp >> 16) & 0xF) << 12);
        } else {
            put16(out + 6, s.fip);
            put16(out + 8, s.fcs);
            put16(out + 10, s.fdp);
            put16(out + 12, s.fds);
        }
    }
}

// Loads everything but the tags' non-empty values (the caller retags once the registers hold
// their new contents).
void parse_environment(const Cpu& cpu, FpuState& s, const std::uint8_t* in, bool op32) {
    const bool real = real_layout(cpu);
    const unsigned slot = op32 ? 4 : 2;
    s.control = static_cast<std::uint16_t>(get16(in));
    s.status = static_cast<std::uint16_t>(get16(in + slot));
    s.tag = static_cast<std::uint16_t>(get16(in + 2 * slot));
    const std::uint8_t* p = in + 3 * slot;
    if (real) {
        // The pointers' bits 16 and up sit in bits 12 and up of the following slot.
        const auto high = [op32](const std::uint8_t* q) {
            return op32 ? (get32(q) >> 12) & 0xFFFF : (get16(q) >> 12) & 0xF;
        };
        s.fip = get16(p) | (high(p + slot) << 16);
        s.opcode = static_cast<std::uint16_t>(get16(p + slot) & 0x7FF);
        s.fdp = get16(p + 2 * slot) | (high(p + 3 * slot) << 16);
        s.fcs = s.fds = 0;
    } else if (op32) {
        s.fip = get32(p);
        s.fcs = static_cast<std::uint16_t>(get16(p + 4));
        s.opcode = static_cast<std::uint16_t>(get16(p + 6) & 0x7FF);
        s.fdp = get32(p + 8);
        s.fds = static_cast<std::uint16_t>(get16(p + 12));
    } else {
        s.fip = get16(p);
        s.fcs = static_cast<std::uint16_t>(get16(p + 2));
        s.fdp = get16(p + 4);
        s.fds = static_cast<std::uint16_t>(get16(p + 6));
    }
}

std::uint8_t nonempty_mask(std::uint16_t tag) {
    std::uint8_t mask = 0;
    for (unsigned p = 0; p < 8; ++p)
        if (((tag >> (2 * p)) & 3) != kTagEmpty) mask = static_cast<std::uint8_t>(mask | (1u << p));
    return mask;
}

// Registers in an image are in stack order: ST(i) is physical register (TOP + i) & 7.
void put_registers(const FpuState& s, std::uint8_t* out, unsigned stride) {
    for (unsigned i = 0; i < 8; ++i) std::memcpy(out + stride * i, &s.st[(top_of(s) + i) & 7], 10);
}
void get_registers(FpuState& s, const std::uint8_t* in, unsigned stride) {
    for (unsigned i = 0; i < 8; ++i) {
        Extended e{};
        std::memcpy(&e.mantissa, in + stride * i, 8);
        std::memcpy(&e.sign_exponent, in + stride * i + 8, 2);
        s.st[(top_of(s) + i) & 7] = make_extended(e.mantissa, e.sign_exponent);
    }
}

}  // namespace

namespace x87 {

void store_environment(Cpu& cpu, const FpuMemory& mem, bool op32) {
    std::uint8_t image[28];
    build_environment(cpu, cpu.fpu, image, op32);
    cpu.write_bytes(mem.seg, mem.offset, image, environment_size(op32));
    cpu.fpu.control |= kExceptionFlags;  // FNSTENV masks every exception afterwards
}

void load_environment(Cpu& cpu, const FpuMemory& mem, bool op32) {
    std::uint8_t image[28];
    cpu.read_bytes(mem.seg, mem.offset, image, environment_size(op32));
    FpuState& s = cpu.fpu;
    parse_environment(cpu, s, image, op32);
    retag(s, nonempty_mask(s.tag));
    update_summary(s);
}

void save_state(Cpu& cpu, const FpuMemory& mem, bool op32) {
    std::uint8_t image[28 + kRegisterBytes];
    const unsigned env = environment_size(op32);
    build_environment(cpu, cpu.fpu, image, op32);
    put_registers(cpu.fpu, image + env, 10);
    cpu.write_bytes(mem.seg, mem.offset, image, env + kRegisterBytes);
    fpu_init(cpu.fpu);  // FNSAVE ends with FNINIT
}

void restore_state(Cpu& cpu, const FpuMemory& mem, bool op32) {
    std::uint8_t image[28 + kRegisterBytes];
    const unsigned env = environment_size(op32);
    cpu.read_bytes(mem.seg, mem.offset, image, env + kRegisterBytes);
    FpuState& s = cpu.fpu;
    parse_environment(cpu, s, image, op32);
    get_registers(s, image + env, 10);
    retag(s, nonempty_mask(s.tag));
    update_summary(s);
}

}  // namespace x87

// FXSAVE writes bytes 0-159 (x87 state and MXCSR) and, with CR4.OSFXSR set, XMM0-7 at 160-287
// (XMM0-15 at 160-415 in 64-bit mode);
// the rest of the 512 bytes is reserved or left to software and is not written.
namespace {
constexpr unsigned kFxsaveX87Bytes = 160, kFxsaveXmmBytes = 256;

// XMM0-7, or XMM0-15 in 64-bit mode (SDM vol. 2, FXSAVE: the 64-bit mode layout). The REX.W
// form (FXSAVE64, 64-bit FIP/FDP without FCS/FDS) is not distinguished yet: FCS/FDS land where
// it keeps FIP/FDP bits 32-47 (only debuggers and signal frames look at them).
unsigned xmm_bytes(const Cpu& cpu) { return cpu.code64() ? 256 : 128; }

void check_fxsave_operand(Cpu& cpu, const FpuMemory& mem) {
    if (cpu.cr0 & (kCr0EM | kCr0TS)) cpu.raise(vec::NM);
    if ((cpu.seg[mem.seg].base + mem.offset) & 15) cpu.raise(vec::GP, 0);
}
}  // namespace

void fpu_fxsave(Cpu& cpu, const FpuMemory& mem) {
    check_fxsave_operand(cpu, mem);
    const FpuState& s = cpu.fpu;
    std::uint8_t image[kFxsaveX87Bytes + kFxsaveXmmBytes] = {};
    put16(image + 0, s.control);
    put16(image + 2, s.status);
    image[4] = nonempty_mask(s.tag);  // the abridged tag word: 1 = valid, by physical register
    put16(image + 6, s.opcode & 0x7FF);
    put32(image + 8, s.fip);
    put16(image + 12, s.fcs);
    put32(image + 16, s.fdp);
    put16(image + 20, s.fds);
    put32(image + 24, s.mxcsr);
    put32(image + 28, kMxcsrMask);
    put_registers(s, image + 32, 16);
    const bool xmm = cpu.cr4 & kCr4OSFXSR;
    const unsigned xmm_size = xmm ? xmm_bytes(cpu) : 0;
    std::memcpy(image + kFxsaveX87Bytes, s.xmm, xmm_size);
    cpu.write_bytes(mem.seg, mem.offset, image, kFxsaveX87Bytes + xmm_size);
}

void fpu_fxrstor(Cpu& cpu, const FpuMemory& mem) {
    check_fxsave_operand(cpu, mem);
    const bool xmm = cpu.cr4 & kCr4OSFXSR;
    std::uint8_t image[kFxsaveX87Bytes + kFxsaveXmmBytes] = {};
    const unsigned xmm_size = xmm ? xmm_bytes(cpu) : 0;
    cpu.read_bytes(mem.seg, mem.offset, image, kFxsaveX87Bytes + xmm_size);
    const std::uint32_t mxcsr = get32(image + 24);
    if (mxcsr & ~kMxcsrMask) cpu.raise(vec::GP, 0);  // reserved MXCSR bits
    FpuState& s = cpu.fpu;
    s.control = static_cast<std::uint16_t>(get16(image + 0));
    s.status = static_cast<std::uint16_t>(get16(image + 2));
    s.opcode = static_cast<std::uint16_t>(get16(image + 6) & 0x7FF);
    s.fip = get32(image + 8);
    s.fcs = static_cast<std::uint16_t>(get16(image + 12));
    s.fdp = get32(image + 16);
    s.fds = static_cast<std::uint16_t>(get16(image + 20));
    s.mxcsr = mxcsr;
    get_registers(s, image + 32, 16);
    retag(s, image[4]);
    update_summary(s);
    std::memcpy(s.xmm, image + kFxsaveX87Bytes, xmm_size);
}

}  // namespace emu::x86
