// The CFI flash (cfi.pflash01): array reads of a preloaded image, identifier and CFI query as
// two interleaved x16 chips answer them (the virt board's configuration), erase, word program,
// buffered write, the status register, reset, read-only flash, legacy mode and property checks.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "device_harness.h"
#include "emu/error.h"

namespace {

constexpr emu::Addr kBase = 0x04000000;
constexpr std::uint64_t kSize = 64ull << 20;
constexpr std::uint64_t kSector = 256 * 1024;

// A command as software writes it to two x16 chips on a 32-bit bus: once per chip.
constexpr std::uint32_t x2(std::uint32_t cmd) { return cmd | cmd << 16; }

class PflashTest : public emu_test::DeviceBench {
protected:
    void SetUp() override {
        const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / "pflash.so");
        ASSERT_TRUE(record.loaded) << record.error;
    }
    void TearDown() override {
        for (const auto& path : temp_files) std::filesystem::remove(path);
    }

    // A flash configured like one bank of QEMU's virt board; extra properties as name/value.
    emu::Device& make(std::vector<std::pair<std::string, std::string>> props = {}, bool virt = true) {
        emu::Device& dev = create("cfi.pflash01", "flash" + std::to_string(count++));
        if (virt) {
            dev.set_property("size", "64M");
            dev.set_property("sector-length", "256K");
            dev.set_property("width", "4");
            dev.set_property("device-width", "2");
            dev.set_property("id0", "0x89");
            dev.set_property("id1", "0x18");
        }
        for (auto& [name, value] : props) dev.set_property(name, value);
        return dev;
    }
    emu::Device& make_mapped(std::vector<std::pair<std::string, std::string>> props = {}, bool virt = true) {
        emu::Device& dev = make(std::move(props), virt);
        dev.realize();
        map(kBase, dev.mmio(0));
        return dev;
    }

    std::string temp_file(const std::vector<std::uint8_t>& bytes) {
        const auto path = std::filesystem::temp_directory_path() /
                          ("emu-pflash-test-" + std::to_string(::getpid()) + "-" + std::to_string(temp_files.size()));
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        temp_files.push_back(path);
        return path.string();
    }

    std::uint32_t rd(emu::Addr off) { return static_cast<std::uint32_t>(read(kBase + off)); }
    void wr(emu::Addr off, std::uint32_t value) { write(kBase + off, value); }
    void cmd(emu::Addr off, std::uint32_t c) { wr(off, x2(c)); }
    // The CFI byte at query offset q (one chip's answer, as U-Boot's flash_read_uchar reads it).
    std::uint8_t cfi(unsigned q) { return static_cast<std::uint8_t>(read(kBase + q * 4, 1)); }

    int count = 0;
    std::vector<std::filesystem::path> temp_files;
};

TEST_F(PflashTest, ArrayReadsThePreloadedFile) {
    std::vector<std::uint8_t> image(10000);
    for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<std::uint8_t>(i * 7 + (i >> 8));
    emu::Device& dev = make_mapped({{"file", temp_file(image)}});
    EXPECT_EQ(dev.mmio(0).size(), kSize);
    for (std::size_t i = 0; i < image.size(); i += 997) EXPECT_EQ(read(kBase + i, 1), image[i]) << i;
    EXPECT_EQ(rd(0), image[0] | image[1] << 8 | image[2] << 16 | std::uint32_t(image[3]) << 24);
    EXPECT_EQ(read(kBase + 2, 2), image[2] | image[3] << 8);
    std::uint64_t expected = 0;
    for (int i = 7; i >= 0; --i) expected = expected << 8 | image[8 + i];
    EXPECT_EQ(read(kBase + 8, 8), expected);
    // Past the image, and on pages never written, the flash reads erased.
    EXPECT_EQ(read(kBase + 10000, 1), 0xffu);
    EXPECT_EQ(rd(10004), 0xffffffffu);
    EXPECT_EQ(read(kBase + kSize - 8, 8), ~std::uint64_t{0});
    std::vector<std::uint8_t> bulk(image.size());
    EXPECT_EQ(space->read(kBase, bulk.data(), bulk.size()), emu::MemResult::Ok);
    EXPECT_EQ(bulk, image);
}

