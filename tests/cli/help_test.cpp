// --version and --help: what they print, and that --help matches what the parser accepts.
#include <gtest/gtest.h>

#include <ostream>
#include <regex>

#include "run_emu.h"

namespace emu::test {
namespace {

TEST(Version, PrintsVersionAndPluginAbi) {
    for (const char* spelling : {"--version", "-version"}) {
        SCOPED_TRACE(spelling);
        const RunResult r = run_emu({spelling});
        ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
        EXPECT_TRUE(std::regex_match(r.out, std::regex("emu version [0-9]+\\.[0-9]+\\.[0-9]+ \\(plugin ABI [0-9]+\\)\n")))
            << r.describe();
        EXPECT_EQ(r.err, "");
    }
}

TEST(Version, WinsOverAMissingMachine) {
    // --version answers before anything is built: no -M needed, no plugins looked at.
    const RunResult r = run_emu({"--plugin-dir", broken_plugins(), "--version"});
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_TRUE(starts_with(r.out, "emu version ")) << r.describe();
    EXPECT_EQ(r.err, "");
}

// Every option of the table in core/cli/options.cpp, as typed, with an argument if it takes one.
struct OptionCase {
    const char* name;
    const char* argument;  // nullptr for flags
    bool alias = false;    // the other spelling of an option (-M for -machine, -h for -help)
};
std::ostream& operator<<(std::ostream& os, const OptionCase& c) { return os << "-" << c.name; }

const OptionCase kOptions[] = {
    {"machine", "none"}, {"M", "none", true}, {"m", "64"},         {"smp", "1"},
    {"cpu", "any"},      {"accel", "tcg"},    {"device", "x"},     {"netdev", "user,id=n"},
    {"nic", "user"},     {"chardev", "null,id=c"},                 {"serial", "null"},
    {"debugcon", "null"},                     {"kernel", "k"},     {"initrd", "i"},
    {"append", "a"},     {"dtb", "d"},        {"bios", "b"},       {"nographic", nullptr},
    {"display", "none"}, {"S", nullptr},      {"no-reboot", nullptr}, {"d", "in_asm"},
    {"D", "trace.log"},  {"s", nullptr},      {"gdb", "tcp::1234"}, {"plugin-dir", "/nonexistent"},
    {"list-plugins", nullptr},                {"json", nullptr},   {"version", nullptr},
    {"help", nullptr},   {"h", nullptr, true},
};

TEST(Help, ExitsZeroWithUsageOnStdout) {
    for (const char* spelling : {"--help", "-help", "-h"}) {
        SCOPED_TRACE(spelling);
        const RunResult r = run_emu({spelling});
        ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
        EXPECT_TRUE(starts_with(r.out, "Usage: emu [options]\n")) << r.describe();
        EXPECT_EQ(r.err, "");
    }
}

TEST(Help, MentionsEveryOption) {
    const RunResult r = run_emu({"--help"});
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    for (const OptionCase& option : kOptions) {
        // "-name" as a word of its own: "  -machine, -M NAME", "  -nographic   no display..."
        const std::regex mention("(^|[ ,])-" + std::string(option.name) + "([ ,]|$)", std::regex::multiline);
        EXPECT_TRUE(std::regex_search(r.out, mention)) << "--help does not mention -" << option.name;
    }
    // The listings each option points to.
    EXPECT_TRUE(contains(r.out, "-M help")) << r.out;
    EXPECT_TRUE(contains(r.out, "-device help")) << r.out;
    EXPECT_TRUE(contains(r.out, "EMU_PLUGIN_PATH")) << r.out;
}

TEST(Help, AnswersBeforeAnythingElse) {
    // No machine, unknown device: --help still just prints the usage.
    const RunResult r = run_emu({"-device", "nope", "--help"});
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_TRUE(starts_with(r.out, "Usage: emu")) << r.describe();
    EXPECT_EQ(r.err, "");
}

// Every option --help shows is one the parser accepts, with one dash and (names, not aliases;
// see DoubleDashAlias below) with two. --version makes emu stop right after parsing, whatever
// else was given.
class HelpedOption : public testing::TestWithParam<OptionCase> {};

TEST_P(HelpedOption, IsAccepted) {
    for (const char* dashes : {"-", "--"}) {
        if (GetParam().alias && std::string(dashes) == "--") continue;
        std::vector<std::string> args{std::string(dashes) + GetParam().name};
        if (GetParam().argument) args.push_back(GetParam().argument);
        // (A flag given twice is rejected: see FlagGivenTwice below.)
        args.push_back(std::string(GetParam().name) == "version" ? "--help" : "--version");
        const RunResult r = run_emu(args);
        EXPECT_TRUE(r.exited && r.exit_status == 0) << args.front() << ":\n" << r.describe();
        EXPECT_EQ(r.err, "") << args.front();
    }
}

INSTANTIATE_TEST_SUITE_P(Table, HelpedOption, testing::ValuesIn(kOptions),
                         [](const testing::TestParamInfo<OptionCase>& param) {
                             std::string name = param.param.name;
                             for (char& c : name)
                                 if (c == '-') c = '_';
                             // gtest names are case-insensitive in places: keep -S and -s apart.
                             return name + "_" + std::to_string(param.index);
                         });

// QEMU accepts a flag given twice ("-nographic -nographic", "-S -S").
TEST(Options, FlagGivenTwice) {
    const RunResult r = run_emu({"-M", "none", "-nographic", "-nographic", "--version"});
    EXPECT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_EQ(r.err, "") << r.describe();
}

// QEMU treats "--foo" as "-foo" for every option, -M and -h included.
TEST(Options, DoubleDashAlias) {
    const RunResult m = run_emu({"--M", "none", "--version"});
    const RunResult h = run_emu({"--h"});
    EXPECT_TRUE(m.exited && m.exit_status == 0) << m.describe();
    EXPECT_TRUE(h.exited && h.exit_status == 0 && starts_with(h.out, "Usage: emu")) << h.describe();
}

}  // namespace
}  // namespace emu::test
