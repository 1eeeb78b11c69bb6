// Capabilities: the list from 0x34, MSI (32/64-bit, multiple messages, per-vector masking)
// and MSI-X (table and PBA in a BAR, per-vector and function masking), all delivered as
// writes to the machine's system memory.
#include "pci_bench.h"

#include "emu/error.h"

namespace {

using namespace pci_test;
namespace pci = emu::pci;

class PciMsiTest : public PciBench {
protected:
    void SetUp() override { add_host(); }

    std::vector<unsigned> capability_ids(unsigned slot) {
        std::vector<unsigned> ids;
        if (!(cfg_read(slot, pci::kStatus, 2) & pci::kStatusCapList)) return ids;
        unsigned at = cfg_read(slot, pci::kCapabilityList, 1);
        while (at != 0 && ids.size() < 48) {
            EXPECT_GE(at, 0x40u);
            EXPECT_EQ(at % 4, 0u);
            ids.push_back(cfg_read(slot, at, 1));
            at = cfg_read(slot, at + 1, 1);
        }
        return ids;
    }
    std::vector<Write>& doorbell() { return machine->doorbell_writes; }
    void bus_master(unsigned slot) { cfg_write(slot, pci::kCommand, pci::kCommandMemory | pci::kCommandMaster, 2); }
};

TEST_F(PciMsiTest, CapabilityChainWalk) {
    TestPciDevice& dev = add("d0");
    EXPECT_TRUE(cfg_read(1, pci::kStatus, 2) & pci::kStatusCapList);
    EXPECT_EQ(capability_ids(1), (std::vector<unsigned>{pci::kCapMsi, pci::kCapMsix}));
    EXPECT_EQ(dev.find_capability(pci::kCapMsi), dev.msi_offset);
    EXPECT_EQ(dev.find_capability(pci::kCapMsix), dev.msix_offset);
    EXPECT_EQ(dev.find_capability(pci::kCapExpress), 0u);

    const unsigned vendor = dev.add_capability(pci::kCapVendor, 8);
    EXPECT_EQ(capability_ids(1), (std::vector<unsigned>{pci::kCapVendor, pci::kCapMsi, pci::kCapMsix}));
    EXPECT_EQ(dev.find_capability(pci::kCapVendor), vendor);
    EXPECT_THROW(dev.add_capability(pci::kCapVendor, 8, dev.msi_offset), emu::Error);  // overlaps
    EXPECT_THROW(dev.add_capability(pci::kCapVendor, 8, 0x20), emu::Error);            // in the header
    EXPECT_THROW(dev.add_capability(pci::kCapVendor, 0xf0), emu::Error);              // no room
}

TEST_F(PciMsiTest, NoCapabilitiesNoCapList) {
    TestPciDevice& dev = create("d0");
    dev.msi_vectors = 0;
    dev.msix_vectors = 0;
    dev.realize();
    EXPECT_FALSE(cfg_read(1, pci::kStatus, 2) & pci::kStatusCapList);
    EXPECT_EQ(cfg_read(1, pci::kCapabilityList, 1), 0u);
    EXPECT_FALSE(dev.msi_present());
    EXPECT_FALSE(dev.msix_present());
}

TEST_F(PciMsiTest, ExtendedCapabilities) {
    TestPciDevice& dev = create("d0");
    dev.express = true;
    dev.realize();
    EXPECT_EQ(dev.add_ext_capability(0x0001, 2, 0x48), 0x100u);  // AER
    EXPECT_EQ(dev.add_ext_capability(0x0003, 1, 0x0c), 0x148u);  // serial number
    EXPECT_EQ(cfg_read(1, 0x100), 0x14820001u);                   // id 1, version 2, next 0x148
    EXPECT_EQ(cfg_read(1, 0x148), 0x00010003u);

    TestPciDevice& conventional = add("d1");
    EXPECT_THROW(conventional.add_ext_capability(0x0001, 2, 0x48), emu::Error);
}

TEST_F(PciMsiTest, MsiNotifyWritesDataToAddress) {
    TestPciDevice& dev = add("d0");
    const unsigned cap = dev.msi_offset;
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiFlags, 2), pci::kMsiFlags64Bit);  // 1 vector, no masking
    cfg_write(1, cap + pci::kMsiAddressLo, kDoorbell + 0x40);
    cfg_write(1, cap + pci::kMsiAddressHi, 0);
    cfg_write(1, cap + pci::kMsiData64, 0x1234, 2);
    dev.msi_notify();  // not enabled yet
    EXPECT_TRUE(doorbell().empty());

    cfg_write(1, cap + pci::kMsiFlags, pci::kMsiFlagsEnable, 2);
    EXPECT_TRUE(dev.msi_enabled());
    dev.msi_notify();  // bus mastering off: a message is a DMA write
    EXPECT_TRUE(doorbell().empty());

    bus_master(1);
    dev.msi_notify();
    ASSERT_EQ(doorbell().size(), 1u);
    EXPECT_EQ(doorbell()[0].offset, 0x40u);
    EXPECT_EQ(doorbell()[0].value, 0x1234u);
    EXPECT_EQ(doorbell()[0].size, 4u);

    cfg_write(1, cap + pci::kMsiAddressLo, kDoorbell + 0x43);  // the low two bits are zero
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiAddressLo), kDoorbell + 0x40);
    cfg_write(1, cap + pci::kMsiFlags, 0xffff, 2);  // only enable and the message-enable field
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiFlags, 2), pci::kMsiFlags64Bit | 0x0071u);
}