TEST_F(PflashTest, FreshFlashIsErased) {
    make_mapped();
    EXPECT_EQ(rd(0), 0xffffffffu);
    EXPECT_EQ(rd(kSize / 2 + 0x1234 * 4), 0xffffffffu);
}

TEST_F(PflashTest, FileErrors) {
    EXPECT_THROW(make({{"file", "/nonexistent/flash.img"}}).realize(), emu::Error);
    try {
        make({{"size", "4K"}, {"sector-length", "1K"}, {"file", temp_file(std::vector<std::uint8_t>(4097, 1))}}).realize();
        ADD_FAILURE() << "a file larger than the flash was accepted";
    } catch (const emu::Error& e) {
        EXPECT_NE(std::string(e.what()).find("larger than the flash"), std::string::npos) << e.what();
    }
    // Exactly the size is fine.
    emu::Device& ok = make({{"size", "4K"}, {"sector-length", "1K"}, {"file", temp_file(std::vector<std::uint8_t>(4096, 1))}});
    EXPECT_NO_THROW(ok.realize());
}

TEST_F(PflashTest, PropertyChecks) {
    EXPECT_THROW(make({}, false).realize(), emu::Error);  // no size
    EXPECT_THROW(make({{"size", "48M"}}).realize(), emu::Error);
    EXPECT_THROW(make({{"width", "3"}}).realize(), emu::Error);
    EXPECT_THROW(make({{"width", "2"}, {"device-width", "4"}}).realize(), emu::Error);
    EXPECT_THROW(make({{"sector-length", "100K"}}).realize(), emu::Error);
    EXPECT_THROW(make({{"sector-length", "128M"}}).realize(), emu::Error);
    EXPECT_THROW(make({{"width", "5"}}), emu::Error);  // out of the property's range
}

TEST_F(PflashTest, ReadIdentifier) {
    make_mapped();
    cmd(0, 0x90);
    EXPECT_EQ(rd(0x0), 0x00890089u);  // manufacturer, from each chip
    EXPECT_EQ(rd(0x4), 0x00180018u);  // device
    EXPECT_EQ(rd(0x8), 0u);           // block lock status: unlocked
    EXPECT_EQ(rd(kSector + 0x8), 0u);
    EXPECT_EQ(read(kBase + 0x4, 1), 0x18u);
    EXPECT_EQ(read(kBase + 0x0, 8), 0x0018001800890089ull);
    cmd(0, 0xff);
    EXPECT_EQ(rd(0x0), 0xffffffffu);
}

TEST_F(PflashTest, CfiQuery) {
    make_mapped();
    cmd(0x55 * 4, 0x98);
    EXPECT_EQ(rd(0x10 * 4), 0x00510051u);  // "Q" from each chip
    EXPECT_EQ(cfi(0x10), 'Q');
    EXPECT_EQ(cfi(0x11), 'R');
    EXPECT_EQ(cfi(0x12), 'Y');
    EXPECT_EQ(cfi(0x13) | cfi(0x14) << 8, 0x0001);  // Intel/Sharp extended command set
    EXPECT_EQ(cfi(0x15) | cfi(0x16) << 8, 0x0031);  // primary extended table
    EXPECT_EQ(cfi(0x31), 'P');
    EXPECT_EQ(cfi(0x32), 'R');
    EXPECT_EQ(cfi(0x33), 'I');
    // Geometry of one chip: 32 MiB, a 2 KiB write buffer, one region of 256 blocks of 128 KiB.
    EXPECT_EQ(cfi(0x27), 25);
    EXPECT_EQ(cfi(0x2a) | cfi(0x2b) << 8, 11);
    EXPECT_EQ(cfi(0x2c), 1);
    EXPECT_EQ(cfi(0x2d) | cfi(0x2e) << 8, 255);
    EXPECT_EQ((cfi(0x2f) | cfi(0x30) << 8) * 256, 128 * 1024);
    // What U-Boot's cfi_flash makes of it with a 32-bit port and x16 chips (ratio 2).
    const unsigned ratio = 4 / 2;
    EXPECT_EQ((std::uint64_t{1} << cfi(0x27)) * ratio, kSize);
    EXPECT_EQ(std::uint64_t(cfi(0x2f) | cfi(0x30) << 8) * 256 * ratio, kSector);
    EXPECT_EQ((1u << cfi(0x2a)) * ratio, 4096u);
    // Beyond the table: 0.
    EXPECT_EQ(rd(0x60 * 4), 0u);
    // The array is untouched, and comes back with read-array.
    cmd(0, 0xff);
    EXPECT_EQ(rd(0x10 * 4), 0xffffffffu);
}

