// INTx: the swizzle to the host bridge's four lines, INTX_DISABLE and STATUS.INTERRUPT, shared
// lines. DMA: gated by bus mastering, refused as a whole outside guest RAM.
#include "pci_bench.h"

#include <cstring>

namespace {

using namespace pci_test;
namespace pci = emu::pci;

class PciIntxTest : public PciBench {
protected:
    void SetUp() override { add_host(); }

    TestPciDevice& add_with_pin(const std::string& name, const std::string& addr, std::uint8_t pin) {
        TestPciDevice& dev = create(name, {{"addr", addr}});
        dev.pin = pin;
        dev.realize();
        return dev;
    }
    std::vector<bool> lines() const {
        std::vector<bool> levels;
        for (const Line& l : intx) levels.push_back(*l.level);
        return levels;
    }
};

TEST_F(PciIntxTest, SwizzleToTheHostLines) {
    struct Case {
        const char* addr;
        std::uint8_t pin;  // 1 = INTA
        unsigned line;     // (slot + pin - 1) % 4
    };
    const Case cases[] = {{"01.0", 1, 1}, {"02.0", 2, 3}, {"03.0", 4, 2}, {"04.0", 1, 0}, {"07.0", 3, 1}};
    unsigned n = 0;
    for (const Case& c : cases) {
        TestPciDevice& dev = add_with_pin("d" + std::to_string(n++), c.addr, c.pin);
        EXPECT_EQ(cfg_read(pci::slot_of(dev.devfn()), pci::kInterruptPin, 1), c.pin);
        dev.set_irq_level(true);
        std::vector<bool> expected(4, false);
        expected[c.line] = true;
        EXPECT_EQ(lines(), expected) << c.addr << " pin " << unsigned{c.pin};
        dev.set_irq_level(false);
        EXPECT_EQ(lines(), std::vector<bool>(4, false));
    }
}

TEST_F(PciIntxTest, InterruptDisableAndStatus) {
    TestPciDevice& dev = add_with_pin("d0", "01.0", 1);  // INTA of slot 1: line 1
    dev.set_irq_level(true);
    EXPECT_TRUE(*intx[1].level);
    EXPECT_TRUE(cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt);

    cfg_write(1, pci::kCommand, pci::kCommandIntxDisable, 2);
    EXPECT_FALSE(*intx[1].level);
    EXPECT_TRUE(cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt);  // still requested

    cfg_write(1, pci::kCommand, 0, 2);
    EXPECT_TRUE(*intx[1].level);
    dev.set_irq_level(false);
    EXPECT_FALSE(*intx[1].level);
    EXPECT_FALSE(cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt);

    cfg_write(1, pci::kCommand, pci::kCommandIntxDisable, 2);
    dev.set_irq_level(true);  // raised while disabled: nothing on the line
    EXPECT_FALSE(*intx[1].level);
    EXPECT_TRUE(cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt);
}

TEST_F(PciIntxTest, SharedLineIsWiredOr) {
    TestPciDevice& a = add_with_pin("a", "01.0", 1);  // line 1
    TestPciDevice& b = add_with_pin("b", "05.0", 1);  // line (5 + 0) % 4 = 1
    a.set_irq_level(true);
    b.set_irq_level(true);
    a.set_irq_level(false);
    EXPECT_TRUE(*intx[1].level);
    a.set_irq_level(false);  // repeated level: no double count
    b.set_irq_level(false);
    EXPECT_FALSE(*intx[1].level);
}

TEST_F(PciIntxTest, ResetAndUnplugDeassert) {
    TestPciDevice& dev = add_with_pin("d0", "01.0", 1);
    dev.set_irq_level(true);
    EXPECT_TRUE(*intx[1].level);
    dev.reset();
    EXPECT_FALSE(*intx[1].level);
    EXPECT_FALSE(cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt);
    dev.set_irq_level(true);
    dev.unrealize();
    EXPECT_FALSE(*intx[1].level);
}

TEST_F(PciIntxTest, NoPinNoInterrupt) {
    TestPciDevice& dev = add_with_pin("d0", "01.0", 0);
    dev.set_irq_level(true);
    EXPECT_EQ(lines(), std::vector<bool>(4, false));
}

class PciDmaTest : public PciBench {
protected:
    void SetUp() override {
        add_host();
        dev = &add("d0");
    }
    void master(bool on) { cfg_write(1, pci::kCommand, on ? pci::kCommandMaster : 0, 2); }
    TestPciDevice* dev = nullptr;
};

TEST_F(PciDmaTest, BusMasterGatesDma) {
    const char text[] = "hello, guest";
    EXPECT_EQ(dev->pci_dma_write(kRamBase + 0x100, text, sizeof text), emu::PciDmaResult::MasterDisabled);
    EXPECT_EQ(machine->ram()[0x100], 0);
    char buffer[sizeof text] = "xxxxxxxxxxx";
    std::memcpy(machine->ram() + 0x200, text, sizeof text);
    EXPECT_EQ(dev->pci_dma_read(kRamBase + 0x200, buffer, sizeof buffer), emu::PciDmaResult::MasterDisabled);
    EXPECT_EQ(buffer[0], 0);  // a refused read gives zeros

    master(true);
    EXPECT_EQ(dev->pci_dma_write(kRamBase + 0x100, text, sizeof text), emu::PciDmaResult::Ok);
    EXPECT_EQ(std::memcmp(machine->ram() + 0x100, text, sizeof text), 0);
    EXPECT_EQ(dev->pci_dma_read(kRamBase + 0x200, buffer, sizeof buffer), emu::PciDmaResult::Ok);
    EXPECT_STREQ(buffer, text);
    EXPECT_EQ(dev->pci_dma_read(kRamBase, buffer, 0), emu::PciDmaResult::Ok);

    master(false);
    EXPECT_EQ(dev->pci_dma_write(kRamBase + 0x300, text, sizeof text), emu::PciDmaResult::MasterDisabled);
    EXPECT_EQ(machine->ram()[0x300], 0);
}

TEST_F(PciDmaTest, DmaOutsideRamIsRefused) {
    master(true);
    std::uint8_t data[16];
    std::memset(data, 0xab, sizeof data);
    // Not RAM: unassigned, a device's registers (the MSI doorbell), the ECAM window.
    EXPECT_EQ(dev->pci_dma_write(0x1000, data, sizeof data), emu::PciDmaResult::OutsideRam);
    EXPECT_EQ(dev->pci_dma_write(kDoorbell, data, sizeof data), emu::PciDmaResult::OutsideRam);
    EXPECT_TRUE(machine->doorbell_writes.empty());
    EXPECT_EQ(dev->pci_dma_write(kEcamBase + 0x8004, data, 2), emu::PciDmaResult::OutsideRam);
    EXPECT_EQ(cfg_read(1, pci::kCommand, 2), pci::kCommandMaster);  // the write did not reach config
    EXPECT_EQ(dev->pci_dma_read(kDoorbell, data, sizeof data), emu::PciDmaResult::OutsideRam);
    EXPECT_EQ(data[0], 0);

    // Straddling the end of RAM: refused as a whole, the bytes inside RAM untouched.
    std::memset(data, 0xab, sizeof data);
    EXPECT_EQ(dev->pci_dma_write(kRamBase + kRamSize - 8, data, sizeof data), emu::PciDmaResult::OutsideRam);
    EXPECT_EQ(machine->ram()[kRamSize - 8], 0);
    EXPECT_EQ(dev->pci_dma_write(kRamBase + kRamSize - 16, data, sizeof data), emu::PciDmaResult::Ok);
    EXPECT_EQ(machine->ram()[kRamSize - 1], 0xab);

    // Lengths that wrap the address space.
    EXPECT_EQ(dev->pci_dma_write(~Addr(0) - 3, data, sizeof data), emu::PciDmaResult::OutsideRam);
    std::memset(data, 0xab, sizeof data);
    EXPECT_EQ(dev->pci_dma_read(~Addr(0) - 3, data, sizeof data), emu::PciDmaResult::OutsideRam);
    EXPECT_EQ(data[15], 0);
}

}  // namespace
