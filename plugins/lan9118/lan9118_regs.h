// LAN9118 register offsets and bits, named as the datasheet (and Linux's smsc911x.h) spell them.
#pragma once

#include <cstdint>

namespace lan9118 {

namespace reg {
inline constexpr unsigned kRxDataFifo = 0x00;      // 0x00..0x1c alias the RX data FIFO port
inline constexpr unsigned kTxDataFifo = 0x20;      // 0x20..0x3c alias the TX data FIFO port
inline constexpr unsigned kRxStatusFifo = 0x40, kRxStatusFifoPeek = 0x44;
inline constexpr unsigned kTxStatusFifo = 0x48, kTxStatusFifoPeek = 0x4c;
inline constexpr unsigned kIdRev = 0x50, kIntCfg = 0x54, kIntSts = 0x58, kIntEn = 0x5c;
inline constexpr unsigned kByteTest = 0x64, kFifoInt = 0x68, kRxCfg = 0x6c, kTxCfg = 0x70;
inline constexpr unsigned kHwCfg = 0x74, kRxDpCtrl = 0x78, kRxFifoInf = 0x7c, kTxFifoInf = 0x80;
inline constexpr unsigned kPmtCtrl = 0x84, kGpioCfg = 0x88, kGptCfg = 0x8c, kGptCnt = 0x90;
inline constexpr unsigned kWordSwap = 0x98, kFreeRun = 0x9c, kRxDrop = 0xa0;
inline constexpr unsigned kMacCsrCmd = 0xa4, kMacCsrData = 0xa8, kAfcCfg = 0xac;
inline constexpr unsigned kE2pCmd = 0xb0, kE2pData = 0xb4;
inline constexpr unsigned kSize = 0x100;
}  // namespace reg

inline constexpr std::uint32_t kIdRevLan9118 = 0x01180001;
inline constexpr std::uint32_t kByteTestValue = 0x87654321;

// TX command words.
namespace txcmd {
inline constexpr std::uint32_t kAInterruptOnCompletion = 1u << 31;
inline constexpr std::uint32_t kAEndAlignShift = 24, kAEndAlignMask = 3;
inline constexpr std::uint32_t kADataOffsetShift = 16, kADataOffsetMask = 0x1f;
inline constexpr std::uint32_t kAFirstSegment = 1u << 13, kALastSegment = 1u << 12;
inline constexpr std::uint32_t kABufferSizeMask = 0x7ff;
inline constexpr std::uint32_t kBTagShift = 16;
inline constexpr std::uint32_t kBAddCrcDisable = 1u << 13, kBDisablePadding = 1u << 12;
inline constexpr std::uint32_t kBPacketLengthMask = 0x7ff;
}  // namespace txcmd

// TX and RX status words.
inline constexpr std::uint32_t kTxStsError = 1u << 15;
inline constexpr std::uint32_t kTxStsNoCarrier = 1u << 10;
inline constexpr std::uint32_t kRxStsLengthShift = 16;
inline constexpr std::uint32_t kRxStsBroadcast = 1u << 13, kRxStsMulticast = 1u << 10;
inline constexpr std::uint32_t kRxStsFrameTooLong = 1u << 7, kRxStsFrameType = 1u << 5;

// INT_CFG.
inline constexpr std::uint32_t kIntCfgDeassertMask = 0xff000000u, kIntCfgIrqInt = 1u << 12;
inline constexpr std::uint32_t kIntCfgIrqEnable = 1u << 8, kIntCfgIrqPolarity = 1u << 4, kIntCfgIrqType = 1u << 0;

// INT_STS / INT_EN.
namespace irq {
inline constexpr std::uint32_t kSoftware = 1u << 31, kTxStop = 1u << 25, kRxStop = 1u << 24;
inline constexpr std::uint32_t kTxIoc = 1u << 21, kPhy = 1u << 18, kTxStatusOverflow = 1u << 16;
inline constexpr std::uint32_t kRxError = 1u << 14, kTxError = 1u << 13;
inline constexpr std::uint32_t kTxDataOverrun = 1u << 10, kTxDataAvailable = 1u << 9;
inline constexpr std::uint32_t kTxStatusFull = 1u << 8, kTxStatusLevel = 1u << 7;
inline constexpr std::uint32_t kRxDropped = 1u << 6, kRxStatusFull = 1u << 4, kRxStatusLevel = 1u << 3;
inline constexpr std::uint32_t kWritable = 0xfffff7ffu & ~(1u << 12);  // bits the driver may clear
}  // namespace irq

// RX_CFG, TX_CFG, HW_CFG, RX_DP_CTRL, PMT_CTRL, E2P_CMD, MAC_CSR_CMD.
inline constexpr std::uint32_t kRxCfgEndAlignShift = 30, kRxCfgDump = 1u << 15;
inline constexpr std::uint32_t kRxCfgDataOffsetShift = 8, kRxCfgDataOffsetMask = 0x1f;
inline constexpr std::uint32_t kTxCfgStatusDump = 1u << 15, kTxCfgDataDump = 1u << 14;
inline constexpr std::uint32_t kTxCfgStatusAllowOverrun = 1u << 2, kTxCfgOn = 1u << 1, kTxCfgStop = 1u << 0;
inline constexpr std::uint32_t kHwCfgSoftReset = 1u << 0, kHwCfg32Bit = 1u << 2;
inline constexpr std::uint32_t kHwCfgTxFifoSizeShift = 16, kHwCfgWritable = 0x003f3ff0u;
inline constexpr std::uint32_t kHwCfgReset = (5u << kHwCfgTxFifoSizeShift) | kHwCfg32Bit;
inline constexpr std::uint32_t kRxDpFastForward = 1u << 31;
inline constexpr std::uint32_t kPmtReady = 1u << 0, kPmtPhyReset = 1u << 10, kPmtWakeupStatus = 0x30;
inline constexpr std::uint32_t kE2pBusy = 1u << 31, kE2pTimeout = 1u << 9, kE2pMacLoaded = 1u << 8;
inline constexpr std::uint32_t kMacCsrBusy = 1u << 31, kMacCsrRead = 1u << 30, kMacCsrAddressMask = 0xff;
inline constexpr std::uint32_t kFifoIntReset = 0x48000000u;

// MAC CSRs (through MAC_CSR_CMD/MAC_CSR_DATA) and MAC_CR bits.
namespace mac {
inline constexpr unsigned kCr = 1, kAddrH = 2, kAddrL = 3, kHashH = 4, kHashL = 5, kMiiAcc = 6,
                          kMiiData = 7, kFlow = 8, kVlan1 = 9, kVlan2 = 10, kWuff = 11, kWucsr = 12;
inline constexpr std::uint32_t kCrRxAll = 1u << 31, kCrLoopback = 1u << 21, kCrMulticastPass = 1u << 19;
inline constexpr std::uint32_t kCrPromiscuous = 1u << 18, kCrInverseFilter = 1u << 17;
inline constexpr std::uint32_t kCrHashOnly = 1u << 15, kCrHashPerfect = 1u << 13;
inline constexpr std::uint32_t kCrBroadcastDisable = 1u << 11, kCrTxEnable = 1u << 3, kCrRxEnable = 1u << 2;
inline constexpr std::uint32_t kCrReset = kCrPromiscuous;
inline constexpr std::uint32_t kMiiBusy = 1u << 0, kMiiWrite = 1u << 1;
inline constexpr unsigned kMiiRegisterShift = 6, kMiiPhyShift = 11;
}  // namespace mac

}  // namespace lan9118
