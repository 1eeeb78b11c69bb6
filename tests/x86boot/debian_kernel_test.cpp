// Debian's amd64 kernel (tests/setup/fetch-x86-guests.sh) through the kit, without a CPU: its
// bzImage parses and loads by the boot protocol, and its vmlinux has the PVH entry Linux's
// CONFIG_PVH puts in it. Skipped when the guest is not fetched.
#include <gtest/gtest.h>

#include <cstdlib>

#include "x86boot_harness.h"

namespace {

using namespace x86boot_test;

std::string guest_file(const char* name) {
    const char* dir = std::getenv("EMU_GUEST_DIR");
    const char* home = std::getenv("HOME");
    const std::string base = dir ? dir : std::string(home ? home : "") + "/.cache/emu/guests";
    return base + "/amd64/" + name;
}

TEST(DebianKernel, BzImageLoadsByTheBootProtocol) {
    const std::string kernel = guest_file("bzImage");
    if (!std::filesystem::exists(kernel)) GTEST_SKIP() << kernel << " not found (run tests/setup/fetch-x86-guests.sh)";
    Guest guest(512 * kMiB);
    TempDir dir;
    const emu::X86BootPlan plan = emu::x86_load_kernel(
        *guest.memory, config(kernel, 512 * kMiB, dir.write("initrd", pattern(8192, 5)), "console=ttyS0"));
    EXPECT_GE(plan.boot_protocol_version, 0x20c);  // 64-bit kernels since 3.8
    EXPECT_EQ(plan.entry, 0x100000u);
    EXPECT_GT(plan.kernel_end, 0x1000000u);        // unpacks at 16 MiB or above
    EXPECT_GE(plan.initrd_start, plan.kernel_end);
    EXPECT_EQ(guest.value(emu::kX86ZeroPage + 0x202, 4), 0x53726448u);
    EXPECT_EQ(guest.value(emu::kX86ZeroPage + 0x218, 4), plan.initrd_start);
}

TEST(DebianKernel, VmlinuxHasAPvhEntryInsideTheImage) {
    const std::string kernel = guest_file("vmlinux");
    if (!std::filesystem::exists(kernel)) GTEST_SKIP() << kernel << " not found (run tests/setup/fetch-x86-guests.sh)";
    Guest guest(512 * kMiB);
    const emu::X86BootPlan plan = emu::x86_load_kernel(*guest.memory, config(kernel, 512 * kMiB));
    EXPECT_EQ(plan.protocol, emu::X86BootPlan::Protocol::Pvh);
    EXPECT_GE(plan.entry, plan.kernel_start);
    EXPECT_LT(plan.entry, plan.kernel_end);
    EXPECT_EQ(guest.value(emu::kX86PvhStartInfo, 4), 0x336ec578u);
}

}  // namespace
