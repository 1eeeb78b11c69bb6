// QEMU's firmware configuration device (docs/specs/fw_cfg.rst), types "fw_cfg-mmio" (ARM virt)
// and "fw_cfg-io" (x86), both implementing emu::FwCfg (sdk/include/emu/fw_cfg.h), which says
// how boards fill it.
//
// Properties (both types):
//   dma           bool, default on: the DMA interface (ID bit 1 and the DMA address register)
//   x-file-slots  how many files fit (QEMU's x-file-slots), default 0x20
// fw_cfg-io only (where the board is to map the regions; the device does not map itself):
//   iobase        default 0x510: selector (16-bit write) at +0, data (8-bit) at +0 and +1
//   dma-iobase    default 0x514: DMA address register, 8 bytes
//
// Wiring, for boards:
//   fw_cfg-mmio  mmio(0)  0x18 bytes: data at 0x0 (reads of 1..8 bytes at offset 0),
//                         selector at 0x8 (16-bit write, big-endian),
//                         DMA address at 0x10 (big-endian: one 64-bit write at 0x10, or
//                         32-bit writes of the high half at 0x10 and the low half at 0x14,
//                         which starts the transfer); reads there return "QEMU CFG".
//   fw_cfg-io    mmio(0)  2 bytes, to map at iobase in the board's I/O space
//                         (selector little-endian, as on QEMU)
//                mmio(1)  8 bytes, to map at dma-iobase (the same big-endian DMA register)
//
// Byte order as the guest sees it: the data register returns the next bytes of the item in
// stream order, i.e. a wide read, stored to memory by a little-endian CPU, lays the bytes down
// as they are in the item (QEMU computes the big-endian value and its DEVICE_BIG_ENDIAN region
// swaps it; emu's memory API passes values through, so the device packs them little-endian
// itself). The big-endian selector and DMA registers likewise take the byte-swapped value.
// Accesses QEMU refuses (reads of the selector, writes of the data register, DMA-register
// writes other than those above) read 0 and are ignored. With dma=off the DMA register reads
// 0 and ignores writes.
//
// DMA: the transfer runs synchronously when the address register is written. It reads the
// FWCfgDmaAccess at that address from the machine's system memory (Machine::system_memory())
// and moves data only through AddressSpace::read/write, in chunks of at most 64 KiB, so an
// address or length the guest makes up reaches at most what is mapped there. Any access that
// does not fully succeed (unassigned, read-only, a device refusing it, a wrap past the top of
// the address space), a WRITE to a read-only item or past its end, sets ERROR in the control
// word written back and ends the transfer; otherwise the control word is written back as 0.
// A READ past the end of the item fills the rest of the buffer with zeros (as QEMU does); a
// SKIP past it just counts. While a transfer runs, the device's own registers are inert, so a
// DMA aimed at fw_cfg itself cannot recurse or move the selection under it.
#include <emu/device.h>
#include <emu/error.h>
#include <emu/fw_cfg.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using emu::Addr;
using emu::FwCfg;
using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr std::size_t kDmaChunk = 64 * 1024;
constexpr std::uint64_t kMaxItemSize = 0xfffffffe;  // sizes are be32/le32 and < UINT32_MAX
constexpr u32 kDefaultFileSlots = 0x20;
constexpr u32 kMaxFileSlots = FwCfg::kEntryMask + 1 - FwCfg::kFileFirst;  // keys are 14 bits

