// isa-serial, the 16550A UART: transmit, receive FIFO with back-pressure, divisor latch,
// interrupt identification and priorities, character timeout, loopback, the interrupt line,
// the COM-port properties and plugging in as -device does.
#include "isa_harness.h"

#include "emu/error.h"

namespace {

using isa_test::FakeChardev;
using isa_test::IrqRecorder;
using isa_test::kMicrosecond;
using isa_test::kMillisecond;

constexpr emu::Addr kCom1 = 0x3f8;
constexpr emu::Addr RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
                    MSR = 6, SCR = 7;
constexpr std::uint8_t LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
constexpr std::uint8_t IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
constexpr std::uint8_t IIR_NONE = 0x01, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06,
                       IIR_CTI = 0x0c, IIR_FIFO = 0xc0;
constexpr std::uint8_t MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;

class SerialTest : public isa_test::IsaBench {
protected:
    void SetUp() override {
        chardev = &create_fake_chardev("serial0");
        uart = &create("isa-serial", "serial0");
        uart->set_property("chardev", "serial0");
        uart->realize();
        map(kCom1, uart->mmio(0));
        uart->connect_gpio_out("", 0, irq.line());
    }
    std::uint8_t reg(emu::Addr r) { return inb(kCom1 + r); }
    void reg(emu::Addr r, std::uint8_t value) { outb(kCom1 + r, value); }
    std::string drain() {
        std::string text;
        while (reg(LSR) & LSR_DR) text += static_cast<char>(reg(RBR));
        return text;
    }

