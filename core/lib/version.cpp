#include "emu/version.h"

namespace emu {

const char* version() { return EMU_VERSION; }

}  // namespace emu
