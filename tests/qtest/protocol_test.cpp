// The protocol itself, command by command, on virt's RAM (0x40000000): answers, their format,
// and a FAIL line (never a crash or a hang) for every kind of bad input.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "qtest_client.h"

namespace emu::test {
namespace {

constexpr std::uint64_t kRam = 0x40000000;

class Protocol : public ::testing::Test {
protected:
    QtestClient qt{{"-M", "virt", "-m", "64"}};

    // The answer starts with FAIL and the reason contains `reason`.
    void expect_fail(const std::string& line, const std::string& reason) {
        const std::string answer = qt.command(line);
        EXPECT_EQ(answer.rfind("FAIL ", 0), 0u) << line << " -> " << answer;
        EXPECT_NE(answer.find(reason), std::string::npos) << line << " -> " << answer;
    }
};

TEST_F(Protocol, Endianness) { EXPECT_EQ(qt.command("endianness"), "OK little"); }

TEST_F(Protocol, ScalarWritesAndReadsAreLittleEndian) {
    EXPECT_EQ(qt.command("writeq 0x40000000 0x1122334455667788"), "OK");
    EXPECT_EQ(qt.command("readb 0x40000000"), "OK 0x0000000000000088");
    EXPECT_EQ(qt.command("readw 0x40000000"), "OK 0x0000000000007788");
    EXPECT_EQ(qt.command("readl 0x40000004"), "OK 0x0000000011223344");
    EXPECT_EQ(qt.command("readq 0x40000000"), "OK 0x1122334455667788");
    qt.writeb(kRam + 1, 0xab);
    qt.writew(kRam + 2, 0xcdef);
    qt.writel(kRam + 8, 0xdeadbeef);
    EXPECT_EQ(qt.readl(kRam), 0xcdefab88u);
    EXPECT_EQ(qt.readl(kRam + 8), 0xdeadbeefu);
    // Decimal and octal numbers, as C's strtoull with base 0.
    EXPECT_EQ(qt.command("writel 1073741840 010"), "OK");
    EXPECT_EQ(qt.readl(kRam + 16), 8u);
}

TEST_F(Protocol, ReadAndWriteBytesInHex) {
    EXPECT_EQ(qt.command("write 0x40000100 4 0x01020304"), "OK");
    EXPECT_EQ(qt.command("read 0x40000100 4"), "OK 0x01020304");
    EXPECT_EQ(qt.readl(kRam + 0x100), 0x04030201u);
    // Shorter data is padded with zeros, as in QEMU.
    EXPECT_EQ(qt.command("write 0x40000100 4 0xff"), "OK");
    EXPECT_EQ(qt.command("read 0x40000100 4"), "OK 0xff000000");
    EXPECT_EQ(qt.command("read 0x40000100 0"), "OK 0x");
    std::vector<std::uint8_t> data(300);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
    qt.memwrite(kRam + 0x1000, data);
    EXPECT_EQ(qt.memread(kRam + 0x1000, data.size()), data);
}

TEST_F(Protocol, Base64) {
    EXPECT_EQ(qt.command("b64write 0x40000200 5 aGVsbG8="), "OK");
    EXPECT_EQ(qt.command("read 0x40000200 5"), "OK 0x68656c6c6f");
    EXPECT_EQ(qt.command("b64read 0x40000200 5"), "OK aGVsbG8=");
    EXPECT_EQ(qt.command("b64read 0x40000200 4"), "OK aGVsbA==");
    EXPECT_EQ(qt.command("b64read 0x40000200 3"), "OK aGVs");
    EXPECT_EQ(qt.command("b64write 0x40000200 2 aGk"), "OK");  // padding may be left out
    EXPECT_EQ(qt.command("read 0x40000200 2"), "OK 0x6869");
}

TEST_F(Protocol, Memset) {
    EXPECT_EQ(qt.command("memset 0x40000300 100000 0x5a"), "OK");
    EXPECT_EQ(qt.readb(kRam + 0x300), 0x5a);
    EXPECT_EQ(qt.readb(kRam + 0x300 + 99999), 0x5a);
    EXPECT_EQ(qt.readb(kRam + 0x300 + 100000), 0x00);
    EXPECT_EQ(qt.command("memset 0x40000300 0 1"), "OK");
}

TEST_F(Protocol, UnassignedMemoryReadsZeroAndIgnoresWrites) {
    EXPECT_EQ(qt.command("writel 0x20000000 0x1"), "OK");  // nothing there on virt
    EXPECT_EQ(qt.command("readl 0x20000000"), "OK 0x0000000000000000");
    EXPECT_EQ(qt.command("read 0x1ffffffe 4"), "OK 0x00000000");
}

TEST_F(Protocol, ClockStepsOnlyWhenAsked) {
    const std::int64_t start = qt.clock_step(0);
    EXPECT_EQ(qt.clock_step(0), start);  // nothing else moves it
    EXPECT_EQ(qt.clock_step(1000), start + 1000);
    EXPECT_EQ(qt.clock_set(start + 5000), start + 5000);
    EXPECT_EQ(qt.clock_set(start), start + 5000);  // never backwards
    EXPECT_EQ(qt.command("clock_step 1000"), "OK " + std::to_string(start + 6000));
}

TEST_F(Protocol, BadCommandsFail) {
    expect_fail("nope", "unknown command 'nope'");
    expect_fail("READL 0x40000000", "unknown command");
    expect_fail("readl", "usage: readl ADDR");
    expect_fail("readl 0x40000000 4", "usage: readl ADDR");
    expect_fail("writel 0x40000000", "usage: writel ADDR VALUE");
    expect_fail("set_irq_in gic", "usage: set_irq_in PATH NAME N LEVEL");
    expect_fail("endianness big", "usage: endianness");
}

TEST_F(Protocol, BadNumbersFail) {
    expect_fail("readl 0xzz", "address '0xzz' is not a number");
    expect_fail("readl 0x", "is not a number");
    expect_fail("readl 12abc", "is not a number");
    expect_fail("readl 09", "is not a number");  // octal
    expect_fail("readl -1", "is not a number");
    expect_fail("readl 0x10000000000000000", "is not a number");  // above 64 bits
    expect_fail("writeb 0x40000000 0x100", "does not fit in 1 bytes");
    expect_fail("writew 0x40000000 0x10000", "does not fit in 2 bytes");
    expect_fail("writel 0x40000000 0x100000000", "does not fit in 4 bytes");
    expect_fail("clock_step -5", "is not a number");
    expect_fail("memset 0x40000000 4 0x100", "above 0xff");
}

TEST_F(Protocol, RangesAreChecked) {
    expect_fail("readq 0xfffffffffffffffc", "wraps past the end");
    expect_fail("read 0xfffffffffffffff0 0x20", "wraps past the end");
    expect_fail("memset 0xffffffffffffff00 0x1000 0", "wraps past the end");
    expect_fail("read 0x40000000 0x40001", "above 262144");
    expect_fail("b64read 0x40000000 0xffffffffffffffff", "above 262144");
    expect_fail("memset 0x40000000 0x10000001 0", "above");
    expect_fail("write 0x40000000 0x40001 0x00", "above 262144");
    // Reads at the very top of the address space are fine.
    EXPECT_EQ(qt.command("readb 0xffffffffffffffff"), "OK 0x0000000000000000");
}

TEST_F(Protocol, BadDataFails) {
    expect_fail("write 0x40000000 4 01020304", "0x followed by pairs of hex digits");
    expect_fail("write 0x40000000 4 0x010", "pairs of hex digits");
    expect_fail("write 0x40000000 4 0x0g", "pairs of hex digits");
    expect_fail("write 0x40000000 1 0x0102", "more than size");
    expect_fail("b64write 0x40000000 4 ***", "not base64");
    expect_fail("b64write 0x40000000 4 aGVsbG8=", "data has 5 bytes, size says 4");
    expect_fail("b64write 0x40000000 1 a", "not base64");
    expect_fail("b64write 0x40000000 1 a===", "not base64");
}

TEST_F(Protocol, ClockLimits) {
    expect_fail("clock_step 100000000001", "above 100000000000 ns");
    const std::int64_t now = qt.clock_step(0);
    expect_fail("clock_set " + std::to_string(now + 200'000'000'000), "ahead of now");
    expect_fail("clock_set 0xffffffffffffffff", "ahead of now");
}

TEST_F(Protocol, PortsAndInterruptControllerNeedAnX86Board) {
    expect_fail("inb 0x60", "machine 'virt' has no I/O ports");
    expect_fail("outl 0xcf8 0x80000000", "has no I/O ports");
    expect_fail("inb 0x10000", "above 0xffff");
    expect_fail("outb 0x80 0x100", "does not fit");
    expect_fail("irq_intercept_in ioapic", "has no x86 interrupt controller");
    expect_fail("irq_intercept_in /machine/gic", "irq_intercept_out intercepts a device's outputs");
    expect_fail("irq_intercept_in /machine/nothing", "no object at '/machine/nothing'");
}

TEST_F(Protocol, IrqPathsAreChecked) {
    expect_fail("irq_intercept_out nothing", "no object at 'nothing'");
    expect_fail("irq_intercept_out /machine", "/machine is not a device");
    expect_fail("irq_intercept_out /machine/gpio nosuchname", "has no output lines named 'nosuchname'");
    expect_fail("irq_intercept_out /chardev", "is not a device");
    expect_fail("set_irq_in /machine/gic unnamed-gpio-in 99999 1", "no input line irq[99999]");
    expect_fail("set_irq_in /machine/gic nosuch 0 1", "no input line nosuch[0]");
    expect_fail("set_irq_in /machine/gic unnamed-gpio-in 0 high", "level 'high' is not a number");
    expect_fail("set_irq_in /machine/gic unnamed-gpio-in 0x100000000 1", "does not exist");
    EXPECT_EQ(qt.command("irq_intercept_out rtc"), "OK");
    expect_fail("irq_intercept_out uart", "IRQ intercept already enabled (/machine/rtc)");
}

TEST_F(Protocol, MsiWithoutAnyIsNone) { EXPECT_EQ(qt.command("msi_take"), "OK none"); }

TEST_F(Protocol, BlankLinesGetNoAnswerAndCarriageReturnsAreIgnored) {
    qt.send_raw("\n   \n\t\nendianness\r\n");
    EXPECT_EQ(qt.answer(), "OK little");
    qt.send_raw("readl   0x40000000\t\n");
    EXPECT_EQ(qt.answer().rfind("OK 0x", 0), 0u);
}

TEST_F(Protocol, OverlongLineIsRefusedOnce) {
    qt.send_raw(std::string(1 << 20, 'a'));
    qt.send_raw(std::string(1 << 19, 'b') + "\nendianness\n");
    EXPECT_EQ(qt.answer(), "FAIL line longer than 1048576 bytes");
    EXPECT_EQ(qt.answer(), "OK little");
}

TEST_F(Protocol, GarbageNeverKillsIt) {
    std::mt19937 random(1234);
    const std::vector<std::string> words = {"readl", "writel", "read", "write", "b64write", "b64read", "memset",
                                            "outb", "inl", "clock_step", "clock_set", "irq_intercept_out",
                                            "set_irq_in", "0x40000000", "0xffffffffffffffff", "-1", "0x",
                                            "1", "0", "99999999999999999999", "/machine/gic", "unnamed-gpio-in"};
    unsigned answered = 0;
    for (int round = 0; round < 400; ++round) {
        std::string line;
        const int kind = round % 3;
        const int length = 1 + static_cast<int>(random() % 6);
        for (int i = 0; i < length; ++i) {
            if (kind == 0) {
                line += words[random() % words.size()];
            } else {
                const int bytes = 1 + static_cast<int>(random() % 12);
                for (int b = 0; b < bytes; ++b) {
                    char c = static_cast<char>(random() % 256);
                    if (c == '\n') c = 'x';
                    line += c;
                }
            }
            line += ' ';
        }
        qt.send_raw(line + "\n");
        // Lines of only blanks get no answer; every other line gets exactly one.
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string answer = qt.answer();
        EXPECT_TRUE(answer.rfind("OK", 0) == 0 || answer.rfind("FAIL ", 0) == 0) << answer;
        EXPECT_EQ(answer.find('\0'), std::string::npos);
        ++answered;
    }
    EXPECT_GT(answered, 300u);
    EXPECT_EQ(qt.command("endianness"), "OK little");
    EXPECT_TRUE(qt.running());
}

TEST(ProtocolEnd, EmuExitsWhenTheTestHangsUp) {
    QtestClient qt({"-M", "virt"});
    EXPECT_EQ(qt.command("endianness"), "OK little");
    qt.disconnect();
    EXPECT_EQ(qt.wait_exit(std::chrono::seconds(10)), 0) << qt.output();
}

TEST(ProtocolLog, RecordsCommandsAndAnswers) {
    char dir[] = "/tmp/emu-qtest-log-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string log = std::string(dir) + "/qtest.log";
    {
        QtestClient::Options options;
        options.log_file = log;
        QtestClient qt({"-M", "virt"}, options);
        EXPECT_EQ(qt.command("endianness"), "OK little");
        EXPECT_EQ(qt.command("bogus"), "FAIL unknown command 'bogus'");
    }
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("] endianness\n"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("[S +"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("] FAIL unknown command 'bogus'\n"), std::string::npos) << text.str();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace emu::test
