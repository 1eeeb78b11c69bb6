// isa-debugcon: bytes written to the port reach the back end; reads return readback.
#include "isa_harness.h"

#include "emu/error.h"

namespace {

using isa_test::FakeChardev;

class DebugconTest : public isa_test::IsaBench {};

TEST_F(DebugconTest, OutputAndReadback) {
    auto& chardev = create_fake_chardev("dbg");
    auto& con = create("isa-debugcon", "debugcon");
    con.set_property("chardev", "dbg");
    con.realize();
    EXPECT_EQ(con.get_property("iobase"), "0xe9");
    EXPECT_EQ(con.get_property("readback"), "0xe9");
    map(0xe9, con.mmio(0));
    EXPECT_EQ(con.mmio(0).size(), 1u);
    for (char c : std::string("SeaBIOS\n")) outb(0xe9, static_cast<std::uint8_t>(c));
    EXPECT_EQ(chardev.output, "SeaBIOS\n");
    EXPECT_EQ(inb(0xe9), 0xe9);  // how guests detect the console
    // A wider access reaches the port with its first byte only; the rest is unassigned.
    EXPECT_EQ(space->write_value(0xe9, 2, 0x4241), emu::MemResult::Unassigned);
    EXPECT_EQ(chardev.output, "SeaBIOS\nA");
}

TEST_F(DebugconTest, ReadbackAndPortAreConfigurable) {
    auto& chardev = create_fake_chardev("log");
    auto& con = create("isa-debugcon", "debugcon");
    con.set_property("iobase", "0x402");
    con.set_property("readback", "0x42");
    con.set_property("chardev", "log");
    con.realize();
    EXPECT_EQ(con.get_property("iobase"), "0x402");
    map(0x402, con.mmio(0));
    outb(0x402, 'x');
    EXPECT_EQ(chardev.output, "x");
    EXPECT_EQ(inb(0x402), 0x42);
    EXPECT_THROW(con.set_property("readback", "1"), emu::Error);  // not after realize
}

TEST_F(DebugconTest, NoChardevDiscardsOutput) {
    auto& con = create("isa-debugcon", "debugcon");
    con.realize();
    map(0xe9, con.mmio(0));
    outb(0xe9, 'x');
    EXPECT_EQ(inb(0xe9), 0xe9);
}

TEST_F(DebugconTest, DeviceOptionPlugsIntoTheIsaBus) {
    const emu::Type& type = registry.get("isa-debugcon");
    EXPECT_TRUE(type.user_creatable());
    EXPECT_EQ(type.category(), emu::Category::Char);

    auto& bus = create_isa_bus();
    auto& chardev = create_fake_chardev("d");
    auto& con = create_user("isa-debugcon", "dbg");  // -device isa-debugcon,iobase=0x402,chardev=d
    con.set_property("iobase", "0x402");
    con.set_property("chardev", "d");
    con.realize();
    emu::AddressSpace io_space("isa-io", *bus.io);
    ASSERT_EQ(io_space.write_value(0x402, 1, 'B'), emu::MemResult::Ok);
    EXPECT_EQ(chardev.output, "B");

    auto& twin = create_user("isa-debugcon", "twin");
    twin.set_property("iobase", "0x402");
    EXPECT_THROW(twin.realize(), emu::Error);  // the port is taken
}

TEST_F(DebugconTest, DeviceOptionNeedsAnIsaBus) {
    auto& con = create_user("isa-debugcon", "dbg");
    EXPECT_THROW(con.realize(), emu::Error);
}

}  // namespace
