// The fw_cfg plugin: the traditional interface (selector + data register), the file directory,
// the DMA interface (read, skip, select, write), hostile DMA requests, and the x86 I/O variant.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "emu/device.h"
#include "emu/error.h"
#include "emu/event_loop.h"
#include "emu/fw_cfg.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/property.h"
#include "emu/type.h"
#include "plugin_loader.h"

namespace {

using emu::Addr;
using emu::FwCfg;
using emu::MemResult;
using Bytes = std::vector<std::uint8_t>;

constexpr Addr kRamBase = 0x40000000;
constexpr Addr kRamSize = 16 << 20;
constexpr Addr kRomBase = 0x00000000;
constexpr Addr kRomSize = 0x10000;
constexpr Addr kFwBase = 0x09020000;  // as on QEMU's virt
constexpr Addr kData = kFwBase + 0x0, kSelector = kFwBase + 0x8, kDma = kFwBase + 0x10;

// A board with RAM (and a ROM) in its system memory, and a separate I/O port space.
class TestMachine final : public emu::Machine {
public:
    TestMachine() {
        system = emu::MemoryRegion::container("system", ~std::uint64_t(0));
        ram = emu::MemoryRegion::ram("ram", kRamSize);
        system->add_subregion(kRamBase, *ram);
        rom = emu::MemoryRegion::rom("rom", kRomSize);
        system->add_subregion(kRomBase, *rom);
        memory = std::make_unique<emu::AddressSpace>("memory", *system);
        io = emu::MemoryRegion::container("io", 0x10000);
        io_space = std::make_unique<emu::AddressSpace>("io", *io);
    }
    emu::AddressSpace* system_memory() override { return memory.get(); }

    std::unique_ptr<emu::MemoryRegion> system, ram, rom;
    std::unique_ptr<emu::AddressSpace> memory;
    std::unique_ptr<emu::MemoryRegion> io;
    std::unique_ptr<emu::AddressSpace> io_space;
};

template <class T>
std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
    auto* p = dynamic_cast<T*>(object.get());
    if (!p) throw std::runtime_error("unexpected object type");
    object.release();
    return std::unique_ptr<T>(p);
}

std::uint16_t bswap16(std::uint16_t v) { return static_cast<std::uint16_t>((v >> 8) | (v << 8)); }
std::uint32_t bswap32(std::uint32_t v) {
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}
std::uint64_t bswap64(std::uint64_t v) {
    return (std::uint64_t{bswap32(static_cast<std::uint32_t>(v))} << 32) | bswap32(static_cast<std::uint32_t>(v >> 32));
}
std::uint32_t be32(const Bytes& b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}
std::uint16_t be16(const Bytes& b, std::size_t at) { return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]); }
std::uint32_t le32(const Bytes& b) {
    return b[0] | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[3]} << 24);
}
Bytes pattern(std::size_t size, std::uint8_t seed) {
    Bytes b(size);
    for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
    return b;
}

