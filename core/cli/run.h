#pragma once

namespace emu::cli {

// The whole program: parse, load plugins, answer help requests or build and run the machine.
// Returns the process exit status. Errors are printed as one line "emu: <message>".
int run(int argc, const char* const* argv);

}  // namespace emu::cli
