// Command-line errors. Each one is exactly one line on stderr, "emu: <message>", with nothing
// on stdout and exit status 1, and the message names what was wrong.
#include <gtest/gtest.h>

#include <ostream>

#include "run_emu.h"

namespace emu::test {
namespace {

struct ErrorCase {
    std::string name;
    std::vector<std::string> args;
    std::vector<std::string> expect;  // substrings of the message
};

std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.name; }

// Arguments with testkit loaded and test-machine selected.
std::vector<std::string> on_test_machine(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin-dir", good_plugins(), "-M", "test-machine"});
    return args;
}

// A test-device with one property set.
ErrorCase property(std::string name, std::string assignment, std::vector<std::string> expect) {
    return {std::move(name), on_test_machine({"-device", "test-device," + assignment}), std::move(expect)};
}

std::vector<ErrorCase> error_cases() {
    const std::string readable_file = emu_binary();
    return {
        // The command line itself.
        {"UnknownOption", {"-bogus"}, {"unrecognised option", "-bogus"}},
        {"UnknownDoubleDashOption", {"--bogus-option"}, {"bogus-option"}},
        {"UnknownOptionAmongGoodOnes", on_test_machine({"-nographic", "-frobnicate"}), {"-frobnicate"}},
        {"UnexpectedPositionalArgument", {"-M", "none", "stray"}, {"unexpected argument 'stray'"}},
        {"PositionalArgumentFirst", {"disk.img", "-M", "none"}, {"unexpected argument 'disk.img'"}},
        {"MissingMachineArgument", {"-M"}, {"'-machine'", "missing"}},
        {"MissingDeviceArgument", {"-M", "none", "-device"}, {"'-device'", "missing"}},
        {"MissingMemoryArgument", {"-M", "none", "-m"}, {"'-m'", "missing"}},
        {"MissingPluginDirArgument", {"-M", "none", "--plugin-dir"}, {"'-plugin-dir'", "missing"}},
        // The machine.
        {"UnknownMachine", {"-M", "nope"}, {"no machine 'nope'", "-M help"}},
        {"UnknownMachineWithPlugins", {"--plugin-dir", good_plugins(), "-machine", "nope"}, {"no machine 'nope'"}},
        {"UnknownMachineHelp", {"-M", "nope,help"}, {"no machine 'nope'"}},
        {"NoMachine", {}, {"no machine given", "-M"}},
        {"NoMachineButDevices", {"--plugin-dir", good_plugins(), "-device", "test-device"}, {"no machine given"}},
        {"UnknownMachineProperty", on_test_machine({"-M", "test-machine,bogus=1"}), {"no property 'bogus'"}},
        // -device TYPE.
        {"UnknownDevice", on_test_machine({"-device", "nope"}), {"no device type 'nope'", "-device help"}},
        {"UnknownDeviceHelp", on_test_machine({"-device", "nope,help"}), {"no device type 'nope'"}},
        {"BackEndAsDevice", on_test_machine({"-device", "netdev-testnet"}),
         {"'netdev-testnet' is a back end, not a device", "-netdev"}},
        {"BackEndAsDeviceHelp", on_test_machine({"-device", "netdev-testnet,help"}), {"'netdev-testnet' is a back end"}},
        {"MachineAsDevice", on_test_machine({"-device", "test-machine"}), {"'test-machine' is not a device type"}},
        {"AbstractDevice", on_test_machine({"-device", "device"}), {"'device' is not a device type"}},
        {"EmptyItem", on_test_machine({"-device", "test-device,"}), {"'test-device,'", "empty item"}},
        {"ItemWithoutKey", on_test_machine({"-device", "test-device,=5"}), {"'=5'", "has no key"}},
        // Properties of each kind.
        property("UnknownProperty", "nope=1", {"test-device", "no property 'nope'"}),
        property("BadMac", "mac=zz", {"property 'mac'", "'zz'", "not a MAC address"}),
        property("ShortMac", "mac=52:54:00:12:34", {"property 'mac'", "not a MAC address"}),
        property("MacWithBadDigit", "mac=52:54:00:12:34:5g", {"property 'mac'", "not a MAC address"}),
        property("UnsignedBelowRange", "port=5", {"property 'port'", "'5'", "out of range [256, 1023]"}),
        property("UnsignedAboveRange", "port=0x400", {"property 'port'", "'0x400'", "out of range [256, 1023]"}),
        property("UnsignedBeyondItsType", "port=70000", {"property 'port'", "'70000'", "out of range"}),
        property("UnsignedNotANumber", "port=abc", {"property 'port'", "'abc'", "is not a number"}),
        property("UnsignedNegative", "port=-1", {"property 'port'", "'-1'", "is not a number"}),
        property("UnsignedEmpty", "port=", {"property 'port'", "is not a number"}),
        property("SignedAboveRange", "offset=9", {"property 'offset'", "'9'", "out of range [-8, 8]"}),
        property("SignedBelowRange", "offset=-9", {"property 'offset'", "'-9'", "out of range [-8, 8]"}),
        property("SignedNotANumber", "offset=x", {"property 'offset'", "'x'", "is not a number"}),
        property("BadBool", "flag=maybe", {"property 'flag'", "'maybe'", "not a boolean"}),
        property("BadSizeSuffix", "size=12Q", {"property 'size'", "'12Q'", "not a size"}),
        property("SizeNotANumber", "size=abc", {"property 'size'", "'abc'", "not a size"}),
        property("BadEnum", "mode=medium", {"property 'mode'", "'medium'", "fast", "slow", "off"}),
        property("UnknownNetdevId", "netdev=n9", {"property 'netdev'", "'n9'", "does not name a netdev"}),
        property("LinkToNothing", "peer=/nowhere", {"property 'peer'", "'/nowhere'", "does not name an object"}),
        property("LinkToWrongType", "peer=/machine", {"property 'peer'", "'/machine'", "is not a device"}),
        // Realize.
        {"RealizeFailsNamesTheDeviceId", on_test_machine({"-device", "test-device,id=d0,fail=on"}),
         {"test-device 'd0'", "realize failed because fail=on was given"}},
        {"RealizeFailsAfterOtherDevices",
         on_test_machine({"-netdev", "testnet,id=n0", "-device", "test-device,id=a,netdev=n0", "-device",
                          "test-device,peer=/machine/peripheral/a", "-device", "test-device,fail=on"}),
         {"test-device: realize failed because fail=on was given"}},
        {"DuplicateDeviceId", on_test_machine({"-device", "test-device,id=d0", "-device", "test-device,id=d0"}),
         {"duplicate", "'d0'"}},
        {"EmptyDeviceId", on_test_machine({"-device", "test-device,id="}), {"id ''"}},
        // Back ends.
        {"DuplicateNetdevId", on_test_machine({"-netdev", "testnet,id=n0", "-netdev", "testnet,id=n0"}),
         {"duplicate netdev id 'n0'"}},
        {"NetdevWithoutId", on_test_machine({"-netdev", "testnet"}), {"-netdev testnet", "id="}},
        {"UnknownNetdevType", on_test_machine({"-netdev", "nope,id=n0"}), {"no netdev back end", "nope"}},
        {"UnknownNetdevProperty", on_test_machine({"-netdev", "testnet,id=n0,bogus=1"}), {"no property 'bogus'"}},
        // Machine configuration.
        {"ZeroMemory", on_test_machine({"-m", "0"}), {"-m 0", "more than 0"}},
        {"BadMemorySuffix", on_test_machine({"-m", "12Q"}), {"-m 12Q", "not a size"}},
        {"MemoryNotANumber", on_test_machine({"-m", "lots"}), {"-m lots", "not a size"}},
        {"MemoryTooLarge", on_test_machine({"-m", "99999999999999G"}), {"-m 99999999999999G", "too large"}},
        {"ZeroCpus", on_test_machine({"-smp", "0"}), {"-smp 0", "at least 1 CPU"}},
        {"CpusNotANumber", on_test_machine({"-smp", "many"}), {"-smp many", "not a number"}},
        {"TooManyCpus", on_test_machine({"-smp", "5"}), {"-smp 5", "'test-machine'", "at most 4 CPUs"}},
        {"TooManyCpusForNone", {"-M", "none", "-smp", "2"}, {"-smp 2", "'none'", "at most 1 CPU"}},
        {"UnknownSmpItem", on_test_machine({"-smp", "2,sockets=2"}), {"-smp 2,sockets=2", "'sockets'"}},
        {"MissingKernel", on_test_machine({"-kernel", "/nonexistent/vmlinuz"}),
         {"-kernel /nonexistent/vmlinuz", "No such file or directory"}},
        {"KernelIsADirectory", on_test_machine({"-kernel", "/"}), {"-kernel /", "is a directory"}},
        {"MissingInitrd", on_test_machine({"-kernel", readable_file, "-initrd", "/nonexistent/initrd"}),
         {"-initrd /nonexistent/initrd", "No such file or directory"}},
        {"InitrdWithoutKernel", on_test_machine({"-initrd", readable_file}), {"-initrd", "need -kernel"}},
        {"AppendWithoutKernel", on_test_machine({"-append", "console=ttyS0"}), {"-append", "need -kernel"}},
        {"DisplaySdl", on_test_machine({"-display", "sdl"}), {"-display sdl", "only 'none'"}},
    };
}

class CommandLineError : public testing::TestWithParam<ErrorCase> {};

TEST_P(CommandLineError, IsOneLineOnStderrAndExitStatus1) {
    const ErrorCase& c = GetParam();
    const RunResult r = run_emu(c.args);
    ASSERT_TRUE(r.exited) << r.describe();
    EXPECT_EQ(r.exit_status, 1) << r.describe();
    EXPECT_EQ(r.out, "") << r.describe();
    ASSERT_FALSE(r.err.empty()) << r.describe();
    EXPECT_EQ(lines(r.err).size(), 1u) << r.describe();
    EXPECT_EQ(r.err.back(), '\n') << r.describe();
    EXPECT_TRUE(starts_with(r.err, "emu: ")) << r.describe();
    EXPECT_FALSE(contains(r.err, "warning")) << r.describe();
    for (const std::string& part : c.expect) EXPECT_TRUE(contains(r.err, part)) << "missing '" << part << "' in\n" << r.err;
}

INSTANTIATE_TEST_SUITE_P(Cli, CommandLineError, testing::ValuesIn(error_cases()),
                         [](const testing::TestParamInfo<ErrorCase>& param) { return param.param.name; });

// ----- exact messages --------------------------------------------------------------------------

TEST(RealizeFailure, MessageFollowsTheDeviceNameVerbatim) {
    const RunResult anon = run_emu(on_test_machine({"-device", "test-device,fail=on"}));
    EXPECT_TRUE(anon.failed()) << anon.describe();
    EXPECT_EQ(anon.err, "emu: test-device: realize failed because fail=on was given\n");
    const RunResult named = run_emu(on_test_machine({"-device", "test-device,id=d0,fail=on"}));
    EXPECT_TRUE(named.failed()) << named.describe();
    EXPECT_EQ(named.err, "emu: test-device 'd0': realize failed because fail=on was given\n");
    const RunResult bare_flag = run_emu(on_test_machine({"-device", "test-device,fail"}));  // fail=on
    EXPECT_EQ(bare_flag.err, anon.err);
}

TEST(UnknownMachine, ExactMessage) {
    const RunResult r = run_emu({"-M", "nope"});
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(r.err, "emu: no machine 'nope' (-M help lists them)\n");
}

TEST(UnknownDevice, ExactMessage) {
    const RunResult r = run_emu(on_test_machine({"-device", "nope"}));
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(r.err, "emu: no device type 'nope' (-device help lists them)\n");
}

TEST(MissingKernel, ExactMessage) {
    const RunResult r = run_emu(on_test_machine({"-kernel", "/nonexistent"}));
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(r.err, "emu: -kernel /nonexistent: No such file or directory\n");
}

// ----- broken plugins on the path --------------------------------------------------------------

TEST(BrokenPlugins, OneWarningEachThenTheRealError) {
    const RunResult r = run_emu({"--plugin-dir", good_plugins(), "--plugin-dir", broken_plugins(), "-M",
                                 "test-machine", "-device", "half-registered"});
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(r.out, "");
    const auto err = lines(r.err);
    ASSERT_EQ(err.size(), 8u) << r.describe();  // 7 broken files, then the error
    for (std::size_t i = 0; i + 1 < err.size(); ++i)
        EXPECT_TRUE(starts_with(err[i], "emu: warning: plugin " + canonical(broken_plugins()) + "/")) << err[i];
    // Nothing of the plugin that threw while registering was kept.
    EXPECT_EQ(err.back(), "emu: no device type 'half-registered' (-device help lists them)");
}

// ----- regressions -----------------------------------------------------------------------------

// "-device backend": the abstract base of all back ends. The hint must not send the user to an
// option that does not exist.
TEST(Errors, BackEndHintNamesARealOption) {
    const RunResult r = run_emu(on_test_machine({"-device", "backend"}));
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(lines(r.err).size(), 1u) << r.describe();
    EXPECT_FALSE(contains(r.err, "-backend")) << r.describe();
}

// The internal 'realized' property is hidden from -device TYPE,help and not accepted by -device:
// realize is the core's step, after every property is set.
TEST(Errors, RealizedIsNotAUserProperty) {
    const RunResult r = run_emu(on_test_machine({"-device", "test-device,fail=on,realized=on"}));
    EXPECT_TRUE(r.failed()) << r.describe();
    EXPECT_EQ(r.err, "emu: test-device: no property 'realized'\n") << r.describe();
}

}  // namespace
}  // namespace emu::test
