// chardev-null: output goes nowhere, input never comes.
#include <emu/chardev.h>
#include <emu/type.h>

#include "chardev_common.h"

namespace emu_chardev {
namespace {

class NullChardev final : public emu::CharBackend {
public:
    void write(const std::uint8_t*, std::size_t) override {}
};

}  // namespace

void register_null(emu::TypeBatch& types) {
    types.add({.name = "chardev-null",
               .parent = "chardev",
               .description = "discards output and never produces input",
               .factory = emu::factory_of<NullChardev>()});
}

}  // namespace emu_chardev
