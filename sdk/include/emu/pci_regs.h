// PCI configuration-space layout: register offsets, bits and capability ids, named as the PCI
// Local Bus Specification 3.0 (ch. 6) and the PCI Express Base Specification (ch. 7) name them.
// Shared by the PCI core (emu/pci.h), host bridges and device plugins.
#pragma once

#include <cstdint>

namespace emu::pci {

// ---- Type 0 header (PCI 3.0 §6.1) ------------------------------------------------------------
inline constexpr unsigned kVendorId = 0x00;        // 16 bits, read-only
inline constexpr unsigned kDeviceId = 0x02;        // 16 bits, read-only
inline constexpr unsigned kCommand = 0x04;         // 16 bits
inline constexpr unsigned kStatus = 0x06;          // 16 bits, error bits write-1-to-clear
inline constexpr unsigned kRevisionId = 0x08;
inline constexpr unsigned kClassProg = 0x09;       // programming interface
inline constexpr unsigned kClassDevice = 0x0a;     // 16 bits: base class << 8 | subclass
inline constexpr unsigned kCacheLineSize = 0x0c;
inline constexpr unsigned kLatencyTimer = 0x0d;
inline constexpr unsigned kHeaderType = 0x0e;
inline constexpr unsigned kBist = 0x0f;
inline constexpr unsigned kBar0 = 0x10;            // six 32-bit BARs, 0x10..0x27
inline constexpr unsigned kCardbusCis = 0x28;
inline constexpr unsigned kSubsystemVendorId = 0x2c;
inline constexpr unsigned kSubsystemId = 0x2e;
inline constexpr unsigned kRomAddress = 0x30;      // expansion ROM BAR
inline constexpr unsigned kCapabilityList = 0x34;  // offset of the first capability
inline constexpr unsigned kInterruptLine = 0x3c;   // scratch register for the OS
inline constexpr unsigned kInterruptPin = 0x3d;    // 0 none, 1..4 = INTA..INTD
inline constexpr unsigned kMinGnt = 0x3e;
inline constexpr unsigned kMaxLat = 0x3f;

inline constexpr unsigned kConfigSpaceSize = 0x100;          // conventional PCI
inline constexpr unsigned kExpressConfigSpaceSize = 0x1000;  // PCI Express (extended)
inline constexpr unsigned kCapabilityStart = 0x40;           // first byte after the header

inline constexpr unsigned kBarCount = 6;     // BARs 0..5
inline constexpr unsigned kRomBar = 6;       // the expansion ROM, as a BAR index
inline constexpr unsigned bar_offset(unsigned index) { return index == kRomBar ? kRomAddress : kBar0 + 4 * index; }

// Command register bits.
inline constexpr std::uint16_t kCommandIo = 0x0001;
inline constexpr std::uint16_t kCommandMemory = 0x0002;
inline constexpr std::uint16_t kCommandMaster = 0x0004;
inline constexpr std::uint16_t kCommandSpecial = 0x0008;
inline constexpr std::uint16_t kCommandInvalidate = 0x0010;
inline constexpr std::uint16_t kCommandVgaPalette = 0x0020;
inline constexpr std::uint16_t kCommandParity = 0x0040;
inline constexpr std::uint16_t kCommandSerr = 0x0100;
inline constexpr std::uint16_t kCommandFastBack = 0x0200;
inline constexpr std::uint16_t kCommandIntxDisable = 0x0400;

// Status register bits.
inline constexpr std::uint16_t kStatusInterrupt = 0x0008;      // INTx asserted (read-only)
inline constexpr std::uint16_t kStatusCapList = 0x0010;        // capability list present
inline constexpr std::uint16_t kStatus66MHz = 0x0020;
inline constexpr std::uint16_t kStatusFastBack = 0x0080;
inline constexpr std::uint16_t kStatusParity = 0x0100;         // master data parity error
inline constexpr std::uint16_t kStatusSigTargetAbort = 0x0800;
inline constexpr std::uint16_t kStatusRecTargetAbort = 0x1000;
inline constexpr std::uint16_t kStatusRecMasterAbort = 0x2000;
inline constexpr std::uint16_t kStatusSigSystemError = 0x4000;
inline constexpr std::uint16_t kStatusDetectedParity = 0x8000;
// The error bits software clears by writing 1.
inline constexpr std::uint16_t kStatusW1cBits = kStatusParity | kStatusSigTargetAbort |
                                                kStatusRecTargetAbort | kStatusRecMasterAbort |
                                                kStatusSigSystemError | kStatusDetectedParity;

inline constexpr std::uint8_t kHeaderTypeNormal = 0x00;
inline constexpr std::uint8_t kHeaderTypeBridge = 0x01;
inline constexpr std::uint8_t kHeaderTypeMultiFunction = 0x80;

// BAR low bits (PCI 3.0 §6.2.5.1).
inline constexpr std::uint32_t kBarSpaceIo = 0x1;
inline constexpr std::uint32_t kBarMemType64 = 0x4;
inline constexpr std::uint32_t kBarMemPrefetch = 0x8;
inline constexpr std::uint32_t kBarIoMask = ~std::uint32_t{0x3};
inline constexpr std::uint32_t kBarMemMask = ~std::uint32_t{0xf};
inline constexpr std::uint32_t kRomEnable = 0x1;
inline constexpr std::uint32_t kRomAddressMask = ~std::uint32_t{0x7ff};

// Capability ids (PCI Code and ID Assignment Specification).
inline constexpr std::uint8_t kCapPowerManagement = 0x01;
inline constexpr std::uint8_t kCapMsi = 0x05;
inline constexpr std::uint8_t kCapVendor = 0x09;
inline constexpr std::uint8_t kCapExpress = 0x10;
inline constexpr std::uint8_t kCapMsix = 0x11;

// MSI capability (PCI 3.0 §6.8.1), offsets from the capability.
inline constexpr unsigned kMsiFlags = 0x02;             // message control, 16 bits
inline constexpr unsigned kMsiAddressLo = 0x04;
inline constexpr unsigned kMsiAddressHi = 0x08;         // 64-bit capable only
inline constexpr unsigned kMsiData32 = 0x08;            // data, 32-bit address layout
inline constexpr unsigned kMsiData64 = 0x0c;            // data, 64-bit address layout
inline constexpr unsigned kMsiMask32 = 0x0c, kMsiPending32 = 0x10;
inline constexpr unsigned kMsiMask64 = 0x10, kMsiPending64 = 0x14;
inline constexpr std::uint16_t kMsiFlagsEnable = 0x0001;
inline constexpr std::uint16_t kMsiFlagsQmaskShift = 1;  // multiple message capable (log2)
inline constexpr std::uint16_t kMsiFlagsQsizeShift = 4;  // multiple message enable (log2)
inline constexpr std::uint16_t kMsiFlagsQsizeMask = 0x0070;
inline constexpr std::uint16_t kMsiFlags64Bit = 0x0080;
inline constexpr std::uint16_t kMsiFlagsMaskBit = 0x0100;  // per-vector masking capable

// MSI-X capability (PCI 3.0 §6.8.2).
inline constexpr unsigned kMsixFlags = 0x02;            // message control, 16 bits
inline constexpr unsigned kMsixTable = 0x04;            // table offset | BIR
inline constexpr unsigned kMsixPba = 0x08;              // PBA offset | BIR
inline constexpr unsigned kMsixCapabilitySize = 0x0c;
inline constexpr std::uint16_t kMsixFlagsQsize = 0x07ff;   // table size - 1
inline constexpr std::uint16_t kMsixFlagsMaskAll = 0x4000; // function mask
inline constexpr std::uint16_t kMsixFlagsEnable = 0x8000;
inline constexpr std::uint32_t kMsixBirMask = 0x7;
inline constexpr unsigned kMsixEntrySize = 16;
inline constexpr unsigned kMsixEntryAddressLo = 0x0, kMsixEntryAddressHi = 0x4, kMsixEntryData = 0x8,
                          kMsixEntryVectorControl = 0xc;
inline constexpr std::uint32_t kMsixEntryMasked = 0x1;

// Class codes (base << 16 | subclass << 8 | programming interface).
inline constexpr std::uint32_t kClassBridgeHost = 0x060000;
inline constexpr std::uint32_t kClassBridgeIsa = 0x060100;
inline constexpr std::uint32_t kClassBridgePci = 0x060400;
inline constexpr std::uint32_t kClassNetworkEthernet = 0x020000;
inline constexpr std::uint32_t kClassStorageScsi = 0x010000;
inline constexpr std::uint32_t kClassOther = 0xff0000;

// Vendor ids used by QEMU-compatible devices.
inline constexpr std::uint16_t kVendorIntel = 0x8086;
inline constexpr std::uint16_t kVendorRealtek = 0x10ec;
inline constexpr std::uint16_t kVendorRedHat = 0x1b36;
inline constexpr std::uint16_t kVendorRedHatQumranet = 0x1af4;  // virtio
// What QEMU puts in the subsystem ids of a device that does not choose its own.
inline constexpr std::uint16_t kDefaultSubsystemVendorId = 0x1af4;
inline constexpr std::uint16_t kDefaultSubsystemId = 0x1100;

// devfn = slot << 3 | function.
inline constexpr std::uint8_t devfn(unsigned slot, unsigned function) {
    return static_cast<std::uint8_t>((slot & 0x1f) << 3 | (function & 7));
}
inline constexpr unsigned slot_of(std::uint8_t devfn) { return devfn >> 3; }
inline constexpr unsigned function_of(std::uint8_t devfn) { return devfn & 7; }

}  // namespace emu::pci