    FakeChardev* chardev = nullptr;
    emu::Device* uart = nullptr;
    IrqRecorder irq;
};

TEST_F(SerialTest, ResetValuesAndProperties) {
    EXPECT_EQ(reg(IER), 0x00);
    EXPECT_EQ(reg(IIR), IIR_NONE);
    EXPECT_EQ(reg(LCR), 0x00);
    EXPECT_EQ(reg(MCR), 0x00);
    EXPECT_EQ(reg(LSR), LSR_THRE | LSR_TEMT);
    EXPECT_EQ(reg(MSR), 0xb0);  // DCD, DSR, CTS asserted
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(uart->get_property("iobase"), "0x3f8");
    EXPECT_EQ(uart->get_property("irq"), "4");
    EXPECT_EQ(uart->get_property("index"), "0");
    EXPECT_EQ(uart->get_property("chardev"), "serial0");
    EXPECT_EQ(uart->mmio(0).size(), 8u);
    reg(SCR, 0x5a);
    EXPECT_EQ(reg(SCR), 0x5a);
}

TEST_F(SerialTest, TransmitGoesToTheBackEnd) {
    reg(LCR, 0x03);  // 8N1
    for (char c : std::string("hello\r\n")) reg(THR, static_cast<std::uint8_t>(c));
    EXPECT_EQ(chardev->output, "hello\r\n");
    EXPECT_EQ(reg(LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);  // transmission is instantaneous
    out(kCom1 + THR, 'x', 2);  // a 16-bit access is two byte accesses: THR then IER
    EXPECT_EQ(chardev->output, "hello\r\nx");
    EXPECT_EQ(reg(IER), 0);
}

TEST_F(SerialTest, DivisorLatch) {
    reg(LCR, 0x83);  // DLAB
    reg(DLL, 0x0c);  // 9600 baud
    reg(DLM, 0x01);
    EXPECT_EQ(reg(DLL), 0x0c);
    EXPECT_EQ(reg(DLM), 0x01);
    EXPECT_EQ(chardev->output, "");  // DLL is not THR
    EXPECT_EQ(reg(LCR), 0x83);
    reg(LCR, 0x03);
    EXPECT_EQ(reg(IER), 0x00);  // IER is not DLM
    reg(IER, IER_RDI);
    reg(THR, 'a');
    EXPECT_EQ(chardev->output, "a");
    reg(LCR, 0x83);
    EXPECT_EQ(reg(DLL), 0x0c);  // kept
    EXPECT_EQ(reg(DLM), 0x01);
    reg(LCR, 0x03);
    EXPECT_EQ(reg(IER), IER_RDI);
}

TEST_F(SerialTest, ReceiveFifoWithBackPressure) {
    reg(FCR, 0x07);  // enable and clear the FIFOs
    EXPECT_EQ(reg(IIR) & IIR_FIFO, IIR_FIFO);  // a 16550A: FIFOs work
    chardev->send("abcdefghijklmnopqrstuvwxyz");
    EXPECT_EQ(chardev->pending.size(), 26u - 16u);  // the FIFO takes 16
    EXPECT_EQ(reg(LSR) & (LSR_DR | LSR_OE), LSR_DR);
    const int accepts = chardev->accepts;
    EXPECT_EQ(reg(RBR), 'a');
    EXPECT_GT(chardev->accepts, accepts);  // room again: the back end was told
    EXPECT_EQ(chardev->pending.size(), 26u - 17u);
    EXPECT_EQ(drain(), "bcdefghijklmnopqrstuvwxyz");
    EXPECT_TRUE(chardev->pending.empty());
    EXPECT_EQ(reg(LSR) & (LSR_DR | LSR_OE), 0);
}

TEST_F(SerialTest, WithoutFifoOneCharacterAtATime) {
    chardev->send("xyz");
    EXPECT_EQ(chardev->pending.size(), 2u);
    EXPECT_EQ(reg(IIR) & IIR_FIFO, 0);
    EXPECT_EQ(drain(), "xyz");
    // Enabling the FIFOs offers the new room at once.
    chardev->send("0123456789");
    EXPECT_EQ(chardev->pending.size(), 9u);
    reg(FCR, 0x01);  // toggling FCR0 also clears the receiver: '0' is lost
    EXPECT_TRUE(chardev->pending.empty());
    EXPECT_EQ(drain(), "123456789");
    // Disabling them again: one character at a time.
    reg(FCR, 0x00);
    chardev->send("ab");
    EXPECT_EQ(chardev->pending.size(), 1u);
    EXPECT_EQ(drain(), "ab");
}

TEST_F(SerialTest, ClearingTheReceiveFifo) {
    reg(FCR, 0x01);
    chardev->send("abc");
    reg(FCR, 0x03);  // clear RX (FCR0 stays set)
    EXPECT_EQ(reg(LSR) & LSR_DR, 0);
    reg(FCR, 0x01);
    chardev->send("d");
    reg(FCR, 0x00);  // disabling them clears them too
    EXPECT_EQ(reg(LSR) & LSR_DR, 0);
}

TEST_F(SerialTest, ReceiveInterruptAtTheTriggerLevel) {
    reg(FCR, 0x81);  // FIFO, trigger at 8
    reg(IER, IER_RDI);
    chardev->send("1234567");
    EXPECT_EQ(reg(IIR), IIR_NONE | IIR_FIFO);
    EXPECT_FALSE(irq.level());
    chardev->send("8");
    EXPECT_EQ(reg(IIR), IIR_RDI | IIR_FIFO);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(RBR), '1');  // below the level again
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(drain(), "2345678");

    // Trigger levels 1, 4 and 14.
    reg(FCR, 0x01);
    chardev->send("a");
    EXPECT_TRUE(irq.level());
    drain();
    reg(FCR, 0x41);
    chardev->send("abc");
    EXPECT_FALSE(irq.level());
    chardev->send("d");
    EXPECT_TRUE(irq.level());
    drain();
    reg(FCR, 0xc1);
    chardev->send("abcdefghijklm");
    EXPECT_FALSE(irq.level());
    chardev->send("n");
    EXPECT_TRUE(irq.level());
    drain();
    EXPECT_FALSE(irq.level());

    // Without FIFOs every character interrupts.
    reg(FCR, 0x00);
    chardev->send("z");
    EXPECT_EQ(reg(IIR), IIR_RDI);
    EXPECT_EQ(reg(RBR), 'z');
    EXPECT_FALSE(irq.level());
}

TEST_F(SerialTest, CharacterTimeoutOnTheVirtualClock) {
    reg(LCR, 0x83);
    reg(DLL, 1);  // 115200 baud: 10 bits a character, 4 characters ~ 347 us
    reg(DLM, 0);
    reg(LCR, 0x03);
    reg(FCR, 0xc1);  // trigger at 14
    reg(IER, IER_RDI);
    chardev->send("ab");
    EXPECT_FALSE(irq.level());
    step(300 * kMicrosecond);
    EXPECT_FALSE(irq.level());
    chardev->send("c");  // activity restarts the timeout
    step(300 * kMicrosecond);
    EXPECT_FALSE(irq.level());
    step(100 * kMicrosecond);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(IIR), IIR_CTI | IIR_FIFO);
    EXPECT_EQ(reg(RBR), 'a');  // reading clears it, and restarts the timer while data remains
    EXPECT_FALSE(irq.level());
    step(kMillisecond);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(drain(), "bc");
    EXPECT_FALSE(irq.level());
    step(kMillisecond);
    EXPECT_FALSE(irq.level());  // nothing left: no timeout

    // At 9600 baud 7N2 (10 bits) the timeout is 12 times longer.
    reg(LCR, 0x83);
    reg(DLL, 12);
    reg(LCR, 0x06);
    chardev->send("x");
    step(4 * kMillisecond);
    EXPECT_FALSE(irq.level());
    step(300 * kMicrosecond);
    EXPECT_TRUE(irq.level());
    drain();
}

