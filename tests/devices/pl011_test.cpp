// The PL011 UART: transmit to a back end, receive with back-pressure, interrupts and FIFOs.
#include "device_harness.h"

namespace {

using emu_test::FakeChardev;
using emu_test::IrqRecorder;

constexpr emu::Addr kBase = 0x09000000;
constexpr emu::Addr DR = 0x00, RSR = 0x04, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c, CR = 0x30,
                    IFLS = 0x34, IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44;
constexpr std::uint32_t RXFE = 1u << 4, TXFF = 1u << 5, RXFF = 1u << 6, TXFE = 1u << 7, BUSY = 1u << 3;
constexpr std::uint32_t RXI = 1u << 4, TXI = 1u << 5, RTI = 1u << 6, FEN = 1u << 4;

class Pl011Test : public emu_test::DeviceBench {
protected:
    void SetUp() override {
        chardev = &create_fake_chardev("fake0");
        uart = &create("pl011", "uart");
        uart->set_property("chardev", "fake0");
        uart->realize();
        map(kBase, uart->mmio(0));
        uart->connect_gpio_out("", 0, irq.line());
    }
    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }
    std::string drain() {
        std::string text;
        while (!(reg(FR) & RXFE)) text += static_cast<char>(reg(DR) & 0xff);
        return text;
    }

    FakeChardev* chardev = nullptr;
    emu::Device* uart = nullptr;
    IrqRecorder irq;
};

TEST_F(Pl011Test, IdentificationAndResetValues) {
    std::uint32_t periph = 0, cell = 0;
    for (unsigned i = 0; i < 4; ++i) {
        periph |= reg(0xfe0 + 4 * i) << (8 * i);
        cell |= reg(0xff0 + 4 * i) << (8 * i);
    }
    EXPECT_EQ(periph, 0x00041011u);
    EXPECT_EQ(cell, 0xb105f00du);
    EXPECT_EQ(reg(FR), RXFE | TXFE);
    EXPECT_EQ(reg(CR), 0x300u);
    EXPECT_EQ(reg(IFLS), 0x12u);
    EXPECT_EQ(reg(RIS), 0u);
    EXPECT_EQ(uart->get_property("chardev"), "fake0");
}

TEST_F(Pl011Test, TransmitGoesToTheBackEnd) {
    reg(IBRD, 13);
    reg(FBRD, 1);
    reg(LCR_H, 0x70);  // 8 bits, FIFO
    reg(CR, 0x301);
    for (char c : std::string("hello\n")) reg(DR, static_cast<std::uint8_t>(c));
    EXPECT_EQ(chardev->output, "hello\n");
    EXPECT_EQ(reg(FR) & (TXFF | BUSY | TXFE), TXFE);  // transmission is instantaneous
    write(kBase + DR, '!', 1);  // byte and halfword accesses work too
    write(kBase + DR, '?', 2);
    EXPECT_EQ(chardev->output, "hello\n!?");
    EXPECT_EQ(reg(IBRD), 13u);
    EXPECT_EQ(reg(FBRD), 1u);
    EXPECT_EQ(read(kBase + LCR_H, 2), 0x70u);
}

TEST_F(Pl011Test, TransmitInterrupt) {
    reg(IMSC, TXI);
    EXPECT_FALSE(irq.level());  // TXIS rises on the transition only, not at reset
    reg(DR, 'a');
    EXPECT_EQ(reg(RIS) & TXI, TXI);
    EXPECT_EQ(reg(MIS), TXI);
    EXPECT_TRUE(irq.level());
    reg(ICR, TXI);
    EXPECT_FALSE(irq.level());
    reg(DR, 'b');  // each write asserts it again (the FIFO drained at once)
    EXPECT_TRUE(irq.level());
    reg(IMSC, 0);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(RIS) & TXI, TXI);
    EXPECT_EQ(reg(MIS), 0u);
}

TEST_F(Pl011Test, ReceiveFifoWithBackPressure) {
    reg(LCR_H, FEN);
    chardev->send("abcdefghijklmnopqrstuvwxyz");
    EXPECT_EQ(chardev->pending.size(), 26u - 16u);  // the FIFO takes 16
    EXPECT_EQ(reg(FR) & (RXFF | RXFE), RXFF);
    EXPECT_EQ(reg(DR), static_cast<std::uint32_t>('a'));
    EXPECT_GE(chardev->accepts, 1);  // room again: the back end was told
    EXPECT_EQ(chardev->pending.size(), 26u - 17u);
    EXPECT_EQ(reg(FR) & RXFF, RXFF);
    EXPECT_EQ(drain(), "bcdefghijklmnopqrstuvwxyz");
    EXPECT_TRUE(chardev->pending.empty());
    EXPECT_EQ(reg(FR) & (RXFF | RXFE), RXFE);
    EXPECT_EQ(reg(RSR), 0u);
}

