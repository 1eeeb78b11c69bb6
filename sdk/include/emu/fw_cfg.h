// QEMU's firmware configuration device (fw_cfg), as seen by the boards that fill it.
//
// fw_cfg hands the firmware (U-Boot, SeaBIOS, EDK2) numbered items: a selector register picks
// an item by its 16-bit key, and the data register, or the DMA interface, reads it as a byte
// stream (QEMU's docs/specs/fw_cfg.rst). Keys below 0x20 have fixed meanings (the k* constants
// below); named "files" (etc/e820, bootorder, ...) get keys from 0x20 and are listed in the
// file directory at key 0x19.
//
// The device types live in the "fw_cfg" plugin: "fw_cfg-mmio" (ARM virt) and "fw_cfg-io"
// (x86 ports 0x510/0x511 and DMA at 0x514); both are this class. A board creates one by type
// name, realizes it, maps its regions and fills it:
//
//     auto& fw = dynamic_cast<emu::FwCfg&>(add_child("fw_cfg", registry().create("fw_cfg-mmio")));
//     fw.realize();
//     system->add_subregion(0x09020000, fw.mmio(0));
//     fw.add_u16(emu::FwCfg::kNbCpus, cpus);
//     fw.add_u32(emu::FwCfg::kKernelSize, kernel.size());
//     fw.add_bytes(emu::FwCfg::kKernelData, std::move(kernel));
//     fw.add_file("bootorder", ...);
//
// Built in: the signature (key 0, "QEMU"), the ID (key 1: bit 0 traditional interface, bit 1
// DMA), the file directory (key 0x19), and, unless the board sets them, QEMU's common items
// UUID (all zero), NOGRAPHIC (from -nographic) and BOOT_MENU (0). Items may be added before or
// after realize. All calls run under the big device lock (as board code does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "emu/device.h"

namespace emu {

class FwCfg : public Device {
public:
    // ---- Keys (QEMU's FW_CFG_*) ----
    static constexpr std::uint16_t kSignature = 0x00;      // "QEMU" (built in)
    static constexpr std::uint16_t kId = 0x01;             // le32 feature bits (built in)
    static constexpr std::uint16_t kUuid = 0x02;           // 16 bytes
    static constexpr std::uint16_t kRamSize = 0x03;        // le64 bytes
    static constexpr std::uint16_t kNoGraphic = 0x04;      // le16
    static constexpr std::uint16_t kNbCpus = 0x05;         // le16
    static constexpr std::uint16_t kMachineId = 0x06;      // le32
    static constexpr std::uint16_t kKernelAddr = 0x07;     // le32
    static constexpr std::uint16_t kKernelSize = 0x08;     // le32
    static constexpr std::uint16_t kKernelCmdline = 0x09;  // le32 (x86: command line address)
    static constexpr std::uint16_t kInitrdAddr = 0x0a;     // le32
    static constexpr std::uint16_t kInitrdSize = 0x0b;     // le32
    static constexpr std::uint16_t kBootDevice = 0x0c;     // le16
    static constexpr std::uint16_t kNuma = 0x0d;
    static constexpr std::uint16_t kBootMenu = 0x0e;       // le16
    static constexpr std::uint16_t kMaxCpus = 0x0f;        // le16
    static constexpr std::uint16_t kKernelEntry = 0x10;    // le32
    static constexpr std::uint16_t kKernelData = 0x11;     // the kernel image
    static constexpr std::uint16_t kInitrdData = 0x12;     // the initrd image
    static constexpr std::uint16_t kCmdlineAddr = 0x13;    // le32
    static constexpr std::uint16_t kCmdlineSize = 0x14;    // le32, including the NUL
    static constexpr std::uint16_t kCmdlineData = 0x15;    // NUL-terminated string
    static constexpr std::uint16_t kSetupAddr = 0x16;      // le32 (x86 real-mode setup)
    static constexpr std::uint16_t kSetupSize = 0x17;      // le32
    static constexpr std::uint16_t kSetupData = 0x18;
    static constexpr std::uint16_t kFileDir = 0x19;        // the file directory (built in)
    static constexpr std::uint16_t kFileFirst = 0x20;      // first key of a file
    // Selector bits: bit 14 is the legacy write channel (ignored: data-register writes are
    // dropped, as on QEMU >= 2.4); bit 15 selects the architecture-specific item set.
    static constexpr std::uint16_t kWriteChannel = 0x4000;
    static constexpr std::uint16_t kArchLocal = 0x8000;
    static constexpr std::uint16_t kEntryMask = 0x3fff;
    // x86 items in the architecture-specific set (QEMU's FW_CFG_ACPI_TABLES ...).
    static constexpr std::uint16_t kX86AcpiTables = kArchLocal | 0;
    static constexpr std::uint16_t kX86SmbiosEntries = kArchLocal | 1;
    static constexpr std::uint16_t kX86Irq0Override = kArchLocal | 2;
    static constexpr std::uint16_t kX86E820Table = kArchLocal | 3;
    static constexpr std::uint16_t kX86Hpet = kArchLocal | 4;