u16 bswap16(u64 v) { return static_cast<u16>(((v & 0xff) << 8) | ((v >> 8) & 0xff)); }
u32 bswap32(u64 v) {
    return static_cast<u32>(((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | ((v >> 24) & 0xff));
}
u64 bswap64(u64 v) { return (u64{bswap32(v)} << 32) | bswap32(v >> 32); }
u32 load_be32(const u8* p) { return (u32{p[0]} << 24) | (u32{p[1]} << 16) | (u32{p[2]} << 8) | p[3]; }
u64 load_be64(const u8* p) { return (u64{load_be32(p)} << 32) | load_be32(p + 4); }
void store_be32(u8* p, u32 v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<u8>(v >> (24 - 8 * i));
}
void store_be16(u8* p, u16 v) {
    p[0] = static_cast<u8>(v >> 8);
    p[1] = static_cast<u8>(v);
}

std::string hex(unsigned value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

struct Item {
    std::vector<u8> data;
    bool writable = false;
    FwCfg::WriteCallback on_write;
};

struct File {
    std::string name;
    Item item;
};

// The state and guest interface both types share; they differ only in their regions.
class FwCfgBase : public FwCfg {
public:
    static void class_init(emu::ClassBuilder<FwCfgBase>& c) {
        c.boolean("dma", &FwCfgBase::dma_, true, "DMA interface (ID bit 1 and the DMA address register)");
        c.integer("x-file-slots", &FwCfgBase::file_slots_, kDefaultFileSlots, "how many files fit")
            .range(0x10, kMaxFileSlots);
    }

    FwCfgBase() {
        items_[kSignature].data = {'Q', 'E', 'M', 'U'};
        update_id();
    }

    void add_bytes(u16 key, std::vector<u8> data) override {
        if (key & kWriteChannel)
            throw emu::Error(display_name() + ": key " + hex(key) + " has the write-channel bit set");
        const u16 entry = key & kEntryMask;
        if (!(key & kArchLocal)) {
            if (entry == kSignature || entry == kId || entry == kFileDir)
                throw emu::Error(display_name() + ": key " + hex(key) + " is built in");
            if (entry >= kFileFirst)
                throw emu::Error(display_name() + ": key " + hex(key) + " is in the file range: use add_file");
        } else if (entry >= max_entry()) {
            throw emu::Error(display_name() + ": key " + hex(key) + " is beyond the last key " +
                             hex(kArchLocal | (max_entry() - 1)));
        }
        check_size(data, hex(key));
        Item& item = items_[key];
        item.data = std::move(data);
        changed();
    }

    void add_file(const std::string& name, std::vector<u8> data) override {
        insert_file(name, Item{std::move(data), false, {}});
    }

    void add_file_writable(const std::string& name, std::vector<u8> data, WriteCallback on_write) override {
        insert_file(name, Item{std::move(data), true, std::move(on_write)});
    }

    const std::vector<u8>* find_file(std::string_view name) const override {
        const auto it = find_file_slot(name);
        return it == files_.end() ? nullptr : &(*it)->item.data;
    }

    u16 file_key(std::string_view name) const override {
        const auto it = find_file_slot(name);
        return it == files_.end() ? 0 : static_cast<u16>(kFileFirst + (it - files_.begin()));
    }

    void reset() override {
        select(kSignature);
        dma_addr_ = 0;
    }

protected:
    void do_realize() override {
        if (files_.size() > file_slots_)
            throw emu::Error(display_name() + ": " + std::to_string(files_.size()) +
                             " files do not fit in x-file-slots=" + std::to_string(file_slots_));
        for (const auto& [key, item] : items_)
            if ((key & kArchLocal) && (key & kEntryMask) >= max_entry())
                throw emu::Error(display_name() + ": key " + hex(key) + " is beyond the last key");
        emu::Machine* m = machine();
        if (dma_ && (!m || !m->system_memory()))
            throw emu::Error(display_name() + ": dma=on needs a machine with system memory (or give dma=off)");
        update_id();
        // QEMU's fw_cfg_common_init items, unless the board has set them.
        if (!items_.contains(kUuid)) items_[kUuid].data.assign(16, 0);
        if (!items_.contains(kNoGraphic)) add_u16(kNoGraphic, m && m->config().nographic ? 1 : 0);
        if (!items_.contains(kBootMenu)) add_u16(kBootMenu, 0);
        changed();
        reset();
    }

    // ---- Guest interface, for the regions of the subclasses ----

    // The next size bytes of the selected item, the first in the lowest byte; 0 past its end.
    u64 data_read(unsigned size) {
        if (in_dma_) return 0;
        const Item* item = current();
        u64 value = 0;
        for (unsigned i = 0; i < size && item && cur_offset_ < item->data.size(); ++i)
            value |= u64{item->data[cur_offset_++]} << (8 * i);
        return value;
    }

    void selector_write(u16 key) {
        if (!in_dma_) select(key);
    }

    // The DMA address register (8 bytes, big-endian), offset relative to it.
    u64 dma_register_read(Addr offset, unsigned size) const {
        if (!dma_ || in_dma_ || offset + size > 8) return 0;
        u64 value = 0;
        for (unsigned i = 0; i < size; ++i)
            value |= ((kDmaSignature >> (8 * (7 - (offset + i)))) & 0xff) << (8 * i);
        return value;
    }

    void dma_register_write(Addr offset, u64 value, unsigned size) {
        if (!dma_ || in_dma_) return;
        if (size == 4 && offset == 0) {
            dma_addr_ = u64{bswap32(value)} << 32;
        } else if (size == 4 && offset == 4) {
            dma_addr_ |= bswap32(value);
            dma_transfer();
        } else if (size == 8 && offset == 0) {
            dma_addr_ = bswap64(value);
            dma_transfer();
        }
    }

private:
    u32 max_entry() const { return kFileFirst + file_slots_; }

    void update_id() {
        const u32 id = kIdTraditional | (dma_ ? kIdDma : 0);
        items_[kId].data = {static_cast<u8>(id), static_cast<u8>(id >> 8), static_cast<u8>(id >> 16),
                            static_cast<u8>(id >> 24)};
    }

    void check_size(const std::vector<u8>& data, const std::string& what) const {
        if (data.size() > kMaxItemSize)
            throw emu::Error(display_name() + ": item " + what + " is too large (" + std::to_string(data.size()) +
                             " bytes; fw_cfg items are below 4 GiB)");
    }

    std::vector<std::unique_ptr<File>>::const_iterator find_file_slot(std::string_view name) const {
        const auto it = std::lower_bound(files_.begin(), files_.end(), name,
                                         [](const std::unique_ptr<File>& f, std::string_view n) { return f->name < n; });
        return it != files_.end() && (*it)->name == name ? it : files_.end();
    }

    void insert_file(const std::string& name, Item item) {
        if (name.empty() || name.size() >= kFileNameSize || name.find('\0') != std::string::npos)
            throw emu::Error(display_name() + ": file name '" + name + "' must be 1 to " +
                             std::to_string(kFileNameSize - 1) + " bytes");
        if (find_file_slot(name) != files_.end())
            throw emu::Error(display_name() + ": duplicate file name '" + name + "'");
        if (files_.size() >= file_slots_)
            throw emu::Error(display_name() + ": no free file slot for '" + name + "' (x-file-slots=" +
                             std::to_string(file_slots_) + ")");
        check_size(item.data, "'" + name + "'");
        // Sorted by name; the file at position i has key kFileFirst + i (QEMU's layout).
        const auto pos = std::lower_bound(files_.begin(), files_.end(), name,
                                          [](const std::unique_ptr<File>& f, const std::string& n) { return f->name < n; });
        files_.insert(pos, std::make_unique<File>(File{name, std::move(item)}));
        dir_dirty_ = true;
        changed();
    }

    // Items moved or changed: re-resolve the selection on its next use.
    void changed() { cur_stale_ = true; }

    // The item a key names, or nullptr (nothing there, or beyond the last key).
    Item* lookup(u16 key) {
        const u16 entry = key & kEntryMask;
        if (entry >= max_entry()) return nullptr;
        if (!(key & kArchLocal)) {
            if (entry == kFileDir) return &directory();
            if (entry >= kFileFirst) {
                const std::size_t index = entry - kFileFirst;
                return index < files_.size() ? &files_[index]->item : nullptr;
            }
        }
        const auto it = items_.find(static_cast<u16>(key & (kArchLocal | kEntryMask)));
        return it == items_.end() ? nullptr : &it->second;
    }

    Item& directory() {
        if (dir_dirty_) {
            std::vector<u8>& d = dir_.data;
            d.assign(4 + files_.size() * kDirEntrySize, 0);
            store_be32(d.data(), static_cast<u32>(files_.size()));
            for (std::size_t i = 0; i < files_.size(); ++i) {
                u8* e = d.data() + 4 + i * kDirEntrySize;
                store_be32(e, static_cast<u32>(files_[i]->item.data.size()));
                store_be16(e + 4, static_cast<u16>(kFileFirst + i));
                std::memcpy(e + 8, files_[i]->name.data(), files_[i]->name.size());
            }
            dir_dirty_ = false;
        }
        return dir_;
    }

    Item* current() {
        if (cur_stale_) {
            cur_ = lookup(cur_key_);
            cur_stale_ = false;
        }
        return cur_;
    }

    void select(u16 key) {
        cur_key_ = key;
        cur_offset_ = 0;
        cur_stale_ = true;
    }

    // Marks a DMA transfer in progress for its scope.
    class DmaScope {
    public:
        explicit DmaScope(bool& flag) : flag_(flag) { flag_ = true; }
        ~DmaScope() { flag_ = false; }
        DmaScope(const DmaScope&) = delete;
        DmaScope& operator=(const DmaScope&) = delete;

    private:
        bool& flag_;
    };

    static bool wraps(u64 address, u64 length) { return length > 0 && address + (length - 1) < address; }

    void dma_transfer() {
        const u64 descriptor = dma_addr_;
        dma_addr_ = 0;
        emu::Machine* m = machine();
        emu::AddressSpace* space = m ? m->system_memory() : nullptr;
        if (!space) return;
        DmaScope scope(in_dma_);

        std::array<u8, 16> raw{};
        if (wraps(descriptor, raw.size()) || space->read(descriptor, raw.data(), raw.size()) != emu::MemResult::Ok) {
            write_control(*space, descriptor, kDmaError);
            return;
        }
        u32 control = load_be32(raw.data());
        u64 remaining = load_be32(raw.data() + 4);
        u64 address = load_be64(raw.data() + 8);

        if (control & kDmaSelect) select(static_cast<u16>(control >> 16));
        enum class Op { Read, Write, Skip } op = Op::Skip;
        if (control & kDmaRead)
            op = Op::Read;
        else if (control & kDmaWrite)
            op = Op::Write;
        else if (!(control & kDmaSkip))
            remaining = 0;

        static const std::array<u8, kDmaChunk> zeros{};
        std::vector<u8> buffer;
        u32 status = 0;
        while (remaining > 0 && !(status & kDmaError)) {
            Item* item = current();
            const u64 available =
                item && cur_offset_ < item->data.size() ? item->data.size() - cur_offset_ : 0;
            u64 length = 0;
            if (available == 0) {  // nothing selected, or past the end of the item
                if (op == Op::Read) {
                    length = std::min<u64>(remaining, kDmaChunk);
                    if (!guest_write(*space, address, zeros.data(), length)) status |= kDmaError;
                } else if (op == Op::Write) {
                    status |= kDmaError;
                } else {
                    length = remaining;
                }
            } else if (op == Op::Read) {
                length = std::min<u64>({remaining, available, kDmaChunk});
                // Copy first: the item cannot change under the guest access this way.
                buffer.assign(item->data.begin() + static_cast<std::ptrdiff_t>(cur_offset_),
                              item->data.begin() + static_cast<std::ptrdiff_t>(cur_offset_ + length));
                if (!guest_write(*space, address, buffer.data(), length)) status |= kDmaError;
                cur_offset_ += length;
            } else if (op == Op::Write) {
                // The whole write must land inside a writable item (QEMU's rule).
                length = remaining;
                if (!item->writable || length > available) {
                    status |= kDmaError;
                } else {
                    buffer.resize(length);
                    const u64 offset = cur_offset_;
                    if (!guest_read(*space, address, buffer.data(), length)) {
                        status |= kDmaError;
                    } else if (Item* target = current(); target && offset + length <= target->data.size()) {
                        std::memcpy(target->data.data() + offset, buffer.data(), length);
                        if (target->on_write) {
                            const WriteCallback callback = target->on_write;
                            callback(target->data, offset, length);
                        }
                    }
                }
                cur_offset_ += length;
            } else {
                length = std::min(remaining, available);
                cur_offset_ += length;
            }
            address += length;
            remaining -= length;
        }
        write_control(*space, descriptor, status);
    }

    static bool guest_write(emu::AddressSpace& space, u64 address, const u8* data, u64 length) {
        return !wraps(address, length) && space.write(address, data, length) == emu::MemResult::Ok;
    }
    static bool guest_read(emu::AddressSpace& space, u64 address, u8* data, u64 length) {
        return !wraps(address, length) && space.read(address, data, length) == emu::MemResult::Ok;
    }
    static void write_control(emu::AddressSpace& space, u64 descriptor, u32 control) {
        u8 be[4];
        store_be32(be, control);
        if (!wraps(descriptor, sizeof be)) space.write(descriptor, be, sizeof be);
    }

    bool dma_ = true;
    u32 file_slots_ = kDefaultFileSlots;

    std::map<u16, Item> items_;                  // fixed keys and arch-local keys
    std::vector<std::unique_ptr<File>> files_;   // sorted by name; stable addresses
    Item dir_;
    bool dir_dirty_ = true;

    u16 cur_key_ = kSignature;
    u64 cur_offset_ = 0;
    Item* cur_ = nullptr;
    bool cur_stale_ = true;
    u64 dma_addr_ = 0;
    bool in_dma_ = false;
};

class FwCfgMmio final : public FwCfgBase {
public:
    FwCfgMmio() {
        regs_ = emu::MemoryRegion::mmio(
            "fw_cfg", 0x18,
            {.read = [this](Addr offset, unsigned size) { return read(offset, size); },
             .write = [this](Addr offset, u64 value, unsigned size) { write(offset, value, size); },
             .valid_min = 1, .valid_max = 8, .impl_min = 1, .impl_max = 8});
        init_mmio(*regs_);
    }

private:
    u64 read(Addr offset, unsigned size) {
        if (offset == 0) return data_read(size);
        if (offset >= 0x10) return dma_register_read(offset - 0x10, size);
        return 0;  // the rest of the data register, and the write-only selector
    }

    void write(Addr offset, u64 value, unsigned size) {
        if (offset == 0x8 && size == 2)
            selector_write(bswap16(value));
        else if (offset >= 0x10)
            dma_register_write(offset - 0x10, value, size);
        // Data-register writes are ignored (QEMU >= 2.4).
    }

    std::unique_ptr<emu::MemoryRegion> regs_;
};

class FwCfgIo final : public FwCfgBase {
public:
    static void class_init(emu::ClassBuilder<FwCfgIo>& c) {
        c.integer("iobase", &FwCfgIo::iobase_, u32{0x510}, "I/O port of the selector (data at +1)").range(0, 0xfffe);
        c.integer("dma-iobase", &FwCfgIo::dma_iobase_, u32{0x514}, "I/O port of the DMA address register")
            .range(0, 0xfff8);
    }

    FwCfgIo() {
        ports_ = emu::MemoryRegion::mmio(
            "fw_cfg.io", 2,
            {.read = [this](Addr, unsigned size) { return size == 1 ? data_read(1) : u64{0}; },
             .write = [this](Addr offset, u64 value, unsigned size) {
                 if (offset == 0 && size == 2) selector_write(static_cast<u16>(value));
             },
             .valid_min = 1, .valid_max = 2, .impl_min = 1, .impl_max = 2});
        dma_ports_ = emu::MemoryRegion::mmio(
            "fw_cfg.dma", 8,
            {.read = [this](Addr offset, unsigned size) { return dma_register_read(offset, size); },
             .write = [this](Addr offset, u64 value, unsigned size) { dma_register_write(offset, value, size); },
             .valid_min = 1, .valid_max = 8, .impl_min = 1, .impl_max = 8});
        init_mmio(*ports_);
        init_mmio(*dma_ports_);
    }

protected:
    void do_realize() override {
        if (dma_iobase_ < iobase_ + 2 && iobase_ < dma_iobase_ + 8)
            throw emu::Error(display_name() + ": iobase " + hex(iobase_) + " and dma-iobase " + hex(dma_iobase_) +
                             " overlap");
        FwCfgBase::do_realize();
    }

private:
    u32 iobase_ = 0x510;
    u32 dma_iobase_ = 0x514;
    std::unique_ptr<emu::MemoryRegion> ports_, dma_ports_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "fw_cfg",
               .parent = "device",
               .abstract = true,
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "QEMU firmware configuration device (base)",
               .class_init = emu::class_init_of<FwCfgBase>(&FwCfgBase::class_init)});
    types.add({.name = "fw_cfg-mmio",
               .parent = "fw_cfg",
               .user_creatable = false,
               .aliases = {"fw_cfg_mem"},
               .description = "QEMU firmware configuration device, memory-mapped (ARM virt)",
               .factory = emu::factory_of<FwCfgMmio>()});
    types.add({.name = "fw_cfg-io",
               .parent = "fw_cfg",
               .user_creatable = false,
               .aliases = {"fw_cfg_io"},
               .description = "QEMU firmware configuration device, I/O ports 0x510/0x514 (x86)",
               .factory = emu::factory_of<FwCfgIo>(),
               .class_init = emu::class_init_of<FwCfgIo>(&FwCfgIo::class_init)});
}

}  // namespace

EMU_PLUGIN(fw_cfg, "1.0.0", "QEMU firmware configuration device (fw_cfg)", "MIT", register_types);
