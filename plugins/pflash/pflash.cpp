// Intel/Sharp command-set CFI parallel NOR flash (QEMU's pflash_cfi01), as on the virt board
// (two 64 MiB banks at 0) and vexpress. U-Boot's cfi_flash driver probes it and keeps its
// environment there; Linux's physmap + cfi_cmdset_0001 speak the same protocol (Debian's armmp
// kernel is built without CONFIG_MTD_CFI, so it leaves the flash alone).
//
// Type "cfi.pflash01"; not user-creatable (boards create, configure and map it).
//
// Properties (set before realize):
//   size           bytes, a power of two (CFI reports the device size as 2^n); required
//   sector-length  erase block of the whole bank in bytes (default 256K), a power of two
//   width          bank (bus) width in bytes: 1, 2 or 4 (default 4)
//   device-width   width of one chip in bytes: 1, 2 or 4, at most `width`; width/device-width
//                  chips are interleaved on the bus, each answering queries on its own lanes.
//                  0 (the default) is QEMU's legacy mode, kept for boards written against it:
//                  one chip that answers status as two x16 chips would and reads its IDs as
//                  (id0 << 8 | id1, id2 << 8 | id3); new boards should set it.
//   id0..id3       manufacturer and device codes (default 0x89, 0x18, 0, 0: Intel, as on virt).
//                  With a device width, the ID read gives id0 at 0 and id1 at 1 (id2/id3 unused).
//   file           image to preload (optional). A missing or unreadable file is an error, as
//                  is one larger than `size`; a shorter one leaves the rest erased (0xff).
//   readonly       refuse program and erase (status: program/erase error); reads still work
//
// The virt board, as QEMU's virt_flash_create1(): size=64M, sector-length=256K, width=4,
// device-width=2 (two x16 chips), id0=0x89 id1=0x18 id2=0 id3=0, and in the tree
// "cfi-flash" with bank-width = <4>. Debian's U-Boot (qemu_arm, 2023.01) then prints
// "Flash: 64 MiB": its probe matches first as a 16-bit port with x16 chips and address shift
// (chip_lsb), so flinfo shows each bank as "CFI conformant flash (16 x 16) Size: 32 MB in 256
// Sectors" -- exactly what it shows on QEMU 7.2; saveenv and the reload work.
//
// Wiring, for boards:
//   mmio(0)   `size` bytes: the array and the command interface (1, 2, 4 or 8-byte accesses,
//             aligned; little-endian). There are no interrupt lines.
//   A firmware image goes in through `file` (the array is not RAM, so load_bytes() into it
//   fails): -bios on virt becomes file=<bios> on the first bank.
//
// Commands (written at any address of the bank; only the low byte of the value counts):
//   0xff/0xf0/0x00 read array   0x70 read status   0x50 clear status   0x90 read identifier
//   0x98 CFI query              0x20,0xd0 block erase (the block of the confirm's address)
//   0x10/0x40,data word program 0xe8,count,data x (count+1),0xd0 write to buffer
//   0x60,0x01/0xd0/0x2f/0x03 lock, unlock, lock-down, set configuration: accepted, no effect
// Query and identifier addresses are in units of the bank width (0x10 -> byte 0x40 when
// width=4), and each chip answers on its own lanes: with two x16 chips, "Q" at 0x10 reads as
// 0x00510051. Program and erase complete at once: status reads 0x80 (ready) plus error bits
// 0x10 (program), 0x20 (erase), 0x30 (bad command sequence), replicated per chip; the error
// bits stay until 0x50. After program/erase/lock the device reads status until the next command,
// as the Intel parts do. Programming can only clear bits (new = old & data), as on real NOR.
// The write buffer holds writeblock = 2 KiB per chip (256 bytes when width=1), counts in bus
// writes (count+1 of them, within one writeblock-aligned window) and reaches the array only on
// the 0xd0 confirm; anything else there aborts it with status 0x30.
//
// Reads: in read-array mode an access is a copy out of the backing store (host memory from
// MemoryRegion::ram, mapped on demand). QEMU goes further with a "romd" region: the array is
// mapped as ROM for reads (the CPU executes and loads from it directly) while writes still reach
// the device, which turns the ROM view off when it leaves read-array mode. emu's memory API has
// no such region yet (a ROM's writes are dropped by the CPU and AddressSpace::write_value
// returns ReadOnly without reaching any callback), so the array is served through MMIO in
// every mode: correct, but code executed in place (U-Boot before it relocates) runs as MMIO
// fetches. Adding a rom-device kind to the core (reads from data() while romd is on, writes
// always to the callbacks, set_romd() as a topology change, and the CPU sending writes to such
// pages through write_value) would let this plugin map its store directly; the store is already
// a RAM region for that reason (erased pages would then have to be filled before mapping).
// Erased pages are not materialised: untouched 4 KiB pages of the store read as 0xff without
// committing host memory, so two 64 MiB banks cost only what is written or preloaded.
//
// Persistence: contents live in host memory for the emulator's lifetime; program and erase are
// not written back to `file`. A board reset returns to read-array mode with a clean status and
// keeps the contents (it is flash).
#include <emu/device.h>
#include <emu/error.h>
#include <emu/loader.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr u64 kPage = 4096;