class FwCfgTest : public ::testing::Test {
protected:
    FwCfgTest() {
        const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / "fw_cfg.so");
        EXPECT_TRUE(record.loaded) << record.error;
        emu::TypeBatch batch;
        batch.add({.name = "fwcfg-test-machine",
                   .parent = "machine",
                   .description = "a board with RAM for fw_cfg DMA",
                   .factory = emu::factory_of<TestMachine>()});
        registry.register_batch(batch, "fwcfg-tests");
        root = registry.create("container");
        machine = &root->add_child("machine", as<TestMachine>(registry.create("fwcfg-test-machine")));
        machine->attach(loop, {});
    }

    ~FwCfgTest() override {
        emu::unrealize_tree(*root);
        root.reset();
    }

    // A fw_cfg of this type under the machine, not yet realized.
    FwCfg& create(const std::string& type = "fw_cfg-mmio", const std::string& name = "fw_cfg") {
        return machine->add_child(name, as<FwCfg>(registry.create(type)));
    }
    // The ARM arrangement: realized and mapped at kFwBase.
    FwCfg& create_mmio() {
        FwCfg& fw = create();
        fw.realize();
        machine->system->add_subregion(kFwBase, fw.mmio(0));
        return fw;
    }

    emu::AddressSpace& mem() { return *machine->memory; }
    std::uint64_t read(Addr addr, unsigned size) {
        std::uint64_t value = 0;
        EXPECT_EQ(mem().read_value(addr, size, value), MemResult::Ok) << std::hex << "read at 0x" << addr;
        return value;
    }
    void write(Addr addr, std::uint64_t value, unsigned size) {
        EXPECT_EQ(mem().write_value(addr, size, value), MemResult::Ok) << std::hex << "write at 0x" << addr;
    }
    void select(std::uint16_t key) { write(kSelector, bswap16(key), 2); }  // big-endian register
    Bytes data_bytes(std::size_t count) {
        Bytes out;
        for (std::size_t i = 0; i < count; ++i) out.push_back(static_cast<std::uint8_t>(read(kData, 1)));
        return out;
    }
    Bytes item(std::uint16_t key, std::size_t count) {
        select(key);
        return data_bytes(count);
    }

    Bytes ram(Addr addr, std::size_t size) {
        Bytes out(size);
        EXPECT_EQ(mem().read(addr, out.data(), size), MemResult::Ok);
        return out;
    }
    void put(Addr addr, const Bytes& bytes) { ASSERT_EQ(mem().write(addr, bytes.data(), bytes.size()), MemResult::Ok); }

    // Put a FWCfgDmaAccess at descriptor (in RAM) and start it with one 64-bit write.
    static constexpr Addr kDescriptor = kRamBase + 0x1000;
    void write_descriptor(Addr descriptor, std::uint32_t control, std::uint32_t length, std::uint64_t address) {
        Bytes d(16);
        for (int i = 0; i < 4; ++i) d[i] = static_cast<std::uint8_t>(control >> (24 - 8 * i));
        for (int i = 0; i < 4; ++i) d[4 + i] = static_cast<std::uint8_t>(length >> (24 - 8 * i));
        for (int i = 0; i < 8; ++i) d[8 + i] = static_cast<std::uint8_t>(address >> (56 - 8 * i));
        put(descriptor, d);
    }
    std::uint32_t dma(std::uint32_t control, std::uint32_t length, std::uint64_t address,
                      Addr descriptor = kDescriptor) {
        write_descriptor(descriptor, control, length, address);
        write(kDma, bswap64(descriptor), 8);
        return be32(ram(descriptor, 4), 0);
    }
    // Control word: select key, then read.
    static std::uint32_t select_read(std::uint16_t key) {
        return (std::uint32_t{key} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaRead;
    }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    TestMachine* machine = nullptr;
};

// ---- Traditional interface ---------------------------------------------------------------

TEST_F(FwCfgTest, TypesAreFwCfgDevices) {
    const emu::Type& mmio = registry.get("fw_cfg-mmio");
    EXPECT_TRUE(mmio.is_a("fw_cfg"));
    EXPECT_FALSE(mmio.user_creatable());
    EXPECT_TRUE(registry.get("fw_cfg-io").is_a("fw_cfg"));
    EXPECT_TRUE(registry.get("fw_cfg").abstract());
    EXPECT_EQ(&registry.get("fw_cfg_mem"), &mmio);  // QEMU's names work too
    FwCfg& fw = create();
    EXPECT_EQ(fw.get_property("dma"), "on");
    EXPECT_EQ(fw.get_property("x-file-slots"), "32");
    EXPECT_EQ(fw.mmio_count(), 1u);
    EXPECT_EQ(fw.mmio(0).size(), 0x18u);
}

TEST_F(FwCfgTest, SignatureByteByByte) {
    create_mmio();
    select(FwCfg::kSignature);
    EXPECT_EQ(data_bytes(4), (Bytes{'Q', 'E', 'M', 'U'}));
    EXPECT_EQ(data_bytes(3), (Bytes{0, 0, 0}));  // past the end: zeros
    select(FwCfg::kSignature);  // selecting again rewinds
    EXPECT_EQ(read(kData, 1), 'Q');
}

TEST_F(FwCfgTest, SignatureByWideReadsKeepsStreamOrder) {
    create_mmio();
    select(FwCfg::kSignature);
    const std::uint64_t v32 = read(kData, 4);
    char text[5] = {};
    std::memcpy(text, &v32, 4);  // a little-endian CPU storing the register gets the bytes in order
    EXPECT_STREQ(text, "QEMU");
    EXPECT_EQ(v32, 0x554d4551u);

    select(FwCfg::kSignature);
    EXPECT_EQ(read(kData, 2), 0x4551u);  // "QE"
    EXPECT_EQ(read(kData, 2), 0x554du);  // "MU"
    EXPECT_EQ(read(kData, 2), 0u);

    select(FwCfg::kSignature);  // an 8-byte read runs out after 4: zero-padded
    EXPECT_EQ(read(kData, 8), 0x554d4551ull);
    select(FwCfg::kSignature);
    EXPECT_EQ(read(kData, 1), 'Q');
    EXPECT_EQ(read(kData, 4), 0x554d45u);  // "EMU" and one byte of padding
}

