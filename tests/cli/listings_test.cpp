// The help listings generated from the registry: -M help, -device help, -device TYPE,help,
// -netdev help. Other plugins may sit in the build tree's default plugin directory, so these
// check what the core and testkit contribute rather than whole outputs.
#include <gtest/gtest.h>

#include <algorithm>

#include "run_emu.h"

namespace emu::test {
namespace {

// A listing request: exit 0, nothing on stderr, the listing on stdout.
RunResult listing(const std::vector<std::string>& args) {
    RunResult r = run_emu(args);
    EXPECT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_EQ(r.err, "") << r.describe();
    return r;
}

std::vector<std::string> with_testkit(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin-dir", good_plugins()});
    return args;
}

// ----- -M help ---------------------------------------------------------------------------------

TEST(MachineHelp, ListsTheCoreNoneMachine) {
    const RunResult r = listing({"-M", "help"});
    const auto out = lines(r.out);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front(), "Supported machines are:");
    const int none = find_line(out, "none ", true);
    ASSERT_GE(none, 0) << r.out;
    EXPECT_TRUE(contains(out[none], "empty machine")) << out[none];
    EXPECT_FALSE(contains(r.out, "test-machine")) << "testkit was not asked for:\n" << r.out;
}

TEST(MachineHelp, ListsPluginMachinesAndAliases) {
    for (const char* option : {"-M", "-machine", "--machine"}) {
        SCOPED_TRACE(option);
        const RunResult r = listing(with_testkit({option, "help"}));
        const auto out = lines(r.out);
        ASSERT_FALSE(out.empty());
        EXPECT_EQ(out.front(), "Supported machines are:");
        EXPECT_GE(find_line(out, "none ", true), 0) << r.out;
        const int machine = find_line(out, "test-machine ", true);
        ASSERT_GE(machine, 0) << r.out;
        EXPECT_TRUE(contains(out[machine], "a test machine with up to 4 CPUs")) << out[machine];
        const int alias = find_line(out, "test-machine-alias ", true);
        ASSERT_GE(alias, 0) << r.out;
        EXPECT_TRUE(contains(out[alias], "(alias of test-machine)")) << out[alias];
    }
}

TEST(MachineHelp, QuestionMarkIsHelpToo) {
    EXPECT_EQ(listing(with_testkit({"-M", "?"})).out, listing(with_testkit({"-M", "help"})).out);
}

TEST(MachineHelp, MachineProperties) {
    const RunResult r = listing(with_testkit({"-M", "test-machine,help"}));
    EXPECT_TRUE(contains(r.out, "test-machine")) << r.out;
    // Through the alias: the same type.
    EXPECT_EQ(listing(with_testkit({"-M", "test-machine-alias,help"})).out, r.out);
}

// ----- -device help ----------------------------------------------------------------------------

TEST(DeviceHelp, GroupsByCategoryAndLeavesOutBackEnds) {
    const RunResult r = listing(with_testkit({"-device", "help"}));
    const auto out = lines(r.out);
    const int heading = find_line(out, "Misc devices:");
    ASSERT_GE(heading, 0) << r.out;
    // test-device is listed inside the "Misc devices:" group (which ends at a blank line).
    int device = -1;
    for (int i = heading + 1; i < static_cast<int>(out.size()) && !out[i].empty(); ++i)
        if (starts_with(out[i], "name \"test-device\"")) device = i;
    ASSERT_GE(device, 0) << "test-device is not under \"Misc devices:\":\n" << r.out;
    EXPECT_TRUE(contains(out[device], "desc \"a device with every property kind\"")) << out[device];
    // Back ends are created with -netdev, machines with -M, abstract types not at all.
    EXPECT_FALSE(contains(r.out, "netdev-testnet")) << r.out;
    EXPECT_FALSE(contains(r.out, "test-machine")) << r.out;
    EXPECT_FALSE(contains(r.out, "name \"netdev\"")) << r.out;
    EXPECT_FALSE(contains(r.out, "name \"device\"")) << r.out;
    EXPECT_FALSE(contains(r.out, "name \"backend\"")) << r.out;
}

TEST(DeviceHelp, WinsOverBuildingTheMachine) {
    // Asking for help does not need a machine, and is not put off by one.
    EXPECT_EQ(listing(with_testkit({"-M", "test-machine", "-device", "help"})).out,
              listing(with_testkit({"-device", "help"})).out);
}

// ----- -device TYPE,help -----------------------------------------------------------------------

struct PropertyHelp {
    const char* name;
    const char* type;
    const char* description;
    const char* extra;  // choices and default as shown, or "" when there is none
};

const PropertyHelp kTestDeviceProperties[] = {
    {"fail", "bool", "make realize fail", "(default: off)"},
    {"flag", "bool", "a boolean", "(default: off)"},
    {"label", "str", "a string", "(default: hello)"},
    {"mac", "macaddr", "a MAC address", ""},
    {"mode", "enum", "an enumeration", "(fast/slow/off) (default: slow)"},
    {"netdev", "netdev", "a network back end", ""},
    {"note", "str", "runtime-settable string", ""},
    {"offset", "int32", "a signed integer", "(default: -1)"},
    {"peer", "link<device>", "a link to another device", ""},
    {"port", "uint16", "an unsigned integer", "(default: 768)"},  // 0x300
    {"size", "size", "a size", "(default: 64K)"},
};

TEST(DeviceProperties, ListsEveryPropertyWithTypeAndDefault) {
    const RunResult r = listing(with_testkit({"-device", "test-device,help"}));
    const auto out = lines(r.out);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front(), "test-device options:");
    std::vector<std::string> names;
    for (const PropertyHelp& p : kTestDeviceProperties) {
        SCOPED_TRACE(p.name);
        const int at = find_line(out, std::string("  ") + p.name + "=<" + p.type + ">", true);
        ASSERT_GE(at, 0) << r.out;
        const std::string& line = out[at];
        EXPECT_TRUE(contains(line, std::string(" - ") + p.description)) << line;
        if (*p.extra) {
            EXPECT_TRUE(line.ends_with(std::string(" ") + p.extra)) << line;
        } else {
            EXPECT_FALSE(contains(line, "default:")) << line;
        }
    }
    // One line per property and nothing else; sorted by name.
    ASSERT_EQ(out.size(), std::size(kTestDeviceProperties) + 1) << r.out;
    for (std::size_t i = 1; i < out.size(); ++i) names.push_back(out[i].substr(2, out[i].find('=') - 2));
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << r.out;
}