// U-Boot's flash_detect_cfi: port widths 8, 16, 32 bits, chip widths up to the port; it must
// find QRY only as two x16 chips on a 32-bit port.
TEST_F(PflashTest, UBootStyleProbe) {
    make_mapped();
    auto make_cmd = [](unsigned port, unsigned chip, std::uint32_t c) {
        std::uint32_t v = 0;
        for (unsigned i = 0; i < port; i += chip) v |= c << (8 * i);
        return v;
    };
    std::vector<std::pair<unsigned, unsigned>> found;
    for (unsigned port = 1; port <= 4; port <<= 1)
        for (unsigned chip = 1; chip <= port; chip <<= 1) {
            write(kBase, make_cmd(port, chip, 0xf0), port);
            write(kBase, make_cmd(port, chip, 0xff), port);
            write(kBase + 0x55 * port, make_cmd(port, chip, 0x98), port);
            bool qry = true;
            for (unsigned i = 0; i < 3; ++i)
                qry = qry && read(kBase + (0x10 + i) * port, port) == make_cmd(port, chip, "QRY"[i]);
            if (qry) found.push_back({port, chip});
        }
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], (std::pair<unsigned, unsigned>{4, 2}));
}

TEST_F(PflashTest, EraseThenWordProgram) {
    std::vector<std::uint8_t> image(2 * kSector, 0x5a);
    make_mapped({{"file", temp_file(image)}});
    const emu::Addr block = kSector;  // the second block
    cmd(block, 0x20);
    EXPECT_EQ(rd(block), 0x00800080u);  // the setup cycle reads status
    cmd(block + 0x100, 0xd0);           // confirm: any address in the block
    EXPECT_EQ(rd(0), 0x00800080u);      // status until the next command
    cmd(0, 0xff);
    EXPECT_EQ(rd(block), 0xffffffffu);
    EXPECT_EQ(rd(block + kSector - 4), 0xffffffffu);
    EXPECT_EQ(rd(block - 4), 0x5a5a5a5au);  // the first block is untouched
    // Word program.
    cmd(block + 8, 0x40);
    wr(block + 8, 0x12345678);
    EXPECT_EQ(rd(block + 8), 0x00800080u);
    cmd(0, 0xff);
    EXPECT_EQ(rd(block + 8), 0x12345678u);
    EXPECT_EQ(rd(block + 4), 0xffffffffu);
    // Programming only clears bits; 0x10 is the other program command.
    cmd(block + 8, 0x10);
    wr(block + 8, 0xff00ff0f);
    cmd(0, 0xff);
    EXPECT_EQ(rd(block + 8), 0x12005608u);
    // A 16-bit program of one chip's half.
    cmd(block + 12, 0x40);
    write(kBase + block + 14, 0xbeef, 2);
    cmd(0, 0xff);
    EXPECT_EQ(rd(block + 12), 0xbeefffffu);
}

TEST_F(PflashTest, EraseOfAPageNeverWritten) {
    make_mapped();
    cmd(kSize - kSector, 0x20);
    cmd(kSize - kSector, 0xd0);
    cmd(0, 0xff);
    EXPECT_EQ(rd(kSize - 4), 0xffffffffu);
}

TEST_F(PflashTest, EraseOfASectorSmallerThanAPage) {
    make_mapped({{"size", "8K"}, {"sector-length", "1K"}});
    for (emu::Addr at : {0x000u, 0x400u, 0x7fcu, 0x1000u}) {
        cmd(at, 0x40);
        wr(at, 0x11223344);
    }
    cmd(0x400, 0x20);
    cmd(0x400, 0xd0);
    cmd(0, 0xff);
    EXPECT_EQ(rd(0x000), 0x11223344u);  // the neighbours in the same host page survive
    EXPECT_EQ(rd(0x400), 0xffffffffu);
    EXPECT_EQ(rd(0x7fc), 0xffffffffu);
    EXPECT_EQ(rd(0x800), 0xffffffffu);
    EXPECT_EQ(rd(0x1000), 0x11223344u);
}

