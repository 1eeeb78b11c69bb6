// Register offsets and ring layouts: the same facts as tests/fuzz/fuzz_*.cpp (datasheets, the
// virtio spec). Every seed puts rings at fixed window offsets: transmit ring at 0x0000 (virtio:
// receive queue), receive ring at 0x1000 (virtio: transmit queue at 0x4000, control at 0x8000),
// transmit buffers from 0x10000, receive buffers from 0x20000.
#include "lf_cards.h"

#include "lf_ops.h"

namespace emu::lf {

namespace {

constexpr std::uint32_t kTxRing = 0x0000, kRxRing = 0x1000, kTxBuffers = 0x10000, kRxBuffers = 0x20000;
constexpr std::uint64_t kVirtioMmio = 0x0a000000 + 31 * 0x200;  // virt's last virtio-mmio slot

using Bytes = std::vector<std::uint8_t>;

void put(Bytes& b, std::size_t at, std::uint64_t value, unsigned size) {
    if (b.size() < at + size) b.resize(at + size);
    for (unsigned i = 0; i < size; ++i) b[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// An Ethernet + IPv4 + TCP frame of length bytes to the card (the offloads parse it).
Bytes tcp_frame(std::size_t length) {
    Bytes f(length, 0);
    const std::uint8_t head[] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0x08, 0x00,
                                 0x45, 0x00};
    std::copy(std::begin(head), std::end(head), f.begin());
    const std::size_t ip_length = length - 14;
    f[16] = static_cast<std::uint8_t>(ip_length >> 8), f[17] = static_cast<std::uint8_t>(ip_length);
    f[22] = 64, f[23] = 6;                              // TTL, TCP
    f[26] = 10, f[29] = 1, f[30] = 10, f[33] = 2;       // 10.0.0.1 -> 10.0.0.2
    f[34] = 0x30, f[35] = 0x39, f[36] = 0x00, f[37] = 80;  // ports
    f[46] = 0x50, f[47] = 0x18;                         // data offset 5, PSH|ACK
    for (std::size_t i = 54; i < length; ++i) f[i] = static_cast<std::uint8_t>(i);
    return f;
}

// Frames of every kind the wire delivers, then time for the card to act on them.
void receive_frames(Encoder& e) {
    e.frame(60, 0, {});
    e.frame(1514, 1, {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0x08, 0x06});
    e.frame(100, 2, {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0x08, 0x00, 0x45});
    Bytes tcp = tcp_frame(64);
    e.frame(300, 3, tcp);
    e.clock(0);
}

// ---- e1000: regions 0 BAR0 (registers), 1 BAR1 (IOADDR/IODATA), 2 config ----

enum : std::uint32_t {
    kE1000Ctrl = 0x0, kE1000Icr = 0xc0, kE1000Ims = 0xd0, kE1000Rctl = 0x100, kE1000Tctl = 0x400,
    kE1000Rdbal = 0x2800, kE1000Rdlen = 0x2808, kE1000Rdh = 0x2810, kE1000Rdt = 0x2818, kE1000Tdbal = 0x3800,
    kE1000Tdlen = 0x3808, kE1000Tdh = 0x3810, kE1000Tdt = 0x3818,
};

std::vector<std::pair<std::string, Bytes>> e1000_seeds(std::uint32_t window) {
    Encoder tx, rx;
    // Transmit: a legacy descriptor, a TCP context descriptor and a TSO data descriptor.
    tx.write(0, kE1000Ims, 4, 0x1ffff);
    tx.write(0, kE1000Tdbal, 4, window + kTxRing);
    tx.write(0, kE1000Tdlen, 4, 16 * 8);
    tx.write(0, kE1000Tdh, 4, 0);
    tx.write(0, kE1000Tctl, 4, 0x0a);  // EN, PSP
    Bytes frame = tcp_frame(1200);
    tx.ram(kTxBuffers, frame);
    Bytes ring(16 * 3, 0);
    put(ring, 0, window + kTxBuffers, 8), put(ring, 8, 60, 2), put(ring, 11, 0x0b, 1);  // EOP|IFCS|RS
    // Context: IPCSS 14, IPCSO 24, IPCSE 33, TUCSS 34, TUCSO 50, MSS 536, HDRLEN 54; TSE|IP|TCP.
    put(ring, 16, 14 | 24 << 8 | 33 << 16, 4), put(ring, 20, 34 | 50 << 8, 4);
    put(ring, 24, 1200 | (0x20 | 0x04 | 0x02 | 0x08) << 24 | 0x0 << 20, 4), put(ring, 28, 54 << 8 | 536 << 16, 4);
    put(ring, 32, window + kTxBuffers, 8);
    put(ring, 40, 1200 | 1 << 20 | (0x20 | 0x04 | 0x08 | 0x01 | 0x02) << 24, 4), put(ring, 44, 0x3 << 8, 4);
    tx.ram(kTxRing, ring);
    tx.write(0, kE1000Tdt, 4, 3);
    tx.clock(0);
    tx.read(0, kE1000Icr, 4);
    tx.read(0, kE1000Tdh, 4);

    // Receive: eight descriptors, unicast/broadcast/multicast/promiscuous.
    rx.write(0, kE1000Ims, 4, 0x1ffff);
    rx.write(0, kE1000Rdbal, 4, window + kRxRing);
    rx.write(0, kE1000Rdlen, 4, 16 * 8);
    rx.write(0, kE1000Rdh, 4, 0);
    rx.write(0, kE1000Rdt, 4, 7);
    rx.write(0, kE1000Rctl, 4, 0x801a);  // EN, UPE, MPE, BAM
    for (std::uint32_t i = 0; i < 8; ++i) rx.pointer(kRxRing + 16 * i, kRxBuffers + 2048 * i);
    receive_frames(rx);
    rx.read(0, kE1000Icr, 4);
    rx.write(1, 0, 4, kE1000Rdh);  // IOADDR, then IODATA
    rx.read(1, 4, 4);
    return {{"tx", tx.bytes()}, {"rx", rx.bytes()}};
}

// ---- rtl8139: regions 0 BAR0 (I/O), 1 BAR1 (memory), 2 config ----

enum : std::uint32_t {
    kRtlTsd0 = 0x10, kRtlTsad0 = 0x20, kRtlRbstart = 0x30, kRtlCr = 0x37, kRtlCapr = 0x38, kRtlImr = 0x3c,
    kRtlIsr = 0x3e, kRtlTcr = 0x40, kRtlRcr = 0x44, kRtlTxPoll = 0xd9, kRtlCpCmd = 0xe0, kRtlRdsar = 0xe4,
};

std::vector<std::pair<std::string, Bytes>> rtl8139_seeds(std::uint32_t window) {
    Encoder classic, cplus;
    // The classic mode: a transmit slot, then the receive ring buffer.
    classic.write(0, kRtlCr, 1, 0x10);  // reset
    classic.write(0, kRtlImr, 2, 0xffff);
    classic.write(0, kRtlRbstart, 4, window + kRxBuffers);
    classic.write(0, kRtlRcr, 4, 0x8f);  // AAP, APM, AM, AB, WRAP; 8 KiB ring
    classic.write(0, kRtlCr, 1, 0x0c);   // RE, TE
    classic.ram(kTxBuffers, tcp_frame(200));
    classic.write(0, kRtlTsad0, 4, window + kTxBuffers);
    classic.write(0, kRtlTsd0, 4, 200);
    classic.clock(0);
    classic.read(0, kRtlTsd0, 4);
    receive_frames(classic);
    classic.read(0, kRtlIsr, 2);
    classic.write(0, kRtlIsr, 2, 0xffff);
    classic.write(0, kRtlCapr, 2, 0x40);
    classic.read(1, kRtlCr, 1);

    // C+ mode: descriptor rings for both directions, with checksum offload.
    cplus.write(1, kRtlCr, 1, 0x10);
    cplus.write(1, kRtlImr, 2, 0xffff);
    cplus.write(1, kRtlCpCmd, 2, 0x0023);  // C+ transmit and receive, receive checksum
    cplus.write(1, kRtlTsad0, 4, window + kTxRing);
    cplus.write(1, kRtlTsad0 + 4, 4, 0);
    cplus.write(1, kRtlRdsar, 4, window + kRxRing);
    cplus.write(1, kRtlRdsar + 4, 4, 0);
    cplus.write(1, kRtlRcr, 4, 0x0f);
    cplus.write(1, kRtlTcr, 4, 0x03000700);
    cplus.write(1, kRtlCr, 1, 0x0c);
    cplus.ram(kTxBuffers, tcp_frame(1000));
    Bytes tx(32, 0);
    // OWN, FS, LS, IPCS/TCPCS (bits 18, 16); the second one also EOR.
    put(tx, 0, 0x80000000u | 0x30000000u | 1u << 18 | 1u << 16 | 1000, 4), put(tx, 8, window + kTxBuffers, 8);
    put(tx, 16, 0xc0000000u | 0x30000000u | 1u << 27 | 536u << 16 | 1000, 4), put(tx, 24, window + kTxBuffers, 8);
    cplus.ram(kTxRing, tx);
    Bytes rx(16 * 4, 0);
    for (std::uint32_t i = 0; i < 4; ++i) {
        put(rx, 16 * i, 0x80000000u | (i == 3 ? 0x40000000u : 0) | 2048, 4);
        put(rx, 16 * i + 8, window + kRxBuffers + 2048 * i, 8);
    }
    cplus.ram(kRxRing, rx);
    cplus.write(1, kRtlTxPoll, 1, 0x40);
    cplus.clock(0);
    receive_frames(cplus);
    cplus.read(1, kRtlIsr, 2);
    return {{"classic", classic.bytes()}, {"cplus", cplus.bytes()}};
}

// ---- ne2k (DP8390): region 0 the 32 ports (pci: BAR0; isa: 0x300), then config (pci) ----

enum : std::uint32_t {
    kNeCr = 0x00, kNePstart = 0x01, kNePstop = 0x02, kNeBnry = 0x03, kNeTpsr = 0x04, kNeTbcr0 = 0x05,
    kNeTbcr1 = 0x06, kNeIsr = 0x07, kNeRsar0 = 0x08, kNeRsar1 = 0x09, kNeRbcr0 = 0x0a, kNeRbcr1 = 0x0b,
    kNeRcr = 0x0c, kNeTcr = 0x0d, kNeDcr = 0x0e, kNeImr = 0x0f, kNeData = 0x10, kNeReset = 0x1f, kNeCurr = 0x07,
};

void ne2k_init(Encoder& e) {
    e.read(0, kNeReset, 1);
    e.write(0, kNeCr, 1, 0x21);    // page 0, stop, no DMA
    e.write(0, kNeDcr, 1, 0x49);   // word transfers, normal mode, FIFO 8
    e.write(0, kNeRbcr0, 1, 0), e.write(0, kNeRbcr1, 1, 0);
    e.write(0, kNeRcr, 1, 0x1e);   // broadcast, multicast, promiscuous
    e.write(0, kNeTcr, 1, 0);
    e.write(0, kNePstart, 1, 0x46), e.write(0, kNePstop, 1, 0x80), e.write(0, kNeBnry, 1, 0x46);
    e.write(0, kNeIsr, 1, 0xff), e.write(0, kNeImr, 1, 0x7f);
    e.write(0, kNeCr, 1, 0x61);    // page 1
    for (unsigned i = 0; i < 6; ++i) e.write(0, 1 + i, 1, std::uint32_t{0x52 + i});
    e.write(0, kNeCurr, 1, 0x47);
    e.write(0, kNeCr, 1, 0x22);    // page 0, start
}

std::vector<std::pair<std::string, Bytes>> ne2k_seeds(std::uint32_t) {
    Encoder tx, rx;
    ne2k_init(tx);
    // Remote DMA the frame into page 0x40, then transmit it.
    tx.write(0, kNeRsar0, 1, 0), tx.write(0, kNeRsar1, 1, 0x40);
    tx.write(0, kNeRbcr0, 1, 64), tx.write(0, kNeRbcr1, 1, 0);
    tx.write(0, kNeCr, 1, 0x12);   // remote write
    const Bytes frame = tcp_frame(64);
    for (std::size_t i = 0; i < frame.size(); i += 2)
        tx.write(0, kNeData, 2, static_cast<std::uint32_t>(frame[i] | frame[i + 1] << 8));
    tx.write(0, kNeTpsr, 1, 0x40), tx.write(0, kNeTbcr0, 1, 64), tx.write(0, kNeTbcr1, 1, 0);
    tx.write(0, kNeCr, 1, 0x26);   // transmit
    tx.clock(0);
    tx.read(0, kNeIsr, 1);
    tx.write(0, kNeIsr, 1, 0xff);

    ne2k_init(rx);
    receive_frames(rx);
    rx.read(0, kNeIsr, 1);
    // Read the first received frame's header and data back by remote DMA.
    rx.write(0, kNeRsar0, 1, 0), rx.write(0, kNeRsar1, 1, 0x47);
    rx.write(0, kNeRbcr0, 1, 64), rx.write(0, kNeRbcr1, 1, 0);
    rx.write(0, kNeCr, 1, 0x0a);   // remote read
    for (unsigned i = 0; i < 32; ++i) rx.read(0, kNeData, 2);
    rx.write(0, kNeBnry, 1, 0x47);
    rx.write(0, kNeCr, 1, 0x62);
    rx.read(0, kNeCurr, 1);
    return {{"tx", tx.bytes()}, {"rx", rx.bytes()}};
}

// ---- virtio-net: split virtqueues (legacy layout: desc, avail, used on the next page) ----

constexpr std::uint32_t kVqRx = 0x0000, kVqTx = 0x4000, kVqCtrl = 0x8000;
// MAC, CSUM, GUEST_CSUM, GUEST_TSO4, HOST_TSO4, MRG_RXBUF, STATUS, CTRL_VQ, CTRL_RX.
constexpr std::uint32_t kVirtioFeatures = 0x20 | 0x1 | 0x2 | 0x80 | 0x800 | 0x8000 | 0x10000 | 0x20000 | 0x40000;
constexpr std::uint32_t kNetHeader = 12;  // with MRG_RXBUF

Bytes descriptor(std::uint64_t address, std::uint32_t length, std::uint16_t flags, std::uint16_t next) {
    Bytes d;
    put(d, 0, address, 8), put(d, 8, length, 4), put(d, 12, flags, 2), put(d, 14, next, 2);
    return d;
}

// Descriptors, the avail ring (size entries) naming heads, idx = heads.size().
void virtqueue(Encoder& e, std::uint32_t queue, unsigned size, const std::vector<Bytes>& descriptors,
               const std::vector<std::uint16_t>& heads) {
    Bytes table;
    for (const Bytes& d : descriptors) table.insert(table.end(), d.begin(), d.end());
    e.ram(queue, table);
    Bytes avail;
    put(avail, 0, 0, 2), put(avail, 2, heads.size(), 2);
    for (std::size_t i = 0; i < heads.size(); ++i) put(avail, 4 + 2 * i, heads[i], 2);
    e.ram(queue + 16 * size, avail);
}

// The three queues' contents and kicks; kick(queue) writes the notify register.
template <typename Kick>
void virtio_traffic(Encoder& e, std::uint32_t window, Kick kick) {
    std::vector<Bytes> rx;
    for (std::uint16_t i = 0; i < 4; ++i) rx.push_back(descriptor(window + kRxBuffers + 2048 * i, 2048, 2, 0));
    virtqueue(e, kVqRx, 256, rx, {0, 1, 2, 3});
    kick(0);
    Bytes header(kNetHeader, 0);
    header[0] = 1, header[1] = 1;          // NEEDS_CSUM, TCPv4
    put(header, 2, 54, 2), put(header, 4, 536, 2), put(header, 6, 34, 2), put(header, 8, 16, 2);
    e.ram(kTxBuffers, header);
    e.ram(kTxBuffers + 0x100, tcp_frame(1200));
    virtqueue(e, kVqTx, 256,
              {descriptor(window + kTxBuffers, kNetHeader, 1, 1), descriptor(window + kTxBuffers + 0x100, 1200, 0, 0)},
              {0});
    kick(1);
    // Control: VIRTIO_NET_CTRL_RX PROMISC on, then the ack byte.
    e.ram(kTxBuffers + 0x1000, {0, 0, 1});
    virtqueue(e, kVqCtrl, 64,
              {descriptor(window + kTxBuffers + 0x1000, 2, 1, 1), descriptor(window + kTxBuffers + 0x1002, 1, 1, 2),
               descriptor(window + kTxBuffers + 0x1010, 1, 2, 0)},
              {0});
    kick(2);
    e.clock(0);
    receive_frames(e);
}

// Regions 0 BAR0 (legacy I/O), 1 BAR1 (MSI-X), 2 BAR4 (modern), 3 config.
std::vector<std::pair<std::string, Bytes>> virtio_pci_seeds(std::uint32_t window) {
    Encoder e;
    e.write(0, 0x12, 1, 0), e.write(0, 0x12, 1, 1), e.write(0, 0x12, 1, 3);  // reset, ACK, DRIVER
    e.read(0, 0x00, 4);
    e.write(0, 0x04, 4, kVirtioFeatures);
    for (std::uint32_t q : {0u, 1u, 2u}) {
        e.write(0, 0x0e, 2, q);
        e.read(0, 0x0c, 2);
        e.write(0, 0x08, 4, (window + (q == 0 ? kVqRx : q == 1 ? kVqTx : kVqCtrl)) >> 12);
    }
    e.write(0, 0x12, 1, 7);  // DRIVER_OK
    virtio_traffic(e, window, [&e](unsigned q) { e.write(0, 0x10, 2, q); });
    e.read(0, 0x13, 1);  // ISR
    e.read(0, 0x14, 4);  // the MAC in the device configuration
    return {{"legacy", e.bytes()}};
}

// Region 0: virtio-mmio, legacy (version 1).
std::vector<std::pair<std::string, Bytes>> virtio_mmio_seeds(std::uint32_t window) {
    Encoder e;
    e.read(0, 0x00, 4), e.read(0, 0x04, 4);
    e.write(0, 0x70, 4, 0), e.write(0, 0x70, 4, 1), e.write(0, 0x70, 4, 3);
    e.write(0, 0x24, 4, 0), e.write(0, 0x20, 4, kVirtioFeatures);
    e.write(0, 0x28, 4, 4096);
    for (std::uint32_t q : {0u, 1u, 2u}) {
        e.write(0, 0x30, 4, q);
        e.read(0, 0x34, 4);
        e.write(0, 0x38, 4, q == 2 ? 64 : 256);
        e.write(0, 0x3c, 4, 4096);
        e.write(0, 0x40, 4, (window + (q == 0 ? kVqRx : q == 1 ? kVqTx : kVqCtrl)) >> 12);
    }
    e.write(0, 0x70, 4, 7);
    virtio_traffic(e, window, [&e](unsigned q) { e.write(0, 0x50, 4, q); });
    e.read(0, 0x60, 4);
    e.write(0, 0x64, 4, 3);
    e.read(0, 0x100, 4);
    return {{"mmio", e.bytes()}};
}

}  // namespace

const std::vector<Card>& cards() {
    static const std::vector<Card> all = {
        {"e1000", "e1000", Board::Pc, {}},
        {"rtl8139", "rtl8139", Board::Pc, {}},
        {"ne2k_pci", "ne2k_pci", Board::Pc, {}},
        {"ne2k_isa", "ne2k_isa", Board::Pc, {{Region::Kind::Pio, 0x300, 0x20}}},
        {"virtio-net-pci", "virtio-net-pci", Board::Pc, {}},
        {"virtio-net-device", "virtio-net-device", Board::Virt, {{Region::Kind::Mmio, kVirtioMmio, 0x200}},
         kVirtioMmio},
    };
    return all;
}

const Card* find_card(const std::string& name) {
    for (const Card& card : cards())
        if (card.name == name) return &card;
    return nullptr;
}

std::vector<std::pair<std::string, std::vector<std::uint8_t>>> seeds(const Card& card) {
    const auto window = static_cast<std::uint32_t>((card.board == Board::Pc ? 0 : 0x40000000) + kWindowOffset);
    if (card.name == "e1000") return e1000_seeds(window);
    if (card.name == "rtl8139") return rtl8139_seeds(window);
    if (card.name == "ne2k_pci" || card.name == "ne2k_isa") return ne2k_seeds(window);
    if (card.name == "virtio-net-pci") return virtio_pci_seeds(window);
    return virtio_mmio_seeds(window);
}

}  // namespace emu::lf