// Status register bits.
constexpr u8 kStatusReady = 0x80, kStatusEraseError = 0x20, kStatusProgramError = 0x10;
constexpr u8 kStatusSequenceError = kStatusEraseError | kStatusProgramError;

class PFlash final : public emu::Device {
public:
    static void class_init(emu::ClassBuilder<PFlash>& c) {
        c.size("size", &PFlash::size_, 0, "size in bytes, a power of two");
        c.size("sector-length", &PFlash::sector_length_, 256 * 1024,
               "erase block of the whole bank in bytes (a power of two)");
        c.integer("width", &PFlash::width_, u8{4}, "bank (bus) width in bytes: 1, 2 or 4").range(1, 4);
        c.integer("device-width", &PFlash::device_width_, u8{0},
                  "width of one chip in bytes (1, 2, 4; 0: QEMU's legacy single-chip behaviour)")
            .range(0, 4);
        c.integer("id0", &PFlash::id0_, u16{0x89}, "manufacturer code");
        c.integer("id1", &PFlash::id1_, u16{0x18}, "device code");
        c.integer("id2", &PFlash::id2_, u16{0x00}, "legacy mode (device-width=0): read with id3 at ID offset 1");
        c.integer("id3", &PFlash::id3_, u16{0x00}, "legacy mode (device-width=0): read with id2 at ID offset 1");
        c.string("file", &PFlash::file_, std::nullopt, "image to preload (the rest reads erased)");
        c.boolean("readonly", &PFlash::readonly_, false, "refuse program and erase");
    }

    void reset() override {
        mode_ = Mode::ReadArray;
        pending_ = Pending::None;
        status_ = kStatusReady;
        buffer_.clear();
    }

protected:
    void do_realize() override {
        validate();
        const bool legacy = device_width_ == 0;
        chips_ = legacy ? 1u : width_ / device_width_;
        width_shift_ = static_cast<unsigned>(std::countr_zero(static_cast<unsigned>(width_)));
        // Per-chip geometry: every chip has all the blocks, each holding its share of a sector.
        const u64 chip_sector = sector_length_ / chips_;
        const u64 blocks = size_ / sector_length_;
        const u64 chip_size = chip_sector * blocks;
        const unsigned buffer_shift = width_ == 1 ? 8 : 11;
        writeblock_ = (u64{1} << buffer_shift) * chips_;
        fill_cfi_table(chip_size, buffer_shift, blocks, chip_sector);

        store_ = emu::MemoryRegion::ram("cfi.pflash01.store", size_);
        data_ = store_->data();
        present_.assign(static_cast<std::size_t>((size_ + kPage - 1) / kPage), 0);
        if (!file_.empty()) load_file();

        emu::MmioOps ops{
            .read = [this](emu::Addr offset, unsigned size) -> u64 { return read(offset, size); },
            .write = [this](emu::Addr offset, u64 value, unsigned size) { write(offset, value, size); },
            .valid_min = 1, .valid_max = 8, .impl_min = 1, .impl_max = 8};
        io_ = emu::MemoryRegion::mmio("cfi.pflash01", size_, std::move(ops));
        init_mmio(*io_);
        reset();
    }

private:
    enum class Mode { ReadArray, ReadStatus, ReadId, Query };
    // What the next write completes (the second and later cycles of a command).
    enum class Pending { None, Program, Erase, Lock, BufferCount, BufferData, BufferConfirm };