TEST_F(PflashTest, BufferedWrite) {
    make_mapped();
    const emu::Addr start = 3 * kSector + 0x800;
    cmd(start, 0xe8);
    EXPECT_EQ(rd(start) & 0x00800080u, 0x00800080u);  // buffer available
    cmd(start, 7);                                    // 8 bus writes
    for (unsigned i = 0; i < 8; ++i) {
        wr(start + 4 * i, 0xa0000000u + i);
        EXPECT_EQ(rd(start), 0x00800080u);  // status while filling
    }
    cmd(start, 0xd0);
    EXPECT_EQ(rd(start), 0x00800080u);
    cmd(0, 0xff);
    for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(rd(start + 4 * i), 0xa0000000u + i) << i;
    EXPECT_EQ(rd(start + 32), 0xffffffffu);
}

TEST_F(PflashTest, BufferedWriteOfAFullBuffer) {
    make_mapped();
    const emu::Addr start = 4096 * 5;  // 4 KiB: 2 KiB per chip
    cmd(start, 0xe8);
    cmd(start, 1023);
    for (unsigned i = 0; i < 1024; ++i) wr(start + 4 * i, i * 0x01010101u);
    cmd(start, 0xd0);
    cmd(0, 0xff);
    for (unsigned i = 0; i < 1024; i += 101) EXPECT_EQ(rd(start + 4 * i), i * 0x01010101u) << i;
}

TEST_F(PflashTest, BufferedWriteErrors) {
    make_mapped();
    // No confirm: aborted, nothing written, sequence error.
    cmd(0, 0xe8);
    cmd(0, 1);
    wr(0, 0x11111111);
    wr(4, 0x22222222);
    cmd(0, 0xff);
    EXPECT_EQ(rd(0), 0x00b000b0u);
    cmd(0, 0x50);
    EXPECT_EQ(rd(0), 0x00800080u);  // clear status keeps the read mode
    cmd(0, 0xff);
    EXPECT_EQ(rd(0), 0xffffffffu);
    EXPECT_EQ(rd(4), 0xffffffffu);
    // A count larger than the buffer.
    cmd(0, 0xe8);
    cmd(0, 1024);
    EXPECT_EQ(rd(0), 0x00b000b0u);
    cmd(0, 0x50);
    // Data outside the buffer's window.
    cmd(0, 0xe8);
    cmd(0, 1);
    wr(4092, 1);
    wr(4096, 2);
    cmd(0, 0xd0);
    EXPECT_EQ(rd(0), 0x00b000b0u);
    cmd(0, 0xff);
    EXPECT_EQ(rd(4092), 0xffffffffu);
}

TEST_F(PflashTest, StatusRegister) {
    make_mapped();
    EXPECT_EQ(rd(0), 0xffffffffu);  // read array after realize
    cmd(0, 0x70);
    EXPECT_EQ(rd(0), 0x00800080u);
    EXPECT_EQ(rd(0x123458), 0x00800080u);  // any address
    EXPECT_EQ(read(kBase, 1), 0x80u);
    EXPECT_EQ(read(kBase + 2, 2), 0x0080u);
    // Erase with a bad confirm: sequence error, kept until clear status.
    cmd(0, 0x20);
    cmd(0, 0x55);
    EXPECT_EQ(rd(0), 0x00b000b0u);
    cmd(0, 0x98);
    cmd(0, 0x70);
    EXPECT_EQ(rd(0), 0x00b000b0u);
    cmd(0, 0x50);
    EXPECT_EQ(rd(0), 0x00800080u);
    // Erase setup followed by read-array: cancelled, no error.
    cmd(0, 0x20);
    cmd(0, 0xff);
    EXPECT_EQ(rd(0), 0xffffffffu);
    cmd(0, 0x70);
    EXPECT_EQ(rd(0), 0x00800080u);
}

TEST_F(PflashTest, LockCommandsAreAcceptedWithoutEffect) {
    make_mapped();
    for (std::uint32_t second : {0x01u, 0xd0u, 0x2fu}) {
        cmd(kSector, 0x60);
        cmd(kSector, second);
        EXPECT_EQ(rd(kSector), 0x00800080u) << second;
    }
    cmd(kSector, 0x40);  // still programmable
    wr(kSector, 0);
    cmd(0, 0xff);
    EXPECT_EQ(rd(kSector), 0u);
}

