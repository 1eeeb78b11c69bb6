// Intel 8254x register names, offsets and bits, as the PCI/PCI-X Family of Gigabit Ethernet
// Controllers Software Developer's Manual (8254x SDM, rev. 4.0) spells them. Only what the
// 82540EM model uses.
#pragma once

#include <cstdint>

namespace e1000 {

// ---- Register offsets in BAR0 (SDM 13.4, table 13-2) -------------------------------------------
namespace reg {
constexpr std::uint32_t kCtrl = 0x0000;
constexpr std::uint32_t kStatus = 0x0008;
constexpr std::uint32_t kEecd = 0x0010;
constexpr std::uint32_t kEerd = 0x0014;
constexpr std::uint32_t kCtrlExt = 0x0018;
constexpr std::uint32_t kFla = 0x001c;
constexpr std::uint32_t kMdic = 0x0020;
constexpr std::uint32_t kFcal = 0x0028;
constexpr std::uint32_t kFcah = 0x002c;
constexpr std::uint32_t kFct = 0x0030;
constexpr std::uint32_t kVet = 0x0038;
constexpr std::uint32_t kIcr = 0x00c0;
constexpr std::uint32_t kItr = 0x00c4;
constexpr std::uint32_t kIcs = 0x00c8;
constexpr std::uint32_t kIms = 0x00d0;
constexpr std::uint32_t kImc = 0x00d8;
constexpr std::uint32_t kRctl = 0x0100;
constexpr std::uint32_t kFcttv = 0x0170;
constexpr std::uint32_t kTxcw = 0x0178;
constexpr std::uint32_t kRxcw = 0x0180;
constexpr std::uint32_t kTctl = 0x0400;
constexpr std::uint32_t kTipg = 0x0410;
constexpr std::uint32_t kLedctl = 0x0e00;
constexpr std::uint32_t kPba = 0x1000;
constexpr std::uint32_t kFcrtl = 0x2160;
constexpr std::uint32_t kFcrth = 0x2168;
constexpr std::uint32_t kRdbal = 0x2800;
constexpr std::uint32_t kRdbah = 0x2804;
constexpr std::uint32_t kRdlen = 0x2808;
constexpr std::uint32_t kRdh = 0x2810;
constexpr std::uint32_t kRdt = 0x2818;
constexpr std::uint32_t kRdtr = 0x2820;
constexpr std::uint32_t kRxdctl = 0x2828;
constexpr std::uint32_t kRadv = 0x282c;
constexpr std::uint32_t kRsrpd = 0x2c00;
constexpr std::uint32_t kTxdmac = 0x3000;
constexpr std::uint32_t kTdfh = 0x3410;
constexpr std::uint32_t kTdft = 0x3418;
constexpr std::uint32_t kTdfhs = 0x3420;
constexpr std::uint32_t kTdfts = 0x3428;
constexpr std::uint32_t kTdfpc = 0x3430;
constexpr std::uint32_t kTdbal = 0x3800;
constexpr std::uint32_t kTdbah = 0x3804;
constexpr std::uint32_t kTdlen = 0x3808;
constexpr std::uint32_t kTdh = 0x3810;
constexpr std::uint32_t kTdt = 0x3818;
constexpr std::uint32_t kTidv = 0x3820;
constexpr std::uint32_t kTxdctl = 0x3828;
constexpr std::uint32_t kTadv = 0x382c;
constexpr std::uint32_t kTspmt = 0x3830;
constexpr std::uint32_t kStatsFirst = 0x4000;  // statistics block, all clear-on-read
constexpr std::uint32_t kStatsLast = 0x40fc;
constexpr std::uint32_t kRxcsum = 0x5000;
constexpr std::uint32_t kMta = 0x5200;   // 128 multicast table words
constexpr std::uint32_t kRal0 = 0x5400;  // 16 receive address pairs (RAL, RAH)
constexpr std::uint32_t kRah0 = 0x5404;
constexpr std::uint32_t kVfta = 0x5600;  // 128 VLAN filter words
constexpr std::uint32_t kWuc = 0x5800;
constexpr std::uint32_t kWufc = 0x5808;
constexpr std::uint32_t kWus = 0x5810;
constexpr std::uint32_t kManc = 0x5820;
constexpr std::uint32_t kIpav = 0x5838;
constexpr std::uint32_t kIp4at = 0x5840;  // 4 entries, 8 bytes apart
constexpr std::uint32_t kIp6at = 0x5880;  // 4 words
constexpr std::uint32_t kWupl = 0x5900;
constexpr std::uint32_t kWupm = 0x5a00;   // 128 bytes
constexpr std::uint32_t kFflt = 0x5f00;   // 4 entries, 8 bytes apart
// Software/firmware semaphores of the 82571 and later. Not on an 82540, but U-Boot's e1000
// driver takes them for every MAC before touching the EEPROM; like QEMU, emu keeps them as
// storage so that a driver sees its own bits granted.
constexpr std::uint32_t kSwsm = 0x5b50;
constexpr std::uint32_t kSwFwSync = 0x5b5c;
constexpr std::uint32_t kFfmt = 0x9000;   // 128 entries, 8 bytes apart
constexpr std::uint32_t kFfvt = 0x9800;   // 128 entries, 8 bytes apart

constexpr unsigned kMtaWords = 128;
constexpr unsigned kReceiveAddresses = 16;
constexpr unsigned kVftaWords = 128;
}  // namespace reg

// Statistics registers (SDM 13.7); all clear on read, the 64-bit pairs when the high half is read.
namespace stat {
constexpr std::uint32_t kCrcerrs = 0x4000, kAlgnerrc = 0x4004, kSymerrs = 0x4008, kRxerrc = 0x400c;
constexpr std::uint32_t kMpc = 0x4010, kScc = 0x4014, kEcol = 0x4018, kMcc = 0x401c, kLatecol = 0x4020;
constexpr std::uint32_t kColc = 0x4028, kDc = 0x4030, kTncrs = 0x4034, kSec = 0x4038, kCexterr = 0x403c;
constexpr std::uint32_t kRlec = 0x4040, kXonrxc = 0x4048, kXontxc = 0x404c, kXoffrxc = 0x4050;
constexpr std::uint32_t kXofftxc = 0x4054, kFcruc = 0x4058;
constexpr std::uint32_t kPrc64 = 0x405c, kPrc127 = 0x4060, kPrc255 = 0x4064, kPrc511 = 0x4068;
constexpr std::uint32_t kPrc1023 = 0x406c, kPrc1522 = 0x4070;
constexpr std::uint32_t kGprc = 0x4074, kBprc = 0x4078, kMprc = 0x407c, kGptc = 0x4080;
constexpr std::uint32_t kGorcl = 0x4088, kGorch = 0x408c, kGotcl = 0x4090, kGotch = 0x4094;
constexpr std::uint32_t kRnbc = 0x40a0, kRuc = 0x40a4, kRfc = 0x40a8, kRoc = 0x40ac, kRjc = 0x40b0;
constexpr std::uint32_t kMgtprc = 0x40b4, kMgtpdc = 0x40b8, kMgtptc = 0x40bc;
constexpr std::uint32_t kTorl = 0x40c0, kTorh = 0x40c4, kTotl = 0x40c8, kToth = 0x40cc;
constexpr std::uint32_t kTpr = 0x40d0, kTpt = 0x40d4;
constexpr std::uint32_t kPtc64 = 0x40d8, kPtc127 = 0x40dc, kPtc255 = 0x40e0, kPtc511 = 0x40e4;
constexpr std::uint32_t kPtc1023 = 0x40e8, kPtc1522 = 0x40ec;
constexpr std::uint32_t kMptc = 0x40f0, kBptc = 0x40f4, kTsctc = 0x40f8, kTsctfc = 0x40fc;
}  // namespace stat

// ---- CTRL (SDM 13.4.1) -------------------------------------------------------------------------
namespace ctrl {
constexpr std::uint32_t kFd = 1u << 0;
constexpr std::uint32_t kLrst = 1u << 3;
constexpr std::uint32_t kAsde = 1u << 5;
constexpr std::uint32_t kSlu = 1u << 6;
constexpr std::uint32_t kIlos = 1u << 7;
constexpr std::uint32_t kSpeedMask = 3u << 8;
constexpr std::uint32_t kFrcspd = 1u << 11;
constexpr std::uint32_t kFrcdpx = 1u << 12;
constexpr std::uint32_t kRst = 1u << 26;
constexpr std::uint32_t kRfce = 1u << 27;
constexpr std::uint32_t kTfce = 1u << 28;
constexpr std::uint32_t kVme = 1u << 30;
constexpr std::uint32_t kPhyRst = 1u << 31;
}  // namespace ctrl

// ---- STATUS (SDM 13.4.2) -----------------------------------------------------------------------
namespace status {
constexpr std::uint32_t kFd = 1u << 0;
constexpr std::uint32_t kLu = 1u << 1;
constexpr std::uint32_t kTxoff = 1u << 4;
constexpr std::uint32_t kSpeed1000 = 2u << 6;
constexpr std::uint32_t kAsdv1000 = 2u << 8;
constexpr std::uint32_t kMtxckok = 1u << 10;   // reserved in the SDM; QEMU reports it
}  // namespace status

// ---- EECD and EERD (SDM 13.4.4, 13.4.5) ----------------------------------------------------------
namespace eecd {
constexpr std::uint32_t kSk = 1u << 0;
constexpr std::uint32_t kCs = 1u << 1;
constexpr std::uint32_t kDi = 1u << 2;
constexpr std::uint32_t kDo = 1u << 3;
constexpr std::uint32_t kFwe = 3u << 4;
constexpr std::uint32_t kReq = 1u << 6;
constexpr std::uint32_t kGnt = 1u << 7;
constexpr std::uint32_t kPres = 1u << 8;
constexpr std::uint32_t kSize = 1u << 9;     // 0: 64 words (93C46)
}  // namespace eecd
namespace eerd {
constexpr std::uint32_t kStart = 1u << 0;
constexpr std::uint32_t kDone = 1u << 4;
constexpr unsigned kAddrShift = 8;
constexpr std::uint32_t kAddrMask = 0xff;
constexpr unsigned kDataShift = 16;
}  // namespace eerd

// ---- MDIC (SDM 13.4.7) -------------------------------------------------------------------------
namespace mdic {
constexpr std::uint32_t kDataMask = 0xffff;
constexpr unsigned kRegShift = 16;
constexpr std::uint32_t kRegMask = 0x1f;
constexpr unsigned kPhyShift = 21;
constexpr std::uint32_t kPhyMask = 0x1f;
constexpr std::uint32_t kOpWrite = 1u << 26;
constexpr std::uint32_t kOpRead = 2u << 26;
constexpr std::uint32_t kOpMask = 3u << 26;
constexpr std::uint32_t kReady = 1u << 28;
constexpr std::uint32_t kInterrupt = 1u << 29;
constexpr std::uint32_t kError = 1u << 30;
}  // namespace mdic

// ---- Interrupt causes: ICR, ICS, IMS, IMC (SDM 13.4.17-21) -------------------------------------
namespace icr {
constexpr std::uint32_t kTxdw = 1u << 0;
constexpr std::uint32_t kTxqe = 1u << 1;
constexpr std::uint32_t kLsc = 1u << 2;
constexpr std::uint32_t kRxseq = 1u << 3;
constexpr std::uint32_t kRxdmt0 = 1u << 4;
constexpr std::uint32_t kRxo = 1u << 6;
constexpr std::uint32_t kRxt0 = 1u << 7;
constexpr std::uint32_t kMdac = 1u << 9;
constexpr std::uint32_t kRxcfg = 1u << 10;
constexpr std::uint32_t kTxdLow = 1u << 15;
constexpr std::uint32_t kSrpd = 1u << 16;
constexpr std::uint32_t kAll = 0x0001ffff;  // the cause bits ICS can set
}  // namespace icr

// ---- RCTL (SDM 13.4.22) ------------------------------------------------------------------------
namespace rctl {
constexpr std::uint32_t kEn = 1u << 1;
constexpr std::uint32_t kSbp = 1u << 2;
constexpr std::uint32_t kUpe = 1u << 3;
constexpr std::uint32_t kMpe = 1u << 4;
constexpr std::uint32_t kLpe = 1u << 5;
constexpr std::uint32_t kLbmMask = 3u << 6;
constexpr unsigned kRdmtsShift = 8;
constexpr std::uint32_t kRdmtsMask = 3u << 8;
constexpr unsigned kMoShift = 12;
constexpr std::uint32_t kMoMask = 3u << 12;
constexpr std::uint32_t kBam = 1u << 15;
constexpr unsigned kBsizeShift = 16;
constexpr std::uint32_t kBsizeMask = 3u << 16;
constexpr std::uint32_t kVfe = 1u << 18;
constexpr std::uint32_t kCfien = 1u << 19;
constexpr std::uint32_t kCfi = 1u << 20;
constexpr std::uint32_t kDpf = 1u << 22;
constexpr std::uint32_t kPmcf = 1u << 23;
constexpr std::uint32_t kBsex = 1u << 25;
constexpr std::uint32_t kSecrc = 1u << 26;
}  // namespace rctl

// ---- RDTR / RADV / TIDV / TADV: delays in 1.024 us units (SDM 13.4.30-33, 13.4.44) ----------
constexpr std::int64_t kDelayUnitNs = 1024;
constexpr std::uint32_t kDelayMask = 0xffff;
constexpr std::uint32_t kRdtrFpd = 1u << 31;   // flush partial descriptor block
// ITR: minimum inter-interrupt interval in 256 ns units (SDM 13.4.18).
constexpr std::int64_t kItrUnitNs = 256;

// ---- RXCSUM (SDM 13.4.37) ----------------------------------------------------------------------
namespace rxcsum {
constexpr std::uint32_t kPcssMask = 0xff;
constexpr std::uint32_t kIpofl = 1u << 8;
constexpr std::uint32_t kTuofl = 1u << 9;
}  // namespace rxcsum

// ---- RAH (SDM 13.4.40) -------------------------------------------------------------------------
namespace rah {
constexpr std::uint32_t kAddressMask = 0xffff;
constexpr std::uint32_t kAsMask = 3u << 16;   // 00: destination address
constexpr std::uint32_t kAv = 1u << 31;
}  // namespace rah

// ---- TCTL (SDM 13.4.33) ------------------------------------------------------------------------
namespace tctl {
constexpr std::uint32_t kEn = 1u << 1;
constexpr std::uint32_t kPsp = 1u << 3;
}  // namespace tctl

// ---- Descriptors (SDM 3.2.3, 3.3.3-3.3.7) -------------------------------------------------------
constexpr unsigned kDescriptorSize = 16;
// RDLEN/TDLEN: bits 19:7 (a multiple of 128 bytes, 8 descriptors).
constexpr std::uint32_t kRingLengthMask = 0x000fff80;
constexpr std::uint32_t kRingIndexMask = 0xffff;
constexpr std::uint32_t kRingBaseLowMask = 0xfffffff0;

// Receive descriptor status and error bytes.
namespace rxd {
constexpr std::uint8_t kStatusDd = 1u << 0;
constexpr std::uint8_t kStatusEop = 1u << 1;
constexpr std::uint8_t kStatusIxsm = 1u << 2;
constexpr std::uint8_t kStatusVp = 1u << 3;
constexpr std::uint8_t kStatusTcpcs = 1u << 5;
constexpr std::uint8_t kStatusIpcs = 1u << 6;
constexpr std::uint8_t kErrorTcpe = 1u << 5;
constexpr std::uint8_t kErrorIpe = 1u << 6;
}  // namespace rxd

// Transmit descriptors: the command byte (bits 31:24 of the third dword) of legacy and data
// descriptors, the TUCMD byte of context descriptors, and the status/POPTS bytes.
namespace txd {
constexpr std::uint8_t kCmdEop = 1u << 0;
constexpr std::uint8_t kCmdIfcs = 1u << 1;
constexpr std::uint8_t kCmdIc = 1u << 2;    // legacy: insert checksum
constexpr std::uint8_t kCmdTse = 1u << 2;   // extended: TCP segmentation enable
constexpr std::uint8_t kCmdRs = 1u << 3;
constexpr std::uint8_t kCmdDext = 1u << 5;
constexpr std::uint8_t kCmdVle = 1u << 6;
constexpr std::uint8_t kCmdIde = 1u << 7;
constexpr std::uint8_t kTucmdTcp = 1u << 0;  // context: TCP (else UDP)
constexpr std::uint8_t kTucmdIp = 1u << 1;   // context: IPv4 (else IPv6)
constexpr std::uint8_t kStatusDd = 1u << 0;
constexpr std::uint8_t kPoptsIxsm = 1u << 0;
constexpr std::uint8_t kPoptsTxsm = 1u << 1;
constexpr unsigned kDtypContext = 0x0;
constexpr unsigned kDtypData = 0x1;
constexpr std::uint32_t kLengthMask = 0xfffff;   // DTALEN / PAYLEN, 20 bits
}  // namespace txd

}  // namespace e1000
