// The command line: one table of options (which also generates --help and, later, the man
// page), parsed with Boost.Program_options in QEMU's single-dash style.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emu::cli {

enum class OptionArity { Flag, One, Repeated };

struct OptionSpec {
    const char* name;        // as typed after the dash: "machine"
    const char* alias;       // short or other spelling ("M"), or nullptr
    OptionArity arity;
    const char* argument;    // placeholder for help ("NAME[,prop=value...]"), or nullptr
    const char* help;        // one line
    const char* section;     // heading in --help
};

const std::vector<OptionSpec>& option_table();

struct Options {
    std::optional<std::string> machine;          // -M/-machine
    std::vector<std::string> devices;            // -device, in order
    std::vector<std::string> netdevs, nics, chardevs, serials, objects;
    std::optional<std::string> memory, smp, cpu, accel;
    std::optional<std::string> kernel, initrd, append, dtb, bios;
    std::optional<std::string> display, debugcon, boot, monitor, trace, trace_file, gdb;
    std::optional<std::string> qtest, qtest_log;   // -qtest DEV, -qtest-log FILE
    std::vector<std::string> plugin_dirs;
    bool nographic = false, start_paused = false, no_reboot = false, gdb_default = false;
    bool help = false, version = false, list_plugins = false, json = false;
};

// Throws Error with a one-line message for unknown options, missing values and stray
// arguments. As in QEMU, a single-valued option given twice takes the later value, a flag given
// twice is simply on, and "--name" means "-name".
Options parse_options(int argc, const char* const* argv);

// The --help text, generated from option_table().
std::string usage_text();

}  // namespace emu::cli
