// The PL061 GPIO: address-masked data, direction, output lines, edge/level/both-edge
// interrupts, masked status and clearing.
#include <filesystem>

#include "device_harness.h"
#include "emu/error.h"

namespace {

using emu_test::IrqRecorder;

constexpr emu::Addr kBase = 0x09030000;
constexpr emu::Addr DIR = 0x400, IS = 0x404, IBE = 0x408, IEV = 0x40c, IE = 0x410, RIS = 0x414, MIS = 0x418,
                    IC = 0x41c, AFSEL = 0x420;

// GPIODATA offset that selects the pins in mask.
constexpr emu::Addr data(unsigned mask) { return emu::Addr(mask) << 2; }

class Pl061Test : public emu_test::DeviceBench {
protected:
    void SetUp() override {
        const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / "pl061.so");
        ASSERT_TRUE(record.loaded) << record.error;
        gpio = &create("pl061", "gpio");
        for (unsigned n = 0; n < 8; ++n) gpio->connect_gpio_out("", n, out[n].line());
        gpio->connect_gpio_out("irq", 0, irq.line());
        gpio->realize();
        map(kBase, gpio->mmio(0));
    }
    std::uint32_t reg(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void reg(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }
    void pin(unsigned n, bool level) { gpio->gpio_in("", n).set(level); }

    emu::Device* gpio = nullptr;
    IrqRecorder out[8];
    IrqRecorder irq;
};

TEST_F(Pl061Test, IdentificationRegisters) {
    std::uint32_t periph = 0, cell = 0;
    for (unsigned i = 0; i < 4; ++i) {
        periph |= reg(0xfe0 + 4 * i) << (8 * i);
        cell |= reg(0xff0 + 4 * i) << (8 * i);
    }
    EXPECT_EQ(periph, 0x00041061u);
    EXPECT_EQ(cell, 0xb105f00du);
    EXPECT_EQ(read(kBase + 0xfe0, 1), 0x61u);  // Linux's AMBA bus reads the IDs
}

TEST_F(Pl061Test, ResetState) {
    for (emu::Addr off : {DIR, IS, IBE, IEV, IE, RIS, MIS, AFSEL}) EXPECT_EQ(reg(off), 0u) << std::hex << off;
    EXPECT_EQ(reg(data(0xff)), 0u);
    for (auto& line : out) EXPECT_FALSE(line.level());
    EXPECT_FALSE(irq.level());
}

TEST_F(Pl061Test, RegistersHoldEightBits) {
    for (emu::Addr off : {DIR, IS, IBE, IEV, IE, AFSEL}) {
        reg(off, 0xffffffa5);
        EXPECT_EQ(reg(off), 0xa5u) << std::hex << off;
    }
}

TEST_F(Pl061Test, DataReadsAreAddressMasked) {
    pin(0, true);
    pin(3, true);
    pin(7, true);
    EXPECT_EQ(reg(data(0xff)), 0x89u);
    EXPECT_EQ(reg(data(0x08)), 0x08u);  // only pin 3 selected
    EXPECT_EQ(reg(data(0x06)), 0x00u);
    EXPECT_EQ(reg(data(0x81)), 0x81u);
    EXPECT_EQ(reg(data(0x00)), 0x00u);  // offset 0 selects nothing
    EXPECT_EQ(read(kBase + data(0x08), 1), 0x08u);  // Linux: readb(base + (BIT(n) << 2))
    pin(3, false);
    EXPECT_EQ(reg(data(0xff)), 0x81u);
}

TEST_F(Pl061Test, DataWritesAreMaskedByAddressAndDirection) {
    reg(DIR, 0x0f);  // pins 0-3 outputs
    reg(data(0xff), 0xff);
    EXPECT_EQ(reg(data(0xff)), 0x0fu);  // inputs 4-7 read their (low) pins
    for (unsigned n = 0; n < 8; ++n) EXPECT_EQ(out[n].level(), n < 4) << n;
    reg(data(0x02), 0x00);  // clears pin 1 only
    EXPECT_EQ(reg(data(0xff)), 0x0du);
    EXPECT_FALSE(out[1].level());
    EXPECT_TRUE(out[0].level());
    reg(data(0x0c), 0x00);  // clears pins 2 and 3
    EXPECT_EQ(reg(data(0xff)), 0x01u);
    reg(data(0x00), 0xff);  // selects nothing
    EXPECT_EQ(reg(data(0xff)), 0x01u);
    write(kBase + data(0x04), 0x04, 1);  // Linux: writeb(value, base + (BIT(n) << 2))
    EXPECT_EQ(reg(data(0xff)), 0x05u);
    EXPECT_TRUE(out[2].level());
}

TEST_F(Pl061Test, DirectionSelectsLatchOrPin) {
    reg(DIR, 0x01);
    reg(data(0x01), 0x01);
    EXPECT_TRUE(out[0].level());
    pin(0, false);  // an output ignores its input
    EXPECT_EQ(reg(data(0x01)), 0x01u);
    reg(DIR, 0x00);  // back to input: shows the pin, the line is no longer driven
    EXPECT_EQ(reg(data(0x01)), 0x00u);
    EXPECT_FALSE(out[0].level());
    pin(0, true);
    EXPECT_EQ(reg(data(0x01)), 0x01u);
    reg(DIR, 0x01);  // the latch kept its value
    EXPECT_TRUE(out[0].level());
    EXPECT_EQ(out[0].rises(), 2);
}

TEST_F(Pl061Test, RisingEdgeInterrupt) {
    reg(IEV, 0x08);  // pin 3: rising edge
    reg(IE, 0x08);
    pin(3, true);
    EXPECT_EQ(reg(RIS), 0x08u);
    EXPECT_EQ(reg(MIS), 0x08u);
    EXPECT_TRUE(irq.level());
    pin(3, false);  // latched: the falling edge neither clears nor sets it
    EXPECT_EQ(reg(RIS), 0x08u);
    reg(IC, 0x08);
    EXPECT_EQ(reg(RIS), 0u);
    EXPECT_FALSE(irq.level());
    pin(3, false);  // no change, no edge
    EXPECT_EQ(reg(RIS), 0u);
}

TEST_F(Pl061Test, FallingEdgeInterrupt) {
    pin(2, true);
    reg(IE, 0x04);  // IEV=0: falling edge
    EXPECT_EQ(reg(RIS), 0u);
    pin(2, false);
    EXPECT_EQ(reg(RIS), 0x04u);
    EXPECT_TRUE(irq.level());
    reg(IC, 0xff);
    EXPECT_FALSE(irq.level());
    pin(2, true);  // rising: not selected
    EXPECT_EQ(reg(RIS), 0u);
}

TEST_F(Pl061Test, BothEdgesInterrupt) {
    // What Linux's gpio-keys asks for the power button: IRQ_TYPE_EDGE_BOTH.
    reg(IBE, 0x08);
    reg(IE, 0x08);
    pin(3, true);
    EXPECT_EQ(reg(MIS), 0x08u);
    EXPECT_EQ(reg(data(0x08)), 0x08u);  // the handler reads the key state
    reg(IC, 0x08);
    EXPECT_FALSE(irq.level());
    pin(3, false);
    EXPECT_EQ(reg(MIS), 0x08u);
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(irq.rises(), 2);
}

TEST_F(Pl061Test, LevelInterruptFollowsThePin) {
    reg(IS, 0x10);  // pin 4: level, high (IEV=1)
    reg(IEV, 0x10);
    EXPECT_EQ(reg(RIS), 0u);
    reg(IE, 0x10);
    pin(4, true);
    EXPECT_EQ(reg(RIS), 0x10u);
    EXPECT_TRUE(irq.level());
    reg(IC, 0x10);  // no effect while the level persists
    EXPECT_EQ(reg(RIS), 0x10u);
    EXPECT_TRUE(irq.level());
    pin(4, false);
    EXPECT_EQ(reg(RIS), 0u);
    EXPECT_FALSE(irq.level());
    reg(IEV, 0x00);  // level low: asserted at once
    EXPECT_EQ(reg(RIS), 0x10u);
    EXPECT_TRUE(irq.level());
}

TEST_F(Pl061Test, MaskGatesTheLineNotTheRawStatus) {
    reg(IBE, 0xff);
    pin(5, true);
    EXPECT_EQ(reg(RIS), 0x20u);
    EXPECT_EQ(reg(MIS), 0u);
    EXPECT_FALSE(irq.level());
    reg(IE, 0x20);  // unmasking a pending interrupt raises the line
    EXPECT_EQ(reg(MIS), 0x20u);
    EXPECT_TRUE(irq.level());
    reg(IE, 0x00);
    EXPECT_FALSE(irq.level());
    EXPECT_EQ(reg(RIS), 0x20u);
}

TEST_F(Pl061Test, SeveralPinsCombine) {
    reg(IBE, 0xff);
    reg(IE, 0xff);
    pin(1, true);
    pin(6, true);
    EXPECT_EQ(reg(MIS), 0x42u);
    EXPECT_EQ(irq.rises(), 1);
    reg(IC, 0x02);
    EXPECT_EQ(reg(MIS), 0x40u);
    EXPECT_TRUE(irq.level());
    reg(IC, 0x40);
    EXPECT_FALSE(irq.level());
}

TEST_F(Pl061Test, OutputPinsMakeEdgesToo) {
    reg(IEV, 0x01);
    reg(IE, 0x01);
    reg(DIR, 0x01);
    reg(data(0x01), 0x01);  // the pad goes high
    EXPECT_EQ(reg(RIS), 0x01u);
}

TEST_F(Pl061Test, ReadOnlyAndWriteOnlyRegisters) {
    reg(IBE, 0x01);
    pin(0, true);
    reg(RIS, 0x00);
    reg(MIS, 0x00);
    EXPECT_EQ(reg(RIS), 0x01u);
    EXPECT_EQ(reg(IC), 0u);
    reg(0xfe0, 0);
    EXPECT_EQ(reg(0xfe0), 0x61u);
}

TEST_F(Pl061Test, ResetKeepsExternalLevelsWithoutSpuriousEdges) {
    reg(DIR, 0x01);
    reg(data(0x01), 0x01);
    reg(IBE, 0xff);
    reg(IE, 0xff);
    pin(3, true);
    EXPECT_TRUE(irq.level());
    gpio->reset();
    EXPECT_FALSE(irq.level());
    EXPECT_FALSE(out[0].level());
    EXPECT_EQ(reg(DIR), 0u);
    EXPECT_EQ(reg(RIS), 0u);
    EXPECT_EQ(reg(data(0xff)), 0x08u);  // the button is still held
    reg(IBE, 0xff);
    reg(IE, 0xff);
    EXPECT_EQ(reg(RIS), 0u);
    pin(3, false);
    EXPECT_EQ(reg(RIS), 0x08u);
}

TEST_F(Pl061Test, PowerButtonPressAndRelease) {
    // The virt board's power button on input 3, as Linux's gpio-pl061 + gpio-keys set it up.
    reg(IBE, 0x08);
    reg(IE, 0x08);
    pin(3, true);  // press
    ASSERT_TRUE(irq.level());
    EXPECT_EQ(reg(MIS), 0x08u);
    reg(IC, 0x08);
    EXPECT_EQ(read(kBase + data(0x08), 1), 0x08u);  // gpio-keys: pressed
    pin(3, false);  // release
    ASSERT_TRUE(irq.level());
    reg(IC, 0x08);
    EXPECT_EQ(read(kBase + data(0x08), 1), 0x00u);
    EXPECT_FALSE(irq.level());
}

TEST_F(Pl061Test, UnknownLinesAreRefused) {
    EXPECT_THROW(gpio->gpio_in("", 8), emu::Error);
    EXPECT_THROW(gpio->connect_gpio_out("irq", 1, irq.line()), emu::Error);
}

}  // namespace
