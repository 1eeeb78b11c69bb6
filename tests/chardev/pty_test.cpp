// chardev-pty: the slave is announced and readable as a property, bytes flow both ways once it
// is opened, output is dropped (without spinning) while it is closed, and a new user is served.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <regex>

#include "support.h"

namespace chardev_test {
namespace {

using PtyTest = ChardevTest;

int open_slave(const std::string& path) { return ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC); }

TEST_F(PtyTest, AnnouncesTheSlaveAndExchangesBytes) {
    CaptureStderr err;
    emu::CharBackend& pty = create("pty", "p0", {});
    const std::string path = pty.get_property("pty");
    EXPECT_TRUE(std::regex_match(path, std::regex("/dev/pts/[0-9]+"))) << path;
    EXPECT_EQ(err.text(), "char device redirected to " + path + " (label p0)\n");

    Sink& sink = attach(pty);
    const int slave = open_slave(path);
    ASSERT_GE(slave, 0);
    termios tty{};
    ::tcgetattr(slave, &tty);
    EXPECT_FALSE(tty.c_lflag & (ICANON | ECHO)) << "the pty is in raw mode";

    ASSERT_TRUE(write_fd(slave, "ping\n"));
    ASSERT_TRUE(run_until([&] { return sink.data == "ping\n"; })) << sink.data;
    write(pty, "pong\n");
    EXPECT_EQ(read_fd(slave, 5), "pong\n") << "raw: no \\r added";
    run_for(std::chrono::milliseconds(20));
    EXPECT_EQ(sink.data, "ping\n") << "raw: nothing echoed back";
    ::close(slave);
}

TEST_F(PtyTest, OutputIsDroppedWhileNobodyHasTheSlaveOpen) {
    emu::CharBackend& pty = create("pty", "p0", {});
    const std::string path = pty.get_property("pty");
    Sink& sink = attach(pty);

    write(pty, "before anyone");
    // Nobody there: a 100 ms timer looks for a user; the hung-up master is not watched.
    EXPECT_LT(run_for(std::chrono::milliseconds(300)), 10);

    int slave = open_slave(path);
    ASSERT_GE(slave, 0);
    ASSERT_TRUE(write_fd(slave, "hi"));
    ASSERT_TRUE(run_until([&] { return sink.data == "hi"; })) << sink.data;
    write(pty, "first");
    EXPECT_EQ(read_fd(slave, 5), "first");

    ::close(slave);
    run_for(std::chrono::milliseconds(50));
    write(pty, "lost");
    EXPECT_LT(run_for(std::chrono::milliseconds(300)), 10) << "a closed slave must not spin the loop";

    slave = open_slave(path);
    ASSERT_GE(slave, 0);
    ASSERT_TRUE(write_fd(slave, "again"));
    ASSERT_TRUE(run_until([&] { return sink.data == "hiagain"; })) << sink.data;
    write(pty, "second");
    EXPECT_EQ(read_fd(slave, 6), "second") << "nothing written while closed comes through";
    EXPECT_EQ(drain_fd(slave), "");
    ::close(slave);
}

TEST_F(PtyTest, BackPressure) {
    emu::CharBackend& pty = create("pty", "p0", {});
    Sink& sink = attach(pty);
    sink.room = 2;
    const int slave = open_slave(pty.get_property("pty"));
    const std::string text = "abcdefghij";
    ASSERT_TRUE(write_fd(slave, text));
    while (sink.data.size() < text.size()) {
        const std::size_t before = sink.data.size();
        ASSERT_TRUE(run_until([&] { return sink.data.size() > before; })) << sink.data;
        sink.room = 2;
        pty.accept_input();
    }
    EXPECT_EQ(sink.data, text);
    EXPECT_FALSE(sink.overrun);
    EXPECT_EQ(sink.max_offer, 2u);
    ::close(slave);
}

TEST_F(PtyTest, UnrealizeClosesThePty) {
    emu::CharBackend& pty = create("pty", "p0", {});
    attach(pty);
    const int slave = open_slave(pty.get_property("pty"));
    ASSERT_GE(slave, 0);
    pty.unrealize();
    char byte;
    EXPECT_LE(::read(slave, &byte, 1), 0) << "the master is closed: the slave is hung up";
    ::close(slave);
}

}  // namespace
}  // namespace chardev_test