TEST(DeviceProperties, HidesTheInternalRealizedProperty) {
    const RunResult r = listing(with_testkit({"-device", "test-device,help"}));
    EXPECT_FALSE(contains(r.out, "realized")) << r.out;
}

TEST(DeviceProperties, QuestionMarkIsHelpToo) {
    EXPECT_EQ(listing(with_testkit({"-device", "test-device,?"})).out,
              listing(with_testkit({"-device", "test-device,help"})).out);
}

// ----- -netdev help ----------------------------------------------------------------------------

TEST(NetdevHelp, ListsBackEnds) {
    const RunResult r = listing(with_testkit({"-netdev", "help"}));
    const auto out = lines(r.out);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front(), "Available netdev back ends:");
    // Listed by the name -netdev takes ("testnet"), not the type name ("netdev-testnet").
    const int testnet = find_line(out, "testnet ", true);
    ASSERT_GE(testnet, 0) << r.out;
    EXPECT_TRUE(contains(out[testnet], "a test network back end")) << out[testnet];
    // Neither the abstract base nor devices.
    EXPECT_EQ(find_line(out, "netdev ", true), -1) << r.out;
    EXPECT_FALSE(contains(r.out, "netdev-testnet")) << r.out;
    EXPECT_FALSE(contains(r.out, "test-device")) << r.out;
}

TEST(NetdevHelp, BackEndPropertiesByShortName) {
    const RunResult r = listing(with_testkit({"-netdev", "testnet,help"}));
    EXPECT_EQ(lines(r.out).front(), "There are no options for netdev-testnet.") << r.out;
    const RunResult bad = run_emu(with_testkit({"-netdev", "nosuch,help"}));
    EXPECT_EQ(bad.err, "emu: -netdev nosuch,help: no netdev back end 'nosuch' (-netdev help lists them)\n");
}

TEST(NetdevHelp, QuestionMarkIsHelpToo) {
    EXPECT_EQ(listing(with_testkit({"-netdev", "?"})).out, listing(with_testkit({"-netdev", "help"})).out);
}

// ----- -cpu help, -accel help, -chardev help ---------------------------------------------------

TEST(OtherHelp, CpuAccelAndChardevListingsWork) {
    EXPECT_TRUE(starts_with(listing(with_testkit({"-cpu", "help"})).out, "Available CPUs:\n"));
    EXPECT_TRUE(starts_with(listing(with_testkit({"-accel", "help"})).out, "Accelerators supported:\n"));
    EXPECT_TRUE(starts_with(listing(with_testkit({"-chardev", "help"})).out, "Available chardev back ends:\n"));
}

}  // namespace
}  // namespace emu::test
