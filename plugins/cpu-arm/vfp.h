#pragma once
#include <cstdint>
namespace emu::arm {
struct VfpState { std::uint64_t d[32]{}; std::uint32_t fpscr = 0, fpexc = 0; };
class VfpHost {  // implemented by the core
public:
    virtual ~VfpHost() = default;
    virtual std::uint32_t core_reg(unsigned n) = 0;          // r0-r14 (PC reads as the architecturally visible value)
    virtual void set_core_reg(unsigned n, std::uint32_t v) = 0;
    virtual void set_nzcv(std::uint32_t nzcv_in_bits_31_28) = 0;  // VMRS APSR_nzcv, FPSCR
    virtual bool load32(std::uint32_t va, std::uint32_t& value) = 0;   // false: an abort was taken, stop executing
    virtual bool store32(std::uint32_t va, std::uint32_t value) = 0;
    virtual bool privileged() const = 0;
};
enum class VfpResult { Done, Undefined, Aborted };
// insn: a VFP instruction (coprocessor 10/11 data-processing, register transfer, or load/store,
// including VMRS/VMSR) in its A32 encoding with bits 31-28 = 0b1110 (T32 callers convert: the
// T32 encodings 0xEC../0xED../0xEE.. are identical to A32 with cond=AL). Returns Undefined when
// FPEXC.EN is 0 (except VMRS/VMSR of FPEXC/FPSID/MVFR in privileged mode) or the encoding is not VFPv3-D16/VFPv4.
VfpResult vfp_execute(VfpState& state, std::uint32_t insn, VfpHost& host);
// FPSID, MVFR0, MVFR1 values reported to the guest.
std::uint32_t vfp_fpsid(); std::uint32_t vfp_mvfr0(); std::uint32_t vfp_mvfr1();
}
