// The memory API: flattening with priorities and aliases, MMIO size adaptation, bounds.
#include <gtest/gtest.h>

#include <cstring>

#include "emu/memory.h"

namespace {

using emu::Addr;
using emu::AddressSpace;
using emu::MemoryRegion;
using emu::MemResult;

struct Access {
    bool write;
    Addr offset;
    unsigned size;
    std::uint64_t value;
};

// An MMIO region that records accesses and reads back offset-derived values.
struct Recorder {
    std::vector<Access> log;
    std::unique_ptr<MemoryRegion> region;
    Recorder(Addr size, unsigned impl_min, unsigned impl_max, unsigned valid_min = 1, unsigned valid_max = 8) {
        emu::MmioOps ops;
        ops.read = [this](Addr offset, unsigned sz) {
            log.push_back({false, offset, sz, 0});
            return 0x1122334455667788ull + offset;
        };
        ops.write = [this](Addr offset, std::uint64_t v, unsigned sz) { log.push_back({true, offset, sz, v}); };
        ops.impl_min = impl_min;
        ops.impl_max = impl_max;
        ops.valid_min = valid_min;
        ops.valid_max = valid_max;
        region = MemoryRegion::mmio("rec", size, ops);
    }
};

TEST(Memory, RamReadWriteAndBounds) {
    auto root = MemoryRegion::container("system", ~Addr(0));
    auto ram = MemoryRegion::ram("ram", 0x10000);
    root->add_subregion(0x40000000, *ram);
    AddressSpace as("memory", *root);
    EXPECT_EQ(as.write_value(0x40000010, 4, 0xdeadbeef), MemResult::Ok);
    std::uint64_t v = 0;
    EXPECT_EQ(as.read_value(0x40000010, 4, v), MemResult::Ok);
    EXPECT_EQ(v, 0xdeadbeefu);
    EXPECT_EQ(as.read_value(0x40000012, 2, v), MemResult::Ok);
    EXPECT_EQ(v, 0xdeadu);
    EXPECT_EQ(ram->data()[0x10], 0xef);
    // Outside RAM: unassigned, reads 0, writes dropped.
    EXPECT_EQ(as.read_value(0x40010000, 4, v), MemResult::Unassigned);
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(as.write_value(0x3fffffff, 1, 0xaa), MemResult::Unassigned);
    // A buffer access straddling the end of RAM copies what is RAM and reports the rest.
    std::uint8_t buf[8];
    std::memset(buf, 0xff, sizeof buf);
    ram->data()[0xfffe] = 1;
    ram->data()[0xffff] = 2;
    EXPECT_EQ(as.read(0x4000fffe, buf, 8), MemResult::Unassigned);
    EXPECT_EQ(buf[0], 1);
    EXPECT_EQ(buf[1], 2);
    EXPECT_EQ(buf[2], 0);
    // ram_pointer only for a range wholly in one RAM region.
    EXPECT_NE(as.ram_pointer(0x40000000, 0x10000, true), nullptr);
    EXPECT_EQ(as.ram_pointer(0x40000000, 0x10001, true), nullptr);
    EXPECT_EQ(as.ram_pointer(0x3fffffff, 2, false), nullptr);
    EXPECT_EQ(as.ram_pointer(0x40000000, 0, false), nullptr);
}

TEST(Memory, AbsurdLengthsDoNotHangOrEscape) {
    auto root = MemoryRegion::container("system", ~Addr(0));
    auto ram = MemoryRegion::ram("ram", 0x1000);
    root->add_subregion(0x1000, *ram);
    AddressSpace as("memory", *root);
    std::vector<std::uint8_t> buf(0x3000, 0xcc);
    // Reading 12 KiB around a 4 KiB RAM: only RAM bytes come from RAM; the rest are zero.
    EXPECT_EQ(as.read(0, buf.data(), buf.size()), MemResult::Unassigned);
    EXPECT_EQ(buf[0], 0);
    EXPECT_EQ(as.write(~Addr(0) - 4, buf.data(), 16), MemResult::Unassigned);  // wraps: no crash
    EXPECT_EQ(as.ram_pointer(0x1800, ~Addr(0), false), nullptr);
}

TEST(Memory, PrioritiesAndLaterInsertionsWin) {
    auto root = MemoryRegion::container("system", 0x10000);
    auto low = MemoryRegion::ram("low", 0x10000);
    auto high = MemoryRegion::ram("high", 0x1000);
    auto tie = MemoryRegion::ram("tie", 0x1000);
    root->add_subregion(0, *low);
    root->add_subregion(0x2000, *high, 1);
    root->add_subregion(0x2800, *tie, 0);  // lower priority than high: only its tail shows
    AddressSpace as("memory", *root);
    auto view = as.flat_view();
    ASSERT_EQ(view.size(), 4u);
    EXPECT_EQ(view[0].region, low.get());
    EXPECT_EQ(view[1].region, high.get());
    EXPECT_EQ(view[1].start, 0x2000u);
    EXPECT_EQ(view[1].end, 0x3000u);
    EXPECT_EQ(view[2].region, tie.get());
    EXPECT_EQ(view[2].start, 0x3000u);
    EXPECT_EQ(view[2].region_offset, 0x800u);
    EXPECT_EQ(view[3].region, low.get());
    EXPECT_EQ(view[3].start, 0x3800u);
    EXPECT_EQ(view[3].region_offset, 0x3800u);
    EXPECT_EQ(view[3].end, 0x10000u);
}

TEST(Memory, AliasesDisableAndMoveBumpGeneration) {
    auto root = MemoryRegion::container("system", 0x100000);
    auto ram = MemoryRegion::ram("ram", 0x10000);
    auto window = MemoryRegion::alias("window", *ram, 0x8000, 0x1000);
    root->add_subregion(0, *ram);
    root->add_subregion(0x80000, *window);
    AddressSpace as("memory", *root);
    ram->data()[0x8004] = 0x5a;
    std::uint64_t v = 0;
    EXPECT_EQ(as.read_value(0x80004, 1, v), MemResult::Ok);
    EXPECT_EQ(v, 0x5au);
    const auto gen = as.generation();
    window->set_offset(0x90000);
    EXPECT_GT(as.generation(), gen);
    EXPECT_EQ(as.read_value(0x80004, 1, v), MemResult::Unassigned);
    EXPECT_EQ(as.read_value(0x90004, 1, v), MemResult::Ok);
    window->set_enabled(false);
    EXPECT_EQ(as.read_value(0x90004, 1, v), MemResult::Unassigned);
    ram->set_readonly(true);
    EXPECT_EQ(as.write_value(0x10, 1, 1), MemResult::ReadOnly);
    EXPECT_EQ(as.write_rom(0x10, "\x07", 1), MemResult::Ok);  // loaders may write it
    EXPECT_EQ(ram->data()[0x10], 7);
}

TEST(Memory, MmioSplitsWideAccesses) {
    auto root = MemoryRegion::container("system", 0x10000);
    Recorder dev(0x100, 1, 4);
    root->add_subregion(0x1000, *dev.region);
    AddressSpace as("memory", *root);
    std::uint64_t v = 0;
    EXPECT_EQ(as.read_value(0x1008, 8, v), MemResult::Ok);
    ASSERT_EQ(dev.log.size(), 2u);
    EXPECT_EQ(dev.log[0].offset, 8u);
    EXPECT_EQ(dev.log[0].size, 4u);
    EXPECT_EQ(dev.log[1].offset, 12u);
    EXPECT_EQ(v, ((0x1122334455667788ull + 12) & 0xffffffff) << 32 | ((0x1122334455667788ull + 8) & 0xffffffff));
    dev.log.clear();
    EXPECT_EQ(as.write_value(0x1010, 8, 0xaaaabbbbccccddddull), MemResult::Ok);
    ASSERT_EQ(dev.log.size(), 2u);
    EXPECT_EQ(dev.log[0].value, 0xccccddddu);
    EXPECT_EQ(dev.log[1].value, 0xaaaabbbbu);
}

TEST(Memory, MmioWidensNarrowAccesses) {
    auto root = MemoryRegion::container("system", 0x10000);
    Recorder dev(0x100, 4, 4);
    root->add_subregion(0, *dev.region);
    AddressSpace as("memory", *root);
    std::uint64_t v = 0;
    EXPECT_EQ(as.read_value(0x12, 1, v), MemResult::Ok);
    ASSERT_EQ(dev.log.size(), 1u);
    EXPECT_EQ(dev.log[0].offset, 0x10u);
    EXPECT_EQ(dev.log[0].size, 4u);
    EXPECT_EQ(v, ((0x1122334455667788ull + 0x10) >> 16) & 0xff);
    EXPECT_EQ(as.write_value(0x11, 1, 0xab), MemResult::Ok);
    EXPECT_EQ(dev.log[1].offset, 0x10u);
    EXPECT_EQ(dev.log[1].value, 0xab00u);
}

TEST(Memory, MmioRejectsInvalidSizesAndMisalignment) {
    auto root = MemoryRegion::container("system", 0x10000);
    Recorder dev(0x100, 4, 4, 4, 4);
    root->add_subregion(0, *dev.region);
    AddressSpace as("memory", *root);
    std::uint64_t v = 0;
    EXPECT_EQ(as.read_value(0, 1, v), MemResult::DeviceError);
    EXPECT_EQ(as.read_value(2, 4, v), MemResult::DeviceError);
    EXPECT_EQ(as.write_value(0, 8, 0), MemResult::DeviceError);
    EXPECT_TRUE(dev.log.empty());
}

TEST(Memory, RamBlocksListWhatAcceleratorsMap) {
    auto root = MemoryRegion::container("system", ~Addr(0));
    auto ram = MemoryRegion::ram("ram", 0x100000);
    auto rom = MemoryRegion::rom("bios", 0x10000);
    Recorder dev(0x1000, 1, 8);
    root->add_subregion(0, *ram);
    root->add_subregion(0xffff0000, *rom);
    root->add_subregion(0x80000, *dev.region, 1);  // punches a hole in RAM
    AddressSpace as("memory", *root);
    auto blocks = as.ram_blocks();
    ASSERT_EQ(blocks.size(), 3u);
    EXPECT_EQ(blocks[0].guest_address, 0u);
    EXPECT_EQ(blocks[0].size, 0x80000u);
    EXPECT_EQ(blocks[1].guest_address, 0x81000u);
    EXPECT_EQ(blocks[1].host, ram->data() + 0x81000);
    EXPECT_TRUE(blocks[2].readonly);
}

TEST(Memory, DestroyingAMappedRegionUnmapsIt) {
    auto root = MemoryRegion::container("system", 0x10000);
    AddressSpace as("memory", *root);
    {
        auto ram = MemoryRegion::ram("ram", 0x1000);
        root->add_subregion(0, *ram);
        EXPECT_EQ(as.flat_view().size(), 1u);
    }
    EXPECT_TRUE(as.flat_view().empty());
}

}  // namespace
