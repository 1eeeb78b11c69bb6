// The stub over a real socket against a real emu: what gdb asks when it attaches, registers,
// memory, breakpoints, single step, Ctrl-C, threads, and the end of the guest.
#include <csignal>
#include <thread>

#include "gdb_fixture.h"

namespace emu::gdbtest {
namespace {

using namespace std::chrono_literals;

using GdbProtocol = GdbSession;

TEST_F(GdbProtocol, AnswersWhatGdbAsksOnAttach) {
    const std::string supported = ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    EXPECT_NE(supported.find("PacketSize=4000"), std::string::npos) << supported;
    EXPECT_NE(supported.find("qXfer:features:read+"), std::string::npos) << supported;
    EXPECT_EQ(ask("?"), "T05thread:1;");
    EXPECT_EQ(ask("qAttached"), "1");
    EXPECT_EQ(ask("qC"), "QC1");
    EXPECT_EQ(ask("qfThreadInfo"), "m1");
    EXPECT_EQ(ask("qsThreadInfo"), "l");
    EXPECT_EQ(ask("Hg0"), "OK");
    EXPECT_EQ(ask("Hc-1"), "OK");
    EXPECT_EQ(ask("T1"), "OK");
    EXPECT_EQ(ask("T2"), "E22");
    EXPECT_EQ(ask("vCont?"), "vCont;c;C;s;S");
}

TEST_F(GdbProtocol, TargetDescriptionHasArmCoreAndVfp) {
    std::string xml;
    for (std::size_t offset = 0;;) {
        const std::string reply = ask("qXfer:features:read:target.xml:" + hex(offset) + ",100");
        ASSERT_FALSE(reply.empty());
        ASSERT_TRUE(reply[0] == 'm' || reply[0] == 'l') << reply;
        xml += reply.substr(1);
        offset += reply.size() - 1;
        if (reply[0] == 'l') break;
    }
    EXPECT_NE(xml.find("<architecture>arm</architecture>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("org.gnu.gdb.arm.core"), std::string::npos);
    EXPECT_NE(xml.find("org.gnu.gdb.arm.vfp"), std::string::npos);
    EXPECT_NE(xml.find("name=\"cpsr\" bitsize=\"32\" regnum=\"25\""), std::string::npos);
    EXPECT_EQ(ask("qXfer:features:read:nope.xml:0,100"), "E00");
}

TEST_F(GdbProtocol, ReadsAndWritesRegisters) {
    // r0-r15, cpsr, d0-d15, fpscr: 16*4 + 4 + 16*8 + 4 bytes.
    const std::string all = ask("g");
    ASSERT_EQ(all.size(), 2u * 200) << all;
    EXPECT_EQ(le32_from_hex(all.substr(15 * 8, 8)), symbol("_start"));
    EXPECT_EQ(pc(), symbol("_start"));
    EXPECT_EQ(reg(25) & 0x1f, 0x13u) << "reset state is SVC mode";
    EXPECT_EQ(ask("P3=" + le32_hex(0xcafe0003)), "OK");
    EXPECT_EQ(reg(3), 0xcafe0003u);
    EXPECT_EQ(ask("P1a=0123456789abcdef"), "OK");  // d0
    EXPECT_EQ(ask("p1a"), "0123456789abcdef");
    // G writes everything g read, with r4 changed.
    std::string changed = ask("g");
    changed.replace(4 * 8, 8, le32_hex(0x44444444));
    EXPECT_EQ(ask("G" + changed), "OK");
    EXPECT_EQ(reg(4), 0x44444444u);
    EXPECT_EQ(reg(3), 0xcafe0003u);
    // No register 16-24 (gdb's old FPA numbers) and none past fpscr.
    EXPECT_EQ(ask("p10"), "E22");
    EXPECT_EQ(ask("p2b"), "E22");
    EXPECT_EQ(ask("P2b=00000000"), "E22");
}

TEST_F(GdbProtocol, ReadsAndWritesMemoryByVirtualAddress) {
    const std::uint32_t poked = symbol("poked");
    EXPECT_EQ(ask("M" + hex(poked) + ",4:" + le32_hex(0x1234)), "OK");
    EXPECT_EQ(ask("m" + hex(poked) + ",4"), le32_hex(0x1234));
    // X: binary, with the escaped bytes gdb must escape ('}' 0x7d and '#' 0x23).
    EXPECT_EQ(ask("X" + hex(poked) + ",0:"), "OK");
    EXPECT_EQ(ask("X" + hex(poked) + ",4:" + std::string("}]}\x03\x01\x02", 6)), "OK");
    EXPECT_EQ(ask("m" + hex(poked) + ",4"), "7d230102");
    // Device registers are refused (a read could change the device), so is unmapped memory.
    EXPECT_EQ(ask("m9000000,4"), "E14");
    EXPECT_EQ(ask("m20000000,4"), "E14");
    EXPECT_EQ(ask("M9000000,1:41"), "E14");
}

TEST_F(GdbProtocol, BreakpointStopsBeforeTheInstructionWithArguments) {
    // Continuing from a breakpoint moves on without gdb's step-over dance.
    const std::uint32_t tick = symbol("gdb_tick");
    EXPECT_EQ(ask("Z0," + hex(tick) + ",4"), "OK");
    EXPECT_EQ(ask("c"), "T05thread:1;");
    EXPECT_EQ(pc(), tick);
    EXPECT_EQ(reg(0), 1u);
    EXPECT_EQ(ask("vCont;c"), "T05thread:1;");
    EXPECT_EQ(pc(), tick);
    EXPECT_EQ(reg(0), 2u);
    // A hardware breakpoint at the same place works the same; removing one leaves the other.
    EXPECT_EQ(ask("Z1," + hex(tick) + ",4"), "OK");
    EXPECT_EQ(ask("z0," + hex(tick) + ",4"), "OK");
    EXPECT_EQ(ask("c"), "T05thread:1;");
    EXPECT_EQ(reg(0), 3u);
    EXPECT_EQ(ask("z1," + hex(tick) + ",4"), "OK");
    // Watchpoints are not offered: the empty reply tells gdb to use its own.
    EXPECT_EQ(ask("Z2," + hex(symbol("counter")) + ",4"), "");
}

TEST_F(GdbProtocol, SingleStepExecutesOneInstruction) {
    const std::uint32_t start = pc();
    EXPECT_EQ(ask("s"), "T05thread:1;");
    EXPECT_EQ(pc(), start + 4);
    EXPECT_EQ(ask("vCont;s:1"), "T05thread:1;");
    EXPECT_EQ(pc(), start + 8);
    // Stepping at a breakpoint executes the instruction there instead of stopping again.
    const std::uint32_t tick = symbol("gdb_tick");
    EXPECT_EQ(ask("Z0," + hex(tick) + ",4"), "OK");
    EXPECT_EQ(ask("c"), "T05thread:1;");
    ASSERT_EQ(pc(), tick);
    EXPECT_EQ(ask("vCont;s:1;c"), "T05thread:1;");
    EXPECT_NE(pc(), tick);
}

TEST_F(GdbProtocol, CtrlCInterruptsARunningGuest) {
    EXPECT_EQ(ask("Z0," + hex(symbol("gdb_spin")) + ",4"), "OK");
    EXPECT_EQ(ask("c"), "T05thread:1;");
    EXPECT_EQ(ask("z0," + hex(symbol("gdb_spin")) + ",4"), "OK");
    client->send_packet("c");
    // Spinning: no stop reply comes by itself; commands that need a stopped CPU are refused.
    EXPECT_FALSE(client->read_packet(300ms));
    EXPECT_EQ(ask("g"), "E16");
    client->send_raw("\x03");
    EXPECT_EQ(client->read_packet(), "T02thread:1;");
    const std::uint32_t stopped_at = pc();
    EXPECT_GE(stopped_at, symbol("gdb_spin"));
    EXPECT_LT(stopped_at, symbol("gdb_spin") + 0x20);
}

TEST_F(GdbProtocol, GuestExitIsReportedAndEmuEnds) {
    stop_in_spin_loop();
    EXPECT_EQ(ask("M" + hex(symbol("release")) + ",4:" + le32_hex(1)), "OK");
    EXPECT_EQ(ask("M" + hex(symbol("poked")) + ",4:" + le32_hex(0x1234)), "OK");
    client->send_packet("c");
    EXPECT_EQ(client->read_packet(), "W00");
    ASSERT_TRUE(emu->wait_exit(10s));
    EXPECT_EQ(emu->exit_status(), 0);
    EXPECT_NE(emu->output().find("# poked = 0x1234"), std::string::npos) << emu->output();
    EXPECT_NE(emu->output().find("ALL PASS"), std::string::npos) << emu->output();
}

TEST_F(GdbProtocol, KillEndsEmu) {
    client->send_packet("k");
    ASSERT_TRUE(emu->wait_exit(10s)) << emu->output();
    EXPECT_EQ(emu->exit_status(), 0);
}

TEST_F(GdbProtocol, DetachRemovesBreakpointsAndResumes) {
    stop_in_spin_loop();
    EXPECT_EQ(ask("M" + hex(symbol("release")) + ",4:" + le32_hex(1)), "OK");
    EXPECT_EQ(ask("Z0," + hex(symbol("note")) + ",4"), "OK");  // on the way out: must not stop there
    EXPECT_EQ(ask("D"), "OK");
    EXPECT_TRUE(client->closed_by_peer(5s));
    ASSERT_TRUE(emu->wait_exit(10s)) << emu->output();
    EXPECT_EQ(emu->exit_status(), 0);
    EXPECT_NE(emu->output().find("ALL PASS"), std::string::npos) << emu->output();
}

TEST_F(GdbProtocol, DisconnectRemovesBreakpointsAndResumes) {
    stop_in_spin_loop();
    EXPECT_EQ(ask("M" + hex(symbol("release")) + ",4:" + le32_hex(1)), "OK");
    EXPECT_EQ(ask("Z0," + hex(symbol("note")) + ",4"), "OK");
    client->close();
    ASSERT_TRUE(emu->wait_exit(10s)) << emu->output();
    EXPECT_EQ(emu->exit_status(), 0);
    EXPECT_NE(emu->output().find("ALL PASS"), std::string::npos) << emu->output();
}

TEST_F(GdbProtocol, ReconnectAfterDisconnect) {
    EXPECT_EQ(ask("Z0," + hex(symbol("gdb_tick")) + ",4"), "OK");
    client->close();
    // The guest runs on (the breakpoint went with the client) and spins; a new gdb stops it.
    std::this_thread::sleep_for(500ms);
    client = std::make_unique<RspClient>(port);
    ASSERT_TRUE(client->connected());
    EXPECT_EQ(ask("?"), "T05thread:1;");
    const std::uint32_t stopped_at = pc();
    EXPECT_GE(stopped_at, symbol("gdb_spin"));
    EXPECT_LT(stopped_at, symbol("gdb_spin") + 0x20);
}

TEST_F(GdbProtocol, NoAckMode) {
    EXPECT_EQ(ask("QStartNoAckMode"), "OK");
    client->set_no_ack(true);
    client->send_packet("qC");
    // The reply comes without a '+' before it.
    const auto first = client->read_byte(5s);
    EXPECT_EQ(first, '$');
    EXPECT_EQ(ask("?"), "T05thread:1;");
}

class GdbSmp : public GdbSession {
protected:
    void SetUp() override {
        if (target_elf().empty()) GTEST_SKIP() << "no guest: arm-none-eabi-gcc was not found at configure time";
        start({"-smp", "2"});
    }
};

TEST_F(GdbSmp, OneThreadPerVcpu) {
    EXPECT_EQ(ask("qfThreadInfo"), "m1,2");
    EXPECT_EQ(ask("qsThreadInfo"), "l");
    EXPECT_EQ(ask("T2"), "OK");
    EXPECT_EQ(ask("qThreadExtraInfo,2"), gdb_hex("CPU 1 (cortex-a15) [powered off]"));
    EXPECT_EQ(ask("Hg2"), "OK");
    EXPECT_EQ(pc(), 0u) << "CPU 1 waits, powered off, for PSCI CPU_ON";
    EXPECT_EQ(ask("Hg1"), "OK");
    EXPECT_EQ(pc(), symbol("_start"));
    EXPECT_EQ(ask("Hg3"), "E22");
    // The breakpoint reports the vCPU that hit it.
    EXPECT_EQ(ask("Z0," + hex(symbol("gdb_tick")) + ",4"), "OK");
    EXPECT_EQ(ask("Hc2"), "OK");
    EXPECT_EQ(ask("vCont;c"), "T05thread:1;");
}

}  // namespace
}  // namespace emu::gdbtest
