// ne2k_pci behind the gpex host bridge (mapped as on virt): the RTL8029's identity, BAR0 of 256
// I/O ports, the chip through it, INTA, the iPXE expansion ROM by default, and a board without
// PCI refused.
#include "ne2k_bench.h"

#include "emu/error.h"
#include "emu/pci_regs.h"

namespace {

using namespace ne2k_test;
namespace pci = emu::pci;

constexpr Addr kEcamBase = 0x3f000000;
constexpr Addr kPioBase = 0x3eff0000;
constexpr Addr kBarPort = 0x1000;
constexpr const char* kIpxeRom = "/usr/lib/ipxe/qemu/efi-ne2k_pci.rom";

class Ne2kPciTest : public Ne2kBench {
protected:
    void add_host() {
        host = &machine->add_child("pcie", as<emu::Device>(registry.create("gpex-pcihost")));
        host->realize();
        machine->system().add_subregion(kEcamBase, host->mmio(0));
        machine->system().add_subregion(kPioBase, host->mmio(2));
        for (unsigned i = 0; i < 4; ++i) host->connect_gpio_out("", i, intx[i].line());
        ports = machine->system_memory();
    }
    void TearDown() override {
        emu::unrealize_tree(*root);
        ports = space.get();
    }
    static Addr ecam(unsigned slot, unsigned offset) { return kEcamBase + (Addr{slot} << 15 | offset); }
    std::uint32_t cfg_read(unsigned slot, unsigned offset, unsigned size = 4) {
        std::uint64_t value = 0;
        machine->system_memory()->read_value(ecam(slot, offset), size, value);
        return static_cast<std::uint32_t>(value);
    }
    void cfg_write(unsigned slot, unsigned offset, std::uint32_t value, unsigned size = 4) {
        machine->system_memory()->write_value(ecam(slot, offset), size, value);
    }
    // The card at slot, with BAR0 at kBarPort and I/O decoding on; the helpers then talk to it.
    emu::Device& add_card(unsigned slot, const std::vector<std::pair<std::string, std::string>>& props) {
        auto all = props;
        all.emplace_back("addr", std::to_string(slot) + ".0");
        emu::Device& card = create_user("ne2k_pci", "net0", all);
        card.realize();
        cfg_write(slot, pci::kBar0, kBarPort);
        cfg_write(slot, pci::kCommand, pci::kCommandIo, 2);
        base = kPioBase + kBarPort;
        return card;
    }

    emu::Device* host = nullptr;
    IrqRecorder intx[4];
};

TEST_F(Ne2kPciTest, IdentityOfAnRtl8029) {
    add_host();
    add_card(3, {});
    EXPECT_EQ(cfg_read(3, pci::kVendorId, 2), 0x10ecu);
    EXPECT_EQ(cfg_read(3, pci::kVendorId + 2, 2), 0x8029u);
    EXPECT_EQ(cfg_read(3, 0x08) >> 8, 0x020000u);  // Ethernet controller
    EXPECT_EQ(cfg_read(3, pci::kInterruptPin, 1), 1u);  // INTA
    // BAR0: 256 bytes of I/O.
    cfg_write(3, pci::kBar0, 0xffffffff);
    EXPECT_EQ(cfg_read(3, pci::kBar0), 0xffffff01u);
    for (unsigned bar = 1; bar < 6; ++bar) EXPECT_EQ(cfg_read(3, pci::kBar0 + 4 * bar), 0u) << bar;
}

TEST_F(Ne2kPciTest, TheChipThroughBar0) {
    add_host();
    add_card(2, {{"mac", "52:54:00:ab:cd:ef"}});
    EXPECT_EQ(reg(CR), CR_NODMA | CR_STP);
    EXPECT_EQ(reg(0x0a), 0x50);  // 'P'
    EXPECT_EQ(reg(0x0b), 0x43);  // 'C'
    EXPECT_EQ(reg_page(3, 0x0e), 0x29);  // RTL8029AS ID
    EXPECT_EQ(reg_page(3, 0x0f), 0x80);
    reg(DCR, DCR_WORD);
    EXPECT_EQ(dma_read(0, 8, 4), (Bytes{kMac[0], kMac[0], kMac[1], kMac[1], kMac[2], kMac[2], kMac[3], kMac[3]}));
    EXPECT_EQ(in(base + 0x20, 4), 0xffffffffu);  // the rest of the BAR
    EXPECT_EQ(in(base + 0xff, 1), 0xffu);
}

TEST_F(Ne2kPciTest, InterruptOnIntaAndTraffic) {
    add_host();
    netdev = &add_netdev("n0");
    add_card(2, {{"mac", "52:54:00:ab:cd:ef"}, {"netdev", "n0"}});
    const unsigned line = (2 + 0) % 4;  // slot 2, INTA
    init_chip();
    const Bytes frame = make_frame(kMac, 700, 4);
    netdev->send(frame);
    EXPECT_TRUE(intx[line].level());
    EXPECT_TRUE(cfg_read(2, pci::kStatus, 2) & pci::kStatusInterrupt);
    EXPECT_EQ(take_frame(4), frame);
    reg(ISR, ISR_PRX);
    EXPECT_FALSE(intx[line].level());
    transmit(make_frame(kOther, 100));
    EXPECT_TRUE(intx[line].level());
    ASSERT_EQ(netdev->frames.size(), 1u);
    cfg_write(2, pci::kCommand, pci::kCommandIo | pci::kCommandIntxDisable, 2);
    EXPECT_FALSE(intx[line].level());
}

TEST_F(Ne2kPciTest, RomfileDefaultsToDebiansIpxeRom) {
    add_host();
    emu::Device& card = create_user("ne2k_pci", "net0", {{"addr", "1.0"}});
    std::error_code error;
    if (std::filesystem::is_regular_file(kIpxeRom, error)) {
        EXPECT_EQ(card.get_property("romfile"), kIpxeRom);
        card.realize();
        cfg_write(1, pci::kRomAddress, 0xfffff800);
        EXPECT_NE(cfg_read(1, pci::kRomAddress), 0u);  // a ROM BAR is there
    } else {
        EXPECT_EQ(card.get_property("romfile"), "");
    }
    emu::Device& bare = create_user("ne2k_pci", "net1", {{"romfile", ""}, {"addr", "2.0"}});
    bare.realize();
    cfg_write(2, pci::kRomAddress, 0xfffff800);
    EXPECT_EQ(cfg_read(2, pci::kRomAddress), 0u);
}

TEST_F(Ne2kPciTest, RefusesABoardWithoutPci) {
    emu::Device& card = create_user("ne2k_pci", "net0");
    try {
        card.realize();
        FAIL() << "realized without a PCI bus";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "this machine has no PCI bus");
    }
}

TEST_F(Ne2kPciTest, BoardResetStopsTheChip) {
    add_host();
    emu::Device& card = add_card(2, {});
    init_chip();
    reg(IMR, ISR_RDC);
    remote_setup(0x4000, 0, CR_RREAD);
    EXPECT_TRUE(intx[2].level());
    emu::reset_tree(*machine);
    EXPECT_FALSE(intx[2].level());
    EXPECT_EQ(cfg_read(2, pci::kCommand, 2), 0u);  // the BAR is off until the guest sets it up again
    cfg_write(2, pci::kBar0, kBarPort);
    cfg_write(2, pci::kCommand, pci::kCommandIo, 2);
    EXPECT_EQ(reg(CR), CR_NODMA | CR_STP);
    (void)card;
}

}  // namespace
