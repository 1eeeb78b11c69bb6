// The software TLB. (Placeholder; owner: the system part.)
#pragma once

namespace emu::x86 {

struct Tlb {};

}  // namespace emu::x86
