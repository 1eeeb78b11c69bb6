// QEMU's -serial shorthand (stdio, null, file:F, pty, tcp:H:P[,server][,nowait],
// unix:PATH[,server][,nowait], chardev:ID, mon:stdio, none) as a -chardev specification.
#pragma once

#include <optional>
#include <string>

namespace emu::cli {

struct SerialTarget {
    std::optional<std::string> chardev_spec;  // "-chardev" text to create (with id), or none
    std::string id;                           // the chardev id the UART uses; empty for "none"
};

// id: the id to give a chardev created for this port ("serial0").
SerialTarget parse_serial(const std::string& spec, const std::string& id);

}  // namespace emu::cli