TEST_F(PflashTest, ResetReturnsToReadArray) {
    emu::Device& dev = make_mapped();
    cmd(0, 0x40);
    wr(0, 0x01020304);
    cmd(0x55 * 4, 0x98);
    EXPECT_EQ(rd(0x10 * 4), 0x00510051u);
    dev.reset();
    EXPECT_EQ(rd(0x10 * 4), 0xffffffffu);
    EXPECT_EQ(rd(0), 0x01020304u);  // contents survive
    cmd(0, 0x20);  // a half-done command is dropped too
    dev.reset();
    EXPECT_EQ(rd(0), 0x01020304u);
    cmd(0, 0x70);
    EXPECT_EQ(rd(0), 0x00800080u);
}

TEST_F(PflashTest, UnknownCommandReturnsToReadArray) {
    make_mapped();
    cmd(0, 0x98);
    cmd(0x5555 * 4, 0xaa);  // an AMD unlock cycle
    EXPECT_EQ(rd(0x10 * 4), 0xffffffffu);
}

TEST_F(PflashTest, ReadonlyRefusesProgramAndErase) {
    std::vector<std::uint8_t> image(kSector, 0x33);
    make_mapped({{"file", temp_file(image)}, {"readonly", "on"}});
    cmd(0, 0x20);
    cmd(0, 0xd0);
    EXPECT_EQ(rd(0), 0x00a000a0u);  // erase error
    cmd(0, 0x50);
    cmd(0, 0x40);
    wr(0, 0);
    EXPECT_EQ(rd(0), 0x00900090u);  // program error
    cmd(0, 0x50);
    cmd(0, 0xe8);
    cmd(0, 0);
    wr(0, 0);
    cmd(0, 0xd0);
    EXPECT_EQ(rd(0), 0x00900090u);
    cmd(0, 0xff);
    EXPECT_EQ(rd(0), 0x33333333u);
    EXPECT_EQ(rd(kSector - 4), 0x33333333u);
    // Queries still work.
    cmd(0x55 * 4, 0x98);
    EXPECT_EQ(cfi(0x10), 'Q');
}

TEST_F(PflashTest, SingleX16Chip) {
    make_mapped({{"size", "8M"}, {"sector-length", "128K"}, {"width", "2"}, {"device-width", "2"}});
    write(kBase + 0x55 * 2, 0x98, 2);
    EXPECT_EQ(read(kBase + 0x10 * 2, 2), 0x0051u);
    EXPECT_EQ(read(kBase + 0x27 * 2, 2), 23u);  // 8 MiB
    EXPECT_EQ(read(kBase + 0x2d * 2, 2), 63u);  // 64 blocks
    EXPECT_EQ(read(kBase + 0x2f * 2, 2) | read(kBase + 0x30 * 2, 2) << 8, 0x200u);  // 128 KiB
    write(kBase, 0x70, 2);
    EXPECT_EQ(read(kBase, 2), 0x80u);
    EXPECT_EQ(read(kBase, 4), 0x00800080u);  // two bus words
}

TEST_F(PflashTest, LegacyModeWithoutDeviceWidth) {
    // QEMU's behaviour when device-width is not set (its vexpress boards).
    make_mapped({{"device-width", "0"}});
    cmd(0x55 * 4, 0x98);
    EXPECT_EQ(rd(0x10 * 4), 0x51u);  // one answer, not replicated
    EXPECT_EQ(rd(0x27 * 4), 26u);    // one 64 MiB chip
    EXPECT_EQ(rd(0x2a * 4), 11u);
    cmd(0, 0x90);
    EXPECT_EQ(rd(0), 0x8918u);
    EXPECT_EQ(rd(4), 0x0000u);
    cmd(0, 0x70);
    EXPECT_EQ(rd(0), 0x00800080u);
    cmd(0, 0xe8);
    wr(0, 511);  // 2 KiB buffer of 4-byte writes
    for (unsigned i = 0; i < 512; ++i) wr(4 * i, i);
    wr(0, 0xd0);
    cmd(0, 0xff);
    EXPECT_EQ(rd(4 * 511), 511u);
}

}  // namespace
