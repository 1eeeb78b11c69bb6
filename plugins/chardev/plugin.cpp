// The "chardev" plugin: the character back ends of -chardev and -serial (null, stdio, file, pty,
// socket), one file per back end.
#include <emu/plugin.h>

#include "chardev_common.h"

namespace {

void register_types(emu::TypeBatch& types) {
    emu_chardev::register_null(types);
    emu_chardev::register_stdio(types);
    emu_chardev::register_file(types);
    emu_chardev::register_pty(types);
    emu_chardev::register_socket(types);
}

}  // namespace

EMU_PLUGIN(chardev, "0.1.0", "Character back ends: null, stdio, file, pty, socket", "MIT",
           register_types);
