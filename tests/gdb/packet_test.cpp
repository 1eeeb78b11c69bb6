// The protocol layer on its own: framing, checksums, acks, the interrupt byte, hex and binary.
#include <gtest/gtest.h>

#include "gdb_protocol.h"

namespace emu::gdb {
namespace {

using Event = PacketReader::Event;

std::vector<Event> feed(PacketReader& reader, std::string_view bytes) {
    std::vector<Event> events;
    for (char c : bytes)
        if (Event e = reader.feed(c); e != Event::None) events.push_back(e);
    return events;
}

TEST(GdbPacket, FramesWithTwoDigitChecksum) {
    EXPECT_EQ(frame_packet(""), "$#00");
    EXPECT_EQ(frame_packet("OK"), "$OK#9a");
    EXPECT_EQ(frame_packet("g"), "$g#67");
}

TEST(GdbPacket, ReaderReturnsPacketsAcksAndInterrupts) {
    PacketReader reader;
    EXPECT_EQ(feed(reader, "+"), std::vector{Event::Ack});
    EXPECT_EQ(feed(reader, "-"), std::vector{Event::Nak});
    EXPECT_EQ(feed(reader, "\x03"), std::vector{Event::Interrupt});
    EXPECT_EQ(feed(reader, "$qC#b4"), std::vector{Event::Packet});
    EXPECT_EQ(reader.packet(), "qC");
    EXPECT_EQ(feed(reader, "noise$g#67"), std::vector{Event::Packet});
    EXPECT_EQ(reader.packet(), "g");
}

TEST(GdbPacket, ChecksumIsCaseInsensitiveHex) {
    PacketReader reader;
    EXPECT_EQ(feed(reader, "$OK#9A"), std::vector{Event::Packet});
}

TEST(GdbPacket, BadChecksumsAreReportedAndDropped) {
    PacketReader reader;
    EXPECT_EQ(feed(reader, "$g#00"), std::vector{Event::BadChecksum});
    EXPECT_EQ(feed(reader, "$g#zz"), std::vector{Event::BadChecksum});
    // The reader recovers at the next packet.
    EXPECT_EQ(feed(reader, "$g#67"), std::vector{Event::Packet});
}

TEST(GdbPacket, OverlongPacketsAreDropped) {
    PacketReader reader;
    std::string payload(kMaxPacket + 10, 'a');
    EXPECT_EQ(feed(reader, frame_packet(payload)), std::vector{Event::TooLong});
    EXPECT_EQ(feed(reader, "$g#67"), std::vector{Event::Packet});
}

TEST(GdbPacket, InterruptByteInsideAPacketIsData) {
    PacketReader reader;
    const std::string packet = frame_packet(std::string("X0,1:\x03", 6));
    EXPECT_EQ(feed(reader, packet), std::vector{Event::Packet});
    EXPECT_EQ(reader.packet().back(), '\x03');
}

TEST(GdbPacket, Hex) {
    const std::uint8_t bytes[] = {0x00, 0xab, 0x7f};
    EXPECT_EQ(to_hex(bytes, 3), "00ab7f");
    EXPECT_EQ(from_hex("00AB7f"), (std::vector<std::uint8_t>{0x00, 0xab, 0x7f}));
    EXPECT_FALSE(from_hex("abc"));
    EXPECT_FALSE(from_hex("zz"));
    EXPECT_EQ(parse_hex_number("40000000"), 0x40000000u);
    EXPECT_FALSE(parse_hex_number(""));
    EXPECT_FALSE(parse_hex_number("12g"));
    EXPECT_FALSE(parse_hex_number("11112222333344445"));  // more than 64 bits
    EXPECT_EQ(to_hex_number(0), "0");
    EXPECT_EQ(to_hex_number(26), "1a");
}

TEST(GdbPacket, BinaryEscapes) {
    const std::string raw = std::string("a#b$c}d*e", 9);
    const std::string escaped = escape_binary(raw);
    EXPECT_EQ(escaped.find_first_of("#$*"), std::string::npos);
    const auto back = unescape_binary(escaped);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::string(back->begin(), back->end()), raw);
    EXPECT_FALSE(unescape_binary("abc}"));  // a dangling escape
}

}  // namespace
}  // namespace emu::gdb
