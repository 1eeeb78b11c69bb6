// What the i386 (emu_x86diff) and 64-bit (emu_x86diff64) differential tests share: the
// command line, tool lookup and process running, the pieces of writing and building a guest
// program that do not depend on the mode, and reading qemu's output.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gen.h"
#include "host_tools.h"
#include "program.h"

namespace x86diff {

// The options both drivers take (usage() of each lists them with its own defaults).
struct Options {
    std::uint64_t seed = 1;
    int cases = -1;  // per batch; -1: the batch's default
    std::vector<std::string> batches;
    long only_case = -1;
    bool minimize = false;
    int max_report = 3;
    bool all = false;
    std::string keep;
    bool quiet = false;
    bool faults = true;
    bool qemu_only = false;
    bool ring3 = true;  // emu runs the programs at CPL 3 (as qemu's user mode) unless --ring0
    GenOptions gen;     // --insns, --exclude, --only, --no-flag-masks (and ring3 as user_flags)
};

// What --help says that depends on the driver.
struct UsageText {
    const char* tool;           // emu_x86diff
    const char* cases;          // the batches' default case counts
    const char* batches;        // the batch names and which run by default
    const char* exclude;        // an example for --exclude, or ""
    const char* all;            // a note for --all, or ""
    const char* qemu;           // qemu-i386
    const char* qemu_only;      // how --qemu-only runs the programs
};
void print_usage(const UsageText& u);

// Parses argv into opt (opt.batches holds the default list on entry). Returns -1 to go on, else
// the exit status (--help: 0, a bad option: 2).
int parse_options(int argc, char** argv, Options& opt, const UsageText& usage);

std::vector<std::string> split(const std::string& s);
std::uint64_t mix(std::uint64_t x);

// The directory for the programs: --keep's, else a fresh one under $TMPDIR named after the
// tool (remove set: delete it when all agree). Empty on failure.
std::string make_root(const std::string& keep, const char* tool, bool& remove);

// An XMM register as four dwords, high to low.
std::string fmt_xmm(const std::uint8_t* p);

// Tools and processes (tests/support/host_tools.h).
using emu::test::find_on_path;
using emu::test::quote;
using emu::test::read_bytes;
using emu::test::read_text;
using emu::test::shell;
std::string hex(std::uint64_t v);

// Guest program pieces. Writes the records (data.bin) and the linker script into dir.
void write_data_and_link_script(const std::string& dir, const std::vector<std::uint8_t>& data);
// Case N's groups, with each forward branch's "@T" resolved to its target group's label (or eN).
void emit_groups(std::ostream& s, const std::vector<Group>& groups, const std::string& N);
// Writes prog.s, assembles and links it (as as_flag, ld -m ld_emulation) and reads the
// symbols into p. Throws std::runtime_error ("<what> failed:" and the tool output).
void build_elf(const Tools& tools, Program& p, const std::string& source, const char* as_flag, const char* ld_emulation,
               const char* what);

// The guest's handler writes {kCrashMagic, signal, pc, case} on a fatal signal.
constexpr std::uint32_t kCrashMagic = 0xdeadc0deu;
// Runs p on qemu (named qemu_name, with pc_name "eip" or "rip" in messages): the records, or the fault.
RunResult run_qemu_program(const Tools& tools, const Program& p, std::size_t rec_size, const char* qemu_name, const char* pc_name);

}  // namespace x86diff