TEST_F(Pl011Test, WithoutFifoOneCharacterAtATime) {
    reg(LCR_H, 0x60);  // 8 bits, no FIFO
    chardev->send("xyz");
    EXPECT_EQ(chardev->pending.size(), 2u);
    EXPECT_EQ(reg(FR) & (RXFF | RXFE), RXFF);
    EXPECT_EQ(reg(DR), static_cast<std::uint32_t>('x'));
    EXPECT_EQ(reg(DR), static_cast<std::uint32_t>('y'));
    EXPECT_EQ(reg(DR), static_cast<std::uint32_t>('z'));
    EXPECT_EQ(reg(FR) & RXFE, RXFE);
    // Turning the FIFO on offers the new room at once.
    chardev->send("0123456789");
    EXPECT_EQ(chardev->pending.size(), 9u);
    reg(LCR_H, 0x60 | FEN);
    EXPECT_TRUE(chardev->pending.empty());
    EXPECT_EQ(drain(), "0123456789");
}

TEST_F(Pl011Test, ReceiveInterruptsFollowTriggerLevelAndTimeout) {
    reg(LCR_H, 0x60 | FEN);
    reg(IFLS, 2u << 3);  // RX trigger at 1/2: 8 characters
    reg(IMSC, RXI | RTI);
    chardev->send("1");
    EXPECT_EQ(reg(RIS) & (RXI | RTI), RTI);  // below the trigger: the timeout reports it
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(drain(), "1");
    EXPECT_EQ(reg(RIS) & (RXI | RTI), 0u);
    EXPECT_FALSE(irq.level());

    chardev->send("1234567");
    EXPECT_EQ(reg(RIS) & RXI, 0u);
    chardev->send("8");
    EXPECT_EQ(reg(RIS) & RXI, RXI);  // reached the trigger level
    EXPECT_EQ(reg(DR), static_cast<std::uint32_t>('1'));
    EXPECT_EQ(reg(RIS) & (RXI | RTI), RTI);  // below the level again; data still waiting
    EXPECT_TRUE(irq.level());
    reg(ICR, RTI);
    EXPECT_FALSE(irq.level());
    reg(IMSC, 0);
    chardev->send("9");
    EXPECT_EQ(reg(RIS) & RTI, RTI);
    EXPECT_FALSE(irq.level());  // masked
    reg(IMSC, RTI);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(drain(), "2345678" "9");
    EXPECT_FALSE(irq.level());

    // 1/8 of the FIFO: 2 characters.
    reg(IFLS, 0);
    reg(IMSC, RXI);
    chardev->send("a");
    EXPECT_FALSE(irq.level());
    chardev->send("b");
    EXPECT_TRUE(irq.level());
    reg(DR);
    EXPECT_FALSE(irq.level());
    reg(DR);

    // Without the FIFO the receive interrupt fires on every character.
    reg(LCR_H, 0x60);
    chardev->send("c");
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(DR), static_cast<std::uint32_t>('c'));
    EXPECT_FALSE(irq.level());
}

TEST_F(Pl011Test, LoopbackFeedsTheReceiver) {
    reg(LCR_H, 0x60 | FEN);
    reg(CR, 0x381);  // UARTEN | LBE | TXE | RXE
    reg(DR, 'L');
    EXPECT_EQ(chardev->output, "");
    EXPECT_EQ(drain(), "L");
}

TEST_F(Pl011Test, ResetEmptiesTheFifo) {
    reg(LCR_H, 0x60 | FEN);
    reg(IMSC, RTI);
    chardev->send("abc");
    EXPECT_TRUE(irq.level());
    uart->reset();
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(FR), RXFE | TXFE);
    EXPECT_EQ(reg(LCR_H), 0u);
}

class Pl011NoChardevTest : public emu_test::DeviceBench {};

TEST_F(Pl011NoChardevTest, OutputIsDiscarded) {
    auto& uart = create("pl011", "uart");
    uart.realize();
    map(kBase, uart.mmio(0));
    write(kBase + DR, 'x');
    EXPECT_EQ(read(kBase + FR) & TXFE, TXFE);
    EXPECT_EQ(uart.get_property("chardev"), "");
}

TEST_F(Pl011NoChardevTest, UnknownChardevIsAnError) {
    auto& uart = create("pl011", "uart");
    EXPECT_THROW(uart.set_property("chardev", "nope"), emu::Error);
}

}  // namespace