TEST_F(PciMsiTest, Msi32BitLayout) {
    TestPciDevice& dev = create("d0");
    dev.msi_64bit = false;
    dev.realize();
    const unsigned cap = dev.msi_offset;
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiFlags, 2), 0u);
    cfg_write(1, cap + pci::kMsiAddressLo, kDoorbell + 0x10);
    cfg_write(1, cap + pci::kMsiData32, 0x0041, 2);
    cfg_write(1, cap + pci::kMsiFlags, pci::kMsiFlagsEnable, 2);
    bus_master(1);
    dev.msi_notify();
    ASSERT_EQ(doorbell().size(), 1u);
    EXPECT_EQ(doorbell()[0].offset, 0x10u);
    EXPECT_EQ(doorbell()[0].value, 0x41u);
}

TEST_F(PciMsiTest, MsiMultipleMessages) {
    TestPciDevice& dev = create("d0");
    dev.msi_vectors = 4;
    dev.realize();
    const unsigned cap = dev.msi_offset;
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiFlags, 2), pci::kMsiFlags64Bit | 2u << 1);  // 4 capable
    cfg_write(1, cap + pci::kMsiAddressLo, kDoorbell);
    cfg_write(1, cap + pci::kMsiData64, 0x1230, 2);
    bus_master(1);
    cfg_write(1, cap + pci::kMsiFlags, pci::kMsiFlagsEnable | 1u << 4, 2);  // 2 allocated
    dev.msi_notify(1);
    dev.msi_notify(3);  // not allocated: dropped
    cfg_write(1, cap + pci::kMsiFlags, pci::kMsiFlagsEnable | 2u << 4, 2);  // 4 allocated
    dev.msi_notify(3);
    ASSERT_EQ(doorbell().size(), 2u);
    EXPECT_EQ(doorbell()[0].value, 0x1231u);
    EXPECT_EQ(doorbell()[1].value, 0x1233u);
}

TEST_F(PciMsiTest, MsiPerVectorMasking) {
    TestPciDevice& dev = create("d0");
    dev.msi_maskable = true;
    dev.realize();
    const unsigned cap = dev.msi_offset;
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiFlags, 2), pci::kMsiFlags64Bit | pci::kMsiFlagsMaskBit);
    cfg_write(1, cap + pci::kMsiAddressLo, kDoorbell);
    cfg_write(1, cap + pci::kMsiData64, 0x77, 2);
    cfg_write(1, cap + pci::kMsiMask64, 0xffffffff);
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiMask64), 1u);  // one vector: one mask bit
    cfg_write(1, cap + pci::kMsiFlags, pci::kMsiFlagsEnable, 2);
    bus_master(1);
    dev.msi_notify();
    EXPECT_TRUE(doorbell().empty());
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiPending64), 1u);
    cfg_write(1, cap + pci::kMsiPending64, 0);  // pending bits are read-only
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiPending64), 1u);
    cfg_write(1, cap + pci::kMsiMask64, 0);  // unmasking sends it
    ASSERT_EQ(doorbell().size(), 1u);
    EXPECT_EQ(doorbell()[0].value, 0x77u);
    EXPECT_EQ(cfg_read(1, cap + pci::kMsiPending64), 0u);
}

class PciMsixTest : public PciMsiTest {
protected:
    static constexpr Addr kTable = 0x10400000;
    void SetUp() override {
        PciMsiTest::SetUp();
        dev = &add("d0");
        cap = dev->msix_offset;
        cfg_write(1, pci::bar_offset(4), static_cast<std::uint32_t>(kTable));
        bus_master(1);
    }
    Addr entry(unsigned vector, unsigned field) { return kTable + 16 * vector + field; }
    void program(unsigned vector, std::uint32_t data) {
        mem_write(entry(vector, pci::kMsixEntryAddressLo), kDoorbell + 0x100 + 4 * vector);
        mem_write(entry(vector, pci::kMsixEntryAddressHi), 0);
        mem_write(entry(vector, pci::kMsixEntryData), data);
    }
    void flags(std::uint16_t value) { cfg_write(1, cap + pci::kMsixFlags, value, 2); }
    std::uint64_t pba() { return mem_read(kTable + 4 * 16, 4); }

    TestPciDevice* dev = nullptr;
    unsigned cap = 0;
};

