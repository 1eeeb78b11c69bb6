#include "e1000_bench.h"

#include <stdexcept>

namespace e1000_test {

namespace {

constexpr std::uint32_t kEecdSk = 1u << 0, kEecdCs = 1u << 1, kEecdDi = 1u << 2, kEecdDo = 1u << 3,
                        kEecdReq = 1u << 6, kEecdGnt = 1u << 7;

void le16_to(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}
void le32_to(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void le64_to(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

E1000Bench::E1000Bench() {
    emu::register_pci_types(registry);
    for (const char* plugin : {"gpex.so", "e1000.so"}) {
        const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / plugin);
        if (!record.loaded) throw std::runtime_error(std::string("cannot load ") + plugin + ": " + record.error);
    }
    registry.register_type({.name = "e1000-test-machine",
                            .parent = "machine",
                            .description = "test machine with RAM and a trap page",
                            .factory = emu::factory_of<TestMachine>()},
                           "e1000-tests");
    registry.register_type({.name = "netdev-wire",
                            .parent = "netdev",
                            .description = "test back end that records frames",
                            .factory = emu::factory_of<WireBackend>()},
                           "e1000-tests");
    loop.virtual_clock().set_manual(true);
    root = registry.create("container");
    machine = &root->add_child("machine", as<TestMachine>(registry.create("e1000-test-machine")));
    machine->attach(loop, {});
    host = &machine->add_child("pcie", as<emu::Device>(registry.create("gpex-pcihost")));
    host->realize();
    machine->system().add_subregion(kEcamBase, host->mmio(0));
    mmio_alias = emu::MemoryRegion::alias("pcie-mmio", host->mmio(1), kMmioBase, kMmioSize);
    machine->system().add_subregion(kMmioBase, *mmio_alias);
    machine->system().add_subregion(kPioBase, host->mmio(2));
    for (unsigned i = 0; i < 4; ++i) {
        auto level = std::make_shared<bool>(false);
        lines_.push_back(level);
        host->connect_gpio_out("", i, emu::IrqLine([level](bool v) { *level = v; }));
    }
}

E1000Bench::~E1000Bench() {
    emu::unrealize_tree(*root);
    mmio_alias.reset();
    root.reset();
}

emu::PciDevice& E1000Bench::create_nic(std::vector<std::pair<std::string, std::string>> props) {
    auto& device = machine->container("peripheral").add_child("net0", as<emu::PciDevice>(registry.create("e1000")));
    for (const auto& [key, value] : props) device.set_property(key, value);
    return device;
}

emu::PciDevice& E1000Bench::add_nic(std::vector<std::pair<std::string, std::string>> props, bool with_backend) {
    if (with_backend) {
        wire = &root->container("netdev").add_child("n0", as<WireBackend>(registry.create("netdev-wire")));
        wire->realize();
        props.insert(props.begin(), {"netdev", "n0"});
    }
    bool rom_given = false, mac_given = false;
    for (const auto& [key, value] : props) {
        rom_given |= key == "romfile";
        mac_given |= key == "mac";
    }
    if (!rom_given) props.emplace_back("romfile", "");
    if (!mac_given) props.emplace_back("mac", "52:54:00:12:34:56");
    nic = &create_nic(props);
    nic->realize();
    slot = pci::slot_of(nic->devfn());
    line_ = lines_[slot % 4];  // INTA of the slot, swizzled
    cfg_wr(pci::kBar0, static_cast<std::uint32_t>(kBar0));
    cfg_wr(pci::kBar0 + 4, static_cast<std::uint32_t>(kBar1));
    cfg_wr(pci::kCommand, pci::kCommandMemory | pci::kCommandIo | pci::kCommandMaster, 2);
    return *nic;
}

// ---- Guest access ------------------------------------------------------------------------------

std::uint32_t E1000Bench::rd(Addr offset) {
    std::uint64_t value = 0;
    last = machine->system_memory()->read_value(kBar0 + offset, 4, value);
    return static_cast<std::uint32_t>(value);
}

void E1000Bench::wr(Addr offset, std::uint32_t value) {
    last = machine->system_memory()->write_value(kBar0 + offset, 4, value);
}

std::uint32_t E1000Bench::io_rd(Addr offset) {
    std::uint64_t value = 0;
    last = machine->system_memory()->read_value(kPioBase + kBar1 + offset, 4, value);
    return static_cast<std::uint32_t>(value);
}

void E1000Bench::io_wr(Addr offset, std::uint32_t value) {
    last = machine->system_memory()->write_value(kPioBase + kBar1 + offset, 4, value);
}

std::uint32_t E1000Bench::cfg(unsigned offset, unsigned size) {
    std::uint64_t value = 0;
    machine->system_memory()->read_value(kEcamBase + (Addr{slot} << 15 | offset), size, value);
    return static_cast<std::uint32_t>(value);
}

void E1000Bench::cfg_wr(unsigned offset, std::uint32_t value, unsigned size) {
    machine->system_memory()->write_value(kEcamBase + (Addr{slot} << 15 | offset), size, value);
}

// ---- EEPROM and PHY ----------------------------------------------------------------------------

// Linux's e1000_read_eeprom for a Microwire part: request, select, standby, READ opcode (110),
// six address bits, sixteen data bits, deselect, release.
std::uint16_t E1000Bench::eeprom_bitbang(unsigned word) {
    std::uint32_t eecd = rd(reg::kEecd);
    eecd |= kEecdReq;
    wr(reg::kEecd, eecd);
    eecd = rd(reg::kEecd);
    EXPECT_TRUE(eecd & kEecdGnt);
    eecd &= ~(kEecdDi | kEecdSk);
    wr(reg::kEecd, eecd);
    eecd |= kEecdCs;
    wr(reg::kEecd, eecd);
    auto clock = [&](bool high) {
        eecd = high ? eecd | kEecdSk : eecd & ~kEecdSk;
        wr(reg::kEecd, eecd);
    };
    // Standby.
    eecd &= ~(kEecdCs | kEecdSk);
    wr(reg::kEecd, eecd);
    clock(true);
    eecd |= kEecdCs;
    wr(reg::kEecd, eecd);
    clock(false);
    auto shift_out = [&](std::uint32_t data, unsigned count) {
        for (unsigned bit = count; bit-- > 0;) {
            eecd = (data >> bit) & 1 ? eecd | kEecdDi : eecd & ~kEecdDi;
            wr(reg::kEecd, eecd);
            clock(true);
            clock(false);
        }
        eecd &= ~kEecdDi;
        wr(reg::kEecd, eecd);
    };
    shift_out(0x6, 3);
    shift_out(word, 6);
    std::uint16_t data = 0;
    for (int i = 0; i < 16; ++i) {
        data = static_cast<std::uint16_t>(data << 1);
        clock(true);
        if (rd(reg::kEecd) & kEecdDo) data |= 1;
        clock(false);
    }
    eecd &= ~(kEecdCs | kEecdDi);
    wr(reg::kEecd, eecd);
    clock(true);
    clock(false);
    eecd &= ~kEecdReq;
    wr(reg::kEecd, eecd);
    return data;
}

std::uint32_t E1000Bench::mdic(std::uint32_t command) {
    wr(reg::kMdic, command);
    return rd(reg::kMdic);
}

std::uint16_t E1000Bench::phy_read(unsigned reg, unsigned phy) {
    const std::uint32_t result = mdic(bits::kMdicRead | phy << 21 | reg << 16);
    EXPECT_TRUE(result & bits::kMdicReady);
    return static_cast<std::uint16_t>(result);
}

// ---- Rings -------------------------------------------------------------------------------------

void E1000Bench::setup_rx(unsigned n, std::uint32_t rctl_extra, std::size_t buffer_size, bool give_all) {
    rx_buffer_size = buffer_size;
    for (unsigned i = 0; i < n; ++i) {
        std::uint8_t* d = ram(kRxRing + 16 * i);
        std::memset(d, 0, 16);
        le64_to(d, kRxBuffers + i * buffer_size);
    }
    wr(reg::kRdbal, static_cast<std::uint32_t>(kRxRing));
    wr(reg::kRdbah, static_cast<std::uint32_t>(kRxRing >> 32));
    wr(reg::kRdlen, 16 * n);
    wr(reg::kRdh, 0);
    wr(reg::kRdt, 0);
    wr(reg::kRctl, bits::kRctlEn | rctl_extra);
    if (give_all) wr(reg::kRdt, n - 1);
}

E1000Bench::RxDescriptor E1000Bench::rx_desc(unsigned index) {
    const std::uint8_t* d = ram(kRxRing + 16 * index);
    return {static_cast<std::uint16_t>(d[8] | d[9] << 8), static_cast<std::uint16_t>(d[10] | d[11] << 8), d[12], d[13],
            static_cast<std::uint16_t>(d[14] | d[15] << 8)};
}

Frame E1000Bench::rx_data(unsigned index, std::size_t length) {
    const std::uint8_t* p = ram(kRxBuffers + index * rx_buffer_size);
    return Frame(p, p + length);
}

void E1000Bench::setup_tx(unsigned n) {
    std::memset(ram(kTxRing), 0, 16 * n);
    wr(reg::kTdbal, static_cast<std::uint32_t>(kTxRing));
    wr(reg::kTdbah, static_cast<std::uint32_t>(kTxRing >> 32));
    wr(reg::kTdlen, 16 * n);
    wr(reg::kTdh, 0);
    wr(reg::kTdt, 0);
    wr(reg::kTctl, bits::kTctlEn | bits::kTctlPsp);
}

void E1000Bench::tx_legacy(unsigned index, Addr buffer, std::uint16_t length, std::uint8_t command, std::uint8_t cso,
                           std::uint8_t css, std::uint16_t special) {
    std::uint8_t* d = ram(kTxRing + 16 * index);
    le64_to(d, buffer);
    le16_to(d + 8, length);
    d[10] = cso;
    d[11] = command;
    d[12] = 0;
    d[13] = css;
    le16_to(d + 14, special);
}

void E1000Bench::tx_context(unsigned index, std::uint8_t ipcss, std::uint8_t ipcso, std::uint16_t ipcse,
                            std::uint8_t tucss, std::uint8_t tucso, std::uint16_t tucse, std::uint32_t paylen,
                            std::uint8_t tucmd, std::uint8_t hdr_len, std::uint16_t mss) {
    std::uint8_t* d = ram(kTxRing + 16 * index);
    d[0] = ipcss;
    d[1] = ipcso;
    le16_to(d + 2, ipcse);
    d[4] = tucss;
    d[5] = tucso;
    le16_to(d + 6, tucse);
    le32_to(d + 8, (paylen & 0xfffff) | (std::uint32_t{tucmd} | bits::kTxDext) << 24);  // DTYP 0: context
    d[12] = 0;
    d[13] = hdr_len;
    le16_to(d + 14, mss);
}

void E1000Bench::tx_data(unsigned index, Addr buffer, std::uint32_t length, std::uint8_t command, std::uint8_t popts,
                         std::uint16_t special) {
    std::uint8_t* d = ram(kTxRing + 16 * index);
    le64_to(d, buffer);
    le32_to(d + 8, (length & 0xfffff) | 1u << 20 | std::uint32_t{static_cast<std::uint8_t>(command | bits::kTxDext)} << 24);
    d[12] = 0;
    d[13] = popts;
    le16_to(d + 14, special);
}

std::uint8_t E1000Bench::tx_status(unsigned index) { return ram(kTxRing + 16 * index)[12]; }

void E1000Bench::put(Addr address, std::span<const std::uint8_t> bytes) {
    std::memcpy(ram(address), bytes.data(), bytes.size());
}

// ---- Frames ------------------------------------------------------------------------------------

std::uint16_t be16(const Frame& frame, std::size_t offset) {
    return static_cast<std::uint16_t>(frame.at(offset) << 8 | frame.at(offset + 1));
}
std::uint32_t be32(const Frame& frame, std::size_t offset) {
    return std::uint32_t{be16(frame, offset)} << 16 | be16(frame, offset + 2);
}
void set_be16(Frame& frame, std::size_t offset, std::uint16_t value) {
    frame.at(offset) = static_cast<std::uint8_t>(value >> 8);
    frame.at(offset + 1) = static_cast<std::uint8_t>(value);
}

namespace {

std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    if (n & 1) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    return sum;
}
std::uint16_t finish(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}
std::uint32_t pseudo(const Frame& f, std::uint8_t protocol, std::size_t l4_length) {
    return sum16(f.data() + 26, 8) + protocol + static_cast<std::uint32_t>(l4_length);
}

Frame ip_frame(std::uint8_t protocol, std::size_t l4_size) {
    Frame f = ethernet(kNicMac, 0x0800, Frame(20 + l4_size, 0));
    std::uint8_t* ip = f.data() + 14;
    ip[0] = 0x45;
    const std::size_t total = 20 + l4_size;
    ip[2] = static_cast<std::uint8_t>(total >> 8);
    ip[3] = static_cast<std::uint8_t>(total);
    ip[4] = 0x12;
    ip[5] = 0x34;  // identification
    ip[6] = 0x40;  // DF
    ip[8] = 64;
    ip[9] = protocol;
    const std::uint8_t addresses[8] = {10, 0, 2, 2, 10, 0, 2, 15};
    std::memcpy(ip + 12, addresses, 8);
    const std::uint16_t c = finish(sum16(ip, 20));
    ip[10] = static_cast<std::uint8_t>(c >> 8);
    ip[11] = static_cast<std::uint8_t>(c);
    return f;
}

}  // namespace

Frame ethernet(std::span<const std::uint8_t> destination, std::uint16_t ethertype, std::span<const std::uint8_t> payload) {
    Frame f(destination.begin(), destination.end());
    f.insert(f.end(), kPeerMac, kPeerMac + 6);
    f.push_back(static_cast<std::uint8_t>(ethertype >> 8));
    f.push_back(static_cast<std::uint8_t>(ethertype));
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

Frame ethernet(std::span<const std::uint8_t> destination, std::size_t payload_size) {
    Frame payload(payload_size);
    for (std::size_t i = 0; i < payload_size; ++i) payload[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return ethernet(destination, 0x88b5, payload);  // local experimental ethertype
}

Frame tcp_frame(std::size_t payload_size, std::uint32_t sequence, std::uint8_t flags, std::uint8_t first) {
    Frame f = ip_frame(6, 20 + payload_size);
    std::uint8_t* tcp = f.data() + 34;
    tcp[0] = 0x1f;
    tcp[1] = 0x90;  // 8080
    tcp[2] = 0xc0;
    tcp[3] = 0x01;
    for (int i = 0; i < 4; ++i) tcp[4 + i] = static_cast<std::uint8_t>(sequence >> (24 - 8 * i));
    tcp[12] = 0x50;  // 20-byte header
    tcp[13] = flags;
    tcp[14] = 0xff;
    tcp[15] = 0xff;
    for (std::size_t i = 0; i < payload_size; ++i) tcp[20 + i] = static_cast<std::uint8_t>(first + i);
    const std::uint16_t c = finish(sum16(tcp, 20 + payload_size, pseudo(f, 6, 20 + payload_size)));
    tcp[16] = static_cast<std::uint8_t>(c >> 8);
    tcp[17] = static_cast<std::uint8_t>(c);
    return f;
}

Frame udp_frame(std::size_t payload_size) {
    Frame f = ip_frame(17, 8 + payload_size);
    std::uint8_t* udp = f.data() + 34;
    udp[0] = 0x00;
    udp[1] = 0x43;
    udp[2] = 0x00;
    udp[3] = 0x44;
    udp[4] = static_cast<std::uint8_t>((8 + payload_size) >> 8);
    udp[5] = static_cast<std::uint8_t>(8 + payload_size);
    for (std::size_t i = 0; i < payload_size; ++i) udp[8 + i] = static_cast<std::uint8_t>(0xa0 + i);
    std::uint16_t c = finish(sum16(udp, 8 + payload_size, pseudo(f, 17, 8 + payload_size)));
    if (c == 0) c = 0xffff;
    udp[6] = static_cast<std::uint8_t>(c >> 8);
    udp[7] = static_cast<std::uint8_t>(c);
    return f;
}

bool ip_checksum_ok(const Frame& frame) {
    const std::size_t header = std::size_t{frame.at(14) & 0xfu} * 4;
    return finish(sum16(frame.data() + 14, header)) == 0;
}

bool l4_checksum_ok(const Frame& frame) {
    const std::size_t total = be16(frame, 16);
    const std::size_t header = std::size_t{frame.at(14) & 0xfu} * 4;
    const std::uint8_t protocol = frame.at(23);
    const std::size_t l4_length = total - header;
    if (14 + total > frame.size()) return false;
    return finish(sum16(frame.data() + 14 + header, l4_length, pseudo(frame, protocol, l4_length))) == 0;
}

}  // namespace e1000_test