TEST_F(FwCfgTest, IdSaysTraditionalAndDma) {
    create_mmio();
    EXPECT_EQ(le32(item(FwCfg::kId, 4)), FwCfg::kIdTraditional | FwCfg::kIdDma);
}

TEST_F(FwCfgTest, DmaOffClearsTheIdBitAndTheRegister) {
    FwCfg& fw = create();
    fw.set_property("dma", "off");
    fw.realize();
    machine->system->add_subregion(kFwBase, fw.mmio(0));
    EXPECT_EQ(le32(item(FwCfg::kId, 4)), FwCfg::kIdTraditional);
    EXPECT_EQ(read(kDma, 8), 0u);
    fw.add_file("etc/x", {1, 2, 3});
    put(kRamBase + 0x2000, Bytes(3, 0xee));
    write_descriptor(kDescriptor, select_read(fw.file_key("etc/x")), 3, kRamBase + 0x2000);
    write(kDma, bswap64(kDescriptor), 8);
    EXPECT_EQ(ram(kRamBase + 0x2000, 3), Bytes(3, 0xee));  // nothing happened
    EXPECT_EQ(be32(ram(kDescriptor, 4), 0), select_read(fw.file_key("etc/x")));
}

TEST_F(FwCfgTest, DmaRegisterReadsTheDmaSignature) {
    create_mmio();
    const std::uint64_t v = read(kDma, 8);
    char text[9] = {};
    std::memcpy(text, &v, 8);
    EXPECT_STREQ(text, "QEMU CFG");
    const std::uint64_t low = read(kDma + 4, 4);
    char tail[5] = {};
    std::memcpy(tail, &low, 4);
    EXPECT_STREQ(tail, " CFG");
    EXPECT_EQ(read(kDma + 1, 1), 'E');
}

TEST_F(FwCfgTest, BoardItemsAreLittleEndianAndCommonItemsAreThere) {
    FwCfg& fw = create_mmio();
    fw.add_u16(FwCfg::kNbCpus, 4);
    fw.add_u32(FwCfg::kKernelSize, 0x12345678);
    fw.add_u64(FwCfg::kRamSize, 0x1122334455667788ull);
    fw.add_string(FwCfg::kCmdlineData, "console=ttyAMA0");
    fw.add_bytes(FwCfg::kX86E820Table, {9, 8, 7});
    EXPECT_EQ(item(FwCfg::kNbCpus, 3), (Bytes{4, 0, 0}));
    EXPECT_EQ(item(FwCfg::kKernelSize, 4), (Bytes{0x78, 0x56, 0x34, 0x12}));
    EXPECT_EQ(item(FwCfg::kRamSize, 8), (Bytes{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}));
    const Bytes cmdline = item(FwCfg::kCmdlineData, 17);
    EXPECT_EQ(std::string(cmdline.begin(), cmdline.end()), std::string("console=ttyAMA0\0\0", 17));
    EXPECT_EQ(item(FwCfg::kX86E820Table, 4), (Bytes{9, 8, 7, 0}));
    EXPECT_EQ(item(FwCfg::kX86E820Table | FwCfg::kWriteChannel, 1), (Bytes{9}));  // bit 14 is ignored
    // QEMU's common items: UUID, NOGRAPHIC, BOOT_MENU.
    EXPECT_EQ(item(FwCfg::kUuid, 17), Bytes(17, 0));
    EXPECT_EQ(item(FwCfg::kNoGraphic, 2), (Bytes{0, 0}));
    EXPECT_EQ(item(FwCfg::kBootMenu, 2), (Bytes{0, 0}));
    // Replacing an item.
    fw.add_u16(FwCfg::kNbCpus, 2);
    EXPECT_EQ(item(FwCfg::kNbCpus, 2), (Bytes{2, 0}));
    // Missing items and keys beyond the last one read as zeros.
    EXPECT_EQ(item(FwCfg::kSetupData, 2), (Bytes{0, 0}));
    EXPECT_EQ(item(0x3fff, 2), (Bytes{0, 0}));
}

