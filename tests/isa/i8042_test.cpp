// i8042: the PS/2 controller's self-test, command byte, interface tests, port enables, output
// port and A20, reset pulses, the keyboard's replies, the empty mouse port and the IRQ lines.
#include "isa_harness.h"

namespace {

using isa_test::IrqRecorder;

constexpr emu::Addr kData = 0x60, kCmd = 0x64;
constexpr std::uint8_t OBF = 0x01, SYS = 0x04, A2 = 0x08, UNLOCKED = 0x10, AUX_OBF = 0x20, TIMEOUT = 0x40;

class I8042Test : public isa_test::IsaBench {
protected:
    void SetUp() override {
        kbc = &create("i8042", "i8042");
        kbc->realize();
        map(kData, kbc->mmio(0));
        map(kCmd, kbc->mmio(1));
        kbc->connect_gpio_out("", 0, kbd_irq.line());
        kbc->connect_gpio_out("", 1, aux_irq.line());
        kbc->connect_gpio_out("a20", 0, a20.line());
    }
    std::uint8_t status() { return inb(kCmd); }
    void command(std::uint8_t c) { outb(kCmd, c); }
    void command(std::uint8_t c, std::uint8_t data) {
        outb(kCmd, c);
        outb(kData, data);
    }
    // The bytes waiting in the output buffer, read as a driver does (status, then data).
    std::vector<std::uint8_t> drain() {
        std::vector<std::uint8_t> bytes;
        while (status() & OBF) bytes.push_back(inb(kData));
        return bytes;
    }
    std::uint8_t command_byte() {
        command(0x20);
        EXPECT_EQ(status() & OBF, OBF);
        return inb(kData);
    }
    using Bytes = std::vector<std::uint8_t>;

    emu::Device* kbc = nullptr;
    IrqRecorder kbd_irq, aux_irq, a20;
};

TEST_F(I8042Test, SelfTestAndStatus) {
    EXPECT_EQ(status() & (OBF | SYS), 0);
    EXPECT_EQ(status() & UNLOCKED, UNLOCKED);
    command(0xaa);
    EXPECT_EQ(status() & (OBF | SYS | A2), OBF | SYS | A2);  // A2: the last write was a command
    EXPECT_EQ(inb(kData), 0x55);
    EXPECT_EQ(status() & OBF, 0);
    command(0xab);  // keyboard interface test
    EXPECT_EQ(drain(), Bytes{0x00});
    command(0xa9);  // AUX interface test
    EXPECT_EQ(drain(), Bytes{0x00});
    command(0xa4);  // no password
    EXPECT_EQ(drain(), Bytes{0xf1});
    command(0xe0);
    EXPECT_EQ(drain(), Bytes{0x00});
    EXPECT_EQ(kbc->mmio(0).size(), 1u);
    EXPECT_EQ(kbc->mmio(1).size(), 1u);
}

TEST_F(I8042Test, CommandByte) {
    EXPECT_EQ(command_byte(), 0x03);  // both interrupts enabled
    command(0x60, 0x65);  // keyboard interrupt, system flag, AUX disabled, translation
    EXPECT_EQ(status() & A2, 0);  // the last write was data
    EXPECT_EQ(command_byte(), 0x65);
    EXPECT_EQ(status() & SYS, SYS);  // the system flag follows bit 2
    command(0xad);  // disable the keyboard: bit 4
    command(0xa7);  // disable AUX: bit 5
    EXPECT_EQ(command_byte(), 0x75);
    command(0xae);
    command(0xa8);
    EXPECT_EQ(command_byte(), 0x45);
    // The rest of the controller RAM.
    command(0x61, 0x99);
    command(0x21);
    EXPECT_EQ(drain(), Bytes{0x99});
}

TEST_F(I8042Test, KeyboardResetAndIdentify) {
    const int rises = kbd_irq.rises();
    outb(kData, 0xff);
    EXPECT_TRUE(kbd_irq.level());
    EXPECT_EQ(status() & (OBF | AUX_OBF), OBF);
    EXPECT_EQ(inb(kData), 0xfa);
    EXPECT_TRUE(kbd_irq.level());  // the next byte is loaded: a new edge
    EXPECT_EQ(kbd_irq.rises(), rises + 2);
    EXPECT_EQ(inb(kData), 0xaa);  // self-test passed
    EXPECT_FALSE(kbd_irq.level());
    EXPECT_FALSE(aux_irq.level());

    outb(kData, 0xf2);  // identify; no translation
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xab, 0x83}));
    command(0x60, 0x43);  // translate
    outb(kData, 0xf2);
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xab, 0x41}));
    command(0x60, 0x03);
    outb(kData, 0xee);  // echo
    EXPECT_EQ(drain(), Bytes{0xee});
    outb(kData, 0xed);  // LEDs
    outb(kData, 0x07);
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xfa}));
    outb(kData, 0xf0);  // scan code set
    outb(kData, 0x00);
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xfa, 0x02}));
    outb(kData, 0xf4);
    outb(kData, 0xf5);
    outb(kData, 0xf6);
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xfa, 0xfa}));
    outb(kData, 0x42);  // not a command
    EXPECT_EQ(drain(), Bytes{0xfe});
}