    void validate() const {
        const std::string who = display_name() + ": ";
        if (size_ == 0) throw emu::Error(who + "property 'size' must be set");
        if (!std::has_single_bit(size_))
            throw emu::Error(who + "size " + emu::format_size(size_) +
                             " is not a power of two (CFI reports the size as 2^n)");
        if (width_ != 1 && width_ != 2 && width_ != 4) throw emu::Error(who + "width must be 1, 2 or 4");
        if (device_width_ != 0 && device_width_ != 1 && device_width_ != 2 && device_width_ != 4)
            throw emu::Error(who + "device-width must be 0, 1, 2 or 4");
        if (device_width_ > width_)
            throw emu::Error(who + "device-width " + std::to_string(device_width_) + " is wider than width " +
                             std::to_string(width_));
        if (!std::has_single_bit(sector_length_) || sector_length_ > size_)
            throw emu::Error(who + "sector-length " + emu::format_size(sector_length_) +
                             " must be a power of two no larger than size");
        const u64 chips = device_width_ == 0 ? 1 : width_ / device_width_;
        const u64 chip_sector = sector_length_ / chips;
        if (chip_sector < 256 || chip_sector > 0xffff * 256ull)
            throw emu::Error(who + "sector-length " + emu::format_size(sector_length_) +
                             " gives each chip blocks outside the 256 bytes..16 MiB CFI can describe");
        if (size_ / sector_length_ > 0x10000)
            throw emu::Error(who + "more than 65536 erase blocks (raise sector-length)");
    }

    void load_file() {
        const std::vector<u8> bytes = emu::read_file(file_, display_name() + ": file");
        if (bytes.size() > size_)
            throw emu::Error(display_name() + ": file " + file_ + " is " + std::to_string(bytes.size()) +
                             " bytes, larger than the flash (" + emu::format_size(size_) + ")");
        if (bytes.empty()) return;
        materialize(0, bytes.size());
        std::memcpy(data_, bytes.data(), bytes.size());
    }

    // QEMU's table (hw/block/pflash_cfi01.c), per chip.
    void fill_cfi_table(u64 chip_size, unsigned buffer_shift, u64 blocks, u64 chip_sector) {
        cfi_.fill(0);
        auto set = [this](unsigned at, std::initializer_list<u8> bytes) {
            for (u8 b : bytes) cfi_[at++] = b;
        };
        set(0x10, {'Q', 'R', 'Y'});
        set(0x13, {0x01, 0x00});        // primary command set: Intel/Sharp extended
        set(0x15, {0x31, 0x00});        // primary extended table at 0x31
        set(0x17, {0x00, 0x00, 0x00, 0x00});  // no alternate command set
        set(0x1b, {0x45, 0x55, 0x00, 0x00});  // Vcc 4.5-5.5 V, no Vpp
        set(0x1f, {0x07, 0x07, 0x0a, 0x00});  // typical timeouts: word 2^7 us, buffer 2^7 us, block 2^10 ms, no chip erase
        set(0x23, {0x04, 0x04, 0x04, 0x00});  // maximum timeouts (x 2^n)
        cfi_[0x27] = static_cast<u8>(std::countr_zero(chip_size));  // device size 2^n bytes
        set(0x28, {0x02, 0x00});        // interface: x8/x16
        set(0x2a, {static_cast<u8>(buffer_shift), 0x00});  // write buffer 2^n bytes
        cfi_[0x2c] = 1;                 // one erase block region
        const u64 n = blocks - 1, units = chip_sector >> 8;
        set(0x2d, {static_cast<u8>(n), static_cast<u8>(n >> 8), static_cast<u8>(units), static_cast<u8>(units >> 8)});
        set(0x31, {'P', 'R', 'I', '1', '0'});  // Intel extended query, version 1.0; no optional features
        cfi_[0x3f] = 0x01;              // one protection field
    }

    // ---- Array store: pages not yet written read as erased ----------------------------------

    bool present(u64 offset) const { return present_[static_cast<std::size_t>(offset / kPage)] != 0; }
    // Make [offset, offset+length) real memory, erased where it was not yet.
    void materialize(u64 offset, u64 length) {
        for (u64 page = offset / kPage; page * kPage < offset + length; ++page) {
            u8& flag = present_[static_cast<std::size_t>(page)];
            if (flag) continue;
            const u64 start = page * kPage;
            std::memset(data_ + start, 0xff, static_cast<std::size_t>(std::min(kPage, size_ - start)));
            flag = 1;
        }
    }
    u8 array_byte(u64 offset) const { return present(offset) ? data_[offset] : 0xff; }

