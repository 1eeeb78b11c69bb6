// Architectural register state of an ARMv7-A core: r0-r15 with banking, CPSR pieces, SPSRs.
//
// r[] is always the current mode's view. The flags are kept split for speed (QEMU style):
// N = NF bit 31, Z = (ZF == 0), C = CF (0/1), V = VF bit 31. GE is 4 bits, Q is 0/1. ITSTATE is
// only exact at block boundaries (inside a block each decoded instruction carries its own).
#pragma once

#include <cstdint>

namespace emu::arm {

enum Mode : std::uint32_t {
    kModeUsr = 0x10,
    kModeFiq = 0x11,
    kModeIrq = 0x12,
    kModeSvc = 0x13,
    kModeMon = 0x16,  // not implemented (no Security Extensions)
    kModeAbt = 0x17,
    kModeHyp = 0x1a,  // not implemented (no Virtualization Extensions)
    kModeUnd = 0x1b,
    kModeSys = 0x1f,
};

// CPSR bits
constexpr std::uint32_t kPsrN = 1u << 31, kPsrZ = 1u << 30, kPsrC = 1u << 29, kPsrV = 1u << 28,
                        kPsrQ = 1u << 27, kPsrJ = 1u << 24, kPsrE = 1u << 9, kPsrA = 1u << 8,
                        kPsrI = 1u << 7, kPsrF = 1u << 6, kPsrT = 1u << 5, kPsrM = 0x1f;
constexpr std::uint32_t kPsrNZCV = 0xf0000000u, kPsrGE = 0x000f0000u;
constexpr std::uint32_t kPsrIT = 0x0600fc00u;

// Bank index of a mode: 0 usr/sys, 1 fiq, 2 irq, 3 svc, 4 abt, 5 und; -1 invalid.
inline int mode_bank(std::uint32_t mode) {
    switch (mode & 0x1f) {
    case kModeUsr: case kModeSys: return 0;
    case kModeFiq: return 1;
    case kModeIrq: return 2;
    case kModeSvc: return 3;
    case kModeAbt: return 4;
    case kModeUnd: return 5;
    default: return -1;
    }
}
inline bool mode_valid(std::uint32_t mode) { return mode_bank(mode) >= 0; }

inline std::uint32_t it_from_cpsr(std::uint32_t cpsr) {
    return ((cpsr >> 25) & 3) | ((cpsr >> 8) & 0xfc);
}
inline std::uint32_t it_to_cpsr(std::uint32_t it) {
    return ((it & 3) << 25) | ((it & 0xfc) << 8);
}
// ITAdvance()
inline std::uint32_t it_advance(std::uint32_t it) {
    if ((it & 7) == 0) return 0;
    return (it & 0xe0) | ((it << 1) & 0x1f);
}

struct ArmState {
    std::uint32_t r[16]{};
    std::uint32_t NF = 0, ZF = 1, CF = 0, VF = 0;
    std::uint32_t QF = 0, GE = 0;
    std::uint32_t itstate = 0;
    std::uint32_t mode = kModeSvc;
    std::uint32_t aif = kPsrA | kPsrI | kPsrF;  // A, I, F bits in CPSR positions
    bool thumb = false;
    std::uint8_t priv = 1;  // TLB index: 0 = PL0 (usr), 1 = PL1

    // Banked copies (the current mode's live copy is in r[]).
    std::uint32_t usr_r8_12[5]{}, fiq_r8_12[5]{};
    std::uint32_t bank_r13[6]{}, bank_r14[6]{}, bank_spsr[6]{};

    std::uint32_t nzcv() const {
        return (NF & kPsrN) | (ZF == 0 ? kPsrZ : 0u) | (CF ? kPsrC : 0u) | ((VF >> 3) & kPsrV);
    }
    void set_nzcv(std::uint32_t v) {
        NF = v & kPsrN;
        ZF = (v & kPsrZ) ? 0 : 1;
        CF = (v >> 29) & 1;
        VF = (v & kPsrV) << 3;
    }
    std::uint32_t cpsr_with_it(std::uint32_t it) const {
        return nzcv() | (QF ? kPsrQ : 0u) | (GE << 16) | it_to_cpsr(it) | aif |
               (thumb ? kPsrT : 0u) | mode;
    }
    std::uint32_t cpsr() const { return cpsr_with_it(itstate); }

    // Switch the register view to new_mode (must be valid). Does not touch other CPSR bits.
    void switch_mode(std::uint32_t new_mode) {
        new_mode &= 0x1f;
        int ob = mode_bank(mode), nb = mode_bank(new_mode);
        if (ob != nb) {
            bank_r13[ob] = r[13];
            bank_r14[ob] = r[14];
            if (ob == 1 || nb == 1) {
                std::uint32_t* from = ob == 1 ? fiq_r8_12 : usr_r8_12;
                std::uint32_t* to = nb == 1 ? fiq_r8_12 : usr_r8_12;
                for (int i = 0; i < 5; ++i) {
                    from[i] = r[8 + i];
                    r[8 + i] = to[i];
                }
            }
            r[13] = bank_r13[nb];
            r[14] = bank_r14[nb];
        }
        mode = new_mode;
        priv = new_mode == kModeUsr ? 0 : 1;
    }
    // Access to the user-mode registers (LDM/STM ^) from any mode.
    std::uint32_t user_reg(unsigned n) const {
        if (n >= 8 && n <= 12 && mode == kModeFiq) return usr_r8_12[n - 8];
        if ((n == 13 || n == 14) && mode_bank(mode) != 0) return n == 13 ? bank_r13[0] : bank_r14[0];
        return r[n];
    }
    void set_user_reg(unsigned n, std::uint32_t v) {
        if (n >= 8 && n <= 12 && mode == kModeFiq) usr_r8_12[n - 8] = v;
        else if ((n == 13 || n == 14) && mode_bank(mode) != 0) (n == 13 ? bank_r13[0] : bank_r14[0]) = v;
        else r[n] = v;
    }
    bool has_spsr() const { return mode_bank(mode) > 0; }
    std::uint32_t& spsr() { return bank_spsr[mode_bank(mode) > 0 ? mode_bank(mode) : 0]; }
};

}  // namespace emu::arm
