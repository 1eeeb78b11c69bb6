// Plugin "qtest": the device-test accelerator (README.md).
#include <emu/plugin.h>
#include <emu/property.h>

#include "qtest.h"

namespace {

void register_types(emu::TypeBatch& types) {
    using emu::qtest::QtestAccelerator;
    using emu::qtest::QtestServer;
    types.add({.name = "qtest",
               .parent = "accel",
               .description = "device tests: no CPU runs; a test drives memory, I/O ports, IRQ lines and the "
                              "virtual clock over a text protocol (-qtest)",
               .factory = emu::factory_of<QtestAccelerator>(),
               .class_init = emu::class_init_of<QtestAccelerator>(&QtestAccelerator::class_init)});
    types.add({.name = "qtest-server",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "the qtest accelerator's protocol front end on its chardev",
               .factory = emu::factory_of<QtestServer>()});
}

}  // namespace

EMU_PLUGIN(qtest, "0.1.0", "The device-test accelerator: a test process drives the machine (QEMU's qtest)", "MIT",
           register_types);
