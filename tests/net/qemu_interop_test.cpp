// Real software on the other end of emu's back ends: Debian's U-Boot (qemu_arm) running in
// Debian's qemu-system-arm, its virtio-net joined by QEMU's -netdev socket to an emu process
// whose -netdev socket sits on a hub with -netdev user. U-Boot's own DHCP client must get
// 10.0.2.15 from emu's slirp (which proves emu speaks QEMU's stream format, the hub repeats, and
// slirp serves DHCP), and emu's filter-dump must hold the exchange.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "run_emu.h"
#include "support.h"

namespace net_test {
namespace {

using emu::test::contains;
using emu::test::Millis;

constexpr const char* kUboot = "/usr/lib/u-boot/qemu_arm/u-boot.bin";

TEST(QemuInterop, UbootInQemuGetsALeaseFromEmuUserThroughASocketWire) {
    if (!std::filesystem::exists(kUboot) || ::access("/usr/bin/qemu-system-arm", X_OK) != 0)
        GTEST_SKIP() << "needs qemu-system-arm and u-boot-qemu (tests/setup/install-deps.sh)";
    emu::test::TempDir dir;
    const std::string port = std::to_string(free_port());
    const std::string dump = (dir.path() / "user.pcap").string();
    emu::test::RunResult emu_run, qemu_run;
    std::thread emu_thread([&] {
        emu::test::RunOptions options;
        options.signal = SIGTERM;
        options.signal_after = Millis(12'000);
        emu_run = emu::test::run_emu({"-M", "none", "-netdev", "user,id=u0", "-netdev",
                                      "socket,id=s0,listen=127.0.0.1:" + port, "-netdev",
                                      "hubport,id=h0,hubid=0,netdev=u0", "-netdev", "hubport,id=h1,hubid=0,netdev=s0",
                                      "-object", "filter-dump,id=f0,netdev=u0,file=" + dump},
                                     options);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    emu::test::RunOptions options;
    options.signal = SIGTERM;
    options.signal_after = Millis(10'000);
    qemu_run = emu::test::run_process(
        "qemu-system-arm", {"-M", "virt,highmem=off", "-bios", kUboot, "-nographic", "-monitor", "none", "-netdev",
                            "socket,id=s,connect=127.0.0.1:" + port, "-device", "virtio-net-device,netdev=s"},
        options);
    emu_thread.join();
    EXPECT_TRUE(contains(qemu_run.out, "DHCP client bound to address 10.0.2.15")) << qemu_run.describe();
    EXPECT_TRUE(emu_run.signal_sent && emu_run.exit_status == 0) << emu_run.describe();
    EXPECT_GT(std::filesystem::file_size(dump), 24u + 4 * (16 + 300)) << "the dump lacks the DHCP exchange";
}

}  // namespace
}  // namespace net_test
