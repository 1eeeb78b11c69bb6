// ne2k_isa on a test ISA bus, as -device creates it: mapped at iobase (0x300) with its interrupt
// on ISA IRQ irq (9); probed, reset, read and driven the way Linux's ne driver does; a wrong bus
// or taken ports are clear errors.
#include "ne2k_bench.h"

#include "emu/error.h"
#include "emu/isa.h"

namespace {

using namespace ne2k_test;

class Ne2kIsaTest : public Ne2kBench {
protected:
    FakeIsaBus& add_isa_bus() {
        bus = &machine->add_child("isa", as<FakeIsaBus>(registry.create("test-isa-bus")));
        bus->realize();
        bus_space = std::make_unique<emu::AddressSpace>("isa-io", *bus->io);
        ports = bus_space.get();
        return *bus;
    }
    void TearDown() override {
        emu::unrealize_tree(*root);
        ports = space.get();
        bus_space.reset();
    }
    std::string realize_error(emu::Device& device) {
        try {
            device.realize();
        } catch (const emu::Error& e) {
            return e.what();
        }
        return "(realized)";
    }

    // The name of the region at this port of the bus, or "".
    std::string port_user(Addr port) const {
        const emu::MemoryRegion* user = emu::isa_port_user(*bus->io, port, 1);
        return user ? user->name() : std::string();
    }

    FakeIsaBus* bus = nullptr;
    std::unique_ptr<emu::AddressSpace> bus_space;
};

TEST_F(Ne2kIsaTest, PlugsInAt0x300AndIrq9) {
    add_isa_bus();
    add_netdev("n0");
    emu::Device& card = create_user("ne2k_isa", "net0", {{"netdev", "n0"}, {"mac", "52:54:00:ab:cd:ef"}});
    card.realize();
    EXPECT_EQ(card.get_property("iobase"), "0x300");
    EXPECT_EQ(card.get_property("irq"), "9");
    EXPECT_EQ(card.get_property("netdev"), "n0");
    EXPECT_EQ(port_user(0x300), "ne2k_isa");
    EXPECT_EQ(port_user(0x31f), "ne2k_isa");
    EXPECT_EQ(port_user(0x320), "");
    base = 0x300;
    EXPECT_EQ(reg(CR), CR_NODMA | CR_STP);
    // An interrupt reaches IRQ 9.
    reg(IMR, ISR_RDC);
    remote_setup(0x4000, 0, CR_RREAD);
    EXPECT_TRUE(bus->irqs[9]);
    reg(ISR, ISR_RDC);
    EXPECT_FALSE(bus->irqs[9]);
}

TEST_F(Ne2kIsaTest, LinuxNeProbeResetPromTransmitReceive) {
    add_isa_bus();
    TestNetdev& wire = add_netdev("n0");
    netdev = &wire;
    create_user("ne2k_isa", "net0", {{"netdev", "n0"}, {"iobase", "0x320"}, {"irq", "5"}, {"mac", "52:54:00:ab:cd:ef"}})
        .realize();
    base = 0x320;

    // ne_probe1: something answers at the base...
    ASSERT_NE(reg(CR), 0xff);
    // ...and is an 8390: CNTR0 clears when read.
    reg(CR, CR_NODMA | CR_PAGE1 | CR_STP);
    const std::uint8_t regd = reg(0x0d);
    reg(0x0d, 0xff);
    reg(CR, CR_NODMA);
    reg(CNTR0);
    ASSERT_EQ(reg(CNTR0), 0);
    reg(CR, CR_NODMA | CR_PAGE1 | CR_STP);
    reg(0x0d, regd);
    reg(CR, CR_NODMA);
    // Reset, then wait for ISR.RST.
    out(base + RESET, in(base + RESET, 1), 1);
    ASSERT_TRUE(reg(ISR) & ISR_RST);
    reg(ISR, 0xff);
    // The PROM in byte mode: doubled bytes say "16-bit card", 'WW' says NE2000.
    for (auto [offset, value] : std::vector<std::pair<unsigned, std::uint8_t>>{
             {CR, CR_NODMA | CR_STP}, {DCR, DCR_BYTE}, {RBCR0, 0}, {RBCR1, 0}, {IMR, 0}, {ISR, 0xff},
             {RCR, RCR_MON}, {TCR, TCR_LOOPBACK}, {RBCR0, 32}, {RBCR1, 0}, {RSAR0, 0}, {RSAR1, 0},
             {CR, CR_RREAD | CR_STA}})
        reg(offset, value);
    std::uint8_t prom[32];
    bool word_card = true;
    for (unsigned i = 0; i < 32; i += 2) {
        prom[i] = static_cast<std::uint8_t>(in(base + DATA, 1));
        prom[i + 1] = static_cast<std::uint8_t>(in(base + DATA, 1));
        if (prom[i] != prom[i + 1]) word_card = false;
    }
    ASSERT_TRUE(word_card);
    for (unsigned i = 0; i < 16; ++i) prom[i] = prom[i + i];
    EXPECT_EQ(prom[14], 0x57);
    EXPECT_EQ(prom[15], 0x57);
    EXPECT_EQ(Bytes(prom, prom + 6), Bytes(kMac.begin(), kMac.end()));

    // NS8390_init with word transfers, then traffic both ways with the interrupt on IRQ 5.
    init_chip();
    transmit(make_frame(kOther, 60, 1));
    ASSERT_EQ(wire.frames.size(), 1u);
    EXPECT_TRUE(bus->irqs[5]);
    reg(ISR, ISR_PTX);
    EXPECT_FALSE(bus->irqs[5]);
    const Bytes frame = make_frame(kMac, 1000, 2);
    wire.send(frame);
    EXPECT_TRUE(bus->irqs[5]);
    EXPECT_EQ(take_frame(), frame);
    reg(ISR, ISR_PRX);
    EXPECT_FALSE(bus->irqs[5]);
}

TEST_F(Ne2kIsaTest, RefusesABoardWithoutIsa) {
    emu::Device& card = create_user("ne2k_isa", "net0");
    EXPECT_EQ(realize_error(card), "this machine has no ISA bus");
}

TEST_F(Ne2kIsaTest, RefusesTakenPorts) {
    add_isa_bus();
    create_user("ne2k_isa", "net0").realize();
    emu::Device& second = create_user("ne2k_isa", "net1", {{"iobase", "0x310"}});
    EXPECT_EQ(realize_error(second), "I/O ports 0x310-0x32f are already in use by 'ne2k_isa'");
    emu::Device& third = create_user("ne2k_isa", "net2", {{"iobase", "0x340"}, {"irq", "10"}});
    third.realize();
    EXPECT_EQ(third.get_property("iobase"), "0x340");
}

TEST_F(Ne2kIsaTest, PropertyRanges) {
    emu::Device& card = create_user("ne2k_isa", "net0");
    EXPECT_THROW(card.set_property("irq", "16"), emu::Error);
    EXPECT_THROW(card.set_property("iobase", "0xfff0"), emu::Error);
    EXPECT_THROW(card.set_property("mac", "52:54:00:zz"), emu::Error);
}

TEST_F(Ne2kIsaTest, UnrealizeUnmapsTheCard) {
    add_isa_bus();
    emu::Device& card = create_user("ne2k_isa", "net0");
    card.realize();
    card.unrealize();
    EXPECT_EQ(port_user(0x300), "");
}

}  // namespace