    // Program: bits can only go from 1 to 0.
    void program(u64 offset, u64 value, unsigned size) {
        materialize(offset, size);
        for (unsigned i = 0; i < size; ++i) data_[offset + i] &= static_cast<u8>(value >> (8 * i));
    }

    // ---- Reads ----------------------------------------------------------------------------

    u64 read(u64 offset, unsigned size) {
        if (mode_ == Mode::ReadArray && pending_ == Pending::None) {
            if (!present(offset)) return size == 8 ? ~u64{0} : (u64{1} << (8 * size)) - 1;  // aligned: one page
            u64 v = 0;
            std::memcpy(&v, data_ + offset, size);
            return v;
        }
        // Status, identifier or query: the bus word each chip drives, lane by lane.
        u64 v = 0;
        for (unsigned i = 0; i < size; ++i) {
            const u64 at = offset + i;
            const u32 word = bus_word(at & ~u64(width_ - 1));
            v |= u64((word >> (8 * (at & (width_ - 1)))) & 0xff) << (8 * i);
        }
        return v;
    }

    // The width_-byte value the bank drives for a read at this (bus-aligned) offset.
    u32 bus_word(u64 offset) const {
        if (pending_ != Pending::None || (mode_ != Mode::Query && mode_ != Mode::ReadId)) return status_word();
        const bool legacy = device_width_ == 0;
        // Query and identifier addresses count bus words (QEMU's legacy mode wraps at 256 bytes).
        const u64 index = (legacy ? (offset & 0xff) : offset) >> width_shift_;
        if (mode_ == Mode::Query) {
            const u32 entry = index < cfi_.size() ? cfi_[static_cast<std::size_t>(index)] : 0;
            return legacy ? entry : replicate(entry);
        }
        // Read identifier. Offsets 2 and up hold block lock status: unlocked (0).
        if (legacy) {
            if (index == 0) return u32(id0_) << 8 | id1_;
            if (index == 1) return u32(id2_) << 8 | id3_;
            return 0;
        }
        switch (index & 0xff) {
        case 0: return replicate(id0_);
        case 1: return replicate(id1_);
        default: return 0;
        }
    }

    u32 status_word() const {
        if (device_width_ == 0) return width_ > 2 ? u32(status_) | u32(status_) << 16 : status_;
        return replicate(status_);
    }

    // One chip's answer on each chip's lanes.
    u32 replicate(u32 value) const {
        const unsigned bits = 8u * device_width_;
        const u32 chip = bits >= 32 ? value : value & ((1u << bits) - 1);
        u32 word = 0;
        for (unsigned i = 0; i < chips_; ++i) word |= chip << (bits * i);
        return word;
    }

    // ---- Writes: the command state machine --------------------------------------------------

    void write(u64 offset, u64 value, unsigned size) {
        if (size == 8) {  // two bus cycles of 4 bytes, as the core would split it
            write(offset, value & 0xffffffff, 4);
            write(offset + 4, value >> 32, 4);
            return;
        }
        const u8 cmd = static_cast<u8>(value);
        switch (pending_) {
        case Pending::None: command(cmd); return;
        case Pending::Program:
            if (readonly_)
                status_ |= kStatusProgramError;
            else
                program(offset, value, size);
            finish();
            return;
        case Pending::Erase:
            if (cmd == 0xd0) {
                erase(offset);
                finish();
            } else if (cmd == 0xff) {
                read_array();
            } else {
                status_ |= kStatusSequenceError;
                finish();
            }
            return;
        case Pending::Lock:
            // Lock (0x01), unlock (0xd0), lock-down (0x2f), set configuration (0x03): blocks are
            // always unlocked here, and there is no configuration to set.
            if (cmd == 0x01 || cmd == 0xd0 || cmd == 0x2f || cmd == 0x03)
                finish();
            else
                read_array();
            return;
        case Pending::BufferCount: {
            const unsigned count_bits = 8u * (device_width_ ? device_width_ : width_);
            const u64 count = (count_bits >= 32 ? value : value & ((u64{1} << count_bits) - 1)) + 1;
            if (count > writeblock_ >> width_shift_) {
                status_ |= kStatusSequenceError;
                finish();
                return;
            }
            buffer_remaining_ = count;
            buffer_.clear();
            buffer_error_ = false;
            pending_ = Pending::BufferData;
            return;
        }
        case Pending::BufferData:
            if (buffer_.empty()) buffer_window_ = offset & ~(writeblock_ - 1);
            if ((offset & ~(writeblock_ - 1)) != buffer_window_ || offset + size > buffer_window_ + writeblock_)
                buffer_error_ = true;
            buffer_.push_back({offset, value, size});
            if (--buffer_remaining_ == 0) pending_ = Pending::BufferConfirm;
            return;
        case Pending::BufferConfirm:
            if (cmd != 0xd0 || buffer_error_) {
                status_ |= kStatusSequenceError;  // aborted: the array is unchanged
            } else if (readonly_) {
                status_ |= kStatusProgramError;
            } else {
                for (const BufferedWrite& w : buffer_) program(w.offset, w.value, w.size);
            }
            buffer_.clear();
            finish();
            return;
        }
    }