    // ---- Guest interface constants ----
    static constexpr std::uint32_t kIdTraditional = 1u << 0;  // FW_CFG_VERSION
    static constexpr std::uint32_t kIdDma = 1u << 1;          // FW_CFG_VERSION_DMA
    // FWCfgDmaAccess {be32 control; be32 length; be64 address} control bits; the key to
    // select is in control bits 31..16.
    static constexpr std::uint32_t kDmaError = 0x01, kDmaRead = 0x02, kDmaSkip = 0x04,
                                   kDmaSelect = 0x08, kDmaWrite = 0x10;
    static constexpr std::uint64_t kDmaSignature = 0x51454d5520434647ull;  // "QEMU CFG"
    // Directory entry {be32 size; be16 select; be16 reserved; char name[56]} after a be32 count.
    static constexpr std::size_t kFileNameSize = 56;     // names are at most 55 bytes
    static constexpr std::size_t kDirEntrySize = 64;

    // ---- Filling it ----
    // Set (or replace) the item at key: a fixed key below 0x20 other than the built-in ones
    // (signature, ID, directory), or an architecture-specific key (kArchLocal | n). Throws
    // Error for any other key or an item of 4 GiB or more.
    virtual void add_bytes(std::uint16_t key, std::vector<std::uint8_t> data) = 0;
    // Integers are stored little-endian, as QEMU's fw_cfg_add_i16/i32/i64 do.
    void add_u16(std::uint16_t key, std::uint16_t value) { add_bytes(key, le_bytes(value, 2)); }
    void add_u32(std::uint16_t key, std::uint32_t value) { add_bytes(key, le_bytes(value, 4)); }
    void add_u64(std::uint16_t key, std::uint64_t value) { add_bytes(key, le_bytes(value, 8)); }
    // The text and a terminating NUL (QEMU's fw_cfg_add_string: kCmdlineData).
    void add_string(std::uint16_t key, std::string_view text) {
        std::vector<std::uint8_t> bytes(text.begin(), text.end());
        bytes.push_back(0);
        add_bytes(key, std::move(bytes));
    }

    // Add a named file. Names are 1 to 55 bytes and unique; too many files (the device's
    // "x-file-slots") or a duplicate name throws Error. As on QEMU, the directory is sorted
    // by name and the file at position i of it has key kFileFirst + i, so adding a file may
    // move the keys of files that sort after it: look keys up (file_key) once all are added.
    virtual void add_file(const std::string& name, std::vector<std::uint8_t> data) = 0;
    // A file the guest may overwrite with a DMA WRITE (which must lie wholly inside the file;
    // it cannot grow it). on_write, if given, runs after each such write with the whole file
    // and the range written.
    using WriteCallback = std::function<void(const std::vector<std::uint8_t>& contents,
                                             std::size_t offset, std::size_t length)>;
    virtual void add_file_writable(const std::string& name, std::vector<std::uint8_t> data,
                                   WriteCallback on_write = {}) = 0;
    // The current contents of a file (as the guest may have written them), or nullptr.
    virtual const std::vector<std::uint8_t>* find_file(std::string_view name) const = 0;
    // The key a file has now, or 0 if there is no such file.
    virtual std::uint16_t file_key(std::string_view name) const = 0;

private:
    static std::vector<std::uint8_t> le_bytes(std::uint64_t value, unsigned size) {
        std::vector<std::uint8_t> bytes(size);
        for (unsigned i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
        return bytes;
    }
};

}  // namespace emu
