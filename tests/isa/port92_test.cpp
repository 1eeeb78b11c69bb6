// port92: System Control Port A drives the A20 line from bit 1 and resets on bit 0 rising.
#include "isa_harness.h"

namespace {

using isa_test::IrqRecorder;

class Port92Test : public isa_test::IsaBench {
protected:
    void SetUp() override {
        port = &create("port92", "port92");
        port->realize();
        map(0x92, port->mmio(0));
        port->connect_gpio_out("a20", 0, a20.line());
    }
    emu::Device* port = nullptr;
    IrqRecorder a20;
};

TEST_F(Port92Test, A20Gate) {
    EXPECT_EQ(inb(0x92), 0x00);
    outb(0x92, 0x02);
    EXPECT_TRUE(a20.level());
    EXPECT_EQ(inb(0x92), 0x02);
    outb(0x92, 0x00);
    EXPECT_FALSE(a20.level());
    EXPECT_EQ(inb(0x92), 0x00);
    run_posted();
    EXPECT_EQ(machine->resets, 0);
}

TEST_F(Port92Test, FastReset) {
    outb(0x92, 0x03);  // bit 0 rises: reset
    EXPECT_TRUE(a20.level());
    EXPECT_EQ(machine->resets, 0);  // posted to the loop
    run_posted();
    EXPECT_EQ(machine->resets, 1);
    outb(0x92, 0x03);  // still set: no new edge
    run_posted();
    EXPECT_EQ(machine->resets, 1);
    port->reset();  // the board reset clears bit 0 and keeps A20
    EXPECT_EQ(inb(0x92), 0x02);
    EXPECT_TRUE(a20.level());
    outb(0x92, 0x01);
    run_posted();
    EXPECT_EQ(machine->resets, 2);
    EXPECT_FALSE(a20.level());
}

TEST_F(Port92Test, FastResetWithNoRebootShutsDown) {
    machine->attach(loop, {.no_reboot = true});
    outb(0x92, 0x01);
    run_posted();
    EXPECT_EQ(machine->resets, 0);
    ASSERT_TRUE(machine->shutdown_status().has_value());
    EXPECT_EQ(*machine->shutdown_status(), 0);
}

TEST_F(Port92Test, TypesAreBoardOnly) {
    for (const char* type : {"port92", "i8042", "mc146818rtc"})
        EXPECT_FALSE(registry.get(type).user_creatable()) << type;
}

}  // namespace