    // The first cycle of a command (from any read mode).
    void command(u8 cmd) {
        switch (cmd) {
        case 0x00:  // QEMU's internal read-array value; harmless to accept
        case 0xf0:  // AMD reset, written by probes that try both command sets
        case 0xff: read_array(); return;
        case 0x10:
        case 0x40: pending_ = Pending::Program; return;
        case 0x20: pending_ = Pending::Erase; return;
        case 0x50: status_ = kStatusReady; return;  // the read mode does not change
        case 0x60: pending_ = Pending::Lock; return;
        case 0x70: mode_ = Mode::ReadStatus; return;
        case 0x90: mode_ = Mode::ReadId; return;
        case 0x98: mode_ = Mode::Query; return;
        case 0xe8: pending_ = Pending::BufferCount; return;  // reads give status: buffer available
        default: read_array(); return;  // unknown (e.g. AMD unlock cycles): back to the array
        }
    }

    void erase(u64 offset) {
        if (readonly_) {
            status_ |= kStatusEraseError;
            return;
        }
        const u64 base = offset & ~(sector_length_ - 1);
        if (sector_length_ % kPage == 0) {  // whole pages (base is a multiple of the sector)
            for (u64 page = base / kPage; page * kPage < base + sector_length_; ++page)
                present_[static_cast<std::size_t>(page)] = 1;
        } else {
            materialize(base, sector_length_);  // keep the rest of a partly erased page
        }
        std::memset(data_ + base, 0xff, static_cast<std::size_t>(sector_length_));
    }

    // An operation completed (at once): ready, and reads show status until the next command.
    void finish() {
        status_ |= kStatusReady;
        pending_ = Pending::None;
        mode_ = Mode::ReadStatus;
    }
    void read_array() {
        pending_ = Pending::None;
        mode_ = Mode::ReadArray;
    }

    // Properties.
    u64 size_ = 0;
    u64 sector_length_ = 256 * 1024;
    u8 width_ = 4;
    u8 device_width_ = 0;
    u16 id0_ = 0x89, id1_ = 0x18, id2_ = 0, id3_ = 0;
    std::string file_;
    bool readonly_ = false;

    // Geometry.
    unsigned chips_ = 1;
    unsigned width_shift_ = 2;
    u64 writeblock_ = 2048;
    std::array<u8, 0x52> cfi_{};

    // Array.
    std::unique_ptr<emu::MemoryRegion> store_;
    u8* data_ = nullptr;
    std::vector<u8> present_;  // per 4 KiB page: materialised (else reads as 0xff)
    std::unique_ptr<emu::MemoryRegion> io_;

    // Command state.
    Mode mode_ = Mode::ReadArray;
    Pending pending_ = Pending::None;
    u8 status_ = kStatusReady;
    struct BufferedWrite {
        u64 offset;
        u64 value;
        unsigned size;
    };
    std::vector<BufferedWrite> buffer_;
    u64 buffer_remaining_ = 0;
    u64 buffer_window_ = 0;
    bool buffer_error_ = false;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "cfi.pflash01",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Storage,
               .description = "CFI parallel NOR flash, Intel/Sharp command set",
               .factory = emu::factory_of<PFlash>(),
               .class_init = emu::class_init_of<PFlash>(&PFlash::class_init)});
}

}  // namespace

EMU_PLUGIN(pflash, "1.0.0", "CFI parallel NOR flash (Intel/Sharp command set)", "MIT", register_types);