TEST_F(FwCfgTest, BoardSetCommonItemsWin) {
    machine->attach(loop, emu::MachineConfig{.nographic = true});
    FwCfg& fw = create();
    fw.add_u16(FwCfg::kBootMenu, 1);
    fw.realize();
    machine->system->add_subregion(kFwBase, fw.mmio(0));
    EXPECT_EQ(item(FwCfg::kBootMenu, 2), (Bytes{1, 0}));
    EXPECT_EQ(item(FwCfg::kNoGraphic, 2), (Bytes{1, 0}));  // from -nographic
}

TEST_F(FwCfgTest, AddBytesRefusesReservedKeys) {
    FwCfg& fw = create_mmio();
    EXPECT_THROW(fw.add_bytes(FwCfg::kSignature, {1}), emu::Error);
    EXPECT_THROW(fw.add_bytes(FwCfg::kId, {1}), emu::Error);
    EXPECT_THROW(fw.add_bytes(FwCfg::kFileDir, {1}), emu::Error);
    EXPECT_THROW(fw.add_bytes(FwCfg::kFileFirst, {1}), emu::Error);
    EXPECT_THROW(fw.add_bytes(0x4005, {1}), emu::Error);
    EXPECT_THROW(fw.add_bytes(FwCfg::kArchLocal | 0x3000, {1}), emu::Error);
    try {
        fw.add_bytes(FwCfg::kFileDir, {1});
        ADD_FAILURE() << "key 0x19 accepted";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "fw_cfg-mmio 'fw_cfg': key 0x19 is built in");
    }
    EXPECT_EQ(item(FwCfg::kSignature, 4), (Bytes{'Q', 'E', 'M', 'U'}));
}

TEST_F(FwCfgTest, ResetRewindsTheSelection) {
    FwCfg& fw = create_mmio();
    fw.add_u32(FwCfg::kKernelSize, 0xaabbccdd);
    select(FwCfg::kKernelSize);
    EXPECT_EQ(read(kData, 1), 0xddu);
    fw.reset();
    EXPECT_EQ(data_bytes(4), (Bytes{'Q', 'E', 'M', 'U'}));  // back at the signature
}

TEST_F(FwCfgTest, SelectorRefusesReadsAndNarrowWrites) {
    create_mmio();
    select(FwCfg::kSignature);
    EXPECT_EQ(read(kSelector, 2), 0u);
    write(kSelector, 0x0100, 4);  // not a 16-bit write: ignored
    EXPECT_EQ(read(kData, 1), 'Q');
    write(kData, 0x55, 1);  // data-register writes are dropped
    EXPECT_EQ(read(kData, 1), 'E');
}

// ---- Files -----------------------------------------------------------------------------

TEST_F(FwCfgTest, FileDirectoryIsSortedByNameWithKeysInOrder) {
    FwCfg& fw = create_mmio();
    fw.add_file("etc/zeta", pattern(5, 1));
    fw.add_file("bootorder", pattern(300, 2));
    fw.add_file("etc/alpha", {});
    select(FwCfg::kFileDir);
    const Bytes dir = data_bytes(4 + 3 * 64 + 4);
    ASSERT_EQ(be32(dir, 0), 3u);
    const char* names[] = {"bootorder", "etc/alpha", "etc/zeta"};
    const std::uint32_t sizes[] = {300, 0, 5};
    for (std::size_t i = 0; i < 3; ++i) {
        const std::size_t e = 4 + i * 64;
        EXPECT_EQ(be32(dir, e), sizes[i]) << names[i];
        EXPECT_EQ(be16(dir, e + 4), 0x20 + i) << names[i];
        EXPECT_EQ(be16(dir, e + 6), 0u);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(&dir[e + 8])), names[i]);
        for (std::size_t j = e + 8 + std::strlen(names[i]); j < e + 64; ++j) EXPECT_EQ(dir[j], 0) << names[i];
        EXPECT_EQ(fw.file_key(names[i]), 0x20 + i);
    }
    EXPECT_EQ(Bytes(dir.end() - 4, dir.end()), Bytes(4, 0));  // the directory ends there
    EXPECT_EQ(item(fw.file_key("etc/zeta"), 6), (Bytes{1, 8, 15, 22, 29, 0}));
}

