// Whatever a client sends, the stub answers or ignores it and emu keeps working: checksum
// errors, unknown packets, bad hex and numbers, out-of-range threads and registers, overlong
// packets, noise, and a client that vanishes.
#include "gdb_fixture.h"

namespace emu::gdbtest {
namespace {

using namespace std::chrono_literals;

using GdbHostileInput = GdbSession;

TEST_F(GdbHostileInput, BadChecksumIsNakedAndTheStubRecovers) {
    client->send_raw("$g#00");
    EXPECT_EQ(client->read_byte(5s), '-');
    client->send_raw("$?#zz");
    EXPECT_EQ(client->read_byte(5s), '-');
    EXPECT_EQ(ask("?"), "T05thread:1;");
}

TEST_F(GdbHostileInput, NakMakesTheStubResend) {
    EXPECT_EQ(ask("qC"), "QC1");
    client->send_raw("-");
    EXPECT_EQ(client->read_packet(5s), "QC1");
}

TEST_F(GdbHostileInput, UnknownPacketsGetTheEmptyReply) {
    for (const char* packet : {"qFooBar", "vMustReplyEmpty", "QNonStop:1", "!", "bc", "j", "vFile:open:x", "", "qRcmd,68656c70"})
        EXPECT_EQ(ask(packet), "") << packet;
    EXPECT_EQ(ask("?"), "T05thread:1;");
}

TEST_F(GdbHostileInput, MalformedArgumentsAreErrors) {
    for (const char* packet : {"mzz,4", "m40000000", "m40000000,", "m,4", "M40000000,4:zz", "M40000000,4:00",
                               "M40000000,2:0000aa", "X40000000,4:ab", "X40000000,1:}", "Z0,zz,4", "Z0,40000000",
                               "z0", "pzz", "p", "P0", "P0=zz", "P0=0000", "Pzz=00000000", "Gzz", "Hgzz",
                               "Hg99", "Hx1", "H", "Tzz", "T0", "qThreadExtraInfo,9", "vCont;x", "vCont;c:9",
                               "vCont;Czz", "vCont;", "c40000000", "qXfer:features:read:target.xml:zz,1",
                               "p111111111111111111111"})
        EXPECT_EQ(ask(packet).substr(0, 1), "E") << packet;
    EXPECT_EQ(ask("Z7,40000000,4"), "");  // no such breakpoint type: not supported
    EXPECT_EQ(ask("?"), "T05thread:1;");
}

TEST_F(GdbHostileInput, HugeLengthsAreClampedNotTrusted) {
    // A read far larger than a packet gets a shorter (allowed) reply; RAM ends where it ends.
    const std::string reply = ask("m40000000,ffffffff");
    EXPECT_FALSE(reply.empty());
    EXPECT_LE(reply.size(), 0x4000u);
    EXPECT_EQ(ask("mfffffffc,100"), "E14");
    EXPECT_EQ(ask("mffffffffffffff00,100"), "E14");
    EXPECT_EQ(ask("Mffffffff,2:0000"), "E14");
}

TEST_F(GdbHostileInput, OverlongPacketIsDroppedAndTheStubRecovers) {
    client->send_packet("M40000000,10000:" + std::string(0x20000, '0'));
    EXPECT_EQ(client->read_byte(5s), '-');
    EXPECT_EQ(ask("?"), "T05thread:1;");
}

TEST_F(GdbHostileInput, NoiseBetweenPacketsIsIgnored) {
    client->send_raw("hello\r\n####}}}");
    EXPECT_EQ(ask("?"), "T05thread:1;");
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 37) & 0xff);
    client->send_raw(garbage);
    client->send_raw("#00");  // ends whatever packet the garbage may have opened
    EXPECT_EQ(ask("?"), "T05thread:1;");
}

TEST_F(GdbHostileInput, ClientVanishingMidPacketLeavesEmuServing) {
    client->send_raw("$m40000000,4");
    client->close();
    client = std::make_unique<RspClient>(port);
    ASSERT_TRUE(client->connected());
    EXPECT_EQ(ask("qC"), "QC1");
}

TEST_F(GdbHostileInput, SecondClientWaitsForTheFirst) {
    RspClient second(port, 1s);
    // The kernel may accept the connection into the backlog, but the stub does not answer it.
    if (second.connected()) {
        second.send_packet("?");
        EXPECT_FALSE(second.read_packet(300ms));
    }
    EXPECT_EQ(ask("?"), "T05thread:1;");
}

}  // namespace
}  // namespace emu::gdbtest
