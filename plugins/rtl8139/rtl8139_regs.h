// RTL8139C(L)+ register offsets and bits, named after the datasheet (Linux's names in comments
// where they differ). Offsets are into the 256-byte register block behind BAR0 (I/O) and BAR1
// (memory).
#pragma once

#include <cstdint>

namespace rtl8139 {

// ---- Register offsets ----------------------------------------------------------------------------
enum Reg : unsigned {
    IDR0 = 0x00,       // MAC address, 6 bytes
    MAR0 = 0x08,       // multicast hash filter, 8 bytes
    TSD0 = 0x10,       // C mode: transmit status of descriptors 0..3 (4 x 32 bits)
    DTCCR = 0x10,      // C+ mode: dump tally counters command (64 bits, "StatsAddr")
    TSAD0 = 0x20,      // C mode: transmit start address of descriptors 0..3
    TNPDS = 0x20,      // C+ mode: normal-priority transmit descriptor ring (64 bits)
    THPDS = 0x28,      // C+ mode: high-priority transmit descriptor ring (64 bits)
    RBSTART = 0x30,    // C mode: receive buffer start
    ERBCR = 0x34,      // early receive byte count (16)
    ERSR = 0x36,       // early receive status (8)
    CR = 0x37,         // command ("ChipCmd")
    CAPR = 0x38,       // current address of packet read (16)
    CBR = 0x3a,        // current buffer address (16, read-only)
    IMR = 0x3c,        // interrupt mask (16)
    ISR = 0x3e,        // interrupt status (16, write 1 to clear)
    TCR = 0x40,        // transmit configuration ("TxConfig", 32)
    RCR = 0x44,        // receive configuration ("RxConfig", 32)
    TCTR = 0x48,       // timer count (32; any write clears it)
    MPC = 0x4c,        // missed packet counter (24 bits; any write clears it)
    CR9346 = 0x50,     // 93C46 command ("Cfg9346")
    CONFIG0 = 0x51,
    CONFIG1 = 0x52,
    TIMERINT = 0x54,   // timer interrupt threshold (32)
    MSR = 0x58,        // media status
    CONFIG3 = 0x59,
    CONFIG4 = 0x5a,
    MULINT = 0x5c,     // multiple interrupt select (16)
    RERID = 0x5e,      // PCI revision id (8)
    TSAD = 0x60,       // transmit status of all descriptors (16, read-only)
    BMCR = 0x62,       // MII basic mode control (16)
    BMSR = 0x64,       // MII basic mode status (16)
    ANAR = 0x66,       // auto-negotiation advertisement (16)
    ANLPAR = 0x68,     // auto-negotiation link partner ability (16)
    ANER = 0x6a,       // auto-negotiation expansion (16)
    DIS = 0x6c,        // disconnect counter (16)
    FCSC = 0x6e,       // false carrier sense counter (16)
    NWAYTR = 0x70,     // N-way test (16)
    REC = 0x72,        // RX_ER counter (16)
    CSCR = 0x74,       // CS configuration (16)
    CONFIG5 = 0xd8,
    TPPOLL = 0xd9,     // C+ transmit priority polling ("TxPoll", 8)
    RXMAXSIZE = 0xda,  // RTL8169 only: reads 0 on an 8139 (16)
    CPCR = 0xe0,       // C+ command ("CpCmd", 16)
    INTRMITIGATE = 0xe2,
    RDSAR = 0xe4,      // C+ receive descriptor ring (64 bits)
    ETTHR = 0xec,      // C+ early transmit threshold (8)
    FER = 0xf0,        // CardBus function event registers (4 x 32)
};

inline constexpr unsigned kRegisterBlockSize = 256;

// ---- CR (command) ---------------------------------------------------------------------------------
inline constexpr std::uint8_t kCrReset = 0x10;
inline constexpr std::uint8_t kCrRxEnable = 0x08;
inline constexpr std::uint8_t kCrTxEnable = 0x04;
inline constexpr std::uint8_t kCrBufferEmpty = 0x01;  // read-only

// ---- ISR / IMR ------------------------------------------------------------------------------------
inline constexpr std::uint16_t kIntRxOk = 0x0001;
inline constexpr std::uint16_t kIntRxErr = 0x0002;
inline constexpr std::uint16_t kIntTxOk = 0x0004;
inline constexpr std::uint16_t kIntTxErr = 0x0008;
inline constexpr std::uint16_t kIntRxOverflow = 0x0010;   // C+: receive descriptor unavailable
inline constexpr std::uint16_t kIntLinkChange = 0x0020;   // "PUN/LinkChg"
inline constexpr std::uint16_t kIntRxFifoOverflow = 0x0040;
inline constexpr std::uint16_t kIntTxDescUnavailable = 0x0080;  // C+ only
inline constexpr std::uint16_t kIntSoftware = 0x0100;     // C+ only
inline constexpr std::uint16_t kIntCableLength = 0x2000;
inline constexpr std::uint16_t kIntTimeout = 0x4000;      // TCTR reached TimerInt
inline constexpr std::uint16_t kIntSystemError = 0x8000;
inline constexpr std::uint16_t kIntAll = 0xe1ff;

// ---- TSD (C mode transmit status) -----------------------------------------------------------------
inline constexpr std::uint32_t kTsdSizeMask = 0x1fff;
inline constexpr std::uint32_t kTsdOwn = 1u << 13;   // 1: the chip is done with the buffer
inline constexpr std::uint32_t kTsdTun = 1u << 14;   // underrun
inline constexpr std::uint32_t kTsdTok = 1u << 15;
inline constexpr std::uint32_t kTsdTabt = 1u << 30;  // aborted

// ---- TCR ------------------------------------------------------------------------------------------
inline constexpr std::uint32_t kTcrClearAbort = 1u << 0;
inline constexpr std::uint32_t kTcrLoopbackMask = 3u << 17;
inline constexpr std::uint32_t kTcrLoopback = 3u << 17;
inline constexpr std::uint32_t kTcrHwVersionMask = 0x7cc00000;   // bits 30..26 and 23..22
inline constexpr std::uint32_t kTcrVersionRtl8139C = 0x74000000;
inline constexpr std::uint32_t kTcrVersionRtl8139CPlus = 0x74800000;

// ---- RCR ------------------------------------------------------------------------------------------
inline constexpr std::uint32_t kRcrAcceptAllPhys = 1u << 0;   // AAP
inline constexpr std::uint32_t kRcrAcceptMyPhys = 1u << 1;    // APM
inline constexpr std::uint32_t kRcrAcceptMulticast = 1u << 2; // AM
inline constexpr std::uint32_t kRcrAcceptBroadcast = 1u << 3; // AB
inline constexpr std::uint32_t kRcrNoWrap = 1u << 7;          // WRAP: write past the ring's end
inline constexpr unsigned kRcrBufferLengthShift = 11;          // RBLEN: 8 KiB << n

// ---- C mode receive header status -----------------------------------------------------------------
inline constexpr std::uint16_t kRxStatusOk = 0x0001;
inline constexpr std::uint16_t kRxStatusBroadcast = 0x2000;  // BAR
inline constexpr std::uint16_t kRxStatusPhysical = 0x4000;   // PAM
inline constexpr std::uint16_t kRxStatusMulticast = 0x8000;  // MAR

// ---- Cfg9346 --------------------------------------------------------------------------------------
inline constexpr std::uint8_t kEepromModeMask = 0xc0;
inline constexpr std::uint8_t kEepromModeNormal = 0x00;
inline constexpr std::uint8_t kEepromModeAutoload = 0x40;
inline constexpr std::uint8_t kEepromModeProgram = 0x80;
inline constexpr std::uint8_t kEepromModeConfigWrite = 0xc0;
inline constexpr std::uint8_t kEepromCs = 0x08;
inline constexpr std::uint8_t kEepromSk = 0x04;
inline constexpr std::uint8_t kEepromDi = 0x02;
inline constexpr std::uint8_t kEepromDo = 0x01;

// ---- MSR (media status) ---------------------------------------------------------------------------
inline constexpr std::uint8_t kMsrLinkFail = 0x04;
inline constexpr std::uint8_t kMsrSpeed10 = 0x08;

// ---- MII ------------------------------------------------------------------------------------------
inline constexpr std::uint16_t kBmcrReset = 0x8000;
inline constexpr std::uint16_t kBmcrSpeed100 = 0x2000;
inline constexpr std::uint16_t kBmcrAutoNegEnable = 0x1000;
inline constexpr std::uint16_t kBmcrRestartAutoNeg = 0x0200;
inline constexpr std::uint16_t kBmcrFullDuplex = 0x0100;
inline constexpr std::uint16_t kBmcrWritable = 0x3300;   // speed, ANE, restart, duplex (+ reset)
// 100BASE-TX full/half, 10BASE-T full/half, preamble suppression off, AN able, extended regs.
inline constexpr std::uint16_t kBmsrCapabilities = 0x7809;
inline constexpr std::uint16_t kBmsrAutoNegComplete = 0x0020;
inline constexpr std::uint16_t kBmsrLinkUp = 0x0004;
inline constexpr std::uint16_t kAnarDefault = 0x01e1;     // 100/10, full/half, IEEE 802.3
inline constexpr std::uint16_t kAnlparLinkUp = 0x05e1;    // the partner: the same plus pause
inline constexpr std::uint16_t kAnerPartnerAbleToNegotiate = 0x0001;
inline constexpr std::uint16_t kCscrLinkOk = 0x0400;

// ---- C+ ---------------------------------------------------------------------------------------------
inline constexpr std::uint16_t kCpTxEnable = 1u << 0;
inline constexpr std::uint16_t kCpRxEnable = 1u << 1;
inline constexpr std::uint16_t kCpRxChecksum = 1u << 5;
inline constexpr std::uint16_t kCpRxVlanStrip = 1u << 6;
inline constexpr std::uint16_t kCpWritable = 0x007b;      // bits 0, 1, 3..6

inline constexpr std::uint8_t kTpPollHigh = 0x80;    // HPQ
inline constexpr std::uint8_t kTpPollNormal = 0x40;  // NPQ
inline constexpr std::uint8_t kTpPollSoftInt = 0x01; // FSWInt

inline constexpr std::uint32_t kDtccrDump = 1u << 3;  // "DumpStats": dump the tally counters now
inline constexpr unsigned kTallySize = 64;

// A C+ ring ends at the descriptor with EOR; one without EOR is cut off here.
inline constexpr unsigned kMaxRingDescriptors = 1024;
// Descriptor layout: opts1, opts2 (little-endian 32-bit), buffer address (64-bit).
inline constexpr unsigned kDescriptorSize = 16;
inline constexpr std::uint32_t kDescOwn = 1u << 31;
inline constexpr std::uint32_t kDescEndOfRing = 1u << 30;
inline constexpr std::uint32_t kDescFirst = 1u << 29;
inline constexpr std::uint32_t kDescLast = 1u << 28;
// Transmit opts1.
inline constexpr std::uint32_t kTxLargeSend = 1u << 27;
inline constexpr unsigned kTxMssShift = 16;
inline constexpr std::uint32_t kTxMssMask = 0x7ff;
inline constexpr std::uint32_t kTxIpChecksum = 1u << 18;
inline constexpr std::uint32_t kTxUdpChecksum = 1u << 17;
inline constexpr std::uint32_t kTxTcpChecksum = 1u << 16;
inline constexpr std::uint32_t kTxFifoUnderrun = 1u << 25;
inline constexpr std::uint32_t kTxError = 1u << 23;
inline constexpr std::uint32_t kTxBufferSizeMask = 0xffff;
// Transmit opts2.
inline constexpr std::uint32_t kTxVlanInsert = 1u << 17;
// Receive opts1 (as given back to the driver).
inline constexpr std::uint32_t kRxBufferSizeMask = 0x1fff;
inline constexpr std::uint32_t kRxMulticast = 1u << 26;
inline constexpr std::uint32_t kRxPhysical = 1u << 25;
inline constexpr std::uint32_t kRxBroadcast = 1u << 24;
inline constexpr unsigned kRxProtocolShift = 16;   // PID1:PID0
inline constexpr std::uint32_t kRxProtocolTcp = 1, kRxProtocolUdp = 2, kRxProtocolIp = 3;
inline constexpr std::uint32_t kRxIpFail = 1u << 15;
inline constexpr std::uint32_t kRxUdpFail = 1u << 14;
inline constexpr std::uint32_t kRxTcpFail = 1u << 13;
// Receive opts2.
inline constexpr std::uint32_t kRxVlanTagged = 1u << 16;

}  // namespace rtl8139