TEST_F(SerialTest, TransmitterEmptyInterrupt) {
    reg(IER, IER_THRI);  // enabling it with THR empty raises it
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(IIR), IIR_THRI);  // reading IIR acknowledges it...
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(IIR), IIR_NONE);
    const int rises = irq.rises();
    reg(THR, 'a');  // ...and each character written raises it again, as a new edge
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(irq.rises(), rises + 1);
    reg(THR, 'b');
    EXPECT_EQ(irq.rises(), rises + 2);
    reg(IER, 0);
    EXPECT_FALSE(irq.level());
    reg(IER, IER_THRI);
    EXPECT_TRUE(irq.level());
    reg(IER, 0);
    EXPECT_EQ(chardev->output, "ab");
}

TEST_F(SerialTest, InterruptPriorities) {
    reg(IER, IER_RDI | IER_THRI | IER_RLSI | IER_MSI);
    // Modem status: a change of the loopback inputs. THRE: pending since IER was written.
    reg(MCR, MCR_LOOP | MCR_RTS);  // loopback: DSR and DCD drop (CTS follows RTS), two deltas
    // Received data and an overrun: without FIFOs, two characters overrun the holding register.
    reg(THR, 'p');
    reg(THR, 'q');
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(reg(IIR), IIR_RLSI);  // line status first
    EXPECT_EQ(reg(LSR) & (LSR_OE | LSR_DR), LSR_OE | LSR_DR);  // reading LSR clears OE
    EXPECT_EQ(reg(LSR) & LSR_OE, 0);
    EXPECT_EQ(reg(IIR), IIR_RDI);  // then received data
    EXPECT_EQ(reg(RBR), 'q');      // the holding register was overwritten
    EXPECT_EQ(reg(IIR), IIR_THRI);  // then THRE (this read acknowledges it)
    EXPECT_EQ(reg(IIR), IIR_MSI);   // then modem status
    EXPECT_TRUE(irq.level());
    EXPECT_NE(reg(MSR) & 0x0f, 0);  // reading MSR clears the deltas
    EXPECT_EQ(reg(IIR), IIR_NONE);
    EXPECT_FALSE(irq.level());

    // Disabled sources do not interrupt; the status is still there.
    reg(IER, 0);
    reg(THR, 'r');
    EXPECT_EQ(reg(IIR), IIR_NONE);
    EXPECT_EQ(reg(LSR) & LSR_DR, LSR_DR);
    EXPECT_EQ(reg(RBR), 'r');
}

TEST_F(SerialTest, LoopbackAndModemLines) {
    reg(FCR, 0x01);
    reg(MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);  // Linux's probe expects DCD and CTS exactly
    EXPECT_EQ(reg(MSR) & 0xf0, 0x90);
    reg(MCR, MCR_LOOP | MCR_DTR | MCR_OUT1);
    EXPECT_EQ(reg(MSR), 0x60 | 0x0b);  // DSR, RI; deltas: CTS, DSR, DCD
    reg(MCR, MCR_LOOP);
    EXPECT_EQ(reg(MSR), 0x02 | 0x04);  // DSR fell, RI trailing edge
    EXPECT_EQ(reg(MCR), MCR_LOOP);

    for (char c : std::string("loop")) reg(THR, static_cast<std::uint8_t>(c));
    EXPECT_EQ(chardev->output, "");  // nothing reaches the line
    // The back end's input waits while the receiver listens to the transmitter.
    chardev->send("in");
    EXPECT_EQ(chardev->pending.size(), 2u);
    EXPECT_EQ(drain(), "loop");
    reg(MCR, 0);
    EXPECT_TRUE(chardev->pending.empty());
    EXPECT_EQ(drain(), "in");
    EXPECT_EQ(reg(MSR) & 0xf0, 0xb0);
}

TEST_F(SerialTest, LoopbackOverrunsAFullFifo) {
    reg(FCR, 0x01);
    reg(MCR, MCR_LOOP);
    for (int i = 0; i < 17; ++i) reg(THR, static_cast<std::uint8_t>('a' + i));
    EXPECT_EQ(reg(LSR) & (LSR_OE | LSR_DR), LSR_OE | LSR_DR);
    EXPECT_EQ(drain(), "abcdefghijklmnop");  // the 17th was lost
}

TEST_F(SerialTest, ResetReturnsToPowerOnState) {
    reg(FCR, 0x01);
    reg(IER, IER_RDI);
    reg(LCR, 0x1b);
    reg(MCR, MCR_LOOP);
    chardev->send("zz");
    reg(THR, 'a');
    EXPECT_TRUE(irq.level());
    uart->reset();
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(LCR), 0);
    EXPECT_EQ(reg(MCR), 0);
    EXPECT_EQ(reg(IIR), IIR_NONE);
    EXPECT_EQ(drain(), "zz");  // out of loopback: the back end offers its input again
}