TEST_F(FwCfgTest, AddFileAllocatesKeysAndRefusesDuplicates) {
    FwCfg& fw = create_mmio();
    EXPECT_EQ(item(FwCfg::kFileDir, 4), Bytes(4, 0));  // empty directory
    fw.add_file("b", {2});
    EXPECT_EQ(fw.file_key("b"), 0x20);
    fw.add_file("c", {3});
    EXPECT_EQ(fw.file_key("c"), 0x21);
    fw.add_file("a", {1});  // sorts first: takes 0x20, the others move up (QEMU's layout)
    EXPECT_EQ(fw.file_key("a"), 0x20);
    EXPECT_EQ(fw.file_key("b"), 0x21);
    EXPECT_EQ(fw.file_key("c"), 0x22);
    EXPECT_EQ(fw.file_key("nope"), 0);
    for (const char* name : {"a", "b", "c"}) EXPECT_EQ(item(fw.file_key(name), 1), Bytes{std::uint8_t(name[0] - 'a' + 1)});

    EXPECT_THROW(fw.add_file("b", {9}), emu::Error);
    try {
        fw.add_file_writable("b", {9});
        ADD_FAILURE() << "duplicate accepted";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "fw_cfg-mmio 'fw_cfg': duplicate file name 'b'");
    }
    EXPECT_EQ(*fw.find_file("b"), Bytes{2});
    EXPECT_EQ(fw.find_file("nope"), nullptr);
    EXPECT_THROW(fw.add_file("", {}), emu::Error);
    EXPECT_THROW(fw.add_file(std::string(56, 'x'), {}), emu::Error);
    fw.add_file(std::string(55, 'x'), {});
    EXPECT_EQ(be32(item(FwCfg::kFileDir, 4), 0), 4u);
}

TEST_F(FwCfgTest, FileSlotsRunOut) {
    FwCfg& fw = create();
    fw.set_property("x-file-slots", "16");
    fw.realize();
    for (int i = 0; i < 16; ++i) fw.add_file("f" + std::to_string(100 + i), {});
    EXPECT_THROW(fw.add_file("one-too-many", {}), emu::Error);
    EXPECT_EQ(fw.file_key("f115"), 0x2f);
}

TEST_F(FwCfgTest, SelectedFileMovesWhenAFileSortsBeforeIt) {
    FwCfg& fw = create_mmio();
    fw.add_file("m", {'m', 'm'});
    select(0x20);
    EXPECT_EQ(read(kData, 1), 'm');
    fw.add_file("a", {'a', 'a'});  // key 0x20 is now "a", as on QEMU
    EXPECT_EQ(read(kData, 1), 'a');
}

// ---- DMA ---------------------------------------------------------------------------------

TEST_F(FwCfgTest, DmaReadsAFileIntoRam) {
    FwCfg& fw = create_mmio();
    const Bytes contents = pattern(300, 3);
    fw.add_file("etc/data", contents);
    const Addr buffer = kRamBase + 0x2000;
    EXPECT_EQ(dma(select_read(fw.file_key("etc/data")), 300, buffer), 0u);
    EXPECT_EQ(ram(buffer, 300), contents);

    // Reads continue where the last stopped; 32-bit writes (high, then low) start a transfer.
    put(buffer, Bytes(300, 0));
    select(fw.file_key("etc/data"));
    write_descriptor(kDescriptor, FwCfg::kDmaRead, 100, buffer);
    write(kDma, bswap32(static_cast<std::uint32_t>(kDescriptor >> 32)), 4);
    write(kDma + 4, bswap32(static_cast<std::uint32_t>(kDescriptor)), 4);
    EXPECT_EQ(be32(ram(kDescriptor, 4), 0), 0u);
    EXPECT_EQ(dma(FwCfg::kDmaRead, 200, buffer + 100), 0u);
    EXPECT_EQ(ram(buffer, 300), contents);
    EXPECT_EQ(read(kData, 1), 0u);  // the data register shares the offset: at the end
}

TEST_F(FwCfgTest, DmaReadsTheSignatureAndDirectory) {
    FwCfg& fw = create_mmio();
    fw.add_file("bootorder", {'/', 0});
    EXPECT_EQ(dma(select_read(FwCfg::kSignature), 4, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 4), (Bytes{'Q', 'E', 'M', 'U'}));
    EXPECT_EQ(dma(select_read(FwCfg::kFileDir), 4 + 64, kRamBase), 0u);
    const Bytes dir = ram(kRamBase, 68);
    EXPECT_EQ(be32(dir, 0), 1u);
    EXPECT_EQ(be16(dir, 8), 0x20u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(&dir[12])), "bootorder");
}

