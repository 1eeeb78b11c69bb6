// Small host helpers for the differential tests (tests/armdiff, tests/x86diff), which drive the
// host's binutils and QEMU's user-mode emulators through the shell.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace emu::test {

// The executable name on $PATH (or name itself if it has a slash and is executable); "" if none.
std::string find_on_path(const std::string& name);
// A whole file as text / bytes ("" / empty when it cannot be read).
std::string read_text(const std::string& path);
std::vector<std::uint8_t> read_bytes(const std::string& path);
// s as one single-quoted shell word.
std::string quote(const std::string& s);
// Runs a shell command; returns its exit status (-1 if it did not exit normally).
int shell(const std::string& cmd);

}  // namespace emu::test