TEST_F(I8042Test, DisabledKeyboardPortHoldsItsBytes) {
    command(0xad);
    EXPECT_EQ(command_byte() & 0x10, 0x10);
    outb(kData, 0xf2);  // sending to the keyboard enables its port again
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xab, 0x83}));
    EXPECT_EQ(command_byte() & 0x10, 0);

    outb(kData, 0xff);
    command(0xad);
    EXPECT_EQ(inb(kData), 0xfa);  // already in the output buffer
    EXPECT_EQ(status() & OBF, 0);  // 0xaa waits while the port is disabled
    command(0xd2, 0x12);  // the controller's own bytes are not held
    EXPECT_EQ(drain(), Bytes{0x12});
    command(0xae);
    EXPECT_EQ(drain(), Bytes{0xaa});
}

TEST_F(I8042Test, KeyboardInterruptFollowsTheCommandByte) {
    command(0x60, 0x00);  // interrupts off
    outb(kData, 0xff);
    EXPECT_FALSE(kbd_irq.level());
    EXPECT_EQ(status() & OBF, OBF);
    command(0x60, 0x01);
    EXPECT_TRUE(kbd_irq.level());
    drain();
    EXPECT_FALSE(kbd_irq.level());
}

TEST_F(I8042Test, NoMouse) {
    command(0xd4, 0xff);  // reset the mouse: nothing answers
    const std::uint8_t s = status();
    EXPECT_EQ(s & (OBF | AUX_OBF | TIMEOUT), OBF | AUX_OBF | TIMEOUT);
    EXPECT_TRUE(aux_irq.level());
    EXPECT_FALSE(kbd_irq.level());
    EXPECT_EQ(inb(kData), 0xfe);
    EXPECT_FALSE(aux_irq.level());
    EXPECT_EQ(status() & (OBF | TIMEOUT), 0);
    // The AUX loop-back (0xd3) is the controller's: it works.
    command(0xd3, 0x5a);
    EXPECT_EQ(status() & (OBF | AUX_OBF | TIMEOUT), OBF | AUX_OBF);
    EXPECT_TRUE(aux_irq.level());
    EXPECT_EQ(inb(kData), 0x5a);
    // With the AUX interrupt off, no IRQ 12.
    command(0x60, 0x01);
    command(0xd3, 0x5a);
    EXPECT_FALSE(aux_irq.level());
    EXPECT_EQ(drain(), Bytes{0x5a});
}

TEST_F(I8042Test, OutputPortAndA20) {
    command(0xd0);
    EXPECT_EQ(drain(), Bytes{0xcf});  // reset high, A20 on, output buffers empty
    command(0xd1, 0xcd);  // A20 off
    EXPECT_FALSE(a20.level());
    command(0xd0);
    EXPECT_EQ(inb(kData) & 0x03, 0x01);
    command(0xd1, 0xcf);
    EXPECT_TRUE(a20.level());
    command(0xdd);
    EXPECT_FALSE(a20.level());
    command(0xdf);
    EXPECT_TRUE(a20.level());
    EXPECT_EQ(machine->resets, 0);
    run_posted();
    EXPECT_EQ(machine->resets, 0);
}

TEST_F(I8042Test, ResetPulseResetsTheMachine) {
    command(0xfe);
    EXPECT_EQ(machine->resets, 0);  // posted to the loop
    run_posted();
    EXPECT_EQ(machine->resets, 1);
    command(0xff);  // no line pulsed
    command(0xf1);  // A20 pulsed, not reset
    run_posted();
    EXPECT_EQ(machine->resets, 1);
    command(0xd1, 0xce);  // output port bit 0 low
    run_posted();
    EXPECT_EQ(machine->resets, 2);
}

TEST_F(I8042Test, ResetPulseWithNoRebootShutsDown) {
    machine->attach(loop, {.no_reboot = true});
    command(0xfe);
    run_posted();
    EXPECT_EQ(machine->resets, 0);
    ASSERT_TRUE(machine->shutdown_status().has_value());
    EXPECT_EQ(*machine->shutdown_status(), 0);
}

TEST_F(I8042Test, BoardResetRestoresPowerOnState) {
    command(0x60, 0x20);
    command(0xd1, 0xcd);
    outb(kData, 0xff);
    kbc->reset();
    EXPECT_TRUE(a20.level());
    EXPECT_EQ(status() & OBF, 0);
    EXPECT_EQ(command_byte(), 0x03);
}

}  // namespace