class SerialPropertiesTest : public isa_test::IsaBench {};

TEST_F(SerialPropertiesTest, IndexPicksTheStandardPort) {
    const char* bases[] = {"0x3f8", "0x2f8", "0x3e8", "0x2e8"};
    const char* irqs[] = {"4", "3", "4", "3"};
    for (int i = 0; i < 4; ++i) {
        auto& uart = create("isa-serial", "com" + std::to_string(i));
        uart.set_property("index", std::to_string(i));
        uart.realize();
        EXPECT_EQ(uart.get_property("iobase"), bases[i]);
        EXPECT_EQ(uart.get_property("irq"), irqs[i]);
    }
    auto& custom = create("isa-serial", "custom");
    custom.set_property("index", "1");
    custom.set_property("iobase", "0x3e0");
    custom.realize();
    EXPECT_EQ(custom.get_property("iobase"), "0x3e0");
    EXPECT_EQ(custom.get_property("irq"), "3");  // not given: that of index 1
    auto& irq5 = create("isa-serial", "irq5");
    irq5.set_property("irq", "5");
    irq5.realize();
    EXPECT_EQ(irq5.get_property("iobase"), "0x3f8");
    EXPECT_EQ(irq5.get_property("irq"), "5");

    auto& bad = create("isa-serial", "bad");
    EXPECT_THROW(bad.set_property("index", "4"), emu::Error);
    EXPECT_THROW(bad.set_property("irq", "16"), emu::Error);
    EXPECT_THROW(bad.set_property("chardev", "nope"), emu::Error);
}

TEST_F(SerialPropertiesTest, TypeIsUserCreatableCharDevice) {
    const emu::Type& type = registry.get("isa-serial");
    EXPECT_TRUE(type.user_creatable());
    EXPECT_EQ(type.category(), emu::Category::Char);
    EXPECT_EQ(type.object_class().bus(), "isa");
}

TEST_F(SerialPropertiesTest, NoChardevDiscardsOutput) {
    auto& uart = create("isa-serial", "uart");
    uart.realize();
    map(kCom1, uart.mmio(0));
    outb(kCom1 + THR, 'x');
    EXPECT_EQ(inb(kCom1 + LSR) & LSR_THRE, LSR_THRE);
    EXPECT_EQ(uart.get_property("chardev"), "");
}

TEST_F(SerialPropertiesTest, DeviceOptionPlugsIntoTheIsaBus) {
    auto& bus = create_isa_bus();
    auto& first = create_user("isa-serial", "s0");
    first.realize();
    auto& second = create_user("isa-serial", "s1");
    second.realize();
    EXPECT_EQ(first.get_property("iobase"), "0x3f8");
    EXPECT_EQ(second.get_property("iobase"), "0x2f8");  // the first free COM port
    EXPECT_EQ(second.get_property("irq"), "3");

    emu::AddressSpace io_space("isa-io", *bus.io);
    std::uint64_t value = 0;
    ASSERT_EQ(io_space.write_value(0x2f8 + IER, 1, IER_THRI), emu::MemResult::Ok);
    EXPECT_TRUE(bus.irqs[3]);  // the interrupt reaches ISA IRQ 3
    ASSERT_EQ(io_space.read_value(0x2f8 + IIR, 1, value), emu::MemResult::Ok);
    EXPECT_EQ(value, IIR_THRI);
    EXPECT_FALSE(bus.irqs[3]);

    auto& clash = create_user("isa-serial", "s2");
    clash.set_property("index", "1");
    EXPECT_THROW(clash.realize(), emu::Error);  // 0x2f8 is taken
    auto& third = create_user("isa-serial", "s3");
    third.set_property("iobase", "0x3e8");
    third.set_property("irq", "7");
    third.realize();
    ASSERT_EQ(io_space.write_value(0x3e8 + IER, 1, IER_THRI), emu::MemResult::Ok);
    EXPECT_TRUE(bus.irqs[7]);

    second.unrealize();  // unplugging frees the ports
    EXPECT_EQ(io_space.read_value(0x2f8 + LSR, 1, value), emu::MemResult::Unassigned);
}

TEST_F(SerialPropertiesTest, DeviceOptionNeedsAnIsaBus) {
    auto& uart = create_user("isa-serial", "s0");
    try {
        uart.realize();
        FAIL() << "realized without an ISA bus";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "this machine has no ISA bus");
    }
    EXPECT_FALSE(uart.realized());
}

}  // namespace
