// Page-table walks (two-level and PAE), accessed/dirty bits and page faults.
// (Initial version: paging off only; owner: the system part.)
#include <stdexcept>

#include "cpu.h"

namespace emu::x86 {

std::uint64_t Cpu::translate(std::uint64_t linear, Access, bool) {
    if (!paging()) return linear;
    throw std::logic_error("x86: paging not implemented yet");
}

}  // namespace emu::x86
