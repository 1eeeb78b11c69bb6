// What a user gets wrong on the x86 boards, through the real emu binary: each mistake is one
// line on stderr, "emu: <message>", and exit status 1. The board runs under the device-test
// accelerator (-accel qtest, which never runs the CPUs), so these tests need no /dev/kvm.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../cli/run_emu.h"
#include "x86boot_harness.h"

namespace {

using emu::test::run_emu;
using x86boot_test::Bytes;
using x86boot_test::kMiB;

std::vector<std::string> on_board(const std::string& machine, std::vector<std::string> args) {
    args.insert(args.begin(), {"-M", machine, "-accel", "qtest", "-nographic", "-monitor", "none"});
    return args;
}

void expect_error(const std::vector<std::string>& args, const std::string& part) {
    const emu::test::RunResult r = run_emu(args);
    ASSERT_TRUE(r.failed()) << r.describe();
    const std::vector<std::string> err = emu::test::lines(r.err);
    ASSERT_EQ(err.size(), 1u) << r.describe();
    EXPECT_TRUE(emu::test::starts_with(err[0], "emu: ")) << r.describe();
    EXPECT_TRUE(emu::test::contains(err[0], part)) << "expected '" << part << "' in: " << err[0];
    EXPECT_EQ(r.out, "");
}

class PcErrors : public ::testing::TestWithParam<std::string> {
protected:
    x86boot_test::TempDir dir;
};

TEST_P(PcErrors, MissingKernel) {
    expect_error(on_board(GetParam(), {"-kernel", "/nonexistent/bzImage"}), "-kernel /nonexistent/bzImage");
}

TEST_P(PcErrors, KernelThatIsNoKernel) {
    const std::string file = dir.write("notes.txt", Bytes(8192, 'x'));
    expect_error(on_board(GetParam(), {"-kernel", file}), "not a bzImage, a Multiboot kernel or an ELF with a PVH entry note");
}

TEST_P(PcErrors, TruncatedBzImage) {
    Bytes image = x86boot_test::make_bzimage({});
    image.resize(image.size() / 2);
    expect_error(on_board(GetParam(), {"-kernel", dir.write("bzImage", image)}), "truncated bzImage");
}

TEST_P(PcErrors, InitrdTooLargeForRam) {
    const std::string kernel = dir.write("bzImage", x86boot_test::make_bzimage({}));
    const std::string initrd = dir.sparse("initrd", 600 * kMiB);
    expect_error(on_board(GetParam(), {"-m", "128", "-kernel", kernel, "-initrd", initrd}), "does not fit");
}

TEST_P(PcErrors, ZeroRam) { expect_error(on_board(GetParam(), {"-m", "0"}), "RAM size must be more than 0"); }

TEST_P(PcErrors, ZeroCpus) { expect_error(on_board(GetParam(), {"-smp", "0"}), "-smp 0"); }

TEST_P(PcErrors, MissingBios) {
    expect_error(on_board(GetParam(), {"-bios", "/nonexistent/bios.bin"}), "-bios /nonexistent/bios.bin");
}

TEST_P(PcErrors, BiosOfTheWrongSize) {
    const std::string bios = dir.write("bios.bin", Bytes(1000, 0xff));
    expect_error(on_board(GetParam(), {"-bios", bios}), "multiple of 64 KiB");
}

TEST_P(PcErrors, KernelAndBiosTogether) {
    const std::string kernel = dir.write("bzImage", x86boot_test::make_bzimage({}));
    const std::string bios = dir.write("bios.bin", Bytes(0x10000, 0xff));
    expect_error(on_board(GetParam(), {"-kernel", kernel, "-bios", bios}), "drop -bios");
}

TEST_P(PcErrors, NotAnX86Cpu) { expect_error(on_board(GetParam(), {"-cpu", "cortex-a15"}), "not an x86 CPU model"); }

INSTANTIATE_TEST_SUITE_P(Boards, PcErrors, ::testing::Values("pc", "q35"));

}  // namespace