TEST_F(FwCfgTest, DmaReadPastTheEndFillsZeros) {
    FwCfg& fw = create_mmio();
    fw.add_u32(FwCfg::kKernelSize, 0x01020304);
    put(kRamBase, Bytes(16, 0xff));
    EXPECT_EQ(dma(select_read(FwCfg::kKernelSize), 12, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 16), (Bytes{4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}));
    // Nothing selected (a key with no item): all zeros.
    put(kRamBase, Bytes(4, 0xff));
    EXPECT_EQ(dma(select_read(FwCfg::kSetupData), 4, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 4), Bytes(4, 0));
}

TEST_F(FwCfgTest, DmaSkipAndSelect) {
    FwCfg& fw = create_mmio();
    const Bytes contents = pattern(64, 9);
    fw.add_file("etc/table", contents);
    const std::uint16_t key = fw.file_key("etc/table");
    put(kRamBase, Bytes(8, 0xee));
    // SELECT + SKIP 10 touches no memory.
    EXPECT_EQ(dma((std::uint32_t{key} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaSkip, 10, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 8), Bytes(8, 0xee));
    EXPECT_EQ(dma(FwCfg::kDmaRead, 5, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 5), Bytes(contents.begin() + 10, contents.begin() + 15));
    // Skipping past the end is fine; what follows reads zeros.
    EXPECT_EQ(dma(FwCfg::kDmaSkip, 1000, 0), 0u);
    EXPECT_EQ(dma(FwCfg::kDmaRead, 2, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 2), Bytes(2, 0));
    // SELECT alone rewinds; no operation bit: nothing moves.
    EXPECT_EQ(dma((std::uint32_t{key} << 16) | FwCfg::kDmaSelect, 5, kRamBase), 0u);
    EXPECT_EQ(dma(FwCfg::kDmaRead, 1, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 1), Bytes{contents[0]});
}

TEST_F(FwCfgTest, DmaWriteToAWritableFileRunsTheCallback) {
    FwCfg& fw = create_mmio();
    int calls = 0;
    Bytes seen;
    std::size_t seen_offset = 0, seen_length = 0;
    fw.add_file_writable("etc/ramfb", Bytes(8, 0), [&](const Bytes& contents, std::size_t offset, std::size_t length) {
        ++calls;
        seen = contents;
        seen_offset = offset;
        seen_length = length;
    });
    fw.add_file("etc/readonly", Bytes(8, 0x11));
    const std::uint16_t key = fw.file_key("etc/ramfb");
    put(kRamBase, {0xa1, 0xa2, 0xa3, 0xa4});
    EXPECT_EQ(dma((std::uint32_t{key} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaSkip, 2, 0), 0u);
    EXPECT_EQ(dma(FwCfg::kDmaWrite, 4, kRamBase), 0u);
    const Bytes expected = {0, 0, 0xa1, 0xa2, 0xa3, 0xa4, 0, 0};
    EXPECT_EQ(*fw.find_file("etc/ramfb"), expected);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(seen_offset, 2u);
    EXPECT_EQ(seen_length, 4u);
    // The guest reads back what it wrote.
    EXPECT_EQ(dma(select_read(key), 8, kRamBase + 0x100), 0u);
    EXPECT_EQ(ram(kRamBase + 0x100, 8), expected);

    // A write that does not fit in the file fails as a whole.
    EXPECT_EQ(dma((std::uint32_t{key} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaSkip, 6, 0), 0u);
    EXPECT_EQ(dma(FwCfg::kDmaWrite, 4, kRamBase), FwCfg::kDmaError);
    EXPECT_EQ(*fw.find_file("etc/ramfb"), expected);
    // Read-only files and fixed items refuse writes.
    EXPECT_EQ(dma((std::uint32_t{fw.file_key("etc/readonly")} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaWrite, 4, kRamBase),
              FwCfg::kDmaError);
    EXPECT_EQ(*fw.find_file("etc/readonly"), Bytes(8, 0x11));
    EXPECT_EQ(dma((std::uint32_t{FwCfg::kSignature} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaWrite, 4, kRamBase),
              FwCfg::kDmaError);
    EXPECT_EQ(item(FwCfg::kSignature, 4), (Bytes{'Q', 'E', 'M', 'U'}));
    EXPECT_EQ(calls, 1);
}

TEST_F(FwCfgTest, WriteCallbackMayAddFiles) {
    FwCfg& fw = create_mmio();
    fw.add_file_writable("z/features-ok", Bytes(1, 0), [&](const Bytes&, std::size_t, std::size_t) {
        fw.add_file("a/first", {1});  // moves every key
    });
    put(kRamBase, {1});
    EXPECT_EQ(dma((std::uint32_t{fw.file_key("z/features-ok")} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaWrite, 1,
                  kRamBase),
              0u);
    EXPECT_EQ(*fw.find_file("z/features-ok"), Bytes{1});
    EXPECT_EQ(fw.file_key("z/features-ok"), 0x21);
}

// ---- Hostile DMA -----------------------------------------------------------------------

TEST_F(FwCfgTest, DmaOutsideRamSetsErrorAndStops) {
    FwCfg& fw = create_mmio();
    fw.add_file("etc/data", pattern(4096, 5));
    const std::uint16_t key = fw.file_key("etc/data");
    // Destination not mapped at all.
    EXPECT_EQ(dma(select_read(key), 16, 0x80000000), FwCfg::kDmaError);
    // Destination straddling the end of RAM: the part in RAM may be written, then ERROR.
    EXPECT_EQ(dma(select_read(key), 4096, kRamBase + kRamSize - 100), FwCfg::kDmaError);
    // Destination in ROM: read-only.
    EXPECT_EQ(dma(select_read(key), 16, kRomBase), FwCfg::kDmaError);
    EXPECT_EQ(ram(kRomBase, 16), Bytes(16, 0));
    // Wrapping past the top of the address space.
    EXPECT_EQ(dma(select_read(key), 4096, ~std::uint64_t(0) - 10), FwCfg::kDmaError);
    // A write reading its source from outside RAM.
    fw.add_file_writable("etc/w", Bytes(16, 0x77));
    EXPECT_EQ(dma((std::uint32_t{fw.file_key("etc/w")} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaWrite, 16, 0x80000000),
              FwCfg::kDmaError);
    EXPECT_EQ(*fw.find_file("etc/w"), Bytes(16, 0x77));
    // The device still works afterwards.
    EXPECT_EQ(dma(select_read(FwCfg::kSignature), 4, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 4), (Bytes{'Q', 'E', 'M', 'U'}));
}

TEST_F(FwCfgTest, DmaWithHugeLengthsEndsAtTheEndOfRam) {
    FwCfg& fw = create_mmio();
    fw.add_file("etc/small", {1, 2, 3});
    const Addr near_end = kRamBase + kRamSize - 0x3000;
    put(near_end - 4, Bytes(4, 0xcc));
    // 4 GiB - 1 bytes: the file, then zeros to the end of RAM, then ERROR.
    EXPECT_EQ(dma(select_read(fw.file_key("etc/small")), 0xffffffff, near_end), FwCfg::kDmaError);
    EXPECT_EQ(ram(near_end - 4, 8), (Bytes{0xcc, 0xcc, 0xcc, 0xcc, 1, 2, 3, 0}));
    // A huge WRITE fails at once (it cannot fit in any item).
    fw.add_file_writable("etc/w", Bytes(4, 0));
    EXPECT_EQ(dma((std::uint32_t{fw.file_key("etc/w")} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaWrite, 0xffffffff,
                  kRamBase),
              FwCfg::kDmaError);
    // A huge SKIP is only counting.
    EXPECT_EQ(dma(FwCfg::kDmaSkip, 0xffffffff, 0x123), 0u);
}

TEST_F(FwCfgTest, DmaWithGarbageControlAndDescriptors) {
    FwCfg& fw = create_mmio();
    fw.add_file("etc/data", pattern(32, 1));
    // All bits set: selects key 0xffff (beyond the last key), READ wins: zero fill to a bad address.
    EXPECT_EQ(dma(0xffffffff, 64, 0xdead0000), FwCfg::kDmaError);
    put(kRamBase, Bytes(8, 0xff));
    EXPECT_EQ(dma(0xffffffff, 8, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 8), Bytes(8, 0));
    // The guest's ERROR bit in a request is not sticky.
    EXPECT_EQ(dma(select_read(FwCfg::kSignature) | FwCfg::kDmaError, 4, kRamBase), 0u);
    // A descriptor outside RAM: nothing to read it from, nowhere to report; nothing breaks.
    write(kDma, bswap64(0x80000000), 8);
    write(kDma, bswap64(~std::uint64_t(0) - 3), 8);
    // A descriptor straddling the end of RAM: reported as ERROR where the control word is.
    const Addr straddle = kRamBase + kRamSize - 8;
    put(straddle, Bytes(8, 0));
    write(kDma, bswap64(straddle), 8);
    EXPECT_EQ(be32(ram(straddle, 4), 0), FwCfg::kDmaError);
    // A descriptor in ROM: read fine, but its status cannot be written back.
    write(kDma, bswap64(kRomBase), 8);
    // DMA aimed at fw_cfg's own registers: they are inert during the transfer.
    EXPECT_EQ(dma(select_read(fw.file_key("etc/data")), 0x18, kFwBase), 0u);
    EXPECT_EQ(dma((std::uint32_t{FwCfg::kSignature} << 16) | FwCfg::kDmaSelect | FwCfg::kDmaWrite, 8, kFwBase),
              FwCfg::kDmaError);
    write(kDma, bswap64(kDma), 8);  // the descriptor is the DMA register itself
    // Still healthy.
    EXPECT_EQ(item(FwCfg::kSignature, 4), (Bytes{'Q', 'E', 'M', 'U'}));
    EXPECT_EQ(dma(select_read(fw.file_key("etc/data")), 32, kRamBase), 0u);
    EXPECT_EQ(ram(kRamBase, 32), pattern(32, 1));
}

// ---- Realize and the I/O variant ---------------------------------------------------------

TEST_F(FwCfgTest, DmaNeedsSystemMemory) {
    auto other = registry.create("container");
    auto& none = other->add_child("machine", as<emu::Machine>(registry.create("none")));
    none.attach(loop, {});
    auto& fw = none.add_child("fw_cfg", as<FwCfg>(registry.create("fw_cfg-mmio")));
    EXPECT_THROW(fw.realize(), emu::Error);
    EXPECT_FALSE(fw.realized());
    fw.set_property("dma", "off");
    fw.realize();
    EXPECT_TRUE(fw.realized());
    emu::unrealize_tree(*other);
}

TEST_F(FwCfgTest, IoPortsAt0x510And0x514) {
    FwCfg& fw = create("fw_cfg-io");
    EXPECT_EQ(fw.get_property("iobase"), "1296");  // 0x510
    EXPECT_EQ(fw.get_property("dma-iobase"), "1300");  // 0x514
    fw.realize();
    ASSERT_EQ(fw.mmio_count(), 2u);
    emu::AddressSpace& io = *machine->io_space;
    machine->io->add_subregion(0x510, fw.mmio(0));
    machine->io->add_subregion(0x514, fw.mmio(1));
    auto in8 = [&](Addr port) {
        std::uint64_t v = 0;
        EXPECT_EQ(io.read_value(port, 1, v), MemResult::Ok);
        return static_cast<std::uint8_t>(v);
    };
    auto out = [&](Addr port, std::uint64_t value, unsigned size) {
        EXPECT_EQ(io.write_value(port, size, value), MemResult::Ok);
    };

    out(0x510, FwCfg::kSignature, 2);  // little-endian selector
    EXPECT_EQ(in8(0x511), 'Q');
    EXPECT_EQ(in8(0x511), 'E');
    EXPECT_EQ(in8(0x510), 'M');  // QEMU's combined port reads data at either byte
    EXPECT_EQ(in8(0x511), 'U');
    EXPECT_EQ(in8(0x511), 0);

    out(0x510, FwCfg::kId, 2);
    Bytes id;
    for (int i = 0; i < 4; ++i) id.push_back(in8(0x511));
    EXPECT_EQ(le32(id), FwCfg::kIdTraditional | FwCfg::kIdDma);

    fw.add_file("etc/e820", pattern(40, 4));
    out(0x510, fw.file_key("etc/e820"), 2);
    EXPECT_EQ(in8(0x511), pattern(40, 4)[0]);

    // DMA as SeaBIOS does it: big-endian halves to 0x514 (high) and 0x518 (low).
    std::uint64_t sig = 0;
    EXPECT_EQ(io.read_value(0x514, 8, sig), MemResult::Ok);
    char text[9] = {};
    std::memcpy(text, &sig, 8);
    EXPECT_STREQ(text, "QEMU CFG");
    write_descriptor(kDescriptor, select_read(fw.file_key("etc/e820")), 40, kRamBase + 0x3000);
    out(0x514, bswap32(static_cast<std::uint32_t>(kDescriptor >> 32)), 4);
    out(0x518, bswap32(static_cast<std::uint32_t>(kDescriptor)), 4);
    EXPECT_EQ(be32(ram(kDescriptor, 4), 0), 0u);
    EXPECT_EQ(ram(kRamBase + 0x3000, 40), pattern(40, 4));
}

TEST_F(FwCfgTest, IoPortsMustNotOverlap) {
    FwCfg& fw = create("fw_cfg-io");
    fw.set_property("dma-iobase", "0x511");
    EXPECT_THROW(fw.realize(), emu::Error);
}

}  // namespace