TEST_F(PciMsixTest, CapabilityDescribesTableAndPba) {
    EXPECT_EQ(cfg_read(1, cap + pci::kMsixFlags, 2), 3u);        // 4 vectors
    EXPECT_EQ(cfg_read(1, cap + pci::kMsixTable), 0u | 4u);      // offset 0 in BAR 4
    EXPECT_EQ(cfg_read(1, cap + pci::kMsixPba), 64u | 4u);       // right after the table
    for (unsigned v = 0; v < 4; ++v) EXPECT_EQ(mem_read(entry(v, pci::kMsixEntryVectorControl)), 1u);  // masked
    cfg_write(1, cap + pci::kMsixTable, 0x1000);  // read-only
    EXPECT_EQ(cfg_read(1, cap + pci::kMsixTable), 4u);
    flags(0xffff);
    EXPECT_EQ(cfg_read(1, cap + pci::kMsixFlags, 2), 0xc003u);
}

TEST_F(PciMsixTest, MaskedVectorsArePendingUntilUnmasked) {
    program(1, 0xbeef);
    flags(pci::kMsixFlagsEnable);
    EXPECT_TRUE(dev->msix_enabled());
    dev->msix_notify(1);  // still masked by its entry
    EXPECT_TRUE(doorbell().empty());
    EXPECT_TRUE(dev->msix_pending(1));
    EXPECT_EQ(pba(), 0x2u);
    mem_write(kTable + 4 * 16, 0);  // the PBA is read-only
    EXPECT_EQ(pba(), 0x2u);

    mem_write(entry(1, pci::kMsixEntryVectorControl), 0);  // unmask: the pending message goes
    ASSERT_EQ(doorbell().size(), 1u);
    EXPECT_EQ(doorbell()[0].offset, 0x104u);
    EXPECT_EQ(doorbell()[0].value, 0xbeefu);
    EXPECT_EQ(pba(), 0u);

    dev->msix_notify(1);
    ASSERT_EQ(doorbell().size(), 2u);
    mem_write(entry(1, pci::kMsixEntryVectorControl), 0xffffffff);  // only the mask bit exists
    EXPECT_EQ(mem_read(entry(1, pci::kMsixEntryVectorControl)), 1u);
}

TEST_F(PciMsixTest, FunctionMask) {
    program(0, 0x10);
    program(2, 0x12);
    mem_write(entry(0, pci::kMsixEntryVectorControl), 0);
    mem_write(entry(2, pci::kMsixEntryVectorControl), 0);
    flags(pci::kMsixFlagsEnable | pci::kMsixFlagsMaskAll);
    dev->msix_notify(0);
    dev->msix_notify(2);
    EXPECT_TRUE(doorbell().empty());
    EXPECT_EQ(pba(), 0x5u);
    flags(pci::kMsixFlagsEnable);
    ASSERT_EQ(doorbell().size(), 2u);
    EXPECT_EQ(doorbell()[0].value, 0x10u);
    EXPECT_EQ(doorbell()[1].value, 0x12u);
    EXPECT_EQ(pba(), 0u);
}

TEST_F(PciMsixTest, DisabledOrWithoutBusMasterNothingIsSent) {
    program(3, 0x33);
    mem_write(entry(3, pci::kMsixEntryVectorControl), 0);
    dev->msix_notify(3);  // MSI-X not enabled
    EXPECT_TRUE(doorbell().empty());
    EXPECT_FALSE(dev->msix_pending(3));
    flags(pci::kMsixFlagsEnable);
    cfg_write(1, pci::kCommand, pci::kCommandMemory, 2);
    dev->msix_notify(3);
    EXPECT_TRUE(doorbell().empty());
    bus_master(1);
    dev->msix_notify(3);
    dev->msix_notify(4);  // no such vector
    ASSERT_EQ(doorbell().size(), 1u);
    EXPECT_EQ(doorbell()[0].value, 0x33u);
}

TEST_F(PciMsixTest, SixtyFourBitTableAccess) {
    memory().write_value(entry(2, 0), 8, (std::uint64_t{0} << 32) | (kDoorbell + 0x20));
    memory().write_value(entry(2, 8), 8, 0x22);  // data 0x22, vector control 0: unmasked
    flags(pci::kMsixFlagsEnable);
    dev->msix_notify(2);
    ASSERT_EQ(doorbell().size(), 1u);
    EXPECT_EQ(doorbell()[0].offset, 0x20u);
    EXPECT_EQ(doorbell()[0].value, 0x22u);
}

TEST_F(PciMsixTest, ResetMasksEverything) {
    program(0, 1);
    mem_write(entry(0, pci::kMsixEntryVectorControl), 0);
    flags(pci::kMsixFlagsEnable);
    dev->reset();
    EXPECT_FALSE(dev->msix_enabled());
    EXPECT_TRUE(dev->msix_masked(0));
    EXPECT_EQ(cfg_read(1, pci::kCommand, 2), 0u);
}

}  // namespace
